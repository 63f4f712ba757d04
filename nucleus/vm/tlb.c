// SPDX-License-Identifier: MIT
/*
 * Translations of cached pages: finding every one of a page (its cache's
 * regions, and its children's that lack the page) to remove, reduce or
 * test them; and the TLB work owed after, gathered under the vm lock
 * (tlb_note), done once it is dropped (tlb_done), as little as the changes
 * need: one page of one space, one space, or everything.
 * Entry points: cache_unmap_page, cache_page_used, tlb_note, tlb_done,
 * tlb_finish.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include "vmint.h"
#include "x86.h"

/* Another actor's space may be freed before tlb_done: only the caller's
 * own is flushed by name. */
void
tlb_note(struct tlbwork *w, struct pmap *pm, u64 va)
{
	struct actor *me = curthread()->actor;

	if (w->kind == TLB_ALL)
		return;
	if (pm == &kernel_pmap || !me || pm != me->pmap || (w->kind != TLB_NONE && w->pm != pm)) {
		w->kind = TLB_ALL;
	} else if (w->kind == TLB_NONE) {
		w->kind = TLB_PAGE;
		w->pm = pm;
		w->va = va;
	} else if (w->kind == TLB_PAGE && w->va != va) {
		w->kind = TLB_SPACE;
	}
}

void
tlb_done(struct tlbwork *w)
{
	if (w->kind == TLB_PAGE)
		pmap_flush_page(w->pm, w->va);
	else if (w->kind == TLB_SPACE)
		pmap_flush(w->pm);
	else if (w->kind == TLB_ALL)
		pmap_flush(&kernel_pmap);
	w->kind = TLB_NONE;
}

/* tlb_done, then the cache held until then (history.c) goes. */
void
tlb_finish(struct tlbwork *w)
{
	tlb_done(w);
	if (w->hold) {
		vm_lock();
		cache_put(w->hold);
		vm_unlock();
		w->hold = NULL;
	}
}

void
cache_unmap_page(struct cache *c, u64 off, bool readonly, struct tlbwork *w)
{
	struct list *it;

	list_for_each(it, &c->regions) {
		struct region *r = list_entry(it, struct region, clink);
		u64 va = r->start + (off - r->offset);
		if (off < r->offset || off - r->offset >= r->size || !pt_lookup(r->actor->pmap->pml4, va))
			continue;
		if (readonly)
			pt_protect(r->actor->pmap->pml4, va, pte_flags(r->actor, r->prot & ~K_PROT_WRITE));
		else
			pt_unmap(r->actor->pmap->pml4, va);
		tlb_note(w, r->actor->pmap, va);
	}
	if (readonly)
		return;				/* children map it read-only already */
	list_for_each(it, &c->kids) {
		struct cache *k = list_entry(it, struct cache, klink);
		if (off >= k->lo && off < k->hi && !page_find(k, off))
			cache_unmap_page(k, off, false, w);
	}
}

bool
cache_page_used(struct cache *c, u64 off)
{
	struct list *it;
	bool used = false;

	list_for_each(it, &c->regions) {
		struct region *r = list_entry(it, struct region, clink);
		u64 *pte;
		if (off < r->offset || off - r->offset >= r->size)
			continue;
		if ((pte = pt_lookup(r->actor->pmap->pml4, r->start + (off - r->offset))) &&
		    (*pte & PTE_A)) {
			__atomic_and_fetch(pte, ~PTE_A, __ATOMIC_RELAXED);
			used = true;
		}
	}
	list_for_each(it, &c->kids) {
		struct cache *k = list_entry(it, struct cache, klink);
		if (off >= k->lo && off < k->hi && !page_find(k, off) && cache_page_used(k, off))
			used = true;
	}
	return used;
}
