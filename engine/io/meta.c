/*
 * meta.c - the metadata rules of docs/format.md: the known keys with the
 * values each accepts, which are per view file and which per study, the
 * checks that files of one study agree, and the QRS onsets list.  Every
 * "key: value" line of either reader goes through dys_meta_apply.
 */
#include "study_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- metadata ----------------------------------------------------------- */

enum key_kind { K_TEXT, K_NUMBER, K_LIST, K_VIEW, K_NYHA, K_YESNO, K_TRACE, K_UNIT,
                /* lead targeting (the anatomy rules below) */
                K_SCAR, K_SEGLIST, K_SEGMENT, K_TABLE, K_AETIOLOGY, K_RHYTHM,
                /* device settings (dyssync optimise) */
                K_PACING };

static const struct {
    const char *key;
    enum key_kind kind;
    int view_level;
    double lo, hi;        /* plausible range for numbers */
    const char *unit;     /* optional unit after a number */
    const char *expected; /* for the error message */
} known_keys[] = {
    {"study_id", K_TEXT, 0, 0, 0, NULL, "a non-empty identifier"},
    {"view", K_VIEW, 1, 0, 0, NULL,
     "A4C, A2C or APLAX (or 4CH, AP4, 2CH, AP2, A3C, 3CH, ALAX, LAX)"},
    {"avo_ms", K_NUMBER, 0, -200, 1000, "ms", "a time in ms"},
    {"avc_ms", K_NUMBER, 0, 0, 2000, "ms", "a time in ms"},
    {"qrs_onset_ms", K_NUMBER, 1, -1e7, 1e7, "ms", "a time in ms"},
    {"qrs_onsets_ms", K_LIST, 1, -1e7, 1e7, "ms",
     "times in ms separated by commas or spaces"},
    {"hr_bpm", K_NUMBER, 0, 20, 300, "bpm", "a heart rate in bpm"},
    {"rr_ms", K_NUMBER, 0, 200, 3000, "ms", "an RR interval in ms"},
    {"qrs_duration_ms", K_NUMBER, 0, 40, 400, "ms", "a QRS width in ms"},
    {"lvef_pct", K_NUMBER, 0, 1, 95, "%", "an ejection fraction in %"},
    {"nyha", K_NYHA, 0, 0, 0, NULL, "I, II, III, IV or 1-4"},
    {"lbbb", K_YESNO, 0, 0, 0, NULL, "yes or no"},
    {"trace", K_TRACE, 0, 0, 0, NULL, "velocity or strain"},
    {"velocity_unit", K_UNIT, 0, 0, 0, NULL, "cm/s, mm/s or m/s"},
    {"frame_rate_hz", K_NUMBER, 0, 1, 5000, "hz", "a frame rate in Hz"},
    /* myocardial work (work.c): the cuff pressures and the mitral valve
     * events, one set for every view */
    {"systolic_bp_mmhg", K_NUMBER, 0, 40, 300, "mmhg", "a systolic pressure in mmHg"},
    {"diastolic_bp_mmhg", K_NUMBER, 0, 10, 200, "mmhg", "a diastolic pressure in mmHg"},
    {"mvc_ms", K_NUMBER, 0, -200, 1000, "ms", "a time in ms"},
    {"mvo_ms", K_NUMBER, 0, 0, 2000, "ms", "a time in ms"},
    /* Doppler and M-mode timing (the doppler indices), one set per
     * study.  The ranges hold every published patient (LV PEP about 60 ms
     * in health to well over 200 in LBBB) and refuse what is not a
     * pre-ejection period: a negative time, or one longer than systole. */
    {"lv_pep_ms", K_NUMBER, 0, 20, 400, "ms", "a pre-ejection period in ms"},
    {"rv_pep_ms", K_NUMBER, 0, 20, 400, "ms", "a pre-ejection period in ms"},
    {"spwmd_ms", K_NUMBER, 0, 0, 600, "ms", "a wall motion delay in ms (0 or more)"},
    {"filling_time_pct_rr", K_NUMBER, 0, 5, 95, "%", "a filling time in % of the RR"},
    /* Lead targeting and the factors of non-response (eligibility.c),
     * one set per study.  TAPSE and RV S' ranges hold every published
     * patient and refuse a value in another unit (cm for TAPSE, m/s). */
    {"scar", K_SCAR, 0, 0, 0, NULL,
     "none, or segment=grade items separated by commas (grade: none, non-transmural, "
     "transmural or a % of the wall)"},
    {"vein_segments", K_SEGLIST, 0, 0, 0, NULL,
     "none, or segment names separated by commas"},
    {"lead_segment", K_SEGMENT, 0, 0, 0, NULL, "a segment name (basal_anterolateral, seg6...)"},
    {"segment_table", K_TABLE, 0, 0, 0, NULL, "the path of a CSV file (segment, scar, vein)"},
    {"tapse_mm", K_NUMBER, 0, 2, 50, "mm", "a TAPSE in mm"},
    {"rv_s_prime_cm_s", K_NUMBER, 0, 1, 40, "cm/s", "an RV S' velocity in cm/s"},
    {"aetiology", K_AETIOLOGY, 0, 0, 0, NULL, "ischaemic or non-ischaemic"},
    {"rhythm", K_RHYTHM, 0, 0, 0, NULL, "sinus or af (atrial fibrillation)"},
    /* CRT device settings (dyssync optimise): one study per setting of
     * one patient.  The ranges hold what devices program (AV 50-300 ms,
     * VV within +-80 ms) with room, and refuse what no device programs: a
     * non-positive AV delay, a VV offset longer than a QRS.  vv_delay_ms
     * is signed, positive when the LV is paced first. */
    {"av_delay_ms", K_NUMBER, 0, 10, 500, "ms", "an AV delay in ms"},
    {"vv_delay_ms", K_NUMBER, 0, -200, 200, "ms",
     "a VV delay in ms, positive when the LV is paced first"},
    {"pacing_mode", K_PACING, 0, 0, 0, NULL, "off, biv, lv or rv"},
    {"lvot_vti_cm", K_NUMBER, 0, 1, 60, "cm", "an LVOT velocity-time integral in cm"},
    {"mitral_vti_cm", K_NUMBER, 0, 1, 60, "cm", "a mitral inflow velocity-time integral in cm"},
    {"e_a_fused", K_YESNO, 0, 0, 0, NULL, "yes or no"},
    {"reference_setting", K_YESNO, 0, 0, 0, NULL, "yes or no"},
    {"patient_id", K_TEXT, 0, 0, 0, NULL, "a non-empty identifier"},
};
#define N_KNOWN_KEYS (sizeof known_keys / sizeof known_keys[0])

