/*
 * contour_study.c - a GE EchoPAC full-trace contour export as a study's
 * recording (docs/format.md, "GE EchoPAC full-trace contour files"):
 * read_contour.c reads the knots, contour.c measures them, and this file
 * turns the measures into what every other reader gives the analysis,
 * vendor-neutral: one recording, its view, a time axis, a curve per
 * segment, the export's cycle and end-systole.
 *
 * What it fills:
 *  - the view from View= (4CH, 2CH, APLAX: A4C, A2C, APLAX; SAX-MV,
 *    SAX-PM, SAX-AP: the short-axis views, a circumferential strain study
 *    of the six segments of that level, never merged with apical views);
 *  - the time axis k / FR in ms (frame 0 at 0 ms), the frame rate;
 *  - six segment curves (the pieces of equal arc length of contour.c,
 *    named by dys_contour_name_pieces): strain in %, or with
 *    DYS_CONTOUR_TRACE_VELOCITY the velocity along the wall of each
 *    piece's midpoint in cm/s (apical views only), and the global strain
 *    of the whole contour;
 *  - reference and drift correction at the frames nearest the left and
 *    right markers (the scanner's QRS triggers), or nearest the two QRS
 *    onsets the user gave (dys_read_options.qrs_onsets_ms), said in words
 *    in rec->contour so that the output names the convention;
 *  - the export's cycle (cycle_start_ms, cycle_ms: the beats' QRS onsets
 *    when none are given) and AVC from ES Time, which counts from the
 *    left marker (read_contour.c);
 *  - study_id from ID= when it is not empty.
 * The curves are the engine's own computation: the reader marks them so
 * (derived_curves), and the plausibility checks keep only their rules on
 * impossible samples and spikes, naming a frame's line.
 */
#include "contour.h"
#include "study_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Speckle tracking records at 30-250 frames/s (the study readers warn
 * below 10, plausible.c); a contour's times are k / FR, so a frame rate
 * below this makes every time suspect. */
#define MIN_PLAUSIBLE_FR 10.0

static dys_view study_view(dys_contour_view v)
{
    switch (v) {
    case DYS_CONTOUR_4CH: return DYS_VIEW_A4C;
    case DYS_CONTOUR_2CH: return DYS_VIEW_A2C;
    case DYS_CONTOUR_APLAX: return DYS_VIEW_APLAX;
    case DYS_CONTOUR_SAX_MV: return DYS_VIEW_SAX_MV;
    case DYS_CONTOUR_SAX_PM: return DYS_VIEW_SAX_PM;
    case DYS_CONTOUR_SAX_AP: return DYS_VIEW_SAX_AP;
    }
    return DYS_VIEW_UNKNOWN;
}

/* Seconds as EchoPAC writes them (6 decimals) to ms, rounded to the
 * microsecond so that 0.230000 s is 230 ms exactly, not 230.00000000000003. */
static double s_to_ms(double s)
{
    return round(s * 1e6) / 1e3;
}

/* The nearest frame to a time in ms, SIZE_MAX when it is outside the
 * recording by more than half a frame. */
static size_t nearest_frame(const dys_contour *c, double ms)
{
    double k = floor(ms * c->frame_rate_hz / 1000.0 + 0.5);
    return k >= 0 && k <= (double)(c->n_frames - 1) ? (size_t)k : (size_t)-1;
}

/* The reference and drift frames, and the words that say where they come
 * from: the given QRS onsets, else the markers. */
