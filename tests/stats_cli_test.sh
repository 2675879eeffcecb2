#!/usr/bin/env bash
# CLI tests of dyssync stats, in TAP: the published worked examples through
# the command line (tables in, JSON out), the response definitions and
# kappa on a hand-made outcomes file, degenerate inputs (clear message,
# exit 1, never NaN), bad files (file:line:column), figures, and the
# worked example of docs/statistics.md end to end, on a smaller cohort
# (synth --outcomes, batch, stats roc against the known model).
#
# usage: tests/stats_cli_test.sh DYSSYNC SOURCE_ROOT
set -u
dys=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/tap.sh"
cd "$2" || exit 2
tmp=$(mktemp -d /tmp/dyssync_stats.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# jcheck FILE PYTHON: run a Python assertion on the JSON lines of FILE (j:
# the list of objects); fails on NaN or Infinity anywhere
jcheck() {
    python3 - "$1" "$2" <<'PY'
import json, sys
def bad(c):
    raise ValueError("not JSON: " + c)
text = open(sys.argv[1]).read()
j = [json.loads(l, parse_constant=bad) for l in text.splitlines() if l.strip()]
exec(sys.argv[2])
PY
}

# Shrout & Fleiss 1979, Table 2 (6 targets x 4 judges): ICC(1,1) .17,
# (2,1) .29, (3,1) .71, (1,4) .44, (2,4) .62, (3,4) .91
printf 'target,j1,j2,j3,j4\n1,9,2,5,8\n2,6,1,3,2\n3,8,4,6,8\n4,7,1,2,6\n5,10,5,6,9\n6,6,2,4,7\n' >"$tmp/sf.csv"
"$dys" stats agree --table "$tmp/sf.csv" --format json >"$tmp/sf.json" &&
    jcheck "$tmp/sf.json" '
i = j[0]["icc"]
want = {"1_1": .17, "2_1": .29, "3_1": .71, "1_k": .44, "2_k": .62, "3_k": .91}
assert all(abs(i[k]["value"] - v) < 0.005 for k, v in want.items()), i
assert abs(i["2_1"]["ci_low"] - 0.0188) < 1e-3 and abs(i["3_k"]["ci_high"] - 0.9859) < 1e-3
assert j[0]["n"] == 6 and j[0]["k"] == 4 and "bland_altman" not in j[0]'
check $? "agree --table: Shrout & Fleiss 1979 ICCs and CIs"

# Bland & Altman 1986, PEFR (Wright against mini Wright, 17 subjects):
# bias -2.1, SD 38.8, bias CI -22.0 to 17.8
printf 'subject,wright,mini\n' >"$tmp/pefr.csv"
paste -d, <(seq 1 17) <(printf '%s\n' 494 395 516 434 476 557 413 442 650 433 417 656 267 478 178 423 427) \
    <(printf '%s\n' 512 430 520 428 500 600 364 380 658 445 432 626 260 477 259 350 451) >>"$tmp/pefr.csv"
"$dys" stats agree --table "$tmp/pefr.csv" --format json --plot "$tmp/ba.png" >"$tmp/pefr.json" &&
    jcheck "$tmp/pefr.json" '
b = j[0]["bland_altman"]
assert abs(b["bias"] + 2.1) < 0.05 and abs(b["sd"] - 38.8) < 0.05, b
assert abs(b["bias_ci_low"] + 22.0) < 0.05 and abs(b["bias_ci_high"] - 17.8) < 0.05, b
assert b["loa_low"] < b["loa_low_ci_high"] and b["loa_high_ci_low"] < b["loa_high"]
assert 0 < j[0]["cv_pct"] < 10' && [ "$(head -c 4 "$tmp/ba.png" | tail -c 3)" = PNG ]
check $? "agree --table with 2 raters: Bland & Altman 1986 PEFR, and the plot"

# Hanley & McNeil 1982, Table 1: CT ratings of 58 normal and 51 abnormal
# studies, AUC 0.893
{
    echo "patient,rating,abnormal"
    k=0
    for r in 1 2 3 4 5; do
        neg=$(echo 33 6 6 11 2 | cut -d' ' -f$r); pos=$(echo 3 2 2 11 33 | cut -d' ' -f$r)
        for _ in $(seq "$neg"); do k=$((k + 1)); echo "p$k,$r,no"; done
        for _ in $(seq "$pos"); do k=$((k + 1)); echo "p$k,$r,yes"; done
    done
} >"$tmp/hm.csv"
"$dys" stats roc --table "$tmp/hm.csv" --score rating --label abnormal --format json \
    --plot "$tmp/roc.svg" >"$tmp/hm.json" &&
    jcheck "$tmp/hm.json" '
r = j[0]
assert set(["index", "n_pos", "n_neg", "auc", "auc_ci_low", "auc_ci_high", "youden_cutoff",
            "sensitivity", "specificity"]) <= set(r), r
assert r["n_pos"] == 51 and r["n_neg"] == 58 and abs(r["auc"] - 0.893) < 5e-4
assert abs(r["auc_ci_low"] - 0.83295) < 1e-4 and abs(r["auc_ci_high"] - 0.95339) < 1e-4
assert r["youden_cutoff"] == 4' &&
    python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$tmp/roc.svg"
check $? "roc --table: Hanley & McNeil 1982 AUC, DeLong CI (keys of the issue), SVG plot"

# Response definitions and kappa on a hand-made outcomes file: s1 remodels
# and improves; s2 neither; s3 improves in NYHA only; s4 died (non-responder
# everywhere); s5 has no follow-up echo
cat >"$tmp/out.csv" <<'EOF'
study_id,lvesv_baseline_ml,lvesv_followup_ml,lvef_baseline_pct,lvef_followup_pct,nyha_baseline,nyha_followup,walk6_baseline_m,walk6_followup_m,composite,death_or_hf_hospitalisation,dpdt_max_baseline_mmhg_s,dpdt_max_paced_mmhg_s
s1,200,160,25,32,3,2,300,390,improved,no,800,920
s2,200,190,25,27,3,3,300,310,unchanged,no,800,860
s3,200,185,25,26,3,2,300,320,improved,no,,
s4,200,150,25,35,3,2,300,400,,yes,800,900
s5,,,,,3,3,300,300,,no,1000,1100
EOF
"$dys" stats responders --outcomes "$tmp/out.csv" --format json >"$tmp/resp.json" &&
    jcheck "$tmp/resp.json" '
s = {x["study_id"]: x for x in j[0]["studies"]}
assert [s[k]["lvesv15"] for k in ("s1", "s2", "s3", "s4", "s5")] == [True, False, False, False, None]
assert [s[k]["lvef5"] for k in ("s1", "s2", "s3", "s4")] == [True, False, False, False]
assert [s[k]["nyha1"] for k in ("s1", "s2", "s3", "s4", "s5")] == [True, False, True, False, False]
assert [s[k]["composite"] for k in ("s1", "s2", "s3", "s4", "s5")] == [True, False, True, False, False]
assert [s[k]["nyha1_walk25"] for k in ("s1", "s2", "s3")] == [True, False, False]
# the acute response: s4 died later, which does not undo its +12.5 % at implant
assert [s[k]["dpdt10"] for k in ("s1", "s2", "s3", "s4", "s5")] == [True, False, None, True, True]
d = {x["name"]: x for x in j[0]["definitions"]}
assert d["lvesv15"]["n"] == 4 and d["lvesv15"]["responders"] == 1 and d["lvesv15"]["rate_pct"] == 25
k = {(x["a"], x["b"]): x for x in j[0]["kappa"]}
# lvesv15 against nyha1 on s1-s4: (1,1) (0,0) (0,1) (0,0): po .75, pe .5, kappa .5
assert k[("lvesv15", "nyha1")]["n"] == 4 and abs(k[("lvesv15", "nyha1")]["kappa"] - 0.5) < 1e-9
assert k[("lvesv15", "lvef5")]["kappa"] == 1'
check $? "responders: each definition, death as non-response (not for the acute dP/dt one), Cohen's kappa per pair"

# Degenerate inputs: a clear message, exit 1, and no NaN in the output
printf 'id,score,label\na,1,1\nb,2,1\nc,3,1\n' >"$tmp/one.csv"
"$dys" stats roc --table "$tmp/one.csv" --score score --label label --format json \
    >"$tmp/one.json" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "at least 2 responders and 2 non-responders" "$tmp/err" &&
    jcheck "$tmp/one.json" 'assert "error" in j[0] and "auc" not in j[0]'
check $? "roc with one class only: exit 1, the reason, no NaN"
printf 's,a,b\n1,5,5\n2,5,5\n3,5,5\n' >"$tmp/flat.csv"
"$dys" stats agree --table "$tmp/flat.csv" --format json >"$tmp/flat.json" 2>"$tmp/err"
[ $? = 1 ] && grep -q "undefined" "$tmp/err" && jcheck "$tmp/flat.json" 'assert "error" in j[0]'
check $? "agree on a constant table: exit 1, ICC undefined and why"
printf 's,a,b\n1,5,6\n2,7,7\n' >"$tmp/two.csv"
"$dys" stats agree --table "$tmp/two.csv" --format csv >"$tmp/two.out" 2>"$tmp/err"
[ $? = 1 ] && grep -q "at least 3 subjects" "$tmp/err" && ! grep -qi nan "$tmp/two.out" &&
    python3 -c "import csv, sys; r = list(csv.reader(open(sys.argv[1]))); assert len(r) == 2 and len(r[0]) == len(r[1]) and 'at least 3' in r[1][-1]" "$tmp/two.out"
check $? "agree with n < 3: exit 1, the reason, no NaN in the CSV"

# Missing values are left out, not guessed: NA and empty cells
printf 'id,score,label\na,1,0\nb,NA,1\nc,3,1\nd,,0\ne,2,0\nf,5,1\ng,4,\n' >"$tmp/miss.csv"
"$dys" stats roc --table "$tmp/miss.csv" --score score --label label --format json >"$tmp/miss.json" &&
    jcheck "$tmp/miss.json" 'assert j[0]["n_pos"] == 2 and j[0]["n_neg"] == 2 and j[0]["auc"] == 1'
check $? "roc skips subjects with a missing score or label"
printf 'study_id,status,ts_sd_12_ms,ts_diff_12_ms,septal_lateral_delay_ms\n' >"$tmp/const.csv"
for i in 1 2 3 4 5 6; do echo "s$i,ok,$((20 + i * 3)),$((60 + i * i)),40" >>"$tmp/const.csv"; done
"$dys" stats correlate --results "$tmp/const.csv" --index ts_sd_12_ms --index ts_diff_12_ms \
    --index septal_lateral_delay_ms --format json >"$tmp/const.json" 2>"$tmp/err"
[ $? = 1 ] && grep -q "could not be computed" "$tmp/err" && jcheck "$tmp/const.json" '
p = j[0]["pearson"]
assert p[0][2]["r"] is None and "constant" in p[0][2]["note"] and p[0][1]["r"] > 0.9'
check $? "correlate with a constant index: null with the reason, never NaN, exit 1"

# Bad files name the place
python3 -c "print('s,a,b'); [print('%d,1,2' % i) for i in range(200000)]" >"$tmp/bigtable.csv"
"$dys" stats agree --table "$tmp/bigtable.csv" --max-file-mb 1 2>"$tmp/err" >/dev/null
[ $? = 1 ] && grep -q "bigtable.csv: file is larger than the limit: expected at most 1048576 bytes" "$tmp/err"
check $? "a table past --max-file-mb is refused before it is read"
printf 'study_id,lvesv_baseline_ml,height_cm\ns1,200,170\n' >"$tmp/badcol.csv"
"$dys" stats responders --outcomes "$tmp/badcol.csv" 2>"$tmp/err" >/dev/null
[ $? = 1 ] && grep -q 'column 3 "height_cm" is not an outcome' "$tmp/err"
check $? "an unknown outcome column is refused, by position and name"
printf 'study_id,lvesv_baseline_ml\ns1,200\ns2,2OO\n' >"$tmp/badnum.csv"
"$dys" stats responders --outcomes "$tmp/badnum.csv" 2>"$tmp/err" >/dev/null
[ $? = 1 ] && grep -q "badnum.csv:3:2: lvesv_baseline_ml \"2OO\" is not a number" "$tmp/err"
check $? "a bad number: file:line:column"
printf 'study_id,nyha_baseline\ns1,3\ns2,5\n' >"$tmp/badny.csv"
"$dys" stats responders --outcomes "$tmp/badny.csv" 2>"$tmp/err" >/dev/null
[ $? = 1 ] && grep -q "badny.csv:3:2: NYHA class must be 1, 2, 3 or 4" "$tmp/err"
check $? "NYHA outside I-IV is refused"
"$dys" stats roc --results x.csv --outcomes y.csv --response lvesv20 >/dev/null 2>&1
[ $? = 2 ]
check $? "an unknown response definition is a usage error"

# The worked example of docs/statistics.md: a cohort whose response depends on the true
# Ts-SD-12 (logistic, 0.5 at 30 ms), batch, then stats.  Ts-SD-12 must
# predict LV remodelling well; a statistic of the ECG-free phase is there
# too; the paired test and the published cut-offs are reported.
mkdir -p "$tmp/cohort"
"$dys" synth -o "$tmp/cohort/studies" -n 80 --seed 11 --noise 0.1 --outcomes >/dev/null &&
    mv "$tmp/cohort/studies/"{truth,outcomes,outcomes_model}.csv "$tmp/cohort/" &&
    "$dys" batch -q -o "$tmp/cohort/out" "$tmp/cohort/studies" &&
    "$dys" stats roc --results "$tmp/cohort/out/studies.csv" --outcomes "$tmp/cohort/outcomes.csv" \
        --response lvesv15 --index ts_sd_12_ms --index septal_lateral_delay_ms --format json \
        --plot "$tmp/cohort/roc.png" >"$tmp/cohort/roc.json" &&
    jcheck "$tmp/cohort/roc.json" '
r = {x["index"]: x for x in j}
t = r["ts_sd_12_ms"]
assert t["auc"] > 0.8 and t["n_pos"] + t["n_neg"] == 80, t
assert any(c["cutoff"] == 32.6 for c in t["published_cutoffs"])
assert t["delong"][0]["with"] == "|septal_lateral_delay_ms|" and 0 <= t["delong"][0]["p"] <= 1' &&
    "$dys" stats correlate --results "$tmp/cohort/out/studies.csv" --format json \
        --plot "$tmp/cohort/heat.pdf" >"$tmp/cohort/cor.json" &&
    jcheck "$tmp/cohort/cor.json" '
k = j[0]["indices"].index("ts_sd_12_ms"); d = j[0]["indices"].index("ts_diff_12_ms")
assert j[0]["pearson"][k][d]["r"] > 0.8 and j[0]["spearman"][k][k]["r"] == 1' &&
    [ "$(head -c 4 "$tmp/cohort/heat.pdf")" = "%PDF" ]
check $? "worked example: synth --outcomes, batch, stats roc (AUC > 0.8 for the known model), correlate"

# An outcomes file saved by a spreadsheet in a European locale (a BOM, ';'
# between cells, decimal commas, CRLF) gives the same results as the plain
# file: responders on the hand-made file, ROC on the cohort's (its LVEF
# given with decimals, the same in both)
eu() { # eu PLAIN EU: the same table in the European dialect
    python3 - "$1" "$2" <<'PY'
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1])))
num = re.compile(r"^-?[0-9]+\.[0-9]+$")
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as f:
    for r in rows:
        f.write(";".join(c.replace(".", ",") if num.match(c) else c for c in r) + "\r\n")
