/*
 * write.c - writing a synthetic archive: each recording's file, truth.csv
 * and truth_beats.csv, the outcomes model, and the public dys_synth_*
 * functions.
 */
#include "synth_internal.h"

/* ------------------------------------------------------------------ */
/* Writing                                                              */

static dys_status make_dir(dys_ctx *ctx, const char *path)
{
    /* the missing parents first, as `mkdir -p` */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", path);
    for (char *sl = strchr(parent + 1, '/'); sl; sl = strchr(sl + 1, '/')) {
        *sl = '\0';
        if (mkdir(parent, 0755) != 0 && errno != EEXIST)
            break; /* the final mkdir says why */
        *sl = '/';
    }
    if (mkdir(path, 0755) == 0)
        return DYS_OK;
    int e = errno;
    struct stat sb;
    if (e == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return DYS_OK;
    return dys_fail(ctx, DYS_ERR_IO, "%s: cannot create directory: %s", path,
                    e == EEXIST ? "a file of that name exists" : strerror(e));
}

/* The Doppler and M-mode timing keys (dys_synth_params.doppler), the
 * same in every file of a study.  The LV pre-ejection period is the
 * model's AVO (QRS onset to aortic flow onset is what both measure); the
 * rest is drawn from the study's own stream, so that turning the keys on
 * moves no other number: the interventricular delay 30-70 ms in the
 * dyssynchronous half, 0-30 ms in the other (CARE-HF's criterion is > 40
 * ms), kept so that the RV's period is at least 40 ms; SPWMD 100-250 and
 * 0-80 ms (Pitzalis: >= 130); the filling time is the RR less AVC and an
 * 80-ms isovolumic relaxation, as % of the RR. */
static void write_doppler(FILE *fp, const dys_synth_params *p, const syn_study *st,
                          uint64_t index, const char *eol)
{
    syn_rng r;
    syn_rng_init(&r, p->seed, index, STREAM_DOPPLER);
    double ivmd = st->dyssync ? syn_rng_range(&r, 30.0, 70.0) : syn_rng_range(&r, 0.0, 30.0);
    double spwmd = st->dyssync ? syn_rng_range(&r, 100.0, 250.0) : syn_rng_range(&r, 0.0, 80.0);
    ivmd = floor(fmin(ivmd, st->avo_ms - 40.0) + 0.5);
    fprintf(fp, "# lv_pep_ms: %.0f%s", st->avo_ms, eol);
    fprintf(fp, "# rv_pep_ms: %.0f%s", st->avo_ms - ivmd, eol);
    fprintf(fp, "# spwmd_ms: %.0f%s", floor(spwmd + 0.5), eol);
    fprintf(fp, "# filling_time_pct_rr: %.1f%s",
            100.0 * (st->rr_ms - st->avc_ms - 80.0) / st->rr_ms, eol);
}

/* Write one recording (all segments, or those of one view).  pl: the
 * beats and ECG of a several-beat / ECG recording; NULL for the single
 * beat. */
static dys_status write_recording(dys_ctx *ctx, const dys_synth_params *p,
                                  const syn_study *st, const syn_format *f,
                                  const syn_file *sf, const syn_plan *pl)
{
    syn_rng rt, rn, rf;
    syn_rng_init(&rt, p->seed, sf->index, STREAM_TIME + (uint64_t)sf->view);
    syn_rng_init(&rn, p->seed, sf->index, STREAM_NOISE + (uint64_t)sf->view);
    syn_rng_init(&rf, p->seed, sf->index, STREAM_FORMAT + (uint64_t)sf->view);

    /* Columns. */
    int cols[DYS_N_SEGMENTS_12], ncol = 0;
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
        if (sf->view == 0 || seg_view[s] == sf->view)
            cols[ncol++] = s;
    if (f->shuffle)
        for (int k = ncol - 1; k > 0; k--) {
            int j = syn_rng_int(&rf, 0, k);
            int tmp = cols[k];
            cols[k] = cols[j];
            cols[j] = tmp;
        }
    /* The ECG column: after the time, or anywhere when shuffled. */
    int ecg_pos = -1;
    if (pl && pl->ecg)
        ecg_pos = f->shuffle ? syn_rng_int(&rf, 0, ncol) : 0;

    /* Time axis.  Single beat: this file's QRS onset offset and start;
     * several beats: the plan's. */
    double offset = 0.0, t_start = 0.0;
    double period = 1000.0 / p->fps;
    long n_frames;
    if (!pl) {
        if (sf->view != 0)
            offset = round(syn_rng_range(&rt, 5.0, 60.0) * 1000.0) / 1000.0;
        t_start = syn_rng_unif(&rt) < 0.5 ? 0.0 : -syn_rng_range(&rt, 20.0, 40.0);
        n_frames = (long)floor((st->rr_ms - period - t_start) / period) + 1;
    } else {
        t_start = pl->t0;
        n_frames = (long)floor((pl->t_end - pl->t0) / period) + 1;
    }
    syn_rng rne; /* ECG noise */
    syn_rng_init(&rne, p->seed, sf->index, STREAM_ECG_NOISE + (uint64_t)sf->view);

    const char *eol = f->crlf ? "\r\n" : "\n";
    const char *const *keys = key_name[f->keys];

    dys_outfile af;
    dys_status rc = dys_outfile_open(ctx, &af, sf->path);
    if (rc != DYS_OK)
        return rc;
    FILE *fp = af.f;

    if (f->bom)
        fputs("\xEF\xBB\xBF", fp);
    fprintf(fp, "# %s: %s%s", keys[KEY_ID], sf->study_id, eol);
    if (sf->view != 0)
        fprintf(fp, "# %s: %s%s", keys[KEY_VIEW], view_label[sf->view][f->view_alias], eol);
    if (!pl && sf->view != 0 && p->qrs_metadata)
        fprintf(fp, "# %s: %.3f%s", keys[KEY_QRS_ON], offset, eol);
    if (pl && p->qrs_metadata) {
        /* Every onset in the recording: the complete beats' and the one
         * that ends the last of them. */
        fprintf(fp, "# %s: ", keys[KEY_QRS_ONS]);
        for (int b = 1; b <= pl->n + 1; b++)
            fprintf(fp, "%s%.3f", b == 1 ? "" : f->onsets_sp ? " " : ", ", pl->beat[b].onset);
        fputs(eol, fp);
    }
    if (p->event_metadata) {
        fprintf(fp, "# %s: %.0f%s", keys[KEY_AVO], st->avo_ms, eol);
        fprintf(fp, "# %s: %.0f%s", keys[KEY_AVC], st->avc_ms, eol);
    }
    if (f->rr)
        fprintf(fp, "# %s: %.1f%s", keys[KEY_RR], st->rr_ms, eol);
    else
        fprintf(fp, "# %s: %.0f%s", keys[KEY_HR], st->hr_bpm, eol);
    fprintf(fp, "# %s: %.0f%s", keys[KEY_QRSD], st->qrs_ms, eol);
    fprintf(fp, "# %s: %.0f%s", keys[KEY_LVEF], st->lvef_pct, eol);
    if (f->roman) {
        static const char *const roman[5] = {"", "I", "II", "III", "IV"};
        fprintf(fp, "# %s: %s%s", keys[KEY_NYHA], roman[st->nyha], eol);
    } else {
        fprintf(fp, "# %s: %d%s", keys[KEY_NYHA], st->nyha, eol);
    }
    fprintf(fp, "# %s: %s%s", keys[KEY_LBBB], st->lbbb ? "yes" : "no", eol);
    fprintf(fp, "# %s: %.10g%s", keys[KEY_FPS], p->fps, eol);
    if (f->unit != 0 || f->unit_key)
        fprintf(fp, "# %s: %s%s", keys[KEY_UNIT], unit_name[f->unit], eol);
    if (p->doppler)
        write_doppler(fp, p, st, sf->index, eol);
    if (sf->setting_meta)
        fprintf(fp, "%s", sf->setting_meta);

    /* Column header. */
    static const char *const time_col[5] = {"time_ms", "t_ms", "time (ms)",
                                            "time_s", "time (s)"};
    int seconds = f->time_style >= 3;
    static const char *const ecg_col[3] = {"ecg", "ecg_mv", "ECG (mV)"};
    fputs(time_col[f->time_style], fp);
    for (int k = 0; k <= ncol; k++) {
        if (k == ecg_pos) {
            fputc(f->sep, fp);
            fputs(ecg_col[f->ecg_name], fp);
        }
        if (k == ncol)
            break;
        char name[96];
        syn_column_name(f, cols[k], name, sizeof name);
        fputc(f->sep, fp);
        fputs(name, fp);
    }
    fputs(eol, fp);

    /* Rows: the curve at exactly the written time, plus noise. */
    double scale = unit_scale[f->unit];
    int dec = unit_decimals[f->unit];
    int bcur = 0; /* several beats: the beat the frame is in */
    for (long k = 0; k < n_frames; k++) {
        double jit = p->jitter_frac > 0.0
                         ? syn_rng_range(&rt, -p->jitter_frac, p->jitter_frac) * period
                         : 0.0;
        double t_file = round((offset + t_start + (double)k * period + jit) * 1000.0) / 1000.0;
        double t = t_file - offset; /* from QRS onset */
        if (seconds)
            syn_put_number(fp, t_file / 1000.0, 6, f->dec_comma);
        else
            syn_put_number(fp, t_file, 3, f->dec_comma);
        while (pl && bcur + 1 < pl->nb && pl->beat[bcur + 1].onset <= t_file)
            bcur++;
        for (int c = 0; c <= ncol; c++) {
            if (c == ecg_pos) {
                double e = syn_ecg_eval(pl, t_file) + pl->noise_mv * syn_rng_gauss(&rne);
                fputc(f->sep, fp);
                syn_put_number(fp, e, 4, f->dec_comma);
            }
            if (c == ncol)
                break;
            double v = pl ? syn_track_eval_range(&pl->seg[cols[c]], bcur - SYN_REACH,
                                             bcur + SYN_REACH, t_file)
                          : syn_curve_eval(&st->seg[cols[c]], t);
            if (p->noise_cm_s > 0.0)
                v += p->noise_cm_s * syn_rng_gauss(&rn);
            fputc(f->sep, fp);
            syn_put_number(fp, v * scale, dec, f->dec_comma);
        }
        fputs(eol, fp);
    }
    return dys_outfile_commit(ctx, &af);
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    int slash = n > 0 && dir[n - 1] == '/';
    return dys_asprintf("%s%s%s", dir, slash ? "" : "/", name);
}

/* ",value" (4 decimals), or "," for none. */
static void put_opt(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, ",%.4f", v);
    else
        fputc(',', out);
}

