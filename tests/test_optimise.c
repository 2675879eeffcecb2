/* CRT device optimisation (engine/optimise.c) and the statistics under
 * it: Student's t CDF against its closed forms (df 1, 2, 3), Welch's
 * t-test against R's printed results for two textbook data sets, and the
 * ranking, direction, noise verdict and input checks on settings built by
 * hand (studies and results with chosen per-beat Ts). */
#include "check_main.h"
#include "dyssync_optimise.h"
#include "dyssync_stats.h"
#include "indices.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static dys_ctx *ctx;

static void setup(void)
{
    ctx = dys_ctx_new();
}

static void teardown(void)
{
    dys_ctx_free(ctx);
}

START_TEST(t_cdf_closed_forms)
{
    const double ts[] = {-30, -4.5, -2, -1, -0.3, 0, 0.1, 0.7, 1.5, 3, 12, 250};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        double t = ts[i];
        double c1 = 0.5 + atan(t) / M_PI;                 /* Cauchy */
        double c2 = 0.5 + t / (2 * sqrt(2 + t * t));      /* df 2 */
        double u = t / sqrt(3);                           /* df 3 */
        double c3 = 0.5 + (u / (1 + u * u) + atan(u)) / M_PI;
        ck_assert_msg(fabs(dys_t_cdf(t, 1) - c1) < 1e-12, "df 1, t %g: %.15g vs %.15g", t,
                      dys_t_cdf(t, 1), c1);
        ck_assert_msg(fabs(dys_t_cdf(t, 2) - c2) < 1e-12, "df 2, t %g", t);
        ck_assert_msg(fabs(dys_t_cdf(t, 3) - c3) < 1e-12, "df 3, t %g", t);
    }
    /* the 97.5 % quantile of t(10), 2.228138852 (tables): p two-sided 0.05 */
    ck_assert(fabs(2 * dys_t_cdf(-2.2281388519649385, 10) - 0.05) < 1e-9);
    /* the inverse of dys_t_quantile at non-integer df */
    for (double df = 1.5; df < 60; df *= 1.7)
        ck_assert(fabs(dys_t_cdf(dys_t_quantile(0.9, df), df) - 0.9) < 1e-9);
    ck_assert(isnan(dys_t_cdf(1, 0)) && isnan(dys_t_cdf(NAN, 3)));
    ck_assert(dys_t_cdf(INFINITY, 4) == 1 && dys_t_cdf(-INFINITY, 4) == 0);
}
END_TEST

START_TEST(welch_r_examples)
{
    /* R, ?t.test: t.test(extra ~ group, data = sleep) prints t = -1.8608,
     * df = 17.776, p-value = 0.07939 (Student's sleep data, 1908). */
    const double g1[] = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
    const double g2[] = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
    dys_welch w;
    ck_assert_int_eq(dys_welch_t_test(ctx, g1, 10, g2, 10, &w), DYS_OK);
    ck_assert_msg(fabs(w.t + 1.8608) < 5e-5 && fabs(w.df - 17.776) < 5e-4 &&
                      fabs(w.p - 0.07939) < 5e-6,
                  "sleep: t %.6f df %.6f p %.7f", w.t, w.df, w.p);
    ck_assert(fabs(w.mean_diff + 1.58) < 1e-12);
    /* R, ?t.test: t.test(1:10, y = c(7:20)): t = -5.4349, df = 21.982,
     * p-value = 1.855e-05 */
    double x[10], y[14];
    for (int i = 0; i < 10; i++)
        x[i] = i + 1;
    for (int i = 0; i < 14; i++)
        y[i] = i + 7;
    ck_assert_int_eq(dys_welch_t_test(ctx, x, 10, y, 14, &w), DYS_OK);
    ck_assert_msg(fabs(w.t + 5.4349) < 5e-5 && fabs(w.df - 21.982) < 5e-4 &&
                      fabs(w.p - 1.855e-05) < 5e-9,
                  "1:10 vs 7:20: t %.6f df %.6f p %.6g", w.t, w.df, w.p);
    /* symmetric: swapping the groups flips t, keeps df and p */
    dys_welch v;
    dys_welch_t_test(ctx, y, 14, x, 10, &v);
    ck_assert(fabs(v.t + w.t) < 1e-12 && fabs(v.df - w.df) < 1e-9 && fabs(v.p - w.p) < 1e-15);
    /* no spread: equal means p 1, unequal p 0, no t */
    const double c5[] = {5, 5, 5}, c6[] = {6, 6};
    dys_welch_t_test(ctx, c5, 3, c5, 3, &v);
    ck_assert(v.p == 1 && isnan(v.t) && isnan(v.df));
    dys_welch_t_test(ctx, c5, 3, c6, 2, &v);
    ck_assert(v.p == 0);
    /* too few values: an error, every field NAN */
    ck_assert_int_eq(dys_welch_t_test(ctx, x, 1, y, 14, &v), DYS_ERR_INVALID);
    ck_assert(isnan(v.p) && isnan(v.t));
    ck_assert(strstr(dys_ctx_error(ctx), "2 values or more") != NULL);
}
END_TEST

