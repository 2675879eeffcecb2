/*
 * indices.c - the dyssynchrony index catalogue (INDICES.md) as one table
 * that both the computation and the writers loop over, so no index is
 * defined twice.
 *
 * Every index uses only segments whose status is ok.  Choices:
 *  - SD is the sample SD (n - 1) by default, as in the published Yu index;
 *    --sd population gives n (4.4 % lower for 12 segments).
 *  - Statistics over a segment set need a minimum count (default 10 of 12,
 *    5 of 6); below it the index is null with a reason naming what is
 *    missing, because an SD over fewer segments is not the published index.
 *  - Pair delays need both segments; the 4-basal delay needs all four and
 *    the opposing-wall delay all three pairs (a maximum over a subset
 *    would understate it).
 *  - Delays are signed (later minus earlier wall as defined); cut-offs of
 *    signed delays apply to the absolute value.
 *  - The To indices use the same statistics on To (timing.c), over the
 *    ok segments whose onset was found.  INDICES.md gives To-SD-6 basal
 *    > 20 ms and "any 2 of 6 basal >= 60 ms" (= To-diff-6 basal >= 60);
 *    the table compares with >=, which differs from > only at equality.
 */
#include "indices.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum stat { ST_SD, ST_RANGE, ST_PAIR, ST_MAX_OPPOSING };

#define BIT(s) (1u << (s))
#define BASAL6 0x3Fu
#define ALL12 0xFFFu

/* What an index is computed from. */
enum measure { M_TS, M_TO };

static const struct {
    dys_index_info info;
    enum stat stat;
    unsigned mask;     /* segments used */
    int a, b;          /* ST_PAIR: value = Ts(b) - Ts(a) */
    enum measure measure;
} catalogue[DYS_N_INDICES] = {
    {{"ts_sd_12_ms", "SD of Ts over the 12 basal and mid segments (Yu index)",
      32.6, 0, "Yu, Heart 2003;89:54 (mean + 2 SD of 88 controls)"},
     ST_SD, ALL12, 0, 0, M_TS},
    {{"ts_diff_12_ms", "largest minus smallest Ts, 12 segments", 100, 0,
      "Yu, Heart 2003;89:54"},
     ST_RANGE, ALL12, 0, 0, M_TS},
    {{"ts_sd_6_basal_ms", "SD of Ts over the 6 basal segments", NAN, 0, NULL},
     ST_SD, BASAL6, 0, 0, M_TS},
    {{"ts_diff_6_basal_ms", "largest minus smallest Ts, 6 basal segments", NAN,
      0, NULL},
     ST_RANGE, BASAL6, 0, 0, M_TS},
    {{"septal_lateral_delay_ms",
      "Ts(basal anterolateral) - Ts(basal inferoseptal)", 60, 1,
      "Bax, Am J Cardiol 2003"},
     ST_PAIR, BIT(DYS_SEG_BASAL_INFEROSEPTAL) | BIT(DYS_SEG_BASAL_ANTEROLATERAL),
     DYS_SEG_BASAL_INFEROSEPTAL, DYS_SEG_BASAL_ANTEROLATERAL, M_TS},
    {{"anteroseptal_posterior_delay_ms",
      "Ts(basal inferolateral) - Ts(basal anteroseptal)", 65, 1,
      "Gorcsan, Am J Cardiol 2004;93:1178"},
     ST_PAIR, BIT(DYS_SEG_BASAL_ANTEROSEPTAL) | BIT(DYS_SEG_BASAL_INFEROLATERAL),
     DYS_SEG_BASAL_ANTEROSEPTAL, DYS_SEG_BASAL_INFEROLATERAL, M_TS},
    {{"basal_4seg_max_delay_ms",
      "largest minus smallest Ts of basal septal, lateral, anterior, inferior",
      65, 0, "Bax, JACC 2004;44:1834"},
     ST_RANGE,
     BIT(DYS_SEG_BASAL_INFEROSEPTAL) | BIT(DYS_SEG_BASAL_ANTEROLATERAL) |
         BIT(DYS_SEG_BASAL_ANTERIOR) | BIT(DYS_SEG_BASAL_INFERIOR),
     0, 0, M_TS},
    {{"opposing_wall_max_delay_ms",
      "largest |Ts difference| of the opposing basal pairs septal-lateral, "
      "anterior-inferior, anteroseptal-posterior",
      65, 0, "ASE 2008 consensus (65 ms RethinQ; 80 ms EchoCRT)"},
     ST_MAX_OPPOSING, BIT(2) | BIT(5) | BIT(0) | BIT(3) | BIT(1) | BIT(4), 0, 0, M_TS},
    {{"to_sd_12_ms", "SD of To (QRS onset to onset of systolic velocity), 12 "
      "segments", NAN, 0, NULL},
     ST_SD, ALL12, 0, 0, M_TO},
    {{"to_sd_6_basal_ms", "SD of To over the 6 basal segments", 20, 0,
      "PMID 16455423 (To-SD-6 basal > 20 ms)"},
     ST_SD, BASAL6, 0, 0, M_TO},
    {{"to_diff_6_basal_ms", "largest minus smallest To, 6 basal segments", 60, 0,
      "PMID 16455423 (any 2 of 6 basal >= 60 ms apart)"},
     ST_RANGE, BASAL6, 0, 0, M_TO},
};

