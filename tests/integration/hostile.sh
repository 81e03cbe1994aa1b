#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile and broken input, one row per case. Every case must end with
# exit 2, exactly one "numa:" line and the file untouched, within the
# watchdog; a case marked "legal" may instead succeed. No case may put a
# byte of /etc/passwd or /etc/hostname on stderr or stdout.
#
#   hostile.sh HOOK FIXTURES
#
# Prints TAP.
set -u
hook=$(realpath "$1") fixtures=$(realpath "$2")
caps=$fixtures/caps-4node.xml

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

# Lines of files that must never leak, long enough not to match by chance.
secrets=$tmp/secrets
{ grep -v '^#' /etc/passwd | awk 'length($0) > 12'; awk 'length($0) > 3' /etc/hostname 2> /dev/null; } > "$secrets"

# run NAME [legal] -- ENV...: runs the hook with this environment on $tmp/in.xml
# (as prepared by the caller) and checks the contract.
run() {
    local name=$1 legal=false
    shift
    [ "$1" = legal ] && { legal=true; shift; }
    shift # --
    cp -P "$tmp/in.xml" "$tmp/orig.xml" 2> /dev/null || rm -f "$tmp/orig.xml"
    (cd "$tmp" && timeout 30 env -i PATH="$PATH" "$@" "$hook" --capabilities "$caps" > "$tmp/out" 2> "$tmp/err" < /dev/null)
    local rc=$?
    if [ "$rc" = 124 ]; then
        not_ok "$name: did not finish within 30 s"
    elif [ -s "$secrets" ] && grep -qFf "$secrets" "$tmp/err" "$tmp/out"; then
        not_ok "$name: leaked file content into the output"
    elif [ "$rc" = 0 ] && $legal; then
        ok "$name: legal, accepted: $(tail -n 1 "$tmp/err" | head -c 160)"
    elif [ "$rc" != 2 ]; then
        not_ok "$name: exit $rc: $(head -c 300 "$tmp/err")"
    elif [ "$(wc -l < "$tmp/err")" != 1 ] || ! grep -q '^numa: ' "$tmp/err"; then
        not_ok "$name: not exactly one numa: line: $(head -c 300 "$tmp/err")"
    elif [ -e "$tmp/orig.xml" ] && ! cmp -s "$tmp/orig.xml" "$tmp/in.xml"; then
        not_ok "$name: the file changed"
    else
        ok "$name: $(head -c 200 "$tmp/err")"
    fi
    rm -f "$tmp/in.xml" "$tmp"/.numa-*
}

valid() { cp "$fixtures/libvirt.xml" "$tmp/in.xml"; }
xml() { printf '%s' "$1" > "$tmp/in.xml"; }
DOM="<domain type='kvm'><name>h</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"

# --- the property ---------------------------------------------------------
spec_case() { # spec_case NAME VALUE [legal]
    valid
    if [ "${3:-}" = legal ]; then
        run "spec $1" legal -- numa="$2" _hook_domxml="$tmp/in.xml"
    else
        run "spec $1" -- numa="$2" _hook_domxml="$tmp/in.xml"
    fi
}
spec_case "empty" ""
spec_case "mode only" "strict"
spec_case "colon, no nodeset" "strict:"
spec_case "no mode" ":1"
spec_case "uppercase mode" "STRICT:1"
spec_case "auto as mode" "auto:1"
spec_case "two colons" "strict:1:2"
spec_case "double colon" "strict::1"
spec_case "space inside" "strict:1, 2"
spec_case "space in mode" "str ict:1"
spec_case "trailing newline (trimmed)" $'strict:1\n' legal
spec_case "trailing tab (trimmed)" $'strict:1\t' legal
spec_case "inner newline" $'strict:1\n,2'
spec_case "negative" "strict:-1"
spec_case "plus sign" "strict:+1"
spec_case "hex" "strict:0x1"
spec_case "exponent" "strict:1e3"
spec_case "reversed range" "strict:4-1"
spec_case "open range" "strict:1-"
spec_case "double dash" "strict:1--4"
spec_case "leading comma" "strict:,1"
spec_case "trailing comma" "strict:1,"
spec_case "double comma" "strict:1,,2"
spec_case "bare caret" "strict:^"
spec_case "double caret" "strict:^^3"
spec_case "empty result by exclusion" "strict:^0-4095"
spec_case "empty result 0,^0" "strict:0,^0"
spec_case "20-digit number" "strict:99999999999999999999"
spec_case "range to 2^32-1" "strict:0-4294967295"
spec_case "full-width digit" "strict:１"
spec_case "Arabic-Indic digit" "strict:١"
spec_case "invalid UTF-8" $'strict:\xff\xfe'
spec_case "128 KiB value" "strict:$(head -c 131000 /dev/zero | tr '\0' '1')"
spec_case "'1,' 50 000 times" "strict:$(yes '1,' | head -n 50000 | tr -d '\n')"
valid
run "spec numa and numaset differ" -- numa=strict:1 numaset=strict:2 _hook_domxml="$tmp/in.xml"

