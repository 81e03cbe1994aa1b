/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fileio.h"
#include "unit.h"
#include "watchdog.h"

static char dir[] = "/tmp/test-fileio-XXXXXX";

static void path_in_dir(char *buf, size_t size, const char *name) {
        snprintf(buf, size, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *content, mode_t mode) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, strlen(content)), (ssize_t) strlen(content));
        assert_int_equal(fchmod(fd, mode), 0);
        assert_int_equal(close(fd), 0);
}

enum setup {
        REGULAR,  /* "doc.xml" holding "<domain/>" */
        SYMLINK,  /* "link.xml" -> doc.xml */
        DANGLING, /* "dangling.xml" -> nowhere */
        FIFO,
        DIRECTORY,
        DEV_ZERO,
        MISSING,
        HARDLINKED, /* "doc.xml" with a second name */
        EMPTY_PATH,
        TRAILING_SLASH, /* "sub/" */
        MISSING_DIR,    /* "nonexistent/doc.xml" */
};

struct read_case {
        const char *name;
        enum setup setup;
        unsigned flags;
        size_t max;
        const char *error;   /* part of the message, or NULL */
        const char *warning; /* FILE_PREVIEW: part of the one warning, which marks the file refused */
};

/* clang-format off */
static const struct read_case read_cases[] = {
        {"reads_regular_file", REGULAR, FILE_NOFOLLOW | FILE_SINGLE_LINK, 1024, NULL},
        {"refuses_symlink", SYMLINK, FILE_NOFOLLOW, 1024, "is a symlink; refusing to follow it"},
        {"follows_symlink_when_allowed", SYMLINK, 0, 1024, NULL},
        {"refuses_dangling_symlink", DANGLING, FILE_NOFOLLOW, 1024, "is a symlink"},
        {"refuses_fifo_without_hanging", FIFO, FILE_NOFOLLOW, 1024, "is not a regular file"},
        {"refuses_directory", DIRECTORY, FILE_NOFOLLOW, 1024, "is not a regular file"},
        {"refuses_character_device", DEV_ZERO, FILE_NOFOLLOW, 1024, "is not a regular file"},
        {"reports_missing_file", MISSING, FILE_NOFOLLOW, 1024, "No such file or directory"},
        {"refuses_file_over_limit", REGULAR, FILE_NOFOLLOW, 4, "is 9 bytes, more than the limit of 4"},
        {"refuses_hard_linked_file", HARDLINKED, FILE_SINGLE_LINK, 1024, "has 2 hard links"},
        {"reads_hard_linked_file_when_allowed", HARDLINKED, 0, 1024, NULL},
        {"refuses_empty_path", EMPTY_PATH, 0, 1024, "path is empty"},
        {"reads_regular_file_for_editing", REGULAR, FILE_EDIT | FILE_SINGLE_LINK, 1024, NULL},
        {"refuses_symlink_for_editing", SYMLINK, FILE_EDIT, 1024, "is a symlink; refusing to follow it"},
        {"refuses_fifo_for_editing_without_hanging", FIFO, FILE_EDIT, 1024, "is not a regular file"},
        {"refuses_directory_for_editing", DIRECTORY, FILE_EDIT, 1024, "is not a regular file"},
        {"refuses_trailing_slash_for_editing", TRAILING_SLASH, FILE_EDIT, 1024, "is not a regular file"},
        {"refuses_hard_linked_file_for_editing", HARDLINKED, FILE_EDIT | FILE_SINGLE_LINK, 1024, "has 2 hard links"},
        {"refuses_file_over_limit_for_editing", REGULAR, FILE_EDIT, 4, "more than the limit of 4"},
        {"reports_missing_file_for_editing", MISSING, FILE_EDIT, 1024, "No such file or directory"},
        {"reports_missing_directory_for_editing", MISSING_DIR, FILE_EDIT, 1024, "cannot open the directory of"},
        {.name = "preview_reads_hard_linked_file_with_a_warning", .setup = HARDLINKED,
         .flags = FILE_EDIT | FILE_SINGLE_LINK | FILE_PREVIEW, .max = 1024,
         .warning = "a real run would refuse this file and exit 2: domain XML '/tmp/test-fileio-"},
        {.name = "preview_warning_names_the_hard_links", .setup = HARDLINKED,
         .flags = FILE_EDIT | FILE_SINGLE_LINK | FILE_PREVIEW, .max = 1024,
         .warning = "has 2 hard links; refusing to replace a file that is linked elsewhere"},
        {.name = "preview_of_a_replaceable_file_warns_of_nothing", .setup = REGULAR,
         .flags = FILE_EDIT | FILE_SINGLE_LINK | FILE_PREVIEW, .max = 1024},
        {.name = "preview_still_refuses_symlink", .setup = SYMLINK, .flags = FILE_EDIT | FILE_PREVIEW,
         .max = 1024, .error = "is a symlink; refusing to follow it"},
        {.name = "preview_still_refuses_fifo", .setup = FIFO, .flags = FILE_EDIT | FILE_PREVIEW, .max = 1024,
         .error = "is not a regular file"},
        {.name = "preview_still_refuses_file_over_limit", .setup = HARDLINKED,
         .flags = FILE_EDIT | FILE_SINGLE_LINK | FILE_PREVIEW, .max = 4, .error = "more than the limit of 4"},
};
/* clang-format on */

