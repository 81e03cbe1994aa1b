/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads another host's NUMA topology (its cells, their distances) and huge pages from `virsh capabilities`
 * XML. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "ascii.h"
#include "capabilities.h"
#include "fileio.h"
#include "macro.h"
#include "parse.h"
#include "size.h"
#include "xml.h"

/* A cell's <memory> and <pages> hold a number; anything longer is not one. */
#define CELL_TEXT_MAX 64

static const char *const cell_path[] = {"capabilities", "host", "topology", "cells", "cell"};

/* The text of a cell's child element, capped. */
struct cell_text {
        char text[CELL_TEXT_MAX + 1];
        size_t len;
        bool too_long;
};

/* A <sibling id= value=> of a cell's <distances>, and its place in the document. */
struct sibling {
        unsigned id, value;
        size_t order;
};

struct cell {
        long id;         /* -1: missing or invalid */
        bool has_memory; /* a <memory> element was there; see any_cell_memory() for a cell without */
        struct cell_text memory;
        char *unit;
        unsigned *cpus;
        size_t n_cpus;
        struct sibling *siblings; /* <distances>, in document order */
        size_t n_siblings;
};

struct caps_scan {
        struct xml_reader reader; /* first: the callbacks get a pointer to it */
        unsigned flags;
        unsigned depth;
        unsigned matched; /* how many leading elements of cell_path the open ones match */
        bool in_cpus;
        bool in_distances;
        struct cell_text *text; /* the open <memory>'s or <pages>'s text, NULL when none (no cell is
                                   added while one is open, so a pointer into cells stays valid) */
        struct cell *cells;
        size_t n_cells;

        bool want_pages;
        struct cell_text pages_text;
        uint64_t pages_kib; /* of the open <pages>; 0 when its size is invalid */
        struct caps_pages pages;
        bool bad_pages; /* an invalid <pages>: an error once the cells are known good */
        long bad_pages_cell;
};

static void caps_scan_done(struct caps_scan *s) {
        for (size_t i = 0; i < s->n_cells; i++) {
                free(s->cells[i].unit);
                free(s->cells[i].cpus);
                free(s->cells[i].siblings);
        }
        free(s->cells);
        caps_pages_done(&s->pages);
}

static int oom(struct caps_scan *s) {
        return xml_reader_stop(&s->reader, -ENOMEM, "out of memory while reading capabilities");
}

/* A decimal id attribute within limit, or -1. */
static long attr_id(int n_attrs, const xmlChar **attrs, unsigned long limit) {
        const char *v;
        size_t len;

        if (!xml_attr(n_attrs, attrs, "id", &v, &len))
                return -1;
        return parse_id(v, len, limit);
}

static void on_pages_start(struct caps_scan *s, int n_attrs, const xmlChar **attrs) {
        _cleanup_free_ char *size = NULL, *unit = NULL;
        uint64_t bytes;

        if (xml_attr_dup(n_attrs, attrs, "size", &size) < 0 ||
                xml_attr_dup(n_attrs, attrs, "unit", &unit) < 0) {
                oom(s);
                return;
        }
        s->pages_text = (struct cell_text){0};
        s->text = &s->pages_text;
        s->pages_kib = size && size_parse(size, unit, &bytes) == 0 && bytes >= 1024 ? bytes / 1024 : 0;
}

/*
 * A <sibling id='1' value='21'/>: libvirt writes both as decimals. One
 * this hook cannot read is left out (that distance is unknown): placement
 * reads distances, the checks never do, so a run does not fail for them.
 */
