#!/usr/bin/env bash
# Batch tables are one consistent run (issue 13), in TAP: fingerprints and
# --resume, run.json, normalised paths, one writer per OUTDIR, merge checks,
# duplicate study ids, CSV injection, SIGINT, the one-row-per-study table,
# discovery by content, synth and analyze on folders; the journals (issue
# 17): torn and damaged records, two workers, parts of an earlier format.
#
# usage: tests/batch_test.sh DYSSYNC SOURCE_ROOT
set -u
dys=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/tap.sh"
cd "$2" || exit 2
tmp=$(mktemp -d /tmp/dyssync_batch.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

tables="studies.csv segments.csv results.jsonl errors.csv"
# same_tables A B: the four tables of two OUTDIRs are byte for byte equal
same_tables() {
    for t in $tables; do cmp -s "$1/$t" "$2/$t" || return 1; done
}

# An archive of 40 single-file studies, truth tables beside them; 16 beats
# each, so that a batch takes long enough (about 0.3 s) for the kill below
# to land mid-way: one beat each, it finished all 40 first now and then.
a="$tmp/arch"
"$dys" synth -o "$a" -n 40 --seed 21 --noise 0.1 --beats 16 >/dev/null

# Killed mid-way (SIGKILL), then an input edited and the options changed:
# resume re-analyses exactly what changed, refuses other options unless
# --reanalyse, and every table equals a clean run of the same inputs and
# options.
"$dys" batch -q -j 1 -o "$tmp/run" "$a" & pid=$!
while kill -0 $pid 2>/dev/null && [ "$(records "$tmp/run")" -lt 10 ]; do
    sleep 0.005
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
killed_at=$(records "$tmp/run")
# one sample of a study already done changes (its file keeps its size): on
# line 12 the first ".9" becomes ".8", or, without one, the first decimal
# digit becomes 9 (always a change: which study is the victim depends on how
# far the killed run got, and a 9 made 9 would leave its file as it was)
# (the source is line 3 of a journal: the record's header, the payload's
# format line, its source)
victim=$(sed -n 3p "$(ls -d "$tmp/run/parts"/journal-*.log | head -n 1)")
sed -i -e '12{/\.9/{s/\.9/.8/;b' -e '}' -e 's/\.\([0-9]\)/.9/' -e '}' "$victim"
"$dys" batch -q -j 2 --resume -o "$tmp/run" "$a" 2>"$tmp/err"; rc=$?
"$dys" batch -q -j 2 -o "$tmp/clean" "$a" 2>/dev/null
[ $rc = 0 ] && same_tables "$tmp/run" "$tmp/clean" && [ "$killed_at" -lt 40 ] &&
    grep -q "analysed again: 1 with a changed input" "$tmp/err"
check $? "killed after $killed_at of 40, an input edited: --resume analyses it again and equals a clean run" "$(cat "$tmp/err")"

"$dys" batch -q --resume --lowpass 20 -o "$tmp/run" "$a" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "40 studies there were analysed with other options: lowpass (auto then, 20 now)" "$tmp/err" &&
    grep -q -- "--reanalyse" "$tmp/err" && same_tables "$tmp/run" "$tmp/clean"
check $? "--resume with other options is refused, naming them, and changes nothing" "$(cat "$tmp/err")"

"$dys" batch -q --resume --reanalyse --lowpass 20 -o "$tmp/run" "$a" 2>"$tmp/err"; rc=$?
"$dys" batch -q --lowpass 20 -o "$tmp/clean20" "$a" 2>/dev/null
[ $rc = 0 ] && same_tables "$tmp/run" "$tmp/clean20" &&
    [ "$(grep -c '"options": "lowpass=20 ' "$tmp/run/results.jsonl")" = 40 ] &&
    grep -q "40 made with other options" "$tmp/err"
check $? "--resume --reanalyse redoes the studies made with other options: a clean --lowpass 20 table" "$(cat "$tmp/err")"

# --indices is one of the options a resume compares: other indices are
# refused like another cut-off, named as all (the default) then and ts now
"$dys" batch -q --resume --lowpass 20 --indices ts -o "$tmp/run" "$a" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "40 studies there were analysed with other options: indices (all then, ts now)" "$tmp/err" &&
    same_tables "$tmp/run" "$tmp/clean20"
check $? "--resume with other --indices is refused, naming them, and changes nothing" "$(cat "$tmp/err")"

# run.json says how the tables were made
python3 - "$tmp/run/run.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["dyssync_version"] and m["command"] == "batch", m
assert m["options"].startswith("lowpass=20 peak=max "), m["options"]
assert m["complete"] is True and m["interrupted"] is False, m
assert m["studies"] == 40 and m["analysed"] == 40 and m["reused"] == 0, m
assert m["failed"] == 0 and m["not_done"] == 0 and m["ended"] >= m["started"], m
assert m["inputs"] and m["shard"] is None, m
EOF
check $? "run.json: version, options, start and end, inputs, counts"

# "dir/", "dir" and "./dir//" are one study set: same parts, no "//"
(cd "$tmp" && "$dys" batch -q -o slash arch/ 2>/dev/null)
(cd "$tmp" && "$dys" batch -q --resume -o slash ./arch// 2>"$tmp/err"); rc=$?
(cd "$tmp" && "$dys" batch -q -o noslash arch 2>/dev/null)
[ $rc = 0 ] && grep -q "40 studies kept" "$tmp/err" && same_tables "$tmp/slash" "$tmp/noslash" &&
    ! grep -q '//' "$tmp/slash/studies.csv" && [ "$(records "$tmp/slash")" = 40 ]
check $? "paths normalised: dir/, dir and ./dir// are one study set" "$(cat "$tmp/err")"

# One writer per OUTDIR: a second batch is refused while the first runs
big="$tmp/big"
"$dys" synth -o "$big" -n 200 --seed 5 --beats 3 --ecg >/dev/null
"$dys" batch -q -j 1 -o "$tmp/locked" "$big" 2>/dev/null & pid=$!
while kill -0 $pid 2>/dev/null && [ ! -s "$tmp/locked/.lock" ]; do sleep 0.01; done
"$dys" batch -q --lowpass 20 -o "$tmp/locked" "$big" 2>"$tmp/err"; rc=$?
wait $pid; rc1=$?
"$dys" batch -q -j 1 -o "$tmp/bigclean" "$big" 2>/dev/null
[ $rc = 1 ] && [ $rc1 = 0 ] && grep -q "being written by another dyssync (dyssync batch, pid $pid" "$tmp/err" &&
    same_tables "$tmp/locked" "$tmp/bigclean" && ! grep -q 'lowpass=20' "$tmp/locked/results.jsonl"
check $? "a second batch on a busy OUTDIR is refused, naming the running one; the table is one run" "$(cat "$tmp/err")"

# SIGINT: the studies in flight finish, the tables of what is done, exit 130
"$dys" batch -j 1 -o "$tmp/int" "$big" 2>"$tmp/err" & pid=$!
while kill -0 $pid 2>/dev/null && [ "$(records "$tmp/int")" -lt 20 ]; do sleep 0.005; done
kill -INT $pid; wait $pid; rc=$?
rows=$(($(wc -l <"$tmp/int/studies.csv") - 1))
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert not m['complete'] and m['interrupted'] and m['not_done'] == 200 - $rows" \
    "$tmp/int/run.json"; man=$?
"$dys" batch -q -j 2 --resume -o "$tmp/int" "$big" 2>/dev/null; rc2=$?
[ $rc = 130 ] && [ $man = 0 ] && [ "$rows" -ge 20 ] && [ "$rows" -lt 200 ] &&
    grep -q "interrupted: $rows of 200 studies done; run the same command with --resume to finish" "$tmp/err" &&
    ! ls "$tmp/int" "$tmp/int/parts" | grep -q '\.tmp' && [ $rc2 = 0 ] && same_tables "$tmp/int" "$tmp/bigclean"
check $? "SIGINT: exit 130, tables of the $rows studies done, run.json incomplete; --resume finishes to the clean tables" "$(cat "$tmp/err")"

# merge refuses shards made with other options (or versions)
"$dys" batch -q --shard 1/2 -o "$tmp/sh1" "$a" 2>/dev/null
"$dys" batch -q --shard 2/2 --lowpass 25 -o "$tmp/sh2" "$a" 2>/dev/null
"$dys" merge -o "$tmp/merged" "$tmp/sh1" "$tmp/sh2" 2>"$tmp/err"; rc=$?
"$dys" batch -q --shard 2/2 -o "$tmp/sh2b" "$a" 2>/dev/null
"$dys" merge -o "$tmp/merged2" "$tmp/sh1" "$tmp/sh2b" 2>/dev/null; rc2=$?
[ $rc = 2 ] && grep -q "sh2 was made with other options than .*sh1: lowpass (auto then, 25 now)" "$tmp/err" &&
    [ ! -e "$tmp/merged/studies.csv" ] && [ $rc2 = 0 ] && same_tables "$tmp/merged2" "$tmp/clean" &&
    grep -q '"command": "merge"' "$tmp/merged2/run.json"
check $? "merge refuses shards made with other options; equal shards merge to the one-run tables" "$(cat "$tmp/err")"

# Two studies with one study_id: flagged, warned, figures unique; a
# formula-like study_id is neutralised in every CSV and read back by stats;
# README, LICENSE and tables of studies are skipped by their content.
d="$tmp/dup"; mkdir -p "$d/a" "$d/b"
cp testdata/studies/lbbb_single.csv "$d/a/" && cp testdata/studies/lbbb_single.csv "$d/b/"
sed 's/^# study_id: .*/# study_id: =HYPERLINK("http:\/\/x";"y")/' testdata/studies/lbbb_single.csv >"$d/formula.csv"
printf 'dyssync test data\nSee the licence.\n' >"$d/README.txt"
printf 'MIT License\n\nCopyright (c) 2026\n' >"$d/LICENSE.txt"
cp "$a/truth.csv" "$d/"
"$dys" batch -q --plots all -o "$tmp/dupout" "$d" 2>"$tmp/err"; rc=$?
python3 - "$tmp/dupout" <<'EOF'; py=$?
import csv, os, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "studies.csv"))))
assert len(rows) == 3, rows
dup = [r for r in rows if r["study_id"] == "LBBB-01"]
assert len(dup) == 2 and all(r["duplicate_id"] == "yes" for r in dup), dup
# filled mid-row: the columns after them are where they were
assert all(len(r) == 156 and None not in r and r["factor_non_lbbb"] == "absent" for r in rows), rows
figs = {r["figure"] for r in rows}
assert len(figs) == 3 and all(os.path.getsize(os.path.join(out, f)) > 1000 for f in figs), figs
f = [r for r in rows if r["study_id"].startswith("'=")]
assert len(f) == 1 and f[0]["duplicate_id"] == "", rows
for name in ("studies.csv", "segments.csv"):
    for line in open(os.path.join(out, name)):
        assert not line.startswith("=") and ',=' not in line and ',"=' not in line, line
