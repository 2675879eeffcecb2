#!/usr/bin/env bash
# Hostile inputs through analyze and batch, in TAP (docs/robustness.md has
# the table).  Each file of tests/hostile/, and the inputs that cannot be
# committed (a 1 MB line, symbolic link loops, an unreadable file, a
# nonexistent path, an empty directory, files past the size and row
# limits), must give exit status 1 and a message naming the file (and the
# line and column where there is one), within a time bound, without a
# crash (under the sanitizer build a report is a crash); and a batch over
# all of them must keep the good study and list every bad one.
#
# usage: tests/hostile_test.sh DYSSYNC SOURCE_ROOT
set -u
dys=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/tap.sh"
cd "$2" || exit 2
tmp=$(mktemp -d /tmp/dyssync_hostile.XXXXXX)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# expect INPUT MESSAGE [ANALYZE OPTIONS...]: analyze exits 1 within 30 s,
# its peak memory under 512 MB (sanitizer and valgrind builds included),
# and its message holds MESSAGE (a fixed string)
expect() {
    local input=$1 msg=$2
    shift 2
    local res rc rss
    res=$(python3 -c '
import resource, subprocess, sys
try:
    rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, timeout=30).returncode
except subprocess.TimeoutExpired:
    rc = 124
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
        "$dys" analyze "$@" "$input" 2>"$tmp/err")
    read -r rc rss <<<"$res"
    if [ "$rc" = 1 ] && [ "$rss" -lt 524288 ] && grep -qF -- "$msg" "$tmp/err"; then
        ok "$(basename "$input"): exit 1, \"$msg\""
    else
        not_ok "$(basename "$input"): exit $rc, $rss kB, expected 1 and \"$msg\"" \
            "$(head -c 600 "$tmp/err")"
    fi
}

h=tests/hostile
expect $h/empty.csv "empty.csv:1:1: no column header"
expect $h/header_only.csv "header_only.csv:2:1: 0 data rows"
expect $h/nonnumeric.csv "nonnumeric.csv:12:5: 'abc' is not a number"
expect $h/dup_time.csv "dup_time.csv:13:1: time -11.105 ms is not after the previous row's"
expect $h/decreasing_time.csv "decreasing_time.csv:12:1: time -20.577 ms is not after"
expect $h/unknown_segment.csv "unknown_segment.csv:10:9: unknown column 'basal_foo'"
expect $h/dup_segment.csv "dup_segment.csv:10:24: column 'basal_anterior' is the same as column 2"
expect $h/short_row.csv "short_row.csv:13:6: row has 3 of the header's 13 columns"
expect $h/long_row.csv "long_row.csv:13:93: row has more than the 13 columns"
expect $h/inf_nan.csv "inf_nan.csv:12:5: 'inf' is not a number"
expect $h/huge.csv "huge.csv:12:5: '1e999' is out of range"
expect $h/binary_junk.csv "binary_junk.csv:1:21: NUL byte"
expect $h/nul_byte.csv "nul_byte.csv:6:2: NUL byte"
expect $h/utf16.csv "utf16.csv:1:1: the file is UTF-16"
expect $h/avo_after_avc.csv "AVO 400.0 ms and AVC 350.0 ms leave no ejection period"
expect $h/conflicting_views "a4c.csv:6:11: hr_bpm '62' disagrees with '61' given at"
# A time of 6.8e51 ms among frames 6.6 ms apart (found by fuzzing: the
# resampling grid's size overflowed): the segments are missing with the
# reason, the study is still reported
timeout 30 "$dys" analyze $h/huge_time_echopac.txt >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q "missing .*a time value is wrong" "$tmp/out"; then
    ok "huge_time_echopac.txt: exit 0, segments missing: \"a time value is wrong\""
else
    not_ok "huge_time_echopac.txt: exit $rc" "$(head -c 600 "$tmp/err")"
fi

