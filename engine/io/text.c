/*
 * text.c - the text a reader works on: the whole file in memory, refused
 * when it is not UTF-8 text (UTF-16, NUL bytes, malformed sequences, each
 * with the line and column of the first bad byte), the cursor over its
 * lines, the number parser with a decimal shift, and the growable columns
 * the readers fill.  Nothing here knows the study formats.
 */
#include "study_internal.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- text buffer ------------------------------------------------------ */

/* Line and column (1-based, in bytes) of offset off in buf. */
static void text_where(const char *buf, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        /* LF, CRLF and a bare CR (old Mac) each end a line, as in
         * dys_text_next. */
        if (buf[i] == '\n' || (buf[i] == '\r' && buf[i + 1] != '\n')) {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Offset of the first byte that does not belong to well-formed UTF-8
 * (no overlong forms, surrogates or code points above U+10FFFF), or n. */
static size_t utf8_invalid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII, nearly every byte of a study, eight bytes at a time */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        unsigned long cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (n - i <= k)
            return i;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + j] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += k + 1;
    }
    return n;
}

static dys_status text_adopt(dys_ctx *ctx, dys_text *t, char *buf, size_t n);

static dys_status too_large(dys_ctx *ctx, const char *path, const dys_read_options *opt)
{
    return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                    "%s: file is larger than the limit: expected at "
                    "most %zu bytes (--max-file-mb raises it)", path,
                    opt->max_file_bytes);
}

dys_status dys_text_load(dys_ctx *ctx, dys_text *t, const char *path,
                         const dys_read_options *opt)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dys_fail(ctx, DYS_ERR_IO, "%s: cannot open: %s", path,
                        strerror(errno));
    size_t cap = opt->max_file_bytes < ((size_t)1 << 16) ? opt->max_file_bytes
                                                         : (size_t)1 << 16;
    size_t n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return dys_fail(ctx, DYS_ERR_NOMEM, "%s: out of memory", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap >= opt->max_file_bytes) {
                if (fgetc(f) == EOF)
                    break; /* exactly at the limit */
                free(buf);
                fclose(f);
                return too_large(ctx, path, opt);
            }
            cap = cap * 2 > opt->max_file_bytes ? opt->max_file_bytes : cap * 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return dys_fail(ctx, DYS_ERR_NOMEM, "%s: out of memory", path);
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return dys_fail(ctx, DYS_ERR_IO, "%s: read error", path);
    }
    return text_adopt(ctx, t, buf, n);
}

dys_status dys_text_from_memory(dys_ctx *ctx, dys_text *t, const char *path,
                                const char *data, size_t len, const dys_read_options *opt)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    /* the file reader's limit and message: the bytes are a file's */
    if (len > opt->max_file_bytes)
        return too_large(ctx, path, opt);
    char *buf = malloc(len + 1);
    if (!buf)
        return dys_fail(ctx, DYS_ERR_NOMEM, "%s: out of memory", path);
    if (len)
        memcpy(buf, data, len);
    return text_adopt(ctx, t, buf, len);
}

/* The checks every text passes, wherever its bytes came from (a file, a
 * binding's memory): buf (n bytes and room for a NUL, malloc'd) becomes
 * t's, or is freed with the first reason it is no UTF-8 text. */
