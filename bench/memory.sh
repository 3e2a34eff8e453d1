#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/memory.sh - private memory of one dnswl process (issue 11): after
# REQUESTS requests (default 200) with LISTS lists (default 16, d1.test ..),
# each from a fresh client address (every answer from DNS, stored in the
# cache file), read /proc/PID/smaps_rollup while the process still waits
# for the next request.  Private_Dirty is what each of the many dnswl
# processes (one per smtpd) costs on its own; target <= 512 KiB.
# The cache file is mapped MAP_SHARED, but the kernel counts a page as
# "Private" while only one process maps it, so the rollup's Private_Dirty
# includes the cache pages this lone process wrote: the figure printed
# against the target leaves the cache file's mapping out (every dnswl
# shares it), and the cache's part is printed beside it.  The cache has
# the default size (16384 entries).
#
# -v also lists every mapping with Private_Dirty (where the memory goes).
#
# usage: memory.sh SRCDIR BUILDDIR [-n LISTS] [-m REQUESTS] [-v]
set -euo pipefail
srcdir=$1 builddir=$2
shift 2
lists=16 requests=200 verbose=
# shellcheck source=lib.bash
. "$srcdir/bench/lib.bash"
bench_opts n:lists m:requests v!verbose -- "$@"
bench_dns_start
install -d -m 700 "$bench_dir/cache"
bench_cfg "$bench_dir/dnswl.cfg" "$lists" "$bench_dir/cache/cache.db"

# ask I - send request I, read its reply (up to the empty line)
ask() {
	local line
	bench_request "$(bench_addr "$1")" >&"${DNSWL_CO[1]}"
	while IFS= read -r -t 60 line <&"${DNSWL_CO[0]}"; do
		[[ -z $line ]] && return 0
		replies+=("$line")
	done
	echo "no reply to request $1" >&2
	exit 1
}

# rollup FIELD... - those lines of the process's smaps_rollup
rollup() {
	local f
	for f; do
		grep "^$f:" "/proc/$pid/smaps_rollup" | awk '{ printf "  %-15s %6d kB\n", $1, $2 }'
	done
}

# A freshly built binary's pages are still dirty in the page cache (not
# yet written back), and the kernel counts such pages of a lone mapping
# as Private_Dirty (about 120 KiB of dnswl's text and data): write it
# back first, as an installed binary is.
sync "$DNSWL"

replies=()
# private_dirty [cache|other] - kB of Private_Dirty in the cache file's
# mapping, or in all the others
private_dirty() {
	awk -v want="$1" -v cache="$bench_dir/cache/cache.db" '
		/^[0-9a-f]+-[0-9a-f]+ / { in_cache = (index($0, cache) > 0) }
		/^Private_Dirty:/ { if ((want == "cache") == in_cache) sum += $2 }
		END { print sum + 0 }' "/proc/$pid/smaps"
}

# by_mapping - each mapping with Private_Dirty: kB, range, what it is
by_mapping() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { m = $1; what = $2 " " (($6 == "") ? "[anon]" : $6) }
		/^Private_Dirty:/ { if ($2 > 0) printf "    %6d kB  %s  %s\n", $2, m, what }' \
		"/proc/$pid/smaps"
}

replies=()
coproc DNSWL_CO { exec "$DNSWL" -c "$bench_dir/dnswl.cfg" 2>/dev/null; }
pid=$DNSWL_CO_PID
ask 0
echo "dnswl process $pid, $lists lists, after 1 request:"
printf '  Private_Dirty %d kB, of it in the cache file %d kB\n' \
	"$(($(private_dirty other) + $(private_dirty cache)))" "$(private_dirty cache)"
for ((i = 1; i < requests; i++)); do ask "$i"; done
echo "after $requests requests (${#replies[@]} replies, $(grep -c decision "$bench_dir/dnswl.log") decisions):"
rollup Rss Pss Shared_Clean Shared_Dirty Private_Clean Private_Dirty Anonymous
printf '  threads: %s\n' "$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")"
printf '  of Private_Dirty in the shared cache file mapping: %d KiB\n' "$(private_dirty cache)"
[[ -n $verbose ]] && { echo "  Private_Dirty by mapping:"; by_mapping; }
printf '  Private_Dirty without the cache file = %d KiB (target <= 512 KiB)\n' "$(private_dirty other)"
in=${DNSWL_CO[1]}
exec {in}>&-
rc=0
wait "$pid" || rc=$?
echo "  (dnswl exited $rc at end of input)"
