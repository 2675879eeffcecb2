/*
 * test_contour.c - GE EchoPAC full-trace contours: the reader
 * (engine/io/read_contour.c) on the two real exports of testdata/contours/
 * and on the hostile corpus of tests/hostile_contour/, and the geometry
 * (engine/contour.c) against what is known exactly:
 *  - the published global strains of the real files with their authors'
 *    hand-marked events (-14.8 % and -12.1 %, within 0.3 point);
 *  - the markers' convention recomputed here from its definition, from
 *    the raw knots (must agree to rounding), and by st-postprocess's own
 *    variant, which drift-corrects the knots' positions instead of the
 *    strain (must agree within 0.5 point);
 *  - synthetic contours whose strain is imposed: a uniform contraction
 *    (every piece's strain is the imposed one), one piece shortening
 *    alone (only it strains), a rigid translation (displacement and
 *    velocity along each wall known in closed form);
 *  - identities any contour obeys: the pieces add up to the whole, the
 *    global strain is their length-weighted mean;
 *  - the exports read as studies (io/contour_study.c): the recording holds
 *    the geometry's curves, the analysis gives the global strain peak by
 *    the markers and, with the hand-marked events given as QRS onsets, the
 *    published values; velocity studies, given onsets a contour cannot
 *    take, directories of views by View= and ID=.
 * The measured numbers are printed on stderr (meson's test log) so the
 * report can quote them.
 */
#include "contour.h"
#include "study_internal.h"

#include "check_main.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *data_dir(void)
{
    const char *d = getenv("DYS_TESTDATA");
    return d ? d : "testdata";
}

static char *path_of(const char *sub, const char *name)
{
    char *p = dys_asprintf("%s/%s/%s", data_dir(), sub, name);
    ck_assert_ptr_nonnull(p);
    return p;
}

static dys_contour *read_ok(const char *sub, const char *name)
{
    dys_ctx *ctx = dys_ctx_new();
    dys_read_options o;
    dys_read_options_defaults(&o);
    char *p = path_of(sub, name);
    dys_contour *c = NULL;
    dys_status st = dys_contour_read(ctx, p, &o, &c);
    ck_assert_msg(st == DYS_OK, "%s: %s", p, dys_ctx_error(ctx));
    free(p);
    dys_ctx_free(ctx);
    return c;
}

/* ---- the real files ---------------------------------------------------- */

static const struct real {
    const char *file;
    dys_contour_view view;
    int closed, repeats;
    double fr, left, right, es;
    size_t frames, knots;
    const char *id;
    double first[2], last[2];      /* frame 0's first and last knots */
    double end_first[2];           /* the last frame's first knot */
    size_t qrs, next_qrs;          /* hand-marked events, 0-based */
    double published;              /* peak global strain, % */
    size_t marker_ref, marker_drift;
} reals[] = {
    {"VOL_0001_OFF_4CH.CSV", DYS_CONTOUR_4CH, 0, 0, 52, 0.23, 0.822, 0.402, 64, 67, "VOL01",
     {-11.25, 91.78}, {43.63, 83.08}, {-14.55, 90.64}, 13, 44, -14.8, 12, 43},
    {"SUB_0014_POST_SAX.CSV", DYS_CONTOUR_SAX_PM, 1, 1, 79, 0.441, 1.514, 0.504, 167, 75,
     "SUB14", {-5.76, 46.18}, {-5.76, 46.18}, {-9.29, 50.42}, 36, 121, -12.1, 35, 120},
};

START_TEST(t_real_read)
{
    const struct real *e = &reals[_i];
    dys_contour *c = read_ok("contours", e->file);
    ck_assert_int_eq(c->view, e->view);
    ck_assert_int_eq(c->closed, e->closed);
    ck_assert_int_eq(c->repeats_first, e->repeats);
    ck_assert_double_eq(c->frame_rate_hz, e->fr);
    ck_assert_double_eq(c->left_marker_s, e->left);
    ck_assert_double_eq(c->right_marker_s, e->right);
    ck_assert_double_eq(c->es_time_s, e->es);
    ck_assert_uint_eq(c->n_frames, e->frames);
    ck_assert_uint_eq(c->n_knots, e->knots);
    ck_assert_uint_eq(dys_contour_knots(c), e->knots - (size_t)e->repeats);
    ck_assert_str_eq(c->id, e->id);
    const double *f0 = c->xy, *fl = c->xy + 2 * (c->n_frames - 1) * c->n_knots;
    ck_assert_double_eq(f0[0], e->first[0]);
    ck_assert_double_eq(f0[1], e->first[1]);
    ck_assert_double_eq(f0[2 * (c->n_knots - 1)], e->last[0]);
    ck_assert_double_eq(f0[2 * (c->n_knots - 1) + 1], e->last[1]);
    ck_assert_double_eq(fl[0], e->end_first[0]);
    ck_assert_double_eq(fl[1], e->end_first[1]);
    size_t ref, drift;
    dys_contour_marker_frames(c, &ref, &drift);
    ck_assert_uint_eq(ref, e->marker_ref);
    ck_assert_uint_eq(drift, e->marker_drift);
    ck_assert_double_eq_tol(dys_contour_frame_ms(c, 26), 26000.0 / e->fr, 1e-9);
    dys_contour_free(c);
}
END_TEST

/* Recognised by content: the contours, also with their first lines
 * damaged; the study formats are not. */
START_TEST(t_recognition)
{
    static const struct {
        const char *sub, *file;
        int is;
    } cases[] = {
        {"contours", "VOL_0001_OFF_4CH.CSV", 1},
        {"contours", "SUB_0014_POST_SAX.CSV", 1},
        {"../tests/hostile_contour", "missing_view.CSV", 1},
        {"../tests/hostile_contour", "valid_sax.CSV", 1},
        {"studies", "lbbb_single.csv", 0},
        {"studies", "echopac_a4c_velocity.txt", 0},
        {"info", "echopac_a4c_strain.txt", 0},
        {"contours", "README.md", 0},
        {"contours", "no_such_file.CSV", 0},
    };
    for (int i = 0; i < N_ELEMS(cases); i++) {
        char *p = path_of(cases[i].sub, cases[i].file);
        ck_assert_msg(dys_file_is_contour(p) == cases[i].is, "%s: expected %d", p, cases[i].is);
        free(p);
    }
}
END_TEST

/* The published peaks, with the data author's hand-marked QRS onsets as
 * reference and drift-correction frames. */
START_TEST(t_published_global_strain)
{
    const struct real *e = &reals[_i];
    dys_contour *c = read_ok("contours", e->file);
    dys_ctx *ctx = dys_ctx_new();
    double *s = calloc(c->n_frames, sizeof *s);
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, e->qrs, e->next_qrs, s), DYS_OK);
    size_t at;
    double peak = dys_contour_peak(s, e->qrs, e->next_qrs, &at);
    fprintf(stderr, "# %s: peak global strain %.3f %% at frame %zu (events %zu-%zu), "
                    "published %.1f %%\n", e->file, peak, at, e->qrs, e->next_qrs, e->published);
    ck_assert_msg(fabs(peak - e->published) <= 0.3, "%s: peak %.3f %%, published %.1f %%",
                  e->file, peak, e->published);
    ck_assert_double_eq_tol(s[e->qrs], 0.0, 1e-12);
    ck_assert_double_eq_tol(s[e->next_qrs], 0.0, 1e-12);
    free(s);
    dys_ctx_free(ctx);
    dys_contour_free(c);
}
END_TEST

/* ---- an independent computation of the convention ---------------------- */

/* Length of frame f from the raw knots, written from the definition
 * (closing side for a ring; its repeated knot detected here again). */
static double raw_length(const dys_contour *c, size_t f, const double *xy)
{
    size_t n = c->n_knots;
    const double *p = xy + 2 * f * n;
    int ring = dys_contour_view_is_sax(c->view);
    if (ring && p[0] == p[2 * (n - 1)] && p[1] == p[2 * (n - 1) + 1])
        n--; /* the closing knot is the first again */
    double l = 0;
    for (size_t k = 0; k + 1 < n; k++)
        l += sqrt((p[2 * k + 2] - p[2 * k]) * (p[2 * k + 2] - p[2 * k]) +
                  (p[2 * k + 3] - p[2 * k + 1]) * (p[2 * k + 3] - p[2 * k + 1]));
    if (ring)
        l += sqrt((p[0] - p[2 * n - 2]) * (p[0] - p[2 * n - 2]) +
                  (p[1] - p[2 * n - 1]) * (p[1] - p[2 * n - 1]));
    return l;
}

/* Peak of the markers' convention computed two ways outside the engine:
 * the definition itself (strain, then strain drift-corrected), and
 * st-postprocess's getSTdataXY (knots drift-corrected, then strain). */
