/*
 * test_readers.c - the study readers against the input contract
 * (docs/format.md, which also gives the EchoPAC names and ROI colours).
 *
 * Every test writes its own input files into a fresh directory under a
 * mkdtemp() root in /tmp (removed at the end), reads them with the public
 * API (dys_study_read) and checks either the study it gets or, for the
 * refusals, the status and that dys_ctx_error() names the file and the
 * right "line:column" and says what was expected.  EchoPAC inputs are
 * written in the layout of a real GE "Local Traces" export (padded header
 * lines, "Time (s)", whitespace columns, E-notation, "ECG :").
 *
 * Tables drive most tests (tcase_add_loop_test), so TAP counts one result
 * per case.  Only Check's TAP output goes to stdout.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "internal.h"
#include "study_internal.h"

#include "check_main.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- fixture: a directory and a context per test ---------------------- */

static char g_root[256];  /* the run's mkdtemp root, set by main() */
static char g_dir[512];   /* this test's directory */
static dys_ctx *g_ctx;
static dys_study *g_study; /* the last study read, freed in teardown */
static char *g_paths[256];
static int g_npaths;

static void setup(void)
{
    snprintf(g_dir, sizeof g_dir, "%s/tXXXXXX", g_root);
    ck_assert_msg(mkdtemp(g_dir) != NULL, "mkdtemp: %s", strerror(errno));
    g_ctx = dys_ctx_new();
    ck_assert_ptr_nonnull(g_ctx);
    g_study = NULL;
    g_npaths = 0;
}

static void teardown(void)
{
    dys_study_free(g_study);
    g_study = NULL;
    dys_ctx_free(g_ctx);
    g_ctx = NULL;
    for (int i = 0; i < g_npaths; i++)
        free(g_paths[i]);
    g_npaths = 0;
}

static const char *keep(char *p)
{
    ck_assert_ptr_nonnull(p);
    ck_assert_int_lt(g_npaths, N_ELEMS(g_paths));
    g_paths[g_npaths++] = p;
    return p;
}

/* A subdirectory of this test's directory. */
static const char *subdir(const char *name)
{
    const char *p = keep(dys_asprintf("%s/%s", g_dir, name));
    ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
    return p;
}

/* Write n bytes to dir/name (dir NULL: this test's directory). */
static const char *wfile_n(const char *dir, const char *name, const void *data,
                           size_t n)
{
    const char *p = keep(dys_asprintf("%s/%s", dir ? dir : g_dir, name));
    FILE *f = fopen(p, "wb");
    ck_assert_msg(f != NULL, "fopen %s: %s", p, strerror(errno));
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}

static const char *wfile_in(const char *dir, const char *name, const char *text)
{
    return wfile_n(dir, name, text, strlen(text));
}

static const char *wfile(const char *name, const char *text)
{
    return wfile_n(NULL, name, text, strlen(text));
}

/* Read a study that must be accepted. */
static dys_study *read_ok_opt(const char *path, const dys_read_options *opt)
{
    dys_study *s = NULL;
    dys_status st = dys_study_read(g_ctx, path, opt, &s);
    ck_assert_msg(st == DYS_OK, "%s refused (%s): %s", path, dys_strerror(st),
                  dys_ctx_error(g_ctx));
    ck_assert_ptr_nonnull(s);
    dys_study_free(g_study);
    g_study = s;
    return s;
}

static dys_study *read_ok(const char *path)
{
    return read_ok_opt(path, NULL);
}

/* Read a study that must be refused with status `want`; the message must
 * start with path+where (e.g. ":5:12:") when where is given, name the
 * path in any case, contain `word` (case-insensitive) when given, and say
 * what was expected when the input is at fault. */
static const char *read_fail_opt(const char *path, const dys_read_options *opt,
                                 dys_status want, const char *where,
                                 const char *word)
{
    dys_study *s = (dys_study *)&s; /* must be reset to NULL */
    dys_status st = dys_study_read(g_ctx, path, opt, &s);
    const char *msg = dys_ctx_error(g_ctx);
    ck_assert_msg(st == want, "%s: status %s, expected %s (message: %s)", path,
                  dys_strerror(st), dys_strerror(want), msg);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(msg, path) != NULL, "message does not name %s: %s", path,
                  msg);
    if (where) {
        char *exp = dys_asprintf("%s%s", path, where);
        int found = strstr(msg, exp) != NULL;
        free(exp);
        ck_assert_msg(found, "message does not point at %s%s: %s", path, where, msg);
    }
    if (word)
        ck_assert_msg(strcasestr(msg, word) != NULL, "message lacks '%s': %s", word,
                      msg);
    if (want == DYS_ERR_PARSE || want == DYS_ERR_UNSUPPORTED)
        ck_assert_msg(strstr(msg, "expected") != NULL,
                      "message does not say what was expected: %s", msg);
    return msg;
}

static const char *read_fail(const char *path, dys_status want, const char *where,
                             const char *word)
{
    return read_fail_opt(path, NULL, want, where, word);
}

static int has_warning(const dys_study *s, const char *word)
{
    for (size_t i = 0; i < s->n_warnings; i++)
        if (strcasestr(s->warnings[i], word))
            return 1;
    return 0;
}

static const dys_meta *find_meta(const dys_study *s, const char *key)
{
    for (size_t i = 0; i < s->n_meta; i++)
        if (!strcmp(s->meta[i].key, key))
            return &s->meta[i];
    return NULL;
}

static void expect_values(const double *v, const double *want, size_t n)
{
    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i < n; i++) {
        if (isnan(want[i]))
            ck_assert_msg(isnan(v[i]), "[%zu] = %.17g, expected NaN", i, v[i]);
        else
            ck_assert_msg(v[i] == want[i], "[%zu] = %.17g, expected %.17g", i, v[i],
                          want[i]);
    }
}

static void expect_close(const double *v, const double *want, size_t n)
{
    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fabs(v[i] - want[i]) <= 1e-12 * fabs(want[i]) + 1e-300,
                      "[%zu] = %.17g, expected %.17g", i, v[i], want[i]);
}

/* Count the segment columns of a recording. */
static int n_segs(const dys_recording *r)
{
    int n = 0;
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        n += r->seg[k] != NULL;
    return n;
}

/* A minimal valid body: header "time_ms,<col>" and three rows 1, 2, 3. */
static const char *one_column_file(const char *name, const char *col)
{
    char *text = dys_asprintf("time_ms,%s\n0,1\n10,2\n20,3\n", col);
    const char *p = wfile(name, text);
    free(text);
    return p;
}

/* ---- separators, decimal comma, BOM, CRLF ----------------------------- */

static const char seps[3] = {',', ';', '\t'};

START_TEST(t_separator)
{
    char s = seps[_i];
    char *text = dys_asprintf("time_ms%cbasal_septal%cmid_lateral%cecg\n"
                              "0%c1.5%c-2%c0.1\n"
                              "10%c2.5%c-3%c0.2\n"
                              "20%c3.5%c-4%c0.3\n",
                              s, s, s, s, s, s, s, s, s, s, s, s);
    const dys_study *st = read_ok(wfile("sep.csv", text));
    free(text);
    ck_assert_uint_eq(st->n_rec, 1);
    const dys_recording *r = &st->rec[0];
    ck_assert_str_eq(r->format, "csv");
    ck_assert_uint_eq(r->n, 3);
    expect_values(r->t_ms, (double[]){0, 10, 20}, 3);
    expect_values(r->seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){1.5, 2.5, 3.5}, 3);
    expect_values(r->seg[DYS_AHA_MID_ANTEROLATERAL], (double[]){-2, -3, -4}, 3);
    expect_values(r->ecg_mv, (double[]){0.1, 0.2, 0.3}, 3);
    ck_assert_int_eq(n_segs(r), 2);
    ck_assert_int_eq(r->seg_line[DYS_AHA_BASAL_INFEROSEPTAL], 2);
    ck_assert_int_eq(r->seg_line[DYS_AHA_MID_ANTEROLATERAL], 3);
    /* only A4C segments: the file is taken as that view */
    ck_assert_int_eq(r->view, DYS_VIEW_A4C);
    ck_assert_int_eq(st->trace, DYS_TRACE_VELOCITY);
}
END_TEST

/* With ';' or tab, a decimal comma; '.' is still accepted there. */
START_TEST(t_decimal_comma)
{
    char s = seps[1 + _i];
    char *text = dys_asprintf("time_ms%cbasal_septal%cecg\n"
                              "0%c1,5%c0.25\n"
                              "12,5%c-0,125%c1,5e2\n"
                              "25%c2.75%c-3,0\n",
                              s, s, s, s, s, s, s, s);
    const dys_study *st = read_ok(wfile("dc.csv", text));
    free(text);
    const dys_recording *r = &st->rec[0];
    expect_values(r->t_ms, (double[]){0, 12.5, 25}, 3);
    expect_values(r->seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){1.5, -0.125, 2.75}, 3);
    expect_values(r->ecg_mv, (double[]){0.25, 150, -3}, 3);
}
END_TEST

/* BOM x CRLF, with a metadata line first (the BOM must not hide the '#'). */
START_TEST(t_bom_crlf)
{
    int bom = _i & 1, crlf = _i & 2;
    const char *nl = crlf ? "\r\n" : "\n";
    char *text = dys_asprintf("%s# avo_ms: 80%s# lbbb: yes%stime_ms,seg3%s0,1%s"
                              "10,2%s20,3%s",
                              bom ? "\xEF\xBB\xBF" : "", nl, nl, nl, nl, nl, nl);
    const dys_study *st = read_ok(wfile("bom.csv", text));
    free(text);
    ck_assert_double_eq(st->avo_ms, 80);
    ck_assert_int_eq(st->lbbb, 1);
    const dys_recording *r = &st->rec[0];
    ck_assert_uint_eq(r->n, 3);
    expect_values(r->seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){1, 2, 3}, 3);
    const dys_meta *m = find_meta(st, "lbbb");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->value, "yes"); /* no '\r' left */
}
END_TEST

/* BOM directly before the header, CRLF, no final newline. */
START_TEST(t_bom_header_no_final_newline)
{
    const dys_study *st = read_ok(
        wfile("b.csv", "\xEF\xBB\xBFtime_ms;basal_lateral\r\n0;1,5\r\n10;2\r\n20;3"));
    expect_values(st->rec[0].seg[DYS_AHA_BASAL_ANTEROLATERAL], (double[]){1.5, 2, 3},
                  3);
}
END_TEST

START_TEST(t_blank_lines_and_comments)
{
    const dys_study *st =
        read_ok(wfile("c.csv", "\n# exported by a spreadsheet\n   \n# avc_ms: 390\n\n"
                               "time_ms,seg6\n0,1\n\n10,2\n  \n20,3\n\n"));
    ck_assert_double_eq(st->avc_ms, 390);
    ck_assert_uint_eq(st->rec[0].n, 3);
}
END_TEST

START_TEST(t_quoted_cells)
{
    const dys_study *st = read_ok(
        wfile("q.csv", "\"time_ms\",\"basal septal (cm/s)\",\"ecg\"\n"
                       "\"0\",\"1.5\",\"\"\n\"10\",\"2.5\",\"0.1\"\n\"20\",\"NaN\",\"0.2\"\n"));
    const dys_recording *r = &st->rec[0];
    expect_values(r->seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){1.5, 2.5, NAN}, 3);
    expect_values(r->ecg_mv, (double[]){NAN, 0.1, 0.2}, 3);
}
END_TEST

START_TEST(t_spaces_around_cells)
{
    const dys_study *st =
        read_ok(wfile("sp.csv", " time_ms , basal_septal ,ecg \n 0 , 1.5 , 2\n"
                                "10,  2.5,3  \n20 ,3.5 , 4\n"));
    expect_values(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){1.5, 2.5, 3.5},
                  3);
    expect_values(st->rec[0].ecg_mv, (double[]){2, 3, 4}, 3);
}
END_TEST

/* ---- the time column ----------------------------------------------------- */

static const struct {
    const char *name;
    int seconds;
} time_names[] = {
    {"time_ms", 0},   {"t_ms", 0},      {"time (ms)", 0}, {"Time (ms)", 0},
    {"TIME_MS", 0},   {"Time-ms", 0},   {"time ms", 0},   {"T_MS", 0},
    {"time [ms]", 0}, {"time_ms (ms)", 0},
    {"time_s", 1},    {"time (s)", 1},  {"Time (s)", 1},  {"TIME_S", 1},
    {"time-s", 1},    {"time [s]", 1},  {"Time_s (s)", 1},
};

START_TEST(t_time_column_names)
{
    const char *name = time_names[_i].name;
    char *text = time_names[_i].seconds
                     ? dys_asprintf("%s,seg1\n0,1\n0.0125,2\n0.025,3\n1.5,4\n", name)
                     : dys_asprintf("%s,seg1\n0,1\n12.5,2\n25,3\n1500,4\n", name);
    const dys_study *st = read_ok(wfile("t.csv", text));
    free(text);
    expect_values(st->rec[0].t_ms, (double[]){0, 12.5, 25, 1500}, 4);
}
END_TEST

/* Seconds become milliseconds as if the decimal point had been moved: the
 * double nearest to the decimal value in ms, not 1000 * (double)s. */
START_TEST(t_time_seconds_exact)
{
    const dys_study *st = read_ok(
        wfile("s.csv", "time_s,seg1\n0.00003,1\n0.037,2\n2.5e-1,3\n1.0166667,4\n"
                       "1.086,5\n1.1E+0,6\n"));
    expect_values(st->rec[0].t_ms, (double[]){0.03, 37, 250, 1016.6667, 1086, 1100}, 6);
}
END_TEST

START_TEST(t_time_seconds_decimal_comma)
{
    const dys_study *st = read_ok(
        wfile("s.csv", "time (s);seg1\n0,00006;1\n0,037;2\n0.053;3\n1,0166667;4\n"));
    expect_values(st->rec[0].t_ms, (double[]){0.06, 37, 53, 1016.6667}, 4);
}
END_TEST

START_TEST(t_time_uneven_and_negative)
{
    const dys_study *st =
        read_ok(wfile("u.csv", "time_ms,seg1\n-50,1\n-33.2,2\n0,3\n16.9,4\n33,5\n"));
    expect_values(st->rec[0].t_ms, (double[]){-50, -33.2, 0, 16.9, 33}, 5);
}
END_TEST

/* ---- velocity units ------------------------------------------------------ */

static const struct {
    const char *unit;
    double scale;
} units[] = {
    {"cm/s", 1}, {"mm/s", 0.1}, {"m/s", 100}, {"CM/S", 1}, {"MM/s", 0.1},
    {"M/S", 100},
};

START_TEST(t_velocity_unit)
{
    /* 12.3, -4.5 and 0.25 scaled to a plausible velocity in each unit
     * (plausible.c refuses m/s values of 12.3) */
    double k = units[_i].scale;
    double f = k == 100 ? 0.01 : k == 0.1 ? 10 : 1;
    char *text = dys_asprintf("# velocity_unit: %s\ntime_ms,basal_septal,ecg\n"
                              "0,%.17g,1\n10,%.17g,2\n20,%.17g,3\n",
                              units[_i].unit, 12.3 * f, -4.5 * f, 0.25 * f);
    const dys_study *st = read_ok(wfile("v.csv", text));
    free(text);
    expect_close(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL],
                 (double[]){12.3 * f * k, -4.5 * f * k, 0.25 * f * k}, 3);
    /* neither the time nor the ECG is a velocity */
    expect_values(st->rec[0].t_ms, (double[]){0, 10, 20}, 3);
    expect_values(st->rec[0].ecg_mv, (double[]){1, 2, 3}, 3);
}
END_TEST

/* mm/s -> cm/s divides by ten: 12.3 mm/s is the double nearest 1.23. */
START_TEST(t_velocity_mm_s_exact)
{
    const dys_study *st = read_ok(wfile(
        "v.csv", "# velocity_unit: mm/s\ntime_ms,seg3\n0,12.3\n10,-4.5\n20,NaN\n"));
    expect_values(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL],
                  (double[]){1.23, -0.45, NAN}, 3);
}
END_TEST

/* A study-level unit may stand in another view file of the directory. */
START_TEST(t_velocity_unit_in_other_view)
{
    const char *d = subdir("study");
    wfile_in(d, "a2c.csv", "# velocity_unit: mm/s\ntime_ms,basal_anterior\n"
                           "0,10\n10,20\n20,30\n");
    wfile_in(d, "a4c.csv", "time_ms,basal_septal\n0,50\n10,60\n20,70\n");
    const dys_study *st = read_ok(d);
    ck_assert_uint_eq(st->n_rec, 2);
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A4C);
    ck_assert_int_eq(st->rec[1].view, DYS_VIEW_A2C);
    expect_close(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){5, 6, 7}, 3);
    expect_close(st->rec[1].seg[DYS_AHA_BASAL_ANTERIOR], (double[]){1, 2, 3}, 3);
}
END_TEST

START_TEST(t_velocity_unit_ignored_for_strain)
{
    const dys_study *st = read_ok(wfile(
        "s.csv", "# trace: strain\n# velocity_unit: mm/s\ntime_ms,seg3\n0,-1\n10,-2\n"
                 "20,-3\n"));
    ck_assert_int_eq(st->trace, DYS_TRACE_STRAIN);
    expect_values(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){-1, -2, -3}, 3);
    ck_assert(has_warning(st, "velocity_unit"));
}
END_TEST

/* A unit after a column name is ignored (a warning says so). */
START_TEST(t_column_unit_ignored)
{
    const dys_study *st = read_ok(
        wfile("u.csv", "time_ms,basal septal (mm/s),mid septal [cm/s]\n0,10,1\n10,20,2\n"
                       "20,30,3\n"));
    expect_values(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){10, 20, 30}, 3);
    expect_values(st->rec[0].seg[DYS_AHA_MID_INFEROSEPTAL], (double[]){1, 2, 3}, 3);
    ck_assert(has_warning(st, "mm/s"));
}
END_TEST

/* ---- segment names ------------------------------------------------------- */

static const struct {
    const char *name;
    int seg;
    int api; /* dys_segment_from_name() takes it as is (no unit suffix) */
} seg_names[] = {
    /* canonical */
    {"basal_anterior", 0, 1}, {"basal_anteroseptal", 1, 1},
    {"basal_inferoseptal", 2, 1}, {"basal_inferior", 3, 1},
    {"basal_inferolateral", 4, 1}, {"basal_anterolateral", 5, 1},
    {"mid_anterior", 6, 1}, {"mid_anteroseptal", 7, 1},
    {"mid_inferoseptal", 8, 1}, {"mid_inferior", 9, 1},
    {"mid_inferolateral", 10, 1}, {"mid_anterolateral", 11, 1},
    /* aliases of docs/format.md */
    {"basal_septal", 2, 1}, {"basal_posterior", 4, 1}, {"basal_lateral", 5, 1},
    {"mid_septal", 8, 1}, {"mid_posterior", 10, 1}, {"mid_lateral", 11, 1},
    /* AHA numbers */
    {"seg1", 0, 1}, {"seg2", 1, 1}, {"seg3", 2, 1}, {"seg4", 3, 1},
    {"seg5", 4, 1}, {"seg6", 5, 1}, {"seg7", 6, 1}, {"seg8", 7, 1},
    {"seg9", 8, 1}, {"seg10", 9, 1}, {"seg11", 10, 1}, {"seg12", 11, 1},
    /* case and '_' '-' ' ' */
    {"BASAL_ANTERIOR", 0, 1}, {"Basal Anteroseptal", 1, 1},
    {"basal-inferoseptal", 2, 1}, {"Basal-Inferior", 3, 1},
    {"BASAL INFEROLATERAL", 4, 1}, {"Basal_Anterolateral", 5, 1},
    {"Mid Anterior", 6, 1}, {"mid-anteroseptal", 7, 1}, {"MID_INFEROSEPTAL", 8, 1},
    {"mid inferior", 9, 1}, {"Mid-Inferolateral", 10, 1},
    {"mid_Anterolateral", 11, 1}, {"Basal Septal", 2, 1}, {"BASAL-POSTERIOR", 4, 1},
    {"basal lateral", 5, 1}, {"Mid-Septal", 8, 1}, {"MID POSTERIOR", 10, 1},
    {"mid-lateral", 11, 1}, {"SEG1", 0, 1}, {"Seg12", 11, 1}, {"sEg7", 6, 1},
    {"basal__septal", 2, 1}, {"basal - septal", 2, 1},
    /* a unit after the name is ignored */
    {"basal_septal (cm/s)", 2, 0}, {"Basal Lateral [cm/s]", 5, 0},
    {"seg7 (cm/s)", 6, 0}, {"mid_anterior[cm/s]", 6, 0},
    {"Mid Inferolateral  ( cm/s )", 10, 0}, {"basal_anterior (%)", 0, 0},
    /* GE EchoPAC abbreviations (docs/format.md) */
    {"basSept", 2, 1}, {"midSept", 8, 1}, {"basLat", 5, 1}, {"midLat", 11, 1},
    {"basAnt", 0, 1}, {"midAnt", 6, 1}, {"basInf", 3, 1}, {"midInf", 9, 1},
    {"basAntSept", 1, 1}, {"midAntSept", 7, 1}, {"basPost", 4, 1},
    {"midPost", 10, 1}, {"BASSEPT", 2, 1}, {"midlat", 11, 1},
    {"basAntSept (cm/s)", 1, 0},
    /* the apical ring of the 18-segment model: canonical names, the older
     * wall names and EchoPAC's abbreviations, each in its view */
    {"apical_anterior", 12, 1}, {"Apical Anteroseptal", 13, 1},
    {"apical-inferoseptal", 14, 1}, {"APICAL_INFERIOR", 15, 1},
    {"apical inferolateral", 16, 1}, {"apical_anterolateral", 17, 1},
    {"apical_septal", 14, 1}, {"apical lateral", 17, 1}, {"Apical Posterior", 16, 1},
    {"apSept", 14, 1}, {"apLat", 17, 1}, {"apAnt", 12, 1}, {"apInf", 15, 1},
    {"apAntSept", 13, 1}, {"apPost", 16, 1}, {"apInfSept", 14, 1},
    {"apAntLat", 17, 1}, {"apInfLat", 16, 1}, {"APSEPT", 14, 1},
    {"apLat (cm/s)", 17, 0},
};

