/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "domxml.h"
#include "resolve.h"

/* "<memory mode='strict' nodeset='1-2'/>" in the given quote. Returns 0 or -ENOMEM. */
int numatune_memory_markup(const struct numa_binding *b, char quote, char **ret);

/* An element's mode attribute with libvirt's default (strict); _NUMA_MODE_INVALID when unknown. */
enum numa_mode numatune_mode_or_default(const char *mode);

/* Whether an existing <memory> places automatically, libvirt's default placement applied. */
bool numatune_memory_placement_auto(const struct domxml_memory *m, bool vcpu_placement_auto);

/*
 * libvirt's effective memory placement for a document as it stands
 * (virDomainNumatuneParseXML): the one <numatune>'s <memory> decides, with
 * libvirt's defaults; without a <memory>, <vcpu placement='auto'> makes it
 * automatic. libvirt refuses any <memnode> when this is true. For every
 * hook point that has to decide it (start, migration destination, ...).
 */
bool numatune_effective_placement_auto(const struct domxml_facts *f);

/*
 * libvirt's rule for a restrictive <memory>: every <memnode> in nt must be
 * restrictive too. Returns 0, or -EINVAL with d filled, naming subject.
 */
int numatune_check_memnodes_restrictive(
        const struct domxml_numatune *nt, const char *subject, struct diag *d);

/*
 * libvirt's schema allows one <numatune> and one <memory> in it (its
 * parser silently takes the first <memory>): more is an error at every
 * hook point. origin ("incoming", "saved") starts the message, or NULL.
 * Returns 0, or -EINVAL with d filled.
 */
int numatune_check_counts(const struct domxml_facts *f, const char *origin, struct diag *d);

/* An element already in the document, as "<memory mode='x' nodeset='y'/>", its values made safe to print. */
void numatune_describe_memory(const struct domxml_memory *m, char *buf, size_t size);
void numatune_describe_memnode(const struct domxml_memnode *m, char *buf, size_t size);

/*
 * An existing <memnode>'s cellid as libvirt reads it (an unsigned
 * attribute: ' 1' and '+1' are cell 1), or -1 when libvirt would refuse it.
 */
long numatune_memnode_cell(const struct domxml_memnode *m);

/* One guest cell's binding: <memnode cellid=... mode=... nodeset=.../>. */
struct memnode_binding {
        unsigned cell;
        enum numa_mode mode;
        struct nodeset nodes;
};

/* "<memnode cellid='1' mode='strict' nodeset='0-1'/>" in the given quote. Returns 0 or -ENOMEM. */
int numatune_memnode_markup(const struct memnode_binding *m, char quote, char **ret);

/* What the document's <numatune> must hold when the hook is done. */
struct numatune_request {
        const struct numa_binding *memory; /* NULL: the numa property is not set */
        const char *memory_subject;        /* "'strict:^3'": how messages name it */
        const struct memnode_binding *memnodes;
        size_t n_memnodes;
        const char *memnodes_subject; /* "numa_memnode '0=strict:0'" */
};

/*
 * Decides the one edit that puts the request into the document, where
 * libvirt's own formatter would put it and laid out like its neighbours:
 *   - no <numatune>: a new one after the element libvirt's formatter
 *     writes last before it (domxml.c's anchors[]), else as the last child;
 *   - a <numatune> without <memory>: ours, then our memnodes, become its
 *     first children; with a <memory> that matches: our memnodes follow it;
 *   - a <memory> or a <memnode> for the same cell that says something
 *     else, or two <numatune>: an error naming both, nothing changed;
 *   - libvirt's rules: no memnode with placement 'auto' (also the one a
 *     <vcpu placement='auto'> gives when there is no <memory>), and a
 *     restrictive <memory> only with restrictive memnodes.
 * Everything already in place is left alone, so a second run is a no-op.
 * Returns 1 with *ret filled, 0 when nothing is to change, or a negative errno.
 */
int numatune_plan(const char *buf, const struct domxml_facts *f, const struct numatune_request *req,
        struct domxml_edit *ret, struct diag *d);

/*
 * The last check before anything is written: the result parses, has
 * exactly one direct <numatune>, and it holds everything requested.
 * The hook runs numatune_verify_edit() instead; this whole-document form
 * is public as the oracle it is checked against: the fuzz target
 * (tests/fuzz/fuzz-domxml.c) and test_numatune.c run both on each output.
 */
int numatune_verify(const char *buf, size_t len, const struct numatune_request *req, struct diag *d);

/*
 * The same check for an output made by numatune_plan()'s edit e, parsing
 * only up to the end of <numatune> (the rest is the input's bytes, which
 * the first scan parsed in the same context). What the hook runs.
 */
int numatune_verify_edit(const char *out, size_t out_len, const struct domxml_edit *e,
        const struct numatune_request *req, struct diag *d);
