/*
 * dyssync batch - analyse many studies into tidy tables; dyssync merge -
 * join the outputs of shards into what one run would have written.
 *
 * Discovery.  An INPUT is a directory or a manifest (.txt, one path per
 * line, '#' comments).  A directory whose data files (.csv .tsv .txt) carry
 * `# view:` metadata or are named after a view (a4c, a2c, aplax, 4ch, ...)
 * is one study; otherwise each data file in it is a study and its
 * subdirectories are searched.  Studies are sorted by path, so the order,
 * the shards and the output do not depend on the file system.
 *
 * Durability.  Each study's outcome is written first as its own part file,
 * OUTDIR/parts/<hash of the path>.part, atomically (temporary file,
 * rename; no fsync, which cost a quarter of the time, so a part is only
 * trusted when it ends with its "@end" marker); the tables are then
 * assembled from the parts in study order, each atomically and fsynced.
 * A batch killed at any moment (even SIGKILL) leaves complete part files
 * and complete tables or none; --resume skips the studies whose part is
 * complete and assembles the same tables an uninterrupted run would have.
 *
 * Shards.  --shard K/N (or SLURM_ARRAY_TASK_ID, _COUNT and _MIN) keeps the
 * studies whose index in the sorted list is K-1 modulo N; dyssync merge
 * assembles the parts of every shard directory in the global order.
 */
#include "common.h"
#include "dyssync_plot.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- a growable list of paths ------------------------------------------- */

typedef struct {
    char **v;
    size_t n, cap;
} strs;

static int strs_add(strs *s, const char *p)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **nv = realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = cap;
    }
    if (!(s->v[s->n] = strdup(p)))
        return -1;
    s->n++;
    return 0;
}

static void strs_free(strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- discovery ------------------------------------------------------------ */

static int is_data_file(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".tsv") || !strcasecmp(dot, ".txt"));
}

/* A view file: named after a view, or with `# view:` in its first 4 KB. */
static int is_view_file(const char *dir, const char *name)
{
    static const char *const stems[] = {"a4c", "a2c", "aplax", "4ch", "2ch", "3ch", "ap4",
                                        "ap2", "a3c", "alax", "lax"};
    size_t stem = strcspn(name, ".");
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++)
        if (strlen(stems[i]) == stem && !strncasecmp(name, stems[i], stem))
            return 1;
    char path[4096], buf[4097];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, 4096, f);
    fclose(f);
    buf[n] = '\0';
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (*l != '#')
            break; /* metadata ends at the header */
        const char *k = l + 1;
        while (*k == ' ')
            k++;
        if (!strncasecmp(k, "view", 4) && (k[4] == ':' || k[4] == ' '))
            return 1;
    }
    return 0;
}

/* Directories already searched, by device and inode: a symbolic link
 * back up the tree (or two that point at each other) would otherwise be
 * followed until the depth limit, in exponentially many ways. */
typedef struct {
    struct {
        dev_t dev;
        ino_t ino;
    } *v;
    size_t n, cap;
} dirset;

/* 1 if dir was seen before (it is then not searched again), 0 if it is
 * new (now recorded), -1 out of memory or unreadable. */
static int dir_seen(dirset *seen, const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return -1;
    for (size_t i = 0; i < seen->n; i++)
        if (seen->v[i].dev == sb.st_dev && seen->v[i].ino == sb.st_ino)
            return 1;
    if (seen->n == seen->cap) {
        size_t cap = seen->cap ? 2 * seen->cap : 64;
        void *v = realloc(seen->v, cap * sizeof *seen->v);
        if (!v)
            return -1;
        seen->v = v;
        seen->cap = cap;
    }
    seen->v[seen->n].dev = sb.st_dev;
    seen->v[seen->n++].ino = sb.st_ino;
    return 0;
}

