/*
 * beats.c - several beats on one time axis: RR variability, premature
 * beats, per-beat perturbations and truth, and the ECG (synth_internal.h,
 * Several beats and the ECG).
 */
#include "synth_internal.h"

static void comp_bounds(const syn_comp *c, double *lo, double *hi)
{
    switch (c->kind) {
    case C_GAUSS:
    case C_DOG:
        *lo = c->centre - SYN_CUT_SIGMA * c->sigma;
        *hi = c->centre + SYN_CUT_SIGMA * c->sigma;
        break;
    case C_SKEW: /* before the centre the width is sigma (S': sigma2 > sigma) */
        *lo = c->centre - SYN_CUT_SIGMA * c->sigma;
        *hi = c->centre + SYN_CUT_SIGMA * fmax(c->sigma, c->sigma2);
        break;
    case C_LOBE:
        *lo = c->centre;
        *hi = c->centre + c->sigma;
        break;
    default:
        *lo = INFINITY;
        *hi = -INFINITY;
    }
}

static int track_alloc(syn_track *tr, int nb, int per)
{
    memset(tr, 0, sizeof *tr);
    size_t n = (size_t)nb * (size_t)per;
    tr->nb = nb;
    tr->per = per;
    tr->c = calloc(n, sizeof *tr->c);
    tr->lo = malloc((2 * n + 2 * (size_t)nb) * sizeof(double));
    if (!tr->c || !tr->lo) {
        free(tr->c);
        free(tr->lo);
        memset(tr, 0, sizeof *tr);
        return -1;
    }
    tr->hi = tr->lo + n;
    tr->blo = tr->hi + n;
    tr->bhi = tr->blo + nb;
    return 0;
}

static void track_free(syn_track *tr)
{
    free(tr->c);
    free(tr->lo);
    memset(tr, 0, sizeof *tr);
}

/* Set beat b's components: comps[0..n) shifted by `onset`. */
static void track_set_beat(syn_track *tr, int b, const syn_comp *comps, int n, double onset)
{
    double blo = INFINITY, bhi = -INFINITY;
    for (int k = 0; k < tr->per; k++) {
        int j = b * tr->per + k;
        if (k < n) {
            tr->c[j] = comps[k];
            tr->c[j].centre += onset;
        } else {
            memset(&tr->c[j], 0, sizeof tr->c[j]);
        }
        comp_bounds(&tr->c[j], &tr->lo[j], &tr->hi[j]);
        blo = fmin(blo, tr->lo[j]);
        bhi = fmax(bhi, tr->hi[j]);
    }
    tr->blo[b] = blo;
    tr->bhi[b] = bhi;
}

/* The track at t, beats b0..b1 only (callers pass every beat that can
 * reach t). */
double syn_track_eval_range(const syn_track *tr, int b0, int b1, double t)
{
    double v = 0.0;
    if (b0 < 0)
        b0 = 0;
    if (b1 > tr->nb - 1)
        b1 = tr->nb - 1;
    for (int b = b0; b <= b1; b++) {
        if (t < tr->blo[b] || t > tr->bhi[b])
            continue;
        for (int j = b * tr->per, e = j + tr->per; j < e; j++)
            if (t >= tr->lo[j] && t <= tr->hi[j])
                v += syn_comp_eval(&tr->c[j], t);
    }
    return v;
}

static double window_eval_fn(const void *obj, double t)
{
    const syn_window *w = obj;
    return syn_track_eval_range(w->tr, w->b - SYN_REACH, w->b + SYN_REACH, t);
}

