/*
 * conditioning.c - signal conditioning for the time-to-peak measurement.
 *
 * 1. Frame clocks jitter, so samples are not evenly spaced.  A natural
 *    cubic spline through the actual time stamps is the curve; for clean
 *    data its maximum is the peak (no assumption of even spacing; the
 *    spline's error in the peak time falls as h^3 and is ~0.1 ms at
 *    100 fps for a physiological S' wave).
 * 2. For filtering, the spline is sampled on a uniform grid at about
 *    the median frame interval (a 5-smooth count of points, see
 *    dys_fft_size) and low-passed with zero phase through a DCT (DCT-II
 *    and back, computed through FFTW's complex DFT, dct_forward below) with a
 *    Gaussian gain H(f) = exp(-ln2 (f/fc)^2),
 *    one half at the cut-off fc.  A Gaussian, not a sharp (Butterworth)
 *    response: its kernel is positive, so it cannot ring, and in one
 *    dimension it never creates a new local maximum; a sharp cut-off next
 *    to the steep fall of velocity at AVC made ringing lobes that shifted
 *    Ts by up to 10 ms on clean synthetic curves.  The DCT's even
 *    extension makes the ends continuous, so there is no wrap-around.
 *    The filtered grid is splined again for the peak.
 * 3. The cut-off is chosen from the data (--lowpass auto).  The noise SD
 *    comes from the 6th divided differences of the raw samples (they
 *    vanish on quintics, so they hold almost only noise; their 20th
 *    percentile makes the estimate robust to the places where the curve
 *    is not smooth over 7 frames: the isovolumic spike, the end-systolic
 *    notch, E' and A' cover a third of those windows at 40-80 frames/s,
 *    where the median read them as noise, 0.2-0.7 cm/s on noise-free
 *    synthetic curves at 40-50 frames/s, and the filter chosen for that
 *    noise moved the peak by up to 20 ms).  Below 0.05 cm/s
 *    (timing.h) the curve is clean and not filtered at all.  Otherwise the
 *    cut-off minimises Stein's unbiased risk estimate of the filtered
 *    curve over the samples inside the ejection windows,
 *        R(fc) = sum_W (y - Hy)^2 + 2 s^2 |W| tr(H)/n - |W| s^2
 *    (Stein 1981; Mallows' Cp), with the smoother's diagonal taken as
 *    tr(H)/n, its value away from the ends; searched from 5 Hz
 *    (DYS_LOWPASS_MIN_HZ) to 0.9 Nyquist to within 2 %
 *    (dys_choose_lowpass).  Tuning on the window,
 *    not the whole beat, matters: the sharp isovolumic spike would
 *    otherwise hold the cut-off high and leave S' noisy.  For Ts,
 *    timing.c then keeps the filter only if it also wins a
 *    cross-validation against the curve through the samples, which needs
 *    no noise estimate (at 40-50 frames/s the estimate still holds some
 *    unresolved signal: interpolation_wins).
 *
 * FFT plans are made once per size and kept in the context (a context per
 * thread); sizes are 5-smooth (dys_fft_size), so a batch reuses a few
 * dozen plans instead of making one per study.  FFTW's planner itself is
 * not thread-safe, so plan creation and destruction take one
 * process-wide lock (the only static state in the library, and it guards
 * FFTW's, not ours); executing plans does not.
 */
#include "conditioning.h"

#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* Sizes are 5-smooth (dys_fft_size), so a few dozen cover every
 * recording from 1 to 30 s at 50 to 500 fps. */
#define FFTCACHE_MAX 64

/* Plan kinds: the DCT pair of the low-pass, the real DFT pair
 * (halfcomplex) of the circular cross-correlation, and a complex DFT pair
 * (dys_xcorr_lags). */
enum { KIND_DCT, KIND_DFT, KIND_CDFT };

typedef struct {
    size_t n;
    int kind;
    /* DCT: complex arrays of n/2 values (n even) or n (n odd); DFT: n
     * reals; CDFT: n complex values */
    double *in, *out;
    double *v;          /* DCT: the series in dct_forward's order (in itself, n even) */
    double *tw;         /* DCT: cos, sin of pi k / 2n (k <= n/2), then (n even)
                           of 2 pi k / n (k < n/2) */
    fftw_plan fwd, inv; /* in->out forward, out->in backward */
} dct_plan;

struct dys_fftcache {
    dct_plan p[FFTCACHE_MAX];
    int count, next_evict;
    /* Scratch for the callers of the transforms (the cut-off search's
     * coefficients, the cross-correlation's first spectrum): kept and
     * grown, so a batch allocates it a few times, not per segment. */
    void *work;
    size_t work_bytes;
};

static void plan_destroy(dct_plan *p)
{
    pthread_mutex_lock(&planner_lock);
    if (p->fwd)
        fftw_destroy_plan(p->fwd);
    if (p->inv)
        fftw_destroy_plan(p->inv);
    pthread_mutex_unlock(&planner_lock);
    if (p->v != p->in)
        fftw_free(p->v);
    fftw_free(p->in);
    fftw_free(p->out);
    free(p->tw);
    memset(p, 0, sizeof *p);
}

void dys_fftcache_free(struct dys_fftcache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->count; i++)
        plan_destroy(&c->p[i]);
    free(c->work);
    free(c);
}

static struct dys_fftcache *fftcache(dys_ctx *ctx)
{
    if (!ctx->fft)
        ctx->fft = calloc(1, sizeof *ctx->fft);
    return ctx->fft;
}

/* The context's scratch, at least `bytes` long (NULL when out of
 * memory); valid until the next call, so a function that holds it calls
 * none that takes it.  Its contents are not kept. */
static void *scratch(dys_ctx *ctx, size_t bytes)
{
    struct dys_fftcache *c = fftcache(ctx);
    if (!c)
        return NULL;
    if (c->work_bytes < bytes) {
        free(c->work);
        c->work_bytes = 0;
        if (!(c->work = malloc(bytes)))
            return NULL;
        c->work_bytes = bytes;
    }
    return c->work;
}

