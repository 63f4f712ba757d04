/* SPDX-License-Identifier: MIT */
/*
 * Threads: the unit of scheduling.  Every thread has a nucleus stack with a
 * guard page; a thread of an actor keeps its actor context (struct kcontext)
 * at the top of that stack while it is in the nucleus.
 *
 * Identifiers are (generation << 16 | slot) in the thread table; a stale or
 * forged identifier finds nothing.  thread_lock protects the table; a thread
 * looked up under it stays valid until it is released.
 */
#ifndef KERN_THREAD_H
#define KERN_THREAD_H

#include <kern/types.h>
#include <kern/sched.h>
#include <motet/nucleus.h>
#include <ipc/ipc.h>

#define MAX_THREADS	16384
#define KSTACK_SIZE	(16 * 1024)

struct actor;

struct thread {
	u64 ksp;			/* saved by ctx_switch */
	u64 kstack_base, kstack_top;
	struct actor *actor;		/* NULL for nucleus threads */
	struct actor *acting;		/* actor of the connected handler being run */
	struct kcontext *hctx;		/* a trap or exception handler's: its context */
	u8 *hfpu;			/* and its FPU area, restored after it */
	long tid;
	int slot;
	const char *name;
	bool vm_reserve;		/* serving the nucleus (a mapper call): may take
					 * pages kept back under pressure (vm/pageout.c) */

	/* scheduling: under the run-queue lock of ->cpu */
	int state;			/* enum kthread_state */
	int cpu;
	int level;
	long prio;
	u64 cpumask;
	int quantum;
	u64 recent;			/* timesharing usage in ticks, decays */
	u64 recent_sec;			/* when it last decayed */
	struct list rq_link;

	/* waiting: see sched.h */
	volatile long wake_result;
	struct list wait_link;		/* under the lock of ->waitq */
	struct waitq *waitq;
	struct timer timer;
	struct actor *sync_actor;	/* sync_wait: the word slept on */
	/* A continuation: where a thread that blocks while `cont` is set is
	 * resumed, instead of where it blocked: on a fresh frame at the top of
	 * its stack, under its actor context (IPC's waits, ipc/msg.c). */
	void (*cont)(void);		/* asked for by the thread itself */
	void (*resume_at)(void);	/* set when it blocked with one */
	uaddr_t sync_addr;

	/* control: suspend count and deletion, acted on at the actor boundary */
	volatile int suspend;
	volatile bool killed;
	volatile bool trap_wait;	/* in a trap message: threadContext may act */
	u64 fsbase;			/* user FS base (threadSetFs), loaded at switch */
	struct waitq suspendq;
	struct list actor_link;		/* under actor->lock */

	/* statistics */
	u64 ncalls, switches, cpu_tsc, run_start;	/* cpu_tsc, run_start: TSC cycles */

	void (*kfn)(void *);		/* nucleus thread body */
	void *karg;
	struct thread_ipc ipc;		/* calls and receives (ipc/msg.c) */
	u8 fpu[512] __attribute__((aligned(16)));
};

extern struct spinlock thread_lock;

void thread_init(void);
struct thread *thread_alloc(struct actor *a, const char *name, long prio);
void thread_free(struct thread *t);
struct thread *thread_lookup(long tid);		/* with thread_lock held */
long thread_count(void);
struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg, long prio);
long thread_start_actor(struct actor *a, u64 entry, u64 stack, u64 arg, long prio, long *tidp);
long thread_start_ctx(struct actor *a, const struct kcontext *init, long prio, bool suspended,
		      long *tidp);
_Noreturn void thread_exit(void);
void thread_kill(struct thread *t);		/* with thread_lock held */
long thread_suspend(struct thread *t);
long thread_resume(struct thread *t);
void thread_boundary_slow(void);		/* thread_boundary (percpu.h) */
void thread_sync_fs(struct thread *t);
void thread_cont_frame(struct thread *t);	/* sched.c: resume t at t->resume_at */

#endif
