/*
 * plausible.c - a result is never silently wrong: input values that no
 * heart produces are named, never measured as if real.
 *
 * Runs once every file of a study is read and converted to engine units
 * (ms, cm/s, %), because the velocity unit may be declared in any view
 * file; vendor-neutral, so the CSV and EchoPAC readers are both covered.
 * In this order, per recording (file):
 *
 *  1. The time unit.  Seconds under a ms header make frames 0.01-0.02 ms
 *     apart, ms under a seconds header 10-20 s apart; no echo machine
 *     records either (tissue Doppler runs at 40-500 frames/s).  Certainly
 *     wrong (a frame every < 0.1 ms or > 1 s; the median interval, so a
 *     jittered clock or a gap cannot decide it): refused at the time's header cell.  Likely
 *     (> 1000 or < 10 frames/s): a warning.
 *  2. The value unit, from each segment's largest |value| after a running
 *     median of 3 (so one spike cannot decide it), and the median of that
 *     over the file's segments (so one bad segment cannot either).
 *     Velocity: normal peak S' is 5-12 cm/s and e' up to about 20 cm/s
 *     (Dalen et al., Circ Cardiovasc Imaging 2010;3:614, the HUNT study's
 *     healthy adults; Nagueh et al., J Am Soc Echocardiogr 2016;29:277,
 *     ASE/EACVI diastolic guidelines), the isovolumic
 *     spike of the same order; a curve's largest |v| over a cycle is
 *     therefore 3-25 cm/s even in heart failure.  Below 0.3 cm/s the
 *     values are certainly m/s read as cm/s (refused), below 1 cm/s
 *     likely so (warned, and LOW_AMPLITUDE follows); above 50 cm/s they
 *     are certainly mm/s (refused: every sample would be beyond the limit
 *     of 3.), above 30 likely (warned).  Strain: normal peak longitudinal
 *     strain is -16 to -22 % (Yingchoncharoen et al., J Am Soc
 *     Echocardiogr 2013;26:185, meta-analysis: -19.7 %); when no segment
 *     reaches 1 % the values are fractions, not percent (refused: the
 *     timing would survive, every strain value would be 100x off).
 *  3. Impossible samples: |v| > 50 cm/s (twice the largest velocity of
 *     the references above: athletes' e' reaches 20-25 cm/s; tissue
 *     Doppler velocity scales stop at about +-30 cm/s), |strain| > 100 %
 *     (a segment cannot shorten to nothing or double its length).
 *     Dropped as missing (NAN) and named.
 *  4. Isolated spikes (a Hampel filter, Hampel 1974; Pearson 2002): a
 *     sample is a spike when (a) it departs from the median of the 7
 *     samples around it by more than 6 x 1.4826 x their MAD (the MAD
 *     scaled to a normal SD), (b) it stands alone: both neighbours stay
 *     within half that departure of the median, and (c) the departure
 *     exceeds both 3 times the curve's own largest |value| after a
 *     running median of 3 and 20 cm/s (20 % for strain).  (a) and (b)
 *     alone flag real sharp peaks: at 40-60 frames/s an isovolumic spike
 *     (a septal flash) or a sharp S' is one sample wide, and a septal
 *     flash may be twice S'.  Measured (docs/robustness.md, "Silent
 *     errors"): over the bundled studies, a real EchoPAC strain export
 *     (not redistributable) and about 6,000 studies of dyssync synth at 40-250
 *     frames/s with noise 0-1 cm/s, samples passing (a) and (b) departed
 *     up to 2.7 times their curve's amplitude and up to 17 cm/s (40
 *     frames/s, septal flashes), but none reached more than 0.65 of both
 *     bounds at once, which a false alarm needs.  A slipped decimal point
 *     (4.2 -> 42 cm/s) still departs 4-5 times, a dropout to full scale
 *     far more.
 *
 * Curves the engine computed itself (a contour's strain or velocity,
 * dys_reader.derived_curves) skip 1. and 2.: their units are the
 * engine's, never the file's; 3. and 4. apply, naming the frame's line.
 *
 * Each dropped sample is named with file:line:column (the first few per
 * file, then a count per segment, so a broken file does not flood the
 * report) and counted in rec->n_dropped, which dys_analyze turns into an
 * indeterminate segment beyond 5 % of its samples.
 */
