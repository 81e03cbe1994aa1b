/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Page size selection, pages needed, the overcommit rule, and the whole check on a fake sysfs tree. */

#include "capabilities.h"
#include "hugepages.h"
#include "unit.h"

/* ---- which <page> a guest cell uses ---- */

struct page_row {
        const char *size, *unit, *nodeset;
};

struct select_case {
        const char *name;
        bool has_hugepages;
        struct page_row pages[3];
        size_t n_pages;
        long cell;
        int want_r;
        uint64_t want_kib;
};

/* clang-format off */
static const struct select_case select_cases[] = {
        {"select_none_without_hugepages", false, {{0}}, 0, -1, 0, 0},
        {"select_default_for_bare_hugepages", true, {{0}}, 0, -1, 1, 0},
        {"select_default_for_bare_hugepages_in_a_cell", true, {{0}}, 0, 3, 1, 0},
        {"select_page_without_nodeset", true, {{"1048576", NULL, NULL}}, 1, -1, 1, 1048576},
        {"select_honours_unit", true, {{"2", "M", NULL}}, 1, -1, 1, 2048},
        {"select_honours_gib_unit", true, {{"1", "GiB", NULL}}, 1, -1, 1, 1048576},
        {"select_page_whose_nodeset_has_the_cell", true, {{"2048", NULL, NULL}, {"1", "G", "1-2"}}, 2, 2, 1, 1048576},
        {"select_falls_back_to_page_without_nodeset", true, {{"1", "G", "1"}, {"2048", NULL, NULL}}, 2, 0, 1, 2048},
        {"select_first_matching_nodeset_wins", true, {{"1", "G", "0"}, {"2048", NULL, "0"}}, 2, 0, 1, 1048576},
        {"select_nothing_for_an_uncovered_cell", true, {{"1", "G", "0"}}, 1, 1, 0, 0},
        {"select_ignores_nodesets_without_cells", true, {{"1", "G", "0"}, {"2048", NULL, NULL}}, 2, -1, 1, 2048},
        {"select_refuses_bad_size", true, {{"big", NULL, NULL}}, 1, -1, -EINVAL, 0},
        {"select_refuses_bad_unit", true, {{"2", "parsec", NULL}}, 1, -1, -EINVAL, 0},
        {"select_refuses_missing_size", true, {{NULL, NULL, NULL}}, 1, -1, -EINVAL, 0},
        {"select_refuses_bad_nodeset", true, {{"2048", NULL, "x"}}, 1, 0, -EINVAL, 0},
};
/* clang-format on */

static void test_select_case(void **state) {
        const struct select_case *c = *state;
        struct domxml_page pages[3];
        struct domxml_placement p = {
                .has_hugepages = c->has_hugepages, .n_pages = c->n_pages, .pages = pages};
        struct hugepages_choice choice = {.huge = true, .kib = 12345};
        uint64_t kib;
        int r;

        /* The scan's strings are mutable; these rows are literals the function only reads. */
        for (size_t i = 0; i < ELEMENTSOF(pages); i++)
                pages[i] = (struct domxml_page){
                        (char *) c->pages[i].size, (char *) c->pages[i].unit, (char *) c->pages[i].nodeset};
        r = hugepages_select(&p, c->cell, &choice);
        /* The rows' want_r: 1 huge pages, 0 normal memory, or the error. */
        if (r == 0)
                r = choice.huge;
        kib = choice.kib;
        if (r != c->want_r)
                fail_msg("returned %d, expected %d", r, c->want_r);
        if (r == 1 && kib != c->want_kib)
                fail_msg("page size %llu KiB, expected %llu KiB", (unsigned long long) kib,
                        (unsigned long long) c->want_kib);
}

/* ---- pages needed and the overcommit rule ---- */

