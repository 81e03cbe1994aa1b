/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Character classes of ASCII, the same in every locale. */

#include <stdbool.h>

/*
 * What C's isspace() calls blank in the "C" locale, whatever the locale
 * is: the blanks strtoul() and libvirt's virSkipSpaces() skip.
 */
static inline bool ascii_is_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* XML's S: space, tab, carriage return, line feed (no \v or \f). */
static inline bool ascii_is_xml_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A blank within a line: space or tab, as in the indentation of a line of markup. */
static inline bool ascii_is_hblank(char c) {
        return c == ' ' || c == '\t';
}
