/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs the work in a child process that a supervising parent ends cleanly at a time limit or a signal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "mounts.h"
#include "watchdog.h"

/*
 * How long a killed worker may take to die before the supervisor settles
 * without it: one in an uninterruptible wait (a FUSE request its server
 * holds) dies only when the wait ends, and the caller is owed an answer.
 */
#define WATCHDOG_GRACE_MS 500

/*
 * Where a caller's hard CPU limit leaves no room for the soft one a
 * second before it (1 s: prlimit --cpu=1), a CPU-time timer sends the
 * SIGXCPU this much before the kernel's SIGKILL, time enough to write the
 * line and exit.
 */
#define WATCHDOG_CPU_MARGIN_MS 100

/* How much of the worker's stderr is relayed at once. */
#define RELAY_CHUNK PIPE_BUF

/* The worker's side: where its reports go; -1 in any other process. */
static int report_fd = -1;

/* The supervisor's side, set by its signal handler. */
static volatile sig_atomic_t worker_exited, limit_signal, stop_signal, signals_seen;

enum state { REFUSED, REPLACED, SUCCEEDED, HOLDING };

/*
 * What the worker has reported: the supervisor's copy, or, in a run this
 * process guards itself (watchdog_start()), its own.
 */
struct run_state {
        enum state outcome; /* REFUSED (nothing yet), SUCCEEDED or HOLDING */
        bool cpu_limit;
        bool quiet; /* ends with exit 0 and no line, whatever ends it */
        bool has_temp, has_identity, replaced;
        int dir_fd;
        char target[NAME_MAX + 1], temp[NAME_MAX + 1];
        dev_t dev;
        ino_t ino;
};

struct supervisor {
        pid_t worker;
        int status; /* the worker's wait status, once reaped */
        bool reaped;
        int reports; /* our end of the worker's report socket; -1 after its end */
        int err;     /* our end of the worker's stderr pipe; -1 after its end */
        char buf[RELAY_CHUNK];
        size_t len, off;  /* what was read from err and is not yet written */
        bool stderr_lost; /* our stderr fails: what the worker writes is dropped */
        bool line_open;   /* our stderr does not end with a newline */
        struct run_state run;
};

/* A run this process guards itself: its state, and whether it is one. */
static struct run_state guard = {.dir_fd = -1, .outcome = REFUSED};
static bool guarding;

/* The signals the supervisor handles; all are blocked outside ppoll(). */
static const int handled_signals[] = {SIGCHLD, SIGALRM, SIGXCPU, SIGTERM, SIGINT, SIGHUP, SIGQUIT};

static bool is_stop_signal(int sig) {
        return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
}

static void on_signal(int sig) {
        signals_seen++;
        if (sig == SIGCHLD)
                worker_exited = 1;
        else if (is_stop_signal(sig)) {
                if (!stop_signal)
                        stop_signal = sig;
        } else if (!limit_signal)
                limit_signal = sig;
}

static void apply_report(struct run_state *s, const struct watchdog_report *r, int passed);

/* The signals a guarded run handles, blocked while its state changes. */
static sigset_t guard_signals;

/* A report in a guarded run: applied to its own state, which its signal handler reads. */
static void guard_apply(const struct watchdog_report *r, int pass_fd) {
        sigset_t old;

        sigprocmask(SIG_BLOCK, &guard_signals, &old);
        apply_report(&guard, r, pass_fd >= 0 ? fcntl(pass_fd, F_DUPFD_CLOEXEC, 3) : -1);
        sigprocmask(SIG_SETMASK, &old, NULL);
}

static void report_send(const struct watchdog_report *r, int pass_fd) {
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = (void *) r, .iov_len = sizeof(*r)};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

        if (guarding) {
                guard_apply(r, pass_fd);
                return;
        }
        if (report_fd < 0)
                return;
        if (pass_fd >= 0) {
                struct cmsghdr *c;

                memset(&control, 0, sizeof(control));
                m.msg_control = control.buf;
                m.msg_controllen = sizeof(control.buf);
                c = CMSG_FIRSTHDR(&m);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
        }
        /* A supervisor that is gone has killed us (PR_SET_PDEATHSIG): no error to handle. */
        while (sendmsg(report_fd, &m, MSG_NOSIGNAL) < 0 && errno == EINTR)
                ;
}

