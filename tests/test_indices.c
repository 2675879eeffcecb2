/* Index catalogue on the exact cross-check vectors of docs/indices.md. */
#include "check_main.h"
#include "indices.h"

#include <math.h>
#include <string.h>

/* AHA order of the vectors: bS, bL, bA, bI, bAS, bP, mS, mL, mA, mI, mAS, mP */
static const int order[12] = {
    DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_BASAL_ANTEROLATERAL, DYS_AHA_BASAL_ANTERIOR,
    DYS_AHA_BASAL_INFERIOR, DYS_AHA_BASAL_ANTEROSEPTAL, DYS_AHA_BASAL_INFEROLATERAL,
    DYS_AHA_MID_INFEROSEPTAL, DYS_AHA_MID_ANTEROLATERAL, DYS_AHA_MID_ANTERIOR,
    DYS_AHA_MID_INFERIOR, DYS_AHA_MID_ANTEROSEPTAL, DYS_AHA_MID_INFEROLATERAL};

static void fill(dys_result *r, const double ts[12])
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < 12; i++) {
        r->seg[order[i]].status = DYS_SEG_OK;
        r->seg[order[i]].ts_ms = ts[i];
    }
}

static void compute(dys_result *r, dys_sd_kind sd)
{
    dys_params p;
    dys_params_defaults(&p);
    p.sd = sd;
    dys_compute_indices(r, &p);
}

#define NEAR(x, y) ck_assert_double_eq_tol((x), (y), 5e-5)

START_TEST(vector_a_synchronous)
{
    static const double a[12] = {120, 125, 118, 130, 122, 127, 124, 121, 126, 119, 128, 123};
    dys_result r;
    fill(&r, a);
    compute(&r, DYS_SD_SAMPLE);
    NEAR(r.index[DYS_IDX_TS_SD_12], 3.7528);
    NEAR(r.index[DYS_IDX_TS_DIFF_12], 12);
    NEAR(r.index[DYS_IDX_TS_SD_6_BASAL], 4.5019);
    NEAR(r.index[DYS_IDX_SEPTAL_LATERAL], 5);
    NEAR(r.index[DYS_IDX_BASAL_4SEG_MAX], 12);
    NEAR(r.index[DYS_IDX_ANTEROSEPTAL_POSTERIOR], 5);
    ck_assert_int_eq(r.n_segments, 12);
    compute(&r, DYS_SD_POPULATION);
    NEAR(r.index[DYS_IDX_TS_SD_12], 3.5930);
}
END_TEST

START_TEST(vector_b_lbbb)
{
    static const double b[12] = {95, 180, 150, 110, 100, 200, 105, 170, 140, 115, 110, 190};
    dys_result r;
    fill(&r, b);
    compute(&r, DYS_SD_SAMPLE);
    NEAR(r.index[DYS_IDX_TS_SD_12], 38.0863);
    NEAR(r.index[DYS_IDX_TS_DIFF_12], 105);
    NEAR(r.index[DYS_IDX_TS_SD_6_BASAL], 44.3189);
    NEAR(r.index[DYS_IDX_SEPTAL_LATERAL], 85);
    NEAR(r.index[DYS_IDX_BASAL_4SEG_MAX], 85);
    NEAR(r.index[DYS_IDX_ANTEROSEPTAL_POSTERIOR], 100);
    /* opposing pairs: S-L 85, A-I |110-150| 40, AS-P 100 */
    NEAR(r.index[DYS_IDX_OPPOSING_WALL_MAX], 100);
    NEAR(r.index[DYS_IDX_TS_DIFF_6_BASAL], 105);
    compute(&r, DYS_SD_POPULATION);
    NEAR(r.index[DYS_IDX_TS_SD_12], 36.4649);
}
END_TEST

START_TEST(vector_c_even)
{
    double c[12];
    for (int i = 0; i < 12; i++)
        c[i] = 100 + 10 * i;
    dys_result r;
    fill(&r, c);
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_double_eq_tol(r.index[DYS_IDX_TS_SD_12], sqrt(1300.0), 1e-9);
    compute(&r, DYS_SD_POPULATION);
    ck_assert_double_eq_tol(r.index[DYS_IDX_TS_SD_12], sqrt(1191.0 + 2.0 / 3.0), 1e-9);
}
END_TEST

START_TEST(signed_delays)
{
    /* lateral earlier than septum: a negative septal-lateral delay */
    static const double b[12] = {180, 95, 150, 110, 200, 100, 105, 170, 140, 115, 110, 190};
    dys_result r;
    fill(&r, b);
    compute(&r, DYS_SD_SAMPLE);
    NEAR(r.index[DYS_IDX_SEPTAL_LATERAL], -85);
    NEAR(r.index[DYS_IDX_ANTEROSEPTAL_POSTERIOR], -100);
    NEAR(r.index[DYS_IDX_OPPOSING_WALL_MAX], 100);
}
END_TEST

