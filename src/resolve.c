/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Applies a parsed spec to a host topology and checks that the binding can work there. */
#include <errno.h>
#include <stdlib.h>

#include "macro.h"
#include "resolve.h"
#include "size.h"

/* Formats a node set for a message; "?" if memory runs out, which only shortens the message. */
static char *fmt_set(const struct nodeset *s) {
        char *str = NULL;

        if (nodeset_format(s, &str) < 0)
                return NULL;
        return str;
}

#define SET_OR_Q(s) ((s) ? (s) : "?")

/* The nodes a value names exist on the host. */
static int check_exists(
        const struct nodeset *named, const char *subject, const struct topology *topo, struct diag *d) {
        struct nodeset missing = *named;
        _cleanup_free_ char *m = NULL, *host = NULL;

        nodeset_subtract(&missing, &topo->present);
        if (nodeset_is_empty(&missing))
                return 0;

        m = fmt_set(&missing);
        host = fmt_set(&topo->present);
        return diag_error(d, -EINVAL, "%s: %s %s %s not exist on %s (host nodes: %s)", subject,
                nodeset_count(&missing) == 1 ? "node" : "nodes", SET_OR_Q(m),
                nodeset_count(&missing) == 1 ? "does" : "do", topology_host(topo), SET_OR_Q(host));
}

static int check_memory_nodes(
        const struct binding *b, const char *subject, const struct topology *topo, struct diag *d) {
        const struct nodeset *nodes = &b->nodes;
        struct nodeset memoryless = *nodes;
        _cleanup_free_ char *m = NULL, *with = NULL;

        /* A node of unknown memory may have some: only the known memoryless ones count. */
        nodeset_subtract(&memoryless, &topo->with_memory);
        nodeset_subtract(&memoryless, &topo->memory_unknown);
        if (nodeset_is_empty(&memoryless))
                return 0;

        m = fmt_set(&memoryless);
        with = fmt_set(&topo->with_memory);

        if (b->mode == NUMA_MODE_STRICT || b->mode == NUMA_MODE_RESTRICTIVE)
                return diag_error(d, -EINVAL,
                        "%s: %s %s %s no memory, and %s needs memory on every node (nodes with memory: %s)",
                        subject, nodeset_count(&memoryless) == 1 ? "node" : "nodes", SET_OR_Q(m),
                        nodeset_count(&memoryless) == 1 ? "has" : "have", numa_mode_to_string(b->mode),
                        SET_OR_Q(with));

        if (nodeset_equal(&memoryless, nodes))
                return diag_error(d, -EINVAL, "%s: %s %s %s memory (nodes with memory: %s)", subject,
                        nodeset_count(nodes) == 1 ? "node" : "none of the nodes", SET_OR_Q(m),
                        nodeset_count(nodes) == 1 ? "has no" : "has", SET_OR_Q(with));

        diag_warn(d, "%s: %s %s %s no memory; %s allocates only from the others", subject,
                nodeset_count(&memoryless) == 1 ? "node" : "nodes", SET_OR_Q(m),
                nodeset_count(&memoryless) == 1 ? "has" : "have", numa_mode_to_string(b->mode));
        return 0;
}

static int check_capacity(const struct binding *b, const char *subject, const struct topology *topo,
        const struct vm_facts *vm, struct diag *d) {
        const struct nodeset *nodes = &b->nodes;
        bool hard = b->mode == NUMA_MODE_STRICT || b->mode == NUMA_MODE_RESTRICTIVE;
        char vm_s[SIZE_FORMAT_MAX], total_s[SIZE_FORMAT_MAX], free_s[SIZE_FORMAT_MAX],
                claimed[DIAG_LINE_MAX / 2];
        _cleanup_free_ char *set = NULL;
        uint64_t total, free_bytes, held;
        const char *what;
        struct nodeset unknown = *nodes;

        nodeset_intersect(&unknown, &topo->memory_unknown);
        if (!vm->has_memory || !nodeset_is_empty(&unknown))
                return 0; /* with a node of unknown size, nobody can tell whether it fits */

        total = topology_sum_total(topo, nodes);
        set = fmt_set(nodes);
        size_format(vm->memory, vm_s);
        what = vm->memory_label ? vm->memory_label : "the VM's memory";

        if (vm->memory > total) {
                size_format(total, total_s);
                if (hard)
                        return diag_error(d, -EINVAL,
                                "%s: %s (%s) is larger than all memory of node%s %s (%s)", subject, what,
                                vm_s, nodeset_count(nodes) == 1 ? "" : "s", SET_OR_Q(set), total_s);
                /* fit's preferred has warned that the memory spills over from the node it chose. */
                if (vm->fit_judged)
                        return 0;
                diag_warn(d, "%s: %s (%s) is larger than all memory of node%s %s (%s)", subject, what, vm_s,
                        nodeset_count(nodes) == 1 ? "" : "s", SET_OR_Q(set), total_s);
                return 0;
        }

        if (!topo->has_free || vm->fit_judged)
                return 0;
        /* Huge pages come from their own pool, which hugepages_check() judges; MemFree does not hold them. */
        if (vm->hugepages)
                return 0;

        /* What other VMs starting now have claimed of it is not free for this one. */
        free_bytes = topology_sum_free(topo, nodes);
        held = claims_describe(vm->claims, nodes, 0, claimed, sizeof(claimed));
        if (vm->memory > claims_offer(free_bytes, held))
                diag_warn(d, "%s: %s (%s) is more than is free on node%s %s now (%s%s)", subject, what, vm_s,
                        nodeset_count(nodes) == 1 ? "" : "s", SET_OR_Q(set), size_format(free_bytes, free_s),
                        claimed);
        return 0;
}