static void report_kind(enum watchdog_report_kind kind) {
        report_send(&(struct watchdog_report){.kind = kind}, -1);
}

void watchdog_report_to(int fd) {
        report_fd = fd;
}

void watchdog_hold(void) {
        sigset_t cpu;

        sigemptyset(&cpu);
        sigaddset(&cpu, SIGXCPU);
        sigprocmask(SIG_BLOCK, &cpu, NULL);
        report_kind(WATCHDOG_REPORT_HOLD);
}

void watchdog_succeeded(void) {
        report_kind(WATCHDOG_REPORT_SUCCEEDED);
}

void watchdog_quiet(void) {
        report_kind(WATCHDOG_REPORT_QUIET);
}

void watchdog_temp_creating(int dir_fd, const char *target, const char *temp) {
        struct watchdog_report r = {.kind = WATCHDOG_REPORT_TEMP_CREATING};

        snprintf(r.target, sizeof(r.target), "%s", target);
        snprintf(r.temp, sizeof(r.temp), "%s", temp);
        report_send(&r, dir_fd);
}

void watchdog_temp_replacing(const struct stat *temp_st) {
        report_send(&(struct watchdog_report){.kind = WATCHDOG_REPORT_TEMP_REPLACING,
                            .dev = temp_st->st_dev,
                            .ino = temp_st->st_ino},
                -1);
}

void watchdog_temp_gone(bool replaced) {
        report_send(&(struct watchdog_report){.kind = WATCHDOG_REPORT_TEMP_GONE, .replaced = replaced}, -1);
}

int watchdog_report_receive(int fd, struct watchdog_report *ret, int *ret_fd) {
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct watchdog_report r;
        struct iovec iov = {.iov_base = &r, .iov_len = sizeof(r)};
        struct msghdr m = {.msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof(control.buf)};
        int passed = -1;
        ssize_t n;

        do
                n = recvmsg(fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0)
                return 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && passed < 0)
                        memcpy(&passed, CMSG_DATA(c), sizeof(int));
        if ((size_t) n != sizeof(r) || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
                if (passed >= 0)
                        close(passed);
                return -EBADMSG;
        }
        r.target[NAME_MAX] = r.temp[NAME_MAX] = '\0';
        *ret = r;
        *ret_fd = passed;
        return 1;
}

/* The worker's SIGXCPU: the supervisor ends the run and says why. */
static void on_cpu_limit(int sig) {
        (void) sig;
        report_kind(WATCHDOG_REPORT_CPU_LIMIT);
        _exit(EXIT_HOOK_FAILED);
}

void watchdog_stdout_unused(void) {
        /* freopen() keeps descriptor 1, now /dev/null; nothing may be written there anyway. */
        if (report_fd >= 0)
                (void) !freopen("/dev/null", "w", stdout);
}

/*
 * The CPU limit, for both processes: SIGXCPU at the soft limit; the
 * kernel's SIGKILL at the hard one. Returns whether cpu_timer_arm() must
 * send the SIGXCPU instead (a hard limit of 1 s, which leaves no room
 * for a soft one below it).
 */
static bool cpu_limit_set(void) {
        struct rlimit rl;

        if (getrlimit(RLIMIT_CPU, &rl) < 0)
                return false;
        if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > WATCHDOG_CPU_SECONDS)
                rl.rlim_cur = WATCHDOG_CPU_SECONDS;
        if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > WATCHDOG_CPU_SECONDS + 1)
                rl.rlim_max = WATCHDOG_CPU_SECONDS + 1;
        /*
         * At the hard limit the kernel sends SIGKILL and no SIGXCPU (a caller's
         * prlimit --cpu=N sets both to N): the soft one must come a second before.
         */
        if (rl.rlim_cur >= rl.rlim_max)
                rl.rlim_cur = rl.rlim_max > 1 ? rl.rlim_max - 1 : rl.rlim_max;
        (void) setrlimit(RLIMIT_CPU, &rl);
        return rl.rlim_max == 1;
}

