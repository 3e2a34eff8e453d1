#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/checks.bats - the client checks of [checks] (issue 15), black box
# against the test DNS server: each check firing and not firing, a
# lookup failure scoring nothing (named "failed"), the checks' queries
# in the request's one batch, and a company sending from an outsourced
# provider not penalised.  The *.chk names are at the top of
# t/data/lists.testns.
#
# Run: make check TESTS=t/checks.bats     (in the build dir)

FROM=a@company.chk
TO=b@example.org

setup_file() {
	load 'lib/dnstest'
	dnstest_start "$BATS_TEST_DIRNAME/data/lists.testns"
}

teardown_file() {
	load 'lib/dnstest'
	dnstest_stop
}

setup() {
	load 'lib/common'
	load 'lib/dnstest'
	common_setup
}

# all_checks [KEY=VALUE]... - a config with every check on (distinct scores)
all_checks() {
	write_cfg checks.no_client_name=1 checks.dynamic_client=2 checks.helo_ip_literal=3 \
		checks.helo_invalid=4 checks.helo_mismatch=5 checks.sender_bad_domain=6 \
		checks.sender_is_recipient=7 \
		checks.dynamic_patterns="${abs_top_srcdir:-$BATS_TEST_DIRNAME/..}/etc/dynamic_patterns" \
		"$@"
}

# --- configuration ------------------------------------------------------------

@test "every check is off by default: nothing asked, nothing scored" {
	write_cfg
	run_policy 192.0.2.62 unknown "a@nowhere.chk" a@nowhere.chk helo_name='[10.0.0.1]'
	assert_reply DUNNO
	assert_decision " total=0.0 "
	refute_decision "=failed" "no_client_name" "sender_is_recipient"
}

@test "a misspelt [checks] key is refused with the nearest one" {
	write_cfg checks.helo_invalidd=1
	run dnswl_cmd -n -c "$CFG"
	assert_failure
	assert_output --partial 'unknown key "helo_invalidd" in [checks]; did you mean "helo_invalid"?'
}

@test "a score that is not a number is refused with file and line" {
	write_cfg checks.helo_invalid=lots
	run dnswl_cmd -n -c "$CFG"
	assert_failure
	assert_output --regexp ':[0-9]+: helo_invalid: "lots" is not a plain decimal number'
}

@test "a bad regex in dynamic_patterns is refused with its file and line" {
	printf '# ok\n(dsl\n' >"$T/patterns"
	write_cfg checks.dynamic_client=1 checks.dynamic_patterns="$T/patterns"
	run dnswl_cmd -n -c "$CFG"
	assert_failure
	assert_output --partial "dynamic_patterns: $T/patterns:2: "
}

# --- checks without DNS ---------------------------------------------------------

@test "no_client_name fires for client_name=unknown, not for a verified name" {
	write_cfg checks.no_client_name=1.5
	run_policy 192.0.2.62 unknown "$FROM" "$TO"
	assert_decision " no_client_name=+1.5 " " total=1.5 "
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO"
	assert_decision " total=0.0 "
	refute_decision "no_client_name"
}

@test "dynamic_client: the address's numbers, a pattern word, an exclusion" {
	all_checks checks.no_client_name=0 checks.helo_mismatch=0 checks.sender_bad_domain=0
	run_policy 192.0.2.90 dsl-192-0-2-90.isp.chk "$FROM" "$TO" helo_name=x.isp.chk
	assert_decision " dynamic_client=+2.0 " " total=2.0 "
	run_policy 192.0.2.91 90.2.0.192.isp.chk "$FROM" "$TO" helo_name=x.isp.chk
	assert_decision " total=0.0 "
	run_policy 192.0.2.91 ppp17.isp.chk "$FROM" "$TO" helo_name=x.isp.chk
	assert_decision " dynamic_client=+2.0 "
	run_policy 192.0.2.90 mail-192-0-2-90.static.isp.chk "$FROM" "$TO" helo_name=x.isp.chk
	assert_decision " total=0.0 "
	refute_decision "dynamic_client"
}

