/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "nodeset.h"

/*
 * The host model: everything the checks know of a host, as plain data,
 * whether it was read from this host (libnuma and sysfs, topology.c) or
 * from another host's `virsh capabilities` (capabilities.c). The logic
 * above it (resolve.c, hugepages.c, locality.c, report.c) never asks
 * which. The per-node facts placement reads (distances, memory tiers,
 * what a node offers) are read on first use (host_nodes.c).
 */

/* The distance to another node, as the firmware's SLIT gives it (10: the node itself). */
struct node_distance {
        unsigned id;
        unsigned value;
};

/* A node in no memory tier: one without memory. */
#define HOST_TIER_NONE UINT_MAX

/* What placement reads of a node beyond its memory and CPUs, each read on first use (host_nodes.c). */
struct node_facts {
        size_t n_distances;
        struct node_distance *distances; /* ascending id; a node not listed: unknown */
        unsigned tier;                   /* memory_tierN's N (HOST_TIER_NONE: none), once host.tiers_read */
        bool offer_read;
        uint64_t offer;          /* bytes: MemFree + Inactive(file); another host's total */
        uint64_t read_latency;   /* ns from the nearest CPUs (HMAT), 0: not given; once host.access_read */
        uint64_t read_bandwidth; /* MB/s, likewise */
};

struct topology_node {
        unsigned id;
        uint64_t total;          /* bytes; 0 for a memoryless node, and when memory_unknown */
        uint64_t free;           /* bytes; meaningful only when topology.has_free */
        char *cpus;              /* "0-3,8", NULL unless loaded with TOPOLOGY_CPUS */
        bool memory_unknown;     /* the source did not say (capabilities without <memory>) */
        struct node_facts facts; /* read on first use; another host's distances come with its document */
};

/* The host's nodes: their memory and CPUs. */
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
        TOPOLOGY_CPUS = 1 << 0, /* also list each node's CPUs (only pinning and --topology need them) */
};

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

void topology_done(struct topology *t);

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

/* The entry for node id, or NULL. */
const struct hugepage_node *hugepage_pool_node(const struct hugepage_pool *p, unsigned id);
void hugepage_pool_done(struct hugepage_pool *p);

/* One node's pages of one size, as the host model keeps them. */
struct host_pages {
        uint64_t kib;
        struct hugepage_node node;
};

/* This host: a huge page size whose files were read, its overcommit, and whose nodes. */
struct host_size_read {
        uint64_t kib;
        bool has_overcommit;
        uint64_t overcommit, surplus;
        struct nodeset nodes;
};

/* This host's files; unit tests pass a directory of their own. */
#define HOST_SYSFS   "/sys"
#define HOST_MEMINFO "/proc/meminfo"

/*
 * A host: its nodes, its huge pages and, for this host, the nodes of its
 * PCI devices and of machine.slice. For this host all but the nodes are
 * read on first use and only as far as asked (a run without huge pages
 * reads none of their files); capabilities XML gives them all at once.
 */
struct host {
        struct topology topo;
        const char *sysfs;       /* this host's sysfs; NULL for another host, whose files are not here */
        const char *meminfo;     /* this host's meminfo, for the default huge page size */
        const char *cgroup_root; /* this host's cgroup mount; NULL for another host */
        unsigned flags;          /* what of the nodes was read: TOPOLOGY_CPUS */
        uint64_t base_page_kib;  /* the normal page; a <page> of this size means no huge pages */
        bool pages_unknown;      /* nothing known of huge pages: libvirt before 1.2.7, or not asked for */
        bool pages_have_free;    /* free counts are known (sysfs), not only totals (capabilities) */

        /* Filled as they are asked for (this host) or when read (capabilities). */
        bool sizes_known;
        uint64_t *sizes; /* huge page sizes, ascending, in KiB */
        size_t n_sizes;
        bool default_known;
        uint64_t default_kib; /* 0: the host has no default huge page size */
        size_t n_pages;
        struct host_pages *pages; /* ascending size, then node id; another host's all, this host's as read */
        size_t n_read;
        struct host_size_read *read;  /* this host: the sizes read so far */
        char pages_failed_path[4096]; /* this host: the huge page file the last failed read named */

        /* The memory nodes VMs may use here (cgroup.h), read on first use. */
        bool machine_mems_read;
        bool machine_mems_found;
        struct nodeset machine_mems;
        char machine_mems_path[4096]; /* the file read */

        /* Per-node facts (topology_node), read on first use. */
        bool distances_read; /* another host: read with its document */
        bool tiers_read;
        bool tiers_known; /* false: one tier (a kernel without memory tiers, or another host) */
        bool access_read;
};

