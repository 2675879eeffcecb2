/*
 * table.c - tables with named columns (dyssync_stats.h): batch's
 * studies.csv, an outcomes file, a table of ratings or scores; and the CSV
 * dialect detection that the study reader (read_csv.c) shares.
 *
 * RFC 4180 quoting (as batch writes), '#' comment lines, a UTF-8 BOM, LF,
 * CRLF or bare-CR line ends.  The separator and the decimal mark are the
 * study reader's (dys_csv_dialect_detect), so a file saved by a spreadsheet
 * in a European locale (';' between cells, ',' in numbers) reads the same
 * as the plain file.
 */
#include "internal.h"
#include "dyssync_stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

dys_csv_dialect dys_csv_dialect_detect(const char *line, size_t len)
{
    /* Precedence tab, ';', ',': a tab or ';' in a header is a separator
     * far more often than a comma is part of a name.  Separators inside
     * double quotes are text ("LVEF; %" in a quoted name is one column). */
    int quoted = 0, seen_tab = 0, seen_semi = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        else if (!quoted && line[i] == '\t')
            seen_tab = 1;
        else if (!quoted && line[i] == ';')
            seen_semi = 1;
    }
    dys_csv_dialect d;
    d.sep = seen_tab ? '\t' : seen_semi ? ';' : ',';
    /* with ',' free, it can be the decimal mark (an unquoted "1,5" in a
     * comma-separated file would be two cells) */
    d.decimal_comma = d.sep != ',';
    return d;
}

/* Grow *v (elements of size sz) to hold at least n + 1; -1 out of memory. */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 64;
    void *nv = realloc(*v, c * sz);
    if (!nv)
        return -1;
    *v = nv;
    *cap = c;
    return 0;
}

