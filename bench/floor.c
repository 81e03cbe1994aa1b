/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floors the benchmark measures the hook against. floor_io: read
 * $_hook_domxml, splice a fixed <numatune> before the last </domain>, write
 * a temporary file and rename it over the original: exec plus I/O, no
 * libraries, no parsing. floor_lib (built with -DFLOOR_LIB): the same,
 * linked to libxml2 and libnuma and calling xmlCheckVersion() and
 * numa_available(), the least any hook built on them can cost.
 * Baselines, not the product: no error handling beyond an exit code.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef FLOOR_LIB
#include <libxml/parser.h>
#include <numa.h>
#endif

static const char markup[] = "  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n";

int main(void) {
        const char *path = getenv("_hook_domxml");
        char tmp[4096];
        struct stat st;
        char *buf;
        size_t got = 0, at;
        int fd;

#ifdef FLOOR_LIB
        xmlCheckVersion(LIBXML_VERSION);
        if (numa_available() < 0)
                return 2;
#endif
        if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)
                return 2;
        buf = malloc((size_t) st.st_size + 1);
        if (!buf)
                return 2;
        while (got < (size_t) st.st_size) {
                ssize_t n = read(fd, buf + got, (size_t) st.st_size - got);

                if (n <= 0)
                        return 2;
                got += (size_t) n;
        }
        close(fd);

        for (at = got; at >= 9 && memcmp(buf + at - 9, "</domain>", 9) != 0; at--)
                ;
        if (at < 9)
                return 2;
        at -= 9;

        snprintf(tmp, sizeof(tmp), "%s.floor-XXXXXX", path);
        fd = mkstemp(tmp);
        if (fd < 0)
                return 2;
        struct iovec iov[] = {
                {buf, at},
                {(void *) markup, sizeof(markup) - 1},
                {buf + at, got - at},
        };
        if (writev(fd, iov, 3) != (ssize_t) (got + sizeof(markup) - 1) || close(fd) < 0 ||
                rename(tmp, path) < 0)
                return 2;
        free(buf);
        return 0;
}
