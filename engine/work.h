/* work.h - myocardial work from strain and LV pressure (work.c). */
#ifndef DYS_WORK_H
#define DYS_WORK_H

#include "internal.h"

/* The valve events that cut the cycle, ms from QRS onset. */
typedef struct dys_work_events {
    double mvc, avo, avc, mvo;
} dys_work_events;

/* Work of one segment over MVC..MVO, split by phase and by the sign of
 * the strain's change (mmHg%, each part >= 0 while the pressure is):
 * shortening is work done (-P d strain > 0), lengthening work absorbed. */
typedef struct dys_work_parts {
    double sys_shortening, sys_lengthening; /* MVC..AVC */
    double ivr_shortening, ivr_lengthening; /* AVC..MVO */
    double index;        /* -integral of P d strain over MVC..MVO: the
                            shortening parts minus the lengthening ones */
    double constructive; /* systolic shortening + IVR lengthening */
    double wasted;       /* systolic lengthening + IVR shortening */
    double efficiency_pct; /* constructive / (constructive + wasted) x 100,
                              NAN when both are 0 */
} dys_work_parts;

/* -integral over [a, b] of P d strain, with the strain (t, eps, n: NAN
 * samples skipped) and the pressure (tp, p, np) each linear between its
 * samples: exact for such curves, summed over the union of both sets of
 * sample times.  The pressure is held at its first and last values
 * outside its samples.  *shortening and *lengthening (may be NULL) get the
 * parts where the strain falls and rises (-P d strain and P d strain);
 * the result is their difference.  NAN when fewer than 2 finite strain
 * samples bracket [a, b], or when np is 0. */
double dys_work_between(const double *t, const double *eps, size_t n, const double *tp,
                        const double *p, size_t np, double a, double b, double *shortening,
                        double *lengthening);

/* The work of one segment over the cycle MVC..MVO (e in order).  Returns
 * 0, or -1 with the reason in why (cap bytes) when the strain does not
 * cover MVC..MVO or has a gap longer than max_gap_ms in it. */
int dys_work_segment(const double *t, const double *eps, size_t n, const double *tp,
                     const double *p, size_t np, const dys_work_events *e, double max_gap_ms,
                     dys_work_parts *out, char *why, size_t cap);

/* The normalised LV pressure of the reference curve (docs/indices.md,
 * "Myocardial work": pressure / peak, 0..1) at time t for the events e:
 * flat at the end-diastolic level up to MVC, a monotone cubic through the
 * knots at MVC, AVO, the peak (40 % into ejection), AVC and MVO, flat
 * again after MVO.  The events must be in order. */
double dys_work_reference(double t, const dys_work_events *e);

/* The events in order (MVC < AVO < AVC < MVO, all finite). */
int dys_work_events_ok(const dys_work_events *e);

/* The export's own values, all NAN (NULL when out of memory), and their
 * release. */
dys_vendor_work *dys_vendor_work_new(void);
void dys_vendor_work_free(dys_vendor_work *v);
/* Free what a study's work input owns and set it to "not given". */
void dys_work_input_clear(dys_work_input *w);

/* Myocardial work of an analysed study (its events and beats in r): the
 * pressure measured or estimated, each segment's work, the export's
 * values and work curves beside them, into r->seg[] and r->work.  A study
 * without what work needs keeps NANs and the reason; only running out of
 * memory fails. */
dys_status dys_work_analyze(dys_ctx *ctx, const dys_study *s, const dys_params *p,
                            dys_result *r);

#endif
