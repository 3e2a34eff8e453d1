#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/grey.bats - selective greylisting with the state in the cache file:
# who is deferred, the retry that passes, the header once per message,
# the triplet's network and sender normalisation, auto-whitelisting,
# expiry, exemptions, a store that fails, and `dnswl -C greylist`.
#
# Time passes with clock_at (t/lib/clock.bash), never by sleeping.
# "Suspicious" is a total score at or above [greylist] score: the first
# tests use a real block list (bl.test lists 192.0.2.1 and 192.0.2.2);
# most others set score = 0, which makes every client that is not
# allow-listed suspicious, so the rules are tested without DNS noise.
#
# Run: make check TESTS=t/grey.bats     (in the build dir)

SWL='swl:swl.test:127.0.10 / -20, 127.0.2 / -8'
SUSPECT=192.0.2.20	# NXDOMAIN everywhere: total 0
ALLOWED=192.0.2.2	# swl.test 127.0.2.1: OK
FROM=news+1234@lists.example
TO=user@example.org
DEFER='DEFER_IF_PERMIT 4.2.0 Greylisted, please try again later'

load 'lib/common'

setup_file() {
	dnstest_file_start
}

teardown_file() {
	dnstest_file_stop
}

setup() {
	common_setup
	CACHE=$T/cache/dnswl.cache
	clock_at 0
}

# cfg [ARG]... - greylisting on, everyone not allow-listed suspicious
cfg() {
	write_cfg "$SWL" cache.file="$CACHE" greylist.enable=yes greylist.score=0 \
		greylist.delay=300 "$@"
}

# requests SPEC... - serve one request per SPEC ("ADDR SENDER RCPT
# [ATTR=VALUE]...") in one dnswl process (one smtpd connection)
requests() {
	local spec
	for spec; do
		# shellcheck disable=SC2086  # SPEC is words on purpose
		set -- $spec
		policy_request "$1" unknown "$2" "$3" "${@:4}"
	done >"$T/request"
	run_dnswl <"$T/request"
}

# header_re - the X-Greylist PREPEND of a first pass
HEADER_RE='^PREPEND X-Greylist: delayed [0-9]+ seconds by dnswl at [^;]+; [A-Z][a-z]{2}, '

@test "a block-listed client (total 2.0 >= score 1.0) is deferred, its retry passes" {
	write_cfg dnsbl:bl.test:127:2 cache.file="$CACHE" greylist.enable=yes
	run_policy 192.0.2.2 unknown "$FROM" "$TO"
	assert_reply "$DEFER"
	assert_decision " bl.test=127.0.0.4:dns:+2.0 " " total=2.0 " "greylist=new"
	clock_at 300
	run_policy 192.0.2.2 unknown "$FROM" "$TO"
	[[ $output == "action=PREPEND X-Greylist: delayed 300 seconds by dnswl at "* ]] || fail "$output"
	assert_decision "greylist=passed after 300 s"
	# a clean client beside it is never delayed
	run_policy 192.0.2.20 unknown "$FROM" "$TO"
	assert_reply DUNNO
	refute_decision "greylist="
}

@test "a total at reject_score is rejected, never greylisted (dry_run too)" {
	write_cfg reject_score=2 dnsbl:bl.test:127:2 cache.file="$CACHE" greylist.enable=yes
	run_policy 192.0.2.2 unknown "$FROM" "$TO"
	assert_reply 'REJECT 5.7.1 Service unavailable, listed by bl.test'
	refute_decision "greylist="
	write_cfg reject_score=2 dry_run=yes dnsbl:bl.test:127:2 cache.file="$CACHE" \
		greylist.enable=yes
	run_policy 192.0.2.2 unknown "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision "dry_run=reject"
	refute_decision "greylist="
}

@test "the score header and the greylist header: one PREPEND per reply" {
	write_cfg header=X-DNSWL dnsbl:bl.test:127:2 cache.file="$CACHE" greylist.enable=yes
	run_policy 192.0.2.2 unknown "$FROM" "$TO"
	assert_reply "$DEFER"
	clock_at 300
	requests "192.0.2.2 $FROM $TO" "192.0.2.2 $FROM other@example.org"
	[[ ${lines[0]} == "action=PREPEND X-DNSWL: "* ]] || fail "${lines[0]}"
	[[ ${lines[1]} == "action=$DEFER" ]] || fail "${lines[1]}"
}

