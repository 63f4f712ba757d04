// SPDX-License-Identifier: MIT
/*
 * Pages for file data and its tables (pageAlloc, pageFree of ramfs.h),
 * carved one at a time from regions of CHUNK pages (rgnAllocate) and kept
 * on a free list when freed (malloc would spend 8 KiB on each: its
 * header).  Freed pages stay with om for its next files.
 *
 * pageAlloc runs under om.dlock, where om must not fault on a page it has
 * not touched yet (the fault could make the nucleus push a file page out
 * to om, whose mapper threads need om.dlock): it takes only pages of the
 * free list, which the mapper fills first with pagesReserve (touching
 * pages, holding no lock) with what its call needs.  If another thread
 * took them meanwhile, pageAlloc fails and so does the call (the nucleus
 * tries again later).  Only at start (pagesCarve set: the archive) does
 * pageAlloc carve new pages, which the caller touches.
 * Entry points: pageAlloc, pageFree, pagesReserve, pagesUsed.
 */
#include "om.h"

#define CHUNK	64

static kmutex_t plock = KMUTEX_INIT;	/* everything below */
static void *freelist;			/* touched pages */
static unsigned long nfree, used;
static char *next, *end;		/* the rest of the last region, never touched */
int pagesCarve;				/* pageAlloc may take untouched pages */

/* A page never used yet, or NULL; plock held. */
static void *
carve(void)
{
	void *p;

	if (next == end) {
		long r = rgnAllocate(0, CHUNK * K_PAGE_SIZE, K_PROT_READ | K_PROT_WRITE);
		if (K_IS_ERR(r))
			return NULL;
		next = (char *)r;
		end = next + CHUNK * K_PAGE_SIZE;
	}
	p = next;
	next += K_PAGE_SIZE;
	return p;
}

void *
pageAlloc(void)
{
	void *p = NULL;

	mutexGet(&plock);
	if ((p = freelist)) {
		freelist = *(void **)p;
		nfree--;
	} else if (pagesCarve) {
		p = carve();
	}
	if (p)
		used++;
	mutexRel(&plock);
	return p;
}

void
pageFree(void *p)
{
	mutexGet(&plock);
	*(void **)p = freelist;
	freelist = p;
	nfree++;
	used--;
	mutexRel(&plock);
}

/* Touches new pages until n are free (or there is no more memory). */
void
pagesReserve(unsigned long n)
{
	for (;;) {
		void *p;

		mutexGet(&plock);
		if (nfree >= n || !(p = carve())) {
			mutexRel(&plock);
			return;
		}
		mutexRel(&plock);
		*(volatile unsigned long *)p = 0;	/* the fault, with no lock held */
		mutexGet(&plock);
		*(void **)p = freelist;
		freelist = p;
		nfree++;
		mutexRel(&plock);
	}
}

unsigned long
pagesUsed(void)
{
	return used;
}
