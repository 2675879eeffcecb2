/*
 * timing.c - time from QRS onset to peak systolic velocity (Ts).
 *
 * Window: the ejection period [AVO, AVC] from the beat's QRS onset, so
 * the isovolumic contraction spike (before AVO) and post-systolic waves
 * (after AVC) are never taken.
 * Peak: the exact maximum of the conditioned spline (conditioning.c) in
 * the window (policy max, default), or the first local maximum reaching
 * first_peak_fraction of that maximum (policy first).  On a curve taken
 * through its samples (no low-pass) the spline passes through the actual
 * time stamps, so the peak time is refined below the frame period without
 * assuming even spacing; local_peak checks it against more local
 * interpolants, which a wave the frame rate does not resolve cannot bend
 * (at 40-80 frames/s).  The automatic low-pass of a velocity curve is kept
 * only when it also beats the curve through the samples by
 * cross-validation on the ejection windows (interpolation_wins): the noise
 * estimate Stein's risk uses also holds the waves 40-50 frames/s do not
 * resolve.  On noisy curves (estimated noise >=
 * DYS_CLEAN_NOISE_CM_S) a least-squares cubic is refitted to the raw
 * samples around the peak (refine_noisy_peak): on synthetic curves with
 * 0.25 cm/s noise at 100 fps this lowers the median error from 3.7 to
 * 2.3 ms.
 * Flags (docs/indices.md, "How Ts is measured"):
 *  - NO_POSITIVE_PEAK: nothing above 0 in the window (akinetic or
 *    dyskinetic); Ts is not taken from |v|.
 *  - LOW_AMPLITUDE: peak below max(low_amplitude_cm_s, 3 x the noise SD left
 *    after the low-pass).
 *  - PEAK_AT_WINDOW_EDGE: the maximum is at AVO or AVC with the curve still
 *    rising into the edge: the true peak lies outside the window.
 *  - MULTIPLE_PEAKS: another local maximum >= 90 % of the peak, >= 30 ms
 *    away, separated by a dip of >= 5 % of the peak: Ts is ambiguous, but
 *    the published method takes the highest, so the status stays ok.
 *  - UNCERTAIN_TIMING: the samples do not pin the peak to a fraction of
 *    a frame (uncertain_timing); reported, the status stays ok.
 * To (onset of systolic velocity, for the To indices): going back from the
 * peak, the last upward crossing of 10 % of the peak velocity, searched
 * down to 40 ms before AVO, so past the negative lobe that ends the
 * isovolumic spike; not found (NAN) when the curve never falls below that
 * level there.  A threshold relative to S', not zero, because a curve may
 * hover around zero before it rises and noise makes zero crossings
 * ambiguous; 10 % is where the rise is already steep.
 * Missing: fewer than half the samples valid, fewer than 8 valid samples,
 * a gap longer than max_gap_ms touching the window, or a recording that
 * does not cover the window.
 */
#include "timing.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The interpolating polynomial through np points as coefficients in
 * u = t - t0 (below, with local_peak). */
static void interp_poly(const double *x, const double *y, int np, double t0, double q[4]);

/* Velocity curves: keep the automatic low-pass (cut-off fc_hz, on g grid
 * points dt_ms apart, spline sp) only if it also wins a cross-validation,
 * which needs no noise estimate, against the curve through the samples.
 * Stein's risk prices the filter with the 6th-difference noise SD, and at
 * 40-50 frames/s that SD also holds the waves the frame rate does not
 * resolve (the isovolumic spike and the end-systolic notch, 8-15 ms wide,
 * sampled every 20-25 ms: 0.07-0.7 cm/s on noise-free synthetic curves at
 * 40 frames/s), so a clean curve was low-passed and its Ts moved by up to
 * 10 ms.  Over the valid samples inside the ejection windows with two
 * valid samples either side:
 *  - the curve through the samples is scored by leave-one-out: each
 *    sample against the cubic through its two neighbours either side
 *    (the natural spline's leave-one-out prediction, made local);
 *  - the filter by generalised cross-validation (Craven & Wahba, Numer
 *    Math 1979;31:377): its residual at the sample over 1 - tr(H)/n.
 * The filter is dropped when its score is at least twice the
 * interpolant's.  Why twice: a filter Stein's risk prefers to none (noise
 * SD s, u = tr(H)/n) leaves a window residual below 2 s^2 (1 - u) per
 * sample, so scores below 2 s^2 / (1 - u), and can lose only where the
 * interpolant scores below s^2 / (1 - u); on white noise of SD sigma the
 * interpolant scores (1 + 34/36) sigma^2 = 1.94 sigma^2 (even frames)
 * plus the signal the cubic misses.  So a strong filter (u ~ 0.1), which
 * moves a peak most, is dropped only when s overestimates the noise by
 * about a third or more; a mild one (u near 1) also when s is right,
 * where dropping it changes little.
 * Measured on make accuracy's studies (seeds 20240601 and 4242): a
 * factor of 1 also dropped the filter on noisy curves, whose Ts then
 * wandered (0.5 cm/s, 40 frames/s: median 5.2 -> 5.8 ms, segments set
 * aside 3 -> 13); 1.25-2 met every target on both seeds, 3 left the
 * 40-frames/s misses.  Not for strain: its time to peak lies on a broad
 * extremum, which the stronger filter times better (the same test raised
 * the median at 0.1 % strain, 60 frames/s, from 1.27 to 1.52 ms). */
