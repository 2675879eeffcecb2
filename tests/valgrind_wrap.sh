#!/bin/sh
# meson test --setup=valgrind: the exe_wrapper of every test.  A compiled
# test (a Check suite) runs under valgrind; a script test (bash, python3)
# gets, in place of its dyssync argument (meson passes cli/dyssync),
# a shim that runs dyssync under valgrind, so every dyssync the script
# starts is checked.  valgrind's errors exit 99, which no test expects.
here=$(cd "$(dirname "$0")" && pwd)
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-possibly-lost=no \
--suppressions=$here/valgrind.supp"
case "$(basename "$1")" in
bash | sh | python3*)
    shimdir=$(mktemp -d /tmp/dyssync_vg.XXXXXX)
    chmod 755 "$shimdir" # the hostile test runs it as nobody
    prog=$1
    shift
    first=1
    for a in "$@"; do
        if [ $first = 1 ]; then
            set --
            first=0
        fi
        case "$a" in
        cli/dyssync | */cli/dyssync)
            real=$(cd "$(dirname "$a")" && pwd)/dyssync
            printf '#!/bin/sh\nexec %s %s "$@"\n' "$vg" "$real" >"$shimdir/dyssync"
            chmod 755 "$shimdir/dyssync"
            set -- "$@" "$shimdir/dyssync"
            ;;
        *) set -- "$@" "$a" ;;
        esac
    done
    "$prog" "$@"
    rc=$?
    rm -rf "$shimdir"
    exit $rc
    ;;
*) exec $vg "$@" ;;
esac
