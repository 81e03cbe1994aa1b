/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vdsm-hook-numa: VDSM hook that binds a VM's memory to host NUMA nodes at
 * before_vm_start and checks the <numatune> another host resolved at
 * before_vm_migrate_destination and before_vm_dehibernate, and removes the VM's claim at the after_*
 * points. This file is the command line: options and environment in, one run, messages and the exit code
 * out.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ascii.h"
#include "config.h"
#include "diag.h"
#include "fileio.h"
#include "hook.h"
#include "ledger.h"
#include "macro.h"
#include "report.h"
#include "spec.h"
#include "watchdog.h"

static void help(void) {
        printf("Usage: %s [OPTION]...\n"
               "\n"
               "VDSM hook that binds a VM's memory to host NUMA nodes. What it does depends on\n"
               "the hook point, taken from the directory it runs from (or --hook-point):\n"
               "  before_vm_start                adds <numatune><memory mode=... nodeset=.../>\n"
               "                                 (and <memnode>s) to the domain XML\n"
               "  before_vm_migrate_destination  only checks the incoming <numatune> against\n"
               "                                 this host; <memnode> misfits are warnings\n"
               "  before_vm_dehibernate          only checks the saved <numatune> a restore\n"
               "                                 uses against this host\n"
               "  after_vm_start, after_vm_migrate_destination, after_vm_dehibernate,\n"
               "  after_vm_destroy               only remove the VM's claim (by its <uuid>)\n"
               "                                 from the claims ledger; always exit 0, silent\n"
               "The check-only points ignore numa and numa_memnode and never write the file.\n"
               "The before_* points record the VM's claim (its bound memory per node) in the\n"
               "claims ledger and count other VMs' claims as not free; --capabilities skips it.\n"
               "A claim ends at the VM's after_* point, or after 120 s at the latest.\n"
               "From another before_* or after_* directory it refuses to run; from anywhere\n"
               "else (a build tree, by hand) it acts as before_vm_start.\n"
               "\n"
               "  --numa SPEC           the spec, instead of the 'numa' custom property\n"
               "  --numa-memnode SPECS  guest cell bindings, instead of 'numa_memnode'\n"
               "  --domxml FILE         the domain XML, instead of $_hook_domxml; '-' reads it\n"
               "                        from standard input (only with --dry-run)\n"
               "  --capabilities FILE   take the topology from `virsh capabilities` XML\n"
               "  --dry-run             print the resulting XML to stdout, change nothing; where a\n"
               "                        real run would refuse to replace the file, warn; reads\n"
               "                        the claims ledger but records no claim\n"
               "  --topology            print the host topology as the hook sees it: nodes,\n"
               "                        memory total/free, CPUs, huge pages, the distance\n"
               "                        matrix, each node's memory tier and, where the kernel\n"
               "                        gives them (HMAT), its read latency and bandwidth\n"
               "                        (only --capabilities goes with it)\n"
               "  --hook-point NAME     one of the points above; default: the directory the\n"
               "                        hook runs from\n"
               "  --run-dir DIR         the claims ledger's directory, instead of\n"
               "                        $" LEDGER_RUN_DIR_ENV " or " LEDGER_RUN_DIR "; missing\n"
               "                        or unwritable: one warning, no claims\n"
               "  -h, --help            show this help\n"
               "  --version             show the version\n"
               "Each option at most once; --help and --version take no other; --numa and\n"
               "--numa-memnode no --hook-point but before_vm_start.\n"
               "\n"
               "SPEC is MODE[:auto|:fit|:NODESET]; MODE is strict, preferred, interleave or\n"
               "restrictive; NODESET is items N, N-M or ^N (exclude), e.g. 'strict:0-3,^2'.\n"
               "'fit' lets the hook choose the nodes at before_vm_start from what each node\n"
               "offers now (free memory, or free huge pages of the VM's size, less other VMs'\n"
               "claims), its memory tier, the pinned CPUs and PCI devices, and the node\n"
               "distances; the domain XML gets the plain nodeset, the success line says why.\n"
               "It chooses in the fastest memory tier, and in a slower one (with a warning)\n"
               "only when the faster cannot hold the memory. A <memory> (or <memnode>) already\n"
               "in the domain with the spec's mode is kept when it passes an explicit nodeset's\n"
               "checks: too little free memory there is a warning, not a reason to move.\n"
               "An explicit strict, restrictive or preferred binding whose nodes all lie in a\n"
               "slower memory tier than the fastest one with memory gets a warning.\n"
               "SPECS is CELL=MODE:NODESET or CELL=MODE:fit entries separated by spaces, e.g.\n"
               "'0=strict:0 1=strict:fit', or MODE:fit alone for every guest cell.\n"
               "Environment: numa (or numaset), numa_memnode, _hook_domxml, " LEDGER_RUN_DIR_ENV ".\n"
               "Exit status: 0 done or nothing to do, 2 failed (the domain XML is unchanged).\n",
                program_invocation_short_name);
}

