/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The grammar of the numa and numa_memnode custom properties. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "ascii.h"
#include "macro.h"
#include "spec.h"

/* How much of an unknown mode a message shows: the longest mode is 11 bytes. */
#define MODE_QUOTE_MAX 16

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

/* Only to say that modes are lowercase: "Strict" is refused, but named. */
static enum numa_mode numa_mode_from_string_nocase(const char *s, size_t len) {
        for (size_t i = 0; i < ELEMENTSOF(numa_mode_table); i++)
                if (strlen(numa_mode_table[i]) == len && strncasecmp(numa_mode_table[i], s, len) == 0)
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
        bool memnodes; /* parsing numa_memnode, whose entries blanks separate */
        struct diag *d;
};

/* "invalid value 'V': WHAT at position N[; HINT]". */
static int fail_hint(struct cursor *c, size_t pos, const char *what, const char *hint) {
        if (pos >= c->len)
                return diag_error(c->d, -EINVAL, "invalid %s '%s': %s at the end%s%s", c->label, c->quoted,
                        what, hint ? "; " : "", hint ? hint : "");
        return diag_error(c->d, -EINVAL, "invalid %s '%s': %s at position %zu%s%s", c->label, c->quoted, what,
                pos + 1, hint ? "; " : "", hint ? hint : "");
}

static int fail_at(struct cursor *c, size_t pos, const char *what) {
        return fail_hint(c, pos, what, NULL);
}

/*
 * Characters a word processor or a web page puts where an admin typed
 * ASCII, and what to type instead: a pasted value shows them as bytes only.
 */
static const struct {
        unsigned cp;
        const char *name;
        const char *hint; /* what to do instead */
} typographic[] = {
        {0x00A0, "NO-BREAK SPACE", "type a plain space instead"},
        {0x02C6, "MODIFIER LETTER CIRCUMFLEX ACCENT", "type '^' instead"},
        {0x2007, "FIGURE SPACE", "type a plain space instead"},
        {0x2009, "THIN SPACE", "type a plain space instead"},
        {0x200B, "ZERO WIDTH SPACE", "delete it"},
        {0x2010, "HYPHEN", "type '-' instead"},
        {0x2011, "NON-BREAKING HYPHEN", "type '-' instead"},
        {0x2012, "FIGURE DASH", "type '-' instead"},
        {0x2013, "EN DASH", "type '-' instead"},
        {0x2014, "EM DASH", "type '-' instead"},
        {0x2018, "LEFT SINGLE QUOTATION MARK", "delete it: the value takes no quotes"},
        {0x2019, "RIGHT SINGLE QUOTATION MARK", "delete it: the value takes no quotes"},
        {0x201C, "LEFT DOUBLE QUOTATION MARK", "delete it: the value takes no quotes"},
        {0x201D, "RIGHT DOUBLE QUOTATION MARK", "delete it: the value takes no quotes"},
        {0x202F, "NARROW NO-BREAK SPACE", "type a plain space instead"},
        {0x2212, "MINUS SIGN", "type '-' instead"},
        {0xFEFF, "ZERO WIDTH NO-BREAK SPACE", "delete it"},
        {0xFF0C, "FULLWIDTH COMMA", "type ',' instead"},
        {0xFF0D, "FULLWIDTH HYPHEN-MINUS", "type '-' instead"},
        {0xFF1A, "FULLWIDTH COLON", "type ':' instead"},
        {0xFF1D, "FULLWIDTH EQUALS SIGN", "type '=' instead"},
        {0xFF3E, "FULLWIDTH CIRCUMFLEX ACCENT", "type '^' instead"},
};

/* The code point of the UTF-8 sequence at s[0..len), or -1 when it is not valid UTF-8. */
static long utf8_at(const char *s, size_t len) {
        const unsigned char *u = (const unsigned char *) s;
        size_t n = u[0] >= 0xf0 && u[0] < 0xf5 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc2 && u[0] < 0xe0 ? 2 : 0;
        long cp = n == 4 ? u[0] & 0x07 : n == 3 ? u[0] & 0x0f : u[0] & 0x1f;

        if (n == 0 || len < n)
                return -1;
        for (size_t i = 1; i < n; i++) {
                if ((u[i] & 0xc0) != 0x80)
                        return -1;
                cp = (cp << 6) | (u[i] & 0x3f);
        }
        /* Overlong forms, surrogates and values above U+10FFFF are not characters. */
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                (cp >= 0xD800 && cp <= 0xDFFF))
                return -1;
        return cp;
}

/*
 * Refuses the non-ASCII character at pos, named: "U+2013 EN DASH, which is
 * not ASCII, at position 9; type '-' instead". Bytes that are not UTF-8
 * are shown as they are.
 */
