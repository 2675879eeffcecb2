/*
 * beats.c - which beats of a recording are measured.
 *
 * QRS onsets, in this order: given (qrs_onsets_ms / qrs_onset_ms,
 * docs/format.md), else an export's cycle markers (EchoPAC's left and right
 * markers: the scanner's own QRS triggers, which delimit the cycle it
 * exported; a 60-fps export can be too coarse for our detector, which then
 * placed the onset on the P wave), else detected on the ECG column
 * (ecg.c), else t = 0 as the onset of a single beat.
 * Rules (documented in docs/indices.md, "How Ts is measured"; each
 * rejection says why).  A premature beat is the one that starts early:
 * the beat AFTER the short RR.
 *  - premature (ectopic): a beat whose preceding RR is shorter than the
 *    recording's median RR by more than ectopic_rr_frac (default 20 %) is
 *    rejected: it fills less, and a ventricular ectopic beat also activates
 *    the ventricle from its own focus, so its timing is not the patient's
 *    conducted pattern;
 *  - after a pause (post-extrasystolic): a beat whose preceding RR is
 *    longer than the median by more than ectopic_rr_frac is rejected: after
 *    the compensatory pause, filling and post-extrasystolic potentiation
 *    change its contraction (Cooper, Circulation 1993;88:2962);
 *  - the beat BEFORE a premature one is kept: its RR to the next onset is
 *    short, but its own filling and activation were sinus.  The analysis
 *    (analyze.c) rejects it only if the premature QRS comes before its AVC
 *    (its ejection would be cut), and leaves it out of the whole-cycle
 *    measures (phase, displacement, cross-correlation, Ts/RR), whose
 *    cycle the premature beat cuts short;
 *  - the first beat has no preceding RR in the recording: it is rejected
 *    when the RR after it is long by more than ectopic_rr_frac (it may be a
 *    premature beat followed by its compensatory pause), and kept when
 *    that RR is short (the next beat is the premature one);
 *  Timing is thus averaged over sinus beats only, in the spirit of the
 *  echo guidelines' averaging of several beats in irregular rhythm
 *  (Nagueh, JASE 2016;29:277).
 *  - incomplete: with several beats, the last onset's beat is kept only if
 *    the recording runs on for at least 80 % of the median RR after it;
 *    the partial beat before the first onset has no onset and is never
 *    measured;
 * The analysis (analyze.c) also rejects beats whose ejection window the
 * recording does not cover.
 */
#include "ecg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dys_onset_source_name(dys_onset_source s)
{
    switch (s) {
    case DYS_ONSET_GIVEN: return "given";
    case DYS_ONSET_DETECTED: return "detected";
    case DYS_ONSET_MARKERS: return "export markers";
    case DYS_ONSET_ASSUMED: break;
    }
    return "assumed t=0";
}

const char *dys_onset_source_phrase(dys_onset_source s)
{
    switch (s) {
    case DYS_ONSET_GIVEN: return "given";
    case DYS_ONSET_DETECTED: return "detected on the ECG";
    case DYS_ONSET_MARKERS: return "taken from the export's cycle markers";
    case DYS_ONSET_ASSUMED: break;
    }
    return "assumed at t = 0";
}

double dys_views_median_hr(const dys_result *r)
{
    double h[64];
    size_t n = 0;
    for (size_t i = 0; i < r->n_rec && n < 64; i++)
        if (isfinite(r->rec[i].beats.hr_bpm))
            h[n++] = r->rec[i].beats.hr_bpm;
    return n ? dys_quantile(h, n, 0.5) : NAN;
}

int dys_beats_all_rejected(const dys_beat_list *b, char *buf, size_t cap)
{
    if (cap)
        buf[0] = '\0';
    if (!b || b->n == 0)
        return 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->beat[i].accepted)
            return 0;
    size_t n = (size_t)snprintf(buf, cap, "all %zu beat%s rejected: %s", b->n,
                                b->n == 1 ? "" : "s", b->beat[0].why);
    /* the other kinds of reason (the word before the first ':') */
    for (size_t i = 1; i < b->n && n < cap; i++) {
        size_t k = strcspn(b->beat[i].why, ":");
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcspn(b->beat[j].why, ":") == k && !strncmp(b->beat[j].why, b->beat[i].why, k);
        if (!seen)
            n += (size_t)snprintf(buf + n, cap - n, "; also %.*s", (int)k, b->beat[i].why);
    }
    return 1;
}

void dys_beat_list_free(dys_beat_list *b)
{
    if (!b)
        return;
    free(b->beat);
    memset(b, 0, sizeof *b);
}