/* The parser ignores whitespace around a value, so 'strict:0' and 'strict:0 ' say the same. */
static bool same_trimmed(const char *a, const char *b) {
        size_t la, lb;

        while (ascii_is_space(*a))
                a++;
        while (ascii_is_space(*b))
                b++;
        for (la = strlen(a); la > 0 && ascii_is_space(a[la - 1]); la--)
                ;
        for (lb = strlen(b); lb > 0 && ascii_is_space(b[lb - 1]); lb--)
                ;
        return la == lb && memcmp(a, b, la) == 0;
}

/* 'numa' is the property; 'numaset' is the name the RHV admin guide's example used. */
static int spec_from_environment(const char **ret, struct diag *d) {
        const char *numa = getenv("numa"), *numaset = getenv("numaset");

        if (numa && numaset && !same_trimmed(numa, numaset)) {
                char a[DIAG_QUOTE_SIZE(SPEC_QUOTE_MAX)], b[DIAG_QUOTE_SIZE(SPEC_QUOTE_MAX)];

                diag_quote(numa, strlen(numa), SPEC_QUOTE_MAX, a, sizeof(a));
                diag_quote(numaset, strlen(numaset), SPEC_QUOTE_MAX, b, sizeof(b));
                return diag_error(d, -EINVAL,
                        "custom properties 'numa' ('%s') and 'numaset' ('%s') differ; set only one", a, b);
        }

        *ret = numa ? numa : numaset;
        return 0;
}

/* The name of the directory path sits in, into dir; false when it has none or a longer one. */
static bool parent_dir_name(const char *path, char *dir, size_t size) {
        const char *slash = strrchr(path, '/'), *start;
        size_t len;

        if (!slash)
                return false;
        for (start = slash; start > path && start[-1] != '/'; start--)
                ;
        len = (size_t) (slash - start);
        if (len == 0 || len >= size)
                return false;
        memcpy(dir, start, len);
        dir[len] = '\0';
        return true;
}

/*
 * VDSM runs the hook from <hooksdir>/<hook point>/, so the name of the
 * directory argv[0] sits in says which job to do. Elsewhere (a build tree,
 * a manual run) the hook edits, as before_vm_start does.
 */
static int hook_point_from_argv0(const char *argv0, enum hook_point *ret, struct diag *d) {
        enum hook_point p;
        char dir[256];

        if (!parent_dir_name(argv0, dir, sizeof(dir))) {
                *ret = HOOK_BEFORE_VM_START;
                return 0;
        }
        p = hook_point_from_string(dir);
        if (p < 0 && (strncmp(dir, "before_", 7) == 0 || strncmp(dir, "after_", 6) == 0)) {
                char q[DIAG_QUOTE_SIZE(64)];

                diag_quote(dir, strlen(dir), 64, q, sizeof(q));
                return diag_error(d, -EINVAL,
                        "installed under hook point '%s', which this hook does not serve (" HOOK_POINTS_SERVED
                        ")",
                        q);
        }
        *ret = p >= 0 ? p : HOOK_BEFORE_VM_START;
        return 0;
}

