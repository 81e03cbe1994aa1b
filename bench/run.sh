#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds an optimized tree (build-bench/) and runs the benchmark: the hook
# against floor_io and floor_lib on a typical ~8 KB, a 5 MB and a 50 MB
# domain XML, interleaved; prints medians, ratios and the targets. Then the
# hook alone on hostile inputs (bench/hostile.py): median CPU time per case
# against its target. Then what the fit target costs (bench/fit.py):
# 'strict:fit' beside the explicit nodeset on 8-node and 64-node hosts.
#   bench/run.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f build-bench/build.ninja ]; then
    meson setup --reconfigure build-bench --buildtype=release -Dtests=false -Dbench=true > /dev/null
else
    meson setup build-bench --buildtype=release -Dtests=false -Dbench=true > /dev/null
fi
meson compile -C build-bench > /dev/null
cd build-bench
bench/bench "$@" hooks/before_vm_start/50_numa bench/floor_io bench/floor_lib bench/gen-domain "$PWD/bench/work"
echo
../bench/hostile.py "$@" vdsm-hook-numa "$PWD/bench/work-hostile"
echo
exec ../bench/fit.py "$@" vdsm-hook-numa "$PWD/bench/work-fit"
