/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

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
