#!/bin/bash
# SPDX-License-Identifier: MIT
# mkiso.sh CONF OUT.iso: builds a BIOS-bootable GRUB image that boots what
# `tools/qemu.sh run CONF` boots: build/nucleus.bin (multiboot v1, a.out
# kludge), one module per actor that CONF names, and CONF itself as the
# module "boot.conf".  The nucleus names a module by the last path
# component of the first word of its string, so each line reads
# `module /boot/NAME NAME`.  Console on the first serial port, 115200 baud.
# Actors that others start themselves are added from `# modules: a b`
# lines of CONF (as tools/test.sh reads them) and from MODULES="a b" (as
# for qemu.sh).  Needs grub-pc-bin, xorriso and mtools.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: mkiso.sh CONF OUT.iso" >&2; exit 2; }
conf=$1 out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
[ -f "$conf" ] || { echo "mkiso.sh: no configuration $conf" >&2; exit 1; }
[ -f "$B/nucleus.bin" ] || { echo "mkiso.sh: no $B/nucleus.bin (run make)" >&2; exit 1; }
command -v grub-mkrescue >/dev/null && command -v xorriso >/dev/null ||
	{ echo "mkiso.sh: needs grub-mkrescue (grub-pc-bin, grub-common) and xorriso" >&2; exit 1; }
[ -d /usr/lib/grub/i386-pc ] ||
	{ echo "mkiso.sh: no /usr/lib/grub/i386-pc (install grub-pc-bin)" >&2; exit 1; }

# every module the configuration names (the word after the options), as
# qemu.sh finds them, then those of "# modules:" lines and of MODULES
names=$(awk '!/^[ \t]*(#|$)/ { for (i = 1; i <= NF; i++) if ($i !~ /^(user|supervisor|trusted|prio=.*)$/) { print $i; break } }' "$conf" | sort -u)
names="$names $(sed -n 's/^#[ \t]*modules:[ \t]*//p' "$conf") ${MODULES:-}"

stage=$B/iso/$(basename "$conf" .conf)
rm -rf "$stage"
mkdir -p "$stage/boot/grub"
cp "$B/nucleus.bin" "$stage/boot/nucleus.bin"
cp "$conf" "$stage/boot/boot.conf"
mods=""
for m in $names; do
	src=$B/actors/$m
	[ -f "$src" ] || src=$B/$m		# a root file system archive
	[ -f "$src" ] || { echo "mkiso.sh: no actor $m ($B/actors/$m)" >&2; exit 1; }
	[ "$m" != boot.conf ] && [ "$m" != nucleus.bin ] ||
		{ echo "mkiso.sh: actor name $m is reserved" >&2; exit 1; }
	[ -f "$stage/boot/$m" ] && continue
	cp "$src" "$stage/boot/$m"
	mods+="	module /boot/$m $m"$'\n'
done

cat > "$stage/boot/grub/grub.cfg" <<EOF
# made by tools/mkiso.sh from $(basename "$conf")
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
set default=0

menuentry "motet ($(basename "$conf" .conf))" {
	multiboot /boot/nucleus.bin
${mods}	module /boot/boot.conf boot.conf
}
EOF

mkdir -p "$(dirname "$out")"
rm -f "$out"
# BIOS only; leave out fonts, themes and translations (serial console)
log=$B/iso/grub-mkrescue.log
if ! grub-mkrescue -d /usr/lib/grub/i386-pc --fonts= --themes= --locales= \
	--compress=xz -o "$out" "$stage" >"$log" 2>&1; then
	cat "$log" >&2
	echo "mkiso.sh: grub-mkrescue failed" >&2
	exit 1
fi
echo "mkiso.sh: $out ($(du -k "$out" | cut -f1) KiB): nucleus.bin$(for m in $names; do printf ' %s' "$m"; done) boot.conf"
