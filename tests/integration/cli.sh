#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line and the environment, run as an admin or VDSM would.
#
#   cli.sh HOOK FIXTURES VERSION
#
# Prints TAP.
set -u
hook=$(realpath "$1") fixtures=$(realpath "$2") version=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

# expect NAME RC STDERR-PART [STDOUT-PART] -- COMMAND...: runs it with a clean copy of
# libvirt.xml at $tmp/dom.xml and checks the exit code, the one-line rule and the text.
expect() {
    local name=$1 want_rc=$2 want_err=$3 want_out=$4
    shift 5
    cp "$fixtures/libvirt.xml" "$tmp/dom.xml"
    timeout 20 "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    local rc=$?
    if [ "$rc" != "$want_rc" ]; then
        not_ok "$name: exit $rc, expected $want_rc: $(head -c 300 "$tmp/err")"
        return
    fi
    if [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$tmp/err"; then
        not_ok "$name: stderr lacks '$want_err': $(head -c 300 "$tmp/err")"
        return
    fi
    if [ "$want_rc" = 2 ] && [ "$(wc -l < "$tmp/err")" != 1 ]; then
        not_ok "$name: $(wc -l < "$tmp/err") stderr lines, expected exactly one"
        return
    fi
    if [ "$want_rc" = 2 ] && ! grep -q '^numa: ' "$tmp/err"; then
        not_ok "$name: the error line does not start with 'numa: '"
        return
    fi
    if [ -n "$want_out" ] && ! grep -qF -- "$want_out" "$tmp/out"; then
        not_ok "$name: stdout lacks '$want_out'"
        return
    fi
    if [ "$want_rc" = 2 ] && ! cmp -s "$fixtures/libvirt.xml" "$tmp/dom.xml"; then
        not_ok "$name: the domain XML changed"
        return
    fi
    ok "$name"
}

caps=(--capabilities "$fixtures/caps-4node.xml")
env_run=(env -u numa -u numaset -u _hook_domxml)

expect "help" 0 "" "Usage:" -- "${env_run[@]}" "$hook" --help
expect "short help" 0 "" "--dry-run" -- "${env_run[@]}" "$hook" -h
expect "version" 0 "" "vdsm-hook-numa $version" -- "${env_run[@]}" "$hook" --version
expect "unknown option" 2 "numa: unknown option '--frobnicate'; see --help" "" -- "${env_run[@]}" "$hook" --frobnicate
expect "option without value" 2 "numa: option '--numa' needs a value" "" -- "${env_run[@]}" "$hook" --numa
expect "stray argument" 2 "numa: unexpected argument 'extra'" "" -- "${env_run[@]}" "$hook" extra
# A value with a newline or a Unicode line break stays on the one line, quoted.
expect "unknown option holding a newline" 2 "numa: unknown option '--x\x0anuma: forged'; see --help" "" -- "${env_run[@]}" "$hook" $'--x\nnuma: forged'
expect "stray argument holding U+2028" 2 "numa: unexpected argument 'a\xe2\x80\xa8numa: forged'" "" -- "${env_run[@]}" "$hook" $'a\u2028numa: forged'
expect "no property, no file: nothing to do" 0 "" "" -- "${env_run[@]}" "$hook"
expect "no property: silent" 0 "" "" -- "${env_run[@]}" _hook_domxml="$tmp/dom.xml" "$hook"
expect "property without _hook_domxml" 2 "_hook_domxml is not set" "" -- "${env_run[@]}" numa=strict:0 "$hook" "${caps[@]}"
expect "empty _hook_domxml" 2 "path is empty" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml= "$hook" "${caps[@]}"
expect "missing file" 2 "No such file or directory" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/nope.xml" "$hook" "${caps[@]}"
expect "--numa overrides the environment" 0 "from 'strict:1'" "" -- "${env_run[@]}" numa=strict:9 _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}" --numa strict:1
expect "--domxml overrides the environment" 0 "from 'strict:1'" "" -- "${env_run[@]}" numa=strict:1 _hook_domxml=/nonexistent "$hook" "${caps[@]}" --domxml "$tmp/dom.xml"
expect "numaset alone" 0 "from 'interleave:0-1'" "" -- "${env_run[@]}" numaset=interleave:0-1 _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}"
expect "numa and numaset equal but for surrounding whitespace" 0 "from 'strict:0'" "" -- "${env_run[@]}" numa=strict:0 numaset=' strict:0 ' _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}"
expect "numa and numaset differ" 2 "differ; set only one" "" -- "${env_run[@]}" numa=strict:0 numaset=strict:1 _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}"
expect "empty property" 2 "invalid value '': empty" "" -- "${env_run[@]}" numa= _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}"
expect "dry run prints the XML" 0 "numa: set <memory mode='strict' nodeset='2'/>" "<memory mode='strict' nodeset='2'/>" -- "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml "$tmp/dom.xml" --dry-run
expect "dry run fails like a real run" 2 "node 7 does not exist" "" -- "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:7 --domxml "$tmp/dom.xml" --dry-run
expect "with --capabilities, messages name the host in FILE" 2 "numa: 'strict:7': node 7 does not exist on the host in $fixtures/caps-4node.xml (host nodes: 0-3)" "" -- "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:7 --domxml "$tmp/dom.xml" --dry-run
expect "a pasted en dash is named, with the ASCII to type" 2 "numa: invalid value 'strict:1\\xe2\\x80\\x932': U+2013 EN DASH, which is not ASCII, at position 9; type '-' instead" "" -- "${env_run[@]}" numa=$'strict:1\xe2\x80\x932' _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}"
expect "a quoted value: say it takes no quotes" 2 "the value must not be quoted; set it as strict:1" "" -- "${env_run[@]}" numa="'strict:1'" _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}"
expect "dry run without property shows the file" 0 "no 'numa' or 'numa_memnode' custom property" "<name>web</name>" -- "${env_run[@]}" "$hook" --domxml "$tmp/dom.xml" --dry-run
# Options that contradict each other are usage errors, not silently ignored.
expect "--topology with --numa refused" 2 "numa: options '--topology' and '--numa' cannot be used together; see --help" "" -- "${env_run[@]}" "$hook" --topology --numa strict:0
expect "--numa after --topology refused too" 2 "options '--numa' and '--topology' cannot be used together" "" -- "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:0 --domxml "$tmp/dom.xml" --topology
expect "--topology with --dry-run refused" 2 "options '--topology' and '--dry-run' cannot be used together" "" -- "${env_run[@]}" "$hook" --topology --dry-run
expect "a repeated --numa refused, not the last taken" 2 "numa: option '--numa' given twice; see --help" "" -- "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:9 --numa strict:1 --domxml "$tmp/dom.xml"
expect "a repeated --domxml refused" 2 "option '--domxml' given twice" "" -- "${env_run[@]}" numa=strict:1 "$hook" "${caps[@]}" --domxml /nonexistent --domxml "$tmp/dom.xml"
expect "-h and --help count as one option" 2 "option '--help' given twice" "" -- "${env_run[@]}" "$hook" -h --help
expect "--version with an unknown option refused" 2 "numa: unknown option '--bogus'; see --help" "" -- "${env_run[@]}" "$hook" --version --bogus
expect "--version with another option refused" 2 "options '--version' and '--numa' cannot be used together" "" -- "${env_run[@]}" "$hook" --version --numa strict:0
expect "--help with --version refused" 2 "options '--help' and '--version' cannot be used together" "" -- "${env_run[@]}" "$hook" --help --version
# --numa and --numa-memnode bind memory only at before_vm_start: with another --hook-point they would be ignored.
expect "--numa at the migration destination refused" 2 "numa: option '--numa' cannot be used with '--hook-point before_vm_migrate_destination': only before_vm_start binds memory; see --help" "" -- "${env_run[@]}" "$hook" "${caps[@]}" --hook-point before_vm_migrate_destination --numa strict:7 --domxml "$tmp/dom.xml"
expect "--numa-memnode before a restore refused" 2 "option '--numa-memnode' cannot be used with '--hook-point before_vm_dehibernate'" "" -- "${env_run[@]}" "$hook" "${caps[@]}" --numa-memnode garbage --hook-point before_vm_dehibernate --domxml "$tmp/dom.xml"
expect "--numa at an after_* point refused" 2 "option '--numa' cannot be used with '--hook-point after_vm_destroy'" "" -- "${env_run[@]}" "$hook" --hook-point after_vm_destroy --numa strict:0 --domxml "$tmp/dom.xml"
expect "--numa with --hook-point before_vm_start is fine" 0 "from 'strict:2'" "" -- "${env_run[@]}" "$hook" "${caps[@]}" --hook-point before_vm_start --numa strict:2 --domxml "$tmp/dom.xml"
expect "the numa property at the migration destination is ignored" 0 "numa: incoming <numatune> fits" "" -- "${env_run[@]}" numa=strict:7 numa_memnode=garbage "$hook" "${caps[@]}" --hook-point before_vm_migrate_destination --domxml "$fixtures/existing-numatune.xml"
expect "--topology with --capabilities is fine" 0 "" "source: $fixtures/caps-4node.xml" -- "${env_run[@]}" "$hook" "${caps[@]}" --topology
# What they print must arrive: a full or closed standard output is a failure.
expect "--topology to a full stdout" 2 "numa: cannot write to standard output: No space left on device" "" -- bash -c 'exec "$@" > /dev/full' _ "${env_run[@]}" "$hook" --topology "${caps[@]}"
expect "--topology of this host to a full stdout" 2 "cannot write to standard output: No space left on device" "" -- bash -c 'exec "$@" > /dev/full' _ "${env_run[@]}" "$hook" --topology
# A reader that has gone: a write error and its one line, not a silent death by SIGPIPE (self-guarded and supervised).
for supervise in 0 1; do
    expect "--dry-run to a closed pipe (VDSM_HOOK_NUMA_SUPERVISE=$supervise)" 2 "numa: " "" -- \
        python3 -c 'import os, subprocess, sys
