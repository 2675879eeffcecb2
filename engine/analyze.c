/*
 * analyze.c - one study in, one result out: events, the QRS reference of
 * each recording, Ts per segment and beat, then the index catalogue.
 *
 * Events: each view's ejection window (events.c).
 * Reference.  Each recording is referred to its own QRS onsets (beats.c):
 * the given qrs_onsets_ms / qrs_onset_ms, else those detected on its ECG
 * (ecg.c), else t = 0 as the onset of a single beat; views come from
 * different heartbeats, so a per-view offset never inflates the Ts spread.
 * Ectopic, post-ectopic and incomplete beats, and beats whose ejection
 * window the recording does not cover, are rejected with a reason.  Ts is
 * measured in every accepted beat and averaged per segment, with the
 * beat-to-beat SD; a view whose heart rate differs from the study's by more
 * than 10 % is flagged.
 */
#include "contour.h"
#include "cycle.h"
#include "ecg.h"
#include "strain.h"
#include "eligibility.h"
#include "events.h"
#include "indices.h"
#include "lbbb.h"
#include "timing.h"
#include "work.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void dys_params_defaults(dys_params *p)
{
    memset(p, 0, sizeof *p);
    p->lowpass_hz = DYS_LOWPASS_AUTO;
    p->peak = DYS_PEAK_MAX;
    p->first_peak_fraction = 0.8;
    p->sd = DYS_SD_SAMPLE;
    p->min_segments_12 = 10;
    p->min_segments_6 = 5;
    p->avo_ms = NAN;
    p->avc_ms = NAN;
    p->low_amplitude_cm_s = 1.0;
    p->max_gap_ms = 40.0;
    p->ectopic_rr_frac = 0.20;
    for (int i = 0; i < DYS_N_INDICES_MAX; i++)
        p->cutoff[i] = NAN;
    p->indices = DYS_INDICES_ALL;
}

/* A number as the shortest %g text that reads back to the same double, so
 * the text of two parameter sets differs exactly when the numbers do. */
static int exact_g(char *buf, size_t cap, double x)
{
    for (int digits = 6; digits < 17; digits++) {
        int n = snprintf(buf, cap, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            return n;
    }
    return snprintf(buf, cap, "%.17g", x);
}

size_t dys_params_text(const dys_params *p, char *buf, size_t cap)
{
    char v[11][40];
    const char *lowpass = p->lowpass_hz == DYS_LOWPASS_AUTO  ? "auto"
                          : p->lowpass_hz == DYS_LOWPASS_OFF ? "off"
                                                             : (exact_g(v[0], 40, p->lowpass_hz), v[0]);
    exact_g(v[1], 40, p->first_peak_fraction);
    if (isnan(p->avo_ms))
        snprintf(v[2], 40, "study");
    else
        exact_g(v[2], 40, p->avo_ms);
    if (isnan(p->avc_ms))
        snprintf(v[3], 40, "study");
    else
        exact_g(v[3], 40, p->avc_ms);
    exact_g(v[4], 40, p->low_amplitude_cm_s);
    exact_g(v[5], 40, p->max_gap_ms);
    exact_g(v[6], 40, p->ectopic_rr_frac);
    size_t n = (size_t)snprintf(
        buf, cap,
        "lowpass=%s peak=%s first-fraction=%s sd=%s avo=%s avc=%s min-segments=%d/%d "
        "low-amplitude=%s max-gap=%s ectopic-rr=%s avc-estimate=%s",
        lowpass, p->peak == DYS_PEAK_MAX ? "max" : "first", v[1],
        p->sd == DYS_SD_SAMPLE ? "sample" : "population", v[2], v[3], p->min_segments_12,
        p->min_segments_6, v[4], v[5], v[6],
        p->avc_estimate == DYS_AVC_CURVES ? "curves" : "heart-rate");
    for (int i = 0; i < DYS_N_INDICES; i++)
        if (!isnan(p->cutoff[i])) {
            exact_g(v[7], 40, p->cutoff[i]);
            n += (size_t)snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0,
                                  " cutoff=%s=%s", dys_index_get(i)->key, v[7]);
        }
    /* under a locale with a decimal comma %g wrote (and strtod read) "0,2":
     * the text is the same in every locale */
    for (char *c = buf; cap && *c; c++)
        if (*c == ',')
            *c = '.';
    /* after that: its commas separate the names */
    char ix[1024];
    if (dys_indices_text(p->indices, ix, sizeof ix) > 0)
        n += (size_t)snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0, " indices=%s",
                              ix);
    return n;
}

