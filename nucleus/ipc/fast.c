// SPDX-License-Identifier: MIT
/*
 * The IPC fast path: an ipcCall, or an ipcReplyReceive, by a user thread
 * with no timeout and an annex-only message, whose partner (the receiver
 * of the call, the caller of the reply) is asleep on this processor.
 * The message is handed over with the steps of the general path (msg.c)
 * under one short hold of ipc_lock, and this thread switches straight to
 * the partner (sched_handoff_won): no pass through the scheduler's
 * queues, no second look at the partner's state.
 *
 * Both sides wait with a continuation (thread.cont, set by ipc_cont): a
 * thread switched to after such a wait starts on a fresh frame at the top
 * of its stack, in ipc_continue, which copies the reply or the received
 * message out and leaves the nucleus by the syscall exit, instead of
 * returning through the frames it blocked in.  Any other wake-up (a
 * deletion, a sender on another processor, the scheduler) resumes it
 * the same way, so the two paths give the same result.
 *
 * A trap message (an actor's syscall routed to a server, kcall.c) takes
 * the same way to a server thread waiting for it (fast_trap).
 * A call to a port with a handler goes on to lightweight RPC (lrpc.c).
 * Anything else (a body, a timeout, a queued message, a partner
 * elsewhere) takes the general path, and so does a call that loses a race
 * here before it changed anything.
 * Entry points: fast_syscall (from syscall_handler), fast_trap (from
 * kcall.c), ipc_continue, and for msg.c ipc_cont.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <ipc/ipc.h>
#include <motet/callnum.h>
#include "x86.h"

/* A thread in a nucleus call by syscall (which may wait with a
 * continuation) that may take the fast path. */
static inline bool
fast_thread(struct thread *t)
{
	return !t->acting && !t->killed;
}

/* The current thread t's next block (block() in msg.c, or the switch
 * here) ends in a continuation of `kind`: umsg, km are the struct and
 * body buffer to copy out to. */
static inline void
cont_set(struct thread *t, int kind, long umsg, const struct kmsg *km)
{
	struct thread_ipc *ti = &t->ipc;

	ti->cont_kind = kind;
	ti->cont_umsg = umsg;
	ti->cont_body = km->body;
	ti->cont_size = km->bodysize;
	ti->cont_timed = false;
	t->cont = ipc_cont_entry;
}

/*
 * The next block() of t may end in a continuation of `kind` if t is a
 * user thread in a nucleus call by syscall (ipc_continuable): whoever
 * switches to t then runs ipc_continue on the top of its stack instead of
 * returning through the frames t blocked in.
 */
static bool
ipc_continuable(struct thread *t)
{
	return t->actor && t->actor->mode == K_ACTOR_USER && !t->acting && !mycpu_irq_depth() &&
	       ((struct kcontext *)(t->kstack_top - sizeof(struct kcontext)))->vector == K_TRAP_SYSCALL;
}

void
ipc_cont(struct thread *t, int kind, long umsg, const struct kmsg *km)
{
	if (ipc_continuable(t))
		cont_set(t, kind, umsg, km);
}

_Static_assert(sizeof(struct kaddr) % 8 == 0 && sizeof(struct kmsg) % 8 == 0 &&
	       sizeof(struct kui) % 8 == 0 && KMSG_IN % 8 == 0 && KMSG_OUT % 8 == 0,
	       "the fast path copies whole words");

/* The caller's own space: the user half, or the supervisor space for a
 * supervisor actor's thread. */
struct span {
	u64 lo, hi;
};

static inline struct span
span_of(const struct actor *a)
{
	if (likely(a->mode != K_ACTOR_SUPER))
		return (struct span){ USER_BASE, USER_END };
	return (struct span){ KSUPER_BASE, KSUPER_END };
}

/* n bytes (whole words) at src in span sp, or false. */
static inline bool
aget(struct span sp, void *dst, long src, size_t n)
{
	return (u64)src >= sp.lo && (u64)src < sp.hi - n && copy_words(dst, (void *)src, n / 8) == 0;
}

