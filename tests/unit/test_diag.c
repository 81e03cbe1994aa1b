/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

/* Warnings "b0".. before the mark, an error and "a0".. after it. */
static void fill_around_mark(struct diag *d, size_t before, size_t after, struct diag_mark *ret_mark) {
        diag_init(d);
        for (size_t i = 0; i < before; i++)
                diag_warn(d, "b%zu", i);
        *ret_mark = diag_mark(d);
        for (size_t i = 0; i < after; i++)
                diag_warn(d, "a%zu", i);
        diag_error(d, -EINVAL, "E: %s", "misfit");
}

struct demote_case {
        const char *name;
        size_t before, after; /* warnings before the mark and after it */
        size_t n_warnings, n_dropped;
};

/* clang-format off */
static const struct demote_case demote_cases[] = {
        {.name = "demote_alone", .before = 0, .after = 0, .n_warnings = 1, .n_dropped = 0},
        {.name = "demote_goes_before_the_step_warnings", .before = 1, .after = 2, .n_warnings = 4, .n_dropped = 0},
        {.name = "demote_when_full_drops_the_last", .before = 10, .after = 6, .n_warnings = DIAG_WARNINGS_MAX,
         .n_dropped = 1},
        {.name = "demote_past_the_cap_is_counted", .before = DIAG_WARNINGS_MAX, .after = 2,
         .n_warnings = DIAG_WARNINGS_MAX, .n_dropped = 3},
};
/* clang-format on */

/* The warning list a demote gives: the one a step that warned first would have given. */
static void test_demote_case(void **state) {
        const struct demote_case *c = *state;
        struct diag_mark mark;
        struct diag d;

        fill_around_mark(&d, c->before, c->after, &mark);
        diag_demote(&d, mark, "; not refused (%d)", 7);
        assert_int_equal(d.error, 0);
        assert_string_equal(d.message, "");
        assert_int_equal(d.n_warnings, c->n_warnings);
        assert_int_equal(d.n_dropped_warnings, c->n_dropped);
        for (size_t i = 0; i < d.n_warnings; i++) {
                char want[64];

                if (i < c->before)
                        snprintf(want, sizeof(want), "b%zu", i);
                else if (i == c->before)
                        snprintf(want, sizeof(want), "E: misfit; not refused (7)");
                else
                        snprintf(want, sizeof(want), "a%zu", i - c->before - 1);
                assert_string_equal(d.warnings[i], want);
        }
}

static void test_demote_cuts_at_the_line_length(void **state) {
        struct diag_mark mark;
        struct diag d;
        char long_message[DIAG_LINE_MAX + 8];

        (void) state;
        memset(long_message, 'x', sizeof(long_message) - 1);
        long_message[sizeof(long_message) - 1] = '\0';
        diag_init(&d);
        mark = diag_mark(&d);
        diag_error(&d, -EINVAL, "%s", long_message + 20);
        diag_demote(&d, mark, "; %s", long_message);
        assert_int_equal(d.n_warnings, 1);
        assert_int_equal(strlen(d.warnings[0]), DIAG_LINE_MAX - 1);
        assert_int_equal(d.warnings[0][strlen(long_message + 20)], ';');
}

struct rewind_case {
        const char *name;
        size_t before, after;
};

/* clang-format off */
static const struct rewind_case rewind_cases[] = {
        {.name = "rewind_forgets_error_and_warnings", .before = 2, .after = 3},
        {.name = "rewind_forgets_dropped_warnings", .before = DIAG_WARNINGS_MAX - 1, .after = 4},
        {.name = "rewind_with_nothing_before", .before = 0, .after = 1},
};
/* clang-format on */

static void test_rewind_case(void **state) {
        const struct rewind_case *c = *state;
        struct diag_mark mark;
        struct diag d;

        fill_around_mark(&d, c->before, c->after, &mark);
        diag_rewind(&d, mark);
        assert_int_equal(d.error, 0);
        assert_string_equal(d.message, "");
        assert_int_equal(d.n_warnings, c->before);
        assert_int_equal(d.n_dropped_warnings, 0);
        /* What comes next is recorded as if the try had not been. */
        assert_int_equal(diag_error(&d, -EIO, "second try"), -EIO);
        assert_string_equal(d.message, "second try");
}

struct reword_case {
        const char *name;
        const char *message; /* the error recorded first, or NULL for none */
        const char *prefix, *suffix;
        const char *want;
};

/* clang-format off */
static const struct reword_case reword_cases[] = {
        {.name = "reword_wraps_the_message", .message = "line 1: bad", .prefix = "internal error (",
                .suffix = "); nothing changed", .want = "internal error (line 1: bad); nothing changed"},
        {.name = "reword_with_empty_ends", .message = "as is", .prefix = "", .suffix = "", .want = "as is"},
        {.name = "reword_flattens_its_ends", .message = "m", .prefix = "a\n", .suffix = "\tb", .want = "a m b"},
        {.name = "reword_without_an_error_keeps_its_ends", .prefix = "parse (", .suffix = ")", .want = "parse ()"},
};
/* clang-format on */

static void test_reword_case(void **state) {
        const struct reword_case *c = *state;
        struct diag d;

        diag_init(&d);
        if (c->message)
                diag_error(&d, -EINVAL, "%s", c->message);
        assert_int_equal(diag_reword(&d, -EIO, c->prefix, c->suffix), -EIO);
        assert_int_equal(d.error, -EIO);
        assert_string_equal(d.message, c->want);
}

static void test_reword_cuts_at_the_line_length(void **state) {
        char long_message[DIAG_LINE_MAX + 8];
        struct diag d;

        (void) state;
        memset(long_message, 'x', sizeof(long_message) - 1);
        long_message[sizeof(long_message) - 1] = '\0';
        diag_init(&d);
        diag_error(&d, -EINVAL, "%s", long_message);
        diag_reword(&d, -EIO, "<", ">");
        assert_int_equal(strlen(d.message), DIAG_LINE_MAX - 1);
        assert_int_equal(d.message[0], '<');
        assert_int_equal(d.message[DIAG_LINE_MAX - 2], 'x');
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
        UNIT_TABLE(&suite, demote_cases, test_demote_case);
        UNIT_TEST(&suite, test_demote_cuts_at_the_line_length);
        UNIT_TABLE(&suite, rewind_cases, test_rewind_case);
        UNIT_TABLE(&suite, reword_cases, test_reword_case);
        UNIT_TEST(&suite, test_reword_cuts_at_the_line_length);
        return UNIT_RUN(&suite, "diag");
}
