/*
 * events.c - the ejection window of each view: aortic valve opening (AVO)
 * and closure (AVC), in ms from the view's own QRS onsets.
 *
 * Each view was acquired on other beats, at its own heart rate, so each
 * gets its own window.  In this order:
 *   AVO: --avo; the view file's avo_ms; the study's (the value the files
 *        that give one agree on); else estimated: the pre-ejection period
 *        of Weissler, Harris & Schoenfeld (Circulation 1968;37:149),
 *        PEP = 132.0 - 0.40 HR (their equations for men and women
 *        averaged), at the view's heart rate; when AVC is given, AVO is
 *        kept at least AVC - LVET(HR).
 *   AVC: --avc; the view file's avc_ms; the study's; an EchoPAC export's
 *        ES Time; else estimated from the curves (below) and, if they do
 *        not show it, AVO + LVET with LVET = 415.5 - 1.65 HR (Weissler).
 * The view's heart rate comes from its own beats (given or detected QRS
 * onsets), else hr_bpm, else the export's cycle markers, else the median
 * of the other views'.  Estimated events are marked, with their method,
 * and warned about: heart failure lengthens PEP and shortens LVET.
 *
 * AVC from the curves (Aase, Eur J Echocardiogr 2008;9:555-559, 73
 * recordings against high-frame-rate B-mode: the initial negative
 * velocity spike at end-systole comes 26.7 +- 6.2 ms before AVC, the
 * return to zero velocity after it 2.6 +- 8.2 ms before).  In each basal
 * and mid segment of the view (conditioned as for Ts, the automatic
 * low-pass tuned around the expected AVC) and each accepted beat: from
 * the systolic peak (between AVO and the heart-rate AVC) forward to the
 * first fall below zero (the spike, within the heart-rate AVC + 100 ms),
 * then the first return to zero within 100 ms, after a dip of at least
 * max(0.25 cm/s, 3 noise SDs); AVC is that time + 2.6 ms (Aase's mean).
 * The view's AVC is the median over the segment beats where this is found;
 * at least two are needed, more than half of them within 15 ms of the
 * median (one noisy dip is not believed), and the ejection period must be
 * 150-500 ms.  Per segment rather than on the mean curve: segments with
 * post-systolic shortening stay positive through AVC and would hide the
 * others' notch (on synthetic studies the mean curve showed it in 82 % of
 * views, the segments in 89-99 %).  The result is cross-checked against the
 * heart-rate AVC: a difference of more than 60 ms is warned about (the
 * curves are used: they are this patient's); beyond 100 ms, more than
 * heart failure shortens the ejection time, the curves have caught another
 * event and are not used.  When the curves do not show it, or not
 * plausibly, the heart-rate estimate is used, and said to be.
 * Measured on dyssync synth (whose notch follows Aase): |error| median
 * 1.8-2.2 ms, 95th percentile 4-8 ms, worst 12 ms, the curves used in
 * 67-99 % of views by noise and frame rate (docs/accuracy.md); the
 * heart-rate estimate's median |error| there is 18-41 ms.
 */
#include "events.h"
#include "timing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AVC_SEARCH_AFTER_MS 100.0 /* the spike: within the HR AVC + this */
#define AVC_RETURN_MS 100.0       /* the return to zero within this */
#define AVC_DIP_CM_S 0.25         /* the spike's least depth ... */
#define AVC_DIP_NOISE 3.0         /* ... or this many noise SDs */
#define AVC_AGREE_MS 15.0         /* segment beats within this of the median */
#define AVC_CHECK_MS 60.0         /* curves vs heart rate: warn beyond */
#define AVC_IMPLAUSIBLE_MS 100.0  /* ... and beyond this, not used */
#define LVET_MIN_MS 150.0         /* plausible ejection periods */
#define LVET_MAX_MS 500.0
#define STEP_MS 0.5
#define AASE_OFFSET_MS 2.6         /* zero crossing to AVC (Aase's mean) */

