/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The slow-tier warning: which bindings get it, its words, and that the tiers are read only when they can
 * matter. */

#include "tiers.h"
#include "unit.h"

static char root[] = "/tmp/test-tiers-XXXXXX";

struct tiers_case {
        const char *name;
        const char *tier4, *tier73, *tier90; /* nodelists; NULL: no such tier; all NULL: no memory_tiering */
        enum numa_mode mode;
        const char *nodes; /* the VM's <memory> */
        const char *cell1; /* guest cell 1's <memnode>, strict; NULL: none */
        const char *want;  /* the one warning, or NULL for none */
        bool fit_chosen;   /* the VM's <memory> is fit's choice, which warned of its tier itself */
};

#define DRAM "0-1\n"

/* clang-format off */
static const struct tiers_case cases[] = {
        {"strict_on_the_slow_tier_warns", DRAM, "3\n", NULL, NUMA_MODE_STRICT, "3", NULL,
                "'vm': node 3 is in memory tier 73, slower than tier 4 (nodes 0-1) where this host has memory"},
        {"restrictive_on_the_slow_tier_warns", DRAM, "3\n", NULL, NUMA_MODE_RESTRICTIVE, "3", NULL, "node 3 is in memory tier 73"},
        {"preferred_on_the_slow_tier_warns", DRAM, "3\n", NULL, NUMA_MODE_PREFERRED, "3", NULL, "node 3 is in memory tier 73"},
        {"interleave_on_the_slow_tier_is_on_purpose", DRAM, "3\n", NULL, NUMA_MODE_INTERLEAVE, "3", NULL, NULL},
        {"strict_on_dram_is_fine", DRAM, "3\n", NULL, NUMA_MODE_STRICT, "0", NULL, NULL},
        {"strict_with_one_dram_node_is_fine", DRAM, "3\n", NULL, NUMA_MODE_STRICT, "1,3", NULL, NULL},
        {"memoryless_node_beside_the_slow_one_not_named", DRAM, "3\n", NULL, NUMA_MODE_STRICT, "2-3", NULL,
                "'vm': node 3 is in memory tier 73, slower"},
        {"two_slow_tiers_named_as_a_span", "0\n", "1\n", "3\n", NUMA_MODE_STRICT, "1,3", NULL,
                "'vm': nodes 1,3 are in memory tiers 73-90, slower than tier 4 (node 0) where"},
        {"a_cells_memnode_on_the_slow_tier_warns", DRAM, "3\n", NULL, NUMA_MODE_STRICT, "0-1", "3",
                "'cell1': node 3 is in memory tier 73"},
        {"one_tier_never_warns", "0-1,3\n", NULL, NULL, NUMA_MODE_STRICT, "3", NULL, NULL},
        {"kernel_without_tiers_never_warns", NULL, NULL, NULL, NUMA_MODE_STRICT, "3", NULL, NULL},
        {"unreadable_tiers_say_so", DRAM, "x\n", NULL, NUMA_MODE_STRICT, "3", NULL,
                "cannot read the memory tiers from"},
        /* Every node bound: one of them is in the fastest tier, so the (here broken) tiers are not read. */
        {"binding_to_every_node_reads_no_tier", DRAM, "x\n", NULL, NUMA_MODE_STRICT, "0-3", NULL, NULL},
        {"interleave_reads_no_tier", DRAM, "x\n", NULL, NUMA_MODE_INTERLEAVE, "3", NULL, NULL},
        {"fits_choice_on_the_slow_tier_is_left_to_fit", DRAM, "3\n", NULL, NUMA_MODE_STRICT, "3", NULL, NULL, true},
        {"fits_choice_leaves_a_cells_memnode_judged", DRAM, "3\n", NULL, NUMA_MODE_STRICT, "3", "3",
                "'cell1': node 3 is in memory tier 73", true},
};
/* clang-format on */

static void entry(
        struct binding_entry *e, long cell, enum numa_mode mode, const char *nodes, const char *subject) {
        *e = (struct binding_entry){.binding = {.cell = cell, .mode = mode}};
        assert_int_equal(nodeset_parse_libvirt(nodes, &e->binding.nodes), 0);
        snprintf(e->subject, sizeof(e->subject), "%s", subject);
}

static void test_tiers_case(void **state) {
        const struct tiers_case *c = *state;
        _cleanup_(host_done) struct host h = {.sysfs = root};
        struct binding_entry cell;
        struct binding_list b = {.has_memory = true};
        struct diag d;

        for (unsigned id = 0; id < 4; id++)
                assert_int_equal(topology_add_node(&h.topo, id, id == 2 ? 0 : 1u << 30, 0, NULL), 0);
        if (c->tier4)
                unit_write_file(root, "devices/virtual/memory_tiering/memory_tier4/nodelist", c->tier4);
        if (c->tier73)
                unit_write_file(root, "devices/virtual/memory_tiering/memory_tier73/nodelist", c->tier73);
        if (c->tier90)
                unit_write_file(root, "devices/virtual/memory_tiering/memory_tier90/nodelist", c->tier90);
        entry(&b.memory, BINDING_VM, c->mode, c->nodes, "'vm'");
        b.memory.binding.fit_chosen = c->fit_chosen;
        if (c->cell1) {
                entry(&cell, 1, NUMA_MODE_STRICT, c->cell1, "'cell1'");
                b.cells = &cell;
                b.n_cells = 1;
        }

        diag_init(&d);
        tiers_check(&b, &h, &d);
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
        assert_int_equal(d.error, 0);
        if (!c->want) {
                if (d.n_warnings != 0)
                        fail_msg("unexpected warning: %s", d.warnings[0]);
                return;
        }
        assert_int_equal(d.n_warnings, 1);
        assert_contains(d.warnings[0], c->want);
}

/* Another host's document has no tiers: nothing to read, nothing to warn of. */
static void test_another_host_never_warns(void **state) {
        _cleanup_(host_done) struct host h = {0};
        struct binding_list b = {.has_memory = true};
        struct diag d;

        (void) state;
        for (unsigned id = 0; id < 4; id++)
                assert_int_equal(topology_add_node(&h.topo, id, 1u << 30, 0, NULL), 0);
        entry(&b.memory, BINDING_VM, NUMA_MODE_STRICT, "3", "'vm'");
        diag_init(&d);
        tiers_check(&b, &h, &d);
        assert_int_equal(d.n_warnings, 0);
        assert_false(h.tiers_known);
}

UNIT_SCRATCH_GROUP(root)

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_tiers_case);
        UNIT_TEST(&suite, test_another_host_never_warns);
        return _cmocka_run_group_tests("tiers", suite.tests, suite.n, scratch_setup, scratch_teardown);
}