void dys_result_free(dys_result *r)
{
    if (!r)
        return;
    free(r->study_id);
    free(r->source);
    for (size_t i = 0; r->rec && i < r->n_rec; i++) {
        free(r->rec[i].source);
        dys_beat_list_free(&r->rec[i].beats);
    }
    free(r->rec);
    for (size_t i = 0; r->meta && i < r->n_meta; i++) {
        free(r->meta[i].key);
        free(r->meta[i].value);
        free(r->meta[i].file);
    }
    free(r->meta);
    dys_strlist_free(r->warnings, r->n_warnings);
    free(r);
}

static dys_status check_params(dys_ctx *ctx, const dys_params *p)
{
    if (!(p->lowpass_hz == DYS_LOWPASS_AUTO || p->lowpass_hz >= 0))
        return dys_fail(ctx, DYS_ERR_INVALID, "low-pass cut-off must be > 0 Hz, auto or off");
    if (!(p->first_peak_fraction > 0 && p->first_peak_fraction <= 1))
        return dys_fail(ctx, DYS_ERR_INVALID, "first-peak fraction must be in (0, 1]");
    if (p->min_segments_12 < 2 || p->min_segments_12 > 12 || p->min_segments_6 < 2 ||
        p->min_segments_6 > 6)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "minimum segments must be 2..12 (of 12) and 2..6 (of 6)");
    if (!(p->ectopic_rr_frac > 0 && p->ectopic_rr_frac < 1))
        return dys_fail(ctx, DYS_ERR_INVALID, "ectopic RR fraction must be in (0, 1)");
    if (p->avc_estimate != DYS_AVC_CURVES && p->avc_estimate != DYS_AVC_HEART_RATE)
        return dys_fail(ctx, DYS_ERR_INVALID, "unknown AVC estimate method");
    if (!(p->max_gap_ms > 0) || !(p->low_amplitude_cm_s >= 0))
        return dys_fail(ctx, DYS_ERR_INVALID, "gap and amplitude limits must be positive");
    int any = 0;
    for (int i = 0; i < DYS_N_INDICES; i++)
        any |= dys_params_wants(p, i);
    if (!any)
        return dys_fail(ctx, DYS_ERR_INVALID, "no index is requested (dys_params.indices)");
    /* "at or above the cut-off is dyssynchrony" has no meaning for a
     * shortening that is negative and a function, not a timing, index */
    if (!isnan(p->cutoff[DYS_IDX_GLOBAL_STRAIN_PEAK]))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "a cut-off for global_strain_peak_pct: global strain is not a "
                        "dyssynchrony index, and no cut-off classifies it");
    return DYS_OK;
}

static dys_status copy_warnings(dys_result *r, char **w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (dys_strlist_add(&r->warnings, &r->n_warnings, "%s", w[i]) != DYS_OK)
            return DYS_ERR_NOMEM;
    return DYS_OK;
}

/* The beats of every recording, before the events (a detected RR can
 * give the heart rate the event estimate needs). */
static dys_status find_beats(dys_ctx *ctx, const dys_study *s, const dys_params *p,
                             dys_result *r)
{
    for (size_t i = 0; i < s->n_rec; i++) {
        const dys_recording *rec = &s->rec[i];
        dys_result_rec *rr = &r->rec[i];
        rr->view = rec->view;
        rr->frame_interval_ms = dys_median_interval(rec->t_ms, rec->n);
        rr->contour = rec->contour;
        rr->global_strain_peak_pct = NAN;
        if (!(rr->source = dys_strdup(rec->source)))
            return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        dys_status st = dys_recording_beats(ctx, rec, p, &rr->beats);
        if (st != DYS_OK)
            return st;
    }
    /* Views come from different heartbeats: say when their rates differ. */
    double ref = s->hr_bpm;
    const char *ref_how = "hr_bpm";
    if (isnan(ref)) {
        ref = dys_views_median_hr(r);
        ref_how = "the median of the views";
    }
    for (size_t i = 0; isfinite(ref) && i < r->n_rec; i++) {
        double h = r->rec[i].beats.hr_bpm;
        if (isfinite(h) && fabs(h - ref) > 0.10 * ref)
            dys_strlist_add(&r->warnings, &r->n_warnings,
                            "%s: heart rate %.0f bpm differs by %.0f %% from the "
                            "study's %.0f bpm (%s): Ts depends on heart rate",
                            r->rec[i].source, h, 100.0 * fabs(h - ref) / ref, ref,
                            ref_how);
    }
    return DYS_OK;
}

