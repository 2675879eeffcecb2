/*
 * study.c - reading a study: the read options, one file or a directory of
 * view files, the checks that need all of them, the study's lifetime and
 * the probes that tell a study file or a view directory from other files.
 * The text buffer is in text.c, the metadata rules in meta.c.
 *
 * A file is recognised by its content (a GE EchoPAC traces export starts
 * with "Local Traces" or "Segmental Traces", a full-trace contour export
 * with FName= (contour_study.c); XML, starting with '<', is EchoPAC's
 * myocardial-work workbook, a whole study in one file; anything else is
 * the study CSV of docs/format.md), never by its name.  In a directory
 * every *.csv, *.tsv and *.txt file is one view; the view comes from its `view` metadata,
 * else from its file name (a4c, 2ch, aplax, ... as a word in the name).  Values are converted to the
 * engine's units (ms, cm/s) only after all files are read, because the
 * study-level `velocity_unit` may stand in any of them.
 */
#include "contour.h"
#include "study_internal.h"
#include "work.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- read options ---------------------------------------------------- */

static const char *const colour_names[6] = {"yellow", "cyan", "green",
                                            "magenta", "blue", "red"};

void dys_read_options_defaults(dys_read_options *opt)
{
    memset(opt, 0, sizeof *opt);
    /* The conventional 4-chamber ROI layout (docs/format.md, ROI colours):
     * up the septum, then down the lateral wall. */
    opt->colour_map[0] = DYS_AHA_BASAL_INFEROSEPTAL;   /* YELLOW */
    opt->colour_map[1] = DYS_AHA_MID_INFEROSEPTAL;     /* CYAN */
    opt->colour_map[2] = DYS_AHA_APICAL_INFEROSEPTAL;  /* GREEN apical septal */
    opt->colour_map[3] = DYS_AHA_APICAL_ANTEROLATERAL; /* MAGENTA apical lateral */
    opt->colour_map[4] = DYS_AHA_MID_ANTEROLATERAL;    /* BLUE */
    opt->colour_map[5] = DYS_AHA_BASAL_ANTEROLATERAL;  /* RED */
    opt->colour_map_set = 0;
    opt->max_file_bytes = (size_t)512 << 20;
    opt->max_rows = 10000000;
    opt->n_qrs_onsets = 0;
    opt->contour_trace = DYS_CONTOUR_TRACE_STRAIN;
    opt->contour_flip = 0;
}

int dys_colour_index(const char *normalised)
{
    for (int i = 0; i < 6; i++)
        if (strcmp(normalised, colour_names[i]) == 0)
            return i;
    return -1;
}

dys_status dys_read_options_parse_map(dys_ctx *ctx, dys_read_options *opt,
                                      const char *spec)
{
    int map[6];
    for (int i = 0; i < 6; i++)
        map[i] = -2;
    if (!opt || !spec)
        return dys_fail(ctx, DYS_ERR_INVALID, "--map: no map given");
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        char colour[32], seg[96];
        if (!eq)
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "--map: '%.*s': expected COLOUR=segment", DYS_SNIP(len), p);
        dys_normalise_name(p, (size_t)(eq - p), colour, sizeof colour);
        dys_normalise_name(eq + 1, len - (size_t)(eq - p) - 1, seg, sizeof seg);
        int c = dys_colour_index(colour);
        if (c < 0)
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "--map: unknown colour '%s' (expected YELLOW, CYAN, "
                            "GREEN, MAGENTA, BLUE or RED)", colour);
        int s = dys_segment_from_name(seg);
        if (s < 0 && !dys_is_extra_column(seg) && strcmp(seg, "none") != 0)
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "--map: unknown segment '%s' for %s (expected one of "
                            "the 18 segments, apex, global or none)", seg,
                            colour);
        map[c] = s >= 0 ? s : -1;
        p = end ? end + 1 : p + len;
    }
    memcpy(opt->colour_map, map, sizeof map);
    opt->colour_map_set = 1;
    return DYS_OK;
}

/* ---- the reader state ------------------------------------------------- */

void dys_reader_free(dys_reader *r)
{
    free(r->row_line.v);
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        free(r->cell_col[k].v);
    memset(&r->row_line, 0, sizeof r->row_line);
    memset(r->cell_col, 0, sizeof r->cell_col);
}

dys_status dys_next_time(dys_reader *r, int line, int col, double t_ms,
                         double *prev_ms)
{
    if (!(t_ms > *prev_ms))
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: time %.6g ms is not after the previous row's "
                        "%.6g ms: expected strictly increasing times", r->path,
                        line, col, t_ms, *prev_ms);
    *prev_ms = t_ms;
    return DYS_OK;
}