PY
}
python3 - "$tmp/cohort/outcomes.csv" "$tmp/cohort/outcomes_dec.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
cols = [i for i, h in enumerate(rows[0]) if h.startswith("lvef_")]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        w.writerow([c + ".25" if i in cols and c else c for i, c in enumerate(r)])
PY
eu "$tmp/out.csv" "$tmp/out_eu.csv" && eu "$tmp/cohort/outcomes_dec.csv" "$tmp/cohort/outcomes_eu.csv" &&
    head -c 3 "$tmp/out_eu.csv" | od -An -tx1 | grep -q "ef bb bf" && grep -q $'\r$' "$tmp/out_eu.csv" &&
    grep -q ';31,25;' "$tmp/cohort/outcomes_eu.csv" &&
    "$dys" stats responders --outcomes "$tmp/out_eu.csv" --format json >"$tmp/resp_eu.json" &&
    cmp "$tmp/resp.json" "$tmp/resp_eu.json" &&
    (
        for r in lvesv15 lvef5; do
            for o in dec eu; do
                "$dys" stats roc --results "$tmp/cohort/out/studies.csv" --response $r \
                    --outcomes "$tmp/cohort/outcomes_$o.csv" --format json \
                    >"$tmp/cohort/roc_$r.$o.json" || exit 1
            done
            cmp "$tmp/cohort/roc_$r.dec.json" "$tmp/cohort/roc_$r.eu.json" || exit 1
        done
    ) &&
    jcheck "$tmp/cohort/roc_lvef5.eu.json" 'assert all(x["n_pos"] + x["n_neg"] == 80 for x in j), j'
check $? "a European-locale outcomes file (BOM, ';', decimal comma, CRLF): the same responders and ROC"

# The commands come from one table: the usage message for a missing
# command names every command of the overview (it used to omit stats)
"$dys" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && listed=$("$dys" help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}') &&
    [ "$(echo "$listed" | wc -l)" -ge 8 ] && echo "$listed" | grep -qx stats &&
    (for c in $listed; do grep -q "[(, ]$c[,)]" "$tmp/err" || exit 1; done)
check $? "the usage line and the overview list the same commands, stats included"

tap_end
