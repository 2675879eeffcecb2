/* Fuzz target: one study file, the CSV format or a GE EchoPAC export (the
 * reader is chosen from the content), then the analysis. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/study.csv", fuzz_dir());
    fuzz_write(path, data, size);
    fuzz_study(path);
    return 0;
}
