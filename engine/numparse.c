/*
 * numparse.c - decimal text to double, correctly rounded, locale-free;
 * and the writers' way back, dys_format_fixed (at the end).
 *
 * What it computes: dys_parse_number() turns the token s[0..len) into the
 * double strtod_l(token, NULL, C locale) would give, bit for bit (sign of
 * zero, subnormals, overflow to +-HUGE_VAL included), after checking that
 * the token is exactly a plain decimal number:
 *
 *     [+-]? ( digits [sep digits?] | sep digits ) ( [eE] [+-]? digits )?
 *
 * where sep is '.', or ',' as well when decimal_comma is set (at most one
 * separator).  Spaces, hex, "inf" and "nan" are refused.
 *
 * How (Clinger 1990, "How to read floating point numbers accurately",
 * PLDI '90, the "fast path"): the mantissa's digits are gathered into a
 * uint64_t w, with the token's value w * 10^e.  With at most 19 digits in
 * all (the common case) this is one tight loop per part; longer mantissas
 * are scanned again to keep the first 19 significant digits, the others
 * only scaling e (and, if nonzero, ruling the fast path out).  When
 * w > 2^53 its trailing zeros are moved into e, so a long mantissa like
 * "1000000000000000000000" still qualifies.  When w <= 2^53 both
 * w and 10^|e| for |e| <= 22 are exact doubles, so one IEEE multiplication
 * or division, which is correctly rounded, gives the correctly rounded
 * result.  Two small extensions: for 22 < e <= 37 powers of ten are moved
 * into w while it stays <= 2^53 ("1.5e30" -> 15000000 * 10^22), and for
 * e == 0 any w < 2^64 is converted directly (integer to double conversion
 * is correctly rounded under IEEE 754 / C Annex F).  Values whose decimal
 * magnitude is certainly beyond the double range (>= 10^309, or < 10^-324
 * which is below half the smallest subnormal) become +-HUGE_VAL or +-0
 * without strtod.  Everything else (more than 19 significant digits, w >
 * 2^53, large exponents) is copied with ',' replaced by '.' into a 64-byte
 * stack buffer (a heap buffer for longer tokens) and given to strtod_l with
 * the caller's C locale.
 *
 * Choices and limits:
 *  - No global mutable state and no use of the process locale; the only
 *    statics are constant tables.  errno is left as it was (strtod_l's
 *    ERANGE is not reported: overflow shows as +-HUGE_VAL, as documented).
 *  - The fast path assumes round-to-nearest (the default; the library never
 *    changes the rounding mode) and is compiled out when FLT_EVAL_METHOD
 *    is not 0 (x87 excess precision would round twice).
 *  - Exponent digits saturate at 10^17, which cannot change the result of
 *    any token shorter than ~10^17 bytes.
 *  - A token longer than 63 bytes that needs the slow path costs one
 *    malloc; if that fails the token is reported as not a number (-1).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "internal.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#define NP_FAST_PATH 0
#else
#define NP_FAST_PATH 1
#endif

#if defined(__GNUC__)
#define NP_NOINLINE __attribute__((noinline)) /* keep the fast path lean */
#else
#define NP_NOINLINE
#endif

#define NP_MAX_DIGITS 19          /* significant digits that fit a uint64 */
#define NP_MAX_EXACT (UINT64_C(1) << 53)
#define NP_EXP_SATURATE INT64_C(100000000000000000) /* 10^17 */
#define NP_STACK_BUF 64

/* 10^0 .. 10^22: every one is an exact double. */
static const double np_pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const uint64_t np_pow10_u64[20] = {
    UINT64_C(1),
    UINT64_C(10),
    UINT64_C(100),
    UINT64_C(1000),
    UINT64_C(10000),
    UINT64_C(100000),
    UINT64_C(1000000),
    UINT64_C(10000000),
    UINT64_C(100000000),
    UINT64_C(1000000000),
    UINT64_C(10000000000),
    UINT64_C(100000000000),
    UINT64_C(1000000000000),
    UINT64_C(10000000000000),
    UINT64_C(100000000000000),
    UINT64_C(1000000000000000),
    UINT64_C(10000000000000000),
    UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000),
    UINT64_C(10000000000000000000),
};

