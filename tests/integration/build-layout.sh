#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The build tree mirrors the installed layout: build/hooks/<point>/50_numa
# is a relative symlink to the one binary, so tests run the hook by the
# path VDSM would use, and nothing is linked twice.
#
#   build-layout.sh HOOK-EXE VERSION HOOK-POINT-ENTRY...
#
# Prints TAP.
set -u
exe=$1 version=$2
shift 2
n=0 failed=0
check() { # check NAME COMMAND...
    local name=$1
    shift
    n=$((n + 1))
    if "$@"; then echo "ok $n $name"; else failed=$((failed + 1)); echo "not ok $n $name"; fi
}

exe_real=$(realpath "$exe")
check "$(basename "$exe") is a regular executable file" test -f "$exe" -a ! -L "$exe" -a -x "$exe"
for entry in "$@"; do
    point=$(basename "$(dirname "$entry")")
    check "$point/$(basename "$entry") is a symlink to ../../$(basename "$exe")" \
        test -L "$entry" -a "$(readlink "$entry")" = "../../$(basename "$exe")"
    check "$point/$(basename "$entry") resolves to the binary" test "$(realpath "$entry")" = "$exe_real"
    check "$point/$(basename "$entry") runs" test "$("$entry" --version)" = "vdsm-hook-numa $version"
done
hooks=$(dirname "$(dirname "$1")")
check "no other executable under $(basename "$hooks")/ (the binary is linked once)" \
    test -z "$(find "$hooks" -type f -perm -u+x)"
echo "1..$n"
[ "$failed" -eq 0 ]