void syn_draw_ecg_morph(uint64_t seed, uint64_t i, const syn_study *st,
                           syn_ecg_morph *m)
{
    syn_rng r;
    syn_rng_init(&r, seed, i, STREAM_ECG_STUDY);
    memset(m, 0, sizeof *m);
    double d = st->qrs_ms; /* QRS duration: the study's qrs_duration_ms */
    syn_comp *w = m->sinus;
    /* P wave: Gaussian ending (centre + 2.5 sigma) PR - 5 sigma before
     * the QRS onset; PR interval (P start to QRS onset) 150-210 ms. */
    double pr = syn_rng_range(&r, 150.0, 210.0), psig = syn_rng_range(&r, 16.0, 22.0);
    w[0] = (syn_comp){C_GAUSS, syn_rng_range(&r, 0.08, 0.2), -pr + 2.5 * psig, psig, 0.0};
    int tall_t = syn_rng_unif(&r) < 0.1;
    double t_amp = tall_t ? syn_rng_range(&r, 0.6, 1.0) : syn_rng_range(&r, 0.15, 0.45);
    double t_sig = syn_rng_range(&r, 30.0, 48.0);
    /* QT (QRS onset to T end, T end = centre + 2 sigma): Bazett with a
     * QTc of 390-440 ms, plus the QRS widening beyond 100 ms. */
    double qt = syn_rng_range(&r, 390.0, 440.0) * sqrt(st->rr_ms / 1000.0) + fmax(0.0, d - 100.0);
    if (!st->lbbb) {
        /* qRS (or RS): the first lobe starts at the onset, the S lobe
         * ends at the QRS duration. */
        int has_q = syn_rng_unif(&r) < 0.6;
        /* a septal q: under 40 ms and a quarter of R, as normal q waves are */
        double q_w = fmin(40.0, syn_rng_range(&r, 0.15, 0.25) * d), q_a = -syn_rng_range(&r, 0.15, 0.25);
        /* the R starts past the q's trough, so that a q is a visible
         * dip (its full 12-30 % of R), not a corner the R cancels */
        double r_start = has_q ? syn_rng_range(&r, 0.55, 0.7) * q_w : 0.0;
        double r_w = syn_rng_range(&r, 0.45, 0.55) * d;
        double s_start = r_start + syn_rng_range(&r, 0.55, 0.7) * r_w;
        double s_a = -syn_rng_range(&r, 0.15, 0.45);
        if (has_q)
            w[1] = (syn_comp){C_LOBE, q_a, 0.0, q_w, 1.0};
        w[2] = (syn_comp){C_LOBE, 1.0, r_start, r_w, has_q ? 2.0 : 1.0};
        w[3] = (syn_comp){C_LOBE, s_a, s_start, d - s_start, 2.0};
    } else {
        /* LBBB: broad notched (M-shaped) R of two lobes, no septal q; the
         * T wave is discordant (negative). */
        double w1 = syn_rng_range(&r, 0.5, 0.6) * d, a1 = syn_rng_range(&r, 0.55, 0.9);
        double s2 = syn_rng_range(&r, 0.38, 0.46) * d;
        w[1] = (syn_comp){C_LOBE, a1, 0.0, w1, 1.0};
        w[2] = (syn_comp){C_LOBE, 1.0, s2, d - s2, 2.0};
        t_amp = -t_amp;
        t_sig = fmin(55.0, t_sig * 1.15);
    }
    w[4] = (syn_comp){C_GAUSS, t_amp, qt - 2.0 * t_sig, t_sig, 0.0};

    /* Ventricular premature beat: wide (140-190 ms), tall, one polarity
     * then a smaller opposite lobe, discordant T, no P wave. */
    double dv = syn_rng_range(&r, 140.0, 190.0), sign = syn_rng_unif(&r) < 0.5 ? 1.0 : -1.0;
    double l1 = syn_rng_range(&r, 0.6, 0.75) * dv, l2s = syn_rng_range(&r, 0.5, 0.6) * dv;
    syn_comp *v = m->pvc;
    v[0] = (syn_comp){C_LOBE, sign * syn_rng_range(&r, 1.2, 2.0), 0.0, l1, 1.0};
    v[1] = (syn_comp){C_LOBE, -sign * syn_rng_range(&r, 0.2, 0.5), l2s, dv - l2s, 2.0};
    double pt_sig = syn_rng_range(&r, 40.0, 55.0);
    v[2] = (syn_comp){C_GAUSS, -sign * syn_rng_range(&r, 0.4, 0.7),
                      qt + (dv - d) + 20.0 - 2.0 * pt_sig, pt_sig, 0.0};
}

void syn_plan_free(syn_plan *pl)
{
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
        track_free(&pl->seg[s]);
    track_free(&pl->ecg_track);
    free(pl->beat);
    memset(pl, 0, sizeof *pl);
}

static double round_us(double ms) { return round(ms * 1000.0) / 1000.0; }

/* Draw beat b's perturbation of segment s (sinus: S' jitter; ectopic:
 * scaled and shifted S', scaled isovolumic spike).  None: no jitter. */
static void draw_perturb(syn_rng *r, const syn_study *st, syn_beat *bt, int s,
                         double sd, int none)
{
    double g1 = syn_rng_gauss(r), g2 = syn_rng_gauss(r);
    double e_scale = syn_rng_range(r, 0.45, 0.75), e_shift = syn_rng_range(r, 20.0, 50.0);
    double e_sign = syn_rng_unif(r) < 0.5 ? -1.0 : 1.0, e_ivc = syn_rng_range(r, 0.5, 1.0);
    if (!bt->ectopic) {
        bt->s_shift[s] = none ? 0.0 : sd * fmin(2.5, fmax(-2.5, g1));
        bt->s_scale[s] = none ? 1.0 : 1.0 + 0.04 * fmin(2.5, fmax(-2.5, g2));
        bt->ivc_scale[s] = 1.0;
        return;
    }
    /* Ectopic: S' 0.45-0.75 as tall, its peak moved 20-50 ms (the other
     * way, or clamped, where it would leave [AVO + 35, AVC - 45]). */
    double c = st->seg[s].c[K_S].centre, lo = st->avo_ms + 35.0, hi = st->avc_ms - 45.0;
    double sh = none ? 0.0 : e_sign * e_shift;
    if (c + sh < lo || c + sh > hi)
        sh = -sh;
    sh = fmin(fmax(c + sh, lo), hi) - c;
    bt->s_shift[s] = sh;
    bt->s_scale[s] = e_scale;
    bt->ivc_scale[s] = e_ivc;
}

