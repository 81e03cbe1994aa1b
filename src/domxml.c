/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scans the domain XML in one streaming pass for what the hook needs, and splices an edit into it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "domxml.h"
#include "macro.h"
#include "nodeset.h"
#include "parse.h"
#include "strbuf.h"
#include "xml.h"

/*
 * The elements libvirt's formatter (virDomainDefFormatInternal) writes
 * before <numatune>, in its order (its test driver's dumpxml shows it),
 * each with a rank: <numatune> goes right after the element of the
 * highest rank the domain has, the last of equals. The vCPU and I/O thread
 * elements and <cputune>, which libvirt writes right before it, share the
 * top rank, so the last of them in the document wins (VDSM writes
 * <iothreads> before <vcpu>); without them, a domain gets it after
 * <memoryBacking> or what else comes latest in libvirt's order, before
 * <os>, not as its last child.
 */
static const struct {
        const char *name;
        unsigned rank;
} anchors[] = {
        {"name", 1},
        {"uuid", 2},
        {"genid", 3},
        {"title", 4},
        {"description", 5},
        {"metadata", 6},
        {"maxMemory", 7},
        {"memory", 8},
        {"currentMemory", 9},
        {"blkiotune", 10},
        {"memtune", 11},
        {"memoryBacking", 12},
        {"vcpu", 13},
        {"vcpus", 13},
        {"iothreads", 13},
        {"iothreadids", 13},
        {"defaultiothread", 13},
        {"cputune", 13},
};

/*
 * What the scan reads inside an open element. Each element gets its
 * context when it opens, from its parent's context and its own name
 * alone (context_of()), and keeps it on the stack until it closes; every
 * callback asks the stack, so none depends on another having run first.
 */
enum context {
        CTX_DOCUMENT,        /* depth 0: outside the root */
        CTX_DOMAIN,          /* the root <domain> */
        CTX_NONE,            /* nothing inside is read (but the quote style) */
        CTX_MEMORY,          /* the first <domain><memory>: its text */
        CTX_VCPU,            /* the first <domain><vcpu>: its text; libvirt reads ./vcpu[1] only */
        CTX_NUMATUNE,        /* the first <domain><numatune> */
        CTX_NUMATUNE_MEMORY, /* its first <memory> */
        CTX_CPU,             /* a <domain><cpu> */
        CTX_CPU_NUMA,        /* the first <numa> in a <cpu>: libvirt reads ./cpu/numa[1]/cell only */
        CTX_MEMORY_BACKING,  /* a <domain><memoryBacking> */
        CTX_HUGEPAGES,       /* ...its <hugepages> */
        CTX_CPUTUNE,         /* a <domain><cputune> */
        CTX_DEVICES,         /* a <domain><devices> */
        CTX_HOSTDEV_PCI,     /* ...its <hostdev mode='subsystem' type='pci'> */
        CTX_HOSTDEV_SOURCE,  /* ...its <source> */
};

/* The elements in no namespace that get a context other than CTX_NONE, below the root. */
static const struct {
        unsigned char parent, context;
        const char *name;
        bool once; /* only the first such element in the document gets it */
} contexts[] = {
        {CTX_DOMAIN, CTX_MEMORY, "memory", true},
        {CTX_DOMAIN, CTX_VCPU, "vcpu", true},
        {CTX_DOMAIN, CTX_NUMATUNE, "numatune", true},
        {CTX_DOMAIN, CTX_CPU, "cpu", false},
        {CTX_DOMAIN, CTX_MEMORY_BACKING, "memoryBacking", false},
        {CTX_DOMAIN, CTX_CPUTUNE, "cputune", false},
        {CTX_DOMAIN, CTX_DEVICES, "devices", false},
        {CTX_NUMATUNE, CTX_NUMATUNE_MEMORY, "memory", true},
        {CTX_CPU, CTX_CPU_NUMA, "numa", true},
        {CTX_MEMORY_BACKING, CTX_HUGEPAGES, "hugepages", false},
        {CTX_DEVICES, CTX_HOSTDEV_PCI, "hostdev", false}, /* and mode='subsystem' type='pci' */
        {CTX_HOSTDEV_PCI, CTX_HOSTDEV_SOURCE, "source", false},
};

