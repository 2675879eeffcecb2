/*
 * test_synth.c - the synthetic study generator (engine/synth/).
 *
 * Checks that the generator is deterministic, that truth.csv has the
 * promised shape and values, that the written samples agree with the truth
 * (in every file-format variant, after undoing units, decimal commas,
 * column order and the per-view time offsets), that the view layout holds
 * the right segments, and that bad parameters are refused with a message.
 * Files are read back with plain stdio: these tests do not depend on the
 * engine's readers.  Everything is written under one mkdtemp directory in
 * /tmp, removed at the end.
 *
 * Output: TAP on stdout when run with CK_TAP_LOG_FILE_NAME=- (as meson
 * does); exit status nonzero when a test failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "dyssync.h"
#include "check_main.h"

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <ftw.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NSEG DYS_N_SEGMENTS_12

static const char *const canon[NSEG] = {
    "basal_anterior",      "basal_anteroseptal", "basal_inferoseptal",
    "basal_inferior",      "basal_inferolateral", "basal_anterolateral",
    "mid_anterior",        "mid_anteroseptal",   "mid_inferoseptal",
    "mid_inferior",        "mid_inferolateral",  "mid_anterolateral"};
/* Other accepted names, normalised (aliases, GE EchoPAC: docs/format.md). */
static const char *const alias[NSEG] = {
    "", "", "basal_septal", "", "basal_posterior", "basal_lateral",
    "", "", "mid_septal", "", "mid_posterior", "mid_lateral"};
static const char *const echopac[NSEG] = {
    "basant", "basantsept", "bassept", "basinf", "baspost", "baslat",
    "midant", "midantsept", "midsept", "midinf", "midpost", "midlat"};
/* docs/format.md: the view of each segment. */
static const char *const seg_view[NSEG] = {"A2C", "APLAX", "A4C", "A2C",
                                           "APLAX", "A4C", "A2C", "APLAX",
                                           "A4C", "A2C", "APLAX", "A4C"};