START_TEST(t_markers_independent)
{
    const struct real *e = &reals[_i];
    dys_contour *c = read_ok("contours", e->file);
    dys_ctx *ctx = dys_ctx_new();
    size_t n = c->n_frames;
    /* the nearest frames to the markers, from the header's times */
    size_t a = (size_t)lround(c->left_marker_s * c->frame_rate_hz);
    size_t b = (size_t)lround(c->right_marker_s * c->frame_rate_hz);
    size_t ref, drift;
    dys_contour_marker_frames(c, &ref, &drift);
    ck_assert_uint_eq(a, ref);
    ck_assert_uint_eq(b, drift);
    double *engine = calloc(n, sizeof *engine), *def = calloc(n, sizeof *def);
    double *moved = calloc(2 * n * c->n_knots, sizeof *moved);
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, ref, drift, engine), DYS_OK);
    double l0 = raw_length(c, a, c->xy), lb = raw_length(c, b, c->xy), worst = 0;
    for (size_t k = 0; k < n; k++) {
        double raw = 100.0 * (raw_length(c, k, c->xy) - l0) / l0;
        def[k] = raw - 100.0 * (lb - l0) / l0 * ((double)k - (double)a) / (double)(b - a);
        worst = fmax(worst, fabs(def[k] - engine[k]));
    }
    /* st-postprocess: each knot moved back linearly so that it is where it
     * was at the reference frame when the drift frame comes */
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < 2 * c->n_knots; j++) {
            double at_a = c->xy[2 * a * c->n_knots + j], at_b = c->xy[2 * b * c->n_knots + j];
            moved[2 * k * c->n_knots + j] = c->xy[2 * k * c->n_knots + j] -
                (at_b - at_a) * ((double)k - (double)a) / (double)(b - a);
        }
    double m0 = raw_length(c, a, moved), pk_pos = INFINITY;
    for (size_t k = a; k <= b; k++)
        pk_pos = fmin(pk_pos, 100.0 * (raw_length(c, k, moved) - m0) / m0);
    double pk_engine = dys_contour_peak(engine, a, b, NULL);
    double pk_def = dys_contour_peak(def, a, b, NULL);
    fprintf(stderr, "# %s: markers (frames %zu-%zu): engine peak %.4f %%, definition "
                    "recomputed %.4f %% (largest difference over all frames %.2g), "
                    "st-postprocess position drift correction %.4f %% (difference %.3f)\n",
            e->file, a, b, pk_engine, pk_def, worst, pk_pos, pk_engine - pk_pos);
    ck_assert_msg(worst < 1e-9, "%s: the definition differs by %g", e->file, worst);
    ck_assert_msg(fabs(pk_engine - pk_pos) < 0.5, "%s: engine %.3f, st-postprocess %.3f",
                  e->file, pk_engine, pk_pos);
    free(engine);
    free(def);
    free(moved);
    dys_ctx_free(ctx);
    dys_contour_free(c);
}
END_TEST

/* On the real files: the pieces partition the contour in every frame, are
 * of equal length at the reference frame, and the global strain is the
 * length-weighted mean of their strains. */
START_TEST(t_pieces_partition)
{
    const struct real *e = &reals[_i];
    dys_contour *c = read_ok("contours", e->file);
    dys_ctx *ctx = dys_ctx_new();
    size_t n = c->n_frames;
    dys_contour_cuts cuts;
    ck_assert_int_eq(dys_contour_cut(ctx, c, e->qrs, 0, &cuts), DYS_OK);
    for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++)
        ck_assert(cuts.u[i] < cuts.u[i + 1]);
    double *g = calloc(n, sizeof *g), *ps = calloc(6 * n, sizeof *ps);
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, e->qrs, e->next_qrs, g), DYS_OK);
    ck_assert_int_eq(dys_contour_piece_strain(ctx, c, &cuts, e->next_qrs, ps), DYS_OK);
    double l0 = dys_contour_length(c, e->qrs);
    for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++)
        ck_assert_double_eq_tol(dys_contour_piece_length(c, &cuts, i, e->qrs), l0 / 6, 1e-9);
    for (size_t k = 0; k < n; k++) {
        double sum = 0, mean = 0;
        for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++) {
            sum += dys_contour_piece_length(c, &cuts, i, k);
            mean += ps[(size_t)i * n + k] / 6; /* equal weights: equal lengths at ref */
        }
        ck_assert_double_eq_tol(sum, dys_contour_length(c, k), 1e-9);
        ck_assert_double_eq_tol(mean, g[k], 1e-9);
    }
    dys_contour_segment seg[6];
    dys_contour_name_pieces(c, e->qrs, 0, seg);
    for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++)
        fprintf(stderr, "# %s: %-22s peak strain %6.2f %%\n", e->file, seg[i].name,
                dys_contour_peak(ps + (size_t)i * n, e->qrs, e->next_qrs, NULL));
    free(g);
    free(ps);
    dys_ctx_free(ctx);
    dys_contour_free(c);
}
END_TEST

/* ---- synthetic contours ------------------------------------------------ */

static dys_contour *make(dys_contour_view view, size_t frames, size_t knots, int repeats)
{
    dys_contour *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->source = dys_strdup("synthetic");
    c->id = dys_strdup("");
    c->view = view;
    c->closed = dys_contour_view_is_sax(view);
    c->repeats_first = repeats;
    c->frame_rate_hz = 50;
    c->left_marker_s = 0;
    c->right_marker_s = (double)(frames - 1) / 50;
    c->es_time_s = c->right_marker_s / 3;
    c->n_frames = frames;
    c->n_knots = knots;
    c->xy = calloc(2 * frames * knots, sizeof *c->xy);
    ck_assert_ptr_nonnull(c->xy);
    return c;
}

static double *xy(dys_contour *c, size_t f, size_t k)
{
    return c->xy + 2 * (f * c->n_knots + k);
}

/* A V-shaped apical wall of 61 knots equally spaced: knot 0 the left base
 * (-20, 100), knot 30 the apex (0, 10), knot 60 the right base (20, 100),
 * so that the equal-arc cuts fall exactly on knots 10, 20, ... 50. */
static void v_wall(double p[2], size_t k)
{
    double t = k <= 30 ? (double)k / 30 : (double)(60 - k) / 30;
    p[0] = (k <= 30 ? -20.0 : 20.0) * (1 - t);
    p[1] = 100.0 - 90.0 * t;
}

static double imposed(size_t k, size_t n)
{
    return -0.15 * sin(M_PI * (double)k / (double)(n - 1)); /* 0 at both ends */
}

/* Every knot scaled about a point by 1 + e(k) + d(k), d a tracking drift
 * growing linearly to 0.5 % at the drift frame: every length scales by
 * the same factor, so every piece's strain and the global strain are
 * 100 e(k) once the drift is corrected. */
START_TEST(t_uniform_contraction)
{
    /* a V wall; a ring closed by repeating its first knot; a ring not */
    static const struct {
        dys_contour_view view;
        int repeats;
    } kinds[] = {{DYS_CONTOUR_4CH, 0}, {DYS_CONTOUR_SAX_PM, 1}, {DYS_CONTOUR_SAX_MV, 0}};
    size_t n = 31, nk = 61;
    dys_contour *c = make(kinds[_i].view, n, nk, kinds[_i].repeats);
    /* a ring's distinct knots go round an ellipse: 60 and the first
     * again, or 61 */
    double round = kinds[_i].repeats ? 60 : 61;
    for (size_t f = 0; f < n; f++) {
        double scale = 1 + imposed(f, n) + 0.005 * (double)f / (double)(n - 1);
        for (size_t k = 0; k < nk; k++) {
            double p[2], a = 2 * M_PI * fmod((double)k, round) / round;
            if (c->closed) {
                p[0] = 25 * cos(a);
                p[1] = 50 + 18 * sin(a);
            } else {
                v_wall(p, k);
            }
            xy(c, f, k)[0] = 3 + (p[0] - 3) * scale;
            xy(c, f, k)[1] = 40 + (p[1] - 40) * scale;
        }
    }
    dys_ctx *ctx = dys_ctx_new();
    double g[31], ps[6 * 31];
    dys_contour_cuts cuts;
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, 0, n - 1, g), DYS_OK);
    ck_assert_int_eq(dys_contour_cut(ctx, c, 0, 7 % dys_contour_knots(c), &cuts), DYS_OK);
    ck_assert_int_eq(dys_contour_piece_strain(ctx, c, &cuts, n - 1, ps), DYS_OK);
    /* every length is its frame-0 length times 1 + e + d, so the strain
     * is 100 (e + d), and d, linear in time and 0.5 at the drift frame,
     * is what the drift correction removes */
    for (size_t f = 0; f < n; f++) {
        ck_assert_double_eq_tol(g[f], 100 * imposed(f, n), 1e-9);
        for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++)
            ck_assert_double_eq_tol(ps[(size_t)i * n + f], 100 * imposed(f, n), 1e-9);
    }
    dys_contour_free(c);
    dys_ctx_free(ctx);
}
END_TEST

/* Only piece p (knots 10p..10p+10 of the V wall) shortens by e(k): the
 * knots inside it are scaled towards its first knot, those after it
 * translated with its end.  Its strain is 100 e, the others' 0, the
 * global strain 100 e / 6. */
