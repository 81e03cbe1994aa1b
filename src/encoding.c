/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which encoding a document is in, and the UTF-8 copy libxml2 parses when it is not UTF-8. */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "ascii.h"
#include "encoding.h"
#include "macro.h"

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
 * declaration again, refuses what is not UTF-8 (xml.c, on_start_document).
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
 * '+'); -EPROTONOSUPPORT when a byte starts a multi-byte sequence. On
 * those two *ret is partial but for ret->bad, the byte that failed.
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

/* The document, what it is called in messages, and where a refusal is said. */
struct document {
        const unsigned char *s;
        size_t len;
        const char *what;
        struct diag *d;
};

/*
 * libvirt on a host whose libxml2 reads a string as UTF-8 whatever it
 * declares (string_parse_honours_encoding()) accepts the bytes when they
 * are valid UTF-8: read them the same way, byte for byte (every width 1).
 */
static int copy_as_utf8(const struct document *doc, const char *q, struct encoding_copy *ret) {
        size_t bad = utf8_invalid_at(doc->s, doc->len);
        char *copy;

        if (bad < doc->len)
                return diag_error(doc->d, -EINVAL,
                        "%s declares encoding '%s' and has a byte that is not UTF-8 at line %zu "
                        "(offset %zu); libvirt would refuse it, since this libxml2 reads XML from "
                        "a string as UTF-8 whatever it declares",
                        doc->what, q, line_of(doc->s, bad), bad);
        copy = malloc(doc->len);
        if (!copy)
                return diag_error(doc->d, -ENOMEM, "out of memory");
        memcpy(copy, doc->s, doc->len);
        ret->utf8 = copy;
        ret->len = doc->len;
        memset(ret->width, 1, sizeof(ret->width));
        return 0;
}

/* The bytes of the document through the byte map, each converted on its own. */
static int copy_through_map(
        const struct document *doc, const struct byte_map *map, size_t n, struct encoding_copy *ret) {
        char *copy;

        if (n > (size_t) INT32_MAX)
                return diag_error(doc->d, -EFBIG, "%s is too large", doc->what);
        copy = malloc(n ? n : 1);
        if (!copy)
                return diag_error(doc->d, -ENOMEM, "out of memory");
        for (size_t i = 0, o = 0; i < doc->len; i++) {
                memcpy(copy + o, map->utf8[doc->s[i]], map->width[doc->s[i]]);
                o += map->width[doc->s[i]];
        }
        ret->utf8 = copy;
        ret->len = n;
        memcpy(ret->width, map->width, sizeof(ret->width));
        return 0;
}

/* The UTF-8 copy of a document in another ASCII-compatible encoding, with the width table for offsets. */
static int transcode(const struct document *doc, const char *encoding, struct encoding_copy *ret) {
        const unsigned char *s = doc->s;
        _cleanup_free_ struct byte_map *map = malloc(sizeof(*map));
        char q[DIAG_QUOTE_SIZE(ENCODING_NAME_MAX)];
        bool present[256] = {false};
        size_t n = 0, first_high = doc->len;
        int k;

        if (!map)
                return diag_error(doc->d, -ENOMEM, "out of memory");
        for (size_t i = 0; i < doc->len; i++) {
                present[s[i]] = true;
                if (s[i] >= 0x80 && first_high == doc->len)
                        first_high = i;
        }
        diag_quote(encoding, strlen(encoding), ENCODING_NAME_MAX, q, sizeof(q));
        k = byte_map_build(encoding, present, map);
        if (k == -ENOENT)
                return diag_error(doc->d, -EINVAL,
                        "%s declares encoding '%s', which this system cannot convert", doc->what, q);
        if (k == -EPROTO)
                return diag_error(doc->d, -EINVAL,
                        "%s declares encoding '%s', which is not ASCII-compatible (byte 0x%02x is not "
                        "itself in it); only UTF-8 and ASCII-compatible encodings are supported",
                        doc->what, q, map->bad);
        if (k < 0)
                return diag_error(doc->d, -EINVAL,
                        "%s declares encoding '%s', a multi-byte encoding, and has non-ASCII bytes "
                        "(line %zu, offset %zu); only UTF-8 and single-byte encodings (ISO-8859-*, "
                        "windows-125*, ...) may have them",
                        doc->what, q, line_of(s, first_high), first_high);

        for (size_t i = 0; i < doc->len; i++) {
                if (s[i] == 0)
                        return diag_error(doc->d, -EINVAL, "%s has a NUL byte at line %zu (offset %zu)",
                                doc->what, line_of(s, i), i);
                if (map->width[s[i]] == 0)
                        return diag_error(doc->d, -EINVAL,
                                "%s is not valid %s at line %zu (offset %zu): byte 0x%02x", doc->what, q,
                                line_of(s, i), i, s[i]);
                n += map->width[s[i]];
        }
        if (first_high < doc->len && !string_parse_honours_encoding())
                return copy_as_utf8(doc, q, ret);
        return copy_through_map(doc, map, n, ret);
}

