/*
 * dyssync batch - analyse many studies into tidy tables; dyssync merge -
 * join the outputs of shards into what one run would have written.
 *
 * Discovery.  An INPUT is a directory or a manifest (.txt, one path per
 * line, '#' comments).  A directory of view files (dys_dir_is_view_study,
 * the rule the study reader uses too: a data file with `# view:` metadata
 * or a view in its name, "a4c.csv", "P01_a4c.csv") is one study;
 * otherwise each data file in it that starts as a study
 * (dys_file_is_study: a README or a truth table is skipped, and said) is
 * a study and its subdirectories are searched.  Paths are normalised
 * ("dir/" and "dir", "a//b", "./a" are the same) and sorted, so the order,
 * the shards and the output do not depend on the file system or on how a
 * path was typed.
 *
 * Durability.  Each worker thread appends each study's outcome as one
 * record to its own journal, OUTDIR/parts/journal-<run>-<worker>.log,
 * created on its first record and then only appended to, one write() per
 * record.  A part file per study (format 3) cost a file creation each, and
 * creating files was about a sixth of a -j 1 batch's CPU (ext4_create);
 * one file per worker and run costs nothing per study.  A record is a
 * text header "@dyssync-record <run> <bytes> <checksum>" (FNV-1a 64 of the
 * header and the payload: the fingerprints' hash, enough against torn and
 * flipped bytes) and the payload a part held; it counts only when
 * whole and its checksum matches, so a record torn by SIGKILL or a power
 * cut (records are not fsynced one by one, which cost a quarter of the
 * time; each journal is, once, when its worker ends) is ignored, and a
 * damaged one is said.  Every run writes new journals under the next run
 * number, so nothing is appended after a torn tail; the newest run's
 * record of a study wins.  Before a run the journals are read once into an
 * index (source -> journal, offset, fingerprint; never the payloads, so
 * memory grows by a path and an id per study); the tables are then
 * assembled in study order by reading each payload back, each table
 * atomically and fsynced, and journals none of whose records is still the
 * newest of its study are removed.  A batch killed at any moment (even
 * SIGKILL) leaves whole records and complete tables or none.  SIGINT and
 * SIGTERM stop it cleanly: the studies in flight finish, the tables of what
 * is done are assembled, run.json says the run is incomplete, and the exit
 * status is 130.
 *
 * Fingerprints.  A record holds what produced it: the engine version, a
 * hash of the bytes of every file of the study and the options as
 * dys_params_text() writes them.  --resume keeps a study's record only when
 * all three are those of this run; it refuses to resume with other options
 * than the records were made with (naming them), unless --reanalyse asks to
 * analyse those studies again.  Part files of format 3 are not read (a
 * second reader kept for one transition would be code no test of a new
 * run exercises): resume and merge refuse a directory holding them, saying
 * so, and a fresh run removes them.  Records of format 4 (journals whose
 * studies.csv rows end at figure) are refused and removed the same way: the
 * fingerprint cannot tell them from format 5's when the version string is
 * the same, and read, they would make a table of rows of two lengths.  One batch writes an OUTDIR at a time (a lock on
 * OUTDIR/.lock); OUTDIR/run.json records how the tables were made.
 *
 * Shards.  --shard K/N (or SLURM_ARRAY_TASK_ID, _COUNT and _MIN) keeps the
 * studies whose index in the sorted list is K-1 modulo N; dyssync merge
 * reads the journals of every shard directory and assembles the tables in
 * the global order, after checking that their run.json agree on engine
 * version and options.
 */
#include "common.h"
#include "dyssync_plot.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
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

/* A path as the one key of its study: no repeated or trailing '/', no
 * "./" components ("dir/", "dir" and "./dir" are one study set; parts and
 * `source` use this form).  ".." is kept: without the file system it
 * cannot be resolved safely (symbolic links). */
static void normalise_path(char *p)
{
    char *w = p;
    const char *r = p;
    int absolute = *r == '/';
    while (*r) {
        while (*r == '/')
            r++;
        if (r[0] == '.' && (r[1] == '/' || r[1] == '\0')) {
            r++; /* a "." component */
            continue;
        }
        if (!*r)
            break;
        if (w > p || absolute)
            *w++ = '/';
        while (*r && *r != '/')
            *w++ = *r++;
    }
    if (w == p)
        *w++ = absolute ? '/' : '.';
    *w = '\0';
}

