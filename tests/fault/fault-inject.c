/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LD_PRELOAD shim for fault injection, SQLite-style: the Nth call of one
 * operation fails, for N = 1, 2, ... until a run hits no fault.
 *
 *   FAULT_OP     write | close | fchmod | fchown | rename | mkostemp
 *   FAULT_AT     N, counting calls of FAULT_OP (write and close count only
 *                descriptors above 2, so stdout and stderr are not faulted)
 *   FAULT_ERRNO  ENOSPC | EIO | EDQUOT | EXDEV | EPERM | EFBIG: fail with it
 *                short: write only part of the buffer (a legal short write)
 *                kill:  write half of the buffer, then SIGKILL the process
 *   FAULT_EVERY  set: every call from the Nth on faults (for "short": every write is short)
 *   FAULT_LOG    a file that gets "hit" appended when the fault fires
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long counter;

#define REAL(name) ((__typeof__(&name)) dlsym(RTLD_NEXT, #name))

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

        if (!want || !at || strcmp(want, op) != 0)
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

ssize_t write(int fd, const void *buf, size_t n) {
        if (fd > 2 && fire("write")) {
                if (mode_is("short"))
                        return REAL(write)(fd, buf, n > 1 ? n / 2 : n);
                if (mode_is("kill")) {
                        (void) !REAL(write)(fd, buf, n / 2);
                        raise(SIGKILL);
                }
                errno = fault_errno();
                return -1;
        }
        return REAL(write)(fd, buf, n);
}

int close(int fd) {
        if (fd > 2 && fire("close")) {
                /* Like NFS reporting a deferred write error: the descriptor is gone all the same. */
                REAL(close)(fd);
                errno = fault_errno();
                return -1;
        }
        return REAL(close)(fd);
}

int fchmod(int fd, mode_t mode) {
        if (fire("fchmod")) {
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

int rename(const char *from, const char *to) {
        if (fire("rename")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(rename)(from, to);
}

int mkostemp(char *template, int flags) {
        if (fire("mkostemp")) {
                errno = fault_errno();
                return -1;
        }
        return REAL(mkostemp)(template, flags);
}