/* --hook-point wins; else the directory we run from. */
static int choose_hook_point(const char *option, const char *argv0, enum hook_point *ret, struct diag *d) {
        enum hook_point p;
        char q[DIAG_QUOTE_SIZE(64)];

        if (!option)
                return hook_point_from_argv0(argv0, ret, d);

        p = hook_point_from_string(option);
        if (p >= 0) {
                *ret = p;
                return 0;
        }
        diag_quote(option, strlen(option), 64, q, sizeof(q));
        return diag_error(d, -EINVAL, "unknown hook point '%s'; expected one of " HOOK_POINTS_SERVED, q);
}

/* How much of a bad command-line argument a usage error shows. */
#define USAGE_QUOTE_MAX 128

/* A usage error: one line, the argument quoted (it may hold a newline or anything else). */
static int usage_error(struct diag *d, const char *what, const char *arg, const char *tail) {
        char q[DIAG_QUOTE_SIZE(USAGE_QUOTE_MAX)];

        diag_quote(arg, strlen(arg), USAGE_QUOTE_MAX, q, sizeof(q));
        return diag_error(d, -EINVAL, "%s '%s'%s; see --help", what, q, tail);
}

enum {
        ARG_NUMA = 0x100,
        ARG_NUMA_MEMNODE,
        ARG_HOOK_POINT,
        ARG_DOMXML,
        ARG_CAPABILITIES,
        ARG_DRY_RUN,
        ARG_TOPOLOGY,
        ARG_RUN_DIR,
        ARG_HELP,
        ARG_VERSION,
        _ARG_END,
};

static const struct option options[] = {
        {"numa", required_argument, NULL, ARG_NUMA},
        {"numa-memnode", required_argument, NULL, ARG_NUMA_MEMNODE},
        {"hook-point", required_argument, NULL, ARG_HOOK_POINT},
        {"domxml", required_argument, NULL, ARG_DOMXML},
        {"capabilities", required_argument, NULL, ARG_CAPABILITIES},
        {"dry-run", no_argument, NULL, ARG_DRY_RUN},
        {"topology", no_argument, NULL, ARG_TOPOLOGY},
        {"run-dir", required_argument, NULL, ARG_RUN_DIR},
        {"help", no_argument, NULL, ARG_HELP},
        {"version", no_argument, NULL, ARG_VERSION},
        {NULL, 0, NULL, 0},
};

static const char *option_name(int id) {
        for (size_t i = 0; options[i].name; i++)
                if (options[i].val == id)
                        return options[i].name;
        return "?";
}

/* The command line: each option at most once, in the order given. */
struct command {
        int given[_ARG_END - ARG_NUMA];
        size_t n_given;
        int action; /* ARG_HELP, ARG_VERSION, ARG_TOPOLOGY, or 0: run the hook */
        const char *spec, *memnode_spec, *hook_point, *domxml, *capabilities, *run_dir;
        bool dry_run;
};

/*
 * Refuses --numa or --numa-memnode with a --hook-point that reads neither
 * (every point but before_vm_start; the properties in the environment are
 * ignored there, as VDSM passes them to every point): -EINVAL with d
 * filled, else 0. An unknown point is left to choose_hook_point().
 */
static int command_check_point(const struct command *c, struct diag *d) {
        enum hook_point p;

        if (!c->hook_point || (!c->spec && !c->memnode_spec))
                return 0;
        p = hook_point_from_string(c->hook_point);
        if (p < 0 || p == HOOK_BEFORE_VM_START)
                return 0;
        for (size_t i = 0; i < c->n_given; i++)
                if (c->given[i] == ARG_NUMA || c->given[i] == ARG_NUMA_MEMNODE)
                        return diag_error(d, -EINVAL,
                                "option '--%s' cannot be used with '--hook-point %s': only before_vm_start "
                                "binds memory; see --help",
                                option_name(c->given[i]), c->hook_point);
        return 0;
}

/*
 * Options that would silently lose to another are refused: --help and
 * --version take no other option, --topology only --capabilities,
 * --numa and --numa-memnode only a --hook-point that reads them, and
 * `--domxml -` (standard input) leaves nothing to replace, so it needs
 * --dry-run.
 */
