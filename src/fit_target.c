/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fit target on a host: its offers, tiers, locality and distances read for fit.c, and its messages. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "fit.h"
#include "fit_target.h"
#include "hugepages.h"
#include "locality.h"
#include "macro.h"
#include "size.h"

void fit_state_done(struct fit_state *s) {
        free(s->used);
        *s = (struct fit_state){0};
}

/* What earlier choices of this run took on node in pages of page_kib. */
static uint64_t used_on(const struct fit_state *st, unsigned node, uint64_t page_kib) {
        uint64_t sum = 0;

        for (size_t i = 0; i < st->n_used; i++)
                if (st->used[i].node == node && st->used[i].page_kib == page_kib)
                        sum += st->used[i].amount;
        return sum;
}

/* "12 GiB", or "40 pages of 2 MiB". */
static const char *fmt_amount(const struct fit_request *req, uint64_t amount, char *buf, size_t size) {
        char s[SIZE_FORMAT_MAX];

        if (req->page_kib == 0)
                snprintf(buf, size, "%s", size_format(amount, s));
        else
                snprintf(buf, size, "%" PRIu64 " page%s of %s", amount, amount == 1 ? "" : "s",
                        size_format(req->page_kib * 1024, s));
        return buf;
}

/* Node id's tier; with tiers that cannot be read, one warning and one tier for all. */
static unsigned node_tier(
        struct host *h, const struct fit_request *req, unsigned id, bool *warned, struct diag *d) {
        unsigned tier = 0;
        int r = host_memory_tier(h, id, &tier);

        if (r < 0 && r != -ENODATA && !*warned) {
                diag_warn(d, "%s: cannot read the memory tiers (%s); every node counts as one tier",
                        req->spec->subject, strerror(-r));
                *warned = true;
        }
        return r < 0 ? 0 : tier;
}

/* What node offers before claims: its offer in bytes, or its free pages of the size (pool). */
static uint64_t node_offer(struct host *h, const struct hugepage_pool *pool, unsigned id) {
        const struct hugepage_node *p;
        uint64_t bytes = 0;

        if (!pool)
                return host_offer(h, id, &bytes) < 0 ? 0 : bytes;
        p = hugepage_pool_node(pool, id);
        return !p ? 0 : pool->has_free ? p->free : p->total;
}

/*
 * Each node of the host as fit.c sees it, in nodes (one per topology
 * node), but for its tier (fill_tiers()); in unclaimed (when not NULL)
 * what each offers before other VMs' claims, for the refusal. Returns 0
 * or a negative errno.
 */
static int fill_nodes(struct host *h, const struct claims *c, const struct fit_request *req,
        const struct fit_state *st, struct fit_node *nodes, uint64_t *unclaimed, struct diag *d) {
        _cleanup_(hugepage_pool_done) struct hugepage_pool pool = {0};
        struct nodeset pinned_nodes;
        int r;

        if (req->page_kib != 0) {
                r = host_hugepage_pool(h, req->page_kib, &h->topo.present, &pool);
                if (r < 0) {
                        char s[SIZE_FORMAT_MAX], why[DIAG_LINE_MAX];

                        return diag_error(d, r, "%s: cannot read the %s huge pages of %s%s",
                                req->spec->subject, size_format(req->page_kib * 1024, s),
                                topology_host(&h->topo), host_pages_error(h, r, why, sizeof(why)));
                }
        }
        locality_cpu_nodes(&h->topo, req->pinned_cpus, &pinned_nodes);
        for (size_t i = 0; i < h->topo.n_nodes; i++) {
                unsigned id = h->topo.nodes[i].id;
                struct fit_node *n = &nodes[i];
                uint64_t mine;

                *n = (struct fit_node){.id = id, .has_memory = nodeset_contains(&h->topo.with_memory, id)};
                n->locality = nodeset_contains(&pinned_nodes, id)    ? FIT_LOCAL_CPUS
                              : nodeset_contains(req->pci_nodes, id) ? FIT_LOCAL_PCI
                                                                     : FIT_LOCAL_NONE;
                n->taken = req->cell != BINDING_VM && nodeset_contains(&st->taken, id);
                if (!n->has_memory)
                        continue;
                mine = claims_offer(
                        node_offer(h, req->page_kib ? &pool : NULL, id), used_on(st, id, req->page_kib));
                n->offer = claims_offer(mine, claims_on(c, id, req->page_kib, NULL));
                if (unclaimed)
                        unclaimed[i] = mine;
        }
        return 0;
}