r, w = os.pipe(); os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=sys.stderr)
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)' \
        "${env_run[@]}" VDSM_HOOK_NUMA_SUPERVISE=$supervise "$hook" --numa strict:0 "${caps[@]}" --domxml "$tmp/dom.xml" --dry-run
    if [ "$(grep -c '^numa: ' "$tmp/err")" = 1 ] && grep -qE "Broken pipe|signal 13" "$tmp/err"; then
        ok "--dry-run to a closed pipe (VDSM_HOOK_NUMA_SUPERVISE=$supervise): one line: $(cat "$tmp/err")"
    else
        not_ok "--dry-run to a closed pipe (VDSM_HOOK_NUMA_SUPERVISE=$supervise): $(head -c 300 "$tmp/err")"
    fi
done
expect "--help to a full stdout" 2 "cannot write to standard output: No space left on device" "" -- bash -c 'exec "$@" > /dev/full' _ "${env_run[@]}" "$hook" --help
expect "--version to a full stdout" 2 "cannot write to standard output: No space left on device" "" -- bash -c 'exec "$@" > /dev/full' _ "${env_run[@]}" "$hook" --version
expect "--version to a closed stdout" 2 "cannot write to standard output: Bad file descriptor" "" -- bash -c 'exec "$@" >&-' _ "${env_run[@]}" "$hook" --version
expect "--topology to a closed stdout" 2 "cannot write to standard output: Bad file descriptor" "" -- bash -c 'exec "$@" >&-' _ "${env_run[@]}" "$hook" --topology "${caps[@]}"
expect "--dry-run to a full stdout" 2 "cannot write to standard output: No space left on device" "" -- bash -c 'exec "$@" > /dev/full' _ "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml "$tmp/dom.xml" --dry-run

