/* Whole-cycle measures on curves with analytically known answers: the
 * first-harmonic phase of pure sinusoids, cross-correlation delays of
 * shifted copies of one curve (including shifts that wrap around the
 * cycle), circular statistics across 0/360 degrees, and displacement. */
#include "check_main.h"
#include "cycle.h"

#include <math.h>
#include <string.h>

#define N DYS_CYCLE_N

START_TEST(phase_of_sinusoids)
{
    /* cos(2 pi k / N - phi) + a second harmonic and an offset: phase phi */
    static const double phis[] = {0, 30, 90, 179.5, 180, 270, 359};
    double v[N];
    for (size_t i = 0; i < sizeof phis / sizeof phis[0]; i++) {
        for (int k = 0; k < N; k++) {
            double th = 2 * M_PI * k / N;
            v[k] = 3 + 2 * cos(th - phis[i] * M_PI / 180) + 0.7 * sin(2 * th + 1);
        }
        double ph = dys_first_harmonic_phase(v, N);
        double d = fmod(ph - phis[i] + 540, 360) - 180;
        ck_assert_msg(fabs(d) < 1e-9, "phase %g for %g", ph, phis[i]);
        ck_assert(ph >= 0 && ph < 360);
    }
    memset(v, 0, sizeof v);
    ck_assert(isnan(dys_first_harmonic_phase(v, N)));
}
END_TEST

/* A non-sinusoidal systolic-like pulse, periodic over the cycle. */
static double pulse(double u)
{
    u -= floor(u);
    return exp(-0.5 * pow((u - 0.3) / 0.05, 2)) - 0.6 * exp(-0.5 * pow((u - 0.55) / 0.04, 2));
}

START_TEST(xcorr_of_shifted_copies)
{
    dys_ctx *ctx = dys_ctx_new();
    const double rr = 800;
    /* delays in ms, some fractional, some wrapping past the end of the
     * cycle (0.3 + 0.6 of a cycle = 0.9; -0.35 wraps to the start) */
    static const double delays[] = {0, 37.5, -52.3, 120.25, -280, 399, 480 - 800};
    double a[N], b[N];
    for (size_t i = 0; i < sizeof delays / sizeof delays[0]; i++) {
        for (int k = 0; k < N; k++) {
            a[k] = pulse((double)k / N);
            b[k] = pulse((double)k / N - delays[i] / rr);
        }
        double d, corr;
        ck_assert_int_eq(dys_xcorr_delay(ctx, a, b, N, rr, &d, &corr), DYS_OK);
        /* within a tenth of a sample (3.1 ms at 800 ms / 256) */
        ck_assert_msg(fabs(d - delays[i]) < 0.35, "delay %.3f for %.3f", d, delays[i]);
        ck_assert(corr > 0.99);
        /* the other way round: the opposite delay */
        ck_assert_int_eq(dys_xcorr_delay(ctx, b, a, N, rr, &d, &corr), DYS_OK);
        double want = fabs(delays[i]) == 399 ? 399 : -delays[i]; /* +-half cycle: either */
        ck_assert_msg(fabs(d - want) < 0.35 || fabs(fabs(d) - 400) < 1.0, "reverse %.3f", d);
    }
    /* a flat curve: no delay */
    for (int k = 0; k < N; k++)
        b[k] = 2.0;
    double d, corr;
    ck_assert_int_eq(dys_xcorr_delay(ctx, a, b, N, rr, &d, &corr), DYS_OK);
    ck_assert(isnan(d) && isnan(corr));
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(circular_statistics)
{
    /* symmetric about 0 across the wrap: mean 0, SD as if linear */
    static const double ph[] = {350, 355, 0, 5, 10, 345};
    double lin[] = {-10, -5, 0, 5, 10, -15};
    ck_assert_double_eq_tol(fmod(dys_circ_mean_deg(ph, 6) + 180, 360) - 180, -2.5, 1.0);
    double m = 0, ss = 0;
    for (int i = 0; i < 6; i++)
        m += lin[i] / 6;
    for (int i = 0; i < 6; i++)
        ss += (lin[i] - m) * (lin[i] - m);
    ck_assert_double_eq_tol(dys_circ_sd_deg(ph, 6), sqrt(ss / 5), 0.6);
    /* bandwidth: 6 points spanning 345..10 are a 25-degree arc, not 355 */
    ck_assert_double_eq_tol(dys_circ_bandwidth_deg(ph, 6, 0.95), 25, 1e-9);
    /* 12 evenly spread phases: the arc holding all is 330 degrees */
    double even[12];
    for (int i = 0; i < 12; i++)
        even[i] = 30.0 * i;
    ck_assert_double_eq_tol(dys_circ_bandwidth_deg(even, 12, 0.95), 330, 1e-9);
    ck_assert(isnan(dys_circ_mean_deg(even, 12))); /* resultant 0 */
    /* 95 % of 40 points = 38: two outliers are left out */
    double many[40];
    for (int i = 0; i < 38; i++)
        many[i] = 100 + i * 0.5;
    many[38] = 250;
    many[39] = 300;
    ck_assert_double_eq_tol(dys_circ_bandwidth_deg(many, 40, 0.95), 18.5, 1e-9);
}
END_TEST

START_TEST(displacement_of_a_sinusoid)
{
    /* v = A sin(2 pi t / RR) cm/s integrates to A RR / (2 pi) (1 - cos)
     * cm/s x ms; /100 gives mm, and a constant offset is removed */
    const double rr = 1000, amp = 5;
    double v[N], d[N];
    for (int k = 0; k < N; k++)
        v[k] = amp * sin(2 * M_PI * k / N) + 0.8; /* 0.8 cm/s offset: drift */
    dys_cycle_displacement(v, N, rr, d);
    for (int k = 0; k < N; k++) {
        double want = amp * rr / (2 * M_PI) * (1 - cos(2 * M_PI * k / N)) / 100.0;
        ck_assert_msg(fabs(d[k] - want) < 0.02, "k %d: %g vs %g", k, d[k], want);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cycle");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, phase_of_sinusoids);
    tcase_add_test(tc, xcorr_of_shifted_copies);
    tcase_add_test(tc, circular_statistics);
    tcase_add_test(tc, displacement_of_a_sinusoid);
    suite_add_tcase(s, tc);
    return s;
}

DYS_CHECK_MAIN(suite)