/*
 * The clock RLIMIT_CPU counts: this process's user plus system time, as
 * the kernel charges it by the tick. CLOCK_PROCESS_CPUTIME_ID counts its
 * run time instead, which the charged time can run ahead of by more than
 * WATCHDOG_CPU_MARGIN_MS on a busy machine (seen: the kernel's SIGKILL
 * first). The kernel's encoding of a CPU clock, MAKE_PROCESS_CPUCLOCK(0,
 * CPUCLOCK_PROF) = (~0 << 3) | 0, which glibc's clock_getcpuclockid()
 * uses as well.
 */
#define CLOCK_PROCESS_PROF ((clockid_t) -8)

/*
 * SIGXCPU when this process has used WATCHDOG_CPU_MARGIN_MS less CPU time
 * than a hard limit of 1 s, counted from its start as the limit is (a
 * timer is not inherited across fork(): each process arms its own, after
 * its SIGXCPU handler is in place). Without it the run dies silently.
 */
static void cpu_timer_arm(void) {
        struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGXCPU};
        struct itimerspec at = {.it_value.tv_nsec = (1000 - WATCHDOG_CPU_MARGIN_MS) * 1000000L};
        timer_t timer;

        if (timer_create(CLOCK_PROCESS_PROF, &ev, &timer) == 0 ||
                timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &timer) == 0)
                (void) timer_settime(timer, TIMER_ABSTIME, &at, NULL);
}

/*
 * Descriptors 0-2 open, so that no pipe of ours (nor, in the worker, the
 * domain XML or the temporary) takes the number of a stream the caller
 * closed and gets what is meant for it. Such a stream stays unusable:
 * /dev/null opened for the other direction fails every use with EBADF,
 * as a closed one does ('--version >&-' must still fail).
 */
static void std_fds_open(void) {
        for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
                int n;

                if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
                        continue;
                n = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
                if (n >= 0 && n != fd) {
                        (void) dup2(n, fd);
                        close(n);
                }
        }
}

/*
 * Handlers for the supervisor; a stop signal the caller ignores (nohup)
 * stays ignored. A blocked signal mask survives exec: a caller that
 * blocked them would disarm the limits, so ppoll() waits with all of them
 * unblocked (ret_wait).
 */
static void signals_take(sigset_t *ret_old_mask, sigset_t *ret_wait, struct sigaction *ret_old_pipe) {
        struct sigaction sa = {.sa_handler = on_signal}, ign = {.sa_handler = SIG_IGN};
        sigset_t ours;

        sigemptyset(&ours);
        for (size_t i = 0; i < ELEMENTSOF(handled_signals); i++)
                sigaddset(&ours, handled_signals[i]);
        sa.sa_mask = ours;
        sigprocmask(SIG_BLOCK, &ours, ret_old_mask);
        *ret_wait = *ret_old_mask;
        for (size_t i = 0; i < ELEMENTSOF(handled_signals); i++) {
                int sig = handled_signals[i];
                struct sigaction old;

                sigdelset(ret_wait, sig);
                if (is_stop_signal(sig) && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
                        continue;
                sigaction(sig, &sa, NULL);
        }
        /* A caller that stops reading our stderr must not kill us before we clean up. */
        sigaction(SIGPIPE, &ign, ret_old_pipe);
}

/* The worker's signals: stop signals are the supervisor's; SIGXCPU is reported. */
static void worker_signals(const sigset_t *old_mask, const struct sigaction *old_pipe) {
        struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN},
                         cpu = {.sa_handler = on_cpu_limit};
        sigset_t unblock;

        sigaction(SIGCHLD, &dfl, NULL);
        sigaction(SIGALRM, &dfl, NULL);
        sigaction(SIGPIPE, old_pipe, NULL);
        sigaction(SIGTERM, &ign, NULL);
        sigaction(SIGINT, &ign, NULL);
        sigaction(SIGHUP, &ign, NULL);
        sigaction(SIGQUIT, &ign, NULL);
        sigfillset(&cpu.sa_mask);
        sigaction(SIGXCPU, &cpu, NULL);
        sigprocmask(SIG_SETMASK, old_mask, NULL);
        sigemptyset(&unblock);
        sigaddset(&unblock, SIGXCPU);
        sigprocmask(SIG_UNBLOCK, &unblock, NULL);
}