static void test_needed_rounds_up(void **state) {
        (void) state;
        assert_int_equal(hugepages_needed(8ULL << 30, 1048576), 8);
        assert_int_equal(hugepages_needed((8ULL << 30) + 1, 1048576), 9);
        assert_int_equal(hugepages_needed(1, 2048), 1);
        assert_int_equal(hugepages_needed(0, 2048), 0);
        assert_int_equal(hugepages_needed(1ULL << 30, 2048), 512);
        assert_int_equal(hugepages_needed(1ULL << 30, UINT64_MAX / 512), 1);
        assert_int_equal(hugepages_needed(0, UINT64_MAX / 512), 0);
}

struct judge_case {
        const char *name;
        bool hard;
        uint64_t need, have;
        bool has_overcommit;
        uint64_t overcommit, surplus;
        enum hugepages_verdict want;
};

/* clang-format off */
static const struct judge_case judge_cases[] = {
        {"judge_enough_is_ok", true, 8, 8, false, 0, 0, HUGEPAGES_OK},
        {"judge_strict_short_fails", true, 8, 3, false, 0, 0, HUGEPAGES_SHORT},
        {"judge_soft_short_warns", false, 8, 3, false, 0, 0, HUGEPAGES_WARN_SOFT},
        {"judge_overcommit_covering_the_gap_warns", true, 8, 3, true, 7, 2, HUGEPAGES_WARN_OVERCOMMIT},
        {"judge_overcommit_too_small_fails", true, 8, 3, true, 6, 2, HUGEPAGES_SHORT},
        {"judge_overcommit_used_up_fails", true, 8, 3, true, 10, 10, HUGEPAGES_SHORT},
        {"judge_surplus_above_overcommit_fails", true, 8, 3, true, 2, 5, HUGEPAGES_SHORT},
        {"judge_overcommit_unknown_fails", true, 8, 3, false, 100, 0, HUGEPAGES_SHORT},
};
/* clang-format on */

static void test_judge_case(void **state) {
        const struct judge_case *c = *state;
        struct hugepage_pool pool = {
                .has_overcommit = c->has_overcommit, .overcommit = c->overcommit, .surplus = c->surplus};

        assert_int_equal(hugepages_judge(c->hard, c->need, c->have, &pool), c->want);
}

/* ---- the whole check, on a fake sysfs tree ---- */

enum fake_host {
        HOST_PLAIN,      /* node 0: 9 free 1 GiB and 512 free 2 MiB pages; node 1: 3 and 0; no overcommit */
        HOST_OVERCOMMIT, /* the same, with nr_overcommit_hugepages 10 and surplus 2 for 1 GiB */
        HOST_OVERCOMMITTED,  /* overcommit 10, surplus 9: room for 1 */
        HOST_CAPS,           /* capabilities <pages>: totals 9 and 3 of 1 GiB, 512 and 0 of 2 MiB */
        HOST_NONE,           /* a sysfs root that does not exist: any read fails */
        HOST_CAPS_NO_PAGES,  /* capabilities without <pages> (libvirt before 1.2.7) */
        HOST_CAPS_HUGE_ONLY, /* capabilities <pages> as HOST_CAPS, but no base page listed */
};

struct binding_row {
        long cell; /* -1: <memory>; -2: ends the list */
        enum numa_mode mode;
        const char *nodes;
};

struct check_case {
        const char *name;
        const char *doc;
        enum fake_host host;
        struct binding_row bindings[4];
        const char *error;   /* the whole message; NULL: must pass */
        const char *warning; /* the whole first warning; NULL: none */
        bool claimed;        /* VM CLAIMANT holds 5 of node 0's 9 free 1 GiB pages */
};

#define CLAIMANT "11111111-2222-3333-4444-555555555555"

#define DOC_MEM(mem, backing)                                                                                \
        "<domain><memory unit='GiB'>" mem "</memory><memoryBacking>" backing "</memoryBacking></domain>"
