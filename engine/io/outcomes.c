/*
 * outcomes.c - outcomes files and the response definitions of CRT trials
 * (dyssync_stats.h).  The rules live here, not in a front end, so that
 * dyssync stats, a script through the library and the fuzz target agree
 * on who responded.
 */
#include "internal.h"
#include "dyssync_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const value_cols[DYS_N_OUTCOME_VALUES] = {
    "lvesv_baseline_ml", "lvesv_followup_ml", "lvef_baseline_pct", "lvef_followup_pct",
    "nyha_baseline",     "nyha_followup",     "walk6_baseline_m",  "walk6_followup_m",
    "dpdt_max_baseline_mmhg_s", "dpdt_max_paced_mmhg_s"};

static const struct {
    const char *name, *description;
} defs[DYS_N_RESPONSE_DEFS] = {
    {"lvesv15", "LVESV reduction >= 15 %"},
    {"lvef5", "LVEF increase >= 5 points"},
    {"composite", "clinical composite improved (Packer)"},
    {"nyha1", "NYHA improvement >= 1 class"},
    {"nyha1_walk25", "NYHA >= 1 class and 6-min walk >= +25 %"},
    {"dpdt10", "acute LV dP/dt max rise >= 10 % (paced)"},
};

const char *dys_outcome_column(dys_outcome_value v)
{
    return (unsigned)v < DYS_N_OUTCOME_VALUES ? value_cols[v] : NULL;
}

const char *dys_response_name(dys_response_def def)
{
    return (unsigned)def < DYS_N_RESPONSE_DEFS ? defs[def].name : NULL;
}

const char *dys_response_description(dys_response_def def)
{
    return (unsigned)def < DYS_N_RESPONSE_DEFS ? defs[def].description : NULL;
}

int dys_response_parse(const char *s)
{
    for (int d = 0; s && d < DYS_N_RESPONSE_DEFS; d++)
        if (!strcmp(s, defs[d].name))
            return d;
    return -1;
}

int dys_parse_yes_no(const char *s)
{
    if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1"))
        return 1;
    if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0"))
        return 0;
    return -1;
}

static int answer(const char **why, const char *text, int r)
{
    if (why)
        *why = text;
    return r;
}

