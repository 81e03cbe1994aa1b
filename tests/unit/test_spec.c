/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "spec.h"
#include "unit.h"

struct spec_case {
        const char *name;
        const char *input;
        const char *error; /* NULL: must parse; else a part of the message */
        enum numa_mode mode;
        enum spec_target target;
        const char *include; /* canonical form of the plain items; NULL: none given */
        const char *exclude; /* canonical form of the ^ items */
};

#define OK(n, in, m, t, inc, exc)                                                                            \
        { .name = n, .input = in, .mode = m, .target = t, .include = inc, .exclude = exc }
#define BAD(n, in, err)                                                                                      \
        { .name = n, .input = in, .error = err }

/* clang-format off */
static const struct spec_case cases[] = {
        OK("parses_strict_single_node", "strict:1", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "1", ""),
        OK("parses_issue_example", "strict:1-4,^3,6", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "1-4,6", "3"),
        OK("parses_exclusion_first", "strict:^3,1-4", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "1-4", "3"),
        OK("parses_lone_exclusion", "strict:^3", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, NULL, "3"),
        OK("parses_excluded_range", "strict:^1-3", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, NULL, "1-3"),
        OK("parses_preferred", "preferred:0", NUMA_MODE_PREFERRED, SPEC_TARGET_NODESET, "0", ""),
        OK("parses_interleave", "interleave:0-3", NUMA_MODE_INTERLEAVE, SPEC_TARGET_NODESET, "0-3", ""),
        OK("parses_restrictive", "restrictive:2", NUMA_MODE_RESTRICTIVE, SPEC_TARGET_NODESET, "2", ""),
        OK("parses_auto", "strict:auto", NUMA_MODE_STRICT, SPEC_TARGET_AUTO, NULL, ""),
        OK("parses_fit", "strict:fit", NUMA_MODE_STRICT, SPEC_TARGET_FIT, NULL, ""),
        OK("parses_preferred_fit", "preferred:fit", NUMA_MODE_PREFERRED, SPEC_TARGET_FIT, NULL, ""),
        OK("parses_interleave_fit", "interleave:fit", NUMA_MODE_INTERLEAVE, SPEC_TARGET_FIT, NULL, ""),
        OK("parses_restrictive_fit", " restrictive:fit ", NUMA_MODE_RESTRICTIVE, SPEC_TARGET_FIT, NULL, ""),
        BAD("rejects_fit_with_more", "strict:fit,1", "expected a node number at position 8"),
        BAD("rejects_fit_as_mode", "fit:1", "unknown mode 'fit'"),
        BAD("rejects_uppercase_fit", "strict:FIT", "expected a node number at position 8"),
        BAD("rejects_fit_prefix", "strict:fi", "expected a node number at position 8"),
        OK("parses_mode_alone", "interleave", NUMA_MODE_INTERLEAVE, SPEC_TARGET_NONE, NULL, ""),
        OK("trims_surrounding_whitespace", " \t strict:1 \n", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "1", ""),
        OK("accepts_largest_node", "strict:4095", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "4095", ""),
        OK("accepts_full_range", "strict:0-4095", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "0-4095", ""),
        OK("accepts_leading_zeros", "strict:007", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "7", ""),
        OK("merges_overlapping_items", "strict:0-2,1-3,3", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "0-3", ""),
        OK("accepts_single_node_range", "strict:5-5", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "5", ""),
        OK("keeps_include_and_exclude_apart", "strict:0,^0", NUMA_MODE_STRICT, SPEC_TARGET_NODESET, "0", "0"),
        OK("repeats_exclusions", "interleave:^1,^2,^1", NUMA_MODE_INTERLEAVE, SPEC_TARGET_NODESET, NULL, "1-2"),

        BAD("rejects_empty_value", "", "empty"),
        BAD("rejects_whitespace_only", "   ", "empty"),
        BAD("rejects_empty_nodeset", "strict:", "expected a node number or 'auto' at the end"),
        BAD("rejects_missing_mode", ":1", "expected a mode (strict, preferred, interleave or restrictive) at position 1"),
        BAD("rejects_uppercase_mode", "STRICT:1", "unknown mode 'STRICT'"),
        BAD("rejects_auto_as_mode", "auto:1", "unknown mode 'auto'"),
        BAD("rejects_unknown_mode", "bind:1", "unknown mode 'bind'"),
        BAD("rejects_second_colon", "strict:1:2", "expected ',' or the end at position 9"),
        BAD("rejects_double_colon", "strict::1", "expected a node number at position 8"),
        BAD("rejects_letter_in_range", "strict:1-x", "invalid value 'strict:1-x': expected a node number at position 10"),
        BAD("rejects_space_inside", "strict:1, 2", "unexpected whitespace at position 10"),
        BAD("rejects_space_in_mode", "str ict:1", "unexpected whitespace at position 4"),
        BAD("rejects_inner_newline", "strict:1\n,2", "unexpected whitespace at position 9"),
        BAD("rejects_inner_tab", "strict:\t1", "unexpected whitespace at position 8"),
        BAD("rejects_negative_number", "strict:-1", "expected a node number at position 8"),
        BAD("rejects_plus_sign", "strict:+1", "expected a node number at position 8"),
        BAD("rejects_hex", "strict:0x1", "expected ',' or the end at position 9"),
        BAD("rejects_exponent", "strict:1e3", "expected ',' or the end at position 9"),
        BAD("rejects_reversed_range", "strict:4-1", "range 4-1 is reversed at position 8"),
        BAD("rejects_reversed_excluded_range", "strict:^4-1", "range 4-1 is reversed at position 9"),
        BAD("rejects_open_range", "strict:1-", "expected a node number at the end"),
        BAD("rejects_double_dash", "strict:1--4", "expected a node number at position 10"),
        BAD("rejects_leading_comma", "strict:,1", "expected a node number at position 8"),
        BAD("rejects_trailing_comma", "strict:1,", "expected a node number at the end"),
        BAD("rejects_double_comma", "strict:1,,2", "expected a node number at position 10"),
        BAD("rejects_bare_caret", "strict:^", "expected a node number at the end"),
        BAD("rejects_double_caret", "strict:^^3", "expected a node number at position 9"),
        BAD("rejects_node_above_limit", "strict:4096", "node number larger than 4095 at position 8"),
        BAD("rejects_twenty_digits", "strict:99999999999999999999", "larger than 4095 at position 8"),
        BAD("rejects_range_end_above_limit", "strict:0-4294967295", "larger than 4095 at position 10"),
        BAD("rejects_fullwidth_digit", "strict:\xef\xbc\x91", "U+FF11, which is not ASCII, at position 8"),
        BAD("rejects_arabic_indic_digit", "strict:\xd9\xa1", "U+0661, which is not ASCII, at position 8"),
        /* Pasted typographic characters are named, with the ASCII one to type. */
        BAD("names_en_dash", "strict:1\xe2\x80\x93" "4",
                "invalid value 'strict:1\\xe2\\x80\\x934': U+2013 EN DASH, which is not ASCII, at position 9; type '-' instead"),
        BAD("names_minus_sign", "strict:^\xe2\x88\x92" "1", "U+2212 MINUS SIGN, which is not ASCII, at position 9; type '-' instead"),
        BAD("names_no_break_space", "strict:1,\xc2\xa0" "2", "U+00A0 NO-BREAK SPACE, which is not ASCII, at position 10; type a plain space instead"),
        BAD("names_trailing_no_break_space", "strict:1\xc2\xa0", "U+00A0 NO-BREAK SPACE, which is not ASCII, at position 9"),
        BAD("names_fullwidth_comma", "strict:1\xef\xbc\x8c" "2", "U+FF0C FULLWIDTH COMMA, which is not ASCII, at position 9; type ',' instead"),
        BAD("names_curly_quote_inside", "strict:1\xe2\x80\x99", "U+2019 RIGHT SINGLE QUOTATION MARK, which is not ASCII, at position 9; delete it: the value takes no quotes"),
        BAD("names_en_dash_in_mode", "strict\xe2\x80\x93" "1", "U+2013 EN DASH, which is not ASCII, at position 7; type '-' instead"),
        BAD("cut_utf8_stays_a_byte", "strict:1\xe2\x80", "unexpected byte 0xe2 at position 9"),
        BAD("overlong_utf8_stays_a_byte", "strict:1\xe0\x80\x80", "unexpected byte 0xe0 at position 9"),
        /* Quotes around the whole value: the value as it should be. */
        BAD("refuses_straight_quotes_around_the_value", "'strict:1'",
                "invalid value '\\x27strict:1\\x27': the value must not be quoted; set it as strict:1"),
        BAD("refuses_double_quotes_around_the_value", " \"interleave:^0\" ", "the value must not be quoted; set it as interleave:^0"),
        BAD("refuses_curly_quotes_around_the_value", "\xe2\x80\x9cstrict:1\xe2\x80\x9d", "the value must not be quoted; set it as strict:1"),
        BAD("refuses_a_leading_quote_alone", "'strict:1", "the value must not be quoted; set it as strict:1"),
        /* Modes are lowercase, and the message says so. */
        BAD("says_modes_are_lowercase", "Strict:1", "unknown mode 'Strict' at position 1; modes are lowercase: type 'strict'"),
        BAD("says_modes_are_lowercase_for_all_caps", "INTERLEAVE:^0", "modes are lowercase: type 'interleave'"),
        BAD("rejects_invalid_utf8", "strict:\xff", "unexpected byte 0xff at position 8"),
        BAD("rejects_control_byte_in_mode", "str\x01ict:1", "unexpected byte 0x01 at position 4"),
        BAD("rejects_auto_with_more", "strict:auto,1", "expected a node number at position 8"),
        BAD("rejects_nodeset_after_mode_without_colon", "strict1", "unknown mode 'strict1'"),
};
/* clang-format on */

