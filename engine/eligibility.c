/*
 * eligibility.c - CRT eligibility by three published criteria sets, and a
 * suggested LV lead target.  Decision support, never a verdict: guidelines
 * select patients by LVEF, QRS width and morphology and NYHA class, which
 * come from the study's metadata, not from echo dyssynchrony.
 *
 * Three-valued logic.  Each set is a function of (LVEF, QRS, LBBB, NYHA)
 * (and, for ACCF/AHA/HRS 2012, the aetiology, metadata key aetiology).  A missing input is not guessed: the set is evaluated for
 * every value the input could take (one representative per interval that
 * the criteria distinguish: LVEF 25, 33, 40 %; QRS 100, 125, 140, 160 ms;
 * LBBB no/yes; NYHA I-IV; aetiology ischaemic or not).  When every
 * completion gives the same eligibility, it is stated, even with inputs
 * missing (LVEF 60 % is not eligible whatever the QRS); only when the
 * completions disagree is it unknown.  The class is stated when every
 * completion gives the same class; otherwise the possible classes are
 * listed.  `missing` names only the missing inputs whose value could change
 * the eligibility or the class.
 *
 * Criteria (docs/indices.md, "CRT eligibility"):
 *  - classic: LVEF <= 35 %, QRS >= 120 ms, NYHA III-IV.
 *  - ACCF/AHA/HRS 2012 (Tracy, Circulation 2012;126:1784; LVEF <= 35 %
 *    throughout): I LBBB, QRS >= 150 ms, NYHA II-IV; IIa LBBB 120-149 ms
 *    NYHA II-IV, or non-LBBB >= 150 ms NYHA III-IV; IIb non-LBBB 120-149 ms
 *    NYHA III-IV, or non-LBBB >= 150 ms NYHA II, or LVEF <= 30 %, ischaemic
 *    aetiology, LBBB >= 150 ms, NYHA I; III (not recommended) non-LBBB
 *    < 150 ms NYHA I-II.  Outside these (QRS < 120 ms, LVEF > 35 %, other
 *    NYHA I cases) no class applies: not indicated.
 *  - ESC 2021 (symptomatic, NYHA II-IV, LVEF <= 35 %, sinus rhythm): I LBBB
 *    >= 150 ms; IIa LBBB 130-149 ms or non-LBBB >= 150 ms; IIb non-LBBB
 *    130-149 ms; III QRS < 130 ms.  The class is given for sinus rhythm
 *    and says so, with the study's rhythm when the metadata gives one.
 *  - EchoCRT (Ruschitzka, NEJM 2013): in QRS < 130 ms, CRT chosen for echo
 *    dyssynchrony raised mortality (HR 1.81).  A narrow QRS with any index
 *    over a validated cut-off gets that warning.
 * Contradictory inputs are warned about, not corrected: LBBB with QRS
 * < 120 ms (LBBB is defined by QRS >= 120 ms: Surawicz, AHA/ACCF/HRS
 * recommendations, Circulation 2009;119:e235), and NYHA I (asymptomatic)
 * read against sets that require symptoms.
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
#include "indices.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEAD_WITHIN_MS 20.0

/* The inputs of one completion. */
typedef struct {
    double lvef, qrs;
    int lbbb, nyha, ischaemic;
} crt_in;

/* A criteria set: the class (NULL: none applies; "" for the classic set,
 * which has none) and whether CRT is recommended. */
typedef const char *(*crt_rule)(const crt_in *x, int *eligible);

static const char *classic_rule(const crt_in *x, int *eligible)
{
    *eligible = x->lvef <= 35 && x->qrs >= 120 && x->nyha >= 3;
    return "";
}

static const char *acc_2012_rule(const crt_in *x, int *eligible)
{
    double q = x->qrs;
    int lb = x->lbbb == 1, ny = x->nyha;
    const char *c = NULL;
    if (x->lvef <= 35 && q >= 120) {
        if (lb && q >= 150 && ny >= 2)
            c = "I";
        else if ((lb && ny >= 2) || (!lb && q >= 150 && ny >= 3))
            c = "IIa";
        else if ((!lb && q < 150 && ny >= 3) || (!lb && q >= 150 && ny == 2) ||
                 (lb && q >= 150 && ny == 1 && x->lvef <= 30 && x->ischaemic))
            c = "IIb";
        else if (!lb && q < 150 && ny <= 2)
            c = "III";
    }
    *eligible = c && strcmp(c, "III") != 0;
    return c;
}