static void worker_init(pid_t supervisor, int reports, int err, const sigset_t *old_mask,
        const struct sigaction *old_pipe, bool cpu_timer) {
        /* Dies with the supervisor; one already gone before this took effect is checked for. */
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != supervisor)
                _exit(EXIT_HOOK_FAILED);
        worker_signals(old_mask, old_pipe);
        if (cpu_timer)
                cpu_timer_arm();
        dup2(err, STDERR_FILENO);
        close(err);
        report_fd = reports;
}

static void reap(struct supervisor *s) {
        if (s->reaped || !worker_exited)
                return;
        worker_exited = 0;
        if (waitpid(s->worker, &s->status, WNOHANG) == s->worker)
                s->reaped = true;
}

static void apply_report(struct run_state *s, const struct watchdog_report *r, int passed) {
        switch ((enum watchdog_report_kind) r->kind) {
        case WATCHDOG_REPORT_HOLD:
                s->outcome = HOLDING;
                break;
        case WATCHDOG_REPORT_SUCCEEDED:
                s->outcome = SUCCEEDED;
                break;
        case WATCHDOG_REPORT_CPU_LIMIT:
                s->cpu_limit = true;
                break;
        case WATCHDOG_REPORT_TEMP_CREATING:
                if (passed < 0)
                        break;
                if (s->dir_fd >= 0)
                        close(s->dir_fd);
                s->dir_fd = passed;
                passed = -1;
                memcpy(s->target, r->target, sizeof(s->target));
                memcpy(s->temp, r->temp, sizeof(s->temp));
                s->has_temp = true;
                s->has_identity = false;
                break;
        case WATCHDOG_REPORT_TEMP_REPLACING:
                s->dev = r->dev;
                s->ino = r->ino;
                s->has_identity = true;
                break;
        case WATCHDOG_REPORT_TEMP_GONE:
                s->has_temp = false;
                s->replaced = s->replaced || r->replaced;
                break;
        case WATCHDOG_REPORT_QUIET:
                s->quiet = true;
                break;
        }
        if (passed >= 0)
                close(passed);
}

static void reports_read(struct supervisor *s) {
        while (s->reports >= 0) {
                struct watchdog_report r;
                int passed, k = watchdog_report_receive(s->reports, &r, &passed);

                if (k == -EAGAIN || k == -EBADMSG)
                        return;
                if (k <= 0) {
                        close(s->reports);
                        s->reports = -1;
                        return;
                }
                apply_report(&s->run, &r, passed);
        }
}

/* Reads a chunk of the worker's stderr (none may be pending). */
static void relay_read(struct supervisor *s) {
        ssize_t n = read(s->err, s->buf, sizeof(s->buf));

        if (n > 0 && !s->stderr_lost) {
                s->len = (size_t) n;
                s->off = 0;
        } else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                close(s->err);
                s->err = -1;
        }
}

/*
 * Writes what is pending to our stderr, with the supervisor's signals let
 * in: a limit or a stop signal interrupts a write that our stderr's reader
 * holds up (the handlers have no SA_RESTART). One that came since the
 * caller last looked is handled first, so the write is not begun.
 */
static void relay_write(struct supervisor *s, const sigset_t *wait_mask) {
        sig_atomic_t seen = signals_seen;
        const char *end;
        sigset_t blocked;
        ssize_t n = -1;
        size_t size;
        int err = EINTR;

        /*
         * One line at a time: a write of up to PIPE_BUF bytes to a pipe is
         * all or nothing, so a chunk of several lines blocked on a reader
         * that holds up our stderr would get none of them out before a limit
         * fires, though most would fit.
         */
        end = memchr(s->buf + s->off, '\n', s->len - s->off);
        size = end ? (size_t) (end - (s->buf + s->off)) + 1 : s->len - s->off;
        sigprocmask(SIG_SETMASK, wait_mask, &blocked);
        if (seen == signals_seen) {
                n = write(STDERR_FILENO, s->buf + s->off, size);
                err = errno;
        }
        sigprocmask(SIG_SETMASK, &blocked, NULL);
        if (n < 0 && err != EINTR && err != EAGAIN) {
                s->stderr_lost = true;
                s->len = 0;
        } else if (n > 0) {
                s->line_open = s->buf[s->off + (size_t) n - 1] != '\n';
                s->off += (size_t) n;
                if (s->off == s->len)
                        s->len = 0;
        }
}

