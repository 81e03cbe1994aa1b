/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the unit tests: cmocka, and one named test per table row. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "macro.h"

/* Up to this many named cases per test program. */
#define UNIT_MAX_TESTS 256

struct unit_suite {
        struct CMUnitTest tests[UNIT_MAX_TESTS];
        size_t n;
};

/* One test per row of table: fn gets &table[i] as its state, named after the row's .name. */
#define UNIT_TABLE(suite, table, fn)                                                                         \
        do {                                                                                                 \
                for (size_t i_ = 0; i_ < ELEMENTSOF(table); i_++) {                                          \
                        assert_true((suite)->n < UNIT_MAX_TESTS);                                            \
                        (suite)->tests[(suite)->n++] = (struct CMUnitTest){                                  \
                                .name = (table)[i_].name,                                                    \
                                .test_func = (fn),                                                           \
                                .initial_state = (void *) &(table)[i_],                                      \
                        };                                                                                   \
                }                                                                                            \
        } while (0)

#define UNIT_TEST(suite, fn)                                                                                 \
        do {                                                                                                 \
                assert_true((suite)->n < UNIT_MAX_TESTS);                                                    \
                (suite)->tests[(suite)->n++] = (struct CMUnitTest){.name = #fn, .test_func = (fn)};          \
        } while (0)

#define UNIT_RUN(suite, group) _cmocka_run_group_tests((group), (suite)->tests, (suite)->n, NULL, NULL)

/* Fails with both strings shown when needle is not in haystack. */
#define assert_contains(haystack, needle)                                                                    \
        do {                                                                                                 \
                const char *h_ = (haystack), *n_ = (needle);                                                 \
                if (!h_ || !strstr(h_, n_))                                                                  \
                        fail_msg("expected \"%s\" to contain \"%s\"", h_ ? h_ : "(null)", n_);               \
        } while (0)
