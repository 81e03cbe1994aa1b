/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include <libxml/parser.h>

#include "domxml.h"
#include "unit.h"

#define DOM(body) "<domain type='kvm'>\n  <name>t</name>\n" body "</domain>\n"

struct scan_case {
        const char *name;
        const char *xml;
        size_t len;        /* 0: strlen(xml) */
        const char *error; /* part of the message, or NULL */
        size_t n_numatune;
        bool vcpu_auto;
        const char *anchor; /* what the buffer holds at the anchor's span, or NULL for none */
        const char *memory; /* <memory>'s text, or NULL */
        char quote;
        size_t n_memnodes;
        size_t n_memory; /* <memory> inside the numatune */
};

/*
 * libvirt parses a string with xmlCtxtReadDoc; libxml2 2.9's ignores the
 * encoding declaration, so the hook refuses non-ASCII bytes of a declared
 * single-byte encoding there. Here it answers like a libxml2 that honours
 * it, so that the offset mapping of such documents is tested too.
 */
xmlDoc *__wrap_xmlCtxtReadDoc(
        xmlParserCtxt *ctxt, const xmlChar *cur, const char *url, const char *encoding, int options);
xmlDoc *__wrap_xmlCtxtReadDoc(
        xmlParserCtxt *ctxt, const xmlChar *cur, const char *url, const char *encoding, int options) {
        (void) ctxt;
        (void) cur;
        (void) url;
        (void) encoding;
        (void) options;
        return xmlNewDoc((const xmlChar *) "1.0");
}

