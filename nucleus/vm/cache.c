// SPDX-License-Identifier: MIT
/*
 * The page cache: one local cache per segment used on this site, holding
 * the pages the nucleus has of it with the rights the mapper granted, and
 * one per anonymous region family (zero-filled, no mapper).  Misses become
 * PULLIN calls to the mapper, write access to a read-only page GETACCESS,
 * dirty pages go back with PUSHOUT (mapper.c's protocol in abi/motet/vm.h).
 * While a page is being filled or given rights it is busy: other threads
 * wanting it wait on vm_wq; no lock is held during a mapper call.
 * Entry points: vm_cache_init, cache_anon, cache_of_seg, cache_put,
 * page_find, page_get, page_wait, page_unlink, pages_done, cache_free_range,
 * mapper_call.
 * Lock order: vm lock -> super_lock -> pmem; ipc_lock is never held with it.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <vm/pmem.h>
#include <ipc/ipc.h>
#include "vmint.h"
#include "x86.h"


struct waitq vm_wq = WAITQ_INIT(vm_wq);
static struct vpage *frame;		/* by physical page number */
static struct vpage **hash;		/* (cache, off) -> page, under the vm lock */
static u64 hash_mask;
static struct list vm_segs[SEG_BUCKETS];	/* segment caches, by mapper port */
struct list vm_caches = LIST_INIT(vm_caches);	/* every cache (vmStat) */

void
vm_cache_init(void)
{
	u64 n = 1, frames = pmem_global.npages, bytes = frames * sizeof(struct vpage);
	paddr_t pa;

	while (n < pmem_total_pages() / 4)
		n <<= 1;
	/* one struct vpage per physical page, and the hash heads */
	pa = pmem_alloc_n(ALIGN_UP(bytes + n * sizeof(*hash), PAGE_SIZE) / PAGE_SIZE);
	if (!pa)
		panic("vm_cache_init: no memory for the page table");
	frame = P2V(pa);
	hash = (struct vpage **)((u8 *)frame + bytes);
	hash_mask = n - 1;
	for (int i = 0; i < SEG_BUCKETS; i++)
		list_init(&vm_segs[i]);
}

static inline u64
hash_of(struct cache *c, u64 off)
{
	return (((u64)c >> 4) * 0x9e3779b97f4a7c15UL ^ (off >> PAGE_SHIFT) * 0xbf58476d1ce4e5b9UL) &
	       hash_mask;
}

struct vpage *
page_find(struct cache *c, u64 off)
{
	struct vpage *pg;

	for (pg = hash[hash_of(c, off)]; pg; pg = pg->hnext)
		if (pg->cache == c && pg->off == off)
			return pg;
	return NULL;
}

struct vpage *
page_of_pa(paddr_t pa)
{
	return &frame[pa >> PAGE_SHIFT];
}

/* Puts frame pa in c at off (it cannot fail: the frame's own struct). */
struct vpage *
page_insert(struct cache *c, u64 off, paddr_t pa, int access)
{
	struct vpage *pg = &frame[pa >> PAGE_SHIFT];
	u64 h = hash_of(c, off);

	pg->cache = c;
	pg->off = off;
	pg->pa = pa;
	pg->access = (u8)access;
	pg->flags = 0;
	pg->pins = 0;
	pg->hnext = hash[h];
	hash[h] = pg;
	list_add_tail(&c->pages, &pg->clink);
	c->npages++;
	return pg;
}

/* Takes pg out of its cache; returns its frame (the caller frees it once
 * no processor can still reach it). */
paddr_t
page_unlink(struct vpage *pg)
{
	struct vpage **pp = &hash[hash_of(pg->cache, pg->off)];
	paddr_t pa = pg->pa;

	while (*pp != pg)
		pp = &(*pp)->hnext;
	*pp = pg->hnext;
	list_del(&pg->clink);
	pg->cache->npages--;
	pg->cache = NULL;
	return pa;
}

