/* The LBBB strain markers (lbbb.c): each measure on piecewise-linear
 * curves whose answer is known exactly, the criteria and findings at and
 * across their thresholds, and whole studies analysed from smooth curves
 * against the same measures computed here on the analytic curves. */
#include "check_main.h"
#include "indices.h"
#include "lbbb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Strain at every ms from 0 to t_end, linear between the knots (t, y). */
static size_t polyline(const double (*k)[2], int nk, double t_end, double *out)
{
    size_t n = (size_t)t_end + 1;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i;
        int j = 0;
        while (j < nk - 2 && t > k[j + 1][0])
            j++;
        double u = (t - k[j][0]) / (k[j + 1][0] - k[j][0]);
        out[i] = k[j][1] + (k[j + 1][1] - k[j][1]) * fmin(fmax(u, 0), 1);
    }
    return n;
}

static double buf_a[4000], buf_b[4000];

/* Shortens to -5 % by 100 ms, rebounds to -2 % by 200 (3 % of rebound
 * stretch), shortens to -10 % at 300, on to -12 % at 400 after AVC (350),
 * back to 0 by 800.  At AVC the strain is -11 %: strain delay 1 %. */
START_TEST(segment_rebound_and_delay)
{
    static const double k[][2] = {{0, 0}, {100, -5}, {200, -2}, {300, -10}, {400, -12},
                                  {800, 0}};
    size_t n = polyline(k, 6, 800, buf_a);
    dys_lbbb_seg_beat sb;
    dys_lbbb_segment_beat(buf_a, n, 1.0, 80, 350, &sb);
    ck_assert_double_eq_tol(sb.rebound_stretch, 3.0, 1e-12);
    ck_assert_double_eq_tol(sb.prestretch, 0.0, 1e-12);
    ck_assert_double_eq_tol(sb.strain_delay, 1.0, 1e-12);
    /* a second rebound (-10 -> -8.5 between 300 and 320) adds 1.5 % */
    static const double k2[][2] = {{0, 0}, {100, -5}, {200, -2}, {300, -10}, {320, -8.5},
                                   {340, -11}, {400, -12}, {800, 0}};
    n = polyline(k2, 8, 800, buf_a);
    dys_lbbb_segment_beat(buf_a, n, 1.0, 80, 350, &sb);
    ck_assert_double_eq_tol(sb.rebound_stretch, 4.5, 1e-12);
    /* lengthening after AVC is not systolic: AVC at 150 keeps only the
     * rise from 100 to 150, 1.5 % */
    n = polyline(k, 6, 800, buf_a);
    dys_lbbb_segment_beat(buf_a, n, 1.0, 80, 150, &sb);
    ck_assert_double_eq_tol(sb.rebound_stretch, 1.5, 1e-12);
}
END_TEST

/* Lengthens to +2 % by 60 ms, then shortens to -15 % by 400: a pre-stretch
 * of 2 % before AVO (80), and no rebound (the lengthening before the
 * first shortening is not rebound stretch). */
START_TEST(segment_prestretch)
{
    static const double k[][2] = {{0, 0}, {60, 2}, {400, -15}, {700, 0}};
    size_t n = polyline(k, 4, 700, buf_a);
    dys_lbbb_seg_beat sb;
    dys_lbbb_segment_beat(buf_a, n, 1.0, 80, 350, &sb);
    ck_assert_double_eq_tol(sb.prestretch, 2.0, 1e-12);
    ck_assert_double_eq_tol(sb.rebound_stretch, 0.0, 1e-12);
    /* the peak at 400 is after AVC (350), where the strain is 2 - 0.05 x
     * 290 = -12.5 % */
    ck_assert_double_eq_tol(sb.strain_delay, 2.5, 1e-12);
    /* the peak of the stretch after AVO (at 100) counts only up to AVO:
     * the strain at 80 is 80 % of 2.5 % */
    static const double k2[][2] = {{0, 0}, {100, 2.5}, {400, -15}, {700, 0}};
    n = polyline(k2, 4, 700, buf_a);
    dys_lbbb_segment_beat(buf_a, n, 1.0, 80, 350, &sb);
    ck_assert_double_eq_tol(sb.prestretch, 2.0, 1e-12);
    /* measured from the value at QRS onset, not from 0 */
    for (size_t i = 0; i < n; i++)
        buf_a[i] += 1.0;
    dys_lbbb_segment_beat(buf_a, n, 1.0, 80, 350, &sb);
    ck_assert_double_eq_tol(sb.prestretch, 2.0, 1e-12);
}
END_TEST

