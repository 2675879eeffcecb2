/*
 * conditioning.h - from irregular samples to a smooth curve whose peak can
 * be located below the frame period.  See conditioning.c.
 */
#ifndef DYS_CONDITIONING_H
#define DYS_CONDITIONING_H

#include "internal.h"

/* Natural cubic spline through (x[i], y[i]), x strictly increasing.
 * Piece i is y[i] + b u + c u^2 + d u^3 with u = t - x[i]: a scan then
 * costs three multiply-adds per point and no division. */
typedef struct dys_spline {
    size_t n;
    double *x, *y, *b, *c, *d; /* knots, values, polynomial coefficients */
} dys_spline;

dys_status dys_spline_init(dys_spline *s, const double *x, const double *y,
                           size_t n);
void dys_spline_free(dys_spline *s);
double dys_spline_eval(const dys_spline *s, double t);
/* The same value, for scans: *hint (start it at 0) keeps the piece of the
 * previous call, so nearby times cost no search. */
double dys_spline_eval_near(const dys_spline *s, double t, size_t *hint);
/* Exact maximum of the spline on [a, b] (a <= b inside the knot range):
 * each cubic piece's stationary points are solved in closed form. */
double dys_spline_argmax(const dys_spline *s, double a, double b, double *vmax);
/* The same for the minimum. */
double dys_spline_argmin(const dys_spline *s, double a, double b, double *vmin);
/* The local maxima strictly inside (a, b), in time order, at most cap
 * (times t, values v): the stationary points where the curve bends down,
 * solved per piece in closed form.  Returns how many. */
size_t dys_spline_maxima(const dys_spline *s, double a, double b, double *t, double *v,
                         size_t cap);
/* Walking from t0 towards lim (either side), where the spline first falls
 * below level: 1 and the crossing in *at (t0 itself when it starts
 * below), or 0 when it stays at or above level up to lim.  Each piece's
 * monotone runs are bounded by its stationary points; the crossing is
 * bisected to 1e-9 ms within the run that holds it. */
int dys_spline_leave(const dys_spline *s, double t0, double lim, double level, double *at);

/* The smallest n' >= n of the form 2^a 3^b 5^c: FFTW is fast at such
 * sizes (about 3x faster than at sizes with a large prime factor), and
 * a few of them cover every recording, so plans (0.05-1 ms each to
 * make) are reused across a batch instead of made for each study. */
size_t dys_fft_size(size_t n);

/* Zero-phase low-pass of a uniformly sampled series, in place:
 * DCT-II, Gaussian gain H(f) = exp(-ln2 (f/fc)^2) (one half at fc),
 * DCT-III back (both through FFTW's complex DFT, conditioning.c).  The DCT's
 * even extension avoids wrap-around at the ends. */
dys_status dys_lowpass(dys_ctx *ctx, double *x, size_t n, double dt_ms,
                       double fc_hz);

/* The pieces of dys_lowpass, for a caller that filters one series
 * several ways (ecg.c's bands): one forward transform, then gains and
 * inverse transforms, with no transform of an intermediate result.
 * dys_dct: X = DCT-II of x (FFTW's REDFT10 convention, unnormalised:
 * X_k = 2 sum_j x_j cos(pi (j + 1/2) k / n)); dys_dct_gain:
 * Y = X times dys_lowpass's gain at fc for a series sampled every dt_ms
 * (Y may be X), returns the sum of the gains; dys_idct: x = the inverse
 * (DCT-III over 2 n), so dys_dct, dys_dct_gain and dys_idct in turn are
 * dys_lowpass, bit for bit.  n should be one of few sizes (a
 * dys_fft_size, a power of two): each new one is planned. */
dys_status dys_dct(dys_ctx *ctx, const double *x, size_t n, double *X);
double dys_dct_gain(const double *X, double *Y, size_t n, double dt_ms, double fc_hz);
dys_status dys_idct(dys_ctx *ctx, const double *X, size_t n, double *x);

/* Circular cross-correlation of two series of n samples (FFTW real DFT):
 * r[k] = sum_j a[j] b[(j + k) mod n], so a peak at k means b lags a by k
 * samples (k > n/2: b leads by n - k). */
