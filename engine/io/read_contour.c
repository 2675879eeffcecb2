/*
 * read_contour.c - GE EchoPAC "store full trace" speckle-tracking exports:
 * the tracked contour's knots, frame by frame (docs/format.md, "GE
 * EchoPAC full-trace contour files"; testdata/contours/ holds two real
 * ones).
 *
 * Layout, lines ending in a bare CR and padded with trailing commas:
 *   FName= / LName= / ID= / Exam.Date= / View=4CH / 2DS Date=
 *   Knot positions (X:Y) in mm (relative to probe position)
 *   FR= 52 Left Marker Time=0.230000 Right Marker Time=0.822000 ES Time=0.402000
 *   Num Frames:  Knots:
 *         64       67
 *   x0,y0,x1,y1,...          <- one line per frame, 2 values per knot
 * The reader is strict where a mistake would change the geometry silently
 * (the counts against the data, every value a finite position, the
 * markers inside the recording) and lenient only where EchoPAC's padding
 * is concerned (trailing commas and blanks, blank lines).  The counts are
 * checked against the bytes left in the file before anything is
 * allocated, so absurd counts cost nothing.  It fills a dys_contour and
 * computes nothing (contour.c does; io/contour_study.c makes the contour
 * a study's recording).
 */
#include "contour.h"
#include "study_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Echo positions are centimetres from the probe: a knot a metre away is
 * not a position but a corrupted number, and refusing it keeps the
 * geometry's squares far from overflow. */
#define MAX_POSITION_MM 1000.0
/* Speckle tracking runs at 30-250 frames/s; the study readers warn
 * outside 10-1000.  Above 1000 the FR= value is not a frame rate. */
#define MAX_FRAME_RATE 1000.0

/* ---- recognition ------------------------------------------------------ */

/* Whether s[0..n) starts with the literal p, ignoring case. */
static int starts_with(const char *s, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n >= m && strncasecmp(s, p, m) == 0;
}

/* By content, as the other readers are: the first line is FName=, or the
 * knot or count header appears among the first 16 lines (a file whose
 * first lines were lost is still recognised, and then refused with the
 * line that is missing rather than read as a study CSV). */
static int looks_like_contour(const char *buf, size_t n)
{
    if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF) {
        buf += 3;
        n -= 3;
    }
    size_t pos = 0;
    for (int line = 1; line <= 16 && pos < n; line++) {
        size_t len = 0;
        while (pos + len < n && buf[pos + len] != '\r' && buf[pos + len] != '\n')
            len++;
        const char *l = buf + pos;
        while (len && (*l == ' ' || *l == '\t')) {
            l++;
            len--;
        }
        if ((line == 1 && starts_with(l, len, "FName=")) ||
            starts_with(l, len, "Knot positions (X:Y)") || starts_with(l, len, "Num Frames:"))
            return 1;
        pos = (size_t)(l - buf) + len;
        if (pos < n && buf[pos] == '\r' && pos + 1 < n && buf[pos + 1] == '\n')
            pos++;
        pos++;
    }
    return 0;
}

int dys_text_is_contour(const dys_text *t)
{
    return looks_like_contour(t->data, t->len);
}

/* The first 4 KB of a file into buf (4097 bytes, NUL-terminated); -1
 * when it cannot be read. */
static long head_of(const char *path, char *buf)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, 4096, f);
    fclose(f);
    buf[n] = '\0';
    return (long)n;
}

int dys_file_is_contour(const char *path)
{
    char buf[4097];
    long n = head_of(path, buf);
    return n > 0 && looks_like_contour(buf, (size_t)n);
}

/* The value after `label` on a header line of buf (padding and blanks
 * around it removed) into out; 0 when no line starts with the label. */
