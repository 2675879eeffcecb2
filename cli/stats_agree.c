/*
 * stats agree - two observers or runs (two studies.csv matched by
 * study_id) or a table of ratings: ICC in its six forms, and with two
 * raters Bland-Altman bias and limits with CIs, the CV and the figure.
 */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void icc_json(cli_json *j, const char *k, dys_icc_value v)
{
    json_key(j, k);
    json_object_begin(j);
    json_member_g(j, "value", v.value, SIG);
    json_member_g(j, "ci_low", v.ci_low, SIG);
    json_member_g(j, "ci_high", v.ci_high, SIG);
    json_object_end(j);
}

/* One agreement result: ICC of n x k ratings x (row-major), Bland-Altman
 * when k == 2. */
static int agree_one(dys_ctx *ctx, FILE *f, const stats_opts *oo, const char *name,
                     const double *x, size_t n, size_t k, int want_plot)
{
    dys_icc icc;
    dys_bland_altman ba;
    char why[512] = "";
    double *a = NULL, *b = NULL;
    if (dys_icc_compute(ctx, x, n, k, &icc) != DYS_OK)
        snprintf(why, sizeof why, "%s", dys_ctx_error(ctx));
    if (!why[0] && k == 2) {
        a = malloc(2 * n * sizeof *a);
        if (!a) {
            snprintf(why, sizeof why, "out of memory");
        } else {
            b = a + n;
            for (size_t i = 0; i < n; i++) {
                a[i] = x[2 * i];
                b[i] = x[2 * i + 1];
            }
            if (dys_bland_altman_compute(ctx, a, b, n, &ba) != DYS_OK)
                snprintf(why, sizeof why, "%s", dys_ctx_error(ctx));
        }
    }
    if (why[0]) {
        cli_error("%s: %s", name, why);
        if (oo->fmt == FMT_JSON) {
            cli_json j;
            json_init(&j, f);
            json_object_begin(&j);
            json_member_string(&j, "index", name);
            json_member_size(&j, "n", n);
            json_member_size(&j, "k", k);
            json_member_string(&j, "error", why);
            json_object_end(&j);
            json_newline(&j);
        } else if (oo->fmt == FMT_CSV) {
            dys_write_csv_field(f, name);
            fprintf(f, ",%zu,%zu", n, k);
            for (int q = 0; q < 18 + 11 + 1; q++) /* the empty ICC and Bland-Altman cells */
                fputc(',', f);
            dys_write_csv_field(f, why);
            fputc('\n', f);
        } else {
            fprintf(f, "%s: %s\n\n", name, why);
        }
        free(a);
        return -1;
    }
    const dys_icc_value *iv[6] = {&icc.icc1_1, &icc.icc2_1, &icc.icc3_1,
                                  &icc.icc1_k, &icc.icc2_k, &icc.icc3_k};
    static const char *const ik[6] = {"1_1", "2_1", "3_1", "1_k", "2_k", "3_k"};
    if (oo->fmt == FMT_JSON) {
        cli_json j;
        json_init(&j, f);
        json_object_begin(&j);
        json_member_string(&j, "index", name);
        json_member_size(&j, "n", n);
        json_member_size(&j, "k", k);
        json_key(&j, "icc");
        json_object_begin(&j);
        for (int q = 0; q < 6; q++)
            icc_json(&j, ik[q], *iv[q]);
        json_object_end(&j);
        if (k == 2) {
            json_key(&j, "bland_altman");
            json_object_begin(&j);
            json_member_g(&j, "bias", ba.bias, SIG);
            json_member_g(&j, "bias_ci_low", ba.bias_ci_low, SIG);
            json_member_g(&j, "bias_ci_high", ba.bias_ci_high, SIG);
            json_member_g(&j, "sd", ba.sd, SIG);
            json_member_g(&j, "loa_low", ba.loa_low, SIG);
            json_member_g(&j, "loa_low_ci_low", ba.loa_low_ci_low, SIG);
            json_member_g(&j, "loa_low_ci_high", ba.loa_low_ci_high, SIG);
            json_member_g(&j, "loa_high", ba.loa_high, SIG);
            json_member_g(&j, "loa_high_ci_low", ba.loa_high_ci_low, SIG);
            json_member_g(&j, "loa_high_ci_high", ba.loa_high_ci_high, SIG);
            json_object_end(&j);
            json_member_g(&j, "cv_pct", ba.cv_pct, SIG);
        }
        json_object_end(&j);
        json_newline(&j);
    } else if (oo->fmt == FMT_CSV) {
        dys_write_csv_field(f, name);
        fprintf(f, ",%zu,%zu", n, k);
        for (int q = 0; q < 6; q++) {
            fputc(',', f);
            stats_csv_num(f, iv[q]->value);
            fputc(',', f);
            stats_csv_num(f, iv[q]->ci_low);
            fputc(',', f);
            stats_csv_num(f, iv[q]->ci_high);
        }
        const double bav[] = {ba.bias, ba.bias_ci_low, ba.bias_ci_high, ba.sd, ba.loa_low,
                              ba.loa_low_ci_low, ba.loa_low_ci_high, ba.loa_high,
                              ba.loa_high_ci_low, ba.loa_high_ci_high, ba.cv_pct};
        for (size_t q = 0; q < 11; q++) {
            fputc(',', f);
            if (k == 2)
                stats_csv_num(f, bav[q]);
        }
        fputs(",\n", f);
    } else {
        fprintf(f, "%s: %zu subjects, %zu raters\n", name, n, k);
        static const char *const label[6] = {
            "ICC(1,1)  one-way random, single     ", "ICC(2,1)  two-way random, single     ",
            "ICC(3,1)  two-way mixed, single      ", "ICC(1,k)  one-way random, mean of k  ",
            "ICC(2,k)  two-way random, mean of k  ", "ICC(3,k)  two-way mixed, mean of k   "};
        for (int q = 0; q < 6; q++)
            fprintf(f, "  %s %7.4f  (95%% CI %7.4f to %7.4f)\n", label[q], iv[q]->value,
                    iv[q]->ci_low, iv[q]->ci_high);
        if (k == 2)
            fprintf(f, "  Bland-Altman: bias %.4g (95%% CI %.4g to %.4g), SD %.4g, limits of "
                       "agreement %.4g to %.4g\n  (CIs %.4g to %.4g and %.4g to %.4g); "
                       "coefficient of variation %.1f %%\n",
                    ba.bias, ba.bias_ci_low, ba.bias_ci_high, ba.sd, ba.loa_low, ba.loa_high,
                    ba.loa_low_ci_low, ba.loa_low_ci_high, ba.loa_high_ci_low,
                    ba.loa_high_ci_high, ba.cv_pct);
        fputc('\n', f);
    }
    int rc = 0;
    if (want_plot && oo->plot) {
        char title[160];
        snprintf(title, sizeof title, "Bland-Altman: %s", name);
        if (k != 2) {
            cli_error("%s: a Bland-Altman plot needs exactly 2 raters (have %zu)", oo->plot, k);
            rc = -1;
        } else {
            int ix = dys_index_from_key(name, strlen(name));
            if (dys_plot_bland_altman(ctx, oo->plot, a, b, &ba, title,
                                      ix >= 0 ? dys_index_get(ix)->unit : "",
                                      oo->dpi) != DYS_OK) {
                cli_error("%s", dys_ctx_error(ctx));
                rc = -1;
            }
        }
    }
    free(a);
    return rc;
}

