/*
 * dyssync stats - research statistics on batch outputs: responders under
 * each response definition and their agreement (kappa), ROC analysis of
 * indices against a response, agreement between observers or runs (ICC,
 * Bland-Altman), and correlation between indices.  The formulas are in the
 * engine (engine/stats.c, dyssync_stats.h), as are the table and outcomes
 * readers and the response definitions (engine/table.c, outcomes.c); this
 * file joins the tables by study_id and writes text, JSON or CSV.
 *
 * A statistic that cannot be computed (one class only, a constant column,
 * too few subjects) is reported with its reason, never as NaN, and makes
 * the exit status 1.
 */
#include "common.h"
#include "dyssync_stats.h"
#include "json.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

typedef struct {
    enum fmt fmt;
    const char *output, *plot;
    double dpi;
    dys_table_options topts; /* the largest input table read */
} stats_opts;

/* Statistics are written with 6 significant digits, in JSON and CSV. */
#define SIG 6

/* A CSV cell of a number: empty when not finite. */
static void cnum(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.*g", SIG, x);
}

/* ---- output files --------------------------------------------------------- */

static FILE *out_open(dys_ctx *ctx, const stats_opts *oo, dys_outfile *af)
{
    if (!oo->output)
        return stdout;
    if (dys_outfile_open(ctx, af, oo->output) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return NULL;
    }
    return af->f;
}

static int out_close(dys_ctx *ctx, const stats_opts *oo, dys_outfile *af, FILE *f)
{
    if (!oo->output)
        return fflush(f) == 0 ? 0 : -1;
    if (dys_outfile_commit(ctx, af) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return -1;
    }
    return 0;
}

/* ---- responders ------------------------------------------------------------ */

