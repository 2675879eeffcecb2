"""Study, analyze, Result and plot: the CLI's values, arrays in and out,
every error path, threads."""

import json
import math
import os
import re
import sys
import threading

import numpy as np
import pytest

import dyssync
from dyssync import _lib
from conftest import CHECKOUT, TESTDATA, cli

STUDIES = sorted((TESTDATA / "studies").iterdir())


def _cli_json(path, *opts):
    return json.loads(cli("analyze", "--format", "json", *opts, path).stdout)


@pytest.mark.parametrize("path", STUDIES, ids=lambda p: p.name)
def test_values_equal_the_cli_json(path):
    r = dyssync.analyze(path)
    assert r.json == _cli_json(path)
    # the accessors are the JSON's fields
    assert r.indices == r.json["indices"]
    assert r.eligibility == r.json["crt_eligibility"]
    assert r.segments and r.recordings and r.classification


def test_options_named_as_on_the_cli():
    path = TESTDATA / "studies" / "lbbb_single.csv"
    r = dyssync.analyze(path, lowpass=25, peak="first", first_fraction=0.7, sd="population",
                        min_segments=(9, 4), cutoff={"ts_sd_12_ms": 30}, indices=["ts", "cycle"])
    want = _cli_json(path, "--lowpass", "25", "--peak", "first", "--first-fraction", "0.7",
                     "--sd", "population", "--min-segments", "9/4", "--cutoff",
                     "ts_sd_12_ms=30", "--indices", "ts,cycle")
    assert r.json == want
    assert r.json != dyssync.analyze(path).json


def test_report_is_the_cli_text():
    path = TESTDATA / "studies" / "lbbb_single.csv"
    assert dyssync.analyze(path).report() == cli("analyze", path).stdout


def test_reading_options_and_view_directory():
    path = TESTDATA / "studies" / "echopac_a4c_velocity.txt"
    onsets = "40,500"
    r = dyssync.analyze(path, qrs_onsets=[40, 500])
    assert r.json == _cli_json(path, "--qrs-onsets", onsets)
    views = dyssync.Study.read(TESTDATA / "studies" / "lbbb_views")
    assert [rec.view for rec in views.recordings] == ["A4C", "A2C", "APLAX"]


def test_frames():
    r = dyssync.analyze(TESTDATA / "studies" / "lbbb_single.csv")
    f = r.to_frame()
    assert list(f.index) == [r.study_id]
    assert f.loc[r.study_id, "ts_sd_12_ms"] == r.indices["ts_sd_12_ms"]
    s = r.segments_frame()
    assert len(s) == len(r.segments)
    assert set(s["name"]) == {seg["name"] for seg in r.segments}


def test_frames_without_pandas(monkeypatch):
    r = dyssync.analyze(TESTDATA / "studies" / "lbbb_single.csv")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="python3-pandas"):
        r.to_frame()


# ---- arrays in and out ------------------------------------------------------

def _csv(path):
    meta, rows, head = {}, [], None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("#"):
            k, v = line[1:].split(":", 1)
            meta[k.strip()] = v.strip()
        elif head is None:
            head = line.split(",")
        else:
            rows.append([float(x) if x else math.nan for x in line.split(",")])
    return meta, head, np.array(rows)


def test_arrays_out_are_the_file():
    path = TESTDATA / "studies" / "lbbb_single.csv"
    meta, head, m = _csv(path)
    study = dyssync.Study.read(path)
    assert study.study_id == meta["study_id"] and study.trace == "velocity"
    (rec,) = study.recordings
    assert np.array_equal(rec.time_ms, m[:, 0])
    for j, name in enumerate(head[1:], start=1):
        assert np.array_equal(rec.curves[name], m[:, j])
    assert rec.ecg_mv is None


def test_arrays_in_give_the_file_result():
    path = TESTDATA / "studies" / "lbbb_single.csv"
    meta, head, m = _csv(path)
    curves = {name: m[:, j] for j, name in enumerate(head[1:], start=1)}
    study = dyssync.Study.from_arrays(m[:, 0], curves, **meta)
    rec = study.recordings[0]
    assert np.array_equal(rec.time_ms, m[:, 0])      # bit for bit through the text
    a, b = dyssync.analyze(study).json, dyssync.analyze(path).json
    for k in ("source",):
        a.pop(k), b.pop(k)
    for r in a["recordings"] + b["recordings"] + a["segments"] + b["segments"]:
        r.pop("file")
    assert a == b


