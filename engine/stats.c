/*
 * stats.c - the research statistics of dyssync_stats.h.
 *
 * Everything here is a closed formula from the paper named beside it; the
 * only numerics are the distribution quantiles for the confidence
 * intervals: the regularised incomplete beta function by its continued
 * fraction (modified Lentz), inverted by bisection, which is slow next to
 * a Newton step but exact to the last bits and cannot diverge, and these
 * are called a handful of times per command.
 */
#include "internal.h"
#include "dyssync_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- distributions ------------------------------------------------------- */

double dys_normal_cdf(double z)
{
    return 0.5 * erfc(-z / M_SQRT2);
}

double dys_normal_quantile(double p)
{
    if (!(p > 0 && p < 1))
        return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    double lo = -40, hi = 40;
    for (int i = 0; i < 200 && lo < hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi)
            break;
        if (dys_normal_cdf(mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* One modified-Lentz step with partial numerator aa: updates the
 * running c and d, returns the factor the fraction is multiplied by. */
static double lentz_step(double aa, double *c, double *d)
{
    const double tiny = 1e-300;
    *d = 1 + aa * *d;
    if (fabs(*d) < tiny)
        *d = tiny;
    *c = 1 + aa / *c;
    if (fabs(*c) < tiny)
        *c = tiny;
    *d = 1 / *d;
    return *d * *c;
}

/* Continued fraction of the incomplete beta (Numerical Recipes' betacf,
 * modified Lentz); converges fast for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < 1e-300)
        d = 1e-300;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        double m2 = 2.0 * m;
        h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &c, &d);
        double del = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &c, &d);
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return h;
}

/* I_x(a, b).  lgamma_r, not lgamma: lgamma writes the global signgam. */
static double inc_beta(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    int sg;
    double lbt = lgamma_r(a + b, &sg) - lgamma_r(a, &sg) - lgamma_r(b, &sg) + a * log(x) +
                 b * log1p(-x);
    if (x < (a + 1) / (a + b + 2))
        return exp(lbt) * beta_cf(a, b, x) / a;
    return 1 - exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

double dys_f_quantile(double p, double d1, double d2)
{
    if (!(p > 0 && p < 1) || !(d1 > 0) || !(d2 > 0))
        return NAN;
    /* P(F <= x) = I_u(d1/2, d2/2) with u = d1 x / (d1 x + d2): solve for u */
    double lo = 0, hi = 1;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi)
            break;
        if (inc_beta(d1 / 2, d2 / 2, mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    double u = 0.5 * (lo + hi);
    return d2 * u / (d1 * (1 - u));
}

double dys_t_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    if (p == 0.5)
        return 0;
    /* T^2 is F(1, df): P(|T| <= t) = 2p - 1 for p > 1/2 */
    double t = sqrt(dys_f_quantile(fabs(2 * p - 1), 1, df));
    return p > 0.5 ? t : -t;
}

static int all_finite(const double *x, size_t n);

double dys_t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return t > 0 ? 1 : 0;
    /* P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t^2) */
    double tail = 0.5 * inc_beta(df / 2, 0.5, df / (df + t * t));
    return t < 0 ? tail : 1 - tail;
}

dys_status dys_welch_t_test(dys_ctx *ctx, const double *x, size_t nx, const double *y, size_t ny,
                            dys_welch *out)
{
    out->t = out->df = out->p = out->mean_diff = out->se = NAN;
    if (nx < 2 || ny < 2)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "Welch's t-test needs 2 values or more in each group (%zu and %zu "
                        "given)", nx, ny);
    if (!all_finite(x, nx) || !all_finite(y, ny))
        return dys_fail(ctx, DYS_ERR_INVALID, "Welch's t-test: a value is not finite");
    double mx = 0, my = 0, sx = 0, sy = 0;
    for (size_t i = 0; i < nx; i++)
        mx += x[i];
    for (size_t i = 0; i < ny; i++)
        my += y[i];
    mx /= (double)nx;
    my /= (double)ny;
    for (size_t i = 0; i < nx; i++)
        sx += (x[i] - mx) * (x[i] - mx);
    for (size_t i = 0; i < ny; i++)
        sy += (y[i] - my) * (y[i] - my);
    double vx = sx / (double)(nx - 1) / (double)nx, vy = sy / (double)(ny - 1) / (double)ny;
    out->mean_diff = mx - my;
    out->se = sqrt(vx + vy);
    if (out->se == 0) {
        /* no spread in either group: equal means cannot differ, unequal
         * ones differ beyond any noise the data show; no t, no df */
        out->p = out->mean_diff == 0 ? 1 : 0;
        return DYS_OK;
    }
    out->t = out->mean_diff / out->se;
    /* Welch-Satterthwaite; a group without spread adds 0 to both sums */
    out->df = (vx + vy) * (vx + vy) /
              (vx * vx / (double)(nx - 1) + vy * vy / (double)(ny - 1));
    out->p = 2 * dys_t_cdf(-fabs(out->t), out->df);
    if (out->p > 1)
        out->p = 1;
    return DYS_OK;
}

static int all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

/* ---- ROC ----------------------------------------------------------------- */

static double psi(double pos, double neg)
{
    return pos > neg ? 1.0 : pos == neg ? 0.5 : 0.0;
}

/* DeLong's structural components: v10[i] for the m positives, v01[j] for
 * the n negatives; returns the AUC (their common mean). */
static double placements(const double *score, const int *label, size_t N, double *v10,
                         double *v01, size_t m, size_t n)
{
    size_t i = 0;
    for (size_t a = 0; a < N; a++) {
        if (!label[a])
            continue;
        double s = 0;
        for (size_t b = 0; b < N; b++)
            if (!label[b])
                s += psi(score[a], score[b]);
        v10[i++] = s / (double)n;
    }
    size_t j = 0;
    for (size_t b = 0; b < N; b++) {
        if (label[b])
            continue;
        double s = 0;
        for (size_t a = 0; a < N; a++)
            if (label[a])
                s += psi(score[a], score[b]);
        v01[j++] = s / (double)m;
    }
    double auc = 0;
    for (i = 0; i < m; i++)
        auc += v10[i];
    return auc / (double)m;
}

static double covariance(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    for (size_t i = 0; i < n; i++)
        s += (a[i] - ma) * (b[i] - mb);
    return s / (double)(n - 1);
}

static dys_status roc_check(dys_ctx *ctx, const double *score, const int *label, size_t N,
                            size_t *m, size_t *n)
{
    *m = *n = 0;
    for (size_t i = 0; i < N; i++) {
        if (!isfinite(score[i]))
            return dys_fail(ctx, DYS_ERR_INVALID, "ROC: score %zu is not a number", i + 1);
        if (label[i])
            (*m)++;
        else
            (*n)++;
    }
    if (*m < 2 || *n < 2)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "ROC needs at least 2 responders and 2 non-responders "
                        "(have %zu and %zu)", *m, *n);
    return DYS_OK;
}

void dys_roc_at(const double *score, const int *label, size_t n, double cutoff, int absolute,
                double *sensitivity, double *specificity)
{
    size_t tp = 0, np = 0, tn = 0, nn = 0;
    for (size_t i = 0; i < n; i++) {
        int called = (absolute ? fabs(score[i]) : score[i]) >= cutoff;
        if (label[i]) {
            np++;
            tp += called;
        } else {
            nn++;
            tn += !called;
        }
    }
    *sensitivity = np ? (double)tp / (double)np : NAN;
    *specificity = nn ? (double)tn / (double)nn : NAN;
}

dys_status dys_roc_compute(dys_ctx *ctx, const double *score, const int *label, size_t N,
                           dys_roc *out)
{
    memset(out, 0, sizeof *out);
    size_t m, n;
    dys_status st = roc_check(ctx, score, label, N, &m, &n);
    if (st != DYS_OK)
        return st;
    double *v10 = malloc(m * sizeof *v10), *v01 = malloc(n * sizeof *v01);
    double *sorted = malloc(N * sizeof *sorted);
    if (!v10 || !v01 || !sorted) {
        free(v10);
        free(v01);
        free(sorted);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    out->n_pos = m;
    out->n_neg = n;
    out->auc = placements(score, label, N, v10, v01, m, n);
    double var = covariance(v10, v10, m) / (double)m + covariance(v01, v01, n) / (double)n;
    out->auc_se = sqrt(fmax(0, var));
    double z = dys_normal_quantile(0.975);
    out->auc_ci_low = fmax(0, out->auc - z * out->auc_se);
    out->auc_ci_high = fmin(1, out->auc + z * out->auc_se);
    /* Youden: every observed score as "score >= c", lowest c among ties */
    memcpy(sorted, score, N * sizeof *sorted);
    qsort(sorted, N, sizeof *sorted, dys_cmp_double);
    double best = -INFINITY;
    for (size_t i = 0; i < N; i++) {
        if (i > 0 && sorted[i] == sorted[i - 1])
            continue;
        double se, sp;
        dys_roc_at(score, label, N, sorted[i], 0, &se, &sp);
        if (se + sp - 1 > best) {
            best = se + sp - 1;
            out->youden_cutoff = sorted[i];
            out->sensitivity = se;
            out->specificity = sp;
        }
    }
    free(v10);
    free(v01);
    free(sorted);
    return DYS_OK;
}

dys_status dys_roc_compare(dys_ctx *ctx, const double *a, const double *b, const int *label,
                           size_t N, double *diff, double *z, double *p)
{
    size_t m, n;
    dys_status st = roc_check(ctx, a, label, N, &m, &n);
    if (st == DYS_OK)
        st = roc_check(ctx, b, label, N, &m, &n);
    if (st != DYS_OK)
        return st;
    double *buf = malloc(2 * (m + n) * sizeof *buf);
    if (!buf)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    double *a10 = buf, *a01 = a10 + m, *b10 = a01 + n, *b01 = b10 + m;
    double auc_a = placements(a, label, N, a10, a01, m, n);
    double auc_b = placements(b, label, N, b10, b01, m, n);
    /* DeLong 1988, eq. for the variance of a contrast of correlated AUCs */
    double var = (covariance(a10, a10, m) + covariance(b10, b10, m) -
                  2 * covariance(a10, b10, m)) / (double)m +
                 (covariance(a01, a01, n) + covariance(b01, b01, n) -
                  2 * covariance(a01, b01, n)) / (double)n;
    free(buf);
    *diff = auc_a - auc_b;
    if (!(var > 1e-300)) { /* the two scores rank every pair alike */
        *z = 0;
        *p = 1;
        return DYS_OK;
    }
    *z = *diff / sqrt(var);
    *p = fmin(1, 2 * (1 - dys_normal_cdf(fabs(*z))));
    return DYS_OK;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Moved here from the figures so that it exists in a library built without
 * them.  A class with no subject gives the chance diagonal rather than an
 * error: the curve is then a line, still drawable, whereas dys_roc_compute
 * has no AUC to give. */
dys_status dys_roc_points(dys_ctx *ctx, const double *score, const int *label, size_t n,
                          double *fpr, double *tpr, size_t *npoints)
{
    *npoints = 0;
    size_t np = 0, nn = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(score[i]))
            return dys_fail(ctx, DYS_ERR_INVALID, "ROC: score %zu is not a number", i + 1);
        np += label[i] != 0;
    }
    nn = n - np;
    double *s = np && nn ? malloc(n * sizeof *s) : NULL;
    if (np && nn && !s)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    fpr[k] = tpr[k] = 0;
    k++;
    if (!s) {
        fpr[k] = tpr[k] = 1;
        *npoints = k + 1;
        return DYS_OK;
    }
    memcpy(s, score, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_desc);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && s[i] == s[i - 1])
            continue;
        size_t tp = 0, fp = 0;
        for (size_t j = 0; j < n; j++)
            if (score[j] >= s[i]) {
                tp += label[j] != 0;
                fp += label[j] == 0;
            }
        fpr[k] = (double)fp / (double)nn;
        tpr[k] = (double)tp / (double)np;
        k++;
    }
    free(s);
    *npoints = k;
    return DYS_OK;
}

