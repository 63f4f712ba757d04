// SPDX-License-Identifier: MIT
/*
 * Messages and RPC: ipcSend, ipcCall, ipcReceive, ipcReply and
 * ipcReplyReceive.
 *
 * A message is staged in the nucleus (annex and a copy of the body, see
 * body.c) before ipc_lock is taken, and copied out to the receiver after it
 * is released.  Under the lock a message either goes straight to a thread
 * of the owner that waits for it (into thread.ipc.rx) or onto the port's
 * queue.  A caller's request lives in its own thread (ipc.call), so a call
 * allocates nothing; the caller sleeps until the reply, the timeout, its
 * deletion, or the end of the port or the server.  When a call finds its
 * receiver asleep, or a reply its caller, the nucleus switches to that
 * thread at once (thread_handoff): the fast path.
 *
 * A call that was received is pending on the receiving actor until some
 * thread of it replies with the token it got (a thread id and a call
 * sequence number, so a stale token finds nothing).
 * Where a message goes is in route.c, lightweight RPC in lrpc.c.
 * The nucleus's own calls to mappers are in kcall.c.
 * Entry points: nc_ipc*, deliver, call_complete, msg_free; for kcall.c and
 * body.c block, post_call, end_call, time_left, pending_of; for fast.c
 * waiting_receiver, take, call_finish, receive_finish.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include <ipc/ipc.h>

#define TOKEN(t)	(((u64)(t)->tid << 24) | ((t)->ipc.call_seq & 0xffffff))

void
msg_free(struct msg *m)
{
	body_free(m);
	kfree(m);
}

/* The nucleus's stamp: source port (it must be the sender's own) or, for
 * any src that is not a port UI (null, or an actor UI left in a reused
 * struct), the sender's actor UI; and the protection identifier.
 * ipc_lock held. */
static long
stamp(struct msg *m, struct actor *a)
{
	if (K_UI_TYPEOF(&m->k.src) != K_UI_PORT) {
		m->k.src = a->ipc.ui;
	} else {
		struct uient *e = ui_find(&m->k.src, K_UI_PORT);
		if (!e || container_of(e, struct port, ent)->owner != a)
			return -K_EPERM;
	}
	m->k.protid = a->ipc.protid;
	return K_OK;
}

static void
ipc_timeout(struct timer *tm)
{
	thread_wake(container_of(tm, struct thread, timer), -K_ETIMEOUT);
}

/* Marks the current thread as about to wait; ipc_lock held. */
static void
prepare_wait(struct thread *t)
{
	__atomic_store_n(&t->wake_result, WAIT_PENDING, __ATOMIC_SEQ_CST);
}

/*
 * Waits (after prepare_wait) for at most timeout ns, first waking `to`
 * (a receiver given a message, a caller given its reply) and running it
 * here if it can.  Returns the wake result.
 */
long
block(struct thread *t, long timeout, struct thread *to)
{
	bool timed = false;
	long r;

	if (timeout == 0 || READ_ONCE(t->killed)) {
		thread_wake(t, t->killed ? -K_EABORT : -K_ETIMEOUT);
	} else if (timeout > 0) {
		timer_arm(&t->timer, time_ns() + (u64)timeout, ipc_timeout);
		timed = true;
	}
	t->ipc.cont_timed = timed;	/* a continuation (ipc_cont) cancels it */
	r = to ? thread_handoff(to, K_OK) : thread_block_state(K_TS_BLOCKED);
	/* not switched away: no continuation */
	t->cont = NULL;
	t->ipc.cont_kind = CONT_NONE;
	if (timed)
		timer_cancel(&t->timer);
	return r;
}

/* Waits for room in p's queue; ipc_lock held, and held again on return. */
static long
wait_room(struct thread *t, struct port *p, long timeout)
{
	long r;

	list_add_tail(&p->room, &t->ipc.room_link);
	prepare_wait(t);
	spin_unlock(&ipc_lock);
	r = block(t, timeout, NULL);
	spin_lock(&ipc_lock);
	list_del(&t->ipc.room_link);
	return r;
}

