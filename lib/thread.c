// SPDX-License-Identifier: MIT
/*
 * threadStart: a thread running fn(arg) on a fresh stack from rgnAllocate.
 * The stack stays allocated after the thread ends (a thread cannot free
 * the stack it runs on); actors that churn threads reuse their own stacks
 * with threadCreate.
 */
#include <motet.h>

struct start {
	void (*fn)(void *);
	void *arg;
};

static void
entry(void *p)
{
	struct start *s = p;

	s->fn(s->arg);
	threadDelete(0);
}

long
threadStart(void (*fn)(void *), void *arg, long prio, size_t stack)
{
	long base;
	struct start *s;

	if (stack < KSTACK_MIN)
		stack = KSTACK_MIN;
	base = rgnAllocate(0, stack, K_PROT_READ | K_PROT_WRITE);
	if (K_IS_ERR(base))
		return base;
	s = (struct start *)(base + stack - 64);
	s->fn = fn;
	s->arg = arg;
	/* entry sees the stack as if called: rsp + 8 aligned to 16 */
	return threadCreate((void *)entry, (char *)s - 8, s, prio);
}
