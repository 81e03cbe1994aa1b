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

/* Whatever a format expands to, the stored line holds no control bytes. */
static void flatten(char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < 0x20 || *s == 0x7f)
                        *s = ' ';
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
