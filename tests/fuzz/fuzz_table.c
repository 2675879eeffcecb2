/* Fuzz target: the CSV table reader of dyssync stats (cli/table.c), and
 * the number conversion of every cell. */
#include "table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/dyssync_fuzz_table.XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
    }
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
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