/* Each node's memory tier, which only a choice needs. */
static void fill_tiers(
        struct host *h, const struct fit_request *req, struct fit_node *nodes, struct diag *d) {
        bool warned = false;

        for (size_t i = 0; i < h->topo.n_nodes; i++)
                if (nodes[i].has_memory)
                        nodes[i].tier = node_tier(h, req, nodes[i].id, &warned, d);
}

/* The distances between the nodes, [i * n + j]; 0 where they are not known. NULL when memory runs out. */
static unsigned *distances(struct host *h) {
        size_t n = h->topo.n_nodes;
        unsigned *m = calloc(n * n + 1, sizeof(unsigned));

        for (size_t i = 0; m && i < n; i++)
                for (size_t j = 0; j < n; j++)
                        if (host_distance(h, h->topo.nodes[i].id, h->topo.nodes[j].id, &m[i * n + j]) < 0)
                                m[i * n + j] = 0;
        return m;
}

/*
 * One item of the refusal's list: a node's offer, and what other VMs
 * starting now claim of it ("10 GiB (22 GiB before claims, of which 12 GiB
 * is claimed by a VM starting now (uuid ...))"). Returns whether claims
 * are named, which keeps the node out of a group.
 */
static bool offer_text(const struct claims *c, const struct fit_request *req, const struct fit_node *n,
        uint64_t unclaimed, char *buf, size_t size) {
        char amount[64], before[64], claimed[DIAG_LINE_MAX / 2];
        struct nodeset one;

        if (!n->has_memory) {
                snprintf(buf, size, "none (no memory)");
                return false;
        }
        nodeset_clear(&one);
        nodeset_add(&one, n->id);
        fmt_amount(req, n->offer, amount, sizeof(amount));
        if (claims_describe(c, &one, req->page_kib, claimed, sizeof(claimed)) == 0) {
                snprintf(buf, size, "%s", amount);
                return false;
        }
        snprintf(buf, size, "%s (%s before claims%s)", amount,
                fmt_amount(req, unclaimed, before, sizeof(before)), claimed);
        return true;
}

/*
 * What each node offers, for the refusal, in at most room bytes: nodes
 * with consecutive ids that offer the same, and no claim to name, are one
 * item ("0-63: 16 GiB each"); items that do not fit are left out for a
 * final ", ..." rather than cut mid-word.
 */
static void offers_list(const struct host *h, const struct claims *c, const struct fit_request *req,
        const struct fit_node *nodes, const uint64_t *unclaimed, char *list, size_t room) {
        static const char more[] = ", ...";
        size_t len = 0, n = h->topo.n_nodes;

        list[0] = '\0';
        for (size_t i = 0, j; i < n; i = j) {
                char what[DIAG_LINE_MAX], next[DIAG_LINE_MAX], item[DIAG_LINE_MAX + 32];
                bool named = offer_text(c, req, &nodes[i], unclaimed[i], what, sizeof(what));
                size_t k;

                for (j = i + 1; !named && j < n && nodes[j].id == nodes[j - 1].id + 1; j++)
                        if (offer_text(c, req, &nodes[j], unclaimed[j], next, sizeof(next)) ||
                                strcmp(next, what) != 0)
                                break;
                if (j - i == 1)
                        k = (size_t) snprintf(
                                item, sizeof(item), "%s%u: %s", i ? ", " : "", nodes[i].id, what);
                else
                        k = (size_t) snprintf(item, sizeof(item), "%s%u-%u: %s%s", i ? ", " : "", nodes[i].id,
                                nodes[j - 1].id, what, nodes[i].has_memory ? " each" : "");
                /* The last item needs no room for the ellipsis after it. */
                if (len + k + (j < n ? strlen(more) : 0) >= room) {
                        snprintf(list + len, room - len, "%s", i ? more : more + 2);
                        return;
                }
                memcpy(list + len, item, k + 1);
                len += k;
        }
}

