/*
 * optimise.c - echo-guided AV and VV optimisation (dyssync_optimise.h,
 * docs/optimise.md).
 *
 * Choices:
 *  - Per-beat values.  An index of the Ts family (ts_sd_12_ms, the
 *    septal-lateral delay, ...) is computed beat by beat from the result's
 *    per-beat Ts (dys_segment_result.ts_beat_ms) by the catalogue's own
 *    code (dys_compute_indices on a copy of the result holding one beat's
 *    Ts), so the definition, the segment minimum and --sd are the
 *    analysis's.  Beat j takes the j-th analysed beat of every recording:
 *    within a recording that is one heartbeat, across the views of a
 *    study it is not (views are recorded one after another), which makes
 *    each per-beat value a draw of the index as a whole, as the test
 *    needs, not a measurement of one heartbeat.  A beat whose index cannot
 *    be computed (too few segments measured in it) is left out.
 *  - The setting's value is the mean of its per-beat values, so that the
 *    value ranked and the values tested agree.  An SD over one beat's Ts
 *    carries that beat's timing noise, so it is larger than the index of
 *    the beats' mean Ts (study_value, reported beside it) at every
 *    setting alike.
 *  - Single-valued objectives (the other catalogue indices, the Doppler
 *    measures of the metadata) are ranked on their one value, untested.
 *  - The best is picked from all the settings, so its p-value against the
 *    reference is Bonferroni-adjusted for the settings compared (n - 1):
 *    without it, the best of 8 noisy settings beats the reference "at
 *    p < 0.05" far more often than 5 % of the time when no setting is
 *    better (tests/accuracy_optimise.py measures it).
 */
#include "internal.h"
#include "indices.h"
#include "dyssync_optimise.h"
#include "dyssync_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *dys_pacing_mode_name(dys_pacing_mode m)
{
    static const char *const names[] = {"unknown", "off", "biv", "lv", "rv"};
    return (int)m >= 0 && (int)m < 5 ? names[m] : "unknown";
}

const char *dys_opt_direction_name(dys_opt_direction d)
{
    static const char *const names[] = {"minimise", "minimise |value|", "maximise"};
    return (int)d >= 0 && (int)d < 3 ? names[d] : NULL;
}

const char *dys_opt_method_name(dys_opt_method m)
{
    static const char *const names[] = {"dyssynchrony minimisation", "aortic VTI method",
                                        "mitral inflow VTI method"};
    return (int)m >= 0 && (int)m < 3 ? names[m] : NULL;
}

void dys_opt_options_defaults(dys_opt_options *o)
{
    o->objective = NULL;
    o->reference = -1;
    o->nominal_av_ms = NAN;
    o->nominal_vv_ms = NAN;
    o->alpha = 0.05;
}

void dys_opt_result_free(dys_opt_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->setting[i].source);
        free(r->setting[i].study_id);
        free(r->setting[i].beats);
    }
    free(r->setting);
    free(r->order);
    dys_strlist_free(r->warnings, r->n_warnings);
    free(r);
}

/* The objective: which catalogue index (-1: a Doppler measure), its
 * direction and method.  Signed delays (dys_index_signed) are best near
 * 0, dispersions lowest. */
static int objective_of(const char *key, int *index, dys_opt_direction *dir,
                        dys_opt_method *method)
{
    if (!strcmp(key, "lvot_vti_cm") || !strcmp(key, "mitral_vti_cm")) {
        *index = -1;
        *dir = DYS_OPT_MAXIMISE;
        *method = key[0] == 'l' ? DYS_OPT_METHOD_AORTIC_VTI : DYS_OPT_METHOD_MITRAL_VTI;
        return 0;
    }
    for (int i = 0; i < DYS_N_INDICES; i++) {
        const dys_index_info *info = dys_index_get((dys_index)i);
        if (!strcmp(info->key, key)) {
            *index = i;
            *method = DYS_OPT_METHOD_DYSSYNCHRONY;
            /* myocardial work done and its efficiency are better higher;
             * every other index measures dyssynchrony (or, global strain,
             * a negative peak that is better more negative) */
            *dir = i == DYS_IDX_GWI || i == DYS_IDX_GCW || i == DYS_IDX_GWE ? DYS_OPT_MAXIMISE
                   : dys_index_signed(i)                                    ? DYS_OPT_MINIMISE_ABS
                                                                            : DYS_OPT_MINIMISE;
            return 0;
        }
    }
    return -1;
}

