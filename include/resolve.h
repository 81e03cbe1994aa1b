/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "nodeset.h"
#include "spec.h"
#include "topology.h"

/* What goes into <memory mode=... nodeset=.../> or <memory mode=... placement='auto'/>. */
struct numa_binding {
        enum numa_mode mode;
        bool placement_auto;
        struct nodeset nodes; /* empty when placement_auto */
};

/* What the domain tells the resolver. */
struct vm_facts {
        bool vcpu_placement_auto;
        bool has_memory;
        uint64_t memory;          /* bytes, when has_memory */
        const char *memory_label; /* "the VM's memory" when NULL; "guest cell 1's memory" for a memnode */
        bool hugepages;           /* backed by huge pages, which MemFree does not count */
};

/*
 * Applies a parsed spec to a host: the set arithmetic, then the checks an
 * admin would otherwise meet as a failed VM start, each with the value
 * quoted (nodes exist; strict and restrictive need memory on every node,
 * preferred and interleave on one; preferred takes one node; the VM's
 * memory fits). Soft findings become warnings in d. Nodes of unknown
 * memory (topology.memory_unknown) are skipped by the memory checks and
 * make the capacity check impossible, so it is skipped; the caller says so
 * once. Returns 0 or -EINVAL.
 */
int resolve_spec(const struct numa_spec *spec, const struct topology *topo, const struct vm_facts *vm,
        struct numa_binding *ret, struct diag *d);