START_TEST(to_indices)
{
    /* The To indices: the same statistics on to_ms (vector B as To), over
     * the ok segments whose onset was found. */
    static const double a[12] = {120, 125, 118, 130, 122, 127, 124, 121, 126, 119, 128, 123};
    static const double b[12] = {95, 180, 150, 110, 100, 200, 105, 170, 140, 115, 110, 190};
    dys_result r;
    fill(&r, a);
    for (int i = 0; i < 12; i++)
        r.seg[order[i]].to_ms = b[i];
    compute(&r, DYS_SD_SAMPLE);
    NEAR(r.index[DYS_IDX_TO_SD_12], 38.0863);
    NEAR(r.index[DYS_IDX_TO_SD_6_BASAL], 44.3189);
    NEAR(r.index[DYS_IDX_TO_DIFF_6_BASAL], 105);
    NEAR(r.index[DYS_IDX_TS_SD_12], 3.7528); /* Ts untouched */
    /* two basal onsets not found: To-SD-6 needs 5 of 6 */
    r.seg[DYS_AHA_BASAL_ANTERIOR].to_ms = NAN;
    r.seg[DYS_AHA_BASAL_INFERIOR].to_ms = NAN;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_TO_SD_6_BASAL]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_TO_SD_6_BASAL],
                                 "basal_anterior no onset of systolic velocity"));
    ck_assert(isfinite(r.index[DYS_IDX_TO_SD_12])); /* 10 of 12 */
    ck_assert_int_eq(r.n_segments, 12);
    /* the warning of that cause names the onsets missing, though every
     * segment is ok (it read "too few usable segments ()") */
    char causes[DYS_N_INDICES][DYS_NULL_CAUSE_MAX];
    int nc = dys_null_causes(&r, causes, DYS_N_INDICES), found = 0;
    for (int i = 0; i < nc; i++)
        if (strstr(causes[i], "to_sd_6_basal_ms")) {
            found = 1;
            ck_assert_msg(strstr(causes[i], "basal_anterior no onset of systolic velocity") &&
                              !strstr(causes[i], "()"),
                          "%s", causes[i]);
        }
    ck_assert(found);
}
END_TEST

START_TEST(minimum_segment_rule)
{
    static const double a[12] = {120, 125, 118, 130, 122, 127, 124, 121, 126, 119, 128, 123};
    dys_result r;
    fill(&r, a);
    r.seg[DYS_AHA_MID_INFERIOR].status = DYS_SEG_MISSING;
    r.seg[DYS_AHA_MID_ANTERIOR].status = DYS_SEG_INDETERMINATE;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_int_eq(r.n_segments, 10);
    ck_assert(isfinite(r.index[DYS_IDX_TS_SD_12])); /* 10 of 12 is enough */
    r.seg[DYS_AHA_BASAL_ANTERIOR].status = DYS_SEG_MISSING;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_TS_SD_12]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_TS_SD_12], "9 of 12"));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_TS_SD_12], "basal_anterior missing"));
    /* 5 of 6 basal: still computed */
    ck_assert(isfinite(r.index[DYS_IDX_TS_SD_6_BASAL]));
    /* pair and 4-basal need their segments */
    ck_assert(isnan(r.index[DYS_IDX_BASAL_4SEG_MAX]));
    ck_assert(isnan(r.index[DYS_IDX_OPPOSING_WALL_MAX]));
    ck_assert(isfinite(r.index[DYS_IDX_SEPTAL_LATERAL]));
}
END_TEST

/* Vector D of docs/indices.md: time to peak strain of the 18 segments, in
 * segment order 1-18 (AHA 1-12, then the apical ring), ms.  By hand: the
 * 18 sum to 6765, mean 375.8333, squared deviations 46662.5, so the
 * sample SD is sqrt(46662.5 / 17) = 52.3913; the first 12 sum to 4545,
 * mean 378.75, squared deviations 39106.25, SD sqrt(39106.25 / 11). */
static const double vec_d[18] = {410, 315, 300, 360, 450, 460, 400, 320, 310,
                                 350, 430, 440, 390, 335, 330, 345, 400, 420};

static void fill_strain18(dys_result *r)
{
    memset(r, 0, sizeof *r);
    r->trace = DYS_TRACE_STRAIN;
    r->model_segments = DYS_N_SEGMENTS;
    for (int s = 0; s < DYS_N_SEGMENTS; s++) {
        r->seg[s].status = DYS_SEG_OK;
        r->seg[s].ts_ms = NAN;
        r->seg[s].strain_ttp_ms = vec_d[s];
        r->seg[s].strain_ttp_es_ms = fmin(vec_d[s], 380);
        r->seg[s].strain_psi_pct = 1;
    }
}

