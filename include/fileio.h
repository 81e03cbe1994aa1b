/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "diag.h"

struct file_data {
        char *data; /* NUL-terminated beyond len, for convenience */
        size_t len;
        struct stat st; /* the file as it was read; for FILE_EDIT, taken under the lock */

        /* FILE_EDIT only: what file_replace() needs. */
        bool held;        /* dir_fd and fd are open; file_data_done() closes them */
        int dir_fd;       /* O_PATH of the directory, resolved once */
        int fd;           /* the file as read, holding its flock() until file_data_done() */
        char *path;       /* as given, for messages */
        const char *name; /* the last component of path, inside it */
};

enum {
        FILE_NOFOLLOW = 1 << 0,    /* refuse a symlink as the last component */
        FILE_SINGLE_LINK = 1 << 1, /* refuse a file with other hard links */
        /*
         * Read it to replace it with file_replace(): keep the directory and
         * the file open, hold flock(LOCK_EX) until file_data_done(), and refuse
         * a file this user could not open for writing or whose owner and
         * group a replacement could not keep. Implies FILE_NOFOLLOW.
         */
        FILE_EDIT = 1 << 2,
};

/* How long FILE_EDIT waits for another process's lock on the file, in ms. */
#define FILE_LOCK_WAIT_MS 5000

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
 * Replaces the file f was read from (with FILE_EDIT) with data, all or
 * nothing: a temporary file in the same directory gets the data and f's
 * owner, group and mode, and is renamed over the file only if the file
 * is still the one that was read. On any failure the temporary is removed
 * and the file is untouched. Returns 0, or a negative errno with d filled.
 */
int file_replace(const struct file_data *f, const char *data, size_t len, struct diag *d);

/* write(2) until all is written, through short writes and EINTR. Returns 0 or a negative errno. */
int write_all(int fd, const char *data, size_t len);

/* The temporary's name: the target's name with this in front and a random suffix. */
#define FILE_TEMP_PREFIX ".numa-"
