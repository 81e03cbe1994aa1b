/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"
#include "uuid.h"

/*
 * The claims ledger: what the hook admitted for VMs whose start has not
 * finished yet, so that concurrent starts do not count the same free
 * memory twice. It lives in a run directory that the package creates
 * (tmpfiles.d, owner vdsm:kvm); the hook never creates the directory.
 */

/* Where the ledger lives unless --run-dir or LEDGER_RUN_DIR_ENV says otherwise. */
#define LEDGER_RUN_DIR     "/run/vdsm-hook-numa"
#define LEDGER_RUN_DIR_ENV "VDSM_HOOK_NUMA_RUN_DIR"
/* The files in it: the claims, and the lock file whose flock() serialises the runs (the claims file is
 * replaced by a rename, so it cannot carry the lock itself). */
#define LEDGER_FILE      "claims"
#define LEDGER_LOCK_FILE "claims.lock"
#define LEDGER_TEMP_FILE "claims.tmp"

/* A claim older than this is dropped: its VM's start has finished or failed by then, or its hook died. */
#define LEDGER_CLAIM_TTL_S 120
/* How long a run waits for another run's lock, in ms: they hold it for one decision, milliseconds. */
#define LEDGER_LOCK_WAIT_MS 3000
/* Bounds: a host starts at most a few hundred VMs within LEDGER_CLAIM_TTL_S, and a claim holds one item
 * per node and page size, so a file beyond these is not ours to trust. */
#define LEDGER_CLAIMS_MAX      256
#define LEDGER_CLAIM_ITEMS_MAX 128
#define LEDGER_FILE_MAX        (1024 * 1024)

/*
 * The one error code for a ledger that cannot be used (no run directory,
 * not writable, lock not had in time, a write that failed): the caller
 * warns and goes on without claims, it never fails a start for it. d's
 * message says what happened.
 */
#define LEDGER_UNAVAILABLE ENOLCK

/* Admitted on one host node: bytes of normal memory (page_kib 0), or that many pages of page_kib KiB. */
struct ledger_item {
        unsigned node;
        uint64_t page_kib;
        uint64_t amount;
};

struct ledger_claim {
        char uuid[UUID_STRING_SIZE]; /* canonical */
        int64_t since;               /* CLOCK_BOOTTIME seconds when it was recorded */
        size_t n_items;
        struct ledger_item *items;
};

/* An open ledger: its lock held, its live claims read. */
struct ledger {
        bool held;           /* the descriptors below are ours to close (a zeroed ledger holds none) */
        int dir_fd, lock_fd; /* -1 when not open */
        char *dir;           /* for messages */
        uid_t uid;           /* the directory's owner and group: a run as root gives them the files */
        gid_t gid;
        int64_t now;
        bool stale; /* the file held expired or corrupt claims: the next write drops them */
        size_t n_claims;
        struct ledger_claim *claims;
};

/*
 * Seconds on CLOCK_BOOTTIME: the same in every process, never stepped by
 * NTP or an admin (a realtime clock set back would keep claims alive, set
 * forward would drop live ones), and counting suspend. It restarts at
 * boot, when /run (tmpfs) starts empty too.
 */
int64_t ledger_now(void);

/*
 * Opens the ledger in dir and takes its exclusive lock (waiting at most
 * LEDGER_LOCK_WAIT_MS), then reads the claims that are live at now: those
 * recorded in the last LEDGER_CLAIM_TTL_S seconds (one from the future,
 * of an earlier boot, is dropped too). A corrupt claims file is one warning
 * in d and reads as empty; the next write replaces it. Hold the lock for
 * one decision only: read, decide, record, ledger_close().
 * Returns 0, -LEDGER_UNAVAILABLE (the caller warns), or -ENOMEM, with d
 * filled.
 */
int ledger_open(const char *dir, int64_t now, struct ledger *ret, struct diag *d);
/* Unlocks and frees; safe on a zeroed or closed ledger. */
void ledger_close(struct ledger *l);

/*
 * What the claims of VMs other than except_uuid (NULL: of all) hold on
 * node in pages of page_kib (0: bytes of normal memory). *ret_uuid, when
 * given, is set to the first such claimant's uuid, or NULL.
 */
uint64_t ledger_claimed(const struct ledger *l, const char *except_uuid, unsigned node, uint64_t page_kib,
        const char **ret_uuid);

/*
 * Records what uuid was admitted, replacing its earlier claim, and writes
 * the file (a temporary, fsync, rename). Items for the same node and page
 * size add up. Returns 0, -EINVAL for a uuid not in canonical form or a
 * zero amount, -E2BIG past LEDGER_CLAIMS_MAX or LEDGER_CLAIM_ITEMS_MAX,
 * -LEDGER_UNAVAILABLE when the write fails (nothing changed then), with d
 * filled.
 */
int ledger_record(
        struct ledger *l, const char *uuid, const struct ledger_item *items, size_t n_items, struct diag *d);

/* Removes uuid's claim, if any, and writes the file when that (or a stale file) changes it. Returns as
 * ledger_record(). */
int ledger_remove(struct ledger *l, const char *uuid, struct diag *d);

/*
 * The claims file's grammar (one claim a line, '\n' ended, single spaces):
 *   vdsm-hook-numa-claims 1
 *   UUID SINCE ITEM[ ITEM]...
 * UUID canonical, SINCE decimal CLOCK_BOOTTIME seconds, ITEM
 * NODE:PAGE_KIB:AMOUNT in decimal (no leading zeros, no sign): normal
 * memory in bytes when PAGE_KIB is 0, else pages. Each uuid once.
 * ledger_parse() reads it into claims (all of them, expired or not);
 * ledger_format() writes it back byte for byte.
 * Returns 0, -EBADMSG with the line and what is wrong in d, or -ENOMEM.
 * These three are public for test_ledger.c (and test_claims.c, which
 * seeds a ledger): the grammar round-trips in memory, with no run directory.
 */
int ledger_parse(const char *buf, size_t len, struct ledger_claim **ret, size_t *ret_n, struct diag *d);
/* Returns 0 or -ENOMEM; *ret is a new string. */
int ledger_format(const struct ledger_claim *claims, size_t n, char **ret);
void ledger_claims_free(struct ledger_claim *claims, size_t n);
