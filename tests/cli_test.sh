#!/usr/bin/env bash
# CLI tests of dyssync, in TAP: golden outputs on the bundled studies,
# exit codes, error messages that name file:line:column, atomic -o,
# output independent of -j, synth determinism.
#
# usage: tests/cli_test.sh DYSSYNC SOURCE_ROOT [--update]
#   --update rewrites testdata/expected/ from the current binary (review the
#   diff before committing it).
set -u
dys=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/tap.sh"
cd "$2" || exit 2
update=${3:-}
tmp=$(mktemp -d /tmp/dyssync_cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# golden NAME EXPECTED_EXIT CMD...: stdout must equal testdata/expected/NAME
golden() {
    local name=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$update" = --update ]; then
        cp "$tmp/out" "testdata/expected/$name"
    fi
    if [ $rc != "$want" ]; then
        not_ok "$name: exit $rc, expected $want" "$(cat "$tmp/err")"
    elif ! diff -u "testdata/expected/$name" "$tmp/out" >"$tmp/diff"; then
        not_ok "$name: output differs from testdata/expected/$name" "$(head -40 "$tmp/diff")"
    else
        ok "$name matches testdata/expected/$name"
    fi
}

studies=(testdata/studies/echopac_a4c_velocity.txt testdata/studies/eu_tab_decimal_comma.csv
         testdata/studies/lbbb_single.csv testdata/studies/lbbb_views
         testdata/studies/multibeat_ecg)

golden analyze.txt 0 "$dys" analyze "${studies[@]}"
golden analyze.jsonl 0 "$dys" analyze --format json "${studies[@]}"
golden analyze.csv 0 "$dys" analyze --format csv "${studies[@]}"
golden info.txt 0 "$dys" info "${studies[@]}" testdata/info/echopac_a4c_strain.txt \
    testdata/info/strain18_segmental
golden analyze_population_first.jsonl 0 "$dys" analyze --format json --sd population \
    --peak first testdata/studies/lbbb_single.csv

# Every JSON line parses and holds the contract's keys.
python3 - "$tmp/out" <<'PY' 2>"$tmp/err"
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert {"study_id", "segments", "indices", "events", "warnings"} <= set(o)
    assert [s["aha"] for s in o["segments"]] == list(range(1, 13))
    for k in ("ts_sd_12_ms", "ts_diff_12_ms", "ts_sd_6_basal_ms", "ts_diff_6_basal_ms",
              "septal_lateral_delay_ms", "anteroseptal_posterior_delay_ms",
              "basal_4seg_max_delay_ms", "opposing_wall_max_delay_ms", "n_segments"):
        assert k in o["indices"], k
    assert o["events"]["source"] in ("given", "estimated")
PY
check $? "JSON output follows the docs/format.md contract" "$(cat "$tmp/err")"

# The output does not depend on the number of threads.
"$dys" analyze --format json -j 1 "${studies[@]}" >"$tmp/j1"
"$dys" analyze --format json -j 2 "${studies[@]}" "${studies[@]}" >"$tmp/j2"
cat "$tmp/j1" "$tmp/j1" | cmp -s - "$tmp/j2"
check $? "-j 1 and -j 2 give the same bytes"

# -o writes the same bytes atomically and leaves no temporary file.
"$dys" analyze --format csv -o "$tmp/res.csv" "${studies[@]}" >"$tmp/stdout"
cmp -s "$tmp/res.csv" testdata/expected/analyze.csv && [ ! -s "$tmp/stdout" ] &&
    [ -z "$(ls "$tmp" | grep '\.tmp\.')" ]
check $? "-o FILE writes the report atomically"

# A bad study is named with file:line:column; the others are still reported.
printf '# avo_ms: 90\n# avc_ms: 400\ntime_ms,basal_septal,basal_lateral\n0,1,2\n10,1,x2\n20,1,2\n' >"$tmp/bad.csv"
"$dys" analyze --format csv testdata/studies/lbbb_single.csv "$tmp/bad.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "bad.csv:5:6: 'x2' is not a number" "$tmp/err" &&
    grep -q '^LBBB-01,' "$tmp/out" && grep -q '1 of 2 studies could not be analysed' "$tmp/err"
check $? "bad cell: exit 1, file:line:col, other studies still reported" "rc=$rc $(cat "$tmp/err")"

printf 'time_ms,basal_septal,apex_thing\n0,1,2\n' >"$tmp/badcol.csv"
"$dys" analyze "$tmp/badcol.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "badcol.csv:1:22: unknown column 'apex_thing'" "$tmp/err"
check $? "unknown column named with its position" "rc=$rc $(cat "$tmp/err")"

"$dys" analyze /nonexistent/study.csv >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "/nonexistent/study.csv: No such file" "$tmp/err"
check $? "missing file: exit 1 with the path" "rc=$rc $(cat "$tmp/err")"

golden analyze_strain.txt 0 "$dys" analyze testdata/info/echopac_a4c_strain.txt

# The 18-segment model: three EchoPAC "Segmental Traces" exports of a
# strain study, the apical ring included.  The report lists 18 segments;
# the JSON has 18 objects (numbers 1-18) and the 18-segment mechanical
# dispersion is the SD of the 18 times to peak strain (and the 12-segment
# one that of the basal and mid ones); studies.csv has the apical columns
# filled (and empty for a 12-segment study in the same table);
# segments.csv 18 rows.
s18=testdata/info/strain18_segmental
golden analyze_strain18.txt 0 "$dys" analyze "$s18"
"$dys" analyze --format json "$s18" testdata/studies/lbbb_single.csv >"$tmp/s18.jsonl" &&
    "$dys" analyze --format csv "$s18" testdata/studies/lbbb_single.csv >"$tmp/s18.csv" &&
    "$dys" analyze --format segments "$s18" >"$tmp/s18_seg.csv" &&
    python3 - "$tmp/s18.jsonl" "$tmp/s18.csv" "$tmp/s18_seg.csv" <<'PY' 2>"$tmp/err"
import csv, json, statistics, sys
s18, lbbb = [json.loads(l) for l in open(sys.argv[1])]
assert [s["aha"] for s in s18["segments"]] == list(range(1, 19)), s18["segments"]
assert s18["segments"][14]["name"] == "apical_inferoseptal" and s18["segments"][14]["view"] == "A4C"
assert all(s["status"] == "ok" for s in s18["segments"])
ttp = [s["strain_ttp_ms"] for s in s18["segments"]]
ix = s18["indices"]
assert abs(ix["strain_ttp_sd_18_ms"] - statistics.stdev(ttp)) < 0.011, (ix, statistics.stdev(ttp))
assert abs(ix["strain_ttp_sd_12_ms"] - statistics.stdev(ttp[:12])) < 0.011, ix
assert ix["n_segments"] == 18 and ix["ts_sd_12_ms"] is None
assert len(lbbb["segments"]) == 12 and lbbb["indices"]["strain_ttp_sd_18_ms"] is None
rows = list(csv.DictReader(open(sys.argv[2])))
assert rows[0]["status_apical_anteroseptal"] == "ok" and rows[0]["ts_apical_anteroseptal_ms"] == ""
assert rows[1]["status_apical_anteroseptal"] == "" and rows[1]["status_mid_anteroseptal"] == "ok"
assert rows[1]["ts_apical_anteroseptal_ms"] == "" and rows[1]["ts_sd_12_ms"] != ""
assert float(rows[0]["strain_ttp_sd_18_ms"]) == round(ix["strain_ttp_sd_18_ms"], 2)
seg = list(csv.DictReader(open(sys.argv[3])))
assert [int(r["aha"]) for r in seg] == list(range(1, 19)) and seg[17]["segment"] == "apical_anterolateral"
PY
check $? "18 segments: JSON, studies.csv and segments.csv list the apical ring; the 18-segment dispersion by hand" \
    "$(cat "$tmp/err")"

# GE EchoPAC's myocardial-work workbook (testdata/make_workbook.py writes
# two in its layout: with the Pressure Trace sheet, and without it, when
# the pressure is estimated).  The report, JSON, studies.csv and
# segments.csv carry the work, EchoPAC's own values and the differences;
# the JSON's work is what the report prints; the estimate is marked.
wb=testdata/studies/work_lbbb.xml
wbn=testdata/info/work_lbbb_nopressure.xml
golden analyze_work.txt 0 "$dys" analyze "$wb" "$wbn"
"$dys" analyze --format json "$wb" "$wbn" >"$tmp/wb.jsonl" &&
    "$dys" analyze --format csv "$wb" "$wbn" >"$tmp/wb.csv" &&
    "$dys" analyze --format segments "$wb" >"$tmp/wb_seg.csv" &&
    python3 - "$tmp/wb.jsonl" "$tmp/wb.csv" "$tmp/wb_seg.csv" <<'PY' 2>"$tmp/err"
import csv, json, statistics, sys
m, e = [json.loads(l) for l in open(sys.argv[1])]
assert m["study_id"] == "SYN-MW-01" and len(m["segments"]) == 18
assert [r["view"] for r in m["recordings"]] == ["A4C", "A2C", "APLAX"]
w = m["work"]
assert w["pressure_source"] == "measured" and w["pressure"].startswith("measured (")
assert (w["mvc_ms"], w["avo_ms"], w["avc_ms"], w["mvo_ms"]) == (40, 95, 380, 470)
assert e["work"]["pressure"] == "estimated (Russell 2012 reference curve, peak = cuff systolic)"
ix = m["indices"]
wi = [s["work_index_mmhg_pct"] for s in m["segments"]]
assert abs(ix["gwi_mmhg_pct"] - statistics.mean(wi)) < 0.06, (ix["gwi_mmhg_pct"], statistics.mean(wi))
cw = sum(s["constructive_work_mmhg_pct"] for s in m["segments"])
ww = sum(s["wasted_work_mmhg_pct"] for s in m["segments"])
assert abs(ix["gwe_pct"] - 100 * cw / (cw + ww)) < 0.02
v = w["vendor"]
assert v["software"] == "GE EchoPAC" and v["gwi_mmhg_pct"] == 1605
assert abs(v["difference"]["gwi_mmhg_pct"] - (ix["gwi_mmhg_pct"] - 1605)) < 0.06
assert v["work_curves_max_difference_pct"] < 1.0
seg0 = v["segments"][0]
assert seg0["name"] == "basal_anterior" and len(v["segments"]) == 18
assert abs(seg0["difference"]["work_index_mmhg_pct"] -
           (m["segments"][0]["work_index_mmhg_pct"] - seg0["work_index_mmhg_pct"])) < 0.11
rows = list(csv.DictReader(open(sys.argv[2])))
assert rows[0]["work_pressure"] == "measured" and rows[1]["work_pressure"] == "estimated"
assert float(rows[0]["gwi_mmhg_pct"]) == round(ix["gwi_mmhg_pct"], 2)
assert rows[0]["vendor_gwi_mmhg_pct"] == "1605.00"
seg = list(csv.DictReader(open(sys.argv[3])))
assert len(seg) == 18 and abs(float(seg[0]["work_index_mmhg_pct"]) - wi[0]) < 0.06
PY
check $? "myocardial-work workbook: report, JSON, studies.csv and segments.csv; the globals are the segments' means; the estimate is marked" \
    "$(cat "$tmp/err")"
"$dys" plot -o "$tmp/work.png" "$wb" && "$dys" plot -o "$tmp/work.pdf" "$wbn"
check $? "plot draws the report of a myocardial-work workbook"
# A Segmental Traces export given to batch is a study, not a manifest (its
# first line has no separator, as a manifest's); the three make one study
"$dys" batch -q -o "$tmp/sgb" "$s18/a4c.txt" "$s18" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$tmp/sgb/studies.csv")" = 3 ] &&
    [ "$(wc -l <"$tmp/sgb/segments.csv")" = 37 ] &&
    [ "$(cut -d, -f3 "$tmp/sgb/studies.csv" | grep -c '^ok$')" = 2 ]
