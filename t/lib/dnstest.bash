# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/dnstest.bash - a scripted DNS server (ldns-testns) for bats tests
#
# Usage in a .bats file:
#   setup_file()    { load lib/dnstest; dnstest_start "$BATS_TEST_DIRNAME/data/lists.testns"; }
#   teardown_file() { load lib/dnstest; dnstest_stop; }
# dnstest_start exports DNS_PORT (UDP and TCP on 127.0.0.1, in fact on all
# IPv4 addresses: ldns-testns binds INADDR_ANY) and DNSTEST_PID.
#
# ldns-testns is single-threaded and answers from a script: a query that
# matches no entry gets no reply at all (use that for "no answer within the
# timeout"), and an entry with ADJUST sleep=N stalls every other query, so
# do not use sleep in a file shared by other tests.
#
# The data file should answer DNSTEST_PROBE (default "ready.dnstest", type
# A): dnstest_start waits until it does.  Set DNSTEST_PROBE= to only wait
# for the server to say it listens.

: "${DNSTEST_PROBE=ready.dnstest}"
# shellcheck source=clock.bash
. "${BASH_SOURCE[0]%/*}/clock.bash"	# scaled: setup_file loads only this
: "${DNSTEST_TRIES:=5}"

# dnstest_need - skip the calling test (file) when the server tools are missing.
dnstest_need() {
	: "${LDNS_TESTNS:=$(command -v ldns-testns || true)}"
	if [[ -z $LDNS_TESTNS || ! -x $LDNS_TESTNS ]]; then
		skip "ldns-testns not installed (Debian: ldnsutils)"
	fi
	if [[ -n $DNSTEST_PROBE ]] && ! command -v dig >/dev/null; then
		skip "dig not installed (Debian: bind9-dnsutils)"
	fi
}

# dnstest_start FILE - start ldns-testns on a free loopback port; retries on
# bind failures.  Sets and exports DNS_PORT, DNSTEST_PID, DNSTEST_LOG.
dnstest_start() {
	local data=$1 dir try
	dnstest_need
	[[ -r $data ]] || { echo "dnstest: cannot read $data" >&2; return 1; }
	dir=${BATS_FILE_TMPDIR:-${BATS_RUN_TMPDIR:-/tmp}}
	for ((try = 1; try <= DNSTEST_TRIES; try++)); do
		DNSTEST_LOG=$dir/ldns-testns.$try.log
		_dnstest_spawn "$data" "$DNSTEST_LOG" || continue
		if _dnstest_wait_port && _dnstest_wait_answer; then
			export DNS_PORT DNSTEST_PID DNSTEST_LOG
			return 0
		fi
		dnstest_stop
	done
	echo "dnstest: could not start ldns-testns; last log:" >&2
	cat "$DNSTEST_LOG" >&2
	return 1
}

# _dnstest_spawn DATA LOG - launch the server in the background.
# -r picks a random free port and prints it; fd 3 is closed so bats does
# not wait for the server at the end of the file.
_dnstest_spawn() {
	DNS_PORT=
	"$LDNS_TESTNS" -v -r "$1" >"$2" 2>&1 </dev/null 3>&- &
	DNSTEST_PID=$!
}