/* Waits until some busy page is done; vm lock held, and held again.
 * -K_EABORT if the thread is being deleted (it must not wait again). */
long
page_wait(void)
{
	long r = waitq_sleep(&vm_wq, K_NOTIMEOUT);

	vm_lock();
	return r == -K_EABORT ? r : K_OK;
}

void
pages_done(void)
{
	waitq_wake(&vm_wq, 1 << 30, K_OK);
}

struct cache *
cache_new(bool anon)
{
	struct cache *c = kmalloc(sizeof(*c));

	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->refs = 1;
	c->anon = anon;
	c->hi = ~0UL;
	list_init(&c->pages);
	list_init(&c->regions);
	list_init(&c->slink);
	list_init(&c->kids);
	list_init(&c->klink);
	list_init(&c->swaps);
	list_add_tail(&vm_caches, &c->alink);
	return c;
}

struct cache *
cache_anon(void)
{
	return cache_new(true);
}

/* Segment caches hash by mapper port only: a port's going finds them all. */
struct list *
seg_bucket(const struct kui *port)
{
	return &vm_segs[((port->head ^ port->stamp) * 0x9e3779b97f4a7c15UL) >> 58];
}

static struct cache *
seg_lookup(const struct kcap *seg)
{
	struct list *b = seg_bucket(&seg->port), *it;

	list_for_each(it, b) {
		struct cache *c = list_entry(it, struct cache, slink);
		if (!memcmp(&c->seg, seg, sizeof(*seg)))
			return c;
	}
	return NULL;
}

struct cache *
cache_of_seg(const struct kcap *seg)
{
	struct cache *c = seg_lookup(seg);

	if (c) {
		c->refs++;
		return c;
	}
	if (!(c = cache_new(false)))
		return NULL;
	c->seg = *seg;
	list_add_tail(seg_bucket(&seg->port), &c->slink);
	return c;
}

/* Drops a reference.  An anonymous cache goes with its last region or
 * child, and then its parent loses a child; a segment's stays while it
 * has pages (a later map or sgRead finds them).  A history object left
 * with one child merges with it (history.c). */
void
cache_put(struct cache *c)
{
	while (--c->refs == 0) {
		struct cache *p = c->parent;
		if (c->anon) {			/* nobody holds it: no page is busy */
			swap_free_range(c, 0, ~0UL);
			while (!list_empty(&c->pages))
				pmem_free(page_unlink(list_entry(c->pages.next, struct vpage, clink)));
		} else if (c->npages) {
			return;
		} else {
			list_del(&c->slink);
		}
		if (p) {
			list_del(&c->klink);
			p->nkids--;
		}
		list_del(&c->alink);
		kfree(c);
		if (!(c = p))
			return;
	}
	history_gc(c);
}

/* Frees pg, or, if it is busy (being pushed out or swapped in), marks
 * it to be freed by whoever holds it (page_unbusy). */
void
page_free(struct vpage *pg)
{
	if (pg->flags & PG_BUSY)
		pg->flags |= PG_GONE;
	else
		pmem_free(page_unlink(pg));
}

/* pg is not busy any more; false if it was freed meanwhile (PG_GONE). */
bool
page_unbusy(struct vpage *pg)
{
	pg->flags &= (u8)~PG_BUSY;
	if (!(pg->flags & PG_GONE))
		return true;
	pmem_free(page_unlink(pg));
	return false;
}

/* Frees the pages of [off, off + size) of an anonymous cache whose region
 * went, and its swapped ones: nobody else maps those offsets, no
 * processor holds them. */
void
cache_free_range(struct cache *c, u64 off, u64 size)
{
	struct list *it, *nx;

	swap_free_range(c, off, size);
	if (size / PAGE_SIZE < c->npages) {
		for (u64 o = off; o < off + size; o += PAGE_SIZE) {
			struct vpage *pg = page_find(c, o);
			if (pg)
				page_free(pg);
		}
		return;
	}
	list_for_each_safe(it, nx, &c->pages) {
		struct vpage *pg = list_entry(it, struct vpage, clink);
		if (pg->off >= off && pg->off < off + size)
			page_free(pg);
	}
}