START_TEST(strain_dispersion_18)
{
    dys_result r;
    fill_strain18(&r);
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_int_eq(r.n_segments, 18);
    ck_assert_double_eq_tol(r.index[DYS_IDX_STRAIN_TTP_SD_18], sqrt(46662.5 / 17), 1e-9);
    NEAR(r.index[DYS_IDX_STRAIN_TTP_SD_18], 52.3913);
    /* the 12-segment index keeps its segments: the apical ring does not
     * move it */
    ck_assert_double_eq_tol(r.index[DYS_IDX_STRAIN_TTP_SD_12], sqrt(39106.25 / 11), 1e-9);
    NEAR(r.index[DYS_IDX_STRAIN_TTP_DIFF_12], 160);
    compute(&r, DYS_SD_POPULATION);
    ck_assert_double_eq_tol(r.index[DYS_IDX_STRAIN_TTP_SD_18], sqrt(46662.5 / 18), 1e-9);
    /* velocity indices are null in a strain study, without a reason
     * counted among the null causes */
    ck_assert(isnan(r.index[DYS_IDX_TS_SD_12]));
}
END_TEST

/* 15 of 18 by default (--min-segments 10 of 12, the same share); the
 * share follows --min-segments. */
START_TEST(strain_dispersion_18_minimum)
{
    dys_result r;
    fill_strain18(&r);
    r.seg[DYS_AHA_APICAL_ANTERIOR].status = DYS_SEG_MISSING;
    r.seg[DYS_AHA_APICAL_ANTEROSEPTAL].status = DYS_SEG_INDETERMINATE;
    r.seg[DYS_AHA_APICAL_INFEROSEPTAL].status = DYS_SEG_MISSING;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_int_eq(r.n_segments, 15);
    /* 15 left: 410 .. 440 and 345, 400, 420 sum to 5710, mean 380.6667,
     * squared deviations 42343.3333 */
    ck_assert_double_eq_tol(r.index[DYS_IDX_STRAIN_TTP_SD_18], sqrt((42343.0 + 1.0 / 3) / 14),
                            1e-9);
    r.seg[DYS_AHA_APICAL_INFERIOR].status = DYS_SEG_MISSING;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_STRAIN_TTP_SD_18]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_STRAIN_TTP_SD_18],
                                 "14 of 18 segments usable (needs 15)"));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_STRAIN_TTP_SD_18],
                                 "apical_anteroseptal indeterminate"));
    ck_assert(isfinite(r.index[DYS_IDX_STRAIN_TTP_SD_12])); /* its 12 are all ok */
    dys_params p;
    dys_params_defaults(&p);
    p.min_segments_12 = 8; /* 8 of 12: 12 of 18 */
    dys_compute_indices(&r, &p);
    ck_assert(isfinite(r.index[DYS_IDX_STRAIN_TTP_SD_18]));
    p.min_segments_12 = 12; /* every segment */
    dys_compute_indices(&r, &p);
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_STRAIN_TTP_SD_18], "(needs 18)"));
}
END_TEST

/* A 12-segment strain study: the 18-segment index is null with one
 * sentence, not six apical segments listed as missing; and a result zeroed
 * by hand (status 0 is ok) counts its 12, not 18. */
START_TEST(strain_dispersion_12_model)
{
    dys_result r;
    fill_strain18(&r);
    r.model_segments = DYS_N_SEGMENTS_12;
    for (int s = DYS_N_SEGMENTS_12; s < DYS_N_SEGMENTS; s++)
        r.seg[s].status = DYS_SEG_MISSING;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_int_eq(r.n_segments, 12);
    ck_assert(isnan(r.index[DYS_IDX_STRAIN_TTP_SD_18]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_STRAIN_TTP_SD_18],
                                 "no apical segment (the 12-segment model)"));
    ck_assert_double_eq_tol(r.index[DYS_IDX_STRAIN_TTP_SD_12], sqrt(39106.25 / 11), 1e-9);
    char causes[DYS_N_INDICES][DYS_NULL_CAUSE_MAX];
    int nc = dys_null_causes(&r, causes, DYS_N_INDICES);
    /* the 18-segment index, the LBBB markers and the strain delay index
     * that this hand-made result was not analysed for (lbbb.c), and the
     * global strain that no recording of it gives */
    ck_assert_int_eq(nc, 4);
    ck_assert_ptr_nonnull(strstr(causes[0], "strain_ttp_sd_18_ms is null: the study holds no "
                                            "apical segment"));
    ck_assert_ptr_nonnull(strstr(causes[1], "5 indices are null, the LBBB markers were not "
                                            "measured: srs_sept_pct"));
    ck_assert_ptr_nonnull(strstr(causes[2], "sdi_pct is null: the study holds no apical "
                                            "segment"));
    ck_assert_ptr_nonnull(strstr(causes[3], "global_strain_peak_pct is null: no recording "
                                            "gives a global strain curve"));
    dys_result z;
    memset(&z, 0, sizeof z);
    compute(&z, DYS_SD_SAMPLE);
    ck_assert_int_eq(z.n_segments, 12);
}
END_TEST