/* The typical LBBB pattern: the septum shortens 6 % by 120 ms (AVO 90,
 * AVC 380: 10 % into ejection) and rebounds; the lateral wall stretches
 * 3 % by 100 ms and peaks at 450, after AVC.  Each criterion then fails
 * alone. */
static void walls_of(const double (*s)[2], int ns, const double (*l)[2], int nl,
                     dys_lbbb_result *m)
{
    size_t n = polyline(s, ns, 750, buf_a);
    polyline(l, nl, 750, buf_b);
    dys_lbbb_walls w;
    dys_lbbb_walls_beat(buf_a, buf_b, n, 1.0, 90, 380, &w);
    memset(m, 0, sizeof *m);
    m->avo_ms = 90;
    m->avc_ms = 380;
    m->early_end_ms = w.early_end_ms;
    m->sept_early_shortening_pct = w.sept_early_shortening_pct;
    m->lat_early_stretch_pct = w.lat_early_stretch_pct;
    m->sept_peak_ms = w.sept_peak_ms;
    m->lat_peak_ms = w.lat_peak_ms;
    m->flash_shortening_pct = w.flash_shortening_pct;
    m->flash_relengthening_pct = w.flash_relengthening_pct;
    m->flash_time_ms = w.flash_time_ms;
    dys_lbbb_decide(m);
}

#define PAT(m) ((m).value[DYS_IDX_LBBB_PATTERN - DYS_IDX_SRS_SEPT])
#define FLASH(m) ((m).value[DYS_IDX_SEPTAL_FLASH - DYS_IDX_SRS_SEPT])

START_TEST(pattern_criteria)
{
    static const double sept[][2] = {{0, 0}, {120, -6}, {300, -2}, {500, -8}, {750, 0}};
    static const double lat[][2] = {{0, 0}, {100, 3}, {450, -15}, {750, 0}};
    dys_lbbb_result m;
    walls_of(sept, 5, lat, 4, &m);
    /* the early window ends 30 % into ejection: 90 + 0.3 x 290 = 177 */
    ck_assert_double_eq_tol(m.early_end_ms, 177, 1e-9);
    ck_assert_double_eq_tol(m.sept_early_shortening_pct, 6, 1e-12);
    ck_assert_double_eq_tol(m.lat_early_stretch_pct, 3, 1e-12);
    ck_assert_double_eq_tol(m.sept_peak_ms, 120, 1e-12);
    ck_assert_double_eq_tol(m.sept_peak_ejection_pct, 100.0 * 30 / 290, 1e-9);
    ck_assert_double_eq_tol(m.lat_peak_ms, 450, 1e-12);
    ck_assert_int_eq(m.criterion[0], 1);
    ck_assert_int_eq(m.criterion[1], 1);
    ck_assert_int_eq(m.criterion[2], 1);
    ck_assert_double_eq(PAT(m), 1);
    /* 1 fails: the lateral wall shortens from the start */
    static const double lat_short[][2] = {{0, 0}, {100, -1}, {450, -15}, {750, 0}};
    walls_of(sept, 5, lat_short, 4, &m);
    ck_assert_double_eq_tol(m.lat_early_stretch_pct, 0, 1e-12);
    ck_assert_int_eq(m.criterion[0], 0);
    ck_assert_int_eq(m.criterion[1], 1);
    ck_assert_int_eq(m.criterion[2], 1);
    ck_assert_double_eq(PAT(m), 0);
    /* ... or stretches less than DYS_LBBB_MIN_PCT (0.9 %) */
    static const double lat_small[][2] = {{0, 0}, {100, 0.9}, {450, -15}, {750, 0}};
    walls_of(sept, 5, lat_small, 4, &m);
    ck_assert_int_eq(m.criterion[0], 0);
    /* 2 fails: the septum peaks at 320 ms, 79 % into ejection (70 % is at
     * 293 ms) */
    static const double sept_late[][2] = {{0, 0}, {120, -4}, {320, -6}, {500, -5}, {750, 0}};
    walls_of(sept_late, 5, lat, 4, &m);
    ck_assert_double_eq_tol(m.sept_peak_ms, 320, 1e-12);
    ck_assert_double_eq_tol(m.sept_peak_ejection_pct, 100.0 * 230 / 290, 1e-9);
    ck_assert_int_eq(m.criterion[0], 1);
    ck_assert_int_eq(m.criterion[1], 0);
    ck_assert_int_eq(m.criterion[2], 1);
    ck_assert_double_eq(PAT(m), 0);
    /* just inside 70 % (292 ms, 69.7 %) it is met */
    static const double sept_70[][2] = {{0, 0}, {120, -4}, {292, -6}, {500, -5}, {750, 0}};
    walls_of(sept_70, 5, lat, 4, &m);
    ck_assert_int_eq(m.criterion[1], 1);
    /* 3 fails: the lateral wall peaks at 350 ms, before AVC */
    static const double lat_early[][2] = {{0, 0}, {100, 3}, {350, -15}, {750, 0}};
    walls_of(sept, 5, lat_early, 4, &m);
    ck_assert_double_eq_tol(m.lat_peak_ms, 350, 1e-12);
    ck_assert_int_eq(m.criterion[0], 1);
    ck_assert_int_eq(m.criterion[1], 1);
    ck_assert_int_eq(m.criterion[2], 0);
    ck_assert_double_eq(PAT(m), 0);
    /* a criterion that cannot be measured makes the pattern unknown */
    m.lat_peak_ms = NAN;
    m.reason[DYS_IDX_LBBB_PATTERN - DYS_IDX_SRS_SEPT][0] = '\0';
    dys_lbbb_decide(&m);
    ck_assert_int_eq(m.criterion[2], -1);
    ck_assert(isnan(PAT(m)));
    ck_assert_str_ne(m.reason[DYS_IDX_LBBB_PATTERN - DYS_IDX_SRS_SEPT], "");
}
END_TEST