check $? "batch: a Segmental Traces export is a study, its view directory one study" "$(cat "$tmp/err")"

# Usage errors exit 2.
for args in "analyze" "analyze --format xml x.csv" "analyze --lowpass fast x.csv" \
    "analyze --peak biggest x.csv" "analyze --min-segments 13 x.csv" "frobnicate" \
    "synth" "synth -o $tmp/s --fps 5" "info"; do
    # shellcheck disable=SC2086
    "$dys" $args >/dev/null 2>"$tmp/err"
    rc=$?
    [ $rc = 2 ] && grep -q "dyssync" "$tmp/err"
    check $? "usage error exits 2: dyssync $args" "rc=$rc $(cat "$tmp/err")"
done

"$dys" --version | grep -q '^dyssync [0-9]'
check $? "--version"
"$dys" help analyze | grep -q -- '--lowpass HZ|auto|off'
check $? "help analyze documents the options"

# synth: the same seed writes the same bytes; truth.csv lists every study.
"$dys" synth -o "$tmp/s1" -n 6 --seed 5 --views 2 --vary-format --noise 0.1 &&
    "$dys" synth -o "$tmp/s2" -n 6 --seed 5 --views 2 --vary-format --noise 0.1 &&
    diff -r "$tmp/s1" "$tmp/s2" >/dev/null && [ "$(wc -l <"$tmp/s1/truth.csv")" = 7 ]
