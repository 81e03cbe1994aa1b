/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The grammar of the numa and numa_memnode custom properties. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "ascii.h"
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

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

/*
 * Parser state. Positions count from the start of the whole trimmed value,
 * so an error inside one numa_memnode entry points into the whole value.
 */
struct cursor {
        const char *s;
        size_t len;        /* of the whole trimmed value */
        size_t pos, end;   /* the part being parsed: [pos, end) */
        const char *label; /* "value" or "numa_memnode value" */
        const char *quoted;
        struct diag *d;
};

static int fail_at(struct cursor *c, size_t pos, const char *what) {
        if (pos >= c->len)
                return diag_error(c->d, -EINVAL, "invalid %s '%s': %s at the end", c->label, c->quoted, what);
        return diag_error(
                c->d, -EINVAL, "invalid %s '%s': %s at position %zu", c->label, c->quoted, what, pos + 1);
}

/*
 * The quote shows a printable byte already, so the message says what was
 * expected; whitespace and bytes that do not print are named instead.
 */
static int fail_unexpected(struct cursor *c, const char *expected) {
        char what[128];
        unsigned char ch = c->pos < c->len ? (unsigned char) c->s[c->pos] : 0;

        if (c->pos < c->end && ascii_is_space((char) ch))
                snprintf(what, sizeof(what), "unexpected whitespace");
        else if (c->pos < c->end && (ch < 0x20 || ch >= 0x7f))
                snprintf(what, sizeof(what), "unexpected byte 0x%02x", ch);
        else
                snprintf(what, sizeof(what), "expected %s", expected);

        return fail_at(c, c->pos, what);
}

/* N: ASCII digits, bounded without overflow however many there are. */
static int parse_number(struct cursor *c, const char *what, unsigned *ret) {
        size_t start = c->pos;
        unsigned v = 0;
        bool too_big = false;

        if (c->pos >= c->end || !is_digit(c->s[c->pos]))
                return fail_unexpected(c, what);

        for (; c->pos < c->end && is_digit(c->s[c->pos]); c->pos++) {
                if (!too_big)
                        v = v * 10 + (unsigned) (c->s[c->pos] - '0');
                if (v > NODE_ID_MAX)
                        too_big = true;
        }

        if (too_big) {
                char msg[96];

                snprintf(msg, sizeof(msg), "%s larger than %d", what + strlen("a "), NODE_ID_MAX);
                return fail_at(c, start, msg);
        }

        *ret = v;
        return 0;
}

