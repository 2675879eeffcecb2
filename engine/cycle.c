/*
 * cycle.c - measures over a whole cardiac cycle (one RR from a QRS onset).
 *
 * Fourier phase (Chen & Garcia's SPECT phase analysis, J Nucl Cardiol
 * 2005, applied to velocity and to displacement): the phase of the first
 * harmonic of the cycle, 0-360 degrees from the QRS onset.  Its SD and the
 * width of the arc holding 95 % of the segments are circular quantities:
 * a phase of 350 and one of 10 degrees are 20 degrees apart, so each phase
 * is unwrapped to within 180 degrees of the circular mean before the SD,
 * and the bandwidth is the smallest arc, wherever it starts.
 *
 * Cross-correlation delay (Fornwalt, JASE 2007;20:1330): the two curves of
 * an opposing pair over the same cycle, each less its mean, correlated
 * circularly (a cycle is periodic, so a lag that pushes one curve past the
 * end brings it back at the start), normalised by the product of their
 * norms; the lag of the largest correlation within +-half a cycle, refined
 * by the parabola through the three values around it.
 *
 * Displacement: velocity integrated from the QRS onset (tissue tracking),
 * drift-corrected to return to zero at the next onset.
 */
#include "cycle.h"

#include <math.h>
#include <stdlib.h>

#define COVER_SLACK_MS 30.0

/* An angle from atan2 into [0, 360) (-1e-15 + 360 rounds to 360). */
static double wrap360(double deg)
{
    double w = deg < 0 ? deg + 360.0 : deg;
    return w >= 360.0 ? 0.0 : w;
}

int dys_cycle_sample(const dys_curve *c, double onset, double rr, double *v, size_t n)
{
    if (!(rr > 0) || onset < c->t_first - COVER_SLACK_MS ||
        onset + rr > c->t_last + COVER_SLACK_MS)
        return -1;
    size_t h = 0;
    for (size_t k = 0; k < n; k++) {
        double t = onset + rr * (double)k / (double)n;
        t = fmin(fmax(t, c->t_first), c->t_last);
        v[k] = dys_spline_eval_near(&c->sp, t, &h);
    }
    return 0;
}

/* cos and sin of 2 pi k / n, k < n: made once per segment, not once per
 * beat and curve (they were the largest cost of the phase). */
static void harmonic_table(size_t n, double *cs, double *sn)
{
    for (size_t k = 0; k < n; k++) {
        double th = 2.0 * M_PI * (double)k / (double)n;
        cs[k] = cos(th);
        sn[k] = sin(th);
    }
}

static double phase_from_table(const double *v, size_t n, const double *cs, const double *sn)
{
    double a = 0, b = 0;
    for (size_t k = 0; k < n; k++) {
        a += v[k] * cs[k];
        b += v[k] * sn[k];
    }
    if (a == 0 && b == 0)
        return NAN;
    return wrap360(atan2(b, a) * 180.0 / M_PI);
}

void dys_harmonics_init(dys_harmonics *h)
{
    harmonic_table(DYS_CYCLE_N, h->cs, h->sn);
}

double dys_first_harmonic_phase(const double *v, size_t n)
{
    double *cs = malloc(2 * (n ? n : 1) * sizeof *cs);
    if (!cs)
        return NAN;
    harmonic_table(n, cs, cs + n);
    double ph = phase_from_table(v, n, cs, cs + n);
    free(cs);
    return ph;
}

void dys_cycle_displacement(const double *v, size_t n, double rr, double *d)
{
    double h = rr / (double)n, acc = 0;
    d[0] = 0;
    for (size_t k = 1; k < n; k++) {
        acc += 0.5 * (v[k - 1] + v[k]) * h;
        d[k] = acc;
    }
    /* the step that closes the cycle (sample n is sample 0 of the next) */
    double total = acc + 0.5 * (v[n - 1] + v[0]) * h;
    for (size_t k = 0; k < n; k++)
        d[k] = (d[k] - total * (double)k / (double)n) / 100.0; /* cm/s x ms -> mm */
}