# --domxml -: the document from standard input, for a dry run only.
expect "--domxml - reads standard input" 0 "numa: set <memory mode='strict' nodeset='2'/> from 'strict:2'" "<memory mode='strict' nodeset='2'/>" -- bash -c 'exec "$@" < "$0"' "$fixtures/libvirt.xml" "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml - --dry-run
expect "--domxml - reads a pipe" 0 "from 'strict:2'" "<memory mode='strict' nodeset='2'/>" -- bash -c 'cat "$0" | "$@"' "$fixtures/libvirt.xml" "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml - --dry-run
expect "--domxml - without a property shows the document" 0 "no 'numa' or 'numa_memnode' custom property" "<name>web</name>" -- bash -c 'cat "$0" | "$@"' "$fixtures/libvirt.xml" "${env_run[@]}" "$hook" --domxml - --dry-run
expect "--domxml - decides as a real run" 2 "node 7 does not exist" "" -- bash -c 'cat "$0" | "$@"' "$fixtures/libvirt.xml" "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:7 --domxml - --dry-run
expect "--domxml - at the migration destination" 0 "numa: incoming <numatune> fits the host in $fixtures/caps-4node.xml" "" -- bash -c 'cat "$0" | "$@"' "$fixtures/existing-numatune.xml" "${env_run[@]}" "$hook" "${caps[@]}" --hook-point before_vm_migrate_destination --domxml - --dry-run
expect "--domxml - without --dry-run refused" 2 "numa: '--domxml -' reads the domain XML from standard input, which only a dry run can: add --dry-run" "" -- bash -c 'cat "$0" | "$@"' "$fixtures/libvirt.xml" "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml -
expect "--domxml - over 64 MiB refused" 2 "domain XML from standard input is more than the limit of 67108864 bytes" "" -- bash -c 'head -c 70000000 /dev/zero | "$@"' _ "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml - --dry-run
expect "--domxml - from a closed stdin" 2 "cannot read domain XML from standard input: Bad file descriptor" "" -- bash -c 'exec "$@" <&-' _ "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml - --dry-run

