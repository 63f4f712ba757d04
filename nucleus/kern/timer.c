// SPDX-License-Identifier: MIT
/*
 * One-shot timers, per processor, on a timing wheel: a timer due at clock
 * tick k (deadline / tick length) waits in slot k % TIMER_SLOTS, so
 * arming and cancelling take constant time however many timers are
 * pending, and each clock tick looks at the slots of the ticks since the
 * last one (timers a turn or more ahead stay there).  A timer fires on the
 * processor that armed it, at the first clock interrupt at or after its
 * deadline.  timer_cancel waits for a running callback, so after it
 * returns the timer's owner may free it.
 * Entry points: timerq_init, timer_arm, timer_cancel, timer_tick.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/sched.h>
#include <kern/percpu.h>
#include "x86.h"

#define TICK_NS		(1000000000UL / HZ)

void
timerq_init(struct timerq *q)
{
	spin_init(&q->lock, "timerq");
	for (int i = 0; i < TIMER_SLOTS; i++)
		list_init(&q->wheel[i]);
	q->done = 0;
}

void
timer_arm(struct timer *tm, u64 deadline, void (*fn)(struct timer *))
{
	struct cpu *c;
	u64 tick = deadline / TICK_NS;

	push_off();
	c = mycpu();
	spin_lock(&c->timers.lock);
	assert(tm->cpu < 0);
	tm->deadline = deadline;
	tm->tick = MAX(tick, c->timers.done);
	tm->fn = fn;
	tm->cpu = c->id;
	list_add_tail(&c->timers.wheel[tm->tick % TIMER_SLOTS], &tm->link);
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

/* Moves the timers of slot `slot` due by `now` (ns) to `due`, marked
 * firing.  q->lock held. */
static void
collect(struct timerq *q, int slot, u64 now, struct list *due)
{
	struct list *it, *nx;

	list_for_each_safe(it, nx, &q->wheel[slot]) {
		struct timer *tm = list_entry(it, struct timer, link);
		if (tm->deadline <= now) {
			list_del(&tm->link);
			tm->cpu = -1;
			tm->firing = true;
			list_add_tail(due, &tm->link);
		}
	}
}

void
timer_tick(void)
{
	struct timerq *q = &mycpu()->timers;
	struct list due = LIST_INIT(due);
	u64 ns = time_ns(), now = ns / TICK_NS;

	/* from the slot of the last tick (some of it may not have been due
	 * then) to this one's */
	spin_lock(&q->lock);
	for (u64 k = q->done; k <= now && k < q->done + TIMER_SLOTS; k++)
		collect(q, (int)(k % TIMER_SLOTS), ns, &due);
	if (now > q->done)
		q->done = now;
	spin_unlock(&q->lock);
	while (!list_empty(&due)) {
		struct timer *tm = list_entry(due.next, struct timer, link);
		list_del(&tm->link);
		tm->fn(tm);
		__atomic_store_n(&tm->firing, false, __ATOMIC_RELEASE);
	}
}