static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

static int lookup(const char *norm, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(norm, names[i]) == 0)
            return i;
    return -1;
}

/* What a value of known key ki means, as a number (view, class, flag,
 * scale...).  Returns 0 when the value is valid.  Text and lists: 0. */
static int meta_value(locale_t loc, size_t ki, const char *v, size_t n,
                      double *x)
{
    char norm[64];
    dys_normalise_name(v, n, norm, sizeof norm);
    *x = 0;
    switch (known_keys[ki].kind) {
    case K_TEXT:
    case K_LIST:
    case K_SCAR:    /* the lists are read item by item in apply_anatomy */
    case K_SEGLIST:
    case K_TABLE:
        return n ? 0 : -1;
    case K_SEGMENT: {
        char tmp[96];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(n < 95 ? n : 95), v);
        *x = dys_segment_from_name(tmp);
        return *x >= 0 ? 0 : -1;
    }
    case K_AETIOLOGY: {
        /* both spellings: a report may come from either side of the sea */
        static const char *const ae[] = {"non_ischaemic", "ischaemic", "non_ischemic",
                                         "ischemic"};
        int c = lookup(norm, ae, 4);
        *x = c < 0 ? 0 : c % 2 ? DYS_AETIOLOGY_ISCHAEMIC : DYS_AETIOLOGY_NON_ISCHAEMIC;
        return c >= 0 ? 0 : -1;
    }
    case K_RHYTHM: {
        static const char *const rh[] = {"sinus", "af", "atrial_fibrillation"};
        int c = lookup(norm, rh, 3);
        *x = c < 0 ? 0 : c ? DYS_RHYTHM_AF : DYS_RHYTHM_SINUS;
        return c >= 0 ? 0 : -1;
    }
    case K_NUMBER: {
        /* a number, optionally followed by its unit ("72 bpm") */
        size_t k = 0;
        while (k < n && !isspace((unsigned char)v[k]))
            k++;
        if (k < n) {
            const char *u = v + k;
            size_t ul = n - k;
            trim(&u, &ul);
            char nu[16];
            dys_normalise_name(u, ul, nu, sizeof nu);
            if (strcmp(nu, known_keys[ki].unit) != 0)
                return -1;
        }
        return dys_parse_number(v, k, 1, loc, x) == 0 && isfinite(*x) ? 0 : -1;
    }
    case K_VIEW: {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(n < 63 ? n : 63), v);
        *x = dys_view_from_name(tmp);
        return *x != DYS_VIEW_UNKNOWN ? 0 : -1;
    }
    case K_NYHA: {
        static const char *const roman[] = {"i", "ii", "iii", "iv"};
        static const char *const arabic[] = {"1", "2", "3", "4"};
        int c = lookup(norm, roman, 4);
        if (c < 0)
            c = lookup(norm, arabic, 4);
        *x = c + 1;
        return c >= 0 ? 0 : -1;
    }
    case K_YESNO: {
        static const char *const yn[] = {"no", "yes"};
        int c = lookup(norm, yn, 2);
        *x = c;
        return c >= 0 ? 0 : -1;
    }
    case K_TRACE: {
        static const char *const tr[] = {"velocity", "strain"};
        int c = lookup(norm, tr, 2);
        *x = c;
        return c >= 0 ? 0 : -1;
    }
    case K_UNIT: {
        static const char *const un[] = {"cm/s", "mm/s", "m/s"};
        static const double scale[] = {1.0, 0.1, 100.0};
        int c = lookup(norm, un, 3);
        *x = c >= 0 ? scale[c] : NAN;
        return c >= 0 ? 0 : -1;
    }
    case K_PACING: {
        /* dys_pacing_mode's order */
        static const char *const pm[] = {"off", "biv", "lv", "rv"};
        int c = lookup(norm, pm, 4);
        *x = c + 1;
        return c >= 0 ? 0 : -1;
    }
    }
    return -1;
}

