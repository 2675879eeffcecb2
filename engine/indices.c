/*
 * indices.c - the dyssynchrony index catalogue (docs/indices.md, and
 * docs/indices.md for every entry's definition, window, estimator, source
 * and limits) as one table that both the computation and the writers loop
 * over, so no index is defined twice; and the table of published cut-offs
 * that classifies them.
 *
 * Every index uses only segments whose status is ok and whose measure is
 * defined (a To, a phase, a displacement peak).  Choices:
 *  - SD is the sample SD (n - 1) by default, as in the published Yu index;
 *    --sd population gives n (4.4 % lower for 12 segments);
 *    ts_sd_12_pop_ms is always the population SD, for comparison.
 *  - Which segments: the 12 basal and mid segments (or a subset of them)
 *    for every index but strain_ttp_sd_18_ms, whose published form
 *    (mechanical dispersion) takes the whole model, apical ring included.
 *    Apical segments in a study therefore never move a 12-segment index.
 *  - Statistics over a segment set need a minimum count (default 10 of 12,
 *    5 of 6, 15 of 18); below it the index is null with a reason naming
 *    what is missing, because an SD over fewer segments is not the
 *    published index.
 *  - Pair delays need both segments; the 4-basal delay needs all four and
 *    the opposing-wall delay all three pairs (a maximum over a subset
 *    would understate it).
 *  - Delays are signed (later minus earlier wall as defined); cut-offs of
 *    signed delays apply to the absolute value.
 *  - Phases are circular: their SD is taken about the circular mean and the
 *    bandwidth is the smallest arc holding 95 % of the segments (cycle.c).
 */
#include "indices.h"
#include "cycle.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

_Static_assert(DYS_N_INDICES <= DYS_N_INDICES_MAX, "dys_params.cutoff is too small");

/* What an index is computed from: a per-segment measure ... */
enum measure {
    M_TS, M_TO, M_TS_RR, M_TS_EP, M_TS_PS, M_PHASE, M_DPHASE, M_DLC, M_NONE, /* velocity */
    M_S_TTP, M_S_TTP_ES, M_S_PSI,                                          /* strain */
    M_S_GLOBAL, /* a recording's global strain peak, not a segment's (strain) */
    M_S_DELAY,  /* a segment's strain delay (lbbb.c; dys_result.lbbb_markers) */
    M_LBBB,     /* a marker of the septum and lateral wall, computed whole by
                   lbbb.c: the catalogue copies it */
    M_W_WI, M_W_CW, M_W_WW,                         /* myocardial work (strain) */
    M_DOPPLER, /* the study's Doppler or M-mode timing (metadata; a: which) */
    M_APEX     /* the A4C recordings' apical transverse excursion (contours) */
};
/* ... and how. */
enum stat {
    ST_SD,           /* SD by --sd */
    ST_SD_POP,       /* population SD */
    ST_RANGE,        /* largest minus smallest */
    ST_PAIR,         /* measure(b) - measure(a) */
    ST_MAX_OPPOSING, /* largest |pair delay| of the 3 opposing basal pairs */
    ST_XCORR,        /* cross-correlation delay of opposing pair a */
    ST_XCORR_MAX,    /* largest |cross-correlation delay| */
    ST_CIRC_SD,      /* circular SD, degrees (ms: x RR / 360 with ms) */
    ST_CIRC_BW,      /* 95 % bandwidth, degrees (or ms) */
    ST_COUNT,        /* segments with the flag set */
    ST_MAX,          /* largest value */
    ST_VIEW_MEAN,    /* mean over the recordings that give one (M_S_GLOBAL) */
    ST_MEAN,         /* mean over the segments */
    ST_EFFICIENCY,   /* work: 100 x sum CW / (sum CW + sum WW) */
    ST_SUM,          /* sum over the segments */
    ST_LBBB,         /* lbbb.c's value (M_LBBB) */
    ST_WALL_DIFF,    /* mean over the lateral wall minus mean over the
                        septum, each wall needing its own minimum count */
    ST_WW_RATIO,     /* work: 100 x sum WW / sum CW */
    ST_METADATA,     /* a value given with the study, or a difference of two */
    ST_APEX_MEAN     /* mean over the A4C recordings that give one */
};

#define BIT(s) (1u << (s))
#define BASAL6 0x3Fu
#define ALL12 0xFFFu   /* the 12 basal and mid segments (AHA 1-12) */
#define ALL18 0x3FFFFu /* the 18-segment model, apical ring included */
#define OPPOSING (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5))
/* The septum and the lateral wall of the 18-segment model, six segments
 * each: anteroseptal and inferoseptal; anterolateral and inferolateral
 * (the walls the work-asymmetry papers compare; how they averaged them
 * could not be read, so the split is dyssync's: docs/indices.md). */
#define SEPTAL6                                                                              \
    (BIT(DYS_AHA_BASAL_ANTEROSEPTAL) | BIT(DYS_AHA_BASAL_INFEROSEPTAL) |                     \
     BIT(DYS_AHA_MID_ANTEROSEPTAL) | BIT(DYS_AHA_MID_INFEROSEPTAL) |                         \
     BIT(DYS_AHA_APICAL_ANTEROSEPTAL) | BIT(DYS_AHA_APICAL_INFEROSEPTAL))
#define LATERAL6                                                                             \
    (BIT(DYS_AHA_BASAL_ANTEROLATERAL) | BIT(DYS_AHA_BASAL_INFEROLATERAL) |                   \
     BIT(DYS_AHA_MID_ANTEROLATERAL) | BIT(DYS_AHA_MID_INFEROLATERAL) |                       \
     BIT(DYS_AHA_APICAL_ANTEROLATERAL) | BIT(DYS_AHA_APICAL_INFEROLATERAL))
#define PHASE_BW_FRAC 0.95
#define SEPTUM (BIT(DYS_AHA_BASAL_INFEROSEPTAL) | BIT(DYS_AHA_MID_INFEROSEPTAL) | \
                BIT(DYS_AHA_APICAL_INFEROSEPTAL))
#define LATERAL (BIT(DYS_AHA_BASAL_ANTEROLATERAL) | BIT(DYS_AHA_MID_ANTEROLATERAL) | \
                 BIT(DYS_AHA_APICAL_ANTEROLATERAL))