# --- the XML ----------------------------------------------------------------
xml_case() { # xml_case NAME [legal]: $tmp/in.xml is ready
    if [ "${2:-}" = legal ]; then
        run "xml $1" legal -- numa=strict:0 _hook_domxml="$tmp/in.xml"
    else
        run "xml $1" -- numa=strict:0 _hook_domxml="$tmp/in.xml"
    fi
}
xml ""; xml_case "empty file"
xml $'  \n\t\n'; xml_case "whitespace only"
xml "<!-- just a comment -->"; xml_case "comment only"
xml "$DOM"; xml_case "unclosed root"
xml "$DOM</os></domain>"; xml_case "mismatched tag"
xml "$DOM</domain><domain/>"; xml_case "two roots"
xml "<capabilities><host/></capabilities>"; xml_case "wrong root"
xml "<v:domain xmlns:v='urn:x'><vcpu>1</vcpu></v:domain>"; xml_case "namespaced root"
xml "<domain xmlns='http://libvirt.org/schemas/domain'><vcpu>1</vcpu></domain>"; xml_case "default-namespace root"
xml "<domain type='kvm'/>"; xml_case "self-closing root"
cp "$fixtures/two-numatune.xml" "$tmp/in.xml"; xml_case "two numatune"
xml "<!DOCTYPE d [<!ENTITY a 'lol'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>$DOM<description>&d;</description></domain>"
xml_case "billion laughs"
xml "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>$DOM<description>&x;</description></domain>"; xml_case "XXE file:///etc/passwd"
xml "<!DOCTYPE domain [<!ENTITY x SYSTEM 'http://127.0.0.1:9/x'>]>$DOM<description>&x;</description></domain>"; xml_case "XXE http://127.0.0.1"
xml "<!DOCTYPE domain [<!ENTITY % p SYSTEM 'file:///etc/hostname'> %p;]>$DOM</domain>"; xml_case "parameter-entity XXE"
xml "<!DOCTYPE domain SYSTEM 'file:///etc/passwd'>$DOM</domain>"; xml_case "external DTD"
xml "<!DOCTYPE domain>$DOM</domain>"; xml_case "bare DOCTYPE"
xml "$DOM<description>&undefined;</description></domain>"; xml_case "undefined entity"
printf "<domain type='kvm'><name>a\0b</name><vcpu>1</vcpu></domain>" > "$tmp/in.xml"; xml_case "NUL byte"
printf "<domain type='kvm'><name>\xff</name><vcpu>1</vcpu></domain>" > "$tmp/in.xml"; xml_case "invalid UTF-8"
printf "<domain type='kvm'><name>\xc0\xbc</name><vcpu>1</vcpu></domain>" > "$tmp/in.xml"; xml_case "overlong UTF-8"
printf "<domain type='kvm'><name>\xed\xa0\x80</name><vcpu>1</vcpu></domain>" > "$tmp/in.xml"; xml_case "UTF-8 surrogate"
iconv -f UTF-8 -t UTF-16 "$fixtures/libvirt.xml" > "$tmp/in.xml"; xml_case "UTF-16 with BOM"
iconv -f UTF-8 -t UTF-16LE "$fixtures/libvirt.xml" > "$tmp/in.xml"; xml_case "UTF-16 without BOM"
printf "<?xml version='1.0' encoding='Shift_JIS'?><domain type='kvm'><name>\x82\xa0</name><vcpu>1</vcpu></domain>" > "$tmp/in.xml"; xml_case "Shift_JIS non-ASCII bytes"
xml "<?xml version='1.0' encoding='UTF-16'?>$DOM</domain>"; xml_case "UTF-16 declaration in ASCII bytes"
iconv -f UTF-8 -t UTF-32 "$fixtures/libvirt.xml" > "$tmp/in.xml"; xml_case "UTF-32 with BOM"
{ printf '<?xml version="1.0" encoding="IBM037"?>'; cat "$fixtures/libvirt.xml"; } | iconv -f UTF-8 -t IBM037 > "$tmp/in.xml"; xml_case "EBCDIC"
printf "<?xml version='1.0' encoding='US-ASCII'?><domain type='kvm'><name>\xe9</name><vcpu>1</vcpu></domain>" > "$tmp/in.xml"; xml_case "byte outside US-ASCII"
# Accepted where libxml2 honours the declaration of a string, as libvirt would then.
printf "<?xml version='1.0' encoding='ISO-8859-1'?><domain type='kvm'><name>\xe9</name><vcpu>1</vcpu></domain>" > "$tmp/in.xml"; xml_case "Latin-1 non-ASCII byte" legal
gzip -c "$fixtures/libvirt.xml" > "$tmp/in.xml"; xml_case "gzip-compressed"
{ printf '%s' "$DOM"; head -c $((70 * 1024 * 1024)) /dev/zero | tr '\0' ' '; printf '</domain>'; } > "$tmp/in.xml"
# Refused from its size alone: under a 48 MiB address-space cap, reading it
# whole would fail with another message. (AddressSanitizer needs more address
# space than any cap, so a sanitized build runs this without one.)
cp "$tmp/in.xml" "$tmp/orig.xml"
vcap=49152
ldd "$hook" 2> /dev/null | grep -q libasan && vcap=unlimited
(ulimit -v $vcap; timeout 30 env -i numa=strict:0 _hook_domxml="$tmp/in.xml" "$hook" --capabilities "$caps" > /dev/null 2> "$tmp/err")
if [ $? = 2 ] && grep -q "more than the limit of 67108864" "$tmp/err" && cmp -s "$tmp/orig.xml" "$tmp/in.xml"; then
    ok "xml 70 MiB file: refused before reading it whole: $(cat "$tmp/err" | head -c 200)"
