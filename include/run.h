/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "claims.h"
#include "diag.h"
#include "domxml.h"
#include "fileio.h"
#include "hook.h"
#include "nodeset.h"
#include "resolve.h"
#include "host.h"

/*
 * Everything one run holds, released in one place (hook.c). hook.c loads
 * it; start.c and incoming.c, the two paths a run takes, read it.
 */
struct run {
        const struct hook_request *req;
        struct diag *d;
        struct file_data file;
        struct domxml_facts facts;
        struct host host;
        struct vm_facts vm;
        struct claims claims; /* the ledger, locked from run_open_claims() until claims_commit() */
};

/* Reads and scans the domain XML into r->file, r->facts and r->vm. Returns 0 or a negative errno. */
int run_load(struct run *r, unsigned file_flags);

/*
 * Opens the claims ledger (this host only) before the host's free memory
 * is read, so that reading the offers, deciding and recording the claim
 * happen under its one lock. Returns 0 or -ENOMEM.
 */
int run_open_claims(struct run *r);

/*
 * The host into r->host, with only `only`'s memory read (NULL: all
 * nodes'). From capabilities XML, a huge-page VM's pages come in the same
 * pass. Returns 0 or a negative errno.
 */
int run_load_host(struct run *r, const struct nodeset *only);

/*
 * The guest cell's memory as the facts for a memnode check; an error if
 * the cell is not there. label holds the name the facts point to.
 * Returns 0 or -EINVAL with r->d filled.
 */
int run_cell_facts(const struct run *r, unsigned cell, const char *subject, struct vm_facts *ret_facts,
        char *label, size_t label_size);
