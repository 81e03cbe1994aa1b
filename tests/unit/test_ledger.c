/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "ledger.h"
#include "unit.h"

#define UUID_A "3f9a1c2e-8d7b-4e6f-a5c4-b3a2918f7e6d"
#define UUID_B "11111111-2222-3333-4444-555555555555"
#define HEADER "vdsm-hook-numa-claims 1\n"
/* A time every case reads the ledger at, well past boot. */
#define NOW 10000

/* A fresh run directory for one test, removed by the test. */
static void make_run_dir(char *buf, size_t size) {
        snprintf(buf, size, "/tmp/test-ledger-XXXXXX");
        assert_non_null(mkdtemp(buf));
}

static char *read_text(const char *dir, const char *name) {
        char path[4200], *text = calloc(1, LEDGER_FILE_MAX + 1);
        int fd;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_true(read(fd, text, LEDGER_FILE_MAX) >= 0);
        close(fd);
        return text;
}

struct parse_case {
        const char *name;
        const char *text;
        const char *error; /* part of the message, or NULL: it parses and formats back byte for byte */
        size_t n_claims;
};

/* clang-format off */
static const struct parse_case parse_cases[] = {
        {"parse_header_alone_is_no_claims", HEADER, NULL, 0},
        {"parse_two_claims_round_trip", HEADER UUID_A " 9990 0:0:1073741824 1:2048:24\n" UUID_B " 0 3:1048576:2\n",
                NULL, 2},
        {"parse_rejects_empty_file", "", "line 1: not a claims file of this version"},
        {"parse_rejects_other_version", "vdsm-hook-numa-claims 2\n", "line 1: not a claims file"},
        {"parse_rejects_missing_end_of_line", HEADER UUID_A " 1 0:0:1", "line 2: no end of line"},
        {"parse_rejects_upper_case_uuid", HEADER "3F9A1C2E-8D7B-4E6F-A5C4-B3A2918F7E6D 1 0:0:1\n", "line 2: bad uuid"},
        {"parse_rejects_short_uuid", HEADER "3f9a1c2e 1 0:0:1\n", "line 2: bad uuid"},
        {"parse_rejects_claim_without_items", HEADER UUID_A " 1\n", "line 2: bad time"},
        {"parse_rejects_negative_time", HEADER UUID_A " -1 0:0:1\n", "line 2: bad time"},
        {"parse_rejects_leading_zero", HEADER UUID_A " 1 01:0:1\n", "line 2: bad node"},
        {"parse_rejects_node_past_the_limit", HEADER UUID_A " 1 4096:0:1\n", "line 2: bad node"},
        {"parse_rejects_missing_page_size", HEADER UUID_A " 1 0::1\n", "line 2: bad page size"},
        {"parse_rejects_zero_amount", HEADER UUID_A " 1 0:0:0\n", "line 2: bad amount"},
        {"parse_rejects_amount_overflow", HEADER UUID_A " 1 0:0:18446744073709551616\n", "line 2: bad amount"},
        {"parse_rejects_double_space", HEADER UUID_A " 1  0:0:1\n", "line 2: bad node"},
        {"parse_rejects_trailing_space", HEADER UUID_A " 1 0:0:1 \n", "line 2: bad node"},
        {"parse_rejects_fourth_field", HEADER UUID_A " 1 0:0:1:5\n", "line 2: bad amount"},
        {"parse_rejects_uuid_twice", HEADER UUID_A " 1 0:0:1\n" UUID_A " 2 0:0:1\n", "line 3: uuid claimed twice"},
        {"parse_rejects_blank_line", HEADER "\n", "line 2: bad uuid"},
};
/* clang-format on */

static void test_parse_case(void **state) {
        const struct parse_case *c = *state;
        struct ledger_claim *claims = NULL;
        _cleanup_free_ char *text = NULL;
        size_t n = 0;
        struct diag d;
        int r;

        diag_init(&d);
        r = ledger_parse(c->text, strlen(c->text), &claims, &n, &d);
        if (c->error) {
                assert_int_equal(r, -EBADMSG);
                assert_contains(d.message, c->error);
                return;
        }
        assert_int_equal(r, 0);
        assert_int_equal(n, c->n_claims);
        assert_int_equal(ledger_format(claims, n, &text), 0);
        assert_string_equal(text, c->text);
        ledger_claims_free(claims, n);
}

