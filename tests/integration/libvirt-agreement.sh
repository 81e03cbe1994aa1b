#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Where the hook and libvirt used to disagree: every case runs the hook and
# asks libvirt's test driver (virsh -c test:///default) about the same
# document, and passes when the two agree. What libvirt answers is not
# written down here; the test driver is the judge.
#
#   libvirt-agreement.sh HOOK FIXTURES IS-INSERTION
#
# Prints TAP; skips when virsh (Debian: libvirt-clients) is missing.
set -u
hook=$(realpath "$1") fixtures=$(realpath "$2") is_insertion=$(realpath "$3")

if ! command -v virsh > /dev/null; then
    echo "1..0 # SKIP virsh not installed (Debian package libvirt-clients)"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
verdict() { if [ "$1" = 0 ]; then echo accepts; else echo refuses; fi; }
one_line() { tr '\n' ' ' < "$1" | head -c 300; }

# lv FILE: libvirt's verdict (0: the test driver defines it); its dumpxml goes to $tmp/dump.
lv() {
    local name
    name=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$1" | head -n 1)
    virsh -q -c test:///default "define $1; dumpxml $name" > "$tmp/dump" 2> "$tmp/lverr"
}

# run_hook FILE CAPS ENV...: the hook on FILE as VDSM runs it; stderr in $tmp/err.
run_hook() {
    local file=$1 caps=$2
    shift 2
    env -u numa -u numaset -u numa_memnode "$@" _hook_domxml="$file" "$hook" --capabilities "$caps" 2> "$tmp/err"
}

# splice FIXTURE LINE TEXT OUT: FIXTURE with TEXT as a new line after line LINE.
splice() {
    { head -n "$2" "$1"; printf '%s\n' "$3"; tail -n +"$(($2 + 1))" "$1"; } > "$4"
}

# The output of an accepting hook must be the input plus one block, and libvirt must define it.
check_output() { # NAME IN OUT
    if ! "$is_insertion" "$2" "$3" 2> "$tmp/ins"; then
        not_ok "$1: the output is not the input plus one insertion: $(one_line "$tmp/ins")"
    elif ! lv "$3"; then
        not_ok "$1: libvirt refuses the hook's output: $(one_line "$tmp/lverr")"
    else
        ok "$1: the output is the input plus one insertion, and libvirt defines it"
    fi
}

# agree NAME INPUT CANDIDATE ENV...: the hook accepts INPUT exactly when libvirt
# accepts CANDIDATE, the document the hook is asked to make (the naive insertion,
# written by the test, whatever the hook does); a refusal leaves INPUT untouched.
agree() {
    local name=$1 input=$2 candidate=$3 rc lrc
    shift 3
    cp "$input" "$tmp/work.xml"
    run_hook "$tmp/work.xml" "$fixtures/caps-2node.xml" "$@"
    rc=$?
    lv "$candidate"
    lrc=$?
    if [ "$((rc == 0))" != "$((lrc == 0))" ]; then
        not_ok "$name: the hook $(verdict $rc) ($(one_line "$tmp/err")), libvirt $(verdict $lrc) ($(one_line "$tmp/lverr"))"
        return
    fi
    ok "$name: both $(verdict $rc)"
    if [ "$rc" = 0 ]; then
        check_output "$name" "$input" "$tmp/work.xml"
    elif ! cmp -s "$input" "$tmp/work.xml"; then
        not_ok "$name: the refused file changed"
    fi
}

