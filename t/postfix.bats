#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/postfix.bats - dnswl under a real Postfix: smtpd -> check_policy_service
# -> spawn(8) -> the built dnswl as an unprivileged user, against the same
# scripted DNS lists as t/dns.bats (t/data/lists.testns).  Needs root,
# postfix and swaks; skips visibly without them.
#
# One private Postfix instance (t/lib/postfix.bash) serves the whole file,
# with one smtpd per situation, each calling its own policy service:
#   ok      lists swl.test + dwl.test, cache file, amavis rows in SQLite
#   fail    lists swl.test + servfail.test (a list that answers SERVFAIL)
#   reuse   as ok, but one smtpd process: every session shares one dnswl
#   broken  a dnswl.cfg with an error: Postfix's default_action applies
#   grey    as ok, with greylisting of every client that is not listed
#           (score 0, delay 0: the retry passes without waiting)
#   none    no policy check at all (the reference)
#   score   block list bl.test (127.0.0.2 scores 5, other codes 1),
#           reject_score 5, header X-DNSWL (issue 12)
# Each smtpd's RCPT restrictions: reject_unauth_destination, the policy
# check, then a later restriction that rejects reject@example.test.

bats_require_minimum_version 1.5.0

setup_file() {
	load lib/common
	load lib/dnstest
	load lib/postfix
	E2E_SKIP=$(e2e_need)
	export E2E_SKIP
	[[ -z $E2E_SKIP ]] || return 0
	common_setup
	dnstest_start "$BATS_TEST_DIRNAME/data/lists.testns"
	e2e_begin "$DNSWL"
	AMAVIS_DB=$E2E/run/amavis.db
	sqlite3 "$AMAVIS_DB" <"$BATS_TEST_DIRNAME/../sql/sqlite.sql"
	chown "$E2E_USER:" "$AMAVIS_DB"
	export AMAVIS_DB
	write_e2e_cfg ok swl.test dwl.test
	write_e2e_cfg fail swl.test servfail.test
	write_e2e_cfg grey swl.test dwl.test
	printf '\n[greylist]\nenable = yes\nscore = 0\ndelay = 0\n' >>"$E2E/run/grey.cfg"
	printf '[global]\nnameserver = 127.0.0.1:%s\ndns_timeout = often\n' "$DNS_PORT" \
		>"$E2E/run/broken.cfg"
	e2e_policy policy "$E2E/run/ok.cfg"
	e2e_policy policy_fail "$E2E/run/fail.cfg"
	e2e_policy policy_reuse "$E2E/run/ok.cfg"
	e2e_policy policy_broken "$E2E/run/broken.cfg"
	e2e_policy policy_grey "$E2E/run/grey.cfg"
	write_score_cfg
	e2e_policy policy_score "$E2E/run/score.cfg"
	e2e_smtpd ok policy
	e2e_smtpd fail policy_fail
	e2e_smtpd reuse policy_reuse 1
	e2e_smtpd broken policy_broken
	e2e_smtpd grey policy_grey
	e2e_smtpd none -
	e2e_smtpd score policy_score
	e2e_start
}

teardown_file() {
	load lib/postfix
	e2e_end
	load lib/dnstest
	dnstest_stop
}

setup() {
	[[ -z $E2E_SKIP ]] || skip "$E2E_SKIP"
	load lib/common
	load lib/postfix
}

