/* SPDX-License-Identifier: MIT */
/*
 * Every way into the nucleus from the CPU: the 256 interrupt/exception
 * vectors, the syscall instruction, and the return paths.  All of them
 * build a struct kcontext (abi/motet/context.h) on the nucleus stack and
 * call C: trap_dispatch(ctx) or syscall_handler(ctx).
 * swapgs is done when coming from or going to ring 3 only: in ring 0
 * (nucleus and supervisor actors) GS always holds the per-CPU base.
 */
#include "asm.h"
#include <motet/context.h>

.macro SAVE_REGS
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro RESTORE_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
.endm

	.text
trap_common:
	testb	$3, 24(%rsp)		/* cs of the interrupted context */
	jz	1f
	swapgs
1:	SAVE_REGS
	cld
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
	call	trap_dispatch
	.globl	trap_return
trap_return:
	cli
	RESTORE_REGS
	testb	$3, 24(%rsp)
	jz	2f
	swapgs
2:	addq	$16, %rsp		/* vector, error */
	iretq

/* Vector stubs: push a dummy error code where the CPU pushes none. */
.macro VEC n
	.align	16
vec_\n:
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.else
	pushq	$0
	.endif
	pushq	$\n
	jmp	trap_common
.endm

	.align	16
vec_start:
.altmacro
.set i, 0
.rept 256
	VEC %i
	.set i, i + 1
.endr

	.section .rodata
	.align	8
	.globl	vectors
vectors:
.macro VECADDR n
	.quad	vec_\n
.endm
.set i, 0
.rept 256
	VECADDR %i
	.set i, i + 1
.endr
.noaltmacro

	.text
/*
 * syscall: rcx = user rip, r11 = user rflags, interrupts off (SFMASK).
 * Build the same kcontext as an interrupt would.  syscall_handler returns
 * non-zero when the context still allows the fast sysret.
 */
	.globl	syscall_entry
	.align	16
syscall_entry:
	swapgs
	movq	%rsp, %gs:CPU_USTACK
	movq	%gs:CPU_KSTACK, %rsp
	pushq	$SEL_UDATA
	pushq	%gs:CPU_USTACK
	pushq	%r11
	pushq	$SEL_UCODE
	pushq	%rcx
	pushq	$0
	pushq	$K_TRAP_SYSCALL
	SAVE_REGS
	cld
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
	call	syscall_handler
syscall_exit:
	testq	%rax, %rax
	jz	trap_return
	cli
	RESTORE_REGS
	movq	16(%rsp), %rcx		/* rip */
	movq	32(%rsp), %r11		/* rflags */
	movq	40(%rsp), %rsp		/* user rsp */
	swapgs
	sysretq

/*
 * Where a thread blocked in an IPC wait with a continuation is switched
 * to (thread_cont_frame): its actor context is at %rsp; ipc_continue
 * finishes its nucleus call and returns as syscall_handler does.
 */
	.globl	ipc_cont_entry
ipc_cont_entry:
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
	call	ipc_continue
	jmp	syscall_exit

/*
 * ctx_switch(u64 *save_sp, u64 new_sp): callee-saved registers on the old
 * stack, switch, pop them from the new one.
 */
	.globl	ctx_switch
ctx_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/*
 * A new thread's first return from ctx_switch lands here.  rbx != 0: a
 * nucleus thread (r12 = its struct thread).  rbx == 0: an actor thread
 * whose kcontext is at %rsp.
 */
	.globl	thread_trampoline
thread_trampoline:
	call	thread_first_run
	testq	%rbx, %rbx
	jz	trap_return
	movq	%r12, %rdi
	call	thread_kernel_main
	ud2

/*
 * copy_raw(dst, src, n): memcpy that returns -K_EFAULT (-2) instead of
 * faulting; trap.c finds the fixup in .fixup_table.
 */
	.globl	copy_in_raw, copy_out_raw
copy_in_raw:
copy_out_raw:
	movq	%rdx, %rcx		/* 8 bytes at a time, then the rest */
	shrq	$3, %rcx
copy_insn8:
	rep movsq
	movl	%edx, %ecx
	andl	$7, %ecx
copy_insn1:
	rep movsb
	xorl	%eax, %eax
	ret
copy_fault:
	movq	$-2, %rax
	ret
	.section .fixup_table, "a"
	.quad	copy_insn8, copy_fault
	.quad	copy_insn1, copy_fault

	.section .note.GNU-stack, "", @progbits
