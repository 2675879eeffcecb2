/* Conditioning: spline peak refinement, the FFTW low-pass (transfer
 * function, zero phase, the DCT itself, plan cache, threads), the noise
 * estimate and the automatic cut-off. */
#include "check_main.h"
#include "conditioning.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deterministic uniform and Gaussian numbers for the tests. */
static double urand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static double grand(uint64_t *s)
{
    double u = urand(s) + 1e-300, v = urand(s);
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* Jittered frame times at fps, +-frac of a frame. */
static void frame_times(double *t, size_t n, double fps, double frac, uint64_t *s)
{
    double dt = 1000.0 / fps;
    for (size_t i = 0; i < n; i++)
        t[i] = (double)i * dt + (2 * urand(s) - 1) * frac * dt;
}

static double sine_amplitude(dys_ctx *ctx, double f_hz, double fc)
{
    enum { N = 2000 };
    static double x[N];
    const double dt = 1.0;
    for (int i = 0; i < N; i++)
        x[i] = sin(2 * M_PI * f_hz * i * dt / 1000.0);
    ck_assert_int_eq(dys_lowpass(ctx, x, N, dt, fc), DYS_OK);
    double a = 0;
    for (int i = N / 4; i < 3 * N / 4; i++) /* away from the ends */
        a = fmax(a, fabs(x[i]));
    return a;
}

START_TEST(lowpass_transfer_function)
{
    dys_ctx *ctx = dys_ctx_new();
    /* H(f) = exp(-ln 2 (f/fc)^2): one half at fc, ~0 far above. */
    static const double f[] = {1.0, 5.0, 10.0, 20.0, 30.0};
    for (int i = 0; i < 5; i++)
        ck_assert_double_eq_tol(sine_amplitude(ctx, f[i], 20.0),
                                exp(-M_LN2 * (f[i] / 20.0) * (f[i] / 20.0)), 2e-3);
    ck_assert_double_lt(sine_amplitude(ctx, 80.0, 20.0), 1e-4);
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(lowpass_zero_phase)
{
    dys_ctx *ctx = dys_ctx_new();
    enum { N = 1000 };
    double x[N], t[N];
    for (int i = 0; i < N; i++) {
        t[i] = i;
        x[i] = exp(-0.5 * pow((i - 400.3) / 40.0, 2));
    }
    ck_assert_int_eq(dys_lowpass(ctx, x, N, 1.0, 15.0), DYS_OK);
    dys_spline sp;
    ck_assert_int_eq(dys_spline_init(&sp, t, x, N), DYS_OK);
    double v, tp = dys_spline_argmax(&sp, 300, 500, &v);
    ck_assert_double_eq_tol(tp, 400.3, 0.01); /* symmetric peak stays put */
    dys_spline_free(&sp);
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(spline_peak_below_frame_period)
{
    /* An asymmetric wave with an analytic peak: v = u^2 exp(-u / tau),
     * u = t - t0, peaks at u = 2 tau.  Sampled at 100 fps with a jittered
     * clock, the spline's maximum must be within 0.2 ms. */
    uint64_t s = 12345;
    for (int trial = 0; trial < 200; trial++) {
        enum { N = 60 };
        double t[N], v[N];
        double t0 = 20 + 10 * urand(&s), tau = 30 + 30 * urand(&s);
        frame_times(t, N, 100.0, 0.15, &s);
        for (int i = 0; i < N; i++) {
            double u = fmax(0, t[i] - t0);
            v[i] = u * u * exp(-u / tau) / (4 * tau * tau * exp(-2.0));
        }
        dys_spline sp;
        ck_assert_int_eq(dys_spline_init(&sp, t, v, N), DYS_OK);
        double vm, tp = dys_spline_argmax(&sp, t0 + 10, t0 + 5 * tau, &vm);
        ck_assert_double_eq_tol(tp, t0 + 2 * tau, 0.2);
        ck_assert_double_eq_tol(vm, 1.0, 1e-3);
        dys_spline_free(&sp);
    }
}
END_TEST

START_TEST(spline_interpolates_knots)
{
    double x[5] = {0, 1, 3, 4, 7}, y[5] = {1, -2, 5, 0, 3};
    dys_spline sp;
    ck_assert_int_eq(dys_spline_init(&sp, x, y, 5), DYS_OK);
    for (int i = 0; i < 5; i++)
        ck_assert_double_eq_tol(dys_spline_eval(&sp, x[i]), y[i], 1e-12);
    double v, t = dys_spline_argmax(&sp, 0, 7, &v);
    ck_assert(t > 1 && t < 4 && v >= 5);
    dys_spline_free(&sp);
}
END_TEST

/* The scan evaluator returns what the bisecting one does, forwards,
 * backwards and outside the knots. */
START_TEST(spline_scan_matches_eval)
{
    double x[40], y[40];
    for (int i = 0; i < 40; i++) {
        x[i] = 10.0 * i + (i % 3) * 1.7;
        y[i] = sin(0.3 * i) + 0.1 * (i % 4);
    }
    dys_spline sp;
    ck_assert_int_eq(dys_spline_init(&sp, x, y, 40), DYS_OK);
    size_t h = 0;
    for (double t = -15; t < 420; t += 0.37)
        ck_assert(dys_spline_eval_near(&sp, t, &h) == dys_spline_eval(&sp, t));
    for (double t = 420; t > -15; t -= 1.91)
        ck_assert(dys_spline_eval_near(&sp, t, &h) == dys_spline_eval(&sp, t));
    dys_spline_free(&sp);
}
END_TEST

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Selection gives the order statistics a sort gives, ties included. */
START_TEST(quantile_by_selection)
{
    unsigned seed = 7;
    for (int it = 0; it < 5000; it++) {
        size_t n = 1 + rand_r(&seed) % 60;
        double v[60], s[60];
        for (size_t i = 0; i < n; i++)
            v[i] = s[i] = (double)(rand_r(&seed) % (it % 3 ? 1000 : 3));
        qsort(s, n, sizeof *s, cmp_dbl);
        double q = (double)(rand_r(&seed) % 101) / 100.0, pos = q * (double)(n - 1);
        size_t k = (size_t)pos;
        double f = pos - (double)k, want = k + 1 < n ? s[k] * (1 - f) + s[k + 1] * f : s[k];
        ck_assert(dys_quantile(v, n, q) == want);
        ck_assert(dys_select(v, n, k) == s[k]);
    }
}
END_TEST

START_TEST(fft_sizes)
{
    ck_assert_uint_eq(dys_fft_size(1), 1);
    ck_assert_uint_eq(dys_fft_size(7), 8);
    ck_assert_uint_eq(dys_fft_size(487), 500);
    ck_assert_uint_eq(dys_fft_size(501), 512);
    ck_assert_uint_eq(dys_fft_size(1001), 1024);
    ck_assert_uint_eq(dys_fft_size(1025), 1080);
}
END_TEST

START_TEST(noise_estimate)
{
    uint64_t s = 777;
    enum { N = 120 };
    double t[N], v[N];
    for (int k = 0; k < 3; k++) {
        double sd = k == 0 ? 0 : k == 1 ? 0.1 : 0.3;
        frame_times(t, N, 100.0, 0.1, &s);
        for (int i = 0; i < N; i++)
            v[i] = 6 * exp(-0.5 * pow((t[i] - 400) / 60, 2)) + sd * grand(&s);
        double est = dys_noise_sd(t, v, N);
        /* a recording's shared axis gives the same bits */
        dys_axis ax;
        ck_assert_int_eq(dys_axis_init(&ax, t, N, 1), DYS_OK);
        ck_assert(dys_noise_sd_axis(&ax, v) == est);
        ck_assert(ax.median_dt == dys_median_interval(t, N));
        dys_axis_free(&ax);
        if (sd == 0)
            ck_assert_double_lt(est, 0.02);
        else
            ck_assert_double_eq_tol(est, sd, 0.3 * sd);
    }
}
END_TEST

/* The closed-form maxima, minimum and level crossings of a spline agree
 * with a scan at 1 us steps on a wiggly curve (noise on a wave, 50
 * frames/s, jittered clock). */
START_TEST(spline_closed_form_matches_scan)
{
    uint64_t s = 4242;
    enum { N = 60 };
    double t[N], v[N];
    frame_times(t, N, 50.0, 0.1, &s);
    for (int i = 0; i < N; i++)
        v[i] = 6 * exp(-0.5 * pow((t[i] - 500) / 80, 2)) + 0.4 * grand(&s);
    dys_spline sp;
    ck_assert_int_eq(dys_spline_init(&sp, t, v, N), DYS_OK);
    double a = t[3] + 1.7, b = t[N - 4] - 2.3, step = 1e-3;
    double mt[64], mv[64], st[64];
    size_t nm = dys_spline_maxima(&sp, a, b, mt, mv, 64), ns = 0;
    double vmin = INFINITY, tmin = a;
    size_t h = 0;
    double p2 = dys_spline_eval_near(&sp, a, &h), p1 = dys_spline_eval_near(&sp, a + step, &h);
    for (double x = a + 2 * step; x <= b; x += step) {
        double vx = dys_spline_eval_near(&sp, x, &h);
        if (p1 > p2 && p1 >= vx && ns < 64)
            st[ns++] = x - step;
        if (vx < vmin) {
            vmin = vx;
            tmin = x;
        }
        p2 = p1;
        p1 = vx;
    }
    ck_assert_uint_ge(nm, 3);
    ck_assert_uint_eq(nm, ns);
    for (size_t k = 0; k < nm; k++) {
        ck_assert_double_eq_tol(mt[k], st[k], 2 * step);
        ck_assert_double_eq_tol(mv[k], dys_spline_eval(&sp, mt[k]), 1e-12);
    }
    double amin, tm = dys_spline_argmin(&sp, a, b, &amin);
    ck_assert_double_le(amin, vmin);
    ck_assert_double_eq_tol(tm, tmin, 2 * step);
    /* from the highest maximum, both ways, where the curve first falls
     * below 10-80 % of it */
    double tpk, vpk;
    tpk = dys_spline_argmax(&sp, a, b, &vpk);
    for (int q = 0; q < 8; q++)
    for (int dir = -1; dir <= 1; dir += 2) {
        double level = (0.1 + 0.1 * q) * vpk, x = tpk, at;
        while (dir < 0 ? x - step >= a : x + step <= b) {
            x += dir * step;
            if (dys_spline_eval(&sp, x) < level)
                break;
        }
        int found = dys_spline_leave(&sp, tpk, dir < 0 ? a : b, level, &at);
        ck_assert_int_eq(found, 1);
        ck_assert_double_eq_tol(at, x, 2 * step);
        ck_assert_double_eq_tol(dys_spline_eval(&sp, at), level, 1e-6);
        /* a level the curve never leaves up to the limit */
        ck_assert_int_eq(dys_spline_leave(&sp, tpk, tpk + dir * 5.0, vmin - 1, &at), 0);
    }
    dys_spline_free(&sp);
}
END_TEST

START_TEST(auto_cutoff)
{
    dys_ctx *ctx = dys_ctx_new();
    uint64_t s = 99;
    enum { N = 100 };
    double x[N];
    unsigned char w[N];
    for (int i = 0; i < N; i++)
        w[i] = i >= 20 && i <= 50;
    double fc;
    for (int i = 0; i < N; i++)
        x[i] = 6 * exp(-0.5 * pow((i * 10.0 - 300) / 60, 2));
    ck_assert_int_eq(dys_choose_lowpass(ctx, x, N, 10.0, w, 0.0, &fc, NULL), DYS_OK);
    ck_assert_double_eq(fc, 0); /* clean: off */
    for (int i = 0; i < N; i++)
        x[i] += 0.25 * grand(&s);
    ck_assert_int_eq(dys_choose_lowpass(ctx, x, N, 10.0, w, 0.25, &fc, NULL), DYS_OK);
    ck_assert(fc >= 3 && fc <= 30);
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(auto_cutoff_output_is_lowpass)
{
    /* The search's own output at the cut-off it chose is what filtering
     * again would give, bit for bit, into another array or in place. */
    dys_ctx *ctx = dys_ctx_new();
    uint64_t s = 7;
    enum { N = 250 };
    double x[N], y[N], z[N];
    unsigned char w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (i % 100) >= 10 && (i % 100) <= 40;
        x[i] = 6 * exp(-0.5 * pow(((i % 100) * 10.0 - 250) / 60, 2)) + 0.3 * grand(&s);
    }
    double fc, fc2;
    ck_assert_int_eq(dys_choose_lowpass(ctx, x, N, 10.0, w, 0.3, &fc, y), DYS_OK);
    ck_assert(fc > 0);
    memcpy(z, x, sizeof z);
    ck_assert_int_eq(dys_lowpass(ctx, z, N, 10.0, fc), DYS_OK);
    ck_assert_mem_eq(y, z, sizeof z);
    ck_assert_int_eq(dys_choose_lowpass(ctx, x, N, 10.0, w, 0.3, &fc2, x), DYS_OK);
    ck_assert_double_eq(fc2, fc);
    ck_assert_mem_eq(x, z, sizeof z);
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(dct_matches_definition)
{
    /* dys_dct is FFTW's REDFT10, X_k = 2 sum x_j cos(pi (j + 1/2) k / n),
     * computed through a real DFT: against the sum itself, at even, odd
     * and tiny sizes; dys_idct inverts it. */
    dys_ctx *ctx = dys_ctx_new();
    uint64_t s = 3;
    static const size_t sizes[] = {2, 3, 4, 5, 6, 7, 9, 15, 16, 45, 100, 125, 243};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        size_t n = sizes[t];
        double x[243], X[243], y[243], big = 0;
        for (size_t j = 0; j < n; j++)
            x[j] = grand(&s);
        ck_assert_int_eq(dys_dct(ctx, x, n, X), DYS_OK);
        for (size_t k = 0; k < n; k++) {
            long double ref = 0;
            for (size_t j = 0; j < n; j++)
                ref += 2.0L * x[j] * cosl(3.14159265358979323846264338327950288L *
                                          ((long double)j + 0.5L) * (long double)k / (long double)n);
            ck_assert_double_eq_tol(X[k], (double)ref, 1e-12 * (double)n);
            big = fmax(big, fabs(X[k]));
        }
        ck_assert(big > 0);
        ck_assert_int_eq(dys_idct(ctx, X, n, y), DYS_OK);
        for (size_t j = 0; j < n; j++)
            ck_assert_double_eq_tol(y[j], x[j], 1e-13 * (double)n);
    }
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(xcorr_lags_matches_sums)
{
    /* dys_xcorr_lags (by FFT) against the sums it stands for. */
    dys_ctx *ctx = dys_ctx_new();
    uint64_t s = 5;
    static const size_t ms[] = {1, 7, 241, 201}, nls[] = {1, 30, 201, 161};
    for (int t = 0; t < 4; t++) {
        size_t m = ms[t], nl = nls[t];
        double f[241], y[241 + 201], r[201];
        for (size_t i = 0; i < m; i++)
            f[i] = grand(&s);
        for (size_t i = 0; i < m + nl - 1; i++)
            y[i] = 3 + grand(&s);
        ck_assert_int_eq(dys_xcorr_lags(ctx, f, m, y, nl, r), DYS_OK);
        for (size_t l = 0; l < nl; l++) {
            double ref = 0, mag = 0;
            for (size_t q = 0; q < m; q++) {
                ref += f[q] * y[l + q];
                mag += fabs(f[q] * y[l + q]);
            }
            ck_assert_double_eq_tol(r[l], ref, 1e-13 * mag);
        }
    }
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(robust_lowpass_is_its_steps)
{
    /* dys_lowpass_robust is the clipped iteration through dys_dct_gain,
     * dys_idct and dys_dct, bit for bit, at an even and an odd size. */
    dys_ctx *ctx = dys_ctx_new();
    uint64_t s = 11;
    static const size_t sizes[] = {512, 375};
    for (int t = 0; t < 2; t++) {
        size_t n = sizes[t];
        double x[512], X[512], B[512], T[512], b[512], y[512];
        for (size_t i = 0; i < n; i++)
            x[i] = sin(0.02 * (double)i) + (i % 97 == 0 ? 8 : 0) + 0.1 * grand(&s);
        ck_assert_int_eq(dys_dct(ctx, x, n, X), DYS_OK);
        ck_assert_int_eq(dys_lowpass_robust(ctx, x, X, n, 1.0, 2.0, 0.3, 4, B), DYS_OK);
        dys_dct_gain(X, T, n, 1.0, 2.0);
        for (int it = 0; it < 4; it++) {
            ck_assert_int_eq(dys_idct(ctx, T, n, b), DYS_OK);
            for (size_t i = 0; i < n; i++) {
                double r = x[i] - b[i];
                y[i] = b[i] + (r > 0.3 ? 0.3 : r < -0.3 ? -0.3 : r);
            }
            ck_assert_int_eq(dys_dct(ctx, y, n, T), DYS_OK);
            dys_dct_gain(T, T, n, 1.0, 2.0);
        }
        ck_assert_mem_eq(B, T, n * sizeof *T);
    }
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(plan_cache_many_sizes)
{
    /* More sizes than the cache holds: eviction must keep results right. */
    dys_ctx *ctx = dys_ctx_new();
    for (size_t n = 50; n < 50 + 3 * 40; n += 3) {
        double *x = malloc(n * sizeof *x);
        for (size_t i = 0; i < n; i++)
            x[i] = 1.5;
        ck_assert_int_eq(dys_lowpass(ctx, x, n, 1.0, 10.0), DYS_OK);
        for (size_t i = 0; i < n; i++)
            ck_assert_double_eq_tol(x[i], 1.5, 1e-12); /* DC passes exactly */
        free(x);
    }
    dys_ctx_free(ctx);
}
END_TEST

typedef struct {
    double out[8][700];
} thread_job;

static void *worker(void *arg)
{
    thread_job *j = arg;
    dys_ctx *ctx = dys_ctx_new();
    for (int rep = 0; rep < 20; rep++)
        for (int k = 0; k < 8; k++) {
            size_t n = 300 + 50 * (size_t)k;
            for (size_t i = 0; i < n; i++)
                j->out[k][i] = sin(0.05 * (double)i * (k + 1)) + 0.1 * cos(0.9 * (double)i);
            dys_lowpass(ctx, j->out[k], n, 1.0, 12.0 + k);
        }
    dys_ctx_free(ctx);
    return NULL;
}

START_TEST(threads_agree)
{
    /* A context per thread: plans are made concurrently (under the
     * planner lock) and executed concurrently; results equal a lone run. */
    static thread_job ref, jobs[4];
    worker(&ref);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker, &jobs[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++)
        ck_assert_mem_eq(jobs[i].out, ref.out, sizeof ref.out);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("conditioning");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lowpass_transfer_function);
    tcase_add_test(tc, lowpass_zero_phase);
    tcase_add_test(tc, spline_peak_below_frame_period);
    tcase_add_test(tc, spline_interpolates_knots);
    tcase_add_test(tc, spline_scan_matches_eval);
    tcase_add_test(tc, quantile_by_selection);
    tcase_add_test(tc, fft_sizes);
    tcase_add_test(tc, noise_estimate);
    tcase_add_test(tc, spline_closed_form_matches_scan);
    tcase_add_test(tc, auto_cutoff);
    tcase_add_test(tc, auto_cutoff_output_is_lowpass);
    tcase_add_test(tc, dct_matches_definition);
    tcase_add_test(tc, xcorr_lags_matches_sums);
    tcase_add_test(tc, robust_lowpass_is_its_steps);
    tcase_add_test(tc, plan_cache_many_sizes);
    tcase_add_test(tc, threads_agree);
    suite_add_tcase(s, tc);
    return s;
}

DYS_CHECK_MAIN(suite)
