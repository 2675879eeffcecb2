/*
 * json.h - a small JSON writer for the CLI's outputs (json.c): objects and
 * arrays with the commas put in for the caller, keys, strings, numbers,
 * booleans and null.  The layout is dyssync's one-line style, ", " between
 * members and ": " after keys, so that outputs written through it are the
 * same bytes as before it existed.
 *
 * It lives in the CLI, not the engine: the engine's writers (writers.c)
 * emit fixed-layout documents whose bytes the goldens pin, and a JSON
 * writer is not what a caller of the library comes for.
 */
#ifndef DYSSYNC_CLI_JSON_H
#define DYSSYNC_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

#define CLI_JSON_MAX_DEPTH 16

typedef struct cli_json {
    FILE *f;
    int depth;
    int after_key;                       /* a key was written: its value next */
    unsigned char used[CLI_JSON_MAX_DEPTH]; /* per level: a member already written */
} cli_json;

void json_init(cli_json *j, FILE *f);
/* Values at depth 0 follow each other with nothing between (JSON lines:
 * the caller ends each with json_newline). */
void json_newline(cli_json *j);

void json_object_begin(cli_json *j);
void json_object_end(cli_json *j);
void json_array_begin(cli_json *j);
void json_array_end(cli_json *j);
void json_key(cli_json *j, const char *key);

/* A string (dys_write_json_string: always valid UTF-8), null for NULL. */
void json_string(cli_json *j, const char *s);
/* A number with `decimals` digits after the point, null when not finite
 * (JSON has no NaN). */
void json_number(cli_json *j, double x, int decimals);
/* A number with `digits` significant digits (%g), null when not finite. */
void json_number_g(cli_json *j, double x, int digits);
void json_size(cli_json *j, size_t n);
void json_bool(cli_json *j, int b);
void json_null(cli_json *j);

/* key and value in one call */
void json_member_string(cli_json *j, const char *key, const char *s);
void json_member_g(cli_json *j, const char *key, double x, int digits);
void json_member_size(cli_json *j, const char *key, size_t n);

#endif
