#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/cache.bats - the shared cache file seen from outside: a second dnswl
# process answers from the cache while the DNS server is down, entries
# expire after their clamped TTL, failing lists are skipped by every
# process, damaged and untrusted files, and `dnswl -C stats|dump|purge`.
#
# Run: make check TESTS=t/cache.bats     (in the build dir)
#  or: DNSWL=/path/to/src/dnswl bats t/cache.bats
# The file shares one scripted DNS server (t/lib/dnstest.bash); a test
# that stops DNS mid-test first starts its own with own_server.

SWL='swl:swl.test:127.0.10 / -20, 127.0.2 / -8'
DWL='dwl:dwl.test:127.0.2 / -5'
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
	CACHE=$T/cache/dnswl.cache
	OWN_SERVER=
	# Every dnswl of this file sees a frozen clock (t/lib/clock.bash), so
	# that short TTLs never expire between two requests of a slow build;
	# the expiry tests move it on.
	clock_at 0
}

teardown() {
	[[ -z $OWN_SERVER ]] || dnstest_stop
}

# own_server - a DNS server for this test alone (call before cfg), so that
# dnstest_stop leaves the file's server running for the other tests.
own_server() {
	dnstest_start "$BATS_TEST_DIRNAME/data/lists.testns"
	OWN_SERVER=1
}

# cfg [ARG]... - write_cfg with the cache on (ARG may override cache.*).
cfg() {
	write_cfg "$SWL" "$DWL" cache.file="$CACHE" cache.size=1000 cache.min_ttl=0 \
		cache.max_ttl=3600 cache.fail_ttl=60 "$@"
}

# stats_field NAME - the value of one `dnswl -C stats` line.
stats_field() {
	dnswl_cmd -c "$CFG" -C stats 2>/dev/null | sed -n "s/^$1: //p"
}

# --- answers from the cache -------------------------------------------------

@test "a second process answers a listed client from the cache while DNS is down" {
	own_server
	cfg
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.2.1:dns:-8.0 " " action=OK "
	dnstest_stop
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_decision " swl.test=127.0.2.1:cache:-8.0 " " dwl.test=127.0.2.1:cache:-5.0 " \
		" boost=-13.0 " " action=OK "
}

@test "negative answers (NXDOMAIN, NODATA) come from the cache while DNS is down" {
	own_server
	cfg
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " swl.test=NXDOMAIN:dns "
	run_policy 192.0.2.11 mx.example.net "$FROM" "$TO"
	assert_decision " swl.test=NODATA:dns "
	dnstest_stop
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " swl.test=NXDOMAIN:cache " " dwl.test=NXDOMAIN:cache " " action=DUNNO "
	run_policy 192.0.2.11 mx.example.net "$FROM" "$TO"
	assert_reply DUNNO
	assert_decision " swl.test=NODATA:cache "
}

@test "domain list answers are cached too" {
	own_server
	cfg
	run_policy 192.0.2.20 mail.example.com "$FROM" "$TO"
	assert_decision " dwl.test=127.0.2.1:dns:-5.0 "
	dnstest_stop
	run_policy 192.0.2.20 mail.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " dwl.test=127.0.2.1:cache:-5.0 " " action=OK "
}

@test "several requests in one process: the second asks the cache" {
	cfg
	{ policy_request 192.0.2.2 mx.example.com "$FROM" "$TO"
	  policy_request 192.0.2.2 mx.example.com "$FROM" "$TO"; } >"$T/requests"
	run_dnswl <"$T/requests"
	assert_reply OK OK
	run decision_line 2
	assert_output --partial " swl.test=127.0.2.1:dns:"
	run decision_line 1
	assert_output --partial " swl.test=127.0.2.1:cache:"
}

# as_user CMD... - CMD as an unprivileged user when root (nobody), else as is
as_user() {
	if [[ $(id -u) -eq 0 ]]; then
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"
	else
		"$@"
	fi
}