/* What the first bytes say the document is, when that is something refused; 0 otherwise. */
static int check_signature(const struct document *doc) {
        const unsigned char *s = doc->s;
        size_t len = doc->len;

        if (len >= 4 && ((s[0] == 0 && s[1] == 0 && s[2] == 0xfe && s[3] == 0xff) ||
                                (s[0] == 0xff && s[1] == 0xfe && s[2] == 0 && s[3] == 0)))
                return diag_error(doc->d, -EINVAL,
                        "%s is UTF-32; only UTF-8 and ASCII-compatible encodings are supported", doc->what);
        if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
                return diag_error(doc->d, -EINVAL,
                        "%s is UTF-16; only UTF-8 and ASCII-compatible encodings are supported", doc->what);
        if (len >= 4 && memcmp(s, "\x4c\x6f\xa7\x94", 4) == 0)
                return diag_error(doc->d, -EINVAL,
                        "%s is EBCDIC; only UTF-8 and ASCII-compatible encodings are supported", doc->what);
        if (len >= 2 && s[0] == 0x1f && s[1] == 0x8b)
                return diag_error(doc->d, -EINVAL, "%s is gzip-compressed, not XML", doc->what);
        return 0;
}

int encoding_check(const char *buf, size_t len, const char *what, struct diag *d, struct encoding_copy *ret) {
        const struct document doc = {.s = (const unsigned char *) buf, .len = len, .what = what, .d = d};
        const unsigned char *s = doc.s;
        char encoding[ENCODING_NAME_MAX], q[DIAG_QUOTE_SIZE(ENCODING_NAME_MAX)];
        size_t bad, bom = len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
        int k;

        k = check_signature(&doc);
        if (k < 0)
                return k;

        declared_encoding(buf, len, bom, encoding);
        if (encoding[0] && strcasecmp(encoding, "UTF-8") != 0 && strcasecmp(encoding, "UTF8") != 0) {
                diag_quote(encoding, strlen(encoding), ENCODING_NAME_MAX, q, sizeof(q));
                if (bom)
                        return diag_error(d, -EINVAL,
                                "%s starts with a UTF-8 byte order mark but declares encoding '%s'", what, q);
                if (is_wide_encoding(encoding))
                        return diag_error(d, -EINVAL,
                                "%s declares encoding '%s'; only UTF-8 and ASCII-compatible encodings "
                                "are supported",
                                what, q);
                k = transcode(&doc, encoding, ret);
                return k < 0 ? k : 1;
        }

        bad = utf8_invalid_at(s, len);
        if (bad == len)
                return 0;

        if (s[bad] == 0)
                return diag_error(d, -EINVAL,
                        "%s has a NUL byte at line %zu (offset %zu); only UTF-8 is supported", what,
                        line_of(s, bad), bad);
        return diag_error(
                d, -EINVAL, "%s is not valid UTF-8 at line %zu (offset %zu)", what, line_of(s, bad), bad);
}