/* Contexts are kept this deep; every element deeper is CTX_NONE (the deepest context is at depth 4). */
#define SCAN_DEPTH_KEPT 8

struct scan {
        struct xml_reader reader; /* first: the callbacks get a pointer to it */
        struct domxml_facts *f;
        unsigned depth;                       /* of the innermost open element; root is 1 */
        unsigned char stack[SCAN_DEPTH_KEPT]; /* enum context of the open element at each depth */
        unsigned given;                       /* the once contexts given so far, 1u << context */
        unsigned anchor_rank;                 /* the anchor's rank in anchors[], 0 while there is none */
        struct strbuf memory_text; /* no cap: libvirt has none, and leading blanks and zeros are valid */
};

static enum context context_at(const struct scan *s, unsigned depth) {
        return depth < SCAN_DEPTH_KEPT ? (enum context) s->stack[depth] : CTX_NONE;
}

static bool is_name(const xmlChar *name, const char *want) {
        return strcmp((const char *) name, want) == 0;
}

/* The context of an element opening inside one of context parent (see contexts[]). */
static enum context context_of(struct scan *s, enum context parent, const xmlChar *name, const xmlChar *uri,
        int n_attrs, const xmlChar **attrs) {
        if (parent == CTX_DOCUMENT)
                return CTX_DOMAIN; /* on_root() refuses anything but <domain> */
        if (uri)
                return CTX_NONE;
        for (size_t i = 0; i < ELEMENTSOF(contexts); i++) {
                unsigned bit = 1u << contexts[i].context;

                if (contexts[i].parent != parent || !is_name(name, contexts[i].name))
                        continue;
                if (contexts[i].once && (s->given & bit))
                        return CTX_NONE;
                if (contexts[i].context == CTX_HOSTDEV_PCI &&
                        !(xml_attr_equals(n_attrs, attrs, "mode", "subsystem") &&
                                xml_attr_equals(n_attrs, attrs, "type", "pci")))
                        return CTX_NONE;
                s->given |= bit;
                return contexts[i].context;
        }
        return CTX_NONE;
}

static int fail_position(struct scan *s) {
        return xml_reader_stop(&s->reader, -EIO,
                "cannot locate an element of the domain XML in the file (libxml2 offsets disagree)");
}

static int oom(struct scan *s) {
        return xml_reader_stop(&s->reader, -ENOMEM, "out of memory while reading the domain XML");
}

/* The quote character of the first attribute in a start tag, or 0. */
static char tag_quote(const char *buf, size_t start, size_t tag_end) {
        const char *eq = memchr(buf + start, '=', tag_end - start);

        if (!eq)
                return 0;
        for (eq++; eq < buf + tag_end; eq++)
                if (*eq == '\'' || *eq == '"')
                        return *eq;
        return 0;
}

static void on_root(struct scan *s, const xmlChar *name, const xmlChar *uri, struct domxml_span *span) {
        if (!is_name(name, "domain")) {
                char q[DIAG_QUOTE_SIZE(32)];

                diag_quote((const char *) name, strlen((const char *) name), 32, q, sizeof(q));
                xml_reader_stop(&s->reader, -EINVAL, "domain XML root element is <%s>, expected <domain>", q);
                return;
        }
        if (uri) {
                char q[DIAG_QUOTE_SIZE(64)];

                diag_quote((const char *) uri, strlen((const char *) uri), 64, q, sizeof(q));
                xml_reader_stop(&s->reader, -EINVAL,
                        "domain XML root <domain> is in namespace '%s'; libvirt expects no namespace", q);
                return;
        }
        if (span->self_closing) {
                xml_reader_stop(&s->reader, -EINVAL, "domain XML root <domain/> is empty");
                return;
        }
        s->f->root = *span;
}

