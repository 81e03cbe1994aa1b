/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Sets of NUMA node ids: arithmetic, libvirt's nodeset parser and its canonical format. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Largest NUMA node id we accept. The kernel's CONFIG_NODES_SHIFT is at
 * most 10 (1024 nodes) on every architecture today; 4095 leaves room and
 * keeps a node set a fixed 512-byte value with no allocation.
 */
#define NODE_ID_MAX 4095

struct nodeset {
        uint64_t bits[(NODE_ID_MAX + 1) / 64];
};

void nodeset_clear(struct nodeset *s);
void nodeset_add_range(struct nodeset *s, unsigned first, unsigned last);
void nodeset_remove_range(struct nodeset *s, unsigned first, unsigned last);
static inline void nodeset_add(struct nodeset *s, unsigned n) {
        nodeset_add_range(s, n, n);
}
bool nodeset_contains(const struct nodeset *s, unsigned n);
bool nodeset_is_empty(const struct nodeset *s);
unsigned nodeset_count(const struct nodeset *s);
bool nodeset_equal(const struct nodeset *a, const struct nodeset *b);
void nodeset_union(struct nodeset *a, const struct nodeset *b);
void nodeset_subtract(struct nodeset *a, const struct nodeset *b);
void nodeset_intersect(struct nodeset *a, const struct nodeset *b);

/* The smallest member >= from, or -1. Iterate with: for (n = next(s, 0); n >= 0; n = next(s, n + 1)) */
int nodeset_next(const struct nodeset *s, int from);

/*
 * libvirt's canonical form: ascending, runs of two or more as N-M, e.g.
 * "0-2,4,6-7"; "" for the empty set. libvirt keeps such a string as it is.
 * Returns 0 or -ENOMEM; *ret is a new string.
 */
int nodeset_format(const struct nodeset *s, char **ret);

/*
 * Parses a nodeset attribute exactly as libvirt does (virBitmapParse, then
 * the non-empty check of <memory> and <memnode>):
 *
 *   list  := B item ( B ',' B item )* B [ ',' B ]    a trailing ',' is fine
 *   item  := '^' N  |  N [ B '-' B [ '+' ] M ]        N <= M, left to right
 *   B     := blanks (space, \t, \n, \r, \v, \f), possibly none
 *
 * so "0 - 1" is 0-1, and "^" only removes what an earlier item added
 * ("^3,1-4" is 1-4). This reads <numatune> elements already in a domain;
 * the hook's own grammar lives in spec.c. Returns 0, or -EINVAL for a
 * malformed string or an empty result, -ERANGE for a node id above
 * NODE_ID_MAX.
 */
int nodeset_parse_libvirt(const char *str, struct nodeset *ret);

/*
 * A node list as the kernel writes it in sysfs and cgroup files
 * ("0-1,3\n"); an empty list (a v1 cpuset with no mems, a tier without
 * nodes) is the empty set. Returns 0, or -EINVAL / -ERANGE as
 * nodeset_parse_libvirt(), which it uses ('^' is never the kernel's).
 */
int nodeset_parse_kernel(const char *s, struct nodeset *ret);
