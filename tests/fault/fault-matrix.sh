#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault injection on the write path (SQLite's method): make the Nth call of
# each operation fail, for N = 1, 2, ... until a run hits no fault, and
# check that every run either
#   (a) fails: exit 2, exactly one "numa:" line, the file byte-identical
#       with the same inode and mode, and no temporary left; or
#   (b) succeeds with the complete result (a fault the hook may rightly
#       ignore, like close() of a file it only read).
# Then SIGKILL at every write, real ENOSPC/EFBIG, another writer between
# the read and the rename, the wall-clock watchdog under a stall, and
# permission cases.
#
#   fault-matrix.sh HOOK SHIM FIXTURES
#
# Prints TAP.
set -u
hook=$(realpath "$1") shim=$(realpath "$2") fixtures=$(realpath "$3")
caps=(--capabilities "$fixtures/caps-2node.xml")
spec=strict:0-1

tmp=$(mktemp -d)
trap 'umount "$tmp/tiny" 2> /dev/null; rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

"$hook" "${caps[@]}" --numa "$spec" --domxml "$fixtures/ovirt.xml" --dry-run > "$tmp/expected.xml" 2> /dev/null

mkdir "$tmp/work"
chmod 0755 "$tmp/work"
doc=$tmp/work/dom.xml

fresh_doc() {
    cp "$fixtures/ovirt.xml" "$doc"
    chmod 0640 "$doc"
    # Owned by someone else, so that running as root also exercises fchown().
    chown 65534:65534 "$doc" 2> /dev/null || true
}

leftovers() { ls -A "$tmp/work" | grep -v '^dom\.xml$'; }

# faulted OP AT ERRNO [every]: one run of the hook on $doc with that fault
# armed; sets rc, and $tmp/hits exists when the fault fired.
faulted() {
    rm -f "$tmp/hits"
    env FAULT_OP="$1" FAULT_AT="$2" FAULT_ERRNO="$3" ${4:+FAULT_EVERY=1} FAULT_LOG="$tmp/hits" LD_PRELOAD="$shim" \
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
        numa=$spec _hook_domxml="$doc" "$hook" "${caps[@]}" > /dev/null 2> "$tmp/err"
    rc=$?
}

# outcome NAME: classify the last run as (a), (b) or a failure of the contract.
outcome() {
    local name=$1 rc=$2 inode=$3 mode=$4
    if [ "$rc" = 2 ]; then
        if [ "$(wc -l < "$tmp/err")" != 1 ] || ! grep -q '^numa: ' "$tmp/err"; then
            not_ok "$name: exit 2 but not exactly one numa: line: $(head -c 300 "$tmp/err")"
        elif ! cmp -s "$fixtures/ovirt.xml" "$doc"; then
            not_ok "$name: failed and the file changed"
        elif [ "$(stat -c %i "$doc")" != "$inode" ] || [ "$(stat -c %a "$doc")" != "$mode" ]; then
            not_ok "$name: failed and the inode or mode changed"
        elif [ -n "$(leftovers)" ]; then
            not_ok "$name: failed and left $(leftovers)"
        else
            ok "$name: refused cleanly: $(cat "$tmp/err")"
            return 2
        fi
    elif [ "$rc" = 0 ]; then
        if ! cmp -s "$tmp/expected.xml" "$doc"; then
            not_ok "$name: exit 0 but the file is not the complete result"
        elif [ -n "$(leftovers)" ]; then
            not_ok "$name: succeeded and left $(leftovers)"
        elif [ "$(stat -c %a "$doc")" != "$mode" ]; then
            not_ok "$name: succeeded but the mode changed"
        else
            ok "$name: fault tolerated, complete result"
        fi
    else
        not_ok "$name: exit $rc: $(head -c 300 "$tmp/err")"
    fi
    return 0
}

# op | errno values to inject
matrix=(
"read|EIO"
"write|ENOSPC EIO EDQUOT EFBIG"
"close|EIO ENOSPC"
"fchmod|EPERM EIO"
"fchown|EPERM"
"openat|ENOSPC EACCES EIO"
"renameat|EXDEV EPERM EIO"
"faccessat|EACCES EROFS"
"flock|EIO"
"fstatat|EIO"
)

