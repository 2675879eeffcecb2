/*
 * test_work.c - myocardial work (engine/work.c) and GE EchoPAC's
 * myocardial-work workbook (engine/io/read_workbook.c).
 *
 * What is known exactly:
 *  - the integral of -P d(strain) when both are linear between samples:
 *    linear strain ramps under a linear or constant pressure, sampled on
 *    two unrelated clocks (strain every 15.6 ms, pressure every 10.77 ms,
 *    as EchoPAC's file has them), have closed-form work;
 *  - synthetic workbooks written here in EchoPAC's layout at 50, 75 and
 *    110 bpm: 18 segments whose strain is linear in each phase (a normal
 *    one, a dyskinetic one that lengthens in systole and shortens in
 *    relaxation, a post-systolic one that shortens on after AVC) under a
 *    plateau pressure that falls linearly through relaxation, so each
 *    segment's work index, constructive and wasted work are closed forms
 *    and the globals their means;
 *  - the same workbook without its pressure: the work under the reference
 *    curve, integrated here on its own (Simpson, 20,000 steps), scaled to
 *    the cuff pressure and stretched to the events;
 *  - the export's own work curves written from the closed forms with
 *    EchoPAC's stamping (a step's sum at the step's middle): dyssync's
 *    curves must agree;
 *  - every refusal of the reader: truncated XML, a missing sheet, a row
 *    of another length, a non-number, a DOCTYPE, another root, ..., each
 *    with file:line:column, the sheet and the cell.
 * The sample workbook of GE EchoPAC (no licence to copy it) was checked
 * by hand; docs/format.md and docs/indices.md give those numbers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "study_internal.h"
#include "work.h"

#include "check_main.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char g_root[256];

/* ---- a growable string ------------------------------------------------- */

typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        ck_assert_int_ge(k, 0);
        if (b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        b->cap = (b->cap + (size_t)k + 1) * 2;
        b->s = realloc(b->s, b->cap);
        ck_assert_ptr_nonnull(b->s);
        if (b->n == 0)
            b->s[0] = '\0';
    }
}

/* Replace the first occurrence of from (must be there) by to. */
static char *replace1(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    ck_assert_msg(at != NULL, "'%s' not in the workbook", from);
    size_t a = (size_t)(at - s), lf = strlen(from), lt = strlen(to), n = strlen(s);
    char *o = malloc(n - lf + lt + 1);
    ck_assert_ptr_nonnull(o);
    memcpy(o, s, a);
    memcpy(o + a, to, lt);
    memcpy(o + a + lt, s + a + lf, n - a - lf + 1);
    return o;
}

static char *write_file(const char *name, const char *text)
{
    char *p = dys_asprintf("%s/%s", g_root, name);
    ck_assert_ptr_nonnull(p);
    FILE *f = fopen(p, "wb");
    ck_assert_msg(f != NULL, "%s: %s", p, strerror(errno));
    fputs(text, f);
    fclose(f);
    return p;
}

/* ---- exact work of piecewise-linear curves, independently -------------- */

/* A piecewise-linear curve by its knots. */
typedef struct {
    double t[8], y[8];
    int n;
} pl;

static double pl_at(const pl *c, double x)
{
    if (x <= c->t[0])
        return c->y[0];
    for (int i = 1; i < c->n; i++)
        if (x <= c->t[i])
            return c->y[i - 1] + (c->y[i] - c->y[i - 1]) * (x - c->t[i - 1]) /
                                     (c->t[i] - c->t[i - 1]);
    return c->y[c->n - 1];
}

/* -integral over [a, b] of P d(strain), by Simpson's rule on each piece
 * between the two curves' knots (the integrand P x strain' is linear
 * there, so Simpson is exact): another formula than the engine's. */
static double exact_work(const pl *e, const pl *p, double a, double b)
{
    double cut[20];
    int n = 0;
    cut[n++] = a;
    for (int i = 0; i < e->n; i++)
        if (e->t[i] > a && e->t[i] < b)
            cut[n++] = e->t[i];
    for (int i = 0; i < p->n; i++)
        if (p->t[i] > a && p->t[i] < b)
            cut[n++] = p->t[i];
    cut[n++] = b;
    for (int i = 1; i < n; i++) /* insertion sort */
        for (int j = i; j > 0 && cut[j - 1] > cut[j]; j--) {
            double t = cut[j];
            cut[j] = cut[j - 1];
            cut[j - 1] = t;
        }
    double w = 0;
    for (int i = 0; i + 1 < n; i++) {
        double x0 = cut[i], x1 = cut[i + 1];
        if (x1 <= x0)
            continue;
        double slope = (pl_at(e, x1) - pl_at(e, x0)) / (x1 - x0), m = 0.5 * (x0 + x1);
        w -= slope * (x1 - x0) / 6.0 * (pl_at(p, x0) + 4 * pl_at(p, m) + pl_at(p, x1));
    }
    return w;
}

/* ---- the pure functions ---------------------------------------------------- */

