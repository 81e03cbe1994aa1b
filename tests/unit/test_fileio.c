/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "unit.h"

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
};

struct read_case {
        const char *name;
        enum setup setup;
        unsigned flags;
        size_t max;
        const char *error; /* part of the message, or NULL */
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
};
/* clang-format on */

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
        }

        diag_init(&d);
        r = file_read(path, "domain XML", c->max, c->flags, &f, &d);

        /* Clean the directory for the next row. */
        path_in_dir(other, sizeof(other), "other-name.xml");
        unlink(other);
        if (c->setup == DIRECTORY)
                rmdir(path);
        else if (c->setup != REGULAR && c->setup != DEV_ZERO && c->setup != HARDLINKED &&
                 c->setup != EMPTY_PATH)
                unlink(path);
        unlink(doc);

        if (c->error) {
                if (r >= 0)
                        fail_msg("read succeeded, expected \"%s\"", c->error);
                assert_contains(d.message, c->error);
                return;
        }
        if (r < 0)
                fail_msg("read failed: %s", d.message);
        assert_int_equal(f.len, 9);
        assert_string_equal(f.data, "<domain/>");
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

static void test_replace_keeps_mode_and_leaves_no_temp(void **state) {
        char path[512];
        struct file_data f;
        struct stat before, after;
        struct diag d;

        (void) state;
        path_in_dir(path, sizeof(path), "doc.xml");
        write_file(path, "old", 0640);
        assert_int_equal(stat(path, &before), 0);

        diag_init(&d);
        assert_int_equal(file_replace(path, &before, "new content", 11, &d), 0);
        assert_int_equal(stat(path, &after), 0);
        assert_int_equal(after.st_mode & 07777, 0640);
        assert_int_equal(after.st_uid, before.st_uid);
        assert_int_equal(count_entries(), 1);

        assert_int_equal(file_read(path, "x", 1024, 0, &f, &d), 0);
        assert_string_equal(f.data, "new content");
        file_data_done(&f);
        unlink(path);
}

/* rename() onto a directory fails: the temporary goes, the target stays. */
static void test_replace_failure_removes_temp(void **state) {
        char path[512], inside[600];
        struct stat st;
        struct diag d;

        (void) state;
        path_in_dir(path, sizeof(path), "target");
        assert_int_equal(mkdir(path, 0700), 0);
        snprintf(inside, sizeof(inside), "%s/keep", path);
        write_file(inside, "x", 0600);
        assert_int_equal(stat(path, &st), 0);

        diag_init(&d);
        assert_true(file_replace(path, &st, "data", 4, &d) < 0);
        assert_contains(d.message, "cannot replace domain XML");
        assert_int_equal(count_entries(), 1);
        assert_int_equal(stat(inside, &st), 0);

        unlink(inside);
        rmdir(path);
}

static void test_replace_reports_missing_directory(void **state) {
        struct stat st = {.st_mode = 0600};
        struct diag d;

        (void) state;
        diag_init(&d);
        assert_true(file_replace("/nonexistent-dir/doc.xml", &st, "x", 1, &d) < 0);
        assert_contains(d.message, "cannot create a temporary file for");
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
        UNIT_TEST(&suite, test_replace_keeps_mode_and_leaves_no_temp);
        UNIT_TEST(&suite, test_replace_failure_removes_temp);
        UNIT_TEST(&suite, test_replace_reports_missing_directory);
        return _cmocka_run_group_tests("fileio", suite.tests, suite.n, make_dir, remove_dir);
}
