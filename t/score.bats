#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/score.bats - weighted scoring (issue 12), black box against the test
# DNS server: block lists (bl.test, bl2.test), an RHSBL (rhsbl.test),
# allow lists (swl.test) and failing lists, thresholds, the reject
# text, the header once per message, dry run, the postscreen spelling
# and `dnswl -q`'s arithmetic.  What each list answers is at the top of
# t/data/lists.testns.
#
# Run: make check TESTS=t/score.bats     (in the build dir)

DEFER='DEFER_IF_REJECT 4.7.1 DNS list lookup failed, try again later'
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
	# every list here has RFC 5782 test points: list health probes run
	# (issue 13), except where a test counts queries
	WRITE_CFG_PROBE_INTERVAL=300
}

# --- thresholds ------------------------------------------------------------

@test "two block lists reach reject_score: REJECT naming both lists" {
	write_cfg reject_score=5 dnsbl:bl.test:127:2 dnsbl:bl2.test:127:3
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by bl.test, bl2.test'
	assert_stderr_empty
	assert_decision " bl.test=127.0.0.2:dns:+2.0 " " bl2.test=127.0.0.3:dns:+3.0 " \
		" total=5.0 " " action=REJECT 5.7.1 "
}

@test "one hit below reject_score: DUNNO, the total logged" {
	write_cfg reject_score=5 dnsbl:bl.test:127:2 dnsbl:bl2.test:127:3
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=127.0.0.4:dns:+2.0 " " bl2.test=NXDOMAIN:dns " \
		" total=2.0 " " action=DUNNO "
}

@test "no reject_score: never rejects, however high the total" {
	write_cfg dnsbl:bl.test:127:100 dnsbl:bl2.test:127:100
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " total=200.0 " " action=DUNNO "
}

@test "per-entry scores: the most specific entry counts" {
	write_cfg reject_score=3 'dnsbl:bl.test:127.0.0.[2..3] / 3, 127.0.0.10 / 0.5, 127'
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=127.0.0.10:dns:+0.5 " " total=0.5 "
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by bl.test'
}

@test "action_reject: \$lists is replaced by the lists that hit" {
	write_cfg reject_score=1 'action_reject=550 5.7.1 Blocked (see $lists)' \
		dnsbl:bl.test dnsbl:bl2.test
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply '550 5.7.1 Blocked (see bl.test)'
}

# --- codes that never score ------------------------------------------------

@test "refusal and non-127 codes of a block list never score" {
	write_cfg reject_score=1 dnsbl:bl.test:127:5
	run_policy 192.0.2.7 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=127.255.255.254:dns:refusal " " total=0.0 " " action=DUNNO "
	assert_log 'list bl.test returned refusal code 127.255.255.254: not a listing'
	run_policy 192.0.2.9 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=10.0.0.1:dns:bogus " " total=0.0 "
}

# --- RHSBL -----------------------------------------------------------------

@test "RHSBL on the sender's domain (the default check)" {
	write_cfg reject_score=5 rhsbl:rhsbl.test:127.0.1:5
	run_policy 192.0.2.20 mx.example.com someone@Spam.Example "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by rhsbl.test'
	assert_decision " rhsbl.test[sender]=127.0.1.2:dns:+5.0 " " total=5.0 "
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " rhsbl.test[sender]=NXDOMAIN:dns " " total=0.0 "
	run_policy 192.0.2.20 mx.example.com "" "$TO"
	assert_reply DUNNO
	assert_decision " rhsbl.test[sender]=not-asked "
}

@test "RHSBL on the HELO name (check = helo), not the sender" {
	write_cfg reject_score=5 rhsbl:rhsbl.test:127.0.1:5::helo
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO" helo_name=evil-helo.example.net
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by rhsbl.test'
	assert_decision " rhsbl.test[helo]=127.0.1.3:dns:+5.0 "
	run_policy 192.0.2.20 mx.example.com x@spam.example "$TO" helo_name=[192.0.2.20]
	assert_reply DUNNO
	assert_decision " rhsbl.test[helo]=not-asked "
	refute_decision "[sender]"
}