def test_arrays_with_ecg_and_missing_samples():
    t = np.arange(0, 2000, 5.0)
    ecg = np.zeros_like(t)
    for onset in (100, 900, 1700):
        ecg += 1.5 * np.exp(-0.5 * ((t - onset - 40) / 12) ** 2)
    v = 6 * np.exp(-0.5 * (((t - 100) % 800 - 180) / 40) ** 2)
    v[50] = np.nan
    s = dyssync.Study.from_arrays(t, {"basal_inferoseptal": v}, ecg, study_id="E1", lvef_pct=None)
    rec = s.recordings[0]
    assert np.isnan(rec.curves["basal_inferoseptal"][50])
    assert np.array_equal(rec.ecg_mv, ecg)
    r = dyssync.analyze(s)
    assert r.study_id == "E1"
    assert r.recordings[0]["qrs_onset_source"] == "detected"     # on the ECG given
    beats = r.recordings[0]["beats"]
    assert [round(b["rr_ms"] or 0) for b in beats] == [800, 800, 0]
    assert [b["accepted"] for b in beats] == [True, True, False]


# ---- errors -------------------------------------------------------------------

def test_read_errors_carry_file_line_column(tmp_path):
    with pytest.raises(dyssync.Error) as e:
        dyssync.Study.read(tmp_path / "none.csv")
    assert e.value.file == str(tmp_path / "none.csv") and e.value.line is None
    bad = tmp_path / "bad.csv"
    bad.write_text("time_ms,basal_inferoseptal\n0,1\n10,2\n20,x\n30,1\n")
    with pytest.raises(dyssync.Error) as e:
        dyssync.analyze(bad)
    assert (e.value.file, e.value.line, e.value.column) == (str(bad), 4, 4)
    assert e.value.status == "parse error"
    assert str(e.value).startswith(f"{bad}:4:4: ")


def test_array_errors_name_sample_and_column():
    t = np.arange(0, 1000, 10.0)
    t[20] = t[19]
    with pytest.raises(dyssync.Error) as e:
        dyssync.Study.from_arrays(t, {"basal_inferoseptal": np.zeros_like(t)})
    assert e.value.sample == 20 and e.value.column_name == "time_ms"
    assert "sample 20" in str(e.value)
    t = np.arange(0, 1000, 10.0)
    with pytest.raises(dyssync.Error) as e:
        dyssync.Study.from_arrays(t, {"basal_inferoseptal": np.zeros_like(t)}, lv_pep_ms="abc")
    assert e.value.key == "lv_pep_ms" and "lv_pep_ms" in str(e.value)


@pytest.mark.parametrize("args, match", [
    (([0, 1], {"basal_inferoseptal": [0, 1]}), "at least 3"),
    (([0, 1, 2], {}), "curves is empty"),
    (([0, 1, 2], {"septum": [0, 1, 2]}), "not a segment"),
    (([0, 1, 2], {"basal_inferoseptal": [0, 1]}), "shape"),
    (([0, 1, np.inf], {"basal_inferoseptal": [0, 1, 2]}), "finite"),
    (([0, 1, 2], {"basal_inferoseptal": [0, np.inf, 2]}), "infinite"),
])
def test_array_value_errors(args, match):
    with pytest.raises(ValueError, match=match):
        dyssync.Study.from_arrays(*args)


@pytest.mark.parametrize("opts, match", [
    ({"lowpass": "abc"}, "lowpass takes a cut-off in Hz"),
    ({"peak": "middle"}, "peak takes max or first"),
    ({"first_fraction": 2}, "first_fraction takes a number"),
    ({"min_segments": (13, 5)}, "min_segments takes"),
    ({"cutoff": {"no_such_index": 3}}, "cutoff takes INDEX=VALUE"),
    ({"cutoff": 3}, "cutoff takes a dict"),
    ({"indices": ["nonsense"]}, "nonsense"),
    ({"frobnicate": 1}, "frobnicate"),
    ({"contour_trace": "pressure"}, "contour_trace takes strain or velocity"),
    ({"sd": True}, "sd takes a value"),
])
def test_bad_options_raise_value_error(opts, match):
    with pytest.raises(ValueError, match=match):
        dyssync.analyze(TESTDATA / "studies" / "lbbb_single.csv", **opts)


