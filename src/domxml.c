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

struct scan {
        struct xml_reader reader; /* first: the callbacks get a pointer to it */
        struct domxml_facts *f;
        unsigned depth;            /* of the element being opened or closed; root is 1 */
        bool in_memory;            /* collecting <domain><memory>'s text */
        struct strbuf memory_text; /* no cap: libvirt has none, and leading blanks and zeros are valid */
        bool in_numatune;          /* inside the first direct <numatune> */
        bool in_numatune_memory;   /* inside its first <memory> */
        bool in_cpu;               /* inside a direct <cpu> */
        bool in_cpu_numa;          /* inside its first <numa> */
        bool seen_cpu_numa;        /* libvirt reads ./cpu/numa[1]/cell only */
        bool current_is_anchor;    /* the open depth-2 element is the anchor */
        unsigned anchor_rank;      /* the anchor's rank in anchors[], 0 while there is none */
        bool seen_vcpu;            /* libvirt reads ./vcpu[1] only */
        unsigned char where[6];    /* placement_context of the open element at each depth up to 5 */
};

static bool is_name(const xmlChar *name, const char *want) {
        return strcmp((const char *) name, want) == 0;
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

static void on_domain_child(struct scan *s, const xmlChar *name, const xmlChar *uri, int n_attrs,
        const xmlChar **attrs, const struct domxml_span *span) {
        struct domxml_facts *f = s->f;

        f->has_child = true;
        f->last_child = *span;
        s->current_is_anchor = false;
        if (uri)
                return;

        for (size_t i = 0; i < ELEMENTSOF(anchors); i++)
                if (is_name(name, anchors[i].name) && anchors[i].rank >= s->anchor_rank) {
                        f->has_anchor = true;
                        f->anchor = *span;
                        s->anchor_rank = anchors[i].rank;
                        s->current_is_anchor = true;
                }

        if (is_name(name, "vcpu") && !s->seen_vcpu) {
                s->seen_vcpu = true;
                f->vcpu_placement_auto = xml_attr_equals(n_attrs, attrs, "placement", "auto");
        } else if (is_name(name, "memory") && !f->has_memory) {
                f->has_memory = true;
                if (xml_attr_dup(n_attrs, attrs, "unit", &f->memory_unit) < 0) {
                        oom(s);
                        return;
                }
                s->in_memory = !span->self_closing;
        } else if (is_name(name, "numatune")) {
                f->n_numatune++;
                if (f->n_numatune == 1) {
                        f->numatune.span = *span;
                        s->in_numatune = !span->self_closing;
                }
        } else if (is_name(name, "cpu"))
                s->in_cpu = !span->self_closing;
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

static void on_numatune_child(struct scan *s, const xmlChar *name, const xmlChar *uri, int n_attrs,
        const xmlChar **attrs, const struct domxml_span *span) {
        struct domxml_numatune *nt = &s->f->numatune;

        if (!nt->has_child) {
                nt->has_child = true;
                nt->first_child_start = span->start;
        }
        if (uri)
                return;

        if (is_name(name, "memory")) {
                if (nt->n_memory++ > 0)
                        return;
                nt->memory_span = *span;
                s->in_numatune_memory = !span->self_closing;
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

/*
 * The elements the huge page and locality checks read, by depth. An
 * element's context is set when it opens, and a child looks only at its
 * parent's, so no end-tag bookkeeping is needed: a sibling overwrites it.
 */
enum placement_context {
        PLACE_OTHER,
        PLACE_VCPU,           /* <domain><vcpu> */
        PLACE_MEMORY_BACKING, /* <domain><memoryBacking> */
        PLACE_HUGEPAGES,      /* ...<hugepages> */
        PLACE_CPUTUNE,        /* <domain><cputune> */
        PLACE_DEVICES,        /* <domain><devices> */
        PLACE_HOSTDEV_PCI,    /* ...<hostdev mode='subsystem' type='pci'> */
        PLACE_HOSTDEV_SOURCE, /* ...<source> */
};

static void scan_placement(
        struct scan *s, const xmlChar *name, const xmlChar *uri, int n_attrs, const xmlChar **attrs) {
        struct domxml_placement *p = &s->f->placement;
        unsigned depth = s->depth;
        unsigned char parent, here = PLACE_OTHER;
        int r = 0;

        if (depth >= ELEMENTSOF(s->where))
                return;
        parent = depth >= 2 ? s->where[depth - 1] : PLACE_OTHER;
        s->where[depth] = PLACE_OTHER;
        if (uri || (depth > 2 && parent == PLACE_OTHER))
                return;

        if (depth == 2) {
                if (is_name(name, "vcpu") && !s->seen_vcpu) { /* on_domain_child() sets it next */
                        here = PLACE_VCPU;
                        r = xml_attr_dup(n_attrs, attrs, "cpuset", &p->vcpu_cpuset);
                } else if (is_name(name, "memoryBacking"))
                        here = PLACE_MEMORY_BACKING;
                else if (is_name(name, "cputune"))
                        here = PLACE_CPUTUNE;
                else if (is_name(name, "devices"))
                        here = PLACE_DEVICES;
        } else if (parent == PLACE_MEMORY_BACKING && is_name(name, "hugepages")) {
                here = PLACE_HUGEPAGES;
                p->has_hugepages = true;
        } else if (parent == PLACE_HUGEPAGES && is_name(name, "page")) {
                struct domxml_page *page = array_append(&p->pages, &p->n_pages, sizeof(*page));

                if (!page || xml_attr_dup(n_attrs, attrs, "size", &page->size) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "unit", &page->unit) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "nodeset", &page->nodeset) < 0)
                        r = -ENOMEM;
        } else if (parent == PLACE_CPUTUNE && is_name(name, "vcpupin")) {
                struct domxml_vcpupin *pin = array_append(&p->vcpupins, &p->n_vcpupins, sizeof(*pin));

                if (!pin || xml_attr_dup(n_attrs, attrs, "vcpu", &pin->vcpu) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "cpuset", &pin->cpuset) < 0)
                        r = -ENOMEM;
        } else if (parent == PLACE_CPUTUNE && is_name(name, "emulatorpin")) {
                free(p->emulatorpin);
                p->emulatorpin = NULL;
                r = xml_attr_dup(n_attrs, attrs, "cpuset", &p->emulatorpin);
        } else if (parent == PLACE_DEVICES && is_name(name, "hostdev")) {
                if (xml_attr_equals(n_attrs, attrs, "mode", "subsystem") &&
                        xml_attr_equals(n_attrs, attrs, "type", "pci"))
                        here = PLACE_HOSTDEV_PCI;
        } else if (parent == PLACE_HOSTDEV_PCI && is_name(name, "source"))
                here = PLACE_HOSTDEV_SOURCE;
        else if (parent == PLACE_HOSTDEV_SOURCE && is_name(name, "address")) {
                struct domxml_pci *pci = array_append(&p->pci, &p->n_pci, sizeof(*pci));

                if (!pci || xml_attr_dup(n_attrs, attrs, "domain", &pci->domain) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "bus", &pci->bus) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "slot", &pci->slot) < 0 ||
                        xml_attr_dup(n_attrs, attrs, "function", &pci->function) < 0)
                        r = -ENOMEM;
        }

        if (r < 0)
                oom(s);
        s->where[depth] = here;
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int n_ns,
        const xmlChar **ns, int n_attrs, int n_defaulted, const xmlChar **attrs) {
        struct scan *s = ctx;
        struct domxml_span span = {0};

        (void) prefix;
        (void) ns;
        (void) n_defaulted;

        s->depth++;
        scan_placement(s, name, uri, n_attrs, attrs); /* huge pages, pinning, PCI devices */
        if (!uri && s->depth == 3 && s->in_cpu && !s->seen_cpu_numa && is_name(name, "numa"))
                s->in_cpu_numa = s->seen_cpu_numa = true;
        else if (!uri && s->depth == 4 && s->in_cpu_numa && is_name(name, "cell"))
                on_guest_cell(s, n_attrs, attrs);

        if (s->depth > 3 || (s->depth == 3 && !s->in_numatune)) {
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

        if (s->depth == 1)
                on_root(s, name, uri, &span);
        else if (s->depth == 2)
                on_domain_child(s, name, uri, n_attrs, attrs, &span);
        else
                on_numatune_child(s, name, uri, n_attrs, attrs, &span);
}

static void on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri) {
        struct scan *s = ctx;
        struct domxml_facts *f = s->f;
        size_t end = 0;

        (void) name;
        (void) prefix;
        (void) uri;

        if (s->depth <= 2 || (s->depth == 3 && s->in_numatune_memory)) {
                if (xml_reader_end_tag_end(&s->reader, &end) < 0) {
                        fail_position(s);
                        return;
                }
        }

        switch (s->depth) {
        case 1:
                f->root.close = xml_tag_start(s->reader.buf, end);
                f->root.end = end;
                break;
        case 2:
                f->last_child.end = end;
                if (s->current_is_anchor)
                        f->anchor.end = end;
                if (s->in_numatune) {
                        f->numatune.span.close = xml_tag_start(s->reader.buf, end);
                        f->numatune.span.end = end;
                        s->in_numatune = false;
                }
                s->in_memory = false;
                s->in_cpu = false;
                break;
        case 3:
                if (s->in_numatune_memory) {
                        f->numatune.memory_span.close = xml_tag_start(s->reader.buf, end);
                        f->numatune.memory_span.end = end;
                        s->in_numatune_memory = false;
                }
                s->in_cpu_numa = false;
                break;
        default:
                break;
        }
        s->depth--;
}

static void on_characters(void *ctx, const xmlChar *text, int len) {
        struct scan *s = ctx;
        size_t n = (size_t) len;

        if (s->depth == 2 && s->where[2] == PLACE_VCPU) {
                char *v = s->f->placement.vcpus;
                size_t have = strlen(v);

                /* A vCPU count has a few digits; longer text is cut, and then reads as invalid. */
                if (n > sizeof(s->f->placement.vcpus) - 1 - have)
                        n = sizeof(s->f->placement.vcpus) - 1 - have;
                memcpy(v + have, text, n);
                v[have + n] = '\0';
                return;
        }
        if (!s->in_memory || s->depth != 2)
                return;
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
