"""dyssync.stats against the CLI (`dyssync stats ... --format json|csv`) on
the README's synthetic cohort, against hand-computable cases, and on its
error paths.

The CLI is DYSSYNC_PROGRAM when set, else <checkout>/build/cli/dyssync."""

import csv
import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from dyssync import stats
from dyssync._lib import Error

CHECKOUT = Path(__file__).resolve().parents[2]
PROGRAM = os.environ.get("DYSSYNC_PROGRAM") or str(CHECKOUT / "build" / "cli" / "dyssync")
PNG = b"\x89PNG\r\n\x1a\n"


def run(*args, cwd=None, ok=(0,)):
    p = subprocess.run([PROGRAM, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    assert p.returncode in ok, f"{args}: {p.returncode}\n{p.stderr}"
    return p.stdout


def close(py, cli):
    """py equals the CLI's number printed with 6 significant digits."""
    if cli is None:
        return py is None or (isinstance(py, float) and math.isnan(py))
    return float(f"{py:.6g}") == pytest.approx(cli, rel=1e-12, abs=0)


@pytest.fixture(scope="session")
def cohort(tmp_path_factory):
    d = tmp_path_factory.mktemp("cohort")
    run("synth", "-o", "cohort", "-n", 60, "--seed", 3, "--outcomes", cwd=d)
    run("batch", "-q", "-o", "cohort-out", "cohort", cwd=d)
    # a second rater: the same studies with another low-pass filter
    run("batch", "-q", "--lowpass", 20, "-o", "cohort-lp", "cohort", cwd=d)
    return {"dir": d, "results": d / "cohort-out" / "studies.csv",
            "results_b": d / "cohort-lp" / "studies.csv",
            "outcomes": d / "cohort" / "outcomes.csv"}


# ---- responders --------------------------------------------------------------

def cli_responders(c):
    return json.loads(run("stats", "responders", "--outcomes", c["outcomes"],
                          "--format", "json"))


@pytest.mark.parametrize("definition", list(stats.responses()))
def test_responders_match_cli(cohort, definition):
    cli = cli_responders(cohort)
    py = stats.responders(cohort["outcomes"], definition)
    assert list(py) == [s["study_id"] for s in cli["studies"]]
    assert py == {s["study_id"]: s[definition] for s in cli["studies"]}


def test_response_summary_matches_cli(cohort):
    cli = cli_responders(cohort)
    py = stats.response_summary(cohort["outcomes"])
    assert py.n_studies == cli["n_studies"] == 60
    assert len(py.definitions) == len(cli["definitions"])
    for p, c in zip(py.definitions, cli["definitions"]):
        assert (p.name, p.description, p.n, p.responders) == \
            (c["name"], c["description"], c["n"], c["responders"])
        assert close(p.rate_pct, c["rate_pct"])
    assert len(py.kappa) == len(cli["kappa"])
    for p, c in zip(py.kappa, cli["kappa"]):
        assert (p.a, p.b, p.n, p.note) == (c["a"], c["b"], c["n"], c["note"])
        assert close(p.kappa, c["kappa"]) and close(p.agreement_pct, c["agreement_pct"])


def test_responders_from_dataframe(cohort):
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(cohort["outcomes"])
    assert stats.responders(df, "lvef5") == stats.responders(cohort["outcomes"], "lvef5")


def test_responders_bad_outcomes_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("study_id,lvesv_baseline_ml,nyha_baseline\na,100,2\nb,90,7\n")
    with pytest.raises(Error) as e:
        stats.responders(bad, "nyha1")
    assert (e.value.line, e.value.column) == (3, 3)
    assert e.value.file == str(bad)


def test_responders_bad_dataframe_names_line_and_column():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"study_id": ["a", "b"], "lvesv_baseline_ml": [100, "many"]})
    with pytest.raises(Error) as e:
        stats.responders(df, "lvesv15")
    assert (e.value.line, e.value.column) == (3, 2)  # frame row 1, second column


def test_responders_unknown_definition(cohort):
    with pytest.raises(ValueError, match="lvesv15"):
        stats.responders(cohort["outcomes"], "lvesv10")


def test_unknown_outcome_column_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("study_id,lvesv_baseline,x\na,1,2\n")
    with pytest.raises(Error) as e:
        stats.responders(bad, "lvesv15")
    assert e.value.file == str(bad) and 'column 2 "lvesv_baseline"' in e.value.message


