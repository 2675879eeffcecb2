/*
 * ecg.c - QRS detection and QRS onset on the ECG column of an echo export.
 *
 * What it computes.  For an ECG sampled at the echo frame clock (50-250
 * samples/s, jittered time stamps, any unit, NAN for a missing sample):
 * the QRS complexes, each with its energy peak (r_ms) and its onset
 * (onset_ms, the reference from which Ts is measured), the RR series, the
 * heart rate (60000 / median RR) and whether the lead is inverted.
 *
 * 1. Resampling.  A natural cubic spline through the valid samples at
 *    their actual times (conditioning.h) is sampled on a 1 kHz grid.  Gaps
 *    up to max(50 ms, 3 frames) are bridged by the spline; longer ones are
 *    missing ECG: a straight line there, and no QRS is looked for inside.
 *    Refused (DYS_ERR_ANALYSIS): fewer than 8 valid samples or 300 ms of
 *    bridged signal, a flat ECG, or no complex standing out of the noise.
 * 2. Filters, all zero phase, all through the FFTW DCT low-pass of
 *    conditioning.c (Gaussian gain, one half at fc): a band-pass is
 *    lowpass(x - lowpass(x, f_lo), f_hi).  Before filtering, the ECG is
 *    extended at each end by 600 ms of its point reflection (2 x(0) -
 *    x(-t)), which continues level and slope: the DCT's even extension
 *    would put a kink where a recording cuts a wave, and a kink has
 *    broadband energy that can pose as a QRS.
 *    - Detection band 8-20 Hz (at most 0.4 x the frame rate).  Pan &
 *      Tompkins used 5-15 Hz; 8-20 Hz keeps a wide LBBB complex and drops
 *      more of a tall T wave, which at 5-15 Hz had up to half the energy of
 *      an LBBB QRS.
 *    - Onset band: the ECG less a robust baseline, low-passed at
 *      min(50 Hz, 0.45 x frame rate).  The baseline is a Huber-type
 *      low-pass at 1 Hz (the residual clipped at 4 noise SDs, at least 2 %
 *      of the range, 4 iterations, on 8-ms block means), which follows
 *      wander but not the waves: a plain 1-Hz high-pass spreads a tall T
 *      wave or the large area of a monophasic LBBB complex into a halo
 *      that tilts the PR segment.
 * 3. Detection: the Pan-Tompkins family (Pan & Tompkins, IEEE TBME
 *    1985;32:230; Hamilton & Tompkins, IEEE TBME 1986;33:1157).
 *    Derivative, squaring, moving-window integration over 150 ms (centred,
 *    so no delay; the ends reflected).  Candidates: local maxima of the
 *    integral that are the largest within +-100 ms; each is placed where
 *    the squared slope integrated over 40 ms peaks within +-75 ms (the
 *    150-ms integral of a narrow QRS is a plateau whose top wanders).
 *    Adaptive thresholds SPKI/NPKI, THR1 = NPKI + 0.25 (SPKI - NPKI),
 *    THR2 = THR1 / 2; 200 ms refractory period; search-back with THR2 for
 *    the largest candidate when no QRS came for 1.66 mean RR (mean of the
 *    last 8).  Offline, two passes: the first learns as Pan & Tompkins do
 *    (SPKI = max / 3, NPKI = mean / 2 over the first 2 s), the second
 *    starts from the first's median signal and noise peaks and median RR,
 *    so the first beats are judged as well as the later ones.
 *    T-wave discrimination, within max(360 ms, the longest QT (Bazett,
 *    QTc 0.5 s) less 50 ms) after a QRS: a candidate is a T wave when its
 *    maximal slope is below half the QRS's (Pan & Tompkins), or its energy
 *    below 0.4 of the QRS's, or when it has less energy than the QRS and
 *    another waveform (correlation below 0.7 in the detection band over
 *    +-100 ms, lags +-80 ms).  Beyond 360 ms, where only the heart rate
 *    widens the window (and missed premature beats make the rate look
 *    slow), a candidate is a T wave in pass 2 only if it also recurs: a
 *    candidate at the same delay (+-50 ms) after at least 75 % of the
 *    other pass-1 QRS complexes that leave room for it.  A T wave follows
 *    every beat; a premature beat does not.  A candidate before the first
 *    QRS (a T wave of a beat before the recording, so within that window
 *    of its start) is held to the same tests against a typical QRS of the
 *    first pass: the one whose waveform best matches the others' (median
 *    correlation), so that frequent ectopic beats do not set the
 *    standard.
 *    A detection within 50 ms of either end is a cut wave: kept only with
 *    60 % of the median QRS's energy and slope.  Last, a QRS must reach 6
 *    noise SDs in the detection band.  Squaring makes all of this
 *    polarity-blind.
 * 4. Onset: on the template of the recording, then placed on every beat.
 *    The beats are aligned by cross-correlation in the detection band
 *    (+-120 ms, lags +-100 ms, three passes from a median template); the
 *    template is the mean onset-band waveform of the beats that match
 *    (correlation at least min(0.9, 0.9 x what the band's noise allows)),
 *    with each beat's level removed.  Averaging m beats cuts the noise by
 *    sqrt(m) and, since each beat samples the QRS at another phase of the
 *    frame clock, also the interpolation error of low frame rates.  This
 *    is how 12-lead programs measure global intervals on a median beat.
 *    On the template:
 *    a) the first big slope: the first point within 150 ms before the
 *       energy peak where |slope| reaches half the complex's steepest;
 *    b) the isoelectric baseline: the latest 40-ms window before it whose
 *       mean |slope| (of the template low-passed at 15 Hz, so that noise
 *       does not decide) is at most twice the least of all windows in the
 *       250 ms before it, or 2 % of the steepest slope; its mean level.
 *       The latest, so that the flat top of a P wave does not pass for it;
 *    c) the onset: going back from the first big slope, the last point
 *       where the template is still 5 % of the complex's largest
 *       deflection (or 2 noise SDs) away from that baseline before it
 *       stays within it for 8 ms (so the short zero crossings between a
 *       q wave and the R, or inside a notched LBBB complex, do not stop
 *       it: the onset is that of the whole complex), interpolated between
 *       the grid points.  If a 40-ms stretch at least half as flat (2 x
 *       the threshold of b) lies between that onset and the first big
 *       slope, at a level within 25 % of the complex's largest deflection
 *       from b's (not the top of a notch inside a wide complex), the
 *       complex had not begun there (b took the flat top of a P wave,
 *       and a noisy or tilted PR segment followed): the latest such
 *       stretch after which the rule still finds an onset becomes the
 *       baseline.  5 % of the largest deflection is the first
 *       deflection visible at standard gain (0.5 mm for a 1-mV R at
 *       10 mm/mV), and is how the synthetic truth of the tests is defined.
 *    A beat that does not match the template (an ectopic, a beat cut by
 *    an end) gets the same rule on its own waveform.  No onset precedes
 *    the first sample: a complex already under way there (an echo loop
 *    started on the R-wave trigger) gets the first sample when the rule
 *    finds no baseline before it.
 * 5. Polarity: the sign of the template's largest deflection from its
 *    onset level within 100 ms of the onset (not later: the discordant T
 *    wave of LBBB may be taller, and at fast rates starts within the QRS).
 *    The energy peak r_ms is the template's (squared slope over 40 ms,
 *    largest within +-100 ms) placed on each matching beat, so that RR is
 *    measured between like points.
 *
 * Accuracy (tests/test_ecg.c: synthetic ECG at jittered 80-250 fps, 40-150
 * bpm, noise SD 2-5 % of R, wander up to R, tall T waves, inverted leads,
 * display units, narrow and LBBB-like complexes; truth: 5 % of the
 * largest deflection).  Over 25,000 beats: no missed or extra beat, no
 * polarity error; |onset error| median 0.7-2.4 ms, 99th percentile
 * 6-12 ms by morphology and frame rate; 0.5 % of beats beyond 10 ms
 * (1.9 % for narrow complexes at 80 fps) -- measured before the
 * recurrence and flat-stretch rules, which the seeded test set re-checks.
 * On dyssync synth's three-view studies with 10 % ventricular premature
 * beats (tests/accuracy_beats.py): none missed or invented; sinus onsets
 * median |error| 1.2-1.7 ms, 0.1-0.2 % beyond 10 ms (worst 17 ms).
 * Premature beats that start on the previous T wave get onsets up to
 * ~100 ms early (their RR rejects them anyway; such an onset only makes
 * it shorter).
 *
 * Limits.
 *  - At 3.5-5 % noise, most of all with few beats, the template's noise
 *    approaches the 5 % threshold: a q wave of ~10 % of R can be lost
 *    (onset late by up to its width, ~20 ms), or the flat bottom of a P
 *    wave or a wander slope be taken for the isoelectric line (early; the
 *    worst synthetic beat, 73 ms).
 *  - A q wave near 5 % of R makes any threshold rule (and an observer)
 *    hesitate between the q and the R: up to the q's width.
 *  - A P wave running into the QRS (no isoelectric PR segment) puts the
 *    onset at the start of the P wave.
 *  - A T wave taller than a wide QRS and shaped like it, or an R-on-T
 *    ectopic with less energy than the sinus QRS, can be confused with
 *    each other; premature beats with less energy than the beat before
 *    and another waveform, within 360 ms, are taken for T waves; so are
 *    premature beats of fixed coupling after most beats (bigeminy).
 *  - A QRS inside a gap of missing ECG is lost (its RR then spans two
 *    beats); one cut by the end of a recording is dropped unless it keeps
 *    60 % of a typical QRS's energy.
 *  - Below ~80 frames/s a q wave of 20-30 ms falls between samples of
 *    every beat and is smoothed away unless several beats are averaged.
 *  - The ECG's own timing is trusted: a fixed delay between the ECG and
 *    the images in the echo machine is not corrected.
 *
 * Thread safety: no static state; FFT plans come from the context.
 */
