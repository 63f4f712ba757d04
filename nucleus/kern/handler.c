// SPDX-License-Identifier: MIT
/*
 * Connected handlers (see handler.h).  Connections live in one table under
 * hlock.  An interrupt runs its chain with hlock held (interrupts are off
 * anyway); exception and trap handlers may block, so they run without the
 * lock, holding a reference on the owner actor so that its code stays
 * mapped.  The FPU state of the interrupted thread is saved around every
 * handler because actor code may use SSE.
 * Entry points: handler_connect_*, handler_disconnect, handler_actor_gone,
 * handler_interrupt, handler_exception, handler_trap.
 * Lock order: hlock -> (handler code: mini-ports, wait queues, run queues).
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/handler.h>
#include <ipc/ipc.h>
#include "x86.h"

#define MAX_CONNS	1024
enum { C_INTR = 1, C_EXC, C_TRAP };

struct conn {
	long hid;
	int kind;
	int num;			/* irq, or trap number */
	int prio;
	struct actor *owner;
	long target;			/* aid (exception, trap) */
	u64 fn, arg;
	struct list link;		/* intr_chain[num], by priority */
};

static struct spinlock hlock = SPINLOCK_INIT("handlers");
static struct conn *conns[MAX_CONNS];	/* under hlock */
static u16 cgen[MAX_CONNS];
#define CHAIN(i) [i] = LIST_INIT(intr_chain[i])
static struct list intr_chain[K_IRQ_MAX] = {	/* by priority, under hlock */
	CHAIN(0), CHAIN(1), CHAIN(2), CHAIN(3), CHAIN(4), CHAIN(5), CHAIN(6),
	CHAIN(7), CHAIN(8), CHAIN(9), CHAIN(10), CHAIN(11), CHAIN(12), CHAIN(13),
	CHAIN(14), CHAIN(15), CHAIN(16), CHAIN(17), CHAIN(18), CHAIN(19),
	CHAIN(20), CHAIN(21), CHAIN(22), CHAIN(23),
};

static u32
trap_bit(long trapno)
{
	if (trapno == K_TRAP_SYSCALL)
		return 1;
	if (trapno >= K_TRAP_INT_FIRST && trapno <= K_TRAP_INT_LAST)
		return 2U << (trapno - K_TRAP_INT_FIRST);
	return 0;
}

static long
check_owner(struct actor *owner, u64 fn)
{
	if (!owner || owner->mode != K_ACTOR_SUPER || mycpu_irq_depth())
		return -K_EPERM;
	if (fn < KSUPER_BASE || fn >= KSUPER_END)
		return -K_EFAULT;
	return K_OK;
}

/* Adds c to the table; with hlock held. */
static long
insert(struct conn *c)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		if (conns[i])
			continue;
		cgen[i] = cgen[i] ? cgen[i] : 1;
		c->hid = ((long)cgen[i] << 16) | i;
		conns[i] = c;
		return c->hid;
	}
	return -K_ELIMIT;
}

static struct conn *
new_conn(int kind, struct actor *owner, u64 fn, u64 arg)
{
	struct conn *c = kmalloc(sizeof(*c));

	if (c) {
		c->kind = kind;
		c->owner = owner;
		c->fn = fn;
		c->arg = arg;
		list_init(&c->link);
	}
	return c;
}

long
handler_connect_intr(struct actor *owner, long irq, u64 fn, u64 arg, long prio)
{
	struct conn *c;
	struct list *it;
	long r;

	if ((r = check_owner(owner, fn)) < 0)
		return r;
	if (irq < 0 || irq >= K_IRQ_MAX || prio < 0 || prio > K_HANDLER_PRIO_MAX)
		return -K_EINVAL;
	if (!(c = new_conn(C_INTR, owner, fn, arg)))
		return -K_ENOMEM;
	c->num = (int)irq;
	c->prio = (int)prio;
	spin_lock(&hlock);
	if ((r = insert(c)) < 0) {
		spin_unlock(&hlock);
		kfree(c);
		return r;
	}
	list_for_each(it, &intr_chain[irq])
		if (list_entry(it, struct conn, link)->prio < c->prio)
			break;
	list_add_tail(it, &c->link);
	owner->owned_conns++;
	ioapic_route((int)irq, (u8)(VEC_IRQ_BASE + irq), cpus[0].apic_id);
	ioapic_mask((int)irq, false);
	spin_unlock(&hlock);
	return r;
}