check $? "synth is deterministic"

# --avo/--avc override the metadata; --lowpass off leaves clean data alone.
"$dys" analyze --format json --avo 100 --avc 380 testdata/studies/lbbb_single.csv |
    grep -q '"avo_ms": 100.0, "avc_ms": 380.0, "source": "given", "method": "AVO: --avo; AVC: --avc"'
check $? "--avo/--avc override the study's events"

# A view file's AVC overrides the study's for that view only; the text
# report then gives each view's window.
mkdir -p "$tmp/pv" && cp testdata/studies/lbbb_views/*.csv "$tmp/pv/" &&
    sed -i 's/^# avc_ms: 402/# avc_ms: 380/' "$tmp/pv/a2c.csv" &&
    out=$("$dys" analyze "$tmp/pv") &&
    echo "$out" | grep -A1 '^  A2C    AVO  110  given: avo_ms$' | grep -q 'AVC  380  given: avc_ms of this view' &&
    echo "$out" | grep -A1 '^  A4C    AVO  110  given: avo_ms$' | grep -q 'AVC  402  given: avc_ms of this view' &&
    "$dys" analyze --format json "$tmp/pv" | grep -q '"per_view": true'
check $? "per-view AVC overrides the study's for its view"

# Classification: the dyssynchronous LBBB study and the synchronous MB-06
# differ as they should; --cutoff overrides a default.
"$dys" analyze --format json testdata/studies/lbbb_views |
    grep -q '{"index": "ts_sd_12_ms", "value": [0-9.]*, "cutoff": 32.6, "absolute": false, "dyssynchronous": true'
check $? "LBBB study: Ts-SD-12 dyssynchronous"
"$dys" analyze --format json testdata/studies/multibeat_ecg |
    grep -q '{"index": "ts_sd_12_ms", "value": [0-9.]*, "cutoff": 32.6, "absolute": false, "dyssynchronous": false'
check $? "synchronous study: Ts-SD-12 not dyssynchronous"
"$dys" analyze --format json --cutoff ts_sd_12_ms=5 testdata/studies/multibeat_ecg |
    grep -q '"cutoff": 5, "absolute": false, "dyssynchronous": true, "borderline": false, "source": "--cutoff"'
check $? "--cutoff overrides the published default"
# Every index key in the output has an entry in docs/indices.md.
keys=$("$dys" analyze --format json testdata/studies/multibeat_ecg |
    sed 's/.*"indices": {\([^}]*\)}.*/\1/' | grep -o '"[a-z0-9_]*":' | tr -d '":')