/* ---- the study -------------------------------------------------------- */

void dys_recording_init(dys_recording *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->avo_ms = rec->avc_ms = NAN;
    rec->avc_file_ms = rec->frame_rate_hz = rec->cycle_ms = rec->cycle_start_ms = NAN;
}

void dys_recording_clear(dys_recording *rec)
{
    free(rec->source);
    free(rec->format);
    free(rec->t_ms);
    free(rec->ecg_mv);
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        free(rec->seg[s]);
    free(rec->qrs_onsets_ms);
    dys_strlist_free(rec->extra_columns, rec->n_extra_columns);
    free(rec->global_strain_pct);
    free(rec->apex_transverse_mm);
    memset(rec, 0, sizeof *rec);
}

void dys_study_free(dys_study *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_rec; i++)
        dys_recording_clear(&s->rec[i]);
    free(s->rec);
    for (size_t i = 0; i < s->n_meta; i++) {
        free(s->meta[i].key);
        free(s->meta[i].value);
        free(s->meta[i].file);
    }
    free(s->meta);
    dys_strlist_free(s->warnings, s->n_warnings);
    dys_work_input_clear(&s->work);
    free(s->study_id);
    free(s->patient_id);
    free(s->source);
    free(s->trace_label);
    free(s);
}

static dys_study *study_new(const char *path)
{
    dys_study *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->avo_ms = s->avc_ms = s->hr_bpm = NAN;
    s->qrs_duration_ms = s->lvef_pct = NAN;
    s->lv_pep_ms = s->rv_pep_ms = s->spwmd_ms = s->filling_time_pct_rr = NAN;
    s->av_delay_ms = s->vv_delay_ms = s->lvot_vti_cm = s->mitral_vti_cm = NAN;
    s->pacing_mode = DYS_PACING_UNKNOWN;
    s->e_a_fused = s->reference_setting = -1;
    s->lbbb = -1;
    s->tapse_mm = s->rv_s_prime_cm_s = NAN;
    for (int i = 0; i < DYS_N_SEGMENTS; i++)
        s->scar_pct[i] = NAN;
    dys_work_input_init(&s->work);
    s->source = dys_strdup(path);
    if (!s->source) {
        free(s);
        return NULL;
    }
    return s;
}

/* The QRS onsets given with the read options as the recording's own
 * (they replace the file's, which a warning names). */
static dys_status give_onsets(dys_ctx *ctx, dys_study *s, dys_recording *rec,
                              const dys_read_options *opt)
{
    double *on = malloc(opt->n_qrs_onsets * sizeof *on);
    if (!on)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    memcpy(on, opt->qrs_onsets_ms, opt->n_qrs_onsets * sizeof *on);
    if (rec->n_qrs_onsets)
        dys_strlist_add(&s->warnings, &s->n_warnings,
                        "%s: its %zu QRS onset%s (qrs_onsets_ms) replaced by the %zu given "
                        "(--qrs-onsets)", rec->source, rec->n_qrs_onsets,
                        rec->n_qrs_onsets == 1 ? "" : "s", opt->n_qrs_onsets);
    free(rec->qrs_onsets_ms);
    rec->qrs_onsets_ms = on;
    rec->n_qrs_onsets = opt->n_qrs_onsets;
    return DYS_OK;
}

/* Read one file into a new recording appended to the study; *where
 * receives the reader's state (header position, where each sample
 * stands), which the caller frees with dys_reader_free.  in_dir: the file
 * is one of a directory's views.  loaded: its text already in memory
 * (dys_study_read_memory), taken over and freed here; NULL: load path. */
