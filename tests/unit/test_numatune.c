/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input document + binding -> exact output bytes (or no change, or the error). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "numatune.h"
#include "unit.h"

struct plan_case {
        const char *name;
        const char *binding; /* "strict:0-1" style; "MODE:auto" for placement auto; NULL: no <memory> */
        const char *in;
        const char *out;      /* NULL: no change expected (or an error) */
        const char *error;    /* part of the message, or NULL */
        const char *memnodes; /* "0=strict:0 1=interleave:1-2", or NULL */
};

/* clang-format off */
static const struct plan_case cases[] = {
        {"inserts_after_vcpu_libvirt_style", "strict:0-1",
                "<domain type='kvm'>\n  <name>a</name>\n  <vcpu placement='static'>2</vcpu>\n  <os/>\n</domain>\n",
                "<domain type='kvm'>\n  <name>a</name>\n  <vcpu placement='static'>2</vcpu>\n"
                "  <numatune>\n    <memory mode='strict' nodeset='0-1'/>\n  </numatune>\n  <os/>\n</domain>\n"},
        {"inserts_after_cputune_vdsm_style", "interleave:0,2",
                "<domain type=\"kvm\">\n    <vcpu current=\"2\">16</vcpu>\n    <cputune>\n        <shares>1020</shares>\n    </cputune>\n</domain>",
                "<domain type=\"kvm\">\n    <vcpu current=\"2\">16</vcpu>\n    <cputune>\n        <shares>1020</shares>\n    </cputune>\n"
                "    <numatune>\n        <memory mode=\"interleave\" nodeset=\"0,2\"/>\n    </numatune>\n</domain>"},
        {"inserts_after_iothreads", "strict:1",
                "<domain>\n  <vcpu>1</vcpu>\n  <iothreads>2</iothreads>\n  <os/>\n</domain>",
                "<domain>\n  <vcpu>1</vcpu>\n  <iothreads>2</iothreads>\n  <numatune>\n    <memory mode='strict' nodeset='1'/>\n  </numatune>\n  <os/>\n</domain>"},
        {"inserts_after_vcpus_as_libvirt_formats_it", "strict:1",
                "<domain>\n  <vcpu current='1'>2</vcpu>\n  <vcpus>\n    <vcpu id='0' enabled='yes'/>\n    <vcpu id='1' enabled='no'/>\n  </vcpus>\n  <os/>\n</domain>",
                "<domain>\n  <vcpu current='1'>2</vcpu>\n  <vcpus>\n    <vcpu id='0' enabled='yes'/>\n    <vcpu id='1' enabled='no'/>\n  </vcpus>\n  <numatune>\n    <memory mode='strict' nodeset='1'/>\n  </numatune>\n  <os/>\n</domain>"},
        {"inserts_as_last_child_without_anchor", "strict:0",
                "<domain type='kvm'>\n  <os/>\n  <devices/>\n</domain>",
                "<domain type='kvm'>\n  <os/>\n  <devices/>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n</domain>"},
        /* libvirt's formatter: ... memtune, memoryBacking, vcpu, ..., cputune, numatune, resource, sysinfo, ..., os. */
        {"inserts_after_memory_backing_without_vcpu", "strict:0",
                "<domain type='kvm'>\n  <name>a</name>\n  <memory>1024</memory>\n  <memoryBacking>\n    <hugepages/>\n  </memoryBacking>\n  <os/>\n  <devices/>\n</domain>",
                "<domain type='kvm'>\n  <name>a</name>\n  <memory>1024</memory>\n  <memoryBacking>\n    <hugepages/>\n  </memoryBacking>\n"
                "  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n  <os/>\n  <devices/>\n</domain>"},
        {"inserts_after_name_alone", "strict:0",
                "<domain type='kvm'>\n  <os/>\n  <name>a</name>\n  <devices/>\n</domain>",
                "<domain type='kvm'>\n  <os/>\n  <name>a</name>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n  <devices/>\n</domain>"},
        {"inserts_by_libvirt_rank_not_document_order", "strict:0",
                "<domain>\n  <memtune/>\n  <os/>\n  <metadata/>\n  <uuid>x</uuid>\n</domain>",
                "<domain>\n  <memtune/>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n  <os/>\n  <metadata/>\n  <uuid>x</uuid>\n</domain>"},
        {"a_namespaced_vcpu_is_no_anchor", "strict:0",
                "<domain xmlns:o='urn:o'>\n  <memoryBacking/>\n  <o:vcpu/>\n  <os/>\n</domain>",
                "<domain xmlns:o='urn:o'>\n  <memoryBacking/>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n  <o:vcpu/>\n  <os/>\n</domain>"},
        {"keeps_one_line_document_on_one_line", "strict:0",
                "<domain type='kvm'><name>a</name><vcpu>1</vcpu><os/></domain>",
                "<domain type='kvm'><name>a</name><vcpu>1</vcpu><numatune><memory mode='strict' nodeset='0'/></numatune><os/></domain>"},
        {"keeps_crlf", "strict:0",
                "<domain type='kvm'>\r\n  <vcpu>1</vcpu>\r\n</domain>\r\n",
                "<domain type='kvm'>\r\n  <vcpu>1</vcpu>\r\n  <numatune>\r\n    <memory mode='strict' nodeset='0'/>\r\n  </numatune>\r\n</domain>\r\n"},
        {"keeps_bom", "strict:0",
                "\xef\xbb\xbf<domain type='kvm'>\n  <vcpu>1</vcpu>\n</domain>\n",
                "\xef\xbb\xbf<domain type='kvm'>\n  <vcpu>1</vcpu>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n</domain>\n"},
        {"keeps_tabs", "strict:0",
                "<domain type='kvm'>\n\t<vcpu>1</vcpu>\n</domain>\n",
                "<domain type='kvm'>\n\t<vcpu>1</vcpu>\n\t<numatune>\n\t\t<memory mode='strict' nodeset='0'/>\n\t</numatune>\n</domain>\n"},
        {"keeps_comment_after_anchor", "strict:0",
                "<domain>\n  <vcpu>1</vcpu> <!-- pinned -->\n</domain>",
                "<domain>\n  <vcpu>1</vcpu> <!-- pinned -->\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n</domain>"},
        {"keeps_multi_line_comment_after_anchor_in_place", "strict:0",
                "<domain>\n  <vcpu>1</vcpu><!-- a\nb -->\n</domain>",
                "<domain>\n  <vcpu>1</vcpu>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune><!-- a\nb -->\n</domain>"},
        {"inserts_after_element_followed_by_text", "strict:0",
                "<domain>\n  <vcpu>1</vcpu> <os/>\n</domain>",
                "<domain>\n  <vcpu>1</vcpu>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune> <os/>\n</domain>"},
        {"keeps_crlf_after_trailing_blanks", "strict:0",
                "<domain>\r\n  <vcpu>1</vcpu>  \r\n</domain>",
                "<domain>\r\n  <vcpu>1</vcpu>  \r\n  <numatune>\r\n    <memory mode='strict' nodeset='0'/>\r\n  </numatune>\r\n</domain>"},
        {"uses_single_quotes_without_attributes", "preferred:1",
                "<domain>\n  <vcpu>1</vcpu>\n</domain>",
                "<domain>\n  <vcpu>1</vcpu>\n  <numatune>\n    <memory mode='preferred' nodeset='1'/>\n  </numatune>\n</domain>"},
        {"writes_placement_auto", "strict:auto",
                "<domain>\n  <vcpu placement='auto'>1</vcpu>\n</domain>",
                "<domain>\n  <vcpu placement='auto'>1</vcpu>\n  <numatune>\n    <memory mode='strict' placement='auto'/>\n  </numatune>\n</domain>"},
        {"ignores_numatune_in_metadata", "strict:0",
                "<domain>\n  <metadata><numatune><memory mode='interleave' nodeset='3'/></numatune></metadata>\n  <vcpu>1</vcpu>\n</domain>",
                "<domain>\n  <metadata><numatune><memory mode='interleave' nodeset='3'/></numatune></metadata>\n  <vcpu>1</vcpu>\n"
                "  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n</domain>"},
        {"is_noop_when_memory_matches", "strict:0-1",
                "<domain>\n  <numatune>\n    <memory mode='strict' nodeset='0-1'/>\n  </numatune>\n</domain>", NULL},
        {"is_noop_for_same_set_spelled_differently", "strict:0-1",
                "<domain>\n  <numatune><memory mode='strict' nodeset='1,0'/></numatune>\n</domain>", NULL},
        {"is_noop_for_libvirt_caret_form", "strict:1-2,4,6",
                "<domain>\n  <numatune><memory nodeset='1-4,^3,6'/></numatune>\n</domain>", NULL},
        {"is_noop_for_matching_auto", "interleave:auto",
                "<domain>\n  <numatune><memory mode='interleave' placement='auto'/></numatune>\n</domain>", NULL},
        {"is_noop_for_auto_inherited_from_vcpu", "interleave:auto",
                "<domain>\n  <vcpu placement='auto'>2</vcpu>\n  <numatune><memory mode='interleave'/></numatune>\n</domain>", NULL},
        {"refuses_different_mode", "strict:0",
                "<domain>\n  <numatune><memory mode='interleave' nodeset='0'/></numatune>\n</domain>", NULL,
                "already has <memory mode='interleave' nodeset='0'/> in <numatune>, which differs from <memory mode='strict' nodeset='0'/>"},
        {"refuses_different_nodeset", "strict:0",
                "<domain>\n  <numatune><memory mode='strict' nodeset='1'/></numatune>\n</domain>", NULL, "differs"},
        {"refuses_auto_against_nodeset", "strict:auto",
                "<domain>\n  <numatune><memory mode='strict' nodeset='1'/></numatune>\n</domain>", NULL, "differs"},
        {"refuses_unparsable_existing_nodeset", "strict:0",
                "<domain>\n  <numatune><memory mode='strict' nodeset='x'/></numatune>\n</domain>", NULL, "nodeset='x'"},
        {"refuses_two_numatunes", "strict:0",
                "<domain>\n  <numatune/>\n  <numatune/>\n</domain>", NULL, "has 2 <numatune> elements"},
        {"refuses_two_memory_elements", "strict:0",
                "<domain>\n  <numatune><memory nodeset='0'/><memory nodeset='0'/></numatune>\n</domain>", NULL, "2 <memory> elements"},
        {"fills_memnode_only_numatune", "strict:0-1",
                "<domain>\n  <numatune>\n    <memnode cellid='0' mode='strict' nodeset='0'/>\n  </numatune>\n</domain>",
                "<domain>\n  <numatune>\n    <memory mode='strict' nodeset='0-1'/>\n    <memnode cellid='0' mode='strict' nodeset='0'/>\n  </numatune>\n</domain>"},
        {"fills_memnode_only_numatune_on_one_line", "strict:0",
                "<domain><numatune><memnode cellid='0' nodeset='0'/></numatune></domain>",
                "<domain><numatune><memory mode='strict' nodeset='0'/><memnode cellid='0' nodeset='0'/></numatune></domain>"},
        {"fills_empty_self_closing_numatune", "strict:0",
                "<domain>\n  <vcpu>1</vcpu>\n  <numatune/>\n</domain>",
                "<domain>\n  <vcpu>1</vcpu>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n</domain>"},
        {"fills_self_closing_numatune_with_space", "strict:0",
                "<domain><numatune /></domain>",
                "<domain><numatune ><memory mode='strict' nodeset='0'/></numatune></domain>"},
        {"fills_empty_numatune_pair", "strict:0",
                "<domain>\n  <numatune></numatune>\n</domain>",
                "<domain>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n</domain>"},
        {"fills_numatune_holding_only_a_line_break", "strict:0",
                "<domain>\n  <numatune>\n  </numatune>\n</domain>",
                "<domain>\n  <numatune>\n    <memory mode='strict' nodeset='0'/>\n  </numatune>\n</domain>"},
        {"refuses_auto_with_memnodes", "strict:auto",
                "<domain>\n  <numatune><memnode cellid='0' mode='strict' nodeset='0'/></numatune>\n</domain>", NULL,
                "placement 'auto' cannot go with the <memnode> elements"},
        {"refuses_restrictive_with_strict_memnode", "restrictive:0",
                "<domain>\n  <numatune><memnode cellid='1' nodeset='0'/></numatune>\n</domain>", NULL,
                "needs every <memnode> restrictive, but cell 1 is 'strict'"},
        {"accepts_restrictive_with_restrictive_memnodes", "restrictive:0",
                "<domain><numatune><memnode cellid='1' mode='restrictive' nodeset='0'/></numatune></domain>",
                "<domain><numatune><memory mode='restrictive' nodeset='0'/><memnode cellid='1' mode='restrictive' nodeset='0'/></numatune></domain>"},

        /* numa_memnode */
        {"memnodes_make_a_new_numatune", NULL,
                "<domain>\n  <vcpu>2</vcpu>\n</domain>",
                "<domain>\n  <vcpu>2</vcpu>\n  <numatune>\n    <memnode cellid='0' mode='strict' nodeset='0'/>\n"
                "    <memnode cellid='1' mode='interleave' nodeset='1-2'/>\n  </numatune>\n</domain>", NULL, "0=strict:0 1=interleave:1-2"},
        {"memory_then_memnodes_in_a_new_numatune", "strict:0-3",
                "<domain>\n    <vcpu>2</vcpu>\n</domain>",
                "<domain>\n    <vcpu>2</vcpu>\n    <numatune>\n        <memory mode='strict' nodeset='0-3'/>\n"
                "        <memnode cellid='0' mode='strict' nodeset='0'/>\n    </numatune>\n</domain>", NULL, "0=strict:0"},
        {"memnodes_follow_existing_memory", NULL,
                "<domain>\n  <numatune>\n    <memory mode='strict' nodeset='0-1'/>\n  </numatune>\n</domain>",
                "<domain>\n  <numatune>\n    <memory mode='strict' nodeset='0-1'/>\n    <memnode cellid='1' mode='strict' nodeset='1'/>\n  </numatune>\n</domain>",
                NULL, "1=strict:1"},
        {"memnodes_follow_matching_memory_inline", "strict:0-1",
                "<domain><numatune><memory mode='strict' nodeset='0-1'/><memnode cellid='0' nodeset='0'/></numatune></domain>",
                "<domain><numatune><memory mode='strict' nodeset='0-1'/><memnode cellid='1' mode='strict' nodeset='1'/><memnode cellid='0' nodeset='0'/></numatune></domain>",
                NULL, "0=strict:0 1=strict:1"},
        {"memnode_for_the_same_cell_is_noop", NULL,
                "<domain><numatune><memnode cellid='0' mode='strict' nodeset='0,1'/></numatune></domain>", NULL, NULL, "0=strict:0-1"},
        {"memnode_for_the_same_cell_that_differs_is_refused", NULL,
                "<domain><numatune><memnode cellid='0' mode='strict' nodeset='0'/></numatune></domain>", NULL,
                "already has <memnode cellid='0' mode='strict' nodeset='0'/>, which differs from <memnode cellid='0' mode='strict' nodeset='1'/>",
                "0=strict:1"},
        {"memnode_mode_defaults_to_strict", NULL,
                "<domain><numatune><memnode cellid='0' nodeset='1'/></numatune></domain>", NULL, NULL, "0=strict:1"},
        {"memnodes_for_other_cells_are_kept", NULL,
                "<domain>\n  <numatune>\n    <memnode cellid='0' mode='strict' nodeset='0'/>\n  </numatune>\n</domain>",
                "<domain>\n  <numatune>\n    <memnode cellid='1' mode='preferred' nodeset='1'/>\n    <memnode cellid='0' mode='strict' nodeset='0'/>\n  </numatune>\n</domain>",
                NULL, "1=preferred:1"},
        {"memnodes_refused_with_existing_auto_placement", NULL,
                "<domain><numatune><memory mode='strict' placement='auto'/></numatune></domain>", NULL,
                "the domain's <numatune> has placement 'auto', which cannot go with <memnode> elements", "0=strict:0"},
        {"memnodes_refused_with_inherited_auto_placement", NULL,
                "<domain><vcpu placement='auto'>1</vcpu><numatune><memory mode='strict'/></numatune></domain>", NULL,
                "placement 'auto'", "0=strict:0"},
        {"memnodes_refused_with_vcpu_auto_and_no_numatune", NULL,
                "<domain><vcpu placement='auto'>2</vcpu></domain>", NULL,
                "<vcpu placement='auto'> and no <memory> in <numatune>, so libvirt places its memory automatically", "0=strict:0"},
        {"memnodes_refused_when_the_first_of_two_vcpu_is_auto", NULL, /* libvirt reads ./vcpu[1] */
                "<domain><vcpu placement='auto'>2</vcpu><vcpu>2</vcpu></domain>", NULL,
                "<vcpu placement='auto'> and no <memory> in <numatune>", "0=strict:0"},
        {"memnodes_refused_with_vcpu_auto_and_memnode_only_numatune", NULL,
                "<domain><vcpu placement='auto'>2</vcpu><numatune><memnode cellid='1' nodeset='0'/></numatune></domain>", NULL,
                "<vcpu placement='auto'> and no <memory>", "0=strict:0"},
        {"memnodes_with_vcpu_auto_and_our_static_memory", "strict:0-1",
                "<domain><vcpu placement='auto'>2</vcpu></domain>",
                "<domain><vcpu placement='auto'>2</vcpu><numatune><memory mode='strict' nodeset='0-1'/><memnode cellid='0' mode='strict' nodeset='0'/></numatune></domain>",
                NULL, "0=strict:0"},
        {"memnodes_with_vcpu_auto_and_existing_static_memory", NULL,
                "<domain><vcpu placement='auto'>2</vcpu><numatune><memory nodeset='0'/></numatune></domain>",
                "<domain><vcpu placement='auto'>2</vcpu><numatune><memory nodeset='0'/><memnode cellid='0' mode='strict' nodeset='0'/></numatune></domain>",
                NULL, "0=strict:0"},
        {"memnodes_refused_with_our_auto", "strict:auto", "<domain><vcpu>1</vcpu></domain>", NULL,
                "placement 'auto' cannot go with the <memnode> elements", "0=strict:0"},
        {"strict_memnode_refused_under_restrictive_memory", "restrictive:0-1", "<domain><vcpu>1</vcpu></domain>", NULL,
                "needs every <memnode> restrictive, but cell 0 is 'strict'", "0=strict:0"},
        {"strict_memnode_refused_under_existing_restrictive_memory", NULL,
                "<domain><numatune><memory mode='restrictive' nodeset='0'/></numatune></domain>", NULL,
                "needs every <memnode> restrictive", "0=strict:0"},
        {"restrictive_memnodes_under_restrictive_memory", "restrictive:0-1", "<domain><vcpu>1</vcpu></domain>",
                "<domain><vcpu>1</vcpu><numatune><memory mode='restrictive' nodeset='0-1'/><memnode cellid='0' mode='restrictive' nodeset='0'/></numatune></domain>",
                NULL, "0=restrictive:0"},
        {"restrictive_memnode_under_strict_memory_is_fine", "strict:0-1", "<domain><vcpu>1</vcpu></domain>",
                "<domain><vcpu>1</vcpu><numatune><memory mode='strict' nodeset='0-1'/><memnode cellid='0' mode='restrictive' nodeset='0'/></numatune></domain>",
                NULL, "0=restrictive:0"},
        {"memnodes_fill_empty_numatune", NULL, "<domain>\n  <vcpu>1</vcpu>\n  <numatune/>\n</domain>",
                "<domain>\n  <vcpu>1</vcpu>\n  <numatune>\n    <memnode cellid='0' mode='strict' nodeset='0'/>\n  </numatune>\n</domain>",
                NULL, "0=strict:0"},
        {"memory_matches_and_memnode_new", "strict:0-1",
                "<domain>\n  <numatune>\n    <memory mode='strict' nodeset='0-1'/>\n  </numatune>\n</domain>",
                "<domain>\n  <numatune>\n    <memory mode='strict' nodeset='0-1'/>\n    <memnode cellid='2' mode='strict' nodeset='0'/>\n  </numatune>\n</domain>",
                NULL, "2=strict:0"},
        {"memory_differs_with_memnodes_is_refused", "strict:0",
                "<domain><numatune><memory mode='strict' nodeset='1'/></numatune></domain>", NULL, "differs", "0=strict:0"},
};
/* clang-format on */

