/* dyssync synth - synthetic studies with known truth (engine/synth/). */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cmd_synth(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, 's'},
        {"noise", required_argument, NULL, 'N'},
        {"fps", required_argument, NULL, 'f'},
        {"jitter", required_argument, NULL, 'J'},
        {"views", required_argument, NULL, 'v'},
        {"vary-format", no_argument, NULL, 'V'},
        {"beats", required_argument, NULL, 'b'},
        {"ecg", no_argument, NULL, 'E'},
        {"rr-sd", required_argument, NULL, 'R'},
        {"ectopic", required_argument, NULL, 'X'},
        {"no-qrs-metadata", no_argument, NULL, 'Q'},
        {"no-events", no_argument, NULL, 'W'},
        {"outcomes", no_argument, NULL, 'U'},
        {"doppler", no_argument, NULL, 'D'},
        {"settings", required_argument, NULL, 'S'},
        {"settings-effect", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    dys_synth_params sp;
    dys_synth_params_defaults(&sp);
    const char *dir = NULL;
    int opt;
    long v;
    double x;
    while ((opt = getopt_long(argc, argv, "o:n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            dir = optarg;
            break;
        case 'n':
            if (cli_long(optarg, 1, 10000000, &v))
                return cli_usage("synth", "-n takes a number of studies (1..10000000)");
            sp.n_studies = (int)v;
            break;
        case 's':
            if (cli_long(optarg, 0, __LONG_MAX__, &v))
                return cli_usage("synth", "--seed takes a whole number >= 0");
            sp.seed = (unsigned long long)v;
            break;
        case 'N':
            if (cli_double(optarg, &x) || x < 0)
                return cli_usage("synth", "--noise takes a SD in cm/s >= 0");
            sp.noise_cm_s = x;
            break;
        case 'f':
            if (cli_double(optarg, &x) || x < 10 || x > 2000)
                return cli_usage("synth", "--fps takes a frame rate of 10..2000 Hz");
            sp.fps = x;
            break;
        case 'J':
            if (cli_double(optarg, &x) || x < 0 || x > 0.45)
                return cli_usage("synth", "--jitter takes a fraction of a frame, 0..0.45");
            sp.jitter_frac = x;
            break;
        case 'v':
            if (cli_long(optarg, 0, 2, &v))
                return cli_usage("synth", "--views takes 0 (files), 1 (directories) or 2 (mixed)");
            sp.views = (int)v;
            break;
        case 'V':
            sp.vary_format = 1;
            break;
        case 'b':
            if (cli_long(optarg, 1, 100, &v))
                return cli_usage("synth", "--beats takes a number of complete beats (1..100)");
            sp.beats = (int)v;
            break;
        case 'E':
            sp.ecg = 1;
            break;
        case 'R':
            if (cli_double(optarg, &x) || x < 0 || x > 0.15)
                return cli_usage("synth", "--rr-sd takes a fraction of the RR, 0..0.15");
            sp.rr_sd_frac = x;
            break;
        case 'X':
            if (cli_double(optarg, &x) || x < 0 || x > 0.5)
                return cli_usage("synth", "--ectopic takes a probability per beat, 0..0.5");
            sp.ectopic_prob = x;
            break;
        case 'Q':
            sp.qrs_metadata = 0;
            break;
        case 'W':
            sp.event_metadata = 0;
            break;
        case 'U':
            sp.outcomes = 1;
            break;
        case 'D':
            sp.doppler = 1;
            break;
        case 'S':
            if (cli_long(optarg, 2, 12, &v))
                return cli_usage("synth", "--settings takes 2..12 device settings");
            sp.settings = (int)v;
            break;
        case 'F':
            if (cli_double(optarg, &x) || !(x >= 0 && x <= 0.9))
                return cli_usage("synth", "--settings-effect takes 0..0.9");
            sp.settings_effect = x;
            break;
        case 'h':
            return cli_help("synth");
        default:
            return cli_usage("synth", "unknown option");
        }
    }
    if (!dir)
        return cli_usage("synth", "-o DIR is required");
    if (optind < argc)
        return cli_usage("synth", "unexpected argument '%s'", argv[optind]);
    if (!sp.qrs_metadata && !sp.ecg)
        return cli_usage("synth", "--no-qrs-metadata needs --ecg (the onsets must come "
                                  "from somewhere)");
    dys_ctx *ctx = dys_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    int rc = EXIT_ALL_OK;
    if (dys_synth_write(ctx, &sp, dir) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        rc = EXIT_SOME_FAILED;
    }
    dys_ctx_free(ctx);
    return rc;
}
