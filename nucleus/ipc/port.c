// SPDX-License-Identifier: MIT
/*
 * Ports: creation, deletion, migration between actors, the enabled set an
 * actor receives from, queue limits, handlers, and a thread's last port
 * (port_find, port_gen); the IPC state of actors and what happens to it
 * when they end (queued and received calls fail, receivers stop
 * waiting).  Port groups are in group.c.
 * Entry points: the nc_port*, nc_actorSetProtId, nc_actorUi decoders,
 * ipc_actor_init, ipc_actor_gone, ipc_thread_init, port_find,
 * port_of_caller, port_dequeued, msg_fail_queued, msg_fail_pending,
 * msg_abort_receivers.
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

#define PRIO_MAX	255

void
ipc_actor_init(struct actor *a)
{
	struct actor_ipc *ai = &a->ipc;

	ai->ui = ui_new(K_UI_ACTOR);
	ai->gone = false;
	list_init(&ai->ports);
	list_init(&ai->enabled);
	list_init(&ai->receivers);
	list_init(&ai->pending);
	list_init(&ai->groups);
}

void
ipc_thread_init(struct thread *t)
{
	memset(&t->ipc, 0, sizeof(t->ipc));
	list_init(&t->ipc.pend_link);
	list_init(&t->ipc.room_link);
	list_init(&t->ipc.rx_link);
}

/* Bumped, under ipc_lock, whenever a port is freed or changes owner or
 * handler: what a thread remembers of the port it named last (its
 * address, its handler) holds while the count has not moved. */
u64 port_gen = 1;

/* The local port ui, named by thread t, or NULL.  ipc_lock held. */
struct port *
port_find(struct thread *t, const struct kui *ui)
{
	struct thread_ipc *ti = &t->ipc;
	struct uient *e;

	if (ti->pc_gen == port_gen && ti->pc_ui.head == ui->head && ti->pc_ui.stamp == ui->stamp)
		return ti->pc_port;
	if (!(e = ui_find(ui, K_UI_PORT)))
		return NULL;
	ti->pc_ui = *ui;
	ti->pc_port = container_of(e, struct port, ent);
	ti->pc_gen = port_gen;
	return ti->pc_port;
}

/* The port ui if actor a owns it.  ipc_lock held. */
struct port *
port_of_caller(const struct kui *ui, struct actor *a, long *err)
{
	struct port *p = port_find(curthread(), ui);

	*err = !p ? -K_EUNKNOWN : p->owner != a ? -K_EPERM : K_OK;
	return *err ? NULL : p;
}

/* Callers waiting for room in p's queue: the first that can take the
 * freed place (all of them if p goes). */
void
port_wake_room(struct port *p, bool all)
{
	while (!list_empty(&p->room)) {
		struct thread_ipc *ti = list_entry(p->room.next, struct thread_ipc, room_link);
		list_del(&ti->room_link);
		if (thread_wake(container_of(ti, struct thread, ipc), K_OK) && !all)
			break;
	}
}

/* A message left p's queue. */
void
port_dequeued(struct port *p)
{
	p->queued--;
	port_room(p);
}

static void
disable(struct port *p)
{
	if (p->enabled) {
		list_del(&p->elink);
		p->enabled = false;
	}
}

/* ipc_lock held; frees p. */
static void
port_destroy(struct port *p)
{
	ui_remove(&p->ent);
	list_del(&p->alink);
	disable(p);
	msg_fail_queued(p);
	msg_abort_receivers(p->owner, p);
	port_wake_room(p, true);	/* they find it gone */
	port_gen++;
	kfree(p);
}

long
nc_portCreate(long want, long out)
{
	struct actor *a = caller_actor();
	struct kui w = { 0, 0 };
	struct port *p;
	long err;

	if (want && get_ui(want, &w) < 0)
		return -K_EFAULT;
	if (!uiIsNull(&w)) {
		if (!ui_valid(&w, K_UI_PORT) || !(w.head & K_UI_BUILT))
			return -K_EINVAL;
		if (!a->trusted)
			return -K_EPERM;
	} else {
		w = ui_new(K_UI_PORT);
	}
	if (!(p = kmalloc(sizeof(*p))))
		return -K_ENOMEM;
	p->ent.ui = w;
	p->owner = a;
	list_init(&p->queue);
	list_init(&p->elink);
	list_init(&p->room);
	p->queued = 0;
	p->limit = K_PORT_LIMIT_DEFAULT;
	p->enabled = false;
	p->prio = 0;
	p->received = p->dropped = 0;
	p->handler = NULL;
	p->harg = NULL;
	spin_lock(&ipc_lock);
	if (a->ipc.gone || ui_find(&w, K_UI_PORT)) {
		spin_unlock(&ipc_lock);
		kfree(p);
		return a->ipc.gone ? -K_EABORT : -K_EEXIST;
	}
	ui_insert(&p->ent);
	list_add_tail(&a->ipc.ports, &p->alink);
	spin_unlock(&ipc_lock);
	if ((err = put_ui(out, &w)) < 0) {
		spin_lock(&ipc_lock);
		if ((p = port_of_caller(&w, a, &err)) != NULL)
			port_destroy(p);
		spin_unlock(&ipc_lock);
		return -K_EFAULT;
	}
	return K_OK;
}

