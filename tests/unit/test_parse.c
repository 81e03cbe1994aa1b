/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "nodeset.h"
#include "parse.h"
#include "unit.h"

static void test_parse_id(void **state) {
        static const struct {
                const char *s;
                unsigned long max;
                long id;
        } cases[] = {
                {"0", 10, 0},
                {"7", 10, 7},
                {"10", 10, 10},
                {"11", 10, -1},
                {"", 10, -1},
                {"-1", 10, -1},
                {" 1", 10, -1},
                {"1 ", 10, -1},
                {"0x1", 10, -1},
                {"4095", NODE_ID_MAX, 4095},
                {"99999999999999999999999", NODE_ID_MAX, -1},
        };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                if (parse_id_str(cases[i].s, cases[i].max) != cases[i].id)
                        fail_msg(
                                "parse_id(\"%s\", %lu): expected %ld", cases[i].s, cases[i].max, cases[i].id);
        assert_int_equal(parse_id_str(NULL, 10), -1);
}

/* virXMLPropUInt's reading, as libvirt's test driver showed it for <cell id> and <memnode cellid>. */
static void test_parse_uint_libvirt(void **state) {
        static const struct {
                const char *s;
                long id;
        } cases[] = {
                {"1", 1},
                {" 1", 1},
                {"+1", 1},
                {" \t+01", 1},
                {"1 ", -1},
                {"", -1},
                {"-0", -1},
                {"+ 1", -1},
                {"++1", -1},
                {"0x1", -1},
                {"4096", -1},
        };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                if (parse_uint_libvirt(cases[i].s, NODE_ID_MAX) != cases[i].id)
                        fail_msg("parse_uint_libvirt(\"%s\") = %ld, expected %ld", cases[i].s,
                                parse_uint_libvirt(cases[i].s, NODE_ID_MAX), cases[i].id);
        assert_int_equal(parse_uint_libvirt(NULL, 10), -1);
}

static void test_range_writer_empty_gives_empty_string(void **state) {
        struct range_writer w = RANGE_WRITER_INIT;
        _cleanup_free_ char *s = NULL;

        (void) state;
        assert_int_equal(range_writer_finish(&w, &s), 0);
        assert_string_equal(s, "");
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TEST(&suite, test_parse_id);
        UNIT_TEST(&suite, test_parse_uint_libvirt);
        UNIT_TEST(&suite, test_range_writer_empty_gives_empty_string);
        return UNIT_RUN(&suite, "parse");
}
