/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "resolve.h"
#include "unit.h"

#define GIB (UINT64_C(1) << 30)

enum topo_id {
        T4,      /* nodes 0-3, 8 GiB each, 6 GiB free */
        T8,      /* nodes 0-7, 8 GiB each, 6 GiB free */
        TMEM,    /* 0 and 2 with 8 GiB, 1 and 3 memoryless */
        TSPARSE, /* nodes 0, 2, 5, 9 */
        TCAPS,   /* like T4 but from capabilities XML: no free memory known */
        TUNK,    /* capabilities: 0 with 8 GiB, 1 of unknown memory, 2 memoryless */
};

static void make_topology(enum topo_id id, struct topology *t) {
        static const unsigned sparse[] = {0, 2, 5, 9};

        *t = (struct topology){.has_free = id != TCAPS};
        switch (id) {
        case T4:
        case TCAPS:
        case T8:
                for (unsigned n = 0; n < (id == T8 ? 8u : 4u); n++)
                        assert_int_equal(
                                topology_add_node(t, n, 8 * GIB, id == TCAPS ? 0 : 6 * GIB, NULL), 0);
                break;
        case TMEM:
                for (unsigned n = 0; n < 4; n++)
                        assert_int_equal(
                                topology_add_node(t, n, n % 2 ? 0 : 8 * GIB, n % 2 ? 0 : 6 * GIB, NULL), 0);
                break;
        case TUNK:
                assert_int_equal(topology_add_node(t, 0, 8 * GIB, 0, NULL), 0);
                assert_int_equal(topology_add_node(t, 1, 0, 0, NULL), 0);
                assert_int_equal(topology_add_node(t, 2, 0, 0, NULL), 0);
                topology_set_memory_unknown(t, 1);
                break;
        case TSPARSE:
                for (size_t i = 0; i < ELEMENTSOF(sparse); i++)
                        assert_int_equal(topology_add_node(t, sparse[i], 8 * GIB, 6 * GIB, NULL), 0);
                break;
        }
}

struct resolve_case {
        const char *name;
        const char *spec;
        enum topo_id topo;
        bool vcpu_auto;
        uint64_t vm_memory;  /* 0: the domain has no <memory> */
        const char *error;   /* part of the message, or NULL */
        const char *nodes;   /* canonical result, or "auto" */
        const char *warning; /* part of the one expected warning, or NULL */
};

/* clang-format off */
static const struct resolve_case cases[] = {
        {"issue_example", "strict:1-4,^3,6", T8, false, 0, NULL, "1-2,4,6", NULL},
        {"lone_exclusion_means_all_others", "strict:^3", T8, false, 0, NULL, "0-2,4-7", NULL},
        {"exclusion_is_order_independent", "strict:^3,1-4", T8, false, 0, NULL, "1-2,4", NULL},
        {"excluded_range_alone", "strict:^1-3", T8, false, 0, NULL, "0,4-7", NULL},
        {"missing_node_is_error", "strict:5", T4, false, 0, "node 5 does not exist on this host (host nodes: 0-3)", NULL, NULL},
        {"missing_nodes_are_listed", "strict:2-6", T4, false, 0, "nodes 4-6 do not exist", NULL, NULL},
        {"excluded_missing_node_is_fine", "strict:^9", T4, false, 0, NULL, "0-3", NULL},
        {"empty_result_is_error", "strict:0,^0", T4, false, 0, "'strict:0,^0' leaves no node", NULL, NULL},
        {"excluding_everything_is_error", "strict:^0-4095", T4, false, 0, "leaves no node", NULL, NULL},
        {"preferred_two_nodes_is_error", "preferred:0-1", T4, false, 0,
                "preferred takes exactly one node, but this gives 0-1; use 'interleave:0-1' or 'strict:0-1'", NULL, NULL},
        {"preferred_by_exclusion_is_error", "preferred:^0", T4, false, 0, "gives 1-3", NULL, NULL},
        {"preferred_one_node", "preferred:1", T4, false, 0, NULL, "1", NULL},
        {"strict_memoryless_is_error", "strict:1", TMEM, false, 0, "node 1 has no memory, and strict needs memory on every node (nodes with memory: 0,2)", NULL, NULL},
        {"restrictive_memoryless_is_error", "restrictive:0-1", TMEM, false, 0, "restrictive needs memory", NULL, NULL},
        {"interleave_memoryless_warns", "interleave:0-1", TMEM, false, 0, NULL, "0-1", "node 1 has no memory"},
        {"interleave_all_memoryless_is_error", "interleave:1,3", TMEM, false, 0, "none of the nodes 1,3 has memory", NULL, NULL},
        {"preferred_memoryless_is_error_in_the_singular", "preferred:3", TMEM, false, 0, "'preferred:3': node 3 has no memory (nodes with memory: 0,2)", NULL, NULL},
        {"exclusion_base_is_nodes_with_memory", "strict:^0", TMEM, false, 0, NULL, "2", NULL},
        {"strict_vm_larger_than_nodes_is_error", "strict:0", T4, false, 16 * GIB,
                "the VM's memory (16 GiB) is larger than all memory of node 0 (8 GiB)", NULL, NULL},
        {"restrictive_vm_larger_is_error", "restrictive:0-1", T4, false, 17 * GIB, "larger than all memory of nodes 0-1 (16 GiB)", NULL, NULL},
        {"strict_vm_fits_free_memory", "strict:0-1", T4, false, 12 * GIB, NULL, "0-1", NULL},
        {"strict_vm_above_free_warns", "strict:0-1", T4, false, 13 * GIB, NULL, "0-1", "more than is free on nodes 0-1 now (12 GiB)"},
        {"interleave_vm_larger_only_warns", "interleave:0", T4, false, 16 * GIB, NULL, "0", "larger than all memory of node 0"},
        {"preferred_vm_above_free_only_warns", "preferred:0", T4, false, 7 * GIB, NULL, "0", "more than is free on node 0"},
        {"no_free_memory_check_from_capabilities", "strict:0", TCAPS, false, 7 * GIB, NULL, "0", NULL},
        {"capacity_error_from_capabilities", "strict:0", TCAPS, false, 9 * GIB, "larger than all memory", NULL, NULL},
        {"auto_skips_node_checks", "strict:auto", T4, false, 64 * GIB, NULL, "auto", NULL},
        {"mode_alone_with_vcpu_auto", "interleave", T4, true, 0, NULL, "auto", NULL},
        {"mode_alone_needs_nodeset", "interleave", T4, false, 0,
                "'interleave': a nodeset is needed, e.g. 'interleave:0-1' or 'interleave:auto'", NULL, NULL},
        {"preferred_alone_suggests_one_node", "preferred", T4, false, 0, "e.g. 'preferred:0'", NULL, NULL},
        {"sparse_missing_lists_host_nodes", "strict:1", TSPARSE, false, 0, "(host nodes: 0,2,5,9)", NULL, NULL},
        {"sparse_exclusion", "strict:^2", TSPARSE, false, 0, NULL, "0,5,9", NULL},
        {"unknown_memory_is_not_memoryless", "strict:1", TUNK, false, 0, NULL, "1", NULL},
        {"unknown_memory_skips_capacity", "strict:0-1", TUNK, false, 64 * GIB, NULL, "0-1", NULL},
        {"known_nodes_keep_capacity_check", "strict:0", TUNK, false, 9 * GIB, "larger than all memory of node 0", NULL, NULL},
        {"known_memoryless_still_refused", "strict:1-2", TUNK, false, 0, "node 2 has no memory", NULL, NULL},
        {"unknown_memory_in_exclusion_base", "interleave:^0", TUNK, false, 0, NULL, "1", NULL},
};
/* clang-format on */

