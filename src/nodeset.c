/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sets of NUMA node ids: arithmetic, libvirt's nodeset parser and its canonical format. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "macro.h"
#include "nodeset.h"
#include "parse.h"

#define WORD(n) ((n) / 64)
#define BIT(n)  (UINT64_C(1) << ((n) % 64))

void nodeset_clear(struct nodeset *s) {
        memset(s, 0, sizeof(*s));
}

void nodeset_add_range(struct nodeset *s, unsigned first, unsigned last) {
        assert(first <= last && last <= NODE_ID_MAX);
        for (unsigned n = first; n <= last; n++)
                s->bits[WORD(n)] |= BIT(n);
}

void nodeset_remove_range(struct nodeset *s, unsigned first, unsigned last) {
        assert(first <= last && last <= NODE_ID_MAX);
        for (unsigned n = first; n <= last; n++)
                s->bits[WORD(n)] &= ~BIT(n);
}

bool nodeset_contains(const struct nodeset *s, unsigned n) {
        return n <= NODE_ID_MAX && (s->bits[WORD(n)] & BIT(n));
}

bool nodeset_is_empty(const struct nodeset *s) {
        for (size_t i = 0; i < ELEMENTSOF(s->bits); i++)
                if (s->bits[i])
                        return false;
        return true;
}

unsigned nodeset_count(const struct nodeset *s) {
        unsigned c = 0;

        for (size_t i = 0; i < ELEMENTSOF(s->bits); i++)
                c += (unsigned) __builtin_popcountll(s->bits[i]);
        return c;
}

bool nodeset_equal(const struct nodeset *a, const struct nodeset *b) {
        return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

void nodeset_union(struct nodeset *a, const struct nodeset *b) {
        for (size_t i = 0; i < ELEMENTSOF(a->bits); i++)
                a->bits[i] |= b->bits[i];
}

void nodeset_subtract(struct nodeset *a, const struct nodeset *b) {
        for (size_t i = 0; i < ELEMENTSOF(a->bits); i++)
                a->bits[i] &= ~b->bits[i];
}

void nodeset_intersect(struct nodeset *a, const struct nodeset *b) {
        for (size_t i = 0; i < ELEMENTSOF(a->bits); i++)
                a->bits[i] &= b->bits[i];
}

int nodeset_next(const struct nodeset *s, int from) {
        if (from < 0)
                from = 0;

        for (unsigned w = (unsigned) from / 64; w < ELEMENTSOF(s->bits); w++) {
                uint64_t word = s->bits[w];

                if (w == (unsigned) from / 64)
                        word &= ~UINT64_C(0) << (from % 64);
                if (word)
                        return (int) (w * 64 + (unsigned) __builtin_ctzll(word));
        }
        return -1;
}

int nodeset_format(const struct nodeset *s, char **ret) {
        struct range_writer w = RANGE_WRITER_INIT;

        for (int n = nodeset_next(s, 0); n >= 0; n = nodeset_next(s, n + 1))
                range_writer_add(&w, (unsigned) n);

        return range_writer_finish(&w, ret);
}

/* libvirt skips what C's isspace() calls blank (virSkipSpaces). */
static const char *skip_blanks(const char *p) {
        while (ascii_is_space(*p))
                p++;
        return p;
}

/* Reads a decimal node id; stops at the first non-digit. */
static int read_id(const char **p, unsigned *ret) {
        unsigned v = 0;
        const char *q = *p;

        if (*q < '0' || *q > '9')
                return -EINVAL;

        for (; *q >= '0' && *q <= '9'; q++) {
                v = v * 10 + (unsigned) (*q - '0');
                if (v > NODE_ID_MAX)
                        return -ERANGE;
        }

        *p = q;
        *ret = v;
        return 0;
}

int nodeset_parse_libvirt(const char *str, struct nodeset *ret) {
        struct nodeset s;
        const char *p = skip_blanks(str);
        int r;

        nodeset_clear(&s);
        if (*p == '\0')
                return -EINVAL;

        while (*p != '\0') {
                bool neg = false;
                unsigned first, last;

                if (*p == '^') {
                        neg = true;
                        p++;
                }
                r = read_id(&p, &first);
                if (r < 0)
                        return r;
                last = first;
                p = skip_blanks(p);

                if (*p == '-') {
                        if (neg)
                                return -EINVAL;
                        /* libvirt reads M with strtol(): blanks, then an optional sign. */
                        p = skip_blanks(p + 1);
                        if (*p == '+')
                                p++;
                        r = read_id(&p, &last);
                        if (r < 0)
                                return r;
                        if (last < first)
                                return -EINVAL;
                        p = skip_blanks(p);
                }

                if (neg)
                        nodeset_remove_range(&s, first, last);
                else
                        nodeset_add_range(&s, first, last);

                if (*p == ',')
                        p = skip_blanks(p + 1); /* so a trailing ',' ends the list */
                else if (*p != '\0')
                        return -EINVAL;
        }

        /* libvirt refuses a <memory> or <memnode> nodeset that leaves nothing. */
        if (nodeset_is_empty(&s))
                return -EINVAL;

        *ret = s;
        return 0;
}

int nodeset_parse_kernel(const char *s, struct nodeset *ret) {
        const char *p = s;

        /* Not ascii_is_space(): only the kernel's blanks make an empty list; "\t" alone stays an error. */
        while (*p == ' ' || *p == '\n')
                p++;
        if (*p == '\0') {
                nodeset_clear(ret);
                return 0;
        }
        if (strchr(p, '^'))
                return -EINVAL;
        return nodeset_parse_libvirt(p, ret);
}