static dys_meta *meta_find(dys_study *s, const char *key, const char *file)
{
    for (size_t i = 0; i < s->n_meta; i++)
        if (strcmp(s->meta[i].key, key) == 0 &&
            (!file || strcmp(s->meta[i].file, file) == 0))
            return &s->meta[i];
    return NULL;
}

static dys_status meta_add(dys_reader *r, const char *key, const char *val,
                           size_t vlen, int line)
{
    dys_study *s = r->study;
    dys_meta *nm = realloc(s->meta, (s->n_meta + 1) * sizeof *nm);
    if (!nm)
        return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    s->meta = nm;
    dys_meta *m = &nm[s->n_meta];
    m->key = dys_strdup(key);
    m->value = dys_strndup(val, vlen);
    m->file = dys_strdup(r->path);
    m->line = line;
    if (!m->key || !m->value || !m->file) {
        free(m->key);
        free(m->value);
        free(m->file);
        return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    }
    s->n_meta++;
    return DYS_OK;
}

static dys_status set_onsets(dys_reader *r, const char *v, size_t n, int line,
                             int col)
{
    dys_recording *rec = r->rec;
    dys_column c = {0};
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ',' || isspace((unsigned char)v[i])))
            i++;
        size_t j = i;
        while (j < n && v[j] != ',' && !isspace((unsigned char)v[j]))
            j++;
        if (j == i)
            break;
        double x;
        if (dys_parse_number(v + i, j - i, 0, r->ctx->c_locale, &x) != 0 ||
            !isfinite(x)) {
            free(c.v);
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: '%.*s' is not a time: expected times in ms "
                            "separated by commas or spaces",
                            r->path, line, col + (int)i, DYS_SNIP(j - i), v + i);
        }
        if (c.n && x <= c.v[c.n - 1]) {
            double before = c.v[c.n - 1];
            free(c.v);
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: QRS onset %g after %g: expected increasing "
                            "times",
                            r->path, line, col + (int)i, x, before);
        }
        if (dys_column_push(&c, x) != DYS_OK) {
            free(c.v);
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        }
        i = j;
    }
    free(rec->qrs_onsets_ms);
    rec->qrs_onsets_ms = c.v;
    rec->n_qrs_onsets = c.n;
    return DYS_OK;
}

/* A key set once per view file (view, the QRS onsets): refused when the
 * file gives it twice, or gives both forms of the onsets; stored in the
 * recording. */
static dys_status apply_view_key(dys_reader *r, size_t ki, const char *k, const char *val,
                                 size_t vlen, int line, int col, double x)
{
    dys_study *s = r->study;
    dys_meta *prev = meta_find(s, k, r->path);
    if (prev)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: %s given twice in this file (first at "
                        "line %d): expected it once", r->path, line, col, k,
                        prev->line);
    dys_status st = DYS_OK;
    if (known_keys[ki].kind != K_VIEW) {
        const char *other = !strcmp(k, "qrs_onset_ms") ? "qrs_onsets_ms"
                                                       : "qrs_onset_ms";
        dys_meta *o = meta_find(s, other, r->path);
        if (o)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: %s and %s (line %d) both given: "
                            "expected one of them", r->path, line, col, k,
                            other, o->line);
    }
    if (known_keys[ki].kind == K_VIEW) {
        r->rec->view = (dys_view)(int)x;
    } else if (known_keys[ki].kind == K_LIST) {
        st = set_onsets(r, val, vlen, line, col);
    } else { /* qrs_onset_ms: one time, checked above */
        double *one = malloc(sizeof *one);
        if (!one)
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        *one = x;
        free(r->rec->qrs_onsets_ms);
        r->rec->qrs_onsets_ms = one;
        r->rec->n_qrs_onsets = 1;
    }
    return st != DYS_OK ? st : meta_add(r, k, val, vlen, line);
}

