# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/amavis.bash - the amavis SQL writer's test cases, for every backend
#
# t/amavis_sqlite.bats, t/amavis_pgsql.bats and t/amavis_mysql.bats each
# choose a backend (t/lib/sqlserver.bash) and run these cases as tests.
# The cases drive the writer through t/amavis_drive (hand-made policy
# decisions, as main.c hands them over) and check what an admin sees:
# rows found by amavis's own wblist query, and log lines.

: "${BATS_LIB_PATH:=/usr/lib/bats}"
export BATS_LIB_PATH
bats_load_library bats-support
bats_load_library bats-assert
load "${BATS_TEST_DIRNAME}/lib/sqlserver"
load "${BATS_TEST_DIRNAME}/lib/clock"

# drive_find - the driver binary: $AMAVIS_DRIVE, or t/amavis_drive in the build dir
drive_find() {
	local c
	for c in ${AMAVIS_DRIVE:-} ${abs_top_builddir:+"$abs_top_builddir/t/amavis_drive"} \
		"$PWD/t/amavis_drive" "$BATS_TEST_DIRNAME/amavis_drive"; do
		[[ -x $c ]] && { echo "$c"; return; }
	done
	echo "$PWD/t/amavis_drive"
}

# amavis_setup - per test: a fresh database DB and a log file
amavis_setup() {
	DRIVE=$(drive_find)
	[[ -x $DRIVE ]] || fail "t/amavis_drive not found: make check builds it (or set AMAVIS_DRIVE)"
	T=$BATS_TEST_TMPDIR
	LOG=$T/dnswl.log
	DB=t$BATS_TEST_NUMBER
	db_new "$DB"
	DSN=$(db_dsn "$DB")
	clock_start
}

# drive [OPTIONS] REQUEST... - run the driver on this test's DB (area $T/area,
# log $LOG, counters on stdout, the clock of clock_at); its SQL timeout and
# the bound that makes a hang fail the test scale with the build
drive() {
	clock_env "$DRIVE"
	run timeout "$(scaled 60)" "${CLOCK_ENV[@]}" "$DRIVE" -t "$(scaled 5)" \
		-L "$LOG" -d "$DSN" -a "$T/area" -s "$@"
}

# stat_is NAME VALUE - a counter in the driver's output
stat_is() {
	[[ " $output " == *" $1=$2 "* ]] || fail "expected $1=$2 in: $output"
}

