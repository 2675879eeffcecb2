/* Fuzz target: an outcomes file through `dyssync stats responders` (the
 * outcome columns, their values, the response definitions and kappa), in
 * each output format.  Its output goes to /dev/null; its messages stay on
 * stderr with the fuzzer's, so that a sanitizer report is never lost. */
#include "common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/dyssync_fuzz_outcomes.XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0 || !freopen("/dev/null", "w", stdout))
            abort();
        close(fd);
    }
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    static const char *const fmts[3] = {"text", "json", "csv"};
    char *argv[] = {(char *)"stats", (char *)"responders", (char *)"--outcomes", path,
                    (char *)"--format", (char *)fmts[size % 3], NULL};
    int rc = cmd_stats(6, argv);
    if (rc != 0 && rc != 1)
        abort(); /* a file is never a usage error */
    return 0;
}