static int header_value(const char *buf, const char *label, char *out, size_t cap)
{
    out[0] = '\0';
    size_t ll = strlen(label);
    for (const char *l = buf; *l;) {
        size_t len = strcspn(l, "\r\n");
        const char *p = l;
        size_t n = len;
        while (n && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        if (n >= ll && strncasecmp(p, label, ll) == 0) {
            p += ll;
            n -= ll;
            while (n && (*p == ' ' || *p == '\t')) {
                p++;
                n--;
            }
            while (n && (p[n - 1] == ',' || p[n - 1] == ' ' || p[n - 1] == '\t'))
                n--;
            snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
            return 1;
        }
        l += len;
        while (*l == '\r' || *l == '\n')
            l++;
    }
    return 0;
}

int dys_contour_peek(const char *path, char *view, size_t view_cap, char *id, size_t id_cap)
{
    char buf[4097];
    long n = head_of(path, buf);
    view[0] = id[0] = '\0';
    if (n <= 0 || !looks_like_contour(buf, (size_t)n))
        return 0;
    header_value(buf, "ID=", id, id_cap);
    return header_value(buf, "View=", view, view_cap);
}

/* ---- views ------------------------------------------------------------ */

static const char *const view_names[] = {NULL, "4CH", "2CH", "APLAX", "SAX-MV", "SAX-PM",
                                         "SAX-AP"};

const char *dys_contour_view_name(dys_contour_view v)
{
    int i = (int)v;
    return i >= 1 && i <= DYS_CONTOUR_SAX_AP ? view_names[i] : NULL;
}

int dys_contour_view_is_sax(dys_contour_view v)
{
    return v == DYS_CONTOUR_SAX_MV || v == DYS_CONTOUR_SAX_PM || v == DYS_CONTOUR_SAX_AP;
}

void dys_contour_free(dys_contour *c)
{
    if (!c)
        return;
    free(c->source);
    free(c->id);
    free(c->xy);
    free(c->frame_line);
    free(c);
}

/* ---- the reading, line by line ------------------------------------------ */

typedef struct {
    dys_ctx *ctx;
    dys_text *t;
    const dys_read_options *opt;
    const char *path;
    dys_contour *c;
    int fr_line, left_col, right_col, es_col; /* where the markers stand */
    int counts_line;
    const char *line; /* the line being read, without its end */
    size_t len;
} creader;

/* Length of s[0..len) without EchoPAC's padding: trailing commas, spaces
 * and tabs. */
static size_t unpadded(const char *s, size_t len)
{
    while (len && (s[len - 1] == ',' || s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return len;
}

/* The next line of the header, which must exist. */
static dys_status next_header_line(creader *r, const char *expected)
{
    if (!dys_text_next(r->t, &r->line, &r->len))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: the file ends in its header: expected the line '%s' of a "
                        "full-trace export", r->path, r->t->line + 1, expected);
    r->len = unpadded(r->line, r->len);
    return DYS_OK;
}

/* View= value -> view: the names EchoPAC's full-trace export writes.  Any
 * other is refused: an RV or atrial trace, or a view the segment names
 * would be wrong for, must not be read as a left-ventricular wall. */
static int view_from_text(const char *s, size_t n)
{
    for (int v = DYS_CONTOUR_4CH; v <= DYS_CONTOUR_SAX_AP; v++)
        if (strlen(view_names[v]) == n && strncasecmp(s, view_names[v], n) == 0)
            return v;
    return 0;
}

/* The seven header lines, in order: their labels are checked, View= and
 * ID= kept (the patient's names and dates are not: the geometry needs
 * none of them). */
static dys_status read_header(creader *r)
{
    static const char *const labels[7] = {"FName=", "LName=", "ID=", "Exam.Date=", "View=",
                                          "2DS Date=", "Knot positions (X:Y) in mm"};
    for (int i = 0; i < 7; i++) {
        dys_status st = next_header_line(r, labels[i]);
        if (st != DYS_OK)
            return st;
        size_t lead = 0;
        while (lead < r->len && (r->line[lead] == ' ' || r->line[lead] == '\t'))
            lead++;
        const char *l = r->line + lead;
        size_t n = r->len - lead, ll = strlen(labels[i]);
        if (!starts_with(l, n, labels[i]))
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%zu: '%.*s': expected the header line '%s...' (line %d of "
                            "a full-trace export)", r->path, r->t->line, lead + 1, DYS_SNIP(n),
                            l, labels[i], i + 1);
        const char *val = l + ll;
        size_t vlen = n - ll;
        while (vlen && (*val == ' ' || *val == '\t')) {
            val++;
            vlen--;
        }
        if (i == 2 && !(r->c->id = dys_strndup(val, vlen)))
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        if (i == 2) {
            r->c->id_line = r->t->line;
            r->c->id_col = (int)(val - r->line) + 1;
        }
        if (i == 4) {
            r->c->view_line = r->t->line;
            r->c->view_col = (int)(val - r->line) + 1;
            int v = view_from_text(val, vlen);
            if (!v)
                return dys_fail(r->ctx, DYS_ERR_UNSUPPORTED,
                                "%s:%d:%zu: view '%.*s' is not supported: expected 4CH, 2CH, "
                                "APLAX, SAX-MV, SAX-PM or SAX-AP (a left-ventricular wall)",
                                r->path, r->t->line, (size_t)(val - r->line) + 1,
                                DYS_SNIP(vlen), val);
            r->c->view = (dys_contour_view)v;
            r->c->closed = dys_contour_view_is_sax(r->c->view);
        }
    }
    return DYS_OK;
}

/* The value after `label` in the FR= line as a finite number >= 0, and
 * its column; refused when the label is missing or its value is not
 * such a number. */
static dys_status labelled(creader *r, const char *label, double *out, int *col)
{
    size_t ll = strlen(label);
    for (size_t i = 0; i + ll <= r->len; i++) {
        if (strncasecmp(r->line + i, label, ll) != 0 ||
            (i > 0 && !isspace((unsigned char)r->line[i - 1])))
            continue;
        size_t j = i + ll;
        while (j < r->len && (r->line[j] == ' ' || r->line[j] == '\t'))
            j++;
        size_t k = j;
        while (k < r->len && !isspace((unsigned char)r->line[k]) && r->line[k] != ',')
            k++;
        *col = (int)j + 1;
        if (dys_parse_number(r->line + j, k - j, 0, r->ctx->c_locale, out) != 0 ||
            !isfinite(*out) || *out < 0)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: %s'%.*s': expected a number, 0 or more", r->path,
                            r->t->line, *col, label, DYS_SNIP(k - j), r->line + j);
        return DYS_OK;
    }
    return dys_fail(r->ctx, DYS_ERR_PARSE,
                    "%s:%d:%zu: no '%s' on the FR= line: expected FR=, Left Marker Time=, "
                    "Right Marker Time= and ES Time=", r->path, r->t->line, r->len + 1, label);
}

/* "FR= 52 Left Marker Time=0.23 Right Marker Time=0.822 ES Time=0.402". */
static dys_status read_rates(creader *r)
{
    dys_contour *c = r->c;
    dys_status st = next_header_line(r, "FR= ... Left Marker Time= ... ES Time=");
    if (st != DYS_OK)
        return st;
    if (!starts_with(r->line, r->len, "FR="))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: '%.*s': expected 'FR= <frames/s> Left Marker Time=... "
                        "Right Marker Time=... ES Time=...'", r->path, r->t->line,
                        DYS_SNIP(r->len), r->line);
    r->fr_line = r->t->line;
    int fr_col;
    if ((st = labelled(r, "FR=", &c->frame_rate_hz, &fr_col)) != DYS_OK ||
        (st = labelled(r, "Left Marker Time=", &c->left_marker_s, &r->left_col)) != DYS_OK ||
        (st = labelled(r, "Right Marker Time=", &c->right_marker_s, &r->right_col)) != DYS_OK ||
        (st = labelled(r, "ES Time=", &c->es_time_s, &r->es_col)) != DYS_OK)
        return st;
    if (!(c->frame_rate_hz > 0 && c->frame_rate_hz <= MAX_FRAME_RATE))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: FR= %g: expected a frame rate above 0 and at most %g "
                        "frames/s", r->path, r->t->line, fr_col, c->frame_rate_hz,
                        MAX_FRAME_RATE);
    if (!(c->right_marker_s > c->left_marker_s))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: Right Marker Time=%g s is not after Left Marker Time=%g s: "
                        "expected the marked cycle's end after its start", r->path, r->t->line,
                        r->right_col, c->right_marker_s, c->left_marker_s);
    c->fr_line = r->t->line;
    c->fr_col = fr_col;
    c->left_col = r->left_col;
    c->right_col = r->right_col;
    c->es_col = r->es_col;
    return DYS_OK;
}

