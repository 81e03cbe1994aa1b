/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Huge pages: the page size each part of the VM uses, and whether its bound nodes hold enough of them. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "hugepages.h"
#include "macro.h"
#include "size.h"

/* Per-node figures in a message beyond this many are cut with "...": the line must stay readable. */
#define MESSAGE_NODES_MAX 8

/* Which <page> each guest cell uses: an index into p->pages per cell id, -1 for none. */
struct page_choice {
        long fallback; /* the first <page> without nodeset, -1 */
        long cell[NODE_ID_MAX + 1];
};

/*
 * Parses each <page>'s nodeset once and walks its members, so the cost is
 * pages x members, never pages x cells x parsing (hostile input may have
 * tens of thousands of both). Returns 0 with the choice (on the heap: it
 * is large) in *ret, -ENOMEM, or -EINVAL for a nodeset it cannot read.
 */
static int choose_pages(const struct domxml_placement *p, struct page_choice **ret) {
        _cleanup_free_ struct page_choice *choice = malloc(sizeof(*choice));

        if (!choice)
                return -ENOMEM;
        choice->fallback = -1;
        for (size_t c = 0; c < ELEMENTSOF(choice->cell); c++)
                choice->cell[c] = -1;

        for (size_t i = 0; i < p->n_pages; i++) {
                struct nodeset cells;

                if (!p->pages[i].nodeset) {
                        if (choice->fallback < 0)
                                choice->fallback = (long) i;
                        continue;
                }
                if (nodeset_parse_libvirt(p->pages[i].nodeset, &cells) < 0)
                        return -EINVAL;
                for (int c = nodeset_next(&cells, 0); c >= 0; c = nodeset_next(&cells, c + 1))
                        if (choice->cell[c] < 0)
                                choice->cell[c] = (long) i; /* the first <page> naming the cell wins */
        }
        *ret = TAKE_PTR(choice);
        return 0;
}

/* The memory of cell (-1: a VM without guest cells) from a choice; see hugepages_select(). */
static int chosen_size(const struct domxml_placement *p, const struct page_choice *choice, long cell,
        struct hugepages_choice *ret) {
        const struct domxml_page *page;
        long i = cell >= 0 && cell <= NODE_ID_MAX ? choice->cell[cell] : -1;
        uint64_t bytes;

        if (!p->has_hugepages) {
                *ret = (struct hugepages_choice){.huge = false};
                return 0;
        }
        if (p->n_pages == 0) {
                /* <hugepages/> alone: the default size for all memory */
                *ret = (struct hugepages_choice){.huge = true, .kib = 0};
                return 0;
        }
        if (i < 0)
                i = choice->fallback;
        if (i < 0) {
                *ret = (struct hugepages_choice){.huge = false}; /* libvirt gives such a cell normal memory */
                return 0;
        }

        page = &p->pages[i];
        if (!page->size || size_parse(page->size, page->unit, &bytes) < 0 || bytes < 1024)
                return -EINVAL;
        *ret = (struct hugepages_choice){.huge = true, .kib = bytes / 1024};
        return 0;
}

int hugepages_select(const struct domxml_placement *p, long cell, struct hugepages_choice *ret) {
        _cleanup_free_ struct page_choice *choice = NULL;
        int r;

        r = choose_pages(p, &choice);
        if (r < 0)
                return r;
        return chosen_size(p, choice, cell, ret);
}

uint64_t hugepages_needed(uint64_t bytes, uint64_t page_kib) {
        uint64_t page = page_kib * 1024;

        /* A page larger than any memory (a size read from a broken meminfo): one page, never a division by 0.
         */
        if (page_kib == 0 || page_kib > UINT64_MAX / 1024)
                return bytes > 0;

        return bytes / page + (bytes % page != 0);
}

enum hugepages_verdict hugepages_judge(
        bool hard, uint64_t need, uint64_t have, const struct hugepage_pool *pool) {
        if (need <= have)
                return HUGEPAGES_OK;
        if (!hard)
                return HUGEPAGES_WARN_SOFT;
        if (pool && pool->has_overcommit && pool->overcommit > pool->surplus &&
                pool->overcommit - pool->surplus >= need - have)
                return HUGEPAGES_WARN_OVERCOMMIT;
        return HUGEPAGES_SHORT;
}

