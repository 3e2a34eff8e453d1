#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/policyd_weight.sh - dnswl beside policyd-weight (issue 11): the
# same 8 DNS lists (d1.test .. d8.test), every answer DELAY ms late, one
# uncached request at a time, interleaved.
#
# usage: policyd_weight.sh SRCDIR BUILDDIR [-d DELAY_MS] [-r RUNS]
# policyd-weight (Debian package policyd-weight; installed here with
# apt-get when missing, so the test dependencies stay lean) sends its
# DNS queries to port 53 of its $NS, so t/dns_delay serves on
# 127.0.0.1:53 (-p 53).  It runs as its own user polw, daemon mode
# in the foreground (-D), so its cache daemon starts; its syslog(3) goes
# to t/syslog_sink (on /dev/log when there is none, else in a private
# mount namespace whose /dev/log is the sink's socket).  Its config:
# $dnsbl_checks_only = 1 (no HELO/MX/RHSBL checks), @dnsbl_score = the 8
# lists, @rhsbl_score empty; what it asks is counted from the proxy log.
# Each policyd-weight request is one TCP connection from a fresh client
# address (never in its caches); each dnswl request one process with the
# cache off (exec to exit).  Prints both medians, the queries each sent per
# request and the ratio dnswl / policyd-weight; target <= 0.20.
# Needs root, ldns-testns, dig, t/dns_delay and t/syslog_sink (make check).
set -euo pipefail
srcdir=$1 builddir=$2
shift 2
delay=50 runs=9 lists=8
# shellcheck source=lib.bash
. "$srcdir/bench/lib.bash"
bench_opts d:delay r:runs -- "$@"
# shellcheck source=../t/lib/port.bash
. "$srcdir/t/lib/port.bash"
PW=/usr/sbin/policyd-weight

[[ $(id -u) == 0 ]] || bench_skip "needs root (port 53, user polw)"
bench_need_delay
sink=$builddir/t/syslog_sink
[[ -x $sink ]] || bench_skip "t/syslog_sink not built (make check builds it)"
if [[ ! -x $PW ]]; then
	echo "installing policyd-weight (apt-get) ..."
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q policyd-weight >/dev/null ||
		bench_skip "policyd-weight not installed and apt-get install failed"
fi
id polw >/dev/null 2>&1 || bench_skip "no user polw (the policyd-weight package makes it)"
command -v ss >/dev/null && ss -Hlun 'sport = :53' | grep -q . &&
	bench_skip "UDP port 53 is taken: policyd-weight can only ask port 53"

PW_PID='' SINK_PID=''
# pw_cleanup - stop policyd-weight, its cache daemon and the sink (by pid)
pw_cleanup() {
	if [[ -n $PW_PID ]]; then
		kill "$PW_PID" 2>/dev/null || true
		wait "$PW_PID" 2>/dev/null || true
		"$PW" -f "$bench_dir/pw.conf" -k >/dev/null 2>&1 || true
	fi
	if [[ -n $SINK_PID ]]; then
		kill "$SINK_PID" 2>/dev/null || true
		wait "$SINK_PID" 2>/dev/null || true
	fi
}
BENCH_CLEANUP=pw_cleanup

# pw_conf PORT - the policyd-weight config: 8 lists, nothing else
pw_conf() {
	local i
	printf '$DEBUG = 0;\n$dnsbl_checks_only = 1;\n$NS = %s;\n' "'127.0.0.1'"
	printf '$TCP_PORT = %d;\n$BIND_ADDRESS = %s;\n$USER = %s;\n' "$1" "'127.0.0.1'" "'polw'"
	printf '$LOCKPATH = "%s/pwlock/";\n$SPATH = $LOCKPATH."polw.sock";\n' "$bench_dir"
	printf '$PIDFILE = "%s/pwlock/pw.pid";\n$MIN_PROC = 2;\n' "$bench_dir"
	printf '@rhsbl_score = ();\n@dnsbl_score = (\n'
	for ((i = 1; i <= lists; i++)); do
		printf '  "d%d.test", 1, 0, "D%d",\n' "$i" "$i"
	done
	printf ');\n'
}