/*
 * One call to the mapper of segment seg: op on [off, off + size) (data
 * into or out of buf) with `access` asked on [off, off + range).  Returns
 * K_OK and the rights granted in *granted (at least those asked), or an
 * error.  No lock held; seg stays (its cache is referenced).
 */
long
mapper_call_seg(const struct kcap *seg, u64 op, u64 off, u64 size, u64 range, int access,
		void *buf, int *granted)
{
	struct kmapreq q = { op, { seg->key[0], seg->key[1] }, off, size, range, (u64)access };
	struct kmsg req, rep;
	const struct kmaprep *a = (const void *)rep.annex;
	long err;

	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	memcpy(req.annex, &q, sizeof(q));
	if (op == K_MAP_PUSHOUT) {
		req.body = buf;
		req.bodysize = size;
	} else if (op == K_MAP_PULLIN) {
		rep.body = buf;
		rep.bodysize = size;
	}
	if ((err = ipc_kcall(&seg->port, &req, &rep, K_NOTIMEOUT)) < 0)
		return err;
	if (a->error)
		return a->error < 0 && a->error > -K_NERR ? a->error : -K_EIO;
	if (op == K_MAP_PULLIN && rep.bodysize < size)
		memset((u8 *)buf + rep.bodysize, 0, size - rep.bodysize);
	*granted = (int)(a->access & (K_PROT_READ | K_PROT_WRITE));
	if (op != K_MAP_PUSHOUT && (*granted & access) != access)
		return -K_EPERM;
	return K_OK;
}

long
mapper_call(struct cache *c, u64 op, u64 off, u64 size, u64 range, int access, void *buf,
	    int *granted)
{
	return mapper_call_seg(&c->seg, op, off, size, range, access, buf, granted);
}

/*
 * The page at `off` of c, filled and with `access` granted: K_OK and *out
 * with the vm lock held throughout; PG_AGAIN when the lock was dropped
 * meanwhile (a mapper was asked, or a busy page waited for): the caller
 * looks again at everything; or an error.  vm lock held.
 */
long
page_get(struct cache *c, u64 off, int access, struct vpage **out)
{
	struct vpage *pg = page_find(c, off);
	int granted = 0;
	bool fresh;
	paddr_t pa;
	long err;

	if (pg && (pg->flags & PG_BUSY))
		return (err = page_wait()) < 0 ? err : PG_AGAIN;
	if (pg && (pg->access & access) == access) {
		*out = pg;
		return K_OK;
	}
	if (!pg) {
		if (c->anon && c->nswaps && (err = swap_in(c, off)) != K_OK)
			return err;		/* brought back (look again), or failed */
		/* a segment's page is busy until PULLIN filled it whole */
		if ((err = c->anon ? vm_page_alloc(&pa) : vm_page_alloc_raw(&pa)) != K_OK)
			return err;
		pg = page_insert(c, off, pa, c->anon ? K_PROT_READ | K_PROT_WRITE : 0);
		if (c->anon) {
			*out = pg;
			return K_OK;
		}
	}
	fresh = pg->access == 0;
	pg->flags |= PG_BUSY;
	c->refs++;
	vm_unlock();
	if (fresh)
		err = mapper_call(c, K_MAP_PULLIN, off, PAGE_SIZE, PAGE_SIZE, access, P2V(pg->pa),
				  &granted);
	else
		err = mapper_call(c, K_MAP_GETACCESS, off, 0, PAGE_SIZE,
				  K_PROT_READ | K_PROT_WRITE, NULL, &granted);
	vm_lock();
	if (page_unbusy(pg)) {
		if (err == K_OK)
			pg->access |= (u8)granted;
		else if (fresh)
			pmem_free(page_unlink(pg));
	}
	pages_done();
	cache_put(c);
	return err < 0 ? err : PG_AGAIN;
}
