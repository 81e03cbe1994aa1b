/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <unistd.h>

#include "claims.h"
#include "diag.h"
#include "host.h"
#include "ledger.h"
#include "unit.h"

#define UUID_SELF "3f9a1c2e-8d7b-4e6f-a5c4-b3a2918f7e6d"
#define UUID_A    "11111111-2222-3333-4444-555555555555"
#define UUID_B    "22222222-3333-4444-5555-666666666666"
#define HEADER    "vdsm-hook-numa-claims 1\n"
#define GIB       1073741824ULL

struct split_case {
        const char *name;
        uint64_t amount;
        uint64_t offers[4];
        size_t n;
        uint64_t want[4];
        uint64_t want_total;
};

/* clang-format off */
static const struct split_case split_cases[] = {
        {"split_fits_on_the_first_node", 24, {40, 40}, 2, {24, 0}, 24},
        {"split_fills_nodes_in_order", 24, {10, 40, 40}, 3, {10, 14, 0}, 24},
        {"split_skips_a_node_that_offers_nothing", 24, {0, 30}, 2, {0, 24}, 24},
        {"split_takes_exactly_what_the_nodes_offer", 24, {8, 16}, 2, {8, 16}, 24},
        {"split_never_claims_more_than_offered", 24, {8, 4, 0}, 3, {8, 4, 0}, 12},
        {"split_of_nothing_offered_is_nothing", 24, {0, 0}, 2, {0, 0}, 0},
        {"split_of_no_need_is_nothing", 0, {40}, 1, {0}, 0},
        {"split_of_bytes_up_to_the_last_byte", 3 * GIB, {2 * GIB, 2 * GIB}, 2, {2 * GIB, GIB}, 3 * GIB},
};
/* clang-format on */

static void test_split_case(void **state) {
        const struct split_case *c = *state;
        uint64_t shares[4] = {99, 99, 99, 99};

        assert_int_equal(claims_split(c->amount, c->offers, c->n, shares), c->want_total);
        for (size_t i = 0; i < c->n; i++)
                if (shares[i] != c->want[i])
                        fail_msg("node %zu: share %" PRIu64 ", want %" PRIu64, i, shares[i], c->want[i]);
}

/* Other VMs: A holds 24 2 MiB pages on node 0 and 1 GiB on node 1; B 8 pages on node 0 and 1 on node 2. */
static const char others[] = HEADER UUID_A " 9990 0:2048:24 1:0:1073741824\n" UUID_B
                                           " 9995 0:2048:8 2:2048:1\n" UUID_SELF " 9999 0:2048:40 1:0:4096\n";
/* A time that keeps every claim above live. */
#define NOW 10000

/* A claims view over text, as claims_open() leaves it, with uuid as the VM's own. */
static void open_view(struct claims *c, const char *text, const char *uuid) {
        struct diag d;

        diag_init(&d);
        *c = (struct claims){.open = true};
        snprintf(c->uuid, sizeof(c->uuid), "%s", uuid);
        assert_int_equal(ledger_parse(text, strlen(text), &c->ledger.claims, &c->ledger.n_claims, &d), 0);
        c->ledger.now = NOW;
}

struct describe_case {
        const char *name;
        const char *nodes;
        uint64_t page_kib;
        uint64_t want_sum;
        const char *want; /* the whole text */
};

/* clang-format off */
static const struct describe_case describe_cases[] = {
        {"describe_two_claimants_of_pages", "0", 2048, 32,
                ", of which 32 are claimed by 2 VMs starting now (the first uuid " UUID_A ")"},
        {"describe_one_claimant_of_bytes", "1", 0, GIB,
                ", of which 1 GiB is claimed by a VM starting now (uuid " UUID_A ")"},
        {"describe_one_page_is_claimed", "2", 2048, 1,
                ", of which 1 is claimed by a VM starting now (uuid " UUID_B ")"},
        {"describe_adds_up_over_the_nodes", "1-2", 2048, 1,
                ", of which 1 is claimed by a VM starting now (uuid " UUID_B ")"},
        {"describe_leaves_out_the_vm_itself", "1", 0, GIB,
                ", of which 1 GiB is claimed by a VM starting now (uuid " UUID_A ")"},
        {"describe_keeps_page_sizes_apart", "1", 2048, 0, ""},
        {"describe_nothing_on_an_unclaimed_node", "3", 0, 0, ""},
};
/* clang-format on */