for row in "${matrix[@]}"; do
    IFS='|' read -r op errnos <<< "$row"
    for err in $errnos; do
        refused=0
        for at in $(seq 1 50); do
            fresh_doc
            inode=$(stat -c %i "$doc") mode=$(stat -c %a "$doc")
            faulted "$op" "$at" "$err"
            [ -f "$tmp/hits" ] || break
            outcome "$op #$at $err" "$rc" "$inode" "$mode"
            [ $? = 2 ] && refused=$((refused + 1))
        done
        if [ "$refused" -gt 0 ]; then
            ok "$op $err: the fault was reported $refused time(s), ran to N=$at"
        else
            not_ok "$op $err: no injected fault was ever reported"
        fi
    done
done

# Each PCI address is looked up once, however often the document names it:
# with 300 <hostdev>s of one address, the 50th open() is never reached (it
# was the 50th lookup). This host's topology (no --capabilities), as PCI
# devices are only looked at here.
if [ -r /sys/devices/system/node/node0/meminfo ]; then
    {
        printf "<domain type='kvm'><name>pci</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><devices>"
        for _ in $(seq 300); do
            printf "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x00' slot='0x00' function='0x0'/></source></hostdev>"
        done
        printf "</devices></domain>\n"
    } > "$tmp/pci.xml"
    rm -f "$tmp/hits"
    env FAULT_OP=open FAULT_AT=50 FAULT_ERRNO=EIO FAULT_LOG="$tmp/hits" LD_PRELOAD="$shim" \
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
        "$hook" --numa strict:0 --domxml "$tmp/pci.xml" --dry-run > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "$rc" = 0 ] && [ ! -f "$tmp/hits" ]; then
        ok "300 <hostdev>s of one PCI address: fewer than 50 open() calls, one lookup"
    else
        not_ok "300 <hostdev>s of one PCI address: exit $rc, $([ -f "$tmp/hits" ] && echo "50 or more open() calls"): $(head -c 300 "$tmp/err")"
    fi
    rm -f "$tmp/pci.xml" "$tmp/hits"
else
    echo "# SKIP PCI lookups: no NUMA on this host"
fi

# A short write is legal; the hook must finish the write, even when every write is short.
fresh_doc
faulted write 1 short every
if [ "$rc" = 0 ] && cmp -s "$tmp/expected.xml" "$doc" && [ -z "$(leftovers)" ]; then
    ok "every write short: retried to the end, complete result"
else
    not_ok "every write short: exit $rc, result incomplete or temporary left"
fi
for at in $(seq 1 20); do
    fresh_doc
    faulted write "$at" short
    [ -f "$tmp/hits" ] || break
    if [ "$rc" = 0 ] && cmp -s "$tmp/expected.xml" "$doc" && [ -z "$(leftovers)" ]; then
        ok "short write #$at: retried, complete result"
    else
        not_ok "short write #$at: exit $rc, result incomplete or temporary left"
    fi
done

# SIGKILL of the worker in the middle of every write (the OOM killer, a
# kill by pid): the supervisor removes the temporary and refuses with one
# line; the file is the original, never a mix. The file is on a local
# filesystem, where the hook runs no worker unless asked to.
for at in $(seq 1 20); do
    fresh_doc
    inode=$(stat -c %i "$doc") mode=$(stat -c %a "$doc")
    VDSM_HOOK_NUMA_SUPERVISE=1 faulted write "$at" kill
    [ -f "$tmp/hits" ] || break
    outcome "SIGKILL of the worker at write #$at" "$rc" "$inode" "$mode"
    if [ "$rc" = 2 ] && ! grep -q '^numa: gave up: its worker process was killed by signal 9' "$tmp/err"; then
        not_ok "SIGKILL of the worker at write #$at: $(cat "$tmp/err")"
    fi
    rm -f "$tmp"/work/.numa-*
done

# SIGKILL of a run that guards itself (no worker: the file is local): no
# process is left to clean up, so the temporary stays, but the file is the
# original, never a mix.
fresh_doc
inode=$(stat -c %i "$doc") mode=$(stat -c %a "$doc")
faulted write 1 kill
if [ -f "$tmp/hits" ] && [ "$rc" = 137 ] && cmp -s "$fixtures/ovirt.xml" "$doc" \
    && [ "$(stat -c %i "$doc")" = "$inode" ] && [ "$(stat -c %a "$doc")" = "$mode" ]; then
    ok "SIGKILL of a self-guarded run: the file is the original (left: $(leftovers | tr '\n' ' '))"
