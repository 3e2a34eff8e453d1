# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/postfix.bash - a private Postfix instance that runs the built dnswl
#
# Used by t/postfix.bats and bench/postfix_load.sh.  Everything lives in
# one directory E2E (/tmp/dnswl-e2e.XXXXXX, world-traversable because
# Postfix and the dnswl user must reach it):
#   $E2E/etc      main.cf, master.cf, recipient_access (config_directory)
#   $E2E/queue    queue_directory     $E2E/data   data_directory
#   $E2E/maillog  Postfix's log (maillog_file: no syslog daemon needed)
#   $E2E/bin      a copy of the dnswl under test
#   $E2E/run      owned by the dnswl user: configs, caches, SQLite files,
#                 sanitizer reports (asan.*)
#   $E2E/syslog   what dnswl logged through syslog(3), one line per message
#
# e2e_need                    print why the test cannot run here, if so
# e2e_begin                   make E2E, start the syslog listener
# e2e_policy NAME CFG         a spawn(8) service NAME running dnswl -c CFG
# e2e_smtpd NAME POLICY [LIMIT]  an smtpd on a free loopback port (exported
#                             as PORT_<NAME>) whose RCPT restrictions are
#                             reject_unauth_destination, check_policy_service
#                             unix:private/POLICY (none when POLICY is -),
#                             recipient_access (reject@example.test is
#                             rejected), permit; LIMIT = its process limit
# e2e_start / e2e_end         start / stop Postfix and the listener, clean up
# smtp_rcpt PORT ADDR NAME SENDER RCPT...   one SMTP session through XCLIENT;
#                             prints "RCPT: reply" per recipient
# smtp_send PORT ADDR NAME SENDER RCPT  the same, sending a message
# Mail for keep@example.test is delivered (pipe(8), as E2E_USER) into a
# file $E2E/run/mail.PID each, header and all; every other is discarded.
# maillog_count REGEX / syslog_count REGEX   matching lines so far

# shellcheck source=port.bash
. "${BASH_SOURCE[0]%/*}/port.bash"
# shellcheck source=clock.bash
. "${BASH_SOURCE[0]%/*}/clock.bash"
# shellcheck source=runas.bash
. "${BASH_SOURCE[0]%/*}/runas.bash"

E2E_USER=${E2E_USER:-nobody}
POSTFIX=${POSTFIX:-$(command -v postfix || echo /usr/sbin/postfix)}

# e2e_need - why the end-to-end test cannot run here (empty: it can).
# bats 1.8 cannot skip from setup_file: the caller exports the reason and
# each test's setup() skips with it.
e2e_need() {
	if [[ $(id -u) != 0 ]]; then
		echo "needs root to start a private Postfix (run make check as root)"
	elif [[ ! -x $POSTFIX ]]; then
		echo "postfix not installed (apt-get install postfix; scripts/deps.sh does)"
	elif ! command -v swaks >/dev/null; then
		echo "swaks not installed (apt-get install swaks)"
	elif ! command -v sqlite3 >/dev/null; then
		echo "sqlite3 not installed (apt-get install sqlite3)"
	elif ! id "$E2E_USER" >/dev/null 2>&1; then
		echo "no user $E2E_USER to run dnswl as"
	fi
}

# e2e_begin DNSWL_BINARY - the instance directory and the syslog listener
e2e_begin() {
	E2E=$(mktemp -d /tmp/dnswl-e2e.XXXXXX)
	chmod 755 "$E2E"
	mkdir -p "$E2E/etc" "$E2E/queue" "$E2E/data" "$E2E/bin" "$E2E/run"
	chown postfix "$E2E/data"
	chown "$E2E_USER:" "$E2E/run"
	_e2e_install_dnswl "$1" || return 1
	: >"$E2E/master.cf.services" && : >"$E2E/main.cf.services"
	export E2E
	_e2e_syslog_start
}

# _e2e_install_dnswl BINARY - $E2E/bin/dnswl, which E2E_USER can run from
# anywhere (dnswl_install_for in common.bash); e2e_end brings the
# valgrind or ThreadSanitizer logs back.
_e2e_install_dnswl() {
	dnswl_install_for "$E2E_USER" "$1" "$E2E/bin/dnswl"
}

