/*
 * fuzz_common.h - what the libFuzzer targets share: the readers take
 * paths, so each input is written to a file in a directory of the
 * process's own (created once, rewritten in place); a study read from it
 * is analysed too, so that what a reader lets through cannot crash the
 * analysis.
 */
#ifndef DYS_FUZZ_COMMON_H
#define DYS_FUZZ_COMMON_H

#include "dyssync.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A private directory for this fuzzing process. */
static inline const char *fuzz_dir(void)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/dyssync_fuzz.XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

static inline void fuzz_write(const char *path, const uint8_t *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(d, 1, n, f) != n) || fclose(f) != 0)
        abort();
}

/* Read the study at path (a file or a directory) and, when it reads,
 * analyse it with the defaults; every outcome but a crash is fine. */
static inline void fuzz_study(const char *path)
{
    dys_ctx *ctx = dys_ctx_new();
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    dys_study *s = NULL;
    if (dys_study_read(ctx, path, &ro, &s) == DYS_OK) {
        dys_result *r = NULL;
        if (dys_analyze(ctx, s, NULL, &r) == DYS_OK) {
            FILE *null = fopen("/dev/null", "w");
            if (null) {
                dys_write_json(ctx, null, r);
                dys_write_text(ctx, null, r);
                fclose(null);
            }
        }
        dys_result_free(r);
    }
    dys_study_free(s);
    dys_ctx_free(ctx);
}

#endif
