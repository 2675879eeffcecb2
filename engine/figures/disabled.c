/*
 * disabled.c - the figure functions of a library built without its
 * figures (meson -Dfigures=disabled: no cairo, libpng or fontconfig).
 * Each fails with DYS_ERR_UNSUPPORTED and says why; everything else of
 * the library is there.
 */
#include "../internal.h"
#include "dyssync_plot.h"
#include "dyssync_optimise.h"

static dys_status no_figures(dys_ctx *ctx)
{
    return dys_fail(ctx, DYS_ERR_UNSUPPORTED,
                    "figures are not in this build of dyssync (built with meson "
                    "-Dfigures=disabled): rebuild with -Dfigures=enabled, which needs cairo, "
                    "libpng and fontconfig");
}

dys_status dys_plot_write(dys_ctx *ctx, const dys_study *study, const dys_result *result,
                          const dys_plot_options *opt, const char *path)
{
    (void)study, (void)result, (void)opt, (void)path;
    return no_figures(ctx);
}

dys_status dys_plot_roc(dys_ctx *ctx, const char *path, const dys_roc_series *s, size_t ns,
                        const char *title, double dpi)
{
    (void)path, (void)s, (void)ns, (void)title, (void)dpi;
    return no_figures(ctx);
}

dys_status dys_plot_bland_altman(dys_ctx *ctx, const char *path, const double *a,
                                 const double *b, const dys_bland_altman *ba, const char *title,
                                 const char *unit, double dpi)
{
    (void)path, (void)a, (void)b, (void)ba, (void)title, (void)unit, (void)dpi;
    return no_figures(ctx);
}

dys_status dys_plot_heatmap(dys_ctx *ctx, const char *path, const char *const *names, size_t k,
                            const double *r, const char *title, double dpi)
{
    (void)path, (void)names, (void)k, (void)r, (void)title, (void)dpi;
    return no_figures(ctx);
}

dys_status dys_plot_optimise(dys_ctx *ctx, const char *path, const dys_opt_result *r, double dpi)
{
    (void)path, (void)r, (void)dpi;
    return no_figures(ctx);
}