START_TEST(t_one_piece_shortens)
{
    size_t n = 21, nk = 61, first = 10 * (size_t)_i, end = first + 10;
    dys_contour *c = make(DYS_CONTOUR_4CH, n, nk, 0);
    for (size_t f = 0; f < n; f++) {
        double e = imposed(f, n), p0[2], pe[2], moved_end[2];
        v_wall(p0, first);
        v_wall(pe, end);
        moved_end[0] = p0[0] + (pe[0] - p0[0]) * (1 + e);
        moved_end[1] = p0[1] + (pe[1] - p0[1]) * (1 + e);
        for (size_t k = 0; k < nk; k++) {
            double p[2];
            v_wall(p, k);
            if (k > first && k <= end) {
                p[0] = p0[0] + (p[0] - p0[0]) * (1 + e);
                p[1] = p0[1] + (p[1] - p0[1]) * (1 + e);
            } else if (k > end) {
                p[0] += moved_end[0] - pe[0];
                p[1] += moved_end[1] - pe[1];
            }
            xy(c, f, k)[0] = p[0];
            xy(c, f, k)[1] = p[1];
        }
    }
    dys_ctx *ctx = dys_ctx_new();
    double g[21], ps[6 * 21];
    dys_contour_cuts cuts;
    ck_assert_int_eq(dys_contour_cut(ctx, c, 0, 0, &cuts), DYS_OK);
    for (int i = 0; i <= DYS_CONTOUR_N_PIECES; i++)
        ck_assert_double_eq_tol(cuts.u[i], 10.0 * i, 1e-9);
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, 0, n - 1, g), DYS_OK);
    ck_assert_int_eq(dys_contour_piece_strain(ctx, c, &cuts, n - 1, ps), DYS_OK);
    for (size_t f = 0; f < n; f++) {
        ck_assert_double_eq_tol(g[f], 100 * imposed(f, n) / 6, 1e-9);
        for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++)
            ck_assert_double_eq_tol(ps[(size_t)i * n + f], i == _i ? 100 * imposed(f, n) : 0,
                                    1e-9);
    }
    dys_contour_free(c);
    dys_ctx_free(ctx);
}
END_TEST

/* The cuts keep their material position: a piece whose knots slide
 * unevenly (the contour's knots bunch up in one part) is still measured
 * between the same fractional knot coordinates, not re-cut by arc. */
START_TEST(t_cuts_material)
{
    dys_contour *c = make(DYS_CONTOUR_4CH, 3, 61, 0);
    for (size_t f = 0; f < 3; f++)
        for (size_t k = 0; k < 61; k++) {
            double p[2];
            v_wall(p, k);
            if (f == 1 && k <= 30) { /* the left wall's knots slide towards the base */
                double t = pow((double)k / 30, 1.5);
                p[0] = -20.0 * (1 - t);
                p[1] = 100.0 - 90.0 * t;
            }
            xy(c, f, k)[0] = p[0];
            xy(c, f, k)[1] = p[1];
        }
    dys_ctx *ctx = dys_ctx_new();
    dys_contour_cuts cuts;
    ck_assert_int_eq(dys_contour_cut(ctx, c, 0, 0, &cuts), DYS_OK);
    /* frame 1: piece 0 (knots 0-10) now runs from the base to (1/3)^1.5
     * of the wall, not to a third of it */
    double expect = pow(1.0 / 3, 1.5) * hypot(20, 90);
    ck_assert_double_eq_tol(dys_contour_piece_length(c, &cuts, 0, 1), expect, 1e-9);
    ck_assert_double_eq_tol(dys_contour_length(c, 1), dys_contour_length(c, 0), 1e-9);
    dys_contour_free(c);
    dys_ctx_free(ctx);
}
END_TEST

/* A ring's length is its perimeter, closing side included once whether
 * or not the file repeats the first knot; its pieces start at the anchor
 * and are sixths of it. */
START_TEST(t_ring_perimeter)
{
    size_t distinct = 24, nk = distinct + (size_t)_i;
    dys_contour *c = make(DYS_CONTOUR_SAX_PM, 2, nk, _i);
    for (size_t f = 0; f < 2; f++)
        for (size_t k = 0; k < nk; k++) {
            double a = 2 * M_PI * (double)(k % distinct) / (double)distinct;
            xy(c, f, k)[0] = 20 * cos(a);
            xy(c, f, k)[1] = 50 + 20 * sin(a);
        }
    ck_assert_uint_eq(dys_contour_knots(c), distinct);
    double perimeter = 2 * (double)distinct * 20 * sin(M_PI / (double)distinct);
    ck_assert_double_eq_tol(dys_contour_length(c, 0), perimeter, 1e-9);
    dys_ctx *ctx = dys_ctx_new();
    dys_contour_cuts cuts;
    ck_assert_int_eq(dys_contour_cut(ctx, c, 0, 5, &cuts), DYS_OK);
    for (int i = 0; i <= DYS_CONTOUR_N_PIECES; i++) /* 4 sides a piece */
        ck_assert_double_eq_tol(cuts.u[i], 5.0 + 4.0 * i, 1e-9);
    for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++)
        ck_assert_double_eq_tol(dys_contour_piece_length(c, &cuts, i, 1), perimeter / 6, 1e-9);
    ck_assert(isnan(dys_contour_piece_length(c, &cuts, 6, 1)));
    ck_assert(isnan(dys_contour_piece_length(c, &cuts, 0, 2)));
    dys_contour_free(c);
    dys_ctx_free(ctx);
}
END_TEST

/* ---- names ------------------------------------------------------------- */

START_TEST(t_names)
{
    static const struct {
        dys_contour_view view;
        int reverse_knots, flip;
        const char *names[6];
        int aha[6];
    } cases[] = {
        {DYS_CONTOUR_4CH,
         0,
         0,
         {"basal_inferoseptal", "mid_inferoseptal", "apical_inferoseptal", "apical_anterolateral",
          "mid_anterolateral", "basal_anterolateral"},
         {DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_MID_INFEROSEPTAL, DYS_AHA_APICAL_INFEROSEPTAL,
          DYS_AHA_APICAL_ANTEROLATERAL, DYS_AHA_MID_ANTEROLATERAL, DYS_AHA_BASAL_ANTEROLATERAL}},
        /* traced from the right base: piece 0 is on the right, lateral */
        {DYS_CONTOUR_4CH,
         1,
         0,
         {"basal_anterolateral", "mid_anterolateral", "apical_anterolateral", "apical_inferoseptal",
          "mid_inferoseptal", "basal_inferoseptal"},
         {DYS_AHA_BASAL_ANTEROLATERAL, DYS_AHA_MID_ANTEROLATERAL, DYS_AHA_APICAL_ANTEROLATERAL,
          DYS_AHA_APICAL_INFEROSEPTAL, DYS_AHA_MID_INFEROSEPTAL, DYS_AHA_BASAL_INFEROSEPTAL}},
        /* a mirrored image: the septum on the right */
        {DYS_CONTOUR_4CH,
         0,
         1,
         {"basal_anterolateral", "mid_anterolateral", "apical_anterolateral", "apical_inferoseptal",
          "mid_inferoseptal", "basal_inferoseptal"},
         {DYS_AHA_BASAL_ANTEROLATERAL, DYS_AHA_MID_ANTEROLATERAL, DYS_AHA_APICAL_ANTEROLATERAL,
          DYS_AHA_APICAL_INFEROSEPTAL, DYS_AHA_MID_INFEROSEPTAL, DYS_AHA_BASAL_INFEROSEPTAL}},
        {DYS_CONTOUR_4CH,
         1,
         1,
         {"basal_inferoseptal", "mid_inferoseptal", "apical_inferoseptal", "apical_anterolateral",
          "mid_anterolateral", "basal_anterolateral"},
         {DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_MID_INFEROSEPTAL, DYS_AHA_APICAL_INFEROSEPTAL,
          DYS_AHA_APICAL_ANTEROLATERAL, DYS_AHA_MID_ANTEROLATERAL, DYS_AHA_BASAL_ANTEROLATERAL}},
        {DYS_CONTOUR_2CH,
         0,
         0,
         {"basal_inferior", "mid_inferior", "apical_inferior", "apical_anterior", "mid_anterior",
          "basal_anterior"},
         {DYS_AHA_BASAL_INFERIOR, DYS_AHA_MID_INFERIOR, DYS_AHA_APICAL_INFERIOR,
          DYS_AHA_APICAL_ANTERIOR, DYS_AHA_MID_ANTERIOR, DYS_AHA_BASAL_ANTERIOR}},
        {DYS_CONTOUR_APLAX,
         0,
         0,
         {"basal_inferolateral", "mid_inferolateral", "apical_inferolateral", "apical_anteroseptal",
          "mid_anteroseptal", "basal_anteroseptal"},
         {DYS_AHA_BASAL_INFEROLATERAL, DYS_AHA_MID_INFEROLATERAL, DYS_AHA_APICAL_INFEROLATERAL,
          DYS_AHA_APICAL_ANTEROSEPTAL, DYS_AHA_MID_ANTEROSEPTAL, DYS_AHA_BASAL_ANTEROSEPTAL}},
        {DYS_CONTOUR_SAX_PM,
         0,
         0,
         {"mid_anteroseptal", "mid_inferoseptal", "mid_inferior", "mid_inferolateral",
          "mid_anterolateral", "mid_anterior"},
         {DYS_AHA_MID_ANTEROSEPTAL, DYS_AHA_MID_INFEROSEPTAL, DYS_AHA_MID_INFERIOR,
          DYS_AHA_MID_INFEROLATERAL, DYS_AHA_MID_ANTEROLATERAL, DYS_AHA_MID_ANTERIOR}},
        {DYS_CONTOUR_SAX_MV,
         0,
         1,
         {"basal_anterior", "basal_anterolateral", "basal_inferolateral", "basal_inferior",
          "basal_inferoseptal", "basal_anteroseptal"},
         {DYS_AHA_BASAL_ANTERIOR, DYS_AHA_BASAL_ANTEROLATERAL, DYS_AHA_BASAL_INFEROLATERAL,
          DYS_AHA_BASAL_INFERIOR, DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_BASAL_ANTEROSEPTAL}},
        {DYS_CONTOUR_SAX_AP,
         0,
         0,
         {"apical_anteroseptal", "apical_inferoseptal", "apical_inferior", "apical_inferolateral",
          "apical_anterolateral", "apical_anterior"},
         {DYS_AHA_APICAL_ANTEROSEPTAL, DYS_AHA_APICAL_INFEROSEPTAL, DYS_AHA_APICAL_INFERIOR,
          DYS_AHA_APICAL_INFEROLATERAL, DYS_AHA_APICAL_ANTEROLATERAL, DYS_AHA_APICAL_ANTERIOR}},
    };
    dys_contour *c = make(cases[_i].view, 2, 61, 0);
    for (size_t f = 0; f < 2; f++)
        for (size_t k = 0; k < 61; k++)
            v_wall(xy(c, f, k), cases[_i].reverse_knots ? 60 - k : k);
    dys_contour_segment seg[6];
    dys_contour_name_pieces(c, 0, cases[_i].flip, seg);
    for (int i = 0; i < 6; i++) {
        ck_assert_str_eq(seg[i].name, cases[_i].names[i]);
        ck_assert_int_eq(seg[i].aha, cases[_i].aha[i]);
    }
    dys_contour_free(c);
}
END_TEST

