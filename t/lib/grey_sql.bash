# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/grey_sql.bash - greylisting with the state in SQL, for every backend
#
# t/grey_sqlite.bats, t/grey_pgsql.bats and t/grey_mysql.bats choose a
# backend (t/lib/sqlserver.bash) and run these cases.  Two "MX hosts" are
# two dnswl configurations with separate cache files and log files that
# share one database.  Time is the database's: a case that needs the delay
# to pass waits until the database's clock says so (db_wait_until), never
# for a wall-clock margin; a host's own clock is moved with clock_at.

load "${BATS_TEST_DIRNAME}/lib/common"
load "${BATS_TEST_DIRNAME}/lib/sqlserver"

SUSPECT=192.0.2.20
FROM=news+77@lists.example
TO=user@example.org
DEFER='DEFER_IF_PERMIT 4.2.0 Greylisted, please try again later'

# grey_sql_setup - per test: a fresh database DB, configs for hosts A and B
grey_sql_setup() {
	common_setup
	DB=g$BATS_TEST_NUMBER
	db_new_grey "$DB"
	DSN=$(db_dsn "$DB")
	hosts 300
}

# hosts DELAY [ARG]... - write $T/a.cfg and $T/b.cfg (own cache and log each)
hosts() {
	local h delay=$1
	shift
	for h in a b; do
		CFG=$T/dnswl.cfg
		LOG=$T/$h.log
		write_cfg cache.file="$T/$h/cache.db" greylist.enable=yes greylist.score=0 \
			greylist.delay="$delay" greylist.dsn="$DSN" sql.timeout="$(scaled 5)" "$@"
		mv "$CFG" "$T/$h.cfg"
	done
}

# on HOST - the following runs and log checks are host a's or b's
on() {
	CFG=$T/$1.cfg
	LOG=$T/$1.log
}

# at HOST ADDR SENDER RCPT - one RCPT at host a or b (then `on` that host)
at() {
	on "$1"
	shift
	run_policy "$1" unknown "$2" "$3"
}

# db_clock_reached DB T - the database's clock reads at least T
db_clock_reached() {
	(($(db_now "$1") >= $2))
}

# db_wait_until DB T - poll until the database's clock reads at least T
db_wait_until() {
	wait_for "$(scaled 300)" db_clock_reached "$1" "$2" ||
		fail "the database clock did not reach $2"
}

# first_seen DB - the first_seen of the only triplet
first_seen() {
	db_sql "$1" "SELECT first_seen FROM grey_triplet"
}

case_multi_mx_retry_at_the_other_host_passes() {
	hosts 2
	at a "$SUSPECT" "$FROM" "$TO"
	assert_reply "$DEFER"
	assert_decision "greylist=new"
	db_wait_until "$DB" $(($(first_seen "$DB") + 2))
	at b 192.0.2.99 news+78@lists.example "$TO"
	assert_success
	assert_decision_re "greylist=passed after [0-9]+ s" "action=PREPEND X-Greylist: delayed [0-9]+ seconds"
	at a "$SUSPECT" "$FROM" "$TO"
	assert_decision "greylist=known"
}

case_multi_mx_early_retry_at_the_other_host_is_deferred() {
	hosts 3600
	at a "$SUSPECT" "$FROM" "$TO"
	at b "$SUSPECT" "$FROM" "$TO"
	assert_reply "$DEFER"
	assert_decision_re 'greylist=early \([0-9]+ s left\)'
	assert_equal "$(db_sql "$DB" "SELECT COUNT(*) FROM grey_triplet")" 1
}

case_skewed_host_clock_agrees() {
	[[ $DB_BACKEND != sqlite ]] ||
		skip "SQLite runs inside dnswl: its clock is the host's (one host only)"
	hosts 300
	at a "$SUSPECT" "$FROM" "$TO"
	# host B's clock is 10 minutes fast: by its own clock the delay is over
	clock_at 600
	at b "$SUSPECT" "$FROM" "$TO"
	assert_reply "$DEFER"
	assert_decision_re 'greylist=early \([0-9]+ s left\)'
	# and one 10 minutes slow passes once the database's delay is over
	clock_real
	hosts 2
	at a 198.51.100.1 "$FROM" "$TO"
	db_wait_until "$DB" $(($(db_sql "$DB" "SELECT first_seen FROM grey_triplet WHERE network = '198.51.100.0/24'") + 2))
	clock_at -600
	at b 198.51.100.2 "$FROM" "$TO"
	assert_decision_re "greylist=passed after [0-9]+ s"
	refute_decision "greylist=passed after -"
}

