#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/spawn.sh - the cost of one new connection (issue 11): process start
# plus one request whose answers are all in the cache, against
# bench/dunno (reads one request, answers DUNNO: the least any policy
# program costs per spawn(8) start).
#
# usage: spawn.sh SRCDIR BUILDDIR [-n LISTS] [-r RUNS]
# bench/spawn_bench fork/execs them in turn RUNS times with the request
# on stdin.  dnswl asks LISTS lists (default 2, d1.test ..) with its cache
# file, primed by one run before.  Three floors run beside them:
# `dnswl -V` (the same binary started, linked and ended, no
# configuration, no request), bench/dunno_resolv (bench/dunno loading
# libresolv, as dnswl must) and bench/least (only the system calls and
# page faults of a cached answer: see bench/least.c).  Prints the medians,
# each ratio to dunno (target for dnswl <= 1.25), and the least a dnswl
# could cost: bench/least plus what dnswl's own start adds to
# dunno_resolv's.
set -euo pipefail
srcdir=$1 builddir=$2
shift 2
lists=2 runs=1000
# shellcheck source=lib.bash
. "$srcdir/bench/lib.bash"
bench_opts n:lists r:runs -- "$@"
for p in spawn_bench dunno dunno_resolv least; do
	[[ -x $builddir/bench/$p ]] || bench_skip "bench/$p not built (make check builds it)"
done
bench_dns_start
install -d -m 700 "$bench_dir/cache"
bench_cfg "$bench_dir/dnswl.cfg" "$lists" "$bench_dir/cache/cache.db"
bench_request 192.0.2.1 >"$bench_dir/req"
"$DNSWL" -c "$bench_dir/dnswl.cfg" <"$bench_dir/req" >/dev/null
"$DNSWL" -c "$bench_dir/dnswl.cfg" <"$bench_dir/req" >/dev/null
grep -q ':cache' "$bench_dir/dnswl.log" || echo "WARNING: the second request was not answered from the cache"
: >"$bench_dir/dnswl.log"

"$builddir/bench/spawn_bench" "$runs" "$bench_dir/req" \
	"$DNSWL" -c "$bench_dir/dnswl.cfg" --- "$builddir/bench/dunno" \
	--- "$DNSWL" -V --- "$builddir/bench/dunno_resolv" \
	--- "$builddir/bench/least" "$bench_dir/dnswl.cfg" "$bench_dir/least.log" "$bench_dir/cache" \
	>"$bench_dir/out"
# med N - the median ms of the N-th command
med() { sed -n "$1s/^median_ms=\\([0-9.]*\\) .*/\\1/p" "$bench_dir/out"; }
b=$(med 2)
echo "new connection = process start + one cached request ($lists lists), $runs runs each:"
sed 's/^/  /' "$bench_dir/out"
printf '  dnswl / dunno = %s (target <= 1.25)\n' "$(ratio "$(med 1)" "$b")"
printf '  floors: dnswl -V / dunno = %s, dunno_resolv / dunno = %s, least / dunno = %s\n' \
	"$(ratio "$(med 3)" "$b")" "$(ratio "$(med 4)" "$b")" "$(ratio "$(med 5)" "$b")"
printf '  least + (dnswl -V - dunno_resolv), / dunno = %s: the least a dnswl could cost\n' \
	"$(ratio "$(awk -v l="$(med 5)" -v v="$(med 3)" -v r="$(med 4)" 'BEGIN { print l + v - r }')" "$b")"
printf '  decisions logged: %s, answered from the cache: %s\n' \
	"$(grep -c 'decision' "$bench_dir/dnswl.log" || true)" "$(grep -c ':cache' "$bench_dir/dnswl.log" || true)"
