#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Claims against concurrent starts, on this host's real huge pages.

    claims-concurrent.py HOOKS_ROOT FAULT_SHIM

HOOKS_ROOT is the build tree's mirror of the installed hooks (build/hooks,
<point>/50_numa); FAULT_SHIM tests/fault's LD_PRELOAD shim. Node 0 gets exactly 40 free 2 MiB huge pages (its
nr_hugepages raised or lowered for the test, overcommit off; both restored
whatever happens), and two VMs of 48 MiB in 2 MiB pages (24 pages each)
start together with numa=strict:0, and again with numa=strict:fit: the
test holds the ledger's lock until both hooks are waiting for it, then lets
them go. Exactly one is admitted and records 24 pages on node 0; the other
is refused, naming the claim.
Then: the claim read by a dry run (which records none); a run with
--capabilities, which neither reads nor records; the claim removed by
after_vm_start; the claim expired after 120 s (its recorded CLOCK_BOOTTIME
time set back, so nothing sleeps); a missing or unwritable run directory
is one warning and no failed start; a run as root leaves the ledger owned
like its directory, and a later run as that user can still write it; a
start whose domain XML cannot be written after its claim was recorded
takes the claim back.

Root only (it writes nr_hugepages); skipped elsewhere. Prints TAP.
"""
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from tap import Tap

HP = "/sys/devices/system/node/node0/hugepages/hugepages-2048kB"
OVERCOMMIT = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages"
FREE = 40
VM_A = "3b9f2c1e-7a4d-4e8b-9c6f-1d2e3f4a5b6c"
VM_B = "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
VM_C = "7f8e9d0c-2b3a-4c5d-9e8f-1a2b3c4d5e6f"
HEADER = "vdsm-hook-numa-claims 1\n"
CAPS = """<capabilities><host><topology><cells num='1'>
<cell id='0'><memory unit='KiB'>4194304</memory><pages unit='KiB' size='4'>1048576</pages>
<pages unit='KiB' size='2048'>40</pages><cpus num='1'><cpu id='0'/></cpus></cell>
</cells></topology></host></capabilities>
"""


def domain(uuid, mib, numatune=False):
    """A VM in 2 MiB pages; with numatune, bound to node 0 as another host's hook left it."""
    bound = "  <numatune><memory mode='strict' nodeset='0'/></numatune>\n" if numatune else ""
    return f"""<domain type='kvm'>
  <name>vm-{uuid[:8]}</name>
  <uuid>{uuid}</uuid>
  <memory unit='MiB'>{mib}</memory>
  <memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>
  <vcpu placement='static'>1</vcpu>
{bound}  <os><type arch='x86_64'>hvm</type></os>
</domain>
"""


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class Pages:
    """Node 0's 2 MiB pool set to FREE free pages, and put back as it was."""

    def __init__(self):
        self.nr = int(read(f"{HP}/nr_hugepages"))
        self.overcommit = int(read(OVERCOMMIT))

    def reserve(self):
        write(OVERCOMMIT, "0")
        free = int(read(f"{HP}/free_hugepages"))
        write(f"{HP}/nr_hugepages", str(max(0, self.nr - free + FREE)))
        return int(read(f"{HP}/free_hugepages")) == FREE

    def restore(self):
        write(f"{HP}/nr_hugepages", str(self.nr))
        write(OVERCOMMIT, str(self.overcommit))


