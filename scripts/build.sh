#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build.sh DIR [CONFIGURE-ARGS...] - bootstrap and build dnswl in DIR.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1; shift
[ -x "$top/configure" ] || (cd "$top" && ./bootstrap >/dev/null 2>&1)
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] || "$top/configure" -q "$@"
make -j"$(nproc)" >/dev/null
make -j"$(nproc)" check TESTS= >/dev/null
