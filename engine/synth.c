/*
 * synth.c - synthetic tissue-Doppler studies with known truth.
 *
 * What it models
 *   (The default, beats = 1 and ecg = 0; "Several beats and the ECG" below
 *   builds on it.)
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
 *     - end-systolic notch: biphasic (negative lobe first, a Gaussian
 *       derivative) of 1-3 cm/s, sigma 8-14 ms, whose zero crossing lies
 *       1-6 ms before AVC (Aase 2008: the zero velocity after the
 *       end-systolic negative spike is 2.6 +- 8.2 ms before AVC);
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
 *   column spellings, cm/s mm/s m/s, canonical / alias (docs/format.md) / segN /
 *   GE EchoPAC / Title Case names with or without a unit suffix, shuffled
 *   columns, BOM, CRLF, key spellings ("Study-ID", "AVO ms"), rr_ms for
 *   hr_bpm, NYHA in Roman numerals and view aliases (4CH, AP2, ...).
 *   Metadata numbers always use a decimal point.  DIR/truth.csv holds one
 *   row per study (Ts, then To, from QRS onset, 4 decimals; To empty where
 *   the rule of timing.h finds no onset), committed after the studies.
 *   True To follows the engine's rule on the noise-free curve: back from
 *   the true Ts to where the velocity last rose through 10 % of its peak,
 *   no earlier than 40 ms before AVO.  Every file is written atomically (dys_outfile).
 *
 * Several beats and the ECG (beats > 1 or ecg = 1)
 *   The hearts are the same as above (same physiology stream: class, HR,
 *   AVO, AVC, QRS duration, every segment's components); each recording
 *   (a single file, or each view file: different heartbeats) gets its own
 *   beats, time axis and ECG from its own streams.
 *   Beats.  beat[0] ends in the recording, beats 1..N are complete, beat
 *   N + 1 starts in it.  The first frame is at 0 or 0-2000 ms (half the
 *   recordings each), the first complete beat's QRS onset 150-300 ms later,
 *   and the recording ends 200-350 ms after the onset of beat N + 1; so the
 *   incomplete beats either side must not be analysed.  Sinus RR: the
 *   study's RR x (1 + rr_sd_frac z), z standard normal clipped to +-3, at
 *   least AVC + 220 ms.  Each beat 2..N is a premature ectopic beat with
 *   probability ectopic_prob, never two in a row (beat 1 never: so the
 *   realised fraction is below ectopic_prob); it comes 60-80 % of the sinus
 *   RR after the previous onset (at least AVC + 80 ms) and the next sinus
 *   beat comes on time (full compensatory pause): a short RR before the
 *   ectopic beat, a long one after it.  Onsets are whole microseconds.
 *   Curves.  Beat b's curve of a segment is the study's (without its
 *   "previous A'"; the previous beat is a beat of its own) placed at its
 *   onset, the curves of all beats summed.  Sinus beats: S' centre moved
 *   by sd z (z clipped to +-2.5, sd 2-5 ms per recording: the beat-to-beat
 *   SD of Ts) and S' amplitude x (1 + 0.04 z').  Ectopic beats: S' and the
 *   post-systolic wave x 0.45-0.75, S' moved 20-50 ms earlier or later
 *   (the other way, or clamped, where it would leave [AVO + 35, AVC - 45]),
 *   isovolumic spike x 0.5-1; their Ts differ from the sinus ones by 20-50
 *   ms, so averaging them in moves a segment's mean by several ms.  A' keeps
 *   its distance to the next onset; before an ectopic beat there is none.
 *   AVO and AVC (from each beat's own onset) are the study's in every beat:
 *   the ejection window does not change with RR.  Smooth components are
 *   cut at 8.5 sigma (below 2.2e-16 of their amplitude).
 *   Per-beat truth.  Ts of segment s in complete beat b is the argmax of
 *   the summed curve (all beats) over [onset + AVO, onset + AVC], measured
 *   from the beat's own onset: scan on a 0.5 ms grid, golden-section
 *   refinement to 1e-6 ms, the same acceptance rules as above (ectopic
 *   beats: a peak of 1 cm/s suffices); a beat's jitter is drawn again (up
 *   to 20 times, then none) until they hold.  truth.csv keeps its columns;
 *   its Ts is the mean of the per-beat Ts over the complete non-ectopic
 *   beats of the recording that holds the segment.  DIR/truth_beats.csv:
 *   study_id,file,beat,qrs_onset_ms,rr_ms,ectopic,ts_<segment>_ms x 12,
 *   to_<segment>_ms x 12 (To averaged like Ts, over the beats that have
 *   one), one
 *   row per complete beat and recording; file relative to DIR; onset on
 *   the file's own axis (3 decimals), rr to the next onset, ectopic 0/1, Ts
 *   (4 decimals) of the file's segments, empty for the others.
 *   Metadata.  qrs_metadata = 1 writes `qrs_onsets_ms` (every onset in the
 *   recording: beats 1..N + 1, so the last complete beat is closed; ", "-
 *   or space-separated), never `qrs_onset_ms`; qrs_metadata = 0 leaves
 *   them out, so they must come from the ECG (ecg = 1 is then required).
 *   hr_bpm / rr_ms stay the study's nominal values.
 *   ECG (ecg = 1): a column `ecg` (vary_format: `ecg_mv`, `ECG (mV)`; at
 *   a random place when the columns are shuffled) in mV, 4 decimals,
 *   sampled at the frame times.  A beat is a sum of waves placed at its
 *   QRS onset; QRS waves are lobes of compact support, amp sin(pi x)^k on
 *   [start, start + width].
 *     - P: Gaussian, 0.08-0.2, sigma 16-22 ms, PR 150-210 ms (P start, at
 *       centre - 2.5 sigma, to QRS onset); none before an ectopic beat.
 *     - QRS, lasting the study's qrs_duration_ms D (90-180 ms).  Not LBBB:
 *       in 60 % a q (-0.15..-0.25, width 0.15-0.25 D, at most 40 ms: a
 *       normal septal q) from the onset, an R
 *       (1, width 0.45-0.55 D) from 0 or from 0.55-0.7 of the q's width
 *       (past the q's trough: a visible q), an S (-0.15..-0.45)
 *       ending at D.  LBBB: broad notched, M-shaped R of two lobes (0.55-0.9
 *       over 0.5-0.6 D from the onset, then 1 from 0.38-0.46 D to D), no q.
 *       Ectopic: 140-190 ms, one tall lobe (+-1.2..2) then a smaller
 *       opposite one, discordant T.
 *     - T: Gaussian, sigma 30-48 ms (x 1.15, at most 55, with LBBB),
 *       ending (centre + 2 sigma) at QT =
 *       QTc 390-440 ms x sqrt(RR / 1 s) + (D - 100 ms if D > 100); 0.15-0.45
 *       (tall, 0.6-1.0, in 10 % of the studies); discordant (negative) with
 *       LBBB.
 *     - per recording: R amplitude (gain) 0.8-1.8 mV, inverted lead in
 *       10 %, offset +-0.2 x gain, baseline wander of two sines of
 *       0.15-0.5 Hz (0.05-0.25 and 0.02-0.1 x gain), white noise SD 2-4 %
 *       of the gain (its own stream).
 *   TRUE QRS ONSET: the start of the first QRS lobe of the beat (q, R or
 *   the LBBB / ectopic first lobe), which is a half sine (k = 1): the QRS
 *   part of the ECG is exactly zero before it and leaves zero there with
 *   a finite slope (a corner, as on a paper ECG), on top of what P, T,
 *   wander and noise give.  The later lobes are sin^2 (k = 2).  This time
 *   is the beat's onset: the reference of its Ts, the value in
 *   qrs_onsets_ms and truth_beats.csv.
 *   beats = 1 with ecg = 1 is one complete beat in this layout (not the
 *   single-beat layout above, whose end would hide the closing onset).
 *   Cost: about 5 ms of CPU per study more than the single beat at 5
 *   beats and 100 fps (whose truth search alone takes about 10 ms).
 *
 * Determinism
 *   Study i depends only on (seed, i, params): each study draws from its own
 *   xoshiro256** streams seeded by splitmix64 from (seed, i, stream).  The
 *   physiology stream does not depend on fps, noise, jitter, layout or
 *   format, so the same seed gives the same hearts (and the same truth)
 *   under every acquisition setting; noise has its own stream, so the time
 *   axis does not change with the noise level either.  Beats (onsets, RR,
 *   ectopics, jitter), the ECG morphology (per study), the ECG lead, wander
 *   (per recording) and the ECG noise have streams of their own, so the
 *   per-beat truth does not depend on noise, fps, jitter or format, nor (for
 *   beats > 1) the velocity samples on the ECG.  Output is identical
 *   byte for byte on one platform; another libm may differ in a last bit
 *   and so, rarely, in a last written digit.
 *
 * Limits
 *   No drift or dropout, no strain traces; white Gaussian noise only (real
 *   TDI noise is coloured); AVO and AVC are exact (no measurement error)
 *   and the same in every beat; the IVC spike always precedes AVO.  One ECG
 *   lead; no mains hum; no fusion beats, no atrial ectopy, no AV block;
 *   the sinus P wave hidden in an ectopic beat is not drawn; QT does not
 *   follow beat-to-beat RR.  The curves and the ECG are plausible in shape
 *   and timing, not fitted to patient data.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "internal.h"
#include "timing.h" /* the To rule */

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

