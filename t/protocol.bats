#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/protocol.bats - the Postfix policy protocol on stdin/stdout: many
# requests per process, requests split across reads, hostile input
# (over-long lines, binary junk, EOF inside a request).  No list is
# configured, so no DNS is needed: every good request gets DUNNO.

setup() {
	load 'lib/common'
	common_setup
	# no lists are asked; a dead port in case one ever is
	DNS_PORT=9 write_cfg
}

# req N - request number N (client 192.0.2.N)
req() {
	policy_request "192.0.2.$1" unknown "s$1@example.com" "r$1@example.org"
}

# assert_bad_input REGEX - no reply, exit non-zero, warning in the log
assert_bad_input() {
	assert_failure
	[[ $status -ne 124 ]] || fail "dnswl hung"
	[[ ! -s $OUT_FILE ]] || fail "dnswl replied: $(od -c "$OUT_FILE" | head)"
	assert_stderr_empty
	assert_log "^warning: bad policy request: $1"
}

@test "many requests on one stdin get one reply each, in order" {
	for i in $(seq 1 50); do req "$i"; done >"$T/in"
	run_dnswl <"$T/in"
	assert_success
	assert_reply $(printf 'DUNNO %.0s' $(seq 1 50))
	assert_stderr_empty
	assert_equal "$(log_text | grep -c '^decision: ')" 50
	[[ $(decision_line 50) == *'client=unknown[192.0.2.1] sender=<s1@example.com> recipient=<r1@example.org>'* ]] ||
		fail "first decision: $(decision_line 50)"
	assert_decision 'client=unknown[192.0.2.50]' 'sender=<s50@example.com>' 'action=DUNNO'
}

@test "reply is exactly action=...\\n\\n, flushed before the next request arrives" {
	# the second request is only sent after the first reply was read:
	# a reply held back in a buffer would make this time out
	local pid rc=0
	coproc DW { timeout "$(scaled 20)" "$DNSWL" -c "$CFG" 2>"$ERR_FILE"; }
	pid=$DW_PID	# bash unsets DW_PID once the coprocess ends
	req 1 >&"${DW[1]}"
	read -r -t "$(scaled 10)" l1 <&"${DW[0]}"
	read -r -t "$(scaled 10)" l2 <&"${DW[0]}"
	req 2 >&"${DW[1]}"
	read -r -t "$(scaled 10)" l3 <&"${DW[0]}"
	read -r -t "$(scaled 10)" l4 <&"${DW[0]}"
	exec {DW[1]}>&-
	wait "$pid" || rc=$?
	assert_equal "$l1|$l2|$l3|$l4" "action=DUNNO||action=DUNNO|"
	assert_equal "$rc" 0
	assert_stderr_empty
}

@test "a request split across reads is put together" {
	# a pipe with pauses: dnswl's reads end mid-name and mid-value
	run_split() {
		{
			printf 'request=smtpd_access_policy\nclient_addr'
			sleep 0.3
			printf 'ess=192.0.2.7\nsender=a@exa'
			sleep 0.3
			printf 'mple.com\n'
			sleep 0.3
			printf '\n'
			sleep 0.3
			req 8
		} | _dnswl_exec -c "$CFG"
	}
	run run_split
	assert_success
	assert_reply DUNNO DUNNO
	assert_stderr_empty
	assert_equal "$(log_text | grep -c 'client=unknown\[192.0.2.7\] sender=<a@example.com>')" 1
	assert_decision 'client=unknown[192.0.2.8]'
}

@test "unknown attributes are ignored" {
	policy_request 192.0.2.1 unknown a@example.com b@example.org \
		x_frobnicate=1 ccert_fingerprint=AA:BB 'weird name=with=equals' >"$T/in"
	run_dnswl <"$T/in"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision 'client=unknown[192.0.2.1]' 'sender=<a@example.com>'
}

