#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a run asks of the kernel, under strace, on this host (no
# --capabilities): the host model reads lazily, so
#   - a typical run (no huge pages, no pinning, no host devices) opens no
#     huge page file, no PCI device file and none of the nodes' distances,
#     memory tiers or access figures (on a one-node host the binding holds
#     every node, so no tier can be slower), and, its file being on a local
#     filesystem, starts no second process and arms no CPU-time timer;
#   - a huge-page VM does open its page size's files (so the first check
#     sees such opens when they happen), and a supervised run
#     (VDSM_HOOK_NUMA_SUPERVISE) does fork (so the second does too), and
#     --topology opens the distances and tiers (so the node facts' check
#     sees them when they happen), and a run under a hard CPU limit of 1 s
#     arms the timer (so the first check sees timer_create when it happens).
#
#   syscalls.sh HOOK FIXTURES
#
# Prints TAP; skipped without strace or where ptrace is not allowed.
set -u
hook=$(realpath "$1") fixtures=$(realpath "$2")

if ! command -v strace > /dev/null; then
    echo "1..0 # SKIP no strace"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! strace -o /dev/null true 2> /dev/null; then
    echo "1..0 # SKIP strace cannot trace here"
    exit 0
fi
# LeakSanitizer cannot run under ptrace: a sanitizer build is traced without it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

# traced FIXTURE SPEC [ENV...]: a dry run of the hook on a copy of FIXTURE, traced into $tmp/trace; sets rc.
traced() {
    local fixture=$1 spec=$2
    shift 2
    cp "$fixtures/$fixture" "$tmp/dom.xml"
    # LeakSanitizer's check at exit cannot run under ptrace, and would add its own thread to the trace.
    env -u numa_memnode ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$@" numa="$spec" _hook_domxml="$tmp/dom.xml" \
        strace -f -qq -o "$tmp/trace" -e trace=open,openat,openat2,clone,clone3,fork,vfork,timer_create \
        "$hook" --dry-run > /dev/null 2> "$tmp/err"
    rc=$?
}
huge_or_pci() { grep -E '"/sys/(kernel/mm/hugepages|devices/system/node/node[0-9]+/hugepages|bus/pci)' "$tmp/trace"; }
node_facts() { grep -E '"/sys/devices/(virtual/memory_tiering|system/node/node[0-9]+/(distance|access[0-9]))' "$tmp/trace"; }
forks() { grep -E '^[0-9]+ +(clone|clone3|fork|vfork)\(' "$tmp/trace"; }
timers() { grep -E '^[0-9]+ +timer_create\(' "$tmp/trace"; }

traced ovirt.xml strict:0
if [ "$rc" != 0 ]; then
    not_ok "typical run: exit $rc: $(head -c 300 "$tmp/err")"
elif [ -n "$(huge_or_pci)" ]; then
    not_ok "typical run opened huge page or PCI files: $(huge_or_pci | head -3 | tr '\n' ' ')"
else
    ok "typical run: no huge page or PCI file opened ($(grep -c 'open' "$tmp/trace") opens in all)"
fi
if [ "$rc" = 0 ] && [ -z "$(node_facts)" ]; then
    ok "typical run: no distance, memory tier or access file opened"
else
    not_ok "typical run opened node facts' files: $(node_facts | head -3 | tr '\n' ' ')"
fi
if [ "$rc" = 0 ] && [ -z "$(forks)" ]; then
    ok "typical run on a local file: no second process"
else
    not_ok "typical run on a local file: exit $rc, $(forks | head -2 | tr '\n' ' ')"
fi

if [ "$rc" = 0 ] && [ -z "$(timers)" ]; then
    ok "typical run: no CPU-time timer armed"
else
    not_ok "typical run: exit $rc, $(timers | head -2 | tr '\n' ' ')"
fi

# The timer stands in for the soft CPU limit only where a hard limit of 1 s leaves no room for one.
# (ulimit -t sets the soft and the hard limit, as prlimit --cpu=1 does.)
(
    ulimit -t 1 && traced ovirt.xml strict:0
    exit "$rc"
)
rc=$?
if [ "$rc" = 0 ] && [ -n "$(timers)" ]; then
    ok "hard CPU limit of 1 s: the CPU-time timer is armed"
