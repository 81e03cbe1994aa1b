/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fit target's choice: tiers, locality, offer and id ranking; the multi-node set by distance; ties. */

#include "fit.h"
#include "unit.h"

#define NODES_MAX 8
#define GIB       (1024ull * 1024 * 1024)

struct fit_case {
        const char *name;
        enum numa_mode mode;
        uint64_t need;
        size_t n;
        struct fit_node nodes[NODES_MAX];
        unsigned dist[NODES_MAX][NODES_MAX]; /* all 0: no distances known */
        enum fit_verdict verdict;
        const char *want; /* the chosen nodes */
        bool slower_tier;
        bool bind_pinned; /* a guest cell whose vCPUs are pinned */
};

/* A node with memory: id, tier, locality, offer in GiB. */
#define N(id, tier, loc, gib)                                                                                \
        { id, true, tier, FIT_LOCAL_##loc, false, (gib) *GIB }
/* The same, taken by an earlier guest cell. */
#define T(id, tier, loc, gib)                                                                                \
        { id, true, tier, FIT_LOCAL_##loc, true, (gib) *GIB }
/* A memoryless node. */
#define ML(id)                                                                                               \
        { id, false, 0, FIT_LOCAL_NONE, false, 0 }

/* Two packages of two nodes: 0-1 and 2-3 near each other (12), far across (32). */
#define TWO_PACKAGES                                                                                         \
        {                                                                                                    \
                {10, 12, 32, 32}, {12, 10, 32, 32}, {32, 32, 10, 12}, {                                      \
                        32, 32, 12, 10                                                                       \
                }                                                                                            \
        }
/* A line 0-1-2-3: each step 10 farther. */
#define LINE                                                                                                 \
        {                                                                                                    \
                {10, 20, 30, 40}, {20, 10, 20, 30}, {30, 20, 10, 20}, {                                      \
                        40, 30, 20, 10                                                                       \
                }                                                                                            \
        }

/* clang-format off */
static const struct fit_case cases[] = {
        /* The ranking for one node: locality, then offer, then id. */
        {"most_offered_node_wins", NUMA_MODE_STRICT, 4 * GIB, 3,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 16), N(2, 0, NONE, 12)}, {{0}}, FIT_ONE, "1", false},
        {"lowest_id_breaks_a_tie_in_offer", NUMA_MODE_STRICT, 4 * GIB, 3,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 16), N(2, 0, NONE, 16)}, {{0}}, FIT_ONE, "1", false},
        {"pinned_cpus_node_before_a_larger_one", NUMA_MODE_STRICT, 4 * GIB, 3,
                {N(0, 0, NONE, 64), N(1, 0, CPUS, 8), N(2, 0, PCI, 32)}, {{0}}, FIT_ONE, "1", false},
        {"pci_node_before_the_rest", NUMA_MODE_RESTRICTIVE, 4 * GIB, 3,
                {N(0, 0, NONE, 64), N(1, 0, NONE, 8), N(2, 0, PCI, 8)}, {{0}}, FIT_ONE, "2", false},
        {"pinned_node_too_small_falls_to_pci_node", NUMA_MODE_STRICT, 10 * GIB, 3,
                {N(0, 0, NONE, 64), N(1, 0, CPUS, 8), N(2, 0, PCI, 16)}, {{0}}, FIT_ONE, "2", false},
        {"an_offer_equal_to_the_need_holds_it", NUMA_MODE_STRICT, 8 * GIB, 2,
                {N(0, 0, NONE, 7), N(1, 0, NONE, 8)}, {{0}}, FIT_ONE, "1", false},
        {"memoryless_node_never_chosen", NUMA_MODE_STRICT, 1 * GIB, 3,
                {ML(0), N(1, 0, NONE, 2), N(2, 0, NONE, 1)}, {{0}}, FIT_ONE, "1", false},
        {"node_no_earlier_cell_took_first", NUMA_MODE_STRICT, 2 * GIB, 3,
                {T(0, 0, NONE, 32), N(1, 0, NONE, 4), T(2, 0, NONE, 16)}, {{0}}, FIT_ONE, "1", false},
        {"taken_node_when_no_other_holds_it", NUMA_MODE_STRICT, 8 * GIB, 2,
                {T(0, 0, NONE, 32), N(1, 0, NONE, 4)}, {{0}}, FIT_ONE, "0", false},
        /* Tiers come first. */
        {"fast_tier_before_a_larger_slow_node", NUMA_MODE_STRICT, 4 * GIB, 3,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 6), N(2, 1, CPUS, 128)}, {{0}}, FIT_ONE, "0", false},
        {"fast_tier_set_before_a_slow_node", NUMA_MODE_STRICT, 12 * GIB, 3,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 6), N(2, 1, NONE, 128)}, {{0}}, FIT_SET, "0-1", false},
        {"slow_tier_when_the_fast_cannot_hold_it", NUMA_MODE_STRICT, 20 * GIB, 3,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 6), N(2, 1, NONE, 128)}, {{0}}, FIT_ONE, "2", true},
        {"slow_tier_joins_a_set", NUMA_MODE_STRICT, 20 * GIB, 3,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 6), N(2, 1, NONE, 10)}, {{0}}, FIT_SET, "0-2", true},
        {"preferred_spills_within_the_fast_tier", NUMA_MODE_PREFERRED, 12 * GIB, 3,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 6), N(2, 1, NONE, 128)}, {{0}}, FIT_SPILL, "0", false},
        /* One node when one fits; else the set. */
        {"preferred_takes_one_node_that_fits", NUMA_MODE_PREFERRED, 4 * GIB, 2,
                {N(0, 0, NONE, 8), N(1, 0, CPUS, 6)}, {{0}}, FIT_ONE, "1", false},
        {"preferred_spills_from_the_first_ranked", NUMA_MODE_PREFERRED, 12 * GIB, 2,
                {N(0, 0, NONE, 8), N(1, 0, CPUS, 6)}, {{0}}, FIT_SPILL, "1", false},
        {"nothing_holds_it", NUMA_MODE_STRICT, 40 * GIB, 2,
                {N(0, 0, NONE, 8), N(1, 1, NONE, 6)}, {{0}}, FIT_NONE, "", false},
        {"preferred_refused_when_all_together_cannot_hold_it", NUMA_MODE_PREFERRED, 40 * GIB, 2,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 6)}, {{0}}, FIT_NONE, "", false},
        /* The set: the fewest nodes, nearest to each other. */
        {"set_takes_the_start_nodes_package", NUMA_MODE_STRICT, 14 * GIB, 4,
                {N(0, 0, NONE, 8), N(1, 0, NONE, 8), N(2, 0, NONE, 9), N(3, 0, NONE, 6)}, TWO_PACKAGES,
                FIT_SET, "2-3", false},
        {"set_from_the_pinned_node_nearest_first", NUMA_MODE_STRICT, 14 * GIB, 4,
                {N(0, 0, NONE, 8), N(1, 0, CPUS, 8), N(2, 0, NONE, 9), N(3, 0, NONE, 9)}, TWO_PACKAGES,
                FIT_SET, "0-1", false},
        {"fewest_nodes_beat_rank", NUMA_MODE_STRICT, 16 * GIB, 4,
                {N(0, 0, CPUS, 5), N(1, 0, NONE, 5), N(2, 0, NONE, 9), N(3, 0, NONE, 9)}, TWO_PACKAGES,
                FIT_SET, "2-3", false},
        {"smallest_largest_distance_beats_rank", NUMA_MODE_STRICT, 15 * GIB, 4,
                {N(0, 0, CPUS, 8), N(1, 0, NONE, 2), N(2, 0, NONE, 8), N(3, 0, NONE, 8)}, LINE,
                FIT_SET, "2-3", false},
        {"nearest_not_largest_joins_the_start", NUMA_MODE_STRICT, 10 * GIB, 4,
                {N(0, 0, NONE, 2), N(1, 0, NONE, 8), N(2, 0, NONE, 9), N(3, 0, NONE, 1)}, LINE,
                FIT_SET, "1-2", false},
        {"equal_distance_takes_the_most_offered", NUMA_MODE_RESTRICTIVE, 10 * GIB, 4,
                {N(0, 0, NONE, 3), N(1, 0, NONE, 4), N(2, 0, NONE, 7), N(3, 0, NONE, 5)}, {{0}},
                FIT_SET, "2-3", false},
        {"equal_sets_take_the_earliest_start", NUMA_MODE_STRICT, 12 * GIB, 4,
                {N(0, 0, NONE, 6), N(1, 0, NONE, 6), N(2, 0, NONE, 6), N(3, 0, NONE, 6)}, TWO_PACKAGES,
                FIT_SET, "0-1", false},
        {"unknown_distance_is_the_farthest", NUMA_MODE_STRICT, 12 * GIB, 3,
                {N(0, 0, NONE, 7), N(1, 0, NONE, 6), N(2, 0, NONE, 6)},
                {{10, 0, 20}, {0, 10, 0}, {20, 0, 10}}, FIT_SET, "0,2", false},
        {"zero_offer_node_not_in_a_set", NUMA_MODE_STRICT, 12 * GIB, 3,
                {N(0, 0, NONE, 6), N(1, 0, NONE, 0), N(2, 0, NONE, 6)}, LINE, FIT_SET, "0,2", false},
        /* A pinned guest cell: its pinned nodes, all of them, when together they hold it. */
        {"cell_bound_to_its_pinned_nodes_together", NUMA_MODE_STRICT, 12 * GIB, 4,
                {N(0, 0, CPUS, 6), N(1, 0, NONE, 64), N(2, 0, CPUS, 6), N(3, 0, NONE, 8)}, TWO_PACKAGES,
                FIT_SET, "0,2", false, true},
        {"cell_on_its_one_pinned_node", NUMA_MODE_STRICT, 4 * GIB, 3,
                {N(0, 0, NONE, 64), N(1, 0, CPUS, 6), N(2, 0, NONE, 8)}, {{0}}, FIT_ONE, "1", false, true},
        {"cell_whose_pinned_nodes_are_short_is_ranked", NUMA_MODE_STRICT, 16 * GIB, 3,
                {N(0, 0, CPUS, 6), N(1, 0, NONE, 64), N(2, 0, CPUS, 6)}, {{0}}, FIT_ONE, "1", false, true},
        {"preferred_cell_on_two_pinned_nodes_is_ranked", NUMA_MODE_PREFERRED, 4 * GIB, 3,
                {N(0, 0, CPUS, 6), N(1, 0, NONE, 64), N(2, 0, CPUS, 8)}, {{0}}, FIT_ONE, "2", false, true},
        {"unpinned_vm_ranks_pinned_node_without_binding_all", NUMA_MODE_STRICT, 12 * GIB, 4,
                {N(0, 0, CPUS, 6), N(1, 0, NONE, 64), N(2, 0, CPUS, 6), N(3, 0, NONE, 8)}, TWO_PACKAGES,
                FIT_ONE, "1", false, false},
        /* interleave spreads. */
        {"interleave_over_the_pinned_nodes_with_memory", NUMA_MODE_INTERLEAVE, 64 * GIB, 4,
                {N(0, 0, CPUS, 1), ML(1), N(2, 0, CPUS, 1), N(3, 0, NONE, 99)}, {{0}}, FIT_SPREAD, "0,2", false},
        {"interleave_unpinned_over_the_fastest_tier", NUMA_MODE_INTERLEAVE, 1 * GIB, 4,
                {N(0, 0, NONE, 1), ML(1), N(2, 0, PCI, 0), N(3, 1, NONE, 99)}, {{0}}, FIT_SPREAD, "0,2", false},
        {"interleave_pinned_to_memoryless_nodes_takes_the_tier", NUMA_MODE_INTERLEAVE, 1 * GIB, 3,
                {{0, false, 0, FIT_LOCAL_CPUS, false, 0}, N(1, 0, NONE, 1), N(2, 0, NONE, 1)}, {{0}}, FIT_SPREAD,
                "1-2", false},
};
/* clang-format on */

