/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host model: its nodes and huge pages, read from this host or another host's capabilities XML. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "capabilities.h"
#include "cgroup.h"
#include "host.h"
#include "macro.h"
#include "topology.h"

int topology_add_node(struct topology *t, unsigned id, uint64_t total, uint64_t free, char *cpus) {
        struct topology_node *node;

        if (id > NODE_ID_MAX || nodeset_contains(&t->present, id))
                return -EINVAL;
        if (t->n_nodes > 0 && t->nodes[t->n_nodes - 1].id > id)
                return -EINVAL;

        node = array_append(&t->nodes, &t->n_nodes, sizeof(*node));
        if (!node)
                return -ENOMEM;
        *node = (struct topology_node){.id = id, .total = total, .free = free, .cpus = cpus};

        nodeset_add(&t->present, id);
        if (total > 0)
                nodeset_add(&t->with_memory, id);
        return 0;
}

void topology_set_memory_unknown(struct topology *t, unsigned id) {
        for (size_t i = 0; i < t->n_nodes; i++) {
                struct topology_node *node = &t->nodes[i];

                if (node->id != id)
                        continue;
                node->memory_unknown = true;
                node->total = node->free = 0;
                nodeset_remove_range(&t->with_memory, id, id);
                nodeset_add(&t->memory_unknown, id);
                return;
        }
}

const struct topology_node *topology_node(const struct topology *t, unsigned id) {
        size_t i = INDEX_BY_ID(t->nodes, t->n_nodes, id);

        return i < t->n_nodes ? &t->nodes[i] : NULL;
}

static uint64_t sum(const struct topology *t, const struct nodeset *s, bool free_memory) {
        uint64_t total = 0;

        for (size_t i = 0; i < t->n_nodes; i++) {
                uint64_t v = free_memory ? t->nodes[i].free : t->nodes[i].total;

                if (!nodeset_contains(s, t->nodes[i].id))
                        continue;
                total = v > UINT64_MAX - total ? UINT64_MAX : total + v;
        }
        return total;
}

uint64_t topology_sum_total(const struct topology *t, const struct nodeset *s) {
        return sum(t, s, false);
}

uint64_t topology_sum_free(const struct topology *t, const struct nodeset *s) {
        return sum(t, s, true);
}

void topology_done(struct topology *t) {
        for (size_t i = 0; i < t->n_nodes; i++) {
                free(t->nodes[i].cpus);
                free(t->nodes[i].facts.distances);
        }
        free(t->nodes);
        *t = (struct topology){0};
}

const struct hugepage_node *hugepage_pool_node(const struct hugepage_pool *p, unsigned id) {
        /* Every pool is built by walking a node set, so its nodes ascend: --topology asks for each one. */
        size_t i = INDEX_BY_ID(p->nodes, p->n_nodes, id);

        return i < p->n_nodes ? &p->nodes[i] : NULL;
}

void hugepage_pool_done(struct hugepage_pool *p) {
        free(p->nodes);
        *p = (struct hugepage_pool){0};
}

int host_load(const struct host_source *src, struct host *ret, struct diag *d) {
        _cleanup_(host_done) struct host h = {
                .sysfs = src->sysfs ? src->sysfs : HOST_SYSFS,
                .meminfo = src->meminfo ? src->meminfo : HOST_MEMINFO,
                .cgroup_root = src->cgroup_root ? src->cgroup_root : CGROUP_ROOT,
                .flags = src->flags,
                .pages_have_free = true,
        };
        long page_size = sysconf(_SC_PAGESIZE);
        _cleanup_(caps_pages_done) struct caps_pages pages = {0};
        int r;

        h.base_page_kib = page_size > 0 ? (uint64_t) page_size / 1024 : 4;
        if (!src->capabilities) {
                r = topology_load(src->flags, src->only, &h.topo, d);
                if (r < 0)
                        return r;
                *ret = TAKE_STRUCT(h);
                return 0;
        }

        /* Another host: none of its files are here. */
        h.sysfs = h.meminfo = h.cgroup_root = NULL;
        h.pages_have_free = false;
        r = capabilities_load(src->capabilities, src->flags, &h.topo, src->pages ? &pages : NULL, d);
        if (r < 0)
                return r;
        if (src->pages) {
                r = capabilities_host_pages(&pages, &h);
                if (r < 0)
                        return diag_error(d, r, "out of memory");
        } else
                /* Not read, so not known: nothing is ever read for them later. */
                h.pages_unknown = h.sizes_known = h.default_known = true;
        *ret = TAKE_STRUCT(h);
        return 0;
}

