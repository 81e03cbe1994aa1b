/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Decides and checks the <numatune> edit, with libvirt's defaults and rules for it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "macro.h"
#include "numatune.h"
#include "strbuf.h"

int numatune_markup(const struct binding *b, char quote, char **ret) {
        _cleanup_free_ char *nodes = NULL;
        const char *mode = numa_mode_to_string(b->mode);
        char q = quote ? quote : '\'';
        char *s = NULL;
        int n;

        if (nodeset_format(&b->nodes, &nodes) < 0)
                return -ENOMEM;
        if (b->cell != BINDING_VM)
                n = asprintf(&s, "<memnode cellid=%c%ld%c mode=%c%s%c nodeset=%c%s%c/>", q, b->cell, q, q,
                        mode, q, q, nodes, q);
        else if (b->placement_auto)
                n = asprintf(&s, "<memory mode=%c%s%c placement=%cauto%c/>", q, mode, q, q, q);
        else
                n = asprintf(&s, "<memory mode=%c%s%c nodeset=%c%s%c/>", q, mode, q, q, nodes, q);
        if (n < 0)
                return -ENOMEM;

        *ret = s;
        return 0;
}

/*
 * Whether an existing <memory> already says what b says (libvirt's
 * defaults applied). A placement libvirt does not know is not static,
 * whatever nodeset it has.
 */
static bool memory_matches(const struct domxml_memory *m, bool vcpu_placement_auto, const struct binding *b) {
        struct binding existing;

        if (!b->placement_auto && m->placement && strcmp(m->placement, "static") != 0)
                return false;
        return binding_from_memory(m, vcpu_placement_auto, &existing) == 0 && binding_equal(&existing, b);
}

static bool memnode_matches(const struct domxml_memnode *m, const struct binding *b) {
        struct binding existing;

        return binding_from_memnode(m, &existing) == 0 && binding_equal(&existing, b);
}

/*
 * The first <memnode> of each cell, by cell id: each request memnode looks
 * its cell up without walking the document's (there may be a million).
 * ret_by_cell is NULL for no memnodes. Returns 0 or -ENOMEM.
 */
static int memnode_index(const struct domxml_numatune *nt, const struct domxml_memnode ***ret_by_cell) {
        const struct domxml_memnode **by_cell;

        if (nt->n_memnodes == 0) {
                *ret_by_cell = NULL;
                return 0;
        }
        by_cell = calloc(NODE_ID_MAX + 1, sizeof(*by_cell));
        if (!by_cell)
                return -ENOMEM;
        for (size_t i = nt->n_memnodes; i-- > 0;) {
                long cell = binding_memnode_cell(&nt->memnodes[i]);

                if (cell >= 0)
                        by_cell[cell] = &nt->memnodes[i]; /* backwards, so the first one stays */
        }
        *ret_by_cell = by_cell;
        return 0;
}

static const struct domxml_memnode *find_memnode(const struct domxml_memnode *const *by_cell, long cell) {
        return by_cell && cell >= 0 && cell <= NODE_ID_MAX ? by_cell[cell] : NULL;
}

/* "<memory mode='x' nodeset='y'/>" for a message, with the values made safe to print. */
static void describe(const char *element, const char *const names[], const char *const values[], size_t n,
        char *buf, size_t size) {
        size_t o;

        o = (size_t) snprintf(buf, size, "<%s", element);
        for (size_t i = 0; i < n && o < size; i++) {
                char q[DIAG_QUOTE_SIZE(32)];

                if (!values[i])
                        continue;
                diag_quote(values[i], strlen(values[i]), 32, q, sizeof(q));
                o += (size_t) snprintf(buf + o, size - o, " %s='%s'", names[i], q);
        }
        if (o < size)
                snprintf(buf + o, size - o, "/>");
}

void numatune_describe_memory(const struct domxml_memory *m, char *buf, size_t size) {
        const char *const names[] = {"mode", "nodeset", "placement"};
        const char *const values[] = {m->mode, m->nodeset, m->placement};

        describe("memory", names, values, ELEMENTSOF(names), buf, size);
}

