/*
 * test_bind.c - the API for other languages (dyssync.h, "For other
 * languages") against the functions it stands in for: every option by
 * name as the CLI parses it, a study read from memory against the same
 * bytes read from a file (bit for bit), the result strings against the
 * writers' files, and the study accessors against the structs.
 *
 * Only Check's TAP output goes to stdout.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "dyssync.h"

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

static char g_root[256]; /* the run's mkdtemp root, set by main() */
static char g_dir[512];  /* this test's directory */
static dys_ctx *g_ctx;

static void setup(void)
{
    snprintf(g_dir, sizeof g_dir, "%s/tXXXXXX", g_root);
    ck_assert_msg(mkdtemp(g_dir) != NULL, "mkdtemp: %s", strerror(errno));
    g_ctx = dys_ctx_new();
    ck_assert_ptr_nonnull(g_ctx);
}

static void teardown(void)
{
    dys_ctx_free(g_ctx);
    g_ctx = NULL;
}

/* ---- helpers ------------------------------------------------------------ */

/* The whole of a file (malloc'd, NUL-terminated for convenience). */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "fopen %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = (len + 4096 + 1) * 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        size_t got = fread(buf + len, 1, 4096, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    *n = len;
    return buf;
}

/* Write n bytes to this test's directory under name; the path (static
 * buffer of the caller's). */