def test_reading_options_belong_to_reading():
    s = dyssync.Study.read(TESTDATA / "studies" / "lbbb_single.csv")
    with pytest.raises(ValueError, match="reading options"):
        dyssync.analyze(s, contour_flip=True)
    with pytest.raises(ValueError, match="analysis options go to analyze"):
        dyssync.Study.read(TESTDATA / "studies" / "lbbb_single.csv", lowpass=25)


def test_plot_equals_the_cli_and_its_errors(tmp_path):
    path = TESTDATA / "studies" / "lbbb_single.csv"
    r = dyssync.analyze(path)
    out = dyssync.plot(r, "bullseye", tmp_path / "b.png", dpi=80)
    cli("plot", "--kind", "bullseye", "--dpi", "80", "-o", tmp_path / "c.png", path)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.read_bytes() == (tmp_path / "c.png").read_bytes()
    with pytest.raises(ValueError, match="kind takes"):
        dyssync.plot(r, "pie", tmp_path / "x.png")
    with pytest.raises(ValueError, match="dpi"):
        dyssync.plot(r, "report", tmp_path / "x.png", dpi=5)
    with pytest.raises(ValueError, match="colour_scale"):
        dyssync.plot(r, "report", tmp_path / "x.png", colour_scale="rainbow")
    with pytest.raises(dyssync.Error) as e:
        dyssync.plot(r, "report", tmp_path / "x.gif")
    assert "gif" in str(e.value)
    with pytest.raises(dyssync.Error):
        dyssync.plot(r, "report", tmp_path / "no" / "dir" / "x.png")


# ---- threads ------------------------------------------------------------------

def test_threads_give_the_sequential_results():
    paths = [p for p in STUDIES] * 3
    want = [dyssync.analyze(p).json for p in paths]
    got = [None] * len(paths)

    def work(k):
        for i in range(k, len(paths), 4):
            got[i] = dyssync.analyze(paths[i]).json

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == want


def test_gil_released_during_library_calls(tmp_path):
    """The library reads a FIFO, so it blocks in C until this thread writes
    into it: were the GIL held during the call, this thread could never
    run and the test would hang (faulthandler then ends it).  A pipe is
    read once (dys_study_read loads it before looking at it)."""
    import faulthandler
    fifo = tmp_path / "study.csv"
    os.mkfifo(fifo)
    data = (TESTDATA / "studies" / "lbbb_single.csv").read_bytes()
    box = {}

    def read():
        try:
            box["study"] = dyssync.Study.read(fifo)
        except Exception as e:  # reported below
            box["error"] = e

    faulthandler.dump_traceback_later(60, exit=True)
    try:
        t = threading.Thread(target=read)
        t.start()
        # A non-blocking open fails until the reader waits in its open().
        while t.is_alive():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                t.join(0.005)
                continue
            os.set_blocking(fd, True)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            t.join()
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert "error" not in box, box.get("error")
    assert box["study"].study_id == "LBBB-01"


# ---- version ------------------------------------------------------------------

def test_version_checked_at_import():
    meson = (CHECKOUT / "meson.build").read_text()
    assert re.search(r"version : '([^']+)'", meson)[1] == dyssync.__version__
    assert dyssync.library_version() == dyssync.__version__
    _lib._check_version("0.1.7", "0.1.0")
    with pytest.raises(ImportError, match="needs the C library 0.1.x"):
        _lib._check_version("0.2.0", "0.1.0")


def test_library_not_found_is_a_clear_import_error(tmp_path):
    import subprocess
    env = dict(os.environ, DYSSYNC_LIBRARY=str(tmp_path / "libnothing.so"))
    p = subprocess.run([sys.executable, "-c", "import dyssync"], env=env,
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert "ImportError: dyssync: cannot load the C library" in p.stderr
    assert "DYSSYNC_LIBRARY" in p.stderr