# dynamic_is ADDRESS NAME fired|clear - dynamic_client's verdict for the
# client ADDRESS whose reverse name is NAME (all_checks, only it scoring)
dynamic_is() {
	run_policy "$1" "$2" "$FROM" "$TO" helo_name=x.isp.chk
	if [[ $3 == fired ]]; then
		assert_decision " dynamic_client=+2.0 " " total=2.0 "
	else
		assert_decision " total=0.0 "
		refute_decision "dynamic_client"
	fi
}

@test "dynamic_client on IPv6: the address's hex groups or nibbles in the name fire" {
	all_checks checks.no_client_name=0 checks.helo_mismatch=0 checks.sender_bad_domain=0
	dynamic_is 2001:db8::62 2001-db8-0-0-0-0-0-62.isp.chk fired
	dynamic_is 2001:db8::62 2001-0db8-0000-0000-0000-0000-0000-0062.isp.chk fired
	dynamic_is 2001:db8::62 2001-db8--62.isp.chk fired
	dynamic_is 2001:db8::62 host.2001.db8.0.0.0.0.0.62.isp.chk fired
	dynamic_is 2001:db8:1:2:a:b:c:d 2001-DB8-1-2-A-B-C-D.isp.chk fired
	dynamic_is 2001:db8::62 p20010db8000000000000000000000062.isp.chk fired
	dynamic_is 2001:db8::62 \
		2.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.isp.chk fired
	dynamic_is ::ffff:192.0.2.90 192-0-2-90.isp.chk fired
	# the word patterns apply to both families
	dynamic_is 2001:db8::62 pool-7.isp.chk fired
}

@test "dynamic_client on IPv6: a static server, a prefix, another address do not fire" {
	all_checks checks.no_client_name=0 checks.helo_mismatch=0 checks.sender_bad_domain=0
	dynamic_is 2001:db8::62 mail-2001-db8--62.isp.chk clear
	dynamic_is 2001:db8::62 static.p20010db8000000000000000000000062.isp.chk clear
	dynamic_is 2001:db8::62 host62.isp.chk clear
	dynamic_is 2001:db8::62 2001-db8-0-0.isp.chk clear
	dynamic_is 2001:db8::62 2001-db8--63.isp.chk clear
	dynamic_is 2001:db8::62 1-2001-db8--62.isp.chk clear
	dynamic_is 2001:db8::62 2001-db8--62-1.isp.chk clear
	dynamic_is 2001:db8::62 p20010db8000000000000000000000063.isp.chk clear
	dynamic_is 2001:db8:1:2:a:b:c:d 2001-db8-1-2-a--b-c-d.isp.chk clear
}

@test "helo_ip_literal: another address fires, the client's own does not" {
	write_cfg checks.helo_ip_literal=3 checks.helo_invalid=4
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name='[10.0.0.1]'
	assert_decision " helo_ip_literal=+3.0 " " total=3.0 "
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name=10.0.0.1
	assert_decision " helo_ip_literal=+3.0 " " total=3.0 "
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name='[192.0.2.62]'
	assert_decision " total=0.0 "
	run_policy 2001:db8::62 host.other.chk "$FROM" "$TO" helo_name='[IPv6:2001:DB8::62]'
	assert_decision " total=0.0 "
}

@test "helo_invalid: no dot or bad characters fire, a host name does not" {
	write_cfg checks.helo_invalid=4
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name=localhost
	assert_decision " helo_invalid=+4.0 " " total=4.0 "
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name='bad_name!.chk'
	assert_decision " helo_invalid=+4.0 "
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name=-x.other.chk
	assert_decision " helo_invalid=+4.0 "
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name=mta1.provider.chk
	assert_decision " total=0.0 "
	refute_decision "helo_invalid"
}