# --- 1. <vcpu placement='auto'> and no <memory>: libvirt places memory automatically
auto=$fixtures/test-driver-vcpu-auto-cells.xml
splice "$auto" 3 "  <numatune><memnode cellid='0' mode='strict' nodeset='0'/></numatune>" "$tmp/cand.xml"
agree "vcpu auto, numa_memnode alone" "$auto" "$tmp/cand.xml" numa_memnode='0=strict:0'
splice "$auto" 3 "  <numatune><memory mode='strict' nodeset='0-1'/><memnode cellid='0' mode='strict' nodeset='0'/></numatune>" "$tmp/cand.xml"
agree "vcpu auto, numa_memnode with a static numa" "$auto" "$tmp/cand.xml" numa='strict:0-1' numa_memnode='0=strict:0'
splice "$auto" 3 "  <numatune><memnode cellid='1' mode='strict' nodeset='1'/></numatune>" "$tmp/in.xml"
splice "$auto" 3 "  <numatune><memnode cellid='1' mode='strict' nodeset='1'/><memnode cellid='0' mode='strict' nodeset='0'/></numatune>" "$tmp/cand.xml"
agree "vcpu auto, memnode-only <numatune>, numa_memnode" "$tmp/in.xml" "$tmp/cand.xml" numa_memnode='0=strict:0'
# The same <memnode> already there: nothing to add, but the document is what
# libvirt refuses, as the check-only hook points say too.
splice "$auto" 3 "  <numatune><memnode cellid='0' mode='strict' nodeset='0'/></numatune>" "$tmp/in.xml"
agree "vcpu auto, the requested <memnode> already there" "$tmp/in.xml" "$tmp/in.xml" numa_memnode='0=strict:0'
# A restrictive <memory> that matches numa, beside an existing strict <memnode>.
splice "$fixtures/test-driver-vnuma.xml" 4 "  <numatune><memory mode='restrictive' nodeset='0'/><memnode cellid='0' mode='strict' nodeset='0'/></numatune>" "$tmp/in.xml"
agree "restrictive <memory> already there, beside a strict <memnode>" "$tmp/in.xml" "$tmp/in.xml" numa=restrictive:0

# --- 2. guest cells without an id: libvirt numbers them in document order
noid=$fixtures/test-driver-cells-noid.xml
memnodes01="  <numatune><memnode cellid='0' mode='strict' nodeset='0'/><memnode cellid='1' mode='strict' nodeset='1'/></numatune>"
splice "$noid" 3 "$memnodes01" "$tmp/cand.xml"
agree "cells without id" "$noid" "$tmp/cand.xml" numa_memnode='0=strict:0 1=strict:1'
splice "$noid" 3 "  <numatune><memnode cellid='2' mode='strict' nodeset='0'/></numatune>" "$tmp/cand.xml"
agree "cells without id, a third cell" "$noid" "$tmp/cand.xml" numa_memnode='2=strict:0'
# cells: first cell's attributes | second cell's attributes
cell_rows=(
"id='1' |"
"| id='0' "
"| id='1' "
"id='1' |id='0' "
"id=' 1' |id='+0' "
"id='01' |id='00' "
"id='2' |"
"id='1 ' |"
"id='' |"
"id='-0' |"
)
for row in "${cell_rows[@]}"; do
    IFS='|' read -r first second <<< "$row"
    sed -e "0,/<cell cpus/s|<cell cpus|<cell ${first}cpus|" -e "0,/<cell cpus='1'/s|<cell cpus='1'|<cell ${second}cpus='1'|" "$noid" > "$tmp/in-cells.xml"
    splice "$tmp/in-cells.xml" 3 "$memnodes01" "$tmp/cand.xml"
    agree "cells <cell ${first}/><cell ${second}/>" "$tmp/in-cells.xml" "$tmp/cand.xml" numa_memnode='0=strict:0 1=strict:1'
done

# --- 3. where <numatune> goes: the element before it is the one libvirt's formatter puts there
children() { sed -n 's|^  <\([a-zA-Z][a-zA-Z]*\).*|\1|p' "$1"; }
before_numatune() { children "$1" | grep -B1 -x numatune | head -n 1; }
for f in test-driver.xml test-driver-vcpus.xml test-driver-anchors.xml; do
    cp "$fixtures/$f" "$tmp/work.xml"
    if ! run_hook "$tmp/work.xml" "$fixtures/caps-2node.xml" numa=strict:0; then
        not_ok "$f: hook failed: $(one_line "$tmp/err")"
        continue
    fi
    if ! lv "$tmp/work.xml"; then
        not_ok "$f: libvirt refuses the output: $(one_line "$tmp/lverr")"
        continue
    fi
    ours=$(before_numatune "$tmp/work.xml") theirs=$(before_numatune "$tmp/dump")
    if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
        ok "$f: <numatune> follows <$ours>, as in libvirt's dumpxml"
    else
        not_ok "$f: <numatune> follows <$ours> in the output, <$theirs> in libvirt's dumpxml"
    fi
done

