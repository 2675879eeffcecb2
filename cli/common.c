/* common.c - option helpers, messages and help texts of dyssync. */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dyssync: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dyssync%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'dyssync help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
    va_end(ap);
    return EXIT_USAGE;
}

int cli_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

int cli_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end || errno || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

/* The getopt codes of the reading and analysis options and the long names
 * dys_option_set knows them by: the engine parses and checks the values
 * (the same code a binding calls), the CLI only says what it was told. */
static const struct {
    int code;
    const char *name;
} option_names[] = {
    {'M', "--map"},
    {CLI_OPT_MAX_FILE_MB, "--max-file-mb"},
    {CLI_OPT_MAX_ROWS, "--max-rows"},
    {CLI_OPT_QRS_ONSETS, "--qrs-onsets"},
    {CLI_OPT_CONTOUR_TRACE, "--contour-trace"},
    {CLI_OPT_CONTOUR_FLIP, "--contour-flip"},
    {CLI_OPT_LOWPASS, "--lowpass"},
    {CLI_OPT_PEAK, "--peak"},
    {CLI_OPT_FIRST_FRACTION, "--first-fraction"},
    {CLI_OPT_SD, "--sd"},
    {CLI_OPT_AVO, "--avo"},
    {CLI_OPT_AVC, "--avc"},
    {CLI_OPT_MIN_SEGMENTS, "--min-segments"},
    {CLI_OPT_LOW_AMPLITUDE, "--low-amplitude"},
    {CLI_OPT_MAX_GAP, "--max-gap"},
    {CLI_OPT_ECTOPIC_RR, "--ectopic-rr"},
    {CLI_OPT_AVC_ESTIMATE, "--avc-estimate"},
    {CLI_OPT_CUTOFF, "--cutoff"},
    {CLI_OPT_INDICES, "--indices"},
};
/* The first analysis option of option_names. */
#define FIRST_ANALYSIS_OPTION 6

/* The long name of getopt code opt among option_names[from..to), NULL if
 * none. */
static const char *option_name(int opt, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (option_names[i].code == opt)
            return option_names[i].name;
    return NULL;
}

int cli_read_option(int opt, const char *arg, dys_read_options *ro, dys_ctx *ctx)
{
    const char *name = option_name(opt, 0, FIRST_ANALYSIS_OPTION);
    if (!name)
        return 0;
    if (dys_option_set(ctx, NULL, ro, name, arg) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return -1;
    }
    return 1;
}

void cli_read_options_text(const dys_read_options *ro, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    if (ro->contour_trace == DYS_CONTOUR_TRACE_VELOCITY)
        n += (size_t)snprintf(buf, cap, " contour-trace=velocity");
    if (ro->contour_flip && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, " contour-flip");
    for (size_t i = 0; i < ro->n_qrs_onsets && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%.17g", i ? "," : " qrs-onsets=",
                              ro->qrs_onsets_ms[i]);
}

int cli_analysis_option(int opt, const char *arg, dys_params *p, const char *cmd)
{
    const char *name = option_name(opt, FIRST_ANALYSIS_OPTION,
                                   sizeof option_names / sizeof option_names[0]);
    if (!name)
        return 0;
    /* the callers' contexts are busy reading; a message needs its own */
    dys_ctx *ctx = dys_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return -1;
    }
    int bad = dys_option_set(ctx, p, NULL, name, arg) != DYS_OK;
    if (bad)
        cli_usage(cmd, "%s", dys_ctx_error(ctx));
    dys_ctx_free(ctx);
    return bad ? -1 : 1;
}

/* The overview: its command list comes from cli_commands (main.c). */
static const char overview_head[] =
    "usage: dyssync COMMAND [OPTIONS] ...\n"
    "\n"
    "Echocardiographic dyssynchrony analysis: time to peak systolic velocity\n"
    "(Ts) in 12 LV segments and the Yu index family; time to peak strain and\n"
    "mechanical dispersion in 12 or 18 segments.\n"
    "\n"
    "commands:\n";