/* A key given again (in this file, or in any for a study-level key): the
 * same value is accepted and not stored twice, another is an error. */
static dys_status apply_again(dys_reader *r, size_t ki, const char *k, const char *val,
                              size_t vlen, int line, int col, double x,
                              const dys_meta *prev)
{
    double y;
    enum key_kind kind = known_keys[ki].kind;
    int same = kind == K_TEXT || kind == K_SCAR || kind == K_SEGLIST || kind == K_TABLE
                   ? strlen(prev->value) == vlen &&
                         memcmp(prev->value, val, vlen) == 0
                   : meta_value(r->ctx->c_locale, ki, prev->value,
                                strlen(prev->value), &y) == 0 && y == x;
    if (!same)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: %s '%.*s' disagrees with '%.40s' given at "
                        "%s:%d: expected the same value in every file",
                        r->path, line, col, k, DYS_SNIP(vlen), val,
                        prev->value, prev->file, prev->line);
    return DYS_OK;
}

/* hr_bpm and rr_ms are one quantity: they must not disagree either
 * (1 bpm allows for values rounded to whole numbers). */
static dys_status check_heart_rate(dys_reader *r, const char *k, const char *val,
                                   size_t vlen, int line, int col, double x)
{
    int is_hr = k[0] == 'h';
    const char *ok = is_hr ? "rr_ms" : "hr_bpm";
    dys_meta *o = meta_find(r->study, ok, NULL);
    size_t oki = 0;
    while (oki < N_KNOWN_KEYS && strcmp(known_keys[oki].key, ok) != 0)
        oki++;
    double y;
    if (o && oki < N_KNOWN_KEYS &&
        meta_value(r->ctx->c_locale, oki, o->value, strlen(o->value), &y) == 0) {
        double hr_new = is_hr ? x : 60000.0 / x;
        double hr_old = is_hr ? 60000.0 / y : y;
        if (fabs(hr_new - hr_old) > 1.0)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: %s '%.*s' (%.1f bpm) disagrees with %s "
                            "'%.40s' (%.1f bpm) given at %s:%d: expected the "
                            "same heart rate", r->path, line, col, k,
                            DYS_SNIP(vlen), val, hr_new, ok, o->value, hr_old,
                            o->file, o->line);
    }
    return DYS_OK;
}

/* A first value of a study-level key (or of AVO/AVC in this file) stored
 * where the analysis reads it. */
static dys_status store_study_key(dys_reader *r, const char *k, const char *val,
                                  size_t vlen, double x)
{
    dys_study *s = r->study;
    if (!strcmp(k, "study_id")) {
        free(s->study_id);
        s->study_id = dys_strndup(val, vlen);
        if (!s->study_id)
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    } else if (!strcmp(k, "avo_ms")) {
        r->rec->avo_ms = x;
    } else if (!strcmp(k, "avc_ms")) {
        r->rec->avc_ms = x;
    } else if (!strcmp(k, "hr_bpm")) {
        s->hr_bpm = x;
    } else if (!strcmp(k, "rr_ms")) {
        if (isnan(s->hr_bpm))
            s->hr_bpm = 60000.0 / x;
    } else if (!strcmp(k, "qrs_duration_ms")) {
        s->qrs_duration_ms = x;
    } else if (!strcmp(k, "lvef_pct")) {
        s->lvef_pct = x;
    } else if (!strcmp(k, "nyha")) {
        s->nyha = (int)x;
    } else if (!strcmp(k, "lbbb")) {
        s->lbbb = (int)x;
    } else if (!strcmp(k, "trace")) {
        s->trace = (dys_trace)(int)x;
    } else if (!strcmp(k, "systolic_bp_mmhg")) {
        s->work.systolic_bp_mmhg = x;
    } else if (!strcmp(k, "diastolic_bp_mmhg")) {
        s->work.diastolic_bp_mmhg = x;
    } else if (!strcmp(k, "mvc_ms")) {
        s->work.mvc_ms = x;
    } else if (!strcmp(k, "mvo_ms")) {
        s->work.mvo_ms = x;
    } else if (!strcmp(k, "lv_pep_ms")) {
        s->lv_pep_ms = x;
    } else if (!strcmp(k, "rv_pep_ms")) {
        s->rv_pep_ms = x;
    } else if (!strcmp(k, "spwmd_ms")) {
        s->spwmd_ms = x;
    } else if (!strcmp(k, "filling_time_pct_rr")) {
        s->filling_time_pct_rr = x;
    } else if (!strcmp(k, "lead_segment")) {
        s->lead_segment = (int)x + 1;
    } else if (!strcmp(k, "tapse_mm")) {
        s->tapse_mm = x;
    } else if (!strcmp(k, "rv_s_prime_cm_s")) {
        s->rv_s_prime_cm_s = x;
    } else if (!strcmp(k, "aetiology")) {
        s->aetiology = (int)x;
    } else if (!strcmp(k, "rhythm")) {
        s->rhythm = (int)x;
    } else if (!strcmp(k, "av_delay_ms")) {
        s->av_delay_ms = x;
    } else if (!strcmp(k, "vv_delay_ms")) {
        s->vv_delay_ms = x;
    } else if (!strcmp(k, "pacing_mode")) {
        s->pacing_mode = (dys_pacing_mode)(int)x;
    } else if (!strcmp(k, "lvot_vti_cm")) {
        s->lvot_vti_cm = x;
    } else if (!strcmp(k, "mitral_vti_cm")) {
        s->mitral_vti_cm = x;
    } else if (!strcmp(k, "e_a_fused")) {
        s->e_a_fused = (int)x;
    } else if (!strcmp(k, "reference_setting")) {
        s->reference_setting = (int)x;
    } else if (!strcmp(k, "patient_id")) {
        free(s->patient_id);
        s->patient_id = dys_strndup(val, vlen);
        if (!s->patient_id)
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    }
    return DYS_OK;
}

