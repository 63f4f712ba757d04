// SPDX-License-Identifier: MIT
/*
 * t_calls: every nucleus call given bad numbers, bad pointers, bad handles
 * and out-of-range values returns the documented error and changes
 * nothing.  Runs in user and supervisor mode.
 */
#include "ktest.h"

#define NUCLEUS_PTR	((void *)0xffff800000100000UL)
#define IMAGE_PTR	((void *)0xffffffff80100000UL)

static int word;

static int dummy_handler(void *a, int irq) { return K_INTR_CONTINUE; }

static void
numbers(void)
{
	CHECK_EQ(__ncall(0, 0, 0, 0, 0, 0), -K_ENOSYS);
	CHECK_EQ(__ncall(-1, 0, 0, 0, 0, 0), -K_ENOSYS);
	CHECK_EQ(__ncall(NC_MAX, 0, 0, 0, 0, 0), -K_ENOSYS);
	CHECK_EQ(__ncall(9, 0, 0, 0, 0, 0), -K_ENOSYS);	/* a hole */
	CHECK_EQ(__ncall(1L << 40, 0, 0, 0, 0, 0), -K_ENOSYS);
}

static void
pointers(void)
{
	struct ksysinfo si;
	struct kthreadstat st;
	long v;

	CHECK_EQ(consWrite(NULL, 10), -K_EFAULT);
	CHECK_EQ(consWrite(NUCLEUS_PTR, 10), -K_EFAULT);
	CHECK_EQ(consWrite(IMAGE_PTR, 10), -K_EFAULT);
	CHECK_EQ(consWrite("x", -1), -K_EINVAL);
	CHECK_EQ(sysInfo(NULL), -K_EFAULT);
	CHECK_EQ(sysInfo(NUCLEUS_PTR), -K_EFAULT);
	CHECK_EQ(sysInfo((void *)0xfff0), -K_EFAULT);
	CHECK_EQ(sysInfo(&si), K_OK);
	CHECK_EQ(threadStat(0, NULL), -K_EFAULT);
	CHECK_EQ(threadStat(0, IMAGE_PTR), -K_EFAULT);
	CHECK_EQ(threadStat(0, &st), K_OK);
	CHECK_EQ(st.aid, actorSelf());
	CHECK_EQ(actorStart(NULL, K_ACTOR_USER, ""), -K_EFAULT);
	CHECK_EQ(actorStart(NUCLEUS_PTR, K_ACTOR_USER, ""), -K_EFAULT);
	CHECK_EQ(actorStart("t_bad", K_ACTOR_USER, NUCLEUS_PTR), -K_EFAULT);
	CHECK_EQ(syncWait(NULL, 0, 0), -K_EFAULT);
	CHECK_EQ(syncWait(NUCLEUS_PTR, 0, 0), -K_EFAULT);
	CHECK_EQ(syncWait((const int *)((char *)&word + 1), 0, 0), -K_EINVAL);
	CHECK_EQ(syncWait(&word, word + 1, K_NOTIMEOUT), -K_EAGAIN);
	CHECK_EQ(syncWait(&word, word, 1000), -K_ETIMEOUT);
	CHECK_EQ(syncWake(NUCLEUS_PTR, 1), -K_EFAULT);
	CHECK_EQ(syncWake(&word, 0), -K_EINVAL);
	CHECK_EQ(syncWake(&word, 1), 0);
	long mid = miniCreate();
	CHECK(!K_IS_ERR(mid), "miniCreate %s", kerrName(mid));
	CHECK_EQ(miniPost(mid, 5), K_OK);
	CHECK_EQ(miniWait(mid, NUCLEUS_PTR, K_NOWAIT), -K_EFAULT);
	CHECK_EQ(miniDelete(mid), K_OK);
	CHECK_EQ(miniWait(mid, &v, K_NOWAIT), -K_EUNKNOWN);
}