static double weissler_pep(double hr) { return 132.0 - 0.40 * hr; }
static double weissler_lvet(double hr) { return 415.5 - 1.65 * hr; }

/* The view's heart rate and where it came from; NAN when unknown. */
static double view_hr(const dys_study *s, const dys_result *r, size_t i, const char **how)
{
    const dys_beat_list *bl = &r->rec[i].beats;
    if (isfinite(bl->hr_bpm)) {
        *how = bl->source == DYS_ONSET_DETECTED  ? "this view's ECG"
               : bl->source == DYS_ONSET_MARKERS ? "the export's cycle markers"
                                                 : "this view's QRS onsets";
        return bl->hr_bpm;
    }
    if (isfinite(s->hr_bpm)) {
        *how = "hr_bpm";
        return s->hr_bpm;
    }
    if (isfinite(s->rec[i].cycle_ms)) {
        *how = "the export's cycle markers";
        return 60000.0 / s->rec[i].cycle_ms;
    }
    *how = "the other views";
    double h = dys_views_median_hr(r);
    for (size_t j = 0; j < s->n_rec && isnan(h); j++) /* the first export cycle */
        if (isfinite(s->rec[j].cycle_ms))
            h = 60000.0 / s->rec[j].cycle_ms;
    return h;
}

/* First t in (a, b] where sign(g(t)) becomes `want_pos` (g >= 0 when
 * want_pos), refined by bisection; NAN if none. */
static double crossing(const dys_spline *sp, double a, double b, int want_pos)
{
    double prev = a;
    size_t h = 0;
    for (double t = a + STEP_MS; t <= b; t += STEP_MS) {
        double g = dys_spline_eval_near(sp, t, &h);
        if ((g >= 0) == want_pos) {
            double lo = prev, hi = t;
            for (int k = 0; k < 30; k++) {
                double mid = 0.5 * (lo + hi);
                if ((dys_spline_eval_near(sp, mid, &h) >= 0) == want_pos)
                    hi = mid;
                else
                    lo = mid;
            }
            return 0.5 * (lo + hi);
        }
        prev = t;
    }
    return NAN;
}

/* The Aase event in each beat of one conditioned curve: AVC values (ms
 * from the beat's onset) appended to val[*nv]; *tried counts the beats
 * looked at. */
static void scan_curve(const dys_curve *c, const double *on, size_t nb, double avo,
                       double avc_hr, double *val, size_t *nv, size_t *tried)
{
    double dip = fmax(AVC_DIP_CM_S, AVC_DIP_NOISE * c->noise_sd);
    for (size_t b = 0; b < nb; b++) {
        double a = on[b] + avo, e = fmin(on[b] + avc_hr, c->t_last);
        if (a < c->t_first || e <= a)
            continue;
        (*tried)++;
        double vmax, tpk = dys_spline_argmax(&c->sp, a, e, &vmax);
        double end = fmin(on[b] + avc_hr + AVC_SEARCH_AFTER_MS, c->t_last);
        double tneg = crossing(&c->sp, tpk, end, 0);
        if (isnan(tneg))
            continue;
        double tup = crossing(&c->sp, tneg, fmin(tneg + AVC_RETURN_MS, c->t_last), 1);
        if (isnan(tup))
            continue;
        double vmin = 0;
        size_t h = 0;
        for (double t = tneg; t <= tup; t += STEP_MS)
            vmin = fmin(vmin, dys_spline_eval_near(&c->sp, t, &h));
        if (vmin <= -dip)
            val[(*nv)++] = tup - on[b] + AASE_OFFSET_MS;
    }
}

/* AVC (ms from QRS onset) from the view's segments (head comment);
 * DYS_OK with *avc NAN when the curves do not show it. */
