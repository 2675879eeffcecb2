/* Research statistics against worked examples from the literature (each
 * named) and, for the confidence intervals the papers do not print,
 * against an independent NumPy/SciPy computation (scipy.stats.f.ppf,
 * t.ppf, norm.ppf on the same formulas, run once; the values are below). */
#include "check_main.h"
#include "dyssync_stats.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOL 5e-4 /* the published values have 2-3 decimals; ours are exact */

static dys_ctx *ctx;

static void setup(void)
{
    ctx = dys_ctx_new();
}

static void teardown(void)
{
    dys_ctx_free(ctx);
}

/* Shrout & Fleiss, Psychol Bull 1979;86:420, Table 2: 6 targets, 4
 * judges.  Their Table 4 gives ICC(1,1) .17, (2,1) .29, (3,1) .71,
 * (1,4) .44, (2,4) .62, (3,4) .91.  95 % CIs: SciPy (and the same as R's
 * psych::ICC prints for this table: -0.133..0.72, 0.019..0.76,
 * 0.342..0.95, -0.884..0.91, 0.071..0.93, 0.676..0.99). */
static const double sf[6 * 4] = {9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8,
                                 7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7};

static void icc_eq(dys_icc_value v, double val, double lo, double hi)
{
    ck_assert_msg(fabs(v.value - val) < 1e-6 && fabs(v.ci_low - lo) < 1e-6 &&
                      fabs(v.ci_high - hi) < 1e-6,
                  "ICC %.6f (%.6f, %.6f), want %.6f (%.6f, %.6f)", v.value, v.ci_low,
                  v.ci_high, val, lo, hi);
}

START_TEST(icc_shrout_fleiss)
{
    dys_icc r;
    ck_assert_int_eq(dys_icc_compute(ctx, sf, 6, 4, &r), DYS_OK);
    ck_assert(fabs(r.icc1_1.value - 0.17) < 0.005 && fabs(r.icc2_1.value - 0.29) < 0.005 &&
              fabs(r.icc3_1.value - 0.71) < 0.005 && fabs(r.icc1_k.value - 0.44) < 0.005 &&
              fabs(r.icc2_k.value - 0.62) < 0.005 && fabs(r.icc3_k.value - 0.91) < 0.005);
    icc_eq(r.icc1_1, 0.16574176840547553, -0.13293232487475096, 0.7225600623281211);
    icc_eq(r.icc2_1, 0.2897637795275592, 0.018786513374712044, 0.7610843696489529);
    icc_eq(r.icc3_1, 0.7148407148407154, 0.34246476503392614, 0.9458582599553597);
    icc_eq(r.icc1_k, 0.4427971336792688, -0.8844421552381196, 0.9124154203407756);
    icc_eq(r.icc2_k, 0.6200505475989893, 0.07113681530250347, 0.9272320401677219);
    icc_eq(r.icc3_k, 0.9093155423770697, 0.6756747138163055, 0.9858916781690623);
    ck_assert(fabs(r.ms_rows - 11.241666666666669) < 1e-9 && fabs(r.ms_error - 1.019444444444442) < 1e-9);
}
END_TEST

START_TEST(icc_degenerate)
{
    double two[4] = {1, 2, 3, 4};
    dys_icc r;
    ck_assert_int_eq(dys_icc_compute(ctx, two, 2, 2, &r), DYS_ERR_INVALID);
    double same[6] = {5, 5, 5, 5, 5, 5};
    ck_assert_int_eq(dys_icc_compute(ctx, same, 3, 2, &r), DYS_ERR_INVALID);
    double nan[6] = {1, 2, NAN, 4, 5, 6};
    ck_assert_int_eq(dys_icc_compute(ctx, nan, 3, 2, &r), DYS_ERR_INVALID);
}
END_TEST

/* Bland & Altman, Lancet 1986;i:307: peak expiratory flow, Wright against
 * mini Wright meter, first readings of 17 subjects: mean difference -2.1,
 * SD 38.8 l/min; 95 % CI of the bias -22.0 to 17.8 (t with 16 df), SE of
 * a limit sqrt(3 s^2 / n) = 16.3.  Limits at 1.96 SD (Bland & Altman,
 * Stat Methods Med Res 1999;8:135). */
