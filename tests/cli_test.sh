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
golden validate.txt 0 "$dys" validate -w "${studies[@]}" testdata/info/strain18_segmental
# Scar, veins and the implanted lead, by keys and by a segment table (no
# admissible segment): the ranking, the concordance, the response factors.
golden analyze_anatomy.txt 0 "$dys" analyze testdata/anatomy/lbbb_keys.csv \
    testdata/anatomy/lbbb_table.csv
golden analyze_anatomy.jsonl 0 "$dys" analyze --format json testdata/anatomy/lbbb_keys.csv \
    testdata/anatomy/lbbb_table.csv
python3 - "$tmp/out" <<'PY' 2>"$tmp/err"
import json, sys
keys, table = [json.loads(l) for l in open(sys.argv[1])]
lt = keys["lead_target"]
assert [s["name"] for s in lt["segments"]] == ["basal_inferolateral", "mid_anterolateral"]
assert lt["concordance"] == "adjacent" and lt["lead_segment"] == "mid_inferolateral"
assert {"name": "basal_anterolateral", "grade": "transmural", "pct": None} in lt["scar"]
assert table["lead_target"]["segments"] == [] and table["lead_target"]["none_reason"]
assert table["lead_target"]["concordance"] is None
f = {x["key"]: x["state"] for x in keys["response_factors"]}
assert f == {"no_mechanical_dyssynchrony": "absent", "non_lbbb": "absent",
             "rv_dysfunction": "present", "ischaemic_aetiology": "present",
             "scar_at_target": "present", "lead_remote": "absent",
             "atrial_fibrillation": "absent"}, f
PY
check $? "lead target and response factors in the JSON" "$(cat "$tmp/err")"
# The same in studies.csv (analyze --format csv, batch's table): its last
# columns, taken from the JSON's fields, and an error row empty there too.
"$dys" analyze --format json testdata/anatomy/lbbb_keys.csv testdata/anatomy/lbbb_table.csv \
    >"$tmp/anat.jsonl" 2>/dev/null
"$dys" analyze --format csv testdata/anatomy/lbbb_keys.csv testdata/anatomy/lbbb_table.csv \
    "$tmp/no_such_study.csv" >"$tmp/anat.csv" 2>/dev/null
python3 - "$tmp/anat.jsonl" "$tmp/anat.csv" <<'PY' 2>"$tmp/err"
import csv, json, sys
js = [json.loads(l) for l in open(sys.argv[1])]
head, *rows = list(csv.reader(open(sys.argv[2])))
factors = [x["key"] for x in js[0]["response_factors"]]
tail = ["lead_target_1", "lead_target_2", "lead_target_3", "lead_segment",
        "lead_concordance"] + ["factor_" + k for k in factors]
assert len(factors) == 7 and len(head) == 144 + len(tail), len(head)
assert head[142:144] == ["duplicate_id", "figure"] and head[144:] == tail, head[142:]
assert len(rows) == 3 and all(len(r) == len(head) for r in rows), [len(r) for r in rows]
keys, table, err = [dict(zip(head, r)) for r in rows]
assert [keys[c] for c in tail] == ["basal_inferolateral", "mid_anterolateral", "",
                                   "mid_inferolateral", "adjacent", "absent", "absent",
                                   "present", "present", "present", "absent", "absent"], keys
for row, j in zip((keys, table), js):
    lt = j["lead_target"]
    names = [s["name"] for s in lt["segments"]][:3]
    assert [row["lead_target_%d" % i] for i in (1, 2, 3)] == names + [""] * (3 - len(names))
    assert row["lead_segment"] == (lt["lead_segment"] or "")
    assert row["lead_concordance"] == (lt["concordance"] or "")
    assert [row["factor_" + x["key"]] for x in j["response_factors"]] == \
        [x["state"] for x in j["response_factors"]]
assert table["lead_target_1"] == "" and table["lead_concordance"] == ""
assert err["status"] == "error" and all(err[c] == "" for c in tail), err
PY
check $? "lead target, lead segment, concordance and factor states in studies.csv: the last columns, as in the JSON; empty in an error row" "$(cat "$tmp/err")"
# A bad segment table names the table, its line and column.
mkdir -p "$tmp/anat"
printf 'segment,scar\nbasal_inferolateral,thick\n' >"$tmp/anat/seg.csv"
sed 's/^# lead_segment: .*/# segment_table: seg.csv/' testdata/anatomy/lbbb_keys.csv |
    grep -v '^# scar:\|^# vein_segments:' >"$tmp/anat/s.csv"