void numatune_describe_memnode(const struct domxml_memnode *m, char *buf, size_t size) {
        const char *const names[] = {"cellid", "mode", "nodeset"};
        const char *const values[] = {m->cellid, m->mode, m->nodeset};

        describe("memnode", names, values, ELEMENTSOF(names), buf, size);
}

/* Where an element's line begins and how it is indented. */
struct line {
        bool own_line; /* only blanks between the previous newline and the element */
        const char *indent;
        size_t indent_len;
        const char *newline; /* "\r\n" or "\n" */
};

static struct line line_of(const char *buf, size_t start) {
        size_t i = start;
        struct line l = {.newline = "\n"};

        while (i > 0 && ascii_is_hblank(buf[i - 1]))
                i--;
        l.own_line = i > 0 && buf[i - 1] == '\n';
        l.indent = buf + i;
        l.indent_len = l.own_line ? start - i : 0;
        if (l.own_line && i > 1 && buf[i - 2] == '\r')
                l.newline = "\r\n";
        return l;
}

/*
 * One indentation step: what a child of <domain> adds to <domain>'s own
 * indent. Documents indent by 2 (libvirt), 4 (VDSM) or a tab.
 */
static struct line indent_step(const char *buf, const struct domxml_facts *f, const struct line *child) {
        struct line root = line_of(buf, f->root.start), step = {.indent = "  ", .indent_len = 2};

        if (child->own_line && child->indent_len > root.indent_len &&
                memcmp(child->indent, root.indent, root.indent_len) == 0) {
                step.indent = child->indent + root.indent_len;
                step.indent_len = child->indent_len - root.indent_len;
        }
        return step;
}

/* A line break followed by the indent of l, and optionally one more step. */
static void text_break(struct strbuf *t, const struct line *l, const struct line *step) {
        strbuf_str(t, l->newline);
        strbuf_add(t, l->indent, l->indent_len);
        if (step)
                strbuf_add(t, step->indent, step->indent_len);
}

/*
 * Where to insert after an element that sits on its own line: at the end
 * of that line when only blanks or one comment follow it, so that a
 * trailing "<!-- note -->" stays on its line and diff shows only added
 * lines; else right after the element. limit bounds the search.
 */
static size_t after_line(const char *buf, size_t end, size_t limit) {
        size_t p = end;

        while (p < limit && ascii_is_hblank(buf[p]))
                p++;
        if (limit - p >= 4 && memcmp(buf + p, "<!--", 4) == 0) {
                size_t q = p + 4;

                while (q + 3 <= limit && buf[q] != '\n' && memcmp(buf + q, "-->", 3) != 0)
                        q++;
                if (q + 3 > limit || buf[q] == '\n')
                        return end;
                p = q + 3;
                while (p < limit && ascii_is_hblank(buf[p]))
                        p++;
        }
        if (p < limit && buf[p] == '\r' && p + 1 < limit && buf[p + 1] == '\n')
                return p;
        if (p < limit && buf[p] == '\n')
                return p;
        return end;
}

/* The elements to insert, one string each, with how to lay them out. */
struct block {
        char **elements; /* owned, with the n strings it holds */
        size_t n;
};

static void block_done(struct block *b) {
        for (size_t i = 0; i < b->n; i++)
                free(b->elements[i]);
        free(b->elements);
        *b = (struct block){0};
}

/* Each element on its own line at l's indent plus step (when given), or all inline. */
static void add_elements(struct strbuf *t, const struct block *b, bool own_line, const struct line *l,
        const struct line *step) {
        for (size_t i = 0; i < b->n; i++) {
                if (own_line)
                        text_break(t, l, step);
                strbuf_str(t, b->elements[i]);
        }
}

/* Hands the built text over as the edit at offset. Returns 0 or -ENOMEM. */
static int text_finish(struct strbuf *t, size_t offset, size_t remove, struct domxml_edit *ret) {
        char *text;

        if (strbuf_finish(t, &text) < 0)
                return -ENOMEM;
        *ret = (struct domxml_edit){.offset = offset, .remove = remove, .text = text};
        return 0;
}