START_TEST(bland_altman_pefr)
{
    static const double w[17] = {494, 395, 516, 434, 476, 557, 413, 442, 650,
                                 433, 417, 656, 267, 478, 178, 423, 427};
    static const double m[17] = {512, 430, 520, 428, 500, 600, 364, 380, 658,
                                 445, 432, 626, 260, 477, 259, 350, 451};
    dys_bland_altman r;
    ck_assert_int_eq(dys_bland_altman_compute(ctx, w, m, 17, &r), DYS_OK);
    ck_assert(fabs(r.bias - -2.1) < 0.05 && fabs(r.sd - 38.8) < 0.05);
    ck_assert(fabs(r.bias_ci_low - -22.0) < 0.05 && fabs(r.bias_ci_high - 17.8) < 0.05);
    ck_assert(fabs(r.bias - -2.1176470588235294) < 1e-9 && fabs(r.sd - 38.76512987360738) < 1e-9);
    ck_assert(fabs(r.loa_low - -78.09590546711173) < 1e-6 &&
              fabs(r.loa_high - 73.86061134946466) < 1e-6);
    double t16 = 2.1199052992210112, se = 16.284611795031495;
    ck_assert(fabs(r.loa_low_ci_low - (r.loa_low - t16 * se)) < 1e-6 &&
              fabs(r.loa_high_ci_high - (r.loa_high + t16 * se)) < 1e-6);
    ck_assert(fabs(r.cv_pct - 5.900330240727413) < 1e-6);
    ck_assert_int_eq(dys_bland_altman_compute(ctx, w, m, 2, &r), DYS_ERR_INVALID);
}
END_TEST

/* Hanley & McNeil, Radiology 1982;143:29, Table 1: CT ratings (1-5) of
 * 58 normal and 51 abnormal studies; AUC 0.893.  DeLong SE and Youden
 * cut-off from an independent NumPy computation. */
START_TEST(roc_hanley_mcneil)
{
    static const int nneg[5] = {33, 6, 6, 11, 2}, npos[5] = {3, 2, 2, 11, 33};
    double s[109];
    int lab[109];
    size_t n = 0;
    for (int r = 0; r < 5; r++) {
        for (int i = 0; i < nneg[r]; i++, n++) {
            s[n] = r + 1;
            lab[n] = 0;
        }
        for (int i = 0; i < npos[r]; i++, n++) {
            s[n] = r + 1;
            lab[n] = 1;
        }
    }
    dys_roc r;
    ck_assert_int_eq(dys_roc_compute(ctx, s, lab, n, &r), DYS_OK);
    ck_assert_uint_eq(r.n_pos, 51);
    ck_assert_uint_eq(r.n_neg, 58);
    ck_assert(fabs(r.auc - 0.893) < TOL);
    ck_assert(fabs(r.auc - 0.8931710615280595) < 1e-12);
    ck_assert(fabs(r.auc_se - 0.030724408379381122) < 1e-9);
    ck_assert(fabs(r.auc_ci_low - 0.8329523276581718) < 1e-7 &&
              fabs(r.auc_ci_high - 0.9533897953979471) < 1e-7);
    ck_assert(r.youden_cutoff == 4);
    ck_assert(fabs(r.sensitivity - 0.8627450980392157) < 1e-12 &&
              fabs(r.specificity - 0.7758620689655172) < 1e-12);
    /* the same scores reversed rank every pair the other way */
    double neg[109];
    for (size_t i = 0; i < n; i++)
        neg[i] = -s[i];
    double diff, z, p;
    ck_assert_int_eq(dys_roc_compare(ctx, s, neg, lab, n, &diff, &z, &p), DYS_OK);
    ck_assert(fabs(diff - (2 * r.auc - 1)) < 1e-12 && z > 5 && p < 1e-6);
    ck_assert_int_eq(dys_roc_compare(ctx, s, s, lab, n, &diff, &z, &p), DYS_OK);
    ck_assert(diff == 0 && z == 0 && p == 1);
    /* the curve: (0,0), one point per distinct rating from the top, (1,1);
     * at "rating >= 4" it passes through the Youden point */
    double fpr[111], tpr[111];
    size_t k;
    ck_assert_int_eq(dys_roc_points(ctx, s, lab, n, fpr, tpr, &k), DYS_OK);
    ck_assert_uint_eq(k, 6);
    ck_assert(fpr[0] == 0 && tpr[0] == 0 && fpr[5] == 1 && tpr[5] == 1);
    ck_assert(fabs(tpr[2] - r.sensitivity) < 1e-12 && fabs(1 - fpr[2] - r.specificity) < 1e-12);
}
END_TEST