static int discover_dir(const char *dir, strs *out, int depth, dirset *seen)
{
    int s = dir_seen(seen, dir);
    if (s != 0) {
        if (s > 0)
            cli_error("%s: skipped: the same directory as one already searched (a "
                      "symbolic link loop?)", dir);
        return s > 0 ? 0 : -1;
    }
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    strs files = {0}, subdirs = {0};
    struct dirent *e;
    int views = 0, rc = 0;
    while ((e = readdir(d)) && rc == 0) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0) { /* a dangling or looping link */
            cli_error("%s: skipped: %s", path, strerror(errno));
            continue;
        }
        if (S_ISDIR(sb.st_mode))
            rc = strs_add(&subdirs, path);
        else if (S_ISREG(sb.st_mode) && is_data_file(e->d_name)) {
            rc = strs_add(&files, path);
            views += is_view_file(dir, e->d_name);
        }
    }
    closedir(d);
    if (rc == 0 && views > 0) {
        rc = strs_add(out, dir); /* a view directory: one study */
    } else {
        for (size_t i = 0; i < files.n && rc == 0; i++)
            rc = strs_add(out, files.v[i]);
        for (size_t i = 0; i < subdirs.n && rc == 0; i++) {
            if (depth >= 32) {
                cli_error("%s: skipped: more than 32 directories deep", subdirs.v[i]);
                continue;
            }
            if (discover_dir(subdirs.v[i], out, depth + 1, seen) < 0) {
                if (errno == ENOMEM)
                    rc = -1;
                else /* an unreadable subdirectory is skipped, and said */
                    cli_error("%s: skipped: %s", subdirs.v[i], strerror(errno));
            }
        }
    }
    strs_free(&files);
    strs_free(&subdirs);
    return rc;
}

/* Studies of one INPUT; -1 with errno when it cannot be read. */
static int discover(const char *input, strs *out, dirset *seen)
{
    struct stat sb;
    if (stat(input, &sb) != 0)
        return -1;
    if (S_ISDIR(sb.st_mode))
        return discover_dir(input, out, 0, seen);
    const char *dot = strrchr(input, '.');
    if (dot && !strcasecmp(dot, ".txt")) {
        /* a manifest: one path per line, unless it is itself a study file
         * (a study's first line is '#' metadata or a header with commas) */
        FILE *f = fopen(input, "r");
        if (!f)
            return -1;
        char line[4096];
        int manifest = -1, rc = 0;
        /* Lines end at LF, CRLF or a bare CR (an old-Mac manifest would
         * otherwise be one line), so read up to either byte: getdelim
         * takes one, hence the loop over characters. */
        for (;;) {
            size_t n = 0;
            int c;
            while ((c = getc(f)) != EOF && c != '\n' && c != '\r')
                if (n < sizeof line - 1)
                    line[n++] = (char)c;
            if (c == '\r' && (c = getc(f)) != '\n' && c != EOF)
                ungetc(c, f);
            line[n] = '\0';
            if ((c == EOF && n == 0) || rc != 0)
                break;
            char *p = line;
            while (isspace((unsigned char)*p))
                p++;
            if (!*p || *p == '#')
                continue;
            if (manifest < 0)
                manifest = !strpbrk(p, ",;\t") && strncasecmp(p, "Local Traces", 12) != 0;
            if (!manifest)
                break;
            struct stat ps;
            if (stat(p, &ps) == 0 && S_ISDIR(ps.st_mode))
                rc = discover_dir(p, out, 0, seen);
            else
                rc = strs_add(out, p);
        }
        fclose(f);
        if (manifest == 1)
            return rc;
    }
    return strs_add(out, input);
}

/* ---- part files ------------------------------------------------------------ */

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static void part_path(const char *outdir, const char *source, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/parts/%016llx.part", outdir, (unsigned long long)fnv1a(source));
}

static void csv_num(FILE *f, double x, int digits)
{
    if (isfinite(x))
        fprintf(f, "%.*f", digits, x);
}

/* The part of one study: its source, then the studies.csv row, its
 * segments.csv rows, its results.jsonl line (or its errors.csv row), each
 * section introduced by a marker line. */
