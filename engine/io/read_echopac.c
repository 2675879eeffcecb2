/*
 * read_echopac.c - GE EchoPAC traces text exports: "Local Traces" and its
 * "Segmental Traces" variant.
 *
 * Layout (as a real export writes it; docs/format.md and
 * testdata/studies/echopac_a4c_velocity.txt):
 *   Local Traces SL in %                 <- trace kind and unit
 *   Number of Frames 65
 *   FR= 63 Left Marker Time=0.145 Right Marker Time=0.896 ES Time=0.475
 *     (the markers delimit the analysed cycle: the scanner's QRS triggers,
 *     used as the QRS onsets when no onsets are given)
 *   Time (s)  YELLOW  CYAN ...  GLOBAL  ECG :
 *   0   -6.31  -8.37 ...                 <- whitespace-separated, E-notation
 * Columns are named by segment (basSept, midLat, apSept, ...) or by the
 * ROI colour the operator placed; colours need a map (--map), with the
 * conventional 4-chamber layout as the documented default (then the file
 * is an A4C view).  GLOBAL and RV segments are kept as extra columns.  "ES Time"
 * is end-systole (aortic valve closure) on the file's own time axis and
 * becomes the recording's AVC.  Velocity and strain traces are analysed.
 *
 * The "Segmental Traces" variant (some EchoPAC versions, from the
 * segments of 2D Strain), recognised by its first line:
 *   Segmental Traces                     <- no kind: longitudinal strain, %
 *   Number of Frames 63
 *   FR=110 Left Marker Time=0.219000 Right Marker Time=1.312000 ES Time=0.647000
 *   Time (s) <TAB> <TAB> basSept <TAB> midSept <TAB> apSept ... <TAB> ECG :
 *   0.000 <TAB> <TAB> -0.21 <TAB> ...
 * Cells are separated by tabs (a name may hold spaces: "Time (s) ",
 * "ECG :"), the blanks around a cell do not count, and the second column
 * may be an empty one, whose cells must then be empty too.  Columns are
 * named by segment; RV segments (a right-ventricular trace in the same
 * export) are read past as extra columns.  The first line may go on with
 * a kind and unit as Local Traces does ("Segmental Traces SL in %");
 * without one the traces are read as longitudinal strain in %, which is
 * what 2D Strain's segmental export holds, and a warning says so.  The
 * rest is Local Traces': the preamble, the markers, ES Time, a number in
 * every cell.
 */
#include "study_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int dys_echopac_title(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return !strncasecmp(p, "Local Traces", 12)       ? DYS_ECHOPAC_LOCAL
           : !strncasecmp(p, "Segmental Traces", 16) ? DYS_ECHOPAC_SEGMENTAL
                                                     : 0;
}

int dys_text_is_echopac(const dys_text *t)
{
    return dys_echopac_title(t->data);
}

/* Value after "label=" in a header line times 10^pow10, NAN when absent,
 * -INFINITY when present but not a number (*col then says where). */
static double labelled(const char *line, size_t len, const char *label,
                       locale_t loc, int pow10, int *col)
{
    size_t ll = strlen(label);
    for (size_t i = 0; i + ll <= len; i++) {
        if (strncasecmp(line + i, label, ll) != 0 ||
            (i > 0 && !isspace((unsigned char)line[i - 1])))
            continue;
        size_t j = i + ll;
        while (j < len && isspace((unsigned char)line[j]))
            j++;
        size_t k = j;
        while (k < len && !isspace((unsigned char)line[k]))
            k++;
        double x;
        *col = (int)j + 1;
        if (dys_parse_number_pow10(line + j, k - j, 0, loc, pow10, &x) == 0 &&
            isfinite(x))
            return x;
        return -INFINITY; /* present but not a number */
    }
    return NAN;
}

