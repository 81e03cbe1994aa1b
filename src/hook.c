/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One run of the hook at its hook point: properties, domain XML, host, checks, edit, file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binding.h"
#include "capabilities.h"
#include "cgroup.h"
#include "domxml.h"
#include "fileio.h"
#include "hook.h"
#include "hugepages.h"
#include "locality.h"
#include "macro.h"
#include "numatune.h"
#include "parse.h"
#include "resolve.h"
#include "size.h"
#include "spec.h"
#include "strbuf.h"
#include "topology.h"

static const char *const hook_point_table[_HOOK_POINT_MAX] = {
        [HOOK_BEFORE_VM_START] = "before_vm_start",
        [HOOK_BEFORE_VM_MIGRATE_DESTINATION] = "before_vm_migrate_destination",
        [HOOK_BEFORE_VM_DEHIBERNATE] = "before_vm_dehibernate",
};

enum hook_point hook_point_from_string(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(hook_point_table); i++)
                if (strcmp(hook_point_table[i], s) == 0)
                        return (enum hook_point) i;
        return _HOOK_POINT_INVALID;
}

/* Everything one run holds, released in one place. */
struct run {
        const struct hook_request *req;
        struct diag *d;
        struct file_data file;
        struct domxml_facts facts;
        struct topology topo;
        struct caps_pages caps_pages; /* with --capabilities, for a huge-page VM: the host's <pages> */
        struct vm_facts vm;
};