START_TEST(t_between_closed_form)
{
    /* strain: 0 until 50 ms, -20 % at 350 ms (linear), back to -10 % at
     * 450 ms; pressure: 10 mmHg at 0, 130 at 250, 30 at 450 (linear).
     * Sampled on unrelated clocks, with the kinks on samples. */
    pl e = {{0, 50, 350, 450, 1000}, {0, 0, -20, -10, 0}, 5};
    pl p = {{-70, 0, 250, 450, 1000}, {10, 10, 130, 30, 30}, 5};
    double ts[200], es[200], tp[200], ps[200];
    size_t ns = 0, np = 0;
    for (double t = 0; t <= 1000; t += 15.625) {
        ts[ns] = t;
        es[ns++] = pl_at(&e, t);
    }
    /* the kinks at 50, 350 and 450 are multiples of 15.625? no: add them */
    double kinks[3] = {50, 350, 450};
    for (int k = 0; k < 3; k++) {
        size_t i = 0;
        while (i < ns && ts[i] < kinks[k])
            i++;
        if (i < ns && ts[i] == kinks[k])
            continue;
        memmove(ts + i + 1, ts + i, (ns - i) * sizeof *ts);
        memmove(es + i + 1, es + i, (ns - i) * sizeof *es);
        ts[i] = kinks[k];
        es[i] = pl_at(&e, kinks[k]);
        ns++;
    }
    for (double t = -70; t <= 1000; t += 10.7734) {
        tp[np] = t;
        ps[np++] = pl_at(&p, t);
    }
    tp[np] = 250; /* the pressure's kinks as samples too */
    ps[np] = 130;
    /* keep tp increasing: put 250 and 450 in place */
    for (size_t i = np; i > 0 && tp[i - 1] > tp[i]; i--) {
        double a = tp[i], b = ps[i];
        tp[i] = tp[i - 1];
        ps[i] = ps[i - 1];
        tp[i - 1] = a;
        ps[i - 1] = b;
    }
    np++;
    tp[np] = 450;
    ps[np] = 30;
    for (size_t i = np; i > 0 && tp[i - 1] > tp[i]; i--) {
        double a = tp[i], b = ps[i];
        tp[i] = tp[i - 1];
        ps[i] = ps[i - 1];
        tp[i - 1] = a;
        ps[i - 1] = b;
    }
    np++;
    double sh, le;
    double w = dys_work_between(ts, es, ns, tp, ps, np, 50, 450, &sh, &le);
    /* by hand: 50..250: P 10 -> 130 is P(t) = 10 + 0.48 (t - 0); strain
     * slope -20/300; -int P de = (20/300) int_50^250 P dt = (1/15) x 200 x
     * (34 + 130) / 2 = 1093.33; 250..350: P 130 -> 80, (1/15) x 100 x 105 =
     * 700; 350..450: lengthening 10 % under P 80 -> 30: 10 x 55 = 550. */
    double want_sh = 200.0 * 82.0 / 15.0 + 700.0, want_le = 550.0;
    ck_assert_double_eq_tol(sh, want_sh, 1e-9 * want_sh);
    ck_assert_double_eq_tol(le, want_le, 1e-9 * want_le);
    ck_assert_double_eq_tol(w, want_sh - want_le, 1e-9 * want_sh);
    ck_assert_double_eq_tol(w, exact_work(&e, &p, 50, 450), 1e-9 * want_sh);
    /* any interval, any clock: the same as the exact integral */
    for (double a = 0; a < 900; a += 37.3)
        ck_assert_double_eq_tol(dys_work_between(ts, es, ns, tp, ps, np, a, a + 97.1, NULL, NULL),
                                exact_work(&e, &p, a, a + 97.1), 1e-9);
    ck_assert_double_eq(dys_work_between(ts, es, ns, tp, ps, np, 300, 300, NULL, NULL), 0);
    /* not covered: before the first sample, after the last */
    ck_assert(isnan(dys_work_between(ts, es, ns, tp, ps, np, -10, 300, NULL, NULL)));
    ck_assert(isnan(dys_work_between(ts, es, ns, tp, ps, np, 300, 1001, NULL, NULL)));
    ck_assert(isnan(dys_work_between(ts, es, ns, tp, ps, 0, 10, 300, NULL, NULL)));
    /* a missing sample on a straight stretch changes nothing */
    double saved = es[10];
    es[10] = NAN;
    ck_assert_double_eq_tol(dys_work_between(ts, es, ns, tp, ps, np, 50, 450, NULL, NULL),
                            want_sh - want_le, 1e-9 * want_sh);
    es[10] = saved;
}
END_TEST

START_TEST(t_pressure_held_outside)
{
    /* a pressure trace that stops early is held at its last value */
    double ts[3] = {0, 100, 200}, es[3] = {0, -10, -20};
    double tp[2] = {0, 50}, ps[2] = {100, 100};
    ck_assert_double_eq_tol(dys_work_between(ts, es, 3, tp, ps, 2, 0, 200, NULL, NULL), 2000,
                            1e-9);
}
END_TEST

