/*
 * writers.c - results as JSON (the output contract of docs/format.md), CSV and a text
 * report.  Writers only format what the analysis put in the result; they
 * never recompute.  Numbers are written in the C locale whatever the
 * caller's locale (uselocale is per thread), NAN as null / empty.
 */
#include "eligibility.h"
#include "indices.h"
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

/* Run the body with the C numeric locale on this thread. */
#define WITH_C_LOCALE(ctx, body)                           \
    do {                                                   \
        locale_t prev_ = uselocale((ctx)->c_locale);       \
        body;                                              \
        uselocale(prev_);                                  \
    } while (0)

/* Length of the valid UTF-8 sequence at p, 0 if it is not one. */
static int utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    int n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || (n == 3 && p[0] > 0xEF))
        return 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    unsigned cp = p[0] & (0xFF >> (n + 1));
    for (int i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3F);
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* A JSON string; bytes that are not UTF-8 (a path from another system)
 * become U+FFFD so the output is always valid JSON. */
void dys_write_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        int n = utf8_len(p);
        if (n == 0) {
            fputs("\\ufffd", f);
            p++;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, (size_t)n, f);
            p += n;
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
        p++;
    }
    fputc('"', f);
}

/* "%.*f" of a finite x: dys_format_fixed's bytes, or printf's in the
 * rare case it leaves to printf (the writers' numbers were ~3 % of a
 * batch's CPU through printf). */
static void fixed_num(FILE *f, double x, int decimals)
{
    char b[DYS_FIXED_BUF];
    size_t n = dys_format_fixed(b, x, decimals);
    if (n)
        fwrite(b, 1, n, f);
    else
        fprintf(f, "%.*f", decimals, x);
}

static void json_num(FILE *f, double x, int decimals)
{
    if (isfinite(x))
        fixed_num(f, x, decimals);
    else
        fputs("null", f);
}

static const char *lowpass_text(double hz, char *buf, size_t cap)
{
    if (hz == DYS_LOWPASS_AUTO)
        return "auto";
    if (hz == DYS_LOWPASS_OFF)
        return "off";
    snprintf(buf, cap, "%g", hz);
    return buf;
}

static const char *provenance_name(dys_provenance p)
{
    return p == DYS_PROV_GIVEN ? "given" : p == DYS_PROV_ESTIMATED ? "estimated" : "none";
}

#define LEAD_RULE                                                                   \
    "latest Ts among the ok free-wall segments a coronary-sinus lead can reach "    \
    "(basal and mid; septum excluded; indeterminate, possibly non-viable segments " \
    "excluded; transmural scar and segments no suitable vein reaches excluded "    \
    "when given), and those within 20 ms of it; delay from the earliest ok basal "  \
    "or mid segment"

static const char *scar_grade_name(int g)
{
    return g == DYS_SCAR_NONE             ? "none"
           : g == DYS_SCAR_NON_TRANSMURAL ? "non-transmural"
           : g == DYS_SCAR_TRANSMURAL     ? "transmural"
                                          : "unknown";
}

static const char *concordance_name(dys_lead_concordance c)
{
    return c == DYS_LEAD_CONCORDANT ? "concordant"
           : c == DYS_LEAD_ADJACENT ? "adjacent"
           : c == DYS_LEAD_REMOTE   ? "remote"
                                    : NULL;
}

static const char *factor_state_name(int state)
{
    return state > 0 ? "present" : state == 0 ? "absent" : "unknown";
}

/* View-level keys belong to their recording, not to the study's metadata
 * (AVO and AVC are under events, per view). */
static int study_level(const char *key)
{
    return strcmp(key, "view") && strcmp(key, "qrs_onset_ms") &&
           strcmp(key, "qrs_onsets_ms") && strcmp(key, "avo_ms") && strcmp(key, "avc_ms");
}

static dys_status finish(dys_ctx *ctx, FILE *f)
{
    if (ferror(f))
        return dys_fail(ctx, DYS_ERR_IO, "write error");
    return DYS_OK;
}

/* The segments the outputs list: 12, or 18 with the apical ring (a result
 * not made by dys_analyze, zeroed, counts as 12). */
static int model_segments(const dys_result *r)
{
    return r->model_segments == DYS_N_SEGMENTS ? DYS_N_SEGMENTS : DYS_N_SEGMENTS_12;
}

/* The view a segment is listed under: the model's apical view, or in a
 * circumferential study the short-axis ring it was measured on (the
 * model's view would name an image it never came from). */
static const char *segment_view_name(const dys_result *r, int s)
{
    const dys_segment_result *g = &r->seg[s];
    if (r->trace == DYS_TRACE_STRAIN && r->strain_direction == DYS_STRAIN_CIRCUMFERENTIAL &&
        g->rec >= 0 && (size_t)g->rec < r->n_rec)
        return dys_view_name(r->rec[g->rec].view);
    return dys_view_name(dys_segment_view(s));
}

/* A string, or null when it is empty. */
static void json_text_or_null(FILE *f, const char *s)
{
    if (s[0])
        dys_write_json_string(f, s);
    else
        fputs("null", f);
}

/* The JSON writer is cut along the object's members, in their order: each
 * helper writes ", \"member\": value", so write_json reads as the table of
 * contents of docs/format.md's output. */

/* ---- myocardial work (work.c; docs/format.md, "work") ------------------ */

static const char *const work_keys[4] = {"work_index_mmhg_pct", "constructive_work_mmhg_pct",
                                         "wasted_work_mmhg_pct", "work_efficiency_pct"};

static void segment_work(const dys_segment_result *g, double v[4])
{
    v[0] = g->work_index_mmhg_pct;
    v[1] = g->constructive_work_mmhg_pct;
    v[2] = g->wasted_work_mmhg_pct;
    v[3] = g->work_efficiency_pct;
}

static void vendor_segment_work(const dys_work_result *w, int s, double v[4])
{
    v[0] = w->vendor_seg_wi_mmhg_pct[s];
    v[1] = w->vendor_seg_cw_mmhg_pct[s];
    v[2] = w->vendor_seg_ww_mmhg_pct[s];
    v[3] = w->vendor_seg_we_pct[s];
}

/* A segment's work, in its object: null where not computed (also in a
 * missing segment: work does not need the timing, only the strain). */
static void json_segment_work(FILE *f, const dys_segment_result *g)
{
    double v[4];
    segment_work(g, v);
    for (int e = 0; e < 4; e++) {
        fprintf(f, ", \"%s\": ", work_keys[e]);
        json_num(f, v[e], 1);
    }
}

/* "difference": {key: a - b, ...} of four values (null where either is). */
static void json_differences(FILE *f, const char *const keys[4], const double a[4],
                             const double b[4])
{
    fputs("\"difference\": {", f);
    for (int e = 0; e < 4; e++) {
        fprintf(f, "%s\"%s\": ", e ? ", " : "", keys[e]);
        double d = a[e] - b[e];
        json_num(f, fabs(d) < 0.05 ? 0.0 : d, 1); /* never "-0.0" */
    }
    fputc('}', f);
}