#include "ecg.h"

#include "conditioning.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- constants (see the head comment) --------------------------------- */

#define GRID_MS 1.0                  /* uniform grid: 1 kHz */
#define MAX_GRID_POINTS (1u << 20)   /* ~17 min at 1 kHz */
#define PAD_MS 600                   /* point-reflected extension per end */
#define GAP_BRIDGE_MS 50.0           /* bridged gaps: up to max(this, 3 frames) */
#define MIN_VALID_SAMPLES 8
#define MIN_VALID_MS 300.0

#define DET_HP_HZ 8.0                /* detection band */
#define DET_LP_HZ 20.0
#define DET_LP_FS_FRAC 0.4
#define ONS_HP_HZ 1.0                /* onset band: robust baseline ... */
#define ROBUST_ITER 4
#define ROBUST_CLIP_NOISE 4.0        /* ... clipped at 4 noise SDs ... */
#define ROBUST_CLIP_RANGE 0.02       /* ... or 2 % of the range */
#define ONS_LP_HZ 50.0               /* ... low-passed at 50 Hz ... */
#define ONS_LP_FS_FRAC 0.45          /* ... or 0.45 x the frame rate */

#define MWI_MS 150                   /* moving-window integration */
#define PEAK_HALF_MS 100             /* a candidate: largest within +-100 ms */
#define SLOPE_HALF_MS 75             /* its slope and place: within +-75 ms */
#define SHORT_HALF_MS 20             /* place: peak of the 40-ms energy */
#define LEARN_MS 2000                /* Pan & Tompkins' learning phase */
#define REFRACTORY_MS 200
#define SEARCHBACK_RR 1.66
#define TWAVE_MS 360
#define TWAVE_QTC_S 0.5              /* T-wave window at slow rates */
#define TWAVE_SLOWEST_RR_MS 1500.0   /* rate unknown: 40 bpm */
#define TWAVE_SLOPE_FRAC 0.5
#define TWAVE_PK_FRAC 0.4
#define TWAVE_CORR_MIN 0.7
#define TWAVE_CORR_HALF_MS 100
#define TWAVE_CORR_LAG_MS 80
#define TWAVE_RECUR_MS 50           /* a T wave recurs at this delay +- ... */
#define TWAVE_RECUR_FRAC 0.75       /* ... after this share of the QRS */
#define TWAVE_CORR_EDGE_MS 150       /* no waveform verdict this near an end */
#define EDGE_MS 50                   /* a detection this near an end ... */
#define EDGE_FRAC 0.6                /* ... needs 60 % of a typical QRS */
#define SNR_MIN 6.0                  /* QRS amplitude / detection-band noise */

#define TPL_PRE_MS 300               /* template: 300 ms before the peak */
#define TPL_POST_MS 200              /* ... and 200 after */
#define TPL_LEN (TPL_PRE_MS + TPL_POST_MS + 1)
#define TPL_HALF_MS 120              /* alignment window: +-120 ms */
#define TPL_MAXLAG_MS 100
#define TPL_CORR_MIN 0.9             /* a beat matches the template ... */
#define TPL_CORR_NOISE_FRAC 0.9      /* ... or 0.9 x what noise allows */
#define POLARITY_MS 100

#define ON_SEARCH_MS 150             /* first big slope: within 150 ms before */
#define ON_BIG_FRAC 0.5              /* ... half the steepest slope */
#define ON_MAX_BACK_MS 250           /* baseline searched 250 ms before it */
#define ON_BASE_MS 40                /* isoelectric window */
#define ON_FLAT_FRAC 0.02
#define ON_FLAT_LP_HZ 15.0           /* flatness judged at 15 Hz */
#define ON_AMP_FRAC 0.05             /* onset: 5 % of the largest deflection */
#define ON_AMP_AFTER_MS 60           /* ... up to 60 ms past the peak */
#define ON_NOISE_K 2.0               /* ... or 2 noise SDs */
#define ON_QUIET_MS 8                /* ... and within it for 8 ms before */
#define ON_REFLAT_K 2.0              /* a later flat stretch: 2 x as flat */
#define ON_REFLAT_LEVEL 0.25         /* ... within 25 % of the complex's size */

/* ---- small helpers ------------------------------------------------------ */

/* Linear interpolation of y[] at fractional index u; NAN outside. */
static double interp(const double *y, size_t n, double u)
{
    if (!(u >= 0) || u > (double)(n - 1))
        return NAN;
    size_t k = (size_t)u;
    if (k + 1 >= n)
        return y[n - 1];
    double f = u - (double)k;
    return y[k] * (1 - f) + y[k + 1] * f;
}

/* Vertex of the parabola through (-1, a), (0, b), (1, c), in [-0.5, 0.5]. */
static double parabolic(double a, double b, double c)
{
    double den = a - 2 * b + c;
    if (!(den < 0))
        return 0;
    double d = 0.5 * (a - c) / den;
    return d < -0.5 ? -0.5 : d > 0.5 ? 0.5 : d;
}

/* The window sums a Pearson correlation with a sliding window needs,
 * for nl lags at once: s[l] = sum y[base + l + q] and ss[l] = the sum of
 * their squares (q = 0..m-1).  They slide (a sample in, one out: two
 * additions per lag, and the ~200 steps cost ~1e-14 of the largest
 * window's sums).  The template alignment and the T-wave test are
 * ~650,000 window terms per recording, where interpolating every
 * sample took half of a detection's time. */
static void window_sums(const double *y, long base, long nl, size_t m, double *s, double *ss)
{
    const double *y0 = y + base;
    double a = 0, b = 0;
    for (size_t q = 0; q < m; q++) {
        a += y0[q];
        b += y0[q] * y0[q];
    }
    for (long l = 0; l < nl; l++) {
        s[l] = a;
        ss[l] = b;
        if (l + 1 < nl) {
            double in = y0[l + (long)m], out = y0[l];
            a += in - out;
            b += in * in - out * out;
        }
    }
}

/* SD that white noise of SD sd, sampled every h_ms, keeps after the
 * Gaussian band-pass (high-pass hp, low-pass lp; dys_lowpass's gain,
 * one half at the cut-off).  The spline's own attenuation near the
 * Nyquist frequency is ignored (an upper bound).  The midpoint sum over
 * 2000 bands takes each gain exp(-ln2 ((k + 1/2) df / fc)^2) from the
 * previous one, times a factor that is itself multiplied by
 * exp(-2 ln2 (df / fc)^2) per band, as dys_lowpass does: 8,000 exp()
 * per recording were 5 % of a detection. */
static double band_noise(double sd, double h_ms, double hp, double lp)
{
    double h = h_ms / 1000.0, fn = 0.5 / h, df = fn / 2000.0, acc = 0;
    double ul = df / lp, uh = df / hp;
    double gl = exp(-M_LN2 * 0.25 * ul * ul), ql = exp(-2 * M_LN2 * ul * ul), sl = ql;
    double gh = exp(-M_LN2 * 0.25 * uh * uh), qh = exp(-2 * M_LN2 * uh * uh), sh = qh;
    for (int k = 0; k < 2000; k++) {
        double g = gl * (1 - gh);
        acc += g * g * df;
        gl *= sl;
        sl *= ql;
        gh *= sh;
        sh *= qh;
    }
    return sd * sqrt(2 * h * acc);
}

/* ---- resampling ---------------------------------------------------------- */

typedef struct {
    size_t n;            /* grid points */
    double t0;           /* time of grid point 0 (ms, file axis) */
    double *x;           /* resampled ECG */
    unsigned char *miss; /* 1: inside a gap too long to bridge */
    double frame_ms;     /* median frame period */
    double noise_sd;     /* white noise of the raw samples */
} ecg_grid;

static void grid_free(ecg_grid *g)
{
    free(g->x);
    free(g->miss);
    memset(g, 0, sizeof *g);
}

