#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/postfix_load.sh - load through a real Postfix, with and without dnswl.
#
# usage: postfix_load.sh SRCDIR BUILDDIR [-s SESSIONS] [-m MESSAGES]
#                        [-r RCPTS] [-n ROUNDS]
# Starts the private Postfix instance of the end-to-end tests
# (t/lib/postfix.bash) with three smtpd services on loopback ports:
#   none      no policy check (the reference)
#   cached    check_policy_service -> spawn(8) -> dnswl with its cache file
#   uncached  the same dnswl with caching off: one DNS query per RCPT
# and drives each with smtp-source (ships with Postfix): SESSIONS
# concurrent sessions, MESSAGES messages (one session each), RCPTS
# recipients per message, ROUNDS rounds per service, interleaved.  dnswl
# asks the scripted list swl.test (t/data/lists.testns) about 127.0.0.1.
# After one untimed warm-up round per service, prints per service: the
# median sessions/s, RCPTs/s, dnswl processes that spawn(8) started during
# the timed rounds (from Postfix's log), the decisions dnswl logged, the
# mean elapsed_ms dnswl logged per decision, and the wall-clock cost the
# policy check adds per RCPT against "none".  Needs root (Postfix).
set -u

srcdir=$1 builddir=$2
shift 2
sessions=20 messages=1000 rcpts=5 rounds=3
while getopts s:m:r:n: opt; do
	case $opt in
	s) sessions=$OPTARG ;;
	m) messages=$OPTARG ;;
	r) rcpts=$OPTARG ;;
	n) rounds=$OPTARG ;;
	*) exit 2 ;;
	esac
done

# skip - the bench cannot run here: say why and stop (not a failure)
skip() {
	echo "bench-postfix: skipped: $*"
	exit 0
}

abs_top_builddir=$builddir
BATS_TEST_DIRNAME=$srcdir/t
# shellcheck source=../t/lib/dnstest.bash
. "$srcdir/t/lib/dnstest.bash"
# shellcheck source=../t/lib/postfix.bash
. "$srcdir/t/lib/postfix.bash"
why=$(e2e_need)
[[ -z $why ]] || skip "$why"
smtp_source=$(command -v smtp-source || echo /usr/sbin/smtp-source)
[[ -x $smtp_source ]] || skip "smtp-source not found (package postfix)"

# cleanup - stop Postfix, dnswl, the DNS server; remove the instance
cleanup() {
	e2e_end
	dnstest_stop
}
trap cleanup EXIT

# write_cfg NAME CACHEFILE - $E2E/run/NAME.cfg: swl.test, decisions to NAME.log
write_cfg() {
	cat >"$E2E/run/$1.cfg" <<EOF
[global]
nameserver = 127.0.0.1:$DNS_PORT
dns_timeout = 1
dns_attempts = 1
log_file = $E2E/run/$1.log
[cache]
file = $2
[swl-sites]
sites = swl.test
[swl.test]
ips = 127
EOF
}

# now - seconds since the epoch, with nanoseconds
now() { date +%s.%N; }

# median - the median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run_round SERVICE - one smtp-source run; prints its wall-clock seconds
run_round() {
	local port_var=PORT_$1 t0 t1
	t0=$(now)
	"$smtp_source" -s "$sessions" -m "$messages" -r "$rcpts" -l 256 \
		-f bench@example.org -t rcpt@example.test "127.0.0.1:${!port_var}" ||
		echo "bench-postfix: smtp-source failed on $1" >&2
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# started SERVICE - dnswl processes spawn(8) has started for SERVICE so far
started() { maillog_count "spawn_service: service=policy_$1,"; }

# decisions SERVICE - decision lines dnswl has logged for SERVICE so far
decisions() {
	[[ -f $E2E/run/$1.log ]] || { echo 0; return; }
	grep -c ' decision: ' "$E2E/run/$1.log"
}

# warm_up - one untimed round per service, so every service starts with
# its smtpd (and dnswl) processes up; the counts start from here
warm_up() {
	local svc
	for svc in none cached uncached; do
		run_round "$svc" >/dev/null
		eval "started0_$svc=\$(started \$svc) decisions0_$svc=\$(decisions \$svc)"
	done
}

# report SERVICE - one line of the table from the round times and the logs
report() {
	local svc=$1 secs started decisions ms cost s0=started0_$1 d0=decisions0_$1
	secs=$(median <"$E2E/times.$svc")
	started=$(($(started "$svc") - ${!s0}))
	decisions=$(($(decisions "$svc") - ${!d0})) ms=-
	if [[ -f $E2E/run/$svc.log ]]; then
		ms=$(tail -n "$decisions" "$E2E/run/$svc.log" |
			sed -n 's/.* elapsed_ms=\([0-9]*\).*/\1/p' |
			awk '{ t += $1 } END { printf "%.3f", NR ? t / NR : 0 }')
	fi
	cost=$(awk -v s="$secs" -v n="$none_secs" -v r=$((messages * rcpts)) \
		'BEGIN { printf "%+.3f", (s - n) * 1000 / r }')
	printf '%-9s %10.1f %10.1f %9s %10s %12s %14s\n' "$svc" \
		"$(awk -v s="$secs" -v m="$messages" 'BEGIN { print m / s }')" \
		"$(awk -v s="$secs" -v m=$((messages * rcpts)) 'BEGIN { print m / s }')" \
		"$started" "$decisions" "$ms" "$cost"
}

dnstest_start "$srcdir/t/data/lists.testns" || exit 1
e2e_begin "$builddir/src/dnswl" || exit 1
write_cfg cached "$E2E/run/cache/cache.db"
write_cfg uncached ""
e2e_policy policy_cached "$E2E/run/cached.cfg"
e2e_policy policy_uncached "$E2E/run/uncached.cfg"
e2e_smtpd none -
e2e_smtpd cached policy_cached
e2e_smtpd uncached policy_uncached
e2e_start || exit 1

echo "smtp-source: $sessions concurrent sessions, $messages messages x $rcpts recipients, $rounds rounds; $(nproc) CPUs"
warm_up
for ((i = 1; i <= rounds; i++)); do
	for svc in none cached uncached; do
		run_round "$svc" >>"$E2E/times.$svc"
	done
done
none_secs=$(median <"$E2E/times.none")
printf '%-9s %10s %10s %9s %10s %12s %14s\n' service sessions/s RCPTs/s \
	"dnswl" decisions "dnswl ms" "ms/RCPT added"
printf '%-9s %10s %10s %9s %10s %12s %14s\n' "" "" "" started "" "(mean)" "(vs none)"
for svc in none cached uncached; do
	report "$svc"
done
