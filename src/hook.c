/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One run of the hook: what it loads (domain XML, host, guest cells) and which path it takes at its hook
 * point. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domxml.h"
#include "fileio.h"
#include "hook.h"
#include "host.h"
#include "incoming.h"
#include "macro.h"
#include "parse.h"
#include "release.h"
#include "run.h"
#include "size.h"
#include "start.h"
#include "watchdog.h"

static const char *const hook_point_table[_HOOK_POINT_MAX] = {
        [HOOK_BEFORE_VM_START] = "before_vm_start",
        [HOOK_BEFORE_VM_MIGRATE_DESTINATION] = "before_vm_migrate_destination",
        [HOOK_BEFORE_VM_DEHIBERNATE] = "before_vm_dehibernate",
        [HOOK_AFTER_VM_START] = "after_vm_start",
        [HOOK_AFTER_VM_MIGRATE_DESTINATION] = "after_vm_migrate_destination",
        [HOOK_AFTER_VM_DEHIBERNATE] = "after_vm_dehibernate",
        [HOOK_AFTER_VM_DESTROY] = "after_vm_destroy",
};

enum hook_point hook_point_from_string(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(hook_point_table); i++)
                if (strcmp(hook_point_table[i], s) == 0)
                        return (enum hook_point) i;
        return _HOOK_POINT_INVALID;
}

static void run_done(struct run *r) {
        claims_done(&r->claims);
        host_done(&r->host);
        domxml_facts_done(&r->facts);
        file_data_done(&r->file);
}

static int vm_facts_from(const struct domxml_facts *f, struct vm_facts *ret, struct diag *d) {
        struct vm_facts vm = {
                .vcpu_placement_auto = f->vcpu_placement_auto, .hugepages = f->placement.has_hugepages};

        /* libvirt reads an empty <memory> as no <memory> at all (virXPathString gives NULL). */
        if (f->has_memory && f->memory_text[0] != '\0') {
                if (size_parse(f->memory_text, f->memory_unit, &vm.memory) < 0) {
                        const char *unit = f->memory_unit ? f->memory_unit : "KiB";
                        char t[DIAG_QUOTE_SIZE(32)], u[DIAG_QUOTE_SIZE(16)];

                        diag_quote(f->memory_text, strlen(f->memory_text), 32, t, sizeof(t));
                        diag_quote(unit, strlen(unit), 16, u, sizeof(u));
                        return diag_error(
                                d, -EINVAL, "domain XML has an invalid <memory unit='%s'>%s</memory>", u, t);
                }
                vm.has_memory = true;
        }

        *ret = vm;
        return 0;
}

/* The domain XML from its file, or whole from standard input (nothing to replace then: dry runs only). */
static int read_domxml(
        const struct hook_request *req, unsigned file_flags, struct file_data *ret, struct diag *d) {
        if (req->domxml_stdin && !req->dry_run)
                return diag_error(d, -EINVAL, "the domain XML from standard input needs a dry run");
        if (req->domxml_stdin)
                return file_read_stream(
                        STDIN_FILENO, "domain XML", "from standard input", DOMXML_SIZE_MAX, ret, d);
        return file_read(req->domxml_path, "domain XML", DOMXML_SIZE_MAX, file_flags, ret, d);
}

/* Reads and scans the domain XML: the first steps both hook points share. */
int run_load(struct run *r, unsigned file_flags) {
        const struct hook_request *req = r->req;
        int k;

        if (!req->domxml_path && !req->domxml_stdin)
                return diag_error(
                        r->d, -EINVAL, "_hook_domxml is not set; VDSM sets it, by hand use --domxml FILE");

        k = read_domxml(req, file_flags, &r->file, r->d);
        if (k < 0)
                return k;
        k = domxml_scan(r->file.data, r->file.len, &r->facts, r->d);
        if (k < 0)
                return k;
        k = vm_facts_from(&r->facts, &r->vm, r->d);
        r->vm.claims = &r->claims;
        return k;
}

/* See run.h: another host's topology (--capabilities) neither reads nor records claims. */
int run_open_claims(struct run *r) {
        const struct hook_request *req = r->req;

        return claims_open(&r->claims, req->run_dir, req->capabilities_path != NULL, req->dry_run,
                r->file.data, r->file.len, r->d);
}

