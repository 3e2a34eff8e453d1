#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cache_start.sh - process start to first reply: cache off, cache on with
# the answer not cached yet, and cache on with the answer cached.
#
# Each run is one `dnswl -c CFG < request` (exec, config, cache open,
# lookup, reply, exit), as spawn(8) starts one per smtpd connection.
# Needs ldns-testns (ldnsutils) and dig; run from the build directory
# (make bench-cache-start) or set DNSWL=/path/to/src/dnswl.  RUNS=N.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DNSWL=${DNSWL:-$PWD/src/dnswl}
RUNS=${RUNS:-300}
[[ -x $DNSWL ]] || { echo "no dnswl binary at $DNSWL" >&2; exit 1; }

skip() { echo "NOT MEASURED: $*"; exit 0; }
# shellcheck source=../t/lib/dnstest.bash
source "$here/../t/lib/dnstest.bash"
dnstest_need
dir=$(mktemp -d /tmp/cache_start.XXXXXX)
BATS_FILE_TMPDIR=$dir
trap 'dnstest_stop; rm -rf "$dir"' EXIT
dnstest_start "$here/../t/data/lists.testns"

# config FILE - one IP list, the test server, cache file FILE ("" = off)
config() {
	cat >"$dir/dnswl.cfg" <<-CFG
	[global]
	nameserver = 127.0.0.1:$DNS_PORT
	dns_timeout = 1
	dns_attempts = 1
	log_file = $dir/dnswl.log
	[cache]
	file = $1
	size = 10000
	[swl-sites]
	sites = swl.test
	[swl.test]
	ips = 127.0.2
	CFG
}

# request ADDR - one RCPT-stage policy request
request() {
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=%s\n' "$1"
	printf 'client_name=unknown\nsender=a@example.com\nrecipient=b@example.org\n\n'
}

# measure LABEL ADDR_MODE - average ms over RUNS processes
measure() {
	local label=$1 mode=$2 i addr t0 t1
	for ((i = 0; i < RUNS; i++)); do
		addr=192.0.2.2
		[[ $mode == fresh ]] && addr=10.9.$((i / 250)).$((i % 250 + 1))
		request "$addr" >"$dir/req.$i"
	done
	t0=${EPOCHREALTIME//[.,]/}
	for ((i = 0; i < RUNS; i++)); do
		"$DNSWL" -c "$dir/dnswl.cfg" <"$dir/req.$i" >/dev/null 2>&1
	done
	t1=${EPOCHREALTIME//[.,]/}
	printf '  %-44s %7.3f ms\n' "$label" "$(echo "($t1 - $t0) / $RUNS / 1000" | bc -l)"
}

echo "process start to first reply, mean of $RUNS runs each ($DNSWL):"
config ""
measure "cache off, answer from DNS:" fresh
config "$dir/c/cache.db"
measure "cache on, answer not cached (DNS + store):" fresh
request 192.0.2.2 | "$DNSWL" -c "$dir/dnswl.cfg" >/dev/null 2>&1
measure "cache on, answer cached:" same
grep -c ':cache' "$dir/dnswl.log" | sed 's/^/  (decision lines with a cached answer: /; s/$/)/'
