/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Scans the domain XML in one streaming pass for what the hook needs, and splices an edit into it. */

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Cap on the domain XML, checked before it is read whole. */
#define DOMXML_SIZE_MAX (64u * 1024 * 1024)

/* An element's place in the buffer: [start, tag_end) is the start tag, [start, end) all of it. */
struct domxml_span {
        size_t start;   /* its '<' */
        size_t tag_end; /* just past the start tag's '>' */
        size_t close;   /* the '<' of the end tag (== tag_end when self-closing) */
        size_t end;     /* just past the end tag's '>' (== tag_end when self-closing) */
        bool self_closing;
};

/* Attributes as written; NULL when absent. */
struct domxml_memory {
        char *mode, *nodeset, *placement;
};

struct domxml_memnode {
        char *cellid, *mode, *nodeset;
};

/* A guest NUMA cell, attributes as written (NULL when absent), and its number. */
struct domxml_cell {
        char *id, *cpus, *memory, *unit;
        long number; /* libvirt's (see domxml_facts.cells); -1 when libvirt refuses the cells */
};

struct domxml_numatune {
        struct domxml_span span;
        size_t n_memory;
        struct domxml_memory memory; /* the first <memory>, when n_memory > 0 */
        struct domxml_span memory_span;
        size_t n_memnodes;
        struct domxml_memnode *memnodes;
        bool has_child; /* any child element */
        size_t first_child_start;
};

/* <memoryBacking><hugepages><page size=... unit=... nodeset=.../>, attributes as written. */
struct domxml_page {
        char *size, *unit, *nodeset;
};

/* <cputune><vcpupin vcpu=... cpuset=.../>. */
struct domxml_vcpupin {
        char *vcpu, *cpuset;
};

/* <hostdev mode='subsystem' type='pci'><source><address domain= bus= slot= function=>. */
struct domxml_pci {
        char *domain, *bus, *slot, *function;
};

/* Where the VM's pages come from and where it runs: the huge page and locality checks' input. */
struct domxml_placement {
        bool has_hugepages; /* <memoryBacking><hugepages> is there */
        size_t n_pages;
        struct domxml_page *pages;
        char vcpus[24]; /* <vcpu>'s text, capped; "" when absent */
        char *vcpu_cpuset;
        size_t n_vcpupins;
        struct domxml_vcpupin *vcpupins;
        char *emulatorpin; /* <cputune><emulatorpin cpuset=...>, NULL when absent */
        size_t n_pci;
        struct domxml_pci *pci;
};

/*
 * What the hook needs to know about a domain XML document, found in one
 * streaming pass with no tree. Only direct children of <domain> in no
 * namespace count; a <numatune> inside <metadata> is someone else's.
 */
struct domxml_facts {
        size_t bom; /* 3 when the file starts with a UTF-8 BOM */
        char quote; /* the quote of the first attribute in the document, or 0 */
        struct domxml_span root;

        bool has_anchor; /* the element libvirt's formatter writes last before <numatune> (domxml.c) */
        struct domxml_span anchor;
        bool has_child; /* any child element of <domain> */
        struct domxml_span last_child;

        bool vcpu_placement_auto;
        bool has_memory;
        char *memory_text; /* <memory>'s text, capped; NULL when absent */
        char *memory_unit;

        size_t n_numatune;
        struct domxml_numatune numatune; /* the first one */

        /*
         * Guest NUMA cells, <cpu><numa><cell id=... cpus=... memory=... unit=...>,
         * first <numa> only, numbered as libvirt numbers them
         * (virDomainNumaDefParseXML): the i-th cell, counted from 0 in document
         * order, is cell i unless its id attribute (read as libvirt reads
         * unsigned attributes) names another; every number must be below the
         * number of cells and used once, so ids and no ids can mix. Where
         * libvirt would refuse them, every number is -1 and cells_refused says
         * why; the scan itself does not fail, as only some checks need them.
         */
        size_t n_cells;
        struct domxml_cell *cells;
        char *cells_refused;    /* NULL when libvirt accepts the numbering */
        size_t *cell_by_number; /* [n]: the index in cells of cell n; NULL when refused or no cells */

        struct domxml_placement placement;
};

/*
 * Scans a domain XML document: well-formed, UTF-8 (a BOM is fine), no
 * DOCTYPE, root <domain> in no namespace and not empty. Returns 0 and
 * fills ret, or a negative errno with d filled. Free ret with
 * domxml_facts_done().
 */
int domxml_scan(const char *buf, size_t len, struct domxml_facts *ret, struct diag *d);
void domxml_facts_done(struct domxml_facts *f);

/* Guest cell number n (see domxml_facts.cells), or NULL when there is none; O(1). */
const struct domxml_cell *domxml_cell(const struct domxml_facts *f, long n);

/* One change to the document: remove bytes [offset, offset + remove), insert text there. */
struct domxml_edit {
        size_t offset;
        size_t remove;
        char *text;
        size_t element_end; /* in the output: just past the element the edit leaves complete */
};

void domxml_edit_done(struct domxml_edit *e);

/* The input with the edit applied, as a new buffer. Returns 0 or -ENOMEM / -EINVAL. */
int domxml_splice(const char *buf, size_t len, const struct domxml_edit *e, char **ret, size_t *ret_len);
