/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "diag.h"
#include "hook.h"

/*
 * The after_* hook points: the VM whose domain XML req names has started,
 * arrived, been restored or gone, so its claim leaves the ledger in
 * req->run_dir (NULL: LEDGER_RUN_DIR). Reads only the domain's <uuid>. A
 * dry run removes nothing. Returns 0, or a negative errno with d filled
 * (-LEDGER_UNAVAILABLE for the run directory); hook_run() drops both.
 */
int release_claim(const struct hook_request *req, struct diag *d);
