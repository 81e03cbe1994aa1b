# SPDX-License-Identifier: GPL-2.0-or-later
# The parts guest.sh runs (sourced there; see its header): part_NAME each.
# shellcheck shell=bash

sysnode=/sys/devices/system/node

# to_kib VALUE UNIT: a --topology figure ("332.4" "MiB") in KiB, rounded down
to_kib() {
    awk -v v="$1" -v u="$2" 'BEGIN { m["B"] = 1 / 1024; m["KiB"] = 1; m["MiB"] = 1024; m["GiB"] = 1048576
        if (!(u in m)) { print -1; exit } printf "%d\n", v * m[u] }'
}

part_topology() {
    local n rc line mem_v mem_u free_v free_u cpus hook_kib hook_free sys_kib sys_free nm_size nm_free tenth
    "$HOOK_EXE" --topology > "$W/topology" 2>&1
    rc=$?
    numactl --hardware > "$W/numactl" 2>&1
    note < "$W/topology"
    [ $rc -eq 0 ] && ok "--topology exits 0 on the guest's libnuma" || not_ok "--topology exits $rc"
    for d in "$sysnode"/node[0-9]*; do
        n=${d##*node}
        # "N  MEM UNIT  FREE UNIT  CPUS" in the node table, before "huge pages:"
        line=$(awk -v n="$n" '/^huge pages/ { exit } $1 == n && NF >= 4' "$W/topology")
        read -r _ mem_v mem_u free_v free_u cpus <<< "$line"
        [ "$free_v" = - ] && { cpus=$free_u; free_u=; }
        hook_kib=$(to_kib "$mem_v" "$mem_u")
        hook_free=$(to_kib "$free_v" "$free_u")
        sys_kib=$(awk '/MemTotal/ { print $4 }' "$d/meminfo")
        sys_free=$(awk '/MemFree/ { print $4 }' "$d/meminfo")
        nm_size=$(awk -v n="$n" '$1 == "node" && $2 == n && $3 == "size:" { print $4 }' "$W/numactl")
        nm_free=$(awk -v n="$n" '$1 == "node" && $2 == n && $3 == "free:" { print $4 }' "$W/numactl")
        # the hook prints one decimal, rounded down: sysfs lies within a tenth of the unit above it
        tenth=$(to_kib 0.1 "$mem_u")
        [ "$sys_kib" = 0 ] && tenth=0
        if [ -n "$line" ] && [ "$hook_kib" -ge 0 ] && [ "$sys_kib" -ge "$hook_kib" ] &&
            [ "$sys_kib" -le $((hook_kib + tenth + 1)) ] && [ $((hook_kib / 1024)) -eq "$nm_size" ]; then
            ok "node $n memory: --topology $mem_v $mem_u, sysfs MemTotal $sys_kib kB, numactl $nm_size MB"
        else
            not_ok "node $n memory: --topology '$mem_v $mem_u', sysfs MemTotal $sys_kib kB, numactl $nm_size MB"
        fi
        # free memory moves between the reads: within 16 MiB
        if [ -n "$line" ] && [ "$hook_free" -ge 0 ] && [ $((hook_free / 1024 - nm_free)) -le 16 ] &&
            [ $((nm_free - hook_free / 1024)) -le 16 ]; then
            ok "node $n free: --topology $free_v $free_u, sysfs MemFree $sys_free kB, numactl $nm_free MB"
        else
            not_ok "node $n free: --topology '$free_v $free_u', sysfs MemFree $sys_free kB, numactl $nm_free MB"
        fi
        local want_cpus nm_cpus
        want_cpus=$(cat "$d/cpulist")
        nm_cpus=$(awk -v n="$n" '$1 == "node" && $2 == n && $3 == "cpus:" { $1 = $2 = $3 = ""; print }' "$W/numactl" | xargs)
        # no CPUs: "-"
        if [ -n "$line" ] && [ "${cpus:--}" = "${want_cpus:--}" ]; then
            ok "node $n CPUs: --topology '${cpus}', sysfs cpulist '$want_cpus', numactl '$nm_cpus'"
        else
            not_ok "node $n CPUs: --topology '${cpus}', sysfs cpulist '$want_cpus', numactl '$nm_cpus'"
        fi
        # huge pages: the "node  2 MiB" table, "N  total/free"
        local pages want_pages
        pages=$(awk -v n="$n" '/^huge pages/ { t = 1; next } /^node distances/ { exit } t && $1 == n { print $2 }' "$W/topology")
        want_pages="$(cat "$d/hugepages/hugepages-2048kB/nr_hugepages")/$(cat "$d/hugepages/hugepages-2048kB/free_hugepages")"
        if [ "$pages" = "$want_pages" ]; then
            ok "node $n 2 MiB pages: --topology $pages, sysfs $want_pages (total/free)"
        else
            not_ok "node $n 2 MiB pages: --topology '$pages', sysfs $want_pages (total/free)"
        fi
    done
    local nodes_hook nodes_sys
    nodes_hook=$(awk '/^huge pages/ { exit } $1 ~ /^[0-9]+$/ { print $1 }' "$W/topology" | xargs)
    nodes_sys=$(cd "$sysnode" && ls -d node[0-9]* | sed 's/node//' | sort -n | xargs)
    [ "$nodes_hook" = "$nodes_sys" ] && ok "--topology lists nodes $nodes_hook, as sysfs" ||
        not_ok "--topology lists nodes '$nodes_hook', sysfs $nodes_sys"
    topology_distances
    topology_tiers
}

# the distance matrix: --topology's rows are numactl --hardware's ("0: 10 20 ...", blanks squeezed)
topology_distances() {
    local hook_d nm_d
    hook_d=$(awk '/^node distances:/ { t = 1; next } /^memory tiers/ { t = 0 } t && $1 ~ /^[0-9]+:$/ { $1 = $1; print }' "$W/topology")
    nm_d=$(awk '/^node distances:/ { t = 1; next } t && $1 ~ /^[0-9]+:$/ { $1 = $1; print }' "$W/numactl")
    if [ -n "$hook_d" ] && [ "$hook_d" = "$nm_d" ]; then
        ok "--topology's distances are numactl's: $(tr '\n' ' ' <<< "$hook_d")"
    else
        not_ok "--topology's distances '$(tr '\n' ' ' <<< "$hook_d")', numactl's '$(tr '\n' ' ' <<< "$nm_d")'"
    fi
}

# each node's row of the tier table: its memory_tierN (or -), and access0's read latency and bandwidth
# (- where sysfs has none, or 0: a node with CPUs but no memory is its own initiator with nothing to read)
topology_tiers() {
    local d n t tier lat bw want got tiers=/sys/devices/virtual/memory_tiering
    if [ ! -d $tiers ] && [ ! -e "$sysnode/node0/access0" ]; then
        grep -qx 'memory tiers: one (this kernel has no /sys/devices/virtual/memory_tiering)' "$W/topology" &&
            ok "no memory tiers on $(uname -r): --topology says one" ||
            not_ok "no memory tiers on $(uname -r), but --topology: $(grep '^memory tiers' "$W/topology")"
        return
    fi
    for d in "$sysnode"/node[0-9]*; do
        n=${d##*node} tier=-
        for t in "$tiers"/memory_tier*; do
            [ -f "$t/nodelist" ] && nodes_json "$(cat "$t/nodelist")" | tr , '\n' | grep -qx "$n" && tier=${t##*memory_tier}
        done
        lat=$(cat "$d/access0/initiators/read_latency" 2> /dev/null)
        bw=$(cat "$d/access0/initiators/read_bandwidth" 2> /dev/null)
        [ "$lat" = 0 ] && lat=
        [ "$bw" = 0 ] && bw=
        lat=${lat:+$lat ns} bw=${bw:+$bw MB/s}
        want=$(printf '%-6s %-6s %-14s %s' "$n" "$tier" "${lat:--}" "${bw:--}")
        got=$(awk -v n="$n" '/^memory tiers/ { t = 1; next } t && $1 == n' "$W/topology")
        if [ "$got" = "$want" ]; then
            ok "node $n's tier row: '$got'"
        else
            not_ok "node $n's tier row: '$got', sysfs gives '$want'"
        fi
    done
}

# with_numatune FILE XML: FILE's domain with XML before </domain>
with_numatune() {
    sed -i "s|</domain>|  <numatune>$2</numatune>\n</domain>|" "$1"
}

# check_point NAME POINT CELLS XML RC REGEX: the hook at a check-only point on
# a domain carrying <numatune>XML</numatune>: exit RC, stderr matching REGEX,
# the file unchanged
check_point() {
    local name=$1 point=$2 cells=$3 xml=$4 want_rc=$5 re=$6 f=$W/check.xml
    domain "$f" 32 "$cells" - -
    with_numatune "$f" "$xml"
    cp "$f" "$f.orig"
    run_hook "$point" "$f" numa=strict:0 FROM_SNAPSHOT=False
    echo "$ERR" | note
    if [ "$RC" = "$want_rc" ] && grep -Eq "$re" <<< "$ERR" && cmp -s "$f" "$f.orig"; then
        ok "$point: $name: exit $RC, file unchanged"
    else
        not_ok "$point: $name: exit $RC (want $want_rc), stderr /$re/, file $(cmp -s "$f" "$f.orig" && echo unchanged || echo CHANGED)"
    fi
}

part_checks() {
    local mig=before_vm_migrate_destination deh=before_vm_dehibernate
    check_point "a source's 0-2,4-7" $mig - "<memory mode='strict' nodeset='0-2,4-7'/>" 2 'not exist'
    check_point "0-1,3 fits" $mig - "<memory mode='strict' nodeset='0-1,3'/>" 0 '^$|fits'
    check_point "strict on the memoryless node" $mig - "<memory mode='strict' nodeset='2'/>" 2 'no memory'
    check_point "a <memnode> on the memoryless node warns" $mig 16+16 \
        "<memory mode='strict' nodeset='0-1'/><memnode cellid='0' mode='strict' nodeset='2'/>" 0 'warning.*no memory'
    check_point "a <memnode> on the memoryless node" $deh 16+16 \
        "<memnode cellid='0' mode='strict' nodeset='2'/>" 2 'no memory'
    check_point "<memnode>s on the CPU-less node and node 1 fit" $deh 16+16 \
        "<memnode cellid='0' mode='strict' nodeset='3'/><memnode cellid='1' mode='interleave' nodeset='1,3'/>" 0 'fits'
}

# nodes_json NODES: libvirt's "0-1,3" as QEMU's host-nodes list "0,1,3"
nodes_json() {
    tr , '\n' <<< "$1" | awk -F- '{ for (i = $1; i <= ($2 == "" ? $1 : $2); i++) s = s (s == "" ? "" : ",") i } END { print s }'
}

# written_binding FILE: the hook's <numatune> in FILE as "mem=MODE:NODES CELL=MODE:NODES..."
written_binding() {
    {
        grep -o "<memory mode='[a-z]*' nodeset='[^']*'" "$1" | sed "s/<memory mode='\([a-z]*\)' nodeset='\([^']*\)'/mem=\1:\2/"
        grep -o "<memnode cellid='[0-9]*' mode='[a-z]*' nodeset='[^']*'" "$1" |
            sed "s/<memnode cellid='\([0-9]*\)' mode='\([a-z]*\)' nodeset='\([^']*\)'/\1=\2:\3/" | sort -n
    } | xargs
}

# qemu_judge MIB CELLS PAGES BINDING: QEMU allocates the guest RAM as libvirt
# would lay it out (one backend per guest cell, else one), bound as BINDING
# says; sets QRC and QERR
qemu_judge() {
    local mib=$1 cells=$2 pages=$3 binding=$4 sizes i s b mode nodes obj policy objs=()
    sizes=$mib
    [ "$cells" != - ] && sizes=${cells//+/ }
    i=0
    for s in $sizes; do
        # this cell's <memnode>, else <memory>
        b=$(tr ' ' '\n' <<< "$binding" | sed -n "s/^$i=//p")
        [ -z "$b" ] && b=$(tr ' ' '\n' <<< "$binding" | sed -n 's/^mem=//p')
        if [ "$pages" = 2M ]; then
            obj="{\"qom-type\":\"memory-backend-file\",\"id\":\"ram-node$i\",\"mem-path\":\"/dev/hugepages\",\"prealloc\":true"
        else
            obj="{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node$i\""
        fi
        obj+=",\"size\":$((s * 1048576))"
        mode=${b%%:*} nodes=${b#*:}
        case $mode in
        strict) policy=bind ;;
        preferred | interleave) policy=$mode ;;
        *) policy='' ;; # restrictive or unbound: no policy (libvirt uses cpuset.mems)
        esac
        [ -n "$policy" ] && obj+=",\"host-nodes\":[$(nodes_json "$nodes")],\"policy\":\"$policy\""
        objs+=(-object "$obj}")
        i=$((i + 1))
    done
    printf '%s\n' "${objs[@]}" | grep -v '^-object$' | note
    printf '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n' |
        timeout 300 qemu-system-x86_64 -machine none -nodefaults -display none -qmp stdio "${objs[@]}" \
            > "$W/qemu.out" 2> "$W/qemu.err"
    QRC=$?
    QERR=$(cat "$W/qemu.err")
}

# set_pools POOLS: each N=PAGES of POOLS (a row's pools field, "3=4" or
# "0=4 1=10") becomes node N's pool of 2 MiB pages, as an admin resizes it
# through sysfs. Every field is checked before any pool changes. POOLS_OLD
# gets the sizes before any write (a node named twice is restored to the
# size it had), for restore_pools, so a failed write is restored too. Returns 1, with the reason in POOLS_WHY,
# when a field is malformed or the kernel gave other than asked: every
# page of a pool is free here, nothing holds them.
set_pools() {
    local p
    POOLS_OLD='' POOLS_WHY=''
    for p in $1; do
        [[ $p =~ ^[0-9]+=[0-9]+$ ]] && [ -e "$(hp "${p%%=*}" nr_hugepages)" ] || POOLS_WHY+=" no pool '$p';"
    done
    [ -z "$POOLS_WHY" ] || return 1
    for p in $1; do
        POOLS_OLD="${p%%=*}=$(cat "$(hp "${p%%=*}" nr_hugepages)") $POOLS_OLD"
    done
    write_pools "$1" ' after asking for'
}

# restore_pools POOLS_OLD: the sizes set_pools found, back; returns 1 with
# the reason in POOLS_WHY when the kernel gives other than they were
restore_pools() {
    POOLS_WHY=''
    write_pools "$1" ', had'
}

# write_pools "N=PAGES ..." WORDS: sizes each node's pool and reads it back;
# returns 1 with "node N has GOT 2 MiB pages (FREE free)WORDS PAGES;" for
# each that differs appended to POOLS_WHY
write_pools() {
    local p n want got free
    for p in $1; do
        n=${p%%=*} want=${p#*=}
        echo "$want" > "$(hp "$n" nr_hugepages)"
        got=$(cat "$(hp "$n" nr_hugepages)") free=$(cat "$(hp "$n" free_hugepages)")
        [ "$got" = "$want" ] && [ "$free" = "$want" ] ||
            POOLS_WHY+=" node $n has $got 2 MiB pages ($free free)$2 $want;"
    done
    [ -z "$POOLS_WHY" ]
}

# the pools as --topology and sysfs see them now, for the log: "0:16/16 1:8/8 ..." (total/free)
pools_now() {
    local d n s=''
    for d in "$sysnode"/node[0-9]*; do
        n=${d##*node}
        s+="$n:$(cat "$(hp "$n" nr_hugepages)")/$(cat "$(hp "$n" free_hugepages)") "
    done
    echo "${s% }"
}

# one_case ROW: one row of CASES (see its header). A row with pools sets
# them first and restores them after, whatever the verdicts; a pool the
# kernel does not give as asked fails the row without running it, one it
# does not restore fails the row too (and the rows after it will show it).
one_case() {
    local name mib cells pages cpuset numa memnode verdict binding hre qre pools why='' hv='' qv='' on='' fields
    IFS=';' read -r name mib cells pages cpuset numa memnode verdict binding hre qre pools <<< "$1"
    for v in name mib cells pages cpuset numa memnode verdict binding hre qre pools; do
        printf -v "$v" '%s' "$(sed 's/^ *//; s/ *$//' <<< "${!v}")"
    done
    # a ';' in a regex would shift the fields after it (write '.' for it):
    # 11 fields, or 12 whose last names pools
    fields=$(($(tr -cd ';' <<< "$1" | wc -c) + 1))
    [ "$fields" = 11 ] || { [ "$fields" = 12 ] && [[ $pools =~ = ]]; } ||
        why+=" $fields fields, want 11, or 12 ending in pools (a ';' in a regex?);"
    # the optional last field: rows without it keep the boot's pools
    [ -z "$pools" ] && pools=-
    if [ -z "$why" ] && [ "$pools" != - ]; then
        on=" on pools $pools"
        set_pools "$pools" || why+=" pools '$pools' not set:$POOLS_WHY"
        echo "# pools $pools: now $(pools_now) (total/free 2 MiB pages per node)"
    fi
    [ -z "$why" ] && case_verdicts
    if [ "$pools" != - ]; then
        restore_pools "$POOLS_OLD" || why+=" pools not restored:$POOLS_WHY"
        echo "# pools restored: $(pools_now)"
    fi
    if [ -z "$why" ]; then
        ok "$name: hook $hv, QEMU $qv$on"
    else
        not_ok "$name:$why"
    fi
}

# case_verdicts: the hook's and QEMU's verdicts on one_case's row (its
# locals name...pools), the reasons they are not the row's added to its
# why; sets its hv and qv
case_verdicts() {
    local f=$W/case.xml args=() got
    domain "$f" "$mib" "$cells" "$pages" "$cpuset"
    cp "$f" "$f.orig"
    [ "$numa" != - ] && args+=("numa=$numa")
    [ "$memnode" != - ] && args+=("numa_memnode=$memnode")
    run_hook before_vm_start "$f" "${args[@]}"
    case $RC in 0) hv=accept ;; 2) hv=refuse ;; *) hv="exit $RC" ;; esac
    [ "$hv" = "$verdict" ] || why+=" hook: $hv, want $verdict;"
    if [ "$hv" = accept ]; then
        got=$(written_binding "$f")
        [ "$got" = "$binding" ] || why+=" wrote '$got', want '$binding';"
    else
        got=$binding # forced past the hook
        cmp -s "$f" "$f.orig" || why+=" refused but changed the file;"
        [ "$(wc -l <<< "$ERR")" = 1 ] || why+=" refused with $(wc -l <<< "$ERR") lines;"
    fi
    if [ "$hre" = '!' ]; then
        grep -q warning <<< "$ERR" && why+=" unexpected warning;"
    elif ! grep -Eq "$hre" <<< "$ERR"; then
        why+=" stderr does not match /$hre/;"
    fi
    qemu_judge "$mib" "$cells" "$pages" "$got"
    qv=accept
    [ "$QRC" = 0 ] || qv=refuse
    [ "$qv" = "$verdict" ] || why+=" QEMU: $qv, want $verdict;"
    [ "$qre" = - ] || [ "$qv" = accept ] || grep -Eq "$qre" <<< "$QERR" || why+=" QEMU's stderr does not match /$qre/;"
    echo "$ERR" | sed 's/^/hook: /' | note
    [ -n "$QERR" ] && echo "$QERR" | sed 's/^/qemu: /' | note
    verdict_line "$got"
}

# verdict_line BINDING: case_verdicts' row of the verdict table, to the log and W/verdicts
verdict_line() {
    local req=() mem="$mib MiB" reason
    [ "$numa" != - ] && req+=("numa=$numa")
    [ "$memnode" != - ] && req+=("numa_memnode='$memnode'")
    [ "$cells" != - ] && mem="$cells MiB"
    [ "$pages" = 2M ] && mem+=" 2M"
    [ "$pools" != - ] && mem+=" pools $pools"
    # QEMU's reason: its last line, without the program and option prefix
    reason=$(tail -1 <<< "$QERR" | sed 's/^qemu-system-x86_64: //; s/^-object {[^}]*}: //')
    printf '%-21s %-13s %-44s hook %-6s qemu %-6s %s\n' "$name" "$mem" "${req[*]}" "$hv" "$qv" \
        "$1${reason:+ ($reason)}" | tee -a "$W/verdicts" | note
}

part_cases() {
    local row t0 t1
    while IFS= read -r row; do
        case $row in '#'* | '') continue ;; esac
        t0=$(date +%s)
        one_case "$row"
        t1=$(date +%s)
        echo "# ($((t1 - t0)) s)"
    done < "$CASES"
    echo "# the verdict table (the hook's and QEMU's; the binding QEMU got, and why it refused):"
    sed 's/^/#   /' "$W/verdicts"
}

