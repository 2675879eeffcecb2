/*
 * lbbb.c - strain markers of the LBBB mechanism: how the septum and the
 * lateral wall of the 4-chamber view move against each other when the
 * left ventricle is activated from the septum (docs/indices.md, "LBBB
 * strain markers", has the definitions, sources and what could not be
 * verified).
 *
 * Curves.  Each segment's strain is the curve timing uses: strain.c's
 * conditioned curve itself (the automatic low-pass tuned over the
 * ejection window), which the strain stage keeps when the lbbb family is
 * asked for (dys_strain_curves), because its beats and windows are the
 * ones sampled here and conditioning it again would repeat the cut-off
 * search for the same spline.  It is sampled every DYS_LBBB_STEP_MS from each accepted beat's QRS onset to
 * the next (the beat's RR, else the view's heart rate, else AVC + 300
 * ms).  Sums of rises are taken on that smooth curve: on the raw samples
 * every frame's noise would add to a sum of lengthening.
 *
 * Per segment and beat (dys_lbbb_segment_beat), then the mean over beats:
 *  - rebound stretch: the lengthening after the segment first shortens
 *    (strain below its value at QRS onset), summed up to AVC;
 *  - pre-stretch: the lengthening from QRS onset before AVO (the highest
 *    strain in onset..AVO above the onset value);
 *  - strain delay: strain at AVC minus the lowest strain of the cycle
 *    (Lim 2008): shortening after AVC, or lengthening back before it
 *    after an early peak.
 * The wall indices are the means of their segments' values (2 of the 3
 * segments needed).  The pattern and the flash are read on each beat's
 * wall curves (the mean of a wall's ok segments, which must come from
 * one recording so that the walls are of one beat), the quantities
 * averaged over beats, then decided (dys_lbbb_decide).
 *
 * Everything is a function of its arguments and writes only into the
 * result it is given.
 */
#include "lbbb.h"
#include "indices.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAIL_MS 300.0    /* RR unknown: the cycle runs to AVC + this */
#define MAX_CYCLE_MS 3000.0
#define MAX_BEATS 128    /* as measure_recording (analyze.c) */
#define CYCLE_SAMPLES ((size_t)(MAX_CYCLE_MS / DYS_LBBB_STEP_MS) + 1)

static const int septal[3] = {DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_MID_INFEROSEPTAL,
                              DYS_AHA_APICAL_INFEROSEPTAL};
static const int lateral[3] = {DYS_AHA_BASAL_ANTEROLATERAL, DYS_AHA_MID_ANTEROLATERAL,
                               DYS_AHA_APICAL_ANTEROLATERAL};

static size_t index_at(double t, double step, size_t n)
{
    if (!(t > 0))
        return 0;
    double i = floor(t / step + 0.5);
    return i >= (double)(n - 1) ? n - 1 : (size_t)i;
}

void dys_lbbb_segment_beat(const double *eps, size_t n, double step, double avo, double avc,
                           dys_lbbb_seg_beat *out)
{
    size_t iavo = index_at(avo, step, n), iavc = index_at(avc, step, n);
    double e0 = eps[0], rebound = 0, high = e0, low = eps[0];
    int shortened = 0;
    for (size_t i = 1; i <= iavc; i++) {
        /* counted from the sample after the first one below the onset
         * value: what came before is lengthening before any shortening */
        if (shortened && eps[i] > eps[i - 1])
            rebound += eps[i] - eps[i - 1];
        if (eps[i] < e0)
            shortened = 1;
    }
    for (size_t i = 0; i <= iavo; i++)
        high = fmax(high, eps[i]);
    for (size_t i = 0; i < n; i++)
        low = fmin(low, eps[i]);
    out->rebound_stretch = rebound;
    out->prestretch = high - e0;
    out->strain_delay = eps[iavc] - low;
}

void dys_lbbb_walls_beat(const double *sept, const double *lat, size_t n, double step,
                         double avo, double avc, dys_lbbb_walls *out)
{
    double early = avo + DYS_LBBB_EARLY_FRAC * (avc - avo);
    size_t ie = index_at(early, step, n), iavo = index_at(avo, step, n);
    size_t iavc = index_at(avc, step, n);
    double s_low = sept[0], l_high = lat[0];
    for (size_t i = 0; i <= ie; i++) {
        s_low = fmin(s_low, sept[i]);
        l_high = fmax(l_high, lat[i]);
    }
    out->early_end_ms = (double)ie * step;
    out->sept_early_shortening_pct = sept[0] - s_low;
    out->lat_early_stretch_pct = l_high - lat[0];
    size_t is = 0, il = 0, iflash = 0;
    for (size_t i = 1; i <= iavc; i++)
        if (sept[i] < sept[is])
            is = i;
    for (size_t i = 1; i < n; i++)
        if (lat[i] < lat[il])
            il = i;
    out->sept_peak_ms = (double)is * step;
    out->lat_peak_ms = (double)il * step;
    for (size_t i = 1; i <= iavo; i++)
        if (sept[i] < sept[iflash])
            iflash = i;
    double back = sept[iflash];
    for (size_t i = iflash; i <= iavo; i++)
        back = fmax(back, sept[i]);
    out->flash_shortening_pct = sept[0] - sept[iflash];
    out->flash_relengthening_pct = back - sept[iflash];
    out->flash_time_ms = (double)iflash * step;
}