static dys_status read_one(dys_ctx *ctx, dys_study *s, const char *path,
                           const dys_read_options *opt, dys_reader *where,
                           int in_dir, dys_text *loaded)
{
    memset(where, 0, sizeof *where);
    dys_recording *nr = realloc(s->rec, (s->n_rec + 1) * sizeof *nr);
    if (!nr) {
        if (loaded)
            dys_text_free(loaded);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    s->rec = nr;
    dys_recording *rec = &nr[s->n_rec];
    dys_recording_init(rec);
    s->n_rec++;
    rec->source = dys_strdup(path);
    if (!rec->source) {
        if (loaded)
            dys_text_free(loaded);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }

    dys_text t;
    dys_status st = DYS_OK;
    if (loaded)
        t = *loaded;
    else
        st = dys_text_load(ctx, &t, path, opt);
    if (st != DYS_OK)
        return st;
    dys_reader r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.study = s;
    r.rec = rec;
    r.path = path;
    r.opt = opt;
    int echopac = dys_text_is_echopac(&t);
    int contour = !echopac && dys_text_is_contour(&t);
    rec->format = dys_strdup(contour ? "echopac-contour" : echopac ? "echopac" : "csv");
    st = !rec->format  ? dys_fail(ctx, DYS_ERR_NOMEM, "out of memory")
         : contour     ? dys_read_contour_study(&r, &t)
         : echopac     ? dys_read_echopac(&r, &t)
                       : dys_read_csv(&r, &t);
    dys_text_free(&t);
    if (st == DYS_OK && opt->n_qrs_onsets)
        st = give_onsets(ctx, s, rec, opt);
    /* A colour export read with the default 4-chamber map is an A4C view
     * (in a directory, read_dir checks this against the file name). */
    if (st == DYS_OK && !in_dir && r.default_map_col && rec->view == DYS_VIEW_UNKNOWN)
        rec->view = DYS_VIEW_A4C;
    *where = r;
    return st;
}

int dys_is_data_file_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".tsv") ||
                   !strcasecmp(dot, ".txt") || !strcasecmp(dot, ".xml"));
}

int dys_is_data_file(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (dys_is_data_file_name(base))
        return 1;
    /* only a name without any extension is opened to look: a folder's
     * images and documents are never read */
    return !strchr(base, '.') && dys_file_is_contour(path);
}

/* The first 4 KB of a file, NUL-terminated, into buf (4097 bytes); -1
 * when it cannot be read. */
static long file_head(const char *path, char *buf)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, 4096, f);
    fclose(f);
    buf[n] = '\0';
    return (long)n;
}

/* Whether a file is XML (its first byte after a byte-order mark and
 * blanks is '<'): GE EchoPAC's myocardial-work workbook. */
static int file_is_xml(const char *path)
{
    char buf[4097];
    if (file_head(path, buf) < 0)
        return 0;
    return dys_text_is_xml(!strncmp(buf, "\xEF\xBB\xBF", 3) ? buf + 3 : buf);
}

/* Whether a file's metadata says which view it holds (`# view: A4C`). */
static int metadata_names_view(const char *path)
{
    char buf[4097];
    if (file_head(path, buf) < 0)
        return 0;
    /* lines end with LF, CRLF or a lone CR (old Mac, EchoPAC full traces) */
    for (const char *l = buf; l && *l; l = strpbrk(l, "\r\n") ? strpbrk(l, "\r\n") + 1 : NULL) {
        if (*l == '\n' || *l == '\r')
            continue;
        if (*l != '#')
            break; /* metadata ends at the header */
        const char *k = l + 1;
        while (*k == ' ')
            k++;
        if (!strncasecmp(k, "view", 4) && (k[4] == ':' || k[4] == ' '))
            return 1;
    }
    return 0;
}