else
    not_ok "xml 70 MiB file: $(head -c 300 "$tmp/err")"
fi
rm -f "$tmp/in.xml" "$tmp/orig.xml"
{ printf '%s' "$DOM"; for _ in $(seq 10000); do printf '<a>'; done; for _ in $(seq 10000); do printf '</a>'; done; printf '</domain>'; } > "$tmp/in.xml"
xml_case "nesting 10 000 deep"
{ printf "<domain type='kvm'><name>h</name><x"; seq 30000 | sed "s/.*/ a&='1'/" | tr -d '\n'; printf "/><vcpu>1</vcpu></domain>"; } > "$tmp/in.xml"
xml_case "30 000 attributes on one element" legal
xml "$DOM<numatune><memory mode='strict' nodeset='$(yes '0,' | head -n 30000 | tr -d '\n')0'/></numatune></domain>"
xml_case "existing nodeset of 60 000 bytes" legal
xml "$DOM<numatune>$(yes "<memnode cellid='1' nodeset='0'/>" | head -n 30000 | tr -d '\n')</numatune></domain>"
xml_case "30 000 <memnode> elements" legal
xml "$DOM<metadata><x:numatune xmlns:x='urn:x'><x:memory nodeset='&lt;&amp;'/></x:numatune></metadata></domain>"; xml_case "escaped entities in foreign metadata" legal
xml "$DOM<![CDATA[</domain>]]></domain>"; xml_case "CDATA holding an end tag" legal
# libxml2 quotes document text in some messages (here an invalid namespace
# URI): a Unicode line break (NEL, U+2028, U+2029) must not start a new line
# for log viewers or Python's splitlines(), which wc -l does not see.
xml "$DOM<x xmlns:p='a b$(printf '\xe2\x80\xa8')numa: forged$(printf '\xc2\x85')numa: forged$(printf '\xe2\x80\xa9')c'/></domain>"
xml_case "Unicode line breaks in a libxml2 message"
xml "$DOM<x xmlns:p='a b$(printf '\xe2\x80\xa8')numa: forged$(printf '\xc2\x85')numa: forged$(printf '\xe2\x80\xa9')c'/></domain>"
cp "$tmp/in.xml" "$tmp/orig.xml"
env -i numa=strict:0 _hook_domxml="$tmp/in.xml" "$hook" --capabilities "$caps" > /dev/null 2> "$tmp/err" < /dev/null
lines=$(python3 -c 'import sys; print(len(open(sys.argv[1], "rb").read().decode("utf-8", "replace").splitlines()))' "$tmp/err")
if [ "$lines" = 1 ] && grep -q "is not a valid URI" "$tmp/err" && cmp -s "$tmp/orig.xml" "$tmp/in.xml"; then
    ok "xml Unicode line breaks in a libxml2 message: one line for splitlines(): $(head -c 200 "$tmp/err")"
