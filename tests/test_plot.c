/* Figures: every kind as PNG (decoded: size, resolution, text chunks, and
 * pixels against the committed reference images within a tolerance), SVG
 * (well-formed enough to parse: header and closing tag) and PDF (header
 * and trailer); determinism; refusals. */
#include "check_main.h"
#include "dyssync_plot.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/dys_plot_XXXXXX";

static void analysed(const char *rel, dys_study **s, dys_result **r)
{
    const char *root = getenv("DYS_TESTDATA");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root ? root : "testdata", rel);
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_msg(dys_study_read(ctx, path, NULL, s) == DYS_OK, "%s", dys_ctx_error(ctx));
    ck_assert_msg(dys_analyze(ctx, *s, NULL, r) == DYS_OK, "%s", dys_ctx_error(ctx));
    dys_ctx_free(ctx);
}

typedef struct {
    png_uint_32 w, h;
    unsigned char *rgb; /* w * h * 3 */
    double ppm;
    char software[64], title[64], desc[256];
} image;

static void read_png(const char *path, image *im)
{
    memset(im, 0, sizeof *im);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    ck_assert(png && info);
    ck_assert_int_eq(setjmp(png_jmpbuf(png)), 0);
    png_init_io(png, f);
    png_read_info(png, info);
    im->w = png_get_image_width(png, info);
    im->h = png_get_image_height(png, info);
    ck_assert_int_eq(png_get_color_type(png, info), PNG_COLOR_TYPE_RGB);
    ck_assert_int_eq(png_get_bit_depth(png, info), 8);
    png_uint_32 rx, ry;
    int unit;
    if (png_get_pHYs(png, info, &rx, &ry, &unit)) {
        ck_assert_int_eq(unit, PNG_RESOLUTION_METER);
        ck_assert_uint_eq(rx, ry);
        im->ppm = rx;
    }
    png_textp t;
    int nt = 0;
    png_get_text(png, info, &t, &nt);
    for (int i = 0; i < nt; i++) {
        if (!strcmp(t[i].key, "Software"))
            snprintf(im->software, sizeof im->software, "%s", t[i].text);
        if (!strcmp(t[i].key, "Title"))
            snprintf(im->title, sizeof im->title, "%s", t[i].text);
        if (!strcmp(t[i].key, "Description"))
            snprintf(im->desc, sizeof im->desc, "%s", t[i].text);
    }
    im->rgb = malloc((size_t)im->w * im->h * 3);
    for (png_uint_32 y = 0; y < im->h; y++)
        png_read_row(png, im->rgb + (size_t)y * im->w * 3, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
}

static const struct {
    const char *study, *name;
    dys_plot_kind kind;
    double w, h; /* default size, inches */
} figures[] = {
    {"studies/lbbb_views", "lbbb_curves", DYS_PLOT_CURVES, 7.5, 8.0},
    {"studies/lbbb_views", "lbbb_bullseye", DYS_PLOT_BULLSEYE, 6.0, 5.0},
    {"studies/lbbb_views", "lbbb_bars", DYS_PLOT_BARS, 7.0, 4.5},
    {"studies/multibeat_ecg", "mb06_report", DYS_PLOT_REPORT, 11.69, 8.27},
};

START_TEST(png_matches_reference)
{
    dys_study *s;
    dys_result *r;
    analysed(figures[_i].study, &s, &r);
    dys_plot_options o;
    dys_plot_options_defaults(&o);
    o.kind = figures[_i].kind;
    o.dpi = 100;
    char out[256], ref[512];
    snprintf(out, sizeof out, "%s/%s.png", tmpdir, figures[_i].name);
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_msg(dys_plot_write(ctx, s, r, &o, out) == DYS_OK, "%s", dys_ctx_error(ctx));
    image a, b;
    read_png(out, &a);
    /* size and resolution follow the options; the text chunks are there */
    ck_assert_uint_eq(a.w, (png_uint_32)(figures[_i].w * 100 + 0.5));
    ck_assert_uint_eq(a.h, (png_uint_32)(figures[_i].h * 100 + 0.5));
    ck_assert_double_eq_tol(a.ppm, 100 / 0.0254, 1);
    ck_assert_str_eq(a.software, "dyssync " DYS_VERSION_STRING);
    ck_assert_str_eq(a.title, r->study_id);
    ck_assert_ptr_nonnull(strstr(a.desc, "100 dpi"));
    /* the same bytes twice */
    char again[300];
    snprintf(again, sizeof again, "%s.again.png", out);
    ck_assert_int_eq(dys_plot_write(ctx, s, r, &o, again), DYS_OK);
    FILE *f1 = fopen(out, "rb"), *f2 = fopen(again, "rb");
    int c1, c2;
    do {
        c1 = fgetc(f1);
        c2 = fgetc(f2);
    } while (c1 == c2 && c1 != EOF);
    ck_assert_int_eq(c1, c2);
    fclose(f1);
    fclose(f2);
    /* against the committed reference: at most 0.5 % of the pixels may
     * differ by more than 48 in a channel (another cairo or FreeType
     * version rounds anti-aliasing differently) */
    const char *root = getenv("DYS_TESTDATA");
    snprintf(ref, sizeof ref, "%s/expected/figures/%s.png", root ? root : "testdata",
             figures[_i].name);
    read_png(ref, &b);
    ck_assert_uint_eq(a.w, b.w);
    ck_assert_uint_eq(a.h, b.h);
    size_t off = 0, n = (size_t)a.w * a.h;
    for (size_t p = 0; p < n; p++)
        for (int c = 0; c < 3; c++)
            if (abs(a.rgb[3 * p + c] - b.rgb[3 * p + c]) > 48) {
                off++;
                break;
            }
    ck_assert_msg(off * 200 <= n, "%s: %zu of %zu pixels differ from %s", out, off, n, ref);
    free(a.rgb);
    free(b.rgb);
    dys_ctx_free(ctx);
    dys_result_free(r);
    dys_study_free(s);
}
END_TEST

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(*len + 1);
    ck_assert_uint_eq(fread(b, 1, *len, f), *len);
    b[*len] = '\0';
    fclose(f);
    return b;
}