static void binding_from(const char *text, struct binding *ret) {
        struct numa_spec spec;
        struct diag d;

        diag_init(&d);
        assert_int_equal(spec_parse(text, &spec, &d), 0);
        *ret = (struct binding){.cell = BINDING_VM,
                .mode = spec.mode,
                .placement_auto = spec.target == SPEC_TARGET_AUTO,
                .nodes = spec.include};
}

/* A request from the table's strings; the memnode array lives in mb. */
struct request {
        struct numatune_request nr;
        struct binding memory;
        struct binding mb[8];
};

static void request_from(const char *binding, const char *memnodes, struct request *ret) {
        struct memnode_list l = {0};
        struct diag d;

        *ret = (struct request){0};
        if (binding) {
                binding_from(binding, &ret->memory);
                ret->nr.memory = &ret->memory;
                ret->nr.memory_subject = binding;
        }
        if (memnodes) {
                diag_init(&d);
                assert_int_equal(spec_parse_memnodes(memnodes, &l, &d), 0);
                assert_true(l.n <= ELEMENTSOF(ret->mb));
                for (size_t i = 0; i < l.n; i++)
                        ret->mb[i] = (struct binding){.cell = l.items[i].cell,
                                .mode = l.items[i].spec.mode,
                                .nodes = l.items[i].spec.include};
                ret->nr.n_memnodes = l.n;
                memnode_list_done(&l);
        }
        ret->nr.memnodes = ret->mb;
        ret->nr.memnodes_subject = "numa_memnode";
}