/* ---- agreement ----------------------------------------------------------- */

static dys_icc_value icc_val(double v, double lo, double hi)
{
    dys_icc_value r = {v, lo, hi};
    return r;
}

dys_status dys_icc_compute(dys_ctx *ctx, const double *x, size_t n, size_t k, dys_icc *out)
{
    memset(out, 0, sizeof *out);
    if (n < 3 || k < 2)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "ICC needs at least 3 subjects and 2 raters (have %zu and %zu)", n, k);
    if (!all_finite(x, n * k))
        return dys_fail(ctx, DYS_ERR_INVALID, "ICC: a rating is not a number");
    /* two-way ANOVA, one rating per cell */
    double grand = 0;
    for (size_t i = 0; i < n * k; i++)
        grand += x[i];
    grand /= (double)(n * k);
    double ssr = 0, ssc = 0, sst = 0;
    for (size_t i = 0; i < n; i++) {
        double mi = 0;
        for (size_t j = 0; j < k; j++)
            mi += x[i * k + j];
        mi /= (double)k;
        ssr += (mi - grand) * (mi - grand);
    }
    for (size_t j = 0; j < k; j++) {
        double mj = 0;
        for (size_t i = 0; i < n; i++)
            mj += x[i * k + j];
        mj /= (double)n;
        ssc += (mj - grand) * (mj - grand);
    }
    for (size_t i = 0; i < n * k; i++)
        sst += (x[i] - grand) * (x[i] - grand);
    ssr *= (double)k;
    ssc *= (double)n;
    double sse = fmax(0, sst - ssr - ssc);
    double dn = (double)n, dk = (double)k;
    double msr = ssr / (dn - 1), msc = ssc / (dk - 1), mse = sse / ((dn - 1) * (dk - 1));
    double msw = (ssc + sse) / (dn * (dk - 1));
    out->n = n;
    out->k = k;
    out->ms_rows = msr;
    out->ms_cols = msc;
    out->ms_error = mse;
    out->ms_within = msw;
    if (!(msr > 0) || !(msw > 0) || !(mse > 0))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "ICC is undefined: %s", !(msr > 0) ? "every subject has the same mean rating"
                                                           : "the raters agree exactly on every subject");
    const double p = 0.975;
    /* Shrout & Fleiss Table 1 point estimates */
    double i11 = (msr - msw) / (msr + (dk - 1) * msw);
    double i21 = (msr - mse) / (msr + (dk - 1) * mse + dk * (msc - mse) / dn);
    double i31 = (msr - mse) / (msr + (dk - 1) * mse);
    /* ICC(1): F = MSR/MSW on (n-1, n(k-1)) */
    double f1 = msr / msw, df1 = dn - 1, df2 = dn * (dk - 1);
    double fl = f1 / dys_f_quantile(p, df1, df2), fu = f1 * dys_f_quantile(p, df2, df1);
    out->icc1_1 = icc_val(i11, (fl - 1) / (fl + dk - 1), (fu - 1) / (fu + dk - 1));
    out->icc1_k = icc_val((msr - msw) / msr, 1 - 1 / fl, 1 - 1 / fu);
    /* ICC(3): F = MSR/MSE on (n-1, (n-1)(k-1)) */
    double f3 = msr / mse, de = (dn - 1) * (dk - 1);
    fl = f3 / dys_f_quantile(p, df1, de);
    fu = f3 * dys_f_quantile(p, de, df1);
    out->icc3_1 = icc_val(i31, (fl - 1) / (fl + dk - 1), (fu - 1) / (fu + dk - 1));
    out->icc3_k = icc_val((msr - mse) / msr, 1 - 1 / fl, 1 - 1 / fu);
    /* ICC(2): Satterthwaite's degrees of freedom (McGraw & Wong 1996,
     * Table 7), the k-rater bounds by Spearman-Brown */
    double fj = msc / mse;
    double vn = (dk - 1) * (dn - 1) *
                pow(dk * i21 * fj + dn * (1 + (dk - 1) * i21) - dk * i21, 2);
    double vd = (dn - 1) * pow(dk * i21 * fj, 2) + pow(dn * (1 + (dk - 1) * i21) - dk * i21, 2);
    double v = vn / vd;
    double fsu = dys_f_quantile(p, df1, v), fsl = dys_f_quantile(p, v, df1);
    double lo2 = dn * (msr - fsu * mse) / (fsu * (dk * msc + (dk * dn - dk - dn) * mse) + dn * msr);
    double hi2 = dn * (fsl * msr - mse) / (dk * msc + (dk * dn - dk - dn) * mse + dn * fsl * msr);
    out->icc2_1 = icc_val(i21, lo2, hi2);
    out->icc2_k = icc_val((msr - mse) / (msr + (msc - mse) / dn), lo2 * dk / (1 + lo2 * (dk - 1)),
                          hi2 * dk / (1 + hi2 * (dk - 1)));
    return DYS_OK;
}

