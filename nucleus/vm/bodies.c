// SPDX-License-Identifier: MIT
/*
 * Large message bodies in page frames (ipc/body.c stages them): the
 * frames come from the VM's allocator (the reserve and reclaim apply),
 * and a receiver whose buffer has the body's pages at the same offsets in
 * its own pages gets those frames by remapping instead of a copy.
 *
 * A frame moves into the cache of the receiver's region at the page's
 * offset, in place of whatever page was there: what a write of the whole
 * page would have done, seen the same way by every region mapping the
 * cache (shared memory included) and hiding the parent's page in a
 * copy-on-write child.  The old frame is freed once no TLB can reach it.
 * Only writable anonymous memory of user actors takes frames; pages being
 * filled, pushed out or copied by sgRead keep theirs, and are copied to.
 * Entry points: vm_frames_alloc, vm_frames_free, vm_give_pages.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <vm/pmem.h>
#include "vmint.h"
#include "x86.h"

u64 vm_pages_given;			/* vmStat: frames moved into receivers */

long
vm_frames_alloc(paddr_t *pa, int n)
{
	long err = K_OK;
	int i = 0;

	vm_lock();
	while (i < n && err >= 0)
		if ((err = vm_page_alloc_raw(&pa[i])) == K_OK)
			i++;
	vm_unlock();
	if (err < 0) {
		vm_frames_free(pa, i);
		return err;
	}
	return K_OK;
}

void
vm_frames_free(paddr_t *pa, int n)
{
	for (int i = 0; i < n; i++)
		if (pa[i])
			pmem_free(pa[i]);
}

/* Whether a frame may replace r's page at offset off (*pg, or NULL: none
 * here); vm lock held. */
static bool
takes_frame(struct region *r, u64 off, struct vpage **pg)
{
	struct cache *c = r->cache;

	if ((r->prot & (K_PROT_READ | K_PROT_WRITE)) != (K_PROT_READ | K_PROT_WRITE) ||
	    !c->anon || c->flushing || c->wired || c->nkids)
		return false;
	*pg = page_find(c, off);
	return !*pg || (!((*pg)->flags & PG_BUSY) && !(*pg)->pins);
}

/* Whether a region of c other than r maps offset off; vm lock held. */
static bool
mapped_elsewhere(struct cache *c, struct region *r, u64 off)
{
	struct list *it;

	list_for_each(it, &c->regions) {
		struct region *q = list_entry(it, struct region, clink);
		if (q != r && off >= q->offset && off - q->offset < q->size)
			return true;
	}
	return false;
}

/*
 * Puts frame pa in r's cache at off, mapped at va, in place of pg (or of
 * the parent's or swapped page there); the frame that goes is *old's to
 * free after w.  A page only r maps needs just r's translation changed.
 */
static void
give(struct region *r, u64 va, u64 off, struct vpage *pg, paddr_t pa, paddr_t *old,
     struct tlbwork *w)
{
	struct cache *c = r->cache;
	paddr_t pml4 = r->actor->pmap->pml4;
	long was;

	*old = 0;
	if (c->nregions > 1 && mapped_elsewhere(c, r, off)) {
		cache_unmap_page(c, off, false, w);
		/* a region being freed may have cleared its translation, not
		 * yet flushed (reap_dying): every TLB goes */
		tlb_note(w, &kernel_pmap, 0);
	}
	if (pg)
		*old = page_unlink(pg);
	else if (c->nswaps && swap_has(c, off))
		swap_free_range(c, off, PAGE_SIZE);
	pg = page_insert(c, off, pa, K_PROT_READ | K_PROT_WRITE);
	if ((was = pt_replace(pml4, va, pa, page_pte(r, pg))) > 0)	/* else mapped at its fault */
		tlb_note(w, r->actor->pmap, va);
}

long
vm_give_pages(struct actor *a, u64 va, paddr_t *pa, int n)
{
	struct tlbwork w = { TLB_NONE, NULL, 0, NULL };
	paddr_t old[CHUNK_PAGES + 1];
	struct region *r = NULL;
	int nold = 0, given = 0;

	if (a->mode != K_ACTOR_USER || (va & PAGE_MASK) || n > (int)CHUNK_PAGES + 1 ||
	    va >= USER_END || (u64)n * PAGE_SIZE > USER_END - va)
		return 0;
	vm_lock();
	for (int i = 0; i < n; i++, va += PAGE_SIZE) {
		struct vpage *pg;
		u64 off;
		if (!r || va - r->start >= r->size)
			r = region_at(a, va);
		if (!pa[i] || !r || !takes_frame(r, (off = r->offset + (va - r->start)), &pg))
			continue;
		if (!pg && r->cache->parent) {
			/* a parent's page may be in TLBs until w is done: its
			 * cache must not merge with ours (and free it) until then */
			if (w.hold && w.hold != r->cache->parent)
				continue;
			if (!w.hold) {
				w.hold = r->cache->parent;
				w.hold->refs++;
			}
		}
		give(r, va, off, pg, pa[i], &old[nold], &w);
		nold += old[nold] != 0;
		pa[i] = 0;
		given++;
	}
	vm_pages_given += (u64)given;
	vm_unlock();
	tlb_finish(&w);
	vm_frames_free(old, nold);
	return given;
}