/* Looks up the caller's port named at uaddr and runs fn on it under ipc_lock. */
static long
with_port(long uaddr, long arg, long (*fn)(struct port *p, long arg))
{
	struct kui ui;
	struct port *p;
	long err;

	if (get_ui(uaddr, &ui) < 0)
		return -K_EFAULT;
	spin_lock(&ipc_lock);
	if ((p = port_of_caller(&ui, caller_actor(), &err)) != NULL)
		err = fn(p, arg);
	spin_unlock(&ipc_lock);
	return err;
}

static long
do_delete(struct port *p, long arg)
{
	(void)arg;
	port_destroy(p);
	return K_OK;
}

long
nc_portDelete(long port)
{
	struct kui ui;
	long err;

	if ((err = with_port(port, 0, do_delete)) == K_OK && get_ui(port, &ui) == K_OK)
		vm_segments_gone(&ui);		/* the segments it kept */
	return err;
}

/* Whether actor a owns port ui (a segment's mapper may flush it). */
bool
ipc_port_owned(const struct kui *ui, struct actor *a)
{
	long err;
	bool own;

	spin_lock(&ipc_lock);
	own = port_of_caller(ui, a, &err) != NULL;
	spin_unlock(&ipc_lock);
	return own;
}

static long
do_enable(struct port *p, long prio)
{
	struct list *it;

	disable(p);
	p->prio = (int)prio;
	list_for_each(it, &p->owner->ipc.enabled)
		if (list_entry(it, struct port, elink)->prio < p->prio)
			break;
	list_add_tail(it, &p->elink);
	p->enabled = true;
	return K_OK;
}

long
nc_portEnable(long port, long prio)
{
	if (prio < 0 || prio > PRIO_MAX)
		return -K_EINVAL;
	return with_port(port, prio, do_enable);
}

static long
do_disable(struct port *p, long arg)
{
	(void)arg;
	disable(p);
	return K_OK;
}

long nc_portDisable(long port) { return with_port(port, 0, do_disable); }

static long
do_limit(struct port *p, long limit)
{
	p->limit = (int)limit;
	port_room(p);
	return K_OK;
}

long
nc_portSetLimit(long port, long limit)
{
	if (limit < 1 || limit > K_PORT_LIMIT_MAX)
		return -K_EINVAL;
	return with_port(port, limit, do_limit);
}

long
nc_portStat(long port, long out)
{
	struct kportstat st;
	struct kui ui;
	struct port *p;
	long err;

	if (get_ui(port, &ui) < 0)
		return -K_EFAULT;
	spin_lock(&ipc_lock);
	if ((p = port_of_caller(&ui, caller_actor(), &err)) != NULL)
		st = (struct kportstat){ p->queued, p->limit, p->enabled, p->prio,
					 p->received, p->dropped };
	spin_unlock(&ipc_lock);
	if (err)
		return err;
	return copyout((uaddr_t)out, &st, sizeof(st)) < 0 ? -K_EFAULT : K_OK;
}

long
nc_portMigrate(long port, long aid)
{
	struct actor *a = caller_actor(), *b;
	struct kui ui;
	struct port *p;
	long err;

	if (get_ui(port, &ui) < 0)
		return -K_EFAULT;
	if (!(b = actor_get_by_id(aid)))
		return -K_EUNKNOWN;
	spin_lock(&ipc_lock);
	if ((p = port_of_caller(&ui, a, &err)) != NULL && b != a) {
		if (b->ipc.gone) {
			err = -K_EUNKNOWN;
		} else {
			/* queued messages stay on p->queue and move with it */
			disable(p);
			msg_abort_receivers(a, p);
			list_del(&p->alink);
			list_add_tail(&b->ipc.ports, &p->alink);
			p->owner = b;
			p->handler = NULL;	/* code of the old owner */
			p->harg = NULL;
			port_gen++;
		}
	}
	spin_unlock(&ipc_lock);
	actor_put(b);
	return err;
}

