#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/score.sh - per-request cost of a 12-list scoring setup (issue 12):
# 2 allow lists (d1, d2.test), 8 IP block lists (d3 .. d10.test), 2 domain
# block lists (d11.test checking the sender, rhsbl.test checking sender
# and helo): 13 queries per request, with reject_score set.
#
# usage: score.sh SRCDIR BUILDDIR [-n REQUESTS] [-d DELAY_MS] [-r RUNS]
# One dnswl process serves REQUESTS requests on stdin; the cost of one
# request is (time for REQUESTS - time for 1) / (REQUESTS - 1), so the
# process start is left out.  Uncached: cache off, a fresh client address
# per request (every list asked).  Cached: a cache file, one client whose
# 13 answers are cached by a first request.  With -d every DNS answer is
# held DELAY ms by t/dns_delay (default 0: ldns-testns directly).  The
# same for 2 allow lists alone, for comparison.  Median of RUNS runs.
set -euo pipefail
srcdir=$1 builddir=$2
shift 2
n=500 delay=0 runs=3
# shellcheck source=lib.bash
. "$srcdir/bench/lib.bash"
bench_opts n:n d:delay r:runs -- "$@"
if ((delay > 0)); then
	bench_need_delay
	bench_dns_start -D "$delay"
else
	bench_dns_start
fi

# score_cfg FILE CACHE LISTS - 12 (or 2, LISTS=2) lists, reject_score 5
score_cfg() {
	local i
	{
		printf '[global]\nnameserver = 127.0.0.1:%s\ndns_timeout = 5\ndns_attempts = 1\n' "$DNS_PORT"
		printf 'log_file = %s\nreject_score = 5\n' "$bench_dir/dnswl.log"
		printf '[cache]\nfile = %s\n' "$2"
		printf '[swl-sites]\nsites = d1.test, d2.test\n'
		printf '[d1.test]\nips = 127.0.0 / -5\n[d2.test]\nips = 127.0.0 / -3\n'
		(($3 == 2)) && return
		printf '[dnsbl-sites]\nsites = d3.test'
		for ((i = 4; i <= 10; i++)); do printf ', d%d.test' "$i"; done
		printf '\n[rhsbl-sites]\nsites = d11.test, rhsbl.test\n'
		for ((i = 3; i <= 11; i++)); do printf '[d%d.test]\nips = 127.0.0.2 / 2\nmiss = -0.1\n' "$i"; done
		printf '[rhsbl.test]\nips = 127.0.1 / 4\ncheck = sender, helo\n'
	} >"$1"
}

# requests COUNT FRESH - COUNT requests, each a fresh address when FRESH
requests() {
	local i
	for ((i = 0; i < $1; i++)); do
		bench_request "$( (($2)) && bench_addr "$i" || echo 192.0.2.77)" "i$i"
	done
}

# per_request CFG FRESH - median per-request ms over RUNS runs
per_request() {
	local r t1 tn
	requests "$n" "$2" >"$bench_dir/reqs"
	requests 1 "$2" >"$bench_dir/req1"
	for ((r = 0; r < runs; r++)); do
		[[ $2 == 0 ]] && "$DNSWL" -c "$1" <"$bench_dir/req1" >/dev/null	# warm the cache
		t1=$(bench_ms "$DNSWL" -c "$1" <"$bench_dir/req1")
		tn=$(bench_ms "$DNSWL" -c "$1" <"$bench_dir/reqs")
		awk -v a="$tn" -v b="$t1" -v n="$n" 'BEGIN { printf "%.4f\n", (a - b) / (n - 1) }'
	done | median
}

echo "per-request cost, $n requests per process, median of $runs runs," \
	"DNS delay $delay ms ($DNSWL):"
printf '  %-32s %12s %12s\n' setup uncached_ms cached_ms
for lists in 12 2; do
	rm -rf "$bench_dir/cache" && mkdir -p "$bench_dir/cache"
	score_cfg "$bench_dir/u.cfg" "" "$lists"
	score_cfg "$bench_dir/c.cfg" "$bench_dir/cache/cache.db" "$lists"
	"$DNSWL" -n -c "$bench_dir/u.cfg"
	u=$(per_request "$bench_dir/u.cfg" 1)
	c=$(per_request "$bench_dir/c.cfg" 0)
	label="$lists lists ($( ((lists == 12)) && echo '13 queries' || echo '2 queries, allow only'))"
	printf '  %-32s %12.3f %12.3f\n' "$label" "$u" "$c"
done
grep -q ' total=' "$bench_dir/dnswl.log" ||
	echo "  WARNING: no decision with total= in the log: check the setup"
grep -Eq 'd3\.test=NXDOMAIN:cache:miss-0\.1' "$bench_dir/dnswl.log" ||
	echo "  WARNING: no cached block-list answer in the log: check the setup"