/* A read's outcome against a row's expected error (NULL: it must succeed); true when it failed as expected.
 */
static bool read_failed_as_expected(int r, const struct diag *d, const char *error) {
        if (error) {
                if (r >= 0)
                        fail_msg("read succeeded, expected \"%s\"", error);
                assert_contains(d->message, error);
                return true;
        }
        if (r < 0)
                fail_msg("read failed: %s", d->message);
        return false;
}

static void test_read_case(void **state) {
        const struct read_case *c = *state;
        char doc[512], path[512], other[512];
        struct file_data f;
        struct diag d;
        int r;

        path_in_dir(doc, sizeof(doc), "doc.xml");
        write_file(doc, "<domain/>", 0600);
        switch (c->setup) {
        case REGULAR:
                snprintf(path, sizeof(path), "%s", doc);
                break;
        case SYMLINK:
                path_in_dir(path, sizeof(path), "link.xml");
                assert_int_equal(symlink(doc, path), 0);
                break;
        case DANGLING:
                path_in_dir(path, sizeof(path), "dangling.xml");
                assert_int_equal(symlink("/nonexistent/x", path), 0);
                break;
        case FIFO:
                path_in_dir(path, sizeof(path), "fifo");
                assert_int_equal(mkfifo(path, 0600), 0);
                break;
        case DIRECTORY:
                path_in_dir(path, sizeof(path), "sub");
                assert_int_equal(mkdir(path, 0700), 0);
                break;
        case DEV_ZERO:
                snprintf(path, sizeof(path), "/dev/zero");
                break;
        case MISSING:
                path_in_dir(path, sizeof(path), "missing.xml");
                break;
        case HARDLINKED:
                snprintf(path, sizeof(path), "%s", doc);
                path_in_dir(other, sizeof(other), "other-name.xml");
                assert_int_equal(link(doc, other), 0);
                break;
        case EMPTY_PATH:
                path[0] = '\0';
                break;
        case TRAILING_SLASH:
                path_in_dir(path, sizeof(path), "sub/");
                assert_int_equal(mkdir(path, 0700), 0);
                break;
        case MISSING_DIR:
                path_in_dir(path, sizeof(path), "nonexistent/doc.xml");
                break;
        }

        diag_init(&d);
        r = file_read(path, "domain XML", c->max, c->flags, &f, &d);

        /* Clean the directory for the next row. */
        path_in_dir(other, sizeof(other), "other-name.xml");
        unlink(other);
        if (c->setup == DIRECTORY || c->setup == TRAILING_SLASH)
                rmdir(path);
        else if (c->setup != REGULAR && c->setup != DEV_ZERO && c->setup != HARDLINKED &&
                 c->setup != EMPTY_PATH && c->setup != MISSING_DIR)
                unlink(path);
        unlink(doc);

        if (read_failed_as_expected(r, &d, c->error))
                return;
        assert_int_equal(f.len, 9);
        assert_string_equal(f.data, "<domain/>");
        assert_int_equal(f.held, (c->flags & FILE_EDIT) != 0);
        assert_int_equal(d.n_warnings, c->warning ? 1 : 0);
        if (c->warning)
                assert_contains(d.warnings[0], c->warning);
        assert_int_equal(f.refused, c->warning != NULL);
        if (c->warning) {
                /* What a real run would refuse, a preview's read cannot replace either. */
                assert_true(file_replace(&f, "new", 3, &d) < 0);
                assert_contains(d.message, "not read for editing");
        }
        file_data_done(&f);
}