static int interpolation_wins(const dys_spline *sp, const double *x, const double *y, size_t m,
                              const double *win_lo, const double *win_hi, size_t n_win,
                              double fc_hz, double dt_ms, size_t g)
{
    /* tr(H)/n: the Gaussian gains of the g DCT bins (conditioning.c) */
    double df = 1000.0 / (2.0 * (double)g * dt_ms), tr = 0;
    for (size_t k = 0; k < g; k++) {
        double r = (double)k * df / fc_hz, h = exp(-M_LN2 * r * r);
        tr += h;
        if (h < 1e-17)
            break;
    }
    double lev = 1.0 - tr / (double)g;
    if (!(lev > 0))
        return 0;
    double s_interp = 0, s_filter = 0;
    size_t next = 2; /* windows ascend; a sample overlapping two counts once */
    for (size_t w = 0; w < n_win; w++) {
        size_t lo = 0, hi = m;
        while (lo < hi) { /* the first sample at or after the window */
            size_t mid = lo + (hi - lo) / 2;
            if (x[mid] < win_lo[w])
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo > next ? lo : next; i + 2 < m && x[i] <= win_hi[w]; i++) {
            double q[4], e;
            interp_poly((double[4]){x[i - 2], x[i - 1], x[i + 1], x[i + 2]},
                        (double[4]){y[i - 2], y[i - 1], y[i + 1], y[i + 2]}, 4, x[i], q);
            s_interp += (y[i] - q[0]) * (y[i] - q[0]);
            e = (y[i] - dys_spline_eval(sp, x[i])) / lev;
            s_filter += e * e;
            next = i + 1;
        }
    }
    return s_interp > 0 && s_filter >= 2.0 * s_interp;
}

