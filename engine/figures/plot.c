/*
 * plot.c - the figures of one study, drawn with cairo (anti-aliased
 * vector drawing and text) and written by figure.c (PNG through libpng
 * with its resolution and text chunks: Title = study id, Description =
 * key options; SVG; PDF).
 *
 * Conventions shared by every kind:
 *  - segment colours: the six walls in the Okabe-Ito colour-blind-safe
 *    palette, basal solid, mid dashed and apical dotted, the same in every
 *    figure;
 *  - a 12-segment study is drawn as it always was (the bull's-eye's
 *    apical ring grey, "not measured"); a study with an apical segment
 *    (dys_result.model_segments 18) gets the 18-segment bull's-eye (three
 *    rings of six), 18 bars and its apical curves;
 *  - the bull's-eye colour map is viridis (perceptually uniform, readable
 *    in grey and by colour-blind readers), or green -> yellow -> red as in
 *    tissue synchronisation imaging (TSI) on request; by default it is
 *    clinically anchored (DYS_COLOUR_FIXED: delay from the earliest
 *    segment on 0..DYS_PLOT_DELAY_MAX_MS, published cut-offs marked), so
 *    the same colour means the same delay in every study;
 *  - a view whose beats were all rejected shows why, not curves;
 *  - every figure states the study id in its title and the engine version
 *    and key options in small print;
 *  - fonts: DejaVu Sans through fontconfig; its absence is an error, not a
 *    silent fallback to another font's metrics.
 * Determinism: no dates or random state are drawn; PDF metadata carries
 * no creation date.
 */
#include "figure.h"
#include "dyssync_plot.h"
#include "indices.h"

#include <cairo.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- colours ------------------------------------------------------------ */

typedef struct { double r, g, b; } rgb;

/* Okabe & Ito (2008), one per wall: anterior, anteroseptal, inferoseptal,
 * inferior, inferolateral, anterolateral (AHA 1-6, 7-12 and the apical
 * 13-18 of the 18-segment model). */
static const rgb wall_colour[6] = {
    {0.902, 0.624, 0.000}, /* orange */
    {0.337, 0.706, 0.914}, /* sky blue */
    {0.000, 0.620, 0.451}, /* bluish green */
    {0.800, 0.475, 0.655}, /* reddish purple */
    {0.000, 0.447, 0.698}, /* blue */
    {0.835, 0.369, 0.000}, /* vermillion */
};

/* The line of a level: basal solid, mid dashed, apical dotted. */
static void set_level_dash(cairo_t *cr, int level)
{
    static const double dash[] = {4.0, 2.5}, dot[] = {1.2, 1.6};
    if (level == 2)
        cairo_set_dash(cr, dot, 2, 0);
    else
        cairo_set_dash(cr, dash, level == 1 ? 2 : 0, 0);
}

static void set_segment_style(cairo_t *cr, int seg, double width)
{
    rgb c = wall_colour[seg % 6];
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    cairo_set_line_width(cr, width);
    set_level_dash(cr, seg / 6);
}

/* The segments a figure shows: 12, or 18 for a study with the apical ring. */
static int model_segments(const dys_result *r)
{
    return r->model_segments == DYS_N_SEGMENTS ? DYS_N_SEGMENTS : DYS_N_SEGMENTS_12;
}

/* Viridis at 9 control points (matplotlib's), linear in between. */
static rgb viridis(double u)
{
    static const rgb v[9] = {{0.267, 0.005, 0.329}, {0.283, 0.141, 0.458}, {0.254, 0.265, 0.530},
                             {0.207, 0.372, 0.553}, {0.164, 0.471, 0.558}, {0.128, 0.567, 0.551},
                             {0.135, 0.659, 0.518}, {0.267, 0.749, 0.441}, {0.993, 0.906, 0.144}};
    u = fmin(1, fmax(0, u)) * 8;
    int k = (int)fmin(7, floor(u));
    double f = u - k;
    if (k == 7) { /* the last step to yellow passes through light green */
        static const rgb y = {0.478, 0.821, 0.318};
        rgb a = f < 0.5 ? v[7] : y, b = f < 0.5 ? y : v[8];
        double g = f < 0.5 ? 2 * f : 2 * f - 1;
        return (rgb){a.r + g * (b.r - a.r), a.g + g * (b.g - a.g), a.b + g * (b.b - a.b)};
    }
    return (rgb){v[k].r + f * (v[k + 1].r - v[k].r), v[k].g + f * (v[k + 1].g - v[k].g),
                 v[k].b + f * (v[k + 1].b - v[k].b)};
}

static rgb tsi(double u)
{
    u = fmin(1, fmax(0, u));
    return u < 0.5 ? (rgb){0.10 + 1.6 * u, 0.60 + 0.5 * u, 0.20}
                   : (rgb){0.90, 0.85 - 1.3 * (u - 0.5), 0.20 - 0.2 * (u - 0.5)};
}

/* ---- the pieces --------------------------------------------------------- */

typedef struct {
    const dys_study *s;
    const dys_result *r;
    const dys_plot_options *o;
} fig;

static const char *pretty(int seg, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", dys_segment_name(seg));
    for (char *c = buf; *c; c++)
        if (*c == '_')
            *c = ' ';
    return buf;
}

static void footer(cairo_t *cr, const fig *f, double x, double y)
{
    char buf[256];
    char lp[24];
    if (f->r->params.lowpass_hz == DYS_LOWPASS_AUTO)
        snprintf(lp, sizeof lp, "auto");
    else if (f->r->params.lowpass_hz == DYS_LOWPASS_OFF)
        snprintf(lp, sizeof lp, "off");
    else
        snprintf(lp, sizeof lp, "%g Hz", f->r->params.lowpass_hz);
    snprintf(buf, sizeof buf,
             "dyssync %s; low-pass %s, peak %s, SD %s; window %s (%s)", dys_version(), lp,
             f->r->params.peak == DYS_PEAK_MAX ? "max" : "first",
             f->r->params.sd == DYS_SD_SAMPLE ? "sample" : "population",
             f->r->events_per_view ? "per view" : "study",
             f->r->events_source == DYS_PROV_GIVEN ? "given" : "estimated");
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    dys_fig_text(cr, x, y, 6.5, 0, 0, buf);
}

/* The published delay cut-offs on the fixed scale (velocity studies; the
 * user's --cutoff when given): septal-lateral (Bax 2003) and the opposing
 * walls (ASE 2008), 60 and 65 ms, labelled once as wall delays, and
 * Ts-diff-12 (Yu 2003), 100 ms, which is exactly a delay from the earliest
 * segment.  Strain timing has no published cut-off: none. */
static int delay_cutoffs(const dys_result *r, double mark[3], const char *label[3])
{
    if (r->trace != DYS_TRACE_VELOCITY)
        return 0;
    static const int idx[3] = {DYS_IDX_SEPTAL_LATERAL, DYS_IDX_OPPOSING_WALL_MAX,
                               DYS_IDX_TS_DIFF_12};
    int n = 0;
    for (int i = 0; i < 3; i++) {
        const dys_cutoff *c = dys_cutoff_default(idx[i]);
        double v = isnan(r->params.cutoff[idx[i]]) ? (c ? c->value : NAN) : r->params.cutoff[idx[i]];
        if (!isfinite(v))
            continue;
        mark[n] = v;
        label[n] = i == 0 ? NULL : i == 1 ? "wall" : "Ts-diff";
        n++;
    }
    return n;
}

/* A bull's-eye cell's word or number, drawn once every cell is filled. */
typedef struct {
    double x, y, fs;
    int bold, light;
    char text[32];
} cell_label;

/* Bull's-eye in the box centred (cx, cy) of radius R. */
/* What both bull's-eyes (timing and work) draw around their rings: the
 * wall names and the colour bar's gradient and frame, 0 at the bottom;
 * the bar's box is returned for the caller's ticks. */
