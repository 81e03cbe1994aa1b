/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Decimal ids as XML attributes and libvirt write them, and the "0-3,8" lists built from ascending ids. */

#include <stddef.h>

#include "strbuf.h"

/*
 * An id as XML attributes write it (cellid='1', id='0'): decimal digits
 * only, at most max. Returns the id, or -1 for NULL, anything else or a
 * larger number.
 */
long parse_id(const char *s, size_t len, unsigned long max);
static inline long parse_id_str(const char *s, unsigned long max) {
        return s ? parse_id(s, __builtin_strlen(s), max) : -1;
}

/*
 * An unsigned attribute as libvirt reads it (virXMLPropUInt, base 10:
 * strtoul after blanks and an optional '+', no '-', nothing after), e.g. a
 * <cell id=' 1'> or <memnode cellid='+1'>. Returns the number, or -1 for
 * NULL, anything else or a number above max.
 */
long parse_uint_libvirt(const char *s, unsigned long max);

/*
 * Builds "0-3,8,10-11" from ascending ids; shared by the node set and the
 * CPU lists that --topology prints.
 */
struct range_writer {
        struct strbuf out;
        long first, last; /* current run, -1 when none */
};

#define RANGE_WRITER_INIT                                                                                    \
        { .first = -1, .last = -1 }

void range_writer_add(struct range_writer *w, unsigned id);
/* Returns 0 or -ENOMEM; *ret is a new string ("" when nothing was added). */
int range_writer_finish(struct range_writer *w, char **ret);
