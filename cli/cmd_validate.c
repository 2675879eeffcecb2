/*
 * dyssync validate - read every study and run the input checks, nothing
 * more: the reader, the metadata rules and the plausibility checks of
 * dys_study_read, no beat detection and no analysis.  One line per study,
 * so an archive can be checked (and the reader timed) before a batch.
 */
#include "common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},     {"quiet", no_argument, NULL, 'q'},
        {"warnings", no_argument, NULL, 'w'}, CLI_READ_LONGOPTS,
        {NULL, 0, NULL, 0}};
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    dys_ctx *ctx = dys_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    int opt, rc = EXIT_ALL_OK, quiet = 0, warnings = 0;
    while ((opt = getopt_long(argc, argv, "hqw", longopts, NULL)) != -1) {
        int r = cli_read_option(opt, optarg, &ro, ctx);
        if (r < 0) {
            rc = EXIT_USAGE;
            goto done;
        }
        if (r > 0)
            continue;
        if (opt == 'q')
            quiet = 1;
        else if (opt == 'w')
            warnings = 1;
        else {
            rc = opt == 'h' ? cli_help("validate") : cli_usage("validate", "unknown option");
            goto done;
        }
    }
    if (optind >= argc) {
        rc = cli_usage("validate", "no study given");
        goto done;
    }
    char **paths;
    size_t n;
    if (cli_find_studies(argv + optind, argc - optind, &paths, &n) != 0) {
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        dys_study *s;
        /* The study's path leads every line, also before an error whose
         * message names a file inside it (a view directory's). */
        if (dys_study_read(ctx, paths[i], &ro, &s) != DYS_OK) {
            printf("%s: error: %s\n", paths[i], dys_ctx_error(ctx));
            failed++;
        } else {
            if (!quiet || (warnings && s->n_warnings)) {
                if (s->n_warnings)
                    printf("%s: ok, %zu warning%s\n", paths[i], s->n_warnings,
                           s->n_warnings == 1 ? "" : "s");
                else
                    printf("%s: ok\n", paths[i]);
            }
            for (size_t k = 0; warnings && k < s->n_warnings; k++)
                printf("  warning: %s\n", s->warnings[k]);
            dys_study_free(s);
        }
        free(paths[i]);
    }
    free(paths);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("standard output could not be written");
        rc = EXIT_SOME_FAILED;
    }
    if (failed) {
        cli_error("%zu of %zu studies failed validation", failed, n);
        rc = EXIT_SOME_FAILED;
    } else if (n == 0) {
        cli_error("no study found");
        rc = EXIT_SOME_FAILED;
    }
done:
    dys_ctx_free(ctx);
    return rc;
}