@test "sender_is_recipient fires for the same address, any case" {
	write_cfg checks.sender_is_recipient=7
	run_policy 192.0.2.62 host.other.chk a@company.chk A@Company.CHK
	assert_decision " sender_is_recipient=+7.0 " " total=7.0 "
	run_policy 192.0.2.62 host.other.chk a@company.chk b@company.chk
	assert_decision " total=0.0 "
	run_policy 192.0.2.62 host.other.chk "" ""
	assert_decision " total=0.0 "
}

# --- helo_mismatch -------------------------------------------------------------

@test "helo_mismatch: the HELO's A or AAAA holds the client: clear" {
	write_cfg checks.helo_mismatch=5
	run_policy 192.0.2.60 host.other.chk "$FROM" "$TO" helo_name=mta1.provider.chk
	assert_decision " total=0.0 "
	run_policy 2001:db8::60 host.other.chk "$FROM" "$TO" helo_name=MTA1.provider.chk.
	assert_decision " total=0.0 "
	refute_decision "helo_mismatch"
}

@test "helo_mismatch: other address, same registrable domain as the client name: clear" {
	write_cfg checks.helo_mismatch=5
	run_policy 192.0.2.61 out.provider.chk "$FROM" "$TO" helo_name=mta1.provider.chk
	assert_decision " total=0.0 "
}

@test "helo_mismatch: other address and another domain (or a HELO that does not exist) fires" {
	write_cfg checks.helo_mismatch=5
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name=mta1.provider.chk
	assert_decision " helo_mismatch=+5.0 " " total=5.0 "
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name=nothere.provider.chk
	assert_decision " helo_mismatch=+5.0 "
}

@test "helo_mismatch: a failed lookup scores nothing and is named as failed" {
	write_cfg checks.helo_mismatch=5
	run_policy 192.0.2.62 host.other.chk "$FROM" "$TO" helo_name=x.servfail.test
	assert_reply DUNNO
	assert_decision " helo_mismatch=failed " " total=0.0 "
}

# --- sender_bad_domain ------------------------------------------------------------

@test "sender_bad_domain: an MX on a public address, or only an A or AAAA: clear" {
	write_cfg checks.sender_bad_domain=6
	for s in a@company.chk a@mixed.chk a@aonly.chk a@v6only.chk; do
		run_policy 192.0.2.62 host.other.chk "$s" "$TO"
		assert_decision " total=0.0 "
		refute_decision "sender_bad_domain"
	done
}

@test "sender_bad_domain: null MX, private-only MX hosts, no MX and no address fire" {
	write_cfg checks.sender_bad_domain=6
	for s in a@nullmx.chk a@private.chk a@nowhere.chk; do
		run_policy 192.0.2.62 host.other.chk "$s" "$TO"
		assert_decision " sender_bad_domain=+6.0 " " total=6.0 "
	done
}

@test "sender_bad_domain: a failed lookup scores nothing and is named as failed" {
	write_cfg checks.sender_bad_domain=6
	run_policy 192.0.2.62 host.other.chk a@x.servfail.test "$TO"
	assert_decision " sender_bad_domain=failed " " total=0.0 "
}

@test "sender_bad_domain: the verdict is cached; the null sender is not judged" {
	write_cfg checks.sender_bad_domain=6 cache.file="$T/cache.db"
	run_policy 192.0.2.62 host.other.chk a@nullmx.chk "$TO"
	assert_decision " sender_bad_domain=+6.0 "
	dnstest_mark
	run_policy 192.0.2.62 host.other.chk b@nullmx.chk "$TO"
	assert_decision " sender_bad_domain=+6.0 "
	run dnstest_asked
	refute_output --partial 'nullmx.chk.'

	run_policy 192.0.2.62 host.other.chk "" "$TO"
	assert_decision " total=0.0 "
}

# --- together -------------------------------------------------------------------

