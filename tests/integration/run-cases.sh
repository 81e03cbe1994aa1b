#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration cases: the built hook run the way VDSM runs it (vdsm-run), on
# fixture documents written for this project, against golden outputs.
#
#   run-cases.sh HOOK VDSM_RUN IS_INSERTION FIXTURES EXPECTED [--regen]
#
# --regen rewrites the golden files; review every change line by line.
# Prints TAP.
set -u
hook=$(realpath "$1") vdsm_run=$(realpath "$2") is_insertion=$(realpath "$3")
fixtures=$(realpath "$4") expected=$(realpath "$5") regen=${6:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
have_validate=false
command -v virt-xml-validate >/dev/null && have_validate=true

ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
check() { # check NAME COMMAND...: one TAP line for a command's success
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# A hooks directory as VDSM has it: ours at 50, and two markers around it
# that log their run, to see the order and where the chain stopped.
make_hooks() { # make_hooks DIR CAPS
    local dir=$1 caps=$2
    rm -rf "$dir"; mkdir -p "$dir"
    printf '#!/bin/sh\necho 10_first >> "%s/chain.log"\n' "$tmp" > "$dir/10_first"
    printf '#!/bin/sh\necho 90_last >> "%s/chain.log"\n' "$tmp" > "$dir/90_last"
    if [ "$caps" = - ]; then
        ln -s "$hook" "$dir/50_numa"
    else
        printf '#!/bin/sh\nexec "%s" --capabilities "%s" "$@"\n' "$hook" "$fixtures/$caps" > "$dir/50_numa"
    fi
    printf 'not executable, VDSM skips it\n' > "$dir/README"
    chmod +x "$dir/10_first" "$dir/90_last" "$dir/50_numa"
}

# name | fixture | capabilities (- for libnuma) | environment (NAME=VALUE;...) | exit | output (golden or same) | stderr contains [| warning lines]
cases=(
"ovirt-strict|ovirt.xml|caps-2node.xml|numa=strict:0|0|golden|set <memory mode='strict' nodeset='0'/> from 'strict:0'"
"ovirt-numaset|ovirt.xml|caps-2node.xml|numaset=strict:0|0|golden|from 'strict:0'"
"ovirt-both-equal|ovirt.xml|caps-2node.xml|numa=strict:0;numaset=strict:0|0|golden|from 'strict:0'"
"ovirt-both-differ|ovirt.xml|caps-2node.xml|numa=strict:0;numaset=strict:1|2|same|'numa' ('strict:0') and 'numaset' ('strict:1') differ"
"no-property|ovirt.xml|caps-2node.xml||0|same|"
"other-properties-only|ovirt.xml|caps-2node.xml|hugepages=1048576|0|same|"
"cputune-interleave-exclusion|ovirt-cputune.xml|caps-4node.xml|numa=interleave:^1|0|golden|nodeset='0,2-3'/> from 'interleave:^1'"
"libvirt-preferred|libvirt.xml|caps-4node.xml|numa=preferred:2|0|golden|mode='preferred' nodeset='2'"
"libvirt-this-host|libvirt.xml|-|numa=interleave:0|0|golden|nodeset='0'"
"crlf|crlf.xml|caps-2node.xml|numa=strict:0-1|0|golden|nodeset='0-1'"
"bom|bom.xml|caps-2node.xml|numa=strict:1|0|golden|nodeset='1'"
"comments|comments.xml|caps-2node.xml|numa=restrictive:0|0|golden|mode='restrictive'"
"memnode-only|memnode.xml|caps-2node.xml|numa=strict:0-1|0|golden|nodeset='0-1'"
"memnode-auto-refused|memnode.xml|caps-2node.xml|numa=strict:auto|2|same|placement 'auto' cannot go with the <memnode>"
"memnode-restrictive-refused|memnode.xml|caps-2node.xml|numa=restrictive:0|2|same|needs every <memnode> restrictive"
"one-line|oneline.xml|caps-2node.xml|numa=strict:0|0|golden|nodeset='0'"
"numatune-in-metadata-ignored|numatune-metadata.xml|caps-2node.xml|numa=interleave:0-1|0|golden|nodeset='0-1'"
"existing-same-noop|existing-numatune.xml|caps-2node.xml|numa=strict:0|0|same|already in the domain XML"
"existing-differs-refused|existing-numatune.xml|caps-2node.xml|numa=strict:1|2|same|already has <memory mode='strict' nodeset='0'/>"
"empty-numatune-filled|empty-numatune.xml|caps-2node.xml|numa=interleave:0-1|0|golden|nodeset='0-1'"
"two-numatune-refused|two-numatune.xml|caps-2node.xml|numa=strict:0|2|same|has 2 <numatune> elements"
"mode-alone-vcpu-auto|vcpu-auto.xml|caps-2node.xml|numa=interleave|0|golden|placement='auto'"
"mode-alone-needs-nodeset|libvirt.xml|caps-2node.xml|numa=interleave|2|same|a nodeset is needed"
"auto-placement|libvirt.xml|caps-2node.xml|numa=strict:auto|0|golden|<memory mode='strict' placement='auto'/>"
"eight-nodes-exclusion|ovirt.xml|caps-8node.xml|numa=strict:^3|0|golden|nodeset='0-2,4-7'/> from 'strict:^3'"
"eight-nodes-issue-example|libvirt.xml|caps-8node.xml|numa=strict:1-4,^3,6|0|golden|nodeset='1-2,4,6'"
"sparse-missing-node|libvirt.xml|caps-sparse.xml|numa=strict:1|2|same|node 1 does not exist on @HOST@ (host nodes: 0,2,5,9)"
"sparse-exclusion|libvirt.xml|caps-sparse.xml|numa=interleave:^2|0|golden|nodeset='0,5,9'"
"sparse-excluded-missing-fine|libvirt.xml|caps-sparse.xml|numa=strict:0,^1|0|golden|nodeset='0'"
"memoryless-strict-refused|libvirt.xml|caps-memoryless.xml|numa=strict:1|2|same|node 1 has no memory"
"memoryless-interleave-warns|libvirt.xml|caps-memoryless.xml|numa=interleave:0-1|0|golden|numa: warning: 'interleave:0-1': node 1 has no memory"
"memoryless-preferred-refused|libvirt.xml|caps-memoryless.xml|numa=preferred:3|2|same|node 3 has no memory (nodes with memory: 0,2)"
"memoryless-exclusion-base|libvirt.xml|caps-memoryless.xml|numa=strict:^0|0|golden|nodeset='2'"
"capacity-strict-refused|big-vm.xml|caps-small.xml|numa=strict:0|2|same|the VM's memory (4 GiB) is larger than all memory of node 0 (1 GiB)"
"capacity-interleave-warns|big-vm.xml|caps-small.xml|numa=interleave:0-1|0|golden|numa: warning:"
"preferred-two-nodes-refused|libvirt.xml|caps-4node.xml|numa=preferred:0-1|2|same|preferred takes exactly one node"
"lone-exclusion-four-nodes|libvirt.xml|caps-4node.xml|numa=strict:^3|0|golden|nodeset='0-2'"
"empty-result-refused|libvirt.xml|caps-4node.xml|numa=strict:0,^0|2|same|leaves no node"
"bad-value-refused|libvirt.xml|caps-4node.xml|numa=strict:1-x|2|same|numa: invalid value 'strict:1-x': expected a node number at position 10"
"uppercase-mode-refused|libvirt.xml|caps-4node.xml|numa=STRICT:1|2|same|unknown mode 'STRICT'"
"test-driver|test-driver.xml|caps-2node.xml|numa=strict:0-1|0|golden|nodeset='0-1'"
"memnode-cells|vnuma.xml|caps-2node.xml|numa_memnode=0=strict:0 1=interleave:0-1,^0|0|golden|<memnode cellid='0' mode='strict' nodeset='0'/> <memnode cellid='1' mode='interleave' nodeset='1'/>"
"memnode-with-numa|vnuma.xml|caps-4node.xml|numa=interleave:^3;numa_memnode=0=strict:0 1=strict:1|0|golden|<memory mode='interleave' nodeset='0-2'/> <memnode cellid='0'"
"memnode-beside-engine-memnodes|memnode.xml|caps-2node.xml|numa_memnode=0=strict:0|0|same|is already in the domain XML"
"memnode-conflicts-with-engine|memnode.xml|caps-2node.xml|numa_memnode=1=strict:0|2|same|already has <memnode cellid='1' mode='strict' nodeset='1'/>"
"memnode-unknown-cell|vnuma.xml|caps-2node.xml|numa_memnode=4=strict:0|2|same|the domain has no guest NUMA cell 4 (<cpu><numa><cell id=...>: 0-1)"
"memnode-cell-too-big|vnuma.xml|caps-small.xml|numa_memnode=0=strict:0|2|same|guest cell 0's memory (2 GiB) is larger than all memory of node 0 (1 GiB)"
"memnode-cell-interleave-warns|vnuma.xml|caps-small.xml|numa_memnode=0=interleave:0|0|golden|numa: warning: numa_memnode cell 0 'interleave:0': guest cell 0's memory"
"memnode-auto-refused|vnuma.xml|caps-2node.xml|numa_memnode=0=strict:auto|2|same|'auto' cannot bind a guest cell"
"memnode-with-numa-auto-refused|vnuma.xml|caps-2node.xml|numa=strict:auto;numa_memnode=0=strict:0|2|same|placement 'auto' cannot go with the <memnode> elements"
"memnode-restrictive-mix-refused|vnuma.xml|caps-2node.xml|numa=restrictive:0-1;numa_memnode=0=strict:0|2|same|needs every <memnode> restrictive, but cell 0 is 'strict'"
"memnode-missing-host-node|vnuma.xml|caps-sparse.xml|numa_memnode=0=strict:1|2|same|node 1 does not exist on @HOST@ (host nodes: 0,2,5,9)"
"memnode-bad-value|vnuma.xml|caps-2node.xml|numa_memnode=0=strict:0,,1|2|same|invalid numa_memnode value '0=strict:0,,1': expected a node number at position 12"
"memnode-test-driver|test-driver-vnuma.xml|caps-2node.xml|numa_memnode=0=strict:0 1=preferred:1|0|golden|<memnode cellid='1' mode='preferred' nodeset='1'/>"
"hugepages-strict-fits|hugepages.xml|caps-hugepages.xml|numa=strict:0|0|golden|numa: warning: huge pages were checked against the totals in the capabilities XML; free pages were not checked"
"hugepages-strict-short-refused|hugepages.xml|caps-hugepages.xml|numa=strict:1|2|same|numa: 'strict:1': needs 8 1 GiB pages on node 1, which has 3 in total (node 0 has 9); reserve them in /sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere"
"hugepages-exclusion-short-refused|hugepages.xml|caps-hugepages.xml|numa=strict:^0|2|same|numa: 'strict:^0': needs 8 1 GiB pages on node 1, which has 3 in total"
"hugepages-interleave-short-warns|hugepages.xml|caps-hugepages.xml|numa=interleave:1|0|golden|numa: warning: 'interleave:1': needs 8 1 GiB pages on node 1, which has 3 in total (node 0 has 9)"
"hugepages-vcpus-remote-warn|hugepages.xml|caps-hugepages.xml|numa=preferred:1|0|golden|numa: warning: vCPUs 0-3 run on node 0 but memory is bound to node 1: every access is remote"
"hugepages-emulator-remote-warns|hugepages.xml|caps-hugepages.xml|numa=preferred:1|0|golden|numa: warning: emulator threads run on node 0 but memory is bound to node 1: every access is remote"
"hugepages-size-missing-refused|hugepages.xml|caps-2node.xml|numa=strict:0|2|same|numa: domain XML asks for 1 GiB huge pages, which @HOST@ does not have (huge page sizes: none)"
"hugepages-vnuma-cells|hugepages-vnuma.xml|caps-hugepages.xml|numa_memnode=0=strict:0 1=strict:0|0|golden|numa: warning: guest cell 0's vCPUs 0-1 run on node 1 but its memory is bound to node 0: every access is remote"
"hugepages-vnuma-cell-short-refused|hugepages-vnuma.xml|caps-hugepages.xml|numa_memnode=0=strict:0 1=strict:1|2|same|numa: numa_memnode cell 1 'strict:1': needs 512 2 MiB pages on node 1, which has 0 in total (node 0 has 512)"
"hugepages-vnuma-big-page-short-refused|hugepages-vnuma.xml|caps-hugepages.xml|numa_memnode=0=strict:1 1=strict:0|2|same|numa: numa_memnode cell 0 'strict:1': needs 4 1 GiB pages on node 1, which has 3 in total (node 0 has 9)"
"fit-strict-pinned|fit-pinned.xml|caps-8node-fit.xml|numa=strict:fit|0|golden|numa: set <memory mode='strict' nodeset='2'/> from 'strict:fit': node 2 offers 32 GiB (most of the nodes that hold the pinned CPUs 8-11)"
"fit-totals-warning|fit-pinned.xml|caps-8node-fit.xml|numa=restrictive:fit|0|golden|numa: warning: 'restrictive:fit': the capabilities XML gives no free memory; fit chose by each node's total"
"fit-numaset|fit-pinned.xml|caps-8node-fit.xml|numaset=preferred:fit|0|golden|<memory mode='preferred' nodeset='2'/> from 'preferred:fit'"
"fit-interleave-pinned|fit-pinned.xml|caps-8node-fit.xml|numa=interleave:fit|0|golden|nodeset='2'/> from 'interleave:fit': interleaved over the nodes with memory that hold the pinned CPUs"
"fit-strict-nearest-set|fit-unpinned.xml|caps-8node-fit.xml|numa=strict:fit|0|golden|nodeset='4,7'/> from 'strict:fit': no node holds 150 GiB alone; nodes 4,7 offer 176 GiB together, the fewest nodes nearest to each other"
"fit-interleave-skips-memoryless|fit-unpinned.xml|caps-8node-fit.xml|numa=interleave:fit|0|golden|nodeset='0-5,7'/> from 'interleave:fit': interleaved over every node with memory in the fastest tier"
"fit-preferred-spills|fit-unpinned.xml|caps-8node-fit.xml|numa=preferred:fit|0|golden|numa: warning: 'preferred:fit': no node offers all of the VM's memory (150 GiB); preferred takes node 7, and the rest will spill over to other nodes|2"
"fit-refused|big-vm.xml|caps-small.xml|numa=strict:fit|2|same|numa: 'strict:fit': no node of @HOST@, nor any set of them, can hold the VM's memory (4 GiB); nodes offer: 0-1: 1 GiB each"
"fit-hugepages|fit-hugepages.xml|caps-8node-fit.xml|numa=strict:fit|0|golden|nodeset='4'/> from 'strict:fit': node 4 offers 4096 pages of 2 MiB (most of all nodes; those of the pinned CPUs 8-11 cannot hold it)|2"
"fit-memnode-every-cell-spread|fit-vnuma.xml|caps-8node-fit.xml|numa_memnode=strict:fit|0|golden|cell 0: node 7 offers 128 GiB (most of the nodes no earlier guest cell took); cell 1: node 1 offers 64 GiB"
"fit-memnode-pinned-cells|fit-vnuma-pinned.xml|caps-8node-fit.xml|numa_memnode=strict:fit|0|golden|<memnode cellid='0' mode='strict' nodeset='0'/> <memnode cellid='1' mode='strict' nodeset='5'/>"
"fit-memnode-one-cell|fit-vnuma.xml|caps-8node-fit.xml|numa_memnode=0=strict:3 1=strict:fit|0|golden|<memnode cellid='0' mode='strict' nodeset='3'/> <memnode cellid='1' mode='strict' nodeset='7'/>"
"fit-memnode-explicit-cell-taken|fit-vnuma.xml|caps-8node-fit.xml|numa_memnode=0=strict:7 1=strict:fit|0|golden|<memnode cellid='0' mode='strict' nodeset='7'/> <memnode cellid='1' mode='strict' nodeset='1'/> from numa_memnode '0=strict:7 1=strict:fit'; cell 1: node 1 offers 64 GiB (most of the nodes no earlier guest cell took)"
"fit-memnode-explicit-cell-memory-counts|fit-vnuma-big.xml|caps-8node-fit.xml|numa_memnode=0=strict:7 1=strict:fit|0|golden|<memnode cellid='0' mode='strict' nodeset='7'/> <memnode cellid='1' mode='strict' nodeset='1-3'/> from numa_memnode '0=strict:7 1=strict:fit'; cell 1: no node holds 100 GiB alone; nodes 1-3 offer 128 GiB together"
"fit-memnode-later-explicit-cell-counts|fit-vnuma-big.xml|caps-8node-fit.xml|numa_memnode=0=strict:fit 1=strict:7|0|golden|<memnode cellid='0' mode='strict' nodeset='1-3'/> <memnode cellid='1' mode='strict' nodeset='7'/>"
"fit-memnode-many-cells-reasons-cut-whole|fit-vnuma-six.xml|caps-8node-fit.xml|numa_memnode=strict:fit|0|golden|from numa_memnode 'strict:fit'; cell 0: node 7 offers 128 GiB (most of the nodes no earlier guest cell took); cell 1: node 1 offers 64 GiB (most of the nodes no earlier guest cell took); ..."
"fit-memnode-without-cells-refused|libvirt.xml|caps-8node-fit.xml|numa_memnode=strict:fit|2|same|numa: numa_memnode 'strict:fit': the domain has no guest NUMA cells (<cpu><numa><cell>)"
"fit-existing-same-noop|existing-numatune.xml|caps-2node.xml|numa=strict:fit|0|same|<memory mode='strict' nodeset='0'/> from 'strict:fit' is already in the domain XML"
"fit-existing-other-mode-refused|existing-numatune.xml|caps-2node.xml|numa=interleave:fit|2|same|already has <memory mode='strict' nodeset='0'/>"
"fit-existing-same-mode-too-big-refused|existing-numatune-big.xml|caps-2node.xml|numa=strict:fit|2|same|numa: 'strict:fit': domain XML already has <memory mode='strict' nodeset='0'/> in <numatune>, which differs from <memory mode='strict' nodeset='0-1'/>; not replacing it"
)

for row in "${cases[@]}"; do
    IFS='|' read -r name fixture caps envs want_rc want_out want_err want_warnings <<< "$row"
    env_list=()
    [ -n "$envs" ] && IFS=';' read -ra env_list <<< "$envs"
    make_hooks "$tmp/hooks" "$caps"
    rm -f "$tmp/chain.log"
    "$vdsm_run" "$tmp/hooks" "$fixtures/$fixture" "$tmp/out.xml" "${env_list[@]}" > "$tmp/runs" 2> "$tmp/err"
    rc=$?

    [ "$rc" = "$want_rc" ] && ok "$name: exit $rc" || not_ok "$name: exit $rc, expected $want_rc: $(cat "$tmp/err")"

    if [ -n "$want_err" ]; then
        want_err=${want_err//@HOST@/the host in $fixtures/$caps} # how messages name the host in CAPS
        check "$name: stderr says: $want_err" grep -qF -- "$want_err" "$tmp/err"
    fi
    check "$name: every stderr line is a numa: line" bash -c "! grep -qv '^numa: ' '$tmp/err'"
    if [ -n "$want_warnings" ]; then # one warning for each fact, never two for one
        check "$name: $want_warnings warning lines" test "$(grep -c '^numa: warning: ' "$tmp/err")" -eq "$want_warnings"
    fi

    if [ "$want_rc" = 2 ]; then
        check "$name: one stderr line" test "$(wc -l < "$tmp/err")" -eq 1
        check "$name: chain stopped after 50_numa" test "$(cat "$tmp/chain.log")" = 10_first
    else
        check "$name: chain ran in order" test "$(tr '\n' ' ' < "$tmp/chain.log")" = "10_first 90_last "
        check "$name: no error line" bash -c "! grep -v '^numa: warning: ' '$tmp/err' | grep -qv '^numa: \\(set\\|.* already in the domain XML\\)'"
    fi

    if [ "$want_out" = same ]; then
        check "$name: domain XML byte-identical" cmp -s "$fixtures/$fixture" "$tmp/out.xml"
        continue
    fi

    golden="$expected/$name.xml"
    if [ "$regen" = --regen ]; then
        cp "$tmp/out.xml" "$golden"
    fi
    check "$name: output matches $golden" cmp -s "$golden" "$tmp/out.xml"

    # The input's bytes with one block inserted, nothing else changed.
    check "$name: output is the input plus one insertion" "$is_insertion" "$fixtures/$fixture" "$tmp/out.xml"

    # VDSM also runs before_vm_start on a dehibernated VM's saved XML: a second run is a no-op.
    cp "$tmp/out.xml" "$tmp/again-in.xml"
    make_hooks "$tmp/hooks" "$caps"
    "$vdsm_run" "$tmp/hooks" "$tmp/again-in.xml" "$tmp/again.xml" "${env_list[@]}" > /dev/null 2> "$tmp/err2"
    check "$name: second run changes nothing" cmp -s "$tmp/out.xml" "$tmp/again.xml"

    # By hand: --dry-run prints the same result and leaves the file alone.
    cp "$fixtures/$fixture" "$tmp/by-hand.xml"
    if [ "$caps" = - ]; then caps_args=(); else caps_args=(--capabilities "$fixtures/$caps"); fi
    env "${env_list[@]}" "$hook" "${caps_args[@]}" --domxml "$tmp/by-hand.xml" --dry-run > "$tmp/dry.xml" 2>/dev/null
    check "$name: --dry-run prints the same XML" cmp -s "$tmp/out.xml" "$tmp/dry.xml"
    check "$name: --dry-run leaves the file alone" cmp -s "$fixtures/$fixture" "$tmp/by-hand.xml"

    if $have_validate && virt-xml-validate "$fixtures/$fixture" domain > /dev/null 2>&1; then
        check "$name: output passes virt-xml-validate" bash -c "virt-xml-validate '$tmp/out.xml' domain > /dev/null 2>&1"
    fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
