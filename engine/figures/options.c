/*
 * options.c - the figure options and their names: built also without the
 * figures (-Dfigures=disabled), so the CLI parses the same options, and
 * can refuse a run that asks for figures before it starts.
 */
#include "dyssync_plot.h"

#include <string.h>

void dys_plot_options_defaults(dys_plot_options *o)
{
    memset(o, 0, sizeof *o);
    o->kind = DYS_PLOT_REPORT;
    o->dpi = 150;
}

int dys_colour_scale_parse(const char *name)
{
    if (name && !strcmp(name, "fixed"))
        return DYS_COLOUR_FIXED;
    if (name && !strcmp(name, "study"))
        return DYS_COLOUR_STUDY;
    return -1;
}

int dys_plot_kind_parse(const char *name)
{
    static const char *const names[] = {"curves", "bullseye", "bars", "report"};
    for (int i = 0; i < 4; i++)
        if (name && !strcmp(name, names[i]))
            return i;
    return -1;
}

int dys_figures_available(void)
{
#ifdef DYS_WITH_FIGURES
    return 1;
#else
    return 0;
#endif
}