EOF
[ $rc = 0 ] && [ $py = 0 ] && grep -q "2 studies share their study_id" "$tmp/err" &&
    grep -q "README.txt: skipped: not a study" "$tmp/err" && grep -q "LICENSE.txt: skipped: not a study" "$tmp/err" &&
    grep -q "truth.csv: skipped: not a study" "$tmp/err" && ! grep -q "README\|LICENSE\|truth" "$tmp/dupout/errors.csv"
check $? "duplicate study_ids flagged and warned, figures unique; formula-like ids neutralised; README, LICENSE, truth.csv skipped" "$(cat "$tmp/err")"

# A study's segment table (scar and veins, key segment_table) lives beside
# it: skipped by its content, not failed as a study
"$dys" batch -q -o "$tmp/anat" testdata/anatomy 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && grep -q "lbbb_table_segments.csv: skipped: not a study" "$tmp/err" &&
    [ "$(tail -n +2 "$tmp/anat/studies.csv" | wc -l)" = 2 ]
check $? "a segment table beside its study is skipped, not failed" "rc=$rc $(cat "$tmp/err")"
# the lead target and factor columns come after duplicate_id and figure,
# which batch fills in mid-row: its table is analyze's, byte for byte
"$dys" analyze --format csv testdata/anatomy/lbbb_keys.csv testdata/anatomy/lbbb_table.csv \
    2>/dev/null | cmp -s - "$tmp/anat/studies.csv" &&
    head -n 1 "$tmp/anat/studies.csv" | grep -q ',duplicate_id,figure,lead_target_1,lead_target_2,lead_target_3,lead_segment,lead_concordance,factor_no_mechanical_dyssynchrony,.*,factor_atrial_fibrillation$'
