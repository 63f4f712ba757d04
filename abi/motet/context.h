/* SPDX-License-Identifier: MIT */
/*
 * The processor context of a thread as the nucleus saves it on a trap,
 * exception, interrupt or nucleus call.  Connected handlers receive a
 * pointer to it and may change it: the thread resumes from what it holds.
 * The layout is fixed: nucleus/arch/x86_64/entry.S pushes it.
 */
#ifndef MOTET_CONTEXT_H
#define MOTET_CONTEXT_H

#ifndef __ASSEMBLER__
#include <stdint.h>

struct kcontext {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;	/* trap vector; K_TRAP_SYSCALL for syscall */
	uint64_t error;		/* CPU error code, or 0 */
	uint64_t rip, cs, rflags, rsp, ss;	/* as pushed by the CPU */
};

_Static_assert(sizeof(struct kcontext) == 22 * 8, "kcontext layout");

/*
 * A syscall trap sent as a call to the actor's trap port (trapPort): the
 * annex of the request.  The reply's annex word 0 becomes rax.
 */
struct ktrapmsg {
	uint64_t tid;		/* the trapping thread */
	uint64_t rax, rdi, rsi, rdx, r10, r8, r9;
};

/*
 * A processor exception of a thread of such an actor (one no connected
 * handler took, and not a page fault the VM served) goes to the same port
 * as a call with this annex, told apart by K_TRAPMSG_EXC in the tid word.
 * The thread waits as in a trap message (threadContext works on it).  The
 * reply's annex word 0: K_OK resumes it from its (maybe changed) context;
 * anything else, or a failed call, deletes the actor as an unhandled
 * exception does.
 */
#define K_TRAPMSG_EXC	(1UL << 63)
struct kexcmsg {
	uint64_t tid;		/* the thread | K_TRAPMSG_EXC */
	uint64_t vector;	/* 0..31 */
	uint64_t error;		/* the CPU's error code */
	uint64_t addr;		/* page fault: the address (cr2) */
	uint64_t rip, rsp;
};

/* A thread's whole user state, for K_CTX_ALL_GET and K_CTX_ALL_SET: one
 * nucleus call where a signal frame needs both. */
struct kthreadstate {
	struct kcontext ctx;
	uint8_t fpu[512] __attribute__((aligned(16)));	/* FXSAVE layout */
};
#endif

#define KCTX_RAX	(14 * 8)
#define KCTX_VECTOR	(15 * 8)
#define KCTX_RIP	(17 * 8)
#define KCTX_CS		(18 * 8)
#define KCTX_RSP	(20 * 8)
#define KCTX_SIZE	(22 * 8)

/* threadContext operations. */
#define K_CTX_GET	0
#define K_CTX_SET	1
#define K_CTX_FPU_GET	2	/* the 512-byte FXSAVE area of the FPU/SSE state */
#define K_CTX_FPU_SET	3
#define K_CTX_ALL_GET	4	/* both: a struct kthreadstate */
#define K_CTX_ALL_SET	5

/* Trap numbers for trapConnect. */
#define K_TRAP_SYSCALL	0x100	/* the syscall instruction */
/* int $0x80 .. int $0x8f are trap vectors 0x80..0x8f */
#define K_TRAP_INT_FIRST 0x80
#define K_TRAP_INT_LAST	 0x8f

#endif