/* clang-format off */
static const struct scan_case cases[] = {
        {"finds_vcpu_anchor", DOM("  <memory unit='KiB'>1024</memory>\n  <vcpu>2</vcpu>\n"), 0, NULL, 0, false,
                "<vcpu>2</vcpu>", "1024", '\''},
        {"finds_last_anchor_in_document_order",
                DOM("  <vcpu>2</vcpu>\n  <iothreads>1</iothreads>\n  <cputune><shares>1</shares></cputune>\n  <os/>\n"), 0, NULL, 0,
                false, "<cputune><shares>1</shares></cputune>", NULL, '\''},
        {"takes_self_closing_anchor", DOM("  <vcpu>2</vcpu>\n  <cputune/>\n"), 0, NULL, 0, false, "<cputune/>", NULL, '\''},
        {"reads_double_quotes", "<domain type=\"kvm\"><vcpu placement=\"static\">1</vcpu></domain>", 0, NULL, 0, false,
                "<vcpu placement=\"static\">1</vcpu>", NULL, '"'},
        {"notes_vcpu_placement_auto", DOM("  <vcpu placement='auto'>2</vcpu>\n"), 0, NULL, 0, true, "<vcpu placement='auto'>2</vcpu>", NULL, '\''},
        {"quote_from_a_deeper_element", "<domain><os><type arch=\"x86_64\">hvm</type></os></domain>", 0, NULL, 0, false, NULL, NULL, '"'},
        {"ignores_numatune_in_metadata",
                DOM("  <metadata><numatune><memory nodeset='1'/></numatune></metadata>\n"), 0, NULL, 0, false, "<metadata><numatune><memory nodeset='1'/></numatune></metadata>", NULL, '\''},
        {"ignores_prefixed_numatune", DOM("  <x:numatune xmlns:x='urn:x'/>\n"), 0, NULL, 0, false, "<name>t</name>", NULL, '\''},
        {"ignores_numatune_in_default_namespace", DOM("  <numatune xmlns='urn:x'/>\n"), 0, NULL, 0, false, "<name>t</name>", NULL, '\''},
        /* <name> is an anchor too (the first element libvirt writes): <numatune> follows it, not <x:vcpu>. */
        {"ignores_anchor_in_other_namespace", DOM("  <x:vcpu xmlns:x='urn:x'>1</x:vcpu>\n"), 0, NULL, 0, false, "<name>t</name>", NULL, '\''},
        {"counts_two_numatunes", DOM("  <numatune/>\n  <numatune/>\n"), 0, NULL, 2, false, "<name>t</name>", NULL, '\''},
        {"reads_memnode_only_numatune",
                DOM("  <numatune>\n    <memnode cellid='0' mode='strict' nodeset='0'/>\n    <memnode cellid='1' mode='strict' nodeset='1'/>\n  </numatune>\n"),
                0, NULL, 1, false, "<name>t</name>", NULL, '\'', 2, 0},
        {"reads_numatune_memory", DOM("  <numatune><memory mode='strict' nodeset='0'/></numatune>\n"), 0, NULL, 1, false, "<name>t</name>", NULL, '\'', 0, 1},
        {"counts_two_memory_elements", DOM("  <numatune><memory/><memory/></numatune>\n"), 0, NULL, 1, false, "<name>t</name>", NULL, '\'', 0, 2},
        {"keeps_offsets_after_bom", "\xef\xbb\xbf<domain type='kvm'><vcpu>1</vcpu></domain>", 0, NULL, 0, false, "<vcpu>1</vcpu>", NULL, '\''},
        {"keeps_offsets_with_crlf", "<domain type='kvm'>\r\n  <memory>\r\n4\r\n</memory>\r\n  <vcpu>1</vcpu>\r\n</domain>\r\n", 0, NULL, 0,
                false, "<vcpu>1</vcpu>", "\n4\n", '\''},
        {"accepts_utf8_declaration", "<?xml version='1.0' encoding='UTF-8'?><domain><vcpu>1</vcpu></domain>", 0, NULL, 0, false, "<vcpu>1</vcpu>", NULL, 0},
        {"accepts_lowercase_utf8_declaration", "<?xml version='1.0' encoding='utf-8'?>\n<domain><vcpu>1</vcpu></domain>", 0, NULL, 0, false, "<vcpu>1</vcpu>", NULL, 0},
        {"accepts_latin1_declaration", "<?xml version='1.0' encoding='ISO-8859-1'?>\n<domain><vcpu>1</vcpu></domain>", 0, NULL, 0, false, "<vcpu>1</vcpu>", NULL, 0},
        {"accepts_us_ascii_declaration", "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><domain><vcpu>1</vcpu></domain>", 0, NULL, 0, false, "<vcpu>1</vcpu>", NULL, 0},
        {"accepts_latin1_bytes_before_the_anchor",
                "<?xml version='1.0' encoding='latin1'?><domain><description>caf\xe9 \xff\xe0</description><vcpu placement='auto'>1</vcpu>"
                "<memory>\xa0</memory></domain>", 0, NULL, 0, true, "<vcpu placement='auto'>1</vcpu>", "\xc2\xa0", '\''},
        {"accepts_pure_ascii_shift_jis", "<?xml version='1.0' encoding='Shift_JIS'?><domain><vcpu>1</vcpu></domain>", 0, NULL, 0, false, "<vcpu>1</vcpu>", NULL, 0},
        {"accepts_pure_ascii_gb18030", "<?xml version='1.0' encoding='GB18030'?><domain><vcpu>1</vcpu></domain>", 0, NULL, 0, false, "<vcpu>1</vcpu>", NULL, 0},
        {"accepts_three_byte_characters_before_the_anchor",
                "<?xml version='1.0' encoding='windows-1252'?><domain><d a='\x80\x80'>\x80</d><cputune/></domain>", 0, NULL, 0, false,
                "<cputune/>", NULL, '\''},
        {"handles_gt_in_attribute", "<domain><vcpu x='a>b'>1</vcpu></domain>", 0, NULL, 0, false, "<vcpu x='a>b'>1</vcpu>", NULL, '\''},
        {"handles_comments_and_cdata", "<domain><!-- <vcpu> --><vcpu>1<![CDATA[<numatune/>]]></vcpu></domain>", 0, NULL, 0, false, "<vcpu>1<![CDATA[<numatune/>]]></vcpu>", NULL, 0},

        {"refuses_doctype", "<!DOCTYPE domain><domain/>", 0, "has a DOCTYPE", 0},
        {"refuses_billion_laughs",
                "<!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]><domain>&b;</domain>", 0, "DOCTYPE", 0},
        {"refuses_external_entity", "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;</domain>", 0, "DOCTYPE", 0},
        {"refuses_undefined_entity", "<domain>&x;</domain>", 0, "not well-formed", 0},
        {"refuses_other_root", "<capabilities/>", 0, "root element is <capabilities>, expected <domain>", 0},
        /* 32 bytes of name, all escaped: the message shows every one of them (it cut at 18 once). */
        {"refuses_non_ascii_root_shown_whole", "<\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9/>", 0,
                "root element is <\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9>, expected <domain>", 0},
        {"refuses_namespaced_root", "<x:domain xmlns:x='urn:x'><vcpu/></x:domain>", 0, "in namespace 'urn:x'", 0},
        {"refuses_default_namespace_root", "<domain xmlns='urn:x'><vcpu/></domain>", 0, "in namespace 'urn:x'", 0},
        {"refuses_self_closing_root", "<domain type='kvm'/>", 0, "<domain/> is empty", 0},
        {"refuses_empty_file", "", 0, "is empty", 0},
        {"refuses_whitespace_only", "  \n ", 0, "not well-formed", 0},
        {"refuses_comment_only", "<!-- x -->", 0, "not well-formed", 0},
        {"refuses_unclosed_tag", "<domain><vcpu>1</domain>", 0, "domain XML is not well-formed: line 1", 0},
        {"refuses_two_roots", "<domain></domain><domain></domain>", 0, "not well-formed", 0},
        {"refuses_shift_jis_with_non_ascii", "<?xml version='1.0' encoding='Shift_JIS'?>\n<domain><name>\x82\xa0</name><vcpu>1</vcpu></domain>", 0,
                "declares encoding 'Shift_JIS', a multi-byte encoding, and has non-ASCII bytes (line 2, offset 57)", 0},
        {"refuses_euc_jp_with_non_ascii", "<?xml version='1.0' encoding='EUC-JP'?><domain><name>\xa4\xa2</name></domain>", 0,
                "a multi-byte encoding, and has non-ASCII bytes", 0},
        {"refuses_gb18030_with_non_ascii", "<?xml version='1.0' encoding='GB18030'?><domain><name>\x81\x30\x81\x30</name></domain>", 0,
                "a multi-byte encoding", 0},
        {"refuses_utf7_plus", "<?xml version='1.0' encoding='UTF-7'?><domain><name>a+b</name></domain>", 0,
                "declares encoding 'UTF-7', which is not ASCII-compatible (byte 0x2b is not itself in it)", 0},
        {"refuses_ebcdic_declaration_in_ascii", "<?xml version='1.0' encoding='IBM037'?><domain><vcpu>1</vcpu></domain>", 0,
                "which is not ASCII-compatible", 0},
        {"refuses_utf16_declaration", "<?xml version='1.0' encoding='UTF-16'?><domain><vcpu>1</vcpu></domain>", 0,
                "declares encoding 'UTF-16'; only UTF-8 and ASCII-compatible encodings are supported", 0},
        {"refuses_utf32_declaration", "<?xml version=\"1.0\" encoding=\"UTF-32LE\"?><domain/>", 0, "declares encoding 'UTF-32LE'", 0},
        {"refuses_unknown_encoding", "<?xml version='1.0' encoding='x-no-such-thing'?><domain/>", 0,
                "declares encoding 'x-no-such-thing', which this system cannot convert", 0},
        {"refuses_bom_with_latin1_declaration", "\xef\xbb\xbf<?xml version='1.0' encoding='ISO-8859-1'?><domain/>", 0,
                "starts with a UTF-8 byte order mark but declares encoding 'ISO-8859-1'", 0},
        {"refuses_byte_undefined_in_us_ascii", "<?xml version='1.0' encoding='US-ASCII'?>\n<domain>\xe9</domain>", 0,
                "is not valid US-ASCII at line 2 (offset 50): byte 0xe9", 0},
        {"refuses_byte_undefined_in_windows_1252", "<?xml version='1.0' encoding='windows-1252'?><domain>\x81</domain>", 0,
                "is not valid windows-1252", 0},
        {"refuses_nul_in_latin1", "<?xml version='1.0' encoding='ISO-8859-1'?><domain>\0</domain>", 61, "NUL byte", 0},
        {"refuses_ill_formed_latin1", "<?xml version='1.0' encoding='ISO-8859-1'?><domain><a></domain>", 0, "not well-formed", 0},
        {"refuses_utf16_bom", "\xff\xfe<\0d\0", 6, "UTF-16", 0},
        {"refuses_utf32_bom", "\0\0\xfe\xff\0\0\0<", 8, "is UTF-32", 0},
        {"refuses_ebcdic", "\x4c\x6f\xa7\x94\x93\x40", 6, "is EBCDIC", 0},
        {"refuses_utf16_without_bom", "<\0d\0o\0m\0", 8, "NUL byte", 0},
        {"refuses_nul_byte", "<domain>\0</domain>", 18, "NUL byte at line 1 (offset 8)", 0},
        {"refuses_invalid_utf8", "<domain>\n\xff</domain>", 0, "not valid UTF-8 at line 2", 0},
        {"refuses_overlong_utf8", "<domain>\xc0\xaf</domain>", 0, "not valid UTF-8", 0},
        {"refuses_surrogate_utf8", "<domain>\xed\xa0\x80</domain>", 0, "not valid UTF-8", 0},
        {"refuses_gzip", "\x1f\x8b\x08\x00", 4, "gzip", 0},
};
/* clang-format on */