static const struct {
    dys_index_info info;
    enum measure measure;
    enum stat stat;
    unsigned mask; /* segments used */
    int a, b;      /* ST_PAIR: segments; ST_XCORR: a = pair */
    int in_ms;     /* ST_CIRC_*: degrees converted to ms of the RR */
} catalogue[DYS_N_INDICES] = {
    {{"ts_sd_12_ms", "SD of Ts over the 12 basal and mid segments (Yu index)", "ms"},
     M_TS, ST_SD, ALL12, 0, 0, 0},
    {{"ts_sd_12_pop_ms", "the same with the population SD (n)", "ms"},
     M_TS, ST_SD_POP, ALL12, 0, 0, 0},
    {{"ts_diff_12_ms", "largest minus smallest Ts, 12 segments", "ms"},
     M_TS, ST_RANGE, ALL12, 0, 0, 0},
    {{"ts_sd_6_basal_ms", "SD of Ts over the 6 basal segments", "ms"},
     M_TS, ST_SD, BASAL6, 0, 0, 0},
    {{"ts_diff_6_basal_ms", "largest minus smallest Ts, 6 basal segments", "ms"},
     M_TS, ST_RANGE, BASAL6, 0, 0, 0},
    {{"septal_lateral_delay_ms", "Ts(basal anterolateral) - Ts(basal inferoseptal)", "ms"},
     M_TS, ST_PAIR, BIT(DYS_AHA_BASAL_INFEROSEPTAL) | BIT(DYS_AHA_BASAL_ANTEROLATERAL),
     DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_BASAL_ANTEROLATERAL, 0},
    {{"anteroseptal_posterior_delay_ms", "Ts(basal inferolateral) - Ts(basal anteroseptal)",
      "ms"},
     M_TS, ST_PAIR, BIT(DYS_AHA_BASAL_ANTEROSEPTAL) | BIT(DYS_AHA_BASAL_INFEROLATERAL),
     DYS_AHA_BASAL_ANTEROSEPTAL, DYS_AHA_BASAL_INFEROLATERAL, 0},
    {{"basal_4seg_max_delay_ms",
      "largest minus smallest Ts of basal septal, lateral, anterior, inferior", "ms"},
     M_TS, ST_RANGE,
     BIT(DYS_AHA_BASAL_INFEROSEPTAL) | BIT(DYS_AHA_BASAL_ANTEROLATERAL) |
         BIT(DYS_AHA_BASAL_ANTERIOR) | BIT(DYS_AHA_BASAL_INFERIOR),
     0, 0, 0},
    {{"opposing_wall_max_delay_ms",
      "largest |Ts difference| of the opposing basal pairs septal-lateral, "
      "anterior-inferior, anteroseptal-posterior", "ms"},
     M_TS, ST_MAX_OPPOSING, OPPOSING, 0, 0, 0},
    {{"ts_sd_12_rr_pct", "SD of Ts as % of the beat's RR, 12 segments", "%"},
     M_TS_RR, ST_SD, ALL12, 0, 0, 0},
    {{"ts_sd_12_ep_pct", "SD of (Ts - AVO) as % of the ejection period, 12 segments", "%"},
     M_TS_EP, ST_SD, ALL12, 0, 0, 0},
    {{"ts_ps_sd_12_ms", "SD of the time to peak velocity in AVO..AVC + 100 ms "
      "(post-systolic peaks count), 12 segments", "ms"},
     M_TS_PS, ST_SD, ALL12, 0, 0, 0},
    {{"to_sd_12_ms", "SD of To (QRS onset to onset of systolic velocity), 12 segments",
      "ms"},
     M_TO, ST_SD, ALL12, 0, 0, 0},
    {{"to_sd_6_basal_ms", "SD of To over the 6 basal segments", "ms"},
     M_TO, ST_SD, BASAL6, 0, 0, 0},
    {{"to_diff_6_basal_ms", "largest minus smallest To, 6 basal segments", "ms"},
     M_TO, ST_RANGE, BASAL6, 0, 0, 0},
    {{"xcorr_septal_lateral_ms",
      "cross-correlation delay of basal anterolateral after basal inferoseptal", "ms"},
     M_NONE, ST_XCORR, BIT(DYS_AHA_BASAL_INFEROSEPTAL) | BIT(DYS_AHA_BASAL_ANTEROLATERAL),
     0, 0, 0},
    {{"xcorr_anterior_inferior_ms",
      "cross-correlation delay of basal inferior after basal anterior", "ms"},
     M_NONE, ST_XCORR, BIT(DYS_AHA_BASAL_ANTERIOR) | BIT(DYS_AHA_BASAL_INFERIOR), 1, 0, 0},
    {{"xcorr_anteroseptal_posterior_ms",
      "cross-correlation delay of basal inferolateral after basal anteroseptal", "ms"},
     M_NONE, ST_XCORR, BIT(DYS_AHA_BASAL_ANTEROSEPTAL) | BIT(DYS_AHA_BASAL_INFEROLATERAL),
     2, 0, 0},
    {{"xcorr_delay_max_ms", "largest |cross-correlation delay| of the 3 opposing pairs",
      "ms"},
     M_NONE, ST_XCORR_MAX, OPPOSING, 0, 0, 0},
    {{"phase_sd_deg", "circular SD of the first-harmonic phase of velocity, 12 segments",
      "deg"},
     M_PHASE, ST_CIRC_SD, ALL12, 0, 0, 0},
    {{"phase_bandwidth_deg", "smallest arc holding 95 % of the velocity phases", "deg"},
     M_PHASE, ST_CIRC_BW, ALL12, 0, 0, 0},
    {{"phase_sd_ms", "phase_sd_deg as ms of the RR", "ms"},
     M_PHASE, ST_CIRC_SD, ALL12, 0, 0, 1},
    {{"phase_bandwidth_ms", "phase_bandwidth_deg as ms of the RR", "ms"},
     M_PHASE, ST_CIRC_BW, ALL12, 0, 0, 1},
    {{"disp_phase_sd_deg", "circular SD of the first-harmonic phase of displacement", "deg"},
     M_DPHASE, ST_CIRC_SD, ALL12, 0, 0, 0},
    {{"disp_phase_bandwidth_deg", "smallest arc holding 95 % of the displacement phases",
      "deg"},
     M_DPHASE, ST_CIRC_BW, ALL12, 0, 0, 0},
    {{"dlc_basal_count",
      "basal segments whose displacement still rises after AVC (delayed longitudinal "
      "contraction)", "segments"},
     M_DLC, ST_COUNT, BASAL6, 0, 0, 0},
    {{"strain_ttp_sd_12_ms", "SD of the time to peak (most negative) strain over the "
      "cycle, 12 basal and mid segments", "ms"},
     M_S_TTP, ST_SD, ALL12, 0, 0, 0},
    /* Haugaa's mechanical dispersion is over the whole 16/18-segment model
     * (apical segments included), so its 18-segment form is its own index,
     * and the 12-segment one keeps its definition. */
    {{"strain_ttp_sd_18_ms", "mechanical dispersion (Haugaa 2010): SD of the time to peak "
      "strain over the cycle, the 18 segments", "ms"},
     M_S_TTP, ST_SD, ALL18, 0, 0, 0},
    {{"strain_ttp_es_sd_12_ms", "SD of the time to peak strain within the ejection period, "
      "12 segments", "ms"},
     M_S_TTP_ES, ST_SD, ALL12, 0, 0, 0},
    {{"strain_ttp_diff_12_ms", "largest minus smallest time to peak strain, 12 segments",
      "ms"},
     M_S_TTP, ST_RANGE, ALL12, 0, 0, 0},
    {{"strain_septal_lateral_delay_ms", "time to peak strain, basal anterolateral - basal "
      "inferoseptal", "ms"},
     M_S_TTP, ST_PAIR, BIT(DYS_AHA_BASAL_INFEROSEPTAL) | BIT(DYS_AHA_BASAL_ANTEROLATERAL),
     DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_BASAL_ANTEROLATERAL, 0},
    {{"strain_psi_max_pct", "largest post-systolic strain index of the 12 segments", "%"},
     M_S_PSI, ST_MAX, ALL12, 0, 0, 0},
    /* The strain markers of the LBBB mechanism (lbbb.c): each segment's
     * curve sampled per beat, the walls' means; 2 of a wall's 3 segments
     * needed.  The yes/no findings are 1 or 0, their criteria in
     * dys_result.lbbb_markers. */
    {{"srs_sept_pct", "septal rebound stretch (De Boeck 2009): lengthening after the first "
      "shortening up to AVC, mean of the septal segments", "%"},
     M_LBBB, ST_LBBB, SEPTUM, 0, 0, 0},
    {{"lw_prestretch_pct", "lateral-wall pre-stretch: lengthening from QRS onset before AVO, "
      "mean of the lateral segments", "%"},
     M_LBBB, ST_LBBB, LATERAL, 0, 0, 0},
    {{"ssi_pct", "systolic stretch index (Lumens 2015): srs_sept_pct + lw_prestretch_pct", "%"},
     M_LBBB, ST_LBBB, SEPTUM | LATERAL, 0, 0, 0},
    {{"lbbb_pattern", "typical LBBB contraction pattern (Risum 2015): all three criteria met "
      "(1) or not (0)", "0/1"},
     M_LBBB, ST_LBBB, SEPTUM | LATERAL, 0, 0, 0},
    /* Lim summed 16 segments; the 18 of the model here, so the whole
     * ventricle with the same 15-of-18 minimum as mechanical dispersion */
    {{"sdi_pct", "strain delay index (Lim 2008): sum over the 18 segments of end-systolic "
      "minus peak strain", "%"},
     M_S_DELAY, ST_SUM, ALL18, 0, 0, 0},
    {{"septal_flash", "septal flash (Parsai 2009): septal shortening and re-lengthening "
      "before AVO (1) or not (0)", "0/1"},
     M_LBBB, ST_LBBB, SEPTUM, 0, 0, 0},
    /* Global strain: the whole wall's peak per view, the views' mean
     * (GLS as EACVI/ASE define it, Voigt 2015); not a dyssynchrony index
     * and no cut-off.  Only recordings with a global curve give one
     * (contour exports), so it uses no segment. */
    {{"global_strain_peak_pct", "peak (most negative) global strain of the cycle, the mean "
      "of the views' peaks: GLS for apical views, global circumferential strain for a "
      "short-axis ring", "%"},
     M_S_GLOBAL, ST_VIEW_MEAN, 0, 0, 0, 0},
    /* Myocardial work (work.c; Russell, Eur Heart J 2012;33:724): global
     * values over the 18 segments, as the workstations report them.  GWE
     * is GCW / (GCW + GWW), the ratio of the means (= of the sums), not
     * the mean of the segments' efficiencies: it is defined when a
     * segment's CW + WW is 0, and it is the published formula
     * (docs/indices.md compares both with EchoPAC's). */
    {{"gwi_mmhg_pct", "global work index: mean over the 18 segments of the pressure-strain "
      "loop area from MVC to MVO", "mmHg%"},
     M_W_WI, ST_MEAN, ALL18, 0, 0, 0},
    {{"gcw_mmhg_pct", "global constructive work: mean of shortening in systole and "
      "lengthening in isovolumic relaxation", "mmHg%"},
     M_W_CW, ST_MEAN, ALL18, 0, 0, 0},
    {{"gww_mmhg_pct", "global wasted work: mean of lengthening in systole and shortening "
      "in isovolumic relaxation", "mmHg%"},
     M_W_WW, ST_MEAN, ALL18, 0, 0, 0},
    {{"gwe_pct", "global work efficiency: GCW / (GCW + GWW)", "%"},
     M_W_CW, ST_EFFICIENCY, ALL18, 0, 0, 0},
    /* Work asymmetry in LBBB: the early septum wastes work that the late
     * lateral wall does (docs/indices.md, "Work asymmetry"). */
    {{"septal_wasted_work_mmhg_pct", "septal wasted work: mean over the 6 septal segments "
      "(anteroseptal, inferoseptal) of their wasted work", "mmHg%"},
     M_W_WW, ST_MEAN, SEPTAL6, 0, 0, 0},
    {{"lw_sw_work_difference_mmhg_pct", "lateral wall minus septal work index: mean over "
      "the 6 lateral segments minus mean over the 6 septal segments", "mmHg%"},
     M_W_WI, ST_WALL_DIFF, SEPTAL6 | LATERAL6, 0, 0, 0},
    {{"wasted_work_ratio_pct", "global wasted work ratio: 100 x the sum of the wasted work "
      "over the sum of the constructive work, 18 segments", "%"},
     M_W_WW, ST_WW_RATIO, ALL18, 0, 0, 0},
    /* Doppler and M-mode timing (CARE-HF, Pitzalis): measured by the
     * sonographer and given as metadata; dyssync reports and classifies
     * them, it does not measure them. */
    {{"lv_pep_ms", "LV pre-ejection period: QRS onset to aortic flow onset (metadata "
      "lv_pep_ms)", "ms"},
     M_DOPPLER, ST_METADATA, 0, 0, 0, 0},
    {{"ivmd_ms", "interventricular mechanical delay: LV minus RV pre-ejection period "
      "(metadata lv_pep_ms, rv_pep_ms)", "ms"},
     M_DOPPLER, ST_METADATA, 0, 1, 0, 0},
    {{"spwmd_ms", "septal-to-posterior wall motion delay, M-mode (metadata spwmd_ms)", "ms"},
     M_DOPPLER, ST_METADATA, 0, 2, 0, 0},
    {{"apical_transverse_motion_mm", "apical rocking: the apex's excursion across the LV "
      "long axis (septal-lateral) in AVO..AVC, 4-chamber contour", "mm"},
     M_APEX, ST_APEX_MEAN, 0, 0, 0, 0},
};