static const char overview_tail[] =
    "\n"
    "dyssync --version prints the version.  See dyssync(1).\n";

static void overview(void)
{
    fputs(overview_head, stdout);
    for (size_t i = 0; i < cli_n_commands; i++)
        printf("  %-9s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fputs(overview_tail, stdout);
}

static const char help_batch[] =
    "usage: dyssync batch [OPTIONS] -o OUTDIR INPUT...\n"
    "\n"
    "Analyse every study under the INPUTs (directories, or manifests: .txt\n"
    "files with one path per line) into OUTDIR: studies.csv (one row per\n"
    "study), segments.csv (one row per study and segment), results.jsonl\n"
    "(the analyze JSON per study), errors.csv (source, message).  A directory\n"
    "whose files carry view metadata or view names is one study; otherwise\n"
    "each study file is a study and subdirectories are searched.  Studies run\n"
    "in sorted order; the output does not depend on -j.  Each study is kept\n"
    "as a checksummed record of its worker's journal in OUTDIR/parts/, with\n"
    "a fingerprint (engine version, a hash of the study's files, the\n"
    "options), so an interrupted batch loses nothing; OUTDIR/run.json says\n"
    "how the tables were made.  One batch writes an OUTDIR at a time.\n"
    "Ctrl-C finishes the studies in flight and writes the tables of what is\n"
    "done (exit 130).  Exit 1 if any study failed, 2 on a usage error or a\n"
    "refused resume.\n"
    "\n"
    "  -j, --jobs N        studies in parallel (default: all cores)\n"
    "  --resume            keep the studies done in OUTDIR whose fingerprint\n"
    "                      is this run's, analyse the others (edited inputs,\n"
    "                      another version); refused when the options differ\n"
    "  --reanalyse         with --resume: analyse again the studies made\n"
    "                      with other options\n"
    "  --shard K/N         the K-th of N disjoint slices (default from\n"
    "                      SLURM_ARRAY_TASK_ID/_COUNT/_MIN when set)\n"
    "  --plots none|all    all: OUTDIR/figures/<study_id>.png, the report\n"
    "  -q, --quiet         no progress line (shown only on a terminal)\n"
    "  --map COLOUR=SEG,..., --contour-trace strain|velocity, --contour-flip\n"
    "                      as for analyze\n"
    "  --lowpass, --peak, --first-fraction, --sd, --avo, --avc,\n"
    "  --min-segments, --low-amplitude, --max-gap, --ectopic-rr,\n"
    "  --avc-estimate, --cutoff, --indices\n"
    "                      the analysis options, as for analyze (--indices ts:\n"
    "                      the Ts family only, the Yu index of an archive)\n";

static const char help_merge[] =
    "usage: dyssync merge -o OUTDIR SHARDDIR...\n"
    "\n"
    "Assemble the tables of batch shards into OUTDIR, as one batch over all\n"
    "their studies would have written them.  Shards whose run.json differ in\n"
    "engine version or options are refused.\n";

static const char help_plot[] =
    "usage: dyssync plot [OPTIONS] -o FILE STUDY\n"
    "\n"
    "Draw a figure of one study, analysed as analyze would with the same\n"
    "analysis options (--lowpass, --peak, --avo, ... as for analyze).  FILE's\n"
    "extension picks the format: .png (with its resolution and text chunks),\n"
    ".svg or .pdf.  The same input gives the same bytes.\n"
    "\n"
    "  --kind curves|bullseye|bars|report\n"
    "                   curves: velocity against ms from QRS onset per view,\n"
    "                   ejection window shaded, Ts marked, ECG strip;\n"
    "                   bullseye: AHA polar map coloured by Ts; bars: Ts per\n"
    "                   segment by wall with mean +-SD and the Ts-diff cut-off;\n"
    "                   report (default): one A4 landscape page of all three\n"
    "                   with the indices, CRT eligibility and lead target\n"
    "  --dpi N          PNG resolution (default 150)\n"
    "  --width IN, --height IN\n"
    "                   figure size in inches (default per kind)\n"
    "  --delay          bull's-eye coloured by delay from the earliest segment\n"
    "  --tsi-colours    green -> yellow -> red instead of viridis\n"
    "  --beat N         curves: the N-th accepted beat of each view (default 1)\n"
    "  --colour-scale fixed|study\n"
    "                   bull's-eye colours and bars axis: fixed (default), the\n"
    "                   delay from the earliest segment on 0-150 ms for every\n"
    "                   study, published delay cut-offs marked, so a\n"
    "                   synchronous study stays at the low end; study: stretched\n"
    "                   over this study's range\n"
    "  --map COLOUR=SEG,..., --qrs-onsets MS,MS,..., --contour-trace strain|velocity,\n"
    "  --contour-flip   as for analyze\n";

static const char help_analyze[] =
    "usage: dyssync analyze [OPTIONS] STUDY...\n"
    "\n"
    "Measure Ts per segment and the dyssynchrony indices.  A STUDY is a file\n"
    "(a study CSV, a GE EchoPAC text export or full-trace contour export) or\n"
    "a directory of view files; docs/format.md describes them.  Each\n"
    "recording is referred to its own QRS onsets: given (--qrs-onsets, the\n"
    "metadata), else an export's cycle markers, else detected on its ECG\n"
    "column, else t = 0 (one beat).\n"
    "\n"
    "  --format text|json|csv|segments\n"
    "                          output: readable report (default), one JSON\n"
    "                          object per line, CSV with one row per study\n"
    "                          (batch's studies.csv), or CSV with one row per\n"
    "                          study and segment (batch's segments.csv)\n"
    "  -o, --output FILE       write to FILE (atomically) instead of stdout\n"
    "  -j, --jobs N            studies analysed in parallel (default: all cores)\n"
    "  --lowpass HZ|auto|off   zero-phase low-pass cut-off (default auto: chosen\n"
    "                          from the estimated noise)\n"
    "  --peak max|first        highest peak in the ejection window (default) or\n"
    "                          the first local maximum >= --first-fraction of it\n"
    "  --first-fraction F      for --peak first (default 0.8)\n"
    "  --sd sample|population  SD estimator (default sample, n-1, as published)\n"
    "  --avo MS, --avc MS      aortic valve opening/closure from QRS onset,\n"
    "                          for every view, overriding the files\n"
    "  --cutoff INDEX=VALUE    classify INDEX against VALUE instead of its\n"
    "                          published default (repeatable); it classifies\n"
    "                          even where the published one is reference\n"
    "                          only: the user takes responsibility for it\n"
    "  --indices LIST          compute only these indices: families (ts,\n"
    "                          ts_variants, to, xcorr, cycle, strain, lbbb,\n"
    "                          global, work, doppler, rocking) or index keys,\n"
    "                          comma-separated (default all); the others are\n"
    "                          null, \"not requested\", and the stages only\n"
    "                          they need are skipped\n"
    "  --avc-estimate curves|heart-rate\n"
    "                          how a missing AVC is estimated (default curves:\n"
    "                          the end-systolic notch, Aase 2008; heart-rate:\n"
    "                          Weissler 1968)\n"
    "  --min-segments N12[/N6] minimum usable segments (default 10/5; the\n"
    "                          18-segment dispersion needs the same share\n"
    "                          of 18, 15 by default)\n"
    "  --low-amplitude CM_S    peaks below this are LOW_AMPLITUDE (default 1.0)\n"
    "  --max-gap MS            longest gap of missing samples bridged inside the\n"
    "                          ejection window (default 40)\n"
    "  --ectopic-rr F          reject beats whose preceding RR departs from the\n"
    "                          median by more than F (default 0.20): premature\n"
    "                          beats and beats after a pause; the beat before a\n"
    "                          premature one is kept (without its cut-short\n"
    "                          cycle) unless the premature QRS precedes its AVC\n"
    "  --map COLOUR=SEG,...    segment of each ROI colour in EchoPAC exports\n"
    "                          (default: YELLOW=basal_inferoseptal,\n"
    "                          CYAN=mid_inferoseptal, GREEN=apical_inferoseptal,\n"
    "                          MAGENTA=apical_anterolateral,\n"
    "                          BLUE=mid_anterolateral, RED=basal_anterolateral)\n"
    "  --max-file-mb N         refuse files larger than N MiB (default 512)\n"
    "  --max-rows N            refuse files with more rows (default 10000000)\n"
    "  --qrs-onsets MS,MS,...  the recording's QRS onsets (ms on its own axis),\n"
    "                          overriding the file's; for a full-trace contour\n"
    "                          export its two are the reference and drift-\n"
    "                          correction frames instead of the markers (frame\n"
    "                          k is 1000 k / FR ms); one recording's: not for a\n"
    "                          directory of views\n"
    "  --contour-trace strain|velocity\n"
    "                          what a contour study holds: segment strain\n"
    "                          (default; circumferential for a short-axis ring)\n"
    "                          or velocity along the wall, cm/s, for the Ts\n"
    "                          indices (apical views only)\n"
    "  --contour-flip          a contour's image is mirrored (apical views: the\n"
    "                          septal, inferior or inferolateral wall on the\n"
    "                          right), or a short-axis ring was traced the\n"
    "                          other way: its segments' names swap\n"
    "\n"
    "Exit status: 0 every study analysed, 1 some could not be (the others are\n"
    "still reported), 2 usage error.\n";

static const char help_info[] =
    "usage: dyssync info [--map COLOUR=SEG,...] [--qrs-onsets MS,...]\n"
    "                    [--contour-trace strain|velocity] [--contour-flip] STUDY...\n"
    "\n"
    "Show what was read: recordings and views, segments and missing samples,\n"
    "frame rate and frame-clock jitter, duration, ECG, QRS onsets, metadata\n"
    "and warnings.  Strain traces are shown too.\n"
    "\n"
    "Exit status: 0 every study read, 1 some could not be, 2 usage error.\n";

static const char help_validate[] =
    "usage: dyssync validate [-q] [-w] [--map COLOUR=SEG,...] [--qrs-onsets MS,...]\n"
    "                        [--contour-trace strain|velocity] [--contour-flip]\n"
    "                        INPUT...\n"
    "\n"
    "Read every study under the INPUTs (files, directories searched as batch\n"
    "does, or .txt manifests) and run the input checks (format, metadata,\n"
    "units, impossible samples and spikes) without analysing.  One line per\n"
    "study on stdout: 'STUDY: ok', 'STUDY: ok, N warnings' or 'STUDY: error:\n"
    "MESSAGE', the message naming file:line:column.\n"
    "\n"
    "  -q, --quiet      print the failed studies only\n"
    "  -w, --warnings   print each warning under its study's line\n"
    "\n"
    "Exit status: 0 every study read, 1 some could not be (or none was\n"
    "found), 2 usage error.\n";

static const char help_synth[] =
    "usage: dyssync synth -o DIR [OPTIONS]\n"
    "\n"
    "Write synthetic tissue-Doppler studies with known truth (DIR/truth.csv):\n"
    "isovolumic spike, S', post-systolic wave, E', A', noise, jittered clock.\n"
    "With --beats N > 1 or --ecg: several beats with RR variability and ectopic\n"
    "beats, an optional ECG, and DIR/truth_beats.csv (onsets, RR, per-beat Ts).\n"
    "\n"
    "  -o, --output DIR   directory to write (created if missing)\n"
    "  -n N               number of studies (default 10)\n"
    "  --seed S           random seed (default 1)\n"
    "  --noise CM_S       white noise SD in cm/s (default 0)\n"
    "  --fps HZ           frame rate (default 100)\n"
    "  --jitter F         frame clock jitter, fraction of a frame (default 0.1)\n"
    "  --views 0|1|2      0 single files (default), 1 view directories, 2 mixed\n"
    "  --vary-format      rotate separators, decimal comma, units, aliases,\n"
    "                     BOM and CRLF to exercise readers\n"
    "  --beats N          complete beats per recording, 1..100 (default 1: one\n"
    "                     beat from QRS onset); each view its own heartbeats\n"
    "  --ecg              write an ECG column (mV): P, QRS (narrow, or wide and\n"
    "                     notched with LBBB), T, noise, baseline wander\n"
    "  --rr-sd F          RR variability, SD as a fraction of the RR (default 0.03)\n"
    "  --ectopic P        probability that a beat is a premature ectopic beat,\n"
    "                     0..0.5 (default 0.05)\n"
    "  --no-qrs-metadata  leave out the true QRS onsets (qrs_onsets_ms,\n"
    "                     qrs_onset_ms): they must come from the ECG (needs --ecg)\n"
    "  --no-events        leave out avo_ms and avc_ms: the engine must estimate\n"
    "                     them (truth.csv keeps the true ones)\n"
    "  --outcomes         also write outcomes.csv (baseline and follow-up LVESV,\n"
    "                     LVEF, NYHA, 6-minute walk, death or HF hospitalisation)\n"
    "                     drawn from a known model in which the chance of\n"
    "                     response rises with the true Ts-SD-12, and\n"
    "                     outcomes_model.csv with each study's draw\n"
    "  --doppler          also write the Doppler and M-mode timing keys\n"
    "                     (lv_pep_ms = the model's AVO, rv_pep_ms, spwmd_ms,\n"
    "                     filling_time_pct_rr); every other number unchanged\n"
    "  --settings N       ONE patient at N CRT device settings (2..12; -n is then\n"
    "                     ignored): an AV sweep at VV 0, a VV sweep at AV 120,\n"
    "                     av_delay_ms, vv_delay_ms, pacing_mode, patient_id and\n"
    "                     reference_setting (AV 120 / VV 0) in each study; the S'\n"
    "                     spread is least at one setting drawn as the true\n"
    "                     optimum (DIR/truth_settings.csv); use with --beats\n"
    "  --settings-effect E  the spread at the optimum is 1 - E times the heart's\n"
    "                     (0..0.9, default 0.5; 0: no optimum)\n";

static const char help_stats[] =
    "usage: dyssync stats responders --outcomes FILE [OPTIONS]\n"
    "       dyssync stats roc --results studies.csv --outcomes FILE --response DEF\n"
    "                         [--index NAME]... [OPTIONS]\n"
    "       dyssync stats roc --table FILE --score COL [--score COL]... --label COL\n"
    "       dyssync stats agree A.csv B.csv [--index NAME]... [OPTIONS]\n"
    "       dyssync stats agree --table FILE [OPTIONS]\n"
    "       dyssync stats correlate --results studies.csv [--index NAME]... [OPTIONS]\n"
    "\n"
    "Research statistics on batch's studies.csv and an outcomes file.\n"
    "  responders  response under each definition (lvesv15: LVESV -15 %;\n"
    "              lvef5: LVEF +5 points; composite: Packer's clinical\n"
    "              composite improved; nyha1: NYHA >= 1 class better;\n"
    "              nyha1_walk25: and 6-minute walk +25 %), the rates, and\n"
    "              Cohen's kappa between every pair of definitions\n"
    "  roc         AUC (ties count one half), 95 % CI by DeLong, the Youden\n"
    "              cut-off with sensitivity and specificity, the same at each\n"
    "              published cut-off, and DeLong's paired test between\n"
    "              indices (default: every index with a published cut-off\n"
    "              that has a value in the table)\n"
    "  agree       two observers or runs matched by study_id (or a table: first\n"
    "              column the subject, one column per rater): ICC(1,1), (2,1),\n"
    "              (3,1) and their k-rater forms with 95 % CIs; with two raters\n"
    "              Bland-Altman bias and limits with CIs, and the CV\n"
    "  correlate   Pearson and Spearman matrices of the indices with CIs\n"
    "\n"
    "  --format text|json|csv  output (default text)\n"
    "  -o, --output FILE       write there (atomically) instead of stdout\n"
    "  --plot FILE             the figure (.png, .svg or .pdf): ROC curves,\n"
    "                          Bland-Altman plot, or correlation heat map\n"
    "  --dpi N                 PNG resolution (default 150)\n"
    "  --max-file-mb N         refuse input tables larger than N MiB (default 512)\n"
    "\n"
    "Outcomes file columns (any subset besides study_id): study_id,\n"
    "lvesv_baseline_ml, lvesv_followup_ml, lvef_baseline_pct, lvef_followup_pct,\n"
    "nyha_baseline, nyha_followup (1-4), composite (improved, unchanged,\n"
    "worsened), walk6_baseline_m, walk6_followup_m, death_or_hf_hospitalisation\n"
    "(yes, no).  Death or HF hospitalisation is non-response under every\n"
    "definition.  A statistic that cannot be computed is reported with its\n"
    "reason, and the exit status is then 1.\n";

static const char help_optimise[] =
    "usage: dyssync optimise [--objective NAME] [--reference STUDY] [--nominal AV/VV]\n"
    "                        [--format text|json|csv] [-o FILE] [--plot FILE]\n"
    "                        [analysis and reading options of analyze] STUDY...\n"
    "\n"
    "Echo-guided AV and VV optimisation of a CRT device: the studies of one\n"
    "patient, one per device setting (metadata av_delay_ms, vv_delay_ms,\n"
    "pacing_mode; docs/format.md), each analysed as analyze does, then ranked\n"
    "by the objective.  A Ts index is computed beat by beat: each setting's\n"
    "mean with its 95 % CI, and Welch's t-test of the best against the\n"
    "reference (p Bonferroni-adjusted for the settings compared).  Other\n"
    "objectives have one value per setting and are ranked untested.\n"
    "\n"
    "  --objective NAME   an index key (default ts_sd_12_ms; signed delays such\n"
    "                     as septal_lateral_delay_ms: nearest 0), lvot_vti_cm\n"
    "                     (aortic VTI method: highest) or mitral_vti_cm (mitral\n"
    "                     inflow VTI: highest)\n"
    "  --reference STUDY  the setting the others are tested against (default: the\n"
    "                     study with reference_setting: yes, else --nominal, else\n"
    "                     the first study)\n"
    "  --nominal AV/VV    the nominal setting in ms (120/0; VV positive: LV first)\n"
    "  --format text|json|csv  output (default text)\n"
    "  -o, --output FILE  write there (atomically) instead of stdout\n"
    "  --plot FILE        the figure (.png, .svg or .pdf): the objective against\n"
    "                     AV and VV delay, CI bars, best and reference marked\n"
    "\n"
    "When no setting differs from the reference by more than noise, a warning\n"
    "says so (the exit status stays 0).\n"
    "\n"
    "Exit status: 0 ranked, 1 a study could not be read or analysed, or the\n"
    "studies are no optimisation (different patients, a setting given twice, a\n"
    "missing av_delay_ms or vv_delay_ms), 2 usage error (an unknown objective).\n";

int cmd_help(int argc, char **argv)
{
    return cli_help(argc > 1 ? argv[1] : NULL);
}

int cli_help(const char *cmd)
{
    if (!cmd) {
        overview();
        return EXIT_ALL_OK;
    }
    if (!strcmp(cmd, "analyze"))
        fputs(help_analyze, stdout);
    else if (!strcmp(cmd, "info"))
        fputs(help_info, stdout);
    else if (!strcmp(cmd, "validate"))
        fputs(help_validate, stdout);
    else if (!strcmp(cmd, "synth"))
        fputs(help_synth, stdout);
    else if (!strcmp(cmd, "plot"))
        fputs(help_plot, stdout);
    else if (!strcmp(cmd, "batch"))
        fputs(help_batch, stdout);
    else if (!strcmp(cmd, "stats"))
        fputs(help_stats, stdout);
    else if (!strcmp(cmd, "optimise"))
        fputs(help_optimise, stdout);
    else if (!strcmp(cmd, "merge"))
        fputs(help_merge, stdout);
    else if (!strcmp(cmd, "help"))
        overview();
    else
        return cli_usage(NULL, "unknown command '%s'", cmd);
    return EXIT_ALL_OK;
}
