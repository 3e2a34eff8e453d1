#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/health.bats - list health (issue 13), black box against the test DNS
# server: RFC 5782 probes find a list that lists everything (all.test),
# one that lists nothing (empty.test), one answering a refusal code
# (pubres.test) and a healthy one (hl.test); probe = no; recovery when a
# zone is mended (mend.test, t/data/lists-mended.testns); the probe
# claimed by one of many processes; probes sent with the request's own
# queries.  What each list answers is at the top of t/data/lists.testns.
#
# Run: make check TESTS=t/health.bats     (in the build dir)

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
	load 'lib/clock'
}

# probed - write_cfg with probing on (write_cfg's default is off)
probed() { write_cfg probe_interval=300 "$@"; }

# --- lists everything --------------------------------------------------------

@test "an allow list listing everything whitelists nobody, not even on the first request" {
	probed swl:all.test
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision " all.test=127.0.0.2:dns:disabled(lists-everything) " " action=DUNNO "
	assert_log '^warning: list all.test probed: 2\.0\.0\.127=127\.0\.0\.2 1\.0\.0\.127=127\.0\.0\.2: lists every address: disabled'
}

@test "a block list listing everything scores nobody; with a cache it is not asked again" {
	probed cache.file="$T/cache.db" reject_score=1 dnsbl:all.test:127:5
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " total=0.0 "
	dnstest_mark
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " all.test=not-asked:disabled(lists-everything) " " total=0.0 "
	assert_equal "$(dnstest_asked | grep -c 'all\.test' || true)" 0
	# one warning for the change, not one per request
	assert_equal "$(log_text | grep -c 'warning: list all.test')" 1
	run dnswl_cmd -c "$CFG" -C lists
	assert_success
	assert_output --regexp '^all\.test lists-everything since [0-9T:-]+Z probed [0-9T:-]+Z answers 2\.0\.0\.127=127\.0\.0\.2 1\.0\.0\.127=127\.0\.0\.2$'
}

@test "dnswl -q says why a list's answer was ignored" {
	probed swl:all.test
	run_dnswl -q 192.0.2.1
	assert_success
	assert_output --partial 'list all.test (ip): query 1.2.0.192.all.test answer 127.0.0.2 from dns: disabled'
	assert_output --partial 'answer ignored: the list lists every address'
	assert_output --partial 'decision: not listed'
}

# --- lists nothing -----------------------------------------------------------

@test "a list that lists nothing never applies its miss: the reject stands" {
	# without health: hl.test +5, empty.test miss -3 = 2 < 5: a pass
	probed reject_score=5 dnsbl:hl.test:127:5 dnsbl:empty.test:127:1:-3
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by hl.test'
	assert_decision " hl.test=127.0.0.2:dns:+5.0 " " empty.test=NXDOMAIN:dns " " total=5.0 "
	refute_decision "miss"
	assert_log '^warning: list empty.test probed: 2\.0\.0\.127=NXDOMAIN 1\.0\.0\.127=NXDOMAIN: lists nothing'
	run_dnswl -q 192.0.2.12
	assert_output --partial 'miss -3.0 not applied: the list lists nothing'
}

@test "probing off (probe_interval = 0): the dead list's miss applies as configured" {
	write_cfg probe_interval=0 reject_score=5 dnsbl:hl.test:127:5 dnsbl:empty.test:127:1:-3
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " empty.test=NXDOMAIN:dns:miss-3.0 " " total=2.0 "
	refute_log 'probed'
}

# --- refusing ----------------------------------------------------------------

@test "a list answering 127.255.255.254 to everything is disabled, with the meaning logged" {
	probed reject_score=1 dnsbl:pubres.test:127:5
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " pubres.test=127.255.255.254:dns:disabled(refusing) " " total=0.0 "
	assert_log '^warning: list pubres.test probed: 2\.0\.0\.127=127\.255\.255\.254 1\.0\.0\.127=127\.255\.255\.254: answers 127\.255\.255\.254: queries go through a public resolver: disabled'
}

@test "a refusal code in a real answer marks a healthy list refusing for every process" {
	# bl.test answers 192.0.2.7 with 127.255.255.254; its test points are fine
	probed cache.file="$T/cache.db" reject_score=1 dnsbl:bl.test:127:5
	run_policy 192.0.2.7 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_log '^warning: list bl\.test answered a real query with 127\.255\.255\.254: answers 127\.255\.255\.254: queries go through a public resolver'
	dnstest_mark
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " bl.test=not-asked:disabled(refusing) "
	assert_equal "$(dnstest_asked | grep -c 'bl\.test' || true)" 0
}

