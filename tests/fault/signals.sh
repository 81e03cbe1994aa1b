#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Termination signals (SIGTERM, SIGINT, SIGHUP, SIGQUIT: stopping vdsmd
# signals every process of its cgroup) sent for real while the hook stalls
# in the fault shim, to the hook's pid or to its whole process group:
#   - while the temporary is being written: exit 2, exactly one "numa:" line
#     naming the signal, the file byte-identical, no temporary left;
#   - after the rename: exit 0, one warning that the change stands, the
#     complete result;
#   - a signal the caller ignores (nohup) stays ignored.
#
#   signals.sh HOOK SHIM FIXTURES
#
# Every case runs twice: self-guarded and supervised (see watchdog.h).
#
# Prints TAP.
set -u
hook=$(realpath "$1") shim=$(realpath "$2") fixtures=$(realpath "$3")
caps=(--capabilities "$fixtures/caps-2node.xml")
spec=strict:0-1

if ! command -v perl > /dev/null; then
    echo "1..0 # SKIP perl starts the hook in its own process group with default dispositions"
    exit 0
fi

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL -- "-$pid" 2> /dev/null; rm -rf "$tmp"' EXIT
n=0 failed=0
mode=
ok() { n=$((n + 1)); echo "ok $n $mode$*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $mode$*"; }

"$hook" "${caps[@]}" --numa "$spec" --domxml "$fixtures/ovirt.xml" --dry-run > "$tmp/expected.xml" 2> /dev/null
mkdir "$tmp/work"
doc=$tmp/work/dom.xml
leftovers() { ls -A "$tmp/work" | grep -v '^dom\.xml$'; }

# stall PERL OP AT: starts the hook in the background on a fresh $doc with
# the ATth call of OP stalled for 60 s, in a process group of its own (pgid
# = its pid), with the dispositions the perl statements PERL set (bash
# starts background jobs with SIGINT and SIGQUIT ignored); returns once the
# stall is reached. Sets pid and start; the hook's stderr goes to $tmp/err.
stall() {
    local prologue=$1 op=$2 at=$3
    cp "$fixtures/ovirt.xml" "$doc"
    rm -f "$tmp/hits"
    start=$SECONDS
    perl -e "$prologue"' setpgrp(0, 0) or die "setpgrp: $!"; exec @ARGV or die "exec: $!"' \
        env FAULT_OP="$op" FAULT_AT="$at" FAULT_ERRNO=sleep FAULT_LOG="$tmp/hits" LD_PRELOAD="$shim" \
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
        numa=$spec _hook_domxml="$doc" "$hook" "${caps[@]}" > /dev/null 2> "$tmp/err" &
    pid=$!
    for _ in $(seq 200); do
        [ -f "$tmp/hits" ] && break
        sleep 0.05
    done
}

# reap: waits for the hook that stall started; sets rc and took (seconds). Whatever
# the hook left running in its group (it should leave nothing) goes before
# the next case.
reap() {
    { wait "$pid"; } 2> /dev/null
    rc=$? took=$((SECONDS - start))
    kill -KILL -- "-$pid" 2> /dev/null
    pid=
}

# signalled SIG TARGET OP AT: the hook stalled at the ATth call of OP with
# default dispositions; once the stall is reached, sends SIG to the hook's
# pid (TARGET=pid) or to its process group (TARGET=group). Sets rc, took
# and $tmp/err.
signalled() {
    local sig=$1 target=$2
    stall '$SIG{INT} = $SIG{QUIT} = "DEFAULT";' "$3" "$4"
    if [ "$target" = group ]; then
        kill -s "$sig" -- "-$pid"
    else
        kill -s "$sig" "$pid"
    fi
    reap
}

# Each case twice: the file is local, so the hook guards its own run (its
# handlers do the work); then with a supervising parent and a worker, as
# for a file that could stall (VDSM_HOOK_NUMA_SUPERVISE).
for supervise in 0 1; do
export VDSM_HOOK_NUMA_SUPERVISE=$supervise
mode=$([ "$supervise" = 1 ] && echo "supervised: " || echo "self-guarded: ")

for sig in TERM INT HUP QUIT; do
    for target in pid group; do
        name="SIG$sig to the $target while the temporary is written"
        signalled "$sig" "$target" write 1
        if [ ! -f "$tmp/hits" ]; then
            not_ok "$name: the stall was never reached"
        elif [ "$rc" != 2 ] || [ "$(wc -l < "$tmp/err")" != 1 ] || ! grep -q "^numa: .*SIG$sig" "$tmp/err"; then
            not_ok "$name: exit $rc after ${took} s, stderr: $(head -c 300 "$tmp/err")"
        elif ! cmp -s "$fixtures/ovirt.xml" "$doc" || [ -n "$(leftovers)" ]; then
            not_ok "$name: the file changed or leftovers: $(leftovers | tr '\n' ' ')"
        elif [ "$took" -gt 5 ]; then
            not_ok "$name: took ${took} s"
        else
            ok "$name: $(cat "$tmp/err")"
        fi
        rm -f "$tmp"/work/.numa-*
    done
done

# After the rename (a stall closing the file that was read: the third close,
# after the capabilities file's and the temporary's) the edit is done: it
# stands, and exit 2 would claim an unchanged file.
for target in pid group; do
    name="SIGTERM to the $target after the rename"
    signalled TERM "$target" close 3
    if [ -f "$tmp/hits" ] && [ "$rc" = 0 ] && cmp -s "$tmp/expected.xml" "$doc" && [ -z "$(leftovers)" ] \
        && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^numa: warning: .*SIGTERM.* after the domain XML was replaced; the change stands$' "$tmp/err"; then
        ok "$name: exit 0, the result: $(cat "$tmp/err")"
    else
        not_ok "$name: exit $rc after ${took} s, leftovers '$(leftovers)': $(head -c 300 "$tmp/err")"
    fi
done

# nohup: a SIGHUP the caller ignores stays ignored; the run goes on (here
# into the 60 s stall, which a sooner alarm set by perl ends after 3 s).
stall '$SIG{HUP} = "IGNORE"; alarm 3;' write 1
kill -s HUP -- "-$pid"
reap
if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q 'wall-clock time limit reached' "$tmp/err" \
    && cmp -s "$fixtures/ovirt.xml" "$doc" && [ -z "$(leftovers)" ]; then
    ok "SIGHUP ignored by the caller stays ignored: after ${took} s, $(cat "$tmp/err")"
else
    not_ok "SIGHUP ignored by the caller: exit $rc after ${took} s, leftovers '$(leftovers)': $(head -c 300 "$tmp/err")"
fi

done

echo "1..$n"
[ "$failed" -eq 0 ]
