#!/bin/bash
# SPDX-License-Identifier: MIT
# iso-check.sh [CONF]: builds the GRUB image of CONF (default boot/demo.conf)
# with tools/mkiso.sh, boots it from the CD-ROM drive in QEMU for at most
# 60 s and checks the serial log: the nucleus banner, a "hello[" line, a
# "done after" line and no panic.  It stops early once every actor the
# configuration starts has said "done after".  Prints `iso boot: ok` or
# `iso boot: FAIL <why>`; the exit status says the same.  Logs stay in
# build/iso-check.{build,log}.  Environment: SMP, MEM, ACCEL as for qemu.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
conf=${1:-$top/boot/demo.conf}
B=$top/build
iso=$B/iso-check.iso
log=$B/iso-check.log
limit=60

fail() { echo "iso boot: FAIL $*"; exit 1; }

make -C "$top" all >"$B/iso-check.build" 2>&1 || fail "make all (see build/iso-check.build)"
"$top/tools/mkiso.sh" "$conf" "$iso" >>"$B/iso-check.build" 2>&1 ||
	fail "mkiso.sh (see build/iso-check.build)"
nactors=$(grep -cv '^[[:space:]]*\(#\|$\)' "$conf")

rm -f "$log"
qemu-system-x86_64 -machine q35 -accel "${ACCEL:-tcg}" -smp "${SMP:-2}" -m "${MEM:-256}" \
	-display none -monitor none -serial "file:$log" -no-reboot \
	-cdrom "$iso" 2>"$B/iso-check.qemu" &
qpid=$!
why="no \"done after\" line within ${limit} s"
for ((i = 0; i < limit * 2; i++)); do
	sleep 0.5
	[ -f "$log" ] || continue
	grep -q 'nucleus panic' "$log" && break
	# every actor has said "done after": no need to wait longer
	[ "$nactors" -gt 0 ] && [ "$(grep -c 'done after' "$log")" -ge "$nactors" ] && break
	kill -0 "$qpid" 2>/dev/null || { why="QEMU stopped early"; break; }
done
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null

[ -s "$log" ] || fail "empty serial log"
grep -q 'motet nucleus' "$log" || fail "no nucleus banner"
grep -q 'nucleus panic' "$log" &&
	fail "$(grep -m1 'nucleus panic' "$log" | tr -d '\r*' | sed 's/^ *//')"
grep -q 'hello\[' "$log" || fail "no \"hello[\" line"
grep -q 'done after' "$log" || fail "$why"
echo "iso boot: ok"