# ---- ROC ---------------------------------------------------------------------

INDICES = ["ts_sd_12_ms", "septal_lateral_delay_ms"]
ROC_FIELDS = ["n_pos", "n_neg", "auc", "auc_se", "auc_ci_low", "auc_ci_high",
              "youden_cutoff", "sensitivity", "specificity"]


def cli_roc(c, *extra, ok=(0,)):
    out = run("stats", "roc", "--results", c["results"], "--outcomes", c["outcomes"],
              "--format", "json", *extra, ok=ok)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def check_roc_frame(df, cli):
    assert list(df["index"]) == [o["index"] for o in cli]
    for (_, row), o in zip(df.iterrows(), cli):
        assert row["error"] is None and "error" not in o
        for f in ROC_FIELDS:
            assert close(row[f], o[f]), (o["index"], f, row[f], o[f])


@pytest.mark.parametrize("response", ["lvesv15", "lvef5", "nyha1"])
def test_roc_table_matches_cli(cohort, response):
    pytest.importorskip("pandas")
    cli = cli_roc(cohort, "--response", response, *sum([["--index", i] for i in INDICES], []))
    df = stats.roc(results=cohort["results"], outcomes=cohort["outcomes"], response=response,
                   index=INDICES)
    assert list(df["index"]) == ["ts_sd_12_ms", "|septal_lateral_delay_ms|"]
    check_roc_frame(df, cli)
    # DeLong's paired comparison
    comp = df.attrs["comparisons"]
    assert len(comp) == 1
    d = cli[0]["delong"][0]
    row = comp.iloc[0]
    assert (row["index"], row["with"], row["n_pos"], row["n_neg"]) == \
        (cli[0]["index"], d["with"], d["n_pos"], d["n_neg"])
    for f in ("auc_diff", "z", "p"):
        assert close(row[f], d[f])
    assert df.attrs["no_outcome"] == 0


def test_roc_default_indices_match_cli(cohort):
    """Without index=, the same indices (with a published cut-off, a value in
    some row), the same |x| names, the same published cut-offs."""
    pytest.importorskip("pandas")
    cli = cli_roc(cohort, "--response", "lvesv15")
    df = stats.roc(results=cohort["results"], outcomes=cohort["outcomes"],
                   response="lvesv15")
    check_roc_frame(df, cli)
    comp = df.attrs["comparisons"]
    want = [(o["index"], d["with"], d["auc_diff"], d["z"], d["p"])
            for o in cli for d in o.get("delong", [])]
    assert len(comp) == len(want) > 1
    for (_, r), w in zip(comp.iterrows(), want):
        assert (r["index"], r["with"]) == w[:2]
        assert close(r["auc_diff"], w[2]) and close(r["z"], w[3]) and close(r["p"], w[4])
    check_published_cutoffs(df, cli)


def check_published_cutoffs(df, cli):
    """df.attrs["published_cutoffs"] is the CLI's published_cutoffs arrays,
    score by score, in order."""
    want = [(o["index"], c) for o in cli for c in o.get("published_cutoffs", [])]
    got = df.attrs["published_cutoffs"]
    assert list(got.columns) == ["index", "cutoff", "absolute", "source", "sensitivity",
                                 "specificity"]
    assert len(got) == len(want) > 0
    for (_, r), (name, c) in zip(got.iterrows(), want):
        assert (r["index"], r["absolute"], r["source"]) == (name, c["absolute"], c["source"])
        for f in ("cutoff", "sensitivity", "specificity"):
            assert close(r[f], c[f]), (name, f, r[f], c[f])


def test_roc_published_cutoffs_match_cli(cohort):
    """Sensitivity and specificity at each published cut-off of a named
    index (|x| >= c for a delay read on its size), as roc_write_cutoffs."""
    pytest.importorskip("pandas")
    cli = cli_roc(cohort, "--response", "lvef5", *sum([["--index", i] for i in INDICES], []))
    df = stats.roc(results=cohort["results"], outcomes=cohort["outcomes"], response="lvef5",
                   index=INDICES)
    check_published_cutoffs(df, cli)
    pc = df.attrs["published_cutoffs"]
    assert set(pc["index"]) == {"ts_sd_12_ms", "|septal_lateral_delay_ms|"}
    assert list(pc.loc[pc["index"] == "|septal_lateral_delay_ms|", "absolute"]) != [] and \
        all(pc.loc[pc["index"] == "|septal_lateral_delay_ms|", "absolute"])


