/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM's effective memory bindings, from the request and the <numatune> already in the domain XML. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "binding.h"
#include "macro.h"

/* An element already in the document; false when it says nothing this hook can read. */
static bool from_existing(const char *mode, const char *nodeset, bool placement_auto, const char *description,
        const char *origin, struct binding *b) {
        b->mode = numatune_mode_or_default(mode);
        if (b->mode < 0)
                return false;
        b->placement_auto = placement_auto;
        if (!placement_auto && (!nodeset || nodeset_parse_libvirt(nodeset, &b->nodes) < 0))
                return false;
        snprintf(b->subject, sizeof(b->subject), "%s%s%s", origin ? origin : "", origin ? " " : "",
                description);
        return true;
}

int binding_list_collect(const struct domxml_facts *f, const struct numatune_request *req,
        const char *const *memnode_subjects, const char *origin, struct binding_list *ret) {
        const struct domxml_numatune *nt = &f->numatune;
        _cleanup_(binding_list_done) struct binding_list l = {.memory = {.cell = -1}};
        char description[DIAG_LINE_MAX / 2];
        struct nodeset *bound = &l.bound; /* a bitmap keeps 30 000 <memnode>s linear */

        nodeset_clear(bound);

        if (req && req->memory) {
                l.has_memory = true;
                l.memory.mode = req->memory->mode;
                l.memory.placement_auto = req->memory->placement_auto;
                l.memory.nodes = req->memory->nodes;
                snprintf(l.memory.subject, sizeof(l.memory.subject), "%s", req->memory_subject);
        } else if (f->n_numatune > 0 && nt->n_memory > 0) {
                numatune_describe_memory(&nt->memory, description, sizeof(description));
                l.has_memory = from_existing(nt->memory.mode, nt->memory.nodeset,
                        numatune_memory_placement_auto(&nt->memory, f->vcpu_placement_auto), description,
                        origin, &l.memory);
        }

        for (size_t i = 0; req && i < req->n_memnodes; i++) {
                struct binding *b = array_append(&l.cells, &l.n_cells, sizeof(*b));

                if (!b)
                        return -ENOMEM;
                b->cell = req->memnodes[i].cell;
                nodeset_add(bound, req->memnodes[i].cell);
                b->mode = req->memnodes[i].mode;
                b->nodes = req->memnodes[i].nodes;
                snprintf(b->subject, sizeof(b->subject), "%s", memnode_subjects[i]);
        }

        for (size_t i = 0; f->n_numatune > 0 && i < nt->n_memnodes; i++) {
                const struct domxml_memnode *m = &nt->memnodes[i];
                long cell = numatune_memnode_cell(m);
                struct binding b = {.cell = cell}, *slot;

                /* The request's memnode for the same cell wins (the plan refuses a conflict). */
                if (cell < 0 || nodeset_contains(bound, (unsigned) cell))
                        continue;
                numatune_describe_memnode(m, description, sizeof(description));
                if (!from_existing(m->mode, m->nodeset, false, description, origin, &b))
                        continue;
                slot = array_append(&l.cells, &l.n_cells, sizeof(*slot));
                if (!slot)
                        return -ENOMEM;
                *slot = b;
                nodeset_add(bound, (unsigned) cell);
        }

        *ret = TAKE_STRUCT(l);
        return 0;
}

const struct binding *binding_for_cell(const struct binding_list *l, long cell) {
        /* Callers ask for every guest cell, and there may be millions: most have no <memnode>. */
        if (cell >= 0 && cell <= NODE_ID_MAX && nodeset_contains(&l->bound, (unsigned) cell))
                for (size_t i = 0; i < l->n_cells; i++)
                        if (l->cells[i].cell == cell)
                                return &l->cells[i];
        return l->has_memory ? &l->memory : NULL;
}

void binding_list_done(struct binding_list *l) {
        free(l->cells);
        *l = (struct binding_list){0};
}
