/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads this host for the host model, and is the only file that talks to libnuma: libnuma for the nodes,
 * sysfs for huge pages and PCI devices. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <numa.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "fileio.h"
#include "macro.h"
#include "parse.h"
#include "topology.h"

/*
 * libnuma reports trouble by calling numa_warn() and numa_error(), which
 * it defines weakly to print to stderr. Ours keep the last message so it
 * reaches the admin as one formatted "numa: warning:" line instead.
 */
static char libnuma_message[DIAG_LINE_MAX];

void numa_warn(int num, char *fmt, ...) {
        va_list ap;

        (void) num;
        va_start(ap, fmt);
        vsnprintf(libnuma_message, sizeof(libnuma_message), fmt, ap);
        va_end(ap);
}

void numa_error(char *where) {
        snprintf(libnuma_message, sizeof(libnuma_message), "%s: %s", where, strerror(errno));
}

static void forward_libnuma_message(struct diag *d) {
        size_t n = strlen(libnuma_message);

        if (n == 0)
                return;
        while (n > 0 && libnuma_message[n - 1] == '\n')
                libnuma_message[--n] = '\0';
        diag_warn(d, "libnuma: %s", libnuma_message);
        libnuma_message[0] = '\0';
}

static int node_cpus(unsigned id, char **ret) {
        struct range_writer w = RANGE_WRITER_INIT;
        struct bitmask *mask;
        int r;

        mask = numa_allocate_cpumask();
        if (!mask)
                return -ENOMEM;

        r = numa_node_to_cpus((int) id, mask);
        if (r >= 0)
                for (unsigned c = 0; c < mask->size; c++)
                        if (numa_bitmask_isbitset(mask, c))
                                range_writer_add(&w, c);
        numa_free_cpumask(mask);

        return range_writer_finish(&w, ret);
}

/*
 * numa_node_size64() failed: it returns -1 when it cannot open the node's
 * meminfo (errno from fopen(): EACCES, EMFILE...) or finds no MemTotal in
 * it. Counting the node as memoryless would narrow a "^" nodeset or refuse
 * for a false reason, so the run stops here, naming the file (libnuma's
 * fixed path) and the error.
 */
static int node_memory_unreadable(int id, int err, struct diag *d) {
        char path[64], why[DIAG_LINE_MAX / 2];

        snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", id);
        if (err != 0)
                snprintf(why, sizeof(why), "%s", strerror(err));
        else
                snprintf(why, sizeof(why), "no MemTotal in it%s%.160s",
                        libnuma_message[0] ? ": libnuma: " : "", libnuma_message);
        libnuma_message[0] = '\0';
        return diag_error(
                d, err != 0 ? -err : -EIO, "cannot read the memory of node %d from %s: %s", id, path, why);
}

int topology_load(unsigned flags, const struct nodeset *only, struct topology *ret, struct diag *d) {
        _cleanup_(topology_done) struct topology t = {.has_free = true};
        int max, r;

        if (numa_available() < 0) {
                forward_libnuma_message(d);
                return diag_error(d, -ENOSYS, "NUMA is not available on this host (numa_available() failed)");
        }

        max = numa_max_node();
        if (max > NODE_ID_MAX) {
                diag_warn(d, "host reports node ids up to %d; nodes above %d are ignored", max, NODE_ID_MAX);
                max = NODE_ID_MAX;
        }

        for (int id = 0; id <= max; id++) {
                _cleanup_free_ char *cpus = NULL;
                long long total, free_bytes = 0;

                if (!numa_nodes_ptr || !numa_bitmask_isbitset(numa_nodes_ptr, (unsigned) id))
                        continue;

                if (only && !nodeset_contains(only, (unsigned) id)) {
                        t.partial = true;
                        total = 0;
                } else {
                        errno = 0;
                        total = numa_node_size64(id, &free_bytes);
                }
                if (total < 0)
                        return node_memory_unreadable(id, errno, d);

                if (flags & TOPOLOGY_CPUS) {
                        r = node_cpus((unsigned) id, &cpus);
                        if (r < 0)
                                return diag_error(d, r, "cannot read the host topology: %s", strerror(-r));
                }

                r = topology_add_node(&t, (unsigned) id, (uint64_t) total,
                        free_bytes > 0 ? (uint64_t) free_bytes : 0, cpus);
                if (r < 0)
                        return diag_error(d, r, "cannot read the host topology: %s", strerror(-r));
                TAKE_PTR(cpus); /* the node's now */
        }
        forward_libnuma_message(d);

        if (t.n_nodes == 0)
                return diag_error(d, -ENODEV, "libnuma reports no NUMA node on this host");

        *ret = TAKE_STRUCT(t);
        return 0;
}