/* The checks on the nodes a binding ends with: some are left, as many as its mode takes, with memory enough.
 */
static int check_nodes(const struct binding *b, const char *subject, const struct topology *topo,
        const struct vm_facts *vm, struct diag *d) {
        int r;

        if (nodeset_is_empty(&b->nodes)) {
                _cleanup_free_ char *with = fmt_set(&topo->with_memory);

                return diag_error(
                        d, -EINVAL, "%s leaves no node (nodes with memory: %s)", subject, SET_OR_Q(with));
        }

        if (b->mode == NUMA_MODE_PREFERRED && nodeset_count(&b->nodes) > 1) {
                _cleanup_free_ char *set = fmt_set(&b->nodes);

                return diag_error(d, -EINVAL,
                        "%s: preferred takes exactly one node, but this gives %s; use 'interleave:%s' or "
                        "'strict:%s'",
                        subject, SET_OR_Q(set), SET_OR_Q(set), SET_OR_Q(set));
        }

        r = check_memory_nodes(b, subject, topo, d);
        if (r < 0)
                return r;
        return check_capacity(b, subject, topo, vm, d);
}

/* A spec without a nodeset: automatic placement, which a mode alone gets only from <vcpu placement='auto'>.
 */
static int resolve_placement(const struct numa_spec *spec, const struct vm_facts *vm, struct diag *d) {
        /* libvirt's numatune placement follows <vcpu placement>; say so explicitly. */
        if (spec->target == SPEC_TARGET_NONE && !vm->vcpu_placement_auto)
                return diag_error(d, -EINVAL,
                        "%s: a nodeset is needed, e.g. '%s:%s' or '%s:auto' (a mode alone needs "
                        "<vcpu placement='auto'>)",
                        spec->subject, numa_mode_to_string(spec->mode),
                        spec->mode == NUMA_MODE_PREFERRED ? "0" : "0-1", numa_mode_to_string(spec->mode));
        return 0;
}

int resolve_spec(const struct numa_spec *spec, long cell, const struct topology *topo,
        const struct vm_facts *vm, struct binding *ret, struct diag *d) {
        struct binding b = {.cell = cell, .mode = spec->mode};
        int r;

        /* fit chooses its nodes first (fit_target.c) and hands over the plain nodeset. */
        if (spec->target == SPEC_TARGET_FIT)
                return diag_error(d, -EINVAL, "%s: the nodes are chosen by fit, not resolved", spec->subject);
        if (spec->target != SPEC_TARGET_NODESET) {
                r = resolve_placement(spec, vm, d);
                if (r < 0)
                        return r;
                b.placement_auto = true;
                *ret = b;
                return 0;
        }

        r = check_exists(&spec->include, spec->subject, topo, d);
        if (r < 0)
                return r;

        if (spec->has_include)
                b.nodes = spec->include;
        else {
                /* The base of "^3": every node that has memory, or may have. */
                b.nodes = topo->with_memory;
                nodeset_union(&b.nodes, &topo->memory_unknown);
        }
        nodeset_subtract(&b.nodes, &spec->exclude);

        r = check_nodes(&b, spec->subject, topo, vm, d);
        if (r < 0)
                return r;
        *ret = b;
        return 0;
}

int resolve_check(const struct binding *b, const char *subject, const struct topology *topo,
        const struct vm_facts *vm, struct diag *d) {
        int r;

        if (b->placement_auto)
                return 0;
        r = check_exists(&b->nodes, subject, topo, d);
        if (r < 0)
                return r;
        return check_nodes(b, subject, topo, vm, d);
}
