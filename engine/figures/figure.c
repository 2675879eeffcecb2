/*
 * figure.c - what every figure shares (figure.h): text, axes, and the
 * output.  PNG is written through libpng rather than cairo's own writer so
 * that it carries its resolution (pHYs) and text chunks; SVG and PDF come
 * from cairo's surfaces.  Nothing that varies from run to run is written
 * (no dates; PDF's creation date is blanked), so a figure's bytes depend
 * only on what is drawn.
 */
#include "figure.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void dys_fig_text(cairo_t *cr, double x, double y, double size, int bold, double align,
                  const char *s)
{
    cairo_select_font_face(cr, DYS_FIG_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - align * (e.x_advance), y);
    cairo_show_text(cr, s);
}

int dys_fig_text_wrapped(cairo_t *cr, double x, double y, double size, double width,
                         double line_h, int max_lines, const char *s)
{
    cairo_select_font_face(cr, DYS_FIG_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    char line[512];
    int lines = 0;
    while (*s && lines < max_lines) {
        /* the longest run of whole words that fits (a word longer than the
         * width is cut) */
        size_t fit = 0, n = strlen(s) < sizeof line - 1 ? strlen(s) : sizeof line - 1;
        for (size_t end = 1; end <= n; end++) {
            if (end < n && s[end] != ' ')
                continue;
            memcpy(line, s, end);
            line[end] = '\0';
            cairo_text_extents_t e;
            cairo_text_extents(cr, line, &e);
            if (e.x_advance > width && fit)
                break;
            fit = end;
            if (e.x_advance > width)
                break;
        }
        memcpy(line, s, fit);
        line[fit] = '\0';
        cairo_move_to(cr, x, y + lines * line_h);
        cairo_show_text(cr, line);
        lines++;
        s += fit;
        while (*s == ' ')
            s++;
    }
    return lines;
}

void dys_fig_axis(cairo_t *cr, double x, double y, double w, double h, double x0, double x1,
                  double y0, double y1, double xstep, double ystep, const char *xl,
                  const char *yl, double fs)
{
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 0.7);
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    char buf[32];
    for (double v = ceil(x0 / xstep) * xstep; xstep > 0 && v <= x1 + 1e-9; v += xstep) {
        double px = x + (v - x0) / (x1 - x0) * w;
        cairo_move_to(cr, px, y + h);
        cairo_line_to(cr, px, y + h + 3);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%g", fabs(v) < 1e-9 ? 0.0 : v);
        dys_fig_text(cr, px, y + h + 3 + fs, fs, 0, 0.5, buf);
    }
    for (double v = ceil(y0 / ystep) * ystep; v <= y1 + 1e-9; v += ystep) {
        double py = y + h - (v - y0) / (y1 - y0) * h;
        cairo_move_to(cr, x - 3, py);
        cairo_line_to(cr, x, py);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%g", fabs(v) < 1e-9 ? 0.0 : v);
        dys_fig_text(cr, x - 4, py + fs * 0.35, fs, 0, 1, buf);
    }
    if (xl)
        dys_fig_text(cr, x + w / 2, y + h + 3 + 2.2 * fs, fs, 0, 0.5, xl);
    if (yl) {
        cairo_save(cr);
        cairo_translate(cr, x - 5.5 * fs, y + h / 2);
        cairo_rotate(cr, -M_PI / 2);
        dys_fig_text(cr, 0, 0, fs, 0, 0.5, yl);
        cairo_restore(cr);
    }
}



static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, (FILE *)closure) == len ? CAIRO_STATUS_SUCCESS
                                                         : CAIRO_STATUS_WRITE_ERROR;
}

