// SPDX-License-Identifier: MIT
/*
 * Run queues: 128 FIFO levels and a bitmap of the non-empty ones, so the
 * highest ready thread is found with two bit scans.  No locking here: the
 * caller holds rq->lock (host unit tests call these directly).
 * Entry points: runq_init, runq_push, runq_remove, runq_peek,
 * runq_top_level, runq_steal.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/sched.h>
#include <kern/thread.h>

void
runq_init(struct runq *rq)
{
	spin_init(&rq->lock, "runq");
	for (int i = 0; i < NLEVELS; i++)
		list_init(&rq->level[i]);
	rq->bitmap[0] = rq->bitmap[1] = 0;
	rq->nready = 0;
}

void
runq_push(struct runq *rq, struct thread *t, bool front)
{
	int l = t->level;

	assert(l >= 0 && l < NLEVELS);
	if (front)
		list_add_head(&rq->level[l], &t->rq_link);
	else
		list_add_tail(&rq->level[l], &t->rq_link);
	rq->bitmap[l / 64] |= 1UL << (l % 64);
	rq->nready++;
}

void
runq_remove(struct runq *rq, struct thread *t)
{
	int l = t->level;

	list_del(&t->rq_link);
	if (list_empty(&rq->level[l]))
		rq->bitmap[l / 64] &= ~(1UL << (l % 64));
	rq->nready--;
	assert(rq->nready >= 0);
}

int
runq_top_level(const struct runq *rq)
{
	if (rq->bitmap[1])
		return 64 + 63 - __builtin_clzl(rq->bitmap[1]);
	if (rq->bitmap[0])
		return 63 - __builtin_clzl(rq->bitmap[0]);
	return -1;
}

struct thread *
runq_peek(const struct runq *rq)
{
	int l = runq_top_level(rq);

	return l < 0 ? NULL : list_entry(rq->level[l].next, struct thread, rq_link);
}

/* The lowest-priority thread that may run on `cpu`, taken off the queue. */
struct thread *
runq_steal(struct runq *rq, int cpu)
{
	for (int l = 0; l < NLEVELS; l++) {
		struct list *it;
		if (!(rq->bitmap[l / 64] & (1UL << (l % 64))))
			continue;
		list_for_each(it, &rq->level[l]) {
			struct thread *t = list_entry(it, struct thread, rq_link);
			if (t->cpumask & (1UL << cpu)) {
				runq_remove(rq, t);
				return t;
			}
		}
	}
	return NULL;
}