static size_t count_entries(void) {
        DIR *dp = opendir(dir);
        struct dirent *e;
        size_t n = 0;

        assert_non_null(dp);
        while ((e = readdir(dp)))
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                        n++;
        closedir(dp);
        return n;
}

static void assert_content(const char *path, const char *want) {
        struct file_data f;
        struct diag d;

        diag_init(&d);
        if (file_read(path, "x", 1024, 0, &f, &d) < 0)
                fail_msg("cannot read back %s: %s", path, d.message);
        assert_string_equal(f.data, want);
        file_data_done(&f);
}

/* What another writer does between the hook's read and its replace. */
enum meanwhile {
        NOTHING,
        RENAMED_OVER,     /* an editor's atomic save: a new inode under the name */
        WRITTEN_IN_PLACE, /* the same inode, longer */
        TOUCHED,          /* the same inode and size, another mtime */
        CHMODED,          /* only the ctime moves */
        REMOVED,
};

struct replace_case {
        const char *name;
        enum meanwhile meanwhile;
        const char *error;  /* part of the message, or NULL */
        const char *result; /* the file afterwards */
};

/* clang-format off */
static const struct replace_case replace_cases[] = {
        {"replace_writes_data_and_keeps_owner_group_mode", NOTHING, NULL, "new content"},
        {"replace_refuses_file_renamed_over_meanwhile", RENAMED_OVER, "changed while the hook ran", "other"},
        {"replace_refuses_file_written_in_place_meanwhile", WRITTEN_IN_PLACE, "changed while the hook ran", "old+"},
        {"replace_refuses_file_touched_meanwhile", TOUCHED, "changed while the hook ran", "old"},
        {"replace_refuses_file_chmodded_meanwhile", CHMODED, "changed while the hook ran", "old"},
        {"replace_refuses_file_removed_meanwhile", REMOVED, "changed while the hook ran", NULL},
};
/* clang-format on */

/* What file_replace() told a supervisor about its temporary, as the supervisor reads it. */
struct heard {
        bool creating, passed_dir, replacing, gone, replaced;
        dev_t dev;
        ino_t ino;
};

static struct heard reports_heard(int fd) {
        struct heard h = {0};
        struct watchdog_report r;
        int passed;

        while (watchdog_report_receive(fd, &r, &passed) > 0) {
                switch ((enum watchdog_report_kind) r.kind) {
                case WATCHDOG_REPORT_TEMP_CREATING:
                        h.creating = true;
                        h.passed_dir = passed >= 0;
                        assert_string_equal(r.target, "doc.xml");
                        assert_true(strncmp(r.temp, FILE_TEMP_PREFIX "doc.xml.", 14) == 0);
                        break;
                case WATCHDOG_REPORT_TEMP_REPLACING:
                        h.replacing = true;
                        h.dev = r.dev;
                        h.ino = r.ino;
                        break;
                case WATCHDOG_REPORT_TEMP_GONE:
                        h.gone = true;
                        h.replaced = r.replaced;
                        break;
                case WATCHDOG_REPORT_HOLD:
                case WATCHDOG_REPORT_SUCCEEDED:
                case WATCHDOG_REPORT_CPU_LIMIT:
                case WATCHDOG_REPORT_QUIET:
                        fail_msg("file_replace() reported %d", r.kind);
                }
                if (passed >= 0)
                        close(passed);
        }
        return h;
}

