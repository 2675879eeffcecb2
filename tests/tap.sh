# tap.sh - TAP output for the shell test scripts (sourced): ok, not_ok with
# an optional detail shown as '# ' lines, check on an exit status, and
# tap_end for the plan line and the script's status; records, which the
# batch kill tests of three scripts poll.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ -n "${2:-}" ] && sed 's/^/# /' <<<"$2"
}
check() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2" "${3:-}"; fi; }
tap_end() {
    echo "1..$n"
    [ $failed = 0 ]
}
# records OUTDIR: how many study records its batch journals hold (each
# begins with a header line; a torn one counts too)
records() {
    cat "$1"/parts/journal-*.log 2>/dev/null | grep -ac '^@dyssync-record '
}