/* Whitespace-separated token iterator. */
static int next_token(const char *line, size_t len, size_t *pos,
                      const char **tok, size_t *tlen)
{
    size_t i = *pos;
    while (i < len && isspace((unsigned char)line[i]))
        i++;
    if (i >= len)
        return 0;
    size_t j = i;
    while (j < len && !isspace((unsigned char)line[j]))
        j++;
    *tok = line + i;
    *tlen = j - i;
    *pos = j;
    return 1;
}

/* The next cell of a Segmental Traces line: up to the next tab, the
 * blanks around it trimmed; it may be empty (*tok then points where it
 * stands).  len excludes the line's trailing blanks, so a row's trailing
 * tab does not make an empty last cell.  Returns 0 past the last cell. */
static int next_tab_cell(const char *line, size_t len, size_t *pos, const char **tok,
                         size_t *tlen)
{
    size_t i = *pos;
    if (i > len)
        return 0;
    size_t j = i;
    while (j < len && line[j] != '\t')
        j++;
    size_t a = i, b = j;
    while (a < b && line[a] == ' ')
        a++;
    while (b > a && line[b - 1] == ' ')
        b--;
    *tok = line + a;
    *tlen = b - a;
    *pos = j + 1;
    return 1;
}

/* A line's length without its trailing blanks. */
static size_t trimmed_len(const char *line, size_t len)
{
    while (len && isspace((unsigned char)line[len - 1]))
        len--;
    return len;
}

/* A right-ventricular segment (a Segmental Traces export of the RV, or RV
 * columns beside the LV's): "RV" in capitals not inside a capitalised word
 * ("basRVFw", "RV free wall", "RVapical"; not "CURVE"), or "rv" as a word
 * of the normalised name ("rv_free_wall_basal"). */
static int is_rv_column(const char *tok, size_t tlen, const char *name)
{
    for (size_t i = 0; i + 1 < tlen; i++)
        if (tok[i] == 'R' && tok[i + 1] == 'V' && (i == 0 || !isupper((unsigned char)tok[i - 1])))
            return 1;
    size_t n = strlen(name);
    for (size_t i = 0; i + 1 < n; i++)
        if (name[i] == 'r' && name[i + 1] == 'v' && (i == 0 || name[i - 1] == '_') &&
            (i + 2 == n || name[i + 2] == '_'))
            return 1;
    return 0;
}

enum { C_TIME, C_ECG, C_SEG, C_EXTRA, C_EMPTY };

/* The reading of one export, phase by phase. */
typedef struct {
    dys_reader *r;
    dys_text *t;
    locale_t loc;
    int tabs;                 /* Segmental Traces: cells between tabs */
    int n_rv;                 /* RV segment columns (read past) */
    int kinds[64], segs[64], ncol;
    dys_column data[64];
    int time_pow10;           /* EchoPAC writes seconds (3); "Time (ms)": 0 */
    double marker_span;       /* right - left marker, in the time unit */
    double marker_left;
    const char *es_text;      /* "ES Time=" value, converted once the time */
    size_t es_len;            /* unit is known */
    int es_line, es_col;
    long declared_frames;
    int used_default_map;
    int header_line;
} echopac;

/* The next cell of a header or data line, in the variant's layout. */
static int next_cell(const echopac *x, const char *line, size_t len, size_t *pos,
                     const char **tok, size_t *tlen)
{
    return x->tabs ? next_tab_cell(line, len, pos, tok, tlen)
                   : next_token(line, len, pos, tok, tlen);
}

/* Line 1, "Local Traces <kind> in <unit>": velocity (and its unit) or
 * strain, through the study-level rules (a directory may mix files).
 * "Segmental Traces" alone is longitudinal strain in %. */