static int stats_responders(dys_ctx *ctx, const char *opath, const stats_opts *oo)
{
    dys_outcomes os;
    if (dys_outcomes_read(ctx, opath, &oo->topts, &os) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return EXIT_SOME_FAILED;
    }
    int *resp = malloc((os.n ? os.n : 1) * DYS_N_RESPONSE_DEFS * sizeof *resp);
    if (!resp) {
        dys_outcomes_free(&os);
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    for (size_t i = 0; i < os.n; i++)
        for (int d = 0; d < DYS_N_RESPONSE_DEFS; d++)
            resp[i * DYS_N_RESPONSE_DEFS + d] = dys_response(&os.o[i], d, NULL);
    dys_outfile af;
    FILE *f = out_open(ctx, oo, &af);
    int rc = f ? EXIT_ALL_OK : EXIT_SOME_FAILED;
    if (f && oo->fmt == FMT_CSV) {
        fputs("study_id", f);
        for (int d = 0; d < DYS_N_RESPONSE_DEFS; d++)
            fprintf(f, ",%s", dys_response_name(d));
        fputc('\n', f);
        for (size_t i = 0; i < os.n; i++) {
            dys_write_csv_field(f, os.o[i].study_id);
            for (int d = 0; d < DYS_N_RESPONSE_DEFS; d++)
                fprintf(f, resp[i * DYS_N_RESPONSE_DEFS + d] < 0 ? "," : ",%d", resp[i * DYS_N_RESPONSE_DEFS + d]);
            fputc('\n', f);
        }
    } else if (f) {
        int json = oo->fmt == FMT_JSON;
        cli_json j;
        json_init(&j, f);
        if (json) {
            json_object_begin(&j);
            json_member_size(&j, "n_studies", os.n);
            json_key(&j, "definitions");
            json_array_begin(&j);
        } else {
            fprintf(f, "Responders: %zu studies in %s\n\n%-14s %-42s %5s %10s %7s\n", os.n,
                    opath, "definition", "", "n", "responders", "rate");
        }
        for (int d = 0; d < DYS_N_RESPONSE_DEFS; d++) {
            size_t n = 0, yes = 0;
            for (size_t i = 0; i < os.n; i++)
                if (resp[i * DYS_N_RESPONSE_DEFS + d] >= 0) {
                    n++;
                    yes += resp[i * DYS_N_RESPONSE_DEFS + d] == 1;
                }
            double rate = n ? 100.0 * (double)yes / (double)n : NAN;
            if (json) {
                json_object_begin(&j);
                json_member_string(&j, "name", dys_response_name(d));
                json_member_string(&j, "description", dys_response_description(d));
                json_member_size(&j, "n", n);
                json_member_size(&j, "responders", yes);
                json_member_g(&j, "rate_pct", rate, SIG);
                json_object_end(&j);
            } else if (n) {
                fprintf(f, "%-14s %-42s %5zu %10zu %6.1f%%\n", dys_response_name(d), dys_response_description(d),
                        n, yes, rate);
            } else {
                fprintf(f, "%-14s %-42s %5zu %10s %7s  (no study has the data)\n", dys_response_name(d),
                        dys_response_description(d), n, "-", "-");
            }
        }
        if (json) {
            json_array_end(&j);
            json_key(&j, "kappa");
            json_array_begin(&j);
        } else {
            fputs("\nAgreement between definitions (Cohen's kappa, studies classified by both)\n",
                  f);
        }
        for (int a = 0; a < DYS_N_RESPONSE_DEFS; a++)
            for (int b = a + 1; b < DYS_N_RESPONSE_DEFS; b++) {
                int *x = malloc((os.n ? os.n : 1) * 2 * sizeof *x), *y;
                if (!x)
                    continue;
                y = x + os.n;
                size_t n = 0;
                for (size_t i = 0; i < os.n; i++)
                    if (resp[i * DYS_N_RESPONSE_DEFS + a] >= 0 && resp[i * DYS_N_RESPONSE_DEFS + b] >= 0) {
                        x[n] = resp[i * DYS_N_RESPONSE_DEFS + a];
                        y[n++] = resp[i * DYS_N_RESPONSE_DEFS + b];
                    }
                double po, k = dys_kappa(x, y, n, &po);
                free(x);
                const char *why = n == 0 ? "no study is classified by both"
                                  : !isfinite(k) ? "undefined: both definitions put every study in one class"
                                                 : NULL;
                if (json) {
                    json_object_begin(&j);
                    json_member_string(&j, "a", dys_response_name(a));
                    json_member_string(&j, "b", dys_response_name(b));
                    json_member_size(&j, "n", n);
                    json_member_g(&j, "agreement_pct", n ? 100 * po : NAN, SIG);
                    json_member_g(&j, "kappa", k, SIG);
                    json_member_string(&j, "note", why); /* null when there is none */
                    json_object_end(&j);
                } else if (why) {
                    fprintf(f, "  %-13s vs %-13s n %4zu  kappa -: %s\n", dys_response_name(a),
                            dys_response_name(b), n, why);
                } else {
                    fprintf(f, "  %-13s vs %-13s n %4zu  agreement %5.1f%%  kappa %5.2f\n",
                            dys_response_name(a), dys_response_name(b), n, 100 * po, k);
                }
            }
        if (json) {
            json_array_end(&j);
            json_key(&j, "studies");
            json_array_begin(&j);
            for (size_t i = 0; i < os.n; i++) {
                json_object_begin(&j);
                json_member_string(&j, "study_id", os.o[i].study_id);
                for (int d = 0; d < DYS_N_RESPONSE_DEFS; d++) {
                    int v = resp[i * DYS_N_RESPONSE_DEFS + d];
                    json_key(&j, dys_response_name(d));
                    if (v < 0)
                        json_null(&j);
                    else
                        json_bool(&j, v);
                }
                json_object_end(&j);
            }
            json_array_end(&j);
            json_object_end(&j);
            json_newline(&j);
        } else {
            fputs("\nA death or heart-failure hospitalisation makes a non-responder under "
                  "every definition.\n", f);
        }
    }
    if (f && out_close(ctx, oo, &af, f))
        rc = EXIT_SOME_FAILED;
    free(resp);
    dys_outcomes_free(&os);
    return rc;
}

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

/* A batch studies.csv: the study_id and status columns are required, and
 * only rows with status ok count. */
static int read_results(dys_ctx *ctx, const char *path, const stats_opts *oo, dys_table *t,
                        int *idc, int *stc)
{
    if (dys_table_read(ctx, path, &oo->topts, t) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return -1;
    }
    *idc = dys_table_col(t, "study_id");
    *stc = dys_table_col(t, "status");
    if (*idc < 0) {
        cli_error("%s: no study_id column (a batch studies.csv has one)", path);
        dys_table_free(t);
        return -1;
    }
    return 0;
}

/* ---- ROC ----------------------------------------------------------------- */

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
            cnum(f, x[k]);
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

static int stats_roc(dys_ctx *ctx, const char *results, const char *opath, const char *table,
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
        if (read_results(ctx, results, oo, &t, &idc, &stc))
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
    FILE *f = out_open(ctx, oo, &af);
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
    if (out_close(ctx, oo, &af, f))
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
        snprintf(title, sizeof title, "ROC: %s", table ? label_col : dys_response_description(response));
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

/* ---- agreement --------------------------------------------------------------- */

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
            cnum(f, iv[q]->value);
            fputc(',', f);
            cnum(f, iv[q]->ci_low);
            fputc(',', f);
            cnum(f, iv[q]->ci_high);
        }
        const double bav[] = {ba.bias, ba.bias_ci_low, ba.bias_ci_high, ba.sd, ba.loa_low,
                              ba.loa_low_ci_low, ba.loa_low_ci_high, ba.loa_high,
                              ba.loa_high_ci_low, ba.loa_high_ci_high, ba.cv_pct};
        for (size_t q = 0; q < 11; q++) {
            fputc(',', f);
            if (k == 2)
                cnum(f, bav[q]);
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
            int ix = cli_index_key(name, strlen(name));
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

static int stats_agree(dys_ctx *ctx, char **files, size_t nfiles, const char *table,
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
            FILE *f = out_open(ctx, oo, &af);
            if (!f) {
                rc = EXIT_SOME_FAILED;
            } else {
                if (oo->fmt == FMT_CSV)
                    fputs(agree_csv_header, f);
                if (dropped && oo->fmt == FMT_TEXT)
                    fprintf(f, "(%zu subjects with a missing rating left out)\n", dropped);
                if (agree_one(ctx, f, oo, table, x, n, k, 1))
                    rc = EXIT_SOME_FAILED;
                if (out_close(ctx, oo, &af, f))
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
    if (read_results(ctx, files[0], oo, &A, &ida, &sta))
        return EXIT_SOME_FAILED;
    if (read_results(ctx, files[1], oo, &B, &idb, &stb)) {
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
    FILE *f = match ? out_open(ctx, oo, &af) : NULL;
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
    if (out_close(ctx, oo, &af, f))
        rc = EXIT_SOME_FAILED;
    free(match);
    free(x);
    dys_table_free(&A);
    dys_table_free(&B);
    return rc;
}

/* ---- correlation ------------------------------------------------------------- */

static int stats_correlate(dys_ctx *ctx, const char *results, char **names, size_t nnames,
                           const stats_opts *oo)
{
    dys_table t;
    int idc, stc, rc = EXIT_ALL_OK;
    if (read_results(ctx, results, oo, &t, &idc, &stc))
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
    FILE *f = out_open(ctx, oo, &af);
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
                    cnum(f, v[q]);
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
    if (out_close(ctx, oo, &af, f))
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

/* ---- the command --------------------------------------------------------------- */

int cmd_stats(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        return argc < 2 ? cli_usage("stats", "needs a statistic: responders, roc, agree or "
                                             "correlate")
                        : cli_help("stats");
    const char *what = argv[1];
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"plot", required_argument, NULL, 'p'},
        {"dpi", required_argument, NULL, 'd'},
        {"results", required_argument, NULL, 'r'},
        {"outcomes", required_argument, NULL, 'O'},
        {"response", required_argument, NULL, 'R'},
        {"index", required_argument, NULL, 'i'},
        {"table", required_argument, NULL, 't'},
        {"score", required_argument, NULL, 's'},
        {"label", required_argument, NULL, 'l'},
        {"max-file-mb", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    stats_opts oo = {FMT_TEXT, NULL, NULL, 150, {DYS_TABLE_MAX_BYTES}};
    const char *results = NULL, *opath = NULL, *table = NULL, *label = NULL;
    int response = -1, opt;
    char **names = calloc((size_t)argc, sizeof *names);
    size_t nnames = 0;
    long l;
    if (!names) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    optind = 1;
    int rc = -1;
    while (rc < 0 && (opt = getopt_long(argc - 1, argv + 1, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (!strcmp(optarg, "text"))
                oo.fmt = FMT_TEXT;
            else if (!strcmp(optarg, "json"))
                oo.fmt = FMT_JSON;
            else if (!strcmp(optarg, "csv"))
                oo.fmt = FMT_CSV;
            else
                rc = cli_usage("stats", "--format takes text, json or csv");
            break;
        case 'o': oo.output = optarg; break;
        case 'p': oo.plot = optarg; break;
        case 'd':
            if (cli_long(optarg, 30, 1200, &l))
                rc = cli_usage("stats", "--dpi takes 30..1200");
            oo.dpi = (double)l;
            break;
        case 'r': results = optarg; break;
        case 'O': opath = optarg; break;
        case 'R':
            if ((response = dys_response_parse(optarg)) < 0)
                rc = cli_usage("stats", "--response takes lvesv15, lvef5, composite, nyha1 or "
                                        "nyha1_walk25");
            break;
        case 'i':
        case 's':
            if (opt == 'i' && cli_index_key(optarg, strlen(optarg)) < 0)
                rc = cli_usage("stats", "--index %s: not an index key (docs/indices.md)", optarg);
            names[nnames++] = optarg;
            break;
        case 't': table = optarg; break;
        case 'l': label = optarg; break;
        case 'M':
            if (cli_long(optarg, 1, 1L << 20, &l))
                rc = cli_usage("stats", "--max-file-mb takes a whole number of MiB (1..1048576)");
            else
                oo.topts.max_bytes = (size_t)l << 20;
            break;
        case 'h': rc = cli_help("stats"); break;
        default: rc = cli_usage("stats", "unknown option"); break;
        }
    }
    char **rest = argv + 1 + optind;
    size_t nrest = (size_t)(argc - 1 - optind);
    dys_ctx *ctx = rc < 0 ? dys_ctx_new() : NULL;
    if (rc < 0 && !ctx) {
        cli_error("out of memory");
        rc = EXIT_SOME_FAILED;
    }
    if (rc >= 0) {
        /* an option error or --help */
    } else if (!strcmp(what, "responders")) {
        rc = !opath || nrest ? cli_usage("stats", "responders takes --outcomes FILE")
                             : stats_responders(ctx, opath, &oo);
    } else if (!strcmp(what, "roc")) {
        if (table && (!label || !nnames))
            rc = cli_usage("stats", "roc --table FILE needs --score COL and --label COL");
        else if (!table && (!results || !opath || response < 0))
            rc = cli_usage("stats", "roc needs --results studies.csv --outcomes FILE "
                                    "--response DEF, or --table FILE --score COL --label COL");
        else if (nrest)
            rc = cli_usage("stats", "roc takes no operands");
        else
            rc = stats_roc(ctx, results, opath, table, response, names, nnames, label, &oo);
    } else if (!strcmp(what, "agree")) {
        rc = stats_agree(ctx, rest, nrest, table, names, nnames, &oo);
    } else if (!strcmp(what, "correlate")) {
        rc = !results || nrest ? cli_usage("stats", "correlate takes --results studies.csv")
                               : stats_correlate(ctx, results, names, nnames, &oo);
    } else {
        rc = cli_usage("stats", "unknown statistic %s (responders, roc, agree, correlate)", what);
    }
    dys_ctx_free(ctx);
    free(names);
    return rc;
}
