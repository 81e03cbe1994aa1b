/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup libvirt starts VMs in (machine.slice): the memory nodes it lets them use. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "fileio.h"
#include "macro.h"

/* A cpuset list of up to 4096 nodes ("0,2,4,...") is at most about 20 KiB. */
#define CGROUP_FILE_MAX (32 * 1024)

/* The files to try, in order: cgroup v2, then v1's cpuset hierarchy. */
static const char *const mems_files[] = {
        "machine.slice/cpuset.mems.effective",
        "cpuset/machine.slice/cpuset.mems",
};

int cgroup_machine_mems(
        const char *root, bool *ret_found, struct nodeset *ret, char *ret_path, size_t path_size) {
        _cleanup_free_ char *buf = malloc(CGROUP_FILE_MAX);
        struct nodeset mems;

        if (!buf)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(mems_files); i++) {
                ssize_t n;

                snprintf(ret_path, path_size, "%s/%s", root, mems_files[i]);
                n = file_read_small(ret_path, buf, CGROUP_FILE_MAX);
                if (n == -ENOENT || n == -ENOTDIR)
                        continue;
                if (n < 0)
                        return (int) n;
                if (nodeset_parse_kernel(buf, &mems) < 0)
                        return -EINVAL;
                *ret = mems;
                *ret_found = true;
                return 0;
        }
        *ret_found = false;
        return 0;
}

static bool hard(const struct binding *b) {
        return b->mode == NUMA_MODE_STRICT || b->mode == NUMA_MODE_RESTRICTIVE;
}

/*
 * One binding against the allowed nodes. Returns 0 (it fits, or warned),
 * with whether the warning is a strict or restrictive misfit let through
 * for warn_only in ret_soft, or -EINVAL with d filled.
 */
static int check_one(const struct binding_entry *b, const struct nodeset *allowed, const char *allowed_s,
        const char *path, bool *ret_soft, struct diag *d) {
        _cleanup_free_ char *outside_s = NULL;
        struct nodeset outside = b->binding.nodes;
        unsigned n;

        nodeset_subtract(&outside, allowed);
        if (b->binding.placement_auto || nodeset_is_empty(&outside)) {
                *ret_soft = false;
                return 0;
        }
        n = nodeset_count(&outside);
        (void) nodeset_format(&outside, &outside_s);
        if (hard(&b->binding) && !b->warn_only)
                return diag_error(d, -EINVAL,
                        "%s: node%s %s %s outside the memory nodes VMs may use on this host (%s, in %s); the "
                        "VM's cgroup cannot have %s, so the start fails or the VM loses %s",
                        b->subject, n == 1 ? "" : "s", outside_s ? outside_s : "?", n == 1 ? "is" : "are",
                        allowed_s[0] ? allowed_s : "none", path, n == 1 ? "it" : "them",
                        n == 1 ? "it" : "them");
        diag_warn(d,
                "%s: node%s %s %s outside the memory nodes VMs may use on this host (%s, in %s); its memory "
                "will not be placed there",
                b->subject, n == 1 ? "" : "s", outside_s ? outside_s : "?", n == 1 ? "is" : "are",
                allowed_s[0] ? allowed_s : "none", path);
        *ret_soft = hard(&b->binding);
        return 0;
}

static bool has_nodes(const struct binding_list *b) {
        if (b->has_memory && !b->memory.binding.placement_auto && !nodeset_is_empty(&b->memory.binding.nodes))
                return true;
        for (size_t i = 0; i < b->n_cells; i++)
                if (!b->cells[i].binding.placement_auto && !nodeset_is_empty(&b->cells[i].binding.nodes))
                        return true;
        return false;
}

int cgroup_check(const struct binding_list *b, struct host *h, size_t *ret_n_soft, struct diag *d) {
        _cleanup_free_ char *allowed_s = NULL;
        struct nodeset allowed;
        const char *path;
        size_t n_soft = 0;
        bool found, soft;
        int r;

        if (!has_nodes(b)) {
                *ret_n_soft = 0;
                return 0;
        }
        r = host_machine_mems(h, &found, &allowed, &path);
        if (r < 0) {
                char q[DIAG_QUOTE_SIZE(256)];

                diag_quote(path, strlen(path), 256, q, sizeof(q));
                return diag_error(d, r, "cannot read the memory nodes VMs may use on this host from %s: %s",
                        q, r == -EINVAL ? "not a list of nodes" : strerror(-r));
        }
        if (!found) {
                *ret_n_soft = 0;
                return 0;
        }
        if (nodeset_format(&allowed, &allowed_s) < 0)
                return diag_error(d, -ENOMEM, "out of memory");

        if (b->has_memory) {
                r = check_one(&b->memory, &allowed, allowed_s, path, &soft, d);
                if (r < 0)
                        return r;
                n_soft += soft;
        }
        for (size_t i = 0; i < b->n_cells; i++) {
                r = check_one(&b->cells[i], &allowed, allowed_s, path, &soft, d);
                if (r < 0)
                        return r;
                n_soft += soft;
        }
        *ret_n_soft = n_soft;
        return 0;
}
