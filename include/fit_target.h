/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The fit target on a host: its offers, tiers, locality and distances read for fit.c, and its messages. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binding.h"
#include "claims.h"
#include "diag.h"
#include "host.h"
#include "spec.h"

/* What one run's fit choices took so far: guest cells choose in turn, and their choices add up. */
struct fit_used {
        unsigned node;
        uint64_t page_kib; /* 0: bytes of normal memory */
        uint64_t amount;
};

struct fit_state {
        bool warned_totals;   /* the capabilities warning is given once per run */
        struct nodeset taken; /* nodes earlier guest cells chose */
        size_t n_used;
        struct fit_used *used;
};

void fit_state_done(struct fit_state *s);

/* One fit target: the VM's memory, or one guest cell's. */
struct fit_request {
        const struct numa_spec *spec;      /* its target is SPEC_TARGET_FIT */
        long cell;                         /* BINDING_VM, or the guest cell */
        const char *label;                 /* "the VM's memory", "guest cell 1's memory" */
        uint64_t bytes;                    /* the memory to place */
        uint64_t page_kib;                 /* its huge page size; 0: normal pages */
        const struct nodeset *pinned_cpus; /* host CPUs its vCPUs (or emulator) are pinned to; empty: none */
        const struct nodeset *pci_nodes;   /* nodes of the VM's PCI devices */
};

/*
 * Resolves a fit target on a host: each node's offer (host_offer(), or
 * free pages of the size; less other VMs' claims and what earlier choices
 * of this run took; a memoryless node offers nothing), its tier, its
 * locality to the pinned CPUs and PCI devices, and the distances when no
 * single node holds it, handed to fit_choose(). Warns when another host's
 * totals stand in for free memory (once per run), when a slower tier had
 * to be taken, and when preferred spills over. Returns 0 with the binding
 * in ret and why it was chosen (for the success line: ": node 1 offers
 * ...") in why; -EINVAL with one line giving the need and each node's
 * offer when nothing holds it; or another negative errno; d filled.
 */
int fit_target_resolve(struct host *h, const struct claims *c, const struct fit_request *req,
        struct fit_state *st, struct binding *ret, char *why, size_t why_size, struct diag *d);

/*
 * Notes a guest cell bound to nodes written out (b, with its memory and
 * page size in req) in st, as if fit had chosen them: its nodes are taken,
 * and its memory, spread over them in ascending order by what each offers,
 * is no longer offered to the fit cells that choose after it. Returns 0
 * or a negative errno, d filled.
 */
int fit_target_note(struct host *h, const struct claims *c, const struct fit_request *req,
        const struct binding *b, struct fit_state *st, struct diag *d);
