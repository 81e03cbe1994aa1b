/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fit target's choice of nodes from their offers, tiers, locality and distances: pure logic. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "fit.h"
#include "macro.h"

static uint64_t add_sat(uint64_t a, uint64_t b) {
        return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static unsigned umax(unsigned a, unsigned b) {
        return a > b ? a : b;
}

int fit_rank_cmp(const struct fit_node *a, const struct fit_node *b) {
        if (a->locality != b->locality)
                return a->locality < b->locality ? -1 : 1;
        if (a->taken != b->taken)
                return a->taken ? 1 : -1;
        if (a->offer != b->offer)
                return a->offer > b->offer ? -1 : 1;
        return a->id < b->id ? -1 : a->id > b->id;
}

/* qsort over indices into the problem's nodes: the only way qsort_r-less C hands it the array. */
struct ranked {
        const struct fit_node *node;
        size_t index;
};

static int cmp_ranked(const void *a, const void *b) {
        return fit_rank_cmp(((const struct ranked *) a)->node, ((const struct ranked *) b)->node);
}

/* A distance that is not known counts as farther than every known one. */
static unsigned distance(const struct fit_problem *p, size_t i, size_t j) {
        unsigned v = p->distance ? p->distance[i * p->n + j] : 0;

        return i == j ? 0 : v ? v : UINT_MAX;
}

/* The largest distance between two members of set (indices). */
static unsigned spread_of(const struct fit_problem *p, const size_t *set, size_t k) {
        unsigned max = 0;

        for (size_t i = 0; i < k; i++)
                for (size_t j = i + 1; j < k; j++)
                        max = umax(max, distance(p, set[i], set[j]));
        return max;
}

/*
 * From start, the remaining candidate nearest to it (ties: most offered,
 * then lowest id), added until need fits. Returns how many members set
 * has, 0 when the candidates cannot hold it.
 */
static size_t grow(const struct fit_problem *p, const struct ranked *cand, size_t n, size_t start, bool *used,
        size_t *set) {
        uint64_t sum = p->nodes[cand[start].index].offer;
        size_t k = 0;

        for (size_t i = 0; i < n; i++)
                used[i] = i == start;
        set[k++] = cand[start].index;
        while (sum < p->need) {
                size_t best = SIZE_MAX;

                for (size_t i = 0; i < n; i++) {
                        const struct fit_node *c = cand[i].node, *b;
                        unsigned dc, db;

                        if (used[i])
                                continue;
                        if (best == SIZE_MAX) {
                                best = i;
                                continue;
                        }
                        b = cand[best].node;
                        dc = distance(p, cand[start].index, cand[i].index);
                        db = distance(p, cand[start].index, cand[best].index);
                        if (dc < db || (dc == db && (c->offer > b->offer ||
                                                            (c->offer == b->offer && c->id < b->id))))
                                best = i;
                }
                if (best == SIZE_MAX)
                        return 0;
                used[best] = true;
                set[k++] = cand[best].index;
                sum = add_sat(sum, cand[best].node->offer);
        }
        return k;
}

/* The best set over every start node, in ret (indices); returns its size, 0 when none holds the need. */
static int choose_set(const struct fit_problem *p, const struct ranked *cand, size_t n, size_t *ret_start,
        size_t *ret, size_t *ret_k) {
        _cleanup_free_ bool *used = calloc(n + 1, sizeof(bool));
        _cleanup_free_ size_t *set = calloc(n + 1, sizeof(size_t));
        size_t best_k = 0;
        unsigned best_spread = 0;

        if (!used || !set)
                return -ENOMEM;
        for (size_t s = 0; s < n; s++) {
                size_t k = grow(p, cand, n, s, used, set);
                unsigned spread;

                if (k == 0 || (best_k && k > best_k))
                        continue;
                spread = spread_of(p, set, k);
                if (best_k && k == best_k && spread >= best_spread)
                        continue;
                best_k = k;
                best_spread = spread;
                *ret_start = s;
                for (size_t i = 0; i < k; i++)
                        ret[i] = set[i];
        }
        *ret_k = best_k;
        return 0;
}

/* interleave: the pinned nodes with memory, else every node with memory of the fastest tier. */
static void choose_spread(const struct fit_problem *p, unsigned fastest, struct fit_choice *c) {
        bool pinned;

        for (size_t i = 0; i < p->n; i++)
                if (p->nodes[i].has_memory && p->nodes[i].locality == FIT_LOCAL_CPUS)
                        nodeset_add(&c->nodes, p->nodes[i].id);
        pinned = !nodeset_is_empty(&c->nodes);
        for (size_t i = 0; !pinned && i < p->n; i++)
                if (p->nodes[i].has_memory && p->nodes[i].tier == fastest)
                        nodeset_add(&c->nodes, p->nodes[i].id);
        for (size_t i = 0; i < p->n; i++)
                if (nodeset_contains(&c->nodes, p->nodes[i].id))
                        c->tier = umax(c->tier, p->nodes[i].tier);
        c->verdict = nodeset_is_empty(&c->nodes) ? FIT_NONE : FIT_SPREAD;
}

/* A guest cell's pinned nodes with memory, all of them, when together they hold its need. */
static bool choose_pinned(const struct fit_problem *p, struct fit_choice *c) {
        uint64_t sum = 0;
        size_t first = SIZE_MAX;

        for (size_t i = 0; i < p->n; i++) {
                const struct fit_node *x = &p->nodes[i];

                if (!x->has_memory || x->locality != FIT_LOCAL_CPUS)
                        continue;
                nodeset_add(&c->nodes, x->id);
                sum = add_sat(sum, x->offer);
                c->tier = umax(c->tier, x->tier);
                if (first == SIZE_MAX || fit_rank_cmp(x, &p->nodes[first]) < 0)
                        first = i;
        }
        if (first == SIZE_MAX || sum < p->need ||
                (p->mode == NUMA_MODE_PREFERRED && nodeset_count(&c->nodes) > 1)) {
                nodeset_clear(&c->nodes);
                c->tier = 0;
                return false;
        }
        c->verdict = nodeset_count(&c->nodes) == 1 ? FIT_ONE : FIT_SET;
        c->first = first;
        return true;
}

/* The choice among cand (the ranked nodes of the tiers up to the one tried), whose offers hold the need. */
static int choose_in(const struct fit_problem *p, const struct ranked *cand, size_t n, struct fit_choice *c) {
        _cleanup_free_ size_t *set = NULL;
        size_t k, start = 0;

        for (size_t i = 0; i < n; i++)
                if (cand[i].node->offer >= p->need) {
                        c->verdict = FIT_ONE;
                        c->first = cand[i].index;
                        nodeset_add(&c->nodes, cand[i].node->id);
                        return 0;
                }
        if (p->mode == NUMA_MODE_PREFERRED) {
                c->verdict = FIT_SPILL;
                c->first = cand[0].index;
                nodeset_add(&c->nodes, cand[0].node->id);
                return 0;
        }
        set = calloc(n + 1, sizeof(size_t));
        if (!set)
                return -ENOMEM;
        if (choose_set(p, cand, n, &start, set, &k) < 0)
                return -ENOMEM;
        c->verdict = k ? FIT_SET : FIT_NONE;
        c->first = k ? set[0] : 0;
        for (size_t i = 0; i < k; i++)
                nodeset_add(&c->nodes, p->nodes[set[i]].id);
        return 0;
}

/* The candidates of the tiers up to tier, ranked, in cand; returns how many and their offers' sum. */
static size_t candidates(const struct fit_problem *p, unsigned tier, struct ranked *cand, uint64_t *ret_sum) {
        size_t n = 0;

        *ret_sum = 0;
        for (size_t i = 0; i < p->n; i++) {
                const struct fit_node *x = &p->nodes[i];

                if (!x->has_memory || x->tier > tier || (x->offer == 0 && p->need > 0))
                        continue;
                cand[n++] = (struct ranked){.node = x, .index = i};
                *ret_sum = add_sat(*ret_sum, x->offer);
        }
        qsort(cand, n, sizeof(*cand), cmp_ranked);
        return n;
}

/* The next tier above `after` that holds memory, or UINT_MAX. */
static unsigned next_tier(const struct fit_problem *p, unsigned after, bool first) {
        unsigned t = UINT_MAX;

        for (size_t i = 0; i < p->n; i++)
                if (p->nodes[i].has_memory && (first || p->nodes[i].tier > after))
                        t = p->nodes[i].tier < t ? p->nodes[i].tier : t;
        return t;
}

/* Tier by tier from the fastest, the first tier (with the faster ones) whose nodes hold the need. */
static int choose_by_tier(
        const struct fit_problem *p, unsigned fastest, struct ranked *cand, struct fit_choice *c) {
        for (unsigned t = fastest; t != UINT_MAX; t = next_tier(p, t, false)) {
                uint64_t sum;
                size_t n = candidates(p, t, cand, &sum);
                int r;

                if (n == 0 || sum < p->need)
                        continue;
                r = choose_in(p, cand, n, c);
                if (r < 0)
                        return r;
                c->tier = t;
                c->slower_tier = t != fastest;
                return 0;
        }
        return 0;
}

int fit_choose(const struct fit_problem *p, struct fit_choice *ret) {
        _cleanup_free_ struct ranked *cand = calloc(p->n + 1, sizeof(*cand));
        struct fit_choice c = {.verdict = FIT_NONE};
        unsigned fastest = next_tier(p, 0, true);
        int r = 0;

        if (!cand)
                return -ENOMEM;
        nodeset_clear(&c.nodes);
        if (p->mode == NUMA_MODE_INTERLEAVE)
                choose_spread(p, fastest, &c);
        else if (!(p->bind_pinned && choose_pinned(p, &c)))
                r = choose_by_tier(p, fastest, cand, &c);
        if (r < 0)
                return r;
        c.offered = 0;
        for (size_t i = 0; i < p->n; i++)
                if (nodeset_contains(&c.nodes, p->nodes[i].id))
                        c.offered = add_sat(c.offered, p->nodes[i].offer);
        *ret = c;
        return 0;
}
