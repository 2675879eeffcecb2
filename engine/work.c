/*
 * work.c - myocardial work: the area of a segment's pressure-strain loop
 * (Russell et al., Eur Heart J 2012;33:724), with the constructive and
 * wasted parts of the EACVI/ASE usage (docs/indices.md, "Myocardial
 * work", has the definitions and sources).
 *
 * Per segment, over the cycle MVC..MVO, with P the LV pressure (mmHg) and
 * e the longitudinal strain (%):
 *   work index          W  = -integral of P de             (mmHg%)
 *   constructive work   CW = -integral of P de where e falls, MVC..AVC
 *                            + integral of P de where e rises, AVC..MVO
 *   wasted work         WW =  integral of P de where e rises, MVC..AVC
 *                            - integral of P de where e falls, AVC..MVO
 *   efficiency          CW / (CW + WW) x 100
 * Shortening while the ventricle builds and holds pressure (MVC..AVC,
 * isovolumic contraction and ejection) does work on the blood;
 * lengthening then absorbs it.  In isovolumic relaxation (AVC..MVO) the
 * valves are shut: lengthening is the normal relaxation and counts as
 * constructive, shortening (post-systolic) as wasted.  W is the sum of
 * the four parts with their signs, so W = CW - WW exactly when no
 * segment lengthens in relaxation; in general it is not.
 *
 * Integration.  Both curves are taken linear between their samples (the
 * strain as exported, not low-passed: an integral over 40-80 frames is
 * insensitive to frame noise, and a low-pass would round the loop's
 * corners), so the integral is computed exactly over the union of the
 * two sets of sample times, each sub-interval contributing
 * -(P0 + P1) / 2 x (e1 - e0).  On GE EchoPAC's own workbook this
 * reproduces EchoPAC's cumulative work curves to within 0.6 % of their
 * range (docs/format.md).
 *
 * Pressure.  A measured LV pressure trace when the study has one;
 * otherwise, with a cuff systolic pressure and the four valve events
 * given, Russell's construction: a normalised reference curve scaled so
 * that its peak is the cuff systolic pressure and stretched piecewise
 * between MVC, AVO, AVC and MVO.  Russell's reference comes from invasive
 * recordings and is not published as numbers; the curve here is built
 * from the textbook pressures of the cardiac cycle instead (the knots and
 * their sources: docs/indices.md).  Everything is a pure function of its
 * arguments; dys_work_analyze writes only into the result it is given.
 */
#include "work.h"
#include "indices.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the input's lifetime ------------------------------------------------ */

void dys_work_input_init(dys_work_input *w)
{
    memset(w, 0, sizeof *w);
    w->systolic_bp_mmhg = w->diastolic_bp_mmhg = NAN;
    w->mvc_ms = w->mvo_ms = NAN;
}

dys_vendor_work *dys_vendor_work_new(void)
{
    dys_vendor_work *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->gwi_mmhg_pct = v->gcw_mmhg_pct = v->gww_mmhg_pct = v->gwe_pct = NAN;
    v->trace_step_ms = NAN;
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        v->seg_wi_mmhg_pct[k] = v->seg_cw_mmhg_pct[k] = v->seg_ww_mmhg_pct[k] =
            v->seg_we_pct[k] = NAN;
    return v;
}

void dys_vendor_work_free(dys_vendor_work *v)
{
    if (!v)
        return;
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        free(v->trace_t_ms[k]);
        free(v->trace_mmhg_pct[k]);
    }
    free(v->software);
    free(v->source);
    free(v);
}

void dys_work_input_clear(dys_work_input *w)
{
    free(w->pressure_t_ms);
    free(w->pressure_mmhg);
    free(w->pressure_source);
    dys_vendor_work_free(w->vendor);
    dys_work_input_init(w);
}

/* ---- the integral ------------------------------------------------------------ */

static size_t next_finite(const double *y, size_t n, size_t i)
{
    while (i < n && !isfinite(y[i]))
        i++;
    return i;
}

static double lerp(double x0, double y0, double x1, double y1, double x)
{
    return x1 > x0 ? y0 + (y1 - y0) * (x - x0) / (x1 - x0) : y0;
}

