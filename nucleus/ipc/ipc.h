/* SPDX-License-Identifier: MIT */
/*
 * Nucleus IPC: unique identifiers, ports, port groups, messages and RPC.
 *
 * One spinlock, ipc_lock, guards every IPC structure: the UI table, port
 * queues and owners, enabled sets, waiting receivers, calls in flight and
 * group members.  Sections under it are short (no copy to or from actor
 * memory happens under it: messages are staged in nucleus buffers).
 * Lock order: ipc_lock -> timer lists -> run queues
 * -> heap -> pmem.
 */
#ifndef IPC_IPC_H
#define IPC_IPC_H

#include <kern/types.h>
#include <kern/spinlock.h>
#include <kern/sched.h>
#include <motet/ipc.h>
#include <vm/vm.h>

struct actor;
struct thread;
struct kcontext;

extern struct spinlock ipc_lock;
extern u32 ipc_site;			/* this site's number, from 1 */

/* An object named by a UI in the table of this site (ui.c). */
struct uient {
	struct kui ui;
	struct list hlink;		/* hash chain */
};

void ipc_init(void);
struct kui ui_new(int type);			/* random, born here */
void ui_insert(struct uient *e);		/* ipc_lock held */
void ui_remove(struct uient *e);		/* ipc_lock held */
struct uient *ui_find(const struct kui *ui, int type);	/* ipc_lock held */
long ui_count(void);

/* Well formed for its type: a site, or built (no site). */
static inline bool
ui_valid(const struct kui *ui, int type)
{
	return K_UI_TYPEOF(ui) == type && (K_UI_SITEOF(ui) != 0) != !!(ui->head & K_UI_BUILT);
}
void group_name(const struct kui *key, struct kui *name);

/* A UI from or to the calling actor: K_OK or -K_EFAULT. */
static inline long
get_ui(long uaddr, struct kui *ui)
{
	return copyin(ui, (uaddr_t)uaddr, sizeof(*ui)) < 0 ? -K_EFAULT : K_OK;
}

static inline long
put_ui(long uaddr, const struct kui *ui)
{
	return copyout((uaddr_t)uaddr, ui, sizeof(*ui)) < 0 ? -K_EFAULT : K_OK;
}

/* A message staged in the nucleus: the struct kmsg the receiver will get
 * (its body a nucleus copy, kmalloc'd and owned; src and protid stamped),
 * so a receive copies it out from bodysize on in one piece. */
/* The part of a struct kmsg the nucleus reads from a receive or reply
 * buffer (body, bodysize), and the part it writes back (bodysize on). */
#define KMSG_IN		offsetof(struct kmsg, src)
#define KMSG_OUT	offsetof(struct kmsg, bodysize)

struct msg {
	struct list link;		/* on port->queue */
	struct thread *caller;		/* a call: the thread that waits */
	struct kmsg k;			/* k.body: a small body (body.c) */
	paddr_t *pages;			/* or a large one in frames, */
	u32 boff;			/* from this offset in the first */
};

struct port {
	struct uient ent;
	struct actor *owner;
	struct list alink;		/* on owner->ipc.ports */
	struct list queue;		/* struct msg.link, oldest first */
	int queued, limit;
	bool enabled;
	int prio;
	struct list elink;		/* on owner->ipc.enabled, by prio */
	u64 received, dropped;
	struct list room;		/* thread_ipc.room_link: callers waiting for space */
	kport_handler_t handler;	/* lightweight RPC (supervisor owner), or NULL */
	void *harg;
};

struct group {
	struct uient ent;		/* the name: one-way function of the key */
	struct actor *owner;		/* freed when it ends */
	struct list alink;		/* on owner->ipc.groups */
	struct kui *members;
	int nmembers, cap;
	u32 next;			/* functional mode: round robin */
};

/* Per actor (in struct actor). */
struct actor_ipc {
	struct kui ui;
	u64 protid;
	bool gone;			/* ended: no new ports or groups */
	struct kui trap_port;		/* its syscalls go there (trapPort) */
	struct list ports;		/* struct port.alink */
	struct list enabled;		/* struct port.elink, higher prio first */
	struct list receivers;		/* struct thread_ipc.rx_link: waiting */
	struct list pending;		/* struct thread_ipc.pend_link: calls received, not replied */
	struct list groups;
};

/* Call states of a thread (thread_ipc.call_state). */
enum { CALL_NONE, CALL_QUEUED, CALL_RECEIVED, CALL_DONE };

/* Per thread (in struct thread). */
struct thread_ipc {
	/* as a caller */
	int call_state;
	long call_result;		/* CALL_DONE: K_OK or -K_ENOREPLY */
	u32 call_seq;
	struct port *call_port;		/* CALL_QUEUED: the port it waits on */
	struct actor *call_server;	/* CALL_RECEIVED: the actor that has it */
	struct list pend_link;		/* on call_server->ipc.pending */
	struct list room_link;		/* on port->room while the queue is full */
	struct msg call;		/* the request while queued */
	struct msg reply;		/* the answer, when CALL_DONE */
	/* as a receiver */
	struct port *rx_port;		/* waited on; NULL: the enabled set */
	struct list rx_link;		/* on actor->ipc.receivers */
	bool rx_got;
	u64 rx_token;			/* a call: what ipcReply needs */
	struct msg rx;			/* handed over by a sender */
	/* the port it named last (port_find), while port_gen is pc_gen */
	struct kui pc_ui;
	struct port *pc_port;
	u64 pc_gen;
	/* lrpc_direct: the handler of the port it called last, while
	 * port_gen is lc_gen (lc_fn NULL: none; a reference on lc_owner) */
	struct kui lc_ui;
	u64 lc_gen;
	kport_handler_t lc_fn;
	void *lc_arg;
	struct actor *lc_owner;
	/* the continuation of a wait in a user thread's nucleus call */
	int cont_kind;			/* CONT_NONE, CONT_CALL, CONT_RECV */
	bool cont_timed;		/* a timer to cancel */
	long cont_umsg;			/* the reply or receive struct */
	void *cont_body;		/* and its body buffer */
	unsigned long cont_size;
};
enum { CONT_NONE, CONT_CALL, CONT_RECV };

