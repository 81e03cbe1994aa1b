#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Engine value regexes against the hook's own parser.

    engine-regex-test.py HOOK-VERDICT ENGINE-DIR

For every row of ENGINE-DIR/values.tsv: the regex of engine-regex.py gives
the same verdict under GNU grep -zxE, Python re.fullmatch (re.ASCII) and,
when java is installed, Java's String.matches, which is what Engine calls;
that verdict is the row's engine column; the hook (HOOK-VERDICT: its parser
and resolve_spec() on the largest possible host) gives the hook column. Rows
where the two columns differ are the cases a regex cannot or should not
share, and are printed as TAP notes. Then every range N-M over the
boundary values of 0..4200 is checked against N <= M <= 4095 by both the
regexes and the hook, the engine-config value must pass Engine's own
syntax check and split back into the regexes, and README.md and the man
page must carry the regexes engine-regex.py generates. Prints TAP.
"""
import importlib.util
import itertools
import os
import re
import shutil
import subprocess
import sys

hook_verdict, engine_dir = sys.argv[1], sys.argv[2]
source_root = os.path.dirname(os.path.dirname(os.path.abspath(engine_dir)))

spec = importlib.util.spec_from_file_location("engine_regex", os.path.join(engine_dir, "engine-regex.py"))
engine_regex = importlib.util.module_from_spec(spec)
spec.loader.exec_module(engine_regex)
regexes = {"numa": engine_regex.numa(), "numaset": engine_regex.numa(), "numa_memnode": engine_regex.numa_memnode()}

n = 0
failed = 0


def tap(ok, what):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print("%s %d %s" % ("ok" if ok else "not ok", n, what))


def nul_input(values):
    return b"".join(v.encode() + b"\0" for v in values)


def grep_verdicts(regex, values):
    """One grep per value: -z makes a newline in a value ordinary, -x the whole value."""
    out = []
    for v in values:
        r = subprocess.run(["grep", "-qzxE", regex], input=v.encode() + b"\0", env=dict(os.environ, LC_ALL="C"))
        if r.returncode > 1:
            sys.exit("grep failed on the regex")
        out.append(r.returncode == 0)
    return out


def grep_set(regex, values):
    """Many values at once: the set of those grep matches."""
    r = subprocess.run(["grep", "-zxE", regex], input=nul_input(values), capture_output=True,
                       env=dict(os.environ, LC_ALL="C"))
    if r.returncode > 1:
        sys.exit("grep failed on the regex")
    return {v.decode() for v in r.stdout.split(b"\0") if v}


def java_verdicts(regex, values):
    if not shutil.which("java"):
        return None
    r = subprocess.run(["java", os.path.join(engine_dir, "Matches.java"), regex], input=nul_input(values),
                       capture_output=True, check=True)
    return [line == "ok" for line in r.stdout.decode().splitlines()]


def hook_verdicts(prop, values):
    r = subprocess.run([hook_verdict, prop], input=nul_input(values), capture_output=True, check=True)
    lines = r.stdout.decode().splitlines()
    assert len(lines) == len(values)
    return [(line == "ok", line[3:]) for line in lines]


def unescape(s):
    return s.replace("\\t", "\t").replace("\\n", "\n")


rows = []
with open(os.path.join(engine_dir, "values.tsv")) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        prop, value, engine, hook, why = line.rstrip("\n").split("\t")
        rows.append((prop, unescape(value), engine, hook, why))

notes = []
for prop in regexes:
    mine = [r for r in rows if r[0] == prop]
    values = [r[1] for r in mine]
    grep = grep_verdicts(regexes[prop], values)
    python = [re.fullmatch(regexes[prop], v, re.ASCII) is not None for v in values]
    java = java_verdicts(regexes[prop], values)
    hook = hook_verdicts(prop, values)
    for i, (_, value, engine, want_hook, why) in enumerate(mine):
        name = "%s=%r" % (prop, value)
        want_engine = engine == "ok"
        problems = []
        if grep[i] != want_engine:
            problems.append("grep -E %s" % ("accepts" if grep[i] else "refuses"))
        if python[i] != want_engine:
            problems.append("Python %s" % ("accepts" if python[i] else "refuses"))
        if java is not None and java[i] != want_engine:
            problems.append("Java %s" % ("accepts" if java[i] else "refuses"))
        if want_hook != "host" and hook[i][0] != (want_hook == "ok"):
            problems.append("the hook %s" % ("accepts" if hook[i][0] else "refuses (%s)" % hook[i][1]))
        if engine != want_hook and not why:
            problems.append("engine and hook differ, and the table does not say why")
        if engine != want_hook:
            notes.append("%s: engine %s, hook %s: %s" % (name, engine, want_hook, why))
        tap(not problems, "%s: engine %s, hook %s%s" % (name, engine, want_hook, "; " + ", ".join(problems) if problems else ""))

print("# rows where the Engine regex and the hook cannot (or by design do not) agree:")
for note in notes:
    print("#   " + note)

# Every range over the boundaries of the digit lengths and of 4095.
bounds = sorted(set(itertools.chain(range(0, 120), range(190, 212), range(990, 1012), range(1990, 2011),
                                    range(2990, 3011), range(3990, 4200))))
for prop, fmt in (("numa", "strict:%s-%s"), ("numa_memnode", "0=strict:%s-%s 1=interleave:%s")):
    values, truth = [], []
    for a in bounds:
        for b in bounds:
            if prop == "numa_memnode" and (a + b) % 7:
                continue  # a sample: the same item pattern as numa
            values.append(fmt % ((a, b) if prop == "numa" else (a, b, b)))
            truth.append(a <= b <= 4095)
    regex = re.compile(regexes[prop], re.ASCII)
    python = [regex.fullmatch(v) is not None for v in values]
    grep = grep_set(regexes[prop], values)
    hook = [ok for ok, _ in hook_verdicts(prop, values)]
    bad = [v for v, t, p, h in zip(values, truth, python, hook) if not (t == p == h == (v in grep))]
    tap(not bad, "%s: %d ranges N-M over 0..4199 boundaries: regex (grep -E, Python) and hook say N <= M <= 4095%s"
        % (prop, len(values), "; wrong: " + ", ".join(bad[:10]) if bad else ""))

# The engine-config value survives Engine's parsing: its syntax check
# (CustomPropertiesUtils.VALIDATION_STR), then split(";") and split("=", 2).
config = subprocess.run([sys.executable, os.path.join(engine_dir, "engine-regex.py"), "--engine-config"],
                        capture_output=True, text=True, check=True).stdout.rstrip("\n")
key_value = "(([a-z_A-Z0-9])+)=(([^;])*)"
parsed = dict(entry.split("=", 1) for entry in config.split(";"))
tap(re.fullmatch("(" + key_value + "(;" + key_value + ")*;?)?", config) is not None and parsed == regexes,
    "the engine-config value passes Engine's syntax check and splits back into the three regexes")

# The documentation carries what this script generates.
with open(os.path.join(source_root, "README.md")) as f:
    readme = f.read()
with open(os.path.join(source_root, "doc", "vdsm-hook-numa.8.scd")) as f:
    man = f.read()
for prop in ("numa", "numa_memnode"):
    tap(regexes[prop] in readme, "README.md carries the generated %s regex" % prop)
    tap(regexes[prop].replace("\\", "\\\\") in man, "the man page carries the generated %s regex" % prop)

print("1..%d" % n)
sys.exit(1 if failed else 0)
