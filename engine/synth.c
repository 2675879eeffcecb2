/*
 * synth.c - synthetic tissue-Doppler studies with known truth.
 *
 * What it models
 *   One heart beat per study, time from QRS onset (t = 0), 12 basal and mid
 *   segments (AHA 1-12) of longitudinal tissue velocity from apical views,
 *   cm/s, positive towards the transducer (systolic shortening).  Each
 *   segment's curve is a sum of smooth components (all infinitely
 *   differentiable, no kinks anywhere):
 *     - isovolumic contraction spike: biphasic, a positive Gaussian lobe
 *       of 2-7 cm/s 25-60 ms after QRS onset and at least 1 sigma before
 *       AVO, then a negative one 0.4-0.9 times as deep two sigma later, at
 *       most 1 sigma into ejection (sigma 8-15 ms); in 60 % of the septal
 *       and anteroseptal segments of dyssynchronous studies it is TALLER
 *       than S' (1.05-1.6 x S', "septal flash");
 *     - S' systolic wave: a Gaussian whose width grows smoothly (tanh) from
 *       a rise sigma of 35-55 ms to a decay sigma 1.15-1.6 times larger
 *       (at most 80 ms), i.e. a faster rise and a slower decay, 3-9 cm/s,
 *       centred on the segment's target time;
 *     - isovolumic relaxation wiggle: biphasic (negative lobe first) of
 *       0.5-2.5 cm/s, sigma 5-10 ms, centred 5-20 ms after AVC;
 *     - post-systolic wave: positive Gaussian centred 0.8-2 sigma + 5-25 ms
 *       after AVC (sigma 15-30 ms) in 15 % of the segments of synchronous
 *       studies (0.2-0.6 x S') and 50 % of dyssynchronous ones (0.4-1.5 x
 *       S', so it can be HIGHER than S'; it peaks after AVC and must not
 *       be taken, though its rising flank reaches into late systole);
 *     - E': negative, 5-12 cm/s, AVC + 100-170 ms, sigma 20-35 ms;
 *     - A': negative, 4-9 cm/s, 100-150 ms before the end of the RR interval,
 *       sigma 15-28 ms (plus the previous beat's A', one RR earlier, for
 *       samples before t = 0).
 *   Study level: HR 55-95 bpm (whole bpm, RR = 60000 / HR), AVO 60-120 ms,
 *   LVET from Weissler's regression (413 - 1.7 HR) +- 12 ms SD, clipped to
 *   240-330 ms and to AVC < RR - 250 ms (AVO, AVC whole ms), QRS duration
 *   90-180 ms, LVEF 15-45 %, NYHA 1-4, LBBB yes/no.  About half the studies
 *   are synchronous (S' centres spread with SD 8-20 ms around 30-50 % of
 *   the ejection period), half LBBB-like dyssynchronous (septal and
 *   anteroseptal segments early, lateral and posterior late, anterior and
 *   inferior between; S' centre SD 30-60 ms, less when the ejection period
 *   is too short to hold it).  S' centres lie in [AVO + 35, AVC - 45] ms.
 *   Per-study draws (class, HR, AVO, ...) come first, then the segments in
 *   AHA order.  The S' wave dominates its neighbours at its own peak, so
 *   the true Ts is within 0.1 ms of the S' centre in about 99.5 % of the
 *   segments; it moves (by up to ~20 ms) where the tail of a septal flash
 *   or a post-systolic wave overlaps it.
 *
 * Where the truth comes from
 *   The true Ts of a segment is the argmax of its noise-free continuous
 *   composite curve over the ejection window [AVO, AVC] (not the S' centre:
 *   the components overlap).  A dense scan at 0.05 ms finds the grid
 *   maximum; golden-section search on the two grid steps around it refines
 *   it to 1e-6 ms.  A segment is drawn again (from the same random stream,
 *   so deterministically) unless the maximum is an interior point at least
 *   15 ms from both window edges, every other local maximum in the window
 *   (a rising window edge counts as one) is below 0.85 of it, and it is at
 *   least 2 cm/s.  The truth never looks at the written samples.
 *
 * Sampling and files
 *   Frames from t_start (0, or 20-40 ms before QRS onset in half the
 *   recordings) to about RR - 1 frame, t_k = t_start + k / fps + jitter,
 *   jitter uniform within +-jitter_frac of a frame period; times are
 *   rounded to 1 microsecond (what is written) and the noise-free curve is
 *   sampled at exactly the written time, then Gaussian white noise of SD
 *   noise_cm_s is added.  Times are written in ms with 3 decimals (or s with
 *   6), velocities with 4 decimals in cm/s (3 in mm/s, 6 in m/s).  Layouts:
 *   DIR/<id>.csv with all 12 segments, or DIR/<id>/{a4c,a2c,aplax}.csv
 *   where every view has its own beat: its own time offset, written as
 *   `qrs_onset_ms` (5-60 ms), jitter and noise; views = 2 alternates
 *   (even index 0, 2, ... single files, odd index directories).  Study ids
 *   are synth_0001, synth_0002, ... (more digits beyond 9999 studies).
 *   vary_format = 0 writes comma-separated cm/s with canonical names in
 *   AHA order and LF; vary_format = 1 rotates by study index through the
 *   separators , ; tab, the decimal comma (with ; or tab), the five time
 *   column spellings, cm/s mm/s m/s, canonical / FORMAT.md alias / segN /
 *   GE EchoPAC / Title Case names with or without a unit suffix, shuffled
 *   columns, BOM, CRLF, key spellings ("Study-ID", "AVO ms"), rr_ms for
 *   hr_bpm, NYHA in Roman numerals and view aliases (4CH, AP2, ...).
 *   Metadata numbers always use a decimal point.  DIR/truth.csv holds one
 *   row per study (Ts from QRS onset, 4 decimals); it is committed after
 *   the studies.  Every file is written atomically (dys_outfile).
 *
 * Determinism
 *   Study i depends only on (seed, i, params): each study draws from its own
 *   xoshiro256** streams seeded by splitmix64 from (seed, i, stream).  The
 *   physiology stream does not depend on fps, noise, jitter, layout or
 *   format, so the same seed gives the same hearts (and the same truth)
 *   under every acquisition setting; noise has its own stream, so the time
 *   axis does not change with the noise level either.  Output is identical
 *   byte for byte on one platform; another libm may differ in a last bit
 *   and so, rarely, in a last written digit.
 *
 * Limits
 *   A single beat, no ECG column, no ectopy, no drift or dropout, no
 *   strain traces; white Gaussian noise only (real TDI noise is coloured);
 *   AVO and AVC are exact (no measurement error); the IVC spike always
 *   precedes AVO.  The curves are plausible in shape and timing, not fitted
 *   to patient data.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "internal.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define SYN_PI 3.14159265358979323846

#define SYN_MAX_STUDIES 10000000
#define SYN_MAX_NOISE 1000.0  /* cm/s; keeps every written number short */
#define SYN_GRID_MS 0.05      /* truth scan step */
#define SYN_REFINE_MS 1e-6    /* truth refinement tolerance */
#define SYN_EDGE_MS 15.0      /* peak distance from the window edges */
#define SYN_OTHER_MAX 0.85    /* other local maxima below this fraction */
#define SYN_MIN_PEAK 2.0      /* cm/s */
#define SYN_MAX_ATTEMPTS 2000 /* per segment; never reached in practice */

