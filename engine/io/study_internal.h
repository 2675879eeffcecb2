/*
 * study_internal.h - what the readers share: name normalisation, the text
 * buffer and line cursor (text.c), the metadata rules of docs/format.md
 * (meta.c) and the per-file reader state (study.c).
 */
#ifndef DYS_STUDY_INTERNAL_H
#define DYS_STUDY_INTERNAL_H

#include "internal.h"

/* Precision for echoing n bytes of input in a message ("%.*s"): at most
 * 40, so a long cell cannot push the rest of the message out. */
#define DYS_SNIP(n) ((int)((n) > 40 ? 40 : (n)))

/* Lower-case s[0..len) with '_' '-' and space folded to one '_' and no
 * leading or trailing '_'; returns the length written to out. */
size_t dys_normalise_name(const char *s, size_t len, char *out, size_t cap);
/* Recognised columns outside the 18 segments (apex, GLOBAL, seg13..seg18). */
int dys_is_extra_column(const char *normalised);
/* seg13..seg18: numbers whose segment depends on the model (AHA 17 or 18
 * segments): read past as extra columns, with a warning. */
int dys_segment_number_above_12(const char *normalised);
/* Index of an EchoPAC ROI colour name (normalised), -1 if none. */
int dys_colour_index(const char *normalised);
/* A4C / A2C / APLAX from a name or alias, DYS_VIEW_UNKNOWN if none. */
dys_view dys_view_from_name(const char *s);

/* A whole file in memory, and a cursor over its lines. */
typedef struct dys_text {
    const char *path;
    char *data;    /* NUL-terminated copy of the file (BOM removed) */
    size_t len;
    size_t pos;    /* start of the next line */
    int line;      /* number of the line last returned (1-based) */
    size_t next_lf; /* dys_text_next's memo: the next LF at or after pos */
} dys_text;

dys_status dys_text_load(dys_ctx *ctx, dys_text *t, const char *path,
                         const dys_read_options *opt);
/* The same for a file's bytes already in memory (data[0..len), copied;
 * path names them in messages): the same limit and checks. */
dys_status dys_text_from_memory(dys_ctx *ctx, dys_text *t, const char *path,
                                const char *data, size_t len, const dys_read_options *opt);
void dys_text_free(dys_text *t);
/* Next line without its end (LF, CRLF or a bare CR); returns 0 at the
 * end. */
int dys_text_next(dys_text *t, const char **line, size_t *len);

/* Growable column of ints (line numbers, text columns). */
typedef struct dys_icolumn {
    int *v;
    size_t n, cap;
} dys_icolumn;
/* Room for one more (capacity doubled from 256: n values cost O(n)). */
dys_status dys_icolumn_grow(dys_icolumn *c);
/* Appended in line: a push per cell of every row is the readers' inner
 * loop, and the call would cost more than the store. */
static inline dys_status dys_icolumn_push(dys_icolumn *c, int x)
{
    if (c->n == c->cap && dys_icolumn_grow(c) != DYS_OK)
        return DYS_ERR_NOMEM;
    c->v[c->n++] = x;
    return DYS_OK;
}

/* Per-file reading state the metadata rules need. */
typedef struct dys_reader {
    dys_ctx *ctx;
    dys_study *study;
    dys_recording *rec;
    const char *path;
    const dys_read_options *opt;
    /* Set by the readers: where the column header stands and the text
     * column (1-based) of each segment's name in it, so that a segment
     * that appears in two view files can be pointed at in both. */
    int header_line;
    int seg_col[DYS_N_SEGMENTS];
    /* Column of the first ROI colour mapped with the default 4-chamber
     * layout (no --map), 0 if none: such a file is an A4C view. */
    int default_map_col;
    /* Where each sample stands, for the messages of the plausibility
     * checks (plausible.c), which run after every file is read because
     * the velocity unit may be declared in any of them: the line of each
     * row, the text column of each segment's cell in it, and the text
     * column of the time in the header.  dys_reader_free releases them. */
    dys_icolumn row_line;
    dys_icolumn cell_col[DYS_N_SEGMENTS];
    int time_col;
    /* The curves were computed by the engine from tracked positions (a
     * contour export), not read: their units are the engine's own, so the
     * plausibility checks skip the time and value unit rules and keep
     * those on impossible samples and spikes. */
    int derived_curves;
} dys_reader;