"$dys" analyze "$tmp/anat/s.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "seg.csv:2:21: scar 'thick'" "$tmp/err"
check $? "a bad segment table: exit 1 and seg.csv:2:21 (exit $rc)" "$(cat "$tmp/err")"
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

# --indices ts: the Ts family only (the other indices null, not requested)
golden analyze_indices_ts.jsonl 0 "$dys" analyze --format json --indices ts "${studies[@]}"
golden analyze_indices_ts.txt 0 "$dys" analyze --indices ts testdata/studies/lbbb_single.csv

# --indices ts gives exactly the default run's Ts: per segment (value,
# status, flags), the Ts indices and their classification, the lead
# target; every other index null; the same in studies.csv.  --indices work
# on the workbooks gives the default's work, and --indices ts there says
# why the work is null.
"$dys" analyze --format json "${studies[@]}" >"$tmp/ix_all.jsonl" &&
    "$dys" analyze --format json --indices ts "${studies[@]}" >"$tmp/ix_ts.jsonl" &&
    "$dys" analyze --format csv "${studies[@]}" >"$tmp/ix_all.csv" &&
    "$dys" analyze --format csv --indices ts "${studies[@]}" >"$tmp/ix_ts.csv" &&
    "$dys" analyze --format json testdata/studies/work_lbbb.xml >"$tmp/ix_wall.json" &&
    "$dys" analyze --format json --indices work testdata/studies/work_lbbb.xml >"$tmp/ix_w.json" &&
    "$dys" analyze --format json --indices ts testdata/studies/work_lbbb.xml >"$tmp/ix_wts.json" &&
    python3 - "$tmp" <<'PY' 2>"$tmp/err"
import csv, json, sys
d = sys.argv[1]
TS = ["ts_sd_12_ms", "ts_sd_12_pop_ms", "ts_diff_12_ms", "ts_sd_6_basal_ms", "ts_diff_6_basal_ms",
      "septal_lateral_delay_ms", "anteroseptal_posterior_delay_ms", "basal_4seg_max_delay_ms",
      "opposing_wall_max_delay_ms"]
alls = [json.loads(l) for l in open(d + "/ix_all.jsonl")]
tss = [json.loads(l) for l in open(d + "/ix_ts.jsonl")]
assert len(alls) == len(tss) == 5
for a, t in zip(alls, tss):
    assert t["parameters"]["options"].endswith(" indices=ts"), t["parameters"]
    assert [(s["ts_ms"], s["status"], s["flags"]) for s in a["segments"]] == \
        [(s["ts_ms"], s["status"], s["flags"]) for s in t["segments"]], a["study_id"]
    assert any(s["ts_ms"] is not None for s in t["segments"])
    for k, v in t["indices"].items():
        if k in TS or k == "n_segments":
            assert v == a["indices"][k], (a["study_id"], k, v, a["indices"][k])
        else:
            assert v is None, (a["study_id"], k, v)
    cl = {c["index"]: c for c in a["classification"]}
    for c in t["classification"]:
        assert c == cl[c["index"]] if c["index"] in TS else c["dyssynchronous"] is None, c
    assert t["lead_target"] == a["lead_target"]
    assert sum("not requested (--indices ts)" in w for w in t["warnings"]) == 1
ra = list(csv.DictReader(open(d + "/ix_all.csv")))
rt = list(csv.DictReader(open(d + "/ix_ts.csv")))
assert list(ra[0]) == list(rt[0])  # one schema
for a, t in zip(ra, rt):
    for k in TS + ["ts_%s_ms" % s["name"] for s in alls[0]["segments"]]:
        assert a[k] == t[k], (k, a[k], t[k])
    assert t["to_sd_12_ms"] == "" and t["phase_sd_deg"] == ""
wa, w, wt = (json.load(open(d + f)) for f in ("/ix_wall.json", "/ix_w.json", "/ix_wts.json"))
for k in ("gwi_mmhg_pct", "gcw_mmhg_pct", "gww_mmhg_pct", "gwe_pct"):
    assert w["indices"][k] == wa["indices"][k] is not None and wt["indices"][k] is None