START_TEST(t_segment_parts)
{
    /* systole 0..300: shortening 15 % then lengthening 5 %; relaxation
     * 300..400: shortening 2 % then lengthening 6 %; pressure 100 */
    double ts[6] = {0, 200, 300, 330, 400, 500}, es[6] = {0, -15, -10, -12, -6, 0};
    double tp[2] = {0, 500}, ps[2] = {100, 100};
    dys_work_events e = {0, 50, 300, 400};
    dys_work_parts w;
    char why[160];
    ck_assert_int_eq(dys_work_segment(ts, es, 6, tp, ps, 2, &e, 250, &w, why, sizeof why), 0);
    ck_assert_double_eq_tol(w.sys_shortening, 1500, 1e-9);
    ck_assert_double_eq_tol(w.sys_lengthening, 500, 1e-9);
    ck_assert_double_eq_tol(w.ivr_shortening, 200, 1e-9);
    ck_assert_double_eq_tol(w.ivr_lengthening, 600, 1e-9);
    ck_assert_double_eq_tol(w.index, 1500 - 500 + 200 - 600, 1e-9);
    ck_assert_double_eq_tol(w.constructive, 1500 + 600, 1e-9);
    ck_assert_double_eq_tol(w.wasted, 500 + 200, 1e-9);
    ck_assert_double_eq_tol(w.efficiency_pct, 100.0 * 2100 / 2800, 1e-9);
    /* a gap longer than --max-gap in MVC..MVO, and a strain that stops
     * before MVO, are refused with the reason */
    es[1] = NAN;
    ck_assert_int_eq(dys_work_segment(ts, es, 6, tp, ps, 2, &e, 250, &w, why, sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "a gap of 300 ms"));
    es[1] = -15;
    ck_assert_int_eq(dys_work_segment(ts, es, 4, tp, ps, 2, &e, 400, &w, why, sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "does not cover the cycle MVC..MVO"));
    ck_assert(isnan(w.index));
    /* flat strain: no work either way, efficiency undefined */
    double flat[6] = {0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(dys_work_segment(ts, flat, 6, tp, ps, 2, &e, 400, &w, why, sizeof why), 0);
    ck_assert_double_eq(w.index, 0);
    ck_assert(isnan(w.efficiency_pct));
}
END_TEST

START_TEST(t_reference_curve)
{
    dys_work_events e = {40, 95, 380, 470};
    ck_assert(dys_work_events_ok(&e));
    double pk = e.avo + 0.4 * (e.avc - e.avo);
    ck_assert_double_eq_tol(dys_work_reference(e.mvc, &e), 9.0 / 120, 1e-12);
    ck_assert_double_eq_tol(dys_work_reference(e.avo, &e), 80.0 / 120, 1e-12);
    ck_assert_double_eq_tol(dys_work_reference(pk, &e), 1.0, 1e-12);
    ck_assert_double_eq_tol(dys_work_reference(e.avc, &e), 100.0 / 120, 1e-12);
    ck_assert_double_eq_tol(dys_work_reference(e.mvo, &e), 9.0 / 120, 1e-12);
    ck_assert_double_eq_tol(dys_work_reference(0, &e), 9.0 / 120, 1e-12);
    ck_assert_double_eq_tol(dys_work_reference(900, &e), 9.0 / 120, 1e-12);
    /* rises to the peak, falls after it, never above 1: monotone pieces */
    double prev = dys_work_reference(e.mvc, &e);
    for (double t = e.mvc + 0.5; t <= e.mvo; t += 0.5) {
        double y = dys_work_reference(t, &e);
        ck_assert(y <= 1.0 + 1e-12);
        if (t <= pk)
            ck_assert(y >= prev - 1e-12);
        else
            ck_assert(y <= prev + 1e-12);
        prev = y;
    }
    dys_work_events bad = {40, 95, 90, 470};
    ck_assert(!dys_work_events_ok(&bad));
}
END_TEST

/* ---- synthetic workbooks in EchoPAC's layout ------------------------------ */

/* The sheets' segment names (EchoPAC's), views 2CH, 4CH, APLAX. */
static const char *const view_name[3] = {"2CH", "4CH", "APLAX"};
static const char *const seg_names[3][6] = {
    {"Basal Inferior", "Basal Anterior", "Mid Inferior", "Mid Anterior", "Apical Inferior",
     "Apical Anterior"},
    {"Basal Septal", "Basal Lateral", "Mid Septal", "Mid Lateral", "Apical Septal",
     "Apical Lateral"},
    {"Basal Anteroseptal", "Basal Posterior", "Mid Anteroseptal", "Mid Posterior",
     "Apical Anteroseptal", "Apical Posterior"}};

/* One workbook: its heart rate sets the clock (64 frames a cycle), the
 * events stand on frames 3, 7, 26 and 33. */
typedef struct {
    double hr;
    int pressure, general, segments, work; /* sheets written */
    int aplax_frames;                      /* 0: all 64 */
    double p0, p1, ped;                    /* plateau, at MVO, end-diastolic */
    double scale;                          /* strain written x this (1) */
} spec;

typedef struct {
    double rr, dt, mvc, avo, avc, mvo, end;
} clock_;

static clock_ clock_of(const spec *sp)
{
    clock_ c;
    c.rr = 60000.0 / sp->hr;
    c.dt = c.rr / 64.0;
    c.mvc = 3 * c.dt;
    c.avo = 7 * c.dt;
    c.avc = 26 * c.dt;
    c.mvo = 33 * c.dt;
    c.end = 63 * c.dt;
    return c;
}

/* Segment k's kind: the inferoseptal base and mid are dyskinetic, the
 * anterolateral base and mid shorten on after AVC, the rest normal. */
static int kind_of(int k)
{
    return k == DYS_AHA_BASAL_INFEROSEPTAL || k == DYS_AHA_MID_INFEROSEPTAL      ? 1
           : k == DYS_AHA_BASAL_ANTEROLATERAL || k == DYS_AHA_MID_ANTEROLATERAL ? 2
                                                                                  : 0;
}

/* Segment k's strain: knots at 0, MVC, AVC, MVO and the last frame. */
static pl strain_of(int k, const clock_ *c)
{
    double A = 12.0 + 0.5 * k, B = 0.4 * A, C = 3.0, D = 1.0, D2 = 2.0;
    pl e = {{0, c->mvc, c->avc, c->mvo, c->end}, {0, 0, 0, 0, 0}, 5};
    switch (kind_of(k)) {
    case 0: e.y[2] = -A, e.y[3] = -A + B; break;
    case 1: e.y[2] = C, e.y[3] = C - D; break;
    default: e.y[2] = -A, e.y[3] = -A - D2; break;
    }
    return e;
}

static pl pressure_of(const spec *sp, const clock_ *c)
{
    pl p = {{-50, c->mvc - 10, c->mvc, c->avc, c->mvo, c->rr},
            {sp->ped, sp->ped, sp->p0, sp->p0, sp->p1, sp->p1}, 6};
    return p;
}

/* The closed forms of segment k (see the kinds above). */
static void closed_form(int k, const spec *sp, double *wi, double *cw, double *ww)
{
    double A = 12.0 + 0.5 * k, B = 0.4 * A, C = 3.0, D = 1.0, D2 = 2.0;
    double pm = 0.5 * (sp->p0 + sp->p1);
    switch (kind_of(k)) {
    case 0: *wi = sp->p0 * A - B * pm, *cw = sp->p0 * A + B * pm, *ww = 0; break;
    case 1: *wi = -sp->p0 * C + D * pm, *cw = 0, *ww = sp->p0 * C + D * pm; break;
    default: *wi = sp->p0 * A + D2 * pm, *cw = sp->p0 * A, *ww = D2 * pm; break;
    }
}

static void cell_num(sbuf *b, double v)
{
    sb_add(b, "<Cell><Data ss:Type=\"Number\">%.10g</Data></Cell>", v);
}

static void cell_str(sbuf *b, const char *s)
{
    sb_add(b, "<Cell><Data ss:Type=\"String\">%s</Data></Cell>", s);
}

static char *workbook(const spec *sp)
{
    clock_ c = clock_of(sp);
    pl press = pressure_of(sp, &c);
    sbuf b = {0};
    sb_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?mso-application "
               "progid=\"Excel.Sheet\"?><Workbook "
               "xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
               "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">");
    if (sp->general) {
        sb_add(&b, "<ss:Worksheet ss:Name=\"General\"><Table>");
        sb_add(&b, "<Row>");
        cell_str(&b, "ID");
        cell_str(&b, "SYN");
        sb_add(&b, "</Row><Row>");
        cell_str(&b, "Name");
        cell_str(&b, "NOBODY");
        sb_add(&b, "<Cell ss:Index=\"3\"/></Row><Row>");
        cell_str(&b, "HR");
        cell_num(&b, sp->hr);
        sb_add(&b, "</Row><Row>");
        cell_str(&b, "BP");
        cell_num(&b, 125);
        cell_num(&b, 80);
        sb_add(&b, "</Row>");
        const char *ev[4] = {"MVC", "AVO", "AVC", "MVO"};
        const double evv[4] = {c.mvc, c.avo, c.avc, c.mvo};
        for (int i = 0; i < 4; i++) {
            sb_add(&b, "<Row>");
            cell_str(&b, ev[i]);
            cell_num(&b, evv[i]);
            cell_str(&b, "ms");
            sb_add(&b, "</Row>");
        }
        const char *g[5] = {"GWE", "GWI", "GCW", "GWW", "EF"};
        const double gv[5] = {0.93, 1234, 1500, 100, 0.35};
        for (int i = 0; i < 5; i++) {
            sb_add(&b, "<Row>");
            cell_str(&b, g[i]);
            cell_num(&b, gv[i]);
            sb_add(&b, "</Row>");
        }
        sb_add(&b, "</Table></ss:Worksheet>");
    }
    if (sp->segments) {
        sb_add(&b, "<ss:Worksheet ss:Name=\"Segments\"><Table><Row>");
        cell_str(&b, "");
        for (int v = 0; v < 3; v++)
            for (int j = 0; j < 6; j++)
                cell_str(&b, seg_names[v][j]);
        sb_add(&b, "</Row>");
        const char *rows[4] = {"MW", "MWE", "ConsW", "WastedW"};
        for (int r = 0; r < 4; r++) {
            sb_add(&b, "<Row>");
            cell_str(&b, rows[r]);
            for (int i = 0; i < 18; i++)
                cell_num(&b, 1000 + 10 * r + i);
            sb_add(&b, "</Row>");
        }
        sb_add(&b, "</Table></ss:Worksheet>");
    }
    for (int v = 0; v < 3; v++) {
        sb_add(&b, "<ss:Worksheet ss:Name=\"Strain Traces - %s\"><Table><Row>", view_name[v]);
        cell_str(&b, "Time");
        for (int j = 0; j < 6; j++)
            cell_str(&b, seg_names[v][j]);
        sb_add(&b, "</Row>");
        int frames = v == 2 && sp->aplax_frames ? sp->aplax_frames : 64;
        for (int i = 0; i < frames; i++) {
            sb_add(&b, "<Row>");
            cell_num(&b, i * c.dt / 1000.0);
            for (int j = 0; j < 6; j++) {
                pl e = strain_of(dys_segment_from_name(seg_names[v][j]), &c);
                cell_num(&b, sp->scale * pl_at(&e, i * c.dt));
            }
            sb_add(&b, "</Row>");
        }
        sb_add(&b, "</Table></ss:Worksheet>");
    }
    if (sp->work)
        for (int v = 0; v < 3; v++) {
            /* EchoPAC's stamping: 0 at t = 0, then the work of each 10 ms
             * step stamped at its middle */
            sb_add(&b, "<ss:Worksheet ss:Name=\"Work Traces - %s\"><Table><Row>", view_name[v]);
            cell_str(&b, "Time");
            for (int j = 0; j < 6; j++)
                cell_str(&b, seg_names[v][j]);
            sb_add(&b, "</Row>");
            for (int i = 0; 10.0 * i <= c.end; i++) {
                double stamp = i ? 10.0 * i - 5.0 : 0.0, upto = 10.0 * i;
                sb_add(&b, "<Row>");
                cell_num(&b, stamp / 1000.0);
                for (int j = 0; j < 6; j++) {
                    pl e = strain_of(dys_segment_from_name(seg_names[v][j]), &c);
                    cell_num(&b, exact_work(&e, &press, 0, upto));
                }
                sb_add(&b, "</Row>");
            }
            sb_add(&b, "</Table></ss:Worksheet>");
        }
    if (sp->pressure) {
        sb_add(&b, "<ss:Worksheet ss:Name=\"Pressure Trace\"><Table><Row>");
        cell_str(&b, "Time");
        cell_str(&b, "LVP");
        sb_add(&b, "</Row>");
        for (int i = 0; i < press.n; i++) {
            sb_add(&b, "<Row>");
            cell_num(&b, press.t[i] / 1000.0);
            cell_num(&b, press.y[i]);
            sb_add(&b, "</Row>");
        }
        sb_add(&b, "</Table></ss:Worksheet>");
    }
    /* a sheet dyssync reads past, with the padding EchoPAC writes */
    sb_add(&b, "<ss:Worksheet ss:Name=\"Global Traces\"><Table><Row>");
    cell_str(&b, "Time");
    cell_str(&b, "Global strain");
    cell_str(&b, "");
    sb_add(&b, "</Row></Table></ss:Worksheet></Workbook>");
    return b.s;
}

static const spec base_spec = {75, 1, 1, 1, 1, 0, 120, 10, 8, 1};

static dys_study *read_ok(const char *path)
{
    dys_ctx *ctx = dys_ctx_new();
    dys_study *s = NULL;
    dys_status st = dys_study_read(ctx, path, NULL, &s);
    ck_assert_msg(st == DYS_OK, "%s", dys_ctx_error(ctx));
    dys_ctx_free(ctx);
    return s;
}

static dys_result *analyse(const dys_study *s)
{
    dys_ctx *ctx = dys_ctx_new();
    dys_result *r = NULL;
    dys_status st = dys_analyze(ctx, s, NULL, &r);
    ck_assert_msg(st == DYS_OK, "%s", dys_ctx_error(ctx));
    dys_ctx_free(ctx);
    return r;
}

/* ---- reading ---------------------------------------------------------------- */

START_TEST(t_read_workbook)
{
    char *x = workbook(&base_spec);
    char *p = write_file("read.xml", x);
    dys_study *s = read_ok(p);
    clock_ c = clock_of(&base_spec);
    ck_assert_str_eq(s->study_id, "SYN");
    ck_assert_int_eq(s->trace, DYS_TRACE_STRAIN);
    ck_assert_uint_eq(s->n_rec, 3);
    /* one recording per view, A4C first, the 18 segments, t = 0 the QRS */
    const dys_view want[3] = {DYS_VIEW_A4C, DYS_VIEW_A2C, DYS_VIEW_APLAX};
    int nseg = 0;
    for (size_t i = 0; i < 3; i++) {
        const dys_recording *r = &s->rec[i];
        ck_assert_int_eq(r->view, want[i]);
        ck_assert_uint_eq(r->n, 64);
        ck_assert_uint_eq(r->n_qrs_onsets, 1);
        ck_assert_double_eq(r->qrs_onsets_ms[0], 0);
        ck_assert_double_eq_tol(r->avo_ms, c.avo, 1e-6);
        ck_assert_double_eq_tol(r->avc_ms, c.avc, 1e-6);
        ck_assert_double_eq_tol(r->t_ms[1], c.dt, 1e-6);
        for (int k = 0; k < DYS_N_SEGMENTS; k++)
            if (r->seg[k]) {
                nseg++;
                ck_assert_int_eq(dys_segment_view(k), r->view);
            }
    }
    ck_assert_int_eq(nseg, 18);
    ck_assert_double_eq(s->hr_bpm, 75);
    ck_assert_double_eq_tol(s->lvef_pct, 35, 1e-9);
    ck_assert_double_eq(s->work.systolic_bp_mmhg, 125);
    ck_assert_double_eq(s->work.diastolic_bp_mmhg, 80);
    ck_assert_double_eq_tol(s->work.mvc_ms, c.mvc, 1e-6);
    ck_assert_double_eq_tol(s->work.mvo_ms, c.mvo, 1e-6);
    ck_assert_uint_eq(s->work.n_pressure, 6);
    ck_assert_double_eq_tol(s->work.pressure_t_ms[0], -50, 1e-9);
    ck_assert_ptr_nonnull(strstr(s->work.pressure_source, "sheet 'Pressure Trace'"));
    const dys_vendor_work *v = s->work.vendor;
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v->software, "GE EchoPAC");
    ck_assert_double_eq_tol(v->gwe_pct, 93, 1e-9);
    ck_assert_double_eq(v->gwi_mmhg_pct, 1234);
    ck_assert_double_eq(v->gcw_mmhg_pct, 1500);
    ck_assert_double_eq(v->gww_mmhg_pct, 100);
    /* the Segments sheet's columns go to their segments */
    for (int v2 = 0, i = 0; v2 < 3; v2++)
        for (int j = 0; j < 6; j++, i++) {
            int k = dys_segment_from_name(seg_names[v2][j]);
            ck_assert_double_eq(v->seg_wi_mmhg_pct[k], 1000 + i);
            ck_assert_double_eq(v->seg_we_pct[k], 1010 + i);
            ck_assert_double_eq(v->seg_cw_mmhg_pct[k], 1020 + i);
            ck_assert_double_eq(v->seg_ww_mmhg_pct[k], 1030 + i);
            ck_assert_uint_gt(v->trace_n[k], 40);
        }
    ck_assert_double_eq_tol(v->trace_step_ms, 10, 1e-9);
    /* the patient's name is kept nowhere */
    for (size_t i = 0; i < s->n_meta; i++)
        ck_assert_ptr_null(strstr(s->meta[i].value, "NOBODY"));
    ck_assert(dys_file_is_study(p));
    dys_study_free(s);
    free(p);
    free(x);
}
END_TEST

