/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Without libFuzzer: feeds every file in the given files and directories
 * to LLVMFuzzerTestOneInput once, so every normal build replays the seed
 * corpus and every crash reproducer ever found.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t replayed;

static void replay_file(const char *path) {
        FILE *f = fopen(path, "rb");
        uint8_t *buf = NULL;
        size_t len = 0, cap = 0, n;

        CHECK(f);
        do {
                if (len + 65536 > cap) {
                        cap = (cap + 65536) * 2;
                        buf = realloc(buf, cap);
                        CHECK(buf);
                }
                n = fread(buf + len, 1, 65536, f);
                len += n;
        } while (n > 0);
        fclose(f);

        /* An exact-size copy, so that ASan catches a read past the input's end. */
        uint8_t *exact = malloc(len ? len : 1);
        CHECK(exact);
        memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        replayed++;
}

static void replay(const char *path) {
        struct dirent **entries;
        struct stat st;
        int n;

        CHECK(stat(path, &st) == 0);
        if (!S_ISDIR(st.st_mode)) {
                replay_file(path);
                return;
        }

        n = scandir(path, &entries, NULL, alphasort);
        CHECK(n >= 0);
        for (int i = 0; i < n; i++) {
                char child[4096];

                if (entries[i]->d_name[0] != '.' && strcmp(entries[i]->d_name, "README") != 0) {
                        snprintf(child, sizeof(child), "%s/%s", path, entries[i]->d_name);
                        replay(child);
                }
                free(entries[i]);
        }
        free(entries);
}

int main(int argc, char *argv[]) {
        for (int i = 1; i < argc; i++)
                replay(argv[i]);
        printf("replayed %zu inputs\n", replayed);
        return replayed > 0 ? 0 : 1;
}
