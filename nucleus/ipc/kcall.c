// SPDX-License-Identifier: MIT
/*
 * The nucleus as a sender: calls from nucleus memory (the VM to mappers),
 * stamped with the nucleus's own actor UI and K_PROTID_NUCLEUS, through
 * the same call path as ipcCall (msg.c); and trap messages, the syscalls
 * of an actor given a trap port (trapPort) sent as calls in its name.
 * Entry points: ipc_kcall_init, ipc_kcall, ipc_set_trap_port,
 * ipc_trap_call.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/handler.h>
#include <ipc/ipc.h>

/* The nucleus as a sender: its own actor UI, protection id K_PROTID_NUCLEUS. */
static struct actor nucleus_sender;

void
ipc_kcall_init(void)
{
	nucleus_sender.ipc.ui = ui_new(K_UI_ACTOR);
	nucleus_sender.ipc.protid = K_PROTID_NUCLEUS;
}

/*
 * A call from nucleus memory in the name of `from` (stamped with its UI
 * and protection id): req's annex and body (bodysize bytes) go to port
 * `pui`; the reply's annex, stamps and size come back in *rep, its body
 * into rep->body (rep->bodysize bytes at most; K_MSG_CUT if more was
 * sent).  The thread may be in the middle of a call of its own (a fault
 * while copying a message): with `keep`, that call's staged request and
 * reply are kept (a trap never comes in the middle of a call).  Ports with
 * a handler are not served this way (-K_ENOSYS).
 */
static long
kcall_as(struct actor *from, const struct kui *pui, const struct kmsg *req, struct kmsg *rep,
	 long timeout, bool keep)
{
	struct thread *t = curthread(), *r;
	struct thread_ipc *ti = &t->ipc;
	struct msg call, reply;
	struct kaddr to = { .ui = *pui, .mode = K_ADDR_PORT };
	u64 deadline = timeout > 0 ? time_ns() + (u64)timeout : 0;
	void *rbody = rep->body;
	unsigned long rsize = rep->bodysize;
	struct port *p;
	u32 site;
	long err;

	if (keep) {
		call = ti->call;
		reply = ti->reply;
	}
	ti->call.caller = NULL;
	ti->call.k = *req;
	ti->call.k.src = (struct kui){ 0, 0 };
	if ((err = body_stage(&ti->call, req->body, false, false)) < 0)
		goto out;
	switch ((err = post_call(t, from, &to, timeout, deadline, &p, &site, &r))) {
	case POST_DONE:
		if ((err = end_call(t, block(t, time_left(timeout, deadline), r))) != K_OK)
			break;
		*rep = ti->reply.k;
		rep->body = rbody;
		rep->flags = ti->reply.k.bodysize > rsize ? K_MSG_CUT : 0;
		body_out(&ti->reply, rbody, MIN(rsize, ti->reply.k.bodysize), false);
		break;
	case POST_REMOTE:
		err = site_send(site, &ti->call, &to);
		break;
	case POST_HANDLER:
		spin_unlock(&ipc_lock);
		err = -K_ENOSYS;
		break;
	}
out:
	body_free(&ti->call);
	if (keep) {
		ti->call = call;
		ti->reply = reply;
	}
	return err;
}

/* A call from the nucleus itself (the VM to a mapper). */
long
ipc_kcall(const struct kui *pui, const struct kmsg *req, struct kmsg *rep, long timeout)
{
	return kcall_as(&nucleus_sender, pui, req, rep, timeout, true);
}

/* Actor a's syscalls go to `port` from now on; NULL: to the nucleus. */
void
ipc_set_trap_port(struct actor *a, const struct kui *port)
{
	spin_lock(&ipc_lock);
	a->ipc.trap_port = port ? *port : (struct kui){ 0, 0 };
	if (port)
		__atomic_fetch_or(&a->trap_mask, TRAP_ROUTED, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&a->trap_mask, ~TRAP_ROUTED, __ATOMIC_SEQ_CST);
	spin_unlock(&ipc_lock);
}

/*
 * The syscall trap of thread t (its registers in ctx) as a call to its
 * actor's trap port, in the actor's name: the registers in the annex
 * (struct ktrapmsg), rax from the reply's annex word 0, or the error of
 * the call (-K_EUNKNOWN: no such port, ...).  While the thread waits, the
 * server may read and change its context (threadContext).
 */
/* t's request to its actor's trap port, t waiting as in a trap: the
 * call's error, or word 0 of the reply. */
static long
trap_port_call(struct thread *t, struct kmsg *req)
{
	struct kmsg rep = { 0 };
	struct kui port;
	u64 word = 0;
	long err;

	spin_lock(&ipc_lock);
	port = t->actor->ipc.trap_port;
	spin_unlock(&ipc_lock);
	WRITE_ONCE(t->trap_wait, true);
	if ((err = fast_trap(t, &port, req, &word)) == FAST_NO) {
		err = kcall_as(t->actor, &port, req, &rep, K_NOTIMEOUT, false);
		word = rep.annex[0];
	}
	WRITE_ONCE(t->trap_wait, false);
	return err < 0 ? err : (long)word;
}

void
ipc_trap_call(struct thread *t, struct kcontext *ctx)
{
	struct kmsg req = { 0 };
	struct ktrapmsg *tm = (struct ktrapmsg *)req.annex;

	K_ANNEX_CHECK(struct ktrapmsg);
	*tm = (struct ktrapmsg){ .tid = (u64)t->tid, .rax = ctx->rax, .rdi = ctx->rdi,
				 .rsi = ctx->rsi, .rdx = ctx->rdx, .r10 = ctx->r10,
				 .r8 = ctx->r8, .r9 = ctx->r9 };
	ctx->rax = (u64)trap_port_call(t, &req);
	thread_sync_fs(t);		/* the server may have set it (arch_prctl) */
}

/*
 * Exception `vector` of thread t (address addr for a page fault) as a call
 * to its actor's trap port, if the actor has one: true if the server
 * answered K_OK (t resumes from ctx, which it may have changed).
 */
bool
ipc_exc_call(struct thread *t, struct kcontext *ctx, u64 vector, u64 addr)
{
	struct kmsg req = { 0 };
	struct kexcmsg *em = (struct kexcmsg *)req.annex;

	K_ANNEX_CHECK(struct kexcmsg);
	if (!(READ_ONCE(t->actor->trap_mask) & TRAP_ROUTED))
		return false;
	*em = (struct kexcmsg){ .tid = (u64)t->tid | K_TRAPMSG_EXC, .vector = vector,
				.error = ctx->error, .addr = addr, .rip = ctx->rip,
				.rsp = ctx->rsp };
	bool ok = trap_port_call(t, &req) == K_OK;

	thread_sync_fs(t);
	return ok;
}