START_TEST(svg_and_pdf)
{
    dys_study *s;
    dys_result *r;
    analysed("studies/lbbb_views", &s, &r);
    dys_plot_options o;
    dys_plot_options_defaults(&o);
    dys_ctx *ctx = dys_ctx_new();
    char path[256];
    size_t len;
    for (int k = 0; k < 4; k++) {
        o.kind = (dys_plot_kind)k;
        snprintf(path, sizeof path, "%s/k%d.svg", tmpdir, k);
        ck_assert_int_eq(dys_plot_write(ctx, s, r, &o, path), DYS_OK);
        char *b = slurp(path, &len);
        ck_assert(strncmp(b, "<?xml", 5) == 0);
        ck_assert_ptr_nonnull(strstr(b, "<svg"));
        ck_assert_ptr_nonnull(strstr(b + len - 10, "</svg>"));
        free(b);
        snprintf(path, sizeof path, "%s/k%d.pdf", tmpdir, k);
        ck_assert_int_eq(dys_plot_write(ctx, s, r, &o, path), DYS_OK);
        b = slurp(path, &len);
        ck_assert(strncmp(b, "%PDF-1.", 7) == 0);
        ck_assert_ptr_nonnull(strstr(b + len - 8, "%%EOF"));
        ck_assert_ptr_null(strstr(b, "/CreationDate")); /* deterministic */
        free(b);
    }
    dys_ctx_free(ctx);
    dys_result_free(r);
    dys_study_free(s);
}
END_TEST

START_TEST(refusals)
{
    dys_study *s;
    dys_result *r;
    analysed("studies/lbbb_single.csv", &s, &r);
    dys_plot_options o;
    dys_plot_options_defaults(&o);
    dys_ctx *ctx = dys_ctx_new();
    char path[256];
    snprintf(path, sizeof path, "%s/x.jpg", tmpdir);
    ck_assert_int_eq(dys_plot_write(ctx, s, r, &o, path), DYS_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), ".png, .svg or .pdf"));
    ck_assert_int_ne(access(path, F_OK), 0);
    o.dpi = 5;
    snprintf(path, sizeof path, "%s/x.png", tmpdir);
    ck_assert_int_eq(dys_plot_write(ctx, s, r, &o, path), DYS_ERR_INVALID);
    o.dpi = 150;
    ck_assert_int_eq(dys_plot_write(ctx, s, r, &o, "/nonexistent/dir/x.png"), DYS_ERR_IO);
    /* without the font: a clear failure, no file (the test runs forked) */
    char conf[256];
    snprintf(conf, sizeof conf, "%s/empty.conf", tmpdir);
    FILE *f = fopen(conf, "w");
    fputs("<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n", f);
    fclose(f);
    setenv("FONTCONFIG_FILE", conf, 1);
    snprintf(path, sizeof path, "%s/nofont.png", tmpdir);
    ck_assert_int_eq(dys_plot_write(ctx, s, r, &o, path), DYS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "DejaVu Sans"));
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_eq(dys_plot_kind_parse("bullseye"), DYS_PLOT_BULLSEYE);
    ck_assert_int_eq(dys_plot_kind_parse("pie"), -1);
    dys_ctx_free(ctx);
    dys_result_free(r);
    dys_study_free(s);
}
END_TEST

