/*
 * synth_internal.h - synthetic tissue-Doppler studies with known truth: what
 * the generator's files share, and the model they draw from.
 *
 * The files: rng.c (random streams), curve.c (smooth components, their
 * evaluation and the true Ts and To), model.c (a study's hearts: segment
 * curves, timing, metadata), beats.c (several beats, RR, ectopy and the
 * ECG), format.c (the file-format variants), write.c (files, truth tables,
 * outcomes and the public dys_synth_* functions).
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
#ifndef DYS_SYNTH_INTERNAL_H
#define DYS_SYNTH_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "../internal.h"
#include "../timing.h" /* the To rule */

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
/* Segment names (kept here so the generator stands apart from segments.c) */

static const char *const canon_name[DYS_N_SEGMENTS_12] = {
    "basal_anterior",      "basal_anteroseptal", "basal_inferoseptal",
    "basal_inferior",      "basal_inferolateral", "basal_anterolateral",
    "mid_anterior",        "mid_anteroseptal",   "mid_inferoseptal",
    "mid_inferior",        "mid_inferolateral",  "mid_anterolateral"};

/* The alias of docs/format.md where there is one, segN otherwise. */
static const char *const alias_name[DYS_N_SEGMENTS_12] = {
    "seg1", "seg2", "basal_septal", "seg4", "basal_posterior",
    "basal_lateral", "seg7", "seg8", "mid_septal", "seg10",
    "mid_posterior", "mid_lateral"};

/* GE EchoPAC abbreviations (docs/format.md). */
static const char *const echopac_name[DYS_N_SEGMENTS_12] = {
    "basAnt", "basAntSept", "basSept", "basInf", "basPost", "basLat",
    "midAnt", "midAntSept", "midSept", "midInf", "midPost", "midLat"};

/* View of each segment: 1 A4C, 2 A2C, 3 APLAX (the table of docs/format.md). */
static const int seg_view[DYS_N_SEGMENTS_12] = {2, 3, 1, 2, 3, 1,
                                             2, 3, 1, 2, 3, 1};

/* LBBB-like activation pattern: negative early (septum), positive late
 * (lateral and posterior walls). */