static void test_replace_case(void **state) {
        const struct replace_case *c = *state;
        char path[512], other[512];
        struct file_data f;
        struct stat before, after;
        struct heard heard;
        struct diag d;
        int fd, r, sv[2];

        path_in_dir(path, sizeof(path), "doc.xml");
        write_file(path, "old", 0640);
        /* As root, someone else's file: the replacement must get its owner back. */
        if (geteuid() == 0)
                assert_int_equal(chown(path, 65534, 65534), 0);
        assert_int_equal(stat(path, &before), 0);

        diag_init(&d);
        if (file_read(path, "domain XML", 1024, FILE_EDIT | FILE_SINGLE_LINK, &f, &d) < 0)
                fail_msg("read failed: %s", d.message);

        /* Past the filesystem's timestamp granularity, so that a change shows in mtime and ctime. */
        if (c->meanwhile != NOTHING)
                usleep(20000);
        switch (c->meanwhile) {
        case NOTHING:
                break;
        case RENAMED_OVER:
                path_in_dir(other, sizeof(other), "other.xml");
                write_file(other, "other", 0644);
                assert_int_equal(rename(other, path), 0);
                break;
        case WRITTEN_IN_PLACE:
                fd = open(path, O_WRONLY | O_APPEND);
                assert_true(fd >= 0);
                assert_int_equal(write(fd, "+", 1), 1);
                close(fd);
                break;
        case TOUCHED:
                assert_int_equal(
                        utimensat(AT_FDCWD, path,
                                (struct timespec[]){{.tv_sec = 1000000000}, {.tv_sec = 1000000000}}, 0),
                        0);
                break;
        case CHMODED:
                assert_int_equal(chmod(path, 0600), 0);
                break;
        case REMOVED:
                assert_int_equal(unlink(path), 0);
                break;
        }

        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        watchdog_report_to(sv[1]);
        r = file_replace(&f, "new content", 11, &d);
        watchdog_report_to(-1);
        file_data_done(&f);
        heard = reports_heard(sv[0]);
        close(sv[0]);
        close(sv[1]);

        /* A supervisor hears of the temporary, with its directory, before it exists, and of its end. */
        assert_true(heard.creating && heard.passed_dir && heard.gone);
        if (c->error) {
                if (r >= 0)
                        fail_msg("replace succeeded, expected \"%s\"", c->error);
                assert_contains(d.message, c->error);
                /* A supervisor that kills the worker now must say that the file is unchanged. */
                assert_false(heard.replaced);
        } else {
                if (r < 0)
                        fail_msg("replace failed: %s", d.message);
                /* ... and now must not; it can tell the rename by the identity it heard of before it. */
                assert_true(heard.replaced && heard.replacing);
                assert_int_equal(stat(path, &after), 0);
                assert_int_equal(after.st_dev, heard.dev);
                assert_int_equal(after.st_ino, heard.ino);
                assert_int_equal(after.st_mode, before.st_mode);
                assert_int_equal(after.st_uid, before.st_uid);
                assert_int_equal(after.st_gid, before.st_gid);
                assert_int_not_equal(after.st_ino, before.st_ino);
        }
        if (c->result) {
                assert_content(path, c->result);
                assert_int_equal(count_entries(), 1); /* no temporary left */
        } else {
                assert_int_equal(count_entries(), 0);
        }
        unlink(path);
}

static void test_replace_needs_a_read_for_editing(void **state) {
        char path[512];
        struct file_data f;
        struct diag d;

        (void) state;
        path_in_dir(path, sizeof(path), "doc.xml");
        write_file(path, "old", 0600);
        diag_init(&d);
        assert_int_equal(file_read(path, "x", 1024, FILE_NOFOLLOW, &f, &d), 0);
        assert_true(file_replace(&f, "new", 3, &d) < 0);
        assert_contains(d.message, "not read for editing");
        file_data_done(&f);
        assert_content(path, "old");
        assert_int_equal(count_entries(), 1);
        unlink(path);
}