/* The study's RR: the median of the views' (from their beats), else
 * hr_bpm, else the export's cycle; NAN when unknown. */
static double study_rr(const dys_study *s, const dys_result *r)
{
    double v[64];
    size_t n = 0;
    for (size_t i = 0; i < r->n_rec && n < 64; i++)
        if (isfinite(r->rec[i].beats.hr_bpm))
            v[n++] = 60000.0 / r->rec[i].beats.hr_bpm;
    if (n)
        return dys_quantile(v, n, 0.5);
    if (isfinite(s->hr_bpm))
        return 60000.0 / s->hr_bpm;
    for (size_t i = 0; i < s->n_rec; i++)
        if (isfinite(s->rec[i].cycle_ms))
            return s->rec[i].cycle_ms;
    return NAN;
}

/* Cross-correlation delays of the opposing pairs whose two segments this
 * recording holds (cyc: their cycle samples, nb beats each; the mean over
 * the beats where both have a cycle). */
static dys_status pair_delays(dys_ctx *ctx, double *const cyc[DYS_N_SEGMENTS],
                              const double *rrs, size_t nb, dys_result *r)
{
    for (int q = 0; q < 3; q++) {
        const double *a = cyc[dys_opposing_pairs[q][0]], *b = cyc[dys_opposing_pairs[q][1]];
        if (!a || !b)
            continue;
        double sum = 0;
        int n = 0;
        for (size_t k = 0; k < nb; k++) {
            const double *x = a + k * DYS_CYCLE_N, *y = b + k * DYS_CYCLE_N;
            if (isnan(x[0]) || isnan(y[0]))
                continue;
            double dl, corr;
            dys_status st = dys_xcorr_delay(ctx, x, y, DYS_CYCLE_N, rrs[k], &dl, &corr);
            if (st != DYS_OK)
                return st;
            if (isfinite(dl)) {
                sum += dl;
                n++;
            }
        }
        if (n)
            r->xcorr_ms[q] = sum / n;
    }
    return DYS_OK;
}

/* Ts of every segment of one recording, over its accepted beats.  keep:
 * a strain study's conditioned curves for lbbb.c, or NULL. */