static dct_plan *get_plan(dys_ctx *ctx, size_t n, int kind)
{
    struct dys_fftcache *c = fftcache(ctx);
    if (!c)
        return NULL;
    for (int i = 0; i < c->count; i++)
        if (c->p[i].n == n && c->p[i].kind == kind)
            return &c->p[i];
    dct_plan *p;
    if (c->count < FFTCACHE_MAX) {
        p = &c->p[c->count++];
    } else { /* round-robin eviction keeps memory bounded in long batches */
        p = &c->p[c->next_evict];
        c->next_evict = (c->next_evict + 1) % FFTCACHE_MAX;
        plan_destroy(p);
    }
    p->n = n;
    p->kind = kind;
    /* complex values per transform */
    size_t m = kind == KIND_DCT ? (n % 2 ? n : n / 2) : kind == KIND_CDFT ? n : 0;
    p->in = m ? (double *)fftw_alloc_complex(m) : fftw_alloc_real(n);
    p->out = m ? (double *)fftw_alloc_complex(m) : fftw_alloc_real(n);
    int ready = p->in && p->out;
    if (kind == KIND_DCT) {
        p->v = n % 2 ? fftw_alloc_real(n) : p->in;
        size_t half = n / 2 + 1, ntw = 2 * half + (n % 2 ? 0 : 2 * (n / 2));
        if ((p->tw = malloc(ntw * sizeof *p->tw))) {
            for (size_t k = 0; k < half; k++) {
                p->tw[2 * k] = cos(M_PI * (double)k / (2.0 * (double)n));
                p->tw[2 * k + 1] = sin(M_PI * (double)k / (2.0 * (double)n));
            }
            for (size_t k = 0; n % 2 == 0 && k < n / 2; k++) {
                p->tw[2 * half + 2 * k] = cos(2.0 * M_PI * (double)k / (double)n);
                p->tw[2 * half + 2 * k + 1] = sin(2.0 * M_PI * (double)k / (double)n);
            }
        }
        ready = ready && p->v && p->tw;
    }
    if (ready) {
        /* FFTW_ESTIMATE: deterministic plans, so results do not depend on
         * timing measurements made at planning time. */
        pthread_mutex_lock(&planner_lock);
        if (m) {
            p->fwd = fftw_plan_dft_1d((int)m, (fftw_complex *)p->in, (fftw_complex *)p->out,
                                      FFTW_FORWARD, FFTW_ESTIMATE);
            p->inv = fftw_plan_dft_1d((int)m, (fftw_complex *)p->out, (fftw_complex *)p->in,
                                      FFTW_BACKWARD, FFTW_ESTIMATE);
        } else {
            p->fwd = fftw_plan_r2r_1d((int)n, p->in, p->out, FFTW_R2HC, FFTW_ESTIMATE);
            p->inv = fftw_plan_r2r_1d((int)n, p->out, p->in, FFTW_HC2R, FFTW_ESTIMATE);
        }
        pthread_mutex_unlock(&planner_lock);
    }
    if (!p->fwd || !p->inv) {
        plan_destroy(p);
        c->count--; /* only reached when out of memory */
        return NULL;
    }
    return p;
}

size_t dys_fft_size(size_t n)
{
    size_t best = SIZE_MAX;
    for (size_t p2 = 1;; p2 *= 2) {
        for (size_t p3 = p2;; p3 *= 3) {
            size_t p5 = p3;
            while (p5 < n)
                p5 *= 5;
            if (p5 < best)
                best = p5;
            if (p3 >= n)
                break;
        }
        if (p2 >= n)
            return best;
    }
}

/* Gaussian gain, one half at fc.  Its impulse response is a positive
 * Gaussian kernel, and Gaussian smoothing never creates a new local
 * extremum in one dimension (scale-space causality), so no ringing lobe
 * can pose as a peak, as it can with a sharp (e.g. Butterworth) cut-off
 * next to the steep fall of velocity at AVC. */
static double gain(double f, double fc)
{
    double r = f / fc;
    return exp(-M_LN2 * r * r);
}

/* Multiply DCT bin k by gain(k df, fc) for every bin; returns the sum of
 * the gains (the smoother's trace).  gain(k df) = q^(k^2) with
 * q = gain(df), built by the recurrence q^((k+1)^2) = q^(k^2) q^(2k+1)
 * instead of an exp() per bin; it underflows cleanly to 0.  From there
 * on every bin is multiplied by that 0 without the serial recurrence
 * (the same bits): the ECG's 1-Hz baseline has a gain above 0 in its
 * first ~520 of 8,192 bins only. */
static double apply_gain(const double *in, double *out, size_t n, double df, double fc)
{
    double q = gain(df, fc), h = 1.0, step = q, q2 = q * q, trace = 0;
    size_t k = 0;
    for (; k < n && h != 0; k++) {
        out[k] = in[k] * h;
        trace += h;
        h *= step;
        step *= q2;
    }
    for (; k < n; k++)
        out[k] = in[k] * 0.0;
    return trace;
}

/* The DCT pair through a DFT (Makhoul, IEEE TASSP 1980;28:27): the even
 * samples in order, then the odd ones reversed, are a sequence v whose
 * DFT V, turned by pi k / 2n, is the DCT-II.  V of a real v of even
 * length comes from a complex DFT of half the length, of z_j = v_2j +
 * i v_2j+1 (E_k and O_k, the DFTs of the even and odd samples, are
 * (Z_k + conj Z_n/2-k) / 2 and (Z_k - conj Z_n/2-k) / 2i); of odd length,
 * from a complex DFT of v itself.  FFTW's own REDFT10/REDFT01 plans
 * (FFTW_ESTIMATE) run on its scalar real-to-real codelets; its complex
 * ones have SIMD codelets, and a low-pass through them took 6 instead of
 * 13 us at 500 points and 90 instead of 150-200 us at 6,250 (the results
 * agree to ~1e-16 of the largest coefficient).  Complex plans are also
 * quick to make (0.05-1 ms; r2c/c2r ones took 1.5-7 ms, once per size
 * and process, which doubled the CPU of analysing one study). */

