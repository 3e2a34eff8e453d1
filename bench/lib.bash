# SPDX-License-Identifier: GPL-2.0-or-later
# bench/lib.bash - shared parts of the issue 11 benchmarks (parallel.sh,
# policyd_weight.sh, spawn.sh, memory.sh): the test DNS server with every
# name answered, dnswl configs with N of the lists d1.test .. d16.test,
# policy requests, medians.
#
# The caller sets srcdir and builddir, then sources this file.  It gives:
#   bench_dir              a private temp dir, removed on exit
#   bench_dns_start [DELAY-ARGS...]   ldns-testns (+ t/dns_delay with the
#                          args, if any): DNS_PORT is where to ask
#   bench_cfg FILE N CACHE [KEY=VALUE...]  dnswl config: lists d1..dN.test,
#                          cache file CACHE ("" = off; BENCH_CACHE_SIZE
#                          entries, default 16384 as dnswl), [global] extras
#   bench_opts SPEC... -- ARGS...      a script's options (see there)
#   bench_need_delay       skip unless t/dns_delay is built
#   bench_request ADDR [INSTANCE]      one RCPT-stage policy request
#   bench_ms CMD...        run CMD, print its wall time in ms (3 decimals)
#   median / ratio A B     numbers
#   bench_skip WHY         print "NOT MEASURED: WHY" and exit 0
# shellcheck shell=bash

DNSWL=${DNSWL:-$builddir/src/dnswl}
# shellcheck disable=SC2034  # read by t/lib/dnstest.bash (dnsdelay_find)
abs_top_builddir=$builddir
[[ -x $DNSWL ]] || { echo "no dnswl binary at $DNSWL (build it first)" >&2; exit 1; }

# bench_skip WHY - this benchmark cannot run here: say so, not a failure
bench_skip() {
	echo "NOT MEASURED: $*"
	exit 0
}

# shellcheck source=../t/lib/dnstest.bash
. "$srcdir/t/lib/dnstest.bash"
: "${LDNS_TESTNS:=$(command -v ldns-testns || true)}"
[[ -x $LDNS_TESTNS ]] || bench_skip "ldns-testns not installed (Debian: ldnsutils)"
command -v dig >/dev/null || bench_skip "dig not installed (Debian: bind9-dnsutils)"

bench_dir=$(mktemp -d /tmp/dnswl-bench.XXXXXX)
chmod 755 "$bench_dir"
# shellcheck disable=SC2034  # where t/lib/dnstest.bash keeps its logs
BATS_FILE_TMPDIR=$bench_dir

# bench_cleanup - stop what bench_dns_start started, remove bench_dir.
# A script with more to stop sets BENCH_CLEANUP to a function run first.
bench_cleanup() {
	[[ -n ${BENCH_CLEANUP:-} ]] && "$BENCH_CLEANUP"
	dnsdelay_stop
	dnstest_stop
	rm -rf "$bench_dir"
}
trap bench_cleanup EXIT

# bench_opts SPEC... -- ARGS... - the options of a bench script.  SPEC
# "x:VAR" sets VAR to the argument of -x, "x!VAR" sets VAR to 1 for -x;
# variables not named on the command line keep their defaults.  Any
# other option (or a missing argument) exits 2.
bench_opts() {
	local -A take=() flag=()
	local spec="" opt OPTIND=1
	while (($#)) && [[ $1 != -- ]]; do
		case $1 in
		?:*) take[${1:0:1}]=${1:2} spec+="${1:0:1}:" ;;
		?!*) flag[${1:0:1}]=${1:2} spec+=${1:0:1} ;;
		*) echo "bench_opts: bad spec $1" >&2; exit 2 ;;
		esac
		shift
	done
	shift
	while getopts "$spec" opt; do
		if [[ -n ${take[$opt]:-} ]]; then
			printf -v "${take[$opt]}" '%s' "$OPTARG"
		elif [[ -n ${flag[$opt]:-} ]]; then
			printf -v "${flag[$opt]}" 1
		else
			exit 2
		fi
	done
}

# bench_need_delay - the delaying proxy is built, or this bench skips
bench_need_delay() {
	dnsdelay_find >/dev/null || bench_skip "t/dns_delay not built (make check builds it)"
}

# bench_data - t/data/lists.testns plus a last entry that answers every
# other name NXDOMAIN (a name the file does not script would get no reply
# at all and cost a resolver timeout: bench programs may ask such names).
bench_data() {
	cat "$srcdir/t/data/lists.testns"
	cat <<-'EOF'

	; bench/lib.bash: everything else NXDOMAIN
	ENTRY_BEGIN
	MATCH opcode subdomain
	ADJUST copy_id copy_query
	REPLY QR AA RD RA NXDOMAIN
	SECTION QUESTION
	. IN A
	SECTION AUTHORITY
	. 4 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 4
	ENTRY_END
	EOF
}

# bench_dns_start [DELAY-ARGS...] - the server, and the proxy when args
# are given (see t/dns_delay.c); DNS_PORT is the one to ask.
bench_dns_start() {
	bench_data >"$bench_dir/bench.testns"
	dnstest_start "$bench_dir/bench.testns" || exit 1
	if (($#)); then
		dnsdelay_start "$@" || exit 1
	fi
}

# bench_cfg FILE N CACHE [KEY=VALUE...] - dnswl config asking d1..dN.test
bench_cfg() {
	local file=$1 n=$2 cache=$3 i sites=d1.test
	shift 3
	for ((i = 2; i <= n; i++)); do sites+=", d$i.test"; done
	{
		printf '[global]\nnameserver = 127.0.0.1:%s\ndns_timeout = 5\ndns_attempts = 1\n' "$DNS_PORT"
		printf 'log_file = %s\n' "$bench_dir/dnswl.log"
		for i; do printf '%s = %s\n' "${i%%=*}" "${i#*=}"; done
		printf '[cache]\nfile = %s\nsize = %d\n' "$cache" "${BENCH_CACHE_SIZE:-16384}"
		printf '[swl-sites]\nsites = %s\n' "$sites"
		for ((i = 1; i <= n; i++)); do printf '[d%d.test]\nips = 127.0.0\n' "$i"; done
	} >"$file"
}

# bench_request ADDR [INSTANCE] - one RCPT-stage request and its empty line
bench_request() {
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n'
	printf 'helo_name=mx.example.net\nqueue_id=\nsender=a@example.com\nrecipient=b@example.org\n'
	printf 'recipient_count=0\nclient_address=%s\nclient_name=unknown\n' "$1"
	printf 'reverse_client_name=unknown\ninstance=%s\nsize=0\n\n' "${2:-1a2b.5f0e1c2d.3e4f5.0}"
}

# bench_addr I - the I-th fresh client address (10.x.y.z, none listed)
bench_addr() {
	printf '10.%d.%d.%d\n' $(($1 / 62500 % 250 + 1)) $(($1 / 250 % 250)) $(($1 % 250 + 1))
}

# bench_ms CMD... - run CMD (output discarded), print its wall time in ms
bench_ms() {
	local t0 t1
	t0=${EPOCHREALTIME//[.,]/}
	"$@" >/dev/null 2>&1
	t1=${EPOCHREALTIME//[.,]/}
	printf '%d.%03d\n' $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000))
}

# median - the median of the numbers on stdin
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B - A / B to two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b > 0) ? a / b : 0 }'; }

# bench_queries - how many queries the proxy has logged so far
bench_queries() { grep -c '^query ' "$DNSDELAY_LOG" || true; }