/* Too many claims for the cap: a file nobody should trust. */
static void test_parse_rejects_more_claims_than_the_cap(void **state) {
        char *text = calloc(LEDGER_CLAIMS_MAX + 2, 64);
        struct ledger_claim *claims = NULL;
        size_t n = 0, len = strlen(HEADER);
        struct diag d;

        (void) state;
        memcpy(text, HEADER, len);
        for (unsigned i = 0; i <= LEDGER_CLAIMS_MAX; i++)
                len += (size_t) sprintf(text + len, "00000000-0000-0000-0000-%012x 1 0:0:1\n", i);
        diag_init(&d);
        assert_int_equal(ledger_parse(text, len, &claims, &n, &d), -EBADMSG);
        assert_contains(d.message, "too many claims");
        free(text);
}

struct expiry_case {
        const char *name;
        int64_t age; /* NOW minus the claim's time */
        bool live;
};

static const struct expiry_case expiry_cases[] = {
        {"expiry_keeps_a_new_claim", 0, true},
        {"expiry_keeps_a_claim_of_119_s", LEDGER_CLAIM_TTL_S - 1, true},
        {"expiry_drops_a_claim_of_120_s", LEDGER_CLAIM_TTL_S, false},
        {"expiry_drops_a_claim_from_the_future", -1, false},
};

static void test_expiry_case(void **state) {
        const struct expiry_case *c = *state;
        _cleanup_(ledger_close) struct ledger l = {0};
        _cleanup_free_ char *after = NULL;
        char dir[64], text[256];
        struct diag d;

        make_run_dir(dir, sizeof(dir));
        snprintf(text, sizeof(text), HEADER UUID_A " %" PRId64 " 0:0:4096\n", (int64_t) NOW - c->age);
        unit_write_file(dir, LEDGER_FILE, text);
        diag_init(&d);
        assert_int_equal(ledger_open(dir, NOW, &l, &d), 0);
        assert_int_equal(l.n_claims, c->live ? 1 : 0);
        assert_int_equal(ledger_claimed(&l, NULL, 0, 0, NULL), c->live ? 4096 : 0);
        /* Removing another VM's claim writes the file only when an expired claim is to be dropped. */
        assert_int_equal(ledger_remove(&l, UUID_B, &d), 0);
        after = read_text(dir, LEDGER_FILE);
        assert_string_equal(after, c->live ? text : HEADER);
        assert_int_equal(d.n_warnings, 0);
        unit_remove_tree(dir);
}

struct claimed_case {
        const char *name;
        const char *except;
        unsigned node;
        uint64_t page_kib;
        uint64_t want;
        const char *want_uuid;
};

/* Against: A holds 1 GiB and 24 2 MiB pages on node 0; B 512 MiB on node 0 and 2 1 GiB pages on node 1. */
static const char claimed_text[] =
        HEADER UUID_A " 9990 0:0:1073741824 0:2048:24\n" UUID_B " 9995 0:0:536870912 1:1048576:2\n";

/* clang-format off */
static const struct claimed_case claimed_cases[] = {
        {"claimed_adds_up_normal_memory_of_all", NULL, 0, 0, 1610612736, UUID_A},
        {"claimed_leaves_out_the_vm_itself", UUID_A, 0, 0, 536870912, UUID_B},
        {"claimed_counts_pages_of_one_size", NULL, 0, 2048, 24, UUID_A},
        {"claimed_keeps_page_sizes_apart", NULL, 1, 2048, 0, NULL},
        {"claimed_counts_huge_pages_per_node", UUID_A, 1, 1048576, 2, UUID_B},
        {"claimed_nothing_on_an_unclaimed_node", NULL, 2, 0, 0, NULL},
        {"claimed_nothing_when_only_the_vm_claims", UUID_A, 0, 2048, 0, NULL},
};
/* clang-format on */

static void test_claimed_case(void **state) {
        const struct claimed_case *c = *state;
        _cleanup_(ledger_close) struct ledger l = {0};
        const char *uuid = "unset";
        char dir[64];
        struct diag d;

        make_run_dir(dir, sizeof(dir));
        unit_write_file(dir, LEDGER_FILE, claimed_text);
        diag_init(&d);
        assert_int_equal(ledger_open(dir, NOW, &l, &d), 0);
        assert_int_equal(ledger_claimed(&l, c->except, c->node, c->page_kib, &uuid), c->want);
        if (c->want_uuid)
                assert_string_equal(uuid, c->want_uuid);
        else
                assert_null(uuid);
        unit_remove_tree(dir);
}