/* ---- discovery ------------------------------------------------------------ */

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
    int rc = 0;
    while ((e = readdir(d)) && rc == 0) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        normalise_path(path);
        struct stat sb;
        if (stat(path, &sb) != 0) { /* a dangling or looping link */
            cli_error("%s: skipped: %s", path, strerror(errno));
            continue;
        }
        if (S_ISDIR(sb.st_mode))
            rc = strs_add(&subdirs, path);
        else if (S_ISREG(sb.st_mode) && dys_is_data_file(path)) {
            if (strpbrk(e->d_name, "\r\n"))
                cli_error("%s: skipped: a line break in the file name", path);
            else if (!dys_file_is_study(path))
                cli_error("%s: skipped: not a study (prose, a table whose first "
                          "column is study_id or source, a segment table, or XML that is "
                          "not a workbook)", path);
            else
                rc = strs_add(&files, path);
        }
    }
    closedir(d);
    if (rc == 0 && files.n && dys_dir_is_view_study(dir)) {
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
            /* a manifest's first line is a path: no separator, and not an
             * EchoPAC export's title (whose first line has none either) */
            if (manifest < 0)
                manifest = !strpbrk(p, ",;\t") && strncasecmp(p, "Local Traces", 12) != 0 &&
                           strncasecmp(p, "FName=", 6) != 0 &&
                           strncasecmp(p, "Segmental Traces", 16) != 0;
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

/* ---- fingerprints ---------------------------------------------------------- */

/* FNV-1a, 64 bits: change detection, not security (a deliberate collision
 * is easy; an edited study colliding by chance is 1 in 2^64). */
#define FNV_OFFSET 0xcbf29ce484222325ULL
static uint64_t fnv1a_bytes(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t fnv1a(const char *s)
{
    return fnv1a_bytes(FNV_OFFSET, s, strlen(s));
}

static int hash_file(const char *path, uint64_t *h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        *h = fnv1a_bytes(*h, buf, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

/* The hash of a study's input: a file's bytes, or every data file of a
 * view directory (names and bytes, in name order).  0 when unreadable (the
 * study then fails on reading and its part is never reused). */
static uint64_t input_hash(const char *src)
{
    uint64_t h = FNV_OFFSET;
    struct stat sb;
    if (stat(src, &sb) != 0)
        return 0;
    if (!S_ISDIR(sb.st_mode))
        return hash_file(src, &h) ? 0 : h;
    DIR *d = opendir(src);
    if (!d)
        return 0;
    strs names = {0};
    struct dirent *e;
    int bad = 0;
    while ((e = readdir(d)) && !bad) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", src, e->d_name);
        if (e->d_name[0] != '.' && dys_is_data_file(path))
            bad = strs_add(&names, e->d_name);
    }
    closedir(d);
    if (names.n > 1) /* qsort of no array: NULL, undefined */
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n && !bad; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", src, names.v[i]);
        h = fnv1a_bytes(h, names.v[i], strlen(names.v[i]) + 1);
        bad = hash_file(path, &h);
    }
    strs_free(&names);
    return bad ? 0 : h;
}

/* Option texts are "key=value" tokens separated by spaces; the key of
 * "cutoff=ts_sd_12_ms=30" is "cutoff=ts_sd_12_ms". */
static size_t opt_key_len(const char *t, size_t len)
{
    const char *eq = memchr(t, '=', len);
    if (eq && !strncmp(t, "cutoff=", 7)) {
        const char *eq2 = memchr(t + 7, '=', len - 7);
        return eq2 ? (size_t)(eq2 - t) : len;
    }
    return eq ? (size_t)(eq - t) : len;
}

/* The value of key in an option text (NULL when it has none). */
static const char *opt_find(const char *list, const char *key, size_t klen, int *vlen)
{
    for (const char *o = list; *o;) {
        size_t ol = strcspn(o, " ");
        if (opt_key_len(o, ol) == klen && !strncmp(o, key, klen)) {
            *vlen = ol > klen ? (int)(ol - klen - 1) : 0;
            return ol > klen ? o + klen + 1 : o + ol;
        }
        o += ol + (o[ol] == ' ');
    }
    return NULL;
}

/* What an option absent from a text means: indices=LIST is written only
 * when some index is left out, so its absence is every index. */
static const char *opt_absent(const char *key, size_t klen)
{
    return klen == 7 && !strncmp(key, "indices", 7) ? "all" : "none";
}

/* The options whose values differ between two option texts, as "lowpass
 * (20 then, auto now), cutoff=ts_sd_12_ms (30 then, none now)". */
static void options_diff(const char *then, const char *now, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int pass = 0; pass < 2; pass++) { /* the keys of now, then those only in then */
        for (const char *t = pass ? then : now; *t && n < cap;) {
            size_t len = strcspn(t, " "), kl = opt_key_len(t, len);
            int tl = len > kl ? (int)(len - kl - 1) : 0, ol = 0;
            const char *tv = t + kl + (len > kl), *ov = opt_find(pass ? now : then, t, kl, &ol);
            if (pass == 0 && (!ov || ol != tl || strncmp(ov, tv, (size_t)tl)))
                n += (size_t)snprintf(out + n, cap - n, "%s%.*s (%.*s then, %.*s now)",
                                      n ? ", " : "", (int)kl, t, ov ? ol : 4,
                                      ov ? ov : opt_absent(t, kl), tl, tv);
            else if (pass == 1 && !ov)
                n += (size_t)snprintf(out + n, cap - n, "%s%.*s (%.*s then, %s now)",
                                      n ? ", " : "", (int)kl, t, tl, tv, opt_absent(t, kl));
            t += len + (t[len] == ' ');
        }
    }
}

/* ---- journals ------------------------------------------------------------- */

/* A record's payload is what a part file held (format 4: the same text as
 * format 3's parts, in a record of a journal instead of a file of its own;
 * format 5: the same, its studies.csv row with the columns of the lead
 * target and the factors of non-response after duplicate_id and figure):
 *   dyssync-part 5
 *   <source>                  the normalised path, the study's key
 *   <study_id>                empty when the study failed
 *   <version> <input hash>    the engine and the bytes that made it
 *   <options>                 dys_params_text and the reading options
 *   @studies / @segments / @json (or @error, @studies) sections
 *   @end
 * The record puts one header line before it:
 *   @dyssync-record <run> <payload bytes> <checksum>\n
 * the checksum being FNV-1a 64 of the header up to the checksum (its run and
 * length included) and then of the payload.  A header that is all text keeps
 * a journal readable with less and countable with grep, and lets a reader
 * that lost its place (a damaged header) find the next record by its magic
 * at the start of a line. */
#define PART_FORMAT_LINE "dyssync-part 5\n"
/* Format 4's rows lack the last columns of studies.csv.  The fingerprint
 * (engine version, input, options) does not tell them apart: a build of
 * the same version string, before and after, makes both; so the format
 * line is what keeps a format-4 row out of a format-5 table. */
#define OLD_FORMAT_LINE "dyssync-part 4\n"
#define RECORD_MAGIC "@dyssync-record "
enum { PART_HEADER_LINES = 5, RECORD_HEADER_MAX = 80 };

static void part_path(const char *outdir, const char *source, const char *ext, char *buf,
                      size_t cap)
{
    snprintf(buf, cap, "%s/parts/%016llx.%s", outdir, (unsigned long long)fnv1a(source), ext);
}

/* The header line of a record, its length returned; *sum is the checksum
 * of the header's text before it and of the payload. */
static int record_header(char *buf, size_t cap, unsigned run, const char *payload, size_t len,
                         uint64_t *sum)
{
    int n = snprintf(buf, cap, RECORD_MAGIC "%u %zu ", run, len);
    *sum = fnv1a_bytes(fnv1a_bytes(FNV_OFFSET, buf, (size_t)n), payload, len);
    return n + snprintf(buf + n, cap - (size_t)n, "%016llx\n", (unsigned long long)*sum);
}

/* The journal a worker appends to: created on its first record, so a
 * resume with nothing to do adds no file. */
typedef struct {
    int fd;
    uint64_t size; /* what is written: a failed write is cut back to it */
    char path[4096];
    char *buf;
    size_t cap;
} journal_writer;

/* Append one record with one write (a retry only after a short write);
 * when it fails (a full disk), the file is cut back to its last complete
 * record, so that a later reader does not even see a torn one.  0, or -1
 * with the message in err. */
static int journal_append(journal_writer *w, const char *outdir, unsigned run, int worker,
                          const char *payload, size_t len, char *err, size_t errcap)
{
    char *path = w->path;
    if (w->fd < 0) {
        snprintf(path, sizeof w->path, "%s/parts/journal-%06u-%03d.log", outdir, run, worker);
        /* O_EXCL: a run number is never reused, so a file of that name is
         * another writer's, never to be appended to */
        w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
        if (w->fd < 0) {
            snprintf(err, errcap, "%.900s: cannot create: %s", path, strerror(errno));
            return -1;
        }
        w->size = 0;
    }
    if (w->cap < len + RECORD_HEADER_MAX) {
        char *nb = realloc(w->buf, len + RECORD_HEADER_MAX);
        if (!nb) {
            snprintf(err, errcap, "out of memory");
            return -1;
        }
        w->buf = nb;
        w->cap = len + RECORD_HEADER_MAX;
    }
    uint64_t sum;
    size_t hl = (size_t)record_header(w->buf, w->cap, run, payload, len, &sum), n = hl + len,
           done = 0;
    memcpy(w->buf + hl, payload, len);
    while (done < n) {
        ssize_t k = write(w->fd, w->buf + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int e = k < 0 ? errno : ENOSPC;
            if (ftruncate(w->fd, (off_t)w->size) != 0) {
                /* the torn record stays; readers ignore it by its length */
            }
            snprintf(err, errcap, "%.900s: cannot write: %s", path, strerror(e));
            return -1;
        }
        done += (size_t)k;
    }
    w->size += n;
    return 0;
}

/* A worker's journal is synced once, when the worker ends: one fdatasync per
 * journal and run, not per record (which cost a quarter of the time). */
static int journal_close(journal_writer *w, char *err, size_t errcap)
{
    int bad = 0;
    if (w->fd >= 0) {
        if (fdatasync(w->fd) != 0) {
            snprintf(err, errcap, "%.900s: cannot write: %s", w->path, strerror(errno));
            bad = -1;
        }
        close(w->fd);
    }
    free(w->buf);
    memset(w, 0, sizeof *w);
    w->fd = -1;
    return bad;
}

/* The newest valid record of each study in a set of journals: where its
 * payload is and its fingerprint, never the payload itself, so memory
 * grows by a path and an id per study, as the list of studies does. */
typedef struct {
    char *source, *id;    /* source NULL: an empty slot */
    uint64_t h, input, off;
    uint32_t len, run, file, shard, version, options; /* version, options: interned */
} jrec;

typedef struct {
    jrec *slot;
    size_t cap, n;
    strs files;        /* every journal read */
    strs versions, options;
    unsigned max_run;  /* the highest run number seen (0: none) */
    size_t n_foreign;  /* records of another payload format */
    size_t n_old;      /* records of format 4 (not read; not in n_foreign) */
} jindex;

static void jindex_free(jindex *x)
{
    for (size_t i = 0; i < x->cap; i++) {
        free(x->slot[i].source);
        free(x->slot[i].id);
    }
    free(x->slot);
    strs_free(&x->files);
    strs_free(&x->versions);
    strs_free(&x->options);
    memset(x, 0, sizeof *x);
}

static jrec *jindex_slot(const jindex *x, const char *source, uint64_t h)
{
    for (size_t i = (size_t)h & (x->cap - 1);; i = (i + 1) & (x->cap - 1))
        if (!x->slot[i].source || (x->slot[i].h == h && !strcmp(x->slot[i].source, source)))
            return &x->slot[i];
}

static const jrec *jindex_get(const jindex *x, const char *source)
{
    if (!x->cap)
        return NULL;
    const jrec *r = jindex_slot(x, source, fnv1a(source));
    return r->source ? r : NULL;
}

/* The index of s in a list of distinct texts (added when new). */
static int intern(strs *list, const char *s, size_t len, uint32_t *idx)
{
    for (size_t i = 0; i < list->n; i++)
        if (strlen(list->v[i]) == len && !memcmp(list->v[i], s, len)) {
            *idx = (uint32_t)i;
            return 0;
        }
    char *t = strndup(s, len);
    if (!t || strs_add(list, t) != 0) {
        free(t);
        return -1;
    }
    free(t);
    *idx = (uint32_t)(list->n - 1);
    return 0;
}

/* The record r (source and id not yet owned) into the index.  Which record
 * of a study wins is decided by the order the journals are read in: shards
 * in the order given (the first holding a study wins, as merge always did),
 * and within one output directory the higher run number, then the later
 * journal and position; a study is analysed once per run, so the run alone
 * decides in practice. */
static int jindex_put(jindex *x, const jrec *r, const char *source, size_t slen,
                      const char *id, size_t ilen)
{
    if (2 * (x->n + 1) > x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 1024;
        jrec *old = x->slot;
        size_t ocap = x->cap;
        if (!(x->slot = calloc(cap, sizeof *x->slot))) {
            x->slot = old;
            return -1;
        }
        x->cap = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].source)
                *jindex_slot(x, old[i].source, old[i].h) = old[i];
        free(old);
    }
    char *src = strndup(source, slen), *nid = strndup(id, ilen);
    if (!src || !nid) {
        free(src);
        free(nid);
        return -1;
    }
    uint64_t h = fnv1a(src);
    jrec *s = jindex_slot(x, src, h);
    if (s->source && (r->shard != s->shard || r->run < s->run)) {
        free(src);
        free(nid);
        return 0;
    }
    if (s->source) {
        free(s->source);
        free(s->id);
    } else
        x->n++;
    *s = *r;
    s->source = src;
    s->id = nid;
    s->h = h;
    return 0;
}