@test "a suspicious client is deferred: greylist=new" {
	cfg
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_success
	assert_reply "$DEFER"
	assert_decision "greylist=new" "action=$DEFER"
	assert_stderr_empty
}

@test "an early retry is deferred again without moving the first-seen time" {
	cfg
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	clock_at 100
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_reply "$DEFER"
	assert_decision "greylist=early (200 s left)"
	clock_at 299
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_decision "greylist=early (1 s left)"
	clock_at 300
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_decision "greylist=passed after 300 s"
}

@test "the retry after the delay passes, with the header once per message" {
	cfg
	requests "$SUSPECT $FROM a@example.org" "$SUSPECT $FROM b@example.org"
	assert_reply "$DEFER" "$DEFER"
	clock_at 312
	requests "$SUSPECT $FROM a@example.org" "$SUSPECT $FROM b@example.org"
	assert_success
	[[ ${lines[0]#action=} =~ $HEADER_RE ]] || fail "first reply: ${lines[0]}"
	[[ ${lines[0]} == *"delayed 312 seconds"* ]] || fail "first reply: ${lines[0]}"
	[[ ${lines[1]} == "action=DUNNO" ]] || fail "second reply: ${lines[1]}"
	assert_decision "greylist=passed after 312 s" "action=DUNNO"
}

@test "a two-recipient message passes for both recipients together" {
	cfg
	requests "$SUSPECT $FROM a@example.org" "$SUSPECT $FROM b@example.org"
	assert_reply "$DEFER" "$DEFER"
	clock_at 400
	requests "$SUSPECT $FROM a@example.org" "$SUSPECT $FROM b@example.org" \
		"$SUSPECT $FROM c@example.org"
	[[ ${lines[0]#action=} =~ $HEADER_RE ]] || fail "first reply: ${lines[0]}"
	[[ ${lines[1]} == "action=DUNNO" ]] || fail "second reply: ${lines[1]}"
	[[ ${lines[2]} == "action=$DEFER" ]] || fail "a new recipient is new: ${lines[2]}"
	[[ $(decision_line 2) == *"greylist=passed after 400 s"* ]] || fail "$(decision_line 2)"
}

@test "a new message's header is its own: the instance changes" {
	cfg
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	clock_at 300
	requests "$SUSPECT $FROM $TO instance=m1" "$SUSPECT $FROM other@example.org instance=m2"
	[[ ${lines[0]} == *"X-Greylist: delayed 300 seconds"* ]] || fail "${lines[0]}"
	[[ ${lines[1]} == "action=$DEFER" ]] || fail "${lines[1]}"
}

@test "a passed triplet passes at once afterwards: greylist=known" {
	cfg
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	clock_at 301
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	clock_at 86400
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision "greylist=known" "action=DUNNO"
}

@test "a clean client (total below score) is never delayed" {
	write_cfg "$SWL" cache.file="$CACHE" greylist.enable=yes
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_reply DUNNO
	refute_decision "greylist="
}

@test "an allow-listed client is answered OK, never greylisted" {
	cfg
	run_policy "$ALLOWED" unknown "$FROM" "$TO"
	assert_reply OK
	refute_decision "greylist="
}

@test "greylisting off (the default): nothing changes" {
	write_cfg "$SWL" cache.file="$CACHE" greylist.score=0
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_reply DUNNO
	refute_decision "greylist="
}

@test "only at RCPT: other protocol states are not greylisted" {
	cfg
	run_policy "$SUSPECT" unknown "$FROM" "$TO" protocol_state=DATA
	assert_reply DUNNO
	refute_decision "greylist="
}

@test "a sender with changing +ext, VERP and BATV parts keeps its key" {
	cfg
	run_policy "$SUSPECT" unknown "bounce-1234+a@lists.example" "$TO"
	assert_decision "greylist=new"
	clock_at 301
	run_policy "$SUSPECT" unknown "Bounce-98765+zz@Lists.Example" "$TO"
	assert_decision "greylist=passed after 301 s"
	run_policy "$SUSPECT" unknown "prvs=4123abcdef=bounce-5@lists.example" "$TO"
	assert_decision "greylist=known"
	run_policy "$SUSPECT" unknown "other@lists.example" "$TO"
	assert_decision "greylist=new"
}

@test "the null sender is a key of its own" {
	cfg
	run_policy "$SUSPECT" unknown "" "$TO"
	assert_decision "greylist=new"
	clock_at 301
	run_policy "$SUSPECT" unknown "" "$TO"
	assert_decision "greylist=passed after 301 s"
	run_policy "$SUSPECT" unknown "someone@example.net" "$TO"
	assert_decision "greylist=new"
}

@test "a sender that cannot be normalised is greylisted all the same" {
	cfg
	run_policy "$SUSPECT" unknown "@" "$TO"
	assert_reply "$DEFER"
	assert_decision "greylist=new"
	run_policy "$SUSPECT" unknown "<>+x" "$TO"
	assert_decision "greylist=early ("
}

@test "the retry may come from another address of the /24" {
	cfg
	run_policy 192.0.2.20 unknown "$FROM" "$TO"
	clock_at 301
	run_policy 192.0.2.200 unknown "$FROM" "$TO"
	assert_decision "greylist=passed after 301 s"
	run_policy 192.0.3.20 unknown "$FROM" "$TO"
	assert_decision "greylist=new"
}

@test "IPv6: the retry may come from another address of the /64" {
	cfg
	run_policy 2001:db8::2 unknown "$FROM" "$TO"
	assert_decision "greylist=new"
	clock_at 301
	run_policy 2001:db8::ffff:1 unknown "$FROM" "$TO"
	assert_decision "greylist=passed after 301 s"
	run_policy 2001:db8:0:1::2 unknown "$FROM" "$TO"
	assert_decision "greylist=new"
}

@test "ipv4_prefix = 32: the exact address is the key" {
	cfg greylist.ipv4_prefix=32
	run_policy 192.0.2.20 unknown "$FROM" "$TO"
	clock_at 301
	run_policy 192.0.2.21 unknown "$FROM" "$TO"
	assert_decision "greylist=new"
}

@test "auto-whitelisting: after N passes (at most one an hour) the network is exempt" {
	cfg greylist.auto_whitelist=2
	run_policy "$SUSPECT" unknown a@one.example "$TO"
	clock_at 301
	run_policy "$SUSPECT" unknown a@one.example "$TO"	# pass 1
	clock_at 400
	run_policy "$SUSPECT" unknown b@two.example "$TO"
	clock_at 701
	run_policy "$SUSPECT" unknown b@two.example "$TO"	# same hour: not counted
	clock_at 800
	run_policy "$SUSPECT" unknown c@three.example "$TO"
	assert_decision "greylist=new"
	clock_at 3901
	run_policy "$SUSPECT" unknown a@one.example "$TO"	# pass 2, an hour later
	assert_decision "greylist=known"
	clock_at 4000
	run_policy 192.0.2.99 unknown d@four.example "$TO"
	assert_reply DUNNO
	assert_decision "greylist=auto-whitelisted"
}

@test "auto_whitelist = 0 never whitelists a network" {
	cfg greylist.auto_whitelist=0
	for t in 0 301 4000 8000 12000 16000 20000; do
		clock_at "$t"
		run_policy "$SUSPECT" unknown "$FROM" "$TO"
	done
	run_policy "$SUSPECT" unknown new@example.net "$TO"
	assert_decision "greylist=new"
}

@test "expiry: a first retry after retry_window starts over" {
	cfg greylist.retry_window=1000
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	clock_at 1001
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_decision "greylist=new"
	clock_at 1301
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_decision "greylist=passed after 300 s"
}

@test "expiry: a passed triplet unused for max_age is new again" {
	cfg greylist.max_age=3600
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	clock_at 301
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	clock_at 3900
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_decision "greylist=known"
	clock_at 7501
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_decision "greylist=new"
}

@test "sasl_username clients are exempt" {
	cfg
	run_policy "$SUSPECT" unknown "$FROM" "$TO" sasl_username=alice
	assert_reply DUNNO
	assert_decision "greylist=exempt (sasl_username)"
}

@test "postmaster@ and abuse@ are exempt recipients" {
	cfg
	run_policy "$SUSPECT" unknown "$FROM" Postmaster@example.org
	assert_reply DUNNO
	assert_decision "greylist=exempt (recipient postmaster@)"
	run_policy "$SUSPECT" unknown "$FROM" abuse@example.org
	assert_decision "greylist=exempt (recipient abuse@)"
	cfg greylist.exempt_recipients=@vip.example
	run_policy "$SUSPECT" unknown "$FROM" boss@vip.example
	assert_decision "greylist=exempt (recipient @vip.example)"
	run_policy "$SUSPECT" unknown "$FROM" postmaster@example.org
	assert_decision "greylist=new"
}

@test "own action and no header" {
	cfg "greylist.action=450 4.7.1 Come back later" greylist.header=
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_reply "450 4.7.1 Come back later"
	clock_at 301
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision "greylist=passed after 301 s"
}

@test "the store unavailable (no cache file): fail open, logged once" {
	write_cfg "$SWL" greylist.enable=yes greylist.score=0
	requests "$SUSPECT $FROM a@example.org" "$SUSPECT $FROM b@example.org"
	assert_success
	assert_reply DUNNO DUNNO
	assert_decision "greylist=off (store unavailable)"
	[[ $(log_text | grep -c 'greylist: state store unavailable') -eq 1 ]] ||
		fail "not logged exactly once: $(log_text)"
	assert_stderr_empty
}

@test "the store unavailable (cache file refused): fail open" {
	mkdir -m 0777 "$T/open"
	write_cfg "$SWL" cache.file="$T/open/c.db" greylist.enable=yes greylist.score=0
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_log 'greylist: state store unavailable'
}

@test "dnswl -C greylist: counts, delete a triplet, delete a network" {
	cfg greylist.auto_whitelist=1
	run_policy 192.0.2.20 unknown a@one.example "$TO"
	run_policy 192.0.2.20 unknown b@two.example "$TO"
	run_policy 198.51.100.7 unknown c@three.example "$TO"
	clock_at 301
	run_policy 192.0.2.20 unknown a@one.example "$TO"
	run dnswl_cmd -c "$CFG" -C greylist
	assert_success
	assert_output "pending: 2
passed: 1
networks auto-whitelisted: 1
expired: 0"
	run dnswl_cmd -c "$CFG" -C greylist delete 198.51.100.7 c+x@three.example "$TO"
	assert_success
	assert_output "deleted 1 record of 198.51.100.0/24 c@three.example $TO"
	run dnswl_cmd -c "$CFG" -C greylist delete 192.0.2.0/24
	assert_success
	assert_output "deleted 3 records of 192.0.2.0/24"
	run dnswl_cmd -c "$CFG" -C greylist
	assert_output --partial "pending: 0"
	assert_output --partial "networks auto-whitelisted: 0"
	run dnswl_cmd -c "$CFG" -C greylist delete
	assert_failure 2
}

@test "dnswl -C greylist: expired records are counted as expired" {
	cfg greylist.retry_window=1000
	run_policy "$SUSPECT" unknown "$FROM" "$TO"
	clock_at 2000
	run dnswl_cmd -c "$CFG" -C greylist
	assert_output --partial "pending: 0"
	assert_output --partial "expired: 1"
}

@test "[greylist] keys: defaults printed, bad values refused with file:line" {
	write_cfg
	run dnswl_cmd -n -v -c "$CFG"
	assert_success
	assert_output --partial "[greylist]
enable = no
score = 1.0
delay = 300
retry_window = 172800
max_age = 3024000
auto_whitelist = 5
ipv4_prefix = 24
ipv6_prefix = 64
action = DEFER_IF_PERMIT 4.2.0 Greylisted, please try again later
header = X-Greylist
exempt_recipients = postmaster@, abuse@
dsn = "
	printf '[greylist]\ndelya = 10\n' >"$CFG"
	run dnswl_cmd -n -c "$CFG"
	assert_failure
	assert_output "$CFG:2: unknown key \"delya\" in [greylist]; did you mean \"delay\"?"
	printf '[greylist]\nipv4_prefix = 33\n' >"$CFG"
	run dnswl_cmd -n -c "$CFG"
	assert_output --partial "$CFG:2: ipv4_prefix:"
	printf '[greylist]\nheader = X Grey\n' >"$CFG"
	run dnswl_cmd -n -c "$CFG"
	assert_output --partial "$CFG:2: header:"
	printf '[greylist]\nexempt_recipients = postmaster\n' >"$CFG"
	run dnswl_cmd -n -c "$CFG"
	assert_output --partial "$CFG:2: exempt_recipients:"
	printf '[greylist]\ndsn = ftp://x/y\n' >"$CFG"
	run dnswl_cmd -n -c "$CFG"
	assert_output --partial "$CFG:2: dsn:"
	printf '[greylist]\naction = MAYBE\n' >"$CFG"
	run dnswl_cmd -n -c "$CFG"
	assert_output --partial "$CFG:2: action:"
	printf '[greylist]\ndelay = 600\nretry_window = 300\n' >"$CFG"
	run dnswl_cmd -n -c "$CFG"
	assert_failure
	assert_output --partial "retry_window (300) is shorter than delay (600)"
}
