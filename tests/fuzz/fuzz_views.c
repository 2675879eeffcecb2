/* Fuzz target: a directory of view files, so that the metadata rules that
 * merge them (keys that must agree, per-view events, segments claimed by
 * two views) are exercised.  The input is split at the byte 0x1E (record
 * separator) into up to three files named after the apical views. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[3] = {"a4c.csv", "a2c.csv", "aplax.csv"};
    char dir[128], path[192];
    snprintf(dir, sizeof dir, "%s/study", fuzz_dir());
    mkdir(dir, 0700);
    size_t start = 0;
    for (int v = 0; v < 3; v++) {
        size_t end = start;
        while (end < size && data[end] != 0x1E)
            end++;
        snprintf(path, sizeof path, "%s/%s", dir, names[v]);
        if (start <= size && (v == 0 || start < size))
            fuzz_write(path, data + start, end - start);
        else
            unlink(path);
        start = end + 1;
    }
    fuzz_study(dir);
    return 0;
}