/* Rows of truth_beats.csv for one recording. */
static void write_truth_beats(FILE *out, const char *id, const char *rel, const syn_plan *pl)
{
    for (int b = 1; b <= pl->n; b++) {
        const syn_beat *bt = &pl->beat[b];
        fprintf(out, "%s,%s,%d,%.3f,%.3f,%d", id, rel, b, bt->onset, bt->rr, bt->ectopic);
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
            if (pl->has_seg[s])
                fprintf(out, ",%.4f", bt->ts[s]);
            else
                fputc(',', out);
        }
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
            put_opt(out, pl->has_seg[s] ? bt->to[s] : NAN);
        fputc('\n', out);
    }
}

/* Study-level truth of the segments of one recording: the mean per-beat
 * Ts and To over its complete beats that are not ectopic (To over those
 * where the rule finds one, as the engine averages it). */
static void plan_mean_truth(const syn_plan *pl, double *ts, double *to)
{
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++) {
        if (!pl->has_seg[s])
            continue;
        double sum = 0.0, tsum = 0.0;
        int n = 0, tn = 0;
        for (int b = 1; b <= pl->n; b++)
            if (!pl->beat[b].ectopic) {
                sum += pl->beat[b].ts[s];
                n++;
                if (isfinite(pl->beat[b].to[s])) {
                    tsum += pl->beat[b].to[s];
                    tn++;
                }
            }
        ts[s] = sum / n; /* beat 1 is never ectopic */
        to[s] = tn ? tsum / tn : NAN;
    }
}

