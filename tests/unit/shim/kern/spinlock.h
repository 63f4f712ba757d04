// SPDX-License-Identifier: MIT
/*
 * Host stand-in for the nucleus spinlocks: the unit tests are single
 * threaded, so every lock operation is a no-op that only tracks `locked`
 * well enough for spin_held to answer.  Found before nucleus/kern/ on the
 * include path.
 */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <kern/types.h>

struct spinlock {
	volatile u32 locked;
	int cpu;
	const char *name;
};
#define SPINLOCK_INIT(n) { 0, -1, n }

static inline void
spin_init(struct spinlock *l, const char *name)
{
	l->locked = 0;
	l->cpu = -1;
	l->name = name;
}

static inline void spin_lock(struct spinlock *l) { l->locked = 1; }
static inline void spin_unlock(struct spinlock *l) { l->locked = 0; }
static inline bool spin_trylock(struct spinlock *l) { return !l->locked && (l->locked = 1); }
static inline bool spin_held(const struct spinlock *l) { return l->locked; }
static inline void push_off(void) { }
static inline void pop_off(void) { }

#endif
