#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: the hook's output, started by a real libvirtd and QEMU.
#
#   run.sh HOOK GUESTS
#
# HOOK is the built hook, GUESTS this directory (guest*.xml). Prints TAP.
#
# A private libvirtd and virtlogd run in a mount namespace of their own
# (unshare -m), so they never meet a daemon someone else runs:
#   - /etc/libvirt, /run, /var/lib/libvirt, /var/log/libvirt and
#     /var/cache/libvirt are bind mounts of directories under a scratch
#     directory; the client socket is in that directory too, and virsh
#     reaches it with an explicit URI;
#   - /dev/kvm is a copy of the device node with mode 0666: where
#     libvirt's QEMU user cannot open /dev/kvm (root-only, or the user not
#     in its group), libvirt probes QEMU again on every call, and a start
#     takes 36 s instead of 0.3-0.8 s (measured with a mode 0600 copy); the
#     real /dev/kvm is not touched. The guests are type='qemu' (TCG), so
#     nothing here needs KVM;
#   - hugetlbfs (2 MiB pages) is mounted there and named in qemu.conf.
# Guests are transient (virsh create), 32-96 MiB, no disks, no network;
# they sit in SeaBIOS. For each mode the hook writes, the guest's RAM
# mapping in /proc/<qemu pid>/numa_maps (found by its size) must carry the
# policy, and `virsh numatune` must report the mode. Huge pages: with too
# few 2 MiB pages free on node 0 the hook refuses; the same XML forced past
# it makes QEMU fail; with enough pages the hook accepts and the guest runs.
#
# Everything started here is stopped here, by pid; nr_hugepages is put back.
# Skips (1..0 # SKIP) only where it cannot run: not root, no QEMU, no
# libvirt daemons, no mount namespaces, no NUMA node 0.
set -u
hook=$(realpath "$1") guests=$(realpath "$2")
t0=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "needs root (starts its own libvirtd and reserves huge pages)"
command -v qemu-system-x86_64 > /dev/null || skip_all "no qemu-system-x86_64 (Debian package qemu-system-x86)"
for prog in libvirtd virtlogd virsh; do
    command -v $prog > /dev/null || skip_all "no $prog (Debian package libvirt-daemon-system)"
done
for prog in unshare nsenter mount; do
    command -v $prog > /dev/null || skip_all "no $prog (Debian packages util-linux, mount)"
done
unshare -m --propagation private true 2> /dev/null || skip_all "cannot create a mount namespace here (unshare -m)"
[ -d /sys/devices/system/node/node0 ] || skip_all "no NUMA node 0 in /sys/devices/system/node"
for d in /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
    [ -d "$d" ] || skip_all "no $d (is libvirt-daemon-system installed?)"
