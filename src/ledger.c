/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The claims ledger: what concurrent starts admitted, in a run directory, read and written under one lock. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "fileio.h"
#include "ledger.h"
#include "macro.h"
#include "nodeset.h"
#include "strbuf.h"

#define LEDGER_HEADER "vdsm-hook-numa-claims 1\n"

int64_t ledger_now(void) {
        struct timespec ts;

        if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
                clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec;
}

void ledger_claims_free(struct ledger_claim *claims, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(claims[i].items);
        free(claims);
}

/* A decimal number up to max ending at stop (or the end): no sign, no leading zero. Advances *p past it. */
static int parse_number(const char **p, const char *end, char stop, uint64_t max, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;

        if (s == end || *s < '0' || *s > '9' || (*s == '0' && s + 1 < end && s[1] != stop))
                return -EBADMSG;
        for (; s < end && *s != stop; s++) {
                if (*s < '0' || *s > '9' || v > (max - (uint64_t) (*s - '0')) / 10)
                        return -EBADMSG;
                v = v * 10 + (uint64_t) (*s - '0');
        }
        *p = s;
        *ret = v;
        return 0;
}

/* NODE:PAGE_KIB:AMOUNT, up to end. Returns 0 or what is wrong. */
static const char *parse_item(const char *s, const char *end, struct ledger_item *ret) {
        uint64_t node, page_kib, amount;

        if (parse_number(&s, end, ':', NODE_ID_MAX, &node) < 0 || s == end || *s++ != ':')
                return "bad node";
        if (parse_number(&s, end, ':', UINT64_MAX, &page_kib) < 0 || s == end || *s++ != ':')
                return "bad page size";
        if (parse_number(&s, end, ' ', UINT64_MAX, &amount) < 0 || s != end || amount == 0)
                return "bad amount";
        *ret = (struct ledger_item){.node = (unsigned) node, .page_kib = page_kib, .amount = amount};
        return NULL;
}

/* One claim line without its '\n'. Returns NULL, or what is wrong (ret->items may hold some then). */
static const char *parse_claim(const char *s, const char *end, struct ledger_claim *ret) {
        const char *space = memchr(s, ' ', (size_t) (end - s));
        uint64_t since;

        if (!space || !uuid_is_canonical(s, (size_t) (space - s)))
                return "bad uuid";
        memcpy(ret->uuid, s, UUID_STRING_LEN);
        ret->uuid[UUID_STRING_LEN] = '\0';
        s = space + 1;
        if (parse_number(&s, end, ' ', INT64_MAX, &since) < 0 || s == end)
                return "bad time";
        ret->since = (int64_t) since;
        while (s < end) {
                const char *item_end, *bad;
                struct ledger_item *item;

                if (*s++ != ' ' || ret->n_items >= LEDGER_CLAIM_ITEMS_MAX)
                        return ret->n_items >= LEDGER_CLAIM_ITEMS_MAX ? "too many items" : "bad item";
                item_end = memchr(s, ' ', (size_t) (end - s));
                if (!item_end)
                        item_end = end;
                item = array_append(&ret->items, &ret->n_items, sizeof(*ret->items));
                bad = item ? parse_item(s, item_end, item) : "out of memory";
                if (bad)
                        return bad;
                s = item_end;
        }
        return NULL;
}

/* Whether an earlier claim of claims[0..n) has uuid. */
static bool has_uuid(const struct ledger_claim *claims, size_t n, const char *uuid) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(claims[i].uuid, uuid) == 0)
                        return true;
        return false;
}

/* See ledger.h for the grammar. */
int ledger_parse(const char *buf, size_t len, struct ledger_claim **ret, size_t *ret_n, struct diag *d) {
        struct ledger_claim *claims = NULL;
        const char *p = buf, *end = buf + len, *what = NULL;
        size_t n = 0, line = 1;

        if (len < strlen(LEDGER_HEADER) || memcmp(buf, LEDGER_HEADER, strlen(LEDGER_HEADER)) != 0)
                return diag_error(d, -EBADMSG, "line 1: not a claims file of this version");
        for (p += strlen(LEDGER_HEADER); p < end && !what; line++) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                struct ledger_claim *c;

                if (!nl)
                        what = "no end of line";
                else if (n >= LEDGER_CLAIMS_MAX)
                        what = "too many claims";
                else if (!(c = array_append(&claims, &n, sizeof(*claims))))
                        what = "out of memory";
                else if (!(what = parse_claim(p, nl, c)) && has_uuid(claims, n - 1, c->uuid))
                        what = "uuid claimed twice";
                p = nl ? nl + 1 : end;
        }
        if (what) {
                ledger_claims_free(claims, n);
                if (strcmp(what, "out of memory") == 0)
                        return diag_error(d, -ENOMEM, "out of memory");
                return diag_error(d, -EBADMSG, "line %zu: %s", line, what);
        }
        *ret = claims;
        *ret_n = n;
        return 0;
}

