/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads the domain XML whole and replaces it atomically, all or nothing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "watchdog.h"

/* How often FILE_EDIT reopens a name that was replaced while it waited for the lock. */
#define FILE_REOPEN_MAX 64
/* How many random temporary names to try before giving up on EEXIST. */
#define TEMP_ATTEMPTS_MAX 100
/* The random part of the temporary's name: ".XXXXXX", as mkstemp() had it. */
#define TEMP_SUFFIX_LEN 6

static int fail_errno(struct diag *d, int err, const char *what, const char *path, const char *action) {
        char q[DIAG_QUOTE_SIZE(128)];

        diag_quote(path, strlen(path), 128, q, sizeof(q));
        return diag_error(d, -err, "cannot %s %s '%s': %s", action, what, q, strerror(err));
}

/* The same inode, and nothing written to it since a was taken. */
static bool same_version(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
               a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
               a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static bool temp_name_fits(const char *name) {
        return strlen(FILE_TEMP_PREFIX) + strlen(name) + 1 + TEMP_SUFFIX_LEN <= NAME_MAX;
}

static long ms_since(const struct timespec *start) {
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (long) (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* See fileio.h. */
int file_lock_exclusive(int fd, const struct timespec *start, long wait_ms) {
        long delay_ms = 1;

        for (;;) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                        return 0;
                if (errno == EINTR)
                        continue;
                /* No flock() on this filesystem: nothing to wait for (see fileio.h). */
                if (errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOSYS)
                        return 0;
                if (errno != EWOULDBLOCK)
                        return -errno;
                if (ms_since(start) >= wait_ms)
                        return -EWOULDBLOCK;
                (void) nanosleep(&(struct timespec){.tv_nsec = delay_ms * 1000000L}, NULL);
                if (delay_ms < 32)
                        delay_ms *= 2;
        }
}

/*
 * Whether this user could open the inode behind fd for writing, with the
 * effective ids as open() uses them: faccessat2() on the descriptor itself
 * (Linux 5.8), else the same question through /proc/self/fd. Either way
 * it is the inode that was opened, not whatever the path names by now.
 * Returns 0 or a negative errno (EACCES, EROFS, EPERM when immutable...).
 */
static int writable(int fd) {
        char proc[64];

        if (faccessat(fd, "", W_OK, AT_EACCESS | AT_EMPTY_PATH) == 0)
                return 0;
        /* EINVAL, ENOSYS: an older kernel or C library; EPERM: maybe a seccomp filter that does not know
         * faccessat2. */
        if (errno != EINVAL && errno != ENOSYS && errno != EPERM)
                return -errno;
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        return faccessat(AT_FDCWD, proc, W_OK, AT_EACCESS) < 0 ? -errno : 0;
}

/* Whether this (non-root) user may chgrp its own file to gid, or a setgid directory gives it that group. */
static bool can_keep_group(gid_t gid, int dir_fd) {
        _cleanup_free_ gid_t *groups = NULL;
        struct stat dir;
        int n;

        if (gid == getegid())
                return true;
        if (fstat(dir_fd, &dir) == 0 && (dir.st_mode & S_ISGID) && dir.st_gid == gid)
                return true;
        n = getgroups(0, NULL);
        if (n <= 0)
                return false;
        groups = calloc((size_t) n, sizeof(*groups));
        if (!groups)
                return false;
        n = getgroups(n, groups);
        for (int i = 0; i < n; i++)
                if (groups[i] == gid)
                        return true;
        return false;
}

/*
 * The refusals of FILE_EDIT, before anything is changed: a replacement
 * must be a file this user could have written in place, with the owner
 * and group the file has now. Root can give it any owner; anyone else
 * creates files owned by themselves, in a group they are in.
 */
static int check_replaceable(const struct file_data *f, const char *what, const char *q, struct diag *d) {
        uid_t uid = geteuid();
        int r;

        if (!temp_name_fits(f->name))
                return diag_error(d, -ENAMETOOLONG,
                        "%s '%s': the name is too long for a temporary file beside it", what, q);

        r = writable(f->fd);
        if (r < 0)
                return diag_error(d, r,
                        "%s '%s' is not writable by this user (uid %ju): %s; refusing to replace it", what, q,
                        (uintmax_t) uid, strerror(-r));
        if (uid == 0)
                return 0;
        if (f->st.st_uid != uid)
                return diag_error(d, -EPERM,
                        "%s '%s' belongs to uid %ju; this user (uid %ju) cannot give a replacement that "
                        "owner; "
                        "refusing to replace it",
                        what, q, (uintmax_t) f->st.st_uid, (uintmax_t) uid);
        if (!can_keep_group(f->st.st_gid, f->dir_fd))
                return diag_error(d, -EPERM,
                        "%s '%s' has group %ju, which this user (uid %ju) is not in; a replacement could not "
                        "keep it; refusing to replace it",
                        what, q, (uintmax_t) f->st.st_gid, (uintmax_t) uid);
        return 0;
}

/* Opens the directory path is in, once; *ret_name points into path. */
static int open_parent(const char *path, int *ret_dir_fd, const char **ret_name) {
        const char *slash = strrchr(path, '/');
        _cleanup_free_ char *dir = NULL;
        int fd;

        if (slash) {
                dir = strndup(path, slash == path ? 1 : (size_t) (slash - path));
                if (!dir)
                        return -ENOMEM;
        }
        fd = open(dir ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_dir_fd = fd;
        *ret_name = slash ? slash + 1 : path;
        return 0;
}

/*
 * Opens name in dir_fd and takes its lock. While we waited, the holder
 * may have renamed its result over the name, so the descriptor would be
 * a file nobody will read again: then open the name anew.
 */
static int open_locked(
        int dir_fd, const char *name, const char *what, const char *path, int *ret_fd, struct diag *d) {
        struct timespec start;
        char q[DIAG_QUOTE_SIZE(128)];

        diag_quote(path, strlen(path), 128, q, sizeof(q));
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (unsigned attempt = 0;; attempt++) {
                struct stat held, now;
                int fd, r;

                fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
                if (fd < 0) {
                        if (errno == ELOOP)
                                return diag_error(
                                        d, -ELOOP, "%s '%s' is a symlink; refusing to follow it", what, q);
                        return fail_errno(d, errno, what, path, "open");
                }
                if (fstat(fd, &held) < 0) {
                        r = errno;
                        close(fd);
                        return fail_errno(d, r, what, path, "stat");
                }
                /* Only a regular file is worth waiting for; the caller refuses the rest. */
                if (!S_ISREG(held.st_mode)) {
                        *ret_fd = fd;
                        return 0;
                }

                r = file_lock_exclusive(fd, &start, FILE_LOCK_WAIT_MS);
                if (r < 0) {
                        close(fd);
                        if (r == -EWOULDBLOCK)
                                return diag_error(d, r,
                                        "%s '%s' is locked by another process; gave up after %d s", what, q,
                                        FILE_LOCK_WAIT_MS / 1000);
                        return fail_errno(d, -r, what, path, "lock");
                }

                if (fstatat(dir_fd, name, &now, AT_SYMLINK_NOFOLLOW) < 0) {
                        r = errno;
                        close(fd);
                        return fail_errno(d, r, what, path, "stat");
                }
                if (now.st_dev == held.st_dev && now.st_ino == held.st_ino) {
                        *ret_fd = fd;
                        return 0;
                }
                close(fd);
                if (attempt + 1 >= FILE_REOPEN_MAX)
                        return diag_error(d, -EAGAIN,
                                "%s '%s' kept being replaced while the hook waited for it", what, q);
        }
}

/*
 * Opens path to read it: with FILE_EDIT its directory once, then the file
 * under its lock, both kept in f; otherwise the file alone, in f->fd.
 */
static int open_for_read(const char *path, const char *what, const char *q, unsigned flags,
        struct file_data *f, struct diag *d) {
        int r;

        if (!(flags & FILE_EDIT)) {
                f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
                                           ((flags & FILE_NOFOLLOW) ? O_NOFOLLOW : 0));
                if (f->fd >= 0)
                        return 0;
                if (errno == ELOOP && (flags & FILE_NOFOLLOW))
                        return diag_error(d, -ELOOP, "%s '%s' is a symlink; refusing to follow it", what, q);
                return fail_errno(d, errno, what, path, "open");
        }

        /* Resolve the path once: every later step works relative to this directory. */
        f->path = strdup(path);
        if (!f->path)
                return diag_error(d, -ENOMEM, "out of memory reading %s '%s'", what, q);
        r = open_parent(f->path, &f->dir_fd, &f->name);
        if (r < 0)
                return fail_errno(d, -r, what, path, "open the directory of");
        f->held = true;
        if (f->name[0] == '\0')
                return diag_error(d, -EINVAL, "%s '%s' is not a regular file", what, q);
        return open_locked(f->dir_fd, f->name, what, path, &f->fd, d);
}

/*
 * What would stop file_replace(): other hard links (FILE_SINGLE_LINK), and
 * for FILE_EDIT what check_replaceable() refuses. An error, but with
 * FILE_PREVIEW one warning, and f->refused.
 */
static int check_replacement(
        struct file_data *f, unsigned flags, const char *what, const char *q, size_t max, struct diag *d) {
        struct diag preview;
        struct diag *to = (flags & FILE_PREVIEW) ? &preview : d;
        int r = 0;

        diag_init(&preview);
        if ((flags & FILE_SINGLE_LINK) && f->st.st_nlink > 1)
                r = diag_error(to, -EMLINK,
                        "%s '%s' has %ju hard links; refusing to replace a file that is linked elsewhere",
                        what, q, (uintmax_t) f->st.st_nlink);
        if (r < 0 && to == d)
                return r;
        /* Too big is no matter of replacing: an error even in a preview. */
        if ((uintmax_t) f->st.st_size > max)
                return diag_error(d, -EFBIG, "%s '%s' is %jd bytes, more than the limit of %zu", what, q,
                        (intmax_t) f->st.st_size, max);
        if (r == 0 && (flags & FILE_EDIT))
                r = check_replaceable(f, what, q, to);
        if (r == 0 || to == d)
                return r;

        f->refused = true;
        diag_warn(d, "a real run would refuse this file and exit 2: %s", preview.message);
        return 0;
}

/* Reads the whole file behind fd into f->data, one byte more than stat said to notice a file that grows. */
static int read_whole(
        int fd, struct file_data *f, const char *what, const char *path, const char *q, struct diag *d) {
        size_t got = 0;

        f->data = malloc((size_t) f->st.st_size + 2);
        if (!f->data)
                return diag_error(d, -ENOMEM, "out of memory reading %s '%s'", what, q);
        for (;;) {
                ssize_t n = read(fd, f->data + got, (size_t) f->st.st_size + 1 - got);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return fail_errno(d, errno, what, path, "read");
                }
                if (n == 0)
                        break;
                got += (size_t) n;
                if (got > (size_t) f->st.st_size)
                        return diag_error(d, -EAGAIN, "%s '%s' changed while it was read", what, q);
        }
        f->data[got] = '\0';
        f->len = got;
        return 0;
}

ssize_t file_read_small(const char *path, char *buf, size_t size) {
        size_t got = 0;
        ssize_t n = 0;
        int fd;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        while (got < size - 1) {
                n = read(fd, buf + got, size - 1 - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                got += (size_t) n;
        }
        if (n < 0)
                n = -errno;
        else if (got == size - 1)
                n = -EFBIG; /* a full buffer may hold only part of it */
        close(fd);
        if (n < 0)
                return n;
        buf[got] = '\0';
        return (ssize_t) got;
}

int file_read(const char *path, const char *what, size_t max, unsigned flags, struct file_data *ret,
        struct diag *d) {
        struct file_data f = {.dir_fd = -1, .fd = -1};
        char q[DIAG_QUOTE_SIZE(128)];
        int r;

        diag_quote(path, strlen(path), 128, q, sizeof(q));
        if (path[0] == '\0')
                return diag_error(d, -EINVAL, "%s path is empty", what);

        r = open_for_read(path, what, q, flags, &f, d);
        /* For FILE_EDIT under the lock: this is the version file_replace() expects to replace. */
        if (r >= 0 && fstat(f.fd, &f.st) < 0)
                r = fail_errno(d, errno, what, path, "stat");
        if (r >= 0 && !S_ISREG(f.st.st_mode))
                r = diag_error(d, -EINVAL, "%s '%s' is not a regular file", what, q);
        if (r >= 0)
                r = check_replacement(&f, flags, what, q, max, d);
        if (r >= 0)
                r = read_whole(f.fd, &f, what, path, q, d);
        if (!f.held && f.fd >= 0) {
                close(f.fd);
                f.fd = -1;
        }
        if (r < 0) {
                file_data_done(&f);
                return r;
        }
        *ret = f;
        return 0;
}

int file_read_stream(
        int fd, const char *what, const char *source, size_t max, struct file_data *ret, struct diag *d) {
        _cleanup_free_ char *data = NULL;
        size_t got = 0, size = 0;

        for (;;) {
                ssize_t n;

                /* Room for one byte past max, to tell "exactly max" from "more", and the NUL. */
                if (size - got < 2) {
                        size_t want = size == 0 ? 64 * 1024 : size * 2;
                        char *p;

                        if (want > max + 2)
                                want = max + 2;
                        p = realloc(data, want);
                        if (!p)
                                return diag_error(d, -ENOMEM, "out of memory reading %s %s", what, source);
                        data = p;
                        size = want;
                }
                n = read(fd, data + got, size - 1 - got);
                if (n < 0 && errno == EAGAIN) {
                        /* A pipe some parent left non-blocking: wait for it instead. */
                        (void) poll(&(struct pollfd){.fd = fd, .events = POLLIN}, 1, -1);
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int err = errno;

                        return diag_error(d, -err, "cannot read %s %s: %s", what, source, strerror(err));
                }
                if (n == 0)
                        break;
                got += (size_t) n;
                if (got > max)
                        return diag_error(
                                d, -EFBIG, "%s %s is more than the limit of %zu bytes", what, source, max);
        }

        data[got] = '\0';
        *ret = (struct file_data){.data = TAKE_PTR(data), .len = got, .dir_fd = -1, .fd = -1};
        return 0;
}

void file_data_done(struct file_data *f) {
        free(f->data);
        free(f->path);
        /* Closing the file also drops its lock. */
        if (f->held) {
                if (f->fd >= 0)
                        close(f->fd);
                close(f->dir_fd);
        }
        *f = (struct file_data){.dir_fd = -1, .fd = -1};
}

int file_write_all(int fd, const char *data, size_t len) {
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

/*
 * ret (NAME_MAX + 1 bytes) gets FILE_TEMP_PREFIX, name, '.' and six random letters or
 * digits. Only uniqueness matters (O_EXCL makes the create safe), so
 * before the kernel has entropy the time and pid stand in.
 */
static void temp_name_make(const char *name, unsigned attempt, char *ret) {
        static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        unsigned char rnd[TEMP_SUFFIX_LEN];
        char suffix[TEMP_SUFFIX_LEN + 1];

        if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t) sizeof(rnd)) {
                struct timespec ts;
                uint64_t x;

                clock_gettime(CLOCK_MONOTONIC, &ts);
                x = (uint64_t) ts.tv_nsec ^ ((uint64_t) ts.tv_sec << 30) ^ ((uint64_t) getpid() << 16) ^
                    (attempt * UINT64_C(0x9E3779B97F4A7C15));
                for (size_t i = 0; i < sizeof(rnd); i++)
                        rnd[i] = (unsigned char) (x >> (i * 8));
        }
        for (size_t i = 0; i < sizeof(rnd); i++)
                suffix[i] = chars[rnd[i] % (sizeof(chars) - 1)];
        suffix[TEMP_SUFFIX_LEN] = '\0';
        snprintf(ret, NAME_MAX + 1, "%s%s.%s", FILE_TEMP_PREFIX, name, suffix);
}

/*
 * Creates the temporary beside name, 0600 until it is complete. The
 * supervisor hears of each name before it is created (a worker killed
 * during the create may have made it), and that a name is not ours when
 * it was taken: it removes what it heard of when it kills the worker.
 */
static int temp_create(int dir_fd, const char *name, char *temp_name, int *ret_fd) {
        for (unsigned attempt = 0; attempt < TEMP_ATTEMPTS_MAX; attempt++) {
                int fd, err;

                temp_name_make(name, attempt, temp_name);
                watchdog_temp_creating(dir_fd, name, temp_name);
                fd = openat(dir_fd, temp_name,
                        O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
                if (fd >= 0) {
                        *ret_fd = fd;
                        return 0;
                }
                err = errno;
                watchdog_temp_gone(false);
                if (err != EEXIST)
                        return -err;
        }
        return -EEXIST;
}

/*
 * fd's extended attribute names (NUL-terminated, one after another) into
 * buf of XATTR_LIST_MAX bytes. A filesystem without them has none.
 * Returns the length or a negative errno.
 */
static ssize_t xattr_names(int fd, char *buf) {
        ssize_t n = flistxattr(fd, buf, XATTR_LIST_MAX);

        if (n < 0)
                return errno == ENOTSUP ? 0 : -errno;
        return n;
}

static bool xattr_listed(const char *names, size_t len, const char *name) {
        for (size_t i = 0; i < len; i += strlen(names + i) + 1)
                if (strcmp(names + i, name) == 0)
                        return true;
        return false;
}

/* Buffers for copying extended attributes, at the kernel's limits (64 KiB each). */
struct xattr_bufs {
        char names[XATTR_LIST_MAX], value[XATTR_SIZE_MAX], have[XATTR_SIZE_MAX];
};

/* Sets name on to as from has it, unless to has it so already (an inherited SELinux label). */
static int xattr_copy_one(int from, int to, const char *name, struct xattr_bufs *b) {
        ssize_t n = fgetxattr(from, name, b->value, sizeof(b->value)), have;

        if (n < 0)
                return errno == ENODATA ? 0 : -errno; /* gone: the change check before the rename sees it */
        have = fgetxattr(to, name, b->have, sizeof(b->have));
        if (have == n && memcmp(b->have, b->value, (size_t) n) == 0)
                return 0;
        return fsetxattr(to, name, b->value, (size_t) n, 0) < 0 ? -errno : 0;
}

/*
 * Gives the temporary every extended attribute of the original, POSIX
 * ACLs (system.posix_acl_access, which also holds the group class mask)
 * and the SELinux label included, and removes those the original lacks (an
 * ACL inherited from the directory's default ACL). On failure *ret_name is
 * the attribute. Returns 0 or a negative errno.
 */
static int xattr_copy_all(int from, int to, char *ret_name, size_t name_size) {
        _cleanup_free_ struct xattr_bufs *b = NULL;
        _cleanup_free_ char *theirs = NULL;
        ssize_t n, m;
        int r = 0;

        /* The common case, no attributes on either: two system calls. */
        n = flistxattr(from, NULL, 0);
        if (n < 0 && errno != ENOTSUP)
                return -errno;
        m = flistxattr(to, NULL, 0);
        if (m < 0 && errno != ENOTSUP)
                return -errno;
        if (n <= 0 && m <= 0)
                return 0;
        b = malloc(sizeof(*b));
        theirs = malloc(XATTR_LIST_MAX);
        if (!b || !theirs)
                return -ENOMEM;
        n = xattr_names(from, b->names);
        m = n < 0 ? n : xattr_names(to, theirs);
        if (n < 0 || m < 0)
                return (int) (n < 0 ? n : m);

        for (size_t i = 0; r == 0 && i < (size_t) n; i += strlen(b->names + i) + 1) {
                r = xattr_copy_one(from, to, b->names + i, b);
                snprintf(ret_name, name_size, "%s", b->names + i);
        }
        for (size_t i = 0; r == 0 && i < (size_t) m; i += strlen(theirs + i) + 1) {
                if (xattr_listed(b->names, (size_t) n, theirs + i))
                        continue;
                snprintf(ret_name, name_size, "%s", theirs + i);
                if (fremovexattr(to, theirs + i) < 0 && errno != ENODATA)
                        r = -errno;
        }
        return r;
}

/*
 * Gives the temporary the original's owner and group where they differ
 * (a file is created with our uid, and our gid or a setgid directory's),
 * its extended attributes, then its mode. chown() clears set-user-ID and
 * set-group-ID bits, a write by anyone but root does too, and an ACL sets
 * the mode's group bits to its mask, so the mode comes last.
 */
static int temp_match(
        int fd, const struct file_data *f, char *ret_xattr, size_t xattr_size, const char **ret_action) {
        const struct stat *orig = &f->st;
        struct stat st;
        int r;

        *ret_action = "stat a temporary file for";
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_uid != orig->st_uid || st.st_gid != orig->st_gid) {
                *ret_action = "set the owner of";
                if (fchown(fd, st.st_uid != orig->st_uid ? orig->st_uid : (uid_t) -1,
                            st.st_gid != orig->st_gid ? orig->st_gid : (gid_t) -1) < 0)
                        return -errno;
        }
        *ret_action = NULL; /* an extended attribute: the message names it */
        r = xattr_copy_all(f->fd, fd, ret_xattr, xattr_size);
        if (r < 0)
                return r;
        *ret_action = "set the mode of";
        if (fchmod(fd, orig->st_mode & 07777) < 0)
                return -errno;
        return 0;
}

/* An extended attribute (name, or "" when listing them failed) the replacement could not be given. */
static int fail_xattr(struct diag *d, int r, const char *q, const char *name) {
        char qa[DIAG_QUOTE_SIZE(XATTR_NAME_MAX)];

        if (!name[0])
                return diag_error(d, r,
                        "cannot copy the extended attributes of domain XML '%s' to a replacement: %s; "
                        "refusing "
                        "to replace it",
                        q, strerror(-r));
        diag_quote(name, strlen(name), XATTR_NAME_MAX, qa, sizeof(qa));
        return diag_error(d, r,
                "cannot give a replacement for domain XML '%s' its extended attribute '%s': %s; refusing to "
                "replace it",
                q, qa, strerror(-r));
}

int file_replace(const struct file_data *f, const char *data, size_t len, struct diag *d) {
        const char *action = "write";
        char xattr[XATTR_NAME_MAX + 1] = "";
        struct stat st, now;
        bool mismatch = false, changed = false;
        char q[DIAG_QUOTE_SIZE(128)], temp_name[NAME_MAX + 1];
        int fd = -1, r;

        if (!f->held || f->refused)
                return diag_error(d, -EINVAL, "internal error: the domain XML was not read for editing");
        diag_quote(f->path, strlen(f->path), 128, q, sizeof(q));

        r = temp_create(f->dir_fd, f->name, temp_name, &fd);
        if (r < 0)
                return fail_errno(d, -r, "a temporary file for", f->path, "create");

        r = file_write_all(fd, data, len);
        if (r == 0)
                r = temp_match(fd, f, xattr, sizeof(xattr), &action);
        /* What the kernel made of it: a set-group-ID bit it dropped, a filesystem that ignores owners... */
        if (r == 0) {
                action = "stat a temporary file for";
                r = fstat(fd, &st) < 0 ? -errno : 0;
        }
        if (r == 0 && (st.st_uid != f->st.st_uid || st.st_gid != f->st.st_gid ||
                              (st.st_mode & 07777) != (f->st.st_mode & 07777))) {
                mismatch = true;
                r = -EPERM;
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
                action = "stat";
                r = fstatat(f->dir_fd, f->name, &now, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
        }
        /* Removed counts as changed: whoever removed it did not ask for our version. */
        if (r == -ENOENT || (r == 0 && !same_version(&f->st, &now))) {
                changed = true;
                r = -ESTALE;
        }
        if (r == 0) {
                /* A supervisor that kills us from here on tells a rename that happened by this identity. */
                watchdog_temp_replacing(&st);
                action = "replace";
                r = renameat(f->dir_fd, temp_name, f->dir_fd, f->name) < 0 ? -errno : 0;
        }
        if (r < 0)
                (void) unlinkat(f->dir_fd, temp_name, 0);
        watchdog_temp_gone(r == 0);

        if (changed)
                return diag_error(d, r,
                        "domain XML '%s' changed while the hook ran; leaving the other change alone", q);
        if (mismatch)
                return diag_error(d, r,
                        "a replacement for domain XML '%s' would be %ju:%ju mode %04o, not %ju:%ju mode "
                        "%04o; "
                        "refusing to replace it",
                        q, (uintmax_t) st.st_uid, (uintmax_t) st.st_gid, (unsigned) (st.st_mode & 07777),
                        (uintmax_t) f->st.st_uid, (uintmax_t) f->st.st_gid,
                        (unsigned) (f->st.st_mode & 07777));
        if (r < 0 && !action)
                return fail_xattr(d, r, q, xattr);
        if (r < 0)
                return fail_errno(d, -r, "domain XML", f->path, action);
        return 0;
}