else
    not_ok "xml Unicode line breaks in a libxml2 message: $lines lines for splitlines(): $(head -c 300 "$tmp/err")"
fi
rm -f "$tmp/in.xml" "$tmp/orig.xml"

# --- huge pages, and another host's <pages> ---------------------------------
# On the two-node fixture with 2 MiB and 1 GiB pages (512 and 9 on node 0).
caps=$fixtures/caps-hugepages.xml
HP="<domain type='kvm'><name>h</name><memory unit='MiB'>64</memory><vcpu>2</vcpu>"
CELLS="<cpu><numa><cell id='0' cpus='0' memory='32' unit='MiB'/><cell id='1' cpus='1' memory='32' unit='MiB'/></numa></cpu>"
hp_case() { # hp_case NAME PAGES [legal]: <hugepages> holding PAGES, with guest cells
    xml "$HP<memoryBacking><hugepages>$2</hugepages></memoryBacking>$CELLS</domain>"
    xml_case "huge pages $1" ${3:-}
}
hp_case "size 0" "<page size='0'/>"
hp_case "negative size" "<page size='-2048'/>"
hp_case "20-digit size" "<page size='99999999999999999999'/>"
hp_case "size with a trailing blank" "<page size='2048 '/>"
hp_case "empty size" "<page size=''/>"
hp_case "no size" "<page unit='KiB'/>"
hp_case "unknown unit" "<page size='2048' unit='furlongs'/>"
hp_case "8 EiB (overflows)" "<page size='8' unit='EiB'/>"
hp_case "1 EiB (no such size)" "<page size='1' unit='EiB'/>"
hp_case "2 MB (1954 KiB, no such size)" "<page size='2' unit='MB'/>"
hp_case "nodeset not a set" "<page size='2048' nodeset='x'/>"
hp_case "empty nodeset" "<page size='2048' nodeset=''/>"
hp_case "size with a leading blank and +" "<page size=' +2' unit='M'/>" legal
hp_case "in bytes" "<page size='2097152' unit='bytes'/>" legal
hp_case "nodeset naming an absent cell" "<page size='2048' nodeset='5'/>" legal
xml "<domain type='kvm'><name>h</name><memory unit='GiB'>4</memory><vcpu>1</vcpu><memoryBacking><hugepages><page size='1' unit='GiB'/></hugepages></memoryBacking></domain>"
run "huge pages more than the host's total" -- numa=strict:1 _hook_domxml="$tmp/in.xml"
pages_case() { # pages_case NAME REPLACEMENT [legal]: node 0's 2 MiB <pages> replaced
    sed "0,/<pages unit='KiB' size='2048'>512<\/pages>/s//$2/" "$fixtures/caps-hugepages.xml" > "$tmp/caps.xml"
    caps=$tmp/caps.xml
    xml "$HP<memoryBacking><hugepages><page size='2048'/></hugepages></memoryBacking></domain>"
    run "capabilities <pages> $1" ${3:-} -- numa=strict:0 _hook_domxml="$tmp/in.xml"
}
pages_case "size 0" "<pages unit='KiB' size='0'>512<\/pages>"
pages_case "no size" "<pages unit='KiB'>512<\/pages>"
pages_case "unknown unit" "<pages unit='furlong' size='2048'>512<\/pages>"
pages_case "negative count" "<pages unit='KiB' size='2048'>-512<\/pages>"
pages_case "count not a number" "<pages unit='KiB' size='2048'>lots<\/pages>"
pages_case "25-digit count" "<pages unit='KiB' size='2048'>9999999999999999999999999<\/pages>"
pages_case "in MiB, blanks around the count" "<pages unit='MiB' size='2'> 512 <\/pages>" legal
sed -e "0,/<memory unit='KiB'>16777216<\/memory>/s///" -e "/<cpu id='[01]' /d" -e "0,/<cpus num='2'>/s//<cpus num='0'>/" \
    "$fixtures/caps-hugepages.xml" > "$tmp/caps.xml"
