/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole run in-process, on temporary files; libnuma is wrapped. */
#include <errno.h>
#include <fcntl.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "hook.h"
#include "nodeset.h"
#include "unit.h"

int __wrap_numa_available(void);
int __wrap_numa_max_node(void);
long long __wrap_numa_node_size64(int node, long long *freep);

int __wrap_numa_available(void) {
        return mock_type(int);
}

int __wrap_numa_max_node(void) {
        return mock_type(int);
}

/*
 * Every node has 2 GiB, 1 GiB free; but node `memoryless` (when >= 0) has
 * none, and libnuma cannot read node `unreadable`'s meminfo (errno
 * unreadable_errno).
 */
static int memoryless = -1, unreadable = -1, unreadable_errno;
static int size_queries;

long long __wrap_numa_node_size64(int node, long long *freep) {
        size_queries++;
        if (node == unreadable) {
                *freep = -1;
                errno = unreadable_errno;
                return -1;
        }
        *freep = node == memoryless ? 0 : 1LL << 30;
        return node == memoryless ? 0 : 2LL << 30;
}

#define VNUMA                                                                                                \
        "<domain>\n  <memory unit='GiB'>2</memory>\n  <vcpu>2</vcpu>\n  <cpu>\n    <numa>\n"                 \
        "      <cell id='0' cpus='0' memory='512' unit='MiB'/>\n      <cell id='1' cpus='1' memory='1536' "  \
        "unit='MiB'/>\n"                                                                                     \
        "    </numa>\n  </cpu>\n</domain>\n"
#define VNUMA_OUT                                                                                            \
        "<domain>\n  <memory unit='GiB'>2</memory>\n  <vcpu>2</vcpu>\n  <numatune>\n"                        \
        "    <memnode cellid='0' mode='strict' nodeset='0'/>\n    <memnode cellid='1' mode='interleave' "    \
        "nodeset='0-1'/>\n"                                                                                  \
        "  </numatune>\n  <cpu>\n    <numa>\n"                                                               \
        "      <cell id='0' cpus='0' memory='512' unit='MiB'/>\n      <cell id='1' cpus='1' memory='1536' "  \
        "unit='MiB'/>\n"                                                                                     \
        "    </numa>\n  </cpu>\n</domain>\n"
#define VNUMA_BOTH                                                                                           \
        "<domain>\n  <memory unit='GiB'>2</memory>\n  <vcpu>2</vcpu>\n  <numatune>\n"                        \
        "    <memory mode='strict' nodeset='0-1'/>\n    <memnode cellid='1' mode='strict' nodeset='1'/>\n"   \
        "  </numatune>\n  <cpu>\n    <numa>\n"                                                               \
        "      <cell id='0' cpus='0' memory='512' unit='MiB'/>\n      <cell id='1' cpus='1' memory='1536' "  \
        "unit='MiB'/>\n"                                                                                     \
        "    </numa>\n  </cpu>\n</domain>\n"
#define INCOMING(nodeset)                                                                                    \
        "<domain><memory unit='GiB'>1</memory><numatune><memory mode='strict' nodeset='" nodeset             \
        "'/></numatune></domain>"
/* Two guest cells, 512 MiB and 1.5 GiB; the vcpu attributes and the <numatune> children vary. */
#define CELLS(vcpu, numatune)                                                                                \
        "<domain><memory unit='GiB'>2</memory><vcpu" vcpu ">2</vcpu><numatune>" numatune "</numatune>"       \
        "<cpu><numa><cell id='0' cpus='0' memory='512' unit='MiB'/><cell id='1' cpus='1' memory='1536' "     \
        "unit='MiB'/></numa></cpu></domain>"
#define DOC "<domain type='kvm'>\n  <memory unit='MiB'>512</memory>\n  <vcpu>1</vcpu>\n</domain>\n"
#define DOC_OUT                                                                                              \
        "<domain type='kvm'>\n  <memory unit='MiB'>512</memory>\n  <vcpu>1</vcpu>\n"                         \
        "  <numatune>\n    <memory mode='strict' nodeset='1'/>\n  </numatune>\n</domain>\n"

/* The host a row runs against. */
enum topo {
        CAPS_2NODE,    /* --capabilities caps-2node.xml (the default) */
        CAPS_SMALL,    /* --capabilities caps-small.xml */
        LIBNUMA_2NODE, /* this host through the wrapped libnuma: nodes 0-1 */
        LIBNUMA_NONE,  /* this host through the wrapped libnuma: NUMA not available */
};

/* A run of hook_run(): what it is given (the first fields), and what it must do. */
struct hook_case {
        const char *name;
        enum hook_point point; /* MIGRATE, DEHIBERNATE; default before_vm_start */
        const char *spec;      /* numa, NULL when unset */
        const char *memnodes;  /* numa_memnode, NULL when unset */
        const char *doc;       /* NULL: no file, _hook_domxml unset */
        enum topo topo;
        /*
         * The run asks libnuma (a LIBNUMA_* topo): numa_available() and, for
         * LIBNUMA_2NODE, numa_max_node() answers are queued, and cmocka fails
         * a run that leaves them unasked or asks more; a row without it must
         * not ask libnuma at all.
         */
        bool asks_libnuma;
        bool dry_run;
        const char *error;   /* part of the message, or NULL */
        const char *after;   /* the file afterwards (NULL: as before) */
        const char *info;    /* part of the success line */
        const char *warning; /* part of the one warning a successful run must give (NULL: none) */
};

#define MIGRATE     .point = HOOK_BEFORE_VM_MIGRATE_DESTINATION
#define DEHIBERNATE .point = HOOK_BEFORE_VM_DEHIBERNATE

