/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Reads this host for the host model: libnuma for the nodes, sysfs for huge pages and PCI devices. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "host.h"
#include "nodeset.h"

/*
 * Reads this host through libnuma. Every node's memory costs a sysfs read,
 * so with `only` set just those nodes' memory is read (the others are
 * present, with memory unknown, and ret->partial is set); NULL reads all.
 * A node whose memory libnuma cannot read (its meminfo unreadable, no
 * descriptor left) is an error naming the file, never a memoryless node.
 * Returns 0 or a negative errno with d filled.
 */
int topology_load(unsigned flags, const struct nodeset *only, struct topology *ret, struct diag *d);

/* Whether numad, which libvirt asks for placement='auto', is installed here. */
bool topology_numad_installed(void);

/*
 * Huge pages and PCI devices: plain sysfs, which libnuma has no API for.
 * The host model (host.c) passes the paths; unit tests pass a directory
 * of their own.
 */

/* Whether <sysfs>/kernel/mm/hugepages/hugepages-<kib>kB exists: 0 with *ret_exists set, or a negative errno.
 */
int topology_hugepage_size_exists(const char *sysfs, uint64_t kib, bool *ret_exists);

/* Every huge page size of the host, ascending, in KiB. Returns 0 or a negative errno. */
int topology_hugepage_sizes(const char *sysfs, uint64_t **ret, size_t *ret_n);

/* The default huge page size ("Hugepagesize:" in meminfo), in KiB. Returns 0, -ENOENT or -errno. */
int topology_hugepage_default(const char *meminfo, uint64_t *ret_kib);

/*
 * Reads the pages of one size on the given nodes (nodes without the
 * size's directory count as 0 pages), and the size's overcommit. Only
 * these files are read, so a run costs a few reads per bound node.
 * Returns 0, or a negative errno with the file that failed in ret_failed
 * (of failed_size bytes; -EINVAL: it holds no number).
 */
int topology_hugepages_read(const char *sysfs, uint64_t kib, const struct nodeset *nodes,
        struct hugepage_pool *ret, char *ret_failed, size_t failed_size);

/* The same without the overcommit (has_overcommit false): more nodes of a size already read. */
int topology_hugepage_nodes_read(const char *sysfs, uint64_t kib, const struct nodeset *nodes,
        struct hugepage_pool *ret, char *ret_failed, size_t failed_size);

/*
 * The node a PCI device is attached to, from
 * <sysfs>/bus/pci/devices/DDDD:BB:SS.F/numa_node: 0 with *ret_node set
 * (-1 when the kernel does not know), or a negative errno (-ENOENT: no
 * such device here).
 */
int topology_pci_node(
        const char *sysfs, unsigned domain, unsigned bus, unsigned slot, unsigned function, int *ret_node);

/* The distance from node a to node b that libnuma reads from sysfs (10: itself); 0 when it does not know. */
unsigned topology_distance(unsigned a, unsigned b);

/* A tier's nodelist: 4096 node ids as the kernel lists them stay well below this. */
#define TIER_NODELIST_MAX (32 * 1024)

/* One of the kernel's memory tiers (memory_tierN: a lower N is faster) and the nodes with memory in it. */
struct memory_tier {
        unsigned id;
        struct nodeset nodes;
};

/*
 * Every <sysfs>/devices/virtual/memory_tiering/memory_tierN with its
 * nodelist, ascending N. Returns 0, -ENOENT for a kernel without memory
 * tiers (before 6.1), -EINVAL for a nodelist that is no node list, or
 * another negative errno. Free *ret.
 */
int topology_memory_tiers(const char *sysfs, struct memory_tier **ret, size_t *ret_n);

/* A node's meminfo is about 1.5 KiB; 8 KiB leaves room for the fields kernels add. */
#define NODE_MEMINFO_MAX 8192

/*
 * What a node offers a VM in normal pages, as numad counts it: MemFree
 * plus Inactive(file) (page cache the kernel reclaims first), from the
 * text of <sysfs>/devices/system/node/nodeN/meminfo ("Node 0 MemFree:
 * 1024 kB"). Returns 0, or -EINVAL when either field is missing. Public
 * for test_topology.c: it tables meminfo texts, with no sysfs tree.
 */
int topology_parse_node_meminfo(const char *text, uint64_t *ret_offer);

/* The same from node id's meminfo file. Returns 0 or a negative errno. */
int topology_node_offer(const char *sysfs, unsigned id, uint64_t *ret_offer);

/*
 * Node id's read latency (ns) and read bandwidth (MB/s) from its nearest
 * initiators (HMAT: <sysfs>/devices/system/node/nodeN/access0/initiators/),
 * each 0 where the kernel gives none. Returns 0 or a negative errno.
 */
int topology_node_access(const char *sysfs, unsigned id, uint64_t *ret_latency, uint64_t *ret_bandwidth);