missing=""
for k in $keys; do
    grep -q "\`$k\`" docs/indices.md || missing="$missing $k"
done
[ -n "$keys" ] && [ -z "$missing" ]
check $? "docs/indices.md documents every index" "missing:$missing"

# docs/format.md is the output contract: every JSON key the bundled studies
# produce (at any depth; the contents of "metadata" are the study's own keys,
# not the schema's) and every studies.csv column must be named there in
# backquotes.  The per-index and per-segment column families are documented
# once as a pattern (dyssynchronous_<index>, ts_<segment>_ms, ...), so such a
# column counts when its index or segment is named in the file.  This keeps
# the doc from falling behind when a writer gains a key.
"$dys" analyze --format json "${studies[@]}" testdata/info/echopac_a4c_strain.txt \
    testdata/studies/work_lbbb.xml >"$tmp/contract.jsonl" 2>/dev/null
"$dys" analyze --format csv "${studies[@]}" 2>/dev/null | head -1 >"$tmp/contract.csv"
python3 - "$tmp/contract.jsonl" "$tmp/contract.csv" docs/format.md <<'PY' >"$tmp/err" 2>&1
import json, re, sys
doc = open(sys.argv[3], encoding="utf-8").read()
named = set(re.findall(r"`([^`\s]+)`", doc))
keys = set()
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            keys.add(k)
            if k != "metadata":
                walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