/* Septal flash: the septum shortens 3 % by 40 ms and lengthens back 2.5 %
 * by 80 (AVO 90), then shortens in ejection.  Without the return, or with
 * the lowest point at AVO, there is none. */
START_TEST(septal_flash)
{
    static const double lat[][2] = {{0, 0}, {100, 3}, {450, -15}, {750, 0}};
    static const double flash[][2] = {{0, 0}, {40, -3}, {80, -0.5}, {250, -12}, {750, 0}};
    dys_lbbb_result m;
    walls_of(flash, 5, lat, 4, &m);
    ck_assert_double_eq_tol(m.flash_shortening_pct, 3, 1e-12);
    ck_assert_double_eq_tol(m.flash_relengthening_pct, 2.5, 1e-12);
    ck_assert_double_eq_tol(m.flash_time_ms, 40, 1e-12);
    ck_assert_double_eq(FLASH(m), 1);
    /* shortening through AVO: the lowest point is at AVO, nothing after */
    static const double plain[][2] = {{0, 0}, {250, -12}, {750, 0}};
    walls_of(plain, 3, lat, 4, &m);
    ck_assert_double_eq_tol(m.flash_relengthening_pct, 0, 1e-12);
    ck_assert_double_eq_tol(m.flash_time_ms, 90, 1e-12);
    ck_assert_double_eq(FLASH(m), 0);
    /* a return of 0.9 %, below DYS_LBBB_MIN_PCT, is no flash */
    static const double small[][2] = {{0, 0}, {40, -3}, {80, -2.1}, {100, -2.2}, {250, -12},
                                      {750, 0}};
    walls_of(small, 6, lat, 4, &m);
    ck_assert_double_eq_tol(m.flash_relengthening_pct, 0.9, 1e-12);
    ck_assert_double_eq(FLASH(m), 0);
}
END_TEST

/* ---- whole studies ---------------------------------------------------- */

static double bump(double t, double c, double sd, double amp)
{
    return amp * exp(-0.5 * (t - c) * (t - c) / (sd * sd));
}

/* Septum: an early dip at 110 ms and a post-systolic one at 480; lateral
 * wall: a pre-stretch peaking at 60 ms and shortening peaking at 450,
 * after AVC (380); every other segment a plain dip at 250.  Each wall
 * segment scaled a little differently so that the means are not one
 * segment's value. */
static double curve(double t, int k)
{
    double sc = 1.0 + 0.1 * (k / 6); /* by ring: basal, mid, apical */
    switch (k) {
    case DYS_AHA_BASAL_INFEROSEPTAL:
    case DYS_AHA_MID_INFEROSEPTAL:
    case DYS_AHA_APICAL_INFEROSEPTAL:
        return sc * (-bump(t, 110, 35, 7.0) - bump(t, 480, 60, 9.0));
    case DYS_AHA_BASAL_ANTEROLATERAL:
    case DYS_AHA_MID_ANTEROLATERAL:
    case DYS_AHA_APICAL_ANTEROLATERAL:
        return sc * (bump(t, 60, 25, 2.5) - bump(t, 450, 80, 16.0));
    default:
        return -bump(t, 250 + 5.0 * k, 70, 15.0);
    }
}