static void test_scan_case(void **state) {
        const struct scan_case *c = *state;
        size_t len = c->len ? c->len : strlen(c->xml);
        struct domxml_facts f;
        struct diag d;
        int r;

        diag_init(&d);
        r = domxml_scan(c->xml, len, &f, &d);
        if (c->error) {
                if (r >= 0)
                        fail_msg("scan succeeded, expected \"%s\"", c->error);
                assert_contains(d.message, c->error);
                assert_contains(d.message, "domain XML");
                return;
        }
        if (r < 0)
                fail_msg("scan failed: %s", d.message);

        assert_int_equal(f.n_numatune, c->n_numatune);
        assert_int_equal(f.vcpu_placement_auto, c->vcpu_auto);
        assert_int_equal(f.quote, c->quote);
        assert_int_equal(f.has_anchor, c->anchor != NULL);
        if (c->anchor) {
                assert_int_equal(f.anchor.end - f.anchor.start, strlen(c->anchor));
                assert_memory_equal(c->xml + f.anchor.start, c->anchor, strlen(c->anchor));
        }
        if (c->memory)
                assert_string_equal(f.memory_text, c->memory);
        else
                assert_false(f.has_memory);
        assert_int_equal(f.numatune.n_memnodes, c->n_memnodes);
        assert_int_equal(f.numatune.n_memory, c->n_memory);
        assert_memory_equal(c->xml + f.root.close, "</domain>", 9);
        assert_int_equal(f.bom, memcmp(c->xml, "\xef\xbb\xbf", 3) == 0 ? 3 : 0);
        domxml_facts_done(&f);
}

