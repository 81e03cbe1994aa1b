/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * A libvirt scaled integer, as in <memory unit='GiB'>4</memory>: decimal
 * digits (blanks around them allowed) and a unit, matched without regard
 * to case as libvirt does: b or bytes; K, M, G, T, P, E alone or with iB
 * for powers of 1024; KB, MB, ... for powers of 1000. A NULL or empty unit
 * means KiB, libvirt's default for both <memory> and capabilities cells.
 * Returns 0, -EINVAL for a malformed number or unknown unit, or -ERANGE
 * when the result does not fit 64 bits.
 */
int size_parse(const char *number, const char *unit, uint64_t *ret_bytes);

/* "8 GiB", "3.5 GiB", "512 MiB", "12 B": for messages. */
#define SIZE_FORMAT_MAX 32
const char *size_format(uint64_t bytes, char buf[static SIZE_FORMAT_MAX]);