START_TEST(roc_ties_and_degenerate)
{
    /* every positive tied with every negative: AUC exactly one half */
    double s[6] = {1, 1, 1, 1, 1, 1};
    int lab[6] = {1, 0, 1, 0, 1, 0};
    dys_roc r;
    ck_assert_int_eq(dys_roc_compute(ctx, s, lab, 6, &r), DYS_OK);
    ck_assert(r.auc == 0.5);
    int one[6] = {1, 1, 1, 1, 1, 0};
    ck_assert_int_eq(dys_roc_compute(ctx, s, one, 6, &r), DYS_ERR_INVALID);
    double se, sp;
    double x[4] = {10, -40, 30, 5};
    int l[4] = {1, 1, 0, 0};
    dys_roc_at(x, l, 4, 20, 1, &se, &sp); /* |x| >= 20 */
    ck_assert(se == 0.5 && sp == 0.5);
    /* the curve's points: the diagonal for one class, refused for a NAN */
    double fpr[8], tpr[8];
    size_t k;
    ck_assert_int_eq(dys_roc_points(ctx, s, one, 5, fpr, tpr, &k), DYS_OK);
    ck_assert(k == 2 && fpr[1] == 1 && tpr[1] == 1);
    double bad[3] = {1, NAN, 2};
    ck_assert_int_eq(dys_roc_points(ctx, bad, lab, 3, fpr, tpr, &k), DYS_ERR_INVALID);
    ck_assert(k == 0 && strstr(dys_ctx_error(ctx), "score 2 is not a number"));
}
END_TEST

/* Cohen's kappa, the 2 x 2 example of Wikipedia's "Cohen's kappa":
 * 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: po 0.7, pe 0.5, kappa 0.4. */
START_TEST(kappa_two_by_two)
{
    int a[50], b[50];
    for (int i = 0; i < 50; i++) {
        a[i] = i < 25;
        b[i] = i < 20 || (i >= 25 && i < 35);
    }
    double po, k;
    ck_assert_int_eq(dys_kappa(ctx, a, b, 50, &k, &po), DYS_OK);
    ck_assert(fabs(po - 0.7) < 1e-12 && fabs(k - 0.4) < 1e-12);
    ck_assert_int_eq(dys_kappa(NULL, a, b, 50, &k, NULL), DYS_OK); /* both may be NULL */
    ck_assert(fabs(k - 0.4) < 1e-12);
    /* both constant: undefined, said, the agreement still given */
    int c[3] = {1, 1, 1};
    ck_assert_int_eq(dys_kappa(ctx, c, c, 3, &k, &po), DYS_ERR_INVALID);
    ck_assert(isnan(k) && po == 1 && strstr(dys_ctx_error(ctx), "undefined"));
    /* no subject, or a label that is not 0 or 1 (a -1 "unknown" passed on) */
    ck_assert_int_eq(dys_kappa(ctx, c, c, 0, &k, &po), DYS_ERR_INVALID);
    ck_assert(isnan(k) && isnan(po) && strstr(dys_ctx_error(ctx), "at least 1"));
    int d[3] = {1, -1, 0};
    ck_assert_int_eq(dys_kappa(ctx, c, d, 3, &k, &po), DYS_ERR_INVALID);
    ck_assert(isnan(k) && strstr(dys_ctx_error(ctx), "subject 2 is classified 1 and -1"));
}
END_TEST

START_TEST(correlations)
{
    /* judges 1 and 4 of the Shrout & Fleiss table; NumPy/SciPy values */
    double x[6], y[6];
    for (int i = 0; i < 6; i++) {
        x[i] = sf[i * 4];
        y[i] = sf[i * 4 + 3];
    }
    dys_corr c;
    ck_assert_int_eq(dys_pearson(ctx, x, y, 6, &c), DYS_OK);
    ck_assert(fabs(c.r - 0.7501772840114584) < 1e-12 && fabs(c.ci_low - -0.15691800227373473) < 1e-9 &&
              fabs(c.ci_high - 0.970738538609304) < 1e-9);
    ck_assert_int_eq(dys_spearman(ctx, x, y, 6, &c), DYS_OK);
    ck_assert(fabs(c.r - 0.8823529411764706) < 1e-12 && fabs(c.ci_low - 0.2177144177716234) < 1e-9 &&
              fabs(c.ci_high - 0.9879124741572465) < 1e-9);
    double k[6] = {3, 3, 3, 3, 3, 3};
    ck_assert_int_eq(dys_pearson(ctx, x, k, 6, &c), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_pearson(ctx, x, y, 3, &c), DYS_ERR_INVALID);
}
END_TEST

