/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "capabilities.h"
#include "unit.h"

#define CELL(id, mem)                                                                                        \
        "<cell id='" #id "'><memory unit='KiB'>" #mem "</memory><cpus num='1'><cpu id='" #id                 \
        "'/></cpus></cell>"
#define CAPS(cells) "<capabilities><host><topology><cells>" cells "</cells></topology></host></capabilities>"

struct caps_case {
        const char *name;
        const char *xml;
        const char *error; /* part of the message, or NULL */
        const char *present;
        const char *with_memory;
        uint64_t total;             /* bytes over all nodes */
        const char *memory_unknown; /* "" when none */
};

/* clang-format off */
static const struct caps_case cases[] = {
        {"reads_two_cells", CAPS(CELL(0, 1024) CELL(1, 2048)), NULL, "0-1", "0-1", 3u << 20},
        {"sorts_cells_by_id", CAPS(CELL(3, 1024) CELL(1, 1024)), NULL, "1,3", "1,3", 2u << 20},
        /* libvirt writes <memory> only when it is not 0: beside one that has it, a cell without is memoryless. */
        {"cell_without_memory_beside_one_with_is_memoryless",
                CAPS("<cell id='0'><cpus num='0'/></cell>" CELL(1, 1024)), NULL, "0-1", "1", 1u << 20, ""},
        {"s822l_shape_sparse_ids_two_memoryless",
                CAPS(CELL(0, 67108864) "<cell id='1'/>" CELL(16, 67108864) "<cell id='17'/>"), NULL, "0-1,16-17",
                "0,16", UINT64_C(128) << 30, ""},
        /* libvirt before it reported cell memory wrote none at all: nobody knows. */
        {"no_cell_with_memory_is_all_unknown",
                CAPS("<cell id='0'><cpus num='0'/></cell><cell id='1'/>"), NULL, "0-1", "", 0, "0-1"},
        {"zero_memory_is_memoryless", CAPS(CELL(0, 0) CELL(1, 4)), NULL, "0-1", "1", 4096, ""},
        {"honours_memory_unit", CAPS("<cell id='0'><memory unit='GiB'>2</memory></cell>"), NULL, "0", "0", 2u << 30},
        {"ignores_other_elements",
                "<capabilities><host><uuid>x</uuid><cpu><topology sockets='1'/></cpu><topology><cells num='1'>"
                CELL(0, 8) "</cells></topology></host><guest><arch name='x86_64'/></guest></capabilities>",
                NULL, "0", "0", 8192},
        {"ignores_cells_elsewhere", "<capabilities><cell id='5'/>" "<host><topology><cells>" CELL(0, 1) "</cells></topology></host></capabilities>",
                NULL, "0", "0", 1024},
        {"rejects_no_cells", "<capabilities><host/></capabilities>", "no host/topology/cells/cell", NULL, NULL, 0},
        {"rejects_missing_id", CAPS("<cell><memory>1</memory></cell>"), "without a valid id", NULL, NULL, 0},
        {"rejects_id_above_limit", CAPS(CELL(4096, 1)), "without a valid id", NULL, NULL, 0},
        {"rejects_duplicate_id", CAPS(CELL(1, 1) CELL(1, 1)), "cell 1 twice", NULL, NULL, 0},
        {"rejects_bad_memory", CAPS("<cell id='0'><memory>lots</memory></cell>"), "invalid <memory>", NULL, NULL, 0},
        {"rejects_doctype", "<!DOCTYPE capabilities><capabilities/>", "DOCTYPE", NULL, NULL, 0},
        {"rejects_broken_xml", "<capabilities>", "not well-formed", NULL, NULL, 0},
};
/* clang-format on */

static void test_caps_case(void **state) {
        const struct caps_case *c = *state;
        _cleanup_free_ char *present = NULL, *memory = NULL;
        struct caps_pages pages = {0};
        char without_pages[DIAG_LINE_MAX];
        struct topology t;
        struct diag d;
        int r;

        /* Not asking for the <pages> (there are none) gives the same verdict. */
        diag_init(&d);
        r = capabilities_parse(c->xml, strlen(c->xml), 0, &t, NULL, &d);
        if (r >= 0)
                topology_done(&t);
        snprintf(without_pages, sizeof(without_pages), "%s", d.message);

        diag_init(&d);
        r = capabilities_parse(c->xml, strlen(c->xml), 0, &t, &pages, &d);
        assert_string_equal(d.message, without_pages);
        if (c->error) {
                assert_true(r < 0);
                assert_contains(d.message, c->error);
                return;
        }
        if (r < 0)
                fail_msg("parse failed: %s", d.message);

        assert_false(t.has_free);
        assert_int_equal(nodeset_format(&t.present, &present), 0);
        assert_int_equal(nodeset_format(&t.with_memory, &memory), 0);
        assert_string_equal(present, c->present);
        assert_string_equal(memory, c->with_memory);
        assert_true(topology_sum_total(&t, &t.present) == c->total);
        free(memory);
        assert_int_equal(nodeset_format(&t.memory_unknown, &memory), 0);
        assert_string_equal(memory, c->memory_unknown ? c->memory_unknown : "");
        assert_int_equal(pages.n, 0);
        topology_done(&t);
}

