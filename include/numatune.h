/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "domxml.h"
#include "resolve.h"

/* "<memory mode='strict' nodeset='1-2'/>" in the given quote. Returns 0 or -ENOMEM. */
int numatune_memory_markup(const struct numa_binding *b, char quote, char **ret);

/* Whether an existing <memory> already says what b says (libvirt's defaults applied). */
bool numatune_memory_matches(
        const struct domxml_memory *m, bool vcpu_placement_auto, const struct numa_binding *b);

/*
 * Decides the one edit that puts b into the document, where libvirt's own
 * formatter would put it and indented like its neighbours:
 *   - no <numatune>: a new one after the last of vcpu, iothreads,
 *     iothreadids, defaultiothread and cputune, else as the last child;
 *   - a <numatune> without <memory>: ours becomes its first child;
 *   - a <numatune> whose <memory> already matches: nothing (returns 0);
 *   - any other <memory>, or two <numatune>: an error naming both.
 * Returns 1 with *ret filled, 0 when nothing is to change, or -EINVAL.
 * spec_quoted is the user's value for messages.
 */
int numatune_plan(const char *buf, const struct domxml_facts *f, const struct numa_binding *b,
        const char *spec_quoted, struct domxml_edit *ret, struct diag *d);

/*
 * The last check before anything is written: the result parses, has
 * exactly one direct <numatune>, and its <memory> is ours.
 */
int numatune_verify(const char *buf, size_t len, const struct numa_binding *b, struct diag *d);
