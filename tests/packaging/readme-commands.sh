#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's commands, taken from README.md itself and run in the order an
# admin runs them, in a scratch copy of the source tree: the first command
# (set up, build, try the hook; its apt-get is stubbed out, as whatever runs
# this test has the packages already), then the "Elsewhere (meson)" install
# command into a DESTDIR, the release tarball command (meson dist, in the
# copy committed to a scratch git repository) and the meson uninstall
# command. The hook points (and the tmpfiles.d entry) must land where VDSM looks,
# /usr/libexec/vdsm/hooks/<point>/, not under /usr/local: a second
# `meson setup build --prefix=/usr` on the first command's build/ only says
# "Directory already configured" and keeps /usr/local. The tarball must be
# where the README says, and the uninstall must leave no file behind.
#
#   readme-commands.sh SOURCE-DIR
#
# Prints TAP.
set -u
src=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; exit; }

# block_after LINE [WORD]: the first ```sh block after the first line that starts with LINE ('' for the file's
# first block) whose text holds WORD.
block_after() {
    LINE=$1 WORD=${2:-} awk '
        !seen && (ENVIRON["LINE"] == "" || index($0, ENVIRON["LINE"]) == 1) { seen = 1; if (ENVIRON["LINE"] != "") next }
        seen && !inside && /^```sh$/ { inside = 1; text = ""; next }
        inside && /^```$/ { inside = 0; if (ENVIRON["WORD"] == "" || index(text, ENVIRON["WORD"])) { printf "%s", text; exit } next }
        inside { text = text $0 "\n" }' "$src/README.md"
}
first=$(block_after '')
install=$(block_after '**Elsewhere (meson).**')
uninstall=$(block_after '**Uninstall.**' 'ninja')
dist=$(block_after '' 'meson dist')
for c in first install uninstall dist; do
    if [ -z "${!c}" ]; then
        not_ok "README.md has the $c command"
        finish
    fi
done

# The source as a fresh clone has it: no build trees (a directory holding meson-private/), no .git.
mkdir "$tmp/src"
for entry in "$src"/* "$src"/.[!.]*; do
    [ -e "$entry" ] || continue
    [ "$(basename "$entry")" = .git ] || [ -d "$entry/meson-private" ] && continue
    cp -a "$entry" "$tmp/src/"
done

# A checkout, as meson dist needs: the copy committed as it is (build trees are in .gitignore).
has_git=false
if command -v git > /dev/null && command -v scdoc > /dev/null \
    && (cd "$tmp/src" && git init -q && git add -A && git -c user.name=test -c user.email=test@localhost commit -qm copy); then
    has_git=true
fi

# run NAME COMMAND: the README's line as bash runs it, in the copy, apt-get a no-op.
run() {
    (cd "$tmp/src" && DESTDIR=$tmp/root bash -c "apt-get() { :; }; $2") > "$tmp/$1.out" 2> "$tmp/$1.err"
}

if run first "$first" && grep -q '<numatune>' "$tmp/first.out"; then
    ok "first command: $(grep -o 'meson setup [^&]*' <<< "$first" | head -n 1)... prints the example with <numatune>"
else
    not_ok "first command failed or printed no <numatune>: $(tail -n 5 "$tmp/first.err")"
fi
if run install "$install"; then
    ok "install command after it: $install"
else
    not_ok "install command: $install: $(tail -n 5 "$tmp/install.err")"
fi

bin=$tmp/root/usr/bin/vdsm-hook-numa
if [ -f "$bin" ] && [ -x "$bin" ]; then
    ok "the program is /usr/bin/vdsm-hook-numa"
else
    not_ok "no /usr/bin/vdsm-hook-numa; installed: $(cd "$tmp/root" 2> /dev/null && find . -name vdsm-hook-numa -type f | tr '\n' ' ')"
fi
for point in before_vm_start before_vm_migrate_destination before_vm_dehibernate after_vm_start \
    after_vm_migrate_destination after_vm_dehibernate after_vm_destroy; do
    link=$tmp/root/usr/libexec/vdsm/hooks/$point/50_numa
    if [ -L "$link" ] && [ "$(realpath "$link")" = "$(realpath "$bin" 2> /dev/null)" ]; then
        ok "/usr/libexec/vdsm/hooks/$point/50_numa links to /usr/bin/vdsm-hook-numa"
    else
        not_ok "no /usr/libexec/vdsm/hooks/$point/50_numa; installed: $(cd "$tmp/root" 2> /dev/null && find . -name 50_numa | tr '\n' ' ')"
    fi
done
if [ -f "$tmp/root/usr/lib/tmpfiles.d/vdsm-hook-numa.conf" ]; then
    ok "/usr/lib/tmpfiles.d/vdsm-hook-numa.conf makes the claims ledger's run directory"
else
    not_ok "no /usr/lib/tmpfiles.d/vdsm-hook-numa.conf; installed: $(cd "$tmp/root" 2> /dev/null && find . -name '*.conf' | tr '\n' ' ')"
fi
if [ -e "$tmp/root/usr/local" ]; then
    not_ok "nothing under /usr/local: $(cd "$tmp/root" && find usr/local -type f -o -type l | head -n 5 | tr '\n' ' ')"
else
    ok "nothing under /usr/local"
fi

# The release tarball, where the README says it lands.
if ! $has_git; then
    ok "# SKIP meson dist: needs git and scdoc"
elif run dist "$dist" && tarball=$(grep -o 'build/meson-dist/vdsm-hook-numa-[^`]*\.tar\.xz' "$src/README.md" | head -n 1) \
    && [ -n "$tarball" ] && version=$(sed -n "s/^ *version : '\(.*\)',/\1/p" "$tmp/src/meson.build") \
    && [ -f "$tmp/src/$tarball" ] && [ "$tarball" = "build/meson-dist/vdsm-hook-numa-$version.tar.xz" ]; then
    ok "dist command: $dist writes $tarball"
else
    not_ok "dist command: $dist: no ${tarball:-tarball named in README.md} ($(ls "$tmp/src/build/meson-dist" 2> /dev/null | tr '\n' ' ')): $(tail -n 3 "$tmp/dist.err" 2> /dev/null | tr '\n' ' ')"
fi

# And gone again: the program, the links, the man page.
if run uninstall "$uninstall" && [ -z "$(cd "$tmp/root" 2> /dev/null && find . \( -type f -o -type l \) | head -n 1)" ]; then
    ok "uninstall command: $uninstall leaves no file"
else
    not_ok "uninstall command: $uninstall left: $(cd "$tmp/root" 2> /dev/null && find . \( -type f -o -type l \) | head -n 5 | tr '\n' ' ') $(tail -n 3 "$tmp/uninstall.err" | tr '\n' ' ')"
fi
finish
