#!/usr/bin/env bash
# A library built without its figures (meson -Dfigures=disabled): it does
# not link cairo, libpng or fontconfig, analyses as usual, and a figure
# asked of it fails with a message that says why.
#
# usage: tests/nofigures_test.sh BUILD_DIR SOURCE_ROOT
set -u
. "$(dirname "$0")/tap.sh"
b=$1
cd "$2" || exit 2
tmp=$(mktemp -d /tmp/dyssync_nofig.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
! ldd "$b/engine/libdyssync.so" | grep -qE 'cairo|png|fontconfig'
check $? "the library links none of cairo, libpng, fontconfig" "$(ldd "$b/engine/libdyssync.so")"
"$b/cli/dyssync" analyze --format csv testdata/studies/lbbb_views >"$tmp/a.csv" &&
    grep -q '^LBBB-02,.*,ok,,12,' "$tmp/a.csv"
check $? "analyze works"
"$b/cli/dyssync" plot -o "$tmp/x.png" testdata/studies/lbbb_views 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "figures are not in this build of dyssync" "$tmp/err" && [ ! -e "$tmp/x.png" ]
check $? "plot fails with exit 1 and says the figures are not built" "$(cat "$tmp/err")"
"$b/cli/dyssync" batch -q --plots all -o "$tmp/b" testdata/studies/lbbb_views 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "built without figures" "$tmp/err" && [ ! -e "$tmp/b" ]
check $? "batch --plots all is refused before it starts (exit 2)" "$(cat "$tmp/err")"
"$b/cli/dyssync" stats correlate --results x.csv --plot "$tmp/h.png" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "built without figures" "$tmp/err"
check $? "stats --plot is refused (exit 2)" "$(cat "$tmp/err")"
tap_end