static dys_status make_grid(dys_ctx *ctx, const double *t, const double *v,
                            size_t n, ecg_grid *g)
{
    memset(g, 0, sizeof *g);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]))
            return dys_fail(ctx, DYS_ERR_INVALID, "ECG: time stamp %zu is not a number", i + 1);
        if (i && !(t[i] > t[i - 1]))
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "ECG: time stamps must increase (sample %zu: %g ms after %g ms)",
                            i + 1, t[i], t[i - 1]);
    }
    double *tv = malloc(n * sizeof *tv), *xv = malloc(n * sizeof *xv);
    dys_status st = DYS_OK;
    dys_spline sp = {0};
    if (!tv || !xv) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t m = 0;
    double vmin = INFINITY, vmax = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            tv[m] = t[i];
            xv[m++] = v[i];
            vmin = fmin(vmin, v[i]);
            vmax = fmax(vmax, v[i]);
        }
    double h = m >= 2 ? dys_median_interval(tv, m) : NAN;
    double gap = isfinite(h) ? fmax(GAP_BRIDGE_MS, 3 * h) : GAP_BRIDGE_MS;
    double covered = 0;
    for (size_t i = 0; i + 1 < m; i++)
        if (tv[i + 1] - tv[i] <= gap)
            covered += tv[i + 1] - tv[i];
    if (m < MIN_VALID_SAMPLES || covered < MIN_VALID_MS) {
        st = dys_fail(ctx, DYS_ERR_ANALYSIS,
                      "ECG: too little valid signal (%zu of %zu samples valid, %.0f ms "
                      "covered; need %d samples and %.0f ms)",
                      m, n, floor(covered), MIN_VALID_SAMPLES, MIN_VALID_MS);
        goto out;
    }
    if (!(vmax > vmin)) {
        st = dys_fail(ctx, DYS_ERR_ANALYSIS,
                      "ECG: flat (all %zu valid samples equal %g): no QRS complex to detect",
                      m, vmin);
        goto out;
    }
    double span = tv[m - 1] - tv[0];
    if (span / GRID_MS + 1 > (double)MAX_GRID_POINTS) {
        st = dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                      "ECG: recording too long (%.0f s; at most %.0f s)", span / 1000,
                      (double)MAX_GRID_POINTS * GRID_MS / 1000);
        goto out;
    }
    g->n = (size_t)(span / GRID_MS) + 1;
    g->t0 = tv[0];
    g->frame_ms = h;
    /* the 20th percentile of the divided differences, not the median: at
     * 150 bpm a wide QRS touches up to two thirds of the 7-sample windows */
    g->noise_sd = dys_noise_sd_q(tv, xv, m, gap, 0.2);
    g->x = malloc(g->n * sizeof *g->x);
    g->miss = calloc(g->n, 1);
    if (!g->x || !g->miss) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (dys_spline_init(&sp, tv, xv, m) != DYS_OK) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t k = 0, hint = 0;
    for (size_t i = 0; i < g->n; i++) {
        double ti = g->t0 + (double)i * GRID_MS;
        while (k + 2 < m && tv[k + 1] <= ti)
            k++;
        if (tv[k + 1] - tv[k] > gap) { /* missing: a straight line, masked */
            double f = (ti - tv[k]) / (tv[k + 1] - tv[k]);
            g->x[i] = xv[k] + f * (xv[k + 1] - xv[k]);
            g->miss[i] = 1;
        } else {
            g->x[i] = dys_spline_eval_near(&sp, ti, &hint);
        }
    }
out:
    dys_spline_free(&sp);
    free(tv);
    free(xv);
    if (st != DYS_OK)
        grid_free(g);
    return st;
}

/* ---- filters --------------------------------------------------------------- */

/* The ECG's transforms are a power of two long.  A recording's length at
 * 1 kHz is arbitrary, and a DCT of that length cost a new FFTW plan per
 * study (half of a detection's time went to planning), and a slow
 * transform when the length had a large prime factor.  Powers of two,
 * not every 5-smooth size (dys_fft_size): ECG lengths spread over
 * 3,000-30,000 points, some fifty 5-smooth sizes against four or five
 * powers of two, each planned once per process and kept in the
 * context's cache of 64.  The extra length is cheap (a 4,096-point
 * complex DFT runs as fast as a 3,125-point one); 5-smooth lengths
 * made a long run's detections ~10 % faster, but `analyze` of one
 * three-view study 10 % slower (three plans instead of one). */
static size_t pow2_at_least(size_t n)
{
    size_t m = 2;
    while (m < n)
        m *= 2;
    return m;
}

/* dys_lowpass of x[0..n) at a power-of-two length: x is continued by its
 * mirror image up to it (x has room for 2 n).  That is the DCT's own even
 * extension for the first n - 1 extra samples, so only the last few
 * samples before the end can feel the change (a 15-Hz Gaussian reaches
 * ~40 ms; the onset rule looks before the QRS, not there). */
static dys_status lowpass_mirrored(dys_ctx *ctx, double *x, size_t n, double fc)
{
    size_t m = pow2_at_least(n); /* < 2 n */
    for (size_t k = n; k < m; k++)
        x[k] = x[2 * n - 1 - k];
    return dys_lowpass(ctx, x, m, GRID_MS, fc);
}

/* All filters are Gaussian gains on one DCT, so they compose on the
 * coefficients: a band-pass lowpass(x - lowpass(x, hp), lp) is the
 * inverse of G_lp (X - G_hp X), and x less a baseline whose coefficients
 * are known needs no transform of its own.  One forward transform of the
 * ECG serves all three bands: 12 transforms where filtering each
 * intermediate series took 20 (the same filters; the results differ in
 * rounding only). */

/* y = the band-pass of the series whose coefficients are X; T: scratch. */
static dys_status band_from(dys_ctx *ctx, const double *X, double *T, double *y, size_t n,
                            double hp, double lp)
{
    dys_dct_gain(X, T, n, GRID_MS, hp);
    for (size_t k = 0; k < n; k++)
        T[k] = X[k] - T[k];
    dys_dct_gain(T, T, n, GRID_MS, lp);
    return dys_idct(ctx, T, n, y);
}

/* The robust baseline's coefficients on the 1-kHz grid (n of them, into
 * B), computed on a grid BASE_DECIM times coarser: the means of blocks of
 * BASE_DECIM samples.  The baseline has no energy above a few Hz (the
 * 1-Hz Gaussian gain is below 1e-5 from 4 Hz and underflows from 32 Hz,
 * k < 520 of 8,192 bins), which the coarse grid (62.5 Hz Nyquist) holds;
 * the DCT of block means centred on the coarse grid's points is the fine
 * one's over BASE_DECIM for those bins, times the block mean's response
 * (above 0.998 wherever the gain is above 1e-5).  Its Huber iterations
 * (four pairs of transforms) were a quarter of QRS detection at 8,192
 * points; at 1,024 they are an eighth of that.  The clipping sees block
 * means, not samples: the noise they carry is a third as large, the QRS
 * they hold still far beyond the clip level. */
enum { BASE_DECIM = 8 };
static dys_status robust_baseline(dys_ctx *ctx, const double *x, const double *X, size_t n,
                                  double c, double *B)
{
    size_t m = n / BASE_DECIM;
    if (n % BASE_DECIM || m < 64)
        return dys_lowpass_robust(ctx, x, X, n, GRID_MS, ONS_HP_HZ, c, ROBUST_ITER, B);
    double *xd = malloc(2 * m * sizeof *xd);
    if (!xd)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    double *Xd = xd + m;
    for (size_t j = 0; j < m; j++) {
        double sum = 0;
        for (size_t r = 0; r < BASE_DECIM; r++)
            sum += x[BASE_DECIM * j + r];
        xd[j] = sum / BASE_DECIM;
    }
    dys_status st = dys_dct(ctx, xd, m, Xd);
    if (st == DYS_OK)
        st = dys_lowpass_robust(ctx, xd, Xd, m, GRID_MS * BASE_DECIM, ONS_HP_HZ, c,
                                ROBUST_ITER, B);
    free(xd);
    if (st != DYS_OK)
        return st;
    for (size_t k = 0; k < m; k++)
        B[k] *= BASE_DECIM;
    for (size_t k = m; k < n; k++)
        B[k] = 0;
    return DYS_OK;
}

/* The onset band: y = lowpass(x - baseline, lp), the baseline a robust
 * (Huber-type) low-pass of x: b = lowpass(b + clip(x - b, +-c), hp),
 * iterated from b = lowpass(x, hp) (robust_baseline).  X: x's
 * coefficients; T: scratch. */
static dys_status onset_band(dys_ctx *ctx, const double *x, const double *X, double *T,
                             double *y, size_t n, double lp, double c)
{
    dys_status st = robust_baseline(ctx, x, X, n, c, T);
    if (st != DYS_OK)
        return st;
    /* T holds the baseline's coefficients */
    for (size_t k = 0; k < n; k++)
        T[k] = X[k] - T[k];
    dys_dct_gain(T, T, n, GRID_MS, lp);
    return dys_idct(ctx, T, n, y);
}

/* dys_quantile(y, n, 0.995) - dys_quantile(y, n, 0.005), the same bits:
 * the order statistics it interpolates between are among
 * the k + 2 largest and the k + 2 smallest samples (k = 0.005 (n - 1)),
 * kept in two small sorted arrays in one pass, where two quantiles cost
 * two copies, two selections and two scans of the recording (6 % of a
 * detection).  NAN when out of memory. */
