/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "nodeset.h"
#include "unit.h"

struct parse_case {
        const char *name;
        const char *input; /* libvirt's nodeset syntax */
        int result;
        const char *canonical;
};

/* clang-format off */
static const struct parse_case parse_cases[] = {
        {"single_node", "3", 0, "3"},
        {"list_and_range", "0,2-4", 0, "0,2-4"},
        {"formats_pair_as_range", "6,7", 0, "6-7"},
        {"applies_caret_in_order", "1-4,^3,6", 0, "1-2,4,6"},
        {"caret_before_item_removes_nothing", "^3,1-4", 0, "1-4"},
        {"unsorted_input", "7,0,3-4", 0, "0,3-4,7"},
        {"blanks_around_items", " 0 , 1 ", 0, "0-1"},
        {"blanks_around_dash", "0 - 1", 0, "0-1"},
        {"blank_after_dash", "0- 1", 0, "0-1"},
        {"blank_before_dash", "0 -1", 0, "0-1"},
        {"plus_before_range_end", "0-+1", 0, "0-1"},
        {"other_blanks", "0,\t1\n-\r2", 0, "0-2"},
        {"leading_zero_is_decimal", "010", 0, "10"},
        {"trailing_comma", "1,", 0, "1"},
        {"trailing_comma_and_blank", "1, ", 0, "1"},
        {"caret_removes_earlier_item", "0,^0,1", 0, "1"},
        {"largest_id", "4095", 0, "4095"},
        {"rejects_empty_result", "1,^1", -EINVAL, NULL},
        {"rejects_lone_caret", "^3", -EINVAL, NULL},
        {"rejects_empty", "", -EINVAL, NULL},
        {"rejects_blanks_only", " ", -EINVAL, NULL},
        {"rejects_double_comma", "0,,1", -EINVAL, NULL},
        {"rejects_leading_comma", ",0", -EINVAL, NULL},
        {"rejects_blank_between_numbers", "1 2", -EINVAL, NULL},
        {"rejects_blank_after_caret", "^ 1,0", -EINVAL, NULL},
        {"rejects_caret_as_range_end", "0-^1", -EINVAL, NULL},
        {"rejects_plus_before_first", "+0", -EINVAL, NULL},
        {"rejects_blank_after_plus", "0-+ 1", -EINVAL, NULL},
        {"rejects_negative_end", "0--1", -EINVAL, NULL},
        {"rejects_double_range", "0-1-2", -EINVAL, NULL},
        {"rejects_hex", "0x1", -EINVAL, NULL},
        {"rejects_reversed", "4-1", -EINVAL, NULL},
        {"rejects_caret_range", "^1-3", -EINVAL, NULL},
        {"rejects_letters", "a", -EINVAL, NULL},
        {"rejects_above_limit", "4096", -ERANGE, NULL},
        {"rejects_huge", "99999999999999999999999", -ERANGE, NULL},
};
/* clang-format on */

static void test_parse_case(void **state) {
        const struct parse_case *c = *state;
        _cleanup_free_ char *got = NULL;
        struct nodeset s;

        assert_int_equal(nodeset_parse_libvirt(c->input, &s), c->result);
        if (c->result < 0)
                return;
        assert_int_equal(nodeset_format(&s, &got), 0);
        assert_string_equal(got, c->canonical);
}

/* The canonical form parses back to the same set (libvirt keeps it unchanged). */
static void test_format_round_trips(void **state) {
        static const unsigned ids[][6] = {
                {0, 1, 2, 4, 6, 7},
                {4095, 4095, 4095, 4095, 4095, 4095},
                {1, 3, 5, 7, 9, 11},
                {0, 63, 64, 65, 127, 128},
        };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
                _cleanup_free_ char *str = NULL, *again = NULL;
                struct nodeset s, t;

                nodeset_clear(&s);
                for (size_t k = 0; k < ELEMENTSOF(ids[i]); k++)
                        nodeset_add(&s, ids[i][k]);
                assert_int_equal(nodeset_format(&s, &str), 0);
                assert_int_equal(nodeset_parse_libvirt(str, &t), 0);
                assert_true(nodeset_equal(&s, &t));
                assert_int_equal(nodeset_format(&t, &again), 0);
                assert_string_equal(str, again);
        }
}

static void test_set_operations(void **state) {
        struct nodeset a, b;

        (void) state;
        nodeset_clear(&a);
        nodeset_clear(&b);
        assert_true(nodeset_is_empty(&a));
        assert_int_equal(nodeset_next(&a, 0), -1);

        nodeset_add_range(&a, 0, 9);
        nodeset_add_range(&b, 5, 70);
        assert_int_equal(nodeset_count(&a), 10);
        nodeset_intersect(&a, &b);
        assert_int_equal(nodeset_count(&a), 5);
        assert_int_equal(nodeset_next(&a, 0), 5);
        assert_int_equal(nodeset_next(&a, 10), -1);
        nodeset_union(&a, &b);
        assert_int_equal(nodeset_count(&a), 66);
        nodeset_subtract(&a, &b);
        assert_true(nodeset_is_empty(&a));
        nodeset_remove_range(&b, 6, 69);
        assert_int_equal(nodeset_count(&b), 2);
        assert_true(nodeset_contains(&b, 70));
        assert_false(nodeset_contains(&b, 4096));
        assert_int_equal(nodeset_next(&b, 6), 70);
}

static void test_formats_worst_case(void **state) {
        _cleanup_free_ char *str = NULL;
        struct nodeset s;

        (void) state;
        nodeset_clear(&s);
        for (unsigned n = 0; n <= NODE_ID_MAX; n += 2)
                nodeset_add(&s, n);
        assert_int_equal(nodeset_format(&s, &str), 0);
        assert_int_equal(strncmp(str, "0,2,4,", 6), 0);
        assert_non_null(strstr(str, ",4092,4094"));
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, parse_cases, test_parse_case);
        UNIT_TEST(&suite, test_format_round_trips);
        UNIT_TEST(&suite, test_set_operations);
        UNIT_TEST(&suite, test_formats_worst_case);
        return UNIT_RUN(&suite, "nodeset");
}
