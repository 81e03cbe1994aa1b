/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "binding_list.h"
#include "diag.h"
#include "host.h"

/*
 * One warning for each strict, restrictive or preferred binding of b (the
 * VM's <memory>, a cell's <memnode>; interleave spreads on purpose, and
 * automatic placement has no nodes) whose nodes with memory all lie in a
 * slower memory tier than the fastest one where the host has memory: far
 * memory (CXL, HMAT's slow nodes) bound on purpose is fine, by accident it
 * costs the VM its speed. None for a binding fit chose (fit_chosen): fit
 * warns itself when it must take a slower tier. Never an error, at any hook point: libvirt
 * applies the binding as it is, so the admin learns of it either way. The
 * tiers are read only when a binding leaves out some node, so they can
 * matter; tiers the kernel does not give (another host, a kernel before
 * 6.1) mean one tier and no warning, and tiers that cannot be read are one
 * warning saying so.
 */
void tiers_check(const struct binding_list *b, struct host *h, struct diag *d);