static void json_work(FILE *f, const dys_result *r)
{
    const dys_work_result *w = &r->work;
    static const char *const gkeys[4] = {"gwi_mmhg_pct", "gcw_mmhg_pct", "gww_mmhg_pct",
                                         "gwe_pct"};
    const double mine[4] = {r->index[DYS_IDX_GWI], r->index[DYS_IDX_GCW],
                            r->index[DYS_IDX_GWW], r->index[DYS_IDX_GWE]};
    const double theirs[4] = {w->vendor_gwi_mmhg_pct, w->vendor_gcw_mmhg_pct,
                              w->vendor_gww_mmhg_pct, w->vendor_gwe_pct};
    fputs(", \"work\": {\"pressure\": ", f);
    json_text_or_null(f, w->pressure_text);
    fprintf(f, ", \"pressure_source\": %s, \"reason\": ",
            w->pressure == DYS_PRESSURE_MEASURED    ? "\"measured\""
            : w->pressure == DYS_PRESSURE_ESTIMATED ? "\"estimated\""
                                                    : "null");
    json_text_or_null(f, w->reason);
    static const char *const nkeys[7] = {"peak_pressure_mmhg", "cuff_systolic_mmhg",
                                         "cuff_diastolic_mmhg", "mvc_ms", "avo_ms", "avc_ms",
                                         "mvo_ms"};
    const double nv[7] = {w->peak_pressure_mmhg, w->systolic_bp_mmhg, w->diastolic_bp_mmhg,
                          w->mvc_ms, w->avo_ms, w->avc_ms, w->mvo_ms};
    for (int e = 0; e < 7; e++) {
        fprintf(f, ", \"%s\": ", nkeys[e]);
        json_num(f, nv[e], 1);
    }
    fputs(", \"gwe_definition\": \"GCW / (GCW + GWW) x 100\", \"vendor\": ", f);
    if (!w->has_vendor) {
        fputs("null}", f);
        return;
    }
    fputs("{\"software\": ", f);
    dys_write_json_string(f, w->vendor_software);
    for (int e = 0; e < 4; e++) {
        fprintf(f, ", \"%s\": ", gkeys[e]);
        json_num(f, theirs[e], 1);
    }
    fputs(", ", f);
    json_differences(f, gkeys, mine, theirs);
    fputs(", \"work_curves_max_difference_pct\": ", f);
    json_num(f, w->trace_diff_max_pct, 2);
    fputs(", \"segments\": [", f);
    for (int s = 0; s < model_segments(r); s++) {
        double a[4], b[4];
        segment_work(&r->seg[s], a);
        vendor_segment_work(w, s, b);
        fprintf(f, "%s{\"name\": \"%s\"", s ? ", " : "", dys_segment_name(s));
        for (int e = 0; e < 4; e++) {
            fprintf(f, ", \"%s\": ", work_keys[e]);
            json_num(f, b[e], 1);
        }
        fputs(", ", f);
        json_differences(f, work_keys, a, b);
        fputs(", \"work_curve_max_difference_pct\": ", f);
        json_num(f, w->trace_diff_pct[s], 2);
        fputc('}', f);
    }
    fputs("]}}", f);
}

/* ---- the LBBB strain markers (lbbb.c; docs/format.md, "lbbb") --------- */

static const char *const lbbb_criteria[3] = {
    "early septal shortening with lateral-wall stretch",
    "septal peak shortening within the first 70 % of ejection",
    "lateral-wall peak shortening after AVC"};

static const char *tri(int v)
{
    return v < 0 ? "null" : v ? "true" : "false";
}

/* The criteria of the pattern and the septal flash with what each was
 * decided on, and each segment's measures; null when the markers were
 * not looked for (a velocity study, not requested). */
static void json_lbbb(FILE *f, const dys_result *r)
{
    const dys_lbbb_result *m = &r->lbbb_markers;
    fputs(", \"lbbb\": ", f);
    if (!m->computed) {
        fputs("null", f);
        return;
    }
    fputs("{\"recording\": ", f);
    if (m->rec >= 0 && (size_t)m->rec < r->n_rec)
        dys_write_json_string(f, r->rec[m->rec].source);
    else
        fputs("null", f);
    fputs(", \"avo_ms\": ", f);
    json_num(f, m->avo_ms, 1);
    fputs(", \"avc_ms\": ", f);
    json_num(f, m->avc_ms, 1);
    fprintf(f, ", \"n_beats\": %d, \"pattern\": {\"lbbb_pattern\": ", m->n_beats);
    json_num(f, r->index[DYS_IDX_LBBB_PATTERN], 0);
    fputs(", \"criteria\": [", f);
    for (int c = 0; c < 3; c++) {
        fprintf(f, "%s{\"criterion\": \"%s\", \"met\": %s", c ? ", " : "",
                lbbb_criteria[c], tri(m->criterion[c]));
        static const char *const keys[3][3] = {
            {"septal_shortening_pct", "lateral_stretch_pct", "window_end_ms"},
            {"septal_peak_ms", "septal_peak_ejection_pct", NULL},
            {"lateral_peak_ms", "avc_ms", NULL}};
        const double v[3][3] = {
            {m->sept_early_shortening_pct, m->lat_early_stretch_pct, m->early_end_ms},
            {m->sept_peak_ms, m->sept_peak_ejection_pct, NAN},
            {m->lat_peak_ms, m->avc_ms, NAN}};
        for (int e = 0; e < 3 && keys[c][e]; e++) {
            fprintf(f, ", \"%s\": ", keys[c][e]);
            json_num(f, v[c][e], 2);
        }
        fputc('}', f);
    }
    fputs("]}, \"septal_flash\": {\"septal_flash\": ", f);
    json_num(f, r->index[DYS_IDX_SEPTAL_FLASH], 0);
    fputs(", \"shortening_pct\": ", f);
    json_num(f, m->flash_shortening_pct, 2);
    fputs(", \"relengthening_pct\": ", f);
    json_num(f, m->flash_relengthening_pct, 2);
    fputs(", \"time_ms\": ", f);
    json_num(f, m->flash_time_ms, 1);
    fputs("}, \"segments\": [", f);
    for (int s = 0; s < model_segments(r); s++) {
        fprintf(f, "%s{\"name\": \"%s\", \"rebound_stretch_pct\": ", s ? ", " : "",
                dys_segment_name(s));
        json_num(f, m->seg_rebound_stretch_pct[s], 2);
        fputs(", \"prestretch_pct\": ", f);
        json_num(f, m->seg_prestretch_pct[s], 2);
        fputs(", \"strain_delay_pct\": ", f);
        json_num(f, m->seg_strain_delay_pct[s], 2);
        fputc('}', f);
    }
    fputs("]}", f);
}

/* One segment's object; a missing segment's measures are null, and its
 * filter and noise too unless it had a recording.  "aha" is the segment's
 * number: AHA's for 1-12, the 18-segment model's for the apical 13-18. */
static void json_segment(FILE *f, const dys_result *r, int s)
{
    const dys_segment_result *g = &r->seg[s];
    int missing = g->status == DYS_SEG_MISSING;
    fprintf(f, "%s{\"name\": \"%s\", \"aha\": %d, \"view\": \"%s\", \"status\": \"%s\", "
               "\"ts_ms\": ",
            s ? ", " : "", dys_segment_name(s), s + 1, segment_view_name(r, s),
            dys_seg_status_name(g->status));
    json_num(f, missing ? NAN : g->ts_ms, 2);
    fputs(", \"peak_velocity_cm_s\": ", f);
    json_num(f, missing ? NAN : g->peak_cm_s, 2);
    fputs(", \"flags\": [", f);
    for (int b = 0, n = 0; b < DYS_N_FLAGS; b++)
        if (g->flags >> b & 1u)
            fprintf(f, "%s\"%s\"", n++ ? ", " : "", dys_flag_name(b));
    fprintf(f, "], \"n_beats\": %d, \"ts_beat_sd_ms\": ", g->n_beats);
    json_num(f, g->ts_beat_sd_ms, 2);
    fputs(", \"to_ms\": ", f);
    json_num(f, missing ? NAN : g->to_ms, 2);
    static const char *const extra[] = {"ts_rr_pct", "ts_ep_pct", "ts_ps_ms", "phase_deg",
                                        "disp_phase_deg", "psi_pct"};
    const double xv[] = {g->ts_rr_pct, g->ts_ep_pct, g->ts_ps_ms, g->phase_deg,
                         g->disp_phase_deg, g->psi_pct};
    for (int e = 0; e < 6; e++) {
        fprintf(f, ", \"%s\": ", extra[e]);
        json_num(f, missing ? NAN : xv[e], 2);
    }
    fprintf(f, ", \"dlc\": %s",
            missing || g->dlc < 0 ? "null" : g->dlc ? "true" : "false");
    static const char *const skeys[] = {"strain_ttp_ms", "strain_ttp_ejection_ms",
                                        "peak_strain_pct", "strain_psi_pct"};
    const double sv[] = {g->strain_ttp_ms, g->strain_ttp_es_ms, g->peak_strain_pct,
                         g->strain_psi_pct};
    for (int e = 0; e < 4; e++) {
        fprintf(f, ", \"%s\": ", skeys[e]);
        json_num(f, missing ? NAN : sv[e], 2);
    }
    json_segment_work(f, g);
    fputs(", \"lowpass_hz\": ", f);
    json_num(f, missing && g->rec < 0 ? NAN : g->lowpass_hz, 2);
    fputs(", \"noise_cm_s\": ", f);
    json_num(f, missing && g->rec < 0 ? NAN : g->noise_cm_s, 3);
    fputs(", \"file\": ", f);
    if (g->rec >= 0)
        dys_write_json_string(f, r->rec[g->rec].source);
    else
        fputs("null", f);
    fputs(", \"reason\": ", f);
    json_text_or_null(f, g->reason);
    fputc('}', f);
}

