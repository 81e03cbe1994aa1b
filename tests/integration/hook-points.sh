#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The three hook points the one binary serves, each from its own directory
# of a hooks tree built here (like /usr/libexec/vdsm/hooks, relative
# symlinks as install makes them), and each through --hook-point:
#   before_vm_start                edits the domain XML
#   before_vm_migrate_destination  checks only; a <memnode> misfit warns
#   before_vm_dehibernate          checks only; everything must fit
# and the restore of a hibernated VM as VDSM runs it (vm.py): before_vm_start
# on Engine's fresh XML, then before_vm_dehibernate on the saved XML.
#
#   hook-points.sh HOOK VDSM_RUN FIXTURES
#
# Prints TAP.
set -u
hook=$(realpath "$1") vdsm_run=$(realpath "$2") fixtures=$(realpath "$3")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
points="before_vm_start before_vm_migrate_destination before_vm_dehibernate"

# The installed layout: the binary under before_vm_start/, relative
# symlinks to it from the other points (and from one it does not serve).
root=$tmp/root
mkdir -p "$root/before_vm_start" "$root/before_vm_migrate_destination" "$root/before_vm_dehibernate" \
    "$root/after_vm_cont"
ln -s "$hook" "$root/before_vm_start/50_numa"
for p in before_vm_migrate_destination before_vm_dehibernate after_vm_cont; do
    ln -s ../before_vm_start/50_numa "$root/$p/50_numa"
done

# For vdsm-run, which starts hooks without arguments as VDSM does: a tree
# whose 50_numa reads CAPS instead of this host. exec -a keeps argv[0] in
# the hook-point directory, as when VDSM runs the binary itself.
make_wrapped() { # make_wrapped CAPS
    rm -rf "$tmp/wrapped"
    mkdir -p "$tmp/wrapped/before_vm_start" "$tmp/wrapped/before_vm_migrate_destination" \
        "$tmp/wrapped/before_vm_dehibernate"
    printf '#!/bin/bash\nexec -a "$0" "%s" --capabilities "%s" "$@"\n' "$hook" "$fixtures/$1" \
        > "$tmp/wrapped/before_vm_start/50_numa"
    chmod +x "$tmp/wrapped/before_vm_start/50_numa"
    ln -s ../before_vm_start/50_numa "$tmp/wrapped/before_vm_migrate_destination/50_numa"
    ln -s ../before_vm_start/50_numa "$tmp/wrapped/before_vm_dehibernate/50_numa"
}

# What a run did to the file: content, inode, mtime (ns), mode.
fingerprint() { echo "$(sha256sum < "$1") $(stat -c '%i %y %a' "$1")"; }

