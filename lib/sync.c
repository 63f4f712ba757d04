// SPDX-License-Identifier: MIT
/*
 * Mutexes and semaphores for actor threads.  Uncontended, each operation
 * is one atomic instruction in the actor; only a thread that must wait, or
 * that must wake a waiter, makes a nucleus call (syncWait/syncWake on the
 * address of the word).
 * Mutex states: 0 free, 1 held, 2 held with (possible) waiters.
 */
#include <motet.h>

#define CAS(p, o, n) __atomic_compare_exchange_n(p, &(o), n, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)

void mutexInit(kmutex_t *m) { m->state = 0; }

int
mutexTry(kmutex_t *m)
{
	int o = 0;

	return CAS(&m->state, o, 1);
}

void
mutexGet(kmutex_t *m)
{
	int o = 0;

	if (CAS(&m->state, o, 1))
		return;
	while (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE) != 0)
		syncWait((const int *)&m->state, 2, K_NOTIMEOUT);
}

void
mutexRel(kmutex_t *m)
{
	if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) == 2)
		syncWake((const int *)&m->state, 1);
}

void
semInit(ksem_t *s, int count)
{
	s->count = count;
	s->waiters = 0;
}

static int
sem_take(ksem_t *s)
{
	int c = s->count;

	while (c > 0)
		if (CAS(&s->count, c, c - 1))
			return 1;
	return 0;
}

long
semP(ksem_t *s, long timeout)
{
	long deadline = timeout > 0 ? timeNow() + timeout : 0, r = 0;

	if (sem_take(s))
		return 0;
	__atomic_add_fetch(&s->waiters, 1, __ATOMIC_SEQ_CST);
	while (!sem_take(s)) {
		long left = timeout;
		if (timeout > 0 && (left = deadline - timeNow()) <= 0) {
			r = -K_ETIMEOUT;
			break;
		}
		r = syncWait((const int *)&s->count, 0, left);
		if (r == -K_ETIMEOUT && timeout == K_NOWAIT)
			break;
		r = 0;
	}
	__atomic_sub_fetch(&s->waiters, 1, __ATOMIC_SEQ_CST);
	return r;
}

void
semV(ksem_t *s)
{
	__atomic_add_fetch(&s->count, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST))
		syncWake((const int *)&s->count, 1);
}