void dys_lbbb_decide(dys_lbbb_result *m)
{
    const double ep = m->avc_ms - m->avo_ms;
    m->criterion[0] = isnan(m->sept_early_shortening_pct) || isnan(m->lat_early_stretch_pct)
                          ? -1
                          : m->sept_early_shortening_pct >= DYS_LBBB_MIN_PCT &&
                                m->lat_early_stretch_pct >= DYS_LBBB_MIN_PCT;
    m->sept_peak_ejection_pct = ep > 0 ? 100.0 * (m->sept_peak_ms - m->avo_ms) / ep : NAN;
    m->criterion[1] = isnan(m->sept_peak_ejection_pct)
                          ? -1
                          : m->sept_peak_ejection_pct <= 100.0 * DYS_LBBB_SEPT_PEAK_FRAC;
    m->criterion[2] = isnan(m->lat_peak_ms) || isnan(m->avc_ms) ? -1
                                                                : m->lat_peak_ms > m->avc_ms;
    const int pat = DYS_IDX_LBBB_PATTERN - DYS_IDX_SRS_SEPT;
    const int fl = DYS_IDX_SEPTAL_FLASH - DYS_IDX_SRS_SEPT;
    if (m->criterion[0] < 0 || m->criterion[1] < 0 || m->criterion[2] < 0) {
        m->value[pat] = NAN;
        if (!m->reason[pat][0])
            snprintf(m->reason[pat], sizeof m->reason[pat],
                     "a criterion could not be measured");
    } else {
        m->value[pat] = m->criterion[0] && m->criterion[1] && m->criterion[2];
        m->reason[pat][0] = '\0';
    }
    if (isnan(m->flash_shortening_pct) || isnan(m->flash_relengthening_pct)) {
        m->value[fl] = NAN;
        if (!m->reason[fl][0])
            snprintf(m->reason[fl], sizeof m->reason[fl], "the septal curve was not measured");
    } else {
        m->value[fl] = m->flash_shortening_pct >= DYS_LBBB_MIN_PCT &&
                       m->flash_relengthening_pct >= DYS_LBBB_MIN_PCT;
        m->reason[fl][0] = '\0';
    }
}

/* A segment's beats sampled: row b of x holds len[b] samples of strain
 * (%) from the beat's QRS onset. */
typedef struct {
    size_t nb, cap;
    double *x;
    size_t len[MAX_BEATS];
    double onset[MAX_BEATS]; /* the beat's QRS onset: rows of two segments
                                are the same beat when these are equal */
    double avo, avc;
    int rec;
} sampled;

static void sampled_free(sampled *sm)
{
    free(sm->x);
    sm->x = NULL;
    sm->nb = 0;
}

/* Segment k's conditioned curve c over its recording's accepted beats
 * (the beats and windows the strain stage conditioned it on).
 * DYS_ERR_ANALYSIS (with why) when it has no usable beat. */