/* ---- settings built by hand --------------------------------------------- */

#define MAXS 6

typedef struct {
    dys_study st[MAXS];
    dys_result *res[MAXS];
    dys_opt_input in[MAXS];
    char src[MAXS][32];
    size_t n;
} fixture;

/* Setting k at AV av / VV vv: 12 segments at Ts 100 ms in every beat but
 * the basal anterolateral, at 100 + delay[b] (the septal-lateral delay of
 * beat b), nb beats. */
static void add_setting(fixture *f, double av, double vv, const double *delay, int nb)
{
    size_t k = f->n++;
    dys_study *s = &f->st[k];
    memset(s, 0, sizeof *s);
    snprintf(f->src[k], sizeof f->src[k], "set%zu.csv", k + 1);
    s->source = f->src[k];
    s->av_delay_ms = av;
    s->vv_delay_ms = vv;
    s->pacing_mode = DYS_PACING_BIV;
    s->lvot_vti_cm = s->mitral_vti_cm = NAN;
    s->e_a_fused = s->reference_setting = -1;
    dys_result *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    dys_params_defaults(&r->params);
    r->model_segments = DYS_N_SEGMENTS_12;
    r->study_id = f->src[k];
    for (int g = 0; g < DYS_N_SEGMENTS; g++) {
        r->seg[g].status = g < 12 ? DYS_SEG_OK : DYS_SEG_MISSING;
        r->seg[g].n_ts_beats = g < 12 ? nb : 0;
        double sum = 0;
        for (int b = 0; b < nb; b++) {
            r->seg[g].ts_beat_ms[b] = 100 + (g == DYS_AHA_BASAL_ANTEROLATERAL ? delay[b] : 0) +
                                      (g == DYS_AHA_BASAL_ANTERIOR ? 10 : 0);
            sum += r->seg[g].ts_beat_ms[b];
        }
        r->seg[g].ts_ms = g < 12 ? sum / nb : NAN;
    }
    dys_compute_indices(r, &r->params);
    f->res[k] = r;
    f->in[k].study = s;
    f->in[k].result = r;
}

static void fixture_free(fixture *f)
{
    for (size_t k = 0; k < f->n; k++)
        free(f->res[k]);
}

