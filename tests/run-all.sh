#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, as CI runs it:
#   1. a warnings-as-errors build with every unit, integration, reliability
#      (hostile input, fault injection), fuzz-replay and style test, the
#      benchmark's functional test (-Dbench=true), and the end-to-end test
#      (tests/e2e: a real libvirtd and QEMU start the hook's output; as
#      root only), and the multi-node test bed (tests/multinode: Debian
#      kernels booted under QEMU with four NUMA nodes, the hook against
#      their libnuma and sysfs, QEMU inside as the judge of its verdicts);
#   2. the same suite under AddressSanitizer and UndefinedBehaviorSanitizer,
#      leaks included, but for e2e and multinode: they prove what libvirt,
#      QEMU and a multi-node kernel make of the output, which the sanitizers
#      do not change, and the hook runs they do are on paths the
#      integration tests already cover there; and for the packaging suite
#      (the README's commands), which builds its own unsanitized copy of
#      the tree;
#   3. the shipping checks: install layout, man page, meson dist, a build
#      and test run from the tarball, the RPM, and that it installs beside
#      vdsm and survives vdsm upgrades (tests/packaging);
#   4. each libFuzzer target for FUZZ_SECONDS (default 60) with clang, on a
#      scratch copy of its corpus; any crash, leak, timeout or OOM fails.
# Build trees: build-test/, build-sanitize/ and build-fuzz/.
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

setup build-test --werror -Dbench=true
meson test -C build-test --print-errorlogs

setup build-sanitize --werror -Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all
# The sanitizers make every hook run several times slower: the time limits scale with them.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C build-sanitize --print-errorlogs --timeout-multiplier 3 --no-suite e2e --no-suite multinode --no-suite packaging

tests/packaging/check-packaging.sh

fuzz_seconds=${FUZZ_SECONDS:-60}
CC=clang-14 setup build-fuzz --werror -Dfuzzing=true -Dtests=false
meson compile -C build-fuzz
for target in spec domxml; do
    scratch=$(mktemp -d)
    cp -r "tests/fuzz/corpus/$target/." "$scratch/"
    echo "fuzz-$target: ${fuzz_seconds}s on $scratch (crash files go there too)"
    "build-fuzz/tests/fuzz/fuzz-$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
        -dict="tests/fuzz/$target.dict" -artifact_prefix="$scratch/" -print_final_stats=1 \
        "$scratch" "tests/fuzz/regressions/$target"
    rm -rf "$scratch"
done
echo "fuzzing: 2 passed, 0 failed"
