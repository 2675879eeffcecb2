/*
 * dyssync info - what was read from a study, before any analysis: the
 * recordings and their views, frame clock, segments, ECG, QRS onsets,
 * metadata and the readers' warnings.  Strain studies are shown too.
 */
#include "common.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void show_clock(const dys_recording *r)
{
    size_t m = r->n - 1;
    double *d = malloc(m * sizeof *d);
    if (!d)
        return;
    double mean = 0;
    for (size_t i = 0; i < m; i++) {
        d[i] = r->t_ms[i + 1] - r->t_ms[i];
        mean += d[i];
    }
    mean /= (double)m;
    double ss = 0;
    for (size_t i = 0; i < m; i++)
        ss += (d[i] - mean) * (d[i] - mean);
    qsort(d, m, sizeof *d, cmp_double);
    double med = d[m / 2];
    printf("    frames: %zu, %.1f .. %.1f ms (%.0f ms)\n", r->n, r->t_ms[0],
           r->t_ms[r->n - 1], r->t_ms[r->n - 1] - r->t_ms[0]);
    printf("    frame interval: median %.3f ms (%.1f fps), min %.3f, max %.3f, "
           "jitter SD %.3f ms", med, 1000.0 / med, d[0], d[m - 1],
           m > 1 ? sqrt(ss / (double)(m - 1)) : 0.0);
    if (isfinite(r->frame_rate_hz))
        printf("; declared %.1f fps", r->frame_rate_hz);
    putchar('\n');
    free(d);
}

/* The beats the analysis would use, and why others are left out. */
static void show_beats(const dys_recording *r)
{
    dys_params p;
    dys_params_defaults(&p);
    dys_ctx *ctx = dys_ctx_new();
    dys_beat_list bl;
    if (!ctx || dys_recording_beats(ctx, r, &p, &bl) != DYS_OK) {
        printf("    beats: none found: %s\n", ctx ? dys_ctx_error(ctx) : "out of memory");
        dys_ctx_free(ctx);
        return;
    }
    size_t used = 0;
    for (size_t b = 0; b < bl.n; b++)
        used += bl.beat[b].accepted != 0;
    printf("    beats: %zu QRS onset%s %s, %zu kept", bl.n, bl.n == 1 ? "" : "s",
           dys_onset_source_phrase(bl.source), used);
    if (isfinite(bl.hr_bpm))
        printf(", heart rate %.0f bpm", bl.hr_bpm);
    if (bl.ecg_inverted)
        printf(", ECG inverted");
    putchar('\n');
    for (size_t b = 0; b < bl.n; b++) {
        printf("      %2zu  QRS onset %8.1f ms", b + 1, bl.beat[b].onset_ms);
        if (isfinite(bl.beat[b].rr_ms))
            printf("  RR %6.0f ms", bl.beat[b].rr_ms);
        else
            printf("  %12s", "");
        printf("  %s\n", bl.beat[b].accepted ? "kept" : bl.beat[b].why);
    }
    dys_beat_list_free(&bl);
    dys_ctx_free(ctx);
}

static void show_recording(const dys_study *s, const dys_recording *r, size_t i)
{
    printf("  [%zu] %s  %s  (%s)\n", i + 1, dys_view_name(r->view), r->source, r->format);
    show_clock(r);
    if (r->ecg_mv) {
        size_t miss = 0;
        for (size_t k = 0; k < r->n; k++)
            miss += isnan(r->ecg_mv[k]);
        printf("    ECG: yes (%zu missing samples)\n", miss);
    } else {
        printf("    ECG: no\n");
    }
    show_beats(r);
    if (isfinite(r->cycle_ms))
        printf("    cycle marked by the export: %.0f ms (%.0f bpm)\n", r->cycle_ms,
               60000.0 / r->cycle_ms);
    if (isfinite(r->avc_file_ms))
        printf("    ES Time (AVC): %.1f ms on this file's axis\n", r->avc_file_ms);
    if (r->contour.from_contour) {
        printf("    contour: View=%s, %zu knots; curves: %s\n", r->contour.view,
               r->contour.n_knots, r->contour.curves);
        printf("    reference: %s\n    drift correction: %s\n", r->contour.reference,
               r->contour.drift);
    }
    if (r->global_strain_pct) {
        /* over the reference-to-drift frames: outside them the drift
         * correction's line runs on over frames the cycle did not track */
        double lo = INFINITY, tlo = NAN;
        for (size_t j = r->contour.ref_frame; j <= r->contour.drift_frame && j < r->n; j++)
            if (r->global_strain_pct[j] < lo) {
                lo = r->global_strain_pct[j];
                tlo = r->t_ms[j];
            }
        printf("    global strain: min %.2f %% at %.1f ms (frames %zu to %zu)\n", lo, tlo,
               r->contour.ref_frame, r->contour.drift_frame);
    }
    printf("    %-22s %7s %9s %9s %10s\n", "segment", "missing",
           s->trace == DYS_TRACE_STRAIN ? "min %" : "min cm/s",
           s->trace == DYS_TRACE_STRAIN ? "max %" : "max cm/s",
           s->trace == DYS_TRACE_STRAIN ? "t(min) ms" : "t(max) ms");
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        const double *v = r->seg[k];
        if (!v)
            continue;
        size_t miss = 0;
        double lo = INFINITY, hi = -INFINITY, tlo = NAN, thi = NAN;
        for (size_t j = 0; j < r->n; j++) {
            if (isnan(v[j])) {
                miss++;
                continue;
            }
            if (v[j] < lo) {
                lo = v[j];
                tlo = r->t_ms[j];
            }
            if (v[j] > hi) {
                hi = v[j];
                thi = r->t_ms[j];
            }
        }
        /* Strain peaks are negative (shortening); velocity peaks positive. */
        printf("    %-22s %7zu %9.2f %9.2f %10.1f\n", dys_segment_name(k), miss, lo,
               hi, s->trace == DYS_TRACE_STRAIN ? tlo : thi);
    }
    if (r->n_extra_columns) {
        printf("    other columns (not analysed):");
        for (size_t k = 0; k < r->n_extra_columns; k++)
            printf(" %s", r->extra_columns[k]);
        putchar('\n');
    }
}