/* A finding (unit "0/1": the LBBB pattern, the septal flash) is written
 * 1 or 0, never 1.00. */
static int index_decimals(int i, int decimals)
{
    return strcmp(dys_index_get(i)->unit, "0/1") ? decimals : 0;
}

static void json_indices(FILE *f, const dys_result *r)
{
    fputs(", \"indices\": {", f);
    for (int i = 0; i < DYS_N_INDICES; i++) {
        fprintf(f, "\"%s\": ", dys_index_get(i)->key);
        json_num(f, r->index[i], index_decimals(i, 2));
        fputs(", ", f);
    }
    fprintf(f, "\"n_segments\": %d}", r->n_segments);
}

static void json_classification(FILE *f, const dys_result *r)
{
    fputs(", \"classification\": [", f);
    for (int c = 0; c < r->n_class; c++) {
        const dys_class *k = &r->classification[c];
        fprintf(f, "%s{\"index\": \"%s\", \"value\": ", c ? ", " : "",
                dys_index_get(k->index)->key);
        json_num(f, k->value, 2);
        fprintf(f, ", \"cutoff\": %g, \"absolute\": %s, \"dyssynchronous\": %s, "
                   "\"borderline\": %s, \"source\": ",
                k->cutoff, k->on_abs ? "true" : "false",
                k->dyssynchronous < 0 ? "null" : k->dyssynchronous ? "true" : "false",
                k->borderline ? "true" : "false");
        dys_write_json_string(f, k->source);
        fprintf(f, ", \"validated\": %s, \"reference_only\": ",
                k->validated ? "true" : "false");
        if (k->reference_only)
            dys_write_json_string(f, k->validity);
        else
            fputs("null", f);
        fputc('}', f);
    }
    fputc(']', f);
}

/* The three criteria sets, the inputs they were judged on and the
 * EchoCRT warning. */
static void json_eligibility(FILE *f, const dys_result *r)
{
    fputs(", \"crt_eligibility\": [", f);
    for (int i = 0; i < 3; i++) {
        const dys_eligibility *e = &r->crt[i];
        fprintf(f, "%s{\"criteria\": \"%s\", \"eligible\": %s, \"class\": ", i ? ", " : "",
                e->set, e->eligible < 0 ? "null" : e->eligible ? "true" : "false");
        if (e->cls)
            dys_write_json_string(f, e->cls);
        else
            fputs("null", f);
        /* the classes the missing inputs allow, and those inputs:
         * "a, b" -> ["a", "b"] */
        const char *lists[2] = {e->classes, e->missing};
        for (int l = 0; l < 2; l++) {
            fputs(l ? ", \"unknown\": [" : ", \"possible_classes\": [", f);
            for (const char *m = lists[l]; *m;) {
                size_t len = strcspn(m, ",");
                fprintf(f, "%s\"%.*s\"", m == lists[l] ? "" : ", ", (int)len, m);
                m += len;
                while (*m == ',' || *m == ' ')
                    m++;
            }
            fputc(']', f);
        }
        fputs(", \"note\": ", f);
        dys_write_json_string(f, e->note);
        fputc('}', f);
    }
    fputs("], \"crt_inputs\": {\"lvef_pct\": ", f);
    json_num(f, r->lvef_pct, 1);
    fputs(", \"qrs_duration_ms\": ", f);
    json_num(f, r->qrs_duration_ms, 1);
    if (r->nyha >= 1)
        fprintf(f, ", \"nyha\": %d", r->nyha);
    else
        fputs(", \"nyha\": null", f);
    fprintf(f, ", \"lbbb\": %s}, \"echocrt_warning\": ",
            r->lbbb < 0 ? "null" : r->lbbb ? "true" : "false");
    json_text_or_null(f, r->echocrt_warning);
}

static void json_lead_target(FILE *f, const dys_result *r)
{
    fputs(", \"lead_target\": {\"segments\": [", f);
    for (int i = 0; i < r->n_lead; i++) {
        fprintf(f, "%s{\"name\": \"%s\", \"ts_ms\": ", i ? ", " : "",
                dys_segment_name(r->lead[i].segment));
        json_num(f, r->lead[i].ts_ms, 2);
        fputs(", \"delay_ms\": ", f);
        json_num(f, r->lead[i].delay_ms, 2);
        fputs(", \"reason\": ", f);
        dys_write_json_string(f, r->lead[i].reason);
        fputc('}', f);
    }
    fputs("], \"excluded\": [", f);
    for (int i = 0; i < r->n_lead_excluded; i++) {
        fprintf(f, "%s{\"name\": \"%s\", \"ts_ms\": ", i ? ", " : "",
                dys_segment_name(r->lead_excluded[i].segment));
        json_num(f, r->lead_excluded[i].ts_ms, 2);
        fputs(", \"reason\": ", f);
        dys_write_json_string(f, r->lead_excluded[i].reason);
        fputc('}', f);
    }
    fputs("], \"none_reason\": ", f);
    json_text_or_null(f, r->lead_none_reason);
    /* the anatomy it used: scar per segment, the veins' segments */
    int any = 0;
    for (int g = 0; g < r->model_segments; g++)
        any |= r->scar[g] != DYS_SCAR_UNKNOWN;
    fputs(", \"scar\": ", f);
    if (any) {
        fputc('[', f);
        for (int g = 0, n = 0; g < r->model_segments; g++) {
            if (r->scar[g] == DYS_SCAR_UNKNOWN)
                continue;
            fprintf(f, "%s{\"name\": \"%s\", \"grade\": \"%s\", \"pct\": ", n++ ? ", " : "",
                    dys_segment_name(g), scar_grade_name(r->scar[g]));
            json_num(f, r->scar_pct[g], 1);
            fputc('}', f);
        }
        fputc(']', f);
    } else {
        fputs("null", f);
    }
    any = 0;
    for (int g = 0; g < DYS_N_SEGMENTS; g++)
        any |= r->vein[g] != DYS_VEIN_UNKNOWN;
    fputs(", \"vein_segments\": ", f);
    if (any) {
        fputc('[', f);
        for (int g = 0, n = 0; g < DYS_N_SEGMENTS; g++)
            if (r->vein[g] == DYS_VEIN_YES)
                fprintf(f, "%s\"%s\"", n++ ? ", " : "", dys_segment_name(g));
        fputc(']', f);
    } else {
        fputs("null", f);
    }
    fputs(", \"lead_segment\": ", f);
    if (r->lead_segment >= 0)
        fprintf(f, "\"%s\"", dys_segment_name(r->lead_segment));
    else
        fputs("null", f);
    const char *c = concordance_name(r->lead_concordance);
    fputs(", \"concordance\": ", f);
    if (c)
        fprintf(f, "\"%s\"", c);
    else
        fputs("null", f);
    fputs(", \"concordance_note\": ", f);
    json_text_or_null(f, r->lead_concordance_note);
    fputs(", \"rule\": ", f);
    dys_write_json_string(f, LEAD_RULE);
    fputc('}', f);
}

/* The known factors of non-response: present, absent or unknown. */
static void json_response_factors(FILE *f, const dys_result *r)
{
    fputs(", \"response_factors\": [", f);
    for (int i = 0; i < r->n_response_factors; i++) {
        const dys_response_factor *x = &r->response_factor[i];
        fprintf(f, "%s{\"key\": \"%s\", \"state\": \"%s\", \"value\": ", i ? ", " : "",
                x->key, factor_state_name(x->state));
        dys_write_json_string(f, x->value);
        fputs(", \"source\": ", f);
        dys_write_json_string(f, x->source);
        fputc('}', f);
    }
    fputc(']', f);
}

