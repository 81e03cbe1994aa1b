/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>

#include "binding.h"
#include "unit.h"

/* An existing <memory>, attributes as written (NULL: absent), read with libvirt's defaults. */
struct memory_case {
        const char *name;
        const char *mode, *nodeset, *placement;
        bool vcpu_auto;         /* <vcpu placement='auto'> */
        int ret;                /* 0 or -EINVAL */
        enum numa_mode want;    /* when ret is 0 */
        const char *want_nodes; /* canonical, or "auto" */
};

/* clang-format off */
static const struct memory_case memory_cases[] = {
        {.name = "memory_mode_defaults_to_strict", .nodeset = "0-1", .want = NUMA_MODE_STRICT, .want_nodes = "0-1"},
        {.name = "memory_mode_as_written", .mode = "interleave", .nodeset = "3,1-2", .want = NUMA_MODE_INTERLEAVE,
                .want_nodes = "1-3"},
        {.name = "memory_unknown_mode_is_unreadable", .mode = "Strict", .nodeset = "0", .ret = -EINVAL},
        {.name = "memory_placement_auto_needs_no_nodeset", .mode = "preferred", .placement = "auto",
                .want = NUMA_MODE_PREFERRED, .want_nodes = "auto"},
        {.name = "memory_placement_auto_ignores_its_nodeset", .nodeset = "junk", .placement = "auto",
                .want_nodes = "auto"},
        {.name = "memory_without_nodeset_follows_vcpu_auto", .vcpu_auto = true, .want_nodes = "auto"},
        {.name = "memory_nodeset_wins_over_vcpu_auto", .nodeset = "2", .vcpu_auto = true, .want_nodes = "2"},
        {.name = "memory_explicit_static_wins_over_vcpu_auto", .placement = "static", .nodeset = "1", .vcpu_auto = true,
                .want_nodes = "1"},
        {.name = "memory_static_without_nodeset_is_unreadable", .placement = "static", .vcpu_auto = true,
                .ret = -EINVAL},
        {.name = "memory_without_anything_is_unreadable", .ret = -EINVAL},
        {.name = "memory_bad_nodeset_is_unreadable", .nodeset = "0-", .ret = -EINVAL},
        {.name = "memory_nodeset_read_as_libvirt_does", .nodeset = " 0 , 2", .want_nodes = "0,2"},
};
/* clang-format on */

/* Fails unless b holds mode and nodes ("auto": automatic placement, no nodes). */
static void assert_binding(const struct binding *b, enum numa_mode mode, const char *nodes) {
        _cleanup_free_ char *s = NULL;

        assert_int_equal(b->mode, mode);
        assert_int_equal(b->placement_auto, strcmp(nodes, "auto") == 0);
        assert_int_equal(nodeset_format(&b->nodes, &s), 0);
        assert_string_equal(s, b->placement_auto ? "" : nodes);
}

static void test_memory_case(void **state) {
        const struct memory_case *c = *state;
        char *mode = (char *) c->mode, *nodeset = (char *) c->nodeset, *placement = (char *) c->placement;
        struct domxml_memory m = {.mode = mode, .nodeset = nodeset, .placement = placement};
        struct binding b = {.cell = 7, .mode = _NUMA_MODE_INVALID};

        assert_int_equal(binding_from_memory(&m, c->vcpu_auto, &b), c->ret);
        if (c->ret < 0) {
                assert_int_equal(b.cell, 7); /* untouched */
                return;
        }
        assert_int_equal(b.cell, BINDING_VM);
        assert_binding(&b, c->want, c->want_nodes);
        assert_int_equal(binding_memory_placement_auto(&m, c->vcpu_auto), b.placement_auto);
}

/* An existing <memnode>, attributes as written. */
struct memnode_case {
        const char *name;
        const char *cellid, *mode, *nodeset;
        int ret;
        long want_cell;
        enum numa_mode want;
        const char *want_nodes;
};

