// SPDX-License-Identifier: MIT
/*
 * Start-up code of the application processors.  trampoline_start ..
 * trampoline_end is not run in place: smp.c copies it to physical
 * TRAMPOLINE_PA (a page below 1 MiB), fills in the tramp_* words and sends
 * STARTUP with vector TRAMPOLINE_PA >> 12.  The AP starts there in real
 * mode with CS = TRAMPOLINE_PA >> 4, so every address inside the copy is
 * written as TR(label): its offset from trampoline_start plus
 * TRAMPOLINE_PA.
 *
 * real mode -> 32-bit protected mode (temporary GDT in the copy) -> PAE,
 * CR3 = tramp_pml4 (identity-maps the first 2 MiB and shares the upper
 * half of kernel_pml4) -> long mode -> ap_entry64 in the higher half,
 * which switches to kernel_pml4, loads a GDT of the nucleus image and
 * calls ap_main(tramp_cpu) on tramp_stack.
 *
 * Entry points: trampoline_start (copied), ap_entry64 (from the copy).
 */
#include "asm.h"

#define TRAMPOLINE_PA	0x8000		/* also in smp.c */
#define TR(x)		((x) - trampoline_start + TRAMPOLINE_PA)
#define CR0_CD_NW	0x60000000	/* set by INIT: caches off */

	.section .rodata
	.balign 16
	.globl trampoline_start
trampoline_start:
	.code16
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$1, TR(tramp_started)
	lgdtl	TR(tramp_gdtr)
	movl	%cr0, %eax
	andl	$~CR0_CD_NW, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$0x18, $TR(tramp_32)

	.code32
tramp_32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_PGE), %eax
	movl	%eax, %cr4
	movl	TR(tramp_pml4), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP | CR0_PE), %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $TR(tramp_64)

	.code64
tramp_64:
	movq	TR(tramp_entry), %rax
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00af9b000000ffff		/* 0x08: 64-bit code */
	.quad	0x00cf93000000ffff		/* 0x10: data */
	.quad	0x00cf9b000000ffff		/* 0x18: 32-bit code */
tramp_gdtr:
	.word	tramp_gdtr - tramp_gdt - 1
	.long	TR(tramp_gdt)

	.balign 8
	.globl tramp_pml4, tramp_kpml4, tramp_stack, tramp_cpu
	.globl tramp_entry, tramp_started
tramp_pml4:	.quad 0		/* transition page table, below 4 GiB */
tramp_kpml4:	.quad 0		/* kernel_pml4 */
tramp_stack:	.quad 0		/* top of the AP's stack (virtual) */
tramp_cpu:	.quad 0		/* argument of ap_main */
tramp_entry:	.quad 0		/* ap_entry64 */
tramp_started:	.quad 0		/* set by the AP as its first act */
	.globl trampoline_end
trampoline_end:

/*
 * In the higher half on the transition page table, still able to read the
 * copy at TRAMPOLINE_PA: take everything from it, then leave it for the
 * nucleus page table.  The BSP does not reuse the copy before ap_main has
 * counted this processor in cpus_online.
 */
	.text
	.globl ap_entry64
ap_entry64:
	movq	TR(tramp_stack), %rsp
	movq	TR(tramp_cpu), %rdi
	movq	TR(tramp_kpml4), %rax
	movq	%rax, %cr3
	lgdt	ap_gdtr(%rip)
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	leaq	1f(%rip), %rax
	pushq	$0x08
	pushq	%rax
	lretq
1:	xorl	%ebp, %ebp
	call	ap_main
2:	cli
	hlt
	jmp	2b

/* The boot GDT again, in the nucleus image; accessed bits preset. */
	.section .rodata
	.balign 8
ap_gdt:
	.quad	0
	.quad	0x00af9b000000ffff		/* 0x08: 64-bit code */
	.quad	0x00cf93000000ffff		/* 0x10: data */
ap_gdtr:
	.word	ap_gdtr - ap_gdt - 1
	.quad	ap_gdt

	.section .note.GNU-stack, "", @progbits