static dys_status measure_recording(dys_ctx *ctx, const dys_study *s, size_t ri,
                                    const dys_params *p, dys_result *r,
                                    dys_strain_curves *keep)
{
    const dys_recording *rec = &s->rec[ri];
    dys_beat_list *bl = &r->rec[ri].beats;
    double dt = r->rec[ri].frame_interval_ms;
    double dur = rec->t_ms[rec->n - 1] - rec->t_ms[0];
    if (s->trace == DYS_TRACE_VELOCITY && dt > 1000.0 / 95.0 && !rec->contour.from_contour)
        dys_strlist_add(&r->warnings, &r->n_warnings,
                        "%s: frame rate %.0f fps is below the 100 fps advised for "
                        "longitudinal tissue Doppler", rec->source, 1000.0 / dt);
    /* Velocity differentiated from speckle tracking is not tissue Doppler:
     * the advice above is not its own, but its peaks are timed to within
     * a frame all the same (strain at these rates is the norm: no
     * warning). */
    if (s->trace == DYS_TRACE_VELOCITY && dt > 1000.0 / 95.0 && rec->contour.from_contour)
        dys_strlist_add(&r->warnings, &r->n_warnings,
                        "%s: velocity differentiated from speckle-tracking positions at %.0f "
                        "fps: a peak's time is known to within about a frame (%.0f ms), "
                        "tissue Doppler's at 100 fps or more to within 10 ms", rec->source,
                        1000.0 / dt, dt);
    if (bl->source == DYS_ONSET_ASSUMED) {
        double rr = isnan(s->hr_bpm) ? 1000.0 : 60000.0 / s->hr_bpm;
        if (dur > 1.5 * rr)
            dys_strlist_add(&r->warnings, &r->n_warnings,
                            "%s: %.0f ms long (about %.1f beats) but without QRS "
                            "onsets or ECG: t = 0 is taken as the QRS onset of a "
                            "single beat; give qrs_onsets_ms to analyse every beat",
                            rec->source, dur, dur / rr);
    }
    if (bl->source == DYS_ONSET_DETECTED && bl->ecg_inverted)
        dys_strlist_add(&r->warnings, &r->n_warnings,
                        "%s: the ECG's QRS is mainly negative (inverted lead?)",
                        rec->source);
    const double avo = r->rec[ri].avo_ms, avc = r->rec[ri].avc_ms;
    /* Beats whose ejection window lies outside the recording. */
    for (size_t b = 0; b < bl->n; b++) {
        dys_beat *bt = &bl->beat[b];
        double a = bt->onset_ms + avo, e = bt->onset_ms + avc;
        if (bt->accepted && (a < rec->t_ms[0] || e > rec->t_ms[rec->n - 1])) {
            bt->accepted = 0;
            snprintf(bt->why, sizeof bt->why,
                     "the recording (%.0f..%.0f ms) does not cover this beat's "
                     "ejection window (%.0f..%.0f ms)", rec->t_ms[0],
                     rec->t_ms[rec->n - 1], a, e);
        }
    }
    /* The beat before a premature one (beats.c): kept, unless the
     * premature QRS comes before its AVC and so cuts its ejection. */
    double med_rr = isfinite(bl->hr_bpm) ? 60000.0 / bl->hr_bpm : NAN;
    for (size_t b = 0; b + 1 < bl->n; b++) {
        dys_beat *bt = &bl->beat[b];
        if (bt->accepted && bt->rr_ms < avc) {
            bt->accepted = 0;
            snprintf(bt->why, sizeof bt->why,
                     "ejection cut: the next QRS comes %.0f ms after this one, before its "
                     "AVC (%.0f ms)", bt->rr_ms, avc);
        }
    }
    enum { MAX_BEATS = DYS_MAX_BEAT_TS }; /* more are not measured (a warning says) */
    double onsets[MAX_BEATS], win_lo[MAX_BEATS], win_hi[MAX_BEATS], rrs[MAX_BEATS];
    double rr_next[MAX_BEATS];
    size_t nb = 0;
    const char *no_beat = NULL;
    /* a beat's RR: to the next onset, else the view's or study's rate */
    double rr_else = isfinite(bl->hr_bpm) ? 60000.0 / bl->hr_bpm
                     : isfinite(s->hr_bpm) ? 60000.0 / s->hr_bpm
                                           : rec->cycle_ms;
    for (size_t b = 0; b < bl->n && nb < MAX_BEATS; b++) {
        if (!bl->beat[b].accepted) {
            if (!no_beat)
                no_beat = bl->beat[b].why;
            continue;
        }
        onsets[nb] = bl->beat[b].onset_ms;
        rr_next[nb] = isfinite(bl->beat[b].rr_ms) ? bl->beat[b].rr_ms : rr_else;
        /* a cycle cut short by a premature beat is no whole cycle: the
         * whole-cycle measures leave it out (NAN) */
        int cut = isfinite(med_rr) && bl->beat[b].rr_ms < (1.0 - p->ectopic_rr_frac) * med_rr;
        rrs[nb] = cut ? NAN : rr_next[nb];
        win_lo[nb] = onsets[nb] + avo;
        win_hi[nb] = onsets[nb] + avc;
        nb++;
    }
    if (nb == MAX_BEATS)
        dys_strlist_add(&r->warnings, &r->n_warnings,
                        "%s: only the first %d accepted beats are measured",
                        rec->source, MAX_BEATS);
    if (nb == 0) {
        char all[300];
        if (dys_beats_all_rejected(bl, all, sizeof all))
            dys_strlist_add(&r->warnings, &r->n_warnings,
                            "%s: %s: no segment of this view is measured", rec->source, all);
        for (int k = 0; k < DYS_N_SEGMENTS; k++)
            if (rec->seg[k]) {
                r->seg[k].rec = (int)ri;
                snprintf(r->seg[k].reason, sizeof r->seg[k].reason,
                         "no beat to measure: %s", no_beat ? no_beat : "none found");
            }
        return DYS_OK;
    }
    dys_axis ax; /* shared by the segments */
    if (dys_axis_init(&ax, rec->t_ms, rec->n, p->lowpass_hz != DYS_LOWPASS_OFF) != DYS_OK) {
        dys_axis_free(&ax);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    if (s->trace == DYS_TRACE_STRAIN) {
        dys_status st = DYS_OK;
        for (int k = 0; k < DYS_N_SEGMENTS && st == DYS_OK; k++) {
            if (!rec->seg[k])
                continue;
            r->seg[k].rec = (int)ri;
            st = dys_measure_strain(ctx, s, ri, &ax, k, onsets, rr_next, nb, avo, avc, p,
                                    &r->seg[k], keep);
        }
        dys_axis_free(&ax);
        return st;
    }
    double *cyc[DYS_N_SEGMENTS] = {0}; /* basal segments' cycles, for pairs */
    dys_status st_out = DYS_OK;
    /* the whole-cycle stages only the indices asked for need (--indices) */
    const unsigned what = (dys_wants_family(p, "ts_variants") ? DYS_CYCLE_VARIANTS : 0u) |
                          (dys_wants_family(p, "cycle") ? DYS_CYCLE_PHASE : 0u);
    const int pairs = dys_wants_family(p, "xcorr");
    dys_harmonics hm; /* the phase's table, once per recording */
    if (what & DYS_CYCLE_PHASE)
        dys_harmonics_init(&hm);
    for (int k = 0; k < DYS_N_SEGMENTS && st_out == DYS_OK; k++) {
        if (!rec->seg[k])
            continue;
        dys_segment_result *sr = &r->seg[k];
        sr->rec = (int)ri;
        dys_curve c;
        dys_status st = dys_curve_init(ctx, &c, &ax, rec->t_ms, rec->seg[k], rec->n, win_lo,
                                       win_hi, nb, p, 1, sr->reason, sizeof sr->reason);
        if (st == DYS_ERR_ANALYSIS)
            continue; /* stays missing, with the reason */
        if (st != DYS_OK) {
            st_out = st;
            break;
        }
        sr->lowpass_hz = c.lowpass_hz;
        sr->noise_cm_s = c.noise_sd;
        double sum = 0, ss = 0, peak = 0, to_sum = 0;
        int used = 0, any_ok = 0, to_n = 0;
        unsigned flags = 0;
        dys_beat_ts bt[MAX_BEATS];
        double tsb[MAX_BEATS];
        unsigned char in_mean[MAX_BEATS] = {0};
        /* A beat is ok when nothing makes its Ts unreliable; the segment
         * averages its ok beats, or its indeterminate ones if none is ok. */
        for (size_t b = 0; b < nb; b++) {
            dys_measure_beat(&c, onsets[b], avo, avc, p, &bt[b]);
            if (bt[b].measured && !(bt[b].flags & DYS_FLAGS_INDETERMINATE))
                any_ok = 1;
        }
        const char *why = NULL;
        for (size_t b = 0; b < nb; b++) {
            if (!bt[b].measured || isnan(bt[b].ts_ms) ||
                (any_ok && (bt[b].flags & DYS_FLAGS_INDETERMINATE))) {
                if (!why && bt[b].why[0])
                    why = bt[b].why;
                if (bt[b].measured)
                    flags |= bt[b].flags & DYS_FLAG_NO_POSITIVE_PEAK;
                continue;
            }
            sum += bt[b].ts_ms;
            ss += bt[b].ts_ms * bt[b].ts_ms;
            tsb[b] = bt[b].ts_ms;
            in_mean[b] = 1;
            if (isfinite(bt[b].to_ms)) {
                to_sum += bt[b].to_ms;
                to_n++;
            }
            peak += bt[b].peak;
            flags |= bt[b].flags;
            if (!why && bt[b].why[0])
                why = bt[b].why;
            used++;
        }
        if (used > 0 && (what || (pairs && k < 6)))
            st_out = dys_segment_cycle(ctx, &c, onsets, rrs, rr_next, tsb, in_mean, nb, avo,
                                       avc, what, &hm, sr, pairs && k < 6 ? &cyc[k] : NULL);
        dys_curve_free(&c);
        if (st_out != DYS_OK)
            break;
        sr->n_beats = used;
        sr->flags = flags;
        sr->n_ts_beats = (int)nb;
        for (size_t b = 0; b < nb; b++)
            sr->ts_beat_ms[b] = in_mean[b] ? tsb[b] : NAN;
        if (used == 0) {
            int measured = 0;
            for (size_t b = 0; b < nb; b++)
                measured |= bt[b].measured;
            sr->status = measured ? DYS_SEG_INDETERMINATE : DYS_SEG_MISSING;
            snprintf(sr->reason, sizeof sr->reason, "%s", why ? why : "no beat measured");
            continue;
        }
        sr->ts_ms = sum / used;
        sr->to_ms = to_n ? to_sum / to_n : NAN;
        sr->peak_cm_s = peak / used;
        sr->ts_beat_sd_ms = used > 1 ? sqrt(fmax(0, (ss - sum * sum / used) / (used - 1))) : NAN;
        sr->status = (flags & DYS_FLAGS_INDETERMINATE) ? DYS_SEG_INDETERMINATE : DYS_SEG_OK;
        snprintf(sr->reason, sizeof sr->reason, "%s",
                 sr->status == DYS_SEG_OK &&
                 !(flags & (DYS_FLAG_MULTIPLE_PEAKS | DYS_FLAG_UNCERTAIN_TIMING)) ? ""
                 : why ? why : "several peaks of similar height in the window");
    }
    dys_axis_free(&ax);
    if (st_out == DYS_OK)
        st_out = pair_delays(ctx, cyc, rrs, nb, r);
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        free(cyc[k]);
    return st_out;
}

/* A segment from which the reader dropped more than 5 % of its samples as
 * impossible or isolated spikes (plausible.c) is indeterminate: the
 * spline bridges a lone dropped frame within a frame's error, but a curve
 * with many is broken (a tracking failure, a corrupted export) in ways
 * the dropped samples only hint at.  5 %: one spike per beat at 40
 * frames/s stays below it, one every few frames does not. */
static void distrust_dropped(const dys_study *s, dys_result *r)
{
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        dys_segment_result *sr = &r->seg[k];
        if (sr->rec < 0 || (size_t)sr->rec >= s->n_rec || sr->status != DYS_SEG_OK)
            continue;
        const dys_recording *rec = &s->rec[sr->rec];
        size_t dropped = rec->n_dropped[k], kept = 0;
        for (size_t i = 0; rec->seg[k] && i < rec->n; i++)
            kept += !isnan(rec->seg[k][i]);
        if (dropped == 0 || dropped * 20 <= dropped + kept)
            continue;
        sr->status = DYS_SEG_INDETERMINATE;
        snprintf(sr->reason, sizeof sr->reason,
                 "%zu of its %zu samples were impossible or isolated spikes and "
                 "were dropped (more than 5 %%; the warnings name them)",
                 dropped, dropped + kept);
    }
}