static dys_status sample_segment(dys_ctx *ctx, const dys_study *s, const dys_result *r,
                                 const dys_curve *c, int k, sampled *out, char *why,
                                 size_t cap)
{
    memset(out, 0, sizeof *out);
    int ri = r->seg[k].rec;
    const dys_recording *rec = &s->rec[ri];
    const dys_beat_list *bl = &r->rec[ri].beats;
    out->rec = ri;
    out->avo = r->rec[ri].avo_ms;
    out->avc = r->rec[ri].avc_ms;
    double rr_else = isfinite(bl->hr_bpm) ? 60000.0 / bl->hr_bpm
                     : isfinite(s->hr_bpm) ? 60000.0 / s->hr_bpm
                                           : rec->cycle_ms;
    double on[MAX_BEATS], rr[MAX_BEATS];
    size_t nb = 0;
    for (size_t b = 0; b < bl->n && nb < MAX_BEATS; b++) {
        if (!bl->beat[b].accepted)
            continue;
        on[nb] = bl->beat[b].onset_ms;
        rr[nb] = isfinite(bl->beat[b].rr_ms) ? bl->beat[b].rr_ms : rr_else;
        nb++;
    }
    if (nb == 0) {
        snprintf(why, cap, "no accepted beat");
        return DYS_ERR_ANALYSIS;
    }
    out->cap = CYCLE_SAMPLES;
    out->x = malloc(nb * out->cap * sizeof *out->x);
    if (!out->x)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    /* the beat's onset must be within a frame of the first sample: its
     * value there is the reference every marker is measured from */
    double frame = isfinite(r->rec[ri].frame_interval_ms) ? r->rec[ri].frame_interval_ms : 0;
    for (size_t b = 0; b < nb; b++) {
        double end = isfinite(rr[b]) && rr[b] > 0 ? on[b] + rr[b] : on[b] + out->avc + TAIL_MS;
        end = fmin(fmin(end, c->t_last), on[b] + MAX_CYCLE_MS);
        if (on[b] < c->t_first - frame || on[b] + out->avc > c->t_last || end < on[b] + out->avc)
            continue;
        double *row = out->x + out->nb * out->cap;
        size_t len = (size_t)floor((end - on[b]) / DYS_LBBB_STEP_MS) + 1;
        if (len > out->cap)
            len = out->cap;
        size_t hint = 0;
        for (size_t i = 0; i < len; i++) {
            double t = fmax(on[b] + (double)i * DYS_LBBB_STEP_MS, c->t_first);
            row[i] = -dys_spline_eval_near(&c->sp, t, &hint);
        }
        out->onset[out->nb] = on[b];
        out->len[out->nb++] = len;
    }
    if (out->nb == 0) {
        sampled_free(out);
        snprintf(why, cap, "no beat whose curve covers QRS onset..AVC");
        return DYS_ERR_ANALYSIS;
    }
    return DYS_OK;
}

static void set_reason(dys_lbbb_result *m, int idx, const char *fmt, const char *arg)
{
    char *w = m->reason[idx - DYS_IDX_SRS_SEPT];
    snprintf(w, sizeof m->reason[0], fmt, arg);
}

/* "basal_inferoseptal missing, apical_inferoseptal not in the study" */
static void list_wall(const dys_result *r, const int wall[3], const double *v, char *out,
                      size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int j = 0; j < 3 && n < cap; j++) {
        const dys_segment_result *g = &r->seg[wall[j]];
        if (g->status == DYS_SEG_OK && isfinite(v[wall[j]]))
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s%s %s", n ? ", " : "",
                              dys_segment_name(wall[j]),
                              g->status != DYS_SEG_OK ? (g->reason[0] ? g->reason
                                                                      : dys_seg_status_name(g->status))
                                                      : "not measured");
    }
}

/* The mean of a wall's per-segment values, 2 of 3 needed. */
static void wall_mean(dys_lbbb_result *m, const dys_result *r, int idx, const int wall[3],
                      const double *v)
{
    double sum = 0;
    int n = 0;
    for (int j = 0; j < 3; j++)
        if (r->seg[wall[j]].status == DYS_SEG_OK && isfinite(v[wall[j]])) {
            sum += v[wall[j]];
            n++;
        }
    if (n >= 2) {
        m->value[idx - DYS_IDX_SRS_SEPT] = sum / n;
        m->reason[idx - DYS_IDX_SRS_SEPT][0] = '\0';
        return;
    }
    char list[240];
    list_wall(r, wall, v, list, sizeof list);
    snprintf(m->reason[idx - DYS_IDX_SRS_SEPT], sizeof m->reason[0],
             "%d of 3 segments usable (needs 2): %.240s", n, list);
}

/* The walls' curves, beat by beat, from the wall segments that share the
 * recording of the first usable one of each wall; the pattern's and the
 * flash's quantities averaged over the beats. */
