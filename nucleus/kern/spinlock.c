// SPDX-License-Identifier: MIT
/*
 * Spinlocks and the interrupt-disable nesting they rely on (as in xv6:
 * push_off remembers whether interrupts were on at the outermost level).
 * The fast paths are inline in spinlock.h.
 * Entry points: spin_wait, spin_trylock, spin_held, pop_off_fail.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/spinlock.h>
#include <kern/percpu.h>
#include "x86.h"

_Noreturn void
pop_off_fail(void)
{
	panic("pop_off without push_off");
}

void
spin_init(struct spinlock *l, const char *name)
{
	l->locked = 0;
	l->cpu = -1;
	l->name = name;
}

bool
spin_held(const struct spinlock *l)
{
	return l->locked && l->cpu == mycpu()->id;
}

/* The lock was taken: spins until it is free, then takes it. */
void
spin_wait(struct spinlock *l)
{
	if (spin_held(l))
		panic("spin_lock: %s already held by this cpu", l->name);
	do {
		while (READ_ONCE(l->locked))
			cpu_relax();
	} while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
}

bool
spin_trylock(struct spinlock *l)
{
	push_off();
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		pop_off();
		return false;
	}
	l->cpu = mycpu()->id;
	return true;
}