static void bullseye_frame(cairo_t *cr, const fig *f, double cx, double cy, double R,
                           double *bx, double *by, double *bw, double *bh)
{
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    dys_fig_text(cr, cx, cy - R - 0.06 * R, 0.075 * R, 0, 0.5, "anterior");
    dys_fig_text(cr, cx, cy + R + 0.12 * R, 0.075 * R, 0, 0.5, "inferior");
    dys_fig_text(cr, cx - R - 0.05 * R, cy + 0.03 * R, 0.075 * R, 0, 1, "septal");
    dys_fig_text(cr, cx + R + 0.05 * R, cy + 0.03 * R, 0.075 * R, 0, 0, "lateral");
    *bx = cx + R + 0.55 * R;
    *by = cy - 0.8 * R;
    *bw = 0.09 * R;
    *bh = 1.6 * R;
    for (int i = 0; i < 100; i++) {
        double u = 1.0 - (i + 0.5) / 100.0;
        rgb c = f->o->tsi_colours ? tsi(u) : viridis(u);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_rectangle(cr, *bx, *by + *bh * i / 100.0, *bw, *bh / 100.0 + 0.3);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, *bx, *by, *bw, *bh);
    cairo_stroke(cr);
}

/* Scar as hatching over the current path (kept): transmural dense and
 * dark, non-transmural sparse and light, so the colour beneath still
 * reads (scar lies over the timing, it does not replace it). */
static void hatch_scar(cairo_t *cr, int grade, double cx, double cy, double R, double hx,
                       double hy, double hr)
{
    if (grade != DYS_SCAR_TRANSMURAL && grade != DYS_SCAR_NON_TRANSMURAL)
        return;
    int dense = grade == DYS_SCAR_TRANSMURAL;
    cairo_save(cr);
    cairo_clip_preserve(cr);
    if (hr > 0) { /* a clear disc where the cell's number stands */
        cairo_new_path(cr);
        cairo_rectangle(cr, cx - 3 * R, cy - 3 * R, 6 * R, 6 * R);
        cairo_new_sub_path(cr);
        cairo_arc(cr, hx, hy, hr, 0, 2 * M_PI);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_clip(cr);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    }
    cairo_new_path(cr);
    double step = (dense ? 0.055 : 0.11) * R;
    for (double d = -2.2 * R; d <= 2.2 * R; d += step) {
        cairo_move_to(cr, cx + d - 1.2 * R, cy + 1.2 * R);
        cairo_line_to(cr, cx + d + 1.2 * R, cy - 1.2 * R);
    }
    cairo_set_source_rgba(cr, 0.05, 0.05, 0.05, dense ? 0.7 : 0.45);
    cairo_set_line_width(cr, dense ? 0.022 * R : 0.014 * R);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* A segment a suitable vein reaches: a small ring at the outer edge of its
 * cell, to the side of the number. */
static void vein_mark(cairo_t *cr, double x, double y, double R)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, 0.035 * R, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
    cairo_set_line_width(cr, 0.018 * R);
    cairo_stroke(cr);
}

