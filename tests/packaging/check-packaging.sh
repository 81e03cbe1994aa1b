#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shipping checks, each a line of its own:
#   1. `meson install --prefix=/usr` lays out the one binary
#      (/usr/bin/vdsm-hook-numa, which runs from there), a relative symlink
#      to it in each hook-point directory, the man page and the docs where
#      admins expect them;
#   2. the man page has no warnings (`man --warnings -l`);
#   3. `meson dist` makes a tarball holding the built man page and a
#      filled-in spec;
#   4. that tarball builds without looking for scdoc and passes its test suite
#      (but e2e, which run-all.sh runs once, from the checkout);
#   5. `rpmbuild -bb` builds the RPM from it (Debian's rpm lacks Fedora's
#      %meson macros: tests/packaging/rpm-macros supplies them), and
#      `rpm -qlvp` lists the binary, the hook symlinks and the docs;
#   6. that RPM installs beside vdsm and survives a vdsm upgrade, although
#      vdsm obsoletes vdsm-hook-numa (vdsm-obsoletes.sh, with fake vdsm).
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
hook_points="before_vm_start before_vm_migrate_destination before_vm_dehibernate after_vm_start
    after_vm_migrate_destination after_vm_dehibernate after_vm_destroy"
problems=""
bin=$tmp/root/usr/bin/vdsm-hook-numa
[ -f "$bin" ] && [ ! -L "$bin" ] && [ -x "$bin" ] || problems+=" no executable file usr/bin/vdsm-hook-numa;"
for point in $hook_points; do
    link=$tmp/root/$hookdir/$point/50_numa
    [ -L "$link" ] && [ "$(readlink "$link")" = ../../../../bin/vdsm-hook-numa ] \
        || problems+=" $point/50_numa is not a relative symlink to ../../../../bin/vdsm-hook-numa;"
    [ "$(realpath "$link" 2> /dev/null)" = "$(realpath "$bin" 2> /dev/null)" ] || problems+=" $point/50_numa does not resolve to usr/bin/vdsm-hook-numa;"
done
[ "$(find "$tmp/root" -type f -perm -u+x | wc -l)" = 1 ] || problems+=" more than one executable file installed;"
[ -f "$tmp/root/usr/share/man/man8/vdsm-hook-numa.8" ] || problems+=" no man page;"
grep -qx 'd /run/vdsm-hook-numa 0755 vdsm kvm -' "$tmp/root/usr/lib/tmpfiles.d/vdsm-hook-numa.conf" 2> /dev/null \
    || problems+=" no usr/lib/tmpfiles.d/vdsm-hook-numa.conf making /run/vdsm-hook-numa for vdsm:kvm;"
for f in README.md domain.xml; do
    [ -f "$tmp/root/usr/share/doc/vdsm-hook-numa/$f" ] || problems+=" no doc $f;"
done
version=$(meson introspect --projectinfo "$tmp/build" | sed -n 's/.*"version": "\([^"]*\)".*/\1/p')
[ "$("$tmp/root/$hookdir/before_vm_start/50_numa" --version)" = "vdsm-hook-numa $version" ] || problems+=" --version through the before_vm_start link is not $version;"
if "$bin" --topology > "$tmp/topology" 2> "$tmp/topology.err"; then
    grep -q '^node ' "$tmp/topology" || problems+=" usr/bin/vdsm-hook-numa --topology printed no node table;"
else
    problems+=" usr/bin/vdsm-hook-numa --topology failed: $(head -c 300 "$tmp/topology.err");"
fi
[ -z "$problems" ] && pass "install layout under /usr: bin/vdsm-hook-numa (--topology runs) 7 hook-point symlinks to it and the tmpfiles.d entry" \
    || fail "install layout:$problems"

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

# 4. the tarball builds without scdoc and passes its tests (but for e2e and
#    multinode: the real libvirtd and the multi-node kernels ran once, from
#    the checkout)
if [ -n "$tarball" ]; then
    mkdir "$tmp/unpacked"
    tar xJf "$tarball" -C "$tmp/unpacked"
    tree=$tmp/unpacked/vdsm-hook-numa-$version
    if meson setup "$tmp/tarball-build" "$tree" --prefix=/usr > "$tmp/tb.log" 2>&1 \
        && ! grep -q "Program scdoc" "$tmp/tb.log" \
        && meson test -C "$tmp/tarball-build" --print-errorlogs --no-suite e2e --no-suite multinode >> "$tmp/tb.log" 2>&1 \
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
        files=$(rpm -qlvp "$rpm_file" 2> /dev/null)
        missing=""
        grep -qE '^-rwx.* /usr/bin/vdsm-hook-numa$' <<< "$files" || missing+=" /usr/bin/vdsm-hook-numa (executable)"
        for point in $hook_points; do
            grep -qE "^l.* /usr/libexec/vdsm/hooks/$point/50_numa -> \.\./\.\./\.\./\.\./bin/vdsm-hook-numa$" <<< "$files" \
                || missing+=" $point/50_numa (symlink to ../../../../bin/vdsm-hook-numa)"
        done
        for want in /usr/share/man/man8/vdsm-hook-numa.8 /usr/share/doc/vdsm-hook-numa/README.md \
            /usr/lib/tmpfiles.d/vdsm-hook-numa.conf; do
            grep -qE " $want(.gz)?$" <<< "$files" || missing+=" $want"
        done
        grep -q "/LICENSE$" <<< "$files" || missing+=" LICENSE"
        [ "$(rpm -qp --qf '%{EPOCH}' "$rpm_file" 2> /dev/null)" = 1 ] || missing+=" Epoch 1"
        [ -z "$missing" ] && pass "rpmbuild -bb: $(basename "$rpm_file") (Epoch 1) holds the binary, the hook symlinks, man page and licence" \
            || fail "the RPM lacks:$missing"

        # 6. installable beside vdsm, kept across vdsm upgrades
        if "$src/tests/packaging/vdsm-obsoletes.sh" "$rpm_file" > "$tmp/obsoletes.log" 2>&1; then
            pass "beside vdsm: $(tail -n 1 "$tmp/obsoletes.log") (rpm --root$(command -v dnf > /dev/null && echo ', dnf --installroot'))"
        else
            fail "beside vdsm: $(tail -n 1 "$tmp/obsoletes.log"):"
            grep -E '^(FAIL|PASS)' "$tmp/obsoletes.log" | sed 's/^/    /'
        fi
    else
        fail "rpmbuild: $(tail -n 15 "$tmp/rpm.log")"
    fi
elif [ -n "$tarball" ]; then
    echo "SKIP: rpmbuild not installed (Debian package rpm)"
fi

echo "packaging: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