/* clang-format off */
static const struct hook_case cases[] = {
        {"no_property_changes_nothing", .doc = DOC},
        {"no_property_without_file_is_fine"},
        {"writes_numatune", .spec = "strict:1", .doc = DOC, .after = DOC_OUT,
                .info = "set <memory mode='strict' nodeset='1'/> from 'strict:1'"},
        {"second_run_is_noop", .spec = "strict:1", .doc = DOC_OUT, .info = "already in the domain XML"},
        {"dry_run_leaves_file", .spec = "strict:1", .doc = DOC, .dry_run = true, .info = "set <memory"},
        {"resolves_exclusion_with_libnuma", .spec = "strict:^0", .doc = DOC, .topo = LIBNUMA_2NODE,
                .asks_libnuma = true, .after = DOC_OUT, .info = "from 'strict:^0'"},
        {"bad_spec_fails_before_the_file", .spec = "strict:x", .error = "invalid value 'strict:x'"},
        {"needs_hook_domxml", .spec = "strict:1", .error = "_hook_domxml is not set"},
        {"missing_node_leaves_file", .spec = "strict:7", .doc = DOC, .error = "node 7 does not exist"},
        {"numa_unavailable_leaves_file", .spec = "strict:0", .doc = DOC, .topo = LIBNUMA_NONE,
                .asks_libnuma = true, .error = "NUMA is not available"},
        {"invalid_vm_memory_leaves_file", .spec = "strict:0",
                .doc = "<domain><memory unit='parsec'>1</memory></domain>",
                .error = "invalid <memory unit='parsec'>1</memory>"},
        {"vm_too_large_leaves_file", .spec = "strict:0",
                .doc = "<domain><memory unit='GiB'>64</memory><vcpu>1</vcpu></domain>",
                .error = "larger than all memory of node 0"},
        {"broken_xml_leaves_file", .spec = "strict:0", .doc = "<domain>", .error = "not well-formed"},

        {"writes_memnodes", .memnodes = "0=strict:0 1=interleave:^5", .doc = VNUMA, .after = VNUMA_OUT,
                .info = "set <memnode cellid='0' mode='strict' nodeset='0'/> <memnode cellid='1' mode='interleave' nodeset='0-1'/> from numa_memnode '0=strict:0 1=interleave:^5'"},
        {"memnodes_second_run_is_noop", .memnodes = "0=strict:0 1=interleave:0-1", .doc = VNUMA_OUT,
                .info = "is already in the domain XML"},
        {"memnode_needs_guest_cell", .memnodes = "2=strict:0", .doc = VNUMA,
                .error = "numa_memnode cell 2 'strict:0': the domain has no guest NUMA cell 2 (<cpu><numa><cell id=...>: 0-1)"},
        {"memnode_checks_missing_host_node", .memnodes = "0=strict:3", .doc = VNUMA,
                .error = "numa_memnode cell 0 'strict:3': node 3 does not exist"},
        {"memnode_checks_cell_memory", .memnodes = "1=strict:1", .doc = VNUMA, .topo = CAPS_SMALL,
                .error = "numa_memnode cell 1 'strict:1': guest cell 1's memory (1.5 GiB) is larger than all memory of node 1 (1 GiB)"},
        {"memnode_preferred_takes_one_node", .memnodes = "0=preferred:0-1", .doc = VNUMA,
                .error = "preferred takes exactly one node"},
        {"memnode_bad_value_fails_before_the_file", .memnodes = "0=strict",
                .error = "invalid numa_memnode value"},
        {"numa_and_memnodes_together", .spec = "strict:0-1", .memnodes = "1=strict:1", .doc = VNUMA,
                .after = VNUMA_BOTH,
                .info = "set <memory mode='strict' nodeset='0-1'/> <memnode cellid='1' mode='strict' nodeset='1'/> from 'strict:0-1' and numa_memnode '1=strict:1'"},

        {"migration_accepts_fitting_numatune", MIGRATE, .doc = INCOMING("0-1"),
                .info = "fits the host in @CAPS@"},
        {"migration_refuses_missing_nodes", MIGRATE, .doc = INCOMING("0-2,4-7"),
                .error = "incoming <memory mode='strict' nodeset='0-2,4-7'/>: nodes 2,4-7 do not exist on the host in @CAPS@ (host nodes: 0-1)"},
        {"migration_checks_capacity", MIGRATE,
                .doc = "<domain><memory unit='GiB'>2</memory><numatune><memory mode='strict' nodeset='0'/></numatune></domain>",
                .topo = CAPS_SMALL,
                .error = "the VM's memory (2 GiB) is larger than all memory of node 0 (1 GiB)"},
        {"migration_without_numatune_needs_no_numa", MIGRATE, .doc = DOC, .topo = LIBNUMA_NONE},
        {"migration_without_numatune_is_silent", MIGRATE, .doc = DOC},
        {"migration_ignores_the_properties", MIGRATE, .spec = "strict:7", .memnodes = "0=strict:9",
                .doc = INCOMING("1"), .info = "fits the host in @CAPS@"},
        {"migration_lets_auto_placement_pass", MIGRATE,
                .doc = "<domain><numatune><memory mode='interleave' placement='auto'/></numatune></domain>",
                .info = "fits the host in @CAPS@"},
        {"migration_refuses_unreadable_nodeset", MIGRATE, .doc = INCOMING("x"),
                .error = "no nodeset this hook can read"},

        /* Migration destination: VDSM may remap <memnode> nodesets, never <memory>. */
        {"migration_warns_on_memnode_missing_node", MIGRATE,
                .doc = CELLS("", "<memnode cellid='0' mode='strict' nodeset='5'/>"),
                .info = "incoming <numatune> fits the host in @CAPS@ but for its <memnode> elements the warnings name",
                .warning = "incoming <memnode cellid='0' mode='strict' nodeset='5'/>: node 5 does not exist on the host in @CAPS@ (host nodes: 0-1); not refused, as VDSM replaces <memnode> nodesets"},
        {"migration_warns_on_memnode_capacity", MIGRATE,
                .doc = CELLS("", "<memory mode='strict' nodeset='0-1'/><memnode cellid='0' mode='strict' nodeset='0'/><memnode cellid='1' mode='strict' nodeset='1'/>"),
                .topo = CAPS_SMALL, .info = "but for its <memnode> elements the warnings name",
                .warning = "incoming <memnode cellid='1' mode='strict' nodeset='1'/>: guest cell 1's memory (1.5 GiB) is larger than all memory of node 1 (1 GiB); not refused"},
        {"migration_warns_on_unreadable_memnode_nodeset", MIGRATE,
                .doc = CELLS("", "<memnode cellid='1' mode='strict' nodeset='x'/>"),
                .info = "but for its <memnode> elements the warnings name",
                .warning = "incoming <memnode cellid='1' mode='strict' nodeset='x'/>: no nodeset this hook can read; not refused"},
        {"migration_warns_on_memnode_preferred_set", MIGRATE,
                .doc = CELLS("", "<memnode cellid='1' mode='preferred' nodeset='0-1'/>"),
                .info = "but for its <memnode> elements the warnings name",
                .warning = "preferred takes exactly one node"},
        {"migration_accepts_fitting_memnodes", MIGRATE,
                .doc = CELLS("", "<memnode cellid='0' mode='strict' nodeset='0'/><memnode cellid='1' mode='interleave' nodeset='0-1'/>"),
                .info = "incoming <numatune> fits the host in @CAPS@"},
        {"migration_memory_misfit_stays_an_error", MIGRATE,
                .doc = CELLS("", "<memory mode='strict' nodeset='0-3'/><memnode cellid='0' mode='strict' nodeset='5'/>"),
                .error = "incoming <memory mode='strict' nodeset='0-3'/>: nodes 2-3 do not exist on the host in @CAPS@ (host nodes: 0-1)"},
        {"migration_memory_capacity_stays_an_error", MIGRATE,
                .doc = CELLS("", "<memory mode='strict' nodeset='0'/><memnode cellid='0' mode='strict' nodeset='0'/>"),
                .topo = CAPS_SMALL,
                .error = "incoming <memory mode='strict' nodeset='0'/>: the VM's memory (2 GiB) is larger than all memory of node 0 (1 GiB)"},
        /* libvirt reads cellid as an unsigned attribute (blanks and a '+' before it); so does the hook. */
        {"migration_reads_cellid_as_libvirt_does", MIGRATE,
                .doc = CELLS("", "<memnode cellid=' 1' mode='strict' nodeset='1'/><memnode cellid='+0' mode='strict' nodeset='0'/>"),
                .info = "incoming <numatune> fits the host in @CAPS@"},
        {"migration_refuses_cellid_libvirt_refuses", MIGRATE,
                .doc = CELLS("", "<memnode cellid='1 ' mode='strict' nodeset='1'/>"),
                .error = "incoming <memnode cellid='1 ' mode='strict' nodeset='1'/>: no cell id this hook can read"},
        {"migration_refuses_memnode_without_guest_cell", MIGRATE,
                .doc = CELLS("", "<memnode cellid='2' mode='strict' nodeset='5'/>"),
                .error = "incoming <memnode cellid='2' mode='strict' nodeset='5'/>: the domain has no guest NUMA cell 2"},
        {"migration_refuses_memnode_unknown_mode", MIGRATE,
                .doc = CELLS("", "<memnode cellid='0' mode='lax' nodeset='5'/>"),
                .error = "incoming <memnode cellid='0' mode='lax' nodeset='5'/>: unknown mode"},
        {"migration_refuses_memnodes_with_vcpu_auto_placement", MIGRATE,
                .doc = CELLS(" placement='auto'", "<memnode cellid='0' mode='strict' nodeset='0'/>"),
                .error = "incoming <memnode cellid='0' mode='strict' nodeset='0'/>: per-node binding is not compatible with automatic NUMA placement (<vcpu placement='auto'> and no <memory> in <numatune>)"},
        {"migration_refuses_memnodes_with_memory_auto_placement", MIGRATE,
                .doc = CELLS("", "<memory mode='strict' placement='auto'/><memnode cellid='1' mode='strict' nodeset='1'/>"),
                .error = "per-node binding is not compatible with automatic NUMA placement (<numatune><memory placement='auto'>)"},
        {"migration_refuses_memnodes_with_inherited_auto_placement", MIGRATE,
                .doc = CELLS(" placement='auto'", "<memory mode='strict'/><memnode cellid='1' mode='strict' nodeset='1'/>"),
                .error = "per-node binding is not compatible with automatic NUMA placement (<vcpu placement='auto'>, which a <memory> without nodeset follows)"},
        {"migration_memory_nodeset_makes_placement_static", MIGRATE,
                .doc = CELLS(" placement='auto'", "<memory mode='strict' nodeset='0-1'/><memnode cellid='1' mode='strict' nodeset='1'/>"),
                .info = "incoming <numatune> fits the host in @CAPS@"},

        /* Dehibernate: libvirt restores with the saved XML as it is, so everything must fit. */
        {"dehibernate_accepts_fitting_numatune", DEHIBERNATE, .doc = INCOMING("0-1"),
                .info = "saved <numatune> fits the host in @CAPS@"},
        {"dehibernate_refuses_missing_nodes", DEHIBERNATE, .doc = INCOMING("0-7"),
                .error = "saved <memory mode='strict' nodeset='0-7'/>: nodes 2-7 do not exist on the host in @CAPS@ (host nodes: 0-1)"},
        {"dehibernate_checks_capacity", DEHIBERNATE, .doc = CELLS("", "<memory mode='strict' nodeset='1'/>"),
                .topo = CAPS_SMALL,
                .error = "saved <memory mode='strict' nodeset='1'/>: the VM's memory (2 GiB) is larger than all memory of node 1 (1 GiB)"},
        {"dehibernate_refuses_memnode_missing_node", DEHIBERNATE,
                .doc = CELLS("", "<memnode cellid='0' mode='strict' nodeset='5'/>"),
                .error = "saved <memnode cellid='0' mode='strict' nodeset='5'/>: node 5 does not exist on the host in @CAPS@ (host nodes: 0-1)"},
        {"dehibernate_refuses_memnode_capacity", DEHIBERNATE,
                .doc = CELLS("", "<memnode cellid='1' mode='strict' nodeset='1'/>"), .topo = CAPS_SMALL,
                .error = "saved <memnode cellid='1' mode='strict' nodeset='1'/>: guest cell 1's memory"},
        {"dehibernate_finds_the_cell_of_a_signed_cellid", DEHIBERNATE,
                .doc = CELLS("", "<memnode cellid='+1' mode='strict' nodeset='1'/>"), .topo = CAPS_SMALL,
                .error = "saved <memnode cellid='+1' mode='strict' nodeset='1'/>: guest cell 1's memory"},
        {"dehibernate_refuses_unreadable_memnode_nodeset", DEHIBERNATE,
                .doc = CELLS("", "<memnode cellid='1' mode='strict' nodeset='x'/>"),
                .error = "saved <memnode cellid='1' mode='strict' nodeset='x'/>: no nodeset this hook can read"},
        {"dehibernate_refuses_memnodes_with_vcpu_auto_placement", DEHIBERNATE,
                .doc = CELLS(" placement='auto'", "<memnode cellid='0' mode='strict' nodeset='0'/>"),
                .error = "saved <memnode cellid='0' mode='strict' nodeset='0'/>: per-node binding is not compatible with automatic NUMA placement"},
        {"dehibernate_accepts_fitting_memnodes", DEHIBERNATE,
                .doc = CELLS("", "<memnode cellid='0' mode='strict' nodeset='0'/><memnode cellid='1' mode='strict' nodeset='1'/>"),
                .info = "saved <numatune> fits the host in @CAPS@"},
        {"dehibernate_lets_auto_placement_pass", DEHIBERNATE, .doc = CELLS(" placement='auto'", ""),
                .info = "saved <numatune> fits the host in @CAPS@"},
        {"dehibernate_without_numatune_needs_no_numa", DEHIBERNATE, .doc = DOC, .topo = LIBNUMA_NONE},
        {"dehibernate_ignores_the_properties", DEHIBERNATE, .spec = "strict:7", .memnodes = "0=strict:9",
                .doc = INCOMING("1"), .info = "saved <numatune> fits the host in @CAPS@"},
        {"dehibernate_refuses_two_numatune", DEHIBERNATE, .doc = "<domain><numatune/><numatune/></domain>",
                .error = "saved domain XML has 2 <numatune> elements"},
        {"migration_refuses_two_numatune", MIGRATE, .doc = "<domain><numatune/><numatune/></domain>",
                .error = "incoming domain XML has 2 <numatune> elements"},
        {"dehibernate_never_writes_even_with_a_property", DEHIBERNATE, .spec = "strict:1", .doc = DOC},
        /* libvirt reads mode and nodeset with xmlGetProp(): the first of that local name, whatever its namespace. */
        {"migration_reads_namespaced_attributes_as_libvirt", MIGRATE,
                .doc = CELLS("", "<memory xmlns:a='urn:a' a:mode='interleave' mode='strict' a:nodeset='7' nodeset='0'/>"),
                .error = "incoming <memory mode='interleave' nodeset='7'/>: node 7 does not exist on the host in @CAPS@"},
        {"dehibernate_reads_namespaced_memnode_as_libvirt", DEHIBERNATE,
                .doc = CELLS("", "<memnode xmlns:a='urn:a' cellid='0' a:nodeset='7' nodeset='0'/>"),
                .error = "saved <memnode cellid='0' nodeset='7'/>: node 7 does not exist on the host in @CAPS@"},
        {"migration_takes_the_first_in_document_order", MIGRATE,
                .doc = CELLS("", "<memory xmlns:a='urn:a' mode='strict' a:mode='interleave' nodeset='0' a:nodeset='7'/>"),
                .info = "incoming <numatune> fits the host in @CAPS@"},
        {"start_reads_namespaced_attributes_as_libvirt", .spec = "strict:0",
                .doc = CELLS("", "<memory xmlns:a='urn:a' a:mode='interleave' mode='strict' a:nodeset='7' nodeset='0'/>"),
                .error = "'strict:0': domain XML already has <memory mode='interleave' nodeset='7'/> in <numatune>, which differs"},
        /* libvirt's schema allows one <memory> in <numatune> (its parser silently takes the first). */
        {"migration_refuses_two_memory", MIGRATE,
                .doc = CELLS("", "<memory mode='strict' nodeset='0'/><memory mode='strict' nodeset='7'/>"),
                .error = "incoming domain XML's <numatune> has 2 <memory> elements; libvirt allows one"},
        {"dehibernate_refuses_two_memory", DEHIBERNATE,
                .doc = CELLS("", "<memory mode='strict' nodeset='0'/><memory mode='interleave' nodeset='0'/>"),
                .error = "saved domain XML's <numatune> has 2 <memory> elements; libvirt allows one"},
        {"start_refuses_two_memory", .spec = "strict:0",
                .doc = CELLS("", "<memory mode='strict' nodeset='0'/><memory mode='strict' nodeset='0'/>"),
                .error = "domain XML's <numatune> has 2 <memory> elements; libvirt allows one"},
};
/* clang-format on */

