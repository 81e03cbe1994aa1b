/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The grammar of the numa and numa_memnode custom properties. */

#include <stdbool.h>

#include "diag.h"
#include "nodeset.h"

/* libvirt's <numatune><memory mode=...>; the values are libvirt's words. */
enum numa_mode {
        NUMA_MODE_STRICT,
        NUMA_MODE_PREFERRED,
        NUMA_MODE_INTERLEAVE,
        NUMA_MODE_RESTRICTIVE,
        _NUMA_MODE_MAX,
        _NUMA_MODE_INVALID = -1,
};

const char *numa_mode_to_string(enum numa_mode m);
/* Exact, lowercase match of len bytes; _NUMA_MODE_INVALID otherwise. */
enum numa_mode numa_mode_from_string(const char *s, size_t len);

enum spec_target {
        SPEC_TARGET_NODESET, /* "strict:1-4,^3" */
        SPEC_TARGET_AUTO,    /* "strict:auto": numad picks the nodes */
        SPEC_TARGET_NONE,    /* "interleave": only with <vcpu placement='auto'> */
        SPEC_TARGET_FIT,     /* "strict:fit": the hook chooses the nodes at start (fit_target.c) */
};

/* The property is short; this bounds the quote of it in messages. */
#define SPEC_QUOTE_MAX 64
/* A subject: that quote and the words around it ("numa_memnode cell 3 '...'", where it came from). */
#define SPEC_SUBJECT_SIZE (DIAG_QUOTE_SIZE(SPEC_QUOTE_MAX) + 92)

struct numa_spec {
        char quoted[DIAG_QUOTE_SIZE(SPEC_QUOTE_MAX)]; /* the trimmed value, made safe for messages */
        char subject[SPEC_SUBJECT_SIZE];              /* what messages about it start with: "'strict:^3'" */
        enum numa_mode mode;
        enum spec_target target;
        bool has_include;       /* false: the base is every host node with memory */
        struct nodeset include; /* union of the plain items */
        struct nodeset exclude; /* union of the ^ items */
};

/*
 * Parses the value of the custom property:
 *
 *   spec    := mode [ ':' target ]
 *   mode    := strict | preferred | interleave | restrictive
 *   target  := 'auto' | 'fit' | nodeset
 *   nodeset := item ( ',' item )*
 *   item    := [ '^' ] N [ '-' M ]       N, M: ASCII decimal, N <= M <= NODE_ID_MAX
 *
 * ASCII whitespace around the whole value is trimmed; any other whitespace
 * is an error. Unlike libvirt's nodeset, the items form a set independent
 * of their order: (union of plain items) - (union of ^ items), and ^ may
 * stand alone ("^3": every node with memory but 3). The host is applied
 * later, in resolve.c.
 *
 * On error returns -EINVAL and fills d with one line that quotes the value
 * and names the 1-based position in the trimmed value.
 */
int spec_parse(const char *value, struct numa_spec *ret, struct diag *d);

/* One entry of numa_memnode: bind guest NUMA cell `cell` like spec says. */
struct memnode_spec {
        unsigned cell;
        struct numa_spec spec; /* SPEC_TARGET_NODESET or SPEC_TARGET_FIT */
};

struct memnode_list {
        char quoted[DIAG_QUOTE_SIZE(SPEC_QUOTE_MAX)]; /* the whole trimmed value, for messages */
        bool every_cell;             /* the value is "MODE:fit" alone: every guest cell, as every_spec */
        struct numa_spec every_spec; /* when every_cell; items is empty then */
        size_t n;
        struct memnode_spec *items;
};

/*
 * Parses the numa_memnode custom property:
 *
 *   memnodes := entry ( WHITESPACE+ entry )*  |  mode ':fit'
 *   entry    := CELL '=' mode ':' ( nodeset | 'fit' )     CELL: decimal <= NODE_ID_MAX
 *
 * "MODE:fit" alone means every guest cell (every_cell): the cells are the
 * domain's, so the caller expands it.
 * Whitespace separates entries because oVirt Engine forbids ';' in custom
 * property values. The nodeset has the grammar and set semantics of
 * spec_parse(); 'auto' and a mode alone are refused, and so is a cell
 * given twice. Errors quote the whole value and name the position in it.
 * Returns 0, -EINVAL or -ENOMEM; free with memnode_list_done().
 */
int spec_parse_memnodes(const char *value, struct memnode_list *ret, struct diag *d);
void memnode_list_done(struct memnode_list *l);