/* Whether the domain pins vCPUs or emulator threads: only then does placement_check() need the CPUs. */
static bool has_pinning(const struct domxml_placement *p) {
        return p->vcpu_cpuset || p->n_vcpupins > 0 || p->emulatorpin;
}

/* See run.h; the CPUs are read only when the domain pins something. */
int run_load_host(struct run *r, const struct nodeset *only) {
        const struct hook_request *req = r->req;
        const struct host_source src = {
                .capabilities = req->capabilities_path,
                .sysfs = req->sysfs_root,
                .meminfo = req->meminfo_path,
                .cgroup_root = req->cgroup_root,
                .flags = has_pinning(&r->facts.placement) ? TOPOLOGY_CPUS : 0,
                .only = only,
                .pages = r->facts.placement.has_hugepages,
        };

        return host_load(&src, &r->host, r->d);
}

/* See run.h. Cells are numbered as libvirt numbers them, so <cell> elements without an id count too. */
int run_cell_facts(const struct run *r, unsigned cell, const char *subject, struct vm_facts *ret_facts,
        char *label, size_t label_size) {
        const struct domxml_facts *f = &r->facts;
        const struct domxml_cell *c = domxml_cell(f, (long) cell);
        struct range_writer ids = RANGE_WRITER_INIT;
        _cleanup_free_ char *list = NULL;
        struct vm_facts facts = {
                .memory_label = label, .hugepages = f->placement.has_hugepages, .claims = &r->claims};

        if (f->cells_refused)
                return diag_error(r->d, -EINVAL, "%s: %s", subject, f->cells_refused);

        if (c) {
                if (c->memory) {
                        if (size_parse(c->memory, c->unit, &facts.memory) < 0)
                                return diag_error(r->d, -EINVAL,
                                        "%s: guest cell %u has an invalid memory size", subject, cell);
                        facts.has_memory = true;
                }
                snprintf(label, label_size, "guest cell %u's memory", cell);
                *ret_facts = facts;
                return 0;
        }

        /* Valid numbers are 0 to n - 1, each once. */
        for (size_t i = 0; i < f->n_cells; i++)
                range_writer_add(&ids, (unsigned) i);
        (void) range_writer_finish(&ids, &list);
        return diag_error(r->d, -EINVAL,
                "%s: the domain has no guest NUMA cell %u (<cpu><numa><cell id=...>: %s)", subject, cell,
                list && list[0] ? list : "none");
}

/* No property: a real run leaves the file alone unread; a dry run shows it unchanged. */
static int run_nothing(const struct hook_request *req, struct hook_result *res, struct diag *d) {
        struct file_data file;
        int k;

        if (!req->dry_run || (!req->domxml_path && !req->domxml_stdin))
                return 0;

        k = read_domxml(req, FILE_NOFOLLOW, &file, d);
        if (k < 0)
                return k;
        res->output = TAKE_PTR(file.data);
        res->output_len = file.len;
        snprintf(res->info, sizeof(res->info),
                "no 'numa' or 'numa_memnode' custom property; domain XML unchanged");
        return 0;
}

int hook_run(const struct hook_request *req, struct hook_result *ret, struct diag *d) {
        _cleanup_(hook_result_done) struct hook_result res = {0};
        _cleanup_(run_done) struct run r = {.req = req, .d = d};
        int k;

        if (hook_point_releases(req->point)) {
                struct diag quiet;

                /* VDSM ignores an after_* hook's failure, and the claim expires anyway: nothing to say. */
                watchdog_quiet();
                diag_init(&quiet);
                (void) release_claim(req, &quiet);
                *ret = (struct hook_result){0};
                return 0;
        }
        if (req->point == HOOK_BEFORE_VM_MIGRATE_DESTINATION || req->point == HOOK_BEFORE_VM_DEHIBERNATE)
                k = incoming_run(&r, &res);
        else if (!req->spec && !req->memnode_spec)
                k = run_nothing(req, &res, d);
        else
                k = start_run(&r, &res);
        if (k < 0)
                return k;
        *ret = TAKE_STRUCT(res);
        return 0;
}

void hook_result_done(struct hook_result *r) {
        free(r->output);
        *r = (struct hook_result){0};
}
