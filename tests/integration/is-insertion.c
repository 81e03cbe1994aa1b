/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * is-insertion IN OUT: exits 0 when OUT is IN with one block of bytes
 * inserted at one place, and at most one byte removed there (the '/' of a
 * filled "<numatune/>"). Otherwise says why on stderr and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len) {
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t cap = 0, n = 0, k;

        if (!f)
                return NULL;
        do {
                if (n + 65536 > cap) {
                        cap = (cap + 65536) * 2;
                        buf = realloc(buf, cap);
                        if (!buf)
                                exit(2);
                }
                k = fread(buf + n, 1, 65536, f);
                n += k;
        } while (k > 0);
        fclose(f);
        *len = n;
        return buf;
}

int main(int argc, char *argv[]) {
        size_t in_len, out_len, prefix = 0, suffix = 0;
        char *in, *out;
        int r = 0;

        if (argc != 3 || !(in = slurp(argv[1], &in_len)) || !(out = slurp(argv[2], &out_len)))
                return 2;

        while (prefix < in_len && prefix < out_len && in[prefix] == out[prefix])
                prefix++;
        while (suffix < in_len - prefix && suffix < out_len - prefix &&
                in[in_len - 1 - suffix] == out[out_len - 1 - suffix])
                suffix++;

        /* Removed: in[prefix, in_len - suffix); inserted: out[prefix, out_len - suffix). */
        if (in_len - suffix - prefix > 1 || out_len - suffix - prefix == 0) {
                fprintf(stderr, "not one insertion: %zu bytes removed, %zu inserted at %zu\n",
                        in_len - suffix - prefix, out_len - suffix - prefix, prefix);
                r = 1;
        }
        free(in);
        free(out);
        return r;
}