#include "study_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VELOCITY_LIMIT_CM_S 50.0
#define STRAIN_LIMIT_PCT 100.0
#define HAMPEL_HALF 3        /* window of 7 samples */
#define HAMPEL_K 6.0         /* in MAD-based SDs */
#define MAD_TO_SD 1.4826     /* 1 / Phi^-1(3/4): MAD of a normal -> its SD */
#define SPIKE_AMPLITUDE 3.0  /* departure / the curve's largest |value| */
#define SPIKE_FLOOR 20.0     /* departure, cm/s or % */
#define N_NAMED 3            /* samples named one by one per file */
/* Fewer samples say nothing of a curve's amplitude, hence of its unit
 * (10 frames are 40-250 ms, less than a systole). */
#define MIN_UNIT_SAMPLES 10

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (n >= 1), reordering v. */
static double median(double *v, size_t n)
{
    if (n <= 9) { /* the windows: insertion sort */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
                double t = v[j];
                v[j] = v[j - 1];
                v[j - 1] = t;
            }
    } else {
        qsort(v, n, sizeof *v, cmp_double);
    }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Of finite values (finite_index's): comparisons, not libm's NAN-aware
 * fmin and fmax, which are calls (3 % of a --indices ts batch).  Only the
 * sign of a zero could differ, and amplitude reads |value|. */
static double median3(double a, double b, double c)
{
    double lo = a < b ? a : b, hi = a < b ? b : a, m = hi < c ? hi : c;
    return lo > m ? lo : m;
}

/* The curve's largest |value| after a running median of 3 over its
 * finite samples (idx[0..m)), so that no single sample sets it; *at
 * receives the sample index where it stands.  0 when m == 0. */
static double amplitude(const double *x, const size_t *idx, size_t m, size_t *at)
{
    double a = 0;
    *at = m ? idx[0] : 0;
    for (size_t j = 0; j < m; j++) {
        /* the ends take the median of the three nearest samples, so a
         * spike in the first or last frame cannot set the amplitude */
        size_t c = m < 3 ? j : j == 0 ? 1 : j + 1 == m ? m - 2 : j;
        double v = m < 3 ? x[idx[j]]
                         : median3(x[idx[c - 1]], x[idx[c]], x[idx[c + 1]]);
        if (fabs(v) > a) {
            a = fabs(v);
            *at = idx[j];
        }
    }
    return a;
}

/* Indices of the finite samples of x[0..n) into idx; returns their count. */
static size_t finite_index(const double *x, size_t n, size_t *idx)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            idx[m++] = i;
    return m;
}

/* Text column of sample i of segment k, 1 when the reader noted none. */
static int col_of(const dys_reader *w, int k, size_t i)
{
    return i < w->cell_col[k].n ? w->cell_col[k].v[i] : 1;
}

static int line_of(const dys_reader *w, size_t i)
{
    return i < w->row_line.n ? w->row_line.v[i] : 0;
}

/* 1. Seconds under a ms header and the reverse. */
static dys_status check_time(dys_ctx *ctx, dys_study *s, const dys_recording *rec,
                             const dys_reader *w)
{
    size_t n = rec->n;
    if (n < 2)
        return DYS_OK;
    double *d = malloc((n - 1) * sizeof *d);
    if (!d)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    for (size_t i = 1; i < n; i++)
        d[i - 1] = rec->t_ms[i] - rec->t_ms[i - 1];
    double dt = median(d, n - 1);
    free(d);
    int csv = rec->format && !strcmp(rec->format, "csv");
    const char *as_s = csv ? "time_s or 'time (s)' as the first column's name"
                           : "'Time (s)' in the column header";
    const char *as_ms = csv ? "time_ms or 'time (ms)' as the first column's name"
                            : "'Time (ms)' in the column header";
    if (dt < 0.1)
        return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                        "%s:%d:%d: the times run from %g to %g ms over %zu rows, a "
                        "frame every %.3g ms (%.0f frames/s): no echo records so "
                        "fast, so these are seconds read as ms: "
                        "expected %s", rec->source, w->header_line, w->time_col,
                        rec->t_ms[0], rec->t_ms[n - 1], n, dt, 1000.0 / dt, as_s);
    if (dt > 1000.0)
        return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                        "%s:%d:%d: a frame every %.4g ms (%.3g frames/s): no echo "
                        "records so slowly, so these are ms read as seconds: "
                        "expected %s", rec->source, w->header_line, w->time_col,
                        dt, 1000.0 / dt, as_ms);
    if (dt < 1.0)
        return dys_strlist_add(&s->warnings, &s->n_warnings,
                               "%s:%d:%d: a frame every %.3g ms (%.0f frames/s) is "
                               "faster than tissue Doppler records: if the times "
                               "are seconds, the header should say %s",
                               rec->source, w->header_line, w->time_col, dt,
                               1000.0 / dt, as_s);
    if (dt > 100.0)
        return dys_strlist_add(&s->warnings, &s->n_warnings,
                               "%s:%d:%d: a frame every %.4g ms (%.3g frames/s) is "
                               "slower than any echo records: if the times are ms, "
                               "the header should say %s", rec->source,
                               w->header_line, w->time_col, dt, 1000.0 / dt, as_ms);
    return DYS_OK;
}