static void test_describe_case(void **state) {
        const struct describe_case *c = *state;
        _cleanup_(claims_done) struct claims view = {0};
        struct nodeset nodes;
        char buf[DIAG_LINE_MAX];

        open_view(&view, others, UUID_SELF);
        assert_int_equal(nodeset_parse_libvirt(c->nodes, &nodes), 0);
        assert_int_equal(claims_describe(&view, &nodes, c->page_kib, buf, sizeof(buf)), c->want_sum);
        assert_string_equal(buf, c->want);
}

struct on_case {
        const char *name;
        const char *self; /* the VM's own uuid, "" for none */
        unsigned node;
        uint64_t page_kib;
        uint64_t want;
        const char *want_uuid;
};

/* clang-format off */
static const struct on_case on_cases[] = {
        {"on_adds_up_other_vms_pages", UUID_SELF, 0, 2048, 32, UUID_A},
        {"on_counts_every_claim_for_a_vm_without_uuid", "", 0, 2048, 72, UUID_A},
        {"on_a_node_only_the_vm_claims_is_free", UUID_SELF, 3, 0, 0, NULL},
        {"on_bytes_of_normal_memory", UUID_SELF, 1, 0, GIB, UUID_A},
};
/* clang-format on */

static void test_on_case(void **state) {
        const struct on_case *c = *state;
        _cleanup_(claims_done) struct claims view = {0};
        const char *uuid = "unset";

        open_view(&view, others, c->self);
        assert_int_equal(claims_on(&view, c->node, c->page_kib, &uuid), c->want);
        if (c->want_uuid)
                assert_string_equal(uuid, c->want_uuid);
        else
                assert_null(uuid);
}

/* No ledger (--capabilities, a missing run directory) or no view at all: nothing is claimed. */
static void test_on_without_ledger_is_nothing(void **state) {
        struct claims closed = {0};
        const char *uuid = "unset";

        (void) state;
        assert_int_equal(claims_on(NULL, 0, 0, &uuid), 0);
        assert_null(uuid);
        assert_int_equal(claims_on(&closed, 0, 2048, NULL), 0);
        assert_int_equal(claims_need(NULL, 0, &(struct nodeset){{1}}, 5), 0);
}

/* Needs of the same page size and nodes add up; others stay apart; nothing of nothing. */
static void test_need_adds_up_by_size_and_nodes(void **state) {
        _cleanup_(claims_done) struct claims c = {0};
        struct nodeset n0, n01;

        (void) state;
        assert_int_equal(nodeset_parse_libvirt("0", &n0), 0);
        assert_int_equal(nodeset_parse_libvirt("0-1", &n01), 0);
        assert_int_equal(claims_need(&c, 2048, &n0, 8), 0);
        assert_int_equal(claims_need(&c, 2048, &n0, 16), 0);
        assert_int_equal(claims_need(&c, 0, &n0, 4096), 0);
        assert_int_equal(claims_need(&c, 2048, &n01, 2), 0);
        assert_int_equal(claims_need(&c, 2048, &n01, 0), 0);
        assert_int_equal(c.n_needs, 3);
        assert_int_equal(c.needs[0].amount, 24);
        assert_int_equal(c.needs[1].amount, 4096);
        assert_int_equal(c.needs[2].amount, 2);
}

struct commit_case {
        const char *name;
        const char *before; /* the claims file of other VMs */
        struct {
                uint64_t page_kib;
                const char *nodes;
                uint64_t amount;
        } needs[3];
        size_t n_needs;
        bool dry_run;
        const char *want; /* the VM's line in the file afterwards, after "UUID NOW "; NULL: none */
};

/*
 * The host: node 0 with 4 GiB free and 40 free 2 MiB pages, node 1 with
 * 2 GiB and 10 pages, node 2 with 8 GiB and none.
 */
static void fake_host(struct host *h) {
        static const uint64_t free_gib[] = {4, 2, 8}, pages[] = {40, 10, 0};

        *h = (struct host){.pages_have_free = true, .sizes_known = true};
        h->topo.has_free = true;
        for (unsigned i = 0; i < ELEMENTSOF(free_gib); i++) {
                assert_int_equal(topology_add_node(&h->topo, i, 16 * GIB, free_gib[i] * GIB, NULL), 0);
                h->pages = realloc(h->pages, (h->n_pages + 1) * sizeof(*h->pages));
                assert_non_null(h->pages);
                h->pages[h->n_pages++] = (struct host_pages){
                        .kib = 2048, .node = {.id = i, .total = pages[i], .free = pages[i]}};
        }
}