/* One line of a payload: *line and its length without the '\n'; the rest
 * after it.  NULL at the end. */
static const char *next_line(const char *p, const char *end, const char **line, size_t *len)
{
    const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
    if (!nl)
        return NULL;
    *line = p;
    *len = (size_t)(nl - p);
    return nl + 1;
}

/* The fingerprint of a payload into r and the index; 1 when the payload is
 * of another format (another dyssync), 2 of format 4 (an earlier one), -1
 * out of memory. */
static int jindex_add_payload(jindex *x, jrec *r, const char *pl, size_t len)
{
    const char *end = pl + len, *src, *id, *fp, *opt;
    size_t sl, il, fl, ol;
    size_t fl0 = strlen(PART_FORMAT_LINE);
    if (len >= strlen(OLD_FORMAT_LINE) && !memcmp(pl, OLD_FORMAT_LINE, strlen(OLD_FORMAT_LINE)))
        return 2;
    if (len < fl0 || memcmp(pl, PART_FORMAT_LINE, fl0))
        return 1;
    const char *p = pl + fl0;
    if (!(p = next_line(p, end, &src, &sl)) || !(p = next_line(p, end, &id, &il)) ||
        !(p = next_line(p, end, &fp, &fl)) || !next_line(p, end, &opt, &ol))
        return 1;
    const char *sp = memchr(fp, ' ', fl);
    char hex[24];
    if (!sp || fl - (size_t)(sp - fp) - 1 >= sizeof hex)
        return 1;
    memcpy(hex, sp + 1, fl - (size_t)(sp - fp) - 1);
    hex[fl - (size_t)(sp - fp) - 1] = '\0';
    r->input = strtoull(hex, NULL, 16);
    if (intern(&x->versions, fp, (size_t)(sp - fp), &r->version) ||
        intern(&x->options, opt, ol, &r->options) || jindex_put(x, r, src, sl, id, il))
        return -1;
    return 0;
}

/* The offset just after the next "\n@dyssync-record " at or after from
 * (the start of the next record), sz when there is none; read in blocks
 * that overlap by the magic's length. */
static size_t next_record(int fd, size_t from, size_t sz)
{
    static const char magic[] = "\n" RECORD_MAGIC;
    size_t ml = sizeof magic - 1;
    char blk[65536];
    while (from < sz) {
        ssize_t k = pread(fd, blk, sizeof blk, (off_t)from);
        if (k <= 0)
            return sz;
        const char *hit = memmem(blk, (size_t)k, magic, ml);
        if (hit)
            return from + (size_t)(hit - blk) + 1;
        if ((size_t)k < ml || from + (size_t)k >= sz)
            return sz;
        from += (size_t)k - ml + 1;
    }
    return sz;
}

/* Every record of one journal into the index.  A record counts when its
 * header parses, its payload is all there, its checksum matches and it
 * ends with "@end"; anything else is passed over to the next record's
 * magic at the start of a line: a torn tail (a run killed mid-write, a
 * power cut) is normal, a damaged record in the middle (a flipped byte) is
 * said, with the file and byte.  With `repair` (the writer of the
 * directory, holding its lock) a torn tail is cut off, so that it is not
 * said again on every later run.  -1 only when out of memory. */
static int jindex_scan_file(jindex *x, uint32_t file, uint32_t shard, int say, int repair)
{
    const char *path = x->files.v[file];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size == 0) {
        if (fd >= 0)
            close(fd);
        return 0; /* unreadable is the same as missing: its studies are redone */
    }
    /* read record by record, not mapped whole: a journal of 100,000
     * studies is gigabytes, and mapped it would count as this process's
     * memory */
    size_t sz = (size_t)sb.st_size, ml = strlen(RECORD_MAGIC), pos = 0, cut = sz, cap = 0;
    char *pl = NULL;
    int rc = 0;
    while (pos < sz && rc == 0) {
        size_t rest = sz - pos;
        char hb[RECORD_HEADER_MAX + 1];
        ssize_t hk = pread(fd, hb, rest < RECORD_HEADER_MAX ? rest : RECORD_HEADER_MAX, (off_t)pos);
        const char *nl = hk > 0 ? memchr(hb, '\n', (size_t)hk) : NULL;
        unsigned run = 0;
        size_t len = 0, body = nl ? (size_t)(nl - hb) + 1 : 0;
        unsigned long long sum = 0;
        int hn = 0, good = 0;
        if (nl && body > ml && !memcmp(hb, RECORD_MAGIC, ml)) {
            hb[body - 1] = '\0';
            if (sscanf(hb + ml, "%u %zu %llx%n", &run, &len, &sum, &hn) != 3 ||
                (size_t)hn + ml != body - 1)
                hn = 0;
        }
        if (hn && len <= rest - body && len <= UINT32_MAX && len >= 5) {
            if (cap < len) {
                char *nb = realloc(pl, len);
                if (!nb) {
                    rc = -1;
                    break;
                }
                pl = nb;
                cap = len;
            }
            char check[RECORD_HEADER_MAX];
            uint64_t s2 = 0;
            good = pread(fd, pl, len, (off_t)(pos + body)) == (ssize_t)len;
            if (good)
                record_header(check, sizeof check, run, pl, len, &s2);
            good = good && s2 == sum && !memcmp(pl + len - 5, "@end\n", 5);
        }
        if (good) {
            jrec r = {.off = pos + body, .len = (uint32_t)len, .run = run,
                      .file = file, .shard = shard};
            if (run > x->max_run)
                x->max_run = run;
            int a = jindex_add_payload(x, &r, pl, len);
            if (a < 0)
                rc = -1;
            else if (a == 2)
                x->n_old++;
            else if (a > 0)
                x->n_foreign++;
            pos += body + len;
            continue;
        }
        /* lost: on to the next record's magic at the start of a line.  A
         * record whose header reads and whose bytes are all there, or with
         * a record after it, is damaged; the tail is otherwise incomplete
         * (a run killed while writing, a power cut), and only that is cut. */
        size_t next = next_record(fd, pos + 1, sz);
        if (next < sz || (hn && len <= rest - body)) {
            if (say)
                cli_error("%s: byte %zu: a damaged record (its checksum or header does not "
                          "match): ignored; its study's newest whole record counts, if any; "
                          "else --resume analyses it again", path, pos);
        } else {
            cut = pos;
            if (say)
                cli_error("%s: byte %zu: an incomplete record at the end (a run stopped while "
                          "writing it): ignored; its study's newest whole record counts, if "
                          "any; else --resume analyses it again", path, pos);
        }
        pos = next;
    }
    free(pl);
    close(fd);
    if (repair && cut < sz && truncate(path, (off_t)cut) != 0) {
        /* left as it is: it is ignored all the same, and said again */
    }
    return rc;
}

/* The run number in a journal's name, 0 when it is not one. */
static unsigned journal_run(const char *name)
{
    unsigned run;
    int worker, n = 0;
    if (sscanf(name, "journal-%u-%d.log%n", &run, &worker, &n) == 2 && n &&
        name[n] == '\0')
        return run;
    return 0;
}

/* The journals of one output directory's parts/ into the index (in name
 * order: by run, then worker), only those of run `only` when it is not 0.
 * *old counts part files of format 3 (one file per study), which are not
 * read.  -1 (errno) when parts/ cannot be read or out of memory. */