case_two_recipients_pass_together() {
	hosts 2
	policy_request "$SUSPECT" unknown "$FROM" a@example.org >"$T/request"
	policy_request "$SUSPECT" unknown "$FROM" b@example.org >>"$T/request"
	on a
	run_dnswl <"$T/request"
	assert_reply "$DEFER" "$DEFER"
	db_wait_until "$DB" $(($(db_sql "$DB" "SELECT MAX(first_seen) FROM grey_triplet") + 2))
	on b
	run_dnswl <"$T/request"
	[[ ${lines[0]} == "action=PREPEND X-Greylist: delayed "* ]] || fail "${lines[0]}"
	[[ ${lines[1]} == "action=DUNNO" ]] || fail "${lines[1]}"
}

case_auto_whitelist_shared() {
	hosts 300 greylist.auto_whitelist=1
	at a "$SUSPECT" "$FROM" "$TO"
	# a pass recorded by hand 400 s ago (the database's clock)
	db_sql "$DB" "UPDATE grey_triplet SET first_seen = first_seen - 400" >/dev/null
	at a "$SUSPECT" "$FROM" "$TO"
	assert_decision_re "greylist=passed after 4[0-9][0-9] s"
	at b 192.0.2.77 someone@else.example other@example.org
	assert_reply DUNNO
	assert_decision "greylist=auto-whitelisted"
}

case_store_down_fails_open_once() {
	local port
	port=$(free_port)
	# no server on the port (SQLite: no database file)
	DSN=$(db_dsn "$DB" | sed -E "s/:[0-9]+\//:$port\//; s/\.db\$/-missing.db/")
	hosts 300
	policy_request "$SUSPECT" unknown "$FROM" a@example.org >"$T/request"
	policy_request "$SUSPECT" unknown "$FROM" b@example.org >>"$T/request"
	on a
	run_dnswl <"$T/request"
	assert_success
	assert_reply DUNNO DUNNO
	assert_decision "greylist=off (store unavailable)"
	[[ $(log_text | grep -c 'greylist: state store unavailable') -eq 1 ]] ||
		fail "not logged exactly once: $(log_text)"
	assert_stderr_empty
}

case_wrong_password_fails_open() {
	[[ $DB_BACKEND != sqlite ]] || skip "SQLite has no login"
	DSN=$(db_dsn "$DB" dnswl wrong-password)
	hosts 300
	at a "$SUSPECT" "$FROM" "$TO"
	assert_success
	assert_reply DUNNO
	assert_log 'greylist: state store unavailable'
}

case_admin_counts_and_delete() {
	hosts 300 greylist.auto_whitelist=1
	at a "$SUSPECT" a@one.example "$TO"
	at a "$SUSPECT" b@two.example "$TO"
	at b 198.51.100.7 c@three.example "$TO"
	db_sql "$DB" "UPDATE grey_triplet SET first_seen = first_seen - 400 WHERE triplet LIKE '%a@one.example%'" >/dev/null
	at b "$SUSPECT" a+x@one.example "$TO"
	on a
	run dnswl_cmd -c "$CFG" -C greylist
	assert_success
	assert_output "pending: 2
passed: 1
networks auto-whitelisted: 1
expired: 0"
	run dnswl_cmd -c "$CFG" -C greylist delete 198.51.100.7 c@three.example "$TO"
	assert_output "deleted 1 record of 198.51.100.0/24 c@three.example $TO"
	run dnswl_cmd -c "$CFG" -C greylist delete 192.0.2.1
	assert_output "deleted 3 records of 192.0.2.0/24"
	assert_equal "$(db_sql "$DB" "SELECT COUNT(*) FROM grey_triplet")" 0
}

case_cleanup_claimed_by_one_process() {
	hosts 300
	at a "$SUSPECT" "$FROM" "$TO"
	db_sql "$DB" "UPDATE grey_triplet SET expires = 1" >/dev/null
	db_sql "$DB" "UPDATE grey_meta SET value = 0" >/dev/null
	at b 198.51.100.1 x@example.net "$TO"	# claims the cleanup: deletes the expired row
	assert_equal "$(db_sql "$DB" "SELECT COUNT(*) FROM grey_triplet WHERE expires = 1")" 0
	local next
	next=$(db_sql "$DB" "SELECT value FROM grey_meta WHERE name = 'cleanup'")
	(( next > $(db_now "$DB") )) || fail "cleanup not claimed: next run $next"
	db_sql "$DB" "UPDATE grey_triplet SET expires = 1" >/dev/null
	at a 203.0.113.1 y@example.net "$TO"	# another process: the claim is taken
	assert_equal "$(db_sql "$DB" "SELECT COUNT(*) FROM grey_triplet WHERE expires = 1")" 1
}