static void run_done(struct run *r) {
        caps_pages_done(&r->caps_pages);
        topology_done(&r->topo);
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
static int load(struct run *r, unsigned file_flags) {
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
        return vm_facts_from(&r->facts, &r->vm, r->d);
}

/* Whether the domain pins vCPUs or emulator threads: only then does check_placement() need the CPUs. */
static bool has_pinning(const struct domxml_placement *p) {
        return p->vcpu_cpuset || p->n_vcpupins > 0 || p->emulatorpin;
}

/*
 * The host's topology, with only `only`'s memory read (NULL: all nodes').
 * From capabilities XML, a huge-page VM's pages come in the same pass.
 */
static int load_host(struct run *r, const struct nodeset *only) {
        const struct hook_request *req = r->req;
        unsigned flags = has_pinning(&r->facts.placement) ? TOPOLOGY_CPUS : 0;

        if (req->capabilities_path)
                return capabilities_load(req->capabilities_path, flags, &r->topo,
                        r->facts.placement.has_hugepages ? &r->caps_pages : NULL, r->d);
        return topology_load(flags, only, &r->topo, r->d);
}

/*
 * Huge pages (an error when strict or restrictive bindings lack
 * them), the nodes machine.slice's cgroup allows (this host only) and
 * locality warnings, on the bindings the VM will have: the
 * request's (NULL at a check-only hook point) and the document's, whose
 * messages start with origin ("existing", "incoming" or "saved"). With
 * memnodes_soft, a <memnode>'s huge page shortfall is only a warning, as
 * its other misfits are at a migration destination (VDSM replaces memnode
 * nodesets there). Returns how many such shortfalls only warned, or a
 * negative errno with r->d filled.
 */
static int check_placement(struct run *r, const struct numatune_request *nr,
        const char *const *memnode_subjects, bool memnodes_soft, const char *origin) {
        const struct hook_request *req = r->req;
        const char *sysfs = req->sysfs_root ? req->sysfs_root : TOPOLOGY_SYSFS;
        long page_size = sysconf(_SC_PAGESIZE);
        struct hugepages_host h = {
                .sysfs = sysfs,
                .meminfo = req->meminfo_path ? req->meminfo_path : TOPOLOGY_MEMINFO,
                .caps = req->capabilities_path ? &r->caps_pages : NULL, /* read with the topology */
                .present = &r->topo.present,
                .base_page_kib = page_size > 0 ? (uint64_t) page_size / 1024 : 4,
                .host = topology_host(&r->topo),
        };
        /* Another host's capabilities say nothing of this host's PCI devices. */
        struct locality_host l = {.topo = &r->topo, .sysfs = req->capabilities_path ? NULL : sysfs};
        _cleanup_(binding_list_done) struct binding_list bindings = {0};
        int k;

        if (binding_list_collect(&r->facts, nr, memnode_subjects, origin, &bindings) < 0)
                return diag_error(r->d, -ENOMEM, "out of memory");
        for (size_t i = 0; i < bindings.n_cells; i++)
                bindings.cells[i].warn_only = memnodes_soft;

        k = hugepages_check(&r->facts, &bindings, &h, r->d);
        /* The cgroup VMs start in is this host's; another host's capabilities say nothing of it. */
        if (k >= 0 && !req->capabilities_path) {
                int c = cgroup_check(&bindings, req->cgroup_root ? req->cgroup_root : CGROUP_ROOT, r->d);

                k = c < 0 ? c : k + c;
        }
        if (k >= 0)
                locality_check(&r->facts, &bindings, &l, r->d);
        return k;
}

/*
 * resolve_spec() on a topology that may know only some nodes' memory. Those
 * are all the nodes a spec with plain items can pick, so success stands;
 * a failure is judged again on the whole host, so that the message (which
 * lists the nodes with memory) is exact.
 */
static int resolve_on_host(
        struct run *r, const struct numa_spec *spec, const struct vm_facts *vm, struct numa_binding *ret) {
        struct diag first;
        int k;

        if (!r->topo.partial)
                return resolve_spec(spec, &r->topo, vm, ret, r->d);

        diag_init(&first);
        k = resolve_spec(spec, &r->topo, vm, ret, &first);
        if (k >= 0) {
                for (size_t i = 0; i < first.n_warnings; i++)
                        diag_warn(r->d, "%s", first.warnings[i]);
                return k;
        }

        topology_done(&r->topo);
        k = topology_load(0, NULL, &r->topo, r->d);
        if (k < 0)
                return k;
        return resolve_spec(spec, &r->topo, vm, ret, r->d);
}

/* The nodes whose memory the specs can need: their plain items, or NULL for all of them. */
static const struct nodeset *nodes_named(
        const struct numa_spec *spec, const struct memnode_list *memnodes, struct nodeset *buf) {
        nodeset_clear(buf);
        if (spec) {
                if (spec->target == SPEC_TARGET_NODESET && !spec->has_include)
                        return NULL; /* "^3": the base is every node with memory */
                nodeset_union(buf, &spec->include);
        }
        for (size_t i = 0; i < memnodes->n; i++) {
                if (!memnodes->items[i].spec.has_include)
                        return NULL;
                nodeset_union(buf, &memnodes->items[i].spec.include);
        }
        return buf;
}

/*
 * The guest cell's memory as the facts for a memnode check; an error if
 * the cell is not there. Cells are numbered as libvirt numbers them, so
 * <cell> elements without an id count too.
 */
static int cell_facts(const struct run *r, unsigned cell, const char *subject, struct vm_facts *ret,
        char *label, size_t label_size) {
        const struct domxml_facts *f = &r->facts;
        const struct domxml_cell *c = domxml_cell(f, (long) cell);
        struct range_writer ids = RANGE_WRITER_INIT;
        _cleanup_free_ char *list = NULL;

        if (f->cells_refused)
                return diag_error(r->d, -EINVAL, "%s: %s", subject, f->cells_refused);

        snprintf(label, label_size, "guest cell %u's memory", cell);
        *ret = (struct vm_facts){.memory_label = label, .hugepages = f->placement.has_hugepages};

        if (c) {
                if (c->memory) {
                        if (size_parse(c->memory, c->unit, &ret->memory) < 0)
                                return diag_error(r->d, -EINVAL,
                                        "%s: guest cell %u has an invalid memory size", subject, cell);
                        ret->has_memory = true;
                }
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

/* "<memory .../> <memnode .../>" for the success line. */
static void describe_request(const struct numatune_request *nr, const char *tail, char *buf, size_t size) {
        struct strbuf t = {0};
        _cleanup_free_ char *text = NULL;

        if (nr->memory) {
                _cleanup_free_ char *m = NULL;

                if (numatune_memory_markup(nr->memory, '\'', &m) == 0)
                        strbuf_str(&t, m);
        }
        for (size_t i = 0; i < nr->n_memnodes; i++) {
                _cleanup_free_ char *m = NULL;

                if (numatune_memnode_markup(&nr->memnodes[i], '\'', &m) == 0) {
                        if (t.len)
                                strbuf_str(&t, " ");
                        strbuf_str(&t, m);
                }
        }
        strbuf_str(&t, tail);
        if (strbuf_finish(&t, &text) == 0)
                snprintf(buf, size, "%s", text);
}

/* One warning for every node of unknown memory the bindings use: their checks were skipped. */
static void warn_unknown_memory(struct run *r, const struct nodeset *used) {
        struct nodeset unknown = *used;
        _cleanup_free_ char *list = NULL;

        nodeset_intersect(&unknown, &r->topo.memory_unknown);
        if (nodeset_is_empty(&unknown) || nodeset_format(&unknown, &list) < 0)
                return;
        diag_warn(r->d,
                "the capabilities XML gives no <memory> for node%s %s; %s memory is unknown, so whether %s "
                "memory and whether the VM fits is not checked",
                nodeset_count(&unknown) == 1 ? "" : "s", list, nodeset_count(&unknown) == 1 ? "its" : "their",
                nodeset_count(&unknown) == 1 ? "it has" : "they have");
}

static int run_start(struct run *r, struct hook_result *res) {
        const struct hook_request *req = r->req;
        struct numa_spec spec;
        _cleanup_(memnode_list_done) struct memnode_list memnodes = {0};
        _cleanup_free_ struct memnode_binding *mb = NULL;
        _cleanup_free_ const char **subjects = NULL;
        struct numa_binding memory;
        struct nodeset named, used;
        struct numatune_request nr = {0};
        _cleanup_(domxml_edit_done) struct domxml_edit edit = {0};
        char memnodes_subject[sizeof(memnodes.quoted) + 32], from[2 * DIAG_LINE_MAX];
        _cleanup_free_ char *out = NULL;
        size_t out_len = 0;
        int k;

        nodeset_clear(&used);
        /* The properties first: a bad value fails before any file is touched. */
        if (req->spec) {
                k = spec_parse(req->spec, &spec, r->d);
                if (k < 0)
                        return k;
        }
        if (req->memnode_spec) {
                k = spec_parse_memnodes(req->memnode_spec, &memnodes, r->d);
                if (k < 0)
                        return k;
        }
        snprintf(memnodes_subject, sizeof(memnodes_subject), "numa_memnode '%s'", memnodes.quoted);

        /* A dry run shows what a real run would write even where that run would refuse the file. */
        k = load(r, FILE_NOFOLLOW | FILE_SINGLE_LINK | FILE_EDIT | (req->dry_run ? FILE_PREVIEW : 0));
        if (k >= 0)
                k = load_host(r, nodes_named(req->spec ? &spec : NULL, &memnodes, &named));
        if (k < 0)
                return k;

        if (req->spec) {
                k = resolve_on_host(r, &spec, &r->vm, &memory);
                if (k < 0)
                        return k;
                nr.memory = &memory;
                nr.memory_subject = spec.subject;
                used = memory.nodes;
                if (memory.placement_auto && !req->capabilities_path && !topology_numad_installed())
                        diag_warn(r->d, "placement 'auto' needs numad, which is not installed on this host");
        }

        mb = calloc(memnodes.n + 1, sizeof(*mb));
        if (!mb) {
                k = diag_error(r->d, -ENOMEM, "out of memory");
                return k;
        }
        for (size_t i = 0; i < memnodes.n; i++) {
                const struct memnode_spec *m = &memnodes.items[i];
                struct numa_binding b;
                struct vm_facts cell;
                char label[64];

                k = cell_facts(r, m->cell, m->spec.subject, &cell, label, sizeof(label));
                if (k < 0)
                        return k;
                k = resolve_on_host(r, &m->spec, &cell, &b);
                if (k < 0)
                        return k;
                mb[i] = (struct memnode_binding){.cell = m->cell, .mode = b.mode, .nodes = b.nodes};
                nodeset_union(&used, &b.nodes);
        }
        warn_unknown_memory(r, &used);
        nr.memnodes = mb;
        nr.n_memnodes = memnodes.n;
        nr.memnodes_subject = memnodes_subject;

        k = numatune_plan(r->file.data, &r->facts, &nr, &edit, r->d);
        if (k < 0)
                return k;
        res->changed = k > 0;

        /* Huge pages and locality, once the bindings are known and before anything is written. */
        subjects = calloc(memnodes.n + 1, sizeof(*subjects));
        if (!subjects) {
                k = diag_error(r->d, -ENOMEM, "out of memory");
                return k;
        }
        for (size_t i = 0; i < memnodes.n; i++)
                subjects[i] = memnodes.items[i].spec.subject;
        k = check_placement(r, &nr, subjects, false, "existing");
        if (k < 0)
                return k;

        snprintf(from, sizeof(from), " from %s%s%s", req->spec ? spec.subject : "",
                req->spec && req->memnode_spec ? " and " : "", req->memnode_spec ? memnodes_subject : "");
        if (res->changed) {
                k = domxml_splice(r->file.data, r->file.len, &edit, &out, &out_len);
                if (k < 0) {
                        diag_error(r->d, k, "cannot edit the domain XML: %s", strerror(-k));
                        return k;
                }
                k = numatune_verify_edit(out, out_len, &edit, &nr, r->d);
                if (k < 0)
                        return k;
                if (!req->dry_run) {
                        k = file_replace(&r->file, out, out_len, r->d);
                        if (k < 0)
                                return k;
                }
                strcpy(res->info, "set ");
                describe_request(&nr, from, res->info + 4, sizeof(res->info) - 4);
        } else {
                strcat(from, " is already in the domain XML; nothing to change");
                describe_request(&nr, from, res->info, sizeof(res->info));
        }

        if (req->dry_run) {
                if (res->changed) {
                        res->output = TAKE_PTR(out);
                        res->output_len = out_len;
                } else {
                        res->output = TAKE_PTR(r->file.data);
                        res->output_len = r->file.len;
                }
        }
        return 0;
}

/* One element of a <numatune> this host did not write, as a spec the resolver can check (nodeset apart). */
static int foreign_spec(
        const char *origin, const char *element, const char *mode, struct numa_spec *ret, struct diag *d) {
        struct numa_spec s = {.target = SPEC_TARGET_NODESET, .has_include = true};

        snprintf(s.subject, sizeof(s.subject), "%s %s", origin, element);
        s.mode = numatune_mode_or_default(mode);
        if (s.mode < 0)
                return diag_error(d, -EINVAL, "%s: unknown mode", s.subject);

        *ret = s;
        return 0;
}

/* The element's nodeset, then the resolver's checks of it on this host. */
static int check_foreign_nodeset(const struct run *r, struct numa_spec *s, const char *nodeset,
        const struct vm_facts *vm, struct diag *d) {
        struct numa_binding b;

        if (!nodeset || nodeset_parse_libvirt(nodeset, &s->include) < 0)
                return diag_error(d, -EINVAL, "%s: no nodeset this hook can read", s->subject);
        return resolve_spec(s, &r->topo, vm, &b, d);
}

/*
 * One <memnode> against this host. What only its nodeset gets wrong is
 * judged in `scratch`, so that the caller can turn it into a warning where
 * something may still replace that nodeset; the rest (a cell or mode
 * libvirt refuses on any host) goes to r->d as an error.
 */
static int check_memnode(
        struct run *r, const char *origin, const struct domxml_memnode *mn, struct diag *scratch) {
        long cell = numatune_memnode_cell(mn);
        char element[DIAG_LINE_MAX / 2], label[64];
        struct vm_facts facts;
        struct numa_spec s;
        int k;

        numatune_describe_memnode(mn, element, sizeof(element));
        k = foreign_spec(origin, element, mn->mode, &s, r->d);
        if (k < 0)
                return k;
        if (cell < 0)
                return diag_error(r->d, -EINVAL,
                        "%s: no cell id this hook can read; libvirt refuses it too (it needs a "
                        "decimal cellid, e.g. cellid='1')",
                        s.subject);
        k = cell_facts(r, (unsigned) cell, s.subject, &facts, label, sizeof(label));
        if (k < 0)
                return k;
        return check_foreign_nodeset(r, &s, mn->nodeset, &facts, scratch);
}

/*
 * At the migration destination and before a restore, VDSM ignores what
 * the hook writes and hands libvirt a <numatune> that another host
 * resolved. A failure here stops the migration or restore before it
 * starts, which is better than a failure deep inside libvirt. So: check
 * that <numatune> against this host, never write the file.
 *
 * <memory> is never rewritten, so its problems are errors at both points.
 * A <memnode>'s nodeset is what VDSM replaces with Engine's numaNodesets
 * for the destination (migration.py, in the XML for libvirt, not in the
 * one hooks see), so at the migration destination a <memnode> that does
 * not fit only warns: refusing it would block evacuating the host. Nothing
 * remaps them on restore, where they stay errors.
 */
static int run_check(struct run *r, struct hook_result *res) {
        bool remappable = r->req->point == HOOK_BEFORE_VM_MIGRATE_DESTINATION;
        const char *origin = remappable ? "incoming" : "saved";
        const struct domxml_numatune *nt = &r->facts.numatune;
        const struct domxml_memory *m = &nt->memory;
        char element[DIAG_LINE_MAX / 2];
        size_t n_misfits = 0;
        bool placement_auto;
        struct numa_spec s;
        int k;

        k = load(r, FILE_NOFOLLOW);
        if (k < 0)
                return k;
        if (r->facts.n_numatune == 0)
                return 0;
        k = load_host(r, NULL);
        if (k < 0)
                return k;
        k = numatune_check_counts(&r->facts, origin, r->d);
        if (k < 0)
                return k;

        placement_auto = numatune_effective_placement_auto(&r->facts);

        if (nt->n_memory > 0) {
                numatune_describe_memory(m, element, sizeof(element));
                if (placement_auto) {
                        if (!r->req->capabilities_path && !topology_numad_installed())
                                diag_warn(r->d,
                                        "%s placement 'auto' needs numad, which is not installed on "
                                        "this host",
                                        origin);
                } else {
                        k = foreign_spec(origin, element, m->mode, &s, r->d);
                        if (k >= 0)
                                k = check_foreign_nodeset(r, &s, m->nodeset, &r->vm, r->d);
                        if (k < 0)
                                return k;
                }
        }

        /* libvirt refuses this on any host, and VDSM's remapping changes no placement. */
        if (placement_auto && nt->n_memnodes > 0) {
                const char *why =
                        nt->n_memory == 0 ? "<vcpu placement='auto'> and no <memory> in <numatune>"
                        : m->placement    ? "<numatune><memory placement='auto'>"
                                       : "<vcpu placement='auto'>, which a <memory> without nodeset follows";

                numatune_describe_memnode(&nt->memnodes[0], element, sizeof(element));
                return diag_error(r->d, -EINVAL,
                        "%s %s: per-node binding is not compatible with automatic NUMA placement (%s), "
                        "and libvirt refuses it",
                        origin, element, why);
        }

        /* Nor does VDSM's remapping change a mode: libvirt refuses this mix on any host. */
        if (nt->n_memory > 0 && numatune_mode_or_default(m->mode) == NUMA_MODE_RESTRICTIVE) {
                char subject[sizeof(element) + 16];

                numatune_describe_memory(m, element, sizeof(element));
                snprintf(subject, sizeof(subject), "%s %s", origin, element);
                k = numatune_check_memnodes_restrictive(nt, subject, r->d);
                if (k < 0)
                        return k;
        }

        for (size_t i = 0; i < nt->n_memnodes; i++) {
                struct diag scratch;

                diag_init(&scratch);
                k = check_memnode(r, origin, &nt->memnodes[i], &scratch);
                if (k < 0 && scratch.error == 0)
                        return k; /* not the nodeset's fault: an error everywhere */
                if (k < 0 && !remappable)
                        return diag_error(r->d, k, "%s", scratch.message);
                if (k < 0) {
                        diag_warn(r->d,
                                "%s; not refused, as VDSM replaces <memnode> nodesets with Engine's "
                                "choice for %s (without one, libvirt fails the migration)",
                                scratch.message, topology_host(&r->topo));
                        n_misfits++;
                }
                for (size_t w = 0; w < scratch.n_warnings; w++)
                        diag_warn(r->d, "%s", scratch.warnings[w]);
        }

        /* Huge pages and locality: VDSM has prepared the pages by now. */
        k = check_placement(r, NULL, NULL, remappable, origin);
        if (k < 0)
                return k;

        if (n_misfits > 0 || k > 0)
                snprintf(res->info, sizeof(res->info),
                        "%s <numatune> fits %s but for its <memnode> elements the warnings name, "
                        "whose nodesets VDSM replaces",
                        origin, topology_host(&r->topo));
        else
                snprintf(res->info, sizeof(res->info), "%s <numatune> fits %s", origin,
                        topology_host(&r->topo));
        return 0;
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

        if (req->point == HOOK_BEFORE_VM_MIGRATE_DESTINATION || req->point == HOOK_BEFORE_VM_DEHIBERNATE)
                k = run_check(&r, &res);
        else if (!req->spec && !req->memnode_spec)
                k = run_nothing(req, &res, d);
        else
                k = run_start(&r, &res);
        if (k < 0)
                return k;
        *ret = TAKE_STRUCT(res);
        return 0;
}

void hook_result_done(struct hook_result *r) {
        free(r->output);
        *r = (struct hook_result){0};
}
