/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host model: huge pages from capabilities XML, this host's read lazily and once, PCI nodes; the
 * per-node facts (distances, tiers, offers, access figures). */

#include "capabilities.h"
#include "host.h"
#include "parse.h"
#include "unit.h"

#include <numa.h>

int __wrap_numa_distance(int a, int b);
int __wrap_numa_available(void);
int __wrap_numa_max_node(void);
long long __wrap_numa_node_size64(int node, long long *freep);

/* host_read_all_memory() reads this fake host through libnuma: nodes 0-1 of 1 GiB each. */
int __wrap_numa_available(void) {
        return 0;
}

int __wrap_numa_max_node(void) {
        return 1;
}

long long __wrap_numa_node_size64(int node, long long *freep) {
        (void) node;
        *freep = 1LL << 29;
        return 1LL << 30;
}

/* libnuma's distances on this fake host: 10 to itself, 20 + a + b elsewhere, none past node 7; counted. */
static unsigned numa_distance_calls;

int __wrap_numa_distance(int a, int b) {
        numa_distance_calls++;
        if (a > 7 || b > 7)
                return 0;
        return a == b ? 10 : 20 + a + b;
}

static char root[] = "/tmp/test-host-XXXXXX";

/* ---- huge pages from a document's <pages> ---- */

struct caps_case {
        const char *name;
        struct caps_page items[6];
        size_t n;
        uint64_t this_base_kib; /* this machine's base page */
        uint64_t want_base_kib;
        const char *want_sizes; /* the huge page sizes, "2048,1048576"; "" for none */
        uint64_t want_default;  /* 0: none (-ENOENT) */
        bool want_unknown;
        uint64_t ask_kib;        /* a pool asked for on nodes 0-2 */
        uint64_t want_totals[3]; /* its totals there */
        bool want_exists;        /* whether the host has ask_kib */
};

/* clang-format off */
static const struct caps_case caps_cases[] = {
        {"caps_base_page_listed_first", {{0, 4, 1000}, {0, 2048, 512}, {1, 4, 900}, {1, 1048576, 3}}, 4, 64, 4,
                "2048,1048576", 2048, false, 1048576, {0, 3, 0}, true},
        {"caps_without_base_page_takes_this_machines", {{0, 2048, 512}, {1, 1048576, 3}}, 2, 4, 4,
                "2048,1048576", 2048, false, 2048, {512, 0, 0}, true},
        {"caps_last_pages_of_a_size_in_a_cell_counts", {{0, 4, 1}, {0, 2048, 5}, {0, 2048, 7}, {2, 2048, 1}}, 4, 4, 4,
                "2048", 2048, false, 2048, {7, 0, 1}, true},
        {"caps_base_page_is_a_size_but_not_huge", {{0, 64, 10}, {0, 524288, 2}}, 2, 4, 64,
                "524288", 524288, false, 64, {10, 0, 0}, true},
        {"caps_base_pages_only_have_no_default", {{0, 4, 10}, {1, 4, 10}}, 2, 4, 4,
                "", 0, false, 2048, {0, 0, 0}, false},
        {"caps_without_pages_know_nothing", {{0}}, 0, 4, 4, "", 0, true, 2048, {0, 0, 0}, false},
};
/* clang-format on */

