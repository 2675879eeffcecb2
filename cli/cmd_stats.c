/*
 * dyssync stats - research statistics on batch outputs: responders under
 * each response definition and their agreement (kappa), ROC analysis of
 * indices against a response, agreement between observers or runs (ICC,
 * Bland-Altman), and correlation between indices.  This file parses the
 * options, dispatches to one file per statistic (stats.h) and holds what
 * they share; the statistics, the table and outcomes readers and the
 * response definitions are the engine's (dyssync_stats.h).
 */
#include "stats.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A CSV cell of a number: empty when not finite. */
void stats_csv_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.*g", SIG, x);
}

/* ---- output files --------------------------------------------------------- */

FILE *stats_out_open(dys_ctx *ctx, const stats_opts *oo, dys_outfile *af)
{
    if (!oo->output)
        return stdout;
    if (dys_outfile_open(ctx, af, oo->output) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return NULL;
    }
    return af->f;
}

int stats_out_close(dys_ctx *ctx, const stats_opts *oo, dys_outfile *af, FILE *f)
{
    if (!oo->output)
        return fflush(f) == 0 ? 0 : -1;
    if (dys_outfile_commit(ctx, af) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return -1;
    }
    return 0;
}

/* A batch studies.csv: the study_id and status columns are required, and
 * only rows with status ok count. */
int stats_read_results(dys_ctx *ctx, const char *path, const stats_opts *oo, dys_table *t,
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
        case 'p':
            if (!dys_figures_available())
                rc = cli_usage("stats", "--plot: this dyssync was built without figures "
                                        "(meson -Dfigures=disabled)");
            oo.plot = optarg;
            break;
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
            if (opt == 'i' && dys_index_from_key(optarg, strlen(optarg)) < 0)
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
