// SPDX-License-Identifier: MIT
/*
 * hello: the smallest actor.  It says where it runs (user or supervisor
 * mode, which processor), starts two threads that take turns under a
 * mutex, and ends.  The same binary runs in either mode.
 */
#include <motet.h>

static kmutex_t lock = KMUTEX_INIT;
static ksem_t done;
static int turns;

static void
worker(void *arg)
{
	for (int i = 0; i < 3; i++) {
		mutexGet(&lock);
		turns++;
		kprintf("hello[%ld]: thread %s turn %d on cpu %ld\n", actorSelf(),
			(const char *)arg, turns, cpuSelf());
		mutexRel(&lock);
		threadSleep(10 * 1000 * 1000);
	}
	semV(&done);
}

int
main(int argc, char **argv)
{
	kprintf("hello from actor %ld (%s mode), %d args:", actorSelf(),
		__kstart->mode == K_ACTOR_SUPER ? "supervisor" : "user", argc);
	for (int i = 0; i < argc; i++)
		kprintf(" %s", argv[i]);
	kprintf("\n");
	semInit(&done, 0);
	long ta = threadStart(worker, "A", 0, 0);
	if (K_IS_ERR(ta))
		kprintf("hello: threadStart: %s\n", kerrName(ta));
	threadStart(worker, "B", 0, 0);
	semP(&done, K_NOTIMEOUT);
	semP(&done, K_NOTIMEOUT);
	kprintf("hello[%ld]: done after %d turns\n", actorSelf(), turns);
	return 0;
}