/* The alias of docs/format.md where there is one, segN otherwise. */
static const char *const alias_name[DYS_N_SEGMENTS] = {
    "seg1", "seg2", "basal_septal", "seg4", "basal_posterior",
    "basal_lateral", "seg7", "seg8", "mid_septal", "seg10",
    "mid_posterior", "mid_lateral"};

/* GE EchoPAC abbreviations (docs/format.md). */
static const char *const echopac_name[DYS_N_SEGMENTS] = {
    "basAnt", "basAntSept", "basSept", "basInf", "basPost", "basLat",
    "midAnt", "midAntSept", "midSept", "midInf", "midPost", "midLat"};

/* View of each segment: 1 A4C, 2 A2C, 3 APLAX (the table of docs/format.md). */
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
enum { STREAM_PHYSIO = 0, STREAM_TIME = 1, STREAM_NOISE = 5, STREAM_FORMAT = 9,
       STREAM_BEATS = 13, STREAM_ECG = 17, STREAM_ECG_NOISE = 21,
       STREAM_ECG_STUDY = 25, STREAM_OUTCOME = 29 };

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

enum { C_OFF = 0, C_GAUSS, C_DOG, C_SKEW, C_LOBE };

/* One smooth component.
 *   C_GAUSS: amp * exp(-u^2 / 2), u = (t - centre) / sigma
 *   C_DOG:   amp * u * exp((1 - u^2) / 2): extrema -amp at u = -1 and +amp
 *            at u = +1 (amp < 0: positive lobe first)
 *   C_SKEW:  like C_GAUSS with a width that goes smoothly from sigma
 *            (before the centre) to sigma2 (after it); the peak stays at
 *            the centre and the curve is unimodal for sigma2 < 5 sigma;
 *   C_LOBE:  amp * sin(pi (t - centre) / sigma)^sigma2 on [centre, centre
 *            + sigma], exactly 0 outside (ECG waves; `centre` is the
 *            start; sigma2 = 1, a half sine that leaves 0 with a finite
 *            slope, or 2, a sin^2 lobe that leaves it smoothly). */
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
    case C_LOBE:
        if (d < 0.0 || d > c->sigma)
            return 0.0;
        s = sin(SYN_PI * d / c->sigma);
        return c->sigma2 == 1.0 ? c->amp * s : c->amp * s * s;
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

typedef double (*syn_eval_fn)(const void *obj, double t);

/* The truth: argmax of f over [avo, avc], scanned on a grid of about
 * `grid` ms and refined by golden-section search on the two grid steps
 * around the best grid point.  strict: returns 0 and sets *ts when the peak
 * is acceptable (see the head comment; at least min_peak cm/s), -1
 * otherwise.  Not strict: sets
 * *ts to the argmax whatever the shape (a window edge when the curve is
 * highest there) and returns 0. */