/* The per-beat values of catalogue index i in r, into v (room for
 * DYS_MAX_BEAT_TS); returns how many.  copy: scratch room for a result. */
static size_t per_beat(const dys_result *r, int i, dys_result *copy, double *v)
{
    int nb = DYS_MAX_BEAT_TS + 1;
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        if (r->seg[k].n_ts_beats > 0 && r->seg[k].n_ts_beats < nb)
            nb = r->seg[k].n_ts_beats;
    if (nb > DYS_MAX_BEAT_TS)
        return 0;
    size_t n = 0;
    for (int j = 0; j < nb; j++) {
        *copy = *r; /* shares r's pointers: dys_compute_indices only reads them */
        for (int k = 0; k < DYS_N_SEGMENTS; k++) {
            dys_segment_result *g = &copy->seg[k];
            g->ts_ms = g->n_ts_beats > j ? g->ts_beat_ms[j] : NAN;
            if (isnan(g->ts_ms))
                g->status = DYS_SEG_MISSING;
        }
        dys_compute_indices(copy, &r->params);
        if (isfinite(copy->index[i]))
            v[n++] = copy->index[i];
    }
    return n;
}

/* Lower is better. */
static double score(double v, dys_opt_direction d)
{
    return d == DYS_OPT_MAXIMISE ? -v : d == DYS_OPT_MINIMISE_ABS ? fabs(v) : v;
}

static int same_setting(const dys_study *a, const dys_study *b)
{
    if (a->pacing_mode != b->pacing_mode)
        return 0;
    if (a->pacing_mode == DYS_PACING_OFF)
        return 1;
    return a->av_delay_ms == b->av_delay_ms && a->vv_delay_ms == b->vv_delay_ms;
}

/* The checks of the inputs (dyssync_optimise.h). */
static dys_status check_inputs(dys_ctx *ctx, const dys_opt_input *in, size_t n)
{
    const char *pid = NULL, *pid_src = NULL;
    for (size_t i = 0; i < n; i++) {
        const dys_study *s = in[i].study;
        if (s->pacing_mode != DYS_PACING_OFF &&
            (isnan(s->av_delay_ms) || isnan(s->vv_delay_ms)))
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "%s: no %s: every setting's study needs av_delay_ms and "
                            "vv_delay_ms metadata (or pacing_mode: off)",
                            s->source, isnan(s->av_delay_ms) ? "av_delay_ms" : "vv_delay_ms");
        for (size_t j = 0; j < i; j++)
            if (same_setting(in[j].study, s))
                return dys_fail(ctx, DYS_ERR_INVALID,
                                "%s: the same setting as %s (pacing %s, AV %g ms, VV %g ms): "
                                "expected one study per setting",
                                s->source, in[j].study->source,
                                dys_pacing_mode_name(s->pacing_mode), s->av_delay_ms,
                                s->vv_delay_ms);
        if (s->patient_id) {
            if (!pid) {
                pid = s->patient_id;
                pid_src = s->source;
            } else if (strcmp(pid, s->patient_id) != 0) {
                return dys_fail(ctx, DYS_ERR_INVALID,
                                "%s: patient_id '%.60s' differs from '%.60s' in %s: expected "
                                "the studies of one patient",
                                s->source, s->patient_id, pid, pid_src);
            }
        }
    }
    if (pid)
        for (size_t i = 0; i < n; i++)
            if (!in[i].study->patient_id)
                return dys_fail(ctx, DYS_ERR_INVALID,
                                "%s: no patient_id, while %s gives '%.60s': expected it in "
                                "every study or in none",
                                in[i].study->source, pid_src, pid);
    return DYS_OK;
}

