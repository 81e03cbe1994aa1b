/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the VM's memory will be, checked on this host: huge pages, machine.slice's cgroup, locality. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "binding_list.h"
#include "cgroup.h"
#include "hugepages.h"
#include "locality.h"
#include "macro.h"
#include "placement.h"

int placement_check(struct run *r, const struct numatune_request *nr, const char *const *memnode_subjects,
        bool memnodes_soft, const char *origin, size_t *ret_soft) {
        const struct hook_request *req = r->req;
        const char *sysfs = req->sysfs_root ? req->sysfs_root : TOPOLOGY_SYSFS;
        long page_size = sysconf(_SC_PAGESIZE);
        struct hugepages_host h = {
                .sysfs = sysfs,
                .meminfo = req->meminfo_path ? req->meminfo_path : TOPOLOGY_MEMINFO,
                .caps = req->capabilities_path ? &r->caps_pages : NULL, /* read with the topology */
                .present = &r->topo.present,
                .base_page_kib = page_size > 0 ? (uint64_t) page_size / 1024 : 4,
                .host = topology_host(&r->topo),
        };
        /* Another host's capabilities say nothing of this host's PCI devices. */
        struct locality_host l = {.topo = &r->topo, .sysfs = req->capabilities_path ? NULL : sysfs};
        _cleanup_(binding_list_done) struct binding_list bindings = {0};
        size_t n_remapped, n_soft = 0;
        int k;

        if (binding_list_collect(&r->facts, nr, memnode_subjects, origin, &bindings) < 0)
                return diag_error(r->d, -ENOMEM, "out of memory");
        for (size_t i = 0; i < bindings.n_cells; i++)
                bindings.cells[i].warn_only = memnodes_soft;

        k = hugepages_check(&r->facts, &bindings, &h, &n_remapped, r->d);
        /* The cgroup VMs start in is this host's; another host's capabilities say nothing of it. */
        if (k >= 0 && !req->capabilities_path)
                k = cgroup_check(&bindings, req->cgroup_root ? req->cgroup_root : CGROUP_ROOT, &n_soft, r->d);
        if (k < 0)
                return k;
        locality_check(&r->facts, &bindings, &l, r->d);
        *ret_soft = n_remapped + n_soft;
        return 0;
}