int host_read_all_memory(struct host *h, struct diag *d) {
        _cleanup_(topology_done) struct topology t = {0};
        int r;

        if (!h->topo.partial)
                return 0;
        r = topology_load(h->flags, NULL, &t, d);
        if (r < 0)
                return r;
        /* What was read of the nodes stays read: each file once a run. */
        for (size_t i = 0; i < t.n_nodes; i++) {
                struct topology_node *old = (struct topology_node *) topology_node(&h->topo, t.nodes[i].id);

                if (old)
                        t.nodes[i].facts = TAKE_STRUCT(old->facts);
        }
        topology_done(&h->topo);
        h->topo = TAKE_STRUCT(t);
        return 0;
}

int host_hugepage_sizes(struct host *h, const uint64_t **ret, size_t *ret_n) {
        int r;

        if (!h->sizes_known) {
                r = topology_hugepage_sizes(h->sysfs, &h->sizes, &h->n_sizes);
                if (r < 0)
                        return r;
                h->sizes_known = true;
        }
        *ret = h->sizes;
        *ret_n = h->n_sizes;
        return 0;
}

int host_hugepage_default(struct host *h, uint64_t *ret_kib) {
        int r;

        if (!h->default_known) {
                r = topology_hugepage_default(h->meminfo, &h->default_kib);
                if (r < 0 && r != -ENOENT)
                        return r;
                if (r == -ENOENT)
                        h->default_kib = 0;
                h->default_known = true;
        }
        if (h->default_kib == 0)
                return -ENOENT;
        *ret_kib = h->default_kib;
        return 0;
}

/* A page size to find in h->pages; with after, the place just past its entries. */
struct pages_key {
        uint64_t kib;
        bool after;
};

static bool pages_before(const void *element, const void *key) {
        const struct host_pages *p = element;
        const struct pages_key *k = key;

        return p->kib < k->kib || (k->after && p->kib == k->kib);
}

/* The index of the first of h->pages of kib or a larger size (with after: of a larger size). */
static size_t pages_bound(const struct host *h, uint64_t kib, bool after) {
        const struct pages_key key = {.kib = kib, .after = after};

        return array_lower_bound(h->pages, h->n_pages, sizeof(*h->pages), pages_before, &key);
}

int host_hugepage_size_exists(struct host *h, uint64_t kib, bool *ret_exists) {
        size_t i;

        /* This host: one look at the size's directory, not a listing of them all. */
        if (h->sysfs)
                return topology_hugepage_size_exists(h->sysfs, kib, ret_exists);
        i = pages_bound(h, kib, false);
        *ret_exists = i < h->n_pages && h->pages[i].kib == kib;
        return 0;
}

/* Adds fresh's nodes of its size, which h lacks, to h->pages, keeping the order. Returns 0 or -ENOMEM. */
static int merge_pages(struct host *h, const struct hugepage_pool *fresh) {
        size_t lo = pages_bound(h, fresh->page_kib, false), hi = pages_bound(h, fresh->page_kib, true);
        size_t n = h->n_pages + fresh->n_nodes, a = lo, b = 0, k = lo;
        struct host_pages *pages = calloc(n ? n : 1, sizeof(*pages));

        if (!pages)
                return -ENOMEM;
        /* Guarded: h->pages is NULL before the first read, and memcpy() from NULL is undefined. */
        if (lo > 0)
                memcpy(pages, h->pages, lo * sizeof(*pages));
        while (a < hi || b < fresh->n_nodes) {
                bool from_h = b == fresh->n_nodes || (a < hi && h->pages[a].node.id < fresh->nodes[b].id);

                pages[k++] = from_h ? h->pages[a++]
                                    : (struct host_pages){.kib = fresh->page_kib, .node = fresh->nodes[b++]};
        }
        if (hi < h->n_pages)
                memcpy(pages + k, h->pages + hi, (h->n_pages - hi) * sizeof(*pages));
        free(h->pages);
        h->pages = pages;
        h->n_pages = n;
        return 0;
}