static void write_part(FILE *f, dys_ctx *ctx, const char *source, const dys_result *r,
                       const char *error)
{
    fprintf(f, "dyssync-part 1\n%s\n", source);
    if (!r) {
        fputs("@error\n", f);
        dys_write_csv_field(f, source);
        fputc(',', f);
        dys_write_csv_field(f, error);
        fputc('\n', f);
        fputs("@studies\n", f);
        dys_write_csv_field(f, "");
        fputc(',', f);
        dys_write_csv_field(f, source);
        fputs(",error,", f); /* n_segments, the indices and the events empty */
        for (int i = 0; i < DYS_N_INDICES + 3; i++)
            fputc(',', f);
        fputs("\n@end\n", f);
        return;
    }
    fputs("@studies\n", f);
    dys_write_csv_field(f, r->study_id);
    fputc(',', f);
    dys_write_csv_field(f, source);
    fprintf(f, ",ok,%d", r->n_segments);
    for (int i = 0; i < DYS_N_INDICES; i++) {
        fputc(',', f);
        csv_num(f, r->index[i], 2);
    }
    fputc(',', f);
    csv_num(f, r->avo_ms, 1);
    fputc(',', f);
    csv_num(f, r->avc_ms, 1);
    fprintf(f, ",%s\n@segments\n", r->events_source == DYS_PROV_GIVEN ? "given" : "estimated");
    for (int s = 0; s < DYS_N_SEGMENTS; s++) {
        const dys_segment_result *g = &r->seg[s];
        int miss = g->status == DYS_SEG_MISSING;
        dys_write_csv_field(f, r->study_id);
        fprintf(f, ",%s,%d,%s,%s,", dys_segment_name(s), s + 1, dys_view_name(dys_segment_view(s)),
                dys_seg_status_name(g->status));
        const double v[] = {g->ts_ms, g->to_ms, g->peak_cm_s, g->ts_beat_sd_ms, g->phase_deg,
                            g->strain_ttp_ms, g->peak_strain_pct};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            csv_num(f, miss ? NAN : v[k], 2);
            fputc(',', f);
        }
        fprintf(f, "%d,", g->n_beats);
        char flags[160];
        dys_flags_text(g->flags, flags, sizeof flags);
        dys_write_csv_field(f, flags);
        fputc(',', f);
        dys_write_csv_field(f, g->reason);
        fputc('\n', f);
    }
    fputs("@json\n", f);
    dys_write_json(ctx, f, r);
    fputs("@end\n", f);
}

static const char *segments_header =
    "study_id,segment,aha,view,status,ts_ms,to_ms,peak_velocity_cm_s,ts_beat_sd_ms,"
    "phase_deg,strain_ttp_ms,peak_strain_pct,n_beats,flags,reason\n";

static void studies_header(FILE *f)
{
    fputs("study_id,source,status,n_segments", f);
    for (int i = 0; i < DYS_N_INDICES; i++)
        fprintf(f, ",%s", dys_index_get(i)->key);
    fputs(",avo_ms,avc_ms,events_source\n", f);
}

/* A part is complete when it ends with its "@end" line.  Parts are
 * renamed into place complete but not fsynced (dys_outfile_commit_unsynced),
 * so after a power cut one may be empty or short: it then counts as
 * missing, and --resume analyses that study again. */
static int part_complete(const char *path)
{
    static const char end[] = "@end\n";
    char tail[sizeof end - 1];
    FILE *f = fopen(path, "rb");
    int ok = f && fseek(f, -(long)sizeof tail, SEEK_END) == 0 &&
             fread(tail, 1, sizeof tail, f) == sizeof tail && !memcmp(tail, end, sizeof tail);
    if (f)
        fclose(f);
    return ok;
}

/* Append the sections of one part file to the open tables; -1 if the part
 * is missing or incomplete (nothing is appended then). */
static int append_part(const char *path, FILE *st, FILE *sg, FILE *js, FILE *er, int *failed)
{
    if (!part_complete(path))
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    FILE *to = NULL;
    int lineno = 0, complete = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (lineno <= 2)
            continue;
        if (!strcmp(line, "@studies\n"))
            to = st;
        else if (!strcmp(line, "@segments\n"))
            to = sg;
        else if (!strcmp(line, "@json\n"))
            to = js;
        else if (!strcmp(line, "@error\n")) {
            to = er;
            (*failed)++;
        } else if (!strcmp(line, "@end\n")) {
            complete = 1;
            break;
        } else if (to)
            fwrite(line, 1, (size_t)len, to);
    }
    free(line);
    fclose(f);
    return complete ? 0 : -1;
}