static double central_range(const double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i])) /* dys_quantile skips these: let it */
            return dys_quantile(y, n, 0.995) - dys_quantile(y, n, 0.005);
    if (n == 0)
        return NAN;
    const double qh = 0.995, ql = 0.005;
    double ph = qh * (double)(n - 1), pl = ql * (double)(n - 1);
    size_t kh = (size_t)ph, kl = (size_t)pl;
    /* order statistics wanted: kl, kl + 1 from below; kh, kh + 1 from
     * above, i.e. the (n - 1 - kh)-th and (n - 2 - kh)-th largest */
    size_t cl = kl + 2 < n ? kl + 2 : n, ch = n - kh + 1 < n ? n - kh + 1 : n;
    double *lo = malloc((cl + ch) * sizeof *lo), *hi = lo + cl;
    if (!lo)
        return NAN;
    size_t nl = 0, nh = 0; /* lo ascending, hi descending */
    for (size_t i = 0; i < n; i++) {
        double v = y[i];
        if (nl < cl || v < lo[nl - 1]) {
            size_t j = nl < cl ? nl++ : cl - 1;
            while (j > 0 && lo[j - 1] > v) {
                lo[j] = lo[j - 1];
                j--;
            }
            lo[j] = v;
        }
        if (nh < ch || v > hi[nh - 1]) {
            size_t j = nh < ch ? nh++ : ch - 1;
            while (j > 0 && hi[j - 1] < v) {
                hi[j] = hi[j - 1];
                j--;
            }
            hi[j] = v;
        }
    }
    /* as dys_quantile: r (1 - f) + next f, next the order statistic after r */
    double fl = pl - (double)kl, fh = ph - (double)kh;
    double rl = lo[kl], rh = hi[n - 1 - kh];
    if (kl + 1 < n)
        rl = rl * (1 - fl) + lo[kl + 1] * fl;
    if (kh + 1 < n)
        rh = rh * (1 - fh) + hi[n - 2 - kh] * fh;
    free(lo);
    return rh - rl;
}

/* Both bands of the grid's ECG, the ends extended by point reflection.
 * The extended series is a power of two long (pow2_at_least): the right
 * end's reflection runs on for what that adds.  The extra samples lie
 * beyond the 600-ms reflection, so they reach the recording only through
 * the tail of the 1-Hz baseline's kernel (SD 190 ms), below 0.1 % of the
 * difference. */
static dys_status filter_bands(dys_ctx *ctx, const ecg_grid *g, double det_lp,
                               double ons_lp, double *bp, double *ob)
{
    size_t N = g->n, P = N < PAD_MS ? N : PAD_MS, Np = pow2_at_least(N + 2 * P);
    double *xp = malloc(Np * sizeof *xp), *yp = malloc(Np * sizeof *yp);
    double *X = malloc(Np * sizeof *X), *T = malloc(Np * sizeof *T);
    dys_status st = DYS_OK;
    if (!xp || !yp || !X || !T) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(xp + P, g->x, N * sizeof *xp);
    for (size_t k = 1; k <= P; k++) {
        size_t a = k < N ? k : N - 1;
        xp[P - k] = 2 * g->x[0] - g->x[a];
    }
    for (size_t k = 1; P + N - 1 + k < Np; k++) {
        size_t b = N - 1 >= k ? N - 1 - k : 0;
        xp[P + N - 1 + k] = 2 * g->x[N - 1] - g->x[b];
    }
    if ((st = dys_dct(ctx, xp, Np, X)) != DYS_OK ||
        (st = band_from(ctx, X, T, yp, Np, DET_HP_HZ, det_lp)) != DYS_OK)
        goto out;
    memcpy(bp, yp + P, N * sizeof *bp);
    /* the robust baseline's clip level: 4 noise SDs, at least 2 % of the
     * range (of the 1-Hz high-passed ECG) */
    if ((st = band_from(ctx, X, T, yp, Np, ONS_HP_HZ, ons_lp)) != DYS_OK)
        goto out;
    double range = central_range(yp + P, N);
    double c = fmax(ROBUST_CLIP_NOISE * g->noise_sd, ROBUST_CLIP_RANGE * range);
    if (!(c > 0))
        c = 1e-300;
    if ((st = onset_band(ctx, xp, X, T, yp, Np, ons_lp, c)) != DYS_OK)
        goto out;
    memcpy(ob, yp + P, N * sizeof *ob);
out:
    if (st != DYS_OK && st != DYS_ERR_NOMEM)
        st = dys_fail(ctx, st, "ECG: filtering failed");
    free(xp);
    free(yp);
    free(X);
    free(T);
    return st;
}

/* ---- Pan-Tompkins detection ---------------------------------------------- */

enum { C_NOISE, C_QRS, C_TWAVE, C_REFRACTORY };

typedef struct {
    size_t i;     /* grid index of the integrated-energy peak */
    size_t ir;    /* ... placed where the 40-ms energy peaks */
    double pk;    /* height of the integrated energy */
    double slope; /* maximal |slope| of the detection band nearby */
    int cls;
    int qrs1;     /* a QRS in pass 1 */
} cand;

typedef struct {
    double spki, npki, rravg; /* rravg NAN: not known yet */
    long ref;                 /* a typical QRS (candidate index) or -1 */
    const double *bp;         /* detection band, for waveform matching */
    size_t n;
    size_t nc;                /* pass 2: candidates, with pass 1's QRS marked */
    dys_ctx *ctx;             /* wave_corr's FFT ... */
    int failed;               /* ... and whether it failed (out of memory) */
} pt_state;

/* How long after a QRS its T wave can peak: 360 ms (Pan & Tompkins), or
 * at slow rates the longest QT (Bazett, QTc 0.5 s) less 50 ms. */
static double twave_window(double rravg)
{
    if (!isfinite(rravg))
        rravg = TWAVE_SLOWEST_RR_MS;
    double qt = TWAVE_QTC_S * sqrt(rravg / 1000.0) * 1000.0 - 50.0;
    return qt > TWAVE_MS ? qt : TWAVE_MS;
}

/* Largest Pearson correlation of the detection-band waveforms around grid
 * indices a and b (+-TWAVE_CORR_HALF_MS) over lags of +-TWAVE_CORR_LAG_MS;
 * 1 (no verdict) when a window comes near an end of the recording, or
 * when the FFT fails (then *failed is set). */
static double wave_corr(dys_ctx *ctx, const double *y, size_t n, size_t a, size_t b,
                        int *failed)
{
    const long h = TWAVE_CORR_HALF_MS, L = TWAVE_CORR_LAG_MS, e = TWAVE_CORR_EDGE_MS;
    if ((long)a < h + e || (long)b < h + L + e || (long)a + h + e >= (long)n ||
        (long)b + h + L + e >= (long)n)
        return 1;
    /* a's window is the same at every lag: its sums once; b's, sliding */
    enum { W = 2 * TWAVE_CORR_HALF_MS + 1, NL = 2 * TWAVE_CORR_LAG_MS + 1 };
    double sa = 0, saa = 0, sb[NL], sbb[NL], sab[NL];
    for (long j = 0; j < W; j++) {
        double u = y[(long)a - h + j];
        sa += u;
        saa += u * u;
    }
    window_sums(y, (long)b - h - L, NL, W, sb, sbb);
    if (dys_xcorr_lags(ctx, y + (long)a - h, W, y + (long)b - h - L, NL, sab) != DYS_OK) {
        *failed = 1;
        return 1;
    }
    double best = -1, m = (double)W, va = saa - sa * sa / m;
    for (long k = 0; k < NL; k++) {
        double cov = sab[k] - sa * sb[k] / m, vb = sbb[k] - sb[k] * sb[k] / m;
        if (va > 0 && vb > 0 && cov / sqrt(va * vb) > best)
            best = cov / sqrt(va * vb);
    }
    return best;
}

/* T-wave discrimination (head comment): is candidate c the T wave of the
 * QRS at index `last`, or, before the first QRS, of a beat before the
 * recording (judged against the typical QRS s->ref)? */
static int is_twave(const cand *c, const cand *cs, long last, pt_state *s)
{
    const cand *q;
    if (last >= 0) {
        q = &cs[last];
        if ((double)(c->i - q->i) * GRID_MS >= twave_window(s->rravg))
            return 0;
    } else if (s->ref >= 0) {
        q = &cs[s->ref];
        if (q == c || (double)c->i * GRID_MS >= twave_window(s->rravg))
            return 0;
    } else {
        return 0;
    }
    int like_t = c->slope < TWAVE_SLOPE_FRAC * q->slope || c->pk < TWAVE_PK_FRAC * q->pk ||
                 (c->pk < q->pk &&
                  wave_corr(s->ctx, s->bp, s->n, q->ir, c->ir, &s->failed) < TWAVE_CORR_MIN);
    /* Beyond Pan & Tompkins' 360 ms the window rests on the heart rate,
     * which missed premature beats make look slow; there a T wave must
     * also recur: after most other QRS complexes of pass 1 that leave
     * room for it, a candidate at the same delay.  A premature beat does
     * not follow every beat, a T wave does. */
    long d = (long)c->i - (long)q->i;
    if (!like_t || last < 0 || s->nc == 0 || (double)d * GRID_MS <= TWAVE_MS)
        return like_t;
    const long tol = (long)(TWAVE_RECUR_MS / GRID_MS);
    size_t room = 0, recur = 0;
    for (size_t j = 0; j < s->nc; j++) {
        if (!cs[j].qrs1 || &cs[j] == q)
            continue;
        size_t next = s->n;
        for (size_t k = j + 1; k < s->nc; k++)
            if (cs[k].qrs1) {
                next = cs[k].i;
                break;
            }
        if ((long)cs[j].i + d + tol >= (long)next)
            continue;
        room++;
        for (size_t k = j + 1; k < s->nc && (long)cs[k].i <= (long)cs[j].i + d + tol; k++)
            if (!cs[k].qrs1 && labs((long)cs[k].i - (long)cs[j].i - d) <= tol) {
                recur++;
                break;
            }
    }
    return room < 2 || (double)recur >= TWAVE_RECUR_FRAC * (double)room;
}

