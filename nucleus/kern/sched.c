// SPDX-License-Identifier: MIT
/*
 * The scheduler: priority run queues per processor, preemption on the
 * clock tick and on wake-up of a higher-priority thread, balancing by
 * stealing from the busiest processor, and timesharing levels that drop
 * with recent processor use (halved every second).
 *
 * A switch holds the run-queue lock of this processor across ctx_switch;
 * the thread that runs next releases it (sched_finish_switch).  Threads
 * that died are freed there too, on another stack.  A thread that blocks
 * with a continuation (thread.cont) is switched to at the continuation,
 * not where it blocked; a preempted one always resumes where it was.
 * Entry points: schedule, sched_yield, sched_tick, thread_wake,
 * thread_block, thread_make_ready, sched_set_prio, sched_set_affinity,
 * sched_init_cpu, time_ns.
 * Lock order: run queues by increasing cpu id.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include "x86.h"

#define K_TS_WAKING	0	/* off every queue, owned by a waker */
#define BALANCE_TICKS	(HZ / 10)

static u64 tsc_boot;

u64
time_ns(void)
{
	return tsc_to_ns(rdtsc() - tsc_boot);
}

int
sched_level_of(long prio, u64 recent)
{
	int lvl = (int)K_PRIO_LEVEL(prio);

	if (K_PRIO_CLASS(prio) == K_CLASS_RT)
		return RT_LEVEL0 + lvl;
	lvl = 63 - lvl - (int)MIN(recent / 2, 24UL);	/* nice -20 -> 63 */
	return MAX(lvl, 0);
}

/* Decays timesharing usage by half per elapsed second, then sets the level. */
static void
update_level(struct thread *t)
{
	u64 now;

	if (K_PRIO_CLASS(t->prio) == K_CLASS_RT) {	/* no usage to decay */
		t->level = sched_level_of(t->prio, 0);
		return;
	}
	now = time_ns() / 1000000000UL;

	if (now > t->recent_sec) {
		t->recent >>= MIN(now - t->recent_sec, 63UL);
		t->recent_sec = now;
	}
	t->level = sched_level_of(t->prio, t->recent);
}

void
sched_init_cpu(struct cpu *c)
{
	runq_init(&c->rq);
	timerq_init(&c->timers);
	list_init(&c->dead);
	if (c->id == 0)
		tsc_boot = rdtsc();
}

static void
kick(int cpu)
{
	if (cpu == mycpu()->id)
		mycpu()->need_resched = true;
	else
		lapic_send_ipi(cpus[cpu].apic_id, VEC_RESCHED);
}

static bool
is_idle(int cpu)
{
	struct cpu *c = &cpus[cpu];

	return c->online && READ_ONCE(c->current) == c->idle && c->rq.nready == 0;
}

static int
choose_cpu(struct thread *t, int cpu)
{
	if ((t->cpumask & (1UL << cpu)) && is_idle(cpu))
		return cpu;
	for (int i = 0; i < ncpus; i++)
		if ((t->cpumask & (1UL << i)) && is_idle(i))
			return i;
	if (t->cpumask & (1UL << cpu))
		return cpu;
	for (int i = 0; i < ncpus; i++)
		if ((t->cpumask & (1UL << i)) && cpus[i].online)
			return i;
	return cpu;
}

/* Queues a thread that nobody else can touch (WAKING) on a chosen cpu. */
static void
enqueue_on(struct thread *t, int cpu)
{
	struct runq *rq = &cpus[cpu].rq;
	struct thread *cur;

	spin_lock(&rq->lock);
	t->cpu = cpu;
	t->state = K_TS_READY;
	runq_push(rq, t, false);
	cur = READ_ONCE(cpus[cpu].current);
	if (!cur || cur == cpus[cpu].idle || cur->level < t->level)
		kick(cpu);
	spin_unlock(&rq->lock);
}

void
thread_make_ready(struct thread *t)
{
	t->level = sched_level_of(t->prio, 0);
	enqueue_on(t, choose_cpu(t, t->cpu));
}

