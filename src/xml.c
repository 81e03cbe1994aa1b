/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Safe streaming XML over a buffer (libxml2 SAX2, no tree), with byte offsets into it. */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parserInternals.h>

#include "ascii.h"
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

static size_t line_of(const unsigned char *s, size_t offset) {
        size_t line = 1;

        for (size_t i = 0; i < offset; i++)
                line += s[i] == '\n';
        return line;
}

/* An encoding name no longer than this is not one (IANA's longest is 45). */
#define ENCODING_NAME_MAX 64

/*
 * The EncName of the XML declaration that starts the document (after skip
 * bytes of byte order mark), copied into name; "" when there is none:
 *
 *   XMLDecl := '<?xml' S ... [ S 'encoding' Eq ( "'" EncName "'" | '"' EncName '"' ) ] ... '?>'
 *   Eq      := S? '=' S?
 *
 * Anything this does not recognize gives "", and libxml2, which reads the
 * declaration again, refuses what is not UTF-8 (on_start_document).
 */
static void declared_encoding(const char *buf, size_t len, size_t skip, char name[static ENCODING_NAME_MAX]) {
        const char *p = buf + skip, *end = buf + len, *q;

        name[0] = '\0';
        if (len < skip + 6 || memcmp(p, "<?xml", 5) != 0 || !ascii_is_xml_space(p[5]))
                return;
        for (q = p + 5; q + 1 < end && !(q[0] == '?' && q[1] == '>'); q++)
                ;
        end = q;

        for (p += 6; p + 8 <= end; p++) {
                if (!ascii_is_xml_space(p[-1]) || memcmp(p, "encoding", 8) != 0)
                        continue;
                for (p += 8; p < end && ascii_is_xml_space(*p); p++)
                        ;
                if (p >= end || *p != '=')
                        return;
                for (p++; p < end && ascii_is_xml_space(*p); p++)
                        ;
                if (p >= end || (*p != '\'' && *p != '"'))
                        return;
                q = memchr(p + 1, *p, (size_t) (end - p - 1));
                if (q && (size_t) (q - p - 1) < ENCODING_NAME_MAX) {
                        memcpy(name, p + 1, (size_t) (q - p - 1));
                        name[q - p - 1] = '\0';
                }
                return;
        }
}

static bool name_starts(const char *name, const char *prefix) {
        return strncasecmp(name, prefix, strlen(prefix)) == 0;
}

/* UTF-16 and UTF-32 under their names: not ASCII-compatible, said so by name. */
static bool is_wide_encoding(const char *name) {
        static const char *const wide[] = {
                "UTF-16", "UTF16", "UTF-32", "UTF32", "UCS-2", "UCS2", "UCS-4", "UCS4", "ISO-10646-UCS"};

        for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
                if (name_starts(name, wide[i]))
                        return true;
        return false;
}

/* What each byte of the document becomes in UTF-8, converted on its own. */
struct byte_map {
        unsigned char width[256]; /* 0: the byte is not defined in the encoding */
        char utf8[256][8];
        unsigned char bad; /* the byte that made byte_map_build() fail */
};

/*
 * Converts each byte value the document holds (present[b]) on its own
 * through iconv. The document can be read byte for byte, with '<', '>',
 * quotes and newlines where they are, when every ASCII byte in it is
 * itself in the encoding, and every other byte is undefined (width 0) or
 * one non-ASCII character, never the start of a longer sequence or a
 * shift. So a pure-ASCII document in any ASCII-compatible encoding
 * (Shift_JIS, EUC-JP, ...) passes, and a non-ASCII one only in a
 * single-byte encoding. Returns 0; -ENOENT when iconv does not know the
 * name; -EPROTO when an ASCII byte is something else (EBCDIC, UTF-7's
 * '+'); -EPROTONOSUPPORT when a byte starts a multi-byte sequence.
 */
static int byte_map_build(const char *name, const bool present[static 256], struct byte_map *ret) {
        iconv_t cd = iconv_open("UTF-8", name);
        int r = 0;

        if (cd == (iconv_t) -1)
                return -ENOENT;

        for (unsigned b = 0; b < 256 && r == 0; b++) {
                char in = (char) b, *inp = &in, *out = ret->utf8[b];
                size_t in_left = 1, out_left = sizeof(ret->utf8[b]), width;

                ret->width[b] = 0;
                if (!present[b])
                        continue;
                ret->bad = (unsigned char) b;
                iconv(cd, NULL, NULL, NULL, NULL);
                if (iconv(cd, &inp, &in_left, &out, &out_left) == (size_t) -1) {
                        /* EILSEQ: not defined here; EINVAL: the start of a longer sequence. */
                        if (b < 0x80)
                                r = -EPROTO;
                        else if (errno != EILSEQ)
                                r = -EPROTONOSUPPORT;
                        continue;
                }
                if (iconv(cd, NULL, NULL, &out, &out_left) == (size_t) -1) {
                        r = b < 0x80 ? -EPROTO : -EPROTONOSUPPORT;
                        continue;
                }
                width = sizeof(ret->utf8[b]) - out_left;
                if (b < 0x80 && (width != 1 || ret->utf8[b][0] != (char) b))
                        r = -EPROTO;
                else if (b >= 0x80 && (width == 0 || !(ret->utf8[b][0] & 0x80)))
                        r = -EPROTONOSUPPORT;
                ret->width[b] = (unsigned char) width;
        }
        iconv_close(cd);
        return r;
}