/* The token is known to be well formed: let strtod_l round it. */
static NP_NOINLINE int np_slow(const char *s, size_t len, locale_t loc,
                               double *out)
{
    char stackbuf[NP_STACK_BUF];
    char *buf = stackbuf, *end = NULL;
    double v;
    int saved_errno = errno, ok;
    size_t i;

    if (len >= sizeof stackbuf) {
        buf = malloc(len + 1);
        if (!buf)
            return -1;
    }
    for (i = 0; i < len; i++)
        buf[i] = s[i] == ',' ? '.' : s[i];
    buf[len] = '\0';
    v = strtod_l(buf, &end, loc);
    ok = end == buf + len;
    if (buf != stackbuf)
        free(buf);
    errno = saved_errno;
    if (!ok)
        return -1;
    *out = v;
    return 0;
}

/* Clinger's fast path: *out = +-w * 10^e when that is exact enough to be
 * correctly rounded by one IEEE operation.  Returns 0 on success. */
static int np_fast(uint64_t w, int64_t e, int neg, double *out)
{
#if NP_FAST_PATH
    double r;
    if (w > NP_MAX_EXACT) { /* "1000000000000000000000" -> 1 * 10^21 */
        while (w % 10 == 0) {
            w /= 10;
            e++;
        }
    }
    if (e > 22 && e <= 22 + 15 && w <= NP_MAX_EXACT / np_pow10_u64[e - 22]) {
        w *= np_pow10_u64[e - 22]; /* "1.5e30" -> 15000000 * 10^22 */
        e = 22;
    }
    if (w <= NP_MAX_EXACT && e >= -22 && e <= 22) {
        r = (double)w;
        r = e < 0 ? r / np_pow10_exact[-e] : r * np_pow10_exact[e];
    } else if (e == 0) {
        r = (double)w; /* correctly rounded conversion */
    } else {
        return -1;
    }
    *out = neg ? -r : r;
    return 0;
#else
    (void)w, (void)e, (void)neg, (void)out;
    return -1;
#endif
}

/* Mantissa text [p, end) with at most one separator, more than 19 digits:
 * gather the first 19 significant digits into *w (their count in *nd) and
 * return the power of ten that scales them; *many is set when a nonzero
 * digit was left out. */
static NP_NOINLINE int64_t np_long_mantissa(const char *p, const char *end,
                                           uint64_t *w, int *nd, int *many)
{
    int64_t e = 0;
    int point = 0;
    *w = 0;
    *nd = 0;
    *many = 0;
    for (; p < end; p++) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d > 9) {
            point = 1;
            continue;
        }
        if (*nd < NP_MAX_DIGITS) {
            *w = *w * 10 + d;
            *nd += *w != 0; /* leading zeros do not count */
            e -= point;
        } else {
            e += !point;
            *many |= d != 0;
        }
    }
    return e;
}

