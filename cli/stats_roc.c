/*
 * stats roc - indices (or any score column) against a response: AUC with
 * DeLong's CI, the Youden cut-off, sensitivity and specificity at the
 * published cut-offs, DeLong's paired test between scores, the figure.
 *
 * stats_roc runs the phases in order: roc_read (the inputs), roc_join per
 * score (its subjects, with their labels, and its ROC), roc_write_all (the
 * chosen format) and roc_plot (the figure).  Every phase that can fail
 * says why on stderr and the exit status becomes 1.
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

/* ---- reading the inputs ----------------------------------------------------- */

/* What the scores are read from: either a plain table with a label column
 * (--table, --label) or batch's studies.csv joined by study_id to an
 * outcomes file and a response definition (--results, --outcomes,
 * --response).  `table` says which. */
typedef struct {
    const char *results, *opath, *table, *label_col;
    dys_response_def response;
    dys_table t;
    dys_outcomes os;
    int idc, stc, lab; /* study_id, status and label columns, -1 when absent */
} roc_input;

/* 0, or -1 after a message (in->t and in->os are then empty: freeing them
 * is harmless). */
static int roc_read(dys_ctx *ctx, roc_input *in, const stats_opts *oo)
{
    if (in->table) {
        if (dys_table_read(ctx, in->table, &oo->topts, &in->t) != DYS_OK) {
            cli_error("%s", dys_ctx_error(ctx));
            return -1;
        }
        if ((in->lab = dys_table_col(&in->t, in->label_col)) < 0) {
            cli_error("%s: no column %s (--label)", in->table, in->label_col);
            return -1;
        }
        return 0;
    }
    if (stats_read_results(ctx, in->results, oo, &in->t, &in->idc, &in->stc))
        return -1;
    if (dys_outcomes_read(ctx, in->opath, &oo->topts, &in->os) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return -1;
    }
    return 0;
}

/* The scores when none is named: every index with a published cut-off that
 * studies.csv has a value of in some row, each once, in the order of the
 * cut-off table.  A column empty throughout is an index the cohort's
 * studies cannot give (Doppler timing or work not given, the strain
 * markers of a tissue-Doppler cohort): no ROC to fail on.  Named with
 * --index, it still is one. */
static size_t roc_default_scores(const dys_table *t, const char *dflt[DYS_N_INDICES])
{
    size_t nd = 0;
    for (int i = 0; dys_cutoff_get(i); i++) {
        const char *k = dys_index_get(dys_cutoff_get(i)->index)->key;
        int seen = 0, col = dys_table_col(t, k), any = 0;
        for (size_t q = 0; q < nd; q++)
            seen |= !strcmp(dflt[q], k);
        for (size_t r = 0; col >= 0 && r < t->nrow && !any; r++)
            any = dys_table_get(t, r, col)[0] != '\0';
        if (!seen && any)
            dflt[nd++] = k;
    }
    return nd;
}

/* The label of row r: 1 with *l set, 0 when the row does not take part (no
 * label, not an ok study, no outcome or a response that cannot be
 * decided; *no_outcome counts the ok studies missing from the outcomes
 * file), -1 after a message for a label that is not yes/no. */
static int roc_label(const roc_input *in, size_t r, int *l, size_t *no_outcome)
{
    const dys_table *t = &in->t;
    if (in->table) {
        const char *ls = dys_table_get(t, r, in->lab);
        if (!*ls || !strcasecmp(ls, "NA"))
            return 0;
        if ((*l = dys_parse_yes_no(ls)) < 0) {
            cli_error("%s:%zu:%d: label must be 1/0, yes/no or true/false, not \"%s\"",
                      in->table, t->line[r], in->lab + 1, ls);
            return -1;
        }
        return 1;
    }
    if (in->stc >= 0 && strcmp(dys_table_get(t, r, in->stc), "ok"))
        return 0;
    const dys_outcome *o = dys_outcomes_find(&in->os, dys_table_get(t, r, in->idc));
    if (!o) {
        (*no_outcome)++;
        return 0;
    }
    return (*l = dys_response(o, in->response, NULL)) >= 0;
}