int dys_response(const dys_outcome *o, dys_response_def def, const char **why)
{
    const double *v = o->v;
    /* The acute haemodynamic response (Duckett, JACC 2011;58:1128: the
     * rise of LV dP/dt max from the baseline rhythm to CRT pacing, at
     * implant, by a pressure wire or from the mitral regurgitation jet):
     * measured before any follow-up, so a later death or hospitalisation
     * does not change it. */
    if (def == DYS_RESP_DPDT10) {
        if (!isfinite(v[DYS_OUT_DPDT_BASELINE]) || !isfinite(v[DYS_OUT_DPDT_PACED]))
            return answer(why, "LV dP/dt max before or with pacing not given", -1);
        return 100.0 * (v[DYS_OUT_DPDT_PACED] - v[DYS_OUT_DPDT_BASELINE]) /
                       v[DYS_OUT_DPDT_BASELINE] >= 10.0
                   ? answer(why, "LV dP/dt max rose by 10 % or more with pacing", 1)
                   : answer(why, "LV dP/dt max rose by less than 10 % with pacing", 0);
    }
    if (o->death_hf == 1)
        return answer(why, "death or heart-failure hospitalisation", 0);
    switch (def) {
    case DYS_RESP_LVESV15:
        if (!isfinite(v[DYS_OUT_LVESV_BASELINE]) || !isfinite(v[DYS_OUT_LVESV_FOLLOWUP]) ||
            !(v[DYS_OUT_LVESV_BASELINE] > 0))
            return answer(why, "no baseline (> 0) and follow-up LVESV", -1);
        return 100.0 * (v[DYS_OUT_LVESV_BASELINE] - v[DYS_OUT_LVESV_FOLLOWUP]) /
                       v[DYS_OUT_LVESV_BASELINE] >= 15.0
                   ? answer(why, "LVESV fell by 15 % or more", 1)
                   : answer(why, "LVESV fell by less than 15 %", 0);
    case DYS_RESP_LVEF5:
        if (!isfinite(v[DYS_OUT_LVEF_BASELINE]) || !isfinite(v[DYS_OUT_LVEF_FOLLOWUP]))
            return answer(why, "no baseline and follow-up LVEF", -1);
        return v[DYS_OUT_LVEF_FOLLOWUP] - v[DYS_OUT_LVEF_BASELINE] >= 5.0
                   ? answer(why, "LVEF rose by 5 points or more", 1)
                   : answer(why, "LVEF rose by less than 5 points", 0);
    case DYS_RESP_COMPOSITE:
        if (o->composite != -2)
            return o->composite == 1 ? answer(why, "composite improved", 1)
                                     : answer(why, "composite unchanged or worsened", 0);
        /* not given: from NYHA alone (the global assessment is not in the
         * file): worse NYHA worsened, better improved */
        if (!isfinite(v[DYS_OUT_NYHA_BASELINE]) || !isfinite(v[DYS_OUT_NYHA_FOLLOWUP]))
            return answer(why, "no composite, and no baseline and follow-up NYHA", -1);
        return v[DYS_OUT_NYHA_FOLLOWUP] < v[DYS_OUT_NYHA_BASELINE]
                   ? answer(why, "no composite given; NYHA class improved", 1)
                   : answer(why, "no composite given; NYHA class did not improve", 0);
    case DYS_RESP_NYHA1:
        if (!isfinite(v[DYS_OUT_NYHA_BASELINE]) || !isfinite(v[DYS_OUT_NYHA_FOLLOWUP]))
            return answer(why, "no baseline and follow-up NYHA", -1);
        return v[DYS_OUT_NYHA_BASELINE] - v[DYS_OUT_NYHA_FOLLOWUP] >= 1.0
                   ? answer(why, "NYHA improved by 1 class or more", 1)
                   : answer(why, "NYHA did not improve", 0);
    case DYS_RESP_NYHA1_WALK25: {
        int ny = dys_response(o, DYS_RESP_NYHA1, why);
        if (ny < 0)
            return -1;
        if (!isfinite(v[DYS_OUT_WALK6_BASELINE]) || !isfinite(v[DYS_OUT_WALK6_FOLLOWUP]) ||
            !(v[DYS_OUT_WALK6_BASELINE] > 0))
            return answer(why, "no baseline (> 0) and follow-up 6-minute walk", -1);
        if (!ny)
            return 0; /* why: NYHA's */
        return 100.0 * (v[DYS_OUT_WALK6_FOLLOWUP] - v[DYS_OUT_WALK6_BASELINE]) /
                       v[DYS_OUT_WALK6_BASELINE] >= 25.0
                   ? answer(why, "NYHA improved and 6-minute walk rose by 25 % or more", 1)
                   : answer(why, "6-minute walk rose by less than 25 %", 0);
    }
    default:
        break;
    }
    return answer(why, "unknown response definition", -1);
}

void dys_outcomes_free(dys_outcomes *os)
{
    if (!os)
        return;
    for (size_t i = 0; os->o && i < os->n; i++)
        free(os->o[i].study_id);
    free(os->o);
    memset(os, 0, sizeof *os);
}

const dys_outcome *dys_outcomes_find(const dys_outcomes *os, const char *id)
{
    for (size_t i = 0; i < os->n; i++)
        if (!strcmp(os->o[i].study_id, id))
            return &os->o[i];
    return NULL;
}

