/* Fuzz target: the number parser against strtod_l, bit for bit, on every
 * input it accepts (differential: a disagreement aborts), and never a
 * read past the token; and the readers' fast path (dys_parse_plain) on
 * the same bytes: what it accepts, the general parser accepts too, with
 * the same bits, and it stops at the separator or the end. */
#include "internal.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static locale_t c;
    if (!c && !(c = newlocale(LC_ALL_MASK, "C", (locale_t)0)))
        abort();
    if (size < 1 || size > 400)
        return 0;
    int comma = data[0] & 1;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    /* the token in a heap block of exactly its size: ASan sees any
     * read past it */
    char *tok = malloc(n ? n : 1);
    if (!tok)
        return 0;
    memcpy(tok, s, n);
    double v;
    if (dys_parse_number(tok, n, comma, c, &v) == 0) {
        char *z = malloc(n + 1);
        if (!z)
            abort();
        for (size_t i = 0; i < n; i++)
            z[i] = comma && tok[i] == ',' ? '.' : tok[i];
        z[n] = '\0';
        char *end;
        double w = strtod_l(z, &end, c);
        if (end != z + n || memcmp(&v, &w, sizeof v) != 0)
            abort(); /* accepted something strtod reads otherwise */
        free(z);
    }
    double p, g;
    size_t used;
    char stop = (data[0] & 2) ? ';' : ',';
    if (dys_parse_plain(tok, n, stop, comma, 0, &p, &used) == 1 &&
        ((used < n && tok[used] != stop) || dys_parse_number(tok, used, comma, c, &g) != 0 ||
         memcmp(&p, &g, sizeof p) != 0))
        abort(); /* the fast path and the general one disagree */
    free(tok);
    return 0;
}
