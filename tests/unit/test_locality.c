/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU-to-node mapping, vCPU pinning, and the locality warnings on a fake sysfs tree. */
#include "locality.h"
#include "unit.h"

#define GIB (1ULL << 30)

/* Node 0 owns CPUs 0-1, node 1 CPUs 2-3. */
static struct topology topo;
static char root[] = "/tmp/test-locality-XXXXXX";

struct cpu_nodes_case {
        const char *name;
        const char *cpus;
        const char *want;
};

static const struct cpu_nodes_case cpu_nodes_cases[] = {
        {"cpu_nodes_one_node", "0-1", "0"},
        {"cpu_nodes_other_node", "3", "1"},
        {"cpu_nodes_both", "1-2", "0-1"},
        {"cpu_nodes_unknown_cpu", "9", ""},
};

static void test_cpu_nodes_case(void **state) {
        const struct cpu_nodes_case *c = *state;
        _cleanup_free_ char *got = NULL;
        struct nodeset cpus, nodes;

        assert_int_equal(nodeset_parse_libvirt(c->cpus, &cpus), 0);
        locality_cpu_nodes(&topo, &cpus, &nodes);
        assert_int_equal(nodeset_format(&nodes, &got), 0);
        assert_string_equal(got, c->want);
}

struct vcpu_cpus_case {
        const char *name;
        const char *doc;
        const char *vcpus;
        int want_r;
        const char *want; /* when want_r == 1 */
};

/* clang-format off */
static const struct vcpu_cpus_case vcpu_cpus_cases[] = {
        {"vcpu_cpus_from_vcpupin", "<domain><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='3'/></cputune></domain>", "0-1", 1, "1,3"},
        {"vcpu_cpus_from_vcpu_cpuset", "<domain><vcpu cpuset='2-3,^3'>2</vcpu></domain>", "0-1", 1, "2"},
        {"vcpu_cpus_vcpupin_beats_cpuset", "<domain><vcpu cpuset='0'>2</vcpu><cputune><vcpupin vcpu='1' cpuset='3'/></cputune></domain>", "0-1", 1, "0,3"},
        {"vcpu_cpus_unpinned_vcpu", "<domain><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/></cputune></domain>", "0-1", 0, NULL},
        {"vcpu_cpus_bad_cpuset", "<domain><vcpu cpuset='x'>2</vcpu></domain>", "0", -EINVAL, NULL},
};
/* clang-format on */

static void test_vcpu_cpus_case(void **state) {
        const struct vcpu_cpus_case *c = *state;
        _cleanup_free_ char *got = NULL;
        struct nodeset vcpus, cpus;
        struct domxml_facts f;
        struct diag d;
        bool pinned = false;
        int r;

        diag_init(&d);
        assert_int_equal(domxml_scan(c->doc, strlen(c->doc), &f, &d), 0);
        assert_int_equal(nodeset_parse_libvirt(c->vcpus, &vcpus), 0);
        r = locality_vcpu_cpus(&f.placement, &vcpus, &pinned, &cpus);
        domxml_facts_done(&f);
        /* The rows' want_r: 1 all pinned, 0 one is not, or the error. */
        if (r == 0)
                r = pinned;
        assert_int_equal(r, c->want_r);
        if (r == 1) {
                assert_int_equal(nodeset_format(&cpus, &got), 0);
                assert_string_equal(got, c->want);
        }
}

struct check_case {
        const char *name;
        const char *doc;
        const char *memory;   /* the <memory> binding's nodes; NULL: none; "auto": numad */
        const char *cells[2]; /* memnode nodes for guest cells 0 and 1; NULL: none */
        bool pci;             /* look at PCI devices (this host) */
        const char *warnings[3];
};

#define PINNED(pins) "<domain><vcpu>4</vcpu><cputune>" pins "</cputune></domain>"
#define ON_NODE0                                                                                             \
        "<vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='1' cpuset='1'/><vcpupin vcpu='2' "                     \
        "cpuset='0'/><vcpupin vcpu='3' cpuset='1'/>"