static int parse_item(struct cursor *c, struct numa_spec *spec) {
        size_t start = c->pos;
        bool exclude = false;
        unsigned first, last;
        int r;

        if (c->pos < c->end && c->s[c->pos] == '^') {
                exclude = true;
                c->pos++;
        }

        r = parse_number(c, "a node number", &first);
        if (r < 0)
                return r;
        last = first;

        if (c->pos < c->end && c->s[c->pos] == '-') {
                c->pos++;
                r = parse_number(c, "a node number", &last);
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

/* spec := mode [ ':' ( 'auto' | nodeset ) ], over [c->pos, c->end). */
static int parse_spec_part(struct cursor *c, struct numa_spec *spec) {
        size_t start = c->pos, mode_end;
        int r;

        for (mode_end = start; mode_end < c->end && c->s[mode_end] != ':'; mode_end++) {
                unsigned char ch = (unsigned char) c->s[mode_end];

                if (ch <= 0x20 || ch >= 0x7f) {
                        c->pos = mode_end;
                        return fail_unexpected(c, "a mode");
                }
        }

        if (mode_end == start)
                return fail_unexpected(c, "a mode (strict, preferred, interleave or restrictive)");

        spec->mode = numa_mode_from_string(c->s + start, mode_end - start);
        if (spec->mode < 0) {
                char mode[DIAG_QUOTE_SIZE(16)], what[SPEC_QUOTE_MAX + 128];

                diag_quote(c->s + start, mode_end - start, 16, mode, sizeof(mode));
                snprintf(what, sizeof(what),
                        "unknown mode '%s', expected strict, preferred, interleave or restrictive", mode);
                return fail_at(c, start, what);
        }

        if (mode_end == c->end) {
                spec->target = SPEC_TARGET_NONE;
                c->pos = c->end;
                return 0;
        }

        c->pos = mode_end + 1;
        if (c->end - c->pos == 4 && memcmp(c->s + c->pos, "auto", 4) == 0) {
                spec->target = SPEC_TARGET_AUTO;
                c->pos = c->end;
                return 0;
        }

        spec->target = SPEC_TARGET_NODESET;
        if (c->pos >= c->end)
                return fail_unexpected(c, "a node number or 'auto'");

        for (;;) {
                r = parse_item(c, spec);
                if (r < 0)
                        return r;
                if (c->pos >= c->end)
                        return 0;
                if (c->s[c->pos] != ',')
                        return fail_unexpected(c, "',' or the end");
                c->pos++;
        }
}

/* Trims ASCII whitespace around value and sets up a cursor over the rest. */
static void cursor_init(struct cursor *c, const char *value, const char *label, char *quoted,
        size_t quoted_size, struct diag *d) {
        *c = (struct cursor){.s = value, .len = strlen(value), .label = label, .quoted = quoted, .d = d};
        while (c->len > 0 && ascii_is_space(c->s[0])) {
                c->s++;
                c->len--;
        }
        while (c->len > 0 && ascii_is_space(c->s[c->len - 1]))
                c->len--;
        c->end = c->len;
        diag_quote(c->s, c->len, SPEC_QUOTE_MAX, quoted, quoted_size);
}

int spec_parse(const char *value, struct numa_spec *ret, struct diag *d) {
        struct numa_spec spec = {0};
        struct cursor c;
        int r;

        cursor_init(&c, value, "value", spec.quoted, sizeof(spec.quoted), d);
        snprintf(spec.subject, sizeof(spec.subject), "'%s'", spec.quoted);

        if (c.len == 0)
                return diag_error(d, -EINVAL,
                        "invalid value '': empty; expected MODE[:NODESET|:auto], e.g. 'strict:0-1'");

        r = parse_spec_part(&c, &spec);
        if (r < 0)
                return r;

        *ret = spec;
        return 0;
}

int spec_parse_memnodes(const char *value, struct memnode_list *ret, struct diag *d) {
        _cleanup_(memnode_list_done) struct memnode_list l = {0};
        struct nodeset seen;
        struct cursor c;
        int r = 0;

        nodeset_clear(&seen);
        cursor_init(&c, value, "numa_memnode value", l.quoted, sizeof(l.quoted), d);
        if (c.len == 0)
                return diag_error(d, -EINVAL,
                        "invalid numa_memnode value '': empty; expected CELL=MODE:NODESET ..., e.g. "
                        "'0=strict:0 1=strict:1'");

        while (c.pos < c.len) {
                struct memnode_spec m = {0};
                size_t entry = c.pos, end = c.pos;
                struct memnode_spec *items;

                while (end < c.len && !ascii_is_space(c.s[end]))
                        end++;
                c.end = end;

                r = parse_number(&c, "a guest cell number", &m.cell);
                if (r < 0)
                        return r;
                if (c.pos >= c.end || c.s[c.pos] != '=') {
                        r = fail_unexpected(&c, "'=' after the cell number");
                        return r;
                }
                if (nodeset_contains(&seen, m.cell)) {
                        char what[64];

                        snprintf(what, sizeof(what), "cell %u is given twice", m.cell);
                        r = fail_at(&c, entry, what);
                        return r;
                }
                c.pos++;

                diag_quote(c.s + c.pos, end - c.pos, SPEC_QUOTE_MAX, m.spec.quoted, sizeof(m.spec.quoted));
                snprintf(m.spec.subject, sizeof(m.spec.subject), "numa_memnode cell %u '%s'", m.cell,
                        m.spec.quoted);
                r = parse_spec_part(&c, &m.spec);
                if (r < 0)
                        return r;
                if (m.spec.target != SPEC_TARGET_NODESET) {
                        r = fail_at(&c, entry,
                                m.spec.target == SPEC_TARGET_AUTO
                                        ? "'auto' cannot bind a guest cell (libvirt forbids per-node binding "
                                          "with automatic placement)"
                                        : "a guest cell needs MODE:NODESET");
                        return r;
                }

                items = array_append(&l.items, &l.n, sizeof(*items));
                if (!items) {
                        r = diag_error(d, -ENOMEM, "out of memory");
                        return r;
                }
                *items = m;
                nodeset_add(&seen, m.cell);

                c.pos = end;
                while (c.pos < c.len && ascii_is_space(c.s[c.pos]))
                        c.pos++;
        }

        *ret = TAKE_STRUCT(l);
        return 0;
}

void memnode_list_done(struct memnode_list *l) {
        free(l->items);
        *l = (struct memnode_list){0};
}