dys_status dys_curve_init(dys_ctx *ctx, dys_curve *c, const dys_axis *ax,
                          const double *t, const double *v, size_t n, const double *win_lo,
                          const double *win_hi, size_t n_win,
                          const dys_params *p, int velocity, char *why, size_t whycap)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->v = v;
    c->n = n;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *grid = NULL, *gv = NULL;
    dys_status st = DYS_OK;
    if (!x || !y) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) {
            x[m] = t[i];
            y[m++] = v[i];
        }
    if (m < 8 || 2 * m < n) {
        snprintf(why, whycap, "too little signal: %zu of %zu samples valid", m, n);
        st = DYS_ERR_ANALYSIS;
        goto out;
    }
    c->t_first = x[0];
    c->t_last = x[m - 1];
    if (p->lowpass_hz == DYS_LOWPASS_OFF) {
        st = dys_spline_init(&c->sp, x, y, m);
        goto out;
    }
    /* A uniform grid at about the median frame interval, for the DCT
     * filter (the interval is kept: LOW_AMPLITUDE weighs the noise the
     * filter leaves by it). */
    /* every sample valid: the recording's axis holds what depends on the
     * times only */
    const dys_axis *shared = ax && ax->t == t && ax->n == n && m == n ? ax : NULL;
    double dt = c->frame_ms = shared ? shared->median_dt : dys_median_interval(x, m);
    if (isnan(dt)) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* A grid at the frame interval over the whole span has about as many
     * points as there are frames.  A time axis with a huge jump (a typing
     * error: 6.8e51 ms was found by fuzzing) would ask for an absurd grid:
     * refuse the segment instead. */
    double points = (c->t_last - c->t_first) / dt + 1;
    if (!(points <= 16.0 * (double)m + 1024)) {
        snprintf(why, whycap,
                 "the time axis (%.4g..%.4g ms) is far longer than its %zu frames at %.3g ms "
                 "cover: a time value is wrong", c->t_first, c->t_last, m, dt);
        st = DYS_ERR_ANALYSIS;
        goto out;
    }
    dys_spline raw;
    if ((st = dys_spline_init(&raw, x, y, m)) != DYS_OK)
        goto out;
    /* As many grid points as frames, rounded up to an FFT-friendly count
     * (dys_fft_size): the step is then a few per cent below the frame
     * interval, and the grid spans the samples exactly. */
    size_t g = dys_fft_size((size_t)points);
    dt = (c->t_last - c->t_first) / (double)(g - 1);
    grid = malloc(g * sizeof *grid);
    gv = malloc(g * sizeof *gv);
    if (!grid || !gv) {
        dys_spline_free(&raw);
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t h = 0;
    for (size_t k = 0; k < g; k++) {
        grid[k] = k + 1 < g ? c->t_first + (double)k * dt : c->t_last;
        gv[k] = dys_spline_eval_near(&raw, grid[k], &h);
    }
    dys_spline_free(&raw);
    c->noise_sd = shared && shared->ddw ? dys_noise_sd_axis(shared, y) : dys_noise_sd(x, y, m);
    double fc = p->lowpass_hz;
    int filtered = 0; /* the automatic choice has filtered gv already */
    if (fc == DYS_LOWPASS_AUTO && c->noise_sd < DYS_CLEAN_NOISE_CM_S) {
        fc = 0; /* clean: the spline through the samples is the curve */
    } else if (fc == DYS_LOWPASS_AUTO) {
        unsigned char *inw = calloc(g, 1);
        if (!inw) {
            st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t k = 0; k < g; k++)
            for (size_t w = 0; w < n_win; w++)
                inw[k] |= grid[k] >= win_lo[w] && grid[k] <= win_hi[w];
        st = dys_choose_lowpass(ctx, gv, g, dt, inw, c->noise_sd, &fc, gv);
        free(inw);
        if (st != DYS_OK)
            goto out;
        filtered = fc > 0;
    }
    if (fc > 0 && fc < 500.0 / dt) {
        if (!filtered && (st = dys_lowpass(ctx, gv, g, dt, fc)) != DYS_OK)
            goto out;
        c->lowpass_hz = fc;
        st = dys_spline_init(&c->sp, grid, gv, g);
        c->t_last = grid[g - 1];
        if (st == DYS_OK && filtered && velocity &&
            interpolation_wins(&c->sp, x, y, m, win_lo, win_hi, n_win, fc, dt, g)) {
            dys_spline_free(&c->sp);
            c->lowpass_hz = 0;
            c->t_last = x[m - 1];
            st = dys_spline_init(&c->sp, x, y, m);
        }
    } else {
        st = dys_spline_init(&c->sp, x, y, m);
    }
out:
    if (st == DYS_ERR_NOMEM || st == DYS_ERR_INVALID)
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    free(x);
    free(y);
    free(grid);
    free(gv);
    return st;
}

void dys_curve_free(dys_curve *c)
{
    dys_spline_free(&c->sp);
}

/* The first sample at or after time x (n if none; 0 for a NAN x).  The
 * times strictly increase (dys_analyze checks them), so the samples of a
 * window are one run: the scans below start there and stop past its end
 * instead of testing all of a recording's samples per beat, and visit the
 * same samples in the same order as a whole scan would. */
