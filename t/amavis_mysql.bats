#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/amavis_mysql.bats - amavisd-new rows through libdbi on a real MariaDB
# (the cases are in t/lib/amavis.bash; the server in t/lib/sqlserver.bash)

load 'lib/amavis'

setup_file() {
	sql_backend mysql
	db_server_start
	load 'lib/dnstest'
	if command -v "${LDNS_TESTNS:-ldns-testns}" >/dev/null && command -v dig >/dev/null; then
		dnstest_start "$BATS_TEST_DIRNAME/data/lists.testns"
	fi
}

teardown_file() {
	load 'lib/dnstest'
	dnstest_stop
	db_server_stop
}

setup() {
	sql_backend mysql
	amavis_setup
}

@test "mysql: whitelisted request: amavis's wblist query returns the boost" {
	case_whitelisted_row_read_by_amavis
}

@test "mysql: not whitelisted: auto rows go, hand-made rows and users stay" {
	case_not_whitelisted_deletes_only_auto_rows
}

@test "mysql: tempfail counts as not whitelisted" {
	case_tempfail_deletes
}

@test "mysql: forged +extension and case variants delete the row" {
	case_extension_and_case_variants_deleted
}

@test "mysql: boost updated on the next whitelisted request; too big is clamped and logged" {
	case_boost_updated_and_clamped
}

@test "mysql: hostile addresses stored byte-exact, found and deleted" {
	case_hostile_addresses
}

@test "mysql: no SQL outside RCPT, without sender or recipient" {
	case_no_sql_without_rcpt_state_sender_or_recipient
}

@test "mysql: no database connection when the shared set says nothing to delete" {
	case_no_connection_when_nothing_to_delete
}

@test "mysql: cleanup_interval = 0 asks the database every time" {
	case_interval_zero_asks_every_time
}

@test "mysql: row written on another host is deleted once the interval has passed" {
	case_other_host_row_deleted_within_interval
}

@test "mysql: row written on the same host is deleted at once" {
	case_same_host_row_deleted_at_once
}

@test "mysql: two processes whitelisting the same new sender: no failure, no duplicate" {
	case_two_processes_race_on_new_sender
}

@test "mysql: database down: request returns, log says what failed, others back off" {
	case_database_down
}

@test "mysql: wrong password: logged without the password" {
	case_wrong_password
}

@test "mysql: missing table: logged" {
	case_missing_table
}

@test "mysql: hung database: abandoned after [sql] timeout" {
	case_hung_database_abandoned
}

@test "mysql: dropped connection: reconnected once" {
	case_reconnect_after_drop
}

@test "mysql: verbose_sql logs every statement with quoted values" {
	case_verbose_sql_logs_statements
}

@test "mysql: PostgreSQL text email columns (old amavis schema) work too" {
	case_pgsql_text_email_columns
}

@test "mysql: max_age: old auto rows go with the users/mailaddr rows only dnswl used; the rest stays" {
	case_max_age_removes_old_auto_rows
}

@test "mysql: max_age: a refreshed row stays, then goes once it is max_age old" {
	case_max_age_refreshed_rows_stay
}

@test "mysql: max_age = 0 keeps dnswl's rows forever" {
	case_max_age_zero_keeps_forever
}

@test "mysql: max_age: bounded batches, the next one at once while there is more" {
	case_max_age_batches
}

@test "mysql: upgrade-mysql.sql upgrades a database of an earlier dnswl, and is safe to run twice" {
	case_upgrade_from_earlier_dnswl
}

@test "mysql: each request says what the writer did" {
	case_outcomes
}

@test "mysql: dnswl: the decision line says amavis=written, kept, deleted, skipped" {
	bb_decision_line_says_amavis
}

@test "mysql: dnswl: max_age removes an old row through the real binary" {
	bb_max_age
}

@test "mysql: dnswl: whitelisted client gives the boost, a non-whitelisted one takes it back" {
	bb_whitelisted_then_not
}

@test "mysql: dnswl: hostile senders through the policy protocol" {
	bb_hostile_senders
}

@test "mysql: dnswl: unknown non-whitelisted sender opens no database connection" {
	bb_no_connection_for_unknown_sender
}

@test "mysql: dnswl: database down, the answer still comes and the log says why" {
	bb_database_down
}

@test "mysql: dnswl: wrong password is logged, the answer still comes" {
	bb_wrong_password
}

@test "mysql: dnswl: missing table is logged, the answer still comes" {
	bb_missing_table
}

@test "mysql: dnswl: hung database abandoned after [sql] timeout" {
	bb_hung_database
}

@test "mysql: dnswl: two processes racing on the same new sender" {
	bb_two_processes_race
}
