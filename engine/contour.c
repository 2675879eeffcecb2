/*
 * contour.c - geometry of a speckle-tracking contour (contour.h): the
 * wall's length frame by frame, global and segmental strain, the pieces'
 * anatomical names, and displacement and velocity along the wall.
 *
 * The knots EchoPAC exports are tracked material points, so the contour
 * between two knots is taken as the straight segment joining them
 * (piecewise linear), and a point a fraction of the way from knot k to
 * knot k + 1 stays that fraction of the way in every frame: "fractional
 * knot coordinate" u = k + fraction names the same piece of myocardium
 * throughout the cycle.  Lengths are those of the polyline; no spline,
 * because a spline's overshoot between sparse knots would add length
 * that is not in the data, and the authors of the format's reference
 * code (st-postprocess) measure the polyline too.
 *
 * Strain (Lagrangian): 100 (L(t) - L0) / L0, L0 the length at the
 * reference frame (QRS onset: the left marker or the event the caller
 * gives), then drift-corrected linearly so that it is 0 again at the
 * drift frame (the next QRS onset: the right marker or the event).
 * Tracking accumulates error over the cycle, so a contour rarely returns
 * exactly to its starting length; spreading the residue linearly over
 * the cycle is the convention of EchoPAC and of st-postprocess, whose
 * published global strains these functions reproduce on its sample files
 * (tests/test_contour.c).  st-postprocess corrects the knots' positions
 * rather than the strain; on its two sample files the peaks differ by
 * less than 0.1 point (measured in the tests), and correcting the strain
 * keeps the global strain exactly the length-weighted mean of the
 * segments' strains.
 */
#include "contour.h"

#include <math.h>
#include <string.h>

/* Echo resolves about a third of a millimetre: a wall or a piece shorter
 * than a hundredth of one is a degenerate contour (knots stacked on one
 * point), and dividing by its length would give strains of any size. */
#define MIN_LENGTH_MM 0.01

/* ---- points along the polyline ---------------------------------------- */

size_t dys_contour_knots(const dys_contour *c)
{
    return c->n_knots - (c->repeats_first ? 1 : 0);
}

double dys_contour_frame_ms(const dys_contour *c, size_t k)
{
    return 1000.0 * (double)k / c->frame_rate_hz;
}

void dys_contour_marker_frames(const dys_contour *c, size_t *ref, size_t *drift)
{
    /* The markers fall between frames; the nearest frame is taken, so
     * that strain is 0 on a contour that was observed (as EchoPAC's own
     * strain is 0 on its reference frame).  Interpolating the length
     * between frames instead moves the peaks of the two sample files by
     * about 0.1-0.2 point (docs/format.md). */
    size_t last = c->n_frames - 1;
    double l = floor(c->left_marker_s * c->frame_rate_hz + 0.5);
    double r = floor(c->right_marker_s * c->frame_rate_hz + 0.5);
    *ref = l >= (double)last ? last : (size_t)l;
    *drift = r >= (double)last ? last : (size_t)r;
}

/* Knot k (taken modulo the knots of a ring) in frame f. */
static const double *knot(const dys_contour *c, size_t f, size_t k)
{
    return c->xy + 2 * (f * c->n_knots + k % dys_contour_knots(c));
}

/* The point at fractional knot coordinate u in frame f: linear between
 * the two knots around it.  An open wall ends at its last knot (u beyond
 * it is the last knot); a ring's u runs on past its last knot to the
 * first. */
static void point_at(const dys_contour *c, size_t f, double u, double p[2])
{
    size_t ku = dys_contour_knots(c);
    double fl = floor(u);
    size_t i = fl > 0 ? (size_t)fl : 0;
    double a = u - (double)i;
    if (!c->closed && i >= ku - 1) {
        i = ku - 2;
        a = 1.0;
    }
    const double *p0 = knot(c, f, i), *p1 = knot(c, f, i + 1);
    p[0] = p0[0] + a * (p1[0] - p0[0]);
    p[1] = p0[1] + a * (p1[1] - p0[1]);
}

/* Arc length between coordinates ua <= ub in frame f: exact for the
 * polyline, since the position is linear in u within a knot interval. */
