/*
 * util.c - context, error messages, strings and atomic output files.
 */

#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void dys_fftcache_free(struct dys_fftcache *c); /* conditioning.c */

const char *dys_version(void) { return DYS_VERSION_STRING; }
int dys_version_number(void) { return DYS_VERSION_NUMBER; }

const char *dys_strerror(dys_status status)
{
    switch (status) {
    case DYS_OK: return "success";
    case DYS_ERR_NOMEM: return "out of memory";
    case DYS_ERR_IO: return "input/output error";
    case DYS_ERR_PARSE: return "parse error";
    case DYS_ERR_INVALID: return "invalid argument";
    case DYS_ERR_UNSUPPORTED: return "unsupported input";
    case DYS_ERR_ANALYSIS: return "analysis failed";
    }
    return "unknown status";
}

dys_ctx *dys_ctx_new(void)
{
    dys_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (ctx->c_locale == (locale_t)0) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

void dys_ctx_free(dys_ctx *ctx)
{
    if (!ctx)
        return;
    dys_fftcache_free(ctx->fft);
    freelocale(ctx->c_locale);
    free(ctx);
}

const char *dys_ctx_error(const dys_ctx *ctx) { return ctx ? ctx->errmsg : ""; }

dys_status dys_fail(dys_ctx *ctx, dys_status status, const char *fmt, ...)
{
    if (ctx) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
        va_end(ap);
    }
    return status;
}

char *dys_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *dys_strdup(const char *s) { return s ? dys_strndup(s, strlen(s)) : NULL; }

static char *vasprintf_alloc(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *dys_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vasprintf_alloc(fmt, ap);
    va_end(ap);
    return s;
}

dys_status dys_strlist_add(char ***list, size_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vasprintf_alloc(fmt, ap);
    va_end(ap);
    if (!s)
        return DYS_ERR_NOMEM;
    char **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl) {
        free(s);
        return DYS_ERR_NOMEM;
    }
    nl[(*n)++] = s;
    *list = nl;
    return DYS_OK;
}

void dys_strlist_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void *dys_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

dys_status dys_outfile_open(dys_ctx *ctx, dys_outfile *af, const char *path)
{
    memset(af, 0, sizeof *af);
    af->path = dys_strdup(path);
    af->tmp = dys_asprintf("%s.tmp.XXXXXX", path);
    if (!af->path || !af->tmp) {
        dys_outfile_abort(af);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        int e = errno;
        dys_fail(ctx, DYS_ERR_IO, "%s: cannot create: %s", path, strerror(e));
        free(af->tmp);
        af->tmp = NULL;
        dys_outfile_abort(af);
        return DYS_ERR_IO;
    }
    /* mkstemp makes 0600 files; results are meant to be shared. */
    (void)fchmod(fd, 0644);
    af->f = fdopen(fd, "w");
    if (!af->f) {
        close(fd);
        dys_outfile_abort(af);
        return dys_fail(ctx, DYS_ERR_IO, "%s: cannot open for writing", path);
    }
    return DYS_OK;
}

static dys_status commit(dys_ctx *ctx, dys_outfile *af, int sync)
{
    int bad = fflush(af->f) != 0 || ferror(af->f) || (sync && fsync(fileno(af->f)) != 0);
    int e = errno;
    if (fclose(af->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->f = NULL;
    if (!bad && rename(af->tmp, af->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        dys_fail(ctx, DYS_ERR_IO, "%s: cannot write: %s", af->path, strerror(e));
        dys_outfile_abort(af);
        return DYS_ERR_IO;
    }
    free(af->tmp);
    free(af->path);
    af->tmp = af->path = NULL;
    return DYS_OK;
}

dys_status dys_outfile_commit(dys_ctx *ctx, dys_outfile *af)
{
    return commit(ctx, af, 1);
}

dys_status dys_outfile_commit_unsynced(dys_ctx *ctx, dys_outfile *af)
{
    return commit(ctx, af, 0);
}

void dys_outfile_abort(dys_outfile *af)
{
    if (af->f)
        fclose(af->f);
    if (af->tmp)
        unlink(af->tmp);
    free(af->tmp);
    free(af->path);
    memset(af, 0, sizeof *af);
}

int dys_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double dys_select(double *a, size_t m, size_t k)
{
    /* Hoare's selection: partition around the median of three until the
     * part holding k is one element; O(m) on average where sorting is
     * O(m log m) (the noise estimate takes a quantile of every window). */
    size_t lo = 0, hi = m - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        double x = a[lo], y = a[mid], z = a[hi];
        double pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                double t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        /* now a[lo..j] <= pivot <= a[i..hi], and j < i */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k]; /* j < k < i: equal to the pivot */
    }
    return a[k];
}

double dys_quantile(const double *v, size_t n, double q)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return NAN;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            c[m++] = v[i];
    double r = NAN;
    if (m) {
        double pos = q * (double)(m - 1);
        size_t k = (size_t)pos;
        double f = pos - (double)k;
        r = dys_select(c, m, k);
        if (k + 1 < m) { /* the next order statistic: the least above k */
            double next = c[k + 1];
            for (size_t i = k + 2; i < m; i++)
                next = fmin(next, c[i]);
            r = r * (1 - f) + next * f;
        }
    }
    free(c);
    return r;
}