/* A CSV under dir with its header; seg_cols adds the ts_ and to_ columns
 * of the 12 segments. */
static dys_status open_csv(dys_ctx *ctx, dys_outfile *af, const char *dir, const char *name,
                           const char *head, int seg_cols)
{
    char *path = join_path(dir, name);
    if (!path)
        return dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    dys_status rc = dys_outfile_open(ctx, af, path);
    free(path);
    if (rc != DYS_OK)
        return rc;
    fputs(head, af->f);
    for (int s = 0; seg_cols && s < DYS_N_SEGMENTS_12; s++)
        fprintf(af->f, ",ts_%s_ms", canon_name[s]);
    for (int s = 0; seg_cols && s < DYS_N_SEGMENTS_12; s++)
        fprintf(af->f, ",to_%s_ms", canon_name[s]);
    fputc('\n', af->f);
    return DYS_OK;
}

/* Outcomes after CRT (--outcomes), from a known model so that dyssync
 * stats can be checked against it:
 *  - the chance of LV reverse remodelling is logistic in the true
 *    Ts-SD-12 (sample SD of the 12 true Ts): p = 1 / (1 + exp(-(SD - 30) /
 *    6)), so 0.5 at 30 ms (about Yu's 32.6-ms cut-off) and 0.84 at 40 ms;
 *  - remodelled: LVESV falls by N(25, 8) %, LVEF rises by N(8, 4) points,
 *    NYHA improves by one class with probability 0.75 (0.15 two), the
 *    6-minute walk rises by N(30, 15) %, death or HF hospitalisation 3 %,
 *    the patient's global assessment better 70 %;
 *  - not remodelled: LVESV N(-2, 8) % (a rise), LVEF N(1, 3), NYHA one
 *    class better 0.30 or worse 0.10, walk N(3, 15) %, death/HF 10 %,
 *    global assessment better 35 %;
 *  - Packer's composite from these: worsened (death, HF hospitalisation or
 *    worse NYHA), else improved (better NYHA or global assessment), else
 *    unchanged.
 * Baselines: the study's LVEF and NYHA metadata; LVEDV U(180, 300) ml,
 * LVESV = LVEDV (1 - LVEF); walk U(200, 450) m.  Own random stream: the
 * curves are the same with or without outcomes. */