/* Assemble the tables of OUTDIR from the parts of `sources` found in the
 * part directories `partdirs`; returns the number of studies whose part
 * is missing, or -1 when a table cannot be written. */
static int assemble(dys_ctx *ctx, const char *outdir, char **sources, size_t n,
                    char **partdirs, size_t npd, int *failed)
{
    static const char *const names[4] = {"studies.csv", "segments.csv", "results.jsonl",
                                          "errors.csv"};
    dys_outfile of[4];
    memset(of, 0, sizeof of);
    for (int t = 0; t < 4; t++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", outdir, names[t]);
        if (dys_outfile_open(ctx, &of[t], path) != DYS_OK) {
            for (int u = 0; u < t; u++)
                dys_outfile_abort(&of[u]);
            return -1;
        }
    }
    studies_header(of[0].f);
    fputs(segments_header, of[1].f);
    fputs("source,message\n", of[3].f);
    int missing = 0;
    *failed = 0;
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t d = 0; d < npd && !found; d++) {
            char path[4096];
            part_path(partdirs[d], sources[i], path, sizeof path);
            found = append_part(path, of[0].f, of[1].f, of[2].f, of[3].f, failed) == 0;
        }
        missing += !found;
    }
    for (int t = 0; t < 4; t++)
        if (dys_outfile_commit(ctx, &of[t]) != DYS_OK) {
            for (int u = t + 1; u < 4; u++)
                dys_outfile_abort(&of[u]);
            return -1;
        }
    return missing;
}

/* ---- the commands ----------------------------------------------------------- */

static int parse_shard(const char *s, long *k, long *n)
{
    char *e;
    *k = strtol(s, &e, 10);
    if (*e != '/')
        return -1;
    *n = strtol(e + 1, &e, 10);
    return *e || *n < 1 || *k < 1 || *k > *n ? -1 : 0;
}

