// SPDX-License-Identifier: MIT
/*
 * Lightweight RPC: a call to a port whose supervisor owner gave it a
 * handler (portHandler) runs that function on the caller's own thread,
 * acting for the owner: no queue, no thread switch, and between
 * supervisor actors no trap and no address-space switch.  The request is
 * staged in the nucleus as for any call; a supervisor caller's reply
 * buffer is handed to the handler as it is, a user caller's is staged and
 * its FPU state kept aside (the handler is supervisor code that may use
 * it).
 *
 * Between supervisor actors the common case has its own short path
 * (lrpc_direct): the request and reply descriptors are copied once each,
 * and the bodies are not copied at all: caller and handler share the
 * supervisor space, and the caller waits on its own thread while the
 * handler reads its request body and writes its reply buffer.
 * Entry points: lrpc, lrpc_direct, lrpc_thread_gone.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <kern/ncall.h>
#include <ipc/ipc.h>
#include <motet/callnum.h>

/* The nucleus's part of a handler's reply: flags (cut to the caller's
 * buffer of cap bytes?) and the stamps of the owner. */
static void
stamp_reply(struct kmsg *rep, const struct actor *owner, unsigned long cap)
{
	rep->flags = rep->bodysize > cap ? K_MSG_CUT : 0;
	rep->src = owner->ipc.ui;
	rep->protid = owner->ipc.protid;
	rep->port = (struct kui){ 0, 0 };
	rep->reply = 0;
}

/* Runs fn for the call m on this thread, acting for owner. */
static long
run(struct actor *a, kport_handler_t fn, void *arg, struct actor *owner,
    struct msg *m, const struct kmsg *kr, long ureply)
{
	u8 fpu[512] __attribute__((aligned(16)));
	struct thread *t = curthread();
	bool user = a->mode == K_ACTOR_USER;
	size_t cap = MIN(kr->bodysize, (unsigned long)K_BODY_MAX);
	struct kmsg rep = { .body = kr->body, .bodysize = kr->bodysize };
	struct actor *saved;
	long err;

	m->k.reply = 0;
	m->k.flags = K_MSG_CALL;
	if (user) {
		if (cap && !(rep.body = kmalloc(cap)))
			return -K_ENOMEM;
		fpu_save(fpu);
	}
	saved = t->acting;
	t->acting = owner;
	err = fn(arg, &m->k, &rep);
	t->acting = saved;
	if (user)
		fpu_restore(fpu);
	if (err == K_OK) {
		size_t n = MIN(rep.bodysize, cap);
		stamp_reply(&rep, owner, cap);
		if (user && n && copyout((uaddr_t)kr->body, rep.body, n) < 0)
			err = -K_EFAULT;
	}
	if (user) {
		kfree(rep.body);
		rep.body = kr->body;
	}
	if (err == K_OK && copyout((uaddr_t)ureply, &rep, sizeof(rep)) < 0)
		err = -K_EFAULT;
	return err;
}

/* The call m (staged, stamped) to p, which has a handler; ipc_lock held,
 * released.  The owner stays pinned while its code runs. */
long
lrpc(struct actor *a, struct port *p, struct msg *m, const struct kmsg *kr, long ureply)
{
	kport_handler_t fn = p->handler;
	struct actor *owner = p->owner;
	void *arg = p->harg;
	long err;

	actor_get(owner);
	m->k.port = p->ent.ui;
	spin_unlock(&ipc_lock);
	if ((err = body_flat(m)) == K_OK)
		err = run(a, fn, arg, owner, m, kr, ureply);
	actor_put(owner);
	return err;
}

/* n bytes at p in the supervisor space (where a supervisor caller's
 * buffers are). */
static inline bool
super_range(u64 p, u64 n)
{
	return p - KSUPER_BASE < KSUPER_END - KSUPER_BASE && n <= KSUPER_END - p;
}

/*
 * The handler of port ui for thread t, and its owner pinned: from the
 * thread's last answer while no port has gone or changed (port_gen),
 * else looked up.  *fn NULL: no local port with a handler.  The thread
 * keeps a reference on the owner it remembers, so that the one here is
 * taken on a live struct.  That reference keeps the owner's memory (the
 * handler's code) until the call is over, even if the owner ends
 * meanwhile: a supervisor actor's memory goes with its last reference.
 */