expect "topology from capabilities" 0 "" "3      8 GiB        -            6-7" -- "${env_run[@]}" "$hook" --topology "${caps[@]}"
expect "topology of this host" 0 "" "source: this host (libnuma)" -- "${env_run[@]}" "$hook" --topology
expect "topology lists huge pages from capabilities" 0 "" "huge pages: total per node (capabilities XML has no free count)" -- "${env_run[@]}" "$hook" --topology --capabilities "$fixtures/caps-hugepages.xml"
expect "topology gives each node's pages per size" 0 "" "1      0                3" -- "${env_run[@]}" "$hook" --topology --capabilities "$fixtures/caps-hugepages.xml"
expect "topology without huge pages says so" 0 "" "huge pages: none" -- "${env_run[@]}" "$hook" --topology "${caps[@]}"
# caps-s822l.xml lists no <pages> at all (libvirt before 1.2.7): nothing is known of its huge pages, not "none".
expect "topology: capabilities without <pages>" 0 "" "huge pages: unknown (the capabilities XML has no <pages>)" -- "${env_run[@]}" "$hook" --topology --capabilities "$fixtures/caps-s822l.xml"
# The whole report of a document with <distances>, but its source line (the path): the nodes and huge
# pages as before, then the distance matrix and the tiers.
"${env_run[@]}" "$hook" --topology "${caps[@]}" > "$tmp/topology" 2>&1
if tail -n +2 "$tmp/topology" | cmp -s - "$(dirname "$0")/expected/topology-caps-4node.txt"; then
    ok "topology: the report of caps-4node.xml is expected/topology-caps-4node.txt"
else
    not_ok "topology: the report of caps-4node.xml differs: $(tail -n +2 "$tmp/topology" | diff - "$(dirname "$0")/expected/topology-caps-4node.txt" | head -5 | tr '\n' ' ')"