/* No <numatune> yet: a new one where libvirt's formatter puts it. */
static int new_numatune(
        const char *buf, const struct domxml_facts *f, const struct block *b, struct domxml_edit *ret) {
        const struct domxml_span *after = f->has_anchor ? &f->anchor : f->has_child ? &f->last_child : NULL;
        struct strbuf t = {0};
        struct line l, step;

        if (!after) {
                /* <domain> with no child element: libvirt rejects it anyway; stay valid XML. */
                strbuf_str(&t, "<numatune>");
                add_elements(&t, b, false, NULL, NULL);
                strbuf_str(&t, "</numatune>");
                return text_finish(&t, f->root.close, 0, ret);
        }

        l = line_of(buf, after->start);
        step = indent_step(buf, f, &l);
        if (l.own_line)
                text_break(&t, &l, NULL);
        strbuf_str(&t, "<numatune>");
        add_elements(&t, b, l.own_line, &l, &step);
        if (l.own_line)
                text_break(&t, &l, NULL);
        strbuf_str(&t, "</numatune>");
        return text_finish(&t, l.own_line ? after_line(buf, after->end, f->root.close) : after->end, 0, ret);
}

/* "<numatune/>" -> "<numatune>...</numatune>": the '/' goes, the rest is inserted. */
static int fill_empty_numatune(
        const char *buf, const struct domxml_facts *f, const struct block *b, struct domxml_edit *ret) {
        const struct domxml_span *span = &f->numatune.span;
        struct line l = line_of(buf, span->start), step = indent_step(buf, f, &l);
        struct strbuf t = {0};

        strbuf_str(&t, ">");
        add_elements(&t, b, l.own_line, &l, &step);
        if (l.own_line)
                text_break(&t, &l, NULL);
        strbuf_str(&t, "</numatune");
        return text_finish(&t, span->tag_end - 2, 1, ret);
}

/* Right after <numatune>'s start tag, laid out like what follows it. */
static int prepend_to_numatune(
        const char *buf, const struct domxml_facts *f, const struct block *b, struct domxml_edit *ret) {
        const struct domxml_numatune *nt = &f->numatune;
        struct line l = line_of(buf, nt->span.start), step = indent_step(buf, f, &l), child;
        bool empty = nt->span.tag_end == nt->span.close;
        struct strbuf t = {0};
        size_t p;

        /* What follows the start tag decides the style: a line break, the end tag, or inline content. */
        for (p = nt->span.tag_end; ascii_is_hblank(buf[p]); p++)
                ;
        if (!l.own_line || (buf[p] != '\n' && buf[p] != '\r' && !empty)) {
                add_elements(&t, b, false, NULL, NULL);
                return text_finish(&t, nt->span.tag_end, 0, ret);
        }

        if (nt->has_child && (child = line_of(buf, nt->first_child_start)).own_line)
                add_elements(&t, b, true, &child, NULL);
        else
                add_elements(&t, b, true, &l, &step);
        if (empty)
                text_break(&t, &l, NULL); /* "<numatune></numatune>": close the line again */
        return text_finish(&t, nt->span.tag_end, 0, ret);
}

/* After the <memory> already in <numatune>, on its own line like it or inline like it. */
static int append_after_memory(
        const char *buf, const struct domxml_facts *f, const struct block *b, struct domxml_edit *ret) {
        const struct domxml_span *m = &f->numatune.memory_span;
        struct line l = line_of(buf, m->start);
        struct strbuf t = {0};

        add_elements(&t, b, l.own_line, &l, NULL);
        return text_finish(&t, m->end, 0, ret);
}

bool numatune_effective_placement_auto(const struct domxml_facts *f) {
        if (f->n_numatune == 1 && f->numatune.n_memory > 0)
                return binding_memory_placement_auto(&f->numatune.memory, f->vcpu_placement_auto);
        return f->vcpu_placement_auto;
}

/* The <memory> libvirt will apply: ours, else the one in the document, else <vcpu>'s placement. */
struct effective_memory {
        bool present;
        enum numa_mode mode;
        bool placement_auto;
        bool ours;
        bool from_vcpu; /* no <memory>: libvirt places automatically because <vcpu> does */
};

