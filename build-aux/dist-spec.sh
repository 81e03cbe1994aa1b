#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# meson dist script: a filled-in vdsm-hook-numa.spec at the tarball's top,
# so that `rpmbuild -ta vdsm-hook-numa-VERSION.tar.xz` works.
set -eu
sed "s/@VERSION@/$1/g" "$MESON_DIST_ROOT/vdsm-hook-numa.spec.in" > "$MESON_DIST_ROOT/vdsm-hook-numa.spec"
