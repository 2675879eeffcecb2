/*
 * options.c - the analysis and reading options by their command-line long
 * names (dys_option_set).  The CLI's option parsing lived in cli/common.c;
 * it is here so that a binding (Python, R) validates a value exactly as
 * the CLI does, with the same messages, instead of keeping its own copy of
 * the ranges.  The CLI maps its getopt codes to these names and prints
 * what this file says.
 *
 * A message names the option as the caller gave it: "--lowpass takes ..."
 * for the CLI, "lowpass takes ..." for a binding that passed "lowpass".
 */
#include "indices.h"
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Strict number parsing for option values: the whole string, finite, no
 * overflow (strtod follows the locale, which a library must not assume:
 * the context's C locale is used). */
static int opt_double(dys_ctx *ctx, const char *s, double *out)
{
    char *end;
    errno = 0;
    double x = ctx ? strtod_l(s, &end, ctx->c_locale) : strtod(s, &end);
    if (end == s || *end || errno || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

static int opt_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end || errno || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

enum opt_id {
    OPT_LOWPASS, OPT_PEAK, OPT_FIRST_FRACTION, OPT_SD, OPT_AVO, OPT_AVC, OPT_MIN_SEGMENTS,
    OPT_LOW_AMPLITUDE, OPT_MAX_GAP, OPT_ECTOPIC_RR, OPT_AVC_ESTIMATE, OPT_CUTOFF, OPT_INDICES,
    OPT_MAP, OPT_MAX_FILE_MB, OPT_MAX_ROWS, OPT_QRS_ONSETS, OPT_CONTOUR_TRACE, OPT_CONTOUR_FLIP
};

/* The canonical names (the CLI's long options); reading options from
 * OPT_MAP on.  Only contour-flip may go without a value: it is a flag. */
static const char *const opt_names[] = {
    "lowpass", "peak", "first-fraction", "sd", "avo", "avc", "min-segments",
    "low-amplitude", "max-gap", "ectopic-rr", "avc-estimate", "cutoff", "indices",
    "map", "max-file-mb", "max-rows", "qrs-onsets", "contour-trace", "contour-flip"};
#define N_OPTS ((int)(sizeof opt_names / sizeof opt_names[0]))

/* The option a name stands for ("--first-fraction", "first_fraction"),
 * -1 if none. */
static int opt_lookup(const char *name)
{
    char buf[32];
    size_t n = 0;
    if (!strncmp(name, "--", 2))
        name += 2;
    for (; name[n]; n++) {
        if (n == sizeof buf - 1)
            return -1;
        buf[n] = name[n] == '_' ? '-' : name[n];
    }
    buf[n] = '\0';
    for (int i = 0; i < N_OPTS; i++)
        if (!strcmp(buf, opt_names[i]))
            return i;
    return -1;
}

/* A message of another parser (dys_read_options_parse_map's "--map: ...",
 * dys_params_parse_indices' "--indices: ...") with the option named as
 * given instead. */
static dys_status renamed(dys_ctx *ctx, dys_status st, const char *given, const char *canon)
{
    if (!ctx)
        return st;
    size_t cl = strlen(canon);
    int as_cli = !strncmp(given, "--", 2) && !strcmp(given + 2, canon);
    if (st != DYS_OK && !as_cli && !strncmp(ctx->errmsg, "--", 2) &&
        !strncmp(ctx->errmsg + 2, canon, cl)) {
        char msg[DYS_ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", ctx->errmsg + 2 + cl);
        return dys_fail(ctx, st, "%s%s", given, msg);
    }
    return st;
}

static dys_status set_analysis(dys_ctx *ctx, dys_params *p, int id, const char *name,
                               const char *arg)
{
    double x;
    switch (id) {
    case OPT_LOWPASS:
        if (!strcmp(arg, "auto"))
            p->lowpass_hz = DYS_LOWPASS_AUTO;
        else if (!strcmp(arg, "off"))
            p->lowpass_hz = DYS_LOWPASS_OFF;
        else if (!opt_double(ctx, arg, &x) && x > 0)
            p->lowpass_hz = x;
        else
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes a cut-off in Hz, auto or off",
                            name);
        return DYS_OK;
    case OPT_PEAK:
        if (!strcmp(arg, "max"))
            p->peak = DYS_PEAK_MAX;
        else if (!strcmp(arg, "first"))
            p->peak = DYS_PEAK_FIRST;
        else
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes max or first", name);
        return DYS_OK;
    case OPT_FIRST_FRACTION:
        if (opt_double(ctx, arg, &x) || !(x > 0 && x <= 1))
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes a number in (0, 1]", name);
        p->first_peak_fraction = x;
        return DYS_OK;
    case OPT_SD:
        if (!strcmp(arg, "sample"))
            p->sd = DYS_SD_SAMPLE;
        else if (!strcmp(arg, "population"))
            p->sd = DYS_SD_POPULATION;
        else
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes sample or population", name);
        return DYS_OK;
    case OPT_AVO:
    case OPT_AVC:
        /* from a little before QRS onset to well past any ejection */
        if (opt_double(ctx, arg, &x) || x < -200 || x > 2000)
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes a time in ms from QRS onset",
                            name);
        *(id == OPT_AVO ? &p->avo_ms : &p->avc_ms) = x;
        return DYS_OK;
    case OPT_MIN_SEGMENTS: {
        /* N12 alone keeps the 6-segment minimum as it is */
        char buf[64];
        snprintf(buf, sizeof buf, "%s", arg);
        char *slash = strchr(buf, '/');
        long a, b = p->min_segments_6;
        if (slash)
            *slash = '\0';
        if (opt_long(buf, 2, 12, &a) || (slash && opt_long(slash + 1, 2, 6, &b)))
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "%s takes N12 or N12/N6 (2..12 and 2..6)", name);
        p->min_segments_12 = (int)a;
        p->min_segments_6 = (int)b;
        return DYS_OK;
    }
    case OPT_LOW_AMPLITUDE:
        if (opt_double(ctx, arg, &x) || x < 0)
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes a velocity in cm/s", name);
        p->low_amplitude_cm_s = x;
        return DYS_OK;
    case OPT_MAX_GAP:
        if (opt_double(ctx, arg, &x) || !(x > 0))
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes a duration in ms", name);
        p->max_gap_ms = x;
        return DYS_OK;
    case OPT_ECTOPIC_RR:
        if (opt_double(ctx, arg, &x) || !(x > 0 && x < 1))
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes a fraction in (0, 1)", name);
        p->ectopic_rr_frac = x;
        return DYS_OK;
    case OPT_CUTOFF: {
        /* INDEX=VALUE: the cut-off that classifies an index */
        const char *eq = strchr(arg, '=');
        int idx = eq ? dys_index_from_key(arg, (size_t)(eq - arg)) : -1;
        if (idx < 0 || opt_double(ctx, eq + 1, &x) || !(x >= 0))
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "%s takes INDEX=VALUE with an index key "
                            "(ts_sd_12_ms, ...) and a value >= 0", name);
        if (idx == DYS_IDX_GLOBAL_STRAIN_PEAK)
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "%s: global_strain_peak_pct is not a dyssynchrony index; "
                            "no cut-off classifies it", name);
        p->cutoff[idx] = x;
        return DYS_OK;
    }
    case OPT_INDICES:
        return renamed(ctx, dys_params_parse_indices(ctx, p, arg), name, "indices");
    case OPT_AVC_ESTIMATE:
        if (!strcmp(arg, "curves"))
            p->avc_estimate = DYS_AVC_CURVES;
        else if (!strcmp(arg, "heart-rate"))
            p->avc_estimate = DYS_AVC_HEART_RATE;
        else
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes curves or heart-rate", name);
        return DYS_OK;
    }
    return dys_fail(ctx, DYS_ERR_INVALID, "unknown option '%s'", name);
}