static void write_outcome(FILE *fo, FILE *fm, const char *id, const syn_study *st,
                          const double *ts, uint64_t seed, uint64_t i)
{
    syn_rng r;
    syn_rng_init(&r, seed, i, STREAM_OUTCOME);
    double m = 0, ss = 0;
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
        m += ts[s];
    m /= DYS_N_SEGMENTS_12;
    for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
        ss += (ts[s] - m) * (ts[s] - m);
    double sd = sqrt(ss / (DYS_N_SEGMENTS_12 - 1)), prob = 1.0 / (1.0 + exp(-(sd - 30.0) / 6.0));
    int rem = syn_rng_unif(&r) < prob;
    double edv = syn_rng_range(&r, 180, 300), esv0 = edv * (1 - st->lvef_pct / 100.0);
    double esv1 = esv0 * (1 - (rem ? 25 + 8 * syn_rng_gauss(&r) : -2 + 8 * syn_rng_gauss(&r)) / 100.0);
    double ef1 = st->lvef_pct + (rem ? 8 + 4 * syn_rng_gauss(&r) : 1 + 3 * syn_rng_gauss(&r));
    double u = syn_rng_unif(&r);
    int ny1 = st->nyha;
    if (rem)
        ny1 -= u < 0.15 ? 2 : u < 0.90 ? 1 : 0;
    else
        ny1 += u < 0.30 ? -1 : u < 0.40 ? 1 : 0;
    ny1 = ny1 < 1 ? 1 : ny1 > 4 ? 4 : ny1;
    double w0 = syn_rng_range(&r, 200, 450);
    double w1 = w0 * (1 + (rem ? 30 + 15 * syn_rng_gauss(&r) : 3 + 15 * syn_rng_gauss(&r)) / 100.0);
    int event = syn_rng_unif(&r) < (rem ? 0.03 : 0.10);
    /* Packer's composite: worsened by death, HF hospitalisation or worse
     * NYHA; improved by better NYHA or a better global assessment */
    int global_better = syn_rng_unif(&r) < (rem ? 0.70 : 0.35);
    const char *comp = event || ny1 > st->nyha                 ? "worsened"
                       : ny1 < st->nyha || global_better ? "improved"
                                                         : "unchanged";
    fprintf(fo, "%s,%.0f,%.0f,%.0f,%.0f,%d,%d,%.0f,%.0f,%s,%s\n", id, esv0, esv1, st->lvef_pct,
            fmin(80, ef1), st->nyha, ny1, w0, fmax(0, w1), comp, event ? "yes" : "no");
    fprintf(fm, "%s,%.4f,%.4f,%d\n", id, sd, prob, rem);
}