@test "checks and lists add up, each named in the log line and the header" {
	all_checks global.header=X-DNSWL dnsbl:bl.test:127:2
	run_policy 192.0.2.1 unknown a@nullmx.chk "$TO" helo_name=localhost \
		reverse_client_name=unknown
	assert_reply 'PREPEND X-DNSWL: total=13.0; bl.test=127.0.0.2 +2.0; no_client_name=+1.0; helo_invalid=+4.0; sender_bad_domain=+6.0'
	assert_decision " bl.test=127.0.0.2:dns:+2.0 no_client_name=+1.0 helo_invalid=+4.0 sender_bad_domain=+6.0 boost=0.0 total=13.0 "
}

@test "a company sending from an outsourced provider is not penalised" {
	all_checks
	run_policy 192.0.2.80 out1.provider.chk a@company.chk b@example.org \
		helo_name=out1.provider.chk
	assert_reply DUNNO
	assert_decision " total=0.0 "
	refute_decision "=+" "=failed"
}

@test "the checks' queries go out with the lists' in one batch" {
	all_checks dnsbl:bl.test:127:2
	dnstest_mark
	run_policy 192.0.2.62 host.other.chk a@private.chk "$TO" helo_name=mta1.provider.chk
	assert_decision " helo_mismatch=+5.0 " " sender_bad_domain=+6.0 "
	run dnstest_asked
	assert_output --partial 'mx.private.chk. A'
	assert_output --partial 'private.chk. MX'
	assert_output --partial 'mta1.provider.chk. AAAA'

}

@test "dnswl -q names each check, its state and score" {
	all_checks
	run_dnswl -q 192.0.2.62 host.other.chk -s a@nullmx.chk -H localhost
	assert_success
	assert_output --partial 'check helo_invalid: fired, score 4.0'
	assert_output --partial 'check sender_bad_domain: fired, score 6.0'
	assert_output --partial 'check no_client_name: clear'
	assert_output --partial 'total: +4.0 (helo_invalid) +6.0 (sender_bad_domain) = 10.0; no reject_score'
}

@test "dnswl -q -r RECIPIENT: sender_is_recipient fires, clear, n/a without one" {
	write_cfg checks.sender_is_recipient=7
	run_dnswl -q 192.0.2.62 host.other.chk -s a@company.chk -r A@Company.chk
	assert_success
	assert_output --partial 'client 192.0.2.62 name host.other.chk sender <a@company.chk> recipient <A@Company.chk>'
	assert_output --partial 'check sender_is_recipient: fired, score 7.0'
	assert_output --partial 'total: +7.0 (sender_is_recipient) = 7.0'
	run_dnswl -q 192.0.2.62 host.other.chk --sender a@company.chk --recipient b@company.chk
	assert_success
	assert_output --partial 'check sender_is_recipient: clear'
	run_dnswl -q 192.0.2.62 host.other.chk -s a@company.chk
	assert_output --partial 'check sender_is_recipient: n/a'
	run dnswl_cmd -r a@company.chk -c "$CFG"
	assert_failure 2
	assert_output --partial 'usage:'
}

# --- SPF ---------------------------------------------------------------------------

# spf_cfg [KEY=VALUE]... - the four SPF checks on, distinct scores; skips
# (visibly) with a dnswl built --without-spf.  Its dns_timeout (the SPF
# lookups' time budget) is generous: every name it asks answers at once,
# so no result depends on how fast the machine is.
spf_cfg() {
	write_cfg checks.spf_pass=-1 checks.spf_fail=3 checks.spf_softfail=1.5 \
		checks.spf_none=0.5 dns_timeout=30 "$@"
	if ! "$DNSWL" -n -c "$CFG" >/dev/null 2>&1 &&
		"$DNSWL" -n -c "$CFG" 2>&1 | grep -q 'built without SPF'; then
		skip "dnswl was built --without-spf"
	fi
}