static dys_status read_title(echopac *x)
{
    dys_reader *r = x->r;
    const char *line;
    size_t len;
    dys_text_next(x->t, &line, &len);
    while (len && isspace((unsigned char)line[len - 1]))
        len--;
    const char *kind = line;
    size_t klen = len;
    while (klen && isspace((unsigned char)*kind)) {
        kind++;
        klen--;
    }
    size_t title = x->tabs ? 16 : 12; /* "Segmental Traces", "Local Traces" */
    kind += title;
    klen -= title;
    while (klen && (*kind == ' ' || *kind == '\t')) {
        kind++;
        klen--;
    }
    if (x->tabs && klen == 0) {
        /* No kind: 2D Strain's segmental export is longitudinal strain in
         * %.  Said, since nothing in the file confirms it. */
        dys_study *s = r->study;
        free(s->trace_label);
        s->trace_label = NULL;
        if (dys_strlist_add(&s->warnings, &s->n_warnings,
                            "%s:1:1: 'Segmental Traces' names no trace kind: read as "
                            "longitudinal strain in %% (2D Strain's segmental export); if "
                            "the traces are another quantity, expected the kind after the "
                            "title, as in 'Segmental Traces V in cm/s'", r->path) != DYS_OK)
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        return dys_meta_apply(r, "trace", 5, "strain", 6, 1, (int)(kind - line) + 1);
    }
    const char *in = NULL;
    for (size_t i = 0; i + 4 <= klen; i++)
        if (!strncmp(kind + i, " in ", 4))
            in = kind + i;
    char kn[32], un[16];
    dys_normalise_name(kind, in ? (size_t)(in - kind) : klen, kn, sizeof kn);
    if (in)
        dys_normalise_name(in + 4, klen - (size_t)(in + 4 - kind), un, sizeof un);
    else
        un[0] = '\0';
    dys_study *s = r->study;
    free(s->trace_label);
    s->trace_label = dys_strndup(kind, klen);
    int col = (int)(kind - line) + 1;
    if (!strcmp(kn, "sl") || !strcmp(kn, "s") || !strcmp(kn, "strain") ||
        !strcmp(kn, "ls") || !strcmp(kn, "longitudinal_strain")) {
        if (strcmp(un, "%") != 0)
            return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:1:%d: strain trace in '%s': expected %%",
                            r->path, col, un);
        return dys_meta_apply(r, "trace", 5, "strain", 6, 1, col);
    }
    if (!strcmp(kn, "v") || !strcmp(kn, "vel") || !strcmp(kn, "velocity") ||
        !strcmp(kn, "tvi") || !strcmp(kn, "tissue_velocity")) {
        double scale = !strcmp(un, "cm/s") ? 1.0 : !strcmp(un, "mm/s") ? 0.1
                       : !strcmp(un, "m/s") ? 100.0 : NAN;
        if (isnan(scale))
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:1:%d: velocity trace in '%s': expected cm/s, mm/s "
                            "or m/s", r->path, col, un);
        /* The study-level rules apply: a CSV view declaring another unit
         * or strain must not silently rescale or relabel these values. */
        dys_status st = dys_meta_apply(r, "trace", 5, "velocity", 8, 1, col);
        if (st == DYS_OK)
            st = dys_meta_apply(r, "velocity_unit", 13, un, strlen(un), 1,
                                (int)(in - line) + 5);
        return st;
    }
    return dys_fail(r->ctx, DYS_ERR_UNSUPPORTED,
                    "%s:1:%d: trace kind '%.*s' is not supported: expected "
                    "velocity (V, TVI) or longitudinal strain (SL)", r->path, col,
                    DYS_SNIP(in ? (size_t)(in - kind) : klen), kind);
}

/* One line of the preamble: the frame count, FR=, the markers, ES Time=;
 * kept whole as metadata for the record. */
