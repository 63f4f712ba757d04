// SPDX-License-Identifier: MIT
/*
 * Memory pressure.  When the vm cannot get a page (free memory below a
 * reserve kept for the nucleus's heap, stacks and page tables), it takes
 * pages back (vm_reclaim): a clock over the frame table gives a page a
 * second chance if one of its translations was used since the hand last
 * passed (accessed bits); clean segment pages are dropped (their mapper
 * has the data), dirty ones are pushed out first (PUSHOUT), anonymous ones
 * go to the swap segment, if the default mapper gave one (vmSwap), each
 * to a slot of it, and come back at the next fault on them (PULLIN of the
 * slot).  Pages mapped in the supervisor space (wired caches), busy and
 * pinned pages stay.  When nothing can be taken, the allocation fails:
 * the fault fails (the thread gets a page-fault exception) or the call
 * returns -K_ENOMEM.
 * Swapped pages are found by (cache, offset) in a hash; a slot is given
 * back when its page comes back or its cache's range goes.
 * Entry points: vm_page_alloc[_raw], vm_reclaim, swap_in, swap_has,
 * swap_free_range, swap_move, swap_stat, nc_vmSwap.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <kern/sched.h>
#include <kern/thread.h>
#include <vm/vm.h>
#include <vm/pmem.h>
#include "vmint.h"
#include "x86.h"

#define RESERVE		64		/* pages only the nucleus's own allocations take */
#define BATCH		32		/* pages reclaimed at a time */
#define SWAP_BUCKETS	1024

struct swapent {
	struct swapent *hnext;
	struct cache *cache;
	u64 off, slot;
	struct list clink;		/* on cache->swaps */
};

static struct kcap swap_seg;		/* the default mapper's swap segment */
static u64 *slotmap, nslots, slots_used, slot_hint;
static struct swapent *swhash[SWAP_BUCKETS];
static u64 hand;			/* the clock's, in the frame table */

static struct swapent **
bucket(struct cache *c, u64 off)
{
	return &swhash[((((u64)c >> 4) ^ (off >> PAGE_SHIFT)) * 0x9e3779b97f4a7c15UL) >> 54];
}

static struct swapent *
swap_find(struct cache *c, u64 off)
{
	struct swapent *se;

	for (se = *bucket(c, off); se; se = se->hnext)
		if (se->cache == c && se->off == off)
			return se;
	return NULL;
}

bool
swap_has(struct cache *c, u64 off)
{
	return c->nswaps && swap_find(c, off);
}

static long
slot_alloc(void)
{
	for (u64 n = 0; n < nslots; n++) {
		u64 s = (slot_hint + n) % nslots;
		if (!(slotmap[s / 64] & (1UL << (s % 64)))) {
			slotmap[s / 64] |= 1UL << (s % 64);
			slot_hint = s + 1;
			slots_used++;
			return (long)s;
		}
	}
	return -1;
}

static void
slot_free(u64 s)
{
	slotmap[s / 64] &= ~(1UL << (s % 64));
	slots_used--;
}

static void
swap_link(struct swapent *se, struct cache *c, u64 off)
{
	struct swapent **b = bucket(c, off);

	se->cache = c;
	se->off = off;
	se->hnext = *b;
	*b = se;
	list_add_tail(&c->swaps, &se->clink);
	c->nswaps++;
}

static void
swap_unlink(struct swapent *se)
{
	struct swapent **pp = bucket(se->cache, se->off);

	while (*pp != se)
		pp = &(*pp)->hnext;
	*pp = se->hnext;
	list_del(&se->clink);
	se->cache->nswaps--;
}

static void
swap_drop(struct swapent *se)
{
	swap_unlink(se);
	slot_free(se->slot);
	kfree(se);
}

void
swap_free_range(struct cache *c, u64 off, u64 size)
{
	struct list *it, *nx;

	list_for_each_safe(it, nx, &c->swaps) {
		struct swapent *se = list_entry(it, struct swapent, clink);
		if (se->off >= off && se->off - off < size)
			swap_drop(se);
	}
}

/* from's swapped pages in [lo, hi) go to `to`: where `to` has neither a
 * page nor a swapped one, or (replace) in place of `to`'s. */
void
swap_move(struct cache *from, struct cache *to, u64 lo, u64 hi, bool replace)
{
	struct list *it, *nx;

	list_for_each_safe(it, nx, &from->swaps) {
		struct swapent *se = list_entry(it, struct swapent, clink);
		struct vpage *pg = page_find(to, se->off);
		if (se->off < lo || se->off >= hi || (!replace && (pg || swap_has(to, se->off)))) {
			swap_drop(se);
			continue;
		}
		if (pg)
			pmem_free(page_unlink(pg));
		swap_free_range(to, se->off, PAGE_SIZE);
		swap_unlink(se);
		swap_link(se, to, se->off);
	}
}

/* Brings c's swapped page at off back; K_OK if it is not swapped. */
long
swap_in(struct cache *c, u64 off)
{
	struct swapent *se = swap_find(c, off);
	struct vpage *pg;
	paddr_t pa;
	long err;
	int got;

	if (!se)
		return K_OK;
	if ((err = vm_page_alloc(&pa)) != K_OK)
		return err;
	pg = page_insert(c, off, pa, K_PROT_READ | K_PROT_WRITE);
	pg->flags |= PG_BUSY;
	c->refs++;
	vm_unlock();
	err = mapper_call_seg(&swap_seg, K_MAP_PULLIN, se->slot * PAGE_SIZE, PAGE_SIZE, PAGE_SIZE,
			      K_PROT_READ, P2V(pa), &got);
	vm_lock();
	if (page_unbusy(pg)) {
		if (err == K_OK && (se = swap_find(c, off)))
			swap_drop(se);
		else
			pmem_free(page_unlink(pg));
	}
	pages_done();
	cache_put(c);
	return err < 0 ? err : PG_AGAIN;
}