START_TEST(t_segment_alias_in_header)
{
    const dys_study *st = read_ok(one_column_file("a.csv", seg_names[_i].name));
    const dys_recording *r = &st->rec[0];
    ck_assert_msg(r->seg[seg_names[_i].seg] != NULL, "'%s' is not %s",
                  seg_names[_i].name, dys_segment_name(seg_names[_i].seg));
    ck_assert_int_eq(n_segs(r), 1);
    expect_values(r->seg[seg_names[_i].seg], (double[]){1, 2, 3}, 3);
    ck_assert_int_eq(r->seg_line[seg_names[_i].seg], 2);
}
END_TEST

START_TEST(t_segment_from_name_api)
{
    if (!seg_names[_i].api)
        return;
    ck_assert_int_eq(dys_segment_from_name(seg_names[_i].name), seg_names[_i].seg);
}
END_TEST

/* seg13..seg18 are not segments: AHA's 13-17 and the 18-segment model's
 * 13-18 are different apical segments (segments.c).  The apex is not one
 * of the 18. */
static const char *const not_segments[] = {
    "", "seg0", "seg13", "seg17", "seg18", "seg19", "seg1a", "seg01", "basal", "septal",
    "basal_septal_x", "apex", "apical", "apical_cap", "global", "time_ms", "ecg", "YELLOW",
    "basal_inferoseptal2", "mid", "apSeptx",
};

START_TEST(t_segment_from_name_rejects)
{
    ck_assert_int_eq(dys_segment_from_name(not_segments[_i]), -1);
}
END_TEST

START_TEST(t_segment_names_roundtrip)
{
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        ck_assert_int_eq(dys_segment_from_name(dys_segment_name(k)), k);
        ck_assert_ptr_nonnull(dys_segment_abbrev(k));
    }
    ck_assert_ptr_null(dys_segment_name(-1));
    ck_assert_ptr_null(dys_segment_name(DYS_N_SEGMENTS));
    ck_assert_int_eq(dys_segment_view(DYS_AHA_BASAL_INFEROSEPTAL), DYS_VIEW_A4C);
    ck_assert_int_eq(dys_segment_view(DYS_AHA_MID_INFERIOR), DYS_VIEW_A2C);
    ck_assert_int_eq(dys_segment_view(DYS_AHA_BASAL_INFEROLATERAL), DYS_VIEW_APLAX);
    /* the apical ring: two walls per view, as at the base */
    ck_assert_int_eq(dys_segment_view(DYS_AHA_APICAL_INFEROSEPTAL), DYS_VIEW_A4C);
    ck_assert_int_eq(dys_segment_view(DYS_AHA_APICAL_ANTEROLATERAL), DYS_VIEW_A4C);
    ck_assert_int_eq(dys_segment_view(DYS_AHA_APICAL_ANTERIOR), DYS_VIEW_A2C);
    ck_assert_int_eq(dys_segment_view(DYS_AHA_APICAL_INFERIOR), DYS_VIEW_A2C);
    ck_assert_int_eq(dys_segment_view(DYS_AHA_APICAL_ANTEROSEPTAL), DYS_VIEW_APLAX);
    ck_assert_int_eq(dys_segment_view(DYS_AHA_APICAL_INFEROLATERAL), DYS_VIEW_APLAX);
    for (int k = 0; k < DYS_N_SEGMENTS_12; k++) /* the ring's walls in base order */
        ck_assert_int_eq(dys_segment_view(k), dys_segment_view(DYS_N_SEGMENTS_12 + k % 6));
    ck_assert_str_eq(dys_segment_abbrev(DYS_AHA_APICAL_ANTEROSEPTAL), "apAS");
    ck_assert_int_eq(DYS_AHA_APICAL_ANTEROLATERAL, DYS_N_SEGMENTS - 1);
}
END_TEST

/* All 18 in one file, in a shuffled order. */
START_TEST(t_all_eighteen_segments)
{
    static const int order[DYS_N_SEGMENTS] = {7, 2, 11, 15, 0, 5, 13, 9, 3,
                                              17, 10, 1, 12, 6, 4, 16, 8, 14};
    char head[1024] = "time_ms", rows[3][512];
    for (int j = 0; j < 3; j++)
        snprintf(rows[j], sizeof rows[j], "%d", j * 10);
    for (int i = 0; i < DYS_N_SEGMENTS; i++) {
        int k = order[i];
        strcat(head, ",");
        strcat(head, dys_segment_name(k));
        for (int j = 0; j < 3; j++) {
            char c[32];
            snprintf(c, sizeof c, ",%d", 2 * k + j); /* distinct, plausible cm/s */
            strcat(rows[j], c);
        }
    }
    char *text = dys_asprintf("%s\n%s\n%s\n%s\n", head, rows[0], rows[1], rows[2]);
    const dys_study *st = read_ok(wfile("all.csv", text));
    free(text);
    const dys_recording *r = &st->rec[0];
    ck_assert_int_eq(n_segs(r), 18);
    for (int i = 0; i < DYS_N_SEGMENTS; i++) {
        int k = order[i];
        expect_values(r->seg[k], (double[]){2 * k, 2 * k + 1, 2 * k + 2}, 3);
        ck_assert_int_eq(r->seg_line[k], i + 2);
    }
}
END_TEST

/* GLOBAL, the apex and seg13..seg18 are kept as extra columns, not
 * errors; apSept is a segment (apical inferoseptal).  A segment number
 * above 12 is ambiguous between the AHA 17-segment model and the
 * 18-segment one: read past with a warning at its header cell. */
START_TEST(t_extra_columns)
{
    const char *f = wfile("x.csv", "time_ms,basal_septal,GLOBAL,apSept,seg13,apex\n"
                                   "0,1,2,3,4,5\n10,1,2,3,4,5\n20,1,2,3,4,5\n");
    const dys_study *st = read_ok(f);
    const dys_recording *r = &st->rec[0];
    ck_assert_int_eq(n_segs(r), 2);
    expect_values(r->seg[DYS_AHA_APICAL_INFEROSEPTAL], (double[]){3, 3, 3}, 3);
    ck_assert_int_eq(r->seg_line[DYS_AHA_APICAL_INFEROSEPTAL], 4);
    ck_assert_uint_eq(r->n_extra_columns, 3);
    ck_assert_str_eq(r->extra_columns[0], "GLOBAL");
    ck_assert_str_eq(r->extra_columns[1], "seg13");
    ck_assert_str_eq(r->extra_columns[2], "apex");
    char *at = dys_asprintf("%s:1:36: column 'seg13' read past", f);
    ck_assert_msg(has_warning(st, at), "no warning %s", at);
    free(at);
    ck_assert(has_warning(st, "differ between the AHA 17-segment model"));
}
END_TEST

/* ---- ECG and missing samples ------------------------------------------ */

static const char *const ecg_names[] = {"ecg", "ecg_mv", "ecg (mV)", "ECG",
                                        "ECG_mV", "Ecg [mV]", "ecg-mv", "ECG (mv)"};

START_TEST(t_ecg_names)
{
    char *text = dys_asprintf("time_ms,%s,seg3\n0,0.1,1\n10,-0.2,2\n20,1.5,3\n",
                              ecg_names[_i]);
    const dys_study *st = read_ok(wfile("e.csv", text));
    free(text);
    expect_values(st->rec[0].ecg_mv, (double[]){0.1, -0.2, 1.5}, 3);
    ck_assert_int_eq(n_segs(&st->rec[0]), 1);
}
END_TEST

START_TEST(t_no_ecg)
{
    const dys_study *st = read_ok(one_column_file("n.csv", "seg3"));
    ck_assert_ptr_null(st->rec[0].ecg_mv);
    ck_assert_ptr_null(st->rec[0].qrs_onsets_ms);
    ck_assert_uint_eq(st->rec[0].n_qrs_onsets, 0);
    ck_assert(isnan(st->rec[0].avc_file_ms));
    ck_assert(isnan(st->rec[0].frame_rate_hz));
}
END_TEST

static const char *const missing_tokens[] = {"", "NaN", "nan", "NAN", "-", "  ",
                                             " NaN ", "\"\""};

START_TEST(t_missing_samples)
{
    for (int s = 0; s < 3; s++) {
        char c = seps[s];
        char *text = dys_asprintf("time_ms%cseg3%cecg\n0%c1%c%s\n10%c%s%c2\n20%c3%c3\n",
                                  c, c, c, c, missing_tokens[_i], c,
                                  missing_tokens[_i], c, c, c);
        const dys_study *st = read_ok(wfile("m.csv", text));
        free(text);
        expect_values(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL],
                      (double[]){1, NAN, 3}, 3);
        expect_values(st->rec[0].ecg_mv, (double[]){NAN, 2, 3}, 3);
    }
}
END_TEST

/* A trailing empty cell is a missing sample of the last column. */
START_TEST(t_missing_last_cell)
{
    const dys_study *st =
        read_ok(wfile("m.csv", "time_ms,seg3,seg6\n0,1,\n10,,2\n20,3,-\n"));
    expect_values(st->rec[0].seg[DYS_AHA_BASAL_ANTEROLATERAL], (double[]){NAN, 2, NAN},
                  3);
}
END_TEST

/* ---- metadata ---------------------------------------------------------- */

START_TEST(t_meta_defaults)
{
    const dys_study *st = read_ok(one_column_file("P-17.v2.csv", "seg3"));
    ck_assert_str_eq(st->study_id, "P-17.v2");
    ck_assert(isnan(st->avo_ms) && isnan(st->avc_ms) && isnan(st->hr_bpm));
    ck_assert(isnan(st->qrs_duration_ms) && isnan(st->lvef_pct));
    ck_assert_int_eq(st->nyha, 0);
    ck_assert_int_eq(st->lbbb, -1);
    ck_assert_int_eq(st->trace, DYS_TRACE_VELOCITY);
    ck_assert_uint_eq(st->n_meta, 0);
    ck_assert_ptr_nonnull(st->source);
    ck_assert(strstr(st->source, "P-17.v2.csv") != NULL);
    ck_assert_str_eq(st->rec[0].source, st->source);
}
END_TEST

START_TEST(t_meta_all_keys)
{
    const dys_study *st = read_ok(wfile(
        "m.csv", "# study_id: CRT-042\n# view: A4C\n# avo_ms: 82.5\n# avc_ms: 391\n"
                 "# qrs_onset_ms: 12.5\n# hr_bpm: 72\n# qrs_duration_ms: 168\n"
                 "# lvef_pct: 24\n# nyha: III\n# lbbb: yes\n# trace: velocity\n"
                 "# velocity_unit: cm/s\n# frame_rate_hz: 152.5\n"
                 "time_ms,seg3,seg6\n0,1,2\n10,1,2\n20,1,2\n"));
    ck_assert_str_eq(st->study_id, "CRT-042");
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A4C);
    ck_assert_double_eq(st->avo_ms, 82.5);
    ck_assert_double_eq(st->avc_ms, 391);
    ck_assert_uint_eq(st->rec[0].n_qrs_onsets, 1);
    ck_assert_double_eq(st->rec[0].qrs_onsets_ms[0], 12.5);
    ck_assert_double_eq(st->hr_bpm, 72);
    ck_assert_double_eq(st->qrs_duration_ms, 168);
    ck_assert_double_eq(st->lvef_pct, 24);
    ck_assert_int_eq(st->nyha, 3);
    ck_assert_int_eq(st->lbbb, 1);
    ck_assert_int_eq(st->trace, DYS_TRACE_VELOCITY);
    ck_assert_double_eq(st->rec[0].frame_rate_hz, 152.5);
    ck_assert_uint_eq(st->n_meta, 13);
    /* every line is kept with its place */
    const dys_meta *m = find_meta(st, "lvef_pct");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->value, "24");
    ck_assert_int_eq(m->line, 8);
    ck_assert(strstr(m->file, "m.csv") != NULL);
}
END_TEST

