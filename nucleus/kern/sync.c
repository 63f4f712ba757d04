// SPDX-License-Identifier: MIT
/*
 * The slow path of actor mutexes and semaphores: a thread sleeps on the
 * address of a word in its actor as long as the word holds an expected
 * value; another thread wakes sleepers of that address.  Sleepers are
 * hashed by (actor, address) into buckets; each bucket lock makes "check
 * the word, then sleep" atomic with respect to wakers.
 * Entry points: sync_wait, sync_wake.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/sync.h>
#include <vm/vm.h>

#define NBUCKETS	64

struct bucket {
	struct waitq wq;
	bool ready;
};

static struct bucket buckets[NBUCKETS];
static struct spinlock init_lock = SPINLOCK_INIT("sync-init");

static struct bucket *
bucket_of(struct actor *a, u64 addr)
{
	u64 h = ((u64)a >> 6) ^ (addr >> 2);
	struct bucket *b = &buckets[(h ^ (h >> 17)) % NBUCKETS];

	if (unlikely(!READ_ONCE(b->ready))) {
		spin_lock(&init_lock);
		if (!b->ready) {
			waitq_init(&b->wq);
			__atomic_store_n(&b->ready, true, __ATOMIC_RELEASE);
		}
		spin_unlock(&init_lock);
	}
	return b;
}

long
sync_wait(struct actor *a, uaddr_t addr, int expected, long timeout_ns)
{
	struct thread *t = curthread();
	struct bucket *b;
	int v;
	long r;

	if (addr & 3)
		return -K_EINVAL;
	b = bucket_of(a, addr);
	spin_lock(&b->wq.lock);
	if ((r = copyin(&v, addr, sizeof(v))) < 0) {
		spin_unlock(&b->wq.lock);
		return r;
	}
	if (v != expected) {
		spin_unlock(&b->wq.lock);
		return -K_EAGAIN;
	}
	t->sync_actor = a;
	t->sync_addr = addr;
	r = waitq_sleep(&b->wq, timeout_ns);
	t->sync_actor = NULL;
	return r;
}

long
sync_wake(struct actor *a, uaddr_t addr, int count)
{
	struct bucket *b;
	struct list *it, *nx;
	int woken = 0;
	int v;

	if (addr & 3 || count <= 0)
		return -K_EINVAL;
	if (copyin(&v, addr, sizeof(v)) < 0)
		return -K_EFAULT;
	b = bucket_of(a, addr);
	spin_lock(&b->wq.lock);
	list_for_each_safe(it, nx, &b->wq.waiters) {
		struct thread *t = list_entry(it, struct thread, wait_link);
		if (woken >= count)
			break;
		if (t->sync_actor != a || t->sync_addr != addr)
			continue;
		list_del(&t->wait_link);
		if (thread_wake(t, K_OK))
			woken++;
	}
	spin_unlock(&b->wq.lock);
	return woken;
}