# sink_start - a syslog socket; sets SOCK (where it listens), NS (yes if
# policyd-weight needs a private /dev/log)
sink_start() {
	SOCK=/dev/log NS=
	if [[ -e /dev/log ]]; then
		SOCK=$bench_dir/log.sock NS=yes
	fi
	"$sink" "$SOCK" "$bench_dir/syslog" >"$bench_dir/sink.out" 2>&1 &
	SINK_PID=$!
	for ((i = 0; i < 50; i++)); do
		grep -q ready "$bench_dir/sink.out" && return 0
		sleep 0.1
	done
	bench_skip "t/syslog_sink did not start: $(cat "$bench_dir/sink.out")"
}

# pw_start - policyd-weight in the foreground as polw; waits until it takes
# connections on PW_PORT
pw_start() {
	PW_PORT=$(free_port)
	pw_conf "$PW_PORT" >"$bench_dir/pw.conf"
	chmod 644 "$bench_dir/pw.conf"
	install -d -o polw -g polw -m 700 "$bench_dir/pwlock"
	if [[ -n $NS ]]; then
		unshare -m sh -c 'mount --bind "$0" /dev/log && exec "$@"' "$SOCK" \
			"$PW" -D -f "$bench_dir/pw.conf" start >"$bench_dir/pw.out" 2>&1 &
	else
		"$PW" -D -f "$bench_dir/pw.conf" start >"$bench_dir/pw.out" 2>&1 &
	fi
	PW_PID=$!
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$PW_PORT") 2>/dev/null && return 0
		kill -0 "$PW_PID" 2>/dev/null || break
		sleep 0.1
	done
	bench_skip "policyd-weight did not start: $(cat "$bench_dir/pw.out" "$bench_dir/syslog")"
}

# pw_ask ADDR I - one request over TCP; the action in $bench_dir/pw.reply
pw_ask() {
	local fd line
	exec {fd}<>"/dev/tcp/127.0.0.1/$PW_PORT"
	bench_request "$1" "pw$2" >&"$fd"
	: >"$bench_dir/pw.reply"
	while IFS= read -r -t 30 line <&"$fd" && [[ -n $line ]]; do
		printf '%s\n' "$line" >>"$bench_dir/pw.reply"
	done
	exec {fd}>&-
}

# dnswl_ask ADDR - one request, one dnswl process, cache off
dnswl_ask() {
	bench_request "$1" | "$DNSWL" -c "$bench_dir/dnswl.cfg"
}

# timed WHO I - time request I to WHO (pw or dnswl); appends ms and
# queries to $bench_dir/WHO.ms / WHO.q
timed() {
	local q0 addr
	addr=$(bench_addr "$2")
	q0=$(bench_queries)
	if [[ $1 == pw ]]; then bench_ms pw_ask "$addr" "$2"; else bench_ms dnswl_ask "$addr"; fi >>"$bench_dir/$1.ms"
	echo $(($(bench_queries) - q0)) >>"$bench_dir/$1.q"
	grep '^query ' "$DNSDELAY_LOG" | tail -n "+$((q0 + 1))" | awk '{ print $2 }' >"$bench_dir/$1.names"
}

bench_dns_start -p 53 -D "$delay"
sink_start
pw_start
bench_cfg "$bench_dir/dnswl.cfg" "$lists" ""
# warm-up (untimed): policyd-weight's children and cache daemon start
pw_ask 10.250.0.1 warm
dnswl_ask 10.250.0.2 >/dev/null
for ((r = 0; r < runs; r++)); do
	timed pw "$r"
	timed dnswl "$((r + 100000))"
done

pw_med=$(median <"$bench_dir/pw.ms") dnswl_med=$(median <"$bench_dir/dnswl.ms")
echo "uncached request, $lists lists, every answer $delay ms late, median of $runs runs:"
printf '  %-16s %10.1f ms  %s queries/request\n' "policyd-weight" "$pw_med" "$(median <"$bench_dir/pw.q")"
printf '  %-16s %10.1f ms  %s queries/request\n' "dnswl" "$dnswl_med" "$(median <"$bench_dir/dnswl.q")"
printf '  dnswl / policyd-weight = %s (target <= 0.20)\n' "$(ratio "$dnswl_med" "$pw_med")"
printf '  policyd-weight answered: %s\n' "$(head -n 1 "$bench_dir/pw.reply")"
printf '  policyd-weight cache daemon running: %s\n' \
	"$(pgrep -u polw -f 'policyd-weight \(cache\)' >/dev/null && echo yes || echo no)"
printf '  names policyd-weight asked in its last request: %s\n' "$(paste -sd ' ' "$bench_dir/pw.names")"
