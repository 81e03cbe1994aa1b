/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The VM's effective memory bindings, from the request and the <numatune> already in the domain XML. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binding.h"
#include "diag.h"
#include "domxml.h"
#include "numatune.h"
#include "spec.h"

/* A binding libvirt will apply, with what the checks on it need besides. */
struct binding_entry {
        struct binding binding;
        bool warn_only; /* its shortfalls only warn, whatever the mode (see placement_check()) */
        char subject[SPEC_SUBJECT_SIZE]; /* how messages name it: "'strict:1'" */
};

/* The VM's memory bindings once the hook is done (or, at an incoming hook point, as they came). */
struct binding_list {
        bool has_memory;
        struct binding_entry memory;
        size_t n_cells;
        struct binding_entry *cells;
        struct nodeset bound; /* the cells in cells: most lookups are for cells without one */
};

/*
 * Collects what libvirt will apply: the request's <memory> and <memnode>s
 * (req NULL at a check-only hook point), and those in the document's
 * <numatune> that the request does not replace. memnode_subjects[i] names
 * req->memnodes[i]; origin ("existing", "incoming", "saved" or NULL) starts the names
 * of the document's elements. An existing element this hook cannot read is
 * left out (the checks skip what they cannot know). Returns 0 or -ENOMEM.
 */
int binding_list_collect(const struct domxml_facts *f, const struct numatune_request *req,
        const char *const *memnode_subjects, const char *origin, struct binding_list *ret);

/*
 * The binding guest cell `cell`'s memory follows: its <memnode>, else
 * <memory>, else NULL (unbound). O(1) for a cell without a <memnode>.
 */
const struct binding_entry *binding_for_cell(const struct binding_list *l, long cell);

void binding_list_done(struct binding_list *l);

/* One part of the VM's memory: a guest cell, or all of it (cell -1) when it has none. */
struct memory_part {
        long cell;
        uint64_t bytes;
};

/*
 * The parts, with libvirt's rule: the guest cells' memory when there are
 * cells (those libvirt does not number, or without memory, left out), else
 * <memory> (none when it is missing or unreadable, which is reported where
 * the VM's memory is read). Returns 0, -EINVAL for a cell's invalid memory
 * size, or -ENOMEM, with d filled; free *ret.
 */
int binding_list_memory_parts(
        const struct domxml_facts *f, struct memory_part **ret, size_t *ret_n, struct diag *d);