static void test_caps_case(void **state) {
        const struct caps_case *c = *state;
        struct caps_pages pages = {.n = c->n, .items = (struct caps_page *) c->items};
        _cleanup_(host_done) struct host h = {.base_page_kib = c->this_base_kib};
        _cleanup_(hugepage_pool_done) struct hugepage_pool pool = {0};
        struct range_writer w = RANGE_WRITER_INIT;
        _cleanup_free_ char *sizes_s = NULL;
        const uint64_t *sizes;
        struct nodeset nodes;
        uint64_t kib = 0;
        size_t n;
        bool exists;

        assert_int_equal(capabilities_host_pages(&pages, &h), 0);
        assert_int_equal(h.base_page_kib, c->want_base_kib);
        assert_int_equal(h.pages_unknown, c->want_unknown);
        assert_false(h.pages_have_free);

        assert_int_equal(host_hugepage_sizes(&h, &sizes, &n), 0);
        for (size_t i = 0; i < n; i++)
                range_writer_add(&w, (unsigned) sizes[i]);
        assert_int_equal(range_writer_finish(&w, &sizes_s), 0);
        /* A range writer joins neighbours ("4-5"); these sizes never are. */
        if (strcmp(sizes_s ? sizes_s : "", c->want_sizes) != 0)
                fail_msg("sizes \"%s\", expected \"%s\"", sizes_s ? sizes_s : "", c->want_sizes);

        if (c->want_default)
                assert_int_equal(host_hugepage_default(&h, &kib), 0);
        else
                assert_int_equal(host_hugepage_default(&h, &kib), -ENOENT);
        assert_int_equal(kib, c->want_default);

        assert_int_equal(host_hugepage_size_exists(&h, c->ask_kib, &exists), 0);
        assert_int_equal(exists, c->want_exists);

        assert_int_equal(nodeset_parse_libvirt("0-2", &nodes), 0);
        assert_int_equal(host_hugepage_pool(&h, c->ask_kib, &nodes, &pool), 0);
        assert_int_equal(pool.n_nodes, 3);
        assert_false(pool.has_free);
        for (unsigned id = 0; id < 3; id++) {
                const struct hugepage_node *node = hugepage_pool_node(&pool, id);

                assert_non_null(node);
                if (node->total != c->want_totals[id])
                        fail_msg("node %u has %llu pages, expected %llu", id,
                                (unsigned long long) node->total, (unsigned long long) c->want_totals[id]);
        }
}

/* ---- this host: read as far as asked, and once ---- */

static void write_node_pages(unsigned node, uint64_t total, uint64_t free_pages) {
        static const char *const files[] = {"nr_hugepages", "free_hugepages", "surplus_hugepages"};
        uint64_t values[] = {total, free_pages, 0};
        char rel[256], text[32];

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                snprintf(rel, sizeof(rel), "devices/system/node/node%u/hugepages/hugepages-2048kB/%s", node,
                        files[i]);
                snprintf(text, sizeof(text), "%llu\n", (unsigned long long) values[i]);
                unit_write_file(root, rel, text);
        }
}

static void remove_node_pages(unsigned node) {
        char path[512];

        snprintf(path, sizeof(path), "%s/devices/system/node/node%u", root, node);
        unit_remove_tree(path);
}

static void test_this_host_reads_each_node_once(void **state) {
        _cleanup_(host_done) struct host h = {.sysfs = root, .pages_have_free = true};
        _cleanup_(hugepage_pool_done) struct hugepage_pool first = {0}, second = {0};
        struct nodeset nodes;

        (void) state;
        unit_write_file(root, "kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages", "6\n");
        unit_write_file(root, "kernel/mm/hugepages/hugepages-2048kB/surplus_hugepages", "1\n");
        write_node_pages(0, 10, 4);
        write_node_pages(1, 20, 8);
        write_node_pages(3, 30, 16);

        nodeset_clear(&nodes);
        nodeset_add(&nodes, 1);
        assert_int_equal(host_hugepage_pool(&h, 2048, &nodes, &first), 0);
        assert_int_equal(first.n_nodes, 1);
        assert_int_equal(first.nodes[0].free, 8);
        assert_true(first.has_free && first.has_overcommit);
        assert_int_equal(first.overcommit, 6);
        assert_int_equal(first.surplus, 1);

        /* Node 1 and the overcommit are not read again: their files may change, their figures stay. */
        remove_node_pages(1);
        unit_write_file(root, "kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages", "9\n");
        assert_int_equal(nodeset_parse_libvirt("0-3", &nodes), 0);
        assert_int_equal(host_hugepage_pool(&h, 2048, &nodes, &second), 0);
        assert_int_equal(second.n_nodes, 4);
        for (unsigned id = 0; id < 4; id++)
                assert_int_equal(second.nodes[id].id, id);
        assert_int_equal(second.nodes[0].total, 10);
        assert_int_equal(second.nodes[1].total, 20);
        assert_int_equal(second.nodes[2].total, 0); /* no directory: no pages */
        assert_int_equal(second.nodes[3].free, 16);
        assert_int_equal(second.overcommit, 6);
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
}

