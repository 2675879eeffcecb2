/*
 * stats roc - indices (or any score column) against a response: AUC with
 * DeLong's CI, the Youden cut-off, sensitivity and specificity at the
 * published cut-offs, DeLong's paired test between scores, the figure.
 */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a numeric variable with its subjects ----------------------------------- */

typedef struct {
    char name[96];
    int index;     /* its dys_index, -1 for a column that is not one */
    size_t *row;   /* the table row of each subject, increasing */
    double *x;
    int *label;    /* for ROC */
    size_t n;
    char error[512];
} var;

static void var_free(var *v)
{
    free(v->row);
    free(v->x);
    free(v->label);
    memset(v, 0, sizeof *v);
}

/* One score's line, or in JSON its object left open for the published
 * cut-offs and the paired tests. */
static void roc_write(FILE *f, cli_json *j, enum fmt fmt, const var *v, const dys_roc *r)
{
    if (fmt == FMT_JSON) {
        json_object_begin(j);
        json_member_string(j, "index", v->name);
        if (v->error[0]) {
            json_member_string(j, "error", v->error);
            return;
        }
        json_member_size(j, "n_pos", r->n_pos);
        json_member_size(j, "n_neg", r->n_neg);
        json_member_g(j, "auc", r->auc, SIG);
        json_member_g(j, "auc_se", r->auc_se, SIG);
        json_member_g(j, "auc_ci_low", r->auc_ci_low, SIG);
        json_member_g(j, "auc_ci_high", r->auc_ci_high, SIG);
        json_member_g(j, "youden_cutoff", r->youden_cutoff, SIG);
        json_member_g(j, "sensitivity", r->sensitivity, SIG);
        json_member_g(j, "specificity", r->specificity, SIG);
    } else if (fmt == FMT_CSV) {
        dys_write_csv_field(f, v->name);
        if (v->error[0]) {
            fputs(",,,,,,,,,,", f);
            dys_write_csv_field(f, v->error);
            fputc('\n', f);
            return;
        }
        fprintf(f, ",%zu,%zu,", r->n_pos, r->n_neg);
        const double x[] = {r->auc, r->auc_se, r->auc_ci_low, r->auc_ci_high, r->youden_cutoff,
                            r->sensitivity, r->specificity};
        for (size_t k = 0; k < 7; k++) {
            stats_csv_num(f, x[k]);
            fputc(',', f);
        }
        fputc('\n', f);
    } else if (v->error[0]) {
        fprintf(f, "%-34s %s\n", v->name, v->error);
    } else {
        fprintf(f, "%-34s %4zu %4zu  %5.3f  %5.3f-%5.3f  %10.4g  %5.2f  %5.2f\n", v->name,
                r->n_pos, r->n_neg, r->auc, r->auc_ci_low, r->auc_ci_high, r->youden_cutoff,
                r->sensitivity, r->specificity);
    }
}

