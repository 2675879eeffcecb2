/*
 * dyssync_stats.h - research statistics on analysed studies: ROC analysis
 * of an index against a response (DeLong), agreement between raters (ICC,
 * Bland-Altman) and between response definitions (Cohen's kappa).
 *
 * The statistics are pure functions of their arrays: no I/O, no global
 * state, safe from any thread.  Missing values are the caller's to drop
 * (NAN is refused).  Sources are named at each function; tests/test_stats.c
 * checks them on worked examples from the literature.
 *
 * The tables they are usually fed from (batch's studies.csv, an outcomes
 * file) are read here too, with the response definitions of CRT trials,
 * so that every program applies the same rules to the same files.
 *
 * Conventions (those of dyssync.h): a function that can fail takes the
 * context first and returns a dys_status, its message in the context
 * (dys_ctx_error()) and its results through the pointers it is given.
 * The statistics (ROC, agreement, correlation) accept a NULL ctx, the
 * message then being lost; the readers need one.  Parsers of names return
 * -1 for a name they do not know, and the distributions return NAN
 * outside their domain, as libm does.  A pointer may be NULL only where
 * its function says so.
 */
#ifndef DYSSYNC_STATS_H
#define DYSSYNC_STATS_H

#include "dyssync.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- tables -------------------------------------------------------------- */

/* A table with named columns: a header row, then rows with as many cells
 * (RFC 4180 quoting, '#' comment lines and blank lines skipped, a UTF-8
 * BOM and LF, CRLF or CR line ends accepted).  The separator and decimal
 * mark are found from the header as in study files: a tab, else ';', else
 * ','; with a tab or ';' numbers may have a decimal comma (a spreadsheet
 * saving in a European locale writes such files).  A cell that dyssync's
 * CSV writer protected from spreadsheets with a leading apostrophe
 * (dys_write_csv_field) is read without it. */
typedef struct dys_table {
    char *path;
    size_t ncol, nrow;
    char **head;       /* ncol names */
    char **cell;       /* nrow x ncol, row-major */
    size_t *line;      /* file line of each row, for messages */
    char sep;          /* the separator found: ',', ';' or '\t' */
    int decimal_comma; /* 1: numbers may have ',' as decimal mark */
} dys_table;

typedef struct dys_table_options {
    size_t max_bytes; /* a larger file is refused before it is all in memory */
} dys_table_options;

#define DYS_TABLE_MAX_BYTES ((size_t)512 << 20) /* opts NULL: 512 MiB */

/* Returns DYS_OK with the table in *t, or DYS_ERR_IO, DYS_ERR_PARSE
 * (message naming path:line:column), DYS_ERR_UNSUPPORTED (too large) or
 * DYS_ERR_NOMEM; *t is then empty (dys_table_free on it is harmless).
 * opts may be NULL (the defaults). */
DYS_API dys_status dys_table_read(dys_ctx *ctx, const char *path, const dys_table_options *opts,
                                  dys_table *t);
/* Frees what t holds and empties it; t may be NULL. */
DYS_API void dys_table_free(dys_table *t);
/* Returns the index of the column named name, -1 when absent. */
DYS_API int dys_table_col(const dys_table *t, const char *name);
/* Returns the text of a cell (never NULL; "" when empty), owned by t;
 * row < t->nrow and 0 <= col < t->ncol are the caller's to ensure. */
DYS_API const char *dys_table_get(const dys_table *t, size_t row, int col);
/* The cell as a number (spaces around it ignored).  Returns 0 with *v; 1
 * when missing (empty, NA or nan; *v NAN), an answer rather than a
 * failure; -1 when not a finite number, with a message naming
 * path:line:column in ctx (which must not be NULL). */
DYS_API int dys_table_num(dys_ctx *ctx, const dys_table *t, size_t row, int col, double *v);

/* Returns 1 for yes, true or 1; 0 for no, false or 0 (case-insensitive
 * words); -1 otherwise (a parser: the caller names the place). */
DYS_API int dys_parse_yes_no(const char *s);

/* ---- outcomes and response to CRT ----------------------------------------- */

