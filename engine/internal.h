/*
 * internal.h - what the engine's files share and users never see.
 *
 * The context carries everything that would otherwise be global: the last
 * error message, the C locale used for number parsing and formatting, and
 * the FFT plans and buffers (one set per context, so a context per thread
 * makes the engine thread-safe without locks on the hot path).
 */
#ifndef DYS_INTERNAL_H
#define DYS_INTERNAL_H

#include "dyssync.h"

#include <locale.h>
#include <stdarg.h>
#include <float.h>
#include <stddef.h>
#include <stdint.h>

#define DYS_ERRMSG_MAX 1024

struct dys_fftcache; /* conditioning.c */

struct dys_ctx {
    char errmsg[DYS_ERRMSG_MAX];
    locale_t c_locale;          /* "C" numeric locale, for strtod_l/printf */
    struct dys_fftcache *fft;   /* FFT plans by size, created on demand */
};

/* Record a failure in ctx (printf-style message) and return status, so a
 * function can `return dys_fail(ctx, DYS_ERR_PARSE, "%s:%d:%d: ...", ...)`.
 * ctx may be NULL. */
dys_status dys_fail(dys_ctx *ctx, dys_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Duplicate a string / a byte range as a NUL-terminated string (NULL on
 * out of memory). */
char *dys_strdup(const char *s);
char *dys_strndup(const char *s, size_t n);
/* printf into a newly allocated string. */
char *dys_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Append a formatted message to a growable string list (warnings). */
dys_status dys_strlist_add(char ***list, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dys_strlist_free(char **list, size_t n);

/* qsort comparison of doubles (ascending). */
int dys_cmp_double(const void *a, const void *b);
/* The k-th smallest (from 0) of a[0..m), k < m, no NANs; reorders a so
 * that a[0..k) <= a[k] <= a[k+1..m). */
double dys_select(double *a, size_t m, size_t k);
/* q-quantile (0..1, linear between order statistics) of the finite
 * values of v[0..n), by selection on a copy; NAN when there are none or
 * out of memory.  q = 0.5 is the median. */
double dys_quantile(const double *v, size_t n, double q);

/* ---- shared by the analysis (beats.c) -------------------------------- */

/* The median heart rate of the recordings whose beats give one (NAN when
 * none does). */
double dys_views_median_hr(const dys_result *r);
/* When a recording has beats and none was accepted: 1, and into buf "all
 * 5 beats rejected: <the first beat's reason>" (with the other kinds of
 * reason, "; also incomplete"), so that text and figures say why a view
 * has no measured segment; 0 otherwise. */
int dys_beats_all_rejected(const dys_beat_list *b, char *buf, size_t cap);

/* The activation time a segment is ranked by: Ts, or in strain studies the
 * time to peak strain (NAN when not measured). */
static inline double dys_activation_ms(const dys_result *r, int seg)
{
    return r->trace == DYS_TRACE_STRAIN ? r->seg[seg].strain_ttp_ms : r->seg[seg].ts_ms;
}

/* Overflow-checked allocation of n * size bytes (NULL on overflow). */
void *dys_calloc(size_t n, size_t size);

/* ---- numbers (numparse.c) ------------------------------------------- */

/* Parse the decimal number that occupies exactly s[0..len): optional sign,
 * digits with an optional fraction ('.' or, when decimal_comma is set, ','
 * too), optional exponent (e/E, optional sign, digits).  No spaces, no
 * hex, no inf/nan.  Returns 0 and sets *out (which may be +-HUGE_VAL on
 * overflow, like strtod) or -1 when the text is not such a number.
 * The result equals strtod_l(s, NULL, C locale) bit for bit.  `loc` is a
 * "C" locale used by the rare slow path. */
int dys_parse_number(const char *s, size_t len, int decimal_comma,
                     locale_t loc, double *out);

/* The readers' fast path for a cell: the text s[0..n) up to the first
 * `stop` byte (or n) when it is a plain decimal -- optional sign, digits
 * with an optional fraction ('.', or ',' too when decimal_comma is set and
 * stop is not ','), at least one digit and at most 15, nothing else: no
 * spaces, quotes or exponent.  Then *out is its value times 10^pow10
 * (0 <= pow10 <= 7), correctly rounded (bit for bit what strtod_l of the
 * text with its exponent raised by pow10 gives), *used its length, and the
 * result 1.  0 for anything else, which the caller reads the general way
 * (dys_parse_number); 15 digits make every such value exact in a uint64
 * below 2^53 and every scale a power of ten of at most 22, Clinger's
 * exact case. */
/* dys_parse_plain's digits: from s[i], at most 16 of them (enough to
 * refuse a part of more than 15 without an overflow of *w, 10^16 < 2^64),
 * appended to *w; returns the index past the last. */
static inline size_t dys_plain_digits(const char *s, size_t i, size_t n, uint64_t *w)
{
    size_t d0 = i;
    for (; i < n && i - d0 < 16; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            break;
        *w = *w * 10 + d;
    }
    return i;
}

static inline int dys_parse_plain(const char *s, size_t n, char stop, int decimal_comma,
                                  int pow10, double *out, size_t *used)
{
    /* In line: it is the readers' inner loop, a call per cell costs. */
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD == 0
    static const double pow10_exact[16] = {
        1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    };
    size_t i = 0, nint, nfrac = 0;
    uint64_t w = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        neg = s[i] == '-';
        i++;
    }
    size_t d0 = i;
    i = dys_plain_digits(s, i, n, &w);
    nint = i - d0;
    if (i < n && (s[i] == '.' || (s[i] == ',' && decimal_comma && stop != ','))) {
        size_t f0 = ++i;
        i = dys_plain_digits(s, i, n, &w);
        nfrac = i - f0;
    }
    if (nint + nfrac == 0 || nint + nfrac > 15 || (i < n && s[i] != stop) ||
        pow10 < 0 || pow10 > 7)
        return 0;
    /* w < 10^15 < 2^53 and |e| <= 15: both exact doubles, one rounding */
    int e = pow10 - (int)nfrac;
    double r = (double)w;
    r = e < 0 ? r / pow10_exact[-e] : r * pow10_exact[e];
    *out = neg ? -r : r;
    *used = i;
    return 1;
#else
    (void)s, (void)n, (void)stop, (void)decimal_comma, (void)pow10, (void)out,
        (void)used;
    return 0;
#endif
}

/* printf("%.*f", decimals, x) without printf, for the writers' numbers:
 * the same bytes into buf (at least DYS_FIXED_BUF bytes, NUL-terminated)
 * and their count; 0 when it leaves the case to printf (decimals outside
 * 1..9, x not finite, |x| 10^decimals beyond 2^52, or within an error
 * bound of a rounding tie), which is what the caller then calls. */
#define DYS_FIXED_BUF 40
size_t dys_format_fixed(char *buf, double x, int decimals);

/* ---- CSV dialect (table.c) ------------------------------------------ */

/* The separator and decimal mark of a CSV file, from its header line
 * s[0..len): a tab, else ';', else ',' (the first of these outside double
 * quotes); with a tab or ';' a decimal comma is accepted in numbers.  One
 * rule for the study reader (read_csv.c) and the tables (table.c), so a
 * file a European-locale spreadsheet saved is read by both. */
typedef struct dys_csv_dialect {
    char sep;
    int decimal_comma;
} dys_csv_dialect;
dys_csv_dialect dys_csv_dialect_detect(const char *line, size_t len);

#endif
