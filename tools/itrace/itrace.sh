#!/bin/bash
# SPDX-License-Identifier: MIT
# itrace.sh CONF OUT: every instruction of one operation, for finding where
# a fast path's instructions go.  Boots CONF on one processor under gdb,
# stops at the N-th hit of FIRST (a nucleus symbol or 0x address), then at
# the next hit of THEN if given, and traces until the return address on
# the stack there (or END).  Then: tools/itrace/sym.py OUT build/nucleus.elf
# build/actors/NAME@BASE [-s].  Example, one ipcCall from a supervisor
# actor: FIRST=lrpc_direct N=20 THEN=ncall_direct tools/itrace/itrace.sh
# tests/bench-core.conf /tmp/t.txt (MODULES as for qemu.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
conf=$1 out=$2
SMP=1 timeout "${TIMEOUT:-300}" "$top/tools/qemu.sh" debug "$conf" > "$out.qemu" 2>&1 < /dev/null &
sleep 1
OUT=$out timeout "${TIMEOUT:-300}" gdb -q -batch -x "$top/tools/itrace/gdbtrace.py" "$top/build/nucleus.elf" > "$out.gdb" 2>&1 || true
kill %1 2>/dev/null || true
wait 2>/dev/null || true
[ -s "$out" ] || { echo "itrace: no trace (see $out.gdb)" >&2; exit 1; }
wc -l < "$out"
