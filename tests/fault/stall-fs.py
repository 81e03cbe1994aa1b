#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A read-only FUSE filesystem whose reads stall in the kernel.

    stall-fs.py MOUNTPOINT FILE SECONDS LOG

Serves the bytes of FILE as MOUNTPOINT/<name of FILE>. Every read of it
appends "read" to LOG and sleeps SECONDS before it answers: the reading
process waits in the kernel for the answer (as for a hung NFS or FUSE
server), where no signal handler can run. LOG gets "mounted" once the
filesystem is up. Runs in the foreground until it is unmounted or killed.
Needs fusepy (Debian: python3-fusepy, whose module is "fusepy"; pip's is
"fuse") and /dev/fuse.
"""
import errno
import os
import stat
import sys
import time

try:
    from fusepy import FUSE, FuseOSError, Operations
except ImportError:
    from fuse import FUSE, FuseOSError, Operations


class StallFS(Operations):
    def __init__(self, source, seconds, log):
        with open(source, "rb") as f:
            self.data = f.read()
        self.name = "/" + os.path.basename(source)
        self.seconds = seconds
        self.log = log
        self.now = time.time()

    def note(self, what):
        with open(self.log, "a") as f:
            f.write(what + "\n")

    def init(self, path):
        self.note("mounted")

    def getattr(self, path, fh=None):
        common = {"st_uid": 0, "st_gid": 0, "st_atime": self.now, "st_mtime": self.now, "st_ctime": self.now}
        if path == "/":
            return dict(common, st_mode=stat.S_IFDIR | 0o755, st_nlink=2)
        if path == self.name:
            return dict(common, st_mode=stat.S_IFREG | 0o644, st_nlink=1, st_size=len(self.data))
        raise FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        return [".", "..", self.name[1:]]

    def open(self, path, flags):
        if path != self.name:
            raise FuseOSError(errno.ENOENT)
        return 0

    def read(self, path, size, offset, fh):
        self.note("read")
        time.sleep(self.seconds)
        return self.data[offset : offset + size]


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: stall-fs.py MOUNTPOINT FILE SECONDS LOG")
    mountpoint, source, seconds, log = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    # direct_io: every read goes to this process, none is answered from the page cache.
    FUSE(StallFS(source, seconds, log), mountpoint, foreground=True, nothreads=False, ro=True, direct_io=True)


if __name__ == "__main__":
    main()
