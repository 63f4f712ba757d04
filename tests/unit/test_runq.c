// SPDX-License-Identifier: MIT
/*
 * Unit tests of the run queues (nucleus/kern/runq.c): FIFO order inside a
 * level, highest level first over both bitmap words, push to the front,
 * removal keeping the bitmap right, and runq_steal taking the
 * lowest-priority thread that the target processor may run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include <kern/types.h>
#include <kern/sched.h>
#include <kern/thread.h>

#define MAXT	256

static struct runq rq;
static struct thread *pool[MAXT];
static int npool;

/* A thread at `level` that may run on the processors of `mask`. */
static struct thread *
mk(int level, u64 mask)
{
	struct thread *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	assert_true(npool < MAXT);
	t->level = level;
	t->cpumask = mask;
	t->slot = npool;
	pool[npool++] = t;
	return t;
}

static int
setup(void **state)
{
	npool = 0;
	runq_init(&rq);
	return 0;
}

static int
teardown(void **state)
{
	while (npool > 0)
		free(pool[--npool]);
	return 0;
}

/* Takes the thread runq_peek names off the queue. */
static struct thread *
pop(void)
{
	struct thread *t = runq_peek(&rq);

	if (t)
		runq_remove(&rq, t);
	return t;
}

static void
test_empty_queue(void **state)
{
	assert_null(runq_peek(&rq));
	assert_int_equal(runq_top_level(&rq), -1);
	assert_null(runq_steal(&rq, 0));
	assert_int_equal(rq.nready, 0);
}

static void
test_fifo_within_level(void **state)
{
	struct thread *a = mk(10, 1), *b = mk(10, 1), *c = mk(10, 1);

	runq_push(&rq, a, false);
	runq_push(&rq, b, false);
	runq_push(&rq, c, false);
	assert_int_equal(rq.nready, 3);
	assert_ptr_equal(pop(), a);
	assert_ptr_equal(pop(), b);
	assert_ptr_equal(pop(), c);
	assert_null(pop());
}

static void
test_highest_level_first(void **state)
{
	static const int levels[] = { 5, 127, 0, 64, 63, 100 };
	static const int order[] = { 127, 100, 64, 63, 5, 0 };

	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		runq_push(&rq, mk(levels[i], 1), false);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		assert_int_equal(runq_top_level(&rq), order[i]);
		assert_int_equal(pop()->level, order[i]);
	}
	assert_int_equal(runq_top_level(&rq), -1);
}

static void
test_bitmap_word_boundary(void **state)
{
	struct thread *lo = mk(63, 1), *hi = mk(64, 1);

	runq_push(&rq, lo, false);
	assert_int_equal(rq.bitmap[0], 1UL << 63);
	assert_int_equal(rq.bitmap[1], 0);
	runq_push(&rq, hi, false);
	assert_int_equal(rq.bitmap[1], 1);
	assert_ptr_equal(runq_peek(&rq), hi);
	runq_remove(&rq, hi);
	assert_int_equal(rq.bitmap[1], 0);
	assert_ptr_equal(runq_peek(&rq), lo);
}

static void
test_push_front(void **state)
{
	struct thread *a = mk(7, 1), *b = mk(7, 1), *c = mk(7, 1);

	runq_push(&rq, a, false);
	runq_push(&rq, b, false);
	runq_push(&rq, c, true);
	assert_ptr_equal(pop(), c);
	assert_ptr_equal(pop(), a);
	assert_ptr_equal(pop(), b);
}

static void
test_remove_keeps_bit_until_level_empty(void **state)
{
	struct thread *a = mk(20, 1), *b = mk(20, 1), *e = mk(20, 1), *c = mk(3, 1);

	runq_push(&rq, a, false);
	runq_push(&rq, b, false);
	runq_push(&rq, e, false);
	runq_push(&rq, c, false);
	runq_remove(&rq, b);			/* from the middle of level 20 */
	assert_int_equal(runq_top_level(&rq), 20);
	assert_int_equal(rq.nready, 3);
	runq_remove(&rq, a);
	assert_ptr_equal(runq_peek(&rq), e);
	runq_remove(&rq, e);
	assert_int_equal(rq.bitmap[0], 1UL << 3);
	assert_ptr_equal(runq_peek(&rq), c);
	runq_remove(&rq, c);
	assert_int_equal(rq.bitmap[0] | rq.bitmap[1], 0);
	assert_int_equal(rq.nready, 0);
}

static void
test_steal_takes_lowest_priority(void **state)
{
	struct thread *a = mk(100, 2), *b = mk(3, 2), *c = mk(50, 2), *d = mk(3, 2);

	runq_push(&rq, a, false);
	runq_push(&rq, b, false);
	runq_push(&rq, c, false);
	runq_push(&rq, d, false);
	assert_ptr_equal(runq_steal(&rq, 1), b);
	assert_ptr_equal(runq_steal(&rq, 1), d);
	assert_ptr_equal(runq_steal(&rq, 1), c);
	assert_ptr_equal(runq_steal(&rq, 1), a);
	assert_null(runq_steal(&rq, 1));
	assert_int_equal(rq.nready, 0);
	assert_int_equal(runq_top_level(&rq), -1);
}

static void
test_steal_respects_cpumask(void **state)
{
	struct thread *pinned = mk(3, 1UL << 0), *mover = mk(50, 1UL << 1 | 1UL << 63);
	struct thread *also_pinned = mk(50, 1UL << 0);

	runq_push(&rq, pinned, false);
	runq_push(&rq, also_pinned, false);
	runq_push(&rq, mover, false);
	assert_null(runq_steal(&rq, 2));
	assert_ptr_equal(runq_steal(&rq, 63), mover);
	assert_null(runq_steal(&rq, 1));
	assert_int_equal(rq.nready, 2);
	assert_ptr_equal(runq_peek(&rq), also_pinned);
	assert_ptr_equal(runq_steal(&rq, 0), pinned);
}

static void
test_drain_order_many(void **state)
{
	unsigned seed = 12345;
	int last_level = NLEVELS, last_slot = -1;

	for (int i = 0; i < 200; i++) {
		seed = seed * 1103515245 + 12345;
		runq_push(&rq, mk((seed >> 16) % NLEVELS, 1), false);
	}
	assert_int_equal(rq.nready, 200);
	for (int i = 0; i < 200; i++) {
		struct thread *t = pop();
		assert_non_null(t);
		assert_true(t->level <= last_level);
		if (t->level == last_level)
			assert_true(t->slot > last_slot);	/* FIFO */
		last_level = t->level;
		last_slot = t->slot;
	}
	assert_int_equal(rq.nready, 0);
	assert_null(pop());
}

static void
test_bad_level_asserts(void **state)
{
	struct thread *t = mk(NLEVELS, 1), *u = mk(-1, 1);

	expect_assert_failure(runq_push(&rq, t, false));
	expect_assert_failure(runq_push(&rq, u, false));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_empty_queue),
		T(test_fifo_within_level),
		T(test_highest_level_first),
		T(test_bitmap_word_boundary),
		T(test_push_front),
		T(test_remove_keeps_bit_until_level_empty),
		T(test_steal_takes_lowest_priority),
		T(test_steal_respects_cpumask),
		T(test_drain_order_many),
		T(test_bad_level_asserts),
#undef T
	};
	return cmocka_run_group_tests_name("runq", tests, NULL, NULL);
}