@test "RHSBL matched by several names counts once, with its strongest score" {
	write_cfg reject_score=10 \
		'rhsbl:rhsbl.test:127.0.1.2 / 2, 127.0.1.3 / 3, 127.0.1.4 / 4:1::sender, helo, client_name, reverse_client_name'
	run_policy 192.0.2.20 mx.spam.example x@spam.example "$TO" \
		helo_name=evil-helo.example.net reverse_client_name=mx.spam.example
	assert_reply DUNNO
	assert_decision " rhsbl.test[sender]=127.0.1.2:dns:+2.0 " \
		" rhsbl.test[helo]=127.0.1.3:dns:+3.0 " \
		" rhsbl.test[client_name]=127.0.1.4:dns:+4.0 " " total=4.0 "
	# the same name for two checks is asked once
	refute_decision "[reverse_client_name]"
}

@test "RHSBL refusal code never scores" {
	write_cfg reject_score=1 rhsbl:rhsbl.test:127:5
	run_policy 192.0.2.20 mx.example.com x@refusing.example "$TO"
	assert_reply DUNNO
	assert_decision " rhsbl.test[sender]=127.255.255.254:dns:refusal " " total=0.0 "
}

@test "every name of every list is one query of one batch: all asked at once" {
	dnsdelay_find >/dev/null || skip "t/dns_delay not built"
	# 1 allow + 1 IP block list + an RHSBL checking 4 distinct names: 6
	# queries; -b 6 holds every answer until all 6 are in flight, which
	# asking one after another never reaches (each would time out)
	dnsdelay_start -b 6
	# counts queries: no health probes (t/health.bats has them in the batch)
	write_cfg probe_interval=0 dns_timeout=20 reject_score=100 "$SWL" dnsbl:bl.test \
		'rhsbl:rhsbl.test:127:1::sender,helo,client_name,reverse_client_name'
	run_policy 192.0.2.1 mx.spam.example x@spam.example "$TO" \
		helo_name=evil-helo.example.net reverse_client_name=refusing.example
	dnsdelay_stop
	assert_success
	assert_reply OK
	assert_equal "$(dnsdelay_max_inflight)" 6
	refute grep -q 'barrier timeout' "$DNSDELAY_LOG"
	assert_decision " swl.test=127.0.10.0:dns:-20.0 " " bl.test=127.0.0.2:dns:+1.0 " \
		" rhsbl.test[sender]=127.0.1.2:dns:+1.0 " " rhsbl.test[helo]=127.0.1.3:dns:+1.0 " \
		" rhsbl.test[client_name]=127.0.1.4:dns:+1.0 " \
		" rhsbl.test[reverse_client_name]=127.255.255.254:dns:refusal " " total=-18.0 "
}

# --- allow and block on one scale --------------------------------------------

@test "allow plus block on one client: the total decides" {
	write_cfg reject_score=5 "$SWL" dnsbl:bl.test:127:2 dnsbl:bl2.test:127:3
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.10.0:dns:-20.0 " " bl.test=127.0.0.2:dns:+2.0 " \
		" boost=-20.0 total=-15.0 " " action=OK "
	write_cfg reject_score=5 "$SWL" dnsbl:bl.test:127:12 dnsbl:bl2.test:127:13
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by bl.test, bl2.test'
	assert_decision " boost=-20.0 total=5.0 "
}

@test "an allow list matched but the total above 0: DUNNO" {
	write_cfg reject_score=5 "$SWL" dnsbl:bl.test:127:3
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " swl.test=127.0.2.1:dns:-2.0 " " bl.test=127.0.0.4:dns:+3.0 " \
		" boost=-2.0 total=1.0 "
}

# --- DNS failures ------------------------------------------------------------