/* An unsigned count of at most 9 digits starting at s[*i] (blanks
 * before it skipped); -1 when there is none. */
static long long count_token(const char *s, size_t len, size_t *i, int *col)
{
    while (*i < len && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
    *col = (int)*i + 1;
    size_t j = *i;
    long long v = 0;
    while (j < len && isdigit((unsigned char)s[j]) && j - *i < 9)
        v = v * 10 + (s[j++] - '0');
    if (j == *i || (j < len && s[j] != ' ' && s[j] != '\t' && s[j] != ','))
        return -1;
    *i = j;
    return v;
}

/* "Num Frames:  Knots:" and the two counts under it, checked against
 * the bytes that follow before the knots are allocated. */
static dys_status read_counts(creader *r)
{
    dys_contour *c = r->c;
    dys_status st = next_header_line(r, "Num Frames:  Knots:");
    if (st != DYS_OK)
        return st;
    if (!starts_with(r->line, r->len, "Num Frames:") ||
        !memmem(r->line, r->len, "Knots:", 6))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: '%.*s': expected 'Num Frames:  Knots:'", r->path, r->t->line,
                        DYS_SNIP(r->len), r->line);
    if ((st = next_header_line(r, "<frames> <knots>")) != DYS_OK)
        return st;
    r->counts_line = r->t->line;
    size_t i = 0;
    int fcol, kcol;
    long long nf = count_token(r->line, r->len, &i, &fcol);
    if (nf < 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: '%.*s': expected the number of frames, then of knots",
                        r->path, r->t->line, fcol, DYS_SNIP(r->len - (size_t)(fcol - 1)),
                        r->line + fcol - 1);
    long long nk = count_token(r->line, r->len, &i, &kcol);
    if (nk < 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: '%.*s': expected the number of knots after the %lld "
                        "frames", r->path, r->t->line, kcol,
                        DYS_SNIP(r->len - (size_t)(kcol - 1)), r->line + kcol - 1, nf);
    if (unpadded(r->line + i, r->len - i) != 0)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%zu: '%.*s' after the knots: expected two counts only", r->path,
                        r->t->line, i + 1, DYS_SNIP(r->len - i), r->line + i);
    /* Strain needs two frames (a reference and another); a wall needs
     * three knots to have a shape. */
    if (nf < 2)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: a frame count of %lld: expected at least 2 frames", r->path,
                        r->t->line, fcol, nf);
    if (nk < 3)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: a knot count of %lld: expected at least 3 knots", r->path,
                        r->t->line, kcol, nk);
    if ((unsigned long long)nf > r->opt->max_rows)
        return dys_fail(r->ctx, DYS_ERR_UNSUPPORTED,
                        "%s:%d:%d: %lld frames: expected at most %zu (the row limit; "
                        "--max-rows raises it)", r->path, r->t->line, fcol, nf,
                        r->opt->max_rows);
    /* Each value takes at least a digit and a separator: 4 bytes a knot,
     * less the last comma.  Counts of at most 9 digits keep the product
     * within 64 bits. */
    unsigned long long need = (unsigned long long)nf * (4ULL * (unsigned long long)nk) - 1;
    size_t left = r->t->len - r->t->pos;
    if (need > left)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: %lld frames of %lld knots need at least %llu bytes, the "
                        "file has %zu after this line: expected counts that fit the data "
                        "(a truncated file, or wrong counts)", r->path, r->t->line, fcol, nf,
                        nk, need, left);
    c->n_frames = (size_t)nf;
    c->n_knots = (size_t)nk;
    c->xy = dys_calloc(c->n_frames * c->n_knots * 2, sizeof *c->xy);
    c->frame_line = dys_calloc(c->n_frames, sizeof *c->frame_line);
    if (!c->xy || !c->frame_line)
        return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    return DYS_OK;
}

