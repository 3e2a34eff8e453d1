# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/sqlserver.bash - throwaway database servers for the amavis SQL tests
#
# Nothing here touches a system database: each server runs from a fresh
# temp dir on a loopback port (and a socket in that dir), as an
# unprivileged user when the tests run as root, and is removed again.
#
#   sql_backend BACKEND   choose sqlite | pgsql | mysql for the db_* calls;
#                         skips the test (visibly) when its server binaries
#                         are not installed
#   db_server_start       start the server of the chosen backend (setup_file);
#                         exports what the tests need
#   db_server_stop        stop it (teardown_file)
#   db_new NAME           fresh database NAME with sql/<backend>.sql loaded
#                         and the dnswl user given the grants README.sql.md
#                         documents (users, mailaddr: SELECT/INSERT/DELETE;
#                         wblist: SELECT/INSERT/UPDATE/DELETE; no policy)
#   db_dsn NAME [USER [PASSWORD]]   the dnswl DSN for it (default dnswl user)
#   db_sql NAME SQL       run SQL as the admin, rows on stdout (tab separated)
#   db_sql_file NAME FILE run an SQL script as the admin (errors on stderr;
#                         sqlite3 goes on after an error, as an admin's would)
#   db_hex TEXT           TEXT as the backend's literal for an email column
#   db_amavis_wb NAME RCPT SENDER...   amavis's own wblist query: the wb
#                         values for recipient RCPT and the sender keys given
#
# Needs: sqlite3; PostgreSQL's initdb/pg_ctl/psql (any version in PATH or
# /usr/lib/postgresql/*/bin); MariaDB's mariadb-install-db/mariadbd/mariadb.

SQL_SRCDIR=${SQL_SRCDIR:-$BATS_TEST_DIRNAME/../sql}
DNSWL_DB_PASSWORD=${DNSWL_DB_PASSWORD:-dnswl-test-pw}

# shellcheck source=port.bash
. "${BASH_SOURCE[0]%/*}/port.bash"
# shellcheck source=clock.bash
. "${BASH_SOURCE[0]%/*}/clock.bash"

# _as_owner CMD... - run CMD as the server's owner (root cannot run the servers)
_as_owner() {
	if [[ $(id -u) -eq 0 ]]; then
		setpriv --reuid="$DB_OWNER" --regid="$(id -g "$DB_OWNER")" --init-groups -- "$@"
	else
		"$@"
	fi
}

# _pg_bin NAME - path of a PostgreSQL server program, or nothing
_pg_bin() {
	local d
	if command -v "$1" >/dev/null 2>&1; then
		command -v "$1"
		return
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[[ -x $d/$1 ]] && { echo "$d/$1"; return; }
	done
}

# sql_backend BACKEND - choose the backend; skip when it is not installed
sql_backend() {
	DB_BACKEND=$1
	case $1 in
	sqlite) command -v sqlite3 >/dev/null || skip "sqlite3 not installed (apt-get install sqlite3)" ;;
	pgsql)
		[[ -n $(_pg_bin initdb) && -n $(_pg_bin pg_ctl) && -n $(_pg_bin psql) ]] ||
			skip "PostgreSQL server not installed (apt-get install postgresql)"
		;;
	mysql)
		command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] ||
			skip "MariaDB server not installed (apt-get install mariadb-server)"
		;;
	*) fail "unknown backend $1" ;;
	esac
	[[ $(id -u) -ne 0 ]] || id "${DB_OWNER:=$(_db_owner)}" >/dev/null 2>&1 ||
		skip "no unprivileged user to run the $1 server as"
	export DB_BACKEND DB_OWNER
}

# _db_owner - the unprivileged user that runs a server when we are root
_db_owner() {
	case $DB_BACKEND in
	pgsql) id postgres >/dev/null 2>&1 && echo postgres || echo nobody ;;
	mysql) id mysql >/dev/null 2>&1 && echo mysql || echo nobody ;;
	*) echo nobody ;;
	esac
}

# db_server_start - start the chosen backend's server in a temp dir
db_server_start() {
	DB_DIR=$(mktemp -d /tmp/dnswl-db.XXXXXX)
	chmod 755 "$DB_DIR"
	[[ $(id -u) -ne 0 ]] || chown "$DB_OWNER" "$DB_DIR"
	export DB_DIR
	case $DB_BACKEND in
	sqlite) ;;
	pgsql) _pg_start ;;
	mysql) _my_start ;;
	esac
}

# db_server_stop - stop the server and remove its files
db_server_stop() {
	[[ -n ${DB_DIR:-} && -d $DB_DIR ]] || return 0
	case $DB_BACKEND in
	pgsql) _as_owner "$(_pg_bin pg_ctl)" -D "$DB_DIR/data" -m immediate stop >/dev/null 2>&1 || true ;;
	mysql) [[ -f $DB_DIR/pid ]] && kill "$(cat "$DB_DIR/pid")" 2>/dev/null
		wait_for "$(scaled 100)" test ! -f "$DB_DIR/pid" || true ;;
	esac
	rm -rf "$DB_DIR"
}