void dys_reader_free(dys_reader *r);

/* Apply one "key: value" metadata line (docs/format.md table): known keys are
 * checked and stored in the study or recording, every key is kept in
 * study->meta, and a study-level key that disagrees with an earlier one is
 * an error.  col is the 1-based column of the value. */
dys_status dys_meta_apply(dys_reader *r, const char *key, size_t klen,
                          const char *val, size_t vlen, int line, int col);
/* A study-level key's value as a number (velocity_unit as its scale to
 * cm/s), read once every file is: NAN when no file gives it. */
double dys_meta_number(dys_study *s, locale_t loc, const char *key);

/* dys_parse_number() of s[0..len) times 10^pow10 (0 <= pow10 <= 9),
 * correctly rounded: the decimal exponent is shifted before conversion, so
 * "0.037" seconds is exactly 37 ms (multiplying the double 0.037 by 1000
 * is not always the double nearest to the decimal product). */
int dys_parse_number_pow10(const char *s, size_t len, int decimal_comma,
                           locale_t loc, int pow10, double *out);

/* Growable column of doubles. */
typedef struct dys_column {
    double *v;
    size_t n, cap;
} dys_column;
dys_status dys_column_grow(dys_column *c);
static inline dys_status dys_column_push(dys_column *c, double x)
{
    if (c->n == c->cap && dys_column_grow(c) != DYS_OK)
        return DYS_ERR_NOMEM;
    c->v[c->n++] = x;
    return DYS_OK;
}

/* A row's time: refused unless after *prev_ms, which it then becomes. */
dys_status dys_next_time(dys_reader *r, int line, int col, double t_ms,
                         double *prev_ms);

/* Readers: fill r->rec (already zeroed) from the text. */
dys_status dys_read_csv(dys_reader *r, dys_text *t);
dys_status dys_read_echopac(dys_reader *r, dys_text *t);
/* Which EchoPAC traces export a first line starts (leading blanks
 * skipped): "Local Traces", its "Segmental Traces" variant, or 0 for
 * neither (then the file is a study CSV). */
enum { DYS_ECHOPAC_LOCAL = 1, DYS_ECHOPAC_SEGMENTAL = 2 };
int dys_echopac_title(const char *line);
int dys_text_is_echopac(const dys_text *t);
/* A GE EchoPAC full-trace contour export (read_contour.c), read as a
 * study's recording by contour_study.c: the curves the geometry of
 * contour.c gives, per opt->contour_trace. */
int dys_text_is_contour(const dys_text *t);
dys_status dys_read_contour_study(dys_reader *r, dys_text *t);

/* GE EchoPAC's myocardial-work workbook (Excel 2003 SpreadsheetML,
 * read_workbook.c).  dys_text_is_xml: the text starts with '<' (after
 * blanks), so it is XML, never a study CSV or a traces export.
 * dys_xml_root_is_workbook: parses the first bytes of a file (head, n) up
 * to its first element: 1 a SpreadsheetML Workbook, 0 another element,
 * -1 no element in them (not well-formed, or too short to tell).
 * dys_read_workbook: the whole workbook into s (one recording per Strain
 * Traces sheet appended to s->rec, and s->work); *where receives their
 * reader states (n_where of them, freed by the caller, even on failure). */
int dys_text_is_xml(const char *data);
int dys_xml_root_is_workbook(const char *head, size_t n);
dys_status dys_read_workbook(dys_ctx *ctx, dys_study *s, const char *path,
                             const dys_read_options *opt, dys_reader **where,
                             size_t *n_where);

/* The input plausibility rules of plausible.c over a study whose files
 * are all read and whose values are in engine units (ms, cm/s, %):
 * where[i] is the reader of s->rec[i].  Refuses a time or value unit
 * that is certainly wrong, warns where it is only likely, and drops
 * (NAN) impossible samples and isolated spikes, naming them in
 * s->warnings and counting them in rec->n_dropped. */
dys_status dys_check_plausible(dys_ctx *ctx, dys_study *s, const dys_reader *where,
                               size_t n);

/* Free what a recording owns (not the struct itself). */
void dys_recording_clear(dys_recording *rec);

#endif
