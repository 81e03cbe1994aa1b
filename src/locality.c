/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Locality warnings: vCPUs, emulator threads and PCI devices on other nodes than the memory they use. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "ascii.h"
#include "locality.h"
#include "macro.h"
#include "parse.h"

/* libvirt's limit on vCPUs is far higher, but a vCPU id set is a struct nodeset (4096 ids). */
#define VCPUS_MAX (NODE_ID_MAX + 1)

void locality_cpu_nodes(const struct topology *t, const struct nodeset *cpus, struct nodeset *ret) {
        struct nodeset nodes;

        nodeset_clear(&nodes);
        for (size_t i = 0; i < t->n_nodes; i++) {
                struct nodeset node_cpus;

                if (!t->nodes[i].cpus || nodeset_parse_libvirt(t->nodes[i].cpus, &node_cpus) < 0)
                        continue;
                nodeset_intersect(&node_cpus, cpus);
                if (!nodeset_is_empty(&node_cpus))
                        nodeset_add(&nodes, t->nodes[i].id);
        }
        *ret = nodes;
}

/*
 * Each vCPU's cpuset string, indexed once: hostile input may pin tens of
 * thousands of times. Each <vcpupin> string serves one vCPU, and so is
 * parsed once; the <vcpu cpuset> all the others share is parsed once for
 * all the checks (one per guest cell), not once per check or per run of
 * vCPUs between pins.
 */
struct vcpu_index {
        const char *cpuset[VCPUS_MAX];
        const char *shared; /* <vcpu cpuset>, or NULL */
        bool shared_parsed;
        int shared_r;
        struct nodeset shared_cpus;
};

static void index_vcpus(const struct domxml_placement *p, struct vcpu_index *ret) {
        for (size_t v = 0; v < VCPUS_MAX; v++)
                ret->cpuset[v] = p->vcpu_cpuset;
        for (size_t i = 0; i < p->n_vcpupins; i++) {
                long v = parse_id_str(p->vcpupins[i].vcpu, VCPUS_MAX - 1);

                if (v >= 0)
                        ret->cpuset[v] = p->vcpupins[i].cpuset;
        }
        ret->shared = p->vcpu_cpuset;
        ret->shared_parsed = false;
}

static int parse_cpuset(struct vcpu_index *x, const char *cpuset, struct nodeset *ret) {
        if (cpuset != x->shared)
                return nodeset_parse_libvirt(cpuset, ret);
        if (!x->shared_parsed) {
                x->shared_r = nodeset_parse_libvirt(cpuset, &x->shared_cpus);
                x->shared_parsed = true;
        }
        if (x->shared_r < 0)
                return x->shared_r;
        *ret = x->shared_cpus;
        return 0;
}

/* See locality_vcpu_cpus(). */
static int vcpu_cpus(
        struct vcpu_index *x, const struct nodeset *vcpus, bool *ret_pinned, struct nodeset *ret_cpus) {
        const char *last = NULL;
        struct nodeset all, cpus;

        nodeset_clear(&all);
        for (int v = nodeset_next(vcpus, 0); v >= 0; v = nodeset_next(vcpus, v + 1)) {
                const char *cpuset = x->cpuset[v];

                if (!cpuset) {
                        nodeset_clear(ret_cpus);
                        *ret_pinned = false;
                        return 0;
                }
                if (cpuset == last)
                        continue; /* the same <vcpu cpuset> for many vCPUs: parsed once */
                if (parse_cpuset(x, cpuset, &cpus) < 0)
                        return -EINVAL;
                nodeset_union(&all, &cpus);
                last = cpuset;
        }
        *ret_cpus = all;
        *ret_pinned = true;
        return 0;
}

int locality_vcpu_cpus(const struct domxml_placement *p, const struct nodeset *vcpus, bool *ret_pinned,
        struct nodeset *ret_cpus) {
        _cleanup_free_ struct vcpu_index *x = malloc(sizeof(*x));

        if (!x)
                return -ENOMEM;
        index_vcpus(p, x);
        return vcpu_cpus(x, vcpus, ret_pinned, ret_cpus);
}

