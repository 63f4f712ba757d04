// SPDX-License-Identifier: MIT
/*
 * Unit tests of the generic physical page allocator (nucleus/vm/pmem.c):
 * a struct pmem over a malloc'ed bitmap, whose "physical" addresses are
 * offsets into a malloc'ed fake RAM so that zeroing can be observed.
 * NPAGES is not a multiple of 64, so the last bitmap word is partial.
 * Page 0 is never made free, as in the nucleus: its address, 0, is also
 * the "no memory" answer of pmem_alloc_from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kern/types.h>
#include <vm/pmem.h>

#define NPAGES	200
#define PG(i)	((paddr_t)(i) * PAGE_SIZE)

static u8 *ram;
static u64 *bitmap;
static struct pmem pm;

static void *fake_p2v(paddr_t pa) { return ram + pa; }

static int
setup(void **state)
{
	ram = malloc(NPAGES * PAGE_SIZE);
	bitmap = malloc(ALIGN_UP(NPAGES, 64) / 8);
	if (!ram || !bitmap)
		return -1;
	memset(ram, 0xaa, NPAGES * PAGE_SIZE);
	pmem_setup(&pm, bitmap, NPAGES, fake_p2v);
	return 0;
}

static int
teardown(void **state)
{
	free(ram);
	free(bitmap);
	return 0;
}

static bool
page_is(paddr_t pa, u8 v)
{
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (ram[pa + i] != v)
			return false;
	return true;
}

static void
test_setup_starts_all_used(void **state)
{
	assert_int_equal(pm.nfree, 0);
	assert_int_equal(pm.ntotal, 0);
	assert_int_equal(pmem_alloc_from(&pm, 1), 0);
}

static void
test_add_range_counts_whole_pages_only(void **state)
{
	pmem_add_range(&pm, 100, PG(3) + 5);	/* pages 1 and 2 only */
	assert_int_equal(pm.nfree, 2);
	assert_int_equal(pm.ntotal, 2);
	pmem_add_range(&pm, PG(1), PG(3));	/* already free: no change */
	assert_int_equal(pm.nfree, 2);
	assert_int_equal(pmem_alloc_from(&pm, 1), PG(1));
	assert_int_equal(pmem_alloc_from(&pm, 1), PG(2));
	assert_int_equal(pmem_alloc_from(&pm, 1), 0);
}

static void
test_add_range_clipped_to_bitmap(void **state)
{
	pmem_add_range(&pm, PG(190), PG(NPAGES + 1000));
	assert_int_equal(pm.ntotal, 10);
	assert_int_equal(pmem_alloc_from(&pm, 10), PG(190));
}

static void
test_alloc_zeroes_only_its_pages(void **state)
{
	paddr_t a, b;

	pmem_add_range(&pm, PG(1), PG(NPAGES));
	a = pmem_alloc_from(&pm, 1);
	b = pmem_alloc_from(&pm, 3);
	assert_true(page_is(a, 0));
	for (int i = 0; i < 3; i++)
		assert_true(page_is(b + PG(i), 0));
	assert_true(page_is(b + PG(3), 0xaa));
	assert_int_equal(pm.nfree, NPAGES - 5);
}

static void
test_alloc_every_page_then_exhausted(void **state)
{
	static bool seen[NPAGES];

	memset(seen, 0, sizeof(seen));
	pmem_add_range(&pm, PG(1), PG(NPAGES));
	for (int i = 1; i < NPAGES; i++) {
		paddr_t pa = pmem_alloc_from(&pm, 1);
		assert_int_equal(pa & PAGE_MASK, 0);
		assert_true(pa >= PG(1) && pa < PG(NPAGES));
		assert_false(seen[pa / PAGE_SIZE]);
		seen[pa / PAGE_SIZE] = true;
	}
	assert_int_equal(pm.nfree, 0);
	assert_int_equal(pm.ntotal, NPAGES - 1);
	assert_int_equal(pmem_alloc_from(&pm, 1), 0);
	assert_int_equal(pmem_alloc_from(&pm, 5), 0);
}

static void
test_bad_counts_return_zero(void **state)
{
	pmem_add_range(&pm, PG(1), PG(11));
	assert_int_equal(pmem_alloc_from(&pm, 0), 0);
	assert_int_equal(pmem_alloc_from(&pm, 11), 0);
	assert_int_equal(pmem_alloc_from(&pm, (size_t)-1), 0);
	assert_int_equal(pm.nfree, 10);
}

static void
test_run_needs_contiguous_pages(void **state)
{
	pmem_add_range(&pm, PG(64), PG(128));
	assert_int_equal(pmem_alloc_from(&pm, 64), PG(64));
	for (int i = 64; i < 128; i += 2)
		pmem_free_to(&pm, PG(i), 1);
	assert_int_equal(pm.nfree, 32);
	assert_int_equal(pmem_alloc_from(&pm, 2), 0);	/* enough pages, no run */
	pmem_free_to(&pm, PG(105), 1);
	assert_int_equal(pmem_alloc_from(&pm, 3), PG(104));
	assert_int_equal(pm.nfree, 30);
}