START_TEST(quantiles)
{
    ck_assert(fabs(dys_normal_quantile(0.975) - 1.959963984540054) < 1e-12);
    ck_assert(fabs(dys_t_quantile(0.975, 16) - 2.1199052992210112) < 1e-10);
    ck_assert(fabs(dys_f_quantile(0.975, 5, 18) - 3.381967805875243) < 1e-9);
    ck_assert(fabs(dys_f_quantile(0.975, 3.7, 5) - 7.482187800098079) < 1e-8);
    ck_assert(fabs(dys_t_quantile(0.025, 16) + 2.1199052992210112) < 1e-10);
}
END_TEST


/* ---- tables, outcomes and response definitions ----------------------------- */

/* text written to a new temporary file; its path in a static buffer of
 * the caller's (each test is its own process) */
static const char *write_tmp(char *path, size_t cap, const char *text)
{
    snprintf(path, cap, "/tmp/dyssync_test_stats.XXXXXX");
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static const char plain_outcomes[] =
    "study_id,lvesv_baseline_ml,lvesv_followup_ml,lvef_baseline_pct,lvef_followup_pct,"
    "nyha_baseline,nyha_followup,walk6_baseline_m,walk6_followup_m,composite,"
    "death_or_hf_hospitalisation,dpdt_max_baseline_mmhg_s,dpdt_max_paced_mmhg_s\n"
    "s1,200,160,25,32,3,2,300,390,improved,no,800,920\n"   /* responds everywhere */
    "s2,200,190,25,27,3,3,300,310,unchanged,no,800,860\n"  /* nowhere (dP/dt +7.5 %) */
    "s3,200,185,25,26,3,2,300,320,improved,no,,\n"         /* NYHA only */
    "s4,200,150,25,35,3,2,300,400,,yes,800,900\n"  /* died: non-responder, but acute +12.5 % */
    "s5,,,,,3,3,300,300,,no,1000,1100\n"           /* no follow-up echo; dP/dt exactly +10 % */
    "s6,200,170,25.5,30.5,2,3,,,,,,\n"             /* exactly 15 % and 5 points */
    "s7,0,0,NA,30,,,300,400,worsened,,,900\n";     /* LVESV 0: undefined */

/* want[study][definition]: 1, 0 or -1 */
static const int want_response[7][DYS_N_RESPONSE_DEFS] = {
    {1, 1, 1, 1, 1, 1},    {0, 0, 0, 0, 0, 0},   {0, 0, 1, 1, 0, -1}, {0, 0, 0, 0, 0, 1},
    {-1, -1, 0, 0, 0, 1},  {1, 1, 0, 0, -1, -1}, {-1, -1, 0, -1, -1, -1}};
_Static_assert(DYS_N_RESPONSE_DEFS == 6, "want_response needs a column per definition");

static void check_outcomes(const dys_outcomes *os)
{
    ck_assert_uint_eq(os->n, 7);
    for (size_t i = 0; i < os->n; i++) {
        char id[32]; /* room for any size_t: -O0 warns otherwise */
        snprintf(id, sizeof id, "s%zu", i + 1);
        ck_assert_str_eq(os->o[i].study_id, id);
        ck_assert_ptr_eq(dys_outcomes_find(os, id), &os->o[i]);
        for (int d = 0; d < DYS_N_RESPONSE_DEFS; d++) {
            const char *why = NULL;
            int r = dys_response(&os->o[i], d, &why);
            ck_assert_msg(r == want_response[i][d], "%s %s: %d (%s), want %d", id,
                          dys_response_name(d), r, why ? why : "-", want_response[i][d]);
            ck_assert_ptr_nonnull(why);
        }
    }
    ck_assert_ptr_null(dys_outcomes_find(os, "s8"));
}

START_TEST(outcomes_and_definitions)
{
    char path[64];
    dys_outcomes os;
    ck_assert_int_eq(dys_outcomes_read(ctx, write_tmp(path, sizeof path, plain_outcomes), NULL,
                                       &os), DYS_OK);
    check_outcomes(&os);
    /* the values as read: a missing cell is NAN, the categories coded */
    ck_assert(fabs(os.o[5].v[DYS_OUT_LVEF_BASELINE] - 25.5) < 1e-12);
    ck_assert(isnan(os.o[4].v[DYS_OUT_LVESV_BASELINE]) && isnan(os.o[6].v[DYS_OUT_LVEF_BASELINE]));
    ck_assert_int_eq(os.o[3].death_hf, 1);
    ck_assert_int_eq(os.o[5].death_hf, -1);
    ck_assert_int_eq(os.o[6].composite, -1);
    ck_assert_int_eq(os.o[4].composite, -2);
    /* death is the reason, whatever the echo showed */
    const char *why;
    ck_assert_int_eq(dys_response(&os.o[3], DYS_RESP_LVESV15, &why), 0);
    ck_assert_ptr_nonnull(strstr(why, "death"));
    dys_outcomes_free(&os);
    unlink(path);

    for (int d = 0; d < DYS_N_RESPONSE_DEFS; d++)
        ck_assert_int_eq(dys_response_parse(dys_response_name(d)), d);
    ck_assert_int_eq(dys_response_parse("lvesv20"), -1);
    ck_assert_str_eq(dys_response_description(DYS_RESP_LVEF5), "LVEF increase >= 5 points");
    ck_assert_str_eq(dys_outcome_column(DYS_OUT_WALK6_FOLLOWUP), "walk6_followup_m");
    ck_assert_int_eq(dys_parse_yes_no("TRUE"), 1);
    ck_assert_int_eq(dys_parse_yes_no("0"), 0);
    ck_assert_int_eq(dys_parse_yes_no("maybe"), -1);
}
END_TEST

/* The same outcomes as a spreadsheet in a European locale saves them:
 * a BOM, ';' between cells, decimal commas, CRLF line ends, a quoted cell
 * with the separator in it, a comment line. */
START_TEST(outcomes_european_dialect)
{
    char eu[2048] = "\xEF\xBB\xBF";
    size_t n = 3;
    for (const char *p = plain_outcomes; *p; p++) {
        if (*p == '\n')
            eu[n++] = '\r';
        eu[n++] = *p == ',' ? ';' : *p;
    }
    eu[n] = '\0';
    /* decimal commas where the plain file has points */
    char *x = strstr(eu, "25.5;30.5");
    ck_assert_ptr_nonnull(x);
    memcpy(x, "25,5;30,5", 9);
    char path[64];
    dys_outcomes os;
    ck_assert_int_eq(dys_outcomes_read(ctx, write_tmp(path, sizeof path, eu), NULL, &os), DYS_OK);
    check_outcomes(&os);
    ck_assert(fabs(os.o[5].v[DYS_OUT_LVEF_FOLLOWUP] - 30.5) < 1e-12);
    dys_outcomes_free(&os);
    unlink(path);

    /* a table: quoted separators stay text, an apostrophe dyssync put
     * before formula-like text is taken off again */
    dys_table t;
    ck_assert_int_eq(dys_table_read(ctx, write_tmp(path, sizeof path,
                                                   "# a comment\r\n\"a;b\";c\r\n'=1;\"2,5\"\r\n"
                                                   "x;1e3\r\n"), NULL, &t), DYS_OK);
    ck_assert_int_eq(t.sep, ';');
    ck_assert_int_eq(t.ncol, 2);
    ck_assert_str_eq(t.head[0], "a;b");
    ck_assert_str_eq(dys_table_get(&t, 0, 0), "=1");
    ck_assert_uint_eq(t.line[1], 4);
    double v;
    ck_assert_int_eq(dys_table_num(ctx, &t, 0, 1, &v), 0);
    ck_assert(v == 2.5);
    ck_assert_int_eq(dys_table_num(ctx, &t, 1, 1, &v), 0);
    ck_assert(v == 1000);
    dys_table_free(&t);
    unlink(path);

    /* in a comma-separated file a comma is never a decimal mark */
    ck_assert_int_eq(dys_table_read(ctx, write_tmp(path, sizeof path, "a,b\n1,\"2,5\"\n"), NULL,
                                    &t), DYS_OK);
    ck_assert_int_eq(dys_table_num(ctx, &t, 0, 1, &v), -1);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), ":2:2: b \"2,5\" is not a number"));
    dys_table_free(&t);
    unlink(path);
}
END_TEST

