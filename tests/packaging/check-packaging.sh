#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shipping checks, each a line of its own:
#   1. `meson install --prefix=/usr` lays out the hook, its migration
#      symlink, the man page and the docs where admins expect them;
#   2. the man page has no warnings (`man --warnings -l`);
#   3. `meson dist` makes a tarball holding the built man page and a
#      filled-in spec;
#   4. that tarball builds without looking for scdoc and passes its test suite
#      (but e2e, which run-all.sh runs once, from the checkout);
#   5. `rpmbuild -bb` builds the RPM from it (Debian's rpm lacks Fedora's
#      %meson macros: tests/packaging/rpm-macros supplies them), and
#      `rpm -qlp` lists the hook paths.
# Run from the source tree (a git checkout, as meson dist needs).
set -u
cd "$(dirname "$0")/../.."
src=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

hookdir=usr/libexec/vdsm/hooks
meson setup "$tmp/build" --prefix=/usr -Dtests=false > "$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; exit 1; }
meson compile -C "$tmp/build" > /dev/null || exit 1
DESTDIR="$tmp/root" meson install -C "$tmp/build" --no-rebuild > /dev/null || exit 1

# 1. install layout
problems=""
[ -x "$tmp/root/$hookdir/before_vm_start/50_numa" ] || problems+=" no executable before_vm_start/50_numa;"
[ "$(readlink "$tmp/root/$hookdir/before_vm_migrate_destination/50_numa")" = ../before_vm_start/50_numa ] \
    || problems+=" before_vm_migrate_destination/50_numa is not a relative symlink to ../before_vm_start/50_numa;"
[ -f "$tmp/root/usr/share/man/man8/vdsm-hook-numa.8" ] || problems+=" no man page;"
for f in README.md domain.xml; do
    [ -f "$tmp/root/usr/share/doc/vdsm-hook-numa/$f" ] || problems+=" no doc $f;"
done
version=$(meson introspect --projectinfo "$tmp/build" | sed -n 's/.*"version": "\([^"]*\)".*/\1/p')
[ "$("$tmp/root/$hookdir/before_vm_start/50_numa" --version)" = "vdsm-hook-numa $version" ] || problems+=" --version is not $version;"
[ -z "$problems" ] && pass "install layout under /usr" || fail "install layout:$problems"

# 2. man page
if man --warnings -E UTF-8 -l "$tmp/root/usr/share/man/man8/vdsm-hook-numa.8" > "$tmp/man.txt" 2> "$tmp/man.err" \
    && [ ! -s "$tmp/man.err" ] && grep -q "SEE ALSO" "$tmp/man.txt"; then
    pass "man --warnings -l prints no warnings"
else
    fail "man page: $(head -c 500 "$tmp/man.err")"
fi

# 3. release tarball
if meson dist -C "$tmp/build" --no-tests --formats xztar --allow-dirty > "$tmp/dist.log" 2>&1; then
    tarball=$tmp/build/meson-dist/vdsm-hook-numa-$version.tar.xz
    listing=$(tar tJf "$tarball")
    if grep -q "^vdsm-hook-numa-$version/doc/vdsm-hook-numa.8$" <<< "$listing" \
        && grep -q "^vdsm-hook-numa-$version/vdsm-hook-numa.spec$" <<< "$listing"; then
        pass "meson dist: $(basename "$tarball") with the built man page and the spec"
    else
        fail "meson dist: the tarball lacks doc/vdsm-hook-numa.8 or vdsm-hook-numa.spec"
    fi
else
    fail "meson dist: $(tail -n 5 "$tmp/dist.log")"
    tarball=
fi

# 4. the tarball builds without scdoc and passes its tests
if [ -n "$tarball" ]; then
    mkdir "$tmp/unpacked"
    tar xJf "$tarball" -C "$tmp/unpacked"
    tree=$tmp/unpacked/vdsm-hook-numa-$version
    if meson setup "$tmp/tarball-build" "$tree" --prefix=/usr > "$tmp/tb.log" 2>&1 \
        && ! grep -q "Program scdoc" "$tmp/tb.log" \
        && meson test -C "$tmp/tarball-build" --print-errorlogs --no-suite e2e >> "$tmp/tb.log" 2>&1 \
        && DESTDIR="$tmp/tarball-root" meson install -C "$tmp/tarball-build" --no-rebuild >> "$tmp/tb.log" 2>&1 \
        && [ -f "$tmp/tarball-root/usr/share/man/man8/vdsm-hook-numa.8" ]; then
        pass "the tarball builds without looking for scdoc, passes its tests ($(grep -c ' OK ' "$tmp/tb.log") OK) and installs the shipped man page"
    else
        fail "build from the tarball: $(grep -E 'FAIL|ERROR|error' "$tmp/tb.log" | head -n 5)"
    fi
fi

# 5. RPM
if [ -n "$tarball" ] && command -v rpmbuild > /dev/null; then
    mkdir -p "$tmp/rpm/SOURCES"
    cp "$tarball" "$tmp/rpm/SOURCES/"
    if rpmbuild -bb --nodeps --load "$src/tests/packaging/rpm-macros" --define "_topdir $tmp/rpm" \
        "$tmp/unpacked/vdsm-hook-numa-$version/vdsm-hook-numa.spec" > "$tmp/rpm.log" 2>&1; then
        rpm_file=$(find "$tmp/rpm/RPMS" -name "vdsm-hook-numa-$version-*.rpm" | head -n 1)
        files=$(rpm -qlp "$rpm_file" 2> /dev/null)
        missing=""
        for want in /usr/libexec/vdsm/hooks/before_vm_start/50_numa \
            /usr/libexec/vdsm/hooks/before_vm_migrate_destination/50_numa \
            /usr/share/man/man8/vdsm-hook-numa.8 /usr/share/doc/vdsm-hook-numa/README.md; do
            grep -qx "$want\(.gz\)\?" <<< "$files" || missing+=" $want"
        done
        grep -q "/LICENSE$" <<< "$files" || missing+=" LICENSE"
        [ -z "$missing" ] && pass "rpmbuild -bb: $(basename "$rpm_file") holds the hook paths, man page and licence" \
            || fail "the RPM lacks:$missing"
    else
        fail "rpmbuild: $(tail -n 15 "$tmp/rpm.log")"
    fi
elif [ -n "$tarball" ]; then
    echo "SKIP: rpmbuild not installed (Debian package rpm)"
fi

echo "packaging: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
