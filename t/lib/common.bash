# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/common.bash - shared helpers for dnswl's bats tests
#
# Load it from a test file with `load 'lib/common'` (at the top, or in
# setup()), then call common_setup in setup().  It gives:
#   DNSWL        the binary under test: $DNSWL if set, else src/dnswl in
#                $abs_top_builddir, in the current directory (make check
#                runs there) or next to the test directory (in-tree build)
#   T            this test's private temp dir (bats' BATS_TEST_TMPDIR)
#   CFG, LOG     $T/dnswl.cfg and the log_file it names
#   write_cfg    write $CFG
#   policy_request / run_policy / run_dnswl / dnswl_cmd   drive the binary
#   assert_reply, assert_stderr_empty, decision_line, assert_decision,
#   refute_decision, assert_log, log_text       check what a user sees
#   clock_at, clock_real, scaled (t/lib/clock.bash)  time without sleeping
#
# Hand run from the build dir:   bats /path/to/srcdir/t/dns.bats
# or from anywhere:              DNSWL=/path/to/src/dnswl bats t/dns.bats

# shellcheck disable=SC2034,SC2119,SC2120  # bats helpers: used by test files
: "${BATS_LIB_PATH:=/usr/lib/bats}"
export BATS_LIB_PATH
bats_load_library bats-support
bats_load_library bats-assert
# shellcheck source=clock.bash
. "${BASH_SOURCE[0]%/*}/clock.bash"
# shellcheck source=runas.bash
. "${BASH_SOURCE[0]%/*}/runas.bash"

# dnswl_find - print the path of the binary under test (see above).
dnswl_find() {
	local c
	if [[ -n ${DNSWL:-} ]]; then
		printf '%s\n' "$DNSWL"
		return
	fi
	for c in ${abs_top_builddir:+"$abs_top_builddir/src/dnswl"} \
		"$PWD/src/dnswl" "$BATS_TEST_DIRNAME/../src/dnswl"; do
		if [[ -x $c ]]; then
			printf '%s\n' "$c"
			return
		fi
	done
	printf '%s\n' "$PWD/src/dnswl"
}

# --- files that ask the test DNS server (t/lib/dnstest.bash) -------------------
# Such a file loads this one at its top (so that setup_file has it) and has
#   setup_file()    { dnstest_file_start [DATA]; }    # t/data/DATA (lists.testns)
#   teardown_file() { dnstest_file_stop; }
#   setup()         { dnstest_test_setup; ...its own setup...; }

# dnstest_file_start [DATA] - setup_file: the test DNS server on t/data/DATA.
dnstest_file_start() {
	load "$BATS_TEST_DIRNAME/lib/dnstest"
	dnstest_start "$BATS_TEST_DIRNAME/data/${1:-lists.testns}"
}

# dnstest_file_stop - teardown_file: stop the server of dnstest_file_start.
dnstest_file_stop() {
	load "$BATS_TEST_DIRNAME/lib/dnstest"
	dnstest_stop
}

# dnstest_test_setup - setup: the dnstest helpers, then common_setup.
dnstest_test_setup() {
	load "$BATS_TEST_DIRNAME/lib/dnstest"
	common_setup
}

# common_setup - per-test variables; fails when there is no binary.
common_setup() {
	DNSWL=$(dnswl_find)
	T=$BATS_TEST_TMPDIR
	CFG=$T/dnswl.cfg
	LOG=$T/dnswl.log
	clock_start
	OUT_FILE=$T/stdout
	ERR_FILE=$T/stderr
	[[ -x $DNSWL ]] ||
		fail "dnswl binary not found at $DNSWL: build it or set DNSWL=/path/to/dnswl"
}

