#!/usr/bin/env python3
"""The comparison baseline: what a researcher writes today to get the Yu index.

`make accuracy` (tests/accuracy.py) and `make bench` (tests/bench.py) run this
script beside dyssync on the same files, so the project's accuracy and speed
claims are measured against the conventional method, written plainly with
NumPy and SciPy, and not against dyssync's own choices.  It is part of the
test harness, not of the product.

The method, per study:

  1. Read the plain study CSV: `# key: value` metadata lines (avo_ms and
     avc_ms required, relative to the QRS onset; qrs_onsets_ms optional, a
     comma-separated list of beat onsets in ms), then a header `time_ms` (or
     `time_s`) followed by segment columns, one row per frame.  Columns other
     than the 12 segments of the 16-segment model's basal and mid rings (an
     `ecg` column, say) are ignored.  Comma, semicolon or tab separated.
  2. Interpolate every segment curve linearly to a uniform 1 kHz grid.
  3. Low-pass it with a 4th-order Butterworth filter at a fixed 25 Hz,
     applied forwards and backwards (scipy.signal.filtfilt, zero phase).
  4. In each beat, take the sample with the largest velocity between
     onset + AVO and onset + AVC (both ends included) and refine it with a
     parabola through that sample and its two neighbours (the vertex, when
     the maximum is not at an end of the window).  Without qrs_onsets_ms
     the file is one beat whose onset is time 0.  Beats whose window is not
     wholly inside the recording are skipped.  Ts of a segment = the mean
     over its beats.
  5. Indices over the 12 Ts: the Yu index (ts_sd_12_ms, sample SD, n - 1),
     ts_diff_12_ms (latest - earliest) and septal_lateral_delay_ms
     (Ts basal anterolateral - Ts basal inferoseptal).  Null unless all 12
     segments were measured (septal-lateral: unless both were).

Strain studies (`# trace: strain`, longitudinal strain in %): the same
resampling and filter, then the time to peak strain of each beat, the most
negative strain from the beat's onset to the next onset (to the end of the
recording for the last beat, or to onset + 60000 / hr_bpm when hr_bpm is
given), refined by the same parabola; the output has "strain_ttp_ms"
instead of Ts (and null Ts indices).

There is no noise estimate, no per-segment cut-off, no check of the input and
no segment status: every segment with a window inside the recording gets a
Ts.  That is the point of a baseline.

Output: one JSON object per study and line on stdout, in the order of the
arguments:

  {"path": ..., "study_id": ..., "beats": N, "ts_ms": {segment: ms or null},
   "ts_sd_12_ms": ..., "ts_diff_12_ms": ..., "septal_lateral_delay_ms": ...}

A study that cannot be read gives {"path": ..., "study_id": null,
"error": "..."} and a line on stderr.  Exit status: 0 every study analysed,
1 some failed, 2 none could be analysed (or no arguments).

usage: baseline_scipy.py STUDY.csv...
Needs NumPy and SciPy (Debian: python3-numpy python3-scipy).
"""
import io
import json
import math
import os
import sys

import numpy as np
from scipy.signal import butter, filtfilt

SEGMENTS = [
    "basal_anterior", "basal_anteroseptal", "basal_inferoseptal", "basal_inferior",
    "basal_inferolateral", "basal_anterolateral", "mid_anterior", "mid_anteroseptal",
    "mid_inferoseptal", "mid_inferior", "mid_inferolateral", "mid_anterolateral",
]

FS_HZ = 1000.0      # the uniform grid: 1 sample per ms
CUTOFF_HZ = 25.0    # fixed low-pass cut-off
ORDER = 4

FILTER_B, FILTER_A = butter(ORDER, CUTOFF_HZ, btype="low", fs=FS_HZ)


class StudyError(Exception):
    pass


def read_study(path):
    """-> (metadata dict, time in ms, {segment: velocities})."""
    meta, rows = {}, []
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
        elif line.strip():
            rows.append(line)
    if len(rows) < 2:
        raise StudyError("no data rows")
    header = rows[0]
    delim = ";" if ";" in header else ("\t" if "\t" in header else ",")
    names = [c.strip().lower() for c in header.split(delim)]
    if names[0] not in ("time_ms", "time_s"):
        raise StudyError("first column is %r, not time_ms or time_s" % names[0])
    body = "\n".join(rows[1:])
    if delim != ",":
        body = body.replace(",", ".")  # decimal commas
    try:
        data = np.loadtxt(io.StringIO(body), delimiter=delim, ndmin=2)
    except ValueError as e:
        raise StudyError("cannot read the numbers: %s" % e)
    if data.shape[1] != len(names):
        raise StudyError("%d columns in the header, %d in the rows" % (len(names), data.shape[1]))
    t = data[:, 0] * (1000.0 if names[0] == "time_s" else 1.0)
    curves = {name: data[:, i] for i, name in enumerate(names) if name in SEGMENTS}
    if not curves:
        raise StudyError("none of the 12 segment columns")
    return meta, t, curves