static void on_domain_child(struct scan *s, enum context here, const xmlChar *name, const xmlChar *uri,
        int n_attrs, const xmlChar **attrs, const struct domxml_span *span) {
        struct domxml_facts *f = s->f;
        int r = 0;

        f->has_child = true;
        f->last_child = *span;
        if (uri)
                return;

        for (size_t i = 0; i < ELEMENTSOF(anchors); i++)
                if (is_name(name, anchors[i].name) && anchors[i].rank >= s->anchor_rank) {
                        f->has_anchor = true;
                        f->anchor = *span;
                        s->anchor_rank = anchors[i].rank;
                }

        if (here == CTX_VCPU) {
                f->vcpu_placement_auto = xml_attr_equals(n_attrs, attrs, "placement", "auto");
                r = xml_attr_dup(n_attrs, attrs, "cpuset", &f->placement.vcpu_cpuset);
        } else if (here == CTX_MEMORY) {
                f->has_memory = true;
                r = xml_attr_dup(n_attrs, attrs, "unit", &f->memory_unit);
        } else if (is_name(name, "numatune")) {
                f->n_numatune++;
                if (here == CTX_NUMATUNE)
                        f->numatune.span = *span;
        }
        if (r < 0)
                oom(s);
}

static void on_guest_cell(struct scan *s, int n_attrs, const xmlChar **attrs) {
        struct domxml_facts *f = s->f;
        struct domxml_cell *c;

        c = array_append(&f->cells, &f->n_cells, sizeof(*c));
        if (!c) {
                oom(s);
                return;
        }
        c->number = -1; /* until number_cells() */
        if (xml_attr_dup(n_attrs, attrs, "id", &c->id) < 0 ||
                xml_attr_dup(n_attrs, attrs, "cpus", &c->cpus) < 0 ||
                xml_attr_dup(n_attrs, attrs, "memory", &c->memory) < 0 ||
                xml_attr_dup(n_attrs, attrs, "unit", &c->unit) < 0)
                oom(s);
}

static void on_numatune_child(struct scan *s, enum context here, const xmlChar *name, const xmlChar *uri,
        int n_attrs, const xmlChar **attrs, const struct domxml_span *span) {
        struct domxml_numatune *nt = &s->f->numatune;

        if (!nt->has_child) {
                nt->has_child = true;
                nt->first_child_start = span->start;
        }
        if (uri)
                return;

        if (is_name(name, "memory")) {
                nt->n_memory++;
                if (here != CTX_NUMATUNE_MEMORY)
                        return;
                nt->memory_span = *span;
                /* libvirt reads them with virXMLPropString(), namespace or not. */
                if (xml_attr_dup_libvirt(n_attrs, attrs, "mode", &nt->memory.mode) < 0 ||
                        xml_attr_dup_libvirt(n_attrs, attrs, "nodeset", &nt->memory.nodeset) < 0 ||
                        xml_attr_dup_libvirt(n_attrs, attrs, "placement", &nt->memory.placement) < 0)
                        oom(s);
        } else if (is_name(name, "memnode")) {
                struct domxml_memnode *m;

                m = array_append(&nt->memnodes, &nt->n_memnodes, sizeof(*m));
                if (!m) {
                        oom(s);
                        return;
                }
                if (xml_attr_dup_libvirt(n_attrs, attrs, "cellid", &m->cellid) < 0 ||
                        xml_attr_dup_libvirt(n_attrs, attrs, "mode", &m->mode) < 0 ||
                        xml_attr_dup_libvirt(n_attrs, attrs, "nodeset", &m->nodeset) < 0)
                        oom(s);
        }
}

/* An element below a child of <domain> other than <numatune>: guest cells, huge pages, pinning, PCI devices.
 */
