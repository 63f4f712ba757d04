// SPDX-License-Identifier: MIT
/*
 * t_smp: threads of one actor on several processors: affinity puts a
 * thread where asked, wake-ups cross processors (semaphore ping-pong), and
 * atomic and mutex-protected counts add up.  On one processor it checks
 * that the same program still completes.
 */
#include "ktest.h"

#define ROUNDS	500

static ksem_t ping, pong, done;
static kmutex_t m = KMUTEX_INIT;
static volatile long seen_cpu[2], plain, atomic;

static void
ponger(void *arg)
{
	seen_cpu[1] = cpuSelf();
	for (int i = 0; i < ROUNDS; i++) {
		semP(&ping, K_NOTIMEOUT);
		semV(&pong);
	}
	semV(&done);
}

static void
adder(void *arg)
{
	for (int i = 0; i < 50000; i++) {
		__atomic_add_fetch(&atomic, 1, __ATOMIC_SEQ_CST);
		if ((i & 15) == 0) {
			mutexGet(&m);
			plain++;
			mutexRel(&m);
		}
	}
	semV(&done);
}

int
main(void)
{
	struct ksysinfo si;
	int two;

	ktest_begin("smp");
	sysInfo(&si);
	two = si.ncpus >= 2;
	semInit(&ping, 0);
	semInit(&pong, 0);
	semInit(&done, 0);
	CHECK_EQ(threadSetAffinity(0, 1), K_OK);
	seen_cpu[0] = cpuSelf();
	CHECK_EQ(seen_cpu[0], 0);
	/* the new thread inherits our mask; move it to the last processor */
	long tid = threadStart(ponger, NULL, 0, 0);
	CHECK_EQ(threadSetAffinity(tid, 1L << (si.ncpus - 1)), K_OK);
	for (int i = 0; i < ROUNDS; i++) {
		semV(&ping);
		semP(&pong, K_NOTIMEOUT);
	}
	semP(&done, K_NOTIMEOUT);
	CHECK_EQ(seen_cpu[1], two ? 1 : 0);
	CHECK_EQ(threadSetAffinity(0, -1), K_OK);
	for (int i = 0; i < 4; i++) {
		long t = threadStart(adder, NULL, 0, 0);
		if (two)
			threadSetAffinity(t, 1L << (i & 1));
	}
	for (int i = 0; i < 4; i++)
		semP(&done, K_NOTIMEOUT);
	CHECK_EQ(atomic, 4 * 50000);
	CHECK_EQ(plain, 4 * (50000 / 16));
	ktest_end();
	return 0;
}