static dys_status choose_reference(dys_ctx *ctx, const dys_opt_input *in, size_t n,
                                   const dys_opt_options *o, dys_opt_result *r)
{
    if (o->reference >= 0) {
        if ((size_t)o->reference >= n)
            return dys_fail(ctx, DYS_ERR_INVALID, "reference setting %d of %zu studies",
                            o->reference + 1, n);
        r->reference = o->reference;
        snprintf(r->reference_why, sizeof r->reference_why, "given (--reference)");
        return DYS_OK;
    }
    int named = -1;
    for (size_t i = 0; i < n; i++)
        if (in[i].study->reference_setting == 1) {
            if (named >= 0)
                return dys_fail(ctx, DYS_ERR_INVALID,
                                "%s: reference_setting: yes, and %s says so too: expected one "
                                "reference", in[i].study->source, in[named].study->source);
            named = (int)i;
        }
    if (named >= 0) {
        r->reference = named;
        snprintf(r->reference_why, sizeof r->reference_why,
                 "the study says so: reference_setting: yes");
        return DYS_OK;
    }
    if (!isnan(o->nominal_av_ms)) {
        double vv = isnan(o->nominal_vv_ms) ? 0 : o->nominal_vv_ms;
        for (size_t i = 0; i < n; i++) {
            const dys_study *s = in[i].study;
            if (s->pacing_mode != DYS_PACING_OFF && s->av_delay_ms == o->nominal_av_ms &&
                s->vv_delay_ms == vv) {
                r->reference = (int)i;
                snprintf(r->reference_why, sizeof r->reference_why,
                         "the nominal setting AV %g ms, VV %g ms", o->nominal_av_ms, vv);
                return DYS_OK;
            }
        }
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "no study is at the nominal setting AV %g ms, VV %g ms",
                        o->nominal_av_ms, vv);
    }
    r->reference = 0;
    snprintf(r->reference_why, sizeof r->reference_why, "the first study: none named");
    return DYS_OK;
}

/* The objective's value(s) of one setting. */
static dys_status measure(const dys_opt_input *in, int index, const char *key,
                          dys_result *copy, dys_opt_setting *st)
{
    const dys_study *s = in->study;
    const dys_result *res = in->result;
    st->sd = st->ci_lo = st->ci_hi = NAN;
    if (index < 0) {
        st->value = st->study_value = key[0] == 'l' ? s->lvot_vti_cm : s->mitral_vti_cm;
        if (isnan(st->value))
            snprintf(st->note, sizeof st->note, "no %s in the study's metadata", key);
        return DYS_OK;
    }
    st->study_value = res->index[index];
    if (!dys_index_from_ts(index)) {
        st->value = st->study_value;
        if (isnan(st->value))
            snprintf(st->note, sizeof st->note, "%.199s", res->index_reason[index]);
        return DYS_OK;
    }
    double v[DYS_MAX_BEAT_TS];
    size_t nb = per_beat(res, index, copy, v);
    st->value = NAN;
    if (nb == 0) {
        /* the reason cut to the note's room (the full one is analyze's) */
        snprintf(st->note, sizeof st->note, "no beat gives %.40s%s%.140s", key,
                 res->index_reason[index][0] ? ": " : "", res->index_reason[index]);
        return DYS_OK;
    }
    st->beats = malloc(nb * sizeof *st->beats);
    if (!st->beats)
        return DYS_ERR_NOMEM;
    memcpy(st->beats, v, nb * sizeof *v);
    st->n_beats = nb;
    double sum = 0;
    for (size_t b = 0; b < nb; b++)
        sum += v[b];
    st->value = sum / (double)nb;
    if (nb >= 2) {
        double ss = 0;
        for (size_t b = 0; b < nb; b++)
            ss += (v[b] - st->value) * (v[b] - st->value);
        st->sd = sqrt(ss / (double)(nb - 1));
        double h = dys_t_quantile(0.975, (double)nb - 1) * st->sd / sqrt((double)nb);
        st->ci_lo = st->value - h;
        st->ci_hi = st->value + h;
    }
    return DYS_OK;
}