caps=$tmp/caps.xml
xml "$HP<memoryBacking><hugepages><page size='2048'/></hugepages></memoryBacking></domain>"
run "capabilities cell with no <memory> and <cpus num='0'>" legal -- numa=strict:0 _hook_domxml="$tmp/in.xml"
caps=$fixtures/caps-4node.xml

# --- the path -----------------------------------------------------------------
valid; run "path _hook_domxml unset" -- numa=strict:0
valid; run "path _hook_domxml empty" -- numa=strict:0 _hook_domxml=
valid; run "path relative" legal -- numa=strict:0 _hook_domxml=in.xml
mkdir "$tmp/dir"; run "path directory" -- numa=strict:0 _hook_domxml="$tmp/dir"
mkfifo "$tmp/fifo"; run "path FIFO (no hang)" -- numa=strict:0 _hook_domxml="$tmp/fifo"
run "path /dev/zero" -- numa=strict:0 _hook_domxml=/dev/zero
run "path missing" -- numa=strict:0 _hook_domxml="$tmp/missing.xml"
cp "$fixtures/libvirt.xml" "$tmp/real.xml"; ln -s "$tmp/real.xml" "$tmp/in.xml"
run "path symlink to a real file" -- numa=strict:0 _hook_domxml="$tmp/in.xml"
cmp -s "$fixtures/libvirt.xml" "$tmp/real.xml" && ok "path symlink target untouched" || not_ok "path symlink target changed"
ln -s "$tmp/nowhere.xml" "$tmp/in.xml"; run "path dangling symlink" -- numa=strict:0 _hook_domxml="$tmp/in.xml"
ln -s /etc/passwd "$tmp/in.xml"; run "path symlink to /etc/passwd" -- numa=strict:0 _hook_domxml="$tmp/in.xml"
run "path /etc/passwd itself" -- numa=strict:0 _hook_domxml=/etc/passwd
valid; ln "$tmp/in.xml" "$tmp/second-name.xml"
run "path file with two hard links" -- numa=strict:0 _hook_domxml="$tmp/in.xml"
rm -f "$tmp/second-name.xml"

