#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/dns.bats - dnswl against scripted DNS lists (t/data/lists.testns),
# black box: Postfix policy requests on stdin, the action on stdout, the
# decision line in log_file, nothing on stderr.
#
# Run: make check TESTS=t/dns.bats     (in the build dir)
#  or: DNSWL=/path/to/src/dnswl bats t/dns.bats
# The client addresses and what each list answers for them are listed at
# the top of t/data/lists.testns.

DEFER='DEFER_IF_REJECT 4.7.1 DNS list lookup failed, try again later'
# swl.test's `ips` for most tests: an exact entry weaker than its prefix,
# so "exact beats prefix" is not confused with "strongest wins".
SWL='swl:swl.test:127.0.10 / -20, 127.0.2 / -8, 127.0.2.1 / -2'
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
}

# --- the fixture itself ---------------------------------------------------

@test "fixture: the test server answers as scripted" {
	run dnstest_dig 1.2.0.192.swl.test
	assert_output --regexp 'status: NOERROR.*flags: qr aa rd ra'
	assert_output --regexp $'1\\.2\\.0\\.192\\.swl\\.test\\.\t+3\tIN\tA\t127\\.0\\.10\\.0'
	run dnstest_dig 20.2.0.192.swl.test
	assert_output --regexp 'status: NXDOMAIN.*flags: qr aa rd ra'
	assert_output --partial 'hostmaster.swl.test. 1 3600 600 86400 4'
	run dnstest_dig 11.2.0.192.swl.test
	assert_output --regexp 'status: NOERROR.*ANSWER: 0, AUTHORITY: 1'
	run dnstest_dig x.servfail.test
	assert_output --partial 'status: SERVFAIL'
	run dnstest_dig x.refused.test
	assert_output --partial 'status: REFUSED'
	run dnstest_dig 1.2.0.192.dead.test
	assert_output --partial 'timed out'
	run dnstest_dig 20.2.0.192.bad.test
	assert_output --partial 'extra bytes at end'
}

# --- IP lists: listed, not listed ------------------------------------------

@test "listed client: OK, decision line names the list, answer, source and boost" {
	write_cfg "$SWL"
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_decision "decision: client=mx.example.com[192.0.2.1]" \
		"sender=<a@example.com>" "recipient=<b@example.org>" \
		" swl.test=127.0.10.0:dns:-20.0 " " boost=-20.0 " " action=OK " " amavis=off " " elapsed_ms="
	assert_decision_re 'elapsed_ms=[0-9]+$'
}

@test "NXDOMAIN: DUNNO" {
	write_cfg "$SWL"
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision "client=mx.example.com[192.0.2.20]" " swl.test=NXDOMAIN:dns " \
		" action=DUNNO "
	refute_decision ":-20.0" ":-8.0" ":-2.0"
}

@test "NODATA (name exists, no A record): DUNNO" {
	write_cfg "$SWL"
	run_policy 192.0.2.11 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision " swl.test=NODATA:dns " " action=DUNNO "
}

@test "null sender and unknown client name are logged as such" {
	write_cfg "$SWL"
	run_policy 192.0.2.1 unknown "" "$TO"
	assert_reply OK
	assert_stderr_empty
	assert_decision "client=unknown[192.0.2.1]" "sender=<>" "recipient=<b@example.org>"
}

@test "two lists both listing the client: boosts add up" {
	write_cfg "$SWL" swl:swl2.test::-5
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_decision " swl.test=127.0.2.1:dns:-2.0 " " swl2.test=127.0.0.2:dns:-5.0 " \
		" boost=-7.0 " " action=OK "
}

@test "two lists, one listing the client: OK with that list's boost" {
	write_cfg "$SWL" swl:swl2.test::-5
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_stderr_empty
	assert_decision " swl.test=127.0.10.0:dns:-20.0 " " swl2.test=NXDOMAIN:dns " \
		" boost=-20.0 "
}

# --- matching answers against `ips` --------------------------------------

@test "exact entry beats its prefix even when the prefix's boost is stronger" {
	write_cfg "$SWL"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.2.1:dns:-2.0 " " boost=-2.0 "
}

@test "an answer only a prefix covers gets the prefix's boost" {
	write_cfg "$SWL"
	run_policy 192.0.2.3 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.2.9:dns:-8.0 " " boost=-8.0 "
}