static void on_sibling(struct caps_scan *s, struct cell *c, int n_attrs, const xmlChar **attrs) {
        long id = attr_id(n_attrs, attrs, NODE_ID_MAX), value = -1;
        struct sibling *e;
        const char *v;
        size_t len;

        if (xml_attr(n_attrs, attrs, "value", &v, &len))
                value = parse_id(v, len, UINT_MAX);
        if (id < 0 || value <= 0)
                return;
        e = array_append(&c->siblings, &c->n_siblings, sizeof(*e));
        if (!e) {
                oom(s);
                return;
        }
        *e = (struct sibling){.id = (unsigned) id, .value = (unsigned) value, .order = c->n_siblings};
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int n_ns,
        const xmlChar **ns, int n_attrs, int n_defaulted, const xmlChar **attrs) {
        struct caps_scan *s = ctx;
        const char *n = (const char *) name;
        struct cell *c;

        (void) prefix;
        (void) n_ns;
        (void) ns;
        (void) n_defaulted;

        s->depth++;
        if (uri)
                return;

        if (s->matched == s->depth - 1 && s->depth <= ELEMENTSOF(cell_path) &&
                strcmp(n, cell_path[s->depth - 1]) == 0) {
                s->matched = s->depth;
                if (s->depth < ELEMENTSOF(cell_path))
                        return;

                c = array_append(&s->cells, &s->n_cells, sizeof(*c));
                if (!c) {
                        oom(s);
                        return;
                }
                c->id = attr_id(n_attrs, attrs, NODE_ID_MAX);
                return;
        }

        if (s->matched != ELEMENTSOF(cell_path))
                return;
        c = &s->cells[s->n_cells - 1];

        if (s->depth == ELEMENTSOF(cell_path) + 1 && strcmp(n, "memory") == 0) {
                /* A second <memory> replaces the first's text; one too long stays an error. */
                s->text = &c->memory;
                c->has_memory = true;
                c->memory.len = 0;
                c->memory.text[0] = '\0';
                free(c->unit);
                if (xml_attr_dup(n_attrs, attrs, "unit", &c->unit) < 0)
                        oom(s);
        } else if (s->depth == ELEMENTSOF(cell_path) + 1 && strcmp(n, "pages") == 0 && s->want_pages)
                on_pages_start(s, n_attrs, attrs);
        else if (s->depth == ELEMENTSOF(cell_path) + 1 && strcmp(n, "cpus") == 0)
                s->in_cpus = true;
        else if (s->depth == ELEMENTSOF(cell_path) + 1 && strcmp(n, "distances") == 0)
                s->in_distances = true;
        else if (s->in_distances && s->depth == ELEMENTSOF(cell_path) + 2 && strcmp(n, "sibling") == 0)
                on_sibling(s, c, n_attrs, attrs);
        else if (s->in_cpus && s->depth == ELEMENTSOF(cell_path) + 2 && strcmp(n, "cpu") == 0 &&
                 (s->flags & TOPOLOGY_CPUS)) {
                long id = attr_id(n_attrs, attrs, 1UL << 30);
                unsigned *cpus;

                if (id < 0)
                        return;
                cpus = array_append(&c->cpus, &c->n_cpus, sizeof(*cpus));
                if (!cpus) {
                        oom(s);
                        return;
                }
                *cpus = (unsigned) id;
        }
}

/* A page count as libvirt formats it: decimal digits, blanks around them allowed. */
static int parse_count(const char *text, uint64_t *ret) {
        uint64_t v = 0;
        const char *p = text;

        while (ascii_is_xml_space(*p))
                p++;
        if (*p < '0' || *p > '9')
                return -EINVAL;
        for (; *p >= '0' && *p <= '9'; p++) {
                if (v > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t) (*p - '0');
        }
        while (ascii_is_xml_space(*p))
                p++;
        if (*p)
                return -EINVAL;
        *ret = v;
        return 0;
}

static void on_pages_end(struct caps_scan *s) {
        long cell = s->cells[s->n_cells - 1].id;
        struct caps_page *p;
        uint64_t count;

        if (cell < 0 || s->pages_kib == 0 || s->pages_text.too_long ||
                parse_count(s->pages_text.text, &count) < 0) {
                if (!s->bad_pages) {
                        s->bad_pages = true;
                        s->bad_pages_cell = cell;
                }
                return;
        }
        p = array_append(&s->pages.items, &s->pages.n, sizeof(*p));
        if (!p) {
                oom(s);
                return;
        }
        *p = (struct caps_page){.node = (unsigned) cell, .size_kib = s->pages_kib, .count = count};
}

