/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Safe streaming parse with libxml2's SAX2 interface: no tree, no DTD, no
 * entity or file is ever loaded, and the offsets the callbacks get are
 * byte offsets into the caller's buffer. Which bytes libxml2 parses is
 * encoding.c's decision: the buffer itself when it is UTF-8, or its UTF-8
 * copy, whose offsets are mapped back. domxml.c and capabilities.c build
 * on it; beside encoding.c (which asks libxml2 how it reads a string),
 * nothing else includes libxml2.
 */

#include <libxml/parser.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "encoding.h"

struct xml_reader {
        xmlParserCtxt *ctxt; /* valid inside callbacks */
        const char *buf;     /* the document */
        size_t len;
        const char *what; /* "domain XML", "capabilities": names the document in messages */
        struct diag *d;
        int stopped; /* negative code once a callback called xml_reader_stop() */
        bool doctype;
        char first_error[DIAG_LINE_MAX];
        int first_error_line;

        /* Set by xml_read() for an encoding other than UTF-8: what libxml2 parses instead of buf. */
        struct encoding_copy copy;      /* copy.utf8 is NULL for UTF-8 */
        size_t cursor_copy, cursor_buf; /* the last mapped offset pair, for the next mapping */
};

/*
 * Parses buf. The callbacks in sax (startElementNs, endElementNs,
 * characters) get the reader as their ctx: embed the struct xml_reader
 * first in a larger one. Returns 0, or a negative errno with d filled.
 */
int xml_read(struct xml_reader *r, const xmlSAXHandler *sax);

/* From a callback: refuse the document with this message and stop parsing. */
int xml_reader_stop(struct xml_reader *r, int code, const char *fmt, ...) _printf_(3, 4);

/*
 * The offset just past the start tag whose startElementNs callback is
 * running ('>' or '/>'), and whether it is self-closing. Returns 0, or
 * -EPROTO if the parser's position does not sit on a tag end (or, in a
 * converted document, inside a converted byte), which would be a libxml2
 * surprise.
 */
int xml_reader_start_tag_end(struct xml_reader *r, size_t *ret_end, bool *ret_self_closing);
/* The offset just past the end tag whose endElementNs callback is running. Returns 0 or -EPROTO. */
int xml_reader_end_tag_end(struct xml_reader *r, size_t *ret_end);
/* The '<' that opens the tag ending just before offset end. */
size_t xml_tag_start(const char *buf, size_t end);

/* The 5-field attribute array of startElementNs: the value of an attribute in no namespace. */
bool xml_attr(int n, const xmlChar **attrs, const char *name, const char **ret_value, size_t *ret_len);
bool xml_attr_equals(int n, const xmlChar **attrs, const char *name, const char *value);
/* A copy of the value, or NULL when absent; -ENOMEM on failure. */
int xml_attr_dup(int n, const xmlChar **attrs, const char *name, char **ret);
/*
 * The same, read as libvirt's virXMLPropString() reads an attribute
 * (xmlGetProp): the first in document order whose local name is name,
 * whatever its namespace, so <memory a:mode='interleave' mode='strict'>
 * has mode 'interleave' for libvirt.
 */
int xml_attr_dup_libvirt(int n, const xmlChar **attrs, const char *name, char **ret);