static void on_inner(struct scan *s, enum context parent, enum context here, const xmlChar *name, int n_attrs,
        const xmlChar **attrs) {
        struct domxml_placement *p = &s->f->placement;
        int r = 0;

        if (here == CTX_HUGEPAGES)
                p->has_hugepages = true;
        else if (parent == CTX_CPU_NUMA && is_name(name, "cell"))
                on_guest_cell(s, n_attrs, attrs);
        else if (parent == CTX_HUGEPAGES && is_name(name, "page")) {
                struct domxml_page *page = array_append(&p->pages, &p->n_pages, sizeof(*page));

                if (!page || xml_attr_dup(n_attrs, attrs, "size", &page->size) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "unit", &page->unit) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "nodeset", &page->nodeset) < 0)
                        r = -ENOMEM;
        } else if (parent == CTX_CPUTUNE && is_name(name, "vcpupin")) {
                struct domxml_vcpupin *pin = array_append(&p->vcpupins, &p->n_vcpupins, sizeof(*pin));

                if (!pin || xml_attr_dup(n_attrs, attrs, "vcpu", &pin->vcpu) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "cpuset", &pin->cpuset) < 0)
                        r = -ENOMEM;
        } else if (parent == CTX_CPUTUNE && is_name(name, "emulatorpin")) {
                free(p->emulatorpin);
                p->emulatorpin = NULL;
                r = xml_attr_dup(n_attrs, attrs, "cpuset", &p->emulatorpin);
        } else if (parent == CTX_HOSTDEV_SOURCE && is_name(name, "address")) {
                struct domxml_pci *pci = array_append(&p->pci, &p->n_pci, sizeof(*pci));

                if (!pci || xml_attr_dup(n_attrs, attrs, "domain", &pci->domain) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "bus", &pci->bus) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "slot", &pci->slot) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "function", &pci->function) < 0)
                        r = -ENOMEM;
        }
        if (r < 0)
                oom(s);
}

/* The root, the children of <domain> and of the first <numatune> are where the hook may splice. */
static bool needs_span(enum context parent) {
        return parent == CTX_DOCUMENT || parent == CTX_DOMAIN || parent == CTX_NUMATUNE;
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int n_ns,
        const xmlChar **ns, int n_attrs, int n_defaulted, const xmlChar **attrs) {
        struct scan *s = ctx;
        struct domxml_span span = {0};
        enum context parent = context_at(s, s->depth), here;

        (void) prefix;
        (void) ns;
        (void) n_defaulted;

        here = context_of(s, parent, name, uri, n_attrs, attrs);
        s->depth++;
        if (s->depth < SCAN_DEPTH_KEPT)
                s->stack[s->depth] = (unsigned char) here;

        if (!needs_span(parent)) {
                if (!uri)
                        on_inner(s, parent, here, name, n_attrs, attrs);
                /* Deep elements matter only for the quote style, found once. */
                if (s->f->quote == 0 && n_attrs + n_ns > 0) {
                        bool self_closing;
                        size_t tag_end;

                        if (xml_reader_start_tag_end(&s->reader, &tag_end, &self_closing) < 0) {
                                fail_position(s);
                                return;
                        }
                        s->f->quote =
                                tag_quote(s->reader.buf, xml_tag_start(s->reader.buf, tag_end), tag_end);
                }
                return;
        }

        if (xml_reader_start_tag_end(&s->reader, &span.tag_end, &span.self_closing) < 0) {
                fail_position(s);
                return;
        }
        span.start = xml_tag_start(s->reader.buf, span.tag_end);
        span.close = span.end = span.tag_end;
        if (s->f->quote == 0 && n_attrs + n_ns > 0)
                s->f->quote = tag_quote(s->reader.buf, span.start, span.tag_end);

        if (parent == CTX_DOCUMENT)
                on_root(s, name, uri, &span);
        else if (parent == CTX_DOMAIN)
                on_domain_child(s, here, name, uri, n_attrs, attrs, &span);
        else
                on_numatune_child(s, here, name, uri, n_attrs, attrs, &span);
}