struct point_case {
        const char *name;
        const char *text;
        enum hook_point point;
};

static const struct point_case point_cases[] = {
        {"point_before_vm_start", "before_vm_start", HOOK_BEFORE_VM_START},
        {"point_before_vm_migrate_destination", "before_vm_migrate_destination",
                HOOK_BEFORE_VM_MIGRATE_DESTINATION},
        {"point_before_vm_dehibernate", "before_vm_dehibernate", HOOK_BEFORE_VM_DEHIBERNATE},
        {"point_after_vm_start", "after_vm_start", HOOK_AFTER_VM_START},
        {"point_after_vm_migrate_destination", "after_vm_migrate_destination",
                HOOK_AFTER_VM_MIGRATE_DESTINATION},
        {"point_after_vm_dehibernate", "after_vm_dehibernate", HOOK_AFTER_VM_DEHIBERNATE},
        {"point_after_vm_destroy", "after_vm_destroy", HOOK_AFTER_VM_DESTROY},
        {"point_after_vm_cont_is_not_ours", "after_vm_cont", _HOOK_POINT_INVALID},
        {"point_prefix_is_not_a_point", "before_vm_dehibernat", _HOOK_POINT_INVALID},
        {"point_empty_is_not_a_point", "", _HOOK_POINT_INVALID},
};

