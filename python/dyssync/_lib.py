"""The C library through cffi in ABI mode: its declarations, how it is
found, one context per thread, and errors.

ABI mode (``ffi.dlopen``) needs no compiler when the package is installed,
like python-soundfile over libsndfile.  It reads the library's memory only
through the declarations below, so they declare opaque handles wherever
the library offers them (dyssync.h, "For other languages") and, for the
statistics and figures, only structs of plain numbers, whose layout
tests/test_abi.py checks against the compiler's (tests/abi_layout.c).
cffi releases the GIL around every call into the library, so analyses in
several Python threads run in parallel.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import threading
from pathlib import Path
from typing import Optional

from cffi import FFI

ffi = FFI()
ffi.cdef(r"""
typedef enum { DYS_OK = 0, DYS_ERR_NOMEM, DYS_ERR_IO, DYS_ERR_PARSE,
               DYS_ERR_INVALID, DYS_ERR_UNSUPPORTED, DYS_ERR_ANALYSIS } dys_status;
typedef struct dys_ctx dys_ctx;
typedef struct dys_params dys_params;
typedef struct dys_read_options dys_read_options;
typedef struct dys_study dys_study;
typedef struct dys_result dys_result;

const char *dys_version(void);
const char *dys_strerror(dys_status status);
dys_ctx *dys_ctx_new(void);
void dys_ctx_free(dys_ctx *ctx);
const char *dys_ctx_error(const dys_ctx *ctx);
const char *dys_segment_name(int segment);
int dys_segment_from_name(const char *name);

dys_params *dys_params_new(void);
void dys_params_free(dys_params *p);
dys_read_options *dys_read_options_new(void);
void dys_read_options_free(dys_read_options *o);
dys_status dys_option_set(dys_ctx *ctx, dys_params *p, dys_read_options *ro,
                          const char *name, const char *value);

dys_status dys_study_read(dys_ctx *ctx, const char *path, const dys_read_options *opt,
                          dys_study **out);
dys_status dys_study_read_memory(dys_ctx *ctx, const char *name, const char *data,
                                 size_t len, const dys_read_options *opt, dys_study **out);
void dys_study_free(dys_study *study);
const char *dys_study_id(const dys_study *s);
int dys_study_trace(const dys_study *s);
size_t dys_study_recordings(const dys_study *s);
const char *dys_study_view(const dys_study *s, size_t i);
const char *dys_study_source(const dys_study *s, size_t i);
size_t dys_study_samples(const dys_study *s, size_t i);
const double *dys_study_time(const dys_study *s, size_t i);
const double *dys_study_curve(const dys_study *s, size_t i, int seg);
const double *dys_study_ecg(const dys_study *s, size_t i);

dys_status dys_analyze(dys_ctx *ctx, const dys_study *study, const dys_params *p,
                       dys_result **out);
void dys_result_free(dys_result *r);
char *dys_result_json(dys_ctx *ctx, const dys_result *r);
char *dys_result_text(dys_ctx *ctx, const dys_result *r);
void dys_free(void *p);

/* dyssync_plot.h */
typedef struct {
    int kind;
    double dpi;
    double width_in;
    double height_in;
    int bullseye_delay;
    int tsi_colours;
    int beat;
    int colour_scale;
} dys_plot_options;
int dys_figures_available(void);
void dys_plot_options_defaults(dys_plot_options *o);
int dys_plot_kind_parse(const char *name);
int dys_colour_scale_parse(const char *name);
dys_status dys_plot_write(dys_ctx *ctx, const dys_study *study, const dys_result *result,
                          const dys_plot_options *o, const char *path);

/* dyssync_stats.h */
typedef struct {
    size_t n_pos, n_neg;
    double auc, auc_se, auc_ci_low, auc_ci_high;
    double youden_cutoff, sensitivity, specificity;
} dys_roc;
dys_status dys_roc_compute(dys_ctx *ctx, const double *score, const int *label,
                           size_t n, dys_roc *out);
