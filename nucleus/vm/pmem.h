/* SPDX-License-Identifier: MIT */
/*
 * The physical page allocator: one bit per 4 KiB page of the boot memory
 * map, set when the page is in use.  Allocation returns zeroed pages and 0
 * when memory is exhausted; it never panics.
 */
#ifndef VM_PMEM_H
#define VM_PMEM_H

#include <kern/types.h>

struct pmem {
	u64 *bitmap;		/* 1 = used or not RAM */
	u64 npages;		/* pages covered by the bitmap */
	u64 nfree;		/* free pages */
	u64 ntotal;		/* usable pages at boot */
	u64 hint;		/* word to start searching from (single pages) */
	u64 hint_run;		/* page to start searching from (runs) */
	void *(*p2v)(paddr_t);	/* how to reach a page to zero it */
};

void pmem_setup(struct pmem *pm, u64 *bitmap, u64 npages, void *(*p2v)(paddr_t));
void pmem_add_range(struct pmem *pm, paddr_t start, paddr_t end);	/* mark free */
void pmem_reserve_range(struct pmem *pm, paddr_t start, paddr_t end);	/* mark used */
paddr_t pmem_alloc_from(struct pmem *pm, size_t n);
paddr_t pmem_take_from(struct pmem *pm, size_t n);	/* not zeroed */
void pmem_free_to(struct pmem *pm, paddr_t pa, size_t n);

/* The nucleus-wide allocator, under its lock. */
extern struct pmem pmem_global;
paddr_t pmem_alloc(void);
paddr_t pmem_alloc_n(size_t n);
paddr_t pmem_alloc_raw(void);				/* not zeroed: to be overwritten */
void pmem_free(paddr_t pa);
void pmem_free_n(paddr_t pa, size_t n);
u64 pmem_free_pages(void);
u64 pmem_total_pages(void);

#endif