START_TEST(t_meta_number_with_unit)
{
    const dys_study *st = read_ok(wfile(
        "m.csv", "# avo_ms: 80 ms\n# hr_bpm: 72 bpm\n# lvef_pct: 25 %\n"
                 "# frame_rate_hz: 150 Hz\n# qrs_onset_ms: 20 ms\n"
                 "time_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_double_eq(st->avo_ms, 80);
    ck_assert_double_eq(st->hr_bpm, 72);
    ck_assert_double_eq(st->lvef_pct, 25);
    ck_assert_double_eq(st->rec[0].frame_rate_hz, 150);
    ck_assert_uint_eq(st->rec[0].n_qrs_onsets, 1);
    ck_assert_double_eq(st->rec[0].qrs_onsets_ms[0], 20);
}
END_TEST

/* The Doppler and M-mode timing keys, with or without their unit, into
 * the study; not given: NAN. */
START_TEST(t_meta_doppler_timing)
{
    const dys_study *st = read_ok(wfile(
        "m.csv", "# lv_pep_ms: 162\n# rv_pep_ms: 98.5 ms\n# spwmd_ms: 140\n"
                 "# filling_time_pct_rr: 38 %\ntime_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_double_eq(st->lv_pep_ms, 162);
    ck_assert_double_eq(st->rv_pep_ms, 98.5);
    ck_assert_double_eq(st->spwmd_ms, 140);
    ck_assert_double_eq(st->filling_time_pct_rr, 38);
    ck_assert_uint_eq(st->n_meta, 4);
    st = read_ok(wfile("n.csv", "# spwmd_ms: 0\ntime_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_double_eq(st->spwmd_ms, 0); /* synchronous walls: a measurement */
    ck_assert(isnan(st->lv_pep_ms) && isnan(st->rv_pep_ms) && isnan(st->filling_time_pct_rr));
}
END_TEST

/* Scar, veins, the implanted lead and the response factors' keys, by
 * keys and by the segment table; what a % maps to (> 50 % transmural). */
START_TEST(t_meta_anatomy)
{
    const dys_study *st = read_ok(wfile(
        "a.csv", "# scar: basal_inferolateral = transmural, mid_inferolateral=40%, seg6=51 %\n"
                 "# vein_segments: basal_anterolateral, mid_lateral\n"
                 "# lead_segment: Mid-Anterolateral\n# tapse_mm: 14.5 mm\n"
                 "# rv_s_prime_cm_s: 9\n# aetiology: Ischemic\n# rhythm: AF\n"
                 "time_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_int_eq(st->scar[DYS_AHA_BASAL_INFEROLATERAL], DYS_SCAR_TRANSMURAL);
    ck_assert_int_eq(st->scar[DYS_AHA_MID_INFEROLATERAL], DYS_SCAR_NON_TRANSMURAL);
    ck_assert_double_eq(st->scar_pct[DYS_AHA_MID_INFEROLATERAL], 40);
    ck_assert_int_eq(st->scar[DYS_AHA_BASAL_ANTEROLATERAL], DYS_SCAR_TRANSMURAL); /* seg6 */
    ck_assert_int_eq(st->scar[DYS_AHA_MID_ANTERIOR], DYS_SCAR_NONE); /* not named: none */
    ck_assert_int_eq(st->vein[DYS_AHA_BASAL_ANTEROLATERAL], DYS_VEIN_YES);
    ck_assert_int_eq(st->vein[DYS_AHA_MID_ANTEROLATERAL], DYS_VEIN_YES); /* mid_lateral */
    ck_assert_int_eq(st->vein[DYS_AHA_BASAL_INFERIOR], DYS_VEIN_NO);
    ck_assert_int_eq(st->lead_segment, DYS_AHA_MID_ANTEROLATERAL + 1);
    ck_assert_double_eq(st->tapse_mm, 14.5);
    ck_assert_double_eq(st->rv_s_prime_cm_s, 9);
    ck_assert_int_eq(st->aetiology, DYS_AETIOLOGY_ISCHAEMIC);
    ck_assert_int_eq(st->rhythm, DYS_RHYTHM_AF);
    /* not given: unknown, NAN */
    st = read_ok(wfile("b.csv", "time_ms,seg3\n0,1\n10,2\n20,3\n"));
    for (int g = 0; g < DYS_N_SEGMENTS; g++) {
        ck_assert_int_eq(st->scar[g], DYS_SCAR_UNKNOWN);
        ck_assert_int_eq(st->vein[g], DYS_VEIN_UNKNOWN);
    }
    ck_assert_int_eq(st->lead_segment, 0);
    ck_assert(isnan(st->tapse_mm) && isnan(st->rv_s_prime_cm_s));
    ck_assert_int_eq(st->aetiology, DYS_AETIOLOGY_UNKNOWN);
    ck_assert_int_eq(st->rhythm, DYS_RHYTHM_UNKNOWN);
    /* none: every segment known, none scarred, none reached */
    st = read_ok(wfile("c.csv", "# scar: none\n# vein_segments: none\n# aetiology: non-ischaemic\n"
                                "# rhythm: sinus\ntime_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_int_eq(st->scar[DYS_AHA_BASAL_ANTERIOR], DYS_SCAR_NONE);
    ck_assert_int_eq(st->vein[DYS_AHA_BASAL_ANTERIOR], DYS_VEIN_NO);
    ck_assert_int_eq(st->aetiology, DYS_AETIOLOGY_NON_ISCHAEMIC);
    ck_assert_int_eq(st->rhythm, DYS_RHYTHM_SINUS);
    /* the % boundary: 50 % is non-transmural, 50.5 % transmural, 0 % none */
    st = read_ok(wfile("d.csv", "# scar: seg1=50%, seg2=50.5%, seg3=0%\n"
                                "time_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_int_eq(st->scar[0], DYS_SCAR_NON_TRANSMURAL);
    ck_assert_int_eq(st->scar[1], DYS_SCAR_TRANSMURAL);
    ck_assert_int_eq(st->scar[2], DYS_SCAR_NONE);
}
END_TEST

/* The segment table: relative to the study file, empty cells unknown,
 * unnamed segments none; its errors name the table, line and column. */
START_TEST(t_meta_segment_table)
{
    wfile("tbl.csv", "# from CMR and venography\nsegment, scar, vein\n"
                     "basal_inferolateral, transmural, yes\nmid_anterolateral, 30 %, yes\n"
                     "mid_inferior, , no\nbasal_anterior, none,\n");
    const dys_study *st = read_ok(wfile("t.csv", "# segment_table: tbl.csv\n"
                                                 "time_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_int_eq(st->scar[DYS_AHA_BASAL_INFEROLATERAL], DYS_SCAR_TRANSMURAL);
    ck_assert_int_eq(st->scar[DYS_AHA_MID_ANTEROLATERAL], DYS_SCAR_NON_TRANSMURAL);
    ck_assert_double_eq(st->scar_pct[DYS_AHA_MID_ANTEROLATERAL], 30);
    ck_assert_int_eq(st->scar[DYS_AHA_MID_INFERIOR], DYS_SCAR_UNKNOWN);
    ck_assert_int_eq(st->scar[DYS_AHA_MID_ANTERIOR], DYS_SCAR_NONE);
    ck_assert_int_eq(st->vein[DYS_AHA_BASAL_INFEROLATERAL], DYS_VEIN_YES);
    ck_assert_int_eq(st->vein[DYS_AHA_MID_INFERIOR], DYS_VEIN_NO);
    ck_assert_int_eq(st->vein[DYS_AHA_BASAL_ANTERIOR], DYS_VEIN_UNKNOWN);
    ck_assert_int_eq(st->vein[DYS_AHA_MID_ANTERIOR], DYS_VEIN_NO);

    static const struct {
        const char *table, *where, *word;
    } bad[] = {
        {"segment,scar\nseg1,thick\n", ":2:6:", "transmural"},
        {"segment,scar\nseg1,101%\n", ":2:6:", "outside"},
        {"segment,vein\nseg1,maybe\n", ":2:6:", "yes, no"},
        {"segment,colour\n", ":1:9:", "unknown"},
        {"segment\nseg1\n", ":1:1:", "scar or vein"},
        {"segment,scar\nseg1\n", ":2:1:", "cells"},
        {"segment,scar\nseg1,none\nseg1,none\n", ":3:1:", "second row"},
        {"segment,scar\nseptum,none\n", ":2:1:", "not a segment"},
        {"# nothing\n", ":1:1:", "no header"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *tp = wfile("bad_tbl.csv", bad[i].table);
        const char *p = wfile("bt.csv", "# segment_table: bad_tbl.csv\n"
                                        "time_ms,seg3\n0,1\n10,2\n20,3\n");
        dys_study *s = NULL;
        ck_assert_int_eq(dys_study_read(g_ctx, p, NULL, &s), DYS_ERR_PARSE);
        const char *msg = dys_ctx_error(g_ctx);
        char *want = dys_asprintf("%s%s", tp, bad[i].where);
        ck_assert_msg(strstr(msg, want) && strcasestr(msg, bad[i].word), "case %zu: %s", i,
                      msg);
        free(want);
    }
    /* scar by the key and by the table: refused, naming the first */
    wfile("tbl2.csv", "segment,scar\nseg1,none\n");
    const char *p = wfile("tk.csv", "# scar: seg5=transmural\n# segment_table: tbl2.csv\n"
                                    "time_ms,seg3\n0,1\n10,2\n20,3\n");
    dys_study *s = NULL;
    ck_assert_int_eq(dys_study_read(g_ctx, p, NULL, &s), DYS_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(g_ctx), "given again"));
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(g_ctx), "tk.csv:1"));
}
END_TEST

/* hr_bpm and rr_ms are one quantity: agreeing (to rounding) is fine. */
START_TEST(t_meta_hr_and_rr_agree)
{
    const dys_study *st = read_ok(
        wfile("m.csv", "# hr_bpm: 72\n# rr_ms: 833\ntime_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_double_eq(st->hr_bpm, 72);
    st = read_ok(
        wfile("n.csv", "# rr_ms: 800\n# hr_bpm: 75\ntime_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_double_eq_tol(st->hr_bpm, 75, 1e-12);
}
END_TEST

START_TEST(t_dir_hr_rr_disagree)
{
    const char *d = subdir("s");
    const char *a2 =
        wfile_in(d, "a2c.csv", "# hr_bpm: 60\ntime_ms,seg1\n0,1\n10,2\n20,3\n");
    const char *a4 =
        wfile_in(d, "a4c.csv", "# rr_ms: 800\ntime_ms,seg3\n0,1\n10,2\n20,3\n");
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, "heart rate");
    char *here = dys_asprintf("%s:1:10:", a4);
    char *there = dys_asprintf("%s:1", a2);
    ck_assert_msg(strstr(msg, here) != NULL, "no %s in: %s", here, msg);
    ck_assert_msg(strstr(msg, there) != NULL, "no %s in: %s", there, msg);
    free(here);
    free(there);
}
END_TEST

START_TEST(t_meta_rr_to_hr)
{
    const dys_study *st =
        read_ok(wfile("m.csv", "# rr_ms: 800\ntime_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_double_eq_tol(st->hr_bpm, 75, 1e-12);
    ck_assert_ptr_nonnull(find_meta(st, "rr_ms"));
}
END_TEST

static const struct {
    const char *text;
    int nyha;
} nyha_values[] = {{"I", 1}, {"II", 2}, {"III", 3}, {"IV", 4}, {"iv", 4},
                   {"ii", 2}, {"1", 1},  {"2", 2},    {"3", 3},  {"4", 4}};

START_TEST(t_meta_nyha)
{
    char *text = dys_asprintf("# nyha: %s\ntime_ms,seg3\n0,1\n10,2\n20,3\n",
                              nyha_values[_i].text);
    const dys_study *st = read_ok(wfile("n.csv", text));
    free(text);
    ck_assert_int_eq(st->nyha, nyha_values[_i].nyha);
}
END_TEST

static const struct {
    const char *text;
    int lbbb;
} lbbb_values[] = {{"yes", 1}, {"no", 0}, {"YES", 1}, {"No", 0}, {" yes ", 1}};

START_TEST(t_meta_lbbb)
{
    char *text = dys_asprintf("# lbbb: %s\ntime_ms,seg3\n0,1\n10,2\n20,3\n",
                              lbbb_values[_i].text);
    const dys_study *st = read_ok(wfile("l.csv", text));
    free(text);
    ck_assert_int_eq(st->lbbb, lbbb_values[_i].lbbb);
}
END_TEST

static const struct {
    const char *text;
    dys_trace trace;
} trace_values[] = {{"strain", DYS_TRACE_STRAIN},
                    {"Strain", DYS_TRACE_STRAIN},
                    {"velocity", DYS_TRACE_VELOCITY},
                    {"VELOCITY", DYS_TRACE_VELOCITY}};

START_TEST(t_meta_trace)
{
    char *text = dys_asprintf("# trace: %s\ntime_ms,seg3\n0,-1\n10,-2\n20,-3\n",
                              trace_values[_i].text);
    const dys_study *st = read_ok(wfile("t.csv", text));
    free(text);
    ck_assert_int_eq(st->trace, trace_values[_i].trace);
}
END_TEST

static const char *const onset_lists[] = {
    "100, 900, 1700", "100 900 1700", "100,900,1700", "  100 ,  900,1700  ",
    "100\t900\t1700", "100.0, 900, 1.7e3",
};

START_TEST(t_meta_qrs_onsets)
{
    char *text = dys_asprintf("# qrs_onsets_ms: %s\ntime_ms,seg3\n0,1\n10,2\n20,3\n",
                              onset_lists[_i]);
    const dys_study *st = read_ok(wfile("q.csv", text));
    free(text);
    ck_assert_uint_eq(st->rec[0].n_qrs_onsets, 3);
    expect_values(st->rec[0].qrs_onsets_ms, (double[]){100, 900, 1700}, 3);
}
END_TEST

START_TEST(t_meta_qrs_onset_single)
{
    const dys_study *st = read_ok(
        wfile("q.csv", "# qrs_onset_ms: -12.5\ntime_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_uint_eq(st->rec[0].n_qrs_onsets, 1);
    ck_assert_double_eq(st->rec[0].qrs_onsets_ms[0], -12.5);
}
END_TEST

static const char *const avo_keys[] = {"avo_ms", "AVO_MS", "avo-ms", "Avo Ms",
                                       "avo ms", "  AVO-ms  ", "aVo_Ms"};

START_TEST(t_meta_key_spelling)
{
    char *text = dys_asprintf("#%s: 80\n# Study-ID: x1\n# LBBB: no\n# QRS Duration ms: 150\n"
                              "time_ms,seg3\n0,1\n10,2\n20,3\n",
                              avo_keys[_i]);
    const dys_study *st = read_ok(wfile("k.csv", text));
    free(text);
    ck_assert_double_eq(st->avo_ms, 80);
    ck_assert_str_eq(st->study_id, "x1");
    ck_assert_int_eq(st->lbbb, 0);
    ck_assert_double_eq(st->qrs_duration_ms, 150);
    /* keys are stored normalised */
    ck_assert_ptr_nonnull(find_meta(st, "avo_ms"));
    ck_assert_ptr_nonnull(find_meta(st, "study_id"));
    ck_assert_ptr_nonnull(find_meta(st, "qrs_duration_ms"));
}
END_TEST

START_TEST(t_meta_unknown_keys_kept)
{
    const dys_study *st = read_ok(
        wfile("u.csv", "# Operator: Dr M\xC3\xBCller\n# Machine-Name: Vivid E95\n"
                       "# note: seen at 10:30\n# avo_ms: 80\n"
                       "time_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_uint_eq(st->n_meta, 4);
    const dys_meta *m = find_meta(st, "operator");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->value, "Dr M\xC3\xBCller");
    ck_assert_int_eq(m->line, 1);
    m = find_meta(st, "machine_name");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->value, "Vivid E95");
    ck_assert_int_eq(m->line, 2);
    m = find_meta(st, "note");
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->value, "seen at 10:30");
    ck_assert_double_eq(st->avo_ms, 80);
}
END_TEST

/* A study-level key repeated with the same value is fine. */
START_TEST(t_meta_repeated_same_value)
{
    const dys_study *st = read_ok(wfile(
        "r.csv", "# avo_ms: 80\n# avo_ms: 80.0\n# nyha: 3\n# nyha: III\n"
                 "time_ms,seg3\n0,1\n10,2\n20,3\n"));
    ck_assert_double_eq(st->avo_ms, 80);
    ck_assert_int_eq(st->nyha, 3);
}
END_TEST

static const struct {
    const char *text;
    dys_view view;
} view_values[] = {
    {"A4C", DYS_VIEW_A4C},     {"a4c", DYS_VIEW_A4C},   {"4CH", DYS_VIEW_A4C},
    {"AP4", DYS_VIEW_A4C},     {"A2C", DYS_VIEW_A2C},   {"2ch", DYS_VIEW_A2C},
    {"AP2", DYS_VIEW_A2C},     {"APLAX", DYS_VIEW_APLAX}, {"A3C", DYS_VIEW_APLAX},
    {"3CH", DYS_VIEW_APLAX},   {"ALAX", DYS_VIEW_APLAX}, {"LAX", DYS_VIEW_APLAX},
    {"aplax", DYS_VIEW_APLAX},
};

START_TEST(t_meta_view_single_file)
{
    char *text = dys_asprintf("# view: %s\ntime_ms,seg3\n0,1\n10,2\n20,3\n",
                              view_values[_i].text);
    const dys_study *st = read_ok(wfile("v.csv", text));
    free(text);
    ck_assert_int_eq(st->rec[0].view, view_values[_i].view);
}
END_TEST

START_TEST(t_view_names_api)
{
    ck_assert_str_eq(dys_view_name(DYS_VIEW_A4C), "A4C");
    ck_assert_str_eq(dys_view_name(DYS_VIEW_A2C), "A2C");
    ck_assert_str_eq(dys_view_name(DYS_VIEW_APLAX), "APLAX");
    ck_assert_str_eq(dys_view_name(DYS_VIEW_UNKNOWN), "unknown");
}
END_TEST

/* ---- view directories -------------------------------------------------- */

static const char a4c_body[] = "time_ms,basal_septal,basal_lateral,mid_septal,mid_lateral,ecg\n"
                               "0,1,2,3,4,0\n10,1,2,3,4,0\n20,1,2,3,4,0\n";
static const char a2c_body[] = "time_ms,basal_anterior,basal_inferior,mid_anterior,mid_inferior\n"
                               "0,1,2,3,4\n12,1,2,3,4\n24,1,2,3,4\n36,1,2,3,4\n";
static const char aplax_body[] = "time_ms,basal_anteroseptal,basal_posterior,mid_anteroseptal,"
                                 "mid_posterior\n5,1,2,3,4\n15,1,2,3,4\n25,1,2,3,4\n";

START_TEST(t_dir_three_views)
{
    const char *d = subdir("study-9");
    wfile_in(d, "aplax.csv", aplax_body);
    wfile_in(d, "a2c.csv", a2c_body);
    wfile_in(d, "a4c.csv", a4c_body);
    const dys_study *st = read_ok(d);
    ck_assert_str_eq(st->study_id, "study-9");
    ck_assert_str_eq(st->source, d);
    ck_assert_uint_eq(st->n_rec, 3);
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A4C);
    ck_assert_int_eq(st->rec[1].view, DYS_VIEW_A2C);
    ck_assert_int_eq(st->rec[2].view, DYS_VIEW_APLAX);
    ck_assert(strstr(st->rec[0].source, "a4c.csv") != NULL);
    ck_assert(strstr(st->rec[2].source, "aplax.csv") != NULL);
    /* each view keeps its own time axis and ECG */
    ck_assert_uint_eq(st->rec[0].n, 3);
    ck_assert_uint_eq(st->rec[1].n, 4);
    ck_assert_double_eq(st->rec[1].t_ms[3], 36);
    ck_assert_double_eq(st->rec[2].t_ms[0], 5);
    ck_assert_ptr_nonnull(st->rec[0].ecg_mv);
    ck_assert_ptr_null(st->rec[1].ecg_mv);
    int total = 0;
    for (size_t i = 0; i < st->n_rec; i++) {
        total += n_segs(&st->rec[i]);
        for (int k = 0; k < DYS_N_SEGMENTS; k++)
            if (st->rec[i].seg[k])
                ck_assert_int_eq(dys_segment_view(k), st->rec[i].view);
    }
    ck_assert_int_eq(total, 12);
    ck_assert_uint_eq(st->n_warnings, 0);
}
END_TEST

/* A trailing slash changes nothing, the study_id included. */
START_TEST(t_dir_trailing_slash)
{
    const char *d = subdir("pt.7");
    wfile_in(d, "a4c.csv", a4c_body);
    const dys_study *st = read_ok(keep(dys_asprintf("%s/", d)));
    ck_assert_str_eq(st->study_id, "pt.7");
    ck_assert_uint_eq(st->n_rec, 1);
}
END_TEST

/* Only *.csv, *.tsv and *.txt files are views; everything else is ignored. */
START_TEST(t_dir_ignores_other_files)
{
    const char *d = subdir("s");
    wfile_in(d, "a4c.tsv", "time_ms\tbasal_septal\n0\t1,5\n10\t2\n20\t3\n");
    wfile_in(d, "a2c.txt", a2c_body);
    wfile_in(d, "aplax.csv", aplax_body);
    wfile_in(d, "notes.md", "not a view\n");
    wfile_in(d, "a4c.csv.bak", "garbage\n");
    wfile_in(d, "README", "garbage\n");
    wfile_in(d, "data.dat", "garbage\n");
    wfile_in(d, "a2c.csvx", "garbage\n");
    wfile_in(d, ".hidden.csv", "garbage\n");
    char *sub = dys_asprintf("%s/sub.csv", d);
    ck_assert_int_eq(mkdir(keep(sub), 0755), 0);
    const dys_study *st = read_ok(d);
    ck_assert_uint_eq(st->n_rec, 3);
    ck_assert_double_eq(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL][0], 1.5);
}
END_TEST

START_TEST(t_dir_view_from_metadata)
{
    const char *d = subdir("s");
    char *text = dys_asprintf("# view: %s\ntime_ms,seg3\n0,1\n10,2\n20,3\n",
                              view_values[_i].text);
    wfile_in(d, "first.csv", text);
    free(text);
    const dys_study *st = read_ok(d);
    ck_assert_int_eq(st->rec[0].view, view_values[_i].view);
}
END_TEST

static const struct {
    const char *file;
    dys_view view;
} view_files[] = {
    {"a4c.csv", DYS_VIEW_A4C},       {"study7_a4c.csv", DYS_VIEW_A4C},
    {"4CH.csv", DYS_VIEW_A4C},       {"ap4.txt", DYS_VIEW_A4C},
    {"x-2ch.csv", DYS_VIEW_A2C},     {"AP2.tsv", DYS_VIEW_A2C},
    {"A2C_beat1.csv", DYS_VIEW_A2C}, {"lax.csv", DYS_VIEW_APLAX},
    {"A3C.csv", DYS_VIEW_APLAX},     {"pt_alax_1.csv", DYS_VIEW_APLAX},
    {"3ch.csv", DYS_VIEW_APLAX},     {"APLAX.csv", DYS_VIEW_APLAX},
    {"p 12 aplax.txt", DYS_VIEW_APLAX},
};

START_TEST(t_dir_view_from_file_name)
{
    const char *d = subdir("s");
    wfile_in(d, view_files[_i].file, "time_ms,seg3\n0,1\n10,2\n20,3\n");
    const dys_study *st = read_ok(d);
    ck_assert_int_eq(st->rec[0].view, view_files[_i].view);
}
END_TEST

/* The file's own `view` wins over its name. */
START_TEST(t_dir_view_metadata_over_name)
{
    const char *d = subdir("s");
    wfile_in(d, "a2c.csv", "# view: A4C\ntime_ms,seg3\n0,1\n10,2\n20,3\n");
    const dys_study *st = read_ok(d);
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A4C);
}
END_TEST

/* Study-level keys may stand in any file and agree; view-level keys
 * belong to their file. */
START_TEST(t_dir_keys_agree_and_per_view)
{
    const char *d = subdir("s");
    wfile_in(d, "a4c.csv", "# study_id: S1\n# avo_ms: 80\n# qrs_onset_ms: 100\n"
                           "# lbbb: yes\n# view: A4C\n"
                           "time_ms,seg3\n0,1\n10,2\n20,3\n");
    wfile_in(d, "a2c.csv", "# study_id: S1\n# AVO-ms: 80.0\n# qrs_onsets_ms: 250 1050\n"
                           "# avc_ms: 380\n# LBBB: Yes\n# view: A2C\n"
                           "time_ms,seg1\n0,1\n10,2\n20,3\n");
    const dys_study *st = read_ok(d);
    ck_assert_str_eq(st->study_id, "S1");
    ck_assert_double_eq(st->avo_ms, 80);
    ck_assert_double_eq(st->avc_ms, 380);
    ck_assert_int_eq(st->lbbb, 1);
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A4C);
    ck_assert_uint_eq(st->rec[0].n_qrs_onsets, 1);
    ck_assert_double_eq(st->rec[0].qrs_onsets_ms[0], 100);
    ck_assert_uint_eq(st->rec[1].n_qrs_onsets, 2);
    expect_values(st->rec[1].qrs_onsets_ms, (double[]){250, 1050}, 2);
}
END_TEST

START_TEST(t_dir_frame_rate_shared)
{
    const char *d = subdir("s");
    wfile_in(d, "a4c.csv", "# frame_rate_hz: 120\ntime_ms,seg3\n0,1\n10,2\n20,3\n");
    wfile_in(d, "a2c.csv", "time_ms,seg1\n0,1\n10,2\n20,3\n");
    const dys_study *st = read_ok(d);
    ck_assert_double_eq(st->rec[0].frame_rate_hz, 120);
    ck_assert_double_eq(st->rec[1].frame_rate_hz, 120);
}
END_TEST

/* A segment in a file of another view is read, with a warning. */
START_TEST(t_dir_segment_in_unusual_view)
{
    const char *d = subdir("s");
    wfile_in(d, "a2c.csv", "time_ms,basal_anterior,basal_septal\n0,1,2\n10,1,2\n20,1,2\n");
    const dys_study *st = read_ok(d);
    ck_assert_ptr_nonnull(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL]);
    ck_assert(has_warning(st, "basal_inferoseptal"));
}
END_TEST

START_TEST(t_dir_segment_twice)
{
    const char *d = subdir("s");
    const char *a2 = wfile_in(d, "a2c.csv",
                              "# view: A2C\ntime_ms,basal_anterior,basal_septal\n"
                              "0,1,2\n10,1,2\n20,1,2\n");
    const char *a4 = wfile_in(d, "a4c.csv", "time_ms,seg6,basal_inferoseptal\n"
                                            "0,1,2\n10,1,2\n20,1,2\n");
    /* a2c.csv is read first; the second appearance is in a4c.csv */
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, "basal_inferoseptal");
    char *here = dys_asprintf("%s:1:14:", a4);
    char *there = dys_asprintf("%s:2:24", a2);
    ck_assert_msg(strstr(msg, here) != NULL, "no %s in: %s", here, msg);
    ck_assert_msg(strstr(msg, there) != NULL, "no %s in: %s", there, msg);
    free(here);
    free(there);
}
END_TEST

START_TEST(t_dir_study_key_disagrees)
{
    const char *d = subdir("s");
    const char *a2 =
        wfile_in(d, "a2c.csv", "# avo_ms: 80\n# lvef_pct: 25\ntime_ms,seg1\n0,1\n10,2\n20,3\n");
    const char *a4 = wfile_in(d, "a4c.csv", "# lvef_pct: 30\ntime_ms,seg3\n0,1\n10,2\n20,3\n");
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, "lvef_pct");
    char *here = dys_asprintf("%s:1:13:", a4);
    char *there = dys_asprintf("%s:2", a2);
    ck_assert_msg(strstr(msg, here) != NULL, "no %s in: %s", here, msg);
    ck_assert_msg(strstr(msg, there) != NULL, "no %s in: %s", there, msg);
    free(here);
    free(there);
}
END_TEST

/* AVO and AVC belong to each view file: they may differ between files
 * (each view keeps its own, with a warning), and a value the files agree
 * on is the study's. */
START_TEST(t_dir_events_per_view)
{
    const char *d = subdir("e");
    wfile_in(d, "a2c.csv", "# avc_ms: 380\n# avo_ms: 90\ntime_ms,seg1\n0,1\n10,2\n20,3\n");
    wfile_in(d, "a4c.csv", "# avc_ms: 395\n# avo_ms: 90\ntime_ms,seg3\n0,1\n10,2\n20,3\n");
    wfile_in(d, "aplax.csv", "time_ms,seg2\n0,1\n10,2\n20,3\n");
    const dys_study *st = read_ok(d);
    ck_assert_uint_eq(st->n_rec, 3);
    ck_assert_double_eq(st->avo_ms, 90); /* agreed: the study's */
    ck_assert(isnan(st->avc_ms));        /* differs: each view's own */
    ck_assert_double_eq(st->rec[0].avc_ms, 395); /* A4C first */
    ck_assert_double_eq(st->rec[1].avc_ms, 380);
    ck_assert(isnan(st->rec[2].avc_ms) && isnan(st->rec[2].avo_ms));
    int warned = 0;
    for (size_t i = 0; i < st->n_warnings; i++)
        warned |= strstr(st->warnings[i], "avc_ms differs") != NULL;
    ck_assert(warned);
}
END_TEST

static const struct {
    const char *first, *second, *key;
    int col;
} disagreements[] = {
    {"study_id: A", "study_id: B", "study_id", 13},
    {"nyha: II", "nyha: 3", "nyha", 9},
    {"lbbb: yes", "lbbb: no", "lbbb", 9},
    {"trace: strain", "trace: velocity", "trace", 10},
    {"velocity_unit: mm/s", "velocity_unit: cm/s", "velocity_unit", 18},
    {"hr_bpm: 70", "hr_bpm: 71", "hr_bpm", 11},
    {"frame_rate_hz: 100", "frame_rate_hz: 150", "frame_rate_hz", 18},
};

START_TEST(t_dir_study_keys_disagree_table)
{
    const char *d = subdir("s");
    char *t1 = dys_asprintf("# %s\ntime_ms,seg1\n0,1\n10,2\n20,3\n", disagreements[_i].first);
    char *t2 = dys_asprintf("# %s\ntime_ms,seg3\n0,1\n10,2\n20,3\n", disagreements[_i].second);
    const char *a2 = wfile_in(d, "a2c.csv", t1);
    const char *a4 = wfile_in(d, "a4c.csv", t2);
    free(t1);
    free(t2);
    char where[32];
    snprintf(where, sizeof where, ":1:%d:", disagreements[_i].col);
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, disagreements[_i].key);
    char *here = dys_asprintf("%s%s", a4, where);
    char *there = dys_asprintf("%s:1", a2);
    ck_assert_msg(strstr(msg, here) != NULL, "no %s in: %s", here, msg);
    ck_assert_msg(strstr(msg, there) != NULL, "no %s in: %s", there, msg);
    free(here);
    free(there);
}
END_TEST

START_TEST(t_dir_file_without_view)
{
    const char *d = subdir("s");
    wfile_in(d, "a4c.csv", a4c_body);
    const char *f = wfile_in(d, "beat2.csv", "time_ms,seg1\n0,1\n10,2\n20,3\n");
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, "view");
    char *here = dys_asprintf("%s:1:1:", f);
    ck_assert_msg(strstr(msg, here) != NULL, "no %s in: %s", here, msg);
    free(here);
}
END_TEST

START_TEST(t_dir_empty)
{
    const char *d = subdir("empty");
    read_fail(d, DYS_ERR_PARSE, NULL, "no view files");
}
END_TEST

START_TEST(t_dir_only_ignored_files)
{
    const char *d = subdir("s");
    wfile_in(d, "notes.md", "x\n");
    wfile_in(d, "a4c.xlsx", "x\n");
    read_fail(d, DYS_ERR_PARSE, NULL, "no view files");
}
END_TEST

/* A bad file inside a directory is named with its own line and column. */
START_TEST(t_dir_bad_file_inside)
{
    const char *d = subdir("s");
    wfile_in(d, "a4c.csv", a4c_body);
    const char *f = wfile_in(d, "a2c.csv", "time_ms,seg1\n0,1\n10,x\n20,3\n");
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, "not a number");
    char *here = dys_asprintf("%s:3:4:", f);
    ck_assert_msg(strstr(msg, here) != NULL, "no %s in: %s", here, msg);
    free(here);
}
END_TEST

/* ---- EchoPAC "Local Traces" exports ------------------------------------ */

/* The layout of a real export: padded header lines, "Time (s)", colour
 * columns, GLOBAL, "ECG :", uneven time steps, a zero reference frame and
 * E-notation in the last row. */
static const char ep_head_strain[] =
    "Local Traces SL in %                                    \n"
    "Number of Frames 6                                     \n"
    "FR= 63 Left Marker Time=0.145000 Right Marker Time=0.896000 ES Time=0.475000"
    "                                    \n";
static const char ep_colour_header[] =
    "Time (s)            YELLOW             CYAN            GREEN          MAGENTA"
    "             BLUE              RED          GLOBAL         ECG : \n";
static const char ep_colour_rows[] =
    "0        -6.213548    -8.269792    -13.68488    -12.89468    -6.375045    -7.879408    -9.14215    84\n"
    "0.037        -6.540418    -8.484552    -13.72986    -13.05603    -6.829023    -7.95153    -9.377689    96\n"
    "0.053        -6.868901    -8.846539    -14.00924    -13.24131    -7.057912    -7.814494    -9.566765    124\n"
    "0.17        0    0    0    0    0    0    0    0\n"
    "1.069        -2.142612    -8.816701    -16.94495    -16.23358    -8.801931    -5.410271    -9.595122    160\n"
    "1.086        -3.66E+00    -1.08E+01    -2.05E+01    -2.06E+01    -1.16E+01    -7.15E+00    -1.25E+01    1.46E+02\n";

static const char *echopac_file(const char *dir, const char *name, const char *head,
                                const char *header, const char *rows)
{
    char *text = dys_asprintf("%s%s%s", head, header, rows);
    const char *p = wfile_in(dir, name, text);
    free(text);
    return p;
}

static const char *default_strain_export(const char *name)
{
    return echopac_file(NULL, name, ep_head_strain, ep_colour_header, ep_colour_rows);
}

START_TEST(t_echopac_strain_default_map)
{
    const dys_study *st = read_ok(default_strain_export("a4c_strain.txt"));
    ck_assert_str_eq(st->study_id, "a4c_strain");
    ck_assert_int_eq(st->trace, DYS_TRACE_STRAIN);
    ck_assert_ptr_nonnull(st->trace_label);
    ck_assert_str_eq(st->trace_label, "SL in %");
    ck_assert_uint_eq(st->n_rec, 1);
    const dys_recording *r = &st->rec[0];
    ck_assert_str_eq(r->format, "echopac");
    ck_assert_int_eq(r->view, DYS_VIEW_A4C);
    ck_assert_uint_eq(r->n, 6);
    /* the conventional 4-chamber ROI layout, the apical ROIs included */
    ck_assert_int_eq(n_segs(r), 6);
    expect_values(r->seg[DYS_AHA_BASAL_INFEROSEPTAL],
                  (double[]){-6.213548, -6.540418, -6.868901, 0, -2.142612, -3.66}, 6);
    expect_values(r->seg[DYS_AHA_MID_INFEROSEPTAL],
                  (double[]){-8.269792, -8.484552, -8.846539, 0, -8.816701, -10.8}, 6);
    expect_values(r->seg[DYS_AHA_MID_ANTEROLATERAL],
                  (double[]){-6.375045, -6.829023, -7.057912, 0, -8.801931, -11.6}, 6);
    expect_values(r->seg[DYS_AHA_BASAL_ANTEROLATERAL],
                  (double[]){-7.879408, -7.95153, -7.814494, 0, -5.410271, -7.15}, 6);
    ck_assert_int_eq(r->seg_line[DYS_AHA_BASAL_INFEROSEPTAL], 2);
    ck_assert_int_eq(r->seg_line[DYS_AHA_BASAL_ANTEROLATERAL], 7);
    /* GREEN apical septal, MAGENTA apical lateral; GLOBAL is an extra
     * column */
    expect_values(r->seg[DYS_AHA_APICAL_INFEROSEPTAL],
                  (double[]){-13.68488, -13.72986, -14.00924, 0, -16.94495, -20.5}, 6);
    expect_values(r->seg[DYS_AHA_APICAL_ANTEROLATERAL],
                  (double[]){-12.89468, -13.05603, -13.24131, 0, -16.23358, -20.6}, 6);
    ck_assert_int_eq(r->seg_line[DYS_AHA_APICAL_INFEROSEPTAL], 4);
    ck_assert_int_eq(r->seg_line[DYS_AHA_APICAL_ANTEROLATERAL], 5);
    ck_assert_uint_eq(r->n_extra_columns, 1);
    ck_assert_str_eq(r->extra_columns[0], "GLOBAL");
    expect_values(r->ecg_mv, (double[]){84, 96, 124, 0, 160, 146}, 6);
    ck_assert(has_warning(st, "default"));
}
END_TEST

/* "Time (s)" becomes ms as if the decimal point moved; ES Time is AVC on
 * the file's own axis, in ms; FR= is the frame rate. */
START_TEST(t_echopac_times)
{
    const dys_study *st = read_ok(default_strain_export("e.txt"));
    const dys_recording *r = &st->rec[0];
    expect_values(r->t_ms, (double[]){0, 37, 53, 170, 1069, 1086}, 6);
    ck_assert_double_eq(r->avc_file_ms, 475);
    ck_assert_double_eq(r->frame_rate_hz, 63);
    /* Number of Frames agrees: no warning about it */
    ck_assert(!has_warning(st, "frames"));
}
END_TEST

START_TEST(t_echopac_frames_mismatch_warns)
{
    char *head = dys_asprintf("Local Traces SL in %%\nNumber of Frames 65\n"
                              "FR= 63 ES Time=0.475000\n");
    const dys_study *st =
        read_ok(echopac_file(NULL, "e.txt", head, ep_colour_header, ep_colour_rows));
    free(head);
    ck_assert(has_warning(st, "65 frames"));
}
END_TEST

START_TEST(t_echopac_header_lines_kept)
{
    const dys_study *st = read_ok(default_strain_export("e.txt"));
    int found = 0;
    for (size_t i = 0; i < st->n_meta; i++)
        if (strstr(st->meta[i].value, "ES Time=0.475000")) {
            found = 1;
            ck_assert_int_eq(st->meta[i].line, 3);
        }
    ck_assert(found);
}
END_TEST

static const char map_4ch[] =
    "YELLOW=basal_septal,RED=basal_lateral,CYAN=mid_septal,BLUE=mid_lateral,"
    "GREEN=apSept,MAGENTA=none";

START_TEST(t_echopac_user_map)
{
    dys_read_options o;
    dys_read_options_defaults(&o);
    ck_assert_int_eq(dys_read_options_parse_map(g_ctx, &o, map_4ch), DYS_OK);
    const dys_study *st = read_ok_opt(default_strain_export("e.txt"), &o);
    const dys_recording *r = &st->rec[0];
    ck_assert_int_eq(n_segs(r), 5);
    ck_assert_double_eq(r->seg[DYS_AHA_BASAL_INFEROSEPTAL][0], -6.213548);
    ck_assert_double_eq(r->seg[DYS_AHA_BASAL_ANTEROLATERAL][0], -7.879408);
    ck_assert_double_eq(r->seg[DYS_AHA_MID_INFEROSEPTAL][0], -8.269792);
    ck_assert_double_eq(r->seg[DYS_AHA_MID_ANTEROLATERAL][0], -6.375045);
    /* GREEN=apSept: an apical segment through the map; MAGENTA=none */
    ck_assert_double_eq(r->seg[DYS_AHA_APICAL_INFEROSEPTAL][0], -13.68488);
    ck_assert_ptr_null(r->seg[DYS_AHA_APICAL_ANTEROLATERAL]);
    ck_assert(!has_warning(st, "default"));
}
END_TEST

/* A two-chamber placement of the same colours. */
START_TEST(t_echopac_user_map_2ch)
{
    dys_read_options o;
    dys_read_options_defaults(&o);
    ck_assert_int_eq(dys_read_options_parse_map(
                         g_ctx, &o,
                         "yellow=basal inferior, cyan=Mid-Inferior,GREEN=none,"
                         "MAGENTA=none,BLUE=midAnt,RED=seg1"),
                     DYS_OK);
    const dys_study *st = read_ok_opt(default_strain_export("e.txt"), &o);
    const dys_recording *r = &st->rec[0];
    ck_assert_int_eq(n_segs(r), 4);
    ck_assert_double_eq(r->seg[DYS_AHA_BASAL_INFERIOR][0], -6.213548);
    ck_assert_double_eq(r->seg[DYS_AHA_MID_INFERIOR][0], -8.269792);
    ck_assert_double_eq(r->seg[DYS_AHA_MID_ANTERIOR][0], -6.375045);
    ck_assert_double_eq(r->seg[DYS_AHA_BASAL_ANTERIOR][0], -7.879408);
    ck_assert_ptr_null(r->seg[DYS_AHA_BASAL_INFEROSEPTAL]);
    ck_assert(!has_warning(st, "default"));
}
END_TEST

START_TEST(t_parse_map_values)
{
    dys_read_options o;
    dys_read_options_defaults(&o);
    ck_assert_int_eq(o.colour_map_set, 0);
    ck_assert_int_eq(o.colour_map[0], DYS_AHA_BASAL_INFEROSEPTAL);
    ck_assert_int_eq(o.colour_map[1], DYS_AHA_MID_INFEROSEPTAL);
    ck_assert_int_eq(o.colour_map[2], DYS_AHA_APICAL_INFEROSEPTAL);
    ck_assert_int_eq(o.colour_map[3], DYS_AHA_APICAL_ANTEROLATERAL);
    ck_assert_int_eq(o.colour_map[4], DYS_AHA_MID_ANTEROLATERAL);
    ck_assert_int_eq(o.colour_map[5], DYS_AHA_BASAL_ANTEROLATERAL);
    ck_assert_int_eq(dys_read_options_parse_map(
                         g_ctx, &o, "yellow = Basal Septal , Red=basLat,green=apSept,"
                                    "magenta=none,cyan=apex,blue=apical posterior"),
                     DYS_OK);
    ck_assert_int_eq(o.colour_map_set, 1);
    int want[6] = {DYS_AHA_BASAL_INFEROSEPTAL, -1, DYS_AHA_APICAL_INFEROSEPTAL, -1,
                   DYS_AHA_APICAL_INFEROLATERAL, DYS_AHA_BASAL_ANTEROLATERAL};
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(o.colour_map[i], want[i]);
}
END_TEST

static const char *const bad_maps[] = {
    "PURPLE=basal_septal", "YELLOW=nowhere", "YELLOW", "YELLOW=basal_septal,RED",
    "=basal_septal",
};

START_TEST(t_parse_map_refusals)
{
    dys_read_options o;
    dys_read_options_defaults(&o);
    dys_read_options before = o;
    ck_assert_int_eq(dys_read_options_parse_map(g_ctx, &o, bad_maps[_i]),
                     DYS_ERR_INVALID);
    ck_assert(strstr(dys_ctx_error(g_ctx), "--map") != NULL);
    ck_assert(strstr(dys_ctx_error(g_ctx), "expected") != NULL);
    ck_assert(memcmp(&o, &before, sizeof o) == 0); /* unchanged */
}
END_TEST

/* A colour the user's map leaves out is refused at its column. */
START_TEST(t_echopac_colour_not_in_map)
{
    dys_read_options o;
    dys_read_options_defaults(&o);
    ck_assert_int_eq(
        dys_read_options_parse_map(g_ctx, &o, "YELLOW=basal_septal,RED=basal_lateral"),
        DYS_OK);
    const char *p = default_strain_export("e.txt");
    read_fail_opt(p, &o, DYS_ERR_PARSE, ":4:40:", "CYAN");
}
END_TEST

/* Columns named by segment (EchoPAC abbreviations), a velocity trace. */
static const char ep_named_header[] =
    "Time (s)\tbasSept\tmidSept\tbasLat\tmidLat\tapSept\tECG : \n";
static const char ep_named_rows[] = "0\t1.5\t2.5\t-1\t-2\t0\t0.1\n"
                                    "0.004\t2.5\t3.5\t-1.5\t-2.5\t0\t0.2\n"
                                    "0.008\t3.5\t4.5\t-2\t-3\t0\t0.3\n";

static const struct {
    const char *line1;
    dys_trace trace;
    double scale;
} ep_kinds[] = {
    {"Local Traces SL in %", DYS_TRACE_STRAIN, 1},
    {"Local Traces V in cm/s", DYS_TRACE_VELOCITY, 1},
    {"Local Traces V in mm/s", DYS_TRACE_VELOCITY, 0.1},
    {"Local Traces V in m/s", DYS_TRACE_VELOCITY, 100},
    {"Local Traces TVI in cm/s", DYS_TRACE_VELOCITY, 1},
    {"Local Traces Velocity in cm/s", DYS_TRACE_VELOCITY, 1},
    {"  local traces   Vel in MM/S   ", DYS_TRACE_VELOCITY, 0.1},
    {"Local Traces Strain in %", DYS_TRACE_STRAIN, 1},
};

START_TEST(t_echopac_trace_kinds)
{
    char *head = dys_asprintf("%s\nFR= 250\n", ep_kinds[_i].line1);
    /* m/s values a hundred times smaller: 1.5 m/s is no tissue velocity
     * (plausible.c refuses it) */
    double f = ep_kinds[_i].scale == 100 ? 0.01 : 1;
    char *rows = f == 1 ? dys_strdup(ep_named_rows)
                        : dys_asprintf("0\t0.015\t0.025\t-0.01\t-0.02\t0\t0.1\n"
                                       "0.004\t0.025\t0.035\t-0.015\t-0.025\t0\t0.2\n"
                                       "0.008\t0.035\t0.045\t-0.02\t-0.03\t0\t0.3\n");
    const dys_study *st =
        read_ok(echopac_file(NULL, "v.txt", head, ep_named_header, rows));
    free(head);
    free(rows);
    ck_assert_int_eq(st->trace, ep_kinds[_i].trace);
    const dys_recording *r = &st->rec[0];
    double k = ep_kinds[_i].scale * f;
    ck_assert_int_eq(n_segs(r), 5); /* apSept: apical inferoseptal */
    expect_close(r->seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){1.5 * k, 2.5 * k, 3.5 * k},
                 3);
    expect_close(r->seg[DYS_AHA_MID_ANTEROLATERAL], (double[]){-2 * k, -2.5 * k, -3 * k},
                 3);
    expect_values(r->t_ms, (double[]){0, 4, 8}, 3);
    expect_values(r->ecg_mv, (double[]){0.1, 0.2, 0.3}, 3);
    expect_close(r->seg[DYS_AHA_APICAL_INFEROSEPTAL], (double[]){0, 0, 0}, 3);
    ck_assert_uint_eq(r->n_extra_columns, 0);
    ck_assert_double_eq(r->frame_rate_hz, 250);
    ck_assert(isnan(r->avc_file_ms));
    /* named columns need no map: no warning; the view follows from the
     * segments, all A4C ones */
    ck_assert(!has_warning(st, "default"));
    ck_assert_int_eq(r->view, DYS_VIEW_A4C);
}
END_TEST

static const char *const ep_all_named[] = {
    "basSept", "midSept", "basLat", "midLat", "basAnt", "midAnt",
    "basInf", "midInf", "basAntSept", "midAntSept", "basPost", "midPost",
};

START_TEST(t_echopac_named_all)
{
    const char *name = ep_all_named[_i];
    char *text = dys_asprintf("Local Traces V in cm/s\nTime (s)  %s  ECG :\n"
                              "0  1  0\n0.01  2  0\n0.02  3  0\n", name);
    const dys_study *st = read_ok(wfile("n.txt", text));
    free(text);
    int k = dys_segment_from_name(name);
    ck_assert_int_ge(k, 0);
    expect_values(st->rec[0].seg[k], (double[]){1, 2, 3}, 3);
}
END_TEST

/* Tabs and runs of spaces, CRLF, trailing blanks, "Time (ms)". */
START_TEST(t_echopac_whitespace_crlf_ms)
{
    const dys_study *st = read_ok(wfile(
        "w.txt", "Local Traces V in cm/s   \r\nFR=100 \t ES Time=380\r\n\r\n"
                 "Time (ms) \t basSept    basLat\t\tECG :\r\n"
                 "  0\t 1.0    -1.0   0.5 \r\n"
                 "10.5\t\t2e0 -2E0 0.6\r\n"
                 "21\t3.0\t-3.0\t0.7\t\r\n\r\n"));
    const dys_recording *r = &st->rec[0];
    expect_values(r->t_ms, (double[]){0, 10.5, 21}, 3);
    expect_values(r->seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){1, 2, 3}, 3);
    expect_values(r->seg[DYS_AHA_BASAL_ANTEROLATERAL], (double[]){-1, -2, -3}, 3);
    ck_assert_double_eq(r->avc_file_ms, 380);
    ck_assert_double_eq(r->frame_rate_hz, 100);
}
END_TEST

START_TEST(t_echopac_time_without_space)
{
    const dys_study *st = read_ok(wfile(
        "w.txt", "Local Traces V in cm/s\nTime(s) basSept ECG:\n0 1 0\n0.5 2 0\n1 3 0\n"));
    expect_values(st->rec[0].t_ms, (double[]){0, 500, 1000}, 3);
    ck_assert_ptr_nonnull(st->rec[0].ecg_mv);
}
END_TEST

START_TEST(t_echopac_bom_utf8)
{
    char *text = dys_asprintf("\xEF\xBB\xBF%s%s%s", ep_head_strain, ep_colour_header,
                              ep_colour_rows);
    const dys_study *st = read_ok(wfile("b.txt", text));
    free(text);
    ck_assert_str_eq(st->rec[0].format, "echopac");
    ck_assert_int_eq(st->trace, DYS_TRACE_STRAIN);
}
END_TEST

/* Unsupported trace kinds are refused at line 1. */
static const char *const ep_unsupported[] = {
    "Local Traces SR in 1/s", "Local Traces D in mm", "Local Traces Displacement in mm",
    "Local Traces Strain Rate in 1/s", "Local Traces TSI in ms", "Local Traces",
};

START_TEST(t_echopac_unsupported_kind)
{
    char *text = dys_asprintf("%s\nTime (s) basSept\n0 1\n0.01 2\n0.02 3\n",
                              ep_unsupported[_i]);
    const char *p = wfile("u.txt", text);
    free(text);
    read_fail(p, DYS_ERR_UNSUPPORTED, ":1:", "not supported");
}
END_TEST

/* ---- a directory mixing an EchoPAC export and CSV views ---------------- */

START_TEST(t_dir_mixed_echopac_csv)
{
    const char *d = subdir("mixed");
    echopac_file(d, "a4c_tvi.txt", "Local Traces V in cm/s\nFR= 200 ES Time=0.39\n",
                 "Time (s)  basSept  midSept  basLat  midLat  ECG :\n",
                 "0  1  2  3  4  0\n0.005  1  2  3  4  0\n0.01  1  2  3  4  0\n");
    wfile_in(d, "a2c.csv", a2c_body);
    wfile_in(d, "aplax.csv", aplax_body);
    const dys_study *st = read_ok(d);
    ck_assert_uint_eq(st->n_rec, 3);
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A4C); /* from its file name */
    ck_assert_str_eq(st->rec[0].format, "echopac");
    ck_assert_str_eq(st->rec[1].format, "csv");
    ck_assert_str_eq(st->rec[2].format, "csv");
    ck_assert_double_eq(st->rec[0].avc_file_ms, 390);
    ck_assert_double_eq(st->rec[0].t_ms[1], 5);
    int total = 0;
    for (size_t i = 0; i < st->n_rec; i++)
        total += n_segs(&st->rec[i]);
    ck_assert_int_eq(total, 12);
    ck_assert_int_eq(st->trace, DYS_TRACE_VELOCITY);
}
END_TEST

/* The default colour map makes an export an A4C view in a directory. */
START_TEST(t_dir_mixed_colour_export)
{
    const char *d = subdir("mixed");
    echopac_file(d, "export.txt", ep_head_strain, ep_colour_header, ep_colour_rows);
    wfile_in(d, "a2c.csv", "# trace: strain\ntime_ms,seg1,seg4\n0,-1,-2\n10,-1,-2\n20,-1,-2\n");
    const dys_study *st = read_ok(d);
    ck_assert_uint_eq(st->n_rec, 2);
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A4C);
    ck_assert_int_eq(st->rec[1].view, DYS_VIEW_A2C);
    ck_assert_int_eq(st->trace, DYS_TRACE_STRAIN);
}
END_TEST

/* The default colour map is the 4-chamber layout: a colour export whose
 * name says it is another view needs --map. */
START_TEST(t_dir_colour_export_other_view)
{
    const char *d = subdir("s");
    const char *f = echopac_file(d, "2ch_strain.txt", ep_head_strain, ep_colour_header,
                                 ep_colour_rows);
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, "--map");
    char *here = dys_asprintf("%s:4:21:", f);
    ck_assert_msg(strstr(msg, here) != NULL, "no %s in: %s", here, msg);
    free(here);
    /* with a map it is read as the A2C view its name says */
    dys_read_options o;
    dys_read_options_defaults(&o);
    ck_assert_int_eq(dys_read_options_parse_map(
                         g_ctx, &o,
                         "YELLOW=basal_inferior,CYAN=mid_inferior,GREEN=none,"
                         "MAGENTA=none,BLUE=mid_anterior,RED=basal_anterior"),
                     DYS_OK);
    const dys_study *st = read_ok_opt(d, &o);
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A2C);
    ck_assert_int_eq(n_segs(&st->rec[0]), 4);
}
END_TEST

/* The export's unit and trace kind are study-level facts: a CSV view that
 * says otherwise is refused, naming both places (values would otherwise be
 * rescaled or relabelled silently). */
START_TEST(t_dir_mixed_unit_disagrees)
{
    const char *d = subdir("mixed");
    const char *ep = echopac_file(d, "a4c.txt", "Local Traces V in cm/s\n",
                                  "Time (s) basSept\n", "0 1\n0.01 2\n0.02 3\n");
    const char *a2 = wfile_in(d, "a2c.csv",
                              "# velocity_unit: mm/s\ntime_ms,seg1\n0,10\n10,20\n20,30\n");
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, "velocity_unit");
    ck_assert_msg(strstr(msg, ep) != NULL, "no %s in: %s", ep, msg);
    ck_assert_msg(strstr(msg, a2) != NULL, "no %s in: %s", a2, msg);
}
END_TEST

START_TEST(t_dir_mixed_trace_disagrees)
{
    const char *d = subdir("mixed");
    const char *ep = echopac_file(d, "a4c.txt", "Local Traces SL in %\n",
                                  "Time (s) basSept\n", "0 -1\n0.01 -2\n0.02 -3\n");
    const char *a2 = wfile_in(d, "a2c.csv",
                              "# trace: velocity\ntime_ms,seg1\n0,10\n10,20\n20,30\n");
    const char *msg = read_fail(d, DYS_ERR_PARSE, NULL, "trace");
    ck_assert_msg(strstr(msg, ep) != NULL, "no %s in: %s", ep, msg);
    ck_assert_msg(strstr(msg, a2) != NULL, "no %s in: %s", a2, msg);
}
END_TEST

/* ---- refusals: the CSV ---------------------------------------------------- */

typedef struct {
    const char *what;
    const char *text;
    size_t len; /* 0: strlen(text) */
    dys_status status;
    const char *where; /* expected right after the path */
    const char *word;
} refusal;

static const refusal csv_refusals[] = {
    /* structure */
    {"empty file", "", 0, DYS_ERR_PARSE, ":1:1:", "no column header"},
    {"blank lines only", "\n  \n\n", 0, DYS_ERR_PARSE, ":4:1:", "no column header"},
    {"metadata only", "# avo_ms: 80\n# hr_bpm: 70\n", 0, DYS_ERR_PARSE, ":3:1:",
     "no column header"},
    {"header only", "time_ms,seg1\n", 0, DYS_ERR_PARSE, ":2:1:", "0 data rows"},
    {"two rows", "time_ms,seg1\n0,1\n10,2\n", 0, DYS_ERR_PARSE, ":4:1:", "2 data rows"},
    {"first column not time", "basal_septal,time_ms\n1,0\n2,10\n3,20\n", 0,
     DYS_ERR_PARSE, ":1:1:", "first column must be the time"},
    {"time without unit", "time,seg1\n0,1\n10,2\n20,3\n", 0, DYS_ERR_PARSE, ":1:1:",
     "time"},
    {"time in minutes", "time (min),seg1\n0,1\n10,2\n20,3\n", 0, DYS_ERR_PARSE,
     ":1:1:", "time"},
    {"time_ms with (s)", "time_ms (s),seg1\n0,1\n10,2\n20,3\n", 0, DYS_ERR_PARSE,
     ":1:1:", "time"},
    {"unknown column", "time_ms,basal_septal,foo\n0,1,2\n10,1,2\n20,1,2\n", 0,
     DYS_ERR_PARSE, ":1:22:", "unknown column 'foo'"},
    {"unknown column, ';'", "time_ms;seg3;basal septum\n0;1;2\n", 0, DYS_ERR_PARSE,
     ":1:14:", "unknown column"},
    {"unknown column, tab", "time_ms\tseg3\tX\n0\t1\t2\n", 0, DYS_ERR_PARSE, ":1:14:",
     "unknown column"},
    {"empty header cell", "time_ms,seg1,\n0,1,\n10,2,\n20,3,\n", 0, DYS_ERR_PARSE,
     ":1:14:", "unknown column"},
    {"duplicate segment", "time_ms,basal_septal,seg3\n0,1,2\n10,1,2\n20,1,2\n", 0,
     DYS_ERR_PARSE, ":1:22:", "same as column 2"},
    {"duplicate via EchoPAC name", "time_ms,midLat,mid lateral\n0,1,2\n", 0,
     DYS_ERR_PARSE, ":1:16:", "same as column 2"},
    {"duplicate ecg", "time_ms,ecg,seg1,ecg (mV)\n0,1,2,3\n", 0, DYS_ERR_PARSE,
     ":1:18:", "same as column 2"},
    {"second time column", "time_ms,seg1,t_ms\n0,1,2\n", 0, DYS_ERR_PARSE, ":1:14:",
     "time"},
    {"no segment column", "time_ms,ecg\n0,1\n10,2\n20,3\n", 0, DYS_ERR_PARSE, ":1:1:",
     "segment"},
    {"apex and global only", "time_ms,apex,GLOBAL\n0,1,1\n10,2,2\n20,3,3\n", 0,
     DYS_ERR_PARSE, ":1:1:", "segment"},
    /* cells */
    {"non-numeric cell", "time_ms,seg1\n0,1\n10,abc\n20,3\n", 0, DYS_ERR_PARSE, ":3:4:",
     "'abc' is not a number"},
    {"non-numeric, ';'", "time_ms;seg1;seg2\n0;1;2\n10;2;1..5\n", 0, DYS_ERR_PARSE,
     ":3:6:", "not a number"},
    {"two decimal marks", "time_ms;seg1\n0;1,5.2\n", 0, DYS_ERR_PARSE, ":2:3:",
     "not a number"},
    {"decimal comma in a comma file", "time_ms,seg1\n0,\"1,5\"\n10,2\n20,3\n", 0,
     DYS_ERR_PARSE, ":2:4:", "not a number"},
    {"number with unit", "time_ms,seg1\n0,1 cm/s\n", 0, DYS_ERR_PARSE, ":2:3:",
     "not a number"},
    {"hex", "time_ms,seg1\n0,0x10\n", 0, DYS_ERR_PARSE, ":2:3:", "not a number"},
    {"inf", "time_ms,seg1\n0,1\n10,inf\n20,3\n", 0, DYS_ERR_PARSE, ":3:4:",
     "not a number"},
    {"Infinity", "time_ms,seg1\n0,1\n10,-Infinity\n", 0, DYS_ERR_PARSE, ":3:4:",
     "not a number"},
    {"overflow 1e999", "time_ms,seg1\n0,1\n10,1e999\n20,3\n", 0, DYS_ERR_PARSE,
     ":3:4:", "out of range"},
    {"overflow -1e400 in ecg", "time_ms,seg1,ecg\n0,1,2\n10,2,-1e400\n", 0,
     DYS_ERR_PARSE, ":3:6:", "out of range"},
    {"overflow in time", "time_ms,seg1\n0,1\n1e999,2\n", 0, DYS_ERR_PARSE, ":3:1:",
     "out of range"},
    {"short row", "time_ms,seg1,seg2\n0,1,2\n10,1\n20,1,2\n", 0, DYS_ERR_PARSE, ":3:5:",
     "2 of the header's 3"},
    {"short row, only time", "time_ms;seg1;seg2\n0;1;2\n10\n", 0, DYS_ERR_PARSE,
     ":3:3:", "header's 3"},
    {"long row", "time_ms,seg1,seg2\n0,1,2,3\n", 0, DYS_ERR_PARSE, ":2:7:",
     "more than the 3 columns"},
    {"long row (trailing separator)", "time_ms,seg1\n0,1\n10,2,\n20,3\n", 0,
     DYS_ERR_PARSE, ":3:6:", "more than the 2 columns"},
    {"time equal", "time_ms,seg1\n0,1\n10,2\n10,3\n", 0, DYS_ERR_PARSE, ":4:1:",
     "strictly increasing"},
    {"time decreasing", "time_ms,seg1\n0,1\n10,2\n20,3\n15,4\n", 0, DYS_ERR_PARSE,
     ":5:1:", "strictly increasing"},
    {"time decreasing, seconds", "time_s,seg1\n0,1\n0.010,2\n0.0099,3\n", 0,
     DYS_ERR_PARSE, ":4:1:", "strictly increasing"},
    {"missing time (empty)", "time_ms,seg1\n0,1\n,2\n20,3\n", 0, DYS_ERR_PARSE, ":3:1:",
     "time is missing"},
    {"missing time (NaN)", "time_ms,seg1\n0,1\nNaN,2\n20,3\n", 0, DYS_ERR_PARSE,
     ":3:1:", "time is missing"},
    {"missing time (-)", "time_ms;seg1\n0;1\n  - ;2\n", 0, DYS_ERR_PARSE, ":3:3:",
     "time is missing"},
    {"'#' line after the header", "time_ms,seg1\n0,1\n# avo_ms: 80\n10,2\n20,3\n", 0,
     DYS_ERR_PARSE, ":3:1:", "after the column header"},
    {"'#' comment after the rows", "time_ms,seg1\n0,1\n10,2\n20,3\n# end\n", 0,
     DYS_ERR_PARSE, ":5:1:", "after the column header"},
    /* encodings */
    {"UTF-16 LE with BOM", "\xFF\xFEt\0i\0m\0e\0_\0m\0s\0\n\0", 18,
     DYS_ERR_UNSUPPORTED, ":1:1:", "UTF-16"},
    {"UTF-16 BE with BOM", "\xFE\xFF\0t\0i\0m\0e", 10, DYS_ERR_UNSUPPORTED, ":1:1:",
     "UTF-16"},
    {"UTF-16 LE without BOM", "t\0i\0m\0e\0_\0m\0s\0\n\0", 16, DYS_ERR_PARSE, ":1:2:",
     "NUL"},
    {"NUL byte", "time_ms,seg1\n0,1\n10,\0\n20,3\n", 24, DYS_ERR_PARSE, ":3:4:", "NUL"},
    {"NUL byte after BOM", "\xEF\xBB\xBF\0time_ms", 11, DYS_ERR_PARSE, ":1:1:", "NUL"},
    {"Latin-1 byte", "# operator: Dr M\xFCller\ntime_ms,seg1\n0,1\n10,2\n20,3\n", 0,
     DYS_ERR_PARSE, ":1:17:", "UTF-8"},
    {"Latin-1 in a header", "time_ms,seg1 (\xB5m/s)\n0,1\n10,2\n20,3\n", 0,
     DYS_ERR_PARSE, ":1:15:", "UTF-8"},
    {"truncated UTF-8", "time_ms,seg1\n0,1\n10,2\n20,3\xC3", 0, DYS_ERR_PARSE, ":4:5:",
     "UTF-8"},
    {"overlong UTF-8", "# a: \xC0\xAF\ntime_ms,seg1\n0,1\n", 0, DYS_ERR_PARSE, ":1:6:",
     "UTF-8"},
    {"UTF-8 surrogate", "# a: \xED\xA0\x80\ntime_ms,seg1\n0,1\n", 0, DYS_ERR_PARSE,
     ":1:6:", "UTF-8"},
};

START_TEST(t_csv_refusal)
{
    const refusal *f = &csv_refusals[_i];
    const char *p = wfile_n(NULL, "bad.csv", f->text, f->len ? f->len : strlen(f->text));
    read_fail(p, f->status, f->where, f->word);
}
END_TEST

/* ---- refusals: metadata ---------------------------------------------------- */

static const refusal meta_refusals[] = {
    {"avo_ms: abc", "# avo_ms: abc\n", 0, DYS_ERR_PARSE, ":1:11:", "avo_ms"},
    {"avo_ms: empty", "# avo_ms:\n", 0, DYS_ERR_PARSE, ":1:10:", "avo_ms"},
    {"avo_ms: 80 s", "# avo_ms: 80 s\n", 0, DYS_ERR_PARSE, ":1:11:", "avo_ms"},
    {"avo_ms: nan", "# avo_ms: nan\n", 0, DYS_ERR_PARSE, ":1:11:", "avo_ms"},
    {"avo_ms: 1e999", "# avo_ms: 1e999\n", 0, DYS_ERR_PARSE, ":1:11:", "avo_ms"},
    {"hr_bpm: 72 ms", "# hr_bpm: 72 ms\n", 0, DYS_ERR_PARSE, ":1:11:", "hr_bpm"},
    {"nyha: V", "# nyha: V\n", 0, DYS_ERR_PARSE, ":1:9:", "nyha"},
    {"nyha: 0", "# nyha: 0\n", 0, DYS_ERR_PARSE, ":1:9:", "nyha"},
    {"nyha: 5", "# nyha:   5\n", 0, DYS_ERR_PARSE, ":1:11:", "nyha"},
    {"nyha: IIII", "# nyha: IIII\n", 0, DYS_ERR_PARSE, ":1:9:", "nyha"},
    {"lbbb: maybe", "# lbbb: maybe\n", 0, DYS_ERR_PARSE, ":1:9:", "lbbb"},
    {"lbbb: 1", "# lbbb: 1\n", 0, DYS_ERR_PARSE, ":1:9:", "lbbb"},
    {"view: A5C", "# view: A5C\n", 0, DYS_ERR_PARSE, ":1:9:", "view"},
    {"view: PLAX", "# view: PLAX\n", 0, DYS_ERR_PARSE, ":1:9:", "view"},
    {"velocity_unit: km/h", "# velocity_unit: km/h\n", 0, DYS_ERR_PARSE, ":1:18:",
     "velocity_unit"},
    {"velocity_unit: cm", "# velocity_unit: cm\n", 0, DYS_ERR_PARSE, ":1:18:",
     "velocity_unit"},
    {"trace: strain rate", "# trace: strain rate\n", 0, DYS_ERR_PARSE, ":1:10:",
     "trace"},
    {"study_id empty", "# study_id:   \n", 0, DYS_ERR_PARSE, ":1:", "study_id"},
    {"qrs_onsets_ms: 100, abc", "# qrs_onsets_ms: 100, abc\n", 0, DYS_ERR_PARSE,
     ":1:23:", "abc"},
    {"qrs_onsets_ms decreasing", "# qrs_onsets_ms: 900 100\n", 0, DYS_ERR_PARSE,
     ":1:22:", "increasing"},
    {"qrs_onsets_ms equal", "# qrs_onsets_ms: 100,100\n", 0, DYS_ERR_PARSE, ":1:22:",
     "increasing"},
    {"qrs_onsets_ms empty", "# qrs_onsets_ms:\n", 0, DYS_ERR_PARSE, ":1:", "qrs_onsets_ms"},
    {"qrs_onset_ms: two times", "# qrs_onset_ms: 100 200\n", 0, DYS_ERR_PARSE,
     ":1:17:", "qrs_onset_ms"},
    {"qrs_onset_ms and qrs_onsets_ms", "# qrs_onset_ms: 100\n# qrs_onsets_ms: 100 900\n",
     0, DYS_ERR_PARSE, ":2:18:", "both"},
    {"view twice", "# view: A4C\n# view: A2C\n", 0, DYS_ERR_PARSE, ":2:9:", "twice"},
    {"qrs_onset_ms twice", "# qrs_onset_ms: 1\n# qrs_onset_ms: 1\n", 0, DYS_ERR_PARSE,
     ":2:17:", "twice"},
    {"avo_ms disagrees in one file", "# avo_ms: 80\n# avo_ms: 90\n", 0, DYS_ERR_PARSE,
     ":2:11:", ":1"},
    {"hr disagrees in one file", "# hr_bpm: 70\n# HR-bpm: 75\n", 0, DYS_ERR_PARSE,
     ":2:11:", "disagrees"},
    {"rr disagrees with hr", "# hr_bpm: 70\n# rr_ms: 1000\n", 0, DYS_ERR_PARSE,
     ":2:10:", "heart rate"},
    {"empty key", "#: value\n", 0, DYS_ERR_PARSE, ":1:2:", "key"},
    /* out of range */
    {"lvef_pct: 150", "# lvef_pct: 150\n", 0, DYS_ERR_PARSE, ":1:13:", "range"},
    {"lvef_pct: 0", "# lvef_pct: 0\n", 0, DYS_ERR_PARSE, ":1:13:", "range"},
    {"hr_bpm: 5", "# hr_bpm: 5\n", 0, DYS_ERR_PARSE, ":1:11:", "range"},
    {"hr_bpm: 400", "# hr_bpm: 400\n", 0, DYS_ERR_PARSE, ":1:11:", "range"},
    {"rr_ms: 50", "# rr_ms: 50\n", 0, DYS_ERR_PARSE, ":1:10:", "range"},
    {"avc_ms: -5", "# avc_ms: -5\n", 0, DYS_ERR_PARSE, ":1:11:", "range"},
    {"avo_ms: 5000", "# avo_ms: 5000\n", 0, DYS_ERR_PARSE, ":1:11:", "range"},
    {"qrs_duration_ms: 1000", "# qrs_duration_ms: 1000\n", 0, DYS_ERR_PARSE, ":1:20:",
     "range"},
    {"frame_rate_hz: 0", "# frame_rate_hz: 0\n", 0, DYS_ERR_PARSE, ":1:18:", "range"},
    {"lv_pep_ms: 10", "# lv_pep_ms: 10\n", 0, DYS_ERR_PARSE, ":1:14:", "range"},
    {"lv_pep_ms: 500", "# lv_pep_ms: 500\n", 0, DYS_ERR_PARSE, ":1:14:", "range"},
    {"rv_pep_ms: -20", "# rv_pep_ms: -20\n", 0, DYS_ERR_PARSE, ":1:14:", "range"},
    {"spwmd_ms: -10", "# spwmd_ms: -10\n", 0, DYS_ERR_PARSE, ":1:13:", "range"},
    {"spwmd_ms: 900", "# spwmd_ms: 900\n", 0, DYS_ERR_PARSE, ":1:13:", "range"},
    {"filling_time_pct_rr: 120", "# filling_time_pct_rr: 120\n", 0, DYS_ERR_PARSE, ":1:24:",
     "range"},
    {"lv_pep_ms: abc", "# lv_pep_ms: abc\n", 0, DYS_ERR_PARSE, ":1:14:", "pre-ejection"},
    {"lv_pep_ms: 120 s", "# lv_pep_ms: 120 s\n", 0, DYS_ERR_PARSE, ":1:14:", "lv_pep_ms"},
    {"rv_pep_ms disagrees", "# rv_pep_ms: 90\n# rv_pep_ms: 95\n", 0, DYS_ERR_PARSE, ":2:14:",
     "disagrees"},
    /* scar, veins, the lead, the response factors' keys: each item
     * pointed at by its column */
    {"scar: unknown segment", "# scar: basal_inferolateral=transmural, mid_foo=40%\n", 0,
     DYS_ERR_PARSE, ":1:41:", "not a segment"},
    {"scar: % over 100", "# scar: basal_inferolateral=120%\n", 0, DYS_ERR_PARSE, ":1:29:",
     "outside 0-100"},
    {"scar: unknown grade", "# scar: basal_inferolateral=thick\n", 0, DYS_ERR_PARSE,
     ":1:29:", "transmural"},
    {"scar: no grade", "# scar: basal_inferolateral\n", 0, DYS_ERR_PARSE, ":1:9:", "'='"},
    {"scar: segment twice", "# scar: seg5=none, seg5=transmural\n", 0, DYS_ERR_PARSE,
     ":1:20:", "twice"},
    {"scar: disagrees", "# scar: seg5=none\n# scar: seg5=transmural\n", 0, DYS_ERR_PARSE,
     ":2:9:", "disagrees"},
    {"vein_segments: unknown segment", "# vein_segments: basal_anterolateral, apex_of_doom\n", 0,
     DYS_ERR_PARSE, ":1:39:", "not a segment"},
    {"lead_segment: septum", "# lead_segment: septum\n", 0, DYS_ERR_PARSE, ":1:17:",
     "segment name"},
    {"aetiology: viral", "# aetiology: viral\n", 0, DYS_ERR_PARSE, ":1:14:", "ischaemic"},
    {"rhythm: flutter", "# rhythm: flutter\n", 0, DYS_ERR_PARSE, ":1:11:", "sinus"},
    {"tapse_mm in cm", "# tapse_mm: 1.8\n", 0, DYS_ERR_PARSE, ":1:13:", "range"},
    {"segment_table missing", "# segment_table: nowhere.csv\n", 0, DYS_ERR_IO, ":1:18:",
     "cannot open"},
    {"segment_table absolute", "# segment_table: /etc/anatomy.csv\n", 0, DYS_ERR_PARSE,
     ":1:18:", "relative"},
};

START_TEST(t_meta_refusal)
{
    const refusal *f = &meta_refusals[_i];
    char *text = dys_asprintf("%stime_ms,seg3\n0,1\n10,2\n20,3\n", f->text);
    const char *p = wfile("meta.csv", text);
    free(text);
    read_fail(p, f->status, f->where, f->word);
}
END_TEST

/* ---- refusals: EchoPAC ----------------------------------------------------- */

static const refusal ep_refusals[] = {
    {"strain not in %", "Local Traces SL in cm/s\nTime (s) basSept\n0 1\n0.1 2\n0.2 3\n",
     0, DYS_ERR_PARSE, ":1:14:", "strain"},
    {"velocity in km/h", "Local Traces V in km/h\nTime (s) basSept\n0 1\n0.1 2\n0.2 3\n",
     0, DYS_ERR_PARSE, ":1:14:", "velocity"},
    {"no column header", "Local Traces V in cm/s\nFR= 60\n0 1\n0.1 2\n", 0,
     DYS_ERR_PARSE, ":5:1:", "no column header"},
    {"header line only", "Local Traces V in cm/s\n", 0, DYS_ERR_PARSE, ":2:1:",
     "no column header"},
    {"bad FR=", "Local Traces V in cm/s\nFR= abc ES Time=0.4\nTime (s) basSept\n0 1\n",
     0, DYS_ERR_PARSE, ":2:5:", "FR="},
    {"bad ES Time=", "Local Traces V in cm/s\nFR= 60 ES Time=x\nTime (s) basSept\n0 1\n",
     0, DYS_ERR_PARSE, ":2:16:", "ES Time"},
    {"time unit (min)", "Local Traces V in cm/s\nTime (min) basSept\n0 1\n", 0,
     DYS_ERR_PARSE, ":2:6:", "(s)"},
    {"unknown column", "Local Traces V in cm/s\nTime (s)  basSept  PURPLE\n0 1 2\n", 0,
     DYS_ERR_PARSE, ":2:20:", "unknown column 'PURPLE'"},
    {"duplicate segment", "Local Traces V in cm/s\nTime (s) basSept YELLOW\n0 1 2\n", 0,
     DYS_ERR_PARSE, ":2:18:", "again"},
    {"second ECG", "Local Traces V in cm/s\nTime (s) basSept ECG : ECG :\n0 1 2 3\n", 0,
     DYS_ERR_PARSE, ":2:24:", "ECG"},
    {"no segment column", "Local Traces V in cm/s\nTime (s) GLOBAL ECG :\n0 1 2\n", 0,
     DYS_ERR_PARSE, ":2:1:", "segment"},
    {"not a number", "Local Traces V in cm/s\nTime (s) basSept basLat\n0 1 2\n"
                     "0.1 1 x\n0.2 1 2\n",
     0, DYS_ERR_PARSE, ":4:7:", "not a number"},
    {"decimal comma", "Local Traces V in cm/s\nTime (s) basSept\n0 1\n0.1 1,5\n", 0,
     DYS_ERR_PARSE, ":4:5:", "not a number"},
    {"overflow", "Local Traces V in cm/s\nTime (s) basSept\n0 1\n0.1 1E+999\n", 0,
     DYS_ERR_PARSE, ":4:5:", "finite"},
    {"short row", "Local Traces V in cm/s\nTime (s) basSept basLat\n0 1 2\n0.1 1\n", 0,
     DYS_ERR_PARSE, ":4:6:", "2 of the header's 3"},
    {"long row", "Local Traces V in cm/s\nTime (s) basSept\n0 1\n0.1   1   2\n", 0,
     DYS_ERR_PARSE, ":4:11:", "more than the 2"},
    {"time not increasing", "Local Traces V in cm/s\nTime (s) basSept\n0 1\n0.1 1\n"
                            "0.1 1\n",
     0, DYS_ERR_PARSE, ":5:1:", "strictly increasing"},
    {"two rows", "Local Traces V in cm/s\nTime (s) basSept\n0 1\n0.1 1\n", 0,
     DYS_ERR_PARSE, ":5:1:", "2 data rows"},
    {"NUL byte", "Local Traces V in cm/s\nTime (s) basSept\n0 \0\n", 44, DYS_ERR_PARSE,
     ":3:3:", "NUL"},
};

/* The variant refused where it departs from its layout, with file, line
 * and column. */
static const refusal sg_refusals[] = {
    {"value under the empty column",
     "Segmental Traces\nTime (s)\t\tbasSept\n0\t\t1\n0.01\t7\t2\n0.02\t\t3\n", 0, DYS_ERR_PARSE,
     ":4:6:", "under the header's empty column 2"},
    {"empty cell", "Segmental Traces\nTime (s)\t\tbasSept\tbasLat\n0\t\t1\t1\n0.01\t\t\t2\n"
                   "0.02\t\t3\t3\n", 0, DYS_ERR_PARSE, ":4:7:", "empty cell in column 3"},
    {"empty name not second", "Segmental Traces\nTime (s)\tbasSept\t\tbasLat\n0\t1\t\t1\n", 0,
     DYS_ERR_PARSE, ":2:18:", "a column without a name"},
    {"row without the empty column",
     "Segmental Traces\nTime (s)\t\tbasSept\tbasLat\n0\t1\t1\n0.01\t2\t2\n0.02\t3\t3\n", 0,
     DYS_ERR_PARSE, ":3:3:", "'1' under the header's empty column 2"},
    {"short row", "Segmental Traces\nTime (s)\t\tbasSept\tbasLat\tECG :\n0\t\t1\t1\t1\n"
                  "0.01\t\t2\t2\n0.02\t\t3\t3\t3\n", 0, DYS_ERR_PARSE, ":4:10:",
     "row has 4 of the header's 5 columns"},
    {"long row", "Segmental Traces\nTime (s)\t\tbasSept\n0\t\t1\t9\n", 0, DYS_ERR_PARSE,
     ":3:6:", "more than the 3 columns"},
    {"not a number", "Segmental Traces\nTime (s)\t\tbasSept\n0\t\t1\n0.01\t\t1,5\n0.02\t\t2\n", 0,
     DYS_ERR_PARSE, ":4:7:", "'1,5' is not a number"},
    {"spaces as separators", "Segmental Traces\nTime (s)   basSept   basLat\n0 1 1\n", 0,
     DYS_ERR_PARSE, ":2:1:", "no tab: expected tab-separated columns"},
    {"unknown column", "Segmental Traces\nTime (s)\t\tbasSept\tcurve 3\n0\t\t1\t1\n", 0,
     DYS_ERR_PARSE, ":2:19:", "unknown column 'curve 3'"},
    {"RV segments only", "Segmental Traces\nTime (s)\t\tRV basal\tRV mid\tECG :\n0\t\t1\t1\t1\n",
     0, DYS_ERR_PARSE, ":2:1:", "only RV segments"},
    {"second ECG", "Segmental Traces\nTime (s)\t\tbasSept\tECG :\tECG\n0\t\t1\t1\t1\n", 0,
     DYS_ERR_PARSE, ":2:25:", "a second ECG column"},
    {"a segment twice", "Segmental Traces\nTime (s)\t\tapSept\tapical septal\n0\t\t1\t1\n", 0,
     DYS_ERR_PARSE, ":2:18:", "apical_inferoseptal again"},
    {"time unit", "Segmental Traces\nTime (min)\t\tbasSept\n0\t\t1\n", 0, DYS_ERR_PARSE,
     ":2:6:", "time unit '(min)'"},
    {"kind not supported", "Segmental Traces SR in 1/s\nTime (s)\t\tbasSept\n0\t\t1\n", 0,
     DYS_ERR_UNSUPPORTED, ":1:18:", "trace kind 'SR' is not supported"},
    {"bad FR=", "Segmental Traces\nFR=fast ES Time=0.4\nTime (s)\t\tbasSept\n0\t\t1\n", 0,
     DYS_ERR_PARSE, ":2:4:", "FR=: expected a frame rate"},
    {"no column header", "Segmental Traces\nNumber of Frames 3\n", 0, DYS_ERR_PARSE, ":3:1:",
     "no column header"},
    {"two rows", "Segmental Traces\nTime (s)\t\tbasSept\n0\t\t1\n0.01\t\t2\n", 0, DYS_ERR_PARSE,
     ":5:1:", "2 data rows"},
};

START_TEST(t_segmental_refusal)
{
    const refusal *f = &sg_refusals[_i];
    const char *p = wfile_n(NULL, "sg.txt", f->text, f->len ? f->len : strlen(f->text));
    read_fail(p, f->status, f->where, f->word);
}
END_TEST

START_TEST(t_echopac_refusal)
{
    const refusal *f = &ep_refusals[_i];
    const char *p = wfile_n(NULL, "ep.txt", f->text, f->len ? f->len : strlen(f->text));
    read_fail(p, f->status, f->where, f->word);
}
END_TEST

/* ---- the "Segmental Traces" variant ---------------------------------------- */

/* As the variant is written: a first line without a kind, tabs between
 * cells, blanks around names ("Time (s) ", "ECG :"), an empty second
 * column, the four apical, mid and basal segments of the 4-chamber view,
 * RV segments beside them, "ECG :" last, CRLF. */
static const char sg_head[] =
    "Segmental Traces\r\n"
    "Number of Frames 4\r\n"
    "FR=110 Left Marker Time=0.219000 Right Marker Time=1.312000 ES Time=0.647000\r\n";
static const char sg_header[] =
    "Time (s) \t\tbasSept\tmidSept\tapSept\tapLat\tmidLat\tbasLat\tRV free wall basal\t"
    "basRVFw\tECG :\r\n";
static const char sg_rows[] =
    "0.000000\t\t0.0000\t0.0000\t0.0000\t0.0000\t0.0000\t0.0000\t0.0\t0.0\t120\r\n"
    "0.009091\t\t-0.5123\t-0.6\t-0.7\t-0.1\t-0.2\t-0.05\t-1.0\t-1.1\t125\r\n"
    "0.018182\t\t-1.0250\t-1.2\t-1.4\t-0.3\t-0.4\t-0.1\t-2.0\t-2.2\t131\r\n"
    "0.027273\t\t-1.5E+00\t-1.8\t-2.1\t-0.6\t-0.8\t-0.2\t-3.0\t-3.3\t140\t\r\n";

START_TEST(t_segmental_traces)
{
    const char *p = echopac_file(NULL, "a4c_segmental.txt", sg_head, sg_header, sg_rows);
    const dys_study *st = read_ok(p);
    ck_assert_int_eq(st->trace, DYS_TRACE_STRAIN); /* no kind: strain in % */
    ck_assert_ptr_null(st->trace_label);
    ck_assert_uint_eq(st->n_rec, 1);
    const dys_recording *r = &st->rec[0];
    ck_assert_str_eq(r->format, "echopac");
    ck_assert_int_eq(r->view, DYS_VIEW_A4C); /* its segments are all A4C's */
    ck_assert_int_eq(n_segs(r), 6);
    expect_values(r->t_ms, (double[]){0, 9.091, 18.182, 27.273}, 4);
    expect_values(r->seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){0, -0.5123, -1.025, -1.5}, 4);
    expect_values(r->seg[DYS_AHA_APICAL_INFEROSEPTAL], (double[]){0, -0.7, -1.4, -2.1}, 4);
    expect_values(r->seg[DYS_AHA_APICAL_ANTEROLATERAL], (double[]){0, -0.1, -0.3, -0.6}, 4);
    expect_values(r->seg[DYS_AHA_BASAL_ANTEROLATERAL], (double[]){0, -0.05, -0.1, -0.2}, 4);
    expect_values(r->ecg_mv, (double[]){120, 125, 131, 140}, 4);
    /* the columns in header order, the empty second one counted */
    ck_assert_int_eq(r->seg_line[DYS_AHA_BASAL_INFEROSEPTAL], 3);
    ck_assert_int_eq(r->seg_line[DYS_AHA_BASAL_ANTEROLATERAL], 8);
    /* the RV segments are read past, not refused */
    ck_assert_uint_eq(r->n_extra_columns, 2);
    ck_assert_str_eq(r->extra_columns[0], "RV free wall basal");
    ck_assert_str_eq(r->extra_columns[1], "basRVFw");
    /* the preamble as Local Traces': frame rate, ES Time, the markers */
    ck_assert_double_eq(r->frame_rate_hz, 110);
    ck_assert_double_eq(r->avc_file_ms, 647);
    ck_assert_double_eq_tol(r->cycle_ms, 1093, 1e-9);
    ck_assert_double_eq(r->cycle_start_ms, 219);
    char *at = dys_asprintf("%s:1:1: 'Segmental Traces' names no trace kind", p);
    ck_assert_msg(has_warning(st, at), "no warning %s", at);
    free(at);
    ck_assert(!has_warning(st, "frames")); /* Number of Frames agrees */
    ck_assert_int_eq(dys_file_is_study(p), 1);
}
END_TEST

