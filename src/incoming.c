/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The check-only path at the migration destination and before a restore: another host's <numatune> on this
 * one. */
#include <errno.h>
#include <stdio.h>

#include "binding_list.h"
#include "domxml.h"
#include "host.h"
#include "incoming.h"
#include "nodeset.h"
#include "numatune.h"
#include "placement.h"
#include "resolve.h"

/*
 * One element of a <numatune> this host did not write: its name for
 * messages ("incoming <memory .../>"), then its mode with libvirt's default
 * as the binding of cell, its nodes apart. An unknown mode is an error at
 * every hook point.
 */
static int foreign_binding(const char *origin, const char *element, long cell, const char *mode,
        struct binding_entry *e, struct diag *d) {
        snprintf(e->subject, sizeof(e->subject), "%s %s", origin, element);
        e->binding = (struct binding){.cell = cell, .mode = binding_mode_or_default(mode)};
        if (e->binding.mode < 0)
                return diag_error(d, -EINVAL, "%s: unknown mode", e->subject);
        return 0;
}

/* The element's nodeset into its binding, then the resolver's checks of it on this host. */
static int check_foreign_nodeset(
        const struct run *r, struct binding_entry *e, const char *nodeset, const struct vm_facts *vm) {
        if (!nodeset || nodeset_parse_libvirt(nodeset, &e->binding.nodes) < 0)
                return diag_error(r->d, -EINVAL, "%s: no nodeset this hook can read", e->subject);
        return resolve_check(&e->binding, e->subject, &r->host.topo, vm, r->d);
}

/*
 * One <memnode> as a binding on its guest cell's facts, its nodeset
 * apart. What fails here (a cell or mode libvirt refuses on any host) is
 * an error at every hook point.
 */
static int memnode_binding(const struct run *r, const char *origin, const struct domxml_memnode *mn,
        struct binding_entry *e, struct vm_facts *ret_facts, char *label, size_t label_size) {
        char element[DIAG_LINE_MAX / 2];
        struct vm_facts facts;
        int k;

        numatune_describe_memnode(mn, element, sizeof(element));
        k = foreign_binding(origin, element, binding_memnode_cell(mn), mn->mode, e, r->d);
        if (k < 0)
                return k;
        if (e->binding.cell < 0)
                return diag_error(r->d, -EINVAL,
                        "%s: no cell id this hook can read; libvirt refuses it too (it needs a "
                        "decimal cellid, e.g. cellid='1')",
                        e->subject);
        k = run_cell_facts(r, (unsigned) e->binding.cell, e->subject, &facts, label, label_size);
        if (k < 0)
                return k;
        *ret_facts = facts;
        return 0;
}

/* <memory>: never rewritten, so its problems are errors at both hook points. */
static int check_memory(struct run *r, const char *origin, bool placement_auto) {
        const struct domxml_memory *m = &r->facts.numatune.memory;
        char element[DIAG_LINE_MAX / 2];
        struct binding_entry e;
        int k;

        if (r->facts.numatune.n_memory == 0)
                return 0;
        numatune_describe_memory(m, element, sizeof(element));
        if (placement_auto) {
                if (host_lacks_numad(&r->host))
                        diag_warn(r->d,
                                "%s placement 'auto' needs numad, which is not installed on this host",
                                origin);
                return 0;
        }
        k = foreign_binding(origin, element, BINDING_VM, m->mode, &e, r->d);
        if (k < 0)
                return k;
        return check_foreign_nodeset(r, &e, m->nodeset, &r->vm);
}

/* What libvirt refuses on any host, and VDSM's remapping (which changes no placement or mode) cannot mend. */
static int check_combination(struct run *r, const char *origin, bool placement_auto) {
        const struct domxml_numatune *nt = &r->facts.numatune;
        const struct domxml_memory *m = &nt->memory;
        char element[DIAG_LINE_MAX / 2];

        if (placement_auto && nt->n_memnodes > 0) {
                const char *why =
                        nt->n_memory == 0 ? "<vcpu placement='auto'> and no <memory> in <numatune>"
                        : m->placement    ? "<numatune><memory placement='auto'>"
                                       : "<vcpu placement='auto'>, which a <memory> without nodeset follows";

                numatune_describe_memnode(&nt->memnodes[0], element, sizeof(element));
                return diag_error(r->d, -EINVAL,
                        "%s %s: per-node binding is not compatible with automatic NUMA placement (%s), "
                        "and libvirt refuses it",
                        origin, element, why);
        }

        if (nt->n_memory > 0 && binding_mode_or_default(m->mode) == NUMA_MODE_RESTRICTIVE) {
                char subject[sizeof(element) + 16];

                numatune_describe_memory(m, element, sizeof(element));
                snprintf(subject, sizeof(subject), "%s %s", origin, element);
                return numatune_check_memnodes_restrictive(nt, subject, r->d);
        }
        return 0;
}

