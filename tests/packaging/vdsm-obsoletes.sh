#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our RPM must install beside vdsm and stay installed across vdsm upgrades,
# although vdsm.spec.in (oVirt/vdsm, since it dropped the Python numa hook)
# carries
#     Obsoletes: %{name}-hook-numa < %{version}-%{release}
#
#   vdsm-obsoletes.sh RPM
#
# In throw-away roots (rpm --root; dnf --installroot when dnf is there), with
# fake vdsm packages that carry that exact line: install vdsm 4.50.7, then
# RPM, then upgrade vdsm to 4.50.99; RPM must still be installed. A control
# package, RPM's name and version without an Epoch, must meet the failures
# oVirt hosts meet (refused beside vdsm; erased by the vdsm upgrade), so the
# fakes are proved to bite. RPM's own requirements (libc, libxml2, libnuma)
# come from one more fake package that provides them.
# Prints PASS/FAIL lines; exits 1 if any check failed.
set -u
[ $# = 1 ] && [ -f "$1" ] || { echo "usage: $0 RPM" >&2; exit 2; }
rpm_file=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Debian's rpm warns on every install unless told it is meant.
rpm_opts=()
rpm --force-debian --version > /dev/null 2>&1 && rpm_opts=(--force-debian)

name=$(rpm -qp --qf '%{NAME}' "$rpm_file" 2> /dev/null)
epoch=$(rpm -qp --qf '%{EPOCH}' "$rpm_file" 2> /dev/null)
vr=$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "$rpm_file" 2> /dev/null)
echo "# testing $name, epoch $epoch, $vr"

# fake NAME SPEC-LINES...: a noarch package with no files.
fake() {
    local pkg=$1
    shift
    {
        echo "Name: $pkg"
        printf '%s\n' "$@"
        printf 'Summary: fake %s for tests/packaging/vdsm-obsoletes.sh\nLicense: GPL-2.0-or-later\n' "$pkg"
        printf 'BuildArch: noarch\n%%description\nFake.\n%%files\n'
    } > "$tmp/$pkg.spec"
    rpmbuild -bb --define "_topdir $tmp/top" --define '_build_id_links none' "$tmp/$pkg.spec" \
        > "$tmp/$pkg.log" 2>&1 || { cat "$tmp/$pkg.log"; exit 1; }
}

# VDSM's line, verbatim from vdsm.spec.in (oVirt/vdsm fd4b0df2, line 216).
vdsm_obsoletes='Obsoletes: %{name}-hook-numa < %{version}-%{release}'
for v in 4.50.7 4.50.99; do
    fake vdsm "Version: $v" "Release: 1" "$vdsm_obsoletes"
done
vdsm_old=$tmp/top/RPMS/noarch/vdsm-4.50.7-1.noarch.rpm
vdsm_new=$tmp/top/RPMS/noarch/vdsm-4.50.99-1.noarch.rpm
[ "$(rpm -qp --obsoletes "$vdsm_old" 2> /dev/null)" = "vdsm-hook-numa < 4.50.7-1" ] \
    || { echo "FAIL: the fake vdsm does not obsolete vdsm-hook-numa < 4.50.7-1"; exit 1; }

provides=()
while read -r req; do
    case $req in rpmlib\(*) continue ;; esac
    provides+=("Provides: $req")
done < <(rpm -qp --requires "$rpm_file" 2> /dev/null)
fake host-libs "Version: 1" "Release: 1" "${provides[@]}"
host_libs=$tmp/top/RPMS/noarch/host-libs-1-1.noarch.rpm

fake "$name" "Version: ${vr%-*}" "Release: ${vr##*-}"
control=$tmp/top/RPMS/noarch/$name-$vr.noarch.rpm

# A fresh root with host-libs and vdsm 4.50.7 installed.
new_root() {
    root=$tmp/root-$1
    mkdir -p "$root"
    rpm --root "$root" --initdb
}

installed() { rpm "${rpm_opts[@]}" --root "$root" -q "$name" > /dev/null 2>&1; }