/* A refusal: a mutation of the base workbook, the status, and what the
 * message must hold (after the file name). */
static const struct {
    const char *from, *to; /* NULL from: cut the file at to's length */
    dys_status st;
    const char *msg;
    const char *after;     /* the first from after this, NULL: anywhere */
} refusals[] = {
    {NULL, "12000", DYS_ERR_PARSE, "the workbook is cut short: expected the whole export", NULL},
    {"<ss:Worksheet ss:Name=\"General\">", "<ss:Worksheet ss:Name=\"Genera1\">", DYS_ERR_PARSE,
     "no sheet 'General'", NULL},
    {"Strain Traces - APLAX", "Strain Traces - XYZ", DYS_ERR_PARSE,
     "no sheet 'Strain Traces - APLAX'", NULL},
    {"<Row><Cell><Data ss:Type=\"Number\">0</Data></Cell>",
     "<Row><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell ss:Index=\"8\"><Data "
     "ss:Type=\"Number\">1</Data></Cell>",
     DYS_ERR_PARSE, "sheet 'Strain Traces - 2CH', cell H2: a value past the header's 7 columns", NULL},
    {"<Row><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell><Data ss:Type=\"Number\">0</Data>"
     "</Cell>",
     "<Row><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell><Data ss:Type=\"String\">x1</Data>"
     "</Cell>",
     DYS_ERR_PARSE, "sheet 'Strain Traces - 2CH', cell B2: 'x1' is not a number: expected a "
                    "strain in %", NULL},
    {"<Row><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell><Data ss:Type=\"Number\">0</Data>"
     "</Cell>",
     "<Row><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell/>", DYS_ERR_PARSE,
     "sheet 'Strain Traces - 2CH', cell B2: empty: expected a strain in %", NULL},
    {"<Row><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell><Data ss:Type=\"Number\">0</Data>"
     "</Cell><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell><Data ss:Type=\"Number\">0</Data>"
     "</Cell><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell><Data ss:Type=\"Number\">0</Data>"
     "</Cell><Cell><Data ss:Type=\"Number\">0</Data></Cell></Row>",
     "<Row><Cell><Data ss:Type=\"Number\">0</Data></Cell><Cell><Data ss:Type=\"Number\">0</Data>"
     "</Cell></Row>",
     DYS_ERR_PARSE, "sheet 'Strain Traces - 2CH', cell C2: empty: expected a strain in %", NULL},
    {"<Data ss:Type=\"Number\">0.0125</Data>", "<Data ss:Type=\"Number\">-0.001</Data>",
     DYS_ERR_PARSE, "cell A3: time -1 ms is not after the previous row's 0 ms", NULL},
    {"<?mso-application", "<!DOCTYPE Workbook [<!ENTITY a \"x\">]><?mso-application",
     DYS_ERR_UNSUPPORTED, "a DOCTYPE declaration: expected none", NULL},
    {"<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"",
     "<Workbook xmlns=\"urn:example\"", DYS_ERR_UNSUPPORTED,
     "root element is not an Excel 2003 Workbook", NULL},
    {"<ss:Worksheet ss:Name=\"Segments\">", "<ss:Worksheet ss:Name=\"General\">", DYS_ERR_PARSE,
     "sheet 'General': a second sheet of this name", NULL},
    {"Basal Posterior</Data>", "Basal Posterier</Data>", DYS_ERR_PARSE,
     "unknown segment 'basal_posterier'", NULL},
    {"<Data ss:Type=\"String\">Apical Septal</Data></Cell><Cell><Data ss:Type=\"String\">Apical "
     "Lateral</Data>",
     "<Data ss:Type=\"String\">Apical Septal</Data></Cell><Cell><Data ss:Type=\"String\">Apical "
     "Inferior</Data>",
     DYS_ERR_PARSE, "apical_inferior again (already at", "Strain Traces - 4CH"},
    {"<Cell><Data ss:Type=\"String\">LVP</Data>", "<Cell><Data ss:Type=\"String\">kPa</Data>",
     DYS_ERR_PARSE, "column 'kpa': expected Time and LVP only", NULL},
    {"<Data ss:Type=\"Number\">75</Data>", "<Data ss:Type=\"Number\">500</Data>", DYS_ERR_PARSE,
     "hr_bpm = 500 is outside the plausible range", NULL},
    {"<Cell><Data ss:Type=\"String\">SYN</Data></Cell>",
     "<Cell ss:Index=\"3\"><Data ss:Type=\"String\">SYN</Data></Cell><Cell ss:Index=\"2\"/>",
     DYS_ERR_PARSE, "cell column '2'", NULL},
    {"</Workbook>", "</Workbook><extra/>", DYS_ERR_PARSE, "not well-formed XML (junk after "
                                                          "document element)", NULL},
};