/* ---- scar, veins: the keys and the segment table -------------------------- */

/* A scar grade: none, non-transmural, transmural, or a percentage of the
 * wall.  A percentage maps as Bleeker (Circulation 2006;113:969) graded
 * late enhancement: more than 50 % of the wall thickness is transmural;
 * 1-50 % non-transmural; 0 none.  Returns 0, or -1 when it is none of
 * these (-2: a percentage outside 0..100). */
static int parse_scar_grade(locale_t loc, const char *v, size_t n, int *grade, double *pct)
{
    char norm[32];
    dys_normalise_name(v, n, norm, sizeof norm);
    static const char *const g[] = {"none", "non_transmural", "transmural"};
    int c = lookup(norm, g, 3);
    *pct = NAN;
    if (c >= 0) {
        *grade = DYS_SCAR_NONE + c;
        return 0;
    }
    if (n < 2 || v[n - 1] != '%')
        return -1;
    size_t k = n - 1;
    while (k && isspace((unsigned char)v[k - 1]))
        k--;
    double x;
    if (dys_parse_number(v, k, 1, loc, &x) != 0 || !isfinite(x))
        return -1;
    if (x < 0 || x > 100)
        return -2;
    *pct = x;
    *grade = x > 50 ? DYS_SCAR_TRANSMURAL : x > 0 ? DYS_SCAR_NON_TRANSMURAL : DYS_SCAR_NONE;
    return 0;
}

/* a format string: the % doubled */
#define SCAR_EXPECTED "none, non-transmural, transmural or a percentage of the wall (0-100 %%)"

/* The next comma-separated item of v[0..n) from *i: its start and length
 * (trimmed), 0 at the end. */
static int next_item(const char *v, size_t n, size_t *i, size_t *start, size_t *len)
{
    while (*i < n && isspace((unsigned char)v[*i]))
        (*i)++;
    if (*i >= n)
        return 0;
    size_t j = *i;
    while (j < n && v[j] != ',')
        j++;
    size_t e = j;
    while (e > *i && isspace((unsigned char)v[e - 1]))
        e--;
    *start = *i;
    *len = e - *i;
    *i = j < n ? j + 1 : j;
    return 1;
}

/* A segment name at v[0..n) (file:line:col in the message). */
static dys_status item_segment(dys_reader *r, const char *path, int line, int col,
                               const char *v, size_t n, int *seg)
{
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%.*s", (int)(n < 95 ? n : 95), v);
    *seg = n ? dys_segment_from_name(tmp) : -1;
    if (*seg < 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: '%.*s' is not a segment: expected a segment name "
                        "(basal_anterolateral, mid_inferior, seg5...)",
                        path, line, col, DYS_SNIP(n), v);
    return DYS_OK;
}

/* Scar and veins may each come from one place: their key, or the
 * segment table.  A second source is refused, naming the first. */
static dys_status anatomy_once(dys_reader *r, const int *state, const char *what,
                               const char *path, int line, int col)
{
    for (int i = 0; i < DYS_N_SEGMENTS; i++)
        if (state[i] != 0) {
            const dys_meta *m = meta_find(r->study, what, NULL);
            if (!m)
                m = meta_find(r->study, "segment_table", NULL);
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: %s given again (first at %s:%d): expected it "
                            "once, by its key or by segment_table",
                            path, line, col, !strcmp(what, "scar") ? "scar" : "vein_segments",
                            m ? m->file : "?", m ? m->line : 0);
        }
    return DYS_OK;
}

