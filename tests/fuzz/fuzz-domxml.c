/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw bytes as the domain XML, through the in-memory scan, plan and splice
 * with a fixed request (<memory>, <memnode>s or both, chosen by the input's
 * length), and no file I/O.
 * On success the output is the input plus exactly one insertion (a filled
 * "<numatune/>" also loses its '/'), it parses again with exactly one
 * direct <numatune> holding what was asked, and a second run is a no-op. On
 * failure there is no output and one non-empty line.
 */
#include <string.h>

#include "capabilities.h"
#include "domxml.h"
#include "fuzz.h"
#include "macro.h"
#include "hugepages.h"
#include "locality.h"
#include "numatune.h"

/* A fixed request, chosen by the input's length so no input byte is spent on it. */
struct request {
        struct numatune_request nr;
        struct binding memory;
        struct binding memnodes[2];
};

static void request_for(size_t size, struct request *r) {
        *r = (struct request){.memory = {.cell = BINDING_VM}};
        r->nr.memory_subject = "fuzz";
        r->nr.memnodes_subject = "fuzz memnodes";
        r->nr.memnodes = r->memnodes;

        switch (size % 4) {
        case 0:
                r->memory.mode = NUMA_MODE_STRICT;
                nodeset_add_range(&r->memory.nodes, 0, 1);
                r->nr.memory = &r->memory;
                break;
        case 1:
                r->memory.mode = NUMA_MODE_INTERLEAVE;
                r->memory.placement_auto = true;
                r->nr.memory = &r->memory;
                break;
        case 2:
                r->memory.mode = NUMA_MODE_RESTRICTIVE;
                nodeset_add(&r->memory.nodes, 2);
                r->nr.memory = &r->memory;
                r->memnodes[0] = (struct binding){.cell = 1, .mode = NUMA_MODE_RESTRICTIVE};
                nodeset_add(&r->memnodes[0].nodes, 2);
                r->nr.n_memnodes = 1;
                break;
        default:
                r->memnodes[0] = (struct binding){.cell = 0, .mode = NUMA_MODE_STRICT};
                nodeset_add(&r->memnodes[0].nodes, 0);
                r->memnodes[1] = (struct binding){.cell = 1, .mode = NUMA_MODE_PREFERRED};
                nodeset_add(&r->memnodes[1].nodes, 1);
                r->nr.n_memnodes = 2;
                break;
        }
}

static void check_message(const struct diag *d) {
        CHECK(d->error < 0);
        CHECK(d->message[0] != '\0');
        CHECK(strchr(d->message, '\n') == NULL);
}

/* out == in[0, p) + X + in[p + removed, len) with X non-empty and removed <= 1 (a '/'). */
static void check_one_insertion(const char *in, size_t in_len, const char *out, size_t out_len) {
        size_t prefix = 0, suffix = 0, removed;

        while (prefix < in_len && prefix < out_len && in[prefix] == out[prefix])
                prefix++;
        while (suffix < in_len - prefix && suffix < out_len - prefix &&
                in[in_len - 1 - suffix] == out[out_len - 1 - suffix])
                suffix++;

        removed = in_len - prefix - suffix;
        CHECK(out_len - prefix - suffix > 0);
        CHECK(removed <= 1);
        if (removed == 1)
                CHECK(in[prefix] == '/');
}

/*
 * The huge page and locality checks on the scan, against a fixed host
 * given as capabilities (no sysfs is read): no crash, and every line they
 * produce is one line.
 */
static void check_placement(const struct domxml_facts *f, const struct numatune_request *nr) {
        static const struct caps_page pages[] = {{0, 4, 1000}, {0, 2048, 512}, {1, 4, 1000}, {1, 1048576, 3}};
        static const char *const subjects[] = {"fuzz cell a", "fuzz cell b"};
        struct caps_pages caps = {.n = ELEMENTSOF(pages), .items = (struct caps_page *) pages};
        struct host h = {.base_page_kib = 4};
        struct binding_list b;
        size_t n_remapped;
        struct diag d;
        char *cpus0 = strdup("0-1"), *cpus1 = strdup("2-3");

        CHECK(cpus0 && cpus1);
        CHECK(topology_add_node(&h.topo, 0, 1 << 30, 0, cpus0) == 0);
        CHECK(topology_add_node(&h.topo, 1, 1 << 30, 0, cpus1) == 0);
        CHECK(capabilities_host_pages(&caps, &h) == 0);
        CHECK(binding_list_collect(f, nr, subjects, NULL, &b) == 0);

        diag_init(&d);
        if (hugepages_check(f, &b, &h, NULL, &n_remapped, &d) < 0)
                check_message(&d);
        locality_check(f, &b, &h, &d);
        for (size_t i = 0; i < d.n_warnings; i++)
                CHECK(strchr(d.warnings[i], '\n') == NULL);

        binding_list_done(&b);
        host_done(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *in = (const char *) data;
        struct domxml_edit edit = {0}, again = {0};
        struct domxml_facts f;
        struct request req;
        _cleanup_free_ char *out = NULL;
        size_t out_len = 0;
        struct diag d;
        bool changed;
        int r;

        request_for(size, &req);
        diag_init(&d);

        if (domxml_scan(in, size, &f, &d) < 0) {
                check_message(&d);
                return 0;
        }
        check_placement(&f, &req.nr);
        r = numatune_plan(in, &f, &req.nr, &edit, &changed, &d);
        domxml_facts_done(&f);
        if (r < 0) {
                check_message(&d);
                CHECK(edit.text == NULL);
                return 0;
        }
        CHECK(d.error == 0);

        if (!changed) {
                CHECK(edit.text == NULL);
                /* Nothing to change: the document must already hold our element. */
                CHECK(numatune_verify(in, size, &req.nr, &d) == 0);
                return 0;
        }

        CHECK(edit.text && edit.text[0]);
        CHECK(domxml_splice(in, size, &edit, &out, &out_len) == 0);

        check_one_insertion(in, size, out, out_len);
        /* The hook's partial check and the full re-parse must agree. */
        if (numatune_verify_edit(out, out_len, &edit, &req.nr, &d) < 0) {
                fprintf(stderr, "verify_edit: %s\n", d.message);
                CHECK(!"the partial check passes");
        }
        free(edit.text);
        if (numatune_verify(out, out_len, &req.nr, &d) < 0) {
                fprintf(stderr, "verify: %s\n", d.message);
                CHECK(!"the result verifies");
        }

        /* Idempotent: the output is a no-op for the same binding. */
        CHECK(domxml_scan(out, out_len, &f, &d) == 0);
        CHECK(numatune_plan(out, &f, &req.nr, &again, &changed, &d) == 0);
        CHECK(!changed && again.text == NULL);
        domxml_facts_done(&f);
        return 0;
}