static double arc_between(const dys_contour *c, size_t f, double ua, double ub)
{
    double p[2], q[2], total = 0, u = ua;
    point_at(c, f, u, p);
    while (u < ub) {
        double next = floor(u) + 1.0;
        if (next > ub)
            next = ub;
        point_at(c, f, next, q);
        total += hypot(q[0] - p[0], q[1] - p[1]);
        p[0] = q[0];
        p[1] = q[1];
        u = next;
    }
    return total;
}

double dys_contour_length(const dys_contour *c, size_t frame)
{
    size_t ku = dys_contour_knots(c);
    double total = 0;
    /* A ring's closing side is from its last distinct knot back to the
     * first; when the file repeats the first knot, that side is already
     * the last interval and is not added twice. */
    size_t sides = c->closed ? ku : ku - 1;
    for (size_t k = 0; k < sides; k++) {
        const double *p = knot(c, frame, k), *q = knot(c, frame, k + 1);
        total += hypot(q[0] - p[0], q[1] - p[1]);
    }
    return total;
}

/* ---- strain ------------------------------------------------------------- */

/* Frames usable as reference and drift correction. */
static dys_status check_frames(dys_ctx *ctx, const dys_contour *c, size_t ref, size_t drift)
{
    if (!(ref < drift && drift < c->n_frames))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "%s: reference frame %zu and drift frame %zu: expected the reference "
                        "before the drift frame, both below the %zu frames", c->source, ref,
                        drift, c->n_frames);
    return DYS_OK;
}

/* Strain of the lengths len[0..n) against len[ref], corrected linearly
 * to 0 at drift; the correction runs on before ref and after drift (the
 * same straight line), so a curve longer than the cycle stays continuous. */
static void strain_from_lengths(const double *len, size_t n, size_t ref, size_t drift,
                                double *strain)
{
    double l0 = len[ref];
    double residue = 100.0 * (len[drift] - l0) / l0;
    for (size_t k = 0; k < n; k++)
        strain[k] = 100.0 * (len[k] - l0) / l0 -
                    residue * ((double)k - (double)ref) / (double)(drift - ref);
}

dys_status dys_contour_global_strain(dys_ctx *ctx, const dys_contour *c, size_t ref,
                                     size_t drift, double *strain)
{
    dys_status st = check_frames(ctx, c, ref, drift);
    if (st != DYS_OK)
        return st;
    for (size_t k = 0; k < c->n_frames; k++)
        strain[k] = dys_contour_length(c, k);
    if (!(strain[ref] >= MIN_LENGTH_MM))
        return dys_fail(ctx, DYS_ERR_ANALYSIS,
                        "%s: the contour is %.3g mm long in frame %zu: expected at least %g "
                        "mm (its knots are on one point), so it has no strain", c->source,
                        strain[ref], ref, MIN_LENGTH_MM);
    strain_from_lengths(strain, c->n_frames, ref, drift, strain);
    return DYS_OK;
}

/* ---- cutting into six pieces --------------------------------------------- */

/* The coordinate at arc length s from coordinate u0 along frame f's
 * polyline (s at most the length from u0 to u0 + span).  Walked knot
 * interval by knot interval: within one, arc length is proportional to
 * u, so the answer is exact. */
static double coordinate_at_arc(const dys_contour *c, size_t f, double u0, double span,
                                double s)
{
    double u = u0, end = u0 + span, walked = 0;
    while (u < end) {
        double next = fmin(floor(u) + 1.0, end);
        double step = arc_between(c, f, u, next);
        if (walked + step >= s)
            return step > 0 ? u + (next - u) * (s - walked) / step : u;
        walked += step;
        u = next;
    }
    return end;
}

