/* Fuzz target: the table reader of the statistics (engine/io/table.c: the
 * CSV dialect, quoting, line ends), and the number conversion of every
 * cell. */
#include "dyssync_stats.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/table.csv", fuzz_dir());
    fuzz_write(path, data, size);
    static dys_ctx *ctx;
    if (!ctx && !(ctx = dys_ctx_new()))
        abort();
    dys_table t;
    dys_table_options opts = {(size_t)1 << 20};
    if (dys_table_read(ctx, path, &opts, &t) == DYS_OK) {
        for (size_t r = 0; r < t.nrow; r++)
            for (size_t c = 0; c < t.ncol; c++) {
                double v;
                if (dys_table_num(ctx, &t, r, (int)c, &v) < 0 && !dys_ctx_error(ctx)[0])
                    abort(); /* a refusal must say why */
            }
        dys_table_col(&t, "study_id");
        dys_table_free(&t);
    } else if (!dys_ctx_error(ctx)[0]) {
        abort(); /* a refusal must say why */
    }
    return 0;
}
