/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole run in-process, on temporary files; libnuma is wrapped. */
#include <errno.h>
#include <fcntl.h>
#include <numa.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "hook.h"
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

long long __wrap_numa_node_size64(int node, long long *freep) {
        (void) node;
        *freep = 1LL << 30;
        return 2LL << 30;
}

#define DOC "<domain type='kvm'>\n  <memory unit='MiB'>512</memory>\n  <vcpu>1</vcpu>\n</domain>\n"
#define DOC_OUT                                                                                              \
        "<domain type='kvm'>\n  <memory unit='MiB'>512</memory>\n  <vcpu>1</vcpu>\n"                         \
        "  <numatune>\n    <memory mode='strict' nodeset='1'/>\n  </numatune>\n</domain>\n"

enum topo { CAPS_2NODE, LIBNUMA_2NODE, LIBNUMA_NONE };

struct hook_case {
        const char *name;
        const char *spec; /* NULL: the property is unset */
        const char *doc;  /* NULL: no file, _hook_domxml unset */
        enum topo topo;
        bool dry_run;
        const char *error; /* part of the message, or NULL */
        const char *after; /* the file afterwards (NULL: as before) */
        const char *info;  /* part of the success line */
};

/* clang-format off */
static const struct hook_case cases[] = {
        {"no_property_changes_nothing", NULL, DOC, CAPS_2NODE, false, NULL, NULL, NULL},
        {"no_property_without_file_is_fine", NULL, NULL, CAPS_2NODE, false, NULL, NULL, NULL},
        {"writes_numatune", "strict:1", DOC, CAPS_2NODE, false, NULL, DOC_OUT, "set <memory mode='strict' nodeset='1'/> from 'strict:1'"},
        {"second_run_is_noop", "strict:1", DOC_OUT, CAPS_2NODE, false, NULL, NULL, "already in the domain XML"},
        {"dry_run_leaves_file", "strict:1", DOC, CAPS_2NODE, true, NULL, NULL, "set <memory"},
        {"resolves_exclusion_with_libnuma", "strict:^0", DOC, LIBNUMA_2NODE, false, NULL, DOC_OUT, "from 'strict:^0'"},
        {"bad_spec_fails_before_the_file", "strict:x", NULL, CAPS_2NODE, false, "invalid value 'strict:x'", NULL, NULL},
        {"needs_hook_domxml", "strict:1", NULL, CAPS_2NODE, false, "_hook_domxml is not set", NULL, NULL},
        {"missing_node_leaves_file", "strict:7", DOC, CAPS_2NODE, false, "node 7 does not exist", NULL, NULL},
        {"numa_unavailable_leaves_file", "strict:0", DOC, LIBNUMA_NONE, false, "NUMA is not available", NULL, NULL},
        {"invalid_vm_memory_leaves_file", "strict:0",
                "<domain><memory unit='parsec'>1</memory></domain>", CAPS_2NODE, false,
                "invalid <memory unit='parsec'>1</memory>", NULL, NULL},
        {"vm_too_large_leaves_file", "strict:0",
                "<domain><memory unit='GiB'>64</memory><vcpu>1</vcpu></domain>", CAPS_2NODE, false,
                "larger than all memory of node 0", NULL, NULL},
        {"broken_xml_leaves_file", "strict:0", "<domain>", CAPS_2NODE, false, "not well-formed", NULL, NULL},
};
/* clang-format on */

static char dir[] = "/tmp/test-hook-XXXXXX";
static struct bitmask *fake_nodes;

static void test_hook_case(void **state) {
        const struct hook_case *c = *state;
        struct bitmask *saved = numa_nodes_ptr;
        char path[512], caps[512];
        struct hook_request req = {.spec = c->spec, .dry_run = c->dry_run};
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
        if (c->topo == CAPS_2NODE)
                req.capabilities_path = caps;
        else if (c->spec && c->doc && !strstr(c->spec, "x")) {
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
                assert_contains(d.message, c->error);
        } else {
                if (r < 0)
                        fail_msg("run failed: %s", d.message);
                if (c->info)
                        assert_contains(res.info, c->info);
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

static int setup(void **state) {
        (void) state;
        fake_nodes = numa_bitmask_alloc(64);
        return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
        (void) state;
        numa_bitmask_free(fake_nodes);
        return rmdir(dir);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, cases, test_hook_case);
        return _cmocka_run_group_tests("hook", suite.tests, suite.n, setup, teardown);
}