/* Pages needed of one size on one set of nodes, summed over the parts of the VM bound there. */
struct group {
        uint64_t kib;
        struct nodeset nodes;
        bool hard;
        uint64_t need;
        char subject[DIAG_LINE_MAX]; /* the first binding's; "X and Y", "X and N more bindings" */
        const char *first, *second;
        size_t n_subjects;
        bool has_memory; /* <memory>'s binding, which many parts share, is among the subjects */
        bool remapped;   /* a strict or restrictive <memnode> whose nodeset VDSM replaces: it only warns */
};

static void append(char *buf, size_t size, const char *fmt, ...) _printf_(3, 4);
static void append(char *buf, size_t size, const char *fmt, ...) {
        size_t len = strlen(buf);
        va_list ap;

        if (len + 1 >= size)
                return;
        va_start(ap, fmt);
        vsnprintf(buf + len, size - len, fmt, ap);
        va_end(ap);
}

static const char *host_name(const struct host *h) {
        return topology_host(&h->topo);
}

/* "2 MiB, 1 GiB", or "none". */
static void host_sizes_text(struct host *h, char *buf, size_t size) {
        const uint64_t *sizes = NULL;
        size_t n = 0;
        char s[SIZE_FORMAT_MAX];
        int r;

        buf[0] = '\0';
        r = host_hugepage_sizes(h, &sizes, &n);
        for (size_t i = 0; r == 0 && i < n; i++) {
                size_format(sizes[i] * 1024, s);
                /* Whole sizes only, and room for ", ..." when they do not all fit. */
                if (strlen(buf) + 2 + strlen(s) + 5 >= size) {
                        append(buf, size, ", ...");
                        break;
                }
                append(buf, size, "%s%s", buf[0] ? ", " : "", s);
        }
        if (!buf[0])
                snprintf(buf, size, "none");
}

/* The pages nodes offer: free ones (totals from capabilities), less what other VMs claim (claims NULL: none).
 */
static uint64_t pool_have(
        const struct hugepage_pool *p, const struct nodeset *nodes, const struct claims *claims) {
        uint64_t sum = 0;

        for (size_t i = 0; i < p->n_nodes; i++) {
                uint64_t v = claims_offer(p->has_free ? p->nodes[i].free : p->nodes[i].total,
                        claims_on(claims, p->nodes[i].id, p->page_kib, NULL));

                if (nodeset_contains(nodes, p->nodes[i].id))
                        sum = v > UINT64_MAX - sum ? UINT64_MAX : sum + v;
        }
        return sum;
}

/*
 * "'strict:1': needs 8 free 1 GiB pages on node 1, which has 3 (node 0 has 9)": the
 * shortfall, then every other node's figure (all nodes' when several are bound), so
 * the admin sees where the pages are.
 */
static void describe_shortfall(struct host *h, const struct claims *claims, const struct group *g,
        uint64_t have, char *buf, size_t size) {
        _cleanup_(hugepage_pool_done) struct hugepage_pool all = {0};
        char claimed[DIAG_LINE_MAX / 2];
        _cleanup_free_ char *set = NULL;
        bool single = nodeset_count(&g->nodes) == 1;
        char s[SIZE_FORMAT_MAX];
        unsigned shown = 0;

        (void) nodeset_format(&g->nodes, &set);
        buf[0] = '\0';
        append(buf, size, "%s: needs %" PRIu64 " %s%s page%s on node%s %s, which ha%s %" PRIu64 "%s",
                g->subject, g->need, h->pages_have_free ? "free " : "", size_format(g->kib * 1024, s),
                g->need == 1 ? "" : "s", single ? "" : "s", set ? set : "?", single ? "s" : "ve", have,
                h->pages_have_free ? "" : " in total");
        claims_describe(claims, &g->nodes, g->kib, claimed, sizeof(claimed));
        append(buf, size, "%s", claimed);

        if (host_hugepage_pool(h, g->kib, &h->topo.present, &all) == 0) {
                for (size_t i = 0; i < all.n_nodes; i++) {
                        const struct hugepage_node *n = &all.nodes[i];

                        if (single && nodeset_contains(&g->nodes, n->id))
                                continue;
                        if (shown == MESSAGE_NODES_MAX) {
                                append(buf, size, ", ...");
                                break;
                        }
                        append(buf, size, "%snode %u has %" PRIu64, shown ? ", " : " (", n->id,
                                claims_offer(all.has_free ? n->free : n->total,
                                        claims_on(claims, n->id, g->kib, NULL)));
                        shown++;
                }
                if (shown)
                        append(buf, size, ")");
        }
}