/* Wins the wake-up of t, asleep on processor c where it may run. */
static inline bool
win_here(struct thread *t, struct cpu *c)
{
	long pending = WAIT_PENDING;

	return t->cpu == c->id && t->state == K_TS_BLOCKED && (t->cpumask & (1UL << c->id)) &&
	       __atomic_compare_exchange_n(&t->wake_result, &pending, K_OK, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* The nucleus's stamp on a message from user actor a (its src not a port). */
static inline void
stamp_actor(struct kmsg *k, const struct actor *a)
{
	k->src = a->ipc.ui;
	k->protid = a->ipc.protid;
}

static inline bool
bodiless(const struct msg *m)
{
	return !m->k.body && !m->pages;
}

/* A message with no body out to the user struct at umsg, as copy_to_user
 * (msg.c) puts it: K_OK, or -K_EFAULT with nothing else done. */
static inline long
put_annex(struct thread *t, struct msg *m, long umsg, u64 token)
{
	m->k.reply = token;
	m->k.flags = token ? K_MSG_CALL : 0;
	t->vm_reserve = m->k.protid == K_PROTID_NUCLEUS;	/* a mapper call */
	if ((u64)umsg < USER_BASE || (u64)umsg >= USER_END - sizeof(m->k) ||
	    copy_words((void *)(umsg + KMSG_OUT), &m->k.bodysize, (sizeof(m->k) - KMSG_OUT) / 8) < 0)
		return -K_EFAULT;
	return K_OK;
}

/* t's staged call to r, asleep on p and won: r has it, t waits for the
 * reply (as post_call and deliver do it); ipc_lock held. */
static inline void
give_call(struct thread *t, struct thread *r, struct port *p)
{
	struct thread_ipc *ti = &t->ipc;

	ti->call.caller = t;
	ti->call_seq++;
	__atomic_store_n(&t->wake_result, WAIT_PENDING, __ATOMIC_SEQ_CST);
	list_del(&r->ipc.rx_link);
	take(r, &ti->call, p);
	port_room(p);
}

/*
 * Switches to `to`, won and given its message, the current thread waiting
 * with its continuation set; interrupts off (one push_off) and ipc_lock
 * released.  Returns the current thread's wake result when it was woken
 * before it could block (to is made ready then), or once it is resumed
 * where it blocked.
 */
static long
hand_to(struct thread *t, struct thread *to)
{
	if (!sched_handoff_won(to))
		thread_ready_won(to);
	pop_off();
	t->cont = NULL;
	t->ipc.cont_kind = CONT_NONE;
	return t->wake_result;
}

/*
 * ipcCall(umsg, uto, ureply, K_NOTIMEOUT) on the fast path; FAST_NO if
 * it is not for it (nothing done).  By a user thread, or by a supervisor
 * one (lrpc_direct, for a port without a handler), which waits where it
 * is as in fast_reply_receive.
 */
long
fast_call(long umsg, long uto, long ureply)
{
	struct thread *t = curthread(), *r;
	struct thread_ipc *ti = &t->ipc;
	struct actor *a = t->actor;
	struct kmsg kr;
	struct kaddr to;
	struct port *p;
	struct span sp = span_of(a);

	if (!fast_thread(t) || !aget(sp, &to, uto, sizeof(to)) || to.mode != K_ADDR_PORT ||
	    !aget(sp, &kr, ureply, KMSG_IN))
		return FAST_NO;
	/* staged in place: its body pointer is the actor's until reset */
	if (!aget(sp, &ti->call.k, umsg, sizeof(ti->call.k)) || ti->call.k.bodysize ||
	    K_UI_TYPEOF(&ti->call.k.src) == K_UI_PORT)
		goto no;
	spin_lock(&ipc_lock);
	if (!(p = port_find(t, &to.ui))) {
		spin_unlock(&ipc_lock);
		goto no;
	}
	stamp_actor(&ti->call.k, a);
	ti->call.k.body = NULL;
	ti->call.pages = NULL;
	if (p->handler && a->mode == K_ACTOR_USER) {	/* lightweight RPC, as post_call leads to */
		ti->call.caller = NULL;
		return lrpc(a, p, &ti->call, &kr, ureply);
	}
	if (p->handler) {
		spin_unlock(&ipc_lock);
		goto no;
	}
	if (!(r = waiting_receiver(p)) || !win_here(r, mycpu())) {
		spin_unlock(&ipc_lock);
		return FAST_NO;
	}
	give_call(t, r, p);
	if (a->mode == K_ACTOR_USER)
		cont_set(t, CONT_CALL, ureply, &kr);
	push_off();
	spin_unlock(&ipc_lock);
	return call_finish(t, hand_to(t, r), ureply, &kr);
no:
	ti->call.k.body = NULL;
	return FAST_NO;
}

/* No message waits for a receive on p (NULL: a's enabled ports). */
static bool
nothing_queued(struct actor *a, struct port *p)
{
	struct list *it;

	if (p)
		return p->queued == 0;
	list_for_each(it, &a->ipc.enabled)
		if (list_entry(it, struct port, elink)->queued)
			return false;
	return true;
}

/*
 * ipcReplyReceive(token, ureply, umsg, uport, K_NOTIMEOUT) on the fast
 * path; FAST_NO if it is not for it (nothing done).  By a user thread
 * (fast_syscall), which waits with a continuation, or by a supervisor
 * one (ncall_direct), which waits where it is and copies the message
 * out when it is switched back to.
 */
long
fast_reply_receive(u64 token, long ureply, long umsg, long uport)
{
	struct thread *t = curthread(), *c;
	struct thread_ipc *ti = &t->ipc, *ci;
	struct actor *a = t->actor;
	struct kmsg km, rk;
	struct kui pui;
	struct port *p = NULL;
	long err;
	struct span sp = span_of(a);

	if (!token || !fast_thread(t) || !aget(sp, &km, umsg, KMSG_IN) ||
	    (uport && !aget(sp, &pui, uport, sizeof(pui))) || !aget(sp, &rk, ureply, sizeof(rk)) ||
	    rk.bodysize || K_UI_TYPEOF(&rk.src) == K_UI_PORT)
		return FAST_NO;
	spin_lock(&ipc_lock);
	if (!(c = pending_of(a, token)) || (uport && !(p = port_of_caller(&pui, a, &err))) ||
	    !nothing_queued(a, p) || !win_here(c, mycpu())) {
		spin_unlock(&ipc_lock);
		return FAST_NO;
	}
	/* the reply, as reply_locked gives it */
	ci = &c->ipc;
	list_del(&ci->pend_link);
	stamp_actor(&rk, a);
	rk.port = (struct kui){ 0, 0 };
	ci->reply.k = rk;
	ci->reply.k.body = NULL;
	ci->reply.pages = NULL;
	ci->call_result = K_OK;
	ci->call_state = CALL_DONE;
	/* and the wait for the next message, as receive does */
	ti->rx_got = false;
	ti->rx_port = p;
	list_add_tail(&a->ipc.receivers, &ti->rx_link);
	__atomic_store_n(&t->wake_result, WAIT_PENDING, __ATOMIC_SEQ_CST);
	if (a->mode == K_ACTOR_USER)
		cont_set(t, CONT_RECV, umsg, &km);
	push_off();
	spin_unlock(&ipc_lock);
	return receive_finish(t, a, umsg, &km, hand_to(t, c));
}

/*
 * A trap message (kcall.c: req, from t's actor to its trap port pui) to a
 * server thread asleep on that port here, handed over as fast_call does.
 * t waits without a continuation (the trap's registers stay on its stack)
 * and ends its call as kcall_as does: K_OK and the reply's word 0 in
 * *word, the call's error, or FAST_NO (nothing done).
 */
long
fast_trap(struct thread *t, const struct kui *pui, const struct kmsg *req, u64 *word)
{
	struct thread_ipc *ti = &t->ipc;
	struct thread *r;
	struct port *p;
	long err;

	if (!fast_thread(t))
		return FAST_NO;
	spin_lock(&ipc_lock);
	if (!(p = port_find(t, pui)) || p->handler || !(r = waiting_receiver(p)) ||
	    !win_here(r, mycpu())) {
		spin_unlock(&ipc_lock);
		return FAST_NO;
	}
	ti->call.k = *req;
	stamp_actor(&ti->call.k, t->actor);
	ti->call.k.body = NULL;
	ti->call.pages = NULL;
	give_call(t, r, p);
	push_off();
	spin_unlock(&ipc_lock);
	if ((err = end_call(t, hand_to(t, r))) == K_OK)
		*word = ti->reply.k.annex[0];
	if (!bodiless(&ti->reply))
		body_out(&ti->reply, NULL, 0, false);
	return err;
}

/* From syscall_handler, for ipcCall and ipcReplyReceive: the result, or
 * FAST_NO for the general path. */
long
fast_syscall(struct kcontext *ctx)
{
	if (ctx->rax == NC_ipcCall)
		return (long)ctx->r10 == K_NOTIMEOUT ? fast_call((long)ctx->rdi, (long)ctx->rsi,
								 (long)ctx->rdx) : FAST_NO;
	return (long)ctx->r8 == K_NOTIMEOUT ? fast_reply_receive(ctx->rdi, (long)ctx->rsi,
								(long)ctx->rdx, (long)ctx->r10) : FAST_NO;
}

/*
 * Where a thread blocked with a continuation resumes (ipc_cont_entry),
 * ctx its actor context: the rest of its call or receive, then the way
 * out of a nucleus call.  As after any switch, this processor's run-queue
 * lock is held and interrupts are off.
 */
long
ipc_continue(struct kcontext *ctx)
{
	struct thread *t = curthread();
	struct thread_ipc *ti = &t->ipc;
	long r = t->wake_result;
	struct kmsg km;

	sched_finish_switch();
	pop_off();
	sti();
	t->cont = NULL;
	if (unlikely(ti->cont_timed))
		timer_cancel(&t->timer);
	if (ti->cont_kind == CONT_CALL) {
		ti->cont_kind = CONT_NONE;
		if (likely(r == K_OK && ti->call_state == CALL_DONE && bodiless(&ti->reply) &&
			   bodiless(&ti->call))) {
			ti->call_state = CALL_NONE;	/* end_call's part */
			ctx->rax = (u64)put_annex(t, &ti->reply, ti->cont_umsg, 0);
			return syscall_finish(ctx);
		}
		km.body = ti->cont_body;
		km.bodysize = ti->cont_size;
		ctx->rax = (u64)call_finish(t, r, ti->cont_umsg, &km);
	} else {
		ti->cont_kind = CONT_NONE;
		if (likely(r == K_OK && ti->rx_got && !t->killed && bodiless(&ti->rx) &&
			   put_annex(t, &ti->rx, ti->cont_umsg, ti->rx.caller ? ti->rx_token : 0) == K_OK)) {
			ctx->rax = K_OK;
			return syscall_finish(ctx);
		}
		km.body = ti->cont_body;
		km.bodysize = ti->cont_size;
		ctx->rax = (u64)receive_finish(t, t->actor, ti->cont_umsg, &km, r);
	}
	return syscall_finish(ctx);
}
