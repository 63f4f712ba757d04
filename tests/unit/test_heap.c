// SPDX-License-Identifier: MIT
/*
 * Unit tests of the nucleus heap (nucleus/kern/heap.c) over a page source
 * built on aligned_alloc.  Like pmem, the source hands out zeroed pages,
 * unless `dirty` asks for garbage; it refuses requests past `budget` pages
 * (or of 0 pages), which is how the tests run the heap out of memory.
 * Every page still held is given back in teardown, so LeakSanitizer stays
 * quiet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kern/types.h>
#include <kern/heap.h>

#define MAXBLOCKS 4096

static struct { void *p; size_t n; } held[MAXBLOCKS];
static size_t pages_held, budget, nallocs;
static bool dirty;

static void *
src_alloc(size_t n)
{
	void *p;

	if (n == 0 || pages_held + n > budget)
		return NULL;
	if (!(p = aligned_alloc(PAGE_SIZE, n * PAGE_SIZE)))
		return NULL;
	memset(p, dirty ? 0xa5 : 0, n * PAGE_SIZE);
	for (int i = 0; i < MAXBLOCKS; i++)
		if (!held[i].p) {
			held[i].p = p;
			held[i].n = n;
			pages_held += n;
			nallocs++;
			return p;
		}
	free(p);
	return NULL;
}

static void
src_free(void *p, size_t n)
{
	for (int i = 0; i < MAXBLOCKS; i++)
		if (held[i].p == p) {
			assert_int_equal(held[i].n, n);
			held[i].p = NULL;
			pages_held -= n;
			free(p);
			return;
		}
	fail_msg("freeing %p, not from the page source", p);
}

static const struct heap_pages src = { src_alloc, src_free };

static int
setup(void **state)
{
	budget = 1024;
	dirty = false;
	nallocs = 0;
	heap_setup(&src);
	return 0;
}

static int
teardown(void **state)
{
	for (int i = 0; i < MAXBLOCKS; i++)
		if (held[i].p) {
			free(held[i].p);
			held[i].p = NULL;
		}
	pages_held = 0;
	return 0;
}

/* What a request of n bytes costs in heap_used. */
static u64
cost(size_t n)
{
	for (u64 sz = 32; sz <= 2048; sz *= 2)
		if (n + 16 <= sz)
			return sz;
	return ALIGN_UP(n + 16, PAGE_SIZE);
}

static bool
all_bytes(const void *p, u8 v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((const u8 *)p)[i] != v)
			return false;
	return true;
}

static void
test_blocks_zeroed_aligned_disjoint(void **state)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 500, 1000, 2032, 2033, 5000 };
	u8 *p[ARRAY_SIZE(sizes)];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		assert_true(all_bytes(p[i], 0, sizes[i]));
		memset(p[i], (int)i + 1, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		assert_true(all_bytes(p[i], (u8)(i + 1), sizes[i]));
		kfree(p[i]);
	}
	assert_int_equal(heap_used(), 0);
}

static void
test_small_blocks_zeroed_from_dirty_pages(void **state)
{
	dirty = true;
	for (size_t n = 1; n <= 2032; n = n * 2 + 1) {
		u8 *p = kmalloc(n);
		assert_non_null(p);
		assert_true(all_bytes(p, 0, n));
	}
}

static void
test_used_follows_size_classes(void **state)
{
	static void *p[400];
	u64 expect = 0;
	int k = 0;

	for (size_t n = 0; n <= 9000; n += 23, k++) {
		p[k] = kmalloc(n);
		assert_non_null(p[k]);
		expect += cost(n);
		assert_int_equal(heap_used(), expect);
	}
	while (k-- > 0)
		kfree(p[k]);
	assert_int_equal(heap_used(), 0);
}

static void
test_class_and_page_boundaries(void **state)
{
	void *a = kmalloc(2032), *b, *c;

	assert_int_equal(heap_used(), 2048);
	b = kmalloc(2033);
	assert_int_equal(heap_used(), 2048 + PAGE_SIZE);
	assert_int_equal((uintptr_t)b % PAGE_SIZE, 16);
	c = kmalloc(PAGE_SIZE - 15);			/* header pushes it to 2 pages */
	assert_int_equal(heap_used(), 2048 + 3 * PAGE_SIZE);
	kfree(a);
	kfree(b);
	kfree(c);
	assert_int_equal(heap_used(), 0);
}

static void
test_big_blocks_return_their_pages(void **state)
{
	void *p = kmalloc(3 * PAGE_SIZE);
	size_t before = pages_held;

	assert_non_null(p);
	assert_int_equal(before, 4);
	memset(p, 0x77, 3 * PAGE_SIZE);
	kfree(p);
	assert_int_equal(pages_held, 0);
}

static void
test_freed_block_reused_and_rezeroed(void **state)
{
	u8 *p = kmalloc(100), *q;

	memset(p, 0xff, 100);
	kfree(p);
	q = kmalloc(90);			/* same class: 128 */
	assert_ptr_equal(p, q);
	assert_true(all_bytes(q, 0, 90));
	kfree(q);
	assert_int_equal(nallocs, 1);
}

static void
test_one_page_per_class_refill(void **state)
{
	static void *p[65];

	for (int i = 0; i < 64; i++)		/* 64-byte class: 64 per page */
		assert_non_null(p[i] = kmalloc(48));
	assert_int_equal(nallocs, 1);
	assert_non_null(p[64] = kmalloc(48));
	assert_int_equal(nallocs, 2);
	for (int i = 0; i < 65; i++)
		kfree(p[i]);
	assert_int_equal(heap_used(), 0);
	for (int i = 0; i < 65; i++)		/* all from the free list now */
		assert_non_null(p[i] = kmalloc(48));
	assert_int_equal(nallocs, 2);
}

static void
test_out_of_pages_gives_null(void **state)
{
	budget = 1;
	for (int i = 0; i < 128; i++)		/* one page of 32-byte blocks */
		assert_non_null(kmalloc(16));
	assert_null(kmalloc(16));
	assert_null(kmalloc(100));
	assert_null(kmalloc(3000));
	assert_int_equal(heap_used(), 128 * 32);
	budget = 0;
	assert_null(kmalloc(5000));
}

static void
test_huge_request_gives_null(void **state)
{
	assert_null(kmalloc((size_t)1 << 40));
	assert_null(kmalloc(SIZE_MAX - 4096));
	assert_null(kmalloc(SIZE_MAX - 15));
	assert_null(kmalloc(SIZE_MAX));
	assert_int_equal(heap_used(), 0);
}

static void
test_kfree_null_is_noop(void **state)
{
	kfree(NULL);
	assert_int_equal(heap_used(), 0);
}

static void
test_bad_or_double_free_asserts(void **state)
{
	u64 fake[8] = { 0 };
	void *p = kmalloc(40);

	expect_assert_failure(kfree(&fake[2]));
	kfree(p);
	expect_assert_failure(kfree(p));
	assert_int_equal(heap_used(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_blocks_zeroed_aligned_disjoint),
		T(test_small_blocks_zeroed_from_dirty_pages),
		T(test_used_follows_size_classes),
		T(test_class_and_page_boundaries),
		T(test_big_blocks_return_their_pages),
		T(test_freed_block_reused_and_rezeroed),
		T(test_one_page_per_class_refill),
		T(test_out_of_pages_gives_null),
		T(test_huge_request_gives_null),
		T(test_kfree_null_is_noop),
		T(test_bad_or_double_free_asserts),
#undef T
	};
	return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