static void describe_fix(const struct group *g, char *buf, size_t size) {
        _cleanup_free_ char *set = NULL;

        if (nodeset_count(&g->nodes) == 1)
                append(buf, size,
                        "; reserve them in /sys/devices/system/node/node%d/hugepages/hugepages-%" PRIu64
                        "kB/nr_hugepages or bind elsewhere",
                        nodeset_next(&g->nodes, 0), g->kib);
        else {
                (void) nodeset_format(&g->nodes, &set);
                append(buf, size,
                        "; reserve them in /sys/devices/system/node/nodeN/hugepages/hugepages-%" PRIu64
                        "kB/nr_hugepages for N in %s, or bind elsewhere",
                        g->kib, set ? set : "?");
        }
}

/*
 * Checks one group against its pool. partner, when not NULL, is the group
 * of soft bindings (preferred, interleave, warn-only) on the same pages:
 * when each fits alone but not both, which one gets the pages depends on
 * the order QEMU allocates the guest cells in, so that is a warning.
 * Returns 0, with whether a shortfall only warned because VDSM replaces
 * the nodesets in ret_remapped, or a negative errno with d filled.
 */
static int check_group(struct host *h, const struct claims *claims, const struct group *g,
        const struct group *partner, bool *ret_remapped, struct diag *d) {
        _cleanup_(hugepage_pool_done) struct hugepage_pool pool = {0};
        enum hugepages_verdict v;
        char msg[DIAG_LINE_MAX], s[SIZE_FORMAT_MAX];
        bool remapped = false;
        uint64_t have, raw;
        int r;

        r = host_hugepage_pool(h, g->kib, &g->nodes, &pool);
        if (r < 0)
                return diag_error(d, r, "%s: cannot read the %s huge pages of %s%s", g->subject,
                        size_format(g->kib * 1024, s), host_name(h),
                        host_pages_error(h, r, msg, sizeof(msg)));
        /* What other VMs starting now have claimed is not on offer; messages show both. */
        raw = pool_have(&pool, &g->nodes, NULL);
        have = pool_have(&pool, &g->nodes, claims);
        v = hugepages_judge(g->hard, g->need, have, &pool);

        switch (v) {
        case HUGEPAGES_OK:
                if (partner && partner->need <= have && partner->need > have - g->need) {
                        struct group both = *g;

                        both.need =
                                partner->need > UINT64_MAX - g->need ? UINT64_MAX : g->need + partner->need;
                        both.hard = false;
                        snprintf(both.subject, sizeof(both.subject), "%s and %s", g->first, partner->first);
                        describe_shortfall(h, claims, &both, raw, msg, sizeof(msg));
                        describe_fix(&both, msg, sizeof(msg));
                        diag_warn(d, "%s", msg);
                }
                break;
        case HUGEPAGES_SHORT:
        case HUGEPAGES_WARN_SOFT:
                describe_shortfall(h, claims, g, raw, msg, sizeof(msg));
                describe_fix(g, msg, sizeof(msg));
                if (v == HUGEPAGES_SHORT)
                        return diag_error(d, -ENOMEM, "%s", msg);
                if (g->remapped && !g->has_memory) {
                        append(msg, sizeof(msg),
                                "; not refused, as VDSM replaces <memnode> nodesets with "
                                "Engine's choice for %s",
                                host_name(h));
                        remapped = true;
                }
                diag_warn(d, "%s", msg);
                break;
        case HUGEPAGES_WARN_OVERCOMMIT:
                describe_shortfall(h, claims, g, raw, msg, sizeof(msg));
                append(msg, sizeof(msg),
                        "; overcommit may still supply them (nr_overcommit_hugepages %" PRIu64
                        ", surplus %" PRIu64 ")",
                        pool.overcommit, pool.surplus);
                diag_warn(d, "%s", msg);
                break;
        }
        *ret_remapped = remapped;
        return 0;
}

static bool group_matches(const struct group *g, uint64_t kib, bool hard, const struct binding_entry *b) {
        return g->kib == kib && g->hard == hard && nodeset_equal(&g->nodes, &b->binding.nodes);
}

/*
 * Adds need pages of kib on b's nodes to their group. *hint is the group
 * the previous part went to, tried first: millions of guest cells bound
 * by one <memory> must not each walk thousands of <memnode> groups.
 */
