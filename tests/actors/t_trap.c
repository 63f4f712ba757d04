// SPDX-License-Identifier: MIT
/*
 * t_trap: trap messages and thread contexts, the nucleus's side of a
 * UNIX process manager.  The test starts itself as a user actor "child"
 * and routes the child's syscalls to a port of its own (trapPort); the
 * child makes raw syscalls with numbers the nucleus does not know, which
 * the test answers as a server would.  Checked: the registers in the
 * message (tid, rax, the six argument registers) and its stamp (the
 * child's actor UI); rax from the reply; reading the waiting thread's
 * context (rip, rcx as syscall leaves them) and changing it (it resumes
 * at another function, on another stack, with other registers; privilege
 * and interrupt state kept); a second thread started from a full context
 * (threadCreateCtx); a call held while the actor ends; routing undone
 * (the syscall is a nucleus call again: -K_ENOSYS, then actorExit); and
 * the errors of the three calls.
 * Test "trapx", child2: a FS base set for a thread waiting in a trap
 * message and for one created suspended (threadSetFs, threadCreateCtx
 * with K_THREAD_SUSPENDED); exceptions as messages (a page fault
 * answered by moving the thread on, an invalid opcode answered with a
 * refusal, which ends the actor); consGet's timeout and modRead.
 */
#include "tipc.h"

enum {
	T_HELLO = 0x7fff0001,	/* not a nucleus call: -K_ENOSYS until routed */
	T_ARGS, T_CTX, T_SPAWN, T_SECOND, T_FINAL, T_FS, T_FSTHREAD,
};
#define CHILD_EXIT	0x42

static long
raw(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			 "r"(r9) : "rcx", "r11", "memory");
	return r;
}

static char stack2[8192] __attribute__((aligned(16)));
static char stack3[8192] __attribute__((aligned(16)));
static unsigned long verdict;		/* child: bits of what it saw right */

/* The child's second thread, started by the test from a full context. */
static __attribute__((noreturn)) void
second(long arg)
{
	for (;;)
		raw(T_SECOND, arg, 0, 0, 0, 0, 0);	/* held by the test */
}

/* Where the test moves the child's first thread (T_CTX). */
static __attribute__((noreturn)) void
landing(long x)
{
	long r;

	if (x == 0x5151)
		verdict |= 4;
	raw(T_SPAWN, (long)second, (long)(stack3 + sizeof(stack3)), 0, 0, 0, 0);
	raw(T_FINAL, (long)verdict, 0, 0, 0, 0, 0);
	r = raw(T_HELLO, 0, 0, 0, 0, 0, 0);	/* routing undone by now */
	actorExit(r == -K_ENOSYS ? CHILD_EXIT : 1);
	for (;;)
		;
}

/* Before it is routed: an actor may not route one it does not control
 * (its parent), then it tells the test it is there. */
static int
child(const char *to, const char *parent)
{
	struct kui test;
	unsigned long paid;

	if (ui_parse(to, &test) < 0 || *hex_word(parent, &paid))
		return 1;
	send_words(&test, OP_HELLO, (unsigned long)trapPort((long)paid, &test), 0, 0);
	while (raw(T_HELLO, 0, 0, 0, 0, 0, 0) != 1)
		;				/* until the test routes us */
	if (raw(T_ARGS, 11, 22, 33, 44, 55, 66) == 0x600d)
		verdict |= 1;
	if (raw(T_ARGS, -1, 0, 0, 0, 0, 7) == 0xbad)
		verdict |= 2;
	raw(T_CTX, (long)landing, (long)(stack2 + sizeof(stack2)), 0, 0, 0, 0);
	return 1;			/* not reached: the test moved us */
}

/* The test, as the child's server. */

static struct kui port;
static long caid;

static void
reply(unsigned long token, unsigned long rax)
{
	struct kmsg r = { .annex = { rax } };

	CHECK_EQ(ipcReply(token, &r), K_OK);
}

/* The next trap message; its annex in *tm. */
static unsigned long
next(struct ktrapmsg *tm, struct kmsg *m)
{
	long e = recv_msg(m, &port, 5 * SEC);

	CHECK_EQ(e, K_OK);
	if (e != K_OK)
		return 0;
	*tm = *(struct ktrapmsg *)m->annex;
	return m->reply;
}

