/*
 * table.h - the CSV tables dyssync stats reads: batch's studies.csv, an
 * outcomes file, or any table with named columns (table.c).
 *
 * Comma-separated, a header row of column names, RFC 4180 quoting (as
 * batch writes), '#' comment lines, UTF-8 BOM tolerated.  Every row must
 * have as many cells as the header.  An empty cell, NA or nan is missing.
 */
#ifndef DYSSYNC_CLI_TABLE_H
#define DYSSYNC_CLI_TABLE_H

#include <stddef.h>

typedef struct cli_table {
    char *path;
    size_t ncol, nrow;
    char **head;   /* ncol names */
    char **cell;   /* nrow x ncol, row-major */
    size_t *line;  /* file line of each row, for messages */
} cli_table;

/* 0, or -1 with a message naming path:line:column in err.  A file larger
 * than max_bytes is refused (read in full, it would all be in memory). */
int cli_table_read(const char *path, size_t max_bytes, cli_table *t, char *err, size_t errcap);
void cli_table_free(cli_table *t);
/* Column index by name, -1 when absent. */
int cli_table_col(const cli_table *t, const char *name);
const char *cli_table_get(const cli_table *t, size_t row, int col);
/* The cell as a number: 0 and *v, 1 missing (*v NAN), -1 not a number
 * (message path:line:column in err). */
int cli_table_num(const cli_table *t, size_t row, int col, double *v, char *err, size_t errcap);

#endif
