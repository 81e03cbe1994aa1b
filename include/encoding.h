/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The encoding of an XML document, decided before libxml2 sees a byte.
 * UTF-8 (strict: shortest forms, no surrogates, no NUL; a byte order mark
 * is fine) is parsed as it is. A document that declares another
 * ASCII-compatible encoding is parsed as a UTF-8 copy, each byte converted
 * on its own through iconv, and offsets in the copy map back to the
 * document through the width of each byte: any such encoding when the
 * document is pure ASCII, only single-byte ones (US-ASCII, ISO-8859-*,
 * windows-125*, KOI8-R, ...) when it is not. UTF-16, UTF-32, EBCDIC, gzip
 * and everything else are refused.
 */

#include <stddef.h>

#include "diag.h"

/* The UTF-8 copy of a document in another encoding. */
struct encoding_copy {
        char *utf8; /* owned: free() it */
        size_t len;
        unsigned char width[256]; /* bytes in the copy for each byte value of the document */
};

/*
 * Decides how buf, called what in messages, is parsed: returns 0 when it is
 * UTF-8 and parsed as it is, 1 when it is in another encoding and ret holds
 * its UTF-8 copy, or a negative errno with d filled.
 */
int encoding_check(const char *buf, size_t len, const char *what, struct diag *d, struct encoding_copy *ret);
