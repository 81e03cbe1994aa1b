#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The hook on hostile inputs: documents and capabilities built so that
work quadratic in their size would take minutes. Each case is generated,
then the hook is run on a fresh copy as VDSM runs it (fork/exec, wait4()
for the CPU time and the peak RSS); its exit status and message are
checked on every run, and the median CPU time is judged against a target
well under the watchdog's 10 s.

  hostile.py [--quick] [--runs N] HOOK WORKDIR

--quick runs each case once on tiny inputs and checks the results: the
functional test of the generator and of the hook's answers, with no
timing judged.
"""
import statistics
import sys

from benchlib import parse_args, run_hook

CPU_MS_MAX = 2000  # per case, release build; the watchdog ends a run at 10 s
NODE_ID_MAX = 4095
# No custom property from the caller's environment; a VM id for the ledger.
ENV = {"numa": None, "numa_memnode": None, "vmId": "2a1c7d44-3b1e-4f6a-9c8d-0e5f4a3b2c1d"}


def caps_xml(cells, pages):
    """virsh-capabilities-style XML with `cells` host cells (16 GiB, one
    CPU each); pages(cell) gives that cell's (size KiB, count) <pages>,
    unindented, so that 400 000 of them stay under the hook's 16 MiB limit
    on a capabilities file."""
    out = ["<capabilities>\n  <host>\n    <topology>\n", f"      <cells num='{cells}'>\n"]
    for c in range(cells):
        out.append(f"        <cell id='{c}'>\n          <memory unit='KiB'>16777216</memory>\n")
        out.extend(f"<pages unit='KiB' size='{s}'>{n}</pages>" for s, n in pages(c))
        out.append(f"          <cpus num='1'>\n            <cpu id='{c}' socket_id='{c}' die_id='0' "
                   f"core_id='0' siblings='{c}'/>\n          </cpus>\n        </cell>\n")
    out.append("      </cells>\n    </topology>\n  </host>\n</capabilities>\n")
    return "".join(out)


def two_nodes():
    return caps_xml(2, lambda c: [(4, 4194304)])


def memnodes_by_number(quick):
    """Many <memnode cellid='0'>s, and cell 0 the last of as many cells:
    each memnode's cell must be found by its number, not by a walk."""
    n = 50 if quick else 200000
    dom = ["<domain><memory unit='MiB'>1</memory><vcpu>1</vcpu><numatune>"]
    dom.append("<memnode cellid='0' mode='strict' nodeset='0'/>" * n)
    dom.append("</numatune><cpu><numa>")
    dom.extend(f"<cell id='{n - 1 - i}' memory='1'/>" for i in range(n))
    dom.append("</numa></cpu></domain>")
    return "".join(dom), two_nodes(), ["--hook-point", "before_vm_migrate_destination"]


def hugepage_cells(quick):
    """Hundreds of thousands of huge-page guest cells, thousands of them
    with a <memnode> on a host node of its own (as many groups of pages),
    the rest following <memory>: a cell's binding, group and page size must
    not cost a walk."""
    nodes, n = (4, 12) if quick else (NODE_ID_MAX + 1, 600000)
    dom = ["<domain><memory unit='GiB'>1</memory><memoryBacking><hugepages/></memoryBacking>"
           "<vcpu>1</vcpu><numatune><memory mode='strict' nodeset='0'/>"]
    dom.extend(f"<memnode cellid='{i}' mode='strict' nodeset='{i}'/>" for i in range(nodes))
    dom.append("</numatune><cpu><numa>")
    dom.append("<cell memory='1'/>" * n)
    dom.append("</numa></cpu></domain>")
    caps = caps_xml(nodes, lambda c: [(4, 4194304), (2048, 1000000)])
    return "".join(dom), caps, ["--hook-point", "before_vm_migrate_destination"]


def vcpu_cpuset(quick):
    """A multi-MB <vcpu cpuset> and thousands of guest cells, each with its
    <memnode>: the cpuset must be parsed once, not per cell."""
    cpus, cells = (100, 8) if quick else (1000000, NODE_ID_MAX + 1)
    dom = ["<domain><memory unit='MiB'>4096</memory><vcpu cpuset='0", ",0" * (cpus - 1),
           f"'>{cells}</vcpu><numatune><memory mode='strict' nodeset='0'/>"]
    dom.extend(f"<memnode cellid='{i}' mode='strict' nodeset='0'/>" for i in range(cells))
    dom.append("</numatune><cpu><numa>")
    dom.extend(f"<cell cpus='{i}' memory='1' unit='MiB'/>" for i in range(cells))
    dom.append("</numa></cpu></domain>")
    return "".join(dom), two_nodes(), ["--hook-point", "before_vm_migrate_destination"]