assert w["indices"]["strain_ttp_sd_12_ms"] is None
assert wt["work"]["reason"] == "not requested (--indices)", wt["work"]
PY
check $? "--indices ts: the default's Ts, status, flags, Ts indices and lead target, the rest null; --indices work: the default's work" \
    "$(cat "$tmp/err")"
"$dys" analyze --indices ts,cyle testdata/studies/lbbb_single.csv >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && [ ! -s "$tmp/out" ] && grep -q "'cyle' is neither an index family (ts, ts_variants, to, xcorr, cycle, strain, lbbb, global, work, doppler, rocking, or all)" "$tmp/err"
check $? "--indices with an unknown family is a usage error listing the families" "rc=$rc $(cat "$tmp/err")"
"$dys" batch -q --indices '' -o "$tmp/ixb" testdata/studies/lbbb_single.csv 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && [ ! -e "$tmp/ixb" ]
check $? "batch --indices '' is a usage error" "rc=$rc $(cat "$tmp/err")"
# a narrow QRS: without the Ts family the EchoCRT check cannot be made,
# and the report says so rather than read as "no dyssynchrony"
sed 's/qrs_duration_ms: 164/qrs_duration_ms: 110/; s/lbbb: yes/lbbb: no/' \
    testdata/studies/lbbb_single.csv >"$tmp/narrow.csv"
"$dys" analyze "$tmp/narrow.csv" | grep -q "QRS 110 ms (< 130) with echo dyssynchrony" &&
    "$dys" analyze --indices to,cycle "$tmp/narrow.csv" >"$tmp/out" &&
    grep -q "QRS 110 ms (< 130): the EchoCRT check (echo dyssynchrony in narrow QRS) read only the indices requested; not requested (--indices): ts_sd_12_ms, ts_diff_12_ms" "$tmp/out" &&
    ! grep -q "with echo dyssynchrony" "$tmp/out"
check $? "--indices without ts on a narrow QRS: the EchoCRT check says which indices it could not read"

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

# GE EchoPAC full-trace contour exports (testdata/contours/, two real
# ones): studies by content, whatever their name.  With the markers'
# convention (the default) the global strain is the geometry's, -13.95 %
# and -11.93 %; with the events the data's author marked by hand (0-based
# frames VOL_0001: QRS 13, AVO 17, AVC 28, next QRS 44 at 52 frames/s;
# SUB_0014: QRS 36, AVO 44, AVC 74, next QRS 121 at 79 frames/s) given as
# ms through the CLI, the published -14.8 % and -12.1 % within 0.3 point.
c4=testdata/contours/VOL_0001_OFF_4CH.CSV
csax=testdata/contours/SUB_0014_POST_SAX.CSV
golden analyze_contours.txt 0 "$dys" analyze "$c4" "$csax"
golden analyze_contours.jsonl 0 "$dys" analyze --format json "$c4" "$csax"
golden analyze_contours.csv 0 "$dys" analyze --format csv "$c4" "$csax"
golden info_contours.txt 0 "$dys" info "$c4" "$csax"
"$dys" analyze --format json "$c4" "$csax" >"$tmp/cm.jsonl" &&
    "$dys" analyze --format json --qrs-onsets 250,846.1538 --avo 76.92 --avc 288.46 "$c4" \
        >"$tmp/ch4.json" &&
    "$dys" analyze --format json --qrs-onsets 455.6962,1531.6456 --avo 101.27 --avc 481.01 \
        "$csax" >"$tmp/chsax.json" &&
    python3 - "$tmp/cm.jsonl" "$tmp/ch4.json" "$tmp/chsax.json" <<'PY' 2>"$tmp/err"