/* The pressure at x; j is the first sample after x (0..np). */
static double pressure_at(const double *tp, const double *p, size_t np, size_t j, double x)
{
    if (j == 0)
        return p[0];
    if (j >= np)
        return p[np - 1];
    return lerp(tp[j - 1], p[j - 1], tp[j], p[j], x);
}

double dys_work_between(const double *t, const double *eps, size_t n, const double *tp,
                        const double *p, size_t np, double a, double b, double *shortening,
                        double *lengthening)
{
    if (shortening)
        *shortening = NAN;
    if (lengthening)
        *lengthening = NAN;
    if (np == 0 || !(b >= a))
        return NAN;
    /* the last finite strain sample at or before a, the first after it */
    size_t prev = n, next = next_finite(eps, n, 0);
    while (next < n && t[next] <= a) {
        prev = next;
        next = next_finite(eps, n, next + 1);
    }
    if (prev == n || (b > a && next == n && t[prev] < b))
        return NAN;
    if (b > a && next < n) {
        size_t last = next;
        for (size_t i = next; i < n; i = next_finite(eps, n, i + 1))
            last = i;
        if (t[last] < b)
            return NAN;
    }
    size_t j = 0;
    while (j < np && tp[j] <= a)
        j++;
    double x0 = a;
    double e0 = next < n ? lerp(t[prev], eps[prev], t[next], eps[next], a) : eps[prev];
    double p0 = pressure_at(tp, p, np, j, a);
    double sh = 0, le = 0;
    while (x0 < b) {
        double x1 = b;
        if (next < n && t[next] < x1)
            x1 = t[next];
        if (j < np && tp[j] < x1)
            x1 = tp[j];
        double e1 = next < n && t[next] == x1 ? eps[next]
                                                : lerp(t[prev], eps[prev], t[next], eps[next], x1);
        double p1 = j < np && tp[j] == x1 ? p[j] : pressure_at(tp, p, np, j, x1);
        double de = e1 - e0, pm = 0.5 * (p0 + p1);
        if (de < 0)
            sh -= pm * de;
        else
            le += pm * de;
        if (next < n && t[next] == x1) {
            prev = next;
            next = next_finite(eps, n, next + 1);
        }
        while (j < np && tp[j] <= x1)
            j++;
        x0 = x1;
        e0 = e1;
        p0 = p1;
    }
    if (shortening)
        *shortening = sh;
    if (lengthening)
        *lengthening = le;
    return sh - le;
}

int dys_work_events_ok(const dys_work_events *e)
{
    return isfinite(e->mvc) && isfinite(e->mvo) && isfinite(e->avo) && isfinite(e->avc) &&
           e->mvc < e->avo && e->avo < e->avc && e->avc < e->mvo;
}

int dys_work_segment(const double *t, const double *eps, size_t n, const double *tp,
                     const double *p, size_t np, const dys_work_events *e, double max_gap_ms,
                     dys_work_parts *out, char *why, size_t cap)
{
    out->sys_shortening = out->sys_lengthening = NAN;
    out->ivr_shortening = out->ivr_lengthening = NAN;
    out->index = out->constructive = out->wasted = out->efficiency_pct = NAN;
    size_t first = next_finite(eps, n, 0), last = n;
    for (size_t i = first; i < n; i = next_finite(eps, n, i + 1))
        last = i;
    if (first == n || t[first] > e->mvc || t[last] < e->mvo) {
        if (first == n)
            snprintf(why, cap, "no strain sample");
        else
            snprintf(why, cap,
                     "the strain (%.0f..%.0f ms) does not cover the cycle MVC..MVO "
                     "(%.0f..%.0f ms)", t[first], t[last], e->mvc, e->mvo);
        return -1;
    }
    for (size_t i = first, k; i < n; i = k) {
        k = next_finite(eps, n, i + 1);
        if (k == n)
            break;
        if (t[k] > e->mvc && t[i] < e->mvo && t[k] - t[i] > max_gap_ms) {
            snprintf(why, cap,
                     "a gap of %.0f ms without strain (%.0f..%.0f ms) in MVC..MVO: "
                     "longer than %.0f ms (--max-gap)", t[k] - t[i], t[i], t[k], max_gap_ms);
            return -1;
        }
    }
    dys_work_between(t, eps, n, tp, p, np, e->mvc, e->avc, &out->sys_shortening,
                     &out->sys_lengthening);
    dys_work_between(t, eps, n, tp, p, np, e->avc, e->mvo, &out->ivr_shortening,
                     &out->ivr_lengthening);
    out->index = out->sys_shortening - out->sys_lengthening + out->ivr_shortening -
                 out->ivr_lengthening;
    out->constructive = out->sys_shortening + out->ivr_lengthening;
    out->wasted = out->sys_lengthening + out->ivr_shortening;
    double sum = out->constructive + out->wasted;
    out->efficiency_pct = sum > 0 ? 100.0 * out->constructive / sum : NAN;
    if (why && cap)
        why[0] = '\0';
    return 0;
}