/* The study's ejection window (null where the views differ). */
static void json_events(FILE *f, const dys_result *r)
{
    fputs(", \"events\": {\"avo_ms\": ", f);
    json_num(f, r->avo_ms, 1);
    fputs(", \"avc_ms\": ", f);
    json_num(f, r->avc_ms, 1);
    fprintf(f, ", \"source\": \"%s\", \"method\": ", provenance_name(r->events_source));
    dys_write_json_string(f, r->events_method);
    fprintf(f, ", \"per_view\": %s}", r->events_per_view ? "true" : "false");
}

/* A recording's global strain peak, its apex's transverse excursion and,
 * for a contour export, how its
 * curves were made: which frames are the reference and the drift
 * correction, and why (the markers' convention or the given onsets). */
static void json_recording_contour(FILE *f, const dys_result_rec *q)
{
    const dys_contour_info *c = &q->contour;
    fputs(", \"global_strain_peak_pct\": ", f);
    json_num(f, q->global_strain_peak_pct, 2);
    fputs(", \"apical_transverse_mm\": ", f);
    json_num(f, q->apical_transverse_mm, 2);
    fputs(", \"contour\": ", f);
    if (!c->from_contour) {
        fputs("null", f);
        return;
    }
    fputs("{\"view\": ", f);
    dys_write_json_string(f, c->view);
    fprintf(f, ", \"knots\": %zu, \"curves\": ", c->n_knots);
    dys_write_json_string(f, c->curves);
    fputs(", \"reference\": ", f);
    dys_write_json_string(f, c->reference);
    fprintf(f, ", \"reference_frame\": %zu, \"drift_correction\": ", c->ref_frame);
    dys_write_json_string(f, c->drift);
    fprintf(f, ", \"drift_frame\": %zu}", c->drift_frame);
}

/* One recording (view file): its onsets, its own ejection window and
 * every beat with why it was rejected. */
static void json_recording(FILE *f, const dys_result_rec *q, int first)
{
    fprintf(f, "%s{\"view\": \"%s\", \"file\": ", first ? "" : ", ", dys_view_name(q->view));
    dys_write_json_string(f, q->source);
    fprintf(f, ", \"qrs_onset_source\": \"%s\", \"hr_bpm\": ",
            dys_onset_source_name(q->beats.source));
    json_num(f, q->beats.hr_bpm, 1);
    fputs(", \"frame_interval_ms\": ", f);
    json_num(f, q->frame_interval_ms, 3);
    fputs(", \"events\": {\"avo_ms\": ", f);
    json_num(f, q->avo_ms, 1);
    fputs(", \"avc_ms\": ", f);
    json_num(f, q->avc_ms, 1);
    fprintf(f, ", \"avo_source\": \"%s\", \"avc_source\": \"%s\", \"avo_method\": ",
            provenance_name(q->avo_source), provenance_name(q->avc_source));
    dys_write_json_string(f, q->avo_method);
    fputs(", \"avc_method\": ", f);
    dys_write_json_string(f, q->avc_method);
    fputs(", \"avc_from_curves_ms\": ", f);
    json_num(f, q->avc_curves_ms, 1);
    fputs(", \"avc_from_heart_rate_ms\": ", f);
    json_num(f, q->avc_heart_rate_ms, 1);
    fputc('}', f);
    fputs(", \"beats\": [", f);
    for (size_t b = 0; b < q->beats.n; b++) {
        const dys_beat *bt = &q->beats.beat[b];
        fputs(b ? ", {\"qrs_onset_ms\": " : "{\"qrs_onset_ms\": ", f);
        json_num(f, bt->onset_ms, 1);
        fputs(", \"rr_ms\": ", f);
        json_num(f, bt->rr_ms, 1);
        fprintf(f, ", \"accepted\": %s, \"reason\": ", bt->accepted ? "true" : "false");
        json_text_or_null(f, bt->why);
        fputc('}', f);
    }
    fputc(']', f);
    json_recording_contour(f, q);
    fputc('}', f);
}

/* The analysis options that shaped the result. */
static void json_parameters(FILE *f, const dys_result *r)
{
    char lp[32];
    fprintf(f, ", \"parameters\": {\"lowpass\": \"%s\", \"peak\": \"%s\", ",
            lowpass_text(r->params.lowpass_hz, lp, sizeof lp),
            r->params.peak == DYS_PEAK_MAX ? "max" : "first");
    if (r->params.peak == DYS_PEAK_FIRST)
        fprintf(f, "\"first_peak_fraction\": %g, ", r->params.first_peak_fraction);
    fprintf(f, "\"sd\": \"%s\", \"min_segments_12\": %d, \"min_segments_6\": %d, "
               "\"low_amplitude_cm_s\": %g, \"max_gap_ms\": %g, \"ectopic_rr_frac\": %g, "
               "\"avc_estimate\": \"%s\", \"options\": ",
            r->params.sd == DYS_SD_SAMPLE ? "sample" : "population",
            r->params.min_segments_12, r->params.min_segments_6,
            r->params.low_amplitude_cm_s, r->params.max_gap_ms, r->params.ectopic_rr_frac,
            r->params.avc_estimate == DYS_AVC_CURVES ? "curves" : "heart-rate");
    /* every option, overrides of AVO/AVC and cut-offs included, as the
     * canonical text batch compares runs by */
    char opts[2048];
    dys_params_text(&r->params, opts, sizeof opts);
    dys_write_json_string(f, opts);
    fputc('}', f);
}

/* The study-level metadata as read (view-level keys are the recordings')
 * and the warnings. */
static void json_metadata_warnings(FILE *f, const dys_result *r)
{
    fputs(", \"metadata\": {", f);
    for (size_t i = 0, n = 0; i < r->n_meta; i++) {
        if (!study_level(r->meta[i].key))
            continue;
        fputs(n++ ? ", " : "", f);
        dys_write_json_string(f, r->meta[i].key);
        fputs(": ", f);
        dys_write_json_string(f, r->meta[i].value);
    }
    fputs("}, \"warnings\": [", f);
    for (size_t i = 0; i < r->n_warnings; i++) {
        fputs(i ? ", " : "", f);
        dys_write_json_string(f, r->warnings[i]);
    }
    fputc(']', f);
}

/* One result as one line of JSON. */
static void write_json(FILE *f, const dys_result *r)
{
    fputs("{\"study_id\": ", f);
    dys_write_json_string(f, r->study_id);
    fputs(", \"source\": ", f);
    dys_write_json_string(f, r->source);
    fputs(", \"engine\": \"dyssync " DYS_VERSION_STRING "\", \"trace\": ", f);
    dys_write_json_string(f, dys_trace_description(r->trace, r->strain_direction));
    fputs(", \"segments\": [", f);
    /* 12 objects, or 18 when the study holds an apical segment: a
     * 12-segment study's output is as it always was */
    for (int s = 0; s < model_segments(r); s++)
        json_segment(f, r, s);
    fputc(']', f);
    json_indices(f, r);
    json_classification(f, r);
    json_eligibility(f, r);
    json_lead_target(f, r);
    json_response_factors(f, r);
    json_events(f, r);
    json_work(f, r);
    json_lbbb(f, r);
    fputs(", \"recordings\": [", f);
    for (size_t i = 0; i < r->n_rec; i++)
        json_recording(f, &r->rec[i], i == 0);
    fputc(']', f);
    json_parameters(f, r);
    json_metadata_warnings(f, r);
    fputs("}\n", f);
}

dys_status dys_write_json(dys_ctx *ctx, FILE *f, const dys_result *r)
{
    WITH_C_LOCALE(ctx, write_json(f, r));
    return finish(ctx, f);
}

/* ---- CSV ---------------------------------------------------------------- */

/* A text cell that a spreadsheet would run as a formula (CSV injection:
 * Excel, LibreOffice and Sheets evaluate cells starting with = + - @, and
 * tab or CR before them) gets a leading apostrophe, which spreadsheets
 * show as text and `dyssync stats` removes again.  Numbers written as text
 * ("-12.5") are left alone: a minus sign before digits is no formula. */
