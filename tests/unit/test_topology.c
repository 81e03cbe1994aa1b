/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libnuma is replaced through -Wl,--wrap: each __wrap_ returns what the test queued. */
#include <errno.h>
#include <numa.h>

#include "topology.h"
#include "unit.h"

int __wrap_numa_available(void);
int __wrap_numa_max_node(void);
long long __wrap_numa_node_size64(int node, long long *freep);
int __wrap_numa_node_to_cpus(int node, struct bitmask *mask);
int __wrap_numa_distance(int a, int b);

int __wrap_numa_available(void) {
        return mock_type(int);
}

int __wrap_numa_distance(int a, int b) {
        (void) a;
        (void) b;
        return mock_type(int);
}

int __wrap_numa_max_node(void) {
        return mock_type(int);
}

/* A negative total fails the call with errno -total; NO_MEMTOTAL fails it with errno 0 (nothing parsed). */
#define NO_MEMTOTAL (-100000LL)

long long __wrap_numa_node_size64(int node, long long *freep) {
        long long total;

        check_expected(node);
        *freep = mock_type(long long);
        total = mock_type(long long);
        if (total >= 0)
                return total;
        errno = total == NO_MEMTOTAL ? 0 : (int) -total;
        return -1;
}

/* Node n owns CPUs 2n and 2n+1. */
int __wrap_numa_node_to_cpus(int node, struct bitmask *mask) {
        numa_bitmask_clearall(mask);
        numa_bitmask_setbit(mask, (unsigned) node * 2);
        numa_bitmask_setbit(mask, (unsigned) node * 2 + 1);
        return 0;
}

#define GIB       (1LL << 30)
#define MAX_NODES 8

struct topo_case {
        const char *name;
        int available;
        int max_node;
        int present[MAX_NODES]; /* ids, -1 ends */
        long long total[MAX_NODES], free[MAX_NODES];
        const char *error;       /* NULL: must load */
        const char *present_str; /* canonical */
        const char *memory_str;
        const char *warning; /* NULL: none expected */
};

/* clang-format off */
static const struct topo_case cases[] = {
        {"fails_when_numa_unavailable", -1, 0, {-1}, {0}, {0}, "NUMA is not available", NULL, NULL, NULL},
        {"reads_single_node", 0, 0, {0, -1}, {4 * GIB}, {3 * GIB}, NULL, "0", "0", NULL},
        {"reads_two_nodes", 0, 1, {0, 1, -1}, {4 * GIB, 4 * GIB}, {GIB, GIB}, NULL, "0-1", "0-1", NULL},
        {"reads_sparse_ids", 0, 9, {0, 2, 9, -1}, {GIB, GIB, GIB}, {GIB, GIB, GIB}, NULL, "0,2,9", "0,2,9", NULL},
        {"marks_memoryless_nodes", 0, 2, {0, 1, 2, -1}, {GIB, 0, GIB}, {GIB, 0, GIB}, NULL, "0-2", "0,2", NULL},
        {"refuses_when_meminfo_unreadable", 0, 1, {0, 1, -1}, {GIB, -EACCES}, {GIB, 0},
                "cannot read the memory of node 1 from /sys/devices/system/node/node1/meminfo: Permission denied", NULL, NULL, NULL},
        {"refuses_when_out_of_descriptors", 0, 2, {0, 1, 2, -1}, {-EMFILE, GIB, GIB}, {0, GIB, GIB},
                "cannot read the memory of node 0 from /sys/devices/system/node/node0/meminfo: Too many open files", NULL, NULL, NULL},
        {"refuses_when_meminfo_has_no_total", 0, 1, {0, 1, -1}, {GIB, NO_MEMTOTAL}, {GIB, 0},
                "cannot read the memory of node 1 from /sys/devices/system/node/node1/meminfo: no MemTotal in it", NULL, NULL, NULL},
        {"fails_without_nodes", 0, 1, {-1}, {0}, {0}, "no NUMA node", NULL, NULL, NULL},
};
/* clang-format on */

static struct bitmask *fake_nodes;

