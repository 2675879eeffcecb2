/*
 * contour.h - GE EchoPAC "store full trace" speckle-tracking contours: the
 * tracked knots of one wall (apical views) or ring (short axis), frame by
 * frame, as io/read_contour.c reads them, and their geometry
 * (contour.c): global and segmental strain, segment names, displacement
 * and velocity along the wall.
 *
 * io/contour_study.c turns a contour into a recording of dys_study (the
 * curves per segment, the global strain, the reference and drift frames);
 * the geometry here knows nothing of studies.
 *
 * Conventions: positions in mm as the file gives them (probe at the
 * origin, x across the image, y depth); frame k at k / FR seconds;
 * strain in % (shortening negative); displacement in mm and velocity in
 * cm/s, positive towards the apex.  The geometry functions are pure: they
 * read the contour and write into the caller's arrays.
 */
#ifndef DYS_CONTOUR_H
#define DYS_CONTOUR_H

#include "internal.h"

/* The views a full-trace export names in its View= line. */
typedef enum dys_contour_view {
    DYS_CONTOUR_4CH = 1, /* apical 4-chamber */
    DYS_CONTOUR_2CH,     /* apical 2-chamber */
    DYS_CONTOUR_APLAX,   /* apical long axis (3-chamber) */
    DYS_CONTOUR_SAX_MV,  /* short axis, mitral valve (basal) level */
    DYS_CONTOUR_SAX_PM,  /* short axis, papillary muscle (mid) level */
    DYS_CONTOUR_SAX_AP   /* short axis, apical level */
} dys_contour_view;

/* A short-axis view: the contour is a closed ring. */
int dys_contour_view_is_sax(dys_contour_view v);
/* The View= value EchoPAC writes ("4CH", "SAX-PM", ...), NULL out of range. */
const char *dys_contour_view_name(dys_contour_view v);

typedef struct dys_contour {
    char *source;           /* path it was read from */
    char *id;               /* the ID= line's value ("" when empty) */
    dys_contour_view view;
    int closed;             /* a short-axis ring: the last knot joins the first */
    int repeats_first;      /* closed, and the file's last knot is the first
                               again in every frame (EchoPAC closes its rings
                               so): that knot is not counted twice */
    double frame_rate_hz;   /* FR= */
    double left_marker_s;   /* the cycle the operator marked (the scanner's */
    double right_marker_s;  /* QRS triggers), on the frames' axis k / FR */
    double es_time_s;       /* ES Time=: end-systole (aortic valve closure) */
    size_t n_frames;
    size_t n_knots;         /* as in the file, the repeated knot included */
    double *xy;             /* n_frames * n_knots (x, y) pairs in mm, frame
                               after frame: knot k of frame f is
                               xy[2 * (f * n_knots + k)] and the next value */
    /* Where the reader found things, for the messages of what uses the
     * contour (1-based lines and columns). */
    int *frame_line;        /* the line of each frame */
    int id_line, id_col, view_line, view_col; /* ID= and View='s values */
    int fr_line, fr_col, left_col, right_col, es_col; /* the FR= line */
} dys_contour;

/* Frees the contour and what it owns (NULL: nothing). */
void dys_contour_free(dys_contour *c);

/* Read a full-trace export (io/read_contour.c), whatever its name: on
 * success *out owns a new contour; on failure *out is NULL and the
 * context's message names file, line and column.  opt limits the file's
 * size (max_file_bytes) and its frames (max_rows).  (Whether a file is
 * one: dys_file_is_contour of dyssync.h.) */
dys_status dys_contour_read(dys_ctx *ctx, const char *path, const dys_read_options *opt,
                            dys_contour **out);
/* The same from a file already in memory (io/study_internal.h's text, its
 * cursor at the start), for the study reader, which has loaded it. */
struct dys_text;
dys_status dys_contour_parse(dys_ctx *ctx, struct dys_text *t, const dys_read_options *opt,
                             dys_contour **out);
/* The View= and ID= values of a full-trace export's header (its first 4
 * KB, padding removed), without reading the knots: the view directory
 * rule (io/study.c) groups files by them.  0 when the file is no contour
 * export or has no View= line (view and id then ""). */
int dys_contour_peek(const char *path, char *view, size_t view_cap, char *id, size_t id_cap);

/* ---- geometry (contour.c) ------------------------------------------ */

/* The pieces a contour is split into. */
#define DYS_CONTOUR_N_PIECES 6

/* The knots that make the geometry: the file's, less the repeated first
 * knot of a closed ring. */
size_t dys_contour_knots(const dys_contour *c);
/* Frame k's time in ms (k / FR). */
double dys_contour_frame_ms(const dys_contour *c, size_t k);
/* The frames nearest the left and right markers: the default reference
 * and drift-correction frames. */
void dys_contour_marker_frames(const dys_contour *c, size_t *ref, size_t *drift);
/* Length of the contour in a frame, mm (a ring's closing side included). */
double dys_contour_length(const dys_contour *c, size_t frame);

/* Global strain of the whole contour, n_frames values into strain:
 * longitudinal (apical views) or circumferential (short axis), 0 at frame
 * ref and drift-corrected to 0 at frame drift (ref < drift < n_frames;
 * the markers' frames, or event frames).  DYS_ERR_INVALID for frames out
 * of order or range, DYS_ERR_ANALYSIS for a contour of no length. */