/* The fixed colour scale: the synchronous MB-06 (Ts spread 28 ms) in the
 * TSI colours shows no red in its rings, while stretched over the study
 * (--colour-scale study) its latest segment is red; the LBBB study's
 * latest segments (about 100 ms later) are warm, orange to red, on the
 * fixed scale too. */
static size_t red_in_rings(const char *study, dys_colour_scale cs, const char *name)
{
    dys_study *s;
    dys_result *r;
    analysed(study, &s, &r);
    dys_plot_options o;
    dys_plot_options_defaults(&o);
    o.kind = DYS_PLOT_BULLSEYE;
    o.dpi = 100;
    o.tsi_colours = 1;
    o.colour_scale = cs;
    char out[256];
    snprintf(out, sizeof out, "%s/%s.png", tmpdir, name);
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_msg(dys_plot_write(ctx, s, r, &o, out) == DYS_OK, "%s", dys_ctx_error(ctx));
    image a;
    read_png(out, &a);
    /* the bull's-eye of a 6 x 5 in figure: centre (0.42 W, 0.53 H), radius
     * 0.33 H; the colour bar lies outside it */
    double cx = 0.42 * a.w, cy = 0.53 * a.h, rad = 0.33 * a.h;
    size_t red = 0;
    for (png_uint_32 y = 0; y < a.h; y++)
        for (png_uint_32 x = 0; x < a.w; x++) {
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > rad * rad)
                continue;
            const unsigned char *p = a.rgb + ((size_t)y * a.w + x) * 3;
            red += p[0] > 200 && p[1] < 170 && p[2] < 80; /* orange to red */
        }
    free(a.rgb);
    dys_ctx_free(ctx);
    dys_result_free(r);
    dys_study_free(s);
    return red;
}

START_TEST(fixed_scale_keeps_synchronous_green)
{
    ck_assert_uint_eq(red_in_rings("studies/multibeat_ecg", DYS_COLOUR_FIXED, "sync_fixed"), 0);
    ck_assert_uint_gt(red_in_rings("studies/multibeat_ecg", DYS_COLOUR_STUDY, "sync_study"), 500);
    ck_assert_uint_gt(red_in_rings("studies/lbbb_views", DYS_COLOUR_FIXED, "lbbb_fixed"), 0);
    ck_assert_int_eq(dys_colour_scale_parse("fixed"), DYS_COLOUR_FIXED);
    ck_assert_int_eq(dys_colour_scale_parse("study"), DYS_COLOUR_STUDY);
    ck_assert_int_eq(dys_colour_scale_parse("auto"), -1);
}
END_TEST

/* A view whose beats were all rejected: its panel in the curves figure
 * (and the report) is the pale red box that says so and why, not curves
 * no value came from.  MB-06's A2C given QRS onsets of a bigeminy-like
 * rhythm (RR 800/400 ms): every beat departs 33 % from the median. */
static size_t rejected_panel_pixels(int bigeminy, dys_plot_kind kind)
{
    const char *root = getenv("DYS_TESTDATA");
    char path[512];
    snprintf(path, sizeof path, "%s/studies/multibeat_ecg", root ? root : "testdata");
    dys_ctx *ctx = dys_ctx_new();
    dys_study *s;
    dys_result *r;
    ck_assert_msg(dys_study_read(ctx, path, NULL, &s) == DYS_OK, "%s", dys_ctx_error(ctx));
    static const double on[7] = {300, 1100, 1500, 2300, 2700, 3500, 3900};
    for (size_t i = 0; bigeminy && i < s->n_rec; i++)
        if (s->rec[i].view == DYS_VIEW_A2C) {
            free(s->rec[i].qrs_onsets_ms);
            s->rec[i].qrs_onsets_ms = malloc(sizeof on);
            memcpy(s->rec[i].qrs_onsets_ms, on, sizeof on);
            s->rec[i].n_qrs_onsets = 7;
        }
    ck_assert_msg(dys_analyze(ctx, s, NULL, &r) == DYS_OK, "%s", dys_ctx_error(ctx));
    dys_plot_options o;
    dys_plot_options_defaults(&o);
    o.kind = kind;
    o.dpi = 60;
    char out[256];
    snprintf(out, sizeof out, "%s/rejected_%d_%d.png", tmpdir, bigeminy, (int)kind);
    ck_assert_msg(dys_plot_write(ctx, s, r, &o, out) == DYS_OK, "%s", dys_ctx_error(ctx));
    image a;
    read_png(out, &a);
    size_t n = 0;
    for (size_t k = 0; k < (size_t)a.w * a.h; k++) {
        const unsigned char *p = a.rgb + 3 * k;
        n += abs(p[0] - 245) <= 2 && abs(p[1] - 237) <= 2 && abs(p[2] - 237) <= 2; /* the fill */
    }
    free(a.rgb);
    dys_ctx_free(ctx);
    dys_result_free(r);
    dys_study_free(s);
    return n;
}