/* The numeric columns of an outcomes file, in the order of dys_outcome.v. */
typedef enum dys_outcome_value {
    DYS_OUT_LVESV_BASELINE, /* lvesv_baseline_ml */
    DYS_OUT_LVESV_FOLLOWUP, /* lvesv_followup_ml */
    DYS_OUT_LVEF_BASELINE,  /* lvef_baseline_pct */
    DYS_OUT_LVEF_FOLLOWUP,  /* lvef_followup_pct */
    DYS_OUT_NYHA_BASELINE,  /* nyha_baseline (1-4) */
    DYS_OUT_NYHA_FOLLOWUP,  /* nyha_followup (1-4) */
    DYS_OUT_WALK6_BASELINE, /* walk6_baseline_m */
    DYS_OUT_WALK6_FOLLOWUP, /* walk6_followup_m */
    DYS_OUT_DPDT_BASELINE,  /* dpdt_max_baseline_mmhg_s: LV dP/dt max before pacing */
    DYS_OUT_DPDT_PACED,     /* dpdt_max_paced_mmhg_s: the same with CRT pacing on */
    DYS_N_OUTCOME_VALUES
} dys_outcome_value;

/* Returns the column name of a value ("lvesv_baseline_ml", ...), a
 * constant string; NULL when v is not a dys_outcome_value. */
DYS_API const char *dys_outcome_column(dys_outcome_value v);

/* One study's outcomes; a value not given is NAN. */
typedef struct dys_outcome {
    char *study_id;
    double v[DYS_N_OUTCOME_VALUES];
    int composite; /* Packer's clinical composite: 1 improved, 0 unchanged,
                      -1 worsened, -2 not given */
    int death_hf;  /* death or heart-failure hospitalisation: 1 yes, 0 no,
                      -1 not given */
} dys_outcome;

typedef struct dys_outcomes {
    dys_outcome *o;
    size_t n;
} dys_outcomes;

/* Read an outcomes file (a dys_table): a study_id column (non-empty,
 * unique) and any of the columns above, composite (improved, unchanged,
 * worsened) and death_or_hf_hospitalisation (dys_parse_yes_no).  Any other
 * column, a value that is not a number, or a NYHA class outside 1-4 is
 * refused with a message naming path:line:column.  Returns DYS_OK with
 * the outcomes in *out, or the status of dys_table_read or DYS_ERR_PARSE;
 * *out is then empty.  opts may be NULL (the defaults). */
DYS_API dys_status dys_outcomes_read(dys_ctx *ctx, const char *path,
                                     const dys_table_options *opts, dys_outcomes *out);
/* Frees what os holds and empties it; os may be NULL. */
DYS_API void dys_outcomes_free(dys_outcomes *os);
/* Returns the outcome of a study (owned by os), NULL when the file has
 * none. */
DYS_API const dys_outcome *dys_outcomes_find(const dys_outcomes *os, const char *study_id);

/* Definitions of response to CRT. */
typedef enum dys_response_def {
    DYS_RESP_LVESV15,      /* LVESV reduction >= 15 % */
    DYS_RESP_LVEF5,        /* LVEF increase >= 5 points */
    DYS_RESP_COMPOSITE,    /* clinical composite improved (Packer); when not
                              given, from NYHA alone (better improved) */
    DYS_RESP_NYHA1,        /* NYHA improvement >= 1 class */
    DYS_RESP_NYHA1_WALK25, /* NYHA >= 1 class and 6-min walk >= +25 % */
    DYS_RESP_DPDT10,       /* acute: LV dP/dt max rise >= 10 % with pacing */
    DYS_N_RESPONSE_DEFS
} dys_response_def;

/* Return the short name ("lvesv15") and the description of a definition,
 * constant strings; NULL when def is not a dys_response_def. */
DYS_API const char *dys_response_name(dys_response_def def);
DYS_API const char *dys_response_description(dys_response_def def);
/* Returns the definition named s (a dys_response_def), -1 when none (a
 * parser: the caller names the place). */
DYS_API int dys_response_parse(const char *s);

/* Returns 1 responder, 0 not, -1 unknown (the data the definition needs
 * are not given: an answer, not a failure).  A death or heart-failure
 * hospitalisation makes a non-responder under every follow-up definition:
 * the patient worsened, whatever the echo shows.  The acute definition
 * (dpdt10) is measured at implant, before any follow-up event, so such an
 * event does not change it.  why (may be NULL) receives a
 * constant phrase saying why. */