static dys_status choose_frames(dys_reader *r, const dys_contour *c, size_t *ref,
                                size_t *drift, dys_contour_info *ci)
{
    const dys_read_options *o = r->opt;
    if (o->n_qrs_onsets == 0) {
        dys_contour_marker_frames(c, ref, drift);
        snprintf(ci->reference, sizeof ci->reference, "left marker %g ms: frame %zu (%.1f ms)",
                 s_to_ms(c->left_marker_s), *ref, dys_contour_frame_ms(c, *ref));
        snprintf(ci->drift, sizeof ci->drift, "linear to the right marker %g ms: frame %zu "
                 "(%.1f ms)", s_to_ms(c->right_marker_s), *drift,
                 dys_contour_frame_ms(c, *drift));
        return DYS_OK;
    }
    /* One tracked cycle: its two QRS onsets are the reference and the
     * drift frame; a third onset would be a beat the contour does not
     * track. */
    if (o->n_qrs_onsets != 2)
        return dys_fail(r->ctx, DYS_ERR_INVALID,
                        "%s: %zu QRS onsets given (--qrs-onsets): a full-trace export tracks "
                        "one cycle, so expected its two, the reference and the drift-"
                        "correction frame", r->path, o->n_qrs_onsets);
    size_t f[2];
    for (int i = 0; i < 2; i++) {
        f[i] = nearest_frame(c, o->qrs_onsets_ms[i]);
        if (f[i] == (size_t)-1)
            return dys_fail(r->ctx, DYS_ERR_INVALID,
                            "%s: the given QRS onset %g ms is outside the recording: expected "
                            "0 to %.1f ms (%zu frames at FR= %g, frame k at k / FR)", r->path,
                            o->qrs_onsets_ms[i], dys_contour_frame_ms(c, c->n_frames - 1),
                            c->n_frames, c->frame_rate_hz);
    }
    if (f[0] >= f[1])
        return dys_fail(r->ctx, DYS_ERR_INVALID,
                        "%s: the given QRS onsets %g and %g ms fall on frames %zu and %zu: "
                        "expected a cycle of at least two frames", r->path,
                        o->qrs_onsets_ms[0], o->qrs_onsets_ms[1], f[0], f[1]);
    *ref = f[0];
    *drift = f[1];
    snprintf(ci->reference, sizeof ci->reference, "given QRS onset %g ms: frame %zu (%.1f ms)",
             o->qrs_onsets_ms[0], *ref, dys_contour_frame_ms(c, *ref));
    snprintf(ci->drift, sizeof ci->drift, "linear to the given QRS onset %g ms: frame %zu "
             "(%.1f ms)", o->qrs_onsets_ms[1], *drift, dys_contour_frame_ms(c, *drift));
    return DYS_OK;
}

/* A geometry failure (a degenerate contour) as file:line:column: the
 * line of the frame it happened on; the geometry's message starts with
 * the path, which is replaced. */
static dys_status at_frame(dys_reader *r, const dys_contour *c, size_t frame, dys_status st)
{
    char msg[DYS_ERRMSG_MAX];
    const char *e = dys_ctx_error(r->ctx);
    size_t pl = strlen(r->path);
    if (!strncmp(e, r->path, pl) && !strncmp(e + pl, ": ", 2))
        e += pl + 2;
    snprintf(msg, sizeof msg, "%s", e);
    return dys_fail(r->ctx, st, "%s:%d:1: %s", r->path, c->frame_line[frame], msg);
}

/* The study-level facts a contour sets: the trace, its direction and
 * label, the study id.  A second file of a view directory must agree:
 * a ring is not merged with apical views (io/study.c's directory rule
 * already keeps it out; this is the reader's own guard). */
