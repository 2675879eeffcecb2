/*
 * stats.h - what the files of dyssync stats share: the output options,
 * the output file, batch's studies.csv, and one function per statistic
 * (stats_responders.c, stats_roc.c, stats_agree.c, stats_correlate.c;
 * cmd_stats.c parses the options and dispatches).
 *
 * The formulas, the table and outcomes readers and the response
 * definitions are the engine's (dyssync_stats.h); these files join the
 * tables by study_id and write text, JSON or CSV.  A statistic that cannot
 * be computed (one class only, a constant column, too few subjects) is
 * reported with its reason, never as NaN, and makes the exit status 1.
 */
#ifndef DYSSYNC_CLI_STATS_H
#define DYSSYNC_CLI_STATS_H

#include "common.h"
#include "dyssync_plot.h" /* the statistics and their figures */
#include "json.h"

#include <stdio.h>

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
void stats_csv_num(FILE *f, double x);

/* stdout, or --output written atomically (committed by stats_out_close);
 * NULL after a message. */
FILE *stats_out_open(dys_ctx *ctx, const stats_opts *oo, dys_outfile *af);
int stats_out_close(dys_ctx *ctx, const stats_opts *oo, dys_outfile *af, FILE *f);

/* A batch studies.csv: the study_id and status columns are required, and
 * only rows with status ok count.  0, or -1 after a message. */
int stats_read_results(dys_ctx *ctx, const char *path, const stats_opts *oo, dys_table *t,
                       int *idc, int *stc);

/* The statistics: each returns the exit status. */
int stats_responders(dys_ctx *ctx, const char *opath, const stats_opts *oo);
int stats_roc(dys_ctx *ctx, const char *results, const char *opath, const char *table,
              dys_response_def response, char **names, size_t nnames, const char *label_col,
              const stats_opts *oo);
int stats_agree(dys_ctx *ctx, char **files, size_t nfiles, const char *table, char **names,
                size_t nnames, const stats_opts *oo);
int stats_correlate(dys_ctx *ctx, const char *results, char **names, size_t nnames,
                    const stats_opts *oo);

#endif
