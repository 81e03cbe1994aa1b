#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The built hook driven through VDSM's own hook runner.

    vdsm-hooks.py HOOK FIXTURES VDSM_DIR [README]

VDSM_DIR holds VDSM's lib/vdsm/common/hooks.py and what it imports,
verbatim from VDSM's repository (../shared/vdsm, third-party, not in this
repository); the test is skipped where it is absent. Hooks are found under
a hooks root this test builds (hooks.P_VDSM_HOOKS), started through
taskset as on a host, with the environment VDSM puts together: the VM's
custom properties (from <ovirt-vm:custom> in Engine's XML, as VDSM's
metadata module reads them), vmId, _hook_domxml, and FROM_SNAPSHOT for
before_vm_dehibernate.

VDSM runs hooks without arguments, and the hook has no environment
variable for another host's topology, so each hooks-root entry that must
see a fixture host is a bash wrapper, `exec -a "$0" HOOK --capabilities
CAPS`: argv[0] stays the path VDSM ran, in the hook point's directory, so
the hook still tells the point from it (no --hook-point). One case runs
the binary itself through symlinks, on this host.

With README, each vdsm.log line it shows for 50_numa must be one that
VDSM's runner logged here, formatted as VDSM's logger.conf formats vdsm.log
(the time, the VM thread's name and the hooks directory aside).

Prints TAP.
"""
import logging
import os
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

from tap import Tap

VM_ID = "3b9f2c1e-7a4d-4e8b-9c6f-1d2e3f4a5b6c"
POINTS = ("before_vm_start", "before_vm_migrate_destination", "before_vm_dehibernate")


class Log(logging.Handler):
    """What hooks.py logs for each hook: (path, rc, stderr bytes)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.runs = []
        self.records = []  # every such record, kept across runs.clear()

    def emit(self, record):
        if record.msg == "%s: rc=%s err=%s":
            self.runs.append(record.args)
            self.records.append(record)


# vdsm.log's format: [formatter_long] in VDSM's static/etc/vdsm/logger.conf.in,
# "%(asctime)s %(levelname)-5s (%(threadName)s) [%(name)s] %(message)s
# (%(module)s:%(lineno)d)", asctime from vdsm.common.logutils.TimezoneFormatter
# ("%Y-%m-%d %H:%M:%S,<msecs>%z"). VDSM runs a VM's start in a thread named
# "vm/" + the VM id's first 8 characters (vm.py, _creationThread).
VDSM_LOG_FORMAT = "%(levelname)-5s (%(threadName)s) [%(name)s] %(message)s (%(module)s:%(lineno)d)"
VDSM_LOG_TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}[+-]\d{4} "


def check_readme_log_lines(t, readme, records, roots):
    """The README's vdsm.log lines for 50_numa, each as VDSM logged one of ours."""
    with open(readme, encoding="utf-8") as f:
        shown = [line.rstrip("\n") for line in f if re.match(VDSM_LOG_TIME + r"INFO .*/50_numa: rc=", line)]
    logged = set()
    formatter = logging.Formatter(VDSM_LOG_FORMAT)
    for record in records:
        record = logging.makeLogRecord(record.__dict__)
        record.threadName = "vm/" + VM_ID[:8]
        line = formatter.format(record)
        for root in roots:
            line = line.replace(root + "/", "/usr/libexec/vdsm/hooks/")
        # The runs here judge fixture hosts (--capabilities); the README shows a host's own run.
        line = re.sub(r"the host in \S+?\.xml\b", "this host", line)
        logged.add(line)
    t.check({re.search(r" rc=(\d) ", line).group(1) for line in shown} >= {"0", "2"},
            "README shows vdsm.log lines for rc=0 and rc=2", shown)
    for line in shown:
        rest = re.sub("^" + VDSM_LOG_TIME, "", line)
        t.check(rest in logged, f"README's vdsm.log line is what VDSM logs: {rest[:60]}...",
                "\n".join(["README: " + rest] + sorted(logged)))