static void rr_push(double *hist, int *nh, double rr, double *rravg)
{
    if (*nh == 8) {
        memmove(hist, hist + 1, 7 * sizeof *hist);
        *nh = 7;
    }
    hist[(*nh)++] = rr;
    double s = 0;
    for (int k = 0; k < *nh; k++)
        s += hist[k];
    *rravg = s / *nh;
}

/* One pass over the candidates in time order (head comment); end_i is the
 * grid's last index. */
static void pt_pass(cand *cs, size_t nc, pt_state *s, size_t end_i)
{
    double hist[8];
    int nh = 0;
    long last = -1;
    for (size_t k = 0; k < nc; k++)
        cs[k].cls = C_NOISE;
    for (size_t k = 0; k <= nc; k++) {
        size_t now = k < nc ? cs[k].i : end_i;
        /* search-back for beats missed since the last QRS */
        while (last >= 0 && isfinite(s->rravg) &&
               (double)(now - cs[last].i) * GRID_MS > SEARCHBACK_RR * s->rravg) {
            double thr2 = 0.5 * (s->npki + 0.25 * (s->spki - s->npki));
            long best = -1;
            for (size_t j = (size_t)last + 1; j < k; j++) {
                if ((double)(cs[j].i - cs[last].i) * GRID_MS < REFRACTORY_MS ||
                    cs[j].pk < thr2 || is_twave(&cs[j], cs, last, s))
                    continue;
                if (best < 0 || cs[j].pk > cs[best].pk)
                    best = (long)j;
            }
            if (best < 0)
                break;
            cs[best].cls = C_QRS;
            s->spki = 0.25 * cs[best].pk + 0.75 * s->spki;
            rr_push(hist, &nh, (double)(cs[best].i - cs[last].i) * GRID_MS, &s->rravg);
            last = best;
        }
        if (k == nc)
            break;
        cand *c = &cs[k];
        if (last >= 0 && (double)(c->i - cs[last].i) * GRID_MS < REFRACTORY_MS) {
            c->cls = C_REFRACTORY;
            continue;
        }
        double thr1 = s->npki + 0.25 * (s->spki - s->npki);
        if (c->pk >= thr1) {
            if (is_twave(c, cs, last, s)) {
                c->cls = C_TWAVE;
                s->npki = 0.125 * c->pk + 0.875 * s->npki;
                continue;
            }
            c->cls = C_QRS;
            s->spki = 0.125 * c->pk + 0.875 * s->spki;
            if (last >= 0)
                rr_push(hist, &nh, (double)(c->i - cs[last].i) * GRID_MS, &s->rravg);
            last = (long)k;
        } else {
            c->cls = C_NOISE;
            s->npki = 0.125 * c->pk + 0.875 * s->npki;
        }
    }
}

/* Median height (what 0) or slope (1) of the candidates in class cls, or
 * of the QRS complexes at least EDGE_MS from the ends (what 2 / 3). */
static double class_median(const cand *cs, size_t nc, size_t n, int cls, int what)
{
    double *v = malloc((nc ? nc : 1) * sizeof *v);
    if (!v)
        return NAN;
    size_t m = 0;
    for (size_t k = 0; k < nc; k++) {
        if (cs[k].cls != cls)
            continue;
        if (what >= 2 && (cs[k].i < EDGE_MS || cs[k].i + EDGE_MS >= n))
            continue;
        v[m++] = what % 2 ? cs[k].slope : cs[k].pk;
    }
    double r = m ? dys_quantile(v, m, 0.5) : NAN;
    free(v);
    return r;
}

/* Candidates: local maxima of the integrated energy mwi, each the largest
 * within +-PEAK_HALF_MS, outside missing stretches.  d: the detection
 * band's slope; cum: prefix sums of d^2.  Returns NULL (and *nc 0) when
 * out of memory. */
static cand *find_candidates(const double *mwi, const double *d, const double *cum,
                             const unsigned char *miss, size_t N, size_t *nc)
{
    size_t cap = 16;
    cand *cs = malloc(cap * sizeof *cs);
    *nc = 0;
    if (!cs)
        return NULL;
    for (size_t i = 0; i < N; i++) {
        /* the first and last points count too: a complex cut by the
         * start of the recording peaks there */
        if ((i > 0 && !(mwi[i] > mwi[i - 1])) || (i + 1 < N && !(mwi[i] >= mwi[i + 1])) ||
            miss[i])
            continue;
        size_t a = i > PEAK_HALF_MS ? i - PEAK_HALF_MS : 0;
        size_t b = i + PEAK_HALF_MS < N ? i + PEAK_HALF_MS : N - 1;
        int top = 1;
        for (size_t j = a; j <= b && top; j++)
            if (mwi[j] > mwi[i] || (j < i && mwi[j] == mwi[i]))
                top = 0;
        if (!top)
            continue;
        if (*nc == cap) {
            cand *nb = realloc(cs, 2 * cap * sizeof *cs);
            if (!nb) {
                free(cs);
                *nc = 0;
                return NULL;
            }
            cs = nb;
            cap *= 2;
        }
        double sl = 0, best = -1;
        size_t sa = i > SLOPE_HALF_MS ? i - SLOPE_HALF_MS : 0;
        size_t sb = i + SLOPE_HALF_MS < N ? i + SLOPE_HALF_MS : N - 1, ic = i;
        for (size_t j = sa; j <= sb; j++) {
            sl = fmax(sl, fabs(d[j]));
            size_t lo = j > SHORT_HALF_MS ? j - SHORT_HALF_MS : 0;
            size_t hi = j + SHORT_HALF_MS + 1 < N ? j + SHORT_HALF_MS + 1 : N;
            if (cum[hi] - cum[lo] > best) {
                best = cum[hi] - cum[lo];
                ic = j;
            }
        }
        cs[(*nc)++] = (cand){i, ic, mwi[i], sl, C_NOISE, 0};
    }
    return cs;
}

/* ---- template ------------------------------------------------------------ */

typedef struct {
    double tpl[TPL_LEN]; /* onset-band template, the peak at TPL_PRE_MS */
    double *shift;       /* per beat: aligned centre = r + shift (grid) */
    double *corr;        /* per beat: correlation with the template */
    size_t used;         /* beats averaged */
    double corr_min;     /* a beat matches the template from this */
} beat_template;

/* Pearson correlation of y around `center` (fractional index) with a
 * template, over +-TPL_HALF_MS. */
static double seg_corr(const double *y, size_t n, double center, const double *tpl)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    size_t m = 0;
    for (int j = TPL_PRE_MS - TPL_HALF_MS; j <= TPL_PRE_MS + TPL_HALF_MS; j++) {
        double u = interp(y, n, center - TPL_PRE_MS + j), v = tpl[j];
        if (isnan(u) || isnan(v))
            continue;
        sa += u;
        sb += v;
        saa += u * u;
        sbb += v * v;
        sab += u * v;
        m++;
    }
    if (m < TPL_HALF_MS)
        return 0;
    double cov = sab - sa * sb / (double)m;
    double va = saa - sa * sa / (double)m, vb = sbb - sb * sb / (double)m;
    return va > 0 && vb > 0 ? cov / sqrt(va * vb) : 0;
}

/* seg_corr at the centres centre - TPL_MAXLAG_MS .. centre + TPL_MAXLAG_MS
 * (c[0..2 TPL_MAXLAG_MS]).  At an integer centre the interpolation
 * returns the grid's own samples, so the sums are taken on them: the
 * window's by window_sums, the products by FFT, on the stretch of y the
 * lags cover with zeros where it runs off the grid (seg_corr skips those
 * samples; a zero adds nothing), and the template's over the part of it
 * each lag keeps on the grid (prefix sums).  That needs the template's
 * known part to be one stretch (it is: a beat's window leaves the grid
 * at one end only); otherwise, and at other centres, seg_corr itself.
 * DYS_OK or the FFT's failure. */
