// SPDX-License-Identifier: MIT
/*
 * Thread life: creation (nucleus threads and actor threads, whose first
 * run "returns" into the actor through trap_return), the thread table,
 * suspension and deletion acted on at the actor boundary, and exit.
 * Entry points: thread_init, thread_alloc, thread_free, thread_lookup,
 * thread_create_kernel, thread_start_actor, thread_exit, thread_kill,
 * thread_suspend, thread_resume, thread_boundary.
 * Lock order: thread_lock -> actor.lock -> run queues.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include "x86.h"

struct spinlock thread_lock = SPINLOCK_INIT("threads");
static struct thread *table[MAX_THREADS];	/* under thread_lock */
static u16 gen[MAX_THREADS];
static int hint;
static long nthreads;

void
thread_init(void)
{
	for (int i = 0; i < MAX_THREADS; i++)
		gen[i] = 1;
}

static bool
table_insert(struct thread *t)
{
	spin_lock(&thread_lock);
	for (int n = 0; n < MAX_THREADS; n++) {
		int i = (hint + n) % MAX_THREADS;
		if (i == 0 || table[i])
			continue;
		table[i] = t;
		t->slot = i;
		t->tid = ((long)gen[i] << 16) | i;
		hint = i + 1;
		nthreads++;
		spin_unlock(&thread_lock);
		return true;
	}
	spin_unlock(&thread_lock);
	return false;
}

struct thread *
thread_lookup(long tid)
{
	long slot = tid & 0xffff;

	assert(spin_held(&thread_lock));
	if (tid <= 0 || slot >= MAX_THREADS || !table[slot] || table[slot]->tid != tid)
		return NULL;
	return table[slot];
}

long thread_count(void) { return READ_ONCE(nthreads); }

struct thread *
thread_alloc(struct actor *a, const char *name, long prio)
{
	struct thread *t = kmalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->kstack_top = kstack_alloc();
	if (!t->kstack_top) {
		kfree(t);
		return NULL;
	}
	t->kstack_base = t->kstack_top - KSTACK_SIZE;
	t->actor = a;
	t->name = name;
	t->prio = prio;
	t->cpumask = ~0UL;
	push_off();
	t->cpu = mycpu()->id;
	pop_off();
	t->timer.cpu = -1;
	list_init(&t->rq_link);
	list_init(&t->wait_link);
	list_init(&t->actor_link);
	ipc_thread_init(t);
	waitq_init(&t->suspendq);
	fpu_init_area(t->fpu);
	if (!table_insert(t)) {
		kstack_free(t->kstack_top);
		kfree(t);
		return NULL;
	}
	return t;
}

void
thread_free(struct thread *t)
{
	kstack_free(t->kstack_top);
	lrpc_thread_gone(t);
	if (t->actor)
		actor_put(t->actor);
	kfree(t);
}

/* Lays out the stack below sp so that the next ctx_switch to t returns
 * into `entry` with rbx and r12 as given, and %rsp at sp. */
static void
switch_frame(struct thread *t, u64 sp, void (*entry)(void), u64 rbx, u64 r12)
{
	u64 *s = (u64 *)sp;

	*--s = (u64)entry;
	*--s = 0;		/* rbp */
	*--s = rbx;
	*--s = r12;
	*--s = 0;		/* r13 */
	*--s = 0;		/* r14 */
	*--s = 0;		/* r15 */
	t->ksp = (u64)s;
}

/* The next switch to t (blocked with a continuation) starts it at the
 * continuation, its actor context at %rsp; the frames it blocked in are
 * dropped. */
void
thread_cont_frame(struct thread *t)
{
	u64 *s = (u64 *)(t->kstack_top - sizeof(struct kcontext)) - 7;

	s[6] = (u64)t->resume_at;	/* the registers below it are not used */
	t->ksp = (u64)s;
	t->resume_at = NULL;
}

struct thread *
thread_create_kernel(const char *name, void (*fn)(void *), void *arg, long prio)
{
	struct thread *t = thread_alloc(NULL, name, prio);

	if (!t)
		return NULL;
	t->kfn = fn;
	t->karg = arg;
	switch_frame(t, t->kstack_top, thread_trampoline, 1, (u64)t);
	thread_make_ready(t);
	return t;
}

long
thread_start_actor(struct actor *a, u64 entry, u64 stack, u64 arg, long prio, long *tidp)
{
	struct kcontext init = { .rip = entry, .rsp = stack, .rdi = arg };

	return thread_start_ctx(a, &init, prio, false, tidp);
}

/* A new thread of a, starting from the registers in `init` (privilege
 * and interrupt state the nucleus's: cs, ss, rflags as a handler may
 * leave them). */