static void
handles(void)
{
	long self = threadSelf();

	CHECK_EQ(threadResume(12345), -K_EUNKNOWN);
	CHECK_EQ(threadResume(-5), -K_EUNKNOWN);
	CHECK_EQ(threadResume(self + (1L << 16)), -K_EUNKNOWN);	/* stale generation */
	CHECK_EQ(threadResume(self), -K_ESTATE);
	CHECK_EQ(threadSuspend(1L << 40), -K_EUNKNOWN);
	CHECK_EQ(threadDelete(999), -K_EUNKNOWN);
	CHECK_EQ(threadSetPrio(self, 0x999999), -K_EINVAL);
	CHECK_EQ(threadSetPrio(self, K_PRIO_RT(64)), -K_EINVAL);
	CHECK_EQ(threadSetPrio(self, K_PRIO_TS(20)), -K_EINVAL);
	CHECK_EQ(threadSetPrio(self, K_PRIO_TS(0)), K_OK);
	CHECK_EQ(threadSetAffinity(self, 0), -K_EINVAL);
	CHECK_EQ(threadSleep(-1), -K_EINVAL);
	CHECK_EQ(actorDelete(777), -K_EUNKNOWN);
	CHECK_EQ(actorWait(777, 0), -K_EUNKNOWN);
	CHECK_EQ(actorWait(actorSelf(), 0), -K_EINVAL);
	CHECK_EQ(actorStart("no-such-module", K_ACTOR_USER, ""), -K_ENOENT);
	CHECK_EQ(actorStart("boot.conf", K_ACTOR_USER, ""), -K_ENOEXEC);
	CHECK_EQ(actorStart("t_bad", 7, ""), -K_EINVAL);
	CHECK_EQ(actorExit(-3), -K_EINVAL);
	CHECK_EQ(threadCreate(NULL, NULL, NULL, 0), -K_EINVAL);
	CHECK_EQ(threadCreate((void *)dummy_handler, (void *)8, NULL, 0), -K_EINVAL);
	CHECK_EQ(threadCreate((void *)dummy_handler, NUCLEUS_PTR, NULL, 0), -K_EINVAL);
	CHECK_EQ(sysShutdown(0), -K_EPERM);
	CHECK_EQ(miniWait(4242, NULL, 0), -K_EUNKNOWN);
	CHECK_EQ(miniPost(4242, 1), -K_EUNKNOWN);
	CHECK_EQ(handlerDisconnect(4242), -K_EUNKNOWN);
}



static void
memory_and_handlers(void)
{
	struct ksysinfo a, b;
	long r;

	sysInfo(&a);
	CHECK_EQ(rgnAllocate(0, 0, K_PROT_READ), -K_EINVAL);
	CHECK_EQ(rgnAllocate(0, 4096, 99), -K_EINVAL);
	CHECK_EQ(rgnAllocate((void *)123, 4096, K_PROT_READ), -K_EINVAL);
	CHECK_EQ(rgnAllocate(0, 1L << 40, K_PROT_READ), -K_EINVAL);
	CHECK_EQ(rgnFree((void *)0x1000, 4096), -K_EINVAL);
	r = rgnAllocate(0, 1 << 20, K_PROT_READ | K_PROT_WRITE);
	CHECK(!K_IS_ERR(r), "rgnAllocate 1 MiB: %s", kerrName(r));
	memset((void *)r, 0x5a, 1 << 20);
	CHECK_EQ(rgnFree((void *)r, 1 << 20), K_OK);
	CHECK_EQ(rgnFree((void *)r, 1 << 20), -K_EINVAL);
	sysInfo(&b);
	CHECK(b.pages_free + 4 >= a.pages_free, "pages %lu -> %lu", a.pages_free, b.pages_free);
	if (__kstart->mode == K_ACTOR_USER) {
		CHECK_EQ(intrConnect(8, dummy_handler, NULL, 1), -K_EPERM);
		CHECK_EQ(excConnect(actorSelf(), NULL, NULL), -K_EPERM);
		CHECK_EQ(trapConnect(actorSelf(), K_TRAP_SYSCALL, NULL, NULL), -K_EPERM);
	} else {
		CHECK_EQ(intrConnect(99, dummy_handler, NULL, 1), -K_EINVAL);
		CHECK_EQ(intrConnect(8, dummy_handler, NULL, 1000), -K_EINVAL);
		CHECK_EQ(intrConnect(8, (void *)0x1000, NULL, 1), -K_EFAULT);
		CHECK_EQ(excConnect(777, (void *)dummy_handler, NULL), -K_EUNKNOWN);
		CHECK_EQ(trapConnect(actorSelf(), 5, (void *)dummy_handler, NULL), -K_EINVAL);
	}
}

int
main(void)
{
	ktest_begin("calls");
	numbers();
	pointers();
	handles();
	memory_and_handlers();
	ktest_end();
	return 0;
}
