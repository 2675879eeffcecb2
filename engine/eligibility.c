/*
 * eligibility.c - CRT eligibility by three published criteria sets, and a
 * suggested LV lead target.  Decision support, never a verdict: guidelines
 * select patients by LVEF, QRS width and morphology and NYHA class, which
 * come from the study's metadata, not from echo dyssynchrony.  A missing
 * input makes the answer unknown and is named; nothing is guessed.
 *
 * Criteria (INDICES.md):
 *  - classic: LVEF <= 35 %, QRS >= 120 ms, NYHA III-IV.
 *  - ACCF/AHA/HRS 2012 (LVEF <= 35 % throughout): I LBBB, QRS >= 150 ms,
 *    NYHA II-IV; IIa LBBB 120-149 ms NYHA II-IV, or non-LBBB >= 150 ms
 *    NYHA III-IV; IIb non-LBBB 120-149 ms NYHA III-IV, or non-LBBB
 *    >= 150 ms NYHA II; III (not recommended) non-LBBB < 150 ms NYHA I-II.
 *    Outside these (QRS < 120 ms, LVEF > 35 %, other NYHA I cases) no
 *    class applies: not indicated.
 *  - ESC 2021 (symptomatic, NYHA II-IV, LVEF <= 35 %, sinus rhythm): I LBBB
 *    >= 150 ms; IIa LBBB 130-149 ms or non-LBBB >= 150 ms; IIb non-LBBB
 *    130-149 ms; III QRS < 130 ms.  The study format records no rhythm, so
 *    the class is given for sinus rhythm and says so.
 *  - EchoCRT (Ruschitzka, NEJM 2013): in QRS < 130 ms, CRT chosen for echo
 *    dyssynchrony raised mortality (HR 1.81).  A narrow QRS with any index
 *    over its cut-off gets that warning.
 *
 * LV lead target (in the spirit of TARGET, Khan JACC 2012, and STARTER,
 * Saba Circ HF 2013, which placed the lead at the latest-activated
 * non-scarred segment by speckle tracking): the latest Ts among the
 * segments a coronary-sinus lead can reach (the free wall: anterior,
 * inferior, inferolateral, anterolateral, basal and mid; the septum
 * cannot be paced from the coronary veins), counting only segments with
 * status ok (a LOW_AMPLITUDE or NO_POSITIVE_PEAK segment, which may be
 * scar, is indeterminate and excluded), and every such segment within
 * 20 ms of it.  In strain studies the time to peak strain ranks them.  Delays are from the earliest ok segment of all 12.
 */
#include "eligibility.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LEAD_WITHIN_MS 20.0

/* Names the missing inputs among those needed; 1 when all are there. */
static int inputs(const dys_study *s, int need_lbbb, dys_eligibility *e)
{
    size_t n = 0;
    e->missing[0] = '\0';
    if (isnan(s->lvef_pct))
        n += (size_t)snprintf(e->missing + n, sizeof e->missing - n, "%slvef_pct",
                              n ? ", " : "");
    if (isnan(s->qrs_duration_ms))
        n += (size_t)snprintf(e->missing + n, sizeof e->missing - n, "%sqrs_duration_ms",
                              n ? ", " : "");
    if (s->nyha < 1)
        n += (size_t)snprintf(e->missing + n, sizeof e->missing - n, "%snyha", n ? ", " : "");
    if (need_lbbb && s->lbbb < 0)
        snprintf(e->missing + n, sizeof e->missing - n, "%slbbb", n ? ", " : "");
    return e->missing[0] == '\0';
}

static void classic(const dys_study *s, dys_eligibility *e)
{
    e->set = "classic";
    if (!(e->known = inputs(s, 0, e)))
        return;
    e->eligible = s->lvef_pct <= 35 && s->qrs_duration_ms >= 120 && s->nyha >= 3;
    e->cls = NULL;
    snprintf(e->note, sizeof e->note, "LVEF <= 35 %%, QRS >= 120 ms, NYHA III-IV");
}

static void acc_2012(const dys_study *s, dys_eligibility *e)
{
    e->set = "acc_aha_hrs_2012";
    if (!(e->known = inputs(s, 1, e)))
        return;
    double q = s->qrs_duration_ms;
    int lb = s->lbbb == 1, ny = s->nyha;
    const char *c = NULL;
    if (s->lvef_pct <= 35 && q >= 120) {
        if (lb && q >= 150 && ny >= 2)
            c = "I";
        else if ((lb && ny >= 2) || (!lb && q >= 150 && ny >= 3))
            c = "IIa";
        else if ((!lb && q < 150 && ny >= 3) || (!lb && q >= 150 && ny == 2))
            c = "IIb";
        else if (!lb && q < 150 && ny <= 2)
            c = "III";
    }
    e->cls = c;
    e->eligible = c && strcmp(c, "III") != 0;
    snprintf(e->note, sizeof e->note, "%s", c ? (strcmp(c, "III") ? "CRT recommended at this class"
                                                                 : "CRT not recommended (class III)")
                                            : "outside the indications (LVEF > 35 %, QRS < 120 ms "
                                              "or NYHA I)");
}

