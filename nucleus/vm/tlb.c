// SPDX-License-Identifier: MIT
/*
 * TLB work owed after the vm changed translations: gathered under the vm
 * lock (tlb_note), done once it is dropped (tlb_done), as little as the
 * changes need: one page of one space, one space, or everything.
 * Entry points: tlb_note, tlb_done, tlb_finish.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
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