bool topology_numad_installed(void) {
        /* Where Debian, Fedora and EL put it; libvirt runs it by absolute path. */
        static const char *const paths[] = {"/usr/bin/numad", "/usr/sbin/numad", "/bin/numad", "/sbin/numad"};

        for (size_t i = 0; i < ELEMENTSOF(paths); i++)
                if (access(paths[i], X_OK) == 0)
                        return true;
        return false;
}

/* A file holding one unsigned decimal number and a newline, as sysfs writes them. */
static int read_u64(const char *path, uint64_t *ret) {
        char buf[32], *end;
        unsigned long long v;
        ssize_t n;

        n = file_read_small(path, buf, sizeof(buf));
        if (n < 0)
                return (int) n;
        if (buf[0] < '0' || buf[0] > '9')
                return -EINVAL;
        errno = 0;
        v = strtoull(buf, &end, 10);
        if (errno != 0 || (*end != '\0' && *end != '\n'))
                return -EINVAL;
        *ret = v;
        return 0;
}

int topology_hugepage_size_exists(const char *sysfs, uint64_t kib, bool *ret_exists) {
        char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s/kernel/mm/hugepages/hugepages-%" PRIu64 "kB", sysfs, kib);
        if (access(path, F_OK) == 0)
                *ret_exists = true;
        else if (errno == ENOENT || errno == ENOTDIR)
                *ret_exists = false;
        else
                return -errno;
        return 0;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir)

int topology_hugepage_sizes(const char *sysfs, uint64_t **ret, size_t *ret_n) {
        char path[PATH_MAX];
        _cleanup_free_ uint64_t *sizes = NULL;
        size_t n = 0;
        struct dirent *e;
        _cleanup_(closedirp) DIR *dir = NULL;

        snprintf(path, sizeof(path), "%s/kernel/mm/hugepages", sysfs);
        dir = opendir(path);
        if (!dir) {
                if (errno != ENOENT)
                        return -errno;
                *ret = NULL; /* a kernel without hugetlbfs */
                *ret_n = 0;
                return 0;
        }
        while ((e = readdir(dir))) {
                unsigned long long kib;
                char tail[4];
                uint64_t *slot;

                if (sscanf(e->d_name, "hugepages-%llu%3s", &kib, tail) != 2 || strcmp(tail, "kB") != 0)
                        continue;
                slot = array_append(&sizes, &n, sizeof(*slot));
                if (!slot)
                        return -ENOMEM;
                *slot = kib;
        }

        *ret_n = array_sort_unique_u64(sizes, n);
        *ret = TAKE_PTR(sizes);
        return 0;
}

int topology_hugepage_default(const char *meminfo, uint64_t *ret_kib) {
        char buf[8192];
        unsigned long long kib;
        ssize_t n;

        n = file_read_small(meminfo, buf, sizeof(buf));
        if (n < 0)
                return (int) n;
        for (const char *line = buf; line; line = strchr(line, '\n')) {
                if (*line == '\n')
                        line++;
                if (sscanf(line, "Hugepagesize: %llu kB", &kib) == 1 && kib > 0) {
                        *ret_kib = kib;
                        return 0;
                }
        }
        return -ENOENT;
}