dys_status dys_bland_altman_compute(dys_ctx *ctx, const double *a, const double *b, size_t n,
                                    dys_bland_altman *out)
{
    memset(out, 0, sizeof *out);
    if (n < 3)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "Bland-Altman needs at least 3 subjects rated twice (have %zu)", n);
    if (!all_finite(a, n) || !all_finite(b, n))
        return dys_fail(ctx, DYS_ERR_INVALID, "Bland-Altman: a rating is not a number");
    double s = 0, ss = 0, grand = 0, d2 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = a[i] - b[i];
        s += d;
        d2 += d * d;
        grand += a[i] + b[i];
    }
    double dn = (double)n, bias = s / dn;
    for (size_t i = 0; i < n; i++) {
        double e = a[i] - b[i] - bias;
        ss += e * e;
    }
    double sd = sqrt(ss / (dn - 1)), t = dys_t_quantile(0.975, dn - 1);
    double z = dys_normal_quantile(0.975);
    double se_bias = sd / sqrt(dn), se_loa = sqrt(3 * sd * sd / dn);
    out->n = n;
    out->bias = bias;
    out->sd = sd;
    out->bias_ci_low = bias - t * se_bias;
    out->bias_ci_high = bias + t * se_bias;
    out->loa_low = bias - z * sd;
    out->loa_high = bias + z * sd;
    out->loa_low_ci_low = out->loa_low - t * se_loa;
    out->loa_low_ci_high = out->loa_low + t * se_loa;
    out->loa_high_ci_low = out->loa_high - t * se_loa;
    out->loa_high_ci_high = out->loa_high + t * se_loa;
    grand /= 2 * dn;
    out->cv_pct = grand != 0 ? 100.0 * sqrt(d2 / (2 * dn)) / fabs(grand) : NAN;
    return DYS_OK;
}