@test "a dnswl built --without-spf refuses an SPF score, accepts 0" {
	write_cfg checks.spf_fail=0
	run dnswl_cmd -n -c "$CFG"
	assert_success
	write_cfg checks.spf_fail=2
	run dnswl_cmd -n -c "$CFG"
	if [[ $output != *"built without SPF"* ]]; then
		assert_success
		skip "dnswl was built with SPF"
	fi
	assert_failure
	assert_output --partial 'spf_fail: this dnswl was built without SPF'
}

@test "spf_pass through include:, the two strings of a TXT joined" {
	spf_cfg
	run_policy 192.0.2.80 out1.provider.chk a@company.chk "$TO" helo_name=out1.provider.chk
	assert_decision " spf_pass=-1.0 " " total=-1.0 "
}

@test "spf_fail, spf_softfail and spf_none fire for their results" {
	spf_cfg
	run_policy 192.0.2.62 host.other.chk a@fail.chk "$TO"
	assert_decision " spf_fail=+3.0 " " total=3.0 "
	run_policy 192.0.2.62 host.other.chk a@soft.chk "$TO"
	assert_decision " spf_softfail=+1.5 " " total=1.5 "
	run_policy 192.0.2.62 host.other.chk a@nullmx.chk "$TO"
	assert_decision " spf_none=+0.5 " " total=0.5 "
}

@test "SPF redirect= and a: (its A lookup through our resolver)" {
	spf_cfg
	run_policy 192.0.2.60 host.other.chk a@redir.chk "$TO"
	assert_decision " spf_pass=-1.0 "
	run_policy 192.0.2.62 host.other.chk a@redir.chk "$TO"
	assert_decision " spf_softfail=+1.5 "
	dnstest_mark
	run_policy 192.0.2.60 host.other.chk a@amech.chk "$TO"
	assert_decision " spf_pass=-1.0 "
	run dnstest_asked
	assert_output --partial 'amech.chk. TXT'
	assert_output --partial 'mta1.provider.chk. A'
}

@test "SPF: a failed lookup scores nothing, every SPF check named as failed" {
	spf_cfg
	run_policy 192.0.2.62 host.other.chk a@x.servfail.test "$TO"
	assert_reply DUNNO
	assert_decision " spf_pass=failed spf_fail=failed spf_softfail=failed spf_none=failed " \
		" total=0.0 "
}

@test "SPF for the null sender uses the HELO" {
	spf_cfg
	run_policy 192.0.2.62 host.other.chk "" "$TO" helo_name=fail.chk
	assert_decision " spf_fail=+3.0 "
}

@test "the outsourced company with every check on, SPF pass: only the SPF bonus" {
	spf_cfg
	all_checks checks.spf_pass=-1 checks.spf_fail=3 checks.spf_softfail=1.5 checks.spf_none=0.5 \
		dns_timeout=30
	run_policy 192.0.2.80 out1.provider.chk a@company.chk b@example.org \
		helo_name=out1.provider.chk
	assert_reply DUNNO
	assert_decision " spf_pass=-1.0 " " total=-1.0 "
	refute_decision "=+" "=failed"
}

@test "SPF stays within the time bound: no lookup after dns_timeout x dns_attempts" {
	spf_cfg dns_timeout=1
	dnstest_mark
	run_policy 192.0.2.62 host.other.chk a@slow.chk "$TO"
	assert_reply DUNNO
	assert_decision " spf_pass=failed " " total=0.0 "
	run dnstest_asked
	assert_output --partial 'slow.chk. TXT'
	refute_output --partial 'c.dead.test.'
}

@test "SPF ptr: passes for a client whose name (PTR, and its A back) is in the domain" {
	spf_cfg
	dnstest_mark
	run_policy 192.0.2.71 mail.ptrspf.chk a@ptrspf.chk "$TO"
	assert_decision " spf_pass=-1.0 " " total=-1.0 "
	run dnstest_asked
	assert_output --partial '71.2.0.192.in-addr.arpa. PTR'
	assert_output --partial 'mail.ptrspf.chk. A'
}