static char run_dir[] = "/tmp/test-claims-XXXXXX";

/* clang-format off */
static const struct commit_case commit_cases[] = {
        {"commit_claims_pages_on_the_first_node_that_offers_them", HEADER,
                {{2048, "0-1", 24}}, 1, false, "0:2048:24"},
        {"commit_spreads_pages_in_node_order", HEADER,
                {{2048, "1,0", 24}}, 1, false, "0:2048:24"},
        {"commit_spills_past_what_others_claim", HEADER UUID_A " T 0:2048:30\n",
                {{2048, "0-1", 16}}, 1, false, "0:2048:10 1:2048:6"},
        {"commit_claims_only_what_is_offered", HEADER UUID_A " T 0:2048:30\n",
                {{2048, "0", 24}}, 1, false, "0:2048:10"},
        {"commit_claims_bytes_of_normal_memory", HEADER,
                {{0, "1-2", 3 * GIB}}, 1, false, "1:0:2147483648 2:0:1073741824"},
        {"commit_subtracts_the_vm_s_earlier_needs", HEADER,
                {{2048, "0", 30}, {2048, "0-1", 16}}, 2, false, "0:2048:40 1:2048:6"},
        {"commit_keeps_page_sizes_apart", HEADER,
                {{2048, "0", 40}, {0, "0", GIB}}, 2, false, "0:2048:40 0:0:1073741824"},
        {"commit_records_nothing_of_nothing_offered", HEADER UUID_A " T 1:2048:10\n",
                {{2048, "1", 4}}, 1, false, NULL},
        {"commit_records_nothing_in_a_dry_run", HEADER,
                {{2048, "0", 4}}, 1, true, NULL},
};
/* clang-format on */

/* before with each " T " (a claim's time) made now, so that the ledger reads those claims as live. */
static void write_before(const char *before) {
        char text[1024], *at;
        size_t len;

        snprintf(text, sizeof(text), "%s", before);
        while ((at = strstr(text, " T ")) != NULL) {
                char rest[1024];

                snprintf(rest, sizeof(rest), "%s", at + 2);
                len = (size_t) (at - text);
                snprintf(text + len, sizeof(text) - len, " %" PRId64 "%s", ledger_now(), rest);
        }
        unit_write_file(run_dir, LEDGER_FILE, text);
}

/* The items of uuid's line in the claims file ("" when it has none). */
static void recorded_items(const char *uuid, char *buf, size_t size) {
        char path[256], text[4096] = "", *line, *items, *end;
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", run_dir, LEDGER_FILE);
        f = fopen(path, "r");
        assert_non_null(f);
        assert_true(fread(text, 1, sizeof(text) - 1, f) > 0);
        fclose(f);
        buf[0] = '\0';
        line = strstr(text, uuid);
        if (!line)
                return;
        items = strchr(line + UUID_STRING_LEN + 1, ' ');
        end = strchr(line, '\n');
        assert_non_null(items);
        assert_non_null(end);
        snprintf(buf, size, "%.*s", (int) (end - items - 1), items + 1);
}

static void test_commit_case(void **state) {
        static const char doc[] = "<domain><uuid>" UUID_SELF "</uuid></domain>";
        const struct commit_case *c = *state;
        _cleanup_(claims_done) struct claims view = {0};
        _cleanup_(host_done) struct host h = {0};
        char got[512];
        struct diag d;

        write_before(c->before);
        fake_host(&h);
        diag_init(&d);
        assert_int_equal(claims_open(&view, run_dir, false, c->dry_run, doc, strlen(doc), &d), 0);
        assert_true(view.open);
        for (size_t i = 0; i < c->n_needs; i++) {
                struct nodeset nodes;

                assert_int_equal(nodeset_parse_libvirt(c->needs[i].nodes, &nodes), 0);
                assert_int_equal(claims_need(&view, c->needs[i].page_kib, &nodes, c->needs[i].amount), 0);
        }
        assert_int_equal(claims_commit(&view, &h, &d), 0);
        assert_int_equal(d.n_warnings, 0);
        assert_false(view.open);
        recorded_items(UUID_SELF, got, sizeof(got));
        assert_string_equal(got, c->want ? c->want : "");
}

