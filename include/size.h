/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* libvirt's scaled integers (memory sizes with units): parsing and formatting. */

#include <stddef.h>
#include <stdint.h>

/* libvirt's bound on a memory size (virMemoryMaxValue on 64-bit hosts: off_t). */
#define SIZE_BYTES_MAX ((uint64_t) INT64_MAX)

/*
 * A memory size as libvirt reads it (virParseScaledValue, virScaleInteger,
 * virDomainParseMemory), e.g. <memory unit='GiB'>4</memory>:
 *
 *   number := B [ '+' ] DIGIT+        B: blanks (isspace); nothing may follow,
 *                                     not even a blank; no '-', no hex
 *   unit   := (none or empty: KiB) | b | byte | bytes
 *           | P | P 'iB'              powers of 1024
 *           | P 'B'                   powers of 1000    (P: k m g t p e)
 *
 * units matched without regard to case. The bytes must not exceed
 * SIZE_BYTES_MAX, and libvirt keeps the size in KiB rounded up, which must
 * stay below SIZE_BYTES_MAX / 1024 rounded up; *ret_bytes is that rounded
 * size. An empty number is -EINVAL here (libvirt reads an empty <memory>
 * as absent; that is the caller's to decide). Returns 0, -EINVAL for a
 * malformed number or unknown unit, or -ERANGE for a size out of range.
 */
int size_parse(const char *number, const char *unit, uint64_t *ret_bytes);

/* "8 GiB", "3.5 GiB", "512 MiB", "12 B": for messages. */
#define SIZE_FORMAT_MAX 32
const char *size_format(uint64_t bytes, char buf[static SIZE_FORMAT_MAX]);