static void test_scan_records_numatune_span(void **state) {
        static const char xml[] =
                "<domain>\n  <numatune>\n    <memnode cellid='0' nodeset='1'/>\n  </numatune>\n</domain>";
        struct domxml_facts f;
        struct diag d;

        (void) state;
        diag_init(&d);
        assert_int_equal(domxml_scan(xml, strlen(xml), &f, &d), 0);
        assert_memory_equal(xml + f.numatune.span.start, "<numatune>", 10);
        assert_int_equal(f.numatune.span.tag_end, f.numatune.span.start + 10);
        assert_memory_equal(xml + f.numatune.span.close, "</numatune>", 11);
        assert_int_equal(f.numatune.span.end, f.numatune.span.close + 11);
        assert_true(f.numatune.has_child);
        assert_memory_equal(xml + f.numatune.first_child_start, "<memnode", 8);
        assert_string_equal(f.numatune.memnodes[0].cellid, "0");
        assert_null(f.numatune.memnodes[0].mode);
        assert_string_equal(f.numatune.memnodes[0].nodeset, "1");
        domxml_facts_done(&f);
}

static void test_scan_reads_guest_cells(void **state) {
        static const char xml[] =
                "<domain><cpu><topology sockets='2'/><numa>"
                "<cell id='0' cpus='0' memory='1048576'/><cell id='1' cpus='1' memory='2' unit='GiB'/>"
                "</numa></cpu><metadata><cpu><numa><cell id='9'/></numa></cpu></metadata>"
                "<x:cpu xmlns:x='urn:x'><x:numa><x:cell id='8'/></x:numa></x:cpu></domain>";
        struct domxml_facts f;
        struct diag d;

        (void) state;
        diag_init(&d);
        assert_int_equal(domxml_scan(xml, strlen(xml), &f, &d), 0);
        assert_int_equal(f.n_cells, 2);
        assert_string_equal(f.cells[0].id, "0");
        assert_string_equal(f.cells[0].cpus, "0");
        assert_string_equal(f.cells[0].memory, "1048576");
        assert_null(f.cells[0].unit);
        assert_string_equal(f.cells[1].id, "1");
        assert_string_equal(f.cells[1].cpus, "1");
        assert_string_equal(f.cells[1].unit, "GiB");
        domxml_facts_done(&f);
}