/* One row of the table into o (its study_id already set). */
static dys_status read_row(dys_ctx *ctx, const dys_table *t, size_t r, const int *numc,
                           int comp, int death, dys_outcome *o)
{
    for (int k = 0; k < DYS_N_OUTCOME_VALUES; k++) {
        o->v[k] = NAN;
        if (numc[k] >= 0 && dys_table_num(ctx, t, r, numc[k], &o->v[k]) < 0)
            return DYS_ERR_PARSE;
    }
    for (int k = DYS_OUT_NYHA_BASELINE; k <= DYS_OUT_NYHA_FOLLOWUP; k++)
        if (isfinite(o->v[k]) && (o->v[k] < 1 || o->v[k] > 4 || o->v[k] != floor(o->v[k])))
            return dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%d: NYHA class must be 1, 2, 3 or 4",
                            t->path, t->line[r], numc[k] + 1);
    /* LV dP/dt max of a failing ventricle is some hundreds to 2,000
     * mmHg/s; 0 or less is no measurement, and a value in mmHg/ms (1000x
     * smaller) or a percentage would give a wrong rise, so such values are
     * named instead of used */
    for (int k = DYS_OUT_DPDT_BASELINE; k <= DYS_OUT_DPDT_PACED; k++)
        if (isfinite(o->v[k]) && (o->v[k] < 100 || o->v[k] > 10000))
            return dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%d: %s %g is not an LV dP/dt max in "
                            "mmHg/s (100-10000)", t->path, t->line[r], numc[k] + 1,
                            value_cols[k], o->v[k]);
    o->composite = -2;
    const char *cs = comp >= 0 ? dys_table_get(t, r, comp) : "";
    if (*cs) {
        o->composite = !strcmp(cs, "improved") ? 1 : !strcmp(cs, "unchanged") ? 0
                     : !strcmp(cs, "worsened") ? -1 : -3;
        if (o->composite == -3)
            return dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%d: composite must be improved, "
                            "unchanged or worsened, not \"%s\"", t->path, t->line[r],
                            comp + 1, cs);
    }
    o->death_hf = -1;
    const char *ds = death >= 0 ? dys_table_get(t, r, death) : "";
    if (*ds && (o->death_hf = dys_parse_yes_no(ds)) < 0)
        return dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%d: death_or_hf_hospitalisation must be "
                        "yes or no, not \"%s\"", t->path, t->line[r], death + 1, ds);
    return DYS_OK;
}

dys_status dys_outcomes_read(dys_ctx *ctx, const char *path, const dys_table_options *opts,
                             dys_outcomes *os)
{
    memset(os, 0, sizeof *os);
    dys_table t;
    dys_status rc = dys_table_read(ctx, path, opts, &t);
    if (rc != DYS_OK)
        return rc;
    int idc = dys_table_col(&t, "study_id"), comp = -1, death = -1;
    int numc[DYS_N_OUTCOME_VALUES];
    for (int k = 0; k < DYS_N_OUTCOME_VALUES; k++)
        numc[k] = dys_table_col(&t, value_cols[k]);
    if (idc < 0)
        rc = dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu: no study_id column", path, (size_t)1);
    for (size_t c = 0; c < t.ncol && rc == DYS_OK; c++) {
        const char *h = t.head[c];
        int known = !strcmp(h, "study_id");
        for (int k = 0; k < DYS_N_OUTCOME_VALUES; k++)
            known |= !strcmp(h, value_cols[k]);
        if (!strcmp(h, "composite"))
            known = 1, comp = (int)c;
        if (!strcmp(h, "death_or_hf_hospitalisation"))
            known = 1, death = (int)c;
        if (!known)
            rc = dys_fail(ctx, DYS_ERR_PARSE, "%s: column %zu \"%s\" is not an outcome "
                          "(study_id, lvesv_baseline_ml, lvesv_followup_ml, lvef_baseline_pct, "
                          "lvef_followup_pct, nyha_baseline, nyha_followup, composite, "
                          "walk6_baseline_m, walk6_followup_m, death_or_hf_hospitalisation, "
                          "dpdt_max_baseline_mmhg_s, dpdt_max_paced_mmhg_s)",
                          path, c + 1, h);
    }
    if (rc == DYS_OK && !(os->o = calloc(t.nrow ? t.nrow : 1, sizeof *os->o)))
        rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < t.nrow && rc == DYS_OK; r++) {
        dys_outcome *o = &os->o[os->n];
        const char *id = dys_table_get(&t, r, idc);
        if (!*id) {
            rc = dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%d: empty study_id", path, t.line[r],
                          idc + 1);
            break;
        }
        /* a linear search per row: outcomes files are a few hundred rows */
        if (dys_outcomes_find(os, id)) {
            rc = dys_fail(ctx, DYS_ERR_PARSE, "%s:%zu:%d: study_id %s appears twice", path,
                          t.line[r], idc + 1, id);
            break;
        }
        if (!(o->study_id = dys_strdup(id))) {
            rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
            break;
        }
        os->n++;
        rc = read_row(ctx, &t, r, numc, comp, death, o);
    }
    dys_table_free(&t);
    if (rc != DYS_OK)
        dys_outcomes_free(os);
    return rc;
}