/* A line with nothing but padding (blanks, commas). */
static int blank(const char *s, size_t len)
{
    return unpadded(s, len) == 0;
}

/* One frame's line: exactly 2 * n_knots comma-separated finite
 * positions (blanks around a value allowed), then only padding. */
static dys_status read_frame(creader *r, size_t f)
{
    dys_contour *c = r->c;
    size_t want = 2 * c->n_knots, got = 0, i = 0, len = r->len;
    const char *s = r->line;
    double *dst = c->xy + f * want;
    size_t end = unpadded(s, len);
    while (i < end) {
        size_t a = i;
        while (a < end && (s[a] == ' ' || s[a] == '\t'))
            a++;
        size_t b = a;
        while (b < end && s[b] != ',')
            b++;
        size_t e = b;
        while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t'))
            e--;
        if (got == want)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%zu: frame %zu has more than %zu values: expected 2 per "
                            "knot for the %zu knots of line %d", r->path, r->t->line, a + 1,
                            f, want, c->n_knots, r->counts_line);
        double v;
        if (e == a)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%zu: empty value (%c of knot %zu): expected a number",
                            r->path, r->t->line, a + 1, got % 2 ? 'y' : 'x', got / 2);
        if (dys_parse_number(s + a, e - a, 0, r->ctx->c_locale, &v) != 0)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%zu: '%.*s' is not a number: expected the %c of knot %zu "
                            "in mm", r->path, r->t->line, a + 1, DYS_SNIP(e - a), s + a,
                            got % 2 ? 'y' : 'x', got / 2);
        if (!isfinite(v))
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%zu: '%.*s' is out of range: expected the %c of knot %zu, "
                            "a finite number of mm", r->path, r->t->line, a + 1,
                            DYS_SNIP(e - a), s + a, got % 2 ? 'y' : 'x', got / 2);
        if (fabs(v) > MAX_POSITION_MM)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%zu: %.*s mm is not a knot position: expected within "
                            "%g mm of the probe", r->path, r->t->line, a + 1, DYS_SNIP(e - a),
                            s + a, MAX_POSITION_MM);
        dst[got++] = v;
        i = b + 1;
    }
    if (got < want)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%zu: frame %zu has %zu values%s: expected %zu, 2 per knot for "
                        "the %zu knots of line %d", r->path, r->t->line, end + 1, f, got,
                        got % 2 ? " (an x without its y)" : "", want, c->n_knots,
                        r->counts_line);
    return DYS_OK;
}

