/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fit target's request from the domain: memory, page size, pinned CPUs, PCI devices, an existing binding.
 */
#include <errno.h>
#include <string.h>

#include "fit_domain.h"
#include "hugepages.h"
#include "locality.h"

/* The domain's own <memory> (or the cell's <memnode>) when it has the spec's mode and fits this host. */
static bool keep_existing(struct run *r, const struct numa_spec *spec, long cell, const struct vm_facts *vm,
        struct binding *ret) {
        const struct domxml_numatune *nt = &r->facts.numatune;
        struct diag_mark mark;
        struct binding b;
        bool found = false;

        if (r->facts.n_numatune == 0)
                return false;
        if (cell == BINDING_VM)
                found = nt->n_memory > 0 &&
                        binding_from_memory(&nt->memory, r->facts.vcpu_placement_auto, &b) == 0;
        for (size_t i = 0; cell != BINDING_VM && !found && i < nt->n_memnodes; i++)
                found = binding_memnode_cell(&nt->memnodes[i]) == cell &&
                        binding_from_memnode(&nt->memnodes[i], &b) == 0;
        if (!found || b.mode != spec->mode || b.placement_auto)
                return false;
        mark = diag_mark(r->d);
        if (resolve_check(&b, spec->subject, &r->host.topo, vm, r->d) < 0) {
                diag_rewind(r->d, mark);
                return false;
        }
        *ret = b;
        return true;
}

/* The huge page size of the memory (0: normal pages), as libvirt picks it for cell. */
static int page_size(struct run *r, const struct numa_spec *spec, long cell, uint64_t *ret_kib) {
        struct hugepages_choice choice;
        int k = hugepages_select(&r->facts.placement, cell, &choice);

        if (k == -ENOMEM)
                return diag_error(r->d, k, "out of memory");
        if (k < 0)
                return diag_error(r->d, k, "%s: cannot read the size of the domain's huge pages (<page>)",
                        spec->subject);
        if (!choice.huge || choice.kib) {
                *ret_kib = choice.huge ? choice.kib : 0;
                return 0;
        }
        k = host_hugepage_default(&r->host, ret_kib);
        if (k < 0)
                return diag_error(r->d, k, "%s: %s has no default huge page size for <hugepages/>",
                        spec->subject, topology_host(&r->host.topo));
        return 0;
}

/* The host CPUs the VM pins anything to, or those of the cell's vCPUs when they are all pinned. */
static int pinned_cpus(struct run *r, long cell, struct nodeset *ret) {
        const struct domxml_cell *c = cell == BINDING_VM ? NULL : domxml_cell(&r->facts, cell);
        struct nodeset vcpus, cpus;
        bool pinned;
        int k;

        nodeset_clear(&cpus);
        if (cell == BINDING_VM)
                locality_pinned_cpus(&r->facts.placement, &cpus);
        else if (c && c->cpus && nodeset_parse_libvirt(c->cpus, &vcpus) >= 0) {
                k = locality_vcpu_cpus(&r->facts.placement, &vcpus, &pinned, &cpus);
                if (k == -ENOMEM)
                        return diag_error(r->d, k, "out of memory");
                if (k < 0 || !pinned)
                        nodeset_clear(&cpus);
        }
        *ret = cpus;
        return 0;
}

int fit_domain_resolve(struct run *r, const struct numa_spec *spec, long cell, const struct vm_facts *vm,
        struct fit_state *st, struct binding *ret, char *why, size_t why_size) {
        struct nodeset cpus, pci;
        struct fit_request req = {
                .spec = spec,
                .cell = cell,
                .label = vm->memory_label ? vm->memory_label : "the VM's memory",
                .bytes = vm->memory,
                .pinned_cpus = &cpus,
                .pci_nodes = &pci,
        };
        int k;

        why[0] = '\0';
        if (keep_existing(r, spec, cell, vm, ret))
                return 0;
        if (!vm->has_memory)
                return diag_error(r->d, -EINVAL,
                        "%s: fit needs the size of %s, which the domain XML does not give", spec->subject,
                        req.label);
        k = page_size(r, spec, cell, &req.page_kib);
        if (k >= 0)
                k = pinned_cpus(r, cell, &cpus);
        if (k < 0)
                return k;
        locality_pci_nodes(&r->facts.placement, &r->host, &pci);
        return fit_target_resolve(&r->host, &r->claims, &req, st, ret, why, why_size, r->d);
}

int fit_domain_note(struct run *r, const struct numa_spec *spec, long cell, const struct vm_facts *vm,
        const struct binding *b, struct fit_state *st) {
        struct nodeset none;
        struct fit_request req = {
                .spec = spec,
                .cell = cell,
                .label = vm->memory_label ? vm->memory_label : "the VM's memory",
                .bytes = vm->has_memory ? vm->memory : 0,
                .pinned_cpus = &none,
                .pci_nodes = &none,
        };
        int k;

        nodeset_clear(&none);
        if (b->placement_auto)
                return 0;
        k = page_size(r, spec, cell, &req.page_kib);
        if (k < 0)
                return k;
        return fit_target_note(&r->host, &r->claims, &req, b, st, r->d);
}