# --- this host's node memory (libnuma, no --capabilities) -------------------
# A node whose memory cannot be read is a refusal that names the file and the
# error, never a memoryless node (which narrowed "^" sets and gave false
# reasons: "node 0 has no memory... (nodes with memory: )").
meminfo=/sys/devices/system/node/node0/meminfo
if [ -r "$meminfo" ]; then
    # Too few descriptors: whichever open fails first refuses with one line.
    named=""
    for nofile in 4 5 6 7 8 9 10 11 12; do
        valid
        cp "$tmp/in.xml" "$tmp/orig.xml"
        (cd "$tmp" && timeout 30 env -i numa=strict:0 _hook_domxml="$tmp/in.xml" prlimit --nofile=$nofile "$hook" > /dev/null 2> "$tmp/err" < /dev/null)
        rc=$?
        if [ "$rc" = 0 ] && grep -q "nodeset='0'" "$tmp/in.xml"; then
            ok "host: nofile=$nofile: enough to succeed"
        elif [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^numa: ' "$tmp/err" && ! grep -q "no memory" "$tmp/err" \
            && cmp -s "$tmp/orig.xml" "$tmp/in.xml"; then
            ok "host: nofile=$nofile: refused: $(cat "$tmp/err")"
            grep -q "node0/meminfo: Too many open files" "$tmp/err" && named=$nofile
        else
            not_ok "host: nofile=$nofile: exit $rc: $(head -c 300 "$tmp/err")"
        fi
        rm -f "$tmp/in.xml" "$tmp/orig.xml" "$tmp"/.numa-*
    done
    # The supervisor needs more descriptors than its worker does (its pipes
    # and socket), so a limit on both may stop the run before the worker
    # opens a meminfo; where one does reach it, the refusal must name it.
    # test_topology and test_hook prove EMFILE from libnuma at every node.
    if [ -n "$named" ]; then
        ok "host: out of descriptors at node 0's meminfo (nofile=$named): the refusal names the file and EMFILE"
    else
        ok "host: no descriptor limit from 4 to 12 reached node 0's meminfo # SKIP the supervisor needs more than its worker"
    fi

    # An unreadable or empty meminfo, mounted over the real one in a private mount namespace (root only).
    if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null && command -v setpriv > /dev/null && unshare -m true 2> /dev/null; then
        # As nobody (root reads a mode 0000 file), in a directory of its own that it may enter.
        shared=$(mktemp -d)
        chmod 0755 "$shared"
        # A copy nobody can reach: the build tree may sit in a directory only root can enter.
        cp "$hook" "$shared/hook-for-nobody" && chmod 0755 "$shared/hook-for-nobody"
        printf 'Node 0 MemTotal: 1 kB\n' > "$tmp/meminfo"
        chmod 0000 "$tmp/meminfo"
        for over in unreadable empty; do
            cp "$fixtures/libvirt.xml" "$shared/in.xml"
            chown 65534:65534 "$shared/in.xml"
            src=$tmp/meminfo want="node0/meminfo: Permission denied"
            [ $over = empty ] && src=/dev/null want="node0/meminfo: no MemTotal in it"
            unshare -m sh -c 'mount --bind "$1" "$2" && cd "$3" && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
                env -i numa=strict:0 _hook_domxml="$3/in.xml" "$4"' _ "$src" "$meminfo" "$shared" "$shared/hook-for-nobody" > /dev/null 2> "$tmp/err" < /dev/null
            rc=$?
            if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -qF "cannot read the memory of node 0 from /sys/devices/system/node/$want" "$tmp/err" \
                && cmp -s "$fixtures/libvirt.xml" "$shared/in.xml"; then
                ok "host: $over node 0 meminfo: $(cat "$tmp/err")"
            else
                not_ok "host: $over node 0 meminfo: exit $rc: $(head -c 300 "$tmp/err")"
            fi
        done
        rm -rf "$shared"
    else
        echo "# SKIP host: an unreadable meminfo needs root and mount namespaces"
    fi

    # machine.slice's memory nodes, from a cgroup tree mounted over /sys/fs/cgroup
    # in a private mount namespace (root only): v2, v1 and none; never with
    # --capabilities, which describe another host.
    if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null && unshare -m true 2> /dev/null; then
        v2=/sys/fs/cgroup/machine.slice/cpuset.mems.effective v1=/sys/fs/cgroup/cpuset/machine.slice/cpuset.mems
        # cg_case NAME FILE MEMS WANT-RC WANT-TEXT PROPERTY [HOOK ARGS...]: FILE holds MEMS
        # (none: no file; a trailing /: a directory in its place)
        cg_case() {
            local name=$1 file=$2 mems=$3 want_rc=$4 want=$5 property=$6
            shift 6
            valid
            cp "$tmp/in.xml" "$tmp/orig.xml"
            unshare -m sh -c 'mount -t tmpfs cgroup-test /sys/fs/cgroup || exit 99
                case "$1" in none) ;; */) mkdir -p "$1" ;; *) mkdir -p "${1%/*}" && printf "%s\n" "$2" > "$1" ;; esac
                shift 2; cd "$1" && shift && exec env -i "$@"' _ "$file" "$mems" "$tmp" "$property" _hook_domxml="$tmp/in.xml" "$hook" "$@" \
                > /dev/null 2> "$tmp/err" < /dev/null
            rc=$?
            if [ "$rc" != "$want_rc" ] || ! grep -qF -- "$want" "$tmp/err"; then
                not_ok "host cgroup: $name: exit $rc: $(head -c 300 "$tmp/err")"
            elif [ "$rc" = 2 ] && { [ "$(wc -l < "$tmp/err")" != 1 ] || ! cmp -s "$tmp/orig.xml" "$tmp/in.xml"; }; then
                not_ok "host cgroup: $name: not one line, or the file changed: $(head -c 300 "$tmp/err")"
            else
                ok "host cgroup: $name: $(head -c 240 "$tmp/err" | tr '\n' ' ')"
            fi
            rm -f "$tmp/in.xml" "$tmp/orig.xml" "$tmp"/.numa-*
        }
        outside="node 0 is outside the memory nodes VMs may use on this host (1, in"
        cg_case "v2 without node 0: strict refused" $v2 1 2 "numa: 'strict:0': $outside $v2)" numa=strict:0
        cg_case "v2 without node 0: restrictive refused" $v2 1 2 "numa: 'restrictive:0': $outside $v2)" numa=restrictive:0
        cg_case "v1 without node 0: strict refused" $v1 1 2 "numa: 'strict:0': $outside $v1)" numa=strict:0
        cg_case "v2 without node 0: preferred warns" $v2 1 0 "numa: warning: 'preferred:0': $outside $v2)" numa=preferred:0
        cg_case "v2 without node 0: interleave warns" $v2 1 0 "numa: warning: 'interleave:0': $outside $v2)" numa=interleave:0
        cg_case "v2 with node 0: accepted" $v2 0 0 "numa: set <memory mode='strict' nodeset='0'/>" numa=strict:0
        cg_case "no machine.slice: accepted" none "" 0 "numa: set <memory mode='strict' nodeset='0'/>" numa=strict:0
        cg_case "v2 unreadable: refused naming it" $v2/ "" 2 "numa: cannot read the memory nodes VMs may use on this host from $v2" numa=strict:0
        cg_case "v2 without node 0, --capabilities: another host, not checked" $v2 1 0 "numa: set <memory mode='strict' nodeset='0'/>" \
            numa=strict:0 --capabilities "$caps"
    else
        echo "# SKIP host cgroup: it needs root and mount namespaces"
    fi
