/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Huge pages: the page size each part of the VM uses, and whether its bound nodes hold enough of them. */

#include <stdbool.h>
#include <stdint.h>

#include "binding_list.h"
#include "claims.h"
#include "diag.h"
#include "domxml.h"
#include "host.h"

/*
 * hugepages_select(), hugepages_needed() and hugepages_judge() are the
 * three rules hugepages_check() applies. The fit target applies the first
 * two as well (fit_domain.c, fit_target.c). hugepages_judge() is public
 * for test_hugepages.c, which tables each rule on its own: through
 * hugepages_check() a row would need a fake sysfs tree sized to it and
 * would read the rule only from a warning's wording.
 */

/* The memory a part of the VM gets. */
struct hugepages_choice {
        bool huge;    /* false: normal pages */
        uint64_t kib; /* the huge page size; 0: the host's default size, as for <hugepages/> alone */
};

/*
 * The <page> a guest cell's memory uses, as libvirt picks it: the first
 * whose nodeset holds the cell, else the one without nodeset (cell -1, a
 * VM without guest NUMA cells, only looks at that one); a cell none of
 * them covers gets normal pages. Returns 0 with *ret set, -EINVAL for a
 * <page> this hook cannot read (any nodeset; the chosen one's size), or
 * -ENOMEM. hugepages_check() makes the choice once for every cell; this
 * is the same rule for one cell.
 */
int hugepages_select(const struct domxml_placement *p, long cell, struct hugepages_choice *ret);

/* Pages of page_kib needed for bytes of guest memory, rounded up. */
uint64_t hugepages_needed(uint64_t bytes, uint64_t page_kib);

enum hugepages_verdict {
        HUGEPAGES_OK,
        HUGEPAGES_WARN_SOFT,       /* short, but preferred/interleave fall back to other nodes */
        HUGEPAGES_WARN_OVERCOMMIT, /* short, but the kernel may add surplus pages */
        HUGEPAGES_SHORT,           /* short: QEMU would fail to map guest RAM */
};

/*
 * The rule: need pages, have of them on the bound nodes (free ones, or
 * totals from capabilities). strict and restrictive (hard) fail when
 * short, unless nr_overcommit_hugepages leaves room above the current
 * surplus for the missing pages; preferred and interleave only warn.
 */
enum hugepages_verdict hugepages_judge(
        bool hard, uint64_t need, uint64_t have, const struct hugepage_pool *pool);

/*
 * For a VM with <memoryBacking><hugepages>: every page size it asks for
 * exists on the host, and each binding's nodes hold enough pages of its
 * size for the memory bound there (the VM's <memory>, or the sum of its
 * guest cells; a cell with a <memnode> counts on that memnode's nodes).
 * Asks the host only for the sizes and nodes the VM uses. Shortfalls are
 * warnings or one error (see hugepages_judge()). Returns 0 with how many
 * of the warnings are shortfalls of strict or restrictive <memnode>s that
 * only warn because VDSM replaces their nodesets (warn_only) in
 * ret_n_remapped, or a negative errno with d filled. A VM without huge
 * pages: 0 and none, nothing read. Free pages other VMs' claims hold are
 * not on offer (a shortfall names them), and what each binding admits,
 * its normal-page parts too, is added to claims' needs (claims NULL:
 * none read, none added).
 */
int hugepages_check(const struct domxml_facts *f, const struct binding_list *b, struct host *h,
        struct claims *claims, size_t *ret_n_remapped, struct diag *d);
