/* Fuzz target: an outcomes file through the library (engine/io/outcomes.c:
 * the outcome columns, their values, every response definition with its
 * reason), and Cohen's kappa between the definitions as dyssync stats
 * responders computes it. */
#include "dyssync_stats.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/outcomes.csv", fuzz_dir());
    fuzz_write(path, data, size);
    static dys_ctx *ctx;
    if (!ctx && !(ctx = dys_ctx_new()))
        abort();
    dys_outcomes os;
    if (dys_outcomes_read(ctx, path, NULL, &os) != DYS_OK) {
        if (!dys_ctx_error(ctx)[0])
            abort(); /* a refusal must say why */
        return 0;
    }
    int *r = malloc((os.n ? os.n : 1) * DYS_N_RESPONSE_DEFS * sizeof *r);
    if (!r)
        abort();
    for (size_t i = 0; i < os.n; i++)
        for (int d = 0; d < DYS_N_RESPONSE_DEFS; d++) {
            const char *why = NULL;
            r[i * DYS_N_RESPONSE_DEFS + d] = dys_response(&os.o[i], d, &why);
            if (!why || r[i * DYS_N_RESPONSE_DEFS + d] < -1 || r[i * DYS_N_RESPONSE_DEFS + d] > 1)
                abort();
        }
    int *x = malloc((os.n ? os.n : 1) * 2 * sizeof *x), *y = x + os.n;
    if (!x)
        abort();
    for (int a = 0; a < DYS_N_RESPONSE_DEFS; a++)
        for (int b = a + 1; b < DYS_N_RESPONSE_DEFS; b++) {
            size_t n = 0;
            for (size_t i = 0; i < os.n; i++)
                if (r[i * DYS_N_RESPONSE_DEFS + a] >= 0 && r[i * DYS_N_RESPONSE_DEFS + b] >= 0) {
                    x[n] = r[i * DYS_N_RESPONSE_DEFS + a];
                    y[n++] = r[i * DYS_N_RESPONSE_DEFS + b];
                }
            double k, po;
            dys_kappa(ctx, x, y, n, &k, &po);
        }
    free(x);
    free(r);
    dys_outcomes_free(&os);
    return 0;
}
