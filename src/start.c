/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The before_vm_start path: the numa and numa_memnode properties resolved on this host and inserted as
 * <numatune>. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domxml.h"
#include "fileio.h"
#include "fit_domain.h"
#include "host.h"
#include "macro.h"
#include "nodeset.h"
#include "numatune.h"
#include "placement.h"
#include "resolve.h"
#include "spec.h"
#include "start.h"
#include "strbuf.h"

/* What the path builds, step by step; released in one place. */
struct start {
        struct numa_spec spec; /* when the numa property is set */
        struct memnode_list memnodes;
        char memnodes_subject[DIAG_QUOTE_SIZE(SPEC_QUOTE_MAX) + 32]; /* "numa_memnode '...'" */
        struct binding memory;
        struct binding *memnode_bindings;
        struct numatune_request nr;
        struct domxml_edit edit;
        bool changed;
        struct fit_state fit;  /* what fit targets chose so far */
        struct strbuf fit_why; /* why they chose it, for the success line; empty without fit */
};

static void start_done(struct start *s) {
        free(s->fit_why.p);
        fit_state_done(&s->fit);
        domxml_edit_done(&s->edit);
        free(s->memnode_bindings);
        memnode_list_done(&s->memnodes);
}

/* The properties first: a bad value fails before any file is touched. */
static int parse(const struct hook_request *req, struct start *s, struct diag *d) {
        int k;

        if (req->spec) {
                k = spec_parse(req->spec, &s->spec, d);
                if (k < 0)
                        return k;
        }
        if (req->memnode_spec) {
                k = spec_parse_memnodes(req->memnode_spec, &s->memnodes, d);
                if (k < 0)
                        return k;
        }
        snprintf(s->memnodes_subject, sizeof(s->memnodes_subject), "numa_memnode '%s'", s->memnodes.quoted);
        return 0;
}

/* The nodes whose memory the specs can need: their plain items, or NULL for all of them. */
static const struct nodeset *nodes_named(
        const struct numa_spec *spec, const struct memnode_list *memnodes, struct nodeset *buf) {
        nodeset_clear(buf);
        if (memnodes->every_cell)
                return NULL; /* fit chooses among all of them */
        if (spec) {
                if ((spec->target == SPEC_TARGET_NODESET && !spec->has_include) ||
                        spec->target == SPEC_TARGET_FIT)
                        return NULL; /* "^3": the base is every node with memory; fit chooses among all */
                nodeset_union(buf, &spec->include);
        }
        for (size_t i = 0; i < memnodes->n; i++) {
                if (!memnodes->items[i].spec.has_include)
                        return NULL;
                nodeset_union(buf, &memnodes->items[i].spec.include);
        }
        return buf;
}

/* The domain XML, then the host, with the memory of only the nodes the properties name. */
static int load(struct run *r, struct start *s) {
        const struct hook_request *req = r->req;
        struct nodeset named;
        int k;

        /* A dry run shows what a real run would write even where that run would refuse the file. */
        k = run_load(r, FILE_NOFOLLOW | FILE_SINGLE_LINK | FILE_EDIT | (req->dry_run ? FILE_PREVIEW : 0));
        if (k < 0)
                return k;
        k = run_open_claims(r);
        if (k < 0)
                return k;
        return run_load_host(r, nodes_named(req->spec ? &s->spec : NULL, &s->memnodes, &named));
}

/*
 * resolve_spec() on a topology that may know only some nodes' memory. Those
 * are all the nodes a spec with plain items can pick, so success stands;
 * a failure is judged again on the whole host, so that the message (which
 * lists the nodes with memory) is exact.
 */
static int resolve_on_host(struct run *r, const struct numa_spec *spec, long cell, const struct vm_facts *vm,
        struct binding *ret) {
        struct diag_mark mark;
        int k;

        if (!r->host.topo.partial)
                return resolve_spec(spec, cell, &r->host.topo, vm, ret, r->d);

        mark = diag_mark(r->d);
        k = resolve_spec(spec, cell, &r->host.topo, vm, ret, r->d);
        if (k >= 0)
                return k;
        diag_rewind(r->d, mark);

        k = host_read_all_memory(&r->host, r->d);
        if (k < 0)
                return k;
        return resolve_spec(spec, cell, &r->host.topo, vm, ret, r->d);
}

