/*
 * model.c - one study's heart: timing, CRT metadata and each segment's
 * curve drawn around its target time (synth_internal.h, What it models).
 */
#include "synth_internal.h"

static int is_septal(int s) { return s == 1 || s == 2 || s == 7 || s == 8; }

/* Draw every component of one segment around S' target time `target`. */
static void draw_segment(syn_rng *r, const syn_study *st, int s, double target,
                         syn_curve *cv)
{
    memset(cv, 0, sizeof *cv);
    double avo = st->avo_ms, avc = st->avc_ms, rr = st->rr_ms;

    syn_comp *sw = &cv->c[K_S];
    sw->kind = C_SKEW;
    sw->amp = syn_rng_range(r, 3.0, 9.0);
    sw->centre = target;
    sw->sigma = syn_rng_range(r, 35.0, 55.0);
    sw->sigma2 = fmin(80.0, sw->sigma * syn_rng_range(r, 1.15, 1.6));

    /* Isovolumic contraction: a positive Gaussian lobe, then a smaller
     * negative one two sigma later, around AVO. */
    syn_comp *ivc = &cv->c[K_IVC], *ivc2 = &cv->c[K_IVC2];
    double sig = syn_rng_range(r, 8.0, 15.0);
    double p_hi = fmin(60.0, avo - sig); /* >= 45 since AVO >= 60 */
    double peak_t = syn_rng_range(r, 25.0, p_hi);
    double a_ivc = syn_rng_range(r, 2.0, 7.0);
    double neg_ratio = syn_rng_range(r, 0.4, 0.9);
    if (st->dyssync && is_septal(s) && syn_rng_unif(r) < 0.6)
        a_ivc = sw->amp * syn_rng_range(r, 1.05, 1.6); /* septal flash */
    ivc->kind = C_GAUSS;
    ivc->amp = a_ivc;
    ivc->sigma = sig;
    ivc->centre = peak_t;
    ivc2->kind = C_GAUSS;
    ivc2->amp = -neg_ratio * a_ivc;
    ivc2->sigma = sig;
    ivc2->centre = peak_t + 2.0 * sig;

    syn_comp *ivr = &cv->c[K_IVR];
    ivr->kind = C_DOG;
    /* the end-systolic notch: negative lobe first, its zero crossing
     * 1-6 ms before AVC (Aase, Eur J Echocardiogr 2008;9:555: the zero
     * velocity after the negative spike is 2.6 +- 8.2 ms before AVC) */
    ivr->amp = syn_rng_range(r, 1.0, 3.0);
    ivr->sigma = syn_rng_range(r, 8.0, 14.0);
    ivr->centre = avc + syn_rng_range(r, -6.0, -1.0);

    syn_comp *pss = &cv->c[K_PSS];
    double p_pss = st->dyssync ? 0.5 : 0.15;
    double u = syn_rng_unif(r), ratio = st->dyssync ? syn_rng_range(r, 0.4, 1.5)
                                                : syn_rng_range(r, 0.2, 0.6);
    double ps_sig = syn_rng_range(r, 15.0, 30.0), ps_gap = syn_rng_range(r, 5.0, 25.0);
    double ps_k = syn_rng_range(r, 0.8, 2.0);
    if (u < p_pss) {
        pss->kind = C_GAUSS;
        pss->amp = sw->amp * ratio;
        pss->sigma = ps_sig;
        pss->centre = avc + ps_k * ps_sig + ps_gap;
    }

    syn_comp *e = &cv->c[K_E];
    e->kind = C_GAUSS;
    e->amp = -syn_rng_range(r, 5.0, 12.0);
    e->centre = st->e_centre + syn_rng_range(r, -8.0, 8.0);
    e->sigma = syn_rng_range(r, 20.0, 35.0);

    syn_comp *a = &cv->c[K_A];
    a->kind = C_GAUSS;
    a->amp = -syn_rng_range(r, 4.0, 9.0);
    a->centre = st->a_centre + syn_rng_range(r, -5.0, 5.0);
    a->sigma = syn_rng_range(r, 15.0, 28.0);
    cv->c[K_APREV] = *a; /* the previous beat's A', before t = 0 */
    cv->c[K_APREV].centre = a->centre - rr;
}

/* Draw study i from its physiology stream; 0 on success, -1 if a segment
 * could not be drawn (never happens with these ranges). */
int syn_draw_study(uint64_t seed, uint64_t i, syn_study *st)
{
    return syn_draw_study_scaled(seed, i, 1.0, st);
}