/* The refusal: the need and what each node offers, in one line. */
static int refuse(const struct host *h, const struct claims *c, const struct fit_request *req,
        const struct fit_node *nodes, const uint64_t *unclaimed, uint64_t need, struct diag *d) {
        char head[DIAG_LINE_MAX], list[DIAG_LINE_MAX], amount[64];
        size_t len;

        if (req->spec->mode == NUMA_MODE_INTERLEAVE)
                return diag_error(d, -EINVAL, "%s: %s has no node with memory to interleave over",
                        req->spec->subject, topology_host(&h->topo));
        len = (size_t) snprintf(head, sizeof(head),
                "%s: no node of %s, nor any set of them, can hold %s (%s); nodes offer: ", req->spec->subject,
                topology_host(&h->topo), req->label, fmt_amount(req, need, amount, sizeof(amount)));
        /* The line is DIAG_LINE_MAX with its NUL: what the head leaves is the list's. */
        offers_list(h, c, req, nodes, unclaimed, list, len < sizeof(list) ? sizeof(list) - len : 1);
        return diag_error(d, -EINVAL, "%s%s", head, list);
}

/* Why the first node of a choice ranks first: "the nodes that hold the pinned CPUs 4-7". */
static void rank_reason(const struct fit_request *req, const struct fit_node *first, char *buf, size_t size) {
        _cleanup_free_ char *cpus = NULL;
        bool pinned = !nodeset_is_empty(req->pinned_cpus);

        (void) nodeset_format(req->pinned_cpus, &cpus);
        if (first->locality == FIT_LOCAL_CPUS)
                snprintf(buf, size, "the nodes that hold the pinned CPUs %s", cpus ? cpus : "?");
        else
                snprintf(buf, size, "%s%s%s%s",
                        first->locality == FIT_LOCAL_PCI ? "the nodes of the VM's PCI devices"
                        : first->taken                   ? "the nodes earlier guest cells took"
                        : req->cell != BINDING_VM        ? "the nodes no earlier guest cell took"
                                                         : "all nodes",
                        pinned ? "; those of the pinned CPUs " : "", pinned && cpus ? cpus : "",
                        pinned ? " cannot hold it" : "");
}

/* The success line's reason, and the warnings a choice brings. */
static void explain(const struct host *h, const struct fit_request *req, const struct fit_node *nodes,
        const struct fit_choice *ch, uint64_t need, char *why, size_t size, struct diag *d) {
        const struct fit_node *first = &nodes[ch->first];
        _cleanup_free_ char *set = NULL;
        char offered[64], needed[64], reason[DIAG_LINE_MAX / 2];

        (void) nodeset_format(&ch->nodes, &set);
        fmt_amount(req, ch->offered, offered, sizeof(offered));
        fmt_amount(req, need, needed, sizeof(needed));
        rank_reason(req, first, reason, sizeof(reason));
        if (ch->slower_tier)
                diag_warn(d,
                        "%s: the fastest memory tier of %s cannot hold %s (%s); chose node%s %s, in tier %u",
                        req->spec->subject, topology_host(&h->topo), req->label, needed,
                        nodeset_count(&ch->nodes) == 1 ? "" : "s", set ? set : "?", ch->tier);
        if (ch->verdict == FIT_SPILL)
                diag_warn(d,
                        "%s: no node offers all of %s (%s); preferred takes node %u, and the rest will spill "
                        "over to other nodes",
                        req->spec->subject, req->label, needed, first->id);
        if (ch->verdict == FIT_ONE || ch->verdict == FIT_SPILL)
                snprintf(why, size, ": node %u offers %s (most of %s)", first->id, offered, reason);
        else if (ch->verdict == FIT_SET && first->locality == FIT_LOCAL_CPUS && req->cell != BINDING_VM)
                snprintf(why, size, ": nodes %s offer %s together (%s)", set ? set : "?", offered, reason);
        else if (ch->verdict == FIT_SET)
                snprintf(why, size,
                        ": no node holds %s alone; nodes %s offer %s together, the fewest nodes nearest to "
                        "each other",
                        needed, set ? set : "?", offered);
        else if (ch->verdict == FIT_SPREAD)
                snprintf(why, size, ": interleaved over %s",
                        nodeset_is_empty(req->pinned_cpus)
                                ? "every node with memory in the fastest tier"
                                : "the nodes with memory that hold the pinned CPUs");
}