int dys_parse_number(const char *s, size_t len, int decimal_comma,
                     locale_t loc, double *out)
{
    const char *p = s, *end = s + len, *digits, *mant_end;
    uint64_t w = 0;
    int neg = 0, nd, many = 0;
    size_t nint, nfrac = 0;
    int64_t e, ex = 0, mag;

    if (p < end && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
    }
    /* Mantissa: w gathers every digit; it is exact when there are at most
     * 19 of them and is recomputed otherwise. */
    digits = p;
    for (; p < end; p++) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d > 9)
            break;
        w = w * 10 + d;
    }
    nint = (size_t)(p - digits);
    if (p < end && (*p == '.' || (*p == ',' && decimal_comma))) {
        const char *frac = ++p;
        for (; p < end; p++) {
            unsigned d = (unsigned)(unsigned char)*p - '0';
            if (d > 9)
                break;
            w = w * 10 + d;
        }
        nfrac = (size_t)(p - frac);
    }
    if (nint + nfrac == 0)
        return -1; /* no mantissa digit: "", "-", ".", "e5" */
    mant_end = p;
    /* Exponent. */
    if (p < end) {
        int eneg = 0;
        if (*p != 'e' && *p != 'E')
            return -1;
        p++;
        if (p < end && (*p == '+' || *p == '-')) {
            eneg = *p == '-';
            p++;
        }
        if (p == end)
            return -1;
        for (; p < end; p++) {
            unsigned d = (unsigned)(unsigned char)*p - '0';
            if (d > 9)
                return -1;
            if (ex < NP_EXP_SATURATE)
                ex = ex * 10 + d;
        }
        if (eneg)
            ex = -ex;
    }

    if (nint + nfrac <= NP_MAX_DIGITS) { /* the common case */
        e = ex - (int64_t)nfrac;
        if (w != 0 && np_fast(w, e, neg, out) == 0)
            return 0;
        for (nd = 0; nd < NP_MAX_DIGITS && np_pow10_u64[nd] <= w;)
            nd++; /* digits in w */
    } else {
        e = ex + np_long_mantissa(digits, mant_end, &w, &nd, &many);
        if (w != 0 && !many && np_fast(w, e, neg, out) == 0)
            return 0;
    }
    if (w == 0) { /* all digits zero, whatever the exponent */
        *out = neg ? -0.0 : 0.0;
        return 0;
    }
    /* The value lies in [10^mag, 10^(mag+1)). */
    mag = e + nd - 1;
    if (mag > DBL_MAX_10_EXP) { /* >= 10^309 > DBL_MAX */
        *out = neg ? -HUGE_VAL : HUGE_VAL;
        return 0;
    }
    if (mag < -324) { /* < 10^-324 < 2^-1075: rounds to zero */
        *out = neg ? -0.0 : 0.0;
        return 0;
    }
    return np_slow(s, len, loc, out);
}

size_t dys_format_fixed(char *buf, double x, int decimals)
{
#if NP_FAST_PATH
    static const uint64_t pow10_u[10] = {
        UINT64_C(1),      UINT64_C(10),      UINT64_C(100),      UINT64_C(1000),
        UINT64_C(10000),  UINT64_C(100000),  UINT64_C(1000000),  UINT64_C(10000000),
        UINT64_C(100000000), UINT64_C(1000000000),
    };
    if (decimals < 1 || decimals > 9 || !isfinite(x))
        return 0;
    /* printf rounds X = |x| 10^d, exactly, to the nearest integer N (ties
     * to even) and prints N / 10^d, '.', N mod 10^d.  With y = fl(X) below
     * 2^52 and n = trunc(y), n + 1/2 is a double, and rounding is
     * monotone: X and y lie on the same side of n + 1/2 (and below n + 1)
     * unless y is n + 1/2 itself, so N = n + (y - n > 1/2), y - n being
     * exact.  That one case (X a tie or next to one), and y beyond 2^52,
     * are left to printf (return 0). */
    double y = fabs(x) * np_pow10_exact[decimals];
    if (!(y < 0x1p52))
        return 0;
    uint64_t n = (uint64_t)y;
    double frac = y - (double)n;
    if (frac == 0.5)
        return 0;
    n += frac > 0.5;
    char tmp[40], *p = tmp + sizeof tmp;
    uint64_t ip = n / pow10_u[decimals], fp = n % pow10_u[decimals];
    for (int i = 0; i < decimals; i++, fp /= 10)
        *--p = (char)('0' + fp % 10);
    *--p = '.';
    do
        *--p = (char)('0' + ip % 10);
    while (ip /= 10);
    if (signbit(x)) /* "-0.00", as printf writes -0.001 */
        *--p = '-';
    size_t len = (size_t)(tmp + sizeof tmp - p);
    memcpy(buf, p, len);
    buf[len] = '\0';
    return len;
#else
    (void)buf, (void)x, (void)decimals;
    return 0;
#endif
}