/* Scar and veins on the bull's-eye: LBBB-01 with scar and veins (testdata
 * anatomy/lbbb_keys.csv) against LBBB-01 without them.  The vein rings
 * (their red) appear only with veins, the hatching darkens the scarred
 * lateral cells, and the rest of the map is the same timing. */
static void bullseye_png(const char *rel, const char *name, image *im)
{
    dys_study *s;
    dys_result *r;
    analysed(rel, &s, &r);
    dys_ctx *ctx = dys_ctx_new();
    dys_plot_options o;
    dys_plot_options_defaults(&o);
    o.kind = DYS_PLOT_BULLSEYE;
    o.dpi = 60;
    char out[256];
    snprintf(out, sizeof out, "%s/%s.png", tmpdir, name);
    ck_assert_msg(dys_plot_write(ctx, s, r, &o, out) == DYS_OK, "%s", dys_ctx_error(ctx));
    read_png(out, im);
    dys_ctx_free(ctx);
    dys_result_free(r);
    dys_study_free(s);
}

static size_t count_rgb(const image *a, int r, int g, int b, int tol)
{
    size_t n = 0;
    for (size_t k = 0; k < (size_t)a->w * a->h; k++) {
        const unsigned char *p = a->rgb + 3 * k;
        n += abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol;
    }
    return n;
}

static size_t dark_green(const image *a)
{
    size_t n = 0;
    for (size_t k = 0; k < (size_t)a->w * a->h; k++) {
        const unsigned char *p = a->rgb + 3 * k;
        n += p[0] < 80 && p[1] < 90 && p[1] > p[0] + 10 && p[1] + 5 >= p[2];
    }
    return n;
}

START_TEST(bullseye_scar_and_veins)
{
    image with, without;
    bullseye_png("anatomy/lbbb_keys.csv", "anat_with", &with);
    bullseye_png("studies/lbbb_single.csv", "anat_without", &without);
    size_t red_with = count_rgb(&with, 191, 25, 25, 30),
           red_without = count_rgb(&without, 191, 25, 25, 30);
    ck_assert_uint_eq(red_without, 0);
    ck_assert_uint_gt(red_with, 20);
    /* hatching: dark lines over the green lateral cells, a shade no
     * viridis cell (dark ones are purple) and no text has */
    size_t dark_with = dark_green(&with), dark_without = dark_green(&without);
    ck_assert_msg(dark_with > dark_without + 300, "dark pixels %zu with, %zu without", dark_with,
                  dark_without);
    free(with.rgb);
    free(without.rgb);
}
END_TEST

START_TEST(all_beats_rejected_panel)
{
    ck_assert_uint_eq(rejected_panel_pixels(0, DYS_PLOT_CURVES), 0);
    ck_assert_uint_gt(rejected_panel_pixels(1, DYS_PLOT_CURVES), 20000);
    ck_assert_uint_gt(rejected_panel_pixels(1, DYS_PLOT_REPORT), 10000);
}
END_TEST

static Suite *suite(void)
{
    if (!mkdtemp(tmpdir))
        abort();
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, png_matches_reference, 0, (int)(sizeof figures / sizeof figures[0]));
    tcase_add_test(tc, svg_and_pdf);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, fixed_scale_keeps_synchronous_green);
    tcase_add_test(tc, all_beats_rejected_panel);
    tcase_add_test(tc, bullseye_scar_and_veins);
    suite_add_tcase(s, tc);
    return s;
}

DYS_CHECK_MAIN(suite)
