#!/usr/bin/env bash
# The public API's shape, in TAP: the shared library exports only dys_*
# symbols, and each public header compiles on its own as C11 and as C++.
#
# usage: tests/api_test.sh LIBDYSSYNC.so SOURCE_ROOT BUILD_INCLUDE_DIR CC CXX
set -u
. "$(dirname "$0")/tap.sh"
lib=$1 root=$2 binc=$3 cc=$4 cxx=$5
tmp=$(mktemp -d /tmp/dyssync_api.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

others=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^dys_')
n_dys=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^dys_')
[ -z "$others" ] && [ "$n_dys" -gt 50 ]
check $? "nm -D: the shared library exports only dys_* ($n_dys symbols)" "$others"

for h in "$root"/include/*.h; do
    name=$(basename "$h")
    printf '#include "%s"\n' "$name" >"$tmp/one.c"
    "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I "$root/include" -I "$binc" \
        "$tmp/one.c" 2>"$tmp/err"
    check $? "$name compiles alone as C11" "$(cat "$tmp/err")"
    cp "$tmp/one.c" "$tmp/one.cpp"
    "$cxx" -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I "$root/include" -I "$binc" \
        "$tmp/one.cpp" 2>"$tmp/err"
    check $? "$name compiles alone as C++" "$(cat "$tmp/err")"
done
tap_end