/* Without the empty column, names alone in their cells, LF line ends; a
 * kind after the title as Local Traces writes it; the 2-chamber and long
 * axis views' apical names. */
static const struct {
    const char *title, *header, *rows;
    dys_trace trace;
    int seg[4];
    dys_view view;
    int kind_given; /* the title line names the trace kind */
} sg_cases[] = {
    {"Segmental Traces\n", "Time (s)\tbasInf\tmidInf\tapInf\tapAnt\tECG :\n",
     "0\t0\t0\t0\t0\t1\n0.02\t-1\t-2\t-3\t-4\t2\n0.04\t-2\t-3\t-4\t-5\t3\n",
     DYS_TRACE_STRAIN,
     {DYS_AHA_BASAL_INFERIOR, DYS_AHA_MID_INFERIOR, DYS_AHA_APICAL_INFERIOR,
      DYS_AHA_APICAL_ANTERIOR},
     DYS_VIEW_A2C, 0},
    {"Segmental Traces SL in %\n", "Time(s)\t\tbasPost\tapPost\tapAntSept\tbasAntSept\n",
     "0\t\t0\t0\t0\t0\n0.02\t\t-1\t-2\t-3\t-4\n0.04\t\t-2\t-3\t-4\t-5\n",
     DYS_TRACE_STRAIN,
     {DYS_AHA_BASAL_INFEROLATERAL, DYS_AHA_APICAL_INFEROLATERAL, DYS_AHA_APICAL_ANTEROSEPTAL,
      DYS_AHA_BASAL_ANTEROSEPTAL},
     DYS_VIEW_APLAX, 1},
    {"  Segmental Traces V in cm/s  \n", "Time (ms) \t \t basSept \t apSept\tapLat\tbasLat\n",
     "0\t\t1\t1\t1\t1\n20\t\t5\t2\t4\t6\n40\t \t3\t1\t2\t4\n", DYS_TRACE_VELOCITY,
     {DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_APICAL_INFEROSEPTAL, DYS_AHA_APICAL_ANTEROLATERAL,
      DYS_AHA_BASAL_ANTEROLATERAL},
     DYS_VIEW_A4C, 1},
};

