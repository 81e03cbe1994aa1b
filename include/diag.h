/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The one error carrier: an error message, the warnings, and safe quoting for them. */

#include <stddef.h>

#include "macro.h"

/* One line an admin reads in vdsm.log; longer text is cut, never wrapped. */
#define DIAG_LINE_MAX 512
/* Enough for every warning one run can raise (one per node, capped). */
#define DIAG_WARNINGS_MAX 16

/*
 * The one error carrier. The module that finds a problem fills it in;
 * main.c prints it once as "numa: <message>". Warnings collect beside it
 * and are printed as "numa: warning: <message>".
 */
struct diag {
        int error; /* negative errno-style code, 0 while all is well */
        char message[DIAG_LINE_MAX];
        size_t n_warnings;
        size_t n_dropped_warnings;
        char warnings[DIAG_WARNINGS_MAX][DIAG_LINE_MAX];
};

void diag_init(struct diag *d);

/* Records the first error only (later ones are consequences). Returns code, which must be < 0. */
int diag_error(struct diag *d, int code, const char *fmt, ...) _printf_(3, 4);
void diag_warn(struct diag *d, const char *fmt, ...) _printf_(2, 3);

/* Where a step began: what diag_rewind() and diag_demote() go back to. */
struct diag_mark {
        size_t n_warnings;
        size_t n_dropped_warnings;
};

struct diag_mark diag_mark(const struct diag *d);

/* Forgets the error and the warnings recorded since mark: a try whose failure is judged again. */
void diag_rewind(struct diag *d, struct diag_mark mark);

/*
 * Turns the error, recorded since mark, into the warning "<message><fmt
 * expanded>", placed before the warnings recorded since mark (as if it
 * had been raised first), and clears the error: for a finding that is an
 * error elsewhere but only a warning here. Past DIAG_WARNINGS_MAX, the
 * last warning is the one dropped and counted.
 */
void diag_demote(struct diag *d, struct diag_mark mark, const char *fmt, ...) _printf_(3, 4);

/*
 * Rewords the recorded error as "<prefix><message><suffix>" with code (an
 * empty message when none was recorded), and returns code: for a failure
 * that means something else to the caller than to the step that found it.
 */
int diag_reword(struct diag *d, int code, const char *prefix, const char *suffix);

/*
 * Quotes untrusted bytes for a one-line message: printable ASCII stays,
 * everything else (newlines, control bytes, non-ASCII) becomes \xNN, and a
 * value longer than max_shown bytes is cut with "...". Always terminates buf.
 */
void diag_quote(const char *s, size_t len, size_t max_shown, char *buf, size_t bufsize);
/* The size of a buffer that holds any diag_quote() with that max_shown: 4 bytes each (\xNN), "..." and the
 * NUL. */
#define DIAG_QUOTE_SIZE(max_shown) ((max_shown) *4 + 4)