static void
test_run_across_bitmap_words(void **state)
{
	pmem_add_range(&pm, PG(60), PG(71));
	assert_int_equal(pmem_alloc_from(&pm, 8), PG(60));
	assert_int_equal(pmem_alloc_from(&pm, 3), PG(68));
	assert_int_equal(pmem_alloc_from(&pm, 1), 0);
}

static void
test_free_then_reuse_is_zeroed(void **state)
{
	paddr_t pa;

	pmem_add_range(&pm, PG(1), PG(NPAGES));
	pa = pmem_alloc_from(&pm, 2);
	memset(ram + pa, 0x55, 2 * PAGE_SIZE);
	pmem_free_to(&pm, pa, 2);
	assert_int_equal(pm.nfree, NPAGES - 1);
	/* runs are next fit: the freed one comes back once the search wraps */
	for (int i = 0; i < NPAGES; i++) {
		paddr_t q = pmem_alloc_from(&pm, 2);
		assert_true(q != 0);
		if (q == pa)
			break;
	}
	assert_true(page_is(pa, 0));
	assert_true(page_is(pa + PAGE_SIZE, 0));
	/* single pages are lowest first: a freed one comes back at once */
	pmem_free_to(&pm, pa, 1);
	memset(ram + pa, 0x55, PAGE_SIZE);
	pmem_free_to(&pm, pa + PAGE_SIZE, 1);
	assert_int_equal(pmem_alloc_from(&pm, 1), pa);
	assert_true(page_is(pa, 0));
}

static void
test_reserved_pages_never_handed_out(void **state)
{
	pmem_add_range(&pm, PG(1), PG(NPAGES));
	pmem_reserve_range(&pm, PG(10) + 1, PG(12));	/* pages 10, 11 */
	pmem_reserve_range(&pm, PG(64), PG(64) + 1);	/* page 64 */
	pmem_reserve_range(&pm, PG(199), PG(NPAGES + 50));	/* clipped */
	assert_int_equal(pm.ntotal, NPAGES - 5);
	assert_int_equal(pm.nfree, NPAGES - 5);
	for (u64 n = pm.nfree; n > 0; n--) {
		paddr_t pa = pmem_alloc_from(&pm, 1);
		assert_true(pa != PG(10) && pa != PG(11) && pa != PG(64) && pa != PG(199));
	}
	assert_int_equal(pmem_alloc_from(&pm, 1), 0);
}

static void
test_search_wraps_below_hint(void **state)
{
	pmem_add_range(&pm, PG(128), PG(NPAGES));
	assert_int_equal(pmem_alloc_from(&pm, 1), PG(128));
	pmem_add_range(&pm, PG(1), PG(5));
	for (int i = 129; i < NPAGES; i++)
		assert_int_equal(pmem_alloc_from(&pm, 1), PG(i));
	assert_int_equal(pmem_alloc_from(&pm, 4), PG(1));
	assert_int_equal(pm.nfree, 0);
}

static void
test_double_free_asserts(void **state)
{
	paddr_t pa;

	pmem_add_range(&pm, PG(1), PG(5));
	pa = pmem_alloc_from(&pm, 1);
	pmem_free_to(&pm, pa, 1);
	expect_assert_failure(pmem_free_to(&pm, pa, 1));
	expect_assert_failure(pmem_free_to(&pm, PG(1) + 8, 1));
	expect_assert_failure(pmem_free_to(&pm, PG(NPAGES - 1), 2));
}

static void
test_global_wrappers(void **state)
{
	paddr_t a, b;

	pmem_setup(&pmem_global, bitmap, NPAGES, fake_p2v);
	pmem_add_range(&pmem_global, PG(8), PG(16));
	assert_int_equal(pmem_total_pages(), 8);
	a = pmem_alloc();
	b = pmem_alloc_n(3);
	assert_int_equal(a, PG(8));
	assert_int_equal(b, PG(9));
	assert_int_equal(pmem_free_pages(), 4);
	pmem_free(a);
	pmem_free_n(b, 3);
	assert_int_equal(pmem_free_pages(), 8);
	assert_int_equal(pmem_alloc_n(9), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_setup_starts_all_used),
		T(test_add_range_counts_whole_pages_only),
		T(test_add_range_clipped_to_bitmap),
		T(test_alloc_zeroes_only_its_pages),
		T(test_alloc_every_page_then_exhausted),
		T(test_bad_counts_return_zero),
		T(test_run_needs_contiguous_pages),
		T(test_run_across_bitmap_words),
		T(test_free_then_reuse_is_zeroed),
		T(test_reserved_pages_never_handed_out),
		T(test_search_wraps_below_hint),
		T(test_double_free_asserts),
		T(test_global_wrappers),
#undef T
	};
	return cmocka_run_group_tests_name("pmem", tests, NULL, NULL);
}
