/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Decides and checks the <numatune> edit, with libvirt's defaults and rules for it. */

#include <stdbool.h>
#include <stddef.h>

#include "binding.h"
#include "diag.h"
#include "domxml.h"

/*
 * The element b is written as, in the given quote: "<memory mode='strict'
 * nodeset='1-2'/>" for the VM's, "<memnode cellid='1' mode='strict'
 * nodeset='0-1'/>" for a guest cell's. Returns 0 or -ENOMEM.
 */
int numatune_markup(const struct binding *b, char quote, char **ret);

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

/* What the document's <numatune> must hold when the hook is done. */
struct numatune_request {
        const struct binding *memory;   /* NULL: the numa property is not set */
        const char *memory_subject;     /* "'strict:^3'": how messages name it */
        const struct binding *memnodes; /* one per guest cell, in the order the property gives */
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
 * Returns 0 with whether anything is to change in ret_changed and the
 * edit in ret_edit (an empty one when nothing is), or a negative errno
 * with d filled and neither written.
 */
int numatune_plan(const char *buf, const struct domxml_facts *f, const struct numatune_request *req,
        struct domxml_edit *ret_edit, bool *ret_changed, struct diag *d);

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