/* One score: its subjects (a score and a label on the same row) into v and
 * its ROC into roc.  A ROC that cannot be computed is not an error here:
 * its reason goes into v->error and is written in its place.  *no_outcome:
 * the ok studies without a row in the outcomes file.  0, or -1 after a
 * message (a missing column, a bad cell, no memory). */
static int roc_join(dys_ctx *ctx, const roc_input *in, const char *name, var *v, dys_roc *roc,
                    size_t *no_outcome)
{
    const dys_table *t = &in->t;
    snprintf(v->name, sizeof v->name, "%s", name);
    int col = dys_table_col(t, name);
    if (col < 0) {
        cli_error("%s: no column %s", in->table ? in->table : in->results, name);
        return -1;
    }
    /* an index read on |value| (a signed delay whose cut-off is on its
     * size) is scored on |value| too */
    int idx = v->index = in->table ? -1 : dys_index_from_key(name, strlen(name));
    int on_abs = idx >= 0 && dys_cutoff_default(idx) && dys_cutoff_default(idx)->on_abs;
    if (on_abs)
        snprintf(v->name, sizeof v->name, "|%s|", name);
    size_t cap = t->nrow ? t->nrow : 1;
    v->row = malloc(cap * sizeof *v->row);
    v->x = malloc(cap * sizeof *v->x);
    v->label = malloc(cap * sizeof *v->label);
    if (!v->row || !v->x || !v->label) {
        cli_error("out of memory");
        return -1;
    }
    *no_outcome = 0;
    for (size_t r = 0; r < t->nrow; r++) {
        double x;
        /* the cell is checked before the label, so a bad number is
         * reported even on a row without a label */
        int k = dys_table_num(ctx, t, r, col, &x);
        if (k < 0) {
            cli_error("%s", dys_ctx_error(ctx));
            return -1;
        }
        int l, has = roc_label(in, r, &l, no_outcome);
        if (has < 0)
            return -1;
        if (!has || k != 0)
            continue; /* no label, or the index missing for this study */
        v->row[v->n] = r;
        v->x[v->n] = on_abs ? fabs(x) : x;
        v->label[v->n++] = l;
    }
    if (dys_roc_compute(ctx, v->x, v->label, v->n, roc) != DYS_OK) {
        snprintf(v->error, sizeof v->error, "%s", dys_ctx_error(ctx));
        cli_error("%s: %s", v->name, v->error);
    }
    return 0;
}

/* ---- writing ---------------------------------------------------------------- */