struct record_case {
        const char *name;
        const char *before; /* the file, or NULL for none */
        const char *uuid;
        struct ledger_item items[3];
        size_t n_items;
        int error;         /* 0, or the code */
        const char *after; /* the file afterwards (unchanged when error) */
        const char *warning;
};

/* clang-format off */
static const struct record_case record_cases[] = {
        {"record_into_no_file", NULL, UUID_A, {{0, 0, 4096}}, 1, 0, HEADER UUID_A " 10000 0:0:4096\n"},
        {"record_adds_beside_another", HEADER UUID_B " 9999 1:2048:8\n", UUID_A, {{0, 2048, 4}, {1, 2048, 6}}, 2, 0,
                HEADER UUID_B " 9999 1:2048:8\n" UUID_A " 10000 0:2048:4 1:2048:6\n"},
        {"record_replaces_the_vms_claim", HEADER UUID_A " 9999 1:0:1\n" UUID_B " 9999 1:2048:8\n", UUID_A,
                {{0, 0, 4096}}, 1, 0, HEADER UUID_B " 9999 1:2048:8\n" UUID_A " 10000 0:0:4096\n"},
        {"record_adds_up_items_of_one_node_and_size", NULL, UUID_A, {{0, 0, 1}, {0, 2048, 2}, {0, 0, 3}}, 3, 0,
                HEADER UUID_A " 10000 0:0:4 0:2048:2\n"},
        {"record_drops_expired_claims", HEADER UUID_B " 1 1:2048:8\n", UUID_A, {{0, 0, 4096}}, 1, 0,
                HEADER UUID_A " 10000 0:0:4096\n"},
        {"record_rewrites_a_corrupt_file", "garbage\n", UUID_A, {{0, 0, 4096}}, 1, 0,
                HEADER UUID_A " 10000 0:0:4096\n", "is corrupt (line 1: not a claims file of this version)"},
        {"record_refuses_a_zero_amount", NULL, UUID_A, {{0, 0, 0}}, 1, -EINVAL, NULL},
        {"record_refuses_no_items", NULL, UUID_A, {{0}}, 0, -EINVAL, NULL},
        {"record_refuses_a_node_past_the_limit", NULL, UUID_A, {{4096, 0, 1}}, 1, -EINVAL, NULL},
        {"record_refuses_a_non_canonical_uuid", NULL, "3F9A1C2E-8D7B-4E6F-A5C4-B3A2918F7E6D", {{0, 0, 1}}, 1,
                -EINVAL, NULL},
};
/* clang-format on */

static void test_record_case(void **state) {
        const struct record_case *c = *state;
        _cleanup_(ledger_close) struct ledger l = {0};
        char dir[64], path[128];
        struct diag d;
        int r;

        make_run_dir(dir, sizeof(dir));
        if (c->before)
                unit_write_file(dir, LEDGER_FILE, c->before);
        diag_init(&d);
        assert_int_equal(ledger_open(dir, NOW, &l, &d), 0);
        r = ledger_record(&l, c->uuid, c->items, c->n_items, &d);
        assert_int_equal(r, c->error);
        snprintf(path, sizeof(path), "%s/%s", dir, LEDGER_FILE);
        if (c->error == 0) {
                _cleanup_free_ char *after = read_text(dir, LEDGER_FILE);

                assert_string_equal(after, c->after);
        } else if (!c->before)
                assert_int_equal(access(path, F_OK), -1);
        if (c->warning) {
                assert_int_equal(d.n_warnings, 1);
                assert_contains(d.warnings[0], c->warning);
        } else
                assert_int_equal(d.n_warnings, 0);
        snprintf(path, sizeof(path), "%s/%s", dir, LEDGER_TEMP_FILE);
        assert_int_equal(access(path, F_OK), -1);
        unit_remove_tree(dir);
}

struct remove_case {
        const char *name;
        const char *before; /* NULL: a file past LEDGER_FILE_MAX */
        const char *uuid;
        bool rewritten;    /* a new file (another inode) */
        const char *after; /* the file afterwards */
};

/* clang-format off */
static const struct remove_case remove_cases[] = {
        {"remove_takes_out_the_vms_claim", HEADER UUID_A " 9999 0:0:1\n" UUID_B " 9999 1:0:2\n", UUID_A, true,
                HEADER UUID_B " 9999 1:0:2\n"},
        {"remove_leaves_a_file_without_the_claim_alone", HEADER UUID_B " 9999 1:0:2\n", UUID_A, false,
                HEADER UUID_B " 9999 1:0:2\n"},
        {"remove_rewrites_a_corrupt_file_empty", HEADER "junk\n", UUID_A, true, HEADER},
        {"remove_rewrites_a_file_past_the_size_cap", NULL, UUID_A, true, HEADER},
        {"remove_of_the_last_claim_leaves_the_header", HEADER UUID_A " 9999 0:0:1\n", UUID_A, true, HEADER},
};
/* clang-format on */

