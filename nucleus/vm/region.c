// SPDX-License-Identifier: MIT
/*
 * Regions: parts of segments (local caches) mapped into actors.  A user
 * actor's pages come on demand, at its faults and at the nucleus's copies;
 * a supervisor actor's region is filled when it is made, since nothing
 * may fault in the supervisor space (only anonymous memory there).
 * Supervisor addresses are handed out upwards from the shared supervisor
 * space with a guard page between regions.
 * Entry points: vm_init, rgn_alloc, rgn_map, rgn_free, rgn_unmap,
 * rgn_protect, rgn_split, rgn_list, rgn_free_all (faults: fault.c).
 * Lock order: vm lock -> super_lock -> pmem.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include <vm/pmem.h>
#include "vmint.h"
#include "x86.h"

#define USER_ALLOC_BASE	0x0000100000000000UL	/* where the nucleus picks */
#define RGN_MAX		(1UL << 36)

struct spinlock super_lock = SPINLOCK_INIT("super");	/* super_next, kernel tables */
static u64 super_next = KSUPER_BASE;

void vm_cache_init(void);

void
vm_init(void)
{
	vm_cache_init();
}

bool
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

/* The region of a holding va, or NULL; the last one found is looked at
 * first (a server copying to and from one buffer). */
struct region *
region_at(struct actor *a, u64 va)
{
	struct region *r = a->rgn_hint;
	struct list *it;

	if (r && va >= r->start && va - r->start < r->size)
		return r->dying ? NULL : r;
	list_for_each(it, &a->regions) {
		r = list_entry(it, struct region, link);
		if (va >= r->start && va - r->start < r->size)
			return r->dying ? NULL : (a->rgn_hint = r);
		if (r->start > va)
			break;
	}
	return NULL;
}

u64
pte_flags(struct actor *a, int prot)
{
	return (a->mode == K_ACTOR_USER ? PTE_U : 0) | ((prot & K_PROT_WRITE) ? PTE_W : 0) |
	       ((prot & K_PROT_EXEC) ? 0 : PTE_NX);
}

/* A page of r is writable once the mapper granted it and, for a segment,
 * once it is dirty (so that the first write is seen); never when it is
 * a parent's (history.c: a write copies it). */
u64
page_pte(struct region *r, struct vpage *pg)
{
	int prot = r->prot;

	if (!(pg->access & K_PROT_WRITE) || (!r->cache->anon && !(pg->flags & PG_DIRTY)) ||
	    pg->cache != r->cache)
		prot &= ~K_PROT_WRITE;
	return pte_flags(r->actor, prot);
}

