#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/dns_delay.bats - the delaying DNS proxy t/dns_delay itself (issue 11):
# answers pass through it, a zone's delay holds its answers, the barrier
# releases at N queries in flight, the log counts them.  Asserts events
# (an answer arrived, a log line appeared), never how long something took.
#
# Run: make check TESTS=t/dns_delay.bats     (in the build dir)

load 'lib/common'

setup_file() {
	dnstest_file_start
}

teardown_file() {
	dnstest_file_stop
}

setup() {
	dnstest_test_setup
	ASKS=()
	dnsdelay_find >/dev/null || skip "t/dns_delay not built"
}

teardown() {
	dnsdelay_stop
}

# ask NAME [DIG-ARGS...] - the A records of NAME through the proxy
ask() {
	local name=$1
	shift
	dig @127.0.0.1 -p "$DNS_PORT" +tries=1 +short "$@" "$name" A
}

# ask_bg NAME FILE - ask in the background (20 s per try, scaled), answers in
# FILE; wait_asks waits for these (a bare `wait` would wait for the proxy)
ask_bg() {
	dig @127.0.0.1 -p "$DNS_PORT" +tries=1 +time="$(scaled 20)" +short "$1" A >"$2" 2>&1 3>&- &
	ASKS+=($!)
}
wait_asks() {
	local pid
	for pid in "${ASKS[@]}"; do wait "$pid"; done
	ASKS=()
}

# wait_log REGEX - wait (<= 20 s, scaled) until the proxy's log has a matching line
wait_log() {
	wait_for "$(scaled 200)" grep -Eq "$1" "$DNSDELAY_LOG" ||
		fail "no line /$1/ in the proxy log: $(cat "$DNSDELAY_LOG")"
}

@test "dns_delay: a delayed answer and an NXDOMAIN pass through unchanged" {
	dnsdelay_start -D 200
	[[ $DNS_PORT != "$DNSTEST_PORT" ]]
	run ask 1.2.0.192.d7.test +time="$(scaled 5)"
	assert_output 127.0.0.2
	run dig @127.0.0.1 -p "$DNS_PORT" +tries=1 +time="$(scaled 5)" 20.2.0.192.d7.test A
	assert_output --partial 'status: NXDOMAIN'
	assert_output --partial 'hostmaster.d7.test. 1 3600 600 86400 4'
	run grep -c '^query [0-9.a-z]*\.d7\.test A inflight=1$' "$DNSDELAY_LOG"
	assert_output 2
}

@test "dns_delay: the longest matching zone decides, case-insensitively" {
	# test. would hold answers for 10 minutes; d1.test overrides it
	dnsdelay_start -d test=600000 -d D1.Test.=0
	run ask 1.2.0.192.d1.TEST +time="$(scaled 5)"
	assert_output 127.0.0.2
	run ask 1.2.0.192.d2.test +time=1
	assert_output --partial 'timed out'
	wait_log '^query 1\.2\.0\.192\.d2\.test A inflight=1$'
}

@test "dns_delay: -b N holds every answer until N queries are in flight" {
	dnsdelay_start -b 3
	ask_bg 1.2.0.192.d1.test "$T/a1"
	ask_bg 1.2.0.192.d2.test "$T/a2"
	wait_log 'inflight=2$'
	# two in flight: both held (the barrier has not let anything go)
	refute grep -q barrier "$DNSDELAY_LOG"
	[[ ! -s $T/a1 && ! -s $T/a2 ]]
	run ask 1.2.0.192.d3.test +time="$(scaled 20)"
	assert_output 127.0.0.2
	wait_asks
	run cat "$T/a1" "$T/a2"
	assert_output $'127.0.0.2\n127.0.0.2'
	run grep -c '^barrier released inflight=3$' "$DNSDELAY_LOG"
	assert_output 1
}

@test "dns_delay: the log shows each new max_inflight; dnsdelay_max_inflight reads it" {
	dnsdelay_start -b 4
	[[ $(dnsdelay_max_inflight) == 0 ]]
	for i in 1 2 3 4; do ask_bg "1.2.0.192.d$i.test" "$T/a$i"; done
	wait_asks
	run sed -n 's/^max_inflight=//p' "$DNSDELAY_LOG"
	assert_output $'1\n2\n3\n4'
	run dnsdelay_max_inflight
	assert_output 4
}

@test "dns_delay: dnswl asks through the proxy; dnsdelay_stop restores DNS_PORT" {
	dnsdelay_start -D 50
	write_cfg swl:d1.test swl:d2.test
	run_policy 192.0.2.1 mx.example.com a@example.com b@example.org
	assert_success
	assert_reply OK
	wait_log '^query 1\.2\.0\.192\.d1\.test A '
	local proxy=$DNS_PORT
	dnsdelay_stop
	[[ $DNS_PORT == "$DNSTEST_PORT" && $DNS_PORT != "$proxy" ]]
}

@test "dns_delay: bad usage exits 2 with the synopsis" {
	run "$(dnsdelay_find)" -p 0
	assert_failure 2
	assert_output --partial 'usage: dns_delay -u UPSTREAM_PORT'
	run "$(dnsdelay_find)" -u 1 -d nozone
	assert_failure 1
	assert_output --partial 'expected ZONE=MS'
}