# _pg_start - initdb, start on a loopback port, password auth over TCP
_pg_start() {
	DB_PORT=$(free_port)
	echo "$DNSWL_DB_PASSWORD" >"$DB_DIR/pw"
	chmod 644 "$DB_DIR/pw"
	_as_owner "$(_pg_bin initdb)" -D "$DB_DIR/data" -U admin --auth-local=trust \
		--auth-host=scram-sha-256 --pwfile="$DB_DIR/pw" -E UTF8 --no-locale \
		>"$DB_DIR/initdb.log" 2>&1 || { cat "$DB_DIR/initdb.log" >&3; return 1; }
	_as_owner "$(_pg_bin pg_ctl)" -D "$DB_DIR/data" -l "$DB_DIR/server.log" -w -t "$(scaled 30)" \
		-o "-p $DB_PORT -k $DB_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
		start >/dev/null || { cat "$DB_DIR/server.log" >&3; return 1; }
	_pg_psql postgres "CREATE ROLE dnswl LOGIN PASSWORD '$DNSWL_DB_PASSWORD'" >/dev/null
	export DB_PORT
}

# _pg_psql DB SQL - run SQL as the admin over the socket
_pg_psql() {
	"$(_pg_bin psql)" -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -h "$DB_DIR" -p "$DB_PORT" \
		-U admin -d "$1" -c "$2"
}

# _my_start - mariadb-install-db, start on a loopback port and a socket
_my_start() {
	local bin=/usr/sbin/mariadbd
	command -v mariadbd >/dev/null 2>&1 && bin=$(command -v mariadbd)
	DB_PORT=$(free_port)
	_as_owner mariadb-install-db --no-defaults --datadir="$DB_DIR/data" \
		--auth-root-authentication-method=normal --skip-test-db \
		>"$DB_DIR/install.log" 2>&1 || { cat "$DB_DIR/install.log" >&3; return 1; }
	_as_owner "$bin" --no-defaults --datadir="$DB_DIR/data" --socket="$DB_DIR/sock" \
		--port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$DB_DIR/pid" \
		--log-error="$DB_DIR/server.log" --innodb-buffer-pool-size=32M \
		--innodb-flush-log-at-trx-commit=0 --skip-log-bin </dev/null >/dev/null 2>&1 &
	wait_for "$(scaled 300)" _my_ping || true
	_my_client mysql "CREATE USER 'dnswl'@'127.0.0.1' IDENTIFIED BY '$DNSWL_DB_PASSWORD'" ||
		{ cat "$DB_DIR/server.log" >&3; return 1; }
	export DB_PORT
}

# _my_ping - the server answers on its socket
_my_ping() {
	mariadb-admin --no-defaults --socket="$DB_DIR/sock" -uroot ping >/dev/null 2>&1
}

# _my_client DB SQL - run SQL as root over the socket
_my_client() {
	mariadb --no-defaults --socket="$DB_DIR/sock" -uroot -N -B -D "$1" -e "$2"
}

# db_new NAME - a fresh amavis database with the dnswl user's grants
db_new() {
	case $DB_BACKEND in
	sqlite)
		rm -f "$DB_DIR/$1.db"
		sqlite3 "$DB_DIR/$1.db" <"$SQL_SRCDIR/sqlite.sql"
		;;
	pgsql)
		_pg_psql postgres "CREATE DATABASE $1" >/dev/null
		"$(_pg_bin psql)" -X -q -v ON_ERROR_STOP=1 -h "$DB_DIR" -p "$DB_PORT" -U admin \
			-d "$1" -f "$SQL_SRCDIR/pgsql.sql" >/dev/null
		# the grants sql/README.sql.md documents, and no more
		_pg_psql "$1" "GRANT SELECT, INSERT, DELETE ON users, mailaddr TO dnswl;
			GRANT SELECT, INSERT, UPDATE, DELETE ON wblist TO dnswl;
			GRANT USAGE ON SEQUENCE users_id_seq, mailaddr_id_seq TO dnswl" >/dev/null
		;;
	mysql)
		_my_client mysql "CREATE DATABASE $1"
		mariadb --no-defaults --socket="$DB_DIR/sock" -uroot -D "$1" <"$SQL_SRCDIR/mysql.sql"
		# the grants sql/README.sql.md documents, and no more
		_my_client mysql "GRANT SELECT, INSERT, DELETE ON $1.users TO 'dnswl'@'127.0.0.1'"
		_my_client mysql "GRANT SELECT, INSERT, DELETE ON $1.mailaddr TO 'dnswl'@'127.0.0.1'"
		_my_client mysql "GRANT SELECT, INSERT, UPDATE, DELETE ON $1.wblist TO 'dnswl'@'127.0.0.1'"
		;;
	esac
}