@test "a duplicate attribute does not break the request; the first one counts" {
	{
		printf 'request=smtpd_access_policy\nclient_address=192.0.2.1\n'
		printf 'sender=first@example.com\nclient_address=192.0.2.2\n'
		printf 'sender=second@example.com\n\n'
	} >"$T/in"
	run_dnswl <"$T/in"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	assert_decision 'client=unknown[192.0.2.1]' 'sender=<first@example.com>'
}

@test "missing attributes and client_address=unknown give DUNNO" {
	printf 'request=smtpd_access_policy\n\nclient_address=unknown\n\n' >"$T/in"
	run_dnswl <"$T/in"
	assert_success
	assert_reply DUNNO DUNNO
	assert_stderr_empty
}

@test "a line over 2048 bytes: no reply, non-zero exit, warning in log_file" {
	{
		req 1
		printf 'request=smtpd_access_policy\nsender=%s@example.com\n\n' \
			"$(head -c 3000 /dev/zero | tr '\0' a)"
	} >"$T/in"
	run_dnswl <"$T/in"
	# the good request before it was answered, the bad one not
	assert_failure
	assert_reply DUNNO
	assert_stderr_empty
	assert_log '^warning: bad policy request: line longer than 2048 bytes'
}

@test "an over-long line alone gets no reply at all" {
	head -c 5000 /dev/zero | tr '\0' x >"$T/in"
	run_dnswl <"$T/in"
	assert_bad_input 'line longer than 2048 bytes'
}

@test "binary junk with NUL bytes: no reply, non-zero exit, warning" {
	printf 'request=smtpd_access_policy\nclient_\0address=192.0.2.1\n\n' >"$T/in"
	run_dnswl <"$T/in"
	assert_bad_input 'not a name=value line'
}

@test "a line without '=': no reply, non-zero exit, warning" {
	printf 'request=smtpd_access_policy\n\x01\x02\xff\xfe junk\n\n' >"$T/in"
	run_dnswl <"$T/in"
	assert_bad_input 'not a name=value line'
}

@test "random binary input does not crash or hang" {
	head -c 8192 /dev/urandom >"$T/in"
	run_dnswl <"$T/in"
	[[ $status -ne 124 ]] || fail "dnswl hung"
	# a signal (ASan abort, SEGV) would be status > 128
	((status == 1)) || fail "status $status"
	assert_stderr_empty
	assert_log '^warning: bad policy request: '
}

@test "EOF in the middle of a request: no reply, non-zero exit, warning" {
	printf 'request=smtpd_access_policy\nclient_address=192.0.2.1\n' >"$T/in"
	run_dnswl <"$T/in"
	assert_bad_input 'end of input inside a request'
}

@test "EOF in the middle of a line: no reply, non-zero exit, warning" {
	printf 'request=smtpd_access_policy\nclient_addr' >"$T/in"
	run_dnswl <"$T/in"
	assert_bad_input ''
}

@test "empty input: exit 0, no output" {
	run_dnswl </dev/null
	assert_success
	[[ ! -s $OUT_FILE ]]
	assert_stderr_empty
}

@test "CR and LF never reach a reply or the log line" {
	printf 'request=smtpd_access_policy\r\nclient_address=192.0.2.1\r\nsender=a\r@example.com\n\n' >"$T/in"
	run_dnswl <"$T/in"
	assert_success
	assert_reply DUNNO
	assert_stderr_empty
	! grep -q $'\r' "$LOG" || fail "CR in the log: $(od -c "$LOG" | head)"
	assert_equal "$(wc -l <"$LOG")" 1
}

@test "a configured action from a CRLF config file carries no CR" {
	printf '[global]\r\nlog_file = %s\r\naction_dunno = PREPEND X-DNSWL: none\r\n[cache]\r\nfile =\r\n' \
		"$LOG" >"$CFG"
	req 1 >"$T/in"
	run_dnswl <"$T/in"
	assert_success
	assert_reply 'PREPEND X-DNSWL: none'
	assert_stderr_empty
}
