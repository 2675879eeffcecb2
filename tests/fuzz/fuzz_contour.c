/* Fuzz target: the GE EchoPAC full-trace contour reader
 * (engine/io/read_contour.c), then every geometry function of contour.h
 * on what it lets through, with the markers' frames and with the whole
 * recording as the cycle.  A refusal must say why; nothing may crash. */
#include "contour.h"
#include "fuzz_common.h"

static void geometry(dys_ctx *ctx, const dys_contour *c, size_t ref, size_t drift)
{
    size_t n = c->n_frames;
    double *g = malloc(n * sizeof *g), *ps = malloc(6 * n * sizeof *ps);
    double *d = malloc(6 * n * sizeof *d), *v = malloc(6 * n * sizeof *v);
    if (!g || !ps || !d || !v)
        abort();
    if (dys_contour_global_strain(ctx, c, ref, drift, g) == DYS_OK)
        dys_contour_peak(g, ref, drift, NULL);
    else if (!dys_ctx_error(ctx)[0])
        abort();
    size_t anchors[2] = {0, dys_contour_knots(c) - 1};
    for (int a = 0; a < 2; a++) {
        dys_contour_cuts cuts;
        if (dys_contour_cut(ctx, c, ref, anchors[a], &cuts) != DYS_OK)
            continue;
        for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++)
            dys_contour_piece_length(c, &cuts, i, n - 1);
        dys_contour_piece_strain(ctx, c, &cuts, drift, ps);
        dys_contour_piece_motion(ctx, c, &cuts, drift, d, a ? NULL : v);
        dys_contour_segment seg[DYS_CONTOUR_N_PIECES];
        dys_contour_name_pieces(c, ref, a, seg);
        for (int i = 0; i < DYS_CONTOUR_N_PIECES; i++)
            if (!seg[i].name)
                abort(); /* every view the reader accepts has names */
    }
    free(g);
    free(ps);
    free(d);
    free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/contour.CSV", fuzz_dir());
    fuzz_write(path, data, size);
    dys_file_is_contour(path);
    static dys_ctx *ctx;
    if (!ctx && !(ctx = dys_ctx_new()))
        abort();
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    dys_contour *c = NULL;
    if (dys_contour_read(ctx, path, &ro, &c) != DYS_OK) {
        if (c || !dys_ctx_error(ctx)[0])
            abort(); /* a refusal must say why, and leave nothing */
        return 0;
    }
    size_t ref, drift;
    dys_contour_marker_frames(c, &ref, &drift);
    geometry(ctx, c, ref, drift);
    geometry(ctx, c, 0, c->n_frames - 1);
    dys_contour_free(c);
    return 0;
}