static void test_point_case(void **state) {
        const struct point_case *c = *state;

        assert_int_equal(hook_point_from_string(c->text), c->point);
}

static char dir[] = "/tmp/test-hook-XXXXXX";
/* This host's machine.slice must not judge the fake topologies here: a root without one, unless a test sets
 * it. */
static const char *cgroup_root = "/nonexistent/cgroup";
/* The claims ledger's directory of these runs, never the host's. */
static char run_dir[] = "/tmp/test-hook-run-XXXXXX";
static struct bitmask *fake_nodes;

/* The expected text with "@CAPS@" replaced by the capabilities path, as messages name that host. */
static const char *with_caps(const char *text, const char *caps, char *buf, size_t size) {
        const char *at = strstr(text, "@CAPS@");

        if (!at)
                return text;
        snprintf(buf, size, "%.*s%s%s", (int) (at - text), text, caps, at + 6);
        return buf;
}

static void test_hook_case(void **state) {
        const struct hook_case *c = *state;
        struct bitmask *saved = numa_nodes_ptr;
        char path[512], caps[512], want[2048];
        struct hook_request req = {.spec = c->spec,
                .memnode_spec = c->memnodes,
                .point = c->point,
                .dry_run = c->dry_run,
                .cgroup_root = cgroup_root,
                .run_dir = run_dir};
        struct hook_result res = {0};
        struct file_data f;
        struct diag d;
        int r;

        snprintf(path, sizeof(path), "%s/dom.xml", dir);
        if (c->doc) {
                int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

                assert_true(fd >= 0);
                assert_int_equal(write(fd, c->doc, strlen(c->doc)), (ssize_t) strlen(c->doc));
                close(fd);
                req.domxml_path = path;
        }
        snprintf(caps, sizeof(caps), "%s/caps-2node.xml",
                getenv("TEST_FIXTURES") ? getenv("TEST_FIXTURES") : ".");
        if (c->topo == CAPS_SMALL)
                snprintf(caps, sizeof(caps), "%s/caps-small.xml",
                        getenv("TEST_FIXTURES") ? getenv("TEST_FIXTURES") : ".");
        if (c->topo == CAPS_2NODE || c->topo == CAPS_SMALL)
                req.capabilities_path = caps;
        if (c->asks_libnuma) {
                will_return(__wrap_numa_available, c->topo == LIBNUMA_NONE ? -1 : 0);
                if (c->topo == LIBNUMA_2NODE)
                        will_return(__wrap_numa_max_node, 1);
        }

        numa_bitmask_clearall(fake_nodes);
        numa_bitmask_setbit(fake_nodes, 0);
        numa_bitmask_setbit(fake_nodes, 1);
        numa_nodes_ptr = fake_nodes;
        diag_init(&d);
        r = hook_run(&req, &res, &d);
        numa_nodes_ptr = saved;

        if (c->error) {
                if (r >= 0)
                        fail_msg("run succeeded, expected \"%s\"", c->error);
                assert_contains(d.message, with_caps(c->error, caps, want, sizeof(want)));
        } else {
                if (r < 0)
                        fail_msg("run failed: %s", d.message);
                if (c->info)
                        assert_contains(res.info, with_caps(c->info, caps, want, sizeof(want)));
                else
                        assert_string_equal(res.info, "");
                if (c->warning) {
                        if (d.n_warnings != 1)
                                fail_msg("%zu warnings, expected one with \"%s\"", d.n_warnings, c->warning);
                        assert_contains(d.warnings[0], with_caps(c->warning, caps, want, sizeof(want)));
                } else if (d.n_warnings != 0)
                        fail_msg("unexpected warning \"%s\"", d.warnings[0]);
                assert_int_equal(res.output != NULL, c->dry_run);
                if (c->dry_run)
                        assert_non_null(memmem(res.output, res.output_len, "<numatune>", 10));
        }

        if (c->doc) {
                assert_int_equal(file_read(path, "x", 1 << 20, 0, &f, &d), 0);
                assert_string_equal(f.data, c->after ? c->after : c->doc);
                file_data_done(&f);
                unlink(path);
        }
        hook_result_done(&res);
}