struct memnode_case {
        const char *name;
        const char *input;
        const char *error;    /* NULL: must parse; else a part of the message */
        const char *expected; /* "CELL=MODE:INCLUDE/EXCLUDE ..." in canonical form */
};

/* clang-format off */
static const struct memnode_case memnode_cases[] = {
        {"memnode_issue_example", "0=strict:0 1=interleave:2-3,^2", NULL, "0=strict:0/ 1=interleave:2-3/2"},
        {"memnode_single_entry", "3=preferred:1", NULL, "3=preferred:1/"},
        {"memnode_many_blanks", " \t0=strict:0 \n\t 2=restrictive:^1 ", NULL, "0=strict:0/ 2=restrictive:/1"},
        {"memnode_exclusion_only", "0=strict:^0", NULL, "0=strict:/0"},
        {"memnode_rejects_empty", "", "invalid numa_memnode value '': empty", NULL},
        {"memnode_rejects_blank", "   ", "empty", NULL},
        {"memnode_rejects_missing_equals", "0strict:0", "expected '=' after the cell number at position 2", NULL},
        {"memnode_rejects_missing_cell", "=strict:0", "expected a guest cell number at position 1", NULL},
        {"memnode_rejects_letter_cell", "a=strict:0", "expected a guest cell number at position 1", NULL},
        {"memnode_rejects_huge_cell", "99999999999=strict:0", "guest cell number larger than 4095 at position 1", NULL},
        {"memnode_rejects_auto", "0=strict:auto", "'auto' cannot bind a guest cell", NULL},
        {"memnode_rejects_mode_alone", "1=interleave", "a guest cell needs MODE:NODESET at position 1", NULL},
        {"memnode_rejects_duplicate_cell", "0=strict:0 0=strict:1", "cell 0 is given twice at position 12", NULL},
        {"memnode_rejects_bad_nodeset", "0=strict:1-x", "invalid numa_memnode value '0=strict:1-x': expected a node number at position 12", NULL},
        {"memnode_rejects_semicolon", "0=strict:0;1=strict:1",
                "';' between entries at position 11; entries are separated by blanks, e.g. '0=strict:0 1=strict:1'", NULL},
        {"memnode_says_entries_are_separated_by_blanks", "0=strict:0,1=strict:1",
                "invalid numa_memnode value '0=strict:0,1=strict:1': ',' between entries at position 11; entries are "
                "separated by blanks, e.g. '0=strict:0 1=strict:1'", NULL},
        {"memnode_comma_before_a_node_is_a_node", "0=strict:0,1 1=strict:1", NULL, "0=strict:0-1/ 1=strict:1/"},
        {"memnode_refuses_quotes_around_the_value", "'0=strict:0 1=strict:1'",
                "the value must not be quoted; set it as 0=strict:0 1=strict:1", NULL},
        {"memnode_error_position_in_second_entry", "0=strict:0 1=bogus:1", "unknown mode 'bogus'", NULL},
        {"memnode_says_a_comma_and_a_blank_between_entries_are_blanks", "0=strict:0, 1=strict:1",
                "',' between entries at position 11; entries are separated by blanks, e.g. '0=strict:0 1=strict:1'", NULL},
        {"memnode_rejects_trailing_comma", "0=strict:0,", "expected a node number at the end", NULL},
        {"memnode_rejects_non_ascii", "0=strict:\xd9\xa1", "U+0661, which is not ASCII, at position 10", NULL},
        {"memnode_cell_fit", "0=strict:fit", NULL, "0=strict:fit"},
        {"memnode_fit_beside_a_nodeset", "0=strict:fit 1=interleave:2-3", NULL, "0=strict:fit 1=interleave:2-3/"},
        {"memnode_every_cell_fit", " preferred:fit ", NULL, "*=preferred:fit"},
        {"memnode_every_cell_fit_is_fit_only", "strict:0", "expected a guest cell number at position 1", NULL},
        {"memnode_every_cell_fit_alone", "strict:fit 1=strict:0", "expected a guest cell number at position 1", NULL},
        {"memnode_every_cell_fit_lowercase", "Strict:fit", "unknown mode 'Strict' at position 1; modes are lowercase: type 'strict'", NULL},
        {"memnode_cell_fit_with_more", "0=strict:fit,1", "expected a node number at position 10", NULL},
        {"memnode_says_entries_after_fit_are_separated_by_blanks", "0=strict:fit,1=strict:fit",
                "',' between entries at position 13; entries are separated by blanks", NULL},
        {"memnode_semicolon_after_fit", "0=strict:fit;1=strict:fit", "';' between entries at position 13", NULL},
        {"memnode_names_en_dash", "0=strict:0\xe2\x80\x93" "1", "U+2013 EN DASH, which is not ASCII, at position 11; type '-' instead", NULL},
};
/* clang-format on */