/* snprintf that fails the test instead of truncating. */
static void xsnprintf(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void xsnprintf(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    ck_assert_msg(n >= 0 && (size_t)n < cap, "path or field too long: %s", out);
}

/* ------------------------------------------------------------------ */
/* Scratch directory (created once, in the parent process)              */

static char g_root[64];

static void root_setup(void)
{
    snprintf(g_root, sizeof g_root, "/tmp/dyssync_test_synth_XXXXXX");
    if (!mkdtemp(g_root))
        g_root[0] = '\0';
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void root_teardown(void)
{
    if (g_root[0])
        nftw(g_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Generate into g_root/sub; the directory path goes to dir. */
static dys_status gen(const char *sub, const dys_synth_params *p, char *dir, size_t cap,
                      char *err, size_t errcap)
{
    ck_assert_msg(g_root[0] != '\0', "cannot create a scratch directory in /tmp");
    xsnprintf(dir, cap, "%s/%s", g_root, sub);
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    dys_status st = dys_synth_write(ctx, p, dir);
    if (err)
        xsnprintf(err, errcap, "%s", dys_ctx_error(ctx));
    dys_ctx_free(ctx);
    return st;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    ck_assert_ptr_nonnull(buf);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* ------------------------------------------------------------------ */
/* truth.csv                                                            */

typedef struct truth_row {
    char id[32], path[48], layout[8];
    double avo, avc, hr, fps, noise, ts[NSEG];
    double to[NSEG]; /* true To, NAN where the rule finds none */
} truth_row;

static const char truth_header[] =
    "study_id,path,layout,avo_ms,avc_ms,hr_bpm,fps,noise_cm_s,"
    "ts_basal_anterior_ms,ts_basal_anteroseptal_ms,ts_basal_inferoseptal_ms,"
    "ts_basal_inferior_ms,ts_basal_inferolateral_ms,ts_basal_anterolateral_ms,"
    "ts_mid_anterior_ms,ts_mid_anteroseptal_ms,ts_mid_inferoseptal_ms,"
    "ts_mid_inferior_ms,ts_mid_inferolateral_ms,ts_mid_anterolateral_ms,"
    "to_basal_anterior_ms,to_basal_anteroseptal_ms,to_basal_inferoseptal_ms,"
    "to_basal_inferior_ms,to_basal_inferolateral_ms,to_basal_anterolateral_ms,"
    "to_mid_anterior_ms,to_mid_anteroseptal_ms,to_mid_inferoseptal_ms,"
    "to_mid_inferior_ms,to_mid_inferolateral_ms,to_mid_anterolateral_ms";

/* Parse dir/truth.csv into rows (at most cap); returns the row count. */
static int read_truth(const char *dir, truth_row *rows, int cap)
{
    char path[512];
    xsnprintf(path, sizeof path, "%s/truth.csv", dir);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s: missing", path);
    char line[4096];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    line[strcspn(line, "\n")] = '\0';
    ck_assert_str_eq(line, truth_header);
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        ck_assert_int_lt(n, cap);
        ck_assert_msg(strchr(line, '\n') != NULL, "truth.csv: line %d too long", n + 2);
        line[strcspn(line, "\n")] = '\0';
        truth_row *r = &rows[n];
        char *rest = line, *tok;
        int k = 0;
        /* strsep keeps the empty cells of a To the rule does not find */
        for (; (tok = strsep(&rest, ",")) != NULL; k++) {
            char *end;
            double v = NAN;
            if (k >= 3 && (k < 8 + NSEG || *tok)) {
                v = strtod(tok, &end);
                ck_assert_msg(*end == '\0' && end != tok, "truth.csv line %d: bad number '%s'",
                              n + 2, tok);
            }
            switch (k) {
            case 0: xsnprintf(r->id, sizeof r->id, "%s", tok); break;
            case 1: xsnprintf(r->path, sizeof r->path, "%s", tok); break;
            case 2: xsnprintf(r->layout, sizeof r->layout, "%s", tok); break;
            case 3: r->avo = v; break;
            case 4: r->avc = v; break;
            case 5: r->hr = v; break;
            case 6: r->fps = v; break;
            case 7: r->noise = v; break;
            default:
                ck_assert_int_lt(k, 8 + 2 * NSEG);
                if (k < 8 + NSEG)
                    r->ts[k - 8] = v;
                else
                    r->to[k - 8 - NSEG] = v;
            }
        }
        ck_assert_msg(k == 8 + 2 * NSEG, "truth.csv line %d: %d fields", n + 2, k);
        /* To, where found, lies between the search limit and the peak */
        for (int g = 0; g < NSEG; g++)
            ck_assert_msg(isnan(r->to[g]) || (r->to[g] >= r->avo - 40.0 && r->to[g] < r->ts[g]),
                          "truth.csv line %d: To %g outside [AVO - 40, Ts %g]", n + 2,
                          r->to[g], r->ts[g]);
        n++;
    }
    fclose(f);
    return n;
}

/* ------------------------------------------------------------------ */
/* A minimal reader for what the generator writes (docs/format.md subset) */

#define MAXMETA 24
#define MAXCOL 16

typedef struct rec {
    char key[MAXMETA][40], val[MAXMETA][64];
    int n_meta;
    char sep;
    int bom, crlf, dec_comma, seconds;
    int ncol;            /* segment columns */
    int seg[MAXCOL];     /* segment of each column */
    int ecg_cell;        /* data cell after the time holding the ECG, or -1 */
    char ecg_name[32];
    size_t n;            /* rows */
    double *t_ms;        /* file time axis */
    double *v[MAXCOL];   /* cm/s */
    double *ecg;         /* mV, when there is an ECG column */
} rec;

static void normalise(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    int pend = 0;
    for (size_t i = 0; i < len && n + 2 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '_' || c == '-' || c == ' ' || c == '\t') {
            pend = n > 0;
            continue;
        }
        if (pend)
            out[n++] = '_';
        pend = 0;
        out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
}

static int seg_from_name(const char *raw)
{
    size_t len = strcspn(raw, "([");
    while (len > 0 && raw[len - 1] == ' ')
        len--;
    char nm[64];
    normalise(raw, len, nm, sizeof nm);
    for (int s = 0; s < NSEG; s++)
        if (strcmp(nm, canon[s]) == 0 || strcmp(nm, alias[s]) == 0 ||
            strcmp(nm, echopac[s]) == 0)
            return s;
    int k;
    char extra;
    if (sscanf(nm, "seg%d%c", &k, &extra) == 1 && k >= 1 && k <= NSEG)
        return k - 1;
    return -1;
}

static const char *meta_get(const rec *r, const char *key)
{
    for (int i = 0; i < r->n_meta; i++)
        if (strcmp(r->key[i], key) == 0)
            return r->val[i];
    return NULL;
}

static double parse_num(const char *s, size_t len, int dec_comma)
{
    char buf[64];
    ck_assert_uint_lt(len, sizeof buf);
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (dec_comma)
        for (char *c = buf; *c; c++)
            if (*c == ',')
                *c = '.';
    char *end;
    double v = strtod(buf, &end);
    ck_assert_msg(end != buf && *end == '\0', "bad number '%s'", buf);
    return v;
}

static void rec_free(rec *r)
{
    free(r->t_ms);
    free(r->ecg);
    for (int c = 0; c < MAXCOL; c++)
        free(r->v[c]);
    memset(r, 0, sizeof *r);
}

static void rec_read(const char *path, rec *r)
{
    memset(r, 0, sizeof *r);
    r->ecg_cell = -1;
    size_t len;
    char *buf = slurp(path, &len);
    ck_assert_msg(buf != NULL, "%s: cannot read", path);
    char *p = buf;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        r->bom = 1;
        p += 3;
    }
    r->crlf = strstr(p, "\r\n") != NULL;
    size_t cap = 0;
    int header_done = 0;
    double scale = 1.0;
    while (*p) {
        char *eol = strchr(p, '\n');
        char *next = eol ? eol + 1 : p + strlen(p);
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > 0 && p[ll - 1] == '\r')
            ll--;
        if (!header_done && p[0] == '#') {
            const char *colon = memchr(p, ':', ll);
            ck_assert_msg(colon != NULL, "%s: metadata line without ':'", path);
            ck_assert_int_lt(r->n_meta, MAXMETA);
            const char *k0 = p + 1;
            while (*k0 == ' ')
                k0++;
            normalise(k0, (size_t)(colon - k0), r->key[r->n_meta], sizeof r->key[0]);
            const char *v0 = colon + 1;
            while (*v0 == ' ')
                v0++;
            xsnprintf(r->val[r->n_meta], sizeof r->val[0], "%.*s", (int)(p + ll - v0), v0);
            r->n_meta++;
        } else if (!header_done) {
            char line[2048];
            ck_assert_uint_lt(ll, sizeof line);
            memcpy(line, p, ll);
            line[ll] = '\0';
            r->sep = strchr(line, ';') ? ';' : strchr(line, '\t') ? '\t' : ',';
            r->dec_comma = r->sep != ',';
            char seps[2] = {r->sep, '\0'};
            char *save = NULL;
            char *tok = strtok_r(line, seps, &save);
            ck_assert_ptr_nonnull(tok);
            char low[64];
            normalise(tok, strlen(tok), low, sizeof low);
            r->seconds = strcmp(low, "time_s") == 0 || strcmp(low, "time_(s)") == 0;
            ck_assert_msg(r->seconds || strcmp(low, "time_ms") == 0 ||
                              strcmp(low, "t_ms") == 0 || strcmp(low, "time_(ms)") == 0,
                          "%s: time column '%s'", path, tok);
            for (int cell = 0; (tok = strtok_r(NULL, seps, &save)) != NULL; cell++) {
                char nm[64];
                normalise(tok, strcspn(tok, "(["), nm, sizeof nm);
                if (strcmp(nm, "ecg") == 0 || strcmp(nm, "ecg_mv") == 0) {
                    ck_assert_msg(r->ecg_cell < 0, "%s: two ECG columns", path);
                    r->ecg_cell = cell;
                    xsnprintf(r->ecg_name, sizeof r->ecg_name, "%s", tok);
                    continue;
                }
                ck_assert_int_lt(r->ncol, MAXCOL);
                int s = seg_from_name(tok);
                ck_assert_msg(s >= 0, "%s: unknown column '%s'", path, tok);
                for (int c = 0; c < r->ncol; c++)
                    ck_assert_msg(r->seg[c] != s, "%s: '%s' twice", path, tok);
                r->seg[r->ncol++] = s;
            }
            const char *unit = meta_get(r, "velocity_unit");
            if (unit && strcmp(unit, "mm/s") == 0)
                scale = 0.1;
            else if (unit && strcmp(unit, "m/s") == 0)
                scale = 100.0;
            else
                ck_assert(!unit || strcmp(unit, "cm/s") == 0);
            header_done = 1;
        } else if (ll > 0) {
            if (r->n == cap) {
                cap = cap ? 2 * cap : 256;
                r->t_ms = realloc(r->t_ms, cap * sizeof(double));
                ck_assert_ptr_nonnull(r->t_ms);
                for (int c = 0; c < r->ncol; c++) {
                    r->v[c] = realloc(r->v[c], cap * sizeof(double));
                    ck_assert_ptr_nonnull(r->v[c]);
                }
                if (r->ecg_cell >= 0) {
                    r->ecg = realloc(r->ecg, cap * sizeof(double));
                    ck_assert_ptr_nonnull(r->ecg);
                }
            }
            const char *q = p, *end = p + ll;
            int ncell = r->ncol + (r->ecg_cell >= 0);
            for (int cell = -1, c = 0; cell < ncell; cell++) {
                const char *f = memchr(q, r->sep, (size_t)(end - q));
                if (!f)
                    f = end;
                ck_assert_msg(cell == ncell - 1 ? f == end : f < end,
                              "%s: row %zu has the wrong number of cells", path, r->n + 1);
                double x = parse_num(q, (size_t)(f - q), r->dec_comma);
                if (cell < 0)
                    r->t_ms[r->n] = r->seconds ? x * 1000.0 : x;
                else if (cell == r->ecg_cell)
                    r->ecg[r->n] = x;
                else
                    r->v[c++][r->n] = x * scale;
                q = f + 1;
            }
            r->n++;
        }
        p = next;
    }
    free(buf);
    ck_assert_msg(header_done && r->n > 10, "%s: no data", path);
    for (size_t k = 1; k < r->n; k++)
        ck_assert_msg(r->t_ms[k] > r->t_ms[k - 1], "%s: time not increasing at row %zu",
                      path, k + 1);
}

static double meta_num(const rec *r, const char *key, double dflt)
{
    const char *v = meta_get(r, key);
    return v ? strtod(v, NULL) : dflt;
}

/* Every segment in r: the sample with the highest velocity inside the
 * ejection window must lie within tol_ms of the true Ts, and its value must
 * be plausible in cm/s. */
static void check_peaks(const rec *r, const truth_row *t, double tol_ms, const char *what)
{
    double qrs = meta_num(r, "qrs_onset_ms", 0.0);
    ck_assert_double_eq_tol(meta_num(r, "avo_ms", NAN), t->avo, 1e-9);
    ck_assert_double_eq_tol(meta_num(r, "avc_ms", NAN), t->avc, 1e-9);
    for (int c = 0; c < r->ncol; c++) {
        int s = r->seg[c];
        double best = -INFINITY, tbest = NAN;
        for (size_t k = 0; k < r->n; k++) {
            double tt = r->t_ms[k] - qrs;
            if (tt >= t->avo && tt <= t->avc && r->v[c][k] > best) {
                best = r->v[c][k];
                tbest = tt;
            }
        }
        ck_assert_msg(fabs(tbest - t->ts[s]) <= tol_ms,
                      "%s %s: sample peak at %.3f ms, truth %.4f ms", what, canon[s], tbest,
                      t->ts[s]);
        ck_assert_msg(best >= 1.5 && best <= 16.0, "%s %s: peak %.4f cm/s", what, canon[s],
                      best);
    }
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */

START_TEST(test_defaults)
{
    dys_synth_params p;
    memset(&p, 0xAB, sizeof p);
    dys_synth_params_defaults(&p);
    ck_assert_int_eq(p.n_studies, 10);
    ck_assert_uint_eq(p.seed, 1);
    ck_assert_double_eq(p.noise_cm_s, 0.0);
    ck_assert_double_eq(p.fps, 100.0);
    ck_assert_double_eq(p.jitter_frac, 0.1);
    ck_assert_int_eq(p.views, 0);
    ck_assert_int_eq(p.vary_format, 0);
    ck_assert_int_eq(p.beats, 1);
    ck_assert_int_eq(p.ecg, 0);
    ck_assert_double_eq(p.rr_sd_frac, 0.03);
    ck_assert_double_eq(p.ectopic_prob, 0.05);
    ck_assert_int_eq(p.qrs_metadata, 1);
}
END_TEST

/* Files of one generated directory, relative paths. */
static int list_files(const char *dir, const truth_row *t, int n, char rel[][64], int cap)
{
    int k = 0;
    xsnprintf(rel[k++], 64, "truth.csv");
    for (int i = 0; i < n; i++) {
        if (strcmp(t[i].layout, "file") == 0) {
            ck_assert_int_lt(k, cap);
            xsnprintf(rel[k++], 64, "%s", t[i].path);
        } else {
            static const char *const v[3] = {"a4c.csv", "a2c.csv", "aplax.csv"};
            for (int j = 0; j < 3; j++) {
                ck_assert_int_lt(k, cap);
                xsnprintf(rel[k++], 64, "%s/%s", t[i].path, v[j]);
            }
        }
    }
    (void)dir;
    return k;
}

static int same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    ck_assert_msg(x && y, "cannot read %s or %s", a, b);
    int same = la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

START_TEST(test_determinism)
{
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 6;
    p.seed = 42;
    p.noise_cm_s = 0.2;
    p.views = 2;
    p.vary_format = 1;
    char a[256], b[256], c[256], err[1024];
    ck_assert_int_eq(gen("det_a", &p, a, sizeof a, err, sizeof err), DYS_OK);
    ck_assert_int_eq(gen("det_b", &p, b, sizeof b, err, sizeof err), DYS_OK);
    p.seed = 43;
    ck_assert_int_eq(gen("det_c", &p, c, sizeof c, err, sizeof err), DYS_OK);

    static truth_row t[6];
    ck_assert_int_eq(read_truth(a, t, 6), 6);
    static char rel[64][64];
    int nf = list_files(a, t, 6, rel, 64);
    ck_assert_int_eq(nf, 1 + 3 + 3 * 3);
    for (int k = 0; k < nf; k++) {
        char pa[512], pb[512];
        xsnprintf(pa, sizeof pa, "%s/%s", a, rel[k]);
        xsnprintf(pb, sizeof pb, "%s/%s", b, rel[k]);
        ck_assert_msg(same_file(pa, pb), "%s differs between two runs", rel[k]);
    }
    /* Nothing else in the directory (no leftover temporary files). */
    DIR *d = opendir(a);
    ck_assert_ptr_nonnull(d);
    int entries = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        ck_assert_msg(strstr(e->d_name, ".tmp") == NULL, "leftover %s", e->d_name);
        entries++;
    }
    closedir(d);
    ck_assert_int_eq(entries, 1 + 6);

    /* Another seed: other hearts. */
    char pa[512], pc[512];
    xsnprintf(pa, sizeof pa, "%s/truth.csv", a);
    xsnprintf(pc, sizeof pc, "%s/truth.csv", c);
    ck_assert_msg(!same_file(pa, pc), "truth.csv does not depend on the seed");
    xsnprintf(pa, sizeof pa, "%s/%s", a, rel[1]);
    xsnprintf(pc, sizeof pc, "%s/%s", c, rel[1]);
    ck_assert_msg(!same_file(pa, pc), "%s does not depend on the seed", rel[1]);
}
END_TEST

/* FNV-1a 64 over the relative path and bytes of every file of a generated
 * directory (truth.csv first, then the studies in order). */
static unsigned long long hash_dir(const char *dir, int n_studies)
{
    static truth_row t[16];
    ck_assert_int_le(n_studies, 16);
    ck_assert_int_eq(read_truth(dir, t, 16), n_studies);
    static char rel[64][64];
    int nf = list_files(dir, t, n_studies, rel, 64);
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (int k = 0; k < nf; k++) {
        char path[512];
        xsnprintf(path, sizeof path, "%s/%s", dir, rel[k]);
        size_t len;
        char *buf = slurp(path, &len);
        ck_assert_msg(buf != NULL, "%s: cannot read", path);
        for (const char *c = rel[k]; *c; c++)
            h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
        for (size_t j = 0; j < len; j++)
            h = (h ^ (unsigned char)buf[j]) * 0x100000001b3ULL;
        free(buf);
    }
    return h;
}

START_TEST(test_default_output_unchanged)
{
    /* The output of the single-beat parameters is frozen: the accuracy test
     * and the golden data depend on it.  Hashes captured when the
     * end-systolic notch was placed at AVC as Aase 2008 found it and
     * truth.csv gained the true To (issue 3; several beats and the ECG
     * leave this output alone).  On another libm a last written digit
     * may differ (see engine/synth/synth_internal.h, Determinism); update the constants only when
     * the generator is meant to change. */
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 4;
    char a[256], b[256], err[1024];
    ck_assert_int_eq(gen("frozen_a", &p, a, sizeof a, err, sizeof err), DYS_OK);
    unsigned long long ha = hash_dir(a, 4);
    p.n_studies = 6;
    p.seed = 42;
    p.noise_cm_s = 0.2;
    p.views = 2;
    p.vary_format = 1;
    ck_assert_int_eq(gen("frozen_b", &p, b, sizeof b, err, sizeof err), DYS_OK);
    unsigned long long hb = hash_dir(b, 6);
    ck_assert_msg(ha == 0x23afbca6f827e0c6ULL && hb == 0x3405a74238920b04ULL,
                  "single-beat output changed: hashes 0x%016llx (defaults), "
                  "0x%016llx (views 2, vary_format)", ha, hb);
}
END_TEST

START_TEST(test_truth_independent_of_acquisition)
{
    /* Same seed: same hearts at another frame rate, noise, layout, format. */
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 8;
    p.seed = 7;
    char a[256], b[256], err[1024];
    ck_assert_int_eq(gen("acq_a", &p, a, sizeof a, err, sizeof err), DYS_OK);
    p.fps = 60;
    p.noise_cm_s = 0.25;
    p.views = 1;
    p.vary_format = 1;
    p.jitter_frac = 0.3;
    ck_assert_int_eq(gen("acq_b", &p, b, sizeof b, err, sizeof err), DYS_OK);
    static truth_row ta[8], tb[8];
    ck_assert_int_eq(read_truth(a, ta, 8), 8);
    ck_assert_int_eq(read_truth(b, tb, 8), 8);
    for (int i = 0; i < 8; i++) {
        ck_assert_str_eq(ta[i].id, tb[i].id);
        ck_assert_double_eq(ta[i].avo, tb[i].avo);
        ck_assert_double_eq(ta[i].avc, tb[i].avc);
        for (int s = 0; s < NSEG; s++)
            ck_assert_double_eq(ta[i].ts[s], tb[i].ts[s]);
        ck_assert_double_eq(tb[i].fps, 60.0);
        ck_assert_double_eq(tb[i].noise, 0.25);
    }
}
END_TEST

START_TEST(test_truth_rows)
{
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 20;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("truth", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    static truth_row t[32];
    int n = read_truth(dir, t, 32);
    ck_assert_int_eq(n, 20);
    int dyssync = 0;
    for (int i = 0; i < n; i++) {
        char id[32], path[48];
        xsnprintf(id, sizeof id, "synth_%04d", i + 1);
        xsnprintf(path, sizeof path, "%s.csv", id);
        ck_assert_str_eq(t[i].id, id);
        ck_assert_str_eq(t[i].path, path);
        ck_assert_str_eq(t[i].layout, "file");
        char full[512];
        xsnprintf(full, sizeof full, "%s/%s", dir, path);
        ck_assert_msg(file_exists(full), "%s missing", full);
        ck_assert(t[i].avo >= 60 && t[i].avo <= 120);
        ck_assert(t[i].avc - t[i].avo >= 240 && t[i].avc - t[i].avo <= 330);
        ck_assert(t[i].hr >= 55 && t[i].hr <= 95);
        ck_assert(t[i].avc < 60000.0 / t[i].hr - 250.0);
        ck_assert_double_eq(t[i].fps, 100.0);
        ck_assert_double_eq(t[i].noise, 0.0);
        double m = 0.0, ss = 0.0;
        for (int s = 0; s < NSEG; s++) {
            ck_assert_msg(t[i].ts[s] >= t[i].avo + 15.0 && t[i].ts[s] <= t[i].avc - 15.0,
                          "%s %s: Ts %.4f outside [AVO + 15, AVC - 15] = [%g, %g]", id,
                          canon[s], t[i].ts[s], t[i].avo + 15, t[i].avc - 15);
            m += t[i].ts[s];
        }
        m /= NSEG;
        for (int s = 0; s < NSEG; s++)
            ss += (t[i].ts[s] - m) * (t[i].ts[s] - m);
        dyssync += sqrt(ss / (NSEG - 1)) > 32.6;
    }
    /* About half the studies are dyssynchronous. */
    ck_assert_msg(dyssync >= 4 && dyssync <= 16, "%d of 20 dyssynchronous", dyssync);
}
END_TEST

START_TEST(test_samples_match_truth)
{
    /* Noise-free, 1000 fps: the highest sample in the window is within a
     * frame and its jitter of the true peak. */
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 6;
    p.fps = 1000;
    p.seed = 99;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("samples", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    static truth_row t[6];
    ck_assert_int_eq(read_truth(dir, t, 6), 6);
    for (int i = 0; i < 6; i++) {
        char path[512];
        xsnprintf(path, sizeof path, "%s/%s", dir, t[i].path);
        rec r;
        rec_read(path, &r);
        ck_assert_int_eq(r.ncol, NSEG);
        for (int c = 0; c < NSEG; c++)
            ck_assert_int_eq(r.seg[c], c); /* AHA order, canonical names */
        ck_assert_int_eq(r.sep, ',');
        ck_assert(!r.bom && !r.crlf);
        ck_assert_str_eq(meta_get(&r, "study_id"), t[i].id);
        ck_assert_ptr_null(meta_get(&r, "velocity_unit"));
        ck_assert_ptr_null(meta_get(&r, "qrs_onset_ms"));
        /* One beat from QRS onset (or a little before) to about RR. */
        double rr = 60000.0 / t[i].hr;
        ck_assert(r.t_ms[0] > -41.0 && r.t_ms[0] < 1.0);
        ck_assert(r.t_ms[r.n - 1] < rr && r.t_ms[r.n - 1] > rr - 3.0);
        check_peaks(&r, &t[i], 1.2, t[i].id);
        rec_free(&r);
    }
}
END_TEST

START_TEST(test_views_layout)
{
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 3;
    p.views = 1;
    p.fps = 500;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("views", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    static truth_row t[3];
    ck_assert_int_eq(read_truth(dir, t, 3), 3);
    static const char *const file[3] = {"a4c.csv", "a2c.csv", "aplax.csv"};
    static const char *const view[3] = {"A4C", "A2C", "APLAX"};
    for (int i = 0; i < 3; i++) {
        ck_assert_str_eq(t[i].layout, "views");
        ck_assert_str_eq(t[i].path, t[i].id);
        char sub[512], single[512];
        xsnprintf(sub, sizeof sub, "%s/%s", dir, t[i].path);
        xsnprintf(single, sizeof single, "%s/%s.csv", dir, t[i].id);
        ck_assert(!file_exists(single));
        /* Exactly the three view files. */
        DIR *d = opendir(sub);
        ck_assert_msg(d != NULL, "%s is not a directory", sub);
        int entries = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            entries += e->d_name[0] != '.';
        closedir(d);
        ck_assert_int_eq(entries, 3);

        int seen[NSEG] = {0};
        double onset[3];
        for (int v = 0; v < 3; v++) {
            char path[600];
            xsnprintf(path, sizeof path, "%s/%s", sub, file[v]);
            rec r;
            rec_read(path, &r);
            ck_assert_str_eq(meta_get(&r, "view"), view[v]);
            ck_assert_str_eq(meta_get(&r, "study_id"), t[i].id);
            ck_assert_ptr_nonnull(meta_get(&r, "qrs_onset_ms"));
            onset[v] = meta_num(&r, "qrs_onset_ms", NAN);
            ck_assert(onset[v] >= 5.0 && onset[v] <= 60.0);
            ck_assert_int_eq(r.ncol, 4);
            for (int c = 0; c < r.ncol; c++) {
                ck_assert_str_eq(seg_view[r.seg[c]], view[v]);
                seen[r.seg[c]]++;
            }
            /* Study-level metadata identical in every view. */
            static const char *const keys[] = {"avo_ms", "avc_ms", "hr_bpm",
                                               "qrs_duration_ms", "lvef_pct", "nyha",
                                               "lbbb", "frame_rate_hz"};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
                ck_assert_msg(meta_get(&r, keys[k]) != NULL, "%s: no %s", path, keys[k]);
            check_peaks(&r, &t[i], 2.5, path);
            rec_free(&r);
        }
        for (int s = 0; s < NSEG; s++)
            ck_assert_int_eq(seen[s], 1);
        /* Each view its own beat. */
        ck_assert(onset[0] != onset[1] || onset[1] != onset[2]);
    }
}
END_TEST

START_TEST(test_vary_format)
{
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 12;
    p.vary_format = 1;
    p.seed = 5;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("vary", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    static truth_row t[12];
    ck_assert_int_eq(read_truth(dir, t, 12), 12);
    int n_semi = 0, n_tab = 0, n_comma = 0, n_dec_comma = 0, n_bom = 0, n_crlf = 0;
    int n_mm = 0, n_m = 0, n_sec = 0, n_shuffled = 0, n_keyvar = 0;
    for (int i = 0; i < 12; i++) {
        char path[512];
        xsnprintf(path, sizeof path, "%s/%s", dir, t[i].path);
        /* Raw text: a decimal comma is a ',' in a data row of a file
         * separated by ';' or tab. */
        char *raw = slurp(path, NULL);
        ck_assert_ptr_nonnull(raw);
        rec r;
        rec_read(path, &r);
        n_semi += r.sep == ';';
        n_tab += r.sep == '\t';
        n_comma += r.sep == ',';
        if (r.sep != ',') {
            const char *last = strrchr(raw, '#');
            const char *body = strchr(last ? last : raw, '\n');
            body = body ? strchr(body + 1, '\n') : NULL; /* skip the header */
            n_dec_comma += body && strchr(body, ',') != NULL;
        }
        n_keyvar += strstr(raw, "# Study-ID:") != NULL || strstr(raw, "# STUDY_ID:") != NULL;
        free(raw);
        n_bom += r.bom;
        n_crlf += r.crlf;
        n_sec += r.seconds;
        const char *u = meta_get(&r, "velocity_unit");
        n_mm += u && strcmp(u, "mm/s") == 0;
        n_m += u && strcmp(u, "m/s") == 0;
        ck_assert_int_eq(r.ncol, NSEG);
        for (int c = 0; c < NSEG; c++)
            if (r.seg[c] != c) {
                n_shuffled++;
                break;
            }
        ck_assert_str_eq(meta_get(&r, "study_id"), t[i].id);
        /* Samples agree with the truth after undoing every variant (one
         * frame of 10 ms plus jitter). */
        check_peaks(&r, &t[i], 11.0, t[i].id);
        rec_free(&r);
    }
    ck_assert_int_gt(n_semi, 0);
    ck_assert_int_gt(n_tab, 0);
    ck_assert_int_gt(n_comma, 0);
    ck_assert_int_gt(n_dec_comma, 0);
    ck_assert_int_gt(n_bom, 0);
    ck_assert_int_gt(n_crlf, 0);
    ck_assert_int_gt(n_mm, 0);
    ck_assert_int_gt(n_m, 0);
    ck_assert_int_gt(n_sec, 0);
    ck_assert_int_gt(n_shuffled, 0);
    ck_assert_int_gt(n_keyvar, 0);
}
END_TEST

START_TEST(test_bad_params)
{
    static const struct {
        const char *what;
        int n_studies;
        double fps, noise, jitter;
        int views, vary;
    } bad[] = {
        {"no studies", 0, 100, 0, 0.1, 0, 0},
        {"negative studies", -3, 100, 0, 0.1, 0, 0},
        {"too many studies", 10000001, 100, 0, 0.1, 0, 0},
        {"fps too low", 10, 9.99, 0, 0.1, 0, 0},
        {"fps too high", 10, 2000.5, 0, 0.1, 0, 0},
        {"fps NaN", 10, NAN, 0, 0.1, 0, 0},
        {"negative noise", 10, 100, -0.1, 0.1, 0, 0},
        {"infinite noise", 10, 100, INFINITY, 0.1, 0, 0},
        {"absurd noise", 10, 100, 1001.0, 0.1, 0, 0},
        {"NaN noise", 10, 100, NAN, 0.1, 0, 0},
        {"negative jitter", 10, 100, 0, -0.01, 0, 0},
        {"jitter too large", 10, 100, 0, 0.46, 0, 0},
        {"views -1", 10, 100, 0, 0.1, -1, 0},
        {"views 3", 10, 100, 0, 0.1, 3, 0},
        {"vary_format 2", 10, 100, 0, 0.1, 0, 2},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        dys_synth_params p;
        dys_synth_params_defaults(&p);
        p.n_studies = bad[k].n_studies;
        p.fps = bad[k].fps;
        p.noise_cm_s = bad[k].noise;
        p.jitter_frac = bad[k].jitter;
        p.views = bad[k].views;
        p.vary_format = bad[k].vary;
        char dir[256], err[1024];
        dys_status st = gen("bad", &p, dir, sizeof dir, err, sizeof err);
        ck_assert_msg(st == DYS_ERR_INVALID, "%s: status %d", bad[k].what, (int)st);
        ck_assert_msg(err[0] != '\0', "%s: no message", bad[k].what);
        ck_assert_msg(!file_exists(dir), "%s: wrote %s anyway", bad[k].what, dir);
    }
    /* Edges that are allowed. */
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 1;
    p.fps = 10;
    p.jitter_frac = 0.45;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("edge_lo", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    p.fps = 2000;
    p.jitter_frac = 0.0;
    ck_assert_int_eq(gen("edge_hi", &p, dir, sizeof dir, err, sizeof err), DYS_OK);

    /* NULL arguments. */
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(dys_synth_write(ctx, NULL, g_root), DYS_ERR_INVALID);
    ck_assert_str_ne(dys_ctx_error(ctx), "");
    ck_assert_int_eq(dys_synth_write(ctx, &p, NULL), DYS_ERR_INVALID);
    ck_assert_str_ne(dys_ctx_error(ctx), "");
    ck_assert_int_eq(dys_synth_write(NULL, &p, g_root), DYS_ERR_INVALID);

    /* Missing parents are made, as `mkdir -p`; a directory that cannot be
     * made (under a file) is an I/O error naming the path. */
    char bad_dir[512];
    xsnprintf(bad_dir, sizeof bad_dir, "%s/no/such/parent", g_root);
    ck_assert_int_eq(dys_synth_write(ctx, &p, bad_dir), DYS_OK);
    xsnprintf(bad_dir, sizeof bad_dir, "%s/no/such/parent/truth.csv/sub", g_root);
    ck_assert_int_eq(dys_synth_write(ctx, &p, bad_dir), DYS_ERR_IO);
    ck_assert_msg(strstr(dys_ctx_error(ctx), bad_dir) != NULL, "message '%s'",
                  dys_ctx_error(ctx));
    dys_ctx_free(ctx);
}
END_TEST

START_TEST(test_locale_independent)
{
    /* Output must not change under a locale with a decimal comma.  Skipped
     * (passes) when no such locale is installed. */
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "fr_FR.utf8", "nl_NL.UTF-8"};
    const char *got = NULL;
    for (size_t k = 0; k < sizeof names / sizeof names[0] && !got; k++)
        got = setlocale(LC_ALL, names[k]);
    if (!got)
        return;
    ck_assert_str_eq(localeconv()->decimal_point, ",");
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 2;
    p.noise_cm_s = 0.1;
    char a[256], b[256], err[1024];
    ck_assert_int_eq(gen("loc_a", &p, a, sizeof a, err, sizeof err), DYS_OK);
    setlocale(LC_ALL, "C");
    ck_assert_int_eq(gen("loc_b", &p, b, sizeof b, err, sizeof err), DYS_OK);
    static const char *const files[] = {"truth.csv", "synth_0001.csv", "synth_0002.csv"};
    for (size_t k = 0; k < 3; k++) {
        char pa[512], pb[512];
        xsnprintf(pa, sizeof pa, "%s/%s", a, files[k]);
        xsnprintf(pb, sizeof pb, "%s/%s", b, files[k]);
        ck_assert_msg(same_file(pa, pb), "%s depends on the locale", files[k]);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Several beats and the ECG (issue 3)                                  */

#define MAXBEATROWS 512

typedef struct beat_row {
    char id[32], file[64];
    int beat, ectopic;
    double onset, rr, ts[NSEG]; /* ts NAN where the file lacks the segment */
    double to[NSEG];            /* NAN there, or where the rule finds none */
} beat_row;

static const char beats_header[] =
    "study_id,file,beat,qrs_onset_ms,rr_ms,ectopic,"
    "ts_basal_anterior_ms,ts_basal_anteroseptal_ms,ts_basal_inferoseptal_ms,"
    "ts_basal_inferior_ms,ts_basal_inferolateral_ms,ts_basal_anterolateral_ms,"
    "ts_mid_anterior_ms,ts_mid_anteroseptal_ms,ts_mid_inferoseptal_ms,"
    "ts_mid_inferior_ms,ts_mid_inferolateral_ms,ts_mid_anterolateral_ms,"
    "to_basal_anterior_ms,to_basal_anteroseptal_ms,to_basal_inferoseptal_ms,"
    "to_basal_inferior_ms,to_basal_inferolateral_ms,to_basal_anterolateral_ms,"
    "to_mid_anterior_ms,to_mid_anteroseptal_ms,to_mid_inferoseptal_ms,"
    "to_mid_inferior_ms,to_mid_inferolateral_ms,to_mid_anterolateral_ms";

/* Parse dir/truth_beats.csv (empty cells kept, unlike strtok). */
static int read_beats(const char *dir, beat_row *rows, int cap)
{
    char path[512];
    xsnprintf(path, sizeof path, "%s/truth_beats.csv", dir);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s: missing", path);
    char line[4096];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    line[strcspn(line, "\n")] = '\0';
    ck_assert_str_eq(line, beats_header);
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        ck_assert_int_lt(n, cap);
        line[strcspn(line, "\n")] = '\0';
        beat_row *r = &rows[n];
        char *p = line;
        int k = 0;
        for (;; k++) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            char *end;
            double v = NAN;
            if (k >= 2 && *p) {
                v = strtod(p, &end);
                ck_assert_msg(*end == '\0', "truth_beats.csv line %d: bad number '%s'", n + 2,
                              p);
            }
            switch (k) {
            case 0: xsnprintf(r->id, sizeof r->id, "%s", p); break;
            case 1: xsnprintf(r->file, sizeof r->file, "%s", p); break;
            case 2: r->beat = (int)v; break;
            case 3: r->onset = v; break;
            case 4: r->rr = v; break;
            case 5: r->ectopic = (int)v; break;
            default:
                ck_assert_int_lt(k, 6 + 2 * NSEG);
                if (k < 6 + NSEG)
                    r->ts[k - 6] = v;
                else
                    r->to[k - 6 - NSEG] = v;
            }
            if (k < 6)
                ck_assert_msg(*p, "truth_beats.csv line %d: empty field %d", n + 2, k + 1);
            if (!comma)
                break;
            p = comma + 1;
        }
        ck_assert_msg(k == 5 + 2 * NSEG, "truth_beats.csv line %d: %d fields", n + 2, k + 1);
        ck_assert(r->ectopic == 0 || r->ectopic == 1);
        n++;
    }
    fclose(f);
    return n;
}

/* qrs_onsets_ms of a recording (comma- or space-separated); count. */
static int meta_onsets(const rec *r, double *on, int cap)
{
    const char *v = meta_get(r, "qrs_onsets_ms");
    if (!v)
        return 0;
    int n = 0;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        char *end;
        double x = strtod(p, &end);
        ck_assert_msg(end != p, "qrs_onsets_ms: '%s'", v);
        ck_assert_int_lt(n, cap);
        on[n++] = x;
        p = end;
    }
    return n;
}

/* Rows of one file, in beat order; returns the count. */
static int rows_of(const beat_row *rows, int n, const char *file, const beat_row **out, int cap)
{
    int k = 0;
    for (int j = 0; j < n; j++)
        if (strcmp(rows[j].file, file) == 0) {
            ck_assert_int_lt(k, cap);
            out[k] = &rows[j];
            ck_assert_int_eq(out[k]->beat, k + 1);
            k++;
        }
    return k;
}

/* Checks shared by every several-beat recording: onsets and RR consistent
 * with the metadata and with each other, the recording covering the
 * complete beats and part of the beats either side, the first beat sinus,
 * no two ectopic beats in a row, and the study's truth.csv Ts the mean of
 * its sinus beats. */
static void check_beats(const rec *r, const beat_row *const *b, int nb, int n_beats,
                        const truth_row *t, int with_meta, const char *what)
{
    ck_assert_int_eq(nb, n_beats);
    double on[128];
    int n_on = meta_onsets(r, on, 128);
    if (with_meta) {
        ck_assert_int_eq(n_on, nb + 1);
        for (int k = 0; k < nb; k++)
            ck_assert_double_eq_tol(on[k], b[k]->onset, 1e-9);
        ck_assert_double_eq_tol(on[nb], b[nb - 1]->onset + b[nb - 1]->rr, 2e-3);
    } else {
        ck_assert_int_eq(n_on, 0);
    }
    ck_assert_ptr_null(meta_get(r, "qrs_onset_ms"));
    ck_assert_int_eq(b[0]->ectopic, 0);
    for (int k = 0; k < nb; k++) {
        ck_assert_msg(b[k]->rr > 300.0 && b[k]->rr < 2000.0, "%s beat %d: RR %.3f", what, k + 1,
                      b[k]->rr);
        if (k > 0) {
            ck_assert_msg(b[k]->onset > b[k - 1]->onset, "%s: onsets not increasing", what);
            ck_assert_double_eq_tol(b[k]->onset - b[k - 1]->onset, b[k - 1]->rr, 2e-3);
            ck_assert_msg(!(b[k]->ectopic && b[k - 1]->ectopic), "%s: two ectopics in a row",
                          what);
        }
        /* A premature beat: short coupling before it, long pause after. */
        if (b[k]->ectopic) {
            ck_assert_msg(b[k - 1]->rr < 0.85 * (60000.0 / t->hr) + 1e-9,
                          "%s beat %d: coupling %.1f not premature", what, k + 1, b[k - 1]->rr);
            ck_assert_msg(b[k]->rr > 60000.0 / t->hr, "%s beat %d: no compensatory pause", what,
                          k + 1);
        }
    }
    /* Incomplete beats on both sides. */
    double end_last = b[nb - 1]->onset + b[nb - 1]->rr;
    ck_assert_msg(r->t_ms[0] < b[0]->onset - 100.0 && r->t_ms[0] > b[0]->onset - 310.0,
                  "%s: starts %.1f ms before the first onset", what, b[0]->onset - r->t_ms[0]);
    ck_assert_msg(r->t_ms[r->n - 1] > end_last + 150.0 && r->t_ms[r->n - 1] < end_last + 360.0,
                  "%s: ends %.1f ms after the last complete beat", what,
                  r->t_ms[r->n - 1] - end_last);
    /* Per-beat truth of the file's segments only; truth.csv = sinus mean. */
    for (int s = 0; s < NSEG; s++) {
        int in_file = 0;
        for (int c = 0; c < r->ncol; c++)
            in_file |= r->seg[c] == s;
        double sum = 0.0;
        int n = 0;
        for (int k = 0; k < nb; k++) {
            ck_assert_msg(in_file == !isnan(b[k]->ts[s]), "%s beat %d %s: Ts %s", what, k + 1,
                          canon[s], in_file ? "missing" : "for a segment not in the file");
            if (in_file) {
                ck_assert(b[k]->ts[s] >= t->avo && b[k]->ts[s] <= t->avc);
                if (!b[k]->ectopic) {
                    sum += b[k]->ts[s];
                    n++;
                }
            }
        }
        if (in_file)
            ck_assert_msg(fabs(sum / n - t->ts[s]) < 1e-3, "%s %s: truth %.4f, sinus mean %.4f",
                          what, canon[s], t->ts[s], sum / n);
    }
}

/* Noise-free samples against the per-beat truth: in every complete beat
 * the highest sample of each segment inside the ejection window lies
 * within tol_ms of that beat's Ts. */
static void check_beat_peaks(const rec *r, const beat_row *const *b, int nb,
                             const truth_row *t, double tol_ms, const char *what)
{
    for (int k = 0; k < nb; k++)
        for (int c = 0; c < r->ncol; c++) {
            int s = r->seg[c];
            double best = -INFINITY, tbest = NAN;
            for (size_t j = 0; j < r->n; j++) {
                double tt = r->t_ms[j] - b[k]->onset;
                if (tt >= t->avo && tt <= t->avc && r->v[c][j] > best) {
                    best = r->v[c][j];
                    tbest = tt;
                }
            }
            ck_assert_msg(fabs(tbest - b[k]->ts[s]) <= tol_ms,
                          "%s beat %d %s: sample peak %.3f, truth %.4f", what, k + 1, canon[s],
                          tbest, b[k]->ts[s]);
        }
}

START_TEST(test_multibeat)
{
    /* Noise-free, 1000 fps, many ectopic beats. */
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 10;
    p.beats = 5;
    p.ectopic_prob = 0.3;
    p.fps = 1000;
    p.seed = 11;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("multi", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    static truth_row t[10];
    ck_assert_int_eq(read_truth(dir, t, 10), 10);
    static beat_row rows[MAXBEATROWS];
    int nrow = read_beats(dir, rows, MAXBEATROWS);
    ck_assert_int_eq(nrow, 10 * 5);
    int n_ect = 0, n_sinus = 0;
    double worst_all = 0.0, sd_sum = 0.0;
    int sd_n = 0;
    for (int i = 0; i < 10; i++) {
        ck_assert_str_eq(t[i].layout, "file");
        char path[512];
        xsnprintf(path, sizeof path, "%s/%s", dir, t[i].path);
        rec r;
        rec_read(path, &r);
        ck_assert_int_eq(r.ncol, NSEG);
        ck_assert_int_eq(r.ecg_cell, -1);
        const beat_row *b[16];
        int nb = rows_of(rows, nrow, t[i].path, b, 16);
        check_beats(&r, b, nb, 5, &t[i], 1, t[i].id);
        check_beat_peaks(&r, b, nb, &t[i], 1.2, t[i].id);
        for (int k = 0; k < nb; k++) {
            n_ect += b[k]->ectopic;
            n_sinus += !b[k]->ectopic;
        }
        for (int s = 0; s < NSEG; s++) {
            /* Including the ectopic beats moves the mean. */
            double all = 0.0, m = 0.0, ss = 0.0;
            int ns = 0;
            for (int k = 0; k < nb; k++) {
                all += b[k]->ts[s] / nb;
                if (!b[k]->ectopic) {
                    m += b[k]->ts[s];
                    ns++;
                }
            }
            m /= ns;
            worst_all = fmax(worst_all, fabs(all - t[i].ts[s]));
            for (int k = 0; k < nb; k++)
                if (!b[k]->ectopic)
                    ss += (b[k]->ts[s] - m) * (b[k]->ts[s] - m);
            if (ns > 2) {
                sd_sum += sqrt(ss / (ns - 1));
                sd_n++;
            }
        }
        /* An ectopic beat's Ts are far from the sinus ones (median over
         * segments above 10 ms). */
        for (int k = 0; k < nb; k++) {
            if (!b[k]->ectopic)
                continue;
            double d[NSEG];
            for (int s = 0; s < NSEG; s++)
                d[s] = fabs(b[k]->ts[s] - t[i].ts[s]);
            int above = 0;
            for (int s = 0; s < NSEG; s++)
                above += d[s] > 10.0;
            ck_assert_msg(above >= NSEG / 2, "%s beat %d: ectopic Ts close to the sinus ones",
                          t[i].id, k + 1);
        }
        rec_free(&r);
    }
    ck_assert_msg(n_ect >= 4 && n_ect <= 20, "%d ectopic beats of 50", n_ect);
    ck_assert_msg(worst_all > 8.0, "ectopic beats move a mean by at most %.2f ms", worst_all);
    /* Beat-to-beat SD of the sinus beats: 2-5 ms by design. */
    double sd = sd_sum / sd_n;
    ck_assert_msg(sd > 1.5 && sd < 5.0, "beat-to-beat SD %.2f ms", sd);

    /* The same hearts as the single beat (study-level draws unchanged). */
    dys_synth_params q;
    dys_synth_params_defaults(&q);
    q.n_studies = 10;
    q.seed = 11;
    char one[256];
    ck_assert_int_eq(gen("multi_one", &q, one, sizeof one, err, sizeof err), DYS_OK);
    static truth_row t1[10];
    ck_assert_int_eq(read_truth(one, t1, 10), 10);
    for (int i = 0; i < 10; i++) {
        ck_assert_double_eq(t[i].avo, t1[i].avo);
        ck_assert_double_eq(t[i].avc, t1[i].avc);
        ck_assert_double_eq(t[i].hr, t1[i].hr);
        for (int s = 0; s < NSEG; s++)
            ck_assert_msg(fabs(t[i].ts[s] - t1[i].ts[s]) < 8.0,
                          "%s %s: %.2f ms from the single-beat truth", t[i].id, canon[s],
                          t[i].ts[s] - t1[i].ts[s]);
    }
    char ptb[512];
    xsnprintf(ptb, sizeof ptb, "%s/truth_beats.csv", one);
    ck_assert_msg(!file_exists(ptb), "truth_beats.csv written for single beats");
}
END_TEST

START_TEST(test_ecg_column)
{
    /* ECG without onset metadata, every format variant. */
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 9;
    p.beats = 4;
    p.ecg = 1;
    p.qrs_metadata = 0;
    p.vary_format = 1;
    p.fps = 250;
    p.noise_cm_s = 0.1;
    p.seed = 3;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("ecg", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    static truth_row t[9];
    ck_assert_int_eq(read_truth(dir, t, 9), 9);
    static beat_row rows[MAXBEATROWS];
    int nrow = read_beats(dir, rows, MAXBEATROWS);
    ck_assert_int_eq(nrow, 9 * 4);
    int names = 0, not_first = 0, clear = 0, total = 0;
    char seen[3][32] = {"", "", ""};
    for (int i = 0; i < 9; i++) {
        char path[512];
        xsnprintf(path, sizeof path, "%s/%s", dir, t[i].path);
        rec r;
        rec_read(path, &r);
        ck_assert_msg(r.ecg_cell >= 0, "%s: no ECG column", path);
        not_first += r.ecg_cell > 0;
        int known = 0;
        for (int k = 0; k < names; k++)
            known |= strcmp(seen[k], r.ecg_name) == 0;
        if (!known && names < 3)
            xsnprintf(seen[names++], sizeof seen[0], "%s", r.ecg_name);
        ck_assert_ptr_null(meta_get(&r, "qrs_onsets_ms"));
        ck_assert_ptr_null(meta_get(&r, "qrs_onset_ms"));
        const beat_row *b[16];
        int nb = rows_of(rows, nrow, t[i].path, b, 16);
        check_beats(&r, b, nb, 4, &t[i], 0, t[i].id);
        for (size_t j = 0; j < r.n; j++)
            ck_assert_msg(isfinite(r.ecg[j]) && fabs(r.ecg[j]) < 6.0, "%s: ECG %.4f mV", path,
                          r.ecg[j]);
        /* Every QRS stands out of its PR segment: the range over the
         * first 120 ms from the onset against the range over the 40 ms
         * before it. */
        for (int k = 0; k < nb; k++) {
            double qlo = INFINITY, qhi = -INFINITY, plo = INFINITY, phi = -INFINITY;
            for (size_t j = 0; j < r.n; j++) {
                double tt = r.t_ms[j] - b[k]->onset;
                if (tt >= 0.0 && tt <= 120.0) {
                    qlo = fmin(qlo, r.ecg[j]);
                    qhi = fmax(qhi, r.ecg[j]);
                } else if (tt >= -40.0 && tt < 0.0) {
                    plo = fmin(plo, r.ecg[j]);
                    phi = fmax(phi, r.ecg[j]);
                }
            }
            ck_assert_msg(qhi - qlo > 0.5, "%s beat %d: QRS range %.3f mV", path, k + 1,
                          qhi - qlo);
            clear += qhi - qlo > 3.0 * (phi - plo);
            total++;
        }
        rec_free(&r);
    }
    ck_assert_int_ge(names, 3);     /* ecg, ecg_mv, ECG (mV) */
    ck_assert_int_gt(not_first, 0); /* shuffled among the segments */
    ck_assert_msg(clear >= total * 9 / 10, "QRS clear of the PR segment in %d of %d beats",
                  clear, total);

    /* One beat with the ECG: one complete beat between two onsets. */
    p.n_studies = 2;
    p.beats = 1;
    p.qrs_metadata = 1;
    p.vary_format = 0;
    char one[256];
    ck_assert_int_eq(gen("ecg_one", &p, one, sizeof one, err, sizeof err), DYS_OK);
    ck_assert_int_eq(read_truth(one, t, 9), 2);
    nrow = read_beats(one, rows, MAXBEATROWS);
    ck_assert_int_eq(nrow, 2);
    for (int i = 0; i < 2; i++) {
        char path[512];
        xsnprintf(path, sizeof path, "%s/%s", one, t[i].path);
        rec r;
        rec_read(path, &r);
        ck_assert_int_eq(r.ecg_cell, 0);
        const beat_row *b[4];
        int nb = rows_of(rows, nrow, t[i].path, b, 4);
        check_beats(&r, b, nb, 1, &t[i], 1, t[i].id);
        rec_free(&r);
    }
}
END_TEST

START_TEST(test_views_beats)
{
    /* View directories: every view its own heartbeats and ECG. */
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 4;
    p.views = 2; /* files and directories */
    p.beats = 3;
    p.ecg = 1;
    p.fps = 500;
    p.ectopic_prob = 0.2;
    p.seed = 8;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("vbeats", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    static truth_row t[4];
    ck_assert_int_eq(read_truth(dir, t, 4), 4);
    static beat_row rows[MAXBEATROWS];
    int nrow = read_beats(dir, rows, MAXBEATROWS);
    ck_assert_int_eq(nrow, 2 * 3 + 2 * 3 * 3);
    static const char *const file[3] = {"a4c.csv", "a2c.csv", "aplax.csv"};
    for (int i = 0; i < 4; i++) {
        int views = strcmp(t[i].layout, "views") == 0;
        ck_assert_int_eq(views, i % 2 == 1);
        double first[3];
        int seen[NSEG] = {0};
        for (int v = 0; v < (views ? 3 : 1); v++) {
            char rel[128], path[512];
            if (views)
                xsnprintf(rel, sizeof rel, "%s/%s", t[i].path, file[v]);
            else
                xsnprintf(rel, sizeof rel, "%s", t[i].path);
            xsnprintf(path, sizeof path, "%s/%s", dir, rel);
            rec r;
            rec_read(path, &r);
            ck_assert_int_ge(r.ecg_cell, 0);
            ck_assert_int_eq(r.ncol, views ? 4 : NSEG);
            for (int c = 0; c < r.ncol; c++)
                seen[r.seg[c]]++;
            const beat_row *b[8];
            int nb = rows_of(rows, nrow, rel, b, 8);
            check_beats(&r, b, nb, 3, &t[i], 1, rel);
            check_beat_peaks(&r, b, nb, &t[i], 1.3, rel); /* 2 ms frames */
            first[v] = b[0]->onset;
            rec_free(&r);
        }
        for (int s = 0; s < NSEG; s++)
            ck_assert_int_eq(seen[s], 1);
        if (views) /* own time axes and beats */
            ck_assert(first[0] != first[1] && first[1] != first[2] && first[0] != first[2]);
    }
}
END_TEST

START_TEST(test_multibeat_determinism)
{
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 4;
    p.beats = 4;
    p.ecg = 1;
    p.views = 2;
    p.vary_format = 1;
    p.noise_cm_s = 0.2;
    p.ectopic_prob = 0.2;
    p.seed = 21;
    char a[256], b[256], err[1024];
    ck_assert_int_eq(gen("mdet_a", &p, a, sizeof a, err, sizeof err), DYS_OK);
    ck_assert_int_eq(gen("mdet_b", &p, b, sizeof b, err, sizeof err), DYS_OK);
    ck_assert_int_eq(hash_dir(a, 4), hash_dir(b, 4));
    char pa[512], pb[512];
    xsnprintf(pa, sizeof pa, "%s/truth_beats.csv", a);
    xsnprintf(pb, sizeof pb, "%s/truth_beats.csv", b);
    ck_assert(same_file(pa, pb));
    /* The noise has its own stream: onsets and per-beat truth do not
     * depend on it. */
    p.noise_cm_s = 0.0;
    char c[256];
    ck_assert_int_eq(gen("mdet_c", &p, c, sizeof c, err, sizeof err), DYS_OK);
    xsnprintf(pb, sizeof pb, "%s/truth_beats.csv", c);
    ck_assert(same_file(pa, pb));
    /* Nor on the ECG column: same beats, same velocity samples. */
    p.ecg = 0;
    p.vary_format = 0;
    char d[256], e[256];
    ck_assert_int_eq(gen("mdet_d", &p, d, sizeof d, err, sizeof err), DYS_OK);
    p.ecg = 1;
    ck_assert_int_eq(gen("mdet_e", &p, e, sizeof e, err, sizeof err), DYS_OK);
    xsnprintf(pa, sizeof pa, "%s/truth_beats.csv", d);
    xsnprintf(pb, sizeof pb, "%s/truth_beats.csv", e);
    ck_assert(same_file(pa, pb));
    xsnprintf(pa, sizeof pa, "%s/synth_0001.csv", d);
    xsnprintf(pb, sizeof pb, "%s/synth_0001.csv", e);
    rec ra, rb;
    rec_read(pa, &ra);
    rec_read(pb, &rb);
    ck_assert_int_eq(ra.ecg_cell, -1);
    ck_assert_int_eq(rb.ecg_cell, 0);
    ck_assert_uint_eq(ra.n, rb.n);
    ck_assert_int_eq(ra.ncol, rb.ncol);
    for (size_t j = 0; j < ra.n; j++) {
        ck_assert_double_eq(ra.t_ms[j], rb.t_ms[j]);
        for (int c = 0; c < ra.ncol; c++)
            ck_assert_double_eq(ra.v[c][j], rb.v[c][j]);
    }
    rec_free(&ra);
    rec_free(&rb);
}
END_TEST

START_TEST(test_bad_beat_params)
{
    static const struct {
        const char *what;
        int beats, ecg, qrs_metadata;
        double rr_sd, ectopic;
    } bad[] = {
        {"beats 0", 0, 0, 1, 0.03, 0.05},
        {"beats 101", 101, 0, 1, 0.03, 0.05},
        {"ecg 2", 3, 2, 1, 0.03, 0.05},
        {"ecg -1", 3, -1, 1, 0.03, 0.05},
        {"negative RR SD", 3, 0, 1, -0.01, 0.05},
        {"RR SD too large", 3, 0, 1, 0.16, 0.05},
        {"RR SD NaN", 3, 0, 1, NAN, 0.05},
        {"negative ectopic probability", 3, 0, 1, 0.03, -0.1},
        {"ectopic probability too large", 3, 0, 1, 0.03, 0.51},
        {"ectopic probability NaN", 3, 0, 1, 0.03, NAN},
        {"qrs_metadata 2", 3, 1, 2, 0.03, 0.05},
        {"no onsets and no ECG", 3, 0, 0, 0.03, 0.05},
        {"no onsets and no ECG, one beat", 1, 0, 0, 0.03, 0.05},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        dys_synth_params p;
        dys_synth_params_defaults(&p);
        p.n_studies = 2;
        p.beats = bad[k].beats;
        p.ecg = bad[k].ecg;
        p.qrs_metadata = bad[k].qrs_metadata;
        p.rr_sd_frac = bad[k].rr_sd;
        p.ectopic_prob = bad[k].ectopic;
        char dir[256], err[1024];
        dys_status st = gen("badb", &p, dir, sizeof dir, err, sizeof err);
        ck_assert_msg(st == DYS_ERR_INVALID, "%s: status %d", bad[k].what, (int)st);
        ck_assert_msg(err[0] != '\0', "%s: no message", bad[k].what);
        ck_assert_msg(!file_exists(dir), "%s: wrote %s anyway", bad[k].what, dir);
    }
    /* Allowed edges: 100 beats at 10 fps, RR SD 0.15, ectopic 0.5. */
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 1;
    p.beats = 100;
    p.fps = 10;
    p.rr_sd_frac = 0.15;
    p.ectopic_prob = 0.5;
    p.ecg = 1;
    p.qrs_metadata = 0;
    char dir[256], err[1024];
    ck_assert_int_eq(gen("badb_edge", &p, dir, sizeof dir, err, sizeof err), DYS_OK);
    static beat_row rows[MAXBEATROWS];
    ck_assert_int_eq(read_beats(dir, rows, MAXBEATROWS), 100);
}
END_TEST

/* --doppler adds the four timing keys to every file and changes nothing
 * else, byte for byte; the keys read back as the model says: LV PEP the
 * study's AVO, RV PEP at least 40 ms, the filling time the RR less AVC and
 * 80 ms, in % of the RR; IVMD and SPWMD in their ranges. */
START_TEST(test_doppler_keys)
{
    dys_synth_params p;
    dys_synth_params_defaults(&p);
    p.n_studies = 8;
    p.seed = 7;
    char a[256], b[256], err[1024];
    ck_assert_int_eq(gen("dop_off", &p, a, sizeof a, err, sizeof err), DYS_OK);
    p.doppler = 1;
    ck_assert_int_eq(gen("dop_on", &p, b, sizeof b, err, sizeof err), DYS_OK);
    char pa[512], pb[512];
    xsnprintf(pa, sizeof pa, "%s/truth.csv", a);
    xsnprintf(pb, sizeof pb, "%s/truth.csv", b);
    ck_assert(same_file(pa, pb));
    dys_ctx *ctx = dys_ctx_new();
    for (int i = 1; i <= 8; i++) {
        xsnprintf(pa, sizeof pa, "%s/synth_%04d.csv", a, i);
        xsnprintf(pb, sizeof pb, "%s/synth_%04d.csv", b, i);
        size_t la, lb;
        char *x = slurp(pa, &la), *y = slurp(pb, &lb);
        ck_assert_msg(x && y, "cannot read %s or %s", pa, pb);
        /* the file with the keys, less its four key lines, is the other */
        char *keep = malloc(lb + 1);
        size_t n = 0;
        int dropped = 0;
        for (const char *line = y; *line;) {
            const char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
            int key = !strncmp(line, "# lv_pep_ms: ", 13) || !strncmp(line, "# rv_pep_ms: ", 13) ||
                      !strncmp(line, "# spwmd_ms: ", 12) ||
                      !strncmp(line, "# filling_time_pct_rr: ", 23);
            if (!key) {
                memcpy(keep + n, line, len);
                n += len;
            }
            dropped += key;
            line += len;
        }
        ck_assert_int_eq(dropped, 4);
        ck_assert(n == la && !memcmp(keep, x, la));
        free(keep);
        free(x);
        free(y);
        dys_study *st = NULL;
        ck_assert_msg(dys_study_read(ctx, pb, NULL, &st) == DYS_OK, "%s", dys_ctx_error(ctx));
        ck_assert_double_eq(st->lv_pep_ms, st->avo_ms);
        ck_assert(st->rv_pep_ms >= 40 && st->rv_pep_ms <= st->lv_pep_ms);
        double ivmd = st->lv_pep_ms - st->rv_pep_ms;
        ck_assert(ivmd >= 0 && ivmd <= 70);
        ck_assert(st->spwmd_ms >= 0 && st->spwmd_ms <= 250);
        double rr = 60000.0 / st->hr_bpm;
        ck_assert_double_eq_tol(st->filling_time_pct_rr, 100 * (rr - st->avc_ms - 80) / rr, 0.051);
        dys_study_free(st);
    }
    dys_ctx_free(ctx);
}
END_TEST

static Suite *synth_suite(void)
{
    Suite *s = suite_create("synth");
    TCase *tc = tcase_create("synth");
    tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_default_output_unchanged);
    tcase_add_test(tc, test_truth_independent_of_acquisition);
    tcase_add_test(tc, test_truth_rows);
    tcase_add_test(tc, test_samples_match_truth);
    tcase_add_test(tc, test_views_layout);
    tcase_add_test(tc, test_vary_format);
    tcase_add_test(tc, test_bad_params);
    tcase_add_test(tc, test_locale_independent);
    tcase_add_test(tc, test_multibeat);
    tcase_add_test(tc, test_ecg_column);
    tcase_add_test(tc, test_views_beats);
    tcase_add_test(tc, test_multibeat_determinism);
    tcase_add_test(tc, test_bad_beat_params);
    tcase_add_test(tc, test_doppler_keys);
    suite_add_tcase(s, tc);
    return s;
}

DYS_CHECK_MAIN(synth_suite)