/* numa=strict:1 reads only node 1; its failure is told against the whole host. */
static void run_libnuma(const char *spec, const char *doc, struct diag *d, int *ret) {
        struct bitmask *saved = numa_nodes_ptr;
        char path[512];
        struct hook_request req = {.spec = spec, .cgroup_root = cgroup_root, .run_dir = run_dir};
        struct hook_result res = {0};
        int fd;

        snprintf(path, sizeof(path), "%s/dom.xml", dir);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t) strlen(doc));
        close(fd);
        req.domxml_path = path;

        numa_bitmask_clearall(fake_nodes);
        for (unsigned n = 0; n < 4; n++)
                numa_bitmask_setbit(fake_nodes, n);
        numa_nodes_ptr = fake_nodes;
        diag_init(d);
        *ret = hook_run(&req, &res, d);
        numa_nodes_ptr = saved;
        hook_result_done(&res);
        unlink(path);
}

static void test_hook_reads_only_named_nodes(void **state) {
        struct diag d;
        int r;

        (void) state;
        will_return(__wrap_numa_available, 0);
        will_return(__wrap_numa_max_node, 3);
        size_queries = 0;
        run_libnuma("strict:1-2", DOC, &d, &r);
        assert_int_equal(r, 0);
        assert_int_equal(size_queries, 2);

        /* A failure on the partial view is judged again on all nodes, for an exact message. */
        will_return_count(__wrap_numa_available, 0, 2);
        will_return_count(__wrap_numa_max_node, 3, 2);
        memoryless = 1;
        size_queries = 0;
        run_libnuma("strict:1", DOC, &d, &r);
        memoryless = -1;
        assert_true(r < 0);
        assert_contains(d.message,
                "node 1 has no memory, and strict needs memory on every node (nodes with memory: 0,2-3)");
        assert_int_equal(size_queries, 1 + 4);
}

/*
 * A node whose memory libnuma cannot read is a refusal naming the file and
 * the error; counted as memoryless, "^1" on nodes 0-3 with node 2
 * unreadable became 0,3, and "strict:0" under EMFILE a false "no memory".
 */
static void test_hook_refuses_unreadable_node_memory(void **state) {
        static const struct {
                const char *spec;
                int node, err;
                const char *message;
        } rows[] = {
                {"strict:^1", 2, EACCES,
                        "cannot read the memory of node 2 from /sys/devices/system/node/node2/meminfo: "
                        "Permission denied"},
                {"strict:0", 0, EMFILE,
                        "cannot read the memory of node 0 from /sys/devices/system/node/node0/meminfo: Too "
                        "many open files"},
                {"interleave:0-3", 3, 0,
                        "cannot read the memory of node 3 from /sys/devices/system/node/node3/meminfo: no "
                        "MemTotal in it"},
        };
        struct diag d;
        int r;

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                will_return(__wrap_numa_available, 0);
                will_return(__wrap_numa_max_node, 3);
                unreadable = rows[i].node;
                unreadable_errno = rows[i].err;
                run_libnuma(rows[i].spec, DOC, &d, &r);
                unreadable = -1;
                if (r >= 0)
                        fail_msg("'%s' succeeded with node %d unreadable", rows[i].spec, rows[i].node);
                assert_string_equal(d.message, rows[i].message);
        }
}

/*
 * machine.slice's memory nodes bound the VM's on this host (libnuma), and
 * not with --capabilities, which describe another host.
 */
static void test_hook_checks_machine_slice_on_this_host_only(void **state) {
        char root[] = "/tmp/test-hook-cgroup-XXXXXX", want[512], caps[512], path[512];
        struct hook_request req = {.spec = "strict:1", .run_dir = run_dir};
        struct hook_result res = {0};
        struct diag d;
        int r, fd;

        (void) state;
        assert_non_null(mkdtemp(root));
        unit_write_file(root, "machine.slice/cpuset.mems.effective", "0,2-3\n");
        cgroup_root = root;

        will_return(__wrap_numa_available, 0);
        will_return(__wrap_numa_max_node, 3);
        run_libnuma("strict:1", DOC, &d, &r);
        assert_true(r < 0);
        snprintf(want, sizeof(want),
                "'strict:1': node 1 is outside the memory nodes VMs may use on this host (0,2-3, in "
                "%s/machine.slice/cpuset.mems.effective)",
                root);
        assert_contains(d.message, want);

        will_return(__wrap_numa_available, 0);
        will_return(__wrap_numa_max_node, 3);
        run_libnuma("interleave:0-1", DOC, &d, &r);
        assert_int_equal(r, 0);
        assert_int_equal(d.n_warnings, 1);
        assert_contains(d.warnings[0], "'interleave:0-1': node 1 is outside the memory nodes");

        /* Another host's capabilities: this host's cgroup is not asked. */
        snprintf(caps, sizeof(caps), "%s/caps-2node.xml",
                getenv("TEST_FIXTURES") ? getenv("TEST_FIXTURES") : ".");
        snprintf(path, sizeof(path), "%s/dom.xml", dir);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, DOC, strlen(DOC)), (ssize_t) strlen(DOC));
        close(fd);
        req.domxml_path = path;
        req.capabilities_path = caps;
        req.cgroup_root = root;
        diag_init(&d);
        r = hook_run(&req, &res, &d);
        if (r < 0)
                fail_msg("--capabilities run failed: %s", d.message);
        hook_result_done(&res);
        unlink(path);

        cgroup_root = "/nonexistent/cgroup";
        unit_remove_tree(root);
}

/*
 * The whole run at point on a fake sysfs tree (libnuma gives nodes 0-1),
 * its success line in info (DIAG_LINE_MAX) when given.
 */
