/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Locality warnings: vCPUs, emulator threads and PCI devices on other nodes than the memory they use. */

#include "binding_list.h"
#include "diag.h"
#include "domxml.h"
#include "host.h"

/*
 * locality_cpu_nodes() and locality_vcpu_cpus() are the two lookups
 * locality_check() builds on. The fit target ranks nodes with them too
 * (fit_target.c, fit_domain.c), and test_locality.c tables them directly:
 * through locality_check() a wrong node or CPU set shows only as a
 * warning missing or too many, and an unpinned vCPU as silence.
 */

/*
 * The host nodes the CPUs in `cpus` belong to, from the topology's CPU
 * lists (a struct nodeset doubles as a set of CPU ids below 4096).
 */
void locality_cpu_nodes(const struct topology *t, const struct nodeset *cpus, struct nodeset *ret);

/*
 * The host CPUs the vCPUs in `vcpus` may run on: each one's <vcpupin>,
 * else <vcpu cpuset>. Returns 0 with *ret_pinned set and, when they are
 * all pinned, *ret_cpus filled (else it is empty: one of them may run
 * anywhere); -EINVAL for a cpuset this hook cannot read, or -ENOMEM.
 */
int locality_vcpu_cpus(const struct domxml_placement *p, const struct nodeset *vcpus, bool *ret_pinned,
        struct nodeset *ret_cpus);

/*
 * The host CPUs the VM pins anything to, for the fit target's ranking:
 * the union of <vcpu cpuset>, every <vcpupin> and <emulatorpin>; a cpuset
 * this hook cannot read adds nothing. Empty when nothing is pinned.
 */
void locality_pinned_cpus(const struct domxml_placement *p, struct nodeset *ret);

/*
 * The nodes of the VM's PCI host devices that this host knows (another
 * host's devices are not known; a node of -1 is no node).
 */
void locality_pci_nodes(const struct domxml_placement *p, const struct host *h, struct nodeset *ret);

/*
 * Warnings, never errors, for memory that is remote to what uses it:
 * vCPUs (of the VM, or of each guest cell with its own <memnode>) and the
 * emulator threads pinned entirely to nodes outside their memory's nodes,
 * and PCI host devices attached to a node outside the VM's memory nodes.
 * Whatever cannot be known (unpinned vCPUs, numad placement, unbound
 * memory, a device node of -1, another host's devices) is passed over in
 * silence. The host's nodes need their CPUs (TOPOLOGY_CPUS) when the VM
 * pins anything.
 */
void locality_check(
        const struct domxml_facts *f, const struct binding_list *b, const struct host *h, struct diag *d);
