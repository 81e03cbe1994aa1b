/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the VM's memory will be, checked on this host: huge pages, machine.slice's cgroup, locality, tiers.
 */
#include <errno.h>

#include "binding_list.h"
#include "cgroup.h"
#include "hugepages.h"
#include "locality.h"
#include "macro.h"
#include "placement.h"
#include "tiers.h"

int placement_check(struct run *r, const struct numatune_request *nr, const char *const *memnode_subjects,
        bool memnodes_soft, const char *origin, size_t *ret_soft) {
        _cleanup_(binding_list_done) struct binding_list bindings = {0};
        size_t n_remapped, n_soft = 0;
        int k;

        if (binding_list_collect(&r->facts, nr, memnode_subjects, origin, &bindings) < 0)
                return diag_error(r->d, -ENOMEM, "out of memory");
        for (size_t i = 0; i < bindings.n_cells; i++)
                bindings.cells[i].warn_only = memnodes_soft;

        k = hugepages_check(&r->facts, &bindings, &r->host, &r->claims, &n_remapped, r->d);
        /* A VM in normal pages claims its memory on its bound nodes; huge pages are claimed above. */
        if (k >= 0 && !r->facts.placement.has_hugepages &&
                claims_need_memory(&r->claims, &r->facts, &bindings) < 0)
                k = diag_error(r->d, -ENOMEM, "out of memory");
        /* Another host's cgroups are not known: nothing to check there. */
        if (k >= 0)
                k = cgroup_check(&bindings, &r->host, &n_soft, r->d);
        if (k < 0)
                return k;
        locality_check(&r->facts, &bindings, &r->host, r->d);
        tiers_check(&bindings, &r->host, r->d);
        *ret_soft = n_remapped + n_soft;
        return 0;
}