/* ---- the reference pressure curve --------------------------------------------- */

/* The knots, as fractions of the peak: the pressures of the cardiac cycle
 * of the physiology textbooks (Wiggers' diagram) with a peak of 120 mmHg:
 * end-diastole and mitral opening about 9 mmHg, aortic opening at the
 * aortic diastolic pressure, about 80, aortic closure about 100 (the
 * incisura); the peak 40 % into ejection. */
#define REF_END_DIASTOLIC (9.0 / 120.0)
#define REF_AVO (80.0 / 120.0)
#define REF_AVC (100.0 / 120.0)
#define REF_PEAK_AT 0.40

double dys_work_reference(double t, const dys_work_events *e)
{
    const double x[5] = {e->mvc, e->avo, e->avo + REF_PEAK_AT * (e->avc - e->avo), e->avc,
                         e->mvo};
    const double y[5] = {REF_END_DIASTOLIC, REF_AVO, 1.0, REF_AVC, REF_END_DIASTOLIC};
    if (t <= x[0] || t >= x[4])
        return REF_END_DIASTOLIC;
    /* Monotone piecewise cubic (Fritsch and Butland's slopes, as in
     * PCHIP): no overshoot between knots, zero slope at the peak and
     * where the curve meets the flat diastole at MVC and MVO. */
    double m[5] = {0, 0, 0, 0, 0};
    for (int k = 1; k < 4; k++) {
        double h0 = x[k] - x[k - 1], h1 = x[k + 1] - x[k];
        double d0 = (y[k] - y[k - 1]) / h0, d1 = (y[k + 1] - y[k]) / h1;
        if (d0 * d1 <= 0)
            continue;
        double w1 = 2 * h1 + h0, w2 = h1 + 2 * h0;
        m[k] = (w1 + w2) / (w1 / d0 + w2 / d1);
    }
    int k = 0;
    while (k < 3 && t >= x[k + 1])
        k++;
    double h = x[k + 1] - x[k], s = (t - x[k]) / h, s2 = s * s, s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * y[k] + (s3 - 2 * s2 + s) * h * m[k] +
           (-2 * s3 + 3 * s2) * y[k + 1] + (s3 - s2) * h * m[k + 1];
}

/* ---- a study's work ---------------------------------------------------------- */

/* The pressure one recording's work is computed with: the study's trace,
 * or the reference curve scaled and stretched to the recording's events
 * (own_t, own_p: to be freed). */
typedef struct {
    const double *t, *p;
    size_t n;
    double *own_t, *own_p;
} pressure;

static dys_status estimated_pressure(const dys_work_events *e, double peak, pressure *pr)
{
    /* Over MVC..MVO only, in steps of at most 1 ms (a linear
     * interpolation of the smooth curve within 1e-4 of its peak): outside
     * it the curve is flat, as the integral holds a trace's end values. */
    size_t m = (size_t)ceil(e->mvo - e->mvc);
    size_t n = m + 1;
    pr->own_t = malloc(n * sizeof *pr->own_t);
    pr->own_p = malloc(n * sizeof *pr->own_p);
    if (!pr->own_t || !pr->own_p)
        return DYS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        pr->own_t[i] = i == m ? e->mvo : e->mvc + (e->mvo - e->mvc) * (double)i / (double)m;
        pr->own_p[i] = peak * dys_work_reference(pr->own_t[i], e);
    }
    pr->t = pr->own_t;
    pr->p = pr->own_p;
    pr->n = n;
    return DYS_OK;
}