@test "a failing block list fails open: no hit, no miss, no defer" {
	write_cfg reject_score=5 dnsbl:servfail.test:127:10:4 dnsbl:dead.test:127:10:4 \
		dnsbl:bl.test:127:1
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " servfail.test=SERVFAIL:dns " " dead.test=timeout:dns " \
		" bl.test=127.0.0.4:dns:+1.0 " " total=1.0 " " action=DUNNO "
	refute_decision "miss"
}

@test "miss scores: added on NXDOMAIN, not on a failure or a listing" {
	write_cfg dnsbl:bl.test:127:1:1.5 dnsbl:bl2.test:127:1:-0.5 dnsbl:servfail.test:127:1:3
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=NXDOMAIN:dns:miss+1.5 " " bl2.test=NXDOMAIN:dns:miss-0.5 " \
		" servfail.test=SERVFAIL:dns " " total=1.0 "
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_decision " bl.test=127.0.0.4:dns:+1.0 " " bl2.test=NXDOMAIN:dns:miss-0.5 " \
		" total=0.5 "
}

@test "a failed allow list defers only when it could change the verdict" {
	# the block lists reject even with the failed list's best boost (-10)
	write_cfg reject_score=5 swl:servfail.test dnsbl:bl.test:127:20
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by bl.test'
	# its boost could have saved the client: defer
	write_cfg reject_score=5 swl:servfail.test dnsbl:bl.test:127:8
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply "$DEFER"
	# another allow list gives OK whatever it says
	write_cfg reject_score=5 "$SWL" swl:servfail.test dnsbl:bl.test:127:2
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply OK
	# nothing matched, its boost could have given OK: defer, as before
	write_cfg reject_score=5 swl:servfail.test dnsbl:bl.test:127:2
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply "$DEFER"
}

# --- header, dry run -----------------------------------------------------------

@test "header: PREPENDed once per message (the first request of an instance)" {
	write_cfg reject_score=5 header=X-DNSWL dnsbl:bl.test:127:1 dnsbl:bl2.test:127:2:0.5
	{
		policy_request 192.0.2.2 mx.example.com "$FROM" "$TO" instance=aa.1
		policy_request 192.0.2.2 mx.example.com "$FROM" c@example.org instance=aa.1
		policy_request 192.0.2.2 mx.example.com "$FROM" "$TO" instance=bb.2
	} >"$T/request"
	run_dnswl <"$T/request"
	assert_success
	assert_reply 'PREPEND X-DNSWL: total=1.5; bl.test=127.0.0.4 +1.0; bl2.test=NXDOMAIN miss+0.5' \
		DUNNO 'PREPEND X-DNSWL: total=1.5; bl.test=127.0.0.4 +1.0; bl2.test=NXDOMAIN miss+0.5'
	assert_stderr_empty
	# a message whose first request was not DUNNO gets it on its first DUNNO
	write_cfg reject_score=5 header=X-DNSWL 'dnsbl:bl.test:127.0.0.2 / 5, 127:1'
	{
		policy_request 192.0.2.1 mx.example.com "$FROM" "$TO" instance=cc.3
		policy_request 192.0.2.2 mx.example.com "$FROM" "$TO" instance=cc.3
		policy_request 192.0.2.2 mx.example.com "$FROM" c@example.org instance=cc.3
	} >"$T/request"
	run_dnswl <"$T/request"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by bl.test' \
		'PREPEND X-DNSWL: total=1.0; bl.test=127.0.0.4 +1.0' DUNNO
}