static dys_status seg_corr_lags(dys_ctx *ctx, const double *y, size_t n, double centre,
                                const double *tpl, double *c)
{
    enum { NL = 2 * TPL_MAXLAG_MS + 1, W = 2 * TPL_HALF_MS + 1 };
    int ja = TPL_PRE_MS - TPL_HALF_MS, jb = TPL_PRE_MS + TPL_HALF_MS;
    while (ja <= jb && isnan(tpl[ja]))
        ja++;
    while (jb >= ja && isnan(tpl[jb]))
        jb--;
    long m = jb >= ja ? jb - ja + 1 : 0;
    /* prefix sums of the template's stretch and of its squares */
    double p1[W + 1], p2[W + 1];
    int stretch = m >= TPL_HALF_MS;
    p1[0] = p2[0] = 0;
    for (long q = 0; q < m && stretch; q++) {
        double v = tpl[ja + q];
        stretch = !isnan(v);
        p1[q + 1] = p1[q] + v;
        p2[q + 1] = p2[q] + v * v;
    }
    if (!stretch || centre != floor(centre) || !(centre >= 0 && centre < (double)n)) {
        for (long k = 0; k < NL; k++)
            c[k] = seg_corr(y, n, centre - TPL_MAXLAG_MS + (double)k, tpl);
        return DYS_OK;
    }
    long first = (long)centre - TPL_MAXLAG_MS + ja - TPL_PRE_MS; /* lag 0's first sample */
    double ys[W + NL - 1], sa[NL], saa[NL], sab[NL];
    for (long i = 0; i < m + NL - 1; i++)
        ys[i] = first + i >= 0 && first + i < (long)n ? y[first + i] : 0;
    window_sums(ys, 0, NL, (size_t)m, sa, saa);
    dys_status st = dys_xcorr_lags(ctx, tpl + ja, (size_t)m, ys, NL, sab);
    if (st != DYS_OK)
        return st;
    for (long k = 0; k < NL; k++) {
        /* the template's samples whose partner lies on the grid: [lo, hi] */
        long lo = first + k < 0 ? -(first + k) : 0;
        long hi = (long)n - 1 - (first + k) < m - 1 ? (long)n - 1 - (first + k) : m - 1;
        if (hi - lo + 1 < TPL_HALF_MS) {
            c[k] = 0; /* as seg_corr: too few samples to tell */
            continue;
        }
        double dm = (double)(hi - lo + 1), sb = p1[hi + 1] - p1[lo], sbb = p2[hi + 1] - p2[lo];
        double cov = sab[k] - sa[k] * sb / dm;
        double va = saa[k] - sa[k] * sa[k] / dm, vb = sbb - sb * sb / dm;
        c[k] = va > 0 && vb > 0 ? cov / sqrt(va * vb) : 0;
    }
    return DYS_OK;
}

/* Mean of y over +-TPL_HALF_MS around `center`: a beat's level, taken out
 * before averaging so that residual wander does not step the template
 * where a beat's window begins. */
static double seg_level(const double *y, size_t n, double center)
{
    double s = 0;
    size_t m = 0;
    for (int j = -TPL_HALF_MS; j <= TPL_HALF_MS; j++) {
        double u = interp(y, n, center + j);
        if (!isnan(u)) {
            s += u;
            m++;
        }
    }
    return m ? s / (double)m : 0;
}

/* Align the beats (centres r) on ya (the detection band, whose noise SD is
 * noise_a) and average y (the onset band) over those that match.  Returns
 * DYS_ERR_NOMEM or DYS_OK. */
static dys_status build_template(dys_ctx *ctx, const double *ya, const double *y, size_t n,
                                 const double *r, size_t nb, double noise_a,
                                 beat_template *bt)
{
    double *col = malloc((nb ? nb : 1) * sizeof *col);
    double *lev = malloc((nb ? nb : 1) * sizeof *lev);
    double *atpl = malloc(TPL_LEN * sizeof *atpl);
    unsigned char *use = malloc(nb ? nb : 1);
    if (!col || !lev || !use || !atpl) {
        free(col);
        free(lev);
        free(use);
        free(atpl);
        return DYS_ERR_NOMEM;
    }
    for (size_t k = 0; k < nb; k++) {
        bt->shift[k] = 0;
        bt->corr[k] = 1;
    }
    bt->corr_min = TPL_CORR_MIN;
    /* passes 0-2: the alignment template from ya (median, then mean) and
     * the alignment; pass 3: the template from y */
    for (int iter = 0; iter < 4; iter++) {
        const double *src = iter == 3 ? y : ya;
        double *dst = iter == 3 ? bt->tpl : atpl;
        /* the beats matching the template (all at first), preferably those
         * whose whole window lies in the recording */
        size_t nuse = 0;
        for (int pass = 0; pass < 3 && !nuse; pass++)
            for (size_t k = 0; k < nb; k++) {
                double c = r[k] + bt->shift[k];
                int whole = c - TPL_PRE_MS >= 0 && c + TPL_POST_MS <= (double)(n - 1);
                int match = iter == 0 || bt->corr[k] >= bt->corr_min;
                use[k] = pass == 0 ? match && whole : pass == 1 ? match : 1;
                nuse += use[k];
            }
        bt->used = nuse;
        for (size_t k = 0; k < nb; k++)
            lev[k] = seg_level(src, n, r[k] + bt->shift[k]);
        for (int j = 0; j < TPL_LEN; j++) {
            size_t m = 0;
            double s = 0;
            for (size_t k = 0; k < nb; k++) {
                if (!use[k])
                    continue;
                double v = interp(src, n, r[k] + bt->shift[k] - TPL_PRE_MS + j);
                if (isnan(v))
                    continue;
                col[m++] = v - lev[k];
                s += v - lev[k];
            }
            dst[j] = !m ? NAN : iter == 0 ? dys_quantile(col, m, 0.5) : s / (double)m;
        }
        if (iter == 3)
            break;
        /* a beat matches when it correlates as well as the band's noise
         * allows: TPL_CORR_MIN, or 0.9 x the correlation of a perfect
         * template with itself plus that noise */
        double sa = 0, saa = 0;
        int m = 0;
        for (int j = TPL_PRE_MS - TPL_HALF_MS; j <= TPL_PRE_MS + TPL_HALF_MS; j++)
            if (!isnan(atpl[j])) {
                sa += atpl[j];
                saa += atpl[j] * atpl[j];
                m++;
            }
        double var = m > 1 ? (saa - sa * sa / m) / m : 0;
        double rho = var > 0 ? sqrt(var / (var + noise_a * noise_a)) : 1;
        bt->corr_min = fmin(TPL_CORR_MIN, TPL_CORR_NOISE_FRAC * rho);
        /* align every beat on it */
        for (size_t k = 0; k < nb; k++) {
            double best = -2, c[2 * TPL_MAXLAG_MS + 1];
            int bl = 0;
            dys_status st = seg_corr_lags(ctx, ya, n, r[k], atpl, c);
            if (st != DYS_OK) {
                free(col);
                free(lev);
                free(use);
                free(atpl);
                return st;
            }
            for (int l = -TPL_MAXLAG_MS; l <= TPL_MAXLAG_MS; l++) {
                if (c[l + TPL_MAXLAG_MS] > best) {
                    best = c[l + TPL_MAXLAG_MS];
                    bl = l;
                }
            }
            double f = 0;
            if (bl > -TPL_MAXLAG_MS && bl < TPL_MAXLAG_MS)
                f = parabolic(c[bl + TPL_MAXLAG_MS - 1], c[bl + TPL_MAXLAG_MS],
                              c[bl + TPL_MAXLAG_MS + 1]);
            bt->shift[k] = bl + f;
            bt->corr[k] = seg_corr(ya, n, r[k] + bt->shift[k], atpl);
        }
    }
    free(col);
    free(lev);
    free(use);
    free(atpl);
    return DYS_OK;
}

/* Where the template's energy (squared slope over 40 ms) peaks, within
 * +-100 ms of its centre, below the grid step; NAN if nowhere. */
static double template_energy_peak(const double *tpl)
{
    double e[201];
    int best = -1;
    for (int j = -100; j <= 100; j++) {
        double s = 0;
        for (int u = TPL_PRE_MS + j - SHORT_HALF_MS; u <= TPL_PRE_MS + j + SHORT_HALF_MS; u++)
            if (u >= 1 && u + 1 < TPL_LEN) {
                double sl = 0.5 * (tpl[u + 1] - tpl[u - 1]);
                if (!isnan(sl))
                    s += sl * sl;
            }
        e[j + 100] = s;
        if (best < 0 || s > e[best])
            best = j + 100;
    }
    if (!(e[best] > 0))
        return NAN;
    double f = best > 0 && best < 200 ? parabolic(e[best - 1], e[best], e[best + 1]) : 0;
    return TPL_PRE_MS + (best - 100) + f;
}

/* ---- the onset rule ---------------------------------------------------- */

/* Step c of the onset rule: the baseline is the mean of y over the
 * ON_BASE_MS window from ws; back from the first big slope `big` to where
 * the complex has stayed within the threshold of it for ON_QUIET_MS.
 * NAN when it never does (the onset is then the window's end). */
static double onset_back(const double *y, size_t n, size_t ir, size_t big, size_t ws,
                         double noise, double *base_out, double *amp_out)
{
    size_t we = ws + ON_BASE_MS - 1;
    double base = 0;
    for (size_t i = ws; i <= we; i++)
        base += y[i];
    base /= ON_BASE_MS;
    double amp = 0;
    size_t e = ir + ON_AMP_AFTER_MS < n ? ir + ON_AMP_AFTER_MS : n - 1;
    for (size_t i = we; i <= e; i++)
        if (!isnan(y[i]))
            amp = fmax(amp, fabs(y[i] - base));
    double thr = fmax(ON_AMP_FRAC * amp, ON_NOISE_K * noise);
    if (base_out)
        *base_out = base;
    if (amp_out)
        *amp_out = amp;
    size_t run = 0, end = big; /* end: the first index above thr after it */
    for (size_t i = big;; i--) {
        if (fabs(y[i] - base) < thr) {
            if (run++ == 0)
                end = i + 1;
            if (run >= ON_QUIET_MS)
                break;
        } else {
            run = 0;
        }
        if (i == we)
            break;
    }
    if (run == 0)
        return NAN;
    double d0 = fabs(y[end - 1] - base), d1 = fabs(y[end] - base);
    return (double)(end - 1) + (d1 > d0 ? (thr - d0) / (d1 - d0) : 0.0);
}

