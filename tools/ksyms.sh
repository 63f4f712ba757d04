#!/bin/sh
# SPDX-License-Identifier: MIT
# ksyms.sh ELF OUT.S: the text symbols of the nucleus as an assembly file
# for the .ksyms section (see nucleus/arch/x86_64/symbols.c).  With no ELF
# argument ("-"), an empty table for the first link.
set -e
elf=$1 out=$2
{
	echo '	.section .note.GNU-stack, "", @progbits'
	echo '	.section .ksyms, "a"'
	echo '	.align 8'
	echo '	.globl ksyms_count, ksyms_table'
	if [ "$elf" = "-" ]; then
		echo 'ksyms_count: .quad 0'
		echo 'ksyms_table:'
	else
		nm -n "$elf" | awk '$2 ~ /^[tT]$/ && $3 !~ /^\./ { n++; a[n] = $1; s[n] = $3 }
		END {
			printf "ksyms_count: .quad %d\nksyms_table:\n", n
			for (i = 1; i <= n; i++) printf "\t.quad 0x%s, .Ls%d\n", a[i], i
			for (i = 1; i <= n; i++) printf ".Ls%d: .asciz \"%s\"\n", i, s[i]
		}'
	fi
} > "$out"