dys_status dys_analyze(dys_ctx *ctx, const dys_study *s, const dys_params *params,
                       dys_result **out)
{
    dys_params def;
    if (!params) {
        dys_params_defaults(&def);
        params = &def;
    }
    *out = NULL;
    dys_status st = check_params(ctx, params);
    if (st != DYS_OK)
        return st;
    /* Studies may come from API users, not only from the readers. */
    for (size_t i = 0; i < s->n_rec; i++) {
        const dys_recording *rec = &s->rec[i];
        int ok = rec->n >= 3 && rec->t_ms && isfinite(rec->t_ms[0]);
        for (size_t k = 1; ok && k < rec->n; k++)
            ok = isfinite(rec->t_ms[k]) && rec->t_ms[k] > rec->t_ms[k - 1];
        if (!ok)
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "%s: recording %zu needs at least 3 samples with finite, "
                            "strictly increasing times", s->source, i + 1);
    }
    if (s->n_rec == 0)
        return dys_fail(ctx, DYS_ERR_INVALID, "%s: the study has no recording", s->source);
    dys_result *r = calloc(1, sizeof *r);
    if (!r)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    r->params = *params;
    r->trace = s->trace;
    r->strain_direction = s->strain_direction;
    r->study_id = dys_strdup(s->study_id);
    r->source = dys_strdup(s->source);
    r->lv_pep_ms = s->lv_pep_ms;
    r->rv_pep_ms = s->rv_pep_ms;
    r->spwmd_ms = s->spwmd_ms;
    r->filling_time_pct_rr = s->filling_time_pct_rr;
    r->n_rec = s->n_rec;
    r->rec = dys_calloc(s->n_rec, sizeof *r->rec);
    r->n_meta = s->n_meta;
    r->meta = dys_calloc(s->n_meta, sizeof *r->meta);
    int oom = !r->rec || !r->meta;
    for (size_t i = 0; !oom && i < s->n_meta; i++) {
        r->meta[i].key = dys_strdup(s->meta[i].key);
        r->meta[i].value = dys_strdup(s->meta[i].value);
        r->meta[i].file = dys_strdup(s->meta[i].file);
        r->meta[i].line = s->meta[i].line;
        oom = !r->meta[i].key || !r->meta[i].value || !r->meta[i].file;
    }
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        r->seg[k].status = DYS_SEG_MISSING;
        r->seg[k].ts_ms = r->seg[k].peak_cm_s = NAN;
        r->seg[k].ts_beat_sd_ms = r->seg[k].to_ms = NAN;
        r->seg[k].ts_rr_pct = r->seg[k].ts_ep_pct = r->seg[k].ts_ps_ms = NAN;
        r->seg[k].phase_deg = r->seg[k].disp_phase_deg = r->seg[k].psi_pct = NAN;
        r->seg[k].dlc = -1;
        r->seg[k].strain_ttp_ms = r->seg[k].strain_ttp_es_ms = NAN;
        r->seg[k].peak_strain_pct = r->seg[k].strain_psi_pct = NAN;
        r->seg[k].rec = -1;
        snprintf(r->seg[k].reason, sizeof r->seg[k].reason, "not in the study");
    }
    /* The 18-segment model when any recording holds an apical segment:
     * the outputs then list all 18 (the absent ones "not in the study"),
     * else the 12 as before. */
    r->model_segments = DYS_N_SEGMENTS_12;
    for (size_t i = 0; i < s->n_rec; i++)
        for (int k = DYS_N_SEGMENTS_12; k < DYS_N_SEGMENTS; k++)
            if (s->rec[i].seg[k])
                r->model_segments = DYS_N_SEGMENTS;
    if (oom || !r->study_id || !r->source || copy_warnings(r, s->warnings, s->n_warnings)) {
        dys_result_free(r);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    st = find_beats(ctx, s, params, r);
    if (st == DYS_OK)
        st = dys_events(ctx, s, params, r);
    for (int k = 0; k < 3; k++)
        r->xcorr_ms[k] = NAN;
    /* the strain stage's curves, kept only for the markers that sample
     * them (lbbb.c) */
    dys_strain_curves kept;
    memset(&kept, 0, sizeof kept);
    dys_strain_curves *keep = dys_wants_family(params, "lbbb") ? &kept : NULL;
    for (size_t i = 0; st == DYS_OK && i < s->n_rec; i++)
        st = measure_recording(ctx, s, i, params, r, keep);
    for (size_t i = 0; st == DYS_OK && i < s->n_rec; i++) {
        const dys_beat_list *bl = &r->rec[i].beats;
        double rr_else = isfinite(bl->hr_bpm)   ? 60000.0 / bl->hr_bpm
                         : isfinite(s->hr_bpm) ? 60000.0 / s->hr_bpm
                                               : s->rec[i].cycle_ms;
        if (dys_wants_family(params, "global"))
            r->rec[i].global_strain_peak_pct = dys_global_strain_peak(&s->rec[i], bl, rr_else);
        r->rec[i].apical_transverse_mm =
            dys_wants_family(params, "rocking")
                ? dys_apex_excursion(&s->rec[i], bl, r->rec[i].avo_ms, r->rec[i].avc_ms)
                : NAN;
    }
    r->rr_ms = study_rr(s, r);
    if (st != DYS_OK) {
        dys_strain_curves_free(&kept);
        dys_result_free(r);
        return st;
    }
    distrust_dropped(s, r);
    /* Myocardial work (work.c): strain with LV pressure and the valve
     * events, once each view's events are known. */
    st = dys_work_analyze(ctx, s, params, r);
    /* the LBBB strain markers (lbbb.c), from the segments' statuses */
    if (st == DYS_OK)
        st = dys_lbbb_analyze(ctx, s, params, r, &kept);
    dys_strain_curves_free(&kept);
    if (st != DYS_OK) {
        dys_result_free(r);
        return st;
    }
    dys_compute_indices(r, params);
    dys_crt_eligibility(s, r);
    dys_lead_target(s, r);
    dys_response_factors(s, r);
    if (r->echocrt_warning[0])
        dys_strlist_add(&r->warnings, &r->n_warnings, "%s", r->echocrt_warning);
    char causes[DYS_N_INDICES][DYS_NULL_CAUSE_MAX]; /* at most one cause per index */
    int nc = dys_null_causes(r, causes, DYS_N_INDICES);
    for (int i = 0; i < nc; i++)
        dys_strlist_add(&r->warnings, &r->n_warnings, "%s", causes[i]);
    *out = r;
    return DYS_OK;
}