static dys_status read_preamble_line(echopac *x, const char *line, size_t len)
{
    dys_reader *r = x->r;
    int line_no = x->t->line, col = 1, es_c = 1, mc = 1;
    double fr = labelled(line, len, "FR=", x->loc, 0, &col);
    if (fr == -INFINITY || fr <= 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:%d: FR=: expected a frame rate in Hz",
                        r->path, line_no, col);
    double es = labelled(line, len, "ES Time=", x->loc, 0, &es_c);
    double left = labelled(line, len, "Left Marker Time=", x->loc, 0, &mc);
    double right = labelled(line, len, "Right Marker Time=", x->loc, 0, &mc);
    if (left == -INFINITY || right == -INFINITY)
        return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:%d: Marker Time=: expected a time",
                        r->path, line_no, mc);
    if (isfinite(left) && isfinite(right)) {
        x->marker_span = right - left;
        x->marker_left = left;
    }
    if (es == -INFINITY)
        return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:%d: ES Time=: expected a time",
                        r->path, line_no, es_c);
    if (!isnan(fr))
        r->rec->frame_rate_hz = fr;
    if (!isnan(es)) { /* converted with the time column's unit later */
        size_t off = (size_t)(es_c - 1);
        x->es_text = line + off;
        x->es_len = 0;
        while (off + x->es_len < len && !isspace((unsigned char)x->es_text[x->es_len]))
            x->es_len++;
        x->es_line = line_no;
        x->es_col = es_c;
    }
    char key[32];
    snprintf(key, sizeof key, "echopac_line_%d", line_no);
    return dys_meta_apply(r, key, strlen(key), line, len, line_no, 1);
}

/* The preamble, up to the column header (left in *line, *len). */
static dys_status read_preamble(echopac *x, const char **line, size_t *len)
{
    while (dys_text_next(x->t, line, len)) {
        const char *p = *line;
        while (p < *line + *len && isspace((unsigned char)*p))
            p++;
        size_t rest = *len - (size_t)(p - *line);
        if (rest == 0)
            continue;
        if (!strncasecmp(p, "Number of Frames", 16)) {
            char *end;
            x->declared_frames = strtol(p + 16, &end, 10);
            continue;
        }
        if (!strncasecmp(p, "Time", 4) &&
            (rest == 4 || isspace((unsigned char)p[4]) || p[4] == '('))
            return DYS_OK;
        dys_status st = read_preamble_line(x, *line, *len);
        if (st != DYS_OK)
            return st;
    }
    return dys_fail(x->r->ctx, DYS_ERR_PARSE,
                    "%s:%d:1: no column header: expected a line starting "
                    "with 'Time (s)'", x->r->path, x->t->line + 1);
}

/* The first column: "Time (s)", "Time(s)", "Time (ms)" or a bare "Time"
 * (seconds); in Local Traces the unit may be its own token, in Segmental
 * Traces it is in the cell. */
static dys_status time_column(echopac *x, const char *line, size_t len, size_t *pos,
                              const char *tok, size_t tlen)
{
    dys_reader *r = x->r;
    int col = (int)(tok - line) + 1;
    char name[64];
    const char *unit = NULL, *paren = tlen ? memchr(tok, '(', tlen) : NULL;
    size_t ulen = 0, nlen = tlen;
    r->time_col = col;
    if (paren) {
        unit = paren;
        ulen = tlen - (size_t)(paren - tok);
        nlen = (size_t)(paren - tok);
    }
    dys_normalise_name(tok, nlen, name, sizeof name);
    if (strcmp(name, "time"))
        return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:%d: expected 'Time (s)' first, found '%.*s'",
                        r->path, x->header_line, col, DYS_SNIP(tlen), tok);
    size_t save = *pos;
    if (!unit && !x->tabs && next_token(line, len, pos, &tok, &tlen) && tok[0] == '(') {
        unit = tok;
        ulen = tlen;
    } else if (!unit) {
        *pos = save;
    }
    if (unit) {
        if (ulen == 4 && !strncasecmp(unit, "(ms)", 4))
            x->time_pow10 = 0;
        else if (!(ulen == 3 && !strncasecmp(unit, "(s)", 3)))
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: time unit '%.*s': expected (s) or (ms)", r->path,
                            x->header_line, (int)(unit - line) + 1, DYS_SNIP(ulen), unit);
    }
    x->kinds[x->ncol++] = C_TIME;
    return DYS_OK;
}

