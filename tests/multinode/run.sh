#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The multi-node test bed: the hook against a real multi-node kernel's
# libnuma and sysfs, with QEMU as the judge of its verdicts.
#
#   run.sh HOOK_EXE START MIGRATE DEHIBERNATE CACHE
#
# HOOK_EXE is the built vdsm-hook-numa; START, MIGRATE and DEHIBERNATE its
# entries in the build tree's hooks/before_vm_start,
# before_vm_migrate_destination and before_vm_dehibernate (symlinks to it:
# the hook point comes from the directory, as under VDSM); CACHE a
# directory in the build tree for the downloaded .deb files. Prints TAP.
# MULTINODE_HOOK=PROGRAM runs (a copy of) PROGRAM in place of the hook at
# every hook point and for --topology (to see the suite fail on a wrong hook).
# MULTINODE_KERNELS="default 6.12" picks the boots (both by default).
#
# Each kernel (the one Debian's linux-image-amd64 depends on, and a 6.12
# one for memory tiers) is fetched with `apt-get download`, as is
# busybox-static, into CACHE; reruns use the cache. A tiny initramfs
# (init.sh) loads virtio and 9p, mounts this machine's whole root read-only
# over virtio-9p and a scratch results directory writable, and runs
# guest.sh in a chroot. QEMU (TCG) gives the guest four NUMA nodes:
#
#   node 0: CPU 0, 384 MiB      node 2: CPU 2, no memory
#   node 1: CPU 1, 256 MiB      node 3: no CPU, 256 MiB, initiator node 0,
#                                       4x the latency, 1/4 the bandwidth (HMAT)
#
# Those are the guest kernel's node ids. QEMU numbers them otherwise: its
# node 2 is the memory-only one and its node 3 (the last) the memoryless
# one, because QEMU writes an HMAT proximity entry naming a memory domain
# for every node, and the kernel ignores the whole HMAT ("acpi/hmat:
# Ignoring: Invalid table") when SRAT has no memory range for one; the last
# node gets the memory hotplug range (maxmem), which is such a range while
# the node stays memoryless. The kernel numbers nodes in SRAT order, CPUs
# first, so QEMU's 3 becomes node 2 and QEMU's 2 node 3.
#
# One boot per kernel; everything happens inside the guest, so nothing on
# this machine changes but CACHE and a scratch directory that is removed.
# Skips (1..0 # SKIP) where it cannot run: no qemu-system-x86_64, no
# apt-get, or no kernel package to download.
set -u
# the hook points: no realpath, the directory names the hook point
hook_exe=$(realpath "$1") hook_start=$(realpath -s "$2") hook_migrate=$(realpath -s "$3")
hook_dehibernate=$(realpath -s "$4") cache=$5
here=$(dirname "$(realpath "$0")")
t0=$(date +%s)

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
command -v qemu-system-x86_64 > /dev/null || skip_all "no qemu-system-x86_64 (Debian package qemu-system-x86)"
for prog in apt-get apt-cache dpkg-deb xz; do
    command -v $prog > /dev/null || skip_all "no $prog (Debian packages apt, dpkg, xz-utils)"
done
mkdir -p "$cache" || skip_all "cannot create $cache"
cache=$(realpath "$cache")