static int peak_truth(syn_eval_fn f, const void *obj, double avo, double avc,
                      double grid, int strict, double min_peak, double *ts)
{
    long n = (long)ceil((avc - avo) / grid - 1e-9);
    if (n < 4)
        return -1;
    double h = (avc - avo) / (double)n;
    /* Pass over the grid keeping every local maximum (edges included);
     * the best one is tracked separately so that nothing is lost when a
     * non-strict search meets more than MAXLOC of them. */
    enum { MAXLOC = 32 };
    double loc_v[MAXLOC];
    long loc_j[MAXLOC];
    int nloc = 0, over = 0;
    double best_v = -INFINITY;
    long best_j = 0;
    double vprev = f(obj, avo), vcur = f(obj, avo + h);
    if (vprev > vcur) {
        loc_v[nloc] = vprev;
        loc_j[nloc++] = 0;
        best_v = vprev;
        best_j = 0;
    }
    for (long j = 1; j < n; j++) {
        double vnext = f(obj, j + 1 == n ? avc : avo + (double)(j + 1) * h);
        if (vcur > vprev && vcur >= vnext) {
            if (nloc == MAXLOC)
                over = 1;
            else {
                loc_v[nloc] = vcur;
                loc_j[nloc++] = j;
            }
            if (vcur > best_v) {
                best_v = vcur;
                best_j = j;
            }
        }
        vprev = vcur;
        vcur = vnext;
    }
    if (vcur > vprev) {
        if (nloc == MAXLOC)
            over = 1;
        else {
            loc_v[nloc] = vcur;
            loc_j[nloc++] = n;
        }
        if (vcur > best_v) {
            best_v = vcur;
            best_j = n;
        }
    }
    if (strict && (over || nloc == 0))
        return -1;
    if (!strict && nloc == 0) { /* flat: cannot happen with these curves */
        *ts = avo;
        return 0;
    }
    double vmax = best_v;
    long jb = best_j;
    if (!strict && (jb == 0 || jb == n)) {
        *ts = jb == 0 ? avo : avc;
        return 0;
    }
    if (strict) {
        if (vmax < min_peak || jb == 0 || jb == n)
            return -1;
        for (int k = 0; k < nloc; k++)
            if (loc_j[k] != jb && loc_v[k] >= SYN_OTHER_MAX * vmax)
                return -1;
    }
    /* Golden-section search for the maximum in the two steps around it. */
    const double g = 0.6180339887498949;
    double a = avo + (double)(jb - 1) * h, b = avo + (double)(jb + 1) * h;
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = f(obj, x1), f2 = f(obj, x2);
    while (b - a > SYN_REFINE_MS) {
        if (f1 >= f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = f(obj, x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = f(obj, x2);
        }
    }
    double t = 0.5 * (a + b);
    if (strict && (t - avo < SYN_EDGE_MS || avc - t < SYN_EDGE_MS))
        return -1;
    *ts = t;
    return 0;
}

static double curve_eval_fn(const void *obj, double t)
{
    return curve_eval((const syn_curve *)obj, t);
}

/* True To by the engine's rule (timing.h): back from ts to where f last
 * rose through DYS_TO_FRACTION of f(ts), not before lo; the crossing to
 * 1e-6 ms by bisection.  NAN when there is none. */
static double onset_truth(syn_eval_fn f, const void *obj, double lo, double ts)
{
    const double step = 0.25, thr = DYS_TO_FRACTION * f(obj, ts);
    for (double t = ts; t - step >= lo; t -= step) {
        if (f(obj, t - step) >= thr)
            continue;
        double x0 = t - step, x1 = t;
        while (x1 - x0 > 1e-6) {
            double m = 0.5 * (x0 + x1);
            if (f(obj, m) < thr)
                x0 = m;
            else
                x1 = m;
        }
        return 0.5 * (x0 + x1);
    }
    return NAN;
}

/* The single-beat truth (strict, on the SYN_GRID_MS grid). */
static int curve_truth(const syn_curve *cv, double avo, double avc, double *ts)
{
    return peak_truth(curve_eval_fn, cv, avo, avc, SYN_GRID_MS, 1, SYN_MIN_PEAK, ts);
}

/* ------------------------------------------------------------------ */
/* Studies                                                              */

typedef struct syn_study {
    double hr_bpm, rr_ms, avo_ms, avc_ms, qrs_ms, lvef_pct;
    int nyha, lbbb, dyssync;
    double e_centre, a_centre; /* study-level diastolic timing */
    syn_curve seg[DYS_N_SEGMENTS];
    double ts_ms[DYS_N_SEGMENTS];
    double to_ms[DYS_N_SEGMENTS]; /* true To (NAN: the rule finds none) */
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
    /* the end-systolic notch: negative lobe first, its zero crossing
     * 1-6 ms before AVC (Aase, Eur J Echocardiogr 2008;9:555: the zero
     * velocity after the negative spike is 2.6 +- 8.2 ms before AVC) */
    ivr->amp = rng_range(r, 1.0, 3.0);
    ivr->sigma = rng_range(r, 8.0, 14.0);
    ivr->centre = avc + rng_range(r, -6.0, -1.0);

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
        st->to_ms[s] = onset_truth(curve_eval_fn, &st->seg[s],
                                   st->avo_ms - DYS_TO_BEFORE_AVO_MS, st->ts_ms[s]);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Several beats and the ECG (beats > 1 or ecg = 1)                     */

#define SYN_MAX_BEATS 100
#define SYN_BEAT_GRID_MS 0.5  /* per-beat truth scan step */
#define SYN_CUT_SIGMA 8.5     /* smooth components end at 8.5 sigma, where
                                 they are below 2.2e-16 of their amplitude */
#define SYN_REDRAWS 20        /* per beat and segment, then no jitter */
#define ECG_PER_BEAT 6        /* ECG waves per beat (unused ones C_OFF) */

/* Components of many beats on one time axis.  Beat b owns the `per`
 * components from b * per on; each component is exactly zero outside
 * [lo, hi] (8.5 sigma for the smooth ones, where they are below 2.2e-16
 * of their amplitude, i.e. double precision; the support of a lobe), each
 * beat outside [blo, bhi]. */
typedef struct syn_track {
    int nb, per;
    syn_comp *c;
    double *lo, *hi, *blo, *bhi;
} syn_track;

static void comp_bounds(const syn_comp *c, double *lo, double *hi)
{
    switch (c->kind) {
    case C_GAUSS:
    case C_DOG:
        *lo = c->centre - SYN_CUT_SIGMA * c->sigma;
        *hi = c->centre + SYN_CUT_SIGMA * c->sigma;
        break;
    case C_SKEW: /* before the centre the width is sigma (S': sigma2 > sigma) */
        *lo = c->centre - SYN_CUT_SIGMA * c->sigma;
        *hi = c->centre + SYN_CUT_SIGMA * fmax(c->sigma, c->sigma2);
        break;
    case C_LOBE:
        *lo = c->centre;
        *hi = c->centre + c->sigma;
        break;
    default:
        *lo = INFINITY;
        *hi = -INFINITY;
    }
}

static int track_alloc(syn_track *tr, int nb, int per)
{
    memset(tr, 0, sizeof *tr);
    size_t n = (size_t)nb * (size_t)per;
    tr->nb = nb;
    tr->per = per;
    tr->c = calloc(n, sizeof *tr->c);
    tr->lo = malloc((2 * n + 2 * (size_t)nb) * sizeof(double));
    if (!tr->c || !tr->lo) {
        free(tr->c);
        free(tr->lo);
        memset(tr, 0, sizeof *tr);
        return -1;
    }
    tr->hi = tr->lo + n;
    tr->blo = tr->hi + n;
    tr->bhi = tr->blo + nb;
    return 0;
}

static void track_free(syn_track *tr)
{
    free(tr->c);
    free(tr->lo);
    memset(tr, 0, sizeof *tr);
}

/* Set beat b's components: comps[0..n) shifted by `onset`. */
static void track_set_beat(syn_track *tr, int b, const syn_comp *comps, int n, double onset)
{
    double blo = INFINITY, bhi = -INFINITY;
    for (int k = 0; k < tr->per; k++) {
        int j = b * tr->per + k;
        if (k < n) {
            tr->c[j] = comps[k];
            tr->c[j].centre += onset;
        } else {
            memset(&tr->c[j], 0, sizeof tr->c[j]);
        }
        comp_bounds(&tr->c[j], &tr->lo[j], &tr->hi[j]);
        blo = fmin(blo, tr->lo[j]);
        bhi = fmax(bhi, tr->hi[j]);
    }
    tr->blo[b] = blo;
    tr->bhi[b] = bhi;
}

/* The track at t, beats b0..b1 only (callers pass every beat that can
 * reach t). */
static double track_eval_range(const syn_track *tr, int b0, int b1, double t)
{
    double v = 0.0;
    if (b0 < 0)
        b0 = 0;
    if (b1 > tr->nb - 1)
        b1 = tr->nb - 1;
    for (int b = b0; b <= b1; b++) {
        if (t < tr->blo[b] || t > tr->bhi[b])
            continue;
        for (int j = b * tr->per, e = j + tr->per; j < e; j++)
            if (t >= tr->lo[j] && t <= tr->hi[j])
                v += comp_eval(&tr->c[j], t);
    }
    return v;
}

/* Beats that can reach the ejection window of beat b, or a time in beat
 * b.  A beat's components lie within [onset - 390, max(onset + AVC + 650,
 * next onset + 140)] ms (S' 8.5 sigma of at most 55 ms before and 80 ms
 * after a centre in [AVO + 22.5, AVC - 32.5]; A' 8.5 * 28 ms around next
 * onset - 100..150 ms); RRs are at least AVC + 80 >= 380 ms, two in a row
 * at least 900 ms, so beats b - 3 and b + 3 never reach beat b. */
enum { SYN_REACH = 3 };

typedef struct syn_window {
    const syn_track *tr;
    int b;
} syn_window;

static double window_eval_fn(const void *obj, double t)
{
    const syn_window *w = obj;
    return track_eval_range(w->tr, w->b - SYN_REACH, w->b + SYN_REACH, t);
}

/* ECG morphology of one study (its own stream): waves relative to the QRS
 * onset (t = 0) of a sinus beat and of a ventricular premature beat. */
typedef struct syn_ecg_morph {
    syn_comp sinus[ECG_PER_BEAT]; /* P, QRS lobes, T */
    syn_comp pvc[ECG_PER_BEAT];   /* QRS lobes, T (no P) */
} syn_ecg_morph;

static void draw_ecg_morph(uint64_t seed, uint64_t i, const syn_study *st,
                           syn_ecg_morph *m)
{
    syn_rng r;
    rng_init(&r, seed, i, STREAM_ECG_STUDY);
    memset(m, 0, sizeof *m);
    double d = st->qrs_ms; /* QRS duration: the study's qrs_duration_ms */
    syn_comp *w = m->sinus;
    /* P wave: Gaussian ending (centre + 2.5 sigma) PR - 5 sigma before
     * the QRS onset; PR interval (P start to QRS onset) 150-210 ms. */
    double pr = rng_range(&r, 150.0, 210.0), psig = rng_range(&r, 16.0, 22.0);
    w[0] = (syn_comp){C_GAUSS, rng_range(&r, 0.08, 0.2), -pr + 2.5 * psig, psig, 0.0};
    int tall_t = rng_unif(&r) < 0.1;
    double t_amp = tall_t ? rng_range(&r, 0.6, 1.0) : rng_range(&r, 0.15, 0.45);
    double t_sig = rng_range(&r, 30.0, 48.0);
    /* QT (QRS onset to T end, T end = centre + 2 sigma): Bazett with a
     * QTc of 390-440 ms, plus the QRS widening beyond 100 ms. */
    double qt = rng_range(&r, 390.0, 440.0) * sqrt(st->rr_ms / 1000.0) + fmax(0.0, d - 100.0);
    if (!st->lbbb) {
        /* qRS (or RS): the first lobe starts at the onset, the S lobe
         * ends at the QRS duration. */
        int has_q = rng_unif(&r) < 0.6;
        /* a septal q: under 40 ms and a quarter of R, as normal q waves are */
        double q_w = fmin(40.0, rng_range(&r, 0.15, 0.25) * d), q_a = -rng_range(&r, 0.15, 0.25);
        /* the R starts past the q's trough, so that a q is a visible
         * dip (its full 12-30 % of R), not a corner the R cancels */
        double r_start = has_q ? rng_range(&r, 0.55, 0.7) * q_w : 0.0;
        double r_w = rng_range(&r, 0.45, 0.55) * d;
        double s_start = r_start + rng_range(&r, 0.55, 0.7) * r_w;
        double s_a = -rng_range(&r, 0.15, 0.45);
        if (has_q)
            w[1] = (syn_comp){C_LOBE, q_a, 0.0, q_w, 1.0};
        w[2] = (syn_comp){C_LOBE, 1.0, r_start, r_w, has_q ? 2.0 : 1.0};
        w[3] = (syn_comp){C_LOBE, s_a, s_start, d - s_start, 2.0};
    } else {
        /* LBBB: broad notched (M-shaped) R of two lobes, no septal q; the
         * T wave is discordant (negative). */
        double w1 = rng_range(&r, 0.5, 0.6) * d, a1 = rng_range(&r, 0.55, 0.9);
        double s2 = rng_range(&r, 0.38, 0.46) * d;
        w[1] = (syn_comp){C_LOBE, a1, 0.0, w1, 1.0};
        w[2] = (syn_comp){C_LOBE, 1.0, s2, d - s2, 2.0};
        t_amp = -t_amp;
        t_sig = fmin(55.0, t_sig * 1.15);
    }
    w[4] = (syn_comp){C_GAUSS, t_amp, qt - 2.0 * t_sig, t_sig, 0.0};

    /* Ventricular premature beat: wide (140-190 ms), tall, one polarity
     * then a smaller opposite lobe, discordant T, no P wave. */
    double dv = rng_range(&r, 140.0, 190.0), sign = rng_unif(&r) < 0.5 ? 1.0 : -1.0;
    double l1 = rng_range(&r, 0.6, 0.75) * dv, l2s = rng_range(&r, 0.5, 0.6) * dv;
    syn_comp *v = m->pvc;
    v[0] = (syn_comp){C_LOBE, sign * rng_range(&r, 1.2, 2.0), 0.0, l1, 1.0};
    v[1] = (syn_comp){C_LOBE, -sign * rng_range(&r, 0.2, 0.5), l2s, dv - l2s, 2.0};
    double pt_sig = rng_range(&r, 40.0, 55.0);
    v[2] = (syn_comp){C_GAUSS, -sign * rng_range(&r, 0.4, 0.7),
                      qt + (dv - d) + 20.0 - 2.0 * pt_sig, pt_sig, 0.0};
}

/* One beat of one recording. */
typedef struct syn_beat {
    double onset;    /* QRS onset on the file's axis, ms (a whole us) */
    double rr;       /* to the next onset */
    int ectopic;
    double s_shift[DYS_N_SEGMENTS], s_scale[DYS_N_SEGMENTS], ivc_scale[DYS_N_SEGMENTS];
    double ts[DYS_N_SEGMENTS]; /* per-beat truth from this onset */
    double to[DYS_N_SEGMENTS]; /* per-beat To truth (NAN: none) */
} syn_beat;

/* The beats, curves and ECG of one recording.  beat[0] is the beat before
 * the recording (its end is in it), beat[1..n] the complete ones,
 * beat[n + 1] the one the recording stops in. */
typedef struct syn_plan {
    int n, nb;            /* complete beats; nb = n + 2 */
    syn_beat *beat;
    double t0, t_end;     /* first frame (before jitter); end of recording */
    int has_seg[DYS_N_SEGMENTS];
    syn_track seg[DYS_N_SEGMENTS];
    int ecg;
    syn_track ecg_track;
    double gain, noise_mv, dc, w_amp[2], w_freq[2], w_phase[2];
} syn_plan;

static void plan_free(syn_plan *pl)
{
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        track_free(&pl->seg[s]);
    track_free(&pl->ecg_track);
    free(pl->beat);
    memset(pl, 0, sizeof *pl);
}

static double round_us(double ms) { return round(ms * 1000.0) / 1000.0; }

/* Draw beat b's perturbation of segment s (sinus: S' jitter; ectopic:
 * scaled and shifted S', scaled isovolumic spike).  None: no jitter. */
static void draw_perturb(syn_rng *r, const syn_study *st, syn_beat *bt, int s,
                         double sd, int none)
{
    double g1 = rng_gauss(r), g2 = rng_gauss(r);
    double e_scale = rng_range(r, 0.45, 0.75), e_shift = rng_range(r, 20.0, 50.0);
    double e_sign = rng_unif(r) < 0.5 ? -1.0 : 1.0, e_ivc = rng_range(r, 0.5, 1.0);
    if (!bt->ectopic) {
        bt->s_shift[s] = none ? 0.0 : sd * fmin(2.5, fmax(-2.5, g1));
        bt->s_scale[s] = none ? 1.0 : 1.0 + 0.04 * fmin(2.5, fmax(-2.5, g2));
        bt->ivc_scale[s] = 1.0;
        return;
    }
    /* Ectopic: S' 0.45-0.75 as tall, its peak moved 20-50 ms (the other
     * way, or clamped, where it would leave [AVO + 35, AVC - 45]). */
    double c = st->seg[s].c[K_S].centre, lo = st->avo_ms + 35.0, hi = st->avc_ms - 45.0;
    double sh = none ? 0.0 : e_sign * e_shift;
    if (c + sh < lo || c + sh > hi)
        sh = -sh;
    sh = fmin(fmax(c + sh, lo), hi) - c;
    bt->s_shift[s] = sh;
    bt->s_scale[s] = e_scale;
    bt->ivc_scale[s] = e_ivc;
}

/* Segment s's curve in beat b of plan pl (relative to the beat's onset). */
static void beat_curve(const syn_study *st, const syn_plan *pl, int b, int s, syn_curve *cv)
{
    const syn_beat *bt = &pl->beat[b];
    *cv = st->seg[s];
    cv->c[K_APREV].kind = C_OFF; /* the previous beat is a beat of its own */
    cv->c[K_S].centre += bt->s_shift[s];
    cv->c[K_S].amp *= bt->s_scale[s];
    if (bt->ectopic) /* a weaker contraction: its post-systolic wave too */
        cv->c[K_PSS].amp *= bt->s_scale[s];
    cv->c[K_IVC].amp *= bt->ivc_scale[s];
    cv->c[K_IVC2].amp *= bt->ivc_scale[s];
    /* A' keeps its distance to the next QRS onset; before a premature beat
     * there is none (the atrial contraction falls into its systole). */
    cv->c[K_A].centre = bt->rr + (st->seg[s].c[K_A].centre - st->rr_ms);
    if (b + 1 < pl->nb && pl->beat[b + 1].ectopic)
        cv->c[K_A].kind = C_OFF;
}

static void plan_set_seg_beat(const syn_study *st, syn_plan *pl, int b, int s)
{
    syn_curve cv;
    beat_curve(st, pl, b, s, &cv);
    track_set_beat(&pl->seg[s], b, cv.c, N_COMP, pl->beat[b].onset);
}

static int beat_truth(const syn_study *st, const syn_plan *pl, int b, int s, int strict,
                      double *ts)
{
    syn_window w = {&pl->seg[s], b};
    double on = pl->beat[b].onset, t;
    /* An ectopic beat's S' is small by design: 1 cm/s suffices. */
    double min_peak = pl->beat[b].ectopic ? 1.0 : SYN_MIN_PEAK;
    if (peak_truth(window_eval_fn, &w, on + st->avo_ms, on + st->avc_ms, SYN_BEAT_GRID_MS,
                   strict, min_peak, &t) != 0)
        return -1;
    *ts = t - on;
    return 0;
}

/* Plan one recording (several beats and/or ECG) of study i.  view 0: all
 * segments.  Returns 0, or -1 when out of memory. */
static int plan_recording(const dys_synth_params *p, const syn_study *st,
                          const syn_ecg_morph *em, uint64_t i, int view, syn_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    syn_rng rb;
    rng_init(&rb, p->seed, i, STREAM_BEATS + (uint64_t)view);
    int n = p->beats, nb = n + 2;
    pl->n = n;
    pl->nb = nb;
    pl->beat = calloc((size_t)nb, sizeof *pl->beat);
    if (!pl->beat)
        return -1;
    syn_beat *bt = pl->beat;

    /* Time axis: first frame at 0 or 0-2000 ms, first complete beat
     * 150-300 ms later, the recording stops 200-350 ms into beat n + 1. */
    pl->t0 = rng_unif(&rb) < 0.5 ? 0.0 : round_us(rng_range(&rb, 0.0, 2000.0));
    double preroll = rng_range(&rb, 150.0, 300.0), tail = rng_range(&rb, 200.0, 350.0);
    double b2b_sd = rng_range(&rb, 2.0, 5.0);

    /* Sinus intervals, ectopic beats, onsets. */
    double *sinus_rr = malloc((size_t)nb * sizeof(double));
    if (!sinus_rr) {
        plan_free(pl);
        return -1;
    }
    for (int b = 0; b < nb; b++) {
        double g = fmin(3.0, fmax(-3.0, rng_gauss(&rb)));
        sinus_rr[b] = round_us(fmax(st->rr_ms * (1.0 + p->rr_sd_frac * g), st->avc_ms + 220.0));
    }
    double sinus_t = round_us(pl->t0 + preroll); /* sinus schedule of beat 1 */
    bt[0].onset = sinus_t - sinus_rr[0];
    bt[1].onset = sinus_t;
    for (int b = 0; b < nb; b++) {
        double u = rng_unif(&rb), f = rng_range(&rb, 0.6, 0.8);
        if (b >= 2) {
            sinus_t += sinus_rr[b - 1];
            bt[b].ectopic = b <= n && !bt[b - 1].ectopic && u < p->ectopic_prob;
            /* Premature: 60-80 % of the RR after the previous onset (at
             * least AVC + 80 ms); the next sinus beat comes on time (full
             * compensatory pause). */
            bt[b].onset = bt[b].ectopic
                              ? round_us(bt[b - 1].onset +
                                         fmax(f * sinus_rr[b - 1], st->avc_ms + 80.0))
                              : sinus_t;
        }
    }
    for (int b = 0; b + 1 < nb; b++)
        bt[b].rr = bt[b + 1].onset - bt[b].onset;
    bt[nb - 1].rr = sinus_rr[nb - 1];
    free(sinus_rr);
    pl->t_end = bt[nb - 1].onset + tail;

    /* Segment curves, beat by beat. */
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        pl->has_seg[s] = view == 0 || seg_view[s] == view;
    for (int b = 0; b < nb; b++)
        for (int s = 0; s < DYS_N_SEGMENTS; s++) {
            draw_perturb(&rb, st, &bt[b], s, b2b_sd, 0);
            bt[b].ts[s] = bt[b].to[s] = NAN;
        }
    for (int s = 0; s < DYS_N_SEGMENTS; s++) {
        if (!pl->has_seg[s])
            continue;
        if (track_alloc(&pl->seg[s], nb, N_COMP) != 0) {
            plan_free(pl);
            return -1;
        }
        for (int b = 0; b < nb; b++)
            plan_set_seg_beat(st, pl, b, s);
        /* Redraw a beat's jitter until its peak is unambiguous (strict, as
         * for the single beat); after SYN_REDRAWS, no jitter. */
        int redrawn = 0;
        for (int b = 1; b <= n; b++) {
            for (int k = 0; beat_truth(st, pl, b, s, 1, &bt[b].ts[s]) != 0; k++) {
                if (k > SYN_REDRAWS) { /* still ambiguous: the argmax */
                    beat_truth(st, pl, b, s, 0, &bt[b].ts[s]);
                    break;
                }
                draw_perturb(&rb, st, &bt[b], s, b2b_sd, k == SYN_REDRAWS);
                plan_set_seg_beat(st, pl, b, s);
                redrawn = 1;
            }
        }
        /* A redrawn beat reaches into its neighbours' windows (by far less
         * than the refinement tolerance, but the truth is exact): the truth
         * of every complete beat again, on the final curves. */
        if (redrawn)
            for (int b = 1; b <= n; b++)
                if (beat_truth(st, pl, b, s, 1, &bt[b].ts[s]) != 0)
                    beat_truth(st, pl, b, s, 0, &bt[b].ts[s]);
        for (int b = 1; b <= n; b++) {
            syn_window w = {&pl->seg[s], b};
            double on = bt[b].onset;
            bt[b].to[s] = onset_truth(window_eval_fn, &w, on + st->avo_ms - DYS_TO_BEFORE_AVO_MS,
                                      on + bt[b].ts[s]) - on;
        }
    }

    /* ECG. */
    pl->ecg = p->ecg;
    if (p->ecg) {
        syn_rng re;
        rng_init(&re, p->seed, i, STREAM_ECG + (uint64_t)view);
        pl->gain = rng_range(&re, 0.8, 1.8); /* R amplitude, mV */
        if (rng_unif(&re) < 0.1)
            pl->gain = -pl->gain; /* inverted lead */
        double g = fabs(pl->gain);
        pl->noise_mv = g * rng_range(&re, 0.02, 0.04);
        pl->dc = g * rng_range(&re, -0.2, 0.2);
        pl->w_amp[0] = g * rng_range(&re, 0.05, 0.25);
        pl->w_amp[1] = g * rng_range(&re, 0.02, 0.1);
        for (int k = 0; k < 2; k++) {
            pl->w_freq[k] = rng_range(&re, 0.15, 0.5);
            pl->w_phase[k] = rng_range(&re, 0.0, 2.0 * SYN_PI);
        }
        if (track_alloc(&pl->ecg_track, nb, ECG_PER_BEAT) != 0) {
            plan_free(pl);
            return -1;
        }
        for (int b = 0; b < nb; b++)
            track_set_beat(&pl->ecg_track, b, bt[b].ectopic ? em->pvc : em->sinus,
                           ECG_PER_BEAT, bt[b].onset);
    }
    return 0;
}

/* ECG at file time t (mV) without noise. */
static double ecg_eval(const syn_plan *pl, double t)
{
    double v = pl->gain * track_eval_range(&pl->ecg_track, 0, pl->nb - 1, t) + pl->dc;
    for (int k = 0; k < 2; k++)
        v += pl->w_amp[k] * sin(2.0 * SYN_PI * pl->w_freq[k] * t / 1000.0 + pl->w_phase[k]);
    return v;
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
    int ecg_name;   /* 0 "ecg", 1 "ecg_mv", 2 "ECG (mV)" */
    int onsets_sp;  /* qrs_onsets_ms separated by spaces, not ", " */
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
    f->ecg_name = i % 3;
    f->onsets_sp = (i / 2) % 2 == 1;
}

static const char *const unit_name[3] = {"cm/s", "mm/s", "m/s"};
static const double unit_scale[3] = {1.0, 10.0, 0.01};
static const int unit_decimals[3] = {4, 3, 6};

/* Metadata key in the chosen spelling. */
enum { KEY_ID, KEY_VIEW, KEY_QRS_ON, KEY_AVO, KEY_AVC, KEY_HR, KEY_RR, KEY_QRSD,
       KEY_LVEF, KEY_NYHA, KEY_LBBB, KEY_FPS, KEY_UNIT, KEY_QRS_ONS, N_KEYS };

static const char *const key_name[3][N_KEYS] = {
    {"study_id", "view", "qrs_onset_ms", "avo_ms", "avc_ms", "hr_bpm", "rr_ms",
     "qrs_duration_ms", "lvef_pct", "nyha", "lbbb", "frame_rate_hz",
     "velocity_unit", "qrs_onsets_ms"},
    {"Study-ID", "View", "QRS onset ms", "AVO ms", "AVC ms", "HR bpm", "RR ms",
     "QRS duration ms", "LVEF pct", "NYHA", "LBBB", "Frame rate Hz",
     "Velocity unit", "QRS onsets ms"},
    {"STUDY_ID", "VIEW", "QRS_ONSET_MS", "AVO_MS", "AVC_MS", "HR_BPM", "RR_MS",
     "QRS-DURATION-MS", "LVEF_PCT", "NYHA", "LBBB", "FRAME-RATE-HZ",
     "VELOCITY_UNIT", "QRS_ONSETS_MS"}};

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
    /* the missing parents first, as `mkdir -p` */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", path);
    for (char *sl = strchr(parent + 1, '/'); sl; sl = strchr(sl + 1, '/')) {
        *sl = '\0';
        if (mkdir(parent, 0755) != 0 && errno != EEXIST)
            break; /* the final mkdir says why */
        *sl = '/';
    }
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

/* Write one recording (all segments, or those of one view).  pl: the
 * beats and ECG of a several-beat / ECG recording; NULL for the single
 * beat. */
static dys_status write_recording(dys_ctx *ctx, const dys_synth_params *p,
                                  const syn_study *st, const syn_format *f,
                                  const syn_file *sf, const syn_plan *pl)
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
    /* The ECG column: after the time, or anywhere when shuffled. */
    int ecg_pos = -1;
    if (pl && pl->ecg)
        ecg_pos = f->shuffle ? rng_int(&rf, 0, ncol) : 0;

    /* Time axis.  Single beat: this file's QRS onset offset and start;
     * several beats: the plan's. */
    double offset = 0.0, t_start = 0.0;
    double period = 1000.0 / p->fps;
    long n_frames;
    if (!pl) {
        if (sf->view != 0)
            offset = round(rng_range(&rt, 5.0, 60.0) * 1000.0) / 1000.0;
        t_start = rng_unif(&rt) < 0.5 ? 0.0 : -rng_range(&rt, 20.0, 40.0);
        n_frames = (long)floor((st->rr_ms - period - t_start) / period) + 1;
    } else {
        t_start = pl->t0;
        n_frames = (long)floor((pl->t_end - pl->t0) / period) + 1;
    }
    syn_rng rne; /* ECG noise */
    rng_init(&rne, p->seed, sf->index, STREAM_ECG_NOISE + (uint64_t)sf->view);

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
    if (sf->view != 0)
        fprintf(fp, "# %s: %s%s", keys[KEY_VIEW], view_label[sf->view][f->view_alias], eol);
    if (!pl && sf->view != 0 && p->qrs_metadata)
        fprintf(fp, "# %s: %.3f%s", keys[KEY_QRS_ON], offset, eol);
    if (pl && p->qrs_metadata) {
        /* Every onset in the recording: the complete beats' and the one
         * that ends the last of them. */
        fprintf(fp, "# %s: ", keys[KEY_QRS_ONS]);
        for (int b = 1; b <= pl->n + 1; b++)
            fprintf(fp, "%s%.3f", b == 1 ? "" : f->onsets_sp ? " " : ", ", pl->beat[b].onset);
        fputs(eol, fp);
    }
    if (p->event_metadata) {
        fprintf(fp, "# %s: %.0f%s", keys[KEY_AVO], st->avo_ms, eol);
        fprintf(fp, "# %s: %.0f%s", keys[KEY_AVC], st->avc_ms, eol);
    }
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
    static const char *const ecg_col[3] = {"ecg", "ecg_mv", "ECG (mV)"};
    fputs(time_col[f->time_style], fp);
    for (int k = 0; k <= ncol; k++) {
        if (k == ecg_pos) {
            fputc(f->sep, fp);
            fputs(ecg_col[f->ecg_name], fp);
        }
        if (k == ncol)
            break;
        char name[96];
        column_name(f, cols[k], name, sizeof name);
        fputc(f->sep, fp);
        fputs(name, fp);
    }
    fputs(eol, fp);

    /* Rows: the curve at exactly the written time, plus noise. */
    double scale = unit_scale[f->unit];
    int dec = unit_decimals[f->unit];
    int bcur = 0; /* several beats: the beat the frame is in */
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
        while (pl && bcur + 1 < pl->nb && pl->beat[bcur + 1].onset <= t_file)
            bcur++;
        for (int c = 0; c <= ncol; c++) {
            if (c == ecg_pos) {
                double e = ecg_eval(pl, t_file) + pl->noise_mv * rng_gauss(&rne);
                fputc(f->sep, fp);
                put_number(fp, e, 4, f->dec_comma);
            }
            if (c == ncol)
                break;
            double v = pl ? track_eval_range(&pl->seg[cols[c]], bcur - SYN_REACH,
                                             bcur + SYN_REACH, t_file)
                          : curve_eval(&st->seg[cols[c]], t);
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

/* ",value" (4 decimals), or "," for none. */
static void put_opt(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, ",%.4f", v);
    else
        fputc(',', out);
}

/* Rows of truth_beats.csv for one recording. */
static void write_truth_beats(FILE *out, const char *id, const char *rel, const syn_plan *pl)
{
    for (int b = 1; b <= pl->n; b++) {
        const syn_beat *bt = &pl->beat[b];
        fprintf(out, "%s,%s,%d,%.3f,%.3f,%d", id, rel, b, bt->onset, bt->rr, bt->ectopic);
        for (int s = 0; s < DYS_N_SEGMENTS; s++) {
            if (pl->has_seg[s])
                fprintf(out, ",%.4f", bt->ts[s]);
            else
                fputc(',', out);
        }
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            put_opt(out, pl->has_seg[s] ? bt->to[s] : NAN);
        fputc('\n', out);
    }
}

/* Study-level truth of the segments of one recording: the mean per-beat
 * Ts and To over its complete beats that are not ectopic (To over those
 * where the rule finds one, as the engine averages it). */
static void plan_mean_truth(const syn_plan *pl, double *ts, double *to)
{
    for (int s = 0; s < DYS_N_SEGMENTS; s++) {
        if (!pl->has_seg[s])
            continue;
        double sum = 0.0, tsum = 0.0;
        int n = 0, tn = 0;
        for (int b = 1; b <= pl->n; b++)
            if (!pl->beat[b].ectopic) {
                sum += pl->beat[b].ts[s];
                n++;
                if (isfinite(pl->beat[b].to[s])) {
                    tsum += pl->beat[b].to[s];
                    tn++;
                }
            }
        ts[s] = sum / n; /* beat 1 is never ectopic */
        to[s] = tn ? tsum / tn : NAN;
    }
}

/* A CSV under dir with its header; seg_cols adds the ts_ and to_ columns
 * of the 12 segments. */
static dys_status open_csv(dys_ctx *ctx, dys_outfile *af, const char *dir, const char *name,
                           const char *head, int seg_cols)
{
    char *path = join_path(dir, name);
    if (!path)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    dys_status rc = dys_outfile_open(ctx, af, path);
    free(path);
    if (rc != DYS_OK)
        return rc;
    fputs(head, af->f);
    for (int s = 0; seg_cols && s < DYS_N_SEGMENTS; s++)
        fprintf(af->f, ",ts_%s_ms", canon_name[s]);
    for (int s = 0; seg_cols && s < DYS_N_SEGMENTS; s++)
        fprintf(af->f, ",to_%s_ms", canon_name[s]);
    fputc('\n', af->f);
    return DYS_OK;
}

/* Outcomes after CRT (--outcomes), from a known model so that dyssync
 * stats can be checked against it:
 *  - the chance of LV reverse remodelling is logistic in the true
 *    Ts-SD-12 (sample SD of the 12 true Ts): p = 1 / (1 + exp(-(SD - 30) /
 *    6)), so 0.5 at 30 ms (about Yu's 32.6-ms cut-off) and 0.84 at 40 ms;
 *  - remodelled: LVESV falls by N(25, 8) %, LVEF rises by N(8, 4) points,
 *    NYHA improves by one class with probability 0.75 (0.15 two), the
 *    6-minute walk rises by N(30, 15) %, death or HF hospitalisation 3 %,
 *    the patient's global assessment better 70 %;
 *  - not remodelled: LVESV N(-2, 8) % (a rise), LVEF N(1, 3), NYHA one
 *    class better 0.30 or worse 0.10, walk N(3, 15) %, death/HF 10 %,
 *    global assessment better 35 %;
 *  - Packer's composite from these: worsened (death, HF hospitalisation or
 *    worse NYHA), else improved (better NYHA or global assessment), else
 *    unchanged.
 * Baselines: the study's LVEF and NYHA metadata; LVEDV U(180, 300) ml,
 * LVESV = LVEDV (1 - LVEF); walk U(200, 450) m.  Own random stream: the
 * curves are the same with or without outcomes. */
static void write_outcome(FILE *fo, FILE *fm, const char *id, const syn_study *st,
                          const double *ts, uint64_t seed, uint64_t i)
{
    syn_rng r;
    rng_init(&r, seed, i, STREAM_OUTCOME);
    double m = 0, ss = 0;
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        m += ts[s];
    m /= DYS_N_SEGMENTS;
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        ss += (ts[s] - m) * (ts[s] - m);
    double sd = sqrt(ss / (DYS_N_SEGMENTS - 1)), prob = 1.0 / (1.0 + exp(-(sd - 30.0) / 6.0));
    int rem = rng_unif(&r) < prob;
    double edv = rng_range(&r, 180, 300), esv0 = edv * (1 - st->lvef_pct / 100.0);
    double esv1 = esv0 * (1 - (rem ? 25 + 8 * rng_gauss(&r) : -2 + 8 * rng_gauss(&r)) / 100.0);
    double ef1 = st->lvef_pct + (rem ? 8 + 4 * rng_gauss(&r) : 1 + 3 * rng_gauss(&r));
    double u = rng_unif(&r);
    int ny1 = st->nyha;
    if (rem)
        ny1 -= u < 0.15 ? 2 : u < 0.90 ? 1 : 0;
    else
        ny1 += u < 0.30 ? -1 : u < 0.40 ? 1 : 0;
    ny1 = ny1 < 1 ? 1 : ny1 > 4 ? 4 : ny1;
    double w0 = rng_range(&r, 200, 450);
    double w1 = w0 * (1 + (rem ? 30 + 15 * rng_gauss(&r) : 3 + 15 * rng_gauss(&r)) / 100.0);
    int event = rng_unif(&r) < (rem ? 0.03 : 0.10);
    /* Packer's composite: worsened by death, HF hospitalisation or worse
     * NYHA; improved by better NYHA or a better global assessment */
    int global_better = rng_unif(&r) < (rem ? 0.70 : 0.35);
    const char *comp = event || ny1 > st->nyha                 ? "worsened"
                       : ny1 < st->nyha || global_better ? "improved"
                                                         : "unchanged";
    fprintf(fo, "%s,%.0f,%.0f,%.0f,%.0f,%d,%d,%.0f,%.0f,%s,%s\n", id, esv0, esv1, st->lvef_pct,
            fmin(80, ef1), st->nyha, ny1, w0, fmax(0, w1), comp, event ? "yes" : "no");
    fprintf(fm, "%s,%.4f,%.4f,%d\n", id, sd, prob, rem);
}

static dys_status synth_all(dys_ctx *ctx, const dys_synth_params *p, const char *dir)
{
    int width = 4;
    for (int n = p->n_studies; n >= 10000; n /= 10)
        width++;
    int multi = p->beats > 1 || p->ecg;

    dys_outfile truth, tbeats;
    dys_status rc = open_csv(ctx, &truth, dir, "truth.csv",
                             "study_id,path,layout,avo_ms,avc_ms,hr_bpm,fps,noise_cm_s", 1);
    if (rc != DYS_OK)
        return rc;
    if (multi) {
        rc = open_csv(ctx, &tbeats, dir, "truth_beats.csv",
                      "study_id,file,beat,qrs_onset_ms,rr_ms,ectopic", 1);
        if (rc != DYS_OK) {
            dys_outfile_abort(&truth);
            return rc;
        }
    }

    dys_outfile outc, model;
    if (p->outcomes) {
        rc = open_csv(ctx, &outc, dir, "outcomes.csv",
                      "study_id,lvesv_baseline_ml,lvesv_followup_ml,lvef_baseline_pct,"
                      "lvef_followup_pct,nyha_baseline,nyha_followup,walk6_baseline_m,"
                      "walk6_followup_m,composite,death_or_hf_hospitalisation", 0);
        if (rc == DYS_OK &&
            (rc = open_csv(ctx, &model, dir, "outcomes_model.csv",
                           "study_id,true_ts_sd_12_ms,p_remodelling,remodelled", 0)) != DYS_OK)
            dys_outfile_abort(&outc);
        if (rc != DYS_OK) {
            dys_outfile_abort(&truth);
            if (multi)
                dys_outfile_abort(&tbeats);
            return rc;
        }
    }

    syn_study *st = malloc(sizeof *st);
    syn_ecg_morph *em = malloc(sizeof *em);
    if (!st || !em)
        rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < p->n_studies && rc == DYS_OK; i++) {
        char id[32], rel[48], num[16], frel[64];
        int nd = snprintf(num, sizeof num, "%d", i + 1);
        int pad = width > nd ? width - nd : 0;
        snprintf(id, sizeof id, "synth_%.*s%s", pad, "00000000", num);
        if (draw_study(p->seed, (uint64_t)i, st) != 0) {
            rc = dys_fail(ctx, DYS_ERR_INVALID,
                          "synth: study %s: cannot draw an unambiguous peak "
                          "(seed %llu)", id, p->seed);
            break;
        }
        if (multi)
            draw_ecg_morph(p->seed, (uint64_t)i, st, em);
        double ts[DYS_N_SEGMENTS], to[DYS_N_SEGMENTS];
        memcpy(ts, st->ts_ms, sizeof ts);
        memcpy(to, st->to_ms, sizeof to);
        int as_dir = p->views == 1 || (p->views == 2 && i % 2 == 1);
        syn_format f;
        format_for(p->vary_format, i, &f);
        char *sub = NULL;
        if (as_dir) {
            snprintf(rel, sizeof rel, "%s", id);
            sub = join_path(dir, id);
            if (!sub) {
                rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                break;
            }
            rc = make_dir(ctx, sub);
        } else {
            snprintf(rel, sizeof rel, "%s.csv", id);
        }
        for (int v = as_dir ? 1 : 0; v <= (as_dir ? 3 : 0) && rc == DYS_OK; v++) {
            if (as_dir)
                snprintf(frel, sizeof frel, "%s/%s", id, view_file[v]);
            else
                snprintf(frel, sizeof frel, "%s", rel);
            char *path = join_path(dir, frel);
            if (!path) {
                rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                break;
            }
            syn_plan pl;
            if (multi && plan_recording(p, st, em, (uint64_t)i, v, &pl) != 0) {
                free(path);
                rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                break;
            }
            syn_file sf = {path, id, v, (uint64_t)i};
            rc = write_recording(ctx, p, st, &f, &sf, multi ? &pl : NULL);
            free(path);
            if (multi) {
                if (rc == DYS_OK) {
                    write_truth_beats(tbeats.f, id, frel, &pl);
                    plan_mean_truth(&pl, ts, to);
                }
                plan_free(&pl);
            }
        }
        free(sub);
        if (rc != DYS_OK)
            break;
        fprintf(truth.f, "%s,%s,%s,%.10g,%.10g,%.10g,%.10g,%.10g", id, rel,
                as_dir ? "views" : "file", st->avo_ms, st->avc_ms, st->hr_bpm,
                p->fps, p->noise_cm_s);
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            fprintf(truth.f, ",%.4f", ts[s]);
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            put_opt(truth.f, to[s]);
        fputc('\n', truth.f);
        if (p->outcomes)
            write_outcome(outc.f, model.f, id, st, ts, p->seed, (uint64_t)i);
    }
    free(st);
    free(em);
    if (rc == DYS_OK && multi)
        rc = dys_outfile_commit(ctx, &tbeats);
    else if (multi)
        dys_outfile_abort(&tbeats);
    if (rc == DYS_OK && p->outcomes) {
        rc = dys_outfile_commit(ctx, &outc);
        if (rc == DYS_OK)
            rc = dys_outfile_commit(ctx, &model);
        else
            dys_outfile_abort(&model);
    } else if (p->outcomes) {
        dys_outfile_abort(&outc);
        dys_outfile_abort(&model);
    }
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
    p->beats = 1;
    p->ecg = 0;
    p->rr_sd_frac = 0.03;
    p->ectopic_prob = 0.05;
    p->qrs_metadata = 1;
    p->event_metadata = 1;
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
    if (p->beats < 1 || p->beats > SYN_MAX_BEATS)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: beats must be 1..%d (got %d)", SYN_MAX_BEATS, p->beats);
    if (p->ecg < 0 || p->ecg > 1)
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: ecg must be 0 or 1 (got %d)", p->ecg);
    if (!(p->rr_sd_frac >= 0.0 && p->rr_sd_frac <= 0.15))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: RR variability must be 0..0.15 of the RR (got %g)",
                        p->rr_sd_frac);
    if (!(p->ectopic_prob >= 0.0 && p->ectopic_prob <= 0.5))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: ectopic beat probability must be 0..0.5 (got %g)",
                        p->ectopic_prob);
    if (p->event_metadata < 0 || p->event_metadata > 1)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: event_metadata must be 0 or 1 (got %d)", p->event_metadata);
    if (p->qrs_metadata < 0 || p->qrs_metadata > 1)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: qrs_metadata must be 0 or 1 (got %d)", p->qrs_metadata);
    if (!p->qrs_metadata && !p->ecg)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: without QRS onset metadata the ECG column is needed "
                        "(qrs_metadata 0 requires ecg 1)");

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
