#!/bin/sh
# test.sh - install what is missing, build with ASan+UBSan and -Werror,
# run the whole suite; ends with one line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-check}
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
[ "$fail" = 0 ] || sed -n '/^FAIL\|^ERROR/,+3p' check.out | head -60
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
