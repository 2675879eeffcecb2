/*
 * contour_dump.c - the engine's global strain of a full-trace contour
 * file, one "frame,strain" line per frame (strain printed to 17
 * significant digits, so nothing is lost), for tests/contour_reference.py
 * to compare with its own computation.  A test helper, not a user tool
 * (dyssync analyze reads contours as studies; this prints the geometry's
 * curve alone, at any frames).
 *
 * usage: contour_dump FILE [REF DRIFT]   (the markers' frames by default)
 */
#include "contour.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: contour_dump FILE [REF DRIFT]\n");
        return 2;
    }
    dys_ctx *ctx = dys_ctx_new();
    dys_read_options o;
    dys_read_options_defaults(&o);
    dys_contour *c = NULL;
    double *s = NULL;
    int rc = 1;
    if (!ctx || dys_contour_read(ctx, argv[1], &o, &c) != DYS_OK)
        goto out;
    size_t ref, drift;
    dys_contour_marker_frames(c, &ref, &drift);
    if (argc == 4) {
        ref = strtoul(argv[2], NULL, 10);
        drift = strtoul(argv[3], NULL, 10);
    }
    s = calloc(c->n_frames, sizeof *s);
    if (!s || dys_contour_global_strain(ctx, c, ref, drift, s) != DYS_OK)
        goto out;
    printf("# ref %zu drift %zu\n", ref, drift);
    for (size_t k = 0; k < c->n_frames; k++)
        printf("%zu,%.17g\n", k, s[k]);
    rc = 0;
out:
    if (rc && ctx)
        fprintf(stderr, "contour_dump: %s\n", dys_ctx_error(ctx));
    free(s);
    dys_contour_free(c);
    dys_ctx_free(ctx);
    return rc;
}
