/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hook against its floors, run as VDSM runs hooks: a fresh copy of
 * the domain XML for every run, fork/exec with numa and _hook_domxml in
 * the environment, wait4() for the CPU time and the peak RSS. Runs of the
 * hook, floor_io and floor_lib alternate, since these machines are noisy;
 * medians and ratios are what to quote.
 *
 *   bench [--quick] [--runs N] HOOK FLOOR_IO FLOOR_LIB GEN_DOMAIN WORKDIR
 *
 * --quick runs each case once on small inputs and checks the results: the
 * functional test of the benchmark, with no timing assertion.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { HOOK, FLOOR_IO, FLOOR_LIB, N_PROGRAMS };
static const char *const program_names[N_PROGRAMS] = {"hook", "floor_io", "floor_lib"};

struct sample {
        double wall_ms, cpu_ms, rss_mib;
};

struct bench_case {
        const char *name;
        unsigned long disks, quick_disks;
        int runs;
        char input[4096];
        off_t size;
        struct sample *samples[N_PROGRAMS];
        struct sample median[N_PROGRAMS];
};

static double now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int copy_file(const char *from, const char *to) {
        static char buf[1 << 20];
        int in = open(from, O_RDONLY | O_CLOEXEC), out;
        ssize_t n;

        if (in < 0)
                return -1;
        out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out < 0) {
                close(in);
                return -1;
        }
        while ((n = read(in, buf, sizeof(buf))) > 0)
                if (write(out, buf, (size_t) n) != n) {
                        n = -1;
                        break;
                }
        close(in);
        return close(out) < 0 || n < 0 ? -1 : 0;
}

/* One run of one program on a fresh copy; the copy is left for checking. */
static int run_once(const char *program, const char *input, const char *copy, struct sample *ret) {
        struct rusage ru;
        double t0, t1;
        int status;
        pid_t pid;

        if (copy_file(input, copy) < 0)
                return -1;

        t0 = now_ms();
        pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                int devnull = open("/dev/null", O_WRONLY);

                if (devnull >= 0) {
                        dup2(devnull, STDOUT_FILENO);
                        dup2(devnull, STDERR_FILENO);
                }
                setenv("numa", "strict:0", 1);
                setenv("_hook_domxml", copy, 1);
                setenv("vmId", "2a1c7d44-3b1e-4f6a-9c8d-0e5f4a3b2c1d", 1);
                execl(program, program, (char *) NULL);
                _exit(127);
        }
        if (wait4(pid, &status, 0, &ru) < 0)
                return -1;
        t1 = now_ms();

        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "bench: %s failed on %s (status %d)\n", program, copy, status);
                return -1;
        }
        ret->wall_ms = t1 - t0;
        ret->cpu_ms = (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                      (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
        ret->rss_mib = (double) ru.ru_maxrss / 1024.0;
        return 0;
}

/*
 * The claims ledger's run directory, on a tmpfs as /run is on a host (so
 * the hook pays its lock and small file as it would there): under
 * /dev/shm, else in workdir. Named to the hook by VDSM_HOOK_NUMA_RUN_DIR.
 */
static char run_dir[4200];

static void run_dir_make(const char *workdir) {
        snprintf(run_dir, sizeof(run_dir), "/dev/shm/vdsm-hook-numa-bench-XXXXXX");
        if (!mkdtemp(run_dir)) {
                snprintf(run_dir, sizeof(run_dir), "%s/run", workdir);
                mkdir(run_dir, 0700);
        }
        setenv("VDSM_HOOK_NUMA_RUN_DIR", run_dir, 1);
}

static void run_dir_remove(void) {
        static const char *const files[] = {"claims", "claims.lock", "claims.tmp"};
        char path[4300];

        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                snprintf(path, sizeof(path), "%s/%s", run_dir, files[i]);
                unlink(path);
        }
        rmdir(run_dir);
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return (x > y) - (x < y);
}

static double median(const struct sample *s, int n, size_t field) {
        double *v = malloc((size_t) n * sizeof(*v)), m;

        if (!v)
                abort();
        for (int i = 0; i < n; i++)
                v[i] = *(const double *) ((const char *) &s[i] + field);
        qsort(v, (size_t) n, sizeof(*v), cmp_double);
        m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        free(v);
        return m;
}

static bool contains(const char *path, const char *needle) {
        FILE *f = fopen(path, "r");
        char line[4096];
        bool found = false;

        if (!f)
                return false;
        while (!found && fgets(line, sizeof(line), f))
                found = strstr(line, needle) != NULL;
        fclose(f);
        return found;
}

static const char *verdict(double value, double limit) {
        return value <= limit ? "met" : "MISSED";
}

