# SPDX-License-Identifier: GPL-2.0-or-later
"""What the Python benchmarks share: their command line and one run of the
hook as VDSM runs it (fork/exec on a fresh copy of the document, stdout
discarded, stderr to a file, wait4() for the CPU time and the peak RSS)."""
import os
import shutil
import sys
import time


def parse_args(argv, name, runs):
    """[--quick] [--runs N] HOOK WORKDIR: (quick, runs, hook, workdir), or
    None after printing the usage line. --quick means one run."""
    quick = False
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--quick":
            quick = True
        elif opt == "--runs" and argv:
            runs = int(argv.pop(0))
    if len(argv) != 2:
        print(f"usage: {name} [--quick] [--runs N] HOOK WORKDIR", file=sys.stderr)
        return None
    hook, workdir = argv
    os.makedirs(workdir, exist_ok=True)
    return quick, 1 if quick else runs, hook, workdir


def run_hook(hook, args, env, domxml, copy, err):
    """Runs HOOK ARGS... --domxml COPY on a fresh copy of DOMXML with ENV
    (name: value, or None to unset) added to this environment. Returns the
    exit code, wall ms, CPU ms and peak RSS MiB."""
    shutil.copyfile(domxml, copy)
    with open(err, "wb") as e, open(os.devnull, "wb") as null:
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(null.fileno(), 1)
                os.dup2(e.fileno(), 2)
                for k, v in env.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
                os.execv(hook, [hook, "--domxml", copy] + args)
            finally:
                os._exit(127)
        _, status, ru = os.wait4(pid, 0)
        wall = (time.monotonic() - t0) * 1e3
    return os.waitstatus_to_exitcode(status), wall, (ru.ru_utime + ru.ru_stime) * 1e3, ru.ru_maxrss / 1024