dys_status dys_contour_cut(dys_ctx *ctx, const dys_contour *c, size_t ref, size_t anchor,
                           dys_contour_cuts *cuts)
{
    size_t ku = dys_contour_knots(c);
    if (ref >= c->n_frames || (c->closed && anchor >= ku))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "%s: reference frame %zu, anchor knot %zu: expected a frame below %zu "
                        "and a knot below %zu", c->source, ref, anchor, c->n_frames, ku);
    memset(cuts, 0, sizeof *cuts);
    cuts->ref = ref;
    /* An apical wall runs from one base to the other, knot 0 to the last;
     * a ring has no ends, so its pieces start at the anchor knot (by
     * default knot 0, where the operator started the tracing: the file
     * does not say where the anterior insertion of the right ventricle
     * is, docs/format.md). */
    double u0 = c->closed ? (double)anchor : 0.0;
    double span = c->closed ? (double)ku : (double)(ku - 1);
    cuts->anchor = c->closed ? anchor : 0;
    double total = arc_between(c, ref, u0, u0 + span);
    if (!(total >= MIN_LENGTH_MM * DYS_CONTOUR_N_PIECES))
        return dys_fail(ctx, DYS_ERR_ANALYSIS,
                        "%s: the contour is %.3g mm long in frame %zu: expected at least %g "
                        "mm (its knots are on one point), so it cannot be cut into segments",
                        c->source, total, ref, MIN_LENGTH_MM * DYS_CONTOUR_N_PIECES);
    /* Equal arc length at the reference frame: the AHA segments are equal
     * thirds of each wall's length from base to apex (and sixths of a
     * ring), and the reference frame (end-diastole) is where segment
     * lengths are defined. */
    cuts->u[0] = u0;
    cuts->u[DYS_CONTOUR_N_PIECES] = u0 + span;
    for (int i = 1; i < DYS_CONTOUR_N_PIECES; i++)
        cuts->u[i] = coordinate_at_arc(c, ref, u0, span, total * i / DYS_CONTOUR_N_PIECES);
    return DYS_OK;
}

double dys_contour_piece_length(const dys_contour *c, const dys_contour_cuts *cuts, int i,
                                size_t frame)
{
    if (i < 0 || i >= DYS_CONTOUR_N_PIECES || frame >= c->n_frames)
        return NAN;
    return arc_between(c, frame, cuts->u[i], cuts->u[i + 1]);
}

dys_status dys_contour_piece_strain(dys_ctx *ctx, const dys_contour *c,
                                    const dys_contour_cuts *cuts, size_t drift, double *strain)
{
    dys_status st = check_frames(ctx, c, cuts->ref, drift);
    if (st != DYS_OK)
        return st;
    size_t n = c->n_frames;
    for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++) {
        double *s = strain + (size_t)i * n;
        for (size_t k = 0; k < n; k++)
            s[k] = dys_contour_piece_length(c, cuts, i, k);
        if (!(s[cuts->ref] >= MIN_LENGTH_MM))
            return dys_fail(ctx, DYS_ERR_ANALYSIS,
                            "%s: piece %d is %.3g mm long in frame %zu: expected at least %g "
                            "mm", c->source, i + 1, s[cuts->ref], cuts->ref, MIN_LENGTH_MM);
        strain_from_lengths(s, n, cuts->ref, drift, s);
    }
    return DYS_OK;
}

/* ---- names ----------------------------------------------------------------- */

/* From the left base through the apex to the right base, in the standard
 * orientation of each apical view (ASE/EACVI: septum left in 4CH,
 * inferior wall left in 2CH, inferolateral left in APLAX).  The apical
 * names are those of the 18-segment model, which splits the apex into
 * the continuation of each wall. */
static const char *const apical_names[3][DYS_CONTOUR_N_PIECES] = {
    {"basal_inferoseptal", "mid_inferoseptal", "apical_inferoseptal", "apical_anterolateral",
     "mid_anterolateral", "basal_anterolateral"},
    {"basal_inferior", "mid_inferior", "apical_inferior", "apical_anterior", "mid_anterior",
     "basal_anterior"},
    {"basal_inferolateral", "mid_inferolateral", "apical_inferolateral", "apical_anteroseptal",
     "mid_anteroseptal", "basal_anteroseptal"},
};

/* Around a ring from the anterior insertion of the right ventricle,
 * septum first, by level: st-postprocess asks operators to start at the
 * anteroseptal level and cover the septum first, and the file holds no
 * landmark that would tell where the insertion is (docs/format.md). */
static const char *const sax_names[3][DYS_CONTOUR_N_PIECES] = {
    {"basal_anteroseptal", "basal_inferoseptal", "basal_inferior", "basal_inferolateral",
     "basal_anterolateral", "basal_anterior"},
    {"mid_anteroseptal", "mid_inferoseptal", "mid_inferior", "mid_inferolateral",
     "mid_anterolateral", "mid_anterior"},
    {"apical_anteroseptal", "apical_inferoseptal", "apical_inferior", "apical_inferolateral",
     "apical_anterolateral", "apical_anterior"},
};

