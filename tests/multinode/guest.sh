#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the multi-node guest (tests/multinode/run.sh boots it; init.sh
# chroots into the machine's read-only root to run this):
#
#   guest.sh RESULTS
#
# RESULTS/guest.conf names the hook (HOOK_EXE), its entry per hook point
# (HOOK_before_vm_start, HOOK_before_vm_migrate_destination,
# HOOK_before_vm_dehibernate), the
# case table (CASES) and the parts to run (PARTS: topology, checks, cases,
# claims, tiers). Writes unnumbered TAP lines to RESULTS/tap, ending "# guest done".
#
# Parts:
#   topology  --topology against numactl --hardware and sysfs, per node
#   checks    the hook alone, as VDSM runs it: set arithmetic, refusals,
#             the migration-destination and dehibernate checks
#   cases     every row of CASES: the hook's verdict and QEMU's
#   claims    two starts on one node's real pages: the claim, its refusal, after_vm_start
#   tiers     the memory tier layout and node 3's HMAT access0 figures
# A new part is a function part_NAME; a new verdict case is a row in CASES.
res=$1
. "$res/guest.conf"
exec > "$res/tap" 2>&1
W=$(mktemp -d)
# The claims ledger's run directory, as the package's tmpfiles.d entry makes it at boot (/run is a tmpfs here).
mkdir -p /run/vdsm-hook-numa

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
note() { sed 's/^/# /'; }

# The free 2 MiB huge pages CASES assumes, per node; nothing else may take them
# (a row with pools resizes them for itself and restores them, see one_case).
declare -A HUGE=([0]=16 [1]=8 [2]=0 [3]=24)
hp() { echo "/sys/devices/system/node/node$1/hugepages/hugepages-2048kB/$2"; }
reserve_hugepages() {
    local n got
    echo 0 > /proc/sys/vm/nr_overcommit_hugepages
    for n in "${!HUGE[@]}"; do
        echo "${HUGE[$n]}" > "$(hp "$n" nr_hugepages)"
        got=$(cat "$(hp "$n" free_hugepages)")
        [ "$got" = "${HUGE[$n]}" ] || not_ok "node $n: $got free 2 MiB pages after reserving ${HUGE[$n]}"
    done
}

# run_hook POINT FILE [VAR=VALUE...]: the hook as VDSM runs it (the domain
# XML in _hook_domxml, the custom properties in the environment); sets RC
# and ERR (its stderr)
run_hook() {
    local point=HOOK_$1 file=$2
    shift 2
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin _hook_domxml="$file" "$@" \
        "${!point}" > "$W/hook.out" 2> "$W/hook.err" < /dev/null
    RC=$?
    ERR=$(cat "$W/hook.err")
}

# domain FILE MIB CELLS PAGES CPUSET: a small domain XML
domain() {
    local file=$1 mib=$2 cells=$3 pages=$4 cpuset=$5 ncpu=1 i c
    [ "$cells" != - ] && ncpu=$(tr + '\n' <<< "$cells" | wc -l)
    {
        echo "<domain type='kvm'>"
        echo "  <name>multinode</name>"
        echo "  <memory unit='MiB'>$mib</memory>"
        [ "$pages" = 2M ] &&
            echo "  <memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>"
        if [ "$cpuset" != - ]; then
            echo "  <vcpu placement='static' cpuset='$cpuset'>$ncpu</vcpu>"
        else
            echo "  <vcpu placement='static'>$ncpu</vcpu>"
        fi
        echo "  <os><type arch='x86_64' machine='pc'>hvm</type></os>"
        if [ "$cells" != - ]; then
            echo "  <cpu><numa>"
            i=0
            for c in ${cells//+/ }; do
                echo "    <cell id='$i' cpus='$i' memory='$c' unit='MiB'/>"
                i=$((i + 1))
            done
            echo "  </numa></cpu>"
        fi
        echo "</domain>"
    } > "$file"
}

. "$(dirname "$0")/guest-parts.sh"

# the layout CASES assumes: nodes 0-1 with CPUs and memory, node 2 CPUs only, node 3 memory only
layout() {
    local n s=''
    for n in 0 1 2 3; do
        s+="$n:$([ -n "$(cat /sys/devices/system/node/node$n/cpulist 2> /dev/null)" ] && echo c)"
        s+="$(awk '/MemTotal/ && $4 > 0 { print "m" }' /sys/devices/system/node/node$n/meminfo 2> /dev/null) "
    done
    echo "$s$(ls -d /sys/devices/system/node/node[0-9]* | wc -l) nodes"
}
if [ "$(layout)" = "0:cm 1:cm 2:c 3:m 4 nodes" ]; then
    ok "the guest's nodes: $(layout) (c: CPUs, m: memory)"
else
    not_ok "the guest's nodes: $(layout), want 0:cm 1:cm 2:c 3:m 4 nodes (c: CPUs, m: memory)"
fi
reserve_hugepages
for part in $PARTS; do
    echo "# --- $part ---"
    "part_$part"
done
rm -rf "$W"
echo "# guest done"