static void
errors(void)
{
	struct kcontext k = { .rip = 0x400000, .rsp = 0x500000 };
	struct kui self;

	actorUi(0, &self);
	CHECK_EQ(trapPort(BAD_AID, &port), -K_EUNKNOWN);
	CHECK_EQ(trapPort(caid, NUCLEUS_PTR), -K_EFAULT);
	CHECK_EQ(trapPort(caid, &self), -K_EINVAL);		/* an actor UI */
	if (__kstart->mode == K_ACTOR_SUPER)
		CHECK_EQ(trapPort(0, &port), -K_EINVAL);	/* supervisor actors never trap */
	CHECK_EQ(threadCreateCtx(BAD_AID, &k, 0), -K_EUNKNOWN);
	CHECK_EQ(threadCreateCtx(caid, NUCLEUS_PTR, 0), -K_EFAULT);
	k.rip = (unsigned long)NUCLEUS_PTR;
	CHECK_EQ(threadCreateCtx(caid, &k, 0), -K_EINVAL);
	k.rip = 0x400000;
	CHECK_EQ(threadCreateCtx(caid, &k, 12345678), -K_EINVAL);
	CHECK_EQ(threadContext(threadSelf(), K_CTX_GET, &k), -K_ESTATE);
	CHECK_EQ(threadContext(threadSelf(), 7, &k), -K_EINVAL);
	CHECK_EQ(threadContext(BAD_AID, K_CTX_GET, &k), -K_EUNKNOWN);
}

static void
run(void)
{
	struct kmsg m;
	struct ktrapmsg tm;
	struct kcontext k, k2;
	struct kui cui;
	unsigned long tok, held = 0, final = 0, ctid = 0, tid2 = 0, spawned = 0;
	char args[80], p[40];
	long e;

	ktest_begin("trap");
	CHECK_EQ(portCreate(NULL, &port), K_OK);
	ui_fmt(p, sizeof(p), &port);
	ksnprintf(args, sizeof(args), "child %s %lx", p, actorSelf());
	caid = actorStart("t_trap", K_ACTOR_USER, args);
	CHECK(caid > 0, "actorStart: %s", kerrName(caid));
	if (caid <= 0)
		return;
	actorUi(caid, &cui);
	CHECK_EQ(recv_msg(&m, &port, 5 * SEC), K_OK);	/* there, not routed yet */
	CHECK_EQ(m.annex[0], OP_HELLO);
	CHECK_EQ(m.annex[1], -K_EPERM);		/* it may not route its parent */
	errors();
	CHECK_EQ(trapPort(caid, &port), K_OK);

	/* hello: the child spins until its syscalls come to us */
	tok = next(&tm, &m);
	CHECK_EQ(tm.rax, T_HELLO);
	CHECK(uiEqual(&m.src, &cui), "the trap message is not from the child");
	CHECK_EQ(m.flags, K_MSG_CALL);
	ctid = tm.tid;
	reply(tok, 1);

	/* the argument registers, and rax from the reply */
	tok = next(&tm, &m);
	CHECK_EQ(tm.rax, T_ARGS);
	CHECK_EQ(tm.tid, ctid);
	CHECK(tm.rdi == 11 && tm.rsi == 22 && tm.rdx == 33 && tm.r10 == 44 && tm.r8 == 55 &&
	      tm.r9 == 66, "registers %lu %lu %lu %lu %lu %lu", tm.rdi, tm.rsi, tm.rdx, tm.r10,
	      tm.r8, tm.r9);
	reply(tok, 0x600d);
	tok = next(&tm, &m);
	CHECK_EQ(tm.rdi, -1);
	CHECK_EQ(tm.r9, 7);
	reply(tok, 0xbad);

	/* the context of the waiting thread: read, changed */
	tok = next(&tm, &m);
	CHECK_EQ(tm.rax, T_CTX);
	CHECK_EQ(threadContext(ctid, K_CTX_GET, &k), K_OK);
	CHECK_EQ(k.rax, T_CTX);
	CHECK_EQ(k.rdi, tm.rdi);
	CHECK_EQ(k.vector, K_TRAP_SYSCALL);
	CHECK(k.rcx == k.rip && k.rip >= 0x10000 && k.rip < 0x800000000000UL,
	      "rip %#lx rcx %#lx", k.rip, k.rcx);
	CHECK_EQ(threadContext(ctid, K_CTX_GET, NUCLEUS_PTR), -K_EFAULT);
	k2 = k;
	k2.rip = (unsigned long)NUCLEUS_PTR;
	CHECK_EQ(threadContext(ctid, K_CTX_SET, &k2), -K_EINVAL);
	k2 = k;
	k2.rip = tm.rdi;			/* landing */
	k2.rsp = tm.rsi - 8;			/* as after a call */
	k2.rdi = 0x5151;
	k2.cs = 0;				/* the nucleus keeps these */
	k2.rflags = ~0UL;
	CHECK_EQ(threadContext(ctid, K_CTX_SET, &k2), K_OK);
	CHECK_EQ(threadContext(ctid, K_CTX_GET, &k), K_OK);
	CHECK_EQ(k.rip, tm.rdi);
	CHECK_EQ(k.rdi, 0x5151);
	CHECK_EQ(k.cs & 3, 3);
	CHECK_EQ(k.rflags & (1UL << 9), 1UL << 9);	/* IF */
	CHECK_EQ(k.rflags & (3UL << 12), 0);		/* IOPL 0 */
	reply(tok, 0);

	/* then: T_SPAWN from landing, T_SECOND from the new thread (held),
	 * T_FINAL from landing; answered once both came */
	while (!(held && final)) {
		if (!(tok = next(&tm, &m)))
			break;
		if (tm.rax == T_SPAWN) {
			k2 = (struct kcontext){ .rip = tm.rdi, .rsp = tm.rsi - 8, .rdi = 77 };
			e = threadCreateCtx(caid, &k2, 0);
			CHECK(e > 0, "threadCreateCtx: %s", kerrName(e));
			spawned = (unsigned long)e;
			reply(tok, (unsigned long)e);
		} else if (tm.rax == T_SECOND) {
			CHECK_EQ(tm.rdi, 77);
			tid2 = tm.tid;
			held = tok;
		} else if (tm.rax == T_FINAL) {
			CHECK_EQ(tm.tid, ctid);
			CHECK_EQ(tm.rdi, 1 | 2 | 4);		/* what the child saw */
			final = tok;
		} else {
			CHECK(0, "unexpected trap %#lx", tm.rax);
			reply(tok, 0);
		}
	}
	CHECK_EQ(tid2, spawned);
	CHECK(tid2 != ctid, "the second thread has the first one's tid");
	CHECK_EQ(threadContext(tid2, K_CTX_GET, &k), K_OK);	/* held: stopped */
	CHECK_EQ(k.rax, T_SECOND);

	/* routing undone: the child's next syscall is a nucleus call again */
	CHECK_EQ(trapPort(caid, NULL), K_OK);
	if (final)
		reply(final, 0);
	CHECK_EQ(actorWait(caid, 5 * SEC), CHILD_EXIT);
	if (held) {
		struct kmsg r = { 0 };
		CHECK(ipcReply(held, &r) < 0, "a reply to a thread that ended was taken");
	}
	CHECK_EQ(threadContext(tid2, K_CTX_GET, &k), -K_EUNKNOWN);
	portDelete(&port);
	ktest_end();
}

