#!/bin/bash
# SPDX-License-Identifier: MIT
# qemu.sh MODE CONF [extra qemu args]: boots the nucleus with the actors
# that CONF starts.  MODE: run (serial on the terminal), debug (wait for
# gdb on :1234), batch (serial to stdout, no terminal, for the tests).
# Environment: SMP (processors, default 2), MEM (MiB, default 256),
# ACCEL (tcg or kvm, default tcg), CPU (model; default qemu64 with tcg,
# host with kvm), ICOUNT=1 (-icount shift=0), APPEND (nucleus options:
# panic=off powers off after a panic, selftest=panic makes one).
set -euo pipefail
mode=$1 conf=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
name=$(basename "$conf" .conf)
dir=$B/boot/$name
mkdir -p "$dir"
cp "$conf" "$dir/boot.conf"
mods=()
# every module the configuration names (the word after the options)
for m in $(awk '!/^[ \t]*(#|$)/ { for (i = 1; i <= NF; i++) if ($i !~ /^(user|supervisor|trusted|prio=.*)$/) { print $i; break } }' "$conf" | sort -u); do
	[ -f "$B/actors/$m" ] || { echo "qemu.sh: no actor $m (build/actors/$m)" >&2; exit 1; }
	mods+=("$B/actors/$m")
done
# modules that actors start or read themselves: MODULES="a b c" (in
# build/actors/, else build/: a root file system archive, say)
for m in ${MODULES:-} $(sed -n 's/^#[ \t]*modules:[ \t]*//p' "$conf"); do
	if [ -f "$B/actors/$m" ]; then mods+=("$B/actors/$m"); else mods+=("$B/$m"); fi
done
initrd=$(IFS=,; echo "${mods[*]}"),$dir/boot.conf
cpu=${CPU:-$([ "${ACCEL:-tcg}" = kvm ] && echo host || echo qemu64)}
args=(-machine q35 -accel "${ACCEL:-tcg}" -cpu "$cpu" -smp "${SMP:-2}" -m "${MEM:-256}"
      -kernel "$B/nucleus.bin" -initrd "$initrd" -no-reboot)
[ "${ICOUNT:-0}" = 1 ] && args+=(-icount shift=0,sleep=off)
[ -n "${APPEND:-}" ] && args+=(-append "$APPEND")
case $mode in
run)	if [ -t 0 ]; then
		exec qemu-system-x86_64 "${args[@]}" -nographic -serial mon:stdio "$@"
	fi
	# input from a pipe or file: no monitor escape, the serial line alone
	exec qemu-system-x86_64 "${args[@]}" -display none -monitor none -serial stdio "$@" ;;
debug)	exec qemu-system-x86_64 "${args[@]}" -nographic -serial mon:stdio -s -S "$@" ;;
batch)	exec qemu-system-x86_64 "${args[@]}" -display none -monitor none -serial stdio "$@" ;;
*)	echo "qemu.sh: mode run, debug or batch" >&2; exit 2 ;;
esac