# Silent errors (issue 13, docs/robustness.md "Silent errors (input)"):
# implausible values, unit mistakes and old-Mac CR-only line ends.  Each
# ends with exit 1 and a message naming file:line:col, or with exit 0 and
# a warning naming file:line:col in the report; the loop below checks that
# rule on every one of them, so none can leave exit 0 silently.
expect $h/seconds_as_ms.csv "seconds_as_ms.csv:10:1: the times run from -0.020577 to 0.663228 ms over 83 rows, a frame every 0.00832 ms (120207 frames/s): no echo records so fast, so these are seconds read as ms: expected time_s"
expect $h/ms_as_seconds.csv "ms_as_seconds.csv:10:1: a frame every 8319 ms (0.12 frames/s): no echo records so slowly, so these are ms read as seconds: expected time_ms"
expect $h/m_s_as_cm_s.csv "m_s_as_cm_s.csv:76:79: velocities peak at 0.132 cm/s (read as cm/s;"
expect $h/m_s_as_cm_s.csv "so these are m/s: expected '# velocity_unit: m/s'"
expect $h/mm_s_as_cm_s.csv "mm_s_as_cm_s.csv:76:70: velocities peak at 132 cm/s"
expect $h/mm_s_as_cm_s.csv "so these are mm/s: expected '# velocity_unit: mm/s'"
expect $h/strain_fraction.csv "strain_fraction.csv:77:38: no segment's strain reaches 1 % (the largest |strain| is 0.884 %, basal_inferior)"
expect $h/cr_nonnumeric.csv "cr_nonnumeric.csv:12:5: 'abc' is not a number"

# GE EchoPAC full-trace contour exports (tests/hostile_contour/): the
# reader's refusals reach analyze with their file:line:col
hc=tests/hostile_contour
expect $hc/truncated_frames.CSV "truncated_frames.CSV:14:1: the file ends after 3 of the 4 frames of line 10"
expect $hc/truncated_line.CSV "truncated_line.CSV:14:18: frame 3 has 3 values (an x without its y)"
expect $hc/knots_disagree.CSV "knots_disagree.CSV:11:61: frame 0 has 10 values: expected 12"
expect $hc/ragged_frames.CSV "ragged_frames.CSV:13:62: frame 2 has more than 10 values"
expect $hc/extra_frame.CSV "extra_frame.CSV:15:1: a frame beyond the 4 of line 10"
expect $hc/nonnumeric.CSV "nonnumeric.CSV:12:1: 'abc' is not a number"
expect $hc/empty_value.CSV "empty_value.CSV:13:21: empty value (y of knot 1)"
expect $hc/huge_value.CSV "huge_value.CSV:13:8: '1e999' is out of range"
expect $hc/far_position.CSV "far_position.CSV:14:8: 5000 mm is not a knot position"
expect $hc/absurd_counts.CSV "absurd_counts.CSV:10:4: 9000000 frames of 99999 knots need at least"
expect $hc/header_only.CSV "header_only.CSV:10:10: 4 frames of 5 knots need at least 79 bytes"
expect $hc/counts_not_numbers.CSV "counts_not_numbers.CSV:10:5: 'four        5': expected the number of frames"
expect $hc/one_frame.CSV "one_frame.CSV:10:10: a frame count of 1: expected at least 2 frames"
expect $hc/two_knots.CSV "two_knots.CSV:10:19: a knot count of 2: expected at least 3 knots"
expect $hc/missing_view.CSV "missing_view.CSV:5:1: '2DS Date=.': expected the header line 'View=...'"
expect $hc/missing_fr.CSV "missing_fr.CSV:8:1: 'Num Frames:  Knots:': expected 'FR= <frames/s>"
expect $hc/unknown_view.CSV "unknown_view.CSV:5:6: view 'RV4CH' is not supported"
expect $hc/no_es_time.CSV "no_es_time.CSV:8:60: no 'ES Time=' on the FR= line"
expect $hc/zero_frame_rate.CSV "zero_frame_rate.CSV:8:5: FR= 0: expected a frame rate above 0"
expect $hc/markers_reversed.CSV "markers_reversed.CSV:8:52: Right Marker Time=0.02 s is not after Left Marker Time=0.06 s"
expect $hc/marker_after_end.CSV "marker_after_end.CSV:8:52: Right Marker Time=0.9 s is after the last of the 4 frames"
# every file of that folder but its two valid seeds is refused so
for f in $hc/*.CSV; do
    case $f in */valid_*) continue ;; esac
    base=$(basename "$f")
    grep -qF "expect \$hc/$base " "$0" || not_ok "$base: in tests/hostile_contour/ but not checked above"