dys_status dys_xcorr_delay(dys_ctx *ctx, const double *a, const double *b, size_t n,
                           double rr, double *delay_ms, double *corr)
{
    *delay_ms = *corr = NAN;
    double *x = malloc(3 * n * sizeof *x);
    if (!x)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    double *y = x + n, *r = y + n, ma = 0, mb = 0, na = 0, nb = 0;
    for (size_t k = 0; k < n; k++) {
        ma += a[k];
        mb += b[k];
    }
    ma /= (double)n;
    mb /= (double)n;
    for (size_t k = 0; k < n; k++) {
        x[k] = a[k] - ma;
        y[k] = b[k] - mb;
        na += x[k] * x[k];
        nb += y[k] * y[k];
    }
    dys_status st = DYS_OK;
    if (na > 0 && nb > 0 && (st = dys_circular_xcorr(ctx, x, y, n, r)) == DYS_OK) {
        double norm = sqrt(na * nb);
        size_t best = 0;
        for (size_t k = 1; k < n; k++) /* lags 0..n-1 = all of +-half a cycle */
            if (r[k] > r[best])
                best = k;
        double c0 = r[(best + n - 1) % n], c1 = r[best], c2 = r[(best + 1) % n];
        double den = c0 - 2 * c1 + c2, f = den < 0 ? 0.5 * (c0 - c2) / den : 0;
        double lag = (double)best + fmax(-0.5, fmin(0.5, f));
        if (lag > 0.5 * (double)n)
            lag -= (double)n;
        *delay_ms = lag * rr / (double)n;
        *corr = c1 / norm;
    }
    free(x);
    return st;
}

double dys_circ_mean_deg(const double *ph, size_t m)
{
    double c = 0, s = 0;
    for (size_t i = 0; i < m; i++) {
        c += cos(ph[i] * M_PI / 180.0);
        s += sin(ph[i] * M_PI / 180.0);
    }
    if (m == 0 || hypot(c, s) < 1e-12 * (double)m)
        return NAN;
    return wrap360(atan2(s, c) * 180.0 / M_PI);
}

double dys_circ_sd_deg(const double *ph, size_t m)
{
    double mu = dys_circ_mean_deg(ph, m);
    if (isnan(mu) || m < 2)
        return NAN;
    double sum = 0, ss = 0;
    for (size_t i = 0; i < m; i++) {
        double d = fmod(ph[i] - mu + 540.0, 360.0) - 180.0; /* (-180, 180] */
        sum += d;
        ss += d * d;
    }
    return sqrt(fmax(0, (ss - sum * sum / (double)m) / (double)(m - 1)));
}

double dys_circ_bandwidth_deg(const double *ph, size_t m, double frac)
{
    if (m == 0)
        return NAN;
    double *p = malloc(m * sizeof *p);
    if (!p)
        return NAN;
    for (size_t i = 0; i < m; i++)
        p[i] = fmod(fmod(ph[i], 360.0) + 360.0, 360.0);
    qsort(p, m, sizeof *p, dys_cmp_double);
    size_t k = (size_t)ceil(frac * (double)m - 1e-9);
    if (k < 1)
        k = 1;
    double best = INFINITY;
    for (size_t i = 0; i < m; i++) { /* arc from p[i] over k points */
        size_t j = i + k - 1;
        double w = j < m ? p[j] - p[i] : p[j - m] + 360.0 - p[i];
        best = fmin(best, w);
    }
    free(p);
    return best;
}

#define PS_EXTRA_MS 100.0 /* the post-systolic variant's window past AVC */
/* Delayed longitudinal contraction: shortening after AVC of at least this
 * share of the peak displacement (a peak a few ms past AVC is within the
 * uncertainty of AVC and of the curve). */
#define DLC_MIN_PSI_PCT 5.0