import json, sys
m4, msax = [json.loads(l) for l in open(sys.argv[1])]
h4 = json.loads(open(sys.argv[2]).readline())
hsax = json.loads(open(sys.argv[3]).readline())
g = lambda o: o["indices"]["global_strain_peak_pct"]
assert g(m4) == -13.95 and g(msax) == -11.93, (g(m4), g(msax))
assert abs(g(h4) - -14.8) <= 0.3 and abs(g(hsax) - -12.1) <= 0.3, (g(h4), g(hsax))
assert m4["trace"] == "longitudinal strain" and msax["trace"] == "circumferential strain"
r = m4["recordings"][0]
assert r["view"] == "A4C" and r["qrs_onset_source"] == "export markers"
assert r["global_strain_peak_pct"] == -13.95
c = r["contour"]
assert c["reference"] == "left marker 230 ms: frame 12 (230.8 ms)", c
assert c["drift_correction"] == "linear to the right marker 822 ms: frame 43 (826.9 ms)", c
assert (c["reference_frame"], c["drift_frame"], c["view"], c["knots"]) == (12, 43, "4CH", 67)
assert r["events"]["avc_method"] == "EchoPAC ES Time" and r["events"]["avc_ms"] == 402.0
c = h4["recordings"][0]["contour"]
assert (c["reference_frame"], c["drift_frame"]) == (13, 44), c
assert c["reference"].startswith("given QRS onset 250 ms: frame 13"), c
assert h4["recordings"][0]["qrs_onset_source"] == "given"
assert h4["events"]["method"] == "AVO: --avo; AVC: --avc"
c = hsax["recordings"][0]["contour"]
assert (c["reference_frame"], c["drift_frame"], c["view"]) == (36, 121, "SAX-PM"), c
ok = [s for s in m4["segments"] if s["status"] == "ok"]
assert [s["aha"] for s in ok] == [3, 6, 9, 12, 15, 18], ok
assert len(msax["segments"]) == 12 and msax["recordings"][0]["view"] == "SAX-PM"
assert {s["view"] for s in msax["segments"] if s["file"]} == {"SAX-PM"}
assert all(s["file"] is None for s in msax["segments"][:6])
assert all(s["peak_strain_pct"] is None or s["peak_strain_pct"] < 0 for s in m4["segments"])
PY
check $? "contours: global strain -13.95/-11.93 by the markers, the published -14.8/-12.1 with the hand-marked events; the reference and drift frames named" \
    "$(cat "$tmp/err")"
# Recognised by content: a lower-case .csv and no extension at all give
# the same study (its id from ID=)
cp "$c4" "$tmp/vol.csv" && cp "$c4" "$tmp/vol_noext" &&
    "$dys" analyze --format json "$tmp/vol.csv" | sed 's/"[^"]*vol.csv"/F/g' >"$tmp/a1" &&
    "$dys" analyze --format json "$tmp/vol_noext" | sed 's/"[^"]*vol_noext"/F/g' >"$tmp/a2" &&
    cmp -s "$tmp/a1" "$tmp/a2" && grep -q '"study_id": "VOL01"' "$tmp/a1"
check $? "a contour export is read by content: .csv and no extension alike"
# Velocity along the wall: the timing indices run; a ring has none
"$dys" analyze --format json --contour-trace velocity --qrs-onsets 250,846.1538 --avo 76.92 \
    --avc 288.46 "$c4" | python3 -c '
import json, sys
o = json.loads(sys.stdin.readline())
assert o["trace"] == "longitudinal velocity", o["trace"]
s = {x["name"]: x for x in o["segments"]}
for n in ("basal_inferoseptal", "basal_anterolateral", "mid_inferoseptal", "mid_anterolateral"):
    assert s[n]["status"] == "ok" and 76.9 < s[n]["ts_ms"] < 288.5, s[n]
    assert 2 < s[n]["peak_velocity_cm_s"] < 15, s[n]
sl = s["basal_anterolateral"]["ts_ms"] - s["basal_inferoseptal"]["ts_ms"]
assert abs(o["indices"]["septal_lateral_delay_ms"] - sl) < 0.011
assert o["indices"]["global_strain_peak_pct"] is None
assert o["recordings"][0]["contour"]["curves"].startswith("velocity along the wall")
assert any("differentiated from speckle-tracking positions at 52 fps" in w for w in o["warnings"])
assert not any("advised for longitudinal tissue Doppler" in w for w in o["warnings"])' 2>"$tmp/err"
check $? "--contour-trace velocity: Ts per segment and the septal-lateral delay from the contour" \
    "$(cat "$tmp/err")"