static int command_check(const struct command *c, struct diag *d) {
        for (size_t i = 0; i < c->n_given && c->action; i++) {
                int other = c->given[i];

                if (other == c->action || (c->action == ARG_TOPOLOGY && other == ARG_CAPABILITIES))
                        continue;
                for (size_t j = 0; j < c->n_given; j++)
                        if (c->given[j] == c->action) {
                                bool action_first = j < i;

                                return diag_error(d, -EINVAL,
                                        "options '--%s' and '--%s' cannot be used together; see --help",
                                        option_name(action_first ? c->action : other),
                                        option_name(action_first ? other : c->action));
                        }
        }
        if (command_check_point(c, d) < 0)
                return -EINVAL;
        if (c->domxml && strcmp(c->domxml, "-") == 0 && !c->dry_run)
                return diag_error(d, -EINVAL,
                        "'--domxml -' reads the domain XML from standard input, which only a dry run "
                        "can: add --dry-run; see --help");
        return 0;
}

static int command_parse(int argc, char *argv[], struct command *ret, struct diag *d) {
        struct command c = {0};
        int opt, r;

        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":h", options, NULL)) >= 0) {
                if (opt == ':')
                        return usage_error(d, "option", argv[optind - 1], " needs a value");
                if (opt == '?')
                        return usage_error(d, "unknown option", argv[optind - 1], "");
                if (opt == 'h')
                        opt = ARG_HELP;
                for (size_t i = 0; i < c.n_given; i++)
                        if (c.given[i] == opt)
                                return diag_error(d, -EINVAL, "option '--%s' given twice; see --help",
                                        option_name(opt));
                c.given[c.n_given++] = opt;
                switch (opt) {
                case ARG_NUMA:
                        c.spec = optarg;
                        break;
                case ARG_NUMA_MEMNODE:
                        c.memnode_spec = optarg;
                        break;
                case ARG_HOOK_POINT:
                        c.hook_point = optarg;
                        break;
                case ARG_DOMXML:
                        c.domxml = optarg;
                        break;
                case ARG_CAPABILITIES:
                        c.capabilities = optarg;
                        break;
                case ARG_RUN_DIR:
                        c.run_dir = optarg;
                        break;
                case ARG_DRY_RUN:
                        c.dry_run = true;
                        break;
                default: /* ARG_HELP, ARG_VERSION, ARG_TOPOLOGY: the first decides, command_check() the rest
                          */
                        if (!c.action)
                                c.action = opt;
                        break;
                }
        }
        if (optind < argc) {
                return usage_error(d, "unexpected argument", argv[optind], "");
        }
        r = command_check(&c, d);
        if (r < 0)
                return r;
        *ret = c;
        return 0;
}

/* What went to standard output through stdio must have got there: a full disk or a closed stdout fails. */
static int stdout_flush(struct diag *d) {
        int err;

        errno = 0;
        if (fflush(stdout) == 0 && !ferror(stdout))
                return 0;
        err = errno > 0 ? errno : EIO;
        return diag_error(d, -err, "cannot write to standard output: %s", strerror(err));
}

/* The one thing the command line asks for; a hook run's outcome in res. */
static int command_run(const struct command *c, const char *argv0, struct hook_request *req,
        struct hook_result *res, struct diag *d) {
        int r;

        if (c->action == ARG_HELP) {
                help();
                return stdout_flush(d);
        }
        if (c->action == ARG_VERSION) {
                printf("vdsm-hook-numa %s\n", PROJECT_VERSION);
                return stdout_flush(d);
        }

        if (c->memnode_spec)
                req->memnode_spec = c->memnode_spec;
        if (c->domxml) {
                req->domxml_stdin = strcmp(c->domxml, "-") == 0;
                req->domxml_path = req->domxml_stdin ? NULL : c->domxml;
        }
        req->capabilities_path = c->capabilities;
        req->dry_run = c->dry_run;
        if (c->run_dir)
                req->run_dir = c->run_dir;

        r = choose_hook_point(c->hook_point, argv0, &req->point, d);
        if (r < 0)
                return r;
        if (c->action == ARG_TOPOLOGY) {
                r = report_topology(req->capabilities_path, d);
                return r < 0 ? r : stdout_flush(d);
        }
        /* The after_* points read no property: VDSM passes them all the same, and they must not fail. */
        if (hook_point_releases(req->point))
                return hook_run(req, res, d);
        if (c->spec)
                req->spec = c->spec;
        else
                r = spec_from_environment(&req->spec, d);
        return r < 0 ? r : hook_run(req, res, d);
}