/*
 * Relays what is pending, or waits for the worker's stderr, a signal, or
 * timeout_ms (-1: none). Reports are not waited for: they stay queued
 * until they matter (at the end, or to judge a stop signal), which spares
 * a typical run a wakeup for each.
 */
static void poll_once(struct supervisor *s, const sigset_t *wait_mask, int timeout_ms) {
        struct pollfd p = {.fd = s->err, .events = POLLIN};
        struct timespec t = {.tv_sec = timeout_ms / 1000, .tv_nsec = (timeout_ms % 1000) * 1000000L};

        if (s->len > 0)
                relay_write(s, wait_mask);
        else if (ppoll(&p, 1, timeout_ms < 0 ? NULL : &t, wait_mask) > 0 && p.revents)
                relay_read(s);
}

/* Why the run must end now: a limit, a stop signal while no outcome is being printed, or 0. */
static int stop_cause(const struct supervisor *s) {
        if (limit_signal)
                return limit_signal;
        if (s->run.cpu_limit)
                return SIGXCPU;
        if (stop_signal && s->run.outcome == REFUSED)
                return stop_signal;
        return 0;
}

/* Relays until the worker is gone and its stderr is out (returns 0), or until a stop cause (returns it). */
static int supervise_run(struct supervisor *s, const sigset_t *wait_mask) {
        for (;;) {
                int cause;

                reap(s);
                if (s->reaped || stop_signal)
                        reports_read(s);
                cause = stop_cause(s);
                if (cause)
                        return cause;
                if (s->reaped && s->err < 0 && s->len == 0)
                        return 0;
                poll_once(s, wait_mask, -1);
        }
}

