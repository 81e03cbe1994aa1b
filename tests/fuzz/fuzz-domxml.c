/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw bytes as the domain XML, through the in-memory scan, plan and splice
 * with a fixed binding (chosen by the input's length), and no file I/O.
 * On success the output is the input plus exactly one insertion (a filled
 * "<numatune/>" also loses its '/'), it parses again with exactly one
 * direct <numatune> holding our <memory>, and a second run is a no-op. On
 * failure there is no output and one non-empty line.
 */
#include <string.h>

#include "domxml.h"
#include "fuzz.h"
#include "macro.h"
#include "numatune.h"

static void binding_for(size_t size, struct numa_binding *b) {
        *b = (struct numa_binding){0};
        switch (size % 3) {
        case 0:
                b->mode = NUMA_MODE_STRICT;
                nodeset_add_range(&b->nodes, 0, 1);
                break;
        case 1:
                b->mode = NUMA_MODE_INTERLEAVE;
                b->placement_auto = true;
                break;
        default:
                b->mode = NUMA_MODE_RESTRICTIVE;
                nodeset_add(&b->nodes, 2);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *in = (const char *) data;
        struct domxml_edit edit = {0}, again = {0};
        struct domxml_facts f;
        struct numa_binding b;
        _cleanup_free_ char *out = NULL;
        size_t out_len = 0;
        struct diag d;
        int r;

        binding_for(size, &b);
        diag_init(&d);

        if (domxml_scan(in, size, &f, &d) < 0) {
                check_message(&d);
                return 0;
        }
        r = numatune_plan(in, &f, &b, "fuzz", &edit, &d);
        domxml_facts_done(&f);
        if (r < 0) {
                check_message(&d);
                CHECK(edit.text == NULL);
                return 0;
        }
        CHECK(d.error == 0);

        if (r == 0) {
                /* Nothing to change: the document must already hold our element. */
                CHECK(numatune_verify(in, size, &b, &d) == 0);
                return 0;
        }

        CHECK(edit.text && edit.text[0]);
        CHECK(domxml_splice(in, size, &edit, &out, &out_len) == 0);
        free(edit.text);

        check_one_insertion(in, size, out, out_len);
        if (numatune_verify(out, out_len, &b, &d) < 0) {
                fprintf(stderr, "verify: %s\n", d.message);
                CHECK(!"the result verifies");
        }

        /* Idempotent: the output is a no-op for the same binding. */
        CHECK(domxml_scan(out, out_len, &f, &d) == 0);
        CHECK(numatune_plan(out, &f, &b, "fuzz", &again, &d) == 0);
        CHECK(again.text == NULL);
        domxml_facts_done(&f);
        return 0;
}
