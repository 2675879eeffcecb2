/* table.c - reading the CSV tables of dyssync stats (table.h). */
#include "table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static char *read_all(const char *path, size_t max_bytes, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 0, len = 0, got;
    char *buf = NULL;
    do {
        if (grow((void **)&buf, &cap, len + 4096, 1)) {
            free(buf);
            fclose(f);
            snprintf(err, errcap, "%s: out of memory", path);
            return NULL;
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (len > max_bytes) {
            snprintf(err, errcap, "%s: file is larger than the limit: expected at most %zu "
                     "bytes (--max-file-mb raises it)", path, max_bytes);
            free(buf);
            fclose(f);
            return NULL;
        }
    } while (got > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad || memchr(buf, '\0', len)) {
        snprintf(err, errcap, "%s: %s", path, bad ? "read error" : "not a text file (NUL byte)");
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* One cell starting at *p: unquoted up to ',' or the end of the line, or
 * quoted with "" for a quote (and line breaks allowed inside).  Advances
 * *p past the cell and *lineno past its line breaks; NULL with a message
 * when a quote is not closed or out of memory. */
static char *cell(const char **p, size_t *lineno, const char *path, char *err, size_t errcap)
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
            snprintf(err, errcap, "%s:%d: a quoted cell is not closed", path, start);
            free(out);
            return NULL;
        } else if (!quoted && (!*s || *s == ',' || *s == '\n' || *s == '\r')) {
            break;
        } else {
            c = *s++;
            /* a line break inside quotes: LF, CRLF or a bare CR (old Mac) */
            *lineno += c == '\n' || (c == '\r' && *s != '\n');
        }
        if (grow((void **)&out, &cap, len + 1, 1)) {
            free(out);
            snprintf(err, errcap, "%s: out of memory", path);
            return NULL;
        }
        out[len++] = c;
    }
    if (grow((void **)&out, &cap, len, 1)) {
        free(out);
        snprintf(err, errcap, "%s: out of memory", path);
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

int cli_table_read(const char *path, size_t max_bytes, cli_table *t, char *err, size_t errcap)
{
    memset(t, 0, sizeof *t);
    char *buf = read_all(path, max_bytes, err, errcap);
    if (!buf)
        return -1;
    t->path = strdup(path);
    const char *p = buf;
    if (!strncmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    size_t lineno = 1, ccap = 0, lcap = 0, ncells = 0, hcap = 0;
    int rc = t->path ? 0 : -1;
    while (*p && rc == 0) {
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
        for (;;) {
            char *c = cell(&p, &lineno, path, err, errcap);
            if (!c) {
                rc = -1;
                break;
            }
            n++;
            if (header) {
                if (grow((void **)&t->head, &hcap, t->ncol, sizeof *t->head)) {
                    free(c);
                    rc = -1;
                    break;
                }
                t->head[t->ncol++] = c;
            } else if (n > t->ncol) {
                free(c);
            } else {
                if (grow((void **)&t->cell, &ccap, ncells, sizeof *t->cell)) {
                    free(c);
                    rc = -1;
                    break;
                }
                t->cell[ncells++] = c;
            }
            if (*p != ',')
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
            for (size_t c = 0; c < t->ncol && rc == 0; c++) {
                if (!t->head[c][0]) {
                    snprintf(err, errcap, "%s:%zu:%zu: empty column name", path, at, c + 1);
                    rc = -1;
                }
                for (size_t d = 0; d < c && rc == 0; d++)
                    if (!strcmp(t->head[c], t->head[d])) {
                        snprintf(err, errcap, "%s:%zu:%zu: column %s appears twice", path, at,
                                 c + 1, t->head[c]);
                        rc = -1;
                    }
            }
            continue;
        }
        if (n != t->ncol) {
            snprintf(err, errcap, "%s:%zu:%zu: %zu cells where the header has %zu", path, at,
                     (n < t->ncol ? n : t->ncol) + 1, n, t->ncol);
            rc = -1;
            break;
        }
        if (grow((void **)&t->line, &lcap, t->nrow, sizeof *t->line)) {
            rc = -1;
            break;
        }
        t->line[t->nrow++] = at;
    }
    free(buf);
    if (rc == 0 && !t->ncol) {
        snprintf(err, errcap, "%s: empty (no header row)", path);
        rc = -1;
    }
    if (rc != 0) {
        if (!err[0])
            snprintf(err, errcap, "%s: out of memory", path);
        /* cells of a row cut short by an error are beyond nrow: free them */
        for (size_t i = t->nrow * t->ncol; i < ncells; i++)
            free(t->cell[i]);
        cli_table_free(t);
        return -1;
    }
    return 0;
}

void cli_table_free(cli_table *t)
{
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

int cli_table_col(const cli_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncol; c++)
        if (!strcmp(t->head[c], name))
            return (int)c;
    return -1;
}

const char *cli_table_get(const cli_table *t, size_t row, int col)
{
    return t->cell[row * t->ncol + (size_t)col];
}

int cli_table_num(const cli_table *t, size_t row, int col, double *v, char *err, size_t errcap)
{
    const char *s = cli_table_get(t, row, col);
    *v = NAN;
    while (*s == ' ')
        s++;
    if (!*s || !strcasecmp(s, "NA") || !strcasecmp(s, "nan"))
        return 1;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || errno == ERANGE || !isfinite(x)) {
        snprintf(err, errcap, "%s:%zu:%d: %s \"%s\" is not a number", t->path, t->line[row],
                 col + 1, t->head[col], cli_table_get(t, row, col));
        return -1;
    }
    *v = x;
    return 0;
}