# amavis_keys SENDER - amavis's SQL lookup keys for a sender (one per line):
# as given, lowercased with and without +extension, then the domain keys
amavis_keys() {
	local lp=${1%@*} dom=${1##*@} user ext d
	lp=$(LC_ALL=C tr A-Z a-z <<<"$lp")
	dom=$(LC_ALL=C tr A-Z a-z <<<"$dom")
	user=$lp
	ext=
	if [[ ${lp:1} == *+* ]]; then
		d=${lp:1}
		user=${lp:0:1}${d%%+*}
		ext=x
	fi
	printf '%s\n' "$1"
	[[ -n $ext ]] && printf '%s\n' "$lp@$dom"
	printf '%s\n' "$user@$dom" "@$dom"
	d=$dom
	while :; do
		printf '%s\n' "@.$d"
		[[ $d == *.* ]] || break
		d=${d#*.}
	done
	printf '%s\n' "@."
}

# wb_for RCPT SENDER - what amavis's wblist query returns for this pair
wb_for() {
	local -a keys
	mapfile -t keys < <(amavis_keys "$2")
	db_amavis_wb "$DB" "$1" "${keys[@]}"
}

# assert_wb RCPT SENDER EXPECTED - amavis finds exactly EXPECTED ("" = nothing)
assert_wb() {
	local got
	got=$(wb_for "$1" "$2")
	[[ $got == "$3" ]] || fail "amavis wblist query for <$2> -> <$1>: got '$got', want '$3'"
}

# hand_row RCPT SENDER WB - a row an administrator made (auto = 'N')
hand_row() {
	local r s
	db_sql "$DB" "INSERT INTO users (priority, policy_id, email) SELECT 7, 5, $(db_hex "$1")
		WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = $(db_hex "$1"))" >/dev/null
	db_sql "$DB" "INSERT INTO mailaddr (priority, email) SELECT 5, $(db_hex "$2")
		WHERE NOT EXISTS (SELECT 1 FROM mailaddr WHERE email = $(db_hex "$2"))" >/dev/null
	r=$(db_sql "$DB" "SELECT id FROM users WHERE email = $(db_hex "$1")")
	s=$(db_sql "$DB" "SELECT id FROM mailaddr WHERE email = $(db_hex "$2")")
	db_sql "$DB" "INSERT INTO wblist (rid, sid, wb, auto) VALUES ($r, $s, '$3', 'N')" >/dev/null
}

# --- the cases -------------------------------------------------------------

case_whitelisted_row_read_by_amavis() {
	drive w 'Alice+news@Example.COM' 'Bob@Example.ORG' -10
	assert_success
	stat_is writes 1
	stat_is failures 0
	assert_wb 'bob@example.org' 'Alice+news@Example.COM' '-10.0'
	run db_sql "$DB" "SELECT priority, policy_id, local FROM users"
	assert_output $'0\t1\tY'
	run db_sql "$DB" "SELECT priority, $(db_email email) FROM mailaddr"
	assert_output $'0\talice+news@example.com'
	run db_sql "$DB" "SELECT wb, auto FROM wblist"
	assert_output $'-10.0\tY'
}

case_not_whitelisted_deletes_only_auto_rows() {
	hand_row 'carol@example.org' 'alice@example.com' '-5.0'
	hand_row 'bob@example.org' 'other@example.net' 'B'
	hand_row 'dave@example.org' 'alice@example.com' '-3.0'
	drive w 'alice@example.com' 'bob@example.org' -10 w 'alice@example.com' 'dave@example.org' -10 \
		w 'alice@example.com' 'erin@example.org' -20
	assert_success
	stat_is failures 0
	assert_wb 'bob@example.org' 'alice@example.com' '-10.0'
	assert_wb 'dave@example.org' 'alice@example.com' '-3.0'	# hand-made: untouched
	run db_sql "$DB" "SELECT priority, policy_id FROM users WHERE email = $(db_hex bob@example.org)"
	assert_output $'7\t5'	# existing users row not changed
	drive n 'alice@example.com' 'bob@example.org'
	assert_success
	stat_is deleted 2
	assert_wb 'bob@example.org' 'alice@example.com' ''
	assert_wb 'erin@example.org' 'alice@example.com' ''
	assert_wb 'carol@example.org' 'alice@example.com' '-5.0'
	assert_wb 'dave@example.org' 'alice@example.com' '-3.0'
	assert_wb 'bob@example.org' 'other@example.net' 'B'
}

case_tempfail_deletes() {
	drive w 'alice@example.com' 'bob@example.org' -10 f 'alice@example.com' 'bob@example.org'
	assert_success
	stat_is deleted 1
	assert_wb 'bob@example.org' 'alice@example.com' ''
}

case_extension_and_case_variants_deleted() {
	drive w 'alice@example.com' 'bob@example.org' -10
	drive n 'ALICE+forged@EXAMPLE.com' 'bob@example.org'
	assert_success
	stat_is deleted 1
	assert_wb 'bob@example.org' 'alice@example.com' ''
}

case_boost_updated_and_clamped() {
	drive w 'alice@example.com' 'bob@example.org' -10 w 'alice@example.com' 'bob@example.org' -20.5
	assert_wb 'bob@example.org' 'alice@example.com' '-20.5'
	drive w 'alice@example.com' 'bob@example.org' -1e12
	assert_success
	assert_wb 'bob@example.org' 'alice@example.com' '-9999999.9'
	run cat "$LOG"
	assert_output --partial 'boost -1e+12 does not fit wblist.wb (10 characters); written as -9999999.9'
}

case_hostile_addresses() {
	local long255 long300 s
	long255=$(printf 'x%.0s' $(seq 1 243))@example.com	# 255 bytes
	long300=$(printf 'y%.0s' $(seq 1 288))@example.com	# 300 bytes
	local -a senders=("o'brien@example.com" 'back\slash@example.com' 'semi;colon@example.com'
		"x'; DROP TABLE wblist; --@example.com" 'quo"te@example.com' '--@example.com'
		$'j\xc3\xbcrgen@m\xc3\xbcller.example' $'\xff\xfe@bytes.example' "$long255"
		"%s%n@example.com")
	for s in "${senders[@]}"; do
		drive w "$s" 'bob@example.org' -10
		assert_success
		stat_is failures 0
		assert_wb 'bob@example.org' "$s" '-10.0'
	done
	for s in "${senders[@]}"; do
		drive n "$s" 'bob@example.org'
		stat_is failures 0
		assert_wb 'bob@example.org' "$s" ''
	done
	drive w "$long300" 'bob@example.org' -10
	assert_success
	stat_is writes 0
	run cat "$LOG"
	assert_output --partial 'cannot be an amavis key (longer than 255 bytes'
	drive w $'new\nline@example.com' 'bob@example.org' -10
	stat_is writes 0
	run db_sql "$DB" "SELECT count(*) FROM wblist"
	assert_output 0
}

case_no_sql_without_rcpt_state_sender_or_recipient() {
	drive x DATA 'alice@example.com' 'bob@example.org' w '' 'bob@example.org' -10 \
		w 'alice@example.com' '' -10 n '' 'bob@example.org'
	assert_success
	stat_is connects 0
	stat_is statements 0
	run db_sql "$DB" "SELECT count(*) FROM users"
	assert_output 0
}

case_no_connection_when_nothing_to_delete() {
	clock_at 0	# the whole case within one cleanup interval
	drive w 'alice@example.com' 'bob@example.org' -10 n 'first@example.net' 'bob@example.org'
	stat_is refreshes 1
	# a new process (connection) with an unknown sender: set is fresh
	drive n 'someone@example.net' 'bob@example.org' n 'another@example.net' 'bob@example.org'
	assert_success
	stat_is skipped 2
	stat_is connects 0
	stat_is statements 0
	drive n 'alice@example.com' 'bob@example.org'
	stat_is deleted 1
	drive n 'alice@example.com' 'bob@example.org'
	stat_is connects 0	# cleaned: known to be absent now
	stat_is skipped 1
}

case_interval_zero_asks_every_time() {
	drive -i 0 n 'someone@example.net' 'bob@example.org' n 'someone@example.net' 'bob@example.org'
	stat_is cleans 2
	stat_is skipped 0
}

case_other_host_row_deleted_within_interval() {
	# host B builds its set before host A writes; within the interval B
	# may miss A's row (the documented window), after it B finds it.
	clock_at 0
	drive -a "$T/areaB" -i 8 n 'first@example.net' 'bob@example.org'
	stat_is refreshes 1
	drive -a "$T/areaA" -i 8 w 'alice@example.com' 'bob@example.org' -10
	clock_at 7
	drive -a "$T/areaB" -i 8 n 'alice@example.com' 'bob@example.org'
	stat_is skipped 1
	assert_wb 'bob@example.org' 'alice@example.com' '-10.0'
	clock_at 9
	drive -a "$T/areaB" -i 8 n 'alice@example.com' 'bob@example.org'
	stat_is deleted 1
	assert_wb 'bob@example.org' 'alice@example.com' ''
}

case_same_host_row_deleted_at_once() {
	drive -i 3600 n 'first@example.net' 'bob@example.org'
	drive -i 3600 w 'alice@example.com' 'bob@example.org' -10
	drive -i 3600 n 'alice@example.com' 'bob@example.org'
	stat_is deleted 1
	assert_wb 'bob@example.org' 'alice@example.com' ''
}

case_two_processes_race_on_new_sender() {
	local i
	for i in $(seq 1 15); do
		"$DRIVE" -t "$(scaled 5)" -L "$LOG" -d "$DSN" -a "$T/areaA" -s \
			w "new$i@race.example" "r$i@example.org" -10 >"$T/a$i" 2>&1 &
		"$DRIVE" -t "$(scaled 5)" -L "$LOG" -d "$DSN" -a "$T/areaB" -s \
			w "new$i@race.example" "r$i@example.org" -10 >"$T/b$i" 2>&1 &
		wait
		grep -q 'writes=1 .*failures=0' "$T/a$i" || fail "process A, round $i: $(cat "$T/a$i")"
		grep -q 'writes=1 .*failures=0' "$T/b$i" || fail "process B, round $i: $(cat "$T/b$i")"
	done
	run db_sql "$DB" "SELECT count(*) FROM mailaddr"
	assert_output 15
	run db_sql "$DB" "SELECT count(*) FROM users"
	assert_output 15
	run db_sql "$DB" "SELECT count(*) FROM wblist WHERE auto = 'Y'"
	assert_output 15
	run grep -c 'failed' "$LOG"
	assert_output 0
}

case_database_down() {
	DSN=$(DB_PORT=$(free_port) db_dsn "$DB")
	[[ $DB_BACKEND != sqlite ]] || DSN="sqlite://$DB_DIR/missing.db"
	clock_at 0	# the second process comes within the back-off
	drive w 'alice@example.com' 'bob@example.org' -10
	assert_success
	stat_is failures 1
	run cat "$LOG"
	assert_output --regexp 'warning: amavis SQL: whitelisting <alice@example.com> for <bob@example.org> failed: (connect to .* |sqlite database .*does not exist)'
	# the next process on this host does not try again right away
	drive n 'alice@example.com' 'bob@example.org'
	stat_is failures 0
	stat_is backoffs 1
	run grep -c 'warning: amavis SQL' "$LOG"
	assert_output 1
}

case_wrong_password() {
	[[ $DB_BACKEND != sqlite ]] || skip "SQLite has no password"
	DSN=$(db_dsn "$DB" dnswl wrong-password)
	drive w 'alice@example.com' 'bob@example.org' -10
	assert_success
	stat_is failures 1
	run cat "$LOG"
	assert_output --regexp 'connect to .*(password authentication failed|Access denied)'
	refute_output --partial 'wrong-password'
}

case_missing_table() {
	db_sql "$DB" "DROP TABLE wblist" >/dev/null
	drive w 'alice@example.com' 'bob@example.org' -10
	assert_success
	stat_is failures 1
	run cat "$LOG"
	assert_output --regexp "amavis SQL: whitelisting .* failed: .*wblist"
}

case_hung_database_abandoned() {
	local pid
	[[ $DB_BACKEND != sqlite ]] || skip "no server to hang with SQLite"
	pid=$(_db_server_pid)
	drive w 'alice@example.com' 'bob@example.org' -10	# connected, working
	stat_is failures 0
	kill -STOP "$pid"
	drive -t 1 w 'alice@example.com' 'carol@example.org' -10
	kill -CONT "$pid"
	assert_success
	stat_is failures 1
	run cat "$LOG"
	assert_output --partial 'no answer from the database within 1 s; SQL helper stopped'
}

case_reconnect_after_drop() {
	[[ $DB_BACKEND != sqlite ]] || skip "no server connection with SQLite"
	# the first write is done (mark), its connection is killed, then the
	# second write must reconnect
	( _wait_file "$T/written" && _db_kill_connections; touch "$T/killed" ) &
	drive w 'alice@example.com' 'bob@example.org' -10 mark "$T/written" wait "$T/killed" \
		w 'alice@example.com' 'carol@example.org' -10
	wait
	assert_success
	stat_is writes 2
	stat_is failures 0
	stat_is connects 2
	assert_wb 'carol@example.org' 'alice@example.com' '-10.0'
}

case_verbose_sql_logs_statements() {
	drive -v w "o'brien@example.com" 'bob@example.org' -10
	run cat "$LOG"
	assert_output --partial 'sql: BEGIN'
	assert_output --partial 'sql: COMMIT'
	assert_output --regexp "sql: INSERT INTO mailaddr .*(o''brien|o\\\\'brien|decode\\('6f27)"
	refute_output --partial "$DNSWL_DB_PASSWORD"
}

case_pgsql_text_email_columns() {
	[[ $DB_BACKEND == pgsql ]] || skip "PostgreSQL only: amavis < 2.7 schemas have varchar emails"
	db_sql "$DB" "ALTER TABLE users ALTER email TYPE varchar(255) USING convert_from(email, 'UTF8');
		ALTER TABLE mailaddr ALTER email TYPE varchar(255) USING convert_from(email, 'UTF8')" >/dev/null
	drive w $'j\xc3\xbcrgen@example.com' 'bob@example.org' -10 n $'bad\xff@example.com' 'bob@example.org'
	assert_success
	stat_is writes 1
	stat_is failures 0	# a key the column cannot hold is no reason to fail
	run db_sql "$DB" "SELECT email FROM mailaddr"
	assert_output $'j\xc3\xbcrgen@example.com'
	drive n $'j\xc3\xbcrgen@example.com' 'bob@example.org'
	stat_is deleted 1
}

# _wait_file FILE - until FILE exists (bounded: a hang fails the test)
_wait_file() {
	wait_for "$(scaled 600)" test -e "$1"
}

# age_rows SECONDS SENDER... - time passes for the auto rows of these
# senders: their dnswl_seen goes back SECONDS (no sleeping)
age_rows() {
	local secs=$1 keys="" k
	shift
	for k; do keys+=${keys:+, }$(db_hex "$k"); done
	db_sql "$DB" "UPDATE wblist SET dnswl_seen = dnswl_seen - $secs WHERE auto = 'Y'
		AND sid IN (SELECT id FROM mailaddr WHERE email IN ($keys))" >/dev/null
}

# emails TABLE - the table's addresses, sorted, one line
emails() {
	db_sql "$DB" "SELECT $(db_email email) FROM $1" | LC_ALL=C sort | paste -sd' '
}

case_max_age_removes_old_auto_rows() {
	clock_at 0	# the batch claim: one per host every few minutes
	hand_row 'carol@example.org' 'old@example.com' '-5.0'
	drive w 'old@example.com' 'bob@example.org' -10 w 'old@example.com' 'carol@example.org' -10 \
		w 'fresh@example.com' 'bob@example.org' -10 w 'gone@example.com' 'dave@example.org' -10 \
		w 'gone@example.com' 'erin@example.org' -10
	assert_success
	stat_is outcomes written,kept,written,written,written
	# erin's users row got a policy from a person: it is in use
	db_sql "$DB" "UPDATE users SET policy_id = 7 WHERE email = $(db_hex erin@example.org)" >/dev/null
	# 31 days pass for old@ and gone@ (and for the hand-made row: it is not dnswl's)
	age_rows 2678400 old@example.com gone@example.com
	db_sql "$DB" "UPDATE wblist SET dnswl_seen = 1 WHERE auto = 'N'" >/dev/null
	# another host (area): its first SQL job carries an expiry batch
	drive -a "$T/area2" n 'stranger@example.net' 'bob@example.org'
	assert_success
	stat_is failures 0
	stat_is expired 5
	assert_wb 'bob@example.org' 'old@example.com' ''
	assert_wb 'dave@example.org' 'gone@example.com' ''
	assert_wb 'erin@example.org' 'gone@example.com' ''
	assert_wb 'bob@example.org' 'fresh@example.com' '-10.0'
	assert_wb 'carol@example.org' 'old@example.com' '-5.0'
	assert_equal "$(emails users)" 'bob@example.org carol@example.org erin@example.org'
	assert_equal "$(emails mailaddr)" 'fresh@example.com old@example.com'
	run cat "$LOG"
	assert_output --partial 'amavis SQL: max_age: removed 3 wblist rows not refreshed for 2592000 s, 1 users and 1 mailaddr rows only dnswl used'
	# the next batch waits (one per host every few minutes)
	age_rows 2678400 fresh@example.com
	drive -a "$T/area2" n 'stranger@example.net' 'bob@example.org'
	stat_is expired 0
	assert_wb 'bob@example.org' 'fresh@example.com' '-10.0'
}

case_max_age_refreshed_rows_stay() {
	drive -m 1000 w 'alice@example.com' 'bob@example.org' -10
	age_rows 990 alice@example.com
	# whitelisted again: the row is refreshed
	drive -m 1000 -a "$T/area2" w 'alice@example.com' 'bob@example.org' -10
	stat_is outcomes written
	age_rows 500 alice@example.com
	drive -m 1000 -a "$T/area3" n 'stranger@example.net' 'bob@example.org'
	stat_is expired 0
	assert_wb 'bob@example.org' 'alice@example.com' '-10.0'
	age_rows 600 alice@example.com
	drive -m 1000 -a "$T/area4" n 'stranger@example.net' 'bob@example.org'
	stat_is expired 3
	assert_wb 'bob@example.org' 'alice@example.com' ''
	assert_equal "$(emails users)" ''
	assert_equal "$(emails mailaddr)" ''
}

case_max_age_zero_keeps_forever() {
	drive -m 0 w 'alice@example.com' 'bob@example.org' -10
	age_rows 315360000 alice@example.com
	drive -m 0 -a "$T/area2" n 'stranger@example.net' 'bob@example.org'
	stat_is expired 0
	assert_wb 'bob@example.org' 'alice@example.com' '-10.0'
}

case_max_age_batches() {
	local i args=()
	for i in $(seq 1 120); do args+=(w "s$i@bulk.example" 'bob@example.org' -10); done
	drive "${args[@]}"
	stat_is writes 120
	db_sql "$DB" "UPDATE wblist SET dnswl_seen = dnswl_seen - 2678400" >/dev/null
	# a batch takes at most 100 rows per table; the next SQL job (here the
	# clean of s120@) carries the next batch at once
	drive -a "$T/area2" n 'stranger@example.net' 'bob@example.org' n 's120@bulk.example' 'bob@example.org'
	stat_is failures 0
	stat_is expired 240
	run db_sql "$DB" "SELECT count(*) FROM wblist"
	assert_output 0
	assert_equal "$(emails users)" ''
	assert_equal "$(emails mailaddr)" ''
	run grep -c 'max_age: removed 100 wblist rows not refreshed for 2592000 s, 0 users and 100 mailaddr' "$LOG"
	assert_output 1
	run grep -c 'max_age: removed 19 wblist rows not refreshed for 2592000 s, 1 users and 20 mailaddr' "$LOG"
	assert_output 1
}

case_upgrade_from_earlier_dnswl() {
	local c
	# a database made for dnswl 0.1.0: no dnswl_seen, no dnswl_auto
	[[ $DB_BACKEND != sqlite ]] || db_sql "$DB" "DROP INDEX wblist_dnswl_seen" >/dev/null
	for c in 'wblist DROP COLUMN dnswl_seen' 'users DROP COLUMN dnswl_auto' 'mailaddr DROP COLUMN dnswl_auto'; do
		db_sql "$DB" "ALTER TABLE $c" >/dev/null
	done
	hand_row 'carol@example.org' 'person@example.com' '-5.0'
	hand_row 'bob@example.org' 'old@example.com' '-7.0'
	db_sql "$DB" "UPDATE wblist SET auto = 'Y' WHERE wb = '-7.0'" >/dev/null	# an old dnswl's row
	# this dnswl cannot write into it, and says so
	drive w 'alice@example.com' 'bob@example.org' -10
	stat_is outcomes failed
	run cat "$LOG"
	assert_output --regexp 'failed: .*dnswl_(seen|auto)'
	run db_sql_file "$DB" "$SQL_SRCDIR/upgrade-$DB_BACKEND.sql"
	[[ $DB_BACKEND == sqlite ]] || assert_success	# (sqlite3: "duplicate column" for auto, local)
	run db_sql_file "$DB" "$SQL_SRCDIR/upgrade-$DB_BACKEND.sql"	# again: changes nothing
	[[ $DB_BACKEND == sqlite ]] || assert_success
	run db_sql "$DB" "SELECT wb, auto, CASE WHEN dnswl_seen IS NULL THEN 1 ELSE 0 END FROM wblist ORDER BY wb"
	assert_output $'-5.0\tN\t1\n-7.0\tY\t0'	# the old auto row counts from the upgrade
	assert_wb 'carol@example.org' 'person@example.com' '-5.0'
	drive -a "$T/area2" w 'alice@example.com' 'bob@example.org' -10 n 'old@example.com' 'bob@example.org'
	stat_is outcomes written,deleted
	assert_wb 'bob@example.org' 'alice@example.com' '-10.0'
	age_rows 2678400 alice@example.com
	drive -a "$T/area3" n 'stranger@example.net' 'bob@example.org'
	stat_is expired 2	# alice's row and mailaddr; bob's and old@'s rows predate the marker
	assert_equal "$(emails users)" 'bob@example.org carol@example.org'
	assert_equal "$(emails mailaddr)" 'old@example.com person@example.com'
	assert_wb 'carol@example.org' 'person@example.com' '-5.0'
}

case_outcomes() {
	hand_row 'carol@example.org' 'alice@example.com' '-5.0'
	drive w 'alice@example.com' 'bob@example.org' -10 w 'alice@example.com' 'bob@example.org' -10 \
		w 'alice@example.com' 'carol@example.org' -10 n 'alice@example.com' 'bob@example.org' \
		n 'alice@example.com' 'bob@example.org' x DATA 'alice@example.com' 'bob@example.org' \
		w "$(printf 'y%.0s' $(seq 1 300))@example.com" 'bob@example.org' -10
	assert_success
	stat_is outcomes written,written,kept,deleted,skipped,skipped,skipped
	DSN=$(DB_PORT=$(free_port) db_dsn "$DB")
	[[ $DB_BACKEND != sqlite ]] || DSN="sqlite://$DB_DIR/missing.db"
	drive -a "$T/area-down" -t 2 w 'alice@example.com' 'bob@example.org' -10 \
		n 'alice@example.com' 'bob@example.org'
	stat_is outcomes failed,backoff
}

# _db_server_pid - the server's main process
_db_server_pid() {
	case $DB_BACKEND in
	pgsql) head -1 "$DB_DIR/data/postmaster.pid" ;;
	mysql) cat "$DB_DIR/pid" ;;
	esac
}

