/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Growing arrays, and sorting, deduplicating and searching them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The storage for one more element after n elements of size bytes: p as it
 * is, or p moved to a larger block; NULL when memory runs out (p is then
 * unchanged). The capacity doubles whenever the count reaches a power of
 * two, so n appends cost O(n) even for hostile input with tens of
 * thousands of elements, with no capacity field to keep beside the count.
 */
static inline void *array_grow(void *p, size_t n, size_t size) {
        size_t want;

        if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
                return p;
        want = n == 0 ? 4 : n * 2;
        if (want > SIZE_MAX / size)
                return NULL;
        return realloc(p, want * size);
}

/*
 * Appends one zeroed element to the growing array *parray of *pn elements
 * and returns it, or NULL when memory runs out (the array is then
 * unchanged). The result has the array's element type, and size must be
 * that type's size, so a mismatched call does not compile; the array
 * pointer is assigned as itself, never written through a void **.
 */
#define array_append(parray, pn, size)                                                                       \
        __extension__({                                                                                      \
                __typeof__(parray) _pa_ = (parray);                                                          \
                size_t *_pn_ = (pn);                                                                         \
                __typeof__(**_pa_) *_e_;                                                                     \
                                                                                                             \
                _Static_assert(sizeof(**_pa_) == (size), "array_append: size is not the element's size");    \
                _e_ = array_grow(*_pa_, *_pn_, sizeof(**_pa_));                                              \
                if (_e_) {                                                                                   \
                        *_pa_ = _e_;                                                                         \
                        _e_ += (*_pn_)++;                                                                    \
                        memset(_e_, 0, sizeof(*_e_));                                                        \
                }                                                                                            \
                _e_;                                                                                         \
        })

/*
 * Sorts n elements of size bytes ascending by cmp, then keeps only the
 * first of each run of elements that same calls equal (0); returns how
 * many remain. cmp must sort by same's key first, so that such elements
 * are next to each other; its further order picks which of them stays.
 * v may be NULL when n is 0 (qsort() must not see it).
 */
static inline size_t array_sort_unique_by(void *v, size_t n, size_t size,
        int (*cmp)(const void *, const void *), int (*same)(const void *, const void *)) {
        char *p = v;
        size_t k = 0;

        if (n > 1)
                qsort(v, n, size, cmp);
        for (size_t i = 0; i < n; i++)
                if (k == 0 || same(p + i * size, p + (k - 1) * size) != 0) {
                        if (k != i)
                                memcpy(p + k * size, p + i * size, size);
                        k++;
                }
        return k;
}

/* Sorts ascending by cmp and drops those cmp calls equal to the one before; see array_sort_unique_by(). */
static inline size_t array_sort_unique(
        void *v, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
        return array_sort_unique_by(v, n, size, cmp, cmp);
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

/*
 * Binary search over n elements of size bytes of which before(element,
 * key) holds for a first run and for none after it: the index of the
 * first element it does not hold for, n when it holds for all.
 */
static inline size_t array_lower_bound(
        const void *v, size_t n, size_t size, bool (*before)(const void *, const void *), const void *key) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (before((const char *) v + mid * size, key))
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* What array_index_by_id() looks for: an unsigned id at offset in each element. */
struct array_id_key {
        size_t offset;
        unsigned id;
};

static inline unsigned array_id_at(const void *element, size_t offset) {
        unsigned id;

        memcpy(&id, (const char *) element + offset, sizeof(id));
        return id;
}

static inline bool array_id_before(const void *element, const void *key) {
        const struct array_id_key *k = key;

        return array_id_at(element, k->offset) < k->id;
}

/* Over n structs of size bytes, ascending by the unsigned id at id_offset: the index of id's, n when absent.
 */
static inline size_t array_index_by_id(
        const void *array, size_t n, size_t size, size_t id_offset, unsigned id) {
        const struct array_id_key key = {.offset = id_offset, .id = id};
        size_t i = array_lower_bound(array, n, size, array_id_before, &key);

        return i < n && array_id_at((const char *) array + i * size, id_offset) == id ? i : n;
}

/* The index of the element of array (ascending by its unsigned .id) whose id is want; n when absent. */
#define INDEX_BY_ID(array, n, want)                                                                          \
        __extension__({                                                                                      \
                _Static_assert(__builtin_types_compatible_p(__typeof__((array)->id), unsigned),              \
                        "INDEX_BY_ID needs an unsigned .id");                                                \
                array_index_by_id(                                                                           \
                        (array), (n), sizeof(*(array)), offsetof(__typeof__(*(array)), id), (want));         \
        })