void dys_roc_at(const double *score, const int *label, size_t n, double cutoff,
                int absolute, double *sensitivity, double *specificity);
dys_status dys_roc_compare(dys_ctx *ctx, const double *a, const double *b,
                           const int *label, size_t n, double *diff, double *z, double *p);
dys_status dys_roc_points(dys_ctx *ctx, const double *score, const int *label, size_t n,
                          double *fpr, double *tpr, size_t *npoints);
typedef struct { double value, ci_low, ci_high; } dys_icc_value;
typedef struct {
    size_t n, k;
    dys_icc_value icc1_1, icc2_1, icc3_1, icc1_k, icc2_k, icc3_k;
    double ms_rows, ms_cols, ms_error, ms_within;
} dys_icc;
dys_status dys_icc_compute(dys_ctx *ctx, const double *x, size_t n, size_t k, dys_icc *out);
typedef struct {
    size_t n;
    double bias, bias_ci_low, bias_ci_high, sd;
    double loa_low, loa_low_ci_low, loa_low_ci_high;
    double loa_high, loa_high_ci_low, loa_high_ci_high;
    double cv_pct;
} dys_bland_altman;
dys_status dys_bland_altman_compute(dys_ctx *ctx, const double *a, const double *b,
                                    size_t n, dys_bland_altman *out);
dys_status dys_kappa(dys_ctx *ctx, const int *a, const int *b, size_t n, double *kappa,
                     double *observed);
typedef struct { size_t n; double r, ci_low, ci_high; } dys_corr;
dys_status dys_pearson(dys_ctx *ctx, const double *x, const double *y, size_t n,
                       dys_corr *out);
dys_status dys_spearman(dys_ctx *ctx, const double *x, const double *y, size_t n,
                        dys_corr *out);
typedef struct {
    const char *name;
    const double *score;
    const int *label;
    size_t n;
    dys_roc roc;
} dys_roc_series;
typedef struct { size_t max_bytes; } dys_table_options;
typedef struct {
    char *path;
    size_t ncol, nrow;
    char **head;
    char **cell;
    size_t *line;
    char sep;
    int decimal_comma;
} dys_table;
dys_status dys_table_read(dys_ctx *ctx, const char *path, const dys_table_options *opts,
                          dys_table *t);
void dys_table_free(dys_table *t);
int dys_table_col(const dys_table *t, const char *name);
const char *dys_table_get(const dys_table *t, size_t row, int col);
int dys_table_num(dys_ctx *ctx, const dys_table *t, size_t row, int col, double *v);

/* dyssync.h: the index catalogue and the published cut-offs */
typedef struct { const char *key; const char *description; const char *unit; } dys_index_info;
const dys_index_info *dys_index_get(int index);
int dys_index_from_key(const char *s, size_t len);
typedef struct {
    int index;
    double value;
    int on_abs;
    const char *source;
    const char *population;
    int validated;
    const char *validity;
} dys_cutoff;
const dys_cutoff *dys_cutoff_get(int i);
const dys_cutoff *dys_cutoff_default(int index);
typedef struct dys_outcome dys_outcome;
typedef struct { dys_outcome *o; size_t n; } dys_outcomes;
dys_status dys_outcomes_read(dys_ctx *ctx, const char *path, const dys_table_options *opts,
                             dys_outcomes *out);
void dys_outcomes_free(dys_outcomes *os);
const dys_outcome *dys_outcomes_find(const dys_outcomes *os, const char *study_id);
const char *dys_response_name(int def);
const char *dys_response_description(int def);
int dys_response_parse(const char *s);
int dys_response(const dys_outcome *o, int def, const char **why);
dys_status dys_plot_roc(dys_ctx *ctx, const char *path, const dys_roc_series *s,
                        size_t ns, const char *title, double dpi);
dys_status dys_plot_bland_altman(dys_ctx *ctx, const char *path, const double *a,
                                 const double *b, const dys_bland_altman *ba,
                                 const char *title, const char *unit, double dpi);
