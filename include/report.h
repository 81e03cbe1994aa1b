/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "diag.h"

/*
 * --topology: prints the host as the hook sees it (each node's memory,
 * free memory and CPUs, then its huge pages per size) to standard output,
 * read from this host or, with capabilities_path, from another host's
 * `virsh capabilities` XML. Returns 0 or a negative errno with d filled.
 */
int report_topology(const char *capabilities_path, struct diag *d);