START_TEST(t_refusals)
{
    char *x = workbook(&base_spec), *y;
    if (!refusals[_i].from) {
        y = strdup(x);
        y[atoi(refusals[_i].to)] = '\0';
    } else {
        size_t off = refusals[_i].after ? (size_t)(strstr(x, refusals[_i].after) - x) : 0;
        char *tail = replace1(x + off, refusals[_i].from, refusals[_i].to);
        y = malloc(off + strlen(tail) + 1);
        memcpy(y, x, off);
        strcpy(y + off, tail);
        free(tail);
    }
    char name[32];
    snprintf(name, sizeof name, "refused_%d.xml", _i);
    char *p = write_file(name, y);
    dys_ctx *ctx = dys_ctx_new();
    dys_study *s = NULL;
    dys_status st = dys_study_read(ctx, p, NULL, &s);
    ck_assert_msg(st == refusals[_i].st, "case %d: status %d: %s", _i, st, dys_ctx_error(ctx));
    ck_assert_ptr_null(s);
    const char *e = dys_ctx_error(ctx);
    ck_assert_msg(!strncmp(e, p, strlen(p)), "case %d: '%s' does not start with the file", _i,
                  e);
    ck_assert_msg(strstr(e, refusals[_i].msg) != NULL, "case %d: '%s' lacks '%s'", _i, e,
                  refusals[_i].msg);
    dys_ctx_free(ctx);
    free(p);
    free(y);
    free(x);
}
END_TEST

/* A cell's message names line:column exactly (expat's position of the
 * cell's start tag), here on a workbook written one cell per line. */