fi
expect "topology: the distance matrix's header row" 0 "" "node distances:" -- "${env_run[@]}" "$hook" --topology "${caps[@]}"
expect "topology: one row per node" 0 "" "  1:  21  10  21  21" -- "${env_run[@]}" "$hook" --topology "${caps[@]}"
expect "topology: another host has one memory tier" 0 "" "memory tiers: one (the capabilities XML has none)" -- "${env_run[@]}" "$hook" --topology "${caps[@]}"
expect "topology: capabilities without <distances>" 0 "" "node distances: unknown (the capabilities XML has no <distances>)" -- "${env_run[@]}" "$hook" --topology --capabilities "$fixtures/caps-s822l.xml"
# A cell without <distances> beside cells with: its row unknown, its column as the others give it.
awk '/<cell id=.3.>/ { c = 1 } c && /<distances>/ { skip = 1 } !skip { print } skip && /<\/distances>/ { skip = 0; c = 0 }' "$fixtures/caps-4node.xml" > "$tmp/caps-partial-distances.xml"
expect "topology: a cell without <distances> is a row of -" 0 "" "  3:   -   -   -   -" -- "${env_run[@]}" "$hook" --topology --capabilities "$tmp/caps-partial-distances.xml"
expect "topology: the others still give their distance to it" 0 "" "  0:  10  21  21  21" -- "${env_run[@]}" "$hook" --topology --capabilities "$tmp/caps-partial-distances.xml"
sed "s/<sibling id='1' value='21'\/>/<sibling id='1' value='far'\/>/" "$fixtures/caps-4node.xml" > "$tmp/caps-bad-distance.xml"
expect "a <sibling> value that is no number is unknown, not refused" 0 "" "  0:  10   -  21  21" -- "${env_run[@]}" "$hook" --topology --capabilities "$tmp/caps-bad-distance.xml"
expect "... nor does it fail a start" 0 "numa: set <memory mode='strict' nodeset='1'/>" "" -- "${env_run[@]}" numa=strict:1 _hook_domxml="$tmp/dom.xml" "$hook" --capabilities "$tmp/caps-bad-distance.xml"
cp "$fixtures/libvirt.xml" "$tmp/dom.xml"
if "${env_run[@]}" numa=strict:3 _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}" 2> "$tmp/err" && ! grep -q warning "$tmp/err"; then
    ok "another host's strict binding to one node: no tier warning (its document has no tiers)"
else
    not_ok "another host's strict binding to one node: $(head -c 300 "$tmp/err")"