# fetch PACKAGE: its .deb in CACHE (downloaded once); prints the path
fetch() {
    local deb
    deb=$(ls "$cache/$1"_*.deb 2> /dev/null | head -1)
    if [ -z "$deb" ]; then
        (cd "$cache" && apt-get download "$1") > "$cache/download-$1.log" 2>&1 || return 1
        deb=$(ls "$cache/$1"_*.deb 2> /dev/null | head -1)
    fi
    [ -n "$deb" ] && echo "$deb"
}
# kernel_package default|6.12: the linux-image package name, from apt's lists
kernel_package() {
    local meta=linux-image-amd64
    [ "$1" = 6.12 ] && meta=linux-image-6.12-amd64
    apt-cache depends "$meta" 2> /dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

busybox_deb=$(fetch busybox-static) || skip_all "cannot download busybox-static with apt-get download (see $cache/download-busybox-static.log)"
bb_dir=$cache/busybox
if [ ! -x "$bb_dir/bin/busybox" ]; then
    rm -rf "$bb_dir" && dpkg-deb -x "$busybox_deb" "$bb_dir" || skip_all "cannot unpack $busybox_deb"
fi
bb=$bb_dir/bin/busybox

T=$(mktemp -d /tmp/vdsm-hook-numa-multinode.XXXXXX)
qemu_pid=''
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2> /dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The hook the guest runs: the build tree's, or MULTINODE_HOOK at every point.
if [ -n "${MULTINODE_HOOK:-}" ]; then
    # in CACHE, as the guest has its own /tmp, /run and /var/tmp
    fake=$cache/fake-hooks
    rm -rf "$fake" && mkdir -p "$fake" && cp "$MULTINODE_HOOK" "$fake/program" && chmod +x "$fake/program" ||
        skip_all "cannot copy $MULTINODE_HOOK"
    for p in before_vm_start before_vm_migrate_destination before_vm_dehibernate; do
        mkdir -p "$fake/$p" && ln -s ../program "$fake/$p/50_numa"
    done
    hook_exe=$fake/program hook_start=$fake/before_vm_start/50_numa
    hook_migrate=$fake/before_vm_migrate_destination/50_numa
    hook_dehibernate=$fake/before_vm_dehibernate/50_numa
fi

# kernel_files DEB DIR: vmlinuz, and the modules virtio-9p needs (with what
# they need, per each module's `depends`, dependencies first), decompressed,
# in DIR. The .deb has no modules.dep (depmod writes it on install).
kernel_files() {
    local deb=$1 dir=$2
    mkdir -p "$dir/x" "$dir/modules" && dpkg-deb -x "$deb" "$dir/x" || return 1
    : > "$dir/modules.list"
    local m
    for m in virtio_pci 9pnet_virtio 9p; do
        add_module "$dir" "$m" || return 1
    done
    cp "$dir"/x/boot/vmlinuz-* "$dir/vmlinuz" && rm -rf "$dir/x"
}
# add_module DIR NAME: NAME's dependencies, then NAME, into DIR/modules and
# DIR/modules.list (once each); one the package lacks into DIR/builtin.list
add_module() {
    local dir=$1 m=$2 f d
    grep -qx "$m" "$dir/modules.list" "$dir/builtin.list" 2> /dev/null && return 0
    f=$(find "$dir/x/lib/modules" \( -name "$m.ko" -o -name "$m.ko.*" \) | head -1)
    [ -z "$f" ] && f=$(find "$dir/x/lib/modules" \( -name "${m//_/-}.ko" -o -name "${m//_/-}.ko.*" \) | head -1)
    # not in the package: built into the kernel (6.12 has virtio_pci built in)
    [ -n "$f" ] || { echo "$m" >> "$dir/builtin.list"; return 0; }
    case $f in
    *.xz) xz -dc "$f" ;;
    *.zst) zstd -qdc "$f" ;;
    *) cat "$f" ;;
    esac > "$dir/modules/$m.ko" || return 1
    # the .modinfo section's depends= (no modinfo needed)
    for d in $(tr '\0' '\n' < "$dir/modules/$m.ko" | sed -n 's/^depends=//p' | tr , ' '); do
        add_module "$dir" "$d" || return 1
    done
    echo "$m" >> "$dir/modules.list"
}