START_TEST(t_segmental_variants)
{
    const dys_study *st = read_ok(echopac_file(NULL, "s.txt", sg_cases[_i].title,
                                               sg_cases[_i].header, sg_cases[_i].rows));
    const dys_recording *r = &st->rec[0];
    ck_assert_int_eq(st->trace, sg_cases[_i].trace);
    ck_assert_int_eq(n_segs(r), 4);
    for (int k = 0; k < 4; k++)
        ck_assert_msg(r->seg[sg_cases[_i].seg[k]] != NULL, "no %s",
                      dys_segment_name(sg_cases[_i].seg[k]));
    ck_assert_uint_eq(r->n, 3);
    ck_assert_double_eq(r->t_ms[2], 40);
    ck_assert_int_eq(r->view, sg_cases[_i].view);
    /* a kind on the title line: no warning about it */
    ck_assert_int_eq(has_warning(st, "names no trace kind"), !sg_cases[_i].kind_given);
}
END_TEST

/* Three Segmental Traces exports as a view directory: one 18-segment study. */
START_TEST(t_segmental_view_directory)
{
    static const char *const view[3] = {"a4c.txt", "a2c.txt", "aplax.txt"};
    static const char *const names[3][6] = {
        {"basSept", "midSept", "apSept", "apLat", "midLat", "basLat"},
        {"basInf", "midInf", "apInf", "apAnt", "midAnt", "basAnt"},
        {"basPost", "midPost", "apPost", "apAntSept", "midAntSept", "basAntSept"}};
    const char *d = subdir("s18");
    for (int v = 0; v < 3; v++) {
        char header[256] = "Time (s) \t";
        for (int k = 0; k < 6; k++) {
            strcat(header, "\t");
            strcat(header, names[v][k]);
        }
        strcat(header, "\tECG :\r\n");
        echopac_file(d, view[v], sg_head, header,
                     "0\t\t0\t0\t0\t0\t0\t0\t1\r\n0.01\t\t-1\t-1\t-1\t-1\t-1\t-1\t2\r\n"
                     "0.02\t\t-2\t-2\t-2\t-2\t-2\t-2\t3\r\n");
    }
    const dys_study *st = read_ok(d);
    ck_assert_uint_eq(st->n_rec, 3);
    for (size_t i = 0; i < 3; i++)
        for (int k = 0; k < DYS_N_SEGMENTS; k++)
            if (st->rec[i].seg[k]) /* each segment in its own view's file */
                ck_assert_int_eq(dys_segment_view(k), st->rec[i].view);
    int n = 0;
    for (size_t i = 0; i < 3; i++)
        n += n_segs(&st->rec[i]);
    ck_assert_int_eq(n, DYS_N_SEGMENTS);
    ck_assert(!has_warning(st, "stands in"));
}
END_TEST

