/* json.c - the CLI's JSON writer (json.h). */
#include "json.h"

#include "dyssync.h"

#include <math.h>

void json_init(cli_json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->after_key = 0;
    j->used[0] = 0;
}

void json_newline(cli_json *j)
{
    fputc('\n', j->f);
}

/* Before any value or key: the comma that separates it from the previous
 * member, unless it is the value of a key. */
static void before(cli_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0 && j->used[j->depth])
        fputs(", ", j->f);
    j->used[j->depth] = 1;
}

static void begin(cli_json *j, char c)
{
    before(j);
    fputc(c, j->f);
    /* deeper than the stack: still valid JSON, commas from the last level */
    if (j->depth < CLI_JSON_MAX_DEPTH - 1)
        j->depth++;
    j->used[j->depth] = 0;
}

static void end(cli_json *j, char c)
{
    fputc(c, j->f);
    if (j->depth > 0)
        j->depth--;
}

void json_object_begin(cli_json *j) { begin(j, '{'); }
void json_object_end(cli_json *j) { end(j, '}'); }
void json_array_begin(cli_json *j) { begin(j, '['); }
void json_array_end(cli_json *j) { end(j, ']'); }

void json_key(cli_json *j, const char *key)
{
    before(j);
    dys_write_json_string(j->f, key);
    fputs(": ", j->f);
    j->after_key = 1;
}

void json_string(cli_json *j, const char *s)
{
    before(j);
    if (s)
        dys_write_json_string(j->f, s);
    else
        fputs("null", j->f);
}

void json_number(cli_json *j, double x, int decimals)
{
    before(j);
    if (isfinite(x))
        fprintf(j->f, "%.*f", decimals, x);
    else
        fputs("null", j->f);
}

void json_number_g(cli_json *j, double x, int digits)
{
    before(j);
    if (isfinite(x))
        fprintf(j->f, "%.*g", digits, x);
    else
        fputs("null", j->f);
}

void json_size(cli_json *j, size_t n)
{
    before(j);
    fprintf(j->f, "%zu", n);
}

void json_bool(cli_json *j, int b)
{
    before(j);
    fputs(b ? "true" : "false", j->f);
}

void json_null(cli_json *j)
{
    before(j);
    fputs("null", j->f);
}

void json_member_string(cli_json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, s);
}

void json_member_g(cli_json *j, const char *key, double x, int digits)
{
    json_key(j, key);
    json_number_g(j, x, digits);
}

void json_member_size(cli_json *j, const char *key, size_t n)
{
    json_key(j, key);
    json_size(j, n);
}