static int run_sysfs(const char *root, char *info, enum hook_point point, const char *spec,
        const char *memnodes, const char *doc, struct diag *d) {
        struct bitmask *saved = numa_nodes_ptr;
        char path[512], meminfo[512];
        struct hook_request req = {.spec = spec,
                .memnode_spec = memnodes,
                .point = point,
                .sysfs_root = root,
                .cgroup_root = cgroup_root,
                .run_dir = run_dir};
        struct hook_result res = {0};
        struct file_data f;
        int fd, r;

        snprintf(path, sizeof(path), "%s/dom.xml", dir);
        snprintf(meminfo, sizeof(meminfo), "%s/meminfo", root);
        req.meminfo_path = meminfo;
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t) strlen(doc));
        close(fd);
        req.domxml_path = path;

        will_return(__wrap_numa_available, 0);
        will_return(__wrap_numa_max_node, 1);
        numa_bitmask_clearall(fake_nodes);
        numa_bitmask_setbit(fake_nodes, 0);
        numa_bitmask_setbit(fake_nodes, 1);
        numa_nodes_ptr = fake_nodes;
        diag_init(d);
        r = hook_run(&req, &res, d);
        numa_nodes_ptr = saved;
        if (info)
                memcpy(info, res.info, sizeof(res.info));
        hook_result_done(&res);

        if (r < 0) {
                /* A refusal leaves the file as it was. */
                assert_int_equal(file_read(path, "x", 1 << 20, 0, &f, d), 0);
                assert_string_equal(f.data, doc);
                file_data_done(&f);
        }
        unlink(path);
        return r;
}

#define HUGE_DOC(numatune)                                                                                   \
        "<domain><memory unit='MiB'>1536</memory><memoryBacking><hugepages><page size='1048576'/>"           \
        "</hugepages></memoryBacking><vcpu>1</vcpu>" numatune "<cpu><numa><cell id='0' cpus='0' "            \
        "memory='1536' unit='MiB'/></numa></cpu></domain>"

/* A huge-page VM through the whole run: node 0 has 9 free 1 GiB pages, node 1 has 1. */
static void test_hook_checks_hugepages_at_both_points(void **state) {
        char root[] = "/tmp/test-hook-sysfs-XXXXXX", rel[256];
        struct diag d;

        (void) state;
        assert_non_null(mkdtemp(root));
        unit_write_file(root, "meminfo", "Hugepagesize:    2048 kB\n");
        unit_write_file(root, "kernel/mm/hugepages/hugepages-1048576kB/nr_overcommit_hugepages", "0\n");
        unit_write_file(root, "kernel/mm/hugepages/hugepages-1048576kB/surplus_hugepages", "0\n");
        for (int n = 0; n < 2; n++)
                for (int f = 0; f < 3; f++) {
                        static const char *const files[] = {
                                "nr_hugepages", "free_hugepages", "surplus_hugepages"};

                        snprintf(rel, sizeof(rel),
                                "devices/system/node/node%d/hugepages/hugepages-1048576kB/%s", n, files[f]);
                        unit_write_file(root, rel, f == 2 ? "0\n" : n == 0 ? "9\n" : "1\n");
                }

        /* 1.5 GiB is more than the 1 GiB MemFree of node 0, but huge pages do not come from there. */
        assert_int_equal(run_sysfs(root, NULL, HOOK_BEFORE_VM_START, "strict:0", NULL, HUGE_DOC(""), &d), 0);
        assert_int_equal(d.n_warnings, 0);

        assert_true(run_sysfs(root, NULL, HOOK_BEFORE_VM_START, "strict:1", NULL, HUGE_DOC(""), &d) < 0);
        assert_string_equal(d.message,
                "'strict:1': needs 2 free 1 GiB pages on node 1, which has 1 (node 0 has 9); reserve them in "
                "/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages or bind "
                "elsewhere");

        assert_true(run_sysfs(root, NULL, HOOK_BEFORE_VM_START, NULL, "0=strict:1", HUGE_DOC(""), &d) < 0);
        assert_contains(d.message, "numa_memnode cell 0 'strict:1': needs 2 free 1 GiB pages on node 1");

        /* A cell without id is cell 0 to libvirt, and so to the huge page check. */
        assert_true(run_sysfs(root, NULL, HOOK_BEFORE_VM_START, NULL, "0=strict:1",
                            "<domain><memory unit='MiB'>1536</memory><memoryBacking><hugepages><page "
                            "size='1048576'/></hugepages></memoryBacking><vcpu>1</vcpu><cpu><numa><cell "
                            "cpus='0' memory='1536' unit='MiB'/></numa></cpu></domain>",
                            &d) < 0);
        assert_contains(d.message, "numa_memnode cell 0 'strict:1': needs 2 free 1 GiB pages on node 1");

        /* Engine's <memnode> already in the document binds the cell, whatever 'numa' says. */
        assert_true(run_sysfs(root, NULL, HOOK_BEFORE_VM_START, "strict:0-1", NULL,
                            HUGE_DOC("<numatune><memnode cellid='0' mode='strict' nodeset='1'/></numatune>"),
                            &d) < 0);
        assert_contains(d.message, "existing <memnode cellid='0' mode='strict' nodeset='1'/>: needs 2 free 1 "
                                   "GiB pages on node 1");

        /* At the destination the incoming <memory> is held to the same rule... */
        assert_true(run_sysfs(root, NULL, HOOK_BEFORE_VM_MIGRATE_DESTINATION, NULL, NULL,
                            HUGE_DOC("<numatune><memory mode='strict' nodeset='1'/></numatune>"), &d) < 0);
        assert_contains(d.message,
                "incoming <memory mode='strict' nodeset='1'/>: needs 2 free 1 GiB pages on node 1");

        /* ...and a <memnode>'s shortfall is a warning there, as its other checks are. */
        assert_int_equal(
                run_sysfs(root, NULL, HOOK_BEFORE_VM_MIGRATE_DESTINATION, NULL, NULL,
                        HUGE_DOC("<numatune><memnode cellid='0' mode='strict' nodeset='1'/></numatune>"), &d),
                0);
        assert_int_equal(d.n_warnings, 1);
        assert_contains(d.warnings[0],
                "incoming <memnode cellid='0' mode='strict' nodeset='1'/>: needs 2 free 1 GiB");

        /* The same <memnode> with cellid=' 0', which libvirt reads as 0. */
        assert_int_equal(
                run_sysfs(root, NULL, HOOK_BEFORE_VM_MIGRATE_DESTINATION, NULL, NULL,
                        HUGE_DOC("<numatune><memnode cellid=' 0' mode='strict' nodeset='1'/></numatune>"),
                        &d),
                0);
        assert_int_equal(d.n_warnings, 1);
        assert_contains(d.warnings[0],
                "incoming <memnode cellid=' 0' mode='strict' nodeset='1'/>: needs 2 free 1 GiB");
        unit_remove_tree(root);
}