# initramfs DIR: DIR/initrd.img from busybox, init.sh and DIR/modules
initramfs() {
    local dir=$1 root=$1/root
    rm -rf "$root" && mkdir -p "$root"/{bin,proc,sys,dev,modules} || return 1
    cp "$bb" "$root/bin/busybox" && cp "$here/init.sh" "$root/init" && chmod 755 "$root/init" &&
        cp "$dir"/modules/*.ko "$root/modules/" && cp "$dir/modules.list" "$root/modules.order" ||
        return 1
    (cd "$root" && find . | "$bb" cpio -o -H newc 2> /dev/null) > "$dir/initrd.img"
}

# boot KERNEL_DIR RESULTS PARTS: one boot; guest.sh runs PARTS and writes
# RESULTS/tap; the console goes to RESULTS/console.log
boot() {
    local kdir=$1 res=$2 parts=$3
    cat > "$res/config" <<-CONF
	GUEST_SCRIPT='$here/guest.sh'
	KEEP_PATHS='$(realpath "$here/../..") $(dirname "$hook_exe") $(dirname "$(dirname "$(dirname "$hook_start")")") $cache'
	CONF
    cat > "$res/guest.conf" <<-CONF
	HOOK_EXE='$hook_exe'
	HOOK_before_vm_start='$hook_start'
	HOOK_before_vm_migrate_destination='$hook_migrate'
	HOOK_before_vm_dehibernate='$hook_dehibernate'
	CASES='$here/cases'
	PARTS='$parts'
	CONF
    qemu-system-x86_64 -machine pc,hmat=on -accel tcg -cpu max -m 896M,slots=1,maxmem=1G \
        -smp 3,sockets=3,cores=1,threads=1 \
        -object memory-backend-ram,id=m0,size=384M -object memory-backend-ram,id=m1,size=256M \
        -object memory-backend-ram,id=m2,size=256M \
        -numa node,nodeid=0,memdev=m0 -numa node,nodeid=1,memdev=m1 \
        -numa node,nodeid=2,memdev=m2,initiator=0 -numa node,nodeid=3 \
        -numa cpu,node-id=0,socket-id=0 -numa cpu,node-id=1,socket-id=1 -numa cpu,node-id=3,socket-id=2 \
        -numa hmat-lb,initiator=0,target=0,hierarchy=memory,data-type=access-latency,latency=10 \
        -numa hmat-lb,initiator=0,target=0,hierarchy=memory,data-type=access-bandwidth,bandwidth=10G \
        -numa hmat-lb,initiator=1,target=1,hierarchy=memory,data-type=access-latency,latency=10 \
        -numa hmat-lb,initiator=1,target=1,hierarchy=memory,data-type=access-bandwidth,bandwidth=10G \
        -numa hmat-lb,initiator=0,target=2,hierarchy=memory,data-type=access-latency,latency=40 \
        -numa hmat-lb,initiator=0,target=2,hierarchy=memory,data-type=access-bandwidth,bandwidth=2500M \
        -kernel "$kdir/vmlinuz" -initrd "$kdir/initrd.img" \
        -append "console=ttyS0 panic=-1 rdinit=/init loglevel=4" \
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
        -virtfs local,path="$res",mount_tag=results,security_model=none,multidevs=remap \
        -nodefaults -no-reboot -display none -serial file:"$res/console.log" -monitor none &
    qemu_pid=$!
    local waited=0 limit=${MULTINODE_BOOT_TIMEOUT:-900}
    while kill -0 "$qemu_pid" 2> /dev/null; do
        if [ $waited -ge "$limit" ]; then
            kill "$qemu_pid"
            echo "not ok - the $parts boot did not finish within $limit s" >> "$res/tap"
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    wait "$qemu_pid"
    qemu_pid=''
    echo "# boot of $(basename "$kdir") took ${waited} s"
}

out=$T/out
: > "$out"
for k in ${MULTINODE_KERNELS:-default 6.12}; do
    pkg=$(kernel_package "$k")
    if [ -z "$pkg" ]; then
        echo "ok - # SKIP no $k kernel package in apt's lists (apt-get update?)" >> "$out"
        continue
    fi
    deb=$(fetch "$pkg") || {
        echo "ok - # SKIP cannot download $pkg (see $cache/download-$pkg.log)" >> "$out"
        continue
    }
    kdir=$cache/$pkg
    if [ ! -f "$kdir/vmlinuz" ]; then
        rm -rf "$kdir" && kernel_files "$deb" "$kdir" || {
            echo "not ok - cannot unpack vmlinuz and the virtio/9p modules from $deb" >> "$out"
            continue
        }
    fi
    initramfs "$kdir" || {
        echo "not ok - cannot build the initramfs for $pkg" >> "$out"
        continue
    }
    parts='topology checks cases claims'
    [ "$k" = 6.12 ] && parts='topology checks tiers'
    res=$T/results-$k
    mkdir -p "$res"
    echo "# $pkg: booting 4 NUMA nodes under TCG for: $parts"
    boot "$kdir" "$res" "$parts"
    if [ -s "$res/tap" ]; then
        grep -q '^# guest done' "$res/tap" || echo "not ok - the $k guest stopped before it finished" >> "$res/tap"
        sed "s/^\(not ok\|ok\) /\1 [$k] /" "$res/tap" >> "$out"
    else
        echo "not ok - the $k guest wrote no results; its console:" >> "$out"
        sed 's/^/# /' "$res/console.log" >> "$out"
    fi
done

# renumber: the guest writes unnumbered TAP lines
awk '/^(ok|not ok) / { n++; sub(/^ok /, "ok " n " "); sub(/^not ok /, "not ok " n " ") } { print } END { print "1.." n }' "$out"
echo "# multinode: $(($(date +%s) - t0)) s"
grep -q '^not ok' "$out" && exit 1
exit 0
