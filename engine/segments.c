/*
 * segments.c - the 18-segment model and every name under which a segment
 * may appear in a column header: canonical names, the aliases of
 * docs/format.md, segN, and GE EchoPAC abbreviations.
 * The first 12 are Yu's basal and mid segments, numbered as in the AHA
 * 17-segment model (Cerqueira 2002); 13-18 are the apical ring of the
 * 18-segment model that speckle-tracking exports use (6 walls x 3 levels,
 * two walls per apical view), in the same wall order as the basal and mid
 * rings.  AHA's own 13-17 (four apical segments and the apex) do not map
 * one to one onto them, so segN stops at 12 (dys_is_extra_column).
 * Names are compared after normalisation (lower case, '_' '-' and space
 * the same, runs collapsed), so "Basal Septal", "basal-septal" and
 * "basal_septal" are one name.
 */
#include "internal.h"
#include "io/study_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *abbrev;
    dys_view view;
} seg_table[DYS_N_SEGMENTS] = {
    {"basal_anterior", "bA", DYS_VIEW_A2C},
    {"basal_anteroseptal", "bAS", DYS_VIEW_APLAX},
    {"basal_inferoseptal", "bIS", DYS_VIEW_A4C},
    {"basal_inferior", "bI", DYS_VIEW_A2C},
    {"basal_inferolateral", "bIL", DYS_VIEW_APLAX},
    {"basal_anterolateral", "bAL", DYS_VIEW_A4C},
    {"mid_anterior", "mA", DYS_VIEW_A2C},
    {"mid_anteroseptal", "mAS", DYS_VIEW_APLAX},
    {"mid_inferoseptal", "mIS", DYS_VIEW_A4C},
    {"mid_inferior", "mI", DYS_VIEW_A2C},
    {"mid_inferolateral", "mIL", DYS_VIEW_APLAX},
    {"mid_anterolateral", "mAL", DYS_VIEW_A4C},
    /* apical: "ap" as EchoPAC writes the level, so that "bA", "mA" and
     * "apA" read as one family without an "aA" that looks like a typo */
    {"apical_anterior", "apA", DYS_VIEW_A2C},
    {"apical_anteroseptal", "apAS", DYS_VIEW_APLAX},
    {"apical_inferoseptal", "apIS", DYS_VIEW_A4C},
    {"apical_inferior", "apI", DYS_VIEW_A2C},
    {"apical_inferolateral", "apIL", DYS_VIEW_APLAX},
    {"apical_anterolateral", "apAL", DYS_VIEW_A4C},
};

/* Other accepted names (normalised). */
static const struct {
    const char *alias;
    int seg;
} alias_table[] = {
    /* aliases (docs/format.md): the older wall names */
    {"basal_septal", 2}, {"basal_posterior", 4}, {"basal_lateral", 5},
    {"mid_septal", 8}, {"mid_posterior", 10}, {"mid_lateral", 11},
    /* GE EchoPAC abbreviations (docs/format.md), plus their AHA-named forms */
    {"basant", 0}, {"basantsept", 1}, {"bassept", 2}, {"basinfsept", 2},
    {"basinf", 3}, {"baspost", 4}, {"basinflat", 4}, {"baslat", 5},
    {"basantlat", 5},
    {"midant", 6}, {"midantsept", 7}, {"midsept", 8}, {"midinfsept", 8},
    {"midinf", 9}, {"midpost", 10}, {"midinflat", 10}, {"midlat", 11},
    {"midantlat", 11},
    /* the apical ring: the 4-chamber view's "apical septal" and "apical
     * lateral" and the long axis's "apical posterior" are the older wall
     * names, as at the base; EchoPAC writes apSept, apLat (A4C), apAnt,
     * apInf (A2C), apAntSept, apPost (APLAX) */
    {"apical_septal", 14}, {"apical_posterior", 16}, {"apical_lateral", 17},
    {"apant", 12}, {"apantsept", 13}, {"apsept", 14}, {"apinfsept", 14},
    {"apinf", 15}, {"appost", 16}, {"apinflat", 16}, {"aplat", 17},
    {"apantlat", 17},
};

/* Column names that are recognised but are not one of the 18: kept as
 * "extra columns" and reported, never an error.  The apex (AHA 17) and
 * AHA's 4-segment apical cap are not segments of the 18-segment model. */
static const char *const extra_table[] = {
    "apex", "apical_cap", "global", "avg", "average",
};

const char *dys_segment_name(dys_segment seg)
{
    int s = (int)seg; /* an enum may be unsigned: out of range either way */
    return s >= 0 && s < DYS_N_SEGMENTS ? seg_table[s].name : NULL;
}

const char *dys_segment_abbrev(dys_segment seg)
{
    int s = (int)seg;
    return s >= 0 && s < DYS_N_SEGMENTS ? seg_table[s].abbrev : NULL;
}

dys_view dys_segment_view(dys_segment seg)
{
    int s = (int)seg;
    return s >= 0 && s < DYS_N_SEGMENTS ? seg_table[s].view : DYS_VIEW_UNKNOWN;
}