static int formula_like(const char *s)
{
    if (!strchr("=+-@\t\r", s[0]) || !s[0])
        return 0;
    const char *p = s + (s[0] == '-' || s[0] == '+');
    int digits = 0;
    while (isdigit((unsigned char)*p) || *p == '.')
        digits += *p++ != '.';
    if (digits && (*p == 'e' || *p == 'E')) {
        p++;
        p += *p == '-' || *p == '+';
        while (isdigit((unsigned char)*p))
            p++;
    }
    return !digits || *p;
}

void dys_write_csv_field(FILE *f, const char *s)
{
    if (!s)
        return;
    int guard = formula_like(s);
    if (strpbrk(s, ",\"\n\r") == NULL) {
        if (guard)
            fputc('\'', f);
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (guard)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f); /* one row per line */
    }
    fputc('"', f);
}

static void csv_num(FILE *f, double x)
{
    if (isfinite(x))
        fixed_num(f, x, 2);
}

/* The lead target's segments studies.csv has a column for: the JSON
 * lists up to eight, but a lead goes to one, and the runners-up are the
 * fallbacks an implanter looks at. */
#define CSV_LEAD_TARGETS 3

/* The one-row-per-study layout of `analyze --format csv` and batch's
 * studies.csv (docs/format.md lists every column). */
dys_status dys_write_csv_header(dys_ctx *ctx, FILE *f)
{
    fputs("study_id,source,status,error,n_segments,trace", f);
    for (int i = 0; i < DYS_N_INDICES; i++)
        fprintf(f, ",%s", dys_index_get(i)->key);
    fputs(",avo_ms,avc_ms,events_source", f);
    for (int i = 0; i < DYS_N_INDICES; i++)
        if (dys_cutoff_default(i))
            fprintf(f, ",dyssynchronous_%s", dys_index_get(i)->key);
    static const char *const sets[3] = {"classic", "acc_aha_hrs_2012", "esc_2021"};
    for (int i = 0; i < 3; i++)
        fprintf(f, ",crt_%s,crt_%s_class", sets[i], sets[i]);
    fputs(",n_warnings,first_warning,null_reasons", f);
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        fprintf(f, ",ts_%s_ms", dys_segment_name(s));
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        fprintf(f, ",to_%s_ms", dys_segment_name(s));
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        fprintf(f, ",status_%s", dys_segment_name(s));
    fputs(",work_pressure,vendor_gwi_mmhg_pct,vendor_gcw_mmhg_pct,vendor_gww_mmhg_pct,"
          "vendor_gwe_pct", f);
    fputs(",duplicate_id,figure", f);
    /* Lead targeting and the factors of non-response came after the
     * table-level cells: appended, so that no earlier column moves for a
     * script reading the table by position. */
    for (int i = 1; i <= CSV_LEAD_TARGETS; i++)
        fprintf(f, ",lead_target_%d", i);
    fputs(",lead_segment,lead_concordance", f);
    for (int i = 0; i < DYS_N_RESPONSE_FACTORS; i++)
        fprintf(f, ",factor_%s", dys_response_factor_key(i));
    fputc('\n', f);
    return finish(ctx, f);
}

/* The table-level cells, which only the whole table knows (batch fills
 * them in when it assembles the table from its parts' rows). */
static void csv_extra(FILE *f, const dys_csv_extra *x)
{
    fputs(x && x->duplicate_id ? ",yes," : ",,", f);
    if (x)
        dys_write_csv_field(f, x->figure);
}

/* The lead target and the factors of non-response, from the fields the
 * JSON's lead_target and response_factors are written from; the row's
 * end. */
static void csv_lead_and_factors(FILE *f, const dys_result *r)
{
    for (int i = 0; i < CSV_LEAD_TARGETS; i++) {
        fputc(',', f);
        if (i < r->n_lead)
            dys_write_csv_field(f, dys_segment_name(r->lead[i].segment));
    }
    fputc(',', f);
    if (r->lead_segment >= 0)
        dys_write_csv_field(f, dys_segment_name(r->lead_segment));
    fputc(',', f);
    dys_write_csv_field(f, concordance_name(r->lead_concordance)); /* NULL: empty */
    for (int i = 0; i < DYS_N_RESPONSE_FACTORS; i++) {
        fputc(',', f);
        if (i < r->n_response_factors)
            fputs(factor_state_name(r->response_factor[i].state), f);
    }
    fputc('\n', f);
}

static void write_csv_row(FILE *f, const dys_result *r, const dys_csv_extra *x)
{
    dys_write_csv_field(f, r->study_id);
    fputc(',', f);
    dys_write_csv_field(f, r->source);
    fprintf(f, ",ok,,%d,%s", r->n_segments,
            dys_trace_description(r->trace, r->strain_direction));
    for (int i = 0; i < DYS_N_INDICES; i++) {
        fputc(',', f);
        if (isfinite(r->index[i]))
            fixed_num(f, r->index[i], index_decimals(i, 2));
    }
    fputc(',', f);
    csv_num(f, r->avo_ms);
    fputc(',', f);
    csv_num(f, r->avc_ms);
    fprintf(f, ",%s", provenance_name(r->events_source));
    for (int i = 0; i < DYS_N_INDICES; i++) {
        if (!dys_cutoff_default(i))
            continue;
        const dys_class *k = NULL;
        for (int c = 0; c < r->n_class; c++)
            if (r->classification[c].index == i)
                k = &r->classification[c];
        /* a cut-off validated elsewhere (SPECT phase) is not a verdict */
        fputs(k && k->reference_only && !isnan(k->value) ? ",reference_only"
              : !k || k->dyssynchronous < 0 ? ","
              : k->borderline             ? ",borderline"
              : k->dyssynchronous         ? ",yes"
                                          : ",no", f);
    }
    for (int i = 0; i < 3; i++) {
        const dys_eligibility *e = &r->crt[i];
        fprintf(f, ",%s,%s",
                e->eligible > 0 ? "eligible" : e->eligible == 0 ? "not_eligible" : "unknown",
                e->cls ? e->cls : "");
    }
    fprintf(f, ",%zu,", r->n_warnings);
    dys_write_csv_field(f, r->n_warnings ? r->warnings[0] : "");
    fputc(',', f);
    char causes[DYS_N_INDICES][DYS_NULL_CAUSE_MAX];
    int nc = dys_null_causes(r, causes, DYS_N_INDICES);
    char all[4096];
    size_t n = 0;
    all[0] = '\0';
    for (int i = 0; i < nc && n < sizeof all; i++)
        n += (size_t)snprintf(all + n, sizeof all - n, "%s%s", i ? " | " : "", causes[i]);
    dys_write_csv_field(f, all);
    /* Every row has the 18 segments' columns, so that one table (a batch of
     * 12- and 18-segment studies) has fixed columns; a 12-segment study's
     * apical cells are empty, its status too: not "missing", since the
     * study was never of the 18-segment model. */
    for (int s = 0; s < DYS_N_SEGMENTS; s++) {
        fputc(',', f);
        csv_num(f, r->seg[s].status == DYS_SEG_MISSING ? NAN : r->seg[s].ts_ms);
    }
    for (int s = 0; s < DYS_N_SEGMENTS; s++) {
        fputc(',', f);
        csv_num(f, r->seg[s].status == DYS_SEG_MISSING ? NAN : r->seg[s].to_ms);
    }
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        fprintf(f, ",%s", s < model_segments(r) ? dys_seg_status_name(r->seg[s].status) : "");
    /* myocardial work: where the pressure came from, the export's globals */
    const dys_work_result *w = &r->work;
    fprintf(f, ",%s", w->pressure == DYS_PRESSURE_MEASURED    ? "measured"
                      : w->pressure == DYS_PRESSURE_ESTIMATED ? "estimated"
                                                              : "");
    const double vg[4] = {w->vendor_gwi_mmhg_pct, w->vendor_gcw_mmhg_pct,
                          w->vendor_gww_mmhg_pct, w->vendor_gwe_pct};
    for (int e = 0; e < 4; e++) {
        fputc(',', f);
        csv_num(f, w->has_vendor ? vg[e] : NAN);
    }
    csv_extra(f, x);
    csv_lead_and_factors(f, r);
}

dys_status dys_write_csv_row(dys_ctx *ctx, FILE *f, const dys_result *r, const dys_csv_extra *x)
{
    WITH_C_LOCALE(ctx, write_csv_row(f, r, x));
    return finish(ctx, f);
}