@test "header: not on OK, REJECT or a deferral; one line under 998 bytes" {
	write_cfg reject_score=1 header=X-DNSWL "$SWL" dnsbl:bl.test
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply OK
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by bl.test'
	write_cfg reject_score=5 header=X-DNSWL swl:servfail.test dnsbl:bl.test:127:2
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply "$DEFER"
	local zones=() i
	for i in $(seq 1 16); do zones+=("dnsbl:d$i.test"); done
	write_cfg header=X-DNSWL "${zones[@]}"
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_output --regexp '^action=PREPEND X-DNSWL: total=16\.0; d1\.test=127\.0\.0\.2 \+1\.0; '
	local line=${lines[0]#action=PREPEND }
	((${#line} <= 998)) || fail "header line ${#line} bytes"
	[[ $line != *$'\r'* ]]
}

@test "dry_run: decides and logs the reject, never answers it" {
	write_cfg reject_score=1 dry_run=yes dnsbl:bl.test:127:2
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=127.0.0.2:dns:+2.0 " " total=2.0 dry_run=reject action=DUNNO "
	write_cfg reject_score=1 dry_run=yes header=X-DNSWL dnsbl:bl.test:127:2
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply 'PREPEND X-DNSWL: total=2.0; bl.test=127.0.0.2 +2.0'
}

# --- postscreen spelling ---------------------------------------------------------

@test "postscreen spelling in sites: zone=FILTER*WEIGHT, zone*WEIGHT, negative = allow" {
	CFG_EXTRA='[dnsbl-sites]
sites = bl.test=127.0.0.[2..4]*3, bl2.test*2, swl.test=127.0.10.0*-5' write_cfg reject_score=6
	run_dnswl -n
	assert_success
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " bl.test=127.0.0.2:dns:+3.0 " " bl2.test=127.0.0.3:dns:+2.0 " \
		" swl.test=127.0.10.0:dns:-5.0 " " boost=-5.0 total=0.0 " " action=OK "
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=127.0.0.10:dns:nomatch " " bl2.test=127.0.0.2:dns:+2.0 " " total=2.0 "
}

@test "postscreen spelling: one zone given twice collects both entries" {
	CFG_EXTRA='[dnsbl-sites]
sites = bl.test=127.0.0.[10..11]*1, bl.test=127.0.0.[2..9]*4' write_cfg reject_score=4
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=127.0.0.10:dns:+1.0 "
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by bl.test'
}

# --- dnswl -q ----------------------------------------------------------------------

@test "dnswl -q shows the arithmetic for a sender and a HELO" {
	write_cfg reject_score=5 "$SWL" dnsbl:bl.test:127:2:0.5 'rhsbl:rhsbl.test:127:4::sender,helo'
	run_dnswl -q 192.0.2.1 mx.example.com --sender x@spam.example --helo evil-helo.example.net
	assert_success
	assert_line 'list bl.test (ip block): query 1.2.0.192.bl.test answer 127.0.0.2 from dns: match'
	assert_line 'list rhsbl.test (domain block sender): query spam.example.rhsbl.test answer 127.0.1.2 from dns: match'
	assert_line 'list rhsbl.test (domain block helo): query evil-helo.example.net.rhsbl.test answer 127.0.1.3 from dns: match'
	assert_line 'total: -20.0 (swl.test hit) +2.0 (bl.test hit) +4.0 (rhsbl.test hit) = -14.0; reject_score 5.0: not reached'
	assert_line 'decision: whitelisted, boost -20.0, action=OK'
	run_dnswl -q 192.0.2.20 -s x@spam.example -H evil-helo.example.net
	assert_line 'total: +0.5 (bl.test miss) +4.0 (rhsbl.test hit) = 4.5; reject_score 5.0: not reached'
	run_dnswl -q 192.0.2.2 -s x@spam.example
	assert_line 'list rhsbl.test (domain block helo): not asked (no helo)'
	assert_line 'total: -2.0 (swl.test hit) +2.0 (bl.test hit) +4.0 (rhsbl.test hit) = 4.0; reject_score 5.0: not reached'
	write_cfg reject_score=5 dnsbl:bl.test:127:2 'rhsbl:rhsbl.test:127:4'
	run_dnswl -q 192.0.2.1 -s x@spam.example
	assert_line 'decision: rejected, boost 0.0, action=REJECT 5.7.1 Service unavailable, listed by bl.test, rhsbl.test'
}
