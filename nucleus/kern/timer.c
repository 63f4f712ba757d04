// SPDX-License-Identifier: MIT
/*
 * One-shot timers, kept per processor in deadline order and expired from
 * that processor's clock tick.  A timer fires on the processor that armed
 * it.  timer_cancel waits for a running callback, so after it returns the
 * timer's owner may free it.
 * Entry points: timerq_init, timer_arm, timer_cancel, timer_tick.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/sched.h>
#include <kern/percpu.h>
#include "x86.h"

void
timerq_init(struct timerq *q)
{
	spin_init(&q->lock, "timerq");
	list_init(&q->list);
}

void
timer_arm(struct timer *tm, u64 deadline, void (*fn)(struct timer *))
{
	struct cpu *c;
	struct list *it;

	push_off();
	c = mycpu();
	spin_lock(&c->timers.lock);
	assert(tm->cpu < 0);
	tm->deadline = deadline;
	tm->fn = fn;
	tm->cpu = c->id;
	list_for_each(it, &c->timers.list)
		if (list_entry(it, struct timer, link)->deadline > deadline)
			break;
	list_add_tail(it, &tm->link);		/* i.e. before `it` */
	spin_unlock(&c->timers.lock);
	pop_off();
}

void
timer_cancel(struct timer *tm)
{
	int cpu = READ_ONCE(tm->cpu);

	if (cpu >= 0) {
		struct timerq *q = &cpus[cpu].timers;
		spin_lock(&q->lock);
		if (tm->cpu == cpu) {
			list_del(&tm->link);
			tm->cpu = -1;
		}
		spin_unlock(&q->lock);
	}
	while (READ_ONCE(tm->firing))
		cpu_relax();
}

void
timer_tick(void)
{
	struct timerq *q = &mycpu()->timers;
	u64 now = time_ns();

	for (;;) {
		struct timer *tm;
		spin_lock(&q->lock);
		if (list_empty(&q->list)) {
			spin_unlock(&q->lock);
			return;
		}
		tm = list_entry(q->list.next, struct timer, link);
		if (tm->deadline > now) {
			spin_unlock(&q->lock);
			return;
		}
		list_del(&tm->link);
		tm->cpu = -1;
		tm->firing = true;
		spin_unlock(&q->lock);
		tm->fn(tm);
		__atomic_store_n(&tm->firing, false, __ATOMIC_RELEASE);
	}
}