static dys_status study_facts(dys_reader *r, const dys_contour *c)
{
    dys_study *s = r->study;
    int sax = dys_contour_view_is_sax(c->view);
    dys_trace trace = r->opt->contour_trace == DYS_CONTOUR_TRACE_VELOCITY ? DYS_TRACE_VELOCITY
                                                                          : DYS_TRACE_STRAIN;
    dys_strain_direction dir = sax ? DYS_STRAIN_CIRCUMFERENTIAL : DYS_STRAIN_LONGITUDINAL;
    if (sax && trace == DYS_TRACE_VELOCITY)
        return dys_fail(r->ctx, DYS_ERR_UNSUPPORTED,
                        "%s:%d:%d: view %s is a short-axis ring: velocity along the wall "
                        "(--contour-trace velocity) needs an apical view (4CH, 2CH, APLAX); "
                        "expected the ring read as circumferential strain (the default)",
                        r->path, c->view_line, c->view_col, dys_contour_view_name(c->view));
    if (s->n_rec > 1 && s->strain_direction != dir)
        return dys_fail(r->ctx, DYS_ERR_PARSE,
                        "%s:%d:%d: view %s with %s: circumferential (short-axis) and "
                        "longitudinal (apical) strain are separate studies: expected "
                        "the ring's file analysed alone", r->path, c->view_line, c->view_col,
                        dys_contour_view_name(c->view), s->rec[0].source);
    s->trace = trace;
    s->strain_direction = dir;
    free(s->trace_label);
    s->trace_label = dys_strdup(trace == DYS_TRACE_VELOCITY
                                    ? "velocity along the wall (speckle tracking)"
                                    : dys_trace_description(trace, dir));
    if (!s->trace_label)
        return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    if (c->id && c->id[0])
        return dys_meta_apply(r, "study_id", 8, c->id, strlen(c->id), c->id_line, c->id_col);
    return DYS_OK;
}

/* The curves: strain or velocity per piece into the segments the pieces
 * are named for, and the global strain. */
static dys_status fill_curves(dys_reader *r, const dys_contour *c, size_t ref, size_t drift)
{
    dys_recording *rec = r->rec;
    size_t n = c->n_frames;
    dys_contour_cuts cuts;
    dys_status st = dys_contour_cut(r->ctx, c, ref, 0, &cuts);
    if (st != DYS_OK)
        return at_frame(r, c, ref, st);
    dys_contour_segment names[DYS_CONTOUR_N_PIECES];
    dys_contour_name_pieces(c, ref, r->opt->contour_flip != 0, names);
    double *pieces = dys_calloc(n * DYS_CONTOUR_N_PIECES, sizeof *pieces);
    double *disp = NULL;
    rec->global_strain_pct = dys_calloc(n, sizeof *rec->global_strain_pct);
    int velocity = r->opt->contour_trace == DYS_CONTOUR_TRACE_VELOCITY;
    if (velocity)
        disp = dys_calloc(n * DYS_CONTOUR_N_PIECES, sizeof *disp);
    if (!pieces || !rec->global_strain_pct || (velocity && !disp)) {
        free(pieces);
        free(disp);
        return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
    }
    st = dys_contour_global_strain(r->ctx, c, ref, drift, rec->global_strain_pct);
    if (st == DYS_OK)
        st = velocity ? dys_contour_piece_motion(r->ctx, c, &cuts, drift, disp, pieces)
                      : dys_contour_piece_strain(r->ctx, c, &cuts, drift, pieces);
    free(disp);
    if (st != DYS_OK) {
        free(pieces);
        return at_frame(r, c, ref, st);
    }
    for (int i = 0; i < DYS_CONTOUR_N_PIECES && st == DYS_OK; i++) {
        int k = names[i].aha;
        rec->seg[k] = malloc(n * sizeof *rec->seg[k]);
        if (!rec->seg[k]) {
            st = dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
            break;
        }
        memcpy(rec->seg[k], pieces + (size_t)i * n, n * sizeof *rec->seg[k]);
        /* a segment's "column" is the View= value that names it: where
         * io/study.c points when a segment comes twice in a directory */
        r->seg_col[k] = c->view_col;
    }
    free(pieces);
    /* The apex's motion across the long axis (apical rocking) of a
     * 4-chamber wall, the one view whose transverse axis is septal-lateral. */
    if (st == DYS_OK && c->view == DYS_CONTOUR_4CH) {
        rec->apex_transverse_mm = malloc(n * sizeof *rec->apex_transverse_mm);
        if (!rec->apex_transverse_mm)
            return dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        /* a wall without an apex still has its strain: the index is null
         * with the reason, the study read */
        if (dys_contour_apex_transverse(r->ctx, c, &cuts, drift,
                                        names[0].aha == DYS_AHA_BASAL_INFEROSEPTAL,
                                        rec->apex_transverse_mm) != DYS_OK) {
            dys_strlist_add(&r->study->warnings, &r->study->n_warnings,
                            "%s:%d:1: no apical transverse motion: %s", r->path,
                            c->frame_line[ref], dys_ctx_error(r->ctx));
            free(rec->apex_transverse_mm);
            rec->apex_transverse_mm = NULL;
        }
    }
    snprintf(rec->contour.curves, sizeof rec->contour.curves, "%s%s",
             velocity ? "velocity along the wall of each segment's midpoint, cm/s"
                      : "strain of each segment (6 of equal arc length), %",
             r->opt->contour_flip ? "; segments named as for a mirrored image" : "");
    return st;
}