# _e2e_syslog_start - capture syslog(3) of dnswl in $E2E/syslog.  Binds
# /dev/log when there is none (a container); with a system syslogd, runs
# Postfix in a private mount namespace whose /dev/log is our socket.
_e2e_syslog_start() {
	local sock=/dev/log sink
	sink=$(_e2e_tool syslog_sink) || return 1
	E2E_NS=
	if [[ -e /dev/log ]]; then
		sock=$E2E/log.sock
		E2E_NS=yes
	fi
	: >"$E2E/syslog"
	"$sink" "$sock" "$E2E/syslog" >"$E2E/sink.out" 2>&1 &
	E2E_SINK_PID=$!
	wait_for "$(scaled 50)" grep -q ready "$E2E/sink.out" || {
		cat "$E2E/sink.out" >&2
		return 1
	}
	export E2E_NS E2E_SINK_PID
}

# _e2e_tool NAME - path of a test helper program built by make check
_e2e_tool() {
	local c
	for c in ${abs_top_builddir:+"$abs_top_builddir/t/$1"} "$PWD/t/$1" \
		"$BATS_TEST_DIRNAME/$1" "$BATS_TEST_DIRNAME/../t/$1"; do
		[[ -x $c ]] && { echo "$c"; return 0; }
	done
	echo "t/$1 not built (make check builds it)" >&2
	return 1
}

# e2e_policy NAME CFG - spawn(8) service NAME: the built dnswl as E2E_USER
e2e_policy() {
	printf '%s unix - n n - 0 spawn -v user=%s argv=%s -c %s\n' \
		"$1" "$E2E_USER" "$E2E/bin/dnswl" "$2" >>"$E2E/master.cf.services"
	printf '%s_time_limit = 3600\n' "$1" >>"$E2E/main.cf.services"
}

# e2e_smtpd NAME POLICY [LIMIT] - see the header
e2e_smtpd() {
	local name=$1 policy=$2 limit=${3:--} check= port
	port=$(free_port) || { echo "e2e_smtpd: no free loopback port" >&2; return 1; }
	[[ $policy == - ]] || check="check_policy_service unix:private/$policy,"
	printf 'rcpt_%s = reject_unauth_destination, %s\n  check_recipient_access texthash:%s, permit\n' \
		"$name" "$check" "$E2E/etc/recipient_access" >>"$E2E/main.cf.services"
	printf '127.0.0.1:%s inet n - n - %s smtpd\n  -o syslog_name=postfix/%s\n  -o smtpd_recipient_restrictions=$rcpt_%s\n' \
		"$port" "$limit" "$name" "$name" >>"$E2E/master.cf.services"
	printf -v "PORT_$name" %s "$port"
	export "PORT_$name"
}

# e2e_start - write main.cf/master.cf and start Postfix
e2e_start() {
	_e2e_main_cf >"$E2E/etc/main.cf"
	_e2e_master_cf >"$E2E/etc/master.cf"
	printf 'reject@example.test REJECT 5.7.1 rejected by a later restriction\n' \
		>"$E2E/etc/recipient_access"
	printf 'keep@example.test capture:\n' >"$E2E/etc/transport"
	printf '#!/bin/sh\ncat >"$1.$$"\n' >"$E2E/bin/capture.sh"
	chmod 755 "$E2E/bin/capture.sh"
	if [[ -n $E2E_NS ]]; then
		unshare -m --propagation private sh -c \
			'mount --bind "$1" /dev/log && exec "$2" -c "$3" start' sh \
			"$E2E/log.sock" "$POSTFIX" "$E2E/etc" >"$E2E/start.out" 2>&1
	else
		"$POSTFIX" -c "$E2E/etc" start >"$E2E/start.out" 2>&1
	fi || {
		cat "$E2E/start.out" "$E2E/maillog" >&2
		return 1
	}
	_e2e_wait_ports
}

