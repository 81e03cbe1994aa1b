/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --topology report: the host model as a table of nodes and one of huge pages. */
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
        if (r < 0)
                diag_error(d, r, "cannot read the huge pages: %s", strerror(-r));
        else
                print_pages(&h->topo, sizes, pools, n);

        for (size_t j = 0; j < n; j++)
                hugepage_pool_done(&pools[j]);
        free(pools);
        return r;
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
        return report_pages(&h, d);
}
