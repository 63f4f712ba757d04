/* SPDX-License-Identifier: MIT */
/*
 * Actor entry.  The nucleus starts the first thread at _start with %rdi
 * pointing at a struct kstartinfo; we remember how to reach the nucleus
 * (syscall or direct call) and run main.
 */
	.text
	.globl	_start
_start:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	__kmain
	ud2

/*
 * long __ncall(n, a1, a2, a3, a4, a5): the one way into the nucleus.
 * A user actor traps with syscall (number in rax, arguments in rdi, rsi,
 * rdx, r10, r8); a supervisor actor calls the nucleus's direct entry with
 * the same arguments as this function received.
 */
	.globl	__ncall
	.type	__ncall, @function
__ncall:
	movq	__ncall_entry(%rip), %rax
	testq	%rax, %rax
	jnz	1f
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
	syscall
	ret
1:	jmp	*%rax
	.size	__ncall, . - __ncall

	.section .note.GNU-stack, "", @progbits