static void test_fit_case(void **state) {
        const struct fit_case *c = *state;
        unsigned dist[NODES_MAX * NODES_MAX] = {0};
        struct fit_problem p = {.mode = c->mode,
                .need = c->need,
                .n = c->n,
                .nodes = c->nodes,
                .bind_pinned = c->bind_pinned};
        struct fit_choice got;
        _cleanup_free_ char *set = NULL;

        for (size_t i = 0; i < c->n; i++)
                for (size_t j = 0; j < c->n; j++)
                        dist[i * c->n + j] = c->dist[i][j];
        p.distance = c->dist[0][0] ? dist : NULL; /* a node's distance to itself is 10 when any is known */
        assert_int_equal(fit_choose(&p, &got), 0);
        assert_int_equal(nodeset_format(&got.nodes, &set), 0);
        if (got.verdict != c->verdict || strcmp(set, c->want) != 0 || got.slower_tier != c->slower_tier)
                fail_msg("%s: want verdict %d nodes '%s' slower %d, got %d '%s' %d", c->name, c->verdict,
                        c->want, c->slower_tier, got.verdict, set, got.slower_tier);
}

/* The comparator alone: each key decides only when the ones before it tie. */
static void test_rank_keys_in_order(void **state) {
        struct fit_node a = N(5, 0, CPUS, 1), b = N(1, 0, PCI, 99), c = T(0, 0, PCI, 99),
                        e = N(2, 0, PCI, 99);

        (void) state;
        assert_true(fit_rank_cmp(&a, &b) < 0); /* locality before offer */
        assert_true(fit_rank_cmp(&b, &c) < 0); /* untaken before taken */
        assert_true(fit_rank_cmp(&b, &e) < 0); /* equal offer: lower id */
        assert_true(fit_rank_cmp(&e, &b) > 0);
        assert_int_equal(fit_rank_cmp(&b, &b), 0);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_fit_case);
        UNIT_TEST(&suite, test_rank_keys_in_order);
        return UNIT_RUN(&suite, "fit");
}