/* One row per study and segment (batch's segments.csv): the segment's
 * measures, its beats, flags and the reason for its status. */
dys_status dys_write_segments_csv_header(dys_ctx *ctx, FILE *f)
{
    fputs("study_id,segment,aha,view,status,ts_ms,to_ms,peak_velocity_cm_s,ts_beat_sd_ms,"
          "phase_deg,strain_ttp_ms,peak_strain_pct,work_index_mmhg_pct,"
          "constructive_work_mmhg_pct,wasted_work_mmhg_pct,work_efficiency_pct,n_beats,flags,"
          "reason\n", f);
    return finish(ctx, f);
}

static void write_segments_csv_rows(FILE *f, const dys_result *r)
{
    for (int s = 0; s < model_segments(r); s++) {
        const dys_segment_result *g = &r->seg[s];
        int miss = g->status == DYS_SEG_MISSING;
        dys_write_csv_field(f, r->study_id);
        fprintf(f, ",%s,%d,%s,%s", dys_segment_name(s), s + 1, segment_view_name(r, s),
                dys_seg_status_name(g->status));
        const double v[] = {g->ts_ms, g->to_ms, g->peak_cm_s, g->ts_beat_sd_ms, g->phase_deg,
                            g->strain_ttp_ms, g->peak_strain_pct};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc(',', f);
            csv_num(f, miss ? NAN : v[k]);
        }
        double wv[4];
        segment_work(g, wv);
        for (int k = 0; k < 4; k++) {
            fputc(',', f);
            csv_num(f, wv[k]);
        }
        fprintf(f, ",%d,", g->n_beats);
        char flags[160];
        dys_flags_text(g->flags, flags, sizeof flags);
        dys_write_csv_field(f, flags);
        fputc(',', f);
        dys_write_csv_field(f, g->reason);
        fputc('\n', f);
    }
}

dys_status dys_write_segments_csv_rows(dys_ctx *ctx, FILE *f, const dys_result *r)
{
    WITH_C_LOCALE(ctx, write_segments_csv_rows(f, r));
    return finish(ctx, f);
}

/* Columns between n_segments and the last two, left empty in an error row:
 * the trace, the indices, the events (3), the classifications, the CRT
 * sets (6), the warnings (3), the segments (3 x 18) and the work (5). */
static int csv_middle_columns(void)
{
    int n = 1 + DYS_N_INDICES + 3 + 6 + 3 + 3 * DYS_N_SEGMENTS + 5;
    for (int i = 0; i < DYS_N_INDICES; i++)
        n += dys_cutoff_default(i) != NULL;
    return n;
}

dys_status dys_write_csv_error_row(dys_ctx *ctx, FILE *f, const char *source, const char *message,
                                   const dys_csv_extra *x)
{
    fputc(',', f);
    dys_write_csv_field(f, source);
    fputs(",error,", f);
    dys_write_csv_field(f, message);
    fputc(',', f); /* n_segments */
    for (int i = csv_middle_columns(); i > 0; i--)
        fputc(',', f);
    csv_extra(f, x);
    for (int i = CSV_LEAD_TARGETS + 2 + DYS_N_RESPONSE_FACTORS; i > 0; i--)
        fputc(',', f); /* the lead target and the factors */
    fputc('\n', f);
    return finish(ctx, f);
}

/* ---- text report ---------------------------------------------------------- */

/* A number for the report's columns.  The readers drop impossible samples
 * (plausible.c), but a ratio over a tiny denominator can still be large:
 * beyond 1e6 it is written as %.3g ("2.96e+14"), never as a run of digits
 * that reads like a measurement. */
static void report_num(char *buf, size_t cap, double x, int decimals)
{
    if (fabs(x) >= 1e6)
        snprintf(buf, cap, "%.3g", x);
    else
        snprintf(buf, cap, "%.*f", decimals, x);
}

/* The text report is cut along its sections, in their order. */

/* The study, its ejection window (the study's or each view's) and the
 * options that matter most when reading the numbers. */
static void text_window(FILE *f, const dys_result *r)
{
    char lp[32];
    fprintf(f, "Study %s  (%s)\n", r->study_id, r->source);
    fprintf(f, "Curves: %s\n", dys_trace_description(r->trace, r->strain_direction));
    if (!r->events_per_view)
        fprintf(f, "Ejection window: AVO %.0f ms, AVC %.0f ms from QRS onset (%s: %s)\n",
                r->avo_ms, r->avc_ms, provenance_name(r->events_source), r->events_method);
    else {
        fputs("Ejection window per view, ms from its QRS onsets:\n", f);
        for (size_t i = 0; i < r->n_rec; i++) {
            const dys_result_rec *q = &r->rec[i];
            fprintf(f, "  %-6s AVO %4.0f  %s: %s\n", dys_view_name(q->view), q->avo_ms,
                    provenance_name(q->avo_source), q->avo_method);
            fprintf(f, "         AVC %4.0f  %s: %s\n", q->avc_ms,
                    provenance_name(q->avc_source), q->avc_method);
        }
    }
    char ix[1024];
    fprintf(f, "Options: low-pass %s, peak %s, SD %s",
            lowpass_text(r->params.lowpass_hz, lp, sizeof lp),
            r->params.peak == DYS_PEAK_MAX ? "max" : "first",
            r->params.sd == DYS_SD_SAMPLE ? "sample (n-1)" : "population (n)");
    /* only when some were left out: the defaults' report is as it was */
    if (dys_indices_text(r->params.indices, ix, sizeof ix) > 0)
        fprintf(f, ", indices %s (the others not requested)", ix);
    fputc('\n', f);
}

/* A contour recording: what its curves are, the reference and drift
 * frames and why, and its global strain peak. */
static void text_recording_contour(FILE *f, const dys_result_rec *q)
{
    const dys_contour_info *c = &q->contour;
    if (c->from_contour) {
        fprintf(f, "  contour: View=%s, %zu knots; curves: %s\n", c->view, c->n_knots,
                c->curves);
        fprintf(f, "  reference: %s; drift correction: %s\n", c->reference, c->drift);
    }
    if (isfinite(q->global_strain_peak_pct))
        fprintf(f, "  global strain peak: %.2f %%\n", q->global_strain_peak_pct);
}

/* Per recording: its QRS onsets, where they come from, and every beat
 * left out with why. */
static void text_beats(FILE *f, const dys_result *r)
{
    for (size_t i = 0; i < r->n_rec; i++) {
        const dys_beat_list *bl = &r->rec[i].beats;
        size_t used = 0;
        for (size_t b = 0; b < bl->n; b++)
            used += bl->beat[b].accepted != 0;
        if (r->rec[i].view != DYS_VIEW_UNKNOWN)
            fprintf(f, "Beats: %s %s: ", dys_view_name(r->rec[i].view), r->rec[i].source);
        else
            fprintf(f, "Beats: ");
        fprintf(f, "%zu QRS onset%s %s, %zu analysed", bl->n, bl->n == 1 ? "" : "s",
                dys_onset_source_phrase(bl->source), used);
        if (isfinite(bl->hr_bpm))
            fprintf(f, ", heart rate %.0f bpm", bl->hr_bpm);
        fputc('\n', f);
        for (size_t b = 0; b < bl->n; b++)
            if (!bl->beat[b].accepted)
                fprintf(f, "  beat %zu (QRS onset %.0f ms) not analysed: %s\n", b + 1,
                        bl->beat[b].onset_ms, bl->beat[b].why);
        char all[300];
        if (dys_beats_all_rejected(bl, all, sizeof all))
            fprintf(f, "  ! %s: no segment of this view is measured\n", all);
        text_recording_contour(f, &r->rec[i]);
    }
}

/* The segments (12, or 18 with the apical ring): Ts, its beat SD, To and
 * S' (velocity) or the times and peaks of strain, with flags and reasons.
 * The first column is headed AHA for the 12 (their AHA numbers) and No.
 * for the 18, whose apical 13-18 are not AHA's 13-17. */