# _e2e_wait_ports - until every smtpd accepts connections
_e2e_wait_ports() {
	local v
	for v in ${!PORT_*}; do
		wait_for "$(scaled 100)" eval "(exec 3<>/dev/tcp/127.0.0.1/${!v}) 2>/dev/null" || {
			echo "smtpd on port ${!v} ($v) did not start" >&2
			cat "$E2E/maillog" >&2
			return 1
		}
	done
}

# _e2e_main_cf - a Postfix that accepts mail for example.test and discards it
_e2e_main_cf() {
	cat <<EOF
compatibility_level = 3.6
queue_directory = $E2E/queue
data_directory = $E2E/data
maillog_file = $E2E/maillog
maillog_file_prefixes = $E2E
myhostname = mx.e2e.test
mydestination =
relay_domains = example.test
alias_maps =
alias_database =
default_transport = discard:
relay_transport = discard:
transport_maps = texthash:$E2E/etc/transport
inet_interfaces = 127.0.0.1
smtpd_peername_lookup = no
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_policy_service_retry_delay = 1s
export_environment = TZ MAIL_CONFIG LANG ASAN_OPTIONS=log_path=$E2E/run/asan UBSAN_OPTIONS=log_path=$E2E/run/ubsan:print_stacktrace=1
EOF
	cat "$E2E/main.cf.services"
}

# _e2e_master_cf - the services Postfix needs to receive and discard mail
_e2e_master_cf() {
	cat "$E2E/master.cf.services"
	printf 'capture unix - n n - - pipe user=%s argv=%s %s\n' \
		"$E2E_USER" "$E2E/bin/capture.sh" "$E2E/run/mail"
	cat <<'EOF'
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
}

# e2e_end - stop Postfix (dnswl children see EOF and exit), the listener,
# and remove E2E unless E2E_KEEP is set
e2e_end() {
	[[ -n ${E2E:-} && -d $E2E ]] || return 0
	[[ -f $E2E/etc/main.cf ]] && "$POSTFIX" -c "$E2E/etc" stop >/dev/null 2>&1
	wait_for "$(scaled 100)" e2e_no_dnswl_running
	[[ -n ${E2E_SINK_PID:-} ]] && kill "$E2E_SINK_PID" 2>/dev/null && wait "$E2E_SINK_PID" 2>/dev/null
	dnswl_collect_logs "$E2E/bin/dnswl"
	[[ -n ${E2E_KEEP:-} ]] || rm -rf "$E2E"
	true
}

# e2e_no_dnswl_running - true when no dnswl of this instance is left
e2e_no_dnswl_running() {
	# not anchored: under valgrind the command line starts with valgrind
	! pgrep -f "$E2E/bin/dnswl" >/dev/null
}

# smtp_rcpt PORT ADDR NAME SENDER RCPT... - one session: XCLIENT ADDR/NAME,
# MAIL, each RCPT, QUIT.  Prints "RCPT: reply line" per recipient.
smtp_rcpt() {
	local port=$1 addr=$2 name=$3 from=$4 to
	shift 4
	to=$(IFS=,; echo "$*")
	swaks --server "127.0.0.1:$port" --xclient-addr "$addr" --xclient-name "$name" \
		--from "$from" --to "$to" --quit-after RCPT --timeout "$(scaled 60)" 2>&1 |
		awk '/^ -> RCPT TO:/ { r = $3; sub(/^TO:</, "", r); sub(/>$/, "", r); next }
		     r != "" && /^<(-|\*\*) +[0-9][0-9][0-9] / { sub(/^<(-|\*\*) +/, ""); print r ": " $0; r = "" }'
}

# smtp_send PORT ADDR NAME SENDER RCPT - one session that sends a short
# message; prints swaks's transcript
smtp_send() {
	swaks --server "127.0.0.1:$1" --xclient-addr "$2" --xclient-name "$3" \
		--from "$4" --to "$5" --header "Subject: dnswl e2e" --timeout "$(scaled 60)" 2>&1
}

# maillog_count REGEX / syslog_count REGEX - lines matching an ERE
maillog_count() { grep -cE -- "$1" "$E2E/maillog" || true; }
syslog_count() { grep -cE -- "$1" "$E2E/syslog" || true; }