static double text_width(cairo_t *cr, double size, const char *s)
{
    cairo_select_font_face(cr, DYS_FIG_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* The legend of the scar hatching and the vein mark, below "inferior",
 * drawn only when the study gives scar or veins. */
static int has_anatomy(const dys_result *r, int *scar, int *vein)
{
    *scar = *vein = 0;
    for (int g = 0; g < DYS_N_SEGMENTS; g++) {
        *scar |= r->scar[g] != DYS_SCAR_UNKNOWN;
        *vein |= r->vein[g] != DYS_VEIN_UNKNOWN;
    }
    return *scar || *vein;
}

static void anatomy_legend(cairo_t *cr, const dys_result *r, double cx, double y, double R)
{
    int scar, vein;
    if (!has_anatomy(r, &scar, &vein))
        return;
    double fs = 0.07 * R, sw = 0.14 * R, x = cx - 1.25 * R;
    static const char *const name[2] = {"transmural scar", "non-transmural scar"};
    for (int i = 0; i < 2 && scar; i++) {
        cairo_new_path(cr);
        cairo_rectangle(cr, x, y - sw * 0.8, sw, sw);
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_fill_preserve(cr);
        hatch_scar(cr, i ? DYS_SCAR_NON_TRANSMURAL : DYS_SCAR_TRANSMURAL, x + sw / 2,
                   y - sw * 0.3, R, 0, 0, 0);
        cairo_new_path(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        dys_fig_text(cr, x + sw + 0.04 * R, y, fs, 0, 0, name[i]);
        x += sw + 0.08 * R + text_width(cr, fs, name[i]) + 0.12 * R;
    }
    if (vein) {
        vein_mark(cr, x + sw / 2, y - sw * 0.3, R);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        dys_fig_text(cr, x + sw + 0.02 * R, y, fs, 0, 0, "vein reaches it");
    }
}

static void draw_bullseye(cairo_t *cr, const fig *f, double cx, double cy, double R)
{
    const dys_result *r = f->r;
    cell_label label[DYS_N_SEGMENTS];
    const int rings = model_segments(r) / 6; /* 2, or 3 with the apical ring */
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < model_segments(r); s++)
        if (r->seg[s].status == DYS_SEG_OK && isfinite(dys_activation_ms(r, s))) {
            lo = fmin(lo, dys_activation_ms(r, s));
            hi = fmax(hi, dys_activation_ms(r, s));
        }
    int fixed = f->o->colour_scale == DYS_COLOUR_FIXED;
    /* base: subtracted from the numbers shown; cbase: from the coloured
     * value.  Fixed: colour is always the delay from the earliest segment
     * on 0..DYS_PLOT_DELAY_MAX_MS; study: the numbers, stretched. */
    double base = f->o->bullseye_delay ? lo : 0, cbase = fixed ? lo : base;
    double vlo = f->o->bullseye_delay ? 0 : lo, vhi = f->o->bullseye_delay ? hi - lo : hi;
    if (fixed) {
        vlo = 0;
        vhi = DYS_PLOT_DELAY_MAX_MS;
    }
    if (!isfinite(vlo)) {
        vlo = 0;
        vhi = 1;
    }
    if (vhi - vlo < 20) { /* a narrow spread still spans 20 ms of colour */
        double m = 0.5 * (vlo + vhi);
        vlo = m - 10;
        vhi = m + 10;
    }
    /* The basal and mid rings are where they always were; the 18-segment
     * model's apical ring of six fills the 12-segment map's grey apical
     * ring and most of its apex, leaving a small hole (the 18-segment
     * model has no apex segment). */
    const double r_apex = (rings == 3 ? 0.16 : 0.22) * R, r_apical = 0.45 * R,
                 r_mid = 0.72 * R, r_basal = R;
    const double ring_in[3] = {r_mid, r_apical, r_apex}, ring_out[3] = {r_basal, r_mid, r_apical};
    /* AHA: anterior at the top, septum on the left, lateral on the right;
     * sector k of a 6-segment ring spans 60 + 60 k .. 120 + 60 k degrees,
     * counterclockwise (cairo's y runs down, so angles are negated). */
    for (int ring = 0; ring < rings; ring++)
        for (int k = 0; k < 6; k++) {
            int seg = ring * 6 + k;
            double r0 = ring_in[ring], r1 = ring_out[ring];
            double a0 = -(60.0 + 60.0 * k) * M_PI / 180.0, a1 = -(120.0 + 60.0 * k) * M_PI / 180.0;
            cairo_new_path(cr);
            cairo_arc_negative(cr, cx, cy, r1, a0, a1);
            cairo_arc(cr, cx, cy, r0, a1, a0);
            cairo_close_path(cr);
            double v = dys_activation_ms(r, seg) - base, cv = dys_activation_ms(r, seg) - cbase;
            int ok = r->seg[seg].status == DYS_SEG_OK && isfinite(v);
            if (ok) {
                rgb c = f->o->tsi_colours ? tsi((cv - vlo) / (vhi - vlo))
                                          : viridis((cv - vlo) / (vhi - vlo));
                cairo_set_source_rgb(cr, c.r, c.g, c.b);
            } else {
                cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
            }
            cairo_fill_preserve(cr);
            double am_ = -(90.0 + 60.0 * k) * M_PI / 180.0, rm_ = 0.5 * (r0 + r1);
            hatch_scar(cr, r->scar[seg], cx, cy, R, cx + rm_ * cos(am_), cy + rm_ * sin(am_),
                       0.13 * R * (ring == 2 ? 0.8 : 1.0));
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 1.2);
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_stroke(cr);
            /* the value, in white or black for contrast */
            double am = -(90.0 + 60.0 * k) * M_PI / 180.0, rm = 0.5 * (r0 + r1);
            char buf[32];
            if (ok)
                snprintf(buf, sizeof buf, "%.0f", v);
            else
                snprintf(buf, sizeof buf, "%s", dys_seg_status_name(r->seg[seg].status));
            double lum = 0;
            if (ok) {
                rgb c = f->o->tsi_colours ? tsi((cv - vlo) / (vhi - vlo))
                                          : viridis((cv - vlo) / (vhi - vlo));
                lum = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
            }
            /* the apical ring is narrower: smaller type there */
            double fs = (ok ? 0.11 : 0.065) * R * (ring == 2 ? 0.85 : 1.0);
            label[seg] = (cell_label){cx + rm * cos(am), cy + rm * sin(am) + 0.035 * R, fs, ok,
                                      ok && lum < 0.5, ""};
            snprintf(label[seg].text, sizeof label[seg].text, "%s", buf);
        }
    cairo_set_dash(cr, NULL, 0, 0);
    if (rings == 3) {
        /* the centre, which no segment of the model covers */
        cairo_new_path(cr);
        cairo_arc(cr, cx, cy, r_apex, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
    }
    /* 12 segments: the apical ring and apex, not measured */
    for (int k = 0; k < 4 && rings == 2; k++) {
        double a0 = -(45.0 + 90.0 * k) * M_PI / 180.0, a1 = -(135.0 + 90.0 * k) * M_PI / 180.0;
        cairo_new_path(cr);
        cairo_arc_negative(cr, cx, cy, r_apical, a0, a1);
        cairo_arc(cr, cx, cy, r_apex, a1, a0);
        cairo_close_path(cr);
        cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_stroke(cr);
    }
    if (rings == 2) {
        cairo_new_path(cr);
        cairo_arc(cr, cx, cy, r_apex, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        dys_fig_text(cr, cx, cy - 0.03 * R, 0.06 * R, 0, 0.5, "apical ring:");
        dys_fig_text(cr, cx, cy + 0.05 * R, 0.06 * R, 0, 0.5, "not measured");
    }
    /* the vein marks: near the outer edge, 20 degrees toward the next
     * sector, clear of the number in the middle */
    for (int seg = 0; seg < rings * 6; seg++)
        if (r->vein[seg] == DYS_VEIN_YES) {
            int ring = seg / 6, k = seg % 6;
            double a = -(90.0 + 60.0 * k + 20.0) * M_PI / 180.0;
            double rr = ring_out[ring] - 0.06 * R;
            vein_mark(cr, cx + rr * cos(a), cy + rr * sin(a), R);
        }
    /* The cells' words after every fill: a long one ("indeterminate" in
     * a mid cell) runs past its cell, and the grey apical ring drawn
     * after it hid its start. */
    for (int seg = 0; seg < rings * 6; seg++) {
        const cell_label *l = &label[seg];
        if (l->light)
            cairo_set_source_rgb(cr, 1, 1, 1);
        else
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        dys_fig_text(cr, l->x, l->y, l->fs, l->bold, 0.5, l->text);
    }
    /* wall names and the colour bar (0 at the bottom) */
    double bx, by, bw, bh;
    bullseye_frame(cr, f, cx, cy, R, &bx, &by, &bw, &bh);
    anatomy_legend(cr, r, cx, cy + R + 0.30 * R, R);
    if (!fixed) {
        for (int t = 0; t <= 4; t++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.0f", vhi - (vhi - vlo) * t / 4.0);
            dys_fig_text(cr, bx + bw + 0.04 * R, by + bh * t / 4.0 + 0.025 * R, 0.065 * R, 0, 0,
                         buf);
        }
    } else {
        /* 0, 50, 150+ and the published delay cut-offs in their place */
        static const double tick[] = {0, 50, DYS_PLOT_DELAY_MAX_MS};
        for (int t = 0; t < 3; t++) {
            char buf[32];
            snprintf(buf, sizeof buf, t == 2 ? "%.0f+" : "%.0f", tick[t]);
            dys_fig_text(cr, bx + bw + 0.04 * R,
                         by + bh * (1 - tick[t] / DYS_PLOT_DELAY_MAX_MS) + 0.025 * R, 0.065 * R,
                         0, 0, buf);
        }
        double mark[3];
        const char *mlabel[3];
        int nm = delay_cutoffs(r, mark, mlabel);
        for (int m = 0; m < nm; m++) {
            double py = by + bh * (1 - fmin(mark[m], DYS_PLOT_DELAY_MAX_MS) / DYS_PLOT_DELAY_MAX_MS);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_set_line_width(cr, 0.9);
            cairo_move_to(cr, bx - 0.03 * R, py);
            cairo_line_to(cr, bx + bw + 0.03 * R, py);
            cairo_stroke(cr);
            if (!mlabel[m])
                continue;
            char buf[32];
            if (m > 0 && !mlabel[m - 1]) /* the septal-lateral one just under it */
                snprintf(buf, sizeof buf, "%.0f/%.0f", mark[m - 1], mark[m]);
            else
                snprintf(buf, sizeof buf, "%.0f", mark[m]);
            dys_fig_text(cr, bx + bw + 0.04 * R, py + 0.025 * R, 0.065 * R, 1, 0, buf);
        }
        if (nm) {
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
            dys_fig_text(cr, bx + bw / 2, by + bh + 0.23 * R, 0.055 * R, 0, 0.5,
                         "marks: cut-offs of wall");
            dys_fig_text(cr, bx + bw / 2, by + bh + 0.30 * R, 0.055 * R, 0, 0.5,
                         "delays, Ts-diff-12");
        }
    }
    const char *what = r->trace == DYS_TRACE_STRAIN
                           ? (f->o->bullseye_delay ? "TTP strain delay, ms" : "time to peak strain, ms")
                           : (f->o->bullseye_delay ? "delay from earliest, ms" : "Ts, ms");
    if (fixed) {
        /* the numbers may be Ts; the colour is always the delay */
        char buf[64];
        snprintf(buf, sizeof buf, "numbers: %s", what);
        dys_fig_text(cr, bx + bw / 2, by - 0.08 * R, 0.065 * R, 0, 0.5, "colour: delay, ms");
        if (!f->o->bullseye_delay)
            dys_fig_text(cr, bx + bw / 2, by + bh + 0.14 * R, 0.06 * R, 0, 0.5, buf);
    } else {
        dys_fig_text(cr, bx + bw / 2, by - 0.08 * R, 0.065 * R, 0, 0.5, what);
    }
}

/* ---- myocardial work ------------------------------------------------------ */

/* The top of the work bull's-eye's colour scale: about 1.5 x the normal
 * segmental work index (global work index about 2000 mmHg% in health,
 * docs/indices.md), so a normal segment sits mid-scale, a hypokinetic one
 * low and a hyperkinetic apex near the top; beyond it the colour
 * saturates.  Negative work (a segment stretched more than it shortens)
 * is the bottom colour and its number says so. */
#define WORK_SCALE_MAX 3000.0

/* The 18 segments' work index (or the 12's, grey apical ring) as a
 * bull's-eye in the box centred (cx, cy) of radius R, with GWI and GWE in
 * the centre and the colour bar at the right. */
static void draw_work_bullseye(cairo_t *cr, const fig *f, double cx, double cy, double R)
{
    const dys_result *r = f->r;
    const int rings = model_segments(r) / 6;
    const double r_apex = (rings == 3 ? 0.22 : 0.28) * R;
    const double ring_in[3] = {0.72 * R, 0.45 * R, r_apex}, ring_out[3] = {R, 0.72 * R, 0.45 * R};
    for (int ring = 0; ring < rings; ring++)
        for (int k = 0; k < 6; k++) {
            int seg = ring * 6 + k;
            double r0 = ring_in[ring], r1 = ring_out[ring];
            double a0 = -(60.0 + 60.0 * k) * M_PI / 180.0, a1 = -(120.0 + 60.0 * k) * M_PI / 180.0;
            double wv = r->seg[seg].work_index_mmhg_pct;
            int ok = isfinite(wv);
            rgb c = {0.88, 0.88, 0.88};
            if (ok)
                c = f->o->tsi_colours ? tsi(wv / WORK_SCALE_MAX) : viridis(wv / WORK_SCALE_MAX);
            cairo_new_path(cr);
            cairo_arc_negative(cr, cx, cy, r1, a0, a1);
            cairo_arc(cr, cx, cy, r0, a1, a0);
            cairo_close_path(cr);
            cairo_set_source_rgb(cr, c.r, c.g, c.b);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 1.2);
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_stroke(cr);
            char buf[32];
            snprintf(buf, sizeof buf, ok ? "%.0f" : "-", wv);
            double lum = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
            if (ok && lum < 0.5)
                cairo_set_source_rgb(cr, 1, 1, 1);
            else
                cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            double am = -(90.0 + 60.0 * k) * M_PI / 180.0, rm = 0.5 * (r0 + r1);
            dys_fig_text(cr, cx + rm * cos(am), cy + rm * sin(am) + 0.03 * R,
                         0.085 * R * (ring == 2 ? 0.9 : 1.0), 0, 0.5, buf);
        }
    /* the centre: the global values */
    cairo_new_path(cr);
    cairo_arc(cr, cx, cy, r_apex, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 0.97, 0.97, 0.97);
    cairo_fill(cr);
    if (rings == 2) { /* the apical ring of a 12-segment study: not measured */
        cairo_new_path(cr);
        cairo_arc(cr, cx, cy, 0.45 * R, 0, 2 * M_PI);
        cairo_arc_negative(cr, cx, cy, r_apex, 2 * M_PI, 0);
        cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
        cairo_fill(cr);
    }
    char buf[64];
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    snprintf(buf, sizeof buf, isfinite(r->index[DYS_IDX_GWI]) ? "GWI %.0f" : "GWI -",
             r->index[DYS_IDX_GWI]);
    dys_fig_text(cr, cx, cy - 0.02 * R, 0.075 * R, 1, 0.5, buf);
    snprintf(buf, sizeof buf, isfinite(r->index[DYS_IDX_GWE]) ? "GWE %.0f %%" : "GWE -",
             r->index[DYS_IDX_GWE]);
    dys_fig_text(cr, cx, cy + 0.09 * R, 0.075 * R, 1, 0.5, buf);
    /* wall names and the colour bar (0 at the bottom) */
    double bx, by, bw, bh;
    bullseye_frame(cr, f, cx, cy, R, &bx, &by, &bw, &bh);
    static const double tick[] = {0, 1000, 2000, WORK_SCALE_MAX};
    for (int t = 0; t < 4; t++) {
        snprintf(buf, sizeof buf, t == 3 ? "%.0f+" : t == 0 ? "%.0f-" : "%.0f", tick[t]);
        dys_fig_text(cr, bx + bw + 0.04 * R, by + bh * (1 - tick[t] / WORK_SCALE_MAX) + 0.025 * R,
                     0.065 * R, 0, 0, buf);
    }
    dys_fig_text(cr, bx + bw / 2, by - 0.08 * R, 0.065 * R, 0, 0.5, "work index, mmHg%");
    /* where the pressure came from, under the map */
    const dys_work_result *w = &r->work;
    snprintf(buf, sizeof buf, "LV pressure %s, peak %.0f mmHg",
             w->pressure == DYS_PRESSURE_MEASURED ? "measured" : "estimated",
             w->peak_pressure_mmhg);
    dys_fig_text(cr, cx, cy + R + 0.26 * R, 0.065 * R, 0, 0.5, buf);
    if (w->pressure == DYS_PRESSURE_ESTIMATED)
        dys_fig_text(cr, cx, cy + R + 0.36 * R, 0.06 * R, 0, 0.5,
                     "(Russell 2012 reference curve, peak = cuff systolic)");
}

/* Ts per segment as bars grouped by wall (basal, mid, and apical in an
 * 18-segment study), the mean and +-SD band, the Ts-diff cut-off line
 * above the earliest segment. */
static void draw_bars(cairo_t *cr, const fig *f, double x, double y, double w, double h)
{
    const dys_result *r = f->r;
    const int levels = model_segments(r) / 6, nbars = model_segments(r);
    double sum = 0, ss = 0, lo = INFINITY, hi = 0, lo12 = INFINITY;
    int n = 0;
    for (int s = 0; s < nbars; s++) {
        double v = dys_activation_ms(r, s);
        if (r->seg[s].status == DYS_SEG_OK && isfinite(v)) {
            sum += v;
            ss += v * v;
            n++;
            lo = fmin(lo, v);
            hi = fmax(hi, v);
            if (s < DYS_N_SEGMENTS_12)
                lo12 = fmin(lo12, v);
        }
    }
    /* fixed: the axis always holds the earliest Ts + the whole fixed delay
     * scale, so a synchronous study's bars sit well under the cut-off
     * lines; study: just above the data and the Ts-diff-12 line */
    int fixed = f->o->colour_scale == DYS_COLOUR_FIXED;
    double span = fixed ? DYS_PLOT_DELAY_MAX_MS : 100;
    double ymax = fmax(100, ceil((fmax(hi, isfinite(lo) ? lo + span : 0) + 40) / 50) * 50);
    int compact = w < 300; /* in the report: the index table carries the values */
    /* the report's small panel: a label short enough to stay clear of the
     * tick numbers */
    const char *yl = r->trace != DYS_TRACE_STRAIN ? "Ts (ms)"
                     : compact                    ? "TTP strain (ms)"
                                                  : "time to peak strain (ms)";
    dys_fig_axis(cr, x, y, w, h, 0, nbars, 0, ymax, 0, ymax > 400 ? 100 : 50, NULL, yl, 7);
    double bw = w / nbars;
    static const char *const wall[6] = {"ant", "antsep", "infsep", "inf", "inflat", "antlat"};
    if (n >= 2) {
        double mean = sum / n, sd = sqrt(fmax(0, (ss - sum * sum / n) / (n - 1)));
        double y0 = y + h - (mean + sd) / ymax * h, y1 = y + h - (mean - sd) / ymax * h;
        cairo_set_source_rgba(cr, 0.5, 0.5, 0.5, 0.18);
        cairo_rectangle(cr, x, y0, w, y1 - y0);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 0.9);
        cairo_move_to(cr, x, y + h - mean / ymax * h);
        cairo_line_to(cr, x + w, y + h - mean / ymax * h);
        cairo_stroke(cr);
        char buf[160];
        snprintf(buf, sizeof buf, compact ? "mean %.0f ms, band +-1 SD"
                                          : "mean %.0f ms, band +-1 SD (%.1f ms, the segments shown)",
                 mean, sd);
        dys_fig_text(cr, x + 4, y + 10, 7, 0, 0, buf);
        if (compact)
            buf[0] = '\0';
        /* the published indices of this family, against their cut-offs */
        static const int shown[] = {DYS_IDX_TS_SD_12, DYS_IDX_TS_DIFF_12,
                                    DYS_IDX_STRAIN_TTP_SD_12, DYS_IDX_STRAIN_TTP_SD_18,
                                    DYS_IDX_STRAIN_TTP_DIFF_12};
        size_t m = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < sizeof shown / sizeof shown[0] && !compact; i++) {
            int idx = shown[i];
            if (!dys_index_applies(idx, r->trace) || !isfinite(r->index[idx]))
                continue;
            const dys_cutoff *c = dys_cutoff_default(idx);
            double cut = isnan(r->params.cutoff[idx]) ? (c ? c->value : NAN) : r->params.cutoff[idx];
            m += (size_t)snprintf(buf + m, sizeof buf - m, "%s%s %.1f ms", m ? ";  " : "",
                                  dys_index_get(idx)->key, r->index[idx]);
            if (isfinite(cut) && m < sizeof buf)
                m += (size_t)snprintf(buf + m, sizeof buf - m, " (cut-off %g%s)", cut,
                                      r->index[idx] >= cut ? ", above" : "");
        }
        dys_fig_text(cr, x + 4, y + 20, 7, 0, 0, buf);
    }
    char lab[3][96];
    int lab_tsdiff[3], nlab = 0;
    if (isfinite(lo12) && r->trace == DYS_TRACE_VELOCITY) {
        /* the Ts-diff-12 cut-off above the earliest segment; fixed: the
         * opposing-wall one too (the published delay cut-offs).  Both are
         * delays between basal and mid segments, so "earliest" is the
         * earliest of those, whatever an apical segment does. */
        double mark[3];
        const char *mlabel[3];
        int nm = delay_cutoffs(r, mark, mlabel);
        for (int m = 0; m < nm; m++) {
            if (!mlabel[m] || (!fixed && strcmp(mlabel[m], "Ts-diff")))
                continue;
            int tsdiff = !strcmp(mlabel[m], "Ts-diff");
            double cv = mark[m], py = y + h - (lo12 + cv) / ymax * h;
            static const double dash[] = {3, 2};
            cairo_set_dash(cr, dash, 2, 0);
            cairo_set_line_width(cr, 0.9);
            if (tsdiff)
                cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
            else
                cairo_set_source_rgb(cr, 0.85, 0.45, 0.1);
            cairo_move_to(cr, x, py);
            cairo_line_to(cr, x + w, py);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            char buf[96];
            if (tsdiff)
                snprintf(buf, sizeof buf, compact ? "earliest + %.0f"
                                                  : "earliest + %.0f ms (Ts-diff-12 cut-off)", cv);
            else
                snprintf(buf, sizeof buf, compact ? "earliest + %.0f"
                                                  : "earliest + %.0f ms (opposing-wall cut-off)", cv);
            if (nlab < 3) {
                lab_tsdiff[nlab] = tsdiff;
                snprintf(lab[nlab++], sizeof lab[0], "%s", buf);
            }
        }
    }
    /* bars: walls in AHA order, basal then mid (then apical), each level
     * paler than the one before */
    static const double alpha[3] = {1.0, 0.55, 0.3};
    /* bars narrower than their label (18 in the report) take its initial */
    static const char *const level_long[3] = {"bas", "mid", "ap"}, *const level_short[3] = {"b", "m", "a"};
    const char *const *level = bw < 14 ? level_short : level_long;
    for (int k = 0; k < 6; k++)
        for (int m = 0; m < levels; m++) {
            int seg = m * 6 + k;
            double v = dys_activation_ms(r, seg), bx = x + (levels * k + m) * bw + 0.15 * bw;
            int ok = r->seg[seg].status == DYS_SEG_OK && isfinite(v);
            rgb c = wall_colour[k];
            if (ok) {
                cairo_rectangle(cr, bx, y + h - v / ymax * h, 0.7 * bw, v / ymax * h);
                cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha[m]);
                cairo_fill(cr);
            } else {
                cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
                dys_fig_text(cr, bx + 0.35 * bw, y + h - 4, 6, 0, 0.5, "-");
            }
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
            dys_fig_text(cr, bx + 0.35 * bw, y + h + 9, 6, 0, 0.5, level[m]);
        }
    for (int k = 0; k < 6; k++)
        dys_fig_text(cr, x + (levels * k + 0.5 * levels) * bw, y + h + 18, 7, 0, 0.5, wall[k]);
    for (int i = 0; i < nlab; i++) {
        if (lab_tsdiff[i])
            cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
        else
            cairo_set_source_rgb(cr, 0.75, 0.35, 0.0);
        /* a legend above the plot, where no bar can be: labels on the lines
         * hid the tops of the latest (tallest) bars, the lateral walls
         * drawn at the right in the LBBB pattern */
        double ly = y - 6 - 10.0 * i; /* in the order of the lines */
        static const double dash[] = {3, 2};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_width(cr, 0.9);
        cairo_move_to(cr, x + w - 16, ly - 2.5);
        cairo_line_to(cr, x + w, ly - 2.5);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        dys_fig_text(cr, x + w - 20, ly, 6.5, 0, 1, lab[i]);
    }
}