const dys_index_info *dys_index_get(int i)
{
    return i >= 0 && i < DYS_N_INDICES ? &catalogue[i].info : NULL;
}

double dys_sd(const double *x, int n, dys_sd_kind kind)
{
    int den = kind == DYS_SD_POPULATION ? n : n - 1;
    if (den < 1)
        return NAN;
    double mean = 0;
    for (int i = 0; i < n; i++)
        mean += x[i];
    mean /= n;
    double ss = 0;
    for (int i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    return sqrt(ss / den);
}

static int popcount12(unsigned m)
{
    int c = 0;
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        c += (m >> s) & 1u;
    return c;
}

/* "basal_anterior missing, mid_inferior indeterminate, basal_inferior
 * no onset" (to: the To indices, which also need the onset) */
static void list_unusable(const dys_result *r, unsigned mask, int to, char *out,
                          size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int s = 0; s < DYS_N_SEGMENTS && n < cap; s++) {
        if (!(mask >> s & 1u))
            continue;
        const char *why = r->seg[s].status != DYS_SEG_OK
                              ? dys_seg_status_name(r->seg[s].status)
                          : to && !isfinite(r->seg[s].to_ms) ? "no onset of systolic velocity"
                                                             : NULL;
        if (why)
            n += (size_t)snprintf(out + n, cap - n, "%s%s %s", n ? ", " : "",
                                  dys_segment_name(s), why);
    }
}

void dys_compute_indices(dys_result *r, const dys_params *p)
{
    unsigned ts_ok = 0, to_ok = 0;
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        if (r->seg[s].status == DYS_SEG_OK) {
            ts_ok |= BIT(s);
            if (isfinite(r->seg[s].to_ms))
                to_ok |= BIT(s);
        }
    r->n_segments = popcount12(ts_ok);

    for (int i = 0; i < DYS_N_INDICES; i++) {
        int to = catalogue[i].measure == M_TO;
        unsigned mask = catalogue[i].mask, okmask = to ? to_ok : ts_ok;
        int need = popcount12(mask), have = popcount12(mask & okmask);
        if (catalogue[i].stat == ST_SD || catalogue[i].stat == ST_RANGE) {
            if (need == 12)
                need = p->min_segments_12;
            else if (need == 6)
                need = p->min_segments_6;
        }
        char *why = r->index_reason[i];
        why[0] = '\0';
        r->index[i] = NAN;
        if (have < need) {
            char list[300];
            list_unusable(r, mask, to, list, sizeof list);
            snprintf(why, sizeof r->index_reason[i],
                     "%d of %d segments usable (needs %d): %.299s", have,
                     popcount12(mask), need, list);
            continue;
        }
        double v[DYS_N_SEGMENTS];
        int n = 0;
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            if (mask & okmask & BIT(s))
                v[n++] = to ? r->seg[s].to_ms : r->seg[s].ts_ms;
        switch (catalogue[i].stat) {
        case ST_SD:
            r->index[i] = dys_sd(v, n, p->sd);
            break;
        case ST_RANGE: {
            double lo = v[0], hi = v[0];
            for (int k = 1; k < n; k++) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
            r->index[i] = hi - lo;
            break;
        }
        case ST_PAIR:
            r->index[i] = r->seg[catalogue[i].b].ts_ms - r->seg[catalogue[i].a].ts_ms;
            break;
        case ST_MAX_OPPOSING: {
            static const int pairs[3][2] = {
                {DYS_SEG_BASAL_INFEROSEPTAL, DYS_SEG_BASAL_ANTEROLATERAL},
                {DYS_SEG_BASAL_ANTERIOR, DYS_SEG_BASAL_INFERIOR},
                {DYS_SEG_BASAL_ANTEROSEPTAL, DYS_SEG_BASAL_INFEROLATERAL}};
            double m = 0;
            for (int k = 0; k < 3; k++)
                m = fmax(m, fabs(r->seg[pairs[k][1]].ts_ms - r->seg[pairs[k][0]].ts_ms));
            r->index[i] = m;
            break;
        }
        }
    }
}
