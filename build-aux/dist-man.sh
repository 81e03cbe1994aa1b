#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# meson dist script: put the built man page into the release tarball, so
# that building from the tarball does not need scdoc.
set -eu
scdoc < "$MESON_DIST_ROOT/doc/vdsm-hook-numa.8.scd" > "$MESON_DIST_ROOT/doc/vdsm-hook-numa.8"