/*
 * The nodes of the host CPUs in cpus, when they all lie outside memory:
 * true with *ret_on filled. False when some are local, or when the host
 * lists none of them (not ours to judge).
 */
static bool all_remote(const struct topology *t, const struct nodeset *cpus, const struct nodeset *memory,
        struct nodeset *ret_on) {
        struct nodeset on, local;

        locality_cpu_nodes(t, cpus, &on);
        local = on;
        nodeset_intersect(&local, memory);
        if (nodeset_is_empty(&on) || !nodeset_is_empty(&local))
                return false;
        *ret_on = on;
        return true;
}

/* "vCPUs 0-3 run on node 0 but memory is bound to node 1: every access is remote". */
static void warn_remote(const char *who, bool plural, const struct nodeset *on, const struct nodeset *memory,
        const char *whose, struct diag *d) {
        _cleanup_free_ char *on_s = NULL, *mem_s = NULL;

        (void) nodeset_format(on, &on_s);
        (void) nodeset_format(memory, &mem_s);
        diag_warn(d, "%s run%s on node%s %s but %smemory is bound to node%s %s: every access is remote", who,
                plural ? "" : "s", nodeset_count(on) == 1 ? "" : "s", on_s ? on_s : "?", whose,
                nodeset_count(memory) == 1 ? "" : "s", mem_s ? mem_s : "?");
}

/* Warns when the host CPUs of vcpus lie entirely on nodes outside memory. */
static void check_vcpus(struct vcpu_index *x, const struct topology *t, const struct nodeset *vcpus,
        const struct nodeset *memory, long cell, struct diag *d) {
        _cleanup_free_ char *ids = NULL;
        struct nodeset cpus, on;
        char who[DIAG_LINE_MAX / 4];
        bool pinned;

        if (nodeset_is_empty(vcpus) || nodeset_is_empty(memory) || vcpu_cpus(x, vcpus, &pinned, &cpus) < 0 ||
                !pinned)
                return;
        if (!all_remote(t, &cpus, memory, &on))
                return;
        (void) nodeset_format(vcpus, &ids);
        if (cell >= 0)
                snprintf(who, sizeof(who), "guest cell %ld's vCPU%s %s", cell,
                        nodeset_count(vcpus) == 1 ? "" : "s", ids ? ids : "?");
        else
                snprintf(
                        who, sizeof(who), "vCPU%s %s", nodeset_count(vcpus) == 1 ? "" : "s", ids ? ids : "?");
        warn_remote(who, nodeset_count(vcpus) > 1, &on, memory, cell >= 0 ? "its " : "", d);
}

/* The VM's vCPU ids, 0 to <vcpu> - 1 (libvirt's default is 1); false when <vcpu> is unreadable. */
static bool all_vcpus(const struct domxml_placement *p, struct nodeset *ret) {
        const char *s = p->vcpus;
        long n = 1;

        /* <vcpu> may be indented text: parse the digits between blanks. */
        if (p->vcpus[0]) {
                char buf[sizeof(p->vcpus)];
                size_t len = 0;

                while (ascii_is_xml_space(*s))
                        s++;
                while (*s >= '0' && *s <= '9' && len < sizeof(buf) - 1)
                        buf[len++] = *s++;
                buf[len] = '\0';
                n = parse_id_str(buf, VCPUS_MAX);
        }
        nodeset_clear(ret);
        if (n <= 0)
                return false;
        nodeset_add_range(ret, 0, (unsigned) n - 1);
        return true;
}

/* Every node the VM's memory may use; false when some of it is unbound or placed by numad. */
static bool memory_nodes(const struct domxml_facts *f, const struct binding_list *b, struct nodeset *ret) {
        nodeset_clear(ret);
        if (b->has_memory) {
                if (b->memory.binding.placement_auto)
                        return false;
                nodeset_union(ret, &b->memory.binding.nodes);
        } else {
                /* Without <memory>, every guest cell needs its own <memnode>. */
                if (f->n_cells == 0)
                        return false;
                for (size_t i = 0; i < f->n_cells; i++)
                        if (!binding_for_cell(b, f->cells[i].number))
                                return false;
        }
        for (size_t i = 0; i < b->n_cells; i++)
                nodeset_union(ret, &b->cells[i].binding.nodes);
        return !nodeset_is_empty(ret);
}

