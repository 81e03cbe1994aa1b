#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the multi-node test bed's initramfs (tests/multinode/run.sh
# builds it): load virtio and 9p, mount the machine's root (read-only) and
# the results directory (writable) over virtio-9p, give the root fresh
# /proc, /sys, /dev, hugetlbfs and tmpfs on /tmp, /run and /var/tmp (but
# for /config's KEEP_PATHS), then
# run /config's GUEST_SCRIPT in it with chroot and power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "multinode-init: $*" > /dev/console; }
for m in $(cat /modules.order); do
    insmod "/modules/$m.ko" || say "insmod $m failed"
done
opts=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /newroot /results
mount -t 9p -o "$opts,ro,cache=loose" hostroot /newroot || say "cannot mount the shared root"
mount -t 9p -o "$opts" results /results || say "cannot mount the results share"
. /results/config
# Fresh tmpfs on tmp, run and var/tmp, but the paths in KEEP_PATHS (the
# source and build trees, which CI may have cloned under /tmp) stay visible
# from the shared root: bound from a view of each directory taken first.
for d in tmp run var/tmp; do
    mkdir -p "/keep/$d" && mount -o bind "/newroot/$d" "/keep/$d"
    mount -t tmpfs tmpfs "/newroot/$d"
    for p in $KEEP_PATHS; do
        case $p in
        "/$d"/*)
            mkdir -p "/newroot$p" && mount -o bind "/keep/$d${p#/$d}" "/newroot$p" || say "cannot keep $p"
            ;;
        esac
    done
done
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/hugepages /newroot/dev/shm /newroot/tmp/results
mount -t hugetlbfs -o pagesize=2M hugetlbfs /newroot/dev/hugepages
mount -t tmpfs tmpfs /newroot/dev/shm
mount --move /results /newroot/tmp/results
say "booted $(uname -r), running $GUEST_SCRIPT"
chroot /newroot /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
    /bin/bash "$GUEST_SCRIPT" /tmp/results > /dev/console 2>&1
sync
say "done"
poweroff -f
