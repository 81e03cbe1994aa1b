/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host model's per-node facts placement reads, each on first use: distances, memory tiers, offers. */
#include <errno.h>
#include <stdlib.h>

#include "array.h"
#include "host.h"
#include "macro.h"
#include "topology.h"

static struct topology_node *node_of(struct host *h, unsigned id) {
        return (struct topology_node *) topology_node(&h->topo, id);
}

/* This host: every node's distances from libnuma, which reads its table once. Returns 0 or -ENOMEM. */
static int read_distances(struct host *h) {
        struct topology *t = &h->topo;

        for (size_t i = 0; i < t->n_nodes; i++) {
                _cleanup_free_ struct node_distance *row = NULL;
                size_t n = 0;

                for (size_t j = 0; j < t->n_nodes; j++) {
                        unsigned v = topology_distance(t->nodes[i].id, t->nodes[j].id);
                        struct node_distance *e;

                        if (v == 0)
                                continue;
                        e = array_append(&row, &n, sizeof(*e));
                        if (!e)
                                return -ENOMEM;
                        *e = (struct node_distance){.id = t->nodes[j].id, .value = v};
                }
                free(t->nodes[i].facts.distances);
                t->nodes[i].facts.distances = TAKE_PTR(row);
                t->nodes[i].facts.n_distances = n;
        }
        return 0;
}

int host_distance(struct host *h, unsigned a, unsigned b, unsigned *ret) {
        const struct topology_node *from;
        size_t i;
        int r;

        /* Another host's come with its document. */
        if (h->sysfs && !h->distances_read) {
                r = read_distances(h);
                if (r < 0)
                        return r;
                h->distances_read = true;
        }
        from = node_of(h, a);
        if (!from || !topology_node(&h->topo, b))
                return -ENODATA;
        i = INDEX_BY_ID(from->facts.distances, from->facts.n_distances, b);
        if (i == from->facts.n_distances)
                return -ENODATA;
        *ret = from->facts.distances[i].value;
        return 0;
}

/* Each node's tier from the kernel's tiers, ascending (a node listed twice keeps the faster). */
static void assign_tiers(struct topology *t, const struct memory_tier *tiers, size_t n) {
        for (size_t i = 0; i < t->n_nodes; i++)
                t->nodes[i].facts.tier = n > 0 ? HOST_TIER_NONE : 0;
        for (size_t k = 0; k < n; k++)
                for (int id = nodeset_next(&tiers[k].nodes, 0); id >= 0;
                        id = nodeset_next(&tiers[k].nodes, id + 1)) {
                        struct topology_node *node = (struct topology_node *) topology_node(t, (unsigned) id);

                        if (node && node->facts.tier == HOST_TIER_NONE)
                                node->facts.tier = tiers[k].id;
                }
}

int host_read_tiers(struct host *h) {
        _cleanup_free_ struct memory_tier *tiers = NULL;
        size_t n = 0;
        int r;

        if (h->tiers_read)
                return 0;
        /* Another host's document says nothing of tiers: one. */
        if (h->sysfs) {
                r = topology_memory_tiers(h->sysfs, &tiers, &n);
                if (r < 0 && r != -ENOENT)
                        return r;
        }
        assign_tiers(&h->topo, tiers, n);
        h->tiers_known = n > 0;
        h->tiers_read = true;
        return 0;
}

int host_memory_tier(struct host *h, unsigned id, unsigned *ret_tier) {
        const struct topology_node *node;
        int r;

        r = host_read_tiers(h);
        if (r < 0)
                return r;
        node = node_of(h, id);
        if (!node || node->facts.tier == HOST_TIER_NONE)
                return -ENODATA;
        *ret_tier = node->facts.tier;
        return 0;
}

int host_fastest_tier(struct host *h, unsigned *ret_tier, struct nodeset *ret_nodes) {
        unsigned best = HOST_TIER_NONE;
        struct nodeset nodes;
        int r;

        r = host_read_tiers(h);
        if (r < 0)
                return r;
        if (!h->tiers_known)
                return -ENODATA;
        nodeset_clear(&nodes);
        for (size_t i = 0; i < h->topo.n_nodes; i++) {
                const struct topology_node *node = &h->topo.nodes[i];

                if (node->facts.tier > best)
                        continue;
                if (node->facts.tier < best)
                        nodeset_clear(&nodes);
                best = node->facts.tier;
                nodeset_add(&nodes, node->id);
        }
        if (best == HOST_TIER_NONE)
                return -ENODATA;
        *ret_tier = best;
        *ret_nodes = nodes;
        return 0;
}

int host_offer(struct host *h, unsigned id, uint64_t *ret_bytes) {
        struct topology_node *node = node_of(h, id);
        uint64_t offer;
        int r;

        if (!node || node->memory_unknown)
                return -ENODATA;
        if (!h->sysfs) {
                *ret_bytes = node->total;
                return 0;
        }
        if (!node->facts.offer_read) {
                r = topology_node_offer(h->sysfs, id, &offer);
                if (r < 0)
                        return r;
                node->facts.offer = offer;
                node->facts.offer_read = true;
        }
        *ret_bytes = node->facts.offer;
        return 0;
}

int host_read_access(struct host *h) {
        int r;

        if (h->access_read || !h->sysfs)
                return 0;
        for (size_t i = 0; i < h->topo.n_nodes; i++) {
                struct node_facts *f = &h->topo.nodes[i].facts;
                uint64_t latency, bandwidth;

                r = topology_node_access(h->sysfs, h->topo.nodes[i].id, &latency, &bandwidth);
                if (r < 0)
                        return r;
                f->read_latency = latency;
                f->read_bandwidth = bandwidth;
        }
        h->access_read = true;
        return 0;
}