/* This host: the files of kib's nodes not read yet, into h->pages. Returns 0 or a negative errno. */
static int read_pages(struct host *h, uint64_t kib, const struct nodeset *nodes) {
        _cleanup_(hugepage_pool_done) struct hugepage_pool fresh = {0};
        struct host_size_read *size = NULL;
        struct nodeset missing = *nodes;
        int r;

        for (size_t i = 0; !size && i < h->n_read; i++)
                if (h->read[i].kib == kib)
                        size = &h->read[i];
        if (size)
                nodeset_subtract(&missing, &size->nodes);
        if (nodeset_is_empty(&missing))
                return 0;
        /* The size's overcommit comes with its first nodes, and only then. */
        h->pages_failed_path[0] = '\0';
        if (size)
                r = topology_hugepage_nodes_read(
                        h->sysfs, kib, &missing, &fresh, h->pages_failed_path, sizeof(h->pages_failed_path));
        else
                r = topology_hugepages_read(
                        h->sysfs, kib, &missing, &fresh, h->pages_failed_path, sizeof(h->pages_failed_path));
        if (r < 0)
                return r;
        if (!size) {
                size = array_append(&h->read, &h->n_read, sizeof(*size));
                if (!size)
                        return -ENOMEM;
                *size = (struct host_size_read){.kib = kib,
                        .has_overcommit = fresh.has_overcommit,
                        .overcommit = fresh.overcommit,
                        .surplus = fresh.surplus};
                nodeset_clear(&size->nodes);
        }
        r = merge_pages(h, &fresh);
        if (r < 0)
                return r;
        nodeset_union(&size->nodes, &missing);
        return 0;
}

/* The pool's overcommit, from this host's files (another host's is not known). */
static void pool_overcommit(const struct host *h, struct hugepage_pool *p) {
        for (size_t i = 0; i < h->n_read; i++)
                if (h->read[i].kib == p->page_kib) {
                        p->has_overcommit = h->read[i].has_overcommit;
                        p->overcommit = h->read[i].overcommit;
                        p->surplus = h->read[i].surplus;
                }
}

int host_hugepage_pool(struct host *h, uint64_t kib, const struct nodeset *nodes, struct hugepage_pool *ret) {
        _cleanup_(hugepage_pool_done) struct hugepage_pool p = {
                .page_kib = kib, .has_free = h->pages_have_free};
        size_t lo, hi;
        int r;

        if (h->sysfs) {
                r = read_pages(h, kib, nodes);
                if (r < 0)
                        return r;
        }
        pool_overcommit(h, &p);
        lo = pages_bound(h, kib, false);
        hi = pages_bound(h, kib, true);
        for (int id = nodeset_next(nodes, 0); id >= 0; id = nodeset_next(nodes, id + 1)) {
                /* None of this size (h->pages may be NULL): no search. */
                size_t i = lo == hi ? hi
                                    : lo + array_index_by_id(h->pages + lo, hi - lo, sizeof(*h->pages),
                                                   offsetof(struct host_pages, node.id), (unsigned) id);
                struct hugepage_node *node = array_append(&p.nodes, &p.n_nodes, sizeof(*node));

                if (!node)
                        return -ENOMEM;
                /* A node without pages of this size has none. */
                *node = i < hi ? h->pages[i].node : (struct hugepage_node){.id = (unsigned) id};
        }
        *ret = TAKE_STRUCT(p);
        return 0;
}

const char *host_pages_error(const struct host *h, int r, char *buf, size_t size) {
        const char *why = r == -EINVAL ? "not a number" : strerror(-r);
        char q[DIAG_QUOTE_SIZE(256)];

        if (r == -ENOMEM || !h->pages_failed_path[0]) {
                snprintf(buf, size, ": %s", strerror(-r));
                return buf;
        }
        diag_quote(h->pages_failed_path, strlen(h->pages_failed_path), 256, q, sizeof(q));
        snprintf(buf, size, " from %s: %s", q, why);
        return buf;
}

int host_machine_mems(struct host *h, bool *ret_found, struct nodeset *ret, const char **ret_path) {
        int r;

        *ret_path = h->machine_mems_path;
        if (!h->cgroup_root) {
                *ret_found = false;
                return 0;
        }
        if (!h->machine_mems_read) {
                r = cgroup_machine_mems(h->cgroup_root, &h->machine_mems_found, &h->machine_mems,
                        h->machine_mems_path, sizeof(h->machine_mems_path));
                if (r < 0)
                        return r;
                h->machine_mems_read = true;
        }
        *ret_found = h->machine_mems_found;
        if (h->machine_mems_found)
                *ret = h->machine_mems;
        return 0;
}

bool host_lacks_numad(const struct host *h) {
        return h->sysfs && !topology_numad_installed();
}

int host_pci_node(const struct host *h, unsigned domain, unsigned bus, unsigned slot, unsigned function,
        int *ret_node) {
        /* Another host's capabilities say nothing of its PCI devices. */
        if (!h->sysfs)
                return -ENOENT;
        return topology_pci_node(h->sysfs, domain, bus, slot, function, ret_node);
}

void host_done(struct host *h) {
        topology_done(&h->topo);
        free(h->sizes);
        free(h->pages);
        free(h->read);
        *h = (struct host){0};
}