#define AVO 90.0
#define AVC 380.0
#define RR 857.0

/* The measures of dys_lbbb_segment_beat computed again from their
 * definitions on the analytic curve, every 0.01 ms over one cycle. */
static void reference(int k, double *rebound, double *prestretch, double *delay)
{
    const double h = 0.01;
    double e0 = curve(0, k), prev = e0, high = e0, low = e0, rb = 0;
    int shortened = 0;
    for (double t = h; t <= RR; t += h) {
        double e = curve(t, k);
        if (t <= AVC && shortened && e > prev)
            rb += e - prev;
        if (e < e0)
            shortened = 1;
        if (t <= AVO)
            high = fmax(high, e);
        low = fmin(low, e);
        prev = e;
    }
    *rebound = rb;
    *prestretch = high - e0;
    *delay = curve(AVC, k) - low;
}

static dys_study *study(int nseg, const int *drop, int ndrop)
{
    dys_study *s = calloc(1, sizeof *s);
    s->study_id = dys_strdup("lbbb");
    s->source = dys_strdup("memory");
    s->avo_ms = AVO;
    s->avc_ms = AVC;
    s->hr_bpm = 60000.0 / RR;
    s->qrs_duration_ms = s->lvef_pct = NAN;
    s->lbbb = -1;
    s->tapse_mm = s->rv_s_prime_cm_s = NAN;
    s->trace = DYS_TRACE_STRAIN;
    dys_work_input_init(&s->work);
    s->n_rec = 1;
    s->rec = calloc(1, sizeof *s->rec);
    dys_recording *r = s->rec;
    dys_recording_init(r);
    r->source = dys_strdup("memory");
    r->format = dys_strdup("csv");
    r->n = 90; /* 100 frames/s, 0..890 ms: one cycle */
    r->t_ms = malloc(r->n * sizeof *r->t_ms);
    for (size_t i = 0; i < r->n; i++)
        r->t_ms[i] = 10.0 * (double)i;
    for (int k = 0; k < nseg; k++) {
        int skip = 0;
        for (int d = 0; d < ndrop; d++)
            skip |= drop[d] == k;
        if (skip)
            continue;
        r->seg[k] = malloc(r->n * sizeof(double));
        for (size_t i = 0; i < r->n; i++)
            r->seg[k][i] = curve(r->t_ms[i], k);
    }
    return s;
}

/* The same heart for three beats and the start of a fourth: the curves
 * repeat every RR, the QRS onsets given. */
static dys_study *study_beats(void)
{
    dys_study *s = study(DYS_N_SEGMENTS, NULL, 0);
    dys_recording *r = s->rec;
    r->n = 300; /* 0..2990 ms */
    r->t_ms = realloc(r->t_ms, r->n * sizeof *r->t_ms);
    for (size_t i = 0; i < r->n; i++)
        r->t_ms[i] = 10.0 * (double)i;
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        r->seg[k] = realloc(r->seg[k], r->n * sizeof(double));
        for (size_t i = 0; i < r->n; i++)
            r->seg[k][i] = curve(fmod(r->t_ms[i], RR), k);
    }
    r->n_qrs_onsets = 4;
    r->qrs_onsets_ms = malloc(4 * sizeof *r->qrs_onsets_ms);
    for (int b = 0; b < 4; b++)
        r->qrs_onsets_ms[b] = b * RR;
    return s;
}

static dys_result *analyze(dys_study *s)
{
    dys_ctx *ctx = dys_ctx_new();
    dys_result *r = NULL;
    dys_status st = dys_analyze(ctx, s, NULL, &r);
    ck_assert_msg(st == DYS_OK, "analyze failed: %s", dys_ctx_error(ctx));
    dys_ctx_free(ctx);
    return r;
}

static const int sept_segs[3] = {DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_MID_INFEROSEPTAL,
                                 DYS_AHA_APICAL_INFEROSEPTAL};
static const int lat_segs[3] = {DYS_AHA_BASAL_ANTEROLATERAL, DYS_AHA_MID_ANTEROLATERAL,
                                DYS_AHA_APICAL_ANTEROLATERAL};