static struct effective_memory effective_memory(
        const struct domxml_facts *f, const struct numatune_request *req) {
        const struct domxml_numatune *nt = &f->numatune;
        struct effective_memory e = {0};

        if (req->memory)
                return (struct effective_memory){.present = true,
                        .mode = req->memory->mode,
                        .placement_auto = req->memory->placement_auto,
                        .ours = true};
        if (f->n_numatune != 1 || nt->n_memory == 0) {
                if (numatune_effective_placement_auto(f))
                        e = (struct effective_memory){.present = true,
                                .mode = NUMA_MODE_STRICT,
                                .placement_auto = true,
                                .from_vcpu = true};
                return e;
        }

        e.present = true;
        e.mode = binding_mode_or_default(nt->memory.mode);
        e.placement_auto = binding_memory_placement_auto(&nt->memory, f->vcpu_placement_auto);
        return e;
}

/* Under a restrictive <memory>, libvirt refuses any <memnode> that is not restrictive too. */
int numatune_check_memnodes_restrictive(
        const struct domxml_numatune *nt, const char *subject, struct diag *d) {
        for (size_t i = 0; i < nt->n_memnodes; i++)
                if (binding_mode_or_default(nt->memnodes[i].mode) != NUMA_MODE_RESTRICTIVE) {
                        char cell[DIAG_QUOTE_SIZE(16)], mode[DIAG_QUOTE_SIZE(32)];
                        const char *m = nt->memnodes[i].mode ? nt->memnodes[i].mode : "strict";
                        const char *c = nt->memnodes[i].cellid ? nt->memnodes[i].cellid : "?";

                        diag_quote(c, strlen(c), 16, cell, sizeof(cell));
                        diag_quote(m, strlen(m), 32, mode, sizeof(mode));
                        return diag_error(d, -EINVAL,
                                "%s: a restrictive <memory> needs every <memnode> restrictive, but cell %s "
                                "is '%s' (libvirt refuses the mix)",
                                subject, cell, mode);
                }
        return 0;
}

/* libvirt's rules between <memory> and <memnode>, checked on what the result will hold. */
static int check_rules(
        const struct domxml_facts *f, const struct numatune_request *req, const bool *add, struct diag *d) {
        const struct domxml_numatune *nt = &f->numatune;
        struct effective_memory e = effective_memory(f, req);
        size_t existing = f->n_numatune == 1 ? nt->n_memnodes : 0, added = 0;
        const char *subject;

        for (size_t i = 0; i < req->n_memnodes; i++)
                added += add[i];
        subject = e.ours ? req->memory_subject : req->memnodes_subject;

        if (e.present && e.placement_auto && existing + added > 0) {
                if (e.from_vcpu)
                        return diag_error(d, -EINVAL,
                                "%s: the domain has <vcpu placement='auto'> and no <memory> in "
                                "<numatune>, so libvirt places its memory automatically, which cannot go "
                                "with <memnode> elements (libvirt forbids per-node binding with automatic "
                                "placement); set numa too, e.g. 'strict:0-1'",
                                subject);
                if (e.ours)
                        return diag_error(d, -EINVAL,
                                "%s: placement 'auto' cannot go with the <memnode> elements (libvirt forbids "
                                "per-node binding with automatic placement)",
                                subject);
                return diag_error(d, -EINVAL,
                        "%s: the domain's <numatune> has placement 'auto', which cannot go with <memnode> "
                        "elements (libvirt forbids per-node binding with automatic placement)",
                        subject);
        }

        if (!e.present || e.mode != NUMA_MODE_RESTRICTIVE)
                return 0;

        if (existing > 0 && numatune_check_memnodes_restrictive(nt, subject, d) < 0)
                return -EINVAL;
        for (size_t i = 0; i < req->n_memnodes; i++)
                if (add[i] && req->memnodes[i].mode != NUMA_MODE_RESTRICTIVE)
                        return diag_error(d, -EINVAL,
                                "%s: a restrictive <memory> needs every <memnode> restrictive, but cell %ld "
                                "is '%s' (libvirt refuses the mix)",
                                req->memnodes_subject, req->memnodes[i].cell,
                                numa_mode_to_string(req->memnodes[i].mode));
        return 0;
}