#define HOSTDEV(d, b, s, f)                                                                                  \
        "<hostdev mode='subsystem' type='pci'><source><address domain='" d "' bus='" b "' slot='" s          \
        "' function='" f "'/></source><address type='pci' domain='0x0000' bus='0x07' slot='0x00' "           \
        "function='0x0'/></hostdev>"
#define DEVICES(x) "<domain><vcpu>1</vcpu><devices>" x "</devices></domain>"
#define VNUMA                                                                                                \
        "<domain><vcpu>4</vcpu><cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='2'/>"        \
        "<vcpupin vcpu='2' cpuset='3'/><vcpupin vcpu='3' cpuset='3'/></cputune><cpu><numa><cell id='0' "     \
        "cpus='0-1' memory='1' unit='GiB'/><cell id='1' cpus='2-3' memory='1' "                              \
        "unit='GiB'/></numa></cpu></domain>"

/* clang-format off */
static const struct check_case check_cases[] = {
        {"vcpus_on_other_node_warn", PINNED(ON_NODE0), "1", {NULL}, false,
                {"vCPUs 0-3 run on node 0 but memory is bound to node 1: every access is remote"}},
        {"vcpus_on_memory_node_are_fine", PINNED(ON_NODE0), "0", {NULL}, false, {NULL}},
        {"vcpus_partly_local_are_fine", PINNED("<vcpupin vcpu='0' cpuset='1-2'/><vcpupin vcpu='1' cpuset='0'/><vcpupin vcpu='2' cpuset='0'/><vcpupin vcpu='3' cpuset='0'/>"),
                "1", {NULL}, false, {NULL}},
        {"vcpus_memory_on_several_nodes", PINNED(ON_NODE0), "0-1", {NULL}, false, {NULL}},
        {"vcpu_cpuset_counts", "<domain><vcpu cpuset='2-3'>2</vcpu></domain>", "0", {NULL}, false,
                {"vCPUs 0-1 run on node 1 but memory is bound to node 0: every access is remote"}},
        {"one_vcpu_reads_singular", "<domain><vcpu cpuset='3'>\n  1\n</vcpu></domain>", "0", {NULL}, false,
                {"vCPU 0 runs on node 1 but memory is bound to node 0: every access is remote"}},
        {"an_unpinned_vcpu_silences", PINNED("<vcpupin vcpu='0' cpuset='0'/>"), "1", {NULL}, false, {NULL}},
        {"auto_placement_silences", PINNED(ON_NODE0), "auto", {NULL}, false, {NULL}},
        {"guest_cells_against_their_memnodes", VNUMA, NULL, {"0", "1"}, false,
                {"guest cell 0's vCPUs 0-1 run on node 1 but its memory is bound to node 0: every access is remote"}},
        {"guest_cells_without_id_are_numbered_by_position",
                "<domain><vcpu>4</vcpu><cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='2'/>"
                "<vcpupin vcpu='2' cpuset='3'/><vcpupin vcpu='3' cpuset='3'/></cputune><cpu><numa><cell "
                "cpus='0-1' memory='1' unit='GiB'/><cell cpus='2-3' memory='1' unit='GiB'/></numa></cpu></domain>",
                NULL, {"0", "1"}, false,
                {"guest cell 0's vCPUs 0-1 run on node 1 but its memory is bound to node 0: every access is remote"}},
        {"guest_cell_ids_are_read_as_libvirt_reads_them",
                "<domain><vcpu>4</vcpu><cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='2'/>"
                "<vcpupin vcpu='2' cpuset='3'/><vcpupin vcpu='3' cpuset='3'/></cputune><cpu><numa><cell id=' 1' "
                "cpus='2-3' memory='1' unit='GiB'/><cell id='+0' cpus='0-1' memory='1' unit='GiB'/></numa></cpu>"
                "</domain>",
                NULL, {"0", "1"}, false,
                {"guest cell 0's vCPUs 0-1 run on node 1 but its memory is bound to node 0: every access is remote"}},
        {"guest_cells_of_a_second_numa_are_not_cells", /* libvirt reads the first <numa> only */
                "<domain><vcpu>6</vcpu><cputune><vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='1' cpuset='0'/>"
                "<vcpupin vcpu='2' cpuset='2'/><vcpupin vcpu='3' cpuset='2'/><vcpupin vcpu='4' cpuset='0'/>"
                "<vcpupin vcpu='5' cpuset='0'/></cputune><cpu><numa><cell id='0' cpus='0-1' memory='1' unit='GiB'/>"
                "<cell id='1' cpus='2-3' memory='1' unit='GiB'/></numa><numa><cell id='1' cpus='4-5' memory='1' "
                "unit='GiB'/></numa></cpu></domain>",
                NULL, {"0", "1"}, false, {NULL}},
        {"guest_cells_without_memnode_use_memory", VNUMA, "0", {NULL, "1"}, false,
                {"vCPUs 0-1 run on node 1 but memory is bound to node 0: every access is remote"}},
        {"emulator_threads_warn", "<domain><vcpu>1</vcpu><cputune><emulatorpin cpuset='2-3'/></cputune></domain>",
                "0", {NULL}, false, {"emulator threads run on node 1 but memory is bound to node 0: every access is remote"}},
        {"pci_device_on_other_node_warns", DEVICES(HOSTDEV("0x0000", "0x3b", "0x00", "0x0")), "0", {NULL}, true,
                {"PCI device 0000:3b:00.0 is on node 1 but memory is bound to node 0: its DMA is remote"}},
        {"pci_device_decimal_address", DEVICES(HOSTDEV("0", "59", "0", "0")), "0", {NULL}, true,
                {"PCI device 0000:3b:00.0 is on node 1 but memory is bound to node 0: its DMA is remote"}},
        {"pci_device_on_memory_node_is_fine", DEVICES(HOSTDEV("0x0000", "0x3b", "0x00", "0x0")), "1", {NULL}, true, {NULL}},
        {"pci_device_of_unknown_node_is_fine", DEVICES(HOSTDEV("0x0000", "0x3c", "0x00", "0x0")), "0", {NULL}, true, {NULL}},
        {"pci_device_absent_here_is_fine", DEVICES(HOSTDEV("0x0000", "0x5e", "0x00", "0x0")), "0", {NULL}, true, {NULL}},
        {"pci_skipped_for_another_host", DEVICES(HOSTDEV("0x0000", "0x3b", "0x00", "0x0")), "0", {NULL}, false, {NULL}},
        {"pci_skipped_when_memory_is_partly_unbound", "<domain><vcpu>1</vcpu><cpu><numa><cell id='0' memory='1'/><cell id='1' memory='1'/></numa></cpu><devices>"
                HOSTDEV("0x0000", "0x3b", "0x00", "0x0") "</devices></domain>", NULL, {"0", NULL}, true, {NULL}},
        {"pci_with_memnodes_everywhere", "<domain><vcpu>1</vcpu><cpu><numa><cell id='0' memory='1'/><cell id='1' memory='1'/></numa></cpu><devices>"
                HOSTDEV("0x0000", "0x3b", "0x00", "0x0") "</devices></domain>", NULL, {"0", "0"}, true,
                {"PCI device 0000:3b:00.0 is on node 1 but memory is bound to node 0: its DMA is remote"}},
        {"pci_with_memnodes_on_cells_without_id", "<domain><vcpu>1</vcpu><cpu><numa><cell memory='1'/><cell memory='1'/></numa></cpu><devices>"
                HOSTDEV("0x0000", "0x3b", "0x00", "0x0") "</devices></domain>", NULL, {"0", "0"}, true,
                {"PCI device 0000:3b:00.0 is on node 1 but memory is bound to node 0: its DMA is remote"}},
        {"pci_device_named_twice_warns_once", /* looked up once per address, however written */
                DEVICES(HOSTDEV("0x0000", "0x3b", "0x00", "0x0") HOSTDEV("0", "59", "0", "0") HOSTDEV("0x0000", "0x3b", "0x00", "0x0")),
                "0", {NULL}, true, {"PCI device 0000:3b:00.0 is on node 1 but memory is bound to node 0: its DMA is remote"}},
        {"pci_devices_warn_in_document_order",
                DEVICES(HOSTDEV("0x0000", "0x5f", "0x01", "0x2") HOSTDEV("0x0000", "0x3c", "0x00", "0x0") HOSTDEV("0x0000", "0x3b", "0x00", "0x0")
                        HOSTDEV("0x0000", "0x5f", "0x01", "0x2")),
                "0", {NULL}, true,
                {"PCI device 0000:5f:01.2 is on node 1 but memory is bound to node 0: its DMA is remote",
                        "PCI device 0000:3b:00.0 is on node 1 but memory is bound to node 0: its DMA is remote"}},
        {"hostdev_of_other_type_ignored", DEVICES("<hostdev mode='subsystem' type='usb'><source><address bus='0x3b' device='1'/></source></hostdev>"),
                "0", {NULL}, true, {NULL}},
};
/* clang-format on */