static int jindex_scan_dir(jindex *x, const char *outdir, uint32_t shard, unsigned only,
                           int say, int repair, size_t *old)
{
    char pdir[4096];
    snprintf(pdir, sizeof pdir, "%s/parts", outdir);
    DIR *d = opendir(pdir);
    if (!d)
        return -1;
    strs names = {0};
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) && rc == 0) {
        unsigned run = journal_run(e->d_name);
        const char *dot = strrchr(e->d_name, '.');
        if (old && dot && !strcmp(dot, ".part"))
            (*old)++;
        if (run > x->max_run)
            x->max_run = run; /* also a journal holding no valid record */
        if (run && (!only || run == only))
            rc = strs_add(&names, e->d_name);
    }
    closedir(d);
    if (names.n > 1) /* qsort of no array: NULL, undefined */
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n && rc == 0; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", pdir, names.v[i]);
        size_t foreign = x->n_foreign;
        rc = strs_add(&x->files, path);
        if (rc == 0)
            rc = jindex_scan_file(x, (uint32_t)(x->files.n - 1), shard, say, repair);
        if (say && x->n_foreign > foreign)
            cli_error("%s: %zu records of another format than %.*s (another dyssync's): not "
                      "read; their studies count as not done", path, x->n_foreign - foreign,
                      (int)strlen(PART_FORMAT_LINE) - 1, PART_FORMAT_LINE);
    }
    strs_free(&names);
    if (rc)
        errno = ENOMEM;
    return rc;
}

/* The payload of the study of record r (in buf, grown as needed); -1 when
 * it cannot be read back as it was indexed.  Its checksum was verified
 * when the index was made, by this process and under the lock; a second
 * pass over every payload cost 0.5 % of a batch's CPU, so only its ends
 * are checked again. */
static int jrec_read(const jindex *x, const jrec *r, int *fds, char **buf, size_t *cap)
{
    if (fds[r->file] < 0 && (fds[r->file] = open(x->files.v[r->file], O_RDONLY | O_CLOEXEC)) < 0 &&
        errno == EMFILE) {
        /* many journals (many runs into one directory): start over */
        for (size_t i = 0; i < x->files.n; i++)
            if (fds[i] >= 0) {
                close(fds[i]);
                fds[i] = -1;
            }
        fds[r->file] = open(x->files.v[r->file], O_RDONLY | O_CLOEXEC);
    }
    if (fds[r->file] < 0)
        return -1;
    if (*cap < r->len) {
        char *nb = realloc(*buf, r->len);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = r->len;
    }
    size_t fl = strlen(PART_FORMAT_LINE);
    if (pread(fds[r->file], *buf, r->len, (off_t)r->off) != (ssize_t)r->len || r->len < fl + 5 ||
        memcmp(*buf, PART_FORMAT_LINE, fl) || memcmp(*buf + r->len - 5, "@end\n", 5))
        return -1;
    return 0;
}

/* The part of one study: its header, then the studies.csv row, its
 * segments.csv rows, its results.jsonl line (or its errors.csv row and an
 * error row of studies.csv), each section introduced by a marker line. */
static void write_part(FILE *f, dys_ctx *ctx, const char *source, uint64_t input,
                       const char *options, const dys_result *r, const char *error)
{
    fprintf(f, PART_FORMAT_LINE "%s\n%s\n%s %016llx\n%s\n", source, r ? r->study_id : "",
            dys_version(), (unsigned long long)input, options);
    if (!r) {
        fputs("@error\n", f);
        dys_write_csv_field(f, source);
        fputc(',', f);
        dys_write_csv_field(f, error);
        fputs("\n@studies\n", f);
        dys_write_csv_error_row(ctx, f, source, error, NULL);
        fputs("@end\n", f);
        return;
    }
    fputs("@studies\n", f);
    dys_write_csv_row(ctx, f, r, NULL);
    fputs("@segments\n", f);
    dys_write_segments_csv_rows(ctx, f, r);
    fputs("@json\n", f);
    dys_write_json(ctx, f, r);
    fputs("@end\n", f);
}

/* ---- assembling the tables -------------------------------------------------- */

/* One study of a table: its record, and what only the whole table knows
 * (a duplicate id). */
typedef struct {
    const char *source;
    const jrec *rec; /* NULL: none */
    int duplicate;
} row;

static int cmp_row_id(const void *a, const void *b)
{
    const row *x = *(row *const *)a, *y = *(row *const *)b;
    int c = strcmp(x->rec->id, y->rec->id);
    return c ? c : strcmp(x->source, y->source);
}

/* A figure under its readable name: a hard link to the part's image (a
 * copy across file systems), replacing an older one atomically. */
static int place_figure(const char *from, const char *to)
{
    char tmp[8300];
    snprintf(tmp, sizeof tmp, "%s.tmp.link", to);
    unlink(tmp);
    if (link(from, tmp) != 0) {
        FILE *in = fopen(from, "rb"), *out = in ? fopen(tmp, "wb") : NULL;
        char buf[65536];
        size_t n;
        int bad = !out;
        while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0)
            bad = fwrite(buf, 1, n, out) != n;
        if (in)
            fclose(in);
        if (out && fclose(out) != 0)
            bad = 1;
        if (bad) {
            unlink(tmp);
            return -1;
        }
    }
    return rename(tmp, to);
}

/* Where cell k of a CSV line starts (as dys_write_csv_field writes cells:
 * a quoted cell doubles its quotes, so toggling on every quote leaves it
 * quoted); len when the line has fewer cells. */
static size_t csv_cell_start(const char *line, size_t len, int k)
{
    size_t i = 0;
    for (int c = 0; c < k; c++) {
        int quoted = 0;
        while (i < len && (quoted || (line[i] != ',' && line[i] != '\n')))
            quoted ^= line[i++] == '"';
        if (i >= len || line[i] != ',')
            return len;
        i++;
    }
    return i;
}

/* The column of duplicate_id in studies.csv, figure's being the next, read
 * from the library's header rather than counted here, so that the table's
 * layout has one definition; -1 when it cannot be found. */
static int studies_extra_column(dys_ctx *ctx)
{
    char *h = NULL;
    size_t hl = 0;
    FILE *m = open_memstream(&h, &hl);
    if (!m)
        return -1;
    dys_write_csv_header(ctx, m);
    int col = -1;
    if (fclose(m) == 0)
        for (int k = 0; col < 0; k++) {
            size_t a = csv_cell_start(h, hl, k);
            if (a >= hl)
                break;
            if (!strncmp(h + a, "duplicate_id,figure", 19))
                col = k;
        }
    free(h);
    return col;
}

/* The studies.csv row of a part has the table-level cells duplicate_id and
 * figure empty (dys_write_csv_row without extras), at column `col` and
 * after; write it with them filled.  They are no longer the row's last
 * cells (the lead target's and the factors' follow), so they are found by
 * their column. */
static void put_studies_row(FILE *to, const char *line, size_t len, const row *w,
                            const char *figure, int col)
{
    size_t a = col >= 0 ? csv_cell_start(line, len, col) : len;
    if (a + 1 < len && line[a] == ',' && (line[a + 1] == ',' || line[a + 1] == '\n')) {
        fwrite(line, 1, a, to);
        if (w->duplicate)
            fputs("yes", to);
        fputc(',', to);
        dys_write_csv_field(to, figure);
        fwrite(line + a + 1, 1, len - a - 1, to);
    } else
        fwrite(line, 1, len, to);
}

/* Append the sections of one study's payload to the open tables. */
static void append_payload(const row *w, const char *pl, size_t len, FILE *st, FILE *sg,
                           FILE *js, FILE *er, int *failed, const char *figure, int col)
{
    const char *p = pl, *end = pl + len, *line;
    size_t ll;
    FILE *to = NULL;
    for (int lineno = 1; (p = next_line(p, end, &line, &ll)); lineno++) {
        ll++; /* with its '\n' */
        if (lineno <= PART_HEADER_LINES)
            continue;
        if (ll == 9 && !memcmp(line, "@studies\n", 9))
            to = st;
        else if (ll == 10 && !memcmp(line, "@segments\n", 10))
            to = sg;
        else if (ll == 6 && !memcmp(line, "@json\n", 6))
            to = js;
        else if (ll == 7 && !memcmp(line, "@error\n", 7)) {
            to = er;
            (*failed)++;
        } else if (ll == 5 && !memcmp(line, "@end\n", 5))
            break;
        else if (to == st)
            put_studies_row(st, line, ll, w, figure, col);
        else if (to)
            fwrite(line, 1, ll, to);
    }
}

typedef struct {
    size_t studies, missing, failed, duplicates;
} table_counts;

/* Assemble the tables of OUTDIR (and its figures/, from the parts' images
 * in the output directories `partdirs`, by the shard of each record) from
 * the records of `sources` in the index; studies without one are counted
 * as missing.  -1 when a table cannot be written. */