/* The frames, then nothing but padding. */
static dys_status read_frames(creader *r)
{
    dys_contour *c = r->c;
    size_t f = 0;
    while (dys_text_next(r->t, &r->line, &r->len)) {
        if (blank(r->line, r->len))
            continue;
        if (f == c->n_frames)
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:1: a frame beyond the %zu of line %d: expected %zu lines "
                            "of knots", r->path, r->t->line, c->n_frames, r->counts_line,
                            c->n_frames);
        c->frame_line[f] = r->t->line;
        dys_status st = read_frame(r, f++);
        if (st != DYS_OK)
            return st;
    }
    if (f < c->n_frames)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:1: the file ends after %zu of the %zu frames of line %d: "
                        "expected a line of knots per frame (a truncated file?)", r->path,
                        r->t->line + 1, f, c->n_frames, r->counts_line);
    return DYS_OK;
}

/* What needs the header and the data together: the markers and ES time
 * fall inside the recording (frame k at k / FR; the nearest frame, as the
 * geometry takes them), and the markers on different frames; whether a
 * ring's last knot repeats its first.  ES Time counts from the left
 * marker (the cycle's QRS trigger), not from frame 0: docs/format.md
 * gives the evidence (on SUB_0014 it then falls on the hand-marked AVC,
 * taken from frame 0 it would fall 3 frames after the QRS onset). */