/* A thread of p's owner that waits for p, or NULL. */
struct thread *
waiting_receiver(struct port *p)
{
	struct list *it;

	list_for_each(it, &p->owner->ipc.receivers) {
		struct thread_ipc *ti = list_entry(it, struct thread_ipc, rx_link);
		if (ti->rx_port == p || (!ti->rx_port && p->enabled))
			return container_of(ti, struct thread, ipc);
	}
	return NULL;
}

/* Gives m, arrived on p, to receiver r.  A one-way message is freed (its
 * body now r's); a call becomes pending on p's owner. */
void
take(struct thread *r, struct msg *m, struct port *p)
{
	struct thread_ipc *ri = &r->ipc;

	ri->rx.caller = m->caller;
	ri->rx.k = m->k;
	body_move(&ri->rx, m);
	ri->rx.k.port = p->ent.ui;
	ri->rx_got = true;
	p->received++;
	if (m->caller) {
		struct thread_ipc *ci = &m->caller->ipc;
		ri->rx_token = TOKEN(m->caller);
		ci->call_state = CALL_RECEIVED;
		ci->call_server = p->owner;
		list_add_head(&p->owner->ipc.pending, &ci->pend_link);
	} else {
		kfree(m);
	}
}

/* Puts m on p: to a waiting receiver (*woken, to be woken by the caller)
 * or at the end of the queue; -K_ELIMIT if the queue is full.  ipc_lock
 * held. */
long
deliver(struct port *p, struct msg *m, struct thread **woken)
{
	struct thread *r = waiting_receiver(p);

	*woken = r;
	if (r) {
		list_del(&r->ipc.rx_link);
		take(r, m, p);
	} else if (p->queued < p->limit) {
		list_add_tail(&p->queue, &m->link);
		p->queued++;
		if (m->caller) {
			m->caller->ipc.call_state = CALL_QUEUED;
			m->caller->ipc.call_port = p;
		}
	} else {
		return -K_ELIMIT;
	}
	port_room(p);		/* a caller woken for room may have used none */
	return K_OK;
}

static bool
mode_ok(long mode)
{
	return mode >= K_ADDR_PORT && mode <= K_ADDR_CO;
}

long
nc_ipcSend(long umsg, long uto)
{
	struct actor *a = caller_actor();
	struct thread *r = NULL;
	struct kaddr to;
	struct port *p;
	struct msg *m;
	u32 site;
	long err;

	if (copyin(&to, (uaddr_t)uto, sizeof(to)) < 0)
		return -K_EFAULT;
	if (!mode_ok(to.mode))
		return -K_EINVAL;
	if (!(m = kmalloc(sizeof(*m))))
		return -K_ENOMEM;
	if ((err = stage(m, umsg, to.mode != K_ADDR_BROADCAST, 0)) < 0) {
		kfree(m);
		return err;
	}
	spin_lock(&ipc_lock);
	if ((err = stamp(m, a)) < 0) {
		msg_free(m);
	} else if (to.mode == K_ADDR_BROADCAST) {
		err = broadcast(m, &to);
	} else if ((err = resolve(&to, &p, &site)) == 1) {
		err = site_send(site, m, &to);
		msg_free(m);
	} else if (err == K_OK && (err = deliver(p, m, &r)) < 0) {
		p->dropped++;
		msg_free(m);
	} else if (err < 0) {
		msg_free(m);
	}
	if (r)
		thread_wake(r, K_OK);
	spin_unlock(&ipc_lock);
	return err;
}

/* Wakes caller t with its call done; ipc_lock held. */
void
call_complete(struct thread *t, long result)
{
	t->ipc.call_result = result;
	t->ipc.call_state = CALL_DONE;
	thread_wake(t, result);
}

/* The caller whose received call `token` names, pending on a; ipc_lock
 * held. */
struct thread *
pending_of(struct actor *a, u64 token)
{
	struct list *it;

	list_for_each(it, &a->ipc.pending) {
		struct thread *t = container_of(list_entry(it, struct thread_ipc, pend_link),
						struct thread, ipc);
		if (TOKEN(t) == token)
			return t;
	}
	return NULL;
}

