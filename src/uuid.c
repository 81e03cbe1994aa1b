/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The domain's <uuid>: read from the domain XML as libvirt reads it, and written in one canonical form. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "macro.h"
#include "strbuf.h"
#include "uuid.h"
#include "xml.h"

/* The scan's own stop once the <uuid> has closed: the rest of a large document is not read for it. */
#define UUID_SCAN_DONE (-ECANCELED)

static int hex_value(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static void uuid_format(const unsigned char bytes[16], char ret[static UUID_STRING_SIZE]) {
        static const char digits[] = "0123456789abcdef";
        char *p = ret;

        for (size_t i = 0; i < 16; i++) {
                if (i == 4 || i == 6 || i == 8 || i == 10)
                        *p++ = '-';
                *p++ = digits[bytes[i] >> 4];
                *p++ = digits[bytes[i] & 0xf];
        }
        *p = '\0';
}

int uuid_canonical(const char *s, size_t len, char ret[static UUID_STRING_SIZE]) {
        unsigned char bytes[16];
        size_t i = 0, n = 0;

        while (i < len && ascii_is_space(s[i]))
                i++;
        while (n < sizeof(bytes)) {
                if (i < len && (s[i] == '-' || s[i] == ' ')) {
                        i++;
                        continue;
                }
                if (i + 1 >= len || hex_value(s[i]) < 0 || hex_value(s[i + 1]) < 0)
                        return -EINVAL;
                bytes[n++] = (unsigned char) (hex_value(s[i]) << 4 | hex_value(s[i + 1]));
                i += 2;
        }
        for (; i < len; i++)
                if (!ascii_is_space(s[i]))
                        return -EINVAL;
        uuid_format(bytes, ret);
        return 0;
}

bool uuid_is_canonical(const char *s, size_t len) {
        char c[UUID_STRING_SIZE];

        return len == UUID_STRING_LEN && uuid_canonical(s, len, c) == 0 && memcmp(c, s, len) == 0;
}

struct uuid_scan {
        struct xml_reader reader; /* first: the callbacks get a pointer to it */
        unsigned depth;           /* of the innermost open element; root is 1 */
        unsigned in_uuid;         /* the depth of the first <domain><uuid> while it is open, else 0 */
        bool seen;                /* that <uuid> has opened */
        struct strbuf text;       /* as long as the document's: virUUIDParse() takes any number of blanks */
};

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int n_ns,
        const xmlChar **ns, int n_attrs, int n_defaulted, const xmlChar **attrs) {
        struct uuid_scan *s = ctx;

        (void) prefix;
        (void) n_ns;
        (void) ns;
        (void) n_attrs;
        (void) n_defaulted;
        (void) attrs;
        s->depth++;
        if (s->depth == 1 && (uri || strcmp((const char *) name, "domain") != 0))
                xml_reader_stop(&s->reader, -EINVAL, "domain XML root element is not <domain>");
        else if (s->depth == 2 && !s->seen && !uri && strcmp((const char *) name, "uuid") == 0) {
                s->seen = true;
                s->in_uuid = s->depth;
        }
}

static void on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri) {
        struct uuid_scan *s = ctx;

        (void) name;
        (void) prefix;
        (void) uri;
        if (s->in_uuid == s->depth) {
                s->in_uuid = 0;
                xml_reader_stop(&s->reader, UUID_SCAN_DONE, "found");
        }
        s->depth--;
}

/* libvirt's string(./uuid[1]): all the text inside, that of child elements too. */
static void on_characters(void *ctx, const xmlChar *ch, int len) {
        struct uuid_scan *s = ctx;

        if (s->in_uuid && len > 0)
                strbuf_add(&s->text, (const char *) ch, (size_t) len);
}

int uuid_from_domxml(const char *buf, size_t len, char ret[static UUID_STRING_SIZE], struct diag *d) {
        static const xmlSAXHandler sax = {
                .startElementNs = on_start,
                .endElementNs = on_end,
                .characters = on_characters,
        };
        struct diag scan;
        struct uuid_scan s = {.reader = {.buf = buf, .len = len, .what = "domain XML", .d = &scan}};
        _cleanup_free_ char *text = NULL;
        char q[DIAG_QUOTE_SIZE(64)];
        int r;

        diag_init(&scan);
        r = xml_read(&s.reader, &sax);
        if (r == UUID_SCAN_DONE)
                r = 0;
        else if (r < 0)
                r = diag_error(d, r, "%s", scan.message);
        /* Finished on every path, so text (freed on the way out) owns what was read. */
        if (strbuf_finish(&s.text, &text) < 0 && r >= 0)
                r = diag_error(d, -ENOMEM, "out of memory");
        if (r < 0)
                return r;
        /* libvirt makes a uuid up for an empty <uuid> too (virXPathString() gives NULL for ""). */
        if (!s.seen || text[0] == '\0')
                return diag_error(d, -ENOENT, "domain XML has no <uuid>");
        if (uuid_canonical(text, strlen(text), ret) == 0)
                return 0;
        diag_quote(text, strlen(text), 64, q, sizeof(q));
        return diag_error(d, -EINVAL, "domain XML has an invalid <uuid>%s</uuid>", q);
}