static void test_remove_case(void **state) {
        const struct remove_case *c = *state;
        _cleanup_(ledger_close) struct ledger l = {0};
        _cleanup_free_ char *after = NULL;
        char dir[64], path[128];
        struct stat before, now;
        struct diag d;

        make_run_dir(dir, sizeof(dir));
        snprintf(path, sizeof(path), "%s/%s", dir, LEDGER_FILE);
        if (c->before)
                unit_write_file(dir, LEDGER_FILE, c->before);
        else {
                /* NULL: a file one byte past the cap. */
                int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

                assert_true(fd >= 0);
                assert_int_equal(ftruncate(fd, LEDGER_FILE_MAX + 1), 0);
                close(fd);
        }
        assert_int_equal(stat(path, &before), 0);
        diag_init(&d);
        assert_int_equal(ledger_open(dir, NOW, &l, &d), 0);
        assert_int_equal(ledger_remove(&l, c->uuid, &d), 0);
        assert_int_equal(stat(path, &now), 0);
        assert_int_equal(now.st_ino != before.st_ino, c->rewritten);
        after = read_text(dir, LEDGER_FILE);
        assert_string_equal(after, c->after);
        unit_remove_tree(dir);
}

enum unusable {
        NO_DIRECTORY,
        NOT_A_DIRECTORY,
        LOCK_IS_A_DIRECTORY,
        READ_ONLY_DIRECTORY, /* for this user: the claims are read, but cannot be recorded */
};

struct unavailable_case {
        const char *name;
        enum unusable how;
        const char *error;
};

static const struct unavailable_case unavailable_cases[] = {
        {"unavailable_without_the_run_directory", NO_DIRECTORY, "cannot open the directory: No such file"},
        {"unavailable_when_the_run_directory_is_a_file", NOT_A_DIRECTORY, "cannot open the directory: Not a"},
        {"unavailable_when_the_lock_is_not_a_file", LOCK_IS_A_DIRECTORY,
                "cannot open claims.lock: Is a directory"},
        {"unavailable_for_recording_in_a_read_only_directory", READ_ONLY_DIRECTORY,
                "cannot write claims: Permission denied"},
};

/* What a user who cannot write the directory gets: a dry run sees the claims, a record fails as unavailable.
 */
static int read_only_run(const char *dir, const char *error) {
        struct ledger l = {0};
        const struct ledger_item item = {0, 0, 1};
        struct diag d;

        diag_init(&d);
        if (ledger_open(dir, NOW, &l, &d) != 0 || ledger_claimed(&l, NULL, 0, 0, NULL) != 7)
                return 1;
        if (ledger_record(&l, UUID_A, &item, 1, &d) != -LEDGER_UNAVAILABLE || !strstr(d.message, error))
                return 2;
        ledger_close(&l);
        return 0;
}