static void format(const struct nodeset *s, char *buf, size_t size) {
        _cleanup_free_ char *str = NULL;

        assert_int_equal(nodeset_format(s, &str), 0);
        snprintf(buf, size, "%s", str);
}

static void test_spec_case(void **state) {
        const struct spec_case *c = *state;
        struct numa_spec spec;
        struct diag d;
        char got[256];
        int r;

        diag_init(&d);
        r = spec_parse(c->input, &spec, &d);

        if (c->error) {
                if (r >= 0)
                        fail_msg("'%s' parsed, expected an error containing \"%s\"", c->input, c->error);
                assert_int_equal(r, -EINVAL);
                assert_contains(d.message, c->error);
                assert_contains(d.message, "invalid value '");
                assert_null(strchr(d.message, '\n'));
                return;
        }

        if (r < 0)
                fail_msg("'%s' failed: %s", c->input, d.message);
        assert_int_equal(spec.mode, c->mode);
        assert_int_equal(spec.target, c->target);
        assert_int_equal(spec.has_include, c->include != NULL);
        format(&spec.include, got, sizeof(got));
        assert_string_equal(got, c->include ? c->include : "");
        format(&spec.exclude, got, sizeof(got));
        assert_string_equal(got, c->exclude);
}

static void test_memnode_case(void **state) {
        const struct memnode_case *c = *state;
        struct memnode_list l;
        char got[512] = "", inc[128], exc[128];
        struct diag d;
        int r;

        diag_init(&d);
        r = spec_parse_memnodes(c->input, &l, &d);
        if (c->error) {
                if (r >= 0)
                        fail_msg("'%s' parsed, expected an error containing \"%s\"", c->input, c->error);
                assert_contains(d.message, c->error);
                assert_contains(d.message, "numa_memnode value '");
                return;
        }
        if (r < 0)
                fail_msg("'%s' failed: %s", c->input, d.message);

        if (l.every_cell)
                snprintf(got, sizeof(got), "*=%s:fit", numa_mode_to_string(l.every_spec.mode));
        assert_true(!l.every_cell || (l.n == 0 && l.every_spec.target == SPEC_TARGET_FIT));
        for (size_t i = 0; i < l.n; i++) {
                size_t o = strlen(got);

                if (l.items[i].spec.target == SPEC_TARGET_FIT) {
                        snprintf(got + o, sizeof(got) - o, "%s%u=%s:fit", i ? " " : "", l.items[i].cell,
                                numa_mode_to_string(l.items[i].spec.mode));
                        continue;
                }
                format(&l.items[i].spec.include, inc, sizeof(inc));
                format(&l.items[i].spec.exclude, exc, sizeof(exc));
                snprintf(got + o, sizeof(got) - o, "%s%u=%s:%s/%s", i ? " " : "", l.items[i].cell,
                        numa_mode_to_string(l.items[i].spec.mode), inc, exc);
                assert_int_equal(l.items[i].spec.target, SPEC_TARGET_NODESET);
                assert_contains(l.items[i].spec.subject, "numa_memnode cell ");
        }
        memnode_list_done(&l);
        assert_string_equal(got, c->expected);
}