# --- healthy, probe = no -----------------------------------------------------

@test "a healthy list counts from the first request, its probe logged once" {
	probed reject_score=5 dnsbl:hl.test:127:5
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by hl.test'
	assert_log '^list hl\.test probed: 2\.0\.0\.127=127\.0\.0\.2 1\.0\.0\.127=NXDOMAIN: healthy'
	refute_log 'warning'
}

@test "probe = no: the broken list behaves as configured, and dnswl -n -v shows it" {
	CFG_EXTRA='probe = no' probed reject_score=1 dnsbl:all.test:127:5
	run_policy 192.0.2.20 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by all.test'
	assert_decision " all.test=127.0.0.2:dns:+5.0 "
	refute_log 'probed'
	run_dnswl -n -v
	assert_success
	assert_output --partial 'probe = no'
}

# --- recovery ----------------------------------------------------------------

@test "a mended zone is found healthy after probe_interval and counts again" {
	clock_need
	probed cache.file="$T/cache.db" reject_score=1 dnsbl:mend.test:127:5
	clock_at 0
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " mend.test=127.0.0.2:dns:disabled(lists-everything) "
	# the mended zone on a second server (this file's server stays up)
	local port=$DNS_PORT pid=$DNSTEST_PID log=$DNSTEST_LOG
	BATS_FILE_TMPDIR=$T dnstest_start "$BATS_TEST_DIRNAME/data/lists-mended.testns"
	probed cache.file="$T/cache.db" reject_score=1 dnsbl:mend.test:127:5
	clock_at 100
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply DUNNO
	clock_at 301
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by mend.test'
	assert_log '^warning: list mend\.test probed: 2\.0\.0\.127=127\.0\.0\.2 1\.0\.0\.127=NXDOMAIN: healthy: its answers count \(was lists-everything\)'
	dnstest_stop
	DNS_PORT=$port DNSTEST_PID=$pid DNSTEST_LOG=$log
}

# --- sharing and timing ------------------------------------------------------

@test "many processes starting at once: at most a couple of probe queries per list" {
	probed cache.file="$T/cache.db" dnsbl:hl.test:127:1 swl:empty.test
	policy_request 192.0.2.12 mx.example.com "$FROM" "$TO" >"$T/request"
	# the cache file exists before they start (its creation is not the point)
	run_dnswl <"$T/request"
	dnswl_cmd -c "$CFG" -C purge >/dev/null
	dnstest_mark
	local pids=() i
	for ((i = 0; i < 12; i++)); do
		"$DNSWL" -c "$CFG" <"$T/request" >"$T/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i"; done
	for ((i = 0; i < 12; i++)); do
		grep -q '^action=' "$T/out.$i" || fail "process $i gave no reply: $(cat "$T/out.$i")"
	done
	local hl empty
	hl=$(dnstest_asked | grep -c '^[12]\.0\.0\.127\.hl\.test\.' || true)
	empty=$(dnstest_asked | grep -c '^[12]\.0\.0\.127\.empty\.test\.' || true)
	((hl >= 2 && hl <= 4)) || fail "hl.test probe queries: $hl (want one or two probes)"
	((empty >= 2 && empty <= 4)) || fail "empty.test probe queries: $empty"
}

@test "probes go out with the request's own queries, all at once" {
	dnsdelay_find >/dev/null || skip "t/dns_delay not built"
	# hl.test's query and both probes: -b 3 holds every answer until all
	# three are in flight, which probing first never reaches
	dnsdelay_start -b 3
	probed dns_timeout=20 reject_score=1 dnsbl:hl.test:127:5
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	dnsdelay_stop
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by hl.test'
	assert_equal "$(dnsdelay_max_inflight)" 3
	refute grep -q 'barrier timeout' "$DNSDELAY_LOG"
}

@test "a probe that times out does not hold the request beyond the usual bound" {
	# dead.test never answers: its query and both probes time out together
	# (dns_timeout 1, one attempt); one after another would take 3 s
	probed reject_score=1 dnsbl:hl.test:127:5 dnsbl:dead.test
	run_policy 192.0.2.12 mx.example.com "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by hl.test'
	assert_decision " dead.test=timeout:dns "
	((elapsed_ms < $(scaled 2500))) || fail "took $elapsed_ms ms"
}
