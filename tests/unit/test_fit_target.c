/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest cells spread by fit on a host: untaken nodes first, choices adding up, the refusal, the warnings. */

#include <errno.h>

#include "fit_target.h"
#include "unit.h"

#define GIB       (1024ull * 1024 * 1024)
#define NODES_MAX 4
#define CELLS_MAX 4

struct spread_case {
        const char *name;
        uint64_t node_gib[NODES_MAX]; /* node i's total (another host's document: totals are the offers) */
        uint64_t cell_gib[CELLS_MAX]; /* the cells' memory, in cell order; 0 ends the list */
        const char *want;             /* each cell's nodes, blank-separated; "!" for a refusal */
        const char *noted;            /* a cell bound to these nodes written out, before the fit cells */
        uint64_t noted_gib;           /* its memory */
};

/* clang-format off */
static const struct spread_case cases[] = {
        {"each_cell_prefers_a_node_no_earlier_cell_took", {16, 64, 32, 32}, {8, 8, 8}, "1 2 3"},
        {"most_offered_of_the_untaken", {16, 64, 32, 40}, {8, 8}, "1 3"},
        {"choices_add_up_on_a_node", {16, 20, 0, 0}, {12, 12, 12}, "1 0 0-1"},
        {"back_to_a_taken_node_with_room", {64, 8, 0, 0}, {8, 8, 8}, "0 1 0"},
        {"untaken_node_too_small_is_passed_over", {64, 4, 0, 0}, {8, 8}, "0 0"},
        {"what_earlier_cells_took_is_not_offered", {10, 10, 0, 0}, {8, 8, 8}, "0 1 !"},
        {"a_cell_written_out_takes_its_node", {16, 64, 32, 32}, {8}, "2", "1", 8},
        {"a_cell_written_out_uses_up_its_node", {16, 16, 0, 0}, {10, 10}, "1 0-1", "0", 8},
        {"a_cell_written_out_fills_its_nodes_in_order", {16, 16, 0, 0}, {12}, "1", "0-1", 20},
        {"a_cell_written_out_leaves_too_little", {10, 10, 0, 0}, {8, 8}, "1 !", "0", 8},
};
/* clang-format on */

static void fake_host(const struct spread_case *c, struct host *h) {
        *h = (struct host){0};
        for (unsigned i = 0; i < NODES_MAX; i++)
                assert_int_equal(topology_add_node(&h->topo, i, c->node_gib[i] * GIB, 0, NULL), 0);
}

static void test_spread_case(void **state) {
        const struct spread_case *c = *state;
        _cleanup_(host_done) struct host h;
        _cleanup_(fit_state_done) struct fit_state st = {0};
        struct numa_spec spec = {
                .mode = NUMA_MODE_STRICT, .target = SPEC_TARGET_FIT, .subject = "'strict:fit'"};
        struct nodeset none;
        char got[256] = "", why[DIAG_LINE_MAX];
        struct diag d;

        fake_host(c, &h);
        nodeset_clear(&none);
        diag_init(&d);
        if (c->noted) {
                struct fit_request req = {.spec = &spec,
                        .cell = CELLS_MAX,
                        .label = "the cell's memory",
                        .bytes = c->noted_gib * GIB,
                        .pinned_cpus = &none,
                        .pci_nodes = &none};
                struct binding b = {.cell = CELLS_MAX, .mode = NUMA_MODE_STRICT};

                assert_int_equal(nodeset_parse_libvirt(c->noted, &b.nodes), 0);
                assert_int_equal(fit_target_note(&h, NULL, &req, &b, &st, &d), 0);
        }
        for (unsigned cell = 0; cell < CELLS_MAX && c->cell_gib[cell]; cell++) {
                struct fit_request req = {.spec = &spec,
                        .cell = cell,
                        .label = "the cell's memory",
                        .bytes = c->cell_gib[cell] * GIB,
                        .pinned_cpus = &none,
                        .pci_nodes = &none};
                _cleanup_free_ char *set = NULL;
                struct binding b;
                size_t len = strlen(got);
                int r = fit_target_resolve(&h, NULL, &req, &st, &b, why, sizeof(why), &d);

                if (r == -EINVAL) {
                        snprintf(got + len, sizeof(got) - len, "%s!", cell ? " " : "");
                        assert_contains(d.message, "no node of this host, nor any set of them, can hold");
                        assert_contains(d.message, "nodes offer: 0: 2 GiB, 1: 2 GiB");
                        break;
                }
                assert_int_equal(r, 0);
                assert_int_equal(b.cell, cell);
                assert_int_equal(nodeset_format(&b.nodes, &set), 0);
                snprintf(got + len, sizeof(got) - len, "%s%s", cell ? " " : "", set);
        }
        assert_string_equal(got, c->want);
        /* Another host's totals stand in for free memory: said once, however many cells. */
        assert_int_equal(d.n_warnings, 1);
        assert_contains(d.warnings[0], "gives no free memory; fit chose by each node's total");
}

/* The VM's <memory> chosen by fit takes nothing from the cells that choose after it. */
static void test_vm_choice_leaves_the_cells_their_offers(void **state) {
        static const struct spread_case c = {"vm", {16, 8, 0, 0}, {0}, ""};
        _cleanup_(host_done) struct host h;
        _cleanup_(fit_state_done) struct fit_state st = {0};
        struct numa_spec spec = {
                .mode = NUMA_MODE_STRICT, .target = SPEC_TARGET_FIT, .subject = "'strict:fit'"};
        struct nodeset none, want;
        struct fit_request req = {.spec = &spec,
                .label = "memory",
                .bytes = 16 * GIB,
                .pinned_cpus = &none,
                .pci_nodes = &none};
        char why[DIAG_LINE_MAX];
        struct binding b;
        struct diag d;

        (void) state;
        fake_host(&c, &h);
        nodeset_clear(&none);
        nodeset_clear(&want);
        nodeset_add(&want, 0);
        diag_init(&d);
        req.cell = BINDING_VM;
        assert_int_equal(fit_target_resolve(&h, NULL, &req, &st, &b, why, sizeof(why), &d), 0);
        assert_true(nodeset_equal(&b.nodes, &want));
        req.cell = 0;
        assert_int_equal(fit_target_resolve(&h, NULL, &req, &st, &b, why, sizeof(why), &d), 0);
        assert_true(nodeset_equal(&b.nodes, &want));
        assert_contains(why, "node 0 offers 16 GiB");
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_spread_case);
        UNIT_TEST(&suite, test_vm_choice_leaves_the_cells_their_offers);
        return UNIT_RUN(&suite, "fit_target");
}
