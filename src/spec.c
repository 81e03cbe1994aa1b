/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "spec.h"

static const char *const numa_mode_table[_NUMA_MODE_MAX] = {
        [NUMA_MODE_STRICT] = "strict",
        [NUMA_MODE_PREFERRED] = "preferred",
        [NUMA_MODE_INTERLEAVE] = "interleave",
        [NUMA_MODE_RESTRICTIVE] = "restrictive",
};

const char *numa_mode_to_string(enum numa_mode m) {
        if (m < 0 || m >= _NUMA_MODE_MAX)
                return NULL;
        return numa_mode_table[m];
}

enum numa_mode numa_mode_from_string(const char *s, size_t len) {
        for (size_t i = 0; i < ELEMENTSOF(numa_mode_table); i++)
                if (strlen(numa_mode_table[i]) == len && memcmp(numa_mode_table[i], s, len) == 0)
                        return (enum numa_mode) i;
        return _NUMA_MODE_INVALID;
}

static bool is_ascii_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

/* Parser state: the trimmed value and the quote used in every message. */
struct cursor {
        const char *s;
        size_t len, pos;
        const char *quoted;
        struct diag *d;
};

static int fail_at(struct cursor *c, size_t pos, const char *what) {
        if (pos >= c->len)
                return diag_error(c->d, -EINVAL, "invalid value '%s': %s at the end", c->quoted, what);
        return diag_error(c->d, -EINVAL, "invalid value '%s': %s at position %zu", c->quoted, what, pos + 1);
}

/*
 * The quote shows a printable byte already, so the message says what was
 * expected; whitespace and bytes that do not print are named instead.
 */
static int fail_unexpected(struct cursor *c, const char *expected) {
        char what[128];
        unsigned char ch = c->pos < c->len ? (unsigned char) c->s[c->pos] : 0;

        if (c->pos < c->len && is_ascii_space((char) ch))
                snprintf(what, sizeof(what), "unexpected whitespace");
        else if (c->pos < c->len && (ch < 0x20 || ch >= 0x7f))
                snprintf(what, sizeof(what), "unexpected byte 0x%02x", ch);
        else
                snprintf(what, sizeof(what), "expected %s", expected);

        return fail_at(c, c->pos, what);
}

/* N: ASCII digits, bounded without overflow however many there are. */
static int parse_number(struct cursor *c, unsigned *ret) {
        size_t start = c->pos;
        unsigned v = 0;
        bool too_big = false;

        if (c->pos >= c->len || !is_digit(c->s[c->pos]))
                return fail_unexpected(c, "a node number");

        for (; c->pos < c->len && is_digit(c->s[c->pos]); c->pos++) {
                if (!too_big)
                        v = v * 10 + (unsigned) (c->s[c->pos] - '0');
                if (v > NODE_ID_MAX)
                        too_big = true;
        }

        if (too_big) {
                char what[96];

                snprintf(what, sizeof(what), "node number larger than %d", NODE_ID_MAX);
                return fail_at(c, start, what);
        }

        *ret = v;
        return 0;
}

static int parse_item(struct cursor *c, struct numa_spec *spec) {
        size_t start = c->pos;
        bool exclude = false;
        unsigned first, last;
        int r;

        if (c->pos < c->len && c->s[c->pos] == '^') {
                exclude = true;
                c->pos++;
        }

        r = parse_number(c, &first);
        if (r < 0)
                return r;
        last = first;

        if (c->pos < c->len && c->s[c->pos] == '-') {
                c->pos++;
                r = parse_number(c, &last);
                if (r < 0)
                        return r;
                if (last < first) {
                        char what[96];

                        snprintf(what, sizeof(what), "range %u-%u is reversed", first, last);
                        return fail_at(c, start + exclude, what);
                }
        }

        if (exclude)
                nodeset_add_range(&spec->exclude, first, last);
        else {
                nodeset_add_range(&spec->include, first, last);
                spec->has_include = true;
        }
        return 0;
}

int spec_parse(const char *value, struct numa_spec *ret, struct diag *d) {
        struct cursor c = {.d = d};
        struct numa_spec spec = {0};
        size_t mode_end;
        int r;

        c.s = value;
        c.len = strlen(value);
        while (c.len > 0 && is_ascii_space(c.s[0])) {
                c.s++;
                c.len--;
        }
        while (c.len > 0 && is_ascii_space(c.s[c.len - 1]))
                c.len--;
        diag_quote(c.s, c.len, SPEC_QUOTE_MAX, spec.quoted, sizeof(spec.quoted));
        c.quoted = spec.quoted;
        snprintf(spec.subject, sizeof(spec.subject), "'%s'", spec.quoted);

        if (c.len == 0)
                return diag_error(d, -EINVAL,
                        "invalid value '': empty; expected MODE[:NODESET|:auto], e.g. 'strict:0-1'");

        for (mode_end = 0; mode_end < c.len && c.s[mode_end] != ':'; mode_end++) {
                unsigned char ch = (unsigned char) c.s[mode_end];

                if (ch <= 0x20 || ch >= 0x7f) {
                        c.pos = mode_end;
                        return fail_unexpected(&c, "a mode");
                }
        }

        if (mode_end == 0)
                return fail_unexpected(&c, "a mode (strict, preferred, interleave or restrictive)");

        spec.mode = numa_mode_from_string(c.s, mode_end);
        if (spec.mode < 0) {
                char mode[SPEC_QUOTE_MAX + 8], what[SPEC_QUOTE_MAX + 128];

                diag_quote(c.s, mode_end, 16, mode, sizeof(mode));
                snprintf(what, sizeof(what),
                        "unknown mode '%s', expected strict, preferred, interleave or restrictive", mode);
                return fail_at(&c, 0, what);
        }

        if (mode_end == c.len) {
                spec.target = SPEC_TARGET_NONE;
                *ret = spec;
                return 0;
        }

        c.pos = mode_end + 1;
        if (c.len - c.pos == 4 && memcmp(c.s + c.pos, "auto", 4) == 0) {
                spec.target = SPEC_TARGET_AUTO;
                *ret = spec;
                return 0;
        }

        spec.target = SPEC_TARGET_NODESET;
        if (c.pos >= c.len)
                return fail_unexpected(&c, "a node number or 'auto'");

        for (;;) {
                r = parse_item(&c, &spec);
                if (r < 0)
                        return r;
                if (c.pos >= c.len)
                        break;
                if (c.s[c.pos] != ',')
                        return fail_unexpected(&c, "',' or the end");
                c.pos++;
        }

        *ret = spec;
        return 0;
}