/* Global strain: the mean of the recordings' peaks (GLS over the views),
 * those without a global curve left out; null with its reason when none
 * has one; never computed in a velocity study; no cut-off classifies it. */
START_TEST(global_strain_views_mean)
{
    dys_result r;
    fill_strain18(&r);
    dys_result_rec rec[3];
    memset(rec, 0, sizeof rec);
    rec[0].global_strain_peak_pct = -14.0;
    rec[1].global_strain_peak_pct = NAN; /* a file without a global curve */
    rec[2].global_strain_peak_pct = -17.5;
    r.rec = rec;
    r.n_rec = 3;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_double_eq_tol(r.index[DYS_IDX_GLOBAL_STRAIN_PEAK], -15.75, 1e-12);
    ck_assert_str_eq(r.index_reason[DYS_IDX_GLOBAL_STRAIN_PEAK], "");
    ck_assert_ptr_null(dys_cutoff_default(DYS_IDX_GLOBAL_STRAIN_PEAK));
    for (int c = 0; c < r.n_class; c++)
        ck_assert_int_ne(r.classification[c].index, DYS_IDX_GLOBAL_STRAIN_PEAK);
    rec[0].global_strain_peak_pct = rec[2].global_strain_peak_pct = NAN;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_GLOBAL_STRAIN_PEAK]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_GLOBAL_STRAIN_PEAK],
                                 "no recording gives a global strain curve"));
    rec[0].global_strain_peak_pct = -14.0;
    r.trace = DYS_TRACE_VELOCITY;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_GLOBAL_STRAIN_PEAK]));
    ck_assert(!dys_index_applies(DYS_IDX_GLOBAL_STRAIN_PEAK, DYS_TRACE_VELOCITY));
    ck_assert(dys_index_applies(DYS_IDX_GLOBAL_STRAIN_PEAK, DYS_TRACE_STRAIN));
    ck_assert_str_eq(dys_index_get(DYS_IDX_GLOBAL_STRAIN_PEAK)->key, "global_strain_peak_pct");
}
END_TEST

/* Apical segments in a velocity study never move a 12-segment index. */
START_TEST(apical_segments_leave_12_indices)
{
    static const double b[12] = {95, 180, 150, 110, 100, 200, 105, 170, 140, 115, 110, 190};
    dys_result r;
    fill(&r, b);
    compute(&r, DYS_SD_SAMPLE);
    double before[DYS_N_INDICES];
    memcpy(before, r.index, sizeof before);
    r.model_segments = DYS_N_SEGMENTS;
    for (int s = DYS_N_SEGMENTS_12; s < DYS_N_SEGMENTS; s++) {
        r.seg[s].status = DYS_SEG_OK;
        r.seg[s].ts_ms = 500 + 40 * s; /* far outside the basal and mid spread */
        r.seg[s].to_ms = 400;
        r.seg[s].phase_deg = 300;
    }
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_int_eq(r.n_segments, 18);
    for (int i = 0; i < DYS_N_INDICES; i++)
        ck_assert_msg(isnan(before[i]) ? isnan(r.index[i]) : r.index[i] == before[i], "%s moved",
                      dys_index_get(i)->key);
}
END_TEST