int dys_file_is_study(const char *path)
{
    char buf[4097];
    long got = file_head(path, buf);
    if (got < 0)
        return 1; /* reading it will say why */
    size_t n = (size_t)got;
    /* empty, binary or UTF-16: a broken study, to be failed loudly */
    if (n == 0 || memchr(buf, '\0', n))
        return 1;
    const char *p = buf;
    if (!strncmp(p, "\xEF\xBB\xBF", 3)) /* UTF-8 byte order mark */
        p += 3;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    size_t line = strcspn(p, "\r\n");
    if (*p == '"')
        p++;
    /* a table of studies, not a study: dyssync's own tables (studies.csv,
     * segments.csv, errors.csv), synth's truth and outcomes files */
    if ((!strncasecmp(p, "study_id", 8) || !strncasecmp(p, "source", 6)) &&
        memchr(p, ',', line))
        return 0;
    /* a study's per-segment anatomy table (scar, veins: metadata key
     * segment_table), which lives beside its study: its header, after any
     * comment lines, starts with "segment" (a study's starts with time) */
    const char *h = p;
    while (*h == '#') {
        h += strcspn(h, "\r\n");
        h += strspn(h, "\r\n");
    }
    if (!strncasecmp(h, "segment", 7) && h[7] && strchr(",;\t", h[7]))
        return 0;
    /* XML: a study when it is a workbook (or cannot be told from its first
     * bytes: reading then says why), not when it is other XML */
    if (dys_text_is_xml(p))
        return dys_xml_root_is_workbook(p, n - (size_t)(p - buf)) != 0;
    /* prose (a README, a licence): no metadata, no EchoPAC title, no
     * separator in the first line; a full-trace contour export's first
     * line (FName=) may have no separator either */
    return *p == '#' || dys_echopac_title(p) || strcspn(p, ",;\t\r\n") < line ||
           dys_file_is_contour(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The view named by a word of a file name ("study7_a4c.csv", "2CH.txt"). */
static dys_view view_from_filename(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    char word[32];
    size_t n = 0;
    for (const char *p = base;; p++) {
        if (isalnum((unsigned char)*p)) {
            if (n < sizeof word - 1)
                word[n++] = *p;
            continue;
        }
        word[n] = '\0';
        if (n) {
            dys_view v = dys_view_from_name(word);
            if (v != DYS_VIEW_UNKNOWN)
                return v;
        }
        n = 0;
        if (*p == '\0' || *p == '.')
            break;
    }
    return DYS_VIEW_UNKNOWN;
}

/* The one rule for view directories (dys_dir_is_view_study, read_dir):
 * a directory's study files are one study's views when one of them says
 * so plainly, by `# view:` metadata or by a name that is a view's
 * ("a4c.csv", "2CH.txt"), or when every one of them has a view among the
 * words of its name ("P01_a4c.csv, P01_a2c.csv, ...").  A lone
 * "echopac_a4c_velocity.txt" among single-file studies (an EchoPAC export
 * holds one view) does not make its folder one study. */
static int contour_view_set(char *const *names, size_t n, char *why, size_t cap);

static int is_view_set(char *const *names, size_t n)
{
    char why[512];
    int cv = contour_view_set(names, n, why, sizeof why);
    if (cv >= 0)
        return cv;
    size_t named = 0;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(names[i], '/');
        base = base ? base + 1 : names[i];
        char stem[32];
        snprintf(stem, sizeof stem, "%.*s", (int)strcspn(base, "."), base);
        if (metadata_names_view(names[i]) || dys_view_from_name(stem) != DYS_VIEW_UNKNOWN)
            return 1;
        named += view_from_filename(names[i]) != DYS_VIEW_UNKNOWN;
    }
    return n > 0 && named == n;
}

/* Full-trace contour exports say their view (View=) and patient (ID=)
 * in their header, so a directory of them is one study by its content:
 * every file a contour export of an apical view (4CH, 2CH, APLAX), each
 * view once, all with the same ID=.  A short-axis ring is a study of its
 * own (circumferential strain is not merged with the apical views'
 * longitudinal strain), and contours beside other files are separate
 * studies too.  Returns -1 when no file is a contour (the other rules
 * decide), 1 for one study, 0 with the reason in why. */
static int contour_view_set(char *const *names, size_t n, char *why, size_t cap)
{
    char view[3][16], id0[128] = "", id[128], v[16];
    size_t n_contours = 0;
    for (size_t i = 0; i < n; i++)
        n_contours += dys_contour_peek(names[i], v, sizeof v, id, sizeof id) != 0;
    if (n_contours == 0)
        return -1;
    snprintf(why, cap, "not one study");
    if (n_contours < n) {
        snprintf(why, cap, "it holds full-trace contour exports and other files: each is a "
                 "study of its own");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        dys_contour_peek(names[i], v, sizeof v, id, sizeof id);
        dys_view sv = !strcasecmp(v, "4CH")     ? DYS_VIEW_A4C
                      : !strcasecmp(v, "2CH")   ? DYS_VIEW_A2C
                      : !strcasecmp(v, "APLAX") ? DYS_VIEW_APLAX
                                                : DYS_VIEW_UNKNOWN;
        if (sv == DYS_VIEW_UNKNOWN) {
            snprintf(why, cap, "%s is a %s contour: a short-axis ring (or a view other than "
                     "4CH, 2CH, APLAX) is a study of its own, not one of a study's apical "
                     "views", names[i], v[0] ? v : "viewless");
            return 0;
        }
        if (i && strcmp(id, id0)) {
            snprintf(why, cap, "its contour exports are of different patients (ID=%s in %s, "
                     "ID=%s in %s)", id0, names[0], id, names[i]);
            return 0;
        }
        snprintf(id0, sizeof id0, "%s", id);
        for (size_t j = 0; j < i && j < 3; j++)
            if (!strcasecmp(view[j], v)) {
                snprintf(why, cap, "two of its contour exports are %s views (%s and another): "
                         "a study has each view once", v, names[i]);
                return 0;
            }
        if (i < 3)
            snprintf(view[i], sizeof view[i], "%s", v);
        else {
            snprintf(why, cap, "more than three contour exports: a study has each apical "
                     "view once");
            return 0;
        }
    }
    return 1;
}

/* The data files of a directory (*.csv, *.tsv, *.txt, regular files),
 * full paths in name order; at least one. */
static dys_status list_data_files(dys_ctx *ctx, const char *path, char ***names_out,
                                  size_t *n_out)
{
    DIR *d = opendir(path);
    if (!d)
        return dys_fail(ctx, DYS_ERR_IO, "%s: cannot open directory: %s", path,
                        strerror(errno));
    char **names = NULL;
    size_t n = 0;
    dys_status st = DYS_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *full = dys_asprintf("%s/%s", path, e->d_name);
        struct stat sb;
        if (!full) {
            st = DYS_ERR_NOMEM;
            break;
        }
        /* prose (a README) and tables of studies are not view files: the
         * same files batch discovery skips */
        if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode) || !dys_is_data_file(full) ||
            !dys_file_is_study(full)) {
            free(full);
            continue;
        }
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn) {
            free(full);
            st = DYS_ERR_NOMEM;
            break;
        }
        names = nn;
        names[n++] = full;
    }
    closedir(d);
    if (st != DYS_OK) {
        dys_strlist_free(names, n);
        return dys_fail(ctx, st, "out of memory");
    }
    if (n == 0)
        return dys_fail(ctx, DYS_ERR_PARSE,
                        "%s: directory holds no view files: expected *.csv, "
                        "*.tsv or *.txt files",
                        path);
    qsort(names, n, sizeof *names, cmp_str);
    *names_out = names;
    *n_out = n;
    return DYS_OK;
}