/* ---- displacement and velocity ------------------------------------------ */

static double lift(size_t k, size_t n, int drift)
{
    /* mm towards the probe (the apex), plus a tracking drift */
    return 4.0 * sin(M_PI * (double)k / (double)(n - 1)) *
               sin(M_PI * (double)k / (double)(n - 1)) +
           (drift ? 0.8 * (double)k / (double)(n - 1) : 0);
}

/* The V wall translated towards the apex by lift(k): each piece's
 * midpoint moves by lift(k) times the cosine between the translation and
 * its wall (90 / |(20, 90)| on both walls), towards the apex, positive;
 * the velocity is its central difference in cm/s. */
START_TEST(t_motion_translation)
{
    size_t n = 41, nk = 61;
    dys_contour *c = make(DYS_CONTOUR_4CH, n, nk, 0);
    for (size_t f = 0; f < n; f++)
        for (size_t k = 0; k < nk; k++) {
            v_wall(xy(c, f, k), k);
            xy(c, f, k)[1] -= lift(f, n, _i);
        }
    dys_ctx *ctx = dys_ctx_new();
    dys_contour_cuts cuts;
    double d[6 * 41], v[6 * 41];
    ck_assert_int_eq(dys_contour_cut(ctx, c, 0, 0, &cuts), DYS_OK);
    ck_assert_int_eq(dys_contour_piece_motion(ctx, c, &cuts, n - 1, d, v), DYS_OK);
    double cosine = 90 / hypot(20, 90);
    for (int i = 0; i < 6; i++)
        for (size_t f = 0; f < n; f++) {
            double want = lift(f, n, 0) * cosine;
            ck_assert_double_eq_tol(d[(size_t)i * n + f], want, 1e-9);
            double dv = f == 0       ? lift(1, n, 0) - lift(0, n, 0)
                        : f == n - 1 ? lift(n - 1, n, 0) - lift(n - 2, n, 0)
                                     : (lift(f + 1, n, 0) - lift(f - 1, n, 0)) / 2;
            ck_assert_double_eq_tol(v[(size_t)i * n + f], dv * cosine * 50 / 10, 1e-9);
        }
    /* velocity is optional */
    ck_assert_int_eq(dys_contour_piece_motion(ctx, c, &cuts, n - 1, d, NULL), DYS_OK);
    dys_contour_free(c);
    dys_ctx_free(ctx);
}
END_TEST

/* On the real 4-chamber file: zero at both events, and every basal and
 * mid piece moves towards the apex in systole at a tissue-Doppler-like
 * speed (the numbers go to the log). */
START_TEST(t_motion_real)
{
    const struct real *e = &reals[0];
    dys_contour *c = read_ok("contours", e->file);
    dys_ctx *ctx = dys_ctx_new();
    size_t n = c->n_frames, avc = 28;
    dys_contour_cuts cuts;
    double *d = calloc(6 * n, sizeof *d), *v = calloc(6 * n, sizeof *v);
    ck_assert_int_eq(dys_contour_cut(ctx, c, e->qrs, 0, &cuts), DYS_OK);
    ck_assert_int_eq(dys_contour_piece_motion(ctx, c, &cuts, e->next_qrs, d, v), DYS_OK);
    dys_contour_segment seg[6];
    dys_contour_name_pieces(c, e->qrs, 0, seg);
    for (int i = 0; i < 6; i++) {
        const double *di = d + (size_t)i * n, *vi = v + (size_t)i * n;
        ck_assert_double_eq_tol(di[e->qrs], 0, 1e-12);
        ck_assert_double_eq_tol(di[e->next_qrs], 0, 1e-12);
        size_t at = e->qrs;
        for (size_t k = e->qrs; k <= avc; k++)
            if (vi[k] > vi[at])
                at = k;
        fprintf(stderr, "# %s: %-22s peak systolic velocity %5.2f cm/s, %3.0f ms after QRS; "
                        "displacement at AVC %5.2f mm\n", e->file, seg[i].name, vi[at],
                dys_contour_frame_ms(c, at) - dys_contour_frame_ms(c, e->qrs), di[avc]);
        if (seg[i].aha >= 0) {
            ck_assert_msg(vi[at] > 2 && vi[at] < 20, "%s: %.2f cm/s", seg[i].name, vi[at]);
            ck_assert_msg(di[avc] > 0, "%s: %.2f mm at AVC", seg[i].name, di[avc]);
        }
    }
    /* a ring has no longitudinal motion */
    dys_contour *sax = read_ok("contours", reals[1].file);
    ck_assert_int_eq(dys_contour_cut(ctx, sax, 36, 0, &cuts), DYS_OK);
    ck_assert_int_eq(dys_contour_piece_motion(ctx, sax, &cuts, 121, d, v), DYS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "SUB_0014_POST_SAX.CSV: a short-axis ring"));
    dys_contour_free(sax);
    free(d);
    free(v);
    dys_contour_free(c);
    dys_ctx_free(ctx);
}
END_TEST

/* ---- refusals ----------------------------------------------------------- */

START_TEST(t_bad_arguments)
{
    dys_contour *c = read_ok("contours", reals[1].file);
    dys_ctx *ctx = dys_ctx_new();
    double *s = calloc(6 * c->n_frames, sizeof *s);
    dys_contour_cuts cuts;
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, 40, 40, s), DYS_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "reference frame 40 and drift frame 40"));
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, 40, 20, s), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, 40, 167, s), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_contour_cut(ctx, c, 167, 0, &cuts), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_contour_cut(ctx, c, 36, 74, &cuts), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_contour_cut(ctx, c, 36, 73, &cuts), DYS_OK);
    ck_assert_double_eq(cuts.u[0], 73);
    ck_assert_double_eq(cuts.u[6], 73 + 74);
    ck_assert_int_eq(dys_contour_piece_strain(ctx, c, &cuts, 36, s), DYS_ERR_INVALID);
    ck_assert_int_eq(dys_contour_piece_strain(ctx, c, &cuts, 121, s), DYS_OK);
    dys_contour_free(c);
    /* every knot at one place: no length, no strain, no cut */
    dys_contour *z = make(DYS_CONTOUR_4CH, 3, 5, 0);
    ck_assert_int_eq(dys_contour_global_strain(ctx, z, 0, 2, s), DYS_ERR_ANALYSIS);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "synthetic: the contour is 0 mm long in frame 0: expected at least 0.01 mm"));
    ck_assert_int_eq(dys_contour_cut(ctx, z, 0, 0, &cuts), DYS_ERR_ANALYSIS);
    /* nor a wall of 2e-300 mm, whose strain would be 1e302 % */
    for (size_t k = 0; k < 5; k++)
        xy(z, 0, k)[0] = xy(z, 2, k)[0] = 0.5e-300 * (double)k, xy(z, 1, k)[0] = (double)k;
    ck_assert_int_eq(dys_contour_global_strain(ctx, z, 0, 2, s), DYS_ERR_ANALYSIS);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "the contour is 2e-300 mm long in frame 0"));
    dys_contour_free(z);
    free(s);
    dys_ctx_free(ctx);
}
END_TEST

