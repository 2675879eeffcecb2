"""Research statistics over the C library: responders, ROC with DeLong's
test, agreement (ICC, Bland-Altman), correlation and kappa.

Every number comes from the library's functions (dyssync_stats.h), the
same ones ``dyssync stats`` calls, so Python and the CLI agree exactly.
This module only moves data: it picks the rows and joins the tables the
way cli/stats_*.c do (batch's studies.csv: only ``status == "ok"`` rows
count; results are joined to outcomes by ``study_id``; a study missing an
index or a response is left out of that index's statistic) and turns the
C structs into frozen dataclasses or pandas DataFrames.

Inputs: numpy arrays, lists, pandas Series/DataFrames, or paths
(``str``/``os.PathLike``) to the CLI's tables (batch's studies.csv, an
outcomes CSV).  Every table is read by the library's reader
(dys_table_read, dys_outcomes_read), a DataFrame through a temporary CSV
(``to_csv(index=False)``).  The index keys, which of them have published
cut-offs and which are read on ``|value|`` come from the library's
catalogue (dys_index_get, dys_cutoff_get, dys_cutoff_default).  pandas
is needed only by the functions that return DataFrames (the table
modes); it is imported when they are called.

Errors: a ``ValueError`` for inputs refused before the library is called
(different lengths, labels not 0/1, an unknown response definition, an
``index=`` that is not a key of the catalogue, a column the table lacks);
:class:`dyssync.Error` for what the library refuses (with the file,
line and column of a CSV it names; for a DataFrame, the message names
the frame's row instead, and ``Error.row`` holds it).
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _lib
from ._lib import Error, ffi, lib
from .core import _pandas

__all__ = [
    "Roc", "RocComparison", "IccValue", "Icc", "BlandAltman", "Agreement",
    "Corr", "Correlation", "CorrelationMatrix", "Kappa", "ResponseRate",
    "ResponseKappa", "ResponseSummary",
    "responses", "responders", "response_summary", "roc", "roc_compare",
    "agree", "correlate", "kappa", "Error",
]

PathLike = Union[str, "os.PathLike[str]"]

# ---------------------------------------------------------------------------
# helpers


def _is_path(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike))


def _is_frame(x: Any) -> bool:
    return type(x).__name__ == "DataFrame" and hasattr(x, "columns")


def _doubles(x: Any, what: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"{what}: a 1-dimensional array is needed, not shape {a.shape}")
    return np.ascontiguousarray(a)


def _labels(x: Any, what: str = "label") -> np.ndarray:
    a = np.asarray(x)
    if a.ndim != 1:
        raise ValueError(f"{what}: a 1-dimensional array is needed, not shape {a.shape}")
    if a.dtype == bool:
        return np.ascontiguousarray(a.astype(np.intc))
    try:
        f = a.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: labels must be 0 or 1 (or True/False)") from None
    if not np.all((f == 0) | (f == 1)):
        bad = a[~((f == 0) | (f == 1))][0]
        raise ValueError(f"{what}: labels must be 0 or 1 (or True/False), not {bad!r}")
    return np.ascontiguousarray(f.astype(np.intc))


def _same_length(**arrays: np.ndarray) -> None:
    lens = {k: len(v) for k, v in arrays.items()}
    if len(set(lens.values())) > 1:
        raise ValueError("different lengths: " +
                         ", ".join(f"{k} {n}" for k, n in lens.items()))


def _dp(a: np.ndarray):
    return ffi.cast("const double *", ffi.from_buffer(a))


def _ip(a: np.ndarray):
    return ffi.cast("const int *", ffi.from_buffer(a))


def _cstr(s: str):
    return ffi.new("char[]", s.encode())


def _can_plot() -> None:
    if not lib.dys_figures_available():
        raise Error("this dyssync was built without figures (meson -Dfigures=disabled)",
                    "unsupported operation")


def _plot_path(plot: PathLike) -> str:
    return os.fspath(plot)


# ---------------------------------------------------------------------------
# tables: batch's studies.csv and outcomes files
#
# Every table is read by the library's reader (dys_table_read, the one the
# CLI uses), so its rules apply unchanged: the separator and decimal mark,
# comments, quoting, protected cells, and dys_table_num's missing values
# and refusals.  A DataFrame is written to a temporary CSV
# (to_csv(index=False)) and read the same way; the library's message then
# names a line of that file, which _frame_error turns into the frame's row.


@contextlib.contextmanager
def _frame_csv(frame: Any):
    """The frame as a temporary CSV (header on line 1, row i on line i + 2
    unless a cell holds a line break), removed afterwards."""
    fd, tmp = tempfile.mkstemp(prefix="dyssync-", suffix=".csv")
    os.close(fd)
    try:
        frame.to_csv(tmp, index=False)
        yield tmp
    finally:
        os.unlink(tmp)


def _frame_error(e: Error, what: str, tmp: str, row_of) -> Error:
    """An error naming the temporary CSV of a frame, as one naming the
    frame: "path:L:C: ..." becomes "what: row i, column C: ..." with i the
    frame's row (positional, from 0) written on line L (L - 2 when no cell
    holds a line break).  ``line`` and ``column`` stay those of the CSV
    form, ``file`` is None, and ``row`` is i."""
    if e.file == tmp and e.line is not None:
        row = row_of(e.line)
        rest = e.message[len(f"{tmp}:{e.line}:{e.column}: "):]
        out = Error(f"{what}: row {row}, column {e.column}: {rest}", e.status, None,
                    e.line, e.column)
    else:
        row = None
        out = Error(e.message.replace(tmp, f"{what} (DataFrame)"), e.status)
    out.row = row
    return out


class _Table:
    """A table read by dys_table_read: a CSV, or a DataFrame written to a
    temporary CSV first."""

    def __init__(self, src: Any, what: str):
        if _is_path(src):
            self._load(os.fspath(src), what, frame=False)
        elif _is_frame(src):
            with _frame_csv(src) as tmp:
                self._load(tmp, what, frame=True)
        else:
            raise TypeError(f"{what}: a path to a CSV or a pandas DataFrame is needed, "
                            f"not {type(src).__name__}")

    @classmethod
    def of_csv(cls, path: str, what: str, frame: bool) -> "_Table":
        t = cls.__new__(cls)
        _Table._load(t, path, what, frame)
        return t

    def _load(self, path: str, what: str, frame: bool) -> None:
        self.what = what
        self.path = None if frame else path  # the file a user gave
        self._tmp = path if frame else None
        c = _lib.ctx()
        self.t = ffi.gc(ffi.new("dys_table *"), lib.dys_table_free)
        st = lib.dys_table_read(c, path.encode(), ffi.NULL, self.t)
        self.nrow = self.t.nrow
        if st != lib.DYS_OK:
            raise self.error(st, c)
        self.head = [_lib.text(self.t.head[i]) for i in range(self.t.ncol)]

    def row_of(self, line: int) -> int:
        """The row read from a line of the file."""
        for r in range(self.nrow):
            if self.t.line[r] == line:
                return r
        return line - 2

    def error(self, status: int, c) -> Error:
        e = _lib.error_from(status, c, self.path or self._tmp)
        return e if self._tmp is None else _frame_error(e, self.what, self._tmp, self.row_of)

    def col(self, name: str) -> int:
        return lib.dys_table_col(self.t, name.encode())

    def get(self, r: int, c: int) -> str:
        return _lib.text(lib.dys_table_get(self.t, r, c))

    def num(self, r: int, c: int, v) -> int:
        """dys_table_num: 0 with v[0], 1 missing, -1 not a number (the
        message in this thread's context)."""
        return lib.dys_table_num(_lib.ctx(), self.t, r, c, v)

    def numbers(self, c: int) -> List[Optional[float]]:
        """The column as numbers, None where missing; a cell that is not a
        finite number raises Error naming its place."""
        v = ffi.new("double *")
        out: List[Optional[float]] = []
        for r in range(self.nrow):
            k = self.num(r, c, v)
            if k < 0:
                raise self.error(lib.DYS_ERR_PARSE, _lib.ctx())
            out.append(v[0] if k == 0 else None)
        return out


class _Results(_Table):
    """Batch's studies.csv (or a DataFrame of it): study_id required, and
    only rows whose status is "ok" count (every row without a status
    column), as stats_read_results."""

    def __init__(self, src: Any, what: str = "results"):
        super().__init__(src, what)
        self.idc = self.col("study_id")
        self.stc = self.col("status")
        if self.idc < 0:
            raise ValueError(f"{self.path or what}: no study_id column (a batch studies.csv "
                             "has one)")
        self.ids = [self.get(r, self.idc) for r in range(self.nrow)]
        self.ok = [self.stc < 0 or self.get(r, self.stc) == "ok" for r in range(self.nrow)]

    def column(self, name: str) -> int:
        c = self.col(name)
        if c < 0:
            raise ValueError(f"{self.path or self.what}: no column {name}")
        return c


class _Outcomes:
    """An outcomes file read by dys_outcomes_read (its validation applies);
    a DataFrame is written to a temporary CSV first."""

    def __init__(self, src: Any):
        if _is_frame(src):
            with _frame_csv(src) as tmp:
                self._read(tmp, frame=True)
        elif _is_path(src):
            self._read(os.fspath(src), frame=False)
        else:
            raise TypeError("outcomes: a path to an outcomes CSV or a pandas DataFrame is "
                            f"needed, not {type(src).__name__}")

    def _read(self, path: str, frame: bool) -> None:
        c = _lib.ctx()
        os_ = ffi.gc(ffi.new("dys_outcomes *"), lib.dys_outcomes_free)
        st = lib.dys_outcomes_read(c, path.encode(), ffi.NULL, os_)
        if st != lib.DYS_OK:
            e = _lib.error_from(st, c, path)
            if frame:
                try:
                    row_of = _Table.of_csv(path, "outcomes", True).row_of
                except Error:
                    row_of = lambda line: line - 2  # noqa: E731
                e = _frame_error(e, "outcomes", path, row_of)
            raise e
        self.os = os_
        # dys_outcome is opaque to _lib.py: the study ids, in file order,
        # from the file the library just accepted, by the same reader
        t = _Table.of_csv(path, "outcomes", frame)
        idc = t.col("study_id")
        self.ids = [t.get(r, idc) for r in range(t.nrow)]

    def find(self, study_id: str):
        o = lib.dys_outcomes_find(self.os, study_id.encode())
        return None if o == ffi.NULL else o


# ---------------------------------------------------------------------------
# the library's index catalogue and published cut-offs (dyssync.h)


@functools.lru_cache(maxsize=None)
def _catalogue() -> Tuple[str, ...]:
    """The index keys in the catalogue's order (dys_index_get)."""
    keys = []
    while True:
        p = lib.dys_index_get(len(keys))
        if p == ffi.NULL:
            return tuple(keys)
        keys.append(_lib.text(p.key))


def _index_of(key: str) -> int:
    """The dys_index of a key, -1 when it is none (the CLI's lookup)."""
    b = key.encode()
    return lib.dys_index_from_key(b, len(b))


def _index_unit(key: str) -> str:
    i = _index_of(key)
    return _lib.text(lib.dys_index_get(i).unit) if i >= 0 else ""


def _cutoffs() -> List[Any]:
    """The published cut-offs, in the library's table order (dys_cutoff_get;
    static data of the library)."""
    out = []
    while True:
        p = lib.dys_cutoff_get(len(out))
        if p == ffi.NULL:
            return out
        out.append(p)


def _on_abs(key: str) -> bool:
    """Whether an index's default cut-off is read on |value|: the CLI then
    scores it on |value| and names it "|key|" (roc_join)."""
    i = _index_of(key)
    if i < 0:
        return False
    d = lib.dys_cutoff_default(i)
    return d != ffi.NULL and bool(d.on_abs)


# ---------------------------------------------------------------------------
# response definitions


def responses() -> Dict[str, str]:
    """The response definitions, name -> description, in the library's
    order (``lvesv15``, ``lvef5``, ``composite``, ``nyha1``,
    ``nyha1_walk25``, ``dpdt10``)."""
    out = {}
    d = 0
    while True:
        n = _lib.text(lib.dys_response_name(d))
        if n is None:
            return out
        out[n] = _lib.text(lib.dys_response_description(d))
        d += 1


def _response(name: Any) -> int:
    if not isinstance(name, str):
        raise ValueError(f"response: a definition name is needed ({', '.join(responses())})")
    d = lib.dys_response_parse(name.encode())
    if d < 0:
        raise ValueError(f"response {name!r}: unknown; the definitions are "
                         f"{', '.join(responses())}")
    return d


def responders(outcomes: Any, response: str) -> Dict[str, Optional[bool]]:
    """Each study's response under one definition, as ``dyssync stats
    responders`` classifies it.

    Parameters
    ----------
    outcomes : str, os.PathLike or pandas.DataFrame
        An outcomes CSV (docs/format.md), or a DataFrame with its columns
        (``study_id``, ``lvesv_baseline_ml``, ...).  A DataFrame is
        written to a temporary CSV (``to_csv(index=False)``) and read by
        the library, so the same validation applies: its errors say
        ``"outcomes: row i, column c: ..."`` for the frame's row ``i``
        (positional, from 0; line ``i + 2`` of the CSV, which ``line``
        holds, and ``row`` holds ``i``) and the column's position counted
        from 1.
    response : str
        ``lvesv15``, ``lvef5``, ``composite``, ``nyha1``,
        ``nyha1_walk25`` or ``dpdt10`` (see :func:`responses`).

    Returns
    -------
    dict of str to bool or None
        study_id -> True (responder), False (not), None (the data the
        definition needs are not given), in the order of the file.

    Raises
    ------
    ValueError
        An unknown definition.
    dyssync.Error
        The library refused the outcomes file (an unknown column, a value
        that is not a number, a NYHA class outside 1-4, a duplicate
        study_id ...); ``line`` and ``column`` say where (and ``row``
        for a DataFrame).
    """
    d = _response(response)
    os_ = _Outcomes(outcomes)
    out: Dict[str, Optional[bool]] = {}
    for sid in os_.ids:
        v = lib.dys_response(os_.find(sid), d, ffi.NULL)
        out[sid] = None if v < 0 else bool(v)
    return out


@dataclass(frozen=True)
class ResponseRate:
    """One definition's rate, as the ``definitions`` of ``stats responders
    --format json``."""
    name: str
    description: str
    n: int
    responders: int
    rate_pct: float  # NaN when no study has the data


@dataclass(frozen=True)
class ResponseKappa:
    """Cohen's kappa of two definitions on the studies both classify (the
    ``kappa`` of ``stats responders --format json``); ``kappa`` NaN and
    ``note`` saying why when undefined."""
    a: str
    b: str
    n: int
    agreement_pct: float
    kappa: float
    note: Optional[str]


@dataclass(frozen=True)
class ResponseSummary:
    n_studies: int
    definitions: Tuple[ResponseRate, ...]
    kappa: Tuple[ResponseKappa, ...]
    studies: Dict[str, Dict[str, Optional[bool]]] = field(compare=False)


def response_summary(outcomes: Any) -> ResponseSummary:
    """Everything ``dyssync stats responders --outcomes FILE`` reports:
    each definition's rate, Cohen's kappa between every pair of
    definitions (studies classified by both), and each study's answers.

    Parameters
    ----------
    outcomes : str, os.PathLike or pandas.DataFrame
        As for :func:`responders`.

    Returns
    -------
    ResponseSummary
        ``definitions`` and ``kappa`` as in the CLI's JSON; ``studies``
        study_id -> {definition: True/False/None}.
    """
    os_ = _Outcomes(outcomes)
    names = list(responses())
    nd = len(names)
    resp = [[lib.dys_response(os_.find(sid), d, ffi.NULL) for d in range(nd)]
            for sid in os_.ids]
    rates = []
    for d in range(nd):
        got = [r[d] for r in resp if r[d] >= 0]
        yes = sum(1 for v in got if v == 1)
        rates.append(ResponseRate(names[d], responses()[names[d]], len(got), yes,
                                  100.0 * yes / len(got) if got else math.nan))
    kap = []
    c = _lib.ctx()
    for a in range(nd):
        for b in range(a + 1, nd):
            pairs = [(r[a], r[b]) for r in resp if r[a] >= 0 and r[b] >= 0]
            x = np.array([p[0] for p in pairs] or [0], dtype=np.intc)
            y = np.array([p[1] for p in pairs] or [0], dtype=np.intc)
            k, po = ffi.new("double *"), ffi.new("double *")
            st = lib.dys_kappa(c, _ip(x), _ip(y), len(pairs), k, po)
            note = ("no study is classified by both" if not pairs else
                    "undefined: both definitions put every study in one class"
                    if st != lib.DYS_OK else None)
            kap.append(ResponseKappa(names[a], names[b], len(pairs),
                                     100 * po[0] if pairs else math.nan, k[0], note))
    studies = {sid: {names[d]: (None if r[d] < 0 else bool(r[d])) for d in range(nd)}
               for sid, r in zip(os_.ids, resp)}
    return ResponseSummary(len(os_.ids), tuple(rates), tuple(kap), studies)


# ---------------------------------------------------------------------------
# ROC

@dataclass(frozen=True)
class Roc:
    """An empirical ROC (dys_roc_compute, dys_roc_points).

    ``auc`` is Mann-Whitney's (a tie counts one half), ``auc_se`` and
    ``auc_ci`` (95 %, clipped to [0, 1]) DeLong's; ``youden_cutoff`` the
    lowest "score >= c" maximising sensitivity + specificity - 1, with its
    ``sensitivity`` and ``specificity``; ``fpr``/``tpr`` the curve's
    points from (0, 0) to (1, 1)."""
    n_pos: int
    n_neg: int
    auc: float
    auc_se: float
    auc_ci: Tuple[float, float]
    youden_cutoff: float
    sensitivity: float
    specificity: float
    fpr: np.ndarray = field(compare=False, repr=False)
    tpr: np.ndarray = field(compare=False, repr=False)


@dataclass(frozen=True)
class RocComparison:
    """DeLong's paired test of two scores on the same subjects
    (dys_roc_compare): ``auc_diff`` = AUC(a) - AUC(b), its ``z`` and
    two-sided ``p``."""
    n_pos: int
    n_neg: int
    auc_diff: float
    z: float
    p: float


def _roc_struct(score: np.ndarray, label: np.ndarray):
    c = _lib.ctx()
    r = ffi.new("dys_roc *")
    _lib.check(lib.dys_roc_compute(c, _dp(score), _ip(label), len(score), r), c)
    return r


def _roc_of(score: np.ndarray, label: np.ndarray) -> Roc:
    r = _roc_struct(score, label)
    c = _lib.ctx()
    n = len(score)
    fpr, tpr = np.empty(n + 2), np.empty(n + 2)
    npts = ffi.new("size_t *")
    _lib.check(lib.dys_roc_points(c, _dp(score), _ip(label), n,
                                  ffi.cast("double *", ffi.from_buffer(fpr)),
                                  ffi.cast("double *", ffi.from_buffer(tpr)), npts), c)
    m = npts[0]
    return Roc(r.n_pos, r.n_neg, r.auc, r.auc_se, (r.auc_ci_low, r.auc_ci_high),
               r.youden_cutoff, r.sensitivity, r.specificity, fpr[:m].copy(), tpr[:m].copy())


def _plot_roc(path: PathLike, series: Sequence[Tuple[str, np.ndarray, np.ndarray]],
              title: str, dpi: float) -> None:
    _can_plot()
    keep = []
    ser = ffi.new("dys_roc_series[]", len(series))
    for i, (name, x, l) in enumerate(series):
        nm = _cstr(name)
        keep.append(nm)
        ser[i].name = nm
        ser[i].score = _dp(x)
        ser[i].label = _ip(l)
        ser[i].n = len(x)
        ser[i].roc = _roc_struct(x, l)[0]
    c = _lib.ctx()
    p = _plot_path(path)
    _lib.check(lib.dys_plot_roc(c, p.encode(), ser, len(series), title.encode(), dpi), c, p)


def roc(score: Any = None, label: Any = None, *, results: Any = None, outcomes: Any = None,
        response: Optional[str] = None, index: Union[str, Sequence[str], None] = None,
        plot: Optional[PathLike] = None, dpi: float = 150, name: str = "score",
        title: Optional[str] = None):
    """ROC analysis of a score against a binary response.

    Two modes:

    * arrays: ``roc(score, label)`` -> :class:`Roc`.
    * tables, like ``dyssync stats roc --results studies.csv --outcomes
      FILE --response DEF --index A --index B``: ``roc(results=...,
      outcomes=..., response=..., index=[...])`` -> a pandas DataFrame.

    Parameters
    ----------
    score : array_like, optional
        The scores (a higher score meaning a responder); arrays mode.
    label : array_like, optional
        1/0 or True/False, as long as ``score``; arrays mode.
    results : str, os.PathLike or pandas.DataFrame, optional
        Batch's studies.csv (or a DataFrame of it); table mode.  Only rows
        with status ``ok`` count.
    outcomes : str, os.PathLike or pandas.DataFrame, optional
        The outcomes file, joined to ``results`` by study_id (read as in
        :func:`responders`).
    response : str, optional
        The response definition (:func:`responses`).
    index : str or sequence of str, optional
        The index keys to score, each a key of the library's catalogue
        (as the CLI's ``--index``).  When omitted, as the CLI: every index
        with a published cut-off (dys_cutoff_get, in that table's order)
        that has a value in some row.  An index whose default cut-off is
        read on its size (dys_cutoff_default()->on_abs, e.g.
        ``septal_lateral_delay_ms``) is scored on ``|value|`` and named
        ``|key|``, as the CLI does.
    plot : str or os.PathLike, optional
        Draw the ROC curve(s) with dys_plot_roc (.png, .svg or .pdf); in
        table mode the first 8 indices with a ROC, titled ``"ROC: "`` and
        the definition's description, as the CLI's figure.
    dpi : float
        The figure's resolution (the CLI's ``--dpi``, 150).
    name, title : str, optional
        Arrays mode: the curve's legend and the figure's title.

    Returns
    -------
    Roc
        In arrays mode.
    pandas.DataFrame
        In table mode: one row per index with the columns of the CLI's
        JSON (``index, n_pos, n_neg, auc, auc_se, auc_ci_low, auc_ci_high,
        youden_cutoff, sensitivity, specificity``) and ``error`` (None, or
        why the ROC could not be computed: its numbers are then NaN).
        ``df.attrs["comparisons"]`` is a DataFrame of DeLong's paired
        tests of each index against every later one with a ROC, on the
        studies that have both (``index, with, n_pos, n_neg, auc_diff, z,
        p, error``), the CLI's ``delong`` arrays.  ``df.attrs["no_outcome"]``
        counts the ok studies without a row in the outcomes file (the CLI
        says it on stderr; here a warning).
        ``df.attrs["published_cutoffs"]`` is a DataFrame of the
        sensitivity and specificity at each published cut-off of each
        index with a ROC (dys_roc_at), in the cut-off table's order: ``index,
        cutoff, absolute`` (True: ``|x| >= cutoff``), ``source``,
        ``sensitivity, specificity``, the CLI's ``published_cutoffs``
        arrays.

    Raises
    ------
    ValueError
        Mixed modes, different lengths, labels not 0/1, an unknown
        definition, an index that is not a key, a column the table lacks.
    dyssync.Error
        What the library refuses: a class with fewer than 2 subjects or a
        score that is not finite (arrays mode), a bad outcomes file, a
        figure that cannot be written.
    """
    table = results is not None or outcomes is not None or response is not None \
        or index is not None
    if table:
        if score is not None or label is not None:
            raise ValueError("roc: give either score and label, or results, outcomes and "
                             "response, not both")
        return _roc_table(results, outcomes, response, index, plot, dpi)
    if score is None or label is None:
        raise ValueError("roc: needs score and label, or results=, outcomes= and response=")
    x = _doubles(score, "score")
    lab = _labels(label)
    _same_length(score=x, label=lab)
    r = _roc_of(x, lab)
    if plot is not None:
        _plot_roc(plot, [(name, x, lab)], title or "ROC", dpi)
    return r


def roc_compare(a: Any, b: Any, label: Any) -> RocComparison:
    """DeLong's paired test of two scores of the same subjects.

    Parameters
    ----------
    a, b : array_like
        The two scores, subject by subject.
    label : array_like
        1/0 or True/False.

    Returns
    -------
    RocComparison
        AUC(a) - AUC(b), z and the two-sided p (z 0 and p 1 when both
        scores rank every pair alike).
    """
    x, y, lab = _doubles(a, "a"), _doubles(b, "b"), _labels(label)
    _same_length(a=x, b=y, label=lab)
    return _compare(x, y, lab)


def _compare(x: np.ndarray, y: np.ndarray, lab: np.ndarray) -> RocComparison:
    c = _lib.ctx()
    d, z, p = ffi.new("double *"), ffi.new("double *"), ffi.new("double *")
    _lib.check(lib.dys_roc_compare(c, _dp(x), _dp(y), _ip(lab), len(x), d, z, p), c)
    npos = int(np.count_nonzero(lab))
    return RocComparison(npos, len(lab) - npos, d[0], z[0], p[0])


def _names(index: Union[str, Sequence[str], None]) -> Optional[List[str]]:
    if index is None:
        return None
    names = [index] if isinstance(index, str) else list(index)
    for n in names:
        if not isinstance(n, str):
            raise ValueError(f"index: index keys are needed, not {n!r}")
        # the CLI's --index takes only a key of the catalogue (cmd_stats.c)
        if _index_of(n) < 0:
            raise ValueError(f"index {n}: not an index key (docs/indices.md)")
    if not names:
        raise ValueError("index: an empty list")
    return names


def _roc_table(results, outcomes, response, index, plot, dpi):
    pd = _pandas()
    if results is None or outcomes is None or response is None:
        raise ValueError("roc: the table mode needs results=, outcomes= and response=")
    d = _response(response)
    names = _names(index)
    t = _Results(results)
    if names is None:
        # roc_default_scores: every index with a published cut-off, once
        # each in the cut-off table's order, that has a cell in some row
        names = []
        for cut in _cutoffs():
            k = _catalogue()[cut.index]
            col = t.col(k)
            if k not in names and col >= 0 and \
                    any(t.get(r, col) != "" for r in range(t.nrow)):
                names.append(k)
    cols = [t.column(n) for n in names]
    os_ = _Outcomes(outcomes)
    # the label of each row: None when it does not take part
    labels: List[Optional[int]] = []
    no_outcome = 0
    for r in range(t.nrow):
        if not t.ok[r]:
            labels.append(None)
            continue
        o = os_.find(t.ids[r])
        if o is None:
            no_outcome += 1
            labels.append(None)
            continue
        v = lib.dys_response(o, d, ffi.NULL)
        labels.append(v if v >= 0 else None)
    if no_outcome:
        warnings.warn(f"{no_outcome} ok studies of {t.path or 'results'} have no row in the "
                      "outcomes", stacklevel=3)
    vars_ = []  # (display name, rows, x, label, error)
    rows_out = []
    cuts = []  # roc_write_cutoffs
    c = _lib.ctx()
    for n, col in zip(names, cols):
        vals = t.numbers(col)  # a bad cell raises, as the CLI, even without a label
        on_abs = _on_abs(n)
        shown = f"|{n}|" if on_abs else n
        rr = [r for r in range(t.nrow) if labels[r] is not None and vals[r] is not None]
        x = np.array([abs(vals[r]) if on_abs else vals[r] for r in rr], dtype=float)
        lab = np.array([labels[r] for r in rr], dtype=np.intc)
        rs = ffi.new("dys_roc *")
        err = None
        if lib.dys_roc_compute(c, _dp(x) if len(x) else ffi.NULL,
                               _ip(lab) if len(x) else ffi.NULL, len(x), rs) != lib.DYS_OK:
            err = _lib.text(lib.dys_ctx_error(c))
        vars_.append((shown, rr, x, lab, err))
        # sensitivity and specificity at each published cut-off of the
        # index, for a score with a ROC
        idx = _index_of(n)
        for cut in (_cutoffs() if not err else []):
            if cut.index != idx:
                continue
            se, sp = ffi.new("double *"), ffi.new("double *")
            lib.dys_roc_at(_dp(x), _ip(lab), len(x), cut.value, cut.on_abs, se, sp)
            cuts.append({"index": shown, "cutoff": cut.value, "absolute": bool(cut.on_abs),
                         "source": _lib.text(cut.source), "sensitivity": se[0],
                         "specificity": sp[0]})
        nan = math.nan
        rows_out.append({
            "index": shown, "n_pos": rs.n_pos if not err else 0,
            "n_neg": rs.n_neg if not err else 0,
            "auc": rs.auc if not err else nan, "auc_se": rs.auc_se if not err else nan,
            "auc_ci_low": rs.auc_ci_low if not err else nan,
            "auc_ci_high": rs.auc_ci_high if not err else nan,
            "youden_cutoff": rs.youden_cutoff if not err else nan,
            "sensitivity": rs.sensitivity if not err else nan,
            "specificity": rs.specificity if not err else nan, "error": err})
    comps = []
    for s, (ns, rs_, xs, ls, es) in enumerate(vars_):
        if es:
            continue
        for nu, ru, xu, lu, eu in vars_[s + 1:]:
            if eu:
                continue
            pos_u = {r: i for i, r in enumerate(ru)}
            ia = [i for i, r in enumerate(rs_) if r in pos_u]
            a = xs[ia]
            b = xu[[pos_u[rs_[i]] for i in ia]]
            lab = ls[ia]
            npos = int(np.count_nonzero(lab))
            row = {"index": ns, "with": nu, "n_pos": npos, "n_neg": len(ia) - npos,
                   "auc_diff": math.nan, "z": math.nan, "p": math.nan, "error": None}
            try:
                cmp_ = _compare(np.ascontiguousarray(a), np.ascontiguousarray(b),
                                np.ascontiguousarray(lab))
                row.update(auc_diff=cmp_.auc_diff, z=cmp_.z, p=cmp_.p)
            except Error as e:
                row["error"] = e.message
            comps.append(row)
    df = pd.DataFrame(rows_out, columns=["index", "n_pos", "n_neg", "auc", "auc_se",
                                         "auc_ci_low", "auc_ci_high", "youden_cutoff",
                                         "sensitivity", "specificity", "error"])
    df.attrs["comparisons"] = pd.DataFrame(comps, columns=["index", "with", "n_pos", "n_neg",
                                                           "auc_diff", "z", "p", "error"])
    df.attrs["published_cutoffs"] = pd.DataFrame(
        cuts, columns=["index", "cutoff", "absolute", "source", "sensitivity", "specificity"])
    df.attrs["no_outcome"] = no_outcome
    if plot is not None:
        ser = [(v[0], v[2], v[3]) for v in vars_ if not v[4]][:8]
        if not ser:
            raise ValueError(f"{os.fspath(plot)}: no ROC curve to draw")
        _plot_roc(plot, ser, "ROC: " + responses()[_lib.text(lib.dys_response_name(d))], dpi)
    return df


# ---------------------------------------------------------------------------
# agreement


@dataclass(frozen=True)
class IccValue:
    value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Icc:
    """The six ICC forms of Shrout & Fleiss with McGraw & Wong's 95 % CIs
    (dys_icc_compute): ``icc1_1`` one-way random, ``icc2_1`` two-way
    random, ``icc3_1`` two-way mixed (single rater), ``icc1_k`` ...
    ``icc3_k`` the mean of the k raters; and the ANOVA mean squares."""
    n: int
    k: int
    icc1_1: IccValue
    icc2_1: IccValue
    icc3_1: IccValue
    icc1_k: IccValue
    icc2_k: IccValue
    icc3_k: IccValue
    ms_rows: float
    ms_cols: float
    ms_error: float
    ms_within: float


@dataclass(frozen=True)
class BlandAltman:
    """Bland-Altman agreement of a and b (dys_bland_altman_compute): bias
    = mean(a - b) with its 95 % CI, the SD of the differences, the limits
    of agreement bias -+ 1.96 SD each with its 95 % CI, and the
    within-subject coefficient of variation in per cent."""
    n: int
    bias: float
    bias_ci_low: float
    bias_ci_high: float
    sd: float
    loa_low: float
    loa_low_ci_low: float
    loa_low_ci_high: float
    loa_high: float
    loa_high_ci_low: float
    loa_high_ci_high: float
    cv_pct: float


@dataclass(frozen=True)
class Agreement:
    """What ``stats agree`` reports for one set of ratings: n subjects, k
    raters, the ICCs, and with 2 raters Bland-Altman (else None)."""
    n: int
    k: int
    icc: Icc
    bland_altman: Optional[BlandAltman]


_ICC_FORMS = ("1_1", "2_1", "3_1", "1_k", "2_k", "3_k")


def _icc_of(x: np.ndarray) -> Icc:
    c = _lib.ctx()
    n, k = x.shape
    r = ffi.new("dys_icc *")
    _lib.check(lib.dys_icc_compute(c, _dp(np.ascontiguousarray(x).ravel()), n, k, r), c)
    v = [IccValue(f.value, f.ci_low, f.ci_high)
         for f in (getattr(r, "icc" + s) for s in _ICC_FORMS)]
    return Icc(r.n, r.k, *v, r.ms_rows, r.ms_cols, r.ms_error, r.ms_within)


def _ba_struct(a: np.ndarray, b: np.ndarray):
    c = _lib.ctx()
    r = ffi.new("dys_bland_altman *")
    _lib.check(lib.dys_bland_altman_compute(c, _dp(a), _dp(b), len(a), r), c)
    return r


_BA_FIELDS = ("n", "bias", "bias_ci_low", "bias_ci_high", "sd", "loa_low", "loa_low_ci_low",
              "loa_low_ci_high", "loa_high", "loa_high_ci_low", "loa_high_ci_high", "cv_pct")


def _agree_one(x: np.ndarray, plot, title, unit, dpi) -> Agreement:
    """agree_one of cli/stats_agree.c: the ICC, then with 2 raters
    Bland-Altman, then the figure."""
    icc = _icc_of(x)
    ba = None
    if x.shape[1] == 2:
        a = np.ascontiguousarray(x[:, 0])
        b = np.ascontiguousarray(x[:, 1])
        s = _ba_struct(a, b)
        ba = BlandAltman(*(getattr(s, f) for f in _BA_FIELDS))
    if plot is not None:
        if x.shape[1] != 2:
            raise ValueError(f"{os.fspath(plot)}: a Bland-Altman plot needs exactly 2 raters "
                             f"(have {x.shape[1]})")
        _can_plot()
        c = _lib.ctx()
        p = _plot_path(plot)
        _lib.check(lib.dys_plot_bland_altman(c, p.encode(), _dp(a), _dp(b), s,
                                             title.encode(),
                                             unit.encode() if unit is not None else ffi.NULL,
                                             dpi), c, p)
    return Agreement(icc.n, icc.k, icc, ba)


def agree(a: Any, b: Any = None, *, index: Union[str, Sequence[str], None] = None,
          plot: Optional[PathLike] = None, dpi: float = 150, unit: Optional[str] = None,
          title: Optional[str] = None):
    """Agreement between raters (observers, runs): ICC and Bland-Altman.

    Three modes, like ``dyssync stats agree``:

    * two arrays ``agree(a, b)``: the n x 2 ratings -> :class:`Agreement`
      (the six ICCs and Bland-Altman of a - b).
    * one n x k array or DataFrame ``agree(x)`` (rows subjects, columns
      raters, k >= 2; the CLI's ``--table`` without its subject column):
      subjects with a missing rating are left out, as the CLI does ->
      :class:`Agreement` (Bland-Altman only when k == 2).
    * two batch studies.csv (paths or DataFrames with a study_id column)
      ``agree(A, B, index=...)``, like ``stats agree A B --index ...``: ok
      studies matched by study_id (the first ok row of B with A's id) ->
      a pandas DataFrame, one row per index, with the CLI's CSV columns
      (``index, n, k, icc_1_1, icc_1_1_ci_low, ..., bias, ..., cv_pct,
      error``).  Without ``index``, every index column both tables hold
      that has a pair of values, as the CLI.

    Parameters
    ----------
    a, b : array_like, pandas.DataFrame, str or os.PathLike
        See the modes.
    index : str or sequence of str, optional
        Table mode: the index keys (of the library's catalogue, as the
        CLI's ``--index``); without it, every index of the catalogue
        that both tables have a column for and values of.
    plot : str or os.PathLike, optional
        The Bland-Altman figure (dys_plot_bland_altman); two raters only,
        and in table mode one index only.
    dpi : float
        The figure's resolution.
    unit : str, optional
        The axes' unit.  Default: in table mode the index's unit from the
        library's catalogue (dys_index_get()->unit), as the CLI; else
        none.
    title : str, optional
        The figure's title (default ``"Bland-Altman: <index>"`` or
        ``"Bland-Altman"``).

    Returns
    -------
    Agreement or pandas.DataFrame

    Raises
    ------
    ValueError
        Different lengths, fewer than 2 raters, an unknown column, a plot
        of more than 2 raters or more than one index.
    dyssync.Error
        The library's refusals: fewer than 3 subjects, a value that is
        not finite, an undefined ICC (no between-subject variance, or the
        raters agree exactly).  In table mode these go into ``error``.
    """
    if _is_path(a) or (_is_frame(a) and b is not None):
        if b is None:
            raise ValueError("agree: two studies.csv tables (A and B) are needed")
        return _agree_tables(a, b, index, plot, dpi, unit, title)
    if index is not None:
        raise ValueError("agree: index= is for two studies.csv tables")
    if b is not None:
        x, y = _doubles(a, "a"), _doubles(b, "b")
        _same_length(a=x, b=y)
        m = np.column_stack([x, y])
    else:
        m = np.asarray(a.to_numpy(dtype=float) if _is_frame(a) else a, dtype=float)
        if m.ndim != 2 or m.shape[1] < 2:
            raise ValueError("agree: one argument must be an n x k table of ratings with k >= 2 "
                             f"(rows subjects, columns raters), not shape {m.shape}")
        m = m[~np.isnan(m).any(axis=1)]
    return _agree_one(np.ascontiguousarray(m), plot, title or "Bland-Altman", unit, dpi)


def _agree_tables(a, b, index, plot, dpi, unit, title):
    pd = _pandas()
    A, B = _Results(a, "A"), _Results(b, "B")
    names = _names(index)
    named = names is not None
    if names is None:
        # every index of the catalogue that both tables have a column for
        names = [k for k in _catalogue() if A.col(k) >= 0 and B.col(k) >= 0]
    if plot is not None and len(names) != 1:
        raise ValueError(f"{os.fspath(plot)}: a Bland-Altman plot is of one index: pick it "
                         "with index=")
    first: Dict[str, int] = {}
    for q in range(B.nrow):
        if B.ok[q] and B.ids[q] not in first:
            first[B.ids[q]] = q
    match = [first.get(A.ids[r], -1) if A.ok[r] else -1 for r in range(A.nrow)]
    cols = ["index", "n", "k"]
    for f in _ICC_FORMS:
        cols += [f"icc_{f}", f"icc_{f}_ci_low", f"icc_{f}_ci_high"]
    cols += list(_BA_FIELDS[1:]) + ["error"]
    rows = []
    for n in names:
        ca, cb = A.column(n), B.column(n)
        va, vb = A.numbers(ca), B.numbers(cb)
        pairs = [(va[r], vb[match[r]]) for r in range(A.nrow)
                 if match[r] >= 0 and va[r] is not None and vb[match[r]] is not None]
        if not pairs and not named:
            continue
        x = np.array(pairs, dtype=float).reshape(-1, 2)
        row: Dict[str, Any] = dict.fromkeys(cols, math.nan)
        row.update(index=n, n=len(pairs), k=2, error=None)
        try:
            ag = _agree_one(x, plot, title or f"Bland-Altman: {n}",
                            unit if unit is not None else _index_unit(n), dpi)
        except Error as e:
            row["error"] = e.message
            if plot is not None:
                raise
        else:
            for f in _ICC_FORMS:
                v = getattr(ag.icc, "icc" + f)
                row.update({f"icc_{f}": v.value, f"icc_{f}_ci_low": v.ci_low,
                            f"icc_{f}_ci_high": v.ci_high})
            for f in _BA_FIELDS[1:]:
                row[f] = getattr(ag.bland_altman, f)
        rows.append(row)
    if not rows:
        raise ValueError("agree: no index has values for the same studies in both tables")
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------
# correlation


@dataclass(frozen=True)
class Corr:
    """A correlation coefficient of n pairs with its 95 % CI (Fisher's z;
    Fieller's SE for Spearman)."""
    n: int
    r: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Correlation:
    """Pearson's r and Spearman's rho of the same pairs."""
    n: int
    pearson: Corr
    spearman: Corr


@dataclass(frozen=True)
class CorrelationMatrix:
    """The matrices of ``stats correlate --results``: k x k DataFrames
    indexed by the index names in both directions (the diagonal too), NaN
    where a pair could not be computed, ``note`` saying why ("" when it
    could)."""
    indices: Tuple[str, ...]
    n: Any
    pearson_r: Any
    pearson_ci_low: Any
    pearson_ci_high: Any
    spearman_rho: Any
    spearman_ci_low: Any
    spearman_ci_high: Any
    note: Any
    n_ok: int  # the ok studies of the table (the figure's title says it)


def _corr_pair(x: np.ndarray, y: np.ndarray) -> Tuple[Corr, Corr]:
    c = _lib.ctx()
    p, s = ffi.new("dys_corr *"), ffi.new("dys_corr *")
    _lib.check(lib.dys_pearson(c, _dp(x), _dp(y), len(x), p), c)
    _lib.check(lib.dys_spearman(c, _dp(x), _dp(y), len(x), s), c)
    return (Corr(p.n, p.r, p.ci_low, p.ci_high), Corr(s.n, s.r, s.ci_low, s.ci_high))


def correlate(x: Any, y: Any = None, *, method: str = "both",
              index: Union[str, Sequence[str], None] = None,
              plot: Optional[PathLike] = None, dpi: float = 150):
    """Pearson and Spearman correlation with 95 % CIs.

    * two arrays ``correlate(x, y)``: pairs with a NaN in either are left
      out -> :class:`Correlation` (``method="both"``) or :class:`Corr`
      (``method="pearson"`` or ``"spearman"``).
    * a batch studies.csv (path or DataFrame) ``correlate(results)``, like
      ``dyssync stats correlate --results``: every pair of index columns
      on the ok studies with both values (pairwise complete) ->
      :class:`CorrelationMatrix`.  Without ``index``, every index column
      with values in at least 4 ok studies, as the CLI.

    Parameters
    ----------
    x, y : array_like, pandas.DataFrame, str or os.PathLike
    method : {"both", "pearson", "spearman"}
        Arrays mode: which coefficient(s) to return; table mode: which
        matrix the heat map shows (the CLI's is Spearman's: "both" too).
    index : str or sequence of str, optional
        Table mode: the index keys (of the library's catalogue, as the
        CLI's ``--index``).
    plot : str or os.PathLike, optional
        Table mode: the heat map (dys_plot_heatmap), titled as the CLI's.
    dpi : float
        The figure's resolution.

    Raises
    ------
    ValueError
        Different lengths, an unknown method or column, fewer than 2
        columns (table mode), a plot asked of two arrays.
    dyssync.Error
        Arrays mode: fewer than 4 pairs or a constant variable.  Table
        mode: a cell that is not a number (a pair that cannot be computed
        is NaN with its ``note``, as the CLI).
    """
    if method not in ("both", "pearson", "spearman"):
        raise ValueError(f"method {method!r}: both, pearson or spearman")
    if y is None and (_is_path(x) or _is_frame(x)):
        return _correlate_table(x, index, method, plot, dpi)
    if y is None:
        raise ValueError("correlate: needs x and y, or a studies.csv table")
    if plot is not None:
        raise ValueError("correlate: plot= draws the heat map of a table; two arrays have none")
    if index is not None:
        raise ValueError("correlate: index= is for a studies.csv table")
    a, b = _doubles(x, "x"), _doubles(y, "y")
    _same_length(x=a, y=b)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = np.ascontiguousarray(a[keep]), np.ascontiguousarray(b[keep])
    if method == "both":
        p, s = _corr_pair(a, b)
        return Correlation(p.n, p, s)
    c = _lib.ctx()
    out = ffi.new("dys_corr *")
    fn = lib.dys_pearson if method == "pearson" else lib.dys_spearman
    _lib.check(fn(c, _dp(a), _dp(b), len(a), out), c)
    return Corr(out.n, out.r, out.ci_low, out.ci_high)


def _correlate_table(src, index, method, plot, dpi):
    pd = _pandas()
    t = _Results(src)
    names = _names(index)
    if names is None:
        # corr_select: every index of the catalogue with a number in at
        # least 4 ok rows (a bad cell is not counted here; it is refused
        # when the index is computed)
        names = []
        x = ffi.new("double *")
        for key in _catalogue():
            col = t.col(key)
            if col >= 0 and sum(1 for r in range(t.nrow)
                                if t.ok[r] and t.num(r, col, x) == 0) >= 4:
                names.append(key)
    k = len(names)
    if k < 2:
        raise ValueError(f"{t.path or 'results'}: a correlation matrix needs at least 2 "
                         f"indices with values in 4 or more studies (have {k})")
    vals = [t.numbers(t.column(n)) for n in names]
    shape = (k, k)
    mats = {m: np.full(shape, math.nan) for m in
            ("pr", "pl", "ph", "sr", "sl", "sh")}
    nn = np.zeros(shape, dtype=int)
    note = np.full(shape, "", dtype=object)
    c = _lib.ctx()
    for i in range(k):
        for j in range(i, k):
            rows = [r for r in range(t.nrow)
                    if t.ok[r] and vals[i][r] is not None and vals[j][r] is not None]
            a = np.array([vals[i][r] for r in rows], dtype=float)
            b = np.array([vals[j][r] for r in rows], dtype=float)
            nn[i, j] = nn[j, i] = len(rows)
            p, s = ffi.new("dys_corr *"), ffi.new("dys_corr *")
            pa = _dp(a) if len(a) else ffi.NULL
            pb = _dp(b) if len(b) else ffi.NULL
            if lib.dys_pearson(c, pa, pb, len(a), p) != lib.DYS_OK or \
                    lib.dys_spearman(c, pa, pb, len(a), s) != lib.DYS_OK:
                note[i, j] = note[j, i] = _lib.text(lib.dys_ctx_error(c))
                continue
            for key, v in (("pr", p.r), ("pl", p.ci_low), ("ph", p.ci_high),
                           ("sr", s.r), ("sl", s.ci_low), ("sh", s.ci_high)):
                mats[key][i, j] = mats[key][j, i] = v

    def frame(m):
        return pd.DataFrame(m, index=names, columns=names)

    n_ok = sum(t.ok)
    cm = CorrelationMatrix(tuple(names), frame(nn), frame(mats["pr"]), frame(mats["pl"]),
                           frame(mats["ph"]), frame(mats["sr"]), frame(mats["sl"]),
                           frame(mats["sh"]), frame(note), n_ok)
    if plot is not None:
        _can_plot()
        pearson = method == "pearson"
        r = np.ascontiguousarray(mats["pr" if pearson else "sr"]).ravel()
        cn = [_cstr(n) for n in names]
        arr = ffi.new("const char *[]", cn)
        what = "Pearson's r" if pearson else "Spearman's rho"
        title = f"{what} between indices ({n_ok} studies)"
        p = _plot_path(plot)
        _lib.check(lib.dys_plot_heatmap(c, p.encode(), arr, k, _dp(r), title.encode(), dpi),
                   c, p)
    return cm


# ---------------------------------------------------------------------------
# kappa


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa of two binary classifications (dys_kappa) and the
    observed agreement (a proportion)."""
    n: int
    kappa: float
    observed: float


def kappa(a: Any, b: Any) -> Kappa:
    """Cohen's kappa of two binary classifications of the same subjects.

    Parameters
    ----------
    a, b : array_like
        0/1 or True/False, subject by subject.

    Returns
    -------
    Kappa

    Raises
    ------
    ValueError
        Different lengths, labels not 0/1.
    dyssync.Error
        No subjects, or kappa undefined (both put every subject in one
        class).
    """
    x, y = _labels(a, "a"), _labels(b, "b")
    _same_length(a=x, b=y)
    c = _lib.ctx()
    k, po = ffi.new("double *"), ffi.new("double *")
    _lib.check(lib.dys_kappa(c, _ip(x) if len(x) else ffi.NULL,
                             _ip(y) if len(y) else ffi.NULL, len(x), k, po), c)
    return Kappa(len(x), k[0], po[0])