/* The declared velocity unit ("cm/s" when none is). */
static const char *declared_unit(const dys_study *s)
{
    for (size_t i = 0; i < s->n_meta; i++)
        if (!strcmp(s->meta[i].key, "velocity_unit"))
            return s->meta[i].value;
    return "cm/s";
}

/* 2. The value unit of one recording. */
static dys_status check_unit(dys_ctx *ctx, dys_study *s, const dys_recording *rec,
                             const dys_reader *w, size_t *idx)
{
    double amp[DYS_N_SEGMENTS], sorted[DYS_N_SEGMENTS];
    size_t at[DYS_N_SEGMENTS];
    int seg_of[DYS_N_SEGMENTS], m = 0;
    /* The apex barely moves (apical velocities a few cm/s where the base's
     * reach 5-12): the velocity unit is judged on the basal and mid
     * segments when the file has any, so that apical columns neither pull
     * the median towards "m/s read as cm/s" nor change the verdict on a
     * file that had them all along; a file of apical segments alone is
     * judged on them. */
    int basal_mid = 0;
    for (int k = 0; k < DYS_N_SEGMENTS_12; k++)
        basal_mid |= rec->seg[k] != NULL;
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        if (!rec->seg[k] || (basal_mid && k >= DYS_N_SEGMENTS_12))
            continue;
        size_t nf = finite_index(rec->seg[k], rec->n, idx);
        if (nf < MIN_UNIT_SAMPLES)
            continue;
        amp[m] = amplitude(rec->seg[k], idx, nf, &at[m]);
        sorted[m] = amp[m];
        seg_of[m++] = k;
    }
    if (m == 0)
        return DYS_OK;
    double p = median(sorted, (size_t)m);
    /* The segment whose amplitude is (nearest) the median: where to point. */
    int j = 0;
    for (int i = 1; i < m; i++)
        if (fabs(amp[i] - p) < fabs(amp[j] - p))
            j = i;
    int k = seg_of[j];
    int line = line_of(w, at[j]), col = col_of(w, k, at[j]);
    int csv = rec->format && !strcmp(rec->format, "csv");

    if (s->trace == DYS_TRACE_STRAIN) {
        double top = 0;
        for (int i = 0; i < m; i++)
            top = fmax(top, amp[i]);
        int jt = 0;
        for (int i = 1; i < m; i++)
            if (amp[i] > amp[jt])
                jt = i;
        if (top < 1.0)
            return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                            "%s:%d:%d: no segment's strain reaches 1 %% (the largest "
                            "|strain| is %.3g %%, %s): peak longitudinal strain is "
                            "-16 to -22 %% in health, so these are fractions: "
                            "expected percent (multiply the values by 100)",
                            rec->source, line_of(w, at[jt]),
                            col_of(w, seg_of[jt], at[jt]), top,
                            dys_segment_name(seg_of[jt]));
        return DYS_OK;
    }
    /* Which unit would make the values plausible: the one that brings
     * the median amplitude nearest 8 cm/s, the middle of 3-25. */
    static const char *const units[] = {"cm/s", "mm/s", "m/s"};
    static const double scale[] = {1.0, 0.1, 100.0};
    const char *decl = declared_unit(s);
    double dscale = !strcmp(decl, "mm/s") ? 0.1 : !strcmp(decl, "m/s") ? 100.0 : 1.0;
    int best = 0;
    for (int u = 1; u < 3; u++)
        if (fabs(log(p / dscale * scale[u] / 8.0)) <
            fabs(log(p / dscale * scale[best] / 8.0)))
            best = u;
    char hint[96];
    if (csv)
        snprintf(hint, sizeof hint, "'# velocity_unit: %s'", units[best]);
    else
        snprintf(hint, sizeof hint, "'V in %s' on the export's first line",
                 units[best]);
    /* Refused only when another unit makes the values plausible: values
     * no unit explains (1e300 in every segment) are not a unit mistake;
     * beyond the limit they are dropped and named below. */
    double as_best = p / dscale * scale[best];
    if ((p < 0.3 || p > VELOCITY_LIMIT_CM_S) && as_best >= 1.0 && as_best <= 30.0)
        return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                        "%s:%d:%d: velocities peak at %.3g cm/s (read as %s; the "
                        "median over %d segment%s of each one's largest |v|, here "
                        "%s): myocardial velocities peak at 3-25 cm/s, so these are "
                        "%s: expected %s", rec->source, line, col, p, decl, m,
                        m == 1 ? "" : "s", dys_segment_name(k), units[best], hint);
    if (p < 1.0 || (p > 30.0 && p <= VELOCITY_LIMIT_CM_S))
        return dys_strlist_add(&s->warnings, &s->n_warnings,
                               "%s:%d:%d: velocities peak at %.3g cm/s (read as %s; "
                               "the median over %d segment%s of each one's largest "
                               "|v|): myocardial velocities peak at 3-25 cm/s; if "
                               "the values are %s, the file should say %s",
                               rec->source, line, col, p, decl, m, m == 1 ? "" : "s",
                               units[best], hint);
    return DYS_OK;
}