# and no frame-rate warning for strain at 52 frames/s
! grep -q "fps" "$tmp/cm.jsonl"
check $? "strain at 52 frames/s is not warned about"
"$dys" analyze --contour-trace velocity "$csax" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "SUB_0014_POST_SAX.CSV:5:6: view SAX-PM is a short-axis ring: velocity along the wall" "$tmp/err"
check $? "--contour-trace velocity on a short-axis ring: exit 1, why" "rc=$rc $(cat "$tmp/err")"
"$dys" analyze --qrs-onsets 250,500,846 "$c4" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "3 QRS onsets given (--qrs-onsets): a full-trace export tracks one cycle" "$tmp/err"
check $? "--qrs-onsets: a contour takes two" "rc=$rc $(cat "$tmp/err")"
"$dys" analyze --qrs-onsets 250,2000 "$c4" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "the given QRS onset 2000 ms is outside the recording: expected 0 to 1211.5 ms" "$tmp/err"
check $? "--qrs-onsets outside the recording" "rc=$rc $(cat "$tmp/err")"
for bad in "846,250" "250,,846" "250;846" "x" ""; do
    "$dys" analyze --qrs-onsets "$bad" "$c4" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc = 2 ] && grep -q -- "--qrs-onsets takes increasing times" "$tmp/err"
    check $? "--qrs-onsets '$bad' is a usage error" "rc=$rc $(cat "$tmp/err")"
done
"$dys" analyze --contour-trace speed "$c4" >/dev/null 2>&1
[ $? = 2 ]
check $? "--contour-trace speed is a usage error"
# --contour-flip: a mirrored image swaps the walls' names, so each segment
# takes the other wall's values; the recording says so; global strain does
# not change.
"$dys" analyze --format segments "$c4" >"$tmp/noflip.csv" &&
    "$dys" analyze --format segments --contour-flip "$c4" >"$tmp/flip.csv" &&
    "$dys" analyze --format json --contour-flip "$c4" >"$tmp/flip.json" &&
    python3 - "$tmp/noflip.csv" "$tmp/flip.csv" "$tmp/flip.json" <<'PY' 2>"$tmp/err"
import csv, json, sys
a = {r["segment"]: r for r in csv.DictReader(open(sys.argv[1]))}
b = {r["segment"]: r for r in csv.DictReader(open(sys.argv[2]))}
swap = {"basal_inferoseptal": "basal_anterolateral", "mid_inferoseptal": "mid_anterolateral",
        "apical_inferoseptal": "apical_anterolateral"}
swap.update({v: k for k, v in swap.items()})
for s, t in swap.items():
    assert a[s]["strain_ttp_ms"] == b[t]["strain_ttp_ms"] != "", (s, a[s], b[t])
o = json.load(open(sys.argv[3]))
assert "mirrored" in o["recordings"][0]["contour"]["curves"]
PY
check $? "--contour-flip swaps the walls' names and says so" "$(cat "$tmp/err")"
"$dys" analyze --cutoff global_strain_peak_pct=18 "$c4" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "global_strain_peak_pct is not a dyssynchrony index" "$tmp/err"
check $? "--cutoff for global strain is refused (no dyssynchrony cut-off)" "rc=$rc $(cat "$tmp/err")"
# One patient's apical views in a directory (VOL_0001 rewritten into 2CH
# and APLAX copies): one study of 18 segments, GLS the mean of the views'
# peaks; a ring beside them, or another patient, is refused with why.
v3="$tmp/v3"; mkdir -p "$v3" && cp "$c4" "$v3/" &&
    for v in 2CH APLAX; do sed "s/View=4CH/View=$v/" "$c4" >"$v3/VOL_0001_OFF_$v.CSV"; done
"$dys" analyze --format json "$v3" | python3 -c '
import json, sys
o = json.loads(sys.stdin.readline())
assert [s["aha"] for s in o["segments"]] == list(range(1, 19))
assert all(s["status"] == "ok" for s in o["segments"]), [s["reason"] for s in o["segments"]]
assert [r["view"] for r in o["recordings"]] == ["A4C", "A2C", "APLAX"]
assert [r["contour"]["view"] for r in o["recordings"]] == ["4CH", "2CH", "APLAX"]
ix = o["indices"]
assert ix["n_segments"] == 18 and ix["global_strain_peak_pct"] == -13.95, ix
assert ix["strain_ttp_sd_18_ms"] is not None and o["study_id"] == "VOL01"
s = {x["name"]: x for x in o["segments"]}
assert s["basal_inferior"]["strain_ttp_ms"] == s["basal_inferoseptal"]["strain_ttp_ms"]
assert s["basal_anterior"]["file"].endswith("VOL_0001_OFF_2CH.CSV")' 2>"$tmp/err"
check $? "a directory of one patient's 4CH, 2CH and APLAX contours is one study of 18 segments" \
    "$(cat "$tmp/err")"