static void
handler_of(struct thread *t, const struct kui *ui, kport_handler_t *fn, void **arg,
	   struct actor **owner)
{
	struct thread_ipc *ti = &t->ipc;
	struct actor *old = ti->lc_owner;
	struct port *p;

	if (likely(ti->lc_gen == READ_ONCE(port_gen) && ti->lc_ui.head == ui->head &&
		   ti->lc_ui.stamp == ui->stamp)) {
		if (!(*fn = ti->lc_fn))
			return;
		*arg = ti->lc_arg;
		actor_get(*owner = ti->lc_owner);
		return;
	}
	spin_lock(&ipc_lock);
	ti->lc_gen = port_gen;
	ti->lc_ui = *ui;
	ti->lc_fn = NULL;
	ti->lc_owner = NULL;
	if ((p = port_find(t, ui)) != NULL && p->handler) {
		ti->lc_fn = p->handler;
		ti->lc_arg = p->harg;
		ti->lc_owner = p->owner;
		actor_get(p->owner);		/* the thread's */
		actor_get(p->owner);		/* this call's */
		*arg = p->harg;
		*owner = p->owner;
	}
	*fn = ti->lc_fn;
	spin_unlock(&ipc_lock);
	if (old)
		actor_put(old);
}

/* t ends: the owner it remembers. */
void
lrpc_thread_gone(struct thread *t)
{
	if (t->ipc.lc_owner)
		actor_put(t->ipc.lc_owner);
	t->ipc.lc_owner = NULL;
}

/*
 * ipcCall(umsg, uto, ureply, timeout) from supervisor code (ncall_direct):
 * if `uto` names a local port with a handler, runs it here (see above)
 * and returns its result; else the general path takes the call.  The
 * request's src must be null or an actor UI (a source port is checked on
 * the general path).  The handler gets a nucleus copy of the request,
 * stamped, and of the reply struct, copied back from bodysize on.
 */
long
lrpc_direct(long umsg, long uto, long ureply, long timeout)
{
	struct thread *t = curthread();
	struct actor *a = t->acting ? t->acting : t->actor, *owner = NULL, *saved;
	struct { struct kui ui; long mode; } to;
	struct kmsg req, rep;
	unsigned long cap;
	kport_handler_t fn;
	void *arg = NULL;
	long err;

	if (unlikely(!super_range((u64)uto, sizeof(to)) || !super_range((u64)umsg, sizeof(req)) ||
		     !super_range((u64)ureply, sizeof(rep)) || (timeout < 0 && timeout != K_NOTIMEOUT) ||
		     mycpu_irq_depth() || copy_words(&to, (void *)uto, sizeof(to) / 8) < 0 ||
		     to.mode != K_ADDR_PORT))
		goto slow;
	handler_of(t, &to.ui, &fn, &arg, &owner);
	if (!fn)
		goto slow;
	if (unlikely(copy_words(&req, (void *)umsg, sizeof(req) / 8) < 0 ||
		     K_UI_TYPEOF(&req.src) == K_UI_PORT ||
		     (req.bodysize && (req.bodysize > K_BODY_MAX ||
				       !super_range((u64)req.body, req.bodysize))))) {
		actor_put(owner);
		goto slow;
	}
	req.src = a->ipc.ui;
	req.protid = a->ipc.protid;
	req.port = to.ui;
	req.reply = 0;
	req.flags = K_MSG_CALL;
	if (unlikely(copy_words(&rep, (void *)ureply, sizeof(rep) / 8) < 0 ||
		     (rep.bodysize && !super_range((u64)rep.body, rep.bodysize)))) {
		actor_put(owner);
		err = -K_EFAULT;
		goto out;
	}
	t->ncalls++;
	cap = rep.bodysize;
	saved = t->acting;
	t->acting = owner;
	err = fn(arg, &req, &rep);
	t->acting = saved;
	actor_put(owner);
	if (err == K_OK) {
		stamp_reply(&rep, owner, cap);
		if (copy_words((void *)(ureply + KMSG_OUT), &rep.bodysize, (sizeof(rep) - KMSG_OUT) / 8) < 0)
			err = -K_EFAULT;
	}
out:
	ncall_direct_exit(t);
	return err;
slow:
	if (timeout == K_NOTIMEOUT && !mycpu_irq_depth() &&
	    (err = fast_call(umsg, uto, ureply)) != FAST_NO) {
		ncall_direct_exit(t);
		return err;
	}
	return ncall_slow(NC_ipcCall, umsg, uto, ureply, timeout, 0);
}
