/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest cells spread by fit on a host: untaken nodes first, choices adding up, the refusal, the warnings. */

#include <errno.h>

#include "fit_target.h"
#include "ledger.h"
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
                        assert_contains(d.message, "nodes offer: 0-1: 2 GiB each, 2-3: none (no memory)");
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

/* A refusal's list: nodes grouped, claims named, never cut mid-word. Node i offers gib_a (i < split) or
 * gib_b, plus i * step_gib. */
struct refusal_case {
        const char *name;
        unsigned n;
        uint64_t gib_a, gib_b;
        unsigned split;
        uint64_t step_gib;
        uint64_t vm_gib;
        const char *ledger; /* other VMs' claims, in the ledger's grammar; NULL: none */
        const char *want;   /* how the line ends */
};

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "22222222-3333-4444-5555-666666666666"
#define LEDGER "vdsm-hook-numa-claims 1\n"
#define GIB_12 "12884901888"

/* clang-format off */
static const struct refusal_case refusal_cases[] = {
        {"refusal_groups_equal_nodes", 64, 16, 0, 64, 0, 2000, NULL, "nodes offer: 0-63: 16 GiB each"},
        {"refusal_groups_runs_of_equal_nodes", 64, 16, 8, 32, 0, 2000, NULL,
                "nodes offer: 0-31: 16 GiB each, 32-63: 8 GiB each"},
        {"refusal_groups_memoryless_nodes", 4, 16, 0, 1, 0, 2000, NULL,
                "nodes offer: 0: 16 GiB, 1-3: none (no memory)"},
        {"refusal_lists_different_nodes_one_by_one", 3, 16, 8, 1, 0, 2000, NULL,
                "nodes offer: 0: 16 GiB, 1-2: 8 GiB each"},
        {"refusal_too_long_ends_with_an_ellipsis", 64, 16, 0, 64, 1, 20000, NULL, " GiB, ..."},
        {"refusal_names_a_claim", 2, 22, 16, 1, 0, 30, LEDGER UUID_A " 9990 0:0:" GIB_12 "\n",
                "nodes offer: 0: 10 GiB (22 GiB before claims, of which 12 GiB is claimed by a VM starting now "
                "(uuid " UUID_A ")), 1: 16 GiB"},
        {"refusal_names_the_first_of_two_claimants", 3, 22, 16, 1, 0, 60,
                LEDGER UUID_A " 9990 1:0:" GIB_12 "\n" UUID_B " 9991 1:0:" GIB_12 "\n",
                "nodes offer: 0: 22 GiB, 1: 0 B (16 GiB before claims, of which 24 GiB is claimed by 2 VMs "
                "starting now (the first uuid " UUID_A ")), 2: 16 GiB"},
};
/* clang-format on */

/* A view of the claims in text, as claims_open() leaves it for a VM without a uuid. */
static void open_claims(struct claims *c, const char *text) {
        struct diag d;

        diag_init(&d);
        *c = (struct claims){.open = true};
        assert_int_equal(ledger_parse(text, strlen(text), &c->ledger.claims, &c->ledger.n_claims, &d), 0);
        c->ledger.now = 10000;
}

static const struct numa_spec strict_fit = {
        .mode = NUMA_MODE_STRICT, .target = SPEC_TARGET_FIT, .subject = "'strict:fit'"};
static const struct nodeset no_nodes; /* zeroed: empty */

/* 'strict:fit' for an unpinned VM of gib GiB without PCI devices. */
static struct fit_request vm_request(uint64_t gib) {
        return (struct fit_request){.spec = &strict_fit,
                .cell = BINDING_VM,
                .label = "the VM's memory",
                .bytes = gib * GIB,
                .pinned_cpus = &no_nodes,
                .pci_nodes = &no_nodes};
}

static void test_refusal_case(void **state) {
        const struct refusal_case *c = *state;
        _cleanup_(host_done) struct host h = {0};
        _cleanup_(fit_state_done) struct fit_state st = {0};
        _cleanup_(claims_done) struct claims claims = {0};
        struct fit_request req = vm_request(c->vm_gib);
        char why[DIAG_LINE_MAX];
        struct binding b;
        struct diag d;
        size_t len;

        for (unsigned i = 0; i < c->n; i++)
                assert_int_equal(
                        topology_add_node(&h.topo, i,
                                ((i < c->split ? c->gib_a : c->gib_b) + i * c->step_gib) * GIB, 0, NULL),
                        0);
        if (c->ledger)
                open_claims(&claims, c->ledger);
        diag_init(&d);
        assert_int_equal(fit_target_resolve(&h, &claims, &req, &st, &b, why, sizeof(why), &d), -EINVAL);
        len = strlen(d.message);
        /* Never cut by the line's limit: that would end mid-word. */
        if (len >= DIAG_LINE_MAX - 1)
                fail_msg("the line fills DIAG_LINE_MAX: %s", d.message);
        if (len < strlen(c->want) || strcmp(d.message + len - strlen(c->want), c->want) != 0)
                fail_msg("expected \"%s\" to end with \"%s\"", d.message, c->want);
}

/* Other VMs' claims are not offered: 20 GiB fits node 0 alone, but not once a VM starting now claims 12 of
 * its 22. */
static void test_fit_subtracts_claims(void **state) {
        _cleanup_(host_done) struct host h = {0};
        _cleanup_(fit_state_done) struct fit_state st = {0};
        _cleanup_(claims_done) struct claims claims = {0};
        struct fit_request req = vm_request(20);
        _cleanup_free_ char *set = NULL;
        char why[DIAG_LINE_MAX];
        struct binding b;
        struct diag d;

        (void) state;
        assert_int_equal(topology_add_node(&h.topo, 0, 22 * GIB, 0, NULL), 0);
        assert_int_equal(topology_add_node(&h.topo, 1, 16 * GIB, 0, NULL), 0);
        diag_init(&d);
        assert_int_equal(fit_target_resolve(&h, &claims, &req, &st, &b, why, sizeof(why), &d), 0);
        assert_int_equal(nodeset_format(&b.nodes, &set), 0);
        assert_string_equal(set, "0");
        free(TAKE_PTR(set));

        open_claims(&claims, LEDGER UUID_A " 9990 0:0:" GIB_12 "\n");
        assert_int_equal(fit_target_resolve(&h, &claims, &req, &st, &b, why, sizeof(why), &d), 0);
        assert_int_equal(nodeset_format(&b.nodes, &set), 0);
        assert_string_equal(set, "0-1");
        assert_contains(why, "nodes 0-1 offer 26 GiB together");
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_spread_case);
        UNIT_TEST(&suite, test_vm_choice_leaves_the_cells_their_offers);
        UNIT_TABLE(&suite, refusal_cases, test_refusal_case);
        UNIT_TEST(&suite, test_fit_subtracts_claims);
        return UNIT_RUN(&suite, "fit_target");
}