static dys_status apply_scar(dys_reader *r, const char *v, size_t n, int line, int col)
{
    dys_study *s = r->study;
    dys_status st = anatomy_once(r, s->scar, "scar", r->path, line, col);
    if (st != DYS_OK)
        return st;
    int sc[DYS_N_SEGMENTS];
    double pct[DYS_N_SEGMENTS];
    /* A late-enhancement report names the enhanced segments: once scar
     * is given, a segment it does not name has none. */
    for (int i = 0; i < DYS_N_SEGMENTS; i++) {
        sc[i] = DYS_SCAR_NONE;
        pct[i] = NAN;
    }
    char norm[16];
    dys_normalise_name(v, n, norm, sizeof norm);
    if (strcmp(norm, "none") != 0) {
        size_t i = 0, a, len;
        int named[DYS_N_SEGMENTS] = {0};
        while (next_item(v, n, &i, &a, &len)) {
            const char *eq = memchr(v + a, '=', len);
            if (!eq)
                return dys_fail(r->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: scar item '%.*s' has no '=': expected "
                                "segment=grade (grade: " SCAR_EXPECTED ")",
                                r->path, line, col + (int)a, DYS_SNIP(len), v + a);
            size_t nl = (size_t)(eq - (v + a)), gs = nl + 1, gl = len - gs;
            while (nl && isspace((unsigned char)v[a + nl - 1]))
                nl--;
            while (gl && isspace((unsigned char)v[a + gs])) {
                gs++;
                gl--;
            }
            int seg, grade;
            st = item_segment(r, r->path, line, col + (int)a, v + a, nl, &seg);
            if (st != DYS_OK)
                return st;
            if (named[seg])
                return dys_fail(r->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: %s named twice in scar: expected each "
                                "segment once", r->path, line, col + (int)a,
                                dys_segment_name(seg));
            int pr = parse_scar_grade(r->ctx->c_locale, v + a + gs, gl, &grade, &pct[seg]);
            if (pr != 0)
                return dys_fail(r->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: scar grade '%.*s'%s: expected " SCAR_EXPECTED,
                                r->path, line, col + (int)(a + gs), DYS_SNIP(gl),
                                v + a + gs, pr == -2 ? " is outside 0-100 %" : "");
            named[seg] = 1;
            sc[seg] = grade;
        }
    }
    memcpy(s->scar, sc, sizeof sc);
    memcpy(s->scar_pct, pct, sizeof pct);
    return DYS_OK;
}

static dys_status apply_veins(dys_reader *r, const char *v, size_t n, int line, int col)
{
    dys_study *s = r->study;
    dys_status st = anatomy_once(r, s->vein, "vein_segments", r->path, line, col);
    if (st != DYS_OK)
        return st;
    /* The venogram shows the whole tree: a segment not named is not
     * reached by a suitable vein. */
    int ve[DYS_N_SEGMENTS];
    for (int i = 0; i < DYS_N_SEGMENTS; i++)
        ve[i] = DYS_VEIN_NO;
    char norm[16];
    dys_normalise_name(v, n, norm, sizeof norm);
    if (strcmp(norm, "none") != 0) {
        size_t i = 0, a, len;
        while (next_item(v, n, &i, &a, &len)) {
            int seg;
            st = item_segment(r, r->path, line, col + (int)a, v + a, len, &seg);
            if (st != DYS_OK)
                return st;
            if (ve[seg] == DYS_VEIN_YES)
                return dys_fail(r->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: %s named twice in vein_segments: expected "
                                "each segment once", r->path, line, col + (int)a,
                                dys_segment_name(seg));
            ve[seg] = DYS_VEIN_YES;
        }
    }
    memcpy(s->vein, ve, sizeof ve);
    return DYS_OK;
}

/* The cells of one table line, split at commas: their starts and
 * lengths (trimmed).  Returns the count, or -1 past max. */
static int table_cells(const char *l, size_t n, size_t *start, size_t *len, int max)
{
    int c = 0;
    size_t i = 0;
    for (;;) {
        if (c == max)
            return -1;
        size_t j = i;
        while (j < n && l[j] != ',')
            j++;
        size_t a = i, e = j;
        while (a < e && isspace((unsigned char)l[a]))
            a++;
        while (e > a && isspace((unsigned char)l[e - 1]))
            e--;
        start[c] = a;
        len[c] = e - a;
        c++;
        if (j >= n)
            return c;
        i = j + 1;
    }
}

/* segment_table: a CSV file (path relative to the study file that names
 * it) with a header row naming its columns, segment and one or both of
 * scar and vein; '#' lines and blank lines are skipped.  An empty cell is
 * not given (unknown); a segment without a row has no scar and no vein,
 * as with the keys. */
