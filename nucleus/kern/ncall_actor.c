// SPDX-License-Identifier: MIT
/*
 * Nucleus calls on actors and threads: decode and check every argument,
 * then act.  A thread may control threads of its own actor; an actor may
 * control the actors it started; supervisor and trusted actors may
 * control any.
 * Entry points: nc_actor*, nc_thread*, nc_trapPort.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/boot.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include <ipc/ipc.h>
#include <motet/nucleus.h>
#include "x86.h"

static bool
may_control(struct actor *caller, struct actor *target)
{
	return caller == target || target->parent == caller->aid ||
	       caller->mode == K_ACTOR_SUPER || caller->trusted;
}

static bool
prio_valid(long prio)
{
	long lvl = K_PRIO_LEVEL(prio);

	if (prio == 0)
		return true;
	if (prio & ~0x3ffffL)
		return false;
	if (K_PRIO_CLASS(prio) == K_CLASS_RT)
		return lvl < K_RT_LEVELS;
	if (K_PRIO_CLASS(prio) == K_CLASS_TS)
		return lvl <= K_TS_NICE_MAX - K_TS_NICE_MIN;
	return false;
}

long nc_actorSelf(void) { return caller_actor()->aid; }

long
nc_actorStart(long module, long mode, long args)
{
	char name[BOOTNAME_MAX], argstr[BOOTARGS_MAX];
	struct actor *caller = caller_actor();
	int m = (int)(mode & 0xff);
	bool trusted = mode & K_ACTOR_TRUSTED;
	long r;

	if ((mode & ~(0xffL | K_ACTOR_TRUSTED)) || (m != K_ACTOR_USER && m != K_ACTOR_SUPER))
		return -K_EINVAL;
	if ((r = copyin_str(name, (uaddr_t)module, sizeof(name))) < 0)
		return r;
	argstr[0] = '\0';
	if (args && (r = copyin_str(argstr, (uaddr_t)args, sizeof(argstr))) < 0)
		return r;
	if ((trusted || m == K_ACTOR_SUPER) && !caller->trusted && caller->mode != K_ACTOR_SUPER)
		return -K_EPERM;
	return actor_start_module(name, m, trusted, argstr, caller->aid, 0);
}

/* An empty actor (no region, no thread) started by the caller, which
 * fills it (rgnMap, rgnCopy, vmCopy) and gives it threads. */
long
nc_actorCreate(long mode)
{
	struct actor *caller = caller_actor(), *a;
	int m = (int)(mode & 0xff);
	bool trusted = mode & K_ACTOR_TRUSTED;

	if ((mode & ~(0xffL | K_ACTOR_TRUSTED)) || (m != K_ACTOR_USER && m != K_ACTOR_SUPER))
		return -K_EINVAL;
	if ((trusted || m == K_ACTOR_SUPER) && !caller->trusted && caller->mode != K_ACTOR_SUPER)
		return -K_EPERM;
	if (!(a = actor_create(caller->name, m, trusted, caller->aid)))
		return -K_ENOMEM;
	if (!(a->pmap = m == K_ACTOR_USER ? pmap_create() : &kernel_pmap)) {
		actor_kill(a, K_STATUS_DELETED);
		return -K_ENOMEM;
	}
	return a->aid;
}

long
nc_actorDelete(long aid)
{
	struct actor *caller = caller_actor(), *a = actor_get_by_id(aid);
	long r = -K_EPERM;

	if (!a)
		return -K_EUNKNOWN;
	if (may_control(caller, a)) {
		actor_kill(a, K_STATUS_DELETED);
		r = K_OK;
	}
	actor_put(a);
	return r;
}

long
nc_actorWait(long aid, long timeout)
{
	long status, r;

	if (timeout < K_NOTIMEOUT)
		return -K_EINVAL;
	if (aid == caller_actor()->aid)
		return -K_EINVAL;
	if ((r = actor_wait(aid, timeout, &status)) < 0)
		return r;
	return status;
}

long
nc_actorExit(long code)
{
	if (code < 0 || code > 0xffff)
		return -K_EINVAL;
	actor_kill(caller_actor(), code);
	thread_boundary();
	return K_OK;		/* only reached from a handler's context */
}

long nc_threadSelf(void) { return curthread()->tid; }

