#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What the fit target costs: the hook with 'strict:fit' beside the same
hook with the explicit nodeset fit chooses, on the same host document
(an 8-node and a 64-node `virsh capabilities` with distances and huge
pages), runs interleaved as VDSM runs hooks (fork/exec on a fresh copy,
wait4()). The VM needs two nodes, so fit ranks, then reads the distances
and grows sets from every start node. Medians of the wall time are judged:
fit at most 1.25 times the explicit run on 8 nodes, 1.5 times on 64.

  fit.py [--quick] [--runs N] HOOK WORKDIR

--quick runs each case once and checks that both runs succeed and write
the same domain XML (fit chose the nodeset the explicit run names); no
timing is judged.
"""
import statistics
import sys

from benchlib import parse_args, run_hook

GIB_KIB = 1024 * 1024


def caps_xml(nodes):
    """nodes of 16 GiB with four CPUs each, in sockets of four (distance 16
    within, 32 across), 512 free 2 MiB pages each."""
    out = ["<capabilities>\n  <host>\n    <topology>\n", f"      <cells num='{nodes}'>\n"]
    for n in range(nodes):
        out.append(f"        <cell id='{n}'>\n          <memory unit='KiB'>{16 * GIB_KIB}</memory>\n"
                   "          <pages unit='KiB' size='4'>3932160</pages>\n"
                   "          <pages unit='KiB' size='2048'>512</pages>\n          <distances>\n")
        out.extend(f"            <sibling id='{m}' value='{10 if m == n else 16 if m // 4 == n // 4 else 32}'/>\n"
                   for m in range(nodes))
        out.append("          </distances>\n          <cpus num='4'>\n")
        out.extend(f"            <cpu id='{c}' socket_id='{n // 4}' die_id='0' core_id='{c}' siblings='{c}'/>\n"
                   for c in range(4 * n, 4 * n + 4))
        out.append("          </cpus>\n        </cell>\n")
    out.append("      </cells>\n    </topology>\n  </host>\n</capabilities>\n")
    return "".join(out)


# A typical oVirt VM of 24 GiB, its four vCPUs pinned to node 1's CPUs: no
# node holds it, so fit takes node 1 and the nearest node with the most.
DOMAIN = """<?xml version='1.0' encoding='utf-8'?>
<domain type="kvm">
    <name>fit-bench</name>
    <uuid>3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7</uuid>
    <memory unit="GiB">24</memory>
    <vcpu placement="static">4</vcpu>
    <cputune>
        <vcpupin vcpu="0" cpuset="4" />
        <vcpupin vcpu="1" cpuset="5" />
        <vcpupin vcpu="2" cpuset="6" />
        <vcpupin vcpu="3" cpuset="7" />
    </cputune>
    <os>
        <type arch="x86_64" machine="pc-q35-rhel8.6.0">hvm</type>
    </os>
    <devices>
        <emulator>/usr/libexec/qemu-kvm</emulator>
    </devices>
</domain>
"""

# name, nodes, the nodeset fit chooses, the limit on fit / explicit wall time
CASES = [("8 nodes", 8, "0-1", 1.25), ("64 nodes", 64, "0-1", 1.5)]


def measure(hook, workdir, k, nodes, nodeset, runs):
    """Median wall and CPU ms of (explicit, fit), or a string saying what went wrong."""
    domxml, caps = f"{workdir}/fit-{k}.xml", f"{workdir}/fit-{k}-caps.xml"
    with open(domxml, "w") as f:
        f.write(DOMAIN)
    with open(caps, "w") as f:
        f.write(caps_xml(nodes))
    specs = [f"strict:{nodeset}", "strict:fit"]
    samples = [[], []]
    for r in range(runs):
        outs = []
        for i in ((0, 1) if r % 2 == 0 else (1, 0)):
            copy, err = f"{workdir}/fit-{k}-{i}.xml", f"{workdir}/fit-{k}-{i}.err"
            status, wall, cpu, _ = run_hook(hook, ["--hook-point", "before_vm_start", "--capabilities", caps],
                                            {"numa_memnode": None, "numa": specs[i]}, domxml, copy, err)
            if status != 0:
                return f"'{specs[i]}' exit {status}: {open(err, errors='replace').read().strip()[:300]}"
            samples[i].append((wall, cpu))
            outs.append(open(copy, "rb").read())
        if outs[0] != outs[1]:
            return f"'strict:fit' did not choose '{nodeset}' as the explicit run names it"
    return [tuple(statistics.median(s[j] for s in samples[i]) for j in range(2)) for i in range(2)]


def main(argv):
    args = parse_args(argv, "fit.py", 41)
    if args is None:
        return 64
    quick, runs, hook, workdir = args

    results = []
    for k, (name, nodes, nodeset, limit) in enumerate(CASES):
        got = measure(hook, workdir, k, nodes, nodeset, runs)
        if isinstance(got, str):
            print(f"fit: {name}: {got}", file=sys.stderr)
            print(f"fit: {k} passed, 1 failed")
            return 1
        results.append((name, limit, got))

    print(f"{'fit case':<10} {'program':<16} {'runs':>5} {'wall ms':>10} {'cpu ms':>10}")
    for name, _, got in results:
        for label, (wall, cpu) in zip(("explicit nodeset", "strict:fit"), got):
            print(f"{name:<10} {label:<16} {runs:>5} {wall:>10.2f} {cpu:>10.2f}")
    if quick:
        print(f"fit: {len(CASES)} passed, 0 failed (quick functional run; no timing judged)")
        return 0

    print(f"\n{'target':<36}{'value':>7}     limit  verdict")
    for name, limit, got in results:
        ratio = got[1][0] / got[0][0]
        print(f"{name + ': fit / explicit wall':<36}{ratio:>7.2f}  <= {limit:<5} "
              f"{'met' if ratio <= limit else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
