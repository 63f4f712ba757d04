/* SPDX-License-Identifier: MIT */
/*
 * Scheduling: per-processor run queues of 128 priority levels (64..127 for
 * the fixed real-time class, 0..63 for timesharing), timers, and wait
 * queues on which threads block with a timeout.
 *
 * Waking is decided by one compare-and-swap on thread->wake_result, so a
 * wait queue, a timer and a thread deletion may race to wake a thread and
 * exactly one wins; the sleeper then unlinks itself from whatever it was on.
 */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <kern/types.h>
#include <kern/spinlock.h>

#define NLEVELS		128
#define RT_LEVEL0	64
#define HZ		100
#define QUANTUM_TICKS	5		/* 50 ms timeslice */
#define WAIT_PENDING	1L		/* thread->wake_result while asleep */

struct thread;
struct cpu;

struct runq {
	struct spinlock lock;
	u64 bitmap[NLEVELS / 64];	/* non-empty levels */
	struct list level[NLEVELS];
	int nready;
};

void runq_init(struct runq *rq);
void runq_push(struct runq *rq, struct thread *t, bool front);
void runq_remove(struct runq *rq, struct thread *t);
struct thread *runq_peek(const struct runq *rq);	/* highest level, or NULL */
int runq_top_level(const struct runq *rq);		/* -1 if empty */
struct thread *runq_steal(struct runq *rq, int cpu);	/* one that may move to cpu */

struct timer {
	u64 deadline;			/* ns since boot */
	u64 tick;			/* the clock tick it fires at */
	struct list link;		/* on a timerq wheel slot */
	void (*fn)(struct timer *);
	int cpu;			/* list it is on, -1 if none */
	volatile bool firing;
};

#define TIMER_SLOTS	256		/* a wheel of ticks, 2.56 s around */
struct timerq {
	struct spinlock lock;
	struct list wheel[TIMER_SLOTS];	/* slot tick % TIMER_SLOTS, unsorted */
	u64 done;			/* ticks up to this one are expired */
};

void timerq_init(struct timerq *q);
void timer_arm(struct timer *tm, u64 deadline, void (*fn)(struct timer *));
void timer_cancel(struct timer *tm);	/* returns once fn is not running */
void timer_tick(void);			/* expire due timers of this cpu */

struct waitq {
	struct spinlock lock;
	struct list waiters;
};
#define WAITQ_INIT(w) { SPINLOCK_INIT("waitq"), LIST_INIT((w).waiters) }
void waitq_init(struct waitq *wq);
/* Called with wq->lock held; releases it.  Returns K_OK or -K_ETIMEOUT or
 * -K_EABORT (the thread is being deleted or the wait was aborted). */
long waitq_sleep(struct waitq *wq, long timeout_ns);
long waitq_sleep_state(struct waitq *wq, long timeout_ns, int state);
void sched_kick_thread(struct thread *t);
void sched_hurry(struct thread *t);		/* a deleted thread: run it soon */	/* make it pass its boundary soon */
/* Called with wq->lock held: wakes up to n threads with result r. */
int waitq_wake(struct waitq *wq, int n, long r);

/* Scheduler (sched.c). */
void sched_init_cpu(struct cpu *c);
void schedule(void);			/* give up the processor if needed */
void sched_yield(void);
void sched_tick(void);			/* from the timer interrupt */
void sched_preempt_point(void);		/* on interrupt return */
bool thread_wake(struct thread *t, long result);
long thread_handoff(struct thread *t, long result);	/* wake t, run it here, block */
bool sched_handoff_won(struct thread *t);		/* IPC fast path: t won, asleep here */
void thread_ready_won(struct thread *t);		/* t won: make it run */
long thread_block_state(int state);	/* after wake_result = WAIT_PENDING */
void thread_make_ready(struct thread *t);	/* a new thread */
void sched_set_prio(struct thread *t, long prio);
void sched_set_affinity(struct thread *t, u64 mask);
int sched_level_of(long prio, u64 recent);
u64 time_ns(void);
u64 tsc_to_ns(u64 cycles);
void sched_finish_switch(void);
_Noreturn void sched_exit_current(void);

#endif
