/*
 * stats correlate - Pearson and Spearman matrices of the indices of a
 * studies.csv, with CIs, and the heat map of Spearman's rho.
 *
 * stats_correlate runs the phases in order: corr_select (which indices),
 * corr_compute (every pair on the ok studies that have both), one writer
 * per format, and the figure.  A pair that cannot be computed keeps its
 * reason in `why` and is written with it instead of numbers.
 */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The k x k matrices, row-major, symmetric (both halves filled so that each
 * writer can read the cell it needs). */
typedef struct {
    size_t k;
    const char *sel[DYS_N_INDICES]; /* the column names */
    dys_corr *pr, *sr;              /* Pearson, Spearman */
    char (*why)[256];               /* why a pair has no value, "" when it has */
    double *rho;                    /* Spearman's r alone, for the heat map */
} corr_matrix;

/* The named indices, or every index column with values in at least 4 ok
 * studies (fewer cannot give a CI). */
static void corr_select(dys_ctx *ctx, const dys_table *t, int stc, char **names, size_t nnames,
                        corr_matrix *cm)
{
    size_t k = 0;
    for (size_t q = 0; q < nnames && k < DYS_N_INDICES; q++)
        cm->sel[k++] = names[q];
    for (int i = 0; !nnames && i < DYS_N_INDICES; i++) {
        int c = dys_table_col(t, dys_index_get(i)->key);
        size_t m = 0;
        for (size_t r = 0; c >= 0 && r < t->nrow; r++) {
            double x;
            if ((stc < 0 || !strcmp(dys_table_get(t, r, stc), "ok")) &&
                dys_table_num(ctx, t, r, c, &x) == 0)
                m++;
        }
        if (m >= 4)
            cm->sel[k++] = dys_index_get(i)->key;
    }
    cm->k = k;
}

/* Every pair (and each index with itself) on the ok studies with both
 * values; x is scratch for 2 x t->nrow values.  0, or -1 after a message
 * (a missing column, a cell that is not a number). */
static int corr_compute(dys_ctx *ctx, const dys_table *t, int stc, const int *col, double *x,
                        corr_matrix *cm)
{
    size_t k = cm->k;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i; j < k; j++) {
            size_t n = 0;
            for (size_t r = 0; r < t->nrow; r++) {
                double a, b;
                if (stc >= 0 && strcmp(dys_table_get(t, r, stc), "ok"))
                    continue;
                int ka = dys_table_num(ctx, t, r, col[i], &a);
                int kb = ka < 0 ? 0 : dys_table_num(ctx, t, r, col[j], &b);
                if (ka < 0 || kb < 0) {
                    cli_error("%s", dys_ctx_error(ctx));
                    return -1;
                }
                if (ka == 0 && kb == 0) {
                    x[n] = a;
                    x[t->nrow + n++] = b;
                }
            }
            dys_corr p, s;
            if (dys_pearson(ctx, x, x + t->nrow, n, &p) != DYS_OK ||
                dys_spearman(ctx, x, x + t->nrow, n, &s) != DYS_OK) {
                snprintf(cm->why[i * k + j], sizeof cm->why[0], "%s", dys_ctx_error(ctx));
                p.n = s.n = n;
                p.r = s.r = p.ci_low = s.ci_low = p.ci_high = s.ci_high = NAN;
            }
            cm->pr[i * k + j] = cm->pr[j * k + i] = p;
            cm->sr[i * k + j] = cm->sr[j * k + i] = s;
            if (i != j)
                memcpy(cm->why[j * k + i], cm->why[i * k + j], sizeof cm->why[0]);
            cm->rho[i * k + j] = cm->rho[j * k + i] = s.r;
        }
    return 0;
}

/* ---- writing ---------------------------------------------------------------- */

/* CSV: one row per pair (the upper triangle), both coefficients. */
static void corr_write_csv(FILE *f, const corr_matrix *cm)
{
    size_t k = cm->k;
    fputs("index_a,index_b,n,pearson_r,pearson_ci_low,pearson_ci_high,spearman_rho,"
          "spearman_ci_low,spearman_ci_high,note\n", f);
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++) {
            const dys_corr *p = &cm->pr[i * k + j], *s = &cm->sr[i * k + j];
            fprintf(f, "%s,%s,%zu,", cm->sel[i], cm->sel[j], p->n);
            const double v[] = {p->r, p->ci_low, p->ci_high, s->r, s->ci_low, s->ci_high};
            for (int q = 0; q < 6; q++) {
                stats_csv_num(f, v[q]);
                fputc(',', f);
            }
            dys_write_csv_field(f, cm->why[i * k + j]);
            fputc('\n', f);
        }
}

/* JSON: one object with the names and both full matrices (the diagonal
 * too), a note in a cell without a value. */