def test_roc_on_abs_of_every_index(cohort):
    """Every cut-off index is named (|key| or key) as the CLI names it."""
    head = open(cohort["results"]).readline().strip().split(",")
    keys = [h[len("dyssynchronous_"):] for h in head if h.startswith("dyssynchronous_")]
    named = sum([["--index", k] for k in keys], [])
    cli = cli_roc(cohort, "--response", "lvesv15", *named, ok=(1,))
    assert any(o["index"].startswith("|") for o in cli)
    # indices the cohort cannot give: an error row each, the CLI's message
    df = stats.roc(results=cohort["results"], outcomes=cohort["outcomes"],
                   response="lvesv15", index=keys)
    assert list(df["index"]) == [o["index"] for o in cli]
    assert [e or None for e in df["error"]] == [o.get("error") for o in cli]
    assert df["error"].notna().sum() >= 1


def test_roc_excludes_failed_and_unmatched_studies(cohort, tmp_path):
    """A study that is not ok, or has no outcome, is left out (as the CLI)."""
    pd = pytest.importorskip("pandas")
    rows = list(csv.reader(open(cohort["results"])))
    head, body = rows[0], rows[1:]
    st = head.index("status")
    body[0][st] = "failed"
    body[1][0] = "not_in_outcomes"
    p = tmp_path / "studies.csv"
    with open(p, "w", newline="") as f:
        csv.writer(f).writerows([head] + body)
    cli = json.loads(run("stats", "roc", "--results", p, "--outcomes", cohort["outcomes"],
                         "--response", "lvesv15", "--index", "ts_sd_12_ms", "--format",
                         "json").splitlines()[0])
    with pytest.warns(UserWarning, match="1 ok studies"):
        df = stats.roc(results=p, outcomes=cohort["outcomes"], response="lvesv15",
                       index="ts_sd_12_ms")
    assert df["n_pos"][0] + df["n_neg"][0] == 58 == cli["n_pos"] + cli["n_neg"]
    check_roc_frame(df, [cli])
    # a DataFrame of the same table gives the same
    with pytest.warns(UserWarning, match="1 ok studies"):
        df2 = stats.roc(results=pd.read_csv(p), outcomes=pd.read_csv(cohort["outcomes"]),
                        response="lvesv15", index="ts_sd_12_ms")
    check_roc_frame(df2, [cli])


def test_roc_table_error_row(cohort, tmp_path):
    """A ROC that cannot be computed is a row with its reason, as the CLI."""
    pytest.importorskip("pandas")
    out = tmp_path / "o.csv"
    ids = [r["study_id"] for r in csv.DictReader(open(cohort["outcomes"]))]
    out.write_text("study_id,lvef_baseline_pct,lvef_followup_pct\n" +
                   "".join(f"{s},20,40\n" for s in ids))  # every study responds
    cli = json.loads(run("stats", "roc", "--results", cohort["results"], "--outcomes", out,
                         "--response", "lvef5", "--index", "ts_sd_12_ms", "--format", "json",
                         ok=(1,)).splitlines()[0])
    df = stats.roc(results=cohort["results"], outcomes=out, response="lvef5",
                   index="ts_sd_12_ms")
    assert df["error"][0] == cli["error"] and math.isnan(df["auc"][0])


def test_roc_arrays_perfect_and_chance():
    r = stats.roc([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1])
    assert (r.auc, r.n_pos, r.n_neg, r.youden_cutoff) == (1.0, 3, 3, 4.0)
    assert (r.sensitivity, r.specificity) == (1.0, 1.0)
    assert r.fpr[0] == 0 and r.tpr[-1] == 1 and len(r.fpr) == len(r.tpr)
    # identical class distributions
    r = stats.roc([1, 2, 3, 1, 2, 3], [0, 0, 0, 1, 1, 1])
    assert r.auc == 0.5
    # reversed: AUC 0; booleans and numpy accepted
    r = stats.roc(np.array([4.0, 3, 2, 1]), [False, False, True, True])
    assert r.auc == 0.0
    assert r.auc_ci[0] <= r.auc <= r.auc_ci[1]