dys_status dys_contour_global_strain(dys_ctx *ctx, const dys_contour *c, size_t ref,
                                     size_t drift, double *strain);

/* Where the contour is cut into its 6 pieces: 7 increasing fractional
 * knot coordinates (u = 2.25 is a quarter of the way from knot 2 to knot
 * 3; a ring's coordinates run from the anchor knot, modulo the knots),
 * of equal arc length at the frame they were placed on. */
typedef struct dys_contour_cuts {
    double u[DYS_CONTOUR_N_PIECES + 1];
    size_t ref;
    size_t anchor; /* a ring's first cut: the knot it starts at (0 for
                      apical views, whose pieces run from knot 0 to the
                      last knot) */
} dys_contour_cuts;

/* Cut at frame ref into 6 pieces of equal arc length; a ring starts at
 * knot anchor (0: where the operator started tracing; ignored for apical
 * views).  DYS_ERR_INVALID for ref or anchor out of range,
 * DYS_ERR_ANALYSIS for a contour of no length. */
dys_status dys_contour_cut(dys_ctx *ctx, const dys_contour *c, size_t ref, size_t anchor,
                           dys_contour_cuts *cuts);
/* Length of piece i (0..5) in a frame, mm: between the same fractional
 * knot coordinates in every frame, i.e. the same material points. */
double dys_contour_piece_length(const dys_contour *c, const dys_contour_cuts *cuts, int i,
                                size_t frame);
/* Strain of each piece, 6 * n_frames values, piece i's curve at
 * strain[i * n_frames]: its length change against frame cuts->ref,
 * drift-corrected to 0 at frame drift as the global strain is.
 * DYS_ERR_INVALID for a drift frame not after the reference,
 * DYS_ERR_ANALYSIS for a piece of no length. */
dys_status dys_contour_piece_strain(dys_ctx *ctx, const dys_contour *c,
                                    const dys_contour_cuts *cuts, size_t drift, double *strain);

/* A piece's anatomical name. */
typedef struct dys_contour_segment {
    const char *name; /* "basal_inferoseptal", ..., "apical_anterolateral"
                         (static) */
    int aha;          /* its dys_segment (0..17), -1 when the view is
                         unknown */
} dys_contour_segment;

/* The names of the 6 pieces, in piece order (from the first cut), into
 * seg.  Apical views: the base whose knot has the smaller x at frame ref
 * (left in the image) is the septal (4CH), inferior (2CH) or
 * inferolateral (APLAX) wall in the standard orientation; flip says the
 * image is mirrored (that wall on the right).  Short axis: from the ring's
 * anchor in knot order, anteroseptal, inferoseptal, inferior,
 * inferolateral, anterolateral, anterior (st-postprocess asks operators
 * to start at the anteroseptal level and cover the septum first: knot 0
 * is taken as the anterior insertion); flip for a ring traced
 * the other way.  The level (basal, mid, apical) is the view's.  A contour
 * whose view is none of these gets NULL names and aha -1. */
void dys_contour_name_pieces(const dys_contour *c, size_t ref, int flip,
                             dys_contour_segment seg[DYS_CONTOUR_N_PIECES]);

/* Displacement of each piece's midpoint along the wall, mm, positive
 * towards the apex (6 * n_frames values, piece i's at disp[i * n_frames]),
 * 0 at frame cuts->ref and drift-corrected to 0 at frame drift; and its
 * velocity, cm/s, by central differences (one-sided at the first and last
 * frames), into vel (NULL: not computed).  Apical views only:
 * DYS_ERR_UNSUPPORTED for a ring. */
dys_status dys_contour_piece_motion(dys_ctx *ctx, const dys_contour *c,
                                    const dys_contour_cuts *cuts, size_t drift, double *disp,
                                    double *vel);

/* The apex's displacement across the LV long axis, mm, n_frames values
 * into out, positive towards the lateral wall: the contour's midpoint of
 * arc length at frame cuts->ref (the apex of an apical wall), followed as
 * the same material point, projected on the axis perpendicular to the
 * long axis of frame ref (the midpoint of the two basal knots to the
 * apex), 0 at frame ref and drift-corrected linearly to 0 at frame drift
 * as the pieces' displacement is.  The axes stay those of frame ref: rocking is
 * the apex moving in the image, and axes that turned with the wall would
 * hide it.  knot0_septal says the wall's first knot is the septal base
 * (dys_contour_name_pieces).  Apical views only: DYS_ERR_UNSUPPORTED for
 * a ring, DYS_ERR_ANALYSIS for a wall whose apex lies on its base line. */
dys_status dys_contour_apex_transverse(dys_ctx *ctx, const dys_contour *c,
                                       const dys_contour_cuts *cuts, size_t drift,
                                       int knot0_septal, double *out);

/* Apical transverse motion of a recording: in each accepted beat's
 * ejection window (onset + avo .. onset + avc, ms from QRS onset), the
 * largest minus the smallest of rec->apex_transverse_mm, mean over the
 * beats; NAN without the curve, or when no beat has two samples in its
 * window.  (analyze.c; the recording's curve is contour_study.c's.) */
double dys_apex_excursion(const dys_recording *rec, const dys_beat_list *bl, double avo_ms,
                          double avc_ms);

/* The most negative value of curve[from..to] (to < n) and its index
 * (at may be NULL); INFINITY when from > to. */
double dys_contour_peak(const double *curve, size_t from, size_t to, size_t *at);

#endif
