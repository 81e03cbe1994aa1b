/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Runs the work in a child process that a supervising parent ends cleanly at a time limit or a signal. */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* VDSM treats any non-zero code as failure; 2 also stops the hook chain. */
#define EXIT_HOOK_FAILED 2

/*
 * No input may hold a VM start longer than this much CPU time, and no
 * stall (a slow disk, a lock, a hung NFS or FUSE server) longer than this
 * much wall-clock time: VDSM waits for a hook without a timeout.
 */
#define WATCHDOG_CPU_SECONDS  10
#define WATCHDOG_WALL_SECONDS 10

/*
 * Guards the run. Where a read or write of one of paths (the files the
 * run opens; NULL entries are skipped) could stall in the kernel on a
 * server or a daemon (NFS, FUSE, anything but a local filesystem, see
 * mounts.h), or when VDSM_HOOK_NUMA_SUPERVISE is set and not "0", it
 * splits the run in two. The process the caller started becomes the
 * supervisor: it sets the limits, forks the worker, relays the worker's
 * standard error, and ends the run itself at the wall-clock limit, at
 * SIGTERM, SIGINT, SIGHUP or SIGQUIT (unless the caller ignores them), or
 * when the worker dies of a signal: it kills the worker (SIGKILL), removes
 * the temporary the worker reported, prints the one line and exits; a
 * worker that finishes has its exit code passed on. The supervisor never
 * returns from here. The worker returns and does the work; it dies with
 * the supervisor (PR_SET_PDEATHSIG), so a supervisor that VDSM kills
 * leaves no worker that could replace the file later.
 * Otherwise (the typical run: VDSM's file in /tmp) nothing in the run can
 * stall where a signal cannot reach it, and this process guards itself,
 * sparing the run a second process: the same limits and stop signals end
 * it from a signal handler, with the same temporary removal, line and exit
 * code. Only a SIGKILL (which no process can catch) then leaves the
 * temporary behind.
 * When no worker can be started, this process prints the one line and
 * exits 2, having changed nothing.
 */
void watchdog_start(const char *const *paths, size_t n_paths);

/*
 * The worker will write nothing to standard output: it lets go of the
 * caller's, so that a worker stuck in the kernel holds no pipe of the
 * caller's open after the supervisor has given up on it (VDSM reads both
 * pipes to their end).
 */
void watchdog_stdout_unused(void);

/*
 * The worker's reports to the supervisor. Each is a no-op in a process
 * that is not a supervised worker (the unit tests, unless they set
 * watchdog_report_to()).
 */
/* A failure: its one line follows and stands; the CPU limit is held off while it is printed. */
void watchdog_hold(void);
/* A success: its warnings (and a dry run's output) follow, and it stands. */
void watchdog_succeeded(void);
/*
 * A run whose every failure is silent and exit 0 (the after_* points, which
 * change no domain XML): a limit, a stop signal or a killed worker then
 * ends it so too, with no line.
 */
void watchdog_quiet(void);
/* Before the temporary temp is created beside target in dir_fd (the supervisor gets its own dir_fd). */
void watchdog_temp_creating(int dir_fd, const char *target, const char *temp);
/* Just before the temporary, which is temp_st, is renamed over the target. */
void watchdog_temp_replacing(const struct stat *temp_st);
/* The temporary is gone: renamed over the target (replaced), or removed or never created. */
void watchdog_temp_gone(bool replaced);

enum watchdog_report_kind {
        WATCHDOG_REPORT_HOLD,
        WATCHDOG_REPORT_SUCCEEDED,
        WATCHDOG_REPORT_CPU_LIMIT, /* SIGXCPU: the worker exits at once */
        WATCHDOG_REPORT_TEMP_CREATING,
        WATCHDOG_REPORT_TEMP_REPLACING,
        WATCHDOG_REPORT_TEMP_GONE,
        WATCHDOG_REPORT_QUIET,
};

/* One report, one SOCK_SEQPACKET message; TEMP_CREATING carries the directory as SCM_RIGHTS. */
struct watchdog_report {
        int kind; /* enum watchdog_report_kind */
        bool replaced;
        dev_t dev;
        ino_t ino;
        char target[NAME_MAX + 1];
        char temp[NAME_MAX + 1];
};

/* For tests: send the reports to fd (a SOCK_SEQPACKET socket), as a worker does; -1 stops them. */
void watchdog_report_to(int fd);

/*
 * Receives one report without waiting. Returns 1 with *ret filled (and
 * *ret_fd the passed directory, or -1), 0 at the end (the worker has
 * closed its side), or a negative errno (-EAGAIN: none queued).
 */
int watchdog_report_receive(int fd, struct watchdog_report *ret, int *ret_fd);