START_TEST(catalogue_is_complete)
{
    static const struct { const char *unit, *suffix; } units[] = {
        {"ms", "_ms"}, {"%", "_pct"}, {"deg", "_deg"}, {"segments", "_count"},
        {"mmHg%", "_mmhg_pct"}, {"mm", "_mm"}, {"0/1", ""}};
    for (int i = 0; i < DYS_N_INDICES; i++) {
        const dys_index_info *in = dys_index_get(i);
        ck_assert_ptr_nonnull(in);
        int found = 0; /* the unit is in the name */
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            if (!strcmp(in->unit, units[u].unit)) {
                size_t kl = strlen(in->key), sl = strlen(units[u].suffix);
                ck_assert_msg(kl > sl && !strcmp(in->key + kl - sl, units[u].suffix),
                              "%s: unit %s", in->key, in->unit);
                found = 1;
            }
        ck_assert_msg(found, "%s: unknown unit %s", in->key, in->unit);
        for (int j = 0; j < i; j++) /* stable, distinct keys */
            ck_assert_str_ne(in->key, dys_index_get(j)->key);
    }
    ck_assert_ptr_null(dys_index_get(DYS_N_INDICES));
    /* the published cut-offs, the default being the first listed */
    int n_yu = 0;
    for (int i = 0; dys_cutoff_get(i); i++) {
        const dys_cutoff *c = dys_cutoff_get(i);
        ck_assert(c->index >= 0 && c->index < DYS_N_INDICES);
        ck_assert_ptr_nonnull(c->source);
        ck_assert_ptr_nonnull(c->population);
        ck_assert_ptr_nonnull(c->validity); /* every row reviewed, with its reason */
        n_yu += c->index == DYS_IDX_TS_SD_12;
    }
    ck_assert_int_eq(n_yu, 4); /* 32.6, 31.4, 33, 34.4 */
    ck_assert_double_eq(dys_cutoff_default(DYS_IDX_TS_SD_12)->value, 32.6);
    ck_assert_double_eq(dys_cutoff_default(DYS_IDX_OPPOSING_WALL_MAX)->value, 65);
    ck_assert_double_eq(dys_cutoff_default(DYS_IDX_TO_SD_6_BASAL)->value, 20);
    ck_assert_double_eq(dys_cutoff_default(DYS_IDX_PHASE_SD)->value, 43);
    ck_assert_int_eq(dys_cutoff_default(DYS_IDX_SEPTAL_LATERAL)->on_abs, 1);
    ck_assert_ptr_null(dys_cutoff_default(DYS_IDX_TS_SD_6_BASAL));
    /* the review (docs/indices.md): SPECT phase and the To rows, whose
     * onset rule differs, are reference only; the Ts rows are validated */
    ck_assert_int_eq(dys_cutoff_default(DYS_IDX_PHASE_SD)->validated, 0);
    ck_assert_int_eq(dys_cutoff_default(DYS_IDX_TO_SD_6_BASAL)->validated, 0);
    ck_assert_int_eq(dys_cutoff_default(DYS_IDX_TO_DIFF_6_BASAL)->validated, 0);
    ck_assert_int_eq(dys_cutoff_default(DYS_IDX_TS_SD_12)->validated, 1);
    ck_assert_int_eq(dys_cutoff_default(DYS_IDX_OPPOSING_WALL_MAX)->validated, 1);
}
END_TEST

static const dys_class *class_of(const dys_result *r, int index)
{
    for (int c = 0; c < r->n_class; c++)
        if (r->classification[c].index == index)
            return &r->classification[c];
    return NULL;
}

START_TEST(classification_and_borderline)
{
    static const double b[12] = {95, 180, 150, 110, 100, 200, 105, 170, 140, 115, 110, 190};
    dys_result r;
    fill(&r, b);
    compute(&r, DYS_SD_SAMPLE);
    const dys_class *k = class_of(&r, DYS_IDX_TS_SD_12);
    ck_assert_ptr_nonnull(k);
    ck_assert_double_eq(k->cutoff, 32.6);
    ck_assert_int_eq(k->dyssynchronous, 1); /* 38.1 */
    ck_assert_int_eq(k->borderline, 0);     /* 38.1 is 17 % above */
    k = class_of(&r, DYS_IDX_SEPTAL_LATERAL);
    ck_assert_int_eq(k->dyssynchronous, 1); /* |85| >= 60 */
    /* vector A, synchronous: none dyssynchronous */
    static const double a[12] = {120, 125, 118, 130, 122, 127, 124, 121, 126, 119, 128, 123};
    fill(&r, a);
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_int_eq(class_of(&r, DYS_IDX_TS_SD_12)->dyssynchronous, 0);
    ck_assert_int_eq(class_of(&r, DYS_IDX_TS_DIFF_12)->dyssynchronous, 0);
    /* --cutoff: 3.5 ms makes A's 3.75 dyssynchronous and borderline */
    dys_params p;
    dys_params_defaults(&p);
    p.cutoff[DYS_IDX_TS_SD_12] = 3.5;
    dys_compute_indices(&r, &p);
    k = class_of(&r, DYS_IDX_TS_SD_12);
    ck_assert_double_eq(k->cutoff, 3.5);
    ck_assert_int_eq(k->dyssynchronous, 1);
    ck_assert_int_eq(k->borderline, 1); /* 7 % above */
    ck_assert_str_eq(k->source, "--cutoff");
    /* a null index is neither */
    r.seg[0].status = r.seg[1].status = r.seg[2].status = DYS_SEG_MISSING;
    dys_compute_indices(&r, &p);
    ck_assert_int_eq(class_of(&r, DYS_IDX_TS_SD_12)->dyssynchronous, -1);
}
END_TEST

/* A cut-off validated in another modality never classifies: a phase SD
 * over SPECT's 43 degrees is shown with the cut-off, dyssynchronous
 * null, and does not count; --cutoff makes it classify. */