int numatune_check_counts(const struct domxml_facts *f, const char *origin, struct diag *d) {
        const char *sep = origin ? " " : "";

        if (!origin)
                origin = "";
        if (f->n_numatune > 1)
                return diag_error(d, -EINVAL,
                        "%s%sdomain XML has %zu <numatune> elements; libvirt allows one", origin, sep,
                        f->n_numatune);
        if (f->n_numatune == 1 && f->numatune.n_memory > 1)
                return diag_error(d, -EINVAL,
                        "%s%sdomain XML's <numatune> has %zu <memory> elements; libvirt allows one", origin,
                        sep, f->numatune.n_memory);
        return 0;
}

/* Decides what is new; errors on anything that conflicts with the document. */
static int decide(const struct domxml_facts *f, const struct numatune_request *req, bool *ret_add_memory,
        bool *add, struct diag *d) {
        const struct domxml_numatune *nt = &f->numatune;
        _cleanup_free_ const struct domxml_memnode **by_cell = NULL;
        bool has_nt = f->n_numatune == 1, add_memory = false;

        if (numatune_check_counts(f, NULL, d) < 0)
                return -EINVAL;

        if (req->memory) {
                if (has_nt && nt->n_memory == 1) {
                        char existing[DIAG_LINE_MAX / 2];
                        _cleanup_free_ char *ours = NULL;

                        if (!memory_matches(&nt->memory, f->vcpu_placement_auto, req->memory)) {
                                numatune_describe_memory(&nt->memory, existing, sizeof(existing));
                                if (numatune_markup(req->memory, '\'', &ours) < 0)
                                        return diag_error(d, -ENOMEM, "out of memory");
                                return diag_error(d, -EEXIST,
                                        "%s: domain XML already has %s in <numatune>, which differs from %s; "
                                        "not replacing it",
                                        req->memory_subject, existing, ours);
                        }
                } else
                        add_memory = true;
        }

        if (has_nt && req->n_memnodes > 0 && memnode_index(nt, &by_cell) < 0)
                return diag_error(d, -ENOMEM, "out of memory");
        for (size_t i = 0; i < req->n_memnodes; i++) {
                const struct binding *m = &req->memnodes[i];
                const struct domxml_memnode *old = find_memnode(by_cell, m->cell);

                add[i] = !old;
                if (old && !memnode_matches(old, m)) {
                        char existing[DIAG_LINE_MAX / 2];
                        _cleanup_free_ char *ours = NULL;

                        numatune_describe_memnode(old, existing, sizeof(existing));
                        if (numatune_markup(m, '\'', &ours) < 0)
                                return diag_error(d, -ENOMEM, "out of memory");
                        return diag_error(d, -EEXIST,
                                "%s: domain XML already has %s, which differs from %s; not replacing it",
                                req->memnodes_subject, existing, ours);
                }
        }
        *ret_add_memory = add_memory;
        return 0;
}

/* The elements that go in: the request's <memory> when add_memory, then each memnode add[] marks. */
static int build_block(const struct domxml_facts *f, const struct numatune_request *req, bool add_memory,
        const bool *add, struct block *b) {
        if (add_memory) {
                if (numatune_markup(req->memory, f->quote, &b->elements[b->n]) < 0)
                        return -ENOMEM;
                b->n++;
        }
        for (size_t i = 0; i < req->n_memnodes; i++)
                if (add[i]) {
                        if (numatune_markup(&req->memnodes[i], f->quote, &b->elements[b->n]) < 0)
                                return -ENOMEM;
                        b->n++;
                }
        return 0;
}

/* The edit that puts b where it belongs; f has at most one <numatune>. Returns 0 or -ENOMEM. */
static int place_block(const char *buf, const struct domxml_facts *f, const struct block *b, bool add_memory,
        struct domxml_edit *ret) {
        _cleanup_(domxml_edit_done) struct domxml_edit e = {0};
        int r;

        if (f->n_numatune == 0)
                r = new_numatune(buf, f, b, &e);
        else if (f->numatune.span.self_closing)
                r = fill_empty_numatune(buf, f, b, &e);
        else if (add_memory || f->numatune.n_memory == 0)
                r = prepend_to_numatune(buf, f, b, &e);
        else
                r = append_after_memory(buf, f, b, &e);
        if (r < 0)
                return r;
        if (f->n_numatune == 0)
                e.element_end = e.offset + strlen(e.text);
        else
                e.element_end = f->numatune.span.end + strlen(e.text) - e.remove;
        *ret = TAKE_STRUCT(e);
        return 0;
}