/* What was dropped in one file, for its messages. */
typedef struct {
    size_t total;
    size_t per_seg[DYS_N_SEGMENTS];
} drops;

static dys_status name_drop(dys_study *s, const dys_recording *rec,
                            const dys_reader *w, drops *d, int k, size_t i,
                            double x, double med, double amp)
{
    d->total++;
    d->per_seg[k]++;
    if (d->total > N_NAMED)
        return DYS_OK;
    const char *unit = s->trace == DYS_TRACE_STRAIN ? "%" : "cm/s";
    if (isnan(med))
        return dys_strlist_add(&s->warnings, &s->n_warnings,
                               "%s:%d:%d: %s sample %.4g %s is beyond the "
                               "physiological limit of +-%g %s: dropped as a missing "
                               "sample", rec->source, line_of(w, i), col_of(w, k, i),
                               dys_segment_name(k), x, unit,
                               s->trace == DYS_TRACE_STRAIN ? STRAIN_LIMIT_PCT
                                                            : VELOCITY_LIMIT_CM_S,
                               unit);
    return dys_strlist_add(&s->warnings, &s->n_warnings,
                           "%s:%d:%d: %s sample %.4g %s is an isolated spike (the "
                           "samples around it have a median of %.3g %s, the curve's "
                           "largest value is %.3g %s): dropped as a missing sample",
                           rec->source, line_of(w, i), col_of(w, k, i),
                           dys_segment_name(k), x, unit, med, unit, amp, unit);
}

/* 3. and 4. for one segment column. */
static dys_status drop_samples(dys_study *s, dys_recording *rec, const dys_reader *w,
                               int k, size_t *idx, drops *d)
{
    double *x = rec->seg[k];
    double limit = s->trace == DYS_TRACE_STRAIN ? STRAIN_LIMIT_PCT : VELOCITY_LIMIT_CM_S;
    dys_status st = DYS_OK;
    for (size_t i = 0; i < rec->n && st == DYS_OK; i++)
        if (isfinite(x[i]) && fabs(x[i]) > limit) {
            st = name_drop(s, rec, w, d, k, i, x[i], NAN, NAN);
            x[i] = NAN;
            rec->n_dropped[k]++;
        }
    size_t m = finite_index(x, rec->n, idx);
    if (st != DYS_OK || m < 2 * HAMPEL_HALF + 1)
        return st;
    size_t at;
    double amp = amplitude(x, idx, m, &at);
    /* Decide on the original samples, then drop: a spike must not change
     * its neighbours' windows. */
    unsigned char *spike = calloc(m, 1);
    if (!spike)
        return DYS_ERR_NOMEM;
    double *med_of = malloc(m * sizeof *med_of);
    if (!med_of) {
        free(spike);
        return DYS_ERR_NOMEM;
    }
    /* A departure can only pass the two size tests below when it does
     * against some sample of its window, since the window's median lies
     * between its smallest and largest: where none is that far from x_j,
     * the two medians (a third of a batch's time) cannot make a spike and
     * are not taken.  The same decisions, sample for sample. */
    const double need = fmax(SPIKE_AMPLITUDE * amp, SPIKE_FLOOR);
    for (size_t j = 0; j < m; j++) {
        size_t lo = j >= HAMPEL_HALF ? j - HAMPEL_HALF : 0;
        size_t hi = j + HAMPEL_HALF < m ? j + HAMPEL_HALF : m - 1;
        double win[2 * HAMPEL_HALF + 1], dev[2 * HAMPEL_HALF + 1];
        size_t nw = 0;
        double far = 0, xj = x[idx[j]];
        for (size_t q = lo; q <= hi; q++) {
            win[nw++] = x[idx[q]];
            double d = fabs(xj - x[idx[q]]); /* finite: no fmax call needed */
            far = d > far ? d : far;
        }
        if (far <= need)
            continue;
        double med = median(win, nw);
        for (size_t q = 0; q < nw; q++)
            dev[q] = fabs(win[q] - med);
        double mad = median(dev, nw);
        double dj = fabs(x[idx[j]] - med);
        med_of[j] = med;
        if (!(dj > HAMPEL_K * MAD_TO_SD * mad && dj > SPIKE_AMPLITUDE * amp &&
              dj > SPIKE_FLOOR))
            continue;
        if ((j > 0 && fabs(x[idx[j - 1]] - med) >= 0.5 * dj) ||
            (j + 1 < m && fabs(x[idx[j + 1]] - med) >= 0.5 * dj))
            continue; /* not alone: a wave, however sharp */
        spike[j] = 1;
    }
    for (size_t j = 0; j < m && st == DYS_OK; j++)
        if (spike[j]) {
            st = name_drop(s, rec, w, d, k, idx[j], x[idx[j]], med_of[j], amp);
            x[idx[j]] = NAN;
            rec->n_dropped[k]++;
        }
    free(spike);
    free(med_of);
    return st;
}

