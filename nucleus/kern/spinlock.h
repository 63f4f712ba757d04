/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks.  Holding one disables interrupts on this processor (and so
 * preemption): the nucleus is preemptible exactly where it holds none.
 * push_off/pop_off nest the same way for code that only needs to stay on
 * one processor.
 *
 * Lock order of the whole nucleus (take left before right):
 *   exit_wq, hlock, thread_lock, mini_lock -> actor_table_lock -> actor.lock
 *   -> wait queues (sync buckets, mini-ports, suspendq) -> timer lists
 *   -> run queues (lower cpu id first) -> super_lock -> heap -> pmem
 *   -> console
 */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <kern/types.h>

struct spinlock {
	volatile u32 locked;
	int cpu;		/* holder, for debugging; -1 when free */
	const char *name;
};
#define SPINLOCK_INIT(n) { 0, -1, n }

void spin_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_trylock(struct spinlock *l);
bool spin_held(const struct spinlock *l);	/* by this processor */
void push_off(void);
void pop_off(void);

#endif