static dys_status avc_from_curves(dys_ctx *ctx, const dys_recording *rec,
                                  const dys_beat_list *bl, double avo, double avc_hr,
                                  const dys_params *p, double *avc, int *found, int *tried)
{
    *avc = NAN;
    *found = *tried = 0;
    size_t nacc = 0;
    for (size_t b = 0; b < bl->n; b++)
        nacc += bl->beat[b].accepted;
    if (nacc == 0)
        return DYS_OK;
    double *lo = malloc(nacc * sizeof *lo), *hi = malloc(nacc * sizeof *hi);
    double *on = malloc(nacc * sizeof *on);
    double *val = malloc(nacc * DYS_N_SEGMENTS_12 * sizeof *val);
    dys_axis ax;
    dys_status st = DYS_OK;
    dys_status ax_st = dys_axis_init(&ax, rec->t_ms, rec->n, p->lowpass_hz != DYS_LOWPASS_OFF);
    if (ax_st != DYS_OK || !lo || !hi || !on || !val) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t nb = 0;
    for (size_t b = 0; b < bl->n; b++)
        if (bl->beat[b].accepted) {
            on[nb] = bl->beat[b].onset_ms;
            lo[nb] = on[nb] + avc_hr - AVC_SEARCH_AFTER_MS;
            hi[nb] = on[nb] + avc_hr + AVC_SEARCH_AFTER_MS;
            nb++;
        }
    size_t nv = 0, nt = 0;
    /* The basal and mid segments only: the apex barely moves in tissue
     * Doppler (its end-systolic dip is within the noise), and a view's AVC,
     * so every Ts of the view, must not change with whether the export
     * also carried apical columns. */
    for (int k = 0; k < DYS_N_SEGMENTS_12; k++) {
        if (!rec->seg[k])
            continue;
        dys_curve c;
        char why[160];
        st = dys_curve_init(ctx, &c, &ax, rec->t_ms, rec->seg[k], rec->n, lo, hi, nb, p, 0,
                            why, sizeof why);
        if (st == DYS_ERR_ANALYSIS) {
            st = DYS_OK; /* too little signal in this segment */
            continue;
        }
        if (st != DYS_OK)
            goto out;
        scan_curve(&c, on, nb, avo, avc_hr, val, &nv, &nt);
        dys_curve_free(&c);
    }
    *found = (int)nv;
    *tried = (int)nt;
    /* at least two segment beats, most of them agreeing: one noisy dip
     * alone is not believed */
    if (nv >= 2) {
        double m = dys_quantile(val, nv, 0.5);
        size_t agree = 0;
        for (size_t i = 0; i < nv; i++)
            agree += fabs(val[i] - m) <= AVC_AGREE_MS;
        if (2 * agree > nv && m - avo >= LVET_MIN_MS && m - avo <= LVET_MAX_MS)
            *avc = m;
    }
out:
    dys_axis_free(&ax);
    free(lo);
    free(hi);
    free(on);
    free(val);
    return st;
}

/* The onset of the beat in which a time on the file's axis lies. */
static double onset_before(const dys_beat_list *bl, double t)
{
    double ref = bl->n ? bl->beat[0].onset_ms : 0.0;
    for (size_t b = 0; b < bl->n; b++)
        if (bl->beat[b].onset_ms <= t)
            ref = bl->beat[b].onset_ms;
    return ref;
}

