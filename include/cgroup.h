/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The cgroup libvirt starts VMs in (machine.slice): the memory nodes it lets them use. */

#include <stdbool.h>
#include <stddef.h>

#include "binding_list.h"
#include "diag.h"
#include "host.h"
#include "nodeset.h"

/* Where this host mounts cgroups; unit tests pass a directory of their own. */
#define CGROUP_ROOT "/sys/fs/cgroup"

/*
 * The memory nodes libvirt's VMs may use here. libvirt places every VM
 * under machine.slice (its default partition, /machine), whose cpuset
 * bounds the VM's: <root>/machine.slice/cpuset.mems.effective on cgroup
 * v2, else <root>/cpuset/machine.slice/cpuset.mems on v1. Returns 0 with
 * *ret_found set (false when neither file exists: no such cgroup yet, or
 * no cpuset controller there, so nothing narrows the VM) and, when found,
 * *ret and ret_path (the file read) filled; or a negative errno with
 * ret_path naming the file that failed.
 */
int cgroup_machine_mems(
        const char *root, bool *ret_found, struct nodeset *ret, char *ret_path, size_t path_size);

/*
 * Bindings with nodes outside those: libvirt cannot give the VM's cgroup
 * a node its parent lacks (v1: writing cpuset.mems fails, so the start
 * does; v2: the kernel leaves the node out, and QEMU's bind fails when
 * none is left). strict and restrictive are an error (a warning when
 * warn_only), preferred and interleave a warning. The host's file
 * (host_machine_mems()) is read only when some binding has nodes; another
 * host's cgroups are not known, so nothing is checked there. Returns 0
 * with how many strict or
 * restrictive bindings only warned because of warn_only in ret_n_soft, or
 * a negative errno with d filled.
 */
int cgroup_check(const struct binding_list *b, struct host *h, size_t *ret_n_soft, struct diag *d);