static const char *esc_2021_rule(const crt_in *x, int *eligible)
{
    double q = x->qrs;
    int lb = x->lbbb == 1;
    const char *c = NULL;
    if (x->lvef <= 35 && x->nyha >= 2) {
        if (q < 130)
            c = "III";
        else if (lb && q >= 150)
            c = "I";
        else if (lb || q >= 150)
            c = "IIa";
        else
            c = "IIb";
    }
    *eligible = c && strcmp(c, "III") != 0;
    return c;
}

enum { IN_LVEF, IN_QRS, IN_LBBB, IN_NYHA, IN_AETIOLOGY, N_IN };
static const char *const in_name[N_IN] = {"lvef_pct", "qrs_duration_ms", "lbbb", "nyha",
                                          "aetiology"};
/* One representative per interval the criteria distinguish. */
static const double cand[N_IN][4] = {
    {25, 33, 40}, {100, 125, 140, 160}, {0, 1}, {1, 2, 3, 4}, {0, 1}};
static const int n_cand[N_IN] = {3, 4, 2, 4, 2};

static void set_in(crt_in *x, int which, double v)
{
    switch (which) {
    case IN_LVEF: x->lvef = v; break;
    case IN_QRS: x->qrs = v; break;
    case IN_LBBB: x->lbbb = (int)v; break;
    case IN_NYHA: x->nyha = (int)v; break;
    default: x->ischaemic = (int)v; break;
    }
}

/* A class as text for lists: "none" when no class applies. */
static const char *cls_text(const char *c)
{
    return c ? c : "none";
}

static int class_rank(const char *c)
{
    static const char *const order[] = {"I", "IIa", "IIb", "III"};
    for (int k = 0; c && k < 4; k++)
        if (!strcmp(c, order[k]))
            return k;
    return 4;
}

