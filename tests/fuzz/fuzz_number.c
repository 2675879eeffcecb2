/* Fuzz target: the number parser against strtod_l, bit for bit, on every
 * input it accepts (differential: a disagreement aborts), and never a
 * read past the token. */
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
    free(tok);
    return 0;
}