@test "dnswl -q says which answers came from the cache" {
	local d=$T
	if [[ $(id -u) -eq 0 ]]; then
		# root's -q runs uncached: ask as nobody, in a directory nobody can reach
		d=$(mktemp -d /tmp/dnswl-q.XXXXXX)
		chmod 755 "$d"
		install -d -o nobody -m 0700 "$d/cache"
	fi
	cfg cache.file="$d/cache/dnswl.cache"
	cp "$CFG" "$d/q.cfg" && chmod 644 "$d/q.cfg"
	local bin=$DNSWL
	if [[ $d != "$T" ]]; then	# a copy nobody can run, wherever the build is
		bin=$d/dnswl
		dnswl_install_for nobody "$DNSWL" "$bin" || fail "cannot install dnswl for nobody"
	fi
	run as_user "$bin" -c "$d/q.cfg" -q 192.0.2.2 mx.example.com
	assert_success
	assert_line --regexp "^list swl\.test .* answer 127\.0\.2\.1 from dns: match$"
	run as_user "$bin" -c "$d/q.cfg" -q 192.0.2.2 mx.example.com
	assert_success
	assert_line --regexp "^list swl\.test .* answer 127\.0\.2\.1 from cache: match$"
	assert_line --regexp "^list dwl\.test .* answer 127\.0\.2\.1 from cache: match$"
	[[ $d == "$T" ]] || { dnswl_collect_logs "$bin"; rm -rf "$d"; }
}

@test "root's dnswl -q runs uncached and creates no root-owned cache directory" {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
	cfg
	run "$DNSWL" -c "$CFG" -q 192.0.2.2 mx.example.com
	assert_success
	assert_line "dnswl: notice: running as root: not using the cache (run -q as the user dnswl runs as to read and fill it)"
	assert_line --regexp "^list swl\.test .* from dns: match$"
	[[ ! -e $T/cache ]] || fail "root's -q created $(stat -c '%U %n' "$T/cache")"
}

@test "the cache file is created 0600 in a 0700 directory" {
	cfg
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply OK
	run stat -c '%a %u' "$CACHE" "$T/cache"
	assert_line "600 $(id -u)"
	assert_line "700 $(id -u)"
	assert_log "cache .*: created with 1000 entries"
}

@test "caching off (file =): nothing is created, every answer from DNS" {
	write_cfg "$SWL"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=127.0.2.1:dns:"
	[[ ! -e $CACHE ]]
}

# --- TTLs -------------------------------------------------------------------

# Time passes on a frozen clock (t/lib/clock.bash), never by sleeping.
@test "an entry expires after its TTL clamped to max_ttl (300 s cut to 2 s)" {
	cfg cache.max_ttl=2
	clock_at 0
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=127.0.2.1:dns:"
	clock_at 1
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=127.0.2.1:cache:"
	clock_at 2
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=127.0.2.1:dns:"
}

@test "a negative answer expires after its SOA TTL (4 s cut to 2 s)" {
	cfg cache.max_ttl=2
	clock_at 0
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	clock_at 1
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	assert_decision " swl.test=NXDOMAIN:cache "
	clock_at 2
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	assert_decision " swl.test=NXDOMAIN:dns "
}

@test "a negative answer is kept for its SOA TTL below max_ttl (4 s)" {
	cfg
	clock_at 0
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	clock_at 3
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	assert_decision " swl.test=NXDOMAIN:cache "
	clock_at 4
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	assert_decision " swl.test=NXDOMAIN:dns "
}

@test "TTLs are kept as the answers give them, raised to min_ttl (dump shows expiry)" {
	cfg cache.min_ttl=100
	clock_at 0
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"	# TTL 3
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"	# negative TTL 4
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"	# TTL 300
	now=$(clock_now)
	run_dnswl -C dump
	assert_success
	expiry() { date -d "$(awk -v q="$1" '$2 == q { print $4 }' <<<"$output")" +%s; }
	assert_equal "$(($(expiry 1.2.0.192.swl.test) - now))" 100	# TTL 3 raised
	assert_equal "$(($(expiry 20.2.0.192.swl.test) - now))" 100	# negative TTL 4 raised
	assert_equal "$(($(expiry 2.2.0.192.swl.test) - now))" 300	# TTL 300 kept
}

# --- failing lists ----------------------------------------------------------

@test "a failing list is skipped by every process, logged, and logged when back" {
	cfg nameserver=127.0.0.1:1 cache.fail_ttl=2	# nothing listens: fails at once
	clock_at 0
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply "DEFER_IF_REJECT 4.7.1 DNS list lookup failed, try again later"
	assert_decision ":dns"
	refute_log "skipping"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_log "list swl\.test failed 2 times in a row since .*: skipping it in every dnswl process for 2 s"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply "DEFER_IF_REJECT 4.7.1 DNS list lookup failed, try again later"
	assert_decision " swl.test=" ":skipped"
	clock_at 1
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=" ":skipped"
	clock_at 3
	cfg cache.fail_ttl=2
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.2.1:dns:"
	assert_log "list swl\.test answers again: no longer skipped"
}

