/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "numatune.h"
#include "strbuf.h"

int numatune_memory_markup(const struct numa_binding *b, char quote, char **ret) {
        _cleanup_free_ char *nodes = NULL;
        char q = quote ? quote : '\'';
        char *s = NULL;
        int n;

        if (b->placement_auto)
                n = asprintf(&s, "<memory mode=%c%s%c placement=%cauto%c/>", q, numa_mode_to_string(b->mode),
                        q, q, q);
        else {
                if (nodeset_format(&b->nodes, &nodes) < 0)
                        return -ENOMEM;
                n = asprintf(&s, "<memory mode=%c%s%c nodeset=%c%s%c/>", q, numa_mode_to_string(b->mode), q,
                        q, nodes, q);
        }
        if (n < 0)
                return -ENOMEM;

        *ret = s;
        return 0;
}

bool numatune_memory_matches(
        const struct domxml_memory *m, bool vcpu_placement_auto, const struct numa_binding *b) {
        enum numa_mode mode = NUMA_MODE_STRICT;
        const char *placement = m->placement;
        struct nodeset nodes;

        if (m->mode) {
                mode = numa_mode_from_string(m->mode, strlen(m->mode));
                if (mode < 0)
                        return false;
        }
        if (mode != b->mode)
                return false;

        /* libvirt: placement defaults to static with a nodeset, else to <vcpu>'s. */
        if (!placement)
                placement = m->nodeset || !vcpu_placement_auto ? "static" : "auto";

        if (b->placement_auto)
                return strcmp(placement, "auto") == 0;

        return strcmp(placement, "static") == 0 && m->nodeset &&
               nodeset_parse_libvirt(m->nodeset, &nodes) == 0 && nodeset_equal(&nodes, &b->nodes);
}

