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
