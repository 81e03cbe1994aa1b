/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growing string for building markup and messages. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void strbuf_add(struct strbuf *b, const char *s, size_t n) {
        if (b->oom)
                return;
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                char *p;

                while (b->len + n + 1 > cap)
                        cap *= 2;
                p = realloc(b->p, cap);
                if (!p) {
                        b->oom = true;
                        return;
                }
                b->p = p;
                b->cap = cap;
        }
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = '\0';
}

void strbuf_str(struct strbuf *b, const char *s) {
        strbuf_add(b, s, strlen(s));
}

int strbuf_finish(struct strbuf *b, char **ret) {
        if (!b->oom && !b->p)
                strbuf_add(b, "", 0);
        if (b->oom) {
                free(b->p);
                *b = (struct strbuf){0};
                return -ENOMEM;
        }
        *ret = b->p;
        *b = (struct strbuf){0};
        return 0;
}