/* Published cut-offs; an index's first row is its default (docs/indices.md's
 * first).  Each row was reviewed (docs/indices.md, "Cut-off review") for
 * whether its source measured what dyssync measures: the same modality
 * (tissue-Doppler longitudinal velocity), the same event (peak systolic
 * velocity in the ejection window, or the same onset rule) and the same
 * segments.  Only a validated row classifies a study; a reference-only row
 * is shown beside the value with its reason and `dyssynchronous` null,
 * because a threshold carried over from another modality or definition
 * has no known sensitivity or specificity here. */
#define TDI_TS "tissue-Doppler velocity Ts in the ejection phase, as measured here"
static const dys_cutoff cutoffs[] = {
    {DYS_IDX_TS_SD_12, 32.6, 0, "Yu, Heart 2003;89:54 (mean + 2 SD of 88 controls)",
     "88 normal controls", 1, TDI_TS ", 12 basal and mid segments"},
    {DYS_IDX_TS_SD_12, 31.4, 0, "Yu, Circulation 2004;110:66 (ROC for LV reverse "
     "remodelling, AUC 0.94)", "54 CRT patients", 1,
     TDI_TS ", 12 segments; an outcome cut-off in wide-QRS CRT candidates"},
    {DYS_IDX_TS_SD_12, 33.0, 0, "ASE 2008 dyssynchrony consensus", "expert consensus", 1,
     TDI_TS " (the Yu index)"},
    {DYS_IDX_TS_SD_12, 34.4, 0, "Yu, JACC 2005;45:677 (tissue synchronisation imaging)",
     "CRT patients", 0,
     "Ts from tissue synchronisation imaging: its automated peak detection, not this one"},
    {DYS_IDX_TS_DIFF_12, 100, 0, "Yu, Heart 2003;89:54", "88 normal controls", 1,
     TDI_TS ", 12 segments"},
    {DYS_IDX_SEPTAL_LATERAL, 60, 1, "Bax, Am J Cardiol 2003", "CRT patients", 1,
     TDI_TS ", basal septal and lateral (4-chamber view)"},
    {DYS_IDX_ANTEROSEPTAL_POSTERIOR, 65, 1, "Gorcsan, Am J Cardiol 2004;93:1178",
     "CRT patients", 1, TDI_TS ", basal anteroseptal and posterior (long-axis view)"},
    {DYS_IDX_BASAL_4SEG_MAX, 65, 0, "Bax, JACC 2004;44:1834", "85 CRT patients", 1,
     TDI_TS ", basal septal, lateral, anterior, inferior"},
    {DYS_IDX_OPPOSING_WALL_MAX, 65, 0, "ASE 2008 consensus (RethinQ)",
     "narrow-QRS heart failure (RethinQ)", 1,
     TDI_TS ", opposing basal walls; in narrow QRS it did not predict benefit (RethinQ)"},
    {DYS_IDX_OPPOSING_WALL_MAX, 80, 0, "EchoCRT, NEJM 2013", "narrow-QRS heart failure", 1,
     TDI_TS ", opposing basal walls; EchoCRT's enrolment threshold, CRT raised mortality"},
    {DYS_IDX_TO_SD_6_BASAL, 20, 0, "PMID 16455423 (To-SD-6 basal > 20 ms)",
     "heart failure", 0,
     "the onset rule is not the source's (To here: 10 % of S'), and To depends on it"},
    {DYS_IDX_TO_DIFF_6_BASAL, 60, 0, "PMID 16455423 (any 2 of 6 basal >= 60 ms apart)",
     "heart failure", 0,
     "the onset rule is not the source's (To here: 10 % of S'), and To depends on it"},
    {DYS_IDX_PHASE_SD, 43, 0, "Chen/Garcia, J Nucl Cardiol 2005 (SPECT phase SD)",
     "SPECT, not tissue Doppler: a borrowed threshold", 0,
     "SPECT phase, not validated for echo"},
    /* The LBBB markers' published thresholds were derived on vendor
     * workstations' strain read by hand, and how those combined the
     * segments is not verified here (docs/indices.md, "LBBB strain
     * markers"): shown, never classifying. */
    {DYS_IDX_SRS_SEPT, 4.0, 0, "Ghani, Int J Cardiol Heart Vasc 2015;7:22 (ROC for LVESV "
     "reduction >= 15 %)", "138 CRT patients", 0,
     "speckle-tracking septal strain read on the workstation; how the septal segments were "
     "combined is not verified to be dyssync's"},
    {DYS_IDX_SSI, 3.1, 0, "Gorcsan, JACC Cardiovasc Imaging 2019 (Adaptive CRT; the group "
     "median)", "442 CRT patients (Adaptive CRT trial)", 0,
     "a group median that separated outcomes, not a derived threshold; its pre-stretch is of "
     "the posterolateral wall, here of the 4-chamber lateral wall"},
    /* Galli's threshold predicts response (GCW above it), it does not
     * mark dyssynchrony: read as "dyssynchronous at or above" it would
     * say the opposite of what it means, so it is shown, never applied. */
    {DYS_IDX_GCW, 1057, 0, "Galli, Eur Heart J Cardiovasc Imaging 2018 (GCW > 1057 "
     "mmHg% predicted CRT response)", "97 CRT candidates", 0,
     "a response predictor (higher is better), not a dyssynchrony threshold"},
    /* The timing criteria of CARE-HF (Cleland, NEJM 2005) for QRS 120-149
     * ms, as its echo substudy states them (Edner, Cardiovasc Ultrasound
     * 2009): the measurements are the sonographer's, made as the trial
     * made them, so the rows classify.  The trial's criteria are strict
     * (> 140, > 40 ms); the table's >= differs only at the exact value. */
    {DYS_IDX_LV_PEP, 140, 0, "CARE-HF, Cleland NEJM 2005 (aortic pre-ejection delay "
     "> 140 ms)", "heart failure, QRS 120-149 ms (trial enrolment)", 1,
     "pulsed-wave Doppler, QRS onset to aortic flow onset, as given"},
    {DYS_IDX_IVMD, 40, 0, "CARE-HF, Cleland NEJM 2005 (interventricular mechanical delay "
     "> 40 ms)", "heart failure, QRS 120-149 ms (trial enrolment)", 1,
     "pulsed-wave Doppler, aortic minus pulmonary pre-ejection delay, as given"},
    {DYS_IDX_SPWMD, 130, 0, "Pitzalis, JACC 2002;40:1615 (SPWMD >= 130 ms)",
     "CRT candidates, one centre", 1,
     "parasternal M-mode, as given; CONTAK-CD (Marcus, JACC 2005) did not reproduce it"},
};
#define N_CUTOFFS (sizeof cutoffs / sizeof cutoffs[0])