long
nc_threadCreate(long entry, long stack, long arg, long prio)
{
	struct actor *a = caller_actor();
	long tid, r;
	u64 lo = a->mode == K_ACTOR_SUPER ? KSUPER_BASE : USER_BASE;
	u64 hi = a->mode == K_ACTOR_SUPER ? KSUPER_END : USER_END;

	if ((u64)entry < lo || (u64)entry >= hi || (u64)stack < lo || (u64)stack > hi ||
	    (stack & 7) || !prio_valid(prio))
		return -K_EINVAL;
	r = thread_start_actor(a, (u64)entry, (u64)stack, (u64)arg,
			       prio ? prio : curthread()->prio, &tid);
	return r < 0 ? r : tid;
}

/* Runs fn on the thread named tid (0: the caller) if the caller may. */
static long
with_thread(long tid, long (*fn)(struct thread *, long), long arg)
{
	struct actor *caller = caller_actor();
	struct thread *t;
	long r;

	if (tid == 0)
		tid = curthread()->tid;
	spin_lock(&thread_lock);
	t = thread_lookup(tid);
	if (!t || !t->actor)
		r = -K_EUNKNOWN;
	else if (!may_control(caller, t->actor))
		r = -K_EPERM;
	else
		r = fn(t, arg);
	spin_unlock(&thread_lock);
	return r;
}

static long do_kill(struct thread *t, long arg) { (void)arg; thread_kill(t); return K_OK; }
static long do_suspend(struct thread *t, long arg) { (void)arg; return thread_suspend(t); }
static long do_resume(struct thread *t, long arg) { (void)arg; return thread_resume(t); }
static long do_prio(struct thread *t, long prio) { sched_set_prio(t, prio); return K_OK; }
static long do_affinity(struct thread *t, long m) { sched_set_affinity(t, (u64)m); return K_OK; }

long
nc_threadDelete(long tid)
{
	long r = with_thread(tid, do_kill, 0);

	thread_boundary();	/* deleting oneself ends here */
	return r;
}

long nc_threadSuspend(long tid) { return with_thread(tid, do_suspend, 0); }
long nc_threadResume(long tid) { return with_thread(tid, do_resume, 0); }

long
nc_threadSetPrio(long tid, long prio)
{
	if (!prio_valid(prio) || prio == 0)
		return -K_EINVAL;
	return with_thread(tid, do_prio, prio);
}

long
nc_threadSetAffinity(long tid, long mask)
{
	u64 online = cpus_online >= 64 ? ~0UL : (1UL << cpus_online) - 1;

	if (!((u64)mask & online))
		return -K_EINVAL;
	return with_thread(tid, do_affinity, (long)((u64)mask & online));
}

long
nc_threadSleep(long ns)
{
	struct waitq wq;
	long r;

	if (ns < 0)
		return -K_EINVAL;
	waitq_init(&wq);
	spin_lock(&wq.lock);
	r = waitq_sleep(&wq, ns ? ns : 1);
	return r == -K_ETIMEOUT ? K_OK : r;
}

long
nc_threadYield(void)
{
	sched_yield();
	return K_OK;
}

static long
do_stat(struct thread *t, long out)
{
	struct kthreadstat st = {
		.aid = t->actor->aid, .state = t->state ? t->state : K_TS_READY,
		.cpu = t->cpu, .prio = t->prio, .level = t->level,
		.suspend = t->suspend, .ncalls = t->ncalls, .switches = t->switches,
		.cpu_ns = tsc_to_ns(t->cpu_tsc), .cpumask = t->cpumask,
	};
	*(struct kthreadstat *)out = st;
	return K_OK;
}

long
nc_threadStat(long tid, long out)
{
	struct kthreadstat st;
	long r = with_thread(tid, do_stat, (long)&st);

	return r < 0 ? r : copyout((uaddr_t)out, &st, sizeof(st));
}

/*
 * What a subsystem server (a process manager) needs to run another actor's
 * threads: their syscalls as messages (trapPort), new threads from a full
 * context (threadCreateCtx), and the context of a thread stopped in a trap
 * message or suspended (threadContext).  Only user actors: supervisor
 * actors never trap.
 */

