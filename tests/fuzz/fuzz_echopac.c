/* Fuzz target: the GE EchoPAC reader, always: the input continues a first
 * line that begins "Local Traces", which is how the reader is chosen (its
 * seeds are exports without those 12 characters); then the analysis.  An
 * input that itself begins "Segmental Traces" is taken whole, so that the
 * tab-separated variant is fuzzed from its own seeds (segmental_*.txt,
 * whole exports) without changing what the other seeds mean. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] = "Local Traces", variant[] = "Segmental Traces";
    size_t hlen = size >= sizeof variant - 1 && !memcmp(data, variant, sizeof variant - 1)
                      ? 0
                      : sizeof head - 1;
    uint8_t *buf = malloc(hlen + size + 1);
    if (!buf)
        return 0;
    memcpy(buf, head, hlen);
    if (size)
        memcpy(buf + hlen, data, size);
    char path[128];
    snprintf(path, sizeof path, "%s/export.txt", fuzz_dir());
    fuzz_write(path, buf, hlen + size);
    free(buf);
    fuzz_study(path);
    return 0;
}