else
    not_ok "hard CPU limit of 1 s: exit $rc, no timer_create traced: $(head -c 300 "$tmp/err")"
fi

traced ovirt.xml strict:0 VDSM_HOOK_NUMA_SUPERVISE=1
if [ "$rc" = 0 ] && [ -n "$(forks)" ]; then
    ok "supervised run: the worker is forked"
else
    not_ok "supervised run: exit $rc, no fork traced: $(head -c 300 "$tmp/err")"
fi

# The claims ledger is a file the run reads and writes too: a run directory
# on a filesystem that is not known to be local (here /proc) is supervised.
cp "$fixtures/ovirt.xml" "$tmp/dom.xml"
env VDSM_HOOK_NUMA_RUN_DIR=/proc/vdsm-hook-numa-test _hook_domxml="$tmp/dom.xml" \
    strace -f -qq -o "$tmp/trace" -e trace=clone,clone3,fork,vfork \
    "$hook" --hook-point after_vm_destroy > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" = 0 ] && [ -n "$(forks)" ]; then
    ok "run directory not known to be local: the worker is forked"
else
    not_ok "run directory not known to be local: exit $rc, no fork traced: $(head -c 300 "$tmp/err")"
fi

# Standard input may be a file on NFS or FUSE (--domxml - < FILE), which a
# mount table cannot be asked about by name: such a run is supervised.
env -u numa_memnode -u _hook_domxml strace -f -qq -o "$tmp/trace" -e trace=clone,clone3,fork,vfork \
    "$hook" --numa strict:0 --domxml - --dry-run < "$fixtures/ovirt.xml" > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" = 0 ] && [ -n "$(forks)" ]; then
    ok "domain XML on standard input: the worker is forked"
else
    not_ok "domain XML on standard input: exit $rc, no fork traced: $(head -c 300 "$tmp/err")"
fi

# On a host with many mounts, reading and judging the mount table costs more
# than the supervising process it would spare: past a few hundred mounts
# (here 600, in a mount namespace of this test's own) the run is supervised.
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2> /dev/null; then
    cp "$fixtures/ovirt.xml" "$tmp/dom.xml"
    mkdir "$tmp/m"
    env -u numa_memnode numa=strict:0 _hook_domxml="$tmp/dom.xml" unshare -m --propagation private sh -c '
        for i in $(seq 600); do mkdir "$1/m/$i" && mount -t tmpfs none "$1/m/$i" || exit 99; done
        exec strace -f -qq -o "$1/trace" -e trace=clone,clone3,fork,vfork "$2" --dry-run' \
        sh "$tmp" "$hook" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "$rc" = 0 ] && [ -n "$(forks)" ]; then
        ok "600 mounts: the run is supervised instead of judging the whole mount table"
    else
        not_ok "600 mounts: exit $rc, no fork traced: $(head -c 300 "$tmp/err")"
    fi
else
    echo "# SKIP 600 mounts: needs root and unshare -m"
fi

if [ -d /sys/kernel/mm/hugepages ]; then
    traced hugepages.xml strict:0
    if [ -n "$(huge_or_pci)" ]; then
        ok "huge-page VM: its page size's files are read ($(huge_or_pci | wc -l) opens)"
    else
        not_ok "huge-page VM: exit $rc, no huge page file opened: $(head -c 300 "$tmp/err")"
    fi
else
    echo "# SKIP huge-page VM: this kernel has no /sys/kernel/mm/hugepages"
fi

ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq -o "$tmp/trace" -e trace=open,openat,openat2 "$hook" --topology > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ "$rc" = 0 ] && grep -q '/distance"' "$tmp/trace" &&
    { [ ! -d /sys/devices/virtual/memory_tiering ] || grep -q 'memory_tier[0-9]*/nodelist"' "$tmp/trace"; }; then
    ok "--topology: the distances and memory tiers are read ($(node_facts | wc -l) opens)"
else
    not_ok "--topology: exit $rc, distances or tiers not read: $(head -c 300 "$tmp/err")"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