static void test_plan_case(void **state) {
        const struct plan_case *c = *state;
        struct domxml_edit edit = {0};
        struct domxml_facts f;
        struct request req;
        _cleanup_free_ char *out = NULL;
        size_t out_len;
        struct diag d;
        bool changed = false;
        int r;

        request_from(c->binding, c->memnodes, &req);
        diag_init(&d);
        if (domxml_scan(c->in, strlen(c->in), &f, &d) < 0)
                fail_msg("scan failed: %s", d.message);
        r = numatune_plan(c->in, &f, &req.nr, &edit, &changed, &d);
        domxml_facts_done(&f);

        if (c->error) {
                if (r >= 0)
                        fail_msg("planned an edit, expected \"%s\"", c->error);
                assert_contains(d.message, c->error);
                return;
        }
        if (r < 0)
                fail_msg("plan failed: %s", d.message);
        assert_int_equal(r, 0);
        if (!c->out) {
                assert_false(changed);
                assert_int_equal(numatune_verify(c->in, strlen(c->in), &req.nr, &d), 0);
                return;
        }

        assert_true(changed);
        assert_int_equal(domxml_splice(c->in, strlen(c->in), &edit, &out, &out_len), 0);
        free(edit.text);
        /* The hook's check parses only up to the end of <numatune>; it must agree. */
        assert_int_equal(numatune_verify_edit(out, out_len, &edit, &req.nr, &d), 0);
        if (out_len != strlen(c->out) || memcmp(out, c->out, out_len) != 0)
                fail_msg("expected:\n%s\n---- got:\n%.*s", c->out, (int) out_len, out);

        /* The result passes the pre-write check, and a second run changes nothing. */
        assert_int_equal(numatune_verify(out, out_len, &req.nr, &d), 0);
        assert_int_equal(domxml_scan(out, out_len, &f, &d), 0);
        assert_int_equal(numatune_plan(out, &f, &req.nr, &edit, &changed, &d), 0);
        assert_false(changed);
        domxml_facts_done(&f);
}