static void test_scan_records_numatune_memory_span(void **state) {
        static const char xml[] =
                "<domain><numatune><memnode cellid='0' nodeset='0'/><memory nodeset='1'></memory>"
                "</numatune></domain>";
        struct domxml_facts f;
        struct diag d;

        (void) state;
        diag_init(&d);
        assert_int_equal(domxml_scan(xml, strlen(xml), &f, &d), 0);
        assert_memory_equal(xml + f.numatune.memory_span.start, "<memory nodeset='1'>", 20);
        assert_memory_equal(xml + f.numatune.memory_span.end - 9, "</memory>", 9);
        assert_int_equal(f.numatune.n_memnodes, 1);
        domxml_facts_done(&f);
}

/* libxml2 2.9.14 is quadratic in attributes per element; 30 000 must still pass quickly. */
static void test_scan_survives_many_attributes(void **state) {
        size_t n = 30000, o = 0;
        _cleanup_free_ char *xml = malloc(n * 16 + 64);
        struct domxml_facts f;
        struct diag d;

        (void) state;
        assert_non_null(xml);
        o += (size_t) sprintf(xml + o, "<domain><x");
        for (size_t i = 0; i < n; i++)
                o += (size_t) sprintf(xml + o, " a%zu='1'", i);
        o += (size_t) sprintf(xml + o, "/><vcpu>1</vcpu></domain>");

        diag_init(&d);
        assert_int_equal(domxml_scan(xml, o, &f, &d), 0);
        assert_true(f.has_anchor);
        domxml_facts_done(&f);
}

static void test_scan_refuses_deep_nesting(void **state) {
        size_t depth = 10000, o = 0;
        _cleanup_free_ char *xml = malloc(depth * 7 + 64);
        struct domxml_facts f;
        struct diag d;

        (void) state;
        assert_non_null(xml);
        o += (size_t) sprintf(xml + o, "<domain>");
        for (size_t i = 0; i < depth; i++)
                o += (size_t) sprintf(xml + o, "<a>");
        for (size_t i = 0; i < depth; i++)
                o += (size_t) sprintf(xml + o, "</a>");
        o += (size_t) sprintf(xml + o, "</domain>");

        diag_init(&d);
        assert_true(domxml_scan(xml, o, &f, &d) < 0);
        assert_contains(d.message, "not well-formed");
}

struct cells_case {
        const char *name;
        const char *cells;   /* the <cell> elements inside <cpu><numa> */
        const char *error;   /* part of the message, or NULL */
        const char *numbers; /* libvirt's number of each cell in document order, e.g. "1,0" */
};

