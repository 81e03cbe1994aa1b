/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "unit.h"

/*
 * Each row: a mount table and a path, "@" standing for a scratch directory
 * that holds dir/file, dir/sub/, link -> dir/file and "with space/file";
 * the table's lines are made whole with "- TYPE src rw" from the row.
 */
struct mounts_case {
        const char *name;
        const char *table; /* "POINT TYPE" per line */
        const char *path;
        bool cannot_stall;
        bool relative; /* path relative to @, run from @ */
};

/* clang-format off */
static const struct mounts_case mounts_cases[] = {
        {.name = "local_root_existing_file", .table = "/ ext4", .path = "@/dir/file", .cannot_stall = true},
        {.name = "local_directory", .table = "/ ext4", .path = "@/dir", .cannot_stall = true},
        {.name = "fifo_may_block_on_its_writer", .table = "/ ext4", .path = "@/fifo", .cannot_stall = false},
        {.name = "through_devtmpfs_to_tmpfs", .table = "/ ext4\n@ devtmpfs\n@/dir tmpfs", .path = "@/dir/file", .cannot_stall = true},
        {.name = "local_root_missing_file_fails_fast", .table = "/ xfs", .path = "@/dir/nofile", .cannot_stall = true},
        {.name = "missing_directory_is_doubt", .table = "/ ext4", .path = "@/nodir/file", .cannot_stall = false},
        {.name = "nfs_root", .table = "/ nfs4", .path = "@/dir/file", .cannot_stall = false},
        {.name = "fuse_below", .table = "/ ext4\n@/dir fuse", .path = "@/dir/file", .cannot_stall = false},
        {.name = "fuse_at_the_path_itself", .table = "/ ext4\n@/dir/file fuse.sshfs", .path = "@/dir/file", .cannot_stall = false},
        {.name = "fuse_overmounted_by_tmpfs", .table = "/ ext4\n@/dir fuse\n@/dir tmpfs", .path = "@/dir/file", .cannot_stall = true},
        {.name = "tmpfs_overmounted_by_fuse", .table = "/ ext4\n@/dir tmpfs\n@/dir fuse", .path = "@/dir/file", .cannot_stall = false},
        {.name = "longest_point_wins", .table = "/ ext4\n@/dir/sub nfs\n@ tmpfs", .path = "@/dir/sub/x", .cannot_stall = false},
        {.name = "sibling_mount_does_not_cover", .table = "/ ext4\n@/dir/sub nfs", .path = "@/dir/file", .cannot_stall = true},
        {.name = "prefix_not_at_a_component", .table = "/ ext4\n@/di fuse", .path = "@/dir/file", .cannot_stall = true},
        {.name = "escaped_space_in_point", .table = "/ ext4\n@/with\\040space fuse", .path = "@/with space/file", .cannot_stall = false},
        {.name = "symlink_may_lead_anywhere", .table = "/ ext4", .path = "@/link", .cannot_stall = false},
        {.name = "dot_dot_is_doubt", .table = "/ ext4", .path = "@/dir/../dir/file", .cannot_stall = false},
        {.name = "dot_is_doubt", .table = "/ ext4", .path = "@/./dir/file", .cannot_stall = false},
        {.name = "double_slashes_are_one", .table = "/ ext4", .path = "@//dir//file", .cannot_stall = true},
        {.name = "relative_path_from_the_cwd", .table = "/ btrfs", .path = "dir/file", .cannot_stall = true, .relative = true},
        {.name = "relative_path_into_fuse", .table = "/ ext4\n@/dir fuse", .path = "dir/file", .cannot_stall = false, .relative = true},
        {.name = "overlay_root", .table = "/ overlay", .path = "@/dir/file", .cannot_stall = true},
        {.name = "tmpfs_root", .table = "/ tmpfs", .path = "@/dir/file", .cannot_stall = true},
        {.name = "autofs_triggers_a_mount", .table = "/ ext4\n@ autofs", .path = "@/dir/file", .cannot_stall = false},
        {.name = "type_prefix_is_not_the_type", .table = "/ ext4x", .path = "@/dir/file", .cannot_stall = false},
        {.name = "no_mount_covers", .table = "", .path = "@/dir/file", .cannot_stall = false},
};
/* clang-format on */

static char scratch[PATH_MAX];

/* Replaces each "@" in s with the scratch directory. */
static char *expand(const char *s) {
        char *out = malloc(strlen(s) * (strlen(scratch) + 1) + 1), *o = out;

        assert_non_null(out);
        for (; *s; s++)
                if (*s == '@')
                        o = stpcpy(o, scratch);
                else
                        *o++ = *s;
        *o = '\0';
        return out;
}

/* The row's table as the kernel writes it: "ID PARENT MAJ:MIN ROOT POINT OPTIONS OPTIONAL - TYPE SOURCE
 * SUPER". */