static int same_class(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Evaluate `rule` over every completion of the missing inputs (those of
 * `uses` not given). */
static void evaluate(const dys_study *s, const char *set, crt_rule rule, unsigned uses,
                     dys_eligibility *e)
{
    memset(e, 0, sizeof *e);
    e->set = set;
    crt_in given = {s->lvef_pct, s->qrs_duration_ms, s->lbbb, s->nyha,
                    s->aetiology == DYS_AETIOLOGY_ISCHAEMIC};
    int free_in[N_IN], nf = 0;
    for (int k = 0; k < N_IN; k++) {
        int absent = k == IN_LVEF ? isnan(s->lvef_pct) : k == IN_QRS ? isnan(s->qrs_duration_ms)
                     : k == IN_LBBB ? s->lbbb < 0 : k == IN_NYHA ? s->nyha < 1
                     : s->aetiology == DYS_AETIOLOGY_UNKNOWN;
        if ((uses >> k & 1u) && absent)
            free_in[nf++] = k;
    }
    /* Completions in mixed radix over the free inputs. */
    int total = 1;
    for (int k = 0; k < nf; k++)
        total *= n_cand[free_in[k]];
    int elig_seen[2] = {0, 0}, matters[N_IN] = {0};
    const char *classes[8];
    int n_classes = 0;
    for (int i = 0; i < total; i++) {
        crt_in x = given;
        int digit[N_IN], rest = i;
        for (int k = 0; k < nf; k++) {
            digit[k] = rest % n_cand[free_in[k]];
            rest /= n_cand[free_in[k]];
            set_in(&x, free_in[k], cand[free_in[k]][digit[k]]);
        }
        int el;
        const char *c = rule(&x, &el);
        elig_seen[el] = 1;
        int seen = 0;
        for (int j = 0; j < n_classes; j++)
            seen |= same_class(classes[j], c);
        if (!seen && n_classes < 8)
            classes[n_classes++] = c;
        /* which missing input, changed alone, changes the answer */
        for (int k = 0; k < nf; k++)
            for (int d = 0; d < n_cand[free_in[k]] && !matters[k]; d++) {
                crt_in y = x;
                set_in(&y, free_in[k], cand[free_in[k]][d]);
                int el2;
                const char *c2 = rule(&y, &el2);
                matters[k] |= el2 != el || !same_class(c2, c);
            }
    }
    size_t n = 0;
    for (int k = 0; k < nf; k++)
        if (matters[k] && n < sizeof e->missing)
            n += (size_t)snprintf(e->missing + n, sizeof e->missing - n, "%s%s", n ? ", " : "",
                                  in_name[free_in[k]]);
    e->eligible = elig_seen[0] && elig_seen[1] ? -1 : elig_seen[1];
    e->known = e->eligible >= 0;
    int no_class = classes[0] && !classes[0][0]; /* the classic set */
    e->class_known = n_classes == 1 && !no_class;
    e->cls = e->class_known ? classes[0] : NULL;
    /* strongest recommendation first: I, IIa, IIb, III, none */
    for (int a = 1; a < n_classes; a++)
        for (int b = a; b > 0 && class_rank(classes[b]) < class_rank(classes[b - 1]); b--) {
            const char *t = classes[b];
            classes[b] = classes[b - 1];
            classes[b - 1] = t;
        }
    n = 0;
    e->classes[0] = '\0';
    for (int j = 0; j < n_classes && !no_class && n < sizeof e->classes; j++)
        n += (size_t)snprintf(e->classes + n, sizeof e->classes - n, "%s%s", j ? ", " : "",
                              cls_text(classes[j]));
}

/* The given inputs that already fail the classic criteria, "LVEF 60 %
 * (needs <= 35 %)". */
static void classic_note(const dys_study *s, dys_eligibility *e)
{
    char fail[120] = "";
    size_t n = 0;
    if (s->lvef_pct > 35)
        n += (size_t)snprintf(fail + n, sizeof fail - n, "LVEF %.0f %% (needs <= 35 %%)",
                              s->lvef_pct);
    if (s->qrs_duration_ms < 120 && n < sizeof fail)
        n += (size_t)snprintf(fail + n, sizeof fail - n, "%sQRS %.0f ms (needs >= 120)",
                              n ? ", " : "", s->qrs_duration_ms);
    if (s->nyha >= 1 && s->nyha < 3 && n < sizeof fail)
        snprintf(fail + n, sizeof fail - n, "%sNYHA %s (needs III-IV)", n ? ", " : "",
                 s->nyha == 1 ? "I" : "II");
    if (e->eligible == 0 && fail[0])
        snprintf(e->note, sizeof e->note, "not met: %s", fail);
    else if (e->eligible < 0)
        snprintf(e->note, sizeof e->note, "LVEF <= 35 %%, QRS >= 120 ms, NYHA III-IV; "
                 "depends on %s", e->missing);
    else
        snprintf(e->note, sizeof e->note, "LVEF <= 35 %%, QRS >= 120 ms, NYHA III-IV");
}

static void class_note(dys_eligibility *e, const char *outside, const char *suffix)
{
    char missing[sizeof e->missing]; /* a copy: gcc -Wrestrict at -O0 */
    memcpy(missing, e->missing, sizeof missing);
    if (e->eligible < 0)
        snprintf(e->note, sizeof e->note, "unknown: class %s depending on %s%s", e->classes,
                 missing, suffix);
    else if (!e->class_known)
        snprintf(e->note, sizeof e->note, "%s whatever %s; the class (%s) depends on it%s",
                 e->eligible ? "CRT recommended" : "CRT not recommended", missing, e->classes,
                 suffix);
    else if (!e->cls)
        snprintf(e->note, sizeof e->note, "outside the indications (%s)%s", outside, suffix);
    else
        snprintf(e->note, sizeof e->note, "%s%s",
                 strcmp(e->cls, "III") ? "CRT recommended at this class"
                                       : "CRT not recommended (class III)", suffix);
}

#define USES(...) bits_of((int[]){__VA_ARGS__, -1})
static unsigned bits_of(const int *k)
{
    unsigned m = 0;
    for (; *k >= 0; k++)
        m |= 1u << *k;
    return m;
}

void dys_crt_eligibility(const dys_study *s, dys_result *r)
{
    memset(r->crt, 0, sizeof r->crt);
    evaluate(s, "classic", classic_rule, USES(IN_LVEF, IN_QRS, IN_NYHA), &r->crt[0]);
    classic_note(s, &r->crt[0]);
    evaluate(s, "acc_aha_hrs_2012", acc_2012_rule,
             USES(IN_LVEF, IN_QRS, IN_LBBB, IN_NYHA, IN_AETIOLOGY), &r->crt[1]);
    class_note(&r->crt[1], "LVEF > 35 %, QRS < 120 ms or NYHA I", "");
    evaluate(s, "esc_2021", esc_2021_rule, USES(IN_LVEF, IN_QRS, IN_LBBB, IN_NYHA),
             &r->crt[2]);
    /* ESC 2021's classes are for sinus rhythm: said with the study's
     * rhythm when it gives one (atrial fibrillation is also a response
     * factor, dys_response_factors). */
    class_note(&r->crt[2], "LVEF > 35 % or asymptomatic",
               s->rhythm == DYS_RHYTHM_SINUS ? "; for sinus rhythm (rhythm: sinus)"
               : s->rhythm == DYS_RHYTHM_AF
                   ? "; for sinus rhythm: not this study's (rhythm: atrial fibrillation)"
                   : "; for sinus rhythm (rhythm not given)");
    r->lvef_pct = s->lvef_pct;
    r->qrs_duration_ms = s->qrs_duration_ms;
    r->nyha = s->nyha;
    r->lbbb = s->lbbb;
    /* Contradictions: said, never silently resolved. */
    if (s->lbbb == 1 && s->qrs_duration_ms < 120)
        dys_strlist_add(&r->warnings, &r->n_warnings,
                        "lbbb yes with QRS %.0f ms: LBBB requires QRS >= 120 ms (AHA/ACCF/HRS "
                        "2009); check both, eligibility was read with the values as given",
                        s->qrs_duration_ms);
    if (s->nyha == 1)
        dys_strlist_add(&r->warnings, &r->n_warnings,
                        "nyha I (no symptoms): the classic criteria (NYHA III-IV) and ESC 2021 "
                        "(NYHA II-IV) require symptoms; ACC/AHA/HRS 2012 gives NYHA I at most "
                        "class IIb (LBBB >= 150 ms, LVEF <= 30 %%, ischaemic aetiology)");
    r->echocrt_warning[0] = '\0';
    int dys = 0;
    for (int c = 0; c < r->n_class; c++)
        dys |= r->classification[c].dyssynchronous == 1;
    if (isfinite(s->qrs_duration_ms) && s->qrs_duration_ms < 130 && dys)
        snprintf(r->echocrt_warning, sizeof r->echocrt_warning,
                 "QRS %.0f ms (< 130) with echo dyssynchrony: in EchoCRT (NEJM 2013) CRT "
                 "chosen this way raised mortality (HR 1.81); echo dyssynchrony is not an "
                 "indication for CRT in narrow QRS", s->qrs_duration_ms);
    /* Without the warning, a narrow QRS reads as "no echo dyssynchrony":
     * say so when indices that would classify were not computed. */
    char skipped[200] = "";
    size_t n = 0;
    for (int c = 0; !dys && c < r->n_class && n < sizeof skipped; c++) {
        const dys_class *k = &r->classification[c];
        if (!k->reference_only && !strcmp(r->index_reason[k->index], DYS_NOT_REQUESTED))
            n += (size_t)snprintf(skipped + n, sizeof skipped - n, "%s%s", n ? ", " : "",
                                  dys_index_get(k->index)->key);
    }
    if (isfinite(s->qrs_duration_ms) && s->qrs_duration_ms < 130 && skipped[0])
        dys_strlist_add(&r->warnings, &r->n_warnings,
                        "QRS %.0f ms (< 130): the EchoCRT check (echo dyssynchrony in narrow "
                        "QRS) read only the indices requested; not requested (--indices): %s",
                        s->qrs_duration_ms, skipped);
}

/* The free-wall segments a coronary-sinus lead can reach (basal and mid:
 * see the rule at the top). */
static const int reachable[] = {
    DYS_AHA_BASAL_ANTERIOR,      DYS_AHA_BASAL_INFERIOR, DYS_AHA_BASAL_INFEROLATERAL,
    DYS_AHA_BASAL_ANTEROLATERAL, DYS_AHA_MID_ANTERIOR,   DYS_AHA_MID_INFERIOR,
    DYS_AHA_MID_INFEROLATERAL,   DYS_AHA_MID_ANTEROLATERAL};
#define N_REACHABLE ((int)(sizeof reachable / sizeof reachable[0]))

static const char *scar_text(const dys_result *r, int seg, char *buf, size_t cap)
{
    double p = r->scar_pct[seg];
    switch (r->scar[seg]) {
    case DYS_SCAR_NONE: snprintf(buf, cap, "no scar"); break;
    case DYS_SCAR_NON_TRANSMURAL:
        if (isfinite(p))
            snprintf(buf, cap, "non-transmural scar (%.0f %% of the wall)", p);
        else
            snprintf(buf, cap, "non-transmural scar");
        break;
    case DYS_SCAR_TRANSMURAL:
        if (isfinite(p))
            snprintf(buf, cap, "transmural scar (%.0f %% of the wall)", p);
        else
            snprintf(buf, cap, "transmural scar");
        break;
    default: snprintf(buf, cap, "scar not given"); break;
    }
    return buf;
}

int dys_segments_adjacent(int a, int b)
{
    /* Rings of six in the same wall order (dys_segment): neighbours in a
     * ring, or the same wall in the next ring, share a border; segments
     * meeting at a corner only do not. */
    int ra = a / 6, rb = b / 6, wa = a % 6, wb = b % 6;
    if (ra == rb)
        return (wa + 1) % 6 == wb || (wb + 1) % 6 == wa;
    return wa == wb && abs(ra - rb) == 1;
}

static void add_excluded(dys_result *r, int seg, double t, const char *reason)
{
    dys_lead_excluded *e = &r->lead_excluded[r->n_lead_excluded++];
    e->segment = seg;
    e->ts_ms = t;
    snprintf(e->reason, sizeof e->reason, "%s", reason);
}

static void lead_concordance(const dys_study *s, dys_result *r)
{
    r->lead_segment = s->lead_segment > 0 ? s->lead_segment - 1 : -1;
    r->lead_concordance = DYS_LEAD_NOT_GIVEN;
    r->lead_concordance_note[0] = '\0';
    if (r->lead_segment < 0)
        return;
    const char *name = dys_segment_name(r->lead_segment);
    if (r->n_lead == 0) {
        snprintf(r->lead_concordance_note, sizeof r->lead_concordance_note,
                 "lead at %s: no target to compare it with", name);
        return;
    }
    /* TARGET: concordant at the target (any of equally late segments),
     * adjacent within one segment, remote two or more away. */
    for (int i = 0; i < r->n_lead; i++)
        if (r->lead[i].segment == r->lead_segment) {
            r->lead_concordance = DYS_LEAD_CONCORDANT;
            snprintf(r->lead_concordance_note, sizeof r->lead_concordance_note,
                     "lead at %s: concordant (a target segment)", name);
            return;
        }
    for (int i = 0; i < r->n_lead; i++)
        if (dys_segments_adjacent(r->lead[i].segment, r->lead_segment)) {
            r->lead_concordance = DYS_LEAD_ADJACENT;
            snprintf(r->lead_concordance_note, sizeof r->lead_concordance_note,
                     "lead at %s: adjacent (shares a border with %s)", name,
                     dys_segment_name(r->lead[i].segment));
            return;
        }
    r->lead_concordance = DYS_LEAD_REMOTE;
    snprintf(r->lead_concordance_note, sizeof r->lead_concordance_note,
             "lead at %s: remote (two or more segments from the target)", name);
}

void dys_lead_target(const dys_study *s, dys_result *r)
{
    const char *what = r->trace == DYS_TRACE_STRAIN ? "TTP" : "Ts";
    memcpy(r->scar, s->scar, sizeof r->scar);
    memcpy(r->scar_pct, s->scar_pct, sizeof r->scar_pct);
    memcpy(r->vein, s->vein, sizeof r->vein);
    r->n_lead = 0;
    r->n_lead_excluded = 0;
    r->lead_none_reason[0] = '\0';
    double earliest = INFINITY, latest = -INFINITY;
    /* The target and the earliest segment the delays count from are both
     * basal or mid: a coronary-sinus lead is placed there (an apical
     * position did worse: Singh, MADIT-CRT, Circulation 2011;123:1159), and
     * the delays then mean the same with or without apical segments. */
    for (int i = 0; i < DYS_N_SEGMENTS_12; i++)
        if (r->seg[i].status == DYS_SEG_OK)
            earliest = fmin(earliest, dys_activation_ms(r, i));
    /* Admissible: measured (ok), not transmural scar (TARGET and Bleeker
     * 2006: a lead over transmural scar does not resynchronise), reached
     * by a suitable vein when the veins are given.  The others are listed
     * with why; non-transmural scar stays admissible and is said. */
    int adm[N_REACHABLE];
    int n_ok = 0;
    for (int i = 0; i < N_REACHABLE; i++) {
        int g = reachable[i];
        double t = dys_activation_ms(r, g);
        adm[i] = 0;
        if (r->seg[g].status != DYS_SEG_OK) {
            char b[96];
            snprintf(b, sizeof b, "not measured (%s)", dys_seg_status_name(r->seg[g].status));
            add_excluded(r, g, NAN, b);
            continue;
        }
        n_ok++;
        if (r->scar[g] == DYS_SCAR_TRANSMURAL) {
            char b[64];
            add_excluded(r, g, t, scar_text(r, g, b, sizeof b));
            continue;
        }
        if (r->vein[g] == DYS_VEIN_NO) {
            add_excluded(r, g, t, "no suitable vein reaches it");
            continue;
        }
        adm[i] = 1;
        latest = fmax(latest, t);
    }
    if (!isfinite(latest)) {
        snprintf(r->lead_none_reason, sizeof r->lead_none_reason, "%s",
                 n_ok == 0 ? "no ok free-wall segment"
                           : "every ok free-wall segment has transmural scar or no suitable "
                             "vein");
        lead_concordance(s, r);
        return;
    }
    for (int i = 0; i < N_REACHABLE; i++) {
        if (!adm[i])
            continue;
        int g = reachable[i];
        double t = dys_activation_ms(r, g);
        if (t < latest - LEAD_WITHIN_MS) {
            char b[96];
            snprintf(b, sizeof b, "%s %.0f ms before the latest admissible segment (more than "
                     "20 ms)", what, latest - t);
            add_excluded(r, g, t, b);
            continue;
        }
        dys_lead *l = &r->lead[r->n_lead++];
        l->segment = g;
        l->ts_ms = t;
        l->delay_ms = t - earliest;
        char b[64];
        snprintf(l->reason, sizeof l->reason, "%s %.0f ms, +%.0f ms; %s; %s", what, t,
                 t - earliest, scar_text(r, g, b, sizeof b),
                 r->vein[g] == DYS_VEIN_YES ? "a vein reaches it" : "veins not given");
    }
    /* latest first */
    for (int a = 1; a < r->n_lead; a++)
        for (int b = a; b > 0 && r->lead[b].ts_ms > r->lead[b - 1].ts_ms; b--) {
            dys_lead t = r->lead[b];
            r->lead[b] = r->lead[b - 1];
            r->lead[b - 1] = t;
        }
    lead_concordance(s, r);
}

/* ---- factors of non-response ------------------------------------------ */

/* RV systolic dysfunction: the ASE right-heart limits (Rudski, J Am Soc
 * Echocardiogr 2010;23:685, its table of abnormal values: TAPSE < 1.6
 * cm, pulsed tissue Doppler S' < 10 cm/s). */
#define TAPSE_ABNORMAL_MM 16.0
#define RV_S_ABNORMAL_CM_S 10.0

/* The factors' keys in the order they are reported.  One list, read by
 * factor() and by the writers (the studies.csv header names a column per
 * factor before any result exists), so that a column's name and the
 * factor filling it cannot drift apart. */
enum { F_DYSSYNCHRONY, F_NON_LBBB, F_RV, F_ISCHAEMIC, F_SCAR, F_LEAD_REMOTE, F_AF };
static const char *const factor_keys[DYS_N_RESPONSE_FACTORS] = {
    "no_mechanical_dyssynchrony", "non_lbbb", "rv_dysfunction", "ischaemic_aetiology",
    "scar_at_target", "lead_remote", "atrial_fibrillation"};

const char *dys_response_factor_key(int i)
{
    return i >= 0 && i < DYS_N_RESPONSE_FACTORS ? factor_keys[i] : NULL;
}

/* Factor `which` goes to its own slot, whatever order the code below
 * fills them in, so the result's order is always factor_keys'. */
static dys_response_factor *factor(dys_result *r, int which, const char *label,
                                   const char *source)
{
    dys_response_factor *f = &r->response_factor[which];
    if (r->n_response_factors <= which)
        r->n_response_factors = which + 1;
    f->key = factor_keys[which];
    f->label = label;
    f->source = source;
    f->state = -1;
    f->value[0] = '\0';
    return f;
}

static void factor_dyssynchrony(dys_result *r)
{
    dys_response_factor *f =
        factor(r, F_DYSSYNCHRONY, "no mechanical dyssynchrony despite QRS >= 150 ms",
               "Bleeker, Circulation 2006;113:969 (response 11 % without LV dyssynchrony or "
               "with posterolateral scar)");
    double q = r->qrs_duration_ms;
    if (!isfinite(q)) {
        snprintf(f->value, sizeof f->value, "qrs_duration_ms not given");
        return;
    }
    if (q < 150) {
        f->state = 0;
        snprintf(f->value, sizeof f->value, "QRS %.0f ms (< 150)", q);
        return;
    }
    int known = 0;
    for (int i = 0; i < r->n_class; i++) {
        const dys_class *c = &r->classification[i];
        if (!c->validated || c->reference_only || c->dyssynchronous < 0)
            continue;
        known++;
        if (c->dyssynchronous == 1) {
            f->state = 0;
            snprintf(f->value, sizeof f->value, "QRS %.0f ms; %s %.1f at or above its cut-off %.1f", q,
                     dys_index_get(c->index)->key, c->value, c->cutoff);
            return;
        }
    }
    if (!known) {
        snprintf(f->value, sizeof f->value,
                 "QRS %.0f ms; no index with a validated cut-off computed", q);
        return;
    }
    f->state = 1;
    snprintf(f->value, sizeof f->value,
             "QRS %.0f ms; none of %d indices with a validated cut-off exceeded", q, known);
}

static void factor_rv(const dys_study *s, dys_result *r)
{
    dys_response_factor *f = factor(r, F_RV, "RV systolic dysfunction",
                                    "Rudski, J Am Soc Echocardiogr 2010;23:685 (TAPSE < 16 mm, "
                                    "S' < 10 cm/s abnormal)");
    double t = s->tapse_mm, v = s->rv_s_prime_cm_s;
    if (!isfinite(t) && !isfinite(v)) {
        snprintf(f->value, sizeof f->value, "tapse_mm and rv_s_prime_cm_s not given");
        return;
    }
    f->state = (isfinite(t) && t < TAPSE_ABNORMAL_MM) || (isfinite(v) && v < RV_S_ABNORMAL_CM_S);
    size_t n = 0;
    if (isfinite(t))
        n += (size_t)snprintf(f->value + n, sizeof f->value - n, "TAPSE %.1f mm (%s 16)", t,
                              t < TAPSE_ABNORMAL_MM ? "<" : ">=");
    else
        n += (size_t)snprintf(f->value + n, sizeof f->value - n, "tapse_mm not given");
    if (isfinite(v))
        snprintf(f->value + n, sizeof f->value - n, "; S' %.1f cm/s (%s 10)", v,
                 v < RV_S_ABNORMAL_CM_S ? "<" : ">=");
    else
        snprintf(f->value + n, sizeof f->value - n, "; rv_s_prime_cm_s not given");
}

static void factor_scar_at_target(dys_result *r)
{
    dys_response_factor *f =
        factor(r, F_SCAR, "scar at the latest-activated segment",
               "Bleeker, Circulation 2006;113:969 (transmural posterolateral scar: response 14 % "
               "against 81 %); Leyva, J Cardiovasc Magn Reson 2011;13:29 (pacing over scar)");
    /* The target by timing alone: the latest ok free-wall segment. */
    int best = -1;
    for (int i = 0; i < N_REACHABLE; i++) {
        int g = reachable[i];
        if (r->seg[g].status == DYS_SEG_OK &&
            (best < 0 || dys_activation_ms(r, g) > dys_activation_ms(r, best)))
            best = g;
    }
    if (best < 0) {
        snprintf(f->value, sizeof f->value, "no ok free-wall segment");
        return;
    }
    char b[64];
    if (r->scar[best] == DYS_SCAR_UNKNOWN) {
        snprintf(f->value, sizeof f->value, "%s: scar not given", dys_segment_name(best));
        return;
    }
    f->state = r->scar[best] != DYS_SCAR_NONE;
    snprintf(f->value, sizeof f->value, "%s: %s", dys_segment_name(best),
             scar_text(r, best, b, sizeof b));
}

void dys_response_factors(const dys_study *s, dys_result *r)
{
    r->n_response_factors = 0;
    r->tapse_mm = s->tapse_mm;
    r->rv_s_prime_cm_s = s->rv_s_prime_cm_s;
    r->aetiology = s->aetiology;
    r->rhythm = s->rhythm;
    factor_dyssynchrony(r);

    dys_response_factor *f = factor(r, F_NON_LBBB, "non-LBBB QRS morphology",
                                    "ESC 2021 (Glikson, Eur Heart J 2021;42:3427): non-LBBB "
                                    "QRS >= 150 ms class IIa, LBBB class I");
    f->state = r->lbbb < 0 ? -1 : !r->lbbb;
    snprintf(f->value, sizeof f->value, "%s",
             r->lbbb < 0 ? "lbbb not given" : r->lbbb ? "lbbb: yes" : "lbbb: no");

    factor_rv(s, r);

    f = factor(r, F_ISCHAEMIC, "ischaemic aetiology",
               "Bleeker, Circulation 2006;113:969; Europace 2007;9:1031 (scar size and "
               "transmurality in ischaemic cardiomyopathy)");
    f->state = s->aetiology == DYS_AETIOLOGY_UNKNOWN ? -1
                                                      : s->aetiology == DYS_AETIOLOGY_ISCHAEMIC;
    snprintf(f->value, sizeof f->value, "%s",
             s->aetiology == DYS_AETIOLOGY_UNKNOWN     ? "aetiology not given"
             : s->aetiology == DYS_AETIOLOGY_ISCHAEMIC ? "aetiology: ischaemic"
                                                       : "aetiology: non-ischaemic");

    factor_scar_at_target(r);

    f = factor(r, F_LEAD_REMOTE, "LV lead remote from the latest-activated segment",
               "Khan, J Am Coll Cardiol 2012;59:1509 (TARGET); Saba, Circ Heart Fail "
               "2013;6:427 (STARTER)");
    f->state = r->lead_concordance == DYS_LEAD_NOT_GIVEN ? -1
                                                         : r->lead_concordance == DYS_LEAD_REMOTE;
    snprintf(f->value, sizeof f->value, "%s",
             r->lead_concordance_note[0] ? r->lead_concordance_note : "lead_segment not given");

    f = factor(r, F_AF, "atrial fibrillation",
               "ESC 2021 (Glikson, Eur Heart J 2021;42:3427): the CRT classes I-IIb above are "
               "for sinus rhythm");
    f->state = s->rhythm == DYS_RHYTHM_UNKNOWN ? -1 : s->rhythm == DYS_RHYTHM_AF;
    snprintf(f->value, sizeof f->value, "%s",
             s->rhythm == DYS_RHYTHM_UNKNOWN ? "rhythm not given"
             : s->rhythm == DYS_RHYTHM_AF    ? "rhythm: atrial fibrillation"
                                             : "rhythm: sinus");
}
