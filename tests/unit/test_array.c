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

struct sort_unsigned_case {
        const char *name;
        size_t n;
        unsigned in[6], want[6];
        size_t want_n;
};

/* clang-format off */
static const struct sort_unsigned_case sort_unsigned_cases[] = {
        {.name = "sorts_no_cpus", .n = 0, .want_n = 0},
        {.name = "keeps_one_cpu", .n = 1, .in = {7}, .want = {7}, .want_n = 1},
        {.name = "sorts_cpus_ascending", .n = 4, .in = {3, 0, 2, 1}, .want = {0, 1, 2, 3}, .want_n = 4},
        {.name = "drops_repeated_cpus", .n = 6, .in = {8, 1, 8, 0, 1, 8}, .want = {0, 1, 8}, .want_n = 3},
        {.name = "compares_high_cpu_ids", .n = 3, .in = {UINT32_MAX, 0, 1u << 31}, .want = {0, 1u << 31, UINT32_MAX}, .want_n = 3},
};
/* clang-format on */

static void test_sort_unsigned_case(void **state) {
        const struct sort_unsigned_case *c = *state;
        unsigned v[6];

        memcpy(v, c->in, sizeof(v));
        /* A memory-only cell has no CPU array at all: NULL with 0 must be fine. */
        assert_int_equal(array_sort_unique_unsigned(c->n ? v : NULL, c->n), c->want_n);
        for (size_t i = 0; i < c->want_n; i++)
                assert_int_equal(v[i], c->want[i]);
}

/* A key and which of its elements this is: array_sort_unique_by() keeps the one its cmp puts first. */
struct keyed {
        unsigned key, tag;
};

static int cmp_key(const void *a, const void *b) {
        const struct keyed *x = a, *y = b;

        return array_cmp_unsigned(&x->key, &y->key);
}

/* By key, then the highest tag first: of each key, the highest tag stays. */
static int cmp_key_tag_down(const void *a, const void *b) {
        const struct keyed *x = a, *y = b;
        int by_key = cmp_key(a, b);

        return by_key != 0 ? by_key : array_cmp_unsigned(&y->tag, &x->tag);
}

struct sort_by_case {
        const char *name;
        size_t n;
        struct keyed in[6], want[6];
        size_t want_n;
};

/* clang-format off */
static const struct sort_by_case sort_by_cases[] = {
        {.name = "sorts_by_key_nothing", .n = 0, .want_n = 0},
        {.name = "keeps_distinct_keys", .n = 3,
         .in = {{5, 0}, {1, 1}, {3, 2}}, .want = {{1, 1}, {3, 2}, {5, 0}}, .want_n = 3},
        {.name = "keeps_the_element_cmp_puts_first", .n = 6,
         .in = {{2, 0}, {1, 1}, {2, 2}, {1, 3}, {2, 4}, {7, 5}}, .want = {{1, 3}, {2, 4}, {7, 5}}, .want_n = 3},
};
/* clang-format on */

static void test_sort_by_case(void **state) {
        const struct sort_by_case *c = *state;
        struct keyed v[6];

        memcpy(v, c->in, sizeof(v));
        assert_int_equal(array_sort_unique_by(c->n ? v : NULL, c->n, sizeof(*v), cmp_key_tag_down, cmp_key),
                c->want_n);
        for (size_t i = 0; i < c->want_n; i++) {
                assert_int_equal(v[i].key, c->want[i].key);
                assert_int_equal(v[i].tag, c->want[i].tag);
        }
}

struct index_case {
        const char *name;
        size_t n;
        unsigned want_id;
        size_t want; /* n: absent */
};

/* clang-format off */
static const struct index_case index_cases[] = {
        {.name = "finds_no_id_in_nothing", .n = 0, .want_id = 1, .want = 0},
        {.name = "finds_the_first_id", .n = 4, .want_id = 1, .want = 0},
        {.name = "finds_a_middle_id", .n = 4, .want_id = 4, .want = 2},
        {.name = "finds_the_last_id", .n = 4, .want_id = 9, .want = 3},
        {.name = "misses_an_id_below_all", .n = 4, .want_id = 0, .want = 4},
        {.name = "misses_an_id_between", .n = 4, .want_id = 5, .want = 4},
        {.name = "misses_an_id_above_all", .n = 4, .want_id = 10, .want = 4},
};
/* clang-format on */

static void test_index_case(void **state) {
        const struct index_case *c = *state;
        static const struct {
                uint64_t other;
                unsigned id;
        } nodes[] = {{10, 1}, {30, 3}, {40, 4}, {90, 9}};

        assert_int_equal(INDEX_BY_ID(c->n ? nodes : NULL, c->n, c->want_id), c->want);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_array_case);
        UNIT_TABLE(&suite, sort_cases, test_sort_case);
        UNIT_TABLE(&suite, sort_unsigned_cases, test_sort_unsigned_case);
        UNIT_TABLE(&suite, sort_by_cases, test_sort_by_case);
        UNIT_TABLE(&suite, index_cases, test_index_case);
        return UNIT_RUN(&suite, "array");
}
