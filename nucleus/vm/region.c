// SPDX-License-Identifier: MIT
/*
 * Anonymous regions of actors, backed by zeroed pages at creation.  User
 * actors get addresses in their own lower half; supervisor actors get them
 * from the shared supervisor space, handed out upwards with a guard page
 * between regions.  Also the copies between the nucleus and actors, and
 * nucleus stacks.
 * Entry points: rgn_alloc, rgn_free, rgn_free_all, copyin, copyout,
 * copyin_str, vm_write_actor, kstack_alloc, kstack_free.
 * Lock order: actor.lock -> super_lock -> pmem.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <vm/pmem.h>
#include "x86.h"

#define USER_ALLOC_BASE	0x0000100000000000UL	/* where rgnAllocate picks */
#define RGN_MAX		(1UL << 32)

static struct spinlock super_lock = SPINLOCK_INIT("super");	/* super_next, kernel tables */
static u64 super_next = KSUPER_BASE;

static bool
overlaps(struct actor *a, u64 start, u64 size)
{
	struct list *it;

	list_for_each(it, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		if (start < r->start + r->size && r->start < start + size)
			return true;
	}
	return false;
}

static u64
user_place(struct actor *a, u64 size)
{
	for (u64 va = MAX(a->next_va, USER_ALLOC_BASE); va + size < USER_END; va += size + PAGE_SIZE) {
		if (!overlaps(a, va, size))
			return va;
	}
	return 0;
}

static u64
pte_flags(struct actor *a, int prot)
{
	return (a->mode == K_ACTOR_USER ? PTE_U : 0) | ((prot & K_PROT_WRITE) ? PTE_W : 0) |
	       ((prot & K_PROT_EXEC) ? 0 : PTE_NX);
}

static void
unmap_pages(struct actor *a, u64 start, u64 size)
{
	for (u64 va = start; va < start + size; va += PAGE_SIZE) {
		paddr_t pa = pt_unmap(a->pmap->pml4, va);
		if (pa)
			pmem_free(pa);
	}
}

/*
 * Frees region r (marked dying, still on the list so that nobody maps its
 * range): its pages become absent, every processor drops their
 * translations, and only then are they freed.  Called with no lock held.
 */
static void
free_region(struct actor *a, struct region *r)
{
	bool super = a->mode == K_ACTOR_SUPER;

	spin_lock(&a->lock);
	if (super)
		spin_lock(&super_lock);
	for (u64 va = r->start; va < r->start + r->size; va += PAGE_SIZE)
		pt_revoke(a->pmap->pml4, va);
	if (super)
		spin_unlock(&super_lock);
	spin_unlock(&a->lock);
	pmap_flush(a->pmap);
	spin_lock(&a->lock);
	if (super)
		spin_lock(&super_lock);
	unmap_pages(a, r->start, r->size);
	if (super)
		spin_unlock(&super_lock);
	list_del(&r->link);
	spin_unlock(&a->lock);
	kfree(r);
}

static long
map_pages(struct actor *a, u64 start, u64 size, int prot)
{
	for (u64 va = start; va < start + size; va += PAGE_SIZE) {
		paddr_t pa = pmem_alloc();
		if (!pa || pt_map(a->pmap->pml4, va, pa, pte_flags(a, prot)) < 0) {
			if (pa)
				pmem_free(pa);
			unmap_pages(a, start, va - start);
			return -K_ENOMEM;
		}
	}
	return K_OK;
}

static void
insert(struct actor *a, struct region *r)
{
	struct list *it;

	list_for_each(it, &a->regions)
		if (list_entry(it, struct region, link)->start > r->start)
			break;
	list_add_tail(it, &r->link);
}