else
    not_ok "SIGKILL of a self-guarded run: exit $rc, file $(cmp -s "$fixtures/ovirt.xml" "$doc" && echo original || echo changed)"
fi
rm -f "$tmp"/work/.numa-*

# Faults the hook rightly works around: a filesystem without flock()
# (the check before the rename still guards the file), and a kernel or C
# library without faccessat2() (the check goes through /proc/self/fd).
for fault in "flock ENOLCK" "faccessat EINVAL"; do
    fresh_doc
    inode=$(stat -c %i "$doc") mode=$(stat -c %a "$doc")
    faulted "${fault% *}" 1 "${fault#* }"
    if [ -f "$tmp/hits" ] && [ "$rc" = 0 ]; then
        outcome "$fault: worked around" "$rc" "$inode" "$mode"
    else
        not_ok "$fault: exit $rc (hit: $([ -f "$tmp/hits" ] && echo yes || echo no)): $(head -c 300 "$tmp/err")"
    fi
done

# Another writer between the read and the rename (here: when the hook sets
# the temporary's mode): the hook removes its temporary and refuses, and
# the other writer's file stays as that writer left it.
fresh_doc
FAULT_FILE=$doc faulted fchmod 1 replace
if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "^numa: .*changed while the hook ran" "$tmp/err" \
    && grep -q "other writer" "$doc" && [ -z "$(leftovers)" ]; then
    ok "another writer renamed over the file: $(cat "$tmp/err")"
else
    not_ok "another writer renamed over the file: exit $rc, $(grep -c . "$doc") lines, leftovers '$(leftovers)': $(head -c 300 "$tmp/err")"
fi
fresh_doc
inode=$(stat -c %i "$doc") mode=$(stat -c %a "$doc")
FAULT_FILE=$doc faulted fchmod 1 touch
outcome "another writer touched the file" "$rc" "$inode" "$mode"
[ "$rc" = 2 ] && grep -q "changed while the hook ran" "$tmp/err" && ok "touched: the message says so" || not_ok "touched: exit $rc: $(cat "$tmp/err")"

# The wall-clock watchdog: a read that stalls (a hung disk or NFS server)
# uses no CPU, and VDSM waits for a hook with no timeout. This waits the
# real 10 s once.
fresh_doc
inode=$(stat -c %i "$doc") mode=$(stat -c %a "$doc")
start=$(date +%s)
faulted read 1 sleep
took=$(($(date +%s) - start))
outcome "a read stalls: the watchdog ends the run after ${took} s" "$rc" "$inode" "$mode"
if grep -q "wall-clock time limit reached (watchdog); domain XML left unchanged" "$tmp/err" && [ "$took" -ge 9 ] && [ "$took" -le 20 ]; then
    ok "a read stalls: the wall-clock limit fired at 10 s: $(cat "$tmp/err")"
else
    not_ok "a read stalls: after ${took} s: $(head -c 300 "$tmp/err")"
