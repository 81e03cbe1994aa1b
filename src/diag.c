/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one error carrier: an error message, the warnings, and safe quoting for them. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

void diag_init(struct diag *d) {
        memset(d, 0, sizeof(*d));
}

/*
 * The length of a line break other than a control byte at s: NEL (U+0085)
 * and the line and paragraph separators (U+2028, U+2029) in UTF-8, which
 * log viewers and Python's splitlines() break lines at. 0 for none.
 */
static size_t unicode_break(const unsigned char *s) {
        if (s[0] == 0xc2 && s[1] == 0x85)
                return 2;
        if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
                return 3;
        return 0;
}

/*
 * Whatever a format expands to (libxml2's messages quote document text),
 * the stored line holds no control byte and no Unicode line break: each
 * becomes one space.
 */
static void flatten(char *line) {
        unsigned char *s = (unsigned char *) line, *o = s;

        while (*s) {
                size_t n = unicode_break(s);

                if (n > 0 || *s < 0x20 || *s == 0x7f) {
                        *o++ = ' ';
                        s += n > 0 ? n : 1;
                } else
                        *o++ = *s++;
        }
        *o = '\0';
}

int diag_error(struct diag *d, int code, const char *fmt, ...) {
        va_list ap;

        assert(code < 0);
        if (d->error != 0)
                return code;

        d->error = code;
        va_start(ap, fmt);
        vsnprintf(d->message, sizeof(d->message), fmt, ap);
        va_end(ap);
        flatten(d->message);
        return code;
}

void diag_warn(struct diag *d, const char *fmt, ...) {
        va_list ap;

        if (d->n_warnings >= DIAG_WARNINGS_MAX) {
                d->n_dropped_warnings++;
                return;
        }

        va_start(ap, fmt);
        vsnprintf(d->warnings[d->n_warnings], DIAG_LINE_MAX, fmt, ap);
        va_end(ap);
        flatten(d->warnings[d->n_warnings]);
        d->n_warnings++;
}

struct diag_mark diag_mark(const struct diag *d) {
        return (struct diag_mark){.n_warnings = d->n_warnings, .n_dropped_warnings = d->n_dropped_warnings};
}

void diag_rewind(struct diag *d, struct diag_mark mark) {
        assert(mark.n_warnings <= d->n_warnings);
        d->error = 0;
        d->message[0] = '\0';
        d->n_warnings = mark.n_warnings;
        d->n_dropped_warnings = mark.n_dropped_warnings;
}

void diag_demote(struct diag *d, struct diag_mark mark, const char *fmt, ...) {
        char line[DIAG_LINE_MAX];
        size_t at = mark.n_warnings, n;
        va_list ap;

        assert(d->error < 0 && at <= d->n_warnings);
        n = strlen(d->message);
        memcpy(line, d->message, n + 1);
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof(line) - n, fmt, ap);
        va_end(ap);
        flatten(line);
        d->error = 0;
        d->message[0] = '\0';

        if (at >= DIAG_WARNINGS_MAX) {
                d->n_dropped_warnings++;
                return;
        }
        if (d->n_warnings == DIAG_WARNINGS_MAX)
                d->n_dropped_warnings++; /* the last one falls off */
        else
                d->n_warnings++;
        memmove(d->warnings[at + 1], d->warnings[at], (d->n_warnings - 1 - at) * DIAG_LINE_MAX);
        memcpy(d->warnings[at], line, sizeof(line));
}

int diag_reword(struct diag *d, int code, const char *prefix, const char *suffix) {
        char line[DIAG_LINE_MAX];

        assert(code < 0);
        snprintf(line, sizeof(line), "%s%s%s", prefix, d->message, suffix);
        memcpy(d->message, line, sizeof(line));
        flatten(d->message);
        d->error = code;
        return code;
}

void diag_quote(const char *s, size_t len, size_t max_shown, char *buf, size_t bufsize) {
        size_t o = 0;

        assert(bufsize >= 8);

        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                char tmp[5];
                size_t n;

                if (i >= max_shown) {
                        if (o + 4 > bufsize)
                                break;
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }

                if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
                        tmp[0] = (char) c;
                        n = 1;
                } else
                        n = (size_t) snprintf(tmp, sizeof(tmp), "\\x%02x", c);

                /* Leave room for "..." and the NUL so a cut is always visible. */
                if (o + n + 4 > bufsize) {
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                memcpy(buf + o, tmp, n);
                o += n;
        }

        buf[o] = '\0';
}
