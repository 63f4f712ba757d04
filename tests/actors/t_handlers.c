// SPDX-License-Identifier: MIT
/*
 * t_handlers (supervisor actor): connected handlers.  Three interrupt
 * handlers on the RTC line (IRQ 8) run in priority order until one stops
 * the chain, and wake a thread with mini-messages; an exception handler
 * repairs a child's division by zero; trap handlers answer a child's
 * syscall and int $0x80.  Disconnection and an ended target drop them.
 */
#include "ktest.h"
#include <motet/callnum.h>

#define SEC	(1000L * MS)

static volatile long na, nb, nc;
static volatile char last;
static volatile int order_bad;
static long mid;

static inline void outb(unsigned short p, unsigned char v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline unsigned char inb(unsigned short p) { unsigned char v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static void
rtc_periodic(int on)
{
	unsigned char b;

	outb(0x70, 0x8b);
	b = inb(0x71);
	outb(0x70, 0x8b);
	outb(0x71, on ? (b | 0x40) : (b & ~0x40));
	outb(0x70, 0x0c);
	inb(0x71);
}

static int
h_first(void *arg, int irq)
{
	na++;
	last = 'A';
	return K_INTR_CONTINUE;
}

static int
h_second(void *arg, int irq)
{
	if (last != 'A')
		order_bad = 1;
	last = 'B';
	outb(0x70, 0x0c);	/* acknowledge the RTC */
	inb(0x71);
	if ((++nb % 64) == 0)
		miniPost(mid, nb);
	return K_INTR_STOP;
}

static int
h_never(void *arg, int irq)
{
	nc++;
	return K_INTR_CONTINUE;
}

static void
interrupts(void)
{
	long h1, h2, h3, v = 0, n;

	mid = miniCreate();
	CHECK(!K_IS_ERR(mid), "miniCreate: %s", kerrName(mid));
	h3 = intrConnect(8, h_never, NULL, 1);
	h2 = intrConnect(8, h_second, NULL, 5);
	h1 = intrConnect(8, h_first, NULL, 10);
	CHECK(!K_IS_ERR(h1) && !K_IS_ERR(h2) && !K_IS_ERR(h3), "intrConnect");
	rtc_periodic(1);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(miniWait(mid, &v, 5 * SEC), K_OK);
		CHECK(v > 0 && v % 64 == 0, "mini-message value %ld", v);
	}
	rtc_periodic(0);
	CHECK_EQ(handlerDisconnect(h1), K_OK);
	CHECK_EQ(handlerDisconnect(h2), K_OK);
	CHECK_EQ(handlerDisconnect(h3), K_OK);
	CHECK_EQ(handlerDisconnect(h3), -K_EUNKNOWN);
	CHECK(nb >= 192, "second handler ran %ld times", nb);
	CHECK(na >= nb, "first %ld, second %ld", na, nb);
	CHECK_EQ(nc, 0);
	CHECK_EQ(order_bad, 0);
	n = na;
	threadSleep(30 * MS);
	CHECK_EQ(na, n);
	while (miniWait(mid, &v, K_NOWAIT) == K_OK)
		;
	CHECK_EQ(miniDelete(mid), K_OK);
}

static volatile int exc_calls;

static int
fix_div(void *arg, long aid, long tid, struct kcontext *ctx)
{
	exc_calls++;
	if (ctx->vector != 0 || arg != (void *)1)
		return K_EXC_DEFAULT;
	ctx->rip += 3;
	ctx->rax = 42;
	return K_EXC_HANDLED;
}

static int
fix_trap(void *arg, long aid, long tid, struct kcontext *ctx)
{
	if (ctx->vector == K_TRAP_SYSCALL && ctx->rax == 0x5002) {
		/* threadContext on the thread the handler runs in: the
		 * context it returns to and the FPU state put back after */
		static struct kthreadstate s;
		unsigned mx;
		if (threadContext(tid, K_CTX_ALL_GET, &s.ctx) != K_OK || s.ctx.rip != ctx->rip ||
		    s.ctx.rsp != ctx->rsp)
			return K_TRAP_PASS;
		s.ctx.rax = 42;
		memcpy(&mx, s.fpu + 24, 4);
		mx |= 0x6000;			/* round toward zero */
		memcpy(s.fpu + 24, &mx, 4);
		if (threadContext(tid, K_CTX_ALL_SET, &s.ctx) != K_OK || ctx->rax != 42)
			return K_TRAP_PASS;
		return K_TRAP_DONE;
	}
	if (ctx->vector == K_TRAP_SYSCALL && ctx->rax == 0x5000) {
		ctx->rax = ctx->rdi * 2;
		return K_TRAP_DONE;
	}
	if (ctx->vector == 0x80) {
		ctx->rax += 1;
		return K_TRAP_DONE;
	}
	return K_TRAP_PASS;	/* its nucleus calls go on as usual */
}

/* Starts t_bad MODE and connects a handler to it before it faults. */
static long
child_with(const char *mode, int kind, long trapno, void *fn, void *arg, long *hid)
{
	long aid = actorStart("t_bad", K_ACTOR_USER, mode);

	CHECK(!K_IS_ERR(aid), "start %s: %s", mode, kerrName(aid));
	if (kind == 0)
		*hid = excConnect(aid, (kexc_handler_t)fn, arg);
	else
		*hid = trapConnect(aid, trapno, (ktrap_handler_t)fn, arg);
	CHECK(!K_IS_ERR(*hid), "connect for %s: %s", mode, kerrName(*hid));
	return actorWait(aid, 10 * SEC);
}

static void
exceptions_and_traps(void)
{
	long hid, hid2;

	CHECK_EQ(child_with("div0fix", 0, 0, fix_div, (void *)1, &hid), 42);
	CHECK_EQ(exc_calls, 1);
	CHECK_EQ(handlerDisconnect(hid), -K_EUNKNOWN);	/* dropped with the target */
	CHECK_EQ(child_with("div0fix", 0, 0, fix_div, (void *)0, &hid), K_STATUS_EXCEPTION | 0);
	CHECK_EQ(exc_calls, 2);
	CHECK_EQ(child_with("trapfix", 1, K_TRAP_SYSCALL, fix_trap, NULL, &hid), 42);
	CHECK_EQ(child_with("trapctx", 1, K_TRAP_SYSCALL, fix_trap, NULL, &hid), 42);
	CHECK_EQ(child_with("int80fix", 1, 0x80, fix_trap, NULL, &hid), 42);
	/* with a trap port too: the handler first, what it passes is a
	 * message to the port (0x5001, then the exit call) */
	{
		struct kui port;
		struct kmsg m, r;
		struct ktrapmsg *tm = (struct ktrapmsg *)m.annex;
		long caid = actorStart("t_bad", K_ACTOR_USER, "trapboth");
		CHECK(!K_IS_ERR(caid), "start trapboth: %s", kerrName(caid));
		CHECK_EQ(portCreate(NULL, &port), K_OK);
		CHECK_EQ(trapPort(caid, &port), K_OK);
		hid = trapConnect(caid, K_TRAP_SYSCALL, fix_trap, NULL);
		CHECK(!K_IS_ERR(hid), "trapConnect: %s", kerrName(hid));
		memset(&m, 0, sizeof(m));
		CHECK_EQ(ipcReceive(&m, &port, 5 * SEC), K_OK);
		if (tm->rax == NC_threadSleep) {	/* it had not started its sleep yet */
			memset(&r, 0, sizeof(r));
			CHECK_EQ(ipcReply(m.reply, &r), K_OK);
			memset(&m, 0, sizeof(m));
			CHECK_EQ(ipcReceive(&m, &port, 5 * SEC), K_OK);
		}
		CHECK_EQ(tm->rax, 0x5001);
		CHECK_EQ(tm->rdi, 5);
		memset(&r, 0, sizeof(r));
		r.annex[0] = 43;
		CHECK_EQ(ipcReply(m.reply, &r), K_OK);
		memset(&m, 0, sizeof(m));
		CHECK_EQ(ipcReceive(&m, &port, 5 * SEC), K_OK);
		CHECK_EQ(tm->rax, NC_actorExit);
		CHECK_EQ(tm->rdi, 42);			/* both answers were right */
		CHECK_EQ(actorDelete(caid), K_OK);
		CHECK_EQ(actorWait(caid, 5 * SEC), K_STATUS_DELETED);
		CHECK_EQ(handlerDisconnect(hid), -K_EUNKNOWN);	/* dropped with the target */
		portDelete(&port);
	}
	/* one handler per target and trap */
	long aid = actorStart("t_bad", K_ACTOR_USER, "sleep");
	hid = trapConnect(aid, K_TRAP_SYSCALL, fix_trap, NULL);
	hid2 = trapConnect(aid, K_TRAP_SYSCALL, fix_trap, NULL);
	CHECK(!K_IS_ERR(hid), "trapConnect: %s", kerrName(hid));
	CHECK_EQ(hid2, -K_EBUSY);
	CHECK_EQ(handlerDisconnect(hid), K_OK);
	actorDelete(aid);
	CHECK_EQ(actorWait(aid, 5 * SEC), K_STATUS_DELETED);
}

int
main(void)
{
	ktest_begin("handlers");
	if (__kstart->mode != K_ACTOR_SUPER) {
		CHECK(0, "must run as a supervisor actor");
		ktest_end();
		return 0;
	}
	interrupts();
	exceptions_and_traps();
	ktest_end();
	return 0;
}