/* A value far over any limit is still one short line with the quote cut. */
static void test_spec_quotes_huge_value_briefly(void **state) {
        size_t n = 128 * 1024;
        _cleanup_free_ char *v = malloc(n + 1);
        struct numa_spec spec;
        struct diag d;

        (void) state;
        assert_non_null(v);
        memcpy(v, "strict:", 7);
        for (size_t i = 7; i < n; i += 2) {
                v[i] = '1';
                v[i + 1] = ',';
        }
        v[n] = '\0';
        v[n - 1] = 'x';

        diag_init(&d);
        assert_int_equal(spec_parse(v, &spec, &d), -EINVAL);
        assert_contains(d.message, "...'");
        assert_true(strlen(d.message) < 200);
}

static void test_spec_accepts_many_items(void **state) {
        size_t reps = 50000;
        _cleanup_free_ char *v = malloc(7 + reps * 2 + 1);
        struct numa_spec spec;
        struct diag d;
        size_t o = 7;

        (void) state;
        assert_non_null(v);
        memcpy(v, "strict:", 7);
        for (size_t i = 0; i < reps; i++) {
                v[o++] = '1';
                v[o++] = ',';
        }
        v[o - 1] = '\0'; /* drop the last comma */

        diag_init(&d);
        assert_int_equal(spec_parse(v, &spec, &d), 0);
        assert_int_equal(nodeset_count(&spec.include), 1);
}

static void test_spec_mode_strings_round_trip(void **state) {
        (void) state;
        for (int m = 0; m < _NUMA_MODE_MAX; m++) {
                const char *s = numa_mode_to_string((enum numa_mode) m);

                assert_non_null(s);
                assert_int_equal(numa_mode_from_string(s, strlen(s)), m);
        }
        assert_null(numa_mode_to_string(_NUMA_MODE_MAX));
        assert_int_equal(numa_mode_from_string("stric", 5), _NUMA_MODE_INVALID);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_spec_case);
        UNIT_TABLE(&suite, memnode_cases, test_memnode_case);
        UNIT_TEST(&suite, test_spec_quotes_huge_value_briefly);
        UNIT_TEST(&suite, test_spec_accepts_many_items);
        UNIT_TEST(&suite, test_spec_mode_strings_round_trip);
        return UNIT_RUN(&suite, "spec");
}