static void check_cpus(const struct domxml_facts *f, const struct binding_list *b, const struct topology *t,
        struct diag *d) {
        const struct domxml_placement *p = &f->placement;
        _cleanup_free_ struct vcpu_index *x = NULL;
        struct nodeset rest, seen, cell_vcpus, memory;

        if (!all_vcpus(p, &rest))
                return;
        x = malloc(sizeof(*x));
        if (!x)
                return; /* only warnings are at stake */
        index_vcpus(p, x);

        /* Each guest cell with its own <memnode>: its vCPUs against that memnode's nodes. */
        nodeset_clear(&seen);
        for (size_t i = 0; i < f->n_cells; i++) {
                long id = f->cells[i].number;
                const struct binding_entry *cb = binding_for_cell(b, id);
                struct nodeset overlap;

                if (id < 0 || !cb || cb->binding.cell != id || !f->cells[i].cpus ||
                        nodeset_parse_libvirt(f->cells[i].cpus, &cell_vcpus) < 0)
                        continue;
                /* libvirt refuses cells sharing vCPUs; skipping them keeps the work linear. */
                overlap = cell_vcpus;
                nodeset_intersect(&overlap, &seen);
                if (!nodeset_is_empty(&overlap))
                        continue;
                nodeset_union(&seen, &cell_vcpus);
                check_vcpus(x, t, &cell_vcpus, &cb->binding.nodes, id, d);
                nodeset_subtract(&rest, &cell_vcpus);
        }

        /* The other vCPUs against <memory>. */
        if (b->has_memory && !b->memory.binding.placement_auto)
                check_vcpus(x, t, &rest, &b->memory.binding.nodes, -1, d);

        if (p->emulatorpin && memory_nodes(f, b, &memory)) {
                struct nodeset cpus, on;

                if (nodeset_parse_libvirt(p->emulatorpin, &cpus) >= 0 && all_remote(t, &cpus, &memory, &on))
                        warn_remote("emulator threads", true, &on, &memory, "", d);
        }
}

/* A PCI address attribute: libvirt reads it with base 0 (0x1f or 31). */
static bool pci_field(const char *s, unsigned long max, unsigned *ret) {
        unsigned long v;
        char *end;

        if (!s || !*s || *s == '-' || *s == '+')
                return false;
        errno = 0;
        v = strtoul(s, &end, 0);
        if (errno != 0 || *end != '\0' || v > max)
                return false;
        *ret = (unsigned) v;
        return true;
}

/* A device's PCI address as one number (domain, bus, slot, function), and where it first appears. */
struct pci_ref {
        uint32_t address;
        uint32_t node; /* after the lookup: its node (when remote) */
        size_t first;  /* index in the document's <hostdev> list */
};

static int cmp_pci_ref(const void *a, const void *b) {
        const struct pci_ref *x = a, *y = b;

        if (x->address != y->address)
                return x->address < y->address ? -1 : 1;
        return x->first < y->first ? -1 : x->first > y->first;
}

static int cmp_pci_address(const void *a, const void *b) {
        const struct pci_ref *x = a, *y = b;

        return x->address < y->address ? -1 : x->address > y->address;
}

static int cmp_pci_first(const void *a, const void *b) {
        const struct pci_ref *x = a, *y = b;

        return x->first < y->first ? -1 : x->first > y->first;
}

/* The readable addresses of the PCI host devices, each once (at its first place), sorted by address. */
static struct pci_ref *pci_addresses(const struct domxml_placement *p, size_t *ret_n) {
        struct pci_ref *refs = calloc(p->n_pci, sizeof(*refs));
        size_t n = 0;