/* tests/hostile_contour/: each file refused with its status and a message
 * naming file:line:column. */
static const struct hostile {
    const char *file;
    dys_status st;
    const char *msg;
} hostile[] = {
    {"truncated_frames.CSV", DYS_ERR_PARSE,
     "truncated_frames.CSV:14:1: the file ends after 3 of the 4 frames of line 10"},
    {"truncated_line.CSV", DYS_ERR_PARSE,
     "truncated_line.CSV:14:18: frame 3 has 3 values (an x without its y): expected 10, 2 "
     "per knot for the 5 knots of line 10"},
    {"knots_disagree.CSV", DYS_ERR_PARSE,
     "knots_disagree.CSV:11:61: frame 0 has 10 values: expected 12, 2 per knot for the 6 knots"},
    {"ragged_frames.CSV", DYS_ERR_PARSE,
     "ragged_frames.CSV:13:62: frame 2 has more than 10 values"},
    {"extra_frame.CSV", DYS_ERR_PARSE,
     "extra_frame.CSV:15:1: a frame beyond the 4 of line 10: expected 4 lines of knots"},
    {"nonnumeric.CSV", DYS_ERR_PARSE,
     "nonnumeric.CSV:12:1: 'abc' is not a number: expected the x of knot 0 in mm"},
    {"empty_value.CSV", DYS_ERR_PARSE,
     "empty_value.CSV:13:21: empty value (y of knot 1): expected a number"},
    {"huge_value.CSV", DYS_ERR_PARSE,
     "huge_value.CSV:13:8: '1e999' is out of range: expected the y of knot 0"},
    {"far_position.CSV", DYS_ERR_PARSE,
     "far_position.CSV:14:8: 5000 mm is not a knot position: expected within 1000 mm"},
    {"absurd_counts.CSV", DYS_ERR_PARSE,
     "absurd_counts.CSV:10:4: 9000000 frames of 99999 knots need at least 3599963999999 "
     "bytes, the file has 244 after this line"},
    {"header_only.CSV", DYS_ERR_PARSE,
     "header_only.CSV:10:10: 4 frames of 5 knots need at least 79 bytes, the file has 0"},
    {"counts_not_numbers.CSV", DYS_ERR_PARSE,
     "counts_not_numbers.CSV:10:5: 'four        5': expected the number of frames"},
    {"one_frame.CSV", DYS_ERR_PARSE,
     "one_frame.CSV:10:10: a frame count of 1: expected at least 2 frames"},
    {"two_knots.CSV", DYS_ERR_PARSE,
     "two_knots.CSV:10:19: a knot count of 2: expected at least 3 knots"},
    {"missing_view.CSV", DYS_ERR_PARSE,
     "missing_view.CSV:5:1: '2DS Date=.': expected the header line 'View=...'"},
    {"missing_fr.CSV", DYS_ERR_PARSE,
     "missing_fr.CSV:8:1: 'Num Frames:  Knots:': expected 'FR= <frames/s>"},
    {"unknown_view.CSV", DYS_ERR_UNSUPPORTED,
     "unknown_view.CSV:5:6: view 'RV4CH' is not supported: expected 4CH, 2CH, APLAX"},
    {"no_es_time.CSV", DYS_ERR_PARSE,
     "no_es_time.CSV:8:60: no 'ES Time=' on the FR= line"},
    {"zero_frame_rate.CSV", DYS_ERR_PARSE,
     "zero_frame_rate.CSV:8:5: FR= 0: expected a frame rate above 0"},
    {"markers_reversed.CSV", DYS_ERR_PARSE,
     "markers_reversed.CSV:8:52: Right Marker Time=0.02 s is not after Left Marker Time=0.06 s"},
    {"marker_after_end.CSV", DYS_ERR_PARSE,
     "marker_after_end.CSV:8:52: Right Marker Time=0.9 s is after the last of the 4 frames"},
};

START_TEST(t_hostile)
{
    const struct hostile *h = &hostile[_i];
    dys_ctx *ctx = dys_ctx_new();
    dys_read_options o;
    dys_read_options_defaults(&o);
    char *p = path_of("../tests/hostile_contour", h->file);
    dys_contour *c = (dys_contour *)1;
    dys_status st = dys_contour_read(ctx, p, &o, &c);
    ck_assert_ptr_null(c);
    ck_assert_msg(st == h->st, "%s: status %d, expected %d (%s)", h->file, st, h->st,
                  dys_ctx_error(ctx));
    ck_assert_msg(strstr(dys_ctx_error(ctx), h->msg) != NULL, "%s: got '%s', expected '%s'",
                  h->file, dys_ctx_error(ctx), h->msg);
    free(p);
    dys_ctx_free(ctx);
}
END_TEST

/* The valid inputs of that folder (the fuzzer's seeds) read. */
START_TEST(t_hostile_valid)
{
    dys_contour *a = read_ok("../tests/hostile_contour", "valid_4ch.CSV");
    dys_contour *b = read_ok("../tests/hostile_contour", "valid_sax.CSV");
    ck_assert_int_eq(a->closed, 0);
    ck_assert_int_eq(b->repeats_first, 1);
    ck_assert_uint_eq(dys_contour_knots(b), 8);
    dys_contour_free(a);
    dys_contour_free(b);
}
END_TEST

/* The reader's limits: the file size and the frame count (--max-file-mb,
 * --max-rows). */
START_TEST(t_limits)
{
    dys_ctx *ctx = dys_ctx_new();
    dys_read_options o;
    dys_read_options_defaults(&o);
    char *p = path_of("contours", "VOL_0001_OFF_4CH.CSV");
    dys_contour *c = NULL;
    o.max_file_bytes = 10000;
    ck_assert_int_eq(dys_contour_read(ctx, p, &o, &c), DYS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "file is larger than the limit"));
    dys_read_options_defaults(&o);
    o.max_rows = 10;
    ck_assert_int_eq(dys_contour_read(ctx, p, &o, &c), DYS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(
        strstr(dys_ctx_error(ctx), "VOL_0001_OFF_4CH.CSV:10:9: 64 frames: expected at most 10"));
    ck_assert_ptr_null(c);
    free(p);
    dys_ctx_free(ctx);
}
END_TEST

/* ---- apical rocking ---------------------------------------------------- */

static double rock(size_t f, size_t n)
{
    return 3.0 * sin(2 * M_PI * (double)f / (double)(n - 1)); /* mm, 0 at both ends */
}

/* The V wall whose knots move across the long axis (x) by rock(f) times
 * their share of the way from base to apex (bases still, apex rock(f)),
 * plus a tracking drift of the apex growing to 0.6 mm at the last frame:
 * the apex's transverse displacement is rock(f) exactly once the drift
 * is corrected, positive towards the lateral wall (+x, the right base)
 * whichever base the tracing started from (_i 1: knots right to left),
 * and of the opposite sign when the septum is taken to be on the right. */
START_TEST(t_apex_transverse)
{
    size_t n = 41, nk = 61;
    dys_contour *c = make(DYS_CONTOUR_4CH, n, nk, 0);
    for (size_t f = 0; f < n; f++)
        for (size_t k = 0; k < nk; k++) {
            size_t kk = _i ? nk - 1 - k : k;
            double p[2], share = kk <= 30 ? (double)kk / 30 : (double)(60 - kk) / 30;
            v_wall(p, kk);
            p[0] += (rock(f, n) + 0.6 * (double)f / (double)(n - 1)) * share;
            xy(c, f, k)[0] = p[0];
            xy(c, f, k)[1] = p[1];
        }
    dys_ctx *ctx = dys_ctx_new();
    dys_contour_cuts cuts;
    dys_contour_segment names[DYS_CONTOUR_N_PIECES];
    ck_assert_int_eq(dys_contour_cut(ctx, c, 0, 0, &cuts), DYS_OK);
    dys_contour_name_pieces(c, 0, 0, names);
    int septal0 = names[0].aha == DYS_AHA_BASAL_INFEROSEPTAL;
    ck_assert_int_eq(septal0, !_i);
    double out[41];
    ck_assert_int_eq(dys_contour_apex_transverse(ctx, c, &cuts, n - 1, septal0, out), DYS_OK);
    for (size_t f = 0; f < n; f++)
        ck_assert_double_eq_tol(out[f], rock(f, n), 1e-9);
    /* a mirrored image: the septum on the right, lateral is -x */
    ck_assert_int_eq(dys_contour_apex_transverse(ctx, c, &cuts, n - 1, !septal0, out), DYS_OK);
    for (size_t f = 0; f < n; f++)
        ck_assert_double_eq_tol(out[f], -rock(f, n), 1e-9);
    /* a wall folded onto its base line has no long axis */
    for (size_t k = 0; k < nk; k++)
        xy(c, 0, k)[1] = 100;
    ck_assert_int_eq(dys_contour_apex_transverse(ctx, c, &cuts, n - 1, 1, out),
                     DYS_ERR_ANALYSIS);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "no long axis"));
    dys_contour_free(c);
    /* a ring has no apex */
    c = make(DYS_CONTOUR_SAX_PM, 2, 24, 0);
    ck_assert_int_eq(dys_contour_apex_transverse(ctx, c, &cuts, 1, 1, out), DYS_ERR_UNSUPPORTED);
    dys_contour_free(c);
    dys_ctx_free(ctx);
}
END_TEST