static int assemble(dys_ctx *ctx, const char *outdir, char **sources, size_t n,
                    const jindex *x, char **partdirs, table_counts *c, char *err,
                    size_t errcap)
{
    static const char *const names[4] = {"studies.csv", "segments.csv", "results.jsonl",
                                          "errors.csv"};
    memset(c, 0, sizeof *c);
    c->studies = n;
    row *rows = calloc(n ? n : 1, sizeof *rows);
    row **by_id = calloc(n ? n : 1, sizeof *by_id);
    int *fds = malloc((x->files.n ? x->files.n : 1) * sizeof *fds);
    if (!rows || !by_id || !fds) {
        free(rows);
        free(by_id);
        free(fds);
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < x->files.n; i++)
        fds[i] = -1;
    size_t nid = 0;
    for (size_t i = 0; i < n; i++) {
        rows[i].source = sources[i];
        rows[i].rec = jindex_get(x, sources[i]);
        c->missing += !rows[i].rec;
        if (rows[i].rec && rows[i].rec->id[0])
            by_id[nid++] = &rows[i];
    }
    /* study ids shared by several studies: flagged, and their figures get
     * the path's hash in the name so that none overwrites another */
    qsort(by_id, nid, sizeof *by_id, cmp_row_id);
    for (size_t i = 0; i < nid; i++)
        if ((i > 0 && !strcmp(by_id[i - 1]->rec->id, by_id[i]->rec->id)) ||
            (i + 1 < nid && !strcmp(by_id[i + 1]->rec->id, by_id[i]->rec->id))) {
            by_id[i]->duplicate = 1;
            c->duplicates++;
        }
    free(by_id);
    dys_outfile of[4];
    memset(of, 0, sizeof of);
    int bad = 0;
    for (int t = 0; t < 4 && !bad; t++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", outdir, names[t]);
        if (dys_outfile_open(ctx, &of[t], path) != DYS_OK) {
            snprintf(err, errcap, "%s", dys_ctx_error(ctx));
            for (int u = 0; u < t; u++)
                dys_outfile_abort(&of[u]);
            bad = 1;
        }
    }
    int failed = 0, figs_dir = 0, col = studies_extra_column(ctx);
    char *buf = NULL;
    size_t cap = 0;
    if (!bad) {
        dys_write_csv_header(ctx, of[0].f);
        dys_write_segments_csv_header(ctx, of[1].f);
        fputs("source,message\n", of[3].f);
    }
    for (size_t i = 0; i < n && !bad; i++) {
        row *w = &rows[i];
        if (!w->rec)
            continue;
        if (jrec_read(x, w->rec, fds, &buf, &cap) != 0) {
            c->missing++;
            continue;
        }
        char png[4096], figure[1100] = "";
        part_path(partdirs[w->rec->shard], w->source, "png", png, sizeof png);
        if (w->rec->id[0] && access(png, F_OK) == 0) {
            char id[1024];
            snprintf(id, sizeof id, "%s", w->rec->id);
            for (char *ch = id; *ch; ch++)
                if (*ch == '/' || *ch == '\\' || (unsigned char)*ch < 32)
                    *ch = '_';
            if (w->duplicate)
                snprintf(figure, sizeof figure, "figures/%.900s-%08llx.png", id,
                         (unsigned long long)(fnv1a(w->source) >> 32));
            else
                snprintf(figure, sizeof figure, "figures/%.900s.png", id);
            char dst[8192];
            snprintf(dst, sizeof dst, "%s/figures", outdir);
            if (!figs_dir++ && mkdir(dst, 0777) != 0 && errno != EEXIST)
                figure[0] = '\0';
            snprintf(dst, sizeof dst, "%s/%s", outdir, figure);
            if (figure[0] && place_figure(png, dst) != 0) {
                cli_error("%s: figure not placed: %s", dst, strerror(errno));
                figure[0] = '\0';
            }
        }
        append_payload(w, buf, w->rec->len, of[0].f, of[1].f, of[2].f, of[3].f, &failed,
                       figure, col);
    }
    free(buf);
    for (size_t i = 0; i < x->files.n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    free(rows);
    if (bad)
        return -1;
    c->failed = (size_t)failed;
    for (int t = 0; t < 4; t++)
        if (dys_outfile_commit(ctx, &of[t]) != DYS_OK) {
            snprintf(err, errcap, "%s", dys_ctx_error(ctx));
            for (int u = t + 1; u < 4; u++)
                dys_outfile_abort(&of[u]);
            return -1;
        }
    return 0;
}

/* After the tables are committed: the journals of OUTDIR none of whose
 * records is any study's newest (every study in them analysed again since)
 * are removed, so that rerunning into one directory does not grow it
 * without end.  A kill at any point only leaves a journal that is not
 * needed. */
static void journals_prune(const jindex *x, unsigned keep_run)
{
    char *used = calloc(x->files.n ? x->files.n : 1, 1);
    if (!used)
        return;
    for (size_t i = 0; i < x->cap; i++)
        if (x->slot[i].source)
            used[x->slot[i].file] = 1;
    for (size_t f = 0; f < x->files.n; f++) {
        const char *base = strrchr(x->files.v[f], '/');
        if (!used[f] && journal_run(base ? base + 1 : x->files.v[f]) != keep_run)
            unlink(x->files.v[f]);
    }
    free(used);
}

/* ---- the run manifest, the lock, signals ------------------------------------ */

typedef struct {
    const char *command; /* "batch" or "merge" */
    const char *version; /* the engine's, or the shards' */
    const char *options;
    char started[32], ended[32];
    char **inputs;
    size_t n_inputs;
    char shard[48];      /* "K/N", "" */
    int complete, interrupted;
    size_t studies, analysed, reused, failed, not_done, duplicates;
} manifest;

static void utc_now(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* OUTDIR/run.json, one key per line, written atomically: at the start
 * (complete false, no end time) and again at the end. */
static int manifest_write(dys_ctx *ctx, const char *outdir, const manifest *m)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/run.json", outdir);
    dys_outfile of;
    if (dys_outfile_open(ctx, &of, path) != DYS_OK)
        return -1;
    FILE *f = of.f;
    fprintf(f, "{\n  \"dyssync_version\": ");
    dys_write_json_string(f, m->version);
    fprintf(f, ",\n  \"command\": \"%s\",\n  \"options\": ", m->command);
    dys_write_json_string(f, m->options);
    fprintf(f, ",\n  \"started\": \"%s\",\n  \"ended\": ", m->started);
    if (m->ended[0])
        fprintf(f, "\"%s\"", m->ended);
    else
        fputs("null", f);
    fprintf(f, ",\n  \"complete\": %s,\n  \"interrupted\": %s,\n  \"shard\": ",
            m->complete ? "true" : "false", m->interrupted ? "true" : "false");
    if (m->shard[0])
        fprintf(f, "\"%s\"", m->shard);
    else
        fputs("null", f);
    fputs(",\n  \"inputs\": [", f);
    for (size_t i = 0; i < m->n_inputs; i++) {
        fputs(i ? ", " : "", f);
        dys_write_json_string(f, m->inputs[i]);
    }
    fprintf(f, "],\n  \"studies\": %zu,\n  \"analysed\": %zu,\n  \"reused\": %zu,\n"
               "  \"failed\": %zu,\n  \"not_done\": %zu,\n  \"duplicate_ids\": %zu\n}\n",
            m->studies, m->analysed, m->reused, m->failed, m->not_done, m->duplicates);
    return dys_outfile_commit(ctx, &of) == DYS_OK ? 0 : -1;
}

/* The raw (still JSON-escaped) text of a string key of OUTDIR/run.json,
 * or of a true/false key ("true"); -1 when the file or the key is absent. */
static int manifest_get(const char *outdir, const char *key, char *out, size_t cap)
{
    char path[4096], line[8192], pat[128];
    snprintf(path, sizeof path, "%s/run.json", outdir);
    snprintf(pat, sizeof pat, "  \"%s\": ", key);
    FILE *f = fopen(path, "r");
    int found = -1;
    while (f && found < 0 && fgets(line, sizeof line, f)) {
        size_t pl = strlen(pat);
        if (strncmp(line, pat, pl))
            continue;
        const char *v = line + pl;
        size_t n = 0;
        if (*v == '"')
            for (v++; *v && *v != '"' && n + 1 < cap; v++) {
                if (*v == '\\' && v[1])
                    out[n++] = *v++;
                out[n++] = *v;
            }
        else {
            n = strcspn(v, ",\n");
            if (n >= cap)
                n = cap - 1;
            memcpy(out, v, n);
        }
        out[n] = '\0';
        found = 0;
    }
    if (f)
        fclose(f);
    return found;
}

/* One writer per OUTDIR: an exclusive lock on OUTDIR/.lock, held until
 * the process ends (the kernel drops it even after SIGKILL), holding who
 * took it.  -1 (said) when another process holds it. */
static int lock_outdir(const char *outdir, const char *command)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/.lock", outdir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        cli_error("%s: cannot lock: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char who[512] = "";
        ssize_t n = pread(fd, who, sizeof who - 1, 0);
        who[n > 0 ? n : 0] = '\0';
        who[strcspn(who, "\n")] = '\0';
        cli_error("%s is being written by another dyssync (%s); wait for it to end or "
                  "choose another -o", outdir, who[0] ? who : "holder unknown");
        close(fd);
        return -1;
    }
    char host[256] = "?", when[32], who[600];
    gethostname(host, sizeof host - 1);
    utc_now(when, sizeof when);
    int n = snprintf(who, sizeof who, "dyssync %s, pid %ld on %s, since %s\n", command,
                     (long)getpid(), host, when);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, who, (size_t)n, 0) != n) {
        /* the lock holds all the same; only the note about it is lost */
    }
    return fd;
}

