/*
 * dyssync analyze - read, analyse and report studies.
 *
 * Studies are analysed in parallel (OpenMP over studies, one engine context
 * per thread, dynamic scheduling because studies differ in size) and
 * reported in the order given, so the output does not depend on -j.
 */
#include "common.h"

#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_SEGMENTS };

typedef struct {
    dys_result *res;
    char *error; /* message when the study could not be analysed */
} outcome;

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void analyse_one(dys_ctx *ctx, const char *path, const dys_read_options *ro,
                        const dys_params *p, outcome *o)
{
    dys_study *st = NULL;
    if (dys_study_read(ctx, path, ro, &st) != DYS_OK ||
        dys_analyze(ctx, st, p, &o->res) != DYS_OK) {
        o->error = dup_str(dys_ctx_error(ctx));
        if (!o->error)
            o->error = dup_str("out of memory");
    }
    dys_study_free(st);
}

/* Whether another study of the run has the same study_id as study i. */
static int duplicate_id(const outcome *out, int n, int i)
{
    for (int j = 0; out[i].res && j < n; j++)
        if (j != i && out[j].res && !strcmp(out[j].res->study_id, out[i].res->study_id))
            return 1;
    return 0;
}

static int write_all(FILE *f, enum fmt fmt, outcome *out, int n, char **paths, dys_ctx *ctx)
{
    int failed = 0;
    if ((fmt == FMT_CSV && dys_write_csv_header(ctx, f) != DYS_OK) ||
        (fmt == FMT_SEGMENTS && dys_write_segments_csv_header(ctx, f) != DYS_OK))
        return -1;
    for (int i = 0; i < n; i++) {
        if (out[i].error) {
            cli_error("%s", out[i].error);
            failed++;
            /* the table keeps a row for it, so it is one consistent run */
            if (fmt == FMT_CSV && dys_write_csv_error_row(ctx, f, paths[i], out[i].error, NULL))
                return -1;
            continue;
        }
        dys_csv_extra x = {duplicate_id(out, n, i), NULL};
        if (x.duplicate_id)
            cli_error("%s: warning: study_id %s is also another study's (flagged "
                      "duplicate_id in CSV)", paths[i], out[i].res->study_id);
        dys_status s = fmt == FMT_JSON ? dys_write_json(ctx, f, out[i].res)
                       : fmt == FMT_CSV ? dys_write_csv_row(ctx, f, out[i].res, &x)
                       : fmt == FMT_SEGMENTS ? dys_write_segments_csv_rows(ctx, f, out[i].res)
                                        : dys_write_text(ctx, f, out[i].res);
        if (s != DYS_OK)
            return -1;
        if (fmt == FMT_TEXT && i + 1 < n)
            fputc('\n', f);
    }
    return failed;
}

int cmd_analyze(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        CLI_ANALYSIS_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        CLI_READ_LONGOPTS,
        {NULL, 0, NULL, 0}};
    dys_params p;
    dys_params_defaults(&p);
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    enum fmt fmt = FMT_TEXT;
    const char *output = NULL;
    long jobs = 0;
    dys_ctx *ctx = dys_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    int opt, rc = EXIT_ALL_OK;
    while ((opt = getopt_long(argc, argv, "o:j:h", longopts, NULL)) != -1) {
        int r = cli_read_option(opt, optarg, &ro, ctx);
        if (r == 0)
            r = cli_analysis_option(opt, optarg, &p, "analyze");
        if (r < 0) {
            rc = EXIT_USAGE;
            goto done;
        }
        if (r > 0)
            continue;
        switch (opt) {
        case 'f':
            if (!strcmp(optarg, "text"))
                fmt = FMT_TEXT;
            else if (!strcmp(optarg, "json"))
                fmt = FMT_JSON;
            else if (!strcmp(optarg, "csv"))
                fmt = FMT_CSV;
            else if (!strcmp(optarg, "segments"))
                fmt = FMT_SEGMENTS;
            else {
                rc = cli_usage("analyze", "--format takes text, json, csv or segments");
                goto done;
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'j':
            if (cli_long(optarg, 1, 4096, &jobs)) {
                rc = cli_usage("analyze", "-j takes a number of threads >= 1");
                goto done;
            }
            break;
        case 'h':
            rc = cli_help("analyze");
            goto done;
        default:
            rc = cli_usage("analyze", "unknown option");
            goto done;
        }
    }
    int n = argc - optind;
    if (n < 1) {
        rc = cli_usage("analyze", "no study given");
        goto done;
    }
    if (!isnan(p.avo_ms) && !isnan(p.avc_ms) && p.avc_ms - p.avo_ms < 100) {
        rc = cli_usage("analyze", "--avc must follow --avo by at least 100 ms");
        goto done;
    }
    outcome *out = calloc((size_t)n, sizeof *out);
    if (!out) {
        cli_error("out of memory");
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    char **paths = argv + optind;
    if (jobs > 0)
        omp_set_num_threads((int)jobs);
#pragma omp parallel
    {
        dys_ctx *tctx = dys_ctx_new();
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < n; i++) {
            if (tctx)
                analyse_one(tctx, paths[i], &ro, &p, &out[i]);
            else
                out[i].error = dup_str("out of memory");
        }
        dys_ctx_free(tctx);
    }

    dys_outfile of = {0};
    FILE *f = stdout;
    if (output) {
        if (dys_outfile_open(ctx, &of, output) != DYS_OK) {
            cli_error("%s", dys_ctx_error(ctx));
            rc = EXIT_SOME_FAILED;
            goto free_out;
        }
        f = of.f;
    }
    int failed = write_all(f, fmt, out, n, paths, ctx);
    if (failed < 0 || (output && dys_outfile_commit(ctx, &of) != DYS_OK) ||
        (!output && fflush(stdout) != 0)) {
        cli_error("%s: %s", output ? output : "standard output",
                  dys_ctx_error(ctx)[0] ? dys_ctx_error(ctx) : "write error");
        if (output)
            dys_outfile_abort(&of);
        rc = EXIT_SOME_FAILED;
    } else if (failed > 0) {
        cli_error("%d of %d studies could not be analysed", failed, n);
        rc = EXIT_SOME_FAILED;
    }
free_out:
    for (int i = 0; i < n; i++) {
        dys_result_free(out[i].res);
        free(out[i].error);
    }
    free(out);
done:
    dys_ctx_free(ctx);
    return rc;
}
