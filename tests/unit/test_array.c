/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "array.h"
#include "unit.h"

struct array_case {
        const char *name;
        size_t count;
};

/* clang-format off */
static const struct array_case cases[] = {
        {"appends_one", 1},
        {"fills_first_capacity", 4},
        {"crosses_first_doubling", 5},
        {"crosses_many_doublings", 1000},
        {"handles_hostile_counts", 100000},
};
/* clang-format on */

/* Every element keeps its value across the reallocations, and new ones start zeroed. */
static void test_array_case(void **state) {
        const struct array_case *c = *state;
        struct item {
                size_t value, zero;
        } *items = NULL;
        size_t n = 0;

        for (size_t i = 0; i < c->count; i++) {
                struct item *it = array_append(&items, &n, sizeof(*items));

                assert_non_null(it);
                assert_int_equal(it->zero, 0);
                assert_int_equal(it->value, 0);
                it->value = i;
        }
        assert_int_equal(n, c->count);
        for (size_t i = 0; i < n; i++)
                assert_int_equal(items[i].value, i);
        free(items);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_array_case);
        return UNIT_RUN(&suite, "array");
}
