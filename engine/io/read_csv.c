/*
 * read_csv.c - the study CSV of docs/format.md.
 *
 * Layout: "# key: value" metadata lines, then a header line whose
 * separator (tab, ';' or ',', in that order of precedence) is the file's;
 * then one row per frame.  With ';' or tab a decimal comma is accepted
 * (dys_csv_dialect_detect, shared with the tables of dyssync stats).
 * Cells may be wrapped in double quotes (spreadsheets do that).  Missing
 * samples are empty cells, NaN or '-'.  Blank lines are skipped; a '#'
 * line without ':' is a plain comment.  Everything else that departs from
 * the format is refused with file:line:column and what was expected.
 */
#include "study_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { COL_TIME, COL_ECG, COL_SEG, COL_EXTRA };

typedef struct {
    int kind;
    int seg;        /* COL_SEG */
    dys_column data;
} column;

/* Next cell of a line starting at *pos; returns its trimmed extent and the
 * 1-based column where it starts.  Returns 0 past the end of the line. */
static int next_cell(const char *line, size_t len, size_t *pos, char sep,
                     int *more, const char **cell, size_t *clen, int *col)
{
    size_t i = *pos;
    if (!*more)
        return 0;
    while (i < len && (line[i] == ' ' || (line[i] == '\t' && sep != '\t')))
        i++;
    size_t start = i, end;
    if (i < len && line[i] == '"') {
        start = ++i;
        while (i < len && line[i] != '"')
            i++;
        end = i;
        if (i < len)
            i++;
        while (i < len && line[i] != sep)
            i++;
    } else {
        while (i < len && line[i] != sep)
            i++;
        end = i;
        while (end > start && (line[end - 1] == ' ' ||
                               (line[end - 1] == '\t' && sep != '\t')))
            end--;
    }
    *cell = line + start;
    *clen = end - start;
    *col = (int)start + 1;
    *more = i < len; /* a separator follows */
    *pos = i < len ? i + 1 : i;
    return 1;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i]))
            return 0;
    return 1;
}

static int is_missing(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '-') ||
           (n == 3 && tolower((unsigned char)s[0]) == 'n' &&
            tolower((unsigned char)s[1]) == 'a' && tolower((unsigned char)s[2]) == 'n');
}

/* Split "basal septal (cm/s)" into the normalised name and unit. */
static void split_unit(const char *s, size_t n, char *name, size_t ncap,
                       char *unit, size_t ucap)
{
    unit[0] = '\0';
    size_t end = n;
    while (end && isspace((unsigned char)s[end - 1]))
        end--;
    if (end && (s[end - 1] == ')' || s[end - 1] == ']')) {
        char open = s[end - 1] == ')' ? '(' : '[';
        size_t k = end - 1;
        while (k > 0 && s[k - 1] != open)
            k--;
        if (k > 0) {
            dys_normalise_name(s + k, end - 1 - k, unit, ucap);
            end = k - 1;
        }
    }
    dys_normalise_name(s, end, name, ncap);
}

static const char seg_list[] =
    "basal_anterior, basal_anteroseptal, basal_inferoseptal, basal_inferior, "
    "basal_inferolateral, basal_anterolateral, mid_... (or an alias)";

/* Header cell -> column kind.  Time must be first. */
static dys_status header_cell(dys_reader *r, int line, int col, int index,
                              const char *cell, size_t clen, column *c,
                              int *time_pow10, char *vel_unit_seen)
{
    char name[96], unit[32];
    split_unit(cell, clen, name, sizeof name, unit, sizeof unit);
    c->seg = -1;
    if (index == 0) {
        int sc = -1; /* power of ten that turns the column into ms */
        if (!strcmp(name, "time_ms") || !strcmp(name, "t_ms"))
            sc = (!unit[0] || !strcmp(unit, "ms")) ? 0 : -1;
        else if (!strcmp(name, "time_s"))
            sc = (!unit[0] || !strcmp(unit, "s")) ? 3 : -1;
        else if (!strcmp(name, "time") && !strcmp(unit, "ms"))
            sc = 0;
        else if (!strcmp(name, "time") && !strcmp(unit, "s"))
            sc = 3;
        if (sc < 0)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: the first column must be the time: "
                            "expected time_ms, t_ms, 'time (ms)', time_s or "
                            "'time (s)', found '%.*s'", r->path, line, col,
                            DYS_SNIP(clen), cell);
        c->kind = COL_TIME;
        *time_pow10 = sc;
        return DYS_OK;
    }
    if (!strcmp(name, "ecg") || !strcmp(name, "ecg_mv")) {
        c->kind = COL_ECG;
        return DYS_OK;
    }
    int s = dys_segment_from_name(name);
    if (s >= 0) {
        c->kind = COL_SEG;
        c->seg = s;
        if (unit[0] && strchr(unit, '/') && !vel_unit_seen[0])
            snprintf(vel_unit_seen, 16, "%.15s", unit);
        return DYS_OK;
    }
    if (dys_is_extra_column(name)) {
        c->kind = COL_EXTRA;
        return dys_strlist_add(&r->rec->extra_columns, &r->rec->n_extra_columns,
                               "%.*s", (int)clen, cell) == DYS_OK
                   ? DYS_OK : dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    }
    if (!strcmp(name, "time_ms") || !strcmp(name, "t_ms") ||
        !strcmp(name, "time_s") || !strcmp(name, "time"))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: a second time column: expected the time in "
                        "the first column only", r->path, line, col);
    return dys_fail(r->ctx, DYS_ERR_PARSE,
                    "%s:%d:%d: unknown column '%.*s': expected ecg or one of the "
                    "12 segments (%s)", r->path, line, col, DYS_SNIP(clen), cell,
                    seg_list);
}