struct verify_case {
        const char *name;
        const char *binding, *memnodes;
        const char *doc;
};

/* clang-format off */
static const struct verify_case verify_cases[] = {
        {"verify_rejects_missing_numatune", "strict:0", NULL, "<domain><vcpu>1</vcpu></domain>"},
        {"verify_rejects_other_memory", "strict:0", NULL, "<domain><numatune><memory mode='strict' nodeset='1'/></numatune></domain>"},
        {"verify_rejects_missing_memnode", NULL, "1=strict:0", "<domain><numatune><memnode cellid='0' nodeset='0'/></numatune></domain>"},
        {"verify_rejects_other_memnode_mode", NULL, "0=strict:0", "<domain><numatune><memnode cellid='0' mode='interleave' nodeset='0'/></numatune></domain>"},
        {"verify_rejects_broken_xml", "strict:0", NULL, "<domain><numatune>"},
};
/* clang-format on */

static void test_verify_case(void **state) {
        const struct verify_case *c = *state;
        struct request req;
        struct diag d;

        request_from(c->binding, c->memnodes, &req);
        diag_init(&d);
        assert_int_equal(numatune_verify(c->doc, strlen(c->doc), &req.nr, &d), -EIO);
        assert_contains(d.message, "internal error");
}

/* A block that does not close what it opens fails the partial check too. */
static void test_verify_edit_rejects_unbalanced_text(void **state) {
        static const char in[] = "<domain>\n  <vcpu>1</vcpu>\n  <os/>\n</domain>";
        struct domxml_edit e = {
                .offset = 24, .text = (char *) "<numatune><memory mode='strict' nodeset='0'/>"};
        _cleanup_free_ char *out = NULL;
        struct request req;
        size_t out_len;
        struct diag d;

        (void) state;
        request_from("strict:0", NULL, &req);
        e.element_end = e.offset + strlen(e.text);
        assert_int_equal(domxml_splice(in, strlen(in), &e, &out, &out_len), 0);
        diag_init(&d);
        assert_int_equal(numatune_verify_edit(out, out_len, &e, &req.nr, &d), -EIO);
        assert_contains(d.message, "does not parse");

        e.element_end = out_len + 1;
        diag_init(&d);
        assert_int_equal(numatune_verify_edit(out, out_len, &e, &req.nr, &d), -EIO);
        assert_contains(d.message, "extent");
}