for line in open(sys.argv[1]):
    walk(json.loads(line))
missing = sorted(k for k in keys if k not in named)
cols = open(sys.argv[2]).read().strip().split(",")
families = [(r"dyssynchronous_(.+)", "dyssynchronous_<index>"),
            (r"ts_(.+)_ms", "ts_<segment>_ms"), (r"to_(.+)_ms", "to_<segment>_ms"),
            (r"status_(.+)", "status_<segment>")]
for c in cols:
    if c in named:
        continue
    if not any(re.fullmatch(rx, c) and re.fullmatch(rx, c).group(1) in named and
               pattern in doc for rx, pattern in families):
        missing.append("csv:" + c)
if len(keys) < 50 or len(cols) < 90 or missing:
    print("keys %d, columns %d, not in docs/format.md: %s" % (len(keys), len(cols), " ".join(missing)))
    sys.exit(1)
PY
check $? "docs/format.md documents every JSON key and studies.csv column" "$(cat "$tmp/err")"

# plot: each format written, SVG well-formed XML, a usage error for a bad
# kind, exit 1 for a bad extension.
"$dys" plot --kind bullseye -o "$tmp/b.png" testdata/studies/lbbb_views &&
    "$dys" plot -o "$tmp/r.svg" testdata/studies/lbbb_views &&
    "$dys" plot --kind curves -o "$tmp/c.pdf" testdata/studies/multibeat_ecg &&
    head -c 8 "$tmp/b.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' &&
    python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$tmp/r.svg" &&
    head -c 5 "$tmp/c.pdf" | grep -q '%PDF-'
check $? "plot writes PNG, valid SVG and PDF"
"$dys" plot --kind pie -o "$tmp/x.png" testdata/studies/lbbb_views >/dev/null 2>&1
rc=$?
"$dys" plot -o "$tmp/x.gif" testdata/studies/lbbb_views >/dev/null 2>"$tmp/err"
rc2=$?
[ $rc = 2 ] && [ $rc2 = 1 ] && grep -q ".png, .svg or .pdf" "$tmp/err" && [ ! -e "$tmp/x.gif" ]
check $? "plot: unknown kind is a usage error, unknown format a clear failure"

# batch: the same tables whatever -j; a bad study goes to errors.csv and
# makes the exit status 1; shards merged equal one run (also when Slurm's
# variables pick the shard); a run killed with SIGKILL and resumed equals
# an uninterrupted one.
b="$tmp/batch"
mkdir -p "$b/in" && "$dys" synth -o "$b/in/syn" -n 10 --seed 9 --views 2 --noise 0.1 >/dev/null &&
    rm "$b/in/syn/truth.csv" && cp -r testdata/studies/lbbb_views "$b/in/" &&
    printf 'time_ms,basal_septal\n0,1\n10,oops\n' >"$b/in/bad.csv"
"$dys" batch -q -j 1 -o "$b/j1" "$b/in"; rc1=$?
"$dys" batch -q -j 2 -o "$b/j2" "$b/in"; rc2=$?
same=0
for t in studies.csv segments.csv results.jsonl errors.csv; do
    cmp -s "$b/j1/$t" "$b/j2/$t" || same=1
done
[ $rc1 = 1 ] && [ $rc2 = 1 ] && [ $same = 0 ] && [ "$(wc -l <"$b/j1/studies.csv")" = 13 ] &&
    [ "$(wc -l <"$b/j1/segments.csv")" = 133 ] && grep -q "bad.csv:3" "$b/j1/errors.csv" &&
    grep -q '^LBBB-02,.*lbbb_views,ok,,12,' "$b/j1/studies.csv"
check $? "batch: same tables with -j 1 and -j 2, the bad study in errors.csv, exit 1"
# discovery: a manifest of paths (a view directory and a file, with a
# comment) gives exactly those studies
printf '# two studies\n%s\n%s\n' "$PWD/testdata/studies/lbbb_views" \
    "$PWD/testdata/studies/lbbb_single.csv" >"$b/list.txt"
