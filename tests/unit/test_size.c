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
        {"bytes_b", "512", "b", 0, 1 * KI},
        {"bytes_word", "2048", "bytes", 0, 2 * KI},
        {"kilobytes", "2", "KB", 0, 2 * KI},
        {"k_is_kib", "2", "k", 0, 2 * KI},
        {"kib", "2", "KiB", 0, 2 * KI},
        {"megabytes", "4", "MB", 0, 3907 * KI},
        {"mib", "3", "MiB", 0, 3 * KI * KI},
        {"m_is_mib", "3", "M", 0, 3 * KI * KI},
        {"gigabytes", "4", "GB", 0, 3906250 * KI},
        {"g_and_gib", "4", "G", 0, 4 * KI * KI * KI},
        {"gib_any_case", "4", "gib", 0, 4 * KI * KI * KI},
        {"terabytes", "1", "TB", 0, UINT64_C(1000000000000)},
        {"tib", "1", "TiB", 0, KI * KI * KI * KI},
        {"t_is_tib", "2", "T", 0, 2 * KI * KI * KI * KI},
        {"bytes_byte", "4", "byte", 0, 1 * KI},
        {"bytes_any_case", "4096", "BYTE", 0, 4 * KI},
        {"bytes_round_up_to_kib", "1025", "b", 0, 2 * KI},
        {"petabytes", "1", "pb", 0, UINT64_C(1000000000000000)},
        {"pib", "1", "PiB", 0, KI * KI * KI * KI * KI},
        {"exbibytes", "7", "eib", 0, UINT64_C(7) << 60},
        {"exabytes", "9", "eb", 0, UINT64_C(9000000000000000000)},
        {"kib_any_case", "4", "KIB", 0, 4 * KI},
        {"leading_blanks", " \t\n16", "KiB", 0, 16 * KI},
        {"leading_plus", "+16", "KiB", 0, 16 * KI},
        {"blanks_then_plus", " +16", "KiB", 0, 16 * KI},
        {"leading_zero_is_decimal", "010", "KiB", 0, 10 * KI},
        {"many_leading_zeros", "00000000000000000000000001", "b", 0, 1 * KI},
        {"zero", "0", "KiB", 0, 0},
        {"largest_kib", "9007199254740991", "KiB", 0, UINT64_C(9007199254740991) * KI},
        {"largest_bytes", "9223372036854774784", "b", 0, UINT64_C(9223372036854774784)},
        {"rejects_trailing_blank", "16 ", "KiB", -EINVAL, 0},
        {"rejects_blanks_only", " ", "KiB", -EINVAL, 0},
        {"rejects_unknown_unit", "1", "XB", -EINVAL, 0},
        {"rejects_bad_suffix", "1", "Kix", -EINVAL, 0},
        {"rejects_ki", "1", "Ki", -EINVAL, 0},
        {"rejects_blank_in_unit", "1", " KiB", -EINVAL, 0},
        {"rejects_empty_number", "", "KiB", -EINVAL, 0},
        {"rejects_negative", "-1", "KiB", -EINVAL, 0},
        {"rejects_negative_zero", "-0", "KiB", -EINVAL, 0},
        {"rejects_plus_blank", "+ 1", "KiB", -EINVAL, 0},
        {"rejects_two_plus", "++1", "KiB", -EINVAL, 0},
        {"rejects_hex", "0x10", "KiB", -EINVAL, 0},
        {"rejects_exponent", "1e3", "KiB", -EINVAL, 0},
        {"rejects_fraction", "1.5", "GiB", -EINVAL, 0},
        {"rejects_overflow_of_digits", "99999999999999999999", "b", -ERANGE, 0},
        {"rejects_overflow_of_scale", "17179869184", "GiB", -ERANGE, 0},
        {"rejects_above_int64", "9223372036854775808", "b", -ERANGE, 0},
        {"rejects_eight_eib", "8", "eib", -ERANGE, 0},
        {"rejects_2_53_kib", "9007199254740992", "KiB", -ERANGE, 0},
        {"rejects_int64_max_bytes", "9223372036854775807", "b", -ERANGE, 0},
        {"rejects_one_byte_more_than_largest", "9223372036854774785", "b", -ERANGE, 0},
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
