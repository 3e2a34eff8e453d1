#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/grey_bench.sh - bench/grey_bench on the cache file store and, when
# the server is installed, on a throwaway PostgreSQL (t/lib/sqlserver.bash).
#   usage: bench/grey_bench.sh [BUILDDIR [-n TRIPLETS [-s CACHE_SIZE [-p PG_TRIPLETS]]]]
#   defaults: 100000 triplets in a cache of 131072 entries; 10000 on PostgreSQL
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$PWD}
shift || true
bench=$build/bench/grey_bench
n=100000 size=131072 pgn=10000
while getopts n:s:p: o; do
	case $o in
	n) n=$OPTARG ;; s) size=$OPTARG ;; p) pgn=$OPTARG ;; *) exit 2 ;;
	esac
done
[[ -x $bench ]] || { echo "build $bench first (make bench/grey_bench)" >&2; exit 1; }
skip() { echo "NOT MEASURED: $*"; return 1; }
fail() { echo "error: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/dnswl-grey-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# cfg FILE CACHE_FILE [DSN] - greylisting everyone, no delay, no lists
cfg() {
	printf '[global]\nlog_file = %s/log\n[cache]\nfile = %s\nsize = %s\n' "$tmp" "$2" "$size"
	printf '[greylist]\nenable = yes\nscore = 0\ndelay = 0\nauto_whitelist = 0\ndsn = %s\n' "${3:-}"
	printf '[sql]\ntimeout = 30\n'
} >"$1"

echo "== cache file (size = $size entries)"
cfg "$tmp/file.cfg" "$tmp/cache/cache.db"
"$bench" -c "$tmp/file.cfg" -n "$n"

echo "== pgsql"
BATS_TEST_DIRNAME=$here/../t
SQL_SRCDIR=$here/../sql
skip() { echo "NOT MEASURED: $*"; exit 0; }
# shellcheck source=../t/lib/sqlserver.bash
source "$here/../t/lib/sqlserver.bash"
exec 3>&2
( sql_backend pgsql
  db_server_start
  trap db_server_stop EXIT
  db_new_grey bench
  cfg "$tmp/pg.cfg" "" "$(db_dsn bench)"
  "$bench" -c "$tmp/pg.cfg" -n "$pgn"
  echo "table size: $(db_sql bench "SELECT pg_size_pretty(pg_total_relation_size('grey_triplet'))")"
)