static size_t first_at(const dys_curve *c, double x)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->t[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Longest run without a valid sample that overlaps [a, b]. */
static double longest_gap(const dys_curve *c, double a, double b)
{
    double worst = 0, last = -INFINITY;
    /* from the last valid sample before a: its pair with the next counts */
    size_t i = first_at(c, a);
    while (i > 0 && isnan(c->v[--i]))
        ;
    for (; i < c->n && !(last > b); i++) {
        if (isnan(c->v[i]))
            continue;
        if (last > -INFINITY && c->t[i] >= a && last <= b)
            worst = fmax(worst, c->t[i] - last);
        last = c->t[i];
    }
    return worst;
}

/* Least-squares polynomial of degree deg (2 or 3) through the raw
 * samples in [lo, hi]; returns the stationary point (maximum) nearest t0,
 * or NAN when the fit has no maximum there. */
static double local_fit_peak(const dys_curve *c, double lo, double hi, double t0,
                             int deg)
{
    double A[4][5] = {{0}};
    int m = 0;
    for (size_t i = first_at(c, lo); i < c->n && !(c->t[i] > hi); i++) {
        if (isnan(c->v[i]) || c->t[i] < lo || c->t[i] > hi)
            continue;
        double u = (c->t[i] - t0) / 10.0, pw[7];
        pw[0] = 1;
        for (int k = 1; k < 7; k++)
            pw[k] = pw[k - 1] * u;
        for (int r = 0; r <= deg; r++) {
            for (int q = 0; q <= deg; q++)
                A[r][q] += pw[r + q];
            A[r][deg + 1] += pw[r] * c->v[i];
        }
        m++;
    }
    if (m < deg + 3)
        return NAN;
    /* Gaussian elimination with partial pivoting on the normal equations
     * (well conditioned: u is centred and scaled to ~1). */
    int nn = deg + 1;
    for (int col = 0; col < nn; col++) {
        int piv = col;
        for (int r = col + 1; r < nn; r++)
            if (fabs(A[r][col]) > fabs(A[piv][col]))
                piv = r;
        if (fabs(A[piv][col]) < 1e-12)
            return NAN;
        for (int q = 0; q <= nn; q++) {
            double tmp = A[col][q];
            A[col][q] = A[piv][q];
            A[piv][q] = tmp;
        }
        for (int r = 0; r < nn; r++) {
            if (r == col)
                continue;
            double f = A[r][col] / A[col][col];
            for (int q = col; q <= nn; q++)
                A[r][q] -= f * A[col][q];
        }
    }
    double b[4] = {0};
    for (int r = 0; r < nn; r++)
        b[r] = A[r][nn] / A[r][r];
    double u;
    if (deg == 2) {
        if (!(b[2] < 0))
            return NAN;
        u = -b[1] / (2 * b[2]);
    } else {
        /* b1 + 2 b2 u + 3 b3 u^2 = 0, maximum where 2nd derivative < 0 */
        double qa = 3 * b[3], qb = 2 * b[2], qc = b[1];
        double best = NAN;
        if (fabs(qa) < 1e-12) {
            if (qb < 0)
                best = -qc / qb;
        } else {
            double disc = qb * qb - 4 * qa * qc;
            if (disc < 0)
                return NAN;
            double r1 = (-qb + sqrt(disc)) / (2 * qa), r2 = (-qb - sqrt(disc)) / (2 * qa);
            if (2 * b[2] + 6 * b[3] * r1 < 0)
                best = r1;
            if (2 * b[2] + 6 * b[3] * r2 < 0 && (isnan(best) || fabs(r2) < fabs(best)))
                best = r2;
        }
        u = best;
    }
    return t0 + 10.0 * u;
}

/* On noisy curves the maximum of the low-passed curve wanders over the
 * flat top of S'.  Refit the raw samples there: a least-squares cubic over
 * the span where the smoothed curve is within 15 noise SDs of its peak
 * but above half of it (at least +-20 ms), whose maximum is the refined
 * peak.  A cubic, not a parabola, because S' rises faster than it falls
 * and a parabola's vertex would be pulled towards the slow side.  Half
 * the peak, because a cubic describes the top of a wave, not its flanks,
 * where the isovolumic spike or the end-systolic notch take over (at
 * 40-60 frames/s, where the noise estimate also holds some unresolved
 * signal, a span of 10 estimated SDs alone reached into them and moved
 * the peak by up to 20 ms); 15 SDs, since with the half-peak floor a
 * longer span on low-noise curves lowered the median error at 60-250
 * frames/s (docs/accuracy.md). */
static double refine_noisy_peak(const dys_curve *c, double a, double b, double tpk,
                                double vmax)
{
    const double min_half = 20.0, reach = 150.0;
    double level = fmax(vmax - 15.0 * c->noise_sd, 0.5 * vmax), lo, hi;
    double llim = fmax(a, tpk - reach), hlim = fmin(b, tpk + reach);
    if (!dys_spline_leave(&c->sp, tpk, llim, level, &lo))
        lo = llim;
    if (!dys_spline_leave(&c->sp, tpk, hlim, level, &hi))
        hi = hlim;
    lo = fmin(lo, fmax(a, tpk - min_half));
    hi = fmax(hi, fmin(b, tpk + min_half));
    double tr = local_fit_peak(c, lo, hi, tpk, 3);
    return !isnan(tr) && tr >= lo && tr <= hi ? tr : tpk;
}

/* Maximum over [lo, hi] of the polynomial sum_k q[k] u^k (degree <= 3,
 * u = t - t0): the ends and the interior stationary points.  NAN when the
 * interval is empty. */
static double poly_argmax(const double q[4], double t0, double lo, double hi)
{
    if (!(lo <= hi))
        return NAN;
    double cand[4] = {lo, hi, NAN, NAN}, best = lo, bestv = -INFINITY;
    /* q1 + 2 q2 u + 3 q3 u^2 = 0 */
    double qa = 3 * q[3], qb = 2 * q[2], qc = q[1];
    if (fabs(qa) < 1e-15 * (fabs(qb) + fabs(qc))) {
        if (qb != 0)
            cand[2] = t0 - qc / qb;
    } else {
        double disc = qb * qb - 4 * qa * qc;
        if (disc >= 0) {
            cand[2] = t0 + (-qb + sqrt(disc)) / (2 * qa);
            cand[3] = t0 + (-qb - sqrt(disc)) / (2 * qa);
        }
    }
    for (int k = 0; k < 4; k++) {
        double t = cand[k];
        if (!(t >= lo && t <= hi))
            continue;
        double u = t - t0, v = q[0] + u * (q[1] + u * (q[2] + u * q[3]));
        if (v > bestv) {
            bestv = v;
            best = t;
        }
    }
    return best;
}

/* The interpolating polynomial through np (3 or 4) points, as
 * coefficients in u = t - t0 (Newton's divided differences expanded). */
static void interp_poly(const double *x, const double *y, int np, double t0, double q[4])
{
    double dd[4];
    for (int k = 0; k < np; k++)
        dd[k] = y[k];
    for (int j = 1; j < np; j++)
        for (int k = np - 1; k >= j; k--)
            dd[k] = (dd[k] - dd[k - 1]) / (x[k] - x[k - j]);
    /* Horner on the Newton form: p(u) = dd0 + (u - x0') (dd1 + (u - x1')
     * (dd2 + (u - x2') dd3)), with x' = x - t0. */
    q[0] = q[1] = q[2] = q[3] = 0;
    for (int k = np - 1; k >= 0; k--) {
        /* q <- q * (u - (x[k] - t0)) + dd[k] */
        double r = x[k] - t0;
        for (int m = 3; m > 0; m--)
            q[m] = q[m - 1] - r * q[m];
        q[0] = -r * q[0] + dd[k];
    }
}

/* On a curve taken through its samples (no low-pass), check the spline's
 * peak against two more local interpolants of the samples around the
 * highest one: the cubics through 4 consecutive samples (the two stencils
 * that hold the sample and both its neighbours, their peaks averaged) and
 * the parabola through the sample and its neighbours.  A natural spline
 * passes through every sample, so a wave the frame rate does not resolve
 * (the end-systolic notch, the isovolumic spike, a septal flash: 8-15 ms
 * wide against 12-25 ms frames at 40-80 frames/s) bends it several frames
 * away and moves its peak by up to a frame; the local cubic only sees the
 * two samples either side, the parabola only the neighbours.  So: the
 * spline when the local cubic agrees with it within a tenth of a frame
 * (its error on resolved curves is far below either), else the cubic when
 * the parabola agrees with it within a tenth of a frame, else the
 * parabola, whose vertex cannot leave the neighbours' interval (its bias
 * on an asymmetric wave is a few per cent of a frame: 2.7 ms at most at
 * 60 frames/s on the synthetic set, docs/accuracy.md).  *spread gets the
 * largest disagreement (ms) between the chosen estimate and the spline.
 * i is the valid sample to start from; returns tpk unchanged when it has
 * no valid neighbour on a side. */
static double local_peak(const dys_curve *c, size_t i, double a, double b, double tpk,
                         double *spread)
{
    *spread = 0;
    long idx[5] = {-1, -1, (long)i, -1, -1};
    for (int side = -1; side <= 1; side += 2) {
        long j = (long)i;
        for (int k = 1; k <= 2; k++) {
            do
                j += side;
            while (j >= 0 && j < (long)c->n && isnan(c->v[j]));
            if (j < 0 || j >= (long)c->n)
                break;
            idx[2 + side * k] = j;
        }
    }
    if (idx[1] < 0 || idx[3] < 0)
        return tpk;
    double t0 = c->t[i], lo = fmax(a, c->t[idx[1]]), hi = fmin(b, c->t[idx[3]]);
    double x[5], y[5], q[4];
    for (int k = 0; k < 5; k++)
        if (idx[k] >= 0) {
            x[k] = c->t[idx[k]];
            y[k] = c->v[idx[k]];
        }
    interp_poly(x + 1, y + 1, 3, t0, q);
    double par = poly_argmax(q, t0, lo, hi), cub = 0;
    int ncub = 0;
    for (int first = 0; first <= 1; first++) {
        if (idx[first] < 0 || idx[first + 3] < 0)
            continue;
        interp_poly(x + first, y + first, 4, t0, q);
        double t = poly_argmax(q, t0, lo, hi);
        if (!isnan(t)) {
            cub += t;
            ncub++;
        }
    }
    if (isnan(par))
        return tpk;
    cub = ncub ? cub / ncub : par;
    double tenth = 0.1 * 0.5 * (c->t[idx[3]] - c->t[idx[1]]), best;
    if (fabs(tpk - cub) <= tenth)
        best = tpk;
    else if (fabs(cub - par) <= tenth)
        best = cub;
    else
        best = par;
    *spread = fabs(best - tpk);
    return best;
}

/* The valid sample in [a, b] to refine a peak from: the highest one (the
 * maximum policy), or, for a peak the first-peak policy chose, the
 * nearest one to it moved uphill while a neighbour is higher.  SIZE_MAX
 * when the window holds no valid sample. */
static size_t peak_sample(const dys_curve *c, double a, double b, double tpk, int highest)
{
    size_t best = SIZE_MAX;
    for (size_t k = first_at(c, a); k < c->n && !(c->t[k] > b); k++) {
        if (isnan(c->v[k]) || c->t[k] < a || c->t[k] > b)
            continue;
        if (best == SIZE_MAX ||
            (highest ? c->v[k] > c->v[best] : fabs(c->t[k] - tpk) < fabs(c->t[best] - tpk)))
            best = k;
    }
    if (highest || best == SIZE_MAX)
        return best;
    for (int moved = 1; moved;) {
        moved = 0;
        for (int side = -1; side <= 1; side += 2) {
            long j = (long)best;
            do
                j += side;
            while (j >= 0 && j < (long)c->n && isnan(c->v[j]));
            if (j >= 0 && j < (long)c->n && c->t[j] >= a && c->t[j] <= b &&
                c->v[j] > c->v[best]) {
                best = (size_t)j;
                moved = 1;
            }
        }
    }
    return best;
}

double dys_curve_refine_peak(const dys_curve *c, double a, double b, double tpk,
                             double vmax, int highest, int local, size_t *ipk,
                             double *spread)
{
    *ipk = peak_sample(c, a, b, tpk, highest);
    *spread = 0;
    if (local && *ipk != SIZE_MAX && c->lowpass_hz == 0)
        tpk = local_peak(c, *ipk, a, b, tpk, spread);
    if (c->noise_sd >= DYS_CLEAN_NOISE_CM_S) {
        /* twice: the second fit is centred on the first one's peak */
        tpk = refine_noisy_peak(c, a, b, tpk, vmax);
        tpk = refine_noisy_peak(c, a, b, tpk, dys_spline_eval(&c->sp, tpk));
    }
    return tpk;
}

/* Valid samples at or above half the peak in the run around sample i:
 * how many frames the wave's top half spans. */
static int samples_above_half(const dys_curve *c, size_t i, double vpk)
{
    int n = 1;
    for (int side = -1; side <= 1; side += 2)
        for (long j = (long)i + side; j >= 0 && j < (long)c->n; j += side) {
            if (isnan(c->v[j]))
                continue;
            if (c->v[j] < 0.5 * vpk)
                break;
            n++;
        }
    return n;
}

/* To: back from the peak (tpk, value vpk) to where the curve last rose
 * through DYS_TO_FRACTION of the peak, not before lo (dys_spline_leave:
 * exact, where a 0.5-ms scan could step over a dip narrower than its
 * step).  NAN when the curve stays above that level down to lo (S'
 * runs into the isovolumic spike without a trough). */
static double systolic_onset(const dys_curve *c, double tpk, double vpk, double lo)
{
    double at;
    if (!(lo < tpk) || !dys_spline_leave(&c->sp, tpk, lo, DYS_TO_FRACTION * vpk, &at))
        return NAN;
    return at;
}

/* UNCERTAIN_TIMING (reported; the status stays ok): the samples do not
 * pin the peak down to a fraction of a frame.
 *  - the wave's top half (samples >= half the peak, around it) spans
 *    fewer than 3 frames: a peak that narrow is sampled by one or two
 *    frames, and any interpolant's guess between them can be off by half
 *    a frame;
 *  - the peak lies within one frame of AVO or AVC: the sample beyond the
 *    edge belongs to the isovolumic spike or the post-systolic wave, and
 *    an error of a few ms in the event itself moves Ts with it;
 *  - the local interpolants moved the spline's peak by more than a
 *    quarter of a frame (local_peak): a wave the frame rate does not
 *    resolve bends the curve near the peak. */
static void uncertain_timing(const dys_curve *c, size_t i, double a, double b, double tpk,
                             double vpk, double spread, dys_beat_ts *out)
{
    double frame = NAN;
    for (long j = (long)i - 1; j >= 0; j--)
        if (!isnan(c->v[j])) {
            frame = c->t[i] - c->t[j];
            break;
        }
    for (size_t j = i + 1; j < c->n && isnan(frame); j++)
        if (!isnan(c->v[j]))
            frame = c->t[j] - c->t[i];
    if (isnan(frame))
        return;
    int wide = samples_above_half(c, i, vpk);
    const char *why = NULL;
    char buf[sizeof out->why];
    if (wide < 3) {
        snprintf(buf, sizeof buf, "peak timing uncertain: the wave's top half spans %d "
                 "frame%s (%.1f ms apart)", wide, wide == 1 ? "" : "s", frame);
        why = buf;
    } else if (tpk - a < frame || b - tpk < frame) {
        snprintf(buf, sizeof buf, "peak timing uncertain: peak within one frame (%.1f ms) "
                 "of %s", frame, tpk - a < frame ? "AVO" : "AVC");
        why = buf;
    } else if (spread > 0.25 * frame) {
        snprintf(buf, sizeof buf, "peak timing uncertain: the spline and the local fit of the "
                 "samples around the peak differ by %.1f ms (frames %.1f ms apart)",
                 spread, frame);
        why = buf;
    }
    if (!why)
        return;
    out->flags |= DYS_FLAG_UNCERTAIN_TIMING;
    if (!out->why[0])
        snprintf(out->why, sizeof out->why, "%s", why);
}

void dys_measure_beat(const dys_curve *c, double onset_ms, double avo_ms,
                      double avc_ms, const dys_params *p, dys_beat_ts *out)
{
    memset(out, 0, sizeof *out);
    out->ts_ms = out->to_ms = NAN;
    double a = onset_ms + avo_ms, b = onset_ms + avc_ms;
    if (a < c->t_first || b > c->t_last) {
        snprintf(out->why, sizeof out->why,
                 "recording (%.0f..%.0f ms) does not cover the ejection window "
                 "(%.0f..%.0f ms)", c->t_first, c->t_last, a, b);
        return;
    }
    double gap = longest_gap(c, a, b);
    /* Frames are 4-20 ms apart; an interval much longer than max_gap_ms
     * means samples are missing. */
    if (gap > p->max_gap_ms) {
        snprintf(out->why, sizeof out->why,
                 "gap of %.0f ms without valid samples in the ejection window "
                 "(limit %.0f ms)", gap, p->max_gap_ms);
        return;
    }
    out->measured = 1;
    double vmax;
    /* The local maxima, for the first-peak policy and the multiple-peak
     * flag; with the window's ends they hold the maximum (one pass over
     * the pieces, not two), unless there were more than the list keeps. */
    enum { MAXLOC = 64 };
    double lt[MAXLOC], lv[MAXLOC];
    int nl = (int)dys_spline_maxima(&c->sp, a, b, lt, lv, MAXLOC);
    double tpk;
    if (nl < MAXLOC) {
        double vb = dys_spline_eval(&c->sp, b);
        tpk = a;
        vmax = dys_spline_eval(&c->sp, a);
        if (vb > vmax) {
            tpk = b;
            vmax = vb;
        }
        for (int k = 0; k < nl; k++)
            if (lv[k] > vmax) {
                tpk = lt[k];
                vmax = lv[k];
            }
    } else {
        tpk = dys_spline_argmax(&c->sp, a, b, &vmax);
    }

    if (p->peak == DYS_PEAK_FIRST && vmax > 0) {
        for (int k = 0; k < nl; k++)
            if (lv[k] >= p->first_peak_fraction * vmax) {
                tpk = lt[k];
                vmax = lv[k];
                break;
            }
    }
    size_t ipk = SIZE_MAX;
    double spread = 0;
    if (vmax > 0)
        tpk = dys_curve_refine_peak(c, a, b, tpk, vmax, p->peak != DYS_PEAK_FIRST, 1, &ipk,
                                    &spread);
    out->peak = vmax;
    if (!(vmax > 0)) {
        out->flags |= DYS_FLAG_NO_POSITIVE_PEAK;
        snprintf(out->why, sizeof out->why,
                 "no positive velocity in the ejection window (akinetic or "
                 "dyskinetic segment)");
        return;
    }
    out->ts_ms = tpk - onset_ms;
    /* To walks the spline back from the peak: only for the To indices */
    if (p->indices & dys_family_indices("to"))
        out->to_ms = systolic_onset(c, tpk, dys_spline_eval(&c->sp, tpk),
                                    fmax(c->t_first, a - DYS_TO_BEFORE_AVO_MS)) - onset_ms;
    /* The noise that matters is what is left in the curve the peak is read
     * from: a Gaussian gain with cut-off fc passes a fraction
     * sqrt(pi / (8 ln 2)) fc / f_Nyquist ~ 0.75 fc / f_Nyquist of white
     * noise's power.  At 40-60 frames/s, where the raw noise estimate also
     * holds unresolved signal, 3 raw SDs set aside 5 % of the segments at
     * 0.5 cm/s. */
    double left = 1.0;
    if (c->lowpass_hz > 0)
        left = sqrt(fmin(1.0, 0.75 * c->lowpass_hz * c->frame_ms / 500.0));
    double floor_amp = fmax(p->low_amplitude_cm_s, 3.0 * c->noise_sd * left);
    if (vmax < floor_amp) {
        out->flags |= DYS_FLAG_LOW_AMPLITUDE;
        snprintf(out->why, sizeof out->why,
                 "peak %.2f cm/s is below %.2f cm/s", vmax, floor_amp);
    }
    const double eps = 0.25;
    if ((tpk - a < eps && dys_spline_eval(&c->sp, a + 1.0) < vmax) ||
        (b - tpk < eps && dys_spline_eval(&c->sp, b - 1.0) < vmax)) {
        out->flags |= DYS_FLAG_PEAK_AT_WINDOW_EDGE;
        snprintf(out->why, sizeof out->why,
                 "peak at the %s of the ejection window: the true peak lies "
                 "outside it", tpk - a < eps ? "start (AVO)" : "end (AVC)");
    }
    if (!(out->flags & DYS_FLAG_PEAK_AT_WINDOW_EDGE) && ipk != SIZE_MAX)
        uncertain_timing(c, ipk, a, b, tpk, vmax, spread, out);
    for (int k = 0; k < nl; k++) {
        if (lv[k] < 0.9 * vmax || fabs(lt[k] - tpk) < 30.0)
            continue;
        /* the dip between the two maxima */
        double dip;
        dys_spline_argmin(&c->sp, fmin(lt[k], tpk), fmax(lt[k], tpk), &dip);
        if (dip <= fmin(lv[k], vmax) - 0.05 * vmax) {
            out->flags |= DYS_FLAG_MULTIPLE_PEAKS;
            break;
        }
    }
}