static void text_segments(FILE *f, const dys_result *r, int strain)
{
    fprintf(f, "\n  %s  Segment               View   Status        %s\n",
            model_segments(r) == DYS_N_SEGMENTS ? "No." : "AHA",
            strain ? "TTP ms  TTP-ES  Peak %   PSI %  Note"
                   : " Ts ms  SD ms   To ms  S' cm/s  Note");
    for (int s = 0; s < model_segments(r); s++) {
        const dys_segment_result *g = &r->seg[s];
        char name[32], c1[16] = "-", c2[16] = "-", c3[16] = "-", c4[16] = "-", note[200] = "";
        snprintf(name, sizeof name, "%s", dys_segment_name(s));
        for (char *c = name; *c; c++)
            if (*c == '_')
                *c = ' ';
        /* Ts, its beat SD, To, S'; or for strain: time to peak strain over
         * the cycle and in ejection, peak strain, post-systolic index */
        const double v[4] = {strain ? g->strain_ttp_ms : g->ts_ms,
                             strain ? g->strain_ttp_es_ms : g->ts_beat_sd_ms,
                             strain ? g->peak_strain_pct : g->to_ms,
                             strain ? g->strain_psi_pct : g->peak_cm_s};
        char *cell[4] = {c1, c2, c3, c4};
        for (int k = 0; k < 4; k++)
            if (g->status != DYS_SEG_MISSING && isfinite(v[k]))
                report_num(cell[k], 16, v[k], k == 3 && !strain ? 2 : 1);
        size_t n = dys_flags_text(g->flags, note, sizeof note);
        if (g->status != DYS_SEG_OK && g->reason[0] && n < sizeof note)
            snprintf(note + n, sizeof note - n, "%s%s", n ? ": " : "", g->reason);
        fprintf(f, "  %3d  %-21s %-6s %-13s %6s %6s  %6s  %7s%s%s\n", s + 1, name,
                segment_view_name(r, s), dys_seg_status_name(g->status), c1, c2, c3, c4,
                note[0] ? "  " : "", note);
    }
}

/* The indices that apply to the trace, each against its cut-off. */
static void text_indices(FILE *f, const dys_result *r)
{
    fprintf(f, "\n  Index                              Value  Cut-off       Source\n");
    /* by section (dys_group_name), each under its name when it has a row */
    for (int g = 0; dys_group_name(g); g++)
    for (int i = 0, named = 0; i < DYS_N_INDICES; i++) {
        /* the work indices are in their own section (text_work); an index
         * whose input the study never gives (Doppler timing, contours) would
         * only be a null row, as in the report figure */
        if (dys_index_group(i) != g || !dys_index_applies(i, r->trace) ||
            !strcmp(dys_index_family(i), "work") || dys_index_unasked(r, i))
            continue;
        if (!named++)
            fprintf(f, "  %c%s\n", toupper((unsigned char)dys_group_name(g)[0]),
                    dys_group_name(g) + 1);
        const dys_index_info *info = dys_index_get(i);
        const dys_class *k = NULL;
        for (int c = 0; c < r->n_class; c++)
            if (r->classification[c].index == i)
                k = &r->classification[c];
        char v[16] = "null", cut[32] = "-";
        if (isfinite(r->index[i]))
            report_num(v, sizeof v, r->index[i], index_decimals(i, 1));
        if (k)
            snprintf(cut, sizeof cut, "%s%g%s%s%s", k->on_abs ? "|x|>=" : ">=", k->cutoff,
                     k->dyssynchronous == 1 ? " *" : "", k->borderline ? " ~" : "",
                     k->reference_only ? " ref" : "");
        if (k && k->reference_only)
            fprintf(f, "    %-31s %7s  %-13s %s [reference only: %s]\n", info->key, v, cut,
                    k->source, k->validity);
        else if (k)
            fprintf(f, "    %-31s %7s  %-13s %s\n", info->key, v, cut, k->source);
        else
            fprintf(f, "    %-31s %7s  %s\n", info->key, v, cut);
    }
    fprintf(f, "  %-33s %7d\n", "n_segments", r->n_segments);
    fprintf(f, "  (* at or above the cut-off; ~ within %.0f %% of it: borderline; ref: a "
               "cut-off not validated for this measurement, shown for reference, never "
               "classifies)\n", 100.0 * DYS_BORDERLINE_FRAC);
}

/* The LBBB pattern's criteria and the septal flash, each with what it
 * was decided on; nothing when the markers were not looked for or none
 * could be measured. */
static void text_lbbb(FILE *f, const dys_result *r)
{
    const dys_lbbb_result *m = &r->lbbb_markers;
    if (!m->computed || (isnan(m->sept_peak_ms) && isnan(m->flash_shortening_pct)))
        return;
    double pat = r->index[DYS_IDX_LBBB_PATTERN];
    fprintf(f, "\nLBBB contraction pattern (Risum 2015; septum and lateral wall, %d beat%s): "
               "%s\n", m->n_beats, m->n_beats == 1 ? "" : "s",
            isnan(pat) ? "unknown" : pat > 0 ? "typical" : "not typical");
    for (int c = 0; c < 3; c++) {
        char v[160];
        if (c == 0)
            snprintf(v, sizeof v, "septum shortens %.2f %%, lateral wall stretches %.2f %% by "
                     "%.0f ms", m->sept_early_shortening_pct, m->lat_early_stretch_pct,
                     m->early_end_ms);
        else if (c == 1)
            snprintf(v, sizeof v, "septal peak at %.0f ms, %.0f %% into ejection",
                     m->sept_peak_ms, m->sept_peak_ejection_pct);
        else
            snprintf(v, sizeof v, "lateral peak at %.0f ms, AVC %.0f ms", m->lat_peak_ms,
                     m->avc_ms);
        fprintf(f, "  %d. %-57s %-4s (%s)\n", c + 1, lbbb_criteria[c],
                m->criterion[c] < 0 ? "?" : m->criterion[c] ? "yes" : "no", v);
    }
    double fl = r->index[DYS_IDX_SEPTAL_FLASH];
    fprintf(f, "Septal flash (Parsai 2009): %s (before AVO: shortening %.2f %%, then "
               "re-lengthening %.2f %%, lowest at %.0f ms)\n",
            isnan(fl) ? "unknown" : fl > 0 ? "yes" : "no", m->flash_shortening_pct,
            m->flash_relengthening_pct, m->flash_time_ms);
}

/* Myocardial work: what the pressure was, each segment's work beside
 * the export's, the global indices and their differences.  Nothing for a
 * study that gives no work input. */