START_TEST(reference_only_cutoff_never_classifies)
{
    static const double a[12] = {120, 125, 118, 130, 122, 127, 124, 121, 126, 119, 128, 123};
    dys_result r;
    fill(&r, a);
    for (int seg = 0; seg < DYS_N_SEGMENTS_12; seg++)
        r.seg[seg].phase_deg = 15.0 * seg; /* 0..165 degrees: a wide spread */
    dys_params p;
    dys_params_defaults(&p);
    dys_compute_indices(&r, &p);
    ck_assert(r.index[DYS_IDX_PHASE_SD] > 43);
    const dys_class *k = class_of(&r, DYS_IDX_PHASE_SD);
    ck_assert_ptr_nonnull(k);
    ck_assert_double_eq(k->cutoff, 43);
    ck_assert_int_eq(k->reference_only, 1);
    ck_assert_int_eq(k->validated, 0);
    ck_assert_int_eq(k->dyssynchronous, -1);
    ck_assert_int_eq(k->borderline, 0);
    ck_assert_ptr_nonnull(strstr(k->validity, "not validated for echo"));
    k = class_of(&r, DYS_IDX_TS_SD_12);
    ck_assert_int_eq(k->validated, 1);
    ck_assert_int_eq(k->reference_only, 0);
    ck_assert_int_eq(k->dyssynchronous, 0);
    /* the user's cut-off classifies, and says whose it is */
    p.cutoff[DYS_IDX_PHASE_SD] = 0.001;
    dys_compute_indices(&r, &p);
    k = class_of(&r, DYS_IDX_PHASE_SD);
    ck_assert_int_eq(k->reference_only, 0);
    ck_assert_int_eq(k->dyssynchronous, 1);
    ck_assert_int_eq(k->validated, 0);
    ck_assert_str_eq(k->source, "--cutoff");
    ck_assert_ptr_nonnull(strstr(k->validity, "user"));
}
END_TEST

/* Work asymmetry on hand-set work: septum (AHA 2, 3, 8, 9, 14, 15)
 * wasting, lateral wall (5, 6, 11, 12, 17, 18) working, the rest
 * between.  Each wall needs 5 of its 6 segments, the ratio 15 of 18. */
START_TEST(work_asymmetry)
{
    static const int septal[6] = {1, 2, 7, 8, 13, 14}, lateral[6] = {4, 5, 10, 11, 16, 17};
    dys_result r;
    memset(&r, 0, sizeof r);
    r.trace = DYS_TRACE_STRAIN;
    r.model_segments = DYS_N_SEGMENTS;
    r.work.pressure = DYS_PRESSURE_ESTIMATED;
    r.work.attempted = 1;
    for (int s = 0; s < DYS_N_SEGMENTS; s++) {
        r.seg[s].work_index_mmhg_pct = 900;
        r.seg[s].constructive_work_mmhg_pct = 1000;
        r.seg[s].wasted_work_mmhg_pct = 100;
    }
    for (int k = 0; k < 6; k++) {
        r.seg[septal[k]].work_index_mmhg_pct = 300;
        r.seg[septal[k]].constructive_work_mmhg_pct = 500;
        r.seg[septal[k]].wasted_work_mmhg_pct = 400;
        r.seg[lateral[k]].work_index_mmhg_pct = 1800;
        r.seg[lateral[k]].constructive_work_mmhg_pct = 1900;
        r.seg[lateral[k]].wasted_work_mmhg_pct = 50;
    }
    compute(&r, DYS_SD_SAMPLE);
    NEAR(r.index[DYS_IDX_SEPTAL_WASTED_WORK], 400);
    NEAR(r.index[DYS_IDX_LW_SW_WORK_DIFF], 1500);
    /* (6 x 400 + 6 x 50 + 6 x 100) / (6 x 500 + 6 x 1900 + 6 x 1000) */
    NEAR(r.index[DYS_IDX_WASTED_WORK_RATIO], 100 * 3300.0 / 20400.0);
    NEAR(r.index[DYS_IDX_GWW], 3300.0 / 18);
    /* a septal segment without work: the mean of the other five */
    r.seg[DYS_AHA_BASAL_INFEROSEPTAL].wasted_work_mmhg_pct = 700;
    r.seg[DYS_AHA_BASAL_INFEROSEPTAL].work_index_mmhg_pct = 0;
    r.seg[DYS_AHA_BASAL_ANTEROSEPTAL].wasted_work_mmhg_pct = NAN;
    r.seg[DYS_AHA_BASAL_ANTEROSEPTAL].work_index_mmhg_pct = NAN;
    r.seg[DYS_AHA_BASAL_ANTEROSEPTAL].constructive_work_mmhg_pct = NAN;
    compute(&r, DYS_SD_SAMPLE);
    NEAR(r.index[DYS_IDX_SEPTAL_WASTED_WORK], (700 + 4 * 400) / 5.0);
    NEAR(r.index[DYS_IDX_LW_SW_WORK_DIFF], 1800 - (0 + 4 * 300) / 5.0);
    NEAR(r.index[DYS_IDX_WASTED_WORK_RATIO], 100 * (3300.0 - 400 - 400 + 700) / (20400.0 - 500));
    /* two septal segments without: the septal indices are null, the
     * ratio (16 of 18) is not */
    r.seg[DYS_AHA_MID_ANTEROSEPTAL].wasted_work_mmhg_pct = NAN;
    r.seg[DYS_AHA_MID_ANTEROSEPTAL].work_index_mmhg_pct = NAN;
    r.seg[DYS_AHA_MID_ANTEROSEPTAL].constructive_work_mmhg_pct = NAN;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_SEPTAL_WASTED_WORK]));
    ck_assert(isnan(r.index[DYS_IDX_LW_SW_WORK_DIFF]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_LW_SW_WORK_DIFF],
                                 "4 of 6 segments usable (needs 5)"));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_LW_SW_WORK_DIFF],
                                 "mid_anteroseptal no work"));
    ck_assert(isfinite(r.index[DYS_IDX_WASTED_WORK_RATIO]));
    /* the lateral wall short instead */
    r.seg[DYS_AHA_MID_ANTEROSEPTAL].work_index_mmhg_pct = 300;
    r.seg[DYS_AHA_BASAL_ANTEROSEPTAL].work_index_mmhg_pct = 300;
    r.seg[DYS_AHA_MID_ANTEROLATERAL].work_index_mmhg_pct = NAN;
    r.seg[DYS_AHA_APICAL_ANTEROLATERAL].work_index_mmhg_pct = NAN;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_LW_SW_WORK_DIFF]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_LW_SW_WORK_DIFF],
                                 "apical_anterolateral no work"));
    /* no constructive work at all: no ratio */
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        r.seg[s].constructive_work_mmhg_pct = 0;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_WASTED_WORK_RATIO]));
    ck_assert_str_eq(r.index_reason[DYS_IDX_WASTED_WORK_RATIO], "no constructive work");
    /* a 12-segment study, and a velocity study */
    r.model_segments = DYS_N_SEGMENTS_12;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_SEPTAL_WASTED_WORK]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_SEPTAL_WASTED_WORK], "no apical"));
    ck_assert_int_eq(dys_index_applies(DYS_IDX_LW_SW_WORK_DIFF, DYS_TRACE_VELOCITY), 0);
    /* Galli's GCW threshold is shown, never applied: it predicts
     * response, it does not mark dyssynchrony */
    const dys_cutoff *g = dys_cutoff_default(DYS_IDX_GCW);
    ck_assert_ptr_nonnull(g);
    ck_assert_double_eq(g->value, 1057);
    ck_assert_int_eq(g->validated, 0);
    ck_assert_ptr_null(dys_cutoff_default(DYS_IDX_SEPTAL_WASTED_WORK));
}
END_TEST