static void walls(dys_lbbb_result *m, const dys_result *r, sampled sm[DYS_N_SEGMENTS],
                  double *sept, double *lat)
{
    int rec = -1, ns = 0, nl = 0;
    for (int j = 0; j < 3 && rec < 0; j++)
        if (sm[septal[j]].nb)
            rec = sm[septal[j]].rec;
    const int pat = DYS_IDX_LBBB_PATTERN - DYS_IDX_SRS_SEPT;
    const int fl = DYS_IDX_SEPTAL_FLASH - DYS_IDX_SRS_SEPT;
    for (int j = 0; j < 3; j++) {
        ns += sm[septal[j]].nb && sm[septal[j]].rec == rec;
        nl += sm[lateral[j]].nb && sm[lateral[j]].rec == rec;
    }
    char list[240];
    if (ns < 2) {
        list_wall(r, septal, r->lbbb_markers.seg_rebound_stretch_pct, list, sizeof list);
        snprintf(m->reason[fl], sizeof m->reason[0],
                 "%d of 3 segments usable (needs 2): %.240s", ns, list);
        memcpy(m->reason[pat], m->reason[fl], sizeof m->reason[0]);
        return;
    }
    if (nl < 2) {
        list_wall(r, lateral, r->lbbb_markers.seg_prestretch_pct, list, sizeof list);
        if (list[0])
            snprintf(m->reason[pat], sizeof m->reason[0],
                     "%d of 3 segments usable (needs 2): %.240s", nl, list);
        else /* measured, but in another file: not the septum's beat */
            snprintf(m->reason[pat], sizeof m->reason[0],
                     "the lateral wall is not in the recording of the septum (%.180s): the "
                     "pattern compares the walls within one beat", r->rec[rec].source);
    }
    m->rec = rec;
    const sampled *any = NULL;
    for (int j = 0; j < 3 && !any; j++)
        if (sm[septal[j]].nb && sm[septal[j]].rec == rec)
            any = &sm[septal[j]];
    m->avo_ms = any->avo;
    m->avc_ms = any->avc;
    /* the segments of one recording share its beats, but a segment may
     * lack one (its curve ends early): a beat counts when every wall
     * segment used has it, found by its onset */
    const sampled *use[6];
    int nu = 0;
    for (int j = 0; j < 3; j++) {
        if (sm[septal[j]].nb && sm[septal[j]].rec == rec)
            use[nu++] = &sm[septal[j]];
    }
    int n_sept = nu;
    for (int j = 0; j < 3 && nl >= 2; j++)
        if (sm[lateral[j]].nb && sm[lateral[j]].rec == rec)
            use[nu++] = &sm[lateral[j]];
    double acc[8] = {0};
    int nb = 0;
    for (size_t bt = 0; bt < any->nb; bt++) {
        size_t row[6], len = any->cap;
        int all = 1;
        for (int u = 0; u < nu && all; u++) {
            size_t q = 0;
            while (q < use[u]->nb && use[u]->onset[q] != any->onset[bt])
                q++;
            all = q < use[u]->nb;
            row[u] = q;
            if (all && use[u]->len[q] < len)
                len = use[u]->len[q];
        }
        if (!all)
            continue;
        for (size_t i = 0; i < len; i++) {
            double ss = 0, sl = 0;
            for (int u = 0; u < nu; u++) {
                double x = use[u]->x[row[u] * use[u]->cap + i];
                if (u < n_sept)
                    ss += x;
                else
                    sl += x;
            }
            sept[i] = ss / n_sept;
            lat[i] = nu > n_sept ? sl / (nu - n_sept) : sept[i];
        }
        dys_lbbb_walls w;
        dys_lbbb_walls_beat(sept, lat, len, DYS_LBBB_STEP_MS, any->avo, any->avc, &w);
        const double v[8] = {w.early_end_ms, w.sept_early_shortening_pct,
                             w.lat_early_stretch_pct, w.sept_peak_ms, w.lat_peak_ms,
                             w.flash_shortening_pct, w.flash_relengthening_pct,
                             w.flash_time_ms};
        for (int e = 0; e < 8; e++)
            acc[e] += v[e];
        nb++;
    }
    if (nb == 0) {
        snprintf(m->reason[fl], sizeof m->reason[0],
                 "no beat that every septal and lateral segment covers");
        memcpy(m->reason[pat], m->reason[fl], sizeof m->reason[0]);
        return;
    }
    m->n_beats = nb;
    m->early_end_ms = acc[0] / nb;
    m->sept_early_shortening_pct = acc[1] / nb;
    m->sept_peak_ms = acc[3] / nb;
    m->flash_shortening_pct = acc[5] / nb;
    m->flash_relengthening_pct = acc[6] / nb;
    m->flash_time_ms = acc[7] / nb;
    if (nl >= 2) {
        m->lat_early_stretch_pct = acc[2] / nb;
        m->lat_peak_ms = acc[4] / nb;
    }
}

