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
expect "dry run without property shows the file" 0 "no 'numa' or 'numa_memnode' custom property" "<name>web</name>" -- "${env_run[@]}" "$hook" --domxml "$tmp/dom.xml" --dry-run
expect "topology from capabilities" 0 "" "3      8 GiB        -            6-7" -- "${env_run[@]}" "$hook" --topology "${caps[@]}"
expect "topology of this host" 0 "" "source: this host (libnuma)" -- "${env_run[@]}" "$hook" --topology
expect "topology lists huge pages from capabilities" 0 "" "huge pages: total per node (capabilities XML has no free count)" -- "${env_run[@]}" "$hook" --topology --capabilities "$fixtures/caps-hugepages.xml"
expect "topology gives each node's pages per size" 0 "" "1      0                3" -- "${env_run[@]}" "$hook" --topology --capabilities "$fixtures/caps-hugepages.xml"
expect "topology without huge pages says so" 0 "" "huge pages: none" -- "${env_run[@]}" "$hook" --topology "${caps[@]}"
unknown=(--capabilities "$fixtures/caps-unknown-memory.xml")
expect "topology: a cell without <memory> shows -" 0 "" "1      -            -            2-3" -- "${env_run[@]}" "$hook" --topology "${unknown[@]}"
expect "topology: a memory-only node has no CPUs" 0 "" "2      8 GiB        -            -" -- "${env_run[@]}" "$hook" --topology "${unknown[@]}"
expect "unknown memory: one warning, checks skipped" 0 "numa: warning: the capabilities XML gives no <memory> for node 1" "" -- "${env_run[@]}" numa=strict:1 _hook_domxml="$tmp/dom.xml" "$hook" "${unknown[@]}"
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
else
    echo "# SKIP a CPU limit with soft = hard: no prlimit (util-linux)"
fi

# No worker process can be started (no process left to this user): one line,
# exit 2, nothing changed. Root is not held to RLIMIT_NPROC, so as nobody.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null && command -v prlimit > /dev/null && id nobody > /dev/null 2>&1; then
    cp "$hook" "$tmp/hook-for-nobody"
    cp "$fixtures/caps-4node.xml" "$tmp/caps.xml"
    chmod 0755 "$tmp" "$tmp/hook-for-nobody"
    chmod 0644 "$tmp/caps.xml"
    expect "no worker process can be started" 2 "numa: cannot start the worker process: Resource temporarily unavailable" "" -- \
        setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups prlimit --nproc=0 \
        "${env_run[@]}" "$tmp/hook-for-nobody" --capabilities "$tmp/caps.xml" --numa strict:0 --domxml "$tmp/caps.xml" --dry-run
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