/* The doppler family reads the study's timing: LV PEP, LV - RV PEP and
 * SPWMD, against CARE-HF's and Pitzalis's cut-offs, whatever the trace;
 * a key not given makes its index null, naming it. */
START_TEST(doppler_timing)
{
    static const double a[12] = {120, 125, 118, 130, 122, 127, 124, 121, 126, 119, 128, 123};
    for (int tr = 0; tr < 2; tr++) {
        dys_result r;
        fill(&r, a);
        r.trace = tr ? DYS_TRACE_STRAIN : DYS_TRACE_VELOCITY;
        r.lv_pep_ms = 150;
        r.rv_pep_ms = 100;
        r.spwmd_ms = 120;
        r.filling_time_pct_rr = NAN;
        compute(&r, DYS_SD_SAMPLE);
        NEAR(r.index[DYS_IDX_LV_PEP], 150);
        NEAR(r.index[DYS_IDX_IVMD], 50);
        NEAR(r.index[DYS_IDX_SPWMD], 120);
        const dys_class *k = class_of(&r, DYS_IDX_LV_PEP);
        ck_assert_double_eq(k->cutoff, 140);
        ck_assert_int_eq(k->dyssynchronous, 1);
        ck_assert_int_eq(k->borderline, 1); /* 7 % above */
        k = class_of(&r, DYS_IDX_IVMD);
        ck_assert_double_eq(k->cutoff, 40);
        ck_assert_int_eq(k->dyssynchronous, 1);
        ck_assert_int_eq(k->borderline, 0); /* 25 % above */
        k = class_of(&r, DYS_IDX_SPWMD);
        ck_assert_double_eq(k->cutoff, 130);
        ck_assert_int_eq(k->dyssynchronous, 0);
        ck_assert_int_eq(k->borderline, 1);
        /* a late RV: IVMD negative, below the cut-off (not taken |x|) */
        r.rv_pep_ms = 200;
        compute(&r, DYS_SD_SAMPLE);
        NEAR(r.index[DYS_IDX_IVMD], -50);
        ck_assert_int_eq(class_of(&r, DYS_IDX_IVMD)->dyssynchronous, 0);
        r.rv_pep_ms = NAN;
        r.spwmd_ms = NAN;
        compute(&r, DYS_SD_SAMPLE);
        NEAR(r.index[DYS_IDX_LV_PEP], 150);
        ck_assert(isnan(r.index[DYS_IDX_IVMD]));
        ck_assert_str_eq(r.index_reason[DYS_IDX_IVMD], "metadata key rv_pep_ms not given");
        ck_assert_str_eq(r.index_reason[DYS_IDX_SPWMD], "metadata key spwmd_ms not given");
        /* one key given: the others' nulls are warned about */
        char lines[DYS_N_INDICES][DYS_NULL_CAUSE_MAX];
        int nc = dys_null_causes(&r, lines, DYS_N_INDICES), said = 0;
        for (int c = 0; c < nc; c++)
            said |= strstr(lines[c], "ivmd_ms is null: metadata key rv_pep_ms") != NULL;
        ck_assert_int_eq(said, 1);
        r.lv_pep_ms = NAN;
        compute(&r, DYS_SD_SAMPLE);
        ck_assert_str_eq(r.index_reason[DYS_IDX_IVMD],
                         "metadata keys lv_pep_ms and rv_pep_ms not given");
        ck_assert_str_eq(r.index_reason[DYS_IDX_LV_PEP], "metadata key lv_pep_ms not given");
        /* none given: no warning (most studies give none) */
        nc = dys_null_causes(&r, lines, DYS_N_INDICES);
        for (int c = 0; c < nc; c++)
            ck_assert_ptr_null(strstr(lines[c], "metadata key"));
    }
}
END_TEST