def main(argv):
    hook, fixtures, vdsm_dir = (os.path.realpath(a) for a in argv[1:4])
    lib = os.path.join(vdsm_dir, "lib")
    if not os.path.isfile(os.path.join(lib, "vdsm", "common", "hooks.py")):
        print(f"1..0 # SKIP VDSM's hook runner is not at {vdsm_dir} (third-party, not in this repository)")
        return 0
    for tool in ("/usr/bin/taskset", "/usr/bin/python3"):
        if not os.access(tool, os.X_OK):
            print(f"1..0 # SKIP VDSM's hook runner needs {tool}")
            return 0

    sys.path[:0] = [lib]
    sys.path.append(os.path.join(vdsm_dir, "stubs"))
    from vdsm.common import exception, hooks
    from vdsm.virt import metadata

    tmp = tempfile.mkdtemp(prefix="vdsm-hooks-")
    try:
        # Where VDSM's copy of the XML goes; PYTHONPATH for Python hooks
        # (smbios imports hooking, which imports vdsm).
        tempfile.tempdir = os.path.join(tmp, "tmp")
        os.mkdir(tempfile.tempdir)
        os.environ["PYTHONPATH"] = lib
        for name in ("numa", "numaset", "numa_memnode", "_hook_domxml", "FROM_SNAPSHOT"):
            os.environ.pop(name, None)
        log = Log()
        logging.getLogger().addHandler(log)
        logging.getLogger().setLevel(logging.INFO)
        readme = os.path.realpath(argv[4]) if len(argv) > 4 else None
        return run(Tap(), hook, fixtures, vdsm_dir, tmp, hooks, exception, metadata, log, readme)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def make_root(tmp, name, hook, caps):
    """A hooks root: 50_numa at the three points (relative symlinks to the
    before_vm_start entry, as installed), VDSM's smbios hook as 50_smbios,
    and a probe after us at dehibernate that records its environment."""
    root = os.path.join(tmp, name)
    for p in POINTS:
        os.makedirs(os.path.join(root, p))
    entry = os.path.join(root, "before_vm_start", "50_numa")
    if caps:
        with open(entry, "w") as f:
            f.write(f'#!/bin/bash\nexec -a "$0" "{hook}" --capabilities "{caps}" "$@"\n')
        os.chmod(entry, 0o755)
    else:
        os.symlink(hook, entry)
    for p in POINTS[1:]:
        os.symlink(os.path.join("..", "before_vm_start", "50_numa"), os.path.join(root, p, "50_numa"))
    return root


def add_smbios(root, vdsm_dir):
    os.symlink(os.path.join(vdsm_dir, "vdsm_hooks", "smbios", "before_vm_start.py"),
               os.path.join(root, "before_vm_start", "50_smbios"))


def add_probe(root, point, record):
    probe = os.path.join(root, point, "60_probe")
    with open(probe, "w") as f:
        f.write(f'#!/bin/bash\necho "FROM_SNAPSHOT=$FROM_SNAPSHOT vmId=$vmId" > "{record}"\n')
    os.chmod(probe, 0o755)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def vmconf_of(domxml, metadata):
    """vmconf as vm.py builds it: {'vmId': ..., 'custom': <ovirt-vm:custom>}."""
    return {"vmId": VM_ID, "custom": metadata.Descriptor.from_xml(domxml).custom}


def runs_named(log, name):
    return [r for r in log.runs if os.path.basename(r[0]) == name]


def hook_error(fn, exception):
    """Calls fn; returns (result, None) or (None, the HookError)."""
    try:
        return fn(), None
    except exception.HookError as e:
        return None, e


def error_text(e):
    """The bytes our hook wrote to stderr, as HookError carries them."""
    return e.args[0].decode() if e and e.args and isinstance(e.args[0], bytes) else repr(e)