/* What myocardial work would be computed from: the pressure, the cuff,
 * the mitral events, the export's own numbers.  Nothing when none. */
static void show_work_input(const dys_work_input *w)
{
    const dys_vendor_work *v = w->vendor;
    if (!w->n_pressure && !isfinite(w->systolic_bp_mmhg) && !isfinite(w->mvc_ms) &&
        !isfinite(w->mvo_ms) && !v)
        return;
    printf("  myocardial work input:\n");
    if (w->n_pressure) {
        double lo = w->pressure_mmhg[0], hi = lo;
        for (size_t i = 1; i < w->n_pressure; i++) {
            lo = fmin(lo, w->pressure_mmhg[i]);
            hi = fmax(hi, w->pressure_mmhg[i]);
        }
        printf("    LV pressure: %zu samples, %.1f .. %.1f ms, %.1f .. %.1f mmHg  (%s)\n",
               w->n_pressure, w->pressure_t_ms[0], w->pressure_t_ms[w->n_pressure - 1], lo,
               hi, w->pressure_source ? w->pressure_source : "given");
    } else {
        printf("    LV pressure: none given (estimated from the cuff systolic pressure)\n");
    }
    char num[3][32];
    const double x[3] = {w->diastolic_bp_mmhg, w->mvc_ms, w->mvo_ms};
    for (int i = 0; i < 3; i++)
        snprintf(num[i], sizeof num[i], isfinite(x[i]) ? "%.0f" : "-", x[i]);
    if (isfinite(w->systolic_bp_mmhg))
        printf("    cuff pressure: %.0f / %s mmHg\n", w->systolic_bp_mmhg, num[0]);
    printf("    MVC %s, MVO %s ms from QRS onset\n", num[1], num[2]);
    if (v) {
        int traces = 0;
        for (int k = 0; k < DYS_N_SEGMENTS; k++)
            traces += v->trace_n[k] > 0;
        printf("    %s's own: GWI %.0f, GCW %.0f, GWW %.0f mmHg%%, GWE %.0f %%; work curves "
               "of %d segments\n", v->software ? v->software : "the export",
               v->gwi_mmhg_pct, v->gcw_mmhg_pct, v->gww_mmhg_pct, v->gwe_pct, traces);
    }
}

static void show_study(const dys_study *s)
{
    printf("Study %s  (%s)\n", s->study_id, s->source);
    /* a contour's curves are the engine's: its label is ours, not the
     * export's words */
    int contour = s->n_rec && s->rec[0].contour.from_contour && s->trace_label;
    const char *what = contour ? s->trace_label
                       : s->trace == DYS_TRACE_STRAIN
                           ? dys_trace_description(s->trace, s->strain_direction)
                           : "tissue velocity";
    int label = !contour && s->trace_label && strcmp(s->trace_label, what) != 0;
    printf("  trace: %s (%s)%s%s\n", what, s->trace == DYS_TRACE_STRAIN ? "%" : "cm/s",
           label ? "; export says: " : "", label ? s->trace_label : "");
    int nseg = 0, apical = 0;
    for (size_t i = 0; i < s->n_rec; i++)
        for (int k = 0; k < DYS_N_SEGMENTS; k++) {
            nseg += s->rec[i].seg[k] != NULL;
            apical += k >= DYS_N_SEGMENTS_12 && s->rec[i].seg[k];
        }
    /* of 18 once an apical segment makes it the 18-segment model */
    printf("  recordings: %zu, segments: %d of %d\n", s->n_rec, nseg,
           apical ? DYS_N_SEGMENTS : DYS_N_SEGMENTS_12);
    for (size_t i = 0; i < s->n_rec; i++)
        show_recording(s, &s->rec[i], i);
    show_work_input(&s->work);
    if (s->n_meta) {
        printf("  metadata:\n");
        for (size_t i = 0; i < s->n_meta; i++)
            printf("    %s: %s  (%s:%d)\n", s->meta[i].key, s->meta[i].value,
                   s->meta[i].file, s->meta[i].line);
    }
    if (s->n_warnings) {
        printf("  warnings:\n");
        for (size_t i = 0; i < s->n_warnings; i++)
            printf("    - %s\n", s->warnings[i]);
    }
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'}, CLI_READ_LONGOPTS, {NULL, 0, NULL, 0}};
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    dys_ctx *ctx = dys_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    int opt, rc = EXIT_ALL_OK;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int r = cli_read_option(opt, optarg, &ro, ctx);
        if (r < 0) {
            rc = EXIT_USAGE;
            goto done;
        }
        if (r > 0)
            continue;
        rc = opt == 'h' ? cli_help("info") : cli_usage("info", "unknown option");
        goto done;
    }
    if (optind >= argc) {
        rc = cli_usage("info", "no study given");
        goto done;
    }
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        dys_study *s;
        if (dys_study_read(ctx, argv[i], &ro, &s) != DYS_OK) {
            fflush(stdout);
            cli_error("%s", dys_ctx_error(ctx));
            failed++;
            continue;
        }
        if (i > optind)
            putchar('\n');
        show_study(s);
        dys_study_free(s);
    }
    if (failed)
        rc = EXIT_SOME_FAILED;
done:
    dys_ctx_free(ctx);
    return rc;
}
