// SPDX-License-Identifier: MIT
/*
 * t_sync: mutexes and semaphores between threads of one actor: no lost
 * update under contention, producer/consumer counts, a semaphore timeout,
 * and the uncontended paths making no nucleus call at all.
 */
#include "ktest.h"

#define NT	4
#define LOOPS	20000
#define ITEMS	2000

static kmutex_t m = KMUTEX_INIT;
static ksem_t done, full, empty;
static volatile long total, produced, consumed;

static void
adder(void *arg)
{
	for (int i = 0; i < LOOPS; i++) {
		mutexGet(&m);
		long v = total;
		if ((i & 255) == 0)
			threadYield();
		total = v + 1;
		mutexRel(&m);
	}
	semV(&done);
}

static void
producer(void *arg)
{
	for (int i = 0; i < ITEMS; i++) {
		semP(&empty, K_NOTIMEOUT);
		produced++;
		semV(&full);
	}
	semV(&done);
}

static void
consumer(void *arg)
{
	for (int i = 0; i < ITEMS; i++) {
		semP(&full, K_NOTIMEOUT);
		consumed++;
		semV(&empty);
	}
	semV(&done);
}


static unsigned long
my_calls(void)
{
	struct kthreadstat st;

	threadStat(0, &st);
	return st.ncalls;
}

int
main(void)
{
	unsigned long c0, c1;
	long t0;

	ktest_begin("sync");
	semInit(&done, 0);
	for (int i = 0; i < NT; i++)
		threadStart(adder, NULL, 0, 0);
	for (int i = 0; i < NT; i++)
		semP(&done, K_NOTIMEOUT);
	CHECK_EQ(total, NT * LOOPS);

	semInit(&full, 0);
	semInit(&empty, 8);
	threadStart(producer, NULL, 0, 0);
	threadStart(consumer, NULL, 0, 0);
	semP(&done, K_NOTIMEOUT);
	semP(&done, K_NOTIMEOUT);
	CHECK_EQ(produced, ITEMS);
	CHECK_EQ(consumed, ITEMS);

	t0 = timeNow();
	CHECK_EQ(semP(&full, 20 * MS), -K_ETIMEOUT);
	CHECK(timeNow() - t0 >= 20 * MS, "semP returned early");
	CHECK_EQ(semP(&full, K_NOWAIT), -K_ETIMEOUT);

	/* uncontended: one atomic instruction, no nucleus call */
	c0 = my_calls();
	for (int i = 0; i < 1000; i++) {
		mutexGet(&m);
		mutexRel(&m);
		semV(&full);
		semP(&full, K_NOTIMEOUT);
	}
	CHECK(mutexTry(&m), "mutexTry on a free mutex");
	CHECK(!mutexTry(&m), "mutexTry on a held mutex");
	mutexRel(&m);
	c1 = my_calls();
	CHECK_EQ(c1 - c0, 1);		/* the second threadStat only */
	ktest_end();
	return 0;
}