dys_status dys_plot_heatmap(dys_ctx *ctx, const char *path, const char *const *names,
                            size_t k, const double *r, const char *title, double dpi);
""")

# The checkout this file sits in (python/dyssync/_lib.py), for use from
# the build tree without installing anything.
_CHECKOUT = Path(__file__).resolve().parents[2]


def given_or_built(env: str, *parts: str) -> Optional[str]:
    """The path in the environment variable env, else the file at parts
    under the checkout's build/ when this package is a checkout's python/,
    else None (the caller then asks the system)."""
    if os.environ.get(env):
        return os.environ[env]
    built = _CHECKOUT.joinpath("build", *parts)
    if (_CHECKOUT / "meson.build").exists() and built.exists():
        return str(built)
    return None


library_path = (given_or_built("DYSSYNC_LIBRARY", "engine", "libdyssync.so")
                or ctypes.util.find_library("dyssync") or "libdyssync.so.0")
try:
    lib = ffi.dlopen(library_path)
except OSError as e:
    raise ImportError(
        f"dyssync: cannot load the C library ({library_path}): {e}. Build it "
        "(make build) or install it (make install), or set DYSSYNC_LIBRARY "
        "to the path of libdyssync.so") from None


def _check_version(library_version: str, package_version: str) -> None:
    """The package declares the library it was written for: the same major
    and minor version (before 1.0 a minor version may change the API)."""
    if library_version.split(".")[:2] != package_version.split(".")[:2]:
        raise ImportError(
            f"dyssync: the Python package {package_version} needs the C library "
            f"{'.'.join(package_version.split('.')[:2])}.x, but {library_path} is "
            f"{library_version}; install matching versions")


def library_version() -> str:
    return ffi.string(lib.dys_version()).decode()


_local = threading.local()


def ctx():
    """This thread's context (the library's rule: one per thread); freed
    when the thread ends."""
    c = getattr(_local, "ctx", None)
    if c is None:
        raw = lib.dys_ctx_new()
        if raw == ffi.NULL:
            raise MemoryError("dyssync: out of memory")
        c = _local.ctx = ffi.gc(raw, lib.dys_ctx_free)
    return c


class Error(Exception):
    """A failure of the library: bad input (with the file, line and column
    it names when it names one), a study that cannot be analysed, an
    unwritable output.

    Attributes: ``message`` (the library's whole message), ``status``
    (``"parse error"``, ...), ``file``, ``line`` and ``column`` (None when
    the message names none).  For input given as arrays or DataFrames the
    place is given in their terms: ``sample`` and ``column_name``
    (Study.from_arrays), ``key`` (a metadata key), ``row`` (a DataFrame's
    row in dyssync.stats); None otherwise."""

    sample: Optional[int] = None
    column_name: Optional[str] = None
    key: Optional[str] = None
    row: Optional[int] = None

    def __init__(self, message: str, status: str = "error",
                 file: Optional[str] = None, line: Optional[int] = None,
                 column: Optional[int] = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.file = file
        self.line = line
        self.column = column


# "path:line:col: what" (docs/format.md, "Errors"), or "path: what".
_WHERE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): ")


def error_from(status: int, c=None, path: Optional[str] = None) -> Error:
    msg = ffi.string(lib.dys_ctx_error(c if c is not None else ctx())).decode(
        "utf-8", "replace")
    kind = ffi.string(lib.dys_strerror(status)).decode()
    m = _WHERE.match(msg)
    if m:
        return Error(msg, kind, m["file"], int(m["line"]), int(m["col"]))
    if path is not None and msg.startswith(path + ":"):
        return Error(msg, kind, path)
    return Error(msg or kind, kind)


def check(status: int, c=None, path: Optional[str] = None) -> None:
    if status != lib.DYS_OK:
        raise error_from(status, c, path)


def text(p) -> Optional[str]:
    return None if p == ffi.NULL else ffi.string(p).decode("utf-8", "replace")