static void corr_write_json(FILE *f, const corr_matrix *cm)
{
    size_t k = cm->k;
    cli_json js;
    json_init(&js, f);
    json_object_begin(&js);
    json_key(&js, "indices");
    json_array_begin(&js);
    for (size_t i = 0; i < k; i++)
        json_string(&js, cm->sel[i]);
    json_array_end(&js);
    for (int m = 0; m < 2; m++) {
        const dys_corr *c = m ? cm->sr : cm->pr;
        json_key(&js, m ? "spearman" : "pearson");
        json_array_begin(&js);
        for (size_t i = 0; i < k; i++) {
            json_array_begin(&js);
            for (size_t j = 0; j < k; j++) {
                const dys_corr *e = &c[i * k + j];
                json_object_begin(&js);
                json_member_size(&js, "n", e->n);
                json_member_g(&js, "r", e->r, SIG);
                json_member_g(&js, "ci_low", e->ci_low, SIG);
                json_member_g(&js, "ci_high", e->ci_high, SIG);
                if (cm->why[i * k + j][0])
                    json_member_string(&js, "note", cm->why[i * k + j]);
                json_object_end(&js);
            }
            json_array_end(&js);
        }
        json_array_end(&js);
    }
    json_object_end(&js);
    json_newline(&js);
}

/* Text: a list of pairs per coefficient. */
static void corr_write_text(FILE *f, const corr_matrix *cm, const char *results)
{
    size_t k = cm->k;
    for (int m = 0; m < 2; m++) {
        const dys_corr *c = m ? cm->sr : cm->pr;
        fprintf(f, "%s (%s; 95 %% CI by Fisher's z%s)\n", m ? "Spearman's rho" : "Pearson's r",
                results, m ? ", Fieller's SE" : "");
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++) {
                const dys_corr *e = &c[i * k + j];
                if (cm->why[i * k + j][0])
                    fprintf(f, "  %-32s %-32s n %4zu  -: %s\n", cm->sel[i], cm->sel[j], e->n,
                            cm->why[i * k + j]);
                else
                    fprintf(f, "  %-32s %-32s n %4zu  %6.3f  (%6.3f to %6.3f)\n", cm->sel[i],
                            cm->sel[j], e->n, e->r, e->ci_low, e->ci_high);
            }
        fputc('\n', f);
    }
}

/* The heat map of Spearman's rho, titled with the number of ok studies;
 * 0, or -1 after a message. */
static int corr_plot(dys_ctx *ctx, const stats_opts *oo, const dys_table *t, int stc,
                     const corr_matrix *cm)
{
    char title[160];
    size_t nok = 0;
    for (size_t r = 0; r < t->nrow; r++)
        nok += stc < 0 || !strcmp(dys_table_get(t, r, stc), "ok");
    snprintf(title, sizeof title, "Spearman's rho between indices (%zu studies)", nok);
    if (dys_plot_heatmap(ctx, oo->plot, cm->sel, cm->k, cm->rho, title, oo->dpi) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return -1;
    }
    return 0;
}

/* ---- the command ------------------------------------------------------------ */

int stats_correlate(dys_ctx *ctx, const char *results, char **names, size_t nnames,
                    const stats_opts *oo)
{
    dys_table t;
    int idc, stc, rc = EXIT_SOME_FAILED;
    if (stats_read_results(ctx, results, oo, &t, &idc, &stc))
        return EXIT_SOME_FAILED;
    corr_matrix cm = {0};
    corr_select(ctx, &t, stc, names, nnames, &cm);
    size_t k = cm.k;
    if (k < 2) {
        cli_error("%s: a correlation matrix needs at least 2 indices with values in 4 or more "
                  "studies (have %zu)", results, k);
        dys_table_free(&t);
        return EXIT_SOME_FAILED;
    }
    int *col = malloc(k * sizeof *col);
    cm.pr = calloc(k * k, sizeof *cm.pr);
    cm.sr = calloc(k * k, sizeof *cm.sr);
    cm.why = calloc(k * k, sizeof *cm.why);
    cm.rho = malloc(k * k * sizeof *cm.rho);
    double *x = malloc((t.nrow ? t.nrow : 1) * 2 * sizeof *x);
    if (!col || !cm.pr || !cm.sr || !cm.why || !x || !cm.rho) {
        cli_error("out of memory");
        goto done;
    }
    for (size_t i = 0; i < k; i++)
        if ((col[i] = dys_table_col(&t, cm.sel[i])) < 0) {
            cli_error("%s: no column %s", results, cm.sel[i]);
            goto done;
        }
    if (corr_compute(ctx, &t, stc, col, x, &cm))
        goto done;
    dys_outfile af;
    FILE *f = stats_out_open(ctx, oo, &af);
    if (!f)
        goto done;
    rc = EXIT_ALL_OK;
    if (oo->fmt == FMT_CSV)
        corr_write_csv(f, &cm);
    else if (oo->fmt == FMT_JSON)
        corr_write_json(f, &cm);
    else
        corr_write_text(f, &cm, results);
    if (stats_out_close(ctx, oo, &af, f))
        rc = EXIT_SOME_FAILED;
    size_t nbad = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            nbad += cm.why[i * k + j][0] != 0;
    if (nbad) {
        cli_error("%zu of %zu pairs could not be computed (the output says why)", nbad,
                  k * (k - 1) / 2);
        rc = EXIT_SOME_FAILED;
    }
    if (oo->plot && corr_plot(ctx, oo, &t, stc, &cm))
        rc = EXIT_SOME_FAILED;
done:
    free(col);
    free(cm.pr);
    free(cm.sr);
    free(cm.why);
    free(x);
    free(cm.rho);
    dys_table_free(&t);
    return rc;
}