/* The families --indices selects: runs of the catalogue, which is in
 * family order, each a stage of the analysis or a measure the stages
 * share (docs/indices.md, "Families").  The Ts variants are their own
 * family, not part of ts: the post-systolic one needs a second peak
 * search per beat that the Yu index does not. */
/* The report's sections (dys_group_name), in the order a reader meets
 * the mechanism: the electrical and Doppler intervals first, then the
 * tissue-Doppler timing, strain, work.  Each family belongs to one. */
enum { G_TIMING, G_TDI, G_STRAIN, G_WORK, N_GROUPS };
static const char *const group_names[N_GROUPS] = {
    "electrical and Doppler timing", "tissue Doppler velocity", "strain", "myocardial work"};

static const struct {
    const char *name;
    int first, last;
    int group;
} families[] = {
    {"ts", DYS_IDX_TS_SD_12, DYS_IDX_OPPOSING_WALL_MAX, G_TDI},
    {"ts_variants", DYS_IDX_TS_SD_12_RR, DYS_IDX_TS_PS_SD_12, G_TDI},
    {"to", DYS_IDX_TO_SD_12, DYS_IDX_TO_DIFF_6_BASAL, G_TDI},
    {"xcorr", DYS_IDX_XCORR_SEPTAL_LATERAL, DYS_IDX_XCORR_MAX, G_TDI},
    {"cycle", DYS_IDX_PHASE_SD, DYS_IDX_DLC_BASAL_COUNT, G_TDI},
    {"strain", DYS_IDX_STRAIN_TTP_SD_12, DYS_IDX_STRAIN_PSI_MAX, G_STRAIN},
    {"lbbb", DYS_IDX_SRS_SEPT, DYS_IDX_SEPTAL_FLASH, G_STRAIN},
    {"global", DYS_IDX_GLOBAL_STRAIN_PEAK, DYS_IDX_GLOBAL_STRAIN_PEAK, G_STRAIN},
    {"work", DYS_IDX_GWI, DYS_IDX_WASTED_WORK_RATIO, G_WORK},
    {"doppler", DYS_IDX_LV_PEP, DYS_IDX_SPWMD, G_TIMING},
    /* the apex's motion comes from the speckle-tracking contours */
    {"rocking", DYS_IDX_APICAL_TRANSVERSE_MOTION, DYS_IDX_APICAL_TRANSVERSE_MOTION, G_STRAIN},
};
#define N_FAMILIES (sizeof families / sizeof families[0])
_Static_assert(DYS_IDX_APICAL_TRANSVERSE_MOTION == DYS_N_INDICES - 1,
               "a new index needs a family");