# db_dsn NAME [USER [PASSWORD]] - the DSN dnswl uses
db_dsn() {
	local user=${2:-dnswl} pw=${3-$DNSWL_DB_PASSWORD}
	case $DB_BACKEND in
	sqlite) echo "sqlite://$DB_DIR/$1.db" ;;
	pgsql) echo "postgresql://$user:$pw@127.0.0.1:$DB_PORT/$1" ;;
	mysql) echo "mysql://$user:$pw@127.0.0.1:$DB_PORT/$1" ;;
	esac
}

# db_sql NAME SQL - run SQL as the admin; rows tab separated on stdout
db_sql() {
	case $DB_BACKEND in
	sqlite) sqlite3 -separator $'\t' "$DB_DIR/$1.db" "$2" ;;
	pgsql) _pg_psql "$1" "$2" ;;
	mysql) _my_client "$1" "$2" ;;
	esac
}

# db_sql_file NAME FILE - run FILE as the admin
db_sql_file() {
	case $DB_BACKEND in
	sqlite) sqlite3 "$DB_DIR/$1.db" <"$2" ;;
	pgsql) "$(_pg_bin psql)" -X -q -v ON_ERROR_STOP=1 -h "$DB_DIR" -p "$DB_PORT" -U admin \
		-d "$1" -f "$2" ;;
	mysql) mariadb --no-defaults --socket="$DB_DIR/sock" -uroot -D "$1" <"$2" ;;
	esac
}

# db_hex TEXT - TEXT as a byte-exact literal for an email column
db_hex() {
	local hex
	hex=$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n')
	case $DB_BACKEND in
	sqlite) echo "CAST(X'$hex' AS TEXT)" ;;
	pgsql) echo "decode('$hex', 'hex')" ;;
	mysql) echo "X'$hex'" ;;
	esac
}

# db_email COLUMN - an email column as text, for printing rows
db_email() {
	case $DB_BACKEND in
	pgsql) echo "convert_from($1, 'UTF8')" ;;
	*) echo "$1" ;;
	esac
}

# db_amavis_wb NAME RCPT SENDERKEY... - amavis's wblist lookup: the
# recipient's users.id (highest priority first among its keys), then
#   SELECT wb FROM wblist JOIN mailaddr ON wblist.sid=mailaddr.id
#   WHERE wblist.rid=? AND mailaddr.email IN (%k) ORDER BY mailaddr.priority DESC
db_amavis_wb() {
	local db=$1 rcpt=$2 keys="" k rid
	shift 2
	for k; do keys+=${keys:+, }$(db_hex "$k"); done
	rid=$(db_sql "$db" "SELECT id FROM users WHERE email = $(db_hex "$rcpt") ORDER BY priority DESC LIMIT 1")
	[[ -n $rid ]] || return 0
	db_sql "$db" "SELECT wb FROM wblist JOIN mailaddr ON wblist.sid=mailaddr.id
		WHERE wblist.rid=$rid AND mailaddr.email IN ($keys) ORDER BY mailaddr.priority DESC"
}

# db_new_grey NAME - a fresh database with sql/grey-<backend>.sql and the
# dnswl user given exactly the grants the schema file documents
db_new_grey() {
	case $DB_BACKEND in
	sqlite)
		rm -f "$DB_DIR/$1.db"
		sqlite3 "$DB_DIR/$1.db" <"$SQL_SRCDIR/grey-sqlite.sql"
		;;
	pgsql)
		_pg_psql postgres "CREATE DATABASE $1" >/dev/null
		"$(_pg_bin psql)" -X -q -v ON_ERROR_STOP=1 -h "$DB_DIR" -p "$DB_PORT" -U admin \
			-d "$1" -f "$SQL_SRCDIR/grey-pgsql.sql" >/dev/null
		_pg_psql "$1" "GRANT SELECT, INSERT, UPDATE, DELETE ON grey_triplet, grey_network TO dnswl;
			GRANT SELECT, UPDATE ON grey_meta TO dnswl" >/dev/null
		;;
	mysql)
		_my_client mysql "CREATE DATABASE $1"
		mariadb --no-defaults --socket="$DB_DIR/sock" -uroot -D "$1" <"$SQL_SRCDIR/grey-mysql.sql"
		_my_client mysql "GRANT SELECT, INSERT, UPDATE, DELETE ON $1.grey_triplet TO 'dnswl'@'127.0.0.1'"
		_my_client mysql "GRANT SELECT, INSERT, UPDATE, DELETE ON $1.grey_network TO 'dnswl'@'127.0.0.1'"
		_my_client mysql "GRANT SELECT, UPDATE ON $1.grey_meta TO 'dnswl'@'127.0.0.1'"
		;;
	esac
}

# db_now NAME - the database's clock, seconds since the epoch
db_now() {
	case $DB_BACKEND in
	sqlite) db_sql "$1" "SELECT CAST(strftime('%s', 'now') AS INTEGER)" ;;
	pgsql) db_sql "$1" "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP)) AS BIGINT)" ;;
	mysql) db_sql "$1" "SELECT UNIX_TIMESTAMP()" ;;
	esac
}
