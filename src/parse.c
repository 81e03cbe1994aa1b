/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Decimal ids as XML attributes and libvirt write them, and the "0-3,8" lists built from ascending ids. */
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "parse.h"

long parse_id(const char *s, size_t len, unsigned long max) {
        unsigned long v = 0;

        if (!s || len == 0)
                return -1;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (unsigned long) (s[i] - '0');
                if (v > max)
                        return -1;
        }
        return (long) v;
}

long parse_uint_libvirt(const char *s, unsigned long max) {
        const char *p = s;

        if (!s)
                return -1;
        while (ascii_is_space(*p))
                p++;
        if (*p == '+')
                p++;
        return parse_id(p, strlen(p), max);
}

static void range_writer_emit(struct range_writer *w) {
        char item[32];
        int n;

        if (w->first < 0)
                return;

        if (w->first == w->last)
                n = snprintf(item, sizeof(item), "%s%ld", w->out.len ? "," : "", w->first);
        else
                n = snprintf(item, sizeof(item), "%s%ld-%ld", w->out.len ? "," : "", w->first, w->last);
        strbuf_add(&w->out, item, (size_t) n);
}

void range_writer_add(struct range_writer *w, unsigned id) {
        if (w->first >= 0 && (long) id == w->last + 1) {
                w->last = id;
                return;
        }

        range_writer_emit(w);
        w->first = w->last = id;
}

int range_writer_finish(struct range_writer *w, char **ret) {
        int r;

        range_writer_emit(w);
        r = strbuf_finish(&w->out, ret);
        *w = (struct range_writer) RANGE_WRITER_INIT;
        return r;
}