static void test_topology_case(void **state) {
        const struct topo_case *c = *state;
        _cleanup_free_ char *present = NULL, *memory = NULL;
        struct bitmask *saved = numa_nodes_ptr;
        struct topology t;
        struct diag d;
        int r;

        numa_bitmask_clearall(fake_nodes);
        for (int i = 0, queried = 1; i < MAX_NODES && c->present[i] >= 0; i++) {
                numa_bitmask_setbit(fake_nodes, (unsigned) c->present[i]);
                if (!queried)
                        continue; /* a failed read stops the load: no later node is asked */
                expect_value(__wrap_numa_node_size64, node, c->present[i]);
                will_return(__wrap_numa_node_size64, c->free[i]);
                will_return(__wrap_numa_node_size64, c->total[i]);
                queried = c->total[i] >= 0;
        }
        will_return(__wrap_numa_available, c->available);
        if (c->available >= 0)
                will_return(__wrap_numa_max_node, c->max_node);

        numa_nodes_ptr = fake_nodes;
        diag_init(&d);
        r = topology_load(0, NULL, &t, &d);
        numa_nodes_ptr = saved;

        if (c->error) {
                assert_true(r < 0);
                assert_contains(d.message, c->error);
                return;
        }
        if (r < 0)
                fail_msg("load failed: %s", d.message);

        assert_true(t.has_free);
        assert_int_equal(nodeset_format(&t.present, &present), 0);
        assert_int_equal(nodeset_format(&t.with_memory, &memory), 0);
        assert_string_equal(present, c->present_str);
        assert_string_equal(memory, c->memory_str);
        if (c->warning) {
                assert_int_equal(d.n_warnings, 1);
                assert_contains(d.warnings[0], c->warning);
        } else
                assert_int_equal(d.n_warnings, 0);

        for (size_t i = 0; i < t.n_nodes; i++) {
                assert_int_equal(t.nodes[i].id, c->present[i]);
                assert_true(t.nodes[i].total == (uint64_t) (c->total[i] > 0 ? c->total[i] : 0));
                assert_null(t.nodes[i].cpus);
        }
        topology_done(&t);
}

static void test_topology_lists_cpus_on_request(void **state) {
        struct bitmask *saved = numa_nodes_ptr;
        struct topology t;
        struct diag d;

        (void) state;
        numa_bitmask_clearall(fake_nodes);
        numa_bitmask_setbit(fake_nodes, 0);
        numa_bitmask_setbit(fake_nodes, 3);
        will_return(__wrap_numa_available, 0);
        will_return(__wrap_numa_max_node, 3);
        for (int node = 0; node <= 3; node += 3) {
                expect_value(__wrap_numa_node_size64, node, node);
                will_return(__wrap_numa_node_size64, GIB);
                will_return(__wrap_numa_node_size64, 2 * GIB);
        }

        numa_nodes_ptr = fake_nodes;
        diag_init(&d);
        assert_int_equal(topology_load(TOPOLOGY_CPUS, NULL, &t, &d), 0);
        numa_nodes_ptr = saved;

        assert_int_equal(t.n_nodes, 2);
        assert_string_equal(t.nodes[0].cpus, "0-1");
        assert_string_equal(t.nodes[1].cpus, "6-7");
        assert_true(topology_sum_total(&t, &t.present) == (uint64_t) (4 * GIB));
        assert_true(topology_sum_free(&t, &t.present) == (uint64_t) (2 * GIB));
        assert_non_null(topology_node(&t, 3));
        assert_null(topology_node(&t, 1));
        topology_done(&t);
}

/* libnuma's own complaints come out as one formatted warning, not raw stderr. */
static void test_topology_forwards_libnuma_warnings(void **state) {
        struct bitmask *saved = numa_nodes_ptr;
        struct topology t;
        struct diag d;
        char fmt[] = "cannot parse %s\n"; /* libnuma's prototype takes a non-const format */

        (void) state;
        numa_bitmask_clearall(fake_nodes);
        numa_bitmask_setbit(fake_nodes, 0);
        will_return(__wrap_numa_available, 0);
        will_return(__wrap_numa_max_node, 0);
        expect_value(__wrap_numa_node_size64, node, 0);
        will_return(__wrap_numa_node_size64, GIB);
        will_return(__wrap_numa_node_size64, GIB);

        numa_warn(0, fmt, "distance");
        numa_nodes_ptr = fake_nodes;
        diag_init(&d);
        assert_int_equal(topology_load(0, NULL, &t, &d), 0);
        numa_nodes_ptr = saved;

        assert_int_equal(d.n_warnings, 1);
        assert_string_equal(d.warnings[0], "libnuma: cannot parse distance");
        topology_done(&t);
}