int topology_hugepage_nodes_read(const char *sysfs, uint64_t kib, const struct nodeset *nodes,
        struct hugepage_pool *ret, char *ret_failed, size_t failed_size) {
        static const char *const names[] = {"nr_hugepages", "free_hugepages", "surplus_hugepages"};
        _cleanup_(hugepage_pool_done) struct hugepage_pool p = {.page_kib = kib, .has_free = true};
        char path[PATH_MAX];
        int r;

        for (int id = nodeset_next(nodes, 0); id >= 0; id = nodeset_next(nodes, id + 1)) {
                struct hugepage_node *node = array_append(&p.nodes, &p.n_nodes, sizeof(*node));
                uint64_t *fields[ELEMENTSOF(names)];

                if (!node)
                        return -ENOMEM;
                /* Only now: &node->total of a NULL node is undefined behaviour. */
                fields[0] = &node->total;
                fields[1] = &node->free;
                fields[2] = &node->surplus;
                node->id = (unsigned) id;
                for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                        snprintf(path, sizeof(path),
                                "%s/devices/system/node/node%d/hugepages/hugepages-%" PRIu64 "kB/%s", sysfs,
                                id, kib, names[i]);
                        r = read_u64(path, fields[i]);
                        if (r == -ENOENT)
                                *fields[i] = 0; /* no such node or size here: no pages */
                        else if (r < 0) {
                                snprintf(ret_failed, failed_size, "%s", path);
                                return r;
                        }
                }
        }

        *ret = TAKE_STRUCT(p);
        return 0;
}

int topology_hugepages_read(const char *sysfs, uint64_t kib, const struct nodeset *nodes,
        struct hugepage_pool *ret, char *ret_failed, size_t failed_size) {
        struct hugepage_pool p;
        uint64_t overcommit = 0, surplus = 0;
        bool has_overcommit = false;
        char path[PATH_MAX];
        int r;

        snprintf(path, sizeof(path), "%s/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/nr_overcommit_hugepages",
                sysfs, kib);
        if (read_u64(path, &overcommit) == 0) {
                snprintf(path, sizeof(path),
                        "%s/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/surplus_hugepages", sysfs, kib);
                has_overcommit = read_u64(path, &surplus) == 0;
        }
        r = topology_hugepage_nodes_read(sysfs, kib, nodes, &p, ret_failed, failed_size);
        if (r < 0)
                return r;
        p.has_overcommit = has_overcommit;
        p.overcommit = overcommit;
        p.surplus = surplus;
        *ret = p;
        return 0;
}

int topology_pci_node(
        const char *sysfs, unsigned domain, unsigned bus, unsigned slot, unsigned function, int *ret_node) {
        char path[PATH_MAX], buf[32], *end;
        long v;
        ssize_t n;

        snprintf(path, sizeof(path), "%s/bus/pci/devices/%04x:%02x:%02x.%x/numa_node", sysfs, domain, bus,
                slot, function);
        n = file_read_small(path, buf, sizeof(buf));
        if (n < 0)
                return (int) n;
        errno = 0;
        v = strtol(buf, &end, 10);
        if (errno != 0 || end == buf || (*end != '\0' && *end != '\n') || v < -1 || v > NODE_ID_MAX)
                return -EINVAL;
        *ret_node = (int) v;
        return 0;
}

unsigned topology_distance(unsigned a, unsigned b) {
        int v = numa_distance((int) a, (int) b);

        /* libnuma says 0 for what it does not know: a node past its table, a kernel without one. */
        return v > 0 ? (unsigned) v : 0;
}

static int cmp_tier(const void *a, const void *b) {
        const struct memory_tier *x = a, *y = b;

        return (x->id > y->id) - (x->id < y->id);
}