# write_e2e_cfg NAME LIST... - $E2E/run/NAME.cfg: the test DNS server, the
# given lists (dwl.test is a domain list), a cache, amavis rows in SQLite
write_e2e_cfg() {
	local name=$1 zone swl=() dwl=()
	shift
	for zone; do
		[[ $zone == dwl.* ]] && dwl+=("$zone") || swl+=("$zone")
	done
	{
		printf '[global]\nnameserver = 127.0.0.1:%s\ndns_timeout = 1\ndns_attempts = 1\n' "$DNS_PORT"
		printf '\n[cache]\nfile = %s/run/cache-%s/cache.db\n' "$E2E" "$name"
		printf '\n[sql]\nuse_sql = yes\ndsn = sqlite://%s\ncleanup_interval = 0\n' "$AMAVIS_DB"
		printf '\n[swl-sites]\nsites = %s\n' "$(IFS=,; echo "${swl[*]}")"
		((${#dwl[@]})) && printf '\n[dwl-sites]\nsites = %s\n' "$(IFS=,; echo "${dwl[*]}")"
		for zone; do
			printf '\n[%s]\nips = 127\nboost = -10\n' "$zone"
		done
	} >"$E2E/run/$name.cfg"
}

# write_score_cfg - $E2E/run/score.cfg: a block list, a threshold, a header
write_score_cfg() {
	{
		printf '[global]\nnameserver = 127.0.0.1:%s\ndns_timeout = 1\ndns_attempts = 1\n' "$DNS_PORT"
		printf 'reject_score = 5\nheader = X-DNSWL\n'
		printf '\n[cache]\nfile =\n'
		printf '\n[dnsbl-sites]\nsites = bl.test\n\n[bl.test]\nips = 127.0.0.2 / 5, 127\n'
	} >"$E2E/run/score.cfg"
}

# decisions REGEX - dnswl's syslog decision lines matching REGEX
decisions() {
	grep -E "dnswl\[[0-9]+\]: decision: .*$1" "$E2E/syslog" || true
}

# decisions_at_least N REGEX - at least N decision lines match
decisions_at_least() {
	(($(decisions "$2" | wc -l) >= $1))
}

# wait_decisions N REGEX - until N decision lines match (the reply reaches
# smtpd just before dnswl logs)
wait_decisions() {
	wait_for "$(scaled 100)" decisions_at_least "$1" "$2" || true
	run decisions "$2"
	assert_equal "${#lines[@]}" "$1"
}

@test "a listed client's RCPT is accepted through OK, even where a later restriction rejects" {
	run smtp_rcpt "$PORT_ok" 192.0.2.1 mx.example.co.uk news@example.co.uk \
		reject@example.test alice@example.test
	assert_line "reject@example.test: 250 2.1.5 Ok"
	assert_line "alice@example.test: 250 2.1.5 Ok"
	wait_decisions 1 'client=mx\.example\.co\.uk\[192\.0\.2\.1\] sender=<news@example\.co\.uk> recipient=<reject@example\.test> swl\.test=127\.0\.10\.0:(dns|cache):-10\.0 dwl\.test=127\.0\.10\.0:(dns|cache):-10\.0 boost=-20\.0 total=-20\.0 action=OK '
}

@test "an unlisted client goes on to the next restriction (DUNNO)" {
	run smtp_rcpt "$PORT_ok" 192.0.2.20 unknown someone@example.net \
		reject@example.test bob@example.test
	assert_line "reject@example.test: 554 5.7.1 <reject@example.test>: Recipient address rejected: rejected by a later restriction"
	assert_line "bob@example.test: 250 2.1.5 Ok"
	wait_decisions 2 'client=unknown\[192\.0\.2\.20\] sender=<someone@example\.net> recipient=<(reject|bob)@example\.test> swl\.test=NXDOMAIN:(dns|cache) dwl\.test=not-asked boost=0\.0 total=0\.0 action=DUNNO '
}

@test "greylisting: a real smtpd gives 450 4.2.0 for the first RCPT and accepts the retry" {
	run smtp_rcpt "$PORT_grey" 192.0.2.20 unknown late@example.net carol@example.test
	assert_line "carol@example.test: 450 4.2.0 <carol@example.test>: Recipient address rejected: Greylisted, please try again later"
	wait_decisions 1 'recipient=<carol@example\.test> .*greylist=new action=DEFER_IF_PERMIT 4\.2\.0 '
	run smtp_rcpt "$PORT_grey" 192.0.2.20 unknown late@example.net carol@example.test
	assert_line "carol@example.test: 250 2.1.5 Ok"
	wait_decisions 1 'recipient=<carol@example\.test> .*greylist=passed after [0-9]+ s action=PREPEND X-Greylist: delayed '
	# a listed client is never greylisted on the same service
	run smtp_rcpt "$PORT_grey" 192.0.2.1 mx.example.co.uk news@example.co.uk carol@example.test
	assert_line "carol@example.test: 250 2.1.5 Ok"
}

@test "a SERVFAIL list gives 450 where a later restriction rejects (DEFER_IF_REJECT)" {
	run smtp_rcpt "$PORT_fail" 192.0.2.20 unknown someone@example.net \
		reject@example.test carol@example.test
	assert_line "reject@example.test: 450 4.7.1 <reject@example.test>: Recipient address rejected: DNS list lookup failed, try again later"
	assert_line "carol@example.test: 250 2.1.5 Ok"
	run grep -F 'NOQUEUE: reject: RCPT from unknown[192.0.2.20]: 450 4.7.1 <reject@example.test>' "$E2E/maillog"
	assert_success
	wait_decisions 2 'client=unknown\[192\.0\.2\.20\] .* servfail\.test=SERVFAIL.* action=DEFER_IF_REJECT '
}

@test "a listed client on the SERVFAIL service is still accepted (OK wins)" {
	run smtp_rcpt "$PORT_fail" 192.0.2.1 unknown news@example.org reject@example.test
	assert_line "reject@example.test: 250 2.1.5 Ok"
	wait_decisions 1 'client=unknown\[192\.0\.2\.1\] sender=<news@example\.org> .*swl\.test=127\.0\.10\.0.* action=OK '
}

@test "an IPv6 client is looked up by its reversed nibbles" {
	run smtp_rcpt "$PORT_ok" IPV6:2001:db8::1 unknown v6@example.org reject@example.test
	assert_line "reject@example.test: 250 2.1.5 Ok"
	wait_decisions 1 'client=unknown\[2001:db8::1\] sender=<v6@example\.org> .*swl\.test=127\.0\.10\.0:(dns|cache):-10\.0 .*action=OK '
	run smtp_rcpt "$PORT_ok" IPV6:2001:db8::2 unknown v6@example.org reject@example.test
	assert_line "reject@example.test: 554 5.7.1 <reject@example.test>: Recipient address rejected: rejected by a later restriction"
	wait_decisions 1 'client=unknown\[2001:db8::2\] .*action=DUNNO '
}

@test "several sessions and recipients go through one spawned dnswl" {
	local s
	for s in 1 2 3; do
		run smtp_rcpt "$PORT_reuse" 192.0.2.1 mx.example.co.uk "s$s@example.co.uk" \
			"r1@example.test" "r2@example.test" "r3@example.test"
		assert_equal "$(grep -c ': 250 2.1.5 Ok$' <<<"$output")" 3
	done
	wait_decisions 9 'sender=<s[123]@example\.co\.uk> recipient=<r[123]@example\.test> .*action=OK '
	# Postfix's log: three sessions on one smtpd, one dnswl started by spawn
	assert_equal "$(maillog_count 'postfix/reuse/smtpd\[[0-9]+\]: disconnect from mx\.example\.co\.uk\[192\.0\.2\.1\]')" 3
	assert_equal "$(maillog_count 'postfix/spawn\[[0-9]+\]: spawn_service: service=policy_reuse,')" 1
	assert_equal "$(decisions 'sender=<s[123]@example\.co\.uk>' | sed 's/.*dnswl\[\([0-9]*\)\].*/\1/' | sort -u | wc -l)" 1
}

@test "a whitelisted RCPT leaves amavis soft-whitelist rows in SQLite" {
	run smtp_rcpt "$PORT_ok" 192.0.2.1 mx.example.co.uk Friend@Example.co.uk dave@example.test
	assert_line "dave@example.test: 250 2.1.5 Ok"
	query="SELECT u.email, m.email, w.wb FROM wblist w JOIN users u ON u.id = w.rid
	       JOIN mailaddr m ON m.id = w.sid WHERE u.email = 'dave@example.test'"
	wait_for "$(scaled 100)" eval '[[ -n $(sqlite3 "$AMAVIS_DB" "$query") ]]' || true
	run sqlite3 -separator ' ' "$AMAVIS_DB" "$query"
	assert_output "dave@example.test friend@example.co.uk -20.0"
}

@test "each decision is one syslog line, facility mail, tagged dnswl[pid]" {
	run smtp_rcpt "$PORT_ok" 192.0.2.2 unknown tally@example.org \
		t1@example.test t2@example.test reject@example.test
	assert_line "t1@example.test: 250 2.1.5 Ok"
	wait_decisions 3 'sender=<tally@example\.org> .*action=OK '
	# <22> = facility mail (2) * 8 + severity info (6)
	run grep -cE '^<22>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} dnswl\[[0-9]+\]: decision: client=unknown\[192\.0\.2\.2\] sender=<tally@example\.org>' "$E2E/syslog"
	assert_output 3
}

@test "a config error at start-up: Postfix applies its default_action, and says why" {
	run smtp_rcpt "$PORT_broken" 192.0.2.1 unknown x@example.org eve@example.test
	assert_line "eve@example.test: 451 4.3.5 <eve@example.test>: Recipient address rejected: Server configuration problem"
	# smtpd saw a policy server that went away, not garbage on the socket
	run grep -E 'postfix/broken/smtpd\[[0-9]+\]: warning: problem talking to server private/policy_broken' "$E2E/maillog"
	assert_success
	run grep -E 'postfix/broken/smtpd.*(malformed|unexpected|protocol error|attribute)' "$E2E/maillog"
	assert_failure
	run grep -E 'postfix/spawn\[[0-9]+\]: warning: command .*/dnswl exit status 1' "$E2E/maillog"
	assert_success
	run grep -E "dnswl\[[0-9]+\]: fatal: $E2E/run/broken\.cfg:3: .*dns_timeout" "$E2E/syslog"
	assert_success
}

@test "without the policy check, the later restriction decides alone (reference)" {
	run smtp_rcpt "$PORT_none" 192.0.2.1 mx.example.co.uk news@example.co.uk reject@example.test
	assert_line "reject@example.test: 554 5.7.1 <reject@example.test>: Recipient address rejected: rejected by a later restriction"
}

@test "a client over reject_score: the RCPT gets 554 naming the block list" {
	run smtp_rcpt "$PORT_score" 192.0.2.1 unknown spam@example.org keep@example.test
	assert_output 'keep@example.test: 554 5.7.1 <keep@example.test>: Recipient address rejected: Service unavailable, listed by bl.test'
	wait_decisions 1 'client=unknown\[192\.0\.2\.1\] .* bl\.test=127\.0\.0\.2:dns:\+5\.0 .*total=5\.0 action=REJECT'
}

@test "a client below reject_score: the delivered message carries the X-DNSWL header once" {
	run smtp_send "$PORT_score" 192.0.2.2 unknown ham@example.org keep@example.test
	assert_output --regexp '<- +250 2\.0\.0 Ok: queued'
	wait_for "$(scaled 300)" eval 'grep -qs "^X-DNSWL:" "$E2E"/run/mail.*' || true
	run grep -h '^X-DNSWL:' "$E2E"/run/mail.*
	assert_output 'X-DNSWL: total=1.0; bl.test=127.0.0.4 +1.0'
}

@test "stopping Postfix ends every dnswl cleanly: no sanitizer report, nothing on stderr" {
	"$POSTFIX" -c "$E2E/etc" stop >/dev/null 2>&1
	wait_for "$(scaled 100)" e2e_no_dnswl_running
	run e2e_no_dnswl_running
	assert_success
	run compgen -G "$E2E/run/[au]*san.*"
	refute_output
	run grep -E 'postfix/[a-z/]*smtpd.*warning: .*private/policy(_reuse|_fail)?[: ]' "$E2E/maillog"
	refute_output
}

