#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/amavis_bench.sh - run bench/amavis_bench against SQLite and, when the
# servers are installed, throwaway PostgreSQL and MariaDB instances (the same
# ones the tests start: t/lib/sqlserver.bash).  Also reads PostgreSQL's own
# session and transaction counters around the run, so the connection count
# does not rest on dnswl's word alone.
#   usage: bench/amavis_bench.sh [BUILDDIR [amavis_bench options]]
#   (BUILDDIR default: the current directory)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$PWD}
bench=$build/bench/amavis_bench
[[ -x $bench ]] || { echo "build $bench first (make bench/amavis_bench)" >&2; exit 1; }
skip() { echo "skipped: $*"; return 1; }
fail() { echo "error: $*" >&2; exit 1; }
BATS_TEST_DIRNAME=$here/../t
SQL_SRCDIR=$here/../sql
# shellcheck source=../t/lib/sqlserver.bash
source "$here/../t/lib/sqlserver.bash"
exec 3>&2

for backend in sqlite pgsql mysql; do
	echo "== $backend"
	( sql_backend "$backend" || exit 0
	  db_server_start
	  trap db_server_stop EXIT
	  db_new bench
	  if [[ $backend == pgsql ]]; then
		before=$(db_sql postgres "SELECT sessions, xact_commit FROM pg_stat_database WHERE datname = 'bench'")
	  fi
	  "$bench" -d "$(db_dsn bench)" "${@:2}"
	  if [[ $backend == pgsql ]]; then
		sleep 1	# the statistics collector lags a little
		after=$(db_sql postgres "SELECT sessions, xact_commit FROM pg_stat_database WHERE datname = 'bench'")
		echo "server side, whole run: sessions+transactions before: ${before//$'\t'/ } after: ${after//$'\t'/ }"
	  fi
	)
done
