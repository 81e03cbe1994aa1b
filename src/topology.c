/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The only file that talks to libnuma. */
#include <errno.h>
#include <numa.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "macro.h"
#include "topology.h"

/*
 * libnuma reports trouble by calling numa_warn() and numa_error(), which
 * it defines weakly to print to stderr. Ours keep the last message so it
 * reaches the admin as one formatted "numa: warning:" line instead.
 */
static char libnuma_message[DIAG_LINE_MAX];

void numa_warn(int num, char *fmt, ...) {
        va_list ap;

        (void) num;
        va_start(ap, fmt);
        vsnprintf(libnuma_message, sizeof(libnuma_message), fmt, ap);
        va_end(ap);
}

void numa_error(char *where) {
        snprintf(libnuma_message, sizeof(libnuma_message), "%s: %s", where, strerror(errno));
}

static void forward_libnuma_message(struct diag *d) {
        size_t n = strlen(libnuma_message);

        if (n == 0)
                return;
        while (n > 0 && libnuma_message[n - 1] == '\n')
                libnuma_message[--n] = '\0';
        diag_warn(d, "libnuma: %s", libnuma_message);
        libnuma_message[0] = '\0';
}

int topology_add_node(struct topology *t, unsigned id, uint64_t total, uint64_t free, char *cpus) {
        struct topology_node *node;

        if (id > NODE_ID_MAX || nodeset_contains(&t->present, id))
                return -EINVAL;
        if (t->n_nodes > 0 && t->nodes[t->n_nodes - 1].id > id)
                return -EINVAL;

        node = array_append(&t->nodes, &t->n_nodes, sizeof(*node));
        if (!node)
                return -ENOMEM;
        *node = (struct topology_node){.id = id, .total = total, .free = free, .cpus = cpus};

        nodeset_add(&t->present, id);
        if (total > 0)
                nodeset_add(&t->with_memory, id);
        return 0;
}

static int node_cpus(unsigned id, char **ret) {
        struct range_writer w = RANGE_WRITER_INIT;
        struct bitmask *mask;
        int r;

        mask = numa_allocate_cpumask();
        if (!mask)
                return -ENOMEM;

        r = numa_node_to_cpus((int) id, mask);
        if (r >= 0)
                for (unsigned c = 0; c < mask->size; c++)
                        if (numa_bitmask_isbitset(mask, c))
                                range_writer_add(&w, c);
        numa_free_cpumask(mask);

        return range_writer_finish(&w, ret);
}

int topology_load(unsigned flags, const struct nodeset *only, struct topology *ret, struct diag *d) {
        struct topology t = {.has_free = true};
        int max, r;

        if (numa_available() < 0) {
                forward_libnuma_message(d);
                return diag_error(d, -ENOSYS, "NUMA is not available on this host (numa_available() failed)");
        }

        max = numa_max_node();
        if (max > NODE_ID_MAX) {
                diag_warn(d, "host reports node ids up to %d; nodes above %d are ignored", max, NODE_ID_MAX);
                max = NODE_ID_MAX;
        }

        for (int id = 0; id <= max; id++) {
                long long total, free_bytes = 0;
                char *cpus = NULL;

                if (!numa_nodes_ptr || !numa_bitmask_isbitset(numa_nodes_ptr, (unsigned) id))
                        continue;

                if (only && !nodeset_contains(only, (unsigned) id)) {
                        t.partial = true;
                        total = 0;
                } else
                        total = numa_node_size64(id, &free_bytes);
                if (total < 0) {
                        diag_warn(d, "cannot read the memory of node %d; treating it as memoryless", id);
                        total = 0;
                        free_bytes = 0;
                }

                if (flags & TOPOLOGY_CPUS) {
                        r = node_cpus((unsigned) id, &cpus);
                        if (r < 0)
                                goto fail;
                }

                r = topology_add_node(&t, (unsigned) id, (uint64_t) total,
                        free_bytes > 0 ? (uint64_t) free_bytes : 0, cpus);
                if (r < 0) {
                        free(cpus);
                        goto fail;
                }
        }
        forward_libnuma_message(d);

        if (t.n_nodes == 0) {
                topology_done(&t);
                return diag_error(d, -ENODEV, "libnuma reports no NUMA node on this host");
        }

        *ret = t;
        return 0;

fail:
        topology_done(&t);
        return diag_error(d, r, "cannot read the host topology: %s", strerror(-r));
}

void topology_set_memory_unknown(struct topology *t, unsigned id) {
        for (size_t i = 0; i < t->n_nodes; i++) {
                struct topology_node *node = &t->nodes[i];

                if (node->id != id)
                        continue;
                node->memory_unknown = true;
                node->total = node->free = 0;
                nodeset_remove_range(&t->with_memory, id, id);
                nodeset_add(&t->memory_unknown, id);
                return;
        }
}

const struct topology_node *topology_node(const struct topology *t, unsigned id) {
        size_t lo = 0, hi = t->n_nodes;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (t->nodes[mid].id == id)
                        return &t->nodes[mid];
                if (t->nodes[mid].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

static uint64_t sum(const struct topology *t, const struct nodeset *s, bool free_memory) {
        uint64_t total = 0;

        for (size_t i = 0; i < t->n_nodes; i++) {
                uint64_t v = free_memory ? t->nodes[i].free : t->nodes[i].total;

                if (!nodeset_contains(s, t->nodes[i].id))
                        continue;
                total = v > UINT64_MAX - total ? UINT64_MAX : total + v;
        }
        return total;
}

uint64_t topology_sum_total(const struct topology *t, const struct nodeset *s) {
        return sum(t, s, false);
}

uint64_t topology_sum_free(const struct topology *t, const struct nodeset *s) {
        return sum(t, s, true);
}

bool topology_numad_installed(void) {
        /* Where Debian, Fedora and EL put it; libvirt runs it by absolute path. */
        static const char *const paths[] = {"/usr/bin/numad", "/usr/sbin/numad", "/bin/numad", "/sbin/numad"};

        for (size_t i = 0; i < ELEMENTSOF(paths); i++)
                if (access(paths[i], X_OK) == 0)
                        return true;
        return false;
}

void topology_done(struct topology *t) {
        for (size_t i = 0; i < t->n_nodes; i++)
                free(t->nodes[i].cpus);
        free(t->nodes);
        *t = (struct topology){0};
}