DYS_API int dys_response(const dys_outcome *o, dys_response_def def, const char **why);

/* ---- ROC ---------------------------------------------------------------- */

/* Empirical ROC of `score` against `label` (1 responder, 0 not), a higher
 * score meaning a responder.  AUC is the Mann-Whitney statistic, a tie
 * counting one half; its standard error and 95 % CI are DeLong's (DeLong,
 * DeLong & Clarke-Pearson, Biometrics 1988;44:837), the CI clipped to
 * [0, 1].  The Youden-optimal cut-off maximises sensitivity +
 * specificity - 1 over the cut-offs "score >= c" at the observed scores
 * (the lowest such c when several tie). */
typedef struct dys_roc {
    size_t n_pos, n_neg;
    double auc, auc_se, auc_ci_low, auc_ci_high;
    double youden_cutoff, sensitivity, specificity;
} dys_roc;

/* Returns DYS_OK with *out, or DYS_ERR_INVALID when a class has fewer
 * than 2 subjects or a score is not finite, DYS_ERR_NOMEM; *out is then
 * zeroed. */
DYS_API dys_status dys_roc_compute(dys_ctx *ctx, const double *score, const int *label,
                                   size_t n, dys_roc *out);

/* Sensitivity and specificity of "score >= cutoff" (or |score| >= cutoff
 * when absolute != 0), into *sensitivity and *specificity; it cannot
 * fail: each is NAN when its class is empty. */
DYS_API void dys_roc_at(const double *score, const int *label, size_t n, double cutoff,
                        int absolute, double *sensitivity, double *specificity);

/* DeLong's paired test of two AUCs on the same subjects: *diff = AUC(a) -
 * AUC(b), its z and two-sided p value (z 0 and p 1 when the two scores
 * rank every pair alike).  Returns DYS_OK, or the failures of
 * dys_roc_compute (for either score). */
DYS_API dys_status dys_roc_compare(dys_ctx *ctx, const double *a, const double *b,
                                   const int *label, size_t n, double *diff, double *z,
                                   double *p);

/* ---- agreement ---------------------------------------------------------- */

typedef struct dys_icc_value {
    double value, ci_low, ci_high;
} dys_icc_value;

/* Intraclass correlation of n subjects rated by k raters (x[i * k + j]:
 * subject i, rater j; complete data) in the six forms of Shrout & Fleiss
 * (Psychol Bull 1979;86:420): ICC(1,1), (2,1), (3,1) and their k-rater
 * means, with the 95 % CIs of McGraw & Wong (Psychol Methods
 * 1996;1:30; the (2,1) bounds by Satterthwaite's degrees of freedom, the
 * (2,k) bounds from them by Spearman-Brown). */
typedef struct dys_icc {
    size_t n, k;
    dys_icc_value icc1_1, icc2_1, icc3_1, icc1_k, icc2_k, icc3_k;
    double ms_rows, ms_cols, ms_error, ms_within;
} dys_icc;

/* Returns DYS_OK with *out, or DYS_ERR_INVALID when n < 3, k < 2, a value
 * is not finite, or the ICC is undefined: every subject has the same mean
 * (no between-subject variance) or the raters agree exactly on every
 * subject; *out then holds at most n, k and the mean squares. */
DYS_API dys_status dys_icc_compute(dys_ctx *ctx, const double *x, size_t n, size_t k,
                                   dys_icc *out);

/* Bland-Altman agreement of two raters over n subjects (Bland & Altman,
 * Lancet 1986;i:307): bias = mean of a - b, limits bias -+ 1.96 SD, and
 * 95 % CIs (t quantile; for each limit SE = sqrt(3 SD^2 / n)); the
 * within-subject coefficient of variation sqrt(sum d^2 / 2n) over the
 * grand mean, in per cent (NAN when the mean is 0). */
typedef struct dys_bland_altman {
    size_t n;
    double bias, bias_ci_low, bias_ci_high, sd;
    double loa_low, loa_low_ci_low, loa_low_ci_high;
    double loa_high, loa_high_ci_low, loa_high_ci_high;
    double cv_pct;
} dys_bland_altman;

/* Returns DYS_OK with *out, or DYS_ERR_INVALID when n < 3 or a value is
 * not finite. */