/* The excursion: largest minus smallest displacement in each accepted
 * beat's AVO..AVC, mean over the beats.  Beat 1's curve is t / 100 mm,
 * beat 2's twice that (from its own onset), the rejected third beat's
 * huge: (2 + 4) / 2 = 3 mm for AVO 100, AVC 300. */
START_TEST(t_apex_excursion)
{
    double t[300], x[300];
    for (int i = 0; i < 300; i++) {
        t[i] = 10.0 * i;
        double local = fmod(t[i], 1000.0);
        x[i] = (t[i] < 1000 ? 1 : t[i] < 2000 ? 2 : 1000) * local / 100;
    }
    dys_recording rec;
    dys_recording_init(&rec);
    rec.n = 300;
    rec.t_ms = t;
    dys_beat beats[3] = {{0, 1000, 1, ""}, {1000, 1000, 1, ""}, {2000, NAN, 0, "ectopic"}};
    dys_beat_list bl = {beats, 3, DYS_ONSET_GIVEN, 60, 0};
    ck_assert(isnan(dys_apex_excursion(&rec, &bl, 100, 300))); /* no curve */
    rec.apex_transverse_mm = x;
    ck_assert_double_eq_tol(dys_apex_excursion(&rec, &bl, 100, 300), 3.0, 1e-12);
    ck_assert(isnan(dys_apex_excursion(&rec, &bl, 300, 100))); /* no window */
    ck_assert(isnan(dys_apex_excursion(&rec, &bl, NAN, 300)));
    /* a missing sample is passed over */
    x[30] = NAN; /* beat 1's AVC sample: its largest is then 2.9 */
    ck_assert_double_eq_tol(dys_apex_excursion(&rec, &bl, 100, 300), (1.9 + 4) / 2, 1e-12);
}
END_TEST

/* ---- contour exports as studies (io/contour_study.c) ------------------- */

static dys_study *study_of(const char *path, const dys_read_options *o)
{
    dys_ctx *ctx = dys_ctx_new();
    dys_study *st = NULL;
    dys_status rc = dys_study_read(ctx, path, o, &st);
    ck_assert_msg(rc == DYS_OK, "%s: %s", path, dys_ctx_error(ctx));
    dys_ctx_free(ctx);
    return st;
}

static dys_result *analysed(const dys_study *st, const dys_params *p)
{
    dys_ctx *ctx = dys_ctx_new();
    dys_result *r = NULL;
    ck_assert_msg(dys_analyze(ctx, st, p, &r) == DYS_OK, "%s", dys_ctx_error(ctx));
    dys_ctx_free(ctx);
    return r;
}

/* A contour export read as a study: one recording holding what the
 * geometry gives, on the axis k / FR, with the export's cycle and AVC
 * (ES Time from the left marker), the markers' frames named. */
START_TEST(t_study_real)
{
    const struct real *e = &reals[_i];
    char *p = path_of("contours", e->file);
    dys_study *st = study_of(p, NULL);
    ck_assert_uint_eq(st->n_rec, 1);
    const dys_recording *rec = &st->rec[0];
    ck_assert_str_eq(rec->format, "echopac-contour");
    ck_assert_int_eq(rec->view, e->closed ? DYS_VIEW_SAX_PM : DYS_VIEW_A4C);
    ck_assert_str_eq(st->study_id, e->id);
    ck_assert_int_eq(st->trace, DYS_TRACE_STRAIN);
    ck_assert_int_eq(st->strain_direction,
                     e->closed ? DYS_STRAIN_CIRCUMFERENTIAL : DYS_STRAIN_LONGITUDINAL);
    ck_assert_str_eq(st->trace_label, e->closed ? "circumferential strain" : "longitudinal strain");
    ck_assert_uint_eq(rec->n, e->frames);
    for (size_t k = 0; k < rec->n; k++)
        ck_assert_double_eq_tol(rec->t_ms[k], 1000.0 * (double)k / e->fr, 1e-9);
    ck_assert_double_eq(rec->frame_rate_hz, e->fr);
    ck_assert_double_eq_tol(rec->cycle_start_ms, 1000 * e->left, 1e-9);
    ck_assert_double_eq_tol(rec->cycle_ms, 1000 * (e->right - e->left), 1e-9);
    ck_assert_double_eq_tol(rec->avc_file_ms, 1000 * (e->left + e->es), 1e-9);
    ck_assert_uint_eq(rec->n_qrs_onsets, 0);
    /* the six segments of the view, and only those */
    int n = 0;
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        if (rec->seg[k]) {
            n++;
            ck_assert(e->closed ? (k >= 6 && k < 12) : dys_segment_view(k) == DYS_VIEW_A4C);
        }
    ck_assert_int_eq(n, 6);
    /* the global curve is the geometry's at the markers' frames */
    dys_contour *c = read_ok("contours", e->file);
    double *g = calloc(c->n_frames, sizeof *g);
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, e->marker_ref, e->marker_drift, g), DYS_OK);
    for (size_t k = 0; k < c->n_frames; k++)
        ck_assert_double_eq(rec->global_strain_pct[k], g[k]);
    /* and a segment's curve the geometry's piece */
    dys_contour_cuts cuts;
    ck_assert_int_eq(dys_contour_cut(ctx, c, e->marker_ref, 0, &cuts), DYS_OK);
    dys_contour_segment names[DYS_CONTOUR_N_PIECES];
    dys_contour_name_pieces(c, e->marker_ref, 0, names);
    double *pieces = calloc(6 * c->n_frames, sizeof *pieces);
    ck_assert_int_eq(dys_contour_piece_strain(ctx, c, &cuts, e->marker_drift, pieces), DYS_OK);
    for (int i = 0; i < 6; i++)
        for (size_t k = 0; k < c->n_frames; k++)
            ck_assert_double_eq(rec->seg[names[i].aha][k], pieces[i * c->n_frames + k]);
    const dys_contour_info *ci = &rec->contour;
    ck_assert_int_eq(ci->from_contour, 1);
    ck_assert_uint_eq(ci->ref_frame, e->marker_ref);
    ck_assert_uint_eq(ci->drift_frame, e->marker_drift);
    ck_assert_uint_eq(ci->n_knots, e->knots - (size_t)e->repeats);
    ck_assert_str_eq(ci->view, e->closed ? "SAX-PM" : "4CH");
    ck_assert_ptr_nonnull(strstr(ci->reference, "left marker"));
    ck_assert_ptr_nonnull(strstr(ci->drift, "linear to the right marker"));
    /* a ring's naming assumption is said */
    int said = 0;
    for (size_t w = 0; w < st->n_warnings; w++)
        said |= strstr(st->warnings[w], "named from knot 0") != NULL;
    ck_assert_int_eq(said, e->closed);
    free(pieces);
    free(g);
    dys_ctx_free(ctx);
    dys_contour_free(c);
    dys_study_free(st);
    free(p);
}
END_TEST

/* The global strain peak through the whole analysis: the markers'
 * convention gives the geometry's peak over the marked cycle; the
 * hand-marked events, given as QRS onsets (ms) and AVO/AVC, the published
 * value within 0.3 point. */
