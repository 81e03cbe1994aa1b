#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A read that stalls in the kernel: the capabilities file sits on a FUSE
# filesystem (stall-fs.py) whose read answers only after 15 s, so the
# reading process waits in the kernel, where no signal handler runs. The
# hook's stderr is a pipe, read to its end as VDSM reads it.
#   - The wall-clock limit: the pipe ends within 12 s (10 s and the time to
#     end the worker), exit 2, one "numa:" line, the file byte-identical and
#     no temporary; still so once the read has returned, so the worker never
#     went on to replace the file.
#   - SIGTERM during the stall: the pipe ends within 4 s of it, exit 2, one
#     line naming SIGTERM; also when the path given is a symlink on a local
#     filesystem to the file on FUSE (the hook must see through it and run
#     a supervised worker, see mounts.h).
#   - SIGKILL to the supervisor alone during the stall, as VDSM's runner
#     ends a hook it gives up on (commands.terminate(): proc.kill() on the
#     pid it started): stderr ends at once; the worker, stuck in the read,
#     dies when the read returns and never goes on: the file byte-identical,
#     no temporary, no process of the hook left.
#
#   stall-fuse.sh HOOK FIXTURES STALL-FS
#
# Prints TAP; skipped without /dev/fuse, fusepy or a FUSE mount.
set -u
hook=$(realpath "$1") fixtures=$(realpath "$2") stallfs=$(realpath "$3")
spec=strict:0-1
stall=15

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
if [ ! -c /dev/fuse ]; then
    echo "1..0 # SKIP no /dev/fuse"
    exit 0
fi
if ! "$python" -c 'import fusepy' 2> /dev/null && ! "$python" -c 'import fuse' 2> /dev/null; then
    echo "1..0 # SKIP no fusepy for $python (Debian: python3-fusepy)"
    exit 0
fi
if ! command -v perl > /dev/null; then
    echo "1..0 # SKIP perl starts the hook with SIGTERM's default disposition"
    exit 0
fi