static dys_status view_events(dys_ctx *ctx, const dys_study *s, const dys_params *p,
                              dys_result *r, size_t i)
{
    const dys_recording *rec = &s->rec[i];
    dys_result_rec *rr = &r->rec[i];
    rr->avc_curves_ms = rr->avc_heart_rate_ms = NAN;
    double avo = p->avo_ms, avc = p->avc_ms;
    const char *avo_how = "--avo", *avc_how = "--avc";
    /* a file's own value is named as such only where it is not the
     * study's (the value all files agree on) */
    if (isnan(avo)) {
        avo = isfinite(rec->avo_ms) ? rec->avo_ms : s->avo_ms;
        avo_how = avo != s->avo_ms ? "avo_ms of this view's file" : "avo_ms";
    }
    if (isnan(avc)) {
        avc = isfinite(rec->avc_ms) ? rec->avc_ms : s->avc_ms;
        avc_how = avc != s->avc_ms ? "avc_ms of this view's file" : "avc_ms";
    }
    if (isnan(avc) && isfinite(rec->avc_file_ms)) {
        avc = rec->avc_file_ms - onset_before(&rr->beats, rec->avc_file_ms);
        avc_how = "EchoPAC ES Time";
    }
    rr->avo_source = isnan(avo) ? DYS_PROV_ESTIMATED : DYS_PROV_GIVEN;
    rr->avc_source = isnan(avc) ? DYS_PROV_ESTIMATED : DYS_PROV_GIVEN;
    snprintf(rr->avo_method, sizeof rr->avo_method, "%s", avo_how);
    snprintf(rr->avc_method, sizeof rr->avc_method, "%s", avc_how);
    if (!isnan(avo) && !isnan(avc))
        goto check;

    const char *hr_how = NULL;
    double hr = view_hr(s, r, i, &hr_how);
    if (isnan(avo)) {
        if (isnan(hr))
            return dys_fail(ctx, DYS_ERR_ANALYSIS,
                            "%s: AVO not given and the heart rate is unknown, so the "
                            "ejection window cannot be estimated: give avo_ms/avc_ms "
                            "(or --avo/--avc) or hr_bpm", rec->source);
        avo = weissler_pep(hr);
        if (!isnan(avc))
            avo = fmax(avo, avc - weissler_lvet(hr));
        snprintf(rr->avo_method, sizeof rr->avo_method,
                 "Weissler 1968 pre-ejection period at %.0f bpm (from %s)", hr, hr_how);
    }
    if (isnan(avc)) {
        double guess = isfinite(hr) ? avo + weissler_lvet(hr) : NAN;
        rr->avc_heart_rate_ms = guess;
        if (p->avc_estimate == DYS_AVC_CURVES && s->trace == DYS_TRACE_VELOCITY) {
            int found, tried;
            /* without a heart rate, look around a typical ejection period */
            dys_status st = avc_from_curves(ctx, rec, &rr->beats, avo,
                                            isfinite(guess) ? guess : avo + 300.0, p,
                                            &rr->avc_curves_ms, &found, &tried);
            if (st != DYS_OK)
                return st;
            if (isfinite(rr->avc_curves_ms) && isfinite(guess) &&
                fabs(rr->avc_curves_ms - guess) > AVC_IMPLAUSIBLE_MS) {
                dys_strlist_add(&r->warnings, &r->n_warnings,
                                "%s: AVC from the curves (%.0f ms) is %.0f ms from the "
                                "heart-rate estimate (%.0f ms), more than an ejection "
                                "time varies: not used; give avc_ms", rec->source,
                                rr->avc_curves_ms, fabs(rr->avc_curves_ms - guess), guess);
            } else if (isfinite(rr->avc_curves_ms)) {
                avc = rr->avc_curves_ms;
                int n = snprintf(rr->avc_method, sizeof rr->avc_method,
                                 "curves: zero velocity after the end-systolic "
                                 "negative spike + 2.6 ms (Aase 2008), median of %d of "
                                 "%d segment beats", found, tried);
                if (isfinite(guess) && n > 0 && (size_t)n < sizeof rr->avc_method)
                    snprintf(rr->avc_method + n, sizeof rr->avc_method - (size_t)n,
                             "; heart rate gives %.0f (Weissler 1968, %.0f bpm)",
                             guess, hr);
                if (isfinite(guess) && fabs(avc - guess) > AVC_CHECK_MS)
                    dys_strlist_add(&r->warnings, &r->n_warnings,
                                    "%s: AVC from the curves (%.0f ms) and from heart "
                                    "rate (%.0f ms) differ by %.0f ms: the curves' is "
                                    "used; check it, or give avc_ms", rec->source, avc,
                                    guess, fabs(avc - guess));
            } else if (isfinite(guess) && isnan(rr->avc_curves_ms)) {
                dys_strlist_add(&r->warnings, &r->n_warnings,
                                "%s: the curves do not show AVC (no return to zero "
                                "after an end-systolic negative spike in %d of %d "
                                "segment beats, or too few agreeing): AVC estimated "
                                "from heart rate", rec->source,
                                tried - found, tried);
            }
        }
        if (isnan(avc)) {
            if (isnan(guess))
                return dys_fail(ctx, DYS_ERR_ANALYSIS,
                                "%s: AVC not given, not shown by the curves, and the "
                                "heart rate is unknown: give avc_ms (or --avc) or "
                                "hr_bpm", rec->source);
            avc = guess;
            snprintf(rr->avc_method, sizeof rr->avc_method,
                     "AVO + Weissler 1968 ejection time at %.0f bpm (from %s)", hr,
                     hr_how);
        }
    }
check:
    if (!(avc - avo >= 100.0))
        return dys_fail(ctx, DYS_ERR_ANALYSIS,
                        "%s: AVO %.1f ms and AVC %.1f ms leave no ejection period "
                        "(AVC must follow AVO by at least 100 ms)", rec->source, avo,
                        avc);
    rr->avo_ms = avo;
    rr->avc_ms = avc;
    return DYS_OK;
}