int ledger_format(const struct ledger_claim *claims, size_t n, char **ret) {
        struct strbuf b = {0};

        strbuf_str(&b, LEDGER_HEADER);
        for (size_t i = 0; i < n; i++) {
                char num[96];

                snprintf(num, sizeof(num), " %" PRId64, claims[i].since);
                strbuf_str(&b, claims[i].uuid);
                strbuf_str(&b, num);
                for (size_t j = 0; j < claims[i].n_items; j++) {
                        const struct ledger_item *it = &claims[i].items[j];

                        snprintf(num, sizeof(num), " %u:%" PRIu64 ":%" PRIu64, it->node, it->page_kib,
                                it->amount);
                        strbuf_str(&b, num);
                }
                strbuf_str(&b, "\n");
        }
        return strbuf_finish(&b, ret);
}

/* Every failure to use the run directory is the one code the caller warns about; errno's says why. */
static int unavailable(const struct ledger *l, const char *what, int err, struct diag *d) {
        return diag_error(
                d, -LEDGER_UNAVAILABLE, "claims ledger in '%s': %s: %s", l->dir, what, strerror(err));
}

/*
 * A run as root hands the file to the directory's owner, so VDSM's later
 * runs as vdsm can replace it. Never a file with another name too: that
 * owner could have linked any file on the filesystem there.
 */
static int own_like_dir(const struct ledger *l, int fd) {
        struct stat st;

        if (geteuid() != 0)
                return 0;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_nlink != 1)
                return -EMLINK;
        if ((st.st_uid != l->uid || st.st_gid != l->gid) && fchown(fd, l->uid, l->gid) < 0)
                return -errno;
        return 0;
}