long
rgn_alloc(struct actor *a, u64 hint, u64 size, int prot, u64 *out)
{
	struct region *r;
	bool super = a->mode == K_ACTOR_SUPER;
	long err = -K_EINVAL;
	u64 va;

	size = ALIGN_UP(size, PAGE_SIZE);
	if (size == 0 || size > RGN_MAX || (prot & ~7) || (hint & PAGE_MASK))
		return -K_EINVAL;
	if (!(r = kmalloc(sizeof(*r))))
		return -K_ENOMEM;
	spin_lock(&a->lock);
	if (super) {
		spin_lock(&super_lock);
		va = super_next;
		if (hint || va + size + PAGE_SIZE > KSUPER_END)
			goto fail;
		super_next += size + PAGE_SIZE;
	} else if (hint) {
		if (hint < USER_BASE || hint >= USER_END || size > USER_END - hint)
			goto fail;
		err = -K_EEXIST;
		if (overlaps(a, hint, size))
			goto fail;
		va = hint;
	} else if (!(va = user_place(a, size))) {
		err = -K_ENOMEM;
		goto fail;
	}
	if ((err = map_pages(a, va, size, prot)) < 0)
		goto fail;
	if (super)
		spin_unlock(&super_lock);
	r->start = va;
	r->size = size;
	r->prot = prot;
	r->dying = false;
	insert(a, r);
	if (!hint && !super)
		a->next_va = va + size + PAGE_SIZE;
	spin_unlock(&a->lock);
	*out = va;
	return K_OK;
fail:
	if (super)
		spin_unlock(&super_lock);
	spin_unlock(&a->lock);
	kfree(r);
	return err;
}

static struct region *
find_exact(struct actor *a, u64 addr, u64 size)
{
	struct list *it;

	list_for_each(it, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		if (r->start == addr && r->size == ALIGN_UP(size, PAGE_SIZE) && !r->dying)
			return r;
	}
	return NULL;
}

long
rgn_free(struct actor *a, u64 addr, u64 size)
{
	struct region *r;

	spin_lock(&a->lock);
	if (!(r = find_exact(a, addr, size))) {
		spin_unlock(&a->lock);
		return -K_EINVAL;
	}
	r->dying = true;
	spin_unlock(&a->lock);
	free_region(a, r);
	return K_OK;
}

/* Rights of the pages [va, va + size) of one of a's regions, at most the
 * region's own (the loader gives each image segment its rights). */
long
rgn_protect_pages(struct actor *a, u64 va, u64 size, int prot)
{
	struct list *it;
	long err = -K_EINVAL;

	spin_lock(&a->lock);
	list_for_each(it, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		if (va >= r->start && size <= r->start + r->size - va && !r->dying &&
		    !(prot & ~r->prot) && !((va | size) & PAGE_MASK)) {
			for (u64 p = va; p < va + size; p += PAGE_SIZE)
				pt_protect(a->pmap->pml4, p, pte_flags(a, prot));
			err = K_OK;
			break;
		}
	}
	spin_unlock(&a->lock);
	if (err == K_OK)
		pmap_flush(a->pmap);
	return err;
}

/* The actor is dead: no thread runs in it any more. */
void
rgn_free_all(struct actor *a)
{
	while (!list_empty(&a->regions)) {
		struct region *r = list_entry(a->regions.next, struct region, link);
		r->dying = true;
		free_region(a, r);
	}
}

/* The part of the address space the calling actor may name. */
bool
caller_range_ok(uaddr_t p, size_t n)
{
	struct thread *t = curthread();
	struct actor *a = t->acting ? t->acting : t->actor;
	u64 lo = USER_BASE, hi = USER_END;

	if (!a)
		return true;		/* a nucleus thread */
	if (a->mode == K_ACTOR_SUPER) {
		lo = KSUPER_BASE;
		hi = KSUPER_END;
	}
	return p >= lo && p < hi && n <= hi - p;
}

long
copyin(void *dst, uaddr_t src, size_t n)
{
	if (!caller_range_ok(src, n))
		return -K_EFAULT;
	return copy_in_raw(dst, src, n);
}

long
copyout(uaddr_t dst, const void *src, size_t n)
{
	if (!caller_range_ok(dst, n))
		return -K_EFAULT;
	return copy_out_raw(dst, src, n);
}

long
copyin_str(char *dst, uaddr_t src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		long r = copyin(dst + i, src + i, 1);
		if (r < 0)
			return r;
		if (dst[i] == '\0')
			return (long)i;
	}
	return -K_EINVAL;
}

long
vm_write_actor(struct actor *a, u64 va, const void *src, size_t n)
{
	const u8 *s = src;

	while (n) {
		u64 *pte = pt_lookup(a->pmap->pml4, va);
		size_t chunk = MIN(n, PAGE_SIZE - (va & PAGE_MASK));
		if (!pte)
			return -K_EFAULT;
		memcpy((u8 *)P2V(*pte & PTE_ADDR) + (va & PAGE_MASK), s, chunk);
		va += chunk;
		s += chunk;
		n -= chunk;
	}
	return K_OK;
}

/* Nucleus stacks: KSTACK_SIZE mapped below an unmapped guard page;
 * freed stacks are kept for reuse. */
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
