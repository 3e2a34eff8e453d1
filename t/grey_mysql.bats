#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/grey_mysql.bats - greylist state shared through mysql (MariaDB) (the cases are
# in t/lib/grey_sql.bash; the server in t/lib/sqlserver.bash)

setup_file() {
	load 'lib/sqlserver'
	sql_backend mysql
	db_server_start
	load 'lib/dnstest'
	dnstest_start "$BATS_TEST_DIRNAME/data/lists.testns"
}

teardown_file() {
	load 'lib/dnstest'
	dnstest_stop
	load 'lib/sqlserver'
	db_server_stop
}

setup() {
	load 'lib/grey_sql'
	sql_backend mysql
	grey_sql_setup
}

@test "mysql: multi-MX: the first attempt at A, the retry at B passes" {
	case_multi_mx_retry_at_the_other_host_passes
}

@test "mysql: multi-MX: an early retry at B is deferred, one row" {
	case_multi_mx_early_retry_at_the_other_host_is_deferred
}

@test "mysql: a host with its clock 10 minutes off agrees (the database's clock decides)" {
	case_skewed_host_clock_agrees
}

@test "mysql: a two-recipient message passes for both at the other host" {
	case_two_recipients_pass_together
}

@test "mysql: a network auto-whitelisted at A is whitelisted at B" {
	case_auto_whitelist_shared
}

@test "mysql: the database down: fail open, logged once per process" {
	case_store_down_fails_open_once
}

@test "mysql: a refused login: fail open" {
	case_wrong_password_fails_open
}

@test "mysql: dnswl -C greylist counts and deletes in the database" {
	case_admin_counts_and_delete
}

@test "mysql: the cleanup is claimed by one process at a time" {
	case_cleanup_claimed_by_one_process
}