/* ---- refusals: paths and limits ------------------------------------------ */

START_TEST(t_nonexistent_path)
{
    const char *p = keep(dys_asprintf("%s/no-such-study.csv", g_dir));
    read_fail(p, DYS_ERR_IO, NULL, NULL);
}
END_TEST

START_TEST(t_unreadable_file)
{
    if (geteuid() == 0) /* root reads anything */
        return;
    const char *p = one_column_file("locked.csv", "seg3");
    ck_assert_int_eq(chmod(p, 0), 0);
    read_fail(p, DYS_ERR_IO, NULL, NULL);
}
END_TEST

START_TEST(t_max_rows)
{
    dys_read_options o;
    dys_read_options_defaults(&o);
    o.max_rows = 3;
    read_ok_opt(one_column_file("three.csv", "seg3"), &o);
    const char *p = wfile("four.csv", "time_ms,seg3\n0,1\n10,2\n20,3\n30,4\n");
    read_fail_opt(p, &o, DYS_ERR_UNSUPPORTED, ":5:1:", "3 rows");
}
END_TEST

START_TEST(t_max_file_bytes)
{
    static const char text[] = "time_ms,seg3\n0,1\n10,2\n20,3\n";
    dys_read_options o;
    dys_read_options_defaults(&o);
    o.max_file_bytes = sizeof text - 1; /* exactly the file: accepted */
    read_ok_opt(wfile("ok.csv", text), &o);
    o.max_file_bytes = sizeof text - 2;
    read_fail_opt(wfile("big.csv", text), &o, DYS_ERR_UNSUPPORTED, NULL, "limit");
}
END_TEST

