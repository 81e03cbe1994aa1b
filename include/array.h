/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Appends one zeroed element to a growing array and returns it, or NULL
 * when memory runs out (the array is then unchanged). The capacity doubles
 * whenever the count reaches a power of two, so n appends cost O(n) even
 * for hostile input with tens of thousands of elements, with no capacity
 * field to keep beside the count.
 */
static inline void *array_append(void *array, size_t *n, size_t size) {
        void **a = array;
        char *p;

        if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
                size_t want = *n == 0 ? 4 : *n * 2;

                if (want > SIZE_MAX / size)
                        return NULL;
                p = realloc(*a, want * size);
                if (!p)
                        return NULL;
                *a = p;
        }
        p = (char *) *a + *n * size;
        memset(p, 0, size);
        (*n)++;
        return p;
}

/*
 * Sorts n elements of size bytes ascending by cmp and drops those cmp calls
 * equal to the one before; returns how many remain. v may be NULL when n
 * is 0 (qsort() must not see it).
 */
static inline size_t array_sort_unique(
        void *v, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
        char *p = v;
        size_t k = 0;

        if (n > 1)
                qsort(v, n, size, cmp);
        for (size_t i = 0; i < n; i++)
                if (k == 0 || cmp(p + i * size, p + (k - 1) * size) != 0) {
                        if (k != i)
                                memcpy(p + k * size, p + i * size, size);
                        k++;
                }
        return k;
}

static inline int array_cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

        return (x > y) - (x < y);
}

/* Sorts v ascending and drops repeats; returns how many remain. v may be NULL when n is 0. */
static inline size_t array_sort_unique_u64(uint64_t *v, size_t n) {
        return array_sort_unique(v, n, sizeof(*v), array_cmp_u64);
}

static inline int array_cmp_unsigned(const void *a, const void *b) {
        unsigned x = *(const unsigned *) a, y = *(const unsigned *) b;

        return (x > y) - (x < y);
}

/* The same for unsigned ids (CPU ids). */
static inline size_t array_sort_unique_unsigned(unsigned *v, size_t n) {
        return array_sort_unique(v, n, sizeof(*v), array_cmp_unsigned);
}