fi
# Perl sets up the parent below; a package build root may not have it.
if command -v perl > /dev/null; then
    # stalled OP AT: like faulted with a stall, started by a parent that set
    # alarm(2) and blocked SIGALRM and SIGXCPU: the hook unblocks them, and
    # keeps a sooner alarm() pending across exec, so this takes 2 s, not 10.
    stalled() {
        rm -f "$tmp/hits"
        start=$(date +%s)
        perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGALRM, SIGXCPU)); alarm shift; exec @ARGV or die "exec: $!"' 2 \
            env FAULT_OP="$1" FAULT_AT="$2" FAULT_ERRNO=sleep FAULT_LOG="$tmp/hits" \
            LD_PRELOAD="$shim" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
            numa=$spec _hook_domxml="$doc" "$hook" "${caps[@]}" > /dev/null 2> "$tmp/err"
        rc=$? took=$(($(date +%s) - start))
    }
    # A stall while the temporary exists: the handler removes it.
    fresh_doc
    inode=$(stat -c %i "$doc") mode=$(stat -c %a "$doc")
    stalled write 1
    outcome "the temporary's write stalls (signals blocked, alarm 2 s inherited)" "$rc" "$inode" "$mode"
    if [ -f "$tmp/hits" ] && grep -q "wall-clock time limit reached" "$tmp/err" && [ "$took" -le 6 ]; then
        ok "the temporary's write stalls: ended after ${took} s, temporary removed"
    else
        not_ok "the temporary's write stalls: after ${took} s: $(head -c 300 "$tmp/err")"
    fi
    # A stall after the rename (closing the file that was read: the third
    # close, after the capabilities file's and the temporary's): the edit is
    # done, so the handler must not say "unchanged", nor exit 2.
    fresh_doc
    stalled close 3
    if [ -f "$tmp/hits" ] && [ "$rc" = 0 ] && cmp -s "$tmp/expected.xml" "$doc" && [ -z "$(leftovers)" ] \
        && [ "$(cat "$tmp/err")" = "numa: warning: wall-clock time limit reached (watchdog) after the domain XML was replaced; the change stands" ]; then
        ok "a stall after the rename: exit 0, the result, $(cat "$tmp/err")"
    else
        not_ok "a stall after the rename: exit $rc after ${took} s: $(head -c 300 "$tmp/err")"
    fi
    # A stall while a success prints its warnings (stderr a 4 KiB pipe read
    # only after 3 s, alarm 1 s inherited): the verdict stands, so exit 0
    # with a warning, never a refusal after the warnings.
    mig=$tmp/work/incoming.xml
    {
        printf "<domain><memory>1048576</memory><vcpu>20</vcpu><numatune><memory mode='strict' nodeset='0'/>"
        for i in $(seq 0 19); do printf "<memnode cellid='%d' mode='strict' nodeset='4,6,8,10,12,14,16,18,20,22,24,26,28'/>" "$i"; done
        printf "</numatune><cpu><numa>"
        for i in $(seq 0 19); do printf "<cell id='%d' cpus='%d' memory='1'/>" "$i" "$i"; done
        printf "</numa></cpu></domain>"
    } > "$mig"
    perl -MPOSIX -e '
        my $wait = shift;
        pipe(my $r, my $w) or die "pipe: $!";
        fcntl($w, 1031, 4096);    # F_SETPIPE_SZ
        my $pid = fork() // die "fork: $!";
        if ($pid == 0) { close $r; POSIX::dup2(fileno($w), 2); alarm 1; exec @ARGV or die "exec: $!"; }
        close $w;
        sleep $wait;
        my $err = do { local $/; <$r> };
        waitpid($pid, 0);
        print "rc=", $? >> 8, "\n", $err;' 3 \
        "$hook" "${caps[@]}" --hook-point before_vm_migrate_destination --domxml "$mig" > "$tmp/err"
    if [ "$(head -n 1 "$tmp/err")" = rc=0 ] && [ "$(grep -c '^numa: warning: incoming <memnode' "$tmp/err")" -ge 8 ] \
        && [ "$(tail -n 1 "$tmp/err")" = "numa: warning: wall-clock time limit reached (watchdog) after the run succeeded; its result stands" ]; then
        ok "a stall while a success prints its warnings: exit 0, the watchdog a warning"
    else
        not_ok "a stall while a success prints its warnings: $(head -n 1 "$tmp/err"), $(grep -c "^numa: warning: incoming <memnode" "$tmp/err") memnode warnings, last: $(tail -n 1 "$tmp/err" | head -c 200)"
    fi
    rm -f "$mig"
else
    echo "# SKIP stalls with an inherited alarm and blocked signals: they need perl"
fi

# Real ENOSPC on a tiny tmpfs, where this machine lets us mount one.
mkdir "$tmp/tiny"
if mount -t tmpfs -o size=16k tmpfs "$tmp/tiny" 2> /dev/null; then
    cp "$fixtures/libvirt.xml" "$tmp/tiny/dom.xml"
    # Fill every page that is left, so the temporary cannot get one.
    head -c 65536 /dev/zero > "$tmp/tiny/filler" 2> /dev/null
    numa=$spec _hook_domxml="$tmp/tiny/dom.xml" "$hook" "${caps[@]}" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "$rc" = 2 ] && grep -q 'No space left on device' "$tmp/err" && cmp -s "$fixtures/libvirt.xml" "$tmp/tiny/dom.xml" \
        && [ -z "$(ls -A "$tmp/tiny" | grep -v -e '^dom\.xml$' -e '^filler$')" ]; then
        ok "real ENOSPC on a full tmpfs: $(cat "$tmp/err")"
    else
        not_ok "real ENOSPC: exit $rc: $(cat "$tmp/err")"
    fi
    umount "$tmp/tiny"
