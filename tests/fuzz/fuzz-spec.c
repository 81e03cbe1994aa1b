/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw bytes as the custom property's value, through the spec parser and
 * the resolver over a fixed host: eight nodes with memory (0-2, 4-7), a
 * memoryless node 3 and a sparse node 12.
 */
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "resolve.h"
#include "spec.h"

static void make_host(struct topology *t) {
        const uint64_t gib = UINT64_C(1) << 30;

        for (unsigned id = 0; id < 8; id++)
                CHECK(topology_add_node(t, id, id == 3 ? 0 : 8 * gib, id == 3 ? 0 : 4 * gib, NULL) == 0);
        CHECK(topology_add_node(t, 12, 16 * gib, 16 * gib, NULL) == 0);
}

static void check_message(const struct diag *d) {
        CHECK(d->error < 0);
        CHECK(d->message[0] != '\0');
        CHECK(strchr(d->message, '\n') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *value = strndup((const char *) data, size);
        _cleanup_free_ char *canonical = NULL, *again = NULL;
        struct topology host = {0};
        struct numa_spec spec;
        struct binding b;
        struct nodeset parsed, excluded;
        struct vm_facts vm = {
                .vcpu_placement_auto = size % 2,
                .has_memory = true,
                .memory = (UINT64_C(1) << 30) * (size % 20),
        };
        struct diag d;

        CHECK(value);
        diag_init(&d);
        if (spec_parse(value, &spec, &d) < 0) {
                check_message(&d);
                CHECK(strncmp(d.message, "invalid value '", 15) == 0);
                return 0;
        }
        CHECK(d.error == 0);
        CHECK(spec.mode >= 0 && spec.mode < _NUMA_MODE_MAX);

        make_host(&host);
        if (resolve_spec(&spec, BINDING_VM, &host, &vm, &b, &d) < 0) {
                check_message(&d);
                topology_done(&host);
                return 0;
        }

        CHECK(b.mode == spec.mode);
        if (b.placement_auto) {
                CHECK(spec.target != SPEC_TARGET_NODESET);
                CHECK(nodeset_is_empty(&b.nodes));
        } else {
                CHECK(spec.target == SPEC_TARGET_NODESET);
                CHECK(!nodeset_is_empty(&b.nodes));

                /* Only host nodes, none excluded, with memory where the mode needs it. */
                parsed = b.nodes;
                nodeset_subtract(&parsed, &host.present);
                CHECK(nodeset_is_empty(&parsed));
                excluded = b.nodes;
                nodeset_intersect(&excluded, &spec.exclude);
                CHECK(nodeset_is_empty(&excluded));
                if (spec.mode == NUMA_MODE_STRICT || spec.mode == NUMA_MODE_RESTRICTIVE) {
                        parsed = b.nodes;
                        nodeset_subtract(&parsed, &host.with_memory);
                        CHECK(nodeset_is_empty(&parsed));
                        CHECK(vm.memory <= topology_sum_total(&host, &b.nodes));
                }
                if (spec.mode == NUMA_MODE_PREFERRED)
                        CHECK(nodeset_count(&b.nodes) == 1);

                /* The canonical form is what libvirt reads back, unchanged. */
                CHECK(nodeset_format(&b.nodes, &canonical) == 0);
                CHECK(nodeset_parse_libvirt(canonical, &parsed) == 0);
                CHECK(nodeset_equal(&parsed, &b.nodes));
                CHECK(nodeset_format(&parsed, &again) == 0);
                CHECK(strcmp(canonical, again) == 0);
                CHECK(strchr(canonical, '^') == NULL);
        }

        topology_done(&host);
        return 0;
}