/* The CSV header or the text title and column heads (JSON has none). */
static void roc_write_header(FILE *f, enum fmt fmt, const roc_input *in)
{
    if (fmt == FMT_CSV)
        fputs("index,n_pos,n_neg,auc,auc_se,auc_ci_low,auc_ci_high,youden_cutoff,sensitivity,"
              "specificity,error\n", f);
    else if (fmt == FMT_TEXT)
        fprintf(f, "ROC against %s%s (%s)\n\n%-34s %4s %4s  %5s  %-11s  %10s  %5s  %5s\n",
                in->table ? "the label " : "",
                in->table ? in->label_col : dys_response_description(in->response),
                in->table ? in->table : dys_response_name(in->response), "score", "n+", "n-",
                "AUC", "95% CI", "Youden cut", "sens", "spec");
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

/* Sensitivity and specificity at the published cut-offs of v's index (none
 * for a column that is not an index); CSV has no place for them. */
static void roc_write_cutoffs(FILE *f, cli_json *j, enum fmt fmt, const var *v)
{
    int nc = 0;
    for (int i = 0; v->index >= 0 && dys_cutoff_get(i); i++) {
        const dys_cutoff *c = dys_cutoff_get(i);
        if (c->index != v->index)
            continue;
        double se, sp;
        dys_roc_at(v->x, v->label, v->n, c->value, c->on_abs, &se, &sp);
        if (fmt == FMT_JSON) {
            if (!nc) {
                json_key(j, "published_cutoffs");
                json_array_begin(j);
            }
            json_object_begin(j);
            json_member_g(j, "cutoff", c->value, SIG);
            json_key(j, "absolute");
            json_bool(j, c->on_abs);
            json_member_string(j, "source", c->source);
            json_member_g(j, "sensitivity", se, SIG);
            json_member_g(j, "specificity", sp, SIG);
            json_object_end(j);
        } else if (fmt == FMT_TEXT) {
            fprintf(f, "    at the published %s%g (%s): sens %.2f, spec %.2f\n",
                    c->on_abs ? "|x| >= " : ">= ", c->value, c->source, se, sp);
        }
        nc++;
    }
    if (nc && fmt == FMT_JSON)
        json_array_end(j);
}

/* The subjects two scores share, with a's label: both come from the same
 * table rows in increasing order, so a merge join.  a and b hold
 * min(va->n, vb->n) each; returns how many were written. */
static size_t roc_pair(const var *va, const var *vb, double *a, double *b, int *l)
{
    size_t m = 0;
    for (size_t i = 0, j = 0; i < va->n && j < vb->n;) {
        if (va->row[i] < vb->row[j]) {
            i++;
        } else if (va->row[i] > vb->row[j]) {
            j++;
        } else {
            a[m] = va->x[i];
            b[m] = vb->x[j];
            l[m++] = va->label[i++];
            j++;
        }
    }
    return m;
}

/* One paired DeLong test against vu on m shared subjects; the message of a test that
 * cannot be done is written in its place. */
static void roc_write_test(dys_ctx *ctx, FILE *f, cli_json *j, enum fmt fmt, const var *vu,
                           const double *a, const double *b, const int *l, size_t m)
{
    double diff, z, p;
    dys_status st = dys_roc_compare(ctx, a, b, l, m, &diff, &z, &p);
    size_t mp = 0;
    for (size_t i = 0; i < m; i++)
        mp += l[i] != 0;
    if (fmt == FMT_JSON) {
        json_object_begin(j);
        json_member_string(j, "with", vu->name);
        json_member_size(j, "n_pos", mp);
        json_member_size(j, "n_neg", m - mp);
        if (st == DYS_OK) {
            json_member_g(j, "auc_diff", diff, SIG);
            json_member_g(j, "z", z, SIG);
            json_member_g(j, "p", p, SIG);
        } else {
            json_member_string(j, "error", dys_ctx_error(ctx));
        }
        json_object_end(j);
    } else if (fmt == FMT_TEXT) {
        if (st == DYS_OK)
            fprintf(f, "    vs %s (DeLong, paired, n %zu/%zu): AUC difference %+.3f, "
                       "z %.2f, p %.3g\n", vu->name, mp, m - mp, diff, z, p);
        else
            fprintf(f, "    vs %s: %s\n", vu->name, dys_ctx_error(ctx));
    }
}

/* DeLong's paired tests of v[s] against every later score with a ROC, on
 * the subjects that have both.  A pair whose buffers cannot be allocated
 * is left out rather than failing the whole output. */
static void roc_write_tests(dys_ctx *ctx, FILE *f, cli_json *j, enum fmt fmt, const var *v,
                            size_t s, size_t nv)
{
    int nt = 0;
    for (size_t u = s + 1; u < nv; u++) {
        if (v[u].error[0])
            continue;
        size_t cap = v[s].n ? v[s].n : 1;
        double *a = malloc(cap * 2 * sizeof *a);
        int *l = malloc(cap * sizeof *l);
        if (!a || !l) {
            free(a);
            free(l);
            continue;
        }
        double *b = a + v[s].n;
        size_t m = roc_pair(&v[s], &v[u], a, b, l);
        if (fmt == FMT_JSON && !nt) {
            json_key(j, "delong");
            json_array_begin(j);
        }
        roc_write_test(ctx, f, j, fmt, &v[u], a, b, l, m);
        free(a);
        free(l);
        nt++;
    }
    if (nt && fmt == FMT_JSON)
        json_array_end(j);
}

/* Every score in the chosen format, to stdout or --output.  The exit
 * status (1 when a ROC could not be computed or the output not written),
 * or -1 after a message when the output could not be opened: then there
 * is no figure either. */
static int roc_write_all(dys_ctx *ctx, const stats_opts *oo, const roc_input *in, const var *v,
                         const dys_roc *roc, size_t nv)
{
    int rc = EXIT_ALL_OK;
    dys_outfile af;
    FILE *f = stats_out_open(ctx, oo, &af);
    if (!f)
        return -1;
    roc_write_header(f, oo->fmt, in);
    cli_json j;
    json_init(&j, f);
    for (size_t s = 0; s < nv; s++) {
        roc_write(f, &j, oo->fmt, &v[s], &roc[s]);
        if (v[s].error[0]) {
            rc = EXIT_SOME_FAILED;
        } else {
            roc_write_cutoffs(f, &j, oo->fmt, &v[s]);
            roc_write_tests(ctx, f, &j, oo->fmt, v, s, nv);
        }
        if (oo->fmt == FMT_JSON) {
            json_object_end(&j);
            json_newline(&j);
        }
    }
    if (stats_out_close(ctx, oo, &af, f))
        rc = EXIT_SOME_FAILED;
    return rc;
}

/* ---- the figure ------------------------------------------------------------- */

/* The ROC curves of the scores that have one, the first 8 (the figure's
 * palette); 0, or -1 after a message. */
static int roc_plot(dys_ctx *ctx, const stats_opts *oo, const roc_input *in, const var *v,
                    const dys_roc *roc, size_t nv)
{
    dys_roc_series ser[8];
    size_t ns = 0;
    for (size_t s = 0; s < nv && ns < 8; s++)
        if (!v[s].error[0]) {
            dys_roc_series x = {v[s].name, v[s].x, v[s].label, v[s].n, roc[s]};
            ser[ns++] = x;
        }
    char title[160];
    snprintf(title, sizeof title, "ROC: %s",
             in->table ? in->label_col : dys_response_description(in->response));
    if (ns == 0) {
        cli_error("%s: no ROC curve to draw", oo->plot);
        return -1;
    }
    if (dys_plot_roc(ctx, oo->plot, ser, ns, title, oo->dpi) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return -1;
    }
    if (nv > 8)
        cli_error("%s: the first 8 curves are drawn", oo->plot);
    return 0;
}

/* ---- the command ------------------------------------------------------------ */

int stats_roc(dys_ctx *ctx, const char *results, const char *opath, const char *table,
              dys_response_def response, char **names, size_t nnames, const char *label_col,
              const stats_opts *oo)
{
    roc_input in = {results, opath, table, label_col, response, {0}, {0}, -1, -1, -1};
    var *v = NULL;
    dys_roc *roc = NULL;
    size_t nv = 0;
    int rc = EXIT_SOME_FAILED;
    if (roc_read(ctx, &in, oo))
        goto done;
    /* the scores: given, or every index with a published cut-off */
    const char *dflt[DYS_N_INDICES];
    size_t nd = !nnames && !table ? roc_default_scores(&in.t, dflt) : 0;
    nv = nnames ? nnames : nd;
    v = calloc(nv ? nv : 1, sizeof *v);
    roc = calloc(nv ? nv : 1, sizeof *roc);
    if (!v || !roc) {
        cli_error("out of memory");
        goto done;
    }
    for (size_t s = 0; s < nv; s++) {
        size_t no_outcome;
        if (roc_join(ctx, &in, nnames ? names[s] : dflt[s], &v[s], &roc[s], &no_outcome))
            goto done;
        /* every score is joined to the same outcomes: said once */
        if (s == 0 && no_outcome)
            cli_error("%zu ok studies of %s have no row in %s", no_outcome, results, opath);
    }
    if ((rc = roc_write_all(ctx, oo, &in, v, roc, nv)) < 0) {
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    if (oo->plot && roc_plot(ctx, oo, &in, v, roc, nv))
        rc = EXIT_SOME_FAILED;
done:
    for (size_t s = 0; v && s < nv; s++)
        var_free(&v[s]);
    free(v);
    free(roc);
    dys_outcomes_free(&in.os);
    dys_table_free(&in.t);
    return rc;
}