/* ------------------------------------------------------------------ */
/* Segment names (kept here so this file stands alone)                 */

static const char *const canon_name[DYS_N_SEGMENTS] = {
    "basal_anterior",      "basal_anteroseptal", "basal_inferoseptal",
    "basal_inferior",      "basal_inferolateral", "basal_anterolateral",
    "mid_anterior",        "mid_anteroseptal",   "mid_inferoseptal",
    "mid_inferior",        "mid_inferolateral",  "mid_anterolateral"};

/* FORMAT.md alias where there is one, segN otherwise. */
static const char *const alias_name[DYS_N_SEGMENTS] = {
    "seg1", "seg2", "basal_septal", "seg4", "basal_posterior",
    "basal_lateral", "seg7", "seg8", "mid_septal", "seg10",
    "mid_posterior", "mid_lateral"};

/* GE EchoPAC abbreviations (INDICES.md). */
static const char *const echopac_name[DYS_N_SEGMENTS] = {
    "basAnt", "basAntSept", "basSept", "basInf", "basPost", "basLat",
    "midAnt", "midAntSept", "midSept", "midInf", "midPost", "midLat"};

/* View of each segment: 1 A4C, 2 A2C, 3 APLAX (FORMAT.md table). */
static const int seg_view[DYS_N_SEGMENTS] = {2, 3, 1, 2, 3, 1,
                                             2, 3, 1, 2, 3, 1};

/* LBBB-like activation pattern: negative early (septum), positive late
 * (lateral and posterior walls). */
static const double lbbb_weight[DYS_N_SEGMENTS] = {
    0.0, -0.8, -1.0, -0.2, 1.0, 0.9, 0.1, -0.7, -0.9, -0.1, 0.9, 0.8};

static const char *const view_file[4] = {NULL, "a4c.csv", "a2c.csv",
                                         "aplax.csv"};
static const char *const view_label[4][3] = {
    {NULL, NULL, NULL},
    {"A4C", "4CH", "AP4"},
    {"A2C", "2CH", "AP2"},
    {"APLAX", "A3C", "3CH"}};

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64 seeding, xoshiro256** streams            */

typedef struct syn_rng {
    uint64_t s[4];
} syn_rng;

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Streams of one study. */
enum { STREAM_PHYSIO = 0, STREAM_TIME = 1, STREAM_NOISE = 5, STREAM_FORMAT = 9 };