static dys_status apply_table(dys_reader *r, const char *v, size_t n, int line, int col)
{
    dys_study *s = r->study;
    char path[4096];
    /* Relative to the study file, so that a study and its table move
     * together; an absolute path is refused (it would not). */
    if (v[0] == '/')
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: segment_table '%.*s' is an absolute path: expected a path "
                        "relative to this file", r->path, line, col, DYS_SNIP(n), v);
    const char *slash = strrchr(r->path, '/');
    int dir = slash ? (int)(slash - r->path + 1) : 0;
    if ((size_t)dir + n + 1 > sizeof path)
        return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:%d: segment_table path too long",
                        r->path, line, col);
    snprintf(path, sizeof path, "%.*s%.*s", dir, r->path, (int)n, v);
    dys_text t;
    dys_status st = dys_text_load(r->ctx, &t, path, r->opt);
    if (st != DYS_OK) { /* say which line named the table */
        char why[512];
        snprintf(why, sizeof why, "%s", dys_ctx_error(r->ctx));
        return dys_fail(r->ctx, st, "%s:%d:%d: segment_table: %s", r->path, line, col, why);
    }
    int cseg = -1, cscar = -1, cvein = -1, ncol = 0, header = 0;
    int sc[DYS_N_SEGMENTS], ve[DYS_N_SEGMENTS], seen[DYS_N_SEGMENTS] = {0};
    double pct[DYS_N_SEGMENTS];
    for (int i = 0; i < DYS_N_SEGMENTS; i++) {
        sc[i] = DYS_SCAR_NONE;
        ve[i] = DYS_VEIN_NO;
        pct[i] = NAN;
    }
    const char *l;
    size_t ln;
    size_t cs[8], cl[8];
    while (st == DYS_OK && dys_text_next(&t, &l, &ln)) {
        size_t k = 0;
        while (k < ln && isspace((unsigned char)l[k]))
            k++;
        if (k == ln || l[k] == '#')
            continue;
        int nc = table_cells(l, ln, cs, cl, 8);
        if (!header) {
            header = 1;
            ncol = nc;
            for (int c = 0; c < nc; c++) {
                char nm[32];
                dys_normalise_name(l + cs[c], cl[c], nm, sizeof nm);
                int *slot = !strcmp(nm, "segment") ? &cseg
                            : !strcmp(nm, "scar")  ? &cscar
                            : !strcmp(nm, "vein")  ? &cvein
                                                   : NULL;
                if (!slot || *slot >= 0) {
                    st = dys_fail(r->ctx, DYS_ERR_PARSE,
                                  "%s:%d:%zu: column '%.*s' %s: expected the columns "
                                  "segment, scar, vein (each once)", path, t.line, cs[c] + 1,
                                  DYS_SNIP(cl[c]), l + cs[c], slot ? "given twice" : "unknown");
                    break;
                }
                *slot = c;
            }
            if (st == DYS_OK && (nc < 0 || cseg < 0 || (cscar < 0 && cvein < 0)))
                st = dys_fail(r->ctx, DYS_ERR_PARSE,
                              "%s:%d:1: header '%.*s': expected a segment column and a "
                              "scar or vein column (or both)", path, t.line, DYS_SNIP(ln), l);
            if (st == DYS_OK && cscar >= 0)
                st = anatomy_once(r, s->scar, "scar", path, t.line, (int)cs[cscar] + 1);
            if (st == DYS_OK && cvein >= 0)
                st = anatomy_once(r, s->vein, "vein_segments", path, t.line,
                                  (int)cs[cvein] + 1);
            continue;
        }
        if (nc != ncol) {
            st = dys_fail(r->ctx, DYS_ERR_PARSE,
                          "%s:%d:1: %d cells: expected %d, as in the header", path, t.line,
                          nc < 0 ? 9 : nc, ncol);
            break;
        }
        int seg;
        st = item_segment(r, path, t.line, (int)cs[cseg] + 1, l + cs[cseg], cl[cseg], &seg);
        if (st == DYS_OK && seen[seg])
            st = dys_fail(r->ctx, DYS_ERR_PARSE,
                          "%s:%d:%zu: %s has a second row (first at line %d): expected one "
                          "row per segment", path, t.line, cs[cseg] + 1,
                          dys_segment_name(seg), seen[seg]);
        if (st != DYS_OK)
            break;
        seen[seg] = t.line;
        if (cscar >= 0) {
            int grade;
            int pr = cl[cscar] ? parse_scar_grade(r->ctx->c_locale, l + cs[cscar], cl[cscar],
                                                  &grade, &pct[seg])
                               : 0;
            if (pr != 0) {
                st = dys_fail(r->ctx, DYS_ERR_PARSE,
                              "%s:%d:%zu: scar '%.*s'%s: expected " SCAR_EXPECTED
                              ", or an empty cell", path, t.line, cs[cscar] + 1,
                              DYS_SNIP(cl[cscar]), l + cs[cscar],
                              pr == -2 ? " is outside 0-100 %" : "");
                break;
            }
            sc[seg] = cl[cscar] ? grade : DYS_SCAR_UNKNOWN;
        }
        if (cvein >= 0) {
            char nm[16];
            dys_normalise_name(l + cs[cvein], cl[cvein], nm, sizeof nm);
            if (!cl[cvein]) {
                ve[seg] = DYS_VEIN_UNKNOWN;
            } else if (!strcmp(nm, "yes") || !strcmp(nm, "no")) {
                ve[seg] = nm[0] == 'y' ? DYS_VEIN_YES : DYS_VEIN_NO;
            } else {
                st = dys_fail(r->ctx, DYS_ERR_PARSE,
                              "%s:%d:%zu: vein '%.*s': expected yes, no, or an empty cell",
                              path, t.line, cs[cvein] + 1, DYS_SNIP(cl[cvein]), l + cs[cvein]);
                break;
            }
        }
    }
    if (st == DYS_OK && !header)
        st = dys_fail(r->ctx, DYS_ERR_PARSE,
                      "%s:1:1: no header: expected a line naming the columns segment, "
                      "scar, vein", path);
    if (st == DYS_OK && cscar >= 0) {
        memcpy(s->scar, sc, sizeof sc);
        memcpy(s->scar_pct, pct, sizeof pct);
    }
    if (st == DYS_OK && cvein >= 0)
        memcpy(s->vein, ve, sizeof ve);
    dys_text_free(&t);
    return st;
}