# Without <vcpu> libvirt's dumpxml adds one (and <uuid>, <clock>, ...), so
# the test compares orders: the output's children, <numatune> among them, in
# the order libvirt's dumpxml has them.
for f in test-driver-novcpu.xml; do
    cp "$fixtures/$f" "$tmp/work.xml"
    if ! run_hook "$tmp/work.xml" "$fixtures/caps-hugepages.xml" numa=strict:0; then
        not_ok "$f: hook failed: $(one_line "$tmp/err")"
        continue
    fi
    if ! lv "$tmp/work.xml"; then
        not_ok "$f: libvirt refuses the output: $(one_line "$tmp/lverr")"
        continue
    fi
    children "$tmp/work.xml" > "$tmp/ours"
    ours=$(grep -x -F -f <(children "$tmp/dump") "$tmp/ours" | tr '\n' ' ')
    theirs=$(children "$tmp/dump" | grep -x -F -f "$tmp/ours" | tr '\n' ' ')
    if grep -qx numatune "$tmp/ours" && [ "$ours" = "$theirs" ]; then
        ok "$f: children in libvirt's order ($ours)"
    else
        not_ok "$f: children in the output: $ours; in libvirt's dumpxml: $theirs"
    fi
done

# --- 4. memory sizes: libvirt's verdict and value (KiB in dumpxml) against the hook's
# caps_with KIB: a one-node host whose node 0 has KIB KiB.
caps_with() {
    printf "<capabilities><host><topology><cells num='1'><cell id='0'><memory unit='KiB'>%s</memory></cell></cells></topology></host></capabilities>\n" "$1" > "$tmp/caps-k.xml"
}
# size_case WHAT INPUT KIB-IN-DUMP-SED ENV-ACCEPT ENV-STRICT
#   The hook accepts INPUT (with a mode whose capacity check only warns)
#   exactly when libvirt defines it; then, with libvirt's size K, a strict
#   binding fits a node of K KiB and not one of K - 1.
size_case() {
    local what=$1 input=$2 kib_sed=$3 env_accept=$4 env_strict=$5 rc lrc k
    cp "$input" "$tmp/work.xml"
    run_hook "$tmp/work.xml" "$fixtures/caps-2node.xml" "$env_accept"
    rc=$?
    lv "$input"
    lrc=$?
    if [ "$((rc == 0))" != "$((lrc == 0))" ]; then
        not_ok "$what: the hook $(verdict $rc) ($(one_line "$tmp/err")), libvirt $(verdict $lrc) ($(one_line "$tmp/lverr"))"
        return
    fi
    ok "$what: both $(verdict $rc)"
    [ "$rc" = 0 ] || return
    k=$(sed -n "$kib_sed" "$tmp/dump" | head -n 1)
    # An empty or zero <memory> gives way to the cells' sum in libvirt; there is no size of ours to compare.
    [ -n "$k" ] && [ "$k" != 0 ] && [ "$k" != 524288 ] || return
    caps_with "$k"
    cp "$input" "$tmp/work.xml"
    if ! run_hook "$tmp/work.xml" "$tmp/caps-k.xml" "$env_strict"; then
        not_ok "$what: libvirt reads $k KiB, but the hook does not fit it on a node of $k KiB: $(one_line "$tmp/err")"
        return
    fi
    if [ "$k" -gt 1 ]; then
        caps_with "$((k - 1))"
        cp "$input" "$tmp/work.xml"
        if run_hook "$tmp/work.xml" "$tmp/caps-k.xml" "$env_strict" || ! grep -q "larger than all memory" "$tmp/err"; then
            not_ok "$what: libvirt reads $k KiB, but the hook fits it on a node of $((k - 1)) KiB: $(one_line "$tmp/err")"
            return
        fi
    fi
    ok "$what: the hook's size is libvirt's $k KiB"
}
# number | unit
size_rows=(
"4|b" "4|byte" "4|bytes" "4|BYTE" "1025|b" "16|KiB" "+16|KiB" " 16|KiB" "	16|KiB" "16 |KiB" "-16|KiB" "-0|KiB"
"0x10|KiB" "010|KiB" "1.5|GiB" "1e3|KiB" "++1|KiB" "+ 1|KiB" " |KiB" "|KiB" "0|KiB" "+0|KiB"
"4|k" "4|KB" "4|kb" "4|KIB" "4|kiB" "4|Ki" "4| KiB" "4|KiB " "4|x" "4|" "2|MB" "2|M" "1|GB" "1|g" "1|TB" "1|TiB"
"1|PB" "1|PiB" "7|eib" "8|eib" "9|eb" "10|EB" "9007199254740991|KiB" "9007199254740992|KiB"
"9223372036854774784|b" "9223372036854774785|b" "9223372036854775807|b" "18446744073709551616|b"
"00000000000000000000000001|b"
"$(printf '%0200d' 2)|MiB" "$(printf '%05000d' 2)|MiB"
)
for row in "${size_rows[@]}"; do
    IFS='|' read -r number unit <<< "$row"
    # <memory>, on a domain with cells (so that an empty one is not refused for want of a size)
    splice "$fixtures/test-driver-vnuma.xml" 2 "  <memory unit='$unit'>$number</memory>" "$tmp/mem.xml"
    sed -i '4d' "$tmp/mem.xml"
    size_case "<memory unit='$unit'>$number</memory>" "$tmp/mem.xml" "s|.*<memory unit='KiB'>\([0-9]*\)</memory>.*|\1|p" \
        numa=interleave:0 numa=strict:0
    # a guest cell's memory
    sed "0,/<cell id='0' cpus='0' memory='262144' unit='KiB'/s||<cell id='0' cpus='0' memory='$number' unit='$unit'|" \
        "$fixtures/test-driver-vnuma.xml" > "$tmp/cell.xml"
    size_case "<cell memory='$number' unit='$unit'>" "$tmp/cell.xml" "s|.*<cell id='0' cpus='0' memory='\([0-9]*\)' unit='KiB'.*|\1|p" \
        numa_memnode=0=interleave:0 numa_memnode=0=strict:0