/* Only the nodes asked for cost a sysfs read; the others are present, memory unknown. */
static void test_topology_reads_only_the_nodes_asked_for(void **state) {
        struct bitmask *saved = numa_nodes_ptr;
        struct nodeset only;
        struct topology t;
        struct diag d;

        (void) state;
        numa_bitmask_clearall(fake_nodes);
        for (unsigned n = 0; n < 4; n++)
                numa_bitmask_setbit(fake_nodes, n);
        will_return(__wrap_numa_available, 0);
        will_return(__wrap_numa_max_node, 3);
        expect_value(__wrap_numa_node_size64, node, 2);
        will_return(__wrap_numa_node_size64, GIB);
        will_return(__wrap_numa_node_size64, 2 * GIB);

        nodeset_clear(&only);
        nodeset_add(&only, 2);
        numa_nodes_ptr = fake_nodes;
        diag_init(&d);
        assert_int_equal(topology_load(0, &only, &t, &d), 0);
        numa_nodes_ptr = saved;

        assert_true(t.partial);
        assert_int_equal(nodeset_count(&t.present), 4);
        assert_int_equal(nodeset_count(&t.with_memory), 1);
        assert_true(nodeset_contains(&t.with_memory, 2));
        topology_done(&t);
}

static void test_topology_add_node_keeps_order(void **state) {
        struct topology t = {0};

        (void) state;
        assert_int_equal(topology_add_node(&t, 2, 1, 0, NULL), 0);
        assert_int_equal(topology_add_node(&t, 1, 1, 0, NULL), -EINVAL);
        assert_int_equal(topology_add_node(&t, 2, 1, 0, NULL), -EINVAL);
        assert_int_equal(topology_add_node(&t, NODE_ID_MAX + 1, 1, 0, NULL), -EINVAL);
        assert_int_equal(topology_add_node(&t, 4, 0, 0, NULL), 0);
        assert_int_equal(nodeset_count(&t.with_memory), 1);
        topology_done(&t);
}

/* ---- huge pages and PCI devices, read from a fake sysfs tree ---- */

static void test_topology_reads_hugepages_of_the_nodes_asked_for(void **state) {
        char root[] = "/tmp/test-topology-XXXXXX";
        const char *base = "devices/system/node";
        struct hugepage_pool p;
        struct nodeset nodes;
        char rel[256], failed[PATH_MAX] = "", want[PATH_MAX + 32];

        (void) state;
        assert_non_null(mkdtemp(root));
        unit_write_file(root, "kernel/mm/hugepages/hugepages-1048576kB/nr_overcommit_hugepages", "4\n");
        unit_write_file(root, "kernel/mm/hugepages/hugepages-1048576kB/surplus_hugepages", "1\n");
        for (int n = 0; n < 3; n++) {
                static const char *const files[] = {"nr_hugepages", "free_hugepages", "surplus_hugepages"};

                for (int f = 0; f < 3; f++) {
                        char v[16];

                        snprintf(rel, sizeof(rel), "%s/node%d/hugepages/hugepages-1048576kB/%s", base, n,
                                files[f]);
                        snprintf(v, sizeof(v), "%d\n", 10 * n + f + 1);
                        unit_write_file(root, rel, v);
                }
        }

        nodeset_clear(&nodes);
        nodeset_add(&nodes, 1);
        nodeset_add(&nodes, 7); /* no such node here: no pages */
        assert_int_equal(topology_hugepages_read(root, 1048576, &nodes, &p, failed, sizeof(failed)), 0);
        assert_true(p.has_free);
        assert_true(p.has_overcommit);
        assert_int_equal(p.overcommit, 4);
        assert_int_equal(p.surplus, 1);
        assert_int_equal(p.n_nodes, 2);
        assert_int_equal(p.nodes[0].id, 1);
        assert_int_equal(p.nodes[0].total, 11);
        assert_int_equal(p.nodes[0].free, 12);
        assert_int_equal(p.nodes[0].surplus, 13);
        assert_int_equal(p.nodes[1].id, 7);
        assert_int_equal(p.nodes[1].total, 0);
        assert_non_null(hugepage_pool_node(&p, 7));
        assert_null(hugepage_pool_node(&p, 0)); /* not asked for, not read */
        hugepage_pool_done(&p);

        /* Garbage in a counter is an error, not a zero. */
        snprintf(rel, sizeof(rel), "%s/node1/hugepages/hugepages-1048576kB/free_hugepages", base);
        unit_write_file(root, rel, "lots\n");
        assert_int_equal(topology_hugepages_read(root, 1048576, &nodes, &p, failed, sizeof(failed)), -EINVAL);
        /* ...naming the file. */
        snprintf(want, sizeof(want), "%s/%s", root, rel);
        assert_string_equal(failed, want);
        unit_remove_tree(root);
}