START_TEST(t_study_global_peak)
{
    const struct real *e = &reals[_i];
    char *p = path_of("contours", e->file);
    dys_study *st = study_of(p, NULL);
    dys_result *r = analysed(st, NULL);
    dys_contour *c = read_ok("contours", e->file);
    double *g = calloc(c->n_frames, sizeof *g);
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_int_eq(dys_contour_global_strain(ctx, c, e->marker_ref, e->marker_drift, g), DYS_OK);
    /* the cycle from the left to the right marker's time, as the beat */
    double lo = INFINITY;
    for (size_t k = 0; k < c->n_frames; k++) {
        double t = dys_contour_frame_ms(c, k);
        if (t >= 1000 * e->left && t <= 1000 * e->right)
            lo = fmin(lo, g[k]);
    }
    ck_assert_double_eq_tol(r->index[DYS_IDX_GLOBAL_STRAIN_PEAK], lo, 1e-12);
    ck_assert_double_eq_tol(r->rec[0].global_strain_peak_pct, lo, 1e-12);
    fprintf(stderr, "%s: global strain peak, markers: %.4f %%\n", e->file, lo);
    dys_result_free(r);
    dys_study_free(st);

    dys_read_options o;
    dys_read_options_defaults(&o);
    o.n_qrs_onsets = 2;
    o.qrs_onsets_ms[0] = 1000.0 * (double)e->qrs / e->fr;
    o.qrs_onsets_ms[1] = 1000.0 * (double)e->next_qrs / e->fr;
    st = study_of(p, &o);
    ck_assert_uint_eq(st->rec[0].contour.ref_frame, e->qrs);
    ck_assert_uint_eq(st->rec[0].contour.drift_frame, e->next_qrs);
    ck_assert_uint_eq(st->rec[0].n_qrs_onsets, 2);
    ck_assert_ptr_nonnull(strstr(st->rec[0].contour.reference, "given QRS onset"));
    r = analysed(st, NULL);
    ck_assert_int_eq(r->rec[0].beats.source, DYS_ONSET_GIVEN);
    double hand = r->index[DYS_IDX_GLOBAL_STRAIN_PEAK];
    fprintf(stderr, "%s: global strain peak, hand-marked events: %.4f %% (published %.1f)\n",
            e->file, hand, e->published);
    ck_assert_msg(fabs(hand - e->published) <= 0.3, "%s: %.3f, published %.1f", e->file, hand,
                  e->published);
    ck_assert_int_eq(r->strain_direction,
                     e->closed ? DYS_STRAIN_CIRCUMFERENTIAL : DYS_STRAIN_LONGITUDINAL);
    /* strain at 40-80 frames/s is not warned about */
    for (size_t w = 0; w < r->n_warnings; w++)
        ck_assert_ptr_null(strstr(r->warnings[w], "fps"));
    dys_result_free(r);
    dys_study_free(st);
    free(g);
    dys_ctx_free(ctx);
    dys_contour_free(c);
    free(p);
}
END_TEST

/* --contour-trace velocity: the pieces' velocity along the wall, a
 * velocity study; a ring refused at its View= value. */
START_TEST(t_study_velocity)
{
    char *p = path_of("contours", "VOL_0001_OFF_4CH.CSV");
    dys_read_options o;
    dys_read_options_defaults(&o);
    o.contour_trace = DYS_CONTOUR_TRACE_VELOCITY;
    /* the hand-marked events: QRS onsets at frames 13 and 44, AVO 17,
     * AVC 28 (52 frames/s) */
    o.n_qrs_onsets = 2;
    o.qrs_onsets_ms[0] = 250;
    o.qrs_onsets_ms[1] = 44000.0 / 52;
    dys_params prm;
    dys_params_defaults(&prm);
    prm.avo_ms = 4000.0 / 52;
    prm.avc_ms = 15000.0 / 52;
    dys_study *st = study_of(p, &o);
    ck_assert_int_eq(st->trace, DYS_TRACE_VELOCITY);
    dys_contour *c = read_ok("contours", "VOL_0001_OFF_4CH.CSV");
    dys_ctx *ctx = dys_ctx_new();
    dys_contour_cuts cuts;
    ck_assert_int_eq(dys_contour_cut(ctx, c, 13, 0, &cuts), DYS_OK);
    double *d = calloc(6 * c->n_frames, sizeof *d), *v = calloc(6 * c->n_frames, sizeof *v);
    ck_assert_int_eq(dys_contour_piece_motion(ctx, c, &cuts, 44, d, v), DYS_OK);
    ck_assert_double_eq(st->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL][20], v[20]);
    ck_assert_double_eq(st->rec[0].seg[DYS_AHA_BASAL_ANTEROLATERAL][20], v[5 * c->n_frames + 20]);
    ck_assert_ptr_nonnull(strstr(st->rec[0].contour.curves, "velocity"));
    dys_result *r = analysed(st, &prm);
    for (int k = 0; k < DYS_N_SEGMENTS_12; k++) {
        if (!st->rec[0].seg[k])
            continue;
        ck_assert_msg(r->seg[k].status == DYS_SEG_OK, "%s: %s", dys_segment_name(k),
                      r->seg[k].reason);
        /* Ts inside the ejection window, S' of a wall's 3-12 cm/s */
        ck_assert(r->seg[k].ts_ms > prm.avo_ms && r->seg[k].ts_ms < prm.avc_ms);
        ck_assert(r->seg[k].peak_cm_s > 3 && r->seg[k].peak_cm_s < 12);
        fprintf(stderr, "VOL_0001 velocity: %s Ts %.1f ms, S' %.2f cm/s\n", dys_segment_name(k),
                r->seg[k].ts_ms, r->seg[k].peak_cm_s);
    }
    ck_assert(isnan(r->index[DYS_IDX_GLOBAL_STRAIN_PEAK]));
    int note = 0, tdi = 0;
    for (size_t w = 0; w < r->n_warnings; w++) {
        note |= strstr(r->warnings[w], "differentiated from speckle-tracking") != NULL;
        tdi |= strstr(r->warnings[w], "advised for longitudinal tissue Doppler") != NULL;
    }
    ck_assert(note && !tdi);
    dys_result_free(r);
    dys_study_free(st);
    free(p);
    p = path_of("contours", "SUB_0014_POST_SAX.CSV");
    dys_study *bad = (dys_study *)1;
    ck_assert_int_eq(dys_study_read(ctx, p, &o, &bad), DYS_ERR_UNSUPPORTED);
    ck_assert_ptr_null(bad);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "SUB_0014_POST_SAX.CSV:5:6: view SAX-PM is "
                                                     "a short-axis ring"));
    free(p);
    free(d);
    free(v);
    dys_ctx_free(ctx);
    dys_contour_free(c);
}
END_TEST

/* Given QRS onsets that a contour cannot take, and those no recording
 * can, are refused with what was expected. */
START_TEST(t_study_bad_onsets)
{
    static const struct {
        size_t n;
        double on[3];
        const char *msg;
    } cases[] = {
        {3, {250, 500, 846}, "3 QRS onsets given (--qrs-onsets): a full-trace export tracks one"},
        {1, {250, 0, 0}, "1 QRS onsets given"},
        {2, {250, 2000, 0}, "the given QRS onset 2000 ms is outside the recording"},
        {2, {-20, 846, 0}, "the given QRS onset -20 ms is outside the recording"},
        {2, {250, 255, 0}, "fall on frames 13 and 13: expected a cycle of at least two frames"},
        {2, {846, 250, 0}, "QRS onset 2 given as 250 ms: expected finite times in ms, increasing"},
        {2, {250, NAN, 0}, "QRS onset 2 given as nan ms"},
    };
    char *p = path_of("contours", "VOL_0001_OFF_4CH.CSV");
    dys_ctx *ctx = dys_ctx_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dys_read_options o;
        dys_read_options_defaults(&o);
        o.n_qrs_onsets = cases[i].n;
        memcpy(o.qrs_onsets_ms, cases[i].on, sizeof cases[i].on);
        dys_study *st = (dys_study *)1;
        ck_assert_int_eq(dys_study_read(ctx, p, &o, &st), DYS_ERR_INVALID);
        ck_assert_ptr_null(st);
        ck_assert_msg(strstr(dys_ctx_error(ctx), cases[i].msg) != NULL, "%zu: %s", i,
                      dys_ctx_error(ctx));
    }
    free(p);
    dys_ctx_free(ctx);
}
END_TEST

/* A copy of a file into dir/name, with View=4CH replaced by `view` and
 * ID=VOL01 by `id` when given. */
