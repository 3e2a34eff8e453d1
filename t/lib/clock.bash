# SPDX-License-Identifier: GPL-2.0-or-later
# t/lib/clock.bash - time in tests without sleeping, and bounds that scale
#
# No test may pass or fail by a wall-clock margin.  Two tools for that:
#
#   clock_at SECONDS   the following clocked runs see a frozen clock
#                      SECONDS after this test's start (libfaketime:
#                      time(), gettimeofday, CLOCK_REALTIME; the monotonic
#                      clock is left alone so DNS and SQL timeouts work)
#   clock_real         back to the real clock
#   clock_env BINARY   set CLOCK_ENV to the `env ...` words that run
#                      BINARY under that clock (empty without clock_at):
#                      `timeout 60 "${CLOCK_ENV[@]}" BINARY ...`; the dnswl
#                      runs of common.bash and the driver runs of
#                      amavis.bash do this
#   clock_need         skip the calling test when libfaketime is missing
#   clock_file FILE    CLOCK_ENV for one long-lived dnswl (dnswl_start)
#   clock_set SECONDS  whose clock then reads start + SECONDS, frozen
#
#   scaled N           N times DNSWL_TEST_SCALE (1 in a plain build; make
#                      check sets it higher for sanitizer builds and
#                      check-valgrind higher still): for bounds that only
#                      exist to stop a hung test, never to measure speed

: "${DNSWL_TEST_SCALE:=1}"
: "${FAKETIME_LIB:=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}"

# clock_need - skip when libfaketime is not installed.
clock_need() {
	[[ -r $FAKETIME_LIB ]] ||
		skip "libfaketime not installed (Debian: faketime; scripts/deps.sh installs it)"
}

# clock_start - remember this test's start (called by the setup helpers).
clock_start() {
	CLOCK_BASE=$(date +%s)
	CLOCK_AT=
}

# clock_at SECONDS - freeze the clock of clocked runs at start + SECONDS.
clock_at() {
	clock_need
	[[ -n ${CLOCK_BASE:-} ]] || clock_start
	CLOCK_AT=$((CLOCK_BASE + $1))
}

# clock_real - clocked runs see the real clock again.
clock_real() { CLOCK_AT=; }

# clock_now - the time clocked runs see, in seconds since the epoch.
clock_now() { echo "${CLOCK_AT:-$(date +%s)}"; }

# _clock_preload BINARY - libfaketime, after the sanitizer runtime the
# binary links (ASan and TSan insist on coming first).
_clock_preload() {
	local rt
	rt=$(ldd "$1" 2>/dev/null | awk '$1 ~ /^lib[at]san\.so/ { print $3 }')
	echo "${rt:+$rt }$FAKETIME_LIB"
}

# clock_env BINARY - CLOCK_ENV=(env ...) for BINARY (see the header).
clock_env() {
	CLOCK_ENV=()
	[[ -n ${CLOCK_AT:-} ]] || return 0
	CLOCK_ENV=(env "LD_PRELOAD=$(_clock_preload "$1")" DONT_FAKE_MONOTONIC=1
		"FAKETIME=$(date -d "@$CLOCK_AT" '+%Y-%m-%d %H:%M:%S')")
}

# clock_file FILE - CLOCK_ENV for a process that lives across several
# requests: its frozen clock is read from FILE at every call (libfaketime
# FAKETIME_TIMESTAMP_FILE), so the test moves it with clock_set.
clock_file() {
	clock_need
	[[ -n ${CLOCK_BASE:-} ]] || clock_start
	CLOCK_FILE=$1
	clock_set 0
	CLOCK_ENV=(env "LD_PRELOAD=$(_clock_preload "$DNSWL")" DONT_FAKE_MONOTONIC=1
		"FAKETIME_TIMESTAMP_FILE=$CLOCK_FILE" FAKETIME_NO_CACHE=1)
}

# clock_set SECONDS - the clock of clock_file is start + SECONDS, frozen.
clock_set() {
	date -d "@$((CLOCK_BASE + $1))" '+%Y-%m-%d %H:%M:%S' >"$CLOCK_FILE.tmp" &&
		mv "$CLOCK_FILE.tmp" "$CLOCK_FILE"
}

# scaled N - a hang-stopping bound for this build (see the header).
scaled() { echo $(($1 * DNSWL_TEST_SCALE)); }

# wait_for TENTHS CMD... - retry CMD every 0.1 s until it succeeds, at
# most TENTHS times (give a scaled count: the bound only stops a hang);
# false when it never did.  CMD runs here, so an `eval` string sees this
# function's positional parameters: pass a function and its arguments.
wait_for() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
