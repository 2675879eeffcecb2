/*
 * plot_stats.c - the figures of dyssync stats: ROC curves, the
 * Bland-Altman plot and the correlation heat map.  Same conventions as the
 * study figures (figure.c): DejaVu Sans, Okabe-Ito colours (colour-blind
 * safe), the engine version in small print, deterministic bytes.
 */
#include "figure.h"
#include "dyssync_plot.h"
#include "dyssync_optimise.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double okabe_ito[8][3] = {
    {0.000, 0.447, 0.698}, {0.835, 0.369, 0.000}, {0.000, 0.620, 0.451}, {0.800, 0.475, 0.655},
    {0.902, 0.624, 0.000}, {0.337, 0.706, 0.914}, {0.941, 0.894, 0.259}, {0.0, 0.0, 0.0}};

static void version_line(cairo_t *cr, double x, double y)
{
    char buf[64];
    snprintf(buf, sizeof buf, "dyssync %s", dys_version());
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    dys_fig_text(cr, x, y, 6.5, 0, 0, buf);
}

/* A tick step of 1, 2 or 5 times a power of ten giving about 5 ticks. */
static double nice_step(double range)
{
    if (!(range > 0))
        return 1;
    double raw = range / 5, p = pow(10, floor(log10(raw))), f = raw / p;
    return p * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

/* ---- ROC ----------------------------------------------------------------- */

/* The curves' points are computed before drawing (dys_roc_points can
 * fail, and the drawing callback has no context to say so). */
typedef struct {
    const dys_roc_series *s;
    size_t ns;
    const char *title;
    double *fp[8], *tp[8]; /* each holds s[c].n + 2 points */
    size_t np[8];
} roc_fig;

static void draw_roc(cairo_t *cr, double W, double H, const void *data)
{
    const roc_fig *f = data;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dys_fig_text(cr, 16, 24, 13, 1, 0, f->title);
    double x = 62, y = 44, w = W - 84, h = H - 100;
    dys_fig_axis(cr, x, y, w, h, 0, 1, 0, 1, 0.2, 0.2, "1 - specificity", "sensitivity", 8);
    double dash[] = {3, 3};
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, x, y + h);
    cairo_line_to(cr, x + w, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (size_t c = 0; c < f->ns; c++) {
        const dys_roc_series *s = &f->s[c];
        const double *fp = f->fp[c], *tp = f->tp[c];
        size_t k = f->np[c];
        const double *col = okabe_ito[c % 8];
        cairo_set_source_rgb(cr, col[0], col[1], col[2]);
        cairo_set_line_width(cr, 1.6);
        /* ties between classes move up and across at once: a diagonal */
        for (size_t i = 0; i < k; i++) {
            double px = x + fp[i] * w, py = y + h - tp[i] * h;
            if (i == 0)
                cairo_move_to(cr, px, py);
            else
                cairo_line_to(cr, px, py);
        }
        cairo_stroke(cr);
        /* the Youden point */
        double px = x + (1 - s->roc.specificity) * w, py = y + h - s->roc.sensitivity * h;
        cairo_arc(cr, px, py, 2.8, 0, 2 * M_PI);
        cairo_fill(cr);
        char buf[160];
        snprintf(buf, sizeof buf, "%s  AUC %.2f (%.2f-%.2f), n %zu/%zu", s->name, s->roc.auc,
                 s->roc.auc_ci_low, s->roc.auc_ci_high, s->roc.n_pos, s->roc.n_neg);
        double ly = y + h - 10 - 12.0 * (double)(f->ns - 1 - c);
        cairo_move_to(cr, x + w * 0.30, ly - 3);
        cairo_line_to(cr, x + w * 0.30 + 14, ly - 3);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        dys_fig_text(cr, x + w * 0.30 + 18, ly, 7.5, 0, 0, buf);
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    dys_fig_text(cr, x, H - 24, 7, 0, 0,
                 "dots: Youden-optimal cut-off; AUC 95 % CI by DeLong; n responders/non-responders");
    version_line(cr, 16, H - 8);
}

dys_status dys_plot_roc(dys_ctx *ctx, const char *path, const dys_roc_series *s, size_t ns,
                        const char *title, double dpi)
{
    if (ns == 0 || ns > 8)
        return dys_fail(ctx, DYS_ERR_INVALID, "ROC figure: 1 to 8 curves (have %zu)", ns);
    roc_fig f = {s, ns, title, {NULL}, {NULL}, {0}};
    dys_status st = DYS_OK;
    for (size_t c = 0; c < ns && st == DYS_OK; c++) {
        f.fp[c] = malloc((s[c].n + 2) * 2 * sizeof *f.fp[c]);
        if (!f.fp[c]) {
            st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
            break;
        }
        f.tp[c] = f.fp[c] + s[c].n + 2;
        st = dys_roc_points(ctx, s[c].score, s[c].label, s[c].n, f.fp[c], f.tp[c], &f.np[c]);
    }
    if (st == DYS_OK)
        st = dys_fig_write(ctx, path, 6.0 * 72, 6.0 * 72, dpi, title, "ROC curves", draw_roc, &f);
    for (size_t c = 0; c < ns; c++)
        free(f.fp[c]);
    return st;
}

/* ---- Bland-Altman -------------------------------------------------------- */

typedef struct {
    const double *a, *b;
    const dys_bland_altman *ba;
    const char *title, *unit;
} ba_fig;

static void draw_ba(cairo_t *cr, double W, double H, const void *data)
{
    const ba_fig *f = data;
    const dys_bland_altman *ba = f->ba;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dys_fig_text(cr, 16, 24, 13, 1, 0, f->title);
    double x0 = INFINITY, x1 = -INFINITY, y0 = fmin(0, ba->loa_low_ci_low),
           y1 = fmax(0, ba->loa_high_ci_high);
    for (size_t i = 0; i < ba->n; i++) {
        double m = 0.5 * (f->a[i] + f->b[i]), d = f->a[i] - f->b[i];
        x0 = fmin(x0, m);
        x1 = fmax(x1, m);
        y0 = fmin(y0, d);
        y1 = fmax(y1, d);
    }
    double xs = nice_step(x1 - x0), ys = nice_step(y1 - y0);
    x0 = floor(x0 / xs) * xs;
    x1 = ceil(x1 / xs) * xs;
    if (x1 <= x0)
        x1 = x0 + xs;
    y0 = floor(y0 / ys) * ys;
    y1 = ceil(y1 / ys) * ys;
    double x = 70, y = 44, w = W - 200, h = H - 100;
    char xl[96], yl[96];
    snprintf(xl, sizeof xl, "mean of the two (%s)", f->unit);
    snprintf(yl, sizeof yl, "difference A - B (%s)", f->unit);
    dys_fig_axis(cr, x, y, w, h, x0, x1, y0, y1, xs, ys, xl, yl, 8);
#define MAPX(v) (x + ((v) - x0) / (x1 - x0) * w)
#define MAPY(v) (y + h - ((v) - y0) / (y1 - y0) * h)
    /* the CIs of bias and limits as bands, then the lines */
    const double band[3][2] = {{ba->bias_ci_low, ba->bias_ci_high},
                               {ba->loa_low_ci_low, ba->loa_low_ci_high},
                               {ba->loa_high_ci_low, ba->loa_high_ci_high}};
    const double line[3] = {ba->bias, ba->loa_low, ba->loa_high};
    const char *name[3] = {"bias", "-1.96 SD", "+1.96 SD"};
    for (int k = 0; k < 3; k++) {
        const double *col = okabe_ito[k ? 1 : 0]; /* bias blue, limits vermillion */
        cairo_set_source_rgba(cr, col[0], col[1], col[2], 0.15);
        cairo_rectangle(cr, x, MAPY(band[k][1]), w, MAPY(band[k][0]) - MAPY(band[k][1]));
        cairo_fill(cr);
        cairo_set_source_rgb(cr, col[0], col[1], col[2]);
        double dash[] = {4, 3};
        cairo_set_dash(cr, dash, k ? 2 : 0, 0);
        cairo_set_line_width(cr, 1.2);
        cairo_move_to(cr, x, MAPY(line[k]));
        cairo_line_to(cr, x + w, MAPY(line[k]));
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        char buf[64];
        snprintf(buf, sizeof buf, "%s %.3g", name[k], line[k]);
        dys_fig_text(cr, x + w + 6, MAPY(line[k]) + 3, 8, 0, 0, buf);
    }
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, x, MAPY(0));
    cairo_line_to(cr, x + w, MAPY(0));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    for (size_t i = 0; i < ba->n; i++) {
        cairo_arc(cr, MAPX(0.5 * (f->a[i] + f->b[i])), MAPY(f->a[i] - f->b[i]), 2.2, 0, 2 * M_PI);
        cairo_fill(cr);
    }
#undef MAPX
#undef MAPY
    char buf[160];
    snprintf(buf, sizeof buf, "n %zu; bands: 95 %% CIs (Bland & Altman 1986); CV %.1f %%", ba->n,
             ba->cv_pct);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    dys_fig_text(cr, x, H - 24, 7, 0, 0, buf);
    version_line(cr, 16, H - 8);
}

dys_status dys_plot_bland_altman(dys_ctx *ctx, const char *path, const double *a,
                                 const double *b, const dys_bland_altman *ba, const char *title,
                                 const char *unit, double dpi)
{
    if (!ba || ba->n < 1)
        return dys_fail(ctx, DYS_ERR_INVALID, "Bland-Altman figure: no pairs");
    ba_fig f = {a, b, ba, title, unit ? unit : ""};
    return dys_fig_write(ctx, path, 7.5 * 72, 5.0 * 72, dpi, title, "Bland-Altman plot", draw_ba,
                         &f);
}

/* ---- heat map ------------------------------------------------------------ */

typedef struct {
    const char *const *names;
    size_t k;
    const double *r;
    const char *title;
    double label_w;
} heat_fig;

/* Diverging blue - white - red (the ends of ColorBrewer's RdBu). */
static void diverging(double r, double *c)
{
    static const double neg[3] = {0.129, 0.400, 0.675}, pos[3] = {0.698, 0.094, 0.169};
    double u = fmin(1, fabs(r));
    const double *e = r < 0 ? neg : pos;
    for (int i = 0; i < 3; i++)
        c[i] = 1 + (e[i] - 1) * u;
}

static void draw_heat(cairo_t *cr, double W, double H, const void *data)
{
    const heat_fig *f = data;
    (void)W;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dys_fig_text(cr, 16, 24, 13, 1, 0, f->title);
    const double cell = 26, x = 16 + f->label_w, y = 44 + f->label_w;
    for (size_t i = 0; i < f->k; i++) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        dys_fig_text(cr, x - 4, y + cell * ((double)i + 0.62), 7, 0, 1, f->names[i]);
        cairo_save(cr);
        cairo_translate(cr, x + cell * ((double)i + 0.62), y - 4);
        cairo_rotate(cr, -M_PI / 2);
        dys_fig_text(cr, 0, 0, 7, 0, 0, f->names[i]);
        cairo_restore(cr);
        for (size_t j = 0; j < f->k; j++) {
            double v = f->r[i * f->k + j], c[3] = {0.85, 0.85, 0.85};
            if (isfinite(v))
                diverging(v, c);
            cairo_set_source_rgb(cr, c[0], c[1], c[2]);
            cairo_rectangle(cr, x + cell * (double)j, y + cell * (double)i, cell, cell);
            cairo_fill(cr);
            char buf[16];
            snprintf(buf, sizeof buf, isfinite(v) ? "%.2f" : "-", v);
            if (isfinite(v) && fabs(v) > 0.6)
                cairo_set_source_rgb(cr, 1, 1, 1);
            else
                cairo_set_source_rgb(cr, 0, 0, 0);
            dys_fig_text(cr, x + cell * ((double)j + 0.5), y + cell * ((double)i + 0.6), 6.5, 0,
                         0.5, buf);
        }
    }
    /* the scale */
    double sx = x, sy = y + cell * (double)f->k + 18, sw = fmin(200, cell * (double)f->k);
    for (int q = 0; q < 100; q++) {
        double c[3];
        diverging(-1 + 2.0 * q / 99.0, c);
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        cairo_rectangle(cr, sx + sw * q / 100.0, sy, sw / 100.0 + 0.3, 8);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    dys_fig_text(cr, sx, sy + 18, 7, 0, 0.5, "-1");
    dys_fig_text(cr, sx + sw / 2, sy + 18, 7, 0, 0.5, "0");
    dys_fig_text(cr, sx + sw, sy + 18, 7, 0, 0.5, "1");
    version_line(cr, 16, H - 8);
}

dys_status dys_plot_heatmap(dys_ctx *ctx, const char *path, const char *const *names, size_t k,
                            const double *r, const char *title, double dpi)
{
    if (k < 2 || k > 60)
        return dys_fail(ctx, DYS_ERR_INVALID, "heat map: 2 to 60 variables (have %zu)", k);
    size_t longest = 0;
    for (size_t i = 0; i < k; i++)
        longest = strlen(names[i]) > longest ? strlen(names[i]) : longest;
    heat_fig f = {names, k, r, title, 8 + 3.9 * (double)longest};
    double side = 26.0 * (double)k;
    double W = fmax(300, 40 + f.label_w + side), H = 44 + f.label_w + side + 60;
    return dys_fig_write(ctx, path, W, H, dpi, title, "correlation heat map", draw_heat, &f);
}

/* ---- device optimisation (dyssync optimise) -------------------------------- */

typedef struct {
    const dys_opt_result *r;
    const char *title;
} opt_fig;

/* One panel: the objective against AV (vv 0) or VV (vv 1) delay, each
 * paced setting a point with its 95 % CI bar.  The points of the
 * reference's other delay (its AV sweep, or VV sweep) are filled and
 * joined, the others hollow and grey: a protocol sweeps one delay at a
 * time, and a point at another VV is not on the AV curve. */
static void opt_panel(cairo_t *cr, const dys_opt_result *r, int vv, double x, double y, double w,
                      double h, double y0, double y1, double ys, const char *yl)
{
    double x0 = INFINITY, x1 = -INFINITY;
    for (size_t i = 0; i < r->n; i++) {
        const dys_opt_setting *s = &r->setting[i];
        double d = vv ? s->vv_delay_ms : s->av_delay_ms;
        if (s->pacing_mode != DYS_PACING_OFF && isfinite(d)) {
            x0 = fmin(x0, d);
            x1 = fmax(x1, d);
        }
    }
    if (!(x1 >= x0))
        x0 = 0, x1 = 1;
    double pad = fmax(5, 0.08 * (x1 - x0));
    x0 -= pad;
    x1 += pad;
    double xs = nice_step(x1 - x0);
    dys_fig_axis(cr, x, y, w, h, x0, x1, y0, y1, xs, ys,
                 vv ? "VV delay (ms, positive: LV first)" : "AV delay (ms)", yl, 8);
#define MAPX(v) (x + ((v) - x0) / (x1 - x0) * w)
#define MAPY(v) (y + h - ((v) - y0) / (y1 - y0) * h)
    const dys_opt_setting *ref = &r->setting[r->reference];
    double other_ref = vv ? ref->av_delay_ms : ref->vv_delay_ms;
    /* the sweep's line, in order of the delay (insertion order by delay) */
    size_t idx[256], m = 0;
    for (size_t i = 0; i < r->n && m < 256; i++) {
        const dys_opt_setting *s = &r->setting[i];
        double other = vv ? s->av_delay_ms : s->vv_delay_ms;
        if (s->pacing_mode == DYS_PACING_OFF || !isfinite(s->value) || other != other_ref)
            continue;
        size_t b = m++;
        double d = vv ? s->vv_delay_ms : s->av_delay_ms;
        while (b > 0 && (vv ? r->setting[idx[b - 1]].vv_delay_ms
                            : r->setting[idx[b - 1]].av_delay_ms) > d) {
            idx[b] = idx[b - 1];
            b--;
        }
        idx[b] = i;
    }
    cairo_set_source_rgb(cr, okabe_ito[0][0], okabe_ito[0][1], okabe_ito[0][2]);
    cairo_set_line_width(cr, 1.0);
    for (size_t a = 0; a < m; a++) {
        const dys_opt_setting *s = &r->setting[idx[a]];
        double d = vv ? s->vv_delay_ms : s->av_delay_ms;
        if (a == 0)
            cairo_move_to(cr, MAPX(d), MAPY(s->value));
        else
            cairo_line_to(cr, MAPX(d), MAPY(s->value));
    }
    cairo_stroke(cr);
    for (size_t i = 0; i < r->n; i++) {
        const dys_opt_setting *s = &r->setting[i];
        double d = vv ? s->vv_delay_ms : s->av_delay_ms;
        double other = vv ? s->av_delay_ms : s->vv_delay_ms;
        if (s->pacing_mode == DYS_PACING_OFF || !isfinite(s->value) || !isfinite(d))
            continue;
        int on = other == other_ref;
        double px = MAPX(d), py = MAPY(s->value);
        if (on)
            cairo_set_source_rgb(cr, okabe_ito[0][0], okabe_ito[0][1], okabe_ito[0][2]);
        else
            cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
        if (isfinite(s->ci_lo)) {
            cairo_set_line_width(cr, 1.0);
            cairo_move_to(cr, px, MAPY(s->ci_lo));
            cairo_line_to(cr, px, MAPY(s->ci_hi));
            cairo_move_to(cr, px - 3, MAPY(s->ci_lo));
            cairo_line_to(cr, px + 3, MAPY(s->ci_lo));
            cairo_move_to(cr, px - 3, MAPY(s->ci_hi));
            cairo_line_to(cr, px + 3, MAPY(s->ci_hi));
            cairo_stroke(cr);
        }
        cairo_new_sub_path(cr);
        cairo_arc(cr, px, py, 2.8, 0, 2 * M_PI);
        if (on)
            cairo_fill(cr);
        else
            cairo_stroke(cr);
        if ((int)i == r->reference) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, 1.2);
            cairo_rectangle(cr, px - 6, py - 6, 12, 12);
            cairo_stroke(cr);
        }
        if ((int)i == r->best) {
            cairo_set_source_rgb(cr, okabe_ito[1][0], okabe_ito[1][1], okabe_ito[1][2]);
            cairo_set_line_width(cr, 1.6);
            cairo_new_sub_path(cr);
            cairo_arc(cr, px, py, 8, 0, 2 * M_PI);
            cairo_stroke(cr);
        }
    }