# _dnstest_wait_port - wait (<= 5 s, scaled) for "Listening on port N"; sets DNS_PORT.
_dnstest_wait_port() {
	local i
	for ((i = 0; i < $(scaled 100); i++)); do
		DNS_PORT=$(sed -n 's/^Listening on port \([0-9][0-9]*\).*/\1/p' "$DNSTEST_LOG" 2>/dev/null)
		[[ -n $DNS_PORT ]] && return 0
		# a dead child stays a zombie (kill -0 succeeds): read its log
		grep -q 'error' "$DNSTEST_LOG" && return 1
		kill -0 "$DNSTEST_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# _dnstest_wait_answer - wait (<= ~11 s, scaled) until the probe name resolves.
_dnstest_wait_answer() {
	local i
	[[ -z $DNSTEST_PROBE ]] && return 0
	for ((i = 0; i < $(scaled 10); i++)); do
		if dig @127.0.0.1 -p "$DNS_PORT" +tries=1 +time=1 +short \
			"$DNSTEST_PROBE" A 2>/dev/null | grep -q '^[0-9]'; then
			return 0
		fi
		kill -0 "$DNSTEST_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# dnstest_stop - stop the server this file started (by its pid only).
dnstest_stop() {
	if [[ -n ${DNSTEST_PID:-} ]]; then
		kill "$DNSTEST_PID" 2>/dev/null || true
		wait "$DNSTEST_PID" 2>/dev/null || true
	fi
	DNSTEST_PID=
}

# dnstest_dig NAME [TYPE] - ask the test server (for debugging and fixture checks).
dnstest_dig() {
	dig @127.0.0.1 -p "$DNS_PORT" +tries=1 +time=1 +noedns +nocookie "$1" "${2:-A}"
}

# dnstest_mark - remember how many queries the server has seen so far.
dnstest_mark() {
	DNSTEST_MARK=$(grep -c '^query [0-9]*: ' "$DNSTEST_LOG" || true)
}

# dnstest_asked - the names queried since dnstest_mark, one a line, with
# their type ("example.co.uk.dwl.test. A"), from the server's -v log.
dnstest_asked() {
	grep '^query [0-9]*: ' "$DNSTEST_LOG" | tail -n "+$((${DNSTEST_MARK:-0} + 1))" |
		sed -E 's/^query [0-9]+: id [0-9]+: (UDP|TCP) [0-9]+ bytes: ([^[:space:]]+)[[:space:]]+IN[[:space:]]+([A-Z0-9]+).*/\2 \3/'
}

# --- the delaying proxy (t/dns_delay) ----------------------------------------
# After dnstest_start:
#   dnsdelay_start -D 50 -d d1.test=300 ...   # args as dns_delay(t/dns_delay.c)
#   ... DNS_PORT is now the proxy; DNSTEST_PORT the server behind it ...
#   dnsdelay_max_inflight                     # most queries held at once
#   dnsdelay_stop                             # DNS_PORT is the server again
# DNS_DELAY names the program (default: t/dns_delay of the build tree).
# With -b N the probe is not sent (it would wait at the barrier and count
# towards N): dnsdelay_start then only waits for "Listening on port".

# dnsdelay_find - print the path of the dns_delay program.
dnsdelay_find() {
	local c
	for c in ${DNS_DELAY:+"$DNS_DELAY"} ${abs_top_builddir:+"$abs_top_builddir/t/dns_delay"} \
		"$PWD/t/dns_delay" "${BATS_TEST_DIRNAME:-.}/dns_delay"; do
		[[ -x $c ]] && { printf '%s\n' "$c"; return 0; }
	done
	return 1
}

# dnsdelay_start [ARGS...] - put the proxy in front of the test server.
# Sets and exports DNS_PORT (the proxy), DNSTEST_PORT (the server),
# DNSDELAY_PID and DNSDELAY_LOG (its -l log).
dnsdelay_start() {
	local prog dir arg probe=$DNSTEST_PROBE
	prog=$(dnsdelay_find) || { echo "dnsdelay: t/dns_delay not built" >&2; return 1; }
	[[ -n ${DNS_PORT:-} ]] || { echo "dnsdelay: call dnstest_start first" >&2; return 1; }
	for arg; do [[ $arg == -b* ]] && probe=; done
	dir=${BATS_FILE_TMPDIR:-${BATS_RUN_TMPDIR:-/tmp}}
	DNSDELAY_LOG=$dir/dns_delay.log
	# empty both now: the background job's own redirection may come after
	# _dnsdelay_wait_port has read the last proxy's "Listening on port"
	: >"$DNSDELAY_LOG"
	: >"$dir/dns_delay.out"
	DNSTEST_PORT=$DNS_PORT
	# its barrier bound (-B) only stops a hung test: scaled
	"$prog" -u "$DNSTEST_PORT" -l "$DNSDELAY_LOG" -B "$(scaled 30000)" "$@" \
		>"$dir/dns_delay.out" 2>&1 </dev/null 3>&- &
	DNSDELAY_PID=$!
	if ! _dnsdelay_wait_port "$dir/dns_delay.out" ||
		! _dnsdelay_wait_answer "$probe"; then
		echo "dnsdelay: proxy did not come up:" >&2
		cat "$dir/dns_delay.out" >&2
		dnsdelay_stop
		return 1
	fi
	export DNS_PORT DNSTEST_PORT DNSDELAY_PID DNSDELAY_LOG
}

# _dnsdelay_wait_port OUT - wait (<= 5 s, scaled) for "Listening on port N"; sets DNS_PORT.
_dnsdelay_wait_port() {
	local i port
	for ((i = 0; i < $(scaled 100); i++)); do
		port=$(sed -n 's/^Listening on port \([0-9][0-9]*\).*/\1/p' "$1" 2>/dev/null)
		[[ -n $port ]] && { DNS_PORT=$port; return 0; }
		kill -0 "$DNSDELAY_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# _dnsdelay_wait_answer NAME - the probe name resolves through the proxy
# (3 tries, scaled, of 10 s each, so -D delays of several seconds pass); "" skips.
_dnsdelay_wait_answer() {
	local i
	[[ -z $1 ]] && return 0
	for ((i = 0; i < $(scaled 3); i++)); do
		dig @127.0.0.1 -p "$DNS_PORT" +tries=1 +time=10 +short "$1" A 2>/dev/null |
			grep -q '^[0-9]' && return 0
		kill -0 "$DNSDELAY_PID" 2>/dev/null || return 1
	done
	return 1
}

# dnsdelay_stop - stop the proxy (by its pid only); DNS_PORT is the server again.
dnsdelay_stop() {
	if [[ -n ${DNSDELAY_PID:-} ]]; then
		kill "$DNSDELAY_PID" 2>/dev/null || true
		wait "$DNSDELAY_PID" 2>/dev/null || true
	fi
	DNSDELAY_PID=
	if [[ -n ${DNSTEST_PORT:-} ]]; then
		DNS_PORT=$DNSTEST_PORT
		export DNS_PORT
	fi
}

# dnsdelay_max_inflight - the most queries the proxy held at once so far (0 if none).
dnsdelay_max_inflight() {
	local n
	n=$(sed -n 's/^max_inflight=\([0-9][0-9]*\)$/\1/p' "$DNSDELAY_LOG" | tail -n 1)
	printf '%s\n' "${n:-0}"
}