/* One view's curves over the chosen beat, window shaded, Ts marked, ECG
 * strip under it. */
static void draw_view(cairo_t *cr, const fig *f, size_t ri, double x, double y, double w,
                      double h, double fs)
{
    const dys_recording *rec = &f->s->rec[ri];
    const dys_result_rec *q = &f->r->rec[ri];
    const dys_beat_list *bl = &q->beats;
    char all[400];
    if (dys_beats_all_rejected(bl, all, sizeof all)) {
        /* no beat measured: say so and why, instead of curves that no
         * value comes from */
        char buf[128];
        const char *slash = strrchr(q->source, '/');
        snprintf(buf, sizeof buf, "%s  %s", q->view ? dys_view_name(q->view) : "all views",
                 slash ? slash + 1 : q->source);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        dys_fig_text(cr, x, y - 3, fs, 1, 0, buf);
        cairo_set_source_rgb(cr, 0.96, 0.93, 0.93);
        cairo_rectangle(cr, x, y, w, h);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.6, 0.3, 0.3);
        cairo_set_line_width(cr, 0.8);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.55, 0.08, 0.08);
        dys_fig_text(cr, x + 8, y + 2.2 * fs, fs * 1.1, 1, 0,
                     "No beat of this view measured: its segments are missing");
        /* the reason, wrapped at spaces to the panel's width */
        dys_fig_text_wrapped(cr, x + 8, y + 4.0 * fs, fs, w - 16, 1.4 * fs,
                             (int)((h - 5.0 * fs) / (1.4 * fs)), all);
        return;
    }
    int want = f->o->beat, seen = 0;
    double on = NAN, rr = NAN;
    for (size_t b = 0; b < bl->n; b++)
        if (bl->beat[b].accepted && (++seen == want || want <= 0)) {
            on = bl->beat[b].onset_ms;
            rr = bl->beat[b].rr_ms;
            break;
        }
    if (isnan(on))
        on = bl->n ? bl->beat[0].onset_ms : 0;
    double t0 = -100, t1 = isfinite(rr) ? fmin(rr, 900) : fmin(rec->t_ms[rec->n - 1] - on, 900);
    t1 = fmax(t1, q->avc_ms + 150);
    double vmin = 0, vmax = 0;
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        if (rec->seg[k])
            for (size_t i = 0; i < rec->n; i++) {
                double t = rec->t_ms[i] - on;
                if (t >= t0 && t <= t1 && isfinite(rec->seg[k][i])) {
                    vmin = fmin(vmin, rec->seg[k][i]);
                    vmax = fmax(vmax, rec->seg[k][i]);
                }
            }
    double step = vmax - vmin > 20 ? 5 : 2, dmin = vmin, dmax = vmax;
    vmin = floor(vmin / step) * step;
    vmax = ceil(vmax / step) * step;
    /* strain: the dot of the time to peak sits on the curve's extreme;
     * when that falls on (or within 2 % of the range of) a tick the curve
     * would run along the frame and its dot be half cut off: one more tick */
    double near = 0.02 * (dmax - dmin);
    if (f->r->trace == DYS_TRACE_STRAIN && dmin < 0 && dmin - vmin < near)
        vmin -= step;
    if (f->r->trace == DYS_TRACE_STRAIN && dmax > 0 && vmax - dmax < near)
        vmax += step;
    if (vmax <= vmin)
        vmax = vmin + 1;
    double ecg_h = 0.15 * h, ph = h - ecg_h - 2.2 * fs - 4; /* ECG under the tick labels */
