// SPDX-License-Identifier: MIT
/*
 * Wait queues with timeouts.  A sleeper links itself on the queue, arms its
 * timer and blocks; a waker, the timer or a deletion wins the race through
 * thread_wake; the sleeper unlinks itself afterwards in every case.
 * Entry points: waitq_init, waitq_sleep, waitq_wake.
 * Lock order: waitq.lock -> timer list -> run queue.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/sched.h>
#include <kern/thread.h>
#include <kern/percpu.h>

void
waitq_init(struct waitq *wq)
{
	spin_init(&wq->lock, "waitq");
	list_init(&wq->waiters);
}

static void
wait_timeout(struct timer *tm)
{
	thread_wake(container_of(tm, struct thread, timer), -K_ETIMEOUT);
}

long
waitq_sleep_state(struct waitq *wq, long timeout_ns, int state)
{
	struct thread *t = curthread();
	long r;

	if (t->killed || timeout_ns == 0) {
		spin_unlock(&wq->lock);
		return t->killed ? -K_EABORT : -K_ETIMEOUT;
	}
	t->wake_result = WAIT_PENDING;
	t->waitq = wq;
	list_add_tail(&wq->waiters, &t->wait_link);
	if (timeout_ns > 0)
		timer_arm(&t->timer, time_ns() + (u64)timeout_ns, wait_timeout);
	spin_unlock(&wq->lock);
	r = thread_block_state(state);
	if (timeout_ns > 0)
		timer_cancel(&t->timer);
	spin_lock(&wq->lock);
	list_del(&t->wait_link);
	t->waitq = NULL;
	spin_unlock(&wq->lock);
	return r;
}

long
waitq_sleep(struct waitq *wq, long timeout_ns)
{
	return waitq_sleep_state(wq, timeout_ns, K_TS_BLOCKED);
}

int
waitq_wake(struct waitq *wq, int n, long r)
{
	struct list *it, *nx;
	int woken = 0;

	assert(spin_held(&wq->lock));
	list_for_each_safe(it, nx, &wq->waiters) {
		struct thread *t = list_entry(it, struct thread, wait_link);
		if (woken >= n)
			break;
		list_del(&t->wait_link);
		if (thread_wake(t, r))
			woken++;
	}
	return woken;
}