/* The replacement has the original's extended attributes (here user ones; ACLs: fault-matrix.sh). */
static void test_replace_keeps_extended_attributes(void **state) {
        static const struct {
                const char *name, *value;
        } attrs[] = {{"user.vdsm.a", "kept"}, {"user.vdsm.empty", ""}, {"user.vdsm.b", "\x01\x02binary"}};
        char path[512], got[64];
        struct file_data f;
        struct diag d;

        (void) state;
        path_in_dir(path, sizeof(path), "attrs.xml");
        write_file(path, "old", 0640);
        for (size_t i = 0; i < ELEMENTSOF(attrs); i++)
                if (setxattr(path, attrs[i].name, attrs[i].value, strlen(attrs[i].value), 0) < 0) {
                        unlink(path);
                        skip(); /* a filesystem without user attributes */
                }
        diag_init(&d);
        assert_int_equal(file_read(path, "x", 1024, FILE_EDIT, &f, &d), 0);
        if (file_replace(&f, "new", 3, &d) < 0)
                fail_msg("replace failed: %s", d.message);
        file_data_done(&f);
        assert_content(path, "new");
        for (size_t i = 0; i < ELEMENTSOF(attrs); i++) {
                ssize_t n = getxattr(path, attrs[i].name, got, sizeof(got));

                if (n < 0)
                        fail_msg("%s lost: %s", attrs[i].name, strerror(errno));
                assert_int_equal(n, (ssize_t) strlen(attrs[i].value));
                assert_memory_equal(got, attrs[i].value, (size_t) n);
        }
        assert_int_equal(count_entries(), 1);
        unlink(path);
}

/* flock(LOCK_EX) from the read until file_data_done(), and only for editing. */
static void test_read_for_editing_holds_the_lock(void **state) {
        char path[512];
        struct file_data f;
        struct diag d;
        int fd;

        (void) state;
        path_in_dir(path, sizeof(path), "doc.xml");
        write_file(path, "old", 0600);
        fd = open(path, O_RDONLY);
        assert_true(fd >= 0);

        diag_init(&d);
        assert_int_equal(file_read(path, "x", 1024, FILE_NOFOLLOW, &f, &d), 0);
        file_data_done(&f);
        assert_int_equal(flock(fd, LOCK_SH | LOCK_NB), 0);
        assert_int_equal(flock(fd, LOCK_UN), 0);

        assert_int_equal(file_read(path, "x", 1024, FILE_EDIT, &f, &d), 0);
        assert_int_equal(flock(fd, LOCK_SH | LOCK_NB), -1);
        assert_int_equal(errno, EWOULDBLOCK);
        file_data_done(&f);
        assert_int_equal(flock(fd, LOCK_SH | LOCK_NB), 0);

        close(fd);
        unlink(path);
}

/*
 * Another instance holds the lock, then renames its result over the name:
 * the waiting read must read that result, not the inode it first opened.
 */
static void test_read_for_editing_waits_and_reads_the_lock_holders_result(void **state) {
        char path[512], next[512], c;
        struct file_data f;
        struct diag d;
        int ready[2], status;
        pid_t pid;

        (void) state;
        path_in_dir(path, sizeof(path), "doc.xml");
        path_in_dir(next, sizeof(next), "next.xml");
        write_file(path, "first", 0600);
        assert_int_equal(pipe(ready), 0);

        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                int fd = open(path, O_RDONLY);

                if (fd < 0 || flock(fd, LOCK_EX) < 0)
                        _exit(1);
                (void) !write(ready[1], "x", 1);
                usleep(300000);
                fd = open(next, O_WRONLY | O_CREAT | O_TRUNC, 0600);
                if (fd < 0 || write(fd, "second", 6) != 6 || rename(next, path) < 0)
                        _exit(1);
                _exit(0);
        }
        close(ready[1]);
        assert_int_equal(read(ready[0], &c, 1), 1);
        close(ready[0]);

        diag_init(&d);
        if (file_read(path, "x", 1024, FILE_EDIT, &f, &d) < 0)
                fail_msg("read failed: %s", d.message);
        assert_string_equal(f.data, "second");
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(file_replace(&f, "third", 5, &d), 0);
        file_data_done(&f);
        assert_content(path, "third");
        unlink(path);
}

/* Who may replace what: run as uid and gid 65534 (nobody), in a directory nobody may write. */
struct permission_case {
        const char *name;
        uid_t uid; /* the file's owner */
        gid_t gid;
        mode_t mode;
        bool setgid_dir; /* the directory is set-group-ID, group gid */
        const char *error;
        bool preview; /* FILE_PREVIEW: error is the one warning, the read succeeds, nothing is written */
};