static void on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri) {
        struct caps_scan *s = ctx;

        (void) name;
        (void) prefix;
        (void) uri;

        if (s->depth == ELEMENTSOF(cell_path) + 1) {
                if (s->text == &s->pages_text)
                        on_pages_end(s);
                s->text = NULL;
                s->in_cpus = false;
                s->in_distances = false;
        }
        if (s->matched == s->depth)
                s->matched--;
        s->depth--;
}

static void on_characters(void *ctx, const xmlChar *text, int len) {
        struct caps_scan *s = ctx;
        struct cell_text *t = s->text;

        if (!t || s->depth != ELEMENTSOF(cell_path) + 1)
                return;
        if (t->len + (size_t) len > CELL_TEXT_MAX) {
                t->too_long = true;
                return;
        }
        memcpy(t->text + t->len, text, (size_t) len);
        t->len += (size_t) len;
        t->text[t->len] = '\0';
}

static int cmp_cell(const void *a, const void *b) {
        const struct cell *x = a, *y = b;

        return (x->id > y->id) - (x->id < y->id);
}

static int cell_cpus(struct cell *c, char **ret) {
        struct range_writer w = RANGE_WRITER_INIT;

        /* A memory-only node (<cpus num='0'/>) has no array; the sort leaves NULL alone. */
        c->n_cpus = array_sort_unique_unsigned(c->cpus, c->n_cpus);
        for (size_t i = 0; i < c->n_cpus; i++)
                range_writer_add(&w, c->cpus[i]);
        return range_writer_finish(&w, ret);
}

/* By node, and of one node's the later in the document first. */
static int cmp_sibling(const void *a, const void *b) {
        const struct sibling *x = a, *y = b;

        if (x->id != y->id)
                return x->id < y->id ? -1 : 1;
        return (x->order < y->order) - (x->order > y->order);
}

static int cmp_sibling_id(const void *a, const void *b) {
        const struct sibling *x = a, *y = b;

        return (x->id > y->id) - (x->id < y->id);
}

/* The cell's distances, ascending by node; of two for one node, the later counts. Returns 0 or -ENOMEM. */
static int cell_distances(struct cell *c, struct node_facts *f) {
        struct node_distance *d;
        size_t n;

        if (c->n_siblings == 0)
                return 0;
        d = calloc(c->n_siblings, sizeof(*d));
        if (!d)
                return -ENOMEM;
        n = array_sort_unique_by(
                c->siblings, c->n_siblings, sizeof(*c->siblings), cmp_sibling, cmp_sibling_id);
        for (size_t i = 0; i < n; i++)
                d[i] = (struct node_distance){.id = c->siblings[i].id, .value = c->siblings[i].value};
        f->distances = d;
        f->n_distances = n;
        return 0;
}

/*
 * libvirt writes a cell's <memory> only when it is not 0
 * (virCapabilitiesHostNUMAFormat: "if (cell->mem)"), so beside a cell
 * that has one, a cell without one is memoryless. Only where no cell has
 * one (libvirt before it reported cell memory) is every size unknown.
 */
static bool any_cell_memory(const struct caps_scan *s) {
        for (size_t i = 0; i < s->n_cells; i++)
                if (s->cells[i].has_memory)
                        return true;
        return false;
}

