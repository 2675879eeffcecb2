/*
 * strain.c - timing of longitudinal strain curves (EchoPAC "Local Traces
 * SL in %", or `# trace: strain`).
 *
 * Per segment and beat, on the curve conditioned as a velocity curve is
 * (conditioning.c; the automatic low-pass tuned over the ejection window),
 * noisy curves' peaks refitted from the samples as Ts is
 * (dys_curve_refine_peak):
 *  - time to peak strain over the cycle: the most negative strain (most
 *    shortening) from the QRS onset to the next one (the beat's RR, else
 *    the heart rate's; to the end of the recording when neither is known);
 *  - time to peak strain within the ejection period [AVO, AVC];
 *  - the peak (most negative) strain, %;
 *  - the post-systolic index (Voigt, JASE 2003): (peak strain - strain at
 *    AVC) / peak strain, %; positive when shortening goes on after AVC.
 * A segment whose strain never falls below zero in the cycle (no
 * shortening: scar or a reversed trace) is indeterminate.  The segment's
 * values are means over its accepted beats.
 *
 * Global strain (a curve only contour exports give, of the whole wall or
 * ring): its peak is the most negative value of the samples themselves
 * over the beat's cycle, not of the conditioned spline, because that is
 * how EchoPAC and the published global strains read it (the peak of
 * the curve as tracked), and a spline through 52 frames/s may pass
 * below the samples; the mean over beats, and the views' mean
 * (indices.c) is GLS.
 *
 * Mechanical dispersion (Haugaa, JACC Imaging 2010) is the SD of the time
 * to peak strain over the cycle (indices.c).  docs/indices.md has no cut-off
 * for longitudinal strain timing; --cutoff classifies against one.
 */
#include "strain.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TAIL_MS 300.0 /* RR unknown: the cycle runs to AVC + this */

static void drop_curve(dys_strain_curves *cv, int k)
{
    if (cv->has[k])
        dys_curve_free(&cv->curve[k]);
    cv->has[k] = 0;
    cv->rec[k] = -1;
}

void dys_strain_curves_free(dys_strain_curves *cv)
{
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        drop_curve(cv, k);
}

dys_status dys_measure_strain(dys_ctx *ctx, const dys_study *s, size_t ri, const dys_axis *ax,
                              int k, const double *onsets, const double *rrs, size_t nb, double avo,
                              double avc, const dys_params *p, dys_segment_result *sr,
                              dys_strain_curves *keep)
{
    const dys_recording *rec = &s->rec[ri];
    /* a segment in two recordings: the later one's curve (or none, when
     * it cannot be conditioned) is the one r->seg[k] describes */
    if (keep)
        drop_curve(keep, k);
    double *neg = malloc(rec->n * sizeof *neg), *lo = malloc((nb ? nb : 1) * sizeof *lo);
    double *hi = malloc((nb ? nb : 1) * sizeof *hi);
    dys_status st = DYS_OK;
    if (!neg || !lo || !hi) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* negated, so that the most negative strain is the spline's maximum */
    for (size_t i = 0; i < rec->n; i++)
        neg[i] = -rec->seg[k][i];
    for (size_t b = 0; b < nb; b++) {
        lo[b] = onsets[b] + avo;
        hi[b] = onsets[b] + avc;
    }
    dys_curve c;
    st = dys_curve_init(ctx, &c, ax, rec->t_ms, neg, rec->n, lo, hi, nb, p, 0,
                        sr->reason, sizeof sr->reason);
    if (st == DYS_ERR_ANALYSIS) {
        st = DYS_OK; /* stays missing, with the reason */
        goto out;
    }
    if (st != DYS_OK)
        goto out;
    sr->lowpass_hz = c.lowpass_hz;
    sr->noise_cm_s = c.noise_sd;
    double s_ttp = 0, s_es = 0, s_pk = 0, s_psi = 0;
    int n = 0, tried = 0;
    for (size_t b = 0; b < nb; b++) {
        double on = onsets[b];
        double a = fmax(on, c.t_first);
        double e = fmin(isfinite(rrs[b]) ? on + rrs[b] : on + avc + TAIL_MS, c.t_last);
        if (!(on + avc <= c.t_last && on + avo >= c.t_first && e > a))
            continue;
        tried++;
        double vmax, vmax_es;
        double t_all = dys_spline_argmax(&c.sp, a, e, &vmax);
        double t_es = dys_spline_argmax(&c.sp, on + avo, on + avc, &vmax_es);
        if (!(vmax > 0))
            continue; /* no shortening in this beat */
        /* the same refinement from the samples as Ts (timing.c) */
        size_t ipk;
        double spread;
        t_all = dys_curve_refine_peak(&c, a, e, t_all, vmax, 1, 0, &ipk, &spread);
        if (vmax_es > 0)
            t_es = dys_curve_refine_peak(&c, on + avo, on + avc, t_es, vmax_es, 1, 0, &ipk,
                                         &spread);
        double at_avc = dys_spline_eval(&c.sp, on + avc);
        s_ttp += t_all - on;
        s_es += t_es - on;
        s_pk += -vmax;
        s_psi += 100.0 * (vmax - at_avc) / vmax;
        n++;
    }
    if (keep) {
        /* handed over whatever the beats gave: lbbb.c reads only the
         * segments whose status is ok */
        c.v = NULL; /* neg, freed below */
        keep->curve[k] = c;
        keep->rec[k] = (int)ri;
        keep->has[k] = 1;
    } else {
        dys_curve_free(&c);
    }
    sr->n_beats = n;
    if (n == 0) {
        sr->status = tried ? DYS_SEG_INDETERMINATE : DYS_SEG_MISSING;
        snprintf(sr->reason, sizeof sr->reason, "%s",
                 tried ? "no shortening: strain never below zero in the cycle"
                       : "the recording does not cover the ejection window");
        goto out;
    }
    sr->strain_ttp_ms = s_ttp / n;
    sr->strain_ttp_es_ms = s_es / n;
    sr->peak_strain_pct = s_pk / n;
    sr->strain_psi_pct = s_psi / n;
    sr->status = DYS_SEG_OK;
    sr->reason[0] = '\0';
out:
    free(neg);
    free(lo);
    free(hi);
    return st;
}

double dys_global_strain_peak(const dys_recording *rec, const dys_beat_list *bl,
                              double rr_else)
{
    if (!rec->global_strain_pct)
        return NAN;
    double sum = 0;
    int n = 0;
    for (size_t b = 0; b < bl->n; b++) {
        const dys_beat *bt = &bl->beat[b];
        double rr = isfinite(bt->rr_ms) ? bt->rr_ms : rr_else;
        if (!bt->accepted || !(rr > 0))
            continue;
        double lo = INFINITY;
        for (size_t i = 0; i < rec->n; i++)
            if (rec->t_ms[i] >= bt->onset_ms && rec->t_ms[i] <= bt->onset_ms + rr &&
                rec->global_strain_pct[i] < lo)
                lo = rec->global_strain_pct[i]; /* NAN compares false: skipped */
        if (isfinite(lo)) {
            sum += lo;
            n++;
        }
    }
    return n ? sum / n : NAN;
}
