/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --topology report: the host model as tables of nodes, huge pages, distances and memory tiers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "macro.h"
#include "report.h"
#include "size.h"

static void print_nodes(const struct topology *t, const char *source) {
        char total[SIZE_FORMAT_MAX], free_s[SIZE_FORMAT_MAX];

        printf("source: %s\n", source);
        printf("%-6s %-12s %-12s %s\n", "node", "memory", "free", "cpus");
        for (size_t i = 0; i < t->n_nodes; i++) {
                const struct topology_node *n = &t->nodes[i];

                printf("%-6u %-12s %-12s %s\n", n->id, n->memory_unknown ? "-" : size_format(n->total, total),
                        t->has_free ? size_format(n->free, free_s) : "-",
                        n->cpus && n->cpus[0] ? n->cpus : "-");
        }
}

/* One row of the huge page table: a node's pages of each size, "total/free" or "total". */
static void print_pages_row(const struct hugepage_pool *pools, size_t n, unsigned id) {
        printf("%-6u", id);
        for (size_t j = 0; j < n; j++) {
                const struct hugepage_node *hn = hugepage_pool_node(&pools[j], id);
                uint64_t total = hn ? hn->total : 0, free_pages = hn ? hn->free : 0;
                char cell[48];

                if (pools[j].has_free)
                        snprintf(cell, sizeof(cell), "%" PRIu64 "/%" PRIu64, total, free_pages);
                else
                        snprintf(cell, sizeof(cell), "%" PRIu64, total);
                printf(j + 1 < n ? " %-16s" : " %s", cell);
        }
        printf("\n");
}

static void print_pages(
        const struct topology *t, const uint64_t *sizes, const struct hugepage_pool *pools, size_t n) {
        char s[SIZE_FORMAT_MAX];

        printf("%-6s", "node");
        for (size_t j = 0; j < n; j++)
                printf(j + 1 < n ? " %-16s" : " %s", size_format(sizes[j] * 1024, s));
        printf("\n");
        for (size_t i = 0; i < t->n_nodes; i++)
                print_pages_row(pools, n, t->nodes[i].id);
}

/* Huge pages per node and size: total/free on this host, totals from capabilities XML. */
static int report_pages(struct host *h, struct diag *d) {
        const uint64_t *sizes = NULL;
        struct hugepage_pool *pools;
        size_t n = 0;
        int r;

        /* Another host's document without <pages> (libvirt before 1.2.7) says nothing of them, not "none". */
        if (h->pages_unknown) {
                printf("huge pages: unknown (the capabilities XML has no <pages>)\n");
                return 0;
        }
        r = host_hugepage_sizes(h, &sizes, &n);
        if (r < 0)
                return diag_error(d, r, "cannot list the huge page sizes: %s", strerror(-r));
        if (n == 0) {
                printf("huge pages: none\n");
                return 0;
        }
        printf(h->pages_have_free ? "huge pages: total/free per node\n"
                                  : "huge pages: total per node (capabilities XML has no free count)\n");

        pools = calloc(n, sizeof(*pools));
        if (!pools)
                return diag_error(d, -ENOMEM, "out of memory");
        r = 0;
        for (size_t j = 0; j < n && r >= 0; j++)
                r = host_hugepage_pool(h, sizes[j], &h->topo.present, &pools[j]);
        if (r < 0) {
                char why[DIAG_LINE_MAX];

                diag_error(d, r, "cannot read the huge pages of %s%s", topology_host(&h->topo),
                        host_pages_error(h, r, why, sizeof(why)));
        } else
                print_pages(&h->topo, sizes, pools, n);

        for (size_t j = 0; j < n; j++)
                hugepage_pool_done(&pools[j]);
        free(pools);
        return r;
}

/* Digits of v in decimal. */
static int digits(unsigned v) {
        int n = 1;

        while (v >= 10) {
                v /= 10;
                n++;
        }
        return n;
}

