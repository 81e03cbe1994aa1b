#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, as CI runs it: a warnings-as-errors build with every
# unit and integration test, then the same suite under AddressSanitizer and
# UndefinedBehaviorSanitizer (leaks included). Build trees: build-test/ and
# build-sanitize/ next to this checkout's meson.build.
set -euo pipefail
cd "$(dirname "$0")/.."

setup() { # setup DIR OPTIONS...: configure once, reconfigure after
    local dir=$1; shift
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" "$@"
    else
        meson setup "$dir" "$@"
    fi
}

setup build-test --werror
meson test -C build-test --print-errorlogs

setup build-sanitize --werror -Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C build-sanitize --print-errorlogs
