#!/bin/bash
# SPDX-License-Identifier: MIT
# make test: the host unit tests, then every QEMU suite (tests/qemu/*.conf)
# on -smp 1 and -smp 2.  A suite's test actors print "TEST name: ok" or
# "TEST name: FAIL why"; tests/qemu/<suite>.expect lists the results that
# must appear, so a crash or a hang counts as failures too.  Each boot has
# a time limit (LIMIT seconds).  A suite's .conf may say which modules its
# actors start ("# modules: a b") and how much memory it needs ("# mem:
# MiB", default 256).  Ends with "N passed, M failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=build/test-logs
mkdir -p "$logs"
pass=0 fail=0
LIMIT=${LIMIT:-240}

# host unit tests
if make -s unit > "$logs/unit.log" 2>&1; then ok=1; else ok=0; fi
line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed' "$logs/unit.log" | tail -1)
if [ -n "$line" ]; then
	p=$(echo "$line" | awk '{print $2}') f=$(echo "$line" | awk '{print $4}')
	pass=$((pass + p)) fail=$((fail + f))
	echo "$line"
fi
if [ "$ok" = 0 ] && [ -z "$line" -o "${f:-0}" = 0 ]; then
	echo "unit: FAIL (see $logs/unit.log)"; tail -20 "$logs/unit.log"; fail=$((fail + 1))
fi

for conf in tests/qemu/*.conf; do
	suite=$(basename "$conf" .conf)
	expect=tests/qemu/$suite.expect
	mem=$(sed -n 's/^# mem: //p' "$conf")
	for smp in ${SMPS:-1 2}; do
		log=$logs/$suite-smp$smp.log
		MEM="${mem:-${MEM:-256}}" SMP=$smp timeout "$LIMIT" tools/qemu.sh batch "$conf" > "$log" 2>&1 < /dev/null
		rc=$?
		tr -d '\r' < "$log" > "$log.txt"
		while read -r name; do
			[ -z "$name" ] && continue
			if grep -q "^TEST $name: ok$" "$log.txt" && ! grep -q "^TEST $name: FAIL" "$log.txt"; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL $suite smp$smp $name"
				grep -A10 "^TEST $name: FAIL" "$log.txt" | head -12 | sed 's/^/    /'
			fi
		done < "$expect"
		# results nobody expected: a test actor that failed to start, hung...
		while read -r extra; do
			fail=$((fail + 1)); echo "FAIL $suite smp$smp: $extra"
		done < <(grep '^TEST ' "$log.txt" | grep FAIL | grep -v -F -f <(sed 's/^/TEST /; s/$/:/' "$expect"))
		if grep -q 'nucleus panic' "$log.txt"; then
			fail=$((fail + 1)); echo "FAIL $suite smp$smp: nucleus panic"
			grep -A12 'nucleus panic' "$log.txt" | sed 's/^/    /'
		fi
		if ! grep -q '^TESTS DONE' "$log.txt"; then
			fail=$((fail + 1)); echo "FAIL $suite smp$smp: did not finish (exit $rc, log $log)"
		fi
		echo "$suite smp$smp: done ($(grep -c ': ok$' "$log.txt") ok)"
	done
done
# a nucleus fault: a panic report with a symbolized backtrace, then (with
# panic=off) power-off, on both processors' watch
log=$logs/panic.log
APPEND="selftest=panic panic=off" SMP=2 timeout 60 tools/qemu.sh batch boot/run.conf > "$log" 2>&1 < /dev/null
rc=$?
missing=""
for want in 'nucleus #PF page fault (vector 14, error 0x2) at rip .* cr2 0x8$' \
	    '^  0x[0-9a-f]* selftest_panic+0x' '^  0x[0-9a-f]* kmain+0x' \
	    'nucleus panic on cpu 0: #PF page fault' 'powering off'; do
	tr -d '\r' < "$log" | grep -q -- "$want" || missing="$missing [$want]"
done
if [ "$rc" = 0 ] && [ -z "$missing" ]; then
	pass=$((pass + 1)); echo "panic: ok"
else
	fail=$((fail + 1)); echo "FAIL panic: exit $rc, missing$missing (log $log)"
fi
# docs/linux-abi.md is what pm's dispatch serves
if tools/linux-abi.sh build/linux-abi.md >/dev/null && cmp -s build/linux-abi.md docs/linux-abi.md; then
	pass=$((pass + 1)); echo "linux-abi: ok"
else
	fail=$((fail + 1)); echo "FAIL linux-abi: docs/linux-abi.md is not what tools/linux-abi.sh makes"
fi
# make run as a person uses it, through tmux
if out=$(tests/run-check.sh 2>&1); then
	pass=$((pass + 1)); echo "$out"
else
	fail=$((fail + 1)); echo "$out"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