fi
expect "topology of this host: distances and tiers" 0 "" "node distances:" -- "${env_run[@]}" "$hook" --topology
expect "topology of this host: its memory tiers" 0 "" "memory tiers: " -- "${env_run[@]}" "$hook" --topology
unknown=(--capabilities "$fixtures/caps-unknown-memory.xml")
expect "topology: a cell without <memory> shows -" 0 "" "1      -            -            2-3" -- "${env_run[@]}" "$hook" --topology "${unknown[@]}"
expect "topology: a node without CPUs shows -" 0 "" "2      -            -            -" -- "${env_run[@]}" "$hook" --topology "${unknown[@]}"
s822l=(--capabilities "$fixtures/caps-s822l.xml")
expect "topology: beside cells with <memory>, one without is memoryless" 0 "" "17     0 B          -            120,128" -- "${env_run[@]}" "$hook" --topology "${s822l[@]}"
expect "beside cells with <memory>, preferred on one without is refused" 2 "numa: 'preferred:17': node 17 has no memory (nodes with memory: 0,16)" "" -- "${env_run[@]}" numa=preferred:17 _hook_domxml="$tmp/dom.xml" "$hook" "${s822l[@]}"
expect "beside cells with <memory>, ^ excludes from those with it" 0 "numa: set <memory mode='interleave' nodeset='16'/> from 'interleave:^0'" "" -- "${env_run[@]}" numa=interleave:^0 _hook_domxml="$tmp/dom.xml" "$hook" "${s822l[@]}" --dry-run
expect "unknown memory: one warning, checks skipped" 0 "numa: warning: the capabilities XML gives no <memory> for node 1" "" -- "${env_run[@]}" numa=strict:1 _hook_domxml="$tmp/dom.xml" "$hook" "${unknown[@]}"
cp "$fixtures/hugepages.xml" "$tmp/huge.xml"
expect "capabilities without <pages>: a huge-page VM gets one warning, nothing refused" 0 "numa: warning: the capabilities XML lists no <pages> (libvirt before 1.2.7 wrote none), so huge pages were not checked" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/huge.xml" "$hook" "${s822l[@]}" --dry-run
printf '<capabilities><host>' > "$tmp/caps-broken.xml"
expect "broken capabilities file" 2 "capabilities XML is not well-formed" "" -- "${env_run[@]}" "$hook" --capabilities "$tmp/caps-broken.xml" --topology
expect "missing capabilities file" 2 "cannot open capabilities file" "" -- "${env_run[@]}" "$hook" --capabilities "$tmp/none.xml" --numa strict:0 --domxml "$tmp/dom.xml"
cp "$fixtures/libvirt.xml" "$tmp/caps-wrong.xml"
expect "capabilities without cells" 2 "no host/topology/cells/cell" "" -- "${env_run[@]}" "$hook" --capabilities "$tmp/caps-wrong.xml" --topology
sed "0,/<memory unit='KiB'>16777216</s//<memory unit='KiB'>lots</" "$fixtures/caps-2node.xml" > "$tmp/caps-bad-memory.xml"
expect "capabilities <memory> not a size: says how to fix it" 2 "cell 0 has an invalid <memory> (libvirt writes <memory unit='KiB'>SIZE</memory>); save that host's \`virsh capabilities\` again" "" -- "${env_run[@]}" "$hook" --capabilities "$tmp/caps-bad-memory.xml" --topology
sed "0,/<pages unit='KiB' size='2048'>512</s//<pages unit='MiB' size='2'>512</" "$fixtures/caps-hugepages.xml" > "$tmp/caps-pages-mib.xml"
expect "topology: capabilities <pages> in MiB are the 2 MiB column" 0 "" "0      512              9" -- "${env_run[@]}" "$hook" --topology --capabilities "$tmp/caps-pages-mib.xml"
sed "0,/<pages unit='KiB' size='2048'>512</s//<pages unit='KiB' size='2048'>many</" "$fixtures/caps-hugepages.xml" > "$tmp/caps-pages-bad.xml"
expect "topology: a <pages> count that is no number is refused" 2 "cell 0 has an invalid <pages>" "" -- "${env_run[@]}" "$hook" --topology --capabilities "$tmp/caps-pages-bad.xml"

# Paths VDSM would never hand over, refused without touching anything.
ln -sf "$tmp/dom.xml" "$tmp/link.xml"
expect "symlink refused" 2 "is a symlink; refusing to follow it" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/link.xml" "$hook" "${caps[@]}"
ln -sf /etc/passwd "$tmp/passwd.xml"
expect "symlink to /etc/passwd refused" 2 "is a symlink" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/passwd.xml" "$hook" "${caps[@]}"
mkfifo "$tmp/fifo"
expect "FIFO refused without hanging" 2 "is not a regular file" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/fifo" "$hook" "${caps[@]}"
expect "directory refused" 2 "is not a regular file" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp" "$hook" "${caps[@]}"
expect "/dev/zero refused" 2 "is not a regular file" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml=/dev/zero "$hook" "${caps[@]}"
ln -f "$tmp/dom.xml" "$tmp/second-name.xml" 2>/dev/null
expect "hard-linked file refused" 2 "has 2 hard links" "" -- "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/dom.xml" "$hook" "${caps[@]}"
rm -f "$tmp/second-name.xml"