/* One memory_tierN directory's nodelist into *tiers. Returns 0 or a negative errno. */
static int read_tier(const char *dir, unsigned id, struct memory_tier **tiers, size_t *n) {
        char path[PATH_MAX], buf[TIER_NODELIST_MAX];
        struct memory_tier *t;
        struct nodeset nodes;
        ssize_t len;

        if (snprintf(path, sizeof(path), "%s/memory_tier%u/nodelist", dir, id) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        len = file_read_small(path, buf, sizeof(buf));
        if (len == -ENOENT)
                return 0; /* the tier went with its last node's memory since the listing */
        if (len < 0)
                return (int) len;
        if (nodeset_parse_kernel(buf, &nodes) < 0)
                return -EINVAL;
        t = array_append(tiers, n, sizeof(*t));
        if (!t)
                return -ENOMEM;
        *t = (struct memory_tier){.id = id, .nodes = nodes};
        return 0;
}

int topology_memory_tiers(const char *sysfs, struct memory_tier **ret, size_t *ret_n) {
        char dir[PATH_MAX];
        _cleanup_free_ struct memory_tier *tiers = NULL;
        size_t n = 0;
        struct dirent *e;
        _cleanup_(closedirp) DIR *d = NULL;
        int r;

        snprintf(dir, sizeof(dir), "%s/devices/virtual/memory_tiering", sysfs);
        d = opendir(dir);
        if (!d)
                return errno == ENOTDIR ? -ENOENT : -errno;
        while ((e = readdir(d))) {
                long id;

                /* Beside the tiers: power/, uevent. */
                if (strncmp(e->d_name, "memory_tier", 11) != 0)
                        continue;
                id = parse_id_str(e->d_name + 11, UINT_MAX);
                if (id < 0)
                        continue;
                r = read_tier(dir, (unsigned) id, &tiers, &n);
                if (r < 0)
                        return r;
        }
        if (n > 1)
                qsort(tiers, n, sizeof(*tiers), cmp_tier);
        *ret = TAKE_PTR(tiers);
        *ret_n = n;
        return 0;
}

/* A "Node N Key:   value kB" line's value in bytes, when the line is key's. */
static bool meminfo_field(const char *line, const char *key, uint64_t *ret) {
        unsigned long long kib;
        unsigned node;
        int at = 0;
        char name[32];

        if (sscanf(line, "Node %u %31[^:]: %llu kB%n", &node, name, &kib, &at) != 3 || at == 0)
                return false;
        if (strcmp(name, key) != 0 || kib > UINT64_MAX / 1024)
                return false;
        *ret = (uint64_t) kib * 1024;
        return true;
}

int topology_parse_node_meminfo(const char *text, uint64_t *ret_offer) {
        uint64_t free_b = 0, inactive = 0;
        bool has_free = false, has_inactive = false;

        for (const char *line = text; line; line = strchr(line, '\n')) {
                if (*line == '\n')
                        line++;
                if (!has_free)
                        has_free = meminfo_field(line, "MemFree", &free_b);
                if (!has_inactive)
                        has_inactive = meminfo_field(line, "Inactive(file)", &inactive);
        }
        if (!has_free || !has_inactive)
                return -EINVAL;
        *ret_offer = free_b + inactive;
        return 0;
}

int topology_node_offer(const char *sysfs, unsigned id, uint64_t *ret_offer) {
        char path[PATH_MAX], buf[NODE_MEMINFO_MAX];
        ssize_t n;

        snprintf(path, sizeof(path), "%s/devices/system/node/node%u/meminfo", sysfs, id);
        n = file_read_small(path, buf, sizeof(buf));
        if (n < 0)
                return (int) n;
        return topology_parse_node_meminfo(buf, ret_offer);
}

int topology_node_access(const char *sysfs, unsigned id, uint64_t *ret_latency, uint64_t *ret_bandwidth) {
        char path[PATH_MAX];
        uint64_t latency = 0, bandwidth = 0;
        int r;

        snprintf(path, sizeof(path), "%s/devices/system/node/node%u/access0/initiators/read_latency", sysfs,
                id);
        r = read_u64(path, &latency);
        if (r < 0 && r != -ENOENT)
                return r;
        snprintf(path, sizeof(path), "%s/devices/system/node/node%u/access0/initiators/read_bandwidth", sysfs,
                id);
        r = read_u64(path, &bandwidth);
        if (r < 0 && r != -ENOENT)
                return r;
        *ret_latency = latency;
        *ret_bandwidth = bandwidth;
        return 0;
}