int numatune_plan(const char *buf, const struct domxml_facts *f, const struct numatune_request *req,
        struct domxml_edit *ret_edit, bool *ret_changed, struct diag *d) {
        _cleanup_free_ bool *add = calloc(req->n_memnodes + 1, sizeof(bool));
        _cleanup_(block_done) struct block b = {.elements = calloc(req->n_memnodes + 1, sizeof(char *))};
        struct domxml_edit e = {0};
        bool add_memory;
        int r;

        if (!add || !b.elements)
                return diag_error(d, -ENOMEM, "out of memory");

        r = decide(f, req, &add_memory, add, d);
        if (r < 0)
                return r;
        if (build_block(f, req, add_memory, add, &b) < 0)
                return diag_error(d, -ENOMEM, "out of memory");
        /*
         * The rules hold for the result even when nothing is added: a
         * document that already breaks them is what libvirt refuses, and
         * the check-only hook points refuse it too.
         */
        r = check_rules(f, req, add, d);
        if (r < 0)
                return r;
        if (b.n > 0 && place_block(buf, f, &b, add_memory, &e) < 0)
                return diag_error(d, -ENOMEM, "out of memory");

        *ret_edit = e;
        *ret_changed = b.n > 0;
        return 0;
}

/* Parses doc and checks it holds exactly one direct <numatune> with everything in req. */
static int verify_document(const char *doc, size_t len, const struct numatune_request *req, struct diag *d) {
        _cleanup_(domxml_facts_done) struct domxml_facts f = {0};
        _cleanup_free_ const struct domxml_memnode **by_cell = NULL;
        bool ok;

        /* The hook's own output that does not parse is the hook's fault, whatever the parser says. */
        if (domxml_scan(doc, len, &f, d) < 0)
                return diag_reword(d, -EIO, "internal error: the edited domain XML does not parse (",
                        "); file left unchanged");

        ok = f.n_numatune == 1;
        if (ok && req->memory)
                ok = f.numatune.n_memory == 1 &&
                     memory_matches(&f.numatune.memory, f.vcpu_placement_auto, req->memory);
        if (ok && req->n_memnodes > 0 && memnode_index(&f.numatune, &by_cell) < 0)
                return diag_error(d, -ENOMEM, "out of memory");
        for (size_t i = 0; ok && i < req->n_memnodes; i++) {
                const struct domxml_memnode *m = find_memnode(by_cell, req->memnodes[i].cell);

                ok = m && memnode_matches(m, &req->memnodes[i]);
        }

        if (!ok)
                return diag_error(d, -EIO,
                        "internal error: the edited domain XML lacks the expected <numatune>; file left "
                        "unchanged");
        return 0;
}

int numatune_verify(const char *buf, size_t len, const struct numatune_request *req, struct diag *d) {
        return verify_document(buf, len, req, d);
}

/*
 * The output is the input, already parsed whole, with one block changed
 * inside or right before the end of <numatune>. Everything after that
 * element's end is the input's own bytes, in the same context (a child of
 * <domain>), so they stay well-formed; what needs parsing again is the
 * output up to the end of <numatune>, closed with </domain>. That keeps the
 * check independent of the document's size when <numatune> is near the
 * top, as libvirt puts it.
 */
int numatune_verify_edit(const char *out, size_t out_len, const struct domxml_edit *e,
        const struct numatune_request *req, struct diag *d) {
        static const char close_root[] = "</domain>";
        _cleanup_free_ char *doc = NULL;
        size_t n = e->element_end;

        if (n == 0 || n > out_len)
                return diag_error(d, -EIO, "internal error: the edit's extent is wrong; file left unchanged");
        doc = malloc(n + sizeof(close_root));
        if (!doc)
                return diag_error(d, -ENOMEM, "out of memory");
        memcpy(doc, out, n);
        memcpy(doc + n, close_root, sizeof(close_root));
        return verify_document(doc, n + sizeof(close_root) - 1, req, d);
}