tmp=$(mktemp -d)
mnt=$tmp/mnt
fs_pid= hook_pid=
cleanup() {
    # Killing the filesystem ends its stalled reads (the connection is aborted).
    [ -n "$fs_pid" ] && { kill -KILL "$fs_pid" && wait "$fs_pid"; } 2> /dev/null
    [ -n "$hook_pid" ] && kill -KILL -- "-$hook_pid" 2> /dev/null
    umount -l "$mnt" 2> /dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

mkdir "$mnt" "$tmp/work"
doc=$tmp/work/dom.xml
leftovers() { ls -A "$tmp/work" | grep -v '^dom\.xml$'; }
cp "$fixtures/caps-2node.xml" "$tmp/caps.xml"
"$python" "$stallfs" "$mnt" "$tmp/caps.xml" "$stall" "$tmp/fs.log" 2> "$tmp/fs.err" &
fs_pid=$!
for _ in $(seq 100); do
    grep -q mounted "$tmp/fs.log" 2> /dev/null && break
    kill -0 "$fs_pid" 2> /dev/null || break
    sleep 0.1
done
if ! grep -q mounted "$tmp/fs.log" 2> /dev/null || [ ! -f "$mnt/caps.xml" ]; then
    echo "1..0 # SKIP cannot mount a FUSE filesystem here: $(head -c 200 "$tmp/fs.err")"
    exit 0
fi
reads() { grep -c '^read$' "$tmp/fs.log"; }
# The processes of process group $1 that are not zombies (a zombie is dead;
# whoever inherited it may reap it late). Not `ps -g`: that selects by
# session or group name.
group_left() { ps -e -o pid=,pgid=,stat=,wchan=,etimes= | awk -v g="$1" '$2 == g && $3 !~ /^Z/' | tr -s ' \n' ' '; }

# run_stalled [SIGNAL [CAPS]]: the hook (own process group, SIGTERM's default
# disposition) on a fresh $doc with the capabilities on the stalling
# filesystem, its stderr a FIFO that cat reads to the end; with SIGNAL, sent
# once the read is stalled. Sets rc, eof_ms (start to the end of stderr,
# or from the signal when one was sent) and $tmp/err.
run_stalled() {
    local sig=${1:-} caps=${2:-$mnt/caps.xml} before start
    cp "$fixtures/ovirt.xml" "$doc"
    rm -f "$tmp/fifo"
    mkfifo "$tmp/fifo"
    cat "$tmp/fifo" > "$tmp/err" &
    local cat_pid=$!
    before=$(reads) start=$(ms)
    perl -e '$SIG{TERM} = "DEFAULT"; setpgrp(0, 0) or die "setpgrp: $!"; exec @ARGV or die "exec: $!"' \
        env numa=$spec _hook_domxml="$doc" "$hook" --capabilities "$caps" > /dev/null 2> "$tmp/fifo" &
    hook_pid=$!
    if [ -n "$sig" ]; then
        for _ in $(seq 100); do
            [ "$(reads)" -gt "$before" ] && break
            sleep 0.1
        done
        sleep 0.5
        start=$(ms)
        kill -s "$sig" "$hook_pid"
    fi
    { wait "$hook_pid"; } 2> /dev/null
    rc=$?
    wait "$cat_pid"
    eof_ms=$(($(ms) - start))
}

started=$(ms)
run_stalled
if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^numa: gave up: wall-clock time limit reached' "$tmp/err" \
    && [ "$eof_ms" -le 12000 ] && cmp -s "$fixtures/ovirt.xml" "$doc" && [ -z "$(leftovers)" ]; then
    ok "a read stalled in the kernel: stderr ended after $eof_ms ms: $(cat "$tmp/err")"
else
    not_ok "a read stalled in the kernel: exit $rc, stderr ended after $eof_ms ms, leftovers '$(leftovers)': $(head -c 300 "$tmp/err")"
fi
# Once the stalled read has returned, the worker it held is gone, and never went on.
sleep $((stall + 1 - ($(ms) - started) / 1000 > 0 ? stall + 1 - ($(ms) - started) / 1000 : 0))
if cmp -s "$fixtures/ovirt.xml" "$doc" && [ -z "$(leftovers)" ] && [ -z "$(group_left "$hook_pid")" ]; then
    ok "after the stalled read returned: the file is untouched and no process of the hook is left"
else
    not_ok "after the stalled read returned: $(cmp "$fixtures/ovirt.xml" "$doc"), leftovers '$(leftovers)', left: $(group_left "$hook_pid") reads: $(reads)"
fi
kill -KILL -- "-$hook_pid" 2> /dev/null
hook_pid=

run_stalled TERM
if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^numa: .*SIGTERM' "$tmp/err" \
    && [ "$eof_ms" -le 4000 ] && cmp -s "$fixtures/ovirt.xml" "$doc" && [ -z "$(leftovers)" ]; then
    ok "SIGTERM during a read stalled in the kernel: stderr ended $eof_ms ms after it: $(cat "$tmp/err")"
else
    not_ok "SIGTERM during a read stalled in the kernel: exit $rc, stderr ended $eof_ms ms after it: $(head -c 300 "$tmp/err")"
fi

kill -KILL -- "-$hook_pid" 2> /dev/null
hook_pid=

# A new domain XML: the worker the last case left stalled still holds the old one's lock.
rm -f "$doc"
ln -s "$mnt/caps.xml" "$tmp/work/caps-link.xml"
run_stalled TERM "$tmp/work/caps-link.xml"
rm -f "$tmp/work/caps-link.xml"
if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^numa: .*SIGTERM' "$tmp/err" \
    && [ "$eof_ms" -le 4000 ] && cmp -s "$fixtures/ovirt.xml" "$doc" && [ -z "$(leftovers)" ]; then
    ok "SIGTERM during a stalled read through a local symlink: stderr ended $eof_ms ms after it: $(cat "$tmp/err")"
else
    not_ok "SIGTERM during a stalled read through a local symlink: exit $rc, stderr ended $eof_ms ms after it: $(head -c 300 "$tmp/err")"
fi

kill -KILL -- "-$hook_pid" 2> /dev/null
hook_pid=

# SIGKILL to the supervisor's pid only. The worker waits in the kernel,
# where the SIGKILL it gets with its parent (PR_SET_PDEATHSIG) takes effect
# once the read returns; a worker that went on would read to the end (a
# second stalled read) and replace the file. So wait until no process of
# the hook is left, or well past both reads.
rm -f "$doc"
run_stalled KILL
killed=$(ms) pgid=$hook_pid
hook_pid=
while [ -n "$(group_left "$pgid")" ] && [ $(($(ms) - killed)) -le $((2 * stall * 1000 + 3000)) ]; do
    sleep 0.2
done
gone_ms=$(($(ms) - killed))
if [ "$rc" = 137 ] && [ "$eof_ms" -le 1000 ] && [ ! -s "$tmp/err" ]; then
    ok "SIGKILL to the supervisor during a stalled read: stderr ended $eof_ms ms after it, empty"
else
    not_ok "SIGKILL to the supervisor during a stalled read: exit $rc, stderr ended $eof_ms ms after it: $(head -c 300 "$tmp/err")"
fi
if cmp -s "$fixtures/ovirt.xml" "$doc" && [ -z "$(leftovers)" ] && [ -z "$(group_left "$pgid")" ] \
    && [ "$gone_ms" -le $((stall * 1000 + 1000)) ]; then
    ok "after SIGKILL to the supervisor: its worker was gone $gone_ms ms after it, the file untouched, no temporary"
else
    not_ok "after SIGKILL to the supervisor: $(cmp "$fixtures/ovirt.xml" "$doc"), leftovers '$(leftovers)', left after $gone_ms ms: $(group_left "$pgid") reads: $(reads)"
fi
kill -KILL -- "-$pgid" 2> /dev/null

echo "1..$n"
[ "$failed" -eq 0 ]
