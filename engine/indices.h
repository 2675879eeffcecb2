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

/* Sample (n-1) or population (n) standard deviation. */
double dys_sd(const double *x, int n, dys_sd_kind kind);

#endif
