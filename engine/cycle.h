/* cycle.h - measures over a whole cardiac cycle: Fourier phase,
 * displacement (tissue tracking), cross-correlation delay, and the
 * circular statistics of phases (cycle.c). */
#ifndef DYS_CYCLE_H
#define DYS_CYCLE_H

#include "timing.h"

/* Samples per cycle for the whole-cycle measures. */
#define DYS_CYCLE_N 256

/* v[k] = the curve at onset + k rr / n, k = 0..n-1 (the curve's value at
 * its last sample beyond it: a single-beat export ends a frame or two
 * before the next QRS).  Returns 0, or -1 when the curve does not cover
 * the cycle (more than 30 ms missing at either end). */
int dys_cycle_sample(const dys_curve *c, double onset, double rr, double *v, size_t n);

/* Phase (degrees, [0, 360)) of the first harmonic of one cycle of n
 * samples: v ~ c0 + A cos(2 pi k / n - phase), so phase / 360 is where in
 * the cycle the first harmonic peaks.  NAN when its amplitude is 0. */
double dys_first_harmonic_phase(const double *v, size_t n);

/* Displacement (mm) from velocity (cm/s) over one cycle of n samples
 * rr ms long: the trapezoid integral from the QRS onset, less the linear
 * drift that makes it return to zero at the next onset (velocity offsets
 * and noise integrate to a ramp that no real cycle has). */
void dys_cycle_displacement(const double *v, size_t n, double rr, double *d);

/* Delay (ms) of b after a over one cycle: the lag of the largest
 * normalised circular cross-correlation (FFTW), within +-half a cycle,
 * refined below a sample by a parabola.  *corr receives the normalised
 * peak (NAN when a curve is flat, with a delay of NAN). */
dys_status dys_xcorr_delay(dys_ctx *ctx, const double *a, const double *b, size_t n,
                           double rr, double *delay_ms, double *corr);

/* Circular statistics of m phases in degrees: the circular mean (NAN when
 * the resultant is 0), the SD of the phases about it after unwrapping
 * each to within 180 degrees of it (sample SD, n - 1), and the width of the
 * smallest arc holding ceil(frac m) of them. */
double dys_circ_mean_deg(const double *ph, size_t m);
double dys_circ_sd_deg(const double *ph, size_t m);
double dys_circ_bandwidth_deg(const double *ph, size_t m, double frac);

/* cos and sin of 2 pi k / DYS_CYCLE_N: the same for every segment, so made
 * once per recording (512 sin and cos were ~2 % of a batch's CPU when each
 * segment made its own). */
typedef struct dys_harmonics {
    double cs[DYS_CYCLE_N], sn[DYS_CYCLE_N];
} dys_harmonics;
void dys_harmonics_init(dys_harmonics *h);

/* The whole-cycle measures of one segment over the beats used for its Ts
 * (used[b] != 0; onsets, RRs of whole cycles (NAN: unknown, or a cycle cut
 * short by a premature beat: no whole-cycle measure), the time to the next
 * onset (NAN: unknown; it bounds the post-systolic window) and Ts of nb
 * beats): fills sr's ts_rr_pct, ts_ep_pct, ts_ps_ms, phase_deg,
 * disp_phase_deg, psi_pct, dlc, those `what` asks for.  With keep != NULL, *keep receives nb x
 * DYS_CYCLE_N velocity samples (NAN rows where a beat has none), for the
 * cross-correlation of opposing pairs; free it.  hm: the harmonics
 * (dys_harmonics_init), needed when `what` asks for the phase. */
dys_status dys_segment_cycle(dys_ctx *ctx, const dys_curve *c, const double *onsets,
                             const double *rrs, const double *rr_next, const double *ts,
                             const unsigned char *used, size_t nb, double avo, double avc,
                             unsigned what, const dys_harmonics *hm, dys_segment_result *sr,
                             double **keep);
/* What dys_segment_cycle measures (--indices): the Ts variants (ts_rr_pct,
 * ts_ep_pct, ts_ps_ms) and the phases and displacement (phase_deg,
 * disp_phase_deg, psi_pct, dlc); the others stay NAN (dlc -1).  The
 * cycles are sampled only for the phases or for keep. */
#define DYS_CYCLE_VARIANTS 0x1u
#define DYS_CYCLE_PHASE 0x2u

#endif
