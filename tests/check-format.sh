#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tree is formatted with .clang-format. Prints TAP; skipped without clang-format.
set -u
cd "$1" || exit 1
if ! command -v clang-format > /dev/null; then
    echo "1..0 # SKIP clang-format not installed"
    exit 0
fi
mapfile -t files < <(git ls-files '*.c' '*.h' 2> /dev/null || find src include tests -name '*.[ch]')
n=0 failed=0
for f in "${files[@]}"; do
    n=$((n + 1))
    if clang-format --dry-run --Werror "$f" > /dev/null 2>&1; then
        echo "ok $n $f"
    else
        failed=$((failed + 1))
        echo "not ok $n $f: run clang-format -i $f"
    fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