check $? "batch's studies.csv ends with the lead target and factor columns, as analyze's" "$(head -c 300 "$tmp/anat/studies.csv")"

T=testdata/studies
"$dys" analyze --format csv "$d/formula.csv" $T/lbbb_views $T/multibeat_ecg $T/eu_tab_decimal_comma.csv \
    >"$tmp/r4.csv" 2>/dev/null
printf 'study_id,lvesv_baseline_ml,lvesv_followup_ml\n"=HYPERLINK(""http://x"";""y"")",200,150\nLBBB-02,200,150\nMB-06,200,195\nEU-03,200,199\n' >"$tmp/outcomes.csv"
"$dys" stats roc --results "$tmp/r4.csv" --outcomes "$tmp/outcomes.csv" --response lvesv15 \
    --index ts_sd_12_ms >"$tmp/roc.txt" 2>"$tmp/err"
grep -qE '^ts_sd_12_ms +2 +2 ' "$tmp/roc.txt"
check $? "stats reads the neutralised study_id back and joins it with the outcomes" "$(cat "$tmp/err" "$tmp/roc.txt")"

# analyze --format csv writes batch's studies.csv layout, from one writer
"$dys" analyze --format csv "$d/a/lbbb_single.csv" "$d/formula.csv" >"$tmp/an.csv" 2>/dev/null
head -n 1 "$tmp/an.csv" | cmp -s - <(head -n 1 "$tmp/dupout/studies.csv") &&
    grep -q "^\"'=HYPERLINK" "$tmp/an.csv" &&
    python3 - "$tmp/an.csv" <<'EOF'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[0]