# _db_kill_connections - end every dnswl session on the server
_db_kill_connections() {
	case $DB_BACKEND in
	pgsql) _pg_psql postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'dnswl'" >/dev/null ;;
	mysql) local id
		for id in $(_my_client mysql "SELECT id FROM information_schema.processlist WHERE user = 'dnswl'"); do
			_my_client mysql "KILL $id"
		done ;;
	esac
}

# --- black box: the real dnswl, the test DNS server, a real database --------

# bb_setup [SQLKEY=VALUE]... - the dnswl binary, the test DNS server and a
# config with swl.test (-20 for 192.0.2.1) and [sql] on this test's DB
bb_setup() {
	load "${BATS_TEST_DIRNAME}/lib/common"
	load "${BATS_TEST_DIRNAME}/lib/dnstest"
	[[ -n ${DNS_PORT:-} ]] || skip "no test DNS server (ldns-testns not installed)"
	common_setup
	export DNSWL_TEST_TIMEOUT=30	# a hung dnswl fails the test
	# the SQL timeout only stops a hung database here: scaled with the build
	BB_KEYS=(sql.use_sql=yes "sql.dsn=$DSN" sql.verbose_sql=yes "sql.timeout=$(scaled 5)"
		cache.file="$T/cache/dnswl.cache" "$@")
	mkdir -p -m 700 "$T/cache"
	write_cfg 'swl:swl.test:127.0.10 / -20, 127.0.2 / -8' "${BB_KEYS[@]}"
}