/* Segment s's curve in beat b of plan pl (relative to the beat's onset). */
static void beat_curve(const syn_study *st, const syn_plan *pl, int b, int s, syn_curve *cv)
{
    const syn_beat *bt = &pl->beat[b];
    *cv = st->seg[s];
    cv->c[K_APREV].kind = C_OFF; /* the previous beat is a beat of its own */
    cv->c[K_S].centre += bt->s_shift[s];
    cv->c[K_S].amp *= bt->s_scale[s];
    if (bt->ectopic) /* a weaker contraction: its post-systolic wave too */
        cv->c[K_PSS].amp *= bt->s_scale[s];
    cv->c[K_IVC].amp *= bt->ivc_scale[s];
    cv->c[K_IVC2].amp *= bt->ivc_scale[s];
    /* A' keeps its distance to the next QRS onset; before a premature beat
     * there is none (the atrial contraction falls into its systole). */
    cv->c[K_A].centre = bt->rr + (st->seg[s].c[K_A].centre - st->rr_ms);
    if (b + 1 < pl->nb && pl->beat[b + 1].ectopic)
        cv->c[K_A].kind = C_OFF;
}

static void plan_set_seg_beat(const syn_study *st, syn_plan *pl, int b, int s)
{
    syn_curve cv;
    beat_curve(st, pl, b, s, &cv);
    track_set_beat(&pl->seg[s], b, cv.c, N_COMP, pl->beat[b].onset);
}

static int beat_truth(const syn_study *st, const syn_plan *pl, int b, int s, int strict,
                      double *ts)
{
    syn_window w = {&pl->seg[s], b};
    double on = pl->beat[b].onset, t;
    /* An ectopic beat's S' is small by design: 1 cm/s suffices. */
    double min_peak = pl->beat[b].ectopic ? 1.0 : SYN_MIN_PEAK;
    if (syn_peak_truth(window_eval_fn, &w, on + st->avo_ms, on + st->avc_ms, SYN_BEAT_GRID_MS,
                   strict, min_peak, &t) != 0)
        return -1;
    *ts = t - on;
    return 0;
}

/* Plan one recording (several beats and/or ECG) of study i.  view 0: all
 * segments.  Returns 0, or -1 when out of memory. */
