/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Safe streaming XML over a buffer (libxml2 SAX2, no tree), with byte offsets into it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parserInternals.h>

#include "encoding.h"
#include "macro.h"
#include "xml.h"

/* Every external DTD, entity or XInclude goes through here, and is refused. */
static xmlParserInputPtr refuse_external_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
        (void) url;
        (void) id;
        (void) ctxt;
        return NULL;
}

static void silence(void *ctx, const char *msg, ...) {
        (void) ctx;
        (void) msg;
}

static void silence_structured(void *ctx, xmlErrorPtr error) {
        (void) ctx;
        (void) error;
}

static void xml_setup_once(void) {
        static bool done;

        if (done)
                return;
        xmlInitParser();
        xmlSetExternalEntityLoader(refuse_external_entity);
        /* Errors without a parser context must not reach stderr unformatted either. */
        xmlSetGenericErrorFunc(NULL, silence);
        xmlSetStructuredErrorFunc(NULL, silence_structured);
        done = true;
}

int xml_reader_stop(struct xml_reader *r, int code, const char *fmt, ...) {
        char msg[DIAG_LINE_MAX];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        if (r->stopped == 0) {
                r->stopped = code;
                diag_error(r->d, code, "%s", msg);
        }
        xmlStopParser(r->ctxt);
        return code;
}

/* libxml2 calls this for the first line of any DOCTYPE; none is allowed. */
static void on_internal_subset(
        void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id) {
        struct xml_reader *r = ctx;

        (void) name;
        (void) external_id;
        (void) system_id;
        r->doctype = true;
        /* libxml2 2.9 may still call the document well-formed after a stop here. */
        xml_reader_stop(
                r, -EPERM, "%s has a DOCTYPE, which is refused (no DTD or entity is ever loaded)", r->what);
}

static void on_start_document(void *ctx) {
        struct xml_reader *r = ctx;
        const xmlChar *enc = r->ctxt->input ? r->ctxt->input->encoding : NULL;

        if (!enc)
                enc = r->ctxt->encoding;
        if (enc && strcasecmp((const char *) enc, "UTF-8") != 0 &&
                strcasecmp((const char *) enc, "UTF8") != 0) {
                char q[DIAG_QUOTE_SIZE(32)];

                diag_quote((const char *) enc, strlen((const char *) enc), 32, q, sizeof(q));
                xml_reader_stop(r, -EINVAL, "%s declares encoding '%s'; only UTF-8 is supported", r->what, q);
        }
}

static void on_error(void *ctx, xmlErrorPtr error) {
        struct xml_reader *r = ctx;
        size_t n;

        if (!error || error->level < XML_ERR_ERROR || r->first_error[0])
                return;

        snprintf(r->first_error, sizeof(r->first_error), "%s",
                error->message ? error->message : "unknown error");
        /* libxml2 appends detail lines ("Bytes: 0x..."); the first line says it. */
        n = strcspn(r->first_error, "\r\n");
        r->first_error[n] = '\0';
        while (n > 0 && r->first_error[n - 1] == ' ')
                r->first_error[--n] = '\0';
        r->first_error_line = error->line;
}

int xml_read(struct xml_reader *r, const xmlSAXHandler *sax) {
        xmlParserCtxt *ctxt;
        int r_parse, well_formed, k;

        xml_setup_once();
        r->stopped = 0;
        r->doctype = false;
        r->first_error[0] = '\0';

        r->copy.utf8 = NULL;
        r->copy.len = 0;
        r->cursor_copy = r->cursor_buf = 0;

        if (r->len == 0)
                return diag_error(r->d, -EINVAL, "%s is empty", r->what);
        if (r->len > (size_t) INT32_MAX)
                return diag_error(r->d, -EFBIG, "%s is too large", r->what);
        k = encoding_check(r->buf, r->len, r->what, r->d, &r->copy);
        if (k < 0)
                return k;

        ctxt = k > 0 ? xmlCreateMemoryParserCtxt(r->copy.utf8, (int) r->copy.len)
                     : xmlCreateMemoryParserCtxt(r->buf, (int) r->len);
        if (!ctxt) {
                free(r->copy.utf8);
                r->copy.utf8 = NULL;
                return diag_error(r->d, -ENOMEM, "cannot create an XML parser: out of memory");
        }

        /*
         * Options first, then the handler: NONET, and none of NOENT, DTDLOAD,
         * HUGE or RECOVER, so libxml2 keeps its limits (depth 256, ...). The
         * copy is UTF-8 whatever its declaration says: IGNORE_ENC.
         */
        xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | (k > 0 ? XML_PARSE_IGNORE_ENC : 0));
        memset(ctxt->sax, 0, sizeof(*ctxt->sax));
        ctxt->sax->initialized = XML_SAX2_MAGIC;
        ctxt->sax->startElementNs = sax->startElementNs;
        ctxt->sax->endElementNs = sax->endElementNs;
        ctxt->sax->characters = sax->characters;
        ctxt->sax->cdataBlock = sax->characters;
        ctxt->sax->internalSubset = on_internal_subset;
        ctxt->sax->startDocument = on_start_document;
        ctxt->sax->serror = on_error;
        ctxt->userData = r;
        r->ctxt = ctxt;

        r_parse = xmlParseDocument(ctxt);
        well_formed = ctxt->wellFormed && ctxt->nsWellFormed;
        r->ctxt = NULL;
        /*
         * No tree is built, but an <!ENTITY> in an internal subset makes
         * libxml2 2.9 keep it in a document of its own ("SAX compatibility
         * mode"), which the parser context does not free.
         */
        xmlFreeDoc(ctxt->myDoc);
        ctxt->myDoc = NULL;
        xmlFreeParserCtxt(ctxt);
        free(r->copy.utf8);
        r->copy.utf8 = NULL;

        if (r->stopped < 0)
                return r->stopped;
        if (r_parse < 0 || !well_formed || r->first_error[0]) {
                if (r->first_error[0])
                        return diag_error(r->d, -EINVAL, "%s is not well-formed: line %d: %s", r->what,
                                r->first_error_line, r->first_error);
                return diag_error(r->d, -EINVAL, "%s is not well-formed", r->what);
        }
        return 0;
}

