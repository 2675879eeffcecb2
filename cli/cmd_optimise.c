/*
 * dyssync optimise - echo-guided AV and VV optimisation of a CRT device:
 * the studies of one patient at several device settings, analysed, then
 * ranked by the engine (dys_optimise, engine/optimise.c); this file reads,
 * prints and picks the exit status.
 */
#include "common.h"
#include "json.h"
#include "dyssync_optimise.h"

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

/* "biv AV 120 VV +20" (VV signed: positive LV first), or "off". */
static void setting_label(const dys_opt_setting *s, char *buf, size_t cap)
{
    if (s->pacing_mode == DYS_PACING_OFF)
        snprintf(buf, cap, "pacing off");
    else
        snprintf(buf, cap, "%s%sAV %g VV %+g",
                 s->pacing_mode == DYS_PACING_UNKNOWN ? "" : dys_pacing_mode_name(s->pacing_mode),
                 s->pacing_mode == DYS_PACING_UNKNOWN ? "" : " ", s->av_delay_ms,
                 s->vv_delay_ms);
}

static const char *verdict_text(dys_opt_verdict v)
{
    switch (v) {
    case DYS_OPT_BEST_IS_REFERENCE: return "the reference ranks first";
    case DYS_OPT_BEYOND_NOISE: return "better than the reference by more than measurement noise";
    case DYS_OPT_WITHIN_NOISE: return "within measurement noise of the reference";
    case DYS_OPT_UNTESTED: return "not tested against the reference";
    }
    return "";
}

static const char *verdict_key(dys_opt_verdict v)
{
    static const char *const k[] = {"best_is_reference", "beyond_noise", "within_noise",
                                    "untested"};
    return (int)v >= 0 && (int)v < 4 ? k[v] : "untested";
}

static void write_text(FILE *f, const dys_opt_result *r, const char *unit)
{
    char lab[64];
    fprintf(f, "objective: %s (%s; %s)\n", r->objective, dys_opt_direction_name(r->direction),
            dys_opt_method_name(r->method));
    fprintf(f, "values: %s\n",
            r->per_beat ? "mean of the per-beat values, 95 % CI by t; Welch's t-test against "
                          "the reference, p Bonferroni-adjusted"
                        : "one value per setting (no per-beat values): no test");
    setting_label(&r->setting[r->reference], lab, sizeof lab);
    fprintf(f, "reference: %s (%s)\n\n", lab, r->reference_why);
    fprintf(f, "rank  %-22s %9s %21s %7s %5s %9s %8s %8s  %s\n", "setting", "value", "95 % CI",
            "SD", "beats", "diff", "p", "p_adj", "study");
    for (size_t a = 0; a < r->n; a++) {
        const dys_opt_setting *s = &r->setting[r->order[a]];
        setting_label(s, lab, sizeof lab);
        char rank[16] = "-", ci[64] = "-", sd[32] = "-", diff[32] = "-", p[16] = "-", pa[16] = "-";
        if (s->rank)
            snprintf(rank, sizeof rank, "%d", s->rank);
        if (isfinite(s->ci_lo))
            snprintf(ci, sizeof ci, "[%.1f, %.1f]", s->ci_lo, s->ci_hi);
        if (isfinite(s->sd))
            snprintf(sd, sizeof sd, "%.1f", s->sd);
        if ((int)r->order[a] == r->reference)
            snprintf(diff, sizeof diff, "ref");
        else if (isfinite(s->diff))
            snprintf(diff, sizeof diff, "%+.1f", s->diff);
        if (isfinite(s->p)) {
            snprintf(p, sizeof p, "%.3g", s->p);
            snprintf(pa, sizeof pa, "%.3g", s->p_adj);
        }
        char val[32] = "-";
        if (isfinite(s->value))
            snprintf(val, sizeof val, "%.1f", s->value);
        fprintf(f, "%-5s %-22s %9s %21s %7s %5zu %9s %8s %8s  %s%s%s\n", rank, lab, val, ci, sd,
                s->n_beats, diff, p, pa, s->study_id[0] ? s->study_id : s->source,
                s->differs == 1 ? "  differs" : "", (int)r->order[a] == r->best ? "  best" : "");
        if (s->note[0])
            fprintf(f, "      note: %s\n", s->note);
    }
    fputc('\n', f);
    if (r->best >= 0) {
        const dys_opt_setting *b = &r->setting[r->best];
        setting_label(b, lab, sizeof lab);
        fprintf(f, "best: %s, %s %.1f %s: %s", lab, r->objective, b->value, unit,
                verdict_text(r->verdict));
        if (isfinite(b->p))
            fprintf(f, " (Welch p = %.3g, adjusted %.3g)", b->p, b->p_adj);
        fputc('\n', f);
    } else {
        fprintf(f, "best: none (no setting gives %s)\n", r->objective);
    }
    for (size_t i = 0; i < r->n_warnings; i++)
        fprintf(f, "warning: %s\n", r->warnings[i]);
}

