#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs each cmocka test binary given as an argument, shows its output, and
# adds up the test cases from cmocka's summary lines.  A binary that dies
# before its summary (a sanitizer report, a signal) counts its unfinished
# cases, and at least one, as failed.  Ends with "unit: N passed, M failed"
# and exits non-zero if anything failed.
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "$@"; do
	"$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	if ! grep -q '^\[==========\] .* test(s) run\.' "$out"; then
		ok=$(grep -c '^\[       OK \]' "$out")
		run=$(grep -c '^\[ RUN      \]' "$out")
		p=$ok
		f=$((run - ok))
		[ "$f" -gt 0 ] || f=1
		echo "unit: $(basename "$t") stopped early (exit status $rc)"
	fi
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "unit: $(basename "$t") exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