_Static_assert(DYS_N_INDICES <= 64, "dys_params.indices has 64 bits");

static unsigned long long family_bits(size_t f)
{
    unsigned long long m = 0;
    for (int i = families[f].first; i <= families[f].last; i++)
        m |= 1ULL << i;
    return m;
}

const char *dys_family_name(int i)
{
    return i >= 0 && (size_t)i < N_FAMILIES ? families[i].name : NULL;
}

const char *dys_index_family(dys_index index)
{
    for (size_t f = 0; f < N_FAMILIES; f++)
        if ((int)index >= families[f].first && (int)index <= families[f].last)
            return families[f].name;
    return NULL;
}

const char *dys_group_name(int g)
{
    return g >= 0 && g < N_GROUPS ? group_names[g] : NULL;
}

int dys_index_group(dys_index index)
{
    for (size_t f = 0; f < N_FAMILIES; f++)
        if ((int)index >= families[f].first && (int)index <= families[f].last)
            return families[f].group;
    return -1;
}

unsigned long long dys_family_indices(const char *name)
{
    for (size_t f = 0; f < N_FAMILIES; f++)
        if (!strcmp(name, families[f].name))
            return family_bits(f);
    return 0;
}

int dys_params_wants(const dys_params *p, int index)
{
    return index >= 0 && index < DYS_N_INDICES && (p->indices >> index & 1u);
}

int dys_wants_family(const dys_params *p, const char *family)
{
    return (p->indices & dys_family_indices(family)) != 0;
}

int dys_index_from_key(const char *s, size_t len)
{
    for (int i = 0; i < DYS_N_INDICES; i++)
        if (strlen(catalogue[i].info.key) == len && !strncmp(catalogue[i].info.key, s, len))
            return i;
    return -1;
}

dys_status dys_params_parse_indices(dys_ctx *ctx, dys_params *p, const char *list)
{
    unsigned long long m = 0;
    const char *s = list;
    for (;;) {
        size_t len = strcspn(s, ",");
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)(len < 63 ? len : 63), s);
        unsigned long long w = len >= 63 ? 0
                               : !strcmp(word, "all") ? DYS_INDICES_ALL
                                                      : dys_family_indices(word);
        int key = w || len >= 63 ? -1 : dys_index_from_key(word, len);
        if (key >= 0)
            w = 1ULL << key;
        if (!w) {
            char names[160];
            size_t n = 0;
            for (size_t f = 0; f < N_FAMILIES; f++)
                n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", f ? ", " : "",
                                      families[f].name);
            return dys_fail(ctx, DYS_ERR_INVALID,
                            "--indices: '%.*s' is neither an index family (%s, or all) nor "
                            "an index key (ts_sd_12_ms, ...: docs/indices.md)",
                            (int)(len < 80 ? len : 80), s, names);
        }
        m |= w;
        if (!s[len])
            break;
        s += len + 1;
    }
    p->indices = m;
    return DYS_OK;
}

size_t dys_indices_text(unsigned long long m, char *buf, size_t cap)
{
    unsigned long long all = 0, left;
    for (int i = 0; i < DYS_N_INDICES; i++)
        all |= 1ULL << i;
    left = m & all;
    size_t n = 0;
    if (cap)
        buf[0] = '\0';
    if (left == all)
        return 0;
    for (size_t f = 0; f < N_FAMILIES; f++)
        if ((left & family_bits(f)) == family_bits(f)) {
            n += (size_t)snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0, "%s%s",
                                  n ? "," : "", families[f].name);
            left &= ~family_bits(f);
        }
    for (int i = 0; i < DYS_N_INDICES; i++)
        if (left >> i & 1u)
            n += (size_t)snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0, "%s%s",
                                  n ? "," : "", catalogue[i].info.key);
    return n;
}

const dys_index_info *dys_index_get(dys_index index)
{
    int i = (int)index; /* an enum may be unsigned: out of range either way */
    return i >= 0 && i < DYS_N_INDICES ? &catalogue[i].info : NULL;
}

int dys_index_applies(dys_index index, dys_trace trace)
{
    int i = (int)index;
    if (i < 0 || i >= DYS_N_INDICES)
        return 0;
    /* timing given by the sonographer, and the contour's geometry, are
     * the same whatever curves the segments hold */
    if (catalogue[i].measure == M_DOPPLER || catalogue[i].measure == M_APEX)
        return 1;
    return (catalogue[i].measure >= M_S_TTP) == (trace == DYS_TRACE_STRAIN);
}

const dys_cutoff *dys_cutoff_get(int i)
{
    return i >= 0 && (size_t)i < N_CUTOFFS ? &cutoffs[i] : NULL;
}

