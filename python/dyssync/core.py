"""Studies, their analysis and figures: the library's read, analyze and
plot on files or NumPy arrays."""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from ._lib import Error, check, ctx, error_from, ffi, lib, text

PathLike = Union[str, "os.PathLike[str]"]

# The reading options (dys_read_options); every other option is an
# analysis option (dys_params).  Both are set by their command-line names
# through dys_option_set, so Python validates exactly as the CLI does.
READ_OPTIONS = ("map", "max_file_mb", "max_rows", "qrs_onsets", "contour_trace",
                "contour_flip")


def _option_text(name: str, value: Any) -> Optional[str]:
    """A Python value as the command line writes it."""
    if isinstance(value, bool):
        if name == "contour_flip":
            return "yes" if value else "no"
        raise ValueError(f"{name} takes a value, not {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(float(value)) if isinstance(value, (float, np.floating)) else str(value)
    if isinstance(value, str):
        return value
    if name == "min_segments" and isinstance(value, (tuple, list)) and len(value) == 2:
        return f"{value[0]}/{value[1]}"
    if name in ("qrs_onsets", "indices") and isinstance(value, (list, tuple, np.ndarray)):
        return ",".join(_option_text(name, v) for v in value)
    if name == "map" and isinstance(value, Mapping):
        return ",".join(f"{k}={v}" for k, v in value.items())
    raise ValueError(f"{name}: cannot take {type(value).__name__} {value!r}")


def _option_values(name: str, value: Any) -> List[str]:
    """The command-line values of one option: one, or for a cutoff dict
    one KEY=VALUE per index."""
    if name == "cutoff" and isinstance(value, Mapping):
        return [f"{k}={_option_text('cutoff', v)}" for k, v in value.items()]
    return [_option_text(name, value)]


def _set_options(params, ropts, options: Mapping[str, Any]) -> None:
    c = ctx()
    for name, value in options.items():
        if value is None:
            continue
        if name == "cutoff" and not isinstance(value, Mapping):
            raise ValueError("cutoff takes a dict of index key -> cut-off, "
                             "e.g. cutoff={'ts_sd_12_ms': 30}")
        for item in _option_values(name, value):
            st = lib.dys_option_set(c, params if params is not None else ffi.NULL,
                                    ropts if ropts is not None else ffi.NULL,
                                    name.encode(), item.encode())
            if st != lib.DYS_OK:
                e = error_from(st, c)
                raise ValueError(f"{e.message} (got {name}={value!r})")


def _read_options(options: Mapping[str, Any]):
    ro = ffi.gc(lib.dys_read_options_new(), lib.dys_read_options_free)
    if ro == ffi.NULL:
        raise MemoryError("dyssync: out of memory")
    _set_options(None, ro, options)
    return ro


def _split(options: Mapping[str, Any]):
    read = {k: v for k, v in options.items() if k in READ_OPTIONS}
    rest = {k: v for k, v in options.items() if k not in READ_OPTIONS}
    return read, rest


@dataclass(frozen=True)
class Recording:
    """One view's curves as read: the time axis (ms), each segment's curve
    (cm/s for velocity, % for strain; NaN where a sample is missing), the
    ECG (mV) when the file has one.  The arrays are copies: changing them
    changes nothing in the study."""
    view: str
    source: str
    time_ms: np.ndarray
    curves: Dict[str, np.ndarray]
    ecg_mv: Optional[np.ndarray]


def _array(p, n: int) -> np.ndarray:
    return np.frombuffer(ffi.buffer(p, n * 8), dtype=np.float64).copy()


class Study:
    """A study as the library holds it: read from a file or a directory of
    view files (:meth:`read`), or made from arrays (:meth:`from_arrays`)."""

    def __init__(self, handle, source: str):
        self._h = handle
        self.source = source

    @classmethod
    def read(cls, path: PathLike, **options: Any) -> "Study":
        """Read a study: a study CSV, a GE EchoPAC export, a myocardial-work
        workbook, or a directory of view files (docs/format.md).

        Reading options, named as on the command line: ``map``
        ("YELLOW=basal_inferoseptal,...", or a dict), ``qrs_onsets`` (a
        list of ms), ``contour_trace`` ("strain" or "velocity"),
        ``contour_flip`` (bool), ``max_file_mb``, ``max_rows``.

        Raises :class:`dyssync.Error` naming file, line and column when
        the input breaks the format, ``ValueError`` for a bad option.
        """
        bad = [k for k in options if k not in READ_OPTIONS]
        if bad:
            raise ValueError(f"Study.read takes the reading options {', '.join(READ_OPTIONS)}; "
                             f"not {', '.join(bad)} (analysis options go to analyze)")
        path = os.fspath(path)
        ro = _read_options(options)
        out = ffi.new("dys_study **")
        c = ctx()
        st = lib.dys_study_read(c, path.encode(), ro, out)
        check(st, c, path)
        return cls(ffi.gc(out[0], lib.dys_study_free), path)

    @classmethod
    def from_arrays(cls, time_ms: Sequence[float], curves: Mapping[str, Sequence[float]],
                    ecg: Optional[Sequence[float]] = None, *, trace: str = "velocity",
                    name: str = "arrays", **metadata: Any) -> "Study":
        """A study of one recording from arrays: ``time_ms`` (strictly
        increasing), ``curves`` segment name -> samples (cm/s for
        velocity, % for ``trace="strain"``; NaN is a missing sample), an
        optional ``ecg`` (mV).  Metadata as in a study file, by key:
        ``study_id="P1", avo_ms=92, avc_ms=405, qrs_onsets_ms=[0, 850]``,
        ``lbbb=True`` (docs/format.md, "Metadata lines").

        The arrays go through the library's own reader (as a study CSV in
        memory), so they meet the same checks as a file; an error names the
        sample and column (``Error.sample``, ``Error.column``) instead of a
        line.
        """
        t = np.asarray(time_ms, dtype=np.float64)
        if t.ndim != 1 or t.size < 3:
            raise ValueError(f"time_ms must be a 1-D array of at least 3 samples, got shape {t.shape}")
        if not np.all(np.isfinite(t)):
            raise ValueError(f"time_ms must be finite: sample {int(np.argmin(np.isfinite(t)))} is not")
        if not curves:
            raise ValueError("curves is empty: give at least one segment, e.g. "
                             "{'basal_inferoseptal': velocities}")
        cols: List[str] = []
        data: List[np.ndarray] = []
        for seg, v in curves.items():
            if lib.dys_segment_from_name(str(seg).encode()) < 0:
                names = ", ".join(text(lib.dys_segment_name(i)) for i in range(18))
                raise ValueError(f"curves: {seg!r} is not a segment; expected one of {names}")
            a = np.asarray(v, dtype=np.float64)
            if a.shape != t.shape:
                raise ValueError(f"curves[{seg!r}] has shape {a.shape}, time_ms {t.shape}")
            if np.any(np.isinf(a)):
                raise ValueError(f"curves[{seg!r}] sample {int(np.argmax(np.isinf(a)))} is infinite")
            cols.append(str(seg))
            data.append(a)
        if ecg is not None:
            e = np.asarray(ecg, dtype=np.float64)
            if e.shape != t.shape:
                raise ValueError(f"ecg has shape {e.shape}, time_ms {t.shape}")
            cols.append("ecg_mv")
            data.append(e)
        if trace not in ("velocity", "strain"):
            raise ValueError(f"trace takes 'velocity' or 'strain', not {trace!r}")
        lines = []
        keys: List[str] = []
        meta = dict(metadata)
        if trace == "strain":
            meta["trace"] = "strain"
        for k, v in meta.items():
            if v is None:  # not given, as in a file without the line
                continue
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", k):
                raise ValueError(f"metadata key {k!r}: expected letters, digits and _")
            if isinstance(v, bool):
                v = "yes" if v else "no"
            elif isinstance(v, (list, tuple, np.ndarray)):
                v = ",".join(repr(float(x)) for x in v)
            elif isinstance(v, (float, np.floating)):
                v = repr(float(v))
            v = str(v)
            if "\n" in v or "\r" in v:
                raise ValueError(f"metadata {k}: a value is one line")
            lines.append(f"# {k}: {v}")
            keys.append(k)
        lines.append(",".join(["time_ms"] + cols))
        first_row = len(lines) + 1
        m = np.column_stack([t] + data)
        for row in m:
            lines.append(",".join("" if math.isnan(x) else repr(x) for x in row.tolist()))
        blob = ("\n".join(lines) + "\n").encode()
        out = ffi.new("dys_study **")
        c = ctx()
        st = lib.dys_study_read_memory(c, name.encode(), blob, len(blob), ffi.NULL, out)
        if st != lib.DYS_OK:
            raise _array_error(error_from(st, c), name, keys, ["time_ms"] + cols, first_row)
        return cls(ffi.gc(out[0], lib.dys_study_free), name)

    @property
    def study_id(self) -> str:
        return text(lib.dys_study_id(self._h))

    @property
    def trace(self) -> str:
        return "strain" if lib.dys_study_trace(self._h) == 1 else "velocity"

    @property
    def recordings(self) -> List[Recording]:
        """Each view as read, in the library's order (A4C, A2C, APLAX)."""
        out = []
        for i in range(lib.dys_study_recordings(self._h)):
            n = lib.dys_study_samples(self._h, i)
            curves = {}
            for s in range(18):
                p = lib.dys_study_curve(self._h, i, s)
                if p != ffi.NULL:
                    curves[text(lib.dys_segment_name(s))] = _array(p, n)
            e = lib.dys_study_ecg(self._h, i)
            out.append(Recording(text(lib.dys_study_view(self._h, i)),
                                 text(lib.dys_study_source(self._h, i)),
                                 _array(lib.dys_study_time(self._h, i), n), curves,
                                 None if e == ffi.NULL else _array(e, n)))
        return out

    def __repr__(self) -> str:
        return f"<dyssync.Study {self.study_id!r} {self.trace}, {lib.dys_study_recordings(self._h)} recording(s)>"


def _array_error(e: Error, name: str, keys: List[str], cols: List[str], first_row: int) -> Error:
    """An error of the in-memory CSV in the caller's terms: metadata key,
    or sample index and column."""
    if e.line is None or e.file != name:
        return e
    rest = e.message.split(": ", 1)[1] if ": " in e.message else e.message
    if e.line <= len(keys):
        e2 = Error(f"from_arrays: metadata {keys[e.line - 1]}: {rest}", e.status, None)
        e2.key = keys[e.line - 1]
        return e2
    col = cols[e.column - 1] if e.column is not None and 0 < e.column <= len(cols) else None
    if e.line < first_row:
        e2 = Error(f"from_arrays: column {col}: {rest}", e.status)
        e2.column_name = col
        return e2
    sample = e.line - first_row
    e2 = Error(f"from_arrays: sample {sample}{f', {col}' if col else ''}: {rest}", e.status)
    e2.sample, e2.column_name = sample, col
    return e2


class Result:
    """One study's analysis: the fields of the JSON that ``dyssync
    analyze --format json`` writes (docs/format.md, "Output: JSON"), made by
    the same library call, so the values are the CLI's.

    ``indices`` key -> value (None with a reason in ``warnings``),
    ``classification``, ``eligibility`` (CRT criteria), ``segments`` and
    ``recordings`` as lists of dicts, ``json`` the whole object.
    """

    def __init__(self, study: Study, handle, options: Mapping[str, Any]):
        self.study = study
        self._h = handle
        self.options = dict(options)
        c = ctx()
        p = lib.dys_result_json(c, handle)
        if p == ffi.NULL:
            raise error_from(lib.DYS_ERR_NOMEM, c)
        try:
            self.json: Dict[str, Any] = json.loads(ffi.string(p).decode())
        finally:
            lib.dys_free(p)

    study_id = property(lambda self: self.json["study_id"])
    indices = property(lambda self: self.json["indices"])
    classification = property(lambda self: self.json["classification"])
    eligibility = property(lambda self: self.json["crt_eligibility"])
    segments = property(lambda self: self.json["segments"])
    recordings = property(lambda self: self.json["recordings"])
    warnings = property(lambda self: self.json["warnings"])

    def report(self) -> str:
        """The text report ``dyssync analyze`` prints."""
        c = ctx()
        p = lib.dys_result_text(c, self._h)
        if p == ffi.NULL:
            raise error_from(lib.DYS_ERR_NOMEM, c)
        try:
            return ffi.string(p).decode()
        finally:
            lib.dys_free(p)

    def to_frame(self):
        """The indices as a one-row pandas DataFrame indexed by study_id,
        a column per index key (``pd.concat`` of several gives a table
        like batch's studies.csv)."""
        pd = _pandas()
        return pd.DataFrame([self.indices], index=pd.Index([self.study_id], name="study_id"))

    def segments_frame(self):
        """The segments as a pandas DataFrame, one row per segment; flags
        joined by '|' as in segments.csv."""
        pd = _pandas()
        rows = []
        for s in self.segments:
            r = {"study_id": self.study_id}
            for k, v in s.items():
                r[k] = "|".join(v) if k == "flags" else v
            rows.append(r)
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        ts = self.indices.get("ts_sd_12_ms")
        return f"<dyssync.Result {self.study_id!r} ts_sd_12_ms={ts}>"


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("this needs pandas (Debian: apt install python3-pandas; "
                          "or pip install pandas)") from None
    return pandas


def analyze(study: Union[PathLike, Study], **options: Any) -> Result:
    """Analyse a study (a path, or a :class:`Study`) as ``dyssync
    analyze`` does.

    Options are named as on the command line, ``-`` written ``_``:
    ``lowpass=25`` (Hz, "auto" or "off"), ``peak="first"``,
    ``first_fraction=0.8``, ``sd="population"``, ``avo=90``, ``avc=400``,
    ``min_segments=(10, 5)``, ``low_amplitude=1.0``, ``max_gap=40``,
    ``ectopic_rr=0.2``, ``avc_estimate="heart-rate"``,
    ``cutoff={"ts_sd_12_ms": 30}``, ``indices=["ts"]``; with a path also
    the reading options of :meth:`Study.read`.  A bad option raises
    ``ValueError`` with the library's message; a study that cannot be read
    or analysed raises :class:`dyssync.Error`.  The GIL is released while
    the library works, so threads analyse in parallel.
    """
    read, rest = _split(options)
    if isinstance(study, Study):
        if read:
            raise ValueError(f"{', '.join(read)}: reading options apply when analyze reads "
                             "a file; give them to Study.read")
        s = study
    else:
        s = Study.read(study, **read)
    params = ffi.gc(lib.dys_params_new(), lib.dys_params_free)
    if params == ffi.NULL:
        raise MemoryError("dyssync: out of memory")
    _set_options(params, None, rest)
    out = ffi.new("dys_result **")
    c = ctx()
    st = lib.dys_analyze(c, s._h, params, out)
    check(st, c, s.source)
    return Result(s, ffi.gc(out[0], lib.dys_result_free), options)


PLOT_KINDS = ("curves", "bullseye", "bars", "report")


def plot(result: Result, kind: str = "report", path: Optional[PathLike] = None, *,
         dpi: float = 150, width: Optional[float] = None, height: Optional[float] = None,
         delay: bool = False, tsi_colours: bool = False, beat: int = 0,
         colour_scale: str = "fixed") -> Path:
    """Draw a figure of a result as ``dyssync plot`` does: ``kind``
    curves, bullseye, bars or report; the extension of ``path`` (.png,
    .svg, .pdf) picks the format; written atomically.  Returns the path."""
    if not isinstance(result, Result):
        raise TypeError("plot takes a Result (dyssync.analyze(...))")
    if path is None:
        raise ValueError("plot needs path=..., e.g. 'report.png'")
    o = ffi.new("dys_plot_options *")
    lib.dys_plot_options_defaults(o)
    k = lib.dys_plot_kind_parse(kind.encode()) if isinstance(kind, str) else -1
    if k < 0:
        raise ValueError(f"kind takes {', '.join(PLOT_KINDS)}; not {kind!r}")
    o.kind = k
    if not 30 <= dpi <= 1200:
        raise ValueError(f"dpi takes 30..1200, not {dpi!r}")
    o.dpi = dpi
    for nm, v in (("width", width), ("height", height)):
        if v is not None and not 0 < v <= 50:
            raise ValueError(f"{nm} takes inches, up to 50, not {v!r}")
    o.width_in = width or 0.0
    o.height_in = height or 0.0
    o.bullseye_delay = bool(delay)
    o.tsi_colours = bool(tsi_colours)
    if not isinstance(beat, int) or beat < 0:
        raise ValueError(f"beat takes an accepted beat number >= 1 (0: the first), not {beat!r}")
    o.beat = beat
    cs = lib.dys_colour_scale_parse(colour_scale.encode()) if isinstance(colour_scale, str) else -1
    if cs < 0:
        raise ValueError(f"colour_scale takes fixed or study, not {colour_scale!r}")
    o.colour_scale = cs
    p = os.fspath(path)
    c = ctx()
    check(lib.dys_plot_write(c, result.study._h, result._h, o, p.encode()), c, p)
    return Path(p)
