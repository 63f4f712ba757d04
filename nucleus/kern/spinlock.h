/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks.  Holding one disables interrupts on this processor (and so
 * preemption): the nucleus is preemptible exactly where it holds none.
 * push_off/pop_off nest the same way for code that only needs to stay on
 * one processor.  The uncontended paths are inline: a handful of
 * instructions on the IPC fast path each; waiting, and the check that a
 * processor does not take a lock it holds, are in spinlock.c.
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
#include "asm.h"

struct spinlock {
	volatile u32 locked;
	int cpu;		/* holder, for debugging; -1 when free */
	const char *name;
};
#define SPINLOCK_INIT(n) { 0, -1, n }

void spin_init(struct spinlock *l, const char *name);
bool spin_trylock(struct spinlock *l);
bool spin_held(const struct spinlock *l);	/* by this processor */
__attribute__((cold)) void spin_wait(struct spinlock *l);	/* contended: spins, then takes it */
__attribute__((cold)) _Noreturn void pop_off_fail(void);

/* An int field of this processor's struct cpu, by its offset (asm.h):
 * one instruction, so safe with interrupts on. */
#define percpu_int(off) ({ int v_; \
	__asm__ volatile("movl %%gs:%c1, %0" : "=r"(v_) : "i"(off)); v_; })

static inline bool
intr_enabled(void)
{
	u64 fl;

	__asm__ volatile("pushfq; popq %0" : "=r"(fl));
	return fl & 0x200;
}

static inline void
push_off(void)
{
	u64 fl;
	int n;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(fl) :: "memory");
	__asm__ volatile("movl %%gs:%c1, %0" : "=r"(n) : "i"(CPU_NOFF));
	if (n == 0)
		__asm__ volatile("movl %0, %%gs:%c1" :: "r"((int)(fl >> 9) & 1), "i"(CPU_INTENA));
	__asm__ volatile("movl %0, %%gs:%c1" :: "r"(n + 1), "i"(CPU_NOFF) : "memory");
}

static inline void
pop_off(void)
{
	int n, on;

	__asm__ volatile("movl %%gs:%c1, %0" : "=r"(n) : "i"(CPU_NOFF));
	if (__builtin_expect(n <= 0, 0))
		pop_off_fail();
	__asm__ volatile("movl %0, %%gs:%c1" :: "r"(n - 1), "i"(CPU_NOFF) : "memory");
	if (n == 1) {
		__asm__ volatile("movl %%gs:%c1, %0" : "=r"(on) : "i"(CPU_INTENA));
		if (on)
			__asm__ volatile("sti" ::: "memory");
	}
}

static inline void
spin_lock(struct spinlock *l)
{
	push_off();
	if (__builtin_expect(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0, 0))
		spin_wait(l);
	l->cpu = percpu_int(CPU_ID);
}

static inline void
spin_unlock(struct spinlock *l)
{
	l->cpu = -1;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	pop_off();
}

#endif
