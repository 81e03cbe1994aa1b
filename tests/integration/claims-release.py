#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The after_* hook points remove the VM's claim from the claims ledger.

    claims-release.py HOOKS_ROOT VDSM_RUN FIXTURES VDSM_DIR

HOOKS_ROOT is the build tree's mirror of the installed hooks (build/hooks,
<point>/50_numa relative symlinks to the binary). Each of after_vm_start,
after_vm_migrate_destination, after_vm_dehibernate and after_vm_destroy is
run as VDSM runs it: through VDSM's own hook runner (hooks.py, from
VDSM_DIR, ../shared/vdsm, third-party) where it is there, else through
VDSM_RUN (tests/integration/vdsm-run.c), which runs a directory the same
way. The ledger lives in a run directory of this test, named by
VDSM_HOOK_NUMA_RUN_DIR; its file is written here in the ledger's format,
with CLOCK_BOOTTIME seconds as the hook reads them.

Each point removes the claim of the domain's <uuid> and keeps the other
VM's live claim (an expired one goes with the rewrite); every run exits 0
and says nothing, also when the run directory is missing, the XML is not
XML or has no <uuid>, the ledger is corrupt, or the custom properties
would make a before_* point fail. Prints TAP.
"""
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from tap import Tap

POINTS = ("after_vm_start", "after_vm_migrate_destination", "after_vm_dehibernate", "after_vm_destroy")
VM = "3b9f2c1e-7a4d-4e8b-9c6f-1d2e3f4a5b6c"  # engine-start.xml's <uuid>
OTHER = "11111111-2222-3333-4444-555555555555"
GONE = "22222222-3333-4444-5555-666666666666"
HEADER = "vdsm-hook-numa-claims 1\n"


def now():
    return int(time.clock_gettime(time.CLOCK_BOOTTIME))


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


class Runner:
    """Runs one hook point as VDSM does; returns (exit code, stderr bytes) of 50_numa."""

    def __init__(self, root, vdsm_run, vdsm_dir, tmp):
        self.root, self.vdsm_run, self.tmp = root, vdsm_run, tmp
        self.hooks = None
        lib = os.path.join(vdsm_dir, "lib")
        if os.path.isfile(os.path.join(lib, "vdsm", "common", "hooks.py")) and os.access("/usr/bin/taskset", os.X_OK):
            import logging
            sys.path[:0] = [lib]
            sys.path.append(os.path.join(vdsm_dir, "stubs"))
            from vdsm.common import hooks
            hooks.P_VDSM_HOOKS = root + "/"
            tempfile.tempdir = os.path.join(tmp, "vdsm-tmp")
            os.mkdir(tempfile.tempdir)
            os.environ["PYTHONPATH"] = lib
            self.hooks, self.runs = hooks, []
            runs = self.runs

            class Log(logging.Handler):
                def emit(self, record):
                    if record.msg == "%s: rc=%s err=%s":
                        runs.append(record.args)
            logging.getLogger().addHandler(Log(logging.INFO))
            logging.getLogger().setLevel(logging.INFO)
        self.name = "VDSM's hooks.py" if self.hooks else "vdsm-run"

    def run(self, point, xml_text, custom):
        if self.hooks:
            self.runs.clear()
            getattr(self.hooks, point)(xml_text, {"vmId": VM, "custom": custom})
            return (self.runs[0][1], self.runs[0][2]) if self.runs else (None, b"")
        src, out = os.path.join(self.tmp, "in.xml"), os.path.join(self.tmp, "out.xml")
        write(src, xml_text)
        p = subprocess.run([self.vdsm_run, os.path.join(self.root, point), src, out, f"vmId={VM}"]
                           + [f"{k}={v}" for k, v in custom.items()], capture_output=True, check=False)
        return p.returncode, p.stderr


def ledger(run_dir, text):
    write(os.path.join(run_dir, "claims"), text)


def main(argv):
    root, vdsm_run, fixtures, vdsm_dir = (os.path.realpath(a) for a in argv[1:5])
    t = Tap()
    tmp = tempfile.mkdtemp(prefix="claims-release-")
    try:
        run_dir = os.path.join(tmp, "run")
        os.mkdir(run_dir)
        os.environ["VDSM_HOOK_NUMA_RUN_DIR"] = run_dir
        for name in ("numa", "numaset", "numa_memnode", "_hook_domxml"):
            os.environ.pop(name, None)
        runner = Runner(root, vdsm_run, vdsm_dir, tmp)
        xml_text = read(os.path.join(fixtures, "engine-start.xml"))

        for point in POINTS:
            n = now()
            ledger(run_dir, HEADER + f"{VM} {n} 0:2048:24\n{OTHER} {n} 0:0:1073741824\n{GONE} {n - 121} 1:0:4096\n")
            rc, err = runner.run(point, xml_text, {})
            t.check(rc == 0 and err == b"", f"{point} through {runner.name}: exit 0, silent", f"rc={rc} err={err!r}")
            t.check(read(os.path.join(run_dir, "claims")) == HEADER + f"{OTHER} {n} 0:0:1073741824\n",
                    f"{point} removed the VM's claim, kept the other's live one, dropped the expired one",
                    read(os.path.join(run_dir, "claims")))

        n = now()
        kept = HEADER + f"{OTHER} {n} 0:0:1073741824\n"
        silent = [
            ("no <uuid> in the XML", "<domain type='kvm'><name>x</name></domain>", kept, {}, kept),
            ("XML that is not XML", "this is not XML", kept, {}, kept),
            ("an invalid <uuid>", "<domain><uuid>not-a-uuid</uuid></domain>", kept, {}, kept),
            ("a corrupt ledger", xml_text, "garbage\n", {}, HEADER),
            ("'numa' and 'numaset' that differ", xml_text, kept + f"{VM} {n} 0:0:1\n",
             {"numa": "strict:0", "numaset": "strict:1"}, kept),
            ("an invalid 'numa'", xml_text, kept + f"{VM} {n} 0:0:1\n", {"numa": "bogus:9"}, kept),
        ]
        for name, text, before, custom, after in silent:
            ledger(run_dir, before)
            rc, err = runner.run("after_vm_destroy", text, custom)
            got = read(os.path.join(run_dir, "claims"))
            t.check(rc == 0 and err == b"" and got == after, f"after_vm_destroy with {name}: exit 0, silent",
                    f"rc={rc} err={err!r}\nledger:\n{got}")

        # The watchdog keeps the promise too: a stop signal (vdsmd stopping
        # signals its cgroup) while the run waits for the ledger's lock ends
        # it with exit 0 and nothing said, self-guarded and supervised.
        ledger(run_dir, kept + f"{VM} {n} 0:0:1\n")
        src = os.path.join(tmp, "signal.xml")
        write(src, xml_text)
        for mode in ("0", "1"):
            with open(os.path.join(run_dir, "claims.lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                p = subprocess.Popen([os.path.join(root, "after_vm_destroy", "50_numa")], stderr=subprocess.PIPE,
                                     env=dict(os.environ, _hook_domxml=src, VDSM_HOOK_NUMA_SUPERVISE=mode))
                time.sleep(0.5)
                p.send_signal(signal.SIGTERM)
                _, err = p.communicate(timeout=10)
            t.check(p.returncode == 0 and err == b"",
                    f"after_vm_destroy stopped by SIGTERM ({'supervised' if mode == '1' else 'self-guarded'}): "
                    "exit 0, silent", f"rc={p.returncode} err={err!r}")

        shutil.rmtree(run_dir)
        for point in POINTS:
            rc, err = runner.run(point, xml_text, {})
            t.check(rc == 0 and err == b"" and not os.path.exists(run_dir),
                    f"{point} without the run directory: exit 0, silent, nothing created", f"rc={rc} err={err!r}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{t.n}")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