/* A user actor the caller controls, referenced; or NULL with *err. */
static struct actor *
controlled_user(long aid, long *err)
{
	struct actor *caller = caller_actor(), *a = actor_get_by_id(aid ? aid : caller->aid);

	*err = !a ? -K_EUNKNOWN : !may_control(caller, a) ? -K_EPERM :
	       a->mode != K_ACTOR_USER ? -K_EINVAL : K_OK;
	if (a && *err) {
		actor_put(a);
		a = NULL;
	}
	return a;
}

long
nc_trapPort(long aid, long uport)
{
	struct kui port;
	struct actor *a;
	long err;

	if (uport && copyin(&port, (uaddr_t)uport, sizeof(port)) < 0)
		return -K_EFAULT;
	if (uport && !ui_valid(&port, K_UI_PORT))
		return -K_EINVAL;
	if (!(a = controlled_user(aid, &err)))
		return err;
	ipc_set_trap_port(a, uport ? &port : NULL);
	actor_put(a);
	return K_OK;
}

/* A user context the nucleus can return to: code in the user half,
 * a stack pointer in it or at its end. */
static bool
user_ctx_ok(const struct kcontext *k)
{
	return k->rip >= USER_BASE && k->rip < USER_END && k->rsp <= USER_END;
}

long
nc_threadCreateCtx(long aid, long uctx, long prio)
{
	struct kcontext k;
	struct actor *a;
	long err, tid;

	bool suspended = prio & K_THREAD_SUSPENDED;

	prio &= ~K_THREAD_SUSPENDED;
	if (copyin(&k, (uaddr_t)uctx, sizeof(k)) < 0)
		return -K_EFAULT;
	if (!user_ctx_ok(&k) || !prio_valid(prio))
		return -K_EINVAL;
	if (!(a = controlled_user(aid, &err)))
		return err;
	err = thread_start_ctx(a, &k, prio ? prio : curthread()->prio, suspended, &tid);
	actor_put(a);
	return err < 0 ? err : tid;
}

/* The saved user context of t, stopped where it cannot change it: in a
 * trap message, or suspended at its boundary. */
static struct kcontext *
stopped_ctx(struct thread *t)
{
	if (t == curthread() && t->hctx)
		return t->hctx;		/* a handler's own thread: its saved context */
	if (t->actor->mode != K_ACTOR_USER || t == curthread() ||
	    !(READ_ONCE(t->trap_wait) || READ_ONCE(t->state) == K_TS_SUSPENDED))
		return NULL;
	return (struct kcontext *)(t->kstack_top - sizeof(struct kcontext));
}

static long
do_get_ctx(struct thread *t, long out)
{
	struct kcontext *k = stopped_ctx(t);

	if (!k)
		return -K_ESTATE;
	*(struct kcontext *)out = *k;
	return K_OK;
}

/* The nucleus's part stays: how the thread entered (vector, error) and
 * its privilege and interrupt state. */
static long
do_set_ctx(struct thread *t, long in)
{
	struct kcontext *k = stopped_ctx(t), n = *(struct kcontext *)in;

	if (!k)
		return -K_ESTATE;
	n.vector = k->vector;
	n.error = k->error;
	n.cs = k->cs;
	n.ss = k->ss;
	n.rflags = (n.rflags & RFLAGS_USER) | RFLAGS_IF | 2;
	*k = n;
	return K_OK;
}

/* A new FS base takes effect when t is next switched to: at once for a
 * thread that waits (trap message) or has a suspension pending, since it
 * stops before its code runs again. */
static long
do_set_fs(struct thread *t, long base)
{
	if (t->actor->mode != K_ACTOR_USER)
		return -K_EINVAL;
	if (t == curthread()) {
		push_off();
		t->fsbase = (u64)base;
		wrmsr(MSR_FS_BASE, (u64)base);
		mycpu()->fsbase = (u64)base;
		pop_off();
		return K_OK;
	}
	if (!READ_ONCE(t->trap_wait) && READ_ONCE(t->suspend) == 0)
		return -K_ESTATE;
	WRITE_ONCE(t->fsbase, (u64)base);
	return K_OK;
}

long
nc_threadSetFs(long tid, long base)
{
	if ((u64)base >= USER_END)
		return -K_EINVAL;
	return with_thread(tid, do_set_fs, base);
}

