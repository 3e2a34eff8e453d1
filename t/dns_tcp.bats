#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/dns_tcp.bats - a list answer too long for UDP (t/data/tcp.testns):
# dnswl reads replies into 512 bytes first and asks again over TCP with a
# 64 KiB buffer only when the reply has TC set (src/dns/dns_query.c); the
# whole TCP reply must count, up to its last record.
#
# Run: make check TESTS=t/dns_tcp.bats     (in the build dir)

FROM=a@example.com
TO=b@example.org

load 'lib/common'

setup_file() {
	dnstest_file_start tcp.testns
}

teardown_file() {
	dnstest_file_stop
}

setup() {
	dnstest_test_setup
}

@test "fixture: UDP says truncated, TCP gives the long answer" {
	run dig +notcp +ignore -p "$DNS_PORT" @127.0.0.1 1.2.0.192.big.test A
	assert_output --regexp 'flags: qr aa tc rd ra'
	run dig +tcp -p "$DNS_PORT" @127.0.0.1 1.2.0.192.big.test A
	assert_output --regexp 'ANSWER: 202,'
	assert_output --regexp 'MSG SIZE +rcvd: [0-9]{5}'
}

@test "a reply too long for UDP is read whole over TCP: its last record lists" {
	write_cfg 'swl:big.test:127.0.0 / -10'
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_decision " big.test=127.1.0.1,127.0.0.2:dns:-10.0 " " action=OK "
}

@test "dnswl -q: the long answer's addresses, from dns" {
	write_cfg 'swl:big.test:127.0.0 / -10'
	run "$DNSWL" -c "$CFG" -q 192.0.2.1
	assert_success
	assert_output --partial 'answer 127.1.0.1,127.0.0.2 from dns: match'
}
