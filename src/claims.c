/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The claims a run sees (other VMs' share of each node's offer) and the claim it records for its VM. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "binding_list.h"
#include "claims.h"
#include "host.h"
#include "macro.h"
#include "size.h"

int claims_open(struct claims *c, const char *run_dir, bool capabilities, bool dry_run, const char *buf,
        size_t len, struct diag *d) {
        struct diag scratch;
        int r;

        if (capabilities)
                return 0;
        /* Without a readable <uuid> libvirt makes one up, which no after_* point could name: read only. */
        diag_init(&scratch);
        if (uuid_from_domxml(buf, len, c->uuid, &scratch) < 0)
                c->uuid[0] = '\0';
        c->run_dir = run_dir ? run_dir : LEDGER_RUN_DIR;
        diag_init(&scratch);
        r = ledger_open(c->run_dir, ledger_now(), &c->ledger, &scratch);
        if (r == -ENOMEM)
                return diag_error(d, r, "out of memory");
        if (r < 0) {
                diag_warn(d, "%s; starts at the same time may count the same free memory twice",
                        scratch.message);
                return 0;
        }
        for (size_t i = 0; i < scratch.n_warnings; i++)
                diag_warn(d, "%s", scratch.warnings[i]);
        c->open = true;
        c->record = !dry_run && c->uuid[0];
        return 0;
}

uint64_t claims_on(const struct claims *c, unsigned node, uint64_t page_kib, const char **ret_uuid) {
        if (!c || !c->open) {
                if (ret_uuid)
                        *ret_uuid = NULL;
                return 0;
        }
        return ledger_claimed(&c->ledger, c->uuid[0] ? c->uuid : NULL, node, page_kib, ret_uuid);
}

/* Whether claim holds anything on nodes in pages of page_kib, and how much in *sum (saturating). */
static bool claim_holds(
        const struct ledger_claim *claim, const struct nodeset *nodes, uint64_t page_kib, uint64_t *sum) {
        bool holds = false;

        for (size_t j = 0; j < claim->n_items; j++) {
                const struct ledger_item *it = &claim->items[j];

                if (it->page_kib != page_kib || !nodeset_contains(nodes, it->node))
                        continue;
                *sum = it->amount > UINT64_MAX - *sum ? UINT64_MAX : *sum + it->amount;
                holds = true;
        }
        return holds;
}

uint64_t claims_describe(
        const struct claims *c, const struct nodeset *nodes, uint64_t page_kib, char *buf, size_t size) {
        const char *first = NULL;
        uint64_t sum = 0;
        size_t n = 0;
        char amount[SIZE_FORMAT_MAX + 32];
        bool plural;

        buf[0] = '\0';
        for (size_t i = 0; c && c->open && i < c->ledger.n_claims; i++) {
                const struct ledger_claim *claim = &c->ledger.claims[i];

                if (strcmp(claim->uuid, c->uuid) == 0 || !claim_holds(claim, nodes, page_kib, &sum))
                        continue;
                if (!first)
                        first = claim->uuid;
                n++;
        }
        if (n == 0)
                return 0;
        if (page_kib == 0)
                size_format(sum, amount);
        else
                snprintf(amount, sizeof(amount), "%" PRIu64, sum);
        plural = page_kib != 0 && sum != 1;
        if (n == 1)
                snprintf(buf, size, ", of which %s %s claimed by a VM starting now (uuid %s)", amount,
                        plural ? "are" : "is", first);
        else
                snprintf(buf, size, ", of which %s %s claimed by %zu VMs starting now (the first uuid %s)",
                        amount, plural ? "are" : "is", n, first);
        return sum;
}

int claims_need(struct claims *c, uint64_t page_kib, const struct nodeset *nodes, uint64_t amount) {
        struct claim_need *need;

        if (!c || amount == 0 || nodeset_is_empty(nodes))
                return 0;
        for (size_t i = 0; i < c->n_needs; i++) {
                need = &c->needs[i];
                if (need->page_kib == page_kib && nodeset_equal(&need->nodes, nodes)) {
                        need->amount =
                                amount > UINT64_MAX - need->amount ? UINT64_MAX : need->amount + amount;
                        return 0;
                }
        }
        need = array_append(&c->needs, &c->n_needs, sizeof(*need));
        if (!need)
                return -ENOMEM;
        *need = (struct claim_need){.page_kib = page_kib, .nodes = *nodes, .amount = amount};
        return 0;
}

int claims_need_memory(struct claims *c, const struct domxml_facts *f, const struct binding_list *b) {
        _cleanup_free_ struct memory_part *parts = NULL;
        struct diag scratch;
        size_t n = 0;
        int r;

        if (!c || !c->record)
                return 0;
        diag_init(&scratch);
        r = binding_list_memory_parts(f, &parts, &n, &scratch);
        if (r < 0)
                return r == -ENOMEM ? r : 0; /* a cell's size libvirt refuses: the start fails anyway */
        for (size_t i = 0; i < n; i++) {
                const struct binding_entry *e = binding_for_cell(b, parts[i].cell);

                if (e && !e->binding.placement_auto &&
                        claims_need(c, 0, &e->binding.nodes, parts[i].bytes) < 0)
                        return -ENOMEM;
        }
        return 0;
}