/*
 * What a guest cell's nodes take, for the cells that choose after it:
 * fit's choice, or nodes written out (fit_target_note()).
 * The VM's <memory> records nothing: its size is all the cells' memory,
 * which the cells with their own <memnode> place themselves. Returns 0 or
 * -ENOMEM.
 */
static int record(const struct host *h, const struct fit_request *req, const struct fit_node *nodes,
        const struct nodeset *chosen, bool spread, uint64_t need, struct fit_state *st) {
        uint64_t left = need;

        if (req->cell == BINDING_VM)
                return 0;
        nodeset_union(&st->taken, chosen);
        for (size_t i = 0; i < h->topo.n_nodes && left > 0 && !spread; i++) {
                struct fit_used *u;
                uint64_t share;

                if (!nodeset_contains(chosen, nodes[i].id))
                        continue;
                share = nodes[i].offer < left ? nodes[i].offer : left;
                left -= share;
                u = array_append(&st->used, &st->n_used, sizeof(*u));
                if (!u)
                        return -ENOMEM;
                *u = (struct fit_used){.node = nodes[i].id, .page_kib = req->page_kib, .amount = share};
        }
        return 0;
}

int fit_target_resolve(struct host *h, const struct claims *c, const struct fit_request *req,
        struct fit_state *st, struct binding *ret, char *why, size_t why_size, struct diag *d) {
        size_t n = h->topo.n_nodes;
        _cleanup_free_ struct fit_node *nodes = calloc(n + 1, sizeof(*nodes));
        _cleanup_free_ unsigned *dist = NULL;
        _cleanup_free_ uint64_t *unclaimed = calloc(n + 1, sizeof(*unclaimed));
        uint64_t need = req->page_kib ? hugepages_needed(req->bytes, req->page_kib) : req->bytes;
        struct fit_problem p = {.mode = req->spec->mode,
                .need = need,
                .n = n,
                .nodes = nodes,
                .bind_pinned = req->cell != BINDING_VM && !nodeset_is_empty(req->pinned_cpus)};
        struct fit_choice ch;
        int r;

        if (!nodes || !unclaimed)
                return diag_error(d, -ENOMEM, "out of memory");
        r = fill_nodes(h, c, req, st, nodes, unclaimed, d);
        if (r < 0)
                return r;
        fill_tiers(h, req, nodes, d);
        if (host_offers_are_totals(h) && !st->warned_totals) {
                diag_warn(d, "%s: the capabilities XML gives no free memory; fit chose by each node's total",
                        req->spec->subject);
                st->warned_totals = true;
        }
        r = fit_choose(&p, &ch);
        /* The distances only matter for a set: read them only then. */
        if (r >= 0 && ch.verdict == FIT_SET) {
                p.distance = dist = distances(h);
                r = dist ? fit_choose(&p, &ch) : -ENOMEM;
        }
        if (r < 0)
                return diag_error(d, r, "out of memory");
        if (ch.verdict == FIT_NONE)
                return refuse(h, c, req, nodes, unclaimed, need, d);
        explain(h, req, nodes, &ch, need, why, why_size, d);
        if (record(h, req, nodes, &ch.nodes, ch.verdict == FIT_SPREAD, need, st) < 0)
                return diag_error(d, -ENOMEM, "out of memory");
        *ret = (struct binding){
                .cell = req->cell, .mode = req->spec->mode, .nodes = ch.nodes, .fit_chosen = true};
        return 0;
}

int fit_target_note(struct host *h, const struct claims *c, const struct fit_request *req,
        const struct binding *b, struct fit_state *st, struct diag *d) {
        _cleanup_free_ struct fit_node *nodes = calloc(h->topo.n_nodes + 1, sizeof(*nodes));
        uint64_t need = req->page_kib ? hugepages_needed(req->bytes, req->page_kib) : req->bytes;
        int r;

        if (!nodes)
                return diag_error(d, -ENOMEM, "out of memory");
        r = fill_nodes(h, c, req, st, nodes, NULL, d);
        if (r < 0)
                return r;
        /* As for a choice of fit's: interleave spreads its memory, so it takes the nodes but no amount. */
        if (record(h, req, nodes, &b->nodes, b->mode == NUMA_MODE_INTERLEAVE, need, st) < 0)
                return diag_error(d, -ENOMEM, "out of memory");
        return 0;
}