# claim_domain FILE UUID MIB: a VM of MIB in 2 MiB pages with a <uuid>, which claims are kept by
claim_domain() {
    domain "$1" "$3" - 2M -
    sed -i "s|<name>multinode</name>|&<uuid>$2</uuid>|" "$1"
}

# Claims on the real pools (node 0: 16 free 2 MiB pages, node 1: 8, node 3: 24): of two VMs of 16
# pages on node 3 the second is refused naming the first's claim until after_vm_start removes it;
# strict:0-1 spreads its claim in node order.
part_claims() {
    local ua=3b9f2c1e-7a4d-4e8b-9c6f-1d2e3f4a5b6c ub=5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f
    local uc=7f8e9d0c-2b3a-4c5d-9e8f-1a2b3c4d5e6f run=/run/vdsm-hook-numa
    rm -f "$run/claims"
    claim_domain "$W/a.xml" "$ua" 32
    claim_domain "$W/b.xml" "$ub" 32
    run_hook before_vm_start "$W/a.xml" numa=strict:3
    if [ "$RC" = 0 ] && grep -q "^$ua [0-9]* 3:2048:16\$" "$run/claims"; then
        ok "claims: the first VM of 16 pages on node 3 is admitted and claims them"
    else
        not_ok "claims: first VM: exit $RC, $ERR; ledger: $(cat "$run/claims" 2> /dev/null)"
    fi
    run_hook before_vm_start "$W/b.xml" numa=strict:3
    if [ "$RC" = 2 ] && grep -q "which has 24, of which 16 are claimed by a VM starting now (uuid $ua)" <<< "$ERR"; then
        ok "claims: the second is refused, naming the first's claim"
    else
        not_ok "claims: second VM: exit $RC, $ERR"
    fi
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin _hook_domxml="$W/a.xml" "$HOOK_EXE" --hook-point after_vm_start
    run_hook before_vm_start "$W/b.xml" numa=strict:3
    if [ "$RC" = 0 ] && ! grep -q "^$ua " "$run/claims"; then
        ok "claims: after_vm_start removed the first claim; the second VM is admitted"
    else
        not_ok "claims: after after_vm_start: exit $RC, $ERR; ledger: $(cat "$run/claims")"
    fi
    claim_domain "$W/c.xml" "$uc" 40
    run_hook before_vm_start "$W/c.xml" numa=strict:0-1
    if [ "$RC" = 0 ] && grep -q "^$uc [0-9]* 0:2048:16 1:2048:4\$" "$run/claims"; then
        ok "claims: 20 pages on nodes 0-1 claim node 0's 16, then 4 of node 1's"
    else
        not_ok "claims: spread: exit $RC, $ERR; ledger: $(cat "$run/claims")"
    fi
    rm -f "$run/claims"
}