/* Large input spans the growing buffer several times. */
START_TEST(t_large_file)
{
    size_t rows = 50000, cap = rows * 32 + 64, n = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    n += (size_t)snprintf(text + n, cap - n, "time_ms;seg3;ecg\r\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)snprintf(text + n, cap - n, "%zu;%zu,5;-%zu\r\n", i * 2, i % 47,
                              i % 13);
    const char *p = wfile_n(NULL, "large.csv", text, n);
    free(text);
    const dys_study *st = read_ok(p);
    ck_assert_uint_eq(st->rec[0].n, rows);
    ck_assert_double_eq(st->rec[0].t_ms[rows - 1], (double)(rows - 1) * 2);
    ck_assert_double_eq(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL][rows - 1],
                        (double)((rows - 1) % 47) + 0.5);
}
END_TEST

/* A huge cell is echoed in part only: the message still says what was
 * expected (messages are bounded by the context's buffer). */
START_TEST(t_long_cell_message)
{
    size_t n = 3000;
    char *big = malloc(n + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', n);
    big[n] = '\0';
    char *text = dys_asprintf("time_ms,seg1,%s\n0,1,2\n", big);
    read_fail(wfile("c.csv", text), DYS_ERR_PARSE, ":1:14:", "unknown column");
    free(text);
    text = dys_asprintf("time_ms,seg1\n0,%s\n", big);
    read_fail(wfile("v.csv", text), DYS_ERR_PARSE, ":2:3:", "not a number");
    free(text);
    text = dys_asprintf("Local Traces %s in %%\nTime (s) basSept\n0 1\n", big);
    read_fail(wfile("e.txt", text), DYS_ERR_UNSUPPORTED, ":1:14:", "not supported");
    free(text);
    text = dys_asprintf("# study_id: %s\n# study_id: y\ntime_ms,seg1\n0,1\n", big);
    read_fail(wfile("m.csv", text), DYS_ERR_PARSE, ":2:13:", "disagrees");
    free(text);
    text = dys_asprintf("# qrs_onsets_ms: 1 %s\ntime_ms,seg1\n0,1\n", big);
    read_fail(wfile("q.csv", text), DYS_ERR_PARSE, ":1:20:", "not a time");
    free(text);
    free(big);
}
END_TEST

START_TEST(t_null_arguments)
{
    dys_study *s = (dys_study *)&s;
    ck_assert_int_eq(dys_study_read(NULL, "x.csv", NULL, &s), DYS_ERR_INVALID);
    ck_assert_ptr_null(s);
    s = (dys_study *)&s;
    ck_assert_int_eq(dys_study_read(g_ctx, NULL, NULL, &s), DYS_ERR_INVALID);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(dys_study_read(g_ctx, "x.csv", NULL, NULL), DYS_ERR_INVALID);
    dys_study_free(NULL);
}
END_TEST

/* A failure leaves an earlier message behind no more: the context holds
 * the last one, and a success clears it. */
START_TEST(t_error_cleared_on_success)
{
    const char *bad = wfile("bad.csv", "time_ms,seg1\n0,x\n");
    read_fail(bad, DYS_ERR_PARSE, ":2:3:", NULL);
    read_ok(one_column_file("good.csv", "seg3"));
    ck_assert_str_eq(dys_ctx_error(g_ctx), "");
}
END_TEST

/* The same input read twice gives the same study (no hidden state). */
START_TEST(t_read_twice_same)
{
    const char *p = default_strain_export("e.txt");
    dys_study *a = NULL, *b = NULL;
    ck_assert_int_eq(dys_study_read(g_ctx, p, NULL, &a), DYS_OK);
    ck_assert_int_eq(dys_study_read(g_ctx, p, NULL, &b), DYS_OK);
    ck_assert_uint_eq(a->rec[0].n, b->rec[0].n);
    ck_assert(memcmp(a->rec[0].t_ms, b->rec[0].t_ms, a->rec[0].n * sizeof(double)) == 0);
    ck_assert_uint_eq(a->n_meta, b->n_meta);
    ck_assert_uint_eq(a->n_warnings, b->n_warnings);
    dys_study_free(a);
    dys_study_free(b);
}
END_TEST

/* ---- internal helpers ---------------------------------------------------- */

START_TEST(t_normalise_name)
{
    char out[32];
    dys_normalise_name("  Basal - Septal__(x) ", 22, out, sizeof out);
    ck_assert_str_eq(out, "basal_septal_(x)");
    dys_normalise_name("ABC", 3, out, 3); /* truncated, still terminated */
    ck_assert_uint_le(strlen(out), 2);
    ck_assert_int_eq(dys_view_from_name("Ap4"), DYS_VIEW_A4C);
    ck_assert_int_eq(dys_view_from_name("a5c"), DYS_VIEW_UNKNOWN);
    ck_assert_int_eq(dys_colour_index("magenta"), 3);
    ck_assert_int_eq(dys_colour_index("purple"), -1);
}
END_TEST

START_TEST(t_parse_number_pow10)
{
    dys_ctx *c = g_ctx;
    static const struct {
        const char *s;
        int dc;
        double want;
    } cases[] = {
        {"0.037", 0, 37},          {"0,037", 1, 37},        {"1.086", 0, 1086},
        {"0.00003", 0, 0.03},      {"-0.00007", 0, -0.07},  {"2.5e-1", 0, 250},
        {"1.1E+0", 0, 1100},       {"1e-3", 0, 1},          {"0", 0, 0},
        {"7", 0, 7000},            {".5", 0, 500},          {"5.", 0, 5000},
        {"1e-1000000000000000000", 0, 0},
    };
    for (int i = 0; i < N_ELEMS(cases); i++) {
        double x = -1;
        ck_assert_int_eq(dys_parse_number_pow10(cases[i].s, strlen(cases[i].s),
                                                cases[i].dc, c->c_locale, 3, &x),
                         0);
        ck_assert_msg(x == cases[i].want, "%s -> %.17g", cases[i].s, x);
    }
    double x;
    ck_assert_int_eq(dys_parse_number_pow10("1e999", 5, 0, c->c_locale, 3, &x), 0);
    ck_assert(isinf(x));
    ck_assert_int_eq(dys_parse_number_pow10("abc", 3, 0, c->c_locale, 3, &x), -1);
    ck_assert_int_eq(dys_parse_number_pow10("1,5", 3, 0, c->c_locale, 3, &x), -1);
    /* a long mantissa takes the heap path */
    char longnum[300];
    memset(longnum, '0', sizeof longnum);
    longnum[0] = '0';
    longnum[1] = '.';
    longnum[sizeof longnum - 1] = '5';
    ck_assert_int_eq(dys_parse_number_pow10(longnum, sizeof longnum, 0, c->c_locale,
                                            3, &x),
                     0);
    ck_assert(x > 0 && x < 1e-290);
}
END_TEST

/* ---- suite ------------------------------------------------------------------ */

/* ---- old-Mac line ends and plausibility (issue 13) ------------------- */

/* CR-only lines: metadata, header and rows keep their line numbers. */
START_TEST(t_cr_only_csv)
{
    const dys_study *st = read_ok(wfile(
        "cr.csv", "# avo_ms: 90\r# study_id: CR1\rtime_ms,basal_septal\r0,1\r10,2\r20,3\r"));
    ck_assert_str_eq(st->study_id, "CR1");
    ck_assert_uint_eq(st->rec[0].n, 3);
    ck_assert_double_eq(st->avo_ms, 90);
    expect_values(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL], (double[]){1, 2, 3}, 3);
    ck_assert_int_eq(find_meta(st, "study_id")->line, 2);
    read_fail(wfile("bad.csv", "# avo_ms: 90\rtime_ms,basal_septal\r0,1\r10,x\r20,3\r"),
              DYS_ERR_PARSE, ":4:4:", "'x'");
    /* the positions of refusals before any line is read (NUL, bad UTF-8) */
    read_fail(wfile_n(NULL, "nul.csv", "time_ms,seg3\r0,1\r1\0,2\r", 20), DYS_ERR_PARSE,
              ":3:2:", "NUL");
}
END_TEST

/* LF, CRLF and CR mixed in one file: each ends one line. */
START_TEST(t_mixed_line_ends)
{
    read_fail(wfile("m.csv", "# a: 1\r\n# b: 2\rtime_ms,seg3\n0,1\r\n10,?\r20,3\n"),
              DYS_ERR_PARSE, ":5:4:", "'?'");
}
END_TEST

/* A CR-only EchoPAC export (GE full-trace exports end lines so). */
START_TEST(t_cr_only_echopac)
{
    const char *head = "Local Traces V in cm/s\rFR= 250\r";
    const char *header = "Time (s)\tbasSept\tmidSept\tECG : \r";
    const dys_study *st = read_ok(echopac_file(
        NULL, "cr.txt", head, header, "0\t1.5\t2.5\t0.1\r0.004\t2.5\t3.5\t0.2\r0.008\t3.5\t4.5\t0.3\r"));
    ck_assert_uint_eq(st->rec[0].n, 3);
    expect_values(st->rec[0].t_ms, (double[]){0, 4, 8}, 3);
    read_fail(echopac_file(NULL, "bad.txt", head, header,
                           "0\t1.5\t2.5\t0.1\r0.004\t2.5\tzz\t0.2\r0.008\t3.5\t4.5\t0.3\r"),
              DYS_ERR_PARSE, ":5:11:", "'zz'");
}
END_TEST

/* A smooth curve of 60 rows at 100 frames/s (8 cm/s peaks, in the file's
 * unit times vscale), the time times tscale, under `head`; the cell of row
 * `at` (0-based; -1 none) replaced by `val`. */
static char *curve_text(const char *head, double tscale, double vscale, int at,
                        const char *val)
{
    size_t cap = 8192, n = 0;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    n += (size_t)snprintf(t + n, cap - n, "%s", head);
    for (int i = 0; i < 60; i++) {
        double v = 8.0 * sin(2 * M_PI * i / 40.0) * vscale;
        if (i == at)
            n += (size_t)snprintf(t + n, cap - n, "%.9g,%s\n", i * 10.0 * tscale, val);
        else
            n += (size_t)snprintf(t + n, cap - n, "%.9g,%.6g\n", i * 10.0 * tscale, v);
    }
    return t;
}

static const char *curve_file(const char *name, const char *head, double tscale,
                              double vscale, int at, const char *val)
{
    char *t = curve_text(head, tscale, vscale, at, val);
    const char *p = wfile(name, t);
    free(t);
    return p;
}

/* Beyond the hard limit (|v| > 50 cm/s after the unit, |strain| > 100 %):
 * dropped as missing, counted, named at file:line:col. */
START_TEST(t_plausible_limit)
{
    const char *p = curve_file("v.csv", "time_ms,basal_septal\n", 1, 1, 20, "1e300");
    const dys_study *st = read_ok(p);
    ck_assert(isnan(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL][20]));
    ck_assert_uint_eq(st->rec[0].n_dropped[DYS_AHA_BASAL_INFEROSEPTAL], 1);
    char *want = dys_asprintf("%s:22:5: basal_inferoseptal sample 1e+300 cm/s is beyond "
                              "the physiological limit of +-50 cm/s", p);
    ck_assert_msg(has_warning(st, want), "no warning '%s'", want);
    free(want);
    /* 51 cm/s given as 510 mm/s: the limit applies in cm/s */
    st = read_ok(curve_file("mm.csv", "# velocity_unit: mm/s\ntime_ms,seg3\n", 1, 10, 20,
                            "510"));
    ck_assert_uint_eq(st->rec[0].n_dropped[DYS_AHA_BASAL_INFEROSEPTAL], 1);
    ck_assert(has_warning(st, "sample 51 cm/s is beyond"));
    /* 49 cm/s, under the limit, on a curve peaking at 20 cm/s is kept:
     * its departure (about 49) is under 3 x 20, so no spike either */
    st = read_ok(curve_file("ok.csv", "time_ms,seg3\n", 1, 2.5, 20, "49"));
    ck_assert_uint_eq(st->rec[0].n_dropped[DYS_AHA_BASAL_INFEROSEPTAL], 0);
    ck_assert_double_eq(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL][20], 49);
    /* strain: 150 % dropped */
    st = read_ok(curve_file("s.csv", "# trace: strain\ntime_ms,seg3\n", 1, -2, 30, "150"));
    ck_assert_uint_eq(st->rec[0].n_dropped[DYS_AHA_BASAL_INFEROSEPTAL], 1);
    ck_assert(has_warning(st, "sample 150 % is beyond the physiological limit of +-100 %"));
}
END_TEST

/* An isolated spike under the limit: dropped and named. */
START_TEST(t_plausible_isolated_spike)
{
    const char *p = curve_file("v.csv", "time_ms,basal_septal\n", 1, 1, 25, "42");
    const dys_study *st = read_ok(p);
    ck_assert(isnan(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL][25]));
    ck_assert_uint_eq(st->rec[0].n_dropped[DYS_AHA_BASAL_INFEROSEPTAL], 1);
    char *want = dys_asprintf("%s:27:5: basal_inferoseptal sample 42 cm/s is an isolated "
                              "spike", p);
    ck_assert_msg(has_warning(st, want), "no warning '%s'", want);
    free(want);
    /* two samples wide: a wave, not a spike (however unlikely) */
    char *t = curve_text("time_ms,basal_septal\n", 1, 1, 25, "42");
    char *row = strstr(t, "\n260,");
    ck_assert_ptr_nonnull(row);
    char *end = strchr(row + 1, '\n');
    char *t2 = dys_asprintf("%.*s\n260,41%s", (int)(row - t), t, end);
    st = read_ok(wfile("w.csv", t2));
    ck_assert_uint_eq(st->rec[0].n_dropped[DYS_AHA_BASAL_INFEROSEPTAL], 0);
    free(t);
    free(t2);
}
END_TEST

/* The spike filter as docs/robustness.md defines it, computed the plain
 * way (every window's median and MAD by sorting, the amplitude with
 * fmin/fmax): the reference for plausible.c's shortcuts. */
