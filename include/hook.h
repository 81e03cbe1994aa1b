/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* One run of the hook: what it loads and which path it takes at its hook point. */

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Which VDSM hook point runs us; the directory the binary is run from says. */
#define HOOK_POINTS_SERVED                                                                                   \
        "before_vm_start, before_vm_migrate_destination, before_vm_dehibernate, after_vm_start, "            \
        "after_vm_migrate_destination, after_vm_dehibernate, after_vm_destroy"
enum hook_point {
        HOOK_BEFORE_VM_START,               /* edit the domain XML */
        HOOK_BEFORE_VM_MIGRATE_DESTINATION, /* only check the incoming XML against this host */
        HOOK_BEFORE_VM_DEHIBERNATE,         /* only check the saved XML a restore uses against this host */
        /* The VM's start, migration in or restore is over (or it is gone): only remove its claim. */
        HOOK_AFTER_VM_START,
        HOOK_AFTER_VM_MIGRATE_DESTINATION,
        HOOK_AFTER_VM_DEHIBERNATE,
        HOOK_AFTER_VM_DESTROY,
        _HOOK_POINT_MAX,
        _HOOK_POINT_INVALID = -1,
};

enum hook_point hook_point_from_string(const char *s);

/* The after_* points: they only remove the VM's claim, and never fail or speak. */
static inline bool hook_point_releases(enum hook_point p) {
        return p >= HOOK_AFTER_VM_START && p < _HOOK_POINT_MAX;
}

struct hook_request {
        enum hook_point point;
        const char *spec;              /* the numa property; NULL when unset */
        const char *memnode_spec;      /* the numa_memnode property; NULL when unset */
        const char *domxml_path;       /* NULL when _hook_domxml is unset */
        bool domxml_stdin;             /* read the domain XML from standard input instead (dry runs) */
        const char *capabilities_path; /* NULL: this host, through libnuma */
        bool dry_run;                  /* compute everything, write nothing */
        const char *sysfs_root;        /* NULL: HOST_SYSFS; set only by unit tests */
        const char *meminfo_path;      /* NULL: HOST_MEMINFO; set only by unit tests */
        const char *cgroup_root;       /* NULL: CGROUP_ROOT; set only by unit tests */
        const char *run_dir;           /* the claims ledger's directory; NULL: LEDGER_RUN_DIR */
};

struct hook_result {
        bool changed;
        char *output; /* the resulting document, only for a dry run */
        size_t output_len;
        char info[DIAG_LINE_MAX]; /* the success line, without "numa: " */
};

/*
 * The whole run, in the order the data flows: properties -> domain XML ->
 * topology -> node sets -> edit -> check -> file. Everything is checked
 * before the file is touched, so a failure changes nothing. At the
 * migration destination and before a restore (dehibernate) the file is
 * only read and checked. At the after_* points only the VM's claim is
 * removed from the ledger, silently: those always return 0, d untouched.
 * Returns 0, or a negative errno with d filled.
 */
int hook_run(const struct hook_request *req, struct hook_result *ret, struct diag *d);
void hook_result_done(struct hook_result *r);