/* dyssync's cumulative work curve of segment k against the export's:
 * the largest |difference| in % of the export curve's largest |value|.
 * The export stamps each step's sum at the middle of the step (its first
 * sample, 0 at t = 0, is the start), so it is compared at t + step / 2. */
static double trace_difference(const dys_recording *rec, int k, const pressure *pr,
                               const dys_vendor_work *v)
{
    size_t n = v->trace_n[k];
    const double *vt = v->trace_t_ms[k], *vw = v->trace_mmhg_pct[k];
    double half = isfinite(v->trace_step_ms) ? 0.5 * v->trace_step_ms : 0.0;
    double top = 0, worst = 0;
    int compared = 0;
    for (size_t i = 0; i < n; i++) {
        double x = vt[i] + (i ? half : 0.0);
        top = fmax(top, fabs(vw[i]));
        double mine = i == 0 ? 0.0
                             : dys_work_between(rec->t_ms, rec->seg[k], rec->n, pr->t, pr->p,
                                                pr->n, vt[0], x, NULL, NULL);
        if (!isfinite(mine))
            continue;
        worst = fmax(worst, fabs(mine - vw[i]));
        compared++;
    }
    return compared > 1 && top > 0 ? 100.0 * worst / top : NAN;
}

static void copy_vendor(const dys_vendor_work *v, dys_work_result *w)
{
    int any = isfinite(v->gwi_mmhg_pct) || isfinite(v->gcw_mmhg_pct) ||
              isfinite(v->gww_mmhg_pct) || isfinite(v->gwe_pct);
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        w->vendor_seg_wi_mmhg_pct[k] = v->seg_wi_mmhg_pct[k];
        w->vendor_seg_cw_mmhg_pct[k] = v->seg_cw_mmhg_pct[k];
        w->vendor_seg_ww_mmhg_pct[k] = v->seg_ww_mmhg_pct[k];
        w->vendor_seg_we_pct[k] = v->seg_we_pct[k];
        any |= isfinite(v->seg_wi_mmhg_pct[k]) || v->trace_n[k] > 0;
    }
    w->has_vendor = any;
    snprintf(w->vendor_software, sizeof w->vendor_software, "%s",
             v->software ? v->software : "");
    w->vendor_gwi_mmhg_pct = v->gwi_mmhg_pct;
    w->vendor_gcw_mmhg_pct = v->gcw_mmhg_pct;
    w->vendor_gww_mmhg_pct = v->gww_mmhg_pct;
    w->vendor_gwe_pct = v->gwe_pct;
}

static void result_init(dys_result *r)
{
    dys_work_result *w = &r->work;
    memset(w, 0, sizeof *w);
    w->peak_pressure_mmhg = w->systolic_bp_mmhg = w->diastolic_bp_mmhg = NAN;
    w->mvc_ms = w->avo_ms = w->avc_ms = w->mvo_ms = NAN;
    w->vendor_gwi_mmhg_pct = w->vendor_gcw_mmhg_pct = w->vendor_gww_mmhg_pct = NAN;
    w->vendor_gwe_pct = w->trace_diff_max_pct = NAN;
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        w->vendor_seg_wi_mmhg_pct[k] = w->vendor_seg_cw_mmhg_pct[k] = NAN;
        w->vendor_seg_ww_mmhg_pct[k] = w->vendor_seg_we_pct[k] = NAN;
        w->trace_diff_pct[k] = NAN;
        dys_segment_result *g = &r->seg[k];
        g->work_index_mmhg_pct = g->constructive_work_mmhg_pct = NAN;
        g->wasted_work_mmhg_pct = g->work_efficiency_pct = NAN;
        g->work_reason[0] = '\0';
    }
}

/* The measured trace, usable when its times rise and its values are
 * finite; NULL, with the reason, when not. */
static int measured_ok(const dys_work_input *in, char *why, size_t cap)
{
    for (size_t i = 0; i < in->n_pressure; i++)
        if (!isfinite(in->pressure_t_ms[i]) || !isfinite(in->pressure_mmhg[i]) ||
            (i && !(in->pressure_t_ms[i] > in->pressure_t_ms[i - 1]))) {
            snprintf(why, cap, "the LV pressure trace's sample %zu is not finite or not "
                     "after the one before", i + 1);
            return 0;
        }
    return in->n_pressure >= 2;
}