static void test_check_case(void **state) {
        const struct check_case *c = *state;
        struct binding_entry cells[2];
        struct binding_list b = {.cells = cells};
        /* PCI devices are known on this host (a sysfs), not on another. */
        struct host h = {.topo = topo, .sysfs = c->pci ? root : NULL};
        struct domxml_facts f;
        struct diag d;
        size_t want = 0;

        if (c->memory) {
                b.has_memory = true;
                b.memory = (struct binding_entry){.binding = {.cell = BINDING_VM, .mode = NUMA_MODE_STRICT}};
                if (strcmp(c->memory, "auto") == 0)
                        b.memory.binding.placement_auto = true;
                else
                        assert_int_equal(nodeset_parse_libvirt(c->memory, &b.memory.binding.nodes), 0);
        }
        for (long i = 0; i < 2; i++)
                if (c->cells[i]) {
                        struct binding_entry *x = &cells[b.n_cells++];

                        *x = (struct binding_entry){.binding = {.cell = i, .mode = NUMA_MODE_STRICT}};
                        assert_int_equal(nodeset_parse_libvirt(c->cells[i], &x->binding.nodes), 0);
                        nodeset_add(&b.bound, (unsigned) i);
                }

        diag_init(&d);
        assert_int_equal(domxml_scan(c->doc, strlen(c->doc), &f, &d), 0);
        locality_check(&f, &b, &h, &d);
        domxml_facts_done(&f);

        for (want = 0; want < 3 && c->warnings[want]; want++)
                ;
        if (d.n_warnings != want)
                fail_msg("%zu warnings, expected %zu; first: \"%s\"", d.n_warnings, want,
                        d.n_warnings ? d.warnings[0] : "");
        for (size_t i = 0; i < want; i++)
                assert_string_equal(d.warnings[i], c->warnings[i]);
}

static int setup(void **state) {
        (void) state;
        if (!mkdtemp(root))
                return -1;
        unit_write_file(root, "bus/pci/devices/0000:3b:00.0/numa_node", "1\n");
        unit_write_file(root, "bus/pci/devices/0000:3c:00.0/numa_node", "-1\n");
        unit_write_file(root, "bus/pci/devices/0000:5f:01.2/numa_node", "1\n");
        if (topology_add_node(&topo, 0, GIB, 0, strdup("0-1")) < 0 ||
                topology_add_node(&topo, 1, GIB, 0, strdup("2-3")) < 0)
                return -1;
        return 0;
}

static int teardown(void **state) {
        (void) state;
        topology_done(&topo);
        unit_remove_tree(root);
        return 0;
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cpu_nodes_cases, test_cpu_nodes_case);
        UNIT_TABLE(&suite, vcpu_cpus_cases, test_vcpu_cpus_case);
        UNIT_TABLE(&suite, check_cases, test_check_case);
        return _cmocka_run_group_tests("locality", suite.tests, suite.n, setup, teardown);
}