/*
 * Whether this libxml2 honours an encoding declaration when it parses a
 * string the way libvirt does (xmlCtxtReadDoc). libxml2 2.9 does not: it
 * reads the string as UTF-8, so libvirt on this host refuses a non-ASCII
 * byte of any other encoding, and so must the hook. Asked once.
 */
static bool string_parse_honours_encoding(void) {
        static const char probe[] = "<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe9</a>";
        static int answer = -1;
        xmlParserCtxt *ctxt;
        xmlDoc *doc;

        if (answer >= 0)
                return answer;
        ctxt = xmlNewParserCtxt();
        if (!ctxt)
                return false;
        doc = xmlCtxtReadDoc(ctxt, (const xmlChar *) probe, NULL, NULL,
                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        answer = doc != NULL;
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return answer;
}

/* The UTF-8 copy of a document in another ASCII-compatible encoding, with the width table for offsets. */
static int transcode(struct xml_reader *r, const char *encoding) {
        const unsigned char *s = (const unsigned char *) r->buf;
        _cleanup_free_ struct byte_map *map = malloc(sizeof(*map));
        char q[DIAG_QUOTE_SIZE(ENCODING_NAME_MAX)];
        bool present[256] = {false};
        size_t n = 0, first_high = r->len;
        int k;

        if (!map)
                return diag_error(r->d, -ENOMEM, "out of memory");
        for (size_t i = 0; i < r->len; i++) {
                present[s[i]] = true;
                if (s[i] >= 0x80 && first_high == r->len)
                        first_high = i;
        }
        diag_quote(encoding, strlen(encoding), ENCODING_NAME_MAX, q, sizeof(q));
        k = byte_map_build(encoding, present, map);
        if (k == -ENOENT)
                return diag_error(r->d, -EINVAL,
                        "%s declares encoding '%s', which this system cannot convert", r->what, q);
        if (k == -EPROTO)
                return diag_error(r->d, -EINVAL,
                        "%s declares encoding '%s', which is not ASCII-compatible (byte 0x%02x is not "
                        "itself in it); only UTF-8 and ASCII-compatible encodings are supported",
                        r->what, q, map->bad);
        if (k < 0)
                return diag_error(r->d, -EINVAL,
                        "%s declares encoding '%s', a multi-byte encoding, and has non-ASCII bytes "
                        "(line %zu, offset %zu); only UTF-8 and single-byte encodings (ISO-8859-*, "
                        "windows-125*, ...) may have them",
                        r->what, q, line_of(s, first_high), first_high);

        for (size_t i = 0; i < r->len; i++) {
                if (s[i] == 0)
                        return diag_error(r->d, -EINVAL, "%s has a NUL byte at line %zu (offset %zu)",
                                r->what, line_of(s, i), i);
                if (map->width[s[i]] == 0)
                        return diag_error(r->d, -EINVAL,
                                "%s is not valid %s at line %zu (offset %zu): byte 0x%02x", r->what, q,
                                line_of(s, i), i, s[i]);
                n += map->width[s[i]];
        }
        if (first_high < r->len && !string_parse_honours_encoding()) {
                /*
                 * libvirt here reads the bytes as UTF-8 whatever the
                 * declaration says: valid UTF-8 it accepts, so read it
                 * the same way, byte for byte (every width 1).
                 */
                size_t bad = utf8_invalid_at(s, r->len);

                if (bad < r->len)
                        return diag_error(r->d, -EINVAL,
                                "%s declares encoding '%s' and has a byte that is not UTF-8 at line %zu "
                                "(offset %zu); libvirt would refuse it, since this libxml2 reads XML from "
                                "a string as UTF-8 whatever it declares",
                                r->what, q, line_of(s, bad), bad);
                r->copy = malloc(r->len);
                if (!r->copy)
                        return diag_error(r->d, -ENOMEM, "out of memory");
                memcpy(r->copy, r->buf, r->len);
                r->copy_len = r->len;
                memset(r->width, 1, sizeof(r->width));
                return 0;
        }
        if (n > (size_t) INT32_MAX)
                return diag_error(r->d, -EFBIG, "%s is too large", r->what);

        r->copy = malloc(n ? n : 1);
        if (!r->copy)
                return diag_error(r->d, -ENOMEM, "out of memory");
        for (size_t i = 0, o = 0; i < r->len; i++) {
                memcpy(r->copy + o, map->utf8[s[i]], map->width[s[i]]);
                o += map->width[s[i]];
        }
        r->copy_len = n;
        memcpy(r->width, map->width, sizeof(r->width));
        return 0;
}

/*
 * Decides how to parse: 0 for UTF-8 as it is, 1 for another encoding
 * through the copy transcode() made, or a negative errno with d filled
 * for everything else.
 */
static int check_encoding(struct xml_reader *r) {
        const unsigned char *s = (const unsigned char *) r->buf;
        char encoding[ENCODING_NAME_MAX], q[ENCODING_NAME_MAX * 4];
        size_t bad, bom = r->len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

        if (r->len >= 4 && ((s[0] == 0 && s[1] == 0 && s[2] == 0xfe && s[3] == 0xff) ||
                                   (s[0] == 0xff && s[1] == 0xfe && s[2] == 0 && s[3] == 0)))
                return diag_error(r->d, -EINVAL,
                        "%s is UTF-32; only UTF-8 and ASCII-compatible encodings are supported", r->what);
        if (r->len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
                return diag_error(r->d, -EINVAL,
                        "%s is UTF-16; only UTF-8 and ASCII-compatible encodings are supported", r->what);
        if (r->len >= 4 && memcmp(s, "\x4c\x6f\xa7\x94", 4) == 0)
                return diag_error(r->d, -EINVAL,
                        "%s is EBCDIC; only UTF-8 and ASCII-compatible encodings are supported", r->what);
        if (r->len >= 2 && s[0] == 0x1f && s[1] == 0x8b)
                return diag_error(r->d, -EINVAL, "%s is gzip-compressed, not XML", r->what);

        declared_encoding(r->buf, r->len, bom, encoding);
        if (encoding[0] && strcasecmp(encoding, "UTF-8") != 0 && strcasecmp(encoding, "UTF8") != 0) {
                diag_quote(encoding, strlen(encoding), ENCODING_NAME_MAX, q, sizeof(q));
                if (bom)
                        return diag_error(r->d, -EINVAL,
                                "%s starts with a UTF-8 byte order mark but declares encoding '%s'", r->what,
                                q);
                if (is_wide_encoding(encoding))
                        return diag_error(r->d, -EINVAL,
                                "%s declares encoding '%s'; only UTF-8 and ASCII-compatible encodings "
                                "are supported",
                                r->what, q);
                return transcode(r, encoding) < 0 ? r->d->error : 1;
        }

        bad = utf8_invalid_at(s, r->len);
        if (bad == r->len)
                return 0;

        if (s[bad] == 0)
                return diag_error(r->d, -EINVAL,
                        "%s has a NUL byte at line %zu (offset %zu); only UTF-8 is supported", r->what,
                        line_of(s, bad), bad);
        return diag_error(r->d, -EINVAL, "%s is not valid UTF-8 at line %zu (offset %zu)", r->what,
                line_of(s, bad), bad);
}

int xml_read(struct xml_reader *r, const xmlSAXHandler *sax) {
        xmlParserCtxt *ctxt;
        int r_parse, well_formed, k;

        xml_setup_once();
        r->stopped = 0;
        r->doctype = false;
        r->first_error[0] = '\0';

        r->copy = NULL;
        r->copy_len = 0;
        r->cursor_copy = r->cursor_buf = 0;

        if (r->len == 0)
                return diag_error(r->d, -EINVAL, "%s is empty", r->what);
        if (r->len > (size_t) INT32_MAX)
                return diag_error(r->d, -EFBIG, "%s is too large", r->what);
        k = check_encoding(r);
        if (k < 0)
                return k;

        ctxt = r->copy ? xmlCreateMemoryParserCtxt(r->copy, (int) r->copy_len)
                       : xmlCreateMemoryParserCtxt(r->buf, (int) r->len);
        if (!ctxt) {
                free(r->copy);
                r->copy = NULL;
                return diag_error(r->d, -ENOMEM, "cannot create an XML parser: out of memory");
        }

        /*
         * Options first, then the handler: NONET, and none of NOENT, DTDLOAD,
         * HUGE or RECOVER, so libxml2 keeps its limits (depth 256, ...). The
         * copy is UTF-8 whatever its declaration says: IGNORE_ENC.
         */
        xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | (r->copy ? XML_PARSE_IGNORE_ENC : 0));
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
        free(r->copy);
        r->copy = NULL;

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
        if (!r->copy) {
                *ret = off;
                return 0;
        }
        if (off < r->cursor_copy)
                r->cursor_copy = r->cursor_buf = 0;
        while (r->cursor_copy < off && r->cursor_buf < r->len)
                r->cursor_copy += r->width[(unsigned char) r->buf[r->cursor_buf++]];
        if (r->cursor_copy != off)
                return -EPROTO;
        *ret = r->cursor_buf;
        return 0;
}

int xml_reader_start_tag_end(struct xml_reader *r, size_t *ret_end, bool *ret_self_closing) {
        const char *p = r->copy ? r->copy : r->buf;
        size_t len = r->copy ? r->copy_len : r->len;
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
        const char *p = r->copy ? r->copy : r->buf;
        size_t len = r->copy ? r->copy_len : r->len;
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