const dys_cutoff *dys_cutoff_default(dys_index index)
{
    for (size_t i = 0; i < N_CUTOFFS; i++)
        if (cutoffs[i].index == (int)index)
            return &cutoffs[i];
    return NULL;
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

static int popcount_seg(unsigned m)
{
    int c = 0;
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        c += (m >> s) & 1u;
    return c;
}

/* Segments a statistic over `of` segments needs: --min-segments for 12
 * and 6; for the 18-segment model the same share of it as of 12, rounded
 * up (10 of 12 -> 15 of 18), so one option sets both and an SD over
 * the basal and mid segments alone (12 of 18) never passes for the
 * 18-segment index. */
static int min_segments(const dys_params *p, int of)
{
    return of == 12 ? p->min_segments_12
           : of == 6 ? p->min_segments_6
           : of == 18 ? (p->min_segments_12 * 18 + 11) / 12
                      : of;
}

/* The per-segment value a measure reads; NAN when undefined. */
static double measure_of(const dys_result *r, int s, enum measure m)
{
    const dys_segment_result *g = &r->seg[s];
    switch (m) {
    case M_TS: return g->ts_ms;
    case M_TO: return g->to_ms;
    case M_TS_RR: return g->ts_rr_pct;
    case M_TS_EP: return g->ts_ep_pct;
    case M_TS_PS: return g->ts_ps_ms;
    case M_PHASE: return g->phase_deg;
    case M_DPHASE: return g->disp_phase_deg;
    case M_DLC: return g->dlc < 0 ? NAN : g->dlc;
    case M_S_TTP: return g->strain_ttp_ms;
    case M_S_TTP_ES: return g->strain_ttp_es_ms;
    case M_S_PSI: return g->strain_psi_pct;
    case M_W_WI: return g->work_index_mmhg_pct;
    case M_W_CW: return g->constructive_work_mmhg_pct;
    case M_W_WW: return g->wasted_work_mmhg_pct;
    case M_S_DELAY: /* NAN in a result lbbb.c did not fill (zeroed by hand) */
        return r->lbbb_markers.computed ? r->lbbb_markers.seg_strain_delay_pct[s] : NAN;
    case M_LBBB:     /* a wall's, not a segment's */
    case M_S_GLOBAL: /* a recording's, not a segment's */
    case M_DOPPLER:  /* the study's */
    case M_APEX:
    case M_NONE: break;
    }
    return NAN;
}

/* Work is a segment's own measure, taken whatever its timing status: a
 * dyskinetic segment (no shortening, "indeterminate" for timing) is what
 * wasted work measures, and leaving it out would flatter the globals. */
static int is_work(enum measure m)
{
    return m == M_W_WI || m == M_W_CW || m == M_W_WW;
}

static const char *undefined_why(enum measure m)
{
    switch (m) {
    case M_TO: return "no onset of systolic velocity";
    case M_PHASE:
    case M_DPHASE:
    case M_TS_RR:
    case M_DLC: return "no whole cycle (RR unknown or not covered)";
    case M_W_WI:
    case M_W_CW:
    case M_W_WW: return "no work";
    case M_S_DELAY: return "no strain delay measured";
    default: return "not measured";
    }
}

/* "basal_anterior missing, mid_inferior indeterminate, basal_inferior
 * no onset of systolic velocity" */
static void list_unusable(const dys_result *r, unsigned mask, enum measure m, char *out,
                          size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int s = 0; s < DYS_N_SEGMENTS && n < cap; s++) {
        if (!(mask >> s & 1u))
            continue;
        const char *why = r->seg[s].status != DYS_SEG_OK && !is_work(m)
                              ? dys_seg_status_name(r->seg[s].status)
                          : m != M_NONE && isnan(measure_of(r, s, m)) ? undefined_why(m)
                                                                           : NULL;
        if (why)
            n += (size_t)snprintf(out + n, cap - n, "%s%s %s", n ? ", " : "",
                                  dys_segment_name(s), why);
    }
}

const int dys_opposing_pairs[3][2] = {
    {DYS_AHA_BASAL_INFEROSEPTAL, DYS_AHA_BASAL_ANTEROLATERAL},
    {DYS_AHA_BASAL_ANTERIOR, DYS_AHA_BASAL_INFERIOR},
    {DYS_AHA_BASAL_ANTEROSEPTAL, DYS_AHA_BASAL_INFEROLATERAL}};

/* The doppler family: which = 0 LV PEP, 1 IVMD (LV - RV PEP), 2 SPWMD. */
static void metadata_index(dys_result *r, int i, int which)
{
    char *why = r->index_reason[i];
    size_t cap = sizeof r->index_reason[i];
    if (which == 1) {
        int lv = isfinite(r->lv_pep_ms), rv = isfinite(r->rv_pep_ms);
        r->index[i] = r->lv_pep_ms - r->rv_pep_ms;
        if (!lv || !rv)
            snprintf(why, cap, "metadata %s not given",
                     !lv && !rv ? "keys lv_pep_ms and rv_pep_ms"
                     : !lv      ? "key lv_pep_ms"
                                : "key rv_pep_ms");
        return;
    }
    r->index[i] = which == 0 ? r->lv_pep_ms : r->spwmd_ms;
    if (!isfinite(r->index[i]))
        snprintf(why, cap, "metadata key %s not given", which == 0 ? "lv_pep_ms" : "spwmd_ms");
}

/* Apical rocking: the mean over the 4-chamber recordings that give an
 * excursion (one per view directory; a study of several 4-chamber files
 * is not one, but the mean keeps the rule of global strain). */
static void apex_index(dys_result *r, int i)
{
    double sum = 0;
    int n = 0, tracked = 0;
    for (size_t q = 0; q < r->n_rec; q++) {
        if (r->rec[q].view == DYS_VIEW_A4C && r->rec[q].contour.from_contour)
            tracked = 1;
        if (isfinite(r->rec[q].apical_transverse_mm)) {
            sum += r->rec[q].apical_transverse_mm;
            n++;
        }
    }
    r->index[i] = n ? sum / n : NAN;
    if (!n)
        snprintf(r->index_reason[i], sizeof r->index_reason[i], "%s",
                 tracked ? "the 4-chamber contour covers no accepted beat's AVO..AVC"
                         : "no tracked apical 4-chamber wall (a full-trace contour export "
                           "of the 4CH view gives the apex's position)");
}