/* The end of span, whose end tag ends at end. */
static void close_span(struct scan *s, struct domxml_span *span, size_t end) {
        span->close = xml_tag_start(s->reader.buf, end);
        span->end = end;
}

static void on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri) {
        struct scan *s = ctx;
        struct domxml_facts *f = s->f;
        enum context here = context_at(s, s->depth), parent = context_at(s, s->depth - 1);
        bool numatune_memory = here == CTX_NUMATUNE_MEMORY && !f->numatune.memory_span.self_closing;
        size_t end = 0;

        (void) name;
        (void) prefix;
        (void) uri;

        if (parent == CTX_DOCUMENT || parent == CTX_DOMAIN || numatune_memory) {
                if (xml_reader_end_tag_end(&s->reader, &end) < 0) {
                        fail_position(s);
                        return;
                }
        }

        if (parent == CTX_DOCUMENT)
                close_span(s, &f->root, end);
        else if (parent == CTX_DOMAIN) {
                f->last_child.end = end;
                if (f->has_anchor && f->anchor.start == f->last_child.start)
                        f->anchor.end = end;
                if (here == CTX_NUMATUNE && !f->numatune.span.self_closing)
                        close_span(s, &f->numatune.span, end);
        } else if (numatune_memory)
                close_span(s, &f->numatune.memory_span, end);
        s->depth--;
}

static void on_characters(void *ctx, const xmlChar *text, int len) {
        struct scan *s = ctx;
        enum context here = context_at(s, s->depth);
        size_t n = (size_t) len;

        if (here == CTX_VCPU) {
                char *v = s->f->placement.vcpus;
                size_t have = strlen(v);

                /* A vCPU count has a few digits; longer text is cut, and then reads as invalid. */
                if (n > sizeof(s->f->placement.vcpus) - 1 - have)
                        n = sizeof(s->f->placement.vcpus) - 1 - have;
                memcpy(v + have, text, n);
                v[have + n] = '\0';
        } else if (here == CTX_MEMORY)
                strbuf_add(&s->memory_text, (const char *) text, n);
}

/* A cell's number as libvirt gives it, or -1 when its id is not one. */
static long cell_number(const struct domxml_facts *f, size_t i) {
        const char *id = f->cells[i].id;

        return id ? parse_uint_libvirt(id, f->n_cells - 1) : (long) i;
}

/*
 * Numbers the cells (see domxml_facts.cells), checking them all first so
 * that a refusal leaves every number -1, and indexes them by number so
 * that a lookup does not walk them (hostile input may have millions).
 * Returns 0, or -ENOMEM.
 */
static int number_cells(struct domxml_facts *f) {
        _cleanup_free_ size_t *by_number = NULL;
        char why[DIAG_LINE_MAX] = "";

        if (f->n_cells == 0)
                return 0;
        by_number = malloc(f->n_cells * sizeof(*by_number));
        if (!by_number)
                return -ENOMEM;
        for (size_t i = 0; i < f->n_cells; i++)
                by_number[i] = SIZE_MAX;

        for (size_t i = 0; i < f->n_cells && !why[0]; i++) {
                const char *id = f->cells[i].id;
                long n = cell_number(f, i);

                if (n < 0) {
                        char q[DIAG_QUOTE_SIZE(16)];

                        diag_quote(id, strlen(id), 16, q, sizeof(q));
                        snprintf(why, sizeof(why),
                                "guest NUMA cell %zu has id '%s'; libvirt needs a number below the number of "
                                "cells (%zu)",
                                i, q, f->n_cells);
                } else if (by_number[n] != SIZE_MAX)
                        snprintf(why, sizeof(why),
                                "guest NUMA cell %ld is defined twice (libvirt refuses it)", n);
                else
                        by_number[n] = i;
        }
        if (why[0]) {
                f->cells_refused = strdup(why);
                return f->cells_refused ? 0 : -ENOMEM;
        }
        for (size_t i = 0; i < f->n_cells; i++)
                f->cells[i].number = cell_number(f, i);
        f->cell_by_number = TAKE_PTR(by_number);
        return 0;
}

