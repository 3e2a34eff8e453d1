#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/health.sh - the cost of list health probes (issue 13): the first
# request of a dnswl process with 12 lists whose health is unknown (every
# list probed with its two RFC 5782 test points, in the same batch as the
# request's queries) against the same with the health known (on record in
# the cache file from an earlier process).
#
# usage: health.sh SRCDIR BUILDDIR [-d DELAY_MS] [-r RUNS]
# Every DNS answer is held DELAY ms by t/dns_delay.  Each run is one dnswl
# process serving one request for a fresh client (no answer cached, so
# both cases ask every list); "unknown" purges the cache file first (which
# forgets the health), "known" keeps it.  Prints the median of RUNS runs,
# the queries per request and the ratio; target: unknown <= 1.3 x known.
# Needs ldns-testns, dig and a built t/dns_delay (make check builds it).
set -euo pipefail
srcdir=$1 builddir=$2
shift 2
delay=50 runs=9
# shellcheck source=lib.bash
. "$srcdir/bench/lib.bash"
bench_opts d:delay r:runs -- "$@"
bench_need_delay
bench_dns_start -D "$delay"
cfg=$bench_dir/health.cfg
bench_cfg "$cfg" 12 "$bench_dir/cache.db" probe_interval=300

# one_run I PURGE - time the I-th request (after a purge when PURGE=yes)
one_run() {
	[[ $2 == yes ]] && "$DNSWL" -c "$cfg" -C purge >/dev/null
	bench_request "$(bench_addr "$1")" >"$bench_dir/req"
	bench_ms "$DNSWL" -c "$cfg" <"$bench_dir/req"
}

echo "first request of a process, 12 lists, every answer $delay ms late," \
	"median of $runs runs ($DNSWL):"
printf '  %-8s %12s %15s %10s\n' health median_ms queries/request "x known"
i=0 base=
one_run $((i++)) yes >/dev/null	# creates the cache file, records the health
for mode in known unknown; do
	purge=no
	[[ $mode == unknown ]] && purge=yes
	q0=$(bench_queries)
	for ((r = 0; r < runs; r++)); do one_run $((i++)) "$purge"; done >"$bench_dir/times"
	q=$((($(bench_queries) - q0) / runs))
	med=$(median <"$bench_dir/times")
	[[ -n $base ]] || base=$med
	printf '  %-8s %12.1f %15d %10s\n' "$mode" "$med" "$q" "$(ratio "$med" "$base")"
done
printf '  max queries in flight at once: %s (target: unknown <= 1.30 x known)\n' \
	"$(dnsdelay_max_inflight)"
grep -q 'list d1.test probed: 2.0.0.127=127.0.0.2 1.0.0.127=NXDOMAIN: healthy' \
	"$bench_dir/dnswl.log" || echo "  WARNING: d1.test was never found healthy: check the setup"