static int ref_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double ref_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, ref_cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void ref_drop(double *x, size_t n)
{
    size_t idx[400], m = 0;
    for (size_t i = 0; i < n; i++) {
        if (fabs(x[i]) > 50.0)
            x[i] = NAN;
        if (isfinite(x[i]))
            idx[m++] = i;
    }
    if (m < 7)
        return;
    double amp = 0;
    for (size_t j = 0; j < m; j++) {
        size_t c = j == 0 ? 1 : j + 1 == m ? m - 2 : j;
        double a = x[idx[c - 1]], b = x[idx[c]], d = x[idx[c + 1]];
        amp = fmax(amp, fabs(fmax(fmin(a, b), fmin(fmax(a, b), d))));
    }
    int spike[400] = {0};
    for (size_t j = 0; j < m; j++) {
        size_t lo = j >= 3 ? j - 3 : 0, hi = j + 3 < m ? j + 3 : m - 1, nw = 0;
        double win[7], dev[7];
        for (size_t q = lo; q <= hi; q++)
            win[nw++] = x[idx[q]];
        double med = ref_median(win, nw);
        for (size_t q = 0; q < nw; q++)
            dev[q] = fabs(x[idx[lo + q]] - med);
        double mad = ref_median(dev, nw), dj = fabs(x[idx[j]] - med);
        spike[j] = dj > 6.0 * 1.4826 * mad && dj > 3.0 * amp && dj > 20.0 &&
                   !(j > 0 && fabs(x[idx[j - 1]] - med) >= 0.5 * dj) &&
                   !(j + 1 < m && fabs(x[idx[j + 1]] - med) >= 0.5 * dj);
    }
    for (size_t j = 0; j < m; j++)
        if (spike[j])
            x[idx[j]] = NAN;
}

/* The spike filter skips the medians where the window's range (or the
 * curve's) cannot reach the thresholds: the samples it drops must be
 * exactly the reference's, on curves of every length with spikes of every
 * size around the thresholds, pairs, gaps and samples beyond the limit. */
START_TEST(t_plausible_spikes_as_reference)
{
    uint64_t seed = 12345;
#define RND() (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL, \
               (double)(seed >> 11) / 9007199254740992.0)
    static const size_t lens[] = {7, 8, 9, 12, 40, 200, 390};
    size_t dropped = 0;
    const char *path = keep(dys_asprintf("%s/h.csv", g_dir));
    for (int trial = 0; trial < 300; trial++) {
        size_t n = lens[trial % N_ELEMS(lens)];
        double x[3][400], amp[3];
        for (int k = 0; k < 3; k++) {
            amp[k] = 4.0 + 10.0 * RND();
            double noise = RND() < 0.5 ? 0.05 : 3.0 * RND(), ph = 6.0 * RND();
            for (size_t i = 0; i < n; i++)
                x[k][i] = amp[k] * sin(2 * M_PI * (double)i / 45.0 + ph) +
                          noise * (2 * RND() - 1);
            int nsp = (int)(RND() * 7);
            for (int q = 0; q < nsp; q++) {
                size_t i = (size_t)(RND() * (double)n);
                double u = RND(), size = u < 0.3   ? 15.0 + 35.0 * RND()
                                         : u < 0.6 ? 3.0 * amp[k] * (0.9 + 0.2 * RND())
                                         : u < 0.8 ? 19.0 + 2.0 * RND()
                                                   : 70.0 * RND();
                x[k][i] += RND() < 0.5 ? size : -size;
                if (RND() < 0.3 && i + 1 < n)
                    x[k][i + 1] = x[k][i] * (0.3 + 0.7 * RND()); /* a pair */
            }
            for (size_t i = 0; i < n; i++)
                if (RND() < 0.04)
                    x[k][i] = NAN; /* an empty cell */
        }
        size_t cap = 64 + n * 100, len = 0;
        char *t = malloc(cap);
        ck_assert_ptr_nonnull(t);
        len += (size_t)snprintf(t + len, cap - len,
                                "time_ms,basal_septal,basal_lateral,mid_septal\n");
        for (size_t i = 0; i < n; i++) {
            len += (size_t)snprintf(t + len, cap - len, "%zu", i * 10);
            for (int k = 0; k < 3; k++)
                len += isnan(x[k][i]) ? (size_t)snprintf(t + len, cap - len, ",")
                                      : (size_t)snprintf(t + len, cap - len, ",%.17g",
                                                         x[k][i]);
            len += (size_t)snprintf(t + len, cap - len, "\n");
        }
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(t, 1, len, f), len);
        ck_assert_int_eq(fclose(f), 0);
        free(t);
        const dys_study *st = read_ok(path);
        static const int segs[3] = {DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_BASAL_ANTEROLATERAL,
                                    DYS_AHA_MID_INFEROSEPTAL};
        for (int k = 0; k < 3; k++) {
            ref_drop(x[k], n);
            const double *got = st->rec[0].seg[segs[k]];
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(isnan(got[i]) == isnan(x[k][i]),
                              "trial %d segment %d sample %zu: read %g, reference %g",
                              trial, k, i, got[i], x[k][i]);
            dropped += st->rec[0].n_dropped[segs[k]];
        }
    }
#undef RND
    ck_assert_uint_gt(dropped, 100); /* the curves did have spikes */
}
END_TEST

/* A one-sample isovolumic spike twice S' at 40 frames/s is real: kept. */
START_TEST(t_plausible_sharp_peak_kept)
{
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "time_ms,basal_septal\n");
    for (int i = 0; i < 40; i++) {
        double t = i * 25.0, v = 6.0 * sin(M_PI * (t - 100) / 250.0);
        if (t < 100 || t > 350)
            v = -0.5;
        if (i == 2)
            v = 13.0; /* the septal flash, one frame */
        n += (size_t)snprintf(text + n, sizeof text - n, "%g,%.4g\n", t, v);
    }
    const dys_study *st = read_ok(wfile("f.csv", text));
    ck_assert_uint_eq(st->rec[0].n_dropped[DYS_AHA_BASAL_INFEROSEPTAL], 0);
    ck_assert(!has_warning(st, "dropped"));
}
END_TEST

/* dyssync synth at 40-250 frames/s with noise: nothing dropped, no unit
 * or frame-rate warning (the false-positive check, also in
 * docs/robustness.md at a larger scale). */
static const struct {
    double fps, noise;
    int beats;
} synth_sets[] = {{40, 0, 1}, {40, 0.5, 1}, {50, 1, 1}, {60, 0.25, 3}, {100, 1, 1},
                  {250, 0.5, 1}};

START_TEST(t_plausible_synth_clean)
{
    dys_synth_params sp;
    dys_synth_params_defaults(&sp);
    sp.n_studies = 25;
    sp.seed = 40 + (unsigned)_i;
    sp.fps = synth_sets[_i].fps;
    sp.noise_cm_s = synth_sets[_i].noise;
    sp.beats = synth_sets[_i].beats;
    sp.ecg = sp.beats > 1;
    const char *dir = keep(dys_asprintf("%s/synth", g_dir));
    ck_assert_msg(dys_synth_write(g_ctx, &sp, dir) == DYS_OK, "%s", dys_ctx_error(g_ctx));
    for (int k = 1; k <= sp.n_studies; k++) {
        char *p = dys_asprintf("%s/synth_%04d.csv", dir, k);
        const dys_study *st = read_ok(p);
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            ck_assert_msg(st->rec[0].n_dropped[s] == 0, "%s: %s: %zu dropped", p,
                          dys_segment_name(s), st->rec[0].n_dropped[s]);
        ck_assert_msg(!has_warning(st, "dropped") && !has_warning(st, "peak at") &&
                          !has_warning(st, "frames/s"),
                      "%s: %s", p, st->n_warnings ? st->warnings[0] : "");
        free(p);
    }
}
END_TEST

/* Many dropped samples: the first three named, then one summary. */
START_TEST(t_plausible_summary)
{
    char *t = curve_text("time_ms,basal_septal\n", 1, 1, -1, "");
    /* every 5th row's value replaced by 1e300 */
    size_t cap = strlen(t) * 2, n = 0;
    char *o = malloc(cap);
    int row = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"), row++) {
        if (row > 0 && row % 5 == 0)
            n += (size_t)snprintf(o + n, cap - n, "%.*s,1e300\n",
                                  (int)(strchr(line, ',') - line), line);
        else
            n += (size_t)snprintf(o + n, cap - n, "%s\n", line);
    }
    const dys_study *st = read_ok(wfile("many.csv", o));
    free(t);
    free(o);
    ck_assert_uint_eq(st->rec[0].n_dropped[DYS_AHA_BASAL_INFEROSEPTAL], 12);
    size_t named = 0;
    for (size_t i = 0; i < st->n_warnings; i++)
        named += strstr(st->warnings[i], "is beyond") != NULL;
    ck_assert_uint_eq(named, 3);
    ck_assert(has_warning(st, "9 more samples dropped as impossible or isolated spikes, "
                              "12 in all (basal_inferoseptal 12)"));
}
END_TEST

/* Unit mistakes: refused where certain, with the header's or the cell's
 * file:line:col and what the file should say; warned where likely. */
START_TEST(t_unit_seconds_as_ms)
{
    read_fail(curve_file("t.csv", "# study_id: x\ntime_ms,seg3\n", 0.001, 1, -1, ""),
              DYS_ERR_UNSUPPORTED, ":2:1:", "seconds read as ms: expected time_s");
    read_fail(curve_file("t2.csv", "time_s,seg3\n", 1, 1, -1, ""), DYS_ERR_UNSUPPORTED,
              ":1:1:", "ms read as seconds: expected time_ms");
    /* 2000 frames/s: only likely, a warning */
    const dys_study *st = read_ok(curve_file("t3.csv", "time_ms,seg3\n", 0.05, 1, -1, ""));
    ck_assert(has_warning(st, "(2000 frames/s) is faster than tissue Doppler records: if "
                              "the times are seconds, the header should say time_s"));
}
END_TEST

START_TEST(t_unit_velocity)
{
    /* m/s read as cm/s: 0.08 cm/s peaks */
    read_fail(curve_file("m.csv", "time_ms,seg3\n", 1, 0.01, -1, ""),
              DYS_ERR_UNSUPPORTED, NULL, "so these are m/s: expected '# velocity_unit: m/s'");
    /* mm/s read as cm/s: 80 cm/s peaks */
    read_fail(curve_file("mm.csv", "time_ms,seg3\n", 1, 10, -1, ""), DYS_ERR_UNSUPPORTED,
              ":", "so these are mm/s: expected '# velocity_unit: mm/s'");
    /* cm/s declared as m/s */
    read_fail(curve_file("cm.csv", "# velocity_unit: m/s\ntime_ms,seg3\n", 1, 1, -1, ""),
              DYS_ERR_UNSUPPORTED, NULL, "read as m/s");
    /* 0.6 cm/s and 35 cm/s peaks: likely wrong, warned (the amplitude is
     * after a running median of 3: 0.6 cos(2 pi / 40) = 0.593) */
    const dys_study *st = read_ok(curve_file("lo.csv", "time_ms,seg3\n", 1, 0.075, -1, ""));
    ck_assert(has_warning(st, "velocities peak at 0.593 cm/s"));
    st = read_ok(curve_file("hi.csv", "time_ms,seg3\n", 1, 4.4, -1, ""));
    ck_assert(has_warning(st, "velocities peak at 34.8 cm/s"));
    ck_assert(has_warning(st, "if the values are mm/s, the file should say "
                              "'# velocity_unit: mm/s'"));
    /* the EchoPAC hint names the export's first line; the message points
     * at the sample that sets the amplitude after the running median
     * (0.076 at 0.04 s: line 8, column 6) */
    char rows[512];
    size_t n = 0;
    for (int i = 0; i < 12; i++)
        n += (size_t)snprintf(rows + n, sizeof rows - n, "%.2f\t%.3f\n", i * 0.01,
                              0.08 * sin(M_PI * i / 10.0));
    read_fail(echopac_file(NULL, "e.txt", "Local Traces V in cm/s\nFR= 100\n",
                           "Time (s)\tbasSept\n", rows),
              DYS_ERR_UNSUPPORTED, ":8:6:", "'V in m/s' on the export's first line");
}
END_TEST

START_TEST(t_unit_strain_fraction)
{
    read_fail(curve_file("f.csv", "# trace: strain\ntime_ms,seg3\n", 1, -0.025, -1, ""),
              DYS_ERR_UNSUPPORTED, NULL, "so these are fractions: expected percent");
    /* -20 % is fine */
    read_ok(curve_file("p.csv", "# trace: strain\ntime_ms,seg3\n", 1, -2.5, -1, ""));
}
END_TEST

static TCase *tc(Suite *s, const char *name)
{
    TCase *t = tcase_create(name);
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return t;
}

static Suite *readers_suite(void)
{
    Suite *s = suite_create("readers");
    TCase *t = tc(s, "layout");
    tcase_add_loop_test(t, t_separator, 0, 3);
    tcase_add_loop_test(t, t_decimal_comma, 0, 2);
    tcase_add_loop_test(t, t_bom_crlf, 0, 4);
    tcase_add_test(t, t_bom_header_no_final_newline);
    tcase_add_test(t, t_blank_lines_and_comments);
    tcase_add_test(t, t_quoted_cells);
    tcase_add_test(t, t_spaces_around_cells);

    t = tc(s, "time");
    tcase_add_loop_test(t, t_time_column_names, 0, N_ELEMS(time_names));
    tcase_add_test(t, t_time_seconds_exact);
    tcase_add_test(t, t_time_seconds_decimal_comma);
    tcase_add_test(t, t_time_uneven_and_negative);

    t = tc(s, "units");
    tcase_add_loop_test(t, t_velocity_unit, 0, N_ELEMS(units));
    tcase_add_test(t, t_velocity_mm_s_exact);
    tcase_add_test(t, t_velocity_unit_in_other_view);
    tcase_add_test(t, t_velocity_unit_ignored_for_strain);
    tcase_add_test(t, t_column_unit_ignored);

    t = tc(s, "segments");
    tcase_add_loop_test(t, t_segment_alias_in_header, 0, N_ELEMS(seg_names));
    tcase_add_loop_test(t, t_segment_from_name_api, 0, N_ELEMS(seg_names));
    tcase_add_loop_test(t, t_segment_from_name_rejects, 0, N_ELEMS(not_segments));
    tcase_add_test(t, t_segment_names_roundtrip);
    tcase_add_test(t, t_all_eighteen_segments);
    tcase_add_test(t, t_extra_columns);

    t = tc(s, "ecg_missing");
    tcase_add_loop_test(t, t_ecg_names, 0, N_ELEMS(ecg_names));
    tcase_add_test(t, t_no_ecg);
    tcase_add_loop_test(t, t_missing_samples, 0, N_ELEMS(missing_tokens));
    tcase_add_test(t, t_missing_last_cell);

    t = tc(s, "metadata");
    tcase_add_test(t, t_meta_defaults);
    tcase_add_test(t, t_meta_all_keys);
    tcase_add_test(t, t_meta_number_with_unit);
    tcase_add_test(t, t_meta_doppler_timing);
    tcase_add_test(t, t_meta_rr_to_hr);
    tcase_add_test(t, t_meta_hr_and_rr_agree);
    tcase_add_loop_test(t, t_meta_nyha, 0, N_ELEMS(nyha_values));
    tcase_add_loop_test(t, t_meta_lbbb, 0, N_ELEMS(lbbb_values));
    tcase_add_loop_test(t, t_meta_trace, 0, N_ELEMS(trace_values));
    tcase_add_loop_test(t, t_meta_qrs_onsets, 0, N_ELEMS(onset_lists));
    tcase_add_test(t, t_meta_qrs_onset_single);
    tcase_add_loop_test(t, t_meta_key_spelling, 0, N_ELEMS(avo_keys));
    tcase_add_test(t, t_meta_unknown_keys_kept);
    tcase_add_test(t, t_meta_repeated_same_value);
    tcase_add_loop_test(t, t_meta_view_single_file, 0, N_ELEMS(view_values));
    tcase_add_test(t, t_view_names_api);

    t = tc(s, "directories");
    tcase_add_test(t, t_dir_three_views);
    tcase_add_test(t, t_dir_trailing_slash);
    tcase_add_test(t, t_dir_ignores_other_files);
    tcase_add_loop_test(t, t_dir_view_from_metadata, 0, N_ELEMS(view_values));
    tcase_add_loop_test(t, t_dir_view_from_file_name, 0, N_ELEMS(view_files));
    tcase_add_test(t, t_dir_view_metadata_over_name);
    tcase_add_test(t, t_dir_keys_agree_and_per_view);
    tcase_add_test(t, t_dir_frame_rate_shared);
    tcase_add_test(t, t_dir_segment_in_unusual_view);
    tcase_add_test(t, t_dir_segment_twice);
    tcase_add_test(t, t_dir_study_key_disagrees);
    tcase_add_test(t, t_dir_events_per_view);
    tcase_add_test(t, t_dir_hr_rr_disagree);
    tcase_add_loop_test(t, t_dir_study_keys_disagree_table, 0, N_ELEMS(disagreements));
    tcase_add_test(t, t_dir_file_without_view);
    tcase_add_test(t, t_dir_empty);
    tcase_add_test(t, t_dir_only_ignored_files);
    tcase_add_test(t, t_dir_bad_file_inside);

    t = tc(s, "echopac");
    tcase_add_test(t, t_echopac_strain_default_map);
    tcase_add_test(t, t_echopac_times);
    tcase_add_test(t, t_echopac_frames_mismatch_warns);
    tcase_add_test(t, t_echopac_header_lines_kept);
    tcase_add_test(t, t_echopac_user_map);
    tcase_add_test(t, t_echopac_user_map_2ch);
    tcase_add_test(t, t_parse_map_values);
    tcase_add_loop_test(t, t_parse_map_refusals, 0, N_ELEMS(bad_maps));
    tcase_add_test(t, t_echopac_colour_not_in_map);
    tcase_add_loop_test(t, t_echopac_trace_kinds, 0, N_ELEMS(ep_kinds));
    tcase_add_loop_test(t, t_echopac_named_all, 0, N_ELEMS(ep_all_named));
    tcase_add_test(t, t_echopac_whitespace_crlf_ms);
    tcase_add_test(t, t_echopac_time_without_space);
    tcase_add_test(t, t_echopac_bom_utf8);
    tcase_add_loop_test(t, t_echopac_unsupported_kind, 0, N_ELEMS(ep_unsupported));
    tcase_add_test(t, t_segmental_traces);
    tcase_add_loop_test(t, t_segmental_variants, 0, N_ELEMS(sg_cases));
    tcase_add_test(t, t_segmental_view_directory);
    tcase_add_test(t, t_dir_mixed_echopac_csv);
    tcase_add_test(t, t_dir_mixed_colour_export);
    tcase_add_test(t, t_dir_colour_export_other_view);
    tcase_add_test(t, t_dir_mixed_unit_disagrees);
    tcase_add_test(t, t_dir_mixed_trace_disagrees);

    t = tc(s, "refusals");
    tcase_add_loop_test(t, t_csv_refusal, 0, N_ELEMS(csv_refusals));
    tcase_add_loop_test(t, t_meta_refusal, 0, N_ELEMS(meta_refusals));
    tcase_add_test(t, t_meta_anatomy);
    tcase_add_test(t, t_meta_segment_table);
    tcase_add_loop_test(t, t_echopac_refusal, 0, N_ELEMS(ep_refusals));
    tcase_add_loop_test(t, t_segmental_refusal, 0, N_ELEMS(sg_refusals));
    tcase_add_test(t, t_nonexistent_path);
    tcase_add_test(t, t_unreadable_file);
    tcase_add_test(t, t_max_rows);
    tcase_add_test(t, t_max_file_bytes);

    t = tc(s, "plausible");
    tcase_add_test(t, t_cr_only_csv);
    tcase_add_test(t, t_mixed_line_ends);
    tcase_add_test(t, t_cr_only_echopac);
    tcase_add_test(t, t_plausible_limit);
    tcase_add_test(t, t_plausible_isolated_spike);
    tcase_add_test(t, t_plausible_spikes_as_reference);
    tcase_add_test(t, t_plausible_sharp_peak_kept);
    tcase_add_loop_test(t, t_plausible_synth_clean, 0, N_ELEMS(synth_sets));
    tcase_add_test(t, t_plausible_summary);
    tcase_add_test(t, t_unit_seconds_as_ms);
    tcase_add_test(t, t_unit_velocity);
    tcase_add_test(t, t_unit_strain_fraction);

    t = tc(s, "api");
    tcase_add_test(t, t_large_file);
    tcase_add_test(t, t_long_cell_message);
    tcase_add_test(t, t_null_arguments);
    tcase_add_test(t, t_error_cleared_on_success);
    tcase_add_test(t, t_read_twice_same);
    tcase_add_test(t, t_normalise_name);
    tcase_add_test(t, t_parse_number_pow10);
    return s;
}


DYS_CHECK_MAIN_IN_TMPDIR(readers_suite, g_root, "/tmp/dyssync-readers-XXXXXX")
