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
    "basal_inferolateral, basal_anterolateral, mid_..., apical_... (or an alias)";

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
        dys_study *st = r->study;
        if (dys_segment_number_above_12(name) &&
            dys_strlist_add(&st->warnings, &st->n_warnings,
                            "%s:%d:%d: column '%.*s' read past: segment numbers above 12 "
                            "differ between the AHA 17-segment model (13-16 apical, 17 "
                            "the apex) and the 18-segment model (13-18 apical): expected "
                            "the apical segment's name (apical_anterior, apAnt, ...)",
                            r->path, line, col, DYS_SNIP(clen), cell) != DYS_OK)
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
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
                    "18 segments (%s)", r->path, line, col, DYS_SNIP(clen), cell,
                    seg_list);
}

/* What one file's reading carries from phase to phase. */
typedef struct {
    dys_reader *r;
    dys_text *t;
    locale_t loc;
    column *cols;         /* one per header cell, in order */
    int ncol;
    char sep;             /* the header's separator, the file's */
    int decimal_comma;    /* accepted with ';' or tab */
    int time_pow10;       /* the time column's power of ten to ms */
    char vel_unit_seen[16]; /* first unit in a segment's header cell */
    int header_line;      /* 0 until the header is found */
} csv;

/* The "# key: value" lines before the header; *line and *len get the
 * header line, the first that is neither blank nor a '#' line. */
static dys_status read_metadata(csv *x, const char **line, size_t *len)
{
    dys_reader *r = x->r;
    dys_text *t = x->t;
    while (dys_text_next(t, line, len)) {
        const char *l = *line;
        size_t n = *len;
        if (is_blank(l, n))
            continue;
        if (l[0] == '#') {
            const char *colon = memchr(l, ':', n);
            if (!colon)
                continue; /* a plain comment */
            dys_status st = dys_meta_apply(r, l + 1, (size_t)(colon - l - 1), colon + 1,
                                           n - (size_t)(colon - l) - 1, t->line,
                                           (int)(colon - l) + 2);
            if (st != DYS_OK)
                return st;
            continue;
        }
        x->header_line = t->line;
        return DYS_OK;
    }
    return dys_fail(r->ctx, DYS_ERR_PARSE,
                    "%s:%d:1: no column header: expected a line like "
                    "'time_ms,basal_inferoseptal,...'", r->path, t->line + 1);
}

/* One header cell appended as a column: its kind, and refused when it
 * repeats a segment or the ECG. */
static dys_status add_column(csv *x, int col, const char *cell, size_t clen)
{
    dys_reader *r = x->r;
    column *nc = realloc(x->cols, (size_t)(x->ncol + 1) * sizeof *nc);
    if (!nc)
        return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    x->cols = nc;
    memset(&x->cols[x->ncol], 0, sizeof *x->cols);
    if (x->ncol == 0)
        r->time_col = col;
    column *c = &x->cols[x->ncol];
    dys_status st = header_cell(r, x->t->line, col, x->ncol, cell, clen, c,
                                &x->time_pow10, x->vel_unit_seen);
    x->ncol++; /* counted even when refused: it is zeroed, freeing it is harmless */
    if (st != DYS_OK)
        return st;
    for (int k = 0; k < x->ncol - 1; k++) {
        const column *o = &x->cols[k];
        if ((o->kind == COL_SEG && c->kind == COL_SEG && o->seg == c->seg) ||
            (o->kind == COL_ECG && c->kind == COL_ECG))
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: column '%.*s' is the same as column %d "
                            "(%s): expected each column once", r->path,
                            x->t->line, col, DYS_SNIP(clen), cell, k + 1,
                            o->kind == COL_ECG ? "ecg" : dys_segment_name(o->seg));
    }
    if (c->kind == COL_SEG)
        r->seg_col[c->seg] = col;
    return DYS_OK;
}

/* The column header: its dialect is the file's; at least one segment. */
static dys_status read_header(csv *x, const char *line, size_t len)
{
    dys_reader *r = x->r;
    dys_csv_dialect dialect = dys_csv_dialect_detect(line, len);
    x->sep = dialect.sep;
    x->decimal_comma = dialect.decimal_comma;
    size_t pos = 0;
    int more = 1, col;
    const char *cell;
    size_t clen;
    while (next_cell(line, len, &pos, x->sep, &more, &cell, &clen, &col)) {
        dys_status st = add_column(x, col, cell, clen);
        if (st != DYS_OK)
            return st;
    }
    r->header_line = x->header_line;
    int nseg = 0;
    for (int k = 0; k < x->ncol; k++)
        nseg += x->cols[k].kind == COL_SEG;
    if (nseg == 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: no segment column: expected some of the 18 "
                        "segments (%s)", r->path, x->header_line, seg_list);
    return DYS_OK;
}

/* One cell of column k as a number (NAN for a missing sample, which the
 * time may not be). */
static dys_status cell_value(csv *x, int k, const char *cell, size_t clen, int col,
                             double *v)
{
    dys_reader *r = x->r;
    int line_no = x->t->line;
    if (is_missing(cell, clen)) {
        if (k == 0)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: the time is missing: expected a "
                            "number", r->path, line_no, col);
        *v = NAN;
        return DYS_OK;
    }
    if (dys_parse_number_pow10(cell, clen, x->decimal_comma, x->loc,
                               k == 0 ? x->time_pow10 : 0, v) != 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: '%.*s' is not a number (column %d; "
                        "expected a number%s, or empty/NaN/- for a missing "
                        "sample)", r->path, line_no, col,
                        DYS_SNIP(clen), cell, k + 1,
                        x->decimal_comma ? " with '.' or ',' as decimal mark" : "");
    if (!isfinite(*v))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: '%.*s' is out of range: expected a "
                        "finite number", r->path,
                        line_no, col, DYS_SNIP(clen), cell);
    return DYS_OK;
}

