/*
 * curve.c - the smooth components a curve is the sum of, their evaluation,
 * and the truth: the true Ts (argmax in the window, refined) and To (the
 * engine's onset rule) of a curve.
 */
#include "synth_internal.h"

double syn_comp_eval(const syn_comp *c, double t)
{
    double d = t - c->centre, u, s;
    switch (c->kind) {
    case C_GAUSS:
        u = d / c->sigma;
        return u * u > 1400.0 ? 0.0 : c->amp * exp(-0.5 * u * u);
    case C_DOG:
        u = d / c->sigma;
        return u * u > 1400.0 ? 0.0 : c->amp * u * exp(0.5 * (1.0 - u * u));
    case C_SKEW:
        s = c->sigma + (c->sigma2 - c->sigma) * 0.5 * (1.0 + tanh(d / (0.6 * c->sigma)));
        u = d / s;
        return c->amp * exp(-0.5 * u * u);
    case C_LOBE:
        if (d < 0.0 || d > c->sigma)
            return 0.0;
        s = sin(SYN_PI * d / c->sigma);
        return c->sigma2 == 1.0 ? c->amp * s : c->amp * s * s;
    default:
        return 0.0;
    }
}

double syn_curve_eval(const syn_curve *cv, double t)
{
    double v = 0.0;
    for (int k = 0; k < N_COMP; k++)
        v += syn_comp_eval(&cv->c[k], t);
    return v;
}

/* The truth: argmax of f over [avo, avc], scanned on a grid of about
 * `grid` ms and refined by golden-section search on the two grid steps
 * around the best grid point.  strict: returns 0 and sets *ts when the peak
 * is acceptable (see the head comment; at least min_peak cm/s), -1
 * otherwise.  Not strict: sets
 * *ts to the argmax whatever the shape (a window edge when the curve is
 * highest there) and returns 0. */
int syn_peak_truth(syn_eval_fn f, const void *obj, double avo, double avc,
                      double grid, int strict, double min_peak, double *ts)
{
    long n = (long)ceil((avc - avo) / grid - 1e-9);
    if (n < 4)
        return -1;
    double h = (avc - avo) / (double)n;
    /* Pass over the grid keeping every local maximum (edges included);
     * the best one is tracked separately so that nothing is lost when a
     * non-strict search meets more than MAXLOC of them. */
    enum { MAXLOC = 32 };
    double loc_v[MAXLOC];
    long loc_j[MAXLOC];
    int nloc = 0, over = 0;
    double best_v = -INFINITY;
    long best_j = 0;
    double vprev = f(obj, avo), vcur = f(obj, avo + h);
    if (vprev > vcur) {
        loc_v[nloc] = vprev;
        loc_j[nloc++] = 0;
        best_v = vprev;
        best_j = 0;
    }
    for (long j = 1; j < n; j++) {
        double vnext = f(obj, j + 1 == n ? avc : avo + (double)(j + 1) * h);
        if (vcur > vprev && vcur >= vnext) {
            if (nloc == MAXLOC)
                over = 1;
            else {
                loc_v[nloc] = vcur;
                loc_j[nloc++] = j;
            }
            if (vcur > best_v) {
                best_v = vcur;
                best_j = j;
            }
        }
        vprev = vcur;
        vcur = vnext;
    }
    if (vcur > vprev) {
        if (nloc == MAXLOC)
            over = 1;
        else {
            loc_v[nloc] = vcur;
            loc_j[nloc++] = n;
        }
        if (vcur > best_v) {
            best_v = vcur;
            best_j = n;
        }
    }
    if (strict && (over || nloc == 0))
        return -1;
    if (!strict && nloc == 0) { /* flat: cannot happen with these curves */
        *ts = avo;
        return 0;
    }
    double vmax = best_v;
    long jb = best_j;
    if (!strict && (jb == 0 || jb == n)) {
        *ts = jb == 0 ? avo : avc;
        return 0;
    }
    if (strict) {
        if (vmax < min_peak || jb == 0 || jb == n)
            return -1;
        for (int k = 0; k < nloc; k++)
            if (loc_j[k] != jb && loc_v[k] >= SYN_OTHER_MAX * vmax)
                return -1;
    }
    /* Golden-section search for the maximum in the two steps around it. */
    const double g = 0.6180339887498949;
    double a = avo + (double)(jb - 1) * h, b = avo + (double)(jb + 1) * h;
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = f(obj, x1), f2 = f(obj, x2);
    while (b - a > SYN_REFINE_MS) {
        if (f1 >= f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = f(obj, x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = f(obj, x2);
        }
    }
    double t = 0.5 * (a + b);
    if (strict && (t - avo < SYN_EDGE_MS || avc - t < SYN_EDGE_MS))
        return -1;
    *ts = t;
    return 0;
}

double syn_curve_eval_fn(const void *obj, double t)
{
    return syn_curve_eval((const syn_curve *)obj, t);
}

/* True To by the engine's rule (timing.h): back from ts to where f last
 * rose through DYS_TO_FRACTION of f(ts), not before lo; the crossing to
 * 1e-6 ms by bisection.  NAN when there is none. */
double syn_onset_truth(syn_eval_fn f, const void *obj, double lo, double ts)
{
    const double step = 0.25, thr = DYS_TO_FRACTION * f(obj, ts);
    for (double t = ts; t - step >= lo; t -= step) {
        if (f(obj, t - step) >= thr)
            continue;
        double x0 = t - step, x1 = t;
        while (x1 - x0 > 1e-6) {
            double m = 0.5 * (x0 + x1);
            if (f(obj, m) < thr)
                x0 = m;
            else
                x1 = m;
        }
        return 0.5 * (x0 + x1);
    }
    return NAN;
}

/* The single-beat truth (strict, on the SYN_GRID_MS grid). */
int syn_curve_truth(const syn_curve *cv, double avo, double avc, double *ts)
{
    return syn_peak_truth(syn_curve_eval_fn, cv, avo, avc, SYN_GRID_MS, 1, SYN_MIN_PEAK, ts);
}
