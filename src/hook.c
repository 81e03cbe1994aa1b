/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One run of the hook at its hook point: properties, domain XML, host, checks, edit, file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capabilities.h"
#include "domxml.h"
#include "fileio.h"
#include "hook.h"
#include "macro.h"
#include "numatune.h"
#include "resolve.h"
#include "size.h"
#include "spec.h"
#include "strbuf.h"
#include "topology.h"

static const char *const hook_point_table[_HOOK_POINT_MAX] = {
        [HOOK_BEFORE_VM_START] = "before_vm_start",
        [HOOK_BEFORE_VM_MIGRATE_DESTINATION] = "before_vm_migrate_destination",
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
        struct vm_facts vm;
};

static void run_done(struct run *r) {
        topology_done(&r->topo);
        domxml_facts_done(&r->facts);
        file_data_done(&r->file);
}

static int vm_facts_from(const struct domxml_facts *f, struct vm_facts *ret, struct diag *d) {
        struct vm_facts vm = {.vcpu_placement_auto = f->vcpu_placement_auto};

        if (f->has_memory) {
                if (size_parse(f->memory_text, f->memory_unit, &vm.memory) < 0) {
                        const char *unit = f->memory_unit ? f->memory_unit : "KiB";
                        char t[160], u[80];

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

/* Reads and scans the domain XML: the first steps both hook points share. */
static int load(struct run *r, unsigned file_flags) {
        const struct hook_request *req = r->req;
        int k;

        if (!req->domxml_path)
                return diag_error(
                        r->d, -EINVAL, "_hook_domxml is not set; VDSM sets it, by hand use --domxml FILE");

        k = file_read(req->domxml_path, "domain XML", DOMXML_SIZE_MAX, file_flags, &r->file, r->d);
        if (k < 0)
                return k;
        k = domxml_scan(r->file.data, r->file.len, &r->facts, r->d);
        if (k < 0)
                return k;
        return vm_facts_from(&r->facts, &r->vm, r->d);
}

/* The host's topology, with only `only`'s memory read (NULL: all nodes'). */
static int load_host(struct run *r, const struct nodeset *only) {
        const struct hook_request *req = r->req;

        if (req->capabilities_path)
                return capabilities_load(req->capabilities_path, 0, &r->topo, r->d);
        return topology_load(0, only, &r->topo, r->d);
}

/*
 * resolve() on a topology that may know only some nodes' memory. Those
 * are all the nodes a spec with plain items can pick, so success stands;
 * a failure is judged again on the whole host, so that the message (which
 * lists the nodes with memory) is exact.
 */
static int resolve_on_host(
        struct run *r, const struct numa_spec *spec, const struct vm_facts *vm, struct numa_binding *ret) {
        struct diag first;
        int k;

        if (!r->topo.partial)
                return resolve(spec, &r->topo, vm, ret, r->d);

        diag_init(&first);
        k = resolve(spec, &r->topo, vm, ret, &first);
        if (k >= 0) {
                for (size_t i = 0; i < first.n_warnings; i++)
                        diag_warn(r->d, "%s", first.warnings[i]);
                return k;
        }

        topology_done(&r->topo);
        k = topology_load(0, NULL, &r->topo, r->d);
        if (k < 0)
                return k;
        return resolve(spec, &r->topo, vm, ret, r->d);
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

/* The guest cell's memory as the facts for a memnode check; an error if the cell is not there. */
static int cell_facts(const struct run *r, unsigned cell, const char *subject, struct vm_facts *ret,
        char *label, size_t label_size) {
        const struct domxml_facts *f = &r->facts;
        struct range_writer ids = RANGE_WRITER_INIT;
        _cleanup_free_ char *list = NULL;

        snprintf(label, label_size, "guest cell %u's memory", cell);
        *ret = (struct vm_facts){.memory_label = label};

        for (size_t i = 0; i < f->n_cells; i++) {
                const struct domxml_cell *c = &f->cells[i];

                if (parse_id_str(c->id, NODE_ID_MAX) != (long) cell)
                        continue;
                if (c->memory) {
                        if (size_parse(c->memory, c->unit, &ret->memory) < 0)
                                return diag_error(r->d, -EINVAL,
                                        "%s: guest cell %u has an invalid memory size", subject, cell);
                        ret->has_memory = true;
                }
                return 0;
        }

        for (size_t i = 0; i < f->n_cells; i++) {
                long id = parse_id_str(f->cells[i].id, NODE_ID_MAX);

                if (id >= 0)
                        range_writer_add(&ids, (unsigned) id);
        }
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

static int run_start(struct run *r, struct hook_result *res) {
        const struct hook_request *req = r->req;
        struct numa_spec spec;
        struct memnode_list memnodes = {0};
        _cleanup_free_ struct memnode_binding *mb = NULL;
        struct numa_binding memory;
        struct nodeset named;
        struct numatune_request nr = {0};
        struct domxml_edit edit = {0};
        char memnodes_subject[sizeof(memnodes.quoted) + 32], from[2 * DIAG_LINE_MAX];
        char *out = NULL;
        size_t out_len = 0;
        int k;

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

        k = load(r, FILE_NOFOLLOW | FILE_SINGLE_LINK | FILE_EDIT);
        if (k >= 0)
                k = load_host(r, nodes_named(req->spec ? &spec : NULL, &memnodes, &named));
        if (k < 0)
                goto finish;

        if (req->spec) {
                k = resolve_on_host(r, &spec, &r->vm, &memory);
                if (k < 0)
                        goto finish;
                nr.memory = &memory;
                nr.memory_subject = spec.subject;
                if (memory.placement_auto && !req->capabilities_path && !topology_numad_installed())
                        diag_warn(r->d, "placement 'auto' needs numad, which is not installed on this host");
        }

        mb = calloc(memnodes.n + 1, sizeof(*mb));
        if (!mb) {
                k = diag_error(r->d, -ENOMEM, "out of memory");
                goto finish;
        }
        for (size_t i = 0; i < memnodes.n; i++) {
                const struct memnode_spec *m = &memnodes.items[i];
                struct numa_binding b;
                struct vm_facts cell;
                char label[64];

                k = cell_facts(r, m->cell, m->spec.subject, &cell, label, sizeof(label));
                if (k < 0)
                        goto finish;
                k = resolve_on_host(r, &m->spec, &cell, &b);
                if (k < 0)
                        goto finish;
                mb[i] = (struct memnode_binding){.cell = m->cell, .mode = b.mode, .nodes = b.nodes};
        }
        nr.memnodes = mb;
        nr.n_memnodes = memnodes.n;
        nr.memnodes_subject = memnodes_subject;

        k = numatune_plan(r->file.data, &r->facts, &nr, &edit, r->d);
        if (k < 0)
                goto finish;
        res->changed = k > 0;

        snprintf(from, sizeof(from), " from %s%s%s", req->spec ? spec.subject : "",
                req->spec && req->memnode_spec ? " and " : "", req->memnode_spec ? memnodes_subject : "");
        if (res->changed) {
                k = domxml_splice(r->file.data, r->file.len, &edit, &out, &out_len);
                if (k < 0) {
                        diag_error(r->d, k, "cannot edit the domain XML: %s", strerror(-k));
                        goto finish;
                }
                k = numatune_verify_edit(out, out_len, &edit, &nr, r->d);
                if (k < 0)
                        goto finish;
                if (!req->dry_run) {
                        k = file_replace(&r->file, out, out_len, r->d);
                        if (k < 0)
                                goto finish;
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
        k = 0;

finish:
        free(out);
        free(edit.text);
        memnode_list_done(&memnodes);
        return k;
}

/* One element of the incoming <numatune> as a spec the resolver can check. */
static int incoming_spec(
        const char *element, const char *mode, const char *nodeset, struct numa_spec *ret, struct diag *d) {
        struct numa_spec s = {.target = SPEC_TARGET_NODESET, .has_include = true};

        snprintf(s.subject, sizeof(s.subject), "incoming %s", element);
        s.mode = numatune_mode_or_default(mode);
        if (s.mode < 0)
                return diag_error(d, -EINVAL, "%s: unknown mode", s.subject);
        if (!nodeset || nodeset_parse_libvirt(nodeset, &s.include) < 0)
                return diag_error(d, -EINVAL, "%s: no nodeset this hook can read", s.subject);

        *ret = s;
        return 0;
}

/*
 * At the migration destination VDSM ignores the hook's output, but a
 * failure stops the migration before it starts, which is better than a
 * failure deep inside libvirt. So: check what came from the source.
 */
static int run_migrate_destination(struct run *r, struct hook_result *res) {
        const struct domxml_numatune *nt = &r->facts.numatune;
        const struct domxml_memory *m = &nt->memory;
        struct numa_binding b;
        struct numa_spec s;
        char element[DIAG_LINE_MAX / 2];
        int k;

        k = load(r, FILE_NOFOLLOW);
        if (k < 0)
                return k;
        if (r->facts.n_numatune == 0)
                return 0;
        k = load_host(r, NULL);
        if (k < 0)
                return k;
        if (r->facts.n_numatune > 1)
                return diag_error(r->d, -EINVAL, "incoming domain XML has %zu <numatune> elements",
                        r->facts.n_numatune);

        if (nt->n_memory > 0) {
                if (numatune_memory_placement_auto(m, r->facts.vcpu_placement_auto)) {
                        if (!r->req->capabilities_path && !topology_numad_installed())
                                diag_warn(r->d, "incoming placement 'auto' needs numad, which is not "
                                                "installed on this host");
                } else {
                        numatune_describe_memory(m, element, sizeof(element));
                        k = incoming_spec(element, m->mode, m->nodeset, &s, r->d);
                        if (k < 0)
                                return k;
                        k = resolve(&s, &r->topo, &r->vm, &b, r->d);
                        if (k < 0)
                                return k;
                }
        }

        for (size_t i = 0; i < nt->n_memnodes; i++) {
                const struct domxml_memnode *mn = &nt->memnodes[i];
                long cell = parse_id_str(mn->cellid, NODE_ID_MAX);
                struct vm_facts facts;
                char label[64];

                numatune_describe_memnode(mn, element, sizeof(element));
                k = incoming_spec(element, mn->mode, mn->nodeset, &s, r->d);
                if (k < 0)
                        return k;
                if (cell < 0)
                        return diag_error(r->d, -EINVAL, "%s: no cell id this hook can read", s.subject);
                k = cell_facts(r, (unsigned) cell, s.subject, &facts, label, sizeof(label));
                if (k < 0)
                        return k;
                k = resolve(&s, &r->topo, &facts, &b, r->d);
                if (k < 0)
                        return k;
        }

        snprintf(res->info, sizeof(res->info), "incoming <numatune> fits this host");
        return 0;
}

/* No property: a real run leaves the file alone unread; a dry run shows it unchanged. */
static int run_nothing(const struct hook_request *req, struct hook_result *res, struct diag *d) {
        struct file_data file;
        int k;

        if (!req->dry_run || !req->domxml_path)
                return 0;

        k = file_read(req->domxml_path, "domain XML", DOMXML_SIZE_MAX, FILE_NOFOLLOW, &file, d);
        if (k < 0)
                return k;
        res->output = TAKE_PTR(file.data);
        res->output_len = file.len;
        snprintf(res->info, sizeof(res->info),
                "no 'numa' or 'numa_memnode' custom property; domain XML unchanged");
        return 0;
}

int hook_run(const struct hook_request *req, struct hook_result *ret, struct diag *d) {
        struct hook_result res = {0};
        struct run r = {.req = req, .d = d};
        int k;

        if (req->point == HOOK_BEFORE_VM_MIGRATE_DESTINATION)
                k = run_migrate_destination(&r, &res);
        else if (!req->spec && !req->memnode_spec)
                k = run_nothing(req, &res, d);
        else
                k = run_start(&r, &res);
        run_done(&r);

        if (k < 0) {
                hook_result_done(&res);
                return k;
        }
        *ret = res;
        return 0;
}

void hook_result_done(struct hook_result *r) {
        free(r->output);
        *r = (struct hook_result){0};
}
