"""batch and read_batch: the CLI's tables, a failed study listed, errors."""

import shutil

import pytest

import dyssync
from conftest import TESTDATA, cli


def test_batch_tables_are_the_cli_batch(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(TESTDATA / "studies", inputs)
    (inputs / "broken.csv").write_text("time_ms,basal_inferoseptal\n0,1\n10,oops\n")
    t = dyssync.batch([inputs], tmp_path / "py", jobs=2, lowpass=25)
    cli("batch", "-q", "-j", "1", "--lowpass", "25", "-o", tmp_path / "cli", inputs, check=False)
    for name in ("studies.csv", "segments.csv", "errors.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    assert t.returncode == 1
    assert t.failed == [str(inputs / "broken.csv")]
    assert "3:4" in t.errors["message"][0]
    assert len(t.studies) == 7 and len(t.results) == 6     # the failed study has a row, no JSON
    ok = t.studies[t.studies["status"] == "ok"]
    r = dyssync.analyze(TESTDATA / "studies" / "lbbb_single.csv", lowpass=25)
    row = ok[ok["study_id"] == r.study_id].iloc[0]
    assert row["ts_sd_12_ms"] == pytest.approx(r.indices["ts_sd_12_ms"], abs=0.005)
    assert t.run["options"].startswith("lowpass=25")
    again = dyssync.read_batch(tmp_path / "py")
    assert again.studies.equals(t.studies) and again.returncode is None


def test_batch_errors(tmp_path):
    with pytest.raises(dyssync.Error, match="lowpass"):
        dyssync.batch([TESTDATA / "studies"], tmp_path / "o", lowpass="fast")
    with pytest.raises(ValueError, match="jobs"):
        dyssync.batch([TESTDATA / "studies"], tmp_path / "o", jobs=0)
    with pytest.raises(ValueError, match="at least one input"):
        dyssync.batch([], tmp_path / "o")
    with pytest.raises(dyssync.Error, match="not the output folder"):
        dyssync.read_batch(tmp_path)


def test_batch_without_the_program(tmp_path, monkeypatch):
    monkeypatch.setenv("DYSSYNC_PROGRAM", str(tmp_path / "no-such-dyssync"))
    with pytest.raises(dyssync.Error, match="cannot run the dyssync program"):
        dyssync.batch([TESTDATA / "studies"], tmp_path / "o")