int cmd_batch(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"resume", no_argument, NULL, 'r'},
        {"shard", required_argument, NULL, 'S'},
        {"plots", required_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        CLI_READ_LONGOPTS,
        CLI_ANALYSIS_LONGOPTS,
        {NULL, 0, NULL, 0}};
    dys_read_options ro;
    dys_read_options_defaults(&ro);
    dys_params p;
    dys_params_defaults(&p);
    const char *outdir = NULL;
    long jobs = 0, sk = 0, sn = 0;
    int resume = 0, plots = 0, quiet = 0, rc = EXIT_ALL_OK, opt;
    dys_ctx *ctx = dys_ctx_new();
    strs studies = {0};
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
        int r = cli_read_option(opt, optarg, &ro, ctx);
        if (r == 0)
            r = cli_analysis_option(opt, optarg, &p, "batch");
        if (r < 0) {
            rc = EXIT_USAGE;
            goto done;
        }
        if (r > 0)
            continue;
        switch (opt) {
        case 'o': outdir = optarg; break;
        case 'j':
            if (cli_long(optarg, 1, 1024, &jobs)) {
                rc = cli_usage("batch", "-j takes 1..1024");
                goto done;
            }
            break;
        case 'r': resume = 1; break;
        case 'S':
            if (parse_shard(optarg, &sk, &sn)) {
                rc = cli_usage("batch", "--shard takes K/N with 1 <= K <= N");
                goto done;
            }
            break;
        case 'P':
            if (strcmp(optarg, "none") && strcmp(optarg, "all")) {
                rc = cli_usage("batch", "--plots takes none or all");
                goto done;
            }
            plots = !strcmp(optarg, "all");
            break;
        case 'q': quiet = 1; break;
        case 'h': rc = cli_help("batch"); goto done;
        default: rc = cli_usage("batch", "unknown option"); goto done;
        }
    }
    if (!outdir || optind >= argc) {
        rc = cli_usage("batch", "needs -o OUTDIR and at least one INPUT");
        goto done;
    }
    if (!sn && getenv("SLURM_ARRAY_TASK_ID") && getenv("SLURM_ARRAY_TASK_COUNT")) {
        long id = strtol(getenv("SLURM_ARRAY_TASK_ID"), NULL, 10);
        long min = getenv("SLURM_ARRAY_TASK_MIN") ? strtol(getenv("SLURM_ARRAY_TASK_MIN"), NULL, 10) : 0;
        sn = strtol(getenv("SLURM_ARRAY_TASK_COUNT"), NULL, 10);
        sk = id - min + 1;
        if (sn < 1 || sk < 1 || sk > sn) {
            cli_error("SLURM_ARRAY_TASK_ID/COUNT/MIN give no valid shard (%ld of %ld)", sk, sn);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    dirset seen = {0};
    for (int i = optind; i < argc; i++)
        if (discover(argv[i], &studies, &seen) != 0) {
            cli_error("%s: %s", argv[i], strerror(errno));
            free(seen.v);
            rc = EXIT_SOME_FAILED;
            goto done;
        }
    free(seen.v);
    qsort(studies.v, studies.n, sizeof *studies.v, cmp_str);
    /* drop duplicates (an input given twice) */
    size_t w = 0;
    for (size_t i = 0; i < studies.n; i++) {
        if (w && !strcmp(studies.v[w - 1], studies.v[i])) {
            free(studies.v[i]);
            continue;
        }
        studies.v[w++] = studies.v[i];
    }
    studies.n = w;
    if (sn) { /* this shard's slice */
        size_t m = 0;
        for (size_t i = 0; i < studies.n; i++) {
            if ((long)(i % (size_t)sn) == sk - 1)
                studies.v[m++] = studies.v[i];
            else
                free(studies.v[i]);
        }
        studies.n = m;
    }
    char parts[4096], figs[4096];
    snprintf(parts, sizeof parts, "%s/parts", outdir);
    snprintf(figs, sizeof figs, "%s/figures", outdir);
    if ((mkdir(outdir, 0777) != 0 && errno != EEXIST) ||
        (mkdir(parts, 0777) != 0 && errno != EEXIST) ||
        (plots && mkdir(figs, 0777) != 0 && errno != EEXIST)) {
        cli_error("%s: cannot create: %s", outdir, strerror(errno));
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    if (resume) { /* temporaries of a killed run: never renamed, never complete */
        const char *dirs[2] = {outdir, parts};
        for (int k = 0; k < 2; k++) {
            DIR *d = opendir(dirs[k]);
            struct dirent *e;
            while (d && (e = readdir(d)))
                if (strstr(e->d_name, ".tmp.")) {
                    char tp[8192];
                    snprintf(tp, sizeof tp, "%s/%s", dirs[k], e->d_name);
                    unlink(tp);
                }
            if (d)
                closedir(d);
        }
    }
    if (jobs > 0)
        omp_set_num_threads((int)jobs);
    int tty = !quiet && isatty(2);
    size_t done_n = 0, n = studies.n;
    int io_failed = 0;
    char io_err[1024] = ""; /* the first write failure, said at the end */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
#pragma omp parallel
    {
        dys_ctx *tc = dys_ctx_new();
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < n; i++) {
            const char *src = studies.v[i];
            char pp[4096];
            part_path(outdir, src, pp, sizeof pp);
            int stop;
#pragma omp atomic read
            stop = io_failed;
            if (stop || (resume && part_complete(pp)))
                goto next; /* after a write failure (a full disk, say) the rest
                              would fail too: --resume does them */
            dys_study *s = NULL;
            dys_result *r = NULL;
            char err[1024] = "";
            if (!tc)
                snprintf(err, sizeof err, "out of memory");
            else if (dys_study_read(tc, src, &ro, &s) != DYS_OK ||
                     dys_analyze(tc, s, &p, &r) != DYS_OK)
                snprintf(err, sizeof err, "%s", dys_ctx_error(tc));
            if (r && plots) {
                char fp[4096], id[256];
                snprintf(id, sizeof id, "%s", r->study_id);
                for (char *c = id; *c; c++)
                    if (*c == '/' || *c == '\\')
                        *c = '_';
                snprintf(fp, sizeof fp, "%s/%s.png", figs, id);
                dys_plot_options po;
                dys_plot_options_defaults(&po);
                if (dys_plot_write(tc, s, r, &po, fp) != DYS_OK) {
#pragma omp critical(batch_err)
                    cli_error("%s: figure not written: %s", src, dys_ctx_error(tc));
                }
            }
            dys_outfile of;
            int wrote = tc && dys_outfile_open(tc, &of, pp) == DYS_OK;
            if (wrote) {
                write_part(of.f, tc, src, r, err);
                wrote = dys_outfile_commit_unsynced(tc, &of) == DYS_OK;
            }
            if (!wrote) {
#pragma omp critical(batch_io)
                {
                    if (!io_err[0])
                        snprintf(io_err, sizeof io_err, "%s",
                                 tc ? dys_ctx_error(tc) : "out of memory");
#pragma omp atomic write
                    io_failed = 1;
                }
            }
            dys_result_free(r);
            dys_study_free(s);
        next:;
            size_t d;
#pragma omp atomic capture
            d = ++done_n;
            if (tty) {
                struct timespec t1;
                clock_gettime(CLOCK_MONOTONIC, &t1);
                double el = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
                double rate = el > 0 ? (double)d / el : 0;
#pragma omp critical(batch_progress)
                fprintf(stderr, "\r%zu/%zu studies, %.1f/s, ETA %.0f s   ", d, n, rate,
                        rate > 0 ? (double)(n - d) / rate : 0.0);
            }
        }
        dys_ctx_free(tc);
    }
    if (tty)
        fputc('\n', stderr);
    char *pd[1] = {(char *)outdir};
    int failed = 0;
    int missing = io_failed ? -1 : assemble(ctx, outdir, studies.v, n, pd, 1, &failed);
    if (missing != 0) {
        cli_error("%s: the outputs could not be written (%s); the studies done are kept: "
                  "rerun with --resume", outdir,
                  io_failed ? io_err : missing < 0 ? dys_ctx_error(ctx) : "parts missing");
        rc = EXIT_SOME_FAILED;
    } else if (failed) {
        if (!quiet)
            cli_error("%d of %zu studies failed: see %s/errors.csv", failed, n, outdir);
        rc = EXIT_SOME_FAILED;
    }
done:
    strs_free(&studies);
    dys_ctx_free(ctx);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    const char *outdir = NULL;
    int opt, rc = EXIT_ALL_OK;
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (opt == 'o')
            outdir = optarg;
        else if (opt == 'h')
            return cli_help("merge");
        else
            return cli_usage("merge", "unknown option");
    }
    if (!outdir || optind >= argc)
        return cli_usage("merge", "needs -o OUTDIR and at least one SHARDDIR");
    dys_ctx *ctx = dys_ctx_new();
    strs sources = {0};
    /* every study of every shard, from the first two lines of its parts */
    for (int a = optind; a < argc && rc == EXIT_ALL_OK; a++) {
        char pdir[4096];
        snprintf(pdir, sizeof pdir, "%s/parts", argv[a]);
        DIR *d = opendir(pdir);
        if (!d) {
            cli_error("%s: %s", pdir, strerror(errno));
            rc = EXIT_SOME_FAILED;
            break;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            const char *dot = strrchr(e->d_name, '.');
            if (!dot || strcmp(dot, ".part"))
                continue;
            char path[8192], line[4096];
            snprintf(path, sizeof path, "%s/%s", pdir, e->d_name);
            FILE *f = fopen(path, "r");
            if (f && fgets(line, sizeof line, f) && !strcmp(line, "dyssync-part 1\n") &&
                fgets(line, sizeof line, f)) {
                line[strcspn(line, "\n")] = '\0';
                strs_add(&sources, line);
            }
            if (f)
                fclose(f);
        }
        closedir(d);
    }
    if (rc == EXIT_ALL_OK) {
        qsort(sources.v, sources.n, sizeof *sources.v, cmp_str);
        if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
            cli_error("%s: cannot create: %s", outdir, strerror(errno));
            rc = EXIT_SOME_FAILED;
        } else {
            int failed = 0;
            char **pd = (char **)(argv + optind);
            int missing = assemble(ctx, outdir, sources.v, sources.n, pd, (size_t)(argc - optind),
                                   &failed);
            if (missing != 0) {
                cli_error("%s: could not be written: %s", outdir, dys_ctx_error(ctx));
                rc = EXIT_SOME_FAILED;
            } else if (failed) {
                rc = EXIT_SOME_FAILED;
            }
        }
    }
    strs_free(&sources);
    dys_ctx_free(ctx);
    return rc;
}