# expect NAME RC STDERR-PART WARNINGS FILE-CHANGED, after a run that left
# rc in $rc, stderr in $tmp/err and the file at $tmp/dom.xml, whose
# fingerprint before was $before.
expect() {
    local name=$1 want_rc=$2 want_err=$3 want_warnings=$4 want_changed=$5 changed=no
    [ "$(fingerprint "$tmp/dom.xml")" = "$before" ] || changed=yes
    if [ "$rc" != "$want_rc" ]; then
        not_ok "$name: exit $rc, expected $want_rc: $(cat "$tmp/err")"
    elif ! grep -qF -- "$want_err" "$tmp/err"; then
        not_ok "$name: stderr lacks '$want_err': $(cat "$tmp/err")"
    elif [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" != 1 ]; then
        not_ok "$name: not exactly one line: $(cat "$tmp/err")"
    elif [ "$rc" = 0 ] && [ "$(grep -c '^numa: warning: ' "$tmp/err")" != "$want_warnings" ]; then
        not_ok "$name: expected $want_warnings warnings: $(cat "$tmp/err")"
    elif [ "$changed" != "$want_changed" ]; then
        not_ok "$name: file changed: $changed, expected $want_changed"
    else
        ok "$name: $(tail -n 1 "$tmp/err" | head -c 160)"
    fi
}

# The same input tells the three points apart: a VM from a 4-node host
# whose <memory> fits a 2-node host and one of whose <memnode>s does not.
# numa=strict:0 is set to tempt the check-only points into writing.
miss=$fixtures/incoming-memnode-miss.xml
want_rc_start=0 want_err_start="numa: set <memory mode='strict' nodeset='0'/> from 'strict:0'" warnings_start=0 changed_start=yes
want_rc_migrate=0 want_err_migrate="numa: warning: incoming <memnode cellid='1' mode='strict' nodeset='3'/>: node 3 does not exist on the host in $fixtures/caps-2node.xml (host nodes: 0-1); not refused" warnings_migrate=1 changed_migrate=no
want_rc_dehibernate=2 want_err_dehibernate="numa: saved <memnode cellid='1' mode='strict' nodeset='3'/>: node 3 does not exist on the host in $fixtures/caps-2node.xml (host nodes: 0-1)" warnings_dehibernate=0 changed_dehibernate=no
want() { # want POINT: sets w_rc w_err w_warn w_changed
    local short=${1#before_vm_}
    short=${short%_destination}
    eval "w_rc=\$want_rc_$short w_err=\$want_err_$short w_warn=\$warnings_$short w_changed=\$changed_$short"
}
# before_vm_start needs a domain without <numatune> to show an edit.
input_for() { [ "$1" = before_vm_start ] && echo "$fixtures/libvirt.xml" || echo "$miss"; }

for p in $points; do
    want "$p"
    cp "$(input_for "$p")" "$tmp/dom.xml"
    before=$(fingerprint "$tmp/dom.xml")
    numa=strict:0 _hook_domxml="$tmp/dom.xml" "$root/$p/50_numa" --capabilities "$fixtures/caps-2node.xml" 2> "$tmp/err"
    rc=$?
    expect "argv[0] in $p/" "$w_rc" "$w_err" "$w_warn" "$w_changed"
done

# --hook-point from outside any hooks tree, and against the directory.
for p in $points; do
    want "$p"
    cp "$(input_for "$p")" "$tmp/dom.xml"
    before=$(fingerprint "$tmp/dom.xml")
    numa=strict:0 "$hook" --hook-point "$p" --capabilities "$fixtures/caps-2node.xml" --domxml "$tmp/dom.xml" 2> "$tmp/err"
    rc=$?
    expect "--hook-point $p" "$w_rc" "$w_err" "$w_warn" "$w_changed"
done
for pair in before_vm_dehibernate:before_vm_migrate_destination before_vm_migrate_destination:before_vm_dehibernate \
    before_vm_dehibernate:before_vm_start; do
    dir=${pair%%:*} p=${pair#*:}
    want "$p"
    cp "$(input_for "$p")" "$tmp/dom.xml"
    before=$(fingerprint "$tmp/dom.xml")
    numa=strict:0 _hook_domxml="$tmp/dom.xml" "$root/$dir/50_numa" --hook-point "$p" \
        --capabilities "$fixtures/caps-2node.xml" 2> "$tmp/err"
    rc=$?
    expect "--hook-point $p wins over $dir/" "$w_rc" "$w_err" "$w_warn" "$w_changed"
done

# A hook point it does not serve: refused, the seven it does named.
cp "$miss" "$tmp/dom.xml"
before=$(fingerprint "$tmp/dom.xml")
numa=strict:0 _hook_domxml="$tmp/dom.xml" "$root/after_vm_cont/50_numa" 2> "$tmp/err"
rc=$?
expect "refuses to run from after_vm_cont/" 2 \
    "installed under hook point 'after_vm_cont', which this hook does not serve (before_vm_start, before_vm_migrate_destination, before_vm_dehibernate, after_vm_start, after_vm_migrate_destination, after_vm_dehibernate, after_vm_destroy)" 0 no
"$hook" --hook-point after_vm_cont --domxml "$tmp/dom.xml" 2> "$tmp/err"
rc=$?
expect "unknown --hook-point lists the seven" 2 \
    "unknown hook point 'after_vm_cont'; expected one of before_vm_start, before_vm_migrate_destination, before_vm_dehibernate, after_vm_start, after_vm_migrate_destination, after_vm_dehibernate, after_vm_destroy" 0 no

# The check-only points never write: not on success, not on refusal, not
# with the properties set; same bytes, inode and mtime.
for p in before_vm_migrate_destination before_vm_dehibernate; do
    for caps in caps-8node.xml caps-2node.xml; do
        cp "$fixtures/saved-8node.xml" "$tmp/dom.xml"
        before=$(fingerprint "$tmp/dom.xml")
        numa=strict:0 numa_memnode='0=strict:0 1=strict:1' _hook_domxml="$tmp/dom.xml" "$root/$p/50_numa" \
            --capabilities "$fixtures/$caps" 2> "$tmp/err"
        rc=$?
        after=$(fingerprint "$tmp/dom.xml")
        [ "$before" = "$after" ] && ok "$p on $caps (exit $rc) leaves bytes, inode and mtime alone" \
            || not_ok "$p on $caps touched the file: $before -> $after"
    done
done

# Restoring a hibernated VM as VDSM does (vm.py): before_vm_start on
# Engine's fresh XML, its output ignored, then before_vm_dehibernate on the
# saved XML with FROM_SNAPSHOT, its output ignored too. The saved XML was
# resolved on an 8-node host ('strict:^3' became 0-2,4-7).
restore() { # restore CAPS: runs both points as VDSM would; rc is the dehibernate exit code
    make_wrapped "$1"
    "$vdsm_run" "$tmp/wrapped/before_vm_start" "$fixtures/engine-start.xml" "$tmp/start-out.xml" \
        vmId=3b9f2c1e-7a4d-4e8b-9c6f-1d2e3f4a5b6c numa=strict:^3 'numa_memnode=0=strict:0 1=strict:1' \
        > /dev/null 2> "$tmp/start-err"
    start_rc=$?
    cp "$fixtures/saved-8node.xml" "$tmp/dom.xml"
    before=$(fingerprint "$tmp/dom.xml")
    "$vdsm_run" "$tmp/wrapped/before_vm_dehibernate" "$tmp/dom.xml" "$tmp/out.xml" FROM_SNAPSHOT=False \
        vmId=3b9f2c1e-7a4d-4e8b-9c6f-1d2e3f4a5b6c numa=strict:^3 'numa_memnode=0=strict:0 1=strict:1' \
        > /dev/null 2> "$tmp/err"
    rc=$?
}
restore caps-2node.xml
[ "$start_rc" = 0 ] && grep -qF "numa: set <memory mode='strict' nodeset='0-1'/>" "$tmp/start-err" \
    && ok "restore on a 2-node host: before_vm_start resolves 'strict:^3' on Engine's XML" \
    || not_ok "restore before_vm_start: exit $start_rc: $(cat "$tmp/start-err")"
expect "restore on a 2-node host: the 8-node saved XML is refused" 2 \
    "numa: saved <memory mode='strict' nodeset='0-2,4-7'/>: nodes 2,4-7 do not exist on the host in $fixtures/caps-2node.xml (host nodes: 0-1)" 0 no
cmp -s "$tmp/dom.xml" "$tmp/out.xml" && ok "refused restore: the saved XML read back unchanged" \
    || not_ok "refused restore: the saved XML changed"
restore caps-8node.xml
expect "restore on an 8-node host: the saved XML fits" 0 "numa: saved <numatune> fits the host in $fixtures/caps-8node.xml" 0 no
cmp -s "$tmp/dom.xml" "$tmp/out.xml" && ok "fitting restore: the saved XML read back unchanged" \
    || not_ok "fitting restore: the saved XML changed"
restore caps-4node.xml
expect "restore on a 4-node host: nodes 4-7 missing" 2 \
    "numa: saved <memory mode='strict' nodeset='0-2,4-7'/>: nodes 4-7 do not exist on the host in $fixtures/caps-4node.xml (host nodes: 0-3)" 0 no

# The saved <memnode>s are checked too: only the memnode misses here.
make_wrapped caps-2node.xml
cp "$miss" "$tmp/dom.xml"
before=$(fingerprint "$tmp/dom.xml")
"$vdsm_run" "$tmp/wrapped/before_vm_dehibernate" "$tmp/dom.xml" "$tmp/out.xml" FROM_SNAPSHOT=True > /dev/null 2> "$tmp/err"
rc=$?
expect "dehibernate: a saved <memnode> miss is an error" 2 "$want_err_dehibernate" 0 no

# No <numatune>: nothing to check, silent.
cp "$fixtures/libvirt.xml" "$tmp/dom.xml"
before=$(fingerprint "$tmp/dom.xml")
"$vdsm_run" "$tmp/wrapped/before_vm_dehibernate" "$tmp/dom.xml" "$tmp/out.xml" FROM_SNAPSHOT=False numa=strict:0 \
    > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && [ "$(fingerprint "$tmp/dom.xml")" = "$before" ]; then
    ok "dehibernate without <numatune>: exit 0, silent"
else
    not_ok "dehibernate without <numatune>: exit $rc: $(cat "$tmp/err")"
fi

# Automatic placement with <memnode>: libvirt (test driver, when virsh is
# here) and both check-only points agree on what is refused.
auto_xml() { # auto_xml VCPU-ATTRS NUMATUNE-CHILDREN
    printf "<domain type='test'><name>auto</name><memory unit='MiB'>1024</memory><vcpu%s>2</vcpu>" "$1"
    printf "<numatune>%s</numatune><os><type>hvm</type></os>" "$2"
    printf "<cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'/></numa></cpu></domain>\n"
}
for row in "refused| placement='auto'|<memnode cellid='0' mode='strict' nodeset='0'/>" \
    "refused||<memory mode='strict' placement='auto'/><memnode cellid='0' mode='strict' nodeset='0'/>" \
    "refused| placement='auto'|<memory mode='strict'/><memnode cellid='0' mode='strict' nodeset='0'/>" \
    "accepted| placement='auto'|<memory mode='strict' nodeset='0'/><memnode cellid='0' mode='strict' nodeset='0'/>"; do
    IFS='|' read -r verdict vcpu children <<< "$row"
    auto_xml "$vcpu" "$children" > "$tmp/dom.xml"
    before=$(fingerprint "$tmp/dom.xml")
    label="<vcpu$vcpu> $children"
    if command -v virsh > /dev/null; then
        virsh -q -c test:///default define "$tmp/dom.xml" > /dev/null 2> "$tmp/virsh-err"
        vrc=$?
        if [ "$verdict" = refused ]; then
            [ "$vrc" != 0 ] && grep -q "Per-node binding is not compatible with automatic NUMA placement" "$tmp/virsh-err" \
                && ok "libvirt refuses $label" || not_ok "libvirt: exit $vrc for $label: $(cat "$tmp/virsh-err")"
        else
            [ "$vrc" = 0 ] && ok "libvirt accepts $label" || not_ok "libvirt refuses $label: $(cat "$tmp/virsh-err")"
        fi
    fi
    for p in before_vm_migrate_destination before_vm_dehibernate; do
        "$root/$p/50_numa" --capabilities "$fixtures/caps-2node.xml" --domxml "$tmp/dom.xml" 2> "$tmp/err"
        rc=$?
        if [ "$verdict" = refused ]; then
            expect "$p refuses $label" 2 "per-node binding is not compatible with automatic NUMA placement" 0 no
        else
            expect "$p accepts $label" 0 "<numatune> fits the host in $fixtures/caps-2node.xml" 0 no
        fi
    done
done

# A restrictive <memory> beside <memnode>s: libvirt's test driver decides
# which mixes it refuses, and both check-only points must agree with it.
mix_xml() { # mix_xml MEMNODE-MODE
    printf "<domain type='test'><name>mix</name><memory unit='MiB'>1024</memory><vcpu>2</vcpu>"
    printf "<numatune><memory mode='restrictive' nodeset='0'/><memnode cellid='0' mode='%s' nodeset='0'/></numatune>" "$1"
    printf "<os><type>hvm</type></os><cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'/></numa></cpu></domain>\n"
}
if command -v virsh > /dev/null; then
    for mode in strict preferred interleave restrictive; do
        mix_xml "$mode" > "$tmp/dom.xml"
        before=$(fingerprint "$tmp/dom.xml")
        label="restrictive <memory> with one $mode <memnode>"
        if virsh -q -c test:///default define "$tmp/dom.xml" > /dev/null 2>&1; then want=0; else want=2; fi
        for p in before_vm_migrate_destination before_vm_dehibernate; do
            "$root/$p/50_numa" --capabilities "$fixtures/caps-2node.xml" --domxml "$tmp/dom.xml" 2> "$tmp/err"
            rc=$?
            if [ "$want" = 2 ]; then
                expect "$p refuses $label, as libvirt does" 2 "a restrictive <memory> needs every <memnode> restrictive" 0 no
            else
                expect "$p accepts $label, as libvirt does" 0 "<numatune> fits the host in $fixtures/caps-2node.xml" 0 no
            fi
        done
    done
else
    ok "# SKIP restrictive mixes: virsh (libvirt-clients) is not installed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