static void wfile(char *path, size_t cap, const char *name, const void *data, size_t n)
{
    snprintf(path, cap, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "fopen %s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

static const char *testdata(const char *rel, char *buf, size_t cap)
{
    const char *root = getenv("DYS_TESTDATA");
    ck_assert_msg(root != NULL, "DYS_TESTDATA is not set");
    snprintf(buf, cap, "%s/%s", root, rel);
    return buf;
}

static void same_array(const double *a, const double *b, size_t n, const char *what)
{
    ck_assert_msg((a == NULL) == (b == NULL), "%s: present in only one", what);
    if (a)
        ck_assert_msg(memcmp(a, b, n * sizeof *a) == 0, "%s differs", what);
}

static void same_str(const char *a, const char *b, const char *what)
{
    ck_assert_msg((a == NULL) == (b == NULL), "%s: present in only one", what);
    if (a)
        ck_assert_msg(strcmp(a, b) == 0, "%s: '%s' against '%s'", what, a, b);
}

/* Two studies read from the same bytes: every field a reader fills. */
static void same_study(const dys_study *a, const dys_study *b)
{
    same_str(a->study_id, b->study_id, "study_id");
    same_str(a->source, b->source, "source");
    ck_assert_int_eq(a->trace, b->trace);
    ck_assert(memcmp(&a->avo_ms, &b->avo_ms, sizeof a->avo_ms) == 0);
    ck_assert(memcmp(&a->avc_ms, &b->avc_ms, sizeof a->avc_ms) == 0);
    ck_assert(memcmp(&a->lvef_pct, &b->lvef_pct, sizeof a->lvef_pct) == 0);
    ck_assert(memcmp(&a->qrs_duration_ms, &b->qrs_duration_ms, sizeof a->qrs_duration_ms) == 0);
    ck_assert_int_eq(a->lbbb, b->lbbb);
    ck_assert_uint_eq(a->n_meta, b->n_meta);
    for (size_t i = 0; i < a->n_meta; i++) {
        same_str(a->meta[i].key, b->meta[i].key, "meta key");
        same_str(a->meta[i].value, b->meta[i].value, "meta value");
        same_str(a->meta[i].file, b->meta[i].file, "meta file");
        ck_assert_int_eq(a->meta[i].line, b->meta[i].line);
    }
    ck_assert_uint_eq(a->n_warnings, b->n_warnings);
    for (size_t i = 0; i < a->n_warnings; i++)
        same_str(a->warnings[i], b->warnings[i], "warning");
    ck_assert_uint_eq(a->n_rec, b->n_rec);
    for (size_t i = 0; i < a->n_rec; i++) {
        const dys_recording *x = &a->rec[i], *y = &b->rec[i];
        ck_assert_int_eq(x->view, y->view);
        same_str(x->source, y->source, "recording source");
        same_str(x->format, y->format, "format");
        ck_assert_uint_eq(x->n, y->n);
        same_array(x->t_ms, y->t_ms, x->n, "t_ms");
        same_array(x->ecg_mv, y->ecg_mv, x->n, "ecg_mv");
        for (int k = 0; k < DYS_N_SEGMENTS; k++) {
            same_array(x->seg[k], y->seg[k], x->n, dys_segment_name(k));
            ck_assert_int_eq(x->seg_line[k], y->seg_line[k]);
            ck_assert_uint_eq(x->n_dropped[k], y->n_dropped[k]);
        }
        ck_assert_uint_eq(x->n_qrs_onsets, y->n_qrs_onsets);
        same_array(x->qrs_onsets_ms, y->qrs_onsets_ms, x->n_qrs_onsets, "qrs onsets");
        ck_assert(memcmp(&x->avo_ms, &y->avo_ms, sizeof x->avo_ms) == 0);
        ck_assert(memcmp(&x->avc_ms, &y->avc_ms, sizeof x->avc_ms) == 0);
        ck_assert(memcmp(&x->frame_rate_hz, &y->frame_rate_hz, sizeof x->frame_rate_hz) == 0);
        ck_assert(memcmp(&x->cycle_ms, &y->cycle_ms, sizeof x->cycle_ms) == 0);
        ck_assert_uint_eq(x->n_extra_columns, y->n_extra_columns);
    }
}

/* ---- dys_option_set ------------------------------------------------------ */

typedef struct opt_case {
    const char *name;   /* canonical, with '-' */
    int reading;        /* a dys_read_options option */
    const char *good;
    const char *bad;
    /* whether good was set */
    int (*set)(const dys_params *p, const dys_read_options *ro);
} opt_case;

static int idx_of(const char *key)
{
    for (int i = 0; i < DYS_N_INDICES; i++)
        if (!strcmp(dys_index_get(i)->key, key))
            return i;
    return -1;
}

static int s_lowpass(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->lowpass_hz == 12.5;
}
static int s_peak(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->peak == DYS_PEAK_FIRST;
}
static int s_first(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->first_peak_fraction == 0.5;
}
static int s_sd(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->sd == DYS_SD_POPULATION;
}
static int s_avo(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->avo_ms == 40;
}
static int s_avc(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->avc_ms == 300;
}
static int s_minseg(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->min_segments_12 == 8 && p->min_segments_6 == 4;
}
static int s_lowamp(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->low_amplitude_cm_s == 2.5;
}
static int s_maxgap(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->max_gap_ms == 60;
}
static int s_ectopic(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->ectopic_rr_frac == 0.3;
}
static int s_avcest(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->avc_estimate == DYS_AVC_HEART_RATE;
}
static int s_cutoff(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->cutoff[idx_of("ts_sd_12_ms")] == 40;
}
static int s_indices(const dys_params *p, const dys_read_options *ro)
{
    (void)ro;
    return p->indices == 1ULL << idx_of("ts_sd_12_ms");
}
static int s_map(const dys_params *p, const dys_read_options *ro)
{
    (void)p;
    return ro->colour_map_set && ro->colour_map[0] == DYS_AHA_BASAL_INFERIOR &&
           ro->colour_map[1] == -2;
}
static int s_maxmb(const dys_params *p, const dys_read_options *ro)
{
    (void)p;
    return ro->max_file_bytes == (size_t)3 << 20;
}
static int s_maxrows(const dys_params *p, const dys_read_options *ro)
{
    (void)p;
    return ro->max_rows == 100;
}
static int s_qrs(const dys_params *p, const dys_read_options *ro)
{
    (void)p;
    return ro->n_qrs_onsets == 2 && ro->qrs_onsets_ms[0] == 250 &&
           ro->qrs_onsets_ms[1] == 846.15;
}
static int s_trace(const dys_params *p, const dys_read_options *ro)
{
    (void)p;
    return ro->contour_trace == DYS_CONTOUR_TRACE_VELOCITY;
}
static int s_flip(const dys_params *p, const dys_read_options *ro)
{
    (void)p;
    return ro->contour_flip == 1;
}

static const opt_case opt_cases[] = {
    {"lowpass", 0, "12.5", "x", s_lowpass},
    {"peak", 0, "first", "mid", s_peak},
    {"first-fraction", 0, "0.5", "1.5", s_first},
    {"sd", 0, "population", "n", s_sd},
    {"avo", 0, "40", "5000", s_avo},
    {"avc", 0, "300", "-500", s_avc},
    {"min-segments", 0, "8/4", "1", s_minseg},
    {"low-amplitude", 0, "2.5", "-1", s_lowamp},
    {"max-gap", 0, "60", "0", s_maxgap},
    {"ectopic-rr", 0, "0.3", "1", s_ectopic},
    {"avc-estimate", 0, "heart-rate", "ecg", s_avcest},
    {"cutoff", 0, "ts_sd_12_ms=40", "nope=3", s_cutoff},
    {"indices", 0, "ts_sd_12_ms", "bogus", s_indices},
    {"map", 1, "YELLOW=basal_inferior", "foo", s_map},
    {"max-file-mb", 1, "3", "0", s_maxmb},
    {"max-rows", 1, "100", "2", s_maxrows},
    {"qrs-onsets", 1, "250,846.15", "300,200", s_qrs},
    {"contour-trace", 1, "velocity", "doppler", s_trace},
    {"contour-flip", 1, "yes", "maybe", s_flip},
};
#define N_OPT_FORMS 3

/* Case i: option i / 3 under its form i % 3: "--name", "name",
 * "name_with_underscores". */
static void given_name(int i, char *buf, size_t cap)
{
    const opt_case *c = &opt_cases[i / N_OPT_FORMS];
    int form = i % N_OPT_FORMS;
    snprintf(buf, cap, "%s%s", form == 0 ? "--" : "", c->name);
    if (form == 2)
        for (char *p = buf; *p; p++)
            if (*p == '-')
                *p = '_';
}

START_TEST(t_option_good)
{
    const opt_case *c = &opt_cases[_i / N_OPT_FORMS];
    char name[64];
    given_name(_i, name, sizeof name);
    dys_params p;
    dys_read_options ro;
    dys_params_defaults(&p);
    dys_read_options_defaults(&ro);
    ck_assert_msg(!c->set(&p, &ro), "%s: the defaults already hold %s", name, c->good);
    dys_status st = dys_option_set(g_ctx, &p, &ro, name, c->good);
    ck_assert_msg(st == DYS_OK, "%s %s: %s", name, c->good, dys_ctx_error(g_ctx));
    ck_assert_msg(c->set(&p, &ro), "%s %s: not set", name, c->good);
    /* the other struct is untouched, and not needed */
    dys_params pd;
    dys_read_options rd;
    dys_params_defaults(&pd);
    dys_read_options_defaults(&rd);
    if (c->reading) {
        ck_assert(memcmp(&p, &pd, sizeof p) == 0);
        ck_assert_int_eq(dys_option_set(g_ctx, NULL, &rd, name, c->good), DYS_OK);
        ck_assert(c->set(&pd, &rd));
    } else {
        ck_assert(memcmp(&ro, &rd, sizeof ro) == 0);
        ck_assert_int_eq(dys_option_set(g_ctx, &pd, NULL, name, c->good), DYS_OK);
        ck_assert(c->set(&pd, &rd));
    }
}
END_TEST

START_TEST(t_option_bad)
{
    const opt_case *c = &opt_cases[_i / N_OPT_FORMS];
    char name[64];
    given_name(_i, name, sizeof name);
    dys_params p, p0;
    dys_read_options ro, ro0;
    dys_params_defaults(&p);
    dys_read_options_defaults(&ro);
    memcpy(&p0, &p, sizeof p);
    memcpy(&ro0, &ro, sizeof ro);
    dys_status st = dys_option_set(g_ctx, &p, &ro, name, c->bad);
    ck_assert_int_eq(st, DYS_ERR_INVALID);
    const char *msg = dys_ctx_error(g_ctx);
    size_t n = strlen(name);
    /* named as given: "--x takes", "x takes", "x_y: ..." */
    ck_assert_msg(!strncmp(msg, name, n) && (msg[n] == ' ' || msg[n] == ':'),
                  "%s %s: message '%s' does not start with the name", name, c->bad, msg);
    /* a bad value changes nothing */
    ck_assert_msg(memcmp(&p, &p0, sizeof p) == 0, "%s: params changed", name);
    ck_assert_msg(memcmp(&ro, &ro0, sizeof ro) == 0, "%s: read options changed", name);
    /* the struct it needs, NULL */
    st = c->reading ? dys_option_set(g_ctx, &p, NULL, name, c->good)
                    : dys_option_set(g_ctx, NULL, &ro, name, c->good);
    ck_assert_int_eq(st, DYS_ERR_INVALID);
    msg = dys_ctx_error(g_ctx);
    ck_assert_msg(!strncmp(msg, name, n) && strstr(msg, "NULL"), "NULL struct: '%s'", msg);
    /* a NULL value: only the flag goes without one */
    st = dys_option_set(g_ctx, &p, &ro, name, NULL);
    if (!strcmp(c->name, "contour-flip")) {
        ck_assert_int_eq(st, DYS_OK);
        ck_assert_int_eq(ro.contour_flip, 1);
    } else {
        ck_assert_int_eq(st, DYS_ERR_INVALID);
        msg = dys_ctx_error(g_ctx);
        ck_assert_msg(!strncmp(msg, name, n) && strstr(msg, "value"), "NULL value: '%s'",
                      msg);
        ck_assert(memcmp(&p, &p0, sizeof p) == 0);
    }
}
END_TEST

/* The CLI's messages, word for word, when the name is "--name"; the bare
 * name in the same message otherwise. */
START_TEST(t_option_messages)
{
    static const struct {
        const char *name, *value, *msg;
    } m[] = {
        {"--lowpass", "x", "--lowpass takes a cut-off in Hz, auto or off"},
        {"lowpass", "x", "lowpass takes a cut-off in Hz, auto or off"},
        {"--avc", "x", "--avc takes a time in ms from QRS onset"},
        {"--min-segments", "13", "--min-segments takes N12 or N12/N6 (2..12 and 2..6)"},
        {"--cutoff", "global_strain_peak_pct=3",
         "--cutoff: global_strain_peak_pct is not a dyssynchrony index; no cut-off "
         "classifies it"},
        {"cutoff", "x", "cutoff takes INDEX=VALUE with an index key (ts_sd_12_ms, ...) and "
                        "a value >= 0"},
        {"--max-file-mb", "0", "--max-file-mb takes a whole number of MiB (1..1048576)"},
        {"--qrs-onsets", "1,", "--qrs-onsets takes increasing times in ms separated by "
                               "commas, e.g. 250,846.15"},
        {"--map", "x", "--map: 'x': expected COLOUR=segment"},
        {"map", "x", "map: 'x': expected COLOUR=segment"},
        {"indices", "x", "indices: 'x' is neither an index family (ts, ts_variants, to, "
                         "xcorr, cycle, strain, lbbb, global, work, doppler, rocking, or "
                         "all) nor an index key (ts_sd_12_ms, ...: docs/indices.md)"},
        {"xyz", "1", "unknown option 'xyz'"},
        {"--xyz", "1", "unknown option '--xyz'"},
        {"", "1", "unknown option ''"},
        {"-lowpass", "1", "unknown option '-lowpass'"},
    };
    dys_params p;
    dys_read_options ro;
    dys_params_defaults(&p);
    dys_read_options_defaults(&ro);
    for (int i = 0; i < N_ELEMS(m); i++) {
        ck_assert_int_eq(dys_option_set(g_ctx, &p, &ro, m[i].name, m[i].value),
                         DYS_ERR_INVALID);
        ck_assert_str_eq(dys_ctx_error(g_ctx), m[i].msg);
    }
    /* the flag cleared again, and a cut-off per index */
    ck_assert_int_eq(dys_option_set(g_ctx, &p, &ro, "contour_flip", "true"), DYS_OK);
    ck_assert_int_eq(ro.contour_flip, 1);
    ck_assert_int_eq(dys_option_set(g_ctx, &p, &ro, "contour_flip", "no"), DYS_OK);
    ck_assert_int_eq(ro.contour_flip, 0);
    ck_assert_int_eq(dys_option_set(g_ctx, &p, &ro, "cutoff", "ts_sd_12_ms=30"), DYS_OK);
    ck_assert_int_eq(dys_option_set(g_ctx, &p, &ro, "cutoff", "to_sd_12_ms=50"), DYS_OK);
    ck_assert(p.cutoff[idx_of("ts_sd_12_ms")] == 30 && p.cutoff[idx_of("to_sd_12_ms")] == 50);
    ck_assert_int_eq(dys_option_set(g_ctx, &p, &ro, NULL, "1"), DYS_ERR_INVALID);
}
END_TEST

START_TEST(t_new_free)
{
    dys_params *p = dys_params_new(), d;
    dys_read_options *o = dys_read_options_new(), od;
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(o);
    dys_params_defaults(&d);
    dys_read_options_defaults(&od);
    ck_assert(memcmp(p, &d, sizeof d) == 0);
    ck_assert(memcmp(o, &od, sizeof od) == 0);
    dys_params_free(p);
    dys_read_options_free(o);
    dys_params_free(NULL);
    dys_read_options_free(NULL);
    dys_free(NULL);
}
END_TEST

/* ---- dys_study_read_memory ---------------------------------------------- */

static const char *const mem_files[] = {"studies/lbbb_single.csv",
                                        "studies/echopac_a4c_velocity.txt"};

START_TEST(t_memory_equals_file)
{
    char src[1024], path[1024];
    size_t n;
    char *data = slurp(testdata(mem_files[_i], src, sizeof src), &n);
    const char *base = strrchr(mem_files[_i], '/') + 1;
    wfile(path, sizeof path, base, data, n);
    dys_study *a = NULL, *b = NULL;
    ck_assert_msg(dys_study_read(g_ctx, path, NULL, &a) == DYS_OK, "%s",
                  dys_ctx_error(g_ctx));
    /* not NUL-terminated: a byte after the end that would break a reader */
    char *copy = malloc(n + 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, data, n);
    copy[n] = '#';
    ck_assert_msg(dys_study_read_memory(g_ctx, path, copy, n, NULL, &b) == DYS_OK, "%s",
                  dys_ctx_error(g_ctx));
    same_study(a, b);
    dys_study_free(b);
    /* with options: given QRS onsets replace the file's in both */
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    ck_assert_int_eq(dys_option_set(g_ctx, NULL, &ro, "qrs-onsets", "5"), DYS_OK);
    dys_study_free(a);
    ck_assert_int_eq(dys_study_read(g_ctx, path, &ro, &a), DYS_OK);
    ck_assert_int_eq(dys_study_read_memory(g_ctx, path, copy, n, &ro, &b), DYS_OK);
    ck_assert_uint_eq(b->rec[0].n_qrs_onsets, 1);
    same_study(a, b);
    dys_study_free(a);
    dys_study_free(b);
    free(copy);
    free(data);
}
END_TEST

/* A study without study_id is named after name, as after a path. */
START_TEST(t_memory_name)
{
    char src[1024];
    size_t n;
    char *data = slurp(testdata("studies/lbbb_single.csv", src, sizeof src), &n);
    /* drop the study_id line */
    char *body = strchr(data, '\n') + 1;
    dys_study *s = NULL;
    ck_assert_msg(dys_study_read_memory(g_ctx, "some/dir/P07.v2.csv", body,
                                        n - (size_t)(body - data), NULL, &s) == DYS_OK,
                  "%s", dys_ctx_error(g_ctx));
    ck_assert_str_eq(s->study_id, "P07.v2");
    ck_assert_str_eq(s->source, "some/dir/P07.v2.csv");
    ck_assert_str_eq(s->rec[0].source, "some/dir/P07.v2.csv");
    dys_study_free(s);
    free(data);
}
END_TEST

/* Broken bytes: the same status and message from memory as from a file
 * of that name, "name:line:col: ..." where the input names a place. */
static const struct {
    const char *what;
    const char *data;
    size_t len;
    int placed; /* the message names line and column */
} broken[] = {
#define BROKEN(what, lit, placed) {what, lit, sizeof lit - 1, placed}
    BROKEN("times not increasing", "time_ms,basal_septal\n0,1\n10,2\n10,3\n", 1),
    BROKEN("NUL byte", "time_ms,basal_septal\n0,1\n1\0,2\n", 1),
    BROKEN("UTF-16", "\xFF\xFEt\0i\0", 1),
    BROKEN("bad UTF-8", "time_ms,basal_septal\n0,1\xC3\n", 1),
    BROKEN("empty", "", 0),
    BROKEN("no segment", "time_ms,foo\n0,1\n10,2\n20,3\n", 0),
#undef BROKEN
};

START_TEST(t_memory_errors)
{
    char path[1024];
    wfile(path, sizeof path, "broken.csv", broken[_i].data, broken[_i].len);
    dys_study *s = NULL;
    dys_status want = dys_study_read(g_ctx, path, NULL, &s);
    ck_assert_msg(want != DYS_OK, "%s: read", broken[_i].what);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", dys_ctx_error(g_ctx));
    dys_status got = dys_study_read_memory(g_ctx, path, broken[_i].data, broken[_i].len,
                                           NULL, &s);
    ck_assert_int_eq(got, want);
    ck_assert_ptr_null(s);
    ck_assert_str_eq(dys_ctx_error(g_ctx), msg);
    /* and under a name that is no file */
    got = dys_study_read_memory(g_ctx, "mem/x.csv", broken[_i].data, broken[_i].len, NULL,
                                &s);
    ck_assert_int_eq(got, want);
    const char *m = dys_ctx_error(g_ctx);
    int line = 0, col = 0;
    if (broken[_i].placed)
        ck_assert_msg(sscanf(m, "mem/x.csv:%d:%d: ", &line, &col) == 2 && line > 0 &&
                          col > 0,
                      "%s: '%s'", broken[_i].what, m);
    else
        ck_assert_msg(!strncmp(m, "mem/x.csv", 9), "%s: '%s'", broken[_i].what, m);
}
END_TEST

START_TEST(t_memory_xml_refused)
{
    static const char *const xml[] = {"<?xml version=\"1.0\"?><Workbook/>",
                                      "\xEF\xBB\xBF  \n<Workbook>"};
    for (int i = 0; i < N_ELEMS(xml); i++) {
        dys_study *s = NULL;
        ck_assert_int_eq(
            dys_study_read_memory(g_ctx, "w.xml", xml[i], strlen(xml[i]), NULL, &s),
            DYS_ERR_UNSUPPORTED);
        ck_assert_ptr_null(s);
        const char *m = dys_ctx_error(g_ctx);
        ck_assert_msg(!strncmp(m, "w.xml: ", 7) && strstr(m, "dys_study_read") &&
                          strstr(m, "file"),
                      "'%s'", m);
    }
}
END_TEST

START_TEST(t_memory_size_limit)
{
    char src[1024], path[1024];
    size_t n;
    char *data = slurp(testdata("studies/lbbb_single.csv", src, sizeof src), &n);
    wfile(path, sizeof path, "big.csv", data, n);
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    ro.max_file_bytes = n - 1;
    dys_study *s = NULL;
    ck_assert_int_eq(dys_study_read(g_ctx, path, &ro, &s), DYS_ERR_UNSUPPORTED);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", dys_ctx_error(g_ctx));
    ck_assert_int_eq(dys_study_read_memory(g_ctx, path, data, n, &ro, &s),
                     DYS_ERR_UNSUPPORTED);
    ck_assert_str_eq(dys_ctx_error(g_ctx), msg);
    ck_assert_ptr_nonnull(strstr(msg, "larger than the limit"));
    /* exactly at the limit: read */
    ro.max_file_bytes = n;
    ck_assert_int_eq(dys_study_read_memory(g_ctx, path, data, n, &ro, &s), DYS_OK);
    dys_study_free(s);
    /* NULL arguments: refused, no crash */
    ck_assert_int_eq(dys_study_read_memory(g_ctx, NULL, data, n, NULL, &s), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_study_read_memory(g_ctx, "x", NULL, 3, NULL, &s), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_study_read_memory(g_ctx, "x", data, n, NULL, NULL), DYS_ERR_INVALID);
    free(data);
}
END_TEST

/* ---- result strings ------------------------------------------------------- */

/* What a writer writes for r into a file, read back. */
static char *via_file(dys_status (*write)(dys_ctx *, FILE *, const dys_result *),
                      const dys_result *r)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/out", g_dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(write(g_ctx, f, r), DYS_OK);
    ck_assert_int_eq(fclose(f), 0);
    size_t n;
    return slurp(path, &n);
}

START_TEST(t_result_strings)
{
    char src[1024];
    dys_study *s = NULL;
    dys_result *r = NULL;
    ck_assert_int_eq(dys_study_read(g_ctx, testdata(mem_files[_i], src, sizeof src), NULL, &s),
                     DYS_OK);
    dys_params p;
    dys_params_defaults(&p);
    ck_assert_msg(dys_analyze(g_ctx, s, &p, &r) == DYS_OK, "%s", dys_ctx_error(g_ctx));

    char *file = via_file(dys_write_json, r);
    char *str = dys_result_json(g_ctx, r);
    ck_assert_ptr_nonnull(str);
    size_t n = strlen(file);
    /* the file's line, without its newline */
    ck_assert(n > 2 && file[n - 1] == '\n' && file[n - 2] == '}');
    ck_assert_uint_eq(strlen(str), n - 1);
    ck_assert(memcmp(str, file, n - 1) == 0);
    dys_free(str);
    free(file);

    file = via_file(dys_write_text, r);
    str = dys_result_text(g_ctx, r);
    ck_assert_ptr_nonnull(str);
    ck_assert_uint_gt(strlen(file), 100);
    ck_assert_str_eq(str, file);
    dys_free(str);
    free(file);

    ck_assert_ptr_null(dys_result_json(g_ctx, NULL));
    ck_assert_str_ne(dys_ctx_error(g_ctx), "");
    ck_assert_ptr_null(dys_result_text(g_ctx, NULL));
    dys_result_free(r);
    dys_study_free(s);
}
END_TEST

/* ---- accessors -------------------------------------------------------------- */

START_TEST(t_accessors)
{
    char src[1024];
    dys_study *s = NULL;
    ck_assert_int_eq(dys_study_read(g_ctx, testdata(mem_files[_i], src, sizeof src), NULL, &s),
                     DYS_OK);
    ck_assert_ptr_eq(dys_study_id(s), s->study_id);
    ck_assert_int_eq(dys_study_trace(s), (int)s->trace);
    ck_assert_uint_eq(dys_study_recordings(s), s->n_rec);
    ck_assert_uint_ge(s->n_rec, 1);
    for (size_t i = 0; i < s->n_rec; i++) {
        const dys_recording *rec = &s->rec[i];
        ck_assert_str_eq(dys_study_view(s, i), dys_view_name(rec->view));
        ck_assert_ptr_eq(dys_study_source(s, i), rec->source);
        ck_assert_uint_eq(dys_study_samples(s, i), rec->n);
        ck_assert_ptr_eq(dys_study_time(s, i), rec->t_ms);
        ck_assert_ptr_eq(dys_study_ecg(s, i), rec->ecg_mv);
        int present = 0;
        for (int k = 0; k < DYS_N_SEGMENTS; k++) {
            ck_assert_ptr_eq(dys_study_curve(s, i, k), rec->seg[k]);
            present += rec->seg[k] != NULL;
        }
        ck_assert_int_gt(present, 0);
        ck_assert_ptr_null(dys_study_curve(s, i, -1));
        ck_assert_ptr_null(dys_study_curve(s, i, DYS_N_SEGMENTS));
    }
    size_t out = s->n_rec;
    ck_assert_ptr_null(dys_study_view(s, out));
    ck_assert_ptr_null(dys_study_source(s, out));
    ck_assert_uint_eq(dys_study_samples(s, out), 0);
    ck_assert_ptr_null(dys_study_time(s, out));
    ck_assert_ptr_null(dys_study_curve(s, out, 0));
    ck_assert_ptr_null(dys_study_ecg(s, out));
    ck_assert_ptr_null(dys_study_time(s, (size_t)-1));
    ck_assert_ptr_null(dys_study_id(NULL));
    ck_assert_int_eq(dys_study_trace(NULL), 0);
    ck_assert_uint_eq(dys_study_recordings(NULL), 0);
    ck_assert_ptr_null(dys_study_view(NULL, 0));
    ck_assert_ptr_null(dys_study_source(NULL, 0));
    ck_assert_uint_eq(dys_study_samples(NULL, 0), 0);
    ck_assert_ptr_null(dys_study_time(NULL, 0));
    ck_assert_ptr_null(dys_study_curve(NULL, 0, 0));
    ck_assert_ptr_null(dys_study_ecg(NULL, 0));
    dys_study_free(s);
}
END_TEST

/* ---- the suite ---------------------------------------------------------------- */

static TCase *tc(Suite *s, const char *name)
{
    TCase *t = tcase_create(name);
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return t;
}

static Suite *bind_suite(void)
{
    Suite *s = suite_create("bind");
    int n_opt = N_ELEMS(opt_cases) * N_OPT_FORMS;
    TCase *t = tc(s, "options");
    tcase_add_loop_test(t, t_option_good, 0, n_opt);
    tcase_add_loop_test(t, t_option_bad, 0, n_opt);
    tcase_add_test(t, t_option_messages);
    tcase_add_test(t, t_new_free);
    t = tc(s, "memory");
    tcase_add_loop_test(t, t_memory_equals_file, 0, N_ELEMS(mem_files));
    tcase_add_test(t, t_memory_name);
    tcase_add_loop_test(t, t_memory_errors, 0, N_ELEMS(broken));
    tcase_add_test(t, t_memory_xml_refused);
    tcase_add_test(t, t_memory_size_limit);
    t = tc(s, "results");
    tcase_add_loop_test(t, t_result_strings, 0, N_ELEMS(mem_files));
    tcase_add_loop_test(t, t_accessors, 0, N_ELEMS(mem_files));
    return s;
}


DYS_CHECK_MAIN_IN_TMPDIR(bind_suite, g_root, "/tmp/dyssync-bind-XXXXXX")
