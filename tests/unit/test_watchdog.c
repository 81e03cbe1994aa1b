/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "watchdog.h"

/* What the worker says; each row sends one report through the worker's functions. */
enum say {
        SAY_HOLD,
        SAY_SUCCEEDED,
        SAY_TEMP_CREATING,
        SAY_TEMP_REPLACING,
        SAY_TEMP_GONE_REPLACED,
        SAY_TEMP_GONE_REMOVED,
};

struct report_case {
        const char *name;
        enum say say;
        enum watchdog_report_kind kind; /* what the supervisor receives */
        bool replaced;
        bool passes_dir; /* with the directory's descriptor */
};

/* clang-format off */
static const struct report_case report_cases[] = {
        {"hold_is_received", SAY_HOLD, WATCHDOG_REPORT_HOLD, false, false},
        {"succeeded_is_received", SAY_SUCCEEDED, WATCHDOG_REPORT_SUCCEEDED, false, false},
        {"temp_creating_passes_the_directory_and_names", SAY_TEMP_CREATING, WATCHDOG_REPORT_TEMP_CREATING, false, true},
        {"temp_replacing_carries_the_identity", SAY_TEMP_REPLACING, WATCHDOG_REPORT_TEMP_REPLACING, false, false},
        {"temp_gone_after_the_rename_says_replaced", SAY_TEMP_GONE_REPLACED, WATCHDOG_REPORT_TEMP_GONE, true, false},
        {"temp_gone_after_a_failure_says_not_replaced", SAY_TEMP_GONE_REMOVED, WATCHDOG_REPORT_TEMP_GONE, false, false},
};
/* clang-format on */

static void channel_open(int sv[2]) {
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        watchdog_report_to(sv[1]);
}

static void test_report_case(void **state) {
        const struct report_case *c = *state;
        struct watchdog_report r;
        struct stat tmp_st, passed_st;
        int sv[2], passed, dir_fd;

        dir_fd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(dir_fd >= 0);
        assert_int_equal(fstat(dir_fd, &tmp_st), 0);
        channel_open(sv);
        switch (c->say) {
        case SAY_HOLD:
                watchdog_hold();
                break;
        case SAY_SUCCEEDED:
                watchdog_succeeded();
                break;
        case SAY_TEMP_CREATING:
                watchdog_temp_creating(dir_fd, "dom.xml", ".numa-dom.xml.AbCd12");
                break;
        case SAY_TEMP_REPLACING:
                watchdog_temp_replacing(&tmp_st);
                break;
        case SAY_TEMP_GONE_REPLACED:
                watchdog_temp_gone(true);
                break;
        case SAY_TEMP_GONE_REMOVED:
                watchdog_temp_gone(false);
                break;
        }
        watchdog_report_to(-1);

        assert_int_equal(watchdog_report_receive(sv[0], &r, &passed), 1);
        assert_int_equal(r.kind, c->kind);
        assert_int_equal(r.replaced, c->replaced);
        if (c->passes_dir) {
                assert_true(passed >= 0);
                assert_int_equal(fstat(passed, &passed_st), 0);
                assert_int_equal(passed_st.st_ino, tmp_st.st_ino);
                assert_int_equal(fcntl(passed, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
                assert_string_equal(r.target, "dom.xml");
                assert_string_equal(r.temp, ".numa-dom.xml.AbCd12");
                close(passed);
        } else
                assert_int_equal(passed, -1);
        if (c->say == SAY_TEMP_REPLACING) {
                assert_int_equal(r.dev, tmp_st.st_dev);
                assert_int_equal(r.ino, tmp_st.st_ino);
        }
        /* One report, nothing more. */
        assert_int_equal(watchdog_report_receive(sv[0], &r, &passed), -EAGAIN);
        close(sv[0]);
        close(sv[1]);
        close(dir_fd);
}

/* The unit tests, and any process that is not a supervised worker, send nothing. */
static void test_reports_are_noops_without_a_supervisor(void **state) {
        struct watchdog_report r;
        int sv[2], passed;

        (void) state;
        channel_open(sv);
        watchdog_report_to(-1);
        watchdog_succeeded();
        watchdog_temp_gone(true);
        assert_int_equal(watchdog_report_receive(sv[0], &r, &passed), -EAGAIN);
        close(sv[0]);
        close(sv[1]);
}

/* A worker that is gone (its end closed) reads as the end, after what it sent. */
static void test_receive_sees_the_end_after_the_last_report(void **state) {
        struct watchdog_report r;
        int sv[2], passed;

        (void) state;
        channel_open(sv);
        watchdog_temp_gone(false);
        watchdog_report_to(-1);
        close(sv[1]);
        assert_int_equal(watchdog_report_receive(sv[0], &r, &passed), 1);
        assert_int_equal(watchdog_report_receive(sv[0], &r, &passed), 0);
        close(sv[0]);
}

/* Anything but a whole report is refused, and a name is always terminated. */
static void test_receive_refuses_a_short_message_and_cuts_long_names(void **state) {
        struct watchdog_report r;
        char name[NAME_MAX + 100];
        int sv[2], passed;

        (void) state;
        channel_open(sv);
        assert_int_equal(send(sv[1], "abc", 3, 0), 3);
        assert_int_equal(watchdog_report_receive(sv[0], &r, &passed), -EBADMSG);

        memset(name, 'n', sizeof(name) - 1);
        name[sizeof(name) - 1] = '\0';
        watchdog_temp_creating(-1, name, name);
        watchdog_report_to(-1);
        assert_int_equal(watchdog_report_receive(sv[0], &r, &passed), 1);
        assert_int_equal(strlen(r.target), NAME_MAX);
        assert_int_equal(strlen(r.temp), NAME_MAX);
        assert_int_equal(passed, -1);
        close(sv[0]);
        close(sv[1]);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, report_cases, test_report_case);
        UNIT_TEST(&suite, test_reports_are_noops_without_a_supervisor);
        UNIT_TEST(&suite, test_receive_sees_the_end_after_the_last_report);
        UNIT_TEST(&suite, test_receive_refuses_a_short_message_and_cuts_long_names);
        return UNIT_RUN(&suite, "watchdog");
}