/* The device settings of settings mode (dys_synth_params.settings): an AV
 * sweep at VV 0 (80, 120, 160, ... ms; ceil(n / 2) of them), then a VV
 * sweep at AV 120 (+20, -20, +40, -40, ... ms, positive: LV first), the
 * nominal setting AV 120 / VV 0 the reference (of 2 settings, the first).  The true optimum is one of
 * them drawn at random (STREAM_SETTINGS); setting k's S' spread is the
 * heart's x scale(k) = 1 - effect x (1 - q), q = min(1, ((AV - AV*) /
 * 120)^2 + ((VV - VV*) / 60)^2): 1 - effect at the optimum, rising
 * smoothly to 1 (the heart as drawn) away from it, so the true Yu index is
 * least at the optimum and its margin over the others grows with effect
 * (0: every setting the same heart, no optimum to find). */
typedef struct syn_settings {
    int n, optimum, reference;
    double av[SYN_MAX_SETTINGS], vv[SYN_MAX_SETTINGS], scale[SYN_MAX_SETTINGS];
    uint64_t patient; /* the physiology index: the first dyssynchronous heart */
} syn_settings;

static int plan_settings(const dys_synth_params *p, syn_settings *ss)
{
    int n = p->settings, na = (n + 1) / 2;
    ss->n = n;
    for (int k = 0; k < na; k++) {
        ss->av[k] = 80.0 + 40.0 * k;
        ss->vv[k] = 0.0;
    }
    for (int k = na; k < n; k++) {
        int j = k - na;
        ss->av[k] = 120.0;
        ss->vv[k] = (j % 2 ? -20.0 : 20.0) * (double)(j / 2 + 1);
    }
    ss->reference = na >= 2 ? 1 : 0; /* AV 120 / VV 0; with 2 settings, AV 80 */
    syn_rng r;
    syn_rng_init(&r, p->seed, 0, STREAM_SETTINGS);
    ss->optimum = syn_rng_int(&r, 0, n - 1);
    double a0 = ss->av[ss->optimum], v0 = ss->vv[ss->optimum];
    for (int k = 0; k < n; k++) {
        double q = pow((ss->av[k] - a0) / 120.0, 2) + pow((ss->vv[k] - v0) / 60.0, 2);
        ss->scale[k] = 1.0 - p->settings_effect * (1.0 - fmin(1.0, q));
    }
    /* the patient: the first dyssynchronous heart of the seed (a
     * synchronous one has little spread to shrink) */
    syn_study st;
    for (uint64_t i = 0; i < 1000; i++)
        if (syn_draw_study(p->seed, i, &st) == 0 && st.dyssync) {
            ss->patient = i;
            return 0;
        }
    return -1;
}

