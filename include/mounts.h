/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Where a file lies, told without touching it: a lookup, stat() or
 * statfs() on a hung NFS or FUSE server would itself stall, so the mount
 * table (/proc/self/mountinfo, which the kernel writes from what it has)
 * decides, and lstat() only ever looks inside a directory already known
 * to be local.
 */

/*
 * Whether no read, write or rename of the files at paths (NULL entries
 * skipped) can wait in the kernel on a server or a daemon: each lies,
 * through directories none of which is a symlink and with no "." or ".."
 * in its path, on tmpfs, ramfs, ext2/3/4, xfs, btrfs or overlayfs. Anything
 * else, or any doubt (an unreadable or huge mount table), is false.
 */
bool mounts_paths_cannot_stall(const char *const *paths, size_t n_paths);

/*
 * The same for one path against the mount table text mountinfo (in the
 * format of /proc/self/mountinfo); the path is made absolute against the
 * working directory. mounts_paths_cannot_stall() reads the table once for
 * all its paths. Public for test_mounts.c, which gives its own tables.
 */
bool mounts_path_cannot_stall(const char *mountinfo, const char *path);
