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
 * Entry point: lrpc.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <ipc/ipc.h>

/* Runs fn for the call m on this thread, acting for owner. */
static long
run(struct actor *a, kport_handler_t fn, void *arg, struct actor *owner,
    const struct msg *m, const struct kmsg *kr, long ureply)
{
	u8 fpu[512] __attribute__((aligned(16)));
	struct thread *t = curthread();
	bool user = a->mode == K_ACTOR_USER;
	size_t cap = MIN(kr->bodysize, (unsigned long)K_BODY_MAX);
	struct kmsg req, rep = { .body = kr->body, .bodysize = kr->bodysize };
	struct actor *saved;
	long err;

	req.body = m->body;
	req.bodysize = m->size;
	req.src = m->src;
	req.protid = m->protid;
	req.port = m->port;
	req.reply = 0;
	req.flags = K_MSG_CALL;
	memcpy(req.annex, m->annex, K_ANNEX_SIZE);
	if (user) {
		if (cap && !(rep.body = kmalloc(cap)))
			return -K_ENOMEM;
		fpu_save(fpu);
	}
	saved = t->acting;
	t->acting = owner;
	err = fn(arg, &req, &rep);
	t->acting = saved;
	if (user)
		fpu_restore(fpu);
	if (err == K_OK) {
		size_t n = MIN(rep.bodysize, cap);
		rep.flags = rep.bodysize > cap ? K_MSG_CUT : 0;
		rep.src = owner->ipc.ui;
		rep.protid = owner->ipc.protid;
		rep.port = (struct kui){ 0, 0 };
		rep.reply = 0;
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
	m->port = p->ent.ui;
	spin_unlock(&ipc_lock);
	err = run(a, fn, arg, owner, m, kr, ureply);
	actor_put(owner);
	return err;
}