/* clang-format off */
static const struct cells_case cells_cases[] = {
        {"cells_without_id_count_in_order", "<cell cpus='0'/><cell cpus='1'/>", NULL, "0,1"},
        {"ids_may_reorder", "<cell id='1'/><cell id='0'/>", NULL, "1,0"},
        {"ids_and_no_ids_mix", "<cell/><cell id='1'/>", NULL, "0,1"},
        {"id_read_as_libvirt_reads_it", "<cell id=' 1'/><cell id='+0'/>", NULL, "1,0"},
        {"leading_zeros", "<cell id='01'/><cell id='00'/>", NULL, "1,0"},
        {"rejects_mix_that_repeats", "<cell id='1'/><cell/>", "guest NUMA cell 1 is defined twice", NULL},
        {"rejects_repeated_id", "<cell/><cell id='0'/>", "guest NUMA cell 0 is defined twice", NULL},
        {"rejects_id_beyond_count", "<cell id='2'/><cell/>", "has id '2'", NULL},
        {"rejects_trailing_blank", "<cell id='1 '/><cell/>", "has id '1 '", NULL},
        {"rejects_empty_id", "<cell id=''/>", "has id ''", NULL},
        {"rejects_negative_id", "<cell id='-0'/>", "has id '-0'", NULL},
};
/* clang-format on */

static void test_cells_case(void **state) {
        const struct cells_case *c = *state;
        char xml[512], got[128] = "";
        struct domxml_facts f;
        struct diag d;

        snprintf(xml, sizeof(xml), "<domain><cpu><numa>%s</numa><numa><cell id='7'/></numa></cpu></domain>",
                c->cells);
        diag_init(&d);
        assert_int_equal(domxml_scan(xml, strlen(xml), &f, &d), 0);
        for (size_t i = 0; i < f.n_cells; i++)
                snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%ld", i ? "," : "",
                        f.cells[i].number);

        if (c->error) {
                if (!f.cells_refused)
                        fail_msg("numbered %s, expected \"%s\"", got, c->error);
                assert_contains(f.cells_refused, c->error);
                /* A refusal numbers no cell, not even those before the bad one. */
                for (size_t i = 0; i < f.n_cells; i++)
                        assert_int_equal(f.cells[i].number, -1);
        } else {
                if (f.cells_refused)
                        fail_msg("refused: %s", f.cells_refused);
                assert_string_equal(got, c->numbers);
        }
        domxml_facts_done(&f);
}

static void test_splice_inserts_and_replaces(void **state) {
        static const char in[] = "abcdef";
        struct domxml_edit insert = {.offset = 3, .text = (char *) "XY"};
        struct domxml_edit replace = {.offset = 1, .remove = 2, .text = (char *) "_"};
        struct domxml_edit bad = {.offset = 5, .remove = 2, .text = (char *) ""};
        _cleanup_free_ char *a = NULL, *b = NULL;
        char *c = NULL;
        size_t len;

        (void) state;
        assert_int_equal(domxml_splice(in, 6, &insert, &a, &len), 0);
        assert_int_equal(len, 8);
        assert_memory_equal(a, "abcXYdef", 8);
        assert_int_equal(domxml_splice(in, 6, &replace, &b, &len), 0);
        assert_int_equal(len, 5);
        assert_memory_equal(b, "a_def", 5);
        assert_int_equal(domxml_splice(in, 6, &bad, &c, &len), -EINVAL);
        assert_null(c);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_scan_case);
        UNIT_TEST(&suite, test_scan_records_numatune_span);
        UNIT_TEST(&suite, test_scan_reads_guest_cells);
        UNIT_TEST(&suite, test_scan_records_numatune_memory_span);
        UNIT_TEST(&suite, test_scan_survives_many_attributes);
        UNIT_TEST(&suite, test_scan_refuses_deep_nesting);
        UNIT_TABLE(&suite, cells_cases, test_cells_case);
        UNIT_TEST(&suite, test_splice_inserts_and_replaces);
        return UNIT_RUN(&suite, "domxml");
}
