/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Safe streaming XML over a buffer (libxml2 SAX2, no tree), with byte offsets into it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parserInternals.h>

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
                char q[80];

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

/*
 * Strict UTF-8, before libxml2 sees a byte: shortest form only, no
 * surrogates, nothing above U+10FFFF, and no NUL, which XML forbids.
 * Returns the offset of the first bad byte, or len.
 */
static size_t utf8_invalid_at(const unsigned char *s, size_t len) {
        const uint64_t high = UINT64_C(0x8080808080808080), ones = UINT64_C(0x0101010101010101);
        size_t i = 0;

        while (i < len) {
                unsigned char c;
                size_t n;
                uint32_t cp, min;

                /* Eight ASCII bytes with no NUL at a time: nearly all of a domain XML. */
                while (len - i >= 8) {
                        uint64_t w;

                        memcpy(&w, s + i, 8);
                        if ((w & high) || ((w - ones) & ~w & high))
                                break;
                        i += 8;
                }
                if (i >= len)
                        break;

                c = s[i];
                if (c == 0)
                        return i;
                if (c < 0x80) {
                        i++;
                        continue;
                }
                if ((c & 0xe0) == 0xc0) {
                        n = 2;
                        cp = c & 0x1f;
                        min = 0x80;
                } else if ((c & 0xf0) == 0xe0) {
                        n = 3;
                        cp = c & 0x0f;
                        min = 0x800;
                } else if ((c & 0xf8) == 0xf0) {
                        n = 4;
                        cp = c & 0x07;
                        min = 0x10000;
                } else
                        return i;

                if (len - i < n)
                        return i;
                for (size_t k = 1; k < n; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return i;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }
                if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return i;
                i += n;
        }
        return len;
}

static int check_encoding(struct xml_reader *r) {
        const unsigned char *s = (const unsigned char *) r->buf;
        size_t bad, line = 1;

        if (r->len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
                return diag_error(r->d, -EINVAL, "%s is UTF-16; only UTF-8 is supported", r->what);
        if (r->len >= 2 && s[0] == 0x1f && s[1] == 0x8b)
                return diag_error(r->d, -EINVAL, "%s is gzip-compressed, not XML", r->what);

        bad = utf8_invalid_at(s, r->len);
        if (bad == r->len)
                return 0;

        for (size_t i = 0; i < bad; i++)
                line += s[i] == '\n';
        if (s[bad] == 0)
                return diag_error(r->d, -EINVAL,
                        "%s has a NUL byte at line %zu (offset %zu); only UTF-8 is supported", r->what, line,
                        bad);
        return diag_error(
                r->d, -EINVAL, "%s is not valid UTF-8 at line %zu (offset %zu)", r->what, line, bad);
}

int xml_read(struct xml_reader *r, const xmlSAXHandler *sax) {
        xmlParserCtxt *ctxt;
        int r_parse, well_formed;

        xml_setup_once();
        r->stopped = 0;
        r->doctype = false;
        r->first_error[0] = '\0';

        if (r->len == 0)
                return diag_error(r->d, -EINVAL, "%s is empty", r->what);
        if (check_encoding(r) < 0)
                return r->d->error;
        if (r->len > (size_t) INT32_MAX)
                return diag_error(r->d, -EFBIG, "%s is too large", r->what);

        ctxt = xmlCreateMemoryParserCtxt(r->buf, (int) r->len);
        if (!ctxt)
                return diag_error(r->d, -ENOMEM, "cannot create an XML parser: out of memory");

        /*
         * Options first, then the handler: NONET, and none of NOENT, DTDLOAD,
         * HUGE or RECOVER, so libxml2 keeps its limits (depth 256, ...).
         */
        xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
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
        xmlFreeParserCtxt(ctxt);

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

size_t xml_reader_start_tag_end(struct xml_reader *r, bool *self_closing) {
        long off = xmlByteConsumed(r->ctxt);

        /* In startElementNs, libxml2 2.9 sits on the '>' or the '/' of "/>". */
        if (off < 0 || (size_t) off >= r->len)
                return (size_t) -1;
        if (r->buf[off] == '>') {
                *self_closing = false;
                return (size_t) off + 1;
        }
        if (r->buf[off] == '/' && (size_t) off + 1 < r->len && r->buf[off + 1] == '>') {
                *self_closing = true;
                return (size_t) off + 2;
        }
        return (size_t) -1;
}

size_t xml_reader_end_tag_end(struct xml_reader *r) {
        long off = xmlByteConsumed(r->ctxt);

        if (off <= 0 || (size_t) off > r->len || r->buf[off - 1] != '>')
                return (size_t) -1;
        return (size_t) off;
}

size_t xml_tag_start(const char *buf, size_t end) {
        /* '<' cannot appear inside a tag, not even in an attribute value. */
        size_t i = end;

        while (i > 0 && buf[i - 1] != '<')
                i--;
        return i > 0 ? i - 1 : 0;
}

bool xml_attr(int n, const xmlChar **attrs, const char *name, const char **ret_value, size_t *ret_len) {
        for (int i = 0; i < n; i++) {
                const xmlChar **a = attrs + 5 * i;

                if (a[2] == NULL && strcmp((const char *) a[0], name) == 0) {
                        *ret_value = (const char *) a[3];
                        *ret_len = (size_t) (a[4] - a[3]);
                        return true;
                }
        }
        return false;
}

bool xml_attr_equals(int n, const xmlChar **attrs, const char *name, const char *value) {
        const char *v;
        size_t len;

        return xml_attr(n, attrs, name, &v, &len) && len == strlen(value) && memcmp(v, value, len) == 0;
}

int xml_attr_dup(int n, const xmlChar **attrs, const char *name, char **ret) {
        const char *v;
        size_t len;
        char *s;

        if (!xml_attr(n, attrs, name, &v, &len)) {
                *ret = NULL;
                return 0;
        }
        s = strndup(v, len);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