long
thread_start_ctx(struct actor *a, const struct kcontext *init, long prio, bool suspended,
		 long *tidp)
{
	struct thread *t = thread_alloc(a, a->name, prio);
	struct kcontext *ctx;
	bool user = a->mode == K_ACTOR_USER;

	if (!t)
		return -K_ENOMEM;
	ctx = (struct kcontext *)(t->kstack_top - sizeof(*ctx));
	*ctx = *init;
	ctx->vector = ctx->error = 0;
	ctx->rflags = (init->rflags & RFLAGS_USER) | RFLAGS_IF | 2;
	ctx->cs = user ? SEL_UCODE : SEL_KCODE;
	ctx->ss = user ? SEL_UDATA : SEL_KDATA;
	switch_frame(t, (u64)ctx, thread_trampoline, 0, 0);
	if (curthread()->actor == a)
		t->cpumask = curthread()->cpumask;	/* inherited */
	spin_lock(&a->lock);
	if (a->state != ACTOR_ALIVE) {
		spin_unlock(&a->lock);
		spin_lock(&thread_lock);
		table[t->slot] = NULL;
		nthreads--;
		spin_unlock(&thread_lock);
		t->actor = NULL;
		thread_free(t);
		return -K_ESTATE;
	}
	list_add_tail(&a->threads, &t->actor_link);
	a->nthreads++;
	a->refs++;
	spin_unlock(&a->lock);
	*tidp = t->tid;
	if (suspended)
		t->suspend = 1;		/* stops at its first boundary */
	thread_make_ready(t);
	return K_OK;
}

/* First code of every new thread, from thread_trampoline. */
void
thread_first_run(void)
{
	sched_finish_switch();
	mycpu()->intena = 0;	/* actor threads leave through iretq */
	pop_off();
	if (curthread()->actor)
		thread_boundary();
}

_Noreturn void
thread_kernel_main(struct thread *t)
{
	sti();
	t->kfn(t->karg);
	thread_exit();
}

_Noreturn void
thread_exit(void)
{
	struct thread *t = curthread();
	struct actor *a = t->actor;
	bool last = false;

	if (a) {
		spin_lock(&a->lock);
		list_del(&t->actor_link);
		last = --a->nthreads == 0;
		spin_unlock(&a->lock);
	}
	spin_lock(&thread_lock);
	table[t->slot] = NULL;
	gen[t->slot] = (u16)(gen[t->slot] + 1) ? (u16)(gen[t->slot] + 1) : 1;
	nthreads--;
	spin_unlock(&thread_lock);
	if (last)
		actor_thread_gone(a);
	sched_exit_current();
}

void
thread_kill(struct thread *t)
{
	t->killed = true;
	thread_wake(t, -K_EABORT);
	sched_hurry(t);
	sched_kick_thread(t);
}

long
thread_suspend(struct thread *t)
{
	__atomic_add_fetch(&t->suspend, 1, __ATOMIC_SEQ_CST);
	sched_kick_thread(t);
	return K_OK;
}

long
thread_resume(struct thread *t)
{
	long r = K_OK;

	spin_lock(&t->suspendq.lock);
	if (t->suspend == 0)
		r = -K_ESTATE;
	else if (__atomic_sub_fetch(&t->suspend, 1, __ATOMIC_SEQ_CST) == 0)
		waitq_wake(&t->suspendq, 1, K_OK);
	spin_unlock(&t->suspendq.lock);
	return r;
}

/*
 * The current thread t leaves a wait during which its FS base may have
 * been changed (threadSetFs on a thread suspended or in a trap message).
 * A switch back to it loads the new base; a wait that ended before the
 * thread went off its processor did not switch, so the register may
 * still hold the old one.
 */
void
thread_sync_fs(struct thread *t)
{
	if (!t->actor || t->actor->mode != K_ACTOR_USER)
		return;
	push_off();
	if (READ_ONCE(t->fsbase) != mycpu()->fsbase) {
		wrmsr(MSR_FS_BASE, t->fsbase);
		mycpu()->fsbase = t->fsbase;
	}
	pop_off();
}

/* thread_boundary found the thread deleted or suspended. */
void
thread_boundary_slow(void)
{
	struct thread *t = curthread();

	while (unlikely(t->killed || t->suspend)) {
		if (t->killed)
			thread_exit();
		spin_lock(&t->suspendq.lock);
		if (t->suspend && !t->killed)
			waitq_sleep_state(&t->suspendq, K_NOTIMEOUT, K_TS_SUSPENDED);
		else
			spin_unlock(&t->suspendq.lock);
	}
	thread_sync_fs(t);
}
