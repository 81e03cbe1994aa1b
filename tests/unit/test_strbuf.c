/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "strbuf.h"
#include "unit.h"

struct strbuf_case {
        const char *name;
        const char *parts[4]; /* appended in order; NULL ends */
        const char *result;
};

/* clang-format off */
static const struct strbuf_case cases[] = {
        {"empty_gives_empty_string", {NULL}, ""},
        {"joins_parts", {"<numatune>", "<memory/>", "</numatune>", NULL}, "<numatune><memory/></numatune>"},
        {"keeps_empty_parts", {"", "a", "", NULL}, "a"},
};
/* clang-format on */

static void test_strbuf_case(void **state) {
        const struct strbuf_case *c = *state;
        struct strbuf b = {0};
        _cleanup_free_ char *s = NULL;

        for (size_t i = 0; i < ELEMENTSOF(c->parts) && c->parts[i]; i++)
                strbuf_str(&b, c->parts[i]);
        assert_int_equal(strbuf_finish(&b, &s), 0);
        assert_string_equal(s, c->result);
        assert_null(b.p);
}

/* Growing past the first allocation many times keeps every byte. */
static void test_strbuf_grows(void **state) {
        struct strbuf b = {0};
        _cleanup_free_ char *s = NULL;

        (void) state;
        for (int i = 0; i < 10000; i++)
                strbuf_add(&b, "0123456789", 10);
        assert_int_equal(b.len, 100000);
        assert_int_equal(strbuf_finish(&b, &s), 0);
        assert_int_equal(strlen(s), 100000);
        assert_memory_equal(s + 99990, "0123456789", 10);
}

static void test_strbuf_reports_oom_once(void **state) {
        struct strbuf b = {.oom = true};
        char *s = NULL;

        (void) state;
        strbuf_str(&b, "x");
        assert_int_equal(strbuf_finish(&b, &s), -ENOMEM);
        assert_null(s);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_strbuf_case);
        UNIT_TEST(&suite, test_strbuf_grows);
        UNIT_TEST(&suite, test_strbuf_reports_oom_once);
        return UNIT_RUN(&suite, "strbuf");
}