static void test_markup_is_canonical(void **state) {
        _cleanup_free_ char *a = NULL, *q = NULL, *m = NULL;
        struct binding mb = {.cell = 3, .mode = NUMA_MODE_PREFERRED};
        struct binding b;

        (void) state;
        binding_from("interleave:7,6,0-2,4", &b);
        assert_int_equal(numatune_markup(&b, '\'', &a), 0);
        assert_string_equal(a, "<memory mode='interleave' nodeset='0-2,4,6-7'/>");
        assert_int_equal(numatune_markup(&b, '"', &q), 0);
        assert_string_equal(q, "<memory mode=\"interleave\" nodeset=\"0-2,4,6-7\"/>");
        nodeset_add(&mb.nodes, 5);
        assert_int_equal(numatune_markup(&mb, 0, &m), 0);
        assert_string_equal(m, "<memnode cellid='3' mode='preferred' nodeset='5'/>");
}

/*
 * 4096 memnodes to add to a document that has 5000 others (cells this hook
 * cannot read, as libvirt allows cell ids above 4095): the plan adds them
 * all and the check of the result passes.
 */
static void test_plan_adds_many_memnodes(void **state) {
        size_t n_doc = 5000, n_req = NODE_ID_MAX + 1, o = 0;
        _cleanup_free_ char *in = malloc(n_doc * 64 + 256), *out = NULL;
        _cleanup_free_ struct binding *mb = calloc(n_req, sizeof(*mb));
        struct numatune_request nr = {
                .memnodes = mb, .n_memnodes = n_req, .memnodes_subject = "numa_memnode"};
        struct domxml_edit edit = {0};
        struct domxml_facts f;
        size_t out_len;
        struct diag d;
        bool changed;

        (void) state;
        assert_non_null(in);
        assert_non_null(mb);
        o += (size_t) sprintf(in + o, "<domain><vcpu>1</vcpu><numatune>");
        for (size_t i = 0; i < n_doc; i++)
                o += (size_t) sprintf(in + o, "<memnode cellid='%zu' mode='strict' nodeset='0'/>", 5000 + i);
        o += (size_t) sprintf(in + o, "</numatune></domain>");
        for (size_t i = 0; i < n_req; i++) {
                mb[i] = (struct binding){.cell = (long) i, .mode = NUMA_MODE_STRICT};
                nodeset_add(&mb[i].nodes, 0);
        }

        diag_init(&d);
        assert_int_equal(domxml_scan(in, o, &f, &d), 0);
        assert_int_equal(numatune_plan(in, &f, &nr, &edit, &changed, &d), 0);
        assert_true(changed);
        domxml_facts_done(&f);
        assert_int_equal(domxml_splice(in, o, &edit, &out, &out_len), 0);
        assert_int_equal(numatune_verify_edit(out, out_len, &edit, &nr, &d), 0);
        free(edit.text);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_plan_case);
        UNIT_TABLE(&suite, verify_cases, test_verify_case);
        UNIT_TEST(&suite, test_verify_edit_rejects_unbalanced_text);
        UNIT_TEST(&suite, test_markup_is_canonical);
        UNIT_TEST(&suite, test_plan_adds_many_memnodes);
        return UNIT_RUN(&suite, "numatune");
}