dys_status dys_segment_cycle(dys_ctx *ctx, const dys_curve *c, const double *onsets,
                             const double *rrs, const double *rr_next, const double *ts,
                             const unsigned char *used, size_t nb, double avo, double avc,
                             unsigned what, const dys_harmonics *hm, dys_segment_result *sr,
                             double **keep)
{
    const int variants = (what & DYS_CYCLE_VARIANTS) != 0, phase = (what & DYS_CYCLE_PHASE) && hm;
    const size_t N = DYS_CYCLE_N;
    sr->ts_rr_pct = sr->ts_ep_pct = sr->ts_ps_ms = NAN;
    sr->phase_deg = sr->disp_phase_deg = sr->psi_pct = NAN;
    sr->dlc = -1;
    double *v = malloc(2 * N * sizeof *v), *ph = malloc(2 * (nb ? nb : 1) * sizeof *ph);
    if (keep) {
        *keep = malloc((nb ? nb : 1) * N * sizeof **keep);
        if (*keep)
            for (size_t i = 0; i < nb * N; i++)
                (*keep)[i] = NAN;
    }
    if (!v || !ph || (keep && !*keep)) {
        free(v);
        free(ph);
        if (keep) {
            free(*keep);
            *keep = NULL;
        }
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    double *d = v + N, *dph = ph + nb;
    const double *cs = hm ? hm->cs : NULL, *sn = hm ? hm->sn : NULL;
    double rr_sum = 0, ep_sum = 0, ps_sum = 0, psi_sum = 0;
    int n_rr = 0, n_ep = 0, n_ps = 0, n_ph = 0, n_psi = 0, n_dlc = 0, dlc_yes = 0;
    for (size_t b = 0; b < nb; b++) {
        if (!used[b])
            continue;
        double on = onsets[b], rr = rrs[b];
        if (variants) {
            ep_sum += 100.0 * (ts[b] - avo) / (avc - avo);
            n_ep++;
            /* never into the next beat (a premature one may come early) */
            double e = fmin(fmin(on + avc + PS_EXTRA_MS, c->t_last),
                            isfinite(rr_next[b]) ? on + rr_next[b] : INFINITY), vmax;
            if (e > on + avo) {
                ps_sum += dys_spline_argmax(&c->sp, on + avo, e, &vmax) - on;
                n_ps++;
            }
        }
        if (!(rr > 0))
            continue;
        if (variants) {
            rr_sum += 100.0 * ts[b] / rr;
            n_rr++;
        }
        if ((!phase && !keep) || dys_cycle_sample(c, on, rr, v, N) != 0)
            continue;
        if (keep)
            for (size_t k = 0; k < N; k++)
                (*keep)[b * N + k] = v[k];
        if (!phase)
            continue;
        dys_cycle_displacement(v, N, rr, d);
        double p1 = phase_from_table(v, N, cs, sn), p2 = phase_from_table(d, N, cs, sn);
        if (isfinite(p1) && isfinite(p2)) {
            ph[n_ph] = p1;
            dph[n_ph++] = p2;
        }
        /* tissue tracking: the displacement peak (most shortening) and
         * the displacement at AVC */
        size_t kmax = 0, kavc = (size_t)fmin((double)(N - 1), round(avc / rr * (double)N));
        for (size_t k = 1; k < N; k++)
            if (d[k] > d[kmax])
                kmax = k;
        if (d[kmax] > 0) {
            double psi = 100.0 * (d[kmax] - d[kavc]) / d[kmax];
            psi_sum += psi;
            n_psi++;
            dlc_yes += psi >= DLC_MIN_PSI_PCT;
            n_dlc++;
        }
    }
    if (n_rr)
        sr->ts_rr_pct = rr_sum / n_rr;
    if (n_ep)
        sr->ts_ep_pct = ep_sum / n_ep;
    if (n_ps)
        sr->ts_ps_ms = ps_sum / n_ps;
    if (n_ph) {
        sr->phase_deg = dys_circ_mean_deg(ph, (size_t)n_ph);
        sr->disp_phase_deg = dys_circ_mean_deg(dph, (size_t)n_ph);
    }
    if (n_psi)
        sr->psi_pct = psi_sum / n_psi;
    if (n_dlc)
        sr->dlc = 2 * dlc_yes > n_dlc;
    free(v);
    free(ph);
    return DYS_OK;
}