static int fail_non_ascii(struct cursor *c, size_t pos) {
        long cp = utf8_at(c->s + pos, c->len - pos);
        char what[96];

        if (cp < 0) {
                snprintf(what, sizeof(what), "unexpected byte 0x%02x", (unsigned char) c->s[pos]);
                return fail_at(c, pos, what);
        }
        for (size_t i = 0; i < ELEMENTSOF(typographic); i++)
                if (typographic[i].cp == (unsigned) cp) {
                        snprintf(what, sizeof(what), "U+%04lX %s, which is not ASCII,", cp,
                                typographic[i].name);
                        return fail_hint(c, pos, what, typographic[i].hint);
                }
        snprintf(what, sizeof(what), "U+%04lX, which is not ASCII,", cp);
        return fail_at(c, pos, what);
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
        else if (c->pos < c->end && ch >= 0x80)
                return fail_non_ascii(c, c->pos);
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

/*
 * Whether a ',' or ';' at c->pos starts another numa_memnode entry
 * ("CELL=") rather than a node: right after it, or past the blanks that
 * end this entry (a ',' typed as in a list, '0=strict:0, 1=strict:1').
 */
static bool starts_entry(const struct cursor *c) {
        size_t p = c->pos + 1, end = c->end, digits;

        if (c->s[c->pos] == ';')
                return true;
        if (c->s[c->pos] != ',')
                return false;
        if (p == end) {
                end = c->len;
                while (p < end && ascii_is_space(c->s[p]))
                        p++;
        }
        digits = p;
        while (p < end && is_digit(c->s[p]))
                p++;
        return p > digits && p < end && c->s[p] == '=';
}

static int fail_between_entries(struct cursor *c) {
        return fail_hint(c, c->pos, c->s[c->pos] == ';' ? "';' between entries" : "',' between entries",
                "entries are separated by blanks, e.g. '0=strict:0 1=strict:1'");
}

/* spec := mode [ ':' ( 'auto' | 'fit' | nodeset ) ], over [c->pos, c->end). */
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
                char mode[DIAG_QUOTE_SIZE(MODE_QUOTE_MAX)], what[SPEC_QUOTE_MAX + 128];
                enum numa_mode lower = numa_mode_from_string_nocase(c->s + start, mode_end - start);

                diag_quote(c->s + start, mode_end - start, MODE_QUOTE_MAX, mode, sizeof(mode));
                if (lower >= 0) {
                        char hint[64];

                        snprintf(what, sizeof(what), "unknown mode '%s'", mode);
                        snprintf(hint, sizeof(hint), "modes are lowercase: type '%s'",
                                numa_mode_to_string(lower));
                        return fail_hint(c, start, what, hint);
                }
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
        if (c->end - c->pos == 3 && memcmp(c->s + c->pos, "fit", 3) == 0) {
                spec->target = SPEC_TARGET_FIT;
                c->pos = c->end;
                return 0;
        }

        /* '0=strict:fit,1=strict:fit': the entry after 'fit' is no node. */
        if (c->memnodes && c->end - c->pos > 3 && memcmp(c->s + c->pos, "fit", 3) == 0) {
                struct cursor sep = *c;

                sep.pos += 3;
                if (starts_entry(&sep))
                        return fail_between_entries(&sep);
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
                if (c->memnodes && starts_entry(c))
                        return fail_between_entries(c);
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

/* The length of a quote character at s: ' or ", or a typographic one (U+2018, U+2019, U+201C, U+201D). */
static size_t quote_len(const char *s, size_t len) {
        if (len >= 1 && (s[0] == '\'' || s[0] == '"'))
                return 1;
        if (len >= 3 && memcmp(s, "\xe2\x80", 2) == 0 &&
                (s[2] == '\x98' || s[2] == '\x99' || s[2] == '\x9c' || s[2] == '\x9d'))
                return 3;
        return 0;
}

/*
 * A value pasted with the quotes around it (Engine stores what was typed):
 * say so, with the value as it should be, rather than "unknown mode \x27strict".
 */
static int refuse_quoted(const struct cursor *c) {
        size_t open = quote_len(c->s, c->len), close = 0;
        char inner[DIAG_QUOTE_SIZE(SPEC_QUOTE_MAX)];

        if (open == 0)
                return 0;
        for (size_t n = 1; n <= 3 && close == 0; n += 2)
                if (c->len >= open + n && quote_len(c->s + c->len - n, n) == n)
                        close = n;
        diag_quote(c->s + open, c->len - open - close, SPEC_QUOTE_MAX, inner, sizeof(inner));
        return diag_error(c->d, -EINVAL, "invalid %s '%s': the value must not be quoted; set it as %s",
                c->label, c->quoted, inner);
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

        r = refuse_quoted(&c);
        if (r >= 0)
                r = parse_spec_part(&c, &spec);
        if (r < 0)
                return r;

        *ret = spec;
        return 0;
}

/*
 * Whether the whole numa_memnode value is "MODE:fit", which binds every
 * guest cell; a mode in the wrong case too, for parse_spec_part() to hint.
 */
static bool is_every_cell_fit(const struct cursor *c) {
        const char *colon = memchr(c->s, ':', c->len);

        return colon && numa_mode_from_string_nocase(c->s, (size_t) (colon - c->s)) >= 0 &&
               c->len - (size_t) (colon - c->s) == 4 && memcmp(colon, ":fit", 4) == 0;
}

/* The whole value as the one spec for every guest cell, handed over to ret. */
static int parse_every_cell(struct cursor *c, struct memnode_list *l, struct memnode_list *ret) {
        int r;

        snprintf(l->every_spec.quoted, sizeof(l->every_spec.quoted), "%s", l->quoted);
        r = parse_spec_part(c, &l->every_spec);
        if (r < 0)
                return r;
        l->every_cell = true;
        *ret = TAKE_STRUCT(*l);
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
        c.memnodes = true;
        r = refuse_quoted(&c);
        if (r < 0)
                return r;
        if (is_every_cell_fit(&c))
                return parse_every_cell(&c, &l, ret);

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
                if (m.spec.target != SPEC_TARGET_NODESET && m.spec.target != SPEC_TARGET_FIT) {
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