/* clang-format off */
static const struct memnode_case memnode_cases[] = {
        {.name = "memnode_mode_defaults_to_strict", .cellid = "1", .nodeset = "0", .want_cell = 1,
                .want = NUMA_MODE_STRICT, .want_nodes = "0"},
        {.name = "memnode_cellid_read_as_libvirt_does", .cellid = " +2", .mode = "restrictive", .nodeset = "1-2",
                .want_cell = 2, .want = NUMA_MODE_RESTRICTIVE, .want_nodes = "1-2"},
        {.name = "memnode_without_cellid_is_unreadable", .nodeset = "0", .ret = -EINVAL},
        {.name = "memnode_negative_cellid_is_unreadable", .cellid = "-1", .nodeset = "0", .ret = -EINVAL},
        {.name = "memnode_cellid_above_limit_is_unreadable", .cellid = "4096", .nodeset = "0", .ret = -EINVAL},
        {.name = "memnode_unknown_mode_is_unreadable", .cellid = "0", .mode = "auto", .nodeset = "0", .ret = -EINVAL},
        {.name = "memnode_without_nodeset_is_unreadable", .cellid = "0", .ret = -EINVAL},
};
/* clang-format on */

static void test_memnode_case(void **state) {
        const struct memnode_case *c = *state;
        char *cellid = (char *) c->cellid, *mode = (char *) c->mode, *nodeset = (char *) c->nodeset;
        struct domxml_memnode m = {.cellid = cellid, .mode = mode, .nodeset = nodeset};
        struct binding b = {.cell = 7, .mode = _NUMA_MODE_INVALID};

        assert_int_equal(binding_from_memnode(&m, &b), c->ret);
        if (c->ret < 0) {
                assert_int_equal(b.cell, 7); /* untouched */
                return;
        }
        assert_int_equal(b.cell, c->want_cell);
        assert_int_equal(binding_memnode_cell(&m), c->want_cell);
        assert_binding(&b, c->want, c->want_nodes);
}

/* Two bindings, each "CELL MODE NODES" with CELL -1 for the VM and NODES "auto" for automatic placement. */
struct equal_case {
        const char *name;
        long cell_a, cell_b;
        enum numa_mode mode_a, mode_b;
        const char *nodes_a, *nodes_b;
        bool equal;
};

/* clang-format off */
static const struct equal_case equal_cases[] = {
        {"same_cell_mode_and_nodes_are_equal", 1, 1, NUMA_MODE_STRICT, NUMA_MODE_STRICT, "0-1", "0-1", true},
        {"other_cell_differs", 1, 2, NUMA_MODE_STRICT, NUMA_MODE_STRICT, "0", "0", false},
        {"vm_and_cell_differ", -1, 0, NUMA_MODE_STRICT, NUMA_MODE_STRICT, "0", "0", false},
        {"other_mode_differs", -1, -1, NUMA_MODE_STRICT, NUMA_MODE_INTERLEAVE, "0", "0", false},
        {"other_nodes_differ", -1, -1, NUMA_MODE_STRICT, NUMA_MODE_STRICT, "0", "0-1", false},
        {"auto_and_nodes_differ", -1, -1, NUMA_MODE_STRICT, NUMA_MODE_STRICT, "auto", "0", false},
        {"auto_and_auto_are_equal", -1, -1, NUMA_MODE_PREFERRED, NUMA_MODE_PREFERRED, "auto", "auto", true},
};
/* clang-format on */

static void binding_of(long cell, enum numa_mode mode, const char *nodes, struct binding *ret) {
        *ret = (struct binding){.cell = cell, .mode = mode, .placement_auto = strcmp(nodes, "auto") == 0};
        if (!ret->placement_auto)
                assert_int_equal(nodeset_parse_libvirt(nodes, &ret->nodes), 0);
}

static void test_equal_case(void **state) {
        const struct equal_case *c = *state;
        struct binding a, b;

        binding_of(c->cell_a, c->mode_a, c->nodes_a, &a);
        binding_of(c->cell_b, c->mode_b, c->nodes_b, &b);
        assert_int_equal(binding_equal(&a, &b), c->equal);
        assert_int_equal(binding_equal(&b, &a), c->equal);
}

/* Automatic placement has no nodes to compare, whatever the struct holds there. */
static void test_equal_ignores_nodes_of_auto(void **state) {
        struct binding a = {.cell = BINDING_VM, .placement_auto = true}, b = a;

        (void) state;
        nodeset_add(&b.nodes, 3);
        assert_true(binding_equal(&a, &b));
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, memory_cases, test_memory_case);
        UNIT_TABLE(&suite, memnode_cases, test_memnode_case);
        UNIT_TABLE(&suite, equal_cases, test_equal_case);
        UNIT_TEST(&suite, test_equal_ignores_nodes_of_auto);
        return UNIT_RUN(&suite, "binding");
}