static char *read_all(dys_ctx *ctx, const char *path, size_t max_bytes, dys_status *st)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *st = dys_fail(ctx, DYS_ERR_IO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 0, len = 0, got;
    char *buf = NULL;
    do {
        if (grow((void **)&buf, &cap, len + 4096, 1)) {
            free(buf);
            fclose(f);
            *st = dys_fail(ctx, DYS_ERR_NOMEM, "%s: out of memory", path);
            return NULL;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (len > max_bytes) {
            *st = dys_fail(ctx, DYS_ERR_UNSUPPORTED, "%s: file is larger than the limit: expected "
                     "at most %zu bytes (--max-file-mb raises it)", path, max_bytes);
            free(buf);
            fclose(f);
            return NULL;
        }
    } while (got > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad || memchr(buf, '\0', len)) {
        *st = dys_fail(ctx, bad ? DYS_ERR_IO : DYS_ERR_PARSE, "%s: %s", path,
                 bad ? "read error" : "not a text file (NUL byte)");
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* One cell starting at *p: unquoted up to sep or the end of the line, or
 * quoted with "" for a quote (and line breaks allowed inside).  Advances
 * *p past the cell and *lineno past its line breaks; NULL with a message
 * when a quote is not closed or out of memory. */
static char *cell(dys_ctx *ctx, const char **p, size_t *lineno, char sep, const char *path)
{
    const char *s = *p;
    size_t len = 0, cap = 0;
    char *out = NULL;
    int quoted = *s == '"', start = (int)*lineno;
    if (quoted)
        s++;
    for (;;) {
        char c;
        if (quoted && *s == '"' && s[1] == '"') {
            c = '"';
            s += 2;
        } else if (quoted && *s == '"') {
            s++;
            quoted = 0;
            continue;
        } else if (quoted && !*s) {
            dys_fail(ctx, DYS_ERR_PARSE, "%s:%d: a quoted cell is not closed", path, start);
            free(out);
            return NULL;
        } else if (!quoted && (!*s || *s == sep || *s == '\n' || *s == '\r')) {
            break;
        } else {
            c = *s++;
            /* a line break inside quotes: LF, CRLF or a bare CR (old Mac) */
            *lineno += c == '\n' || (c == '\r' && *s != '\n');
        }
        if (grow((void **)&out, &cap, len + 1, 1)) {
            free(out);
            dys_fail(ctx, DYS_ERR_NOMEM, "%s: out of memory", path);
            return NULL;
        }
        out[len++] = c;
    }
    if (grow((void **)&out, &cap, len, 1)) {
        free(out);
        dys_fail(ctx, DYS_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    out[len] = '\0';
    /* dyssync's CSV writer put an apostrophe before text a spreadsheet
     * would run as a formula (dys_write_csv_field): the text is without */
    if (out[0] == '\'' && out[1] && strchr("=+-@\t\r", out[1]))
        memmove(out, out + 1, len);
    *p = s;
    return out;
}

dys_status dys_table_read(dys_ctx *ctx, const char *path, const dys_table_options *opts,
                          dys_table *t)
{
    memset(t, 0, sizeof *t);
    size_t max_bytes = opts ? opts->max_bytes : DYS_TABLE_MAX_BYTES;
    dys_status rc = DYS_OK;
    char *buf = read_all(ctx, path, max_bytes, &rc);
    if (!buf)
        return rc;
    t->path = dys_strdup(path);
    const char *p = buf;
    if (!strncmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    size_t lineno = 1, ccap = 0, lcap = 0, ncells = 0, hcap = 0;
    rc = t->path ? DYS_OK : DYS_ERR_NOMEM;
    char sep = ',';
    while (*p && rc == DYS_OK) {
        if (*p == '#' || *p == '\n' || *p == '\r') { /* a comment or a blank line */
            /* ending at LF, CRLF or a bare CR (old-Mac line ends), so a
             * comment does not swallow the rest of a CR-only file */
            p += strcspn(p, "\r\n");
            if (*p == '\r')
                p++;
            if (*p == '\n')
                p++;
            lineno++;
            continue;
        }
        size_t at = lineno, n = 0;
        int header = t->head == NULL && t->ncol == 0;
        if (header) {
            dys_csv_dialect d = dys_csv_dialect_detect(p, strcspn(p, "\r\n"));
            sep = t->sep = d.sep;
            t->decimal_comma = d.decimal_comma;
        }
        for (;;) {
            char *c = cell(ctx, &p, &lineno, sep, path);
            if (!c) {
                rc = DYS_ERR_PARSE;
                break;
            }
            n++;
            if (header) {
                if (grow((void **)&t->head, &hcap, t->ncol, sizeof *t->head)) {
                    free(c);
                    rc = DYS_ERR_NOMEM;
                    break;
                }
                t->head[t->ncol++] = c;
            } else if (n > t->ncol) {
                free(c);
            } else {
                if (grow((void **)&t->cell, &ccap, ncells, sizeof *t->cell)) {
                    free(c);
                    rc = DYS_ERR_NOMEM;
                    break;
                }
                t->cell[ncells++] = c;
            }
            if (*p != sep)
                break;
            p++;
        }
        if (rc)
            break;
        if (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
        lineno++;
        if (header) {
            for (size_t c = 0; c < t->ncol && rc == DYS_OK; c++) {
                if (!t->head[c][0])
                    rc = dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%zu: empty column name", path,
                                  at, c + 1);
                for (size_t d = 0; d < c && rc == DYS_OK; d++)
                    if (!strcmp(t->head[c], t->head[d]))
                        rc = dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%zu: column %s appears twice",
                                      path, at, c + 1, t->head[c]);
            }
            continue;
        }
        if (n != t->ncol) {
            rc = dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%zu: %zu cells where the header has %zu",
                          path, at, (n < t->ncol ? n : t->ncol) + 1, n, t->ncol);
            break;
        }
        if (grow((void **)&t->line, &lcap, t->nrow, sizeof *t->line)) {
            rc = DYS_ERR_NOMEM;
            break;
        }
        t->line[t->nrow++] = at;
    }
    free(buf);
    if (rc == DYS_OK && !t->ncol)
        rc = dys_fail(ctx, DYS_ERR_PARSE, "%s: empty (no header row)", path);
    if (rc != DYS_OK) {
        if (rc == DYS_ERR_NOMEM)
            dys_fail(ctx, rc, "%s: out of memory", path);
        /* cells of a row cut short by an error are beyond nrow: free them */
        for (size_t i = t->nrow * t->ncol; i < ncells; i++)
            free(t->cell[i]);
        dys_table_free(t);
    }
    return rc;
}

void dys_table_free(dys_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->cell && i < t->nrow * t->ncol; i++)
        free(t->cell[i]);
    for (size_t i = 0; t->head && i < t->ncol; i++)
        free(t->head[i]);
    free(t->cell);
    free(t->head);
    free(t->line);
    free(t->path);
    memset(t, 0, sizeof *t);
}

int dys_table_col(const dys_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncol; c++)
        if (!strcmp(t->head[c], name))
            return (int)c;
    return -1;
}

const char *dys_table_get(const dys_table *t, size_t row, int col)
{
    return t->cell[row * t->ncol + (size_t)col];
}

int dys_table_num(dys_ctx *ctx, const dys_table *t, size_t row, int col, double *v)
{
    const char *s = dys_table_get(t, row, col);
    *v = NAN;
    while (*s == ' ' || (*s == '\t' && t->sep != '\t'))
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || (s[len - 1] == '\t' && t->sep != '\t')))
        len--;
    if (!len || (len == 2 && !strncasecmp(s, "NA", 2)) || (len == 3 && !strncasecmp(s, "nan", 3)))
        return 1;
    /* the engine's parser, not strtod: locale-free, and it takes the
     * decimal comma of a ';'- or tab-separated file */
    double x;
    if (dys_parse_number(s, len, t->decimal_comma, ctx->c_locale, &x) != 0 || !isfinite(x)) {
        dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%d: %s \"%s\" is not a number", t->path,
                 t->line[row], col + 1, t->head[col], dys_table_get(t, row, col));
        return -1;
    }
    *v = x;
    return 0;
}