static void test_this_host_sizes_and_default(void **state) {
        _cleanup_(host_done) struct host h = {.sysfs = root, .pages_have_free = true};
        char meminfo[512];
        const uint64_t *sizes;
        uint64_t kib = 0;
        size_t n;
        bool exists = true;

        (void) state;
        snprintf(meminfo, sizeof(meminfo), "%s/meminfo", root);
        h.meminfo = meminfo;
        unit_write_file(root, "meminfo", "MemTotal:       16384 kB\nHugepagesize:       2048 kB\n");
        unit_write_file(root, "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
        assert_int_equal(host_hugepage_size_exists(&h, 1048576, &exists), 0);
        assert_false(exists);
        assert_int_equal(host_hugepage_size_exists(&h, 2048, &exists), 0);
        assert_true(exists);
        assert_int_equal(host_hugepage_sizes(&h, &sizes, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(sizes[0], 2048);
        assert_int_equal(host_hugepage_default(&h, &kib), 0);
        assert_int_equal(kib, 2048);
        /* Read once: meminfo is not opened again. */
        unit_write_file(root, "meminfo", "Hugepagesize:       1048576 kB\n");
        assert_int_equal(host_hugepage_default(&h, &kib), 0);
        assert_int_equal(kib, 2048);
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
}

static void test_files_of_this_host_only(void **state) {
        struct host here = {.sysfs = root, .cgroup_root = root}, other = {0};
        struct nodeset mems;
        const char *path;
        bool found = true;
        int node = 7;

        (void) state;
        unit_write_file(root, "bus/pci/devices/0000:3b:00.0/numa_node", "1\n");
        unit_write_file(root, "machine.slice/cpuset.mems.effective", "0-1\n");
        assert_int_equal(host_pci_node(&here, 0, 0x3b, 0, 0, &node), 0);
        assert_int_equal(node, 1);
        assert_int_equal(host_machine_mems(&here, &found, &mems, &path), 0);
        assert_true(found);
        assert_int_equal(nodeset_count(&mems), 2);
        assert_contains(path, "machine.slice/cpuset.mems.effective");

        /* Another host: none of these are known, none are read. */
        assert_int_equal(host_pci_node(&other, 0, 0x3b, 0, 0, &node), -ENOENT);
        assert_int_equal(host_machine_mems(&other, &found, &mems, &path), 0);
        assert_false(found);
        assert_false(host_lacks_numad(&other));
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
}

/* The host model from tests/fixtures/caps-hugepages.xml, as src (without its path) asks for it. */
static void load_caps(struct host_source src, struct host *ret) {
        char path[4096];
        struct diag d;

        snprintf(path, sizeof(path), "%s/caps-hugepages.xml", getenv("TEST_FIXTURES"));
        src.capabilities = path;
        diag_init(&d);
        assert_int_equal(host_load(&src, ret, &d), 0);
}

static void test_capabilities_load_the_whole_model(void **state) {
        _cleanup_(host_done) struct host h = {0};
        _cleanup_(hugepage_pool_done) struct hugepage_pool pool = {0};

        (void) state;
        load_caps((struct host_source){.flags = TOPOLOGY_CPUS, .pages = true}, &h);
        assert_null(h.sysfs);
        assert_int_equal(h.topo.n_nodes, 2);
        assert_string_equal(h.topo.nodes[1].cpus, "2-3");
        assert_int_equal(host_hugepage_pool(&h, 1048576, &h.topo.present, &pool), 0);
        assert_int_equal(pool.nodes[0].total, 9);
        assert_int_equal(pool.nodes[1].total, 3);
        assert_contains(topology_host(&h.topo), "the host in ");
}

/* A run without huge pages does not ask for the <pages>: none are known, none can be read later. */
static void test_capabilities_without_pages_know_none(void **state) {
        _cleanup_(host_done) struct host h = {0};
        const uint64_t *sizes;
        uint64_t kib;
        size_t n = 99;

        (void) state;
        load_caps((struct host_source){0}, &h);
        assert_true(h.pages_unknown);
        assert_int_equal(host_hugepage_sizes(&h, &sizes, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(host_hugepage_default(&h, &kib), -ENOENT);
}

/* ---- per-node facts ---- */

/* A host of nodes 0-3 read from the fake sysfs at root (3 of unknown memory when unknown3). */
static void fake_host(struct host *h, bool unknown3) {
        *h = (struct host){.sysfs = root, .pages_have_free = true};
        for (unsigned id = 0; id < 4; id++)
                assert_int_equal(topology_add_node(&h->topo, id, id == 2 ? 0 : 1u << 30, 0, NULL), 0);
        if (unknown3)
                topology_set_memory_unknown(&h->topo, 3);
}

struct tier_case {
        const char *name;
        const char *tier4, *tier73; /* nodelists of memory_tier4 and memory_tier73; NULL: none */
        int want_r;                 /* of reading them */
        bool want_known;
        int want_tier[4]; /* -1: in none (-ENODATA) */
        int want_fastest; /* -1: -ENODATA */
        const char *want_fast_nodes;
};

/* clang-format off */
static const struct tier_case tier_cases[] = {
        {"host_tiers_dram_and_slow", "0-1\n", "3\n", 0, true, {4, 4, -1, 73}, 4, "0-1"},
        {"host_tiers_one_known", "0-1,3\n", NULL, 0, true, {4, 4, -1, 4}, 4, "0-1,3"},
        {"host_tiers_only_slow_memory", NULL, "3\n", 0, true, {-1, -1, -1, 73}, 73, "3"},
        {"host_tiers_kernel_without_them", NULL, NULL, 0, false, {0, 0, 0, 0}, -1, NULL},
        {"host_tiers_node_not_on_host_ignored", "0-1,9\n", "3\n", 0, true, {4, 4, -1, 73}, 4, "0-1"},
        {"host_tiers_malformed", "0-1\n", "three\n", -EINVAL, false, {0}, -1, NULL},
};
/* clang-format on */

static void test_tier_case(void **state) {
        const struct tier_case *c = *state;
        _cleanup_(host_done) struct host h;
        _cleanup_free_ char *fast_s = NULL;
        struct nodeset fast;
        unsigned tier, fastest;

        fake_host(&h, false);
        if (c->tier4)
                unit_write_file(root, "devices/virtual/memory_tiering/memory_tier4/nodelist", c->tier4);
        if (c->tier73)
                unit_write_file(root, "devices/virtual/memory_tiering/memory_tier73/nodelist", c->tier73);
        assert_int_equal(host_read_tiers(&h), c->want_r);
        if (c->want_r < 0) {
                assert_false(h.tiers_read);
                assert_int_equal(host_memory_tier(&h, 0, &tier), c->want_r);
                assert_int_equal(host_fastest_tier(&h, &fastest, &fast), c->want_r);
                goto out;
        }
        assert_int_equal(h.tiers_known, c->want_known);
        /* Read once: the files may change or go, the tiers stay. */
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
        for (unsigned id = 0; id < 4; id++) {
                int r = host_memory_tier(&h, id, &tier);

                if (c->want_tier[id] < 0)
                        assert_int_equal(r, -ENODATA);
                else if (r != 0 || tier != (unsigned) c->want_tier[id])
                        fail_msg("node %u: %d, tier %u; expected tier %d", id, r, tier, c->want_tier[id]);
        }
        assert_int_equal(host_memory_tier(&h, 5, &tier), -ENODATA);
        if (c->want_fastest < 0) {
                assert_int_equal(host_fastest_tier(&h, &fastest, &fast), -ENODATA);
                goto out;
        }
        assert_int_equal(host_fastest_tier(&h, &fastest, &fast), 0);
        assert_int_equal(fastest, (unsigned) c->want_fastest);
        assert_int_equal(nodeset_format(&fast, &fast_s), 0);
        assert_string_equal(fast_s, c->want_fast_nodes);
out:
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
}

#define MEMINFO(node, free_kib, inactive_kib)                                                                \
        "Node " #node " MemTotal: 1048576 kB\nNode " #node " MemFree: " #free_kib " kB\nNode " #node         \
        " Inactive(file): " #inactive_kib " kB\n"

static void test_this_host_offers_read_once_per_node(void **state) {
        _cleanup_(host_done) struct host h;
        uint64_t offer = 0;

        (void) state;
        fake_host(&h, true);
        unit_write_file(root, "devices/system/node/node0/meminfo", MEMINFO(0, 1000, 24));
        unit_write_file(root, "devices/system/node/node1/meminfo", "Node 1 MemFree: 1 kB\n");
        assert_int_equal(host_offer(&h, 0, &offer), 0);
        assert_int_equal(offer, 1024 * 1024);
        assert_int_equal(host_offer(&h, 1, &offer), -EINVAL);
        assert_int_equal(host_offer(&h, 2, &offer), -ENOENT);  /* asked, so read: no file here */
        assert_int_equal(host_offer(&h, 3, &offer), -ENODATA); /* memory unknown */
        assert_int_equal(host_offer(&h, 9, &offer), -ENODATA);
        assert_false(host_offers_are_totals(&h));
        /* Node 0 is not read again; node 1, which failed, is. */
        unit_write_file(root, "devices/system/node/node0/meminfo", MEMINFO(0, 5, 5));
        unit_write_file(root, "devices/system/node/node1/meminfo", MEMINFO(1, 2, 2));
        assert_int_equal(host_offer(&h, 0, &offer), 0);
        assert_int_equal(offer, 1024 * 1024);
        assert_int_equal(host_offer(&h, 1, &offer), 0);
        assert_int_equal(offer, 4 * 1024);
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
}

static void test_this_host_distances_from_libnuma_once(void **state) {
        _cleanup_(host_done) struct host h;
        unsigned v = 0;

        (void) state;
        fake_host(&h, false);
        numa_distance_calls = 0;
        assert_int_equal(host_distance(&h, 1, 3, &v), 0);
        assert_int_equal(v, 24);
        assert_int_equal(numa_distance_calls, 16); /* every pair of the 4 nodes, once */
        assert_int_equal(host_distance(&h, 2, 2, &v), 0);
        assert_int_equal(v, 10);
        assert_int_equal(host_distance(&h, 0, 9, &v), -ENODATA);
        assert_int_equal(numa_distance_calls, 16);
}

static void test_this_host_access_figures(void **state) {
        _cleanup_(host_done) struct host h;

        (void) state;
        fake_host(&h, false);
        unit_write_file(root, "devices/system/node/node3/access0/initiators/read_latency", "40\n");
        unit_write_file(root, "devices/system/node/node3/access0/initiators/read_bandwidth", "2500\n");
        unit_write_file(root, "devices/system/node/node0/access0/initiators/read_latency", "10\n");
        assert_int_equal(host_read_access(&h), 0);
        assert_int_equal(h.topo.nodes[3].facts.read_latency, 40);
        assert_int_equal(h.topo.nodes[3].facts.read_bandwidth, 2500);
        assert_int_equal(h.topo.nodes[0].facts.read_latency, 10);
        assert_int_equal(h.topo.nodes[0].facts.read_bandwidth, 0);
        assert_int_equal(h.topo.nodes[1].facts.read_latency, 0);
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
}

/* Reading every node's memory later (start.c, for a message) keeps what was read of the nodes. */
static void test_read_all_memory_keeps_node_facts(void **state) {
        _cleanup_(host_done) struct host h;
        struct bitmask *saved = numa_nodes_ptr, *nodes = numa_bitmask_alloc(64);
        uint64_t offer = 0;
        unsigned tier = 0;
        struct diag d;

        (void) state;
        fake_host(&h, false);
        h.topo.partial = true;
        unit_write_file(root, "devices/virtual/memory_tiering/memory_tier4/nodelist", "0\n");
        unit_write_file(root, "devices/virtual/memory_tiering/memory_tier73/nodelist", "1\n");
        unit_write_file(root, "devices/system/node/node1/meminfo", MEMINFO(1, 8, 8));
        assert_int_equal(host_memory_tier(&h, 1, &tier), 0);
        assert_int_equal(host_offer(&h, 1, &offer), 0);
        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);

        numa_bitmask_setbit(nodes, 0);
        numa_bitmask_setbit(nodes, 1);
        numa_nodes_ptr = nodes;
        diag_init(&d);
        assert_int_equal(host_read_all_memory(&h, &d), 0);
        numa_nodes_ptr = saved;
        numa_bitmask_free(nodes);

        assert_false(h.topo.partial);
        assert_int_equal(h.topo.n_nodes, 2);
        assert_int_equal(h.topo.nodes[1].total, 1u << 30);
        /* Not read again (the files are gone): the same tier and offer. */
        assert_int_equal(host_memory_tier(&h, 1, &tier), 0);
        assert_int_equal(tier, 73);
        assert_int_equal(host_offer(&h, 1, &offer), 0);
        assert_int_equal(offer, 16 * 1024);
}

struct caps_distance_case {
        const char *name;
        const char *fixture;
        unsigned a, b;
        int want_r;
        unsigned want;
};

/* clang-format off */
static const struct caps_distance_case caps_distance_cases[] = {
        {"caps_distance_to_itself", "caps-4node.xml", 2, 2, 0, 10},
        {"caps_distance_to_another", "caps-4node.xml", 0, 3, 0, 21},
        {"caps_distance_to_no_such_node", "caps-4node.xml", 0, 4, -ENODATA, 0},
        {"caps_distance_from_no_such_node", "caps-4node.xml", 7, 0, -ENODATA, 0},
        {"caps_distance_without_distances", "caps-s822l.xml", 0, 16, -ENODATA, 0},
};
/* clang-format on */

static void test_caps_distance_case(void **state) {
        const struct caps_distance_case *c = *state;
        char path[4096];
        struct host_source src = {.capabilities = path};
        _cleanup_(host_done) struct host h = {0};
        struct nodeset fast;
        unsigned v = 0, tier = 99;
        uint64_t offer = 0;
        struct diag d;

        snprintf(path, sizeof(path), "%s/%s", getenv("TEST_FIXTURES"), c->fixture);
        diag_init(&d);
        assert_int_equal(host_load(&src, &h, &d), 0);
        assert_int_equal(host_distance(&h, c->a, c->b, &v), c->want_r);
        assert_int_equal(v, c->want);
        /* Another host: one tier, every node in it; offers are the totals, flagged. */
        assert_int_equal(host_memory_tier(&h, 0, &tier), 0);
        assert_int_equal(tier, 0);
        assert_false(h.tiers_known);
        assert_int_equal(host_fastest_tier(&h, &tier, &fast), -ENODATA);
        assert_true(host_offers_are_totals(&h));
        assert_int_equal(host_offer(&h, 0, &offer), 0);
        assert_int_equal(offer, h.topo.nodes[0].total);
        assert_int_equal(host_read_access(&h), 0);
        assert_int_equal(h.topo.nodes[0].facts.read_latency, 0);
}

UNIT_SCRATCH_GROUP(root)

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, caps_cases, test_caps_case);
        UNIT_TEST(&suite, test_this_host_reads_each_node_once);
        UNIT_TEST(&suite, test_this_host_sizes_and_default);
        UNIT_TEST(&suite, test_files_of_this_host_only);
        UNIT_TEST(&suite, test_capabilities_load_the_whole_model);
        UNIT_TEST(&suite, test_capabilities_without_pages_know_none);
        UNIT_TABLE(&suite, tier_cases, test_tier_case);
        UNIT_TEST(&suite, test_this_host_offers_read_once_per_node);
        UNIT_TEST(&suite, test_this_host_distances_from_libnuma_once);
        UNIT_TEST(&suite, test_this_host_access_figures);
        UNIT_TEST(&suite, test_read_all_memory_keeps_node_facts);
        UNIT_TABLE(&suite, caps_distance_cases, test_caps_distance_case);
        return _cmocka_run_group_tests("host", suite.tests, suite.n, scratch_setup, scratch_teardown);
}