const char *dys_view_name(dys_view v)
{
    switch (v) {
    case DYS_VIEW_A4C: return "A4C";
    case DYS_VIEW_A2C: return "A2C";
    case DYS_VIEW_APLAX: return "APLAX";
    case DYS_VIEW_SAX_MV: return "SAX-MV";
    case DYS_VIEW_SAX_PM: return "SAX-PM";
    case DYS_VIEW_SAX_AP: return "SAX-AP";
    case DYS_VIEW_UNKNOWN: break;
    }
    return "unknown";
}

const char *dys_trace_description(dys_trace trace, dys_strain_direction dir)
{
    if (trace != DYS_TRACE_STRAIN)
        return "longitudinal velocity";
    return dir == DYS_STRAIN_CIRCUMFERENTIAL ? "circumferential strain" : "longitudinal strain";
}

size_t dys_normalise_name(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    int pending_sep = 0;
    for (size_t i = 0; i < len && n + 2 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '_' || c == '-' || c == ' ' || c == '\t') {
            pending_sep = n > 0;
            continue;
        }
        if (pending_sep) {
            out[n++] = '_';
            pending_sep = 0;
        }
        out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
    return n;
}

int dys_segment_from_name(const char *name)
{
    char buf[96];
    dys_normalise_name(name, strlen(name), buf, sizeof buf);
    for (int s = 0; s < DYS_N_SEGMENTS; s++)
        if (strcmp(buf, seg_table[s].name) == 0)
            return s;
    for (size_t i = 0; i < sizeof alias_table / sizeof alias_table[0]; i++)
        if (strcmp(buf, alias_table[i].alias) == 0)
            return alias_table[i].seg;
    if (strncmp(buf, "seg", 3) == 0 && buf[3] >= '1' && buf[3] <= '9') {
        int k = buf[3] - '0';
        if (buf[4] >= '0' && buf[4] <= '9' && buf[5] == '\0')
            k = k * 10 + (buf[4] - '0');
        else if (buf[4] != '\0')
            return -1;
        return k >= 1 && k <= DYS_N_SEGMENTS_12 ? k - 1 : -1;
    }
    return -1;
}

int dys_is_extra_column(const char *normalised)
{
    for (size_t i = 0; i < sizeof extra_table / sizeof extra_table[0]; i++)
        if (strcmp(normalised, extra_table[i]) == 0)
            return 1;
    return dys_segment_number_above_12(normalised);
}

int dys_segment_number_above_12(const char *normalised)
{
    /* seg13..seg18: AHA's 13-17 are apical anterior, septal, inferior,
     * lateral and the apex; the 18-segment model's 13-18 are six apical
     * segments.  A number alone cannot say which model a file follows
     * (seg14 is "apical septal" in one, apical anteroseptal in the other),
     * so these are read past, with a warning (read_csv.c), never guessed. */
    if (strncmp(normalised, "seg", 3) != 0)
        return 0;
    const char *d = normalised + 3;
    return d[0] == '1' && d[1] >= '3' && d[1] <= '8' && d[2] == '\0';
}

dys_view dys_view_from_name(const char *s)
{
    char buf[32];
    dys_normalise_name(s, strlen(s), buf, sizeof buf);
    static const struct {
        const char *name;
        dys_view v;
    } t[] = {
        {"a4c", DYS_VIEW_A4C}, {"4ch", DYS_VIEW_A4C}, {"ap4", DYS_VIEW_A4C},
        {"a2c", DYS_VIEW_A2C}, {"2ch", DYS_VIEW_A2C}, {"ap2", DYS_VIEW_A2C},
        {"aplax", DYS_VIEW_APLAX}, {"a3c", DYS_VIEW_APLAX},
        {"3ch", DYS_VIEW_APLAX}, {"alax", DYS_VIEW_APLAX},
        {"lax", DYS_VIEW_APLAX},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(buf, t[i].name) == 0)
            return t[i].v;
    return DYS_VIEW_UNKNOWN;
}

const char *dys_flag_name(int bit)
{
    static const char *const names[DYS_N_FLAGS] = {
        "LOW_AMPLITUDE", "NO_POSITIVE_PEAK", "PEAK_AT_WINDOW_EDGE",
        "MULTIPLE_PEAKS", "UNCERTAIN_TIMING"};
    return bit >= 0 && bit < DYS_N_FLAGS ? names[bit] : NULL;
}

size_t dys_flags_text(unsigned flags, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap)
        buf[0] = '\0';
    for (int b = 0; b < DYS_N_FLAGS && n < cap; b++)
        if (flags >> b & 1u)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? " " : "", dys_flag_name(b));
    return n < cap ? n : cap ? cap - 1 : 0;
}

const char *dys_seg_status_name(dys_seg_status s)
{
    switch (s) {
    case DYS_SEG_OK: return "ok";
    case DYS_SEG_INDETERMINATE: return "indeterminate";
    case DYS_SEG_MISSING: return "missing";
    }
    return "unknown";
}
