/* events.h - each view's ejection window (events.c explains the order of
 * sources and the estimates). */
#ifndef DYS_EVENTS_H
#define DYS_EVENTS_H

#include "internal.h"

/* Fill r->rec[i].avo_ms/avc_ms (with sources and methods) for every
 * recording, and the study-level r->avo_ms, avc_ms, events_source,
 * events_method and events_per_view.  The beats (r->rec[i].beats) must be
 * found first.  DYS_ERR_ANALYSIS when a window cannot be had. */
dys_status dys_events(dys_ctx *ctx, const dys_study *s, const dys_params *p,
                      dys_result *r);

#endif
