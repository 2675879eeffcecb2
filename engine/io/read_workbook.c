/*
 * read_workbook.c - GE EchoPAC's myocardial-work export: an Excel 2003
 * XML workbook ("SpreadsheetML"), parsed with expat (README, "Dependencies
 * and why"; docs/format.md, "GE EchoPAC myocardial-work workbook").
 *
 * The workbook, as EchoPAC writes it (13 sheets, usually on one line):
 *   <Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" ...>
 *    <ss:Worksheet ss:Name="General"><Table>
 *      <Row><Cell><Data ss:Type="String">HR</Data></Cell>
 *           <Cell><Data ss:Type="Number">53</Data></Cell></Row> ...
 *   General        label | value [| value or unit]: ID, Name, HR, BP
 *                  (systolic | diastolic), MVC, AVO, AVC, MVO (| ms), GWE
 *                  (a fraction), GWI, GCW, GWW, GPW, GNW, GSCW, GSWW, EF
 *   Segments       | 18 segment names; rows MW, MWE, ConsW, WastedW, ...
 *   Strain Traces - 2CH, - 4CH, - APLAX
 *                  Time | 6 segments: s from QRS onset, strain in %, one
 *                  cycle from t = 0
 *   Work Traces - 2CH, ...   the same layout, EchoPAC's cumulative work
 *   Fibre Stress Traces - ..., Global Traces   (read past)
 *   Pressure Trace Time | LVP: s, mmHg
 * What is read: General (the valve events and heart rate through the
 * metadata rules, so they are checked like a CSV's; the cuff pressures;
 * EchoPAC's global indices), the three Strain Traces (one recording per
 * view, the study a strain study), Pressure Trace, and for comparison the
 * Segments values and Work Traces.  General and the three Strain Traces
 * are required; without Pressure Trace the pressure is estimated
 * (work.c), without Segments or Work Traces nothing is compared.
 *
 * Parsing.  expat, streaming (memory stays that of the sheets kept, not
 * of a tree), namespace-aware (elements and attributes are matched by
 * the SpreadsheetML namespace and local name, whatever prefix the file
 * binds), with the document's bytes taken as UTF-8 (dys_text_load has
 * checked them); a DOCTYPE, which SpreadsheetML never has, is refused, so
 * no entity can be declared.  A row's cells are placed by their column
 * (ss:Index, ss:MergeAcross), so a cell EchoPAC writes as
 * <Cell ss:Index="3"/> is where Excel shows it.
 *
 * Messages say file:line:column of the cell's start tag (expat gives
 * both exactly), then the sheet and the cell as Excel names it ("sheet
 * 'Strain Traces - 4CH', cell C17").  The plausibility checks (plausible.c)
 * point at the same positions: the row's line and the cell's column,
 * exact when a row stands on one line, as EchoPAC writes it.
 */
#include "study_internal.h"

#include "work.h"

#include <ctype.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SS_NS "urn:schemas-microsoft-com:office:spreadsheet"
#define NS_SEP ' '              /* expat's URI/local separator: no URI has a space */
#define MAX_COLS 256            /* Excel 2003's columns */
#define MAX_TRACE_COLS 16       /* Time and 6 segments, with room to spare */
#define MAX_CELL_TEXT 4096      /* longer cell text is refused */
#define SOFTWARE "GE EchoPAC"

enum sheet_kind { SH_SKIP, SH_GENERAL, SH_SEGMENTS, SH_STRAIN, SH_WORK, SH_PRESSURE };
enum { N_VIEWS = 3 }; /* A4C, A2C, APLAX: index view - 1 */

/* One cell of the row being read. */
typedef struct {
    int present;     /* a Cell element stood there */
    int has_data;    /* with a Data child */
    size_t text;     /* offset of its text in the row's buffer */
    size_t len;
    int line, col;   /* its start tag */
} cell;

/* A Time | segments table (strain or work traces, the pressure), kept
 * column by column with where each value stood. */
typedef struct {
    int present;
    char sheet[64];
    int sheet_line, sheet_col;
    int header_seen;
    int header_line;
    int ncol;                  /* columns of the header */
    int seg[MAX_TRACE_COLS];   /* column -> segment (-1: time, -2: pressure,
                                  -3: an extra column such as GLOBAL) */
    int head_col[MAX_TRACE_COLS]; /* text column of each header cell */
    int time_pow10;            /* 3 for seconds, 0 for ms */
    dys_column col[MAX_TRACE_COLS];
    dys_icolumn row_line;
    dys_icolumn cell_col[MAX_TRACE_COLS];
    double prev_t;
} table;

/* A General row to apply once the recordings exist (AVO and AVC belong
 * to them). */
typedef struct {
    char key[40];
    char val[64];
    int line, col;
} pending;

typedef struct {
    dys_ctx *ctx;
    dys_study *s;
    const char *path;
    const dys_read_options *opt;
    XML_Parser p;
    dys_status st;             /* the first failure; parsing then stops */
    /* where we are */
    int depth;
    int root_seen;
    int sheet_depth, table_depth, row_depth, cell_depth, data_depth;
    enum sheet_kind kind;
    int view;                  /* SH_STRAIN / SH_WORK: 0..2 */
    char sheet[64];
    int sheet_line, sheet_col;
    long row_no;               /* 1-based, ss:Index aware */
    long rows_in_sheet;
    int next_col;              /* 1-based column of the next cell */
    int row_line, row_col;     /* the row's start tag */
    cell cells[MAX_COLS];
    int ncells;                /* highest column holding a cell */
    char *buf;                 /* the row's cell texts */
    size_t buf_n, buf_cap;
    int cur;                   /* the cell being read (0-based), -1 none */
    /* what is kept */
    int seen_general, seen_segments;
    table strain[N_VIEWS], work[N_VIEWS], pressure;
    pending meta[32];
    int n_meta;
    dys_vendor_work *vendor;
    int seg_header[DYS_N_SEGMENTS]; /* Segments sheet: column of each, 0 */
    int seg_ncol;
    int strain_seg_view[DYS_N_SEGMENTS]; /* a segment's strain sheet, -1 */
    int strain_seg_col[DYS_N_SEGMENTS];
} wb;