# rpm: ours
new_root rpm-ours
rpm "${rpm_opts[@]}" --root "$root" -i "$host_libs" "$vdsm_old" > "$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
if rpm "${rpm_opts[@]}" --root "$root" -i "$rpm_file" > "$tmp/log" 2>&1; then
    pass "rpm: $(basename "$rpm_file") installs beside vdsm-4.50.7-1"
else
    fail "rpm: installing it beside vdsm-4.50.7-1: $(grep -v '^rpm: ' "$tmp/log" | tr -s '\n\t' '  ')"
    # Force it in, to see the upgrade as well.
    rpm "${rpm_opts[@]}" --root "$root" -i --nodeps "$rpm_file" > /dev/null 2>&1
fi
rpm "${rpm_opts[@]}" --root "$root" -U "$vdsm_new" > "$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
installed && pass "rpm: it stays installed when vdsm is upgraded to 4.50.99-1" \
    || fail "rpm: upgrading vdsm to 4.50.99-1 erased it"

# rpm: the control, without Epoch, as on oVirt hosts today
new_root rpm-control
rpm "${rpm_opts[@]}" --root "$root" -i "$host_libs" "$vdsm_old" > /dev/null 2>&1
if ! rpm "${rpm_opts[@]}" --root "$root" -i "$control" > "$tmp/log" 2>&1 && grep -q "obsoleted by" "$tmp/log"; then
    pass "rpm control: without Epoch, $name-$vr is refused ($(grep -o 'is obsoleted by.*' "$tmp/log"))"
else
    fail "rpm control: without Epoch, $name-$vr installed beside vdsm-4.50.7-1; the fake vdsm does not bite"
fi
rpm "${rpm_opts[@]}" --root "$root" -i --nodeps "$control" > /dev/null 2>&1
rpm "${rpm_opts[@]}" --root "$root" -U "$vdsm_new" > /dev/null 2>&1
installed && fail "rpm control: without Epoch, $name-$vr survived the vdsm upgrade; the fake vdsm does not bite" \
    || pass "rpm control: without Epoch, forced in with --nodeps, $name-$vr is erased by the vdsm upgrade"

# dnf, as admins install: the same sequence, in --installroot.
if command -v dnf > /dev/null; then
    printf '[main]\nreposdir=%s\ngpgcheck=0\nlocalpkg_gpgcheck=0\ninstall_weak_deps=0\nplugins=0\ncachedir=%s\n' \
        "$tmp/no-repos" "$tmp/dnf-cache" > "$tmp/dnf.conf"
    dnf_in() { dnf -c "$tmp/dnf.conf" --installroot="$root" --releasever=9 -y "$@"; }

    new_root dnf-ours
    dnf_in install "$host_libs" "$vdsm_old" > "$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
    if dnf_in install "$rpm_file" > "$tmp/log" 2>&1; then
        pass "dnf: $(basename "$rpm_file") installs beside vdsm-4.50.7-1"
        dnf_in upgrade "$vdsm_new" > "$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
        installed && pass "dnf: it stays installed when vdsm is upgraded to 4.50.99-1" \
            || fail "dnf: upgrading vdsm to 4.50.99-1 erased it"
    else
        fail "dnf: installing it beside vdsm-4.50.7-1: $(grep -E -m 1 'Problem' "$tmp/log")"
    fi

    new_root dnf-control
    dnf_in install "$host_libs" "$vdsm_old" > /dev/null 2>&1
    if ! dnf_in install "$control" > "$tmp/log" 2>&1 && grep -q "obsoletes $name" "$tmp/log"; then
        pass "dnf control: without Epoch, $name-$vr is refused ($(grep -o 'installed package.*obsoletes[^,]*' "$tmp/log" | head -n 1))"
    else
        fail "dnf control: without Epoch, $name-$vr installed beside vdsm-4.50.7-1; the fake vdsm does not bite"
    fi
else
    echo "SKIP: dnf not installed (Debian package dnf): rpm only"
fi

echo "vdsm-obsoletes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
