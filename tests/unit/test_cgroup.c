/* SPDX-License-Identifier: GPL-2.0-or-later */
/* machine.slice's memory nodes on fake cgroup trees (v2, v1, none), and bindings judged against them. */
#include <errno.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "unit.h"

#define V2 "machine.slice/cpuset.mems.effective"
#define V1 "cpuset/machine.slice/cpuset.mems"

struct read_case {
        const char *name;
        const char *v2, *v1; /* the files' contents; NULL: absent; "/": a directory in its place */
        int ret;             /* 1, 0 or -errno */
        const char *nodes;   /* with ret 1: the set, canonical */
        const char *file;    /* the file named (read, or failed) */
};

/* clang-format off */
static const struct read_case read_cases[] = {
        {"reads_v2_effective_mems", "0-1,3\n", NULL, 1, "0-1,3", V2},
        {"reads_v1_mems", NULL, "2\n", 1, "2", V1},
        {"v2_comes_first", "1\n", "0-3\n", 1, "1", V2},
        {"none_when_neither_exists", NULL, NULL, 0, NULL, NULL},
        {"empty_v1_mems_is_no_node", NULL, "\n", 1, "", V1},
        {"garbage_is_an_error", "all\n", NULL, -EINVAL, NULL, V2},
        {"caret_is_not_the_kernel_format", "0-3,^2\n", NULL, -EINVAL, NULL, V2},
        {"unreadable_file_is_an_error", "/", NULL, -EISDIR, NULL, V2},
};
/* clang-format on */

static void make_file(const char *root, const char *rel, const char *content) {
        char path[4096];

        if (!content)
                return;
        if (strcmp(content, "/") != 0) {
                unit_write_file(root, rel, content);
                return;
        }
        unit_write_file(root, rel, "");
        snprintf(path, sizeof(path), "%s/%s", root, rel);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(mkdir(path, 0700), 0);
}

static void test_read_case(void **state) {
        const struct read_case *c = *state;
        char root[] = "/tmp/test-cgroup-XXXXXX", path[4096];
        _cleanup_free_ char *nodes = NULL;
        struct nodeset s;
        bool found = false;
        int r;

        assert_non_null(mkdtemp(root));
        make_file(root, V2, c->v2);
        make_file(root, V1, c->v1);
        r = cgroup_machine_mems(root, &found, &s, path, sizeof(path));
        /* The rows' ret: 1 found, 0 not found, or the error. */
        if (r == 0)
                r = found;
        assert_int_equal(r, c->ret);
        if (c->file)
                assert_contains(path, c->file);
        if (r == 1) {
                assert_int_equal(nodeset_format(&s, &nodes), 0);
                assert_string_equal(nodes, c->nodes);
        }
        unit_remove_tree(root);
}

struct check_case {
        const char *name;
        const char *allowed; /* v2 effective mems; NULL: no cgroup file */
        enum numa_mode mode;
        const char *nodes; /* NULL: placement='auto' */
        bool warn_only;
        const char *cell_nodes; /* a strict <memnode> for cell 0 besides; NULL: none */
        int ret;                /* 0, 1 (warned for warn_only) or -EINVAL */
        const char *message;    /* the error, or the one warning; NULL: silent */
};