# (from inside the temporary folder, so the paths in the report are fixed)
golden analyze_contours18.txt 0 bash -c 'cd "$1" && "$2" analyze v3' _ "$tmp" "$dys"
mkdir -p "$tmp/mix" && cp "$c4" "$csax" "$tmp/mix/"
"$dys" analyze "$tmp/mix" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "not the view files of one study: .*SUB_0014_POST_SAX.CSV is a SAX-PM contour: a short-axis ring" "$tmp/err"
check $? "a ring beside an apical contour is not one study" "rc=$rc $(cat "$tmp/err")"
mkdir -p "$tmp/two" && cp "$c4" "$tmp/two/" &&
    sed -e 's/View=4CH/View=2CH/' -e 's/ID=VOL01/ID=VOL02/' "$c4" >"$tmp/two/other_2ch.CSV"
"$dys" analyze "$tmp/two" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "its contour exports are of different patients (ID=VOL01 in" "$tmp/err"
check $? "contours of two patients are not one study" "rc=$rc $(cat "$tmp/err")"
"$dys" analyze --qrs-onsets 250,846.1538 "$v3" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "QRS onsets given (--qrs-onsets) for a study of 3 view files" "$tmp/err"
check $? "--qrs-onsets is refused for a study of several views" "rc=$rc $(cat "$tmp/err")"
# batch: a folder with both exports (and an extension-less copy) gives a
# study each, the three-view folder one of 18 segments; the trace column
# keeps longitudinal and circumferential strain apart
mkdir -p "$tmp/cb/both" && cp "$c4" "$csax" "$tmp/cb/both/" && cp "$csax" "$tmp/cb/both/SUB_noext" &&
    "$dys" batch -q -o "$tmp/cb/out" "$tmp/cb/both" "$v3" 2>"$tmp/err" &&
    python3 - "$tmp/cb/out/studies.csv" <<'PY' 2>>"$tmp/err"
import csv, sys
rows = {r["source"].rsplit("/", 1)[-1]: r for r in csv.DictReader(open(sys.argv[1]))}
assert sorted(rows) == ["SUB_0014_POST_SAX.CSV", "SUB_noext", "VOL_0001_OFF_4CH.CSV", "v3"], rows
assert rows["v3"]["n_segments"] == "18" and rows["v3"]["trace"] == "longitudinal strain"
assert rows["v3"]["global_strain_peak_pct"] == "-13.95"
assert rows["SUB_noext"]["trace"] == "circumferential strain"
assert rows["SUB_noext"]["global_strain_peak_pct"] == "-11.93"
assert rows["VOL_0001_OFF_4CH.CSV"]["global_strain_peak_pct"] == "-13.95"
PY
check $? "batch: each contour export a study, the three-view folder one" "$(cat "$tmp/err")"
"$dys" batch -q --qrs-onsets 250,846 -o "$tmp/cb/q" "$tmp/cb/both" >/dev/null 2>&1
[ $? = 2 ]
check $? "batch --qrs-onsets is a usage error (one recording's onsets)"
# the report figure of each (looked at when written: the curves are strain)
"$dys" plot --kind report -o "$tmp/c4.png" "$c4" && "$dys" plot --kind report -o "$tmp/csax.png" "$csax" &&
    "$dys" plot --kind report -o "$tmp/v3.png" "$v3" &&
    head -c 8 "$tmp/c4.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'
check $? "plot --kind report of the contour studies"

# validate: a bad study is named with file:line:column, exit 1, the
# others still checked; -q leaves the good ones out; a directory is
# searched as batch does (a view directory is one study).
"$dys" validate testdata/studies/lbbb_single.csv "$tmp/bad.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -qx "testdata/studies/lbbb_single.csv: ok" "$tmp/out" &&
    grep -q "^$tmp/bad.csv: error: $tmp/bad.csv:5:6: 'x2' is not a number" "$tmp/out" &&
    grep -q '1 of 2 studies failed validation' "$tmp/err"
check $? "validate: bad cell exits 1 with file:line:col, the others still checked" \
    "rc=$rc $(cat "$tmp/out" "$tmp/err")"
"$dys" validate -q testdata/studies/lbbb_single.csv "$tmp/bad.csv" >"$tmp/out" 2>/dev/null
[ "$(wc -l <"$tmp/out")" = 1 ] && grep -q "^$tmp/bad.csv: error: " "$tmp/out"
check $? "validate -q prints the failed studies only" "$(cat "$tmp/out")"
mkdir -p "$tmp/vd/sub" && cp -r testdata/studies/lbbb_views "$tmp/vd/" &&
    cp testdata/studies/lbbb_single.csv "$tmp/vd/sub/" && cp "$tmp/bad.csv" "$tmp/vd/sub/"
