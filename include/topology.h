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
        char host[288];              /* how messages name the host, "" for this one (topology_host()) */
};

/* "this host", or "the host in FILE" for a topology read from another host's capabilities. */
static inline const char *topology_host(const struct topology *t) {
        return t->host[0] ? t->host : "this host";
}

enum {
        TOPOLOGY_CPUS = 1 << 0, /* also list each node's CPUs (only --topology needs them) */
};

/*
 * Reads this host through libnuma. Every node's memory costs a sysfs read,
 * so with `only` set just those nodes' memory is read (the others are
 * present, with memory unknown, and ret->partial is set); NULL reads all.
 * A node whose memory libnuma cannot read (its meminfo unreadable, no
 * descriptor left) is an error naming the file, never a memoryless node.
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

/*
 * Huge pages and PCI devices: plain sysfs, which libnuma has no API for.
 * The hook passes these paths; unit tests pass a directory of their own.
 */
#define TOPOLOGY_SYSFS   "/sys"
#define TOPOLOGY_MEMINFO "/proc/meminfo"

/* One node's pages of one size. */
struct hugepage_node {
        unsigned id;
        uint64_t total, free, surplus; /* nr_, free_ and surplus_hugepages */
};

/* Pages of one size: per node, and the host-wide overcommit. */
struct hugepage_pool {
        uint64_t page_kib;
        bool has_free;       /* false when from capabilities XML, which has totals only */
        bool has_overcommit; /* overcommit and surplus are known */
        uint64_t overcommit; /* nr_overcommit_hugepages: how many surplus pages the kernel may add */
        uint64_t surplus;    /* surplus_hugepages: how many it has added */
        size_t n_nodes;
        struct hugepage_node *nodes; /* ascending id */
};

/* Whether <sysfs>/kernel/mm/hugepages/hugepages-<kib>kB exists: 1, 0, or a negative errno. */
int topology_hugepage_size_exists(const char *sysfs, uint64_t kib);

/* Every huge page size of the host, ascending, in KiB. Returns 0 or a negative errno. */
int topology_hugepage_sizes(const char *sysfs, uint64_t **ret, size_t *ret_n);

/* The default huge page size ("Hugepagesize:" in meminfo), in KiB. Returns 0, -ENOENT or -errno. */
int topology_hugepage_default(const char *meminfo, uint64_t *ret_kib);

/*
 * Reads the pages of one size on the given nodes (nodes without the
 * size's directory count as 0 pages), and the size's overcommit. Only
 * these files are read, so a run costs a few reads per bound node.
 * Returns 0 or a negative errno.
 */
int topology_hugepages_read(
        const char *sysfs, uint64_t kib, const struct nodeset *nodes, struct hugepage_pool *ret);
void hugepage_pool_done(struct hugepage_pool *p);

/* The entry for node id, or NULL. */
const struct hugepage_node *hugepage_pool_node(const struct hugepage_pool *p, unsigned id);

/*
 * The node a PCI device is attached to, from
 * <sysfs>/bus/pci/devices/DDDD:BB:SS.F/numa_node: 0 with *ret_node set
 * (-1 when the kernel does not know), or a negative errno (-ENOENT: no
 * such device here).
 */
int topology_pci_node(
        const char *sysfs, unsigned domain, unsigned bus, unsigned slot, unsigned function, int *ret_node);