static dys_status test_against(dys_ctx *ctx, dys_opt_result *r, size_t i, size_t n_tested)
{
    dys_opt_setting *st = &r->setting[i], *ref = &r->setting[r->reference];
    st->diff = st->value - ref->value;
    if ((int)i == r->reference)
        return DYS_OK;
    if (isnan(st->value) || isnan(ref->value))
        return DYS_OK; /* the note says why it is not measurable */
    if (!r->per_beat) {
        snprintf(st->note, sizeof st->note,
                 "a single value per setting: no beat-to-beat noise to test against");
        return DYS_OK;
    }
    if (st->n_beats < 2 || ref->n_beats < 2) {
        snprintf(st->note, sizeof st->note,
                 "too few beats to test (%zu here, %zu at the reference; 2 each needed)",
                 st->n_beats, ref->n_beats);
        return DYS_OK;
    }
    dys_welch w;
    dys_status s = dys_welch_t_test(ctx, st->beats, st->n_beats, ref->beats, ref->n_beats, &w);
    if (s != DYS_OK)
        return s;
    st->t = w.t;
    st->df = w.df;
    st->p = w.p;
    st->p_adj = fmin(1.0, w.p * (double)(n_tested ? n_tested : 1));
    st->differs = st->p_adj < r->alpha;
    return DYS_OK;
}

/* Insertion sort of the measurable settings by score, the unmeasurable
 * after them.  A tie goes to the reference (nothing to change), then to
 * the earlier study. */
static void rank(dys_opt_result *r)
{
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++)
        r->order[m++] = i;
    for (size_t a = 1; a < m; a++) {
        size_t x = r->order[a], b = a;
        double sx = score(r->setting[x].value, r->direction);
        while (b > 0) {
            size_t y = r->order[b - 1];
            double sy = score(r->setting[y].value, r->direction);
            int before = !isnan(sx) && (isnan(sy) || sx < sy ||
                                        (sx == sy && (int)x == r->reference));
            if (!before)
                break;
            r->order[b] = y;
            b--;
        }
        r->order[b] = x;
    }
    int rk = 0;
    for (size_t a = 0; a < m; a++) {
        dys_opt_setting *st = &r->setting[r->order[a]];
        st->rank = isnan(st->value) ? 0 : ++rk;
    }
    r->best = rk ? (int)r->order[0] : -1;
}

