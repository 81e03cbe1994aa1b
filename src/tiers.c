/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The warning for a binding confined to a slower memory tier than the host's fastest with memory. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "tiers.h"

/* Whether a binding takes memory from its nodes alone or first, and leaves some node of the host out. */
static bool narrows(const struct binding_entry *e, const struct topology *t) {
        const struct binding *b = &e->binding;
        struct nodeset outside = t->present;

        if (b->placement_auto || b->mode == NUMA_MODE_INTERLEAVE)
                return false;
        nodeset_subtract(&outside, &b->nodes);
        return !nodeset_is_empty(&outside);
}

/* The binding's nodes that lie in a tier, and the fastest and slowest of those tiers. */
struct tier_span {
        struct nodeset nodes;
        unsigned first, last;
};

static void span_of(struct host *h, const struct nodeset *nodes, struct tier_span *ret) {
        struct tier_span s = {.first = HOST_TIER_NONE, .last = 0};
        unsigned tier;

        nodeset_clear(&s.nodes);
        for (int id = nodeset_next(nodes, 0); id >= 0; id = nodeset_next(nodes, id + 1)) {
                if (host_memory_tier(h, (unsigned) id, &tier) < 0)
                        continue; /* no memory: the resolver has judged that */
                nodeset_add(&s.nodes, (unsigned) id);
                s.first = tier < s.first ? tier : s.first;
                s.last = tier > s.last ? tier : s.last;
        }
        *ret = s;
}

static void warn_slower(const struct binding_entry *e, const struct tier_span *s, unsigned fastest,
        const struct nodeset *fast_nodes, const char *host, struct diag *d) {
        _cleanup_free_ char *nodes = NULL, *fast = NULL;
        char tiers[48];
        bool one = nodeset_count(&s->nodes) == 1;

        if (nodeset_format(&s->nodes, &nodes) < 0 || nodeset_format(fast_nodes, &fast) < 0)
                return;
        if (s->first == s->last)
                snprintf(tiers, sizeof(tiers), "tier %u", s->first);
        else
                snprintf(tiers, sizeof(tiers), "tiers %u-%u", s->first, s->last);
        diag_warn(d, "%s: node%s %s %s in memory %s, slower than tier %u (node%s %s) where %s has memory",
                e->subject, one ? "" : "s", nodes, one ? "is" : "are", tiers, fastest,
                nodeset_count(fast_nodes) == 1 ? "" : "s", fast, host);
}

/* The warning for one binding, when its nodes all lie in slower tiers. Returns 0 or a negative errno. */
static int check_one(const struct binding_entry *e, struct host *h, struct diag *d) {
        struct nodeset fast_nodes;
        struct tier_span s;
        unsigned fastest;
        int r;

        /* fit said so itself when it had to take a slower tier: one warning for one fact. */
        if (e->binding.fit_chosen || !narrows(e, &h->topo))
                return 0;
        r = host_fastest_tier(h, &fastest, &fast_nodes);
        if (r == -ENODATA)
                return 0; /* one tier */
        if (r < 0)
                return r;
        span_of(h, &e->binding.nodes, &s);
        if (!nodeset_is_empty(&s.nodes) && s.first > fastest)
                warn_slower(e, &s, fastest, &fast_nodes, topology_host(&h->topo), d);
        return 0;
}

void tiers_check(const struct binding_list *b, struct host *h, struct diag *d) {
        int r = 0;

        if (b->has_memory)
                r = check_one(&b->memory, h, d);
        for (size_t i = 0; i < b->n_cells && r >= 0; i++)
                r = check_one(&b->cells[i], h, d);
        if (r < 0)
                diag_warn(d,
                        "cannot read the memory tiers from %s/devices/virtual/memory_tiering: %s; "
                        "whether the VM's memory lies in a slow tier is not checked",
                        h->sysfs, r == -EINVAL ? "a nodelist is no list of nodes" : strerror(-r));
}
