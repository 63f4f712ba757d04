// SPDX-License-Identifier: MIT
/*
 * Nucleus stacks: KSTACK_SIZE mapped below an unmapped guard page in the
 * nucleus's own range; freed stacks are kept for reuse.
 * Entry points: kstack_alloc, kstack_free.
 * Lock order: kstack_lock alone; super_lock -> pmem for the tables.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <vm/vm.h>
#include <vm/pmem.h>
#include "vmint.h"
#include "x86.h"

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static u64 kstack_cache[256];		/* under kstack_lock */
static int kstack_cached;

u64
kstack_alloc(void)
{
	u64 va;

	spin_lock(&kstack_lock);
	if (kstack_cached) {
		va = kstack_cache[--kstack_cached];
		spin_unlock(&kstack_lock);
		return va;
	}
	spin_unlock(&kstack_lock);
	if (!(va = vmap_alloc(KSTACK_SIZE + PAGE_SIZE)))
		return 0;
	va += PAGE_SIZE;		/* the guard stays unmapped */
	spin_lock(&super_lock);		/* it also guards the shared tables */
	for (u64 p = va; p < va + KSTACK_SIZE; p += PAGE_SIZE) {
		paddr_t pa = pmem_alloc();
		if (!pa || pt_map(kernel_pml4, p, pa, PTE_W | PTE_NX | PTE_G) < 0) {
			if (pa)
				pmem_free(pa);
			for (u64 q = va; q < p; q += PAGE_SIZE)
				pmem_free(pt_unmap(kernel_pml4, q));
			spin_unlock(&super_lock);
			return 0;
		}
	}
	spin_unlock(&super_lock);
	return va + KSTACK_SIZE;
}

void
kstack_free(u64 top)
{
	u64 va = top - KSTACK_SIZE;

	spin_lock(&kstack_lock);
	if (kstack_cached < (int)ARRAY_SIZE(kstack_cache)) {
		kstack_cache[kstack_cached++] = top;
		spin_unlock(&kstack_lock);
		return;
	}
	spin_unlock(&kstack_lock);
	for (u64 p = va; p < top; p += PAGE_SIZE)
		pmem_free(pt_unmap(kernel_pml4, p));
	/* the virtual range is not reused: KVMAP is large */
}