/* How a guest cell's reason starts in the success line: where the line may be cut. */
#define FIT_WHY_CELL "; cell "

/*
 * A spec on this host; a fit target is chosen first (fit_domain.c), then
 * checked as the plain nodeset it becomes, and why it was chosen is added
 * to s->fit_why (a guest cell's after "; cell N").
 */
static int resolve_target(struct run *r, struct start *s, const struct numa_spec *spec, long cell,
        const struct vm_facts *vm, struct binding *ret) {
        struct numa_spec plain = *spec;
        struct vm_facts judged = *vm;
        struct binding chosen;
        char why[DIAG_LINE_MAX], cell_id[32];
        int k;

        if (spec->target != SPEC_TARGET_FIT)
                return resolve_on_host(r, spec, cell, vm, ret);
        k = fit_domain_resolve(r, spec, cell, vm, &s->fit, &chosen, why, sizeof(why));
        if (k < 0)
                return k;
        if (why[0] && cell != BINDING_VM) {
                snprintf(cell_id, sizeof(cell_id), "%s%ld", FIT_WHY_CELL, cell);
                strbuf_str(&s->fit_why, cell_id);
        }
        strbuf_str(&s->fit_why, why);
        plain.target = SPEC_TARGET_NODESET;
        plain.has_include = true;
        plain.include = chosen.nodes;
        nodeset_clear(&plain.exclude);
        /* fit judged the offers already (MemFree + Inactive(file)); interleave's are only warnings, as
         * before. */
        judged.fit_judged = spec->mode != NUMA_MODE_INTERLEAVE;
        k = resolve_on_host(r, &plain, cell, &judged, ret);
        /* An existing binding fit kept is no choice of fit's: the tier check still judges it. */
        if (k >= 0)
                ret->fit_chosen = chosen.fit_chosen;
        return k;
}

/* One warning for every node of unknown memory the bindings use: their checks were skipped. */
static void warn_unknown_memory(struct run *r, const struct nodeset *used) {
        struct nodeset unknown = *used;
        _cleanup_free_ char *list = NULL;

        nodeset_intersect(&unknown, &r->host.topo.memory_unknown);
        if (nodeset_is_empty(&unknown) || nodeset_format(&unknown, &list) < 0)
                return;
        diag_warn(r->d,
                "the capabilities XML gives no <memory> for node%s %s; %s memory is unknown, so whether %s "
                "memory and whether the VM fits is not checked",
                nodeset_count(&unknown) == 1 ? "" : "s", list, nodeset_count(&unknown) == 1 ? "its" : "their",
                nodeset_count(&unknown) == 1 ? "it has" : "they have");
}

/* numa_memnode 'MODE:fit' alone: one item for each guest cell of the domain, in cell order. */
static int expand_every_cell(struct run *r, struct start *s) {
        struct memnode_list *l = &s->memnodes;
        const struct domxml_facts *f = &r->facts;

        if (!l->every_cell)
                return 0;
        if (f->cells_refused)
                return diag_error(r->d, -EINVAL, "%s: %s", s->memnodes_subject, f->cells_refused);
        if (f->n_cells == 0)
                return diag_error(r->d, -EINVAL, "%s: the domain has no guest NUMA cells (<cpu><numa><cell>)",
                        s->memnodes_subject);
        l->items = calloc(f->n_cells, sizeof(*l->items));
        if (!l->items)
                return diag_error(r->d, -ENOMEM, "out of memory");
        for (size_t i = 0; i < f->n_cells; i++) {
                struct memnode_spec *m = &l->items[i];

                m->cell = (unsigned) i;
                m->spec = l->every_spec;
                snprintf(
                        m->spec.subject, sizeof(m->spec.subject), "numa_memnode cell %zu '%s'", i, l->quoted);
        }
        l->n = f->n_cells;
        return 0;
}

/*
 * The order the items are resolved in: nodesets first, as given, then the
 * fit cells in cell id order, so that each fit cell sees what the earlier
 * ones chose. Every cell with a nodeset counts for every fit cell, also
 * one with a higher cell id: its memory is on its nodes whatever the
 * order, and a fit cell that ignored it could share a node that cannot
 * hold both.
 */