/* MS,MS,...: one recording's QRS onsets on its own time axis.  Parsed
 * into a copy, so that a bad list leaves ro as it was. */
static dys_status set_qrs_onsets(dys_ctx *ctx, dys_read_options *ro, const char *name,
                                 const char *arg)
{
    double on[DYS_MAX_GIVEN_ONSETS];
    size_t n = 0;
    const char *p = arg;
    while (*p) {
        char tok[64];
        size_t len = strcspn(p, ",");
        double x;
        snprintf(tok, sizeof tok, "%.*s", (int)(len < 63 ? len : 63), p);
        if (n == DYS_MAX_GIVEN_ONSETS || len == 0 || len > 62 || opt_double(ctx, tok, &x) ||
            (n && !(x > on[n - 1])))
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "%s takes increasing times in ms separated by commas "
                            "(at most %d), e.g. 250,846.15; '%s' is not that",
                            name, DYS_MAX_GIVEN_ONSETS, arg);
        on[n++] = x;
        p += len + (p[len] == ',');
    }
    if (n == 0 || arg[strlen(arg) - 1] == ',')
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "%s takes increasing times in ms separated by commas, e.g. "
                        "250,846.15", name);
    memcpy(ro->qrs_onsets_ms, on, n * sizeof *on);
    ro->n_qrs_onsets = n;
    return DYS_OK;
}

