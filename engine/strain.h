/* strain.h - timing of longitudinal strain curves (strain.c). */
#ifndef DYS_STRAIN_H
#define DYS_STRAIN_H

#include "timing.h"

/* The segments' conditioned strain curves, kept past the strain stage
 * for lbbb.c when the lbbb family is asked for: the markers sample the
 * very curve the time to peak strain was read on, where conditioning it
 * a second time repeated the automatic low-pass's cut-off search, the
 * costliest step of a strain study.  has[k]: curve[k] is segment k's curve in recording
 * rec[k], the one r->seg[k].rec names.  A kept curve is its spline and
 * span only: curve[k].v is NULL (the samples it was built from were
 * strain.c's negated copy).  Zero-initialise; dys_strain_curves_free
 * frees what it holds. */
typedef struct dys_strain_curves {
    unsigned char has[DYS_N_SEGMENTS];
    int rec[DYS_N_SEGMENTS];
    dys_curve curve[DYS_N_SEGMENTS];
} dys_strain_curves;
void dys_strain_curves_free(dys_strain_curves *cv);

/* Segment k of strain recording ri over its accepted beats (onsets, RRs
 * with NAN unknown, nb of them): fills sr's strain_ttp_ms,
 * strain_ttp_es_ms, peak_strain_pct, strain_psi_pct, n_beats, status,
 * reason, lowpass_hz and noise (in %).  ax: the recording's shared axis,
 * or NULL.  keep: NULL, or where segment k's conditioned curve goes (any
 * earlier recording's curve of k is dropped, so what is kept is always
 * the curve of the recording measured last, as r->seg[k] is). */
dys_status dys_measure_strain(dys_ctx *ctx, const dys_study *s, size_t ri, const dys_axis *ax,
                              int k, const double *onsets, const double *rrs, size_t nb, double avo,
                              double avc, const dys_params *p, dys_segment_result *sr,
                              dys_strain_curves *keep);

/* The peak (most negative) global strain of a recording with a global
 * curve: on its samples, from each accepted beat's QRS onset to the next
 * (the beat's RR, else rr_else), the mean over the beats that have
 * samples there; NAN without a global curve or such a beat. */
double dys_global_strain_peak(const dys_recording *rec, const dys_beat_list *bl,
                              double rr_else);

#endif
