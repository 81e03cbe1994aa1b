#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The migration destination, through a hooks tree like
# /usr/libexec/vdsm/hooks: before_vm_start edits the domain XML, and
# before_vm_migrate_destination (a symlink to the same binary) only checks
# the incoming XML against this host and never writes it; there a <memory>
# that does not fit is an error, a <memnode> that does not fit a warning.
#
#   migration.sh HOOK VDSM_RUN FIXTURES EXPECTED BUILD_HOOKS_DIR
#
# Prints TAP.
set -u
hook=$(realpath "$1") vdsm_run=$(realpath "$2") fixtures=$(realpath "$3") expected=$(realpath "$4")
build_hooks=$(realpath "$5")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

# A hooks tree whose 50_numa reads CAPS instead of this host. exec -a keeps
# argv[0] in the hook-point directory, as when VDSM runs the binary itself.
make_tree() { # make_tree CAPS
    rm -rf "$tmp/hooks"
    mkdir -p "$tmp/hooks/before_vm_start" "$tmp/hooks/before_vm_migrate_destination" "$tmp/hooks/after_vm_pause"
    printf '#!/bin/bash\nexec -a "$0" "%s" --capabilities "%s" "$@"\n' "$hook" "$fixtures/$1" > "$tmp/hooks/before_vm_start/50_numa"
    chmod +x "$tmp/hooks/before_vm_start/50_numa"
    ln -s ../before_vm_start/50_numa "$tmp/hooks/before_vm_migrate_destination/50_numa"
    ln -s ../before_vm_start/50_numa "$tmp/hooks/after_vm_pause/50_numa"
}

