/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The domain's <uuid>: read from the domain XML as libvirt reads it, and written in one canonical form. */

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* The canonical form, 8-4-4-4-12 lower-case hex digits, and its buffer with the NUL. */
#define UUID_STRING_LEN  36
#define UUID_STRING_SIZE (UUID_STRING_LEN + 1)

/*
 * A UUID as libvirt's virUUIDParse() reads one: blanks before and after,
 * then 32 hex digits in pairs, with '-' or ' ' anywhere between the pairs
 * ("4B3F..." and "4b3f-..." name the same domain). Writes the canonical
 * form to ret. Returns 0, or -EINVAL for anything else. Public for
 * test_uuid.c: it tables libvirt's forms, with no domain XML around them.
 */
int uuid_canonical(const char *s, size_t len, char ret[static UUID_STRING_SIZE]);

/* Whether s is a UUID in the canonical form, exactly (as the ledger writes them). */
bool uuid_is_canonical(const char *s, size_t len);

/*
 * The domain's <uuid> (the first child <uuid> of <domain>, its text, as
 * libvirt reads it) from domain XML in buf, canonical, without the rest of
 * the scan the hook does. Returns 0, -ENOENT when the domain has none or
 * an empty one (libvirt would make one up), or another negative errno with
 * d filled.
 */
int uuid_from_domxml(const char *buf, size_t len, char ret[static UUID_STRING_SIZE], struct diag *d);
