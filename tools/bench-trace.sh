#!/bin/bash
# SPDX-License-Identifier: MIT
# bench-trace.sh OP [OUT]: every instruction of one operation of
# user/bench/bench.c on motet, from its system call's entry to the return
# to the process (tools/itrace), counted per function of the nucleus, the
# servers and the process: where the instructions of make bench's rows go.
# OP: null_call, getppid, signal_handler (kill, the handler and its
# sigreturn), stat, open_close (the open; its close is the next call),
# file_reread (a pread of 64 KiB in the cache), fork_exit_wait (the fork,
# up to its return in the parent; NR=61: the wait4 instead, which takes
# in the child's run and exit if it has not ended yet).  END: where to
# stop instead of the return (a hex address).  LIMIT: most instructions
# (200,000).  PM_MODE=supervisor runs pm as a supervisor actor.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
cd "$top"
op=$1 out=${2:-/tmp/bench-trace-$1.txt}
case $op in
null_call) nr=102 ;; getppid) nr=110 ;; signal_handler) nr=62 ;; stat) nr=4 ;; open_close) nr=2 ;;
file_reread) nr=17 ;; fork_exit_wait) nr=57 ;;
*) echo "bench-trace: OP is null_call, getppid, signal_handler, stat, open_close, file_reread or fork_exit_wait" >&2; exit 2 ;;
esac
nr=${NR:-$nr}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bench"
cp "$B/user/bench" "$tmp/bench/bench"
tools/mkroot.sh "$B/root-trace.cpio" "$tmp/bench=bench"
cat > "$tmp/trace.conf" <<CONF
# modules: root-trace.cpio
user trusted om root=root-trace.cpio
user trusted stm
${PM_MODE:-user} trusted pm /bench/bench loop $op
CONF
# the 200th such call of the process (a user pc: not a call of a server)
FIRST=syscall_entry COND="\$rax == $nr && \$rcx >= 0x10000000 && \$rcx < 0x20000000" N=200 \
	END=${END:-rcx} NAMES=1 MEM=512 tools/itrace/itrace.sh "$tmp/trace.conf" "$out" > /dev/null
# a supervisor pm (PM_MODE=supervisor) is where the nucleus says it loaded it
pm="pm:$B/actors/pm@400000"
at=$(tr -d '\r' < "$out.qemu" | sed -n 's/^nucleus: supervisor actor pm at 0x//p' | head -1)
[ -z "$at" ] || pm="$B/actors/pm@$at"
python3 tools/itrace/sym.py "$out" "$B/nucleus.elf" "$pm" \
	"om:$B/actors/om@400000" "stm:$B/actors/stm@400000" "$B/user/bench" -s