/* Where a host comes from, and what of it a run needs. */
struct host_source {
        const char *capabilities;   /* another host's `virsh capabilities` XML; NULL: this host */
        const char *sysfs;          /* NULL: HOST_SYSFS */
        const char *meminfo;        /* NULL: HOST_MEMINFO */
        const char *cgroup_root;    /* NULL: CGROUP_ROOT */
        unsigned flags;             /* TOPOLOGY_CPUS */
        const struct nodeset *only; /* this host: read only these nodes' memory; NULL: all */
        bool pages;                 /* capabilities: read the <pages> too (huge-page VMs, --topology) */
};

/* Reads a host. Returns 0 or a negative errno with d filled. */
int host_load(const struct host_source *src, struct host *ret, struct diag *d);

/*
 * Reads the memory of every node of a host read with host_source.only
 * (topo.partial); nothing when it knows them all. Returns 0 or a negative
 * errno with d filled (h is unchanged then). What was read of its nodes
 * (their facts) stays.
 */
int host_read_all_memory(struct host *h, struct diag *d);

/* The huge page sizes, ascending, each once. Returns 0 or a negative errno. */
int host_hugepage_sizes(struct host *h, const uint64_t **ret, size_t *ret_n);

/* Whether the host has huge pages of kib. Returns 0 with *ret_exists set, or a negative errno. */
int host_hugepage_size_exists(struct host *h, uint64_t kib, bool *ret_exists);

/*
 * The default huge page size; capabilities XML does not say which it is,
 * so there it is the smallest. Returns 0, -ENOENT when there is none, or
 * a negative errno.
 */
int host_hugepage_default(struct host *h, uint64_t *ret_kib);

/*
 * The pages of one size on nodes, one entry per node (0 pages where the
 * host has none), with the size's overcommit. Returns 0 or a negative
 * errno (host_pages_error() says why); free ret with hugepage_pool_done().
 */
int host_hugepage_pool(struct host *h, uint64_t kib, const struct nodeset *nodes, struct hugepage_pool *ret);

/*
 * Why host_hugepage_pool() failed with r, into buf, to follow "cannot
 * read the huge pages of HOST": " from FILE: ERROR", naming this host's
 * file that could not be read, or ": ERROR".
 */
const char *host_pages_error(const struct host *h, int r, char *buf, size_t size);

/*
 * The memory nodes libvirt's VMs may use on this host (machine.slice's
 * cpuset, cgroup_machine_mems()). Returns 0 with *ret_found set (false:
 * nothing narrows the VMs, or another host, whose cgroups are not known)
 * and, when found, *ret and *ret_path (the file read) set; or a negative
 * errno with *ret_path naming the file that failed.
 */
int host_machine_mems(struct host *h, bool *ret_found, struct nodeset *ret, const char **ret_path);

/*
 * Whether numad, which libvirt runs for placement='auto', is missing: on
 * this host only; another host's programs are not known.
 */
bool host_lacks_numad(const struct host *h);

/*
 * The node a PCI device is attached to: 0 with *ret_node set (-1 when the
 * kernel does not know), or a negative errno (-ENOENT: no such device on
 * this host, or another host, whose devices are not known).
 */
int host_pci_node(
        const struct host *h, unsigned domain, unsigned bus, unsigned slot, unsigned function, int *ret_node);

void host_done(struct host *h);

/*
 * The distance from node a to node b (10 for a node to itself; libnuma's
 * on this host, the document's <distances> for another). Returns 0, or
 * -ENODATA when it is not known (a document without them, a node that is
 * not there).
 */
int host_distance(struct host *h, unsigned a, unsigned b, unsigned *ret);

/*
 * Reads the memory tiers once; then h->tiers_known says whether there are
 * any (a kernel before 6.1, or another host, has one tier). Returns 0, or
 * a negative errno (-EINVAL: a nodelist that is no node list).
 */
int host_read_tiers(struct host *h);

/*
 * Node id's memory tier: 0 with *ret_tier set (a lower tier is faster;
 * with one tier, 0 for every node), -ENODATA for a node in no tier (one
 * without memory), or a negative errno from reading them.
 */
int host_memory_tier(struct host *h, unsigned id, unsigned *ret_tier);

/*
 * The fastest memory tier that holds memory and its nodes. Returns 0,
 * -ENODATA with one tier (nothing is slower), or a negative errno.
 */
int host_fastest_tier(struct host *h, unsigned *ret_tier, struct nodeset *ret_nodes);

/*
 * What node id offers a VM in normal pages: on this host MemFree plus
 * Inactive(file) from its meminfo (what numad counts), read once per
 * node; another host's document has no free count, so there it is the
 * node's total (host_offers_are_totals(): warn). Returns 0, -ENODATA for
 * a node of unknown memory or not there, or a negative errno.
 */
int host_offer(struct host *h, unsigned id, uint64_t *ret_bytes);

/* Whether host_offer() gives totals, not free memory: another host's. */
static inline bool host_offers_are_totals(const struct host *h) {
        return !h->sysfs;
}

/*
 * Reads every node's read latency and bandwidth (--topology only) into
 * its topology_node, once; another host's are not known (0). Returns 0 or
 * a negative errno.
 */
int host_read_access(struct host *h);