static int add_to_group(struct group **groups, size_t *n, size_t *hint, uint64_t kib,
        const struct binding_entry *b, uint64_t need) {
        bool hard_mode = b->binding.mode == NUMA_MODE_STRICT || b->binding.mode == NUMA_MODE_RESTRICTIVE;
        bool hard = hard_mode && !b->warn_only;
        struct group *g = NULL;

        if (*hint < *n && group_matches(&(*groups)[*hint], kib, hard, b))
                g = &(*groups)[*hint];
        for (size_t i = 0; !g && i < *n; i++)
                if (group_matches(&(*groups)[i], kib, hard, b)) {
                        g = &(*groups)[i];
                        *hint = i;
                }

        if (g) {
                /* Saturating: the sum of many cells' pages must not wrap around to "enough". */
                g->need = need > UINT64_MAX - g->need ? UINT64_MAX : g->need + need;
                g->remapped |= hard_mode && b->warn_only;
                if ((b->binding.cell < 0 && g->has_memory) || strcmp(g->first, b->subject) == 0 ||
                        (g->second && strcmp(g->second, b->subject) == 0))
                        return 0;
                g->has_memory |= b->binding.cell < 0;
                if (!g->second)
                        g->second = b->subject;
                g->n_subjects++;
                if (g->n_subjects == 2)
                        snprintf(g->subject, sizeof(g->subject), "%s and %s", g->first, g->second);
                else
                        snprintf(g->subject, sizeof(g->subject), "%s and %zu more bindings", g->first,
                                g->n_subjects - 1);
                return 0;
        }
        g = array_append(groups, n, sizeof(*g));
        if (!g)
                return -ENOMEM;
        *g = (struct group){.kib = kib,
                .nodes = b->binding.nodes,
                .hard = hard,
                .need = need,
                .first = b->subject,
                .n_subjects = 1,
                .has_memory = b->binding.cell < 0,
                .remapped = hard_mode && b->warn_only};
        snprintf(g->subject, sizeof(g->subject), "%s", b->subject);
        *hint = *n - 1;
        return 0;
}

/*
 * The size a <page> asks for (0: the default), checked against the host: 0
 * when it means normal memory. Returns 0 or a negative errno with d filled.
 */
static int host_size(struct host *h, uint64_t want_kib, uint64_t *ret_kib, struct diag *d) {
        char s[SIZE_FORMAT_MAX], sizes[DIAG_LINE_MAX / 4];
        uint64_t kib = want_kib;
        bool exists;
        int r;

        if (kib == h->base_page_kib) {
                *ret_kib = 0; /* libvirt backs this memory with normal pages */
                return 0;
        }
        if (kib == 0) {
                r = host_hugepage_default(h, &kib);
                if (r < 0) {
                        host_sizes_text(h, sizes, sizeof(sizes));
                        return diag_error(d, -EINVAL,
                                "domain XML asks for huge pages of the default size, but %s has none (huge "
                                "page sizes: %s)",
                                host_name(h), sizes);
                }
        }

        r = host_hugepage_size_exists(h, kib, &exists);
        if (r < 0)
                return diag_error(
                        d, r, "cannot read the huge page sizes of %s: %s", host_name(h), strerror(-r));
        if (!exists) {
                host_sizes_text(h, sizes, sizeof(sizes));
                return diag_error(d, -EINVAL,
                        "domain XML asks for %s huge pages, which %s does not have (huge page sizes: %s)",
                        size_format(kib * 1024, s), host_name(h), sizes);
        }
        *ret_kib = kib;
        return 0;
}

static int unreadable_page(int r, struct diag *d) {
        return diag_error(d, r,
                "domain XML has a <memoryBacking><hugepages><page> this hook cannot read "
                "(size, unit or nodeset); libvirt needs a size above 0 in a unit it knows "
                "(KiB by default), e.g. <page size='1' unit='GiB'/>");
}

/*
 * A capabilities document without any <pages> (libvirt before 1.2.7 wrote
 * none) says nothing about huge pages: the VM's <page> elements are still
 * read, and one warning says that nothing else was checked.
 */
static int check_without_pages(const struct domxml_facts *f, const struct page_choice *choice,
        const struct memory_part *parts, size_t n_parts, struct diag *d) {
        for (size_t i = 0; i < n_parts; i++) {
                struct hugepages_choice want;
                int r = chosen_size(&f->placement, choice, parts[i].cell, &want);

                if (r < 0)
                        return unreadable_page(r, d);
        }
        diag_warn(d, "the capabilities XML lists no <pages> (libvirt before 1.2.7 wrote none), so huge pages "
                     "were not checked");
        return 0;
}

/* The sizes the parts ask for, checked once each in a row: a host check reads files. */
struct size_memo {
        bool valid;
        uint64_t want, kib;
};

