/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ledger.h"
#include "nodeset.h"
#include "uuid.h"

struct host;
struct binding_list;
struct domxml_facts;

/*
 * The claims one run sees and makes: what other VMs starting now hold of
 * each node's offer (subtracted wherever free memory or free huge pages are
 * read), and what this VM is admitted to, recorded as its claim. The
 * ledger's lock is held from claims_open() to claims_commit(): one
 * decision, so concurrent runs serialise and each sees the others' claims.
 */

/* What this VM needs on a set of nodes: bytes of normal memory (page_kib 0) or pages of page_kib. */
struct claim_need {
        uint64_t page_kib;
        struct nodeset nodes;
        uint64_t amount;
};

struct claims {
        bool open;                   /* the ledger is open and locked: others' claims count */
        bool record;                 /* this run records its claim (not a dry run, and the VM has a uuid) */
        bool recorded;               /* claims_commit() recorded it */
        const char *run_dir;         /* the ledger's directory, for claims_withdraw() */
        char uuid[UUID_STRING_SIZE]; /* this VM's, canonical; "" when it has none */
        struct ledger ledger;
        size_t n_needs;
        struct claim_need *needs;
};

/*
 * Opens the ledger for a run on this host: none with capabilities (another
 * host's topology: neither read nor recorded). The VM's own <uuid> is read
 * from the domain XML in buf; its earlier claim never counts against it.
 * dry_run reads the claims but will record none. A ledger that cannot be
 * used (no run directory, not writable, its lock not had in time) is one
 * warning in d, and the run goes on without claims. Returns 0 or -ENOMEM.
 */
int claims_open(struct claims *c, const char *run_dir, bool capabilities, bool dry_run, const char *buf,
        size_t len, struct diag *d);

/*
 * What VMs other than this one claim on node in pages of page_kib (0:
 * bytes of normal memory), and in *ret_uuid (when given) the first
 * claimant's uuid, or NULL. 0 for c NULL or a ledger not open. The one
 * question placement asks of the claims.
 */
uint64_t claims_on(const struct claims *c, unsigned node, uint64_t page_kib, const char **ret_uuid);

/*
 * For a message about nodes: ", of which 24 are claimed by a VM starting
 * now (uuid ...)" (pages of page_kib; page_kib 0: "of which 1 GiB is"),
 * or "" when nothing there is claimed. Returns how much is claimed there.
 */
uint64_t claims_describe(
        const struct claims *c, const struct nodeset *nodes, uint64_t page_kib, char *buf, size_t size);

/* have less claimed, never below 0: what a node offers. */
static inline uint64_t claims_offer(uint64_t have, uint64_t claimed) {
        return have > claimed ? have - claimed : 0;
}

/*
 * Adds amount (bytes, or pages of page_kib) that the VM needs on nodes;
 * needs with the same page size and nodes add up. Nothing for c NULL.
 * Returns 0 or -ENOMEM.
 */
int claims_need(struct claims *c, uint64_t page_kib, const struct nodeset *nodes, uint64_t amount);

/*
 * The normal memory of a VM without huge pages, part by part (its guest
 * cells, or all of it), on the nodes each part is bound to. Unbound memory
 * and automatic placement claim nothing. Returns 0 or -ENOMEM.
 */
int claims_need_memory(struct claims *c, const struct domxml_facts *f, const struct binding_list *b);

/*
 * The claim rule: amount spread over n nodes in the order given (ascending
 * ids), each taking what it offers until the amount is covered. What no
 * node offers is not claimed, so a claim never holds more than the VM
 * needs nor more than a node offered. ret_shares[i] is node i's share.
 * Returns the total claimed. Public for test_claims.c: it tables the rule
 * on its own, with no ledger or host behind it.
 */
uint64_t claims_split(uint64_t amount, const uint64_t *offers, size_t n, uint64_t *ret_shares);

/*
 * Records the VM's claim (its needs split by claims_split() against what
 * each node offers less the others' claims and its own earlier needs) and
 * closes the ledger. Nothing recorded for a dry run, a VM without a uuid,
 * or a claim of nothing; a write that fails is a warning. Returns 0 or a
 * negative errno (-ENOMEM, or one reading the host's huge pages).
 */
int claims_commit(struct claims *c, struct host *h, struct diag *d);

/*
 * Removes the claim claims_commit() recorded, when what came after it
 * failed (the domain XML could not be written, so the VM will not start):
 * the claim must not hold the memory until it expires. Best effort and
 * silent, as at the after_* points.
 */
void claims_withdraw(struct claims *c);

void claims_done(struct claims *c);
