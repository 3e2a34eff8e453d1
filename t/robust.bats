#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# t/robust.bats - black-box robustness: hostile policy request streams and
# damaged configuration files, made by t/robust_gen from a seed, against
# the dnswl under test (make check: the sanitizer build when configured so).
#
# The seed is fixed, so every run checks the same cases and a failure is
# reproduced by running the file again; it is printed, and a failure names
# the case, its kind and the file.  Try other cases with
#   ROBUST_SEED=N ROBUST_CASES=N make check TESTS=t/robust.bats
# Requests go to the test DNS server (t/lib/dnstest.bash), so requests
# that reach a list get answers.

load 'lib/common'

setup_file() {
	dnstest_file_start
	export ROBUST_SEED=${ROBUST_SEED:-20261201} ROBUST_CASES=${ROBUST_CASES:-264}
}

teardown_file() {
	dnstest_file_stop
}

setup() {
	common_setup
	GEN=$(robust_tool robust_gen) || fail "$GEN"
	TMO=$(scaled "${DNSWL_TEST_TIMEOUT:-60}")
	# the sample as built (etc/dnswl.cfg is made from etc/dnswl.cfg.in)
	BASES=("${abs_top_builddir:-$BATS_TEST_DIRNAME/..}/etc/dnswl.cfg" "$BATS_TEST_DIRNAME/data/dnswl-py.cfg")
	FAILED=()
	declare -gA FAILED_IDS=()
}

# robust_tool NAME - path of a helper program make check builds under t/
robust_tool() {
	local c
	for c in ${abs_top_builddir:+"$abs_top_builddir/t/$1"} "$PWD/t/$1" \
		"$BATS_TEST_DIRNAME/$1"; do
		[[ -x $c ]] && { echo "$c"; return 0; }
	done
	echo "t/$1 not built (make check builds it)"
	return 1
}

# flunk ID KIND WHY - remember a failed case
flunk() {
	FAILED+=("case $1 ($2): $3")
	FAILED_IDS[$1]=1
}