# incoming NAME FILE CAPS RC STDERR-PART [WARNINGS]: a migration destination
# run on FILE; WARNINGS is how many "numa: warning:" lines (default 0).
incoming() {
    local name=$1 file=$2 caps=$3 want_rc=$4 want_err=$5 want_warnings=${6:-0}
    want_err=${want_err//@HOST@/the host in $fixtures/$caps} # how messages name the host in CAPS
    make_tree "$caps"
    "$vdsm_run" "$tmp/hooks/before_vm_migrate_destination" "$file" "$tmp/out.xml" numa=strict:0 numa_memnode=0=strict:0 \
        > /dev/null 2> "$tmp/err"
    local rc=$?
    if [ "$rc" != "$want_rc" ]; then
        not_ok "$name: exit $rc, expected $want_rc: $(cat "$tmp/err")"
    elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$tmp/err"; then
        not_ok "$name: stderr lacks '$want_err': $(cat "$tmp/err")"
    elif [ -z "$want_err" ] && [ -s "$tmp/err" ]; then
        not_ok "$name: expected silence, got: $(cat "$tmp/err")"
    elif [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" != 1 ]; then
        not_ok "$name: not exactly one line: $(cat "$tmp/err")"
    elif [ "$rc" = 0 ] && [ "$(grep -c '^numa: warning: ' "$tmp/err")" != "$want_warnings" ]; then
        not_ok "$name: expected $want_warnings warnings: $(cat "$tmp/err")"
    elif ! cmp -s "$file" "$tmp/out.xml"; then
        not_ok "$name: the incoming XML changed"
    else
        ok "$name${want_err:+: $(head -n 1 "$tmp/err" | head -c 200)}"
    fi
}

# From an 8-node source, 'strict:^3' arrived as nodeset='0-2,4-7'.
source_xml=$expected/eight-nodes-exclusion.xml
incoming "8-node source to a 4-node destination" "$source_xml" caps-4node.xml 2 \
    "numa: incoming <memory mode='strict' nodeset='0-2,4-7'/>: nodes 4-7 do not exist on @HOST@ (host nodes: 0-3)"
incoming "8-node source to an 8-node destination" "$source_xml" caps-8node.xml 0 "numa: incoming <numatune> fits @HOST@"
incoming "no <numatune>: silent" "$fixtures/libvirt.xml" caps-2node.xml 0 ""
incoming "placement auto passes" "$expected/auto-placement.xml" caps-2node.xml 0 "fits @HOST@"
incoming "memnodes checked against the destination" "$expected/memnode-with-numa.xml" caps-2node.xml 2 \
    "incoming <memory mode='interleave' nodeset='0-2'/>: node 2 does not exist on @HOST@ (host nodes: 0-1)"
incoming "memnodes that fit" "$expected/memnode-cells.xml" caps-2node.xml 0 "fits @HOST@"
# A <memnode> that does not fit only warns: VDSM rewrites <memnode> nodesets
# with Engine's numaNodesets for this host in the XML it gives libvirt.
incoming "a guest cell too big for the destination's node: a warning" "$expected/memnode-cells.xml" caps-small.xml 0 \
    "numa: warning: incoming <memnode cellid='0' mode='strict' nodeset='0'/>: guest cell 0's memory (2 GiB) is larger than all memory of node 0 (1 GiB); not refused" 2
incoming "only a <memnode> misses: exit 0 with one warning" "$fixtures/incoming-memnode-miss.xml" caps-2node.xml 0 \
    "numa: warning: incoming <memnode cellid='1' mode='strict' nodeset='3'/>: node 3 does not exist on @HOST@ (host nodes: 0-1); not refused" 1
incoming "a <memnode> miss beside a <memory> miss: the <memory> error" "$fixtures/saved-8node.xml" caps-4node.xml 2 \
    "numa: incoming <memory mode='strict' nodeset='0-2,4-7'/>: nodes 4-7 do not exist on @HOST@ (host nodes: 0-3)"
incoming "memoryless destination node" "$expected/bom.xml" caps-memoryless.xml 2 \
    "incoming <memory mode='strict' nodeset='1'/>: node 1 has no memory, and strict needs memory on every node"

# Huge pages: VDSM has prepared them by now; the incoming <memory> is held to the start's rule.
# One warning: a capabilities document has no free pages, so only totals were checked.
incoming "huge pages fit the destination" "$expected/hugepages-strict-fits.xml" caps-hugepages.xml 0 "fits @HOST@" 1
sed "s/nodeset=\"0\"/nodeset=\"1\"/" "$expected/hugepages-strict-fits.xml" > "$tmp/huge-node1.xml"
incoming "huge pages short on the destination" "$tmp/huge-node1.xml" caps-hugepages.xml 2 \
    "numa: incoming <memory mode='strict' nodeset='1'/>: needs 8 1 GiB pages on node 1, which has 3 in total (node 0 has 9)"
incoming "huge page size missing on the destination" "$expected/hugepages-strict-fits.xml" caps-2node.xml 2 \
    "numa: domain XML asks for 1 GiB huge pages, which @HOST@ does not have (huge page sizes: none)"
# A guest cell's shortfall warns (with the totals-only note and the fixture's remote vCPUs: 3 warnings).
sed "s/cellid=\"1\" mode=\"strict\" nodeset=\"0\"/cellid=\"1\" mode=\"strict\" nodeset=\"1\"/" \
    "$expected/hugepages-vnuma-cells.xml" > "$tmp/huge-cell1.xml"
incoming "a guest cell's huge page shortfall only warns at the destination" "$tmp/huge-cell1.xml" caps-hugepages.xml 0 \
    "nr_hugepages or bind elsewhere; not refused, as VDSM replaces <memnode> nodesets with Engine's choice for @HOST@" 3

# Never written, not even renamed onto itself: same inode and mtime.
make_tree caps-8node.xml
cp "$source_xml" "$tmp/incoming.xml"
before=$(stat -c '%i %Y %a' "$tmp/incoming.xml")
sleep 1
_hook_domxml="$tmp/incoming.xml" "$tmp/hooks/before_vm_migrate_destination/50_numa" 2> /dev/null
after=$(stat -c '%i %Y %a' "$tmp/incoming.xml")
[ "$before" = "$after" ] && ok "destination run leaves inode and mtime alone" || not_ok "destination run touched the file: $before -> $after"

# The real binary through the build tree's symlink, on this host (libnuma).
printf "<domain type='kvm'><name>x</name><memory unit='MiB'>1</memory><vcpu>1</vcpu><numatune><memory mode='strict' nodeset='%s'/></numatune></domain>" 4000 > "$tmp/far.xml"
_hook_domxml="$tmp/far.xml" "$build_hooks/before_vm_migrate_destination/50_numa" 2> "$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "node 4000 does not exist on this host" "$tmp/err" \
    && ok "build-tree symlink checks against this host: $(cat "$tmp/err")" || not_ok "build-tree symlink: exit $rc: $(cat "$tmp/err")"

# --hook-point overrides the directory, both ways.
cp "$source_xml" "$tmp/incoming.xml"
"$hook" --hook-point before_vm_migrate_destination --capabilities "$fixtures/caps-4node.xml" --domxml "$tmp/incoming.xml" 2> "$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "nodes 4-7 do not exist" "$tmp/err" && cmp -s "$source_xml" "$tmp/incoming.xml" \
    && ok "--hook-point before_vm_migrate_destination checks only" || not_ok "--hook-point migrate: exit $rc: $(cat "$tmp/err")"
cp "$fixtures/libvirt.xml" "$tmp/start.xml"
numa=strict:0 "$tmp/hooks/before_vm_migrate_destination/50_numa" --hook-point before_vm_start --domxml "$tmp/start.xml" 2> "$tmp/err"
rc=$?
[ "$rc" = 0 ] && grep -q "<numatune>" "$tmp/start.xml" && ok "--hook-point before_vm_start edits from any directory" \
    || not_ok "--hook-point start: exit $rc: $(cat "$tmp/err")"
"$hook" --hook-point after_vm_pause --domxml "$tmp/start.xml" 2> "$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "unknown hook point 'after_vm_pause'" "$tmp/err" && ok "unknown --hook-point refused" \
    || not_ok "unknown --hook-point: exit $rc: $(cat "$tmp/err")"

# Installed under a hook point it does not serve: refuse rather than guess.
cp "$fixtures/libvirt.xml" "$tmp/other.xml"
numa=strict:0 _hook_domxml="$tmp/other.xml" "$tmp/hooks/after_vm_pause/50_numa" 2> "$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "installed under hook point 'after_vm_pause'" "$tmp/err" && cmp -s "$fixtures/libvirt.xml" "$tmp/other.xml" \
    && ok "refuses to run from after_vm_pause/" || not_ok "after_vm_pause: exit $rc: $(cat "$tmp/err")"

# Restoring a hibernated VM (before_vm_dehibernate): tests/integration/hook-points.sh.

echo "1..$n"
[ "$failed" -eq 0 ]