int main(int argc, char *argv[]) {
        struct bench_case cases[] = {
                {.name = "typical", .disks = 18, .quick_disks = 18, .runs = 41},
                {.name = "5 MB", .disks = 20000, .quick_disks = 200, .runs = 15},
                {.name = "50 MB", .disks = 200000, .quick_disks = 400, .runs = 5},
        };
        const char *programs[N_PROGRAMS], *gen, *workdir;
        bool quick = false;
        int runs_override = 0, argi = 1;

        while (argi < argc && strncmp(argv[argi], "--", 2) == 0) {
                if (strcmp(argv[argi], "--quick") == 0)
                        quick = true;
                else if (strcmp(argv[argi], "--runs") == 0 && argi + 1 < argc)
                        runs_override = atoi(argv[++argi]);
                argi++;
        }
        if (argc - argi != 5) {
                fprintf(stderr,
                        "usage: bench [--quick] [--runs N] HOOK FLOOR_IO FLOOR_LIB GEN_DOMAIN WORKDIR\n");
                return 64;
        }
        programs[HOOK] = argv[argi];
        programs[FLOOR_IO] = argv[argi + 1];
        programs[FLOOR_LIB] = argv[argi + 2];
        gen = argv[argi + 3];
        workdir = argv[argi + 4];
        mkdir(workdir, 0700);
        run_dir_make(workdir);
        atexit(run_dir_remove);

        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                struct bench_case *bc = &cases[c];
                char cmd[8192], copy[4200];
                struct stat st;

                if (quick)
                        bc->runs = 1;
                else if (runs_override > 0)
                        bc->runs = runs_override;
                snprintf(bc->input, sizeof(bc->input), "%s/input-%zu.xml", workdir, c);
                snprintf(cmd, sizeof(cmd), "'%s' %lu '%s'", gen, quick ? bc->quick_disks : bc->disks,
                        bc->input);
                if (system(cmd) != 0 || stat(bc->input, &st) < 0) {
                        fprintf(stderr, "bench: cannot generate %s\n", bc->input);
                        return 1;
                }
                bc->size = st.st_size;

                for (int p = 0; p < N_PROGRAMS; p++) {
                        bc->samples[p] = calloc((size_t) bc->runs, sizeof(struct sample));
                        if (!bc->samples[p])
                                return 1;
                }
                /* Interleaved, with the order rotating, so drift hits every program alike. */
                for (int r = 0; r < bc->runs; r++)
                        for (int k = 0; k < N_PROGRAMS; k++) {
                                int p = (r + k) % N_PROGRAMS;

                                snprintf(copy, sizeof(copy), "%s/run-%zu-%s.xml", workdir, c,
                                        program_names[p]);
                                if (run_once(programs[p], bc->input, copy, &bc->samples[p][r]) < 0)
                                        return 1;
                                if (!contains(copy, "<numatune>")) {
                                        fprintf(stderr, "bench: %s left no <numatune> in %s\n",
                                                program_names[p], copy);
                                        return 1;
                                }
                        }
                for (int p = 0; p < N_PROGRAMS; p++) {
                        bc->median[p].wall_ms =
                                median(bc->samples[p], bc->runs, offsetof(struct sample, wall_ms));
                        bc->median[p].cpu_ms =
                                median(bc->samples[p], bc->runs, offsetof(struct sample, cpu_ms));
                        bc->median[p].rss_mib =
                                median(bc->samples[p], bc->runs, offsetof(struct sample, rss_mib));
                        free(bc->samples[p]);
                }
        }

        printf("%-8s %11s %-10s %5s %10s %10s %12s\n", "case", "input", "program", "runs", "wall ms",
                "cpu ms", "peak RSS MiB");
        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
                for (int p = 0; p < N_PROGRAMS; p++)
                        printf("%-8s %11jd %-10s %5d %10.2f %10.2f %12.1f\n", cases[c].name,
                                (intmax_t) cases[c].size, program_names[p], cases[c].runs,
                                cases[c].median[p].wall_ms, cases[c].median[p].cpu_ms,
                                cases[c].median[p].rss_mib);

        if (quick) {
                printf("bench: 3 passed, 0 failed (quick functional run; no timing judged)\n");
                return 0;
        }

        double typical = cases[0].median[HOOK].wall_ms / cases[0].median[FLOOR_LIB].wall_ms;
        double five = cases[1].median[HOOK].wall_ms / cases[1].median[FLOOR_IO].wall_ms;
        double rss = cases[1].median[HOOK].rss_mib,
               rss_limit = 3.0 * (double) cases[1].size / 1048576.0 + 8.0;
        double linear = cases[2].median[HOOK].wall_ms / cases[1].median[HOOK].wall_ms;

        printf("\ntarget                              value     limit  verdict\n");
        printf("typical: hook / floor_lib wall    %7.2f   <= 1.25  %s\n", typical, verdict(typical, 1.25));
        printf("5 MB: hook / floor_io wall        %7.2f   <= 4     %s\n", five, verdict(five, 4));
        printf("5 MB: hook peak RSS (MiB)         %7.1f   <= %-5.1f %s\n", rss, rss_limit,
                verdict(rss, rss_limit));
        printf("50 MB / 5 MB hook wall            %7.2f   <= 11    %s\n", linear, verdict(linear, 11));
        return 0;
}
