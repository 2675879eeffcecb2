/* eligibility.h - CRT eligibility and the LV lead target (eligibility.c
 * gives the criteria, their sources and the rule). */
#ifndef DYS_ELIGIBILITY_H
#define DYS_ELIGIBILITY_H

#include "internal.h"

/* r->crt[], the input echo and r->echocrt_warning, from the study's
 * metadata and r->classification (computed first). */
void dys_crt_eligibility(const dys_study *s, dys_result *r);
/* r->lead[] from the segments' Ts and statuses and the study's scar and
 * veins, the excluded free-wall segments with why, and the implanted
 * lead (lead_segment) against the target. */
void dys_lead_target(const dys_study *s, dys_result *r);
/* 1 when segments a and b (dys_segment) share a border on the bull's-eye. */
int dys_segments_adjacent(int a, int b);
/* r->response_factor[]: the known factors of non-response, each present,
 * absent or unknown (after dys_lead_target and the classification). */
void dys_response_factors(const dys_study *s, dys_result *r);
/* The key of factor i (0 .. DYS_N_RESPONSE_FACTORS-1), in the order of
 * r->response_factor[]; NULL out of range. */
const char *dys_response_factor_key(int i);

#endif
