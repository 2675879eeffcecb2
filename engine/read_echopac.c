/*
 * read_echopac.c - GE EchoPAC "Local Traces" text exports.
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
 * Columns are named by segment (basSept, midLat, ...) or by the ROI colour
 * the operator placed; colours need a map (--map), with the conventional
 * 4-chamber layout as the documented default (then the file is an A4C
 * view).  GLOBAL and apical columns are kept as extra columns.  "ES Time"
 * is end-systole (aortic valve closure) on the file's own time axis and
 * becomes the recording's AVC.  Velocity and strain traces are analysed.
 */
#include "study_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int dys_text_is_echopac(const dys_text *t)
{
    const char *p = t->data;
    while (*p == ' ' || *p == '\t')
        p++;
    return strncasecmp(p, "Local Traces", 12) == 0;
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

enum { C_TIME, C_ECG, C_SEG, C_EXTRA };

dys_status dys_read_echopac(dys_reader *r, dys_text *t)
{
    const char *line;
    size_t len;
    dys_status st = DYS_OK;
    locale_t loc = r->ctx->c_locale;
    dys_study *s = r->study;
    dys_recording *rec = r->rec;
    int kinds[64], segs[64], ncol = 0;
    dys_column data[64];
    memset(data, 0, sizeof data);
    int time_pow10 = 3; /* EchoPAC writes seconds */
    double marker_span = NAN; /* right - left marker, in the time unit */
    double marker_left = NAN;
    const char *es_text = NULL; /* "ES Time=" value, converted once the time
                                   unit is known */
    size_t es_len = 0;
    int es_line = 0, es_col = 0;
    long declared_frames = -1;
    int used_default_map = 0;

    /* Line 1: "Local Traces <kind> in <unit>" */
    dys_text_next(t, &line, &len);
    while (len && isspace((unsigned char)line[len - 1]))
        len--;
    const char *kind = line;
    size_t klen = len;
    while (klen && isspace((unsigned char)*kind)) {
        kind++;
        klen--;
    }
    kind += 12;
    klen -= 12;
    while (klen && *kind == ' ') {
        kind++;
        klen--;
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
    free(s->trace_label);
    s->trace_label = dys_strndup(kind, klen);
    if (!strcmp(kn, "sl") || !strcmp(kn, "s") || !strcmp(kn, "strain") ||
        !strcmp(kn, "ls") || !strcmp(kn, "longitudinal_strain")) {
        if (strcmp(un, "%") != 0)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:1:%d: strain trace in '%s': expected %%", r->path,
                            (int)(kind - line) + 1, un);
        /* The study-level trace rule applies (a directory may mix files). */
        st = dys_meta_apply(r, "trace", 5, "strain", 6, 1, (int)(kind - line) + 1);
        if (st != DYS_OK)
            return st;
    } else if (!strcmp(kn, "v") || !strcmp(kn, "vel") || !strcmp(kn, "velocity") ||
               !strcmp(kn, "tvi") || !strcmp(kn, "tissue_velocity")) {
        double scale = !strcmp(un, "cm/s") ? 1.0 : !strcmp(un, "mm/s") ? 0.1
                       : !strcmp(un, "m/s") ? 100.0 : NAN;
        if (isnan(scale))
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:1:%d: velocity trace in '%s': expected cm/s, mm/s "
                            "or m/s", r->path, (int)(kind - line) + 1, un);
        /* The study-level rules apply: a CSV view declaring another unit
         * or strain must not silently rescale or relabel these values. */
        st = dys_meta_apply(r, "trace", 5, "velocity", 8, 1, (int)(kind - line) + 1);
        if (st == DYS_OK)
            st = dys_meta_apply(r, "velocity_unit", 13, un, strlen(un), 1,
                                (int)(in - line) + 5);
        if (st != DYS_OK)
            return st;
    } else {
        return dys_fail(r->ctx, DYS_ERR_UNSUPPORTED,
                        "%s:1:%d: trace kind '%.*s' is not supported: expected "
                        "velocity (V, TVI) or longitudinal strain (SL)", r->path,
                        (int)(kind - line) + 1,
                        DYS_SNIP(in ? (size_t)(in - kind) : klen), kind);
    }

    /* Header lines up to the column header. */
    int found_header = 0;
    while (!found_header && dys_text_next(t, &line, &len)) {
        const char *p = line;
        while (p < line + len && isspace((unsigned char)*p))
            p++;
        size_t rest = len - (size_t)(p - line);
        if (rest == 0)
            continue;
        int col = 1;
        if (!strncasecmp(p, "Number of Frames", 16)) {
            char *end;
            declared_frames = strtol(p + 16, &end, 10);
            continue;
        }
        if (!strncasecmp(p, "Time", 4) &&
            (rest == 4 || isspace((unsigned char)p[4]) || p[4] == '(')) {
            found_header = 1;
            break;
        }
        int es_c = 1;
        double fr = labelled(line, len, "FR=", loc, 0, &col);
        if (fr == -INFINITY || fr <= 0)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: FR=: expected a frame rate in Hz", r->path,
                            t->line, col);
        double es = labelled(line, len, "ES Time=", loc, 0, &es_c);
        int mc = 1;
        double left = labelled(line, len, "Left Marker Time=", loc, 0, &mc);
        double right = labelled(line, len, "Right Marker Time=", loc, 0, &mc);
        if (left == -INFINITY || right == -INFINITY)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: Marker Time=: expected a time", r->path,
                            t->line, mc);
        if (isfinite(left) && isfinite(right)) {
            marker_span = right - left;
            marker_left = left;
        }
        if (es == -INFINITY)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: ES Time=: expected a time", r->path,
                            t->line, es_c);
        if (!isnan(fr))
            rec->frame_rate_hz = fr;
        if (!isnan(es)) { /* converted with the time column's unit below */
            size_t off = (size_t)(es_c - 1);
            es_text = line + off;
            es_len = 0;
            while (off + es_len < len && !isspace((unsigned char)es_text[es_len]))
                es_len++;
            es_line = t->line;
            es_col = es_c;
        }
        /* Keep the whole header line as metadata for the record. */
        char key[32];
        snprintf(key, sizeof key, "echopac_line_%d", t->line);
        st = dys_meta_apply(r, key, strlen(key), line, len, t->line, 1);
        if (st != DYS_OK)
            return st;
    }
    if (!found_header)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: no column header: expected a line starting "
                        "with 'Time (s)'", r->path, t->line + 1);

    /* Column header: Time (s) | names... | ECG : */
    size_t pos = 0;
    const char *tok;
    size_t tlen;
    int header_line = t->line;
    while (next_token(line, len, &pos, &tok, &tlen)) {
        int col = (int)(tok - line) + 1;
        if (ncol == 64)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: more than 64 columns: expected at most 64",
                            r->path, header_line, col);
        char name[64];
        dys_normalise_name(tok, tlen, name, sizeof name);
        segs[ncol] = -1;
        if (ncol == 0) {
            r->time_col = col;
            /* "Time (s)", "Time(s)", "Time (ms)" or a bare "Time" (s) */
            const char *unit = NULL;
            size_t ulen = 0;
            if (tlen > 4 && tok[4] == '(') {
                unit = tok + 4;
                ulen = tlen - 4;
                tlen = 4;
                dys_normalise_name(tok, tlen, name, sizeof name);
            }
            if (strcmp(name, "time"))
                return dys_fail(r->ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: expected 'Time (s)' first, found "
                                "'%.*s'", r->path, header_line, col, DYS_SNIP(tlen),
                                tok);
            size_t save = pos;
            if (!unit && next_token(line, len, &pos, &tok, &tlen) && tok[0] == '(') {
                unit = tok;
                ulen = tlen;
            } else if (!unit) {
                pos = save;
            }
            if (unit) {
                if (ulen == 4 && !strncasecmp(unit, "(ms)", 4))
                    time_pow10 = 0;
                else if (!(ulen == 3 && !strncasecmp(unit, "(s)", 3)))
                    return dys_fail(r->ctx, DYS_ERR_PARSE,
                                    "%s:%d:%d: time unit '%.*s': expected (s) or "
                                    "(ms)", r->path, header_line,
                                    (int)(unit - line) + 1, DYS_SNIP(ulen), unit);
            }
            kinds[ncol++] = C_TIME;
            continue;
        }
        if (!strcmp(name, "ecg") || !strcmp(name, "ecg:")) {
            for (int k = 1; k < ncol; k++)
                if (kinds[k] == C_ECG)
                    return dys_fail(r->ctx, DYS_ERR_PARSE,
                                    "%s:%d:%d: a second ECG column (the first is "
                                    "column %d): expected one", r->path,
                                    header_line, col, k + 1);
            size_t save = pos;
            if (!(next_token(line, len, &pos, &tok, &tlen) && tlen == 1 && tok[0] == ':'))
                pos = save;
            kinds[ncol++] = C_ECG;
            continue;
        }
        int c = dys_colour_index(name);
        int sg = c >= 0 ? r->opt->colour_map[c] : dys_segment_from_name(name);
        if (c >= 0 && !r->opt->colour_map_set) {
            used_default_map = 1;
            if (!r->default_map_col)
                r->default_map_col = col;
        }
        if (c >= 0 && sg == -2)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: ROI colour %.*s is not in the --map given: "
                            "expected %.*s=<segment> (or =none) in the map",
                            r->path, header_line, col, DYS_SNIP(tlen), tok,
                            DYS_SNIP(tlen), tok);
        if (sg >= 0) {
            for (int k = 1; k < ncol; k++)
                if (kinds[k] == C_SEG && segs[k] == sg)
                    return dys_fail(r->ctx, DYS_ERR_PARSE,
                                    "%s:%d:%d: column %.*s is %s again (column %d): "
                                    "expected each segment once", r->path,
                                    header_line, col, DYS_SNIP(tlen), tok,
                                    dys_segment_name(sg), k + 1);
            kinds[ncol] = C_SEG;
            segs[ncol++] = sg;
            r->seg_col[sg] = col;
            continue;
        }
        if (c >= 0 || dys_is_extra_column(name)) {
            kinds[ncol++] = C_EXTRA;
            if (dys_strlist_add(&rec->extra_columns, &rec->n_extra_columns, "%.*s",
                                (int)tlen, tok) != DYS_OK)
                return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
            continue;
        }
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: unknown column '%.*s': expected a segment "
                        "(basSept, midLat, ...), an ROI colour (YELLOW, CYAN, "
                        "GREEN, MAGENTA, BLUE, RED), GLOBAL or ECG",
                        r->path, header_line, col, DYS_SNIP(tlen), tok);
    }

    r->header_line = header_line;
    {
        int nseg = 0;
        for (int k = 0; k < ncol; k++)
            nseg += kinds[k] == C_SEG;
        if (nseg == 0)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:1: no segment column: expected some of the 12 "
                            "segments (basSept, midLat, ... or ROI colours with "
                            "--map)", r->path, header_line);
    }
    /* The markers delimit the cycle the operator analysed; their distance
     * is one RR when it is a plausible one (0.25-2.5 s). */
    double span_ms = marker_span * (time_pow10 == 3 ? 1000.0 : 1.0);
    if (span_ms >= 250.0 && span_ms <= 2500.0) {
        rec->cycle_ms = span_ms;
        rec->cycle_start_ms = marker_left * (time_pow10 == 3 ? 1000.0 : 1.0);
    }
    if (es_text) {
        double es;
        if (dys_parse_number_pow10(es_text, es_len, 0, loc, time_pow10, &es) != 0 ||
            !isfinite(es))
            return dys_fail(r->ctx, DYS_ERR_PARSE, "%s:%d:%d: ES Time=: expected "
                            "a time", r->path, es_line, es_col);
        rec->avc_file_ms = es;
    }

    /* Rows. */
    double prev_t = -INFINITY;
    while (dys_text_next(t, &line, &len)) {
        size_t p = 0;
        int k = 0;
        if (!next_token(line, len, &p, &tok, &tlen))
            continue;
        p = 0;
        if (data[0].n >= r->opt->max_rows) {
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
        while (next_token(line, len, &p, &tok, &tlen)) {
            int col = (int)(tok - line) + 1;
            double x;
            if (k == ncol) {
                st = dys_fail(r->ctx, DYS_ERR_PARSE,
                              "%s:%d:%d: row has more than the %d columns of the "
                              "header: expected %d values", r->path, t->line, col,
                              ncol, ncol);
                goto out;
            }
            if (dys_parse_number_pow10(tok, tlen, 0, loc, k == 0 ? time_pow10 : 0,
                                       &x) != 0 || !isfinite(x)) {
                st = dys_fail(r->ctx, DYS_ERR_PARSE,
                              "%s:%d:%d: '%.*s' is not a number: expected a finite "
                              "number", r->path, t->line,
                              col, DYS_SNIP(tlen), tok);
                goto out;
            }
            if (k == 0 && (st = dys_next_time(r, t->line, col, x, &prev_t)) != DYS_OK)
                goto out;
            if ((kinds[k] != C_EXTRA && dys_column_push(&data[k], x) != DYS_OK) ||
                (kinds[k] == C_SEG &&
                 dys_icolumn_push(&r->cell_col[segs[k]], col) != DYS_OK)) {
                st = dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
                goto out;
            }
            k++;
        }
        if (k < ncol) {
            st = dys_fail(r->ctx, DYS_ERR_PARSE,
                          "%s:%d:%zu: row has %d of the header's %d columns: "
                          "expected %d values", r->path, t->line, len + 1, k,
                          ncol, ncol);
            goto out;
        }
    }
    if (data[0].n < 3) {
        st = dys_fail(r->ctx, DYS_ERR_PARSE,
                      "%s:%d:1: %zu data rows: expected at least 3", r->path,
                      t->line + 1, data[0].n);
        goto out;
    }
    if (declared_frames >= 0 && (size_t)declared_frames != data[0].n)
        dys_strlist_add(&s->warnings, &s->n_warnings,
                        "%s: header declares %ld frames, %zu rows read", r->path,
                        declared_frames, data[0].n);
    if (used_default_map) {
        dys_strlist_add(&s->warnings, &s->n_warnings,
                        "%s: ROI colours mapped with the default 4-chamber layout "
                        "(YELLOW=basal_inferoseptal, CYAN=mid_inferoseptal, "
                        "BLUE=mid_anterolateral, RED=basal_anterolateral, GREEN and "
                        "MAGENTA apical); give --map if the ROIs were placed "
                        "otherwise", r->path);
        /* the file is then an A4C view (study.c sets it, after checking
         * the view its name may give in a directory) */
    }
    rec->n = data[0].n;
    for (int k = 0; k < ncol; k++) {
        double **dst = kinds[k] == C_TIME  ? &rec->t_ms
                       : kinds[k] == C_ECG ? &rec->ecg_mv
                       : kinds[k] == C_SEG ? &rec->seg[segs[k]] : NULL;
        if (dst) {
            *dst = data[k].v;
            data[k].v = NULL;
            if (kinds[k] == C_SEG)
                rec->seg_line[segs[k]] = k + 1;
        }
    }
out:
    for (int k = 0; k < ncol; k++)
        free(data[k].v);
    return st;
}
