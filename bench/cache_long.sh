#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cache_long.sh - the long forms of the cache's stress and kill tests.
#
# Run from the build directory (make bench-cache-long).  Knobs:
#   STRESS_SECONDS (default 30), KILL_ROUNDS (default 3000), T (test dir).
# Fails (non-zero) on any mismatch; prints the TAP of each run.
set -e
T=${T:-./t}
STRESS_SECONDS=${STRESS_SECONDS:-30}
KILL_ROUNDS=${KILL_ROUNDS:-3000}

echo "== stress: 32 processes, ${STRESS_SECONDS} s, 5000 keys in 4096 entries (evicting), 30% writes"
"$T/cache_stress" -p 32 -t "$STRESS_SECONDS" -k 5000 -s 4096 -w 30
echo "== stress: 16 processes, ${STRESS_SECONDS} s, 2000 keys in 65536 entries, 5% writes"
"$T/cache_stress" -p 16 -t "$STRESS_SECONDS" -k 2000 -s 65536 -w 5
echo "== kill: ${KILL_ROUNDS} rounds of 8 writers SIGKILLed at random moments"
"$T/cache_kill" -r "$KILL_ROUNDS" -w 8 -k 2000 -s 1024
echo "== all long cache tests passed"