/* Onset (head comment, 4 a-c) of the complex whose energy peak is at index
 * ir of y (onset band, 1-ms grid; NAN where unknown), not before index lo;
 * ys: y low-passed at ON_FLAT_LP_HZ; noise: y's noise SD.  Returns a
 * fractional index; *clamped is set when no baseline precedes the complex
 * (the recording, or lo, begins inside it): the onset is then lo. */
static double onset_rule(const double *y, const double *ys, size_t n, size_t ir,
                         size_t lo, double noise, int *clamped)
{
    *clamped = 1;
    const size_t lo0 = lo;
    if (lo < 1)
        lo = 1;
    while (lo < ir && (isnan(y[lo - 1]) || isnan(y[lo]) || isnan(y[lo + 1])))
        lo++;
    if (n < 4 || ir + 1 >= n || ir <= lo)
        return (double)lo0;
#define SLOPE(i) (0.5 * fabs(y[(i) + 1] - y[(i) - 1]))
#define SSLOPE(i) (0.5 * fabs(ys[(i) + 1] - ys[(i) - 1]))
    size_t a = ir > lo + TPL_HALF_MS ? ir - TPL_HALF_MS : lo;
    size_t b = ir + TPL_HALF_MS < n - 1 ? ir + TPL_HALF_MS : n - 2;
    double smax = 0;
    for (size_t i = a; i <= b; i++)
        if (SLOPE(i) > smax)
            smax = SLOPE(i);
    if (!(smax > 0))
        return (double)lo0;
    /* a) the first big slope */
    size_t big = b;
    for (size_t i = ir > lo + ON_SEARCH_MS ? ir - ON_SEARCH_MS : lo; i <= b; i++)
        if (SLOPE(i) >= ON_BIG_FRAC * smax) {
            big = i;
            break;
        }
    /* b) the isoelectric baseline */
    size_t first = big > lo + ON_MAX_BACK_MS ? big - ON_MAX_BACK_MS : lo;
    if (big < first + ON_BASE_MS + 2)
        return (double)lo0;
    size_t nw = big - ON_BASE_MS - first; /* windows [first + w, + ON_BASE_MS) */
    double least = INFINITY, sum = 0;
    for (size_t i = first; i < first + ON_BASE_MS; i++)
        sum += SSLOPE(i);
    double *flat = malloc(nw * sizeof *flat);
    if (!flat)
        return (double)lo0;
    for (size_t w = 0; w < nw; w++) {
        flat[w] = sum / ON_BASE_MS;
        if (flat[w] < least)
            least = flat[w];
        sum += SSLOPE(first + w + ON_BASE_MS) - SSLOPE(first + w);
    }
    if (!isfinite(least)) {
        free(flat);
        return (double)lo0;
    }
    double flat_ok = fmax(2 * least, ON_FLAT_FRAC * smax);
    size_t w = nw;
    while (w-- > 0)
        if (flat[w] <= flat_ok)
            break;
    free(flat);
    size_t ws = first + w;
    *clamped = 0;
    double base, amp;
    double on = onset_back(y, n, ir, big, ws, noise, &base, &amp);
    /* A 40-ms flat stretch between that onset and the first big slope
     * means the complex had not begun there: the baseline was a flat top
     * of the P wave with a tilted PR segment after it.  That stretch is
     * then the baseline. */
    if (isfinite(on) && on >= 0)
        for (size_t v = big - ON_BASE_MS; v >= (size_t)ceil(on) && v > ws + ON_BASE_MS; v--) {
            double acc = 0, lev = 0;
            for (size_t i = v; i < v + ON_BASE_MS; i++) {
                acc += SSLOPE(i);
                lev += y[i];
            }
            /* flat, and near the first baseline's level: not the top of
             * a notch inside a wide complex */
            if (acc / ON_BASE_MS > ON_REFLAT_K * flat_ok ||
                fabs(lev / ON_BASE_MS - base) > ON_REFLAT_LEVEL * amp)
                continue;
            double o2 = onset_back(y, n, ir, big, v, noise, NULL, NULL);
            if (isfinite(o2) && o2 >= (double)(v + ON_BASE_MS - 1)) {
                on = o2;
                break;
            }
        }
    return isfinite(on) ? on : (double)(ws + ON_BASE_MS - 1);
#undef SLOPE
#undef SSLOPE
}

/* ---- the detector ------------------------------------------------------ */

/* Pan & Tompkins's detection signal on the band-passed ECG bp: the
 * derivative d, its square (0 where samples are missing) with its running
 * sum cum, and the moving-window integral mwi (centred: no delay; the ends
 * reflected, as the DCT's even extension does).  sq: scratch, N long. */
static void detection_signal(const ecg_grid *g, const double *bp, double *d, double *sq,
                             double *cum, double *mwi)
{
    const size_t N = g->n;
    for (size_t i = 0; i < N; i++) {
        size_t a = i ? i - 1 : 0, b = i + 1 < N ? i + 1 : N - 1;
        d[i] = b > a ? (bp[b] - bp[a]) / (double)(b - a) : 0;
        sq[i] = g->miss[i] ? 0 : d[i] * d[i];
    }
    cum[0] = 0;
    for (size_t i = 0; i < N; i++)
        cum[i + 1] = cum[i] + sq[i];
    const long hw = MWI_MS / 2, nn = (long)N;
#define E(j) sq[(j) < 0 ? (-(j) - 1 < nn ? -(j) - 1 : nn - 1) \
                : (j) >= nn ? (2 * nn - 1 - (j) >= 0 ? 2 * nn - 1 - (j) : 0) : (j)]
    double s = 0;
    for (long j = -hw; j <= hw; j++)
        s += E(j);
    for (long i = 0; i < nn; i++) {
        mwi[i] = s > 0 ? s / (double)(2 * hw + 1) : 0;
        s += E(i + hw + 1) - E(i - hw);
    }
#undef E
}

/* Pass 2 of the classification: from the start again, with the median
 * signal and noise peaks, the median RR and the typical QRS of pass 1. */
static dys_status second_pass(dys_ctx *ctx, cand *cs, size_t nc, const double *bp, size_t N)
{
    double spki = class_median(cs, nc, N, C_QRS, 0);
    double npki = class_median(cs, nc, N, C_NOISE, 0);
    double rr0 = NAN;
    size_t nq = 0;
    for (size_t k = 0; k < nc; k++)
        nq += cs[k].cls == C_QRS;
    if (nq >= 2) {
        double *rrs = malloc((nq - 1) * sizeof *rrs);
        if (!rrs)
            return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        size_t m = 0, prev = 0;
        int have = 0;
        for (size_t k = 0; k < nc; k++)
            if (cs[k].cls == C_QRS) {
                if (have)
                    rrs[m++] = (double)(cs[k].i - prev) * GRID_MS;
                prev = cs[k].i;
                have = 1;
            }
        rr0 = dys_quantile(rrs, m, 0.5);
        free(rrs);
    }
    if (!isfinite(spki))
        return DYS_OK;
    /* the typical QRS: the one whose waveform best matches the others'
     * (median correlation), so that frequent ectopic beats do not set the
     * standard; ties to the median energy */
    long ref = -1;
    double ref_corr = -2;
    int failed = 0;
    for (size_t k = 0; k < nc; k++) {
        if (cs[k].cls != C_QRS)
            continue;
        double cr[16];
        size_t m = 0;
        for (size_t j = 0; j < nc && m < 16; j++)
            if (j != k && cs[j].cls == C_QRS)
                cr[m++] = wave_corr(ctx, bp, N, cs[k].ir, cs[j].ir, &failed);
        double mc = m ? dys_quantile(cr, m, 0.5) : 1;
        if (ref < 0 || mc > ref_corr + 1e-9 ||
            (mc > ref_corr - 1e-9 && fabs(cs[k].pk - spki) < fabs(cs[ref].pk - spki))) {
            ref = (long)k;
            ref_corr = mc;
        }
    }
    pt_state ps = {spki, isfinite(npki) ? npki : 0, rr0, ref, bp, N, nc, ctx, failed};
    pt_pass(cs, nc, &ps, N - 1);
    return ps.failed ? DYS_ERR_NOMEM : DYS_OK;
}

/* The QRS candidates that stay QRS: a detection near an end must look like
 * a typical QRS, and every one must stand out of the detection band's
 * noise (noise_bp); the others become noise.  Returns how many stay. */
static size_t keep_clear_qrs(cand *cs, size_t nc, const double *bp, size_t N, double noise_bp)
{
    double pk = class_median(cs, nc, N, C_QRS, 2);
    double sl = class_median(cs, nc, N, C_QRS, 3);
    if (isfinite(pk) && isfinite(sl))
        for (size_t k = 0; k < nc; k++)
            if (cs[k].cls == C_QRS && (cs[k].i < EDGE_MS || cs[k].i + EDGE_MS >= N) &&
                (cs[k].pk < EDGE_FRAC * pk || cs[k].slope < EDGE_FRAC * sl))
                cs[k].cls = C_NOISE;
    size_t nb = 0;
    for (size_t k = 0; k < nc; k++) {
        if (cs[k].cls != C_QRS)
            continue;
        size_t i = cs[k].i;
        size_t a = i > SLOPE_HALF_MS ? i - SLOPE_HALF_MS : 0;
        size_t b = i + SLOPE_HALF_MS < N ? i + SLOPE_HALF_MS : N - 1;
        double amp = 0;
        for (size_t j = a; j <= b; j++)
            amp = fmax(amp, fabs(bp[j]));
        if (amp >= SNR_MIN * noise_bp)
            nb++;
        else
            cs[k].cls = C_NOISE;
    }
    return nb;
}