else
    echo "# tmpfs cannot be mounted here; real ENOSPC is covered by /dev/full and ulimit -f below"
fi

# A file-size limit: write() fails with EFBIG instead of killing the hook.
fresh_doc
inode=$(stat -c %i "$doc") mode=$(stat -c %a "$doc")
bash -c 'ulimit -f 1; exec "$@"' _ env numa=$spec _hook_domxml="$doc" "$hook" "${caps[@]}" > /dev/null 2> "$tmp/err"
outcome "ulimit -f 1 (EFBIG)" $? "$inode" "$mode"

# As root: the result keeps the owner, the group and the mode, set-group-ID bit included.
for owner_mode in "65534:65534 2640" "0:65534 0604" "65534:0 0600"; do
    cp "$fixtures/ovirt.xml" "$doc"
    chown "${owner_mode% *}" "$doc" 2> /dev/null
    chmod "${owner_mode#* }" "$doc"
    before=$(stat -c '%u:%g %a' "$doc") inode=$(stat -c %i "$doc")
    numa=$spec _hook_domxml="$doc" "$hook" "${caps[@]}" > /dev/null 2> "$tmp/err"
    rc=$?
    after=$(stat -c '%u:%g %a' "$doc")
    if [ "$rc" = 0 ] && cmp -s "$tmp/expected.xml" "$doc" && [ "$before" = "$after" ] && [ "$(stat -c %i "$doc")" != "$inode" ]; then
        ok "owner, group and mode kept: $after"
    else
        not_ok "owner, group and mode: exit $rc, $before -> $after: $(head -c 300 "$tmp/err")"
    fi
done

