/*
 * test_numparse.c - dys_parse_number() against strtod_l, bit for bit.
 *
 * Known values and refusals first, then an exhaustive check of every short
 * token over a small alphabet (acceptance and value), then well over a
 * million generated numbers (random integers, decimals, exponents, printed
 * random doubles, neighbours of powers of ten and of 2^53, exact and near
 * halfway cases, subnormals, typical short values), each compared with
 * strtod_l in a "C" locale from newlocale.  Tokens are copied to the very
 * end of a heap buffer, without a NUL, so AddressSanitizer catches any read
 * past s[len).  The generator is splitmix64 with a fixed seed per test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "internal.h"

#include <check.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------- */

typedef struct {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static unsigned rbelow(rng *r, unsigned n)
{
    return (unsigned)(rnext(r) % n);
}

/* Integer in [lo, hi]. */
static int rrange(rng *r, int lo, int hi)
{
    return lo + (int)rbelow(r, (unsigned)(hi - lo + 1));
}

static double bits_to_double(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

#define TAIL_CAP 4096

typedef struct {
    locale_t loc;
    char *tail;     /* tokens are copied to its end, no NUL after them */
    long count;     /* comparisons made */
    rng r;
} harness;

static void h_init(harness *h, uint64_t seed)
{
    h->loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    ck_assert_msg(h->loc != (locale_t)0, "newlocale(C) failed");
    h->tail = malloc(TAIL_CAP);
    ck_assert_ptr_nonnull(h->tail);
    h->count = 0;
    h->r.s = seed;
}

static void h_done(harness *h)
{
    free(h->tail);
    freelocale(h->loc);
}

/* Parse tok[0..len) with the tokenizer under test, from a buffer that ends
 * right after the token. */
static int h_parse(harness *h, const char *tok, size_t len, int comma,
                   double *out)
{
    char *p;
    if (len > TAIL_CAP)
        ck_abort_msg("token too long for the test buffer");
    p = h->tail + TAIL_CAP - len;
    memmove(p, tok, len);
    return dys_parse_number(p, len, comma, h->loc, out);
}

/* tok must be a valid number for strtod_l ('.' as separator).  Compare,
 * and now and then also the ',' spelling. */
static void h_check(harness *h, const char *tok)
{
    size_t len = strlen(tok);
    char *end;
    double want, got;
    int rc;

    want = strtod_l(tok, &end, h->loc);
    if (*end != '\0' || end == tok)
        ck_abort_msg("test generator made a bad token '%s'", tok);
    rc = h_parse(h, tok, len, (int)(rnext(&h->r) & 1), &got);
    if (rc != 0 || !same_bits(got, want))
        ck_abort_msg("'%s': rc %d got %a want %a", tok, rc, got, want);
    h->count++;

    if ((rnext(&h->r) & 7) == 0) {
        char *dot = memchr(tok, '.', len);
        if (dot) {
            char alt[TAIL_CAP];
            memcpy(alt, tok, len);
            alt[dot - tok] = ',';
            rc = h_parse(h, alt, len, 1, &got);
            if (rc != 0 || !same_bits(got, want))
                ck_abort_msg("'%.*s' (comma): rc %d got %a want %a",
                             (int)len, alt, rc, got, want);
            rc = h_parse(h, alt, len, 0, &got);
            if (rc != -1)
                ck_abort_msg("'%.*s' accepted without decimal_comma",
                             (int)len, alt);
        }
    }
}

/* Random sign prefix: none, '-' or '+'. */
static char *put_sign(rng *r, char *p)
{
    unsigned k = rbelow(r, 4);
    if (k == 1 || k == 2)
        *p++ = '-';
    else if (k == 3)
        *p++ = '+';
    return p;
}

static char *put_digits(rng *r, char *p, int n, int first_nonzero)
{
    int i;
    for (i = 0; i < n; i++)
        *p++ = (char)('0' + (i == 0 && first_nonzero ? 1 + rbelow(r, 9)
                                                     : rbelow(r, 10)));
    return p;
}

/* Exponent marker, optional sign, value, sometimes with leading zeros. */
static char *put_exp(rng *r, char *p, int x)
{
    *p++ = (rnext(r) & 1) ? 'e' : 'E';
    if (x < 0) {
        *p++ = '-';
        x = -x;
    } else if (rnext(r) & 1) {
        *p++ = '+';
    }
    if ((rnext(r) & 7) == 0) {
        int z = rrange(r, 1, 3);
        while (z--)
            *p++ = '0';
    }
    p += sprintf(p, "%d", x);
    return p;
}

/* A random finite double from its bits. */
static double random_double(rng *r)
{
    for (;;) {
        double d = bits_to_double(rnext(r));
        if (isfinite(d))
            return d;
    }
}

/* Print d with one of several formats, into buf, sometimes negated and
 * sometimes with an explicit '+'. */
static void print_double(rng *r, char *buf, double d)
{
    static const char *const fmts[] = {"%.17g", "%.15g", "%.6e", "%.16e",
                                       "%.20g", "%.3g",  "%.25e", "%.17E",
                                       "%.9g",  "%.1e"};
    const char *f = fmts[rbelow(r, sizeof fmts / sizeof fmts[0])];
    char *p = buf;
    if ((rnext(r) & 3) == 0)
        d = -d;
    if (!signbit(d) && (rnext(r) & 3) == 0)
        *p++ = '+';
    snprintf(p, 200, f, d);
}

/* ---- known values ---------------------------------------------------- */

static double parse_ok(locale_t loc, const char *s, int comma)
{
    double v = 12345.0;
    int rc = dys_parse_number(s, strlen(s), comma, loc, &v);
    ck_assert_msg(rc == 0, "'%s' refused", s);
    return v;
}

#define CK_BITS(s, comma, want)                                              \
    do {                                                                     \
        double got_ = parse_ok(loc, (s), (comma));                           \
        double want_ = (want);                                               \
        ck_assert_msg(same_bits(got_, want_), "'%s': got %a want %a", (s),   \
                      got_, want_);                                          \
    } while (0)

START_TEST(test_known_values)
{
    locale_t loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    ck_assert(loc != (locale_t)0);
    CK_BITS("0", 0, 0.0);
    CK_BITS("-0", 0, -0.0);
    CK_BITS("+0", 0, 0.0);
    CK_BITS("-0.000e99", 0, -0.0);
    CK_BITS("0e999999999999999999999", 0, 0.0);
    CK_BITS("0.1", 0, 0x1.999999999999ap-4);
    CK_BITS("-12.3456", 0, -12.3456);
    CK_BITS("0.037", 0, 0.037);
    CK_BITS("-3.76E+00", 0, -3.76);
    CK_BITS("1e22", 0, 1e22);
    CK_BITS("1e23", 0, 0x1.52d02c7e14af6p+76); /* below halfway */
    CK_BITS("9007199254740992", 0, 0x1p53);
    CK_BITS("9007199254740993", 0, 0x1p53); /* halfway: to even */
    CK_BITS("9007199254740995", 0, 0x1.0000000000002p53);
    CK_BITS("9007199254740993.0000000000000000000001", 0,
            0x1.0000000000001p53);
    CK_BITS("18446744073709551615", 0, 0x1p64);
    CK_BITS("2.2250738585072011e-308", 0, 0x0.fffffffffffffp-1022);
    CK_BITS("2.2250738585072014e-308", 0, 0x1p-1022);
    CK_BITS("4.9e-324", 0, 0x1p-1074);
    CK_BITS("2.4703282292062327e-324", 0, 0.0);
    CK_BITS("2.4703282292062328e-324", 0, 0x1p-1074);
    CK_BITS("1e-400", 0, 0.0);
    CK_BITS("-1e-400", 0, -0.0);
    CK_BITS("1e400", 0, HUGE_VAL);
    CK_BITS("-1e400", 0, -HUGE_VAL);
    CK_BITS("1.7976931348623157e308", 0, DBL_MAX);
    CK_BITS("1.7976931348623158e308", 0, DBL_MAX);
    CK_BITS("1.7976931348623159e308", 0, HUGE_VAL);
    CK_BITS("1.7976931348623158079e308", 0, DBL_MAX); /* just below half */
    CK_BITS("1.797693134862315808e308", 0, HUGE_VAL);
    CK_BITS("1e999999999999999999", 0, HUGE_VAL);
    CK_BITS("1e-99999999999999", 0, 0.0);
    CK_BITS("0.000000000000000000000000000001e999999999999999999999999", 0,
            HUGE_VAL);
    CK_BITS("1000000000000000000000000e-99999999999999", 0, 0.0);
    CK_BITS("0.000001", 0, 1e-6);
    CK_BITS("5.", 0, 5.0);
    CK_BITS(".5", 0, 0.5);
    CK_BITS("-.5e1", 0, -5.0);
    CK_BITS("00012", 0, 12.0);
    CK_BITS("1.5e30", 0, 1.5e30);
    CK_BITS("3,25", 1, 3.25);
    CK_BITS("3.25", 1, 3.25);
    CK_BITS("-,5", 1, -0.5);
    CK_BITS("1,25", 1, 1.25);
    freelocale(loc);
}
END_TEST

START_TEST(test_refusals)
{
    static const char *const bad[] = {
        "",     "-",     "+",    ".",     "1e",    "1e+",   "1e-",  "1.2.3",
        " 1",   "1 ",    "0x10", "0X10",  "inf",   "nan",   "INF",  "-inf",
        "NaN",  "--1",   "+-1",  "1e5.0", "e5",    ".e5",   "-.",   "1e+-5",
        "1e5e5", "1..2", "1a",   "1\n",   "\t1",   "1d5",   "1f",   "1,2,3",
        "1,2",  "3,25",  ",5",   "1.2,3", "0x1p3", "infinity", "1e 5",
        "1 000",
    };
    static const char *const bad_comma[] = {
        "1,2,3", "1.2,3", "1,2.3", ",", "-,", "1,,2", ",e5", "1,2e",
    };
    locale_t loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    size_t i;
    ck_assert(loc != (locale_t)0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42.0;
        int rc = dys_parse_number(bad[i], strlen(bad[i]), 0, loc, &v);
        ck_assert_msg(rc == -1, "'%s' accepted (%a)", bad[i], v);
        ck_assert_msg(v == 42.0, "'%s' refused but *out written", bad[i]);
    }
    for (i = 0; i < sizeof bad_comma / sizeof bad_comma[0]; i++) {
        double v = 42.0;
        int rc = dys_parse_number(bad_comma[i], strlen(bad_comma[i]), 1, loc,
                                  &v);
        ck_assert_msg(rc == -1, "'%s' accepted with comma (%a)", bad_comma[i],
                      v);
    }
    {
        /* embedded NUL inside the token */
        double v;
        ck_assert_int_eq(dys_parse_number("1\0002", 3, 0, loc, &v), -1);
    }
    freelocale(loc);
}
END_TEST

/* The token is s[0..len): what follows must not matter. */
START_TEST(test_slices)
{
    harness h;
    double v;
    static const char text[] = "-12.5e3,7 99";
    h_init(&h, 1);
    ck_assert_int_eq(dys_parse_number(text, 3, 0, h.loc, &v), 0);
    ck_assert(same_bits(v, -12.0));
    ck_assert_int_eq(dys_parse_number(text, 5, 0, h.loc, &v), 0);
    ck_assert(same_bits(v, -12.5));
    ck_assert_int_eq(dys_parse_number(text, 7, 0, h.loc, &v), 0);
    ck_assert(same_bits(v, -12500.0));
    ck_assert_int_eq(dys_parse_number(text, 8, 0, h.loc, &v), -1);
    ck_assert_int_eq(dys_parse_number(text, 9, 1, h.loc, &v), -1);
    ck_assert_int_eq(dys_parse_number(text, 6, 0, h.loc, &v), -1);
    ck_assert_int_eq(dys_parse_number(text + 10, 2, 0, h.loc, &v), 0);
    ck_assert(same_bits(v, 99.0));
    ck_assert_int_eq(dys_parse_number(text, 0, 0, h.loc, &v), -1);
    /* a long token (slow path, heap copy) ending at the buffer's end */
    {
        char *big = malloc(TAIL_CAP + 1), *end;
        double want;
        ck_assert_ptr_nonnull(big);
        memset(big, '1', TAIL_CAP);
        big[0] = '-';
        big[2] = '.';
        memcpy(big + TAIL_CAP - 3, "e-5", 3);
        big[TAIL_CAP] = '\0';
        want = strtod_l(big, &end, h.loc);
        ck_assert(end == big + TAIL_CAP);
        ck_assert_int_eq(h_parse(&h, big, TAIL_CAP, 0, &v), 0);
        ck_assert(same_bits(v, want));
        big[2] = ',';
        ck_assert_int_eq(h_parse(&h, big, TAIL_CAP, 0, &v), -1);
        ck_assert_int_eq(h_parse(&h, big, TAIL_CAP, 1, &v), 0);
        ck_assert(same_bits(v, want));
        free(big);
    }
    /* thousands of fraction digits cancelled by the exponent: exactly 15 */
    {
        char tok[3100];
        int n = sprintf(tok, "0.");
        memset(tok + n, '0', 3000);
        n += 3000;
        n += sprintf(tok + n, "15e3002");
        ck_assert_int_eq(h_parse(&h, tok, (size_t)n, 0, &v), 0);
        ck_assert(same_bits(v, 15.0));
        tok[n - 1] = '3';
        ck_assert_int_eq(h_parse(&h, tok, (size_t)n, 0, &v), 0);
        ck_assert(same_bits(v, 150.0));
    }
    h_done(&h);
}
END_TEST

/* Every token of up to 6 characters over a small alphabet: accepted exactly
 * when strtod_l consumes all of it (the alphabet has no letters that start
 * hex/inf/nan, and a blank is never accepted), with the same value. */
START_TEST(test_exhaustive_short)
{
    static const char alpha[] = "019.,eE+- ";
    enum { NA = sizeof alpha - 1, MAXLEN = 6 };
    harness h;
    char tok[MAXLEN + 1], ref[MAXLEN + 1];
    int idx[MAXLEN];
    int len, comma, i;
    long accepted = 0, total = 0;

    h_init(&h, 2);
    for (len = 0; len <= MAXLEN; len++) {
        memset(idx, 0, sizeof idx);
        for (;;) {
            for (i = 0; i < len; i++)
                tok[i] = alpha[idx[i]];
            tok[len] = '\0';
            for (comma = 0; comma <= 1; comma++) {
                char *end;
                double want = 0, got = 0;
                int ref_ok, rc;
                memcpy(ref, tok, (size_t)len + 1);
                if (comma)
                    for (i = 0; i < len; i++)
                        if (ref[i] == ',')
                            ref[i] = '.';
                ref_ok = len > 0 && !strchr(ref, ' ');
                if (ref_ok) {
                    want = strtod_l(ref, &end, h.loc);
                    ref_ok = *end == '\0';
                }
                rc = h_parse(&h, tok, (size_t)len, comma, &got);
                if (rc != (ref_ok ? 0 : -1))
                    ck_abort_msg("'%s' (comma %d): rc %d, strtod says %s",
                                 tok, comma, rc, ref_ok ? "ok" : "bad");
                if (ref_ok && !same_bits(got, want))
                    ck_abort_msg("'%s': got %a want %a", tok, got, want);
                accepted += ref_ok;
                total++;
            }
            for (i = len - 1; i >= 0 && ++idx[i] == NA; i--)
                idx[i] = 0;
            if (i < 0)
                break;
        }
    }
    ck_assert_int_gt(accepted, 10000);
    ck_assert_int_gt(total, 2000000);
    h_done(&h);
}
END_TEST

/* ---- generated numbers ----------------------------------------------- */

#define BULK_TEST(name, seed, n, gen)                                        \
    START_TEST(name)                                                         \
    {                                                                        \
        harness h;                                                           \
        char buf[2048];                                                      \
        long i_;                                                             \
        h_init(&h, seed);                                                    \
        for (i_ = 0; i_ < (n); i_++) {                                       \
            gen(&h, buf, i_);                                                \
            h_check(&h, buf);                                                \
        }                                                                    \
        ck_assert_int_ge(h.count, (n));                                      \
        h_done(&h);                                                          \
    }                                                                        \
    END_TEST

/* Integers of 1-25 digits, sometimes with leading zeros. */
static void gen_int(harness *h, char *buf, long i)
{
    rng *r = &h->r;
    char *p = put_sign(r, buf);
    (void)i;
    if ((rnext(r) & 7) == 0)
        p = put_digits(r, p, rrange(r, 1, 4), 0);
    p = put_digits(r, p, rrange(r, 1, 25), (rnext(r) & 3) != 0);
    *p = '\0';
}

/* Decimals with 0-10 integer and 0-20 fraction digits. */
static void gen_decimal(harness *h, char *buf, long i)
{
    rng *r = &h->r;
    char *p = put_sign(r, buf);
    int ni = rrange(r, 0, 10), nf = rrange(r, 0, 20);
    (void)i;
    if (ni + nf == 0)
        ni = 1;
    p = put_digits(r, p, ni, 0);
    *p++ = '.';
    p = put_digits(r, p, nf, 0);
    *p = '\0';
}

/* Mantissas of 1-20 digits (some long, zero-padded) with exponents
 * -350..350, a few with huge exponents. */
static void gen_exponent(harness *h, char *buf, long i)
{
    rng *r = &h->r;
    char *p = put_sign(r, buf);
    int ni = rrange(r, 0, 3), nf = rrange(r, 0, 17), x;
    unsigned k = rbelow(r, 64);
    (void)i;
    if (ni + nf == 0)
        ni = 1;
    if (k == 0) { /* zeros before the digits */
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', 30);
        p += rrange(r, 0, 30);
        p = put_digits(r, p, nf + 1, 1);
    } else if (k == 1) { /* zeros after the digits */
        p = put_digits(r, p, ni + 1, 1);
        memset(p, '0', 40);
        p += rrange(r, 0, 40);
    } else {
        p = put_digits(r, p, ni, 0);
        if (nf || (rnext(r) & 1)) {
            *p++ = '.';
            p = put_digits(r, p, nf, 0);
        }
    }
    if (rbelow(r, 100) == 0) {
        *p++ = 'e';
        *p++ = (rnext(r) & 1) ? '-' : '+';
        p = put_digits(r, p, rrange(r, 3, 30), 0);
        *p = '\0';
        return;
    }
    x = rrange(r, -350, 350);
    if (k < 8)
        x = rrange(r, -30, 30); /* near the fast path's limits */
    p = put_exp(r, p, x);
    *p = '\0';
}

/* Random doubles printed with various precisions. */
static void gen_printed(harness *h, char *buf, long i)
{
    (void)i;
    print_double(&h->r, buf, random_double(&h->r));
}

/* Neighbours of powers of ten, and 1/9/0 patterns around them. */
static void gen_pow10(harness *h, char *buf, long i)
{
    rng *r = &h->r;
    int k = rrange(r, -325, 309);
    unsigned how = rbelow(r, 4);
    char *p;
    (void)i;
    if (how == 0) {
        char t[64];
        double d;
        k = rrange(r, -323, 308); /* 10^k a nonzero finite double */
        snprintf(t, sizeof t, "1e%d", k);
        d = strtod_l(t, NULL, h->loc);
        int steps = rrange(r, -3, 3);
        for (; steps > 0; steps--)
            d = nextafter(d, HUGE_VAL);
        for (; steps < 0; steps++)
            d = nextafter(d, 0.0);
        print_double(r, buf, d);
        return;
    }
    p = put_sign(r, buf);
    if (how == 1) { /* 1.000...0d */
        *p++ = '1';
        *p++ = '.';
        int z = rrange(r, 0, 25);
        memset(p, '0', (size_t)z);
        p += z;
        *p++ = (char)('0' + rbelow(r, 10));
    } else if (how == 2) { /* 9.999...9d */
        *p++ = '9';
        *p++ = '.';
        int z = rrange(r, 0, 25);
        memset(p, '9', (size_t)z);
        p += z;
        *p++ = (char)('0' + rbelow(r, 10));
    } else { /* 10^n written out, or as d * 10^k in the fast-path zone */
        p = put_digits(r, p, rrange(r, 1, 16), 1);
        k = rrange(r, -40, 40);
    }
    p = put_exp(r, p, k);
    *p = '\0';
}

/* Around 2^53 and 2^64, as integers and as scaled decimals. */
static void gen_2p53(harness *h, char *buf, long i)
{
    rng *r = &h->r;
    char *p = put_sign(r, buf);
    uint64_t base;
    unsigned k = rbelow(r, 8);
    (void)i;
    if (k < 5)
        base = (UINT64_C(1) << 53) + (uint64_t)rrange(r, -2000, 2000);
    else if (k == 5)
        base = (UINT64_C(1) << 54) + (uint64_t)rrange(r, -2000, 2000);
    else if (k == 6)
        base = UINT64_MAX - (uint64_t)rbelow(r, 4000);
    else
        base = (rnext(r) >> rbelow(r, 12)) | 1;
    p += sprintf(p, "%llu", (unsigned long long)base);
    switch (rbelow(r, 4)) {
    case 0:
        break;
    case 1: /* 9007199254740993.0 / ...5 / ...0001 */
        *p++ = '.';
        p = put_digits(r, p, rrange(r, 1, 6), 0);
        break;
    case 2: /* scaled: 9007199254740993e-5 */
        p = put_exp(r, p, rrange(r, -25, 25));
        break;
    default: { /* move the point: 90071.99254740993 */
        size_t n = strlen(buf), at;
        if (n < 2)
            break;
        at = (size_t)rrange(r, 1, (int)n - 1);
        if (buf[at - 1] == '-' || buf[at - 1] == '+')
            at++;
        if (at < n) {
            memmove(buf + at + 1, buf + at, n - at);
            buf[at] = '.';
            p++;
        }
        break;
    }
    }
    *p = '\0';
}

/* Exact midpoints between neighbouring doubles (which round to even), and
 * their neighbours just above and below. */
#if LDBL_MANT_DIG >= 55 && LDBL_MIN_EXP < -1100
#define HAVE_EXACT_MIDPOINTS 1
#endif

static void gen_halfway(harness *h, char *buf, long i)
{
    rng *r = &h->r;
    double d, up;
    char *p, *e;
    size_t n;
    int variant = (int)(i & 3);

    do {
        if (rnext(r) & 1) /* moderate magnitudes: short exact expansions */
            d = ldexp(1.0 + (double)(rnext(r) >> 12) * 0x1p-52,
                      rrange(r, -60, 120));
        else
            d = fabs(random_double(r));
        up = nextafter(d, HUGE_VAL);
    } while (!isfinite(up));
    p = put_sign(r, buf);
#ifdef HAVE_EXACT_MIDPOINTS
    {
        long double mid = ((long double)d + (long double)up) / 2;
        snprintf(p, 1500, "%.800Le", mid);
    }
#else
    snprintf(p, 1500, "%.40e", d + (up - d) / 2);
#endif
    if (p[0] == '-') /* cannot happen (d >= 0) but keep tokens valid */
        memmove(p, p + 1, strlen(p));
    /* trim trailing zeros of the mantissa */
    e = strchr(p, 'e');
    n = strlen(e);
    {
        char *z = e;
        while (z[-1] == '0')
            z--;
        if (z[-1] == '.')
            z++;
        memmove(z, e, n + 1);
        e = z;
    }
    n = strlen(e);
    switch (variant) {
    case 0: /* exact */
        break;
    case 1: /* a hair above: append a nonzero digit */
        memmove(e + 1, e, n + 1);
        *e = (char)('1' + rbelow(r, 9));
        break;
    case 2: { /* a hair below: truncate to 17-40 significant digits */
        int keep = rrange(r, 17, 40);
        char *cut = p + 2 + keep - 1; /* "d." then keep-1 fraction digits */
        if (cut < e) {
            memmove(cut, e, n + 1);
        }
        break;
    }
    default: { /* last digit minus one, with some digits appended */
        char *q = e - 1;
        if (*q != '.' && *q > '0') {
            (*q)--;
            memmove(e + 3, e, n + 1);
            memset(e, '9', 3);
        }
        break;
    }
    }
}

/* Subnormals and the neighbourhood of DBL_MIN. */
static void gen_subnormal(harness *h, char *buf, long i)
{
    rng *r = &h->r;
    double d;
    (void)i;
    switch (rbelow(r, 4)) {
    case 0:
    case 1:
        d = bits_to_double(rnext(r) >> rrange(r, 12, 63));
        break;
    case 2:
        d = bits_to_double((UINT64_C(1) << 52) + (uint64_t)rrange(r, -50, 50));
        break;
    default:
        d = bits_to_double((uint64_t)rrange(r, 0, 8));
        break;
    }
    print_double(r, buf, d);
}

/* What real files hold: short fixed-point and E-notation values. */
static void gen_typical(harness *h, char *buf, long i)
{
    rng *r = &h->r;
    double v = (double)(int64_t)(rnext(r) % 2000001) / 1000.0 - 1000.0;
    (void)i;
    switch (rbelow(r, 4)) {
    case 0:
        snprintf(buf, 64, "%.*f", rrange(r, 0, 6), v);
        break;
    case 1:
        snprintf(buf, 64, "%.2E", v);
        break;
    case 2:
        snprintf(buf, 64, "%.*f", rrange(r, 0, 4), v / 1000.0);
        break;
    default:
        snprintf(buf, 64, "%g", v * 0.001);
        break;
    }
}

BULK_TEST(test_random_integers, 11, 150000, gen_int)
BULK_TEST(test_random_decimals, 12, 150000, gen_decimal)
BULK_TEST(test_random_exponents, 13, 200000, gen_exponent)
BULK_TEST(test_printed_doubles, 14, 250000, gen_printed)
BULK_TEST(test_near_powers_of_ten, 15, 100000, gen_pow10)
BULK_TEST(test_near_2p53, 16, 60000, gen_2p53)
BULK_TEST(test_halfway, 17, 40000, gen_halfway)
BULK_TEST(test_subnormals, 18, 100000, gen_subnormal)
BULK_TEST(test_typical, 19, 200000, gen_typical)

/* ---- the readers' fast path: dys_parse_plain ---------------------- */

/* What dys_parse_plain must give for tok[0..len) followed by `after`
 * (NUL: the end of the text), checked against strtod_l of the token with
 * '.' as the mark and its exponent raised by pow10.  plain: whether the
 * token is in the fast path's domain (the generator knows). */
static void plain_check(harness *h, const char *tok, size_t len, char after, char stop,
                        int comma, int pow10, int plain)
{
    char *p, txt[128], *end;
    size_t n = len + (after != '\0'), used = 0;
    double got = 12345.0, want;
    int rc;

    ck_assert_uint_lt(n, TAIL_CAP);
    p = h->tail + TAIL_CAP - n; /* nothing after the text: ASan sees overreads */
    memcpy(p, tok, len);
    if (after != '\0')
        p[len] = after;
    rc = dys_parse_plain(p, n, stop, comma, pow10, &got, &used);
    if (!plain) {
        if (rc != 0)
            ck_abort_msg("'%.*s' + '%c' (stop '%c', comma %d, pow10 %d): accepted, "
                         "expected the general path", (int)len, tok, after ? after : '$',
                         stop, comma, pow10);
        h->count++;
        return;
    }
    ck_assert_uint_lt(len, sizeof txt - 8);
    for (size_t i = 0; i < len; i++)
        txt[i] = tok[i] == ',' ? '.' : tok[i];
    snprintf(txt + len, 8, "e%d", pow10);
    want = strtod_l(txt, &end, h->loc);
    ck_assert_msg(*end == '\0', "test generator made a bad token '%s'", txt);
    if (rc != 1 || used != len || !same_bits(got, want))
        ck_abort_msg("'%.*s' + '%c' (stop '%c', comma %d, pow10 %d): rc %d used %zu "
                     "got %a, want rc 1 used %zu %a", (int)len, tok, after ? after : '$',
                     stop, comma, pow10, rc, used, got, len, want);
    if (pow10 == 0) { /* and the general parser agrees */
        double g2;
        ck_assert_int_eq(dys_parse_number(p, len, comma, h->loc, &g2), 0);
        ck_assert_msg(same_bits(g2, got), "'%.*s': dys_parse_number differs", (int)len, tok);
    }
    h->count++;
}

START_TEST(test_plain_known)
{
    harness h;
    h_init(&h, 30);
    /* token, after, stop, comma, pow10, plain */
    static const struct {
        const char *tok;
        char after, stop;
        int comma, pow10, plain;
    } c[] = {
        {"0", 0, ',', 0, 0, 1},        {"-0", 0, ',', 0, 0, 1},
        {"+0", ',', ',', 0, 0, 1},     {"-0.000", ',', ',', 0, 3, 1},
        {".5", 0, ',', 0, 0, 1},       {"5.", ',', ',', 0, 0, 1},
        {"-.5", 0, ',', 0, 0, 1},      {"0.1", 0, ',', 0, 0, 1},
        {"0.3", 0, ',', 0, 0, 1},      {"2.675", 0, ',', 0, 0, 1},
        {"1.005", 0, ',', 0, 3, 1},    {"0.037", 0, ',', 0, 3, 1},
        {"1079.028", ',', ',', 0, 0, 1}, {"-0.3142", '\t', '\t', 0, 0, 1},
        {"999999999999999", 0, ',', 0, 0, 1},  /* 15 digits: the most */
        {"99999999.9999999", 0, ',', 0, 7, 1}, {"0.00000000000001", 0, ',', 0, 0, 1},
        {"123456.789012345", ';', ';', 1, 3, 1}, {"1,5", ';', ';', 1, 0, 1},
        {"1", ',', ',', 1, 0, 1},      /* "1,5" with ',' as the separator: "1" */
        {"9999999999999999", 0, ',', 0, 0, 0}, /* 16 digits */
        {"4503599627370497", 0, ',', 0, 0, 0}, {"0.000000000000001", 0, ',', 0, 0, 0},
        {"1.7976931348623157", 0, ',', 0, 0, 0}, {"", 0, ',', 0, 0, 0},
        {"", ',', ',', 0, 0, 0},       {"-", 0, ',', 0, 0, 0},
        {"+", ',', ',', 0, 0, 0},      {".", 0, ',', 0, 0, 0},
        {"-.", ',', ',', 0, 0, 0},     {"1", 'e', ',', 0, 0, 0},
        {"1", ' ', ',', 0, 0, 0},      {"1", '"', ',', 0, 0, 0},
        {"1.5", '.', ',', 0, 0, 0},    {"1,5", ';', ';', 0, 0, 0},
        {"1", ',', ';', 0, 0, 0},      {"12", 'x', ',', 0, 0, 0},
        {"1", 0, ',', 0, 8, 0},        {"1", 0, ',', 0, -1, 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        plain_check(&h, c[i].tok, strlen(c[i].tok), c[i].after, c[i].stop, c[i].comma,
                    c[i].pow10, c[i].plain);
    /* " 1" and "1.2.3" are no plain numbers whatever follows */
    plain_check(&h, " 1", 2, 0, ',', 0, 0, 0);
    plain_check(&h, "1.2.3", 5, 0, ',', 0, 0, 0);
    plain_check(&h, "1e5", 3, 0, ',', 0, 0, 0);
    h_done(&h);
}
END_TEST

/* Random plain tokens of 0-17 digits in all, every place of the mark, all
 * nines, leading zeros and tiny values, with random followers: accepted
 * exactly when they are in the domain, and then bit for bit strtod_l. */
START_TEST(test_plain_random)
{
    harness h;
    rng *r = &h.r;
    h_init(&h, 31);
    static const char stops[] = {',', ';', '\t'};
    static const char junk[] = {' ', '"', 'e', 'E', 'x', '.', '-', '+', '\r'};
    for (long i = 0; i < 400000; i++) {
        char tok[64], *p = tok;
        char stop = stops[rbelow(r, 3)];
        int comma = stop != ',' && (rnext(r) & 1);
        int pow10 = (rnext(r) & 1) ? 0 : rrange(r, 0, 7);
        int nd = rrange(r, 0, 17), nint = rrange(r, 0, nd), nfrac = nd - nint;
        int mark = nfrac > 0 || (rnext(r) & 3) == 0;
        unsigned style = rbelow(r, 8);
        p = put_sign(r, p);
        for (int k = 0; k < nd; k++) {
            if (k == nint && mark)
                *p++ = comma && (rnext(r) & 1) ? ',' : '.';
            char d = (char)('0' + rbelow(r, 10));
            if (style == 0)
                d = '9';
            else if (style == 1 && k < nd - 2)
                d = '0';
            *p++ = d;
        }
        if (nint == nd && mark)
            *p++ = comma && (rnext(r) & 1) ? ',' : '.';
        size_t len = (size_t)(p - tok);
        int in_domain = nd >= 1 && nd <= 15;
        char after;
        switch (rbelow(r, 4)) {
        case 0:
            after = '\0';
            break;
        case 1:
        case 2:
            after = stop;
            break;
        default:
            after = junk[rbelow(r, sizeof junk)];
            if (after == '.' && !mark)
                after = 'x'; /* "12." would be a plain number itself */
            in_domain = 0;
            break;
        }
        plain_check(&h, tok, len, after, stop, comma, pow10, in_domain);
    }
    ck_assert_int_ge(h.count, 400000);
    h_done(&h);
}
END_TEST

/* ---- the writers' way back: dys_format_fixed ------------------------ */

/* dys_format_fixed(x, d) is printf's "%.*f" byte for byte whenever it
 * answers; *taken counts the answers. */
static void fixed_check(double x, int d, long *taken)
{
    char got[DYS_FIXED_BUF + 8], want[512];
    memset(got, 'Z', sizeof got);
    size_t n = dys_format_fixed(got, x, d);
    if (n == 0)
        return;
    snprintf(want, sizeof want, "%.*f", d, x);
    if (n != strlen(want) || strcmp(got, want) != 0)
        ck_abort_msg("%a (%.17g) with %d decimals: got '%s' (%zu), want '%s'", x, x, d,
                     got, n, want);
    (*taken)++;
}

START_TEST(test_fixed_known)
{
    long taken = 0;
    char b[DYS_FIXED_BUF];
    static const double xs[] = {0.0,   -0.0,  -0.001, 0.001, 1.0,    -1.0,    0.5,
                                1.25,  2.675, 1.005,  99.995, 123.456, -7.25, 1e-300,
                                -1e-300, 4e15 / 1e3, 0.1,  0.2,   0.3,   12345678.9};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        for (int d = 1; d <= 9; d++)
            fixed_check(xs[i], d, &taken);
    ck_assert_int_ge(taken, 120); /* most of them are answered */
    ck_assert_uint_eq(dys_format_fixed(b, -0.0, 2), 5);
    ck_assert_str_eq(b, "-0.00");
    ck_assert_uint_eq(dys_format_fixed(b, -0.001, 2), 5);
    ck_assert_str_eq(b, "-0.00");
    ck_assert_uint_eq(dys_format_fixed(b, 1.5, 0), 0); /* outside 1..9 */
    ck_assert_uint_eq(dys_format_fixed(b, 1.5, 10), 0);
    ck_assert_uint_eq(dys_format_fixed(b, NAN, 2), 0);
    ck_assert_uint_eq(dys_format_fixed(b, INFINITY, 2), 0);
    ck_assert_uint_eq(dys_format_fixed(b, 1e15, 2), 0); /* beyond 2^52 */
    ck_assert_uint_eq(dys_format_fixed(b, 0.125, 2), 0); /* an exact tie */
    ck_assert_uint_eq(dys_format_fixed(b, 0.005, 2), 0); /* 0.50000000000000001: y is 0.5 */
}
END_TEST

/* Random values of every magnitude the writers see and beyond, exact
 * binary ties (odd multiples of 2^-m whose scaled value ends in .5) and
 * their neighbours, integers and halves: every answer equals printf, and
 * nearly every typical value is answered. */
START_TEST(test_fixed_random)
{
    rng r = {41};
    long taken = 0, typical = 0, typical_taken = 0;
    for (long i = 0; i < 600000; i++) {
        int d = rrange(&r, 1, 9);
        double x;
        switch (rbelow(&r, 5)) {
        case 0: /* what the tables hold: ms, cm/s, % */
            x = ((double)(rnext(&r) % 4000001) - 2000000.0) / (double)(1 + rbelow(&r, 999));
            typical++;
            {
                long before = taken;
                fixed_check(x, d, &taken);
                typical_taken += taken > before;
            }
            continue;
        case 1: /* any magnitude */
            x = ldexp((double)(rnext(&r) >> 11), rrange(&r, -120, 10));
            break;
        case 2: { /* an exact tie at d decimals: (2j + 1) / 2 / 10^d in binary */
            int m = rrange(&r, 1, 20);
            x = ldexp((double)(2 * (rnext(&r) % 100000) + 1), -m);
            break;
        }
        case 3: { /* a neighbour of a tie */
            int m = rrange(&r, 1, 20);
            x = ldexp((double)(2 * (rnext(&r) % 100000) + 1), -m);
            x = nextafter(x, (rnext(&r) & 1) ? INFINITY : -INFINITY);
            break;
        }
        default: /* a decimal of six places, the nearest double */
            x = (double)(rnext(&r) % 100000000) / 1e6;
            break;
        }
        if (rnext(&r) & 1)
            x = -x;
        fixed_check(x, d, &taken);
    }
    ck_assert_int_ge(taken, 300000);
    /* the fast path must carry the writers' values, not hand them all back */
    ck_assert_int_ge(typical_taken, typical * 99 / 100);
}
END_TEST

static Suite *numparse_suite(void)
{
    Suite *s = suite_create("numparse");
    TCase *tc = tcase_create("numparse");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_known_values);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_slices);
    tcase_add_test(tc, test_exhaustive_short);
    tcase_add_test(tc, test_random_integers);
    tcase_add_test(tc, test_random_decimals);
    tcase_add_test(tc, test_random_exponents);
    tcase_add_test(tc, test_printed_doubles);
    tcase_add_test(tc, test_near_powers_of_ten);
    tcase_add_test(tc, test_near_2p53);
    tcase_add_test(tc, test_halfway);
    tcase_add_test(tc, test_subnormals);
    tcase_add_test(tc, test_typical);
    tcase_add_test(tc, test_plain_known);
    tcase_add_test(tc, test_plain_random);
    tcase_add_test(tc, test_fixed_known);
    tcase_add_test(tc, test_fixed_random);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(numparse_suite());
    int failed;
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