/* "<memory mode='x' nodeset='y'/>" for a message, with the values made safe to print. */
static void describe_memory(const struct domxml_memory *m, char *buf, size_t size) {
        const char *names[] = {"mode", "nodeset", "placement"};
        const char *values[] = {m->mode, m->nodeset, m->placement};
        size_t o;

        o = (size_t) snprintf(buf, size, "<memory");
        for (size_t i = 0; i < ELEMENTSOF(names) && o < size; i++) {
                char q[160];

                if (!values[i])
                        continue;
                diag_quote(values[i], strlen(values[i]), 32, q, sizeof(q));
                o += (size_t) snprintf(buf + o, size - o, " %s='%s'", names[i], q);
        }
        if (o < size)
                snprintf(buf + o, size - o, "/>");
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

        while (i > 0 && (buf[i - 1] == ' ' || buf[i - 1] == '\t'))
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

/* Hands the built text over as the edit at offset. Returns 1, or -ENOMEM. */
static int text_finish(struct strbuf *t, size_t offset, size_t remove, struct domxml_edit *ret) {
        char *text;

        if (strbuf_finish(t, &text) < 0)
                return -ENOMEM;
        *ret = (struct domxml_edit){.offset = offset, .remove = remove, .text = text};
        return 1;
}

/*
 * Where to insert after an element that sits on its own line: at the end
 * of that line when only blanks or one comment follow it, so that a
 * trailing "<!-- note -->" stays on its line and diff shows only added
 * lines; else right after the element. limit bounds the search.
 */
static size_t after_line(const char *buf, size_t end, size_t limit) {
        size_t p = end;

        while (p < limit && (buf[p] == ' ' || buf[p] == '\t'))
                p++;
        if (limit - p >= 4 && memcmp(buf + p, "<!--", 4) == 0) {
                size_t q = p + 4;

                while (q + 3 <= limit && buf[q] != '\n' && memcmp(buf + q, "-->", 3) != 0)
                        q++;
                if (q + 3 > limit || buf[q] == '\n')
                        return end;
                p = q + 3;
                while (p < limit && (buf[p] == ' ' || buf[p] == '\t'))
                        p++;
        }
        if (p < limit && buf[p] == '\r' && p + 1 < limit && buf[p + 1] == '\n')
                return p;
        if (p < limit && buf[p] == '\n')
                return p;
        return end;
}

static int new_numatune(
        const char *buf, const struct domxml_facts *f, const char *memory, struct domxml_edit *ret) {
        const struct domxml_span *after = f->has_anchor ? &f->anchor : f->has_child ? &f->last_child : NULL;
        struct strbuf t = {0};
        struct line l, step;

        if (!after) {
                /* <domain> with no child element: libvirt rejects it anyway; stay valid XML. */
                strbuf_str(&t, "<numatune>");
                strbuf_str(&t, memory);
                strbuf_str(&t, "</numatune>");
                return text_finish(&t, f->root.close, 0, ret);
        }

        l = line_of(buf, after->start);
        step = indent_step(buf, f, &l);
        if (l.own_line)
                text_break(&t, &l, NULL);
        strbuf_str(&t, "<numatune>");
        if (l.own_line)
                text_break(&t, &l, &step);
        strbuf_str(&t, memory);
        if (l.own_line)
                text_break(&t, &l, NULL);
        strbuf_str(&t, "</numatune>");
        return text_finish(&t, l.own_line ? after_line(buf, after->end, f->root.close) : after->end, 0, ret);
}

static int fill_numatune(
        const char *buf, const struct domxml_facts *f, const char *memory, struct domxml_edit *ret) {
        const struct domxml_numatune *nt = &f->numatune;
        struct line l = line_of(buf, nt->span.start), step = indent_step(buf, f, &l), child;
        struct strbuf t = {0};
        size_t p;

        if (nt->span.self_closing) {
                /* "<numatune/>" -> "<numatune>...</numatune>": the '/' goes, the rest is inserted. */
                strbuf_str(&t, ">");
                if (l.own_line)
                        text_break(&t, &l, &step);
                strbuf_str(&t, memory);
                if (l.own_line)
                        text_break(&t, &l, NULL);
                strbuf_str(&t, "</numatune");
                return text_finish(&t, nt->span.tag_end - 2, 1, ret);
        }

        /* What follows the start tag decides the style: a line break, the end tag, or inline content. */
        for (p = nt->span.tag_end; buf[p] == ' ' || buf[p] == '\t'; p++)
                ;
        if (!l.own_line || (buf[p] != '\n' && buf[p] != '\r' && nt->span.tag_end != nt->span.close)) {
                strbuf_str(&t, memory);
                return text_finish(&t, nt->span.tag_end, 0, ret);
        }

        if (nt->has_child && (child = line_of(buf, nt->first_child_start)).own_line)
                text_break(&t, &child, NULL);
        else
                text_break(&t, &l, &step);
        strbuf_str(&t, memory);
        if (nt->span.tag_end == nt->span.close)
                text_break(&t, &l, NULL); /* "<numatune></numatune>": close the line again */
        return text_finish(&t, nt->span.tag_end, 0, ret);
}

static int check_memnodes(const struct domxml_numatune *nt, const struct numa_binding *b,
        const char *spec_quoted, struct diag *d) {
        if (nt->n_memnodes == 0)
                return 0;

        if (b->placement_auto)
                return diag_error(d, -EINVAL,
                        "'%s': placement 'auto' cannot go with the <memnode> elements already in <numatune> "
                        "(libvirt forbids per-node binding with automatic placement)",
                        spec_quoted);

        if (b->mode == NUMA_MODE_RESTRICTIVE)
                for (size_t i = 0; i < nt->n_memnodes; i++) {
                        const char *mode = nt->memnodes[i].mode ? nt->memnodes[i].mode : "strict";

                        if (strcmp(mode, "restrictive") != 0) {
                                char cell[64], q[160];

                                diag_quote(nt->memnodes[i].cellid ? nt->memnodes[i].cellid : "?",
                                        strlen(nt->memnodes[i].cellid ? nt->memnodes[i].cellid : "?"), 16,
                                        cell, sizeof(cell));
                                diag_quote(mode, strlen(mode), 32, q, sizeof(q));
                                return diag_error(d, -EINVAL,
                                        "'%s': a restrictive <memory> needs every <memnode> restrictive, but "
                                        "cell %s is '%s' (libvirt refuses the mix)",
                                        spec_quoted, cell, q);
                        }
                }
        return 0;
}

int numatune_plan(const char *buf, const struct domxml_facts *f, const struct numa_binding *b,
        const char *spec_quoted, struct domxml_edit *ret, struct diag *d) {
        const struct domxml_numatune *nt = &f->numatune;
        _cleanup_free_ char *memory = NULL;
        int r;

        r = numatune_memory_markup(b, f->quote, &memory);
        if (r < 0)
                return diag_error(d, r, "out of memory");

        if (f->n_numatune > 1)
                return diag_error(d, -EINVAL, "domain XML has %zu <numatune> elements; libvirt allows one",
                        f->n_numatune);

        if (f->n_numatune == 0)
                r = new_numatune(buf, f, memory, ret);
        else if (nt->n_memory > 1)
                return diag_error(d, -EINVAL,
                        "domain XML's <numatune> has %zu <memory> elements; libvirt allows one",
                        nt->n_memory);
        else if (nt->n_memory == 1) {
                char existing[DIAG_LINE_MAX / 2];
                _cleanup_free_ char *ours = NULL;

                if (numatune_memory_matches(&nt->memory, f->vcpu_placement_auto, b))
                        return 0;
                describe_memory(&nt->memory, existing, sizeof(existing));
                if (numatune_memory_markup(b, '\'', &ours) < 0)
                        return diag_error(d, -ENOMEM, "out of memory");
                return diag_error(d, -EEXIST,
                        "'%s': domain XML already has %s in <numatune>, which differs from %s; not replacing "
                        "it",
                        spec_quoted, existing, ours);
        } else {
                r = check_memnodes(nt, b, spec_quoted, d);
                if (r < 0)
                        return r;
                r = fill_numatune(buf, f, memory, ret);
        }

        if (r < 0)
                return diag_error(d, r, "out of memory");
        return r;
}

int numatune_verify(const char *buf, size_t len, const struct numa_binding *b, struct diag *d) {
        struct domxml_facts f;
        struct diag inner;
        int r;

        diag_init(&inner);
        r = domxml_scan(buf, len, &f, &inner);
        if (r < 0)
                return diag_error(d, -EIO,
                        "internal error: the edited domain XML does not parse (%s); file left unchanged",
                        inner.message);

        if (f.n_numatune != 1 || f.numatune.n_memory != 1 ||
                !numatune_memory_matches(&f.numatune.memory, f.vcpu_placement_auto, b))
                r = diag_error(d, -EIO,
                        "internal error: the edited domain XML lacks the expected <numatune>; file left "
                        "unchanged");

        domxml_facts_done(&f);
        return r < 0 ? r : 0;
}