static dys_status check_times(creader *r)
{
    dys_contour *c = r->c;
    double last_s = (double)(c->n_frames - 1) / c->frame_rate_hz;
    const struct {
        const char *label;
        double t;
        int col;
        const char *from;
    } m[3] = {{"Left Marker Time=", c->left_marker_s, r->left_col, ""},
              {"Right Marker Time=", c->right_marker_s, r->right_col, ""},
              {"ES Time=", c->left_marker_s + c->es_time_s, r->es_col,
               " after the left marker"}};
    for (int i = 0; i < 3; i++)
        if (floor(m[i].t * c->frame_rate_hz + 0.5) > (double)(c->n_frames - 1))
            return dys_fail(r->ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: %s%g s%s is after the last of the %zu frames (%.6g s "
                            "at FR= %g): expected a time within the recording", r->path,
                            r->fr_line, m[i].col, m[i].label,
                            i == 2 ? c->es_time_s : m[i].t, m[i].from, c->n_frames, last_s,
                            c->frame_rate_hz);
    size_t ref, drift;
    dys_contour_marker_frames(c, &ref, &drift);
    if (ref == drift)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: the markers %g and %g s fall on the same frame (%zu at FR= "
                        "%g): expected a cycle of at least two frames", r->path, r->fr_line,
                        r->right_col, c->left_marker_s, c->right_marker_s, ref,
                        c->frame_rate_hz);
    if (c->closed && c->n_knots >= 4) {
        /* The same digits give the same double: equal means repeated. */
        int rep = 1;
        for (size_t f = 0; f < c->n_frames && rep; f++) {
            const double *p = c->xy + 2 * f * c->n_knots;
            rep = p[0] == p[2 * (c->n_knots - 1)] && p[1] == p[2 * (c->n_knots - 1) + 1];
        }
        c->repeats_first = rep;
    }
    return DYS_OK;
}

dys_status dys_contour_parse(dys_ctx *ctx, dys_text *t, const dys_read_options *opt,
                             dys_contour **out)
{
    *out = NULL;
    dys_contour *c = calloc(1, sizeof *c);
    if (!c || !(c->source = dys_strdup(t->path))) {
        free(c);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    c->frame_rate_hz = c->left_marker_s = c->right_marker_s = c->es_time_s = NAN;
    creader r = {ctx, t, opt, t->path, c, 0, 0, 0, 0, 0, NULL, 0};
    dys_status st = read_header(&r);
    if (st == DYS_OK)
        st = read_rates(&r);
    if (st == DYS_OK)
        st = read_counts(&r);
    if (st == DYS_OK)
        st = read_frames(&r);
    if (st == DYS_OK)
        st = check_times(&r);
    if (st != DYS_OK) {
        dys_contour_free(c);
        return st;
    }
    *out = c;
    return DYS_OK;
}

dys_status dys_contour_read(dys_ctx *ctx, const char *path, const dys_read_options *opt,
                            dys_contour **out)
{
    *out = NULL;
    dys_text t;
    dys_status st = dys_text_load(ctx, &t, path, opt);
    if (st != DYS_OK)
        return st;
    st = dys_contour_parse(ctx, &t, opt, out);
    dys_text_free(&t);
    return st;
}
