/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capabilities.h"
#include "domxml.h"
#include "fileio.h"
#include "hook.h"
#include "macro.h"
#include "numatune.h"
#include "resolve.h"
#include "size.h"
#include "spec.h"
#include "topology.h"

static int vm_facts_from(const struct domxml_facts *f, struct vm_facts *ret, struct diag *d) {
        struct vm_facts vm = {.vcpu_placement_auto = f->vcpu_placement_auto};

        if (f->has_memory) {
                if (size_parse(f->memory_text, f->memory_unit, &vm.memory) < 0) {
                        char t[160], u[80];

                        diag_quote(f->memory_text, strlen(f->memory_text), 32, t, sizeof(t));
                        diag_quote(f->memory_unit ? f->memory_unit : "KiB",
                                strlen(f->memory_unit ? f->memory_unit : "KiB"), 16, u, sizeof(u));
                        return diag_error(
                                d, -EINVAL, "domain XML has an invalid <memory unit='%s'>%s</memory>", u, t);
                }
                vm.has_memory = true;
        }

        *ret = vm;
        return 0;
}

static int load_topology(const struct hook_request *req, struct topology *ret, struct diag *d) {
        if (req->capabilities_path)
                return capabilities_load(req->capabilities_path, 0, ret, d);
        return topology_load(0, ret, d);
}

static int set_output(struct hook_result *res, const char *data, size_t len, bool copy) {
        if (!copy) {
                res->output = (char *) data;
                res->output_len = len;
                return 0;
        }
        res->output = malloc(len ? len : 1);
        if (!res->output)
                return -ENOMEM;
        memcpy(res->output, data, len);
        res->output_len = len;
        return 0;
}

/* No property: a real run leaves the file alone unread; a dry run shows it unchanged. */
static int run_nothing(const struct hook_request *req, struct hook_result *res, struct diag *d) {
        struct file_data file;
        int r;

        if (!req->dry_run || !req->domxml_path)
                return 0;

        r = file_read(req->domxml_path, "domain XML", DOMXML_SIZE_MAX, FILE_NOFOLLOW, &file, d);
        if (r < 0)
                return r;
        res->output = TAKE_PTR(file.data);
        res->output_len = file.len;
        snprintf(res->info, sizeof(res->info), "no 'numa' custom property; domain XML unchanged");
        return 0;
}

int hook_run(const struct hook_request *req, struct hook_result *ret, struct diag *d) {
        struct hook_result res = {0};
        struct numa_spec spec;
        struct file_data file = {0};
        struct domxml_facts facts = {0};
        struct topology topo = {0};
        struct vm_facts vm;
        struct numa_binding binding;
        struct domxml_edit edit = {0};
        _cleanup_free_ char *markup = NULL;
        char *out = NULL;
        size_t out_len = 0;
        int r;

        if (!req->spec) {
                r = run_nothing(req, &res, d);
                if (r >= 0)
                        *ret = res;
                return r;
        }

        r = spec_parse(req->spec, &spec, d);
        if (r < 0)
                return r;

        if (!req->domxml_path)
                return diag_error(
                        d, -EINVAL, "_hook_domxml is not set; VDSM sets it, by hand use --domxml FILE");

        r = file_read(
                req->domxml_path, "domain XML", DOMXML_SIZE_MAX, FILE_NOFOLLOW | FILE_SINGLE_LINK, &file, d);
        if (r < 0)
                return r;

        r = domxml_scan(file.data, file.len, &facts, d);
        if (r < 0)
                goto finish;

        r = vm_facts_from(&facts, &vm, d);
        if (r < 0)
                goto finish;

        r = load_topology(req, &topo, d);
        if (r < 0)
                goto finish;

        r = resolve(&spec, &topo, &vm, &binding, d);
        if (r < 0)
                goto finish;

        if (binding.placement_auto && !req->capabilities_path && !topology_numad_installed())
                diag_warn(d, "placement 'auto' needs numad, which is not installed on this host");

        r = numatune_plan(file.data, &facts, &binding, spec.quoted, &edit, d);
        if (r < 0)
                goto finish;
        res.changed = r > 0;

        r = numatune_memory_markup(&binding, '\'', &markup);
        if (r < 0) {
                diag_error(d, r, "out of memory");
                goto finish;
        }

        if (res.changed) {
                r = domxml_splice(file.data, file.len, &edit, &out, &out_len);
                if (r < 0) {
                        diag_error(d, r, "cannot edit the domain XML: %s", strerror(-r));
                        goto finish;
                }
                r = numatune_verify(out, out_len, &binding, d);
                if (r < 0)
                        goto finish;
                if (!req->dry_run) {
                        r = file_replace(req->domxml_path, &file.st, out, out_len, d);
                        if (r < 0)
                                goto finish;
                }
                snprintf(res.info, sizeof(res.info), "set %s from '%s'", markup, spec.quoted);
        } else
                snprintf(res.info, sizeof(res.info),
                        "%s from '%s' is already in the domain XML; nothing to change", markup, spec.quoted);

        if (req->dry_run) {
                r = res.changed ? set_output(&res, TAKE_PTR(out), out_len, false)
                                : set_output(&res, file.data, file.len, true);
                if (r < 0) {
                        diag_error(d, r, "out of memory");
                        goto finish;
                }
        }

        *ret = res;
        res = (struct hook_result){0};
        r = 0;

finish:
        free(out);
        free(edit.text);
        hook_result_done(&res);
        topology_done(&topo);
        domxml_facts_done(&facts);
        file_data_done(&file);
        return r;
}

void hook_result_done(struct hook_result *r) {
        free(r->output);
        *r = (struct hook_result){0};
}