/*
 * Memory tiers through the whole run, on a fake sysfs tree: node 0 (tier 4)
 * offers 256 MiB, node 1 (tier 22, slower) 1.5 GiB; the VM has 1 GiB, the
 * small one 128 MiB. Each run gives exactly one warning or none.
 */
struct tier_case {
        const char *name;
        const char *spec;
        bool small;
        const char *info;    /* part of the success line */
        const char *warning; /* the whole one warning, NULL: none */
};

/* clang-format off */
static const struct tier_case tier_cases[] = {
        {"fit_forced_into_a_slower_tier_warns_once", "strict:fit", false,
                "set <memory mode='strict' nodeset='1'/> from 'strict:fit': node 1 offers 1.5 GiB",
                "'strict:fit': the fastest memory tier of this host cannot hold the VM's memory (1 GiB); chose "
                "node 1, in tier 22"},
        {"preferred_fit_forced_into_a_slower_tier_warns_once", "preferred:fit", false,
                "set <memory mode='preferred' nodeset='1'/> from 'preferred:fit'",
                "'preferred:fit': the fastest memory tier of this host cannot hold the VM's memory (1 GiB); "
                "chose node 1, in tier 22"},
        {"explicit_binding_to_the_slower_tier_warns_once", "strict:1", false,
                "set <memory mode='strict' nodeset='1'/> from 'strict:1'",
                "'strict:1': node 1 is in memory tier 22, slower than tier 4 (node 0) where this host has memory"},
        {"fit_in_the_fastest_tier_does_not_warn", "strict:fit", true,
                "set <memory mode='strict' nodeset='0'/> from 'strict:fit': node 0 offers 256 MiB", NULL},
};
/* clang-format on */

static void test_tier_case(void **state) {
        const struct tier_case *c = *state;
        char root[] = "/tmp/test-hook-sysfs-XXXXXX", info[DIAG_LINE_MAX];
        const char *doc = c->small ? "<domain><memory unit='MiB'>128</memory><vcpu>1</vcpu></domain>"
                                   : "<domain><memory unit='GiB'>1</memory><vcpu>1</vcpu></domain>";
        struct diag d;
        int r;

        assert_non_null(mkdtemp(root));
        unit_write_file(root, "meminfo", "Hugepagesize:    2048 kB\n");
        unit_write_file(root, "devices/system/node/node0/meminfo",
                "Node 0 MemFree:  196608 kB\nNode 0 Inactive(file):  65536 kB\n");
        unit_write_file(root, "devices/system/node/node1/meminfo",
                "Node 1 MemFree:  1048576 kB\nNode 1 Inactive(file):  524288 kB\n");
        unit_write_file(root, "devices/virtual/memory_tiering/memory_tier4/nodelist", "0\n");
        unit_write_file(root, "devices/virtual/memory_tiering/memory_tier22/nodelist", "1\n");
        r = run_sysfs(root, info, HOOK_BEFORE_VM_START, c->spec, NULL, doc, &d);
        unit_remove_tree(root);
        if (r < 0)
                fail_msg("run failed: %s", d.message);
        assert_contains(info, c->info);
        if (!c->warning && d.n_warnings != 0)
                fail_msg("unexpected warning \"%s\"", d.warnings[0]);
        if (c->warning && d.n_warnings != 1)
                fail_msg("%zu warnings, expected one: \"%s\"", d.n_warnings, c->warning);
        if (c->warning)
                assert_string_equal(d.warnings[0], c->warning);
}

/*
 * A huge page counter that cannot be read is a refusal naming the file
 * and the error, as an unreadable node meminfo is (issue 17 item 11).
 */
static void test_hook_names_the_unreadable_hugepage_file(void **state) {
        static const struct {
                const char *file, *content; /* content NULL: a directory where the file should be */
                const char *why;
        } rows[] = {
                {"free_hugepages", NULL, "Is a directory"},
                {"nr_hugepages", "", "not a number"},
                {"surplus_hugepages", "lots\n", "not a number"},
        };
        char rel[256], want[512];
        struct diag d;

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                char root[] = "/tmp/test-hook-sysfs-XXXXXX";

                assert_non_null(mkdtemp(root));
                unit_write_file(root, "meminfo", "Hugepagesize:    2048 kB\n");
                unit_write_file(
                        root, "kernel/mm/hugepages/hugepages-1048576kB/nr_overcommit_hugepages", "0\n");
                unit_write_file(root, "kernel/mm/hugepages/hugepages-1048576kB/surplus_hugepages", "0\n");
                snprintf(rel, sizeof(rel), "devices/system/node/node0/hugepages/hugepages-1048576kB/%s",
                        rows[i].file);
                if (rows[i].content)
                        unit_write_file(root, rel, rows[i].content);
                else {
                        snprintf(want, sizeof(want), "%s/x", rel);
                        unit_write_file(root, want, ""); /* rel becomes a directory */
                }
                /* fit reads every node's pool before it chooses; an explicit nodeset reads its own. */
                for (size_t j = 0; j < 2; j++) {
                        const char *spec = j == 0 ? "strict:0" : "strict:fit";

                        assert_true(run_sysfs(root, NULL, HOOK_BEFORE_VM_START, spec, NULL, HUGE_DOC(""),
                                            &d) < 0);
                        snprintf(want, sizeof(want),
                                "'%s': cannot read the 1 GiB huge pages of this host from %s/%s: %s", spec,
                                root, rel, rows[i].why);
                        assert_string_equal(d.message, want);
                }
                unit_remove_tree(root);
        }
}

/* ---- hostile sizes: every lookup by guest cell, binding and page size must be O(1) or cached ---- */

/* A growing document for the tests below. */
struct doc {
        char *p;
        size_t len, size;
};

static void doc_add(struct doc *b, const char *fmt, ...) _printf_(2, 3);
static void doc_add(struct doc *b, const char *fmt, ...) {
        va_list ap;
        int n;

        if (b->size - b->len < 4096) {
                b->size = b->size ? 2 * b->size : 1 << 20;
                b->p = realloc(b->p, b->size);
                assert_non_null(b->p);
        }
        va_start(ap, fmt);
        n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
        va_end(ap);
        assert_true(n >= 0 && (size_t) n < b->size - b->len);
        b->len += (size_t) n;
}

/*
 * Runs the hook at the migration destination on doc (against caps-2node.xml,
 * or the fake sysfs root when root is set). How fast it is on the large
 * versions of these inputs is the benchmark's (bench/hostile.py), not a
 * unit test's.
 */