static void test_caps_lists_cpus(void **state) {
        static const char xml[] =
                CAPS("<cell id='0'><cpus><cpu id='3'/><cpu id='1'/><cpu id='2'/><cpu id='7'/></cpus></cell>");
        struct topology t;
        struct diag d;

        (void) state;
        diag_init(&d);
        assert_int_equal(capabilities_parse(xml, strlen(xml), TOPOLOGY_CPUS, &t, NULL, &d), 0);
        assert_string_equal(t.nodes[0].cpus, "1-3,7");
        topology_done(&t);
}

static void test_caps_reads_fixture_file(void **state) {
        const char *dir = getenv("TEST_FIXTURES");
        char path[4096];
        _cleanup_free_ char *present = NULL, *memory = NULL;
        struct topology t;
        struct diag d;

        (void) state;
        if (!dir)
                skip();
        snprintf(path, sizeof(path), "%s/caps-memoryless.xml", dir);
        diag_init(&d);
        if (capabilities_load(path, 0, &t, NULL, &d) < 0)
                fail_msg("%s", d.message);
        assert_int_equal(nodeset_format(&t.present, &present), 0);
        assert_int_equal(nodeset_format(&t.with_memory, &memory), 0);
        assert_string_equal(present, "0-3");
        assert_string_equal(memory, "0,2");
        topology_done(&t);
}

/* The cells and their <pages> in one pass. */
static void test_caps_reads_pages(void **state) {
        static const char xml[] =
                "<capabilities><host><topology><cells>"
                "<cell id='1'><memory>1</memory><pages unit='KiB' size='4'>100</pages>"
                "<pages unit='MiB' size='2'>7</pages><pages size='1048576'>\n 3 </pages></cell>"
                "<cell id='0'><pages unit='KiB' size='2048'>0</pages></cell>"
                "</cells></topology></host><pages size='4'>1</pages></capabilities>";
        _cleanup_free_ char *present = NULL;
        struct caps_pages p;
        struct topology t;
        struct diag d;

        (void) state;
        diag_init(&d);
        if (capabilities_parse(xml, strlen(xml), 0, &t, &p, &d) < 0)
                fail_msg("%s", d.message);
        assert_int_equal(nodeset_format(&t.present, &present), 0);
        assert_string_equal(present, "0-1");
        assert_int_equal(p.n, 4); /* the <pages> outside a cell is not a cell's */
        assert_int_equal(p.items[0].node, 1);
        assert_int_equal(p.items[0].size_kib, 4);
        assert_int_equal(p.items[0].count, 100);
        assert_int_equal(p.items[1].node, 1);
        assert_int_equal(p.items[1].size_kib, 2048);
        assert_int_equal(p.items[1].count, 7);
        assert_int_equal(p.items[2].size_kib, 1048576);
        assert_int_equal(p.items[2].count, 3);
        assert_int_equal(p.items[3].node, 0);
        assert_int_equal(p.items[3].size_kib, 2048);
        assert_int_equal(p.items[3].count, 0);
        caps_pages_done(&p);
        topology_done(&t);
}

#define CAPS_PAGES(cell, pages) CAPS("<cell" cell "><memory>1</memory>" pages "</cell>")

struct pages_case {
        const char *name;
        const char *xml;
        bool want_pages;   /* ask for the <pages> */
        const char *error; /* part of the message, or NULL */
};

/* clang-format off */
static const struct pages_case pages_cases[] = {
        {"pages_refuses_bad_size", CAPS_PAGES(" id='0'", "<pages size='x'>1</pages>"), true, "cell 0 has an invalid <pages>"},
        {"pages_refuses_bad_count", CAPS_PAGES(" id='0'", "<pages size='2048'>many</pages>"), true, "cell 0 has an invalid <pages>"},
        {"pages_refuses_long_count", CAPS_PAGES(" id='3'", "<pages size='2048'>1" "0000000000000000000000000000000000000000000000000000000000000000</pages>"),
                true, "cell 3 has an invalid <pages>"},
        {"pages_refuses_count_beyond_64_bits", CAPS_PAGES(" id='0'", "<pages size='2048'>18446744073709551616</pages>"), true,
                "cell 0 has an invalid <pages>"},
        {"pages_refuses_size_zero", CAPS_PAGES(" id='0'", "<pages size='0'>1</pages>"), true,
                "cell 0 has an invalid <pages>"},
        /* The cell is refused first, whether or not the pages are read. */
        {"pages_of_a_cell_without_id_refuse_the_cell", CAPS_PAGES("", "<pages size='2048'>1</pages>"), true,
                "capabilities XML has a <cell> without a valid id (0-4095)"},
        {"pages_after_broken_xml_say_so", "<capabilities><host><topology><cells><cell id='0'><pages size='x'>1</pages></cell>", true,
                "not well-formed"},
        {"pages_not_asked_for_are_not_judged", CAPS_PAGES(" id='0'", "<pages size='x'>1</pages>"), false, NULL},
};
/* clang-format on */

