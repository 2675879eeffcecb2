/*
 * dyssync - command-line front end of the dyssync engine.
 *
 * The CLI parses arguments, calls the library, prints and chooses the exit
 * code; all measurement lives in the library (engine/).
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

const cli_command cli_commands[] = {
    {"analyze", cmd_analyze, "measure Ts and the dyssynchrony indices of studies"},
    {"batch", cmd_batch, "analyse many studies into tidy tables (parallel, resumable)"},
    {"merge", cmd_merge, "join the outputs of batch shards"},
    {"stats", cmd_stats, "research statistics: responders, ROC, agreement, correlation"},
    {"info", cmd_info, "show what was read from studies"},
    {"validate", cmd_validate, "read and check studies without analysing them"},
    {"plot", cmd_plot, "draw a study's figure: curves, bull's-eye, bars or report"},
    {"optimise", cmd_optimise, "rank a CRT patient's AV/VV device settings by an echo objective"},
    {"synth", cmd_synth, "write synthetic studies with known truth"},
    {"help", cmd_help, "show help for a command"},
};
const size_t cli_n_commands = sizeof cli_commands / sizeof cli_commands[0];

int main(int argc, char **argv)
{
    if (argc < 2) {
        char names[256] = "";
        size_t len = 0;
        for (size_t i = 0; i < cli_n_commands && len < sizeof names; i++)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
                                    cli_commands[i].name);
        return cli_usage(NULL, "a command is needed (%s)", names);
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("dyssync %s\n", dys_version());
        return EXIT_ALL_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
        return cli_help(NULL);
    for (size_t i = 0; i < cli_n_commands; i++)
        if (!strcmp(cmd, cli_commands[i].name))
            return cli_commands[i].run(argc - 1, argv + 1);
    return cli_usage(NULL, "unknown command '%s'", cmd);
}
