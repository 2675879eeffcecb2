/*
 * stats correlate - Pearson and Spearman matrices of the indices of a
 * studies.csv, with CIs, and the heat map of Spearman's rho.
 */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int stats_correlate(dys_ctx *ctx, const char *results, char **names, size_t nnames,
                           const stats_opts *oo)
{
    dys_table t;
    int idc, stc, rc = EXIT_ALL_OK;
    if (stats_read_results(ctx, results, oo, &t, &idc, &stc))
        return EXIT_SOME_FAILED;
    const char *sel[DYS_N_INDICES];
    size_t k = 0;
    for (size_t q = 0; q < nnames && k < DYS_N_INDICES; q++)
        sel[k++] = names[q];
    /* every index column with values in at least 4 ok studies */
    for (int i = 0; !nnames && i < DYS_N_INDICES; i++) {
        int c = dys_table_col(&t, dys_index_get(i)->key);
        size_t m = 0;
        for (size_t r = 0; c >= 0 && r < t.nrow; r++) {
            double x;
            if ((stc < 0 || !strcmp(dys_table_get(&t, r, stc), "ok")) &&
                dys_table_num(ctx, &t, r, c, &x) == 0)
                m++;
        }
        if (m >= 4)
            sel[k++] = dys_index_get(i)->key;
    }
    if (k < 2) {
        cli_error("%s: a correlation matrix needs at least 2 indices with values in 4 or more "
                  "studies (have %zu)", results, k);
        dys_table_free(&t);
        return EXIT_SOME_FAILED;
    }
    int *col = malloc(k * sizeof *col);
    dys_corr *pr = calloc(k * k, sizeof *pr), *sr = calloc(k * k, sizeof *sr);
    char (*why)[256] = calloc(k * k, sizeof *why);
    double *x = malloc((t.nrow ? t.nrow : 1) * 2 * sizeof *x), *rho = malloc(k * k * sizeof *rho);
    if (!col || !pr || !sr || !why || !x || !rho) {
        cli_error("out of memory");
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    for (size_t i = 0; i < k; i++)
        if ((col[i] = dys_table_col(&t, sel[i])) < 0) {
            cli_error("%s: no column %s", results, sel[i]);
            rc = EXIT_SOME_FAILED;
            goto done;
        }
    for (size_t i = 0; i < k; i++)
        for (size_t j = i; j < k; j++) {
            size_t n = 0;
            for (size_t r = 0; r < t.nrow; r++) {
                double a, b;
                if (stc >= 0 && strcmp(dys_table_get(&t, r, stc), "ok"))
                    continue;
                int ka = dys_table_num(ctx, &t, r, col[i], &a);
                int kb = ka < 0 ? 0 : dys_table_num(ctx, &t, r, col[j], &b);
                if (ka < 0 || kb < 0) {
                    cli_error("%s", dys_ctx_error(ctx));
                    rc = EXIT_SOME_FAILED;
                    goto done;
                }
                if (ka == 0 && kb == 0) {
                    x[n] = a;
                    x[t.nrow + n++] = b;
                }
            }
            dys_corr p, s;
            if (dys_pearson(ctx, x, x + t.nrow, n, &p) != DYS_OK ||
                dys_spearman(ctx, x, x + t.nrow, n, &s) != DYS_OK) {
                snprintf(why[i * k + j], sizeof why[0], "%s", dys_ctx_error(ctx));
                p.n = s.n = n;
                p.r = s.r = p.ci_low = s.ci_low = p.ci_high = s.ci_high = NAN;
            }
            pr[i * k + j] = pr[j * k + i] = p;
            sr[i * k + j] = sr[j * k + i] = s;
            if (i != j)
                memcpy(why[j * k + i], why[i * k + j], sizeof why[0]);
            rho[i * k + j] = rho[j * k + i] = s.r;
        }
    dys_outfile af;
    FILE *f = stats_out_open(ctx, oo, &af);
    if (!f) {
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    if (oo->fmt == FMT_CSV) {
        fputs("index_a,index_b,n,pearson_r,pearson_ci_low,pearson_ci_high,spearman_rho,"
              "spearman_ci_low,spearman_ci_high,note\n", f);
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++) {
                const dys_corr *p = &pr[i * k + j], *s = &sr[i * k + j];
                fprintf(f, "%s,%s,%zu,", sel[i], sel[j], p->n);
                const double v[] = {p->r, p->ci_low, p->ci_high, s->r, s->ci_low, s->ci_high};
                for (int q = 0; q < 6; q++) {
                    stats_csv_num(f, v[q]);
                    fputc(',', f);
                }
                dys_write_csv_field(f, why[i * k + j]);
                fputc('\n', f);
            }
    } else if (oo->fmt == FMT_JSON) {
        cli_json js;
        json_init(&js, f);
        json_object_begin(&js);
        json_key(&js, "indices");
        json_array_begin(&js);
        for (size_t i = 0; i < k; i++)
            json_string(&js, sel[i]);
        json_array_end(&js);
        for (int m = 0; m < 2; m++) {
            const dys_corr *c = m ? sr : pr;
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
                    if (why[i * k + j][0])
                        json_member_string(&js, "note", why[i * k + j]);
                    json_object_end(&js);
                }
                json_array_end(&js);
            }
            json_array_end(&js);
        }
        json_object_end(&js);
        json_newline(&js);
    } else {
        for (int m = 0; m < 2; m++) {
            const dys_corr *c = m ? sr : pr;
            fprintf(f, "%s (%s; 95 %% CI by Fisher's z%s)\n", m ? "Spearman's rho" : "Pearson's r",
                    results, m ? ", Fieller's SE" : "");
            for (size_t i = 0; i < k; i++)
                for (size_t j = i + 1; j < k; j++) {
                    const dys_corr *e = &c[i * k + j];
                    if (why[i * k + j][0])
                        fprintf(f, "  %-32s %-32s n %4zu  -: %s\n", sel[i], sel[j], e->n,
                                why[i * k + j]);
                    else
                        fprintf(f, "  %-32s %-32s n %4zu  %6.3f  (%6.3f to %6.3f)\n", sel[i],
                                sel[j], e->n, e->r, e->ci_low, e->ci_high);
                }
            fputc('\n', f);
        }
    }
    if (stats_out_close(ctx, oo, &af, f))
        rc = EXIT_SOME_FAILED;
    size_t nbad = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            nbad += why[i * k + j][0] != 0;
    if (nbad) {
        cli_error("%zu of %zu pairs could not be computed (the output says why)", nbad,
                  k * (k - 1) / 2);
        rc = EXIT_SOME_FAILED;
    }
    if (oo->plot) {
        char title[160];
        size_t nok = 0;
        for (size_t r = 0; r < t.nrow; r++)
            nok += stc < 0 || !strcmp(dys_table_get(&t, r, stc), "ok");
        snprintf(title, sizeof title, "Spearman's rho between indices (%zu studies)", nok);
        if (dys_plot_heatmap(ctx, oo->plot, sel, k, rho, title, oo->dpi) != DYS_OK) {
            cli_error("%s", dys_ctx_error(ctx));
            rc = EXIT_SOME_FAILED;
        }
    }
done:
    free(col);
    free(pr);
    free(sr);
    free(why);
    free(x);
    free(rho);
    dys_table_free(&t);
    return rc;
}
