/* strain.h - timing of longitudinal strain curves (strain.c). */
#ifndef DYS_STRAIN_H
#define DYS_STRAIN_H

#include "timing.h"

/* Segment k of a strain recording over its accepted beats (onsets, RRs
 * with NAN unknown, nb of them): fills sr's strain_ttp_ms,
 * strain_ttp_es_ms, peak_strain_pct, strain_psi_pct, n_beats, status,
 * reason, lowpass_hz and noise (in %). */
dys_status dys_measure_strain(dys_ctx *ctx, const dys_recording *rec, int k,
                              const double *onsets, const double *rrs, size_t nb, double avo,
                              double avc, const dys_params *p, dys_segment_result *sr);

#endif
