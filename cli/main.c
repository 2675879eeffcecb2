/*
 * dyssync - command-line front end of the dyssync engine.
 *
 * The CLI parses arguments, calls the library, prints and chooses the exit
 * code; all measurement lives in the library (engine/).
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(NULL, "a command is needed (analyze, batch, merge, info, plot, synth, help)");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("dyssync %s\n", dys_version());
        return EXIT_ALL_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
        return cli_help(NULL);
    if (!strcmp(cmd, "help"))
        return cli_help(argc > 2 ? argv[2] : NULL);
    if (!strcmp(cmd, "analyze"))
        return cmd_analyze(argc - 1, argv + 1);
    if (!strcmp(cmd, "info"))
        return cmd_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "synth"))
        return cmd_synth(argc - 1, argv + 1);
    if (!strcmp(cmd, "plot"))
        return cmd_plot(argc - 1, argv + 1);
    if (!strcmp(cmd, "batch"))
        return cmd_batch(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge"))
        return cmd_merge(argc - 1, argv + 1);
    if (!strcmp(cmd, "stats"))
        return cmd_stats(argc - 1, argv + 1);
    return cli_usage(NULL, "unknown command '%s'", cmd);
}