uint64_t claims_split(uint64_t amount, const uint64_t *offers, size_t n, uint64_t *ret_shares) {
        uint64_t left = amount;

        for (size_t i = 0; i < n; i++) {
                ret_shares[i] = offers[i] < left ? offers[i] : left;
                left -= ret_shares[i];
        }
        return amount - left;
}

/* What items already give this VM on node in pages of page_kib: its earlier needs' shares. */
static uint64_t own_share(const struct ledger_item *items, size_t n, unsigned node, uint64_t page_kib) {
        uint64_t sum = 0;

        for (size_t i = 0; i < n; i++)
                if (items[i].node == node && items[i].page_kib == page_kib)
                        sum += items[i].amount;
        return sum;
}

/*
 * What node offers of need's page size before any claim: on this host
 * host_offer() (MemFree + Inactive(file), what the fit target counts too;
 * a node whose offer cannot be read offers nothing), or free pages (in
 * pool). A host without sysfs (claims never go with another host's
 * document) has only the free memory it was given.
 */
static uint64_t node_free(
        struct host *h, const struct hugepage_pool *pool, uint64_t page_kib, unsigned node) {
        const struct topology_node *t = topology_node(&h->topo, node);
        const struct hugepage_node *p = page_kib != 0 ? hugepage_pool_node(pool, node) : NULL;
        uint64_t bytes = 0;

        if (page_kib != 0)
                return p ? p->free : 0;
        if (host_offers_are_totals(h))
                return t ? t->free : 0;
        return host_offer(h, node, &bytes) < 0 ? 0 : bytes;
}

/* One need split over its nodes into *items. Returns 0 or a negative errno. */
static int split_need(const struct claims *c, struct host *h, const struct claim_need *need,
        struct ledger_item **items, size_t *n_items) {
        _cleanup_(hugepage_pool_done) struct hugepage_pool pool = {0};
        size_t n = nodeset_count(&need->nodes), k = 0, base = *n_items;
        _cleanup_free_ uint64_t *offers = calloc(n + 1, sizeof(uint64_t));
        _cleanup_free_ uint64_t *shares = calloc(n + 1, sizeof(uint64_t));
        _cleanup_free_ unsigned *ids = calloc(n + 1, sizeof(unsigned));
        int r;

        if (!offers || !shares || !ids)
                return -ENOMEM;
        if (need->page_kib != 0) {
                r = host_hugepage_pool(h, need->page_kib, &need->nodes, &pool);
                if (r < 0)
                        return r;
        }
        for (int id = nodeset_next(&need->nodes, 0); id >= 0; id = nodeset_next(&need->nodes, id + 1)) {
                uint64_t held = claims_on(c, (unsigned) id, need->page_kib, NULL);

                held += own_share(*items, base, (unsigned) id, need->page_kib);
                ids[k] = (unsigned) id;
                offers[k++] = claims_offer(node_free(h, &pool, need->page_kib, (unsigned) id), held);
        }
        claims_split(need->amount, offers, k, shares);
        for (size_t i = 0; i < k; i++) {
                struct ledger_item *it;

                if (shares[i] == 0)
                        continue;
                it = array_append(items, n_items, sizeof(**items));
                if (!it)
                        return -ENOMEM;
                *it = (struct ledger_item){.node = ids[i], .page_kib = need->page_kib, .amount = shares[i]};
        }
        return 0;
}

/* The body of claims_commit(), with the ledger still open: it closes it on every way out. */
static int record_claim(struct claims *c, struct host *h, struct diag *d) {
        _cleanup_free_ struct ledger_item *items = NULL;
        struct diag scratch;
        size_t n = 0;
        int r = 0;

        for (size_t i = 0; c->record && i < c->n_needs && r >= 0; i++)
                r = split_need(c, h, &c->needs[i], &items, &n);
        if (r < 0) {
                char why[DIAG_LINE_MAX];

                return r == -ENOMEM
                               ? diag_error(d, r, "out of memory")
                               : diag_error(d, r, "cannot read the huge pages of %s to claim them%s",
                                         topology_host(&h->topo), host_pages_error(h, r, why, sizeof(why)));
        }
        diag_init(&scratch);
        if (n > 0)
                r = ledger_record(&c->ledger, c->uuid, items, n, &scratch);
        c->recorded = n > 0 && r >= 0;
        if (r == -ENOMEM)
                return diag_error(d, r, "out of memory");
        if (r < 0)
                diag_warn(d, "%s; this start's claim is not recorded", scratch.message);
        return 0;
}

int claims_commit(struct claims *c, struct host *h, struct diag *d) {
        int r = record_claim(c, h, d);

        /* The lock is held for this one decision, however it ended. */
        ledger_close(&c->ledger);
        c->open = false;
        return r;
}

void claims_withdraw(struct claims *c) {
        _cleanup_(ledger_close) struct ledger l = {0};
        struct diag quiet;

        if (!c->recorded)
                return;
        diag_init(&quiet);
        if (ledger_open(c->run_dir, ledger_now(), &l, &quiet) >= 0)
                (void) ledger_remove(&l, c->uuid, &quiet);
        c->recorded = false;
}

void claims_done(struct claims *c) {
        ledger_close(&c->ledger);
        free(c->needs);
        *c = (struct claims){0};
}