START_TEST(t_refusal_position)
{
    char *x = workbook(&base_spec);
    sbuf b = {0};
    for (const char *q = x; *q; q++) {
        if (q[0] == '<' && !strncmp(q, "<Cell", 5))
            sb_add(&b, "\n   ");
        sb_add(&b, "%c", *q);
    }
    /* the 2CH sheet's sixth row (its fifth of data), fifth cell: E6 */
    char *q = strstr(b.s, "Strain Traces - 2CH");
    for (int r = 0; r < 6; r++)
        q = strstr(q + 1, "<Row>");
    for (int k = 0; k < 5; k++)
        q = strstr(q + 1, "<Cell");
    char *val = strstr(strstr(q, "<Data"), ">") + 1, *end = strstr(val, "</Data>");
    sbuf yb = {0};
    sb_add(&yb, "%.*sbad%s", (int)(val - b.s), b.s, end);
    char *y = yb.s, *cell = y + (q - b.s);
    int line = 1;
    for (const char *t = y; t < cell; t++)
        line += *t == '\n';
    char *p = write_file("position.xml", y);
    dys_ctx *ctx = dys_ctx_new();
    dys_study *s = NULL;
    ck_assert_int_eq(dys_study_read(ctx, p, NULL, &s), DYS_ERR_PARSE);
    char want[600];
    snprintf(want, sizeof want, "%s:%d:4: sheet 'Strain Traces - 2CH', cell E6: 'bad' is not "
             "a number", p, line);
    ck_assert_msg(!strncmp(dys_ctx_error(ctx), want, strlen(want)), "'%s', expected '%s...'",
                  dys_ctx_error(ctx), want);
    dys_ctx_free(ctx);
    free(p);
    free(y);
    free(b.s);
    free(x);
}
END_TEST

START_TEST(t_refusal_more)
{
    /* an LV pressure in kPa */
    spec k = base_spec;
    k.p0 = 16, k.p1 = 2, k.ped = 1;
    char *x = workbook(&k);
    char *p = write_file("kpa.xml", x);
    dys_ctx *ctx = dys_ctx_new();
    dys_study *s = NULL;
    ck_assert_int_eq(dys_study_read(ctx, p, NULL, &s), DYS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "sheet 'Pressure Trace': LV pressure peaks "
                                                    "at 16: expected mmHg"));
    free(p);
    free(x);
    /* a valve event in seconds */
    x = workbook(&base_spec);
    char *u = replace1(x, "<Cell><Data ss:Type=\"String\">ms</Data>",
                       "<Cell><Data ss:Type=\"String\">s</Data>");
    p = write_file("unit.xml", u);
    ck_assert_int_eq(dys_study_read(ctx, p, NULL, &s), DYS_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "sheet 'General', cell C5: unit 's' of mvc: "
                                                    "expected ms"));
    free(p);
    free(u);
    free(x);
    /* strain written as fractions: refused by the plausibility checks */
    spec f = base_spec;
    f.scale = 0.01;
    x = workbook(&f);
    p = write_file("fraction.xml", x);
    ck_assert_int_eq(dys_study_read(ctx, p, NULL, &s), DYS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "so these are fractions"));
    dys_ctx_free(ctx);
    free(p);
    free(x);
}
END_TEST

/* What the reader accepts besides the export itself: cells placed by
 * ss:Index, rich text, a pretty-printed file, a BOM, sheets missing that
 * are optional. */
START_TEST(t_accepts)
{
    char *x = workbook(&base_spec);
    /* rich text in a name, a cell placed by its index */
    char *y = replace1(x, "<Data ss:Type=\"String\">Basal Septal</Data>",
                       "<ss:Data ss:Type=\"String\" xmlns=\"http://www.w3.org/TR/REC-html40\">"
                       "<B>Basal</B> Septal</ss:Data>");
    char *z = replace1(y, "<Cell><Data ss:Type=\"Number\">80</Data></Cell>",
                       "<Cell ss:Index=\"3\"><Data ss:Type=\"Number\">80</Data></Cell>");
    sbuf b = {0};
    sb_add(&b, "\xEF\xBB\xBF");
    for (const char *q = z; *q; q++) {
        if (q[0] == '<' && (!strncmp(q, "<Row", 4) || !strncmp(q, "<ss:Worksheet", 13)))
            sb_add(&b, "\n  ");
        sb_add(&b, "%c", *q);
    }
    char *p = write_file("accepts.xml", b.s);
    dys_study *s = read_ok(p);
    ck_assert_uint_eq(s->n_rec, 3);
    ck_assert_ptr_nonnull(s->rec[0].seg[DYS_AHA_BASAL_INFEROSEPTAL]);
    ck_assert_double_eq(s->work.diastolic_bp_mmhg, 80);
    dys_study_free(s);
    free(p);
    /* a GLOBAL column in a Strain Traces sheet is read past */
    const char *a = strstr(x, "Strain Traces - 4CH"), *e = strstr(a, "</ss:Worksheet>");
    sbuf g = {0};
    sb_add(&g, "%.*s", (int)(a - x), x);
    int header = 1;
    for (const char *q = a; q < e; q++) {
        if (!strncmp(q, "</Row>", 6)) {
            if (header)
                sb_add(&g, "<Cell><Data ss:Type=\"String\">GLOBAL</Data></Cell>");
            else
                sb_add(&g, "<Cell><Data ss:Type=\"Number\">-5</Data></Cell>");
            header = 0;
        }
        sb_add(&g, "%c", *q);
    }
    sb_add(&g, "%s", e);
    p = write_file("global.xml", g.s);
    s = read_ok(p);
    ck_assert_uint_eq(s->n_rec, 3);
    ck_assert_ptr_nonnull(s->rec[0].seg[DYS_AHA_APICAL_ANTEROLATERAL]);
    dys_study_free(s);
    free(p);
    free(g.s);
    /* optional sheets: without Pressure Trace, Segments and Work Traces */
    spec sp = base_spec;
    sp.pressure = sp.segments = sp.work = 0;
    char *w = workbook(&sp);
    p = write_file("bare.xml", w);
    s = read_ok(p);
    ck_assert_uint_eq(s->work.n_pressure, 0);
    ck_assert_ptr_nonnull(s->work.vendor);
    ck_assert(isnan(s->work.vendor->seg_wi_mmhg_pct[0]));
    ck_assert_uint_eq(s->work.vendor->trace_n[0], 0);
    int warned = 0;
    for (size_t i = 0; i < s->n_warnings; i++)
        warned |= strstr(s->warnings[i], "no sheet 'Pressure Trace'") != NULL;
    ck_assert(warned);
    dys_study_free(s);
    free(p);
    free(w);
    free(b.s);
    free(z);
    free(y);
    free(x);
}
END_TEST

/* In a directory of view files a workbook is refused; batch discovery
 * takes a workbook and skips other XML. */