/* The lock file, created when missing; read-only where it cannot be written (a dry run as another user). */
static int open_lock(struct ledger *l, struct diag *d) {
        struct timespec start;
        struct stat st;
        int r;

        clock_gettime(CLOCK_MONOTONIC, &start);
        l->lock_fd = openat(l->dir_fd, LEDGER_LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (l->lock_fd < 0 && (errno == EACCES || errno == EROFS))
                l->lock_fd = openat(l->dir_fd, LEDGER_LOCK_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (l->lock_fd < 0)
                return unavailable(l, "cannot open " LEDGER_LOCK_FILE, errno, d);
        if (fstat(l->lock_fd, &st) < 0)
                return unavailable(l, "cannot stat " LEDGER_LOCK_FILE, errno, d);
        if (!S_ISREG(st.st_mode))
                return unavailable(l, LEDGER_LOCK_FILE " is not a regular file", EINVAL, d);
        r = own_like_dir(l, l->lock_fd);
        if (r < 0)
                return unavailable(l, "cannot give " LEDGER_LOCK_FILE " the directory's owner", -r, d);
        r = file_lock_exclusive(l->lock_fd, &start, LEDGER_LOCK_WAIT_MS);
        if (r == -EWOULDBLOCK)
                return diag_error(d, -LEDGER_UNAVAILABLE,
                        "claims ledger in '%s': another run has held its lock for %d ms", l->dir,
                        LEDGER_LOCK_WAIT_MS);
        if (r < 0)
                return unavailable(l, "cannot lock " LEDGER_LOCK_FILE, -r, d);
        return 0;
}

/* Keeps the claims live at l->now; a dropped one makes the file stale. */
static void drop_expired(struct ledger *l) {
        size_t k = 0;

        for (size_t i = 0; i < l->n_claims; i++) {
                struct ledger_claim *c = &l->claims[i];

                if (c->since <= l->now && l->now - c->since < LEDGER_CLAIM_TTL_S)
                        l->claims[k++] = *c;
                else
                        free(c->items);
        }
        l->stale = l->stale || k != l->n_claims;
        l->n_claims = k;
}

/* The claims file into l; a missing file is no claims, a corrupt one a warning and no claims. */
static int read_claims(struct ledger *l, struct diag *d) {
        _cleanup_(file_data_done) struct file_data f = {.fd = -1, .dir_fd = -1};
        struct diag scratch;
        struct stat st;
        int fd, r;

        fd = openat(l->dir_fd, LEDGER_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0 && errno == ENOENT)
                return 0;
        if (fd < 0)
                return unavailable(l, "cannot open " LEDGER_FILE, errno, d);
        diag_init(&scratch);
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                r = diag_error(&scratch, -EBADMSG, "not a regular file");
        else
                r = file_read_stream(fd, "claims", LEDGER_FILE, LEDGER_FILE_MAX, &f, &scratch);
        close(fd);
        if (r >= 0)
                r = ledger_parse(f.data, f.len, &l->claims, &l->n_claims, &scratch);
        if (r == -ENOMEM)
                return diag_error(d, r, "out of memory");
        if (r < 0) {
                diag_warn(d, "claims ledger in '%s' is corrupt (%s); its claims are dropped", l->dir,
                        scratch.message);
                l->stale = true;
                return 0;
        }
        drop_expired(l);
        return 0;
}

int ledger_open(const char *dir, int64_t now, struct ledger *ret, struct diag *d) {
        _cleanup_(ledger_close) struct ledger l = {.held = true, .dir_fd = -1, .lock_fd = -1, .now = now};
        struct stat st;
        int r;

        l.dir = strdup(dir);
        if (!l.dir)
                return diag_error(d, -ENOMEM, "out of memory");
        l.dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (l.dir_fd < 0 || fstat(l.dir_fd, &st) < 0)
                return unavailable(&l, "cannot open the directory", errno, d);
        l.uid = st.st_uid;
        l.gid = st.st_gid;

        r = open_lock(&l, d);
        if (r >= 0)
                r = read_claims(&l, d);
        if (r < 0)
                return r;
        *ret = TAKE_STRUCT(l);
        return 0;
}

void ledger_close(struct ledger *l) {
        if (l->held && l->dir_fd >= 0)
                close(l->dir_fd);
        /* Closing the last descriptor of the lock file releases its flock(). */
        if (l->held && l->lock_fd >= 0)
                close(l->lock_fd);
        ledger_claims_free(l->claims, l->n_claims);
        free(l->dir);
        *l = (struct ledger){0};
}

uint64_t ledger_claimed(const struct ledger *l, const char *except_uuid, unsigned node, uint64_t page_kib,
        const char **ret_uuid) {
        const char *first = NULL;
        uint64_t sum = 0;

        for (size_t i = 0; i < l->n_claims; i++) {
                const struct ledger_claim *c = &l->claims[i];

                if (except_uuid && strcmp(c->uuid, except_uuid) == 0)
                        continue;
                for (size_t j = 0; j < c->n_items; j++)
                        if (c->items[j].node == node && c->items[j].page_kib == page_kib) {
                                sum = c->items[j].amount > UINT64_MAX - sum ? UINT64_MAX
                                                                            : sum + c->items[j].amount;
                                if (!first)
                                        first = c->uuid;
                        }
        }
        if (ret_uuid)
                *ret_uuid = first;
        return sum;
}

/* The temporary, fsync()ed and renamed over the claims file: readers see the old file or the new one. */
static int write_temp(const struct ledger *l, const char *text) {
        int fd, r = 0;

        if (unlinkat(l->dir_fd, LEDGER_TEMP_FILE, 0) < 0 && errno != ENOENT)
                return -errno;
        fd = openat(l->dir_fd, LEDGER_TEMP_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        r = file_write_all(fd, text, strlen(text));
        if (r >= 0 && fchmod(fd, 0644) < 0)
                r = -errno;
        if (r >= 0)
                r = own_like_dir(l, fd);
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r >= 0)
                r = -errno;
        if (r >= 0 && renameat(l->dir_fd, LEDGER_TEMP_FILE, l->dir_fd, LEDGER_FILE) < 0)
                r = -errno;
        if (r < 0)
                (void) unlinkat(l->dir_fd, LEDGER_TEMP_FILE, 0);
        return r;
}

/* Claims being built, owned: _cleanup_(claim_array_done) frees what was not handed over. */
struct claim_array {
        struct ledger_claim *v;
        size_t n;
};

static void claim_array_done(struct claim_array *a) {
        ledger_claims_free(a->v, a->n);
        *a = (struct claim_array){0};
}

/* Writes claims as the file; only then do they become l's, and claims is left empty. */
static int write_claims(struct ledger *l, struct claim_array *claims, struct diag *d) {
        _cleanup_free_ char *text = NULL;
        struct claim_array taken;
        int r;

        if (ledger_format(claims->v, claims->n, &text) < 0)
                return diag_error(d, -ENOMEM, "out of memory");
        r = write_temp(l, text);
        if (r < 0)
                return unavailable(l, "cannot write " LEDGER_FILE, -r, d);
        taken = TAKE_STRUCT(*claims);
        ledger_claims_free(l->claims, l->n_claims);
        l->claims = taken.v;
        l->n_claims = taken.n;
        l->stale = false;
        return 0;
}

/* A deep copy of l's claims but uuid's, with room for one more. Returns 0 or -ENOMEM. */
static int copy_other_claims(const struct ledger *l, const char *uuid, struct claim_array *ret) {
        _cleanup_(claim_array_done) struct claim_array a = {.v = calloc(l->n_claims + 1, sizeof(*a.v))};

        if (!a.v)
                return -ENOMEM;
        for (size_t i = 0; i < l->n_claims; i++) {
                const struct ledger_claim *c = &l->claims[i];
                struct ledger_claim *copy = &a.v[a.n];

                if (strcmp(c->uuid, uuid) == 0)
                        continue;
                *copy = *c;
                copy->items = malloc(c->n_items * sizeof(*c->items) + 1);
                if (!copy->items)
                        return -ENOMEM;
                memcpy(copy->items, c->items, c->n_items * sizeof(*c->items));
                a.n++;
        }
        *ret = TAKE_STRUCT(a);
        return 0;
}

/*
 * items, those with the same node and page size added up, into ret (room for
 * min(n_items, LEDGER_CLAIM_ITEMS_MAX)). Returns 0, -EINVAL or -E2BIG with
 * *ret_what saying what is wrong.
 */
static int merge_items(
        const struct ledger_item *items, size_t n_items, struct ledger_claim *ret, const char **ret_what) {
        *ret_what = "a claim without items";
        if (n_items == 0)
                return -EINVAL;
        for (size_t i = 0; i < n_items; i++) {
                struct ledger_item *m = NULL;

                *ret_what = "an item with no amount or a node out of range";
                if (items[i].amount == 0 || items[i].node > NODE_ID_MAX)
                        return -EINVAL;
                for (size_t j = 0; j < ret->n_items && !m; j++)
                        if (ret->items[j].node == items[i].node &&
                                ret->items[j].page_kib == items[i].page_kib)
                                m = &ret->items[j];
                if (m) {
                        m->amount = items[i].amount > UINT64_MAX - m->amount ? UINT64_MAX
                                                                             : m->amount + items[i].amount;
                        continue;
                }
                *ret_what = "more node and page size pairs than a claim holds";
                if (ret->n_items >= LEDGER_CLAIM_ITEMS_MAX)
                        return -E2BIG;
                ret->items[ret->n_items++] = items[i];
        }
        return 0;
}

int ledger_record(
        struct ledger *l, const char *uuid, const struct ledger_item *items, size_t n_items, struct diag *d) {
        _cleanup_(claim_array_done) struct claim_array claims = {0};
        struct ledger_claim *c;
        const char *what;
        int r;

        if (!uuid || !uuid_is_canonical(uuid, strlen(uuid)))
                return diag_error(d, -EINVAL, "claims ledger: a claim needs a canonical uuid");
        if (copy_other_claims(l, uuid, &claims) < 0)
                return diag_error(d, -ENOMEM, "out of memory");
        if (claims.n >= LEDGER_CLAIMS_MAX)
                return diag_error(d, -E2BIG, "claims ledger in '%s' holds %d claims already; %s not recorded",
                        l->dir, LEDGER_CLAIMS_MAX, uuid);
        c = &claims.v[claims.n++];
        memcpy(c->uuid, uuid, UUID_STRING_SIZE);
        c->since = l->now;
        c->items = calloc(
                n_items < LEDGER_CLAIM_ITEMS_MAX ? n_items + 1 : LEDGER_CLAIM_ITEMS_MAX, sizeof(*c->items));
        if (!c->items)
                return diag_error(d, -ENOMEM, "out of memory");
        r = merge_items(items, n_items, c, &what);
        if (r < 0)
                return diag_error(d, r, "claims ledger: %s: %s", uuid, what);
        return write_claims(l, &claims, d);
}

int ledger_remove(struct ledger *l, const char *uuid, struct diag *d) {
        _cleanup_(claim_array_done) struct claim_array claims = {0};

        if (!has_uuid(l->claims, l->n_claims, uuid) && !l->stale)
                return 0;
        if (copy_other_claims(l, uuid, &claims) < 0)
                return diag_error(d, -ENOMEM, "out of memory");
        return write_claims(l, &claims, d);
}