static const char *ext_of(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

/* The font must really be DejaVu Sans: fontconfig falls back silently. */
static int have_font(void)
{
    FcConfig *cfg = FcInitLoadConfigAndFonts();
    if (!cfg)
        return 0;
    FcPattern *p = FcNameParse((const FcChar8 *)DYS_FIG_FONT);
    FcResult res;
    int ok = 0;
    if (p) {
        FcConfigSubstitute(cfg, p, FcMatchPattern);
        FcDefaultSubstitute(p);
        FcPattern *m = FcFontMatch(cfg, p, &res);
        FcChar8 *fam = NULL;
        if (m && FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch)
            ok = strcmp((const char *)fam, DYS_FIG_FONT) == 0;
        if (m)
            FcPatternDestroy(m);
        FcPatternDestroy(p);
    }
    FcConfigDestroy(cfg);
    return ok;
}

static dys_status write_png(dys_ctx *ctx, cairo_surface_t *sf, FILE *fp, double dpi,
                            const char *title, const char *desc, const char *path)
{
    int w = cairo_image_surface_get_width(sf), h = cairo_image_surface_get_height(sf);
    int stride = cairo_image_surface_get_stride(sf);
    unsigned char *px = cairo_image_surface_get_data(sf);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = malloc((size_t)w * 3);
    if (!png || !info || !row) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return dys_fail(ctx, DYS_ERR_IO, "%s: PNG could not be written", path);
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)lround(dpi / 0.0254);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    char software[64];
    snprintf(software, sizeof software, "dyssync %s", dys_version());
    png_text t[3];
    memset(t, 0, sizeof t);
    t[0].compression = t[1].compression = t[2].compression = PNG_TEXT_COMPRESSION_NONE;
    t[0].key = (char *)"Software";
    t[0].text = software;
    t[1].key = (char *)"Title";
    t[1].text = (char *)title;
    t[2].key = (char *)"Description";
    t[2].text = (char *)desc;
    png_set_text(png, info, t, 3);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    for (int yy = 0; yy < h; yy++) {
        const uint32_t *src = (const uint32_t *)(px + (size_t)yy * (size_t)stride);
        for (int xx = 0; xx < w; xx++) { /* ARGB32, opaque: no unpremultiply */
            row[3 * xx] = (unsigned char)(src[xx] >> 16);
            row[3 * xx + 1] = (unsigned char)(src[xx] >> 8);
            row[3 * xx + 2] = (unsigned char)src[xx];
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    return DYS_OK;
}

dys_status dys_fig_write(dys_ctx *ctx, const char *path, double W, double H, double dpi,
                         const char *title, const char *description, dys_fig_draw_fn draw,
                         const void *data)
{
    if (!(dpi >= 30 && dpi <= 1200))
        return dys_fail(ctx, DYS_ERR_INVALID, "plot: dpi must be 30-1200");
    const char *ext = ext_of(path);
    int png = !strcasecmp(ext, "png"), svg = !strcasecmp(ext, "svg"), pdf = !strcasecmp(ext, "pdf");
    if (!png && !svg && !pdf)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "%s: the extension picks the format: .png, .svg or .pdf", path);
    if (!have_font())
        return dys_fail(ctx, DYS_ERR_UNSUPPORTED, "plot: the font " DYS_FIG_FONT
                                                  " is not installed (Debian: fonts-dejavu-core)");
    dys_outfile af;
    dys_status st = dys_outfile_open(ctx, &af, path);
    if (st != DYS_OK)
        return st;
    cairo_surface_t *sf;
    if (png)
        sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(W * dpi / 72.0),
                                        (int)lround(H * dpi / 72.0));
    else if (svg)
        sf = cairo_svg_surface_create_for_stream(to_file, af.f, W, H);
    else
        sf = cairo_pdf_surface_create_for_stream(to_file, af.f, W, H);
    if (pdf) {
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "dyssync " DYS_VERSION_STRING);
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, "");
    }
    cairo_t *cr = cairo_create(sf);
    if (png)
        cairo_scale(cr, dpi / 72.0, dpi / 72.0);
    draw(cr, W, H, data);
    cairo_show_page(cr);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(sf);
    if (cs == CAIRO_STATUS_SUCCESS && png)
        st = write_png(ctx, sf, af.f, dpi, title, description, path);
    cairo_surface_finish(sf);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (cs != CAIRO_STATUS_SUCCESS && st == DYS_OK)
        st = dys_fail(ctx, cs == CAIRO_STATUS_NO_MEMORY ? DYS_ERR_NOMEM : DYS_ERR_IO,
                      "%s: drawing failed: %s", path, cairo_status_to_string(cs));
    if (st != DYS_OK) {
        dys_outfile_abort(&af);
        return st;
    }
    return dys_outfile_commit(ctx, &af);
}