static void text_work(FILE *f, const dys_result *r)
{
    const dys_work_result *w = &r->work;
    if (r->trace != DYS_TRACE_STRAIN || (!w->attempted && w->pressure == DYS_PRESSURE_NONE))
        return;
    if (w->pressure == DYS_PRESSURE_NONE) {
        fprintf(f, "\nMyocardial work: not computed: %s\n", w->reason);
        return;
    }
    const char *who = w->has_vendor && w->vendor_software[0] ? w->vendor_software : "export";
    fprintf(f, "\nMyocardial work (Russell 2012; docs/indices.md)\n  LV pressure: %s, peak %.0f "
               "mmHg", w->pressure_text, w->peak_pressure_mmhg);
    if (isfinite(w->systolic_bp_mmhg))
        fprintf(f, "; cuff %.0f", w->systolic_bp_mmhg);
    if (isfinite(w->systolic_bp_mmhg) && isfinite(w->diastolic_bp_mmhg))
        fprintf(f, "/%.0f", w->diastolic_bp_mmhg);
    if (isfinite(w->systolic_bp_mmhg))
        fputs(" mmHg", f);
    fprintf(f, "\n  Cycle: MVC %.0f, AVO %.0f, AVC %.0f, MVO %.0f ms from QRS onset (systole "
               "MVC..AVC, isovolumic relaxation AVC..MVO)\n", w->mvc_ms, w->avo_ms, w->avc_ms,
            w->mvo_ms);
    fprintf(f, "\n  %s  Segment                 WI mmHg%%  CW mmHg%%  WW mmHg%%  WE %%",
            model_segments(r) == DYS_N_SEGMENTS ? "No." : "AHA");
    if (w->has_vendor)
        fprintf(f, "  |  %s: %6s %6s %6s %5s %8s", who, "WI", "CW", "WW", "WE %", "WI diff");
    fputc('\n', f);
    for (int s = 0; s < model_segments(r); s++) {
        double a[4], b[4];
        segment_work(&r->seg[s], a);
        vendor_segment_work(w, s, b);
        char name[32], c[4][16], v[4][16], d[16] = "-";
        snprintf(name, sizeof name, "%s", dys_segment_name(s));
        for (char *ch = name; *ch; ch++)
            if (*ch == '_')
                *ch = ' ';
        for (int k = 0; k < 4; k++) {
            snprintf(c[k], 16, "-");
            snprintf(v[k], 16, "-");
            if (isfinite(a[k]))
                report_num(c[k], 16, a[k], k == 3 ? 1 : 0);
            if (isfinite(b[k]))
                report_num(v[k], 16, b[k], 0);
        }
        if (isfinite(a[0]) && isfinite(b[0]))
            snprintf(d, sizeof d, "%+.0f", a[0] - b[0]);
        fprintf(f, "  %3d  %-21s %9s %9s %9s %5s", s + 1, name, c[0], c[1], c[2], c[3]);
        if (w->has_vendor)
            fprintf(f, "  |  %*s %6s %6s %6s %5s %8s", (int)strlen(who) + 1, "", v[0], v[1],
                    v[2], v[3], d);
        if (!isfinite(a[0]) && r->seg[s].work_reason[0])
            fprintf(f, "  %s", r->seg[s].work_reason);
        fputc('\n', f);
    }
    fprintf(f, "\n  %-33s %9s", "Index", "dyssync");
    if (w->has_vendor)
        fprintf(f, " %10s  difference", who);
    fputc('\n', f);
    const double theirs[4] = {w->vendor_gwi_mmhg_pct, w->vendor_gcw_mmhg_pct,
                              w->vendor_gww_mmhg_pct, w->vendor_gwe_pct};
    /* the work family: the globals beside the export's, then the
     * asymmetry indices, which no export reports */
    for (int i = DYS_IDX_GWI; i < DYS_N_INDICES && !strcmp(dys_index_family(i), "work"); i++) {
        double x = r->index[i], y = i <= DYS_IDX_GWE ? theirs[i - DYS_IDX_GWI] : NAN;
        char v[16] = "null", u[16] = "-", d[48] = "-";
        if (isfinite(x))
            report_num(v, sizeof v, x, 1);
        if (isfinite(y))
            report_num(u, sizeof u, y, 1);
        if (isfinite(x) && isfinite(y)) {
            if (i == DYS_IDX_GWE)
                snprintf(d, sizeof d, "%+.1f points", x - y);
            else
                snprintf(d, sizeof d, "%+.1f (%+.1f %%)", x - y,
                         y != 0 ? 100.0 * (x - y) / y : NAN);
        }
        fprintf(f, "  %-33s %9s", dys_index_get(i)->key, v);
        if (w->has_vendor)
            fprintf(f, " %10s  %s", u, d);
        if (!isfinite(x) && r->index_reason[i][0])
            fprintf(f, "  (%s)", r->index_reason[i]);
        for (int c = 0; c < r->n_class; c++) /* a work cut-off is reference only */
            if (r->classification[c].index == i && r->classification[c].reference_only)
                fprintf(f, "  [reference cut-off %g: %s; %s]", r->classification[c].cutoff,
                        r->classification[c].source, r->classification[c].validity);
        fputc('\n', f);
    }
    fputs("  (WI: work index, MVC..MVO; CW, WW: constructive, wasted work; WE: CW / (CW + WW); "
          "gwe_pct: GCW / (GCW + GWW); septal: AHA 2, 3, 8, 9, 14, 15, lateral: 5, 6, 11, "
          "12, 17, 18)\n", f);
    if (isfinite(w->trace_diff_max_pct))
        fprintf(f, "  Work curves: dyssync's cumulative work against %s's, largest difference "
                   "%.2f %% of the curve's range (the worst segment)\n", who,
                w->trace_diff_max_pct);
}

/* The inputs of the criteria, then each set's verdict. */
static void text_eligibility(FILE *f, const dys_result *r)
{
    char in[160];
    size_t n = 0;
    in[0] = '\0';
    if (isfinite(r->lvef_pct))
        n += (size_t)snprintf(in + n, sizeof in - n, "LVEF %.0f %%", r->lvef_pct);
    if (isfinite(r->qrs_duration_ms))
        n += (size_t)snprintf(in + n, sizeof in - n, "%sQRS %.0f ms", n ? ", " : "",
                              r->qrs_duration_ms);
    if (r->lbbb >= 0)
        n += (size_t)snprintf(in + n, sizeof in - n, "%sLBBB %s", n ? ", " : "",
                              r->lbbb ? "yes" : "no");
    static const char *const roman[] = {"I", "II", "III", "IV"};
    if (r->nyha >= 1 && r->nyha <= 4)
        snprintf(in + n, sizeof in - n, "%sNYHA %s", n ? ", " : "", roman[r->nyha - 1]);
    fprintf(f, "\nCRT eligibility (decision support, not a verdict%s%s):\n", in[0] ? "; " : "",
            in);
    static const char *const label[] = {"classic", "ACC/AHA/HRS 2012", "ESC 2021"};
    for (int i = 0; i < 3; i++) {
        const dys_eligibility *e = &r->crt[i];
        char verdict[32];
        if (e->eligible < 0)
            snprintf(verdict, sizeof verdict, "unknown");
        else if (e->cls)
            snprintf(verdict, sizeof verdict, "class %s", e->cls);
        else
            snprintf(verdict, sizeof verdict, "%s", e->eligible ? "eligible" : "not eligible");
        fprintf(f, "  %-17s %-13s %s\n", label[i], verdict, e->note);
    }
    if (r->echocrt_warning[0])
        fprintf(f, "  ! %s\n", r->echocrt_warning);
}

/* The LV lead target (by Ts, or by TTP for strain) with its ranking and
 * the segments left out, the implanted lead, the factors of
 * non-response, then the warnings. */
static void text_lead_warnings(FILE *f, const dys_result *r, int strain)
{
    fputs("LV lead target (latest reachable segments, within 20 ms of the latest):", f);
    if (r->n_lead == 0)
        fprintf(f, " none (%s)", r->lead_none_reason);
    for (int i = 0; i < r->n_lead; i++)
        fprintf(f, "%s %s (%s %.0f ms, +%.0f ms)", i ? "," : "",
                dys_segment_name(r->lead[i].segment), strain ? "TTP" : "Ts", r->lead[i].ts_ms,
                r->lead[i].delay_ms);
    fputc('\n', f);
    for (int i = 0; i < r->n_lead; i++)
        fprintf(f, "  %d. %s: %s\n", i + 1, dys_segment_name(r->lead[i].segment),
                r->lead[i].reason);
    for (int i = 0; i < r->n_lead_excluded; i++)
        fprintf(f, "  left out: %s: %s\n", dys_segment_name(r->lead_excluded[i].segment),
                r->lead_excluded[i].reason);
    if (r->lead_concordance_note[0])
        fprintf(f, "  implanted %s\n", r->lead_concordance_note);
    fputs("\nResponse factors (known factors of CRT non-response; no score):\n", f);
    for (int i = 0; i < r->n_response_factors; i++) {
        const dys_response_factor *x = &r->response_factor[i];
        fprintf(f, "  %-8s %s: %s\n", factor_state_name(x->state), x->label, x->value);
        if (x->state > 0)
            fprintf(f, "           source: %s\n", x->source);
    }
    if (r->n_warnings) {
        fputs("\nWarnings:\n", f);
        for (size_t i = 0; i < r->n_warnings; i++)
            fprintf(f, "  - %s\n", r->warnings[i]);
    }
}

static void write_text(FILE *f, const dys_result *r)
{
    int strain = r->trace == DYS_TRACE_STRAIN;
    text_window(f, r);
    text_beats(f, r);
    text_segments(f, r, strain);
    text_indices(f, r);
    text_lbbb(f, r);
    text_work(f, r);
    text_eligibility(f, r);
    text_lead_warnings(f, r, strain);
}

dys_status dys_write_text(dys_ctx *ctx, FILE *f, const dys_result *r)
{
    WITH_C_LOCALE(ctx, write_text(f, r));
    return finish(ctx, f);
}