static void dct_order(const double *x, size_t n, double *v)
{
    for (size_t j = 0; 2 * j < n; j++)
        v[j] = x[2 * j];
    for (size_t j = 0; 2 * j + 1 < n; j++)
        v[n - 1 - j] = x[2 * j + 1];
}

/* X = the DCT-II (FFTW's REDFT10 convention, X_k = 2 sum x_j
 * cos(pi (j + 1/2) k / n)) of the series p->v holds in dct_forward's
 * order: V_k (k <= n/2), the DFT of p->v, from the forward transform,
 * turned by pi k / 2n. */
static void dct_forward_raw(const dct_plan *p, double *X)
{
    const size_t n = p->n;
    const double *Z = p->out, *tw = p->tw;
    if (n % 2) {
        for (size_t j = 0; j < n; j++) {
            p->in[2 * j] = p->v[j];
            p->in[2 * j + 1] = 0;
        }
        fftw_execute(p->fwd);
        X[0] = 2 * Z[0];
        for (size_t k = 1; 2 * k < n; k++) {
            double a = Z[2 * k], b = Z[2 * k + 1], c = tw[2 * k], s = tw[2 * k + 1];
            X[k] = 2 * (c * a + s * b);
            X[n - k] = 2 * (s * a - c * b);
        }
        return;
    }
    fftw_execute(p->fwd);
    /* k = 0 and n/2: w^k = 1 and -1, V real */
    const size_t h = n / 2;
    const double *w = tw + 2 * (h + 1); /* cos, sin of 2 pi k / n */
    X[0] = 2 * (Z[0] + Z[1]);
    X[h] = 2 * (tw[2 * h] * (Z[0] - Z[1]) + tw[2 * h + 1] * 0.0);
    for (size_t k = 1; 2 * k <= h; k++) {
        /* E = (Z_k + conj Z_h-k) / 2, O = (Z_k - conj Z_h-k) / 2i,
         * V_k = E + w^k O, w = e^(-2 pi i / n); V_h-k shares E and O
         * (conjugated) and w^(h-k) = -conj w^k, so both come from one
         * product */
        size_t m = h - k;
        double er = 0.5 * (Z[2 * k] + Z[2 * m]), ei = 0.5 * (Z[2 * k + 1] - Z[2 * m + 1]);
        double orr = 0.5 * (Z[2 * k + 1] + Z[2 * m + 1]), oi = -0.5 * (Z[2 * k] - Z[2 * m]);
        double P = w[2 * k] * orr + w[2 * k + 1] * oi, Q = w[2 * k] * oi - w[2 * k + 1] * orr;
        double a = er + P, b = ei + Q, c = tw[2 * k], s = tw[2 * k + 1];
        X[k] = 2 * (c * a + s * b);
        X[n - k] = 2 * (s * a - c * b);
        if (m != k) {
            a = er - P, b = Q - ei, c = tw[2 * m], s = tw[2 * m + 1];
            X[m] = 2 * (c * a + s * b);
            X[n - m] = 2 * (s * a - c * b);
        }
    }
}

/* X = the DCT-II of x; X may be x. */
static void dct_forward(const dct_plan *p, const double *x, double *X)
{
    dct_order(x, p->n, p->v);
    dct_forward_raw(p, X);
}

/* dct_inverse below is scale x DCT-III of X (FFTW's REDFT01: X_0 + 2
 * sum_k X_k cos(pi k (j + 1/2) / n)), so scale = 1 / 2n inverts
 * dct_forward; its x may be X.  dct_inverse_raw leaves the DCT-III in
 * p->v in dct_forward's order, unscaled: the inverse DFT of V_k =
 * e^(i pi k / 2n) (X_k - i X_n-k) (X_n = 0; V_n/2 is real). */
static void dct_inverse_raw(const dct_plan *p, const double *X)
{
    const size_t n = p->n;
    const double *tw = p->tw;
    double *Z = p->out;
#define V_RE(k) (tw[2 * (k)] * X[k] + tw[2 * (k) + 1] * X[n - (k)])
#define V_IM(k) (tw[2 * (k) + 1] * X[k] - tw[2 * (k)] * X[n - (k)])
    if (n % 2) { /* the whole Hermitian spectrum */
        Z[0] = X[0];
        Z[1] = 0;
        for (size_t k = 1; 2 * k < n; k++) {
            double re = V_RE(k), im = V_IM(k);
            Z[2 * k] = re;
            Z[2 * k + 1] = im;
            Z[2 * (n - k)] = re;
            Z[2 * (n - k) + 1] = -im;
        }
        fftw_execute(p->inv);
        for (size_t j = 0; j < n; j++)
            p->v[j] = p->in[2 * j];
        return;
    }
    /* Z_k = E_k + i O_k with E_k = V_k + conj V_h-k and O_k = (V_k - conj
     * V_h-k) e^(2 pi i k / n): the half-length DFT whose inverse is v,
     * even and odd samples interleaved (the halves' 1/2 is left out, so
     * the result is n v, as a c2r transform's) */
    const size_t h = n / 2;
    const double *w = tw + 2 * (h + 1);
    {
        /* k = 0: V_0 = X_0 and V_h = (c + s) X_h, both real; w^0 = 1 */
        double ar = X[0], br = tw[2 * h] * X[h] + tw[2 * h + 1] * X[h];
        Z[0] = ar + br;
        Z[1] = ar - br;
    }
    for (size_t k = 1; 2 * k <= h; k++) {
        /* Z_h-k has E and O conjugated (e^(2 pi i (h-k) / n) = -conj
         * e^(2 pi i k / n)): one product for both */
        size_t m = h - k;
        double ar = V_RE(k), ai = V_IM(k), br = V_RE(m), bi = -V_IM(m); /* V_k, conj V_h-k */
        double er = ar + br, ei = ai + bi, dr = ar - br, di = ai - bi;
        double orr = dr * w[2 * k] - di * w[2 * k + 1], oi = dr * w[2 * k + 1] + di * w[2 * k];
        Z[2 * k] = er - oi;
        Z[2 * k + 1] = ei + orr;
        if (m != k) {
            Z[2 * m] = er + oi;
            Z[2 * m + 1] = orr - ei;
        }
    }
#undef V_RE
#undef V_IM
    fftw_execute(p->inv);
}

