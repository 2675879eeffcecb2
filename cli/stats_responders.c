/*
 * stats responders - each study's response under every definition of
 * dys_response (engine/io/outcomes.c), the rates, and Cohen's kappa between
 * every pair of definitions on the studies both classify.
 */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ND = DYS_N_RESPONSE_DEFS }; /* resp[] holds ND answers per study */

int stats_responders(dys_ctx *ctx, const char *opath, const stats_opts *oo)
{
    dys_outcomes os;
    if (dys_outcomes_read(ctx, opath, &oo->topts, &os) != DYS_OK) {
        cli_error("%s", dys_ctx_error(ctx));
        return EXIT_SOME_FAILED;
    }
    /* each study's ND answers, then two columns for the pair kappa compares */
    size_t rows = os.n ? os.n : 1;
    int *resp = malloc(rows * (ND + 2) * sizeof *resp);
    if (!resp) {
        dys_outcomes_free(&os);
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    for (size_t i = 0; i < os.n; i++)
        for (int d = 0; d < ND; d++)
            resp[i * ND + d] = dys_response(&os.o[i], d, NULL);
    dys_outfile af;
    FILE *f = stats_out_open(ctx, oo, &af);
    int rc = f ? EXIT_ALL_OK : EXIT_SOME_FAILED;
    if (f && oo->fmt == FMT_CSV) {
        fputs("study_id", f);
        for (int d = 0; d < ND; d++)
            fprintf(f, ",%s", dys_response_name(d));
        fputc('\n', f);
        for (size_t i = 0; i < os.n; i++) {
            dys_write_csv_field(f, os.o[i].study_id);
            for (int d = 0; d < ND; d++)
                fprintf(f, resp[i * ND + d] < 0 ? "," : ",%d", resp[i * ND + d]);
            fputc('\n', f);
        }
    } else if (f) {
        int json = oo->fmt == FMT_JSON;
        cli_json j;
        json_init(&j, f);
        if (json) {
            json_object_begin(&j);
            json_member_size(&j, "n_studies", os.n);
            json_key(&j, "definitions");
            json_array_begin(&j);
        } else {
            fprintf(f, "Responders: %zu studies in %s\n\n%-14s %-42s %5s %10s %7s\n", os.n,
                    opath, "definition", "", "n", "responders", "rate");
        }
        size_t classified[ND]; /* studies each definition classifies */
        for (int d = 0; d < ND; d++) {
            size_t n = 0, yes = 0;
            for (size_t i = 0; i < os.n; i++)
                if (resp[i * ND + d] >= 0) {
                    n++;
                    yes += resp[i * ND + d] == 1;
                }
            classified[d] = n;
            double rate = n ? 100.0 * (double)yes / (double)n : NAN;
            if (json) {
                json_object_begin(&j);
                json_member_string(&j, "name", dys_response_name(d));
                json_member_string(&j, "description", dys_response_description(d));
                json_member_size(&j, "n", n);
                json_member_size(&j, "responders", yes);
                json_member_g(&j, "rate_pct", rate, SIG);
                json_object_end(&j);
            } else if (n) {
                fprintf(f, "%-14s %-42s %5zu %10zu %6.1f%%\n", dys_response_name(d),
                        dys_response_description(d), n, yes, rate);
            } else {
                fprintf(f, "%-14s %-42s %5zu %10s %7s  (no study has the data)\n",
                        dys_response_name(d), dys_response_description(d), n, "-", "-");
            }
        }
        if (json) {
            json_array_end(&j);
            json_key(&j, "kappa");
            json_array_begin(&j);
        } else {
            fputs("\nAgreement between definitions (Cohen's kappa, studies classified by both)\n",
                  f);
        }
        for (int a = 0; a < ND; a++)
            for (int b = a + 1; b < ND; b++) {
                int *x = resp + rows * ND, *y = x + rows;
                size_t n = 0;
                for (size_t i = 0; i < os.n; i++)
                    if (resp[i * ND + a] >= 0 && resp[i * ND + b] >= 0) {
                        x[n] = resp[i * ND + a];
                        y[n++] = resp[i * ND + b];
                    }
                /* the library's message is generic (subjects, classifications):
                 * these say the same in the words of this table */
                double po, k;
                dys_status st = dys_kappa(ctx, x, y, n, &k, &po);
                const char *why = n == 0 ? "no study is classified by both"
                                  : st != DYS_OK
                                      ? "undefined: both definitions put every study in one class"
                                      : NULL;
                if (json) {
                    json_object_begin(&j);
                    json_member_string(&j, "a", dys_response_name(a));
                    json_member_string(&j, "b", dys_response_name(b));
                    json_member_size(&j, "n", n);
                    json_member_g(&j, "agreement_pct", n ? 100 * po : NAN, SIG);
                    json_member_g(&j, "kappa", k, SIG);
                    json_member_string(&j, "note", why); /* null when there is none */
                    json_object_end(&j);
                } else if (why && !(classified[a] && classified[b])) {
                    /* a definition no study has data for was named above;
                     * a line per pair would only repeat it */
                } else if (why) {
                    fprintf(f, "  %-13s vs %-13s n %4zu  kappa -: %s\n", dys_response_name(a),
                            dys_response_name(b), n, why);
                } else {
                    fprintf(f, "  %-13s vs %-13s n %4zu  agreement %5.1f%%  kappa %5.2f\n",
                            dys_response_name(a), dys_response_name(b), n, 100 * po, k);
                }
            }
        if (json) {
            json_array_end(&j);
            json_key(&j, "studies");
            json_array_begin(&j);
            for (size_t i = 0; i < os.n; i++) {
                json_object_begin(&j);
                json_member_string(&j, "study_id", os.o[i].study_id);
                for (int d = 0; d < ND; d++) {
                    int v = resp[i * ND + d];
                    json_key(&j, dys_response_name(d));
                    if (v < 0)
                        json_null(&j);
                    else
                        json_bool(&j, v);
                }
                json_object_end(&j);
            }
            json_array_end(&j);
            json_object_end(&j);
            json_newline(&j);
        } else {
            fputs("\nA death or heart-failure hospitalisation makes a non-responder under "
                  "every follow-up definition\n(not under dpdt10, measured at implant).\n", f);
        }
    }
    if (f && stats_out_close(ctx, oo, &af, f))
        rc = EXIT_SOME_FAILED;
    free(resp);
    dys_outcomes_free(&os);
    return rc;
}