dys_status dys_events(dys_ctx *ctx, const dys_study *s, const dys_params *p, dys_result *r)
{
    for (size_t i = 0; i < s->n_rec; i++) {
        dys_status st = view_events(ctx, s, p, r, i);
        if (st != DYS_OK)
            return st;
    }
    /* The study's window: the views' common one, or their mean. */
    double so = 0, sc = 0;
    int same = 1, est_o = 0, est_c = 0;
    for (size_t i = 0; i < r->n_rec; i++) {
        const dys_result_rec *a = &r->rec[i];
        so += a->avo_ms;
        sc += a->avc_ms;
        same &= a->avo_ms == r->rec[0].avo_ms && a->avc_ms == r->rec[0].avc_ms &&
                !strcmp(a->avo_method, r->rec[0].avo_method) &&
                !strcmp(a->avc_method, r->rec[0].avc_method);
        est_o |= a->avo_source == DYS_PROV_ESTIMATED;
        est_c |= a->avc_source == DYS_PROV_ESTIMATED;
    }
    r->avo_ms = so / (double)r->n_rec;
    r->avc_ms = sc / (double)r->n_rec;
    r->events_per_view = !same;
    r->events_source = est_o || est_c ? DYS_PROV_ESTIMATED : DYS_PROV_GIVEN;
    if (same)
        snprintf(r->events_method, sizeof r->events_method, "AVO: %s; AVC: %s",
                 r->rec[0].avo_method, r->rec[0].avc_method);
    else
        snprintf(r->events_method, sizeof r->events_method,
                 "per view (the mean is shown; each view's window and method are "
                 "under recordings)");
    if (est_o || est_c) {
        char list[300] = "";
        size_t n = 0;
        for (size_t i = 0; i < r->n_rec && n < sizeof list; i++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s%sAVO %.0f, AVC %.0f",
                                  i ? "; " : "",
                                  r->rec[i].view ? dys_view_name(r->rec[i].view) : "",
                                  r->rec[i].view ? " " : "", r->rec[i].avo_ms,
                                  r->rec[i].avc_ms);
        dys_strlist_add(&r->warnings, &r->n_warnings,
                        "%s estimated (%s ms): heart failure changes these "
                        "intervals, so measure AVO/AVC by LVOT Doppler",
                        est_o && est_c ? "AVO and AVC" : est_o ? "AVO" : "AVC", list);
    }
    return DYS_OK;
}