@test "dnswl.org trust levels: 127.0.5.0 (none) gets no OK, 127.0.5.2 the trust filter's boost" {
	# the sample's entries for list.dnswl.org: a boost per trust level
	local ips
	ips=$(awk '/^\[list\.dnswl\.org\]/ { on = 1; next } /^\[/ { on = 0 }
		on && sub(/^ips = /, "")' "${abs_top_srcdir:-$BATS_TEST_DIRNAME/..}/etc/dnswl.cfg.in")
	[[ $ips == *'127.0.[0..255].2 / -5'* ]] || fail "sample ips changed: '$ips'"
	write_cfg "swl:swl.test:$ips"
	run_policy 192.0.2.30 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " swl.test=127.0.5.0:dns:nomatch "
	run_policy 192.0.2.31 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.5.2:dns:-5.0 " " boost=-5.0 "
	# a CIDR block is a block (it was once read as 127.0.5.0 with boost +24)
	write_cfg 'swl:swl.test:127.0.5.0/24:-3'
	run_policy 192.0.2.31 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.5.2:dns:-3.0 " " boost=-3.0 "
}

@test "longer prefix beats shorter; the list's boost applies to entries without one" {
	write_cfg 'swl:swl.test:127 / -1, 127.0.2:-4'
	run_policy 192.0.2.3 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.2.9:dns:-4.0 " " boost=-4.0 "
	run_policy 192.0.2.6 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.5.5.5:dns:-1.0 " " boost=-1.0 "
}

@test "several A records: the list counts once, with its strongest matched boost" {
	write_cfg "$SWL"
	# 127.0.2.9 (prefix, -8) and 127.0.2.1 (exact, -2)
	run_policy 192.0.2.4 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_stderr_empty
	assert_decision_re ' swl\.test=(127\.0\.2\.9,127\.0\.2\.1|127\.0\.2\.1,127\.0\.2\.9):dns:-8\.0 ' \
		' boost=-8\.0 '
	# 127.0.2.1 (-2) and 127.0.10.0 (-20)
	run_policy 192.0.2.5 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision_re ' swl\.test=(127\.0\.2\.1,127\.0\.10\.0|127\.0\.10\.0,127\.0\.2\.1):dns:-20\.0 ' \
		' boost=-20\.0 '
}

@test "a listing with a code in no ips entry: DUNNO, logged as nomatch" {
	write_cfg "$SWL"
	run_policy 192.0.2.6 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision " swl.test=127.5.5.5:dns:nomatch " " action=DUNNO "
}

# --- refusals and bogus answers are never listings --------------------------

@test "DNSWL refusal 127.0.0.255 is not a listing, even with ips = 127" {
	write_cfg swl:swl.test:127
	run_policy 192.0.2.7 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision " swl.test=127.0.0.255:dns:refusal " " action=DUNNO "
	assert_log '^warning: list swl\.test returned refusal code 127\.0\.0\.255'
}

@test "Spamhaus error code 127.255.255.254 is not a listing, even with ips = 127" {
	write_cfg swl:swl.test:127
	run_policy 192.0.2.8 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision " swl.test=127.255.255.254:dns:refusal " " action=DUNNO "
	assert_log '^warning: list swl\.test returned refusal code 127\.255\.255\.254'
}

@test "the refusal-code warning is said once per list and process, and says so" {
	write_cfg swl:swl.test:127 swl:swl2.test::-5
	{
		policy_request 192.0.2.7 mx.example.com "$FROM" "$TO"
		policy_request 192.0.2.7 mx.example.com "$FROM" "$TO"
		policy_request 192.0.2.8 mx.example.com "$FROM" "$TO"
	} >"$T/requests"
	run_dnswl <"$T/requests"
	assert_success
	assert_reply DUNNO DUNNO DUNNO
	assert_equal "$(log_text | grep -c '^decision: .* swl.test=127\.[0-9.]*:dns:refusal ')" 3
	assert_equal "$(log_text | grep -c '^warning: list swl\.test returned')" 1
	assert_log '^warning: list swl\.test returned refusal code 127\.0\.0\.255: not a listing \(warned once per 10 min per process\)$'
	# a new process (a new smtpd connection) warns again
	write_cfg swl:swl.test:127
	run_policy 192.0.2.7 mx.example.com "$FROM" "$TO"
	assert_equal "$(log_text | grep -c '^warning: list swl\.test returned')" 2
}

@test "the refusal-code warning comes again after 10 minutes in the same process" {
	write_cfg swl:swl.test:127
	clock_file "$T/clock"
	dnswl_start "${CLOCK_ENV[@]}"
	dnswl_ask 192.0.2.7
	assert_equal "$reply" action=DUNNO
	clock_set 599
	dnswl_ask 192.0.2.7
	assert_equal "$(log_text | grep -c '^warning: list swl\.test returned')" 1
	clock_set 600
	dnswl_ask 192.0.2.7
	assert_equal "$reply" action=DUNNO
	dnswl_stop
	assert_equal "$(log_text | grep -c '^decision: ')" 3
	assert_equal "$(log_text | grep -c '^warning: list swl\.test returned refusal code 127\.0\.0\.255')" 2
	assert_stderr_empty
}

@test "nameserver refusing at once (nothing listens there): unreachable, not timeout" {
	write_cfg nameserver=127.0.0.9:1 "$SWL"
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply "$DEFER"
	assert_stderr_empty
	assert_decision " swl.test=unreachable:dns " " action=DEFER_IF_REJECT"
	run_dnswl -q 192.0.2.1
	assert_line --regexp '^list swl\.test .*answer unreachable from dns: failed$'
}

@test "an answer outside 127/8 (10.1.2.3) is not a listing" {
	write_cfg swl:swl.test:127
	run_policy 192.0.2.9 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision " swl.test=10.1.2.3:dns:bogus " " action=DUNNO "
	assert_log '^warning: list swl\.test returned non-127 address 10\.1\.2\.3'
}

@test "a refusal from one list does not stop another from whitelisting" {
	write_cfg swl:swl.test:127 swl:swl2.test::-5
	run_policy 192.0.2.7 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl2.test=127.0.0.2:dns:-5.0 " " boost=-15.0 "
}

# --- failing lists ------------------------------------------------------

@test "SERVFAIL: DEFER_IF_REJECT" {
	write_cfg swl:servfail.test
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply "$DEFER"
	assert_stderr_empty
	assert_decision " servfail.test=SERVFAIL:dns " " action=DEFER_IF_REJECT"
}

@test "REFUSED: DEFER_IF_REJECT" {
	write_cfg swl:refused.test
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply "$DEFER"
	assert_stderr_empty
	assert_decision " refused.test=REFUSED:dns " " action=DEFER_IF_REJECT"
}

@test "FORMERR: DEFER_IF_REJECT, logged as error" {
	write_cfg swl:formerr.test
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply "$DEFER"
	assert_stderr_empty
	assert_decision " formerr.test=error:dns " " action=DEFER_IF_REJECT"
}

@test "malformed reply (answer record cut short): DEFER_IF_REJECT" {
	write_cfg swl:bad.test
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply "$DEFER"
	assert_stderr_empty
	assert_decision " bad.test=malformed:dns " " action=DEFER_IF_REJECT"
}

@test "malformed reply (A record with 3 bytes of address): DEFER_IF_REJECT" {
	write_cfg swl:bad.test
	run_policy 192.0.2.3 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply "$DEFER"
	assert_stderr_empty
	assert_decision " bad.test=malformed:dns " " action=DEFER_IF_REJECT"
}

@test "no answer within dns_timeout=1, dns_attempts=1: DEFER_IF_REJECT after about 1 s" {
	write_cfg swl:dead.test
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply "$DEFER"
	assert_stderr_empty
	assert_decision " dead.test=timeout:dns " " action=DEFER_IF_REJECT"
	echo "# timeout case took ${elapsed_ms} ms" >&3
	# the bound is the resolver's; ours only catches a hang (scaled)
	((elapsed_ms < $(scaled 5000))) || fail "took ${elapsed_ms} ms, want about 1000"
}

@test "no answer with dns_attempts=2: still bounded (about 2 s)" {
	write_cfg dns_attempts=2 swl:dead.test
	dnstest_mark
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply "$DEFER"
	assert_decision " dead.test=timeout:dns "
	assert_equal "$(dnstest_asked)" $'20.2.0.192.dead.test. A\n20.2.0.192.dead.test. A'
	echo "# timeout*2 case took ${elapsed_ms} ms" >&3
	((elapsed_ms < $(scaled 8000))) || fail "took ${elapsed_ms} ms, want about 2000"
}

@test "a failed list plus an unlisted answer elsewhere: DEFER_IF_REJECT" {
	write_cfg "$SWL" swl:servfail.test
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply "$DEFER"
	assert_decision " swl.test=NXDOMAIN:dns " " servfail.test=SERVFAIL:dns "
}

@test "one list matching wins over lists that failed" {
	write_cfg "$SWL" swl:servfail.test swl:refused.test swl:dead.test swl:bad.test
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_decision " swl.test=127.0.10.0:dns:-20.0 " " servfail.test=SERVFAIL:dns " \
		" refused.test=REFUSED:dns " " dead.test=timeout:dns " \
		" bad.test=malformed:dns " " boost=-20.0 " " action=OK "
	((elapsed_ms < $(scaled 5000))) || fail "took ${elapsed_ms} ms"
}

# --- IPv6 -----------------------------------------------------------------

@test "IPv6 client listed (32 reversed nibbles)" {
	write_cfg "$SWL"
	dnstest_mark
	run_policy 2001:db8::1 mx6.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_decision "client=mx6.example.com[2001:db8::1]" \
		" swl.test=127.0.10.0:dns:-20.0 " " action=OK "
	run dnstest_asked
	assert_output "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.swl.test. A"
}

@test "IPv6 client with letters in its nibbles" {
	write_cfg "$SWL"
	run_policy 2001:db8:cafe::25 mx6.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.2.1:dns:-2.0 "
}

@test "IPv6 client not listed: DUNNO" {
	write_cfg "$SWL"
	run_policy 2001:db8::2 mx6.example.com "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision " swl.test=NXDOMAIN:dns " " action=DUNNO "
}

# --- domain lists: the registrable domain of the verified client_name -----

@test "dwl: registrable domain of client_name is asked (mail.sub.example.co.uk)" {
	write_cfg dwl:dwl.test::-15
	dnstest_mark
	run_policy 192.0.2.20 mail.sub.example.co.uk "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_decision "client=mail.sub.example.co.uk[192.0.2.20]" \
		" dwl.test=127.0.10.0:dns:-15.0 " " boost=-15.0 " " action=OK "
	run dnstest_asked
	assert_output "example.co.uk.dwl.test. A"
}

@test "dwl: client_name is lowercased before the lookup" {
	write_cfg dwl:dwl.test::-15
	run_policy 192.0.2.20 MX1.Example.COM "$FROM" "$TO"
	assert_reply OK
	assert_decision " dwl.test=127.0.2.1:dns:-15.0 "
}

@test "dwl: client_name unknown is not asked; reverse name and sender are never used" {
	write_cfg dwl:dwl.test::-15
	dnstest_mark
	run_policy 192.0.2.20 unknown x@example.co.uk "$TO" \
		reverse_client_name=mail.example.co.uk
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision " dwl.test=not-asked" " action=DUNNO "
	run dnstest_asked
	assert_output ""
}

@test "dwl: client_name absent from the request is not asked" {
	write_cfg dwl:dwl.test::-15
	run_policy 192.0.2.20 x "$FROM" "$TO" -client_name reverse_client_name=mail.example.co.uk
	assert_success
	assert_reply DUNNO
	assert_decision " dwl.test=not-asked" " action=DUNNO "
}

@test "dwl: a domain not listed gives NXDOMAIN and DUNNO" {
	write_cfg dwl:dwl.test::-15
	run_policy 192.0.2.20 mx.example.org "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " dwl.test=NXDOMAIN:dns " " action=DUNNO "
}

@test "ip and domain lists together: each asked by its own key" {
	write_cfg "$SWL" dwl:dwl.test::-15
	run_policy 192.0.2.1 mail.example.co.uk "$FROM" "$TO"
	assert_reply OK
	assert_stderr_empty
	assert_decision " swl.test=127.0.10.0:dns:-20.0 " " dwl.test=127.0.10.0:dns:-15.0 " \
		" boost=-35.0 "
	run_policy 192.0.2.20 unknown "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " swl.test=NXDOMAIN:dns " " dwl.test=not-asked"
}

# --- no usable client address -----------------------------------------------

@test "client_address unknown: DUNNO without asking any list" {
	write_cfg "$SWL" swl:dead.test
	dnstest_mark
	run_policy unknown unknown "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	refute_decision "NXDOMAIN" "timeout" ":dns"
	run dnstest_asked
	assert_output ""
}

# --- several requests on one process ------------------------------------------

@test "several requests on one stdin: listed, timeout, unlisted, refused" {
	write_cfg "$SWL" swl:swl2.test::-5 swl:dead.test
	{
		policy_request 192.0.2.1 mx.example.com "$FROM" "$TO"
		policy_request 192.0.2.20 mx.example.com "$FROM" "$TO"
		policy_request 192.0.2.2 mx.example.com "$FROM" "$TO"
	} >"$T/requests"
	run_dnswl <"$T/requests"
	assert_success
	assert_reply OK "$DEFER" OK
	assert_stderr_empty
	[[ $(log_text | grep -c '^decision: ') == 3 ]] || fail "want 3 decision lines: $(log_text)"
	assert_equal "$(decision_line 3 | grep -o ' swl.test=[^ ]*')" " swl.test=127.0.10.0:dns:-20.0"
	assert_equal "$(decision_line 2 | grep -o ' swl.test=[^ ]*')" " swl.test=NXDOMAIN:dns"
	assert_equal "$(decision_line 1 | grep -o ' boost=[^ ]*')" " boost=-7.0"
}

@test "configured actions replace OK, DUNNO and DEFER_IF_REJECT" {
	write_cfg 'action_ok=PREPEND X-DNSWL: listed' action_dunno=DUNNO \
		'action_defer=DEFER_IF_REJECT 4.7.1 try later' "$SWL" swl:servfail.test
	{
		policy_request 192.0.2.1 mx.example.com "$FROM" "$TO"
		policy_request 192.0.2.20 mx.example.com "$FROM" "$TO"
	} >"$T/requests"
	run_dnswl <"$T/requests"
	assert_success
	assert_reply 'PREPEND X-DNSWL: listed' 'DEFER_IF_REJECT 4.7.1 try later'
	assert_stderr_empty
}

# --- dnswl -q: ask every list about one client -------------------------------
# Output: one "list ZONE (KIND): query QNAME answer ANSWER from SOURCE:
# OUTCOME" line per list, then "decision: VERDICT, boost B, action=ACTION".

@test "dnswl -q: a listed address names each list, its query, answer and source" {
	write_cfg "$SWL" swl:swl2.test::-5 dwl:dwl.test::-15
	run_dnswl -q 192.0.2.1 mail.example.co.uk
	assert_success
	assert_line --regexp '^list swl\.test .*query 1\.2\.0\.192\.swl\.test .*answer 127\.0\.10\.0 .*from dns.*match'
	assert_line --regexp '^list swl2\.test .*query 1\.2\.0\.192\.swl2\.test .*answer NXDOMAIN .*from dns'
	assert_line --regexp '^list dwl\.test .*query example\.co\.uk\.dwl\.test .*answer 127\.0\.10\.0 .*from dns.*match'
	assert_line --regexp '^decision: .*whitelisted.*-35\.0.*action=OK$'
}

@test "dnswl -q: an unlisted address, a failing list, a domain list without a name" {
	write_cfg "$SWL" swl:servfail.test dwl:dwl.test
	run_dnswl -q 192.0.2.20
	assert_line --regexp '^list swl\.test .*query 20\.2\.0\.192\.swl\.test .*answer NXDOMAIN'
	assert_line --regexp '^list servfail\.test .*answer SERVFAIL .*failed'
	assert_line --regexp '^list dwl\.test .*not asked'
	assert_line --regexp "^decision: .*action=$DEFER\$"
	write_cfg "$SWL"
	run_dnswl -q 192.0.2.20
	assert_success
	assert_line --regexp '^decision: .*action=DUNNO$'
	refute_line --regexp 'action=OK'
}

@test "dnswl -q: a domain list not asked says why (no name, or no registrable domain)" {
	write_cfg "$SWL" dwl:dwl.test
	run_dnswl -q 192.0.2.20
	assert_line 'list dwl.test (domain): not asked (no verified client name)'
	run_dnswl -q 192.0.2.20 unknown
	assert_line 'list dwl.test (domain): not asked (no verified client name)'
	run_dnswl -q 192.0.2.20 co.uk
	assert_line 'list dwl.test (domain): not asked (co.uk has no registrable domain: a public suffix, an address or not a host name)'
	run_dnswl -q 192.0.2.20 192.0.2.20
	assert_line --partial 'not asked (192.0.2.20 has no registrable domain'
	run_dnswl -q 192.0.2.20 mx.example.com
	assert_line --regexp '^list dwl\.test .*query example\.com\.dwl\.test '
	run_dnswl -q not-an-address
	assert_line 'list swl.test (ip): not asked (not-an-address is not an IPv4 or IPv6 address)'
}

@test "dnswl -q: an IPv6 address and the RFC 5782 test point" {
	write_cfg "$SWL"
	run_dnswl -q 2001:db8::1
	assert_success
	assert_line --regexp '^list swl\.test .*query 1\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.8\.b\.d\.0\.1\.0\.0\.2\.swl\.test .*answer 127\.0\.10\.0'
	assert_line --regexp '^decision: .*action=OK$'
	write_cfg swl:swl.test:127
	run_dnswl -q 127.0.0.2
	assert_line --regexp '^list swl\.test .*query 2\.0\.0\.127\.swl\.test .*answer 127\.0\.0\.2 .*match'
	run_dnswl -q 127.0.0.1
	assert_line --regexp '^list swl\.test .*answer NXDOMAIN'
}