static void write_json(FILE *f, const dys_opt_result *r)
{
    cli_json j;
    json_init(&j, f);
    json_object_begin(&j);
    json_member_string(&j, "objective", r->objective);
    json_member_string(&j, "direction", dys_opt_direction_name(r->direction));
    json_member_string(&j, "method", dys_opt_method_name(r->method));
    json_key(&j, "per_beat");
    json_bool(&j, r->per_beat);
    json_member_g(&j, "alpha", r->alpha, 6);
    json_member_string(&j, "reference", r->setting[r->reference].source);
    json_member_string(&j, "reference_why", r->reference_why);
    json_key(&j, "best");
    if (r->best >= 0)
        json_string(&j, r->setting[r->best].source);
    else
        json_null(&j);
    json_member_string(&j, "verdict", verdict_key(r->verdict));
    json_key(&j, "within_noise");
    json_bool(&j, r->all_within_noise);
    json_key(&j, "settings");
    json_array_begin(&j);
    for (size_t a = 0; a < r->n; a++) {
        const dys_opt_setting *s = &r->setting[r->order[a]];
        json_object_begin(&j);
        json_key(&j, "rank");
        if (s->rank)
            json_size(&j, (size_t)s->rank);
        else
            json_null(&j);
        json_member_string(&j, "source", s->source);
        json_member_string(&j, "study_id", s->study_id);
        json_member_string(&j, "pacing_mode", dys_pacing_mode_name(s->pacing_mode));
        json_member_g(&j, "av_delay_ms", s->av_delay_ms, 6);
        json_member_g(&j, "vv_delay_ms", s->vv_delay_ms, 6);
        json_member_g(&j, "value", s->value, 6);
        json_member_g(&j, "study_value", s->study_value, 6);
        json_member_g(&j, "sd", s->sd, 6);
        json_member_g(&j, "ci_lo", s->ci_lo, 6);
        json_member_g(&j, "ci_hi", s->ci_hi, 6);
        json_key(&j, "beats");
        json_array_begin(&j);
        for (size_t b = 0; b < s->n_beats; b++)
            json_number_g(&j, s->beats[b], 6);
        json_array_end(&j);
        json_member_g(&j, "diff", s->diff, 6);
        json_member_g(&j, "t", s->t, 6);
        json_member_g(&j, "df", s->df, 6);
        json_member_g(&j, "p", s->p, 6);
        json_member_g(&j, "p_adj", s->p_adj, 6);
        json_key(&j, "differs");
        if (s->differs < 0)
            json_null(&j);
        else
            json_bool(&j, s->differs);
        json_key(&j, "reference");
        json_bool(&j, (int)r->order[a] == r->reference);
        json_member_string(&j, "note", s->note);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_key(&j, "warnings");
    json_array_begin(&j);
    for (size_t i = 0; i < r->n_warnings; i++)
        json_string(&j, r->warnings[i]);
    json_array_end(&j);
    json_object_end(&j);
    json_newline(&j);
}

static void csv_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, ",%.6g", x);
    else
        fputc(',', f);
}