/* The same, unlinked. */
static struct thread *
find_pending(struct actor *a, u64 token)
{
	struct thread *t = pending_of(a, token);

	if (t)
		list_del(&t->ipc.pend_link);
	return t;
}

/* A received message or reply m to the actor's struct at umsg (km: its
 * body buffer); frees m's body. */
static long
copy_to_user(struct msg *m, long umsg, const struct kmsg *km, u64 token)
{
	size_t n = MIN(m->k.bodysize, km->bodysize);
	long err = K_OK;

	m->k.reply = token;
	m->k.flags = (token ? K_MSG_CALL : 0) | (m->k.bodysize > km->bodysize ? K_MSG_CUT : 0);
	curthread()->vm_reserve = m->k.protid == K_PROTID_NUCLEUS;	/* a mapper call */
	if (((m->k.body || m->pages) && body_out(m, km->body, n, true) < 0) ||
	    copyout((uaddr_t)umsg + KMSG_OUT, &m->k.bodysize, sizeof(m->k) - KMSG_OUT) < 0)
		err = -K_EFAULT;
	return err;
}

/* The caller after its wait: K_OK with its reply in t->ipc.reply, or the
 * error, the request withdrawn. */
long
end_call(struct thread *t, long r)
{
	struct thread_ipc *ti = &t->ipc;

	/* Replied (woken with K_OK, CALL_DONE): the replier set it all before
	 * waking us.  Else withdraw whatever is left of the call. */
	if (r != K_OK || ti->call_state != CALL_DONE) {
		spin_lock(&ipc_lock);
		switch (ti->call_state) {
		case CALL_DONE:
			r = ti->call_result;
			break;
		case CALL_QUEUED:
			list_del(&ti->call.link);
			port_dequeued(ti->call_port);
			break;
		case CALL_RECEIVED:
			list_del(&ti->pend_link);
			break;
		}
		spin_unlock(&ipc_lock);
	}
	ti->call_state = CALL_NONE;		/* nobody else refers to the call now */
	body_free(&ti->call);
	return r;
}

/*
 * Puts t's staged call on its way to `to`, from actor a, waiting for room
 * while the port's queue is full: POST_DONE, delivered (*r: a receiver to
 * hand off to), or an error; POST_REMOTE, for another site (*site);
 * POST_HANDLER, for the handler of port *pp, with ipc_lock held.
 */
long
post_call(struct thread *t, struct actor *a, const struct kaddr *to, long timeout,
	  u64 deadline, struct port **pp, u32 *site, struct thread **r)
{
	struct thread_ipc *ti = &t->ipc;
	struct port *p;
	long err;

	for (;;) {
		spin_lock(&ipc_lock);
		if ((err = stamp(&ti->call, a)) < 0 || (err = resolve(to, &p, site)) != K_OK)
			break;
		if (p->handler) {
			*pp = p;
			return POST_HANDLER;
		}
		if (p->queued < p->limit || waiting_receiver(p))
			break;
		/* full: wait for room, then look again */
		if (timeout > 0 && (timeout = (long)(deadline - time_ns())) <= 0)
			timeout = 0;
		err = wait_room(t, p, timeout);
		spin_unlock(&ipc_lock);
		if (err < 0)
			return err;
	}
	if (err != K_OK) {
		spin_unlock(&ipc_lock);
		return err == 1 ? POST_REMOTE : err;
	}
	ti->call_seq++;
	ti->call.caller = t;
	prepare_wait(t);
	deliver(p, &ti->call, r);
	spin_unlock(&ipc_lock);
	return POST_DONE;
}

long
time_left(long timeout, u64 deadline)
{
	if (timeout > 0 && (timeout = (long)(deadline - time_ns())) <= 0)
		timeout = 0;
	return timeout;
}

/* What is left of a call once its caller is woken with r. */
long
call_finish(struct thread *t, long r, long ureply, const struct kmsg *kr)
{
	if ((r = end_call(t, r)) != K_OK)
		return r;
	return copy_to_user(&t->ipc.reply, ureply, kr, 0);
}

