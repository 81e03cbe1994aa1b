/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdlib.h>
#include <string.h>

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* p points to any object pointer; memcpy() reads it without a void ** access to a T * object. */
static inline void freep(void *p) {
        void *q;

        memcpy(&q, p, sizeof(q));
        free(q);
}

/* A local that owns heap memory frees it on every way out of its scope. */
#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _printf_(a, b) __attribute__((format(printf, a, b)))

/* Hand an owned pointer over and leave NULL behind, so cleanup does not free it. */
#define TAKE_PTR(p)                                                                                          \
        __extension__({                                                                                      \
                __typeof__(p) _p_ = (p);                                                                     \
                (p) = NULL;                                                                                  \
                _p_;                                                                                         \
        })
