/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hook's own verdict on custom property values, for the Engine regex test. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "spec.h"
#include "topology.h"

/*
 * hook-verdict numa|numaset|numa_memnode < VALUES
 *
 * VALUES are NUL-terminated. For each, prints "ok" or "no<TAB>message" on
 * a line: the hook's parser, then (but for fit, which chooses its nodes on
 * the host at start) resolve_spec() against the largest host there
 * can be (every node id 0..4095, each with memory), with <vcpu
 * placement='auto'> and no memory size. What this host refuses, every host
 * refuses: those are the refusals a value regex can share.
 */

static int verdict(const char *property, const char *value, const struct topology *host, struct diag *d) {
        const struct vm_facts vm = {.vcpu_placement_auto = true};
        struct memnode_list l = {0};
        struct binding b;
        struct numa_spec spec;
        int r;

        if (strcmp(property, "numa_memnode") != 0) {
                r = spec_parse(value, &spec, d);
                /* fit chooses on the host at start: what every host refuses of it is its grammar. */
                if (r < 0 || spec.target == SPEC_TARGET_FIT)
                        return r;
                return resolve_spec(&spec, BINDING_VM, host, &vm, &b, d);
        }

        r = spec_parse_memnodes(value, &l, d);
        for (size_t i = 0; r >= 0 && i < l.n; i++)
                if (l.items[i].spec.target != SPEC_TARGET_FIT)
                        r = resolve_spec(&l.items[i].spec, l.items[i].cell, host, &vm, &b, d);
        memnode_list_done(&l);
        return r;
}

int main(int argc, char *argv[]) {
        struct topology host = {0};
        char *value = NULL;
        size_t size = 0;
        ssize_t len;

        if (argc != 2 || (strcmp(argv[1], "numa") != 0 && strcmp(argv[1], "numaset") != 0 &&
                                 strcmp(argv[1], "numa_memnode") != 0)) {
                fprintf(stderr, "usage: hook-verdict numa|numaset|numa_memnode < NUL-terminated values\n");
                return 2;
        }
        for (unsigned id = 0; id <= NODE_ID_MAX; id++)
                if (topology_add_node(&host, id, 1ULL << 30, 1ULL << 30, NULL) < 0) {
                        fprintf(stderr, "hook-verdict: cannot build the host\n");
                        return 2;
                }

        while ((len = getdelim(&value, &size, '\0', stdin)) > 0) {
                struct diag d;

                if (value[len - 1] == '\0')
                        len--;
                value[len] = '\0';
                diag_init(&d);
                if (verdict(argv[1], value, &host, &d) < 0)
                        printf("no\t%s\n", d.message);
                else
                        printf("ok\n");
        }

        free(value);
        topology_done(&host);
        return 0;
}
