/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "numatune.h"
#include "run.h"

/*
 * Huge pages (an error when strict or restrictive bindings lack
 * them), the nodes machine.slice's cgroup allows (this host only),
 * locality and memory tier warnings, on the bindings the VM will have: the
 * request's (NULL at a check-only hook point) and the document's, whose
 * messages start with origin ("existing", "incoming" or "saved"). With
 * memnodes_soft, a <memnode>'s huge page shortfall is only a warning, as
 * its other misfits are at a migration destination (VDSM replaces memnode
 * nodesets there). Returns 0 with how many such shortfalls only warned in
 * ret_soft, or a negative errno with r->d filled.
 */
int placement_check(struct run *r, const struct numatune_request *nr, const char *const *memnode_subjects,
        bool memnodes_soft, const char *origin, size_t *ret_soft);