START_TEST(study_markers)
{
    dys_study *s = study(DYS_N_SEGMENTS, NULL, 0);
    dys_result *r = analyze(s);
    const dys_lbbb_result *m = &r->lbbb_markers;
    ck_assert_int_eq(m->computed, 1);
    ck_assert_int_eq(m->rec, 0);
    ck_assert_int_eq(m->n_beats, 1);
    double srs = 0, pre = 0, sdi = 0;
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        double rb, ps, dl;
        reference(k, &rb, &ps, &dl);
        ck_assert_int_eq(r->seg[k].status, DYS_SEG_OK);
        /* the spline through 100 frames/s against the analytic curve */
        ck_assert_msg(fabs(m->seg_rebound_stretch_pct[k] - rb) < 0.02, "%d: rebound %g, %g",
                      k, m->seg_rebound_stretch_pct[k], rb);
        ck_assert_msg(fabs(m->seg_prestretch_pct[k] - ps) < 0.02, "%d: prestretch %g, %g", k,
                      m->seg_prestretch_pct[k], ps);
        ck_assert_msg(fabs(m->seg_strain_delay_pct[k] - dl) < 0.02, "%d: delay %g, %g", k,
                      m->seg_strain_delay_pct[k], dl);
        sdi += m->seg_strain_delay_pct[k];
    }
    for (int j = 0; j < 3; j++) {
        double rb, ps, dl;
        reference(sept_segs[j], &rb, &ps, &dl);
        srs += rb / 3;
        ck_assert(rb > 2.0); /* a rebound of a few %, not a rounding */
        reference(lat_segs[j], &rb, &ps, &dl);
        pre += ps / 3;
        ck_assert(ps > 1.5);
    }
    ck_assert_double_eq_tol(r->index[DYS_IDX_SRS_SEPT], srs, 0.02);
    ck_assert_double_eq_tol(r->index[DYS_IDX_LW_PRESTRETCH], pre, 0.02);
    ck_assert_double_eq_tol(r->index[DYS_IDX_SSI], srs + pre, 0.04);
    ck_assert_double_eq_tol(r->index[DYS_IDX_SSI],
                            r->index[DYS_IDX_SRS_SEPT] + r->index[DYS_IDX_LW_PRESTRETCH], 1e-12);
    ck_assert_double_eq_tol(r->index[DYS_IDX_SDI], sdi, 1e-9);
    ck_assert(r->index[DYS_IDX_SDI] > 5);
    /* the walls: early septal dip with lateral stretch, septal peak 7 %
     * into ejection, lateral peak 450 ms: the typical pattern */
    ck_assert_int_eq(m->criterion[0], 1);
    ck_assert_int_eq(m->criterion[1], 1);
    ck_assert_int_eq(m->criterion[2], 1);
    ck_assert_double_eq_tol(m->sept_peak_ms, 110, 2);
    ck_assert_double_eq_tol(m->lat_peak_ms, 450, 2);
    ck_assert_double_eq(r->index[DYS_IDX_LBBB_PATTERN], 1);
    /* the septum is still shortening at AVO: no flash */
    ck_assert_double_eq(r->index[DYS_IDX_SEPTAL_FLASH], 0);
    ck_assert_str_eq(r->index_reason[DYS_IDX_SRS_SEPT], "");
    dys_result_free(r);
    dys_study_free(s);
}
END_TEST

/* Three beats of one heart: every marker is the single beat's, the wall
 * values averaged over the beats that every wall segment covers. */
START_TEST(study_several_beats)
{
    dys_study *one = study(DYS_N_SEGMENTS, NULL, 0), *three = study_beats();
    dys_result *a = analyze(one), *b = analyze(three);
    ck_assert_int_eq(a->lbbb_markers.n_beats, 1);
    ck_assert_int_eq(b->lbbb_markers.n_beats, 3);
    for (int i = DYS_IDX_SRS_SEPT; i <= DYS_IDX_SEPTAL_FLASH; i++)
        ck_assert_msg(fabs(a->index[i] - b->index[i]) < 0.05, "%s: %g, %g",
                      dys_index_get(i)->key, a->index[i], b->index[i]);
    ck_assert_double_eq_tol(a->lbbb_markers.lat_peak_ms, b->lbbb_markers.lat_peak_ms, 2);
    ck_assert_double_eq_tol(a->lbbb_markers.sept_peak_ms, b->lbbb_markers.sept_peak_ms, 2);
    dys_result_free(a);
    dys_result_free(b);
    dys_study_free(one);
    dys_study_free(three);
}
END_TEST