# report WHAT - fail with every failed case and how to reproduce it
report() {
	((${#FAILED[@]} == 0)) && return 0
	printf '%s\n' "${FAILED[@]:0:20}" "${#FAILED_IDS[@]} of the $1 failed (${#FAILED[@]} problems)" \
		"(ROBUST_SEED=$ROBUST_SEED ROBUST_CASES=$ROBUST_CASES; files in $T)" | fail
}

# serve_case ID KIND MIN MAX RC - one request stream; flunk what is wrong
serve_case() {
	local in=$T/req/$1.in out=$T/req/$1.out err=$T/req/$1.err rc=0 why n
	: >"$LOG"
	timeout "$TMO" "$DNSWL" -c "$CFG" <"$in" >"$out" 2>"$err" || rc=$?
	((rc != 124)) || { flunk "$1" "$2" "no exit within $TMO s (hang)"; return; }
	((rc < 128)) || { flunk "$1" "$2" "killed by signal $((rc - 128))"; return; }
	[[ ! -s $err ]] || flunk "$1" "$2" "stderr: $(head -c 300 "$err")"
	[[ $5 == *$rc* ]] || flunk "$1" "$2" "exit status $rc, want ${5/01/0 or 1}"
	why=$("$GEN" replies "$out" "$3" "$4") || flunk "$1" "$2" "$why"
	n=$(log_text | grep -c '^decision: ' || true)
	[[ $n == "$(grep -c '^action=' "$out")" ]] ||
		flunk "$1" "$2" "$n decision log lines for $(grep -c '^action=' "$out") replies"
	((rc == 0)) || log_text | grep -q '^warning: bad policy request: ' ||
		flunk "$1" "$2" "exit $rc without a 'bad policy request' warning in the log"
}

@test "hostile request streams: no crash or hang, no stderr, only action= replies, never more than requests" {
	local id kind min max want
	write_cfg "swl:swl.test:127.0.10 / -20, 127.0.2 / -8" "dwl:dwl.test:127.0.2 / -5"
	mkdir "$T/req"
	"$GEN" requests "$ROBUST_SEED" "$ROBUST_CASES" "$T/req" >"$T/req/manifest"
	echo "# robust_gen requests seed $ROBUST_SEED: $(wc -l <"$T/req/manifest") streams" >&3
	while read -r id kind min max want; do
		serve_case "$id" "$kind" "$min" "$max" "$want"
	done <"$T/req/manifest"
	report "$(wc -l <"$T/req/manifest") streams"
}

# check_case ID KIND - dnswl -n on one damaged file; flunk what is wrong.
# Accepted: exit 0 with at most the dnswl.py daemon keys notice.
# Refused: exit 1, exactly one line "FILE:LINE: ..." (LINE within the
# file) or "FILE: ...".
check_case() {
	local f=$T/cfg/$1.cfg err=$T/cfg/$1.err rc=0 lines line
	timeout "$TMO" "$DNSWL" -n -c "$f" </dev/null >/dev/null 2>"$err" || rc=$?
	((rc != 124)) || { flunk "$1" "$2" "no exit within $TMO s (hang)"; return; }
	lines=$(wc -l <"$err")
	if ((rc == 0)); then
		((lines == 0)) || { ((lines == 1)) && grep -q '^dnswl: notice: ' "$err"; } ||
			flunk "$1" "$2" "accepted, but stderr: $(head -c 300 "$err")"
		return
	fi
	((rc == 1)) || { flunk "$1" "$2" "exit status $rc: $(head -c 300 "$err")"; return; }
	((lines == 1)) || { flunk "$1" "$2" "$lines lines on stderr: $(head -c 300 "$err")"; return; }
	LC_ALL=C grep -aqE "^$f(:[0-9]+)?: ." "$err" ||
		{ flunk "$1" "$2" "error does not name the file: $(head -c 300 "$err")"; return; }
	line=$(LC_ALL=C sed -nE "s|^$f:([0-9]+): .*|\\1|p" "$err")
	[[ -z $line ]] || ((line >= 1 && line <= $(wc -l <"$f") + 1)) ||
		flunk "$1" "$2" "line $line is not in the file: $(head -c 300 "$err")"
	cp "$err" "$T/cfg/$1.refused"
}

@test "damaged config files: dnswl -n accepts or prints exactly one FILE:LINE error, never crashes or hangs" {
	local id kind base
	mkdir "$T/cfg"
	"$GEN" configs "$ROBUST_SEED" "$ROBUST_CASES" "$T/cfg" "${BASES[@]}" >"$T/cfg/manifest"
	echo "# robust_gen configs seed $ROBUST_SEED: $(wc -l <"$T/cfg/manifest") files" >&3
	while read -r id kind base; do
		check_case "$id" "$kind"
	done <"$T/cfg/manifest"
	echo "# $(find "$T/cfg" -name '*.refused' | wc -l) refused, the others accepted" >&3
	report "$(wc -l <"$T/cfg/manifest") files"
}

# with_syslog CMD... - run CMD in a private mount namespace whose /dev/log
# is $T/log.sock (t/syslog_sink writes what arrives to $T/syslog)
with_syslog() {
	unshare -m sh -c 'mount -t tmpfs -o mode=755 robust-dev /dev &&
		mknod -m 666 /dev/null c 1 3 && mknod -m 444 /dev/urandom c 1 9 &&
		ln -s "$0" /dev/log && exec "$@"' "$T/log.sock" "$@"
}

# serve_broken ID... - in the namespace: serve one request with each config
serve_broken() {
	local id
	for id; do
		"$DNSWL" -c "$T/cfg/$id.cfg" <"$T/request" >"$T/cfg/$id.sout" 2>"$T/cfg/$id.serr"
		echo "$id $?"
	done
}

@test "serving with a damaged config: exit non-zero, the error in syslog, nothing on stdout or stderr" {
	local sink pid id rc n=0 ids=() tries
	[[ $EUID -eq 0 ]] || skip "needs root (a private /dev/log in a mount namespace)"
	command -v unshare >/dev/null || skip "needs unshare(1) (util-linux)"
	sink=$(robust_tool syslog_sink) || fail "$sink"
	mkdir "$T/cfg"
	"$GEN" configs "$ROBUST_SEED" 120 "$T/cfg" "${BASES[@]}" >"$T/cfg/manifest"
	while read -r id _ && ((${#ids[@]} < 30)); do
		"$DNSWL" -n -c "$T/cfg/$id.cfg" </dev/null >/dev/null 2>"$T/cfg/$id.err" ||
			ids+=("$id")
	done <"$T/cfg/manifest"
	((${#ids[@]} > 0)) || fail "no refused config among the first 120 of seed $ROBUST_SEED"
	"$sink" "$T/log.sock" "$T/syslog" >"$T/sink.out" 2>&1 3>&- &
	pid=$!
	wait_for "$(scaled 100)" grep -q ready "$T/sink.out" || fail "syslog_sink: $(cat "$T/sink.out")"
	policy_request 192.0.2.2 unknown s@example.com r@example.org >"$T/request"
	export DNSWL T
	if ! with_syslog bash -c "$(declare -f serve_broken); serve_broken ${ids[*]}" >"$T/rcs" 2>&1; then
		kill "$pid"
		skip "cannot make a private /dev/log: $(cat "$T/rcs")"
	fi
	# syslog(3) datagrams: wait until the sink has written one per process
	wait_for "$(scaled 200)" test "$(grep -c 'fatal: ' "$T/syslog")" -ge "${#ids[@]}" || true
	kill "$pid"
	wait "$pid" || true
	while read -r id rc; do
		n=$((n + 1))
		((rc != 0 && rc < 128)) || flunk "$id" serve "exit status $rc"
		[[ ! -s $T/cfg/$id.sout && ! -s $T/cfg/$id.serr ]] ||
			flunk "$id" serve "output: $(head -c 300 "$T/cfg/$id.sout" "$T/cfg/$id.serr")"
		grep -aqF "fatal: $(cat "$T/cfg/$id.err")" "$T/syslog" ||
			flunk "$id" serve "no 'fatal: $(cat "$T/cfg/$id.err")' in syslog"
	done <"$T/rcs"
	echo "# $n damaged configs served" >&3
	((n == ${#ids[@]})) || flunk all serve "$n results for ${#ids[@]} configs"
	report "$n served configs"
}
