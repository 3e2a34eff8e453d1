#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# repeat.sh [N] - run the suite N times in a row (default 5) and say how
# many runs failed and which tests.  Each run is what scripts/test.sh
# runs: `make check` in the sanitizer build, `make check-valgrind` in the
# plain build and `make check-tsan` in the ThreadSanitizer build
# (SKIP_VALGRIND=yes, SKIP_TSAN=yes leave those out), built first if
# needed.  BUILD_DIR / VALGRIND_BUILD_DIR / TSAN_BUILD_DIR as for test.sh.  The figures to
# report are the last lines; every run's failures are in the build dirs'
# repeat-RUN.out files.  `make check-repeat [REPEAT=N]` runs it from a
# build directory.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5}
build=${BUILD_DIR:-$top/build-check}
vgbuild=${VALGRIND_BUILD_DIR:-$top/build-valgrind}
tsanbuild=${TSAN_BUILD_DIR:-$top/build-tsan}
sh "$top/scripts/build.sh" "$build" --enable-sanitizers --enable-werror || exit 1
[ "${SKIP_VALGRIND:-}" = yes ] || sh "$top/scripts/build.sh" "$vgbuild" --enable-werror || exit 1
[ "${SKIP_TSAN:-}" = yes ] || sh "$top/scripts/build.sh" "$tsanbuild" --enable-tsan --enable-werror || exit 1
failed_runs=0
: >"$build/repeat-failures"
i=1
while [ "$i" -le "$n" ]; do
	out=$build/repeat-$i.out
	start=$(date +%s)
	make -C "$build" -j"$(nproc)" check >"$out" 2>&1
	if [ "${SKIP_VALGRIND:-}" != yes ]; then
		make -C "$vgbuild" check-valgrind >>"$out" 2>&1 ||
			echo "FAIL: make check-valgrind" >>"$out"
	fi
	if [ "${SKIP_TSAN:-}" != yes ]; then
		make -C "$tsanbuild" check-tsan >>"$out" 2>&1 ||
			echo "FAIL: make check-tsan" >>"$out"
	fi
	bad=$(grep -E '^(FAIL|ERROR|XPASS):' "$out" | sed 's/ # .*//')
	pass=$(grep -c '^PASS:' "$out")
	if [ -n "$bad" ]; then
		failed_runs=$((failed_runs + 1))
		printf '%s\n' "$bad" >>"$build/repeat-failures"
	fi
	echo "run $i of $n: $pass passed, $(printf '%s' "$bad" | grep -c .) failed ($(($(date +%s) - start)) s)"
	[ -z "$bad" ] || printf '%s\n' "$bad" | sed 's/^/  /'
	i=$((i + 1))
done
echo "$failed_runs of $n runs failed"
if [ -s "$build/repeat-failures" ]; then
	echo "failing tests (times):"
	sort "$build/repeat-failures" | uniq -c | sort -rn
fi
[ "$failed_runs" = 0 ]