/* child2: its FS area, and what it read through %fs */
static unsigned long fs_area[2] = { 0x1111, 0x2222 };
static unsigned long fs_area2[2] = { 0x3333, 0x4444 };

static unsigned long
fs_word(long off)
{
	unsigned long v;

	__asm__ volatile("movq %%fs:(%1), %0" : "=r"(v) : "r"(off));
	return v;
}

static __attribute__((noreturn)) void
fs_thread(void)
{
	raw(T_FSTHREAD, (long)fs_word(8), 0, 0, 0, 0, 0);
	threadDelete(0);
	for (;;)
		;
}

/* Where the test moves child2 after its page fault. */
static __attribute__((noreturn)) void
after_fault(long x)
{
	raw(T_FINAL, x, (long)fs_word(0), 0, 0, 0, 0);
	__asm__ volatile("ud2");		/* refused: the actor ends */
	for (;;)
		;
}

static int
child2(void)
{
	while (raw(T_HELLO, 0, 0, 0, 0, 0, 0) != 1)
		;
	raw(T_FS, (long)fs_area, (long)fs_area2, (long)fs_thread,
	    (long)(stack3 + sizeof(stack3) - 8), (long)after_fault,
	    (long)(stack2 + sizeof(stack2) - 8));
	if (fs_word(0) != 0x1111 || fs_word(8) != 0x2222)
		raw(T_FINAL, 0xbad, 0, 0, 0, 0, 0);
	*(volatile long *)0x1000 = 1;		/* the test moves us to after_fault */
	return 1;
}

