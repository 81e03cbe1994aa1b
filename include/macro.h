/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The macros every file may use: array sizes, cleanup attributes, handing ownership over. */

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

/*
 * Defines funcp(), the cleanup for a local of type (a pointer) that owns
 * what func releases: _cleanup_(closedirp) DIR *dir = NULL. An owning
 * struct held by value needs no wrapper: _cleanup_(domxml_facts_done).
 */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                              \
        static inline void func##p(type *p) {                                                                \
                if (*p)                                                                                      \
                        func(*p);                                                                            \
        }

/* Hand an owned pointer over and leave NULL behind, so cleanup does not free it. */
#define TAKE_PTR(p)                                                                                          \
        __extension__({                                                                                      \
                __typeof__(p) _p_ = (p);                                                                     \
                (p) = NULL;                                                                                  \
                _p_;                                                                                         \
        })

/* Hand an owned struct over and leave it zeroed, so its _cleanup_(thing_done) frees nothing. */
#define TAKE_STRUCT(s)                                                                                       \
        __extension__({                                                                                      \
                __typeof__(s) _s_ = (s);                                                                     \
                (s) = (__typeof__(s)){0};                                                                    \
                _s_;                                                                                         \
        })