def test_roc_arrays_match_table(cohort):
    """The arrays mode on the table's own subjects gives the table's row."""
    pytest.importorskip("pandas")
    lab = stats.responders(cohort["outcomes"], "lvesv15")
    rows = list(csv.DictReader(open(cohort["results"])))
    pairs = [(float(r["ts_sd_12_ms"]), lab[r["study_id"]]) for r in rows
             if r["status"] == "ok" and r["ts_sd_12_ms"] and lab.get(r["study_id"]) is not None]
    r = stats.roc([p[0] for p in pairs], [p[1] for p in pairs])
    df = stats.roc(results=cohort["results"], outcomes=cohort["outcomes"], response="lvesv15",
                   index="ts_sd_12_ms")
    assert r.auc == df["auc"][0] and r.auc_ci == (df["auc_ci_low"][0], df["auc_ci_high"][0])


def test_roc_compare_arrays():
    lab = [0, 0, 0, 1, 1, 1, 0, 1]
    a = [1, 2, 3, 4, 5, 6, 2.5, 7]
    c = stats.roc_compare(a, a, lab)
    assert (c.auc_diff, c.z, c.p) == (0.0, 0.0, 1.0)
    b = [2, 5, 1, 3, 6, 4, 5.5, 2.2]
    c = stats.roc_compare(a, b, lab)
    assert c.auc_diff == pytest.approx(stats.roc(a, lab).auc - stats.roc(b, lab).auc)
    assert 0 < c.p < 1 and c.z > 0 and (c.n_pos, c.n_neg) == (4, 4)


@pytest.mark.parametrize("call, match", [
    (lambda: stats.roc([1, 2, 3], [0, 1]), "different lengths"),
    (lambda: stats.roc([1, 2, 3], [0, 1, 2]), "0 or 1"),
    (lambda: stats.roc([1, 2, 3], ["a", "b", "c"]), "0 or 1"),
    (lambda: stats.roc([1, 2, 3]), "needs score and label"),
    (lambda: stats.roc_compare([1, 2], [1, 2, 3], [0, 1]), "different lengths"),
    (lambda: stats.kappa([1, 0, 1], [1, 0]), "different lengths"),
    (lambda: stats.kappa([1, 0, 3], [1, 0, 1]), "0 or 1"),
    (lambda: stats.agree([1, 2, 3], [1, 2]), "different lengths"),
    (lambda: stats.agree([[1], [2], [3]]), "k >= 2"),
    (lambda: stats.correlate([1, 2, 3], [1, 2]), "different lengths"),
    (lambda: stats.correlate([1, 2, 3, 4], [1, 2, 3, 5], method="kendall"), "method"),
])
def test_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_roc_table_value_errors(cohort):
    kw = dict(results=cohort["results"], outcomes=cohort["outcomes"])
    with pytest.raises(ValueError, match="unknown"):
        stats.roc(**kw, response="lvesv99", index="ts_sd_12_ms")
    with pytest.raises(ValueError, match="index no_such_index_ms: not an index key"):
        stats.roc(**kw, response="lvesv15", index=["ts_sd_12_ms", "no_such_index_ms"])
    with pytest.raises(ValueError, match="not both"):
        stats.roc([1, 2], [0, 1], **kw, response="lvesv15")
    with pytest.raises(ValueError, match="needs results"):
        stats.roc(results=cohort["results"], response="lvesv15")


def test_roc_library_errors():
    with pytest.raises(Error, match="2"):
        stats.roc([1, 2, 3], [0, 0, 1])  # one positive
    with pytest.raises(Error):
        stats.roc([1, float("nan"), 3, 4], [0, 0, 1, 1])