done

# --- 5. nodeset attributes already in the domain: read as libvirt reads them
# nodeset_case WHAT INPUT ENV-NAME: when libvirt accepts INPUT, the hook asked
# for libvirt's canonical set must find it already there (exit 0, file
# unchanged); when libvirt refuses, the hook must refuse too.
nodeset_case() {
    local what=$1 input=$2 var=$3 prefix=$4 lrc canon
    lv "$input"
    lrc=$?
    cp "$input" "$tmp/work.xml"
    if [ "$lrc" = 0 ]; then
        canon=$(grep -o "<$what[^>]*nodeset='[^']*'" "$tmp/dump" | sed "s|.*nodeset='\([^']*\)'|\1|" | head -n 1)
        if run_hook "$tmp/work.xml" "$fixtures/caps-2node.xml" "$var=${prefix}strict:$canon" && cmp -s "$input" "$tmp/work.xml"; then
            ok "<$what nodeset='$x'>: libvirt reads $canon, and so does the hook"
        else
            not_ok "<$what nodeset='$x'>: libvirt reads $canon, the hook does not: $(one_line "$tmp/err")"
        fi
    else
        if run_hook "$tmp/work.xml" "$fixtures/caps-2node.xml" "$var=${prefix}strict:0-1"; then
            not_ok "<$what nodeset='$x'>: libvirt refuses it ($(one_line "$tmp/lverr")), the hook accepts"
        else
            ok "<$what nodeset='$x'>: both refuse"
        fi
    fi
}
nodeset_rows=(
"0-1" "0 - 1" " 0-1 " "0- 1" "0 -1" "0-+1" "0- +1" "0--1" "0-+ 1" "0,^0,1" "0-1,^1" "^1,0" "^1" "0,^0" "0," "0, "
"0,,1" ",0" "0 ,1" "^ 1,0" "0-^1" "+0" "0-1-2" "1-0" "01" "0x1" "" " " "1-1" "1 0" "0,&#9;1" "0&#10;-1" "^1-1,0"
)
for x in "${nodeset_rows[@]}"; do
    splice "$fixtures/test-driver.xml" 4 "  <numatune><memory mode='strict' nodeset='$x'/></numatune>" "$tmp/ns.xml"
    nodeset_case memory "$tmp/ns.xml" numa ""
    splice "$fixtures/test-driver-vnuma.xml" 4 "  <numatune><memnode cellid='0' mode='strict' nodeset='$x'/></numatune>" "$tmp/ns.xml"
    nodeset_case memnode "$tmp/ns.xml" numa_memnode "0="
done

# --- 6. declared encodings: the splice stays byte-exact, and the hook and libvirt agree
# encoding_case NAME INPUT: the hook accepts INPUT exactly when libvirt does;
# then its output is the input plus one block, and libvirt defines it.
encoding_case() { # encoding_case NAME INPUT: libvirt judges the input itself
    agree "$1" "$2" "$2" numa=strict:0
}
for enc in US-ASCII ISO-8859-1 latin1 ISO-8859-15 windows-1252 KOI8-R Shift_JIS EUC-JP GB18030 x-no-such-encoding; do
    { printf "<?xml version='1.0' encoding='%s'?>\n" "$enc"; cat "$fixtures/test-driver.xml"; } > "$tmp/enc.xml"
    encoding_case "encoding='$enc', ASCII content" "$tmp/enc.xml"
