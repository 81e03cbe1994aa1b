/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct hook_request {
        const char *spec;              /* the property's value; NULL: nothing to do */
        const char *domxml_path;       /* NULL when _hook_domxml is unset */
        const char *capabilities_path; /* NULL: this host, through libnuma */
        bool dry_run;                  /* compute everything, write nothing */
};

struct hook_result {
        bool changed;
        char *output; /* the resulting document, only for a dry run */
        size_t output_len;
        char info[DIAG_LINE_MAX]; /* the success line, without "numa: " */
};

/*
 * The whole run, in the order the data flows: spec -> domain XML ->
 * topology -> node set -> edit -> check -> file. Everything is checked
 * before the file is touched, so a failure changes nothing.
 * Returns 0, or a negative errno with d filled.
 */
int hook_run(const struct hook_request *req, struct hook_result *ret, struct diag *d);
void hook_result_done(struct hook_result *r);