done
# A degenerate contour (every knot of every frame on one point) is refused
# naming its reference frame's line; a glitched frame (one frame's knots
# three times as far from the probe) makes strains beyond +-100 %, dropped
# and named by that frame's line
python3 - tests/hostile_contour/valid_4ch.CSV testdata/contours/VOL_0001_OFF_4CH.CSV \
    "$tmp/point_4ch.CSV" "$tmp/glitch_4ch.CSV" <<'PY'
import sys
lines = open(sys.argv[1], newline="").read().split("\r")
out = [l if i < 10 else ",".join(["1.0"] * 10) for i, l in enumerate(lines) if l or i < 10]
open(sys.argv[3], "w", newline="").write("\r".join(out) + "\r")
lines = open(sys.argv[2], newline="").read().split("\r")
v = lines[40].rstrip(",").split(",")
lines[40] = ",".join("%.2f" % (3 * float(x)) for x in v)
open(sys.argv[4], "w", newline="").write("\r".join(lines))
PY
expect "$tmp/point_4ch.CSV" "point_4ch.CSV:12:1: the contour is 0 mm long in frame 1"
# expect_warned INPUT MESSAGE: analyze exits 0 within 30 s and the text
# report's warnings hold MESSAGE
expect_warned() {
    timeout 30 "$dys" analyze "$1" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc = 0 ] && sed -n '/^Warnings:/,$p' "$tmp/out" | grep -qF -- "$2"; then
        ok "$(basename "$1"): exit 0, warned \"$2\""
    else
        not_ok "$(basename "$1"): exit $rc, expected 0 and the warning \"$2\"" \
            "$(head -c 600 "$tmp/err"; sed -n '/^Warnings:/,$p' "$tmp/out" | head -c 600)"
    fi
}
expect_warned "$tmp/glitch_4ch.CSV" "glitch_4ch.CSV:41:1: basal_inferoseptal sample"

expect_warned $h/warn_spike_1e300.csv "warn_spike_1e300.csv:30:45: basal_inferoseptal sample 1e+300 cm/s is beyond the physiological limit of +-50 cm/s: dropped as a missing sample"
expect_warned $h/warn_spike_isolated.csv "warn_spike_isolated.csv:30:45: basal_inferoseptal sample 42 cm/s is an isolated spike"
expect_warned $h/warn_many_spikes.csv "warn_many_spikes.csv: 7 more samples dropped as impossible or isolated spikes, 10 in all (basal_inferoseptal 10)"
if grep -q "basal inferoseptal .*indeterminate .*10 of its 83 samples were impossible or isolated spikes" "$tmp/out"; then
    ok "warn_many_spikes.csv: basal inferoseptal indeterminate, 10 of 83 samples dropped"
else
    not_ok "warn_many_spikes.csv: basal inferoseptal not indeterminate" "$(grep 'basal inferoseptal' "$tmp/out")"
fi
expect_warned $h/warn_low_velocity.csv "warn_low_velocity.csv:76:76: velocities peak at 0.661 cm/s"
expect_warned $h/warn_cr_spike.csv "warn_cr_spike.csv:30:45: basal_inferoseptal sample 1e+300 cm/s"
expect_warned $h/warn_cr_spike_echopac.txt "warn_cr_spike_echopac.txt:40:27: mid_inferoseptal sample -9.99e+09 cm/s"