#define DOC_1G_8 DOC_MEM("8", "<hugepages><page size='1048576'/></hugepages>")
#define DOC_VNUMA                                                                                            \
        "<domain><memory unit='GiB'>5</memory><memoryBacking><hugepages><page size='1' unit='GiB' "          \
        "nodeset='0'/><page size='2048'/></hugepages></memoryBacking><cpu><numa><cell id='0' cpus='0-1' "    \
        "memory='4' unit='GiB'/><cell id='1' cpus='2-3' memory='1' unit='GiB'/></numa></cpu></domain>"
#define END                                                                                                  \
        { -2, 0, NULL }

/* clang-format off */
static const struct check_case check_cases[] = {
        {"strict_fails_without_free_pages_on_its_node", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 8 free 1 GiB pages on node 1, which has 3 (node 0 has 9); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere", NULL},
        {"strict_passes_with_free_pages", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "0"}, END}, NULL, NULL},
        {"restrictive_is_as_hard_as_strict", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_RESTRICTIVE, "1"}, END},
                "'x': needs 8 free 1 GiB pages on node 1, which has 3", NULL},
        {"strict_sums_its_nodes", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "0-1"}, END}, NULL, NULL},
        {"strict_over_two_nodes_names_each", DOC_MEM("16", "<hugepages><page size='1' unit='G'/></hugepages>"),
                HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "0-1"}, END},
                "'x': needs 16 free 1 GiB pages on nodes 0-1, which have 12 (node 0 has 9, node 1 has 3); reserve them in "
                "/sys/devices/system/node/nodeN/hugepages/hugepages-1048576kB/nr_hugepages for N in 0-1, or bind elsewhere",
                NULL},
        {"interleave_shortfall_warns", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_INTERLEAVE, "1"}, END}, NULL,
                "'x': needs 8 free 1 GiB pages on node 1, which has 3 (node 0 has 9); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere"},
        {"preferred_shortfall_warns", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_PREFERRED, "1"}, END}, NULL,
                "'x': needs 8 free 1 GiB pages on node 1, which has 3 (node 0 has 9); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere"},
        {"overcommit_turns_the_error_into_a_warning", DOC_1G_8, HOST_OVERCOMMIT, {{-1, NUMA_MODE_STRICT, "1"}, END}, NULL,
                "'x': needs 8 free 1 GiB pages on node 1, which has 3 (node 0 has 9); overcommit may still supply them "
                "(nr_overcommit_hugepages 10, surplus 2)"},
        {"used_up_overcommit_fails", DOC_1G_8, HOST_OVERCOMMITTED, {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 8 free 1 GiB pages on node 1, which has 3", NULL},
        {"bare_hugepages_use_the_default_size", DOC_MEM("8", "<hugepages/>"), HOST_PLAIN,
                {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 4096 free 2 MiB pages on node 1, which has 0 (node 0 has 512); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages or bind elsewhere", NULL},
        {"size_the_host_lacks_fails", DOC_MEM("8", "<hugepages><page size='4096'/></hugepages>"), HOST_PLAIN,
                {{-1, NUMA_MODE_STRICT, "0"}, END},
                "domain XML asks for 4 MiB huge pages, which this host does not have (huge page sizes: 2 MiB, 1 GiB)", NULL},
        {"size_the_host_lacks_fails_even_unbound", DOC_MEM("8", "<hugepages><page size='4096'/></hugepages>"), HOST_PLAIN,
                {END}, "which this host does not have", NULL},
        {"no_hugepages_reads_nothing", "<domain><memory unit='GiB'>8</memory></domain>", HOST_NONE,
                {{-1, NUMA_MODE_STRICT, "1"}, END}, NULL, NULL},
        {"base_page_size_is_normal_memory", DOC_MEM("8", "<hugepages><page size='4'/></hugepages>"), HOST_NONE,
                {{-1, NUMA_MODE_STRICT, "1"}, END}, NULL, NULL},
        {"cells_use_their_memnodes_nodes", DOC_VNUMA, HOST_PLAIN,
                {{0, NUMA_MODE_STRICT, "0"}, {1, NUMA_MODE_STRICT, "1"}, END},
                "'cell 1': needs 512 free 2 MiB pages on node 1, which has 0 (node 0 has 512)", NULL},
        {"cells_without_id_use_their_memnodes_nodes", /* libvirt numbers them by position */
                "<domain><memory unit='GiB'>5</memory><memoryBacking><hugepages><page size='1' unit='GiB' "
                "nodeset='0'/><page size='2048'/></hugepages></memoryBacking><cpu><numa><cell cpus='0-1' "
                "memory='4' unit='GiB'/><cell cpus='2-3' memory='1' unit='GiB'/></numa></cpu></domain>",
                HOST_PLAIN, {{0, NUMA_MODE_STRICT, "0"}, {1, NUMA_MODE_STRICT, "1"}, END},
                "'cell 1': needs 512 free 2 MiB pages on node 1, which has 0 (node 0 has 512)", NULL},
        {"cell_ids_are_read_as_libvirt_reads_them",
                "<domain><memory unit='GiB'>5</memory><memoryBacking><hugepages><page size='1' unit='GiB' "
                "nodeset='0'/><page size='2048'/></hugepages></memoryBacking><cpu><numa><cell id=' 1' cpus='2-3' "
                "memory='1' unit='GiB'/><cell id='+0' cpus='0-1' memory='4' unit='GiB'/></numa></cpu></domain>",
                HOST_PLAIN, {{0, NUMA_MODE_STRICT, "0"}, {1, NUMA_MODE_STRICT, "1"}, END},
                "'cell 1': needs 512 free 2 MiB pages on node 1, which has 0 (node 0 has 512)", NULL},
        {"cells_fit_where_their_pages_are", DOC_VNUMA, HOST_PLAIN,
                {{0, NUMA_MODE_STRICT, "0"}, {1, NUMA_MODE_STRICT, "0"}, END}, NULL, NULL},
        {"cells_without_memnode_follow_memory", DOC_VNUMA, HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 4 free 1 GiB pages on node 1, which has 3 (node 0 has 9)", NULL},
        {"warn_only_binding_warns", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "w1"}, END}, NULL,
                "'x': needs 8 free 1 GiB pages on node 1, which has 3 (node 0 has 9); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere"},
        {"unbound_cells_are_not_checked", DOC_VNUMA, HOST_PLAIN, {{0, NUMA_MODE_STRICT, "0"}, END}, NULL, NULL},
        {"cells_on_one_pool_add_up",
                "<domain><memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking><cpu><numa>"
                "<cell id='0' memory='5' unit='GiB'/><cell id='1' memory='5' unit='GiB'/></numa></cpu></domain>",
                HOST_PLAIN, {{0, NUMA_MODE_STRICT, "0"}, {1, NUMA_MODE_STRICT, "0"}, END},
                "'cell 0' and 'cell 1': needs 10 free 1 GiB pages on node 0, which has 9 (node 1 has 3)", NULL},
        {"three_bindings_on_one_pool_are_named_short",
                "<domain><memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking><cpu><numa>"
                "<cell id='0' memory='4' unit='GiB'/><cell id='1' memory='4' unit='GiB'/><cell id='2' memory='4' "
                "unit='GiB'/></numa></cpu></domain>",
                HOST_PLAIN, {{0, NUMA_MODE_STRICT, "0"}, {1, NUMA_MODE_STRICT, "0"}, {2, NUMA_MODE_STRICT, "0"}, END},
                "'cell 0' and 2 more bindings: needs 12 free 1 GiB pages on node 0, which has 9 (node 1 has 3)", NULL},
        {"memory_shared_by_cells_is_one_binding", /* cells 2 and 3 follow <memory>: named once */
                "<domain><memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking><cpu><numa>"
                "<cell id='0' memory='4' unit='GiB'/><cell id='1' memory='4' unit='GiB'/><cell id='2' memory='4' "
                "unit='GiB'/><cell id='3' memory='4' unit='GiB'/></numa></cpu></domain>",
                HOST_PLAIN, {{0, NUMA_MODE_STRICT, "0"}, {1, NUMA_MODE_STRICT, "0"}, {-1, NUMA_MODE_STRICT, "0"}, END},
                "'cell 0' and 2 more bindings: needs 16 free 1 GiB pages on node 0, which has 9 (node 1 has 3)", NULL},
        {"strict_and_preferred_on_one_pool_add_up_to_a_warning", /* each fits alone, not both */
                "<domain><memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking><cpu><numa>"
                "<cell id='0' memory='5' unit='GiB'/><cell id='1' memory='5' unit='GiB'/></numa></cpu></domain>",
                HOST_PLAIN, {{0, NUMA_MODE_STRICT, "0"}, {1, NUMA_MODE_PREFERRED, "0"}, END}, NULL,
                "'cell 0' and 'cell 1': needs 10 free 1 GiB pages on node 0, which has 9 (node 1 has 3); reserve them in "
                "/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere"},
        {"strict_and_warn_only_memnode_on_one_pool_add_up_to_a_warning",
                "<domain><memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking><cpu><numa>"
                "<cell id='0' memory='5' unit='GiB'/><cell id='1' memory='5' unit='GiB'/></numa></cpu></domain>",
                HOST_PLAIN, {{0, NUMA_MODE_STRICT, "w0"}, {-1, NUMA_MODE_STRICT, "0"}, END}, NULL,
                "'cell -1' and 'cell 0': needs 10 free 1 GiB pages on node 0, which has 9 (node 1 has 3); reserve them in "
                "/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere"},
        {"one_page_is_one_page",
                "<domain><memory unit='MiB'>2</memory><memoryBacking><hugepages><page size='2048'/></hugepages>"
                "</memoryBacking></domain>", HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 1 free 2 MiB page on node 1, which has 0 (node 0 has 512); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages or bind elsewhere", NULL},
        {"warn_only_memnode_says_why_it_is_not_refused", DOC_VNUMA, HOST_PLAIN,
                {{0, NUMA_MODE_STRICT, "w1"}, {1, NUMA_MODE_STRICT, "0"}, END}, NULL,
                "'cell 0': needs 4 free 1 GiB pages on node 1, which has 3 (node 0 has 9); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere; "
                "not refused, as VDSM replaces <memnode> nodesets with Engine's choice for this host"},
        {"capabilities_check_totals", DOC_1G_8, HOST_CAPS, {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 8 1 GiB pages on node 1, which has 3 in total (node 0 has 9); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere", NULL},
        {"capabilities_say_free_pages_were_not_checked", DOC_1G_8, HOST_CAPS, {{-1, NUMA_MODE_STRICT, "0"}, END}, NULL,
                "huge pages were checked against the totals in the capabilities XML; free pages were not checked"},
        {"capabilities_default_is_the_smallest_huge_size", DOC_MEM("2", "<hugepages/>"), HOST_CAPS,
                {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 1024 2 MiB pages on node 1, which has 0 in total (node 0 has 512)", NULL},
        /* No <pages> at all says nothing about huge pages: one warning, no "the host has no 1 GiB pages". */
        {"capabilities_without_pages_only_warn", DOC_1G_8, HOST_CAPS_NO_PAGES, {{-1, NUMA_MODE_STRICT, "1"}, END}, NULL,
                "the capabilities XML lists no <pages> (libvirt before 1.2.7 wrote none), so huge pages were not checked"},
        {"capabilities_without_pages_still_read_the_page", DOC_MEM("8", "<hugepages><page size='big'/></hugepages>"),
                HOST_CAPS_NO_PAGES, {{-1, NUMA_MODE_STRICT, "1"}, END}, "<page> this hook cannot read", NULL},
        /* Huge page sizes without the base page: the smallest of them is no base page. */
        {"capabilities_huge_only_smallest_is_a_huge_page", DOC_MEM("2", "<hugepages><page size='2048'/></hugepages>"),
                HOST_CAPS_HUGE_ONLY, {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 1024 2 MiB pages on node 1, which has 0 in total (node 0 has 512)", NULL},
        {"capabilities_huge_only_default_is_the_smallest", DOC_MEM("2", "<hugepages/>"), HOST_CAPS_HUGE_ONLY,
                {{-1, NUMA_MODE_STRICT, "1"}, END}, "'x': needs 1024 2 MiB pages on node 1", NULL},
        {"capabilities_huge_only_base_page_is_this_machines", DOC_MEM("2", "<hugepages><page size='4'/></hugepages>"),
                HOST_CAPS_HUGE_ONLY, {{-1, NUMA_MODE_STRICT, "1"}, END}, NULL, NULL},
        {"claimed_pages_are_not_free", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "0"}, END},
                "'x': needs 8 free 1 GiB pages on node 0, which has 9, of which 5 are claimed by a VM starting now "
                "(uuid " CLAIMANT ") (node 1 has 3); reserve them in "
                "/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere", NULL, true},
        {"claimed_pages_leave_the_rest_free", DOC_MEM("4", "<hugepages><page size='1048576'/></hugepages>"), HOST_PLAIN,
                {{-1, NUMA_MODE_STRICT, "0"}, END}, NULL, NULL, true},
        {"claimed_pages_are_left_out_of_the_other_nodes", DOC_1G_8, HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "1"}, END},
                "'x': needs 8 free 1 GiB pages on node 1, which has 3 (node 0 has 4); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind elsewhere", NULL, true},
        {"claimed_pages_of_another_size_do_not_count", DOC_MEM("1", "<hugepages><page size='2048'/></hugepages>"),
                HOST_PLAIN, {{-1, NUMA_MODE_STRICT, "0"}, END}, NULL, NULL, true},
};
/* clang-format on */

static char root[] = "/tmp/test-hugepages-XXXXXX";

static void write_u64(const char *rel, uint64_t v) {
        char text[32];

        snprintf(text, sizeof(text), "%llu\n", (unsigned long long) v);
        unit_write_file(root, rel, text);
}

static void make_sysfs(enum fake_host host) {
        static const uint64_t kib[2] = {1048576, 2048};
        static const uint64_t free_pages[2][2] = {{9, 3}, {512, 0}}; /* [size][node] */
        char rel[256];

        unit_remove_tree(root);
        assert_int_equal(mkdir(root, 0700), 0);
        unit_write_file(root, "meminfo", "MemTotal:       16384 kB\nHugepagesize:       2048 kB\n");
        for (int s = 0; s < 2; s++) {
                snprintf(rel, sizeof(rel), "kernel/mm/hugepages/hugepages-%llukB/nr_overcommit_hugepages",
                        (unsigned long long) kib[s]);
                write_u64(rel, s == 0 && host != HOST_PLAIN ? 10 : 0);
                snprintf(rel, sizeof(rel), "kernel/mm/hugepages/hugepages-%llukB/surplus_hugepages",
                        (unsigned long long) kib[s]);
                write_u64(rel, s == 0 && host == HOST_OVERCOMMIT      ? 2
                               : s == 0 && host == HOST_OVERCOMMITTED ? 9
                                                                      : 0);
                for (int n = 0; n < 2; n++) {
                        static const char *const files[] = {
                                "nr_hugepages", "free_hugepages", "surplus_hugepages"};

                        for (int f = 0; f < 3; f++) {
                                snprintf(rel, sizeof(rel),
                                        "devices/system/node/node%d/hugepages/hugepages-%llukB/%s", n,
                                        (unsigned long long) kib[s], files[f]);
                                write_u64(rel, f == 2 ? 0 : free_pages[s][n] + (f == 0 ? 1 : 0));
                        }
                }
        }
}

static void test_check_case(void **state) {
        static struct ledger_item claimed_items[] = {{.node = 0, .page_kib = 1048576, .amount = 5}};
        static struct ledger_claim claim = {.uuid = CLAIMANT, .n_items = 1, .items = claimed_items};
        const struct check_case *c = *state;
        struct claims view = {.open = true, .ledger = {.n_claims = 1, .claims = &claim}};
        static const struct caps_page caps_items[] = {
                {0, 4, 1000}, {0, 2048, 512}, {0, 1048576, 9}, {1, 4, 1000}, {1, 2048, 0}, {1, 1048576, 3}};
        static const struct caps_page huge_only_items[] = {
                {0, 2048, 512}, {0, 1048576, 9}, {1, 2048, 0}, {1, 1048576, 3}};
        struct caps_pages caps = {.n = ELEMENTSOF(caps_items), .items = (struct caps_page *) caps_items};
        struct caps_pages no_pages = {0};
        struct caps_pages huge_only = {
                .n = ELEMENTSOF(huge_only_items), .items = (struct caps_page *) huge_only_items};
        struct binding_entry cells[4];
        struct binding_list b = {.cells = cells};
        struct domxml_facts f;
        char meminfo[512];
        _cleanup_(host_done) struct host h = {
                .sysfs = root, .meminfo = meminfo, .base_page_kib = 4, .pages_have_free = true};
        size_t n_remapped;
        struct diag d;
        int r;

        /* Another host: its pages from the document, none of its files here. */
        if (c->host == HOST_CAPS || c->host == HOST_CAPS_NO_PAGES || c->host == HOST_CAPS_HUGE_ONLY) {
                h.sysfs = h.meminfo = NULL;
                assert_int_equal(capabilities_host_pages(c->host == HOST_CAPS            ? &caps
                                                         : c->host == HOST_CAPS_NO_PAGES ? &no_pages
                                                                                         : &huge_only,
                                         &h),
                        0);
        } else if (c->host == HOST_NONE)
                h.sysfs = "/nonexistent/sys";
        else
                make_sysfs(c->host);
        snprintf(meminfo, sizeof(meminfo), "%s/meminfo", c->host == HOST_NONE ? "/nonexistent" : root);
        nodeset_clear(&h.topo.present);
        nodeset_add_range(&h.topo.present, 0, 1);

        for (size_t i = 0; i < ELEMENTSOF(c->bindings) && c->bindings[i].cell != -2; i++) {
                const struct binding_row *row = &c->bindings[i];
                struct binding_entry *x = row->cell < 0 ? &b.memory : &cells[b.n_cells++];

                *x = (struct binding_entry){.binding = {.cell = row->cell, .mode = row->mode}};
                if (row->cell > 0 || c->bindings[1].cell != -2)
                        snprintf(x->subject, sizeof(x->subject), "'cell %ld'", row->cell);
                else
                        snprintf(x->subject, sizeof(x->subject), "'x'");
                /* "w1": node 1, and a shortfall only warns */
                x->warn_only = row->nodes[0] == 'w';
                assert_int_equal(nodeset_parse_libvirt(row->nodes + x->warn_only, &x->binding.nodes), 0);
                if (row->cell < 0)
                        b.has_memory = true;
                else
                        nodeset_add(&b.bound, (unsigned) row->cell);
        }

        diag_init(&d);
        assert_int_equal(domxml_scan(c->doc, strlen(c->doc), &f, &d), 0);
        r = hugepages_check(&f, &b, &h, c->claimed ? &view : NULL, &n_remapped, &d);
        domxml_facts_done(&f);
        /* What passed is what this VM claims: the pages its binding needs there. */
        if (c->claimed && r >= 0 && (view.n_needs != 1 || view.needs[0].amount == 0))
                fail_msg("%zu needs recorded, want 1", view.n_needs);
        if (c->claimed)
                free(view.needs);

        if (c->error) {
                if (r >= 0)
                        fail_msg("passed, expected \"%s\"", c->error);
                assert_contains(d.message, c->error);
                return;
        }
        if (r < 0)
                fail_msg("failed: %s", d.message);
        if (c->warning) {
                if (d.n_warnings == 0)
                        fail_msg("no warning, expected \"%s\"", c->warning);
                assert_string_equal(d.warnings[0], c->warning);
        } else if (d.n_warnings > 0)
                fail_msg("unexpected warning \"%s\"", d.warnings[0]);
}

/*
 * Capabilities with 4000 <pages> sizes on node 0, and 1000 nodes bound: the
 * message lists the first sizes, and the pages of all the nodes add up.
 */
static void test_check_many_capabilities_pages(void **state) {
        size_t n = 4000, n_nodes = 1000;
        _cleanup_free_ struct caps_page *items = calloc(n + n_nodes, sizeof(*items));
        struct caps_pages caps = {.n = n + n_nodes, .items = items};
        static const char doc[] = "<domain><memory unit='GiB'>1</memory><memoryBacking><hugepages><page "
                                  "size='3'/></hugepages></memoryBacking></domain>";
        static const char doc_fits[] = "<domain><memory unit='GiB'>1</memory><memoryBacking><hugepages><page "
                                       "size='8'/></hugepages></memoryBacking></domain>";
        struct binding_list b = {.has_memory = true};
        _cleanup_(host_done) struct host h = {.base_page_kib = 4};
        struct domxml_facts f;
        size_t n_remapped;
        struct diag d;

        (void) state;
        assert_non_null(items);
        for (size_t i = 0; i < n; i++)
                items[i] = (struct caps_page){.node = 0, .size_kib = 8 + i, .count = 1};
        for (size_t i = 0; i < n_nodes; i++)
                items[n + i] = (struct caps_page){.node = (unsigned) i, .size_kib = 4, .count = 1000};
        assert_int_equal(capabilities_host_pages(&caps, &h), 0);
        nodeset_clear(&h.topo.present);
        nodeset_add_range(&h.topo.present, 0, (unsigned) n_nodes - 1);
        b.memory = (struct binding_entry){
                .binding = {.cell = BINDING_VM, .mode = NUMA_MODE_STRICT, .nodes = h.topo.present}};
        snprintf(b.memory.subject, sizeof(b.memory.subject), "'x'");

        diag_init(&d);
        assert_int_equal(domxml_scan(doc, strlen(doc), &f, &d), 0);
        assert_true(hugepages_check(&f, &b, &h, NULL, &n_remapped, &d) < 0);
        domxml_facts_done(&f);
        assert_contains(d.message, "(huge page sizes: 8 KiB, 9 KiB, 10 KiB, ");
        assert_contains(d.message, ", ...)");

        /* 131072 pages of 8 KiB on nodes 0-999, which have 1 in total (node 0's). */
        diag_init(&d);
        assert_int_equal(domxml_scan(doc_fits, strlen(doc_fits), &f, &d), 0);
        assert_true(hugepages_check(&f, &b, &h, NULL, &n_remapped, &d) < 0);
        domxml_facts_done(&f);
        assert_contains(d.message, "'x': needs 131072 8 KiB pages on nodes 0-999, which have 1 in total");
}

UNIT_SCRATCH_GROUP(root)

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, select_cases, test_select_case);
        UNIT_TEST(&suite, test_needed_rounds_up);
        UNIT_TABLE(&suite, judge_cases, test_judge_case);
        UNIT_TABLE(&suite, check_cases, test_check_case);
        UNIT_TEST(&suite, test_check_many_capabilities_pages);
        return _cmocka_run_group_tests("hugepages", suite.tests, suite.n, scratch_setup, scratch_teardown);
}