START_TEST(t_files)
{
    char *d = dys_asprintf("%s/views", g_root);
    ck_assert_int_eq(mkdir(d, 0755), 0);
    char *csv = dys_asprintf("%s/a4c.csv", d);
    FILE *f = fopen(csv, "w");
    fputs("# view: A4C\n# avo_ms: 90\n# avc_ms: 400\ntime_ms,basal_septal\n0,1\n10,2\n20,1\n", f);
    fclose(f);
    char *x = workbook(&base_spec);
    char *wb = dys_asprintf("%s/mw.xml", d);
    f = fopen(wb, "w");
    fputs(x, f);
    fclose(f);
    dys_ctx *ctx = dys_ctx_new();
    dys_study *s = NULL;
    ck_assert_int_eq(dys_study_read(ctx, d, NULL, &s), DYS_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(dys_ctx_error(ctx), "a myocardial-work workbook among view files"));
    ck_assert(dys_is_data_file_name("x.XML"));
    ck_assert_int_eq(dys_file_is_study(wb), 1);
    char *other = write_file("other.xml", "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    ck_assert_int_eq(dys_file_is_study(other), 0);
    dys_ctx_free(ctx);
    free(other);
    free(wb);
    free(x);
    free(csv);
    free(d);
}
END_TEST

/* ---- the analysis: closed forms ----------------------------------------------- */

static const double rates[] = {50, 75, 110};

START_TEST(t_closed_form_work)
{
    spec sp = base_spec;
    sp.hr = rates[_i];
    sp.p0 = 90 + 0.4 * sp.hr; /* a plateau that differs with the rate */
    char *x = workbook(&sp);
    char name[32];
    snprintf(name, sizeof name, "hr%d.xml", (int)sp.hr);
    char *p = write_file(name, x);
    dys_study *s = read_ok(p);
    dys_result *r = analyse(s);
    ck_assert_int_eq(r->work.pressure, DYS_PRESSURE_MEASURED);
    ck_assert_int_eq(r->model_segments, 18);
    double swi = 0, scw = 0, sww = 0;
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        double wi, cw, ww;
        closed_form(k, &sp, &wi, &cw, &ww);
        const dys_segment_result *g = &r->seg[k];
        ck_assert_msg(fabs(g->work_index_mmhg_pct - wi) < 1e-6 * (fabs(wi) + 1),
                      "%s: WI %.9g, expected %.9g", dys_segment_name(k),
                      g->work_index_mmhg_pct, wi);
        ck_assert_double_eq_tol(g->constructive_work_mmhg_pct, cw, 1e-6 * (cw + 1));
        ck_assert_double_eq_tol(g->wasted_work_mmhg_pct, ww, 1e-6 * (ww + 1));
        ck_assert_double_eq_tol(g->work_efficiency_pct, 100.0 * cw / (cw + ww), 1e-6);
        swi += wi;
        scw += cw;
        sww += ww;
    }
    /* the dyskinetic segments' work is all wasted */
    ck_assert_double_eq(r->seg[DYS_AHA_BASAL_INFEROSEPTAL].work_efficiency_pct, 0);
    ck_assert_double_eq_tol(r->index[DYS_IDX_GWI], swi / 18, 1e-6 * fabs(swi));
    ck_assert_double_eq_tol(r->index[DYS_IDX_GCW], scw / 18, 1e-6 * scw);
    ck_assert_double_eq_tol(r->index[DYS_IDX_GWW], sww / 18, 1e-6 * sww);
    ck_assert_double_eq_tol(r->index[DYS_IDX_GWE], 100.0 * scw / (scw + sww), 1e-6);
    /* the same study's timing */
    ck_assert(isfinite(r->index[DYS_IDX_STRAIN_TTP_SD_18]));
    clock_ c = clock_of(&sp);
    ck_assert_double_eq_tol(r->seg[DYS_AHA_MID_ANTERIOR].strain_ttp_es_ms, c.avc, c.dt);
    /* the export's curves (written from the same closed forms) agree */
    ck_assert_msg(r->work.trace_diff_max_pct < 0.01, "%g", r->work.trace_diff_max_pct);
    ck_assert(r->work.has_vendor);
    ck_assert_double_eq(r->work.vendor_gwi_mmhg_pct, 1234);
    ck_assert_double_eq_tol(r->work.peak_pressure_mmhg, sp.p0, 1e-9);
    ck_assert_double_eq_tol(r->work.mvc_ms, c.mvc, 1e-6);
    fprintf(stderr, "closed form at %.0f bpm: GWI %.3f (expected %.3f), GWE %.4f %%\n", sp.hr,
            r->index[DYS_IDX_GWI], swi / 18, r->index[DYS_IDX_GWE]);
    dys_result_free(r);
    dys_study_free(s);
    free(p);
    free(x);
}
END_TEST

/* Without its pressure the workbook's work is under the reference curve
 * scaled to the cuff's 125 mmHg; the integral of that curve is taken here
 * by Simpson's rule on 20,000 steps. */
static double ref_integral(const dys_work_events *e, double a, double b)
{
    int n = 20000;
    double h = (b - a) / n, s = 0;
    for (int i = 0; i <= n; i++) {
        double w = i == 0 || i == n ? 1 : i % 2 ? 4 : 2;
        s += w * dys_work_reference(a + i * h, e);
    }
    return s * h / 3.0;
}

START_TEST(t_estimated_pressure)
{
    spec sp = base_spec;
    sp.hr = rates[_i];
    sp.pressure = 0;
    char *x = workbook(&sp);
    char *p = write_file("nopressure.xml", x);
    dys_study *s = read_ok(p);
    dys_result *r = analyse(s);
    ck_assert_int_eq(r->work.pressure, DYS_PRESSURE_ESTIMATED);
    ck_assert_str_eq(r->work.pressure_text,
                     "estimated (Russell 2012 reference curve, peak = cuff systolic)");
    clock_ c = clock_of(&sp);
    dys_work_events e = {c.mvc, c.avo, c.avc, c.mvo};
    double peak = 125;
    for (int k = 0; k < DYS_N_SEGMENTS; k++) {
        if (kind_of(k) != 0)
            continue;
        /* linear strain in each phase: work = slope x integral of P */
        double A = 12.0 + 0.5 * k, B = 0.4 * A;
        double wi = peak * (A / (c.avc - c.mvc) * ref_integral(&e, c.mvc, c.avc) -
                            B / (c.mvo - c.avc) * ref_integral(&e, c.avc, c.mvo));
        ck_assert_msg(fabs(r->seg[k].work_index_mmhg_pct - wi) < 1e-3 * wi, "%s: %.6g vs %.6g",
                      dys_segment_name(k), r->seg[k].work_index_mmhg_pct, wi);
    }
    ck_assert_double_eq(r->work.peak_pressure_mmhg, 125);
    /* the JSON says so */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dys_ctx *ctx = dys_ctx_new();
    ck_assert_int_eq(dys_write_json(ctx, f, r), DYS_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "\"work\": {\"pressure\": \"estimated (Russell 2012 "
                                      "reference curve, peak = cuff systolic)\", "
                                      "\"pressure_source\": \"estimated\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"gwi_mmhg_pct\": "));
    free(buf);
    dys_ctx_free(ctx);
    dys_result_free(r);
    dys_study_free(s);
    free(p);
    free(x);
}
END_TEST

/* A view whose strain stops before MVO: its six segments have no work,
 * 12 of 18 are left, below the 15 the globals need. */
