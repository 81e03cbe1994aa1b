/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "topology.h"

/* `virsh capabilities` is a few hundred KiB on the largest hosts. */
#define CAPABILITIES_SIZE_MAX (16u * 1024 * 1024)

/*
 * Reads another host's topology from `virsh capabilities` XML: each
 * host/topology/cells/cell with its id, <memory unit=...> (absent or 0:
 * memoryless) and, with TOPOLOGY_CPUS, its cpus/cpu ids. The format has no
 * free memory, so the result has has_free = false.
 * Returns 0, or a negative errno with d filled.
 */
int capabilities_parse(const char *buf, size_t len, unsigned flags, struct topology *ret, struct diag *d);
int capabilities_load(const char *path, unsigned flags, struct topology *ret, struct diag *d);

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
 * Reads each host/topology/cells/cell's <pages> (libvirt lists the base
 * page first, then each huge page size). A separate pass over the file,
 * made only for huge-page VMs and --topology.
 * Returns 0, or a negative errno with d filled. Free with caps_pages_done().
 */
int capabilities_parse_pages(const char *buf, size_t len, struct caps_pages *ret, struct diag *d);
int capabilities_load_pages(const char *path, struct caps_pages *ret, struct diag *d);
void caps_pages_done(struct caps_pages *p);