const struct domxml_cell *domxml_cell(const struct domxml_facts *f, long n) {
        if (!f->cell_by_number || n < 0 || (size_t) n >= f->n_cells)
                return NULL;
        return &f->cells[f->cell_by_number[n]];
}

int domxml_scan(const char *buf, size_t len, struct domxml_facts *ret, struct diag *d) {
        static const xmlSAXHandler sax = {
                .startElementNs = on_start,
                .endElementNs = on_end,
                .characters = on_characters,
        };
        _cleanup_(domxml_facts_done) struct domxml_facts f = {0};
        struct scan s = {
                .reader = {.buf = buf, .len = len, .what = "domain XML", .d = d},
                .f = &f,
        };
        int r;

        if (len > DOMXML_SIZE_MAX)
                return diag_error(d, -EFBIG, "domain XML is larger than %u MiB", DOMXML_SIZE_MAX >> 20);

        if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
                f.bom = 3;

        r = xml_read(&s.reader, &sax);
        if (r >= 0 &&
                ((f.has_memory && strbuf_finish(&s.memory_text, &f.memory_text) < 0) || number_cells(&f) < 0))
                r = diag_error(d, -ENOMEM, "out of memory");
        free(s.memory_text.p);
        if (r < 0)
                return r;
        if (f.root.tag_end == 0)
                return diag_error(d, -EINVAL, "domain XML has no root element");

        *ret = TAKE_STRUCT(f);
        return 0;
}

static void placement_done(struct domxml_placement *p) {
        for (size_t i = 0; i < p->n_pages; i++) {
                free(p->pages[i].size);
                free(p->pages[i].unit);
                free(p->pages[i].nodeset);
        }
        free(p->pages);
        free(p->vcpu_cpuset);
        for (size_t i = 0; i < p->n_vcpupins; i++) {
                free(p->vcpupins[i].vcpu);
                free(p->vcpupins[i].cpuset);
        }
        free(p->vcpupins);
        free(p->emulatorpin);
        for (size_t i = 0; i < p->n_pci; i++) {
                free(p->pci[i].domain);
                free(p->pci[i].bus);
                free(p->pci[i].slot);
                free(p->pci[i].function);
        }
        free(p->pci);
}

void domxml_facts_done(struct domxml_facts *f) {
        struct domxml_numatune *nt = &f->numatune;

        placement_done(&f->placement);

        free(f->memory_text);
        free(f->memory_unit);
        free(nt->memory.mode);
        free(nt->memory.nodeset);
        free(nt->memory.placement);
        for (size_t i = 0; i < nt->n_memnodes; i++) {
                free(nt->memnodes[i].cellid);
                free(nt->memnodes[i].mode);
                free(nt->memnodes[i].nodeset);
        }
        free(nt->memnodes);
        for (size_t i = 0; i < f->n_cells; i++) {
                free(f->cells[i].id);
                free(f->cells[i].cpus);
                free(f->cells[i].memory);
                free(f->cells[i].unit);
        }
        free(f->cells);
        free(f->cells_refused);
        free(f->cell_by_number);
        *f = (struct domxml_facts){0};
}

int domxml_splice(const char *buf, size_t len, const struct domxml_edit *e, char **ret, size_t *ret_len) {
        size_t text_len = strlen(e->text), out_len;
        char *out;

        if (e->offset > len || e->remove > len - e->offset)
                return -EINVAL;

        out_len = len - e->remove + text_len;
        out = malloc(out_len ? out_len : 1);
        if (!out)
                return -ENOMEM;

        memcpy(out, buf, e->offset);
        memcpy(out + e->offset, e->text, text_len);
        memcpy(out + e->offset + text_len, buf + e->offset + e->remove, len - e->offset - e->remove);

        *ret = out;
        *ret_len = out_len;
        return 0;
}

void domxml_edit_done(struct domxml_edit *e) {
        free(e->text);
        *e = (struct domxml_edit){0};
}
