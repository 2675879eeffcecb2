/*
 * dyssync_optimise.h - echo-guided AV and VV optimisation of a CRT device
 * (dyssync optimise; docs/optimise.md).
 *
 * The studies of one patient recorded at several device settings, one
 * study per setting, each analysed (dys_analyze): an objective per
 * setting with its beat-to-beat uncertainty, the settings ranked, the
 * best, and whether it differs from the reference setting by more than
 * measurement noise (Welch's t-test on the per-beat values).  The
 * conventions of dyssync.h hold: nothing printed, no global state.
 */
#ifndef DYSSYNC_OPTIMISE_H
#define DYSSYNC_OPTIMISE_H

#include "dyssync.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which way an objective is better. */
typedef enum dys_opt_direction {
    DYS_OPT_MINIMISE = 0, /* lower is better (a dispersion: ts_sd_12_ms) */
    DYS_OPT_MINIMISE_ABS, /* nearer 0 is better (a signed delay) */
    DYS_OPT_MAXIMISE      /* higher is better (a stroke distance: VTI) */
} dys_opt_direction;
/* "minimise", "minimise |value|", "maximise" (NULL out of range). */
DYS_API const char *dys_opt_direction_name(dys_opt_direction d);

/* The optimisation method an objective stands for (the figure's title). */
typedef enum dys_opt_method {
    DYS_OPT_METHOD_DYSSYNCHRONY = 0, /* a catalogue index: dyssynchrony
                                        minimisation */
    DYS_OPT_METHOD_AORTIC_VTI,       /* lvot_vti_cm: the aortic VTI method */
    DYS_OPT_METHOD_MITRAL_VTI        /* mitral_vti_cm: the mitral inflow
                                        (transmitral VTI) method */
} dys_opt_method;
/* "dyssynchrony minimisation", "aortic VTI method", "mitral inflow VTI
 * method" (NULL out of range). */
DYS_API const char *dys_opt_method_name(dys_opt_method m);

/* One setting's study and its analysis (both kept by the caller). */
typedef struct dys_opt_input {
    const dys_study *study;
    const dys_result *result;
} dys_opt_input;

typedef struct dys_opt_options {
    const char *objective; /* a catalogue index key (dys_index_info.key),
                              "lvot_vti_cm" or "mitral_vti_cm"; NULL:
                              ts_sd_12_ms */
    int reference;         /* the reference setting's input index, or -1:
                              the study saying reference_setting: yes, else
                              the nominal setting, else the first */
    double nominal_av_ms;  /* the nominal setting (NAN: none given) */
    double nominal_vv_ms;  /* NAN: 0 when nominal_av_ms is given */
    double alpha;          /* significance level, 0 < alpha < 1 (0.05) */
} dys_opt_options;

/* The defaults: ts_sd_12_ms, reference from the studies, no nominal
 * setting, alpha 0.05. */
DYS_API void dys_opt_options_defaults(dys_opt_options *o);

/* One setting's outcome. */
typedef struct dys_opt_setting {
    int input;              /* its index in the inputs */
    char *source;           /* the study's file or directory */
    char *study_id;
    double av_delay_ms, vv_delay_ms;
    dys_pacing_mode pacing_mode;
    int e_a_fused;          /* 1, 0, -1 not given */
    double *beats;          /* the per-beat objective values (n_beats) */
    size_t n_beats;         /* 0: the objective has a single value */
    double value;           /* the mean of the per-beat values, or the
                               single value; NAN: not measurable */
    double study_value;     /* the objective as the study's analysis gives
                               it (an index over the beats' mean Ts) */
    double sd;              /* beat-to-beat SD (NAN below 2 beats) */
    double ci_lo, ci_hi;    /* 95 % confidence interval of the mean (t
                               quantile), NAN below 2 beats */
    int rank;               /* 1 = best; 0: not ranked (value NAN) */
    /* Against the reference (NAN, differs -1 when not tested): */
    double diff;            /* value - the reference's value */
    double t, df, p;        /* Welch's t, its df, two-sided p */
    double p_adj;           /* p x (settings compared), at most 1
                               (Bonferroni: the best is picked from them) */
    int differs;            /* 1 p_adj < alpha, 0 not, -1 untested */
    char note[200];         /* why untested, or why not ranked; "" */
} dys_opt_setting;

/* The verdict on the best setting against the reference. */
typedef enum dys_opt_verdict {
    DYS_OPT_BEST_IS_REFERENCE = 0, /* the reference ranks first */
    DYS_OPT_BEYOND_NOISE,          /* the best beats the reference by more
                                      than the beat-to-beat noise */
    DYS_OPT_WITHIN_NOISE,          /* it does not (every tested difference
                                      from the reference is within noise) */
    DYS_OPT_UNTESTED               /* too few beats, or a single-valued
                                      objective: no test */
} dys_opt_verdict;

typedef struct dys_opt_result {
    char objective[64];
    dys_opt_direction direction;
    dys_opt_method method;
    int per_beat;               /* the objective has per-beat values */
    double alpha;
    dys_opt_setting *setting;   /* in input order */
    size_t n;
    size_t *order;              /* setting indices best first (ranked ones,
                                   then the unranked), n of them */
    int best;                   /* setting index, -1: none measurable */
    int reference;              /* setting index */
    char reference_why[160];    /* how the reference was chosen */
    dys_opt_verdict verdict;
    int all_within_noise;       /* no tested setting differs from the
                                   reference (and at least one was tested) */
    char **warnings;
    size_t n_warnings;
} dys_opt_result;

/* Rank n settings (n >= 2) by the objective.  Errors (DYS_ERR_INVALID,
 * the message naming the study's file): an unknown objective; a study
 * without av_delay_ms or vv_delay_ms (both needed unless its pacing_mode
 * is off); two studies at the same setting (pacing mode, AV and VV);
 * studies of different patients (patient_id given by some and not the
 * same in all); more than one study naming itself the reference, a
 * reference index out of range, or a nominal setting no study is at.
 * *out is NULL on failure. */
DYS_API dys_status dys_optimise(dys_ctx *ctx, const dys_opt_input *in, size_t n,
                                const dys_opt_options *o, dys_opt_result **out);
DYS_API void dys_opt_result_free(dys_opt_result *r);

/* The figure (path's extension: .png, .svg or .pdf; PNG at dpi): the
 * objective against AV delay and against VV delay with 95 % CI bars, the
 * best and the reference marked, the method in the title.  DYS_ERR_INVALID
 * for bad dpi or extension, DYS_ERR_UNSUPPORTED in a build without
 * figures, DYS_ERR_IO when the file cannot be written. */
DYS_API dys_status dys_plot_optimise(dys_ctx *ctx, const char *path, const dys_opt_result *r,
                                     double dpi);

#ifdef __cplusplus
}
#endif
#endif