void dys_contour_name_pieces(const dys_contour *c, size_t ref, int flip,
                             dys_contour_segment seg[DYS_CONTOUR_N_PIECES])
{
    const char *const *names = NULL;
    int reversed = flip != 0;
    if (dys_contour_view_is_sax(c->view)) {
        names = sax_names[c->view - DYS_CONTOUR_SAX_MV];
    } else if (c->view >= DYS_CONTOUR_4CH && c->view <= DYS_CONTOUR_APLAX) {
        /* Which base is on the left is read from the data, not from the
         * knot order: an operator may trace from either base.  The image
         * x axis runs left to right with the probe at 0. */
        size_t r = ref < c->n_frames ? ref : 0;
        const double *first = knot(c, r, 0), *last = knot(c, r, c->n_knots - 1);
        names = apical_names[c->view - DYS_CONTOUR_4CH];
        reversed = (first[0] > last[0]) != (flip != 0);
    }
    for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++) {
        seg[i].name = names ? names[reversed ? DYS_CONTOUR_N_PIECES - 1 - i : i] : NULL;
        seg[i].aha = names ? dys_segment_from_name(seg[i].name) : -1;
    }
}

/* ---- displacement and velocity ---------------------------------------------- */

dys_status dys_contour_piece_motion(dys_ctx *ctx, const dys_contour *c,
                                    const dys_contour_cuts *cuts, size_t drift, double *disp,
                                    double *vel)
{
    if (c->closed)
        return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                        "%s: a short-axis ring has no longitudinal motion: displacement along "
                        "the wall is computed for apical views", c->source);
    dys_status st = check_frames(ctx, c, cuts->ref, drift);
    if (st != DYS_OK)
        return st;
    size_t n = c->n_frames, ref = cuts->ref;
    double last = (double)(dys_contour_knots(c) - 1);
    for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++) {
        /* The piece's midpoint: half its arc length at the reference
         * frame, a material point followed through the cycle. */
        double half = arc_between(c, ref, cuts->u[i], cuts->u[i + 1]) / 2;
        double um = coordinate_at_arc(c, ref, cuts->u[i], cuts->u[i + 1] - cuts->u[i], half);
        /* The direction it is projected on: the wall's direction at that
         * point in the reference frame, over the knots either side (a
         * central difference, as st-postprocess takes its longitudinal
         * axis), turned to point towards the apex.  Along the wall rather
         * than towards the apex point, because near the apex the line to
         * it leaves the wall; fixed at the reference frame, so that the
         * displacement is the motion itself, not the wall's rotation, and
         * its derivative is the velocity along one axis as tissue Doppler
         * measures it. */
        double pa[2], pb[2], p0[2], dir[2];
        point_at(c, ref, um - 1.0 < 0 ? 0 : um - 1.0, pa);
        point_at(c, ref, um + 1.0 > last ? last : um + 1.0, pb);
        dir[0] = pb[0] - pa[0];
        dir[1] = pb[1] - pa[1];
        double norm = hypot(dir[0], dir[1]);
        if (!(norm >= MIN_LENGTH_MM))
            return dys_fail(ctx, DYS_ERR_ANALYSIS,
                            "%s: piece %d has no direction in frame %zu: the knots around its "
                            "midpoint are on one point", c->source, i + 1, ref);
        /* the knots run from one base to the other: past the middle piece
         * they run away from the apex */
        double sign = i < DYS_CONTOUR_N_PIECES / 2 ? 1.0 : -1.0;
        dir[0] *= sign / norm;
        dir[1] *= sign / norm;
        point_at(c, ref, um, p0);
        double *d = disp + (size_t)i * n;
        for (size_t k = 0; k < n; k++) {
            double p[2];
            point_at(c, k, um, p);
            d[k] = (p[0] - p0[0]) * dir[0] + (p[1] - p0[1]) * dir[1];
        }
        /* the same linear drift correction as strain: the midpoint comes
         * back to where it started at the drift frame */
        double residue = d[drift];
        for (size_t k = 0; k < n; k++)
            d[k] -= residue * ((double)k - (double)ref) / (double)(drift - ref);
        if (!vel)
            continue;
        /* mm per frame times frames per second is mm/s; / 10 is cm/s.
         * Central differences: no phase shift, so a peak's time is not
         * moved by half a frame as a forward difference would. */
        double *v = vel + (size_t)i * n, to_cm_s = c->frame_rate_hz / 10.0;
        v[0] = (d[1] - d[0]) * to_cm_s;
        v[n - 1] = (d[n - 1] - d[n - 2]) * to_cm_s;
        for (size_t k = 1; k + 1 < n; k++)
            v[k] = (d[k + 1] - d[k - 1]) / 2.0 * to_cm_s;
    }
    return DYS_OK;
}

