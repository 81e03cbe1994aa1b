/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>

#include "diag.h"
#include "unit.h"

struct quote_case {
        const char *name;
        const char *input;
        size_t len, max;
        const char *quoted;
};

/* clang-format off */
static const struct quote_case quote_cases[] = {
        {"keeps_printable_ascii", "strict:1-4", 10, 64, "strict:1-4"},
        {"escapes_newline", "a\nb", 3, 64, "a\\x0ab"},
        {"escapes_quote_and_backslash", "a'\\", 3, 64, "a\\x27\\x5c"},
        {"escapes_non_ascii", "\xc3\xa9", 2, 64, "\\xc3\\xa9"},
        {"escapes_nul_inside_length", "a\0b", 3, 64, "a\\x00b"},
        {"cuts_long_value", "abcdefgh", 8, 4, "abcd..."},
};
/* clang-format on */

static void test_quote_case(void **state) {
        const struct quote_case *c = *state;
        char buf[64];

        diag_quote(c->input, c->len, c->max, buf, sizeof(buf));
        assert_string_equal(buf, c->quoted);
}

static void test_quote_never_overflows_small_buffer(void **state) {
        char buf[12];

        (void) state;
        diag_quote("\x01\x02\x03\x04\x05\x06", 6, 64, buf, sizeof(buf));
        assert_true(strlen(buf) < sizeof(buf));
        assert_contains(buf, "...");
}

struct quote_size_case {
        const char *name;
        size_t len; /* bytes of \x01 to quote */
        size_t max; /* max_shown, which sizes the buffer */
        bool cut;   /* the value is longer than max: "..." after max escapes */
};

/* clang-format off */
static const struct quote_size_case quote_size_cases[] = {
        {.name = "sized_buffer_holds_one_escaped_byte", .len = 1, .max = 1, .cut = false},
        {.name = "sized_buffer_holds_max_escaped_bytes", .len = 32, .max = 32, .cut = false},
        {.name = "sized_buffer_cuts_after_max_escaped_bytes", .len = 33, .max = 32, .cut = true},
        {.name = "sized_buffer_holds_64_escaped_bytes", .len = 64, .max = 64, .cut = false},
};
/* clang-format on */

/* A buffer of DIAG_QUOTE_SIZE(max) shows max bytes whatever they are: the cut is at max_shown, never earlier.
 */
static void test_quote_size_case(void **state) {
        const struct quote_size_case *c = *state;
        char in[128], want[512], buf[DIAG_QUOTE_SIZE(64)];
        size_t shown = c->cut ? c->max : c->len;

        memset(in, 0x01, c->len);
        want[0] = '\0';
        for (size_t i = 0; i < shown; i++)
                strcat(want, "\\x01");
        if (c->cut)
                strcat(want, "...");
        diag_quote(in, c->len, c->max, buf, DIAG_QUOTE_SIZE(c->max));
        assert_string_equal(buf, want);
}

static void test_first_error_wins(void **state) {
        struct diag d;

        (void) state;
        diag_init(&d);
        assert_int_equal(diag_error(&d, -EINVAL, "first %d", 1), -EINVAL);
        assert_int_equal(diag_error(&d, -EIO, "second"), -EIO);
        assert_int_equal(d.error, -EINVAL);
        assert_string_equal(d.message, "first 1");
}

static void test_messages_stay_on_one_line(void **state) {
        struct diag d;

        (void) state;
        diag_init(&d);
        diag_error(&d, -EINVAL, "a%sb", "\n\r\t");
        assert_string_equal(d.message, "a   b");
        diag_warn(&d, "x\ny");
        assert_string_equal(d.warnings[0], "x y");
}

struct flatten_case {
        const char *name;
        const char *text;
        const char *stored;
};

/* clang-format off */
static const struct flatten_case flatten_cases[] = {
        {"control_bytes_become_spaces", "a\x01\x1c\x7f" "b", "a   b"},
        {"nel_becomes_a_space", "a\xc2\x85" "numa: forged", "a numa: forged"},
        {"line_separator_becomes_a_space", "a\xe2\x80\xa8" "b", "a b"},
        {"paragraph_separator_becomes_a_space", "a\xe2\x80\xa9" "b", "a b"},
        {"other_non_ascii_stays", "caf\xc3\xa9 \xe2\x80\xa6 \xc2\xa0", "caf\xc3\xa9 \xe2\x80\xa6 \xc2\xa0"},
        {"cut_sequence_at_the_end_stays", "a\xe2\x80", "a\xe2\x80"},
        {"breaks_in_a_row", "\xe2\x80\xa8\xc2\x85\n\xe2\x80\xa9", "    "},
};
/* clang-format on */

/* Errors and warnings alike: every stderr line goes through the same flattening. */
static void test_flatten_case(void **state) {
        const struct flatten_case *c = *state;
        struct diag d;

        diag_init(&d);
        diag_error(&d, -EINVAL, "%s", c->text);
        assert_string_equal(d.message, c->stored);
        diag_warn(&d, "%s", c->text);
        assert_string_equal(d.warnings[0], c->stored);
}

static void test_warnings_are_capped(void **state) {
        struct diag d;

        (void) state;
        diag_init(&d);
        for (int i = 0; i < DIAG_WARNINGS_MAX + 3; i++)
                diag_warn(&d, "w%d", i);
        assert_int_equal(d.n_warnings, DIAG_WARNINGS_MAX);
        assert_int_equal(d.n_dropped_warnings, 3);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, quote_cases, test_quote_case);
        UNIT_TABLE(&suite, quote_size_cases, test_quote_size_case);
        UNIT_TEST(&suite, test_quote_never_overflows_small_buffer);
        UNIT_TEST(&suite, test_first_error_wins);
        UNIT_TEST(&suite, test_messages_stay_on_one_line);
        UNIT_TABLE(&suite, flatten_cases, test_flatten_case);
        UNIT_TEST(&suite, test_warnings_are_capped);
        return UNIT_RUN(&suite, "diag");
}