def test_bad_cell_in_results_names_line_and_column(cohort, tmp_path):
    rows = list(csv.reader(open(cohort["results"])))
    col = rows[0].index("ts_sd_12_ms")
    rows[3][col] = "fast"
    p = tmp_path / "studies.csv"
    with open(p, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    err = subprocess.run([PROGRAM, "stats", "roc", "--results", p, "--outcomes",
                          cohort["outcomes"], "--response", "lvesv15", "--index",
                          "ts_sd_12_ms"], capture_output=True, text=True).stderr
    with pytest.raises(Error) as e:
        stats.roc(results=p, outcomes=cohort["outcomes"], response="lvesv15",
                  index="ts_sd_12_ms")
    assert (e.value.line, e.value.column) == (4, col + 1)
    assert e.value.message in err


def test_roc_plot(cohort, tmp_path):
    pytest.importorskip("pandas")
    p = tmp_path / "roc.png"
    stats.roc(results=cohort["results"], outcomes=cohort["outcomes"], response="lvesv15",
              index=INDICES, plot=p)
    assert p.read_bytes()[:8] == PNG
    q = tmp_path / "roc2.png"
    stats.roc([1, 2, 3, 4, 2.5], [0, 0, 1, 1, 1], plot=str(q), dpi=72)
    assert q.read_bytes()[:8] == PNG


def test_roc_plot_unwritable(tmp_path):
    with pytest.raises(Error):
        stats.roc([1, 2, 3, 4], [0, 0, 1, 1], plot=tmp_path / "no" / "dir" / "roc.png")


# ---- agreement -----------------------------------------------------------------

ICC_FORMS = ["1_1", "2_1", "3_1", "1_k", "2_k", "3_k"]
BA_FIELDS = ["bias", "bias_ci_low", "bias_ci_high", "sd", "loa_low", "loa_low_ci_low",
             "loa_low_ci_high", "loa_high", "loa_high_ci_low", "loa_high_ci_high"]


def check_agreement(ag, o):
    assert (ag.n, ag.k) == (o["n"], o["k"])
    for f in ICC_FORMS:
        v = getattr(ag.icc, "icc" + f)
        for k in ("value", "ci_low", "ci_high"):
            assert close(getattr(v, k), o["icc"][f][k]), (f, k)
    if "bland_altman" in o:
        for f in BA_FIELDS:
            assert close(getattr(ag.bland_altman, f), o["bland_altman"][f]), f
        assert close(ag.bland_altman.cv_pct, o["cv_pct"])
    else:
        assert ag.bland_altman is None


def test_agree_tables_match_cli(cohort):
    pytest.importorskip("pandas")
    idx = ["ts_sd_12_ms", "septal_lateral_delay_ms", "basal_4seg_max_delay_ms"]
    out = run("stats", "agree", cohort["results"], cohort["results_b"], "--format", "json",
              *sum([["--index", i] for i in idx], []))
    cli = [json.loads(line) for line in out.splitlines()]
    df = stats.agree(cohort["results"], cohort["results_b"], index=idx)
    assert list(df["index"]) == idx
    for (_, row), o in zip(df.iterrows(), cli):
        assert (row["n"], row["k"]) == (o["n"], o["k"]) and row["error"] is None
        for f in ICC_FORMS:
            assert close(row[f"icc_{f}"], o["icc"][f]["value"])
            assert close(row[f"icc_{f}_ci_low"], o["icc"][f]["ci_low"])
            assert close(row[f"icc_{f}_ci_high"], o["icc"][f]["ci_high"])
        for f in BA_FIELDS:
            assert close(row[f], o["bland_altman"][f])
        assert close(row["cv_pct"], o["cv_pct"])
    # the two raters differ: this is not a trivial identity
    assert df["bias"].abs().max() > 0


def test_agree_default_indices_match_cli(cohort):
    pytest.importorskip("pandas")
    out = run("stats", "agree", cohort["results"], cohort["results_b"], "--format", "csv",
              ok=(0, 1))
    cli = list(csv.DictReader(out.splitlines()))
    df = stats.agree(cohort["results"], cohort["results_b"])
    assert list(df["index"]) == [r["index"] for r in cli]
    for (_, row), r in zip(df.iterrows(), cli):
        assert (row["error"] or "") == r["error"]
        for f in ["icc_2_1", "icc_3_1_ci_low", "bias", "loa_high", "cv_pct"]:
            assert close(row[f], float(r[f]) if r[f] else None), (r["index"], f)


def test_agree_arrays_match_cli_table(tmp_path):
    a = [31, 45, 22, 38, 52, 27, 40]
    b = [33, 41, 25, 37, 55, 26, 43]
    c = [30, 44, 21, 40, 50, 29, 41]
    t = tmp_path / "ratings.csv"
    t.write_text("subject,obs1,obs2,obs3\n" +
                 "".join(f"{i},{x},{y},{z}\n" for i, (x, y, z) in enumerate(zip(a, b, c))))
    cli3 = json.loads(run("stats", "agree", "--table", t, "--format", "json"))
    check_agreement(stats.agree(np.column_stack([a, b, c])), cli3)
    t2 = tmp_path / "ratings2.csv"
    t2.write_text("subject,obs1,obs2\n" +
                  "".join(f"{i},{x},{y}\n" for i, (x, y) in enumerate(zip(a, b))) +
                  "99,50,\n")  # a missing rating: left out by both
    cli2 = json.loads(run("stats", "agree", "--table", t2, "--format", "json"))
    check_agreement(stats.agree(a, b), cli2)
    check_agreement(stats.agree(np.array([a + [50], b + [math.nan]]).T), cli2)


def test_agree_dataframe():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"r1": [1.0, 2, 3, 4, 5], "r2": [1.1, 2.2, 2.9, 4.2, 4.8]})
    ag = stats.agree(df)
    assert ag.k == 2 and ag.n == 5 and ag.icc.icc2_1.value > 0.9
    assert ag.bland_altman.bias == pytest.approx(np.mean(df.r1 - df.r2))