static void esc_2021(const dys_study *s, dys_eligibility *e)
{
    e->set = "esc_2021";
    if (!(e->known = inputs(s, 1, e)))
        return;
    double q = s->qrs_duration_ms;
    int lb = s->lbbb == 1;
    const char *c = NULL;
    if (s->lvef_pct <= 35 && s->nyha >= 2) {
        if (q < 130)
            c = "III";
        else if (lb && q >= 150)
            c = "I";
        else if (lb || q >= 150)
            c = "IIa";
        else
            c = "IIb";
    }
    e->cls = c;
    e->eligible = c && strcmp(c, "III") != 0;
    snprintf(e->note, sizeof e->note, "%s; for sinus rhythm (the study records no rhythm)",
             c ? (strcmp(c, "III") ? "CRT recommended at this class"
                                  : "CRT not recommended (QRS < 130 ms)")
               : "outside the indications (LVEF > 35 % or asymptomatic)");
}

void dys_crt_eligibility(const dys_study *s, dys_result *r)
{
    memset(r->crt, 0, sizeof r->crt);
    classic(s, &r->crt[0]);
    acc_2012(s, &r->crt[1]);
    esc_2021(s, &r->crt[2]);
    for (int i = 0; i < 3; i++) {
        dys_eligibility *e = &r->crt[i];
        if (!e->known) {
            e->eligible = -1;
            e->cls = NULL;
            char missing[sizeof e->missing]; /* a copy: gcc -Wrestrict at -O0 */
            memcpy(missing, e->missing, sizeof missing);
            snprintf(e->note, sizeof e->note, "unknown: %s not given", missing);
        }
    }
    r->lvef_pct = s->lvef_pct;
    r->qrs_duration_ms = s->qrs_duration_ms;
    r->nyha = s->nyha;
    r->lbbb = s->lbbb;
    r->echocrt_warning[0] = '\0';
    int dys = 0;
    for (int c = 0; c < r->n_class; c++)
        dys |= r->classification[c].dyssynchronous == 1;
    if (isfinite(s->qrs_duration_ms) && s->qrs_duration_ms < 130 && dys)
        snprintf(r->echocrt_warning, sizeof r->echocrt_warning,
                 "QRS %.0f ms (< 130) with echo dyssynchrony: in EchoCRT (NEJM 2013) CRT "
                 "chosen this way raised mortality (HR 1.81); echo dyssynchrony is not an "
                 "indication for CRT in narrow QRS", s->qrs_duration_ms);
}

void dys_lead_target(dys_result *r)
{
    static const int reachable[] = {
        DYS_SEG_BASAL_ANTERIOR,     DYS_SEG_BASAL_INFERIOR,  DYS_SEG_BASAL_INFEROLATERAL,
        DYS_SEG_BASAL_ANTEROLATERAL, DYS_SEG_MID_ANTERIOR,   DYS_SEG_MID_INFERIOR,
        DYS_SEG_MID_INFEROLATERAL,  DYS_SEG_MID_ANTEROLATERAL};
    r->n_lead = 0;
    double earliest = INFINITY, latest = -INFINITY;
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        if (r->seg[s].status == DYS_SEG_OK)
            earliest = fmin(earliest, dys_activation_ms(r, s));
    for (size_t i = 0; i < sizeof reachable / sizeof reachable[0]; i++)
        if (r->seg[reachable[i]].status == DYS_SEG_OK)
            latest = fmax(latest, dys_activation_ms(r, reachable[i]));
    if (!isfinite(latest))
        return;
    for (size_t i = 0; i < sizeof reachable / sizeof reachable[0]; i++) {
        const dys_segment_result *g = &r->seg[reachable[i]];
        double t = dys_activation_ms(r, reachable[i]);
        if (g->status == DYS_SEG_OK && t >= latest - LEAD_WITHIN_MS) {
            r->lead[r->n_lead].segment = reachable[i];
            r->lead[r->n_lead].ts_ms = t;
            r->lead[r->n_lead].delay_ms = t - earliest;
            r->n_lead++;
        }
    }
    /* latest first */
    for (int a = 1; a < r->n_lead; a++)
        for (int b = a; b > 0 && r->lead[b].ts_ms > r->lead[b - 1].ts_ms; b--) {
            dys_lead t = r->lead[b];
            r->lead[b] = r->lead[b - 1];
            r->lead[b - 1] = t;
        }
}