done

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }
check() { # check DESCRIPTION COMMAND...: ok when COMMAND succeeds
    local what=$1; shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
note() { sed 's/^/# /'; } # a command's output as TAP comments

T=$(mktemp -d /tmp/vdsm-hook-numa-e2e.XXXXXX)
chmod 755 "$T" # libvirt's QEMU user reaches the hugetlbfs mount under it
prefix=e2e-numa-$$
uri="qemu:///system?socket=$T/sock/libvirt-sock"
lv_pid='' vl_pid=''
hp_sysfs=/sys/devices/system/node/node0/hugepages/hugepages-2048kB
hp_old='' overcommit_old=''
cgroups_before=$(ls -d /sys/fs/cgroup/machine /sys/fs/cgroup/*/machine 2> /dev/null)

v() { timeout 60 virsh -q -c "$uri" "$@"; } # no virsh call may hang the run

# --- cleanup: idempotent; runs before the plan and again from the trap ---
alive() { # alive PID: PID runs (a zombie, dead but not yet waited for, does not)
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null) || return 1
    [ -n "$st" ] && [ "${st%% *}" != Z ]
}
stop_pid() { # stop_pid PID EXE: TERM, then KILL after 10 s; only if PID still runs EXE
    local pid=$1 exe=$2
    [ -n "$pid" ] && alive "$pid" || return 0
    [ "$(basename "$(readlink "/proc/$pid/exe" 2> /dev/null)")" = "$exe" ] || return 0
    kill -TERM "$pid" 2> /dev/null
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -KILL "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    return 0
}
qemu_pids() { # the QEMU processes of our guests, from libvirt's pid files
    local f pid
    for f in "$T"/run/libvirt/qemu/"$prefix"-*.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "guest=$prefix-" && echo "$pid"
    done
}
cleanup() {
    local dom pid d
    if [ -n "$lv_pid" ] && alive "$lv_pid"; then
        for dom in $(v list --name 2> /dev/null); do
            v destroy "$dom" > /dev/null 2>&1
        done
    fi
    qemu_left=$(qemu_pids)
    for pid in $qemu_left; do kill -KILL "$pid" 2> /dev/null; done
    stop_pid "$lv_pid" libvirtd
    stop_pid "$vl_pid" virtlogd
    if [ -n "$hp_old" ]; then
        echo "$hp_old" > "$hp_sysfs/nr_hugepages" 2> /dev/null
    fi
    if [ -n "$overcommit_old" ]; then
        echo "$overcommit_old" > /proc/sys/vm/nr_overcommit_hugepages 2> /dev/null
    fi
    # libvirt made a cgroup partition /machine (its guests' cgroups go away
    # with them); remove the empty directories only where we made them.
    for d in /sys/fs/cgroup/machine /sys/fs/cgroup/*/machine; do
        [ -d "$d" ] || continue
        grep -qxF "$d" <<< "$cgroups_before" && continue
        find "$d" -depth -type d -exec rmdir {} \; 2> /dev/null
    done
    rm -rf "$T"
}
trap 'cleanup' EXIT
trap 'exit 1' INT TERM HUP

# --- the daemons ---
mkdir -p "$T"/{etc,run/libvirt,lib,log,cache,sock,hugepages,dev,xml}
cat > "$T/etc/libvirtd.conf" << EOF
unix_sock_dir = "$T/sock"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$T/libvirtd.log"
EOF
cat > "$T/etc/virtlogd.conf" << EOF
log_outputs = "3:file:$T/virtlogd.log"
EOF
cat > "$T/etc/qemu.conf" << EOF
hugetlbfs_mount = "$T/hugepages"
security_driver = "none"
EOF
kvm_dev=
if [ -c /dev/kvm ]; then
    kvm_dev="$((16#$(stat -c %t /dev/kvm))) $((16#$(stat -c %T /dev/kvm)))"
fi
# Runs inside the new mount namespace, then becomes libvirtd.
cat > "$T/ns.sh" << EOF
set -e
mount --bind "$T/etc" /etc/libvirt
mount --bind "$T/run" /run
mount --bind "$T/lib" /var/lib/libvirt
mount --bind "$T/log" /var/log/libvirt
mount --bind "$T/cache" /var/cache/libvirt
if [ -n "$kvm_dev" ]; then
    mount -t tmpfs -o size=64k,mode=755 e2e-dev "$T/dev"
    mknod -m 666 "$T/dev/kvm" c $kvm_dev
    mount --bind "$T/dev/kvm" /dev/kvm
fi
if mount -t hugetlbfs -o pagesize=2M e2e-hugepages "$T/hugepages"; then
    touch "$T/hugetlbfs-mounted"
fi
exec libvirtd -f /etc/libvirt/libvirtd.conf -p "$T/libvirtd.pid"
EOF
unshare -m --propagation private bash "$T/ns.sh" > "$T/ns.out" 2>&1 &
lv_pid=$!
for _ in $(seq 300); do
    [ -S "$T/sock/libvirt-sock" ] || ! alive "$lv_pid" && break
    sleep 0.1
done
if ! [ -S "$T/sock/libvirt-sock" ]; then
    echo "Bail out! libvirtd did not come up: $(cat "$T/ns.out" "$T/libvirtd.log" 2> /dev/null | tail -n 5 | tr '\n' ' ')"
    exit 1
fi
# virtlogd in the same namespace (it needs the private /run/libvirt), a child of this script
nsenter -t "$lv_pid" -m virtlogd -f /etc/libvirt/virtlogd.conf -p "$T/virtlogd.pid" > "$T/virtlogd.out" 2>&1 &
vl_pid=$!
for _ in $(seq 100); do
    [ -S "$T/run/libvirt/virtlogd-sock" ] || ! alive "$vl_pid" && break
    sleep 0.1
done
if ! [ -S "$T/run/libvirt/virtlogd-sock" ]; then
    echo "Bail out! virtlogd did not come up: $(tail -n 5 "$T/virtlogd.out" "$T/virtlogd.log" 2> /dev/null | tr '\n' ' ')"
    exit 1
fi
if ! v version > "$T/version" 2>&1; then
    echo "Bail out! virsh cannot talk to the private libvirtd: $(tr '\n' ' ' < "$T/version")"
    exit 1
fi
ok "private libvirtd (pid $lv_pid) and virtlogd (pid $vl_pid) up, QEMU probed, after $(elapsed)"
note < "$T/version"

# --- helpers for one guest ---
prepare() { # prepare NAME FIXTURE: a copy of the fixture named NAME, in $T/xml/NAME.xml
    sed "s|<name>e2e-guest</name>|<name>$1</name>|" "$guests/$2" > "$T/xml/$1.xml"
}
run_hook() { # run_hook NAME VAR=VALUE...: the hook as VDSM runs it; stderr in $T/xml/NAME.err
    local name=$1; shift
    env "$@" _hook_domxml="$T/xml/$name.xml" "$hook" 2> "$T/xml/$name.err"
}
qemu_pid() { cat "$T/run/libvirt/qemu/$1.pid" 2> /dev/null; }
ram_maps() { # ram_maps PID BYTES: the numa_maps lines of mappings exactly BYTES long
    # Each file is read whole first (cat): bash's read seeks back after every
    # line, and a seek into a /proc seq_file of a running QEMU can land mid-line.
    local pid=$1 bytes=$2 maps numa range addr rest
    local -A hit=()
    maps=$(cat "/proc/$pid/maps") numa=$(cat "/proc/$pid/numa_maps")
    while read -r range _; do
        [[ $range =~ ^[0-9a-f]+-[0-9a-f]+$ ]] || continue
        (( 16#${range#*-} - 16#${range%-*} == bytes )) && hit[${range%-*}]=1
    done <<< "$maps"
    while read -r addr rest; do
        [ -n "$addr" ] && [ -n "${hit[$addr]:-}" ] && echo "$addr $rest"
    done <<< "$numa"
}
check_ram() { # check_ram NAME PID BYTES POLICY [EXTRA]: the one mapping of BYTES has POLICY (and EXTRA)
    local name=$1 pid=$2 bytes=$3 policy=$4 extra=${5:-} lines count policy_seen
    lines=$(ram_maps "$pid" "$bytes")
    count=$(grep -c . <<< "$lines")
    if [ "$count" -ne 1 ]; then
        not_ok "$name: expected one $bytes-byte mapping in /proc/$pid/numa_maps, found $count"
        note <<< "$lines"
        return
    fi
    read -r _ policy_seen _ <<< "$lines"
    if [ "$policy_seen" = "$policy" ] && { [ -z "$extra" ] || grep -qF -- "$extra" <<< "$lines"; }; then
        ok "$name: guest RAM ($((bytes / 1048576)) MiB) in numa_maps is $policy${extra:+ ($extra)}"
    else
        not_ok "$name: guest RAM ($((bytes / 1048576)) MiB) in numa_maps is '$policy_seen', expected '$policy'${extra:+ with $extra}"
    fi
    note <<< "numa_maps: $lines"
}
check_numatune() { # check_numatune NAME MODE NODESET: what `virsh numatune` reports
    local name=$1 mode=$2 nodeset=$3 out
    out=$(v numatune "$name" 2>&1)
    if grep -qE "^numa_mode +: $mode\$" <<< "$out" && grep -qE "^numa_nodeset +: $nodeset\$" <<< "$out"; then
        ok "$name: virsh numatune reports mode $mode, nodeset '$nodeset'"
    else
        not_ok "$name: virsh numatune does not report mode $mode, nodeset '$nodeset'"
    fi
    note <<< "$out"
}
start() { # start NAME: virsh create from the hook's output; sets qpid to QEMU's pid (empty on failure)
    local name=$1 s
    s=$(date +%s%N)
    qpid=
    if v create "$T/xml/$name.xml" > "$T/xml/$name.create" 2>&1; then
        qpid=$(qemu_pid "$name")
        ok "$name: libvirt started the hook's output in $(( ($(date +%s%N) - s) / 1000000 )) ms (QEMU pid $qpid)"
    else
        not_ok "$name: virsh create failed: $(tr '\n' ' ' < "$T/xml/$name.create")"
        tail -n 3 "$T/log/qemu/$name.log" 2> /dev/null | note
    fi
}
stop() { # stop NAME
    if v destroy "$1" > "$T/xml/$1.destroy" 2>&1 && ! v list --name | grep -qxF "$1"; then
        ok "$1: destroyed"
    else
        not_ok "$1: destroy failed: $(tr '\n' ' ' < "$T/xml/$1.destroy")"
    fi
}
hook_ok() { # hook_ok NAME VAR=VALUE...: the hook accepts and writes <numatune>
    local name=$1 rc; shift
    run_hook "$name" "$@"
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q '<numatune>' "$T/xml/$name.xml"; then
        ok "$name: hook accepts $*"
        note < "$T/xml/$name.err"
    else
        not_ok "$name: hook refused $* (exit $rc): $(cat "$T/xml/$name.err")"
        return 1
    fi
}

# --- one guest per mode (no guest NUMA cells: one RAM backend, pc.ram) ---
# mode | numa value | numa_maps policy of the RAM mapping
modes=(
"strict|strict:0|bind:0"
"preferred|preferred:0|prefer:0"
"interleave|interleave:0|interleave:0"
"restrictive|restrictive:0|default"
)
for row in "${modes[@]}"; do
    IFS='|' read -r mode value policy <<< "$row"
    name=$prefix-$mode
    prepare "$name" guest.xml
    hook_ok "$name" numa="$value" || continue
    start "$name"
    pid=$qpid
    [ -n "$pid" ] || continue
    check_ram "$name" "$pid" $((64 * 1048576)) "$policy"
    check_numatune "$name" "$mode" 0
    # cpuset.mems of the guest's cgroup, as the kernel applies it to QEMU
    mems=$(sed -n 's/^Mems_allowed_list:\t//p' "/proc/$pid/status")
    if [ "$mode" = restrictive ]; then
        # libvirt: "restrictive" is the system default policy, nodes
        # restricted by cgroups (cpuset.mems) only, hence 'default' above.
        # On a one-node host cpuset.mems is 0 whatever the mode, so this
        # shows the cgroup holds the nodeset, not that libvirt wrote it.
        check "$name: no mbind on guest RAM, QEMU's cpuset.mems (Mems_allowed_list) is 0" [ "$mems" = 0 ]
    else
        echo "# $name: QEMU's Mems_allowed_list: $mems"
    fi
    stop "$name"
done

# --- numa_memnode on a two-cell guest: cell 0 64 MiB strict, cell 1 32 MiB interleave ---
# (different sizes so that each cell's mapping is told apart by its size)
name=$prefix-memnode
prepare "$name" guest-cells.xml
if hook_ok "$name" numa_memnode='0=strict:0 1=interleave:0'; then
    start "$name"
    pid=$qpid
    if [ -n "$pid" ]; then
        check_ram "$name cell 0" "$pid" $((64 * 1048576)) bind:0
        check_ram "$name cell 1" "$pid" $((32 * 1048576)) interleave:0
        live=$(v dumpxml "$name")
        for want in "<memnode cellid='0' mode='strict' nodeset='0'/>" "<memnode cellid='1' mode='interleave' nodeset='0'/>"; do
            if grep -qF "$want" <<< "$live"; then
                ok "$name: the running domain's XML has $want"
            else
                not_ok "$name: the running domain's XML lacks $want"
            fi
        done
        # virsh numatune reports <memory> only; with no <memory> it shows libvirt's default.
        v numatune "$name" 2>&1 | note
        stop "$name"
    fi
fi

# --- huge pages: 64 MiB guest = 32 pages of 2 MiB on node 0 ---
hp_free() { cat "$hp_sysfs/free_hugepages"; }
hp_reserve() { # hp_reserve FREE: make FREE pages free on node 0; false if the kernel cannot
    local want=$1 used
    used=$(( $(cat "$hp_sysfs/nr_hugepages") - $(hp_free) ))
    echo $((used + want)) > "$hp_sysfs/nr_hugepages" 2> /dev/null
    [ "$(hp_free)" -eq "$want" ]
}
huge_skip=
if ! [ -d "$hp_sysfs" ]; then
    huge_skip="no 2 MiB huge pages on this host ($hp_sysfs)"
elif ! [ -e "$T/hugetlbfs-mounted" ]; then
    huge_skip="cannot mount hugetlbfs (pagesize=2M): $(cat "$T/ns.out")"
else
    hp_old=$(cat "$hp_sysfs/nr_hugepages")
    overcommit_old=$(cat /proc/sys/vm/nr_overcommit_hugepages)
    # surplus pages would let QEMU start anyway; none for the length of the test
    echo 0 > /proc/sys/vm/nr_overcommit_hugepages
    if ! hp_reserve 16; then
        huge_skip="the kernel did not give 16 free 2 MiB pages on node 0 (free: $(hp_free))"
    fi
fi
if [ -n "$huge_skip" ]; then
    for what in "hook refuses too few pages" "QEMU fails on too few pages" "hook accepts enough pages" "guest runs on huge pages"; do
        skip "$what: $huge_skip"
    done
else
    echo "# node 0: nr_hugepages was $hp_old, now $(cat "$hp_sysfs/nr_hugepages") with $(hp_free) free"
    name=$prefix-huge
    prepare "$name" guest-huge.xml
    cp "$T/xml/$name.xml" "$T/xml/$name.orig"
    run_hook "$name" numa=strict:0
    rc=$? err=$(cat "$T/xml/$name.err")
    note <<< "hook: exit $rc: $err"
    lines=$(grep -c '' "$T/xml/$name.err")
    if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [[ $err == "numa: "* ]] \
        && grep -qE '(^|[^0-9])16([^0-9]|$)' <<< "$err" && grep -qF "$hp_sysfs/nr_hugepages" <<< "$err" \
        && cmp -s "$T/xml/$name.orig" "$T/xml/$name.xml"; then
        ok "$name: with 16 free pages the hook refuses (exit 2, one line naming 16 and $hp_sysfs/nr_hugepages), file untouched"
    else
        not_ok "$name: with 16 free pages the hook must refuse: exit 2 (got $rc), one 'numa: ' line (got $lines) naming the free count 16 and $hp_sysfs/nr_hugepages, file untouched"
    fi

    # The same XML forced past the hook: the <numatune> it would have written.
    sed "s|^  <vcpu>1</vcpu>\$|&\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>|" \
        "$T/xml/$name.orig" > "$T/xml/$name-forced.xml"
    s=$(date +%s%N)
    if v create "$T/xml/$name-forced.xml" > "$T/xml/forced.out" 2>&1; then
        not_ok "$name: QEMU started with 32 pages needed and 16 free"
        v destroy "$name" > /dev/null 2>&1
    elif grep -qE 'unable to map backing store|Cannot allocate memory|Insufficient free host memory' "$T/xml/forced.out"; then
        ok "$name: forced past the hook, QEMU fails at start ($(( ($(date +%s%N) - s) / 1000000 )) ms), for want of memory"
    else
        not_ok "$name: forced past the hook, the start failed but not for want of memory"
    fi
    note < "$T/xml/forced.out"
    check "$name: no QEMU left behind by the failed start, node 0 still has 16 free pages" \
        [ -z "$(qemu_pids)" -a "$(hp_free)" -eq 16 ]

    if hp_reserve 40; then
        echo "# node 0: now $(cat "$hp_sysfs/nr_hugepages") pages, $(hp_free) free"
        cp "$T/xml/$name.orig" "$T/xml/$name.xml"
        if hook_ok "$name" numa=strict:0; then
            check "$name: the hook's output is byte for byte the XML forced past it above" \
                cmp -s "$T/xml/$name.xml" "$T/xml/$name-forced.xml"
            start "$name"
            pid=$qpid
            if [ -n "$pid" ]; then
                check_ram "$name" "$pid" $((64 * 1048576)) bind:0 kernelpagesize_kB=2048
                check "$name: the guest holds 32 of node 0's 40 pages ($(hp_free) free)" [ "$(hp_free)" -eq 8 ]
                check_numatune "$name" strict 0
                stop "$name"
            fi
        fi
    else
        skip "hook accepts enough pages: the kernel did not give 40 free 2 MiB pages on node 0 (free: $(hp_free))"
    fi
fi

# --- nothing outlives the test ---
cleanup
trap - EXIT
if [ -z "$qemu_left" ] && ! alive "$lv_pid" && ! alive "$vl_pid"; then
    ok "no guest, libvirtd or virtlogd left running"
else
    not_ok "left running: guests '$qemu_left' (killed in cleanup), libvirtd $lv_pid, virtlogd $vl_pid"
fi
if [ -n "$hp_old" ]; then
    check "node 0 nr_hugepages back to $hp_old" [ "$(cat "$hp_sysfs/nr_hugepages")" = "$hp_old" ]
fi
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "the whole run took $ms ms, under the 2 minutes allowed" [ "$ms" -lt 120000 ]
echo "1..$n"
[ "$failed" -eq 0 ]