# spf_is ADDRESS SENDER RESULT - a request's decision line has RESULT
spf_is() {
	run_policy "$1" host.other.chk "$2" "$TO"
	assert_decision " $3 "
}

@test "SPF ptr: fails for a name in another domain and for no name at all" {
	spf_cfg
	spf_is 192.0.2.80 a@ptrspf.chk spf_fail=+3.0
	spf_is 192.0.2.62 a@ptrspf.chk spf_fail=+3.0
}

@test "SPF %{p}: the client's validated name in a macro" {
	spf_cfg
	spf_is 192.0.2.71 a@ptrmacro.chk spf_pass=-1.0
	spf_is 192.0.2.62 a@ptrmacro.chk spf_fail=+3.0
}

# spf_three - the include:, mx and ptr senders from their permitted clients
spf_three() {
	spf_is 192.0.2.80 a@company.chk spf_pass=-1.0
	spf_is 192.0.2.70 a@mxspf.chk spf_pass=-1.0
	spf_is 192.0.2.71 a@ptrspf.chk spf_pass=-1.0
}

@test "a cached SPF evaluation asks no DNS at all (TXT, include:, mx, ptr cached)" {
	spf_cfg cache.file="$T/cache.db" checks.sender_bad_domain=6
	spf_three
	dnstest_mark
	spf_three
	run dnstest_asked
	assert_output ''
	run dnswl_cmd -C dump -c "$CFG"
	assert_output --regexp '(^|
)check:txt _spf.provider.chk txt:"v=spf1 ip4:192.0.2.80 ip4:192.0.2.60 ~all" '
	assert_output --regexp '(^|
)check:mx mxspf.chk names:mx.company.chk '
	assert_output --regexp '(^|
)check:ptr 71.2.0.192.in-addr.arpa names:mail.ptrspf.chk '
	run dnswl_cmd -C stats -c "$CFG"
	assert_output --regexp 'data entries: [1-9][0-9]*/[0-9]+ used'
}

@test "a negative SPF TXT answer (NXDOMAIN) is cached too" {
	spf_cfg cache.file="$T/cache.db"
	run_policy 192.0.2.62 host.other.chk a@none.chk "$TO"
	assert_decision " spf_none=+0.5 "
	dnstest_mark
	run_policy 192.0.2.62 host.other.chk a@none.chk "$TO"
	assert_decision " spf_none=+0.5 "
	run dnstest_asked
	assert_output ''
	run dnswl_cmd -C dump -c "$CFG"
	assert_output --partial 'check:txt none.chk NXDOMAIN '
}

@test "one deadline per request: an SPF follow-up or MX host step past it is not sent" {
	dnsdelay_find >/dev/null || skip "t/dns_delay not built"
	# bl.test's answer is held for ever (the proxy's longest delay), so its
	# query waits out the request's whole bound (dns_timeout 1, one
	# attempt): the SPF include: and the MX host's addresses, which come
	# after the first batch, must not be sent at all
	dnsdelay_start -d bl.test=600000
	spf_cfg dns_timeout=1 dns_attempts=1 checks.sender_bad_domain=6 dnsbl:bl.test:127:2
	dnstest_mark
	run_policy 192.0.2.80 out1.provider.chk a@company.chk "$TO"
	dnsdelay_stop
	assert_decision " bl.test=timeout:dns " " sender_bad_domain=failed " \
		" spf_pass=failed spf_fail=failed spf_softfail=failed spf_none=failed "
	run dnstest_asked
	assert_output --partial 'company.chk. TXT'
	assert_output --partial 'company.chk. MX'
	refute_output --partial '_spf.provider.chk.'
	refute_output --partial 'mx.company.chk.'
}