static void test_unavailable_case(void **state) {
        const struct unavailable_case *c = *state;
        struct ledger l = {0};
        char dir[64], path[128];
        struct diag d;
        int status;
        pid_t pid;

        make_run_dir(dir, sizeof(dir));
        snprintf(path, sizeof(path), "%s/run", dir);
        if (c->how == NOT_A_DIRECTORY)
                unit_write_file(dir, "run", "");
        if (c->how == LOCK_IS_A_DIRECTORY) {
                assert_int_equal(mkdir(path, 0755), 0);
                unit_write_file(path, LEDGER_LOCK_FILE "/x", "");
        }
        if (c->how != READ_ONLY_DIRECTORY) {
                diag_init(&d);
                assert_int_equal(ledger_open(path, NOW, &l, &d), -LEDGER_UNAVAILABLE);
                assert_contains(d.message, c->error);
                assert_contains(d.message, path);
                unit_remove_tree(dir);
                return;
        }

        /* Root passes permission checks: the run is then the nobody user's. */
        assert_int_equal(chmod(dir, 0755), 0);
        assert_int_equal(mkdir(path, 0755), 0);
        unit_write_file(path, LEDGER_FILE, HEADER UUID_B " 9999 0:0:7\n");
        unit_write_file(path, LEDGER_LOCK_FILE, "");
        for (size_t i = 0; i < 2; i++) {
                char file[192];

                snprintf(file, sizeof(file), "%s/%s", path, i ? LEDGER_FILE : LEDGER_LOCK_FILE);
                assert_int_equal(chmod(file, 0644), 0);
        }
        if (geteuid() != 0)
                assert_int_equal(chmod(path, 0555), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
                        _exit(3);
                _exit(read_only_run(path, c->error));
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(chmod(path, 0755), 0);
        unit_remove_tree(dir);
}

static void test_record_refuses_past_the_cap(void **state) {
        _cleanup_(ledger_close) struct ledger l = {0};
        const struct ledger_item item = {0, 0, 1};
        char dir[64], *text = calloc(LEDGER_CLAIMS_MAX + 1, 64);
        size_t len = strlen(HEADER);
        struct diag d;

        (void) state;
        make_run_dir(dir, sizeof(dir));
        memcpy(text, HEADER, len);
        for (unsigned i = 0; i < LEDGER_CLAIMS_MAX; i++)
                len += (size_t) sprintf(text + len, "00000000-0000-0000-0000-%012x 9999 0:0:1\n", i);
        unit_write_file(dir, LEDGER_FILE, text);
        diag_init(&d);
        assert_int_equal(ledger_open(dir, NOW, &l, &d), 0);
        assert_int_equal(l.n_claims, LEDGER_CLAIMS_MAX);
        assert_int_equal(ledger_record(&l, UUID_A, &item, 1, &d), -E2BIG);
        assert_contains(d.message, "holds 256 claims already");
        /* The VM's own claim is replaced, so it still fits. */
        assert_int_equal(ledger_record(&l, "00000000-0000-0000-0000-000000000000", &item, 1, &d), 0);
        free(text);
        unit_remove_tree(dir);
}

/* A run directory owned by 4242:4343, as vdsm's is by vdsm:kvm; the test is skipped unless it runs as root.
 */
static void owned_run_dir(char *dir, size_t size) {
        if (geteuid() != 0)
                skip(); /* does not return */
        make_run_dir(dir, size);
        assert_int_equal(chown(dir, 4242, 4343), 0);
}

/* A run as root leaves the files to the directory's owner, so VDSM's runs as vdsm can replace them. */
static void test_root_gives_the_files_the_directorys_owner(void **state) {
        _cleanup_(ledger_close) struct ledger l = {0};
        const struct ledger_item item = {0, 0, 1};
        char dir[64], path[128];
        struct stat st;
        struct diag d;

        (void) state;
        owned_run_dir(dir, sizeof(dir));
        diag_init(&d);
        assert_int_equal(ledger_open(dir, NOW, &l, &d), 0);
        assert_int_equal(ledger_record(&l, UUID_A, &item, 1, &d), 0);
        for (size_t i = 0; i < 2; i++) {
                snprintf(path, sizeof(path), "%s/%s", dir, i ? LEDGER_FILE : LEDGER_LOCK_FILE);
                assert_int_equal(stat(path, &st), 0);
                assert_int_equal(st.st_uid, 4242);
                assert_int_equal(st.st_gid, 4343);
                assert_int_equal(st.st_mode & 07777, 0644);
        }
        unit_remove_tree(dir);
}

/*
 * The directory's owner may plant a hard link to another file as the lock:
 * root must not hand that file over (with fs.protected_hardlinks off, or a
 * file the owner can write, any root-owned file on the same filesystem).
 */
static void test_root_does_not_give_away_a_hard_linked_lock(void **state) {
        struct ledger l = {0};
        char dir[64], victim[128], lock[128];
        struct stat st;
        struct diag d;

        (void) state;
        owned_run_dir(dir, sizeof(dir));
        unit_write_file(dir, "victim", "secret\n");
        snprintf(victim, sizeof(victim), "%s/victim", dir);
        snprintf(lock, sizeof(lock), "%s/%s", dir, LEDGER_LOCK_FILE);
        assert_int_equal(chown(victim, 0, 0), 0);
        assert_int_equal(link(victim, lock), 0);
        diag_init(&d);
        assert_int_equal(ledger_open(dir, NOW, &l, &d), -LEDGER_UNAVAILABLE);
        assert_contains(d.message, "cannot give claims.lock the directory's owner: Too many links");
        assert_int_equal(stat(victim, &st), 0);
        assert_int_equal(st.st_uid, 0);
        assert_int_equal(st.st_gid, 0);
        ledger_close(&l);
        unit_remove_tree(dir);
}

/*
 * One of two contending runs: waits for go (a byte on fd), opens the ledger,
 * records its claim of 10 pages on node 0 and says how many pages of the
 * other's it saw, as its exit code.
 */
static int contender(const char *dir, const char *uuid, int go, long hold_ms) {
        const struct ledger_item item = {0, 2048, 10};
        struct ledger l = {0};
        struct diag d;
        char byte;
        uint64_t seen;

        if (read(go, &byte, 1) != 1)
                return 100;
        diag_init(&d);
        if (ledger_open(dir, ledger_now(), &l, &d) < 0)
                return 101;
        seen = ledger_claimed(&l, uuid, 0, 2048, NULL);
        /* Held across the decision: the other must wait for this record. */
        (void) nanosleep(&(struct timespec){.tv_nsec = hold_ms * 1000000L}, NULL);
        if (ledger_record(&l, uuid, &item, 1, &d) < 0)
                return 102;
        ledger_close(&l);
        return (int) seen;
}

static void test_two_runs_contend_and_the_second_sees_the_first(void **state) {
        const char *uuids[2] = {UUID_A, UUID_B};
        _cleanup_(ledger_close) struct ledger l = {0};
        int go[2], seen[2], status;
        pid_t pids[2];
        char dir[64];
        struct diag d;

        (void) state;
        make_run_dir(dir, sizeof(dir));
        assert_int_equal(pipe(go), 0);
        for (size_t i = 0; i < 2; i++) {
                pids[i] = fork();
                assert_true(pids[i] >= 0);
                if (pids[i] == 0) {
                        close(go[1]);
                        _exit(contender(dir, uuids[i], go[0], 200));
                }
        }
        close(go[0]);
        /* Both start together; whichever locks first holds the lock 200 ms while the other waits. */
        assert_int_equal(write(go[1], "xx", 2), 2);
        close(go[1]);
        for (size_t i = 0; i < 2; i++) {
                assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
                assert_true(WIFEXITED(status));
                seen[i] = WEXITSTATUS(status);
        }
        /* Exactly one saw the other's 10 pages: the one that locked second. */
        assert_true((seen[0] == 0 && seen[1] == 10) || (seen[0] == 10 && seen[1] == 0));
        diag_init(&d);
        assert_int_equal(ledger_open(dir, ledger_now(), &l, &d), 0);
        assert_int_equal(l.n_claims, 2);
        assert_int_equal(ledger_claimed(&l, NULL, 0, 2048, NULL), 20);
        unit_remove_tree(dir);
}

/* A lock held past LEDGER_LOCK_WAIT_MS makes the ledger unavailable, not a hang. */
static void test_a_held_lock_is_unavailable_after_the_wait(void **state) {
        struct ledger l = {0};
        char dir[64], path[128];
        struct diag d;
        int fd;

        (void) state;
        make_run_dir(dir, sizeof(dir));
        snprintf(path, sizeof(path), "%s/%s", dir, LEDGER_LOCK_FILE);
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(flock(fd, LOCK_EX), 0);
        diag_init(&d);
        assert_int_equal(ledger_open(dir, NOW, &l, &d), -LEDGER_UNAVAILABLE);
        assert_contains(d.message, "another run has held its lock for 3000 ms");
        close(fd);
        unit_remove_tree(dir);
}

int main(void) {
        static struct unit_suite suite;

        UNIT_TABLE(&suite, parse_cases, test_parse_case);
        UNIT_TEST(&suite, test_parse_rejects_more_claims_than_the_cap);
        UNIT_TABLE(&suite, expiry_cases, test_expiry_case);
        UNIT_TABLE(&suite, claimed_cases, test_claimed_case);
        UNIT_TABLE(&suite, record_cases, test_record_case);
        UNIT_TABLE(&suite, remove_cases, test_remove_case);
        UNIT_TABLE(&suite, unavailable_cases, test_unavailable_case);
        UNIT_TEST(&suite, test_record_refuses_past_the_cap);
        UNIT_TEST(&suite, test_root_gives_the_files_the_directorys_owner);
        UNIT_TEST(&suite, test_root_does_not_give_away_a_hard_linked_lock);
        UNIT_TEST(&suite, test_two_runs_contend_and_the_second_sees_the_first);
        UNIT_TEST(&suite, test_a_held_lock_is_unavailable_after_the_wait);
        return UNIT_RUN(&suite, "ledger");
}