int syn_draw_study_scaled(uint64_t seed, uint64_t i, double scale, syn_study *st)
{
    syn_rng r;
    syn_rng_init(&r, seed, i, STREAM_PHYSIO);
    memset(st, 0, sizeof *st);

    st->dyssync = syn_rng_unif(&r) < 0.5;
    st->hr_bpm = (double)syn_rng_int(&r, 55, 95);
    st->rr_ms = 60000.0 / st->hr_bpm;
    st->avo_ms = (double)syn_rng_int(&r, 60, 120);
    double lvet = 413.0 - 1.7 * st->hr_bpm + 12.0 * syn_rng_gauss(&r);
    double lvet_hi = fmin(330.0, floor(st->rr_ms - 250.0 - st->avo_ms - 1e-9));
    lvet = floor(fmin(fmax(lvet, 240.0), lvet_hi) + 0.5); /* lvet_hi >= 261 */
    st->avc_ms = st->avo_ms + lvet;
    if (st->dyssync) {
        st->lbbb = syn_rng_unif(&r) < 0.8;
        st->qrs_ms = st->lbbb ? syn_rng_int(&r, 130, 180) : syn_rng_int(&r, 110, 160);
        st->lvef_pct = syn_rng_int(&r, 15, 35);
        st->nyha = syn_rng_int(&r, 2, 4);
    } else {
        st->lbbb = syn_rng_unif(&r) < 0.1;
        st->qrs_ms = st->lbbb ? syn_rng_int(&r, 120, 160) : syn_rng_int(&r, 90, 130);
        st->lvef_pct = syn_rng_int(&r, 20, 45);
        st->nyha = syn_rng_int(&r, 1, 4);
    }
    st->e_centre = st->avc_ms + syn_rng_range(&r, 108.0, 162.0);
    st->a_centre = st->rr_ms - syn_rng_range(&r, 105.0, 145.0);

    /* S' target times. */
    double lo = st->avo_ms + 35.0, hi = st->avc_ms - 45.0, mid = 0.5 * (lo + hi);
    double target[DYS_N_SEGMENTS_12];
    if (!st->dyssync) {
        double m = st->avo_ms + syn_rng_range(&r, 0.30, 0.50) * lvet;
        m = fmin(fmax(m, lo + 20.0), hi - 20.0);
        double sd = syn_rng_range(&r, 8.0, 20.0);
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
            double t;
            do
                t = m + sd * syn_rng_gauss(&r);
            while (t < lo || t > hi);
            target[s] = t;
        }
    } else {
        double z[DYS_N_SEGMENTS_12], mean = 0.0, ss = 0.0;
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
            z[s] = lbbb_weight[s] + 0.35 * syn_rng_gauss(&r);
            mean += z[s];
        }
        mean /= DYS_N_SEGMENTS_12;
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
            ss += (z[s] - mean) * (z[s] - mean);
        double zsd = sqrt(ss / (DYS_N_SEGMENTS_12 - 1)), zmin = 0.0, zmax = 0.0;
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
            z[s] = (z[s] - mean) / zsd;
            zmin = fmin(zmin, z[s]);
            zmax = fmax(zmax, z[s]);
        }
        double m = mid + syn_rng_range(&r, -10.0, 10.0);
        double fit = fmin((hi - m) / zmax, (m - lo) / -zmin);
        double sd = fmin(syn_rng_range(&r, 30.0, 60.0), fit);
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
            target[s] = m + sd * z[s];
    }

    /* Device settings: the spread about the targets' mean shrinks (the
     * mean stays, so the targets stay inside [lo, hi]); scale 1 leaves the
     * targets bit for bit as they were. */
    if (scale != 1.0) {
        double m = 0.0;
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
            m += target[s];
        m /= DYS_N_SEGMENTS_12;
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
            target[s] = m + scale * (target[s] - m);
    }

    /* Components; redraw until the truth is unambiguous. */
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
        double tg = target[s];
        for (int attempt = 0;; attempt++) {
            if (attempt == SYN_MAX_ATTEMPTS)
                return -1;
            if (attempt > 0 && attempt % 25 == 0)
                tg += 0.25 * (mid - tg);
            draw_segment(&r, st, s, tg, &st->seg[s]);
            if (syn_curve_truth(&st->seg[s], st->avo_ms, st->avc_ms, &st->ts_ms[s]) == 0)
                break;
        }
        st->to_ms[s] = syn_onset_truth(syn_curve_eval_fn, &st->seg[s],
                                   st->avo_ms - DYS_TO_BEFORE_AVO_MS, st->ts_ms[s]);
    }
    return 0;
}
