/*
 * ecg.h - QRS detection and QRS onset on the ECG column of an echo export
 * (ecg.c explains the method, its papers and its limits).
 */
#ifndef DYS_ECG_H
#define DYS_ECG_H

#include "internal.h"

#include <stddef.h>

/* The QRS complexes of one recording, in time order, on the file's time
 * axis (ms). */
typedef struct dys_beats {
    size_t n;          /* QRS complexes found */
    double *r_ms;      /* time of the QRS energy peak (file axis) */
    double *onset_ms;  /* QRS onset (file axis): the reference for Ts */
    double *rr_ms;     /* rr_ms[i] = r_ms[i+1] - r_ms[i], n-1 values (NULL if n < 2) */
    double hr_bpm;     /* 60000 / median RR, NAN below 2 beats */
    int inverted;      /* the dominant QRS deflection is negative */
} dys_beats;

/* Find the QRS complexes of an ECG sampled at the (jittered) frame clock:
 * t_ms strictly increasing, ecg in any unit (mV or display units), NAN for
 * a missing sample.  On success *out holds at least one beat; free it with
 * dys_beats_free().  On failure *out is empty (n = 0, NULL arrays).
 *
 * Returns DYS_OK;
 *   DYS_ERR_INVALID  NULL pointers, n < 2, a non-finite or non-increasing
 *                    time stamp;
 *   DYS_ERR_ANALYSIS too little valid ECG, a flat ECG, or no QRS complex
 *                    that stands out of the noise (the message says which);
 *   DYS_ERR_NOMEM    out of memory. */
dys_status dys_detect_qrs(dys_ctx *ctx, const double *t_ms, const double *ecg,
                          size_t n, dys_beats *out);

/* Free the arrays of b and empty it (b may be NULL). */
void dys_beats_free(dys_beats *b);

#endif