/* A contour's global strain is the same frames' whole wall: a frame
 * whose sample was dropped in a segment (an impossible strain, a spike:
 * a tracking glitch in that frame) is not trusted for the whole wall
 * either, nor is a global value beyond the limit, so that the global
 * peak is never read off a glitch.  Contour curves have no missing
 * sample of their own, so a NAN in a segment is a dropped one; the
 * segments' warnings have named the frames. */
static void distrust_global(dys_recording *rec)
{
    for (size_t i = 0; i < rec->n; i++) {
        int bad = !(fabs(rec->global_strain_pct[i]) <= STRAIN_LIMIT_PCT);
        for (int k = 0; k < DYS_N_SEGMENTS && !bad; k++)
            bad = rec->seg[k] && isnan(rec->seg[k][i]);
        if (bad)
            rec->global_strain_pct[i] = NAN;
    }
}

dys_status dys_check_plausible(dys_ctx *ctx, dys_study *s, const dys_reader *where,
                               size_t n)
{
    for (size_t r = 0; r < n && r < s->n_rec; r++) {
        dys_recording *rec = &s->rec[r];
        const dys_reader *w = &where[r];
        /* curves the engine computed (contours) have no unit to mistake */
        dys_status st = w->derived_curves ? DYS_OK : check_time(ctx, s, rec, w);
        if (st != DYS_OK)
            return st == DYS_ERR_NOMEM && !ctx->errmsg[0]
                       ? dys_fail(ctx, st, "out of memory") : st;
        size_t *idx = malloc((rec->n ? rec->n : 1) * sizeof *idx);
        if (!idx)
            return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        st = w->derived_curves ? DYS_OK : check_unit(ctx, s, rec, w, idx);
        drops d;
        memset(&d, 0, sizeof d);
        for (int k = 0; k < DYS_N_SEGMENTS && st == DYS_OK; k++)
            if (rec->seg[k])
                st = drop_samples(s, rec, w, k, idx, &d);
        free(idx);
        if (st == DYS_OK && d.total > N_NAMED) {
            char list[400];
            size_t len = 0;
            list[0] = '\0';
            for (int k = 0; k < DYS_N_SEGMENTS && len < sizeof list; k++)
                if (d.per_seg[k])
                    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s %zu",
                                            len ? ", " : "", dys_segment_name(k),
                                            d.per_seg[k]);
            st = dys_strlist_add(&s->warnings, &s->n_warnings,
                                 "%s: %zu more samples dropped as impossible or "
                                 "isolated spikes, %zu in all (%s); the first %d "
                                 "are named above", rec->source, d.total - N_NAMED,
                                 d.total, list, N_NAMED);
        }
        if (st == DYS_OK && rec->global_strain_pct)
            distrust_global(rec);
        if (st == DYS_ERR_NOMEM)
            return dys_fail(ctx, st, "out of memory");
        if (st != DYS_OK)
            return st;
    }
    return DYS_OK;
}
