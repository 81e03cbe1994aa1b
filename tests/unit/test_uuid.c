/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "diag.h"
#include "unit.h"
#include "uuid.h"

#define CANON "3f9a1c2e-8d7b-4e6f-a5c4-b3a2918f7e6d"

struct canonical_case {
        const char *name;
        const char *text;
        const char *want; /* NULL: refused */
};

/* As libvirt's virUUIDParse() reads them. */
static const struct canonical_case canonical_cases[] = {
        {"canonical_stays", CANON, CANON},
        {"upper_case_is_lowered", "3F9A1C2E-8D7B-4E6F-A5C4-B3A2918F7E6D", CANON},
        {"dashes_may_be_missing", "3f9a1c2e8d7b4e6fa5c4b3a2918f7e6d", CANON},
        {"dashes_and_spaces_between_pairs", "3f-9a 1c2e8d7b4e6fa5c4b3a2918f7e6d", CANON},
        {"blanks_around", " \n\t" CANON " \n", CANON},
        {"refuses_a_split_pair", "3f9a1c2e8d7b4e6fa5c4b3a2918f7e6-d", NULL},
        {"refuses_too_short", "3f9a1c2e-8d7b-4e6f-a5c4-b3a2918f7e6", NULL},
        {"refuses_too_long", CANON "00", NULL},
        {"refuses_a_non_hex_digit", "3f9a1c2e-8d7b-4e6f-a5c4-b3a2918f7e6g", NULL},
        {"refuses_empty", "", NULL},
};

static void test_canonical_case(void **state) {
        const struct canonical_case *c = *state;
        char out[UUID_STRING_SIZE];

        if (!c->want) {
                assert_int_equal(uuid_canonical(c->text, strlen(c->text), out), -EINVAL);
                return;
        }
        assert_int_equal(uuid_canonical(c->text, strlen(c->text), out), 0);
        assert_string_equal(out, c->want);
        assert_int_equal(uuid_is_canonical(c->text, strlen(c->text)), strcmp(c->text, c->want) == 0);
}

struct domxml_case {
        const char *name;
        const char *xml;
        int error;
        const char *want; /* the uuid, or part of the message */
};

#define SPACES_64 "                                                                "

/* clang-format off */
static const struct domxml_case domxml_cases[] = {
        {"domxml_reads_the_uuid", "<domain><name>a</name><uuid>" CANON "</uuid></domain>", 0, CANON},
        {"domxml_canonicalises_the_uuid", "<domain><uuid> 3F9A1C2E8D7B4E6FA5C4B3A2918F7E6D </uuid></domain>", 0, CANON},
        {"domxml_takes_the_first_uuid", "<domain><uuid>" CANON "</uuid><uuid>11111111-2222-3333-4444-555555555555"
                "</uuid></domain>", 0, CANON},
        {"domxml_reads_text_of_children_too", "<domain><uuid>3f9a1c2e-8d7b<x>-4e6f-a5c4</x>-b3a2918f7e6d</uuid>"
                "</domain>", 0, CANON},
        {"domxml_ignores_a_deeper_uuid", "<domain><sysinfo><uuid>" CANON "</uuid></sysinfo></domain>", -ENOENT,
                "domain XML has no <uuid>"},
        {"domxml_ignores_a_uuid_in_a_namespace", "<domain xmlns:o='urn:o'><o:uuid>" CANON "</o:uuid></domain>",
                -ENOENT, "domain XML has no <uuid>"},
        {"domxml_refuses_an_invalid_uuid", "<domain><uuid>not-a-uuid</uuid></domain>", -EINVAL,
                "domain XML has an invalid <uuid>not-a-uuid</uuid>"},
        /* libvirt's virXPathString() gives NULL for an empty string: it makes a uuid up, as for none. */
        {"domxml_empty_uuid_is_none", "<domain><uuid/></domain>", -ENOENT, "domain XML has no <uuid>"},
        {"domxml_empty_first_uuid_is_none", "<domain><uuid></uuid><uuid>" CANON "</uuid></domain>", -ENOENT,
                "domain XML has no <uuid>"},
        {"domxml_blank_uuid_is_invalid", "<domain><uuid> </uuid></domain>", -EINVAL, "invalid <uuid>"},
        {"domxml_reads_cdata", "<domain><uuid><![CDATA[" CANON "]]></uuid></domain>", 0, CANON},
        {"domxml_skips_comments", "<domain><uuid>3f9a1c2e-<!-- x -->8d7b-4e6f-a5c4-b3a2918f7e6d</uuid></domain>", 0,
                CANON},
        {"domxml_reads_character_references", "<domain><uuid>&#x33;f9a1c2e-8d7b-4e6f-a5c4-b3a2918f7e6d</uuid>"
                "</domain>", 0, CANON},
        /* virUUIDParse() takes any number of blanks and dashes: a long <uuid> may still be valid. */
        {"domxml_reads_a_long_spaced_uuid", "<domain><uuid>" SPACES_64 SPACES_64 SPACES_64 SPACES_64 SPACES_64 CANON
                "</uuid></domain>", 0, CANON},
        {"domxml_refuses_another_root", "<vm><uuid>" CANON "</uuid></vm>", -EINVAL, "root element is not <domain>"},
        {"domxml_refuses_broken_xml", "<domain><uuid>" CANON "</domain>", -EINVAL, "domain XML"},
};
/* clang-format on */

static void test_domxml_case(void **state) {
        const struct domxml_case *c = *state;
        char out[UUID_STRING_SIZE];
        struct diag d;
        int r;

        diag_init(&d);
        r = uuid_from_domxml(c->xml, strlen(c->xml), out, &d);
        assert_int_equal(r, c->error);
        if (c->error == 0)
                assert_string_equal(out, c->want);
        else
                assert_contains(d.message, c->want);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, canonical_cases, test_canonical_case);
        UNIT_TABLE(&suite, domxml_cases, test_domxml_case);
        return UNIT_RUN(&suite, "uuid");
}