/* Two septal segments missing: the septal markers are null with the
 * segments named; the lateral ones stay. */
START_TEST(study_too_few_segments)
{
    static const int drop[2] = {DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_APICAL_INFEROSEPTAL};
    dys_study *s = study(DYS_N_SEGMENTS, drop, 2);
    dys_result *r = analyze(s);
    ck_assert(isnan(r->index[DYS_IDX_SRS_SEPT]));
    ck_assert_ptr_nonnull(strstr(r->index_reason[DYS_IDX_SRS_SEPT],
                                 "1 of 3 segments usable (needs 2)"));
    ck_assert_ptr_nonnull(strstr(r->index_reason[DYS_IDX_SRS_SEPT], "basal_inferoseptal"));
    ck_assert(isnan(r->index[DYS_IDX_SSI]));
    ck_assert_ptr_nonnull(strstr(r->index_reason[DYS_IDX_SSI], "srs_sept_pct is null"));
    ck_assert(isnan(r->index[DYS_IDX_LBBB_PATTERN]));
    ck_assert(isnan(r->index[DYS_IDX_SEPTAL_FLASH]));
    ck_assert(r->index[DYS_IDX_LW_PRESTRETCH] > 1.5);
    /* 16 of 18 segments: the strain delay index still sums them */
    ck_assert(isfinite(r->index[DYS_IDX_SDI]));
    dys_result_free(r);
    dys_study_free(s);
    /* without apical segments the strain delay index is null, the wall
     * markers come from the basal and mid segments */
    s = study(DYS_N_SEGMENTS_12, NULL, 0);
    r = analyze(s);
    ck_assert(isnan(r->index[DYS_IDX_SDI]));
    ck_assert_ptr_nonnull(strstr(r->index_reason[DYS_IDX_SDI], "no apical segment"));
    ck_assert(isfinite(r->index[DYS_IDX_SRS_SEPT]));
    ck_assert_double_eq(r->index[DYS_IDX_LBBB_PATTERN], 1);
    dys_result_free(r);
    dys_study_free(s);
}
END_TEST

/* A velocity study, an index family not asked for, a result zeroed by
 * hand: null, never 0. */
START_TEST(not_measured_is_null)
{
    dys_study *s = study(DYS_N_SEGMENTS, NULL, 0);
    s->trace = DYS_TRACE_VELOCITY;
    dys_result *r = analyze(s);
    for (int i = DYS_IDX_SRS_SEPT; i <= DYS_IDX_SEPTAL_FLASH; i++) {
        ck_assert(isnan(r->index[i]));
        ck_assert_ptr_nonnull(strstr(r->index_reason[i], "strain index"));
    }
    ck_assert_int_eq(r->lbbb_markers.computed, 0);
    dys_result_free(r);
    s->trace = DYS_TRACE_STRAIN;
    dys_params p;
    dys_params_defaults(&p);
    p.indices = dys_family_indices("strain");
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_int_eq(dys_analyze(ctx, s, &p, &r), DYS_OK);
    dys_ctx_free(ctx);
    for (int i = DYS_IDX_SRS_SEPT; i <= DYS_IDX_SEPTAL_FLASH; i++) {
        ck_assert(isnan(r->index[i]));
        ck_assert_str_eq(r->index_reason[i], DYS_NOT_REQUESTED);
    }
    ck_assert_str_eq(dys_index_family(DYS_IDX_SSI), "lbbb");
    dys_result_free(r);
    dys_study_free(s);
    dys_result z;
    memset(&z, 0, sizeof z);
    z.trace = DYS_TRACE_STRAIN;
    z.model_segments = DYS_N_SEGMENTS;
    dys_params_defaults(&p);
    dys_compute_indices(&z, &p);
    for (int i = DYS_IDX_SRS_SEPT; i <= DYS_IDX_SEPTAL_FLASH; i++)
        ck_assert(isnan(z.index[i]));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lbbb");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, segment_rebound_and_delay);
    tcase_add_test(tc, segment_prestretch);
    tcase_add_test(tc, pattern_criteria);
    tcase_add_test(tc, septal_flash);
    tcase_add_test(tc, study_markers);
    tcase_add_test(tc, study_several_beats);
    tcase_add_test(tc, study_too_few_segments);
    tcase_add_test(tc, not_measured_is_null);
    suite_add_tcase(s, tc);
    return s;
}

DYS_CHECK_MAIN(suite)
