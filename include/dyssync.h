/*
 * dyssync.h - echocardiographic dyssynchrony analysis (public API).
 *
 * Data flows one way:
 *
 *   files --dys_study_read()--> dys_study --dys_analyze()--> dys_result
 *                                                             |
 *                                     dys_write_json/csv/text <-+
 *
 * Conventions
 *  - Every name starts with dys_ / DYS_.
 *  - Functions that can fail return a dys_status; the context (dys_ctx)
 *    keeps a human-readable message about the last failure, naming the
 *    file, line and column where input was at fault (dys_ctx_error()).
 *  - The library never prints, never exits and keeps no mutable global
 *    state.  A dys_ctx must not be used by two threads at once; make one
 *    per thread (they are cheap).  Studies and results are plain data and
 *    may be read from any thread.
 *  - Missing numbers are NAN (use isnan()); times are in milliseconds,
 *    velocities in cm/s, strain in %.
 *  - What functions return, unless their comment says otherwise: a
 *    dys_status is DYS_OK or one of the codes below, with the message in
 *    the context (the only functions that can fail are those returning
 *    one); names (dys_*_name) are static strings, NULL for a value out of
 *    range unless their comment says otherwise; *_defaults fill every field; *_free(NULL) does nothing, and
 *    leaves nothing to free.  Pointers passed in may not be NULL unless a
 *    comment says they may.
 */
#ifndef DYSSYNC_H
#define DYSSYNC_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Only the functions below are exported from the shared library. */
#if defined(__GNUC__)
#define DYS_API __attribute__((visibility("default")))
#else
#define DYS_API
#endif

/* DYS_VERSION_MAJOR, _MINOR, _PATCH, _STRING and _NUMBER, generated from
 * meson.build.  ABI policy: before 1.0 any minor release may change the
 * ABI (the shared library's soname follows the version); from 1.0 on, a
 * minor release only adds functions and fields at the end of structs
 * whose size the library never assumes. */
#include "dyssync_version.h"

/* Version of the library actually linked (may differ from the macros):
 * the string ("0.1.0", static) and the number (DYS_VERSION_NUMBER's). */
DYS_API const char *dys_version(void);
DYS_API int dys_version_number(void);

/* ------------------------------------------------------------------ */
/* Status codes                                                        */

typedef enum dys_status {
    DYS_OK = 0,
    DYS_ERR_NOMEM,       /* out of memory                                  */
    DYS_ERR_IO,          /* a file or directory could not be read/written  */
    DYS_ERR_PARSE,       /* input does not follow the format               */
    DYS_ERR_INVALID,     /* an argument or parameter is out of range       */
    DYS_ERR_UNSUPPORTED, /* well-formed input the engine does not handle   */
    DYS_ERR_ANALYSIS     /* the study cannot be analysed (no usable data)  */
} dys_status;

/* Short static description of a status code ("parse error", ...). */
DYS_API const char *dys_strerror(dys_status status);

/* ------------------------------------------------------------------ */
/* Context                                                             */

typedef struct dys_ctx dys_ctx;

