/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "hook.h"
#include "run.h"

/*
 * The check-only path at the migration destination and before a restore
 * (dehibernate): the <numatune> another host resolved, checked against
 * this one; the file is never written. Returns 0 with ret's info set, or
 * a negative errno with r->d filled.
 */
int incoming_run(struct run *r, struct hook_result *ret);
