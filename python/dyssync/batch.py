"""Archives: ``dyssync batch`` run as a program, and its tables read back.

Batch is the CLI program's own job (the journal that keeps every study
done across a kill, --resume, the atomic tables, run.json); running that
one implementation keeps Python's tables byte for byte the CLI's, where a
second one written here could drift from it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

from ._lib import Error, given_or_built
from .core import PathLike, _option_values, _pandas


def program() -> str:
    """The dyssync program: DYSSYNC_PROGRAM, else the checkout's
    build/cli/dyssync, else the one on PATH."""
    found = given_or_built("DYSSYNC_PROGRAM", "cli", "dyssync") or shutil.which("dyssync")
    if not found:
        raise Error("the dyssync program is not found: install it (make install), put it on "
                    "PATH or set DYSSYNC_PROGRAM")
    return found


@dataclass
class BatchTables:
    """A batch's output folder read back: ``studies`` (one row per
    study), ``segments`` (one row per study and segment), ``errors``
    (source, message) as pandas DataFrames; ``run`` is run.json (how the
    tables were made: version, options, counts); ``results`` the analyze
    JSON of each study; ``returncode`` the program's exit status (1: some
    studies failed, listed in ``errors``) when :func:`batch` made them."""
    path: Path
    studies: Any
    segments: Any
    errors: Any
    run: Dict[str, Any]
    results: List[Dict[str, Any]]
    returncode: Optional[int] = None

    @property
    def failed(self) -> List[str]:
        return list(self.errors["source"]) if len(self.errors) else []


def read_batch(out: PathLike) -> BatchTables:
    """Read the tables of a ``dyssync batch`` (or ``merge``) output folder."""
    pd = _pandas()
    d = Path(out)
    if not (d / "studies.csv").is_file():
        raise Error(f"{d}: no studies.csv: not the output folder of dyssync batch", "I/O error",
                    str(d))
    run = json.loads((d / "run.json").read_text()) if (d / "run.json").is_file() else {}
    results = []
    if (d / "results.jsonl").is_file():
        with open(d / "results.jsonl") as f:
            results = [json.loads(line) for line in f if line.strip()]
    # study_id and source are text whatever they look like ("0001").
    keep = {"study_id": str, "source": str, "segment": str}
    return BatchTables(d, pd.read_csv(d / "studies.csv", dtype=keep),
                       pd.read_csv(d / "segments.csv", dtype=keep),
                       pd.read_csv(d / "errors.csv", dtype=str, keep_default_na=False),
                       run, results)


_FLAGS = {"resume": "--resume", "reanalyse": "--reanalyse", "contour_flip": "--contour-flip"}


def batch(inputs: Union[PathLike, Sequence[PathLike]], out: PathLike, *, jobs: Optional[int] = None,
          plots: Optional[str] = None, shard: Optional[str] = None, **options: Any) -> BatchTables:
    """Analyse every study under ``inputs`` (directories, study files or
    .txt manifests) into the folder ``out`` as ``dyssync batch`` does, and
    read the tables back (:func:`read_batch`).

    ``jobs`` studies in parallel (default: all cores); ``resume=True``
    keeps what an interrupted run finished; ``plots="all"``;
    ``shard="K/N"``; the analysis and reading options as for
    :func:`dyssync.analyze`.  A study that fails does not stop the batch:
    it is listed in ``.errors`` and ``returncode`` is 1.  A bad option or
    output folder raises :class:`dyssync.Error` with the program's
    message.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = [os.fspath(i) for i in inputs]
    if not inputs:
        raise ValueError("batch needs at least one input")
    args = [program(), "batch", "-q", "-o", os.fspath(out)]
    if jobs is not None:
        if not isinstance(jobs, int) or jobs < 1:
            raise ValueError(f"jobs takes a whole number >= 1, not {jobs!r}")
        args += ["-j", str(jobs)]
    if plots is not None:
        args += ["--plots", plots]
    if shard is not None:
        args += ["--shard", shard]
    for name, value in options.items():
        if name in _FLAGS:
            if value:
                args.append(_FLAGS[name])
            continue
        for v in _option_values(name, value):
            args += ["--" + name.replace("_", "-"), v]
    try:
        p = subprocess.run(args + ["--"] + inputs, capture_output=True, text=True)
    except OSError as e:
        raise Error(f"cannot run the dyssync program {args[0]}: {e.strerror} (install it with "
                    "make install, or set DYSSYNC_PROGRAM)", "batch failed") from None
    if p.returncode not in (0, 1) or not (Path(out) / "studies.csv").is_file():
        msg = p.stderr.strip().replace("\nTry 'dyssync help batch'.", "")
        raise Error(msg or f"dyssync batch failed (exit {p.returncode})", "batch failed")
    t = read_batch(out)
    t.returncode = p.returncode
    return t