done
for enc in ISO-8859-1 windows-1252 KOI8-R; do
    { printf "<?xml version='1.0' encoding='%s'?>\n" "$enc"; sed "s|<os>|<description>caf\xe9 \xe0 la cr\xe8me</description>\n  <os>|" "$fixtures/test-driver.xml"; } > "$tmp/enc.xml"
    encoding_case "encoding='$enc', non-ASCII bytes in <description>" "$tmp/enc.xml"
done
# The same text as UTF-8 bytes under a single-byte declaration: a libxml2 that
# ignores the declaration of a string (2.9) reads valid UTF-8, so libvirt accepts it.
for enc in ISO-8859-1 ISO-8859-15 KOI8-R; do
    { printf "<?xml version='1.0' encoding='%s'?>\n" "$enc"; sed "s|<os>|<description>caf\xc3\xa9 \xc3\xa0 la cr\xc3\xa8me</description>\n  <os>|" "$fixtures/test-driver.xml"; } > "$tmp/enc.xml"
    encoding_case "encoding='$enc', UTF-8 bytes in <description>" "$tmp/enc.xml"
done

# --- 6b. pinning and devices the locality warnings read: odd forms libvirt
# accepts are never a reason to refuse (the hook warns at most)
NT="  <numatune><memory mode='strict' nodeset='0'/></numatune>"
pin_rows=(
"  <cputune><vcpupin vcpu='0' cpuset=' 0 , 1 '/></cputune>"
"  <cputune><vcpupin vcpu='0' cpuset='0-3,^2'/></cputune>"
"  <cputune><vcpupin vcpu='1' cpuset='500'/></cputune>"
"  <cputune><emulatorpin cpuset='0,'/></cputune>"
"  <cputune><emulatorpin cpuset='2-3'/><vcpupin vcpu='0' cpuset='3'/></cputune>"
)
for row in "${pin_rows[@]}"; do
    splice "$fixtures/test-driver.xml" 4 "$row" "$tmp/in.xml"
    splice "$tmp/in.xml" 5 "$NT" "$tmp/cand.xml"
    agree "${row#  }" "$tmp/in.xml" "$tmp/cand.xml" numa=strict:0
done
sed "s|<vcpu placement='static'>|<vcpu placement='static' cpuset='0-+1'>|" "$fixtures/test-driver.xml" > "$tmp/in.xml"
splice "$tmp/in.xml" 4 "$NT" "$tmp/cand.xml"
agree "<vcpu cpuset='0-+1'>" "$tmp/in.xml" "$tmp/cand.xml" numa=strict:0
hostdev_rows=(
"domain='0' bus='59' slot='0' function='0'"
"bus='0x3b' slot='0x00' function='0x0'"
"domain='0x10000' bus='0x3b' slot='0x00' function='0x0'"
)
for row in "${hostdev_rows[@]}"; do
    splice "$fixtures/test-driver.xml" 7 "  <devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address $row/></source></hostdev></devices>" "$tmp/in.xml"
    splice "$tmp/in.xml" 4 "$NT" "$tmp/cand.xml"
    agree "<hostdev> PCI address $row" "$tmp/in.xml" "$tmp/cand.xml" numa=strict:0
done

# --- 7. capabilities cells without <memory>. libvirt writes a cell's <memory>
# only when it is not 0 (virCapabilitiesHostNUMAFormat), so beside cells
# with one a cell without is memoryless (the shape of VDSM's IBM S822L test
# data); only where no cell has one (libvirt before it reported cell memory)
# is every size unknown, and then nothing is refused for memory.
for spec in strict:1 interleave:^0 strict:2; do
    cp "$fixtures/test-driver.xml" "$tmp/work.xml"
    if ! run_hook "$tmp/work.xml" "$fixtures/caps-unknown-memory.xml" numa="$spec"; then
        not_ok "unknown memory, $spec: the hook refused: $(one_line "$tmp/err")"
        continue
    fi
    check_output "unknown memory, $spec" "$fixtures/test-driver.xml" "$tmp/work.xml"