/* ---- apical rocking ---------------------------------------------------- */

dys_status dys_contour_apex_transverse(dys_ctx *ctx, const dys_contour *c,
                                       const dys_contour_cuts *cuts, size_t drift,
                                       int knot0_septal, double *out)
{
    if (c->closed)
        return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                        "%s: a short-axis ring has no apex: apical transverse motion is "
                        "computed for apical views", c->source);
    dys_status st = check_frames(ctx, c, cuts->ref, drift);
    if (st != DYS_OK)
        return st;
    size_t n = c->n_frames, ref = cuts->ref;
    double last = (double)(dys_contour_knots(c) - 1);
    /* The apex: the middle of the wall's arc length at the reference
     * frame, the cut between the third and fourth pieces; a point of the
     * tracked wall, not the knot farthest from the base, which changes
     * from frame to frame and would make the apex jump. */
    double um = cuts->u[DYS_CONTOUR_N_PIECES / 2];
    double b0[2], b1[2], apex0[2];
    point_at(c, ref, 0, b0);
    point_at(c, ref, last, b1);
    point_at(c, ref, um, apex0);
    double ax[2] = {apex0[0] - (b0[0] + b1[0]) / 2, apex0[1] - (b0[1] + b1[1]) / 2};
    double na = hypot(ax[0], ax[1]);
    if (!(na >= MIN_LENGTH_MM))
        return dys_fail(ctx, DYS_ERR_ANALYSIS,
                        "%s: the apex lies on the base line in frame %zu: no long axis",
                        c->source, ref);
    ax[0] /= na;
    ax[1] /= na;
    /* across the long axis, from the septal base towards the lateral */
    double sgn = knot0_septal ? 1.0 : -1.0;
    double tr[2] = {sgn * (b1[0] - b0[0]), sgn * (b1[1] - b0[1])};
    double along = tr[0] * ax[0] + tr[1] * ax[1];
    tr[0] -= along * ax[0];
    tr[1] -= along * ax[1];
    double nt = hypot(tr[0], tr[1]);
    if (!(nt >= MIN_LENGTH_MM))
        return dys_fail(ctx, DYS_ERR_ANALYSIS,
                        "%s: the two bases lie on the long axis in frame %zu: no septal-lateral "
                        "direction", c->source, ref);
    tr[0] /= nt;
    tr[1] /= nt;
    for (size_t k = 0; k < n; k++) {
        double p[2];
        point_at(c, k, um, p);
        out[k] = (p[0] - apex0[0]) * tr[0] + (p[1] - apex0[1]) * tr[1];
    }
    double residue = out[drift];
    for (size_t k = 0; k < n; k++)
        out[k] -= residue * ((double)k - (double)ref) / (double)(drift - ref);
    return DYS_OK;
}

double dys_apex_excursion(const dys_recording *rec, const dys_beat_list *bl, double avo_ms,
                          double avc_ms)
{
    if (!rec->apex_transverse_mm || !(avc_ms > avo_ms))
        return NAN;
    double sum = 0;
    int nb = 0;
    for (size_t b = 0; b < bl->n; b++) {
        const dys_beat *bt = &bl->beat[b];
        if (!bt->accepted)
            continue;
        double lo = INFINITY, hi = -INFINITY;
        int ns = 0;
        for (size_t i = 0; i < rec->n; i++) {
            double t = rec->t_ms[i] - bt->onset_ms, x = rec->apex_transverse_mm[i];
            if (t >= avo_ms && t <= avc_ms && isfinite(x)) {
                lo = fmin(lo, x);
                hi = fmax(hi, x);
                ns++;
            }
        }
        if (ns >= 2) {
            sum += hi - lo;
            nb++;
        }
    }
    return nb ? sum / nb : NAN;
}

double dys_contour_peak(const double *curve, size_t from, size_t to, size_t *at)
{
    double best = INFINITY;
    size_t where = from;
    for (size_t k = from; k <= to; k++)
        if (curve[k] < best) {
            best = curve[k];
            where = k;
        }
    if (at)
        *at = where;
    return best;
}
