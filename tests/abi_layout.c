/* abi_layout.c - the size and field offsets of the public structs that
 * the Python package declares to cffi (python/dyssync/_lib.py), as the
 * compiler lays them out, one "struct field offset" line per field and a
 * "struct - size" line; tests/test_abi.py compares them with cffi's, so
 * a field added in C without the Python declaration fails the suite. */
#include "dyssync.h"
#include "dyssync_plot.h"
#include "dyssync_stats.h"

#include <stddef.h>
#include <stdio.h>

#define SIZE(T) printf("%s - %zu\n", #T, sizeof(T))
#define FIELD(T, f) printf("%s %s %zu\n", #T, #f, offsetof(T, f))

int main(void)
{
    SIZE(dys_plot_options);
    FIELD(dys_plot_options, kind);
    FIELD(dys_plot_options, dpi);
    FIELD(dys_plot_options, width_in);
    FIELD(dys_plot_options, height_in);
    FIELD(dys_plot_options, bullseye_delay);
    FIELD(dys_plot_options, tsi_colours);
    FIELD(dys_plot_options, beat);
    FIELD(dys_plot_options, colour_scale);
    SIZE(dys_roc);
    FIELD(dys_roc, n_pos);
    FIELD(dys_roc, n_neg);
    FIELD(dys_roc, auc);
    FIELD(dys_roc, auc_se);
    FIELD(dys_roc, auc_ci_low);
    FIELD(dys_roc, auc_ci_high);
    FIELD(dys_roc, youden_cutoff);
    FIELD(dys_roc, sensitivity);
    FIELD(dys_roc, specificity);
    SIZE(dys_icc_value);
    SIZE(dys_icc);
    FIELD(dys_icc, n);
    FIELD(dys_icc, k);
    FIELD(dys_icc, icc1_1);
    FIELD(dys_icc, icc2_1);
    FIELD(dys_icc, icc3_1);
    FIELD(dys_icc, icc1_k);
    FIELD(dys_icc, icc2_k);
    FIELD(dys_icc, icc3_k);
    FIELD(dys_icc, ms_rows);
    FIELD(dys_icc, ms_cols);
    FIELD(dys_icc, ms_error);
    FIELD(dys_icc, ms_within);
    SIZE(dys_bland_altman);
    FIELD(dys_bland_altman, n);
    FIELD(dys_bland_altman, bias);
    FIELD(dys_bland_altman, sd);
    FIELD(dys_bland_altman, loa_low);
    FIELD(dys_bland_altman, loa_high_ci_high);
    FIELD(dys_bland_altman, cv_pct);
    SIZE(dys_corr);
    FIELD(dys_corr, n);
    FIELD(dys_corr, r);
    FIELD(dys_corr, ci_high);
    SIZE(dys_roc_series);
    FIELD(dys_roc_series, name);
    FIELD(dys_roc_series, n);
    FIELD(dys_roc_series, roc);
    SIZE(dys_table_options);
    SIZE(dys_table);
    FIELD(dys_table, path);
    FIELD(dys_table, ncol);
    FIELD(dys_table, nrow);
    FIELD(dys_table, head);
    FIELD(dys_table, cell);
    FIELD(dys_table, line);
    FIELD(dys_table, sep);
    FIELD(dys_table, decimal_comma);
    SIZE(dys_index_info);
    FIELD(dys_index_info, key);
    FIELD(dys_index_info, description);
    FIELD(dys_index_info, unit);
    SIZE(dys_cutoff);
    FIELD(dys_cutoff, index);
    FIELD(dys_cutoff, value);
    FIELD(dys_cutoff, on_abs);
    FIELD(dys_cutoff, source);
    FIELD(dys_cutoff, population);
    FIELD(dys_cutoff, validated);
    FIELD(dys_cutoff, validity);
    SIZE(dys_outcomes);
    FIELD(dys_outcomes, o);
    FIELD(dys_outcomes, n);
    return 0;
}