static long ms_left(const struct timespec *end) {
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (long) (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * SIGKILL, and up to WATCHDOG_GRACE_MS for the worker to die (SIGCHLD);
 * its stderr is not relayed meanwhile, so a reader that holds up our
 * stderr cannot stretch the grace. Then the reports it left.
 */
static void worker_end(struct supervisor *s, const sigset_t *wait_mask) {
        struct timespec end;
        long left;

        if (!s->reaped)
                kill(s->worker, SIGKILL);
        clock_gettime(CLOCK_MONOTONIC, &end);
        end.tv_nsec += WATCHDOG_GRACE_MS * 1000000L;
        end.tv_sec += end.tv_nsec / 1000000000L;
        end.tv_nsec %= 1000000000L;
        while ((reap(s), !s->reaped) && (left = ms_left(&end)) > 0)
                (void) ppoll(NULL, 0,
                        &(struct timespec){.tv_sec = left / 1000, .tv_nsec = left % 1000 * 1000000L},
                        wait_mask);
        reports_read(s);
}

/*
 * Whether the worker's rename happened; its temporary is removed if not.
 * Removing first makes the answer final: a worker still stuck in the
 * kernel can no longer rename a name that is gone.
 */
static bool temp_settle(struct run_state *s) {
        struct stat st;

        if (s->replaced || !s->has_temp)
                return s->replaced;
        s->has_temp = false;
        if (unlinkat(s->dir_fd, s->temp, 0) == 0 || errno != ENOENT)
                return false;
        return s->has_identity && fstatat(s->dir_fd, s->target, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
               st.st_dev == s->dev && st.st_ino == s->ino;
}

/* Writes what the worker wrote to stderr, to its end or until nothing more comes now. */
static void relay_rest(struct supervisor *s) {
        for (;;) {
                if (s->len > 0 && !s->stderr_lost) {
                        if (file_write_all(STDERR_FILENO, s->buf + s->off, s->len - s->off) < 0)
                                s->stderr_lost = true;
                        else
                                s->line_open = s->buf[s->len - 1] != '\n';
                }
                s->len = 0;
                if (s->err < 0)
                        return;
                relay_read(s);
                if (s->len == 0)
                        return;
        }
}

/* Appends str to buf (of size bytes, len used), truncating; async-signal-safe, unlike snprintf(). */
static void append(char *buf, size_t size, size_t *len, const char *str) {
        while (*str && *len + 1 < size)
                buf[(*len)++] = *str++;
        buf[*len] = '\0';
}

static void append_number(char *buf, size_t size, size_t *len, unsigned n) {
        char digits[16];
        size_t i = sizeof(digits) - 1;

        digits[i] = '\0';
        do
                digits[--i] = (char) ('0' + n % 10);
        while ((n /= 10) > 0 && i > 0);
        append(buf, size, len, digits + i);
}

/* Why the run ended; async-signal-safe for every cause but a killed worker's (a negative one). */
static void cause_text(int cause, char *buf, size_t size, size_t *len) {
        static const char *const names[] = {
                [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGTERM] = "SIGTERM"};

        if (cause == SIGXCPU)
                append(buf, size, len, "CPU time limit reached (watchdog)");
        else if (cause == SIGALRM)
                append(buf, size, len, "wall-clock time limit reached (watchdog)");
        else if (cause > 0 && (size_t) cause < ELEMENTSOF(names) && names[cause]) {
                append(buf, size, len, "stopped by ");
                append(buf, size, len, names[cause]);
        } else {
                append(buf, size, len, "its worker process was killed by signal ");
                append_number(buf, size, len, (unsigned) -cause);
                append(buf, size, len, " (");
                append(buf, size, len, strsignal(-cause));
                append(buf, size, len, ")");
        }
}

/*
 * The one line of a run that ended at cause (a signal number, or minus
 * the signal that killed the worker), and its exit code. Until the rename
 * the domain XML is untouched: refuse. After it the edit is done and
 * stands, as does a success being printed. A failure being printed has
 * its own line already: -1, and nothing written. A quiet run (the after_*
 * points) writes nothing and succeeds. line_open: our stderr does not end
 * with a newline. Async-signal-safe for a positive cause.
 */
static int run_finish(struct run_state *run, int cause, bool line_open) {
        static const char *const before[] = {
                [REFUSED] = "numa: gave up: ",
                [REPLACED] = "numa: warning: ",
                [SUCCEEDED] = "numa: warning: ",
        };
        static const char *const after[] = {
                [REFUSED] = "; domain XML left unchanged\n",
                [REPLACED] = " after the domain XML was replaced; the change stands\n",
                [SUCCEEDED] = " after the run succeeded; its result stands\n",
        };
        enum state state = temp_settle(run) ? REPLACED : run->outcome;
        char line[256];
        size_t len = 0;

        if (run->quiet)
                return EXIT_SUCCESS;
        if (state == HOLDING)
                return -1;
        append(line, sizeof(line), &len, line_open ? "\n" : "");
        append(line, sizeof(line), &len, before[state]);
        cause_text(cause, line, sizeof(line), &len);
        append(line, sizeof(line), &len, after[state]);
        (void) file_write_all(STDERR_FILENO, line, len);
        return state == REFUSED ? EXIT_HOOK_FAILED : EXIT_SUCCESS;
}

static int supervise_finish(struct supervisor *s, int cause) {
        int r = run_finish(&s->run, cause, s->line_open);

        if (r >= 0)
                return r;
        relay_rest(s);
        return EXIT_HOOK_FAILED;
}

static int supervise(struct supervisor *s, const sigset_t *wait_mask) {
        int cause = supervise_run(s, wait_mask);

        if (cause)
                worker_end(s, wait_mask);
        else if (WIFSIGNALED(s->status))
                cause = -WTERMSIG(s->status);
        if (cause)
                return supervise_finish(s, cause);
        /* The worker removes its temporary itself; this only makes sure. */
        (void) temp_settle(&s->run);
        return WIFEXITED(s->status) ? WEXITSTATUS(s->status) : EXIT_HOOK_FAILED;
}

static int supervisor_start(void) {
        struct supervisor s = {.run = {.dir_fd = -1, .outcome = REFUSED}};
        struct sigaction old_pipe;
        sigset_t old_mask, wait_mask;
        pid_t parent = getpid();
        int reports[2], err[2], r;
        unsigned pending;
        bool cpu_timer;

        std_fds_open();
        cpu_timer = cpu_limit_set();
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, reports) < 0)
                return -errno;
        if (pipe2(err, O_CLOEXEC) < 0) {
                r = -errno;
                close(reports[0]);
                close(reports[1]);
                return r;
        }
        signals_take(&old_mask, &wait_mask, &old_pipe);
        if (cpu_timer)
                cpu_timer_arm();
        /* An alarm() pending across exec is kept when it is sooner; fork() does not pass it on. */
        pending = alarm(WATCHDOG_WALL_SECONDS);
        if (pending > 0 && pending < WATCHDOG_WALL_SECONDS)
                alarm(pending);

        s.worker = fork();
        if (s.worker == 0) {
                close(reports[0]);
                close(err[0]);
                worker_init(parent, reports[1], err[1], &old_mask, &old_pipe, cpu_timer);
                return 0;
        }
        r = s.worker < 0 ? -errno : 0;
        close(reports[1]);
        close(err[1]);
        if (r < 0) {
                alarm(0);
                close(reports[0]);
                close(err[0]);
                return r;
        }
        s.reports = reports[0];
        s.err = err[0];
        (void) fcntl(s.err, F_SETFL, O_NONBLOCK);
        /* Nothing to flush or free here: _exit() spares a sanitizer build a second leak check. */
        _exit(supervise(&s, &wait_mask));
}

/*
 * A run guarded by this process: the limits and the stop signals end it
 * from a handler, which settles the temporary and writes the one line as
 * the supervisor does. A stop signal once an outcome is being printed is
 * let pass (SA_RESTART), as the supervisor lets it pass; a limit then
 * ends a failure at once, its line being the worker's own.
 */
static void on_guard_signal(int sig) {
        int r;

        if (is_stop_signal(sig) && guard.outcome != REFUSED)
                return;
        r = guard.outcome == HOLDING ? -1 : run_finish(&guard, sig, false);
        _exit(r < 0 ? EXIT_HOOK_FAILED : r);
}

static void guard_start(void) {
        struct sigaction sa = {.sa_handler = on_guard_signal, .sa_flags = SA_RESTART};
        unsigned pending;
        bool cpu_timer;

        std_fds_open();
        cpu_timer = cpu_limit_set();
        /*
         * A reader that has gone (`--dry-run | head -c1`) is a write error
         * like any other, EPIPE, and its one line: not a silent death. (A
         * supervised worker dying of SIGPIPE gets the supervisor's line.)
         */
        signal(SIGPIPE, SIG_IGN);
        sigemptyset(&guard_signals);
        for (size_t i = 0; i < ELEMENTSOF(handled_signals); i++)
                if (handled_signals[i] != SIGCHLD)
                        sigaddset(&guard_signals, handled_signals[i]);
        sa.sa_mask = guard_signals;
        for (size_t i = 0; i < ELEMENTSOF(handled_signals); i++) {
                int sig = handled_signals[i];
                struct sigaction old;

                if (sig == SIGCHLD ||
                        (is_stop_signal(sig) && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN))
                        continue;
                sigaction(sig, &sa, NULL);
        }
        if (cpu_timer)
                cpu_timer_arm();
        guarding = true;
        /* As in supervisor_start(): a sooner alarm() pending across exec is kept. */
        pending = alarm(WATCHDOG_WALL_SECONDS);
        if (pending > 0 && pending < WATCHDOG_WALL_SECONDS)
                alarm(pending);
        /* A blocked signal mask survives exec: a caller that blocked these would disarm the limits. */
        sigprocmask(SIG_UNBLOCK, &guard_signals, NULL);
}

/* Whether the caller asks for a supervised run whatever the files (the tests of that path). */
static bool supervision_forced(void) {
        const char *e = getenv("VDSM_HOOK_NUMA_SUPERVISE");

        return e && *e && strcmp(e, "0") != 0;
}

void watchdog_start(const char *const *paths, size_t n_paths) {
        int r;

        if (!supervision_forced() && mounts_paths_cannot_stall(paths, n_paths)) {
                guard_start();
                return;
        }
        r = supervisor_start();
        if (r < 0) {
                dprintf(STDERR_FILENO, "numa: cannot start the worker process: %s\n", strerror(-r));
                /* Not exit(): a sanitizer's leak check needs a thread, which this process may not get either.
                 */
                _exit(EXIT_HOOK_FAILED);
        }
}
