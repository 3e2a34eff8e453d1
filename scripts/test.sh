#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# test.sh - install what is missing, build with ASan+UBSan and -Werror,
# run the whole suite; then, in a plain build (valgrind cannot run an
# ASan binary), the black-box tests with every dnswl under valgrind, one
# file at a time (the DNS tests wait 1 s), which counts as one more test;
# then, in a ThreadSanitizer build, the black-box DNS tests (make
# check-tsan), one more test.  Ends with one line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-check}
vgbuild=${VALGRIND_BUILD_DIR:-$top/build-valgrind}
tsanbuild=${TSAN_BUILD_DIR:-$top/build-tsan}
sh "$top/scripts/deps.sh" || exit 1
sh "$top/scripts/build.sh" "$build" --enable-sanitizers --enable-werror || exit 1
cd "$build"
make -j"$(nproc)" check >check.out 2>&1
status=$?
grep -E '^(PASS|FAIL|XPASS|ERROR|SKIP):' check.out | grep -v '^PASS' || true
pass=$(cat t/*.trs bench/*.trs 2>/dev/null | grep -c '^:test-result: PASS')
skip=$(cat t/*.trs bench/*.trs 2>/dev/null | grep -c '^:test-result: SKIP')
fail=$(cat t/*.trs bench/*.trs 2>/dev/null | grep -Ec '^:test-result: (FAIL|ERROR|XPASS)')
[ "$status" = 0 ] || [ "$fail" -gt 0 ] || fail=1
if [ "${SKIP_VALGRIND:-}" = yes ]; then
	echo "valgrind: skipped (SKIP_VALGRIND=yes)"
	skip=$((skip + 1))
elif sh "$top/scripts/build.sh" "$vgbuild" --enable-werror &&
	make -C "$vgbuild" check-valgrind >"$vgbuild/check-valgrind.out" 2>&1; then
	grep "^check-valgrind:" "$vgbuild/check-valgrind.out"
	pass=$((pass + 1))
else
	tail -n 60 "$vgbuild/check-valgrind.out" 2>/dev/null
	echo "FAIL: make check-valgrind (see $vgbuild/check-valgrind.out)"
	fail=$((fail + 1))
fi
if [ "${SKIP_TSAN:-}" = yes ]; then
	echo "tsan: skipped (SKIP_TSAN=yes)"
	skip=$((skip + 1))
elif sh "$top/scripts/build.sh" "$tsanbuild" --enable-tsan --enable-werror &&
	make -C "$tsanbuild" check-tsan >"$tsanbuild/check-tsan.out" 2>&1; then
	grep "^check-tsan:" "$tsanbuild/check-tsan.out"
	pass=$((pass + 1))
else
	tail -n 60 "$tsanbuild/check-tsan.out" 2>/dev/null
	echo "FAIL: make check-tsan (see $tsanbuild/check-tsan.out)"
	fail=$((fail + 1))
fi
[ "$fail" = 0 ] || sed -n '/^FAIL\|^ERROR/,+3p' check.out | head -60
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
