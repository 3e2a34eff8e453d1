#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/parallel.bats - every list of a request is asked at once (issue 11).
#
# The proof is an event, never a duration: the delaying proxy t/dns_delay
# (t/lib/dnstest.bash: dnsdelay_start) counts the queries it holds at
# once, and with -b N holds every answer until N queries are in flight,
# which a dnswl asking one list after another never reaches.  Query
# threads (named dnswl-dns) are counted in /proc/PID/task of a dnswl kept
# alive between requests.
#
# Run: make check TESTS=t/parallel.bats     (in the build dir)
# Zones d1.test .. d16.test list 192.0.2.1 as 127.0.0.2 (t/data/lists.testns).

FROM=a@example.com
TO=b@example.org

load 'lib/common'

setup_file() {
	dnstest_file_start
}

teardown_file() {
	dnstest_file_stop
}

setup() {
	dnstest_test_setup
	dnsdelay_find >/dev/null || skip "t/dns_delay not built"
}

teardown() {
	[[ -n ${DN_PID:-} ]] && { kill "$DN_PID" 2>/dev/null; wait "$DN_PID" 2>/dev/null; }
	dnsdelay_stop
}

# lists N - "swl:d1.test ... swl:dN.test" for write_cfg
lists() {
	local i
	for ((i = 1; i <= $1; i++)); do printf 'swl:d%d.test\n' "$i"; done
}

# assert_all_listed N - the decision names d1..dN as 127.0.0.2 from DNS
# (or SOURCE), boost -10 each
assert_all_listed() {
	local i src=${2:-dns}
	for ((i = 1; i <= $1; i++)); do
		assert_decision " d$i.test=127.0.0.2:$src:-10.0"
	done
	assert_decision " boost=-$(($1 * 10)).0 " " action=OK "
}

# proxy_asked NAME - how many times the proxy saw NAME asked
proxy_asked() {
	grep -c "^query $1 A inflight=" "$DNSDELAY_LOG" || true
}

@test "8 lists 300 ms late each: the proxy holds all 8 queries at once, every answer right" {
	# -b 8 makes "all 8 at once" an event: without it, it would also
	# depend on all 8 being sent within 300 ms (not so under valgrind)
	dnsdelay_start -D 300 -b 8
	write_cfg dns_timeout=10 $(lists 8)
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_all_listed 8
	assert_equal "$(dnsdelay_max_inflight)" 8
	refute grep -q 'barrier timeout' "$DNSDELAY_LOG"
	echo "# 8 lists x 300 ms: elapsed_ms=${elapsed_ms} (serial: > 2400)" >&3
}

@test "answers held until all 8 queries are asked (-b 8): every list answers, none times out" {
	# a dnswl asking one list at a time would wait for its first answer
	# until dns_timeout, far below the proxy's 30 s bound
	dnsdelay_start -b 8
	write_cfg dns_timeout=20 $(lists 8)
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_all_listed 8
	run grep -c '^barrier released inflight=8$' "$DNSDELAY_LOG"
	assert_output 1
	refute grep -q 'barrier timeout' "$DNSDELAY_LOG"
}

@test "IP, IPv6 and domain lists of one request are all in flight at once" {
	dnsdelay_start -b 3
	write_cfg dns_timeout=20 swl:d1.test swl:swl.test dwl:dwl.test::-15
	run_policy 2001:db8::1 mail.example.co.uk "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_decision " d1.test=NXDOMAIN:dns " " swl.test=127.0.10.0:dns:-10.0 " \
		" dwl.test=127.0.10.0:dns:-15.0 " " boost=-25.0 "
	run grep -c '^barrier released inflight=3$' "$DNSDELAY_LOG"
	assert_output 1
}

@test "a dead list plus 7 live ones: all 8 in flight together, so the request costs one timeout" {
	dnsdelay_start -b 8
	write_cfg dns_timeout=2 swl:dead.test $(lists 7)
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_decision " dead.test=timeout:dns " " boost=-70.0 "
	for i in 1 2 3 4 5 6 7; do assert_decision " d$i.test=127.0.0.2:dns:-10.0"; done
	# the 7 answers were released by the dead list's query being in flight
	run grep -c '^barrier released inflight=8$' "$DNSDELAY_LOG"
	assert_output 1
	assert_equal "$(proxy_asked 1.2.0.192.dead.test)" 1
}

@test "dns_max_parallel = 2: at most 2 queries in flight, all 8 answers right" {
	dnsdelay_start -D 100
	write_cfg dns_timeout=10 dns_max_parallel=2 $(lists 8)
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_all_listed 8
	(($(dnsdelay_max_inflight) <= 2)) || fail "max_inflight=$(dnsdelay_max_inflight)"
	for i in 1 2 3 4 5 6 7 8; do assert_equal "$(proxy_asked "1.2.0.192.d$i.test")" 1; done
}

@test "dns_max_parallel = 1 asks one list at a time: the first, held by -b 2, times out" {
	dnsdelay_start -b 2
	write_cfg dns_timeout=1 dns_attempts=1 dns_max_parallel=1 swl:d1.test swl:d2.test
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply 'DEFER_IF_REJECT 4.7.1 DNS list lookup failed, try again later'
	# d2 waited for d1, which used up the request's one time bound: not sent
	assert_decision " d1.test=timeout:dns " " d2.test=timeout:late "
	assert_equal "$(proxy_asked 20.2.0.192.d2.test)" 0
}

# --- threads: started on the first miss, reused, none for cached answers ---

# dnswl_threads - how many DNS query threads the running dnswl has (they
# are named dnswl-dns: ps -L shows it; TSan or valgrind add their own)
dnswl_threads() {
	cat /proc/"$DN_PID"/task/*/comm | grep -c '^dnswl-dns$' || true
}

@test "threads: none while every answer is cached, one per list on a miss, reused after" {
	[[ -r /proc/self/status ]] || skip "no /proc"
	local cache=$T/cache.db
	write_cfg cache.file="$cache" $(lists 4)
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_all_listed 4
	dnswl_start
	dnswl_ask 192.0.2.1
	assert_equal "$reply" action=OK
	assert_all_listed 4 cache
	assert_equal "$(dnswl_threads)" 0
	dnswl_ask 192.0.2.20
	assert_equal "$reply" action=DUNNO
	assert_decision " d1.test=NXDOMAIN:dns " " d4.test=NXDOMAIN:dns "
	assert_equal "$(dnswl_threads)" 4
	dnswl_ask 192.0.2.2
	assert_decision " d1.test=NXDOMAIN:dns " " d4.test=NXDOMAIN:dns "
	assert_equal "$(dnswl_threads)" 4
	dnswl_stop
	assert_stderr_empty
}

@test "threads: a request with health probes starts three a list; the next one stops those it does not need" {
	[[ -r /proc/self/status ]] || skip "no /proc"
	write_cfg cache.file="$T/cache.db" probe_interval=300 $(lists 4)
	dnswl_start
	dnswl_ask 192.0.2.20
	assert_equal "$reply" action=DUNNO
	# 4 list queries and 2 probes a list (not yet on record), at once
	assert_equal "$(dnswl_threads)" 12
	dnswl_ask 192.0.2.21
	assert_equal "$reply" action=DUNNO
	assert_decision " d1.test=NXDOMAIN:dns " " d4.test=NXDOMAIN:dns "
	assert_equal "$(dnswl_threads)" 4
	dnswl_ask 192.0.2.22
	assert_equal "$(dnswl_threads)" 4
	dnswl_stop
	assert_stderr_empty
}