# A dry run on a file a real run would refuse to replace: the same decision and
# output, one warning saying a real run would refuse, exit 0.
dry_refused() { # dry_refused NAME WARNING-PART COMMAND...: the dry run, then the real run it predicts
    local name=$1 warning=$2
    shift 2
    expect "dry run: $name" 0 "numa: warning: a real run would refuse this file and exit 2: $warning" "<memory mode='strict' nodeset='2'/>" -- "$@" --dry-run
    if [ "$(grep -c '^numa: warning: a real run would refuse' "$tmp/err")" = 1 ] && grep -q "^numa: set <memory mode='strict' nodeset='2'/>" "$tmp/err"; then
        ok "dry run: $name: one such warning, then the decision"
    else
        not_ok "dry run: $name: stderr: $(head -c 500 "$tmp/err")"
    fi
    expect "real run: $name" 2 "$warning" "" -- "$@"
}
ln -f "$tmp/dom.xml" "$tmp/second-name.xml" 2>/dev/null
dry_refused "hard-linked file" "domain XML '$tmp/dom.xml' has 2 hard links" "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml "$tmp/dom.xml"
rm -f "$tmp/second-name.xml"
if [ "$(id -u)" = 0 ] && unshare -m true 2> /dev/null; then
    # A read-only filesystem: a read-only bind mount of the directory, in a mount namespace of its own.
    mkdir -p "$tmp/ro"
    cp "$fixtures/libvirt.xml" "$tmp/ro/dom.xml"
    in_ro_mount=(unshare -m bash -c 'mount --bind -o ro "$0" "$0" && exec "$@"' "$tmp/ro")
    dry_refused "read-only filesystem" "domain XML '$tmp/ro/dom.xml' is not writable by this user (uid 0): Read-only file system" \
        "${in_ro_mount[@]}" "${env_run[@]}" "$hook" "${caps[@]}" --numa strict:2 --domxml "$tmp/ro/dom.xml"
    # root's copy, run as nobody, who may read it but not replace it.
    mkdir -p "$tmp/roots"
    cp "$fixtures/libvirt.xml" "$tmp/roots/dom.xml"
    chmod 0711 "$tmp"
    chmod 0755 "$tmp/roots"
    chmod 0644 "$tmp/roots/dom.xml"
    # Copies nobody can reach: the build and source trees may sit in a directory only root can enter.
    cp "$hook" "$tmp/roots/hook-for-nobody" && chmod 0755 "$tmp/roots/hook-for-nobody"
    cp "$fixtures/caps-4node.xml" "$tmp/roots/caps.xml" && chmod 0644 "$tmp/roots/caps.xml"
    as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    dry_refused "root's file run as nobody" "domain XML '$tmp/roots/dom.xml' is not writable by this user (uid 65534)" \
        "${as_nobody[@]}" "${env_run[@]}" "$tmp/roots/hook-for-nobody" --capabilities "$tmp/roots/caps.xml" --numa strict:2 --domxml "$tmp/roots/dom.xml"
    if cmp -s "$fixtures/libvirt.xml" "$tmp/roots/dom.xml" && cmp -s "$fixtures/libvirt.xml" "$tmp/ro/dom.xml"; then
        ok "dry runs and refused runs left both files alone"
    else
        not_ok "a refused or dry run changed a file"
    fi
    chmod 0700 "$tmp"
else
    ok "# SKIP read-only filesystem and another user's file: needs root and mount namespaces"
fi

# The watchdog: libxml2 2.9 is quadratic in attributes per element, and
# 100 000 of them take seconds. Under a 1 s CPU limit the hook must give up
# cleanly: one line, exit 2, file untouched.
{
    printf "<domain type='kvm'><x"
    seq 100000 | sed "s/.*/ a&='1'/" | tr -d '\n'
    printf "/><vcpu>1</vcpu></domain>"
} > "$tmp/slow.xml"
cp "$tmp/slow.xml" "$tmp/slow.orig"
expect "watchdog ends a slow run" 2 "numa: gave up: CPU time limit reached (watchdog); domain XML left unchanged" "" -- \
    bash -c 'ulimit -S -t 1; exec "$@"' _ "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/slow.xml" "$hook" "${caps[@]}"
if cmp -s "$tmp/slow.xml" "$tmp/slow.orig" && ! ls -A "$tmp" | grep -q '^\.numa-'; then
    ok "watchdog left the file and no temporary"
else
    not_ok "watchdog run changed the file or left a temporary"