static long
connect_target(int kind, struct actor *owner, long aid, long trapno, u64 fn, u64 arg)
{
	struct actor *target;
	struct conn *c;
	long r, hid;
	int slot;

	if ((r = check_owner(owner, fn)) < 0)
		return r;
	if (kind == C_TRAP && !trap_bit(trapno))
		return -K_EINVAL;
	if (!(c = new_conn(kind, owner, fn, arg)))
		return -K_ENOMEM;
	c->num = (int)trapno;
	c->target = aid;
	spin_lock(&hlock);
	if ((hid = insert(c)) < 0) {
		spin_unlock(&hlock);
		kfree(c);
		return hid;
	}
	slot = (int)(hid & 0xffff);
	spin_lock(&actor_table_lock);
	target = actor_lookup(aid);
	r = target ? -K_EBUSY : -K_EUNKNOWN;
	if (target && kind == C_EXC && !target->has_exc) {
		target->has_exc = true;
		r = K_OK;
	} else if (target && kind == C_TRAP && !(target->trap_mask & trap_bit(trapno))) {
		__atomic_fetch_or(&target->trap_mask, trap_bit(trapno), __ATOMIC_SEQ_CST);
		if (trapno == K_TRAP_SYSCALL)
			target->sys_conn = slot + 1;
		r = K_OK;
	}
	spin_unlock(&actor_table_lock);
	if (r < 0) {
		conns[slot] = NULL;
		cgen[slot]++;
	} else {
		owner->owned_conns++;
	}
	spin_unlock(&hlock);
	if (r < 0) {
		kfree(c);
		return r;
	}
	return hid;
}

long
handler_connect_exc(struct actor *owner, long aid, u64 fn, u64 arg)
{
	return connect_target(C_EXC, owner, aid, 0, fn, arg);
}

long
handler_connect_trap(struct actor *owner, long aid, long trapno, u64 fn, u64 arg)
{
	return connect_target(C_TRAP, owner, aid, trapno, fn, arg);
}

/* Unlinks conns[slot]; with hlock held. */
static void
remove_slot(int slot)
{
	struct conn *c = conns[slot];

	conns[slot] = NULL;
	cgen[slot]++;
	c->owner->owned_conns--;
	if (c->kind == C_INTR) {
		list_del(&c->link);
		if (list_empty(&intr_chain[c->num]))
			ioapic_mask(c->num, true);
	} else {
		struct actor *t;
		spin_lock(&actor_table_lock);
		if ((t = actor_lookup(c->target)) != NULL) {
			if (c->kind == C_EXC)
				t->has_exc = false;
			else
				__atomic_fetch_and(&t->trap_mask, ~trap_bit(c->num), __ATOMIC_SEQ_CST);
		}
		spin_unlock(&actor_table_lock);
	}
	kfree(c);
}

long
handler_disconnect(struct actor *owner, long hid)
{
	long slot = hid & 0xffff;
	long r = -K_EUNKNOWN;

	if (mycpu_irq_depth())
		return -K_EPERM;
	spin_lock(&hlock);
	if (hid > 0 && slot < MAX_CONNS && conns[slot] && conns[slot]->hid == hid) {
		r = -K_EPERM;
		if (conns[slot]->owner == owner) {
			remove_slot((int)slot);
			r = K_OK;
		}
	}
	spin_unlock(&hlock);
	return r;
}

/* The slot of actor a's syscall handler, or -1 (a->sys_conn may be
 * stale: the slot is checked); hlock held. */
static int
sys_slot(const struct actor *a)
{
	int i = a->sys_conn - 1;

	if (i >= 0 && conns[i] && conns[i]->kind == C_TRAP && conns[i]->num == K_TRAP_SYSCALL &&
	    conns[i]->target == a->aid)
		return i;
	return -1;
}

/* The connections of actor a, or to it, go.  Its syscall handler's is
 * known; the table is searched only for others. */