long
nc_portHandler(long port, long fn, long arg)
{
	struct actor *a = caller_actor();
	struct kui ui;
	struct port *p;
	long err;

	if (get_ui(port, &ui) < 0)
		return -K_EFAULT;
	if (a->mode != K_ACTOR_SUPER)
		return -K_EPERM;
	if (fn && ((u64)fn < KSUPER_BASE || (u64)fn >= KSUPER_END))
		return -K_EINVAL;
	spin_lock(&ipc_lock);
	if ((p = port_of_caller(&ui, a, &err)) != NULL) {
		p->handler = (kport_handler_t)fn;
		p->harg = (void *)arg;
		port_gen++;
	}
	spin_unlock(&ipc_lock);
	return err;
}

/* aid 0: the caller; else a reference to the actor, or NULL. */
static struct actor *
target_actor(long aid)
{
	struct actor *a = caller_actor();

	if (aid == 0) {
		actor_get(a);
		return a;
	}
	return actor_get_by_id(aid);
}

long
nc_actorSetProtId(long aid, long protid)
{
	struct actor *a;

	if (!caller_actor()->trusted)
		return -K_EPERM;
	if ((u64)protid == K_PROTID_NUCLEUS)
		return -K_EINVAL;		/* the nucleus's own */
	if (!(a = target_actor(aid)))
		return -K_EUNKNOWN;
	spin_lock(&ipc_lock);
	a->ipc.protid = (u64)protid;
	spin_unlock(&ipc_lock);
	actor_put(a);
	return K_OK;
}

long
nc_actorUi(long aid, long out)
{
	struct actor *a = target_actor(aid);
	struct kui ui;

	if (!a)
		return -K_EUNKNOWN;
	ui = a->ipc.ui;
	actor_put(a);
	return put_ui(out, &ui);
}

/* The actor ended: its ports, groups and the calls it received go. */
void
ipc_actor_gone(struct actor *a)
{
	struct actor_ipc *ai = &a->ipc;
	struct kui *uis = NULL;
	long n = 0, max = 0;
	struct list *it;

	spin_lock(&ipc_lock);
	list_for_each(it, &ai->ports)
		max++;
	spin_unlock(&ipc_lock);
	if (max)
		uis = kmalloc((size_t)max * sizeof(*uis));	/* for the VM: their segments go */
	spin_lock(&ipc_lock);
	ai->gone = true;
	while (!list_empty(&ai->ports)) {
		struct port *p = list_entry(ai->ports.next, struct port, alink);
		if (uis && n < max)
			uis[n++] = p->ent.ui;
		port_destroy(p);
	}
	while (!list_empty(&ai->groups))
		group_destroy(list_entry(ai->groups.next, struct group, alink));
	msg_fail_pending(a);
	spin_unlock(&ipc_lock);
	for (long i = 0; i < n; i++)
		vm_segments_gone(&uis[i]);
	if (uis)
		kfree(uis);
}

/* Port p goes: queued calls fail, one-way messages are dropped. */
void
msg_fail_queued(struct port *p)
{
	while (!list_empty(&p->queue)) {
		struct msg *m = list_entry(p->queue.next, struct msg, link);
		list_del(&m->link);
		if (m->caller) {
			body_free(m);
			call_complete(m->caller, -K_ENOREPLY);
		} else {
			msg_free(m);
		}
	}
	p->queued = 0;
}

/* Actor a ended: calls it received and did not answer fail. */
void
msg_fail_pending(struct actor *a)
{
	while (!list_empty(&a->ipc.pending)) {
		struct thread_ipc *ti = list_entry(a->ipc.pending.next, struct thread_ipc, pend_link);
		list_del(&ti->pend_link);
		call_complete(container_of(ti, struct thread, ipc), -K_ENOREPLY);
	}
}

/* Threads of a waiting on p alone stop waiting (p is deleted or leaves). */
void
msg_abort_receivers(struct actor *a, struct port *p)
{
	struct list *it, *nx;

	list_for_each_safe(it, nx, &a->ipc.receivers) {
		struct thread_ipc *ti = list_entry(it, struct thread_ipc, rx_link);
		if (ti->rx_port == p) {
			list_del(&ti->rx_link);
			thread_wake(container_of(ti, struct thread, ipc), -K_EABORT);
		}
	}
}
