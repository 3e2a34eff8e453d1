#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/parallel.sh - uncached request latency against the number of lists
# (issue 11): every DNS answer is held DELAY ms by t/dns_delay, and one
# request asks 1, 2, 4, 8 and 16 lists (d1.test ..).
#
# usage: parallel.sh SRCDIR BUILDDIR [-d DELAY_MS] [-r RUNS]
# Each run is one dnswl process (cache off, so every answer comes from
# DNS) serving one request for a client no list has (NXDOMAIN from each,
# so every list must be asked), timed from exec to exit.  Prints per list
# count the median of RUNS runs, the queries the proxy saw per request and
# the ratio to the 1-list case; target: 16 lists <= 1.3 x 1 list.
# Needs ldns-testns, dig and a built t/dns_delay (make check builds it).
set -euo pipefail
srcdir=$1 builddir=$2
shift 2
delay=50 runs=7
# shellcheck source=lib.bash
. "$srcdir/bench/lib.bash"
bench_opts d:delay r:runs -- "$@"
bench_need_delay
bench_dns_start -D "$delay"

# one_run N I - time the I-th request with N lists; prints ms
one_run() {
	bench_request "$(bench_addr "$2")" >"$bench_dir/req"
	bench_ms "$DNSWL" -c "$bench_dir/n$1.cfg" <"$bench_dir/req"
}

echo "uncached request latency, every answer $delay ms late, median of $runs runs ($DNSWL):"
printf '  %5s %12s %15s %10s\n' lists median_ms queries/request "x 1 list"
base='' i=0
for n in 1 2 4 8 16; do
	bench_cfg "$bench_dir/n$n.cfg" "$n" ""
	q0=$(bench_queries)
	for ((r = 0; r < runs; r++)); do one_run "$n" $((i++)); done >"$bench_dir/times"
	q=$((($(bench_queries) - q0) / runs))
	med=$(median <"$bench_dir/times")
	[[ -n $base ]] || base=$med
	printf '  %5d %12.1f %15d %10s\n' "$n" "$med" "$q" "$(ratio "$med" "$base")"
done
printf '  max queries in flight at once: %s (target: 16 lists <= 1.30 x 1 list)\n' \
	"$(dnsdelay_max_inflight)"
grep -q 'action=DUNNO' "$bench_dir/dnswl.log" ||
	echo "  WARNING: no decision with action=DUNNO in the log: check the setup"