static void write_csv(FILE *f, const dys_opt_result *r)
{
    fputs("rank,source,study_id,pacing_mode,av_delay_ms,vv_delay_ms,objective,direction,value,"
          "study_value,sd,ci_lo,ci_hi,n_beats,diff,t,df,p,p_adj,differs,reference,best,note\n",
          f);
    for (size_t a = 0; a < r->n; a++) {
        const dys_opt_setting *s = &r->setting[r->order[a]];
        if (s->rank)
            fprintf(f, "%d,", s->rank);
        else
            fputc(',', f);
        dys_write_csv_field(f, s->source);
        fputc(',', f);
        dys_write_csv_field(f, s->study_id);
        fprintf(f, ",%s", dys_pacing_mode_name(s->pacing_mode));
        csv_num(f, s->av_delay_ms);
        csv_num(f, s->vv_delay_ms);
        fprintf(f, ",%s,%s", r->objective, dys_opt_direction_name(r->direction));
        csv_num(f, s->value);
        csv_num(f, s->study_value);
        csv_num(f, s->sd);
        csv_num(f, s->ci_lo);
        csv_num(f, s->ci_hi);
        fprintf(f, ",%zu", s->n_beats);
        csv_num(f, s->diff);
        csv_num(f, s->t);
        csv_num(f, s->df);
        csv_num(f, s->p);
        csv_num(f, s->p_adj);
        fprintf(f, ",%s,%d,%d,", s->differs < 0 ? "" : s->differs ? "1" : "0",
                (int)r->order[a] == r->reference, (int)r->order[a] == r->best);
        dys_write_csv_field(f, s->note);
        fputc('\n', f);
    }
}

/* "120/20" or "120/-20", "120" (VV 0). */
static int parse_nominal(const char *s, double *av, double *vv)
{
    const char *slash = strchr(s, '/');
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", s);
    *vv = 0;
    if (slash) {
        buf[slash - s] = '\0';
        if (cli_double(slash + 1, vv) != 0)
            return -1;
    }
    return cli_double(buf, av) == 0 && *av > 0 ? 0 : -1;
}

static int known_objective(const char *key)
{
    return !strcmp(key, "lvot_vti_cm") || !strcmp(key, "mitral_vti_cm") ||
           dys_index_from_key(key, strlen(key)) >= 0;
}

static const char *objective_unit(const char *key)
{
    int i = dys_index_from_key(key, strlen(key));
    return i >= 0 ? dys_index_get((dys_index)i)->unit : "cm";
}