# Extended attributes and POSIX ACLs (setfacl/setfattr from the acl and
# attr packages; skipped where this filesystem has no ACLs): the result has
# the original's, no more and no fewer, and its mode; when one cannot be
# copied the hook refuses and the file is untouched.
xattrs_of() { getfattr --absolute-names -d -m - -e hex "$1" 2> /dev/null | grep -v '^# file:'; }
acl_dir=$tmp/acl
mkdir "$acl_dir"
if command -v setfacl > /dev/null && command -v getfattr > /dev/null && setfacl -m u:nobody:r "$acl_dir" 2> /dev/null; then
    setfacl -b "$acl_dir"
    acl_doc=$acl_dir/dom.xml
    # acl_fresh KIND: the issue's case (group::r-- under mask::rw-, shown as
    # mode 0664) with a user attribute; or "bare": a user attribute only, in a
    # directory whose default ACL a new file (the temporary) inherits.
    acl_fresh() {
        setfacl -b -k "$acl_dir"
        rm -f "$acl_doc"
        cp "$fixtures/ovirt.xml" "$acl_doc"
        chmod 0640 "$acl_doc"
        setfattr -n user.vdsm.test -v kept "$acl_doc"
        if [ "$1" = bare ]; then
            setfacl -d -m u:nobody:rwx,g::rwx,o::rx "$acl_dir"
        else
            setfacl -m u:nobody:r,g::r,m::rw,o::r "$acl_doc"
        fi
    }
    for kind in acl bare; do
        acl_fresh $kind
        before=$(xattrs_of "$acl_doc") mode=$(stat -c %a "$acl_doc")
        numa=$spec _hook_domxml="$acl_doc" "$hook" "${caps[@]}" > /dev/null 2> "$tmp/err"
        rc=$?
        after=$(xattrs_of "$acl_doc")
        if [ "$rc" = 0 ] && cmp -s "$tmp/expected.xml" "$acl_doc" && [ "$before" = "$after" ] && [ "$(stat -c %a "$acl_doc")" = "$mode" ] \
            && [ "$(ls -A "$acl_dir")" = dom.xml ]; then
            ok "xattrs ($kind): the result has the original's ACL, attributes and mode $mode: $(getfacl -cp "$acl_doc" 2> /dev/null | tr '\n' ' ')"
        else
            not_ok "xattrs ($kind): exit $rc, mode $mode -> $(stat -c %a "$acl_doc"), attributes [$before] -> [$after]: $(head -c 300 "$tmp/err")"
        fi
    done
    # The Nth call fails: refused, the file and its attributes untouched, no
    # temporary left; or, when it only read the temporary's own value (then
    # set anyway), the complete result.
    for row in "acl flistxattr EIO" "acl fgetxattr EIO" "acl fsetxattr ENOTSUP EPERM E2BIG" "bare fremovexattr EPERM EIO"; do
        read -r kind op errnos <<< "$row"
        for err in $errnos; do
            refused=0
            for at in $(seq 1 20); do
                acl_fresh $kind
                before=$(xattrs_of "$acl_doc") inode=$(stat -c %i "$acl_doc")
                rm -f "$tmp/hits"
                env FAULT_OP="$op" FAULT_AT="$at" FAULT_ERRNO="$err" FAULT_LOG="$tmp/hits" LD_PRELOAD="$shim" \
                    ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
                    numa=$spec _hook_domxml="$acl_doc" "$hook" "${caps[@]}" > /dev/null 2> "$tmp/err"
                rc=$?
                [ -f "$tmp/hits" ] || break
                if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^numa: ' "$tmp/err" && cmp -s "$fixtures/ovirt.xml" "$acl_doc" \
                    && [ "$(xattrs_of "$acl_doc")" = "$before" ] && [ "$(stat -c %i "$acl_doc")" = "$inode" ] && [ "$(ls -A "$acl_dir")" = dom.xml ]; then
                    refused=$((refused + 1))
                    ok "xattrs: $op #$at $err: refused cleanly: $(cat "$tmp/err")"
                elif [ "$rc" = 0 ] && cmp -s "$tmp/expected.xml" "$acl_doc" && [ "$(xattrs_of "$acl_doc")" = "$before" ] \
                    && [ "$(ls -A "$acl_dir")" = dom.xml ]; then
                    ok "xattrs: $op #$at $err: tolerated, complete result with the original's attributes"
                else
                    not_ok "xattrs: $op #$at $err: exit $rc, $(ls -A "$acl_dir" | tr '\n' ' '): $(head -c 300 "$tmp/err")"
                fi
            done
            [ "$refused" -gt 0 ] && ok "xattrs: $op $err: reported $refused time(s)" || not_ok "xattrs: $op $err: never reached or never reported"
        done
    done
    setfacl -b -k "$acl_dir"
else
    echo "# SKIP extended attributes: no setfacl/getfattr, or no ACLs on this filesystem"
fi
rm -rf "$acl_dir"

# A full disk under a dry run's standard output.
"$hook" "${caps[@]}" --numa "$spec" --domxml "$fixtures/ovirt.xml" --dry-run > /dev/full 2> "$tmp/err"
rc=$?
if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q 'cannot write to standard output: No space left on device' "$tmp/err"; then
    ok "--dry-run to /dev/full: $(cat "$tmp/err")"
else
    not_ok "--dry-run to /dev/full: exit $rc: $(cat "$tmp/err")"
fi