int syn_plan_recording(const dys_synth_params *p, const syn_study *st,
                          const syn_ecg_morph *em, uint64_t i, int view, syn_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    syn_rng rb;
    syn_rng_init(&rb, p->seed, i, STREAM_BEATS + (uint64_t)view);
    int n = p->beats, nb = n + 2;
    pl->n = n;
    pl->nb = nb;
    pl->beat = calloc((size_t)nb, sizeof *pl->beat);
    if (!pl->beat)
        return -1;
    syn_beat *bt = pl->beat;

    /* Time axis: first frame at 0 or 0-2000 ms, first complete beat
     * 150-300 ms later, the recording stops 200-350 ms into beat n + 1. */
    pl->t0 = syn_rng_unif(&rb) < 0.5 ? 0.0 : round_us(syn_rng_range(&rb, 0.0, 2000.0));
    double preroll = syn_rng_range(&rb, 150.0, 300.0), tail = syn_rng_range(&rb, 200.0, 350.0);
    double b2b_sd = syn_rng_range(&rb, 2.0, 5.0);

    /* Sinus intervals, ectopic beats, onsets. */
    double *sinus_rr = calloc((size_t)nb, sizeof(double)); /* calloc: nb >= 2, but gcc cannot see it */
    if (!sinus_rr) {
        syn_plan_free(pl);
        return -1;
    }
    for (int b = 0; b < nb; b++) {
        double g = fmin(3.0, fmax(-3.0, syn_rng_gauss(&rb)));
        sinus_rr[b] = round_us(fmax(st->rr_ms * (1.0 + p->rr_sd_frac * g), st->avc_ms + 220.0));
    }
    double sinus_t = round_us(pl->t0 + preroll); /* sinus schedule of beat 1 */
    bt[0].onset = sinus_t - sinus_rr[0];
    bt[1].onset = sinus_t;
    for (int b = 0; b < nb; b++) {
        double u = syn_rng_unif(&rb), f = syn_rng_range(&rb, 0.6, 0.8);
        if (b >= 2) {
            sinus_t += sinus_rr[b - 1];
            bt[b].ectopic = b <= n && !bt[b - 1].ectopic && u < p->ectopic_prob;
            /* Premature: 60-80 % of the RR after the previous onset (at
             * least AVC + 80 ms); the next sinus beat comes on time (full
             * compensatory pause). */
            bt[b].onset = bt[b].ectopic
                              ? round_us(bt[b - 1].onset +
                                         fmax(f * sinus_rr[b - 1], st->avc_ms + 80.0))
                              : sinus_t;
        }
    }
    for (int b = 0; b + 1 < nb; b++)
        bt[b].rr = bt[b + 1].onset - bt[b].onset;
    bt[nb - 1].rr = sinus_rr[nb - 1];
    free(sinus_rr);
    pl->t_end = bt[nb - 1].onset + tail;

    /* Segment curves, beat by beat. */
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
        pl->has_seg[s] = view == 0 || seg_view[s] == view;
    for (int b = 0; b < nb; b++)
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
            draw_perturb(&rb, st, &bt[b], s, b2b_sd, 0);
            bt[b].ts[s] = bt[b].to[s] = NAN;
        }
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
        if (!pl->has_seg[s])
            continue;
        if (track_alloc(&pl->seg[s], nb, N_COMP) != 0) {
            syn_plan_free(pl);
            return -1;
        }
        for (int b = 0; b < nb; b++)
            plan_set_seg_beat(st, pl, b, s);
        /* Redraw a beat's jitter until its peak is unambiguous (strict, as
         * for the single beat); after SYN_REDRAWS, no jitter. */
        int redrawn = 0;
        for (int b = 1; b <= n; b++) {
            for (int k = 0; beat_truth(st, pl, b, s, 1, &bt[b].ts[s]) != 0; k++) {
                if (k > SYN_REDRAWS) { /* still ambiguous: the argmax */
                    beat_truth(st, pl, b, s, 0, &bt[b].ts[s]);
                    break;
                }
                draw_perturb(&rb, st, &bt[b], s, b2b_sd, k == SYN_REDRAWS);
                plan_set_seg_beat(st, pl, b, s);
                redrawn = 1;
            }
        }
        /* A redrawn beat reaches into its neighbours' windows (by far less
         * than the refinement tolerance, but the truth is exact): the truth
         * of every complete beat again, on the final curves. */
        if (redrawn)
            for (int b = 1; b <= n; b++)
                if (beat_truth(st, pl, b, s, 1, &bt[b].ts[s]) != 0)
                    beat_truth(st, pl, b, s, 0, &bt[b].ts[s]);
        for (int b = 1; b <= n; b++) {
            syn_window w = {&pl->seg[s], b};
            double on = bt[b].onset;
            bt[b].to[s] = syn_onset_truth(window_eval_fn, &w, on + st->avo_ms - DYS_TO_BEFORE_AVO_MS,
                                      on + bt[b].ts[s]) - on;
        }
    }

    /* ECG. */
    pl->ecg = p->ecg;
    if (p->ecg) {
        syn_rng re;
        syn_rng_init(&re, p->seed, i, STREAM_ECG + (uint64_t)view);
        pl->gain = syn_rng_range(&re, 0.8, 1.8); /* R amplitude, mV */
        if (syn_rng_unif(&re) < 0.1)
            pl->gain = -pl->gain; /* inverted lead */
        double g = fabs(pl->gain);
        pl->noise_mv = g * syn_rng_range(&re, 0.02, 0.04);
        pl->dc = g * syn_rng_range(&re, -0.2, 0.2);
        pl->w_amp[0] = g * syn_rng_range(&re, 0.05, 0.25);
        pl->w_amp[1] = g * syn_rng_range(&re, 0.02, 0.1);
        for (int k = 0; k < 2; k++) {
            pl->w_freq[k] = syn_rng_range(&re, 0.15, 0.5);
            pl->w_phase[k] = syn_rng_range(&re, 0.0, 2.0 * SYN_PI);
        }
        if (track_alloc(&pl->ecg_track, nb, ECG_PER_BEAT) != 0) {
            syn_plan_free(pl);
            return -1;
        }
        for (int b = 0; b < nb; b++)
            track_set_beat(&pl->ecg_track, b, bt[b].ectopic ? em->pvc : em->sinus,
                           ECG_PER_BEAT, bt[b].onset);
    }
    return 0;
}

/* ECG at file time t (mV) without noise. */
double syn_ecg_eval(const syn_plan *pl, double t)
{
    double v = pl->gain * syn_track_eval_range(&pl->ecg_track, 0, pl->nb - 1, t) + pl->dc;
    for (int k = 0; k < 2; k++)
        v += pl->w_amp[k] * sin(2.0 * SYN_PI * pl->w_freq[k] * t / 1000.0 + pl->w_phase[k]);
    return v;
}