static void compute_one(dys_result *r, const dys_params *p, int i)
{
    enum measure m = catalogue[i].measure;
    enum stat st = catalogue[i].stat;
    unsigned mask = catalogue[i].mask, ok = 0;
    double v[DYS_N_SEGMENTS];
    int n = 0;
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        if ((is_work(m) || r->seg[s].status == DYS_SEG_OK) &&
            (m == M_NONE || !isnan(measure_of(r, s, m))))
            ok |= BIT(s);
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        if (mask & ok & BIT(s))
            v[n++] = measure_of(r, s, m);
    int need = popcount_seg(mask);
    if (st == ST_SD || st == ST_SD_POP || st == ST_RANGE || st == ST_CIRC_SD ||
        st == ST_CIRC_BW || st == ST_COUNT || st == ST_MAX || st == ST_MEAN ||
        st == ST_EFFICIENCY || st == ST_WW_RATIO || st == ST_SUM)
        need = min_segments(p, need);
    if (st == ST_WALL_DIFF) /* each wall's own count, below */
        need = 0;
    char *why = r->index_reason[i];
    why[0] = '\0';
    r->index[i] = NAN;
    /* first: a value computed from stages that were skipped (To, the cycle
     * samples) would be wrong, not merely missing */
    if (!dys_params_wants(p, i)) {
        snprintf(why, sizeof r->index_reason[i], "%s", DYS_NOT_REQUESTED);
        return;
    }
    int strain_index = m >= M_S_TTP;
    if (!dys_index_applies(i, r->trace)) {
        snprintf(why, sizeof r->index_reason[i], "%s", strain_index
                 ? "a strain index: the study holds velocity traces"
                 : "a velocity index: the study holds strain traces");
        return;
    }
    if (st == ST_LBBB) {
        const dys_lbbb_result *lb = &r->lbbb_markers;
        int j = i - DYS_IDX_SRS_SEPT;
        r->index[i] = lb->computed ? lb->value[j] : NAN;
        snprintf(why, sizeof r->index_reason[i], "%s",
                 !lb->computed ? "the LBBB markers were not measured"
                 : isnan(lb->value[j]) ? lb->reason[j]
                                       : "");
        return;
    }
    if (st == ST_VIEW_MEAN) {
        double sum = 0;
        int nv = 0;
        for (size_t q = 0; q < r->n_rec; q++)
            if (isfinite(r->rec[q].global_strain_peak_pct)) {
                sum += r->rec[q].global_strain_peak_pct;
                nv++;
            }
        r->index[i] = nv ? sum / nv : NAN;
        if (!nv)
            snprintf(why, sizeof r->index_reason[i], "%s",
                     "no recording gives a global strain curve (full-trace contour exports "
                     "do; segment curves are not averaged into one)");
        return;
    }
    if (st == ST_METADATA) {
        metadata_index(r, i, catalogue[i].a);
        return;
    }
    if (st == ST_APEX_MEAN) {
        apex_index(r, i);
        return;
    }
    if (is_work(m) && r->work.pressure == DYS_PRESSURE_NONE) {
        snprintf(why, sizeof r->index_reason[i], "%s",
                 r->work.reason[0] ? r->work.reason : "no myocardial work computed");
        return;
    }
    if (is_work(m) && r->model_segments == DYS_N_SEGMENTS_12) {
        snprintf(why, sizeof r->index_reason[i],
                 "the study holds no apical segment: global myocardial work is over the "
                 "18 segments, as the workstations compute it");
        return;
    }
    if (st == ST_SUM && r->model_segments == DYS_N_SEGMENTS_12) {
        snprintf(why, sizeof r->index_reason[i],
                 "the study holds no apical segment: the strain delay index sums over the "
                 "whole ventricle (15 of the 18 segments needed)");
        return;
    }
    if ((mask & ~ALL12) && r->model_segments == DYS_N_SEGMENTS_12) {
        /* one sentence, not "12 of 18 usable" and six apical segments
         * listed as missing from a study that never had an apical view */
        snprintf(why, sizeof r->index_reason[i],
                 "the study holds no apical segment (the 12-segment model): its "
                 "dispersion over the basal and mid segments is strain_ttp_sd_12_ms");
        return;
    }
    if (popcount_seg(mask & ok) < need) {
        char list[300];
        list_unusable(r, mask, m, list, sizeof list);
        snprintf(why, sizeof r->index_reason[i], "%d of %d segments usable (needs %d): %.299s",
                 popcount_seg(mask & ok), popcount_seg(mask), need, list);
        return;
    }
    switch (st) {
    case ST_SD:
        r->index[i] = dys_sd(v, n, p->sd);
        break;
    case ST_SD_POP:
        r->index[i] = dys_sd(v, n, DYS_SD_POPULATION);
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
        r->index[i] = measure_of(r, catalogue[i].b, m) - measure_of(r, catalogue[i].a, m);
        break;
    case ST_MAX_OPPOSING: {
        double mx = 0;
        for (int k = 0; k < 3; k++)
            mx = fmax(mx, fabs(measure_of(r, dys_opposing_pairs[k][1], m) -
                               measure_of(r, dys_opposing_pairs[k][0], m)));
        r->index[i] = mx;
        break;
    }
    case ST_XCORR:
        r->index[i] = r->xcorr_ms[catalogue[i].a];
        if (isnan(r->index[i]))
            snprintf(why, sizeof r->index_reason[i],
                     "no cycle of the pair to correlate (RR unknown or not covered)");
        break;
    case ST_XCORR_MAX: {
        double mx = 0;
        for (int k = 0; k < 3; k++)
            mx = fmax(mx, fabs(r->xcorr_ms[k])); /* NAN propagates */
        r->index[i] = isnan(r->xcorr_ms[0] + r->xcorr_ms[1] + r->xcorr_ms[2]) ? NAN : mx;
        if (isnan(r->index[i]))
            snprintf(why, sizeof r->index_reason[i],
                     "a pair's cross-correlation delay is null");
        break;
    }
    case ST_CIRC_SD:
    case ST_CIRC_BW: {
        double deg = st == ST_CIRC_SD ? dys_circ_sd_deg(v, (size_t)n)
                                      : dys_circ_bandwidth_deg(v, (size_t)n, PHASE_BW_FRAC);
        r->index[i] = catalogue[i].in_ms ? deg / 360.0 * r->rr_ms : deg;
        if (isnan(r->index[i]))
            snprintf(why, sizeof r->index_reason[i], "%s",
                     catalogue[i].in_ms && isnan(r->rr_ms) ? "the RR is unknown"
                                                            : "the phases cancel out");
        break;
    }
    case ST_MEAN: {
        double sum = 0;
        for (int k = 0; k < n; k++)
            sum += v[k];
        r->index[i] = sum / n;
        break;
    }
    case ST_SUM: {
        double sum = 0;
        for (int k = 0; k < n; k++)
            sum += v[k];
        r->index[i] = sum;
        break;
    }
    case ST_LBBB: /* done above: lbbb.c computed it */
        break;
    case ST_EFFICIENCY: {
        /* the segments with a constructive work have a wasted one too */
        double cw = 0, ww = 0;
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            if (mask & ok & BIT(s)) {
                cw += r->seg[s].constructive_work_mmhg_pct;
                ww += r->seg[s].wasted_work_mmhg_pct;
            }
        r->index[i] = cw + ww > 0 ? 100.0 * cw / (cw + ww) : NAN;
        if (isnan(r->index[i]))
            snprintf(why, sizeof r->index_reason[i], "no constructive or wasted work");
        break;
    }
    case ST_WALL_DIFF: {
        /* each wall a mean over at least --min-segments-6 of its 6 */
        unsigned wall[2] = {mask & SEPTAL6, mask & LATERAL6};
        double mean[2];
        for (int w = 0; w < 2; w++) {
            int need6 = min_segments(p, popcount_seg(wall[w]));
            if (popcount_seg(wall[w] & ok) < need6) {
                char list[300];
                list_unusable(r, wall[w], m, list, sizeof list);
                snprintf(why, sizeof r->index_reason[i],
                         "%d of %d segments usable (needs %d): %.299s",
                         popcount_seg(wall[w] & ok), popcount_seg(wall[w]), need6, list);
                return;
            }
            double sum = 0;
            for (int s = 0; s < DYS_N_SEGMENTS; s++)
                if (wall[w] & ok & BIT(s))
                    sum += measure_of(r, s, m);
            mean[w] = sum / popcount_seg(wall[w] & ok);
        }
        r->index[i] = mean[1] - mean[0];
        break;
    }
    case ST_WW_RATIO: {
        double cw = 0, ww = 0;
        for (int s = 0; s < DYS_N_SEGMENTS; s++)
            if (mask & ok & BIT(s)) {
                cw += r->seg[s].constructive_work_mmhg_pct;
                ww += r->seg[s].wasted_work_mmhg_pct;
            }
        r->index[i] = cw > 0 ? 100.0 * ww / cw : NAN;
        if (isnan(r->index[i]))
            snprintf(why, sizeof r->index_reason[i], "no constructive work");
        break;
    }
    case ST_METADATA: /* done above: they read the study's values */
    case ST_APEX_MEAN:
        break;
    case ST_MAX: {
        double mx = v[0];
        for (int k = 1; k < n; k++)
            mx = fmax(mx, v[k]);
        r->index[i] = mx;
        break;
    }
    case ST_VIEW_MEAN: /* done above: it reads the recordings */
        break;
    case ST_COUNT: {
        int c = 0;
        for (int k = 0; k < n; k++)
            c += v[k] > 0;
        r->index[i] = c;
        break;
    }
    }
}