int cmd_optimise(int argc, char **argv)
{
    enum { OPT_OBJECTIVE = 3001, OPT_REFERENCE, OPT_NOMINAL, OPT_PLOT };
    static const struct option longopts[] = {
        {"objective", required_argument, NULL, OPT_OBJECTIVE},
        {"reference", required_argument, NULL, OPT_REFERENCE},
        {"nominal", required_argument, NULL, OPT_NOMINAL},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"plot", required_argument, NULL, OPT_PLOT},
        CLI_ANALYSIS_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        CLI_READ_LONGOPTS,
        {NULL, 0, NULL, 0}};
    dys_params p;
    dys_params_defaults(&p);
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    dys_opt_options oo;
    dys_opt_options_defaults(&oo);
    enum fmt fmt = FMT_TEXT;
    const char *output = NULL, *reference = NULL, *plot = NULL;
    dys_ctx *ctx = dys_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    int opt, rc = EXIT_ALL_OK;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        int r = cli_read_option(opt, optarg, &ro, ctx);
        if (r == 0)
            r = cli_analysis_option(opt, optarg, &p, "optimise");
        if (r < 0) {
            dys_ctx_free(ctx);
            return EXIT_USAGE;
        }
        if (r > 0)
            continue;
        switch (opt) {
        case OPT_OBJECTIVE:
            if (!known_objective(optarg)) {
                dys_ctx_free(ctx);
                return cli_usage("optimise",
                                 "unknown objective '%s': expected an index key "
                                 "(ts_sd_12_ms, septal_lateral_delay_ms, ...), lvot_vti_cm "
                                 "or mitral_vti_cm", optarg);
            }
            oo.objective = optarg;
            break;
        case OPT_REFERENCE:
            reference = optarg;
            break;
        case OPT_NOMINAL:
            if (parse_nominal(optarg, &oo.nominal_av_ms, &oo.nominal_vv_ms) != 0) {
                dys_ctx_free(ctx);
                return cli_usage("optimise", "--nominal takes AV/VV in ms (120/0, 120/-20)");
            }
            break;
        case OPT_PLOT:
            plot = optarg;
            break;
        case 'f':
            if (!strcmp(optarg, "text"))
                fmt = FMT_TEXT;
            else if (!strcmp(optarg, "json"))
                fmt = FMT_JSON;
            else if (!strcmp(optarg, "csv"))
                fmt = FMT_CSV;
            else {
                dys_ctx_free(ctx);
                return cli_usage("optimise", "--format takes text, json or csv");
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            dys_ctx_free(ctx);
            return cli_help("optimise");
        default:
            dys_ctx_free(ctx);
            return cli_usage("optimise", "unknown option");
        }
    }
    int n = argc - optind;
    if (n < 2) {
        dys_ctx_free(ctx);
        return cli_usage("optimise", "the studies of 2 settings or more are needed (%d given)",
                         n);
    }
    char **paths = argv + optind;
    if (reference) {
        /* the reference is one of the studies, named as given or by the
         * same file (realpath) */
        char *want = realpath(reference, NULL);
        for (int i = 0; i < n && oo.reference < 0; i++) {
            char *have = want ? realpath(paths[i], NULL) : NULL;
            if (!strcmp(paths[i], reference) || (have && !strcmp(have, want)))
                oo.reference = i;
            free(have);
        }
        free(want);
        if (oo.reference < 0) {
            dys_ctx_free(ctx);
            return cli_usage("optimise", "--reference %s is not one of the studies", reference);
        }
    }
    dys_study **st = calloc((size_t)n, sizeof *st);
    dys_result **res = calloc((size_t)n, sizeof *res);
    dys_opt_input *in = calloc((size_t)n, sizeof *in);
    dys_opt_result *out = NULL;
    if (!st || !res || !in) {
        cli_error("out of memory");
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    for (int i = 0; i < n; i++) {
        if (dys_study_read(ctx, paths[i], &ro, &st[i]) != DYS_OK ||
            dys_analyze(ctx, st[i], &p, &res[i]) != DYS_OK) {
            cli_error("%s: %s", paths[i], dys_ctx_error(ctx));
            rc = EXIT_SOME_FAILED;
            goto done;
        }
        in[i].study = st[i];
        in[i].result = res[i];
    }
    if (dys_optimise(ctx, in, (size_t)n, &oo, &out) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    if (plot) {
        if (dys_plot_optimise(ctx, plot, out, 150) != DYS_OK) {
            cli_error("%s: %s", plot, dys_ctx_error(ctx));
            rc = EXIT_SOME_FAILED;
            goto done;
        }
    }
    dys_outfile of = {0};
    FILE *f = stdout;
    if (output) {
        if (dys_outfile_open(ctx, &of, output) != DYS_OK) {
            cli_error("%s", dys_ctx_error(ctx));
            rc = EXIT_SOME_FAILED;
            goto done;
        }
        f = of.f;
    }
    if (fmt == FMT_TEXT)
        write_text(f, out, objective_unit(out->objective));
    else if (fmt == FMT_JSON)
        write_json(f, out);
    else
        write_csv(f, out);
    if ((output && dys_outfile_commit(ctx, &of) != DYS_OK) ||
        (!output && (fflush(stdout) != 0 || ferror(stdout)))) {
        cli_error("%s: %s", output ? output : "standard output",
                  dys_ctx_error(ctx)[0] ? dys_ctx_error(ctx) : "write error");
        if (output)
            dys_outfile_abort(&of);
        rc = EXIT_SOME_FAILED;
    }
done:
    dys_opt_result_free(out);
    for (int i = 0; st && i < n; i++)
        dys_study_free(st[i]);
    for (int i = 0; res && i < n; i++)
        dys_result_free(res[i]);
    free(st);
    free(res);
    free(in);
    dys_ctx_free(ctx);
    return rc;
}