# write_cfg [KEY=VALUE | SECTION.KEY=VALUE | swl:ZONE[:IPS[:BOOST]] |
#            dwl:ZONE[:IPS[:BOOST]] | dnsbl:ZONE[:IPS[:SCORE[:MISS]]] |
#            rhsbl:ZONE[:IPS[:SCORE[:MISS[:CHECK]]]]]...
# Write $CFG: [global] with the test server (DNS_PORT), dns_timeout=1,
# dns_attempts=1 and log_file=$LOG, caching off, list health probes off
# (probe_interval=$WRITE_CFG_PROBE_INTERVAL, default 0); KEY=VALUE sets or
# replaces a [global] key, SECTION.KEY=VALUE one in another section
# (the section name is everything before the last dot); swl:/dwl: add
# an IP or domain list with its `ips` (commas allowed) and `boost`,
# dnsbl:/rhsbl: a block list with `ips`, `score`, `miss` (and `check`).
# $CFG_EXTRA, if set, is appended verbatim.
write_cfg() {
	local -A set=()
	local -a order=(global.nameserver global.dns_timeout global.dns_attempts
		global.log_file global.probe_interval cache.file)
	local -a swl=() dwl=() dnsbl=() rhsbl=() lists=()
	local arg key
	set[global.nameserver]=127.0.0.1:${DNS_PORT:?DNS_PORT not set: start the test DNS server}
	set[global.dns_timeout]=1
	set[global.dns_attempts]=1
	set[global.log_file]=$LOG
	set[global.probe_interval]=${WRITE_CFG_PROBE_INTERVAL:-0}
	set[cache.file]=
	for arg; do
		case $arg in
		swl:* | dwl:* | dnsbl:* | rhsbl:*)
			lists+=("$arg")
			local -n _sites=${arg%%:*}
			_sites+=("$(_cfg_field "$arg" 2)")
			unset -n _sites
			;;
		*=*)
			key=${arg%%=*}
			[[ $key == *.* ]] || key=global.$key
			[[ -v set[$key] ]] || order+=("$key")
			set[$key]=${arg#*=}
			;;
		*) fail "write_cfg: cannot use argument '$arg'" ;;
		esac
	done
	{
		_cfg_sections set order
		((${#swl[@]})) && printf '\n[swl-sites]\nsites = %s\n' "$(_cfg_join "${swl[@]}")"
		((${#dwl[@]})) && printf '\n[dwl-sites]\nsites = %s\n' "$(_cfg_join "${dwl[@]}")"
		((${#dnsbl[@]})) && printf '\n[dnsbl-sites]\nsites = %s\n' "$(_cfg_join "${dnsbl[@]}")"
		((${#rhsbl[@]})) && printf '\n[rhsbl-sites]\nsites = %s\n' "$(_cfg_join "${rhsbl[@]}")"
		for arg in "${lists[@]}"; do
			_cfg_list "$arg"
		done
		[[ -n ${CFG_EXTRA:-} ]] && printf '\n%s\n' "$CFG_EXTRA"
		true
	} >"$CFG"
}

# _cfg_sections SETVAR ORDERVAR - print the KEY=VALUE settings by section.
_cfg_sections() {
	local -n _set=$1 _order=$2
	local k sec last=
	for sec in $(printf '%s\n' "${_order[@]%.*}" | awk '!seen[$0]++'); do
		printf '%s[%s]\n' "$last" "$sec"
		last=$'\n'
		for k in "${_order[@]}"; do
			[[ ${k%.*} == "$sec" ]] || continue
			printf '%s = %s\n' "${k##*.}" "${_set[$k]}"
		done
	done
}

# _cfg_list SPEC - print the section of one swl:/dwl: list spec.
_cfg_list() {
	local zone ips boost miss check key=boost
	zone=$(_cfg_field "$1" 2)
	ips=$(_cfg_field "$1" 3)
	boost=$(_cfg_field "$1" 4)
	miss=$(_cfg_field "$1" 5)
	check=$(_cfg_field "$1" 6)
	[[ $1 == dnsbl:* || $1 == rhsbl:* ]] && key=score
	# libinih never reports an empty section: give it a key
	[[ -z $ips && -z $boost ]] && ips=127
	printf '\n[%s]\n' "$zone"
	[[ -n $ips ]] && printf 'ips = %s\n' "$ips"
	[[ -n $boost ]] && printf '%s = %s\n' "$key" "$boost"
	[[ -n $miss ]] && printf 'miss = %s\n' "$miss"
	[[ -n $check ]] && printf 'check = %s\n' "$check"
	true
}

# _cfg_field SPEC N - the N-th colon-separated field of SPEC.
_cfg_field() { awk -F: -v n="$2" '{ print $n }' <<<"$1"; }

# _cfg_join ITEM... - "a, b, c".
_cfg_join() {
	local out=$1 i
	shift
	for i; do out+=", $i"; done
	printf '%s\n' "$out"
}

# policy_request ADDR NAME SENDER RECIPIENT [ATTR=VALUE]...
# Print one Postfix policy request (RCPT stage) ended by its empty line.
# ATTR=VALUE replaces a default attribute or adds one; ATTR= gives it an
# empty value, and -ATTR leaves it out.
policy_request() {
	local -A a=()
	local -a order=(request protocol_state protocol_name helo_name queue_id
		sender recipient recipient_count client_address client_name
		reverse_client_name instance size)
	local arg k
	a=([request]=smtpd_access_policy [protocol_state]=RCPT [protocol_name]=ESMTP
		[helo_name]=helo.example.net [queue_id]="" [sender]=$3 [recipient]=$4
		[recipient_count]=0 [client_address]=$1 [client_name]=$2
		[reverse_client_name]=$2 [instance]=1a2b.5f0e1c2d.3e4f5.0 [size]=0)
	shift 4
	for arg; do
		if [[ $arg == -* ]]; then
			unset "a[${arg#-}]"
			continue
		fi
		k=${arg%%=*}
		[[ -v a[$k] ]] || order+=("$k")
		a[$k]=${arg#*=}
	done
	for k in "${order[@]}"; do
		[[ -v a[$k] ]] && printf '%s=%s\n' "$k" "${a[$k]}"
	done
	printf '\n'
}

# _dnswl_exec ARGS... - run the binary; stdout also kept in $OUT_FILE,
# stderr only in $ERR_FILE (stderr is the smtpd socket under spawn(8)).
_dnswl_exec() {
	local rc=0
	# a hung dnswl must fail the test, not stall make check
	clock_env "$DNSWL"
	timeout "$(scaled "${DNSWL_TEST_TIMEOUT:-60}")" "${CLOCK_ENV[@]}" "$DNSWL" "$@" \
		>"$OUT_FILE" 2>"$ERR_FILE" || rc=$?
	cat "$OUT_FILE"
	return "$rc"
}

# dnswl_cmd ARGS... - the binary under test with ARGS, on the clock of
# clock_at; for `run dnswl_cmd -c "$CFG" -C stats` (stderr in $output).
dnswl_cmd() {
	clock_env "$DNSWL"
	"${CLOCK_ENV[@]}" "$DNSWL" "$@"
}

# dnswl_start [ENV-WORDS...] - a serving dnswl -c $CFG that stays up
# between requests, on a coprocess (DN_PID; DN[0] its stdout, DN[1] its
# stdin), stderr appended to $ERR_FILE.  ENV-WORDS (e.g. "${CLOCK_ENV[@]}")
# go before the binary.  Stop it with dnswl_stop.
dnswl_start() {
	coproc DN { exec "$@" "$DNSWL" -c "$CFG" 2>>"$ERR_FILE" 3>&-; }
}

# dnswl_ask ADDR [NAME] - one request to dnswl_start's dnswl; its action
# line in $reply (fails after a scaled 30 s without one).
dnswl_ask() {
	local empty
	policy_request "$1" "${2:-mx.example.com}" a@example.com b@example.org >&"${DN[1]}"
	read -r -t "$(scaled 30)" reply <&"${DN[0]}" || fail "no reply from dnswl"
	read -r -t "$(scaled 30)" empty <&"${DN[0]}"
}

# dnswl_stop - end dnswl_start's dnswl by closing its stdin; waits for it.
dnswl_stop() {
	local pid=$DN_PID fd=${DN[1]}
	exec {fd}>&-
	wait "$pid"
	DN_PID=
}

# run_dnswl [ARGS]... - `run` dnswl -c $CFG ARGS with the caller's stdin;
# sets output/status/lines like run, and elapsed_ms.
run_dnswl() {
	local t0 t1
	t0=${EPOCHREALTIME//[.,]/}
	run _dnswl_exec -c "$CFG" "$@"
	t1=${EPOCHREALTIME//[.,]/}
	elapsed_ms=$(((t1 - t0) / 1000))
}

# run_policy ADDR NAME SENDER RECIPIENT [ATTR=VALUE]... - serve one request.
run_policy() {
	policy_request "$@" >"$T/request"
	run_dnswl <"$T/request"
}

# assert_reply ACTION... - stdout was exactly these replies, each
# "action=ACTION" plus the empty line that ends it.
assert_reply() {
	local want="" got a
	for a; do want+="action=$a"$'\n\n'; done
	got=$(cat "$OUT_FILE"; printf x)
	got=${got%x}
	if [[ $got != "$want" ]]; then
		batslib_print_kv_single_or_multi 8 expected "$want" actual "$got" |
			batslib_decorate 'dnswl reply differs' | fail
	fi
}

# assert_stderr_empty - nothing was written to stderr.
assert_stderr_empty() {
	if [[ -s $ERR_FILE ]]; then
		batslib_print_kv_single_or_multi 8 stderr "$(cat "$ERR_FILE")" |
			batslib_decorate 'dnswl wrote to stderr' | fail
	fi
}

# log_text - the log_file lines without their "<time> dnswl[pid]: " prefix.
log_text() {
	[[ -r $LOG ]] || return 0
	sed -E 's/^[^ ]+ dnswl\[[0-9]+\]: //' "$LOG"
}

# decision_line [N] - the N-th last decision log line (default the last).
decision_line() {
	log_text | grep '^decision: ' | tail -n "${1:-1}" | head -n 1
}

# assert_decision STRING... - the last decision line contains every STRING.
assert_decision() {
	local d s
	d=$(decision_line)
	[[ -n $d ]] || fail "no decision line in $LOG: $(cat "$LOG" 2>/dev/null)"
	for s; do
		[[ $d == *"$s"* ]] ||
			batslib_print_kv_single_or_multi 8 expected "$s" line "$d" |
			batslib_decorate 'decision line lacks a string' | fail
	done
}

# assert_decision_re ERE... - the last decision line matches every regex.
assert_decision_re() {
	local d r
	d=$(decision_line)
	for r; do
		[[ $d =~ $r ]] ||
			batslib_print_kv_single_or_multi 8 regex "$r" line "$d" |
			batslib_decorate 'decision line does not match' | fail
	done
}

# refute_decision STRING... - the last decision line contains no STRING.
refute_decision() {
	local d s
	d=$(decision_line)
	for s; do
		[[ $d != *"$s"* ]] ||
			batslib_print_kv_single_or_multi 8 unexpected "$s" line "$d" |
			batslib_decorate 'decision line has a string it should not' | fail
	done
}

# assert_log ERE - some log line (prefix stripped) matches the extended regex.
assert_log() {
	log_text | grep -Eq -- "$1" ||
		batslib_print_kv_single_or_multi 8 regex "$1" log "$(log_text)" |
		batslib_decorate 'no log line matches' | fail
}

# refute_log ERE - no log line matches.
refute_log() {
	! log_text | grep -Eq -- "$1" ||
		batslib_print_kv_single_or_multi 8 regex "$1" log "$(log_text)" |
		batslib_decorate 'a log line matches' | fail
}