static size_t *resolve_order(const struct memnode_list *l) {
        size_t *order = calloc(l->n + 1, sizeof(*order));
        size_t k = 0, fits;

        for (size_t i = 0; order && i < l->n; i++)
                if (l->items[i].spec.target != SPEC_TARGET_FIT)
                        order[k++] = i;
        fits = k;
        for (size_t i = 0; order && i < l->n; i++) {
                size_t j = k++;

                if (l->items[i].spec.target != SPEC_TARGET_FIT) {
                        k--;
                        continue;
                }
                for (; j > fits && l->items[order[j - 1]].cell > l->items[i].cell; j--)
                        order[j] = order[j - 1];
                order[j] = i;
        }
        return order;
}

/* Each numa_memnode item on its guest cell; their nodes are added to used. */
static int resolve_memnodes(struct run *r, struct start *s, struct nodeset *used) {
        const struct memnode_list *memnodes = &s->memnodes;
        _cleanup_free_ struct binding *mb = NULL;
        _cleanup_free_ size_t *order = NULL;
        bool has_fit;
        int k;

        k = expand_every_cell(r, s);
        if (k < 0)
                return k;
        mb = calloc(memnodes->n + 1, sizeof(*mb));
        order = resolve_order(memnodes);
        if (!mb || !order)
                return diag_error(r->d, -ENOMEM, "out of memory");
        /* The fit cells come last: the last item tells whether there are any. */
        has_fit = memnodes->n > 0 && memnodes->items[order[memnodes->n - 1]].spec.target == SPEC_TARGET_FIT;
        for (size_t o = 0; o < memnodes->n; o++) {
                size_t i = order[o];
                const struct memnode_spec *m = &memnodes->items[i];
                struct vm_facts cell;
                char label[64];

                k = run_cell_facts(r, m->cell, m->spec.subject, &cell, label, sizeof(label));
                if (k < 0)
                        return k;
                k = resolve_target(r, s, &m->spec, m->cell, &cell, &mb[i]);
                /* A cell with a nodeset takes its nodes' memory from the fit cells after it. */
                if (k >= 0 && has_fit && m->spec.target != SPEC_TARGET_FIT)
                        k = fit_domain_note(r, &m->spec, m->cell, &cell, &mb[i], &s->fit);
                if (k < 0)
                        return k;
                nodeset_union(used, &mb[i].nodes);
        }
        s->memnode_bindings = TAKE_PTR(mb);
        return 0;
}

/* The properties on this host: the request numatune_plan() takes, in s->nr. */
static int resolve(struct run *r, struct start *s) {
        const struct hook_request *req = r->req;
        struct nodeset used;
        int k;

        nodeset_clear(&used);
        if (req->spec) {
                k = resolve_target(r, s, &s->spec, BINDING_VM, &r->vm, &s->memory);
                if (k < 0)
                        return k;
                used = s->memory.nodes;
                if (s->memory.placement_auto && host_lacks_numad(&r->host))
                        diag_warn(r->d, "placement 'auto' needs numad, which is not installed on this host");
        }
        k = resolve_memnodes(r, s, &used);
        if (k < 0)
                return k;
        warn_unknown_memory(r, &used);

        s->nr = (struct numatune_request){
                .memory = req->spec ? &s->memory : NULL,
                .memory_subject = req->spec ? s->spec.subject : NULL,
                .memnodes = s->memnode_bindings,
                .n_memnodes = s->memnodes.n,
                .memnodes_subject = s->memnodes_subject,
        };
        return 0;
}

/* The one insertion that puts the request into the document; none when it is there already. */
static int plan(struct run *r, struct start *s) {
        return numatune_plan(r->file.data, &r->facts, &s->nr, &s->edit, &s->changed, r->d);
}

/* Huge pages and locality, once the bindings are known and before anything is written. */
static int check(struct run *r, const struct start *s) {
        _cleanup_free_ const char **subjects = NULL;
        size_t n_soft;

        subjects = calloc(s->memnodes.n + 1, sizeof(*subjects));
        if (!subjects)
                return diag_error(r->d, -ENOMEM, "out of memory");
        for (size_t i = 0; i < s->memnodes.n; i++)
                subjects[i] = s->memnodes.items[i].spec.subject;
        return placement_check(r, &s->nr, subjects, false, "existing", &n_soft);
}