typedef struct {
    const char *id;
    size_t row;
} id_row;

static int cmp_id_row(const void *a, const void *b)
{
    const id_row *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* For each ok row of A, the first ok row of B with the same study_id
 * (-1: none); by sorting B's ids, not comparing every pair. */
static long *match_rows(const dys_table *A, int ida, int sta, const dys_table *B, int idb,
                        int stb)
{
    long *m = malloc((A->nrow ? A->nrow : 1) * sizeof *m);
    id_row *k = malloc((B->nrow ? B->nrow : 1) * sizeof *k);
    if (!m || !k) {
        free(m);
        free(k);
        return NULL;
    }
    size_t nk = 0;
    for (size_t q = 0; q < B->nrow; q++)
        if (stb < 0 || !strcmp(dys_table_get(B, q, stb), "ok")) {
            k[nk].id = dys_table_get(B, q, idb);
            k[nk++].row = q;
        }
    qsort(k, nk, sizeof *k, cmp_id_row);
    for (size_t r = 0; r < A->nrow; r++) {
        m[r] = -1;
        if (sta >= 0 && strcmp(dys_table_get(A, r, sta), "ok"))
            continue;
        const char *id = dys_table_get(A, r, ida);
        size_t lo = 0, hi = nk; /* first key >= id */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(k[mid].id, id) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < nk && !strcmp(k[lo].id, id))
            m[r] = (long)k[lo].row;
    }
    free(k);
    return m;
}