long
nc_ipcCall(long umsg, long uto, long ureply, long timeout)
{
	struct thread *t = curthread(), *r;
	struct thread_ipc *ti = &t->ipc;
	struct actor *a = caller_actor();
	struct kmsg kr;
	struct kaddr to;
	struct port *p = NULL;
	u64 deadline = timeout > 0 ? time_ns() + (u64)timeout : 0;
	u32 site;
	long err;

	if (copyin(&to, (uaddr_t)uto, sizeof(to)) < 0)
		return -K_EFAULT;
	if (!mode_ok(to.mode) || to.mode == K_ADDR_BROADCAST || (timeout < 0 && timeout != K_NOTIMEOUT))
		return -K_EINVAL;
	if (copyin(&kr, (uaddr_t)ureply, KMSG_IN) < 0)
		return -K_EFAULT;
	if ((err = stage(&ti->call, umsg, true, 0)) < 0)
		return err;
	switch ((err = post_call(t, a, &to, timeout, deadline, &p, &site, &r))) {
	case POST_DONE:
		ipc_cont(t, CONT_CALL, ureply, &kr);
		return call_finish(t, block(t, time_left(timeout, deadline), r), ureply, &kr);
	case POST_REMOTE:
		err = site_send(site, &ti->call, &to);
		break;
	case POST_HANDLER:
		err = lrpc(a, p, &ti->call, &kr, ureply);
		break;
	}
	body_free(&ti->call);
	return err;
}

/* Takes the next message for t from p, or from a's enabled ports by
 * priority when p is NULL.  ipc_lock held. */
static bool
take_queued(struct thread *t, struct actor *a, struct port *p)
{
	struct list *it;
	struct msg *m;

	if (!p) {
		list_for_each(it, &a->ipc.enabled) {
			struct port *q = list_entry(it, struct port, elink);
			if (q->queued) {
				p = q;
				break;
			}
		}
	}
	if (!p || list_empty(&p->queue))
		return false;
	m = list_entry(p->queue.next, struct msg, link);
	list_del(&m->link);
	port_dequeued(p);
	take(t, m, p);
	return true;
}

/* The received message (t->ipc.rx) to the actor's buffers.  A call the
 * receiver cannot be told about fails for its caller. */
static long
to_user(struct thread *t, struct actor *a, long umsg, const struct kmsg *km)
{
	bool call = t->ipc.rx.caller != NULL;
	long err = copy_to_user(&t->ipc.rx, umsg, km, call ? t->ipc.rx_token : 0);

	if (err && call) {
		struct thread *c;
		spin_lock(&ipc_lock);
		if ((c = find_pending(a, t->ipc.rx_token)) != NULL)
			call_complete(c, -K_ENOREPLY);
		spin_unlock(&ipc_lock);
	}
	return err;
}

/* Hands the staged reply rm to the caller that `token` names, pending on
 * a: returns that caller, to be woken, or NULL (a stale token: the caller
 * gave up) with *err set.  ipc_lock held; rm's body is the caller's or
 * freed. */
static struct thread *
reply_locked(struct actor *a, u64 token, struct msg *rm, long *err)
{
	struct thread *c = NULL;

	if ((*err = stamp(rm, a)) == K_OK && !(c = find_pending(a, token)))
		*err = -K_EUNKNOWN;
	if (*err != K_OK) {
		body_free(rm);
		return NULL;
	}
	c->ipc.reply.k = rm->k;
	body_move(&c->ipc.reply, rm);
	c->ipc.reply.k.port = (struct kui){ 0, 0 };
	c->ipc.call_result = K_OK;
	c->ipc.call_state = CALL_DONE;
	return c;
}

/*
 * Receives for the current thread from port `pui` (NULL: the enabled
 * set), first handing the staged reply rm (if any) to the caller that
 * `token` names, under the same lock; that caller runs here at once if
 * this thread has to wait.
 */