static void rng_init(syn_rng *r, uint64_t seed, uint64_t study, uint64_t stream)
{
    uint64_t k = mix64(mix64(mix64(seed) ^ study) ^ (stream + 0x5851f42d4c957f2dULL));
    for (int j = 0; j < 4; j++) {
        k += 0x9e3779b97f4a7c15ULL;
        r->s[j] = mix64(k);
    }
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(syn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1). */
static double rng_unif(syn_rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

static double rng_range(syn_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unif(r);
}

/* Uniform integer in lo..hi. */
static int rng_int(syn_rng *r, int lo, int hi)
{
    return lo + (int)(rng_unif(r) * (double)(hi - lo + 1));
}

/* Standard normal (Box-Muller, one value per call). */
static double rng_gauss(syn_rng *r)
{
    double u1 = 1.0 - rng_unif(r); /* (0, 1] */
    double u2 = rng_unif(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * SYN_PI * u2);
}

/* ------------------------------------------------------------------ */
/* Velocity curves                                                      */

enum { C_OFF = 0, C_GAUSS, C_DOG, C_SKEW };

/* One smooth component.
 *   C_GAUSS: amp * exp(-u^2 / 2), u = (t - centre) / sigma
 *   C_DOG:   amp * u * exp((1 - u^2) / 2): extrema -amp at u = -1 and +amp
 *            at u = +1 (amp < 0: positive lobe first)
 *   C_SKEW:  like C_GAUSS with a width that goes smoothly from sigma
 *            (before the centre) to sigma2 (after it); the peak stays at
 *            the centre and the curve is unimodal for sigma2 < 5 sigma. */
typedef struct syn_comp {
    int kind;
    double amp, centre, sigma, sigma2;
} syn_comp;

enum { K_IVC, K_IVC2, K_S, K_IVR, K_PSS, K_E, K_A, K_APREV, N_COMP };

typedef struct syn_curve {
    syn_comp c[N_COMP];
} syn_curve;

static double comp_eval(const syn_comp *c, double t)
{
    double d = t - c->centre, u, s;
    switch (c->kind) {
    case C_GAUSS:
        u = d / c->sigma;
        return u * u > 1400.0 ? 0.0 : c->amp * exp(-0.5 * u * u);
    case C_DOG:
        u = d / c->sigma;
        return u * u > 1400.0 ? 0.0 : c->amp * u * exp(0.5 * (1.0 - u * u));
    case C_SKEW:
        s = c->sigma + (c->sigma2 - c->sigma) * 0.5 * (1.0 + tanh(d / (0.6 * c->sigma)));
        u = d / s;
        return c->amp * exp(-0.5 * u * u);
    default:
        return 0.0;
    }
}

static double curve_eval(const syn_curve *cv, double t)
{
    double v = 0.0;
    for (int k = 0; k < N_COMP; k++)
        v += comp_eval(&cv->c[k], t);
    return v;
}

/* The truth: argmax of the curve over [avo, avc].  Returns 0 and sets *ts
 * when the peak is acceptable (see the head comment), -1 otherwise. */
static int curve_truth(const syn_curve *cv, double avo, double avc, double *ts)
{
    long n = (long)ceil((avc - avo) / SYN_GRID_MS - 1e-9);
    if (n < 4)
        return -1;
    double h = (avc - avo) / (double)n;
    /* Pass over the grid keeping every local maximum (edges included). */
    enum { MAXLOC = 32 };
    double loc_v[MAXLOC];
    long loc_j[MAXLOC];
    int nloc = 0;
    double vprev = curve_eval(cv, avo), vcur = curve_eval(cv, avo + h);
    if (vprev > vcur) {
        loc_v[nloc] = vprev;
        loc_j[nloc++] = 0;
    }
    for (long j = 1; j < n; j++) {
        double vnext = curve_eval(cv, j + 1 == n ? avc : avo + (double)(j + 1) * h);
        if (vcur > vprev && vcur >= vnext) {
            if (nloc == MAXLOC)
                return -1;
            loc_v[nloc] = vcur;
            loc_j[nloc++] = j;
        }
        vprev = vcur;
        vcur = vnext;
    }
    if (vcur > vprev) {
        if (nloc == MAXLOC)
            return -1;
        loc_v[nloc] = vcur;
        loc_j[nloc++] = n;
    }
    if (nloc == 0)
        return -1;
    int best = 0;
    for (int k = 1; k < nloc; k++)
        if (loc_v[k] > loc_v[best])
            best = k;
    double vmax = loc_v[best];
    long jb = loc_j[best];
    if (vmax < SYN_MIN_PEAK || jb == 0 || jb == n)
        return -1;
    for (int k = 0; k < nloc; k++)
        if (k != best && loc_v[k] >= SYN_OTHER_MAX * vmax)
            return -1;
    /* Golden-section search for the maximum in the two steps around it. */
    const double g = 0.6180339887498949;
    double a = avo + (double)(jb - 1) * h, b = avo + (double)(jb + 1) * h;
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = curve_eval(cv, x1), f2 = curve_eval(cv, x2);
    while (b - a > SYN_REFINE_MS) {
        if (f1 >= f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = curve_eval(cv, x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = curve_eval(cv, x2);
        }
    }
    double t = 0.5 * (a + b);
    if (t - avo < SYN_EDGE_MS || avc - t < SYN_EDGE_MS)
        return -1;
    *ts = t;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Studies                                                              */

typedef struct syn_study {
    double hr_bpm, rr_ms, avo_ms, avc_ms, qrs_ms, lvef_pct;
    int nyha, lbbb, dyssync;
    double e_centre, a_centre; /* study-level diastolic timing */
    syn_curve seg[DYS_N_SEGMENTS];
    double ts_ms[DYS_N_SEGMENTS];
} syn_study;

static int is_septal(int s) { return s == 1 || s == 2 || s == 7 || s == 8; }

/* Draw every component of one segment around S' target time `target`. */
static void draw_segment(syn_rng *r, const syn_study *st, int s, double target,
                         syn_curve *cv)
{
    memset(cv, 0, sizeof *cv);
    double avo = st->avo_ms, avc = st->avc_ms, rr = st->rr_ms;

    syn_comp *sw = &cv->c[K_S];
    sw->kind = C_SKEW;
    sw->amp = rng_range(r, 3.0, 9.0);
    sw->centre = target;
    sw->sigma = rng_range(r, 35.0, 55.0);
    sw->sigma2 = fmin(80.0, sw->sigma * rng_range(r, 1.15, 1.6));

    /* Isovolumic contraction: a positive Gaussian lobe, then a smaller
     * negative one two sigma later, around AVO. */
    syn_comp *ivc = &cv->c[K_IVC], *ivc2 = &cv->c[K_IVC2];
    double sig = rng_range(r, 8.0, 15.0);
    double p_hi = fmin(60.0, avo - sig); /* >= 45 since AVO >= 60 */
    double peak_t = rng_range(r, 25.0, p_hi);
    double a_ivc = rng_range(r, 2.0, 7.0);
    double neg_ratio = rng_range(r, 0.4, 0.9);
    if (st->dyssync && is_septal(s) && rng_unif(r) < 0.6)
        a_ivc = sw->amp * rng_range(r, 1.05, 1.6); /* septal flash */
    ivc->kind = C_GAUSS;
    ivc->amp = a_ivc;
    ivc->sigma = sig;
    ivc->centre = peak_t;
    ivc2->kind = C_GAUSS;
    ivc2->amp = -neg_ratio * a_ivc;
    ivc2->sigma = sig;
    ivc2->centre = peak_t + 2.0 * sig;

    syn_comp *ivr = &cv->c[K_IVR];
    ivr->kind = C_DOG;
    ivr->amp = rng_range(r, 0.5, 2.5); /* negative lobe first */
    ivr->sigma = rng_range(r, 5.0, 10.0);
    ivr->centre = avc + rng_range(r, 5.0, 20.0);

    syn_comp *pss = &cv->c[K_PSS];
    double p_pss = st->dyssync ? 0.5 : 0.15;
    double u = rng_unif(r), ratio = st->dyssync ? rng_range(r, 0.4, 1.5)
                                                : rng_range(r, 0.2, 0.6);
    double ps_sig = rng_range(r, 15.0, 30.0), ps_gap = rng_range(r, 5.0, 25.0);
    double ps_k = rng_range(r, 0.8, 2.0);
    if (u < p_pss) {
        pss->kind = C_GAUSS;
        pss->amp = sw->amp * ratio;
        pss->sigma = ps_sig;
        pss->centre = avc + ps_k * ps_sig + ps_gap;
    }

    syn_comp *e = &cv->c[K_E];
    e->kind = C_GAUSS;
    e->amp = -rng_range(r, 5.0, 12.0);
    e->centre = st->e_centre + rng_range(r, -8.0, 8.0);
    e->sigma = rng_range(r, 20.0, 35.0);

    syn_comp *a = &cv->c[K_A];
    a->kind = C_GAUSS;
    a->amp = -rng_range(r, 4.0, 9.0);
    a->centre = st->a_centre + rng_range(r, -5.0, 5.0);
    a->sigma = rng_range(r, 15.0, 28.0);
    cv->c[K_APREV] = *a; /* the previous beat's A', before t = 0 */
    cv->c[K_APREV].centre = a->centre - rr;
}

/* Draw study i from its physiology stream; 0 on success, -1 if a segment
 * could not be drawn (never happens with these ranges). */
static int draw_study(uint64_t seed, uint64_t i, syn_study *st)
{
    syn_rng r;
    rng_init(&r, seed, i, STREAM_PHYSIO);
    memset(st, 0, sizeof *st);

    st->dyssync = rng_unif(&r) < 0.5;
    st->hr_bpm = (double)rng_int(&r, 55, 95);
    st->rr_ms = 60000.0 / st->hr_bpm;
    st->avo_ms = (double)rng_int(&r, 60, 120);
    double lvet = 413.0 - 1.7 * st->hr_bpm + 12.0 * rng_gauss(&r);
    double lvet_hi = fmin(330.0, floor(st->rr_ms - 250.0 - st->avo_ms - 1e-9));
    lvet = floor(fmin(fmax(lvet, 240.0), lvet_hi) + 0.5); /* lvet_hi >= 261 */
    st->avc_ms = st->avo_ms + lvet;
    if (st->dyssync) {
        st->lbbb = rng_unif(&r) < 0.8;
        st->qrs_ms = st->lbbb ? rng_int(&r, 130, 180) : rng_int(&r, 110, 160);
        st->lvef_pct = rng_int(&r, 15, 35);
        st->nyha = rng_int(&r, 2, 4);
    } else {
        st->lbbb = rng_unif(&r) < 0.1;
        st->qrs_ms = st->lbbb ? rng_int(&r, 120, 160) : rng_int(&r, 90, 130);
        st->lvef_pct = rng_int(&r, 20, 45);
        st->nyha = rng_int(&r, 1, 4);
    }
    st->e_centre = st->avc_ms + rng_range(&r, 108.0, 162.0);
    st->a_centre = st->rr_ms - rng_range(&r, 105.0, 145.0);

    /* S' target times. */
    double lo = st->avo_ms + 35.0, hi = st->avc_ms - 45.0, mid = 0.5 * (lo + hi);
    double target[DYS_N_SEGMENTS];
    if (!st->dyssync) {
        double m = st->avo_ms + rng_range(&r, 0.30, 0.50) * lvet;
        m = fmin(fmax(m, lo + 20.0), hi - 20.0);
        double sd = rng_range(&r, 8.0, 20.0);
        for (int s = 0; s < DYS_N_SEGMENTS; s++) {
            double t;
            do
                t = m + sd * rng_gauss(&r);
            while (t < lo || t > hi);
            target[s] = t;
        }
    } else {
        double z[DYS_N_SEGMENTS], mean = 0.0, ss = 0.0;
        for (int s = 0; s < DYS_N_SEGMENTS; s++) {
            z[s] = lbbb_weight[s] + 0.35 * rng_gauss(&r);
            mean += z[s];
        }
        mean /= DYS_N_SEGMENTS;
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            ss += (z[s] - mean) * (z[s] - mean);
        double zsd = sqrt(ss / (DYS_N_SEGMENTS - 1)), zmin = 0.0, zmax = 0.0;
        for (int s = 0; s < DYS_N_SEGMENTS; s++) {
            z[s] = (z[s] - mean) / zsd;
            zmin = fmin(zmin, z[s]);
            zmax = fmax(zmax, z[s]);
        }
        double m = mid + rng_range(&r, -10.0, 10.0);
        double fit = fmin((hi - m) / zmax, (m - lo) / -zmin);
        double sd = fmin(rng_range(&r, 30.0, 60.0), fit);
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            target[s] = m + sd * z[s];
    }

    /* Components; redraw until the truth is unambiguous. */
    for (int s = 0; s < DYS_N_SEGMENTS; s++) {
        double tg = target[s];
        for (int attempt = 0;; attempt++) {
            if (attempt == SYN_MAX_ATTEMPTS)
                return -1;
            if (attempt > 0 && attempt % 25 == 0)
                tg += 0.25 * (mid - tg);
            draw_segment(&r, st, s, tg, &st->seg[s]);
            if (curve_truth(&st->seg[s], st->avo_ms, st->avc_ms, &st->ts_ms[s]) == 0)
                break;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* File format variants                                                 */

typedef struct syn_format {
    char sep;
    int dec_comma;  /* decimal comma in the data rows */
    int time_style; /* 0 time_ms, 1 t_ms, 2 "time (ms)", 3 time_s, 4 "time (s)" */
    int unit;       /* 0 cm/s, 1 mm/s, 2 m/s */
    int unit_key;   /* write velocity_unit even for cm/s */
    int names;      /* 0 canonical, 1 alias, 2 EchoPAC, 3 segN, 4 Title Case,
                       5 Title-Case-With-Dashes */
    int suffix;     /* 0 none, 1 " (unit)", 2 " [unit]" */
    int shuffle;
    int bom, crlf;
    int keys;       /* 0 canonical, 1 "Study-ID" style, 2 UPPER_CASE */
    int rr;         /* rr_ms instead of hr_bpm */
    int roman;      /* NYHA as I..IV */
    int view_alias; /* 0..2 into view_label */
} syn_format;

static void format_for(int vary, int i, syn_format *f)
{
    memset(f, 0, sizeof *f);
    f->sep = ',';
    if (!vary)
        return;
    static const char seps[3] = {',', ';', '\t'};
    static const int units[4] = {0, 1, 2, 0};
    f->sep = seps[i % 3];
    f->dec_comma = f->sep != ',' && (i / 3) % 2 == 0;
    f->time_style = i % 5;
    f->unit = units[i % 4];
    f->unit_key = i % 4 == 3;
    f->names = i % 6 == 5 ? 5 : (i / 2 + i) % 5;
    f->suffix = (i / 2) % 3;
    f->shuffle = (i / 3) % 2 == 1 || i % 7 == 0;
    f->bom = (i / 2) % 2 == 1;
    f->crlf = (i / 4) % 2 == 1;
    f->keys = (i / 5) % 3;
    f->rr = i % 8 == 6;
    f->roman = i % 3 == 1;
    f->view_alias = (i / 7) % 3;
}

static const char *const unit_name[3] = {"cm/s", "mm/s", "m/s"};
static const double unit_scale[3] = {1.0, 10.0, 0.01};
static const int unit_decimals[3] = {4, 3, 6};

/* Metadata key in the chosen spelling. */
enum { KEY_ID, KEY_VIEW, KEY_QRS_ON, KEY_AVO, KEY_AVC, KEY_HR, KEY_RR, KEY_QRSD,
       KEY_LVEF, KEY_NYHA, KEY_LBBB, KEY_FPS, KEY_UNIT, N_KEYS };

static const char *const key_name[3][N_KEYS] = {
    {"study_id", "view", "qrs_onset_ms", "avo_ms", "avc_ms", "hr_bpm", "rr_ms",
     "qrs_duration_ms", "lvef_pct", "nyha", "lbbb", "frame_rate_hz",
     "velocity_unit"},
    {"Study-ID", "View", "QRS onset ms", "AVO ms", "AVC ms", "HR bpm", "RR ms",
     "QRS duration ms", "LVEF pct", "NYHA", "LBBB", "Frame rate Hz",
     "Velocity unit"},
    {"STUDY_ID", "VIEW", "QRS_ONSET_MS", "AVO_MS", "AVC_MS", "HR_BPM", "RR_MS",
     "QRS-DURATION-MS", "LVEF_PCT", "NYHA", "LBBB", "FRAME-RATE-HZ",
     "VELOCITY_UNIT"}};

/* Column name of segment s in style f. */
static void column_name(const syn_format *f, int s, char *buf, size_t cap)
{
    char base[64];
    switch (f->names) {
    case 1: snprintf(base, sizeof base, "%s", alias_name[s]); break;
    case 2: snprintf(base, sizeof base, "%s", echopac_name[s]); break;
    case 3: snprintf(base, sizeof base, "seg%d", s + 1); break;
    case 4:
    case 5: {
        size_t k = 0;
        int up = 1;
        for (const char *c = canon_name[s]; *c && k + 1 < sizeof base; c++) {
            if (*c == '_') {
                base[k++] = f->names == 4 ? ' ' : '-';
                up = 1;
            } else {
                base[k++] = up ? (char)(*c - 'a' + 'A') : *c;
                up = 0;
            }
        }
        base[k] = '\0';
        break;
    }
    default: snprintf(base, sizeof base, "%s", canon_name[s]); break;
    }
    if (f->suffix == 1)
        snprintf(buf, cap, "%s (%s)", base, unit_name[f->unit]);
    else if (f->suffix == 2)
        snprintf(buf, cap, "%s [%s]", base, unit_name[f->unit]);
    else
        snprintf(buf, cap, "%s", base);
}

/* Format x with `decimals` places (C locale is in force), no "-0.000",
 * decimal comma on request. */
static void put_number(FILE *fp, double x, int decimals, int dec_comma)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, x);
    char *p = buf;
    if (buf[0] == '-') {
        int all_zero = 1;
        for (const char *c = buf + 1; *c; c++)
            if (*c != '0' && *c != '.')
                all_zero = 0;
        if (all_zero)
            p = buf + 1;
    }
    if (dec_comma) {
        char *dot = strchr(p, '.');
        if (dot)
            *dot = ',';
    }
    fputs(p, fp);
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */

static dys_status make_dir(dys_ctx *ctx, const char *path)
{
    if (mkdir(path, 0755) == 0)
        return DYS_OK;
    int e = errno;
    struct stat sb;
    if (e == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return DYS_OK;
    return dys_fail(ctx, DYS_ERR_IO, "%s: cannot create directory: %s", path,
                    e == EEXIST ? "a file of that name exists" : strerror(e));
}

typedef struct syn_file {
    const char *path;
    const char *study_id;
    int view;        /* 0 all segments, 1 A4C, 2 A2C, 3 APLAX */
    uint64_t index;  /* study index (for the streams) */
} syn_file;

/* Write one recording (all segments, or those of one view). */
static dys_status write_recording(dys_ctx *ctx, const dys_synth_params *p,
                                  const syn_study *st, const syn_format *f,
                                  const syn_file *sf)
{
    syn_rng rt, rn, rf;
    rng_init(&rt, p->seed, sf->index, STREAM_TIME + (uint64_t)sf->view);
    rng_init(&rn, p->seed, sf->index, STREAM_NOISE + (uint64_t)sf->view);
    rng_init(&rf, p->seed, sf->index, STREAM_FORMAT + (uint64_t)sf->view);

    /* Columns. */
    int cols[DYS_N_SEGMENTS], ncol = 0;
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        if (sf->view == 0 || seg_view[s] == sf->view)
            cols[ncol++] = s;
    if (f->shuffle)
        for (int k = ncol - 1; k > 0; k--) {
            int j = rng_int(&rf, 0, k);
            int tmp = cols[k];
            cols[k] = cols[j];
            cols[j] = tmp;
        }

    /* Time axis: this file's QRS onset offset and start. */
    double offset = 0.0;
    if (sf->view != 0)
        offset = round(rng_range(&rt, 5.0, 60.0) * 1000.0) / 1000.0;
    double t_start = rng_unif(&rt) < 0.5 ? 0.0 : -rng_range(&rt, 20.0, 40.0);
    double period = 1000.0 / p->fps;
    long n_frames = (long)floor((st->rr_ms - period - t_start) / period) + 1;

    const char *eol = f->crlf ? "\r\n" : "\n";
    const char *const *keys = key_name[f->keys];

    dys_outfile af;
    dys_status rc = dys_outfile_open(ctx, &af, sf->path);
    if (rc != DYS_OK)
        return rc;
    FILE *fp = af.f;

    if (f->bom)
        fputs("\xEF\xBB\xBF", fp);
    fprintf(fp, "# %s: %s%s", keys[KEY_ID], sf->study_id, eol);
    if (sf->view != 0) {
        fprintf(fp, "# %s: %s%s", keys[KEY_VIEW], view_label[sf->view][f->view_alias], eol);
        fprintf(fp, "# %s: %.3f%s", keys[KEY_QRS_ON], offset, eol);
    }
    fprintf(fp, "# %s: %.0f%s", keys[KEY_AVO], st->avo_ms, eol);
    fprintf(fp, "# %s: %.0f%s", keys[KEY_AVC], st->avc_ms, eol);
    if (f->rr)
        fprintf(fp, "# %s: %.1f%s", keys[KEY_RR], st->rr_ms, eol);
    else
        fprintf(fp, "# %s: %.0f%s", keys[KEY_HR], st->hr_bpm, eol);
    fprintf(fp, "# %s: %.0f%s", keys[KEY_QRSD], st->qrs_ms, eol);
    fprintf(fp, "# %s: %.0f%s", keys[KEY_LVEF], st->lvef_pct, eol);
    if (f->roman) {
        static const char *const roman[5] = {"", "I", "II", "III", "IV"};
        fprintf(fp, "# %s: %s%s", keys[KEY_NYHA], roman[st->nyha], eol);
    } else {
        fprintf(fp, "# %s: %d%s", keys[KEY_NYHA], st->nyha, eol);
    }
    fprintf(fp, "# %s: %s%s", keys[KEY_LBBB], st->lbbb ? "yes" : "no", eol);
    fprintf(fp, "# %s: %.10g%s", keys[KEY_FPS], p->fps, eol);
    if (f->unit != 0 || f->unit_key)
        fprintf(fp, "# %s: %s%s", keys[KEY_UNIT], unit_name[f->unit], eol);

    /* Column header. */
    static const char *const time_col[5] = {"time_ms", "t_ms", "time (ms)",
                                            "time_s", "time (s)"};
    int seconds = f->time_style >= 3;
    fputs(time_col[f->time_style], fp);
    for (int k = 0; k < ncol; k++) {
        char name[96];
        column_name(f, cols[k], name, sizeof name);
        fputc(f->sep, fp);
        fputs(name, fp);
    }
    fputs(eol, fp);

    /* Rows: the curve at exactly the written time, plus noise. */
    double scale = unit_scale[f->unit];
    int dec = unit_decimals[f->unit];
    for (long k = 0; k < n_frames; k++) {
        double jit = p->jitter_frac > 0.0
                         ? rng_range(&rt, -p->jitter_frac, p->jitter_frac) * period
                         : 0.0;
        double t_file = round((offset + t_start + (double)k * period + jit) * 1000.0) / 1000.0;
        double t = t_file - offset; /* from QRS onset */
        if (seconds)
            put_number(fp, t_file / 1000.0, 6, f->dec_comma);
        else
            put_number(fp, t_file, 3, f->dec_comma);
        for (int c = 0; c < ncol; c++) {
            double v = curve_eval(&st->seg[cols[c]], t);
            if (p->noise_cm_s > 0.0)
                v += p->noise_cm_s * rng_gauss(&rn);
            fputc(f->sep, fp);
            put_number(fp, v * scale, dec, f->dec_comma);
        }
        fputs(eol, fp);
    }
    return dys_outfile_commit(ctx, &af);
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    int slash = n > 0 && dir[n - 1] == '/';
    return dys_asprintf("%s%s%s", dir, slash ? "" : "/", name);
}

static dys_status synth_all(dys_ctx *ctx, const dys_synth_params *p, const char *dir)
{
    int width = 4;
    for (int n = p->n_studies; n >= 10000; n /= 10)
        width++;

    char *truth_path = join_path(dir, "truth.csv");
    if (!truth_path)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    dys_outfile truth;
    dys_status rc = dys_outfile_open(ctx, &truth, truth_path);
    free(truth_path);
    if (rc != DYS_OK)
        return rc;
    fputs("study_id,path,layout,avo_ms,avc_ms,hr_bpm,fps,noise_cm_s", truth.f);
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        fprintf(truth.f, ",ts_%s_ms", canon_name[s]);
    fputc('\n', truth.f);

    syn_study *st = malloc(sizeof *st);
    if (!st) {
        dys_outfile_abort(&truth);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < p->n_studies && rc == DYS_OK; i++) {
        char id[32], rel[48], num[16];
        int nd = snprintf(num, sizeof num, "%d", i + 1);
        int pad = width > nd ? width - nd : 0;
        snprintf(id, sizeof id, "synth_%.*s%s", pad, "00000000", num);
        if (draw_study(p->seed, (uint64_t)i, st) != 0) {
            rc = dys_fail(ctx, DYS_ERR_INVALID,
                          "synth: study %s: cannot draw an unambiguous peak "
                          "(seed %llu)", id, p->seed);
            break;
        }
        int as_dir = p->views == 1 || (p->views == 2 && i % 2 == 1);
        syn_format f;
        format_for(p->vary_format, i, &f);
        if (!as_dir) {
            snprintf(rel, sizeof rel, "%s.csv", id);
            char *path = join_path(dir, rel);
            if (!path) {
                rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                break;
            }
            syn_file sf = {path, id, 0, (uint64_t)i};
            rc = write_recording(ctx, p, st, &f, &sf);
            free(path);
        } else {
            snprintf(rel, sizeof rel, "%s", id);
            char *sub = join_path(dir, id);
            if (!sub) {
                rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                break;
            }
            rc = make_dir(ctx, sub);
            for (int v = 1; v <= 3 && rc == DYS_OK; v++) {
                char *path = join_path(sub, view_file[v]);
                if (!path) {
                    rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                    break;
                }
                syn_file sf = {path, id, v, (uint64_t)i};
                rc = write_recording(ctx, p, st, &f, &sf);
                free(path);
            }
            free(sub);
        }
        if (rc != DYS_OK)
            break;
        fprintf(truth.f, "%s,%s,%s,%.10g,%.10g,%.10g,%.10g,%.10g", id, rel,
                as_dir ? "views" : "file", st->avo_ms, st->avc_ms, st->hr_bpm,
                p->fps, p->noise_cm_s);
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            fprintf(truth.f, ",%.4f", st->ts_ms[s]);
        fputc('\n', truth.f);
    }
    free(st);
    if (rc != DYS_OK) {
        dys_outfile_abort(&truth);
        return rc;
    }
    return dys_outfile_commit(ctx, &truth);
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                  */

void dys_synth_params_defaults(dys_synth_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->n_studies = 10;
    p->seed = 1;
    p->noise_cm_s = 0.0;
    p->fps = 100.0;
    p->jitter_frac = 0.1;
    p->views = 0;
    p->vary_format = 0;
}

dys_status dys_synth_write(dys_ctx *ctx, const dys_synth_params *p, const char *dir)
{
    if (!ctx)
        return DYS_ERR_INVALID;
    if (!p)
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: no parameters given");
    if (!dir || !*dir)
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: no output directory given");
    if (p->n_studies < 1 || p->n_studies > SYN_MAX_STUDIES)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: number of studies must be 1..%d (got %d)",
                        SYN_MAX_STUDIES, p->n_studies);
    if (!(p->fps >= 10.0 && p->fps <= 2000.0))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: frame rate must be 10..2000 fps (got %g)", p->fps);
    if (!(p->noise_cm_s >= 0.0 && p->noise_cm_s <= SYN_MAX_NOISE))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: noise SD must be 0..%g cm/s (got %g)", SYN_MAX_NOISE,
                        p->noise_cm_s);
    if (!(p->jitter_frac >= 0.0 && p->jitter_frac <= 0.45))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: frame jitter must be 0..0.45 of a frame period "
                        "(got %g)", p->jitter_frac);
    if (p->views < 0 || p->views > 2)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: views must be 0 (single files), 1 (view "
                        "directories) or 2 (alternate) (got %d)", p->views);
    if (p->vary_format < 0 || p->vary_format > 1)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: vary_format must be 0 or 1 (got %d)", p->vary_format);

    dys_status rc = make_dir(ctx, dir);
    if (rc != DYS_OK)
        return rc;
    locale_t old = uselocale(ctx->c_locale);
    if (old == (locale_t)0)
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: cannot switch to the C locale");
    rc = synth_all(ctx, p, dir);
    uselocale(old);
    return rc;
}
