/* indices.h - the index catalogue and its computation (indices.c). */
#ifndef DYS_INDICES_H
#define DYS_INDICES_H

#include "internal.h"

/* Fill r->index[] and r->index_reason[] from r->seg[] (status ok only). */
void dys_compute_indices(dys_result *r, const dys_params *p);
/* The opposing basal pairs septal-lateral, anterior-inferior,
 * anteroseptal-posterior (earlier-defined wall first), in the order of
 * dys_result.xcorr_ms. */
extern const int dys_opposing_pairs[3][2];

/* The null indices of r grouped by cause, one sentence each (at most max,
 * written to lines[]); returns how many.  Used for the warnings and the CSV
 * column null_reasons. */
#define DYS_NULL_CAUSE_MAX 1536
int dys_null_causes(const dys_result *r, char lines[][DYS_NULL_CAUSE_MAX], int max);

/* Whether index i needs an input the study does not give at all (work
 * without any work input, Doppler timing without any of its keys, apical
 * rocking without a tracked 4-chamber wall): its null is then not warned
 * about, nor shown in the figure, since most studies give none. */
int dys_index_unasked(const dys_result *r, int i);

/* The indices of a dys_params.indices set as --indices text: whole
 * families by name, then the other keys ("ts,to_sd_12_ms"); "" (0) when
 * it holds every index.  Like snprintf. */
size_t dys_indices_text(unsigned long long m, char *buf, size_t cap);
/* Whether p asks for any index of a family (dys_family_name). */
int dys_wants_family(const dys_params *p, const char *family);
/* The reason of an index --indices did not ask for. */
#define DYS_NOT_REQUESTED "not requested (--indices)"

/* Sample (n-1) or population (n) standard deviation. */
double dys_sd(const double *x, int n, dys_sd_kind kind);

/* Whether index i is computed from the segments' Ts alone (0 or 1). */
int dys_index_from_ts(int i);
/* Whether index i is a signed delay, best near 0 (0 or 1). */
int dys_index_signed(int i);

#endif