/* Locks the run queue of the cpu t is on; t->cpu stays put while held. */
static inline struct runq *
lock_rq_of(struct thread *t)
{
	for (;;) {
		int cpu = READ_ONCE(t->cpu);
		struct runq *rq = &cpus[cpu].rq;
		spin_lock(&rq->lock);
		if (t->cpu == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

/* Wins t's wake-up with `result`: NULL if another waker did, else t's
 * run queue, locked, so that t's state and cpu stay put. */
static inline struct runq *
win_wake(struct thread *t, long result)
{
	long pending = WAIT_PENDING;

	if (!__atomic_compare_exchange_n(&t->wake_result, &pending, result, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return NULL;
	return lock_rq_of(t);
}

static inline bool
asleep(const struct thread *t)
{
	return t->state == K_TS_BLOCKED || t->state == K_TS_SUSPENDED;
}

/* Makes t, whose wake-up was won, run if it sleeps (else it will see the
 * result); rq: t's run queue, locked, unlocked here. */
static void
ready_won(struct thread *t, struct runq *rq)
{
	bool ours = asleep(t);

	if (ours)
		t->state = K_TS_WAKING;		/* off every queue, ours */
	spin_unlock(&rq->lock);
	if (ours) {
		update_level(t);
		enqueue_on(t, choose_cpu(t, t->cpu));
	}
}

bool
thread_wake(struct thread *t, long result)
{
	struct runq *rq = win_wake(t, result);

	if (!rq)
		return false;		/* another waker won */
	ready_won(t, rq);
	return true;
}

/* Makes t, whose wake-up the caller won (the IPC fast path), run. */
void
thread_ready_won(struct thread *t)
{
	ready_won(t, lock_rq_of(t));
}

/* Processor time, in TSC cycles (tsc_to_ns converts for thread stats). */
static void
account(struct thread *prev, struct thread *next)
{
	u64 now = rdtsc();

	prev->cpu_tsc += now - prev->run_start;
	next->run_start = now;
	next->switches++;
}

u64
tsc_to_ns(u64 cycles)
{
	u64 r = READ_ONCE(tsc_per_us);

	return r ? cycles / r * 1000 + (cycles % r) * 1000 / r : 0;
}

/* Runs next (off every queue) in place of prev; this cpu's run-queue lock
 * held, released by whoever runs next (sched_finish_switch). */
static inline __attribute__((always_inline)) void
switch_to(struct cpu *c, struct thread *prev, struct thread *next)
{
	int intena;

	next->state = K_TS_RUNNING;
	next->cpu = c->id;
	if (next == prev) {
		spin_unlock(&c->rq.lock);
		return;
	}
	if (prev->state == K_TS_DEAD)
		list_add_tail(&c->dead, &prev->rq_link);
	next->quantum = QUANTUM_TICKS;
	if (next->resume_at)
		thread_cont_frame(next);
	c->current = next;
	cpu_set_kstack(c, next->kstack_top);
	if (next->actor && next->actor->mode == K_ACTOR_USER)
		pmap_switch(next->actor->pmap);
	if (prev->actor)
		fpu_save(prev->fpu);
	if (next->actor) {
		fpu_restore(next->fpu);
		if (unlikely(next->fsbase != c->fsbase)) {
			wrmsr(MSR_FS_BASE, next->fsbase);
			c->fsbase = next->fsbase;
		}
	}
	account(prev, next);
	intena = c->intena;
	ctx_switch(&prev->ksp, next->ksp);
	mycpu()->intena = intena;
	sched_finish_switch();
}

/* Called with this cpu's run-queue lock held and prev's state set. */
static void
switch_locked(struct cpu *c, struct thread *prev)
{
	struct thread *next = runq_peek(&c->rq);

	if (next)
		runq_remove(&c->rq, next);
	else
		next = c->idle;
	c->need_resched = false;
	switch_to(c, prev, next);
}

/* Frees the threads that died on this cpu; runs on another stack. */
static void
reap_dead(struct cpu *c)
{
	while (!list_empty(&c->dead)) {
		struct thread *t = list_entry(c->dead.next, struct thread, rq_link);
		list_del(&t->rq_link);
		thread_free(t);
	}
}

static __attribute__((noinline)) void
finish_switch_slow(struct cpu *c)
{
	struct thread *mig = NULL;

	push_off();
	spin_unlock(&c->rq.lock);
	mig = c->migrate;
	c->migrate = NULL;
	reap_dead(c);
	pop_off();
	if (mig)
		enqueue_on(mig, choose_cpu(mig, mig->cpu));
}

void
sched_finish_switch(void)
{
	struct cpu *c = mycpu();

	/* interrupts are off: the run-queue lock is still held */
	if (likely(list_empty(&c->dead) && !c->migrate))
		spin_unlock(&c->rq.lock);
	else
		finish_switch_slow(c);
}

void
schedule(void)
{
	struct thread *t = curthread();
	struct cpu *c;

	push_off();
	c = mycpu();
	spin_lock(&c->rq.lock);
	if (t->state == K_TS_RUNNING && t != c->idle) {
		update_level(t);
		if (t->cpumask & (1UL << c->id)) {
			/* preempted before its quantum ended: first in line */
			t->state = K_TS_READY;
			runq_push(&c->rq, t, t->quantum > 0);
		} else {
			t->state = K_TS_WAKING;
			c->migrate = t;
		}
	}
	switch_locked(c, t);
	pop_off();
}

void
sched_yield(void)
{
	curthread()->quantum = 0;	/* to the back of its level */
	schedule();
}

/* Blocks the current thread until thread_wake; the caller set
 * wake_result = WAIT_PENDING before making itself findable. */
long
thread_block_state(int state)
{
	struct thread *t = curthread();
	struct cpu *c;

	push_off();
	c = mycpu();
	spin_lock(&c->rq.lock);
	if (READ_ONCE(t->wake_result) == WAIT_PENDING) {
		t->state = state;
		t->resume_at = t->cont;
		switch_locked(c, t);
	} else {
		spin_unlock(&c->rq.lock);
	}
	pop_off();
	return t->wake_result;
}

/*
 * The current thread, its wake_result set to WAIT_PENDING, blocks and
 * wakes t with `result`.  If t was blocked and may run on this processor
 * it runs at once in our place, with no pass through the run queues: the
 * IPC fast path.  When t last ran here, one run-queue lock covers both
 * the claim and the switch.  Returns the current thread's wake result.
 */
long
thread_handoff(struct thread *t, long result)
{
	struct thread *me = curthread();
	struct runq *rq;
	struct cpu *c;

	push_off();
	c = mycpu();
	if (!(rq = win_wake(t, result)) || !asleep(t)) {	/* lost, or awake: it sees the result */
		if (rq)
			spin_unlock(&rq->lock);
		pop_off();
		return thread_block_state(K_TS_BLOCKED);
	}
	update_level(t);
	if (t->state == K_TS_BLOCKED && (t->cpumask & (1UL << c->id))) {
		if (rq != &c->rq) {
			t->state = K_TS_WAKING;
			spin_unlock(&rq->lock);
			spin_lock(&c->rq.lock);
		}
		if (READ_ONCE(me->wake_result) == WAIT_PENDING) {
			me->state = K_TS_BLOCKED;
			me->resume_at = me->cont;
			switch_to(c, me, t);
			pop_off();
			return me->wake_result;
		}
		rq = &c->rq;
	}
	t->state = K_TS_WAKING;
	spin_unlock(&rq->lock);
	pop_off();
	enqueue_on(t, choose_cpu(t, c->id));
	return thread_block_state(K_TS_BLOCKED);
}

/*
 * The IPC fast path's switch: the current thread (wake_result
 * WAIT_PENDING) blocks and t, asleep on this processor with its wake-up
 * won by the caller (it saw t BLOCKED there, cpumask allowing, before the
 * win), runs in its place.  Interrupts off.  Returns false, having done
 * nothing, if the current thread was woken meanwhile; else true, once it
 * is woken and resumed where it blocked (not at a continuation).
 */
bool
sched_handoff_won(struct thread *t)
{
	struct thread *me = curthread();
	struct cpu *c = mycpu();

	spin_lock(&c->rq.lock);
	if (READ_ONCE(me->wake_result) != WAIT_PENDING) {
		spin_unlock(&c->rq.lock);
		return false;
	}
	me->state = K_TS_BLOCKED;
	me->resume_at = me->cont;
	switch_to(c, me, t);
	return true;
}

_Noreturn void
sched_exit_current(void)
{
	struct thread *t = curthread();
	struct cpu *c;

	push_off();
	c = mycpu();
	spin_lock(&c->rq.lock);
	t->state = K_TS_DEAD;
	switch_locked(c, t);
	panic("dead thread %ld ran again", t->tid);
}

static void
balance(struct cpu *c)
{
	int busiest = -1, most = 0;
	struct cpu *b;
	struct thread *t;

	for (int i = 0; i < ncpus; i++) {
		int n = READ_ONCE(cpus[i].rq.nready);
		if (i != c->id && cpus[i].online && n > most) {
			most = n;
			busiest = i;
		}
	}
	if (busiest < 0 || most < c->rq.nready + (c->current == c->idle ? 1 : 2))
		return;
	b = &cpus[busiest];
	spin_lock(c->id < busiest ? &c->rq.lock : &b->rq.lock);
	spin_lock(c->id < busiest ? &b->rq.lock : &c->rq.lock);
	t = runq_steal(&b->rq, c->id);
	if (t) {
		t->cpu = c->id;
		runq_push(&c->rq, t, false);
		c->need_resched = c->current == c->idle;
	}
	spin_unlock(&b->rq.lock);
	spin_unlock(&c->rq.lock);
}

/* Once a second, waiting timesharing threads get the level their decayed
 * usage gives them: a thread that used the processor and then waited rises
 * again instead of starving behind threads that keep running. */
static void
age_runq(struct cpu *c)
{
	struct list moved = LIST_INIT(moved), *it;

	spin_lock(&c->rq.lock);
	for (int l = 0; l < RT_LEVEL0; l++) {
		while (!list_empty(&c->rq.level[l])) {
			struct thread *t = list_entry(c->rq.level[l].next, struct thread, rq_link);
			runq_remove(&c->rq, t);
			list_add_tail(&moved, &t->rq_link);
		}
	}
	while (!list_empty(&moved)) {
		it = moved.next;
		list_del(it);
		struct thread *t = list_entry(it, struct thread, rq_link);
		update_level(t);
		runq_push(&c->rq, t, false);
	}
	spin_unlock(&c->rq.lock);
}

void
sched_tick(void)
{
	struct cpu *c = mycpu();
	struct thread *t = c->current;

	c->ticks++;
	if (t != c->idle) {
		if (K_PRIO_CLASS(t->prio) == K_CLASS_TS)
			t->recent++;
		if (--t->quantum <= 0)
			c->need_resched = true;
	}
	if (c->ticks % BALANCE_TICKS == (u64)c->id || (t == c->idle && c->rq.nready == 0))
		balance(c);
	if (c->ticks % HZ == 0)
		age_runq(c);
	if (runq_top_level(&c->rq) > t->level && t != c->idle)
		c->need_resched = true;
	if (c->rq.nready && t == c->idle)
		c->need_resched = true;
}

void
sched_set_prio(struct thread *t, long prio)
{
	struct runq *rq = lock_rq_of(t);
	int cpu = t->cpu;

	t->prio = prio;
	if (t->state == K_TS_READY) {
		runq_remove(rq, t);
		t->level = sched_level_of(prio, t->recent);
		runq_push(rq, t, false);
	} else {
		t->level = sched_level_of(prio, t->recent);
	}
	if (t->state == K_TS_RUNNING || t->state == K_TS_READY)
		kick(cpu);
	spin_unlock(&rq->lock);
}

void
sched_set_affinity(struct thread *t, u64 mask)
{
	struct runq *rq = lock_rq_of(t);
	int cpu = t->cpu;

	t->cpumask = mask;
	if (mask & (1UL << cpu)) {
		spin_unlock(&rq->lock);
		return;
	}
	if (t->state == K_TS_READY) {
		runq_remove(rq, t);
		t->state = K_TS_WAKING;
		spin_unlock(&rq->lock);
		enqueue_on(t, choose_cpu(t, cpu));
		return;
	}
	if (t->state == K_TS_RUNNING)
		kick(cpu);
	spin_unlock(&rq->lock);
}

void
sched_kick_thread(struct thread *t)
{
	int cpu = READ_ONCE(t->cpu);

	if (READ_ONCE(t->state) == K_TS_RUNNING && cpu != mycpu()->id)
		lapic_send_ipi(cpus[cpu].apic_id, VEC_RESCHED);
}

/* A deleted thread must reach its boundary soon: if it waits in a run
 * queue, move it to the front of the highest level. */
void
sched_hurry(struct thread *t)
{
	struct runq *rq = lock_rq_of(t);

	if (t->state == K_TS_READY) {
		runq_remove(rq, t);
		t->level = NLEVELS - 1;
		runq_push(rq, t, true);
		kick(t->cpu);
	}
	spin_unlock(&rq->lock);
}
