/*
 * format.c - the file-format variants of --vary-format: separators,
 * decimal comma, units, column and key names, BOM and CRLF.
 */
#include "synth_internal.h"

void syn_format_for(int vary, int i, syn_format *f)
{
    memset(f, 0, sizeof *f);
    f->sep = ',';
    if (!vary)
        return;
    static const char seps[3] = {',', ';', '\t'};
    static const int units[4] = {0, 1, 2, 0};
    f->sep = seps[i % 3];
    f->dec_comma = f->sep != ',' && (i / 3) % 2 == 0;
    f->time_style = i % 5;
    f->unit = units[i % 4];
    f->unit_key = i % 4 == 3;
    f->names = i % 6 == 5 ? 5 : (i / 2 + i) % 5;
    f->suffix = (i / 2) % 3;
    f->shuffle = (i / 3) % 2 == 1 || i % 7 == 0;
    f->bom = (i / 2) % 2 == 1;
    f->crlf = (i / 4) % 2 == 1;
    f->keys = (i / 5) % 3;
    f->rr = i % 8 == 6;
    f->roman = i % 3 == 1;
    f->view_alias = (i / 7) % 3;
    f->ecg_name = i % 3;
    f->onsets_sp = (i / 2) % 2 == 1;
}

/* Column name of segment s in style f. */
void syn_column_name(const syn_format *f, int s, char *buf, size_t cap)
{
    char base[64];
    switch (f->names) {
    case 1: snprintf(base, sizeof base, "%s", alias_name[s]); break;
    case 2: snprintf(base, sizeof base, "%s", echopac_name[s]); break;
    case 3: snprintf(base, sizeof base, "seg%d", s + 1); break;
    case 4:
    case 5: {
        size_t k = 0;
        int up = 1;
        for (const char *c = canon_name[s]; *c && k + 1 < sizeof base; c++) {
            if (*c == '_') {
                base[k++] = f->names == 4 ? ' ' : '-';
                up = 1;
            } else {
                base[k++] = up ? (char)(*c - 'a' + 'A') : *c;
                up = 0;
            }
        }
        base[k] = '\0';
        break;
    }
    default: snprintf(base, sizeof base, "%s", canon_name[s]); break;
    }
    if (f->suffix == 1)
        snprintf(buf, cap, "%s (%s)", base, unit_name[f->unit]);
    else if (f->suffix == 2)
        snprintf(buf, cap, "%s [%s]", base, unit_name[f->unit]);
    else
        snprintf(buf, cap, "%s", base);
}

/* Format x with `decimals` places (C locale is in force), no "-0.000",
 * decimal comma on request. */
void syn_put_number(FILE *fp, double x, int decimals, int dec_comma)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, x);
    char *p = buf;
    if (buf[0] == '-') {
        int all_zero = 1;
        for (const char *c = buf + 1; *c; c++)
            if (*c != '0' && *c != '.')
                all_zero = 0;
        if (all_zero)
            p = buf + 1;
    }
    if (dec_comma) {
        char *dot = strchr(p, '.');
        if (dot)
            *dot = ',';
    }
    fputs(p, fp);
}
