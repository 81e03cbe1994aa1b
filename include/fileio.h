/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "diag.h"

struct file_data {
        char *data; /* NUL-terminated beyond len, for convenience */
        size_t len;
        struct stat st;
};

enum {
        FILE_NOFOLLOW = 1 << 0,    /* refuse a symlink as the last component */
        FILE_SINGLE_LINK = 1 << 1, /* refuse a file with other hard links */
};

/*
 * Reads a whole regular file, refusing anything larger than max before
 * reading it. Opens with O_NONBLOCK so a FIFO cannot hang us (it is then
 * refused as not a regular file). what names the file in messages.
 * Returns 0, or a negative errno with d filled.
 */
int file_read(const char *path, const char *what, size_t max, unsigned flags, struct file_data *ret,
        struct diag *d);
void file_data_done(struct file_data *f);

/*
 * Replaces path with data, all or nothing: a temporary file in the same
 * directory gets the data and orig's mode (and owner, as root), then is
 * renamed over path. On any failure the temporary is removed and path is
 * untouched. Returns 0, or a negative errno with d filled.
 */
int file_replace(const char *path, const struct stat *orig, const char *data, size_t len, struct diag *d);

/* write(2) until all is written, through short writes and EINTR. Returns 0 or a negative errno. */
int write_all(int fd, const char *data, size_t len);

/* Removes a temporary file that file_replace() left open; async-signal-safe. */
void file_replace_abort(void);

/* The temporary's name: the target's name with this in front and a random suffix. */
#define FILE_TEMP_PREFIX ".numa-"