/* A later column: the ECG, a segment by name or ROI colour (through the
 * map), or an extra column (GLOBAL, apical segments, unmapped colours). */
static dys_status other_column(echopac *x, const char *line, size_t len, size_t *pos,
                               const char *tok, size_t tlen)
{
    dys_reader *r = x->r;
    int col = (int)(tok - line) + 1, ncol = x->ncol;
    char name[64];
    dys_normalise_name(tok, tlen, name, sizeof name);
    /* "ECG :": one cell in Segmental Traces ("ecg_:"), two tokens in Local
     * Traces, the colon consumed here */
    if (!strcmp(name, "ecg") || !strcmp(name, "ecg:") || !strcmp(name, "ecg_:")) {
        for (int k = 1; k < ncol; k++)
            if (x->kinds[k] == C_ECG)
                return dys_fail(r->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: a second ECG column (the first is "
                                "column %d): expected one", r->path, x->header_line, col, k + 1);
        size_t save = *pos;
        const char *colon;
        size_t clen;
        if (x->tabs ||
            !(next_token(line, len, pos, &colon, &clen) && clen == 1 && colon[0] == ':'))
            *pos = save;
        x->kinds[x->ncol++] = C_ECG;
        return DYS_OK;
    }
    int c = dys_colour_index(name);
    int sg = c >= 0 ? r->opt->colour_map[c] : dys_segment_from_name(name);
    if (c >= 0 && !r->opt->colour_map_set) {
        x->used_default_map = 1;
        if (!r->default_map_col)
            r->default_map_col = col;
    }
    if (c >= 0 && sg == -2)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: ROI colour %.*s is not in the --map given: "
                        "expected %.*s=<segment> (or =none) in the map", r->path,
                        x->header_line, col, DYS_SNIP(tlen), tok, DYS_SNIP(tlen), tok);
    if (sg >= 0) {
        for (int k = 1; k < ncol; k++)
            if (x->kinds[k] == C_SEG && x->segs[k] == sg)
                return dys_fail(r->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: column %.*s is %s again (column %d): "
                                "expected each segment once", r->path, x->header_line, col,
                                DYS_SNIP(tlen), tok, dys_segment_name(sg), k + 1);
        x->kinds[ncol] = C_SEG;
        x->segs[x->ncol++] = sg;
        r->seg_col[sg] = col;
        return DYS_OK;
    }
    int rv = c < 0 && !dys_is_extra_column(name) && is_rv_column(tok, tlen, name);
    if (c >= 0 || dys_is_extra_column(name) || rv) {
        x->n_rv += rv;
        x->kinds[x->ncol++] = C_EXTRA;
        if (dys_strlist_add(&r->rec->extra_columns, &r->rec->n_extra_columns, "%.*s",
                            (int)tlen, tok) != DYS_OK)
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        return DYS_OK;
    }
    return dys_fail(r->ctx, DYS_ERR_PARSE,
                    "%s:%d:%d: unknown column '%.*s': expected a segment "
                    "(basSept, midLat, apSept, ...), an ROI colour (YELLOW, CYAN, "
                    "GREEN, MAGENTA, BLUE, RED), an RV segment, GLOBAL or ECG",
                    r->path, x->header_line, col, DYS_SNIP(tlen), tok);
}

/* The column header, Time (s) | names... | ECG :, then what it implies:
 * the cycle from the markers and the AVC from ES Time, in the time's unit. */
