// SPDX-License-Identifier: MIT
/*
 * t_bench: nucleus core costs, meant to run under QEMU -icount shift=0
 * where one nanosecond of guest time is one instruction: a null nucleus
 * call, and a thread switch between two actors (threadYield ping-pong on
 * one processor).  Prints "BENCH name value unit" lines; asserts nothing.
 */
#include <motet.h>

#define N	20000

static void
pin_rt(void)
{
	threadSetAffinity(0, 1);
	threadSetPrio(0, K_PRIO_RT(30));
}

int
main(int argc, char **argv)
{
	long t0, t1, aid;

	if (argc > 1 && strcmp(argv[1], "yielder") == 0) {
		pin_rt();
		for (;;)
			threadYield();
	}
	pin_rt();
	t0 = timeNow();
	for (int i = 0; i < N; i++)
		threadSelf();
	t1 = timeNow();
	kprintf("BENCH null_call_%s %ld ns\n",
		__kstart->mode == K_ACTOR_SUPER ? "super" : "user", (t1 - t0) / N);
	aid = actorStart("t_bench", __kstart->mode, "yielder");
	threadSleep(10 * 1000 * 1000);		/* it pins itself */
	t0 = timeNow();
	for (int i = 0; i < N; i++)
		threadYield();
	t1 = timeNow();
	kprintf("BENCH actor_switch_%s %ld ns (yield + switch, one way)\n",
		__kstart->mode == K_ACTOR_SUPER ? "super" : "user", (t1 - t0) / N / 2);
	actorDelete(aid);
	actorWait(aid, K_NOTIMEOUT);
	return 0;
}