/* The one dialect rule of the study reader and the tables. */
START_TEST(csv_dialect)
{
    static const struct {
        const char *line;
        char sep;
        int dc;
    } c[] = {{"time_ms,a,b", ',', 0}, {"time_ms;a;b", ';', 1}, {"time_ms\ta;b,c", '\t', 1},
             {"a,\"b;c\",d", ',', 0}, {"\"a\tb\";c", ';', 1}, {"single", ',', 0}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        dys_csv_dialect d = dys_csv_dialect_detect(c[i].line, strlen(c[i].line));
        ck_assert_msg(d.sep == c[i].sep && d.decimal_comma == c[i].dc, "%s", c[i].line);
    }
}
END_TEST

/* Bad outcomes files are refused with the place: path:line:column. */
START_TEST(outcomes_bad_files)
{
    static const struct {
        const char *text, *msg;
    } c[] = {
        {"id,lvesv_baseline_ml\ns1,200\n", ":1: no study_id column"},
        {"study_id,lvesv_baseline_ml,height_cm\ns1,200,170\n",
         ": column 3 \"height_cm\" is not an outcome"},
        {"study_id,lvesv_baseline_ml\ns1,200\ns2,2OO\n",
         ":3:2: lvesv_baseline_ml \"2OO\" is not a number"},
        {"study_id;lvef_baseline_pct\ns1;25.5.1\n", ":2:2: lvef_baseline_pct \"25.5.1\" is not a number"},
        {"study_id,nyha_baseline\ns1,3\ns2,5\n", ":3:2: NYHA class must be 1, 2, 3 or 4"},
        {"study_id,nyha_followup\ns1,2.5\n", ":2:2: NYHA class must be 1, 2, 3 or 4"},
        {"study_id,composite\ns1,better\n",
         ":2:2: composite must be improved, unchanged or worsened, not \"better\""},
        {"study_id,dpdt_max_baseline_mmhg_s\ns1,850\ns2,1.2\n",
         ":3:2: dpdt_max_baseline_mmhg_s 1.2 is not an LV dP/dt max in mmHg/s (100-10000)"},
        {"study_id,death_or_hf_hospitalisation\ns1,maybe\n",
         ":2:2: death_or_hf_hospitalisation must be yes or no, not \"maybe\""},
        {"nyha_baseline,study_id\n3,\n", ":2:2: empty study_id"},
        {"study_id,nyha_baseline\n# a comment\ns1,3\ns1,2\n", ":4:1: study_id s1 appears twice"},
        {"study_id,nyha_baseline\ns1,3,4\n", ":2:3: 3 cells where the header has 2"},
        {"study_id,nyha_baseline\n\"s1,3\n", ":2: a quoted cell is not closed"},
        {"study_id,study_id\n", ":1:2: column study_id appears twice"},
        {"", ": empty (no header row)"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char path[64], want[256];
        dys_outcomes os;
        write_tmp(path, sizeof path, c[i].text);
        ck_assert_int_ne(dys_outcomes_read(ctx, path, NULL, &os), DYS_OK);
        ck_assert_ptr_null(os.o);
        snprintf(want, sizeof want, "%s%s", path, c[i].msg);
        ck_assert_msg(strstr(dys_ctx_error(ctx), want) == dys_ctx_error(ctx),
                      "case %zu: \"%s\", want \"%s\"", i, dys_ctx_error(ctx), want);
        unlink(path);
    }
    dys_outcomes os;
    ck_assert_int_eq(dys_outcomes_read(ctx, "/nonexistent/outcomes.csv", NULL, &os), DYS_ERR_IO);
    char path[64];
    dys_table_options small = {8};
    write_tmp(path, sizeof path, "study_id\ns1\ns2\ns3\n");
    ck_assert_int_eq(dys_outcomes_read(ctx, path, &small, &os), DYS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "file is larger than the limit"));
    unlink(path);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, icc_shrout_fleiss);
    tcase_add_test(tc, icc_degenerate);
    tcase_add_test(tc, bland_altman_pefr);
    tcase_add_test(tc, roc_hanley_mcneil);
    tcase_add_test(tc, roc_ties_and_degenerate);
    tcase_add_test(tc, kappa_two_by_two);
    tcase_add_test(tc, correlations);
    tcase_add_test(tc, quantiles);
    tcase_add_test(tc, outcomes_and_definitions);
    tcase_add_test(tc, outcomes_european_dialect);
    tcase_add_test(tc, csv_dialect);
    tcase_add_test(tc, outcomes_bad_files);
    suite_add_tcase(s, tc);
    return s;
}

DYS_CHECK_MAIN(stats_suite)