DYS_API dys_status dys_bland_altman_compute(dys_ctx *ctx, const double *a, const double *b,
                                            size_t n, dys_bland_altman *out);

/* Cohen's kappa of two binary classifications of n subjects, labels 0 or
 * 1 (Cohen, Educ Psychol Meas 1960;20:37), into *kappa, with the observed
 * agreement (proportion) into *observed, which may be NULL.  Returns
 * DYS_OK, or DYS_ERR_INVALID when n is 0, a label is not 0 or 1, or the
 * chance agreement is 1 (both classifications put every subject in the
 * same class: kappa is undefined); *kappa is then NAN, and *observed too
 * except in the last case, where the agreement is still known (1). */
DYS_API dys_status dys_kappa(dys_ctx *ctx, const int *a, const int *b, size_t n, double *kappa,
                             double *observed);

/* ---- correlation ---------------------------------------------------------- */

/* Pearson's r of n pairs with the 95 % CI of Fisher's z (SE 1/sqrt(n-3)),
 * and Spearman's rho (Pearson's r of the ranks, ties sharing their mean
 * rank) with Fieller's SE sqrt(1.06/(n-3)) (Fieller, Hartley & Pearson,
 * Biometrika 1957;44:470).  Each returns DYS_OK with *out, or
 * DYS_ERR_INVALID when n < 4, a value is not finite or a variable is
 * constant, DYS_ERR_NOMEM (Spearman's ranks). */
typedef struct dys_corr {
    size_t n;
    double r, ci_low, ci_high;
} dys_corr;

DYS_API dys_status dys_pearson(dys_ctx *ctx, const double *x, const double *y, size_t n,
                               dys_corr *out);
DYS_API dys_status dys_spearman(dys_ctx *ctx, const double *x, const double *y, size_t n,
                                dys_corr *out);

/* ---- ROC curve points (the figures are in dyssync_plot.h) ----------------- */

/* The points of an empirical ROC curve, (1 - specificity, sensitivity)
 * from (0, 0) to (1, 1), one per distinct score plus the ends (just the
 * ends, the chance diagonal, when a class is empty): fpr and tpr must hold
 * n + 2; *npoints receives how many were written.  Returns DYS_OK, or
 * DYS_ERR_INVALID when a score is not finite, DYS_ERR_NOMEM; *npoints is
 * then 0. */
DYS_API dys_status dys_roc_points(dys_ctx *ctx, const double *score, const int *label, size_t n,
                                  double *fpr, double *tpr, size_t *npoints);

/* ---- distributions (for the CIs above) ----------------------------------- */

/* Return the standard normal CDF and quantile (the quantile -inf, +inf at
 * p 0 and 1, NAN outside [0, 1]). */
DYS_API double dys_normal_cdf(double z);
DYS_API double dys_normal_quantile(double p);
/* Return the quantile: the x with P(F(d1, d2) <= x) = p (d1, d2 > 0,
 * need not be integers), and the same for Student's t with df degrees;
 * NAN outside their domain. */
DYS_API double dys_f_quantile(double p, double d1, double d2);
DYS_API double dys_t_quantile(double p, double df);
/* Student's t CDF with df > 0 degrees of freedom (need not be an
 * integer): P(T <= t); NAN outside its domain. */
DYS_API double dys_t_cdf(double t, double df);

/* Welch's unequal-variance t-test of two groups' means (Welch 1947,
 * Biometrika 34:28; df by the Welch-Satterthwaite equation). */
typedef struct dys_welch {
    double mean_diff; /* mean(x) - mean(y) */
    double se;        /* its standard error, sqrt(sx^2/nx + sy^2/ny) */
    double t;         /* mean_diff / se; NAN when se is 0 */
    double df;        /* Welch-Satterthwaite degrees of freedom; NAN with t */
    double p;         /* two-sided p; with se 0: 1 for equal means, else 0 */
} dys_welch;
/* The test of x (nx values) against y (ny).  DYS_ERR_INVALID (every field
 * NAN) with fewer than 2 values in a group or a value not finite. */
DYS_API dys_status dys_welch_t_test(dys_ctx *ctx, const double *x, size_t nx, const double *y,
                                    size_t ny, dys_welch *out);

#ifdef __cplusplus
}
#endif

#endif