"$dys" batch -q -o "$b/man" "$b/list.txt" &&
    [ "$(wc -l <"$b/man/studies.csv")" = 3 ] &&
    grep -q '^LBBB-01,' "$b/man/studies.csv" && grep -q '^LBBB-02,' "$b/man/studies.csv"
check $? "batch: a manifest lists the studies (a view directory is one study)"
# the analysis options reach batch: its JSON line is analyze's
printf '%s\n' "$PWD/testdata/studies/lbbb_single.csv" >"$b/one.txt"
"$dys" batch -q --peak first --sd population --lowpass 30 -o "$b/opt" "$b/one.txt" &&
    "$dys" analyze --format json --peak first --sd population --lowpass 30 \
        "$PWD/testdata/studies/lbbb_single.csv" >"$b/opt.json" &&
    cmp -s "$b/opt/results.jsonl" "$b/opt.json" && grep -q '"peak": "first"' "$b/opt.json"
check $? "batch takes the analysis options of analyze (same JSON)"
"$dys" batch -q --shard 1/3 -o "$b/s1" "$b/in"
SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_COUNT=3 "$dys" batch -q -o "$b/s2" "$b/in"
"$dys" batch -q --shard 3/3 -o "$b/s3" "$b/in"
"$dys" merge -o "$b/m" "$b/s1" "$b/s2" "$b/s3"
same=0
for t in studies.csv segments.csv results.jsonl errors.csv; do
    cmp -s "$b/j1/$t" "$b/m/$t" || same=1
done
[ $same = 0 ] && [ "$(ls "$b/s2/parts" | wc -l)" = 4 ]
check $? "batch shards (one picked by SLURM_ARRAY_*) merge into the one-run tables"
# Killed at a random point (once 1-100 of 150 studies are done, so it
# is really mid-way), then a part emptied as a power cut may leave an
# unsynced one: --resume redoes that study and gives the clean tables.
k="$tmp/kill"; mkdir -p "$k"
"$dys" synth -o "$k/in" -n 150 --seed 11 --views 0 --noise 0.1 >/dev/null && rm "$k/in/truth.csv"
"$dys" batch -q -j 1 -o "$k/clean" "$k/in"
"$dys" batch -q -j 1 -o "$k/out" "$k/in" & pid=$!
want=$((RANDOM % 100 + 1))
while kill -0 $pid 2>/dev/null && [ "$(ls "$k/out/parts" 2>/dev/null | grep -c '\.part$')" -lt $want ]; do
    sleep 0.005
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
done_at_kill=$(ls "$k/out/parts" | grep -c '\.part$')
: >"$(ls "$k/out/parts"/*.part | head -n 1)"
"$dys" batch -q --resume -o "$k/out" "$k/in"
same=0
for t in studies.csv segments.csv results.jsonl errors.csv; do
    cmp -s "$k/clean/$t" "$k/out/$t" || same=1
done
[ $same = 0 ] && [ "$done_at_kill" -ge 1 ] && [ "$done_at_kill" -lt 150 ] && ! ls "$k/out" "$k/out/parts" | grep -q '\.tmp'
check $? "batch killed with SIGKILL after $done_at_kill of 150 studies, one part emptied, then --resume: the uninterrupted tables, no temporary left"

"$dys" analyze --cutoff nonsense=3 testdata/studies/multibeat_ecg >/dev/null 2>&1
[ $? = 2 ]
check $? "--cutoff with an unknown index is a usage error"

# CRT eligibility in three-valued logic: LVEF 60 % with QRS, NYHA and LBBB
# not given is not eligible by every set (not unknown); LBBB with QRS
# 100 ms is warned about.
sed -e '/^# \(qrs_duration_ms\|nyha\|lbbb\):/d' -e 's/^# lvef_pct: 30/# lvef_pct: 60/' \
    testdata/studies/lbbb_single.csv >"$tmp/lvef60.csv"
"$dys" analyze --format json "$tmp/lvef60.csv" | python3 -c '
import json, sys
o = json.loads(sys.stdin.readline())
for e in o["crt_eligibility"]:
    assert e["eligible"] is False and e["unknown"] == [], e' 2>"$tmp/err" &&
    "$dys" analyze "$tmp/lvef60.csv" | grep -q 'classic           not eligible  not met: LVEF 60 %'