void
handler_actor_gone(struct actor *a)
{
	int i;

	spin_lock(&hlock);
	if ((i = sys_slot(a)) >= 0)
		remove_slot(i);
	if (a->owned_conns || a->has_exc || (a->trap_mask & ~TRAP_ROUTED))
		for (int i = 0; i < MAX_CONNS; i++)
			if (conns[i] && (conns[i]->owner == a ||
					 (conns[i]->kind != C_INTR && conns[i]->target == a->aid)))
				remove_slot(i);
	spin_unlock(&hlock);
}

void
handler_interrupt(int irq)
{
	struct cpu *c = mycpu();
	struct thread *t = c->current;
	struct actor *saved = t->acting;
	struct list *it;

	spin_lock(&hlock);
	fpu_save(c->fpu_scratch);
	list_for_each(it, &intr_chain[irq]) {
		struct conn *h = list_entry(it, struct conn, link);
		t->acting = h->owner;
		if (((kintr_handler_t)h->fn)((void *)h->arg, irq) == K_INTR_STOP)
			break;
	}
	t->acting = saved;
	fpu_restore(c->fpu_scratch);
	spin_unlock(&hlock);
}

/* Finds the handler of (target, kind, num) and pins its owner: a
 * syscall handler at once from its slot, the others by a scan. */
static bool
lookup_target(int kind, struct actor *target, int num, u64 *fn, u64 *arg, struct actor **owner)
{
	struct conn *h = NULL;
	int i;

	spin_lock(&hlock);
	if (kind == C_TRAP && num == K_TRAP_SYSCALL && (i = sys_slot(target)) >= 0)
		h = conns[i];
	for (i = 0; i < MAX_CONNS && !h; i++)
		if (conns[i] && conns[i]->kind == kind && conns[i]->target == target->aid &&
		    (kind == C_EXC || conns[i]->num == num))
			h = conns[i];
	if (h) {
		*fn = h->fn;
		*arg = h->arg;
		*owner = h->owner;
		actor_get(h->owner);
	}
	spin_unlock(&hlock);
	return h != NULL;
}

static int
call_target(struct thread *t, int kind, int num, struct kcontext *ctx)
{
	u8 fpu[512] __attribute__((aligned(16)));
	struct actor *owner, *saved = t->acting;
	u64 fn, arg;
	int r;

	if (!lookup_target(kind, t->actor, num, &fn, &arg, &owner))
		return 0;
	fpu_save(fpu);
	t->acting = owner;
	t->hctx = ctx;			/* threadContext on this thread works on them */
	t->hfpu = fpu;
	r = ((kexc_handler_t)fn)((void *)arg, t->actor->aid, t->tid, ctx);
	t->hctx = NULL;
	t->hfpu = NULL;
	t->acting = saved;
	fpu_restore(fpu);
	actor_put(owner);
	/* what a handler may not change: privilege, interrupt state */
	if (t->actor->mode == K_ACTOR_USER) {
		ctx->cs = SEL_UCODE;
		ctx->ss = SEL_UDATA;
	}
	ctx->rflags = (ctx->rflags & RFLAGS_USER) | RFLAGS_IF | 2;
	return r;
}

int
handler_exception(struct thread *t, struct kcontext *ctx)
{
	if (!READ_ONCE(t->actor->has_exc))
		return K_EXC_DEFAULT;
	return call_target(t, C_EXC, 0, ctx) == K_EXC_HANDLED ? K_EXC_HANDLED : K_EXC_DEFAULT;
}

/* A connected handler first; what it passes goes to the trap port if
 * the actor has one (trapPort), else it is a nucleus call. */
int
handler_trap(struct thread *t, int trapno, struct kcontext *ctx)
{
	u32 mask = READ_ONCE(t->actor->trap_mask);

	if (unlikely(mask & trap_bit(trapno)) &&
	    call_target(t, C_TRAP, trapno, ctx) == K_TRAP_DONE)
		return K_TRAP_DONE;
	if (trapno == K_TRAP_SYSCALL && (mask & TRAP_ROUTED)) {
		ipc_trap_call(t, ctx);		/* a message to the trap port */
		return K_TRAP_DONE;
	}
	return K_TRAP_PASS;
}