static double sample_sd(const double *x, int n)
{
    double m = 0, s = 0;
    for (int i = 0; i < n; i++)
        m += x[i];
    m /= n;
    for (int i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (n - 1));
}

static dys_status synth_all(dys_ctx *ctx, const dys_synth_params *p, const char *dir)
{
    int width = 4;
    for (int n = p->n_studies; n >= 10000; n /= 10)
        width++;
    int multi = p->beats > 1 || p->ecg;

    dys_outfile truth, tbeats;
    dys_status rc = open_csv(ctx, &truth, dir, "truth.csv",
                             "study_id,path,layout,avo_ms,avc_ms,hr_bpm,fps,noise_cm_s", 1);
    if (rc != DYS_OK)
        return rc;
    if (multi) {
        rc = open_csv(ctx, &tbeats, dir, "truth_beats.csv",
                      "study_id,file,beat,qrs_onset_ms,rr_ms,ectopic", 1);
        if (rc != DYS_OK) {
            dys_outfile_abort(&truth);
            return rc;
        }
    }

    dys_outfile outc, model;
    if (p->outcomes) {
        rc = open_csv(ctx, &outc, dir, "outcomes.csv",
                      "study_id,lvesv_baseline_ml,lvesv_followup_ml,lvef_baseline_pct,"
                      "lvef_followup_pct,nyha_baseline,nyha_followup,walk6_baseline_m,"
                      "walk6_followup_m,composite,death_or_hf_hospitalisation", 0);
        if (rc == DYS_OK &&
            (rc = open_csv(ctx, &model, dir, "outcomes_model.csv",
                           "study_id,true_ts_sd_12_ms,p_remodelling,remodelled", 0)) != DYS_OK)
            dys_outfile_abort(&outc);
        if (rc != DYS_OK) {
            dys_outfile_abort(&truth);
            if (multi)
                dys_outfile_abort(&tbeats);
            return rc;
        }
    }

    syn_settings ss = {0};
    dys_outfile tset;
    int n_studies = p->settings ? p->settings : p->n_studies;
    if (p->settings) {
        if (plan_settings(p, &ss) != 0)
            rc = dys_fail(ctx, DYS_ERR_INVALID, "synth: no dyssynchronous heart for seed %llu",
                          p->seed);
        else
            rc = open_csv(ctx, &tset, dir, "truth_settings.csv",
                          "study_id,path,av_delay_ms,vv_delay_ms,reference,scale,"
                          "true_ts_sd_12_ms,optimum", 0);
        if (rc != DYS_OK) {
            dys_outfile_abort(&truth);
            if (multi)
                dys_outfile_abort(&tbeats);
            if (p->outcomes) {
                dys_outfile_abort(&outc);
                dys_outfile_abort(&model);
            }
            return rc;
        }
    }
    syn_study *st = malloc(sizeof *st);
    syn_ecg_morph *em = malloc(sizeof *em);
    if (!st || !em)
        rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n_studies && rc == DYS_OK; i++) {
        char id[32], rel[48], num[16], frel[64];
        int nd = snprintf(num, sizeof num, "%d", i + 1);
        int pad = width > nd ? width - nd : 0;
        snprintf(id, sizeof id, "synth_%.*s%s", pad, "00000000", num);
        /* settings: the patient's heart at this setting's spread; its
         * beats, noise and format still come from the setting's index */
        uint64_t heart = p->settings ? ss.patient : (uint64_t)i;
        if (syn_draw_study_scaled(p->seed, heart, p->settings ? ss.scale[i] : 1.0, st) != 0) {
            rc = dys_fail(ctx, DYS_ERR_INVALID,
                          "synth: study %s: cannot draw an unambiguous peak "
                          "(seed %llu)", id, p->seed);
            break;
        }
        if (multi)
            syn_draw_ecg_morph(p->seed, heart, st, em);
        char meta[256] = "";
        if (p->settings) {
            syn_format fe; /* the file's line ends */
            syn_format_for(p->vary_format, i, &fe);
            const char *eol = fe.crlf ? "\r\n" : "\n";
            snprintf(meta, sizeof meta,
                     "# patient_id: synth_patient_%llu%s# pacing_mode: biv%s"
                     "# av_delay_ms: %.0f%s# vv_delay_ms: %.0f%s%s",
                     (unsigned long long)ss.patient + 1, eol, eol, ss.av[i], eol, ss.vv[i], eol,
                     i == ss.reference ? "# reference_setting: yes" : "");
            if (i == ss.reference)
                snprintf(meta + strlen(meta), sizeof meta - strlen(meta), "%s", eol);
        }
        double ts[DYS_N_SEGMENTS_12], to[DYS_N_SEGMENTS_12];
        memcpy(ts, st->ts_ms, sizeof ts);
        memcpy(to, st->to_ms, sizeof to);
        int as_dir = p->views == 1 || (p->views == 2 && i % 2 == 1);
        syn_format f;
        syn_format_for(p->vary_format, i, &f);
        char *sub = NULL;
        if (as_dir) {
            snprintf(rel, sizeof rel, "%s", id);
            sub = join_path(dir, id);
            if (!sub) {
                rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                break;
            }
            rc = make_dir(ctx, sub);
        } else {
            snprintf(rel, sizeof rel, "%s.csv", id);
        }
        for (int v = as_dir ? 1 : 0; v <= (as_dir ? 3 : 0) && rc == DYS_OK; v++) {
            if (as_dir)
                snprintf(frel, sizeof frel, "%s/%s", id, view_file[v]);
            else
                snprintf(frel, sizeof frel, "%s", rel);
            char *path = join_path(dir, frel);
            if (!path) {
                rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                break;
            }
            syn_plan pl;
            if (multi && syn_plan_recording(p, st, em, (uint64_t)i, v, &pl) != 0) {
                free(path);
                rc = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
                break;
            }
            syn_file sf = {path, id, v, (uint64_t)i, p->settings ? meta : NULL};
            rc = write_recording(ctx, p, st, &f, &sf, multi ? &pl : NULL);
            free(path);
            if (multi) {
                if (rc == DYS_OK) {
                    write_truth_beats(tbeats.f, id, frel, &pl);
                    plan_mean_truth(&pl, ts, to);
                }
                syn_plan_free(&pl);
            }
        }
        free(sub);
        if (rc != DYS_OK)
            break;
        fprintf(truth.f, "%s,%s,%s,%.10g,%.10g,%.10g,%.10g,%.10g", id, rel,
                as_dir ? "views" : "file", st->avo_ms, st->avc_ms, st->hr_bpm,
                p->fps, p->noise_cm_s);
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
            fprintf(truth.f, ",%.4f", ts[s]);
        for (int s = 0; s < DYS_N_SEGMENTS_12; s++)
            put_opt(truth.f, to[s]);
        fputc('\n', truth.f);
        if (p->outcomes)
            write_outcome(outc.f, model.f, id, st, ts, p->seed, (uint64_t)i);
        if (p->settings)
            fprintf(tset.f, "%s,%s,%.0f,%.0f,%d,%.6f,%.4f,%d\n", id, rel, ss.av[i], ss.vv[i],
                    i == ss.reference, ss.scale[i], sample_sd(ts, DYS_N_SEGMENTS_12),
                    i == ss.optimum);
    }
    free(st);
    free(em);
    if (rc == DYS_OK && multi)
        rc = dys_outfile_commit(ctx, &tbeats);
    else if (multi)
        dys_outfile_abort(&tbeats);
    if (rc == DYS_OK && p->outcomes) {
        rc = dys_outfile_commit(ctx, &outc);
        if (rc == DYS_OK)
            rc = dys_outfile_commit(ctx, &model);
        else
            dys_outfile_abort(&model);
    } else if (p->outcomes) {
        dys_outfile_abort(&outc);
        dys_outfile_abort(&model);
    }
    if (rc == DYS_OK && p->settings)
        rc = dys_outfile_commit(ctx, &tset);
    else if (p->settings)
        dys_outfile_abort(&tset);
    if (rc != DYS_OK) {
        dys_outfile_abort(&truth);
        return rc;
    }
    return dys_outfile_commit(ctx, &truth);
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                  */