dys_status dys_read_contour_study(dys_reader *r, dys_text *t)
{
    dys_contour *c = NULL;
    dys_status st = dys_contour_parse(r->ctx, t, r->opt, &c);
    if (st != DYS_OK)
        return st;
    dys_recording *rec = r->rec;
    dys_contour_info *ci = &rec->contour;
    size_t ref = 0, drift = 0;
    st = study_facts(r, c);
    if (st == DYS_OK)
        st = choose_frames(r, c, &ref, &drift, ci);
    if (st != DYS_OK)
        goto out;
    rec->view = study_view(c->view);
    rec->n = c->n_frames;
    rec->t_ms = malloc(rec->n * sizeof *rec->t_ms);
    if (!rec->t_ms) {
        st = dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < rec->n; k++)
        rec->t_ms[k] = dys_contour_frame_ms(c, k);
    st = fill_curves(r, c, ref, drift);
    if (st != DYS_OK)
        goto out;
    ci->from_contour = 1;
    snprintf(ci->view, sizeof ci->view, "%s", dys_contour_view_name(c->view));
    ci->n_knots = dys_contour_knots(c);
    ci->ref_frame = ref;
    ci->drift_frame = drift;
    rec->frame_rate_hz = c->frame_rate_hz;
    rec->cycle_start_ms = s_to_ms(c->left_marker_s);
    rec->cycle_ms = s_to_ms(c->right_marker_s) - rec->cycle_start_ms;
    /* End-systole from the cycle's QRS trigger; one that falls after the
     * marked cycle's end is no end-systole of that cycle. */
    if (c->es_time_s > 0 && s_to_ms(c->es_time_s) < rec->cycle_ms)
        rec->avc_file_ms = rec->cycle_start_ms + s_to_ms(c->es_time_s);
    else
        dys_strlist_add(&r->study->warnings, &r->study->n_warnings,
                        "%s:%d:%d: ES Time=%g s after the left marker is no end-systole of "
                        "the marked cycle (0 to %g ms long): not used as AVC", r->path,
                        c->fr_line, c->es_col, c->es_time_s, rec->cycle_ms);
    if (c->frame_rate_hz < MIN_PLAUSIBLE_FR)
        dys_strlist_add(&r->study->warnings, &r->study->n_warnings,
                        "%s:%d:%d: FR= %g frames/s is slower than speckle tracking records "
                        "(about 30-250): every time of this file is k / FR", r->path,
                        c->fr_line, c->fr_col, c->frame_rate_hz);
    if (c->closed)
        dys_strlist_add(&r->study->warnings, &r->study->n_warnings,
                        "%s: the ring's segments are named from knot 0 taken as the anterior "
                        "insertion of the right ventricle, where the tracing is meant to "
                        "start; the file does not mark it, so if the tracing started "
                        "elsewhere the names turn with it", r->path);
    /* Where each sample stands, for the plausibility messages: the
     * frame's line (a sample is computed from the whole line: column 1). */
    r->header_line = c->view_line;
    r->time_col = c->fr_col;
    r->derived_curves = 1;
    for (size_t k = 0; k < rec->n && st == DYS_OK; k++)
        if (dys_icolumn_push(&r->row_line, c->frame_line[k]) != DYS_OK)
            st = dys_fail(r->ctx, DYS_ERR_NOMEM, "out of memory");
out:
    dys_contour_free(c);
    return st;
}