START_TEST(direction_and_ranking)
{
    fixture f = {0};
    const double d1[] = {-6, -4, -5, -5}, d2[] = {29, 31, 30, 30}, d3[] = {-41, -39, -40, -40};
    add_setting(&f, 120, 0, d2, 4); /* the reference: the first */
    add_setting(&f, 160, 0, d1, 4);
    add_setting(&f, 80, 0, d3, 4);
    dys_opt_options o;
    dys_opt_options_defaults(&o);
    o.objective = "septal_lateral_delay_ms";
    dys_opt_result *r;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    /* a signed delay: nearest 0 is best, -5 before +30 before -40 */
    ck_assert_int_eq(r->direction, DYS_OPT_MINIMISE_ABS);
    ck_assert_str_eq(dys_opt_direction_name(r->direction), "minimise |value|");
    ck_assert(r->per_beat);
    ck_assert_int_eq(r->reference, 0);
    ck_assert_int_eq(r->best, 1);
    ck_assert_int_eq((int)r->order[0], 1);
    ck_assert_int_eq((int)r->order[1], 0);
    ck_assert_int_eq((int)r->order[2], 2);
    ck_assert_int_eq(r->setting[1].rank, 1);
    ck_assert_int_eq(r->setting[2].rank, 3);
    ck_assert(fabs(r->setting[1].value + 5) < 1e-9 && r->setting[1].n_beats == 4);
    /* sd of -6 -4 -5 -5 is sqrt(2/3) */
    ck_assert(fabs(r->setting[1].sd - sqrt(2.0 / 3)) < 1e-9);
    ck_assert(r->setting[1].differs == 1 && r->setting[1].p_adj < 0.05);
    ck_assert(fabs(r->setting[1].p_adj - fmin(1, 2 * r->setting[1].p)) < 1e-15);
    ck_assert_int_eq(r->verdict, DYS_OPT_BEYOND_NOISE);
    ck_assert(!r->all_within_noise);
    dys_opt_result_free(r);
    /* a dispersion: the lowest is best; ts_diff_12_ms of these is the
     * largest of 10 (basal anterior) and the delay's extent */
    o.objective = "ts_diff_12_ms";
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    ck_assert_int_eq(r->direction, DYS_OPT_MINIMISE);
    ck_assert_int_eq(r->best, 1);
    dys_opt_result_free(r);
    /* the aortic VTI method: the highest, one value each, untested */
    f.st[0].lvot_vti_cm = 18;
    f.st[1].lvot_vti_cm = 17;
    f.st[2].lvot_vti_cm = 22;
    o.objective = "lvot_vti_cm";
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    ck_assert_int_eq(r->direction, DYS_OPT_MAXIMISE);
    ck_assert_int_eq(r->method, DYS_OPT_METHOD_AORTIC_VTI);
    ck_assert_str_eq(dys_opt_method_name(r->method), "aortic VTI method");
    ck_assert_int_eq(r->best, 2);
    ck_assert(!r->per_beat && r->setting[2].n_beats == 0 && isnan(r->setting[2].p));
    ck_assert_int_eq(r->setting[2].differs, -1);
    ck_assert(strstr(r->setting[2].note, "single value") != NULL);
    ck_assert_int_eq(r->verdict, DYS_OPT_UNTESTED);
    ck_assert(!r->all_within_noise);
    dys_opt_result_free(r);
    /* a study without the measure is not ranked */
    f.st[1].lvot_vti_cm = NAN;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    ck_assert_int_eq(r->setting[1].rank, 0);
    ck_assert_int_eq((int)r->order[2], 1);
    ck_assert(strstr(r->setting[1].note, "no lvot_vti_cm") != NULL);
    dys_opt_result_free(r);
    fixture_free(&f);
}
END_TEST

START_TEST(within_noise_and_too_few_beats)
{
    fixture f = {0};
    const double a[] = {20, 35, 25, 30, 28}, b[] = {24, 31, 19, 33, 26}, c[] = {27, 22, 34, 29, 21};
    add_setting(&f, 120, 0, a, 5);
    add_setting(&f, 120, 20, b, 5);
    add_setting(&f, 120, -20, c, 5);
    dys_opt_options o;
    dys_opt_options_defaults(&o);
    o.objective = "septal_lateral_delay_ms";
    dys_opt_result *r;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    ck_assert(r->all_within_noise);
    ck_assert_int_eq(r->verdict, r->best == r->reference ? DYS_OPT_BEST_IS_REFERENCE
                                                         : DYS_OPT_WITHIN_NOISE);
    int warned = 0;
    for (size_t i = 0; i < r->n_warnings; i++)
        warned |= strstr(r->warnings[i], "within measurement noise; the literature reports "
                                         "this as the common case") != NULL;
    ck_assert(warned);
    dys_opt_result_free(r);
    /* one beat at a setting: no p, said so */
    f.res[1]->seg[DYS_AHA_BASAL_INFEROSEPTAL].n_ts_beats = 1;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    ck_assert_int_eq(r->setting[1].n_beats, 1);
    ck_assert(isnan(r->setting[1].p) && isnan(r->setting[1].sd));
    ck_assert(strstr(r->setting[1].note, "too few beats") != NULL);
    dys_opt_result_free(r);
    fixture_free(&f);
}
END_TEST

