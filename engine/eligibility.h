/* eligibility.h - CRT eligibility and the LV lead target (eligibility.c
 * gives the criteria, their sources and the rule). */
#ifndef DYS_ELIGIBILITY_H
#define DYS_ELIGIBILITY_H

#include "internal.h"

/* r->crt[], the input echo and r->echocrt_warning, from the study's
 * metadata and r->classification (computed first). */
void dys_crt_eligibility(const dys_study *s, dys_result *r);
/* r->lead[] from the segments' Ts and statuses. */
void dys_lead_target(dys_result *r);

#endif