"$dys" validate "$tmp/vd" >"$tmp/out" 2>/dev/null
rc=$?
printf '%s\n' "$tmp/vd/lbbb_views: ok" "$tmp/vd/sub/bad.csv: error: $tmp/vd/sub/bad.csv:5:6:" \
    "$tmp/vd/sub/lbbb_single.csv: ok" >"$tmp/want"
[ $rc = 1 ] && sed 's/\(:5:6:\) .*/\1/' "$tmp/out" | cmp -s - "$tmp/want"
check $? "validate DIR: studies found as batch finds them, one line each, sorted" \
    "rc=$rc $(cat "$tmp/out")"
"$dys" validate "$tmp/vd/sub/nothing" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q "nothing" "$tmp/err"
check $? "validate of a missing input exits 1" "$(cat "$tmp/err")"

# Usage errors exit 2.
for args in "analyze" "analyze --format xml x.csv" "analyze --lowpass fast x.csv" \
    "analyze --peak biggest x.csv" "analyze --min-segments 13 x.csv" "frobnicate" \
    "synth" "synth -o $tmp/s --fps 5" "info" "validate" "validate --frobnicate x.csv"; do
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
    testdata/contours/VOL_0001_OFF_4CH.CSV testdata/studies/work_lbbb.xml \
    >"$tmp/contract.jsonl" 2>/dev/null
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
[ $same = 0 ] && [ "$(cat "$b/s2/parts"/journal-*.log | grep -ac '^@dyssync-record ')" = 4 ]
check $? "batch shards (one picked by SLURM_ARRAY_*) merge into the one-run tables"
# Killed at a random point (once 1-100 of 150 studies are done, so it
# is really mid-way), then the end of the journal lost as a power cut may
# lose its unsynced tail: --resume redoes those studies and gives the clean
# tables.
k="$tmp/kill"; mkdir -p "$k"
"$dys" synth -o "$k/in" -n 150 --seed 11 --views 0 --noise 0.1 --beats 8 >/dev/null && rm "$k/in/truth.csv" "$k/in/truth_beats.csv"
"$dys" batch -q -j 1 -o "$k/clean" "$k/in"
"$dys" batch -q -j 1 -o "$k/out" "$k/in" & pid=$!
want=$((RANDOM % 100 + 1))
while kill -0 $pid 2>/dev/null && [ "$(records "$k/out")" -lt $want ]; do
    sleep 0.005
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
done_at_kill=$(records "$k/out")
truncate -s -100 "$(ls "$k/out/parts"/journal-*.log | tail -n 1)"
"$dys" batch -q --resume -o "$k/out" "$k/in"
same=0
for t in studies.csv segments.csv results.jsonl errors.csv; do
    cmp -s "$k/clean/$t" "$k/out/$t" || same=1
done
[ $same = 0 ] && [ "$done_at_kill" -ge 1 ] && [ "$done_at_kill" -lt 150 ] && ! ls "$k/out" "$k/out/parts" | grep -q '\.tmp'
check $? "batch killed with SIGKILL after $done_at_kill of 150 studies, the journal's last 100 bytes lost, then --resume: the uninterrupted tables, no temporary left"

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

# A pipe is read once: a study through process substitution gives the
# file's result (its source aside); a workbook must be a regular file.
"$dys" analyze --format json testdata/studies/lbbb_single.csv | sed 's/"source": "[^"]*"//' >"$tmp/file.json" &&
    "$dys" analyze --format json <(cat testdata/studies/lbbb_single.csv) |
    sed 's/"source": "[^"]*"//' | sed 's#/dev/fd/[0-9]*#testdata/studies/lbbb_single.csv#g' >"$tmp/pipe.json" &&
    cmp -s "$tmp/file.json" "$tmp/pipe.json"
check $? "a study read from a pipe gives the file's result"
"$dys" analyze <(cat testdata/studies/work_lbbb.xml) >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q 'XML (a myocardial-work workbook?) read from a pipe: expected it as a regular file' "$tmp/err"
check $? "a workbook through a pipe is refused with the reason" "$(cat "$tmp/err")"

tap_end
