// SPDX-License-Identifier: MIT
/*
 * Actors: the table, reference counting, deletion, waiting for an end,
 * and the reaper thread that frees a dead actor's memory.  Loading an
 * actor from a boot module is in loader.c.
 * Entry points: actor_init, actor_create, actor_lookup, actor_get_by_id,
 * actor_get, actor_put, actor_kill, actor_wait, actor_thread_gone,
 * reaper_start.
 * Lock order: exit_wq.lock -> actor_table_lock -> actor.lock.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/handler.h>
#include <kern/mini.h>
#include <vm/vm.h>

#define NEXITS	256

struct spinlock actor_table_lock = SPINLOCK_INIT("actors");
static struct actor *atable[MAX_ACTORS];	/* under actor_table_lock */
static u16 agen[MAX_ACTORS];
static long nactors;

static struct waitq exit_wq;			/* its lock guards exits[] */
static struct { long aid, status; } exits[NEXITS];
static int exit_next;

static struct waitq reap_wq;			/* its lock guards reap_list */
static struct list reap_list = LIST_INIT(reap_list);

void
actor_init(void)
{
	waitq_init(&exit_wq);
	waitq_init(&reap_wq);
	for (int i = 0; i < MAX_ACTORS; i++)
		agen[i] = 1;
}

struct actor *
actor_create(const char *name, int mode, bool trusted, long parent)
{
	struct actor *a = kmalloc(sizeof(*a));

	if (!a)
		return NULL;
	spin_init(&a->lock, "actor");
	a->mode = mode;
	a->trusted = trusted;
	a->parent = parent;
	a->state = ACTOR_ALIVE;
	a->refs = 1;				/* the table's */
	list_init(&a->threads);
	list_init(&a->regions);
	list_init(&a->reap_link);
	strlcpy(a->name, name, sizeof(a->name));
	ipc_actor_init(a);
	spin_lock(&actor_table_lock);
	for (int i = 1; i < MAX_ACTORS; i++) {
		if (atable[i])
			continue;
		atable[i] = a;
		a->slot = i;
		a->aid = ((long)agen[i] << 16) | i;
		a->ipc.protid = (u64)a->aid;
		nactors++;
		spin_unlock(&actor_table_lock);
		return a;
	}
	spin_unlock(&actor_table_lock);
	kfree(a);
	return NULL;
}

struct actor *
actor_lookup(long aid)
{
	long slot = aid & 0xffff;

	assert(spin_held(&actor_table_lock));
	if (aid <= 0 || slot >= MAX_ACTORS || !atable[slot] || atable[slot]->aid != aid)
		return NULL;
	return atable[slot];
}

void
actor_get(struct actor *a)
{
	__atomic_add_fetch(&a->refs, 1, __ATOMIC_SEQ_CST);
}

struct actor *
actor_get_by_id(long aid)
{
	struct actor *a;

	spin_lock(&actor_table_lock);
	if ((a = actor_lookup(aid)) != NULL)
		actor_get(a);
	spin_unlock(&actor_table_lock);
	return a;
}

void
actor_put(struct actor *a)
{
	if (__atomic_sub_fetch(&a->refs, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	spin_lock(&reap_wq.lock);
	list_add_tail(&reap_list, &a->reap_link);
	waitq_wake(&reap_wq, 1, K_OK);
	spin_unlock(&reap_wq.lock);
}

long actor_count(void) { return READ_ONCE(nactors); }

/* The actor's end: its memory back (so that a waiter finds it free: no
 * thread of it runs in it any more; a nucleus copy into it from now on
 * fails), drop handlers and mini-ports (a waiter finds them gone too),
 * record the status, leave the table.  No lock held.  The reaper frees the memory instead when interrupts are off (a
 * thread killed at an interrupt: TLB shootdowns need them on), when a
 * supervisor actor's last thread is still on its stack there, or when
 * the space was never made. */
static void
actor_end(struct actor *a)
{
	if (a->pmap && intr_enabled() && (a->mode == K_ACTOR_USER || curthread()->actor != a))
		rgn_free_all(a);
	ipc_actor_gone(a);
	handler_actor_gone(a);
	mini_actor_gone(a);
	spin_lock(&exit_wq.lock);
	exits[exit_next].aid = a->aid;
	exits[exit_next].status = a->status;
	exit_next = (exit_next + 1) % NEXITS;
	waitq_wake(&exit_wq, 1 << 30, K_OK);
	spin_unlock(&exit_wq.lock);
	spin_lock(&actor_table_lock);
	atable[a->slot] = NULL;
	agen[a->slot] = (u16)(agen[a->slot] + 1) ? (u16)(agen[a->slot] + 1) : 1;
	nactors--;
	spin_unlock(&actor_table_lock);
	actor_put(a);
}

/* Deletes every thread; the actor ends when the last one is gone. */
void
actor_kill(struct actor *a, long status)
{
	struct list *it;
	bool none;

	spin_lock(&a->lock);
	if (a->state != ACTOR_ALIVE) {
		spin_unlock(&a->lock);
		return;
	}
	a->state = ACTOR_DYING;
	a->status = status;
	list_for_each(it, &a->threads)
		thread_kill(list_entry(it, struct thread, actor_link));
	none = a->nthreads == 0;
	spin_unlock(&a->lock);
	if (none)
		actor_end(a);
}

/* The last thread of a left (thread_exit). */
void
actor_thread_gone(struct actor *a)
{
	spin_lock(&a->lock);
	if (a->state == ACTOR_ALIVE) {
		a->state = ACTOR_DYING;
		a->status = 0;
	}
	spin_unlock(&a->lock);
	actor_end(a);
}

static bool
find_exit(long aid, long *status)
{
	for (int i = 0; i < NEXITS; i++) {
		if (exits[i].aid == aid) {
			*status = exits[i].status;
			return true;
		}
	}
	return false;
}

long
actor_wait(long aid, long timeout_ns, long *status)
{
	u64 deadline = timeout_ns > 0 ? time_ns() + (u64)timeout_ns : 0;

	spin_lock(&exit_wq.lock);
	for (;;) {
		long r, left = timeout_ns;
		bool alive;
		if (find_exit(aid, status)) {
			spin_unlock(&exit_wq.lock);
			return K_OK;
		}
		spin_lock(&actor_table_lock);
		alive = actor_lookup(aid) != NULL;
		spin_unlock(&actor_table_lock);
		if (!alive) {
			spin_unlock(&exit_wq.lock);
			return -K_EUNKNOWN;
		}
		if (timeout_ns > 0) {
			u64 now = time_ns();
			left = now >= deadline ? 0 : (long)(deadline - now);
		}
		if ((r = waitq_sleep(&exit_wq, left)) < 0)
			return r;
		spin_lock(&exit_wq.lock);
	}
}

static void
reaper(void *arg)
{
	(void)arg;
	for (;;) {
		struct actor *a;
		spin_lock(&reap_wq.lock);
		while (list_empty(&reap_list)) {
			waitq_sleep(&reap_wq, K_NOTIMEOUT);
			spin_lock(&reap_wq.lock);
		}
		a = list_entry(reap_list.next, struct actor, reap_link);
		list_del(&a->reap_link);
		spin_unlock(&reap_wq.lock);
		rgn_free_all(a);
		if (a->mode == K_ACTOR_USER && a->pmap)
			pmap_destroy(a->pmap);
		kfree(a);
	}
}

void
reaper_start(void)
{
	if (!thread_create_kernel("reaper", reaper, NULL, K_PRIO_RT(K_RT_LEVELS - 1)))
		panic("cannot start the reaper");
}