/* The labels must be 0 or 1: another value is more likely a class code
 * passed by mistake (a -1 "unknown" from dys_response) than a yes, and
 * counting it as one would bias kappa silently. */
dys_status dys_kappa(dys_ctx *ctx, const int *a, const int *b, size_t n, double *kappa,
                     double *observed)
{
    *kappa = NAN;
    if (observed)
        *observed = NAN;
    if (n == 0)
        return dys_fail(ctx, DYS_ERR_INVALID, "Cohen's kappa needs at least 1 subject");
    size_t agree = 0, a1 = 0, b1 = 0;
    for (size_t i = 0; i < n; i++) {
        if ((a[i] != 0 && a[i] != 1) || (b[i] != 0 && b[i] != 1))
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "Cohen's kappa: subject %zu is classified %d and %d; labels are 0 "
                            "or 1", i + 1, a[i], b[i]);
        agree += a[i] == b[i];
        a1 += a[i] != 0;
        b1 += b[i] != 0;
    }
    double dn = (double)n;
    double po = (double)agree / dn;
    double pe = ((double)a1 * (double)b1 + (dn - (double)a1) * (dn - (double)b1)) / (dn * dn);
    if (observed)
        *observed = po;
    if (!(pe < 1))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "Cohen's kappa is undefined: both classifications put every subject "
                        "in the same class");
    *kappa = (po - pe) / (1 - pe);
    return DYS_OK;
}