static dys_status text_adopt(dys_ctx *ctx, dys_text *t, char *buf, size_t n)
{
    const char *path = t->path;
    buf[n] = '\0';
    if (n >= 2 && (((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE) ||
                   ((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF))) {
        free(buf);
        return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                        "%s:1:1: the file is UTF-16: expected UTF-8 (save it "
                        "as UTF-8)", path);
    }
    size_t skip = 0;
    if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        skip = 3;
    /* A NUL byte means a binary file: say where, rather than misreading. */
    const char *nul = memchr(buf + skip, '\0', n - skip);
    if (nul) {
        int line, col;
        text_where(buf + skip, (size_t)(nul - (buf + skip)), &line, &col);
        free(buf);
        return dys_fail(ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: NUL byte: expected a text file (UTF-8)", path,
                        line, col);
    }
    size_t bad = utf8_invalid((const unsigned char *)buf + skip, n - skip);
    if (bad < n - skip) {
        int line, col;
        text_where(buf + skip, bad, &line, &col);
        unsigned byte = (unsigned char)buf[skip + bad];
        free(buf);
        return dys_fail(ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: byte 0x%02X is not UTF-8: expected UTF-8 text "
                        "(save the file as UTF-8)", path, line, col, byte);
    }
    if (skip)
        memmove(buf, buf + skip, n - skip + 1);
    t->data = buf;
    t->len = n - skip;
    return DYS_OK;
}

void dys_text_free(dys_text *t)
{
    free(t->data);
    t->data = NULL;
}

int dys_text_next(dys_text *t, const char **line, size_t *len)
{
    if (t->pos >= t->len)
        return 0;
    const char *s = t->data + t->pos;
    /* A line ends at LF, CRLF or a bare CR: GE EchoPAC's full-trace
     * exports still end their lines with a lone CR (old Mac style), and
     * treating such a file as one line would misnumber every message.
     * memchr (vectorised) finds the next LF, kept in t->next_lf so that a
     * file of bare CRs is not searched to its end for every line; then a
     * CR before it.  next_lf is valid when it is at or after pos and
     * holds an LF or is the end (the zeroed struct needs no set-up). */
    if (t->next_lf < t->pos || (t->next_lf < t->len && t->data[t->next_lf] != '\n')) {
        const char *lf = memchr(s, '\n', t->len - t->pos);
        t->next_lf = lf ? (size_t)(lf - t->data) : t->len;
    }
    const char *cr = memchr(s, '\r', t->next_lf - t->pos);
    size_t l = cr ? (size_t)(cr - s) : t->next_lf - t->pos;
    size_t eol = 0;
    if (s[l] == '\r')
        eol = s[l + 1] == '\n' ? 2 : 1;
    else if (s[l] == '\n')
        eol = 1;
    t->pos += l + eol;
    t->line++;
    *line = s;
    *len = l;
    return 1;
}

/* ---- numbers ------------------------------------------------------------ */

int dys_parse_number_pow10(const char *s, size_t len, int decimal_comma,
                           locale_t loc, int pow10, double *out)
{
    double x;
    if (dys_parse_number(s, len, decimal_comma, loc, &x) != 0)
        return -1;
    if (pow10 == 0 || x == 0 || !isfinite(x)) {
        *out = x;
        return 0;
    }
    /* Rewrite the token with its exponent raised by pow10 and convert
     * that: one correctly rounded conversion instead of two roundings. */
    size_t m = 0;
    while (m < len && s[m] != 'e' && s[m] != 'E')
        m++;
    long long e = 0;
    if (m < len) {
        size_t i = m + 1;
        int neg = 0;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            neg = s[i++] == '-';
        for (; i < len; i++)
            if (e < 1000000000000000LL) /* saturate: beyond any double */
                e = e * 10 + (s[i] - '0');
        if (neg)
            e = -e;
    }
    e += pow10;
    char stack[128];
    size_t cap = m + 32;
    char *buf = cap <= sizeof stack ? stack : malloc(cap);
    if (!buf)
        return -1;
    memcpy(buf, s, m);
    int k = snprintf(buf + m, cap - m, "e%lld", e);
    int rc = dys_parse_number(buf, m + (size_t)k, decimal_comma, loc, out);
    if (buf != stack)
        free(buf);
    return rc;
}

/* ---- growable columns ------------------------------------------------- */

/* v with room for one more element of `size` bytes (n used of *cap):
 * the same block, or a larger one (doubling from 256, so a column of n
 * values costs O(n)); NULL when out of memory (v is then still valid). */
static void *room_for_one(void *v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return v;
    size_t nc = *cap ? *cap * 2 : 256;
    if (nc > SIZE_MAX / size)
        return NULL;
    void *p = realloc(v, nc * size);
    if (p)
        *cap = nc;
    return p;
}

dys_status dys_column_grow(dys_column *c)
{
    double *v = room_for_one(c->v, c->n, &c->cap, sizeof *c->v);
    if (!v)
        return DYS_ERR_NOMEM;
    c->v = v;
    return DYS_OK;
}

dys_status dys_icolumn_grow(dys_icolumn *c)
{
    int *v = room_for_one(c->v, c->n, &c->cap, sizeof *c->v);
    if (!v)
        return DYS_ERR_NOMEM;
    c->v = v;
    return DYS_OK;
}