void dys_synth_params_defaults(dys_synth_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->n_studies = 10;
    p->seed = 1;
    p->noise_cm_s = 0.0;
    p->fps = 100.0;
    p->jitter_frac = 0.1;
    p->views = 0;
    p->vary_format = 0;
    p->beats = 1;
    p->ecg = 0;
    p->rr_sd_frac = 0.03;
    p->ectopic_prob = 0.05;
    p->qrs_metadata = 1;
    p->event_metadata = 1;
    p->settings = 0;
    p->settings_effect = 0.5;
}

dys_status dys_synth_write(dys_ctx *ctx, const dys_synth_params *p, const char *dir)
{
    if (!ctx)
        return DYS_ERR_INVALID;
    if (!p)
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: no parameters given");
    if (!dir || !*dir)
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: no output directory given");
    if (p->n_studies < 1 || p->n_studies > SYN_MAX_STUDIES)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: number of studies must be 1..%d (got %d)",
                        SYN_MAX_STUDIES, p->n_studies);
    if (!(p->fps >= 10.0 && p->fps <= 2000.0))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: frame rate must be 10..2000 fps (got %g)", p->fps);
    if (!(p->noise_cm_s >= 0.0 && p->noise_cm_s <= SYN_MAX_NOISE))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: noise SD must be 0..%g cm/s (got %g)", SYN_MAX_NOISE,
                        p->noise_cm_s);
    if (!(p->jitter_frac >= 0.0 && p->jitter_frac <= 0.45))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: frame jitter must be 0..0.45 of a frame period "
                        "(got %g)", p->jitter_frac);
    if (p->views < 0 || p->views > 2)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: views must be 0 (single files), 1 (view "
                        "directories) or 2 (alternate) (got %d)", p->views);
    if (p->vary_format < 0 || p->vary_format > 1)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: vary_format must be 0 or 1 (got %d)", p->vary_format);
    if (p->beats < 1 || p->beats > SYN_MAX_BEATS)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: beats must be 1..%d (got %d)", SYN_MAX_BEATS, p->beats);
    if (p->ecg < 0 || p->ecg > 1)
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: ecg must be 0 or 1 (got %d)", p->ecg);
    if (!(p->rr_sd_frac >= 0.0 && p->rr_sd_frac <= 0.15))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: RR variability must be 0..0.15 of the RR (got %g)",
                        p->rr_sd_frac);
    if (!(p->ectopic_prob >= 0.0 && p->ectopic_prob <= 0.5))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: ectopic beat probability must be 0..0.5 (got %g)",
                        p->ectopic_prob);
    if (p->event_metadata < 0 || p->event_metadata > 1)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: event_metadata must be 0 or 1 (got %d)", p->event_metadata);
    if (p->qrs_metadata < 0 || p->qrs_metadata > 1)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: qrs_metadata must be 0 or 1 (got %d)", p->qrs_metadata);
    if (p->settings != 0 && (p->settings < 2 || p->settings > SYN_MAX_SETTINGS))
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: settings must be 2..%d (got %d)",
                        SYN_MAX_SETTINGS, p->settings);
    if (!(p->settings_effect >= 0.0 && p->settings_effect <= 0.9))
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: settings effect must be 0..0.9 (got %g)", p->settings_effect);
    if (!p->qrs_metadata && !p->ecg)
        return dys_fail(ctx, DYS_ERR_INVALID,
                        "synth: without QRS onset metadata the ECG column is needed "
                        "(qrs_metadata 0 requires ecg 1)");

    dys_status rc = make_dir(ctx, dir);
    if (rc != DYS_OK)
        return rc;
    locale_t old = uselocale(ctx->c_locale);
    if (old == (locale_t)0)
        return dys_fail(ctx, DYS_ERR_INVALID, "synth: cannot switch to the C locale");
    rc = synth_all(ctx, p, dir);
    uselocale(old);
    return rc;
}