int dys_dir_is_view_study(const char *dir)
{
    char **names = NULL;
    size_t n = 0;
    if (list_data_files(NULL, dir, &names, &n) != DYS_OK)
        return 0;
    int views = is_view_set(names, n);
    dys_strlist_free(names, n);
    return views;
}

/* The view of the file just read as rec[i] of a directory (its metadata,
 * else its name, else A4C for the default colour map), refused when none
 * or when one of its segments was in an earlier file. */
static dys_status place_view(dys_ctx *ctx, dys_study *s, char **names,
                             const dys_reader *where, size_t i)
{
    dys_recording *rec = &s->rec[s->n_rec - 1];
    if (rec->view == DYS_VIEW_UNKNOWN)
        rec->view = view_from_filename(names[i]);
    if (where[i].default_map_col) {
        /* The default colour map is the 4-chamber layout. */
        if (rec->view == DYS_VIEW_UNKNOWN)
            rec->view = DYS_VIEW_A4C;
        if (rec->view != DYS_VIEW_A4C)
            return dys_fail(ctx, DYS_ERR_PARSE,
                            "%s:%d:%d: ROI colours in an %s file: the default "
                            "colour map is the 4-chamber layout; expected --map "
                            "(COLOUR=segment,...) for this view", names[i],
                            where[i].header_line, where[i].default_map_col,
                            dys_view_name(rec->view));
    }
    if (rec->view == DYS_VIEW_UNKNOWN)
        return dys_fail(ctx, DYS_ERR_PARSE,
                        "%s:1:1: cannot tell which view this file holds: "
                        "expected '# view: A4C' (or A2C, APLAX) or the view "
                        "in the file name (a4c.csv)", names[i]);
    /* A segment may stand in only one view file: point at both. */
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        if (!rec->seg[k])
            continue;
        for (size_t j = 0; j < i; j++)
            if (s->rec[j].seg[k])
                return dys_fail(ctx, DYS_ERR_PARSE,
                                "%s:%d:%d: segment %s appears again (already "
                                "at %s:%d:%d): expected each segment in only "
                                "one view file", names[i], where[i].header_line,
                                where[i].seg_col[k], dys_segment_name(k),
                                names[j], where[j].header_line,
                                where[j].seg_col[k]);
    }
    return DYS_OK;
}

/* *where_out receives one reader state per file read (rec[i] from
 * (*where_out)[i]), owned by the caller even on failure. */