/* The work of the segments of recording ri. */
static dys_status work_recording(const dys_study *s, size_t ri, const dys_params *p,
                                 dys_result *r, double *peak)
{
    const dys_work_input *in = &s->work;
    const dys_recording *rec = &s->rec[ri];
    const dys_result_rec *q = &r->rec[ri];
    dys_work_result *w = &r->work;
    dys_work_events e = {in->mvc_ms, q->avo_ms, q->avc_ms, in->mvo_ms};
    char why[160] = "";
    pressure pr = {0};
    dys_status st = DYS_OK;
    if (!dys_work_events_ok(&e))
        snprintf(why, sizeof why,
                 "the valve events are not in order MVC < AVO < AVC < MVO (%.0f, %.0f, "
                 "%.0f, %.0f ms)", e.mvc, e.avo, e.avc, e.mvo);
    else if (q->avc_source != DYS_PROV_GIVEN ||
             (w->pressure == DYS_PRESSURE_ESTIMATED && q->avo_source != DYS_PROV_GIVEN))
        snprintf(why, sizeof why, "%s of %s was estimated (%.60s): myocardial work needs "
                 "the valve events given",
                 q->avc_source != DYS_PROV_GIVEN ? "AVC" : "AVO", dys_view_name(rec->view),
                 q->avc_source != DYS_PROV_GIVEN ? q->avc_method : q->avo_method);
    else if (w->pressure == DYS_PRESSURE_MEASURED &&
             (in->pressure_t_ms[0] > e.mvc || in->pressure_t_ms[in->n_pressure - 1] < e.mvo))
        snprintf(why, sizeof why, "the LV pressure trace (%.0f..%.0f ms) does not cover "
                 "MVC..MVO (%.0f..%.0f ms)", in->pressure_t_ms[0],
                 in->pressure_t_ms[in->n_pressure - 1], e.mvc, e.mvo);
    if (!why[0] && w->pressure == DYS_PRESSURE_MEASURED) {
        pr.t = in->pressure_t_ms;
        pr.p = in->pressure_mmhg;
        pr.n = in->n_pressure;
    } else if (!why[0]) {
        st = estimated_pressure(&e, w->systolic_bp_mmhg, &pr);
    }
    for (int k = 0; k < DYS_N_SEGMENTS && st == DYS_OK; k++) {
        if (!rec->seg[k])
            continue;
        dys_segment_result *g = &r->seg[k];
        size_t kept = 0;
        for (size_t i = 0; i < rec->n; i++)
            kept += isfinite(rec->seg[k][i]);
        if (why[0]) {
            snprintf(g->work_reason, sizeof g->work_reason, "%s", why);
            continue;
        }
        if (rec->n_dropped[k] * 20 > rec->n_dropped[k] + kept) {
            snprintf(g->work_reason, sizeof g->work_reason,
                     "%zu of its %zu samples were impossible or isolated spikes "
                     "(more than 5 %%)", rec->n_dropped[k], rec->n_dropped[k] + kept);
            continue;
        }
        dys_work_parts wp;
        if (dys_work_segment(rec->t_ms, rec->seg[k], rec->n, pr.t, pr.p, pr.n, &e,
                             p->max_gap_ms, &wp, g->work_reason, sizeof g->work_reason) != 0)
            continue;
        g->work_index_mmhg_pct = wp.index;
        g->constructive_work_mmhg_pct = wp.constructive;
        g->wasted_work_mmhg_pct = wp.wasted;
        g->work_efficiency_pct = wp.efficiency_pct;
        if (s->work.vendor && s->work.vendor->trace_n[k] > 1)
            w->trace_diff_pct[k] = trace_difference(rec, k, &pr, s->work.vendor);
    }
    if (st == DYS_OK && !why[0]) {
        /* the pressure's peak over the cycle the work spans */
        for (size_t i = 0; i < pr.n; i++)
            if (pr.t[i] >= e.mvc && pr.t[i] <= e.mvo)
                *peak = fmax(*peak, pr.p[i]);
    }
    free(pr.own_t);
    free(pr.own_p);
    return st;
}

