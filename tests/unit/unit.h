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

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Writes root/rel with content, creating the directories on the way: a
 * fake sysfs or procfs tree, so no test depends on this machine's pages
 * or devices.
 */
static inline void unit_write_file(const char *root, const char *rel, const char *content) {
        char path[4096];
        size_t len;
        int fd;

        len = (size_t) snprintf(path, sizeof(path), "%s/%s", root, rel);
        assert_true(len < sizeof(path));
        for (char *p = path + strlen(root) + 1; *p; p++)
                if (*p == '/') {
                        *p = '\0';
                        assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
                        *p = '/';
                }
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, strlen(content)), (ssize_t) strlen(content));
        close(fd);
}

/* Removes a tree made with unit_write_file(). */
static inline void unit_remove_tree(const char *root) {
        char cmd[4200];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
}

/* A test program's scratch directory dir (a mkdtemp() template): made before its tests, removed after. */
#define UNIT_SCRATCH_GROUP(dir)                                                                              \
        static int scratch_setup(void **state) {                                                             \
                (void) state;                                                                                \
                return mkdtemp(dir) ? 0 : -1;                                                                \
        }                                                                                                    \
        static int scratch_teardown(void **state) {                                                          \
                (void) state;                                                                                \
                unit_remove_tree(dir);                                                                       \
                return 0;                                                                                    \
        }