dys_status dys_read_csv(dys_reader *r, dys_text *t)
{
    const char *line;
    size_t len;
    column *cols = NULL;
    int ncol = 0;
    char sep = 0;
    int decimal_comma = 0;
    int time_pow10 = 0;
    char vel_unit_seen[16] = "";
    dys_status st = DYS_OK;
    int header_line = 0;
    locale_t loc = r->ctx->c_locale;

    /* Metadata and header. */
    while (dys_text_next(t, &line, &len)) {
        if (is_blank(line, len))
            continue;
        if (line[0] == '#') {
            const char *colon = memchr(line, ':', len);
            if (!colon)
                continue; /* a plain comment */
            st = dys_meta_apply(r, line + 1, (size_t)(colon - line - 1), colon + 1,
                                len - (size_t)(colon - line) - 1, t->line,
                                (int)(colon - line) + 2);
            if (st != DYS_OK)
                goto out;
            continue;
        }
        header_line = t->line;
        dys_csv_dialect dialect = dys_csv_dialect_detect(line, len);
        sep = dialect.sep;
        decimal_comma = dialect.decimal_comma;
        size_t pos = 0;
        int more = 1, col;
        const char *cell;
        size_t clen;
        while (next_cell(line, len, &pos, sep, &more, &cell, &clen, &col)) {
            column *nc = realloc(cols, (size_t)(ncol + 1) * sizeof *nc);
            if (!nc) {
                st = dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
                goto out;
            }
            cols = nc;
            memset(&cols[ncol], 0, sizeof *cols);
            if (ncol == 0)
                r->time_col = col;
            st = header_cell(r, t->line, col, ncol, cell, clen, &cols[ncol],
                             &time_pow10, vel_unit_seen);
            ncol++;
            if (st != DYS_OK)
                goto out;
            for (int k = 0; k < ncol - 1; k++) {
                if ((cols[k].kind == COL_SEG && cols[ncol - 1].kind == COL_SEG &&
                     cols[k].seg == cols[ncol - 1].seg) ||
                    (cols[k].kind == COL_ECG && cols[ncol - 1].kind == COL_ECG)) {
                    st = dys_fail(r->ctx, DYS_ERR_PARSE,
                                  "%s:%d:%d: column '%.*s' is the same as column %d "
                                  "(%s): expected each column once", r->path,
                                  t->line, col, DYS_SNIP(clen), cell, k + 1,
                                  cols[k].kind == COL_ECG
                                      ? "ecg"
                                      : dys_segment_name(cols[k].seg));
                    goto out;
                }
            }
            if (cols[ncol - 1].kind == COL_SEG)
                r->seg_col[cols[ncol - 1].seg] = col;
        }
        break;
    }
    if (!header_line) {
        st = dys_fail(r->ctx, DYS_ERR_PARSE,
                      "%s:%d:1: no column header: expected a line like "
                      "'time_ms,basal_inferoseptal,...'", r->path, t->line + 1);
        goto out;
    }
    r->header_line = header_line;
    {
        int nseg = 0;
        for (int k = 0; k < ncol; k++)
            nseg += cols[k].kind == COL_SEG;
        if (nseg == 0) {
            st = dys_fail(r->ctx, DYS_ERR_PARSE,
                          "%s:%d:1: no segment column: expected some of the 12 "
                          "segments (%s)", r->path, header_line, seg_list);
            goto out;
        }
    }

    /* Rows. */
    double prev_t = -INFINITY;
    while (dys_text_next(t, &line, &len)) {
        if (is_blank(line, len))
            continue;
        if (line[0] == '#') {
            st = dys_fail(r->ctx, DYS_ERR_PARSE,
                          "%s:%d:1: a '#' line after the column header (line %d): "
                          "expected metadata before the header, data rows "
                          "after it", r->path, t->line, header_line);
            goto out;
        }
        if (cols[0].data.n >= r->opt->max_rows) {
            st = dys_fail(r->ctx, DYS_ERR_UNSUPPORTED,
                          "%s:%d:1: more than %zu rows: expected at most %zu "
                          "(the limit; --max-rows raises it)", r->path, t->line,
                          r->opt->max_rows, r->opt->max_rows);
            goto out;
        }
        if (dys_icolumn_push(&r->row_line, t->line) != DYS_OK) {
            st = dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
            goto out;
        }
        size_t pos = 0;
        int more = 1, col, k = 0;
        const char *cell;
        size_t clen;
        while (next_cell(line, len, &pos, sep, &more, &cell, &clen, &col)) {
            if (k == ncol) {
                st = dys_fail(r->ctx, DYS_ERR_PARSE,
                              "%s:%d:%d: row has more than the %d columns of the "
                              "header: expected %d cells", r->path, t->line, col,
                              ncol, ncol);
                goto out;
            }
            double x;
            int pow10 = k == 0 ? time_pow10 : 0;
            if (is_missing(cell, clen)) {
                if (k == 0) {
                    st = dys_fail(r->ctx, DYS_ERR_PARSE,
                                  "%s:%d:%d: the time is missing: expected a "
                                  "number", r->path, t->line, col);
                    goto out;
                }
                x = NAN;
            } else if (dys_parse_number_pow10(cell, clen, decimal_comma, loc, pow10,
                                              &x) != 0) {
                st = dys_fail(r->ctx, DYS_ERR_PARSE,
                              "%s:%d:%d: '%.*s' is not a number (column %d; "
                              "expected a number%s, or empty/NaN/- for a missing "
                              "sample)", r->path, t->line, col,
                              DYS_SNIP(clen), cell, k + 1,
                              decimal_comma ? " with '.' or ',' as decimal mark" : "");
                goto out;
            } else if (!isfinite(x)) {
                st = dys_fail(r->ctx, DYS_ERR_PARSE,
                              "%s:%d:%d: '%.*s' is out of range: expected a "
                              "finite number", r->path,
                              t->line, col, DYS_SNIP(clen), cell);
                goto out;
            }
            if (k == 0 && (st = dys_next_time(r, t->line, col, x, &prev_t)) != DYS_OK)
                goto out;
            if ((cols[k].kind != COL_EXTRA && dys_column_push(&cols[k].data, x)) ||
                (cols[k].kind == COL_SEG &&
                 dys_icolumn_push(&r->cell_col[cols[k].seg], col))) {
                st = dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
                goto out;
            }
            k++;
        }
        if (k < ncol) {
            st = dys_fail(r->ctx, DYS_ERR_PARSE,
                          "%s:%d:%zu: row has %d of the header's %d columns: "
                          "expected %d cells (an empty cell is a missing "
                          "sample)", r->path, t->line, len + 1, k, ncol, ncol);
            goto out;
        }
    }
    if (cols[0].data.n < 3) {
        st = dys_fail(r->ctx, DYS_ERR_PARSE,
                      "%s:%d:1: %zu data rows: expected at least 3",
                      r->path, t->line + 1, cols[0].data.n);
        goto out;
    }
    const char *declared = "cm/s";
    for (size_t i = 0; i < r->study->n_meta; i++)
        if (!strcmp(r->study->meta[i].key, "velocity_unit"))
            declared = r->study->meta[i].value;
    char dn[16];
    dys_normalise_name(declared, strlen(declared), dn, sizeof dn);
    if (vel_unit_seen[0] && strcmp(vel_unit_seen, dn) != 0)
        dys_strlist_add(&r->study->warnings, &r->study->n_warnings,
                        "%s: column unit '%s' is ignored: values are read as %s "
                        "(velocity_unit)", r->path, vel_unit_seen, dn);

    /* Hand the columns to the recording. */
    dys_recording *rec = r->rec;
    rec->n = cols[0].data.n;
    for (int k = 0; k < ncol; k++) {
        double **dst = cols[k].kind == COL_TIME  ? &rec->t_ms
                       : cols[k].kind == COL_ECG ? &rec->ecg_mv
                       : cols[k].kind == COL_SEG ? &rec->seg[cols[k].seg]
                                                 : NULL;
        if (dst) {
            *dst = cols[k].data.v;
            cols[k].data.v = NULL;
            if (cols[k].kind == COL_SEG)
                rec->seg_line[cols[k].seg] = k + 1;
        }
    }
out:
    for (int k = 0; k < ncol; k++)
        free(cols[k].data.v);
    free(cols);
    return st;
}
