#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh - install what is missing, build, and run dnswl on embedded
# defaults: a local test DNS server (ldns-testns with t/data/lists.testns)
# and a SQLite amavis database.  Shows each decision and the rows written.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-demo}
sh "$top/scripts/deps.sh" demo
sh "$top/scripts/build.sh" "$build"
work=$(mktemp -d /tmp/dnswl-demo.XXXXXX)
ldns-testns -r "$top/t/data/lists.testns" >"$work/dns.log" 2>&1 &
dns_pid=$!
trap 'kill $dns_pid 2>/dev/null; rm -rf "$work"' EXIT INT TERM
i=0
until port=$(sed -n 's/^Listening on port \([0-9]*\).*/\1/p' "$work/dns.log") && [ -n "$port" ]; do
	i=$((i + 1)); [ $i -lt 50 ] || { cat "$work/dns.log"; exit 1; }; sleep 0.1
done
sqlite3 "$work/amavis.db" <"$top/sql/sqlite.sql"
cat >"$work/dnswl.cfg" <<CFG
[global]
nameserver = 127.0.0.1:$port
dns_timeout = 1
dns_attempts = 1
log_file = $work/dnswl.log
[cache]
file = $work/cache/dnswl.cache
[sql]
use_sql = yes
dsn = sqlite://$work/amavis.db
[swl-sites]
sites = swl.test
[dwl-sites]
sites = dwl.test
[swl.test]
ips = 127.0.10 / -20, 127.0.2.1 / -10, 127.0.2 / -5
[dwl.test]
boost = -5
CFG
request() { # client_address client_name sender recipient
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=%s\nclient_name=%s\nsender=%s\nrecipient=%s\n\n' "$@"
}
echo "== four RCPT requests through one dnswl process (as spawn(8) runs it)"
{
	request 192.0.2.1 mx.example.co.uk news@example.co.uk alice@example.org
	request 192.0.2.2 unknown billing@example.net bob@example.org
	request 192.0.2.20 unknown news@example.co.uk alice@example.org
	request 192.0.2.20 dynamic.example.net spam@example.net carol@example.org
} | "$build/src/dnswl" -c "$work/dnswl.cfg"
echo "== decisions (log_file; syslog when log_file is not set)"
sed 's/^[^ ]* //' "$work/dnswl.log"
echo "== amavis wblist rows (auto = 'Y': written by dnswl)"
sqlite3 -header -column "$work/amavis.db" \
	"SELECT u.email AS recipient, m.email AS sender, w.wb, w.auto FROM wblist w
	 JOIN users u ON u.id = w.rid JOIN mailaddr m ON m.id = w.sid ORDER BY 1, 2"
echo "== why is 192.0.2.1 whitelisted? (dnswl -q)"
"$build/src/dnswl" -c "$work/dnswl.cfg" -q 192.0.2.1 mx.example.co.uk
