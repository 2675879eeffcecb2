/* strain.h - timing of longitudinal strain curves (strain.c). */
#ifndef DYS_STRAIN_H
#define DYS_STRAIN_H

#include "timing.h"

/* Segment k of a strain recording over its accepted beats (onsets, RRs
 * with NAN unknown, nb of them): fills sr's strain_ttp_ms,
 * strain_ttp_es_ms, peak_strain_pct, strain_psi_pct, n_beats, status,
 * reason, lowpass_hz and noise (in %).  ax: the recording's shared axis,
 * or NULL. */
dys_status dys_measure_strain(dys_ctx *ctx, const dys_recording *rec, const dys_axis *ax,
                              int k, const double *onsets, const double *rrs, size_t nb, double avo,
                              double avc, const dys_params *p, dys_segment_result *sr);

/* The peak (most negative) global strain of a recording with a global
 * curve: on its samples, from each accepted beat's QRS onset to the next
 * (the beat's RR, else rr_else), the mean over the beats that have
 * samples there; NAN without a global curve or such a beat. */
double dys_global_strain_peak(const dys_recording *rec, const dys_beat_list *bl,
                              double rr_else);

#endif