static void
run2(void)
{
	struct kmsg m;
	struct ktrapmsg tm;
	struct kexcmsg em;
	struct kcontext k;
	unsigned long tok, ctid, fault_tok = 0, land_rip, land_rsp;
	long e, tid2 = 0;
	char buf[8];

	ktest_begin("trapx");
	CHECK_EQ(consGet(buf, sizeof(buf), 1000000), -K_ETIMEOUT);
	CHECK_EQ(consGet(buf, 0, 0), -K_EINVAL);
	CHECK_EQ(consGet(buf, 1, -5), -K_EINVAL);
	e = modRead("t_trap", 0, buf, 4);
	if (__kstart->mode == K_ACTOR_SUPER) {
		CHECK_EQ(e, 4);
		CHECK(memcmp(buf, "\x7f" "ELF", 4) == 0, "modRead: not an ELF header");
		CHECK(modRead("t_trap", 0, NULL, 0) > 4096, "modRead: no size");
		CHECK_EQ(modRead("no-such-module", 0, buf, 4), -K_ENOENT);
		CHECK_EQ(modRead("t_trap", 1L << 40, buf, 4), 0);
		CHECK_EQ(modRead("t_trap", 0, NUCLEUS_PTR, 4), -K_EFAULT);
	} else {
		CHECK_EQ(e, -K_EPERM);		/* a user actor that is not trusted */
	}
	CHECK_EQ(portCreate(NULL, &port), K_OK);
	caid = actorStart("t_trap", K_ACTOR_USER, "child2");
	CHECK(caid > 0, "actorStart: %s", kerrName(caid));
	if (caid <= 0)
		return;
	CHECK_EQ(trapPort(caid, &port), K_OK);
	tok = next(&tm, &m);
	CHECK_EQ(tm.rax, T_HELLO);
	ctid = tm.tid;
	reply(tok, 1);

	/* T_FS: its FS base, and a thread created suspended with another */
	tok = next(&tm, &m);
	CHECK_EQ(tm.rax, T_FS);
	CHECK_EQ(threadSetFs(ctid, 1UL << 47), -K_EINVAL);	/* not canonical */
	CHECK_EQ(threadSetFs(BAD_AID, tm.rdi), -K_EUNKNOWN);
	CHECK_EQ(threadSetFs(ctid, tm.rdi), K_OK);
	{	/* its FPU area: read, changed (MXCSR's reserved bits cleared) */
		unsigned char fa[512] __attribute__((aligned(16)));
		unsigned mx, mask;
		long e2;
		while ((e2 = threadContext(ctid, K_CTX_FPU_GET, (struct kcontext *)fa)) == -K_EAGAIN)
			threadYield();
		CHECK_EQ(e2, K_OK);
		memcpy(&mx, fa + 24, 4);
		memcpy(&mask, fa + 28, 4);
		CHECK_EQ(mx, 0x1f80);			/* the default MXCSR */
		mx = 0x1f80 | 0x6000 | 0xffff0000u;	/* round toward zero; reserved bits */
		memcpy(fa + 24, &mx, 4);
		CHECK_EQ(threadContext(ctid, K_CTX_FPU_SET, (struct kcontext *)fa), K_OK);
		memset(fa, 0, sizeof(fa));
		CHECK_EQ(threadContext(ctid, K_CTX_FPU_GET, (struct kcontext *)fa), K_OK);
		memcpy(&mx, fa + 24, 4);
		CHECK_EQ(mx, (0x7f80u) & (mask ? mask : 0xffbfu));
		CHECK_EQ(threadContext(ctid, K_CTX_FPU_GET, NUCLEUS_PTR), -K_EFAULT);
		CHECK_EQ(threadContext(threadSelf(), K_CTX_FPU_GET, (struct kcontext *)fa), -K_ESTATE);
	}
	{	/* both at once: K_CTX_ALL_GET and K_CTX_ALL_SET */
		static struct kthreadstate s;
		struct kcontext k1;
		unsigned mx;
		long e2;
		CHECK_EQ(threadContext(ctid, K_CTX_GET, &k1), K_OK);
		while ((e2 = threadContext(ctid, K_CTX_ALL_GET, &s.ctx)) == -K_EAGAIN)
			threadYield();
		CHECK_EQ(e2, K_OK);
		CHECK_EQ(s.ctx.rip, k1.rip);
		CHECK_EQ(s.ctx.rsp, k1.rsp);
		CHECK_EQ(s.ctx.rax, k1.rax);
		memcpy(&mx, s.fpu + 24, 4);
		CHECK_EQ(mx & 0xffbfu, 0x7f80u);	/* as the FPU_SET above left it */
		/* a bad context changes nothing, the FPU part included */
		s.ctx.rip = (unsigned long)NUCLEUS_PTR;
		mx = 0x1f80;
		memcpy(s.fpu + 24, &mx, 4);
		CHECK_EQ(threadContext(ctid, K_CTX_ALL_SET, &s.ctx), -K_EINVAL);
		CHECK_EQ(threadContext(ctid, K_CTX_FPU_GET, (struct kcontext *)s.fpu), K_OK);
		memcpy(&mx, s.fpu + 24, 4);
		CHECK_EQ(mx & 0xffbfu, 0x7f80u);
		/* a good one sets both: rounding to nearest again, rbx marked */
		s.ctx = k1;
		s.ctx.rbx = 0x5eed;
		mx = 0x1f80;
		memcpy(s.fpu + 24, &mx, 4);
		CHECK_EQ(threadContext(ctid, K_CTX_ALL_SET, &s.ctx), K_OK);
		memset(&s, 0, sizeof(s));
		CHECK_EQ(threadContext(ctid, K_CTX_ALL_GET, &s.ctx), K_OK);
		memcpy(&mx, s.fpu + 24, 4);
		CHECK_EQ(mx, 0x1f80u);
		CHECK_EQ(s.ctx.rbx, 0x5eed);
		CHECK_EQ(s.ctx.rip, k1.rip);
		s.ctx.rbx = k1.rbx;
		CHECK_EQ(threadContext(ctid, K_CTX_ALL_SET, &s.ctx), K_OK);
		CHECK_EQ(threadContext(ctid, K_CTX_ALL_GET, NUCLEUS_PTR), -K_EFAULT);
		CHECK_EQ(threadContext(ctid, K_CTX_ALL_SET, NUCLEUS_PTR), -K_EFAULT);
		CHECK_EQ(threadContext(threadSelf(), K_CTX_ALL_GET, &s.ctx), -K_ESTATE);
		CHECK_EQ(threadContext(ctid, 6, &s.ctx), -K_EINVAL);
	}
	k = (struct kcontext){ .rip = tm.rdx, .rsp = tm.r10 };
	tid2 = threadCreateCtx(caid, &k, K_THREAD_SUSPENDED);
	CHECK(tid2 > 0, "threadCreateCtx suspended: %s", kerrName(tid2));
	CHECK_EQ(threadSetFs(tid2, tm.rsi), K_OK);
	CHECK_EQ(threadResume(tid2), K_OK);
	land_rip = tm.r8;
	land_rsp = tm.r9;
	reply(tok, 0);

	/* the suspended thread's report and its end (threadDelete is routed
	 * too: a server ends it), and child2's page fault */
	for (int i = 0; i < 3; i++) {
		if (!(tok = next(&tm, &m)))
			break;
		if (tm.tid & K_TRAPMSG_EXC) {
			em = *(struct kexcmsg *)m.annex;
			CHECK_EQ(em.tid, ctid | K_TRAPMSG_EXC);
			CHECK_EQ(em.vector, 14);
			CHECK_EQ(em.addr, 0x1000);
			CHECK_EQ(em.error & 2, 2);		/* a write */
			CHECK_EQ(threadContext(ctid, K_CTX_GET, &k), K_OK);
			CHECK_EQ(k.rip, em.rip);
			CHECK_EQ(k.vector, 14);
			k.rip = land_rip;		/* after_fault(0x77) */
			k.rsp = land_rsp;
			k.rdi = 0x77;
			CHECK_EQ(threadContext(ctid, K_CTX_SET, &k), K_OK);
			fault_tok = tok;
		} else if (tm.rax == NC_threadDelete) {
			CHECK_EQ(tm.tid, tid2);
			CHECK_EQ(threadDelete(tid2), K_OK);
		} else {
			CHECK_EQ(tm.rax, T_FSTHREAD);
			CHECK_EQ(tm.tid, tid2);
			CHECK_EQ(tm.rdi, 0x4444);	/* fs_area2[1] through %fs */
			reply(tok, 0);
		}
	}
	CHECK(fault_tok, "no exception message");
	reply(fault_tok, K_OK);
	tok = next(&tm, &m);
	CHECK_EQ(tm.rax, T_FINAL);
	CHECK_EQ(tm.rdi, 0x77);
	CHECK_EQ(tm.rsi, 0x1111);		/* the FS base survived the fault */
	reply(tok, 0);
	tok = next(&tm, &m);			/* ud2: #UD, refused */
	CHECK_EQ(tm.tid, ctid | K_TRAPMSG_EXC);
	CHECK_EQ(((struct kexcmsg *)m.annex)->vector, 6);
	reply(tok, 1);
	CHECK_EQ(actorWait(caid, 5 * SEC), K_STATUS_EXCEPTION | 6);
	portDelete(&port);
	ktest_end();
}

int
main(int argc, char **argv)
{
	if (argc > 3 && strcmp(argv[1], "child") == 0)
		return child(argv[2], argv[3]);
	if (argc > 1 && strcmp(argv[1], "child2") == 0)
		return child2();
	run();
	run2();
	return 0;
}