static char *mountinfo(const char *table) {
        char *t = expand(table), *out = malloc(strlen(t) * 2 + 256), *o = out;
        unsigned id = 20;

        assert_non_null(out);
        *o = '\0';
        for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
                char *type = strrchr(line, ' ');

                assert_non_null(type);
                *type++ = '\0';
                o += sprintf(o, "%u 1 0:%u / %s rw,relatime shared:%u - %s src rw\n", id, id, line, id, type);
                id++;
        }
        free(t);
        return out;
}

static void test_mounts_case(void **state) {
        const struct mounts_case *c = *state;
        char *table = mountinfo(c->table), *path = c->relative ? strdup(c->path) : expand(c->path);
        char cwd[PATH_MAX];

        assert_non_null(getcwd(cwd, sizeof(cwd)));
        if (c->relative)
                assert_int_equal(chdir(scratch), 0);
        assert_int_equal(mounts_path_cannot_stall(table, path), c->cannot_stall);
        assert_int_equal(chdir(cwd), 0);
        free(table);
        free(path);
}

/* A line the parser must skip: no " - " separator, or too few fields. */
static void test_malformed_lines_are_skipped(void **state) {
        char *path = expand("@/dir/file"), *table = expand("20 1 0:1 / @/dir rw shared:1 fuse src rw\n"
                                                           "21 1 0:2 /\n"
                                                           "22 1 0:3 / / rw - ext4 /dev/root rw\n");

        (void) state;
        assert_true(mounts_path_cannot_stall(table, path));
        free(table);
        free(path);
}

/*
 * Two mounts on one point, with the kernel's ids: the one on top is the
 * child of the other, whatever the order of the lines (a mount made
 * beneath another, or tucked under one by propagation, has the later id).
 */
struct stacked_case {
        const char *name;
        const char *table; /* whole mountinfo lines, "@" for the scratch directory */
        bool cannot_stall;
};

#define STACK_ROOT "22 1 0:3 / / rw - ext4 /dev/root rw\n"

/* clang-format off */
static const struct stacked_case stacked_cases[] = {
        {"stacked_later_child_on_top", STACK_ROOT "30 22 0:4 / @/dir rw - tmpfs t rw\n31 30 0:5 / @/dir rw - fuse f rw\n",
                false},
        {"stacked_fuse_over_a_tmpfs_mounted_beneath", STACK_ROOT "30 31 0:4 / @/dir rw - fuse f rw\n"
                "31 22 0:5 / @/dir rw - tmpfs t rw\n", false},
        {"stacked_tmpfs_over_a_fuse_mounted_beneath", STACK_ROOT "30 31 0:4 / @/dir rw - tmpfs t rw\n"
                "31 22 0:5 / @/dir rw - fuse f rw\n", true},
};
/* clang-format on */

static void test_stacked_case(void **state) {
        const struct stacked_case *c = *state;
        char *path = expand("@/dir/file"), *table = expand(c->table);

        assert_int_equal(mounts_path_cannot_stall(table, path), c->cannot_stall);
        free(table);
        free(path);
}

/* Nothing to open (standard input): nothing can stall. */
static void test_no_paths(void **state) {
        (void) state;
        assert_true(mounts_paths_cannot_stall((const char *const[]){NULL, NULL}, 2));
        assert_true(mounts_paths_cannot_stall(NULL, 0));
}

static int scratch_setup(void) {
        const char *tmp = getenv("TMPDIR");
        char p[PATH_MAX + 64];
        FILE *f;

        snprintf(scratch, sizeof(scratch), "%s/test-mounts-XXXXXX", tmp ? tmp : "/tmp");
        if (!mkdtemp(scratch))
                return -1;
        snprintf(p, sizeof(p), "%s/dir", scratch);
        mkdir(p, 0700);
        snprintf(p, sizeof(p), "%s/dir/sub", scratch);
        mkdir(p, 0700);
        snprintf(p, sizeof(p), "%s/with space", scratch);
        mkdir(p, 0700);
        snprintf(p, sizeof(p), "%s/dir/file", scratch);
        f = fopen(p, "w");
        if (!f)
                return -1;
        fclose(f);
        snprintf(p, sizeof(p), "%s/fifo", scratch);
        if (mkfifo(p, 0600) < 0)
                return -1;
        snprintf(p, sizeof(p), "%s/link", scratch);
        return symlink("dir/file", p);
}

static void scratch_teardown(void) {
        char cmd[PATH_MAX + 16];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
        (void) !system(cmd);
}

int main(void) {
        static struct unit_suite suite;
        int r;

        if (scratch_setup() < 0) {
                fprintf(stderr, "cannot set up %s: %s\n", scratch, strerror(errno));
                return 1;
        }
        UNIT_TABLE(&suite, mounts_cases, test_mounts_case);
        UNIT_TABLE(&suite, stacked_cases, test_stacked_case);
        UNIT_TEST(&suite, test_malformed_lines_are_skipped);
        UNIT_TEST(&suite, test_no_paths);
        r = UNIT_RUN(&suite, "mounts");
        scratch_teardown();
        return r;
}