#define PX(t) (x + ((t) - t0) / (t1 - t0) * w)
#define PY(v) (y + ph - ((v) - vmin) / (vmax - vmin) * ph)
    /* ejection window */
    cairo_set_source_rgba(cr, 0.55, 0.55, 0.55, 0.15);
    cairo_rectangle(cr, PX(q->avo_ms), y, PX(q->avc_ms) - PX(q->avo_ms), ph);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    /* Strain curves start at 0, the top of the panel, and have barely
     * moved by AVO: there its label goes at the bottom, which they reach
     * only late in ejection (velocity curves cross the middle). */
    dys_fig_text(cr, PX(q->avo_ms) + 2,
                 f->r->trace == DYS_TRACE_STRAIN ? y + ph - 3 : y + fs + 1, fs * 0.85, 0, 0,
                 "AVO");
    dys_fig_text(cr, PX(q->avc_ms) - 2, y + fs + 1, fs * 0.85, 0, 1, "AVC");
    const char *unit = f->r->trace != DYS_TRACE_STRAIN ? "velocity (cm/s)"
                       : f->r->strain_direction == DYS_STRAIN_CIRCUMFERENTIAL
                           ? "circumferential strain (%)"
                           : "strain (%)";
    /* myocardial work runs from MVC to MVO: both marked */
    const dys_work_result *wk = &f->r->work;
    if (wk->pressure != DYS_PRESSURE_NONE && wk->mvc_ms >= t0 && wk->mvo_ms <= t1) {
        static const double dot[] = {2.0, 2.0};
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr, 0.6);
        cairo_set_dash(cr, dot, 2, 0);
        for (int m = 0; m < 2; m++) {
            double mx = PX(m ? wk->mvo_ms : wk->mvc_ms);
            cairo_move_to(cr, mx, y);
            cairo_line_to(cr, mx, y + ph);
            cairo_stroke(cr);
        }
        cairo_set_dash(cr, NULL, 0, 0);
        dys_fig_text(cr, PX(wk->mvc_ms) - 2, y + ph - 3, fs * 0.8, 0, 1, "MVC");
        dys_fig_text(cr, PX(wk->mvo_ms) + 2, y + ph - 3, fs * 0.8, 0, 0, "MVO");
    }
    dys_fig_axis(cr, x, y, w, ph, t0, t1, vmin, vmax, 100, step, NULL, unit, fs);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, x, PY(0));
    cairo_line_to(cr, x + w, PY(0));
    cairo_stroke(cr);
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, ph);
    cairo_clip(cr);
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        if (!rec->seg[k])
            continue;
        set_segment_style(cr, k, 1.3);
        int pen = 0;
        for (size_t i = 0; i < rec->n; i++) {
            double t = rec->t_ms[i] - on, v = rec->seg[k][i];
            if (!isfinite(v) || t < t0 - 20 || t > t1 + 20) {
                pen = 0;
                continue;
            }
            if (pen)
                cairo_line_to(cr, PX(t), PY(v));
            else
                cairo_move_to(cr, PX(t), PY(v));
            pen = 1;
        }
        cairo_stroke(cr);
        /* the segment's Ts on its curve */
        double ts = dys_activation_ms(f->r, k);
        if (f->r->seg[k].status == DYS_SEG_OK && isfinite(ts)) {
            double v = NAN;
            for (size_t i = 0; i + 1 < rec->n; i++) {
                double a = rec->t_ms[i] - on, b = rec->t_ms[i + 1] - on;
                if (a <= ts && b >= ts && isfinite(rec->seg[k][i]) && isfinite(rec->seg[k][i + 1]))
                    v = rec->seg[k][i] + (rec->seg[k][i + 1] - rec->seg[k][i]) * (ts - a) / (b - a);
            }
            if (isfinite(v)) {
                cairo_set_dash(cr, NULL, 0, 0);
                cairo_arc(cr, PX(ts), PY(v), 2.6, 0, 2 * M_PI);
                cairo_fill_preserve(cr);
                cairo_set_source_rgb(cr, 1, 1, 1);
                cairo_set_line_width(cr, 0.7);
                cairo_stroke(cr);
            }
        }
    }
    cairo_restore(cr);
    /* ECG strip */
    double ey = y + ph + 2.2 * fs + 4;
    if (rec->ecg_mv) {
        double emin = INFINITY, emax = -INFINITY;
        for (size_t i = 0; i < rec->n; i++) {
            double t = rec->t_ms[i] - on;
            if (t >= t0 && t <= t1 && isfinite(rec->ecg_mv[i])) {
                emin = fmin(emin, rec->ecg_mv[i]);
                emax = fmax(emax, rec->ecg_mv[i]);
            }
        }
        if (emax > emin) {
            cairo_save(cr);
            cairo_rectangle(cr, x, ey, w, ecg_h);
            cairo_clip(cr);
            cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
            cairo_set_line_width(cr, 0.8);
            cairo_set_dash(cr, NULL, 0, 0);
            int pen = 0;
            for (size_t i = 0; i < rec->n; i++) {
                double t = rec->t_ms[i] - on, v = rec->ecg_mv[i];
                if (!isfinite(v) || t < t0 - 20 || t > t1 + 20) {
                    pen = 0;
                    continue;
                }
                double py = ey + ecg_h - (v - emin) / (emax - emin) * ecg_h * 0.9 - 0.05 * ecg_h;
                if (pen)
                    cairo_line_to(cr, PX(t), py);
                else
                    cairo_move_to(cr, PX(t), py);
                pen = 1;
            }
            cairo_stroke(cr);
            cairo_restore(cr);
        }
    } else {
        /* at the right end: the QRS onset's line, near the left when the
         * recording starts shortly before it, crossed the note there */
        cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
        dys_fig_text(cr, x + w - 4, ey + ecg_h * 0.6, fs * 0.85, 0, 1, "no ECG in this file");
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, PX(0), y);
    cairo_line_to(cr, PX(0), ey + ecg_h);
    static const double dash[] = {1.5, 1.5};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    dys_fig_text(cr, PX(0) + 2, ey + ecg_h - 1, fs * 0.8, 0, 0, "QRS onset");
    char buf[400];
    const char *slash = strrchr(q->source, '/'); /* the file's name, not its path */
    snprintf(buf, sizeof buf, "%s  %s", q->view ? dys_view_name(q->view) : "all views",
             slash ? slash + 1 : q->source);
    dys_fig_text(cr, x, y - 3, fs, 1, 0, buf);