fi
# A caller's CPU limit with the soft limit equal to the hard one (prlimit
# --cpu=2): at a hard limit the kernel sends SIGKILL, not SIGXCPU, so the
# hook lowers its soft limit below the hard one to say why it stops.
if command -v prlimit > /dev/null; then
    expect "CPU limit with soft = hard" 2 "numa: gave up: CPU time limit reached (watchdog); domain XML left unchanged" "" -- \
        prlimit --cpu=2 "${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/slow.xml" "$hook" "${caps[@]}"
    if cmp -s "$tmp/slow.xml" "$tmp/slow.orig" && ! ls -A "$tmp" | grep -q '^\.numa-'; then
        ok "CPU limit with soft = hard: the file untouched, no temporary"
    else
        not_ok "CPU limit with soft = hard: the file changed or a temporary is left"
    fi
    # A hard limit of 1 s leaves no room for a soft one below it: a CPU-time
    # timer stands in, in the process guarding itself and in a supervised worker.
    for supervise in 0 1; do
        expect "CPU limit of 1 s, soft = hard (VDSM_HOOK_NUMA_SUPERVISE=$supervise)" 2 "numa: gave up: CPU time limit reached (watchdog); domain XML left unchanged" "" -- \
            prlimit --cpu=1 "${env_run[@]}" VDSM_HOOK_NUMA_SUPERVISE=$supervise numa=strict:0 _hook_domxml="$tmp/slow.xml" "$hook" "${caps[@]}"
    done
    if cmp -s "$tmp/slow.xml" "$tmp/slow.orig" && ! ls -A "$tmp" | grep -q '^\.numa-'; then
        ok "CPU limit of 1 s: the file untouched, no temporary"
    else
        not_ok "CPU limit of 1 s: the file changed or a temporary is left"
    fi
else
    echo "# SKIP a CPU limit with soft = hard: no prlimit (util-linux)"
fi

# No worker process can be started (no process left to this user): one line,
# exit 2, nothing changed. Root is not held to RLIMIT_NPROC, so as nobody.
# A file on a local filesystem needs no worker: VDSM_HOOK_NUMA_SUPERVISE asks for one.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null && command -v prlimit > /dev/null && id nobody > /dev/null 2>&1; then
    cp "$hook" "$tmp/hook-for-nobody"
    cp "$fixtures/caps-4node.xml" "$tmp/caps.xml"
    chmod 0755 "$tmp" "$tmp/hook-for-nobody"
    chmod 0644 "$tmp/caps.xml"
    expect "no worker process can be started" 2 "numa: cannot start the worker process: Resource temporarily unavailable" "" -- \
        setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups prlimit --nproc=0 \
        "${env_run[@]}" VDSM_HOOK_NUMA_SUPERVISE=1 "$tmp/hook-for-nobody" --capabilities "$tmp/caps.xml" --numa strict:0 --domxml "$tmp/caps.xml" --dry-run
    # And the typical run, on a local filesystem, guards itself: no second
    # process. (LeakSanitizer's check at exit needs a thread: not here.)
    cp "$fixtures/libvirt.xml" "$tmp/dom-for-nobody.xml"
    chmod 0644 "$tmp/dom-for-nobody.xml"
    expect "a run on a local filesystem starts no second process" 0 "" "" -- \
        setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups prlimit --nproc=0 \
        "${env_run[@]}" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$tmp/hook-for-nobody" --capabilities "$tmp/caps.xml" --numa strict:0 --domxml "$tmp/dom-for-nobody.xml" --dry-run
else
    echo "# SKIP no worker process: needs root, setpriv, prlimit and a 'nobody' user"
fi

# The file keeps its mode, and no temporary is left behind.
cp "$fixtures/libvirt.xml" "$tmp/mode.xml"
chmod 0640 "$tmp/mode.xml"
"${env_run[@]}" numa=strict:0 _hook_domxml="$tmp/mode.xml" "$hook" "${caps[@]}" 2> /dev/null
if [ "$(stat -c %a "$tmp/mode.xml")" = 640 ] && ! ls -A "$tmp" | grep -q '^\.numa-'; then
    ok "mode kept, no temporary left"
else
    not_ok "mode $(stat -c %a "$tmp/mode.xml") or a temporary left: $(ls -A "$tmp")"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