/* Polarity: whether the template's largest deflection from its onset level
 * within POLARITY_MS of the onset is negative. */
static int template_inverted(const beat_template *bt, double on_tpl, int clamped)
{
    size_t a = 0;
    if (!clamped && on_tpl > 0)
        a = (size_t)on_tpl;
    else
        while (a < TPL_PRE_MS && isnan(bt->tpl[a]))
            a++;
    size_t b = a + POLARITY_MS < TPL_LEN ? a + POLARITY_MS : TPL_LEN - 1;
    double base = bt->tpl[a], pos = 0, neg = 0;
    for (size_t j = a; j <= b; j++)
        if (!isnan(bt->tpl[j])) {
            pos = fmax(pos, bt->tpl[j] - base);
            neg = fmax(neg, base - bt->tpl[j]);
        }
    return neg > pos;
}

void dys_beats_free(dys_beats *b)
{
    if (!b)
        return;
    free(b->r_ms);
    free(b->onset_ms);
    free(b->rr_ms);
    memset(b, 0, sizeof *b);
    b->hr_bpm = NAN;
}

dys_status dys_detect_qrs(dys_ctx *ctx, const double *t_ms, const double *ecg,
                          size_t n, dys_beats *out)
{
    if (out) {
        memset(out, 0, sizeof *out);
        out->hr_bpm = NAN;
    }
    if (!t_ms || !ecg || !out)
        return dys_fail(ctx, DYS_ERR_INVALID, "ECG: NULL argument");
    if (n < 2)
        return dys_fail(ctx, DYS_ERR_INVALID, "ECG: %zu samples (need at least 2)", n);

    ecg_grid g;
    dys_status st = make_grid(ctx, t_ms, ecg, n, &g);
    if (st != DYS_OK)
        return st;
    const size_t N = g.n;
    double *bp = malloc(N * sizeof *bp), *ob = malloc(N * sizeof *ob);
    double *tmp = malloc(2 * N * sizeof *tmp), *mwi = malloc(N * sizeof *mwi);
    double *d = malloc(N * sizeof *d), *cum = malloc((N + 1) * sizeof *cum);
    double *rvec = NULL, *onset = NULL;
    size_t *qi = NULL;
    cand *cs = NULL;
    beat_template *bt = malloc(sizeof *bt);
    if (bt)
        bt->shift = bt->corr = NULL;
    if (!bp || !ob || !tmp || !mwi || !d || !cum || !bt) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    const double fs = 1000.0 / g.frame_ms;
    const double det_lp = fmin(DET_LP_HZ, DET_LP_FS_FRAC * fs);
    const double ons_lp = fmin(ONS_LP_HZ, ONS_LP_FS_FRAC * fs);
    if ((st = filter_bands(ctx, &g, det_lp, ons_lp, bp, ob)) != DYS_OK)
        goto out;

    detection_signal(&g, bp, d, tmp, cum, mwi);

    size_t nc;
    cs = find_candidates(mwi, d, cum, g.miss, N, &nc);
    if (!cs) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (nc == 0) {
        st = dys_fail(ctx, DYS_ERR_ANALYSIS, "ECG: no QRS complex found");
        goto out;
    }

    /* pass 1: thresholds learnt over the first 2 s (Pan & Tompkins) */
    pt_state ps;
    {
        size_t lim = N < LEARN_MS ? N : LEARN_MS;
        double mx = 0, mean = 0;
        for (size_t i = 0; i < lim; i++) {
            mx = fmax(mx, mwi[i]);
            mean += mwi[i];
        }
        ps = (pt_state){mx / 3, mean / (double)lim / 2, NAN, -1, bp, N, 0, ctx, 0};
    }
    pt_pass(cs, nc, &ps, N - 1);
    if (ps.failed) {
        st = DYS_ERR_NOMEM;
        goto out;
    }
    for (size_t k = 0; k < nc; k++)
        cs[k].qrs1 = cs[k].cls == C_QRS;
    /* pass 2: from the start again, with the median signal and noise
     * peaks, the median RR and a typical QRS of pass 1 */
    if ((st = second_pass(ctx, cs, nc, bp, N)) != DYS_OK)
        goto out;
    const double noise_bp = band_noise(g.noise_sd, g.frame_ms, DET_HP_HZ, det_lp);
    size_t nb = keep_clear_qrs(cs, nc, bp, N, noise_bp);
    if (nb == 0) {
        st = dys_fail(ctx, DYS_ERR_ANALYSIS,
                      "ECG: no QRS complex stands out of the noise (lead off, or no ECG "
                      "in this column?)");
        goto out;
    }
    qi = malloc(nb * sizeof *qi);
    rvec = malloc(nb * sizeof *rvec);
    onset = malloc(nb * sizeof *onset);
    bt->shift = malloc(nb * sizeof *bt->shift);
    bt->corr = malloc(nb * sizeof *bt->corr);
    if (!qi || !rvec || !onset || !bt->shift || !bt->corr) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    {
        size_t m = 0;
        for (size_t k = 0; k < nc; k++)
            if (cs[k].cls == C_QRS) {
                qi[m] = cs[k].ir;
                rvec[m++] = (double)cs[k].ir;
            }
    }

    /* the template and its onset */
    if ((st = build_template(ctx, bp, ob, N, rvec, nb, noise_bp, bt)) != DYS_OK) {
        if (st == DYS_ERR_NOMEM)
            st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    const double tpk = template_energy_peak(bt->tpl);
    const double sn = band_noise(g.noise_sd, g.frame_ms, ONS_HP_HZ, ons_lp);
    double tpl_s[2 * TPL_LEN];
    {
        double last = NAN; /* NAN (no beat there): the nearest value */
        for (int j = 0; j < TPL_LEN && isnan(last); j++)
            last = bt->tpl[j];
        for (int j = 0; j < TPL_LEN; j++) {
            if (!isnan(bt->tpl[j]))
                last = bt->tpl[j];
            tpl_s[j] = isnan(last) ? 0 : last;
        }
    }
    if ((st = lowpass_mirrored(ctx, tpl_s, TPL_LEN, ON_FLAT_LP_HZ)) != DYS_OK)
        goto out;
    /* the whole onset band low-passed likewise, for a beat the template
     * does not fit: made when the first such beat comes (most recordings
     * have none, and it is a pair of transforms of the whole ECG) */
    int have_tmp = 0;
    int clamped;
    double on_tpl = onset_rule(bt->tpl, tpl_s, TPL_LEN, TPL_PRE_MS, TPL_PRE_MS - ON_MAX_BACK_MS,
                               sn / sqrt((double)(bt->used ? bt->used : 1)), &clamped);
    for (size_t k = 0; k < nb; k++) {
        double on;
        size_t lo = k ? (size_t)rvec[k - 1] + REFRACTORY_MS / 2 : 0;
        if (bt->corr[k] >= bt->corr_min && !clamped) {
            on = rvec[k] + bt->shift[k] + (on_tpl - TPL_PRE_MS);
            if (on < (double)lo)
                on = (double)lo;
        } else {
            int cl;
            if (!have_tmp) {
                memcpy(tmp, ob, N * sizeof *ob);
                if ((st = lowpass_mirrored(ctx, tmp, N, ON_FLAT_LP_HZ)) != DYS_OK)
                    goto out;
                have_tmp = 1;
            }
            on = onset_rule(ob, tmp, N, qi[k], lo, sn, &cl);
        }
        onset[k] = g.t0 + on * GRID_MS;
    }

    out->inverted = template_inverted(bt, on_tpl, clamped);

    /* the energy peak: the template's, placed on each matching beat */
    out->r_ms = malloc(nb * sizeof *out->r_ms);
    if (!out->r_ms || (nb >= 2 && !(out->rr_ms = malloc((nb - 1) * sizeof *out->rr_ms)))) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < nb; k++)
        out->r_ms[k] = g.t0 + GRID_MS * (bt->corr[k] >= bt->corr_min && isfinite(tpk)
                                             ? rvec[k] + bt->shift[k] + tpk - TPL_PRE_MS
                                             : rvec[k]);
    out->n = nb;
    out->onset_ms = onset;
    onset = NULL;
    if (nb >= 2) {
        for (size_t k = 0; k + 1 < nb; k++)
            out->rr_ms[k] = out->r_ms[k + 1] - out->r_ms[k];
        out->hr_bpm = 60000.0 / dys_quantile(out->rr_ms, nb - 1, 0.5);
    }
out:
    if (st != DYS_OK)
        dys_beats_free(out);
    free(bp);
    free(ob);
    free(tmp);
    free(mwi);
    free(d);
    free(cum);
    free(cs);
    free(qi);
    free(rvec);
    free(onset);
    if (bt) {
        free(bt->shift);
        free(bt->corr);
        free(bt);
    }
    grid_free(&g);
    return st;
}