static void classify(dys_result *r, const dys_params *p)
{
    r->n_class = 0;
    for (int i = 0; i < DYS_N_INDICES; i++) {
        const dys_cutoff *c = dys_cutoff_default(i);
        double over = p->cutoff[i];
        if (!c && isnan(over))
            continue;
        dys_class *k = &r->classification[r->n_class++];
        k->index = i;
        k->value = r->index[i];
        k->cutoff = isnan(over) ? c->value : over;
        k->on_abs = c ? c->on_abs : 0;
        k->source = isnan(over) ? c->source : "--cutoff";
        /* --cutoff classifies: the user chose the threshold and answers
         * for it */
        k->validated = isnan(over) && c->validated;
        k->reference_only = isnan(over) && !c->validated;
        k->validity = !isnan(over) ? "given with --cutoff: classifies on the user's "
                                     "responsibility"
                                   : c->validity;
        if (isnan(k->value) || k->reference_only) {
            k->dyssynchronous = -1;
            k->borderline = 0;
            continue;
        }
        double x = k->on_abs ? fabs(k->value) : k->value;
        k->dyssynchronous = x >= k->cutoff;
        k->borderline = fabs(x - k->cutoff) <= DYS_BORDERLINE_FRAC * k->cutoff;
    }
}

void dys_compute_indices(dys_result *r, const dys_params *p)
{
    /* the segments of the study's model: a result zeroed by hand (status
     * 0 is ok) has no apical segment unless it says it is of 18 */
    int ok = 0, model = r->model_segments == DYS_N_SEGMENTS ? DYS_N_SEGMENTS : DYS_N_SEGMENTS_12;
    for (int s = 0; s < model; s++)
        ok += r->seg[s].status == DYS_SEG_OK;
    r->n_segments = ok;
    for (int i = 0; i < DYS_N_INDICES; i++)
        compute_one(r, p, i);
    classify(r, p);
}

/* Warning about those on every study would bury the warnings that
 * matter (indices.h). */
int dys_index_unasked(const dys_result *r, int i)
{
    enum measure m = catalogue[i].measure;
    if (is_work(m))
        return !r->work.attempted;
    if (m == M_DOPPLER)
        return isnan(r->lv_pep_ms) && isnan(r->rv_pep_ms) && isnan(r->spwmd_ms) &&
               isnan(r->filling_time_pct_rr);
    if (m == M_APEX) {
        for (size_t q = 0; q < r->n_rec; q++)
            if (r->rec[q].view == DYS_VIEW_A4C && r->rec[q].contour.from_contour)
                return 0;
        return 1;
    }
    return 0;
}

/* Null indices grouped by cause, so a study with too few segments gets one
 * sentence, not one per index (22 near-identical lines before).  "Too few
 * usable segments" is one cause whatever the index's own count and mask:
 * the sentence names the unusable segments of all of them, then the
 * indices.  Other reasons group when their text is the same. */
int dys_null_causes(const dys_result *r, char lines[][DYS_NULL_CAUSE_MAX], int max)
{
    int n = 0, done[DYS_N_INDICES] = {0};
    for (int i = 0; i < DYS_N_INDICES && n < max; i++) {
        /* The indices the user left out: one short sentence, so that JSON
         * and CSV, which carry no reason per index, say why they are null
         * (not a list of 28 keys on every study of an archive). */
        if (!strcmp(r->index_reason[i], DYS_NOT_REQUESTED)) {
            if (done[i])
                continue;
            int count = 0;
            for (int j = i; j < DYS_N_INDICES; j++)
                if (!strcmp(r->index_reason[j], DYS_NOT_REQUESTED))
                    count += done[j] = 1;
            char asked[1024];
            dys_indices_text(r->params.indices, asked, sizeof asked);
            snprintf(lines[n++], DYS_NULL_CAUSE_MAX,
                     "%d %s null, not requested (--indices %s)", count,
                     count == 1 ? "index is" : "indices are", asked);
            continue;
        }
        if (done[i] || !r->index_reason[i][0] || !dys_index_applies(i, r->trace) ||
            dys_index_unasked(r, i))
            continue;
        int a, b, c;
        int few = sscanf(r->index_reason[i], "%d of %d segments usable (needs %d)", &a, &b, &c) == 3;
        unsigned mask = 0;
        int count = 0;
        char keys[DYS_NULL_CAUSE_MAX / 2] = "";
        size_t kl = 0;
        for (int j = i; j < DYS_N_INDICES; j++) {
            if (done[j] || !strcmp(r->index_reason[j], DYS_NOT_REQUESTED) ||
                !r->index_reason[j][0] ||
                !dys_index_applies(j, r->trace) || dys_index_unasked(r, j))
                continue;
            int same = few ? sscanf(r->index_reason[j], "%d of %d segments usable (needs %d)",
                                    &a, &b, &c) == 3
                           : !strcmp(r->index_reason[j], r->index_reason[i]);
            if (!same)
                continue;
            done[j] = 1;
            mask |= catalogue[j].mask;
            count++;
            if (kl < sizeof keys)
                kl += (size_t)snprintf(keys + kl, sizeof keys - kl, "%s%s", kl ? ", " : "",
                                       catalogue[j].info.key);
        }
        if (count == 1)
            snprintf(lines[n], DYS_NULL_CAUSE_MAX, "%s is null: %s", keys, r->index_reason[i]);
        else if (few) {
            /* room for all 17 other segments of the 18 named (about 400
             * characters), so a strain study's list is never cut */
            char list[640];
            list_unusable(r, mask, M_NONE, list, sizeof list);
            if (!list[0]) { /* the segments are ok but lack this measure
                               (no To, no RR): the first index's own list */
                const char *detail = strstr(r->index_reason[i], "): ");
                snprintf(list, sizeof list, "%s", detail ? detail + 3 : "");
            }
            snprintf(lines[n], DYS_NULL_CAUSE_MAX,
                     "%d indices are null, too few usable segments (%s): %s", count, list, keys);
        } else
            snprintf(lines[n], DYS_NULL_CAUSE_MAX, "%d indices are null, %s: %s", count,
                     r->index_reason[i], keys);
        n++;
    }
    return n;
}

/* The indices computed from the segments' Ts alone (the Ts family): the
 * only ones a result's per-beat Ts (dys_segment_result.ts_beat_ms) can
 * give beat by beat, through dys_compute_indices on a copy holding one
 * beat's Ts.  The others read whole-cycle measures or metadata. */
int dys_index_from_ts(int i)
{
    return i >= 0 && i < DYS_N_INDICES && catalogue[i].measure == M_TS;
}

/* Signed delays: a pair's or two walls' difference, a cross-correlation
 * delay, the interventricular delay (LV PEP - RV PEP); their sign says
 * which side is late, their size how dyssynchronous. */
int dys_index_signed(int i)
{
    if (i < 0 || i >= DYS_N_INDICES)
        return 0;
    enum stat st = catalogue[i].stat;
    return st == ST_PAIR || st == ST_XCORR || st == ST_WALL_DIFF || i == DYS_IDX_IVMD;
}