# The rule itself, on each of these cases: exit 1 with file:line:col on
# stderr, or exit 0 with a warning naming file:line:col in the report and
# no number of 9 or more digits anywhere in it
for c in seconds_as_ms.csv ms_as_seconds.csv m_s_as_cm_s.csv mm_s_as_cm_s.csv \
    strain_fraction.csv cr_nonnumeric.csv warn_spike_1e300.csv warn_spike_isolated.csv \
    warn_many_spikes.csv warn_low_velocity.csv warn_cr_spike.csv warn_cr_spike_echopac.txt; do
    timeout 30 "$dys" analyze "$h/$c" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    at="$c:[0-9]+:[0-9]+: "
    if { [ $rc = 1 ] && grep -qE "$at" "$tmp/err"; } ||
        { [ $rc = 0 ] && sed -n '/^Warnings:/,$p' "$tmp/out" | grep -qE "^  - .*$at" &&
            ! grep -qE '[0-9]{9}' "$tmp/out"; }; then
        ok "$c: never silent (exit $rc, file:line:col named)"
    else
        not_ok "$c: exit $rc without file:line:col in an error or a warning" \
            "$(head -c 400 "$tmp/err"; head -c 400 "$tmp/out")"
    fi
done

# And the whole corpus, old cases included: no file leaves exit 0 without
# a warning in the report, or a failure without a message
silent=""
for f in $h/*; do
    timeout 30 "$dys" analyze "$f" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if { [ $rc = 0 ] && ! grep -q '^Warnings:' "$tmp/out"; } || { [ $rc != 0 ] && [ ! -s "$tmp/err" ]; }; then
        silent="$silent $(basename "$f")"
    fi
done
check "$([ -z "$silent" ]; echo $?)" "every file of the hostile corpus fails with a message or is analysed with a warning" \
    "silent:$silent"

# Old-Mac CR-only line ends in a batch manifest and in a stats table
printf '%s\r%s\r' "$PWD/testdata/studies/lbbb_single.csv" "$PWD/testdata/studies/echopac_a4c_velocity.txt" >"$tmp/cr_manifest.txt"
timeout 60 "$dys" batch -q -o "$tmp/cr_batch" "$tmp/cr_manifest.txt" 2>"$tmp/err"
rc=$?
rows=$(($(wc -l <"$tmp/cr_batch/studies.csv") - 1))
if [ $rc = 0 ] && [ "$rows" = 2 ]; then
    ok "CR-only batch manifest: both studies read"
else
    not_ok "CR-only batch manifest: exit $rc, $rows studies" "$(head -c 400 "$tmp/err")"
fi
printf '# a comment\rsubject,a,b\rs1,1,2\rs2,2,x3\rs3,3,4\r' >"$tmp/cr_table.csv"
timeout 30 "$dys" stats agree --table "$tmp/cr_table.csv" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 1 ] && grep -qF 'cr_table.csv:4:3: b "x3" is not a number' "$tmp/err"; then
    ok "CR-only stats table: the bad cell named at its line, 4:3"
else
    not_ok "CR-only stats table: exit $rc" "$(head -c 400 "$tmp/err")"
fi

# Inputs made here: a 1 MB cell, a 1 MB header line, a link loop, a
# nonexistent path, an empty directory, the size and row limits
g=testdata/studies/lbbb_single.csv
{ head -11 $g; python3 -c "print('0.5,' + '7' * 1048576 + ',1,1,1,1,1,1,1,1,1,1,1')"; } >"$tmp/megacell.csv"
expect "$tmp/megacell.csv" "megacell.csv:12:5: '7777777777777777777777777777777777777777' is out of range"
{ head -9 $g; python3 -c "print('time_ms,' + 'x' * 1048576)"; } >"$tmp/megaheader.csv"
expect "$tmp/megaheader.csv" "megaheader.csv:10:9: unknown column 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
ln -s loop_b "$tmp/loop_a.csv" && ln -s loop_a.csv "$tmp/loop_b"
expect "$tmp/loop_a.csv" "loop_a.csv: Too many levels of symbolic links"
expect "$tmp/nonexistent.csv" "nonexistent.csv: No such file or directory"
mkdir "$tmp/emptydir"
expect "$tmp/emptydir" "emptydir: directory holds no view files"
python3 -c "import sys; sys.stdout.write(open('$g').read() + '\n'.join('%d,%s' % (1000 + i, ','.join(['1'] * 12)) for i in range(200000)) + '\n')" >"$tmp/big.csv"
expect "$tmp/big.csv" "big.csv: file is larger than the limit: expected at most 1048576 bytes" --max-file-mb 1
expect "$tmp/big.csv" "big.csv:1011:1: more than 1000 rows" --max-rows 1000

# An unreadable file: root reads everything, so the check runs as nobody
cp $g "$tmp/unreadable.csv" && chmod 000 "$tmp/unreadable.csv"
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$tmp"
    timeout 30 setpriv --reuid=nobody --regid=nogroup --clear-groups "$dys" analyze \
        "$tmp/unreadable.csv" >/dev/null 2>"$tmp/err"
else
    timeout 30 "$dys" analyze "$tmp/unreadable.csv" >/dev/null 2>"$tmp/err"
fi
rc=$?
if [ $rc = 1 ] && grep -qF "unreadable.csv: cannot open: Permission denied" "$tmp/err"; then
    ok "unreadable.csv: exit 1, \"Permission denied\""
else
    not_ok "unreadable.csv: exit $rc, expected 1 and \"Permission denied\"" "$(cat "$tmp/err")"
fi

# A batch over all of it, with a good study and directory loops: it ends,
# keeps the good study, lists every bad one, says what it skipped
b="$tmp/batch"
mkdir -p "$b/in/sub"
cp -r $h/* "$b/in/" && cp $g "$b/in/good.csv" && cp "$tmp/megacell.csv" "$b/in/"
ln -s . "$b/in/selfloop" && ln -s .. "$b/in/sub/up" && ln -s nowhere "$b/in/dangling.csv"
timeout 120 "$dys" batch -q -o "$b/out" "$b/in" 2>"$tmp/err"
rc=$?
nbad=$(($(wc -l <"$b/out/errors.csv") - 1))
# every bad file and megacell; huge_time_echopac and the warn_ cases are
# analysed (with warnings); XML that is not a workbook is skipped (said)
want=$(($(ls $h | grep -vcE '^(huge_time_echopac|warn_|workbook_other_root)') + 1))
if [ $rc = 1 ] && [ "$nbad" = "$want" ] && grep -q '^LBBB-01,.*good.csv,ok,,12,' "$b/out/studies.csv" &&
    grep -q "selfloop: skipped: the same directory" "$tmp/err" &&
    grep -q "dangling.csv: skipped: No such file" "$tmp/err" &&
    grep -q "workbook_other_root.xml: skipped: not a study" "$tmp/err"; then
    ok "batch over the hostile corpus: ends, keeps the good study, $nbad errors listed, loops skipped and said"
else
    not_ok "batch over the hostile corpus: exit $rc, $nbad of $want errors" "$(head -c 800 "$tmp/err")"
fi

# Faults while writing.  as_runner: run as nobody when root (permissions
# bind nobody, not root), else as ourselves.
as_runner() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
    else
        "$@"
    fi
}
f="$tmp/faults"
mkdir -p "$f" && chmod 777 "$f" && "$dys" synth -o "$f/in" -n 150 --seed 12 --noise 0.1 --beats 8 >/dev/null &&
    rm "$f/in/truth.csv" && chmod -R a+rX "$f/in" && "$dys" batch -q -o "$f/clean" "$f/in"
same_tables() {
    for t in studies.csv segments.csv results.jsonl errors.csv; do
        cmp -s "$f/clean/$t" "$1/$t" || return 1
    done
}

# The disk fills up: a 400 kB file system (a tmpfs, when we may mount one;
# otherwise a file size limit, which fails the tables, not the parts)
mkdir -p "$f/small"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=400k tmpfs "$f/small" 2>/dev/null; then
    how="a full 400 kB file system"
    timeout 60 "$dys" batch -q -j 2 -o "$f/small/out" "$f/in" 2>"$tmp/err"
    rc=$?
    kept=$(records "$f/small/out")
    mount -o remount,size=64m "$f/small"
else
    how="a 400 kB file size limit"
    (trap '' XFSZ; ulimit -f 800; timeout 60 "$dys" batch -q -j 2 -o "$f/small/out" "$f/in") 2>"$tmp/err"
    rc=$?
    kept=$(records "$f/small/out")
fi
"$dys" batch -q --resume -o "$f/small/out" "$f/in"
if [ $rc = 1 ] && grep -qE "could not be written \(.*(No space left on device|File too large)\).*rerun with --resume" "$tmp/err" &&
    [ "$kept" -ge 1 ] && same_tables "$f/small/out"; then
    ok "$how: exit 1, the cause said, $kept studies kept, --resume gives the clean tables"
else
    not_ok "$how: exit $rc, $kept parts kept" "$(head -c 600 "$tmp/err")"
fi
mountpoint -q "$f/small" && umount "$f/small"

# The output directory becomes unwritable mid-run (after 1-100 studies):
# the journals, open since their first record, take the rest, and the
# tables cannot be written
mkdir -p "$f/ro" && chmod 777 "$f/ro"
as_runner timeout 60 "$dys" batch -q -j 1 -o "$f/ro/out" "$f/in" 2>"$tmp/err" & pid=$!
want=$((RANDOM % 100 + 1))
while kill -0 $pid 2>/dev/null && [ "$(records "$f/ro/out")" -lt $want ]; do
    sleep 0.005
done
chmod 555 "$f/ro/out"
wait $pid
rc=$?
kept=$(records "$f/ro/out")
chmod 777 "$f/ro/out"
as_runner "$dys" batch -q --resume -o "$f/ro/out" "$f/in"
if [ $rc = 1 ] && grep -q "could not be written (.*Permission denied).*rerun with --resume" "$tmp/err" &&
    [ "$kept" -ge "$want" ] && same_tables "$f/ro/out"; then
    ok "output directory unwritable after $want of 150 studies: exit 1, the cause said, --resume gives the clean tables"
else
    not_ok "output directory unwritable mid-run: exit $rc, $kept records kept" "$(head -c 600 "$tmp/err")"
fi

# EchoPAC's "Segmental Traces" variant (tab-separated, an empty second
# column): a value where the empty column is, an empty cell, tabs turned
# into spaces, an RV export given as an LV view; a sample beyond the strain
# limit dropped and named.  Last, so the numbers above keep
# docs/robustness.md's.
expect $h/segmental_value_in_empty_column.txt "segmental_value_in_empty_column.txt:14:10: '17' under the header's empty column 2"
expect $h/segmental_empty_cell.txt "segmental_empty_cell.txt:20:29: empty cell in column 5: expected a number"
expect $h/segmental_spaces.txt "segmental_spaces.txt:4:1: a Segmental Traces column header with no tab"
expect $h/segmental_rv_only.txt "segmental_rv_only.txt:4:1: only RV segments"
expect_warned $h/warn_spike_segmental.txt "warn_spike_segmental.txt:31:45: mid_anterolateral sample -1e+06 % is beyond the physiological limit"

# GE EchoPAC's myocardial-work workbook (XML): cut short, an entity
# expansion bomb (refused at its DOCTYPE: none is read), a sheet missing, a
# short row, a non-number, a column index beyond Excel's, other XML.
# Last, so the numbers above keep docs/robustness.md's.
expect $h/workbook_truncated.xml "workbook_truncated.xml:2:4952: sheet 'Strain Traces - 4CH': not well-formed XML (unclosed token): the workbook is cut short"
expect $h/workbook_billion_laughs.xml "workbook_billion_laughs.xml:2:20: a DOCTYPE declaration: expected none"
expect $h/workbook_missing_sheet.xml "workbook_missing_sheet.xml: no sheet 'Strain Traces - APLAX'"
expect $h/workbook_short_row.xml "workbook_short_row.xml:2:3871: sheet 'Strain Traces - 4CH', cell C2: empty: expected a strain in %"
expect $h/workbook_nonnumeric.xml "workbook_nonnumeric.xml:2:2478: sheet 'Strain Traces - 2CH', cell B4: 'abc' is not a number"
expect $h/workbook_huge_index.xml "workbook_huge_index.xml:2:265: sheet 'General': cell column '99999999999999999999'"
expect $h/workbook_other_root.xml "workbook_other_root.xml:2:1: an XML file whose root element is not an Excel 2003 Workbook"

tap_end