static dys_status set_read(dys_ctx *ctx, dys_read_options *ro, int id, const char *name,
                           const char *arg)
{
    long v;
    switch (id) {
    case OPT_MAP:
        return renamed(ctx, dys_read_options_parse_map(ctx, ro, arg), name, "map");
    case OPT_MAX_FILE_MB:
        if (opt_long(arg, 1, 1L << 20, &v))
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "%s takes a whole number of MiB (1..1048576)", name);
        ro->max_file_bytes = (size_t)v << 20;
        return DYS_OK;
    case OPT_MAX_ROWS:
        if (opt_long(arg, 3, 1L << 40, &v))
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes a whole number >= 3", name);
        ro->max_rows = (size_t)v;
        return DYS_OK;
    case OPT_QRS_ONSETS:
        return set_qrs_onsets(ctx, ro, name, arg);
    case OPT_CONTOUR_TRACE:
        if (!strcmp(arg, "strain"))
            ro->contour_trace = DYS_CONTOUR_TRACE_STRAIN;
        else if (!strcmp(arg, "velocity"))
            ro->contour_trace = DYS_CONTOUR_TRACE_VELOCITY;
        else
            return dys_fail(ctx, DYS_ERR_INVALID, "%s takes strain or velocity", name);
        return DYS_OK;
    case OPT_CONTOUR_FLIP:
        /* a flag on the command line; a binding passes a boolean as text */
        if (!arg || !strcmp(arg, "yes") || !strcmp(arg, "true") || !strcmp(arg, "1"))
            ro->contour_flip = 1;
        else if (!strcmp(arg, "no") || !strcmp(arg, "false") || !strcmp(arg, "0"))
            ro->contour_flip = 0;
        else
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "%s takes no value, or yes, true, 1, no, false or 0", name);
        return DYS_OK;
    }
    return dys_fail(ctx, DYS_ERR_INVALID, "unknown option '%s'", name);
}

dys_status dys_option_set(dys_ctx *ctx, dys_params *p, dys_read_options *ro,
                          const char *name, const char *value)
{
    if (!name)
        return dys_fail(ctx, DYS_ERR_INVALID, "dys_option_set: name is NULL");
    int id = opt_lookup(name);
    if (id < 0)
        return dys_fail(ctx, DYS_ERR_INVALID, "unknown option '%s'", name);
    int reading = id >= OPT_MAP;
    if (reading ? !ro : !p)
        return dys_fail(ctx, DYS_ERR_INVALID, "%s is %s option: expected a %s, got NULL",
                        name, reading ? "a reading" : "an analysis",
                        reading ? "dys_read_options" : "dys_params");
    if (!value && id != OPT_CONTOUR_FLIP)
        return dys_fail(ctx, DYS_ERR_INVALID, "%s takes a value: got NULL", name);
    return reading ? set_read(ctx, ro, id, name, value) : set_analysis(ctx, p, id, name, value);
}
