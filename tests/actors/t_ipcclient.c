// SPDX-License-Identifier: MIT
/*
 * t_ipcclient PORT CLIENT NTHREADS NCALLS: one client actor of the IPC
 * load test (t_ipcload).  Its main thread and NTHREADS - 1 more (on
 * KSTACK_MIN stacks) each make NCALLS calls OP_LOAD {client, thread,
 * sequence} to PORT and check each reply against load_answer; then one
 * last call OP_LOAD_DONE {client, good replies, bad replies, first error}
 * reports (the first error: ipcCall's result, else the reply's code, else 1
 * for a wrong answer).
 * Each call has a 60 s time limit, so ten thousand timers are armed at
 * once (the timing wheel keeps that cheap).
 */
#include "tipc.h"

static struct kui port;
static unsigned long client, ncalls;
static volatile long good, bad;
static long first_err;		/* the first bad call: ipcCall's result, else the reply's code */
static ksem_t done;

static void
worker(void *arg)
{
	unsigned long t = (unsigned long)arg;
	struct kaddr to = to_port(&port);

	for (unsigned long s = 0; s < ncalls; s++) {
		struct kmsg m = { .annex = { OP_LOAD, client, t, s } };
		long r = ipcCall(&m, &to, &m, 60 * SEC);

		if (r == K_OK && m.annex[0] == K_OK && m.annex[1] == load_answer(client, t, s))
			__atomic_add_fetch(&good, 1, __ATOMIC_RELAXED);
		else {
			long e = r != K_OK ? r : m.annex[0] != K_OK ? (long)m.annex[0] : 1;
			long zero = 0;

			__atomic_compare_exchange_n(&first_err, &zero, e, 0, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		}
	}
	semV(&done);
}

int
main(int argc, char **argv)
{
	struct kaddr to;
	struct kmsg m;
	long nthreads;

	if (argc != 5 || ui_parse(argv[1], &port) < 0) {
		kprintf("t_ipcclient: bad arguments\n");
		return 2;
	}
	client = (unsigned long)katol(argv[2]);
	nthreads = katol(argv[3]);
	ncalls = (unsigned long)katol(argv[4]);
	semInit(&done, 0);
	for (long t = 1; t < nthreads; t++) {
		if (K_IS_ERR(threadStart(worker, (void *)t, 0, KSTACK_MIN))) {
			__atomic_add_fetch(&bad, (long)ncalls, __ATOMIC_RELAXED);
			semV(&done);
		}
	}
	worker((void *)0);
	for (long t = 0; t < nthreads; t++)
		semP(&done, 120 * SEC);
	to = to_port(&port);
	m = (struct kmsg){ .annex = { OP_LOAD_DONE, client, good, bad, first_err } };
	return ipcCall(&m, &to, &m, 60 * SEC) == K_OK ? 0 : 1;
}