def test_agree_library_errors():
    with pytest.raises(Error):
        stats.agree([1, 2], [1, 2])  # fewer than 3 subjects
    with pytest.raises(Error):
        stats.agree([1, 2, 3], [1, 2, 3])  # exact agreement: ICC undefined


def test_agree_plot(cohort, tmp_path):
    pytest.importorskip("pandas")
    p = tmp_path / "ba.png"
    stats.agree(cohort["results"], cohort["results_b"], index="ts_sd_12_ms", plot=p, unit="ms")
    assert p.read_bytes()[:8] == PNG
    q = tmp_path / "ba2.png"
    stats.agree([1, 2, 3, 4], [1.2, 1.9, 3.3, 3.8], plot=q)
    assert q.read_bytes()[:8] == PNG
    with pytest.raises(ValueError, match="one index"):
        stats.agree(cohort["results"], cohort["results_b"], index=INDICES, plot=p)
    with pytest.raises(ValueError, match="exactly 2 raters"):
        stats.agree([[1, 2, 3], [2, 3, 4], [3, 5, 4], [6, 5, 4]], plot=p)
    with pytest.raises(ValueError, match="not an index key"):
        stats.agree(cohort["results"], cohort["results_b"], index="nope_ms")


# ---- correlation -----------------------------------------------------------------

def test_correlate_table_matches_cli(cohort):
    pytest.importorskip("pandas")
    cli = json.loads(run("stats", "correlate", "--results", cohort["results"],
                         "--format", "json"))
    cm = stats.correlate(cohort["results"])
    assert list(cm.indices) == cli["indices"]
    k = len(cm.indices)
    assert k > 10
    for m, (r, lo, hi) in {"pearson": (cm.pearson_r, cm.pearson_ci_low, cm.pearson_ci_high),
                           "spearman": (cm.spearman_rho, cm.spearman_ci_low,
                                        cm.spearman_ci_high)}.items():
        for i in range(k):
            for j in range(k):
                e = cli[m][i][j]
                assert cm.n.iat[i, j] == e["n"]
                assert cm.note.iat[i, j] == e.get("note", "")
                assert close(r.iat[i, j], e["r"]), (m, i, j)
                assert close(lo.iat[i, j], e["ci_low"]) and close(hi.iat[i, j], e["ci_high"])


def test_correlate_pairwise_missing(cohort, tmp_path):
    """Missing values are dropped pair by pair, not study by study."""
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(cohort["results"])
    df.loc[:9, "ts_sd_12_ms"] = np.nan
    df.loc[20:24, "septal_lateral_delay_ms"] = np.nan
    p = tmp_path / "studies.csv"
    df.to_csv(p, index=False)
    idx = ["ts_sd_12_ms", "septal_lateral_delay_ms", "basal_4seg_max_delay_ms"]
    cli = json.loads(run("stats", "correlate", "--results", p, "--format", "json",
                         *sum([["--index", i] for i in idx], [])))
    for src in (p, df):
        cm = stats.correlate(src, index=idx)
        assert cm.n.iat[0, 2] == cli["pearson"][0][2]["n"] == 50
        assert cm.n.iat[1, 2] == 55 and cm.n.iat[0, 1] == 45
        for i in range(3):
            for j in range(3):
                assert close(cm.spearman_rho.iat[i, j], cli["spearman"][i][j]["r"])
                assert close(cm.pearson_r.iat[i, j], cli["pearson"][i][j]["r"])


