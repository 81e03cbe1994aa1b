/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LD_PRELOAD shim for fault injection, SQLite-style: the Nth call of one
 * operation fails, for N = 1, 2, ... until a run hits no fault.
 *
 *   FAULT_OP     read | write | close | fchmod | fchown | openat | open | renameat |
 *                faccessat | flock | fstatat | flistxattr | fgetxattr | fsetxattr |
 *                fremovexattr
 *   FAULT_AT     N, counting calls of FAULT_OP in the process that does the
 *                hook's work: the hook itself when it guards its own run, its
 *                worker when it forks one (a process that has forked, the
 *                supervisor, only relays and cleans up, and is not counted);
 *                read, write and close count only descriptors above 2 that
 *                are not pipes or sockets, so the standard streams and the
 *                channels between the two processes are not faulted; the
 *                mount table the hook reads to choose between the two
 *                (/proc/self/mountinfo) is not counted either
 *   FAULT_ERRNO  ENOSPC | EIO | EDQUOT | EXDEV | EPERM | EFBIG | EACCES | EROFS |
 *                EINVAL | ENOLCK | ENOTSUP | E2BIG: fail with it
 *                short: write only part of the buffer (a legal short write)
 *                kill:  write half of the buffer, then SIGKILL the process
 *                sleep: stall for 60 s (a hung disk or NFS server), then do the call
 *                replace: another writer renames a new file over FAULT_FILE, then the call is done
 *                touch: another writer sets FAULT_FILE's mtime, then the call is done
 *   FAULT_EVERY  set: every call from the Nth on faults (for "short": every write is short)
 *   FAULT_LOG    a file that gets "hit" appended when the fault fires
 *   FAULT_FILE   the file "replace" and "touch" change
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static long counter;
/* Set in a process once it has forked: the hook's supervisor, whose calls are not counted. */
static bool supervisor;
/* The mount table's descriptor while it is open (not counted), or -1. */
static int mountinfo_fd = -1;

#define REAL(name) ((__typeof__(&name)) dlsym(RTLD_NEXT, #name))

pid_t fork(void) {
        pid_t pid = REAL(fork)();

        if (pid > 0)
                supervisor = true;
        return pid;
}

static void log_hit(void) {
        const char *log = getenv("FAULT_LOG");
        int fd;

        if (!log)
                return;
        fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
                return;
        (void) !REAL(write)(fd, "hit\n", 4);
        REAL(close)(fd);
}

/* Whether this call of op is the one to fault. */
static bool fire(const char *op) {
        const char *want = getenv("FAULT_OP"), *at = getenv("FAULT_AT");

        if (!want || !at || strcmp(want, op) != 0 || supervisor)
                return false;
        ++counter;
        if (getenv("FAULT_EVERY") ? counter < atol(at) : counter != atol(at))
                return false;
        log_hit();
        return true;
}

static int fault_errno(void) {
        static const struct {
                const char *name;
                int value;
        } table[] = {
                {"ENOSPC", ENOSPC},
                {"EIO", EIO},
                {"EDQUOT", EDQUOT},
                {"EXDEV", EXDEV},
                {"EPERM", EPERM},
                {"EFBIG", EFBIG},
                {"EACCES", EACCES},
                {"EROFS", EROFS},
                {"EINVAL", EINVAL},
                {"ENOLCK", ENOLCK},
                {"ENOTSUP", ENOTSUP},
                {"E2BIG", E2BIG},
        };
        const char *e = getenv("FAULT_ERRNO");

        for (size_t i = 0; e && i < sizeof(table) / sizeof(table[0]); i++)
                if (strcmp(e, table[i].name) == 0)
                        return table[i].value;
        return EIO;
}

static bool mode_is(const char *m) {
        const char *e = getenv("FAULT_ERRNO");

        return e && strcmp(e, m) == 0;
}

/*
 * The modes that do not fail the call: they act, and return true when the
 * real call should then be made. Another writer works through the real
 * calls, so that it is not counted or faulted itself.
 */
static bool act(void) {
        const char *file = getenv("FAULT_FILE");

        if (mode_is("sleep")) {
                sleep(60);
                return true;
        }
        if (mode_is("touch") && file) {
                struct timespec t[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};

                utimensat(AT_FDCWD, file, t, 0);
                return true;
        }
        if (mode_is("replace") && file) {
                static const char other[] = "<domain type='kvm'><name>other writer</name></domain>\n";
                char next[4096];
                int fd;

                snprintf(next, sizeof(next), "%s.other-writer", file);
                fd = REAL(openat64)(AT_FDCWD, next, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd >= 0) {
                        (void) !REAL(write)(fd, other, sizeof(other) - 1);
                        REAL(close)(fd);
                        REAL(renameat)(AT_FDCWD, next, AT_FDCWD, file);
                }
                return true;
        }
        return false;
}