def run(t, hook, fixtures, vdsm_dir, tmp, hooks, exception, metadata, log, readme):
    caps = {n: os.path.join(fixtures, f"caps-{n}.xml") for n in ("2node", "4node", "8node")}
    roots = {n: make_root(tmp, n, hook, path) for n, path in caps.items()}
    add_smbios(roots["2node"], vdsm_dir)
    probe_record = os.path.join(tmp, "probe")
    for root in roots.values():
        add_probe(root, "before_vm_dehibernate", probe_record)

    engine_xml = read(os.path.join(fixtures, "engine-start.xml"))
    saved_xml = read(os.path.join(fixtures, "saved-8node.xml"))
    incoming_xml = read(os.path.join(fixtures, "incoming-memnode-miss.xml"))

    # before_vm_start on Engine's XML: our <numatune> goes in, then VDSM's
    # smbios hook (50_smbios sorts after 50_numa) rewrites the whole
    # document with minidom and keeps it.
    hooks.P_VDSM_HOOKS = roots["2node"] + "/"
    vmconf = vmconf_of(engine_xml, metadata)
    t.check(vmconf["custom"].get("numa") == "strict:^3" and "smbios" in vmconf["custom"],
            "the custom properties come from Engine's <ovirt-vm:custom>", vmconf)
    log.runs.clear()
    out, err = hook_error(lambda: hooks.before_vm_start(engine_xml, vmconf), exception)
    t.check(err is None, "before_vm_start returns", error_text(err))
    dom = ET.fromstring(out) if out else ET.Element("none")
    memory = dom.find("numatune/memory")
    memnodes = [(m.get("cellid"), m.get("mode"), m.get("nodeset")) for m in dom.findall("numatune/memnode")]
    t.check(memory is not None and (memory.get("mode"), memory.get("nodeset")) == ("strict", "0-1")
            and memnodes == [("0", "strict", "0"), ("1", "strict", "1")],
            "the XML VDSM gets back holds our <numatune> ('strict:^3' on 2 nodes)", out)
    serial = dom.find("sysinfo/system/entry[@name='serial']")
    t.check(serial is not None and serial.text == "NUMA-TEST-1", "and the smbios hook's edit beside it", out)
    order = [(os.path.basename(r[0]), r[1]) for r in log.runs]
    t.check(order == [("50_numa", 0), ("50_smbios", 0)], "50_numa ran before 50_smbios, both exit 0", order)
    numa_runs = runs_named(log, "50_numa")
    t.check(numa_runs and numa_runs[0][2].startswith(b"numa: set <memory mode='strict' nodeset='0-1'/>"),
            "VDSM logs our success line", numa_runs)

    # A refusal: HookError carries our one line, the chain stops there.
    log.runs.clear()
    _, err = hook_error(lambda: hooks.before_vm_start(engine_xml, {"vmId": VM_ID, "custom": {"numa": "strict:5"}}),
                        exception)
    t.check(isinstance(err, exception.HookError)
            and error_text(err) == f"numa: 'strict:5': node 5 does not exist on the host in {caps['2node']} (host nodes: 0-1)\n",
            "before_vm_start refusal raises HookError with our one line", error_text(err))
    t.check("numa: 'strict:5'" in str(err), "str(HookError) shows it", str(err))
    t.check([os.path.basename(r[0]) for r in log.runs] == ["50_numa"], "no hook runs after exit 2", log.runs)

    # Migration destination, only a <memnode> misses: it returns, the
    # warning in vdsm.log, the XML as it came.
    log.runs.clear()
    out, err = hook_error(
        lambda: hooks.before_vm_migrate_destination(incoming_xml, vmconf_of(incoming_xml, metadata)), exception)
    t.check(err is None, "before_vm_migrate_destination with a <memnode> miss returns", error_text(err))
    t.check(out == incoming_xml, "and hands back the incoming XML unchanged")
    numa_runs = runs_named(log, "50_numa")
    stderr = numa_runs[0][2].decode() if numa_runs else ""
    warnings = [line for line in stderr.splitlines() if line.startswith("numa: warning: ")]
    t.check(numa_runs and numa_runs[0][1] == 0 and len(warnings) == 1 and warnings[0].startswith(
        "numa: warning: incoming <memnode cellid='1' mode='strict' nodeset='3'/>: node 3 does not exist on the "
        f"host in {caps['2node']} (host nodes: 0-1)"), "VDSM logs exit 0 and one warning", stderr)

    # ... but a <memory> miss is an error there.
    hooks.P_VDSM_HOOKS = roots["4node"] + "/"
    _, err = hook_error(lambda: hooks.before_vm_migrate_destination(saved_xml, vmconf_of(saved_xml, metadata)),
                        exception)
    t.check(error_text(err) == "numa: incoming <memory mode='strict' nodeset='0-2,4-7'/>: nodes 4-7 do not exist "
            f"on the host in {caps['4node']} (host nodes: 0-3)\n", "before_vm_migrate_destination refuses a <memory> miss",
            error_text(err))

    # Restore as vm.py does it: before_vm_start on Engine's fresh XML
    # (output ignored), then before_vm_dehibernate on the saved XML.
    for name, snapshot in (("2node", "False"), ("4node", "True")):
        hooks.P_VDSM_HOOKS = roots[name] + "/"
        if os.path.exists(probe_record):
            os.unlink(probe_record)
        _, start_err = hook_error(lambda: hooks.before_vm_start(engine_xml, vmconf_of(engine_xml, metadata)),
                                  exception)
        t.check(start_err is None, f"restore on {name}: before_vm_start on Engine's XML passes", error_text(start_err))
        _, err = hook_error(lambda: hooks.before_vm_dehibernate(saved_xml, vmconf_of(saved_xml, metadata),
                                                                {"FROM_SNAPSHOT": snapshot}), exception)
        missing = "2,4-7" if name == "2node" else "4-7"
        hostnodes = "0-1" if name == "2node" else "0-3"
        t.check(isinstance(err, exception.HookError) and error_text(err) ==
                f"numa: saved <memory mode='strict' nodeset='0-2,4-7'/>: nodes {missing} do not exist on the host "
                f"in {caps[name]} (host nodes: {hostnodes})\n",
                f"restore on {name}: before_vm_dehibernate refuses the 8-node saved XML (FROM_SNAPSHOT={snapshot})",
                error_text(err))
        t.check(not os.path.exists(probe_record), f"restore on {name}: no hook runs after ours")

    hooks.P_VDSM_HOOKS = roots["8node"] + "/"
    out, err = hook_error(lambda: hooks.before_vm_dehibernate(saved_xml, vmconf_of(saved_xml, metadata),
                                                              {"FROM_SNAPSHOT": "True"}), exception)
    t.check(err is None and out == saved_xml, "restore on 8 nodes: before_vm_dehibernate passes, XML unchanged",
            error_text(err))
    probe = read(probe_record) if os.path.exists(probe_record) else ""
    t.check(probe == f"FROM_SNAPSHOT=True vmId={VM_ID}\n", "the next hook saw VDSM's FROM_SNAPSHOT and vmId", probe)

    # The binary itself (no wrapper), this host's topology through libnuma.
    hooks.P_VDSM_HOOKS = make_root(tmp, "local", hook, None) + "/"
    far = saved_xml.replace("nodeset='0-2,4-7'", "nodeset='4000'")
    _, err = hook_error(lambda: hooks.before_vm_dehibernate(far, vmconf_of(far, metadata), {"FROM_SNAPSHOT": "False"}),
                        exception)
    t.check(error_text(err).startswith("numa: saved <memory mode='strict' nodeset='4000'/>: node 4000 does not exist "
                                       "on this host"), "the binary through symlinks, on this host", error_text(err))

    if readme:
        check_readme_log_lines(t, readme, log.records, list(roots.values()))

    print(f"1..{t.n}")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