static void test_resolve_case(void **state) {
        const struct resolve_case *c = *state;
        struct vm_facts vm = {
                .vcpu_placement_auto = c->vcpu_auto, .has_memory = c->vm_memory > 0, .memory = c->vm_memory};
        _cleanup_free_ char *nodes = NULL;
        struct binding b;
        struct numa_spec spec;
        struct topology t;
        struct diag d;
        int r;

        diag_init(&d);
        assert_int_equal(spec_parse(c->spec, &spec, &d), 0);
        make_topology(c->topo, &t);
        r = resolve_spec(&spec, BINDING_VM, &t, &vm, &b, &d);
        topology_done(&t);

        if (c->error) {
                if (r >= 0)
                        fail_msg("'%s' resolved, expected \"%s\"", c->spec, c->error);
                assert_int_equal(r, -EINVAL);
                assert_contains(d.message, c->error);
                return;
        }
        if (r < 0)
                fail_msg("'%s' failed: %s", c->spec, d.message);

        assert_int_equal(b.mode, spec.mode);
        if (strcmp(c->nodes, "auto") == 0) {
                assert_true(b.placement_auto);
                assert_true(nodeset_is_empty(&b.nodes));
        } else {
                assert_false(b.placement_auto);
                assert_int_equal(nodeset_format(&b.nodes, &nodes), 0);
                assert_string_equal(nodes, c->nodes);
        }
        if (c->warning) {
                assert_int_equal(d.n_warnings, 1);
                assert_contains(d.warnings[0], c->warning);
        } else if (d.n_warnings > 0)
                fail_msg("unexpected warning: %s", d.warnings[0]);
}

/* The resolver's result is the binding of the cell it is given. */
static void test_resolve_binds_the_given_cell(void **state) {
        struct vm_facts vm = {0};
        struct numa_spec spec;
        struct binding b;
        struct topology t;
        struct diag d;

        (void) state;
        diag_init(&d);
        assert_int_equal(spec_parse("strict:1", &spec, &d), 0);
        make_topology(T4, &t);
        assert_int_equal(resolve_spec(&spec, 3, &t, &vm, &b, &d), 0);
        assert_int_equal(b.cell, 3);
        assert_int_equal(resolve_spec(&spec, BINDING_VM, &t, &vm, &b, &d), 0);
        assert_int_equal(b.cell, BINDING_VM);
        topology_done(&t);
}