static void test_pages_case(void **state) {
        const struct pages_case *c = *state;
        struct caps_pages p = {0};
        struct topology t;
        struct diag d;
        int r;

        diag_init(&d);
        r = capabilities_parse(c->xml, strlen(c->xml), 0, &t, c->want_pages ? &p : NULL, &d);
        if (c->error) {
                if (r >= 0)
                        fail_msg("parsed, expected \"%s\"", c->error);
                assert_int_equal(r, -EINVAL);
                assert_contains(d.message, c->error);
                return;
        }
        if (r < 0)
                fail_msg("failed: %s", d.message);
        assert_int_equal(p.n, 0);
        topology_done(&t);
}

/* A memory-only node (<cpus num='0'/>) once reached qsort(NULL, 0, ...), which UBSan stops at. */
static void test_caps_memory_only_node_has_no_cpus(void **state) {
        const char *dir = getenv("TEST_FIXTURES");
        char path[4096];
        _cleanup_free_ char *unknown = NULL;
        struct topology t;
        struct diag d;

        (void) state;
        if (!dir)
                skip();
        snprintf(path, sizeof(path), "%s/caps-unknown-memory.xml", dir);
        diag_init(&d);
        if (capabilities_load(path, TOPOLOGY_CPUS, &t, NULL, &d) < 0)
                fail_msg("%s", d.message);
        assert_int_equal(t.n_nodes, 3);
        assert_string_equal(t.nodes[0].cpus, "0-1");
        assert_string_equal(t.nodes[2].cpus, "");
        assert_true(t.nodes[2].memory_unknown);
        assert_int_equal(nodeset_format(&t.memory_unknown, &unknown), 0);
        assert_string_equal(unknown, "0-2");
        topology_done(&t);
}

/* ---- <distances> ---- */

#define DCELL(id, siblings)                                                                                  \
        "<cell id='" #id "'><memory unit='KiB'>4</memory><distances>" siblings "</distances></cell>"
#define SIB(id, v) "<sibling id='" #id "' value='" #v "'/>"

struct distance_case {
        const char *name;
        const char *xml;
        const char *want; /* each node's row, "0:0=10,1=21 1:..."; a node without any: "0:" */
};

/* clang-format off */
static const struct distance_case distance_cases[] = {
        {"distances_two_cells", CAPS(DCELL(0, SIB(0, 10) SIB(1, 21)) DCELL(1, SIB(0, 21) SIB(1, 10))), "0:0=10,1=21 1:0=21,1=10"},
        {"distances_sorted_by_sibling", CAPS(DCELL(0, SIB(1, 21) SIB(0, 10))), "0:0=10,1=21"},
        {"distances_absent_are_unknown", CAPS(CELL(0, 4) CELL(1, 4)), "0: 1:"},
        {"distances_of_one_cell_only", CAPS(DCELL(0, SIB(0, 10) SIB(1, 32)) CELL(1, 4)), "0:0=10,1=32 1:"},
        {"distances_later_sibling_counts", CAPS(DCELL(0, SIB(1, 20) SIB(0, 10) SIB(1, 30))), "0:0=10,1=30"},
        {"distances_unreadable_sibling_left_out", CAPS(DCELL(0, SIB(0, 10) SIB(1, far) "<sibling id='2'/>" SIB(x, 5) SIB(3, 0) SIB(4, -1) SIB(5, 12))), "0:0=10,5=12"},
        {"distances_sibling_outside_distances_ignored", CAPS("<cell id='0'><memory unit='KiB'>4</memory>" SIB(1, 20) "<cpus num='0'>" SIB(2, 20) "</cpus></cell>"), "0:"},
};
/* clang-format on */

static void test_distance_case(void **state) {
        const struct distance_case *c = *state;
        _cleanup_(topology_done) struct topology t = {0};
        char got[256] = "";
        size_t len = 0;
        struct diag d;

        diag_init(&d);
        if (capabilities_parse(c->xml, strlen(c->xml), 0, &t, NULL, &d) < 0)
                fail_msg("parse failed: %s", d.message);
        for (size_t i = 0; i < t.n_nodes; i++) {
                const struct node_facts *f = &t.nodes[i].facts;

                len += (size_t) snprintf(got + len, sizeof(got) - len, "%s%u:", i ? " " : "", t.nodes[i].id);
                for (size_t j = 0; j < f->n_distances && len < sizeof(got); j++)
                        len += (size_t) snprintf(got + len, sizeof(got) - len, "%s%u=%u", j ? "," : "",
                                f->distances[j].id, f->distances[j].value);
                assert_true(len < sizeof(got));
        }
        assert_string_equal(got, c->want);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_caps_case);
        UNIT_TEST(&suite, test_caps_lists_cpus);
        UNIT_TEST(&suite, test_caps_reads_fixture_file);
        UNIT_TEST(&suite, test_caps_reads_pages);
        UNIT_TABLE(&suite, pages_cases, test_pages_case);
        UNIT_TEST(&suite, test_caps_memory_only_node_has_no_cpus);
        UNIT_TABLE(&suite, distance_cases, test_distance_case);
        return UNIT_RUN(&suite, "capabilities");
}
