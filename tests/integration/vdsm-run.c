/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a hooks directory the way VDSM runs before_vm_start: copy the domain
 * XML to a private 0600 temporary file, put the custom properties, vmId and
 * _hook_domxml in the environment, run every executable in the directory
 * in sorted order, stop the chain at exit code 2, and read the file back by
 * path.
 *
 *   vdsm-run HOOKS_DIR FIXTURE OUTPUT [NAME=VALUE]...
 *
 * Writes the file as read back to OUTPUT, passes the hooks' stderr through,
 * prints "HOOK exit N" for each hook run on stdout, and exits with the
 * largest exit code any hook returned (0 when all succeeded).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int copy_file(const char *from, int to_fd) {
        char buf[65536];
        int fd = open(from, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                if (write(to_fd, buf, (size_t) n) != n) {
                        close(fd);
                        return -EIO;
                }
        close(fd);
        return n < 0 ? -EIO : 0;
}

static int is_executable_file(const char *dir, const struct dirent *e) {
        char path[4096];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int run_hook(const char *path) {
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return -errno;
        if (pid == 0) {
                execl(path, path, (char *) NULL);
                fprintf(stderr, "vdsm-run: cannot run %s: %s\n", path, strerror(errno));
                _exit(127);
        }
        if (waitpid(pid, &status, 0) < 0)
                return -errno;
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return WEXITSTATUS(status);
}

int main(int argc, char *argv[]) {
        const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        char domxml[4096];
        struct dirent **entries;
        int n, fd, worst = 0;
        FILE *out;

        if (argc < 4) {
                fprintf(stderr, "usage: vdsm-run HOOKS_DIR FIXTURE OUTPUT [NAME=VALUE]...\n");
                return 64;
        }

        snprintf(domxml, sizeof(domxml), "%s/vdsm-domxml-XXXXXX", tmpdir);
        fd = mkstemp(domxml); /* 0600, like VDSM's temporary file */
        if (fd < 0 || copy_file(argv[2], fd) < 0 || close(fd) < 0) {
                fprintf(stderr, "vdsm-run: cannot copy %s\n", argv[2]);
                return 64;
        }

        for (int i = 4; i < argc; i++)
                if (putenv(argv[i]) != 0)
                        return 64;
        setenv("vmId", "6b8a2b49-5f1e-4a8a-9a7e-6f3b8a1c2d3e", 1);
        setenv("_hook_domxml", domxml, 1);

        n = scandir(argv[1], &entries, NULL, alphasort);
        if (n < 0) {
                fprintf(stderr, "vdsm-run: cannot list %s\n", argv[1]);
                unlink(domxml);
                return 64;
        }
        for (int i = 0; i < n; i++) {
                char path[4096];
                int rc;

                if (worst == 2 || !is_executable_file(argv[1], entries[i])) {
                        free(entries[i]);
                        continue;
                }
                snprintf(path, sizeof(path), "%s/%s", argv[1], entries[i]->d_name);
                fflush(stdout);
                rc = run_hook(path);
                printf("%s exit %d\n", entries[i]->d_name, rc);
                if (rc > worst)
                        worst = rc;
                free(entries[i]);
        }
        free(entries);

        /* VDSM reads the domain XML back by path, whatever the hooks did to the inode. */
        out = fopen(argv[3], "w");
        if (!out) {
                unlink(domxml);
                return 64;
        }
        fd = open(domxml, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                char buf[65536];
                ssize_t k;

                while ((k = read(fd, buf, sizeof(buf))) > 0)
                        fwrite(buf, 1, (size_t) k, out);
                close(fd);
        }
        fclose(out);
        unlink(domxml);
        return worst;
}