@test "a timing-out list costs the timeout only until it is skipped" {
	write_cfg "swl:dead.test" cache.file="$CACHE" cache.size=1000 cache.fail_ttl=60
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_decision " dead.test=timeout:dns"
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	dnstest_mark
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_decision " dead.test=timeout:skipped "
	assert_equal "$(dnstest_asked)" ""	# not asked: no timeout to wait for
}

@test "a skipped list says what failed: REFUSED:skipped, unreachable:skipped" {
	write_cfg "swl:refused.test" cache.file="$CACHE" cache.size=1000 cache.fail_ttl=60
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_decision " refused.test=REFUSED:dns "
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_decision " refused.test=REFUSED:skipped "
	refute_decision "SERVFAIL"
	# nothing listens on 127.0.0.9:1: refused at once (ICMP), not a timeout
	write_cfg "swl:swl.test" nameserver=127.0.0.9:1 cache.file="$CACHE" \
		cache.size=1000 cache.fail_ttl=60
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=unreachable:dns "
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	run_policy 192.0.2.1 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=unreachable:skipped "
	assert_stderr_empty
}

# --- damaged files ------------------------------------------------------------

# damaged_case HOW EXPECT_LOG OUTCOME - damage the cache with HOW (a
# command), then a request must still be answered right (from DNS) and
# the log must match EXPECT_LOG; OUTCOME rebuilt: next request is cached;
# bypassed: never cached, file unchanged.
damaged_case() {
	local how=$1 expect=$2 outcome=$3 sum
	cfg
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=127.0.2.1:dns:"
	eval "$how"
	sum=$(md5sum <"$CACHE")
	: >"$LOG"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply OK
	assert_decision " swl.test=127.0.2.1:dns:"
	assert_log "$expect"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	if [[ $outcome == rebuilt ]]; then
		assert_log "rebuilding it"
		assert_decision " swl.test=127.0.2.1:cache:"
	else
		assert_log "leaving it alone, running uncached"
		assert_decision " swl.test=127.0.2.1:dns:"
		[[ $(md5sum <"$CACHE") == "$sum" ]] || fail "the file was changed"
	fi
}

@test "damaged: truncated file is detected, logged and rebuilt" {
	damaged_case 'truncate -s 100000 "$CACHE"' "truncated \(100000 of [0-9]+ bytes\)" rebuilt
}

@test "damaged: empty file is rebuilt" {
	damaged_case ': >"$CACHE"' "empty file" rebuilt
}

@test "damaged: random bytes are left alone, running uncached" {
	damaged_case 'head -c 300000 /dev/urandom | tr "\211" x >"$CACHE"' \
		"not a dnswl cache file" bypassed
}

@test "damaged: another program's file (SQLite) is left alone" {
	damaged_case 'printf "SQLite format 3\0" | dd of="$CACHE" conv=notrunc status=none' \
		"not a dnswl cache file" bypassed
}

@test "damaged: an older format version is rebuilt" {
	damaged_case 'printf "\0\0\0\0" | dd of="$CACHE" bs=1 seek=8 conv=notrunc status=none' \
		"older format version 0" rebuilt
}

@test "damaged: a version 2 file (before the data slots) is rebuilt" {
	damaged_case 'printf "\2\0\0\0" | dd of="$CACHE" bs=1 seek=8 conv=notrunc status=none' \
		"older format version 2 \(this dnswl writes 3\)" rebuilt
}

@test "damaged: a header with a changed byte is rebuilt" {
	damaged_case 'printf "\377" | dd of="$CACHE" bs=1 seek=24 conv=notrunc status=none' \
		"damaged header" rebuilt
}

@test "damaged: garbage over the entries gives misses, never a wrong answer" {
	own_server
	cfg
	for a in 1 2 3 4 5 11 20; do run_policy 192.0.2.$a mx.example.com "$FROM" "$TO"; done
	# every entry of the 1000 (640 bytes each, after the 512-byte header)
	head -c 640000 /dev/urandom | dd of="$CACHE" bs=4096 seek=512 oflag=seek_bytes \
		conv=notrunc status=none
	dnstest_stop
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_success
	assert_reply "DEFER_IF_REJECT 4.7.1 DNS list lookup failed, try again later"
	refute_decision ":cache"
	run dnswl_cmd -c "$CFG" -C stats
	assert_success
	assert_output --regexp "entries: [0-9]+/1000 used \(0 expired, [1-9][0-9]* damaged"
}

