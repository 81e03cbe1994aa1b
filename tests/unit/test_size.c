/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "size.h"
#include "unit.h"

struct parse_case {
        const char *name;
        const char *number, *unit;
        int result;
        uint64_t bytes;
};

#define KI UINT64_C(1024)

/* clang-format off */
static const struct parse_case parse_cases[] = {
        {"defaults_to_kib", "4", NULL, 0, 4 * KI},
        {"empty_unit_is_kib", "4", "", 0, 4 * KI},
        {"bytes_b", "512", "b", 0, 512},
        {"bytes_word", "512", "bytes", 0, 512},
        {"kilobytes", "2", "KB", 0, 2000},
        {"k_is_kib", "2", "k", 0, 2 * KI},
        {"kib", "2", "KiB", 0, 2 * KI},
        {"megabytes", "3", "MB", 0, 3000000},
        {"mib", "3", "MiB", 0, 3 * KI * KI},
        {"m_is_mib", "3", "M", 0, 3 * KI * KI},
        {"gigabytes", "1", "GB", 0, 1000000000},
        {"g_and_gib", "4", "G", 0, 4 * KI * KI * KI},
        {"gib_any_case", "4", "gib", 0, 4 * KI * KI * KI},
        {"terabytes", "1", "TB", 0, UINT64_C(1000000000000)},
        {"tib", "1", "TiB", 0, KI * KI * KI * KI},
        {"t_is_tib", "2", "T", 0, 2 * KI * KI * KI * KI},
        {"blanks_around_number", " 16\n", "KiB", 0, 16 * KI},
        {"rejects_unknown_unit", "1", "XB", -EINVAL, 0},
        {"rejects_bad_suffix", "1", "Kix", -EINVAL, 0},
        {"rejects_empty_number", "", "KiB", -EINVAL, 0},
        {"rejects_negative", "-1", "KiB", -EINVAL, 0},
        {"rejects_fraction", "1.5", "GiB", -EINVAL, 0},
        {"rejects_overflow_of_digits", "99999999999999999999", "b", -ERANGE, 0},
        {"rejects_overflow_of_scale", "17179869184", "GiB", -ERANGE, 0},
        {"accepts_uint64_max_bytes", "18446744073709551615", "b", 0, UINT64_MAX},
};
/* clang-format on */

static void test_parse_case(void **state) {
        const struct parse_case *c = *state;
        uint64_t v = 0;

        assert_int_equal(size_parse(c->number, c->unit, &v), c->result);
        if (c->result == 0)
                assert_true(v == c->bytes);
}

static void test_format(void **state) {
        static const struct {
                uint64_t bytes;
                const char *text;
        } cases[] = {
                {0, "0 B"},
                {12, "12 B"},
                {1024, "1 KiB"},
                {1536 * 1024, "1.5 MiB"},
                {UINT64_C(8) << 30, "8 GiB"},
                {(UINT64_C(8) << 30) - 1, "7.9 GiB"},
                {UINT64_MAX, "15.9 EiB"},
        };
        char buf[SIZE_FORMAT_MAX];

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(size_format(cases[i].bytes, buf), cases[i].text);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, parse_cases, test_parse_case);
        UNIT_TEST(&suite, test_format);
        return UNIT_RUN(&suite, "size");
}