def test_correlate_arrays():
    x = [1, 2, 3, 4, 5, 6]
    c = stats.correlate(x, [2, 4, 6, 8, 10, 12])
    assert c.n == 6 and c.pearson.r == pytest.approx(1) and c.spearman.r == pytest.approx(1)
    s = stats.correlate(x, [1, 4, 9, 16, 25, 1000], method="spearman")
    assert s.r == pytest.approx(1)
    p = stats.correlate(x, [6, 5, 3, 4, 1, float("nan")], method="pearson")
    assert p.n == 5 and -1 < p.r < -0.8
    assert p.ci_low < p.r < p.ci_high
    with pytest.raises(Error):
        stats.correlate(x, [1, 1, 1, 1, 1, 1])  # constant


def test_correlate_plot(cohort, tmp_path):
    pytest.importorskip("pandas")
    p = tmp_path / "heat.png"
    stats.correlate(cohort["results"], plot=p)
    assert p.read_bytes()[:8] == PNG
    with pytest.raises(ValueError, match="at least 2 indices"):
        stats.correlate(cohort["results"], index=["ts_sd_12_ms"])
    with pytest.raises(ValueError, match="not an index key"):
        stats.correlate(cohort["results"], index=["ts_sd_12_ms", "nope_ms"])
    with pytest.raises(ValueError, match="heat map"):
        stats.correlate([1, 2, 3, 4], [1, 3, 2, 4], plot=p)


# ---- kappa -------------------------------------------------------------------------

def test_kappa():
    # Cohen's 2 x 2 example in the usual textbook form: 20 yes/yes, 5 yes/no,
    # 10 no/yes, 15 no/no -> po 0.7, pe 0.5, kappa 0.4
    a = [1] * 25 + [0] * 25
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    k = stats.kappa(a, b)
    assert (k.n, k.observed) == (50, 0.7) and k.kappa == pytest.approx(0.4)
    assert stats.kappa([True, False, True], [True, False, True]).kappa == 1.0
    with pytest.raises(Error):
        stats.kappa([1, 1, 1], [1, 1, 1])  # chance agreement 1


def test_pandas_series_accepted():
    pd = pytest.importorskip("pandas")
    r = stats.roc(pd.Series([1.0, 2, 3, 4]), pd.Series([0, 0, 1, 1]))
    assert r.auc == 1.0


# ---- the library's catalogue, its table reader -------------------------------------

def test_unknown_index_refused_as_by_cli(cohort, tmp_path):
    """index= takes only keys of the library's catalogue, as the CLI's
    --index (a usage error there, a ValueError here, before any file is
    read); a key the table has no column for is a different refusal."""
    err = subprocess.run([PROGRAM, "stats", "roc", "--results", cohort["results"],
                          "--outcomes", cohort["outcomes"], "--response", "lvesv15",
                          "--index", "qrs_width_ms"], capture_output=True, text=True)
    assert err.returncode != 0 and "--index qrs_width_ms: not an index key" in err.stderr
    for call in (lambda: stats.roc(results="/nonexistent.csv", outcomes="/nonexistent.csv",
                                   response="lvesv15", index="qrs_width_ms"),
                 lambda: stats.agree(cohort["results"], cohort["results_b"],
                                     index="qrs_width_ms"),
                 lambda: stats.correlate(cohort["results"],
                                         index=["ts_sd_12_ms", "qrs_width_ms"])):
        with pytest.raises(ValueError, match="index qrs_width_ms: not an index key"):
            call()
    rows = list(csv.reader(open(cohort["results"])))
    drop = rows[0].index("septal_lateral_delay_ms")
    p = tmp_path / "studies.csv"
    with open(p, "w", newline="") as f:
        csv.writer(f).writerows([r[:drop] + r[drop + 1:] for r in rows])
    with pytest.raises(ValueError, match="no column septal_lateral_delay_ms"):
        stats.roc(results=p, outcomes=cohort["outcomes"], response="lvesv15",
                  index=INDICES)