/* Returns NULL only when out of memory. */
DYS_API dys_ctx *dys_ctx_new(void);
/* Frees the context and its FFT plans (NULL: nothing). */
DYS_API void dys_ctx_free(dys_ctx *ctx);
/* Message about the last failure in this context ("" when none). */
DYS_API const char *dys_ctx_error(const dys_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Segments, views                                                     */

/* The 18-segment model of speckle-tracking strain (GE EchoPAC; Lang,
 * ASE/EACVI chamber quantification, JASE 2015;28:1): 6 walls x basal, mid
 * and apical, each view imaging two walls.  The first 12 are the basal and
 * mid segments, AHA 1-12 (the same in the AHA 17-segment model); the Yu
 * index and every other 12-segment index use those only.  13-18 are the
 * apical segments of the 18-segment model, one per wall: they are not AHA
 * 13-17 (four apical segments and the apex). */
#define DYS_N_SEGMENTS 18
#define DYS_N_SEGMENTS_12 12 /* the basal and mid segments, 0..11 */

/* The segment numbers minus 1 (basal 1-6, mid 7-12, apical 13-18, each
 * ring in the same wall order).  Each enum has its own prefix: DYS_AHA_
 * for the segments, DYS_SEG_ for a segment's status (dys_seg_status),
 * DYS_VIEW_ for the views. */
typedef enum dys_segment {
    DYS_AHA_BASAL_ANTERIOR = 0,
    DYS_AHA_BASAL_ANTEROSEPTAL,
    DYS_AHA_BASAL_INFEROSEPTAL,
    DYS_AHA_BASAL_INFERIOR,
    DYS_AHA_BASAL_INFEROLATERAL,
    DYS_AHA_BASAL_ANTEROLATERAL,
    DYS_AHA_MID_ANTERIOR,
    DYS_AHA_MID_ANTEROSEPTAL,
    DYS_AHA_MID_INFEROSEPTAL,
    DYS_AHA_MID_INFERIOR,
    DYS_AHA_MID_INFEROLATERAL,
    DYS_AHA_MID_ANTEROLATERAL,
    DYS_AHA_APICAL_ANTERIOR,      /* 13, A2C */
    DYS_AHA_APICAL_ANTEROSEPTAL,  /* 14, APLAX */
    DYS_AHA_APICAL_INFEROSEPTAL,  /* 15, A4C "apical septal" */
    DYS_AHA_APICAL_INFERIOR,      /* 16, A2C */
    DYS_AHA_APICAL_INFEROLATERAL, /* 17, APLAX "apical posterior" */
    DYS_AHA_APICAL_ANTEROLATERAL  /* 18, A4C "apical lateral" */
} dys_segment;

typedef enum dys_view {
    DYS_VIEW_UNKNOWN = 0, /* a single-file study holding several views */
    DYS_VIEW_A4C,
    DYS_VIEW_A2C,
    DYS_VIEW_APLAX,
    /* Short-axis rings (GE EchoPAC full-trace contours): a recording of
     * one level's six segments, measured around the ring (circumferential
     * strain), never one of the apical views the segment model names. */
    DYS_VIEW_SAX_MV, /* mitral valve level: the basal ring */
    DYS_VIEW_SAX_PM, /* papillary muscle level: the mid ring */
    DYS_VIEW_SAX_AP  /* apical level: the apical ring */
} dys_view;

/* Canonical segment name ("basal_anterior"), NULL when out of range. */
DYS_API const char *dys_segment_name(dys_segment segment);
/* Short label used in tables and figures ("bA", "mIS", "apAS", ...). */
DYS_API const char *dys_segment_abbrev(dys_segment segment);
/* The apical view in which the segment is imaged. */
DYS_API dys_view dys_segment_view(dys_segment segment);
/* "A4C", "A2C", "APLAX", "SAX-MV", "SAX-PM", "SAX-AP" or "unknown". */
DYS_API const char *dys_view_name(dys_view view);
/* Segment index for any accepted column name or alias (canonical names,
 * aliases, segN, GE EchoPAC abbreviations: docs/format.md), -1 if none. */
DYS_API int dys_segment_from_name(const char *name);

/* ------------------------------------------------------------------ */
/* Study: the vendor-neutral in-memory model that readers fill          */

typedef enum dys_trace {
    DYS_TRACE_VELOCITY = 0, /* longitudinal tissue velocity, cm/s */
    DYS_TRACE_STRAIN        /* strain, % (longitudinal unless the study's
                               strain_direction says circumferential) */
} dys_trace;

/* The direction a strain study's curves are measured in: along the wall
 * from base to apex (apical views), or around a short-axis ring (GE
 * EchoPAC full-trace contours of a short-axis view).  A study holds one
 * direction: a ring is never merged into a longitudinal study. */
typedef enum dys_strain_direction {
    DYS_STRAIN_LONGITUDINAL = 0,
    DYS_STRAIN_CIRCUMFERENTIAL
} dys_strain_direction;

/* What a study's curves are, in words: "longitudinal velocity",
 * "longitudinal strain" or "circumferential strain" (static; velocity is
 * longitudinal whatever the direction). */
DYS_API const char *dys_trace_description(dys_trace trace, dys_strain_direction dir);

/* How an event time came to be: from the input, or estimated. */
typedef enum dys_provenance {
    DYS_PROV_NONE = 0,
    DYS_PROV_GIVEN,
    DYS_PROV_ESTIMATED
} dys_provenance;

/* One metadata entry exactly as read (key normalised to lower case with
 * '_' for '-' and space). */
typedef struct dys_meta {
    char *key;
    char *value;
    char *file; /* where it was read */
    int line;
} dys_meta;

/* How a recording's curves were computed from a tracked contour (a GE
 * EchoPAC full-trace export: the knots of the wall frame by frame,
 * docs/format.md): plain data, copied into the result. */
typedef struct dys_contour_info {
    int from_contour;     /* 1 when the curves come from a contour, else 0
                             and the rest zero */
    char view[8];         /* View= as the file says it: "4CH", "SAX-PM" */
    size_t n_knots;       /* the knots the geometry used */
    size_t ref_frame;     /* 0-based frame of the reference (strain and
                             displacement 0: QRS onset) */
    size_t drift_frame;   /* 0-based frame the drift correction returns
                             to 0 (the next QRS onset) */
    char reference[128];  /* where the reference came from, in words:
                             "left marker 230 ms: frame 12 (230.8 ms)" */
    char drift[128];      /* "linear to the right marker 822 ms: frame 43
                             (826.9 ms)" */
    char curves[128];     /* what the segments hold: "strain of 6 pieces of
                             equal arc length" or "velocity along the wall
                             of each piece's midpoint" */
} dys_contour_info;

/* One recording (a view file, or the whole single-file study). */
typedef struct dys_recording {
    dys_view view;
    char *source;  /* path of the file it was read from */
    char *format;  /* "csv" or "echopac" */
    size_t n;      /* number of samples (frames) */
    double *t_ms;  /* strictly increasing, n values */
    double *ecg_mv;                  /* NULL when absent; NAN = missing */
    double *seg[DYS_N_SEGMENTS];     /* NULL when absent; NAN = missing */
    int seg_line[DYS_N_SEGMENTS];    /* header column (1-based) of each */
    double *qrs_onsets_ms;           /* given QRS onsets (file time axis) */
    size_t n_qrs_onsets;
    double avo_ms, avc_ms; /* this file's avo_ms / avc_ms (from QRS
                              onset), NAN when it gives none: they
                              override the study's for this view */
    double avc_file_ms;   /* AVC on this file's own axis (EchoPAC "ES
                             Time"), NAN when not given */
    double frame_rate_hz; /* declared frame rate, NAN when not given */
    double cycle_ms;      /* one cardiac cycle as marked by the export
                             (EchoPAC left/right markers), NAN if not */
    double cycle_start_ms; /* the export's left cycle marker on the file's
                              axis (the scanner's QRS trigger), NAN if not */
    char **extra_columns; /* columns read but outside the 18 segments
                             (GLOBAL, apex, RV segments), for dyssync info */
    size_t n_extra_columns;
    size_t n_dropped[DYS_N_SEGMENTS]; /* samples the reader dropped (made
                             NAN) as physiologically impossible or as
                             isolated spikes, each named in the study's
                             warnings; dys_analyze makes a segment
                             indeterminate when they exceed 5 % of its
                             samples (docs/format.md, "Plausibility and
                             unit checks") */
    /* Curves computed from a tracked contour (format "echopac-contour");
     * for other recordings global_strain_pct is NULL and contour zeroed. */
    double *global_strain_pct; /* strain of the whole wall or ring, n values
                             (NAN = missing), with the segments' reference
                             and drift correction; NULL when not given */
    dys_contour_info contour;
    /* The apex's displacement across the LV long axis, mm, n values,
     * positive towards the lateral wall, 0 at the reference frame (QRS
     * onset), in the reference frame's axes: apical rocking
     * (docs/indices.md, "Apical transverse motion").  A tracked apical
     * 4-chamber wall gives it (contour exports); NULL otherwise. */
    double *apex_transverse_mm;
} dys_recording;

/* ---- myocardial work input (docs/format.md, "GE EchoPAC myocardial-work
 * workbook"; docs/indices.md, "Myocardial work") ---------------------- */

/* A workstation's own myocardial-work results as its export states them,
 * kept to be reported beside dyssync's: never used to compute.  NAN (or
 * NULL) where the export gives no value. */
typedef struct dys_vendor_work {
    char *software;          /* "GE EchoPAC" */
    char *source;            /* the file they were read from */
    double gwi_mmhg_pct, gcw_mmhg_pct, gww_mmhg_pct; /* global work index,
                                constructive, wasted work, mmHg% */
    double gwe_pct;          /* global work efficiency, % */
    double seg_wi_mmhg_pct[DYS_N_SEGMENTS]; /* per segment (EchoPAC "MW") */
    double seg_cw_mmhg_pct[DYS_N_SEGMENTS]; /* "ConsW" */
    double seg_ww_mmhg_pct[DYS_N_SEGMENTS]; /* "WastedW" */
    double seg_we_pct[DYS_N_SEGMENTS];      /* "MWE" */
    /* The export's cumulative work curve of each segment (mmHg%), on its
     * own time axis (ms from QRS onset, each sample stamped as the export
     * stamps it: docs/format.md); trace_n 0 and NULL when not given. */
    size_t trace_n[DYS_N_SEGMENTS];
    double *trace_t_ms[DYS_N_SEGMENTS];
    double *trace_mmhg_pct[DYS_N_SEGMENTS];
    double trace_step_ms;    /* the export's step between work samples;
                                its stamps stand half a step before the
                                end of the step they sum (NAN if none) */
} dys_vendor_work;

/* What myocardial work needs besides strain: the LV pressure (a trace, or
 * a cuff systolic pressure to scale the reference curve by) and the
 * mitral valve events (AVO and AVC are the study's or each view's).
 * dys_work_input_init sets every "not given" value; a study zeroed by
 * hand counts as giving none (a pressure of 0 is not a measurement, and
 * MVC = MVO = 0 leaves no cycle). */
typedef struct dys_work_input {
    double systolic_bp_mmhg;  /* cuff (brachial) systolic pressure, NAN */
    double diastolic_bp_mmhg; /* reported, not used (Russell's estimate
                                 scales by the peak only), NAN */
    double mvc_ms, mvo_ms;    /* mitral valve closure and opening, ms from
                                 QRS onset, for every view; NAN */
    size_t n_pressure;        /* LV pressure trace (0: none) */
    double *pressure_t_ms;    /* ms from QRS onset, strictly increasing */
    double *pressure_mmhg;
    char *pressure_source;    /* where it was read, NULL */
    dys_vendor_work *vendor;  /* the export's own results, NULL if none */
} dys_work_input;

/* Set every field of *w to "not given" (NAN, 0, NULL). */
DYS_API void dys_work_input_init(dys_work_input *w);

/* Scar of a segment (CMR late enhancement or nuclear imaging): a
 * percentage of the wall maps to these as docs/format.md says. */
typedef enum dys_scar {
    DYS_SCAR_UNKNOWN = 0,       /* not given */
    DYS_SCAR_NONE,
    DYS_SCAR_NON_TRANSMURAL,    /* 1-50 % of the wall */
    DYS_SCAR_TRANSMURAL         /* > 50 % of the wall */
} dys_scar;
/* Whether a suitable coronary vein reaches a segment (venography, CT). */
typedef enum dys_vein {
    DYS_VEIN_UNKNOWN = 0,
    DYS_VEIN_NO,
    DYS_VEIN_YES
} dys_vein;
typedef enum dys_aetiology {
    DYS_AETIOLOGY_UNKNOWN = 0,
    DYS_AETIOLOGY_NON_ISCHAEMIC,
    DYS_AETIOLOGY_ISCHAEMIC
} dys_aetiology;
typedef enum dys_rhythm {
    DYS_RHYTHM_UNKNOWN = 0,
    DYS_RHYTHM_SINUS,
    DYS_RHYTHM_AF               /* atrial fibrillation */
} dys_rhythm;
/* A CRT device's pacing mode at a setting (metadata pacing_mode). */
typedef enum dys_pacing_mode {
    DYS_PACING_UNKNOWN = 0, /* not given */
    DYS_PACING_OFF,         /* pacing off: the intrinsic rhythm */
    DYS_PACING_BIV,         /* biventricular */
    DYS_PACING_LV,          /* LV only */
    DYS_PACING_RV           /* RV only */
} dys_pacing_mode;
/* "off", "biv", "lv", "rv", or "unknown" (also out of range). */
DYS_API const char *dys_pacing_mode_name(dys_pacing_mode m);

typedef struct dys_study {
    char *study_id;
    char *source;       /* file or directory path */
    dys_trace trace;
    char *trace_label;  /* e.g. "SL in %" from an EchoPAC export, or NULL */
    dys_recording *rec; /* views in the order read (A4C, A2C, APLAX first) */
    size_t n_rec;
    /* Study-level metadata (NAN / 0 / -1 when not given). */
    double avo_ms, avc_ms;      /* from QRS onset: the value every file
                                   that gives one agrees on (NAN if none,
                                   or if view files differ: then each
                                   recording's own applies) */
    double hr_bpm;              /* from hr_bpm, or 60000 / rr_ms */
    double qrs_duration_ms;
    double lvef_pct;
    int nyha;                   /* 1..4, 0 unknown */
    int lbbb;                   /* 1 yes, 0 no, -1 unknown */
    dys_meta *meta;             /* every metadata line, known or not */
    size_t n_meta;
    char **warnings;            /* what the readers noticed */
    size_t n_warnings;
    dys_strain_direction strain_direction; /* strain studies: longitudinal,
                                   or circumferential (short-axis rings) */
    /* Myocardial work input: pressure, valve events, the export's own
     * results (a workbook, or metadata); the study reader initialises it,
     * dys_study_free frees it. */
    dys_work_input work;
    /* Doppler and M-mode timing measured by the sonographer, from the
     * metadata (docs/format.md): NAN when not given.  A study zeroed by
     * hand must set them to NAN (0 ms is a measurement). */
    double lv_pep_ms;           /* QRS onset to aortic flow onset */
    double rv_pep_ms;           /* QRS onset to pulmonary flow onset */
    double spwmd_ms;            /* septal-to-posterior wall motion delay */
    double filling_time_pct_rr; /* LV filling time, % of the RR */
    /* Lead targeting and the factors of non-response (docs/format.md,
     * "Scar, veins and the LV lead"; eligibility.c).  Every "not given"
     * is 0 (NAN for the numbers), so a study zeroed by hand gives none. */
    int scar[DYS_N_SEGMENTS];      /* dys_scar per segment */
    double scar_pct[DYS_N_SEGMENTS]; /* the % of the wall given, NAN */
    int vein[DYS_N_SEGMENTS];      /* dys_vein per segment */
    int lead_segment;              /* the implanted LV lead's dys_segment
                                      + 1, 0: not given */
    double tapse_mm;               /* RV function, NAN: not given */
    double rv_s_prime_cm_s;
    int aetiology;                 /* dys_aetiology */
    int rhythm;                    /* dys_rhythm */
    /* The CRT device setting the study was recorded at, and the Doppler
     * measures taken at it (dyssync optimise; docs/format.md): NAN, -1,
     * DYS_PACING_UNKNOWN or NULL when not given. */
    double av_delay_ms;         /* programmed (paced or sensed) AV delay */
    double vv_delay_ms;         /* VV offset, positive: LV paced first */
    dys_pacing_mode pacing_mode;
    double lvot_vti_cm;         /* LVOT velocity-time integral */
    double mitral_vti_cm;       /* mitral inflow velocity-time integral */
    int e_a_fused;              /* mitral E and A waves fused: 1, 0, -1 */
    int reference_setting;      /* the study names itself the reference
                                   setting: 1, 0, -1 */
    char *patient_id;           /* the patient, to check that the settings
                                   are one patient's; NULL */
} dys_study;

/* Empty a recording and set its "not given" values (NAN: avo_ms, avc_ms,
 * avc_file_ms, frame_rate_hz, cycle_ms, cycle_start_ms): call it before filling a
 * recording by hand, since zero would mean a value of 0 ms. */
DYS_API void dys_recording_init(dys_recording *rec);

/* What a study read from full-trace contour exports holds. */
typedef enum dys_contour_trace {
    DYS_CONTOUR_TRACE_STRAIN = 0, /* each segment's strain, % (a strain
                                     study: longitudinal, or circumferential
                                     for a short-axis ring) */
    DYS_CONTOUR_TRACE_VELOCITY    /* each segment midpoint's velocity along
                                     the wall, cm/s (a velocity study, for
                                     the timing indices); apical views only */
} dys_contour_trace;

/* Room for QRS onsets given with the read options. */
#define DYS_MAX_GIVEN_ONSETS 128

/* Options for the readers. */
typedef struct dys_read_options {
    /* ROI colour -> segment for EchoPAC exports whose columns are named by
     * colour: a dys_segment (0..DYS_N_SEGMENTS-1), -1 = read past (none,
     * apex, GLOBAL), -2 = not mapped.  Indexed by dys_colour (YELLOW,
     * CYAN, GREEN, MAGENTA, BLUE, RED).  The default is the conventional
     * 4-chamber layout (docs/format.md): YELLOW basal inferoseptal, CYAN
     * mid inferoseptal, GREEN apical inferoseptal ("apical septal"),
     * MAGENTA apical anterolateral ("apical lateral"), BLUE mid
     * anterolateral, RED basal anterolateral. */
    int colour_map[6];
    int colour_map_set; /* nonzero when the user gave the map */
    /* Limits that protect a batch from absurd input. */
    size_t max_file_bytes;
    size_t max_rows;
    /* QRS onsets given by the user (ms on the file's own time axis,
     * increasing), n_qrs_onsets of them (0: none): they replace the files'
     * onsets (qrs_onsets_ms metadata, an export's markers) as the beats'
     * onsets, and in a full-trace contour export the first two are its
     * reference and drift-correction frames (the nearest frames).  One
     * recording's onsets: a study of several view files refuses them. */
    double qrs_onsets_ms[DYS_MAX_GIVEN_ONSETS];
    size_t n_qrs_onsets;
    dys_contour_trace contour_trace; /* what a contour study holds */
    int contour_flip; /* nonzero: a contour's image is mirrored (apical
                         views: the septal, inferior or inferolateral wall
                         on the right), or a short-axis ring was traced
                         the other way round; its segments' names swap */
} dys_read_options;

/* The defaults: the conventional 4-chamber colour map (not set by the
 * user), 512 MiB per file, 10 million rows, no QRS onsets given, contours
 * read as strain. */
DYS_API void dys_read_options_defaults(dys_read_options *opt);
/* Parse "YELLOW=basal_septal,RED=basal_lateral" into opt->colour_map. */
DYS_API dys_status dys_read_options_parse_map(dys_ctx *ctx, dys_read_options *opt,
                                      const char *spec);

/* Read a study: a file (a study CSV, a GE EchoPAC text export, or GE
 * EchoPAC's myocardial-work workbook, an Excel 2003 XML file holding a
 * whole study, as docs/format.md describes them) or a directory of view
 * files.  On
 * success *out owns a new study; on failure *out is NULL and
 * dys_ctx_error() names file, line and column. */
DYS_API dys_status dys_study_read(dys_ctx *ctx, const char *path,
                          const dys_read_options *opt, dys_study **out);
/* Frees the study and everything it owns (NULL: nothing). */
DYS_API void dys_study_free(dys_study *study);
/* 0 when a file is certainly not a study: prose (a README, a licence: no
 * metadata and no separator in its first line) or a table whose first
 * column is study_id or source (dyssync's own tables, synth's truth and
 * outcomes files) or XML that is not an Excel 2003 workbook; 1 otherwise,
 * also for an empty, binary or unreadable
 * file, which reading then fails with its reason.  Batch discovery skips
 * the 0s, and says so, instead of counting them as failed studies. */
DYS_API int dys_file_is_study(const char *path);
/* Whether a file name has a data file's extension (.csv, .tsv, .txt, or
 * .xml for a myocardial-work workbook). */
DYS_API int dys_is_data_file_name(const char *name);
/* Whether a file's first 4 KB are a GE EchoPAC full-trace contour export
 * (its first line FName=, or the knot or count header among its first
 * lines): 0 or 1, 0 for an unreadable file. */
DYS_API int dys_file_is_contour(const char *path);
/* Whether a directory entry is a candidate study file: a data file's name
 * (dys_is_data_file_name), or a name without an extension whose content
 * is a full-trace contour export (EchoPAC names them .CSV, but a copy may
 * have lost it).  The one rule of view directories and batch discovery. */
DYS_API int dys_is_data_file(const char *path);
/* Whether a directory is one study's view files: one of its study files
 * says so plainly (`# view:` metadata, or a view's name: a4c.csv), or
 * every one has a view among the words of its name (P01_a4c.csv, ...).
 * The one rule of both dys_study_read and batch discovery. */
DYS_API int dys_dir_is_view_study(const char *path);

/* ------------------------------------------------------------------ */
/* Analysis parameters                                                  */

typedef enum dys_peak_policy {
    DYS_PEAK_MAX = 0, /* highest positive velocity in the window */
    DYS_PEAK_FIRST    /* first local maximum >= first_peak_fraction * max */
} dys_peak_policy;

typedef enum dys_sd_kind {
    DYS_SD_SAMPLE = 0, /* n - 1, as in the published Yu index */
    DYS_SD_POPULATION  /* n */
} dys_sd_kind;

/* Room for the index catalogue in dys_params (>= DYS_N_INDICES). */
#define DYS_N_INDICES_MAX 64

/* How a view's AVC is estimated when no value is given. */
typedef enum dys_avc_estimate {
    DYS_AVC_CURVES = 0,  /* the zero crossing after the end-systolic
                            negative spike of the view's mean velocity
                            (Aase 2008), heart rate as the fallback */
    DYS_AVC_HEART_RATE   /* AVO + LVET from heart rate (Weissler 1968) */
} dys_avc_estimate;

#define DYS_LOWPASS_AUTO (-1.0)
#define DYS_LOWPASS_OFF 0.0

typedef struct dys_params {
    double lowpass_hz;        /* > 0 fixed cut-off, DYS_LOWPASS_AUTO, or
                                 DYS_LOWPASS_OFF */
    dys_peak_policy peak;
    double first_peak_fraction; /* for DYS_PEAK_FIRST, default 0.8 */
    dys_sd_kind sd;
    int min_segments_12;      /* default 10 */
    int min_segments_6;       /* default 5 */
    double avo_ms, avc_ms;    /* override the study's events; NAN = no */
    double low_amplitude_cm_s; /* peak below this: LOW_AMPLITUDE, 1.0 */
    double max_gap_ms;        /* longer gaps of missing samples inside the
                                 ejection window make a segment missing */
    double ectopic_rr_frac;   /* beats whose preceding RR departs from the
                                 median by more than this fraction are
                                 rejected: premature (shorter) or after a
                                 pause (longer); the first beat, whose RR
                                 before is not recorded, when the RR after
                                 it is longer.  The beat before a premature
                                 one is kept (beats.c); default 0.20 */
    dys_avc_estimate avc_estimate; /* how a missing AVC is estimated;
                                 default DYS_AVC_CURVES */
    double cutoff[DYS_N_INDICES_MAX]; /* cut-off overrides by dys_index;
                                 NAN = the published default */
    unsigned long long indices; /* the indices to compute: bit i is
                                 dys_index i (DYS_INDICES_ALL, the
                                 default: every one).  The others are null
                                 with the reason "not requested
                                 (--indices)", and the stages only they
                                 need are skipped (docs/indices.md,
                                 "Families"); bits from DYS_N_INDICES on
                                 are ignored */
} dys_params;

/* Every index, those a later version adds included. */
#define DYS_INDICES_ALL (~0ULL)

/* The defaults: the published definitions (docs/indices.md), an automatic
 * low-pass cut-off, no overrides. */
DYS_API void dys_params_defaults(dys_params *p);
/* The parameters as canonical text, one "option=value" per option in the
 * CLI's names, space-separated ("lowpass=auto peak=max ... cutoff=KEY=V"):
 * two parameter sets give the same text exactly when they are equal, so
 * batch compares runs by it and records it.  Writes at most cap bytes
 * (NUL included) and returns the length the whole text needs, like
 * snprintf; 512 bytes hold the defaults with room to spare.  Indices
 * other than all give " indices=LIST" at the end: the whole
 * families by name, then the keys of the other indices asked for, in
 * catalogue order ("indices=ts,to_sd_12_ms"); every index gives nothing,
 * so the text of the defaults is what it was before the option. */
DYS_API size_t dys_params_text(const dys_params *p, char *buf, size_t cap);
/* Set p->indices from a comma-separated list of family names (ts,
 * ts_variants, to, xcorr, cycle, strain, lbbb, global, work, doppler, rocking:
 * dys_family_name)
 * and index keys (ts_sd_12_ms, ...), or "all".  DYS_ERR_INVALID, naming
 * the unknown word and the families, for anything else or an empty list;
 * p is then unchanged. */
DYS_API dys_status dys_params_parse_indices(dys_ctx *ctx, dys_params *p, const char *list);
/* Whether p asks for an index (0 or 1; 0 out of range). */
DYS_API int dys_params_wants(const dys_params *p, int index /* dys_index */);

/* ------------------------------------------------------------------ */
/* Beats                                                                */

/* Where a recording's QRS onsets came from. */
typedef enum dys_onset_source {
    DYS_ONSET_ASSUMED = 0, /* no ECG, none given: t = 0, a single beat */
    DYS_ONSET_GIVEN,       /* qrs_onsets_ms / qrs_onset_ms metadata   */
    DYS_ONSET_DETECTED,    /* found on the ECG column                  */
    DYS_ONSET_MARKERS      /* the export's cycle markers (EchoPAC)     */
} dys_onset_source;

typedef struct dys_beat {
    double onset_ms;  /* QRS onset on the recording's own time axis */
    double rr_ms;     /* to the next QRS onset; NAN for the last beat */
    int accepted;     /* analysed */
    char why[128];    /* why it was not, "" when accepted */
} dys_beat;

typedef struct dys_beat_list {
    dys_beat *beat;
    size_t n;
    dys_onset_source source;
    double hr_bpm;    /* 60000 / median RR of the recording, NAN if unknown */
    int ecg_inverted; /* DETECTED: the QRS's main deflection is negative */
} dys_beat_list;

/* The beats of one recording: QRS onsets given, else detected on the ECG,
 * else t = 0; then the rules that reject ectopic and incomplete beats. */
DYS_API dys_status dys_recording_beats(dys_ctx *ctx, const dys_recording *rec,
                                       const dys_params *p, dys_beat_list *out);
/* Frees the beats (NULL: nothing); *b is then empty. */
DYS_API void dys_beat_list_free(dys_beat_list *b);
/* "given", "detected", "export markers", or "assumed t=0" (also for a
 * value out of range). */
DYS_API const char *dys_onset_source_name(dys_onset_source s);
/* The same for a sentence: "detected on the ECG", "taken from the
 * export's cycle markers", ... */
DYS_API const char *dys_onset_source_phrase(dys_onset_source s);

/* ------------------------------------------------------------------ */
/* Results                                                              */

typedef enum dys_seg_status {
    DYS_SEG_OK = 0,
    DYS_SEG_INDETERMINATE, /* measured, but a flag makes Ts unreliable */
    DYS_SEG_MISSING        /* not in the study, or too little signal    */
} dys_seg_status;

/* Per-segment flags (bit set). */
#define DYS_FLAG_LOW_AMPLITUDE      0x1u
#define DYS_FLAG_NO_POSITIVE_PEAK   0x2u
#define DYS_FLAG_PEAK_AT_WINDOW_EDGE 0x4u
#define DYS_FLAG_MULTIPLE_PEAKS     0x8u
#define DYS_FLAG_UNCERTAIN_TIMING   0x10u /* reported, stays ok */
#define DYS_N_FLAGS 5
/* Name of flag bit i (0..DYS_N_FLAGS-1), e.g. "LOW_AMPLITUDE". */
DYS_API const char *dys_flag_name(int bit);
/* The names of the flags set in `flags`, space-separated, into buf (cap
 * bytes, truncated to fit); returns the length written. */
DYS_API size_t dys_flags_text(unsigned flags, char *buf, size_t cap);
/* "ok", "indeterminate" or "missing" ("unknown" out of range). */
DYS_API const char *dys_seg_status_name(dys_seg_status s);

/* Room for the beats of one recording whose Ts a result keeps. */
#define DYS_MAX_BEAT_TS 128

typedef struct dys_segment_result {
    dys_seg_status status;
    unsigned flags;
    double ts_ms;          /* QRS onset to peak systolic velocity */
    double peak_cm_s;      /* peak systolic velocity */
    double lowpass_hz;     /* cut-off used (0 = no filtering) */
    double noise_cm_s;     /* estimated white-noise SD of the samples */
    int n_beats;           /* beats whose Ts went into ts_ms */
    double ts_beat_sd_ms;  /* beat-to-beat SD of Ts (NAN below 2 beats) */
    double to_ms;          /* QRS onset to onset of systolic velocity (mean
                              over the same beats; NAN when not found) */
    /* Variants and whole-cycle measures, means over the same beats (NAN
     * when the beat's RR is unknown or the recording does not cover it). */
    double ts_rr_pct;      /* Ts as % of the beat's RR */
    double ts_ep_pct;      /* (Ts - AVO) as % of the ejection period */
    double ts_ps_ms;       /* time to peak velocity in [AVO, AVC + 100 ms]:
                              post-systolic peaks count */
    double phase_deg;      /* first-harmonic phase of velocity over one RR,
                              0-360 from QRS onset (circular mean) */
    double disp_phase_deg; /* the same of displacement */
    double psi_pct;        /* post-systolic index: (peak displacement - at
                              AVC) / peak displacement, % */
    /* Strain studies (trace strain; NAN in velocity studies): */
    double strain_ttp_ms;    /* time to peak (most negative) strain, cycle */
    double strain_ttp_es_ms; /* ... within the ejection period */
    double peak_strain_pct;  /* the peak strain, % (negative) */
    double strain_psi_pct;   /* (peak - at AVC) / peak, % */
    int dlc;               /* delayed longitudinal contraction: displacement
                              peaks after AVC in most beats (1), not (0),
                              unknown (-1) */
    int rec;               /* index of the recording it came from, -1 */
    char reason[160];      /* why missing / indeterminate, "" when ok */
    /* Myocardial work (strain studies with LV pressure and the valve
     * events; NAN otherwise, and when the segment's strain does not cover
     * MVC..MVO): docs/indices.md, "Myocardial work". */
    double work_index_mmhg_pct;        /* -integral of P dstrain, MVC..MVO */
    double constructive_work_mmhg_pct; /* shortening in systole (MVC..AVC)
                                          + lengthening in IVR (AVC..MVO) */
    double wasted_work_mmhg_pct;       /* lengthening in systole +
                                          shortening in IVR */
    double work_efficiency_pct;        /* CW / (CW + WW) x 100 */
    char work_reason[160];             /* why the work is null, "" */
    /* Ts of each beat of its recording the analysis measured (accepted
     * beats in time order, at most DYS_MAX_BEAT_TS): NAN for a beat not
     * in ts_ms's mean.  Beat j of two segments of one recording is the
     * same heartbeat; of two recordings, it is not.  dyssync optimise
     * computes per-beat indices from them. */
    int n_ts_beats;
    double ts_beat_ms[DYS_MAX_BEAT_TS];
} dys_segment_result;

/* The index catalogue: one row per index, in output order. */
typedef enum dys_index {
    /* time to peak systolic velocity, Ts */
    DYS_IDX_TS_SD_12 = 0,
    DYS_IDX_TS_SD_12_POP,
    DYS_IDX_TS_DIFF_12,
    DYS_IDX_TS_SD_6_BASAL,
    DYS_IDX_TS_DIFF_6_BASAL,
    DYS_IDX_SEPTAL_LATERAL,
    DYS_IDX_ANTEROSEPTAL_POSTERIOR,
    DYS_IDX_BASAL_4SEG_MAX,
    DYS_IDX_OPPOSING_WALL_MAX,
    /* Ts variants: normalised to RR and to the ejection period; window
     * past AVC */
    DYS_IDX_TS_SD_12_RR,
    DYS_IDX_TS_SD_12_EP,
    DYS_IDX_TS_PS_SD_12,
    /* time to onset of systolic velocity, To */
    DYS_IDX_TO_SD_12,
    DYS_IDX_TO_SD_6_BASAL,
    DYS_IDX_TO_DIFF_6_BASAL,
    /* cross-correlation delay (Fornwalt) */
    DYS_IDX_XCORR_SEPTAL_LATERAL,
    DYS_IDX_XCORR_ANTERIOR_INFERIOR,
    DYS_IDX_XCORR_ANTEROSEPTAL_POSTERIOR,
    DYS_IDX_XCORR_MAX,
    /* first-harmonic Fourier phase, velocity and displacement */
    DYS_IDX_PHASE_SD,
    DYS_IDX_PHASE_BANDWIDTH,
    DYS_IDX_PHASE_SD_MS,
    DYS_IDX_PHASE_BANDWIDTH_MS,
    DYS_IDX_DISP_PHASE_SD,
    DYS_IDX_DISP_PHASE_BANDWIDTH,
    /* tissue tracking */
    DYS_IDX_DLC_BASAL_COUNT,
    /* longitudinal strain (strain studies) */
    DYS_IDX_STRAIN_TTP_SD_12,
    DYS_IDX_STRAIN_TTP_SD_18,  /* mechanical dispersion, 18 segments */
    DYS_IDX_STRAIN_TTP_ES_SD_12,
    DYS_IDX_STRAIN_TTP_DIFF_12,
    DYS_IDX_STRAIN_SEPTAL_LATERAL,
    DYS_IDX_STRAIN_PSI_MAX,
    /* strain markers of the LBBB mechanism: the 4-chamber septum and
     * lateral wall (lbbb.c; dys_result.lbbb_markers has their details) */
    DYS_IDX_SRS_SEPT,
    DYS_IDX_LW_PRESTRETCH,
    DYS_IDX_SSI,
    DYS_IDX_LBBB_PATTERN,   /* 1 / 0 */
    DYS_IDX_SDI,
    DYS_IDX_SEPTAL_FLASH,   /* 1 / 0 */
    /* global strain (strain studies with a global curve: contours) */
    DYS_IDX_GLOBAL_STRAIN_PEAK,
    /* myocardial work (strain studies with LV pressure) */
    DYS_IDX_GWI,
    DYS_IDX_GCW,
    DYS_IDX_GWW,
    DYS_IDX_GWE,
    /* myocardial work asymmetry: septum against lateral wall, wasted
     * against constructive (family work) */
    DYS_IDX_SEPTAL_WASTED_WORK,
    DYS_IDX_LW_SW_WORK_DIFF,
    DYS_IDX_WASTED_WORK_RATIO,
    /* Doppler and M-mode timing from the metadata (family doppler) */
    DYS_IDX_LV_PEP,
    DYS_IDX_IVMD,
    DYS_IDX_SPWMD,
    /* apical rocking from a tracked 4-chamber contour (family rocking) */
    DYS_IDX_APICAL_TRANSVERSE_MOTION,
    DYS_N_INDICES
} dys_index;

typedef struct dys_index_info {
    const char *key;         /* JSON key, unit in the name */
    const char *description;
    const char *unit;        /* "ms", "%", "deg", "segments", "mmHg%", or
                                "0/1" (a finding: 1 present, 0 absent) */
} dys_index_info;

/* Catalogue row, NULL when out of range. */
DYS_API const dys_index_info *dys_index_get(dys_index index);
/* The dys_index whose key (ts_sd_12_ms, ...) is s[0..len), -1 if none
 * (s need not be NUL-terminated: "--cutoff KEY=VALUE" passes its key). */
DYS_API int dys_index_from_key(const char *s, size_t len);
/* The families of indices that --indices selects, in catalogue order, i =
 * 0.. ("ts", "ts_variants", "to", "xcorr", "cycle", "strain", "lbbb",
 * "global", "work", "doppler", "rocking"; NULL past the end), the family of an index (NULL out of range),
 * and the set of a family's indices as dys_params.indices bits (0 for an
 * unknown name). */
DYS_API const char *dys_family_name(int i);
DYS_API const char *dys_index_family(dys_index index);
DYS_API unsigned long long dys_family_indices(const char *name);
/* The report's sections, g = 0.. in report order ("electrical and Doppler
 * timing", "tissue Doppler velocity", "strain", "myocardial work"; NULL
 * past the end), and the section of an index (-1 out of range). */
DYS_API const char *dys_group_name(int g);
DYS_API int dys_index_group(dys_index index);
/* Whether an index is computed for studies of this trace kind (velocity
 * indices for velocity, strain indices for strain); the others are null.
 * The doppler indices (metadata) and apical transverse motion (contour
 * geometry) apply to both. */
DYS_API int dys_index_applies(dys_index index, dys_trace trace);

/* A published cut-off: dyssynchrony when the value (|value| with on_abs)
 * is at or above it. */
typedef struct dys_cutoff {
    int index;               /* dys_index */
    double value;
    int on_abs;
    const char *source;
    const char *population;  /* where it was derived */
    int validated;           /* 1: derived for the measurement dyssync makes
                                (modality, event, segments); 0: reference
                                only, never classifies (docs/indices.md) */
    const char *validity;    /* what it was validated for, or why it is
                                reference only */
} dys_cutoff;

/* The table of published cut-offs, i = 0.. (NULL past the end); an
 * index's default is its first row (the first in docs/indices.md).  Only
 * a validated default classifies; a reference-only one is shown. */
DYS_API const dys_cutoff *dys_cutoff_get(int i);
DYS_API const dys_cutoff *dys_cutoff_default(dys_index index);

/* Values within this fraction of a cut-off are marked borderline: the
 * reproducibility of timing indices between observers is of that order
 * (docs/indices.md). */
#define DYS_BORDERLINE_FRAC 0.10

/* One index read against its cut-off. */
typedef struct dys_class {
    int index;               /* dys_index */
    double value;            /* NAN when the index is null */
    double cutoff;
    int on_abs;
    int dyssynchronous;      /* 1, 0, or -1 when the value is null or the
                                cut-off is reference only */
    int borderline;          /* within DYS_BORDERLINE_FRAC of the cut-off
                                (0 for a reference-only cut-off) */
    const char *source;      /* the published source, or "--cutoff" */
    int validated;           /* a published cut-off validated for this
                                measurement (0 for --cutoff) */
    int reference_only;      /* shown for reference, not classified */
    const char *validity;    /* what it is validated for, why it is
                                reference only, or that the user gave it */
} dys_class;

/* CRT eligibility by one criteria set (decision support, not a verdict).
 * Three-valued: a missing input makes the answer unknown only when its
 * value could change it (LVEF 60 % is not eligible whatever else is
 * missing; engine/eligibility.c). */
typedef struct dys_eligibility {
    const char *set;          /* "classic", "acc_aha_hrs_2012", "esc_2021" */
    int known;                /* 1: eligibility determined by what is given */
    int eligible;             /* 1, 0, -1 unknown */
    int class_known;          /* 1: cls is determined (NULL then means no
                                 class applies); 0: missing inputs could
                                 change it, or classic (which has none) */
    const char *cls;          /* guideline class "I", "IIa", "IIb", "III";
                                 NULL: none applies, undetermined, or
                                 classic */
    char classes[32];         /* the classes the missing inputs allow,
                                 "I, IIa, none" ("" for classic) */
    char missing[96];         /* the missing inputs whose value could change
                                 eligibility or class: "lvef_pct, nyha" */
    char note[200];
} dys_eligibility;

/* The strain markers of the LBBB mechanism (engine/lbbb.c;
 * docs/indices.md, "LBBB strain markers"), from the longitudinal strain of
 * the septum (basal, mid, apical inferoseptal) and the lateral wall (basal,
 * mid, apical anterolateral) of the 4-chamber view, and of every segment
 * for the strain delay index.  Per segment and wall: means over the
 * accepted beats of the recording that holds them; NAN where not
 * measured.  The catalogue's values (srs_sept_pct .. septal_flash) are in
 * dys_result.index; these are why. */
#define DYS_N_LBBB 6 /* DYS_IDX_SRS_SEPT .. DYS_IDX_SEPTAL_FLASH */
typedef struct dys_lbbb_result {
    int computed;            /* 1 when the markers were looked for (a
                                strain study that asked for them) */
    double value[DYS_N_LBBB];      /* the catalogue values, NAN when null */
    char reason[DYS_N_LBBB][300];  /* why each is null, "" */
    int rec;                 /* the recording of the septum and lateral
                                wall (0-based), -1 when none holds both */
    double avo_ms, avc_ms;   /* its ejection window, ms from QRS onset */
    int n_beats;             /* the beats the wall values average */
    /* Per segment (dys_segment order): systolic lengthening after the
     * first shortening up to AVC; lengthening from QRS onset to AVO;
     * end-systolic minus peak strain (the strain delay, >= 0). */
    double seg_rebound_stretch_pct[DYS_N_SEGMENTS];
    double seg_prestretch_pct[DYS_N_SEGMENTS];
    double seg_strain_delay_pct[DYS_N_SEGMENTS];
    /* The typical LBBB contraction pattern (Risum 2015) on the wall curves
     * (the mean of each wall's ok segments): each criterion 1 met, 0 not,
     * -1 unknown, with what it was decided on. */
    int criterion[3];
    double early_end_ms;              /* 1: the early window QRS onset..this */
    double sept_early_shortening_pct; /*    the septum's shortening in it */
    double lat_early_stretch_pct;     /*    the lateral wall's lengthening */
    double sept_peak_ms;              /* 2: septal peak shortening (QRS
                                         onset..AVC), ms from QRS onset */
    double sept_peak_ejection_pct;    /*    (that - AVO) as % of AVO..AVC */
    double lat_peak_ms;               /* 3: lateral peak shortening over
                                         the cycle, ms from QRS onset */
    /* Septal flash (Parsai 2009) on the septal curve, QRS onset..AVO: the
     * shortening to its lowest point, the re-lengthening after it, and
     * when that lowest point is. */
    double flash_shortening_pct, flash_relengthening_pct, flash_time_ms;
} dys_lbbb_result;

/* A suggested LV lead target segment. */
typedef struct dys_lead {
    int segment;              /* dys_segment */
    double ts_ms;
    double delay_ms;          /* from the earliest ok segment */
    char reason[200];         /* why it is a candidate (timing, scar,
                                 vein) */
} dys_lead;

/* A free-wall segment the lead target left out, and why. */
typedef struct dys_lead_excluded {
    int segment;              /* dys_segment */
    double ts_ms;             /* NAN when the segment is not ok */
    char reason[160];
} dys_lead_excluded;

/* The implanted lead against the target (TARGET, Khan JACC 2012). */
typedef enum dys_lead_concordance {
    DYS_LEAD_NOT_GIVEN = 0,   /* no lead_segment, or no target to compare */
    DYS_LEAD_CONCORDANT,      /* at a target segment */
    DYS_LEAD_ADJACENT,        /* sharing a border with one */
    DYS_LEAD_REMOTE           /* two or more segments away */
} dys_lead_concordance;

/* A known factor of CRT non-response, as found in the study. */
#define DYS_N_RESPONSE_FACTORS 7
typedef struct dys_response_factor {
    const char *key;          /* "no_mechanical_dyssynchrony", ... */
    const char *label;        /* for the text report */
    int state;                /* 1 present, 0 absent, -1 unknown */
    char value[200];          /* what it was decided on, or what is
                                 missing */
    const char *source;       /* the published source */
} dys_response_factor;

/* What the analysis used of each recording. */
typedef struct dys_result_rec {
    dys_view view;
    char *source;
    dys_beat_list beats;      /* every beat found, accepted or not */
    double frame_interval_ms; /* median interval between frames */
    /* This view's ejection window, from each of its QRS onsets. */
    double avo_ms, avc_ms;
    dys_provenance avo_source, avc_source;
    char avo_method[128], avc_method[256]; /* where each came from */
    double avc_curves_ms;     /* AVC from the curves, NAN if not tried or
                                 not found */
    double avc_heart_rate_ms; /* AVC from heart rate (the cross-check),
                                 NAN if not computed */
    double global_strain_peak_pct; /* the most negative global strain from
                                 each accepted beat's QRS onset to the
                                 next, on the samples, mean over the beats;
                                 NAN without a global curve */
    dys_contour_info contour; /* the recording's, when from a contour */
    double apical_transverse_mm; /* the apex's transverse excursion in
                                 AVO..AVC (largest minus smallest
                                 displacement across the long axis), mean
                                 over the accepted beats; NAN without an
                                 apex_transverse_mm curve */
} dys_result_rec;

/* Where the LV pressure of the myocardial work came from. */
typedef enum dys_pressure_kind {
    DYS_PRESSURE_NONE = 0,   /* no work computed */
    DYS_PRESSURE_MEASURED,   /* a pressure trace of the study (the
                                workbook's "Pressure Trace") */
    DYS_PRESSURE_ESTIMATED   /* Russell's reference curve scaled to the
                                cuff systolic pressure and stretched to
                                the valve events (docs/indices.md) */
} dys_pressure_kind;

/* Myocardial work of a study as a whole: what it was computed from, and
 * the export's own results beside it.  The values per segment are in
 * dys_segment_result, the global indices in dys_result.index. */
typedef struct dys_work_result {
    dys_pressure_kind pressure;
    char pressure_text[160];    /* "measured (...)", or "estimated (Russell
                                   2012 reference curve, peak = cuff
                                   systolic)"; "" with NONE */
    char reason[300];           /* why no work was computed, "" when it was */
    int attempted;              /* the study gives some work input (a
                                   pressure, a cuff pressure, MVC or MVO,
                                   an export's values): a null work index
                                   is then warned about, not otherwise */
    double peak_pressure_mmhg;  /* the pressure's peak in MVC..MVO */
    double systolic_bp_mmhg, diastolic_bp_mmhg; /* cuff, NAN */
    double mvc_ms, avo_ms, avc_ms, mvo_ms; /* the events used, ms from QRS
                                   onset (AVO, AVC: the views' mean when
                                   they differ) */
    /* The export's own results (has_vendor 1), NAN where it gives none. */
    int has_vendor;
    char vendor_software[32];
    double vendor_gwi_mmhg_pct, vendor_gcw_mmhg_pct, vendor_gww_mmhg_pct,
        vendor_gwe_pct;
    double vendor_seg_wi_mmhg_pct[DYS_N_SEGMENTS], vendor_seg_cw_mmhg_pct[DYS_N_SEGMENTS],
        vendor_seg_ww_mmhg_pct[DYS_N_SEGMENTS], vendor_seg_we_pct[DYS_N_SEGMENTS];
    /* dyssync's cumulative work curve against the export's: the largest
     * |difference| in % of the export curve's largest |value|, per
     * segment and over all of them (NAN without export curves). */
    double trace_diff_pct[DYS_N_SEGMENTS];
    double trace_diff_max_pct;
} dys_work_result;

typedef struct dys_result {
    char *study_id;
    char *source;
    dys_segment_result seg[DYS_N_SEGMENTS]; /* apical ones "not in the
                                        study" in a 12-segment study */
    int model_segments;              /* 12, or 18 when a recording holds an
                                        apical segment: the segments the
                                        writers list (JSON segments[],
                                        segments.csv, the report) */
    /* Sized DYS_N_INDICES_MAX, not DYS_N_INDICES, so that a new index
     * does not move the fields after these; entries from DYS_N_INDICES on
     * are unused. */
    double index[DYS_N_INDICES_MAX];     /* NAN when it cannot be computed */
    char index_reason[DYS_N_INDICES_MAX][400];
    dys_class classification[DYS_N_INDICES_MAX]; /* the indices with a cut-off */
    int n_class;
    dys_eligibility crt[3];          /* classic, ACC/AHA/HRS 2012, ESC 2021 */
    double lvef_pct, qrs_duration_ms; /* the inputs they used (NAN: none) */
    int nyha, lbbb;                  /* 0 / -1: not given */
    char echocrt_warning[300];       /* "" unless narrow QRS + dyssynchrony */
    dys_lead lead[8];                /* latest reachable segments, latest first */
    int n_lead;
    int n_segments;                  /* segments with status ok, of
                                        model_segments */
    double avo_ms, avc_ms;           /* ejection window from QRS onset:
                                        the views' common values, or
                                        their mean when they differ */
    dys_provenance events_source;    /* ESTIMATED if any view's is */
    char events_method[400];         /* how they were obtained */
    int events_per_view;             /* the views' windows differ */
    dys_trace trace;                 /* what the segments hold */
    dys_strain_direction strain_direction; /* the study's */
    double rr_ms;                    /* median RR of the views (NAN if
                                        unknown): phase in ms */
    double xcorr_ms[3];              /* cross-correlation delay of the
                                        opposing basal pairs septal-lateral,
                                        anterior-inferior, anteroseptal-
                                        posterior (second after first);
                                        NAN when not computable */
    dys_result_rec *rec;             /* one per recording, study order */
    size_t n_rec;
    dys_meta *meta;                  /* the study's metadata, copied */
    size_t n_meta;
    dys_params params;               /* what produced this result */
    char **warnings;
    size_t n_warnings;
    dys_work_result work;            /* myocardial work: its pressure and
                                        events, the export's own results */
    dys_lbbb_result lbbb_markers;    /* the LBBB strain markers' details */
    /* The study's Doppler and M-mode timing (dys_study), NAN when not
     * given: the doppler indices read them, and filling_time_pct_rr, an
     * atrioventricular measure and no index, is reported beside them. */
    double lv_pep_ms, rv_pep_ms, spwmd_ms, filling_time_pct_rr;
    /* Lead targeting with scar and veins (eligibility.c): the study's
     * anatomy (dys_study's), the free-wall segments left out of lead[]
     * and why, why lead[] is empty ("" when it is not), and the
     * implanted lead against the target. */
    int scar[DYS_N_SEGMENTS];
    double scar_pct[DYS_N_SEGMENTS];
    int vein[DYS_N_SEGMENTS];
    dys_lead_excluded lead_excluded[DYS_N_SEGMENTS_12];
    int n_lead_excluded;
    char lead_none_reason[200];
    int lead_segment;                /* dys_segment, -1: not given */
    dys_lead_concordance lead_concordance;
    char lead_concordance_note[200];
    /* The factors of non-response, each present, absent or unknown. */
    dys_response_factor response_factor[DYS_N_RESPONSE_FACTORS];
    int n_response_factors;
    double tapse_mm, rv_s_prime_cm_s; /* the study's, NAN */
    int aetiology, rhythm;           /* the study's dys_aetiology, dys_rhythm */
} dys_result;

/* Analyse a study.  Returns DYS_ERR_ANALYSIS (with a message) when the
 * study has no measurable ejection window; segment-level problems are not
 * errors but statuses in the result. */
DYS_API dys_status dys_analyze(dys_ctx *ctx, const dys_study *study,
                       const dys_params *params, dys_result **out);
/* Frees the result and everything it owns (NULL: nothing). */
DYS_API void dys_result_free(dys_result *r);

/* ------------------------------------------------------------------ */
/* Writers (locale-independent; never recompute)                        */

/* One JSON object on one line (the output contract of docs/format.md). */
DYS_API dys_status dys_write_json(dys_ctx *ctx, FILE *f, const dys_result *r);
/* CSV, one row per study (the layout of `analyze --format csv` and of
 * batch's studies.csv; docs/format.md lists the columns): the header
 * line, then a row per analysed study, or an error row (status "error",
 * the message, the rest empty) per study that failed.  The last two
 * columns, duplicate_id and figure, are what only the whole table knows:
 * x gives them (NULL: both empty, so the row ends with ",,\n"). */
typedef struct dys_csv_extra {
    int duplicate_id;    /* another study of the table has this study_id */
    const char *figure;  /* the study's figure file, NULL: none */
} dys_csv_extra;
DYS_API dys_status dys_write_csv_header(dys_ctx *ctx, FILE *f);
DYS_API dys_status dys_write_csv_row(dys_ctx *ctx, FILE *f, const dys_result *r,
                                     const dys_csv_extra *x);
DYS_API dys_status dys_write_csv_error_row(dys_ctx *ctx, FILE *f, const char *source,
                                           const char *message, const dys_csv_extra *x);
/* CSV, one row per study and segment (batch's segments.csv, `analyze
 * --format segments`): the header, then a result's model_segments rows
 * (12, or 18 with the apical segments). */
DYS_API dys_status dys_write_segments_csv_header(dys_ctx *ctx, FILE *f);
DYS_API dys_status dys_write_segments_csv_rows(dys_ctx *ctx, FILE *f, const dys_result *r);
/* A JSON string literal (bytes that are not UTF-8 become U+FFFD), and a
 * CSV field (quoted when it holds a comma, quote or line break; line
 * breaks become spaces, so every row is one line; text a spreadsheet
 * would run as a formula, starting with = + - @ tab or CR and not a
 * number, gets a leading apostrophe). */
DYS_API void dys_write_json_string(FILE *f, const char *s);
DYS_API void dys_write_csv_field(FILE *f, const char *s);
/* Human-readable report. */
DYS_API dys_status dys_write_text(dys_ctx *ctx, FILE *f, const dys_result *r);

/* ------------------------------------------------------------------ */
/* Atomic output files                                                  */

/* Output goes to a temporary file beside `path` and replaces `path` only
 * on commit (after fflush and fsync), so a crash or a kill never leaves a
 * truncated file under the final name.  Write through af->f. */
typedef struct dys_outfile {
    FILE *f;
    char *path;
    char *tmp;
} dys_outfile;

DYS_API dys_status dys_outfile_open(dys_ctx *ctx, dys_outfile *af, const char *path);
DYS_API dys_status dys_outfile_commit(dys_ctx *ctx, dys_outfile *af);
/* The same without the fsync: still atomic against a killed process (the
 * rename publishes a complete file), but after a power cut the file may
 * be empty or short, so only for files whose reader checks that they are
 * complete (ending with a marker, say).  batch used it for its per-study
 * parts, where an fsync per study cost about a millisecond of waiting, a
 * quarter of a batch; it now appends checksummed records to journals. */
DYS_API dys_status dys_outfile_commit_unsynced(dys_ctx *ctx, dys_outfile *af);
/* Close and remove the temporary file (safe after a failed commit). */
DYS_API void dys_outfile_abort(dys_outfile *af);

/* ------------------------------------------------------------------ */
/* Synthetic studies with known truth                                   */

typedef struct dys_synth_params {
    int n_studies;
    unsigned long long seed;
    double noise_cm_s;    /* white noise SD added to each sample */
    double fps;           /* frame rate */
    double jitter_frac;   /* frame clock jitter, fraction of a period */
    int views;            /* 0 single files, 1 view directories, 2 mixed */
    int vary_format;      /* 0: plain comma CSV with canonical names and
                             cm/s; 1: rotate through every accepted
                             separator, decimal comma, unit, alias, BOM and
                             CRLF so that readers are exercised */
    /* Several beats and ECG (issue 3).  The defaults (beats 1, ecg 0) give
     * the single-beat output above, byte for byte.  With beats > 1 or ecg 1
     * DIR/truth_beats.csv is written too (one row per complete beat and
     * file); engine/synth/synth_internal.h documents the model. */
    int beats;            /* complete beats per recording, 1..100 (default
                             1: one beat from QRS onset, as before); N > 1:
                             a little of the previous beat, N complete
                             beats and part of the next one */
    int ecg;              /* 1: write an `ecg` column in mV (default 0) */
    double rr_sd_frac;    /* beat-to-beat RR SD, fraction of the RR,
                             0..0.15 (default 0.03; used when beats > 1) */
    double ectopic_prob;  /* probability that a beat is a premature ectopic
                             beat, 0..0.5 (default 0.05; beats > 1) */
    int qrs_metadata;     /* 1 (default): write the true QRS onsets
                             (qrs_onsets_ms / qrs_onset_ms); 0: omit them
                             so that they must come from the ECG (needs
                             ecg 1) */
    int event_metadata;   /* 1 (default): write avo_ms and avc_ms; 0: omit
                             them, so that the engine must estimate them
                             (truth.csv keeps them) */
    int outcomes;         /* 1: also write DIR/outcomes.csv (baseline and
                             follow-up LVESV, LVEF, NYHA, 6-minute walk,
                             death or HF hospitalisation; the dyssync stats
                             format) drawn from a known model of response
                             to CRT, and DIR/outcomes_model.csv with each
                             study's true Ts-SD-12, response probability
                             and draw (engine/synth/write.c); default 0 */
    int doppler;          /* 1: also write the Doppler and M-mode timing
                             keys (lv_pep_ms = the model's AVO, rv_pep_ms,
                             spwmd_ms, filling_time_pct_rr) from their own
                             random stream, so that every other number is
                             the same with or without them; default 0 */
    int settings;         /* 0 (default): n_studies studies as above;
                             2..12: ONE patient (the seed's first
                             dyssynchronous heart) at that many CRT device
                             settings, one study each (n_studies ignored),
                             with av_delay_ms, vv_delay_ms, pacing_mode,
                             patient_id and, at AV 120 / VV 0,
                             reference_setting; its S' spread depends on
                             the setting through a known function with one
                             setting the true optimum (engine/synth/
                             write.c), in DIR/truth_settings.csv */
    double settings_effect; /* how much smaller the spread is at the true
                             optimum than far from it, 0..0.9 (default
                             0.5; 0: every setting the same heart) */
} dys_synth_params;

/* The defaults of `dyssync synth`: 10 studies, seed 1, 100 fps, no noise,
 * single files, one beat, no ECG (each field's comment above). */
DYS_API void dys_synth_params_defaults(dys_synth_params *p);
/* Write n_studies studies and DIR/truth.csv (and, with several beats or an
 * ECG, DIR/truth_beats.csv) into a directory, created if missing. */
DYS_API dys_status dys_synth_write(dys_ctx *ctx, const dys_synth_params *p,
                           const char *dir);

/* ---- For other languages ---- */

/* What a binding needs that the functions above would give only through
 * a struct's layout: bindings such as Python's cffi or ctypes (ABI mode)
 * or R's .Call need no struct layout with these, only pointers, strings,
 * numbers and arrays of doubles.  Options are set by their command-line
 * long names, so a binding validates exactly as the CLI does, with the
 * CLI's messages; results come as the writers' text. */

/* A new dys_params holding dys_params_defaults (NULL: out of memory);
 * free it with dys_params_free (NULL: nothing). */
DYS_API dys_params *dys_params_new(void);            /* the defaults; NULL: out of memory */
DYS_API void dys_params_free(dys_params *p);
/* A new dys_read_options holding dys_read_options_defaults (NULL: out of
 * memory); free it with dys_read_options_free (NULL: nothing). */
DYS_API dys_read_options *dys_read_options_new(void); /* the defaults */
DYS_API void dys_read_options_free(dys_read_options *o);

/* Set one option by its command-line long name (dyssync(1)), with the
 * value as text exactly as on the command line.  name may carry the
 * leading "--" or not, and '_' is read as '-': "first_fraction",
 * "first-fraction" and "--first-fraction" are one option.
 *   Analysis options, into p: lowpass, peak, first-fraction, sd, avo, avc,
 *   min-segments, low-amplitude, max-gap, ectopic-rr, avc-estimate,
 *   cutoff (INDEX=VALUE, once per index), indices.
 *   Reading options, into ro: map, max-file-mb, max-rows, qrs-onsets,
 *   contour-trace, contour-flip (a flag: value NULL, "yes", "true" or "1"
 *   sets it, "no", "false" or "0" clears it).
 * The other pointer may be NULL (a reading option needs no p, and an
 * analysis option no ro).  DYS_ERR_INVALID for an unknown name, a NULL
 * value (but contour-flip's), a NULL p or ro that the option needs, or a
 * bad value; the message names the option as given ("lowpass takes a
 * cut-off in Hz, auto or off"), and the option is then unchanged. */
DYS_API dys_status dys_option_set(dys_ctx *ctx, dys_params *p, dys_read_options *ro,
                                  const char *name, const char *value);

/* Read one study from memory: data[0..len) is one file's content (a study
 * CSV, a GE EchoPAC text export or a full-trace contour export; need not
 * be NUL-terminated), read exactly as dys_study_read reads a file holding
 * those bytes (size limit, encoding checks, readers, plausibility, given
 * QRS onsets; opt NULL: the defaults).  name stands for the file's path:
 * the study's and the recording's source, the default study_id (the name
 * without directory and extension) and the start of every message
 * ("name:line:col: ...").  A myocardial-work workbook (XML) is refused:
 * save it as a file and use dys_study_read.  A segment_table named in the
 * metadata is read from a file relative to name, as from a file's. */
DYS_API dys_status dys_study_read_memory(dys_ctx *ctx, const char *name, const char *data,
                                         size_t len, const dys_read_options *opt,
                                         dys_study **out);

/* The bytes dys_write_json and dys_write_text write for r, in a new
 * NUL-terminated string to free with dys_free: JSON without the newline
 * that ends dys_write_json's line (one object, ready for a JSON parser),
 * the report as it is (ending with its newline).  NULL on failure (out of
 * memory), with the message in ctx. */
DYS_API char *dys_result_json(dys_ctx *ctx, const dys_result *r);
DYS_API char *dys_result_text(dys_ctx *ctx, const dys_result *r);
/* Free a string of dys_result_json or dys_result_text (NULL: nothing). */
DYS_API void dys_free(void *p);

/* A study's fields (dys_study, dys_recording) without their layout: NULL
 * or 0 for a NULL study, a recording index i >= dys_study_recordings, or
 * a segment out of range or absent.  Pointers stay valid until
 * dys_study_free. */
DYS_API const char *dys_study_id(const dys_study *s);
DYS_API int dys_study_trace(const dys_study *s);          /* dys_trace */
DYS_API size_t dys_study_recordings(const dys_study *s);
DYS_API const char *dys_study_view(const dys_study *s, size_t i);   /* dys_view_name of recording i */
DYS_API const char *dys_study_source(const dys_study *s, size_t i); /* recording i's file */
DYS_API size_t dys_study_samples(const dys_study *s, size_t i);
DYS_API const double *dys_study_time(const dys_study *s, size_t i);          /* ms, n samples */
DYS_API const double *dys_study_curve(const dys_study *s, size_t i, int seg); /* dys_segment; NULL if absent */
DYS_API const double *dys_study_ecg(const dys_study *s, size_t i);            /* mV; NULL if absent */

#ifdef __cplusplus
}
#endif
#endif
