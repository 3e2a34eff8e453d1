#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/spf.sh - what the cache saves an SPF evaluation: per sender of
# t/data/lists.testns (include:, mx, ptr, redirect=, a:), the DNS queries
# and the time of a first request (cache purged) and of a second,
# identical one (a new dnswl process, as Postfix starts one per
# connection), with spf_* and sender_bad_domain on and one list.
#
# usage: spf.sh SRCDIR BUILDDIR [-d DELAY_MS] [-r RUNS]
# Every DNS answer is held DELAY ms by t/dns_delay (default 20).  Prints
# per sender the queries of the first and the second request (the second
# should ask none) and the median ms of RUNS runs of each.
# Needs ldns-testns, dig and a built t/dns_delay (make check builds it).
set -euo pipefail
srcdir=$1 builddir=$2
shift 2
delay=20 runs=5
# shellcheck source=lib.bash
. "$srcdir/bench/lib.bash"
bench_opts d:delay r:runs -- "$@"
bench_need_delay
bench_dns_start -D "$delay"
cfg=$bench_dir/spf.cfg
bench_cfg "$cfg" 1 "$bench_dir/cache.db" probe_interval=0
printf '[checks]\nspf_pass = -1\nspf_fail = 3\nspf_softfail = 1\nspf_none = 0.5\nsender_bad_domain = 2\n' >>"$cfg"

# spf_request ADDR SENDER - a RCPT-stage request from ADDR for SENDER
spf_request() {
	bench_request "$1" | sed "s/^sender=.*/sender=$2/; s/^helo_name=.*/helo_name=out1.provider.chk/"
}

# one_run ADDR SENDER PURGE - time one request (after a purge when PURGE=yes)
one_run() {
	[[ $3 == yes ]] && "$DNSWL" -c "$cfg" -C purge >/dev/null
	spf_request "$1" "$2" >"$bench_dir/req"
	bench_ms "$DNSWL" -c "$cfg" <"$bench_dir/req"
}

echo "SPF per sender, every answer $delay ms late, median of $runs runs ($DNSWL):"
printf '  %-14s %-11s %9s %10s %9s %10s\n' sender client q/first ms/first q/second ms/second
for c in "192.0.2.80 a@company.chk" "192.0.2.70 a@mxspf.chk" "192.0.2.71 a@ptrspf.chk" \
	"192.0.2.60 a@redir.chk" "192.0.2.60 a@amech.chk"; do
	addr=${c% *} sender=${c#* }
	q0=$(bench_queries)
	for ((r = 0; r < runs; r++)); do one_run "$addr" "$sender" yes; done >"$bench_dir/t1"
	q1=$((($(bench_queries) - q0) / runs))
	q0=$(bench_queries)
	for ((r = 0; r < runs; r++)); do one_run "$addr" "$sender" no; done >"$bench_dir/t2"
	q2=$((($(bench_queries) - q0) / runs))
	printf '  %-14s %-11s %9d %10.1f %9d %10.1f\n' "${sender#a@}" "$addr" "$q1" \
		"$(median <"$bench_dir/t1")" "$q2" "$(median <"$bench_dir/t2")"
done
grep -q 'spf_pass=-1.0' "$bench_dir/dnswl.log" || echo "  WARNING: no SPF pass logged: check the setup"
