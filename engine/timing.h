/* timing.h - time to peak systolic velocity of one segment (timing.c). */
#ifndef DYS_TIMING_H
#define DYS_TIMING_H

#include "conditioning.h"

/* A segment's conditioned curve: the spline to take peaks from. */
typedef struct dys_curve {
    dys_spline sp;
    double t_first, t_last; /* span of valid samples */
    const double *t, *v;    /* raw samples (for gap checks) */
    size_t n;
    double lowpass_hz, noise_sd;
    double frame_ms; /* median interval of the valid samples (set when
                        the curve may be low-passed; 0 with --lowpass off) */
} dys_curve;

/* Build the curve of one segment.  ax: the recording's shared axis
 * (dys_axis_init over t, n), or NULL.  The ejection windows [win_lo[i],
 * win_hi[i]] (ms, file axis) are where the automatic low-pass is tuned.
 * dw: the noise estimate's weights of the time axis t (n samples, no
 * gap limit), or NULL; used when no sample of v is missing, the same
 * numbers for less work.  velocity: a tissue velocity curve for Ts,
 * whose automatic low-pass must also beat the curve through the samples
 * by cross-validation on the windows (timing.c, interpolation_wins);
 * 0 for strain and for the AVC search.  Returns DYS_ERR_ANALYSIS with
 * *why set when the segment has too little valid signal. */
dys_status dys_curve_init(dys_ctx *ctx, dys_curve *c, const dys_axis *ax,
                          const double *t, const double *v, size_t n, const double *win_lo,
                          const double *win_hi, size_t n_win,
                          const dys_params *p, int velocity, char *why, size_t whycap);
void dys_curve_free(dys_curve *c);

/* To, the time to onset of systolic velocity: back from the peak to
 * where the velocity last rose through DYS_TO_FRACTION of the peak, no
 * earlier than DYS_TO_BEFORE_AVO_MS before AVO (timing.c).  dyssync synth
 * defines its truth by the same rule. */
#define DYS_TO_FRACTION 0.10
#define DYS_TO_BEFORE_AVO_MS 40.0

/* One beat's measurement. */
typedef struct dys_beat_ts {
    int measured;     /* 0: the beat could not be measured (why says) */
    double ts_ms;     /* from QRS onset; NAN with NO_POSITIVE_PEAK */
    double to_ms;     /* To from QRS onset; NAN when not found */
    double peak;
    unsigned flags;
    char why[160];
} dys_beat_ts;

/* The peak time tpk the spline's maximum gave in [a, b] (value vmax > 0),
 * refined from the raw samples (timing.c): checked against local
 * interpolants of the samples around it on a curve taken through its
 * samples, refitted by a least-squares cubic on a noisy one.  highest: the
 * refinement starts from the highest sample in [a, b] (else from the one
 * nearest tpk, moved uphill).  local: check against the local
 * interpolants (velocity; strain, the integral of strain rate, has no
 * unresolved 8-15 ms waves to bend the spline, and its peaks are
 * asymmetric enough at 40 frames/s that the local cubics, not the spline,
 * were off by up to 9 ms on tests/strain_synth.py's curves).  *ipk gets
 * that sample (SIZE_MAX: none), *spread how far the local interpolants
 * moved the spline's peak (ms).  For Ts, and the time to peak strain
 * (strain.c). */
double dys_curve_refine_peak(const dys_curve *c, double a, double b, double tpk,
                             double vmax, int highest, int local, size_t *ipk,
                             double *spread);

/* Peak systolic velocity in [onset + avo, onset + avc]; To only when p
 * asks for a To index (else NAN). */
void dys_measure_beat(const dys_curve *c, double onset_ms, double avo_ms,
                      double avc_ms, const dys_params *p, dys_beat_ts *out);

/* Estimated noise below this (cm/s) is what clean exports show from
 * quantisation and from the noise estimator's leakage of signal (<= 0.05
 * on noise-free synthetic curves at 100 fps): the curve is then taken as
 * clean, neither filtered nor refitted, and the spline through the samples
 * gives the peak. */
#define DYS_CLEAN_NOISE_CM_S 0.05

/* Flags that make Ts unreliable (status indeterminate). */
#define DYS_FLAGS_INDETERMINATE \
    (DYS_FLAG_LOW_AMPLITUDE | DYS_FLAG_NO_POSITIVE_PEAK | DYS_FLAG_PEAK_AT_WINDOW_EDGE)

#endif