/* A descriptor whose calls count: not a standard stream, a pipe or a socket. */
static bool counted(int fd) {
        struct stat st;

        return fd > 2 && fd != mountinfo_fd && fstat(fd, &st) == 0 && !S_ISFIFO(st.st_mode) &&
               !S_ISSOCK(st.st_mode);
}

ssize_t read(int fd, void *buf, size_t n) {
        if (counted(fd) && fire("read") && !act()) {
                errno = fault_errno();
                return -1;
        }
        return REAL(read)(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n) {
        if (counted(fd) && fire("write")) {
                if (mode_is("short"))
                        return REAL(write)(fd, buf, n > 1 ? n / 2 : n);
                if (mode_is("kill")) {
                        (void) !REAL(write)(fd, buf, n / 2);
                        raise(SIGKILL);
                }
                if (act())
                        return REAL(write)(fd, buf, n);
                errno = fault_errno();
                return -1;
        }
        return REAL(write)(fd, buf, n);
}

int close(int fd) {
        if (fd == mountinfo_fd) {
                mountinfo_fd = -1;
                return REAL(close)(fd);
        }
        if (counted(fd) && fire("close")) {
                if (act())
                        return REAL(close)(fd);
                /* Like NFS reporting a deferred write error: the descriptor is gone all the same. */
                REAL(close)(fd);
                errno = fault_errno();
                return -1;
        }
        return REAL(close)(fd);
}

int fchmod(int fd, mode_t mode) {
        if (fire("fchmod") && !act()) {
                errno = fault_errno();
                return -1;
        }
        return REAL(fchmod)(fd, mode);
}

int fchown(int fd, uid_t uid, gid_t gid) {
        if (fire("fchown")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(fchown)(fd, uid, gid);
}

/* The mode argument of open() and openat(), which only O_CREAT and O_TMPFILE pass. */
#define OPEN_MODE(flags, mode)                                                                               \
        do {                                                                                                 \
                if ((flags) & (O_CREAT | O_TMPFILE)) {                                                       \
                        va_list ap_;                                                                         \
                                                                                                             \
                        va_start(ap_, flags);                                                                \
                        (mode) = va_arg(ap_, mode_t);                                                        \
                        va_end(ap_);                                                                         \
                }                                                                                            \
        } while (0)

/* The hook is built with 64-bit file offsets, so it calls the *64 names. */
int openat64(int dirfd, const char *path, int flags, ...) {
        mode_t mode = 0;

        OPEN_MODE(flags, mode);
        if (fire("openat")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(openat64)(dirfd, path, flags, mode);
}

/* open() of the small sysfs and procfs files (and files the hook only reads). */
int open64(const char *path, int flags, ...) {
        mode_t mode = 0;

        OPEN_MODE(flags, mode);
        if (strcmp(path, "/proc/self/mountinfo") == 0)
                return mountinfo_fd = REAL(open64)(path, flags, mode);
        if (fire("open")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(open64)(path, flags, mode);
}

int renameat(int olddirfd, const char *from, int newdirfd, const char *to) {
        if (fire("renameat")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(renameat)(olddirfd, from, newdirfd, to);
}

int faccessat(int dirfd, const char *path, int mode, int flags) {
        if (fire("faccessat")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(faccessat)(dirfd, path, mode, flags);
}

int flock(int fd, int op) {
        if (fire("flock") && !act()) {
                errno = fault_errno();
                return -1;
        }
        return REAL(flock)(fd, op);
}

int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags) {
        if (fire("fstatat")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(fstatat64)(dirfd, path, st, flags);
}

ssize_t flistxattr(int fd, char *list, size_t size) {
        if (fire("flistxattr")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(flistxattr)(fd, list, size);
}

ssize_t fgetxattr(int fd, const char *name, void *value, size_t size) {
        if (fire("fgetxattr")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(fgetxattr)(fd, name, value, size);
}

int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags) {
        if (fire("fsetxattr")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(fsetxattr)(fd, name, value, size, flags);
}

int fremovexattr(int fd, const char *name) {
        if (fire("fremovexattr")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(fremovexattr)(fd, name);
}
