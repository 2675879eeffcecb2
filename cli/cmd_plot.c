/*
 * dyssync plot - a figure of one study: segment curves, the AHA
 * bull's-eye, timing bars or the one-page report, as PNG, SVG or PDF (the
 * output file's extension decides).  The study is read and analysed with
 * the default options, as `dyssync analyze` would.
 */
#include "common.h"
#include "dyssync_plot.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"kind", required_argument, NULL, 'k'},
        {"dpi", required_argument, NULL, 'd'},
        {"width", required_argument, NULL, 'W'},
        {"height", required_argument, NULL, 'H'},
        {"delay", no_argument, NULL, 'D'},
        {"tsi-colours", no_argument, NULL, 'T'},
        {"beat", required_argument, NULL, 'b'},
        {"colour-scale", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        CLI_READ_LONGOPTS,
        CLI_ANALYSIS_LONGOPTS,
        {NULL, 0, NULL, 0}};
    dys_plot_options po;
    dys_plot_options_defaults(&po);
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    dys_params p;
    dys_params_defaults(&p);
    const char *out = NULL;
    dys_ctx *ctx = dys_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    int opt, rc = EXIT_ALL_OK;
    double x;
    long l;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:k:h", longopts, NULL)) != -1) {
        int r = cli_read_option(opt, optarg, &ro, ctx);
        if (r == 0)
            r = cli_analysis_option(opt, optarg, &p, "plot");
        if (r < 0) {
            rc = EXIT_USAGE;
            goto done;
        }
        if (r > 0)
            continue;
        switch (opt) {
        case 'o':
            out = optarg;
            break;
        case 'k':
            if ((po.kind = (dys_plot_kind)dys_plot_kind_parse(optarg)) == (dys_plot_kind)-1) {
                rc = cli_usage("plot", "--kind takes curves, bullseye, bars or report");
                goto done;
            }
            break;
        case 'd':
            if (cli_double(optarg, &x) || !(x >= 30 && x <= 1200)) {
                rc = cli_usage("plot", "--dpi takes 30..1200");
                goto done;
            }
            po.dpi = x;
            break;
        case 'W':
        case 'H':
            if (cli_double(optarg, &x) || !(x > 0 && x <= 50)) {
                rc = cli_usage("plot", "--width/--height take inches, up to 50");
                goto done;
            }
            *(opt == 'W' ? &po.width_in : &po.height_in) = x;
            break;
        case 'D':
            po.bullseye_delay = 1;
            break;
        case 'T':
            po.tsi_colours = 1;
            break;
        case 'b':
            if (cli_long(optarg, 1, 1000, &l)) {
                rc = cli_usage("plot", "--beat takes an accepted beat number >= 1");
                goto done;
            }
            po.beat = (int)l;
            break;
        case 'C': {
            int cs = dys_colour_scale_parse(optarg);
            if (cs < 0) {
                rc = cli_usage("plot", "--colour-scale takes fixed or study");
                goto done;
            }
            po.colour_scale = (dys_colour_scale)cs;
            break;
        }
        case 'h':
            rc = cli_help("plot");
            goto done;
        default:
            rc = cli_usage("plot", "unknown option");
            goto done;
        }
    }
    if (!out || optind + 1 != argc) {
        rc = cli_usage("plot", "needs -o FILE and one STUDY");
        goto done;
    }
    dys_study *s = NULL;
    dys_result *r = NULL;
    if (dys_study_read(ctx, argv[optind], &ro, &s) != DYS_OK ||
        dys_analyze(ctx, s, &p, &r) != DYS_OK || dys_plot_write(ctx, s, r, &po, out) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        rc = EXIT_SOME_FAILED;
    }
    dys_result_free(r);
    dys_study_free(s);
done:
    dys_ctx_free(ctx);
    return rc;
}
