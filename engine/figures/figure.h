/*
 * figure.h - what every dyssync figure shares (figure.c): DejaVu Sans
 * text, an axis frame with ticks, and writing a drawing to .png (libpng,
 * with its resolution and Software/Title/Description chunks), .svg or
 * .pdf, atomically and deterministically.  Used by plot.c (the study
 * figures) and plot_stats.c (ROC, Bland-Altman, correlation heat map).
 */
#ifndef DYS_FIGURE_H
#define DYS_FIGURE_H

#include "internal.h"

#include <cairo.h>

#define DYS_FIG_FONT "DejaVu Sans"

/* Text at (x, y) baseline; align 0 left, 0.5 centred, 1 right. */
void dys_fig_text(cairo_t *cr, double x, double y, double size, int bold, double align,
                  const char *s);

/* Text wrapped at spaces to `width`, from baseline y, line_h apart, at
 * most max_lines lines; returns the lines drawn. */
int dys_fig_text_wrapped(cairo_t *cr, double x, double y, double size, double width,
                         double line_h, int max_lines, const char *s);

/* Axis frame with ticks (xstep 0: none on x) and labels; the caller maps
 * data to the box itself. */
void dys_fig_axis(cairo_t *cr, double x, double y, double w, double h, double x0, double x1,
                  double y0, double y1, double xstep, double ystep, const char *xl,
                  const char *yl, double fs);

typedef void (*dys_fig_draw_fn)(cairo_t *cr, double w_pt, double h_pt, const void *data);

/* Draw a w_pt x h_pt figure (points) with `draw` into `path`, whose
 * extension (.png, .svg, .pdf) picks the format; PNG at dpi (30-1200).
 * title and description go into the PNG text chunks and the PDF title.
 * DYS_ERR_INVALID for an unknown extension or dpi, DYS_ERR_UNSUPPORTED
 * without the DejaVu Sans font, DYS_ERR_IO when the file cannot be
 * written. */
dys_status dys_fig_write(dys_ctx *ctx, const char *path, double w_pt, double h_pt, double dpi,
                         const char *title, const char *description, dys_fig_draw_fn draw,
                         const void *data);

#endif
