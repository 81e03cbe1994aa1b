/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads the domain XML whole and replaces it atomically, all or nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"

/*
 * The temporary being written, so that the CPU watchdog's signal handler
 * can remove it. The only global state here, and only a signal needs it.
 */
static char temp_path[PATH_MAX];
static volatile sig_atomic_t temp_active;

void file_replace_abort(void) {
        if (temp_active)
                unlink(temp_path);
}

static int fail_errno(struct diag *d, int err, const char *what, const char *path, const char *action) {
        char q[256];

        diag_quote(path, strlen(path), 128, q, sizeof(q));
        return diag_error(d, -err, "cannot %s %s '%s': %s", action, what, q, strerror(err));
}

int file_read(const char *path, const char *what, size_t max, unsigned flags, struct file_data *ret,
        struct diag *d) {
        struct file_data f = {0};
        char q[256];
        size_t got = 0;
        int fd;

        diag_quote(path, strlen(path), 128, q, sizeof(q));
        if (path[0] == '\0')
                return diag_error(d, -EINVAL, "%s path is empty", what);

        fd = open(path,
                O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | ((flags & FILE_NOFOLLOW) ? O_NOFOLLOW : 0));
        if (fd < 0) {
                if (errno == ELOOP && (flags & FILE_NOFOLLOW))
                        return diag_error(d, -ELOOP, "%s '%s' is a symlink; refusing to follow it", what, q);
                return fail_errno(d, errno, what, path, "open");
        }

        if (fstat(fd, &f.st) < 0) {
                int err = errno;

                close(fd);
                return fail_errno(d, err, what, path, "stat");
        }
        if (!S_ISREG(f.st.st_mode)) {
                close(fd);
                return diag_error(d, -EINVAL, "%s '%s' is not a regular file", what, q);
        }
        if ((flags & FILE_SINGLE_LINK) && f.st.st_nlink > 1) {
                close(fd);
                return diag_error(d, -EMLINK,
                        "%s '%s' has %ju hard links; refusing to replace a file that is linked elsewhere",
                        what, q, (uintmax_t) f.st.st_nlink);
        }
        if ((uintmax_t) f.st.st_size > max) {
                close(fd);
                return diag_error(d, -EFBIG, "%s '%s' is %jd bytes, more than the limit of %zu", what, q,
                        (intmax_t) f.st.st_size, max);
        }

        /* One byte more than stat said, to notice a file that grows while we read. */
        f.data = malloc((size_t) f.st.st_size + 2);
        if (!f.data) {
                close(fd);
                return diag_error(d, -ENOMEM, "out of memory reading %s '%s'", what, q);
        }

        for (;;) {
                ssize_t n = read(fd, f.data + got, (size_t) f.st.st_size + 1 - got);

                if (n < 0) {
                        int err = errno;

                        if (err == EINTR)
                                continue;
                        close(fd);
                        file_data_done(&f);
                        return fail_errno(d, err, what, path, "read");
                }
                if (n == 0)
                        break;
                got += (size_t) n;
                if (got > (size_t) f.st.st_size) {
                        close(fd);
                        file_data_done(&f);
                        return diag_error(d, -EAGAIN, "%s '%s' changed while it was read", what, q);
                }
        }
        close(fd);

        f.data[got] = '\0';
        f.len = got;
        *ret = f;
        return 0;
}

void file_data_done(struct file_data *f) {
        free(f->data);
        *f = (struct file_data){0};
}

int write_all(int fd, const char *data, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, data, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return -EIO;
                /* A short write is not an error: write the rest. */
                data += n;
                len -= (size_t) n;
        }
        return 0;
}

int file_replace(const char *path, const struct stat *orig, const char *data, size_t len, struct diag *d) {
        const char *slash = strrchr(path, '/');
        size_t dir_len = slash ? (size_t) (slash - path) + 1 : 0;
        const char *action;
        int fd, r;

        if (dir_len + strlen(FILE_TEMP_PREFIX) + strlen(path + dir_len) + 8 > sizeof(temp_path))
                return diag_error(d, -ENAMETOOLONG, "domain XML path is too long");

        /* Same directory, so rename() stays on one filesystem and is atomic. */
        snprintf(temp_path, sizeof(temp_path), "%.*s%s%s.XXXXXX", (int) dir_len, path, FILE_TEMP_PREFIX,
                path + dir_len);
        fd = mkostemp(temp_path, O_CLOEXEC);
        if (fd < 0)
                return fail_errno(d, errno, "a temporary file for", path, "create");
        temp_active = 1;

        action = "set the mode of";
        r = fchmod(fd, orig->st_mode & 07777) < 0 ? -errno : 0;
        if (r == 0 && geteuid() == 0 && (orig->st_uid != 0 || orig->st_gid != 0)) {
                action = "set the owner of";
                r = fchown(fd, orig->st_uid, orig->st_gid) < 0 ? -errno : 0;
        }
        if (r == 0) {
                action = "write";
                r = write_all(fd, data, len);
        }
        if (close(fd) < 0 && r == 0) {
                action = "write";
                r = -errno;
        }
        /*
         * No fsync: the file is a temporary that VDSM reads back at once,
         * and rename() alone gives every reader the old or the new file,
         * never a mix. git and systemd make the same choice by default.
         */
        if (r == 0) {
                action = "replace";
                r = rename(temp_path, path) < 0 ? -errno : 0;
        }

        if (r < 0) {
                unlink(temp_path);
                temp_active = 0;
                return fail_errno(d, -r, "domain XML", path, action);
        }
        temp_active = 0;
        return 0;
}