/* clang-format off */
static const struct check_case check_cases[] = {
        {"strict_inside_is_silent", "0,2-3", NUMA_MODE_STRICT, "0,2", false, NULL, 0, NULL},
        {"strict_outside_is_refused", "0,2-3", NUMA_MODE_STRICT, "0-1", false, NULL, -EINVAL,
                "'x': node 1 is outside the memory nodes VMs may use on this host (0,2-3, in "},
        {"restrictive_outside_is_refused", "0", NUMA_MODE_RESTRICTIVE, "1-2", false, NULL, -EINVAL,
                "'x': nodes 1-2 are outside the memory nodes VMs may use on this host (0, in "},
        {"strict_warn_only_warns", "0", NUMA_MODE_STRICT, "1", true, NULL, 1,
                "'x': node 1 is outside the memory nodes VMs may use on this host (0, in "},
        {"preferred_outside_warns", "0", NUMA_MODE_PREFERRED, "1", false, NULL, 0,
                "'x': node 1 is outside the memory nodes VMs may use on this host (0, in "},
        {"interleave_outside_warns", "0-1", NUMA_MODE_INTERLEAVE, "0-3", false, NULL, 0,
                "'x': nodes 2-3 are outside"},
        {"auto_placement_is_not_judged", "0", NUMA_MODE_STRICT, NULL, false, NULL, 0, NULL},
        {"no_cgroup_file_no_check", NULL, NUMA_MODE_STRICT, "5", false, NULL, 0, NULL},
        {"memnode_outside_is_refused", "0-1", NUMA_MODE_STRICT, "0", false, "3", -EINVAL,
                "'cell': node 3 is outside"},
        {"empty_v1_mems_refuses_any_node", "", NUMA_MODE_STRICT, "0", false, NULL, -EINVAL,
                "'x': node 0 is outside the memory nodes VMs may use on this host (none, in "},
};
/* clang-format on */

static void test_check_case(void **state) {
        const struct check_case *c = *state;
        char root[] = "/tmp/test-cgroup-XXXXXX";
        struct binding_entry cell = {.binding = {.cell = 0, .mode = NUMA_MODE_STRICT}, .subject = "'cell'"};
        struct binding_list b = {.has_memory = true,
                .memory = {.binding = {.cell = BINDING_VM, .mode = c->mode}, .subject = "'x'"}};
        size_t n_soft = 0;
        struct host h = {.cgroup_root = root};
        struct diag d;
        int r;

        assert_non_null(mkdtemp(root));
        if (c->allowed) {
                char content[64];

                snprintf(content, sizeof(content), "%s\n", c->allowed);
                unit_write_file(root, c->allowed[0] ? V2 : V1, content);
        }
        b.memory.warn_only = c->warn_only;
        b.memory.binding.placement_auto = !c->nodes;
        if (c->nodes)
                assert_int_equal(nodeset_parse_libvirt(c->nodes, &b.memory.binding.nodes), 0);
        if (c->cell_nodes) {
                assert_int_equal(nodeset_parse_libvirt(c->cell_nodes, &cell.binding.nodes), 0);
                b.cells = &cell;
                b.n_cells = 1;
        }

        diag_init(&d);
        r = cgroup_check(&b, &h, &n_soft, &d);
        assert_int_equal(r < 0 ? r : (int) n_soft, c->ret);
        if (r < 0) {
                assert_contains(d.message, c->message);
                assert_contains(d.message, root);
        } else if (c->message) {
                assert_int_equal(d.n_warnings, 1);
                assert_contains(d.warnings[0], c->message);
        } else
                assert_int_equal(d.n_warnings, 0);
        unit_remove_tree(root);
}

/* No binding with nodes: the file is not even read (a broken one would be an error). */
static void test_check_reads_nothing_without_nodes(void **state) {
        char root[] = "/tmp/test-cgroup-XXXXXX";
        struct binding_list b = {0};
        struct host h = {.cgroup_root = root};
        size_t n_soft;
        struct diag d;

        (void) state;
        assert_non_null(mkdtemp(root));
        unit_write_file(root, V2, "garbage\n");
        diag_init(&d);
        assert_int_equal(cgroup_check(&b, &h, &n_soft, &d), 0);
        b.has_memory = true;
        b.memory = (struct binding_entry){
                .binding = {.cell = BINDING_VM, .mode = NUMA_MODE_STRICT, .placement_auto = true}};
        assert_int_equal(cgroup_check(&b, &h, &n_soft, &d), 0);
        assert_int_equal(d.n_warnings, 0);
        unit_remove_tree(root);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, read_cases, test_read_case);
        UNIT_TABLE(&suite, check_cases, test_check_case);
        UNIT_TEST(&suite, test_check_reads_nothing_without_nodes);
        return UNIT_RUN(&suite, "cgroup");
}