int stats_roc(dys_ctx *ctx, const char *results, const char *opath, const char *table,
                     int response, char **names, size_t nnames, const char *label_col,
                     const stats_opts *oo)
{
    dys_table t;
    int idc = -1, stc = -1, lab = -1, rc = EXIT_ALL_OK;
    dys_outcomes os = {0};
    if (table) {
        if (dys_table_read(ctx, table, &oo->topts, &t) != DYS_OK) {
            cli_error("%s", dys_ctx_error(ctx));
            return EXIT_SOME_FAILED;
        }
        if ((lab = dys_table_col(&t, label_col)) < 0) {
            cli_error("%s: no column %s (--label)", table, label_col);
            dys_table_free(&t);
            return EXIT_SOME_FAILED;
        }
    } else {
        if (stats_read_results(ctx, results, oo, &t, &idc, &stc))
            return EXIT_SOME_FAILED;
        if (dys_outcomes_read(ctx, opath, &oo->topts, &os) != DYS_OK) {
            cli_error("%s", dys_ctx_error(ctx));
            dys_table_free(&t);
            return EXIT_SOME_FAILED;
        }
    }
    /* the scores: given, or every index with a published cut-off */
    const char *dflt[DYS_N_INDICES];
    size_t nd = 0;
    if (!nnames && !table) {
        for (int i = 0; dys_cutoff_get(i); i++) {
            const char *k = dys_index_get(dys_cutoff_get(i)->index)->key;
            int seen = 0;
            for (size_t q = 0; q < nd; q++)
                seen |= !strcmp(dflt[q], k);
            if (!seen && dys_table_col(&t, k) >= 0)
                dflt[nd++] = k;
        }
    }
    size_t nv = nnames ? nnames : nd;
    var *v = calloc(nv ? nv : 1, sizeof *v);
    dys_roc *roc = calloc(nv ? nv : 1, sizeof *roc);
    if (!v || !roc) {
        cli_error("out of memory");
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    for (size_t s = 0; s < nv && rc == EXIT_ALL_OK; s++) {
        const char *name = nnames ? names[s] : dflt[s];
        snprintf(v[s].name, sizeof v[s].name, "%s", name);
        int col = dys_table_col(&t, name);
        if (col < 0) {
            cli_error("%s: no column %s", table ? table : results, name);
            rc = EXIT_SOME_FAILED;
            break;
        }
        /* an index read on |value| (a signed delay whose cut-off is on its
         * size) is scored on |value| too */
        int idx = v[s].index = table ? -1 : cli_index_key(name, strlen(name));
        int on_abs = idx >= 0 && dys_cutoff_default(idx) && dys_cutoff_default(idx)->on_abs;
        if (on_abs)
            snprintf(v[s].name, sizeof v[s].name, "|%s|", name);
        v[s].row = malloc((t.nrow ? t.nrow : 1) * sizeof *v[s].row);
        v[s].x = malloc((t.nrow ? t.nrow : 1) * sizeof *v[s].x);
        v[s].label = malloc((t.nrow ? t.nrow : 1) * sizeof *v[s].label);
        if (!v[s].row || !v[s].x || !v[s].label) {
            cli_error("out of memory");
            rc = EXIT_SOME_FAILED;
            break;
        }
        size_t no_outcome = 0;
        for (size_t r = 0; r < t.nrow; r++) {
            double x;
            int k = dys_table_num(ctx, &t, r, col, &x);
            if (k < 0) {
                cli_error("%s", dys_ctx_error(ctx));
                rc = EXIT_SOME_FAILED;
                break;
            }
            int l;
            if (table) {
                const char *ls = dys_table_get(&t, r, lab);
                if (!*ls || !strcasecmp(ls, "NA"))
                    continue;
                if ((l = dys_parse_yes_no(ls)) < 0) {
                    cli_error("%s:%zu:%d: label must be 1/0, yes/no or true/false, not \"%s\"",
                              table, t.line[r], lab + 1, ls);
                    rc = EXIT_SOME_FAILED;
                    break;
                }
            } else {
                if (stc >= 0 && strcmp(dys_table_get(&t, r, stc), "ok"))
                    continue;
                const dys_outcome *o = dys_outcomes_find(&os, dys_table_get(&t, r, idc));
                if (!o) {
                    no_outcome++;
                    continue;
                }
                if ((l = dys_response(o, response, NULL)) < 0)
                    continue;
            }
            if (k != 0)
                continue; /* index missing for this study */
            v[s].row[v[s].n] = r;
            v[s].x[v[s].n] = on_abs ? fabs(x) : x;
            v[s].label[v[s].n++] = l;
        }
        if (rc != EXIT_ALL_OK)
            break;
        if (dys_roc_compute(ctx, v[s].x, v[s].label, v[s].n, &roc[s]) != DYS_OK) {
            snprintf(v[s].error, sizeof v[s].error, "%s", dys_ctx_error(ctx));
            cli_error("%s: %s", v[s].name, v[s].error);
        }
        if (s == 0 && no_outcome)
            cli_error("%zu ok studies of %s have no row in %s", no_outcome, results, opath);
    }
    if (rc != EXIT_ALL_OK)
        goto done;
    dys_outfile af;
    FILE *f = stats_out_open(ctx, oo, &af);
    if (!f) {
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    if (oo->fmt == FMT_CSV)
        fputs("index,n_pos,n_neg,auc,auc_se,auc_ci_low,auc_ci_high,youden_cutoff,sensitivity,"
              "specificity,error\n", f);
    else if (oo->fmt == FMT_TEXT)
        fprintf(f, "ROC against %s%s (%s)\n\n%-34s %4s %4s  %5s  %-11s  %10s  %5s  %5s\n",
                table ? "the label " : "", table ? label_col : dys_response_description(response),
                table ? table : dys_response_name(response), "score", "n+", "n-", "AUC", "95% CI",
                "Youden cut", "sens", "spec");
    cli_json j;
    json_init(&j, f);
    for (size_t s = 0; s < nv; s++) {
        roc_write(f, &j, oo->fmt, &v[s], &roc[s]);
        if (v[s].error[0]) {
            rc = EXIT_SOME_FAILED;
            if (oo->fmt == FMT_JSON) {
                json_object_end(&j);
                json_newline(&j);
            }
            continue;
        }
        /* the published cut-offs of this index */
        int idx = v[s].index, nc = 0;
        for (int i = 0; idx >= 0 && dys_cutoff_get(i); i++) {
            const dys_cutoff *c = dys_cutoff_get(i);
            if (c->index != idx)
                continue;
            double se, sp;
            dys_roc_at(v[s].x, v[s].label, v[s].n, c->value, c->on_abs, &se, &sp);
            if (oo->fmt == FMT_JSON) {
                if (!nc) {
                    json_key(&j, "published_cutoffs");
                    json_array_begin(&j);
                }
                json_object_begin(&j);
                json_member_g(&j, "cutoff", c->value, SIG);
                json_key(&j, "absolute");
                json_bool(&j, c->on_abs);
                json_member_string(&j, "source", c->source);
                json_member_g(&j, "sensitivity", se, SIG);
                json_member_g(&j, "specificity", sp, SIG);
                json_object_end(&j);
            } else if (oo->fmt == FMT_TEXT) {
                fprintf(f, "    at the published %s%g (%s): sens %.2f, spec %.2f\n",
                        c->on_abs ? "|x| >= " : ">= ", c->value, c->source, se, sp);
            }
            nc++;
        }
        if (nc && oo->fmt == FMT_JSON)
            json_array_end(&j);
        /* paired DeLong tests against the later scores, on the subjects
         * that have both */
        int nt = 0;
        for (size_t u = s + 1; u < nv; u++) {
            if (v[u].error[0])
                continue;
            size_t m = 0;
            double *a = malloc((v[s].n ? v[s].n : 1) * 2 * sizeof *a), *b;
            int *l = malloc((v[s].n ? v[s].n : 1) * sizeof *l);
            if (!a || !l) {
                free(a);
                free(l);
                continue;
            }
            b = a + v[s].n;
            /* both scores come from the same rows in order: a merge join */
            for (size_t i = 0, j = 0; i < v[s].n && j < v[u].n;) {
                if (v[s].row[i] < v[u].row[j]) {
                    i++;
                } else if (v[s].row[i] > v[u].row[j]) {
                    j++;
                } else {
                    a[m] = v[s].x[i];
                    b[m] = v[u].x[j];
                    l[m++] = v[s].label[i++];
                    j++;
                }
            }
            double diff, z, p;
            dys_status st = dys_roc_compare(ctx, a, b, l, m, &diff, &z, &p);
            size_t mp = 0;
            for (size_t i = 0; i < m; i++)
                mp += l[i] != 0;
            free(a);
            free(l);
            if (oo->fmt == FMT_JSON) {
                if (!nt) {
                    json_key(&j, "delong");
                    json_array_begin(&j);
                }
                json_object_begin(&j);
                json_member_string(&j, "with", v[u].name);
                json_member_size(&j, "n_pos", mp);
                json_member_size(&j, "n_neg", m - mp);
                if (st == DYS_OK) {
                    json_member_g(&j, "auc_diff", diff, SIG);
                    json_member_g(&j, "z", z, SIG);
                    json_member_g(&j, "p", p, SIG);
                } else {
                    json_member_string(&j, "error", dys_ctx_error(ctx));
                }
                json_object_end(&j);
            } else if (oo->fmt == FMT_TEXT) {
                if (st == DYS_OK)
                    fprintf(f, "    vs %s (DeLong, paired, n %zu/%zu): AUC difference %+.3f, "
                               "z %.2f, p %.3g\n", v[u].name, mp, m - mp, diff, z, p);
                else
                    fprintf(f, "    vs %s: %s\n", v[u].name, dys_ctx_error(ctx));
            }
            nt++;
        }
        if (nt && oo->fmt == FMT_JSON)
            json_array_end(&j);
        if (oo->fmt == FMT_JSON) {
            json_object_end(&j);
            json_newline(&j);
        }
    }
    if (stats_out_close(ctx, oo, &af, f))
        rc = EXIT_SOME_FAILED;
    if (oo->plot) {
        dys_roc_series ser[8];
        size_t ns = 0;
        for (size_t s = 0; s < nv && ns < 8; s++)
            if (!v[s].error[0]) {
                dys_roc_series x = {v[s].name, v[s].x, v[s].label, v[s].n, roc[s]};
                ser[ns++] = x;
            }
        char title[160];
        snprintf(title, sizeof title, "ROC: %s",
                 table ? label_col : dys_response_description(response));
        if (ns == 0) {
            cli_error("%s: no ROC curve to draw", oo->plot);
            rc = EXIT_SOME_FAILED;
        } else if (dys_plot_roc(ctx, oo->plot, ser, ns, title, oo->dpi) != DYS_OK) {
            cli_error("%s", dys_ctx_error(ctx));
            rc = EXIT_SOME_FAILED;
        } else if (nv > 8) {
            cli_error("%s: the first 8 curves are drawn", oo->plot);
        }
    }
done:
    for (size_t s = 0; v && s < nv; s++)
        var_free(&v[s]);
    free(v);
    free(roc);
    dys_outcomes_free(&os);
    dys_table_free(&t);
    return rc;
}
