/* common.h - what the dyssync subcommands share. */
#ifndef DYSSYNC_CLI_COMMON_H
#define DYSSYNC_CLI_COMMON_H

#include "dyssync.h"

/* Exit codes (documented in dyssync(1)). */
enum { EXIT_ALL_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

int cmd_analyze(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* Print "dyssync: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: message plus a pointer to the command's help; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the help text of a command (NULL: overview) to stdout. */
int cli_help(const char *cmd);

/* Strict number parsing for option values: 0 on success. */
int cli_double(const char *s, double *out);
int cli_long(const char *s, long lo, long hi, long *out);

/* Options every reading command takes: --map, --max-file-mb, --max-rows.
 * Returns 1 if the option was one of these (0 otherwise, -1 bad value). */
int cli_read_option(int opt, const char *arg, dys_read_options *ro, dys_ctx *ctx);
#define CLI_READ_LONGOPTS                                   \
    {"map", required_argument, NULL, 'M'},                  \
    {"max-file-mb", required_argument, NULL, 1001},         \
    {"max-rows", required_argument, NULL, 1002}

#endif