/* The size a part asks for, checked against the host: 0 when the part gets normal memory. */
static int part_size(const struct domxml_facts *f, const struct page_choice *choice, struct host *h,
        const struct memory_part *p, struct size_memo *memo, uint64_t *ret_kib, struct diag *d) {
        struct hugepages_choice choice_of_part;
        uint64_t want;
        int r;

        r = chosen_size(&f->placement, choice, p->cell, &choice_of_part);
        if (r < 0)
                return unreadable_page(r, d);
        if (!choice_of_part.huge) {
                *ret_kib = 0;
                return 0;
        }
        want = choice_of_part.kib;
        /* Millions of guest cells share a few <page>s: one look at the host per change of size. */
        if (!memo->valid || memo->want != want) {
                r = host_size(h, want, &memo->kib, d);
                if (r < 0)
                        return r;
                memo->want = want;
                memo->valid = true;
        }
        *ret_kib = memo->kib;
        return 0;
}

/*
 * Whether fit chose one of the bindings: on another host's document it
 * has warned already that it went by the totals, the fact the huge page
 * check's own warning would repeat.
 */
static bool fit_chose_any(const struct binding_list *b) {
        if (b->has_memory && b->memory.binding.fit_chosen)
                return true;
        for (size_t i = 0; i < b->n_cells; i++)
                if (b->cells[i].binding.fit_chosen)
                        return true;
        return false;
}

int hugepages_check(const struct domxml_facts *f, const struct binding_list *b, struct host *h,
        struct claims *claims, size_t *ret_n_remapped, struct diag *d) {
        _cleanup_free_ struct memory_part *parts = NULL;
        _cleanup_free_ struct group *groups = NULL;
        _cleanup_free_ struct page_choice *choice = NULL;
        size_t n_parts = 0, n_groups = 0, hint = 0, n_remapped = 0;
        struct size_memo memo = {0};
        int r;

        if (!f->placement.has_hugepages) {
                *ret_n_remapped = 0;
                return 0;
        }

        r = choose_pages(&f->placement, &choice);
        if (r == -ENOMEM)
                return diag_error(d, r, "out of memory");
        if (r < 0)
                return diag_error(d, -EINVAL,
                        "domain XML has a <memoryBacking><hugepages><page> with a nodeset "
                        "this hook cannot read; libvirt needs guest cell numbers, e.g. nodeset='0-1'");

        r = binding_list_memory_parts(f, &parts, &n_parts, d);
        if (r < 0)
                return r;
        if (h->pages_unknown) {
                r = check_without_pages(f, choice, parts, n_parts, d);
                if (r >= 0)
                        *ret_n_remapped = 0;
                return r;
        }

        for (size_t i = 0; i < n_parts; i++) {
                const struct binding_entry *bound = binding_for_cell(b, parts[i].cell);
                uint64_t kib = 0;

                r = part_size(f, choice, h, &parts[i], &memo, &kib, d);
                if (r < 0)
                        return r;
                /* Unbound memory may come from any node; numad's choice is not known yet. */
                if (!bound || bound->binding.placement_auto || nodeset_is_empty(&bound->binding.nodes))
                        continue;
                /* A part in normal pages is only claimed; the capacity check has judged it. */
                r = kib == 0 ? claims_need(claims, 0, &bound->binding.nodes, parts[i].bytes)
                             : add_to_group(&groups, &n_groups, &hint, kib, bound,
                                       hugepages_needed(parts[i].bytes, kib));
                if (r < 0)
                        return diag_error(d, -ENOMEM, "out of memory");
        }

        for (size_t i = 0; i < n_groups; i++) {
                const struct group *partner = NULL;
                bool remapped;

                /* Parts on the same pages add up, whatever their modes: a hard group's soft partner. */
                for (size_t j = 0; groups[i].hard && !partner && j < n_groups; j++)
                        if (!groups[j].hard && groups[j].kib == groups[i].kib &&
                                nodeset_equal(&groups[j].nodes, &groups[i].nodes))
                                partner = &groups[j];
                r = check_group(h, claims, &groups[i], partner, &remapped, d);
                if (r < 0)
                        return r;
                if (claims_need(claims, groups[i].kib, &groups[i].nodes, groups[i].need) < 0)
                        return diag_error(d, -ENOMEM, "out of memory");
                n_remapped += remapped;
        }
        if (!h->pages_have_free && n_groups > 0 && !fit_chose_any(b))
                diag_warn(d, "huge pages were checked against the totals in the capabilities XML; free pages "
                             "were not checked");
        *ret_n_remapped = n_remapped;
        return 0;
}