dys_status dys_circular_xcorr(dys_ctx *ctx, const double *a, const double *b, size_t n,
                              double *r);

/* A robust (Huber-type) low-pass of x, as DCT coefficients: B = G X, then
 * iters times B = G DCT(b + clip(x - b, +-c)), b the series whose
 * coefficients B are (G: dys_lowpass's gain at fc for a series sampled
 * every dt_ms; X: x's dys_dct).  Bit for bit those steps through
 * dys_dct_gain, dys_idct and dys_dct, with two reordering passes fewer
 * per iteration.  B: n values. */
dys_status dys_lowpass_robust(dys_ctx *ctx, const double *x, const double *X, size_t n,
                              double dt_ms, double fc_hz, double c, int iters, double *B);

/* Linear cross-correlation of a window f[0..m) with nl stretches of y:
 * r[l] = sum_q f[q] y[l + q], l = 0..nl-1 (y has m + nl - 1 samples), by
 * FFT (one complex DFT of f + i y at a power of two, one back): ~3 us at
 * m = 241, nl = 201, where the sums take ~20.  Exact to ~1e-16 of
 * |f| |y|. */
dys_status dys_xcorr_lags(dys_ctx *ctx, const double *f, size_t m, const double *y, size_t nl,
                          double *r);

/* Median interval between consecutive times (the frame period of a
 * jittered clock); NAN when n < 2 or out of memory. */
double dys_median_interval(const double *t, size_t n);

/* White-noise SD of irregular samples, from their 6th divided
 * differences (robust: the 20th percentile of their absolute values,
 * conditioning.c says why). */
double dys_noise_sd(const double *t, const double *v, size_t n);
/* The same from the q-quantile of |z| (q = 0.5 or 0.2), skipping windows
 * that span a gap longer than gap_ms. */
double dys_noise_sd_q(const double *t, const double *v, size_t n,
                      double gap_ms, double q);

/* What a recording's segments share: its time axis, the 6th divided
 * differences' weights over it (they depend on the times only, and
 * cost ~50 products and 7 divisions per sample; a segment's own part is
 * 7 products) and its median frame interval.  Built once per recording
 * and read by every segment whose samples are all valid (the times are
 * then the same); results are bit for bit those of dys_noise_sd and
 * dys_median_interval. */
typedef struct dys_axis {
    const double *t; /* not owned */
    size_t n;
    double *ddw;     /* per window of 7: the 7 weights, then the root of
                        their sum of squares (8 values); NULL when not
                        made */
    double median_dt;
} dys_axis;
/* weights: make the noise estimate's weights (the low-pass is on, so
 * the segments will estimate their noise).  They take 8 values per
 * sample: a recording of over 2^20 samples (hours of frames) goes
 * without, and its segments compute their own in one value per sample. */
dys_status dys_axis_init(dys_axis *ax, const double *t, size_t n, int weights);
void dys_axis_free(dys_axis *ax);
/* dys_noise_sd(ax->t, v, ax->n), from the shared weights (ax->ddw set). */
double dys_noise_sd_axis(const dys_axis *ax, const double *v);

/* The lowest cut-off the automatic low-pass considers.  S' (a wave of
 * 150-250 ms) has its energy at 2-8 Hz; a Gaussian gain halving 5 Hz
 * already flattens it, and lower cut-offs moved an asymmetric S' peak
 * by 10-28 ms on synthetic curves whose noise estimate was inflated by
 * unresolved waves (40 frames/s).  The risk estimate never asked for
 * them on curves it measured right. */
#define DYS_LOWPASS_MIN_HZ 5.0

/* Choose a cut-off from the data: the one minimising Stein's unbiased
 * estimate of the filtered curve's squared error over the samples that lie
 * in an ejection window (in_window[i] != 0), given the noise SD.
 * *fc_hz = 0 when no filtering is better (clean data).  When *fc_hz > 0
 * and filtered is not NULL, filtered[0..n) receives x low-passed at
 * *fc_hz, bit for bit what dys_lowpass gives (the search has computed it
 * already); filtered may be x. */
dys_status dys_choose_lowpass(dys_ctx *ctx, const double *x, size_t n,
                              double dt_ms, const unsigned char *in_window,
                              double noise_sd, double *fc_hz, double *filtered);

#endif
