/* Fuzz target: the GE EchoPAC reader, always: the input continues a first
 * line that begins "Local Traces", which is how the reader is chosen (its
 * seeds are exports without those 12 characters); then the analysis. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] = "Local Traces";
    uint8_t *buf = malloc(sizeof head - 1 + size);
    if (!buf)
        return 0;
    memcpy(buf, head, sizeof head - 1);
    if (size)
        memcpy(buf + sizeof head - 1, data, size);
    char path[128];
    snprintf(path, sizeof path, "%s/export.txt", fuzz_dir());
    fuzz_write(path, buf, sizeof head - 1 + size);
    free(buf);
    fuzz_study(path);
    return 0;
}