/* The distance matrix as `numactl --hardware` prints it: a header row of ids, a row per node, "-" unknown. */
static void report_distances(struct host *h) {
        const struct topology *t = &h->topo;
        int width = 3;
        bool any = false;
        unsigned v;

        for (size_t i = 0; i < t->n_nodes; i++) {
                width = digits(t->nodes[i].id) > width ? digits(t->nodes[i].id) : width;
                for (size_t j = 0; j < t->n_nodes; j++)
                        if (host_distance(h, t->nodes[i].id, t->nodes[j].id, &v) == 0) {
                                any = true;
                                width = digits(v) > width ? digits(v) : width;
                        }
        }
        if (!any) {
                printf("node distances: unknown (%s)\n",
                        h->sysfs ? "libnuma reports none" : "the capabilities XML has no <distances>");
                return;
        }
        printf("node distances:\n%-*s", width + 1, "node");
        for (size_t j = 0; j < t->n_nodes; j++)
                printf(" %*u", width, t->nodes[j].id);
        printf("\n");
        for (size_t i = 0; i < t->n_nodes; i++) {
                printf("%*u:", width, t->nodes[i].id);
                for (size_t j = 0; j < t->n_nodes; j++)
                        if (host_distance(h, t->nodes[i].id, t->nodes[j].id, &v) == 0)
                                printf(" %*u", width, v);
                        else
                                printf(" %*s", width, "-");
                printf("\n");
        }
}

/* A figure of the access table; "-" when the kernel gives none, or 0 (a node with nothing to read). */
static const char *figure(uint64_t v, const char *unit, char *buf, size_t size) {
        if (v == 0)
                return "-";
        snprintf(buf, size, "%" PRIu64 " %s", v, unit);
        return buf;
}

/* Each node's memory tier and, where the kernel gives them (HMAT), its read latency and bandwidth. */
static int report_tiers(struct host *h, struct diag *d) {
        bool any_access = false;
        int r;

        r = host_read_tiers(h);
        if (r >= 0)
                r = host_read_access(h);
        if (r < 0)
                return diag_error(d, r, "cannot read the memory tiers: %s",
                        r == -EINVAL ? "a nodelist is no list of nodes" : strerror(-r));
        for (size_t i = 0; i < h->topo.n_nodes; i++)
                any_access |= h->topo.nodes[i].facts.read_latency || h->topo.nodes[i].facts.read_bandwidth;
        if (!h->tiers_known && !any_access) {
                printf("memory tiers: one (%s)\n",
                        h->sysfs ? "this kernel has no /sys/devices/virtual/memory_tiering"
                                 : "the capabilities XML has none");
                return 0;
        }
        printf("memory tiers: %s; read latency and bandwidth from the nearest CPUs\n",
                h->tiers_known ? "a lower tier is faster" : "one (this kernel has none)");
        printf("%-6s %-6s %-14s %s\n", "node", "tier", "read latency", "read bandwidth");
        for (size_t i = 0; i < h->topo.n_nodes; i++) {
                const struct topology_node *n = &h->topo.nodes[i];
                char tier[16], lat[32], bw[32];

                snprintf(tier, sizeof(tier), "%u", n->facts.tier);
                printf("%-6u %-6s %-14s %s\n", n->id,
                        h->tiers_known && n->facts.tier != HOST_TIER_NONE ? tier : "-",
                        figure(n->facts.read_latency, "ns", lat, sizeof(lat)),
                        figure(n->facts.read_bandwidth, "MB/s", bw, sizeof(bw)));
        }
        return 0;
}

int report_topology(const char *capabilities_path, struct diag *d) {
        const struct host_source src = {
                .capabilities = capabilities_path, .flags = TOPOLOGY_CPUS, .pages = true};
        _cleanup_(host_done) struct host h = {0};
        int r;

        r = host_load(&src, &h, d);
        if (r < 0)
                return r;
        print_nodes(&h.topo, capabilities_path ? capabilities_path : "this host (libnuma)");
        r = report_pages(&h, d);
        if (r < 0)
                return r;
        report_distances(&h);
        return report_tiers(&h, d);
}