else
    echo "# SKIP host: no $meminfo (no NUMA here)"
fi

# --- runs at the same time -------------------------------------------------
# (flock(1) from util-linux holds the locks here; a package build root may lack it.)
if command -v flock > /dev/null; then
    # hooks_at_once NAME SPECS...: one hook per spec on $tmp/in.xml, all let go
    # at the same moment (they wait on a shared flock of a barrier file that
    # this shell holds); rcs and errs get each run's exit code and message.
    hooks_at_once() {
        local name=$1 i=0 pid
        shift
        local pids=()
        exec 8> "$tmp/barrier"
        flock -x 8
        for spec in "$@"; do
            (exec 8>&-; flock -w 10 -s "$tmp/barrier" true; cd "$tmp" && exec timeout 30 env -i PATH="$PATH" $spec _hook_domxml="$tmp/in.xml" \
                "$hook" --capabilities "$caps" > /dev/null 2> "$tmp/err.$i" < /dev/null) &
            pids+=($!)
            i=$((i + 1))
        done
        sleep 0.3
        exec 8>&-
        rcs=() errs=()
        for i in "${!pids[@]}"; do
            wait "${pids[$i]}"
            rcs+=($?)
            errs+=("$(cat "$tmp/err.$i")")
        done
        rm -f "$tmp"/err.* "$tmp/barrier"
    }

    # Eight hooks bind eight guest cells of one file at once. Each must end
    # with success or one clean refusal line, and the file must hold every
    # edit that reported success (before the flock, several "succeeded" and
    # all but the last rename were lost). 4 MB of comment make each run take
    # long enough that the eight overlap.
    {
        printf "<domain type='kvm'><name>cells</name><memory unit='MiB'>512</memory><vcpu>8</vcpu><cpu><numa>"
        for i in 0 1 2 3 4 5 6 7; do printf "<cell id='%d' cpus='%d' memory='64' unit='MiB'/>" "$i" "$i"; done
        printf "</numa></cpu><!-- "
        head -c $((4 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
        printf " --></domain>\n"
    } > "$tmp/in.xml"
    specs=() all=""
    for i in 0 1 2 3 4 5 6 7; do specs+=("numa_memnode=$i=strict:$((i % 4))"); all="$all $i=strict:$((i % 4))"; done
    hooks_at_once "cells" "${specs[@]}"
    succeeded=0 bad=""
    for i in "${!rcs[@]}"; do
        if [ "${rcs[$i]}" = 0 ]; then
            succeeded=$((succeeded + 1))
            grep -q "<memnode cellid='$i'" "$tmp/in.xml" || bad="$bad cell $i reported success but its edit is lost;"
        elif [ "${rcs[$i]}" != 2 ] || [ "$(printf '%s\n' "${errs[$i]}" | wc -l)" != 1 ] || [[ "${errs[$i]}" != "numa: "* ]]; then
            bad="$bad cell $i: exit ${rcs[$i]}: ${errs[$i]};"
        elif grep -q "<memnode cellid='$i'" "$tmp/in.xml"; then
            bad="$bad cell $i was refused but its edit is there;"
        fi
    done
    [ -z "$bad" ] && ok "8 hooks at once, one cell each: $succeeded succeeded, each of their edits is in the file" \
        || not_ok "8 hooks at once:$bad"
    [ "$succeeded" = 8 ] && ok "8 hooks at once: they took turns, none had to refuse" \
        || not_ok "8 hooks at once: only $succeeded of 8 succeeded: ${errs[*]}"
    # The file is whole and holds exactly these bindings: a run that asks for all of them has nothing to do.
    timeout 30 env -i numa_memnode="${all# }" _hook_domxml="$tmp/in.xml" "$hook" --capabilities "$caps" 2> "$tmp/err" > /dev/null
    grep -q "is already in the domain XML" "$tmp/err" && [ "$(grep -o '<memnode ' "$tmp/in.xml" | wc -l)" = 8 ] \
        && ok "8 hooks at once: the result is one well-formed <numatune> with all 8 cells" \
        || not_ok "8 hooks at once: the result: $(cat "$tmp/err")"
    rm -f "$tmp/in.xml"

    # The same value eight times at once: one run edits, seven find it done.
    valid
    { printf '<!-- '; head -c $((4 * 1024 * 1024)) /dev/zero | tr '\0' 'x'; printf ' -->\n'; } >> "$tmp/in.xml"
    timeout 30 env -i numa=strict:0 "$hook" --capabilities "$caps" --domxml "$tmp/in.xml" --dry-run > "$tmp/expected.xml" 2> /dev/null
    hooks_at_once "same" numa=strict:0 numa=strict:0 numa=strict:0 numa=strict:0 numa=strict:0 numa=strict:0 numa=strict:0 numa=strict:0
    set_lines=0 noop_lines=0
    for i in "${!rcs[@]}"; do
        [ "${rcs[$i]}" = 0 ] && [[ "${errs[$i]}" == "numa: set "* ]] && set_lines=$((set_lines + 1))
        [ "${rcs[$i]}" = 0 ] && [[ "${errs[$i]}" == *"nothing to change" ]] && noop_lines=$((noop_lines + 1))
    done
    if [ "$set_lines" = 1 ] && [ "$noop_lines" = 7 ] && cmp -s "$tmp/expected.xml" "$tmp/in.xml"; then
        ok "the same value 8 times at once: one edit, 7 no-ops, the result of one run"
    else
        not_ok "the same value 8 times at once: $set_lines edits, $noop_lines no-ops: ${errs[*]}"
    fi
    rm -f "$tmp/in.xml" "$tmp/expected.xml"

    # A process that holds the file's lock and never lets go: the hook waits
    # 5 s, then refuses with one line, the file untouched.
    valid
    cp "$tmp/in.xml" "$tmp/orig.xml"
    (exec 7< "$tmp/in.xml"; flock -x 7; exec sleep 60) &
    holder=$!
    for _ in $(seq 100); do flock -n -s "$tmp/in.xml" true || break; sleep 0.05; done
    start=$(date +%s)
    timeout 30 env -i numa=strict:0 _hook_domxml="$tmp/in.xml" "$hook" --capabilities "$caps" > /dev/null 2> "$tmp/err"
    rc=$? took=$(($(date +%s) - start))
    kill "$holder" 2> /dev/null
    wait "$holder" 2> /dev/null
    if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "^numa: .* is locked by another process; gave up after 5 s" "$tmp/err" \
        && cmp -s "$tmp/orig.xml" "$tmp/in.xml" && [ "$took" -ge 4 ] && [ "$took" -le 8 ]; then
        ok "a lock held forever: refused after ${took} s: $(cat "$tmp/err")"
    else
        not_ok "a lock held forever: exit $rc after ${took} s: $(head -c 300 "$tmp/err")"
    fi
    rm -f "$tmp/in.xml" "$tmp/orig.xml"
else
    echo "# SKIP runs at the same time: they need flock(1)"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
