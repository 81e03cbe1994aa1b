/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The binding type, and libvirt's reading of the <memory> and <memnode> elements a document already has. */

#include <stdbool.h>

#include "domxml.h"
#include "nodeset.h"
#include "spec.h"

/* The cell of a binding for the whole VM (<memory>) rather than one guest cell (<memnode>). */
#define BINDING_VM (-1L)

/*
 * A mode and the nodes it binds to, for the VM's memory or one guest
 * cell's: what <numatune><memory> or <memnode> says, with libvirt's
 * defaults applied. The one type the resolver, the edit planner and the
 * checks share.
 */
struct binding {
        long cell; /* BINDING_VM, or the guest cell */
        enum numa_mode mode;
        bool placement_auto;  /* numad picks the nodes (the VM's only); nothing to check against */
        struct nodeset nodes; /* empty when placement_auto */
        bool fit_chosen;      /* fit chose the nodes, and warned itself if it had to take a slower tier */
};

/* An element's mode attribute with libvirt's default (strict); _NUMA_MODE_INVALID when unknown. */
enum numa_mode binding_mode_or_default(const char *mode);

/*
 * Whether an existing <memory> places automatically, with libvirt's
 * default: placement follows the attribute, else static with a nodeset,
 * else <vcpu placement>.
 */
bool binding_memory_placement_auto(const struct domxml_memory *m, bool vcpu_placement_auto);

/*
 * An existing <memnode>'s cellid as libvirt reads it (an unsigned
 * attribute: ' 1' and '+1' are cell 1), or -1 when libvirt would refuse it.
 */
long binding_memnode_cell(const struct domxml_memnode *m);

/*
 * An existing <memory> or <memnode> as a binding, libvirt's defaults
 * applied. Returns 0, or -EINVAL when it says nothing this hook can read
 * (an unknown mode, a cell id libvirt refuses, no nodeset it can parse
 * where one is needed); ret is written only on success.
 */
int binding_from_memory(const struct domxml_memory *m, bool vcpu_placement_auto, struct binding *ret);
int binding_from_memnode(const struct domxml_memnode *m, struct binding *ret);

/* Whether two bindings say the same (the nodes of automatic placement do not count). */
bool binding_equal(const struct binding *a, const struct binding *b);