static void run_doc(const char *root, const struct doc *doc, struct diag *d, int *ret) {
        char path[512], caps[512], meminfo[512];
        struct hook_request req = {
                .point = HOOK_BEFORE_VM_MIGRATE_DESTINATION, .cgroup_root = cgroup_root, .run_dir = run_dir};
        struct hook_result res = {0};
        struct bitmask *saved = numa_nodes_ptr;
        int fd;

        snprintf(path, sizeof(path), "%s/dom.xml", dir);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, doc->p, doc->len), (ssize_t) doc->len);
        close(fd);
        req.domxml_path = path;
        if (root) {
                snprintf(meminfo, sizeof(meminfo), "%s/meminfo", root);
                req.sysfs_root = root;
                req.meminfo_path = meminfo;
                will_return(__wrap_numa_available, 0);
                will_return(__wrap_numa_max_node, 1);
                numa_bitmask_clearall(fake_nodes);
                numa_bitmask_setbit(fake_nodes, 0);
                numa_bitmask_setbit(fake_nodes, 1);
                numa_nodes_ptr = fake_nodes;
        } else {
                snprintf(caps, sizeof(caps), "%s/caps-2node.xml",
                        getenv("TEST_FIXTURES") ? getenv("TEST_FIXTURES") : ".");
                req.capabilities_path = caps;
        }

        diag_init(d);
        *ret = hook_run(&req, &res, d);
        numa_nodes_ptr = saved;
        hook_result_done(&res);
        unlink(path);
}

/* 4000 <memnode cellid='0'>s, and cell 0 the last of 4000: each memnode's cell is found. */
static void test_hook_finds_cells_by_number(void **state) {
        size_t n = 4000;
        struct doc doc = {0};
        struct diag d;
        int r;

        (void) state;
        doc_add(&doc, "<domain><memory unit='MiB'>1</memory><vcpu>1</vcpu><numatune>");
        for (size_t i = 0; i < n; i++)
                doc_add(&doc, "<memnode cellid='0' mode='strict' nodeset='0'/>");
        doc_add(&doc, "</numatune><cpu><numa>");
        for (size_t i = 0; i < n; i++)
                doc_add(&doc, "<cell id='%zu' memory='1'/>", n - 1 - i);
        doc_add(&doc, "</numa></cpu></domain>");

        run_doc(NULL, &doc, &d, &r);
        free(doc.p);
        if (r < 0)
                fail_msg("failed: %s", d.message);
}

/*
 * 8000 huge-page guest cells: 4096 of them with a <memnode> on a node of
 * its own (4096 groups of pages), the rest following <memory>.
 */
static void test_hook_checks_hugepages_of_many_cells(void **state) {
        char root[] = "/tmp/test-hook-sysfs-XXXXXX", rel[256];
        size_t n = 8000;
        struct doc doc = {0};
        struct diag d;
        int r;

        (void) state;
        assert_non_null(mkdtemp(root));
        unit_write_file(root, "meminfo", "Hugepagesize:    2048 kB\n");
        unit_write_file(root, "kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages", "0\n");
        unit_write_file(root, "kernel/mm/hugepages/hugepages-2048kB/surplus_hugepages", "0\n");
        for (int node = 0; node < 2; node++)
                for (int f = 0; f < 3; f++) {
                        static const char *const files[] = {
                                "nr_hugepages", "free_hugepages", "surplus_hugepages"};

                        snprintf(rel, sizeof(rel), "devices/system/node/node%d/hugepages/hugepages-2048kB/%s",
                                node, files[f]);
                        unit_write_file(root, rel, f == 2 ? "0\n" : "1000000\n");
                }

        doc_add(&doc, "<domain><memory unit='GiB'>1</memory><memoryBacking><hugepages/></memoryBacking>"
                      "<vcpu>1</vcpu><numatune><memory mode='strict' nodeset='0'/>");
        for (size_t i = 0; i <= NODE_ID_MAX; i++)
                doc_add(&doc, "<memnode cellid='%zu' mode='strict' nodeset='%zu'/>", i, i);
        doc_add(&doc, "</numatune><cpu><numa>");
        for (size_t i = 0; i < n; i++)
                doc_add(&doc, "<cell memory='1'/>");
        doc_add(&doc, "</numa></cpu></domain>");

        run_doc(root, &doc, &d, &r);
        free(doc.p);
        unit_remove_tree(root);
        if (r < 0)
                fail_msg("failed: %s", d.message);
}

/* A long <vcpu cpuset> and 4096 guest cells, each with its <memnode>. */
static void test_hook_parses_a_long_vcpu_cpuset(void **state) {
        size_t cells = NODE_ID_MAX + 1, cpus = 10000;
        struct doc doc = {0};
        struct diag d;
        int r;

        (void) state;
        doc_add(&doc, "<domain><memory unit='MiB'>4096</memory><vcpu cpuset='0");
        for (size_t i = 1; i < cpus; i++)
                doc_add(&doc, ",0");
        doc_add(&doc, "'>%zu</vcpu><numatune><memory mode='strict' nodeset='0'/>", cells);
        for (size_t i = 0; i < cells; i++)
                doc_add(&doc, "<memnode cellid='%zu' mode='strict' nodeset='0'/>", i);
        doc_add(&doc, "</numatune><cpu><numa>");
        for (size_t i = 0; i < cells; i++)
                doc_add(&doc, "<cell cpus='%zu' memory='1' unit='MiB'/>", i);
        doc_add(&doc, "</numa></cpu></domain>");

        run_doc(NULL, &doc, &d, &r);
        free(doc.p);
        if (r < 0)
                fail_msg("failed: %s", d.message);
}

static int setup(void **state) {
        (void) state;
        fake_nodes = numa_bitmask_alloc(64);
        return mkdtemp(dir) && mkdtemp(run_dir) ? 0 : -1;
}

static int teardown(void **state) {
        (void) state;
        numa_bitmask_free(fake_nodes);
        unit_remove_tree(run_dir);
        return rmdir(dir);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_hook_case);
        UNIT_TABLE(&suite, point_cases, test_point_case);
        UNIT_TABLE(&suite, tier_cases, test_tier_case);
        UNIT_TEST(&suite, test_hook_reads_only_named_nodes);
        UNIT_TEST(&suite, test_hook_refuses_unreadable_node_memory);
        UNIT_TEST(&suite, test_hook_names_the_unreadable_hugepage_file);
        UNIT_TEST(&suite, test_hook_checks_machine_slice_on_this_host_only);
        UNIT_TEST(&suite, test_hook_checks_hugepages_at_both_points);
        UNIT_TEST(&suite, test_hook_finds_cells_by_number);
        UNIT_TEST(&suite, test_hook_checks_hugepages_of_many_cells);
        UNIT_TEST(&suite, test_hook_parses_a_long_vcpu_cpuset);
        return _cmocka_run_group_tests("hook", suite.tests, suite.n, setup, teardown);
}