/* Apical rocking: the mean of the 4-chamber recordings' excursions;
 * null, with the reason, without a tracked 4-chamber wall. */
START_TEST(apical_rocking_views_mean)
{
    static const double a[12] = {120, 125, 118, 130, 122, 127, 124, 121, 126, 119, 128, 123};
    dys_result r;
    fill(&r, a);
    r.lv_pep_ms = r.rv_pep_ms = r.spwmd_ms = r.filling_time_pct_rr = NAN;
    dys_result_rec rec[2];
    memset(rec, 0, sizeof rec);
    r.rec = rec;
    r.n_rec = 2;
    rec[0].view = rec[1].view = DYS_VIEW_A4C;
    rec[0].apical_transverse_mm = NAN;
    rec[1].apical_transverse_mm = NAN;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert(isnan(r.index[DYS_IDX_APICAL_TRANSVERSE_MOTION]));
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_APICAL_TRANSVERSE_MOTION],
                                 "no tracked apical 4-chamber wall"));
    char lines[DYS_N_INDICES][DYS_NULL_CAUSE_MAX];
    int nc = dys_null_causes(&r, lines, DYS_N_INDICES);
    for (int c = 0; c < nc; c++) /* not a contour study: not warned about */
        ck_assert_ptr_null(strstr(lines[c], "apical_transverse"));
    rec[0].contour.from_contour = 1;
    compute(&r, DYS_SD_SAMPLE);
    ck_assert_ptr_nonnull(strstr(r.index_reason[DYS_IDX_APICAL_TRANSVERSE_MOTION],
                                 "covers no accepted beat"));
    nc = dys_null_causes(&r, lines, DYS_N_INDICES);
    int said = 0;
    for (int c = 0; c < nc; c++)
        said |= strstr(lines[c], "apical_transverse_motion_mm is null") != NULL;
    ck_assert_int_eq(said, 1);
    rec[0].apical_transverse_mm = 2.5;
    rec[1].apical_transverse_mm = 3.5;
    compute(&r, DYS_SD_SAMPLE);
    NEAR(r.index[DYS_IDX_APICAL_TRANSVERSE_MOTION], 3.0);
    ck_assert_int_eq(dys_index_applies(DYS_IDX_APICAL_TRANSVERSE_MOTION, DYS_TRACE_STRAIN), 1);
    ck_assert_int_eq(dys_index_applies(DYS_IDX_APICAL_TRANSVERSE_MOTION, DYS_TRACE_VELOCITY), 1);
    ck_assert_ptr_null(dys_cutoff_default(DYS_IDX_APICAL_TRANSVERSE_MOTION));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("indices");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, vector_a_synchronous);
    tcase_add_test(tc, vector_b_lbbb);
    tcase_add_test(tc, vector_c_even);
    tcase_add_test(tc, signed_delays);
    tcase_add_test(tc, minimum_segment_rule);
    tcase_add_test(tc, to_indices);
    tcase_add_test(tc, strain_dispersion_18);
    tcase_add_test(tc, strain_dispersion_18_minimum);
    tcase_add_test(tc, strain_dispersion_12_model);
    tcase_add_test(tc, apical_segments_leave_12_indices);
    tcase_add_test(tc, global_strain_views_mean);
    tcase_add_test(tc, catalogue_is_complete);
    tcase_add_test(tc, classification_and_borderline);
    tcase_add_test(tc, reference_only_cutoff_never_classifies);
    tcase_add_test(tc, work_asymmetry);
    tcase_add_test(tc, doppler_timing);
    tcase_add_test(tc, apical_rocking_views_mean);
    suite_add_tcase(s, tc);
    return s;
}

DYS_CHECK_MAIN(suite)