check $? "LVEF 60 %, the rest not given: not eligible, not unknown" "$(cat "$tmp/err")"
sed -e 's/^# qrs_duration_ms: 164/# qrs_duration_ms: 100/' testdata/studies/lbbb_single.csv >"$tmp/lbbb100.csv"
"$dys" analyze "$tmp/lbbb100.csv" | grep -q -- '- lbbb yes with QRS 100 ms: LBBB requires QRS >= 120 ms'
check $? "LBBB with QRS 100 ms is warned about"

# A reference-only cut-off (the To rule differs from the source's) never
# classifies: LBBB-01's to_sd_6_basal_ms, 48 ms, over 20 is null, marked
# ref; --cutoff makes it classify on the user's responsibility.
"$dys" analyze --format json testdata/studies/lbbb_single.csv |
    grep -q '{"index": "to_sd_6_basal_ms", "value": [0-9.]*, "cutoff": 20, "absolute": false, "dyssynchronous": null, "borderline": false, "source": "PMID 16455423 (To-SD-6 basal > 20 ms)", "validated": false, "reference_only": "the onset rule' &&
    "$dys" analyze --format json testdata/studies/lbbb_single.csv |
    grep -q '{"index": "phase_sd_deg", [^}]*"dyssynchronous": null, [^}]*"reference_only": "SPECT phase, not validated for echo"' &&
    "$dys" analyze --format json --cutoff to_sd_6_basal_ms=20 testdata/studies/lbbb_single.csv |
    grep -q '{"index": "to_sd_6_basal_ms", [^}]*"dyssynchronous": true, "borderline": false, "source": "--cutoff", "validated": false, "reference_only": null' &&
    "$dys" analyze testdata/studies/lbbb_single.csv | grep -q 'to_sd_6_basal_ms  *48\.[0-9]  >=20 ref *PMID 16455423 .*\[reference only: '
check $? "reference-only cut-offs never classify; --cutoff does"

# A view whose beats are all rejected (MB-06's A2C given the QRS onsets of a
# bigeminy-like rhythm, RR 800/400 ms) says so, with the reason, in the
# text report, the JSON warnings and the figure (drawn; its pixels are
# checked in test_plot); the other views are still measured.
cp -r testdata/studies/multibeat_ecg "$tmp/allrej" &&
    sed -i '2a # qrs_onsets_ms: 300 1100 1500 2300 2700 3500 3900' "$tmp/allrej/a2c.csv" &&
    "$dys" analyze "$tmp/allrej" >"$tmp/out" &&
    grep -q '^  ! all 7 beats rejected: .*ectopic (premature): no segment of this view is measured$' "$tmp/out" &&
    grep -q '^    1  basal anterior        A2C    missing .*no beat to measure: possibly premature' "$tmp/out" &&
    grep -q '^    3  basal inferoseptal    A4C    ok' "$tmp/out" &&
    "$dys" analyze --format json "$tmp/allrej" |
    grep -q '"warnings": \[.*a2c.csv: all 7 beats rejected: possibly premature' &&
    "$dys" plot --kind curves -o "$tmp/allrej.png" "$tmp/allrej"
check $? "a view with every beat rejected: said with the reason in text, JSON and figure"

# --colour-scale: fixed (default) and study draw different bull's-eyes; an
# unknown scale is a usage error.
"$dys" plot --kind bullseye -o "$tmp/fixed.png" testdata/studies/multibeat_ecg &&
    "$dys" plot --kind bullseye --colour-scale fixed -o "$tmp/fixed2.png" testdata/studies/multibeat_ecg &&
    "$dys" plot --kind bullseye --colour-scale study -o "$tmp/study.png" testdata/studies/multibeat_ecg &&
    cmp -s "$tmp/fixed.png" "$tmp/fixed2.png" && ! cmp -s "$tmp/fixed.png" "$tmp/study.png"
check $? "plot --colour-scale fixed is the default, study differs"
"$dys" plot --colour-scale rainbow -o "$tmp/x.png" testdata/studies/multibeat_ecg >/dev/null 2>&1
[ $? = 2 ] && "$dys" plot --help | grep -q -- '--colour-scale fixed|study'
check $? "plot --colour-scale: unknown value is a usage error; --help documents it"

tap_end