dys_status dys_optimise(dys_ctx *ctx, const dys_opt_input *in, size_t n,
                        const dys_opt_options *o, dys_opt_result **out)
{
    *out = NULL;
    const char *key = o->objective ? o->objective : "ts_sd_12_ms";
    if (n < 2)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "optimisation needs the studies of 2 settings or more (%zu given)", n);
    if (!(o->alpha > 0 && o->alpha < 1))
        return dys_fail(ctx, DYS_ERR_INVALID, "significance level %g: expected 0 < alpha < 1",
                        o->alpha);
    int index;
    dys_opt_direction dir;
    dys_opt_method method;
    if (objective_of(key, &index, &dir, &method) != 0)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "unknown objective '%.60s': expected an index key (ts_sd_12_ms, "
                        "septal_lateral_delay_ms, ...: dyssync help analyze), lvot_vti_cm or "
                        "mitral_vti_cm", key);
    dys_status st = check_inputs(ctx, in, n);
    if (st != DYS_OK)
        return st;
    dys_opt_result *r = calloc(1, sizeof *r);
    dys_result *copy = malloc(sizeof *copy);
    if (!r || !copy || !(r->setting = calloc(n, sizeof *r->setting)) ||
        !(r->order = calloc(n, sizeof *r->order))) {
        free(copy);
        dys_opt_result_free(r);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    r->n = n;
    snprintf(r->objective, sizeof r->objective, "%s", key);
    r->direction = dir;
    r->method = method;
    r->per_beat = index >= 0 && dys_index_from_ts(index);
    r->alpha = o->alpha;
    st = choose_reference(ctx, in, n, o, r);
    for (size_t i = 0; st == DYS_OK && i < n; i++) {
        dys_opt_setting *s = &r->setting[i];
        const dys_study *sd = in[i].study;
        s->input = (int)i;
        s->av_delay_ms = sd->av_delay_ms;
        s->vv_delay_ms = sd->vv_delay_ms;
        s->pacing_mode = sd->pacing_mode;
        s->e_a_fused = sd->e_a_fused;
        s->diff = s->t = s->df = s->p = s->p_adj = NAN;
        s->differs = -1;
        s->source = dys_strdup(sd->source ? sd->source : "");
        s->study_id = dys_strdup(in[i].result->study_id ? in[i].result->study_id : "");
        if (!s->source || !s->study_id)
            st = DYS_ERR_NOMEM;
        else
            st = measure(&in[i], index, key, copy, s);
        if (st == DYS_ERR_NOMEM)
            dys_fail(ctx, st, "out of memory");
    }
    free(copy);
    if (st == DYS_OK) {
        rank(r);
        size_t measurable = 0;
        for (size_t i = 0; i < n; i++)
            measurable += !isnan(r->setting[i].value);
        for (size_t i = 0; st == DYS_OK && i < n; i++)
            st = test_against(ctx, r, i, measurable > 1 ? measurable - 1 : 1);
    }
    if (st == DYS_OK) {
        int tested = 0, differ = 0;
        for (size_t i = 0; i < n; i++) {
            tested += r->setting[i].differs >= 0;
            differ += r->setting[i].differs == 1;
        }
        r->all_within_noise = tested > 0 && differ == 0;
        const dys_opt_setting *b = r->best >= 0 ? &r->setting[r->best] : NULL;
        r->verdict = !b || b->rank == 0 ? DYS_OPT_UNTESTED
                     : r->best == r->reference ? DYS_OPT_BEST_IS_REFERENCE
                     : b->differs == 1         ? DYS_OPT_BEYOND_NOISE
                     : b->differs == 0         ? DYS_OPT_WITHIN_NOISE
                                               : DYS_OPT_UNTESTED;
        if (isnan(r->setting[r->reference].value))
            st = dys_strlist_add(&r->warnings, &r->n_warnings,
                                 "%s: the reference setting gives no %s (%s): nothing is "
                                 "compared with it",
                                 r->setting[r->reference].source, key,
                                 r->setting[r->reference].note);
        if (st == DYS_OK && r->all_within_noise)
            st = dys_strlist_add(&r->warnings, &r->n_warnings,
                                 "differences between settings are within measurement noise; "
                                 "the literature reports this as the common case");
        if (st == DYS_OK && !r->per_beat)
            st = dys_strlist_add(&r->warnings, &r->n_warnings,
                                 "%s has a single value per setting (no per-beat values): the "
                                 "settings are ranked, not tested against noise", key);
        for (size_t i = 0; st == DYS_OK && i < n; i++)
            if (method == DYS_OPT_METHOD_MITRAL_VTI && r->setting[i].e_a_fused == 1)
                st = dys_strlist_add(&r->warnings, &r->n_warnings,
                                     "%s: E and A waves fused at AV %g ms: its mitral VTI is "
                                     "not one diastole's filling", r->setting[i].source,
                                     r->setting[i].av_delay_ms);
        if (st == DYS_ERR_NOMEM)
            dys_fail(ctx, st, "out of memory");
    }
    if (st != DYS_OK) {
        dys_opt_result_free(r);
        return st;
    }
    *out = r;
    return DYS_OK;
}
