/*
 * bind.c - the API for other languages (dyssync.h, "For other
 * languages"): the option structs allocated by the library, the writers'
 * output as strings, and a study's fields through functions, so that a
 * binding in ABI mode (cffi, ctypes, R's .Call) never needs a struct's
 * layout.  dys_option_set is in options.c.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

dys_params *dys_params_new(void)
{
    dys_params *p = malloc(sizeof *p);
    if (p)
        dys_params_defaults(p);
    return p;
}

void dys_params_free(dys_params *p)
{
    free(p);
}

dys_read_options *dys_read_options_new(void)
{
    dys_read_options *o = malloc(sizeof *o);
    if (o)
        dys_read_options_defaults(o);
    return o;
}

void dys_read_options_free(dys_read_options *o)
{
    free(o);
}
