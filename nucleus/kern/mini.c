// SPDX-License-Identifier: MIT
/*
 * Mini-messages: small fixed rings of words through which connected
 * handlers (interrupt context) wake threads, without the IPC machinery.
 * A mini-port belongs to the actor that created it; only that actor's
 * threads and handlers may post to it or wait on it.
 * Entry points: mini_create, mini_post, mini_wait, mini_delete,
 * mini_actor_gone.
 * Lock order: mini_lock -> port waitq lock.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/mini.h>

#define MAX_MINI	256
#define MINI_RING	64

struct miniport {
	long mid;
	struct actor *owner;
	struct waitq wq;		/* its lock guards the ring */
	long ring[MINI_RING];
	u32 head, count;
	u64 lost;			/* posts dropped on a full ring */
	int sleepers;			/* threads in mini_wait: keep it alive */
	bool dead;
};

static struct spinlock mini_lock = SPINLOCK_INIT("mini");
static struct miniport *ports[MAX_MINI];	/* under mini_lock */
static u16 mgen[MAX_MINI];

/* Looks a port up and locks its queue. */
static struct miniport *
lock_port(struct actor *caller, long mid)
{
	long slot = mid & 0xffff;
	struct miniport *p = NULL;

	spin_lock(&mini_lock);
	if (mid > 0 && slot < MAX_MINI && ports[slot] && ports[slot]->mid == mid &&
	    ports[slot]->owner == caller) {
		p = ports[slot];
		spin_lock(&p->wq.lock);
	}
	spin_unlock(&mini_lock);
	return p;
}

long
mini_create(struct actor *caller)
{
	struct miniport *p;

	if (!caller)
		return -K_EPERM;
	if (!(p = kmalloc(sizeof(*p))))
		return -K_ENOMEM;
	waitq_init(&p->wq);
	p->owner = caller;
	spin_lock(&mini_lock);
	for (int i = 1; i < MAX_MINI; i++) {
		if (ports[i])
			continue;
		mgen[i] = mgen[i] ? mgen[i] : 1;
		p->mid = ((long)mgen[i] << 16) | i;
		ports[i] = p;
		spin_unlock(&mini_lock);
		return p->mid;
	}
	spin_unlock(&mini_lock);
	kfree(p);
	return -K_ELIMIT;
}

long
mini_post(struct actor *caller, long mid, long value)
{
	struct miniport *p = lock_port(caller, mid);
	long r = K_OK;

	if (!p)
		return -K_EUNKNOWN;
	if (p->count == MINI_RING) {
		p->lost++;
		r = -K_ELIMIT;
	} else {
		p->ring[(p->head + p->count++) % MINI_RING] = value;
		waitq_wake(&p->wq, 1, K_OK);
	}
	spin_unlock(&p->wq.lock);
	return r;
}

long
mini_wait(struct actor *caller, long mid, long *value, long timeout_ns)
{
	struct miniport *p = lock_port(caller, mid);
	long r;

	if (!p)
		return -K_EUNKNOWN;
	while (p->count == 0) {
		p->sleepers++;
		r = waitq_sleep(&p->wq, timeout_ns);
		spin_lock(&p->wq.lock);
		p->sleepers--;
		if (p->dead) {
			bool last = p->sleepers == 0;
			spin_unlock(&p->wq.lock);
			if (last)
				kfree(p);
			return -K_EABORT;
		}
		if (r < 0) {
			spin_unlock(&p->wq.lock);
			return r;
		}
	}
	*value = p->ring[p->head];
	p->head = (p->head + 1) % MINI_RING;
	p->count--;
	spin_unlock(&p->wq.lock);
	return K_OK;
}

static void
destroy(int slot)
{
	struct miniport *p = ports[slot];
	bool unused;

	ports[slot] = NULL;
	mgen[slot]++;
	spin_lock(&p->wq.lock);
	p->dead = true;
	waitq_wake(&p->wq, 1 << 30, -K_EABORT);
	unused = p->sleepers == 0;	/* else the last sleeper frees it */
	spin_unlock(&p->wq.lock);
	if (unused)
		kfree(p);
}

long
mini_delete(struct actor *caller, long mid)
{
	long slot = mid & 0xffff;
	long r = -K_EUNKNOWN;

	spin_lock(&mini_lock);
	if (mid > 0 && slot < MAX_MINI && ports[slot] && ports[slot]->mid == mid) {
		r = -K_EPERM;
		if (ports[slot]->owner == caller) {
			destroy((int)slot);
			r = K_OK;
		}
	}
	spin_unlock(&mini_lock);
	return r;
}

void
mini_actor_gone(struct actor *a)
{
	spin_lock(&mini_lock);
	for (int i = 0; i < MAX_MINI; i++)
		if (ports[i] && ports[i]->owner == a)
			destroy(i);
	spin_unlock(&mini_lock);
}