static void result_init(dys_lbbb_result *m)
{
    memset(m, 0, sizeof *m);
    m->rec = -1;
    m->avo_ms = m->avc_ms = NAN;
    for (int j = 0; j < DYS_N_LBBB; j++)
        m->value[j] = NAN;
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        m->seg_rebound_stretch_pct[k] = m->seg_prestretch_pct[k] =
            m->seg_strain_delay_pct[k] = NAN;
    for (int c = 0; c < 3; c++)
        m->criterion[c] = -1;
    m->early_end_ms = m->sept_early_shortening_pct = m->lat_early_stretch_pct = NAN;
    m->sept_peak_ms = m->sept_peak_ejection_pct = m->lat_peak_ms = NAN;
    m->flash_shortening_pct = m->flash_relengthening_pct = m->flash_time_ms = NAN;
}

dys_status dys_lbbb_analyze(dys_ctx *ctx, const dys_study *s, const dys_params *p,
                            dys_result *r, const dys_strain_curves *cv)
{
    dys_lbbb_result *m = &r->lbbb_markers;
    result_init(m);
    /* the catalogue says why for a velocity study and for indices not
     * asked for; nothing is measured then */
    if (r->trace != DYS_TRACE_STRAIN || !dys_wants_family(p, "lbbb"))
        return DYS_OK;
    m->computed = 1;
    if (r->strain_direction != DYS_STRAIN_LONGITUDINAL) {
        for (int i = DYS_IDX_SRS_SEPT; i <= DYS_IDX_SEPTAL_FLASH; i++)
            set_reason(m, i, "%s", "the markers are of longitudinal strain: the study holds "
                                   "circumferential strain (a short-axis ring)");
        return DYS_OK;
    }
    sampled sm[DYS_N_SEGMENTS];
    memset(sm, 0, sizeof sm);
    dys_status st = DYS_OK;
    for (int k = 0; k < DYS_N_SEGMENTS && st == DYS_OK; k++) {
        const dys_segment_result *g = &r->seg[k];
        /* an ok segment has its curve (strain.c conditioned it); the
         * check only guards the pairing of curve and recording */
        if (g->status != DYS_SEG_OK || g->rec < 0 || (size_t)g->rec >= s->n_rec ||
            !s->rec[g->rec].seg[k] || !cv->has[k] || cv->rec[k] != g->rec)
            continue;
        char why[160];
        st = sample_segment(ctx, s, r, &cv->curve[k], k, &sm[k], why, sizeof why);
        if (st == DYS_ERR_ANALYSIS) {
            st = DYS_OK; /* this segment stays unmeasured */
            continue;
        }
        if (st != DYS_OK)
            break;
        double sum[3] = {0, 0, 0};
        for (size_t b = 0; b < sm[k].nb; b++) {
            dys_lbbb_seg_beat sb;
            dys_lbbb_segment_beat(sm[k].x + b * sm[k].cap, sm[k].len[b], DYS_LBBB_STEP_MS,
                                  sm[k].avo, sm[k].avc, &sb);
            sum[0] += sb.rebound_stretch;
            sum[1] += sb.prestretch;
            sum[2] += sb.strain_delay;
        }
        m->seg_rebound_stretch_pct[k] = sum[0] / (double)sm[k].nb;
        m->seg_prestretch_pct[k] = sum[1] / (double)sm[k].nb;
        m->seg_strain_delay_pct[k] = sum[2] / (double)sm[k].nb;
        /* only the walls' curves are needed past this point */
        int wall = 0;
        for (int j = 0; j < 3; j++)
            wall |= k == septal[j] || k == lateral[j];
        if (!wall)
            sampled_free(&sm[k]);
    }
    if (st == DYS_OK) {
        wall_mean(m, r, DYS_IDX_SRS_SEPT, septal, m->seg_rebound_stretch_pct);
        wall_mean(m, r, DYS_IDX_LW_PRESTRETCH, lateral, m->seg_prestretch_pct);
        const int srs = 0, lw = DYS_IDX_LW_PRESTRETCH - DYS_IDX_SRS_SEPT;
        const int ssi = DYS_IDX_SSI - DYS_IDX_SRS_SEPT;
        m->value[ssi] = m->value[srs] + m->value[lw];
        if (isnan(m->value[ssi])) {
            char part[sizeof m->reason[0]];
            memcpy(part, m->reason[isnan(m->value[srs]) ? srs : lw], sizeof part);
            snprintf(m->reason[ssi], sizeof m->reason[0], "%s is null: %.250s",
                     isnan(m->value[srs]) ? "srs_sept_pct" : "lw_prestretch_pct", part);
        }
        /* the walls' curves of one beat: 2 x 24 KB, not on a batch
         * thread's stack */
        double *w = malloc(2 * CYCLE_SAMPLES * sizeof *w);
        if (!w)
            st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        else
            walls(m, r, sm, w, w + CYCLE_SAMPLES);
        free(w);
        dys_lbbb_decide(m);
    }
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        sampled_free(&sm[k]);
    return st;
}
