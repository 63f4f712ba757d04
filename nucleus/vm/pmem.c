// SPDX-License-Identifier: MIT
/*
 * Physical page allocator over a bitmap built from the boot memory map.
 * The generic part (pmem_*_from/_to, pmem_setup, ranges) has no locks and
 * no machine dependencies: host unit tests drive it directly.  The global
 * allocator wraps it with pmem_lock.
 *
 * Entry points: pmem_setup, pmem_add_range, pmem_reserve_range,
 * pmem_alloc_from, pmem_free_to; pmem_alloc[_n], pmem_free[_n].
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/spinlock.h>
#include <vm/pmem.h>

static inline bool
bit_get(const struct pmem *pm, u64 i)
{
	return pm->bitmap[i / 64] & (1UL << (i % 64));
}

static inline void
bit_set(struct pmem *pm, u64 i, bool used)
{
	if (used)
		pm->bitmap[i / 64] |= 1UL << (i % 64);
	else
		pm->bitmap[i / 64] &= ~(1UL << (i % 64));
}

void
pmem_setup(struct pmem *pm, u64 *bitmap, u64 npages, void *(*p2v)(paddr_t))
{
	pm->bitmap = bitmap;
	pm->npages = npages;
	pm->nfree = pm->ntotal = pm->hint = pm->hint_run = 0;
	pm->p2v = p2v;
	memset(bitmap, 0xff, ALIGN_UP(npages, 64) / 8);
}

void
pmem_add_range(struct pmem *pm, paddr_t start, paddr_t end)
{
	for (u64 i = ALIGN_UP(start, PAGE_SIZE) / PAGE_SIZE;
	     i < end / PAGE_SIZE && i < pm->npages; i++) {
		if (bit_get(pm, i)) {
			bit_set(pm, i, false);
			pm->nfree++;
			pm->ntotal++;
		}
	}
}

void
pmem_reserve_range(struct pmem *pm, paddr_t start, paddr_t end)
{
	for (u64 i = start / PAGE_SIZE; i < ALIGN_UP(end, PAGE_SIZE) / PAGE_SIZE &&
	     i < pm->npages; i++) {
		if (!bit_get(pm, i)) {
			bit_set(pm, i, true);
			pm->nfree--;
			pm->ntotal--;
		}
	}
}

/* The first free page at or after `from`, a word at a time. */
static u64
find_one(const struct pmem *pm, u64 from)
{
	for (u64 w = from / 64; w * 64 < pm->npages; w++) {
		u64 free = ~pm->bitmap[w];
		if (w == from / 64)
			free &= ~0UL << (from % 64);
		if (free) {
			u64 i = w * 64 + (u64)__builtin_ctzl(free);
			return i < pm->npages ? i : ~0UL;
		}
	}
	return ~0UL;
}

/* Finds n free pages in a row starting at or after page `from`: whole
 * words used or free are passed over at once. */
static u64
find_run(const struct pmem *pm, u64 from, size_t n)
{
	u64 run = 0, start = 0;

	if (n == 1)
		return find_one(pm, from);
	for (u64 i = from; i < pm->npages; ) {
		u64 word = pm->bitmap[i / 64];
		if (i % 64 == 0 && (word == ~0UL || word == 0) && i + 64 <= pm->npages) {
			if (word == ~0UL) {
				run = 0;
			} else {
				if (run == 0)
					start = i;
				run += 64;
				if (run >= n)
					return start;
			}
			i += 64;
			continue;
		}
		if (word >> (i % 64) & 1) {
			run = 0;
		} else {
			if (run++ == 0)
				start = i;
			if (run == n)
				return start;
		}
		i++;
	}
	return ~0UL;
}

/* n pages as pmem_alloc_from, not zeroed. */
paddr_t
pmem_take_from(struct pmem *pm, size_t n)
{
	u64 first, from;

	if (n == 0 || n > pm->nfree)
		return 0;
	/* single pages: the lowest free one from `hint`; runs: next fit from
	 * `hint_run`, away from the holes single pages leave */
	from = n == 1 ? pm->hint * 64 : pm->hint_run;
	first = find_run(pm, from, n);
	if (first == ~0UL && from)
		first = find_run(pm, 0, n);
	if (first == ~0UL)
		return 0;
	for (u64 i = first; i < first + n; i++)
		bit_set(pm, i, true);
	pm->nfree -= n;
	if (n == 1)
		pm->hint = first / 64;
	else
		pm->hint_run = first + n;
	return first * PAGE_SIZE;
}

paddr_t
pmem_alloc_from(struct pmem *pm, size_t n)
{
	paddr_t pa = pmem_take_from(pm, n);

	if (pa && pm->p2v)
		memset(pm->p2v(pa), 0, n * PAGE_SIZE);
	return pa;
}

void
pmem_free_to(struct pmem *pm, paddr_t pa, size_t n)
{
	u64 first = pa / PAGE_SIZE;

	assert((pa & PAGE_MASK) == 0 && first + n <= pm->npages);
	for (u64 i = first; i < first + n; i++) {
		assert(bit_get(pm, i));		/* double free otherwise */
		bit_set(pm, i, false);
	}
	pm->nfree += n;
	if (first / 64 < pm->hint)
		pm->hint = first / 64;
}

struct pmem pmem_global;
static struct spinlock pmem_lock = SPINLOCK_INIT("pmem");

paddr_t
pmem_alloc_n(size_t n)
{
	paddr_t pa;

	spin_lock(&pmem_lock);
	pa = pmem_alloc_from(&pmem_global, n);
	spin_unlock(&pmem_lock);
	return pa;
}

paddr_t pmem_alloc(void) { return pmem_alloc_n(1); }

paddr_t
pmem_alloc_raw(void)
{
	paddr_t pa;

	spin_lock(&pmem_lock);
	pa = pmem_take_from(&pmem_global, 1);
	spin_unlock(&pmem_lock);
	return pa;
}

void
pmem_free_n(paddr_t pa, size_t n)
{
	spin_lock(&pmem_lock);
	pmem_free_to(&pmem_global, pa, n);
	spin_unlock(&pmem_lock);
}

void pmem_free(paddr_t pa) { pmem_free_n(pa, 1); }
u64 pmem_free_pages(void) { return READ_ONCE(pmem_global.nfree); }
u64 pmem_total_pages(void) { return pmem_global.ntotal; }