static int build_topology(struct caps_scan *s, struct topology *ret, struct diag *d) {
        _cleanup_(topology_done) struct topology t = {.has_free = false};
        bool memory_known;
        int r;

        if (s->n_cells == 0)
                return diag_error(d, -EINVAL, "capabilities XML has no host/topology/cells/cell");
        memory_known = any_cell_memory(s);

        qsort(s->cells, s->n_cells, sizeof(*s->cells), cmp_cell);
        for (size_t i = 0; i < s->n_cells; i++) {
                struct cell *c = &s->cells[i];
                _cleanup_free_ char *cpus = NULL;
                uint64_t total = 0;

                if (c->id < 0) {
                        return diag_error(d, -EINVAL,
                                "capabilities XML has a <cell> without a valid id (0-%d)", NODE_ID_MAX);
                }
                if (i > 0 && c->id == s->cells[i - 1].id) {
                        return diag_error(d, -EINVAL, "capabilities XML has cell %ld twice", c->id);
                }
                if (c->memory.too_long ||
                        (c->memory.len > 0 && size_parse(c->memory.text, c->unit, &total) < 0)) {
                        return diag_error(d, -EINVAL,
                                "capabilities XML cell %ld has an invalid <memory> (libvirt writes <memory "
                                "unit='KiB'>SIZE</memory>); save that host's `virsh capabilities` again",
                                c->id);
                }
                if ((s->flags & TOPOLOGY_CPUS) && cell_cpus(c, &cpus) < 0) {
                        return diag_error(d, -ENOMEM, "out of memory");
                }
                r = topology_add_node(&t, (unsigned) c->id, total, 0, cpus);
                if (r < 0) {
                        diag_error(d, r, "out of memory");
                        return r;
                }
                TAKE_PTR(cpus); /* the node's now */
                if (cell_distances(c, &t.nodes[t.n_nodes - 1].facts) < 0)
                        return diag_error(d, -ENOMEM, "out of memory");
                /* Older libvirt writes no <memory> for any cell: unknown, which is not 0. */
                if (!memory_known)
                        topology_set_memory_unknown(&t, (unsigned) c->id);
        }

        *ret = TAKE_STRUCT(t);
        return 0;
}

int capabilities_parse(const char *buf, size_t len, unsigned flags, struct topology *ret,
        struct caps_pages *ret_pages, struct diag *d) {
        static const xmlSAXHandler sax = {
                .startElementNs = on_start,
                .endElementNs = on_end,
                .characters = on_characters,
        };
        _cleanup_(caps_scan_done) struct caps_scan s = {
                .reader = {.buf = buf, .len = len, .what = "capabilities XML", .d = d},
                .flags = flags,
                .want_pages = ret_pages != NULL,
        };
        _cleanup_(topology_done) struct topology t = {0};
        int r;

        r = xml_read(&s.reader, &sax);
        if (r >= 0)
                r = build_topology(&s, &t, d);
        /* The cells first: a <pages> of a cell without a valid id is that cell's fault. */
        if (r >= 0 && s.bad_pages) {
                r = diag_error(d, -EINVAL,
                        "capabilities XML cell %ld has an invalid <pages> (libvirt writes <pages "
                        "unit='KiB' size='2048'>COUNT</pages>: a size above 0, a decimal count); save "
                        "that host's `virsh capabilities` again",
                        s.bad_pages_cell);
        }
        if (r < 0)
                return r;
        *ret = TAKE_STRUCT(t);
        if (ret_pages)
                *ret_pages = TAKE_STRUCT(s.pages);
        return 0;
}

int capabilities_load(const char *path, unsigned flags, struct topology *ret, struct caps_pages *ret_pages,
        struct diag *d) {
        _cleanup_(file_data_done) struct file_data f = {.dir_fd = -1, .fd = -1};
        int r;

        r = file_read(path, "capabilities file", CAPABILITIES_SIZE_MAX, 0, &f, d);
        if (r < 0)
                return r;
        r = capabilities_parse(f.data, f.len, flags, ret, ret_pages, d);
        if (r >= 0) {
                /*
                 * Messages name the host once, here: "which the host in caps.xml does not have".
                 * Sized to fit ret->host after "the host in ", not DIAG_QUOTE_SIZE(128): a path
                 * of many escaped bytes is cut there, with "...".
                 */
                char q[sizeof(ret->host) - 16];

                diag_quote(path, strlen(path), 128, q, sizeof(q));
                snprintf(ret->host, sizeof(ret->host), "the host in %s", q);
        }
        return r;
}

void caps_pages_done(struct caps_pages *p) {
        free(p->items);
        *p = (struct caps_pages){0};
}