START_TEST(t_too_few_segments)
{
    spec sp = base_spec;
    sp.aplax_frames = 30; /* MVO is frame 33 */
    char *x = workbook(&sp);
    char *p = write_file("short.xml", x);
    dys_study *s = read_ok(p);
    dys_result *r = analyse(s);
    ck_assert(isnan(r->seg[DYS_AHA_BASAL_ANTEROSEPTAL].work_index_mmhg_pct));
    ck_assert_ptr_nonnull(strstr(r->seg[DYS_AHA_BASAL_ANTEROSEPTAL].work_reason,
                                 "does not cover the cycle MVC..MVO"));
    ck_assert(isnan(r->index[DYS_IDX_GWI]));
    ck_assert_ptr_nonnull(strstr(r->index_reason[DYS_IDX_GWI], "12 of 18 segments usable "
                                                              "(needs 15)"));
    int warned = 0;
    for (size_t i = 0; i < r->n_warnings; i++)
        warned |= strstr(r->warnings[i], "gwi_mmhg_pct") != NULL;
    ck_assert(warned);
    dys_result_free(r);
    dys_study_free(s);
    free(p);
    free(x);
}
END_TEST

/* A study CSV: strain with the cuff pressure and the valve events in its
 * metadata gets work on the estimated pressure; velocity does not; a
 * strain study without MVC says why, only when it asked for work. */
START_TEST(t_csv_metadata)
{
    clock_ c = clock_of(&base_spec);
    sbuf b = {0};
    sb_add(&b, "# trace: strain\n# systolic_bp_mmhg: 118 mmHg\n# diastolic_bp_mmhg: 70\n"
               "# mvc_ms: %.6f\n# avo_ms: %.6f\n# avc_ms: %.6f\n# mvo_ms: %.6f\n# hr_bpm: 75\n"
               "time_ms",
           c.mvc, c.avo, c.avc, c.mvo);
    for (int k = 0; k < DYS_N_SEGMENTS; k++)
        sb_add(&b, ",%s", dys_segment_name(k));
    sb_add(&b, "\n");
    for (int i = 0; i < 64; i++) {
        sb_add(&b, "%.6f", i * c.dt);
        for (int k = 0; k < DYS_N_SEGMENTS; k++) {
            pl e = strain_of(k, &c);
            sb_add(&b, ",%.6f", pl_at(&e, i * c.dt));
        }
        sb_add(&b, "\n");
    }
    char *p = write_file("meta.csv", b.s);
    dys_study *s = read_ok(p);
    ck_assert_double_eq(s->work.systolic_bp_mmhg, 118);
    dys_result *r = analyse(s);
    ck_assert_int_eq(r->work.pressure, DYS_PRESSURE_ESTIMATED);
    ck_assert(isfinite(r->index[DYS_IDX_GWI]));
    ck_assert(r->index[DYS_IDX_GWI] > 500 && r->index[DYS_IDX_GWI] < 3000);
    dys_result_free(r);
    dys_study_free(s);
    free(p);
    /* without MVC: null, with the reason, warned since a pressure is given */
    char *q = replace1(b.s, "# mvc_ms:", "# not_mvc:");
    p = write_file("nomvc.csv", q);
    s = read_ok(p);
    r = analyse(s);
    ck_assert_int_eq(r->work.pressure, DYS_PRESSURE_NONE);
    ck_assert_ptr_nonnull(strstr(r->index_reason[DYS_IDX_GWI], "no mitral valve events"));
    int warned = 0;
    for (size_t i = 0; i < r->n_warnings; i++)
        warned |= strstr(r->warnings[i], "no mitral valve events") != NULL;
    ck_assert(warned);
    dys_result_free(r);
    dys_study_free(s);
    free(p);
    /* no work input at all: null and silent, as before */
    char *q2 = replace1(q, "# systolic_bp_mmhg:", "# not_sbp:");
    char *q3 = replace1(q2, "# diastolic_bp_mmhg:", "# not_dbp:");
    char *q4 = replace1(q3, "# mvo_ms:", "# not_mvo:");
    p = write_file("nowork.csv", q4);
    s = read_ok(p);
    r = analyse(s);
    for (size_t i = 0; i < r->n_warnings; i++)
        ck_assert_msg(!strstr(r->warnings[i], "gwi_mmhg_pct"), "%s", r->warnings[i]);
    ck_assert(isnan(r->index[DYS_IDX_GWI]));
    dys_result_free(r);
    dys_study_free(s);
    free(p);
    free(q4);
    free(q3);
    free(q2);
    free(q);
    free(b.s);
}
END_TEST

START_TEST(t_api_zeroed_study)
{
    /* a study filled by hand and zeroed gives no work input */
    dys_study s;
    memset(&s, 0, sizeof s);
    dys_recording rec;
    dys_recording_init(&rec);
    double t[41], e[41];
    for (int i = 0; i < 41; i++) {
        t[i] = 10.0 * i;
        e[i] = -15.0 * sin(M_PI * i / 40.0);
    }
    rec.n = 41;
    rec.t_ms = t;
    rec.seg[DYS_AHA_BASAL_INFEROSEPTAL] = e;
    rec.source = "hand";
    rec.avo_ms = 50;
    rec.avc_ms = 300;
    s.rec = &rec;
    s.n_rec = 1;
    s.trace = DYS_TRACE_STRAIN;
    s.source = "hand";
    s.study_id = "hand";
    s.hr_bpm = s.avo_ms = s.avc_ms = s.qrs_duration_ms = s.lvef_pct = NAN;
    s.lbbb = -1;
    dys_result *r = analyse(&s);
    ck_assert_int_eq(r->work.pressure, DYS_PRESSURE_NONE);
    ck_assert(!r->work.attempted);
    dys_result_free(r);
    /* the same with the input initialised and given */
    dys_work_input_init(&s.work);
    s.work.systolic_bp_mmhg = 120;
    s.work.mvc_ms = 20;
    s.work.mvo_ms = 380;
    r = analyse(&s);
    ck_assert_int_eq(r->work.pressure, DYS_PRESSURE_ESTIMATED);
    ck_assert(isfinite(r->seg[DYS_AHA_BASAL_INFEROSEPTAL].work_index_mmhg_pct));
    dys_result_free(r);
}
END_TEST


static Suite *suite(void)
{
    Suite *s = suite_create("work");
    TCase *t = tcase_create("work");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, t_between_closed_form);
    tcase_add_test(t, t_pressure_held_outside);
    tcase_add_test(t, t_segment_parts);
    tcase_add_test(t, t_reference_curve);
    tcase_add_test(t, t_read_workbook);
    tcase_add_loop_test(t, t_refusals, 0, N_ELEMS(refusals));
    tcase_add_test(t, t_refusal_position);
    tcase_add_test(t, t_refusal_more);
    tcase_add_test(t, t_accepts);
    tcase_add_test(t, t_files);
    tcase_add_loop_test(t, t_closed_form_work, 0, N_ELEMS(rates));
    tcase_add_loop_test(t, t_estimated_pressure, 0, N_ELEMS(rates));
    tcase_add_test(t, t_too_few_segments);
    tcase_add_test(t, t_csv_metadata);
    tcase_add_test(t, t_api_zeroed_study);
    suite_add_tcase(s, t);
    return s;
}

DYS_CHECK_MAIN_IN_TMPDIR(suite, g_root, "/tmp/dyssync_work.XXXXXX")