dys_status dys_work_analyze(dys_ctx *ctx, const dys_study *s, const dys_params *p,
                            dys_result *r)
{
    result_init(r);
    dys_work_result *w = &r->work;
    const dys_work_input *in = &s->work;
    w->systolic_bp_mmhg = in->systolic_bp_mmhg > 0 ? in->systolic_bp_mmhg : NAN;
    w->diastolic_bp_mmhg = in->diastolic_bp_mmhg > 0 ? in->diastolic_bp_mmhg : NAN;
    w->mvc_ms = in->mvc_ms;
    w->mvo_ms = in->mvo_ms;
    w->avo_ms = r->avo_ms;
    w->avc_ms = r->avc_ms;
    if (in->vendor)
        copy_vendor(in->vendor, w);
    /* MVC = MVO = 0 is a study zeroed by hand, not events */
    int events = (isfinite(in->mvc_ms) || isfinite(in->mvo_ms)) &&
                 !(in->mvc_ms == 0 && in->mvo_ms == 0);
    w->attempted = in->n_pressure > 0 || isfinite(w->systolic_bp_mmhg) || events ||
                   w->has_vendor;
    if (!dys_wants_family(p, "work")) {
        snprintf(w->reason, sizeof w->reason, "%s", DYS_NOT_REQUESTED);
        return DYS_OK;
    }
    if (s->trace != DYS_TRACE_STRAIN) {
        snprintf(w->reason, sizeof w->reason,
                 "myocardial work needs strain: the study holds velocity traces");
        return DYS_OK;
    }
    if (!isfinite(in->mvc_ms) || !isfinite(in->mvo_ms) || !events) {
        snprintf(w->reason, sizeof w->reason,
                 "no mitral valve events: myocardial work runs from MVC to MVO (give "
                 "mvc_ms and mvo_ms, ms from QRS onset)");
        return DYS_OK;
    }
    char why[160] = "";
    if (in->n_pressure > 0 && measured_ok(in, why, sizeof why)) {
        w->pressure = DYS_PRESSURE_MEASURED;
        snprintf(w->pressure_text, sizeof w->pressure_text, "measured (%.140s)",
                 in->pressure_source ? in->pressure_source : "the study's LV pressure trace");
    } else if (in->n_pressure > 0) {
        snprintf(w->reason, sizeof w->reason, "%s", why);
        return DYS_OK;
    } else if (isfinite(w->systolic_bp_mmhg)) {
        w->pressure = DYS_PRESSURE_ESTIMATED;
        snprintf(w->pressure_text, sizeof w->pressure_text,
                 "estimated (Russell 2012 reference curve, peak = cuff systolic)");
    } else {
        snprintf(w->reason, sizeof w->reason,
                 "no LV pressure: neither a pressure trace nor a cuff systolic pressure "
                 "(systolic_bp_mmhg) with the valve events");
        return DYS_OK;
    }
    double peak = -INFINITY;
    for (size_t i = 0; i < s->n_rec; i++)
        if (work_recording(s, i, p, r, &peak) != DYS_OK)
            return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    int n = 0;
    const char *first = NULL;
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        n += isfinite(r->seg[k].work_index_mmhg_pct);
        if (!first && r->seg[k].work_reason[0])
            first = r->seg[k].work_reason;
        if (isfinite(w->trace_diff_pct[k]))
            w->trace_diff_max_pct = isfinite(w->trace_diff_max_pct)
                                        ? fmax(w->trace_diff_max_pct, w->trace_diff_pct[k])
                                        : w->trace_diff_pct[k];
    }
    if (n == 0) {
        snprintf(w->reason, sizeof w->reason, "no segment's work: %.250s",
                 first ? first : "no strain segment");
        w->pressure = DYS_PRESSURE_NONE;
        w->pressure_text[0] = '\0';
        return DYS_OK;
    }
    w->peak_pressure_mmhg = w->pressure == DYS_PRESSURE_ESTIMATED ? w->systolic_bp_mmhg
                            : isfinite(peak)                      ? peak
                                                                  : NAN;
    return DYS_OK;
}