static dys_status read_columns(echopac *x, const char *line, size_t len)
{
    dys_reader *r = x->r;
    size_t pos = 0;
    const char *tok;
    size_t tlen;
    x->header_line = x->t->line;
    len = trimmed_len(line, len);
    if (x->tabs && !memchr(line, '\t', len))
        /* the whole header would be one cell, its "unit" the other names */
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: a Segmental Traces column header with no tab: expected "
                        "tab-separated columns", r->path, x->header_line);
    while (next_cell(x, line, len, &pos, &tok, &tlen)) {
        if (x->ncol == 64)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: more than 64 columns: expected at most 64", r->path,
                            x->header_line, (int)(tok - line) + 1);
        x->segs[x->ncol] = -1;
        if (tlen == 0 && x->ncol != 1) /* Segmental Traces only: no token is empty */
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: a column without a name: expected a segment "
                            "name (only the second column may be empty)", r->path,
                            x->header_line, (int)(tok - line) + 1);
        if (tlen == 0) { /* the empty second column of Segmental Traces */
            x->kinds[x->ncol++] = C_EMPTY;
            continue;
        }
        dys_status st = x->ncol == 0 ? time_column(x, line, len, &pos, tok, tlen)
                                     : other_column(x, line, len, &pos, tok, tlen);
        if (st != DYS_OK)
            return st;
    }
    r->header_line = x->header_line;
    int nseg = 0;
    for (int k = 0; k < x->ncol; k++)
        nseg += x->kinds[k] == C_SEG;
    if (nseg == 0 && x->n_rv)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: only RV segments: dyssync analyses the left "
                        "ventricle's 18 segments (basSept, midLat, apSept, ...): expected "
                        "an LV export, leave this file out", r->path, x->header_line);
    if (nseg == 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: no segment column: expected some of the 18 "
                        "segments (basSept, midLat, ... or ROI colours with "
                        "--map)", r->path, x->header_line);
    /* The markers delimit the cycle the operator analysed; their distance
     * is one RR when it is a plausible one (0.25-2.5 s). */
    double to_ms = x->time_pow10 == 3 ? 1000.0 : 1.0, span_ms = x->marker_span * to_ms;
    if (span_ms >= 250.0 && span_ms <= 2500.0) {
        r->rec->cycle_ms = span_ms;
        r->rec->cycle_start_ms = x->marker_left * to_ms;
    }
    if (x->es_text) {
        double es;
        if (dys_parse_number_pow10(x->es_text, x->es_len, 0, x->loc, x->time_pow10, &es) != 0 ||
            !isfinite(es))
            return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:%d: ES Time=: expected a time",
                            r->path, x->es_line, x->es_col);
        r->rec->avc_file_ms = es;
    }
    return DYS_OK;
}

/* One data row: a number per column, the time strictly increasing. */
static dys_status read_row(echopac *x, const char *line, size_t len, double *prev_t)
{
    dys_reader *r = x->r;
    int line_no = x->t->line, k = 0;
    size_t p = 0;
    const char *tok;
    size_t tlen;
    if (x->data[0].n >= r->opt->max_rows)
        return dys_fail(r->ctx, DYS_ERR_UNSUPPORTED,
                        "%s:%d:1: more than %zu rows: expected at most %zu "
                        "(the limit; --max-rows raises it)", r->path, line_no,
                        r->opt->max_rows, r->opt->max_rows);
    if (dys_icolumn_push(&r->row_line, line_no) != DYS_OK)
        return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    len = trimmed_len(line, len);
    while (next_cell(x, line, len, &p, &tok, &tlen)) {
        int col = (int)(tok - line) + 1;
        double v;
        dys_status st;
        if (k == x->ncol)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: row has more than the %d columns of the "
                            "header: expected %d values", r->path, line_no, col, x->ncol,
                            x->ncol);
        if (x->kinds[k] == C_EMPTY) {
            /* nothing is known of what a value there would be */
            if (tlen)
                return dys_fail(r->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: '%.*s' under the header's empty column %d: "
                                "expected the column empty", r->path, line_no, col,
                                DYS_SNIP(tlen), tok, k + 1);
            k++;
            continue;
        }
        if (tlen == 0) /* Segmental Traces: an empty cell */
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: empty cell in column %d: expected a number (the "
                            "export has no missing samples)", r->path, line_no, col, k + 1);
        if (dys_parse_number_pow10(tok, tlen, 0, x->loc, k == 0 ? x->time_pow10 : 0, &v) != 0 ||
            !isfinite(v))
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: '%.*s' is not a number: expected a finite "
                            "number", r->path, line_no, col, DYS_SNIP(tlen), tok);
        if (k == 0 && (st = dys_next_time(r, line_no, col, v, prev_t)) != DYS_OK)
            return st;
        if ((x->kinds[k] != C_EXTRA && x->kinds[k] != C_EMPTY &&
             dys_column_push(&x->data[k], v) != DYS_OK) ||
            (x->kinds[k] == C_SEG && dys_icolumn_push(&r->cell_col[x->segs[k]], col) != DYS_OK))
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        k++;
    }
    if (k < x->ncol)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%zu: row has %d of the header's %d columns: "
                        "expected %d values", r->path, line_no, len + 1, k, x->ncol, x->ncol);
    return DYS_OK;
}