/* A binding another host resolved (an incoming <memory> or <memnode>), checked on this one. */
struct check_case {
        const char *name;
        enum numa_mode mode;
        const char *nodes; /* libvirt's syntax, or "auto" */
        enum topo_id topo;
        uint64_t vm_memory;
        const char *error;   /* part of the message, or NULL */
        const char *warning; /* part of the one expected warning, or NULL */
};

/* clang-format off */
static const struct check_case check_cases[] = {
        {"check_fitting_binding_passes", NUMA_MODE_STRICT, "0-1", T4, 8 * GIB, NULL, NULL},
        {"check_missing_node_names_subject", NUMA_MODE_STRICT, "5", T4, 0,
                "incoming <memory>: node 5 does not exist on this host (host nodes: 0-3)", NULL},
        {"check_strict_memoryless_is_error", NUMA_MODE_STRICT, "1", TMEM, 0, "node 1 has no memory, and strict needs", NULL},
        {"check_interleave_memoryless_warns", NUMA_MODE_INTERLEAVE, "0-1", TMEM, 0, NULL, "node 1 has no memory"},
        {"check_preferred_takes_one_node", NUMA_MODE_PREFERRED, "0-1", T4, 0, "preferred takes exactly one node", NULL},
        {"check_capacity", NUMA_MODE_STRICT, "0", T4, 9 * GIB, "larger than all memory of node 0 (8 GiB)", NULL},
        {"check_auto_has_nothing_to_check", NUMA_MODE_STRICT, "auto", T4, 64 * GIB, NULL, NULL},
};
/* clang-format on */

static void test_check_case(void **state) {
        const struct check_case *c = *state;
        struct vm_facts vm = {.has_memory = c->vm_memory > 0, .memory = c->vm_memory};
        struct binding b = {
                .cell = BINDING_VM, .mode = c->mode, .placement_auto = strcmp(c->nodes, "auto") == 0};
        struct topology t;
        struct diag d;
        int r;

        if (!b.placement_auto)
                assert_int_equal(nodeset_parse_libvirt(c->nodes, &b.nodes), 0);
        diag_init(&d);
        make_topology(c->topo, &t);
        r = resolve_check(&b, "incoming <memory>", &t, &vm, &d);
        topology_done(&t);

        if (c->error) {
                assert_int_equal(r, -EINVAL);
                assert_contains(d.message, c->error);
                return;
        }
        if (r < 0)
                fail_msg("check failed: %s", d.message);
        if (c->warning) {
                assert_int_equal(d.n_warnings, 1);
                assert_contains(d.warnings[0], c->warning);
        } else
                assert_int_equal(d.n_warnings, 0);
}

/* Free memory less what other VMs starting now claim: VM A holds 3 GiB on node 0 of T4's 6 GiB free. */
#define UUID_A "11111111-2222-3333-4444-555555555555"

struct claimed_case {
        const char *name;
        const char *spec;
        uint64_t vm_memory;
        const char *warning; /* the whole tail of the one expected warning, or NULL for none */
};

/* clang-format off */
static const struct claimed_case claimed_cases[] = {
        {"claimed_memory_is_not_free", "strict:0", 4 * GIB,
                "is more than is free on node 0 now (6 GiB, of which 3 GiB is claimed by a VM starting now (uuid " UUID_A "))"},
        {"claimed_memory_leaves_the_rest_free", "strict:0", 3 * GIB, NULL},
        {"claimed_memory_counts_only_on_its_node", "strict:1", 6 * GIB, NULL},
        {"claimed_memory_counts_over_the_nodes", "strict:0-1", 10 * GIB,
                "(12 GiB, of which 3 GiB is claimed by a VM starting now (uuid " UUID_A "))"},
        {"claimed_memory_within_the_nodes_free", "strict:0-1", 9 * GIB, NULL},
};
/* clang-format on */

static void test_claimed_case(void **state) {
        static struct ledger_item items[] = {{.node = 0, .page_kib = 0, .amount = 3 * GIB}};
        static struct ledger_claim claim = {.uuid = UUID_A, .n_items = 1, .items = items};
        const struct claimed_case *c = *state;
        struct claims view = {.open = true, .ledger = {.n_claims = 1, .claims = &claim}};
        struct vm_facts vm = {.has_memory = true, .memory = c->vm_memory, .claims = &view};
        struct numa_spec spec;
        struct binding b;
        struct topology t;
        struct diag d;

        diag_init(&d);
        assert_int_equal(spec_parse(c->spec, &spec, &d), 0);
        make_topology(T4, &t);
        assert_int_equal(resolve_spec(&spec, BINDING_VM, &t, &vm, &b, &d), 0);
        topology_done(&t);
        if (!c->warning && d.n_warnings > 0)
                fail_msg("unexpected warning: %s", d.warnings[0]);
        if (c->warning) {
                assert_int_equal(d.n_warnings, 1);
                assert_contains(d.warnings[0], c->warning);
        }
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_resolve_case);
        UNIT_TEST(&suite, test_resolve_binds_the_given_cell);
        UNIT_TABLE(&suite, check_cases, test_check_case);
        UNIT_TABLE(&suite, claimed_cases, test_claimed_case);
        return UNIT_RUN(&suite, "resolve");
}