# --- permissions ----------------------------------------------------------

# refused_case SETUP EXPECT_LOG - after SETUP, dnswl runs uncached and says why.
refused_case() {
	cfg
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	eval "$1"
	: >"$LOG"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_reply OK
	assert_decision " swl.test=127.0.2.1:dns:"
	assert_log "$2"
	assert_log "running uncached"
}

@test "refused: a cache file writable by others (0666)" {
	refused_case 'chmod 0666 "$CACHE"' "file is writable by group or others \(mode 0666\) \(fix: chmod go-w $CACHE\)"
}

@test "refused: a cache directory writable by others (0777)" {
	refused_case 'chmod 0777 "$T/cache"' "directory is writable by group or others \(mode 0777\)"
}

@test "refused: a cache file owned by another user" {
	[[ $(id -u) == 0 ]] || skip "needs root to give the file to nobody"
	refused_case 'chown nobody "$CACHE"' \
		"file is owned by nobody \\(uid $(id -u nobody)\\), not by root \\(uid 0\\) running dnswl \\(fix: chown root: $CACHE\\)"
}

@test "refused: a cache directory owned by another user" {
	[[ $(id -u) == 0 ]] || skip "needs root to give the directory to nobody"
	refused_case 'chown nobody "$T/cache"' \
		"directory is owned by nobody \\(uid $(id -u nobody)\\), not by root \\(uid 0\\) running dnswl \\(fix: chown root: $T/cache\\)"
}

@test "refused: the cache file is a symbolic link" {
	refused_case 'mv "$CACHE" "$T/real"; ln -s "$T/real" "$CACHE"' "symbolic link"
}

# --- admin ----------------------------------------------------------------

@test "dnswl -C stats: entries used/total, hits, misses, oldest, newest" {
	cfg
	clock_at 0
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	clock_at 5	# store times have a resolution of one second
	run_policy 192.0.2.20 mx.example.net "$FROM" "$TO"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	run_dnswl -C stats
	assert_success
	assert_line --regexp "^entries: 4/1000 used"
	assert_line --regexp "^hits: [1-9]"
	assert_line --regexp "^misses: [1-9]"
	assert_line --regexp "^created: [0-9-]+T[0-9:]+Z$"
	assert_line --regexp "^oldest: [0-9-]+T[0-9:]+Z (swl\.test 2\.2\.0\.192\.swl\.test|dwl\.test example\.com\.dwl\.test)$"
	assert_line --regexp "^newest: [0-9-]+T[0-9:]+Z (swl\.test 20\.2\.0\.192\.swl\.test|dwl\.test example\.net\.dwl\.test)$"
}

@test "dnswl -C dump: one line per entry, list name answer expires" {
	cfg
	run_policy 192.0.2.4 mx.example.com "$FROM" "$TO"
	run_policy 192.0.2.20 mail.example.com "$FROM" "$TO"
	run dnswl_cmd -c "$CFG" -C dump
	assert_success
	assert_line --regexp "^swl\.test 4\.2\.0\.192\.swl\.test (127\.0\.2\.9,127\.0\.2\.1|127\.0\.2\.1,127\.0\.2\.9) [0-9-]+T[0-9:]+Z$"
	assert_line --regexp "^swl\.test 20\.2\.0\.192\.swl\.test NXDOMAIN [0-9-]+T[0-9:]+Z$"
	assert_line --regexp "^dwl\.test example\.com\.dwl\.test 127\.0\.2\.1 [0-9-]+T[0-9:]+Z$"
	assert_equal "${#lines[@]}" 3
}

@test "dnswl -C purge empties the cache while it is in use; later answers from DNS" {
	cfg
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	run dnswl_cmd -c "$CFG" -C purge
	assert_success
	assert_line "purged 2 cached answers from $CACHE (2 live, 0 expired)"
	assert_line "failing lists: none on record"
	assert_line "cleared the amavis sender set (read again from the database when next needed)"
	assert_equal "$(stats_field entries)" "0/1000 used (0 expired, 0 damaged, 0 being written)"
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	assert_decision " swl.test=127.0.2.1:dns:"
}