/* x = scale x v put back in time order (dct_forward's order undone). */
static void dct_unorder(const double *v, size_t n, double scale, double *x)
{
    for (size_t j = 0; 2 * j < n; j++)
        x[2 * j] = v[j] * scale;
    for (size_t j = 0; 2 * j + 1 < n; j++)
        x[2 * j + 1] = v[n - 1 - j] * scale;
}

static void dct_inverse(const dct_plan *p, const double *X, double *x, double scale)
{
    dct_inverse_raw(p, X);
    dct_unorder(p->v, p->n, scale, x);
}

dys_status dys_lowpass(dys_ctx *ctx, double *x, size_t n, double dt_ms,
                       double fc_hz)
{
    if (n < 2 || !(fc_hz > 0) || n > (size_t)1 << 30)
        return dys_fail(ctx, DYS_ERR_INVALID, "low-pass: bad size or cut-off");
    dct_plan *p = get_plan(ctx, n, KIND_DCT);
    if (!p)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory (FFT plan)");
    dct_forward(p, x, x);
    /* DCT-II bin k holds frequency k / (2 n dt). */
    apply_gain(x, x, n, 1000.0 / (2.0 * (double)n * dt_ms), fc_hz);
    dct_inverse(p, x, x, 1.0 / (2.0 * (double)n));
    return DYS_OK;
}

dys_status dys_dct(dys_ctx *ctx, const double *x, size_t n, double *X)
{
    if (n < 2 || n > (size_t)1 << 30)
        return dys_fail(ctx, DYS_ERR_INVALID, "DCT: bad size");
    dct_plan *p = get_plan(ctx, n, KIND_DCT);
    if (!p)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory (FFT plan)");
    dct_forward(p, x, X);
    return DYS_OK;
}

double dys_dct_gain(const double *X, double *Y, size_t n, double dt_ms, double fc_hz)
{
    /* DCT-II bin k holds frequency k / (2 n dt), as in dys_lowpass */
    return apply_gain(X, Y, n, 1000.0 / (2.0 * (double)n * dt_ms), fc_hz);
}

dys_status dys_idct(dys_ctx *ctx, const double *X, size_t n, double *x)
{
    if (n < 2 || n > (size_t)1 << 30)
        return dys_fail(ctx, DYS_ERR_INVALID, "DCT: bad size");
    dct_plan *p = get_plan(ctx, n, KIND_DCT);
    if (!p)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory (FFT plan)");
    dct_inverse(p, X, x, 1.0 / (2.0 * (double)n));
    return DYS_OK;
}

dys_status dys_lowpass_robust(dys_ctx *ctx, const double *x, const double *X, size_t n,
                              double dt_ms, double fc_hz, double c, int iters, double *B)
{
    if (n < 2 || !(fc_hz > 0) || n > (size_t)1 << 30)
        return dys_fail(ctx, DYS_ERR_INVALID, "low-pass: bad size or cut-off");
    dct_plan *p = get_plan(ctx, n, KIND_DCT);
    double *xo = p ? scratch(ctx, n * sizeof *xo) : NULL;
    if (!xo)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory (FFT plan)");
    /* The clipping is sample by sample, so it can run in the order the
     * inverse transform leaves and the forward one takes: x once in that
     * order, and the two reordering passes per iteration are gone.  Each
     * value is computed as dys_idct, the clip and dys_dct would: the
     * same bits. */
    dct_order(x, n, xo);
    const double df = 1000.0 / (2.0 * (double)n * dt_ms), scale = 1.0 / (2.0 * (double)n);
    apply_gain(X, B, n, df, fc_hz);
    for (int it = 0; it < iters; it++) {
        dct_inverse_raw(p, B);
        double *v = p->v;
        for (size_t i = 0; i < n; i++) {
            double b = v[i] * scale, r = xo[i] - b;
            v[i] = b + (r > c ? c : r < -c ? -c : r);
        }
        dct_forward_raw(p, B);
        apply_gain(B, B, n, df, fc_hz);
    }
    return DYS_OK;
}

dys_status dys_xcorr_lags(dys_ctx *ctx, const double *f, size_t m, const double *y, size_t nl,
                          double *r)
{
    size_t len = m + nl - 1, L = 2;
    if (m < 1 || nl < 1 || len > (size_t)1 << 24)
        return dys_fail(ctx, DYS_ERR_INVALID, "cross-correlation: bad size");
    while (L < len) /* powers of two: a few plans serve every window */
        L *= 2;
    dct_plan *p = get_plan(ctx, L, KIND_CDFT);
    if (!p)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory (FFT plan)");
    /* one complex DFT of f + i y (zero from m and len on) holds both
     * spectra: F_k = (C_k + conj C_L-k) / 2, Y_k = (C_k - conj C_L-k) / 2i */
    double *c = p->in;
    for (size_t i = 0; i < L; i++) {
        c[2 * i] = i < m ? f[i] : 0;
        c[2 * i + 1] = i < len ? y[i] : 0;
    }
    fftw_execute(p->fwd);
    /* conj(F_k) Y_k = conj(A + B) (A - B) / 4i, A = C_k, B = conj C_L-k,
     * in place, k and L - k together; back, sum_q f[q] y[(q + l) mod L],
     * which wraps for no l < nl */
    double *C = p->out;
    for (size_t k = 0; k <= L / 2; k++) {
        size_t j = (L - k) % L;
        double kr = C[2 * k], ki = C[2 * k + 1], jr = C[2 * j], ji = C[2 * j + 1];
        for (int t = 0; t < 2 && (t == 0 || j != k); t++) {
            double ar = t ? jr : kr, ai = t ? ji : ki, br = t ? kr : jr, bi = -(t ? ki : ji);
            double sr = ar + br, si = -(ai + bi), dr = ar - br, di = ai - bi;
            double pr = sr * dr - si * di, pi = sr * di + si * dr;
            size_t at = t ? j : k;
            C[2 * at] = 0.25 * pi; /* divided by i */
            C[2 * at + 1] = -0.25 * pr;
        }
    }
    fftw_execute(p->inv);
    for (size_t l = 0; l < nl; l++)
        r[l] = p->in[2 * l] / (double)L;
    return DYS_OK;
}