static volatile sig_atomic_t stop_signal;

/* The first SIGINT/SIGTERM asks the batch to stop after the studies in
 * flight; SA_RESETHAND makes a second one end it at once. */
static void on_stop(int sig)
{
    stop_signal = sig;
}

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
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

/* Why a study done before is analysed again on --resume. */
enum redo { REDO_NONE, REDO_NEW, REDO_INPUT, REDO_OPTIONS, REDO_VERSION, REDO_FIGURE, N_REDO };

static void remove_temporaries(const char *outdir, const char *parts)
{
    /* temporaries of a killed run: never renamed, never complete */
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

/* What a batch was asked to do. */
typedef struct {
    dys_read_options ro;
    dys_params p;
    const char *outdir, *map;
    long jobs, sk, sn; /* sn 0: no shards */
    int resume, reanalyse, plots, quiet;
    char **inputs;
    int n_inputs;
    char options[4096]; /* what makes a result: dys_params_text, the reading options */
} batch_opts;

/* The command line into o; -1 when the batch is to run, else the exit
 * status (help, a usage error). */
static int batch_parse(int argc, char **argv, dys_ctx *ctx, batch_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"resume", no_argument, NULL, 'r'},
        {"reanalyse", no_argument, NULL, 'R'},
        {"shard", required_argument, NULL, 'S'},
        {"plots", required_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        CLI_READ_LONGOPTS,
        CLI_ANALYSIS_LONGOPTS,
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    dys_read_options_defaults(&o->ro);
    dys_params_defaults(&o->p);
    o->map = "default";
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
        int r = cli_read_option(opt, optarg, &o->ro, ctx);
        if (r > 0 && opt == 'M')
            o->map = optarg;
        if (r == 0)
            r = cli_analysis_option(opt, optarg, &o->p, "batch");
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        switch (opt) {
        case 'o': o->outdir = optarg; break;
        case 'j':
            if (cli_long(optarg, 1, 1024, &o->jobs))
                return cli_usage("batch", "-j takes 1..1024");
            break;
        case 'r': o->resume = 1; break;
        case 'R': o->reanalyse = 1; break;
        case 'S':
            if (parse_shard(optarg, &o->sk, &o->sn))
                return cli_usage("batch", "--shard takes K/N with 1 <= K <= N");
            break;
        case 'P':
            if (strcmp(optarg, "none") && strcmp(optarg, "all"))
                return cli_usage("batch", "--plots takes none or all");
            o->plots = !strcmp(optarg, "all");
            break;
        case 'q': o->quiet = 1; break;
        case 'h': return cli_help("batch");
        default: return cli_usage("batch", "unknown option");
        }
    }
    if (!o->outdir || optind >= argc)
        return cli_usage("batch", "needs -o OUTDIR and at least one INPUT");
    if (o->plots && !dys_figures_available())
        return cli_usage("batch", "--plots all: this dyssync was built without figures "
                                  "(meson -Dfigures=disabled)");
    if (o->ro.n_qrs_onsets)
        return cli_usage("batch", "--qrs-onsets gives one recording's QRS onsets: give it to "
                                  "analyze or plot with that study");
    if (o->reanalyse && !o->resume)
        return cli_usage("batch", "--reanalyse goes with --resume (without it every study is "
                                  "analysed anyway)");
    if (!o->sn && getenv("SLURM_ARRAY_TASK_ID") && getenv("SLURM_ARRAY_TASK_COUNT")) {
        long id = strtol(getenv("SLURM_ARRAY_TASK_ID"), NULL, 10);
        long min = getenv("SLURM_ARRAY_TASK_MIN") ? strtol(getenv("SLURM_ARRAY_TASK_MIN"), NULL, 10) : 0;
        o->sn = strtol(getenv("SLURM_ARRAY_TASK_COUNT"), NULL, 10);
        o->sk = id - min + 1;
        if (o->sn < 1 || o->sk < 1 || o->sk > o->sn) {
            cli_error("SLURM_ARRAY_TASK_ID/COUNT/MIN give no valid shard (%ld of %ld)", o->sk,
                      o->sn);
            return EXIT_USAGE;
        }
    }
    o->inputs = argv + optind;
    o->n_inputs = argc - optind;
    size_t ol = dys_params_text(&o->p, o->options, sizeof o->options);
    /* the contour reading options change the curves: in the text only
     * when not the default, so the runs of earlier versions still match */
    char ro_text[64];
    cli_read_options_text(&o->ro, ro_text, sizeof ro_text);
    snprintf(o->options + ol, sizeof o->options - ol,
             " map=%s max-file-bytes=%zu max-rows=%zu%s", o->map, o->ro.max_file_bytes,
             o->ro.max_rows, ro_text);
    return -1;
}

/* The studies under inputs: discovered, normalised, sorted, each once.
 * -1 (said) when an input cannot be read. */
static int find_studies(char *const *inputs, int n_inputs, strs *studies)
{
    dirset seen = {0};
    for (int i = 0; i < n_inputs; i++)
        if (discover(inputs[i], studies, &seen) != 0) {
            cli_error("%s: %s", inputs[i], strerror(errno));
            free(seen.v);
            return -1;
        }
    free(seen.v);
    for (size_t i = 0; i < studies->n; i++)
        normalise_path(studies->v[i]);
    if (studies->n > 1)
        qsort(studies->v, studies->n, sizeof *studies->v, cmp_str);
    /* drop duplicates (an input given twice, or as "dir" and "dir/") */
    size_t w = 0;
    for (size_t i = 0; i < studies->n; i++) {
        if (w && !strcmp(studies->v[w - 1], studies->v[i]))
            free(studies->v[i]);
        else
            studies->v[w++] = studies->v[i];
    }
    studies->n = w;
    return 0;
}

int cli_find_studies(char *const *inputs, int n_inputs, char ***paths, size_t *n)
{
    strs s = {0};
    if (find_studies(inputs, n_inputs, &s) != 0) {
        strs_free(&s);
        return -1;
    }
    *paths = s.v;
    *n = s.n;
    return 0;
}

/* The studies of this run: cli_find_studies's, this shard's slice.  -1
 * (said) when an input cannot be read. */
static int batch_studies(const batch_opts *o, strs *studies)
{
    if (find_studies(o->inputs, o->n_inputs, studies) != 0)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < studies->n; i++) {
        if (!o->sn || (long)(i % (size_t)o->sn) == o->sk - 1)
            studies->v[k++] = studies->v[i];
        else
            free(studies->v[i]);
    }
    studies->n = k;
    return 0;
}

/* Part files of format 3 (one file per study, before journals) in an
 * output directory: they are not read, and a resume or a merge that would
 * silently leave their studies out is refused, naming the way out. */
static void say_old_parts(const char *dir, size_t n, const char *how)
{
    cli_error("%s: its parts/ holds %zu part files of format 3 (one file per study, written "
              "by an earlier dyssync); this dyssync keeps each study in a journal (format 5) "
              "and does not read them: %s", dir, n, how);
}

/* Records of format 4 in an output directory: their studies.csv rows have
 * fewer columns than this dyssync's, and a table mixing them would be
 * ragged, so they are not read, and a resume or a merge that would leave
 * their studies out (or, reading them, make that table) is refused. */
static void say_old_records(const char *dir, size_t n, const char *how)
{
    cli_error("%s: its parts/ holds %zu records of format 4 (journals written by an earlier "
              "dyssync, whose studies.csv rows lack this dyssync's last columns); this "
              "dyssync writes format 5 and does not read them: %s", dir, n, how);
}