# bb_requests ADDR SENDER RCPT [ADDR SENDER RCPT]... - one connection, these requests
bb_requests() {
	: >"$T/request"
	while (($# >= 3)); do
		policy_request "$1" mx.example.com "$2" "$3" >>"$T/request"
		shift 3
	done
	run_dnswl <"$T/request"
	echo "# dnswl took ${elapsed_ms} ms" >&3
}

bb_whitelisted_then_not() {
	bb_setup
	hand_row 'carol@example.org' 'alice@example.com' '-5.0'
	bb_requests 192.0.2.1 'Alice@Example.com' 'bob@example.org'
	assert_success
	assert_reply OK
	assert_stderr_empty
	assert_wb 'bob@example.org' 'Alice@Example.com' '-20.0'
	bb_requests 192.0.2.20 'alice@example.com' 'bob@example.org'
	assert_reply DUNNO
	assert_wb 'bob@example.org' 'alice@example.com' ''
	assert_wb 'carol@example.org' 'alice@example.com' '-5.0'
	refute_log 'warning: amavis'
}

bb_hostile_senders() {
	local s long
	long=$(printf 'z%.0s' $(seq 1 300))@example.com
	bb_setup
	for s in "o'brien@example.com" 'back\slash@example.com' 'semi;colon--@example.com' \
		"x'); DELETE FROM users; --@example.com" $'j\xc3\xbcrgen@m\xc3\xbcller.example'; do
		bb_requests 192.0.2.1 "$s" 'bob@example.org'
		assert_reply OK
		assert_wb 'bob@example.org' "$s" '-20.0'
		bb_requests 192.0.2.20 "$s" 'bob@example.org'
		assert_reply DUNNO
		assert_wb 'bob@example.org' "$s" ''
	done
	bb_requests 192.0.2.1 "$long" 'bob@example.org'
	assert_reply OK
	assert_log 'amavis SQL: not written: .* cannot be an amavis key'
	run db_sql "$DB" "SELECT count(*) FROM users"
	assert_output 1
}

bb_no_connection_for_unknown_sender() {
	bb_setup
	clock_at 0	# both connections within one cleanup interval
	bb_requests 192.0.2.20 'first@example.net' 'bob@example.org'	# builds the set
	assert_reply DUNNO
	assert_log 'sql: SELECT .* FROM mailaddr'
	: >"$LOG"
	bb_requests 192.0.2.20 'stranger@example.net' 'bob@example.org' \
		192.0.2.20 'stranger@example.net' 'carol@example.org'
	assert_reply DUNNO DUNNO
	refute_log 'sql: '	# no connection, no statement
}

bb_database_down() {
	DSN=$(DB_PORT=$(free_port) db_dsn "$DB")
	[[ $DB_BACKEND != sqlite ]] || DSN="sqlite://$DB_DIR/missing.db"
	bb_setup
	bb_requests 192.0.2.1 'alice@example.com' 'bob@example.org' 192.0.2.20 'alice@example.com' 'bob@example.org'
	assert_success
	assert_reply OK DUNNO
	assert_stderr_empty
	assert_log 'warning: amavis SQL: whitelisting <alice@example.com> for <bob@example.org> failed: '
	run decision_line 2
	assert_output --partial ' action=OK amavis=failed '
	run decision_line 1
	assert_output --partial ' action=DUNNO amavis=backoff '
	run grep -c 'warning: amavis SQL' "$LOG"
	assert_output 1
}

bb_wrong_password() {
	[[ $DB_BACKEND != sqlite ]] || skip "SQLite has no password"
	DSN=$(db_dsn "$DB" dnswl not-the-password)
	bb_setup
	bb_requests 192.0.2.1 'alice@example.com' 'bob@example.org'
	assert_reply OK
	assert_log 'failed: connect to .*(password authentication failed|Access denied)'
	refute_log 'not-the-password'
}

bb_missing_table() {
	db_sql "$DB" "DROP TABLE wblist" >/dev/null
	bb_setup
	bb_requests 192.0.2.1 'alice@example.com' 'bob@example.org'
	assert_reply OK
	assert_log 'amavis SQL: whitelisting .* failed: .*wblist'
}

bb_hung_database() {
	local pid
	[[ $DB_BACKEND != sqlite ]] || skip "no server to hang with SQLite"
	bb_setup sql.timeout=1
	pid=$(_db_server_pid)
	kill -STOP "$pid"
	bb_requests 192.0.2.1 'alice@example.com' 'bob@example.org'
	kill -CONT "$pid"
	assert_reply OK
	assert_log 'no answer from the database within 1 s'
}

bb_decision_line_says_amavis() {
	bb_setup
	hand_row 'carol@example.org' 'alice@example.com' '-5.0'
	bb_requests 192.0.2.1 'alice@example.com' 'bob@example.org' \
		192.0.2.1 'alice@example.com' 'carol@example.org' \
		192.0.2.20 'alice@example.com' 'bob@example.org' \
		192.0.2.20 'alice@example.com' 'bob@example.org'
	assert_reply OK OK DUNNO DUNNO
	run decision_line 4
	assert_output --regexp ' action=OK amavis=written elapsed_ms='
	run decision_line 3
	assert_output --partial ' action=OK amavis=kept '
	run decision_line 2
	assert_output --partial ' action=DUNNO amavis=deleted '
	run decision_line 1
	assert_output --partial ' action=DUNNO amavis=skipped '
}

bb_max_age() {
	bb_setup
	bb_requests 192.0.2.1 'alice@example.com' 'bob@example.org' 192.0.2.1 'carol@example.com' 'bob@example.org'
	assert_reply OK OK
	age_rows 2678400 alice@example.com
	# the purge clears the shared schedule too: the next SQL job carries a batch
	run "$DNSWL" -c "$CFG" -C purge
	assert_success
	bb_requests 192.0.2.20 'stranger@example.net' 'bob@example.org'
	assert_reply DUNNO
	assert_log 'amavis SQL: max_age: removed 1 wblist rows not refreshed for 2592000 s, 0 users and 1 mailaddr rows only dnswl used'
	assert_wb 'bob@example.org' 'alice@example.com' ''
	assert_wb 'bob@example.org' 'carol@example.com' '-20.0'
	refute_log 'warning: amavis'
}

bb_two_processes_race() {
	local i
	bb_setup
	for i in $(seq 1 10); do
		policy_request 192.0.2.1 mx.example.com "new$i@race.example" "r$i@example.org" >"$T/req$i"
		"$DNSWL" -c "$CFG" <"$T/req$i" >"$T/outA$i" 2>&1 &
		"$DNSWL" -c "$CFG" <"$T/req$i" >"$T/outB$i" 2>&1 &
		wait
		assert_equal "$(cat "$T/outA$i")" "action=OK"
		assert_equal "$(cat "$T/outB$i")" "action=OK"
		assert_wb "r$i@example.org" "new$i@race.example" '-20.0'
	done
	run db_sql "$DB" "SELECT count(*) FROM mailaddr"
	assert_output 10
	refute_log 'warning: amavis'
}