#undef PX
#undef PY
}

/* 18 segments do not fit the 12's legend: the six wall colours (two rows
 * of three) and, in a fourth column, the three level lines. */
static void draw_legend_18(cairo_t *cr, double x, double y, double fs)
{
    static const char *const label[9] = {"anterior", "anteroseptal", "inferoseptal",
                                         "inferior", "inferolateral", "anterolateral",
                                         "basal", "mid", "apical"};
    for (int i = 0; i < 9; i++) {
        int col = i < 6 ? i % 3 : 3, row = i < 6 ? i / 3 : i - 6;
        double lx = x + col * 13.5 * fs, ly = y + row * fs * 1.5;
        if (i < 6) {
            set_segment_style(cr, i, 1.6);
        } else {
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
            cairo_set_line_width(cr, 1.6);
            set_level_dash(cr, i - 6);
        }
        cairo_move_to(cr, lx, ly - fs * 0.35);
        cairo_line_to(cr, lx + 2.2 * fs, ly - fs * 0.35);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        dys_fig_text(cr, lx + 2.6 * fs, ly, fs, 0, 0, label[i]);
    }
}

static void draw_legend(cairo_t *cr, double x, double y, double fs, int cols)
{
    char buf[48];
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
        double lx = x + (s % cols) * 13.5 * fs, ly = y + (s / cols) * fs * 1.5;
        set_segment_style(cr, s, 1.6);
        cairo_move_to(cr, lx, ly - fs * 0.35);
        cairo_line_to(cr, lx + 2.2 * fs, ly - fs * 0.35);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        dys_fig_text(cr, lx + 2.6 * fs, ly, fs, 0, 0, pretty(s, buf, sizeof buf));
    }
}