dys_status dys_circular_xcorr(dys_ctx *ctx, const double *a, const double *b, size_t n,
                              double *r)
{
    if (n < 4 || n > (size_t)1 << 24)
        return dys_fail(ctx, DYS_ERR_INVALID, "cross-correlation: bad size");
    dct_plan *p = get_plan(ctx, n, KIND_DFT);
    double *fa = scratch(ctx, n * sizeof *fa);
    if (!p || !fa)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory (FFT plan)");
    memcpy(p->in, a, n * sizeof *a);
    fftw_execute(p->fwd);
    memcpy(fa, p->out, n * sizeof *fa);
    memcpy(p->in, b, n * sizeof *b);
    fftw_execute(p->fwd);
    /* halfcomplex: out[k] = Re X_k (k <= n/2), out[n-k] = Im X_k; the
     * product conj(A_k) B_k, then back */
    double *fb = p->out;
    fb[0] *= fa[0];
    for (size_t k = 1; k < (n + 1) / 2; k++) {
        double ar = fa[k], ai = fa[n - k], br = fb[k], bi = fb[n - k];
        fb[k] = ar * br + ai * bi;
        fb[n - k] = ar * bi - ai * br;
    }
    if (n % 2 == 0)
        fb[n / 2] *= fa[n / 2];
    fftw_execute(p->inv);
    for (size_t k = 0; k < n; k++)
        r[k] = p->in[k] / (double)n;
    return DYS_OK;
}


double dys_median_interval(const double *t, size_t n)
{
    if (n < 2)
        return NAN;
    double *d = malloc((n - 1) * sizeof *d);
    if (!d)
        return NAN;
    for (size_t i = 0; i + 1 < n; i++)
        d[i] = t[i + 1] - t[i];
    double m = dys_select(d, n - 1, (n - 1) / 2);
    free(d);
    return m;
}

/* 7 points: 6th divided differences, which vanish on quintics.  5 points
 * (4th differences) leaked enough signal at 60 fps to switch the filter on
 * for clean curves. */
#define DD_POINTS 7

/* Quantile q of |Z|, Z standard normal: erf(x / sqrt 2) = q, solved by
 * bisection (C11 has erf but no inverse). */