static dys_status read_dir(dys_ctx *ctx, dys_study *s, const char *path,
                           const dys_read_options *opt, dys_reader **where_out,
                           size_t *n_where)
{
    char **names = NULL;
    size_t n = 0;
    dys_status st = list_data_files(ctx, path, &names, &n);
    if (st != DYS_OK)
        return st;
    /* A folder of separate single-file studies is not one study's views:
     * said before a file of it fails for another reason. */
    char why[512];
    if (contour_view_set(names, n, why, sizeof why) == 0) {
        dys_strlist_free(names, n);
        return dys_fail(ctx, DYS_ERR_PARSE,
                        "%s: not the view files of one study: %s; for a folder of studies "
                        "use `dyssync batch -o OUTDIR %s`, or give analyze the files", path,
                        why, path);
    }
    if (!is_view_set(names, n)) {
        dys_strlist_free(names, n);
        return dys_fail(ctx, DYS_ERR_PARSE,
                        "%s: not the view files of one study (no file has '# view:' "
                        "metadata or a view's name, a4c.csv, and not every file has a view "
                        "in its name): for a folder of studies use "
                        "`dyssync batch -o OUTDIR %s`, or give analyze the files",
                        path, path);
    }
    /* Header positions, one per file read (rec[i] comes from names[i]). */
    dys_reader *where = dys_calloc(n, sizeof *where);
    if (!where) {
        dys_strlist_free(names, n);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    *where_out = where;
    for (size_t i = 0; i < n && st == DYS_OK; i++) {
        *n_where = i + 1;
        if (file_is_xml(names[i])) {
            st = dys_fail(ctx, DYS_ERR_PARSE,
                          "%s: a myocardial-work workbook among view files: it holds a whole "
                          "study (its three views): expected it on its own, not in a "
                          "directory of view files", names[i]);
            break;
        }
        st = read_one(ctx, s, names[i], opt, &where[i], 1, NULL);
        if (st == DYS_OK)
            st = place_view(ctx, s, names, where, i);
    }
    dys_strlist_free(names, n);
    return st;
}

static int view_rank(dys_view v)
{
    return v == DYS_VIEW_UNKNOWN ? 0 : (int)v;
}

static int cmp_rec(const void *a, const void *b)
{
    const dys_recording *x = a, *y = b;
    int d = view_rank(x->view) - view_rank(y->view);
    return d ? d : strcmp(x->source, y->source);
}

/* The view of a file that names none but whose segments all belong to
 * one (an A4C export naming basSept, basLat, ...); velocities scaled to
 * cm/s by the declared velocity_unit. */
static void views_and_units(dys_study *s, double scale)
{
    for (size_t i = 0; i < s->n_rec; i++) {
        dys_view v = DYS_VIEW_UNKNOWN;
        int one = 1;
        for (int k = 0; k < DYS_N_SEGMENTS && one; k++)
            if (s->rec[i].seg[k]) {
                one = v == DYS_VIEW_UNKNOWN || v == dys_segment_view(k);
                v = dys_segment_view(k);
            }
        if (s->rec[i].view == DYS_VIEW_UNKNOWN && one)
            s->rec[i].view = v;
        if (s->trace == DYS_TRACE_VELOCITY && scale != 1.0)
            for (int k = 0; k < DYS_N_SEGMENTS; k++)
                for (size_t j = 0; s->rec[i].seg[k] && j < s->rec[i].n; j++)
                    /* mm/s: divide, exact */
                    s->rec[i].seg[k][j] = scale == 0.1 ? s->rec[i].seg[k][j] / 10.0
                                                       : s->rec[i].seg[k][j] * scale;
    }
}

/* Each segment in one recording only; a warning where it stands in
 * another view's file; the study's frame rate where a file gives none.
 * *nseg gets the number of segments present. */
static dys_status check_segments(dys_ctx *ctx, dys_study *s, double fr, int *nseg)
{
    int seen[DYS_N_SEGMENTS];
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        seen[k] = -1;
    *nseg = 0;
    for (size_t i = 0; i < s->n_rec; i++) {
        dys_recording *rec = &s->rec[i];
        if (isnan(rec->frame_rate_hz))
            rec->frame_rate_hz = fr;
        for (int k = 0; k < DYS_N_SEGMENTS; k++) {
            if (!rec->seg[k])
                continue;
            if (seen[k] >= 0)
                return dys_fail(ctx, DYS_ERR_PARSE,
                                "%s:%d: segment %s appears again (already in %s): "
                                "expected each segment in only one view file",
                                rec->source, 1, dys_segment_name(k),
                                s->rec[seen[k]].source);
            seen[k] = (int)i;
            (*nseg)++;
            /* a short-axis ring images its level's six segments, whatever
             * apical view the model names for each */
            if (rec->view != DYS_VIEW_UNKNOWN && rec->view <= DYS_VIEW_APLAX &&
                rec->view != dys_segment_view(k))
                dys_strlist_add(&s->warnings, &s->n_warnings,
                                "%s: segment %s is imaged in %s but stands in a "
                                "%s file", rec->source, dys_segment_name(k),
                                dys_view_name(dys_segment_view(k)),
                                dys_view_name(rec->view));
        }
    }
    return DYS_OK;
}

/* The study's AVO and AVC: the value the view files agree on, NAN (each
 * view its own) with a warning when they differ. */
static void common_valve_times(dys_study *s)
{
    for (int e = 0; e < 2; e++) {
        double common = NAN;
        int differ = 0;
        for (size_t i = 0; i < s->n_rec; i++) {
            double v = e ? s->rec[i].avc_ms : s->rec[i].avo_ms;
            if (isnan(v))
                continue;
            differ |= !isnan(common) && v != common;
            if (isnan(common))
                common = v;
        }
        if (differ)
            dys_strlist_add(&s->warnings, &s->n_warnings,
                            "%s differs between the view files: each view uses its "
                            "own; a view without one has it estimated",
                            e ? "avc_ms" : "avo_ms");
        *(e ? &s->avc_ms : &s->avo_ms) = differ ? NAN : common;
    }
}

/* A study without study_id is named after its path: the last component
 * ("dir/" and "dir" alike), a file's without its extension (the part
 * after the last dot).  isdir: path is a directory (the caller knows: a
 * study read from memory has a name, not a path, to stat). */
static dys_status default_study_id(dys_ctx *ctx, dys_study *s, const char *path, int isdir)
{
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (start == end) /* "/" */
        start = 0;
    const char *base = path + start;
    size_t len = end - start;
    if (!isdir)
        for (size_t i = len; i > 1; i--)
            if (base[i - 1] == '.') {
                len = i - 1;
                break;
            }
    s->study_id = dys_strndup(base, len);
    if (!s->study_id)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    return DYS_OK;
}

/* Everything that needs all files: units, plausibility, defaults,
 * cross-file checks.  where[i] is the reader state of s->rec[i]; isdir:
 * path is a directory of view files. */
static dys_status finish(dys_ctx *ctx, dys_study *s, const char *path, int isdir,
                         const dys_reader *where, size_t n_where)
{
    double scale = dys_meta_number(s, ctx->c_locale, "velocity_unit");
    if (isnan(scale))
        scale = 1.0;
    double fr = dys_meta_number(s, ctx->c_locale, "frame_rate_hz");
    if (s->trace == DYS_TRACE_STRAIN && scale != 1.0)
        dys_strlist_add(&s->warnings, &s->n_warnings,
                        "velocity_unit ignored: the study holds strain (%%)");
    views_and_units(s, scale);
    /* In engine units now, and before the sort, while where[i] still
     * belongs to rec[i]. */
    if (n_where == s->n_rec) {
        dys_status st = dys_check_plausible(ctx, s, where, n_where);
        if (st != DYS_OK)
            return st;
    }
    qsort(s->rec, s->n_rec, sizeof *s->rec, cmp_rec);
    int nseg;
    dys_status st = check_segments(ctx, s, fr, &nseg);
    if (st != DYS_OK)
        return st;
    common_valve_times(s);
    if (nseg == 0)
        return dys_fail(ctx, DYS_ERR_PARSE,
                        "%s: no segment columns: expected some of the 18 segments "
                        "(basal_anterior ... apical_anterolateral)", path);
    return s->study_id ? DYS_OK : default_study_id(ctx, s, path, isdir);
}

/* The QRS onsets of the read options: at most DYS_MAX_GIVEN_ONSETS,
 * finite, increasing. */
static dys_status check_given_onsets(dys_ctx *ctx, const dys_read_options *opt)
{
    if (opt->n_qrs_onsets > DYS_MAX_GIVEN_ONSETS)
        return dys_fail(ctx, DYS_ERR_INVALID, "%zu QRS onsets given: expected at most %d",
                        opt->n_qrs_onsets, DYS_MAX_GIVEN_ONSETS);
    for (size_t i = 0; i < opt->n_qrs_onsets; i++)
        if (!isfinite(opt->qrs_onsets_ms[i]) ||
            (i && !(opt->qrs_onsets_ms[i] > opt->qrs_onsets_ms[i - 1])))
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "QRS onset %zu given as %g ms: expected finite times in ms, "
                            "increasing", i + 1, opt->qrs_onsets_ms[i]);
    return DYS_OK;
}