static const char *agree_csv_header =
    "index,n,k,icc_1_1,icc_1_1_ci_low,icc_1_1_ci_high,icc_2_1,icc_2_1_ci_low,icc_2_1_ci_high,"
    "icc_3_1,icc_3_1_ci_low,icc_3_1_ci_high,icc_1_k,icc_1_k_ci_low,icc_1_k_ci_high,icc_2_k,"
    "icc_2_k_ci_low,icc_2_k_ci_high,icc_3_k,icc_3_k_ci_low,icc_3_k_ci_high,bias,bias_ci_low,"
    "bias_ci_high,sd,loa_low,loa_low_ci_low,loa_low_ci_high,loa_high,loa_high_ci_low,"
    "loa_high_ci_high,cv_pct,error\n";

int stats_agree(dys_ctx *ctx, char **files, size_t nfiles, const char *table,
                       char **names, size_t nnames, const stats_opts *oo)
{
    dys_table A, B;
    int rc = EXIT_ALL_OK, ida, sta, idb, stb;
    if (table) {
        if (dys_table_read(ctx, table, &oo->topts, &A) != DYS_OK) {
            cli_error("%s", dys_ctx_error(ctx));
            return EXIT_SOME_FAILED;
        }
        if (A.ncol < 3) {
            cli_error("%s: needs a subject column and at least 2 rater columns", table);
            dys_table_free(&A);
            return EXIT_SOME_FAILED;
        }
        size_t k = A.ncol - 1, n = 0, dropped = 0;
        double *x = malloc((A.nrow ? A.nrow : 1) * k * sizeof *x);
        for (size_t r = 0; x && r < A.nrow && rc == EXIT_ALL_OK; r++) {
            int miss = 0;
            for (size_t j = 0; j < k; j++) {
                int q = dys_table_num(ctx, &A, r, (int)j + 1, &x[n * k + j]);
                if (q < 0) {
                    cli_error("%s", dys_ctx_error(ctx));
                    rc = EXIT_SOME_FAILED;
                }
                miss |= q != 0;
            }
            if (miss)
                dropped++;
            else
                n++;
        }
        if (rc == EXIT_ALL_OK && x) {
            dys_outfile af;
            FILE *f = stats_out_open(ctx, oo, &af);
            if (!f) {
                rc = EXIT_SOME_FAILED;
            } else {
                if (oo->fmt == FMT_CSV)
                    fputs(agree_csv_header, f);
                if (dropped && oo->fmt == FMT_TEXT)
                    fprintf(f, "(%zu subjects with a missing rating left out)\n", dropped);
                if (agree_one(ctx, f, oo, table, x, n, k, 1))
                    rc = EXIT_SOME_FAILED;
                if (stats_out_close(ctx, oo, &af, f))
                    rc = EXIT_SOME_FAILED;
            }
        }
        if (!x)
            cli_error("out of memory");
        free(x);
        dys_table_free(&A);
        return x ? rc : EXIT_SOME_FAILED;
    }
    if (nfiles != 2)
        return cli_usage("stats", "agree takes two studies.csv files (A and B) or --table FILE");
    if (stats_read_results(ctx, files[0], oo, &A, &ida, &sta))
        return EXIT_SOME_FAILED;
    if (stats_read_results(ctx, files[1], oo, &B, &idb, &stb)) {
        dys_table_free(&A);
        return EXIT_SOME_FAILED;
    }
    /* the indices: given, or every index column both tables hold */
    const char *sel[DYS_N_INDICES];
    size_t ns = 0;
    for (size_t q = 0; q < nnames && ns < DYS_N_INDICES; q++)
        sel[ns++] = names[q];
    for (int i = 0; !nnames && i < DYS_N_INDICES; i++) {
        const char *k = dys_index_get(i)->key;
        if (dys_table_col(&A, k) >= 0 && dys_table_col(&B, k) >= 0)
            sel[ns++] = k;
    }
    double *x = malloc((A.nrow ? A.nrow : 1) * 2 * sizeof *x);
    long *match = x ? match_rows(&A, ida, sta, &B, idb, stb) : NULL;
    dys_outfile af;
    FILE *f = match ? stats_out_open(ctx, oo, &af) : NULL;
    if (!f) {
        if (!match)
            cli_error("out of memory");
        free(match);
        free(x);
        dys_table_free(&A);
        dys_table_free(&B);
        return EXIT_SOME_FAILED;
    }
    if (oo->fmt == FMT_CSV)
        fputs(agree_csv_header, f);
    else if (oo->fmt == FMT_TEXT)
        fprintf(f, "Agreement of %s (A) and %s (B), studies matched by study_id\n\n", files[0],
                files[1]);
    if (oo->plot && ns != 1) {
        cli_error("%s: a Bland-Altman plot is of one index: pick it with --index", oo->plot);
        rc = EXIT_SOME_FAILED;
    }
    size_t shown = 0;
    for (size_t s = 0; s < ns && rc == EXIT_ALL_OK; s++) {
        int ca = dys_table_col(&A, sel[s]), cb = dys_table_col(&B, sel[s]);
        if (ca < 0 || cb < 0) {
            cli_error("%s: no column %s", ca < 0 ? files[0] : files[1], sel[s]);
            rc = EXIT_SOME_FAILED;
            break;
        }
        size_t n = 0;
        for (size_t r = 0; r < A.nrow && rc == EXIT_ALL_OK; r++) {
            if (match[r] < 0)
                continue;
            double va, vb;
            int ka = dys_table_num(ctx, &A, r, ca, &va);
            int kb = ka < 0 ? 0 : dys_table_num(ctx, &B, (size_t)match[r], cb, &vb);
            if (ka < 0 || kb < 0) {
                cli_error("%s", dys_ctx_error(ctx));
                rc = EXIT_SOME_FAILED;
            } else if (ka == 0 && kb == 0) {
                x[2 * n] = va;
                x[2 * n + 1] = vb;
                n++;
            }
        }
        if (rc != EXIT_ALL_OK)
            break;
        if (n == 0 && !nnames)
            continue; /* a default index neither run measured (strain in a velocity
                         cohort, say): not an agreement question */
        shown++;
        if (agree_one(ctx, f, oo, sel[s], x, n, 2, 1))
            rc = EXIT_SOME_FAILED;
    }
    if (rc == EXIT_ALL_OK && shown == 0) {
        cli_error("no index has values for the same studies in both tables");
        rc = EXIT_SOME_FAILED;
    }
    if (stats_out_close(ctx, oo, &af, f))
        rc = EXIT_SOME_FAILED;
    free(match);
    free(x);
    dys_table_free(&A);
    dys_table_free(&B);
    return rc;
}
