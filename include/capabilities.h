/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Another host's NUMA topology (its cells, their distances) and huge pages, from `virsh capabilities` XML. */

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "host.h"

/* `virsh capabilities` is a few hundred KiB on the largest hosts. */
#define CAPABILITIES_SIZE_MAX (16u * 1024 * 1024)

/* One <pages unit=... size=...>COUNT</pages> of a capabilities cell. */
struct caps_page {
        unsigned node;
        uint64_t size_kib;
        uint64_t count; /* total pages; the format has no free count */
};

struct caps_pages {
        size_t n;
        struct caps_page *items; /* in document order */
};

/*
 * Reads another host's topology from `virsh capabilities` XML, in one
 * pass: each host/topology/cells/cell with its id, <memory unit=...>
 * (absent or 0: memoryless) and, with TOPOLOGY_CPUS, its cpus/cpu ids.
 * The format has no free memory, so the result has has_free = false.
 * With ret_pages (only huge-page VMs and --topology need them), the same
 * pass reads each cell's <pages> (libvirt lists the base page first, then
 * each huge page size); an invalid one is an error only then. NULL skips
 * them. Returns 0, or a negative errno with d filled. Free ret_pages with
 * caps_pages_done(). Public for test_capabilities.c: its rows are
 * documents in strings, with no file for each.
 */
int capabilities_parse(const char *buf, size_t len, unsigned flags, struct topology *ret,
        struct caps_pages *ret_pages, struct diag *d);
int capabilities_load(
        const char *path, unsigned flags, struct topology *ret, struct caps_pages *ret_pages, struct diag *d);
void caps_pages_done(struct caps_pages *p);

/*
 * The huge pages of the host model from a document's <pages>: every size
 * with its totals per node (the last <pages> of a size in a cell counts),
 * the huge page sizes (those above the base page), the smallest of them
 * as the default, and the base page. Uses h->base_page_kib, this
 * machine's base page, when the document lists none. Returns 0 or -ENOMEM.
 */
int capabilities_host_pages(const struct caps_pages *p, struct host *h);