/*
 * Each <memnode>. Its nodeset is what VDSM replaces with Engine's
 * numaNodesets for the destination (migration.py, in the XML for libvirt,
 * not in the one hooks see), so where remappable a nodeset that does not
 * fit only warns: refusing it would block evacuating the host. Nothing
 * remaps them on restore, where they stay errors. Returns 0 with how many
 * only warned in ret_misfits, or a negative errno.
 */
static int check_memnodes(struct run *r, const char *origin, bool remappable, size_t *ret_misfits) {
        const struct domxml_numatune *nt = &r->facts.numatune;
        size_t n_misfits = 0;
        int k;

        for (size_t i = 0; i < nt->n_memnodes; i++) {
                const struct domxml_memnode *mn = &nt->memnodes[i];
                struct binding_entry e;
                struct diag_mark mark;
                struct vm_facts facts;
                char label[64];

                k = memnode_binding(r, origin, mn, &e, &facts, label, sizeof(label));
                if (k < 0)
                        return k;
                mark = diag_mark(r->d);
                k = check_foreign_nodeset(r, &e, mn->nodeset, &facts);
                if (k < 0 && !remappable)
                        return k;
                if (k < 0) {
                        diag_demote(r->d, mark,
                                "; not refused, as VDSM replaces <memnode> nodesets with Engine's "
                                "choice for %s (without one, libvirt fails the migration)",
                                topology_host(&r->host.topo));
                        n_misfits++;
                }
        }
        *ret_misfits = n_misfits;
        return 0;
}

/*
 * At the migration destination and before a restore, VDSM ignores what
 * the hook writes and hands libvirt a <numatune> that another host
 * resolved. A failure here stops the migration or restore before it
 * starts, which is better than a failure deep inside libvirt. So: check
 * that <numatune> against this host, never write the file.
 */
int incoming_run(struct run *r, struct hook_result *ret) {
        bool remappable = r->req->point == HOOK_BEFORE_VM_MIGRATE_DESTINATION;
        const char *origin = remappable ? "incoming" : "saved";
        size_t n_misfits, n_soft;
        bool placement_auto;
        int k;

        k = run_load(r, FILE_NOFOLLOW);
        if (k < 0)
                return k;
        if (r->facts.n_numatune == 0)
                return 0;
        /* The incoming VM's memory will come from these nodes: its claim is taken here too. */
        k = run_open_claims(r);
        if (k >= 0)
                k = run_load_host(r, NULL);
        if (k < 0)
                return k;
        k = numatune_check_counts(&r->facts, origin, r->d);
        if (k < 0)
                return k;

        placement_auto = numatune_effective_placement_auto(&r->facts);
        k = check_memory(r, origin, placement_auto);
        if (k >= 0)
                k = check_combination(r, origin, placement_auto);
        if (k >= 0)
                k = check_memnodes(r, origin, remappable, &n_misfits);
        if (k < 0)
                return k;

        /* Huge pages and locality: VDSM has prepared the pages by now. */
        k = placement_check(r, NULL, NULL, remappable, origin, &n_soft);
        if (k >= 0)
                k = claims_commit(&r->claims, &r->host, r->d);
        if (k < 0)
                return k;

        if (n_misfits > 0 || n_soft > 0)
                snprintf(ret->info, sizeof(ret->info),
                        "%s <numatune> fits %s but for its <memnode> elements the warnings name, "
                        "whose nodesets VDSM replaces",
                        origin, topology_host(&r->host.topo));
        else
                snprintf(ret->info, sizeof(ret->info), "%s <numatune> fits %s", origin,
                        topology_host(&r->host.topo));
        return 0;
}