/*
 * An offset in what libxml2 parses, as an offset in buf. For the copy of a
 * single-byte document: the callbacks ask in document order, so walk on
 * from the last answer, adding each byte's width (start over if asked
 * for an earlier one). Returns 0, or -EPROTO if off is inside a converted byte.
 */
static int to_buf_offset(struct xml_reader *r, size_t off, size_t *ret) {
        if (!r->copy.utf8) {
                *ret = off;
                return 0;
        }
        if (off < r->cursor_copy)
                r->cursor_copy = r->cursor_buf = 0;
        while (r->cursor_copy < off && r->cursor_buf < r->len)
                r->cursor_copy += r->copy.width[(unsigned char) r->buf[r->cursor_buf++]];
        if (r->cursor_copy != off)
                return -EPROTO;
        *ret = r->cursor_buf;
        return 0;
}

int xml_reader_start_tag_end(struct xml_reader *r, size_t *ret_end, bool *ret_self_closing) {
        const char *p = r->copy.utf8 ? r->copy.utf8 : r->buf;
        size_t len = r->copy.utf8 ? r->copy.len : r->len;
        long off = xmlByteConsumed(r->ctxt);
        bool self_closing;
        size_t end;

        /* In startElementNs, libxml2 2.9 sits on the '>' or the '/' of "/>". */
        if (off < 0 || (size_t) off >= len)
                return -EPROTO;
        if (p[off] == '>') {
                self_closing = false;
                end = (size_t) off + 1;
        } else if (p[off] == '/' && (size_t) off + 1 < len && p[off + 1] == '>') {
                self_closing = true;
                end = (size_t) off + 2;
        } else
                return -EPROTO;
        if (to_buf_offset(r, end, &end) < 0)
                return -EPROTO;
        *ret_end = end;
        *ret_self_closing = self_closing;
        return 0;
}

int xml_reader_end_tag_end(struct xml_reader *r, size_t *ret_end) {
        const char *p = r->copy.utf8 ? r->copy.utf8 : r->buf;
        size_t len = r->copy.utf8 ? r->copy.len : r->len;
        long off = xmlByteConsumed(r->ctxt);

        if (off <= 0 || (size_t) off > len || p[off - 1] != '>')
                return -EPROTO;
        return to_buf_offset(r, (size_t) off, ret_end);
}

size_t xml_tag_start(const char *buf, size_t end) {
        /* '<' cannot appear inside a tag, not even in an attribute value. */
        size_t i = end;

        while (i > 0 && buf[i - 1] != '<')
                i--;
        return i > 0 ? i - 1 : 0;
}

/* The first attribute named name in document order: in no namespace, or (any_ns) in any. */
static bool find_attr(int n, const xmlChar **attrs, const char *name, bool any_ns, const char **ret_value,
        size_t *ret_len) {
        for (int i = 0; i < n; i++) {
                const xmlChar **a = attrs + 5 * i;

                if ((any_ns || a[2] == NULL) && strcmp((const char *) a[0], name) == 0) {
                        *ret_value = (const char *) a[3];
                        *ret_len = (size_t) (a[4] - a[3]);
                        return true;
                }
        }
        return false;
}

bool xml_attr(int n, const xmlChar **attrs, const char *name, const char **ret_value, size_t *ret_len) {
        return find_attr(n, attrs, name, false, ret_value, ret_len);
}

bool xml_attr_equals(int n, const xmlChar **attrs, const char *name, const char *value) {
        const char *v;
        size_t len;

        return xml_attr(n, attrs, name, &v, &len) && len == strlen(value) && memcmp(v, value, len) == 0;
}

static int dup_attr(int n, const xmlChar **attrs, const char *name, bool any_ns, char **ret) {
        const char *v;
        size_t len;
        char *s;

        if (!find_attr(n, attrs, name, any_ns, &v, &len)) {
                *ret = NULL;
                return 0;
        }
        s = strndup(v, len);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int xml_attr_dup(int n, const xmlChar **attrs, const char *name, char **ret) {
        return dup_attr(n, attrs, name, false, ret);
}

int xml_attr_dup_libvirt(int n, const xmlChar **attrs, const char *name, char **ret) {
        return dup_attr(n, attrs, name, true, ret);
}