START_TEST(reference_choice)
{
    fixture f = {0};
    const double a[] = {10, 12, 11}, b[] = {5, 6, 7};
    add_setting(&f, 100, 0, a, 3);
    add_setting(&f, 140, 0, b, 3);
    dys_opt_options o;
    dys_opt_options_defaults(&o);
    dys_opt_result *r;
    o.nominal_av_ms = 140;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    ck_assert_int_eq(r->reference, 1);
    dys_opt_result_free(r);
    /* a tie goes to the reference, though the other study comes first */
    f.st[0].lvot_vti_cm = f.st[1].lvot_vti_cm = 20;
    o.objective = "lvot_vti_cm";
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    ck_assert_int_eq(r->best, 1);
    ck_assert_int_eq(r->verdict, DYS_OPT_BEST_IS_REFERENCE);
    dys_opt_result_free(r);
    o.objective = NULL;
    f.st[0].reference_setting = 1; /* the study's word wins over --nominal */
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    ck_assert_int_eq(r->reference, 0);
    dys_opt_result_free(r);
    f.st[1].reference_setting = 1;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_ERR_INVALID);
    ck_assert(strstr(dys_ctx_error(ctx), "expected one reference") != NULL);
    f.st[0].reference_setting = f.st[1].reference_setting = -1;
    o.nominal_av_ms = 130;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_ERR_INVALID);
    ck_assert(strstr(dys_ctx_error(ctx), "nominal setting AV 130") != NULL);
    fixture_free(&f);
}
END_TEST

START_TEST(bad_inputs)
{
    fixture f = {0};
    const double a[] = {10, 12, 11};
    add_setting(&f, 100, 0, a, 3);
    add_setting(&f, 100, 0, a, 3);
    dys_opt_options o;
    dys_opt_options_defaults(&o);
    dys_opt_result *r = (dys_opt_result *)&o; /* must become NULL */
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_ERR_INVALID);
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(dys_ctx_error(ctx), "set2.csv: the same setting as set1.csv") != NULL,
                  "%s", dys_ctx_error(ctx));
    f.st[1].av_delay_ms = 140;
    f.st[1].vv_delay_ms = NAN;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_ERR_INVALID);
    ck_assert(strstr(dys_ctx_error(ctx), "set2.csv: no vv_delay_ms") != NULL);
    f.st[1].vv_delay_ms = 0;
    char p1[] = "P01", p2[] = "P02";
    f.st[0].patient_id = p1;
    f.st[1].patient_id = p2;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_ERR_INVALID);
    ck_assert(strstr(dys_ctx_error(ctx), "expected the studies of one patient") != NULL);
    f.st[1].patient_id = NULL;
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_ERR_INVALID);
    ck_assert(strstr(dys_ctx_error(ctx), "no patient_id") != NULL);
    f.st[0].patient_id = NULL;
    o.objective = "no_such_index";
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_ERR_INVALID);
    ck_assert(strstr(dys_ctx_error(ctx), "unknown objective 'no_such_index'") != NULL);
    o.objective = NULL;
    ck_assert_int_eq(dys_optimise(ctx, f.in, 1, &o, &r), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_optimise(ctx, f.in, f.n, &o, &r), DYS_OK);
    dys_opt_result_free(r);
    fixture_free(&f);
}
END_TEST

static Suite *optimise_suite(void)
{
    Suite *s = suite_create("optimise");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, t_cdf_closed_forms);
    tcase_add_test(tc, welch_r_examples);
    tcase_add_test(tc, direction_and_ranking);
    tcase_add_test(tc, within_noise_and_too_few_beats);
    tcase_add_test(tc, reference_choice);
    tcase_add_test(tc, bad_inputs);
    suite_add_tcase(s, tc);
    return s;
}

DYS_CHECK_MAIN(optimise_suite)