static const double lbbb_weight[DYS_N_SEGMENTS_12] = {
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

/* Streams of one study. */
enum { STREAM_PHYSIO = 0, STREAM_TIME = 1, STREAM_NOISE = 5, STREAM_FORMAT = 9,
       STREAM_BEATS = 13, STREAM_ECG = 17, STREAM_ECG_NOISE = 21,
       STREAM_ECG_STUDY = 25, STREAM_OUTCOME = 29, STREAM_DOPPLER = 33,
       STREAM_SETTINGS = 37 };

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

typedef double (*syn_eval_fn)(const void *obj, double t);

/* ------------------------------------------------------------------ */
/* Studies                                                              */

typedef struct syn_study {
    double hr_bpm, rr_ms, avo_ms, avc_ms, qrs_ms, lvef_pct;
    int nyha, lbbb, dyssync;
    double e_centre, a_centre; /* study-level diastolic timing */
    syn_curve seg[DYS_N_SEGMENTS_12];
    double ts_ms[DYS_N_SEGMENTS_12];
    double to_ms[DYS_N_SEGMENTS_12]; /* true To (NAN: the rule finds none) */
} syn_study;

/* ------------------------------------------------------------------ */
/* Several beats and the ECG (beats > 1 or ecg = 1)                     */

#define SYN_MAX_BEATS 100
#define SYN_MAX_SETTINGS 12 /* AV 80..280 ms, VV up to +-60 ms */

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

/* ECG morphology of one study (its own stream): waves relative to the QRS
 * onset (t = 0) of a sinus beat and of a ventricular premature beat. */
typedef struct syn_ecg_morph {
    syn_comp sinus[ECG_PER_BEAT]; /* P, QRS lobes, T */
    syn_comp pvc[ECG_PER_BEAT];   /* QRS lobes, T (no P) */
} syn_ecg_morph;

/* One beat of one recording. */
typedef struct syn_beat {
    double onset;    /* QRS onset on the file's axis, ms (a whole us) */
    double rr;       /* to the next onset */
    int ectopic;
    double s_shift[DYS_N_SEGMENTS_12], s_scale[DYS_N_SEGMENTS_12], ivc_scale[DYS_N_SEGMENTS_12];
    double ts[DYS_N_SEGMENTS_12]; /* per-beat truth from this onset */
    double to[DYS_N_SEGMENTS_12]; /* per-beat To truth (NAN: none) */
} syn_beat;

/* The beats, curves and ECG of one recording.  beat[0] is the beat before
 * the recording (its end is in it), beat[1..n] the complete ones,
 * beat[n + 1] the one the recording stops in. */
typedef struct syn_plan {
    int n, nb;            /* complete beats; nb = n + 2 */
    syn_beat *beat;
    double t0, t_end;     /* first frame (before jitter); end of recording */
    int has_seg[DYS_N_SEGMENTS_12];
    syn_track seg[DYS_N_SEGMENTS_12];
    int ecg;
    syn_track ecg_track;
    double gain, noise_mv, dc, w_amp[2], w_freq[2], w_phase[2];
} syn_plan;

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

typedef struct syn_file {
    const char *path;
    const char *study_id;
    int view;        /* 0 all segments, 1 A4C, 2 A2C, 3 APLAX */
    uint64_t index;  /* study index (for the streams) */
    const char *setting_meta; /* device-setting metadata lines, or NULL */
} syn_file;

/* ---- shared between the files ------------------------------------- */

void syn_rng_init(syn_rng *r, uint64_t seed, uint64_t study, uint64_t stream);

/* Uniform in [0, 1). */
double syn_rng_unif(syn_rng *r);

double syn_rng_range(syn_rng *r, double lo, double hi);

/* Uniform integer in lo..hi. */
int syn_rng_int(syn_rng *r, int lo, int hi);

/* Standard normal (Box-Muller, one value per call). */
double syn_rng_gauss(syn_rng *r);

double syn_comp_eval(const syn_comp *c, double t);

double syn_curve_eval(const syn_curve *cv, double t);

/* The truth: argmax of f over [avo, avc], scanned on a grid of about
 * `grid` ms and refined by golden-section search on the two grid steps
 * around the best grid point.  strict: returns 0 and sets *ts when the peak
 * is acceptable (see the head comment; at least min_peak cm/s), -1
 * otherwise.  Not strict: sets
 * *ts to the argmax whatever the shape (a window edge when the curve is
 * highest there) and returns 0. */
int syn_peak_truth(syn_eval_fn f, const void *obj, double avo, double avc,
                      double grid, int strict, double min_peak, double *ts);

double syn_curve_eval_fn(const void *obj, double t);

/* True To by the engine's rule (timing.h): back from ts to where f last
 * rose through DYS_TO_FRACTION of f(ts), not before lo; the crossing to
 * 1e-6 ms by bisection.  NAN when there is none. */
double syn_onset_truth(syn_eval_fn f, const void *obj, double lo, double ts);

/* The single-beat truth (strict, on the SYN_GRID_MS grid). */
int syn_curve_truth(const syn_curve *cv, double avo, double avc, double *ts);

/* Draw study i from its physiology stream; 0 on success, -1 if a segment
 * could not be drawn (never happens with these ranges). */
int syn_draw_study(uint64_t seed, uint64_t i, syn_study *st);
/* The same heart with its S' target times drawn towards their mean by
 * `scale` (1: syn_draw_study's, 0.5: half the spread): the device-setting
 * model of dys_synth_params.settings.  Every random draw is the same at
 * any scale, so the settings are one patient's heart. */
int syn_draw_study_scaled(uint64_t seed, uint64_t i, double scale, syn_study *st);

/* The track at t, beats b0..b1 only (callers pass every beat that can
 * reach t). */
double syn_track_eval_range(const syn_track *tr, int b0, int b1, double t);

void syn_draw_ecg_morph(uint64_t seed, uint64_t i, const syn_study *st,
                           syn_ecg_morph *m);

void syn_plan_free(syn_plan *pl);

/* Plan one recording (several beats and/or ECG) of study i.  view 0: all
 * segments.  Returns 0, or -1 when out of memory. */
int syn_plan_recording(const dys_synth_params *p, const syn_study *st,
                          const syn_ecg_morph *em, uint64_t i, int view, syn_plan *pl);

/* ECG at file time t (mV) without noise. */
double syn_ecg_eval(const syn_plan *pl, double t);

void syn_format_for(int vary, int i, syn_format *f);

/* Column name of segment s in style f. */
void syn_column_name(const syn_format *f, int s, char *buf, size_t cap);

/* Format x with `decimals` places (C locale is in force), no "-0.000",
 * decimal comma on request. */
void syn_put_number(FILE *fp, double x, int decimals, int dec_comma);

#endif