def requested_memnodes(quick):
    """Thousands of numa_memnode cells to add to a document that has
    hundreds of thousands of other <memnode>s (cell ids above 4095, which
    libvirt allows): finding a cell's existing <memnode>, in the plan and in
    the check of the result, must not walk them all."""
    existing, req = (10, 8) if quick else (500000, NODE_ID_MAX + 1)
    dom = ["<domain><memory unit='MiB'>", str(req), "</memory><vcpu>1</vcpu><numatune>"]
    dom.extend(f"<memnode cellid='{5000 + i}' mode='strict' nodeset='0'/>" for i in range(existing))
    dom.append("</numatune><cpu><numa>")
    dom.extend(f"<cell id='{i}' memory='1' unit='MiB'/>" for i in range(req))
    dom.append("</numa></cpu></domain>")
    spec = " ".join(f"{i}=strict:0" for i in range(req))
    return "".join(dom), two_nodes(), ["--hook-point", "before_vm_start", "--numa", "strict:0",
                                       "--numa-memnode", spec]


def page_sizes(quick):
    """Capabilities with hundreds of thousands of <pages> sizes on node 0
    and a VM asking for a size no node has: the refusal lists the first
    sizes, and must not cost a pass over the <pages> per size."""
    n = 20 if quick else 400000
    dom = ("<domain><memory unit='GiB'>1</memory><memoryBacking><hugepages><page size='3'/>"
           "</hugepages></memoryBacking><vcpu>1</vcpu></domain>")
    caps = caps_xml(2, lambda c: [(4, 4194304)] + ([(8 + i, 1) for i in range(n)] if c == 0 else []))
    return dom, caps, ["--hook-point", "before_vm_start", "--numa", "strict:0"]


# name, generator, expected exit status, text the hook's stderr must hold
CASES = [
    ("memnodes by number", memnodes_by_number, 0, "numa: incoming <numatune> fits the host in "),
    ("huge-page cells", hugepage_cells, 0, "numa: incoming <numatune> fits the host in "),
    ("vcpu cpuset", vcpu_cpuset, 0, "numa: incoming <numatune> fits the host in "),
    ("numa_memnode", requested_memnodes, 0, "<memnode cellid='7' mode='strict' nodeset='0'/>"),
    ("page sizes", page_sizes, 2, "does not have (huge page sizes: 8 KiB, 9 KiB, 10 KiB, "),
]


def main(argv):
    args = parse_args(argv, "hostile.py", 5)
    if args is None:
        return 64
    quick, runs, hook, workdir = args

    results, failed = [], 0
    for k, (name, gen, want_status, want_text) in enumerate(CASES):
        dom, caps, args = gen(quick)
        domxml, capsxml = f"{workdir}/hostile-{k}.xml", f"{workdir}/hostile-{k}-caps.xml"
        copy, err = f"{workdir}/hostile-{k}-run.xml", f"{workdir}/hostile-{k}-run.err"
        with open(domxml, "w") as f:
            f.write(dom)
        with open(capsxml, "w") as f:
            f.write(caps)
        samples = []
        for _ in range(runs):
            status, wall, cpu, rss = run_hook(hook, args + ["--capabilities", capsxml], ENV, domxml, copy, err)
            with open(err, errors="replace") as f:
                text = f.read()
            if status != want_status or (want_text and want_text not in text):
                print(f"hostile: {name}: exit {status}, expected {want_status}"
                      f"{f' and {want_text!r}' if want_text else ''}; stderr: {text.strip()[:300]}",
                      file=sys.stderr)
                failed += 1
                break
            if want_status == 0 and "<numatune>" not in open(copy, errors="replace").read():
                print(f"hostile: {name}: no <numatune> in {copy}", file=sys.stderr)
                failed += 1
                break
            samples.append((wall, cpu, rss))
        if samples:
            results.append((name, len(dom) + len(caps), len(samples),
                            *(statistics.median(s[i] for s in samples) for i in range(3))))

    print(f"{'hostile case':<20} {'input':>11} {'runs':>5} {'wall ms':>10} {'cpu ms':>10} {'peak RSS MiB':>12}")
    for name, size, n, wall, cpu, rss in results:
        print(f"{name:<20} {size:>11} {n:>5} {wall:>10.1f} {cpu:>10.1f} {rss:>12.1f}")
    if failed:
        print(f"hostile: {len(CASES) - failed} passed, {failed} failed")
        return 1
    if quick:
        print(f"hostile: {len(CASES)} passed, 0 failed (quick functional run; no timing judged)")
        return 0

    print(f"\n{'target':<36}{'value':>7}     limit  verdict")
    for name, _, _, _, cpu, _ in results:
        print(f"{name + ': hook cpu ms':<36}{cpu:>7.0f}  <= {CPU_MS_MAX:<5} "
              f"{'met' if cpu <= CPU_MS_MAX else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