# Permission cases: root ignores permission bits, so run them as nobody.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null && id nobody > /dev/null 2>&1; then
    as_nobody=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
    # A copy nobody can reach: the build tree may sit in a directory only root can enter.
    cp "$hook" "$tmp/hook-for-nobody"
    chmod 0755 "$tmp/hook-for-nobody"
    hook_nobody=$tmp/hook-for-nobody
    cp "$fixtures/caps-2node.xml" "$tmp/caps.xml"
    chmod 0644 "$tmp/caps.xml"
    caps_nobody=(--capabilities "$tmp/caps.xml")
    cp "$fixtures/libvirt.xml" "$tmp/work/unreadable.xml"
    chmod 000 "$tmp/work/unreadable.xml"
    "${as_nobody[@]}" env numa=$spec _hook_domxml="$tmp/work/unreadable.xml" "$hook_nobody" "${caps_nobody[@]}" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "$rc" = 2 ] && grep -q 'Permission denied' "$tmp/err" && [ "$(wc -l < "$tmp/err")" = 1 ]; then
        ok "unreadable file (as nobody): $(cat "$tmp/err")"
    else
        not_ok "unreadable file: exit $rc: $(cat "$tmp/err")"
    fi
    rm -f "$tmp/work/unreadable.xml"

    mkdir "$tmp/ro"
    cp "$fixtures/libvirt.xml" "$tmp/ro/dom.xml"
    chown nobody:"$(id -g nobody)" "$tmp/ro/dom.xml"
    chmod 0555 "$tmp/ro"
    "${as_nobody[@]}" env numa=$spec _hook_domxml="$tmp/ro/dom.xml" "$hook_nobody" "${caps_nobody[@]}" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "$rc" = 2 ] && grep -q 'cannot create a temporary file' "$tmp/err" && cmp -s "$fixtures/libvirt.xml" "$tmp/ro/dom.xml" \
        && [ "$(ls -A "$tmp/ro")" = dom.xml ]; then
        ok "read-only directory (as nobody): $(cat "$tmp/err")"
    else
        not_ok "read-only directory: exit $rc: $(cat "$tmp/err")"
    fi
    chmod 0755 "$tmp/ro"

    # A directory nobody may write, holding files nobody could not replace
    # as they are: refused before anything changes (before, the rename went
    # through and the file became nobody's).
    mkdir "$tmp/nb"
    chown nobody "$tmp/nb"
    # name mode owner expected-message
    for row in "read-only file of its own|0444|nobody:$(id -g nobody)|is not writable by this user" \
        "root's 0644 file|0644|0:0|is not writable by this user" \
        "root's world-writable file|0666|0:0|belongs to uid 0" \
        "a file in a group nobody is not in|0664|nobody:0|which this user (uid $(id -u nobody)) is not in"; do
        IFS='|' read -r name fmode owner message <<< "$row"
        cp "$fixtures/libvirt.xml" "$tmp/nb/dom.xml"
        chown "$owner" "$tmp/nb/dom.xml"
        chmod "$fmode" "$tmp/nb/dom.xml"
        before=$(stat -c '%i %U:%G %a' "$tmp/nb/dom.xml")
        "${as_nobody[@]}" env numa=$spec _hook_domxml="$tmp/nb/dom.xml" "$hook_nobody" "${caps_nobody[@]}" > /dev/null 2> "$tmp/err"
        rc=$?
        after=$(stat -c '%i %U:%G %a' "$tmp/nb/dom.xml")
        if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -qF "$message" "$tmp/err" \
            && cmp -s "$fixtures/libvirt.xml" "$tmp/nb/dom.xml" && [ "$before" = "$after" ] && [ "$(ls -A "$tmp/nb")" = dom.xml ]; then
            ok "$name (as nobody): refused: $(cat "$tmp/err")"
        else
            not_ok "$name (as nobody): exit $rc, $before -> $after, $(ls -A "$tmp/nb" | tr '\n' ' '): $(head -c 300 "$tmp/err")"
        fi
        rm -f "$tmp/nb"/* "$tmp/nb"/.numa-*
    done
    # Its own file, in its own group: replaced, and still nobody's.
    cp "$fixtures/libvirt.xml" "$tmp/nb/dom.xml"
    chown nobody:"$(id -g nobody)" "$tmp/nb/dom.xml"
    chmod 0640 "$tmp/nb/dom.xml"
    before=$(stat -c '%U:%G %a' "$tmp/nb/dom.xml")
    "${as_nobody[@]}" env numa=$spec _hook_domxml="$tmp/nb/dom.xml" "$hook_nobody" "${caps_nobody[@]}" > /dev/null 2> "$tmp/err"
    rc=$?
    after=$(stat -c '%U:%G %a' "$tmp/nb/dom.xml")
    if [ "$rc" = 0 ] && grep -q "<numatune>" "$tmp/nb/dom.xml" && [ "$before" = "$after" ] && [ "$(ls -A "$tmp/nb")" = dom.xml ]; then
        ok "its own file (as nobody): replaced, still $after"
    else
        not_ok "its own file (as nobody): exit $rc, $before -> $after: $(head -c 300 "$tmp/err")"
    fi
    rm -rf "$tmp/nb"
else
    echo "# SKIP permission cases: they need root, setpriv and a 'nobody' user to drop to"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
