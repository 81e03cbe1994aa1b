/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodeset.h"
#include "spec.h"

/*
 * The fit target's choice as pure logic: given what each node offers, its
 * memory tier, what of the VM runs near it and the distances between the
 * nodes, which nodes a binding of a mode takes. Nothing here reads the
 * host; fit_target.c fills the problem from the host model and the claims.
 */

/* Why a node ranks where it does, best first. */
enum fit_locality {
        FIT_LOCAL_CPUS, /* holds host CPUs the VM's vCPUs or emulator threads are pinned to */
        FIT_LOCAL_PCI,  /* holds a PCI device passed through to the VM */
        FIT_LOCAL_NONE,
};

struct fit_node {
        unsigned id;
        bool has_memory; /* false: a memoryless node, which offers nothing */
        unsigned tier;   /* its memory tier; lower is faster */
        enum fit_locality locality;
        bool taken;     /* an earlier guest cell chose it: ranked after the nodes none took */
        uint64_t offer; /* bytes, or pages of the VM's size, less what other VMs claim */
};

struct fit_problem {
        enum numa_mode mode;
        uint64_t need; /* bytes, or pages, as the offers */
        size_t n;
        const struct fit_node *nodes; /* ascending id */
        const unsigned *distance;     /* n * n, [i * n + j] between nodes[i] and nodes[j]; 0: unknown */
        bool bind_pinned;             /* a guest cell: its pinned nodes together, when they hold the need */
};

enum fit_verdict {
        FIT_ONE,    /* one node holds the need */
        FIT_SET,    /* strict, restrictive: the fewest nearest nodes that hold it together */
        FIT_SPILL,  /* preferred: the first-ranked node, which alone cannot hold it */
        FIT_SPREAD, /* interleave: the nodes it spreads over */
        FIT_NONE,   /* nothing can hold it */
};

struct fit_choice {
        enum fit_verdict verdict;
        struct nodeset nodes;
        size_t first;     /* index of the node the choice starts from (not for FIT_SPREAD, FIT_NONE) */
        unsigned tier;    /* the slowest tier the choice takes */
        bool slower_tier; /* a faster tier with memory could not hold it */
        uint64_t offered; /* what the chosen nodes offer together (saturating) */
};

/*
 * The ranking: nodes that hold pinned CPUs, then those of PCI devices,
 * then the rest; among them nodes no earlier guest cell took first; then
 * the most offered; then the lowest id. A qsort comparator over fit_node.
 * Public for test_fit.c: it tables the ranking on its own.
 */
int fit_rank_cmp(const struct fit_node *a, const struct fit_node *b);

/*
 * Chooses, tier by tier from the fastest (a slower tier joins only when
 * the faster ones together cannot hold the need): for strict, restrictive
 * and preferred the first-ranked node that holds it all; else, for strict
 * and restrictive, from each start node in rank order the nearest nodes
 * (ties by most offered, then lowest id) until the need fits, keeping the
 * fewest nodes, then the smallest largest distance between members, then
 * the earliest start; for preferred the first-ranked node, which spills.
 * With bind_pinned (a guest cell whose vCPUs are pinned), the nodes with
 * memory that hold the pinned CPUs come first, all of them, when together
 * they hold the need (preferred: when that is one node).
 * interleave takes the nodes with memory that hold pinned CPUs, else every
 * node with memory of the fastest tier. Returns 0 with ret filled, or
 * -ENOMEM.
 */
int fit_choose(const struct fit_problem *p, struct fit_choice *ret);
