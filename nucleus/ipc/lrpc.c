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
 * Entry points: lrpc, lrpc_direct.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <ipc/ipc.h>

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

/*
 * ipcCall from a supervisor actor a: if `uto` names a local port with a
 * handler, runs it here (see above) and returns its result; else returns
 * LRPC_SLOW and the general path takes the call.  The request's src must
 * be null or an actor UI (a source port is checked on the general path).
 */
long
lrpc_direct(struct actor *a, long umsg, const struct kaddr *to, long ureply)
{
	struct thread *t = curthread();
	struct kmsg req, rep;
	unsigned long cap;
	struct uient *e;
	struct port *p;
	struct actor *owner, *saved;
	kport_handler_t fn;
	void *arg;
	long err;

	if (to->mode != K_ADDR_PORT || !ui_valid(&to->ui, K_UI_PORT))
		return LRPC_SLOW;
	spin_lock(&ipc_lock);
	if (!(e = ui_find(&to->ui, K_UI_PORT)) || !(p = container_of(e, struct port, ent))->handler) {
		spin_unlock(&ipc_lock);
		return LRPC_SLOW;
	}
	fn = p->handler;
	arg = p->harg;
	owner = p->owner;
	actor_get(owner);
	spin_unlock(&ipc_lock);
	if (copyin(&req, (uaddr_t)umsg, sizeof(req)) < 0 || K_UI_TYPEOF(&req.src) == K_UI_PORT ||
	    (req.bodysize && !caller_range_ok((uaddr_t)req.body, req.bodysize))) {
		actor_put(owner);
		return LRPC_SLOW;
	}
	req.src = a->ipc.ui;
	req.protid = a->ipc.protid;
	req.port = to->ui;
	req.reply = 0;
	req.flags = K_MSG_CALL;
	if (copyin(&rep, (uaddr_t)ureply, sizeof(rep)) < 0 ||
	    (rep.bodysize && !caller_range_ok((uaddr_t)rep.body, rep.bodysize))) {
		actor_put(owner);
		return -K_EFAULT;
	}
	cap = rep.bodysize;
	saved = t->acting;
	t->acting = owner;
	err = fn(arg, &req, &rep);
	t->acting = saved;
	actor_put(owner);
	if (err != K_OK)
		return err;
	stamp_reply(&rep, owner, cap);
	return copyout((uaddr_t)ureply + KMSG_OUT, &rep.bodysize, sizeof(rep) - KMSG_OUT) < 0 ?
	       -K_EFAULT : K_OK;
}