        if (!refs)
                return NULL;
        for (size_t i = 0; i < p->n_pci; i++) {
                const struct domxml_pci *a = &p->pci[i];
                unsigned domain, bus, slot, function;

                if (!pci_field(a->domain, 0xffff, &domain) || !pci_field(a->bus, 0xff, &bus) ||
                        !pci_field(a->slot, 0x1f, &slot) || !pci_field(a->function, 7, &function))
                        continue;
                refs[n++] = (struct pci_ref){
                        .address = (uint32_t) domain << 16 | bus << 8 | slot << 3 | function, .first = i};
        }
        *ret_n = array_sort_unique_by(refs, n, sizeof(*refs), cmp_pci_ref, cmp_pci_address);
        return refs;
}

/*
 * Each PCI address is looked up once, however often the document
 * names it (300 000 <hostdev>s of one address were 300 000 opens), and
 * warned about once, in the order the document first names them.
 */
static void check_pci(
        const struct domxml_facts *f, const struct binding_list *b, const struct host *h, struct diag *d) {
        _cleanup_free_ struct pci_ref *refs = NULL;
        _cleanup_free_ char *mem_s = NULL;
        struct nodeset memory;
        size_t n = 0, remote = 0;

        if (f->placement.n_pci == 0 || !memory_nodes(f, b, &memory))
                return;
        refs = pci_addresses(&f->placement, &n);
        if (!refs)
                return; /* only warnings are at stake */

        for (size_t i = 0; i < n; i++) {
                uint32_t a = refs[i].address;
                int node;

                /* -1 (the firmware does not say) and devices the host lacks: nothing to tell. */
                if (host_pci_node(h, a >> 16, (a >> 8) & 0xff, (a >> 3) & 0x1f, a & 7, &node) < 0 ||
                        node < 0 || nodeset_contains(&memory, (unsigned) node))
                        continue;
                refs[i].node = (uint32_t) node;
                refs[remote++] = refs[i];
        }
        qsort(refs, remote, sizeof(*refs), cmp_pci_first);

        (void) nodeset_format(&memory, &mem_s);
        for (size_t i = 0; i < remote; i++) {
                uint32_t a = refs[i].address;

                diag_warn(d,
                        "PCI device %04x:%02x:%02x.%x is on node %u but memory is bound to node%s %s: its "
                        "DMA "
                        "is remote",
                        a >> 16, (a >> 8) & 0xff, (a >> 3) & 0x1f, a & 7, refs[i].node,
                        nodeset_count(&memory) == 1 ? "" : "s", mem_s ? mem_s : "?");
        }
}

void locality_check(
        const struct domxml_facts *f, const struct binding_list *b, const struct host *h, struct diag *d) {
        check_cpus(f, b, &h->topo, d);
        check_pci(f, b, h, d);
}

/* Adds cpuset's CPUs to cpus; a cpuset libvirt would refuse adds nothing. */
static void add_cpuset(const char *cpuset, struct nodeset *cpus) {
        struct nodeset one;

        if (cpuset && nodeset_parse_libvirt(cpuset, &one) >= 0)
                nodeset_union(cpus, &one);
}

void locality_pinned_cpus(const struct domxml_placement *p, struct nodeset *ret) {
        struct nodeset cpus;

        nodeset_clear(&cpus);
        add_cpuset(p->vcpu_cpuset, &cpus);
        for (size_t i = 0; i < p->n_vcpupins; i++)
                add_cpuset(p->vcpupins[i].cpuset, &cpus);
        add_cpuset(p->emulatorpin, &cpus);
        *ret = cpus;
}

void locality_pci_nodes(const struct domxml_placement *p, const struct host *h, struct nodeset *ret) {
        _cleanup_free_ struct pci_ref *refs = NULL;
        struct nodeset nodes;
        size_t n = 0;

        nodeset_clear(&nodes);
        refs = p->n_pci ? pci_addresses(p, &n) : NULL;
        for (size_t i = 0; i < n; i++) {
                uint32_t a = refs[i].address;
                int node;

                if (host_pci_node(h, a >> 16, (a >> 8) & 0xff, (a >> 3) & 0x1f, a & 7, &node) >= 0 &&
                        node >= 0 && node <= NODE_ID_MAX)
                        nodeset_add(&nodes, (unsigned) node);
        }
        *ret = nodes;
}