/*
 * Pushes pg out to its mapper, or to a swap slot (anonymous), and frees
 * it: 1 if freed, 0 if not (kept: failed, or no slot).  The lock is
 * dropped meanwhile; the page is busy, and unmapped everywhere first.
 */
static int
push_page(struct vpage *pg, struct tlbwork *w)
{
	struct cache *c = pg->cache;
	struct swapent *se = NULL;
	u64 off = pg->off;
	long err, slot = 0;
	int got, freed = 0;

	if (c->anon && ((slot = slot_alloc()) < 0 || !(se = kmalloc(sizeof(*se))))) {
		if (slot >= 0)
			slot_free((u64)slot);
		return 0;
	}
	pg->flags |= PG_BUSY;
	pg->flags &= (u8)~PG_DIRTY;
	c->refs++;
	cache_unmap_page(c, off, false, w);
	tlb_note(w, &kernel_pmap, 0);	/* also what a region being freed cleared */
	vm_unlock();
	tlb_done(w);
	if (c->anon)
		err = mapper_call_seg(&swap_seg, K_MAP_PUSHOUT, (u64)slot * PAGE_SIZE, PAGE_SIZE,
				      PAGE_SIZE, 0, P2V(pg->pa), &got);
	else
		err = mapper_call(c, K_MAP_PUSHOUT, off, PAGE_SIZE, PAGE_SIZE, 0, P2V(pg->pa), &got);
	vm_lock();
	if (!page_unbusy(pg)) {
		freed = 1;				/* its range went meanwhile */
	} else if (err < 0) {
		if (!c->anon)
			pg->flags |= PG_DIRTY;		/* still to push */
	} else {
		pmem_free(page_unlink(pg));
		if (se) {
			se->slot = (u64)slot;
			swap_link(se, c, off);
			se = NULL;
		}
		freed = 1;
	}
	if (se) {
		slot_free((u64)slot);
		kfree(se);
	}
	pages_done();
	cache_put(c);
	return freed;
}

/* Frees the frames gathered (their translations gone once w is done). */
static void
free_batch(paddr_t *v, int *n, struct tlbwork *w)
{
	if (*n)
		tlb_note(w, &kernel_pmap, 0);	/* as in push_page */
	vm_unlock();
	tlb_done(w);
	for (int i = 0; i < *n; i++)
		pmem_free(v[i]);
	*n = 0;
	vm_lock();
}

long
vm_reclaim(long want)
{
	struct tlbwork w = { TLB_NONE, NULL, 0, NULL };
	u64 total = pmem_global.npages, scanned = 0;
	paddr_t batch[BATCH];
	int n = 0;
	long got = 0;

	while (got < want && scanned++ < 2 * total) {
		struct vpage *pg = page_of_pa((hand % total) << PAGE_SHIFT);
		struct cache *c = pg->cache;
		hand++;
		if (!c || (pg->flags & (PG_BUSY | PG_GONE)) || pg->pins || c->wired || c->flushing ||
		    (c->anon && !nslots) || cache_page_used(c, pg->off))
			continue;
		if (!c->anon && !(pg->flags & PG_DIRTY)) {	/* the mapper has it */
			cache_unmap_page(c, pg->off, false, &w);
			batch[n++] = page_unlink(pg);
			got++;
			if (n == BATCH)
				free_batch(batch, &n, &w);
			continue;
		}
		if (n)
			free_batch(batch, &n, &w);
		got += push_page(pg, &w);
	}
	free_batch(batch, &n, &w);
	return got;
}

/* A thread serving a mapper call may go below the reserve: the pages it
 * needs (its buffers coming back from swap) let a pageout go on. */
static long
page_alloc(paddr_t *pa, bool zero)
{
	u64 floor = curthread()->vm_reserve ? RESERVE / 4 : RESERVE;

	if (pmem_free_pages() > floor && (*pa = zero ? pmem_alloc() : pmem_alloc_raw()))
		return K_OK;
	if (vm_reclaim(BATCH) > 0)
		return PG_AGAIN;
	return -K_ENOMEM;
}

long vm_page_alloc(paddr_t *pa) { return page_alloc(pa, true); }
long vm_page_alloc_raw(paddr_t *pa) { return page_alloc(pa, false); }

void
swap_stat(u64 *slots, u64 *used)
{
	*slots = nslots;
	*used = slots_used;
}

/* The default mapper's swap segment: `pages` slots of segment seg, for
 * anonymous pages under pressure.  Trusted callers; once. */
long
nc_vmSwap(long useg, long pages)
{
	struct kcap seg;
	u64 *map;

	if (!caller_actor()->trusted)
		return -K_EPERM;
	if (copyin(&seg, (uaddr_t)useg, sizeof(seg)) < 0)
		return -K_EFAULT;
	if ((seg.port.head == 0 && seg.port.stamp == 0) || pages <= 0 || pages > (1L << 30))
		return -K_EINVAL;
	if (!(map = kmalloc(ALIGN_UP((u64)pages, 64) / 8)))
		return -K_ENOMEM;
	memset(map, 0, ALIGN_UP((u64)pages, 64) / 8);
	vm_lock();
	if (nslots) {
		vm_unlock();
		kfree(map);
		return -K_EEXIST;
	}
	swap_seg = seg;
	slotmap = map;
	nslots = (u64)pages;
	vm_unlock();
	return K_OK;
}
