/*
 * dyssync_plot.h - every figure the library draws: of a dyssynchrony
 * result (segment curves, the AHA bull's-eye, timing bars, a one-page
 * report) and of the research statistics (ROC curves, Bland-Altman, a
 * correlation heat map), as PNG (through libpng, with its resolution and
 * text chunks), SVG or PDF (cairo).
 *
 * A library built without figures (meson -Dfigures=disabled: no cairo,
 * libpng or fontconfig) keeps these functions; the drawing ones then fail
 * with DYS_ERR_UNSUPPORTED and say so.
 *
 * Thread-safe: each call draws on its own surfaces; no global state.
 * Deterministic: the same study, result and options give the same bytes
 * (PNG and SVG; PDF carries no date).
 *
 * The drawing functions follow dyssync.h: a context first (not NULL), a
 * dys_status back with the message in the context.  A pointer may be NULL
 * only where its function says so.
 */
#ifndef DYSSYNC_PLOT_H
#define DYSSYNC_PLOT_H

#include "dyssync.h"
#include "dyssync_stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dys_plot_kind {
    DYS_PLOT_CURVES = 0, /* velocity (or strain) against ms from QRS onset, per view */
    DYS_PLOT_BULLSEYE,   /* polar map of the 12 basal and mid segments, or of
                            the 18 with the apical ring */
    DYS_PLOT_BARS,       /* Ts per segment grouped by wall, mean +- SD */
    DYS_PLOT_REPORT      /* one page: the three, metadata, indices, eligibility */
} dys_plot_kind;

/* How the bull's-eye colours and the bars' axis are scaled. */
typedef enum dys_colour_scale {
    DYS_COLOUR_FIXED = 0, /* clinically anchored (default): colour is the
                             delay from the earliest segment, 0 to
                             DYS_PLOT_DELAY_MAX_MS, the same for every
                             study, with the published delay cut-offs
                             marked; a synchronous study stays at the low
                             end of the scale */
    DYS_COLOUR_STUDY      /* stretched over this study's range: every
                             study uses the whole scale, so a synchronous
                             one shows the same extremes as a dyssynchronous
                             one */
} dys_colour_scale;

/* The top of the fixed scale: 1.5 x the largest published delay cut-off
 * (Ts-diff-12, 100 ms, Yu 2003), so every cut-off lies inside it and
 * delays past it saturate (docs/indices.md, "Figures"). */
#define DYS_PLOT_DELAY_MAX_MS 150.0

typedef struct dys_plot_options {
    dys_plot_kind kind;
    double dpi;          /* PNG resolution (default 150) */
    double width_in;     /* figure size in inches; 0 = the kind's default */
    double height_in;
    int bullseye_delay;  /* bull's-eye coloured by delay from the earliest
                            segment instead of Ts */
    int tsi_colours;     /* green -> yellow -> red (the TSI convention)
                            instead of the perceptually uniform viridis */
    int beat;            /* curves: the accepted beat to show, 1-based;
                            0 = the first accepted beat of each view */
    dys_colour_scale colour_scale; /* bull's-eye and bars: DYS_COLOUR_FIXED
                            (default) or DYS_COLOUR_STUDY */
} dys_plot_options;

/* Returns the dys_colour_scale named "fixed" or "study", -1 for another
 * name or NULL. */
DYS_API int dys_colour_scale_parse(const char *name);

/* Fills *o with the defaults (the report, 150 dpi, the kind's size, the
 * fixed colour scale); cannot fail. */
/* 1 when this library draws figures, 0 when it was built without them
 * (meson -Dfigures=disabled), so that a program can refuse a run that
 * asks for figures before it starts. */
DYS_API int dys_figures_available(void);
DYS_API void dys_plot_options_defaults(dys_plot_options *o);

/* Returns the dys_plot_kind named "curves", "bullseye", "bars" or
 * "report", -1 for another name or NULL. */
DYS_API int dys_plot_kind_parse(const char *name);

/* Draw the figure of `result` (analysed from `study`) into `path`, whose
 * extension (.png, .svg, .pdf) picks the format; the file is written
 * atomically.  o may be NULL (dys_plot_options_defaults).  Returns DYS_OK,
 * or DYS_ERR_INVALID for an unknown extension, bad options or a NULL
 * study, result or path, DYS_ERR_UNSUPPORTED when the DejaVu Sans font is
 * not installed or the library has no figures, DYS_ERR_IO when the file
 * cannot be written. */
DYS_API dys_status dys_plot_write(dys_ctx *ctx, const dys_study *study,
                                  const dys_result *result, const dys_plot_options *o,
                                  const char *path);

/* ---- figures of the research statistics (dyssync_stats.h) ------------- */

/* One curve of a ROC figure: its name in the legend with its AUC and CI. */
typedef struct dys_roc_series {
    const char *name;
    const double *score;
    const int *label;
    size_t n;
    dys_roc roc;
} dys_roc_series;

/* ROC curves (up to 8, Okabe-Ito colours) over the chance diagonal, into
 * path as dys_plot_write.  Returns DYS_OK, or DYS_ERR_INVALID for no or
 * more than 8 series, a score that is not finite (dys_roc_points) or bad
 * dpi, and the failures of dys_plot_write.  title and each name must not
 * be NULL. */
DYS_API dys_status dys_plot_roc(dys_ctx *ctx, const char *path, const dys_roc_series *s,
                                size_t ns, const char *title, double dpi);

/* Bland-Altman plot: difference a - b (ba->n subjects, ba from
 * dys_bland_altman_compute) against the mean of the two, the bias and
 * limits of agreement with their 95 % CIs as bands.  Returns DYS_OK, or
 * DYS_ERR_INVALID when ba->n is 0 or dpi is bad, and the failures of
 * dys_plot_write.  unit may be NULL (axes without one); title must not. */
DYS_API dys_status dys_plot_bland_altman(dys_ctx *ctx, const char *path, const double *a,
                                         const double *b, const dys_bland_altman *ba,
                                         const char *title, const char *unit, double dpi);

/* Heat map of a k x k correlation matrix r (row-major, NAN where not
 * computed), names along both axes, the value in each cell, a diverging
 * blue-white-red scale from -1 to 1.  Returns DYS_OK, or DYS_ERR_INVALID
 * unless 2 <= k <= 60 or when dpi is bad, and the failures of
 * dys_plot_write.  title and the k names must not be NULL. */
DYS_API dys_status dys_plot_heatmap(dys_ctx *ctx, const char *path, const char *const *names,
                                    size_t k, const double *r, const char *title, double dpi);

#ifdef __cplusplus
}
#endif
#endif