/*
 * The largest base page Linux has (ppc64's and arm64's 64 KiB); every huge
 * page size is larger but arm64's 64 KiB contiguous pages, whose base page
 * (4 KiB) libvirt lists before them.
 */
#define BASE_PAGE_KIB_MAX 64

/*
 * libvirt 1.2.7 and later list every page pool of a cell, ascending, the
 * base page first (virNumaGetPages); every larger size is a huge page
 * size. A document whose smallest size is above any base page lists huge
 * pages only: its smallest is no base page, and this machine's is taken
 * instead.
 */
static uint64_t base_kib(const struct caps_pages *p, uint64_t this_machine) {
        uint64_t base = UINT64_MAX;

        for (size_t i = 0; i < p->n; i++)
                if (p->items[i].size_kib < base)
                        base = p->items[i].size_kib;
        return base <= BASE_PAGE_KIB_MAX ? base : this_machine;
}

/*
 * The huge page sizes: every size above the base page, ascending, each
 * once. Sorted, not picked one by one: a hostile document may list
 * hundreds of thousands. Returns 0 or -ENOMEM.
 */
static int huge_sizes(const struct caps_pages *p, uint64_t base, uint64_t **ret, size_t *ret_n) {
        uint64_t *sizes = malloc((p->n ? p->n : 1) * sizeof(*sizes));
        size_t n = 0;

        if (!sizes)
                return -ENOMEM;
        for (size_t i = 0; i < p->n; i++)
                if (p->items[i].size_kib > base)
                        sizes[n++] = p->items[i].size_kib;
        *ret_n = array_sort_unique_u64(sizes, n);
        *ret = sizes;
        return 0;
}

/* A <pages> and its place in the document, which decides between two of one size in one cell. */
struct page_ref {
        const struct caps_page *page;
        size_t order;
};

static int cmp_page_ref(const void *a, const void *b) {
        const struct page_ref *x = a, *y = b;

        if (x->page->size_kib != y->page->size_kib)
                return x->page->size_kib < y->page->size_kib ? -1 : 1;
        if (x->page->node != y->page->node)
                return x->page->node < y->page->node ? -1 : 1;
        return x->order < y->order ? -1 : x->order > y->order;
}

/* The host's pages from refs sorted by size, node and order: the last of a node and size counts. */
static int set_pages(const struct page_ref *refs, size_t n, struct host *h) {
        struct host_pages *pages = calloc(n ? n : 1, sizeof(*pages));
        size_t k = 0;

        if (!pages)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const struct caps_page *c = refs[i].page;

                if (i + 1 < n && refs[i + 1].page->size_kib == c->size_kib &&
                        refs[i + 1].page->node == c->node)
                        continue;
                pages[k++] =
                        (struct host_pages){.kib = c->size_kib, .node = {.id = c->node, .total = c->count}};
        }
        free(h->pages);
        h->pages = pages;
        h->n_pages = k;
        return 0;
}

int capabilities_host_pages(const struct caps_pages *p, struct host *h) {
        _cleanup_free_ struct page_ref *refs = calloc(p->n ? p->n : 1, sizeof(*refs));
        uint64_t base = base_kib(p, h->base_page_kib);
        int r;

        if (!refs)
                return -ENOMEM;
        for (size_t i = 0; i < p->n; i++)
                refs[i] = (struct page_ref){.page = &p->items[i], .order = i};
        qsort(refs, p->n, sizeof(*refs), cmp_page_ref);
        r = set_pages(refs, p->n, h);
        if (r < 0)
                return r;
        r = huge_sizes(p, base, &h->sizes, &h->n_sizes);
        if (r < 0)
                return r;
        h->sizes_known = true;
        /* The document does not say which size is the default: the smallest huge one. */
        h->default_kib = h->n_sizes > 0 ? h->sizes[0] : 0;
        h->default_known = true;
        h->base_page_kib = base;
        h->pages_unknown = p->n == 0;
        h->pages_have_free = false;
        return 0;
}