class Hooks:
    def __init__(self, root, tmp):
        self.root, self.tmp = root, tmp

    def start(self, point, uuid, mib, run_dir, *args, user=None, env_add=None):
        """Starts the hook at point on a fresh copy of uuid's domain; returns the process."""
        path = os.path.join(self.tmp, "xml", f"{uuid}-{point}.xml")
        write(path, domain(uuid, mib, numatune=point.startswith(("before_vm_migrate", "before_vm_dehibernate"))))
        if user:  # VDSM's domain XML is its own: the hook keeps a file's owner when it replaces it
            os.chown(path, int(user), int(user))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "_hook_domxml": path, "numa": "strict:0"}
        # A sanitizer build's settings go through; the rest of this environment does not.
        env.update({k: v for k, v in os.environ.items() if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")})
        if run_dir:
            env["VDSM_HOOK_NUMA_RUN_DIR"] = run_dir
        env.update(env_add or {})
        cmd = [os.path.join(self.root, point, "50_numa"), *args]
        if user:
            cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def run(self, point, uuid, mib, run_dir, *args, user=None, env_add=None):
        p = self.start(point, uuid, mib, run_dir, *args, user=user, env_add=env_add)
        out, err = p.communicate(timeout=30)
        return p.returncode, err.decode(errors="replace")


def waiters(lock_path):
    """The processes other than this one that have lock_path open."""
    pids = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == lock_path:
                    pids.add(pid)
        except OSError:
            pass
    return pids


def claim_line(run_dir, uuid):
    path = os.path.join(run_dir, "claims")
    text = read(path) if os.path.exists(path) else ""
    m = re.search(rf"^{uuid} (\d+) (.*)$", text, re.M)
    return (int(m.group(1)), m.group(2)) if m else (None, None)


def refusal(spec, winner):
    """How the VM that lost the race to winner is refused with numa=spec."""
    if spec == "strict:fit":
        return ("can hold the VM's memory (24 pages of 2 MiB); nodes offer: 0: 16 pages of 2 MiB (40 pages of "
                f"2 MiB before claims, of which 24 are claimed by a VM starting now (uuid {winner}))")
    return f"needs 24 free 2 MiB pages on node 0, which has 40, of which 24 are claimed by a VM starting now (uuid {winner})"


def concurrent(t, hooks, run_dir, spec="strict:0"):
    """Both hooks wait on the lock the test holds, then race; returns (winner, loser) uuids or None."""
    lock_path = os.path.join(run_dir, "claims.lock")
    lock = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(lock, fcntl.LOCK_EX)
    procs = {u: hooks.start("before_vm_start", u, 48, run_dir, env_add={"numa": spec}) for u in (VM_A, VM_B)}
    deadline = time.monotonic() + 2.5  # the hooks give up on the lock after 3 s
    while len(waiters(lock_path)) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    both = len(waiters(lock_path)) >= 2
    t.check(both, f"{spec}: both hooks are waiting for the ledger's lock at once", f"waiting: {waiters(lock_path)}")
    os.close(lock)
    res = {}
    for u, p in procs.items():
        out, err = p.communicate(timeout=30)
        res[u] = (p.returncode, err.decode(errors="replace"))
    admitted = [u for u, (rc, _) in res.items() if rc == 0]
    refused = [u for u, (rc, _) in res.items() if rc == 2]
    detail = "\n".join(f"{u}: rc={rc} {err}" for u, (rc, err) in res.items())
    t.check(len(admitted) == 1 and len(refused) == 1, f"{spec}: exactly one of two concurrent starts is admitted",
            detail)
    if len(admitted) != 1 or len(refused) != 1:
        return None
    winner, loser = admitted[0], refused[0]
    err = res[loser][1]
    t.check(refusal(spec, winner) in err and err.count("\n") == 1,
            f"{spec}: the other is refused in one line naming the claim and its uuid", err)
    t.check(claim_line(run_dir, winner)[1] == "0:2048:24" and claim_line(run_dir, loser)[1] is None,
            f"{spec}: the ledger holds the admitted VM's 24 pages on node 0, nothing of the refused one",
            read(os.path.join(run_dir, "claims")))
    return winner, loser


def boottime():
    return int(time.clock_gettime(time.CLOCK_BOOTTIME))


def set_since(run_dir, uuid, since):
    path = os.path.join(run_dir, "claims")
    write(path, re.sub(rf"^({uuid}) \d+ ", rf"\g<1> {since} ", read(path), flags=re.M))


def claims_checks(t, hooks, run_dir, winner, loser):
    """What reads and records claims, and what ends them."""
    rc, err = hooks.run("before_vm_start", loser, 48, run_dir, "--dry-run")
    t.check(rc == 2 and f"claimed by a VM starting now (uuid {winner})" in err,
            "a dry run reads the claims: the other VM is refused there too", f"rc={rc} {err}")
    rc, err = hooks.run("before_vm_start", VM_C, 32, run_dir, "--dry-run")
    t.check(rc == 0 and claim_line(run_dir, VM_C)[1] is None,
            "a dry run that fits records no claim", f"rc={rc} {err}")
    caps = os.path.join(hooks.tmp, "caps.xml")
    write(caps, CAPS)
    before = read(os.path.join(run_dir, "claims"))
    rc, err = hooks.run("before_vm_start", loser, 48, run_dir, "--capabilities", caps)
    t.check(rc == 0 and read(os.path.join(run_dir, "claims")) == before and "claim" not in err,
            "--capabilities neither reads the claims (the other VM fits there) nor records one", f"rc={rc} {err}")

    # Ages from the hook's clock (CLOCK_BOOTTIME seconds), with a margin for the second the run may take.
    set_since(run_dir, winner, boottime() - 118)
    rc, err = hooks.run("before_vm_start", loser, 48, run_dir)
    t.check(rc == 2, "a claim 118 s old still counts", f"rc={rc} {err}")
    set_since(run_dir, winner, boottime() - 121)
    rc, err = hooks.run("before_vm_start", loser, 48, run_dir)
    t.check(rc == 0 and claim_line(run_dir, winner)[1] is None and claim_line(run_dir, loser)[1] == "0:2048:24",
            "a claim 121 s old has expired: the other VM is admitted, the old claim dropped",
            f"rc={rc} {err}\n" + read(os.path.join(run_dir, "claims")))

    rc, err = hooks.run("before_vm_start", winner, 48, run_dir)
    t.check(rc == 2 and f"(uuid {loser})" in err, "now the first VM is refused, naming the second's claim",
            f"rc={rc} {err}")
    rc, err = hooks.run("after_vm_start", loser, 48, run_dir)
    t.check(rc == 0 and err == "" and claim_line(run_dir, loser)[1] is None,
            "after_vm_start removes the claim, silently", f"rc={rc} {err}")
    rc, err = hooks.run("before_vm_start", winner, 48, run_dir)
    t.check(rc == 0 and claim_line(run_dir, winner)[1] == "0:2048:24",
            "with the claim gone the first VM is admitted again", f"rc={rc} {err}")
    hooks.run("after_vm_destroy", winner, 48, run_dir)

    # The 1st rename is the ledger's, the 2nd the domain XML's: that one fails, after the claim was recorded.
    rc, err = hooks.run("before_vm_start", winner, 48, run_dir, env_add={
        "LD_PRELOAD": hooks.shim, "FAULT_OP": "renameat", "FAULT_AT": "2", "FAULT_ERRNO": "EIO",
        "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"})
    t.check(rc == 2 and claim_line(run_dir, winner)[1] is None,
            "a start whose domain XML cannot be written takes its recorded claim back",
            f"rc={rc} {err}\n" + read(os.path.join(run_dir, "claims")))

    # An incoming VM's memory comes from its <numatune>'s nodes: claimed at both check-only points.
    for point, after in (("before_vm_migrate_destination", "after_vm_migrate_destination"),
                         ("before_vm_dehibernate", "after_vm_dehibernate")):
        rc, err = hooks.run(point, winner, 48, run_dir)
        rc2, err2 = hooks.run(point, loser, 48, run_dir)
        t.check(rc == 0 and claim_line(run_dir, winner)[1] == "0:2048:24" and rc2 == 2
                and f"(uuid {winner})" in err2, f"{point} claims the incoming VM's pages; a second is refused",
                f"rc={rc} {err}\nrc={rc2} {err2}")
        hooks.run(after, winner, 48, run_dir)
        t.check(claim_line(run_dir, winner)[1] is None, f"{after} removes it", read(os.path.join(run_dir, "claims")))


def run_dir_checks(t, hooks, tmp):
    """A run directory that is missing or not writable; a run as root and the ledger's owner."""
    missing = os.path.join(tmp, "missing")
    rc, err = hooks.run("before_vm_start", VM_C, 32, missing)
    t.check(rc == 0 and err.count("warning") == 1 and f"claims ledger in '{missing}'" in err
            and not os.path.exists(missing), "a missing run directory is one warning, the start goes on",
            f"rc={rc} {err}")

    rootdir = os.path.join(tmp, "root-owned")
    os.mkdir(rootdir, 0o755)
    rc, err = hooks.run("before_vm_start", VM_C, 32, rootdir, user="65534")
    t.check(rc == 0 and err.count("warning") == 1 and "claims ledger in" in err and os.listdir(rootdir) == [],
            "a run directory the user cannot write is one warning, the start goes on", f"rc={rc} {err}")

    owned = os.path.join(tmp, "vdsm-owned")
    os.mkdir(owned, 0o755)
    os.chown(owned, 65534, 65534)
    rc, err = hooks.run("before_vm_start", VM_C, 32, owned)
    st = {n: os.stat(os.path.join(owned, n)) for n in ("claims", "claims.lock") if os.path.exists(os.path.join(owned, n))}
    t.check(rc == 0 and len(st) == 2 and all((s.st_uid, s.st_gid) == (65534, 65534) for s in st.values())
            and claim_line(owned, VM_C)[1] == "0:2048:16",
            "a run as root records its claim in files owned like the run directory",
            f"rc={rc} {err} " + " ".join(f"{n}={s.st_uid}:{s.st_gid}" for n, s in st.items()))
    rc, err = hooks.run("before_vm_start", VM_A, 32, owned, user="65534")
    t.check(rc == 0 and "warning" not in err and claim_line(owned, VM_A)[1] == "0:2048:16"
            and claim_line(owned, VM_C)[1] == "0:2048:16",
            "a later run as the directory's owner writes the same ledger", f"rc={rc} {err}")


def main(argv):
    root, shim = os.path.realpath(argv[1]), os.path.realpath(argv[2])
    if os.geteuid() != 0:
        print("1..0 # SKIP not root: the test reserves huge pages")
        return 0
    if not os.path.isdir(HP) or not os.path.exists(OVERCOMMIT):
        print("1..0 # SKIP no 2 MiB huge pages on node 0")
        return 0
    pages = Pages()
    tmp = tempfile.mkdtemp(prefix="claims-concurrent-")
    os.chmod(tmp, 0o755)
    # Whatever stops the test (a meson timeout sends SIGTERM), the pool is put back.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    t = Tap()
    try:
        if not pages.reserve():
            print(f"1..0 # SKIP node 0 does not hold exactly {FREE} free 2 MiB pages after reserving them")
            return 0
        os.mkdir(os.path.join(tmp, "xml"), 0o777)
        os.chmod(os.path.join(tmp, "xml"), 0o777)
        run_dir = os.path.join(tmp, "run")
        os.mkdir(run_dir)
        hooks = Hooks(root, tmp)
        hooks.shim = shim
        pair = concurrent(t, hooks, run_dir)
        if pair:
            claims_checks(t, hooks, run_dir, *pair)
        run_dir_checks(t, hooks, tmp)
        # fit reads the same offers less the same claims: both would choose node 0, one is refused.
        fit_run_dir = os.path.join(tmp, "run-fit")
        os.mkdir(fit_run_dir)
        concurrent(t, hooks, fit_run_dir, "strict:fit")
    finally:
        pages.restore()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{t.n}")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
