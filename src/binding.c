/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The binding type, and libvirt's reading of the <memory> and <memnode> elements a document already has. */
#include <errno.h>
#include <string.h>

#include "binding.h"
#include "parse.h"

enum numa_mode binding_mode_or_default(const char *mode) {
        return mode ? numa_mode_from_string(mode, strlen(mode)) : NUMA_MODE_STRICT;
}

bool binding_memory_placement_auto(const struct domxml_memory *m, bool vcpu_placement_auto) {
        if (m->placement)
                return strcmp(m->placement, "auto") == 0;
        return !m->nodeset && vcpu_placement_auto;
}

long binding_memnode_cell(const struct domxml_memnode *m) {
        return parse_uint_libvirt(m->cellid, NODE_ID_MAX);
}

int binding_from_memory(const struct domxml_memory *m, bool vcpu_placement_auto, struct binding *ret) {
        struct binding b = {
                .cell = BINDING_VM,
                .mode = binding_mode_or_default(m->mode),
                .placement_auto = binding_memory_placement_auto(m, vcpu_placement_auto),
        };

        if (b.mode < 0)
                return -EINVAL;
        if (!b.placement_auto && (!m->nodeset || nodeset_parse_libvirt(m->nodeset, &b.nodes) < 0))
                return -EINVAL;
        *ret = b;
        return 0;
}

int binding_from_memnode(const struct domxml_memnode *m, struct binding *ret) {
        struct binding b = {.cell = binding_memnode_cell(m), .mode = binding_mode_or_default(m->mode)};

        if (b.cell < 0 || b.mode < 0)
                return -EINVAL;
        if (!m->nodeset || nodeset_parse_libvirt(m->nodeset, &b.nodes) < 0)
                return -EINVAL;
        *ret = b;
        return 0;
}

bool binding_equal(const struct binding *a, const struct binding *b) {
        if (a->cell != b->cell || a->mode != b->mode || a->placement_auto != b->placement_auto)
                return false;
        return a->placement_auto || nodeset_equal(&a->nodes, &b->nodes);
}