assert r["status"] == "ok" and r["dyssynchronous_ts_sd_12_ms"] == "yes", r
assert r["crt_acc_aha_hrs_2012"] == "eligible" and r["crt_acc_aha_hrs_2012_class"] == "I", r
assert r["n_warnings"] == "0" and r["null_reasons"] == "", r
EOF
check $? "analyze --format csv: the studies.csv layout, classification and CRT class per study"
# a study with null indices says why in one cell, grouped by cause
"$dys" analyze --format csv testdata/studies/echopac_a4c_velocity.txt >"$tmp/ep.csv"
python3 - "$tmp/ep.csv" <<'EOF'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[0]
assert r["null_reasons"].startswith("24 indices are null, too few usable segments (basal_anterior missing"), r["null_reasons"]
assert int(r["n_warnings"]) == 2 and r["first_warning"].startswith("AVO estimated"), r
assert r["dyssynchronous_ts_sd_12_ms"] == "" and r["crt_classic"] == "unknown", r
EOF
check $? "studies.csv: why indices are null (one cause), the warnings' count and the first"

# One rule for view directories (dys_dir_is_view_study): files named
# P01_a4c.csv, ... are one study's views for batch as for analyze
mkdir -p "$tmp/views/p01"
for f in testdata/studies/lbbb_views/*.csv; do # the view from the name only
    grep -iv '^# *view' "$f" >"$tmp/views/p01/P01_$(basename "$f")"
done
"$dys" batch -q -o "$tmp/viewsout" "$tmp/views" 2>"$tmp/err"; rc=$?
"$dys" analyze --format csv "$tmp/views/p01" >"$tmp/p01.csv"
[ $rc = 0 ] && [ "$(wc -l <"$tmp/viewsout/studies.csv")" = 2 ] &&
    cmp -s <(tail -n 1 "$tmp/viewsout/studies.csv") <(tail -n 1 "$tmp/p01.csv")
check $? "batch and analyze agree that P01_a4c.csv, P01_a2c.csv, P01_aplax.csv are one study" "$(cat "$tmp/err")"
# ... and a folder of studies holding one EchoPAC A4C export is no view
# directory: the bundled studies are six studies for batch (the
# myocardial-work workbook one of them), and analyze says to use batch on
# their folder
"$dys" batch -q -o "$tmp/bundled" testdata/studies 2>"$tmp/err"; rc=$?
"$dys" analyze testdata/studies >/dev/null 2>"$tmp/err2"; rc2=$?
[ $rc = 0 ] && [ "$(wc -l <"$tmp/bundled/studies.csv")" = 7 ] && [ $rc2 = 1 ] &&
    grep -q "not the view files of one study" "$tmp/err2" &&
    grep -q '^SYN-MW-01,.*,measured,' "$tmp/bundled/studies.csv" &&
    [ "$(grep -c '^SYN-MW-01,' "$tmp/bundled/segments.csv")" = 18 ]
check $? "a folder of studies with one A4C export among them is six studies, not one; the workbook's row says its pressure was measured, its 18 segments are listed" "$(cat "$tmp/err" "$tmp/err2")"
"$dys" analyze --format segments "$tmp/views/p01" >"$tmp/p01_seg.csv"
cmp -s "$tmp/p01_seg.csv" "$tmp/viewsout/segments.csv" && [ "$(wc -l <"$tmp/p01_seg.csv")" = 13 ]
check $? "analyze --format segments writes batch's segments.csv rows (one writer in the engine)"

# synth creates missing parents; analyze on a folder of studies says batch
"$dys" synth -o "$tmp/new/deep/dir" -n 2 >/dev/null && [ -f "$tmp/new/deep/dir/synth_0002.csv" ]
check $? "synth creates missing parent directories"
"$dys" analyze "$a" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "not the view files of one study .*use \`dyssync batch -o OUTDIR" "$tmp/err"
check $? "analyze on a folder of single-file studies says to use batch" "$(cat "$tmp/err")"

# Journals: each record is checksummed and counts only when whole.  A
# record cut short at the end (a kill or a power cut mid-write) is ignored
# and its study analysed again on --resume; the torn tail is cut off, so a
# later run does not say it again.
cp -r "$tmp/clean" "$tmp/torn"
j=$(ls -d "$tmp/torn/parts"/journal-*.log | tail -n 1)
truncate -s -300 "$j"
"$dys" batch -q -j 1 --resume -o "$tmp/torn" "$a" 2>"$tmp/err"; rc=$?
"$dys" batch -q --resume -o "$tmp/torn" "$a" 2>"$tmp/err2"; rc2=$?
[ $rc = 0 ] && same_tables "$tmp/torn" "$tmp/clean" &&
    grep -q "$(basename "$j"): byte [0-9]*: an incomplete record at the end" "$tmp/err" &&
    grep -q "resume: 39 studies kept; .* 1 not done before" "$tmp/err" &&
    [ $rc2 = 0 ] && ! grep -q "record" "$tmp/err2" && grep -q "40 studies kept" "$tmp/err2"
check $? "a journal's last record cut short: ignored and said, its study analysed again on --resume, the clean tables" "$(cat "$tmp/err" "$tmp/err2")"

# A flipped byte inside a record: its checksum does not match, so it is
# ignored, said (file and byte), and its study analysed again.
cp -r "$tmp/clean" "$tmp/flip"
j=$(ls -d "$tmp/flip/parts"/journal-*.log | head -n 1)
python3 - "$j" <<'EOF2'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = len(b) // 2
b[i] ^= 0x01
open(p, "wb").write(b)
EOF2
"$dys" batch -q --resume -o "$tmp/flip" "$a" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && same_tables "$tmp/flip" "$tmp/clean" &&
    grep -q "$(basename "$j"): byte [0-9]*: a damaged record (its checksum or header does not match): ignored" "$tmp/err" &&
    grep -q "resume: 39 studies kept; .* 1 not done before" "$tmp/err"
check $? "a flipped byte in a journal: the record ignored and said, its study analysed again, the clean tables" "$(cat "$tmp/err")"

# Two workers write two journals; shards of two workers each merge into the
# one-run tables.
"$dys" batch -q -j 2 -o "$tmp/two" "$a" 2>/dev/null
"$dys" batch -q -j 2 --shard 1/2 -o "$tmp/sh1j" "$a" 2>/dev/null
"$dys" batch -q -j 2 --shard 2/2 -o "$tmp/sh2j" "$a" 2>/dev/null
"$dys" merge -o "$tmp/mergedj" "$tmp/sh1j" "$tmp/sh2j" 2>"$tmp/err"; rc=$?
[ "$(ls "$tmp/two/parts" | grep -c '^journal-000001-00[01]\.log$')" = 2 ] &&
    same_tables "$tmp/two" "$tmp/clean" && [ $rc = 0 ] && same_tables "$tmp/mergedj" "$tmp/clean" &&
    [ "$(records "$tmp/sh1j")" = 20 ] && [ "$(records "$tmp/sh2j")" = 20 ]
check $? "-j 2 writes two journals, read as one; shards of two journals each merge into the one-run tables" "$(cat "$tmp/err")"

# Part files of format 3 (an earlier dyssync's, one file per study) are not
# read: --resume and merge refuse them, saying so; a fresh run removes them.
cp -r "$tmp/clean" "$tmp/old"
printf 'dyssync-part 3\nx.csv\nX\n0.1.0 0\nlowpass=auto\n@end\n' >"$tmp/old/parts/0123456789abcdef.part"
"$dys" batch -q --resume -o "$tmp/old" "$a" 2>"$tmp/err"; rc=$?
"$dys" merge -o "$tmp/oldm" "$tmp/old" 2>"$tmp/err2"; rc2=$?
"$dys" batch -q -o "$tmp/old" "$a" 2>"$tmp/err3"; rc3=$?
[ $rc = 2 ] && grep -q "old: its parts/ holds 1 part files of format 3 (one file per study, written by an earlier dyssync)" "$tmp/err" &&
    grep -q "run without --resume" "$tmp/err" && [ $rc2 = 2 ] && grep -q "part files of format 3" "$tmp/err2" &&
    [ ! -e "$tmp/oldm/studies.csv" ] && [ $rc3 = 0 ] && grep -q "removed 1 part files of format 3" "$tmp/err3" &&
    [ ! -e "$tmp/old/parts/0123456789abcdef.part" ] && same_tables "$tmp/old" "$tmp/clean"
check $? "part files of an earlier format: resume and merge refuse them, saying so; a fresh run removes them" "$(cat "$tmp/err" "$tmp/err2" "$tmp/err3")"

# Records of format 4 (journals whose studies.csv rows end at figure): read,
# they would mix short rows into a table of this dyssync's; the fingerprint
# would not stop them (same version string), the format does.  --resume and
# merge refuse them, saying so; a fresh run analyses everything and removes
# their journal.  The records are this run's own, turned into format 4
# with their checksums made good, so only the format line tells them apart.
cp -r "$tmp/clean" "$tmp/f4"
rm -f "$tmp/f4"/parts/journal-*.log
python3 - "$tmp/clean/parts" "$tmp/f4/parts/journal-000001-000.log" <<'EOF'
import glob, os, sys
FNV, P = 0xcbf29ce484222325, 0x100000001b3
def fnv(h, b):
    for c in b:
        h = ((h ^ c) * P) & 0xFFFFFFFFFFFFFFFF
    return h
out = open(sys.argv[2], "wb")
for j in sorted(glob.glob(os.path.join(sys.argv[1], "journal-*.log"))):
    data = open(j, "rb").read()
    pos = 0
    while pos < len(data):
        nl = data.index(b"\n", pos)
        _, run, n, _ = data[pos:nl].split(b" ")
        pl = data[nl + 1:nl + 1 + int(n)]
        assert pl.startswith(b"dyssync-part 5\n")
        pl = b"dyssync-part 4\n" + pl[len(b"dyssync-part 5\n"):]
        head = b"@dyssync-record %s %d " % (run, len(pl))
        out.write(head + b"%016x\n" % fnv(fnv(FNV, head), pl) + pl)
        pos = nl + 1 + int(n)
EOF
"$dys" batch -q --resume -o "$tmp/f4" "$a" 2>"$tmp/err"; rc=$?
"$dys" merge -o "$tmp/f4m" "$tmp/f4" 2>"$tmp/err2"; rc2=$?
cmp -s "$tmp/f4/studies.csv" "$tmp/clean/studies.csv"; same=$?
"$dys" batch -q -o "$tmp/f4" "$a" 2>"$tmp/err3"; rc3=$?
[ $rc = 2 ] && grep -q "f4: its parts/ holds 40 records of format 4 (journals written by an earlier dyssync, whose studies.csv rows lack this dyssync's last columns); this dyssync writes format 5" "$tmp/err" &&
    grep -q "run without --resume" "$tmp/err" && [ $same = 0 ] &&
    [ $rc2 = 2 ] && grep -q "40 records of format 4" "$tmp/err2" && [ ! -e "$tmp/f4m/studies.csv" ] &&
    [ $rc3 = 0 ] && grep -q "40 records of format 4 (an earlier dyssync's) are not read: every study is analysed again, and their journals removed" "$tmp/err3" &&
    [ ! -e "$tmp/f4/parts/journal-000001-000.log" ] && [ "$(records "$tmp/f4")" = 40 ] &&
    same_tables "$tmp/f4" "$tmp/clean"
check $? "records of format 4: resume and merge refuse them, saying so; a fresh run analyses every study and removes their journal" "rc=$rc rc2=$rc2 rc3=$rc3 $(cat "$tmp/err" "$tmp/err2" "$tmp/err3")"

tap_end