static size_t remove_old_parts(const char *parts)
{
    size_t n = 0;
    DIR *d = opendir(parts);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", parts, e->d_name);
        if (dot && !strcmp(dot, ".part") && unlink(path) == 0)
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

/* --resume: the temporaries of a killed run go; a resume with other options
 * than the records were made with would mix two analyses in one table, so
 * it is refused (0: go on, else the exit status), unless --reanalyse. */
static int resume_check(const batch_opts *o, const strs *studies, const jindex *x,
                        size_t old_parts)
{
    char parts[4096];
    snprintf(parts, sizeof parts, "%s/parts", o->outdir);
    remove_temporaries(o->outdir, parts);
    if (old_parts) {
        say_old_parts(o->outdir, old_parts, "finish this run with the dyssync that began it, "
                      "or run without --resume to analyse every study again");
        return EXIT_USAGE;
    }
    if (x->n_old) {
        say_old_records(o->outdir, x->n_old, "finish this run with the dyssync that began it, "
                        "or run without --resume to analyse every study again");
        return EXIT_USAGE;
    }
    size_t other = 0;
    char diff[1024] = "";
    for (size_t i = 0; i < studies->n; i++) {
        const jrec *h = jindex_get(x, studies->v[i]);
        const char *opts = h ? x->options.v[h->options] : NULL;
        if (h && strcmp(opts, o->options) && !strcmp(x->versions.v[h->version], dys_version()) &&
            other++ == 0)
            options_diff(opts, o->options, diff, sizeof diff);
    }
    if (other && !o->reanalyse) {
        cli_error("%s: %zu studies there were analysed with other options: %s. Resume with "
                  "the same options, or add --reanalyse to analyse those studies again with "
                  "these", o->outdir, other, diff);
        return EXIT_USAGE;
    }
    return 0;
}

/* What the run did, shared by the threads (updated atomically). */
typedef struct {
    size_t done, analysed, redo[N_REDO];
    int io_failed;
    char io_err[1024]; /* the first write failure, said at the end */
    const jindex *ix;  /* the records before this run (read-only while it runs) */
    unsigned run;      /* this run's number: its journals' names, its records' order */
} run_state;

/* One study: kept when --resume finds its record made by this run's
 * engine, input and options; else read, analysed, drawn and appended to
 * this worker's journal. */
static void batch_one(dys_ctx *tc, const batch_opts *o, const char *src, run_state *st,
                      journal_writer *jw)
{
    char png[4096];
    part_path(o->outdir, src, "png", png, sizeof png);
    uint64_t input = input_hash(src);
    enum redo why = REDO_NEW;
    const jrec *h = o->resume ? jindex_get(st->ix, src) : NULL;
    if (h)
        why = strcmp(st->ix->versions.v[h->version], dys_version())    ? REDO_VERSION
              : h->input != input || !input                            ? REDO_INPUT
              : strcmp(st->ix->options.v[h->options], o->options)      ? REDO_OPTIONS
              : o->plots && h->id[0] && access(png, F_OK) != 0         ? REDO_FIGURE
                                                                       : REDO_NONE;
#pragma omp atomic
    st->redo[why]++;
    if (why == REDO_NONE)
        return;
    dys_study *s = NULL;
    dys_result *r = NULL;
    char err[1024] = "";
    if (!tc)
        snprintf(err, sizeof err, "out of memory");
    else if (dys_study_read(tc, src, &o->ro, &s) != DYS_OK ||
             dys_analyze(tc, s, &o->p, &r) != DYS_OK)
        snprintf(err, sizeof err, "%s", dys_ctx_error(tc));
    /* the part's image, placed under the study's name by assemble(); an
     * image of an earlier analysis must not outlive it */
    unlink(png);
    if (r && o->plots) {
        dys_plot_options po;
        dys_plot_options_defaults(&po);
        if (dys_plot_write(tc, s, r, &po, png) != DYS_OK) {
#pragma omp critical(batch_err)
            cli_error("%s: figure not written: %s", src, dys_ctx_error(tc));
        }
    }
    /* the record is composed in memory, so that it reaches the journal
     * with one write, whole or (when the write fails) not at all */
    char *pl = NULL, jerr[1024] = "out of memory";
    size_t pll = 0;
    FILE *mf = tc ? open_memstream(&pl, &pll) : NULL;
    int wrote = 0;
    if (mf) {
        write_part(mf, tc, src, input, o->options, r, err);
        wrote = fclose(mf) == 0 && journal_append(jw, o->outdir, st->run, omp_get_thread_num(),
                                                  pl, pll, jerr, sizeof jerr) == 0;
    }
    free(pl);
    if (!wrote) {
#pragma omp critical(batch_io)
        {
            if (!st->io_err[0])
                snprintf(st->io_err, sizeof st->io_err, "%s", jerr);
#pragma omp atomic write
            st->io_failed = 1;
        }
    } else {
#pragma omp atomic
        st->analysed++;
    }
    dys_result_free(r);
    dys_study_free(s);
}

/* Every study, in parallel (dynamic scheduling: studies differ in size),
 * with a progress line on a terminal.  After a write failure (a full disk)
 * the rest would fail too, and after SIGINT/SIGTERM the user wants out:
 * the studies not started are left for --resume. */
static void batch_run(const batch_opts *o, const strs *studies, run_state *st)
{
    if (o->jobs > 0)
        omp_set_num_threads((int)o->jobs);
    int tty = !o->quiet && isatty(2);
    size_t n = studies->n;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
#pragma omp parallel
    {
        dys_ctx *tc = dys_ctx_new();
        journal_writer jw = {.fd = -1};
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < n; i++) {
            int stop;
#pragma omp atomic read
            stop = st->io_failed;
            if (stop || stop_signal)
                continue;
            batch_one(tc, o, studies->v[i], st, &jw);
            size_t d;
#pragma omp atomic capture
            d = ++st->done;
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
        char jerr[1024];
        if (journal_close(&jw, jerr, sizeof jerr) != 0) {
#pragma omp critical(batch_io)
            {
                if (!st->io_err[0])
                    snprintf(st->io_err, sizeof st->io_err, "%s", jerr);
#pragma omp atomic write
                st->io_failed = 1;
            }
        }
        dys_ctx_free(tc);
    }
    if (tty)
        fputc('\n', stderr);
}

/* The tables of what is done (also after a signal or a write failure),
 * run.json with the counts, and what to say; returns the exit status. */
static int batch_finish(dys_ctx *ctx, const batch_opts *o, const strs *studies,
                        const run_state *st, jindex *ix, manifest *man)
{
    size_t n = studies->n;
    if (o->resume && n - st->redo[REDO_NEW] > 0)
        cli_error("resume: %zu studies kept; analysed again: %zu with a changed input, %zu "
                  "made with other options, %zu by another dyssync version, %zu without "
                  "their figure; %zu not done before",
                  st->redo[REDO_NONE], st->redo[REDO_INPUT], st->redo[REDO_OPTIONS],
                  st->redo[REDO_VERSION], st->redo[REDO_FIGURE], st->redo[REDO_NEW]);
    /* this run's records join the index, where they win by their run */
    char *pd[1] = {(char *)o->outdir};
    table_counts tc = {0};
    char aerr[1024] = "";
    int bad_tables = 0;
    if (jindex_scan_dir(ix, o->outdir, 0, st->run, 1, 1, NULL) != 0) {
        bad_tables = 1;
        snprintf(aerr, sizeof aerr, "%s/parts: %s", o->outdir, strerror(errno));
    } else
        bad_tables = assemble(ctx, o->outdir, studies->v, n, ix, pd, &tc, aerr, sizeof aerr);
    man->analysed = st->analysed;
    man->reused = st->redo[REDO_NONE];
    man->failed = tc.failed;
    man->not_done = tc.missing;
    man->duplicates = tc.duplicates;
    man->interrupted = stop_signal != 0;
    man->complete = !bad_tables && !tc.missing && !st->io_failed && !stop_signal;
    utc_now(man->ended, sizeof man->ended);
    if (manifest_write(ctx, o->outdir, man) != 0 && !bad_tables) {
        bad_tables = 1;
        snprintf(aerr, sizeof aerr, "%s", dys_ctx_error(ctx));
    }
    /* a record of another format is another dyssync's: its journal stays */
    if (!bad_tables && !ix->n_foreign)
        journals_prune(ix, st->run);
    if (tc.duplicates)
        cli_error("warning: %zu studies share their study_id with another (flagged "
                  "duplicate_id in %s/studies.csv; their figures carry the path's hash)",
                  tc.duplicates, o->outdir);
    if (stop_signal) {
        cli_error("interrupted: %zu of %zu studies done; run the same command with --resume "
                  "to finish", n - tc.missing, n);
        return 128 + (stop_signal == SIGTERM ? SIGTERM : SIGINT);
    }
    if (bad_tables || st->io_failed || tc.missing) {
        cli_error("%s: the outputs could not be written (%s); the studies done are kept: "
                  "rerun with --resume", o->outdir,
                  st->io_failed ? st->io_err : bad_tables ? aerr : "parts missing");
        return EXIT_SOME_FAILED;
    }
    if (tc.failed) {
        if (!o->quiet)
            cli_error("%zu of %zu studies failed: see %s/errors.csv", tc.failed, n, o->outdir);
        return EXIT_SOME_FAILED;
    }
    return EXIT_ALL_OK;
}

int cmd_batch(int argc, char **argv)
{
    dys_ctx *ctx = dys_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_SOME_FAILED;
    }
    batch_opts o;
    strs studies = {0};
    jindex ix = {0};
    int lock = -1, rc = batch_parse(argc, argv, ctx, &o);
    if (rc >= 0)
        goto done;
    rc = EXIT_SOME_FAILED;
    char parts[4096];
    snprintf(parts, sizeof parts, "%s/parts", o.outdir);
    if (batch_studies(&o, &studies) != 0)
        goto done;
    if ((mkdir(o.outdir, 0777) != 0 && errno != EEXIST) ||
        (mkdir(parts, 0777) != 0 && errno != EEXIST)) {
        cli_error("%s: cannot create: %s", o.outdir, strerror(errno));
        goto done;
    }
    if ((lock = lock_outdir(o.outdir, "batch")) < 0)
        goto done;
    /* the records of earlier runs, read once: --resume decides by them, and
     * the tables take them for the studies this run does not redo */
    size_t old_parts = 0;
    if (jindex_scan_dir(&ix, o.outdir, 0, 0, 1, 1, &old_parts) != 0) {
        cli_error("%s: %s", parts, strerror(errno));
        goto done;
    }
    if (o.resume && (rc = resume_check(&o, &studies, &ix, old_parts)) != 0)
        goto done;
    if (!o.resume && old_parts) {
        /* every study is analysed again; the old parts would only
         * mislead a later resume or merge of this directory */
        size_t removed = remove_old_parts(parts);
        cli_error("%s: removed %zu part files of format 3 (an earlier dyssync's), which this "
                  "dyssync does not read", o.outdir, removed);
    }
    if (!o.resume && ix.n_old)
        /* their journals hold no record the index took, so the end of the
         * run removes them as it does any journal no longer used */
        cli_error("%s: %zu records of format 4 (an earlier dyssync's) are not read: every "
                  "study is analysed again, and their journals removed", o.outdir, ix.n_old);
    manifest man = {.command = "batch", .version = dys_version(), .options = o.options,
                    .inputs = o.inputs, .n_inputs = (size_t)o.n_inputs, .studies = studies.n};
    utc_now(man.started, sizeof man.started);
    if (o.sn)
        snprintf(man.shard, sizeof man.shard, "%ld/%ld", o.sk, o.sn);
    if (manifest_write(ctx, o.outdir, &man) != 0) {
        cli_error("%s", dys_ctx_error(ctx));
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    catch_stop_signals();
    run_state st;
    memset(&st, 0, sizeof st);
    st.ix = &ix;
    st.run = ix.max_run + 1;
    batch_run(&o, &studies, &st);
    rc = batch_finish(ctx, &o, &studies, &st, &ix, &man);
done:
    if (lock >= 0)
        close(lock);
    jindex_free(&ix);
    strs_free(&studies);
    dys_ctx_free(ctx);
    return rc;
}

/* Shards made by other engine versions or with other options would make
 * one table of two analyses: refused (the exit status), else 0 with the
 * shards' version and options. */
static int merge_check(char **shards, int n, char *version, size_t vcap, char *options,
                       size_t ocap)
{
    for (int a = 0; a < n; a++) {
        char v[64], o[4096], complete[16];
        if (manifest_get(shards[a], "dyssync_version", v, sizeof v) ||
            manifest_get(shards[a], "options", o, sizeof o)) {
            cli_error("%s: no run.json: not the output of a dyssync batch (or of one "
                      "before run manifests; run that shard again)", shards[a]);
            return EXIT_SOME_FAILED;
        }
        if (a == 0) {
            snprintf(version, vcap, "%s", v);
            snprintf(options, ocap, "%s", o);
        } else if (strcmp(v, version)) {
            cli_error("%s was made by dyssync %s, %s by %s: shards of one table must come "
                      "from one version", shards[a], v, shards[0], version);
            return EXIT_USAGE;
        } else if (strcmp(o, options)) {
            char diff[1024];
            options_diff(options, o, diff, sizeof diff);
            cli_error("%s was made with other options than %s: %s", shards[a], shards[0], diff);
            return EXIT_USAGE;
        }
        if (!manifest_get(shards[a], "complete", complete, sizeof complete) &&
            strcmp(complete, "true"))
            cli_error("warning: %s is an unfinished batch (run.json): resume it, then merge "
                      "again, or its studies not done are not in the tables", shards[a]);
    }
    return 0;
}

/* The records of every shard, in the order given (the first shard holding
 * a study wins), and every study in them, sorted.  Shards holding part
 * files of format 3 are refused (exit status), as their studies would be
 * left out of the tables. */
static int merge_sources(char **shards, int n, jindex *x, strs *sources)
{
    for (int a = 0; a < n; a++) {
        size_t old = 0, old_records = x->n_old;
        if (jindex_scan_dir(x, shards[a], (uint32_t)a, 0, 1, 0, &old) != 0) {
            cli_error("%s/parts: %s", shards[a], strerror(errno));
            return EXIT_SOME_FAILED;
        }
        if (old) {
            say_old_parts(shards[a], old, "merge the shards with the dyssync that made them, "
                          "or run this shard again");
            return EXIT_USAGE;
        }
        if (x->n_old > old_records) {
            say_old_records(shards[a], x->n_old - old_records,
                            "merge the shards with the dyssync that made them, or run this "
                            "shard again");
            return EXIT_USAGE;
        }
    }
    for (size_t i = 0; i < x->cap; i++)
        if (x->slot[i].source && strs_add(sources, x->slot[i].source) != 0) {
            cli_error("out of memory");
            return EXIT_SOME_FAILED;
        }
    if (sources->n > 1)
        qsort(sources->v, sources->n, sizeof *sources->v, cmp_str);
    return 0;
}

int cmd_merge(int argc, char **argv)
{
    const char *outdir = NULL;
    int opt;
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
    char **shards = argv + optind;
    int n = argc - optind, lock = -1;
    char version[64] = "", options[4096] = "";
    int rc = merge_check(shards, n, version, sizeof version, options, sizeof options);
    if (rc)
        return rc;
    dys_ctx *ctx = dys_ctx_new();
    strs sources = {0};
    jindex ix = {0};
    manifest man = {.command = "merge", .inputs = shards, .n_inputs = (size_t)n,
                    .version = version, .options = options};
    utc_now(man.started, sizeof man.started);
    rc = EXIT_SOME_FAILED;
    if (!ctx) {
        cli_error("out of memory");
        goto done;
    }
    if ((rc = merge_sources(shards, n, &ix, &sources)) != 0)
        goto done;
    rc = EXIT_SOME_FAILED;
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        cli_error("%s: cannot create: %s", outdir, strerror(errno));
        goto done;
    }
    if ((lock = lock_outdir(outdir, "merge")) < 0)
        goto done;
    table_counts tc;
    char aerr[1024] = "";
    int bad = assemble(ctx, outdir, sources.v, sources.n, &ix, shards, &tc, aerr, sizeof aerr);
    man.studies = sources.n;
    man.failed = tc.failed;
    man.not_done = tc.missing;
    man.duplicates = tc.duplicates;
    man.complete = !bad && !tc.missing;
    utc_now(man.ended, sizeof man.ended);
    if (bad || manifest_write(ctx, outdir, &man) != 0)
        cli_error("%s: could not be written: %s", outdir, bad ? aerr : dys_ctx_error(ctx));
    else
        rc = tc.failed || tc.missing ? EXIT_SOME_FAILED : EXIT_ALL_OK;
done:
    if (lock >= 0)
        close(lock);
    strs_free(&sources);
    jindex_free(&ix);
    dys_ctx_free(ctx);
    return rc;
}
