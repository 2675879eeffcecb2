/* lbbb.h - strain markers of the LBBB mechanism (lbbb.c). */
#ifndef DYS_LBBB_H
#define DYS_LBBB_H

#include "strain.h"

/* The curves are sampled every this many ms from each beat's QRS onset. */
#define DYS_LBBB_STEP_MS 1.0
/* A shortening or lengthening smaller than this (%) is not counted as one
 * by the yes/no findings (LBBB pattern criterion 1, septal flash): the
 * papers read them by eye and give no amplitude.  1 % is dyssync's choice
 * (docs/indices.md): several times the frame-to-frame noise of a
 * speckle-tracking export, and a tenth of a failing ventricle's peak
 * strain, so that a wobble of the curve is not read as a movement. */
#define DYS_LBBB_MIN_PCT 1.0
/* Risum's criterion 2: septal peak shortening within the first 70 % of
 * the ejection period. */
#define DYS_LBBB_SEPT_PEAK_FRAC 0.70
/* The early window of criterion 1 ends this fraction into ejection. */
#define DYS_LBBB_EARLY_FRAC 0.30

/* One segment's beat: strain eps[i] at i * step ms from the QRS onset, n
 * samples (the cycle); AVO and AVC in ms from the onset. */
typedef struct dys_lbbb_seg_beat {
    double rebound_stretch; /* sum of the rises of strain from the first
                               time it falls below its onset value up to
                               AVC (0 when it does not fall before AVC) */
    double prestretch;      /* max(0, highest strain in onset..AVO minus
                               strain at onset) */
    double strain_delay;    /* strain at AVC minus the lowest strain of
                               the cycle (>= 0) */
} dys_lbbb_seg_beat;
void dys_lbbb_segment_beat(const double *eps, size_t n, double step, double avo, double avc,
                           dys_lbbb_seg_beat *out);

/* One beat's wall curves (the mean of each wall's segments), sampled as
 * above: the quantities the pattern and the flash are decided on
 * (dys_lbbb_result's fields of the same names). */
typedef struct dys_lbbb_walls {
    double early_end_ms, sept_early_shortening_pct, lat_early_stretch_pct;
    double sept_peak_ms, lat_peak_ms;
    double flash_shortening_pct, flash_relengthening_pct, flash_time_ms;
} dys_lbbb_walls;
void dys_lbbb_walls_beat(const double *sept, const double *lat, size_t n, double step,
                         double avo, double avc, dys_lbbb_walls *out);

/* The criteria and the two findings from the wall values in m (the means
 * over beats): m->criterion[], sept_peak_ejection_pct, and the values of
 * lbbb_pattern and septal_flash. */
void dys_lbbb_decide(dys_lbbb_result *m);

/* The markers of an analysed strain study (its segments' statuses,
 * beats and events in r, the conditioned curves the strain stage kept in
 * cv) into r->lbbb_markers; the catalogue copies the values
 * (indices.c).  Only running out of memory fails. */
dys_status dys_lbbb_analyze(dys_ctx *ctx, const dys_study *s, const dys_params *p,
                            dys_result *r, const dys_strain_curves *cv);

#endif
