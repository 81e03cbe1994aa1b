/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "hook.h"
#include "run.h"

/*
 * The before_vm_start path: parse the properties, load the document and
 * the host, resolve, plan the insertion, check it, then commit it. Every
 * check comes before the file is touched, so a failure changes nothing.
 * Returns 0 with ret filled, or a negative errno with r->d filled.
 */
int start_run(struct run *r, struct hook_result *ret);
