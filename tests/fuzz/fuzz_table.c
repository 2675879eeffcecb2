/* Fuzz target: the CSV table reader of dyssync stats (cli/table.c), and
 * the number conversion of every cell. */
#include "fuzz_common.h"
#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/table.csv", fuzz_dir());
    fuzz_write(path, data, size);
    cli_table t;
    char err[1024] = "";
    if (cli_table_read(path, (size_t)1 << 20, &t, err, sizeof err) == 0) {
        for (size_t r = 0; r < t.nrow; r++)
            for (size_t c = 0; c < t.ncol; c++) {
                double v;
                cli_table_num(&t, r, (int)c, &v, err, sizeof err);
            }
        cli_table_col(&t, "study_id");
        cli_table_free(&t);
    } else if (!err[0]) {
        abort(); /* a refusal must say why */
    }
    return 0;
}