/* The rows, then the columns handed to the recording, with what the
 * reading noticed (a frame count that differs, the default colour map). */
static dys_status read_rows(echopac *x)
{
    dys_reader *r = x->r;
    dys_study *s = r->study;
    const char *line, *tok;
    size_t len, tlen, p;
    double prev_t = -INFINITY;
    while (dys_text_next(x->t, &line, &len)) {
        p = 0;
        if (!next_token(line, len, &p, &tok, &tlen))
            continue; /* a blank line */
        dys_status st = read_row(x, line, len, &prev_t);
        if (st != DYS_OK)
            return st;
    }
    if (x->data[0].n < 3)
        return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:1: %zu data rows: expected at least 3",
                        r->path, x->t->line + 1, x->data[0].n);
    if (x->declared_frames >= 0 && (size_t)x->declared_frames != x->data[0].n)
        dys_strlist_add(&s->warnings, &s->n_warnings, "%s: header declares %ld frames, %zu rows read",
                        r->path, x->declared_frames, x->data[0].n);
    if (x->used_default_map) /* the file is then an A4C view (study.c sets
                                it, after checking the view its name may give) */
        dys_strlist_add(&s->warnings, &s->n_warnings,
                        "%s: ROI colours mapped with the default 4-chamber layout "
                        "(YELLOW=basal_inferoseptal, CYAN=mid_inferoseptal, "
                        "GREEN=apical_inferoseptal, MAGENTA=apical_anterolateral, "
                        "BLUE=mid_anterolateral, RED=basal_anterolateral); give --map "
                        "if the ROIs were placed otherwise", r->path);
    dys_recording *rec = r->rec;
    rec->n = x->data[0].n;
    for (int k = 0; k < x->ncol; k++) {
        double **dst = x->kinds[k] == C_TIME  ? &rec->t_ms
                       : x->kinds[k] == C_ECG ? &rec->ecg_mv
                       : x->kinds[k] == C_SEG ? &rec->seg[x->segs[k]] : NULL;
        if (dst) {
            *dst = x->data[k].v;
            x->data[k].v = NULL;
            if (x->kinds[k] == C_SEG)
                rec->seg_line[x->segs[k]] = k + 1;
        }
    }
    return DYS_OK;
}

dys_status dys_read_echopac(dys_reader *r, dys_text *t)
{
    echopac x;
    memset(&x, 0, sizeof x);
    x.r = r;
    x.t = t;
    x.loc = r->ctx->c_locale;
    x.tabs = dys_text_is_echopac(t) == DYS_ECHOPAC_SEGMENTAL;
    x.time_pow10 = 3;
    x.marker_span = x.marker_left = NAN;
    x.declared_frames = -1;
    const char *line;
    size_t len;
    dys_status st = read_title(&x);
    if (st == DYS_OK)
        st = read_preamble(&x, &line, &len);
    if (st == DYS_OK)
        st = read_columns(&x, line, len);
    if (st == DYS_OK)
        st = read_rows(&x);
    for (int k = 0; k < x.ncol; k++)
        free(x.data[k].v);
    return st;
}
