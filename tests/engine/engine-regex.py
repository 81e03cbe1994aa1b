#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The oVirt Engine value regexes for the numa, numaset and numa_memnode
custom properties, generated because they are too long to keep by hand.

    engine-regex.py numa|numa_memnode    one regex
    engine-regex.py --engine-config      the engine-config -m value

Engine checks a value with Java's String.matches(regex), which must match
the whole value. The same text is a GNU `grep -zxE` pattern and a Python
`re.fullmatch(..., flags=re.ASCII)` pattern (ASCII: Java's \\s and \\b are
ASCII by default). It holds no ';' (Engine splits UserDefinedVMProperties at
';') and '=' only after the name (Engine splits each entry once at '=').

What the regexes refuse, as the hook does whatever the host: a node or cell
id above 4095 (leading zeros allowed, as the hook allows them), a range
N-M with N > M, a mode other than the four, 'preferred' with anything but
one plain node, 'auto' or 'fit', 'auto' or a mode alone in numa_memnode
('N=MODE:fit' and 'MODE:fit' alone, every guest cell, are fine), and a mode
alone in numa (the hook allows that only with <vcpu placement='auto'>,
which Engine never writes). A cell given twice cannot be refused: that
needs a negative lookahead, which grep -E lacks.

How, without lookahead, and with at most 9 back-references (GNU grep):
  - N <= M without leading zeros: shorter N, or the same length and a
    first differing digit that is smaller in N, or equal. The common
    prefix before the differing digit is a back-reference (\\1...\\9) when
    the digits differ at the last place (prefix of 0 to 3 digits, which
    also covers N = M) or the second to last (1 or 2 digits); a one-digit
    prefix further left, and the prefixes 40 and 409, are spelled out.
  - M <= 4095 (hence N <= 4095): the alternatives whose M has 4 digits
    spell out 1000-3999, 4000-4089 and 4090-4095.
  - Each nodeset is one loop over items, each preceded by its separator
    (the mode's ':' at the start, else ','); '\\b,' makes a ',' follow an
    item (a digit), so no second copy of the item pattern, and the
    back-reference numbers, are needed.
"""
import re
import sys

MODES_NODESET = ["strict", "interleave", "restrictive"]
MODES = MODES_NODESET + ["preferred"]


def digits(n):
    return "[0-9]" if n == 1 else "[0-9]{%d}" % n if n > 1 else ""


def above(d, hi=9):
    """A class for the digits d+1..hi."""
    lo = d + 1
    if lo > hi:
        return None
    # Always bracketed: a digit right after a back-reference would extend its number.
    return "[%d]" % lo if lo == hi else "[%d-%d]" % (lo, hi)


def from_(d, hi=9):
    """A class for the digits d..hi."""
    return "[%d]" % d if d == hi else "[%d-%d]" % (d, hi)


# A node or cell id after its leading zeros: 0..4095.
BOUNDED = ["[0-9]{1,3}", "[1-3][0-9]{3}", "40[0-8][0-9]", "409[0-5]"]
# M with 4 digits, first digit > a (a in 0..3).
def four_digit_above(a):
    alts = []
    if a + 1 <= 3:
        alts.append(above(a, 3) + "[0-9]{3}")
    alts += ["40[0-8][0-9]", "409[0-5]"]
    return alts


def item_alternatives():
    """The item after '^?0*': a node, or a range N-M with N <= M <= 4095.
    '(P0' and '(P1' open the two groups that '\\P0' and '\\P1' name;
    number_groups() turns them into group numbers."""
    alts = list(BOUNDED)
    m = "-0*"
    # N shorter than M (M without leading zeros: first digit 1-9).
    alts.append("[0-9]" + m + "[1-9][0-9]")
    alts.append("[0-9]{1,2}" + m + "[1-9][0-9]{2}")
    for tail in four_digit_above(0):
        alts.append("[0-9]{1,3}" + m + tail)
    # Same length, first digit smaller in N (2 and 3 digits; then 4).
    for k in (1, 2):
        for a in range(1, 9):
            alts.append("%d%s%s%s%s" % (a, digits(k), m, above(a), digits(k)))
    for a in range(1, 4):
        for tail in four_digit_above(a):
            alts.append("%d[0-9]{3}%s%s" % (a, m, tail))
    # Same length, differing in the third digit from the end: 4 digits,
    # common first digit 1-3 (4 would put M above 4095).
    for d in range(1, 4):
        for a in range(0, 9):
            alts.append("%d%d[0-9]{2}%s%d%s[0-9]{2}" % (d, a, m, d, above(a)))
    # Differing in the second digit from the end; common prefix P1 of 1 or
    # 2 digits (3 or 4 in all, the first 1-3 when 4), then 40 spelled out.
    xy1 = "|".join("%d[0-9]%s\\P1%s[0-9]" % (a, m, above(a)) for a in range(0, 9))
    alts.append("(P1[1-9]|[1-3][0-9])(" + xy1 + ")")
    for a in range(0, 8):
        alts.append("40%d[0-9]%s40%s[0-9]" % (a, m, above(a, 8)))
    for a in range(0, 9):
        alts.append("40%d[0-9]%s409[0-5]" % (a, m))
    # Equal, or differing in the last digit: common prefix P0 of 0 to 3
    # digits (M <= 4089 that way), then 409 spelled out.
    xy0 = "|".join("%d%s\\P0%s" % (a, m, from_(a)) for a in range(0, 10))
    alts.append("(P0[1-9]|[1-9][0-9]|[1-3][0-9]{2}|40[0-8]|)(" + xy0 + ")")
    for a in range(0, 6):
        alts.append("409%d%s409%s" % (a, m, from_(a, 5)))
    return alts


def item():
    return r"\^?0*(" + "|".join(item_alternatives()) + ")"


def number_groups(template):
    """Replaces the (P0/\\P0 markers by real group numbers."""
    out, groups, n, i = [], {}, 0, 0
    while i < len(template):
        c = template[i]
        if c == "\\" and template[i + 1] == "P":
            name = template[i + 1:i + 3]
            out.append("\\%d" % groups[name])
            i += 3
            continue
        if c == "\\":
            out.append(template[i:i + 2])
            i += 2
            continue
        if c == "(":
            n += 1
            if template[i + 1] == "P":
                groups[template[i + 1:i + 3]] = n
                out.append("(")
                i += 3
                continue
        out.append(c)
        i += 1
    if any(v > 9 for v in groups.values()):
        sys.exit("engine-regex.py: a back-referenced group is above 9, which grep -E cannot name")
    return "".join(out)


def numa():
    sep = "|".join(r"^\s*%s:" % mode for mode in MODES_NODESET) + r"|\b,"
    one = "0*(" + "|".join(BOUNDED) + ")"
    return number_groups(
        "(("
        + sep
        + ")"
        + item()
        + r")+\s*"
        + r"|\s*("
        + "|".join(MODES_NODESET)
        + r"):(auto|fit)\s*"
        + r"|\s*preferred:(auto|fit|"
        + one
        + r")\s*"
    )


def numa_memnode():
    cells = ["0*%s=" % c for c in BOUNDED]
    head = "|".join(r"\s*\b%s%s:" % (c, mode) for c in cells for mode in MODES_NODESET)
    one = "0*(" + "|".join(BOUNDED) + ")"
    # A preferred entry ends with whitespace or the end, so no ',' follows it.
    preferred = r"\s*\b0*(" + "|".join(BOUNDED) + r")=preferred:" + one + r"(\s|$)"
    # A fit entry, like a preferred one, ends with whitespace or the end.
    fit = r"\s*\b0*(" + "|".join(BOUNDED) + r")=(" + "|".join(MODES) + r"):fit(\s|$)"
    every = r"|\s*(" + "|".join(MODES) + r"):fit\s*"
    return number_groups(
        "((" + head + r"|\b,)" + item() + "|" + preferred + "|" + fit + r")+\s*" + every)


def main():
    regexes = {"numa": numa(), "numaset": numa(), "numa_memnode": numa_memnode()}
    for r in regexes.values():
        assert ";" not in r
        re.compile(r, re.ASCII)
    if sys.argv[1:] == ["--engine-config"]:
        print(";".join("%s=%s" % kv for kv in regexes.items()))
    elif len(sys.argv) == 2 and sys.argv[1] in regexes:
        print(regexes[sys.argv[1]])
    else:
        sys.exit("usage: engine-regex.py numa|numaset|numa_memnode|--engine-config")


if __name__ == "__main__":
    main()