def test_bland_altman_unit_from_catalogue(cohort, tmp_path, monkeypatch):
    """Without unit=, the figure's unit is the index's in the catalogue
    (dys_index_get()->unit), as the CLI's: the figure is byte-for-byte the
    CLI's, and differs from one drawn with another unit."""
    pytest.importorskip("pandas")
    if not stats.lib.dys_figures_available():
        pytest.skip("built without figures")
    seen = []
    real = stats._agree_one
    monkeypatch.setattr(stats, "_agree_one",
                        lambda x, plot, title, unit, dpi: seen.append(unit) or
                        real(x, plot, title, unit, dpi))
    py, cli, other = tmp_path / "py.png", tmp_path / "cli.png", tmp_path / "other.png"
    stats.agree(cohort["results"], cohort["results_b"], index="ts_sd_12_ms", plot=py)
    assert seen == ["ms"]
    run("stats", "agree", cohort["results"], cohort["results_b"], "--index", "ts_sd_12_ms",
        "--plot", cli)
    stats.agree(cohort["results"], cohort["results_b"], index="ts_sd_12_ms", plot=other,
                unit="s")
    assert py.read_bytes() == cli.read_bytes() != other.read_bytes()
    # an index of another unit: that unit, and unit= wins over it
    seen.clear()
    stats.agree(cohort["results"], cohort["results_b"], index="ts_sd_12_rr_pct")
    stats.agree(cohort["results"], cohort["results_b"], index="ts_sd_12_rr_pct", unit="ms")
    assert seen == ["%", "ms"]


def test_dataframe_bad_cell_names_row(cohort):
    """A DataFrame is read by the library's reader through a temporary CSV;
    a bad cell is named by the frame's row (line L of that CSV is row
    L - 2), not by the temporary file."""
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(cohort["results"])
    df["ts_sd_12_ms"] = df["ts_sd_12_ms"].astype(object)
    df.loc[7, "ts_sd_12_ms"] = "fast"
    col = list(df.columns).index("ts_sd_12_ms") + 1
    with pytest.raises(Error) as e:
        stats.roc(results=df, outcomes=cohort["outcomes"], response="lvesv15",
                  index="ts_sd_12_ms")
    assert e.value.message == f'results: row 7, column {col}: ts_sd_12_ms "fast" is not a number'
    assert (e.value.row, e.value.line, e.value.column, e.value.file) == (7, 9, col, None)
    with pytest.raises(Error, match=r"^A: row 7, column"):
        stats.agree(df, pd.read_csv(cohort["results_b"]), index="ts_sd_12_ms")
    with pytest.raises(Error, match=r"^results: row 7, column"):
        stats.correlate(df, index=["ts_sd_12_ms", "septal_lateral_delay_ms"])


def test_semicolon_decimal_comma_studies(cohort, tmp_path):
    """A studies.csv saved by a spreadsheet in a European locale (';' and
    decimal commas) is read by the library's rules, as the CLI reads it:
    the same numbers as the CLI on that file and as on the original."""
    pytest.importorskip("pandas")
    rows = list(csv.reader(open(cohort["results"])))
    num = __import__("re").compile(r"-?\d+\.\d+(e[+-]?\d+)?\Z")
    eu = [[c.replace(".", ",") if num.match(c) else c for c in r] for r in rows]
    p = tmp_path / "studies-eu.csv"
    with open(p, "w", newline="") as f:
        csv.writer(f, delimiter=";").writerows(eu)
    text = p.read_text()
    assert __import__("re").search(r";-?\d+,\d+;", text) and text.count(";") > 1000
    idx = sum([["--index", i] for i in INDICES], [])
    cli = json.loads(run("stats", "roc", "--results", p, "--outcomes", cohort["outcomes"],
                         "--response", "lvesv15", "--format", "json", *idx).splitlines()[0])
    df = stats.roc(results=p, outcomes=cohort["outcomes"], response="lvesv15", index=INDICES)
    check_roc_frame(df.iloc[:1], [cli])
    orig = stats.roc(results=cohort["results"], outcomes=cohort["outcomes"],
                     response="lvesv15", index=INDICES)
    assert df.drop(columns="error").equals(orig.drop(columns="error"))
    cm = stats.correlate(p, index=INDICES)
    cc = json.loads(run("stats", "correlate", "--results", p, "--format", "json", *idx))
    assert close(cm.spearman_rho.iat[0, 1], cc["spearman"][0][1]["r"])


def test_outcomes_dataframe_bad_cell_names_row():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"study_id": ["a", "b", "c"], "nyha_baseline": [2, 3, 9]})
    with pytest.raises(Error) as e:
        stats.responders(df, "nyha1")
    assert e.value.message.startswith("outcomes: row 2, column 2: ")
    assert e.value.row == 2 and e.value.file is None