static paddr_t
pml4_of(struct actor *a)
{
	return a->pmap->pml4;
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

/* Removes r's translations (the caller flushes); vm lock held. */
static void
clear_ptes(struct region *r)
{
	bool super = r->actor->mode == K_ACTOR_SUPER;

	if (super)
		spin_lock(&super_lock);
	pt_unmap_range(pml4_of(r->actor), r->start, r->start + r->size);
	if (super)
		spin_unlock(&super_lock);
}

/* Drops r from its actor and cache after its translations were cleared
 * and flushed; vm lock held.  An anonymous cache's pages go with the
 * last region mapping them. */
static void
drop_region(struct region *r)
{
	struct cache *c = r->cache;
	struct list *it;
	u64 lo = r->offset, hi = r->offset + r->size;

	if (r->actor->rgn_hint == r)
		r->actor->rgn_hint = NULL;
	list_del(&r->link);
	list_del(&r->clink);
	c->nregions--;
	list_for_each(it, &c->regions) {
		struct region *o = list_entry(it, struct region, clink);
		if (o->offset < hi && lo < o->offset + o->size) {	/* shared: keep them all */
			lo = hi;
			break;
		}
	}
	if (c->anon && lo < hi)
		cache_free_range(c, lo, hi - lo);
	cache_put(c);
	kfree(r);
}

/* Frees the regions of a marked dying: translations out, every processor
 * flushed, then pages and regions go.  vm lock held; dropped meanwhile. */
static void
reap_dying(struct actor *a)
{
	struct list *it, *nx;

	list_for_each(it, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		if (r->dying)
			clear_ptes(r);
	}
	vm_unlock();
	pmap_flush(a->pmap);
	vm_lock();
	list_for_each_safe(it, nx, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		if (r->dying)
			drop_region(r);
	}
}

/* Maps r's page at va now (supervisor regions); vm lock held. */
static long
fill_page(struct region *r, u64 va)
{
	struct vpage *pg;
	long err;

	do
		err = page_get(r->cache, r->offset + (va - r->start), K_PROT_READ | K_PROT_WRITE, &pg);
	while (err == PG_AGAIN);			/* pages were reclaimed */
	if (err < 0)
		return err;
	spin_lock(&super_lock);
	err = pt_map(pml4_of(r->actor), va, pg->pa, page_pte(r, pg) | PTE_G);
	spin_unlock(&super_lock);
	return err;
}

/* A region of a at va mapping c (whose reference it takes) from offset. */
struct region *
region_new(struct actor *a, u64 va, u64 size, int prot, struct cache *c, u64 offset)
{
	struct region *r = kmalloc(sizeof(*r));

	if (!r)
		return NULL;
	r->start = va;
	r->size = size;
	r->prot = prot;
	r->flags = 0;
	r->dying = false;
	r->actor = a;
	r->cache = c;
	r->offset = offset;
	list_add_tail(&c->regions, &r->clink);
	c->nregions++;
	insert(a, r);
	return r;
}

/* Where a new region of `size` at `hint` (0: anywhere) goes in a, or an
 * error; vm lock held. */
static long
place(struct actor *a, u64 hint, u64 size, u64 *va)
{
	if (a->mode == K_ACTOR_SUPER) {
		if (hint)
			return -K_EINVAL;
		spin_lock(&super_lock);
		*va = super_next;
		if (*va + size + PAGE_SIZE > KSUPER_END) {
			spin_unlock(&super_lock);
			return -K_ENOMEM;
		}
		super_next += size + PAGE_SIZE;
		spin_unlock(&super_lock);
		return K_OK;
	}
	if (hint) {
		if (hint < USER_BASE || hint >= USER_END || size > USER_END - hint)
			return -K_EINVAL;
		if (overlaps(a, hint, size))
			return -K_EEXIST;
		*va = hint;
		return K_OK;
	}
	if (!(*va = user_place(a, size)))
		return -K_ENOMEM;
	a->next_va = *va + size + PAGE_SIZE;
	return K_OK;
}

/* Maps k->seg (anonymous if its port is null) at k->addr (0: anywhere). */
long
rgn_map(struct actor *a, struct krgn *k)
{
	bool anon = k->seg.port.head == 0 && k->seg.port.stamp == 0;
	u64 size = k->size, va;
	struct cache *c = NULL;
	struct region *r;
	long err;

	if (size == 0 || (size & PAGE_MASK) || size > RGN_MAX ||
	    (k->prot & ~(7L | K_RGN_SHARED | K_RGN_PRIVATE)) ||
	    ((k->addr | k->offset) & PAGE_MASK) || k->offset + size < k->offset)
		return -K_EINVAL;
	if (!anon && a->mode == K_ACTOR_SUPER)
		return -K_ENOSYS;		/* supervisor space does not fault */
	if (anon && !(c = cache_anon()))
		return -K_ENOMEM;
	vm_lock();
	if (!anon && !(c = cache_of_seg(&k->seg))) {
		vm_unlock();
		return -K_ENOMEM;
	}
	if (!anon && (k->prot & K_RGN_PRIVATE)) {	/* a child of the segment's cache */
		struct cache *seg = c;
		c = cache_shadow(seg, k->offset, k->offset + size);
		cache_put(seg);
		if (!c) {
			vm_unlock();
			return -K_ENOMEM;
		}
	}
	if ((err = place(a, k->addr, size, &va)) < 0 ||
	    (err = -K_ENOMEM, !(r = region_new(a, va, size, (int)(k->prot & 7), c,
					       anon ? 0 : k->offset)))) {
		cache_put(c);
		vm_unlock();
		return err;
	}
	r->flags = (int)(k->prot & (K_RGN_SHARED | (anon ? 0 : K_RGN_PRIVATE)));
	if (a->mode == K_ACTOR_SUPER) {
		c->wired = true;			/* never paged out */
		for (u64 p = va; p < va + size; p += PAGE_SIZE) {
			if ((err = fill_page(r, p)) < 0) {
				r->dying = true;
				reap_dying(a);
				vm_unlock();
				return err;
			}
		}
	}
	vm_unlock();
	k->addr = va;
	return K_OK;
}

long
rgn_alloc(struct actor *a, u64 hint, u64 size, int prot, u64 *out)
{
	struct krgn k = { .addr = hint, .size = ALIGN_UP(size, PAGE_SIZE), .prot = prot };
	long err;

	if (size == 0 || size > RGN_MAX)
		return -K_EINVAL;
	if ((err = rgn_map(a, &k)) < 0)
		return err;
	*out = k.addr;
	return K_OK;
}

/* Cuts the region holding va in two at va (nothing to do at a boundary);
 * vm lock held. */
long
split_at(struct actor *a, u64 va)
{
	struct region *r = region_at(a, va), *r2;

	if (!r || r->start == va)
		return K_OK;
	if (!(r2 = kmalloc(sizeof(*r2))))
		return -K_ENOMEM;
	*r2 = *r;
	r2->start = va;
	r2->size = r->start + r->size - va;
	r2->offset = r->offset + (va - r->start);
	r->size = va - r->start;
	r->cache->refs++;
	r->cache->nregions++;
	list_add_tail(&r->cache->regions, &r2->clink);
	list_add_head(&r->link, &r2->link);
	return K_OK;
}

bool
range_ok(struct actor *a, u64 addr, u64 size)
{
	u64 lo = a->mode == K_ACTOR_SUPER ? KSUPER_BASE : USER_BASE;
	u64 hi = a->mode == K_ACTOR_SUPER ? KSUPER_END : USER_END;

	return size && !((addr | size) & PAGE_MASK) && addr >= lo && addr < hi && size <= hi - addr;
}

long
rgn_split(struct actor *a, u64 addr)
{
	struct region *r;
	long err;

	if (addr & PAGE_MASK)
		return -K_EINVAL;
	vm_lock();
	r = region_at(a, addr);
	err = !r || r->start == addr ? -K_EINVAL : split_at(a, addr);
	vm_unlock();
	return err;
}

/* Frees whatever is mapped in [addr, addr + size). */
long
rgn_unmap(struct actor *a, u64 addr, u64 size)
{
	struct list *it;
	long err;

	if (!range_ok(a, addr, size))
		return -K_EINVAL;
	vm_lock();
	if ((err = split_at(a, addr)) < 0 || (err = split_at(a, addr + size)) < 0) {
		vm_unlock();
		return err;
	}
	list_for_each(it, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		if (r->start >= addr && r->start < addr + size)
			r->dying = true;
	}
	reap_dying(a);
	vm_unlock();
	return K_OK;
}

/* Frees the region that is exactly [addr, addr + size). */
long
rgn_free(struct actor *a, u64 addr, u64 size)
{
	struct region *r;

	size = ALIGN_UP(size, PAGE_SIZE);
	vm_lock();
	if (!(r = region_at(a, addr)) || r->start != addr || r->size != size) {
		vm_unlock();
		return -K_EINVAL;
	}
	r->dying = true;
	reap_dying(a);
	vm_unlock();
	return K_OK;
}

/* New rights for [addr, addr + size), which regions must cover. */
long
rgn_protect(struct actor *a, u64 addr, u64 size, int prot)
{
	bool super = a->mode == K_ACTOR_SUPER;
	struct list *it;
	u64 va;
	long err;

	if (!range_ok(a, addr, size) || (prot & ~7))
		return -K_EINVAL;
	vm_lock();
	for (va = addr; va < addr + size; ) {
		struct region *r = region_at(a, va);
		if (!r)
			break;
		va = r->start + r->size;
	}
	if (va < addr + size) {
		vm_unlock();
		return -K_EINVAL;
	}
	if ((err = split_at(a, addr)) < 0 || (err = split_at(a, addr + size)) < 0) {
		vm_unlock();
		return err;
	}
	list_for_each(it, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		if (r->start < addr || r->start >= addr + size)
			continue;
		r->prot = prot;
		if (super)
			spin_lock(&super_lock);
		for (va = r->start; va < r->start + r->size; va += PAGE_SIZE) {
			u64 *pte = pt_lookup(pml4_of(a), va);
			if (!pte)
				continue;
			if (!(prot & (K_PROT_READ | K_PROT_EXEC)) && !super)
				pt_unmap(pml4_of(a), va);	/* no "present, no access" */
			else
				pt_protect(pml4_of(a), va, page_pte(r, page_of_pa(*pte & PTE_ADDR)) |
							   (super ? PTE_G : 0));
		}
		if (super)
			spin_unlock(&super_lock);
	}
	vm_unlock();
	pmap_flush(a->pmap);
	return K_OK;
}

/* Up to max of a's regions into out; returns how many it has. */
long
rgn_list(struct actor *a, struct krgn *out, long max)
{
	struct list *it;
	long n = 0;

	vm_lock();
	list_for_each(it, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		if (r->dying)
			continue;
		if (n < max) {
			struct cache *c = r->cache;
			out[n] = (struct krgn){ r->start, r->size, r->prot | r->flags, { { 0, 0 }, { 0, 0 } },
						r->offset };
			while ((r->flags & K_RGN_PRIVATE) && c->anon && c->parent)
				c = c->parent;			/* the segment copied */
			if (!c->anon)
				out[n].seg = c->seg;
		}
		n++;
	}
	vm_unlock();
	return n;
}

/* The actor is dead: no thread runs in it any more. */
void
rgn_free_all(struct actor *a)
{
	struct list *it;

	vm_lock();
	list_for_each(it, &a->regions)
		list_entry(it, struct region, link)->dying = true;
	reap_dying(a);
	vm_unlock();
}
