/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "nodeset.h"

struct topology_node {
        unsigned id;
        uint64_t total;      /* bytes; 0 for a memoryless node, and when memory_unknown */
        uint64_t free;       /* bytes; meaningful only when topology.has_free */
        char *cpus;          /* "0-3,8", NULL unless loaded with TOPOLOGY_CPUS */
        bool memory_unknown; /* the source did not say (capabilities without <memory>) */
};

/* The host's NUMA layout as the hook sees it: plain data, no libnuma types. */
struct topology {
        struct nodeset present;        /* ids may be sparse */
        struct nodeset with_memory;    /* present nodes whose total is > 0 */
        struct nodeset memory_unknown; /* present nodes whose memory nobody knows: not checked */
        bool has_free;                 /* false when read from capabilities XML */
        bool partial;                  /* only some nodes' memory was read; the rest counts as none */
        size_t n_nodes;
        struct topology_node *nodes; /* ascending id */
};

enum {
        TOPOLOGY_CPUS = 1 << 0, /* also list each node's CPUs (only --topology needs them) */
};

/*
 * Reads this host through libnuma. Every node's memory costs a sysfs read,
 * so with `only` set just those nodes' memory is read (the others are
 * present, with memory unknown, and ret->partial is set); NULL reads all.
 * Returns 0 or a negative errno with d filled.
 */
int topology_load(unsigned flags, const struct nodeset *only, struct topology *ret, struct diag *d);

/* Adds a node while building a topology; ids must ascend. Returns 0 or -ENOMEM. */
int topology_add_node(struct topology *t, unsigned id, uint64_t total, uint64_t free, char *cpus);

/*
 * Marks a node already added as of unknown memory: it is neither
 * memoryless nor counted, so the memory and capacity checks skip it.
 */
void topology_set_memory_unknown(struct topology *t, unsigned id);

const struct topology_node *topology_node(const struct topology *t, unsigned id);

/* Sum of the total (or free) memory of the members of s. */
uint64_t topology_sum_total(const struct topology *t, const struct nodeset *s);
uint64_t topology_sum_free(const struct topology *t, const struct nodeset *s);

/* Whether numad, which libvirt asks for placement='auto', is installed here. */
bool topology_numad_installed(void);

void topology_done(struct topology *t);