static void draw_curves(cairo_t *cr, const fig *f, double x, double y, double w, double h)
{
    size_t nv = f->s->n_rec;
    double legend_h = 3 * 7 * 1.5 + 6, gap = 22, vh = (h - legend_h - gap * (double)nv) / (double)nv;
    for (size_t i = 0; i < nv; i++)
        draw_view(cr, f, i, x + 40, y + 12 + i * (vh + gap), w - 48, vh, 7);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    dys_fig_text(cr, x + 40 + (w - 48) / 2, y + h - legend_h - 2, 7, 0, 0.5,
         f->r->trace == DYS_TRACE_STRAIN
             ? "ms from QRS onset (the view's first accepted beat; grey: ejection window; "
               "dots: time to peak strain)"
             : "ms from QRS onset (the view's first accepted beat; grey: ejection window; "
               "dots: Ts)");
    if (model_segments(f->r) == DYS_N_SEGMENTS)
        draw_legend_18(cr, x + 40, y + h - legend_h + 12, 7);
    else
        draw_legend(cr, x + 40, y + h - legend_h + 12, 7, 4);
}

static void title(cairo_t *cr, const fig *f, double x, double y, const char *what)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s - %s", f->r->study_id, what);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    dys_fig_text(cr, x, y, 12, 1, 0, buf);
}

/* The indices with a published cut-off, by report section (a section's
 * name over its rows), each against its cut-off; when no validated
 * cut-off applies (most strain studies), every index the study's inputs
 * allow, with its value.  The y below the last row. */
static double draw_index_table(cairo_t *cr, const fig *f, double x, double y, double fs,
                               int max_rows)
{
    const dys_result *r = f->r;
    const double cv = x + 22 * fs, cc = x + 23 * fs, cd = x + 29.5 * fs; /* columns */
    const double step = fs * 1.45;
    int row = 0, any_ref = 0, classified = 0;
    char buf[160];
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    dys_fig_text(cr, x, y, fs, 1, 0, "index");
    dys_fig_text(cr, cv, y, fs, 1, 1, "value");
    dys_fig_text(cr, cc, y, fs, 1, 0, "cut-off");
    dys_fig_text(cr, cd, y, fs, 1, 0, "dyssynchrony");
    /* no validated cut-off applies (most strain studies): every index of
     * the study with its value, the reference-only cut-offs beside theirs */
    for (int c = 0; c < r->n_class; c++)
        classified |= !r->classification[c].reference_only &&
                      dys_index_applies(r->classification[c].index, r->trace) &&
                      !dys_index_unasked(r, r->classification[c].index);
    for (int g = 0; dys_group_name(g); g++) {
        int named = 0;
        for (int j = 0; j < DYS_N_INDICES && row < max_rows; j++) {
            /* an index whose input the study does not give (Doppler
             * timing, work) would only fill the table with nulls */
            if (dys_index_group(j) != g || !dys_index_applies(j, r->trace) ||
                dys_index_unasked(r, j))
                continue;
            const dys_class *k = NULL;
            for (int c = 0; c < r->n_class; c++)
                if (r->classification[c].index == j)
                    k = &r->classification[c];
            if (classified && !k)
                continue;
            if (!named++ && row + 2 < max_rows) {
                cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
                snprintf(buf, sizeof buf, "%c%s", toupper((unsigned char)dys_group_name(g)[0]),
                         dys_group_name(g) + 1);
                dys_fig_text(cr, x, y + (++row) * step, fs * 0.95, 1, 0, buf);
            }
            double ly = y + (++row) * step;
            double v = k ? k->value : r->index[j];
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            dys_fig_text(cr, x, ly, fs, 0, 0, dys_index_get(j)->key);
            if (!isfinite(v))
                snprintf(buf, sizeof buf, "null");
            else if (!strcmp(dys_index_get(j)->unit, "0/1")) /* a finding */
                snprintf(buf, sizeof buf, "%s", v > 0.5 ? "yes" : "no");
            else
                snprintf(buf, sizeof buf, "%.1f", v);
            dys_fig_text(cr, cv, ly, fs, k && k->dyssynchronous == 1, 1, buf);
            if (!k) {
                dys_fig_text(cr, cc, ly, fs, 0, 0, "-");
                /* global strain is a function index, not a timing one: it
                 * has normal values but no dyssynchrony cut-off to miss */
                dys_fig_text(cr, cd, ly, fs, 0, 0,
                             j == DYS_IDX_GLOBAL_STRAIN_PEAK ? "not timing" : "none published");
                continue;
            }
            snprintf(buf, sizeof buf, "%s%g%s", k->on_abs ? "|x|>=" : ">=", k->cutoff,
                     k->reference_only ? " ref" : "");
            dys_fig_text(cr, cc, ly, fs, 0, 0, buf);
            if (k->dyssynchronous == 1)
                cairo_set_source_rgb(cr, 0.70, 0.10, 0.10);
            else if (k->reference_only)
                cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
            dys_fig_text(cr, cd, ly, fs, 0, 0,
                         k->reference_only ? "ref only"
                         : k->dyssynchronous == 1 ? (k->borderline ? "yes, borderline" : "yes")
                         : k->dyssynchronous == 0 ? (k->borderline ? "no, borderline" : "no")
                                                  : "-");
            any_ref |= k->reference_only;
        }
    }
    if (any_ref && row < max_rows) {
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        dys_fig_text(cr, x, y + (++row) * step, fs * 0.9, 0, 0,
                     "ref: cut-off not validated for this measurement; not counted");
    }
    return y + row * step;
}