/* clang-format off */
static const struct permission_case permission_cases[] = {
        {"nobody_replaces_own_file", 65534, 65534, 0640, false, NULL},
        {"nobody_keeps_group_from_setgid_directory", 65534, 0, 0644, true, NULL},
        /* The kernel drops a set-group-ID bit for a group the user is not in: seen only after fchmod(). */
        {"nobody_refuses_setgid_bit_it_cannot_keep", 65534, 0, 02644, true, "would be 65534:0 mode 0644, not 65534:0 mode 2644"},
        {"nobody_refuses_own_read_only_file", 65534, 65534, 0444, false, "is not writable by this user (uid 65534)"},
        {"nobody_refuses_roots_file_in_own_directory", 0, 0, 0644, false, "is not writable by this user (uid 65534)"},
        {"nobody_refuses_roots_world_writable_file", 0, 0, 0666, false, "belongs to uid 0; this user (uid 65534) cannot"},
        {"nobody_refuses_file_in_group_it_is_not_in", 65534, 0, 0664, false, "has group 0, which this user (uid 65534) is not in"},
        {.name = "nobody_previews_own_file_without_warning", .uid = 65534, .gid = 65534, .mode = 0640, .preview = true},
        {.name = "nobody_previews_roots_file_with_a_warning", .uid = 0, .gid = 0, .mode = 0644, .preview = true,
         .error = "a real run would refuse this file and exit 2: domain XML '/tmp/test-fileio-"},
        {.name = "nobody_preview_warning_says_why", .uid = 0, .gid = 0, .mode = 0644, .preview = true,
         .error = "is not writable by this user (uid 65534): Permission denied; refusing to replace it"},
        {.name = "nobody_previews_roots_world_writable_file_with_a_warning", .uid = 0, .gid = 0, .mode = 0666,
         .preview = true, .error = "belongs to uid 0; this user (uid 65534) cannot"},
        {.name = "nobody_previews_own_read_only_file_with_a_warning", .uid = 65534, .gid = 65534, .mode = 0444,
         .preview = true, .error = "is not writable by this user (uid 65534)"},
};
/* clang-format on */