def meta_ms(meta, key):
    try:
        x = float(meta[key])
    except KeyError:
        raise StudyError("metadata %s missing" % key)
    except ValueError:
        raise StudyError("metadata %s is not a number: %r" % (key, meta[key]))
    if not math.isfinite(x):
        raise StudyError("metadata %s is not finite" % key)
    return x


def peak_time(grid, v, lo, hi):
    """Time (ms) of the largest v in [lo, hi], refined by a parabola."""
    i0 = int(np.searchsorted(grid, lo, side="left"))
    i1 = int(np.searchsorted(grid, hi, side="right"))  # exclusive
    k = i0 + int(np.argmax(v[i0:i1]))
    t = grid[k]
    if i0 < k < i1 - 1:
        y0, y1, y2 = v[k - 1], v[k], v[k + 1]
        curvature = y0 - 2.0 * y1 + y2
        if curvature < 0:
            t += 0.5 * (y0 - y2) / curvature * (grid[1] - grid[0])
    return float(t)


def analyze(path):
    meta, t, curves = read_study(path)
    avo, avc = meta_ms(meta, "avo_ms"), meta_ms(meta, "avc_ms")
    if not avo < avc:
        raise StudyError("avo_ms %g is not before avc_ms %g" % (avo, avc))
    if "qrs_onsets_ms" in meta:
        try:
            onsets = [float(x) for x in meta["qrs_onsets_ms"].split(",") if x.strip()]
        except ValueError:
            raise StudyError("qrs_onsets_ms is not a list of numbers")
    else:
        onsets = [0.0]
    if len(t) < 2 or np.any(np.diff(t) <= 0):
        raise StudyError("time does not increase")

    grid = np.arange(math.ceil(t[0]), t[-1] + 1e-9, 1000.0 / FS_HZ)
    windows = [(on + avo, on + avc, on) for on in onsets
               if on + avo >= grid[0] and on + avc <= grid[-1]]
    if not windows:
        raise StudyError("no beat's [AVO, AVC] window lies inside the recording")
    if len(grid) <= 3 * (ORDER + 1):
        raise StudyError("recording too short to filter")

    names = [s for s in SEGMENTS if s in curves]
    resampled = np.column_stack([np.interp(grid, t, curves[s]) for s in names])
    filtered = filtfilt(FILTER_B, FILTER_A, resampled, axis=0)

    ts = {s: None for s in SEGMENTS}
    strain = meta.get("trace", "velocity").strip().lower() == "strain"
    if strain:
        # each beat's cycle: its onset to the next one (or the heart rate's RR,
        # or the end of the recording), inside the recording
        rr = 60000.0 / float(meta["hr_bpm"]) if "hr_bpm" in meta else None
        cycles = []
        for k, on in enumerate(onsets):
            end = onsets[k + 1] if k + 1 < len(onsets) else (on + rr if rr else grid[-1])
            lo, hi = max(on, grid[0]), min(end, grid[-1])
            if hi > lo + 10:
                cycles.append((lo, hi, on))
        for j, s in enumerate(names):
            v = -filtered[:, j]
            ts[s] = float(np.mean([peak_time(grid, v, lo, hi) - on for lo, hi, on in cycles]))
        return {"path": path, "study_id": meta.get("study_id") or os.path.basename(path),
                "beats": len(cycles), "ts_ms": {s: None for s in SEGMENTS},
                "strain_ttp_ms": ts, "ts_sd_12_ms": None, "ts_diff_12_ms": None,
                "septal_lateral_delay_ms": None}
    for j, s in enumerate(names):
        v = filtered[:, j]
        ts[s] = float(np.mean([peak_time(grid, v, lo, hi) - on for lo, hi, on in windows]))

    out = {"path": path, "study_id": meta.get("study_id") or os.path.basename(path),
           "beats": len(windows), "ts_ms": ts,
           "ts_sd_12_ms": None, "ts_diff_12_ms": None, "septal_lateral_delay_ms": None}
    if all(ts[s] is not None for s in SEGMENTS):
        v = np.array([ts[s] for s in SEGMENTS])
        out["ts_sd_12_ms"] = float(np.std(v, ddof=1))
        out["ts_diff_12_ms"] = float(v.max() - v.min())
    if ts["basal_anterolateral"] is not None and ts["basal_inferoseptal"] is not None:
        out["septal_lateral_delay_ms"] = ts["basal_anterolateral"] - ts["basal_inferoseptal"]
    return out


def main(argv):
    if not argv:
        print("usage: baseline_scipy.py STUDY.csv...", file=sys.stderr)
        return 2
    failed = 0
    for path in argv:
        try:
            result = analyze(path)
        except (OSError, UnicodeDecodeError, StudyError) as e:
            failed += 1
            print("baseline_scipy: %s: %s" % (path, e), file=sys.stderr)
            result = {"path": path, "study_id": None, "error": str(e)}
        sys.stdout.write(json.dumps(result) + "\n")
    if failed == len(argv):
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