/* ---- small helpers -------------------------------------------------------- */

static int is_ss(const char *name, const char *local)
{
    size_t n = sizeof SS_NS - 1;
    return !strncmp(name, SS_NS, n) && name[n] == NS_SEP && !strcmp(name + n + 1, local);
}

/* A SpreadsheetML attribute (ss:Name), or the same name without a
 * namespace; NULL when absent. */
static const char *attr(const char **atts, const char *local)
{
    for (int i = 0; atts[i]; i += 2)
        if (is_ss(atts[i], local) || !strcmp(atts[i], local))
            return atts[i + 1];
    return NULL;
}

/* Excel's name of a column: A..Z, AA..IV. */
static const char *col_name(int col, char buf[4])
{
    if (col > 26)
        snprintf(buf, 4, "%c%c", 'A' + (col - 1) / 26 - 1, 'A' + (col - 1) % 26);
    else
        snprintf(buf, 4, "%c", 'A' + col - 1);
    return buf;
}

/* Record the first failure, stop the parser; returns the status. */
static dys_status fail_at(wb *w, dys_status st, int line, int col, int cell_col,
                          const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static dys_status fail_at(wb *w, dys_status st, int line, int col, int cell_col,
                          const char *fmt, ...)
{
    if (w->st != DYS_OK)
        return w->st;
    char what[600], where[160], cn[4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (cell_col > 0)
        snprintf(where, sizeof where, "sheet '%s', cell %s%ld: ", w->sheet,
                 col_name(cell_col, cn), w->row_no);
    else if (w->sheet[0])
        snprintf(where, sizeof where, "sheet '%s': ", w->sheet);
    else
        where[0] = '\0';
    w->st = dys_fail(w->ctx, st, "%s:%d:%d: %s%s", w->path, line, col, where, what);
    if (w->p)
        XML_StopParser(w->p, XML_FALSE);
    return w->st;
}

static dys_status nomem(wb *w)
{
    if (w->st == DYS_OK)
        w->st = dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
    if (w->p)
        XML_StopParser(w->p, XML_FALSE);
    return w->st;
}

static int cur_line(const wb *w)
{
    return (int)XML_GetCurrentLineNumber(w->p);
}

/* expat counts columns from 0 */
static int cur_col(const wb *w)
{
    return (int)XML_GetCurrentColumnNumber(w->p) + 1;
}

static const char *text_of(const wb *w, const cell *c)
{
    return w->buf + c->text;
}

/* A cell's text with the blanks around it trimmed (XML keeps them). */
static void trimmed(const wb *w, const cell *c, const char **s, size_t *n)
{
    const char *t = text_of(w, c);
    size_t len = c->len;
    while (len && isspace((unsigned char)*t)) {
        t++;
        len--;
    }
    while (len && isspace((unsigned char)t[len - 1]))
        len--;
    *s = t;
    *n = len;
}

/* A cell's text normalised as a name ("Strain Traces - 4CH" ->
 * "strain_traces_4ch"). */
static void cell_name(const wb *w, const cell *c, char *out, size_t cap)
{
    const char *t;
    size_t n;
    trimmed(w, c, &t, &n);
    dys_normalise_name(t, n, out, cap);
}

static int cell_empty(const wb *w, const cell *c)
{
    const char *t;
    size_t n;
    if (!c->present || !c->has_data)
        return 1;
    trimmed(w, c, &t, &n);
    return n == 0;
}

/* The number in cell k (0-based), times 10^pow10; refused unless a finite
 * number. */
static dys_status cell_number(wb *w, int k, int pow10, const char *what, double *x)
{
    const cell *c = &w->cells[k];
    const char *t;
    size_t n;
    if (cell_empty(w, c))
        return fail_at(w, DYS_ERR_PARSE, c->present ? c->line : w->row_line,
                       c->present ? c->col : w->row_col, k + 1,
                       "empty: expected %s (the export has no missing values)", what);
    trimmed(w, c, &t, &n);
    if (dys_parse_number_pow10(t, n, 0, w->ctx->c_locale, pow10, x) != 0 || !isfinite(*x))
        return fail_at(w, DYS_ERR_PARSE, c->line, c->col, k + 1,
                       "'%.*s' is not a number: expected %s", DYS_SNIP(n), t, what);
    return DYS_OK;
}

/* ---- sheets ----------------------------------------------------------------- */

static void table_free(table *t)
{
    for (int k = 0; k < MAX_TRACE_COLS; k++) {
        free(t->col[k].v);
        free(t->cell_col[k].v);
    }
    free(t->row_line.v);
    memset(t, 0, sizeof *t);
}

/* Which sheet a name is: General, Segments, Pressure Trace, or a view's
 * Strain / Work Traces (*view 0..2); SH_SKIP for the others. */
static enum sheet_kind sheet_kind_of(const char *name, int *view)
{
    char n[96];
    dys_normalise_name(name, strlen(name), n, sizeof n);
    *view = -1;
    if (!strcmp(n, "general"))
        return SH_GENERAL;
    if (!strcmp(n, "segments"))
        return SH_SEGMENTS;
    if (!strcmp(n, "pressure_trace"))
        return SH_PRESSURE;
    static const char *const prefix[2] = {"strain_traces_", "work_traces_"};
    for (int k = 0; k < 2; k++) {
        size_t pl = strlen(prefix[k]);
        if (strncmp(n, prefix[k], pl) != 0)
            continue;
        dys_view v = dys_view_from_name(n + pl);
        if (v == DYS_VIEW_UNKNOWN)
            return SH_SKIP;
        *view = (int)v - 1;
        return k ? SH_WORK : SH_STRAIN;
    }
    return SH_SKIP;
}

static table *current_table(wb *w)
{
    return w->kind == SH_STRAIN   ? &w->strain[w->view]
           : w->kind == SH_WORK   ? &w->work[w->view]
           : w->kind == SH_PRESSURE ? &w->pressure
                                    : NULL;
}

/* The header of a Time | ... table: Time (s) first, then segment names
 * (traces) or the pressure. */
static dys_status table_header(wb *w, table *t)
{
    t->header_seen = 1;
    t->header_line = w->row_line;
    int n = 0;
    for (int k = 0; k < w->ncells; k++)
        if (!cell_empty(w, &w->cells[k]))
            n = k + 1;
    if (n > MAX_TRACE_COLS)
        return fail_at(w, DYS_ERR_PARSE, w->cells[n - 1].line, w->cells[n - 1].col, n,
                       "%d columns: expected Time and at most %d others", n,
                       MAX_TRACE_COLS - 1);
    if (n < 2)
        return fail_at(w, DYS_ERR_PARSE, w->row_line, w->row_col, 0,
                       "header row %ld has %d named column%s: expected Time and %s", w->row_no,
                       n, n == 1 ? "" : "s",
                       w->kind == SH_PRESSURE ? "LVP" : "the segments");
    for (int k = 0; k < n; k++) {
        const cell *c = &w->cells[k];
        char name[96];
        if (cell_empty(w, c))
            return fail_at(w, DYS_ERR_PARSE, c->present ? c->line : w->row_line,
                           c->present ? c->col : w->row_col, k + 1,
                           "a column without a name: expected %s", k ? "a name" : "Time");
        cell_name(w, c, name, sizeof name);
        t->head_col[k] = c->col;
        if (k == 0) {
            /* EchoPAC writes "Time", in seconds */
            if (!strcmp(name, "time") || !strcmp(name, "time_(s)") || !strcmp(name, "time_s"))
                t->time_pow10 = 3;
            else if (!strcmp(name, "time_(ms)") || !strcmp(name, "time_ms"))
                t->time_pow10 = 0;
            else
                return fail_at(w, DYS_ERR_PARSE, c->line, c->col, 1,
                               "'%s' first: expected Time (seconds) or Time (ms)", name);
            t->seg[0] = -1;
            continue;
        }
        if (w->kind == SH_PRESSURE) {
            if (k > 1 || (strcmp(name, "lvp") && strcmp(name, "lv_pressure") &&
                          strcmp(name, "pressure")))
                return fail_at(w, DYS_ERR_PARSE, c->line, c->col, k + 1,
                               "column '%s': expected Time and LVP only", name);
            t->seg[k] = -2;
            continue;
        }
        int sg = dys_segment_from_name(name);
        if (sg < 0 && dys_is_extra_column(name)) {
            t->seg[k] = -3; /* GLOBAL, apex: read (a number), not kept */
            continue;
        }
        if (sg < 0)
            return fail_at(w, DYS_ERR_PARSE, c->line, c->col, k + 1,
                           "unknown segment '%s': expected one of the 18 (Basal Septal, "
                           "Mid Anterior, Apical Posterior, ...) or GLOBAL", name);
        for (int j = 1; j < k; j++)
            if (t->seg[j] == sg)
                return fail_at(w, DYS_ERR_PARSE, c->line, c->col, k + 1,
                               "'%s' is %s again (column %d): expected each segment once",
                               name, dys_segment_name(sg), j + 1);
        if (w->kind == SH_STRAIN) {
            int other = w->strain_seg_view[sg];
            if (other >= 0 && other != w->view)
                return fail_at(w, DYS_ERR_PARSE, c->line, c->col, k + 1,
                               "%s again (already at %s:%d:%d, sheet '%s'): expected each "
                               "segment in one Strain Traces sheet", dys_segment_name(sg),
                               w->path, w->strain[other].header_line,
                               w->strain_seg_col[sg], w->strain[other].sheet);
            w->strain_seg_view[sg] = w->view;
            w->strain_seg_col[sg] = c->col;
        }
        t->seg[k] = sg;
    }
    t->ncol = n;
    return DYS_OK;
}

/* A data row of a Time | ... table: a number in every column of the
 * header and nothing past it, the time strictly increasing. */
static dys_status table_row(wb *w, table *t)
{
    if (t->col[0].n >= w->opt->max_rows)
        return fail_at(w, DYS_ERR_UNSUPPORTED, w->row_line, w->row_col, 0,
                       "more than %zu rows: expected at most %zu (the limit; --max-rows "
                       "raises it)", w->opt->max_rows, w->opt->max_rows);
    for (int k = t->ncol; k < w->ncells; k++)
        if (!cell_empty(w, &w->cells[k]))
            return fail_at(w, DYS_ERR_PARSE, w->cells[k].line, w->cells[k].col, k + 1,
                           "a value past the header's %d columns: expected %d values per "
                           "row", t->ncol, t->ncol);
    if (dys_icolumn_push(&t->row_line, w->row_line) != DYS_OK)
        return nomem(w);
    for (int k = 0; k < t->ncol; k++) {
        double x;
        const char *what = k == 0 ? "a time" : w->kind == SH_PRESSURE ? "a pressure in mmHg"
                           : w->kind == SH_WORK ? "work in mmHg%" : "a strain in %";
        if (cell_number(w, k, k == 0 ? t->time_pow10 : 0, what, &x) != DYS_OK)
            return w->st;
        const cell *c = &w->cells[k];
        if (k == 0 && !(x > t->prev_t))
            return fail_at(w, DYS_ERR_PARSE, c->line, c->col, 1,
                           "time %.6g ms is not after the previous row's %.6g ms: expected "
                           "strictly increasing times", x, t->prev_t);
        if (k == 0)
            t->prev_t = x;
        if (w->kind == SH_PRESSURE && k == 1 && !(x >= -50 && x <= 400))
            return fail_at(w, DYS_ERR_UNSUPPORTED, c->line, c->col, 2,
                           "LV pressure %.6g: expected mmHg (-50 to 400)", x);
        if (dys_column_push(&t->col[k], x) != DYS_OK ||
            dys_icolumn_push(&t->cell_col[k], c->col) != DYS_OK)
            return nomem(w);
    }
    return DYS_OK;
}

/* General: one labelled value per row, kept to be applied through the
 * metadata rules once the recordings exist. */
static dys_status keep_meta(wb *w, const char *key, int k)
{
    const cell *c = &w->cells[k];
    double x;
    if (cell_number(w, k, 0, "a number", &x) != DYS_OK)
        return w->st;
    if (w->n_meta == (int)(sizeof w->meta / sizeof w->meta[0]))
        return fail_at(w, DYS_ERR_PARSE, c->line, c->col, k + 1,
                       "more than %d values: expected the export's General sheet",
                       (int)(sizeof w->meta / sizeof w->meta[0]));
    pending *m = &w->meta[w->n_meta++];
    const char *t;
    size_t n;
    trimmed(w, c, &t, &n);
    snprintf(m->key, sizeof m->key, "%s", key);
    snprintf(m->val, sizeof m->val, "%.*s", (int)(n < 63 ? n : 63), t);
    m->line = c->line;
    m->col = c->col;
    return DYS_OK;
}

/* A fraction (0..1, as EchoPAC writes GWE and EF) or a percentage as %. */
static dys_status fraction_pct(wb *w, int k, const char *what, double *pct)
{
    double x;
    if (cell_number(w, k, 0, what, &x) != DYS_OK)
        return w->st;
    if (!(x >= 0 && x <= 100))
        return fail_at(w, DYS_ERR_PARSE, w->cells[k].line, w->cells[k].col, k + 1,
                       "%.6g: expected %s (a fraction 0-1, or a percentage)", x, what);
    *pct = x <= 1.0 ? 100.0 * x : x;
    return DYS_OK;
}

static dys_status general_row(wb *w)
{
    w->seen_general = 1;
    if (w->ncells == 0 || cell_empty(w, &w->cells[0]))
        return DYS_OK;
    char label[64];
    cell_name(w, &w->cells[0], label, sizeof label);
    /* the patient's name is not kept; the ID is the study's */
    if (!strcmp(label, "name"))
        return DYS_OK;
    if (!strcmp(label, "id")) {
        if (w->ncells < 2 || cell_empty(w, &w->cells[1]))
            return DYS_OK;
        const cell *c = &w->cells[1];
        const char *t;
        size_t n;
        trimmed(w, c, &t, &n);
        if (w->n_meta < (int)(sizeof w->meta / sizeof w->meta[0])) {
            pending *m = &w->meta[w->n_meta++];
            snprintf(m->key, sizeof m->key, "study_id");
            snprintf(m->val, sizeof m->val, "%.*s", (int)(n < 63 ? n : 63), t);
            m->line = c->line;
            m->col = c->col;
        }
        return DYS_OK;
    }
    if (w->ncells < 2)
        return fail_at(w, DYS_ERR_PARSE, w->cells[0].line, w->cells[0].col, 2,
                       "no value after '%s': expected a number", label);
    static const struct { const char *label, *key; } events[] = {
        {"mvc", "mvc_ms"}, {"avo", "avo_ms"}, {"avc", "avc_ms"}, {"mvo", "mvo_ms"}};
    for (size_t e = 0; e < 4; e++) {
        if (strcmp(label, events[e].label))
            continue;
        if (w->ncells >= 3 && !cell_empty(w, &w->cells[2])) {
            char unit[16];
            cell_name(w, &w->cells[2], unit, sizeof unit);
            if (strcmp(unit, "ms"))
                return fail_at(w, DYS_ERR_PARSE, w->cells[2].line, w->cells[2].col, 3,
                               "unit '%s' of %s: expected ms", unit, events[e].label);
        }
        return keep_meta(w, events[e].key, 1);
    }
    if (!strcmp(label, "hr"))
        return keep_meta(w, "hr_bpm", 1);
    if (!strcmp(label, "bp")) {
        if (keep_meta(w, "systolic_bp_mmhg", 1) != DYS_OK)
            return w->st;
        return w->ncells >= 3 && !cell_empty(w, &w->cells[2])
                   ? keep_meta(w, "diastolic_bp_mmhg", 2) : DYS_OK;
    }
    if (!strcmp(label, "ef")) {
        double pct;
        if (fraction_pct(w, 1, "an ejection fraction", &pct) != DYS_OK)
            return w->st;
        pending *m = &w->meta[w->n_meta];
        if (keep_meta(w, "lvef_pct", 1) != DYS_OK)
            return w->st;
        snprintf(m->val, sizeof m->val, "%.10g", pct);
        return DYS_OK;
    }
    static const char *const globals[] = {"gwi", "gcw", "gww"};
    double *dst[] = {&w->vendor->gwi_mmhg_pct, &w->vendor->gcw_mmhg_pct,
                     &w->vendor->gww_mmhg_pct};
    for (int g = 0; g < 3; g++)
        if (!strcmp(label, globals[g]))
            return cell_number(w, 1, 0, "work in mmHg%", dst[g]);
    if (!strcmp(label, "gwe"))
        return fraction_pct(w, 1, "a work efficiency", &w->vendor->gwe_pct);
    /* Other numbers (GPW, GNW, GSCW, GSWW, ...): kept as metadata for the
     * record; text (names, dates) is not. */
    if (!cell_empty(w, &w->cells[1])) {
        const char *t;
        size_t n;
        double x;
        trimmed(w, &w->cells[1], &t, &n);
        if (dys_parse_number(t, n, 0, w->ctx->c_locale, &x) == 0 && isfinite(x)) {
            char key[40];
            snprintf(key, sizeof key, "echopac_%.30s", label);
            return keep_meta(w, key, 1);
        }
    }
    return DYS_OK;
}

/* Segments: EchoPAC's own values per segment; MW, MWE, ConsW and WastedW
 * are kept for comparison, the other rows read past. */
static dys_status segments_row(wb *w)
{
    w->seen_segments = 1;
    dys_vendor_work *v = w->vendor;
    int any = 0;
    for (int k = 0; k < w->ncells; k++)
        any |= !cell_empty(w, &w->cells[k]);
    if (!any)
        return DYS_OK; /* a blank row */
    if (!w->seg_ncol) { /* the header: | segment names */
        int n = 0;
        for (int k = 1; k < w->ncells; k++) {
            const cell *c = &w->cells[k];
            if (cell_empty(w, c))
                continue;
            char name[96];
            cell_name(w, c, name, sizeof name);
            int sg = dys_segment_from_name(name);
            if (sg < 0)
                return fail_at(w, DYS_ERR_PARSE, c->line, c->col, k + 1,
                               "unknown segment '%s': expected one of the 18", name);
            if (w->seg_header[sg])
                return fail_at(w, DYS_ERR_PARSE, c->line, c->col, k + 1,
                               "'%s' is %s again (column %d): expected each segment once",
                               name, dys_segment_name(sg), w->seg_header[sg]);
            w->seg_header[sg] = k + 1;
            n = k + 1;
        }
        if (n == 0)
            return fail_at(w, DYS_ERR_PARSE, w->row_line, w->row_col, 0,
                           "no segment names in row %ld: expected the 18 segments "
                           "after an empty cell", w->row_no);
        w->seg_ncol = n;
        return DYS_OK;
    }
    if (w->ncells == 0 || cell_empty(w, &w->cells[0]))
        return DYS_OK;
    char label[32];
    cell_name(w, &w->cells[0], label, sizeof label);
    double *dst = !strcmp(label, "mw")        ? v->seg_wi_mmhg_pct
                  : !strcmp(label, "consw")   ? v->seg_cw_mmhg_pct
                  : !strcmp(label, "wastedw") ? v->seg_ww_mmhg_pct
                  : !strcmp(label, "mwe")     ? v->seg_we_pct
                                              : NULL;
    for (int k = w->seg_ncol; k < w->ncells; k++)
        if (!cell_empty(w, &w->cells[k]))
            return fail_at(w, DYS_ERR_PARSE, w->cells[k].line, w->cells[k].col, k + 1,
                           "a value past the header's %d columns: expected %d values per "
                           "row", w->seg_ncol, w->seg_ncol);
    for (int sg = 0; sg < DYS_N_SEGMENTS; sg++) {
        int k = w->seg_header[sg] - 1;
        double x;
        if (k < 0)
            continue;
        if (cell_number(w, k, 0, "a number", &x) != DYS_OK)
            return w->st;
        if (dst)
            dst[sg] = x;
    }
    return DYS_OK;
}

static dys_status row_done(wb *w)
{
    switch (w->kind) {
    case SH_GENERAL: return general_row(w);
    case SH_SEGMENTS: return segments_row(w);
    case SH_STRAIN:
    case SH_WORK:
    case SH_PRESSURE: {
        table *t = current_table(w);
        int any = 0;
        for (int k = 0; k < w->ncells; k++)
            any |= !cell_empty(w, &w->cells[k]);
        if (!any)
            return DYS_OK; /* a blank row */
        return t->header_seen ? table_row(w, t) : table_header(w, t);
    }
    case SH_SKIP: break;
    }
    return DYS_OK;
}

/* ---- expat's events ------------------------------------------------------------ */

static dys_status start_sheet(wb *w, const char **atts)
{
    const char *name = attr(atts, "Name");
    w->sheet_line = cur_line(w);
    w->sheet_col = cur_col(w);
    snprintf(w->sheet, sizeof w->sheet, "%.60s", name ? name : "");
    w->kind = sheet_kind_of(w->sheet, &w->view);
    w->row_no = 0;
    w->rows_in_sheet = 0;
    int dup = (w->kind == SH_GENERAL && w->seen_general) ||
              (w->kind == SH_SEGMENTS && w->seen_segments);
    table *t = current_table(w);
    dup |= t && t->present;
    if (dup)
        return fail_at(w, DYS_ERR_PARSE, w->sheet_line, w->sheet_col, 0,
                       "a second sheet of this name: expected each sheet once");
    if (t) {
        t->present = 1;
        snprintf(t->sheet, sizeof t->sheet, "%s", w->sheet);
        t->sheet_line = w->sheet_line;
        t->sheet_col = w->sheet_col;
        t->prev_t = -INFINITY;
    }
    if (w->kind == SH_GENERAL)
        w->seen_general = 1;
    if (w->kind == SH_SEGMENTS)
        w->seen_segments = 1;
    return DYS_OK;
}

/* A positive integer attribute (ss:Index, ss:MergeAcross), -1 when bad. */
static long int_attr(const char *v, long max)
{
    if (!v || !*v)
        return -1;
    long x = 0;
    for (const char *p = v; *p; p++) {
        if (!isdigit((unsigned char)*p) || x > max)
            return -1;
        x = x * 10 + (*p - '0');
    }
    return x;
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    wb *w = ud;
    if (w->st != DYS_OK)
        return;
    w->depth++;
    if (!w->root_seen) {
        w->root_seen = 1;
        if (!is_ss(name, "Workbook"))
            fail_at(w, DYS_ERR_UNSUPPORTED, cur_line(w), cur_col(w), 0,
                    "an XML file whose root element is not an Excel 2003 Workbook "
                    "(SpreadsheetML, namespace " SS_NS "): expected GE EchoPAC's "
                    "myocardial-work export");
        return;
    }
    if (w->data_depth) /* markup inside Data (rich text): its text counts */
        return;
    if (!w->sheet_depth && is_ss(name, "Worksheet") && w->depth == 2) {
        w->sheet_depth = w->depth;
        start_sheet(w, atts);
    } else if (w->sheet_depth && !w->table_depth && is_ss(name, "Table") &&
               w->depth == w->sheet_depth + 1) {
        w->table_depth = w->depth;
    } else if (w->table_depth && !w->row_depth && is_ss(name, "Row") &&
               w->depth == w->table_depth + 1) {
        long idx = int_attr(attr(atts, "Index"), 100000000L);
        if (attr(atts, "Index") && (idx < 1 || idx <= w->row_no))
            fail_at(w, DYS_ERR_PARSE, cur_line(w), cur_col(w), 0,
                    "row index '%s' after row %ld: expected a row number above the "
                    "previous one", attr(atts, "Index"), w->row_no);
        w->row_no = idx > 0 ? idx : w->row_no + 1;
        w->row_depth = w->depth;
        w->row_line = cur_line(w);
        w->row_col = cur_col(w);
        w->next_col = 1;
        for (int k = 0; k < w->ncells; k++) /* nothing left of the row before */
            w->cells[k].present = 0;
        w->ncells = 0;
        w->buf_n = 0;
        w->cur = -1;
        if (++w->rows_in_sheet > (long)(w->opt->max_rows < 100000000 ? w->opt->max_rows
                                                                     : 100000000) + 1)
            fail_at(w, DYS_ERR_UNSUPPORTED, cur_line(w), cur_col(w), 0,
                    "more than %zu rows: expected at most %zu (the limit; --max-rows "
                    "raises it)", w->opt->max_rows, w->opt->max_rows);
    } else if (w->row_depth && !w->cell_depth && is_ss(name, "Cell") &&
               w->depth == w->row_depth + 1) {
        const char *iv = attr(atts, "Index"), *mv = attr(atts, "MergeAcross");
        long idx = iv ? int_attr(iv, MAX_COLS) : w->next_col;
        long merge = mv ? int_attr(mv, MAX_COLS) : 0;
        if (idx < w->next_col || idx > MAX_COLS || merge < 0 || idx + merge > MAX_COLS) {
            fail_at(w, DYS_ERR_PARSE, cur_line(w), cur_col(w), 0,
                    "cell column '%s' (merged across '%s') in row %ld: expected a column "
                    "after the previous cell's, at most %d", iv ? iv : "next",
                    mv ? mv : "0", w->row_no, MAX_COLS);
            return;
        }
        cell *c = &w->cells[idx - 1];
        memset(c, 0, sizeof *c);
        c->present = 1;
        c->line = cur_line(w);
        c->col = cur_col(w);
        c->text = w->buf_n;
        w->cur = (int)idx - 1;
        w->cell_depth = w->depth;
        w->next_col = (int)(idx + merge + 1);
        for (long k = w->ncells; k < idx - 1; k++)
            w->cells[k].present = 0;
        w->ncells = (int)idx;
    } else if (w->cell_depth && is_ss(name, "Data") && w->depth == w->cell_depth + 1 &&
               w->cur >= 0) {
        cell *c = &w->cells[w->cur];
        if (c->has_data) {
            fail_at(w, DYS_ERR_PARSE, cur_line(w), cur_col(w), w->cur + 1,
                    "a second Data in one cell: expected one");
            return;
        }
        c->has_data = 1;
        c->text = w->buf_n;
        c->len = 0;
        w->data_depth = w->depth;
    }
}

static void XMLCALL on_end(void *ud, const char *name)
{
    wb *w = ud;
    (void)name;
    if (w->st != DYS_OK)
        return;
    if (w->data_depth == w->depth) {
        w->data_depth = 0;
        /* NUL-terminate the cell's text in the row's buffer */
        if (w->buf_n + 1 > w->buf_cap) {
            size_t nc = w->buf_cap ? w->buf_cap * 2 : 1024;
            char *nb = realloc(w->buf, nc);
            if (!nb) {
                nomem(w);
                return;
            }
            w->buf = nb;
            w->buf_cap = nc;
        }
        w->buf[w->buf_n++] = '\0';
    } else if (w->cell_depth == w->depth) {
        w->cell_depth = 0;
        w->cur = -1;
    } else if (w->row_depth == w->depth) {
        w->row_depth = 0;
        row_done(w);
    } else if (w->table_depth == w->depth) {
        w->table_depth = 0;
    } else if (w->sheet_depth == w->depth) {
        w->sheet_depth = 0;
        w->kind = SH_SKIP;
        w->sheet[0] = '\0';
    }
    w->depth--;
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
    wb *w = ud;
    if (w->st != DYS_OK || !w->data_depth || w->kind == SH_SKIP || w->cur < 0)
        return;
    cell *c = &w->cells[w->cur];
    if (c->len + (size_t)len > MAX_CELL_TEXT) {
        fail_at(w, DYS_ERR_PARSE, c->line, c->col, w->cur + 1,
                "more than %d characters: expected a number or a short name",
                MAX_CELL_TEXT);
        return;
    }
    if (w->buf_n + (size_t)len + 1 > w->buf_cap) {
        size_t nc = w->buf_cap ? w->buf_cap : 1024;
        while (nc < w->buf_n + (size_t)len + 1)
            nc *= 2;
        char *nb = realloc(w->buf, nc);
        if (!nb) {
            nomem(w);
            return;
        }
        w->buf = nb;
        w->buf_cap = nc;
    }
    memcpy(w->buf + w->buf_n, s, (size_t)len);
    w->buf_n += (size_t)len;
    c->len += (size_t)len;
}

static void XMLCALL on_doctype(void *ud, const char *name, const char *sysid,
                               const char *pubid, int has_internal)
{
    wb *w = ud;
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    fail_at(w, DYS_ERR_UNSUPPORTED, cur_line(w), cur_col(w), 0,
            "a DOCTYPE declaration: expected none (an Excel 2003 workbook has none, "
            "and entities are not read)");
}

/* ---- the study ------------------------------------------------------------------ */

/* The Strain Traces of one view into a new recording; *r is its reader
 * state (for the plausibility checks' messages). */
static dys_status make_recording(wb *w, table *t, int view, dys_reader *r)
{
    dys_study *s = w->s;
    if (t->col[0].n < 3)
        return dys_fail(w->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: sheet '%s': %zu data rows: expected at least 3",
                        w->path, t->sheet_line, t->sheet_col, t->sheet, t->col[0].n);
    dys_recording *nr = realloc(s->rec, (s->n_rec + 1) * sizeof *nr);
    if (!nr)
        return dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
    s->rec = nr;
    dys_recording *rec = &nr[s->n_rec];
    dys_recording_init(rec);
    s->n_rec++;
    rec->view = (dys_view)(view + 1);
    rec->source = dys_strdup(w->path);
    rec->format = dys_strdup("echopac_workbook");
    /* t = 0 is the QRS onset: the export's traces run one cycle from it */
    rec->qrs_onsets_ms = malloc(sizeof *rec->qrs_onsets_ms);
    if (!rec->source || !rec->format || !rec->qrs_onsets_ms)
        return dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
    rec->qrs_onsets_ms[0] = 0.0;
    rec->n_qrs_onsets = 1;
    rec->n = t->col[0].n;
    rec->t_ms = t->col[0].v;
    t->col[0].v = NULL;
    memset(r, 0, sizeof *r);
    r->ctx = w->ctx;
    r->study = s;
    r->rec = NULL; /* rec moves when the next one is appended */
    r->path = w->path;
    r->opt = w->opt;
    r->header_line = t->header_line;
    r->time_col = t->head_col[0];
    r->row_line = t->row_line;
    memset(&t->row_line, 0, sizeof t->row_line);
    for (int k = 1; k < t->ncol; k++) {
        int sg = t->seg[k];
        if (sg < 0) /* an extra column */
            continue;
        rec->seg[sg] = t->col[k].v;
        rec->seg_line[sg] = k + 1;
        t->col[k].v = NULL;
        r->seg_col[sg] = t->head_col[k];
        r->cell_col[sg] = t->cell_col[k];
        memset(&t->cell_col[k], 0, sizeof t->cell_col[k]);
    }
    return DYS_OK;
}

/* EchoPAC's work curves, for comparison. */
static dys_status keep_work_traces(wb *w)
{
    dys_vendor_work *v = w->vendor;
    dys_column steps = {0};
    for (int i = 0; i < N_VIEWS; i++) {
        table *t = &w->work[i];
        if (!t->present || t->col[0].n < 2)
            continue;
        for (int k = 1; k < t->ncol; k++) {
            int sg = t->seg[k];
            if (sg < 0)
                continue;
            if (v->trace_n[sg]) /* the same segment in two views' sheets */
                return dys_fail(w->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: sheet '%s': %s again: expected each segment in "
                                "one Work Traces sheet", w->path, t->header_line,
                                t->head_col[k], t->sheet, dys_segment_name(sg));
            v->trace_t_ms[sg] = malloc(t->col[0].n * sizeof(double));
            if (!v->trace_t_ms[sg])
                return dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
            memcpy(v->trace_t_ms[sg], t->col[0].v, t->col[0].n * sizeof(double));
            v->trace_mmhg_pct[sg] = t->col[k].v;
            t->col[k].v = NULL;
            v->trace_n[sg] = t->col[0].n;
        }
        for (size_t j = 1; j < t->col[0].n; j++)
            if (dys_column_push(&steps, t->col[0].v[j] - t->col[0].v[j - 1]) != DYS_OK) {
                free(steps.v);
                return dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
            }
    }
    v->trace_step_ms = steps.n ? dys_quantile(steps.v, steps.n, 0.5) : NAN;
    free(steps.v);
    return DYS_OK;
}

/* What was read, into the study: the recordings (and their reader
 * states, *where), the General values through the metadata rules, the
 * pressure and the export's own numbers. */
static dys_status assemble(wb *w, dys_reader **where, size_t *n_where)
{
    dys_study *s = w->s;
    static const char *const names[N_VIEWS] = {"Strain Traces - 4CH", "Strain Traces - 2CH",
                                               "Strain Traces - APLAX"};
    if (!w->seen_general)
        return dys_fail(w->ctx, DYS_ERR_PARSE,
                        "%s: no sheet 'General': expected GE EchoPAC's myocardial-work "
                        "workbook (General, Segments, Strain Traces - 2CH/4CH/APLAX, "
                        "Pressure Trace, ...)", w->path);
    for (int i = 0; i < N_VIEWS; i++)
        if (!w->strain[i].present || !w->strain[i].header_seen)
            return dys_fail(w->ctx, DYS_ERR_PARSE,
                            "%s: %s '%s': expected the three Strain Traces sheets (2CH, "
                            "4CH, APLAX) of GE EchoPAC's myocardial-work workbook", w->path,
                            w->strain[i].present ? "no header row in sheet" : "no sheet",
                            names[i]);
    dys_reader *rd = dys_calloc(N_VIEWS, sizeof *rd);
    if (!rd)
        return dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
    *where = rd;
    for (int i = 0; i < N_VIEWS; i++) {
        dys_status st = make_recording(w, &w->strain[i], i, &rd[i]);
        *n_where = (size_t)i + 1;
        if (st != DYS_OK)
            return st;
    }
    for (size_t i = 0; i < s->n_rec; i++)
        rd[i].rec = &s->rec[i];
    /* The General values through the metadata rules (ranges, agreement);
     * AVO and AVC are each view's, the same for the three. */
    dys_status st = dys_meta_apply(&rd[0], "trace", 5, "strain", 6, 1, 1);
    for (int m = 0; m < w->n_meta && st == DYS_OK; m++) {
        pending *p = &w->meta[m];
        st = dys_meta_apply(&rd[0], p->key, strlen(p->key), p->val, strlen(p->val),
                            p->line, p->col);
    }
    if (st != DYS_OK)
        return st;
    for (size_t i = 1; i < s->n_rec; i++) {
        s->rec[i].avo_ms = s->rec[0].avo_ms;
        s->rec[i].avc_ms = s->rec[0].avc_ms;
    }
    table *pt = &w->pressure;
    if (pt->present && pt->header_seen) {
        if (pt->col[0].n < 3)
            return dys_fail(w->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: sheet '%s': %zu data rows: expected at least 3",
                            w->path, pt->sheet_line, pt->sheet_col, pt->sheet,
                            pt->col[0].n);
        double peak = -INFINITY;
        for (size_t i = 0; i < pt->col[1].n; i++)
            peak = fmax(peak, pt->col[1].v[i]);
        if (peak < 30 || peak > 350)
            return dys_fail(w->ctx, DYS_ERR_UNSUPPORTED,
                            "%s:%d:%d: sheet '%s': LV pressure peaks at %.4g: expected "
                            "mmHg (a left ventricle peaks at 30-350 mmHg)", w->path,
                            pt->header_line, pt->head_col[1], pt->sheet, peak);
        s->work.n_pressure = pt->col[0].n;
        s->work.pressure_t_ms = pt->col[0].v;
        s->work.pressure_mmhg = pt->col[1].v;
        pt->col[0].v = pt->col[1].v = NULL;
        s->work.pressure_source = dys_asprintf("%s, sheet '%s'", w->path, pt->sheet);
        if (!s->work.pressure_source)
            return dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
    } else if (dys_strlist_add(&s->warnings, &s->n_warnings,
                               "%s: no sheet 'Pressure Trace': the LV pressure is estimated "
                               "from the cuff systolic pressure (Russell 2012's reference "
                               "curve)", w->path) != DYS_OK) {
        return dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
    }
    st = keep_work_traces(w);
    if (st != DYS_OK)
        return st;
    w->vendor->software = dys_strdup(SOFTWARE);
    w->vendor->source = dys_strdup(w->path);
    if (!w->vendor->software || !w->vendor->source)
        return dys_fail(w->ctx, DYS_ERR_NOMEM, "out of memory");
    s->work.vendor = w->vendor;
    w->vendor = NULL;
    return DYS_OK;
}

int dys_text_is_xml(const char *data)
{
    const char *p = data;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return *p == '<';
}

dys_status dys_read_workbook(dys_ctx *ctx, dys_study *s, const char *path,
                             const dys_read_options *opt, dys_reader **where,
                             size_t *n_where)
{
    *where = NULL;
    *n_where = 0;
    dys_text t;
    dys_status st = dys_text_load(ctx, &t, path, opt);
    if (st != DYS_OK)
        return st;
    wb w;
    memset(&w, 0, sizeof w);
    w.ctx = ctx;
    w.s = s;
    w.path = path;
    w.opt = opt;
    w.cur = -1;
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        w.strain_seg_view[k] = -1;
    w.vendor = dys_vendor_work_new();
    w.buf = malloc(1024);
    w.buf_cap = 1024;
    /* the bytes are UTF-8 (checked by dys_text_load), whatever the
     * declaration says */
    w.p = XML_ParserCreateNS("UTF-8", NS_SEP);
    if (!w.vendor || !w.p || !w.buf) {
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    XML_SetUserData(w.p, &w);
    XML_SetElementHandler(w.p, on_start, on_end);
    XML_SetCharacterDataHandler(w.p, on_text);
    XML_SetStartDoctypeDeclHandler(w.p, on_doctype);
    /* one call over the whole text: a short file is a truncated one */
    if (t.len > (size_t)INT32_MAX) {
        st = dys_fail(ctx, DYS_ERR_UNSUPPORTED, "%s: larger than 2 GB: expected a workbook "
                      "of at most 2 GB", path);
        goto out;
    }
    enum XML_Status xs = XML_Parse(w.p, t.data, (int)t.len, XML_TRUE);
    if (w.st != DYS_OK) {
        st = w.st;
        goto out;
    }
    if (xs != XML_STATUS_OK) {
        enum XML_Error e = XML_GetErrorCode(w.p);
        /* the errors of a document that stops early */
        int truncated = e == XML_ERROR_NO_ELEMENTS || e == XML_ERROR_UNCLOSED_TOKEN ||
                        e == XML_ERROR_PARTIAL_CHAR || e == XML_ERROR_UNCLOSED_CDATA_SECTION;
        st = dys_fail(ctx, DYS_ERR_PARSE, "%s:%d:%d: %s%s%snot well-formed XML (%s)%s",
                      path, (int)XML_GetCurrentLineNumber(w.p),
                      (int)XML_GetCurrentColumnNumber(w.p) + 1,
                      w.sheet[0] ? "sheet '" : "", w.sheet[0] ? w.sheet : "",
                      w.sheet[0] ? "': " : "", XML_ErrorString(e),
                      truncated ? ": the workbook is cut short: expected the whole "
                                  "export, ending with </Workbook>"
                                : ": expected the export as EchoPAC wrote it");
        goto out;
    }
    st = assemble(&w, where, n_where);
out:
    if (w.p)
        XML_ParserFree(w.p);
    for (int i = 0; i < N_VIEWS; i++) {
        table_free(&w.strain[i]);
        table_free(&w.work[i]);
    }
    table_free(&w.pressure);
    dys_vendor_work_free(w.vendor);
    free(w.buf);
    dys_text_free(&t);
    return st;
}

/* The first element of the file, parsed by expat from the first 4 KB. */
typedef struct {
    int root; /* 1 Workbook, 0 another element, -1 none yet */
} probe;

static void XMLCALL probe_start(void *ud, const char *name, const char **atts)
{
    (void)atts;
    probe *pr = XML_GetUserData((XML_Parser)ud);
    pr->root = is_ss(name, "Workbook");
    XML_StopParser((XML_Parser)ud, XML_FALSE);
}

int dys_xml_root_is_workbook(const char *head, size_t n)
{
    XML_Parser p = XML_ParserCreateNS(NULL, NS_SEP);
    if (!p)
        return -1;
    probe pr = {-1};
    XML_SetUserData(p, &pr);
    XML_UseParserAsHandlerArg(p);
    XML_SetStartElementHandler(p, probe_start);
    if (n <= (size_t)INT32_MAX)
        XML_Parse(p, head, (int)n, XML_FALSE);
    XML_ParserFree(p);
    return pr.root;
}
