/* Fuzz target: an outcomes file through `dyssync stats responders` (the
 * outcome columns, their values, the response definitions and kappa), in
 * each output format.  Its output goes to /dev/null; its messages stay on
 * stderr with the fuzzer's, so that a sanitizer report is never lost. */
#include "common.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        quiet = 1;
        if (!freopen("/dev/null", "w", stdout))
            abort();
    }
    char path[128];
    snprintf(path, sizeof path, "%s/outcomes.csv", fuzz_dir());
    fuzz_write(path, data, size);
    static const char *const fmts[3] = {"text", "json", "csv"};
    char *argv[] = {(char *)"stats", (char *)"responders", (char *)"--outcomes", path,
                    (char *)"--format", (char *)fmts[size % 3], NULL};
    int rc = cmd_stats(6, argv);
    if (rc != 0 && rc != 1)
        abort(); /* a file is never a usage error */
    return 0;
}