/*
 * The domain XML file the run will open, for the watchdog to judge:
 * --domxml, else $_hook_domxml. Standard input may be redirected from a
 * file on NFS or FUSE, which no mount table names: it is judged as the
 * /proc path it has, which is never known to be local.
 */
static const char *command_domxml_path(const struct command *c, const struct hook_request *req) {
        if (!c->domxml)
                return req->domxml_path;
        return strcmp(c->domxml, "-") == 0 ? "/proc/self/fd/0" : c->domxml;
}

/*
 * Starts the watchdog over what the run may open: the domain XML, the
 * capabilities, and the claims ledger's run directory (which the package
 * creates; the run opens only the files it holds).
 */
static void command_guard(const struct command *c, const struct hook_request *req) {
        const char *dir = c->run_dir ? c->run_dir : req->run_dir ? req->run_dir : LEDGER_RUN_DIR;

        watchdog_start((const char *const[]){command_domxml_path(c, req), c->capabilities, dir}, 3);
}

/*
 * The run's outcome out, and its exit code: the one error line, or the
 * warnings, a dry run's document and the success line, with the watchdog
 * told as each becomes final (watchdog.h).
 */
static int emit_result(int r, const struct diag *d, const struct hook_result *res) {
        /* A failure is exactly one line; the warnings that led to it would only blur it. */
        if (r < 0) {
                watchdog_hold();
                fprintf(stderr, "numa: %s\n", d->message);
                return EXIT_HOOK_FAILED;
        }
        /* A dry run has not succeeded until its output is out: a watchdog before then refuses. */
        if (!res->output)
                watchdog_succeeded();

        for (size_t i = 0; i < d->n_warnings; i++)
                fprintf(stderr, "numa: warning: %s\n", d->warnings[i]);
        if (d->n_dropped_warnings > 0)
                fprintf(stderr, "numa: warning: %zu more warnings not shown\n", d->n_dropped_warnings);

        if (res->output && (r = file_write_all(STDOUT_FILENO, res->output, res->output_len)) < 0) {
                watchdog_hold();
                fprintf(stderr, "numa: cannot write to standard output: %s\n", strerror(-r));
                return EXIT_HOOK_FAILED;
        }
        if (res->output)
                watchdog_succeeded();
        if (res->info[0])
                fprintf(stderr, "numa: %s\n", res->info);
        return EXIT_SUCCESS;
}

int main(int argc, char *argv[]) {
        struct hook_request req = {
                .domxml_path = getenv("_hook_domxml"),
                .memnode_spec = getenv("numa_memnode"),
                .run_dir = getenv(LEDGER_RUN_DIR_ENV),
        };
        _cleanup_(hook_result_done) struct hook_result res = {0};
        struct command c = {0};
        struct diag d;
        int r;

        /* Past a file-size limit, write() should fail with EFBIG and be reported, not kill us. */
        signal(SIGXFSZ, SIG_IGN);
        diag_init(&d);

        r = command_parse(argc, argv, &c, &d);
        /* From here on the run is guarded; where its files could stall, in a supervised worker. */
        command_guard(&c, &req);
        /* Only these print to standard output; a worker stuck in the kernel must not hold the caller's. */
        if (r >= 0 && !c.action && !c.dry_run)
                watchdog_stdout_unused();
        if (r >= 0)
                r = command_run(&c, argv[0], &req, &res, &d);

        return emit_result(r, &d, &res);
}