static void test_permission_case(void **state) {
        const struct permission_case *c = *state;
        char sub[512], path[600], msg[DIAG_LINE_MAX] = "";
        struct stat before, after;
        int report[2], status;
        pid_t pid;

        if (geteuid() != 0)
                skip();
        path_in_dir(sub, sizeof(sub), "sub");
        snprintf(path, sizeof(path), "%s/doc.xml", sub);
        assert_int_equal(mkdir(sub, 0755), 0);
        assert_int_equal(chown(sub, 65534, c->setgid_dir ? c->gid : 65534), 0);
        assert_int_equal(chmod(sub, c->setgid_dir ? 02755 : 0755), 0);
        write_file(path, "old", c->mode);
        assert_int_equal(chown(path, c->uid, c->gid), 0);
        assert_int_equal(chmod(path, c->mode), 0);
        assert_int_equal(stat(path, &before), 0);
        /* The test directory is root's 0700: let nobody through to sub. */
        assert_int_equal(chmod(dir, 0711), 0);
        assert_int_equal(pipe(report), 0);

        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct file_data f;
                struct diag d;
                int r;

                if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
                        setresuid(65534, 65534, 65534) < 0)
                        _exit(3);
                diag_init(&d);
                r = file_read(path, "domain XML", 1024,
                        FILE_EDIT | FILE_SINGLE_LINK | (c->preview ? FILE_PREVIEW : 0), &f, &d);
                if (r >= 0 && c->preview) {
                        /* Read, and for a file a real run would refuse, one warning saying so. */
                        if (d.n_warnings > 0)
                                (void) !write(report[1], d.warnings[0], strlen(d.warnings[0]));
                        _exit(d.n_warnings == 1 && f.refused && strcmp(f.data, "old") == 0      ? 1
                                : d.n_warnings == 0 && !f.refused && strcmp(f.data, "old") == 0 ? 0
                                                                                                : 4);
                }
                if (r >= 0)
                        r = file_replace(&f, "new", 3, &d);
                (void) !write(report[1], d.message, strlen(d.message));
                _exit(r < 0 ? 1 : 0);
        }
        close(report[1]);
        (void) !read(report[0], msg, sizeof(msg) - 1);
        close(report[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(chmod(dir, 0700), 0);
        assert_true(WIFEXITED(status));

        assert_int_equal(stat(path, &after), 0);
        if (c->error) {
                if (WEXITSTATUS(status) != 1)
                        fail_msg("exit %d, expected a refusal \"%s\"", WEXITSTATUS(status), c->error);
                assert_contains(msg, c->error);
                assert_content(path, "old");
                assert_int_equal(after.st_ino, before.st_ino);
        } else {
                if (WEXITSTATUS(status) != 0)
                        fail_msg("exit %d: %s", WEXITSTATUS(status), msg);
                assert_content(path, c->preview ? "old" : "new");
        }
        assert_int_equal(after.st_uid, before.st_uid);
        assert_int_equal(after.st_gid, before.st_gid);
        assert_int_equal(after.st_mode, before.st_mode);

        unlink(path);
        assert_int_equal(rmdir(sub), 0); /* nothing else in it: no temporary left */
}

/* file_read_stream() on a pipe that a child fills with len bytes of a pattern, then closes. */
struct stream_case {
        const char *name;
        size_t len, max;
        bool nonblocking; /* the read end is O_NONBLOCK and the writer starts late: EAGAIN first */
        bool closed;      /* no descriptor at all */
        const char *error;
};

/* clang-format off */
static const struct stream_case stream_cases[] = {
        {.name = "stream_reads_a_pipe_to_its_end", .len = 9, .max = 1024},
        {.name = "stream_reads_more_than_its_first_buffer", .len = 200000, .max = 1 << 20},
        {.name = "stream_reads_exactly_max", .len = 100, .max = 100},
        {.name = "stream_refuses_one_byte_over_max", .len = 101, .max = 100,
         .error = "domain XML from standard input is more than the limit of 100 bytes"},
        {.name = "stream_refuses_far_over_max", .len = 300000, .max = 70000,
         .error = "more than the limit of 70000 bytes"},
        {.name = "stream_reads_nothing_as_empty", .len = 0, .max = 100},
        {.name = "stream_waits_on_a_nonblocking_pipe", .len = 9, .max = 1024, .nonblocking = true},
        {.name = "stream_reports_a_closed_descriptor", .closed = true, .max = 100,
         .error = "cannot read domain XML from standard input: Bad file descriptor"},
};
/* clang-format on */

static void test_stream_case(void **state) {
        const struct stream_case *c = *state;
        struct file_data f;
        struct diag d;
        int p[2] = {-1, -1}, status, r;
        pid_t pid = -1;

        if (!c->closed) {
                assert_int_equal(pipe(p), 0);
                if (c->nonblocking)
                        assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
                pid = fork();
                assert_true(pid >= 0);
                if (pid == 0) {
                        close(p[0]);
                        if (c->nonblocking)
                                usleep(50000);
                        char *data = malloc(c->len + 1);

                        for (size_t i = 0; data && i < c->len; i++)
                                data[i] = (char) ('a' + i % 26);
                        _exit(data && file_write_all(p[1], data, c->len) == 0 ? 0 : 1);
                }
                close(p[1]);
        }

        diag_init(&d);
        r = file_read_stream(p[0], "domain XML", "from standard input", c->max, &f, &d);
        if (!c->closed) {
                close(p[0]);
                assert_int_equal(waitpid(pid, &status, 0), pid);
        }

        if (read_failed_as_expected(r, &d, c->error))
                return;
        assert_int_equal(f.len, c->len);
        for (size_t i = 0; i < c->len; i++)
                assert_int_equal(f.data[i], 'a' + i % 26);
        assert_int_equal(f.data[c->len], '\0');
        assert_false(f.held);
        file_data_done(&f);
}

static int make_dir(void **state) {
        (void) state;
        return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state) {
        (void) state;
        return rmdir(dir);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, read_cases, test_read_case);
        UNIT_TABLE(&suite, replace_cases, test_replace_case);
        UNIT_TEST(&suite, test_replace_needs_a_read_for_editing);
        UNIT_TEST(&suite, test_replace_keeps_extended_attributes);
        UNIT_TEST(&suite, test_read_for_editing_holds_the_lock);
        UNIT_TEST(&suite, test_read_for_editing_waits_and_reads_the_lock_holders_result);
        UNIT_TABLE(&suite, permission_cases, test_permission_case);
        UNIT_TABLE(&suite, stream_cases, test_stream_case);
        return _cmocka_run_group_tests("fileio", suite.tests, suite.n, make_dir, remove_dir);
}