/* On this host a node offers MemFree + Inactive(file), as the fit target counts: the claim splits by that. */
static void test_commit_splits_bytes_by_the_node_offer(void **state) {
        static const char doc[] = "<domain><uuid>" UUID_SELF "</uuid></domain>";
        _cleanup_(claims_done) struct claims view = {0};
        _cleanup_(host_done) struct host h = {0};
        struct nodeset nodes;
        char got[512];
        struct diag d;

        (void) state;
        write_before(HEADER);
        fake_host(&h); /* free: 2 GiB on node 1, 8 GiB on node 2 */
        h.sysfs = run_dir;
        unit_write_file(run_dir, "devices/system/node/node1/meminfo",
                "Node 1 MemFree:          524288 kB\nNode 1 Inactive(file):  2097152 kB\n");
        unit_write_file(run_dir, "devices/system/node/node2/meminfo",
                "Node 2 MemFree:         8388608 kB\nNode 2 Inactive(file):        0 kB\n");
        diag_init(&d);
        assert_int_equal(claims_open(&view, run_dir, false, false, doc, strlen(doc), &d), 0);
        assert_int_equal(nodeset_parse_libvirt("1-2", &nodes), 0);
        assert_int_equal(claims_need(&view, 0, &nodes, 3 * GIB), 0);
        assert_int_equal(claims_commit(&view, &h, &d), 0);
        recorded_items(UUID_SELF, got, sizeof(got));
        assert_string_equal(got, "1:0:2684354560 2:0:536870912");
}

/* claims_open() where there is no ledger to open: the run goes on without claims. */
struct open_case {
        const char *name;
        const char *run_dir;
        bool capabilities;
        const char *warning[2]; /* what the one warning says; no warning when [0] is NULL */
};

/* clang-format off */
static const struct open_case open_cases[] = {
        /* --capabilities: another host's topology, whose ledger is not here; nothing read, nothing to record. */
        {.name = "open_with_capabilities_reads_nothing", .run_dir = "/nonexistent", .capabilities = true},
        /* A missing run directory is one warning. */
        {.name = "open_without_run_directory_warns_once", .run_dir = "/nonexistent/run",
         .warning = {"claims ledger in '/nonexistent/run': cannot open the directory",
                     "may count the same free memory twice"}},
};
/* clang-format on */

static void test_open_case(void **state) {
        static const char doc[] = "<domain><uuid>" UUID_SELF "</uuid></domain>";
        const struct open_case *c = *state;
        _cleanup_(claims_done) struct claims view = {0};
        struct diag d;

        diag_init(&d);
        assert_int_equal(claims_open(&view, c->run_dir, c->capabilities, false, doc, strlen(doc), &d), 0);
        assert_false(view.open);
        assert_int_equal(d.n_warnings, c->warning[0] ? 1 : 0);
        for (size_t i = 0; i < ELEMENTSOF(c->warning) && c->warning[i]; i++)
                assert_contains(d.warnings[0], c->warning[i]);
}

/* A VM without a <uuid> reads the claims but records none: no after_* point could remove it. */
static void test_open_without_uuid_only_reads(void **state) {
        static const char doc[] = "<domain><name>x</name></domain>";
        _cleanup_(claims_done) struct claims view = {0};
        struct diag d;

        (void) state;
        write_before(HEADER);
        diag_init(&d);
        assert_int_equal(claims_open(&view, run_dir, false, false, doc, strlen(doc), &d), 0);
        assert_true(view.open);
        assert_false(view.record);
        assert_int_equal(d.n_warnings, 0);
}

static int setup(void **state) {
        (void) state;
        return mkdtemp(run_dir) ? 0 : -1;
}

static int teardown(void **state) {
        (void) state;
        unit_remove_tree(run_dir);
        return 0;
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, split_cases, test_split_case);
        UNIT_TABLE(&suite, describe_cases, test_describe_case);
        UNIT_TABLE(&suite, on_cases, test_on_case);
        UNIT_TEST(&suite, test_on_without_ledger_is_nothing);
        UNIT_TEST(&suite, test_need_adds_up_by_size_and_nodes);
        UNIT_TABLE(&suite, commit_cases, test_commit_case);
        UNIT_TEST(&suite, test_commit_splits_bytes_by_the_node_offer);
        UNIT_TABLE(&suite, open_cases, test_open_case);
        UNIT_TEST(&suite, test_open_without_uuid_only_reads);
        return _cmocka_run_group_tests("claims", suite.tests, suite.n, setup, teardown);
}
