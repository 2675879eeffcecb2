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
int cmd_stats(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_optimise(int argc, char **argv);

/* The commands, in the order of the overview (main.c): name, what runs
 * it, and the one-line summary the overview and the usage message list,
 * so neither can leave a command out. */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;
extern const cli_command cli_commands[];
extern const size_t cli_n_commands;

/* Print "dyssync: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: message plus a pointer to the command's help; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the help text of a command (NULL: overview) to stdout. */
int cli_help(const char *cmd);

/* The studies under inputs, found as batch finds them (directories
 * searched, a view directory as one study, .txt manifests; a file that is
 * not a study skipped, and said), normalised, sorted, each once: *paths
 * (n of them, NULL when none) and each path are malloc'd, the caller frees
 * them.  -1 (said on stderr) when an input cannot be read. */
int cli_find_studies(char *const *inputs, int n_inputs, char ***paths, size_t *n);

/* Strict number parsing for option values: 0 on success. */
int cli_double(const char *s, double *out);
int cli_long(const char *s, long lo, long hi, long *out);

/* Options every reading command takes: --map, --max-file-mb, --max-rows,
 * --qrs-onsets, --contour-trace, --contour-flip, parsed by dys_option_set.
 * Returns 1 if the option was one of these (0 otherwise, -1 bad value, said
 * on stderr). */
int cli_read_option(int opt, const char *arg, dys_read_options *ro, dys_ctx *ctx);
enum {
    CLI_OPT_MAX_FILE_MB = 1001, CLI_OPT_MAX_ROWS, CLI_OPT_QRS_ONSETS, CLI_OPT_CONTOUR_TRACE,
    CLI_OPT_CONTOUR_FLIP
};
#define CLI_READ_LONGOPTS                                   \
    {"map", required_argument, NULL, 'M'},                  \
    {"max-file-mb", required_argument, NULL, CLI_OPT_MAX_FILE_MB}, \
    {"max-rows", required_argument, NULL, CLI_OPT_MAX_ROWS}, \
    {"qrs-onsets", required_argument, NULL, CLI_OPT_QRS_ONSETS}, \
    {"contour-trace", required_argument, NULL, CLI_OPT_CONTOUR_TRACE}, \
    {"contour-flip", no_argument, NULL, CLI_OPT_CONTOUR_FLIP}
/* The reading options that change a study's curves, as text for batch's
 * fingerprint: "" for the defaults, else " contour-trace=velocity",
 * " contour-flip" and " qrs-onsets=250,846.15" (written into buf, cap
 * bytes). */
void cli_read_options_text(const dys_read_options *ro, char *buf, size_t cap);

/* The analysis options (dys_params) of every analysing command: --lowpass,
 * --peak, --first-fraction, --sd, --avo, --avc, --min-segments,
 * --low-amplitude, --max-gap, --ectopic-rr, --avc-estimate, --cutoff,
 * --indices, parsed by dys_option_set.  Returns 1 if opt was one of these (0 otherwise, -1 bad value, after a
 * usage message naming cmd). */
enum {
    CLI_OPT_LOWPASS = 2001, CLI_OPT_PEAK, CLI_OPT_FIRST_FRACTION, CLI_OPT_SD, CLI_OPT_AVO,
    CLI_OPT_AVC, CLI_OPT_MIN_SEGMENTS, CLI_OPT_LOW_AMPLITUDE, CLI_OPT_MAX_GAP,
    CLI_OPT_ECTOPIC_RR, CLI_OPT_AVC_ESTIMATE, CLI_OPT_CUTOFF, CLI_OPT_INDICES
};
int cli_analysis_option(int opt, const char *arg, dys_params *p, const char *cmd);
#define CLI_ANALYSIS_LONGOPTS                                                 \
    {"lowpass", required_argument, NULL, CLI_OPT_LOWPASS},                    \
    {"peak", required_argument, NULL, CLI_OPT_PEAK},                          \
    {"first-fraction", required_argument, NULL, CLI_OPT_FIRST_FRACTION},      \
    {"sd", required_argument, NULL, CLI_OPT_SD},                              \
    {"avo", required_argument, NULL, CLI_OPT_AVO},                            \
    {"avc", required_argument, NULL, CLI_OPT_AVC},                            \
    {"min-segments", required_argument, NULL, CLI_OPT_MIN_SEGMENTS},          \
    {"low-amplitude", required_argument, NULL, CLI_OPT_LOW_AMPLITUDE},        \
    {"max-gap", required_argument, NULL, CLI_OPT_MAX_GAP},                    \
    {"ectopic-rr", required_argument, NULL, CLI_OPT_ECTOPIC_RR},              \
    {"avc-estimate", required_argument, NULL, CLI_OPT_AVC_ESTIMATE},          \
    {"cutoff", required_argument, NULL, CLI_OPT_CUTOFF},                      \
    {"indices", required_argument, NULL, CLI_OPT_INDICES}

#endif