static double abs_normal_quantile(double q)
{
    double lo = 0, hi = 10;
    for (int i = 0; i < 64; i++) {
        double mid = 0.5 * (lo + hi);
        if (erf(mid / M_SQRT2) < q)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The weights of the 6th divided difference over t[0..7) (w[0..7)) and
 * the root of their sum of squares (w[7]). */
static void dd_weights(const double *t, double *w)
{
    double w2 = 0;
    for (size_t a = 0; a < DD_POINTS; a++) {
        double p = 1;
        for (size_t b = 0; b < DD_POINTS; b++)
            if (b != a)
                p *= t[a] - t[b];
        w[a] = 1.0 / p;
        w2 += w[a] * w[a];
    }
    w[DD_POINTS] = sqrt(w2);
}

static double dd_z(const double *w, const double *v)
{
    double dd = 0;
    for (size_t a = 0; a < DD_POINTS; a++)
        dd += w[a] * v[a];
    return fabs(dd) / w[DD_POINTS];
}

/* The noise SD from the m values |z| (reordered): their q-quantile over
 * that of |Z|, Z standard normal. */
static double noise_from_z(double *z, size_t m, double q)
{
    double zq = m ? dys_quantile(z, m, q) : 0;
    if (!isfinite(zq))
        return m ? NAN : 0;
    /* |Z| of a standard normal has quantile q at probit((1 + q) / 2) */
    return zq / abs_normal_quantile(q);
}

double dys_noise_sd_q(const double *t, const double *v, size_t n,
                      double gap_ms, double q)
{
    /* 6th divided differences vanish on quintics, so over 7 consecutive
     * samples of a smooth curve they hold almost only noise.  Scaled by the
     * root sum of squares of their weights they have the noise's SD; a
     * low quantile of |z| is robust to the few places (the isovolumic
     * spike, a QRS) where the curve is not locally smooth. */
    if (n < DD_POINTS)
        return 0;
    double *z = malloc((n - DD_POINTS + 1) * sizeof *z);
    if (!z)
        return NAN;
    size_t m = 0;
    for (size_t i = 0; i + DD_POINTS <= n; i++) {
        int gap = 0;
        for (size_t a = i; a + 1 < i + DD_POINTS; a++)
            if (t[a + 1] - t[a] > gap_ms)
                gap = 1;
        if (gap)
            continue;
        double w[DD_POINTS + 1];
        dd_weights(t + i, w);
        z[m++] = dd_z(w, v + i);
    }
    double sd = noise_from_z(z, m, q);
    free(z);
    return sd;
}

double dys_noise_sd(const double *t, const double *v, size_t n)
{
    return dys_noise_sd_q(t, v, n, INFINITY, 0.2);
}

dys_status dys_axis_init(dys_axis *ax, const double *t, size_t n, int weights)
{
    memset(ax, 0, sizeof *ax);
    ax->t = t;
    ax->n = n;
    ax->median_dt = n >= 2 ? dys_median_interval(t, n) : NAN;
    if (n >= 2 && isnan(ax->median_dt))
        return DYS_ERR_NOMEM;
    if (!weights || n < DD_POINTS || n > (size_t)1 << 20)
        return DYS_OK;
    ax->ddw = malloc((n - DD_POINTS + 1) * (DD_POINTS + 1) * sizeof *ax->ddw);
    if (!ax->ddw)
        return DYS_ERR_NOMEM;
    for (size_t i = 0; i + DD_POINTS <= n; i++)
        dd_weights(t + i, ax->ddw + i * (DD_POINTS + 1));
    return DYS_OK;
}

void dys_axis_free(dys_axis *ax)
{
    free(ax->ddw);
    memset(ax, 0, sizeof *ax);
}

double dys_noise_sd_axis(const dys_axis *ax, const double *v)
{
    if (ax->n < DD_POINTS)
        return 0;
    size_t m = ax->n - DD_POINTS + 1;
    double *z = malloc(m * sizeof *z);
    if (!z)
        return NAN;
    for (size_t i = 0; i < m; i++)
        z[i] = dd_z(ax->ddw + i * (DD_POINTS + 1), v + i);
    double sd = noise_from_z(z, m, 0.2);
    free(z);
    return sd;
}

/* What the search below needs to price one cut-off. */
typedef struct {
    dct_plan *p;
    const double *coef; /* the series' DCT */
    double *g;          /* scratch: the coefficients times the gain */
    double *best;       /* the inverse transform (reordered) at the best cut-off */
    const double *xw;   /* the window samples ... */
    const size_t *vw;   /* ... and where the inverse transform puts them */
    size_t n, nw;
    double df, s2, best_r, best_fc;
} sure_job;

/* Stein's risk of the cut-off fc (head comment): one gain, one inverse
 * DCT, the residual over the window samples, read where they lie in the
 * transform's own order (no pass to put every sample back in time
 * order).  When the risk is the lowest so far, that output is kept in
 * j->best: the caller's low-pass at the chosen cut-off is then a copy. */
static double sure_risk(sure_job *j, double fc)
{
    double trace = apply_gain(j->coef, j->g, j->n, j->df, fc);
    dct_inverse_raw(j->p, j->g);
    const double *v = j->p->v;
    double scale = 1.0 / (2.0 * (double)j->n), rss = 0;
    for (size_t w = 0; w < j->nw; w++) {
        double e = j->xw[w] - v[j->vw[w]] * scale;
        rss += e * e;
    }
    /* Away from the ends the smoother's diagonal is ~tr(H)/n. */
    double nw = (double)j->nw;
    double r = rss + 2.0 * j->s2 * nw * trace / (double)j->n - nw * j->s2;
    if (r < j->best_r) {
        j->best_r = r;
        j->best_fc = fc;
        memcpy(j->best, v, j->n * sizeof *v);
    }
    return r;
}

dys_status dys_choose_lowpass(dys_ctx *ctx, const double *x, size_t n,
                              double dt_ms, const unsigned char *in_window,
                              double noise_sd, double *fc_hz, double *filtered)
{
    *fc_hz = 0;
    size_t nw = 0;
    for (size_t i = 0; i < n; i++)
        nw += in_window[i] != 0;
    if (n < 16 || nw < 4 || !(noise_sd > 0))
        return DYS_OK; /* nothing to gain, or too short to tell */
    dct_plan *p = get_plan(ctx, n, KIND_DCT);
    /* coefficients, gained coefficients, best output, window samples (n
     * doubles each, at most), then the window's indices */
    double *coef = p ? scratch(ctx, 4 * n * sizeof *coef + nw * sizeof(size_t)) : NULL;
    if (!coef)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    double *xw = coef + 3 * n;
    size_t *vw = (size_t *)(coef + 4 * n);
    for (size_t i = 0, w = 0; i < n; i++)
        if (in_window[i]) {
            xw[w] = x[i];
            vw[w++] = i % 2 ? n - 1 - i / 2 : i / 2; /* dct_inverse's order */
        }
    dct_forward(p, x, coef);
    sure_job j = {p, coef, coef + n, coef + 2 * n, xw, vw, n, nw,
                  1000.0 / (2.0 * (double)n * dt_ms), noise_sd * noise_sd, INFINITY, 0};

    /* The risk is smooth in log fc: a coarse geometric grid (25 % steps
     * from DYS_LOWPASS_MIN_HZ to 0.9 Nyquist) brackets the minimum, a golden-section
     * search narrows the bracket to 2 %.  17 inverse DCTs per segment on
     * average over make accuracy's studies (11 at 40, 24 at 250 frames/s),
     * where a 10 % grid and a 2 % grid around its minimum took 40 for the
     * same cut-off to within 2 %.  Brent's method in the bracket, started
     * from the grid's best, took 14 and chose cut-offs within 0.7 % of
     * these, but moved make accuracy's engine cells both ways (e.g. the
     * median at 0.1 cm/s, 50 fps 1.791 -> 1.800 ms, the 95th percentile at
     * 0.5 cm/s, 40 fps 17.58 -> 17.27 ms), for ~2 % of a batch's CPU (the
     * search is ~10 % of it).  The risk over the whole series instead,
     * from the DCT coefficients by Parseval (O(n) per candidate, no
     * inverse transform: it would remove most of the search's cost), was
     * measured too and rejected: it tunes the filter to the isovolumic
     * spikes and the QRS-time waves as much as to the ejection windows;
     * make accuracy's 95th percentile rose in 16 of 21 noisy rows (0.25
     * cm/s, 40 fps: 10.7 -> 12.1 ms, max 23.7 -> 30.0), segments set
     * aside at 0.5 cm/s, 40 fps 3 -> 5, UNCERTAIN_TIMING flags doubled. */
    const double lo_hz = DYS_LOWPASS_MIN_HZ, hi_hz = 0.9 * 500.0 / dt_ms, ratio = 1.25;
    double best_fc = 0, best_r = (double)nw * j.s2; /* "off": the noise stays */
    j.best_r = best_r;
    for (double fc = lo_hz; fc < hi_hz; fc *= ratio) {
        double r = sure_risk(&j, fc);
        if (r < best_r) {
            best_r = r;
            best_fc = fc;
        }
    }
    if (best_fc > 0) { /* else clean enough: no cut-off beats leaving it alone */
        const double g = 0.5 * (sqrt(5.0) - 1.0);
        double a = log(fmax(lo_hz, best_fc / ratio)), b = log(fmin(hi_hz, best_fc * ratio));
        double u = b - g * (b - a), v = a + g * (b - a);
        double ru = sure_risk(&j, exp(u)), rv = sure_risk(&j, exp(v));
        while (b - a > log(1.02)) {
            if (ru < rv) {
                b = v;
                v = u;
                rv = ru;
                u = b - g * (b - a);
                ru = sure_risk(&j, exp(u));
            } else {
                a = u;
                u = v;
                ru = rv;
                v = a + g * (b - a);
                rv = sure_risk(&j, exp(v));
            }
        }
        if (ru < best_r) {
            best_r = ru;
            best_fc = exp(u);
        }
        if (rv < best_r) {
            best_r = rv;
            best_fc = exp(v);
        }
    }
    *fc_hz = best_fc;
    /* The search kept the output of the risk it chose: the same gains and
     * transform as dys_lowpass(x, best_fc), so the caller need not filter
     * again. */
    if (best_fc > 0 && filtered) {
        if (best_fc != j.best_fc) { /* an exact tie chose another: filter */
            apply_gain(coef, j.g, n, j.df, best_fc);
            dct_inverse_raw(p, j.g);
            memcpy(j.best, p->v, n * sizeof *j.best);
        }
        dct_unorder(j.best, n, 1.0 / (2.0 * (double)n), filtered);
    }
    return DYS_OK;
}

/* ---- natural cubic spline ---------------------------------------------- */

dys_status dys_spline_init(dys_spline *s, const double *x, const double *y,
                           size_t n)
{
    memset(s, 0, sizeof *s);
    if (n < 2)
        return DYS_ERR_INVALID;
    s->n = n;
    /* one block: x, y, b, c, d, then the solver's second derivatives,
     * scratch and the slopes */
    double *blk = malloc(8 * n * sizeof *blk);
    if (!blk)
        return DYS_ERR_NOMEM;
    s->x = blk;
    s->y = blk + n;
    s->b = blk + 2 * n;
    s->c = blk + 3 * n;
    s->d = blk + 4 * n;
    double *m = blk + 5 * n, *cp = blk + 6 * n, *sl = blk + 7 * n;
    memcpy(s->x, x, n * sizeof *x);
    memcpy(s->y, y, n * sizeof *y);
    /* each interval's slope once (divisions are most of this function's
     * time; the same quotients as dividing where they are used) */
    for (size_t i = 0; i + 1 < n; i++)
        sl[i] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
    /* Tridiagonal system for the second derivatives m (Thomas algorithm),
     * natural end conditions m_0 = m_{n-1} = 0. */
    cp[0] = 0;
    m[0] = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        double h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
        double a = h0, bb = 2 * (h0 + h1), c = h1;
        double dd = 6 * (sl[i] - sl[i - 1]);
        double den = bb - a * cp[i - 1];
        cp[i] = c / den;
        m[i] = (dd - a * m[i - 1]) / den;
    }
    m[n - 1] = 0;
    for (size_t i = n - 1; i-- > 1;)
        m[i] -= cp[i] * m[i + 1];
    for (size_t i = 0; i + 1 < n; i++) {
        double h = x[i + 1] - x[i];
        s->b[i] = sl[i] - h * (2 * m[i] + m[i + 1]) / 6.0;
        s->c[i] = m[i] / 2.0;
        s->d[i] = (m[i + 1] - m[i]) / (6.0 * h);
    }
    s->b[n - 1] = s->c[n - 1] = s->d[n - 1] = 0;
    return DYS_OK;
}

void dys_spline_free(dys_spline *s)
{
    free(s->x);
    memset(s, 0, sizeof *s);
}

static size_t find_interval(const dys_spline *s, double t)
{
    size_t lo = 0, hi = s->n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->x[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static double piece_eval(const dys_spline *s, size_t i, double t)
{
    double u = t - s->x[i];
    return s->y[i] + u * (s->b[i] + u * (s->c[i] + u * s->d[i]));
}

double dys_spline_eval(const dys_spline *s, double t)
{
    return piece_eval(s, find_interval(s, t), t);
}

double dys_spline_eval_near(const dys_spline *s, double t, size_t *hint)
{
    /* The piece find_interval() would return (the last i <= n - 2 with
     * x[i] <= t, else 0), found by walking from the previous one: scans
     * move a fraction of a frame per call, so this is a step or none,
     * against a bisection of ~10 unpredictable branches. */
    size_t i = *hint < s->n - 1 ? *hint : s->n - 2;
    while (i > 0 && s->x[i] > t)
        i--;
    while (i + 2 < s->n && s->x[i + 1] <= t)
        i++;
    *hint = i;
    return piece_eval(s, i, t);
}

/* Stationary points of piece i (roots of b + 2 c u + 3 d u^2, u = t -
 * x_i) as times; returns how many (0-2), not restricted to the piece. */
static int piece_stationary(const dys_spline *s, size_t i, double r[2])
{
    double qa = 3 * s->d[i], qb = 2 * s->c[i], qc = s->b[i];
    int nr = 0;
    if (fabs(qa) < 1e-300) {
        if (qb != 0)
            r[nr++] = s->x[i] + -qc / qb;
    } else {
        double disc = qb * qb - 4 * qa * qc;
        if (disc >= 0) {
            double sq = sqrt(disc);
            /* numerically stable quadratic roots */
            double q = -0.5 * (qb + (qb >= 0 ? sq : -sq));
            r[nr++] = s->x[i] + q / qa;
            if (q != 0)
                r[nr++] = s->x[i] + qc / q;
        }
    }
    return nr;
}

/* sign * S: the largest of it on [a, b], for the maximum (+1) and the
 * minimum (-1); the value returned is S's own. */
static double spline_extremum(const dys_spline *s, double a, double b, double sign,
                              double *vext)
{
    double best_t = a, best_v = sign * dys_spline_eval(s, a);
    double vb = sign * dys_spline_eval(s, b);
    if (vb > best_v) {
        best_t = b;
        best_v = vb;
    }
    for (size_t i = find_interval(s, a); i + 1 < s->n && s->x[i] < b; i++) {
        double roots[2];
        int nr = piece_stationary(s, i, roots);
        for (int k = 0; k < nr; k++) {
            double t = roots[k];
            if (t < a || t > b || t < s->x[i] || t > s->x[i + 1])
                continue;
            double v = sign * piece_eval(s, i, t);
            if (v > best_v) {
                best_v = v;
                best_t = t;
            }
        }
    }
    *vext = sign * best_v;
    return best_t;
}

double dys_spline_argmax(const dys_spline *s, double a, double b, double *vmax)
{
    return spline_extremum(s, a, b, 1.0, vmax);
}

double dys_spline_argmin(const dys_spline *s, double a, double b, double *vmin)
{
    return spline_extremum(s, a, b, -1.0, vmin);
}

size_t dys_spline_maxima(const dys_spline *s, double a, double b, double *t, double *v,
                         size_t cap)
{
    size_t n = 0;
    for (size_t i = find_interval(s, a); i + 1 < s->n && s->x[i] < b && n < cap; i++) {
        double r[2];
        int nr = piece_stationary(s, i, r);
        if (nr == 2 && r[1] < r[0]) {
            double tmp = r[0];
            r[0] = r[1];
            r[1] = tmp;
        }
        for (int k = 0; k < nr && n < cap; k++) {
            double tk = r[k], u = tk - s->x[i];
            /* strictly inside the window; a root on a knot is found by
             * both pieces and counted once */
            if (!(tk > a && tk < b && tk >= s->x[i] && tk <= s->x[i + 1]) ||
                (n > 0 && tk - t[n - 1] < 1e-9))
                continue;
            if (!(2 * s->c[i] + 6 * s->d[i] * u < 0))
                continue; /* a minimum or an inflection */
            t[n] = tk;
            v[n++] = piece_eval(s, i, tk);
        }
    }
    return n;
}

int dys_spline_leave(const dys_spline *s, double t0, double lim, double level, double *at)
{
    if (dys_spline_eval(s, t0) < level) {
        *at = t0;
        return 1;
    }
    int left = lim < t0;
    size_t i = find_interval(s, t0);
    if (left && i > 0 && s->x[i] == t0)
        i--; /* t0 on a knot: the piece to its left */
    for (;;) {
        double p0 = fmax(s->x[i], left ? lim : t0), p1 = fmin(s->x[i + 1], left ? t0 : lim);
        if (p0 < p1) {
            /* the piece's monotone runs between p0 and p1, walked from t0:
             * the first whose far end is below the level holds the crossing */
            double q[4] = {p0}, r[2];
            int nq = 1, nr = piece_stationary(s, i, r);
            if (nr == 2 && r[1] < r[0]) {
                double tmp = r[0];
                r[0] = r[1];
                r[1] = tmp;
            }
            for (int k = 0; k < nr; k++)
                if (r[k] > p0 && r[k] < p1)
                    q[nq++] = r[k];
            q[nq++] = p1;
            for (int k = 0; k + 1 < nq; k++) {
                int j = left ? nq - 2 - k : k; /* the run [q[j], q[j+1]] */
                double near = left ? q[j + 1] : q[j], far = left ? q[j] : q[j + 1];
                if (!(piece_eval(s, i, far) < level))
                    continue;
                /* piece(near) >= level > piece(far) on a monotone cubic:
                 * Newton's steps from the far end, kept inside the
                 * bracket (a step that leaves it, or shrinks it by less
                 * than half, is a bisection instead); about 5 evaluations
                 * where bisection to 1e-9 ms took ~40. */
                double x = far, u, fx, dfx;
                *at = NAN;
                for (int it = 0; it < 100 && fabs(far - near) > 1e-9; it++) {
                    u = x - s->x[i];
                    fx = s->y[i] + u * (s->b[i] + u * (s->c[i] + u * s->d[i])) - level;
                    dfx = s->b[i] + u * (2 * s->c[i] + 3 * u * s->d[i]);
                    if (fx < 0)
                        far = x;
                    else
                        near = x;
                    double nx = x - fx / dfx;
                    if (fx == 0 || (dfx != 0 && fabs(nx - x) <= 1e-9)) {
                        *at = fx == 0 ? x : nx; /* converged: Newton's steps
                                                   from one side leave the
                                                   bracket's other end behind */
                        break;
                    }
                    if (!(dfx != 0) || !(fmin(near, far) < nx && nx < fmax(near, far)) ||
                        fabs(nx - x) > 0.5 * fabs(far - near))
                        nx = 0.5 * (near + far);
                    x = nx;
                }
                if (isnan(*at))
                    *at = 0.5 * (near + far);
                return 1;
            }
        }
        if (left ? (i == 0 || s->x[i] <= lim) : (i + 2 >= s->n || s->x[i + 1] >= lim))
            return 0;
        i = left ? i - 1 : i + 1;
    }
}