/* One data row: a cell per column, the time strictly increasing. */
static dys_status read_row(csv *x, const char *line, size_t len, double *prev_t)
{
    dys_reader *r = x->r;
    int line_no = x->t->line;
    if (line[0] == '#')
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: a '#' line after the column header (line %d): "
                        "expected metadata before the header, data rows "
                        "after it", r->path, line_no, x->header_line);
    if (x->cols[0].data.n >= r->opt->max_rows)
        return dys_fail(r->ctx, DYS_ERR_UNSUPPORTED,
                        "%s:%d:1: more than %zu rows: expected at most %zu "
                        "(the limit; --max-rows raises it)", r->path, line_no,
                        r->opt->max_rows, r->opt->max_rows);
    if (dys_icolumn_push(&r->row_line, line_no) != DYS_OK)
        return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    size_t pos = 0;
    int more = 1, col, k = 0;
    const char *cell;
    size_t clen;
    while (more) {
        double v;
        dys_status st = DYS_OK;
        /* A plain number right at the cursor and ended by the separator
         * (nearly every cell) is taken in one pass; anything else (blanks,
         * quotes, an exponent, a missing sample, a bad cell) is cut by
         * next_cell and read by cell_value, which know every rule and
         * every message.  On such a cell both agree: no blank to trim, the
         * cell starts at the cursor and ends at the separator. */
        int plain = dys_parse_plain(line + pos, len - pos, x->sep, x->decimal_comma,
                                    k == 0 ? x->time_pow10 : 0, &v, &clen);
        if (plain) {
            cell = line + pos;
            col = (int)pos + 1;
            pos += clen;
            more = pos < len;
            pos += more;
        } else {
            next_cell(line, len, &pos, x->sep, &more, &cell, &clen, &col);
        }
        if (k == x->ncol)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: row has more than the %d columns of the "
                            "header: expected %d cells", r->path, line_no, col,
                            x->ncol, x->ncol);
        if (!plain)
            st = cell_value(x, k, cell, clen, col, &v);
        if (st == DYS_OK && k == 0)
            st = dys_next_time(r, line_no, col, v, prev_t);
        if (st != DYS_OK)
            return st;
        column *c = &x->cols[k];
        if ((c->kind != COL_EXTRA && dys_column_push(&c->data, v)) ||
            (c->kind == COL_SEG && dys_icolumn_push(&r->cell_col[c->seg], col)))
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        k++;
    }
    if (k < x->ncol)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%zu: row has %d of the header's %d columns: "
                        "expected %d cells (an empty cell is a missing "
                        "sample)", r->path, line_no, len + 1, k, x->ncol, x->ncol);
    return DYS_OK;
}

/* The rows after the header (blank lines skipped), at least 3; then a
 * warning when a segment's header names a unit other than the declared
 * velocity_unit, which is the one the values are read in. */
static dys_status read_rows(csv *x)
{
    dys_reader *r = x->r;
    const char *line;
    size_t len;
    double prev_t = -INFINITY;
    while (dys_text_next(x->t, &line, &len)) {
        if (is_blank(line, len))
            continue;
        dys_status st = read_row(x, line, len, &prev_t);
        if (st != DYS_OK)
            return st;
    }
    if (x->cols[0].data.n < 3)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: %zu data rows: expected at least 3",
                        r->path, x->t->line + 1, x->cols[0].data.n);
    const char *declared = "cm/s";
    for (size_t i = 0; i < r->study->n_meta; i++)
        if (!strcmp(r->study->meta[i].key, "velocity_unit"))
            declared = r->study->meta[i].value;
    char dn[16];
    dys_normalise_name(declared, strlen(declared), dn, sizeof dn);
    if (x->vel_unit_seen[0] && strcmp(x->vel_unit_seen, dn) != 0)
        dys_strlist_add(&r->study->warnings, &r->study->n_warnings,
                        "%s: column unit '%s' is ignored: values are read as %s "
                        "(velocity_unit)", r->path, x->vel_unit_seen, dn);
    return DYS_OK;
}

/* Hand the columns to the recording, which then owns them; extra columns
 * (apical, GLOBAL) were named but not kept. */
static void hand_columns(csv *x)
{
    dys_recording *rec = x->r->rec;
    rec->n = x->cols[0].data.n;
    for (int k = 0; k < x->ncol; k++) {
        column *c = &x->cols[k];
        double **dst = c->kind == COL_TIME  ? &rec->t_ms
                       : c->kind == COL_ECG ? &rec->ecg_mv
                       : c->kind == COL_SEG ? &rec->seg[c->seg]
                                            : NULL;
        if (dst) {
            *dst = c->data.v;
            c->data.v = NULL;
            if (c->kind == COL_SEG)
                rec->seg_line[c->seg] = k + 1;
        }
    }
}

dys_status dys_read_csv(dys_reader *r, dys_text *t)
{
    csv x;
    memset(&x, 0, sizeof x);
    x.r = r;
    x.t = t;
    x.loc = r->ctx->c_locale;
    const char *line;
    size_t len;
    dys_status st = read_metadata(&x, &line, &len);
    if (st == DYS_OK)
        st = read_header(&x, line, len);
    if (st == DYS_OK)
        st = read_rows(&x);
    if (st == DYS_OK)
        hand_columns(&x);
    for (int k = 0; k < x.ncol; k++)
        free(x.cols[k].data.v);
    free(x.cols);
    return st;
}
