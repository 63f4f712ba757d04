// SPDX-License-Identifier: MIT
/*
 * Spinlocks and the interrupt-disable nesting they rely on (as in xv6:
 * push_off remembers whether interrupts were on at the outermost level).
 * Entry points: spin_lock, spin_unlock, spin_trylock, push_off, pop_off.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/spinlock.h>
#include <kern/percpu.h>
#include "x86.h"

void
push_off(void)
{
	u64 fl = read_rflags();
	struct cpu *c;

	cli();
	c = mycpu();
	if (c->noff++ == 0)
		c->intena = (fl & RFLAGS_IF) != 0;
}

void
pop_off(void)
{
	struct cpu *c = mycpu();

	assert(!(read_rflags() & RFLAGS_IF));
	assert(c->noff > 0);
	if (--c->noff == 0 && c->intena)
		sti();
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

void
spin_lock(struct spinlock *l)
{
	push_off();
	if (unlikely(spin_held(l)))
		panic("spin_lock: %s already held by this cpu", l->name);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (READ_ONCE(l->locked))
			cpu_relax();
	l->cpu = mycpu()->id;
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

void
spin_unlock(struct spinlock *l)
{
	assert(spin_held(l));
	l->cpu = -1;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	pop_off();
}