dys_status dys_study_read(dys_ctx *ctx, const char *path,
                          const dys_read_options *opt, dys_study **out)
{
    dys_read_options def;
    if (out)
        *out = NULL;
    if (!ctx || !path || !out)
        return dys_fail(ctx, DYS_ERR_INVALID, "dys_study_read: %s is NULL",
                        !ctx ? "ctx" : !path ? "path" : "out");
    if (!opt) {
        dys_read_options_defaults(&def);
        opt = &def;
    }
    *out = NULL;
    if (ctx)
        ctx->errmsg[0] = '\0';
    dys_status st = check_given_onsets(ctx, opt);
    if (st != DYS_OK)
        return st;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return dys_fail(ctx, DYS_ERR_IO, "%s: %s", path, strerror(errno));
    dys_study *s = study_new(path);
    if (!s)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    dys_reader one, *where = &one;
    size_t n_where = 1;
    if (S_ISDIR(sb.st_mode)) {
        where = NULL;
        n_where = 0;
        st = read_dir(ctx, s, path, opt, &where, &n_where);
    } else if (!S_ISREG(sb.st_mode)) {
        /* A pipe (analyze <(zcat study.csv.gz), /dev/stdin, a FIFO) can be
         * read only once: its text is loaded before anything looks at it
         * (file_is_xml's look at the head would consume it).  A workbook is
         * parsed from its file by expat, so it must be a regular file. */
        dys_text t;
        memset(&one, 0, sizeof one);
        st = dys_text_load(ctx, &t, path, opt);
        if (st == DYS_OK && dys_text_is_xml(t.data)) {
            dys_text_free(&t);
            st = dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                          "%s: XML (a myocardial-work workbook?) read from a pipe: expected "
                          "it as a regular file", path);
        } else if (st == DYS_OK) {
            st = read_one(ctx, s, path, opt, &one, 0, &t);
        }
    } else if (file_is_xml(path)) {
        /* a workbook: the whole study, one recording per view */
        where = NULL;
        n_where = 0;
        st = dys_read_workbook(ctx, s, path, opt, &where, &n_where);
    } else {
        st = read_one(ctx, s, path, opt, &one, 0, NULL);
    }
    /* Given onsets are one recording's: views are recorded on other
     * heartbeats, each on its own time axis. */
    if (st == DYS_OK && opt->n_qrs_onsets && s->n_rec > 1)
        st = dys_fail(ctx, DYS_ERR_INVALID,
                      "%s: QRS onsets given (--qrs-onsets) for a study of %zu view files: "
                      "they are one recording's times, and each view was recorded on "
                      "other heartbeats on its own time axis; expected a single-file "
                      "study (or qrs_onsets_ms in each view file)", path, s->n_rec);
    if (st == DYS_OK)
        st = finish(ctx, s, path, S_ISDIR(sb.st_mode), where, n_where);
    for (size_t i = 0; i < n_where; i++)
        dys_reader_free(&where[i]);
    if (where != &one)
        free(where);
    if (st != DYS_OK) {
        dys_study_free(s);
        return st;
    }
    *out = s;
    return DYS_OK;
}