static long
receive(long umsg, const struct kmsg *km, const struct kui *pui, long timeout,
	struct msg *rm, u64 token)
{
	struct thread *t = curthread(), *wake = NULL;
	struct thread_ipc *ti = &t->ipc;
	struct actor *a = caller_actor();
	struct port *p = NULL;
	long err = K_OK;

	spin_lock(&ipc_lock);
	if (rm)
		wake = reply_locked(a, token, rm, &err);	/* a stale token is no error here */
	err = K_OK;
	if (pui && !(p = port_of_caller(pui, a, &err))) {
		spin_unlock(&ipc_lock);
		if (wake)
			thread_wake(wake, K_OK);
		return err;
	}
	ti->rx_got = false;
	if (take_queued(t, a, p) || timeout == 0) {
		spin_unlock(&ipc_lock);
		if (wake)
			thread_wake(wake, K_OK);
		if (!ti->rx_got)
			return -K_ETIMEOUT;
		return to_user(t, a, umsg, km);
	}
	ti->rx_port = p;
	list_add_tail(&a->ipc.receivers, &ti->rx_link);
	prepare_wait(t);
	spin_unlock(&ipc_lock);
	ipc_cont(t, CONT_RECV, umsg, km);
	return receive_finish(t, a, umsg, km, block(t, timeout, wake));
}

/* What is left of a receive once the receiver is woken with r. */
long
receive_finish(struct thread *t, struct actor *a, long umsg, const struct kmsg *km, long r)
{
	struct thread_ipc *ti = &t->ipc;

	/* Woken with K_OK by a sender: it gave us the message and took us off
	 * the receivers before it woke us. */
	if (r == K_OK && ti->rx_got && !READ_ONCE(t->killed))
		return to_user(t, a, umsg, km);
	spin_lock(&ipc_lock);
	if (!ti->rx_got) {
		list_del(&ti->rx_link);
		spin_unlock(&ipc_lock);
		return r;
	}
	if (t->killed) {			/* got it, but is being deleted */
		struct thread *c = ti->rx.caller ? find_pending(a, ti->rx_token) : NULL;
		if (c)
			call_complete(c, -K_ENOREPLY);
		spin_unlock(&ipc_lock);
		body_free(&ti->rx);
		return -K_EABORT;
	}
	spin_unlock(&ipc_lock);
	return to_user(t, a, umsg, km);
}

static long
decode_receive(long umsg, long uport, struct kmsg *km, struct kui *pui, long timeout)
{
	if (copyin(km, (uaddr_t)umsg, KMSG_IN) < 0 ||
	    (uport && copyin(pui, (uaddr_t)uport, sizeof(*pui)) < 0))
		return -K_EFAULT;
	if (timeout < 0 && timeout != K_NOTIMEOUT)
		return -K_EINVAL;
	return K_OK;
}

long
nc_ipcReceive(long umsg, long uport, long timeout)
{
	struct kmsg km;
	struct kui pui;
	long err;

	if ((err = decode_receive(umsg, uport, &km, &pui, timeout)) < 0)
		return err;
	return receive(umsg, &km, uport ? &pui : NULL, timeout, NULL, 0);
}

long
nc_ipcReply(long token, long ureply)
{
	struct thread *c;
	struct msg rm;
	long err;

	if ((err = stage(&rm, ureply, true, (u64)token)) < 0)
		return err;
	spin_lock(&ipc_lock);
	c = reply_locked(caller_actor(), (u64)token, &rm, &err);
	spin_unlock(&ipc_lock);
	if (c)
		thread_wake(c, K_OK);
	return err;
}

long
nc_ipcReplyReceive(long token, long ureply, long umsg, long uport, long timeout)
{
	struct kmsg km;
	struct kui pui;
	struct msg rm;
	long err;

	if ((err = decode_receive(umsg, uport, &km, &pui, timeout)) < 0)
		return err;
	if (token && (err = stage(&rm, ureply, true, (u64)token)) < 0)
		return err;
	return receive(umsg, &km, uport ? &pui : NULL, timeout, token ? &rm : NULL, (u64)token);
}