#undef MAPX
#undef MAPY
}

static void draw_opt(cairo_t *cr, double W, double H, const void *data)
{
    const opt_fig *f = data;
    const dys_opt_result *r = f->r;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dys_fig_text(cr, 16, 24, 13, 1, 0, f->title);
    double y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < r->n; i++) {
        const dys_opt_setting *s = &r->setting[i];
        if (!isfinite(s->value))
            continue;
        y0 = fmin(y0, isfinite(s->ci_lo) ? s->ci_lo : s->value);
        y1 = fmax(y1, isfinite(s->ci_hi) ? s->ci_hi : s->value);
    }
    if (!(y1 >= y0))
        y0 = 0, y1 = 1;
    double ys = nice_step(y1 - y0 > 0 ? y1 - y0 : fabs(y0) + 1);
    y0 = floor(y0 / ys) * ys;
    y1 = ceil(y1 / ys) * ys;
    if (y1 <= y0)
        y1 = y0 + ys;
    char yl[96];
    snprintf(yl, sizeof yl, "%s (mean, 95 %% CI)", r->objective);
    double pw = (W - 150) / 2, ph = H - 132;
    opt_panel(cr, r, 0, 62, 52, pw, ph, y0, y1, ys, yl);
    opt_panel(cr, r, 1, 62 + pw + 70, 52, pw, ph, y0, y1, ys, yl);
    /* the legend and the verdict under the panels */
    double ly = H - 32;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_rectangle(cr, 62 - 5, ly - 8, 10, 10);
    cairo_stroke(cr);
    dys_fig_text(cr, 62 + 10, ly, 8, 0, 0, "reference");
    cairo_set_source_rgb(cr, okabe_ito[1][0], okabe_ito[1][1], okabe_ito[1][2]);
    cairo_set_line_width(cr, 1.6);
    cairo_new_sub_path(cr);
    cairo_arc(cr, 140, ly - 3, 6, 0, 2 * M_PI);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dys_fig_text(cr, 150, ly, 8, 0, 0, "best");
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 1.0);
    cairo_new_sub_path(cr);
    cairo_arc(cr, 196, ly - 3, 2.8, 0, 2 * M_PI);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dys_fig_text(cr, 204, ly, 8, 0, 0, "at another VV (left) or AV (right) than the reference");
    const char *verdict = r->all_within_noise
                              ? "differences between settings are within measurement noise"
                          : r->verdict == DYS_OPT_BEYOND_NOISE
                              ? "the best differs from the reference by more than noise"
                          : r->verdict == DYS_OPT_WITHIN_NOISE
                              ? "the best is within noise of the reference"
                          : r->verdict == DYS_OPT_BEST_IS_REFERENCE
                              ? "the reference ranks first"
                              : "not tested against noise (too few beats or one value each)";
    char buf[200];
    snprintf(buf, sizeof buf, "%s (%s); Welch's t-test, Bonferroni over the settings", verdict,
             dys_opt_direction_name(r->direction));
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    dys_fig_text(cr, 62, ly + 14, 7.5, 0, 0, buf);
    version_line(cr, 16, H - 6);
}

dys_status dys_plot_optimise(dys_ctx *ctx, const char *path, const dys_opt_result *r, double dpi)
{
    if (!r || r->n < 1)
        return dys_fail(ctx, DYS_ERR_INVALID, "optimisation figure: no settings");
    char title[160];
    snprintf(title, sizeof title, "%s: %s by device setting",
             dys_opt_method_name(r->method), r->objective);
    opt_fig f = {r, title};
    return dys_fig_write(ctx, path, 8.5 * 72, 4.6 * 72, dpi, title, "CRT device optimisation",
                         draw_opt, &f);
}