static void test_topology_lists_hugepage_sizes(void **state) {
        char root[] = "/tmp/test-topology-XXXXXX";
        _cleanup_free_ uint64_t *sizes = NULL;
        size_t n = 99;
        bool exists = false;

        (void) state;
        assert_non_null(mkdtemp(root));
        assert_int_equal(topology_hugepage_sizes(root, &sizes, &n), 0); /* no hugetlbfs: none */
        assert_int_equal(n, 0);
        unit_write_file(root, "kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
        unit_write_file(root, "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
        unit_write_file(root, "kernel/mm/hugepages/README/x", "not a size\n");
        assert_int_equal(topology_hugepage_sizes(root, &sizes, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(sizes[0], 2048);
        assert_int_equal(sizes[1], 1048576);
        assert_int_equal(topology_hugepage_size_exists(root, 2048, &exists), 0);
        assert_true(exists);
        assert_int_equal(topology_hugepage_size_exists(root, 4096, &exists), 0);
        assert_false(exists);
        unit_remove_tree(root);
}

static void test_topology_reads_default_hugepage_size(void **state) {
        char root[] = "/tmp/test-topology-XXXXXX", path[128];
        uint64_t kib = 0;

        (void) state;
        assert_non_null(mkdtemp(root));
        snprintf(path, sizeof(path), "%s/meminfo", root);
        unit_write_file(
                root, "meminfo", "MemTotal:  1000 kB\nHugePages_Total:  0\nHugepagesize:    1048576 kB\n");
        assert_int_equal(topology_hugepage_default(path, &kib), 0);
        assert_int_equal(kib, 1048576);
        unit_write_file(root, "meminfo", "MemTotal:  1000 kB\n");
        assert_int_equal(topology_hugepage_default(path, &kib), -ENOENT);
        unit_remove_tree(root);
}

static void test_topology_reads_pci_node(void **state) {
        char root[] = "/tmp/test-topology-XXXXXX";
        int node = 42;

        (void) state;
        assert_non_null(mkdtemp(root));
        unit_write_file(root, "bus/pci/devices/0001:af:1f.7/numa_node", "3\n");
        unit_write_file(root, "bus/pci/devices/0000:00:02.0/numa_node", "-1\n");
        unit_write_file(root, "bus/pci/devices/0000:00:03.0/numa_node", "x\n");
        assert_int_equal(topology_pci_node(root, 1, 0xaf, 0x1f, 7, &node), 0);
        assert_int_equal(node, 3);
        assert_int_equal(topology_pci_node(root, 0, 0, 2, 0, &node), 0);
        assert_int_equal(node, -1);
        assert_int_equal(topology_pci_node(root, 0, 0, 3, 0, &node), -EINVAL);
        assert_int_equal(topology_pci_node(root, 0, 0, 4, 0, &node), -ENOENT);
        unit_remove_tree(root);
}

/* ---- memory tiers, offers, access figures, distances ---- */

/* One sysfs file of a case: its path under the root and its text. */
struct sysfs_file {
        const char *rel, *text;
};

struct tier_case {
        const char *name;
        struct sysfs_file files[4];
        int want_r;       /* 0, or the negative errno */
        const char *want; /* "4:0-1 73:3": each tier and its nodes, ascending */
};

/* clang-format off */
static const struct tier_case tier_cases[] = {
        {"tiers_dram_and_a_slow_tier", {{"memory_tier4/nodelist", "0-1\n"}, {"memory_tier73/nodelist", "3\n"}}, 0, "4:0-1 73:3"},
        {"tiers_ascend_by_number_not_name", {{"memory_tier10/nodelist", "1\n"}, {"memory_tier9/nodelist", "0\n"}}, 0, "9:0 10:1"},
        {"tiers_one", {{"memory_tier4/nodelist", "0-3\n"}}, 0, "4:0-3"},
        {"tiers_empty_nodelist_is_no_nodes", {{"memory_tier4/nodelist", "0\n"}, {"memory_tier2/nodelist", "\n"}}, 0, "2: 4:0"},
        {"tiers_other_entries_skipped", {{"memory_tier4/nodelist", "0,2\n"}, {"power/autosuspend_delay_ms", "0\n"}, {"uevent", "\n"}, {"memory_tierX/nodelist", "1\n"}}, 0, "4:0,2"},
        {"tiers_without_directory", {{NULL, NULL}}, -ENOENT, NULL},
        {"tiers_malformed_nodelist", {{"memory_tier4/nodelist", "0-x\n"}}, -EINVAL, NULL},
        {"tiers_reversed_range", {{"memory_tier4/nodelist", "3-1\n"}}, -EINVAL, NULL},
        {"tiers_exclusion_is_not_the_kernels", {{"memory_tier4/nodelist", "0-3,^2\n"}}, -EINVAL, NULL},
        {"tiers_node_id_too_large", {{"memory_tier4/nodelist", "5000\n"}}, -EINVAL, NULL},
        {"tiers_gone_since_the_listing_skipped", {{"memory_tier4/uevent", "\n"}, {"memory_tier5/nodelist", "1\n"}}, 0, "5:1"},
};
/* clang-format on */

static void test_tier_case(void **state) {
        const struct tier_case *c = *state;
        char root[] = "/tmp/test-topology-XXXXXX", rel[256];
        _cleanup_free_ struct memory_tier *tiers = NULL;
        char got[256] = "";
        size_t n = 0, len = 0;
        int r;

        assert_non_null(mkdtemp(root));
        for (size_t i = 0; i < ELEMENTSOF(c->files) && c->files[i].rel; i++) {
                snprintf(rel, sizeof(rel), "devices/virtual/memory_tiering/%s", c->files[i].rel);
                unit_write_file(root, rel, c->files[i].text);
        }
        r = topology_memory_tiers(root, &tiers, &n);
        unit_remove_tree(root);
        if (r != c->want_r)
                fail_msg("returned %d (%s), expected %d", r, strerror(-r), c->want_r);
        if (r < 0)
                return;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *nodes = NULL;

                assert_int_equal(nodeset_format(&tiers[i].nodes, &nodes), 0);
                len += (size_t) snprintf(
                        got + len, sizeof(got) - len, "%s%u:%s", i ? " " : "", tiers[i].id, nodes);
                assert_true(len < sizeof(got));
        }
        assert_string_equal(got, c->want);
}

struct offer_case {
        const char *name;
        const char *text;
        int want_r;
        uint64_t want_kib;
};

#define NODE_MEMINFO(free_kib, inactive_kib)                                                                 \
        "Node 0 MemTotal:       16384000 kB\n"                                                               \
        "Node 0 MemFree:        " free_kib " kB\n"                                                           \
        "Node 0 MemUsed:         1000000 kB\n"                                                               \
        "Node 0 Active(file):     200000 kB\n"                                                               \
        "Node 0 Inactive(file):   " inactive_kib " kB\n"                                                     \
        "Node 0 HugePages_Free:      0\n"

/* clang-format off */
static const struct offer_case offer_cases[] = {
        {"offer_is_free_plus_inactive_file", NODE_MEMINFO("1000", "24"), 0, 1024},
        {"offer_of_an_empty_node", NODE_MEMINFO("0", "0"), 0, 0},
        {"offer_on_a_two_digit_node", "Node 17 MemFree: 8 kB\nNode 17 Inactive(file): 2 kB\n", 0, 10},
        {"offer_takes_the_first_of_a_field", "Node 0 MemFree: 8 kB\nNode 0 MemFree: 99 kB\nNode 0 Inactive(file): 0 kB\n", 0, 8},
        {"offer_not_inactive_anon", "Node 0 MemFree: 8 kB\nNode 0 Inactive(anon): 5 kB\n", -EINVAL, 0},
        {"offer_without_memfree", "Node 0 MemTotal: 8 kB\nNode 0 Inactive(file): 5 kB\n", -EINVAL, 0},
        {"offer_value_no_number", "Node 0 MemFree: lots kB\nNode 0 Inactive(file): 5 kB\n", -EINVAL, 0},
        {"offer_of_no_node_line", "MemFree: 8 kB\nInactive(file): 5 kB\n", -EINVAL, 0},
        {"offer_of_nothing", "", -EINVAL, 0},
};
/* clang-format on */

static void test_offer_case(void **state) {
        const struct offer_case *c = *state;
        uint64_t offer = 7;
        int r;

        r = topology_parse_node_meminfo(c->text, &offer);
        assert_int_equal(r, c->want_r);
        if (r == 0 && offer != c->want_kib * 1024)
                fail_msg("offer %llu bytes, expected %llu", (unsigned long long) offer,
                        (unsigned long long) c->want_kib * 1024);
        if (r < 0)
                assert_int_equal(offer, 7); /* written only on success */
}

static void test_topology_reads_offer_and_access(void **state) {
        char root[] = "/tmp/test-topology-XXXXXX";
        uint64_t offer = 0, latency = 1, bandwidth = 1;

        (void) state;
        assert_non_null(mkdtemp(root));
        unit_write_file(root, "devices/system/node/node3/meminfo", NODE_MEMINFO("2048", "1024"));
        unit_write_file(root, "devices/system/node/node3/access0/initiators/read_latency", "40\n");
        unit_write_file(root, "devices/system/node/node3/access0/initiators/read_bandwidth", "2500\n");
        unit_write_file(root, "devices/system/node/node1/access0/initiators/read_latency", "x\n");
        assert_int_equal(topology_node_offer(root, 3, &offer), 0);
        assert_int_equal(offer, 3072 * 1024);
        assert_int_equal(topology_node_offer(root, 2, &offer), -ENOENT);
        assert_int_equal(topology_node_access(root, 3, &latency, &bandwidth), 0);
        assert_int_equal(latency, 40);
        assert_int_equal(bandwidth, 2500);
        /* No HMAT for the node: none given, which is no error. */
        assert_int_equal(topology_node_access(root, 0, &latency, &bandwidth), 0);
        assert_int_equal(latency, 0);
        assert_int_equal(bandwidth, 0);
        assert_int_equal(topology_node_access(root, 1, &latency, &bandwidth), -EINVAL);
        unit_remove_tree(root);
}

static void test_topology_distance_from_libnuma(void **state) {
        (void) state;
        will_return(__wrap_numa_distance, 21);
        assert_int_equal(topology_distance(0, 1), 21);
        /* libnuma's 0 (it does not know) and a negative answer are both unknown. */
        will_return(__wrap_numa_distance, 0);
        assert_int_equal(topology_distance(0, 9), 0);
        will_return(__wrap_numa_distance, -1);
        assert_int_equal(topology_distance(0, 9), 0);
}

int main(void) {
        static struct unit_suite suite;
        int r;

        fake_nodes = numa_bitmask_alloc(64);
        UNIT_TABLE(&suite, cases, test_topology_case);
        UNIT_TEST(&suite, test_topology_lists_cpus_on_request);
        UNIT_TEST(&suite, test_topology_forwards_libnuma_warnings);
        UNIT_TEST(&suite, test_topology_reads_only_the_nodes_asked_for);
        UNIT_TEST(&suite, test_topology_add_node_keeps_order);
        UNIT_TEST(&suite, test_topology_reads_hugepages_of_the_nodes_asked_for);
        UNIT_TEST(&suite, test_topology_lists_hugepage_sizes);
        UNIT_TEST(&suite, test_topology_reads_default_hugepage_size);
        UNIT_TEST(&suite, test_topology_reads_pci_node);
        UNIT_TABLE(&suite, tier_cases, test_tier_case);
        UNIT_TABLE(&suite, offer_cases, test_offer_case);
        UNIT_TEST(&suite, test_topology_reads_offer_and_access);
        UNIT_TEST(&suite, test_topology_distance_from_libnuma);
        r = UNIT_RUN(&suite, "topology");
        numa_bitmask_free(fake_nodes);
        return r;
}