dys_status dys_study_read_memory(dys_ctx *ctx, const char *name, const char *data,
                                 size_t len, const dys_read_options *opt, dys_study **out)
{
    dys_read_options def;
    if (out)
        *out = NULL;
    if (!ctx || !name || (!data && len) || !out)
        return dys_fail(ctx, DYS_ERR_INVALID, "dys_study_read_memory: %s is NULL",
                        !ctx ? "ctx" : !name ? "name" : !out ? "out" : "data");
    if (!opt) {
        dys_read_options_defaults(&def);
        opt = &def;
    }
    ctx->errmsg[0] = '\0';
    dys_status st = check_given_onsets(ctx, opt);
    if (st != DYS_OK)
        return st;
    /* The workbook reader parses a file (expat, with its own limits and
     * the file's name in every message): not worth a second path. */
    char head[4097];
    size_t hn = len < 4096 ? len : 4096;
    if (hn)
        memcpy(head, data, hn);
    head[hn] = '\0';
    if (dys_text_is_xml(!strncmp(head, "\xEF\xBB\xBF", 3) ? head + 3 : head))
        return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                        "%s: XML (a myocardial-work workbook?) cannot be read from memory: "
                        "expected a study CSV, a GE EchoPAC text export or a full-trace "
                        "contour export; save the workbook as a file and use dys_study_read",
                        name);
    dys_text t;
    st = dys_text_from_memory(ctx, &t, name, data, len, opt);
    if (st != DYS_OK)
        return st;
    dys_study *s = study_new(name);
    if (!s) {
        dys_text_free(&t);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    dys_reader one;
    st = read_one(ctx, s, name, opt, &one, 0, &t);
    if (st == DYS_OK)
        st = finish(ctx, s, name, 0, &one, 1);
    dys_reader_free(&one);
    if (st != DYS_OK) {
        dys_study_free(s);
        return st;
    }
    *out = s;
    return DYS_OK;
}
