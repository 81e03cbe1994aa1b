/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM's effective memory bindings, from the request and the <numatune> already in the domain XML. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "binding_list.h"
#include "macro.h"
#include "size.h"

/* Names an element of the document for messages: origin, then its description. */
static void name_existing(struct binding_entry *e, const char *origin, const char *description) {
        snprintf(e->subject, sizeof(e->subject), "%s%s%s", origin ? origin : "", origin ? " " : "",
                description);
}

/* The VM's <memory>: the request's, else the document's when this hook can read it. */
static void collect_memory(const struct domxml_facts *f, const struct numatune_request *req,
        const char *origin, struct binding_list *l) {
        const struct domxml_numatune *nt = &f->numatune;
        char description[DIAG_LINE_MAX / 2];

        if (req && req->memory) {
                l->has_memory = true;
                l->memory.binding = *req->memory;
                snprintf(l->memory.subject, sizeof(l->memory.subject), "%s", req->memory_subject);
        } else if (f->n_numatune > 0 && nt->n_memory > 0) {
                l->has_memory =
                        binding_from_memory(&nt->memory, f->vcpu_placement_auto, &l->memory.binding) == 0;
                numatune_describe_memory(&nt->memory, description, sizeof(description));
                name_existing(&l->memory, origin, description);
        }
}

int binding_list_collect(const struct domxml_facts *f, const struct numatune_request *req,
        const char *const *memnode_subjects, const char *origin, struct binding_list *ret) {
        const struct domxml_numatune *nt = &f->numatune;
        _cleanup_(binding_list_done) struct binding_list l = {.memory = {.binding = {.cell = BINDING_VM}}};
        char description[DIAG_LINE_MAX / 2];
        struct nodeset *bound = &l.bound; /* a bitmap keeps 30 000 <memnode>s linear */

        nodeset_clear(bound);
        collect_memory(f, req, origin, &l);

        for (size_t i = 0; req && i < req->n_memnodes; i++) {
                struct binding_entry *e = array_append(&l.cells, &l.n_cells, sizeof(*e));

                if (!e)
                        return -ENOMEM;
                e->binding = req->memnodes[i];
                nodeset_add(bound, (unsigned) req->memnodes[i].cell);
                snprintf(e->subject, sizeof(e->subject), "%s", memnode_subjects[i]);
        }

        for (size_t i = 0; f->n_numatune > 0 && i < nt->n_memnodes; i++) {
                const struct domxml_memnode *m = &nt->memnodes[i];
                struct binding_entry e = {0}, *slot;

                /* The request's memnode for the same cell wins (the plan refuses a conflict). */
                if (binding_from_memnode(m, &e.binding) < 0 ||
                        nodeset_contains(bound, (unsigned) e.binding.cell))
                        continue;
                numatune_describe_memnode(m, description, sizeof(description));
                name_existing(&e, origin, description);
                slot = array_append(&l.cells, &l.n_cells, sizeof(*slot));
                if (!slot)
                        return -ENOMEM;
                *slot = e;
                nodeset_add(bound, (unsigned) e.binding.cell);
        }

        *ret = TAKE_STRUCT(l);
        return 0;
}

const struct binding_entry *binding_for_cell(const struct binding_list *l, long cell) {
        /* Callers ask for every guest cell, and there may be millions: most have no <memnode>. */
        if (cell >= 0 && cell <= NODE_ID_MAX && nodeset_contains(&l->bound, (unsigned) cell))
                for (size_t i = 0; i < l->n_cells; i++)
                        if (l->cells[i].binding.cell == cell)
                                return &l->cells[i];
        return l->has_memory ? &l->memory : NULL;
}

void binding_list_done(struct binding_list *l) {
        free(l->cells);
        *l = (struct binding_list){0};
}

/* See binding_list.h: the guest cells' memory when there are cells, else <memory>. */
int binding_list_memory_parts(
        const struct domxml_facts *f, struct memory_part **ret, size_t *ret_n, struct diag *d) {
        _cleanup_free_ struct memory_part *parts = NULL;
        struct memory_part *p;
        size_t n = 0;
        uint64_t bytes;

        if (f->n_cells == 0) {
                if (!f->has_memory || size_parse(f->memory_text, f->memory_unit, &bytes) < 0) {
                        *ret = NULL;
                        *ret_n = 0;
                        return 0; /* checked (and reported) where the VM's memory is read */
                }
                parts = calloc(1, sizeof(*parts));
                if (!parts)
                        return diag_error(d, -ENOMEM, "out of memory");
                parts[0] = (struct memory_part){.cell = -1, .bytes = bytes};
                *ret = TAKE_PTR(parts);
                *ret_n = 1;
                return 0;
        }

        for (size_t i = 0; i < f->n_cells; i++) {
                long id = f->cells[i].number;

                /* Cells libvirt refuses are not numbered: the domain will not start anyway. */
                if (id < 0 || !f->cells[i].memory)
                        continue;
                if (size_parse(f->cells[i].memory, f->cells[i].unit, &bytes) < 0)
                        return diag_error(
                                d, -EINVAL, "domain XML: guest cell %ld has an invalid memory size", id);
                p = array_append(&parts, &n, sizeof(*p));
                if (!p)
                        return diag_error(d, -ENOMEM, "out of memory");
                *p = (struct memory_part){.cell = id, .bytes = bytes};
        }
        *ret = TAKE_PTR(parts);
        *ret_n = n;
        return 0;
}
