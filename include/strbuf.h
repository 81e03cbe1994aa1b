/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * A growing NUL-terminated string. An allocation failure is remembered
 * and reported once by strbuf_finish(), so builders need not check each
 * append.
 */
struct strbuf {
        char *p;
        size_t len, cap;
        bool oom;
};

void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_str(struct strbuf *b, const char *s);
/* Returns 0 and hands the string over ("" when nothing was added), or -ENOMEM. */
int strbuf_finish(struct strbuf *b, char **ret);