part_tiers() {
    local t d n tier=() a
    if [ ! -d /sys/devices/virtual/memory_tiering ]; then
        not_ok "no /sys/devices/virtual/memory_tiering on $(uname -r)"
        return
    fi
    echo "# the kernel on HMAT and tiers:"
    dmesg | grep -iE 'hmat|memory.tier|srat' | note
    ls /sys/firmware/acpi/tables | xargs | note
    echo "# memory tiers on $(uname -r):"
    for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
        echo "#   ${t##*/}: nodes $(cat "$t/nodelist")"
        for n in $(nodes_json "$(cat "$t/nodelist")" | tr , ' '); do
            tier[$n]=${t##*memory_tier}
        done
    done
    for d in "$sysnode"/node[0-9]*; do
        a=$d/access0/initiators
        [ -d "$a" ] || continue
        echo "#   ${d##*/} access0: initiators $(cd "$a" && ls -d node* 2> /dev/null | xargs)," \
            "read/write latency $(cat "$a/read_latency")/$(cat "$a/write_latency") ns," \
            "read/write bandwidth $(cat "$a/read_bandwidth")/$(cat "$a/write_bandwidth") MB/s"
    done
    if [ -n "${tier[0]}" ] && [ "${tier[0]}" = "${tier[1]}" ] && [ -n "${tier[3]}" ] && [ "${tier[3]}" -gt "${tier[0]}" ]; then
        ok "node 3 (no CPU, 4x latency) is in memory_tier${tier[3]}, below nodes 0-1's memory_tier${tier[0]}"
    else
        not_ok "tiers: node 0 '${tier[0]}', node 1 '${tier[1]}', node 3 '${tier[3]}'; want node 3 in a higher-numbered tier"
    fi
    tier_warning "${tier[3]}" "${tier[0]}"
    # fit on the tiered kernel: 16 pages, which node 0 (DRAM, 16 free) holds and node 3 (slow, 24 free)
    # offers more of; fit takes the fastest tier, and QEMU's preallocation there succeeds
    one_case "fit-not-slow-tier ; 32; - ; 2M ; - ; strict:fit ; - ; accept ; mem=strict:0 ; from 'strict:fit': node 0 offers 16 pages of 2 MiB ; -"
    # the same 16 pages with nodes 0-1 at 10 each: only the two DRAM nodes together hold them, and fit
    # takes them rather than node 3 alone, without a tier warning
    one_case "fit-dram-set-not-slow ; 32; - ; 2M ; - ; strict:fit ; - ; accept ; mem=strict:0-1 ; ! ; - ; 0=10 1=10"
    # with nodes 0-1 at 4 each (8 pages together) the fastest tier cannot hold them: fit takes node 3,
    # in the slow tier, says so, and QEMU's preallocation there succeeds
    one_case "fit-slow-tier-forced ; 32; - ; 2M ; - ; strict:fit ; - ; accept ; mem=strict:3 ; fastest memory tier ; - ; 0=4 1=4"
    if [ "$(cat "$sysnode/node3/access0/initiators/read_latency" 2> /dev/null)" -gt \
        "$(cat "$sysnode/node0/access0/initiators/read_latency" 2> /dev/null)" ] 2> /dev/null &&
        [ -e "$sysnode/node3/access0/initiators/node0" ]; then
        ok "node 3's HMAT access0: initiator node 0, a higher read latency than node 0's"
    else
        not_ok "node 3's access0 in sysfs: no initiator node 0, or no higher latency than node 0's"
    fi
}

# tier_warning SLOW FAST: strict:3 gets the one slow-tier warning at the start and at the migration
# destination (exit codes as without it); strict:0 none
tier_warning() {
    local f=$W/tier.xml fast_nodes want
    fast_nodes=$(cat "/sys/devices/virtual/memory_tiering/memory_tier$2/nodelist")
    want="numa: warning: 'strict:3': node 3 is in memory tier $1, slower than tier $2 (nodes $fast_nodes) where this host has memory"
    domain "$f" 32 - - -
    run_hook before_vm_start "$f" numa=strict:3
    echo "$ERR" | note
    if [ "$RC" = 0 ] && grep -qxF "$want" <<< "$ERR" && [ "$(grep -c warning <<< "$ERR")" = 1 ]; then
        ok "strict:3 on the slow tier: exit 0, one warning naming tiers $1 and $2"
    else
        not_ok "strict:3 on the slow tier: exit $RC, stderr '$ERR', want the line '$want'"
    fi
    domain "$f" 32 - - -
    run_hook before_vm_start "$f" numa=strict:0
    if [ "$RC" = 0 ] && ! grep -q warning <<< "$ERR"; then
        ok "strict:0 on the fastest tier: exit 0, no warning"
    else
        not_ok "strict:0 on the fastest tier: exit $RC, stderr '$ERR'"
    fi
    check_point "strict on the slow tier warns" before_vm_migrate_destination - \
        "<memory mode='strict' nodeset='3'/>" 0 "warning: incoming <memory mode='strict' nodeset='3'/>: node 3 is in memory tier $1"
}
