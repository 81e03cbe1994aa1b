/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Applies a parsed spec to a host topology and checks that the binding can work there. */

#include <stdbool.h>
#include <stdint.h>

#include "binding.h"
#include "claims.h"
#include "diag.h"
#include "spec.h"
#include "topology.h"

/* What the domain tells the resolver, about the whole VM or one guest cell. */
struct vm_facts {
        bool vcpu_placement_auto;
        bool has_memory;
        uint64_t memory;             /* bytes, when has_memory */
        const char *memory_label;    /* "the VM's memory" when NULL; "guest cell 1's memory" for a memnode */
        bool hugepages;              /* backed by huge pages, which MemFree does not count */
        const struct claims *claims; /* other VMs' claims on free memory; NULL: none */
        /* fit chose the nodes by what they offer: no free-memory warning, nor one that a preferred node
         * is too small (fit warned of the spill) */
        bool fit_judged;
};

/*
 * Applies a parsed spec to a host: the set arithmetic, then the checks an
 * admin would otherwise meet as a failed VM start, each with the value
 * quoted (nodes exist; strict and restrictive need memory on every node,
 * preferred and interleave on one; preferred takes one node; the VM's
 * memory fits; free memory less what vm->claims holds). Soft findings
 * become warnings in d. Nodes of unknown
 * memory (topology.memory_unknown) are skipped by the memory checks and
 * make the capacity check impossible, so it is skipped; the caller says so
 * once. Returns 0 with the binding of cell (BINDING_VM for the whole VM)
 * in ret, or -EINVAL.
 */
int resolve_spec(const struct numa_spec *spec, long cell, const struct topology *topo,
        const struct vm_facts *vm, struct binding *ret, struct diag *d);

/*
 * The same checks on a binding this hook did not resolve (another host's
 * <numatune>), its messages starting with subject: its nodes exist, have
 * memory as its mode needs, and hold the VM's memory. Nothing to check
 * for automatic placement. Returns 0 or -EINVAL.
 */
int resolve_check(const struct binding *b, const char *subject, const struct topology *topo,
        const struct vm_facts *vm, struct diag *d);
