// SPDX-License-Identifier: MIT
/*
 * t_threads: thread creation and deletion, suspension and resumption,
 * priorities (a real-time thread preempts at once, timesharing threads
 * share the processor), sleeping with a timeout, deletion of a sleeping
 * and of a spinning thread.  Runs in user and supervisor mode.
 */
#include "ktest.h"

static volatile long counter, flag;
static volatile int stop;

static void
count(void *arg)
{
	while (!stop)
		counter++;
}

static void
set_flag(void *arg)
{
	flag = (long)arg;
}

static void
sleeper(void *arg)
{
	threadSleep(1L << 60);
	flag = -1;		/* never: it is deleted while asleep */
}

static long
state_of(long tid)
{
	struct kthreadstat st;
	long r = threadStat(tid, &st);

	return r < 0 ? r : st.state;
}

static void
suspend_resume(void)
{
	long tid = threadStart(count, NULL, 0, 0), c1, c2;

	CHECK(!K_IS_ERR(tid), "threadStart %s", kerrName(tid));
	threadSleep(30 * MS);
	CHECK(counter > 0, "counter did not run");
	CHECK_EQ(threadSuspend(tid), K_OK);
	threadSleep(20 * MS);
	CHECK_EQ(state_of(tid), K_TS_SUSPENDED);
	c1 = counter;
	threadSleep(50 * MS);
	c2 = counter;
	CHECK_EQ(c2, c1);
	CHECK_EQ(threadResume(tid), K_OK);
	CHECK_EQ(threadResume(tid), -K_ESTATE);
	spin_ms(30);
	threadSleep(20 * MS);
	CHECK(counter > c2, "counter did not go on after resume");
	CHECK_EQ(threadDelete(tid), K_OK);
	threadSleep(20 * MS);
	CHECK_EQ(state_of(tid), -K_EUNKNOWN);
	c1 = counter;
	threadSleep(30 * MS);
	CHECK_EQ(counter, c1);
}

static void
priorities(void)
{
	long self = threadSelf(), tid;
	struct kthreadstat st;

	/* on one processor a higher real-time thread runs before we go on */
	CHECK_EQ(threadSetAffinity(self, 1), K_OK);
	CHECK_EQ(threadSetPrio(self, K_PRIO_RT(10)), K_OK);
	flag = 0;
	tid = threadStart(set_flag, (void *)1L, K_PRIO_RT(20), 0);
	CHECK(!K_IS_ERR(tid), "threadStart %s", kerrName(tid));
	CHECK_EQ(flag, 1);
	/* a lower one waits until we block */
	flag = 0;
	threadStart(set_flag, (void *)2L, K_PRIO_RT(5), 0);
	spin_ms(20);
	CHECK_EQ(flag, 0);
	threadSleep(10 * MS);
	CHECK_EQ(flag, 2);
	CHECK_EQ(threadStat(self, &st), K_OK);
	CHECK_EQ(st.prio, K_PRIO_RT(10));
	CHECK_EQ(st.level, 64 + 10);
	CHECK_EQ(threadSetPrio(self, K_PRIO_TS(0)), K_OK);
	CHECK_EQ(threadSetAffinity(self, -1), K_OK);
}

static void
sleeping(void)
{
	long t0 = timeNow(), dt, tid;

	CHECK_EQ(threadSleep(20 * MS), K_OK);
	dt = timeNow() - t0;
	CHECK(dt >= 20 * MS && dt < 500 * MS, "slept %ld ns for 20 ms", dt);
	flag = 0;
	tid = threadStart(sleeper, NULL, 0, 0);
	threadSleep(10 * MS);
	CHECK_EQ(state_of(tid), K_TS_BLOCKED);
	CHECK_EQ(threadDelete(tid), K_OK);
	threadSleep(10 * MS);
	CHECK_EQ(state_of(tid), -K_EUNKNOWN);
	CHECK_EQ(flag, 0);
}

static void
many(void)
{
	struct ksysinfo a, b;
	long tids[40];

	sysInfo(&a);
	stop = 0;
	for (int i = 0; i < 40; i++) {
		tids[i] = threadStart(count, NULL, 0, 0);
		CHECK(!K_IS_ERR(tids[i]), "threadStart %d: %s", i, kerrName(tids[i]));
	}
	spin_ms(50);
	for (int i = 0; i < 40; i++)
		CHECK_EQ(threadDelete(tids[i]), K_OK);
	threadSleep(30 * MS);
	sysInfo(&b);
	CHECK_EQ(b.nthreads, a.nthreads);
	for (int i = 0; i < 40 && b.nthreads != a.nthreads; i++)
		if (state_of(tids[i]) != -K_EUNKNOWN)
			kprintf("thread %ld still there, state %ld\n", tids[i], state_of(tids[i]));
}

int
main(void)
{
	ktest_begin("threads");
	suspend_resume();
	priorities();
	sleeping();
	many();
	ktest_end();
	return 0;
}