done
for spec in preferred:17 strict:1 interleave:1,17; do
    cp "$fixtures/test-driver.xml" "$tmp/work.xml"
    if run_hook "$tmp/work.xml" "$fixtures/caps-s822l.xml" numa="$spec"; then
        not_ok "S822L, $spec: the hook bound memory to memoryless nodes"
    elif ! grep -q "no memory\|has memory" "$tmp/err" || ! cmp -s "$fixtures/test-driver.xml" "$tmp/work.xml"; then
        not_ok "S822L, $spec: refused for another reason, or the file changed: $(one_line "$tmp/err")"
    else
        ok "S822L, $spec: refused, the nodes have no memory"
    fi
done
cp "$fixtures/test-driver.xml" "$tmp/work.xml"
if ! run_hook "$tmp/work.xml" "$fixtures/caps-s822l.xml" numa=interleave:^0; then
    not_ok "S822L, interleave:^0: the hook refused: $(one_line "$tmp/err")"
elif ! grep -q "<memory mode='interleave' nodeset='16'/>" "$tmp/work.xml"; then
    not_ok "S822L, interleave:^0: not nodeset 16: $(grep -o '<memory mode[^>]*>' "$tmp/work.xml")"
else
    check_output "S822L, interleave:^0 is 16" "$fixtures/test-driver.xml" "$tmp/work.xml"
fi

# --- 8. attributes in a namespace: libvirt reads <memory>'s and <memnode>'s with
# xmlGetProp, the first of that local name in any namespace. What the test
# driver's dumpxml binds must be what the hook finds already there.
ns_rows=(
"a:mode='interleave' mode='strict' a:nodeset='7' nodeset='0'"
"mode='strict' a:mode='interleave' nodeset='0' a:nodeset='7'"
"a:nodeset='3' nodeset='0'"
"mode='preferred' b:mode='interleave' a:nodeset='5'"
)
for row in "${ns_rows[@]}"; do
    splice "$fixtures/test-driver.xml" 4 "  <numatune xmlns:a='urn:a' xmlns:b='urn:b'><memory $row/></numatune>" "$tmp/in.xml"
    if ! lv "$tmp/in.xml"; then
        not_ok "<memory $row>: libvirt refuses it: $(one_line "$tmp/lverr")"
        continue
    fi
    bound=$(sed -n "s|.*<memory mode='\([a-z]*\)' nodeset='\([0-9,-]*\)'/>.*|\1:\2|p" "$tmp/dump")
    cp "$tmp/in.xml" "$tmp/work.xml"
    if run_hook "$tmp/work.xml" "$fixtures/caps-8node.xml" numa="$bound" && grep -q "is already in the domain XML" "$tmp/err" &&
        cmp -s "$tmp/in.xml" "$tmp/work.xml"; then
        ok "<memory $row>: the hook reads $bound, as libvirt binds it"
    else
        not_ok "<memory $row>: libvirt binds $bound, the hook: $(one_line "$tmp/err")"
    fi
done

# --- 9. two <memory> in <numatune>: libvirt's schema allows one (define
# --validate); its parser takes the first. Refused at every hook point.
splice "$fixtures/test-driver.xml" 4 "  <numatune><memory mode='strict' nodeset='0'/><memory mode='strict' nodeset='0'/></numatune>" "$tmp/in.xml"
if virsh -q -c test:///default "define --validate $tmp/in.xml" > /dev/null 2>&1; then
    not_ok "two <memory>: libvirt's schema accepts them"
else
    for point in before_vm_start before_vm_migrate_destination before_vm_dehibernate; do
        cp "$tmp/in.xml" "$tmp/work.xml"
        if env -u numa -u numaset -u numa_memnode numa=strict:0 _hook_domxml="$tmp/work.xml" "$hook" \
            --capabilities "$fixtures/caps-2node.xml" --hook-point "$point" 2> "$tmp/err"; then
            not_ok "two <memory>, $point: the hook accepts what libvirt's schema refuses"
        elif ! grep -q "has 2 <memory> elements" "$tmp/err" || ! cmp -s "$tmp/in.xml" "$tmp/work.xml"; then
            not_ok "two <memory>, $point: another refusal, or the file changed: $(one_line "$tmp/err")"
        else
            ok "two <memory>, $point: refused, as libvirt's schema refuses them"
        fi
    done
fi

echo "1..$n"
[ "$failed" -eq 0 ]