@test "dnswl -C stats counts the hits of a process that is still running" {
	local i
	cfg
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"	# fills the cache
	coproc DNSWL_RUNNING { exec "$DNSWL" -c "$CFG" 2>/dev/null; }
	for i in 1 2 3; do
		policy_request 192.0.2.2 mx.example.com "$FROM" "$TO" >&"${DNSWL_RUNNING[1]}"
		read -r -t "$(scaled 30)" line <&"${DNSWL_RUNNING[0]}" || fail "no reply $i"
		[[ $line == action=OK ]] || fail "reply $i: $line"
		read -r -t "$(scaled 30)" line <&"${DNSWL_RUNNING[0]}"
	done
	# three requests, two lists each, all from the cache; the process still runs
	kill -0 "$DNSWL_RUNNING_PID" || fail "dnswl exited early"
	assert_equal "$(stats_field hits)" 6
	# bash unsets DNSWL_RUNNING_PID once the coprocess is reaped: keep it
	local pid=$DNSWL_RUNNING_PID
	exec {DNSWL_RUNNING[1]}>&-
	wait "$pid"
}

@test "dnswl -C purge and forget-failures say which failing lists they forgot" {
	own_server
	cfg
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	dnstest_stop
	run_policy 192.0.2.1 mx.example.net "$FROM" "$TO"
	run_policy 192.0.2.3 mx.example.org "$FROM" "$TO"
	run "$DNSWL" -c "$CFG" -C stats
	assert_line --regexp "^failing list: swl\.test 2 failures since .*, skipped until "
	run "$DNSWL" -c "$CFG" -C forget-failures
	assert_success
	assert_output "forgot 2 failing lists: swl.test, dwl.test (asked again from the next request)"
	run "$DNSWL" -c "$CFG" -C stats
	refute_line --partial "failing list:"
	assert_line --regexp "^entries: [1-9]"	# the answers stay
	run "$DNSWL" -c "$CFG" -C forget-failures
	assert_output "failing lists: none on record"
	run_policy 192.0.2.1 mx.example.net "$FROM" "$TO"
	run_policy 192.0.2.3 mx.example.org "$FROM" "$TO"
	run "$DNSWL" -c "$CFG" -C purge
	assert_success
	assert_line --regexp "^purged [1-9][0-9]* cached answers from "
	assert_line --regexp "^forgot 2 failing lists: (swl\.test, dwl\.test|dwl\.test, swl\.test) "
}

@test "dnswl -n reports a cache directory or file the serving user would refuse" {
	cfg
	run_policy 192.0.2.2 mx.example.com "$FROM" "$TO"
	run "$DNSWL" -n -c "$CFG"
	assert_success
	assert_output ''
	chmod 0770 "$T/cache"
	run "$DNSWL" -n -c "$CFG"
	assert_success
	assert_output --partial "warning: cache: directory $T/cache is writable by group or others (mode 0770) (fix: chmod go-w $T/cache): serving dnswl processes would refuse it"
	chmod 0700 "$T/cache"
	[[ $(id -u) -eq 0 ]] || skip "the owner cases need root"
	if id dnswl >/dev/null 2>&1; then
		# root runs -n: the check is made as the dnswl user, and says so
		run "$DNSWL" -n -c "$CFG"
		assert_output --partial "directory $T/cache is owned by root (uid 0), not by dnswl (uid $(id -u dnswl)) running dnswl (fix: chown dnswl: $T/cache)"
		assert_output --partial "(checked as user dnswl, uid $(id -u dnswl): -n runs as root)"
	else
		chown nobody "$T/cache"
		run "$DNSWL" -n -c "$CFG"
		assert_output --partial "directory $T/cache is owned by nobody (uid $(id -u nobody)), not by root (uid 0) running dnswl (fix: chown root: $T/cache)"
		assert_output --partial "(checked as root: there is no user dnswl)"
	fi
}

@test "dnswl -C with no cache file, and with caching off" {
	cfg
	run dnswl_cmd -c "$CFG" -C stats
	assert_failure 1
	assert_output --partial "no cache file"
	run dnswl_cmd -c "$CFG" -C purge
	assert_success
	write_cfg "$SWL"
	run dnswl_cmd -c "$CFG" -C stats
	assert_failure 1
	assert_output --partial "caching is disabled"
}