void ipc_actor_init(struct actor *a);
void ipc_actor_gone(struct actor *a);	/* ports, groups, pending calls */
void ipc_thread_init(struct thread *t);

/* port.c, used by msg.c */
extern u64 port_gen;			/* moves when a port goes or changes */
struct port *port_find(struct thread *t, const struct kui *ui);
struct port *port_of_caller(const struct kui *ui, struct actor *a, long *err);
void port_dequeued(struct port *p);
void port_wake_room(struct port *p, bool all);
bool ipc_port_owned(const struct kui *ui, struct actor *a);

/*
 * Callers waiting for room in p's queue are woken one at a time, each
 * when there is room: by a message leaving the queue, a raised limit, or
 * the caller woken before it having delivered (to a receiver, not the
 * queue, or into a queue with places to spare), so no caller sleeps
 * while there is room for it.  ipc_lock held.
 */
static inline void
port_room(struct port *p)
{
	if (!list_empty(&p->room) && p->queued < p->limit)
		port_wake_room(p, false);
}
struct group *group_lookup(const struct kui *name);	/* group.c */
void group_destroy(struct group *g);

/* msg.c, route.c, lrpc.c: messages, where they go, lightweight RPC */
long deliver(struct port *p, struct msg *m, struct thread **woken);
long resolve(const struct kaddr *to, struct port **pp, u32 *site);
long broadcast(struct msg *m, const struct kaddr *to);
long lrpc(struct actor *a, struct port *p, struct msg *m, const struct kmsg *kr, long ureply);
long lrpc_direct(long umsg, long uto, long ureply, long timeout);
void lrpc_thread_gone(struct thread *t);
void call_complete(struct thread *t, long result);
void ipc_kcall_init(void);
long ipc_kcall(const struct kui *port, const struct kmsg *req, struct kmsg *rep, long timeout);
void ipc_set_trap_port(struct actor *a, const struct kui *port);
void ipc_trap_call(struct thread *t, struct kcontext *ctx);
bool ipc_exc_call(struct thread *t, struct kcontext *ctx, u64 vector, u64 addr);
void msg_fail_queued(struct port *p);
void msg_abort_receivers(struct actor *a, struct port *p);
void msg_fail_pending(struct actor *a);
void msg_free(struct msg *m);
/* msg.c, for kcall.c and body.c: the steps of a call */
enum { POST_DONE, POST_REMOTE, POST_HANDLER };
long post_call(struct thread *t, struct actor *a, const struct kaddr *to, long timeout,
	       u64 deadline, struct port **pp, u32 *site, struct thread **r);
long block(struct thread *t, long timeout, struct thread *to);
long end_call(struct thread *t, long r);
long time_left(long timeout, u64 deadline);
struct thread *pending_of(struct actor *a, u64 token);	/* ipc_lock held */
/* msg.c, for fast.c: the steps the fast path shares */
struct thread *waiting_receiver(struct port *p);		/* ipc_lock held */
void take(struct thread *r, struct msg *m, struct port *p);	/* ipc_lock held */
long call_finish(struct thread *t, long r, long ureply, const struct kmsg *kr);
long receive_finish(struct thread *t, struct actor *a, long umsg, const struct kmsg *km, long r);
/* fast.c */
#define FAST_NO		1	/* not for the fast path: take the general one */
struct kcontext;
long fast_syscall(struct kcontext *ctx);	/* ipcCall, ipcReplyReceive */
long fast_reply_receive(u64 token, long ureply, long umsg, long uport);
long fast_call(long umsg, long uto, long ureply);
long fast_trap(struct thread *t, const struct kui *pui, const struct kmsg *req, u64 *word);
void ipc_cont(struct thread *t, int kind, long umsg, const struct kmsg *km);

/* body.c: staging bodies (in frames from BODY_PAGED bytes on) */
#define BODY_PAGED	(2 * PAGE_SIZE)
long stage(struct msg *m, long umsg, bool paged, u64 token);	/* from the caller's struct */
long body_stage(struct msg *m, const void *src, bool user, bool paged);
long body_out(struct msg *m, void *dst, size_t n, bool user);	/* frees it */
long body_flat(struct msg *m);
void body_release(struct msg *m);

static inline void
body_free(struct msg *m)
{
	if (m->k.body || m->pages)
		body_release(m);
}

/* from's body is to's now. */
static inline void
body_move(struct msg *to, struct msg *from)
{
	to->k.body = from->k.body;
	to->pages = from->pages;
	to->boff = from->boff;
	from->k.body = NULL;
	from->pages = NULL;
}

/* site.c: where a UI lives, and the transport to other sites */
struct site_transport {
	const char *name;
	long (*send)(u32 site, const struct msg *m, const struct kaddr *to);
};
extern const struct site_transport *site_transport;
enum { LOC_LOCAL, LOC_GONE, LOC_REMOTE };
int ipc_locate(const struct kui *ui, int type, struct uient **local, u32 *site);
long site_send(u32 site, const struct msg *m, const struct kaddr *to);

#endif
