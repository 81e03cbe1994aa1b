/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Reads the domain XML (and smaller files) whole and replaces it atomically, all or nothing. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "diag.h"

struct file_data {
        char *data; /* NUL-terminated beyond len, for convenience */
        size_t len;
        struct stat st; /* the file as it was read; for FILE_EDIT, taken under the lock */

        /* FILE_EDIT only: what file_replace() needs. */
        bool held;        /* dir_fd and fd are open; file_data_done() closes them */
        bool refused;     /* FILE_PREVIEW: a real run would have refused it; file_replace() does */
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
        /*
         * With FILE_EDIT, for a dry run, which only shows what an edit would
         * write: what would stop file_replace() (other hard links with
         * FILE_SINGLE_LINK, and the refusals of FILE_EDIT) is one warning in
         * d, not an error, and the file is read all the same.
         */
        FILE_PREVIEW = 1 << 3,
};

/* How long FILE_EDIT waits for another process's lock on the file, in ms. */
#define FILE_LOCK_WAIT_MS 5000

/*
 * flock(LOCK_EX), polling until wait_ms after start (CLOCK_MONOTONIC). Not
 * a blocking flock(): a process that holds the lock forever would hold the
 * VM start with it, and a bounded wait can say what happened (the wall
 * clock watchdog would only say that time ran out). Returns 0 once the
 * lock is held, and also, with nothing locked, where the filesystem has
 * no flock(): file_replace()'s check before the rename still catches a
 * concurrent change, as a conflict.
 * Otherwise a negative errno (-EWOULDBLOCK: still held by another at the
 * end of the wait).
 */
int file_lock_exclusive(int fd, const struct timespec *start, long wait_ms);

/*
 * A small sysfs, procfs or cgroup file, whole and NUL-terminated in buf:
 * read until its end, as such files may come in more than one read().
 * Returns its length, -EFBIG when it fills size - 1 bytes (it may hold
 * more), or another negative errno.
 */
ssize_t file_read_small(const char *path, char *buf, size_t size);

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
 * Reads a stream (a pipe, a terminal, a file) from fd to its end, refusing
 * more than max bytes; fd stays open. source names it in messages ("from
 * standard input"). Returns 0, or a negative errno with d filled.
 */
int file_read_stream(
        int fd, const char *what, const char *source, size_t max, struct file_data *ret, struct diag *d);

/*
 * Replaces the file f was read from (with FILE_EDIT) with data, all or
 * nothing: a temporary file in the same directory gets the data and f's
 * owner, group, extended attributes (POSIX ACLs and the SELinux label
 * included; none it lacks) and mode, and is renamed over the file only if
 * the file is still the one that was read; an attribute that cannot be
 * copied is a refusal. On any failure the temporary is removed
 * and the file is untouched. Returns 0, or a negative errno with d filled.
 */
int file_replace(const struct file_data *f, const char *data, size_t len, struct diag *d);

/* write(2) until all is written, through short writes and EINTR. Returns 0 or a negative errno. */
int file_write_all(int fd, const char *data, size_t len);

/* The temporary's name: the target's name with this in front and a random suffix. */
#define FILE_TEMP_PREFIX ".numa-"
