/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirt's scaled integers (memory sizes with units): parsing and formatting. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <strings.h>

#include "ascii.h"
#include "size.h"

static int unit_scale(const char *unit, uint64_t *ret) {
        static const char prefixes[] = "kmgtpe";
        uint64_t base, scale = 1;
        const char *p;
        char c;

        if (!unit || !*unit) {
                *ret = 1024;
                return 0;
        }
        if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 || strcasecmp(unit, "bytes") == 0) {
                *ret = 1;
                return 0;
        }

        c = unit[0] | 0x20;
        for (p = prefixes; *p && *p != c; p++)
                ;
        if (!*p)
                return -EINVAL;

        if (unit[1] == '\0' || strcasecmp(unit + 1, "ib") == 0)
                base = 1024;
        else if (strcasecmp(unit + 1, "b") == 0)
                base = 1000;
        else
                return -EINVAL;

        for (const char *q = prefixes; q <= p; q++)
                scale *= base;

        *ret = scale;
        return 0;
}

int size_parse(const char *number, const char *unit, uint64_t *ret_bytes) {
        uint64_t v = 0, scale, kib;
        const char *p = number;
        int r;

        r = unit_scale(unit, &scale);
        if (r < 0)
                return r;

        while (ascii_is_space(*p)) /* strtoull()'s leading blanks */
                p++;
        if (*p == '+')
                p++;
        if (*p < '0' || *p > '9')
                return -EINVAL;
        for (; *p >= '0' && *p <= '9'; p++) {
                uint64_t digit = (uint64_t) (*p - '0');

                if (v > (UINT64_MAX - digit) / 10)
                        return -ERANGE;
                v = v * 10 + digit;
        }
        if (*p)
                return -EINVAL;

        if (v > SIZE_BYTES_MAX / scale)
                return -ERANGE;
        v *= scale;

        /* libvirt keeps KiB, rounded up, and wants fewer than SIZE_BYTES_MAX / 1024 of them. */
        kib = v / 1024 + (v % 1024 != 0);
        if (kib >= SIZE_BYTES_MAX / 1024 + 1)
                return -ERANGE;

        *ret_bytes = kib * 1024;
        return 0;
}

const char *size_format(uint64_t bytes, char buf[static SIZE_FORMAT_MAX]) {
        static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        unsigned u = 0;
        uint64_t whole = bytes, rest = 0;

        while (whole >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
                rest = whole % 1024;
                whole /= 1024;
                u++;
        }

        /* One decimal, rounded down, so a figure never claims more than there is. */
        if (rest * 10 / 1024 == 0)
                snprintf(buf, SIZE_FORMAT_MAX, "%llu %s", (unsigned long long) whole, units[u]);
        else
                snprintf(buf, SIZE_FORMAT_MAX, "%llu.%llu %s", (unsigned long long) whole,
                        (unsigned long long) (rest * 10 / 1024), units[u]);
        return buf;
}