dys_status dys_recording_beats(dys_ctx *ctx, const dys_recording *rec,
                               const dys_params *p, dys_beat_list *out)
{
    memset(out, 0, sizeof *out);
    out->hr_bpm = NAN;
    double zero = 0.0;
    const double *on = &zero;
    size_t n = 1;
    dys_beats det = {0};
    double marks[2] = {rec->cycle_start_ms, rec->cycle_start_ms + rec->cycle_ms};
    if (rec->n_qrs_onsets) {
        on = rec->qrs_onsets_ms;
        n = rec->n_qrs_onsets;
        out->source = DYS_ONSET_GIVEN;
    } else if (isfinite(marks[0]) && isfinite(marks[1])) {
        on = marks;
        n = marks[1] <= rec->t_ms[rec->n - 1] ? 2 : 1; /* a marker past the end: none */
        out->source = DYS_ONSET_MARKERS;
    } else if (rec->ecg_mv) {
        dys_status st = dys_detect_qrs(ctx, rec->t_ms, rec->ecg_mv, rec->n, &det);
        if (st != DYS_OK) {
            char why[DYS_ERRMSG_MAX];
            const char *e = dys_ctx_error(ctx);
            snprintf(why, sizeof why, "%s", strncmp(e, "ECG: ", 5) ? e : e + 5);
            return dys_fail(ctx, st, "%s: ECG: %s; give qrs_onsets_ms if the ECG "
                            "cannot be read", rec->source, why);
        }
        if (det.n == 0) {
            dys_beats_free(&det);
            return dys_fail(ctx, DYS_ERR_ANALYSIS,
                            "%s: no QRS complex found on the ECG; give "
                            "qrs_onsets_ms", rec->source);
        }
        on = det.onset_ms;
        n = det.n;
        out->source = DYS_ONSET_DETECTED;
        out->ecg_inverted = det.inverted;
    } else {
        out->source = DYS_ONSET_ASSUMED;
    }
    out->beat = calloc(n, sizeof *out->beat);
    double *rr = n > 1 ? malloc((n - 1) * sizeof *rr) : NULL;
    if (!out->beat || (n > 1 && !rr)) {
        free(rr);
        dys_beats_free(&det);
        dys_beat_list_free(out);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        out->beat[i].onset_ms = on[i];
        out->beat[i].rr_ms = i + 1 < n ? on[i + 1] - on[i] : NAN;
        out->beat[i].accepted = 1;
        if (i + 1 < n)
            rr[i] = on[i + 1] - on[i];
    }
    dys_beats_free(&det);
    double med = n > 1 ? dys_quantile(rr, n - 1, 0.5) : NAN;
    free(rr);
    if (isfinite(med) && med > 0)
        out->hr_bpm = 60000.0 / med;
    double t_end = rec->t_ms[rec->n - 1];
    for (size_t i = 0; i < n; i++) {
        dys_beat *b = &out->beat[i];
        if (n > 1) {
            /* the RR before the beat; the first beat: the RR after it,
             * which only condemns it when long (see the rules above) */
            double x = i > 0 ? out->beat[i - 1].rr_ms : b->rr_ms;
            double dev = (x - med) / med;
            if (fabs(dev) > p->ectopic_rr_frac && (i > 0 || dev > 0)) {
                b->accepted = 0;
                if (i == 0)
                    snprintf(b->why, sizeof b->why,
                             "possibly premature: RR after %.0f ms is %.0f %% longer than the "
                             "median %.0f ms (limit %.0f %%); RR before not recorded", x,
                             100.0 * dev, med,
                             100.0 * p->ectopic_rr_frac);
                else if (dev < 0)
                    snprintf(b->why, sizeof b->why,
                             "ectopic (premature): RR before %.0f ms is %.0f %% shorter than "
                             "the median %.0f ms (limit %.0f %%)", x, -100.0 * dev, med,
                             100.0 * p->ectopic_rr_frac);
                else
                    snprintf(b->why, sizeof b->why,
                             "after a pause (post-extrasystolic): RR before %.0f ms is %.0f %% "
                             "longer than the median %.0f ms (limit %.0f %%)", x, 100.0 * dev,
                             med, 100.0 * p->ectopic_rr_frac);
            }
            if (b->accepted && i + 1 == n && t_end - b->onset_ms < 0.8 * med) {
                b->accepted = 0;
                snprintf(b->why, sizeof b->why,
                         "incomplete: the recording ends %.0f ms after this QRS "
                         "onset (median RR %.0f ms)", t_end - b->onset_ms, med);
            }
        }
    }
    return DYS_OK;
}