/* "<memory .../> <memnode .../>" for the success line. */
static void describe_request(const struct numatune_request *nr, const char *tail, char *buf, size_t size) {
        struct strbuf t = {0};
        _cleanup_free_ char *text = NULL;

        if (nr->memory) {
                _cleanup_free_ char *m = NULL;

                if (numatune_markup(nr->memory, '\'', &m) == 0)
                        strbuf_str(&t, m);
        }
        for (size_t i = 0; i < nr->n_memnodes; i++) {
                _cleanup_free_ char *m = NULL;

                if (numatune_markup(&nr->memnodes[i], '\'', &m) == 0) {
                        if (t.len)
                                strbuf_str(&t, " ");
                        strbuf_str(&t, m);
                }
        }
        strbuf_str(&t, tail);
        if (strbuf_finish(&t, &text) == 0)
                snprintf(buf, size, "%s", text);
}

/*
 * fit's reasons after the line in buf: all of them when they fit, else
 * those of the first cells that fit and "; ...", never a reason cut short.
 */
static void append_why(const char *why, char *buf, size_t size) {
        static const char more[] = "; ...";
        size_t len = strlen(buf), cut = 0;

        if (len + strlen(why) < size) {
                strcpy(buf + len, why);
                return;
        }
        for (const char *p = strstr(why, FIT_WHY_CELL); p; p = strstr(p + 1, FIT_WHY_CELL))
                if (len + (size_t) (p - why) + strlen(more) < size)
                        cut = (size_t) (p - why);
        if (len + cut + strlen(more) < size)
                snprintf(buf + len, size - len, "%.*s%s", (int) cut, why, more);
}

/* The success line: what was set, or that it was there already. */
static void describe_outcome(const struct hook_request *req, const struct start *s, struct hook_result *res) {
        char from[2 * DIAG_LINE_MAX];

        snprintf(from, sizeof(from), " from %s%s%s", req->spec ? s->spec.subject : "",
                req->spec && req->memnode_spec ? " and " : "", req->memnode_spec ? s->memnodes_subject : "");
        if (s->changed) {
                strcpy(res->info, "set ");
                describe_request(&s->nr, from, res->info + 4, sizeof(res->info) - 4);
                if (!s->fit_why.oom && s->fit_why.p)
                        append_why(s->fit_why.p, res->info, sizeof(res->info));
        } else {
                strcat(from, " is already in the domain XML; nothing to change");
                describe_request(&s->nr, from, res->info, sizeof(res->info));
        }
}

/* The edit made, checked once more and written (a dry run keeps it instead); res filled on success. */
static int commit(struct run *r, const struct start *s, struct hook_result *ret) {
        const struct hook_request *req = r->req;
        struct hook_result res = {.changed = s->changed};
        _cleanup_free_ char *out = NULL;
        size_t out_len = 0;
        int k;

        if (s->changed) {
                k = domxml_splice(r->file.data, r->file.len, &s->edit, &out, &out_len);
                if (k < 0)
                        return diag_error(r->d, k, "cannot edit the domain XML: %s", strerror(-k));
                k = numatune_verify_edit(out, out_len, &s->edit, &s->nr, r->d);
                if (k < 0)
                        return k;
                if (!req->dry_run) {
                        k = file_replace(&r->file, out, out_len, r->d);
                        if (k < 0)
                                return k;
                }
        }
        describe_outcome(req, s, &res);

        if (req->dry_run && s->changed) {
                res.output = TAKE_PTR(out);
                res.output_len = out_len;
        } else if (req->dry_run) {
                res.output = TAKE_PTR(r->file.data);
                res.output_len = r->file.len;
        }
        *ret = res;
        return 0;
}

int start_run(struct run *r, struct hook_result *ret) {
        _cleanup_(start_done) struct start s = {0};
        int k;

        k = parse(r->req, &s, r->d);
        if (k >= 0)
                k = load(r, &s);
        if (k >= 0)
                k = resolve(r, &s);
        if (k >= 0)
                k = plan(r, &s);
        if (k >= 0)
                k = check(r, &s);
        /* The decision is made: record it and let the next run decide; then write the file. */
        if (k >= 0)
                k = claims_commit(&r->claims, &r->host, r->d);
        if (k >= 0)
                k = commit(r, &s, ret);
        /* The file was not written, so the VM does not start: its claim must not hold the memory. */
        if (k < 0)
                claims_withdraw(&r->claims);
        return k;
}
