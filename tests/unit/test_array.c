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

struct sort_case {
        const char *name;
        size_t n;
        uint64_t in[6], want[6];
        size_t want_n;
};

/* clang-format off */
static const struct sort_case sort_cases[] = {
        {"sorts_nothing", 0, {0}, {0}, 0},
        {"keeps_one", 1, {2048}, {2048}, 1},
        {"sorts_ascending", 3, {1048576, 2048, 4}, {4, 2048, 1048576}, 3},
        {"drops_repeats", 6, {2048, 4, 2048, 1048576, 4, 2048}, {4, 2048, 1048576}, 3},
        {"compares_past_32_bits", 2, {UINT64_MAX, UINT64_C(1) << 32}, {UINT64_C(1) << 32, UINT64_MAX}, 2},
};
/* clang-format on */

static void test_sort_case(void **state) {
        const struct sort_case *c = *state;
        uint64_t v[6];

        memcpy(v, c->in, sizeof(v));
        /* The empty case passes NULL, as a caller with nothing read does: qsort() must not see it. */
        assert_int_equal(array_sort_unique_u64(c->n ? v : NULL, c->n), c->want_n);
        for (size_t i = 0; i < c->want_n; i++)
                assert_true(v[i] == c->want[i]);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_array_case);
        UNIT_TABLE(&suite, sort_cases, test_sort_case);
        return UNIT_RUN(&suite, "array");
}