/* The FPU area of a thread that waits or is suspended: switched out, so
 * the area is the thread's state.  A switch holds its processor's
 * run-queue lock until the next thread runs, so with that lock held, a
 * thread that is neither running nor current there is all saved.  For
 * the thread a trap or exception handler runs in, the area saved around
 * the handler (call_target). */
struct fpu_op {
	bool set;
	u8 *area;
};

/* The FXSAVE area fpu read into op->area, or replaced by it. */
static void
fpu_area_op(u8 *fpu, const struct fpu_op *op)
{
	if (op->set) {
		u32 mask = *(u32 *)(fpu + 28), mxcsr;
		memcpy(&mxcsr, op->area + 24, 4);
		mxcsr &= mask ? mask : 0xffbf;	/* reserved bits would fault fxrstor */
		memcpy(fpu, op->area, 512);
		memcpy(fpu + 24, &mxcsr, 4);
		memcpy(fpu + 28, &mask, 4);
	} else {
		memcpy(op->area, fpu, 512);
	}
}

static long
do_fpu(struct thread *t, long arg)
{
	struct fpu_op *op = (struct fpu_op *)arg;
	struct cpu *c;
	long r = K_OK;
	int st;

	if (!stopped_ctx(t))
		return -K_ESTATE;
	if (t == curthread()) {			/* a handler's own thread */
		fpu_area_op(t->hfpu, op);
		return K_OK;
	}
	c = &cpus[t->cpu];
	spin_lock(&c->rq.lock);
	st = READ_ONCE(t->state);
	if (c->current == t || (st != K_TS_BLOCKED && st != K_TS_SUSPENDED))
		r = -K_EAGAIN;			/* on its way out: ask again */
	else
		fpu_area_op(t->fpu, op);
	spin_unlock(&c->rq.lock);
	return r;
}

/* Both at once (K_CTX_ALL_*), under the thread lock: the FPU part
 * first, so -K_EAGAIN leaves the thread as it was. */
struct state_op {
	bool set;
	struct kthreadstate *s;
};

static long
do_state(struct thread *t, long arg)
{
	struct state_op *op = (struct state_op *)arg;
	struct fpu_op f = { op->set, op->s->fpu };
	long r;

	if ((r = do_fpu(t, (long)&f)) < 0)
		return r;
	return op->set ? do_set_ctx(t, (long)&op->s->ctx) : do_get_ctx(t, (long)&op->s->ctx);
}

static long
thread_state_op(long tid, bool set, long uctx)
{
	struct kthreadstate s;
	struct state_op op = { set, &s };
	long r;

	if (set && (copyin(&s, (uaddr_t)uctx, sizeof(s)) < 0))
		return -K_EFAULT;
	if (set && !user_ctx_ok(&s.ctx))
		return -K_EINVAL;
	if ((r = with_thread(tid, do_state, (long)&op)) < 0)
		return r;
	return set ? K_OK : copyout((uaddr_t)uctx, &s, sizeof(s));
}

long
nc_threadContext(long tid, long op, long uctx)
{
	struct kcontext k;
	long r;

	if (op == K_CTX_FPU_GET || op == K_CTX_FPU_SET) {
		u8 area[512];
		struct fpu_op f = { op == K_CTX_FPU_SET, area };
		if (f.set && copyin(area, (uaddr_t)uctx, sizeof(area)) < 0)
			return -K_EFAULT;
		if ((r = with_thread(tid, do_fpu, (long)&f)) < 0)
			return r;
		return f.set ? K_OK : copyout((uaddr_t)uctx, area, sizeof(area));
	}

	if (op == K_CTX_ALL_GET || op == K_CTX_ALL_SET)
		return thread_state_op(tid, op == K_CTX_ALL_SET, uctx);
	if (op == K_CTX_GET) {
		if ((r = with_thread(tid, do_get_ctx, (long)&k)) < 0)
			return r;
		return copyout((uaddr_t)uctx, &k, sizeof(k));
	}
	if (op != K_CTX_SET)
		return -K_EINVAL;
	if (copyin(&k, (uaddr_t)uctx, sizeof(k)) < 0)
		return -K_EFAULT;
	if (!user_ctx_ok(&k))
		return -K_EINVAL;
	return with_thread(tid, do_set_ctx, (long)&k);
}
