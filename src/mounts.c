/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tells from the mount table, without touching a file, whether reaching it could stall on a server. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "mounts.h"

#define MOUNTINFO "/proc/self/mountinfo"
/*
 * Larger tables (a few hundred mounts and more) are not read: such a run
 * is supervised. The kernel takes about 0.5 us a mount to write the table
 * and the judgment reads it once for each directory of each path, so past
 * this it costs more than the second process it would spare (~0.45 ms);
 * at 256 KiB it cost some 4 ms.
 */
#define MOUNTINFO_MAX (32 * 1024)

/*
 * Filesystems whose reads and writes wait on local memory or disks only,
 * never on a server or a daemon. devtmpfs is /dev, which a path to
 * /dev/shm (tmpfs) passes through; its device nodes are no regular files,
 * which the walk refuses on their own.
 */
static bool type_cannot_stall(const char *type, size_t len) {
        static const char *const local[] = {
                "tmpfs", "ramfs", "devtmpfs", "ext2", "ext3", "ext4", "xfs", "btrfs", "overlay"};

        for (size_t i = 0; i < ELEMENTSOF(local); i++)
                if (strlen(local[i]) == len && memcmp(local[i], type, len) == 0)
                        return true;
        return false;
}

/* Where the word at p (before end) ends: at a space, or at end. */
static const char *word_end(const char *p, const char *end) {
        const char *space = memchr(p, ' ', (size_t) (end - p));

        return space ? space : end;
}

/* The nth (from 0) space-separated field of line (ending at end), or NULL. */
static const char *field(const char *line, const char *end, unsigned n, size_t *ret_len) {
        const char *p = line;

        for (; n > 0; n--) {
                p = memchr(p, ' ', (size_t) (end - p));
                if (!p)
                        return NULL;
                p++;
        }
        *ret_len = (size_t) (word_end(p, end) - p);
        return p;
}

static bool is_octal(char c) {
        return c >= '0' && c <= '7';
}

/* Whether mount point m (len bytes, octal escapes as the kernel writes them: \040 for a space) covers path.
 */
static bool point_covers(const char *m, size_t len, const char *path) {
        size_t i = 0;

        if (len == 1 && m[0] == '/')
                return path[0] == '/';
        for (size_t j = 0; j < len; j++, i++) {
                char c = m[j];

                if (c == '\\' && len - j > 3 && is_octal(m[j + 1]) && is_octal(m[j + 2]) &&
                        is_octal(m[j + 3])) {
                        c = (char) (((m[j + 1] - '0') << 6) | ((m[j + 2] - '0') << 3) | (m[j + 3] - '0'));
                        j += 3;
                }
                if (path[i] != c)
                        return false;
        }
        return path[i] == '\0' || path[i] == '/';
}

/* What the judgment needs of one mountinfo line: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE
 * ...". */
struct mount_line {
        unsigned long id, parent;
        const char *point, *type;
        size_t point_len, type_len;
};

/* Parses the line from line to end (its '\n' or the table's end); false for a malformed one. */
static bool mount_line_parse(const char *line, const char *end, struct mount_line *ret) {
        const char *parent, *sep;
        struct mount_line m;
        size_t len;

        parent = field(line, end, 1, &len);
        m.point = field(line, end, 4, &m.point_len);
        sep = m.point ? memmem(m.point, (size_t) (end - m.point), " - ", 3) : NULL;
        if (!sep)
                return false;
        m.id = strtoul(line, NULL, 10);
        m.parent = strtoul(parent, NULL, 10);
        m.type = sep + 3;
        m.type_len = (size_t) (word_end(m.type, end) - m.type);
        *ret = m;
        return true;
}

/* Whether another mount sits on top of m, at the same point (its child there). */
static bool mount_is_covered(const char *mountinfo, const struct mount_line *m) {
        for (const char *line = mountinfo; *line;) {
                const char *end = strchrnul(line, '\n');
                struct mount_line c;

                if (mount_line_parse(line, end, &c) && c.parent == m->id && c.point_len == m->point_len &&
                        memcmp(c.point, m->point, m->point_len) == 0)
                        return true;
                line = *end ? end + 1 : end;
        }
        return false;
}

/*
 * Whether the mount that holds absolute path is of a type that cannot
 * stall: the longest mount point covering it, and of several mounts there
 * the one on top, which is no other's parent (the order of the lines does
 * not tell: a mount made beneath another has the later id); of unrelated
 * ones, the later line.
 */
static bool mount_cannot_stall(const char *mountinfo, const char *path) {
        struct mount_line top = {0};
        bool found = false;

        for (const char *line = mountinfo; *line;) {
                const char *end = strchrnul(line, '\n');
                struct mount_line m;

                if (mount_line_parse(line, end, &m) && point_covers(m.point, m.point_len, path) &&
                        (!found || m.point_len > top.point_len ||
                                (m.point_len == top.point_len && !mount_is_covered(mountinfo, &m)))) {
                        found = true;
                        top = m;
                }
                line = *end ? end + 1 : end;
        }
        return found && type_cannot_stall(top.type, top.type_len);
}

bool mounts_path_cannot_stall(const char *mountinfo, const char *path) {
        char abs[PATH_MAX], prefix[PATH_MAX];
        size_t len = 0;
        const char *p;

        if (path[0] == '/')
                p = path;
        else {
                if (!getcwd(abs, sizeof(abs)) || strlen(abs) + 1 + strlen(path) >= sizeof(abs))
                        return false;
                strcat(strcat(abs, "/"), path);
                p = abs;
        }
        if (!mount_cannot_stall(mountinfo, "/"))
                return false;
        prefix[0] = '\0';
        while (*p) {
                size_t n;
                struct stat st;

                p += strspn(p, "/");
                n = strcspn(p, "/");
                if (n == 0)
                        break;
                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.') ||
                        len + 1 + n >= sizeof(prefix))
                        return false;
                prefix[len++] = '/';
                memcpy(prefix + len, p, n);
                len += n;
                prefix[len] = '\0';
                p += n;
                /* The mount first: lstat() of a mount point already asks the filesystem mounted there. */
                if (!mount_cannot_stall(mountinfo, prefix))
                        return false;
                /* A name that does not exist is opened and fails at once, where it lies. */
                if (lstat(prefix, &st) < 0)
                        return errno == ENOENT && p[strspn(p, "/")] == '\0';
                /* A symlink may lead anywhere; a device, FIFO or socket may block on whatever is behind it.
                 */
                if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
                        return false;
        }
        return true;
}

bool mounts_paths_cannot_stall(const char *const *paths, size_t n_paths) {
        _cleanup_free_ char *mountinfo = NULL;
        bool any = false;
        ssize_t n;

        for (size_t i = 0; i < n_paths; i++)
                any = any || paths[i];
        if (!any)
                return true;
        mountinfo = malloc(MOUNTINFO_MAX);
        if (!mountinfo)
                return false;
        n = file_read_small(MOUNTINFO, mountinfo, MOUNTINFO_MAX);
        if (n < 0)
                return false;
        for (size_t i = 0; i < n_paths; i++)
                if (paths[i] && !mounts_path_cannot_stall(mountinfo, paths[i]))
                        return false;
        return true;
}
