/*
 * bind.c - the API for other languages (dyssync.h, "For other
 * languages"): the option structs allocated by the library, the writers'
 * output as strings, and a study's fields through functions, so that a
 * binding in ABI mode (cffi, ctypes, R's .Call) never needs a struct's
 * layout.  dys_option_set is in options.c, dys_study_read_memory in
 * io/study.c.
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

/* What a writer writes for r, as a string: the writer itself into a
 * memory stream, so the string cannot drift from the files. */
static char *written(dys_ctx *ctx, const dys_result *r,
                     dys_status (*write)(dys_ctx *, FILE *, const dys_result *))
{
    if (!r) {
        dys_fail(ctx, DYS_ERR_INVALID, "no result: r is NULL");
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    dys_status st = write(ctx, f, r);
    /* the stream's buffer and length are final only after fclose */
    if (fclose(f) != 0 && st == DYS_OK)
        st = dys_fail(ctx, DYS_ERR_NOMEM, "out of memory");
    if (st != DYS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

char *dys_result_json(dys_ctx *ctx, const dys_result *r)
{
    char *s = written(ctx, r, dys_write_json);
    /* dys_write_json ends its line (JSON Lines); a string is one value */
    size_t n = s ? strlen(s) : 0;
    if (n && s[n - 1] == '\n')
        s[n - 1] = '\0';
    return s;
}

char *dys_result_text(dys_ctx *ctx, const dys_result *r)
{
    return written(ctx, r, dys_write_text);
}

void dys_free(void *p)
{
    free(p);
}

/* ---- a study's fields ------------------------------------------------- */

static const dys_recording *recording(const dys_study *s, size_t i)
{
    return s && i < s->n_rec ? &s->rec[i] : NULL;
}

const char *dys_study_id(const dys_study *s)
{
    return s ? s->study_id : NULL;
}

int dys_study_trace(const dys_study *s)
{
    return s ? (int)s->trace : 0;
}

size_t dys_study_recordings(const dys_study *s)
{
    return s ? s->n_rec : 0;
}

const char *dys_study_view(const dys_study *s, size_t i)
{
    const dys_recording *rec = recording(s, i);
    return rec ? dys_view_name(rec->view) : NULL;
}

const char *dys_study_source(const dys_study *s, size_t i)
{
    const dys_recording *rec = recording(s, i);
    return rec ? rec->source : NULL;
}

size_t dys_study_samples(const dys_study *s, size_t i)
{
    const dys_recording *rec = recording(s, i);
    return rec ? rec->n : 0;
}

const double *dys_study_time(const dys_study *s, size_t i)
{
    const dys_recording *rec = recording(s, i);
    return rec ? rec->t_ms : NULL;
}

const double *dys_study_curve(const dys_study *s, size_t i, int seg)
{
    const dys_recording *rec = recording(s, i);
    return rec && seg >= 0 && seg < DYS_N_SEGMENTS ? rec->seg[seg] : NULL;
}

const double *dys_study_ecg(const dys_study *s, size_t i)
{
    const dys_recording *rec = recording(s, i);
    return rec ? rec->ecg_mv : NULL;
}
