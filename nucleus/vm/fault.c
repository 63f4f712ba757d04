// SPDX-License-Identifier: MIT
/*
 * Faults: a user actor's page filled and mapped when it touches it
 * (vm_fault, from the trap handler) or when the nucleus copies to or from
 * it (vm_actor_byte: vmCopy, sgReadTo, the loader), which takes a page
 * the actor maps already straight from its page table.
 * Entry points: vm_fault, vm_actor_byte.
 * Lock order: vm lock -> super_lock -> pmem (region.c).
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

static paddr_t
pml4_of(struct actor *a)
{
	return a->pmap->pml4;
}

/*
 * The page of user actor a at va, for `access` (K_PROT_READ, _WRITE or
 * _EXEC; VM_FORCE: write, rights not checked), filled and mapped: K_OK
 * and *pg with the vm lock held, or an error (-K_EFAULT: no region allows
 * it; or the mapper's).  w gathers the TLB work (a copy replacing a
 * parent's page), to be done before a writes.
 */
static long
fault_in(struct actor *a, u64 va, int access, struct vpage **pgp, struct tlbwork *w)
{
	u64 page = ALIGN_DOWN(va, PAGE_SIZE), *pte;
	int want = access & (K_PROT_WRITE | VM_FORCE) ? K_PROT_READ | K_PROT_WRITE : K_PROT_READ;
	struct region *r;
	struct vpage *pg;
	long err;

	vm_lock();
	for (;;) {
		if (!(r = region_at(a, page)) || (!(access & VM_FORCE) && (access & ~r->prot))) {
			vm_unlock();
			return -K_EFAULT;
		}
		if (r->cache->flushing)			/* history.c: just copied */
			err = page_wait() < 0 ? -K_EABORT : PG_AGAIN;
		else
			err = cache_page(r->cache, r->offset + (page - r->start), want, &pg, w);
		if (err != PG_AGAIN)
			break;
	}
	if (err < 0) {
		vm_unlock();
		return err;
	}
	if ((want & K_PROT_WRITE) && !r->cache->anon)
		pg->flags |= PG_DIRTY;
	if ((pte = pt_lookup(pml4_of(a), page)) && (*pte & PTE_ADDR) != pg->pa)
		tlb_note(w, a->pmap, page);		/* was a parent's page */
	if (pt_map(pml4_of(a), page, pg->pa, page_pte(r, pg)) < 0) {	/* a page-table page */
		if (vm_reclaim(16) > 0) {
			vm_unlock();
			return fault_in(a, va, access, pgp, w);
		}
		vm_unlock();
		return -K_ENOMEM;
	}
	*pgp = pg;
	return K_OK;
}

long
vm_fault(struct actor *a, u64 va, u64 error)
{
	struct tlbwork w = { TLB_NONE, NULL, 0, NULL };
	struct vpage *pg;
	int access = (error & 2) ? K_PROT_WRITE : (error & 16) ? K_PROT_EXEC : K_PROT_READ;
	long err;

	if (a->mode != K_ACTOR_USER || va >= USER_END)
		return -K_EFAULT;
	if ((err = fault_in(a, va, access, &pg, &w)) == K_OK)
		vm_unlock();
	tlb_finish(&w);
	return err;
}

/* User actor a's byte at va, with the vm lock held, if its page table maps
 * it for access already: no fault to take (a writable mapping is of a's
 * own page, and a file's page is dirty already: page_pte); else NULL. */
static u8 *
mapped_byte(struct actor *a, u64 va, int access)
{
	struct region *r;
	u64 *pte;

	vm_lock();
	if ((r = region_at(a, ALIGN_DOWN(va, PAGE_SIZE))) && !(access & ~r->prot) &&
	    !r->cache->flushing && (pte = pt_lookup(pml4_of(a), va)) &&
	    (!(access & K_PROT_WRITE) || (*pte & PTE_W)))
		return (u8 *)P2V(*pte & PTE_ADDR) + (va & PAGE_MASK);
	vm_unlock();
	return NULL;
}

/* The nucleus address of a's byte at va for access, with the vm lock held
 * (the page stays while it is); or an error. */
long
vm_actor_byte(struct actor *a, u64 va, int access, u8 **kva)
{
	struct vpage *pg;
	long err;

	if (a->mode == K_ACTOR_USER) {
		struct tlbwork w = { TLB_NONE, NULL, 0, NULL };
		if (va >= USER_END)
			return -K_EFAULT;
		if ((*kva = mapped_byte(a, va, access)))
			return K_OK;
		err = fault_in(a, va, access, &pg, &w);
		if (w.kind != TLB_NONE || w.hold) {	/* done before the copy writes */
			if (err == K_OK)
				vm_unlock();
			tlb_finish(&w);
			return err < 0 ? err : vm_actor_byte(a, va, access, kva);
		}
		if (err < 0)
			return err;
		*kva = (u8 *)P2V(pg->pa) + (va & PAGE_MASK);
		return K_OK;
	}
	vm_lock();
	{
		struct region *r = region_at(a, ALIGN_DOWN(va, PAGE_SIZE));
		bool ok = r && ((access & VM_FORCE) || !(access & ~r->prot));
		u64 *pte = ok ? pt_lookup(pml4_of(a), va) : NULL;
		if (!pte) {
			vm_unlock();
			return -K_EFAULT;
		}
		*kva = (u8 *)P2V(*pte & PTE_ADDR) + (va & PAGE_MASK);
	}
	return K_OK;
}
