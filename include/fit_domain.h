/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "binding.h"
#include "fit_target.h"
#include "run.h"
#include "spec.h"

/*
 * A fit target for the VM (cell BINDING_VM) or one guest cell, with what
 * the domain says of it: its memory, its page size, the host CPUs its
 * vCPUs are pinned to, its PCI devices. A <memory> (or the cell's
 * <memnode>) already in the domain with the same mode that fits this host
 * is kept as it is (why is "" then: nothing was chosen); otherwise the
 * choice is fit_target_resolve()'s, and a different existing element is
 * the conflict numatune_plan() reports. Returns 0 with ret and why set, or
 * a negative errno with r->d filled.
 */
int fit_domain_resolve(struct run *r, const struct numa_spec *spec, long cell, const struct vm_facts *vm,
        struct fit_state *st, struct binding *ret, char *why, size_t why_size);

/*
 * A guest cell bound to nodes written out (b, resolved from spec) noted in
 * st for the fit cells that choose after it (fit_target_note()): its nodes
 * are taken and its memory, in its page size, is no longer offered there.
 * Returns 0 or a negative errno with r->d filled.
 */
int fit_domain_note(struct run *r, const struct numa_spec *spec, long cell, const struct vm_facts *vm,
        const struct binding *b, struct fit_state *st);