static void copy_as(const char *src, const char *dir, const char *name, const char *view,
                    const char *id)
{
    size_t len;
    FILE *f = fopen(src, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(len + 1);
    ck_assert_uint_eq(fread(b, 1, len, f), len);
    b[len] = '\0';
    fclose(f);
    char *out = dys_asprintf("%s/%s", dir, name);
    FILE *g = fopen(out, "wb");
    ck_assert_ptr_nonnull(g);
    char *v = strstr(b, "View=4CH"), *i = strstr(b, "ID=VOL01");
    for (size_t k = 0; k < len; k++) {
        if (view && b + k == v) {
            fprintf(g, "View=%s", view);
            k += strlen("View=4CH") - 1;
        } else if (id && b + k == i) {
            fprintf(g, "ID=%s", id);
            k += strlen("ID=VOL01") - 1;
        } else {
            fputc(b[k], g);
        }
    }
    fclose(g);
    free(out);
    free(b);
}

/* Files and directories by content: a contour without an extension is a
 * data file and a study; a directory of one patient's apical views is one
 * study of 18 segments (the 2CH and APLAX copies of VOL_0001 name their
 * pieces by their walls), with GLS the mean of the views'; a ring beside
 * them, two patients, a view twice are not. */
START_TEST(t_study_directories)
{
    char dir[] = "/tmp/dys_contour_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *src = path_of("contours", "VOL_0001_OFF_4CH.CSV");
    char *sax = path_of("contours", "SUB_0014_POST_SAX.CSV");
    copy_as(src, dir, "noext", NULL, NULL);
    char *noext = dys_asprintf("%s/noext", dir);
    ck_assert_int_eq(dys_file_is_contour(noext), 1);
    ck_assert_int_eq(dys_is_data_file(noext), 1);
    ck_assert_int_eq(dys_file_is_study(noext), 1);
    char *readme = path_of("contours", "README.md");
    ck_assert_int_eq(dys_is_data_file(readme), 0);
    ck_assert_int_eq(dys_file_is_contour(readme), 0);
    unlink(noext);

    copy_as(src, dir, "a_4ch.CSV", NULL, NULL);
    copy_as(src, dir, "b.CSV", "2CH", NULL);
    copy_as(src, dir, "c", "APLAX", NULL); /* no extension */
    ck_assert_int_eq(dys_dir_is_view_study(dir), 1);
    dys_study *st = study_of(dir, NULL);
    ck_assert_uint_eq(st->n_rec, 3);
    ck_assert_int_eq(st->rec[0].view, DYS_VIEW_A4C);
    ck_assert_int_eq(st->rec[1].view, DYS_VIEW_A2C);
    ck_assert_int_eq(st->rec[2].view, DYS_VIEW_APLAX);
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        int in = 0;
        for (size_t i = 0; i < 3; i++)
            in += st->rec[i].seg[k] != NULL;
        ck_assert_msg(in == 1, "segment %d in %d recordings", k, in);
    }
    dys_result *r = analysed(st, NULL);
    ck_assert_int_eq(r->model_segments, DYS_N_SEGMENTS);
    ck_assert_int_eq(r->n_segments, 18);
    double mean = (r->rec[0].global_strain_peak_pct + r->rec[1].global_strain_peak_pct +
                   r->rec[2].global_strain_peak_pct) / 3;
    ck_assert_double_eq_tol(r->index[DYS_IDX_GLOBAL_STRAIN_PEAK], mean, 1e-12);
    ck_assert(isfinite(r->index[DYS_IDX_STRAIN_TTP_SD_18]));
    dys_result_free(r);
    dys_study_free(st);
    /* given onsets are one recording's */
    dys_read_options o;
    dys_read_options_defaults(&o);
    o.n_qrs_onsets = 2;
    o.qrs_onsets_ms[0] = 250;
    o.qrs_onsets_ms[1] = 846.1538;
    dys_ctx *ctx = dys_ctx_new();
    dys_study *none = NULL;
    ck_assert_int_eq(dys_study_read(ctx, dir, &o, &none), DYS_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "for a study of 3 view files"));

    /* a view twice; then another patient; then a ring */
    copy_as(src, dir, "d.CSV", "2CH", NULL);
    ck_assert_int_eq(dys_dir_is_view_study(dir), 0);
    ck_assert_int_eq(dys_study_read(ctx, dir, NULL, &none), DYS_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "two of its contour exports are 2CH views"));
    char *d = dys_asprintf("%s/d.CSV", dir);
    unlink(d);
    copy_as(src, dir, "d.CSV", NULL, "VOL02");
    unlink(d); /* replace the 4CH copy a_4ch by another patient's */
    char *a = dys_asprintf("%s/a_4ch.CSV", dir);
    unlink(a);
    copy_as(src, dir, "a_4ch.CSV", NULL, "VOL02");
    ck_assert_int_eq(dys_dir_is_view_study(dir), 0);
    ck_assert_int_eq(dys_study_read(ctx, dir, NULL, &none), DYS_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "of different patients (ID=VOL02 in"));
    unlink(a);
    copy_as(sax, dir, "a_sax.CSV", NULL, NULL);
    ck_assert_int_eq(dys_dir_is_view_study(dir), 0);
    ck_assert_int_eq(dys_study_read(ctx, dir, NULL, &none), DYS_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "is a SAX-PM contour: a short-axis ring"));
    ck_assert_ptr_null(none);
    char *rm = dys_asprintf("rm -rf '%s'", dir);
    ck_assert_int_eq(system(rm), 0);
    free(rm);
    free(a);
    free(d);
    dys_ctx_free(ctx);
    free(readme);
    free(noext);
    free(sax);
    free(src);
}
END_TEST

/* Global strain classifies nothing: a cut-off for it is refused. */
START_TEST(t_global_no_cutoff)
{
    char *p = path_of("contours", "VOL_0001_OFF_4CH.CSV");
    dys_study *st = study_of(p, NULL);
    dys_params prm;
    dys_params_defaults(&prm);
    prm.cutoff[DYS_IDX_GLOBAL_STRAIN_PEAK] = 18;
    dys_ctx *ctx = dys_ctx_new();
    dys_result *r = (dys_result *)1;
    ck_assert_int_eq(dys_analyze(ctx, st, &prm, &r), DYS_ERR_INVALID);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "global strain is not a dyssynchrony index"));
    dys_ctx_free(ctx);
    dys_study_free(st);
    free(p);
}
END_TEST

/* Apical rocking on the real exports: the 4-chamber wall's apex, with
 * the hand-marked AVO and AVC (frames 17 and 28: 77 and 288 ms after the
 * QRS), moves 1.8025 mm across the long axis by an independent Python
 * re-implementation from the raw knots (midpoint of arc length at the
 * left marker's frame, axes of that frame, drift-corrected to the right
 * marker's); 2.7658 mm in the AVO..AVC dyssync estimates (154..402 ms).
 * The ring has no apex: null, with the reason. */
START_TEST(t_apex_real)
{
    char *p = path_of("contours", "VOL_0001_OFF_4CH.CSV");
    dys_study *st = study_of(p, NULL);
    ck_assert_ptr_nonnull(st->rec[0].apex_transverse_mm);
    ck_assert_double_eq(st->rec[0].apex_transverse_mm[12], 0); /* the reference frame */
    dys_params prm;
    dys_params_defaults(&prm);
    dys_result *r = analysed(st, &prm);
    ck_assert_double_eq_tol(r->rec[0].apical_transverse_mm, 2.7658, 1e-4);
    ck_assert_double_eq_tol(r->index[DYS_IDX_APICAL_TRANSVERSE_MOTION], 2.7658, 1e-4);
    dys_result_free(r);
    prm.avo_ms = 77;
    prm.avc_ms = 288;
    r = analysed(st, &prm);
    ck_assert_double_eq_tol(r->index[DYS_IDX_APICAL_TRANSVERSE_MOTION], 1.8025, 1e-4);
    dys_result_free(r);
    dys_study_free(st);
    free(p);
    p = path_of("contours", "SUB_0014_POST_SAX.CSV");
    st = study_of(p, NULL);
    ck_assert_ptr_null(st->rec[0].apex_transverse_mm);
    dys_params_defaults(&prm);
    r = analysed(st, &prm);
    ck_assert(isnan(r->index[DYS_IDX_APICAL_TRANSVERSE_MOTION]));
    ck_assert_ptr_nonnull(strstr(r->index_reason[DYS_IDX_APICAL_TRANSVERSE_MOTION],
                                 "no tracked apical 4-chamber wall"));
    dys_result_free(r);
    dys_study_free(st);
    free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("contour");
    TCase *t = tcase_create("contour");
    tcase_add_loop_test(t, t_real_read, 0, N_ELEMS(reals));
    tcase_add_test(t, t_recognition);
    tcase_add_loop_test(t, t_published_global_strain, 0, N_ELEMS(reals));
    tcase_add_loop_test(t, t_markers_independent, 0, N_ELEMS(reals));
    tcase_add_loop_test(t, t_pieces_partition, 0, N_ELEMS(reals));
    tcase_add_loop_test(t, t_uniform_contraction, 0, 3);
    tcase_add_loop_test(t, t_one_piece_shortens, 0, 6);
    tcase_add_test(t, t_cuts_material);
    tcase_add_loop_test(t, t_ring_perimeter, 0, 2);
    tcase_add_loop_test(t, t_names, 0, 9);
    tcase_add_loop_test(t, t_motion_translation, 0, 2);
    tcase_add_test(t, t_motion_real);
    tcase_add_test(t, t_bad_arguments);
    tcase_add_loop_test(t, t_hostile, 0, N_ELEMS(hostile));
    tcase_add_test(t, t_hostile_valid);
    tcase_add_test(t, t_limits);
    tcase_add_loop_test(t, t_study_real, 0, N_ELEMS(reals));
    tcase_add_loop_test(t, t_study_global_peak, 0, N_ELEMS(reals));
    tcase_add_test(t, t_study_velocity);
    tcase_add_test(t, t_study_bad_onsets);
    tcase_add_test(t, t_study_directories);
    tcase_add_test(t, t_global_no_cutoff);
    tcase_add_loop_test(t, t_apex_transverse, 0, 2);
    tcase_add_test(t, t_apex_excursion);
    tcase_add_test(t, t_apex_real);
    suite_add_tcase(s, t);
    return s;
}

DYS_CHECK_MAIN(suite)