static dys_status apply_anatomy(dys_reader *r, const char *k, const char *v, size_t n,
                                int line, int col)
{
    if (!strcmp(k, "scar"))
        return apply_scar(r, v, n, line, col);
    if (!strcmp(k, "vein_segments"))
        return apply_veins(r, v, n, line, col);
    return apply_table(r, v, n, line, col);
}

/* Cut along the rule's phases: the key and its value checked, then a
 * view-level key, a repeated key, or a study-level one. */
dys_status dys_meta_apply(dys_reader *r, const char *key, size_t klen,
                          const char *val, size_t vlen, int line, int col)
{
    trim(&key, &klen);
    const char *v0 = val;
    trim(&val, &vlen);
    col += (int)(val - v0);
    char k[64];
    dys_normalise_name(key, klen, k, sizeof k);
    if (!k[0])
        return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:2: empty metadata key: expected "
                        "'# key: value'",
                        r->path, line);
    size_t ki = 0;
    while (ki < N_KNOWN_KEYS && strcmp(k, known_keys[ki].key) != 0)
        ki++;
    if (ki == N_KNOWN_KEYS) /* unknown keys are kept, never an error */
        return meta_add(r, k, val, vlen, line);

    double x;
    if (meta_value(r->ctx->c_locale, ki, val, vlen, &x) != 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: %s: expected %s, found '%.*s'", r->path, line,
                        col, k, known_keys[ki].expected, DYS_SNIP(vlen), val);
    if (known_keys[ki].kind == K_NUMBER &&
        (x < known_keys[ki].lo || x > known_keys[ki].hi))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: %s = %g is outside the plausible range: "
                        "expected %g..%g %s", r->path, line, col, k, x, known_keys[ki].lo,
                        known_keys[ki].hi, known_keys[ki].unit);
    if (known_keys[ki].view_level)
        return apply_view_key(r, ki, k, val, vlen, line, col, x);

    /* AVO and AVC: each file's value belongs to its view (views come
     * from different beats, and a lab may time the valve per view);
     * finish() makes the value the files agree on the study's.  Within
     * one file they must not disagree. */
    int per_view = !strcmp(k, "avo_ms") || !strcmp(k, "avc_ms");
    /* Study level: may stand in any file, must not disagree. */
    dys_meta *prev = meta_find(r->study, k, per_view ? r->path : NULL);
    if (prev)
        return apply_again(r, ki, k, val, vlen, line, col, x, prev);
    dys_status st = DYS_OK;
    if (!strcmp(k, "hr_bpm") || !strcmp(k, "rr_ms"))
        st = check_heart_rate(r, k, val, vlen, line, col, x);
    if (st == DYS_OK && (known_keys[ki].kind == K_SCAR || known_keys[ki].kind == K_SEGLIST ||
                         known_keys[ki].kind == K_TABLE))
        st = apply_anatomy(r, k, val, vlen, line, col);
    if (st == DYS_OK)
        st = store_study_key(r, k, val, vlen, x);
    return st != DYS_OK ? st : meta_add(r, k, val, vlen, line);
}

double dys_meta_number(dys_study *s, locale_t loc, const char *key)
{
    dys_meta *m = meta_find(s, key, NULL);
    if (!m)
        return NAN;
    for (size_t ki = 0; ki < N_KNOWN_KEYS; ki++)
        if (!strcmp(known_keys[ki].key, key)) {
            double x;
            return meta_value(loc, ki, m->value, strlen(m->value), &x) == 0 ? x : NAN;
        }
    return NAN;
}
