#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/amavis_pgsql.bats - amavisd-new rows through libdbi on a real PostgreSQL
# (the cases are in t/lib/amavis.bash; the server in t/lib/sqlserver.bash)

load 'lib/amavis'

setup_file() {
	sql_backend pgsql
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
	sql_backend pgsql
	amavis_setup
}

@test "pgsql: whitelisted request: amavis's wblist query returns the boost" {
	case_whitelisted_row_read_by_amavis
}

@test "pgsql: not whitelisted: auto rows go, hand-made rows and users stay" {
	case_not_whitelisted_deletes_only_auto_rows
}

@test "pgsql: tempfail counts as not whitelisted" {
	case_tempfail_deletes
}

@test "pgsql: forged +extension and case variants delete the row" {
	case_extension_and_case_variants_deleted
}

@test "pgsql: boost updated on the next whitelisted request; too big is clamped and logged" {
	case_boost_updated_and_clamped
}

@test "pgsql: hostile addresses stored byte-exact, found and deleted" {
	case_hostile_addresses
}

@test "pgsql: no SQL outside RCPT, without sender or recipient" {
	case_no_sql_without_rcpt_state_sender_or_recipient
}

@test "pgsql: no database connection when the shared set says nothing to delete" {
	case_no_connection_when_nothing_to_delete
}

@test "pgsql: cleanup_interval = 0 asks the database every time" {
	case_interval_zero_asks_every_time
}

@test "pgsql: row written on another host is deleted once the interval has passed" {
	case_other_host_row_deleted_within_interval
}

@test "pgsql: row written on the same host is deleted at once" {
	case_same_host_row_deleted_at_once
}

@test "pgsql: two processes whitelisting the same new sender: no failure, no duplicate" {
	case_two_processes_race_on_new_sender
}

@test "pgsql: database down: request returns, log says what failed, others back off" {
	case_database_down
}

@test "pgsql: wrong password: logged without the password" {
	case_wrong_password
}

@test "pgsql: missing table: logged" {
	case_missing_table
}

@test "pgsql: hung database: abandoned after [sql] timeout" {
	case_hung_database_abandoned
}

@test "pgsql: dropped connection: reconnected once" {
	case_reconnect_after_drop
}

@test "pgsql: verbose_sql logs every statement with quoted values" {
	case_verbose_sql_logs_statements
}

@test "pgsql: PostgreSQL text email columns (old amavis schema) work too" {
	case_pgsql_text_email_columns
}

@test "pgsql: max_age: old auto rows go with the users/mailaddr rows only dnswl used; the rest stays" {
	case_max_age_removes_old_auto_rows
}

@test "pgsql: max_age: a refreshed row stays, then goes once it is max_age old" {
	case_max_age_refreshed_rows_stay
}

@test "pgsql: max_age = 0 keeps dnswl's rows forever" {
	case_max_age_zero_keeps_forever
}

@test "pgsql: max_age: bounded batches, the next one at once while there is more" {
	case_max_age_batches
}

@test "pgsql: upgrade-pgsql.sql upgrades a database of an earlier dnswl, and is safe to run twice" {
	case_upgrade_from_earlier_dnswl
}

@test "pgsql: each request says what the writer did" {
	case_outcomes
}

@test "pgsql: dnswl: the decision line says amavis=written, kept, deleted, skipped" {
	bb_decision_line_says_amavis
}

@test "pgsql: dnswl: max_age removes an old row through the real binary" {
	bb_max_age
}

@test "pgsql: dnswl: whitelisted client gives the boost, a non-whitelisted one takes it back" {
	bb_whitelisted_then_not
}

@test "pgsql: dnswl: hostile senders through the policy protocol" {
	bb_hostile_senders
}

@test "pgsql: dnswl: unknown non-whitelisted sender opens no database connection" {
	bb_no_connection_for_unknown_sender
}

@test "pgsql: dnswl: database down, the answer still comes and the log says why" {
	bb_database_down
}

@test "pgsql: dnswl: wrong password is logged, the answer still comes" {
	bb_wrong_password
}

@test "pgsql: dnswl: missing table is logged, the answer still comes" {
	bb_missing_table
}

@test "pgsql: dnswl: hung database abandoned after [sql] timeout" {
	bb_hung_database
}

@test "pgsql: dnswl: two processes racing on the same new sender" {
	bb_two_processes_race
}
