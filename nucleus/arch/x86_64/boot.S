/* SPDX-License-Identifier: MIT */
/*
 * Multiboot (v1) entry: the boot loader (QEMU -kernel, or GRUB) jumps to
 * _start32 in 32-bit protected mode with paging off.  We build boot page
 * tables that map the first 4 GiB three times (identity, the direct map at
 * KDIRECT and the nucleus image at KERNEL_VMA), enable PAE, long mode, NX
 * and paging, and jump to kmain in the higher half.  The a.out kludge (flag
 * bit 16) lets a loader take the flat image without reading ELF64.
 */
#include "asm.h"

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	((1 << 1) | (1 << 16))	/* memory map, address fields */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header			/* header_addr (physical: .boot is) */
	.long _phys_start		/* load_addr */
	.long _phys_load_end		/* load_end_addr */
	.long _phys_bss_end		/* bss_end_addr */
	.long _start32			/* entry_addr */

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	movl	%eax, %edi			/* multiboot magic */
	movl	%ebx, %esi			/* multiboot info (physical) */
	movl	$(boot_stack_top - KERNEL_VMA), %esp

	/* PML4[0] and PML4[256] -> boot_pdpt (identity and direct map) */
	movl	$(boot_pdpt - KERNEL_VMA + 3), %eax
	movl	%eax, (boot_pml4 - KERNEL_VMA)
	movl	%eax, (boot_pml4 - KERNEL_VMA + 256 * 8)
	/* PML4[511] -> boot_pdpt_hi; its entry 510 -> the first PD */
	movl	$(boot_pdpt_hi - KERNEL_VMA + 3), %eax
	movl	%eax, (boot_pml4 - KERNEL_VMA + 511 * 8)
	movl	$(boot_pd - KERNEL_VMA + 3), %eax
	movl	%eax, (boot_pdpt_hi - KERNEL_VMA + 510 * 8)
	/* boot_pdpt[0..3] -> boot_pd[0..3] */
	movl	$(boot_pdpt - KERNEL_VMA), %ebx
	xorl	%ecx, %ecx
1:	movl	%ecx, %edx
	shll	$12, %edx
	addl	$(boot_pd - KERNEL_VMA + 3), %edx
	movl	%edx, (%ebx, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jne	1b
	/* 2048 PD entries: 2 MiB pages covering 0..4 GiB */
	movl	$(boot_pd - KERNEL_VMA), %ebx
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax			/* present, writable, 2 MiB */
	movl	%eax, (%ebx, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax			/* high half of the address */
	movl	%eax, 4(%ebx, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	2b

	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_PGE), %eax
	movl	%eax, %cr4
	movl	$(boot_pml4 - KERNEL_VMA), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP | CR0_PE), %eax
	movl	%eax, %cr0
	lgdt	boot_gdtr
	ljmp	$0x08, $long_low

	.code64
long_low:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movabsq	$long_high, %rax
	jmp	*%rax

	.align 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: data */
boot_gdtr:
	.word	boot_gdtr - boot_gdt - 1
	.long	boot_gdt

	.text
long_high:
	movabsq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	/* edi = magic, esi = multiboot info: already the first two arguments */
	call	kmain
3:	cli
	hlt
	jmp	3b

	.bss
	.align 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pdpt_hi:	.skip 4096
boot_pd:	.skip 4 * 4096
	.globl boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