static void draw_report(cairo_t *cr, const fig *f, double W, double H)
{
    const dys_result *r = f->r;
    char buf[320];
    title(cr, f, 28, 30, "dyssynchrony report");
    /* metadata line */
    size_t n = 0;
    buf[0] = '\0';
    /* a strain study says which strain: a ring's is circumferential */
    if (r->trace == DYS_TRACE_STRAIN)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s   ",
                              dys_trace_description(r->trace, r->strain_direction));
    if (isfinite(r->lvef_pct))
        n += (size_t)snprintf(buf + n, sizeof buf - n, "LVEF %.0f %%   ", r->lvef_pct);
    if (isfinite(r->qrs_duration_ms))
        n += (size_t)snprintf(buf + n, sizeof buf - n, "QRS %.0f ms   ", r->qrs_duration_ms);
    if (r->lbbb >= 0)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "LBBB %s   ", r->lbbb ? "yes" : "no");
    if (r->nyha >= 1 && r->nyha <= 4) {
        static const char *const roman[] = {"I", "II", "III", "IV"};
        n += (size_t)snprintf(buf + n, sizeof buf - n, "NYHA %s   ", roman[r->nyha - 1]);
    }
    if (isfinite(r->rr_ms))
        n += (size_t)snprintf(buf + n, sizeof buf - n, "heart rate %.0f bpm   ", 60000.0 / r->rr_ms);
    snprintf(buf + n, sizeof buf - n, "segments ok %d of %d", r->n_segments,
             model_segments(r));
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    dys_fig_text(cr, 28, 46, 8, 0, 0, buf);
    /* left: curves; middle: bull's-eye and bars; right: indices and CRT */
    draw_curves(cr, f, 20, 60, 0.40 * W, H - 90);
    /* a study with myocardial work shows the work map: its timing is in
     * the curves' dots and the bars */
    if (r->work.pressure != DYS_PRESSURE_NONE)
        draw_work_bullseye(cr, f, 0.40 * W + 110, 165, 68);
    else
        draw_bullseye(cr, f, 0.40 * W + 110, 165, 68);
    /* the bars' axis label needs about 45 pt left of the panel, clear of
     * the curves' column (which ends at 0.40 W + 20) */
    draw_bars(cr, f, 0.40 * W + 65, 305, 0.24 * W - 20, 150);
    double tx = 0.705 * W;
    double y = draw_index_table(cr, f, tx, 80, 6.5, 26) + 22;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    dys_fig_text(cr, tx, y, 7.5, 1, 0, "CRT eligibility (decision support, not a verdict)");
    static const char *const label[] = {"classic", "ACC/AHA/HRS 2012", "ESC 2021"};
    const char *missing = ""; /* the longest list, named once below */
    for (int i = 0; i < 3; i++) {
        const dys_eligibility *e = &r->crt[i];
        if (e->eligible < 0 && strlen(e->missing) > strlen(missing))
            missing = e->missing;
        if (e->eligible < 0)
            snprintf(buf, sizeof buf, "%s: unknown", label[i]);
        else if (e->cls)
            snprintf(buf, sizeof buf, "%s: class %s", label[i], e->cls);
        else if (!e->class_known && e->classes[0])
            snprintf(buf, sizeof buf, "%s: %s (class %s)", label[i],
                     e->eligible ? "eligible" : "not eligible", e->classes);
        else
            snprintf(buf, sizeof buf, "%s: %s", label[i], e->eligible ? "eligible" : "not eligible");
        dys_fig_text(cr, tx, y + (i + 1) * 11, 7, 0, 0, buf);
    }
    if (missing[0]) {
        /* wrapped to the page's right margin: the list can be long */
        snprintf(buf, sizeof buf, "not given: %s", missing);
        y += 9 * (dys_fig_text_wrapped(cr, tx, y + 4 * 11, 6.5, W - 20 - tx, 9, 4, buf) - 1) + 11;
    }
    y += 4 * 11 + 6;
    if (r->echocrt_warning[0]) {
        cairo_set_source_rgb(cr, 0.7, 0.1, 0.1);
        dys_fig_text(cr, tx, y, 7, 1, 0, "EchoCRT: narrow QRS with echo dyssynchrony -");
        dys_fig_text(cr, tx, y + 10, 7, 0, 0, "CRT chosen this way raised mortality (NEJM 2013)");
        y += 24;
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    dys_fig_text(cr, tx, y, 7.5, 1, 0, "LV lead target (latest reachable ok segments)");
    /* up to four candidates, three when the implanted lead's line follows */
    int shown = r->n_lead < (r->lead_segment >= 0 ? 3 : 4) ? r->n_lead
                                                          : (r->lead_segment >= 0 ? 3 : 4);
    for (int i = 0; i < shown; i++) {
        char nm[48];
        snprintf(buf, sizeof buf, "%s  +%.0f ms", pretty(r->lead[i].segment, nm, sizeof nm),
                 r->lead[i].delay_ms);
        dys_fig_text(cr, tx, y + (i + 1) * 11, 7, 0, 0, buf);
    }
    if (r->n_lead == 0) {
        snprintf(buf, sizeof buf, "none (%s)", r->lead_none_reason);
        shown = dys_fig_text_wrapped(cr, tx, y + 11, 7, W - tx - 16, 11, 3, buf);
    }
    /* the implanted lead below them (the text report and JSON give the
     * ranking's reasons and the left-out segments) */
    if (r->lead_segment >= 0) {
        static const char *const cls[] = {"not classified (no target)", "concordant",
                                          "adjacent", "remote"};
        char nm[48];
        snprintf(buf, sizeof buf, "implanted lead: %s, %s",
                 pretty(r->lead_segment, nm, sizeof nm), cls[r->lead_concordance]);
        dys_fig_text(cr, tx, y + (shown + 1) * 11, 7, 0, 0, buf);
    }
    y += 6 * 11;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    dys_fig_text(cr, tx, y, 7.5, 1, 0, "Ejection window");
    for (size_t i = 0; i < r->n_rec && i < 3; i++) {
        snprintf(buf, sizeof buf, "%s: AVO %.0f ms (%s), AVC %.0f ms (%s)",
                 dys_view_name(r->rec[i].view), r->rec[i].avo_ms,
                 r->rec[i].avo_source == DYS_PROV_GIVEN ? "given" : "estimated",
                 r->rec[i].avc_ms, r->rec[i].avc_source == DYS_PROV_GIVEN ? "given" : "estimated");
        dys_fig_text(cr, tx, y + (i + 1) * 11, 6.8, 0, 0, buf);
    }
    footer(cr, f, 28, H - 12);
}

static void draw(cairo_t *cr, double W, double H, const void *data)
{
    const fig *f = data;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    switch (f->o->kind) {
    case DYS_PLOT_BULLSEYE:
        title(cr, f, 16, 24, f->r->trace == DYS_TRACE_STRAIN ? "time to peak strain" : "time to peak systolic velocity");
        {
            /* a study with scar or veins has their legend below the map:
             * the map moves up and shrinks a little to make room above
             * the footer */
            int sc, ve, an = has_anatomy(f->r, &sc, &ve);
            draw_bullseye(cr, f, W * 0.42, H * (an ? 0.50 : 0.53), fmin(W, H) * (an ? 0.31 : 0.33));
        }
        break;
    case DYS_PLOT_BARS:
        title(cr, f, 16, 24, f->r->trace == DYS_TRACE_STRAIN ? "time to peak strain by segment"
                                                             : "Ts by segment");
        draw_bars(cr, f, 60, 44, W - 80, H - 100);
        break;
    case DYS_PLOT_CURVES:
        title(cr, f, 16, 24, "segment curves");
        draw_curves(cr, f, 8, 34, W - 16, H - 54);
        break;
    case DYS_PLOT_REPORT:
        draw_report(cr, f, W, H);
        return;
    }
    footer(cr, f, 16, H - 8);
}

dys_status dys_plot_write(dys_ctx *ctx, const dys_study *study, const dys_result *result,
                          const dys_plot_options *o, const char *path)
{
    dys_plot_options def;
    if (!o) {
        dys_plot_options_defaults(&def);
        o = &def;
    }
    if (!study || !result || !path)
        return dys_fail(ctx, DYS_ERR_INVALID, "plot: NULL argument");
    if ((int)o->kind < 0 || o->kind > DYS_PLOT_REPORT || o->width_in < 0 || o->height_in < 0 ||
        o->width_in > 50 || o->height_in > 50)
        return dys_fail(ctx, DYS_ERR_INVALID, "plot: bad options (size up to 50 inches)");
    /* sizes in points; the report is A4 landscape */
    static const double defw[] = {7.5, 6.0, 7.0, 11.69}, defh[] = {8.0, 5.0, 4.5, 8.27};
    double W = 72.0 * (o->width_in > 0 ? o->width_in : defw[o->kind]);
    double H = 72.0 * (o->height_in > 0 ? o->height_in : defh[o->kind]);
    fig f = {study, result, o};
    char desc[256];
    snprintf(desc, sizeof desc, "kind %s; low-pass %s; peak %s; SD %s; %d dpi",
             (const char *[]){"curves", "bullseye", "bars", "report"}[o->kind],
             result->params.lowpass_hz == DYS_LOWPASS_AUTO ? "auto" : "set",
             result->params.peak == DYS_PEAK_MAX ? "max" : "first",
             result->params.sd == DYS_SD_SAMPLE ? "sample" : "population", (int)o->dpi);
    return dys_fig_write(ctx, path, W, H, o->dpi, result->study_id, desc, draw, &f);
}