/* ---- correlation --------------------------------------------------------- */

static dys_status corr_fisher(dys_ctx *ctx, const double *x, const double *y, size_t n,
                              double se_scale, dys_corr *out)
{
    memset(out, 0, sizeof *out);
    if (n < 4)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "a correlation's CI needs at least 4 pairs (have %zu)", n);
    if (!all_finite(x, n) || !all_finite(y, n))
        return dys_fail(ctx, DYS_ERR_INVALID, "correlation: a value is not a number");
    double sxy = covariance(x, y, n), sxx = covariance(x, x, n), syy = covariance(y, y, n);
    if (!(sxx > 0) || !(syy > 0))
        return dys_fail(ctx, DYS_ERR_INVALID, "correlation is undefined: the %s is constant",
                        !(sxx > 0) ? "first variable" : "second variable");
    double r = fmax(-1, fmin(1, sxy / sqrt(sxx * syy)));
    double se = sqrt(se_scale / ((double)n - 3)), zc = dys_normal_quantile(0.975);
    out->n = n;
    out->r = r;
    double zr = atanh(fmax(-1 + 1e-15, fmin(1 - 1e-15, r)));
    out->ci_low = tanh(zr - zc * se);
    out->ci_high = tanh(zr + zc * se);
    return DYS_OK;
}

dys_status dys_pearson(dys_ctx *ctx, const double *x, const double *y, size_t n, dys_corr *out)
{
    return corr_fisher(ctx, x, y, n, 1.0, out);
}

typedef struct {
    double v;
    size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return (x->v > y->v) - (x->v < y->v);
}

/* Ranks 1..n, ties sharing their mean rank; r must hold n. */
static int ranks(const double *x, size_t n, double *r)
{
    ranked *t = malloc(n * sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < n; i++) {
        t[i].v = x[i];
        t[i].i = i;
    }
    qsort(t, n, sizeof *t, cmp_ranked);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && t[j + 1].v == t[i].v)
            j++;
        double mean = 0.5 * (double)(i + j) + 1;
        for (size_t q = i; q <= j; q++)
            r[t[q].i] = mean;
        i = j + 1;
    }
    free(t);
    return 0;
}

dys_status dys_spearman(dys_ctx *ctx, const double *x, const double *y, size_t n,
                        dys_corr *out)
{
    memset(out, 0, sizeof *out);
    if (!all_finite(x, n) || !all_finite(y, n))
        return dys_fail(ctx, DYS_ERR_INVALID, "correlation: a value is not a number");
    double *rx = malloc((n ? n : 1) * 2 * sizeof *rx);
    if (!rx || ranks(x, n, rx) || ranks(y, n, rx + n)) {
        free(rx);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    dys_status st = corr_fisher(ctx, rx, rx + n, n, 1.06, out);
    free(rx);
    return st;
}
