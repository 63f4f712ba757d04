// SPDX-License-Identifier: MIT
/*
 * History objects: copy-on-write copies of regions (rgnCopy, what fork
 * uses), after the CHORUS deferred copy.
 *
 * An anonymous cache may have a parent: the pages it lacks at offsets in
 * its window [lo, hi) are looked up in the parent, and so on toward the
 * root.  A read maps the page found there read-only; a write copies it
 * into the cache first (cache_page).
 *
 * Copying a region whose cache c is anonymous freezes c: its regions, in
 * every actor, move to a new child of c that takes the writes of the
 * source from now on, and the copy maps another new child.  c keeps the
 * pages as they were at the copy, for its children only: a history
 * object.  It gets no new page from then on, so a page found in it stays
 * the same while anybody maps it.  A copy of a segment's region is a
 * child of the segment's cache, which is not frozen: the copy's unwritten
 * pages follow the segment (what MAP_PRIVATE allows).
 *
 * Garbage collection: a history object with no child left goes (as any
 * unreferenced anonymous cache); one with a single child merges with it
 * (history_gc), so that repeated fork and exit keep chains short.  The
 * smaller side's pages move to the other; frames keep their identity, so
 * no translation changes.
 *
 * While a copy flushes the TLBs of the source's spaces, faults in the
 * caches it made wait (cache->flushing): a write through a stale
 * translation would otherwise land in the frozen cache after the source
 * copied the page.
 * Entry points: cache_shadow, cache_page, history_gc, region_moved,
 * rgn_copy, vm_stat.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/heap.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <vm/pmem.h>
#include "vmint.h"
#include "x86.h"

/* A new anonymous child of parent looking up [lo, hi) there; one
 * reference.  vm lock held. */
struct cache *
cache_shadow(struct cache *parent, u64 lo, u64 hi)
{
	struct cache *c = cache_new(true);

	if (!c)
		return NULL;
	c->parent = parent;
	c->lo = lo;
	c->hi = hi;
	parent->refs++;
	parent->nkids++;
	list_add_tail(&parent->kids, &c->klink);
	return c;
}

/*
 * The page at off of c for `want`, as page_get, looking toward the root
 * for the pages c lacks: for a read the page found (not c's: mapped
 * read-only), for a write a copy of it (or a zeroed page) made c's, the
 * translations of the parent's page in c's regions gone (w).
 */
long
cache_page(struct cache *c, u64 off, int want, struct vpage **out, struct tlbwork *w)
{
	struct vpage *src = NULL;
	struct cache *p;
	paddr_t pa;
	long err;

	if (!c->parent || off < c->lo || off >= c->hi || page_find(c, off) ||
	    (c->nswaps && swap_has(c, off)))
		return page_get(c, off, want, out);
	for (p = c->parent;; p = p->parent) {
		if (!p->anon || (p->nswaps && swap_has(p, off))) {	/* from its mapper */
			if ((err = page_get(p, off, K_PROT_READ, &src)) != K_OK)
				return err;
			break;
		}
		if ((src = page_find(p, off)) || !p->parent || off < p->lo || off >= p->hi)
			break;
	}
	if (src && (src->flags & PG_BUSY))		/* being pushed out */
		return page_wait() < 0 ? -K_EABORT : PG_AGAIN;
	if (src && !(want & K_PROT_WRITE)) {
		*out = src;
		return K_OK;
	}
	if ((err = src ? vm_page_alloc_raw(&pa) : vm_page_alloc(&pa)) != K_OK)
		return err;
	if (src && !w->hold) {		/* its page may stay in TLBs until w is done */
		w->hold = src->cache;
		src->cache->refs++;
	}
	if (src)
		memcpy(P2V(pa), P2V(src->pa), PAGE_SIZE);
	cache_unmap_page(c, off, false, w);
	*out = page_insert(c, off, pa, K_PROT_READ | K_PROT_WRITE);
	return K_OK;
}

/* r maps `to` from now on (same offsets); vm lock held. */
void
region_moved(struct region *r, struct cache *to)
{
	struct cache *from = r->cache;

	list_del(&r->clink);
	from->nregions--;
	from->refs--;			/* the caller keeps `from` referenced */
	list_add_tail(&to->regions, &r->clink);
	to->nregions++;
	to->refs++;
	r->cache = to;
}

static void
move_page(struct vpage *pg, struct cache *to)
{
	u64 off = pg->off;
	int access = pg->access;

	page_insert(to, off, page_unlink(pg), access);
}

/* p's child k takes p's place: k keeps its pages and takes p's others in
 * its window; p's parent becomes k's. */
static void
absorb_parent(struct cache *k, struct cache *p)
{
	struct list *it, *nx;

	list_for_each_safe(it, nx, &p->pages) {
		struct vpage *pg = list_entry(it, struct vpage, clink);
		if (pg->off >= k->lo && pg->off < k->hi && !page_find(k, pg->off) &&
		    !(k->nswaps && swap_has(k, pg->off)))
			move_page(pg, k);
		else
			pmem_free(page_unlink(pg));	/* nobody maps it (see above) */
	}
	swap_move(p, k, k->lo, k->hi, false);
	list_del(&k->klink);
	k->parent = p->parent;
	if (p->parent) {
		list_del(&p->klink);
		list_add_tail(&p->parent->kids, &k->klink);	/* p's reference is k's now */
		k->lo = MAX(k->lo, p->lo);
		k->hi = MIN(k->hi, p->hi);
	}
	list_del(&p->alink);
	kfree(p);
}

/* p takes its child k's place: k's pages replace p's, k's regions and
 * children are p's; k looked up everything in p (its window is whole). */
static void
absorb_child(struct cache *p, struct cache *k)
{
	struct list *it, *nx;

	list_for_each_safe(it, nx, &k->pages) {
		struct vpage *pg = list_entry(it, struct vpage, clink), *old = page_find(p, pg->off);
		if (old)
			pmem_free(page_unlink(old));
		if (p->nswaps)
			swap_free_range(p, pg->off, PAGE_SIZE);
		move_page(pg, p);
	}
	swap_move(k, p, 0, ~0UL, true);			/* k's swapped pages replace p's */
	while (!list_empty(&k->regions))
		region_moved(list_entry(k->regions.next, struct region, clink), p);
	while (!list_empty(&k->kids)) {
		struct cache *g = list_entry(k->kids.next, struct cache, klink);
		list_del(&g->klink);
		list_add_tail(&p->kids, &g->klink);
		g->parent = p;
		k->nkids--;
		k->refs--;
		p->nkids++;
		p->refs++;
	}
	list_del(&k->klink);
	p->nkids--;
	p->refs--;
	list_del(&k->alink);
	kfree(k);
}

/* c lost a reference: a history object left with one child and no other
 * use merges with it, the smaller moving into the larger.  vm lock held. */
void
history_gc(struct cache *c)
{
	struct cache *k;

	if (!c->anon || c->nregions || c->nkids != 1 || c->refs != 1 || c->flushing)
		return;
	k = list_entry(c->kids.next, struct cache, klink);
	if (k->flushing)
		return;
	if (k->npages < c->npages && k->lo == 0 && k->hi == ~0UL &&
	    k->refs == k->nregions + k->nkids)
		absorb_child(c, k);
	else
		absorb_parent(k, c);
}

/* Write-protects, in region r (which maps c's child now), the pages of c
 * it maps; vm lock held. */
static void
protect_pages(struct region *r, struct cache *c, struct tlbwork *w)
{
	paddr_t pml4 = r->actor->pmap->pml4;
	struct list *it;

	list_for_each(it, &c->pages) {
		struct vpage *pg = list_entry(it, struct vpage, clink);
		u64 va = r->start + (pg->off - r->offset);
		if (pg->off < r->offset || pg->off - r->offset >= r->size || !pt_lookup(pml4, va))
			continue;
		pt_protect(pml4, va, page_pte(r, pg));
		tlb_note(w, r->actor->pmap, va);
	}
}

/* The copy of cache c in copy `gen` (c->twin), made now; the caches made
 * go on *made with a reference and flushing set.  vm lock held. */
static long
twin_of(struct cache *c, u64 gen, struct cache **made, struct tlbwork *w)
{
	struct cache *n = NULL, *d;

	c->stamp = gen;
	if (c->anon && !c->parent && !c->npages) {
		d = cache_anon();		/* nothing to share yet */
	} else {
		d = cache_shadow(c, ~0UL, 0);	/* window: the regions copied */
		if (d && c->anon && !(n = cache_shadow(c, 0, ~0UL))) {
			cache_put(d);
			d = NULL;
		}
	}
	if (!d)
		return -K_ENOMEM;
	if (n) {				/* freeze c */
		while (!list_empty(&c->regions)) {
			struct region *r = list_entry(c->regions.next, struct region, clink);
			region_moved(r, n);
			protect_pages(r, c, w);
		}
		n->stamp = gen;
		n->twin = d;
		n->flushing = true;
		n->fnext = *made;
		*made = n;
	}
	c->twin = d;
	d->flushing = true;
	d->fnext = *made;
	*made = d;
	return K_OK;
}

/*
 * Copies the regions of sa in [src, src + size) to da at dst + the same
 * offset: copy-on-write, or shared for regions marked K_RGN_SHARED.  The
 * destination range must be free.  User actors only.
 */
long
rgn_copy(struct actor *sa, u64 src, struct actor *da, u64 dst, u64 size)
{
	static u64 gen;
	struct tlbwork w = { TLB_NONE, NULL, 0, NULL };
	struct cache *made = NULL, *c;
	struct list *it;
	long err;

	if (sa->mode != K_ACTOR_USER || da->mode != K_ACTOR_USER)
		return -K_ENOSYS;
	if (!range_ok(sa, src, size) || !range_ok(da, dst, size) ||
	    (sa == da && src < dst + size && dst < src + size))
		return -K_EINVAL;
	vm_lock();
	for (it = sa->regions.next; it != &sa->regions; ) {	/* a copy still flushing */
		struct region *r = list_entry(it, struct region, link);
		if (r->start < src + size && src < r->start + r->size && r->cache->flushing) {
			if (page_wait() < 0) {
				vm_unlock();
				return -K_EABORT;
			}
			it = sa->regions.next;
			continue;
		}
		it = it->next;
	}
	err = overlaps(da, dst, size) ? -K_EEXIST : K_OK;
	if (err < 0 || (err = split_at(sa, src)) < 0 || (err = split_at(sa, src + size)) < 0) {
		vm_unlock();
		return err;
	}
	gen++;
	list_for_each(it, &sa->regions) {
		struct region *r = list_entry(it, struct region, link), *nr;
		struct cache *d;
		if (r->start < src || r->start >= src + size || r->dying)
			continue;
		c = r->cache;
		if (r->flags & K_RGN_SHARED) {
			d = c;
		} else {
			if (c->stamp != gen && (err = twin_of(c, gen, &made, &w)) < 0)
				break;
			d = c->twin;
			if (d->parent) {
				d->lo = MIN(d->lo, r->offset);
				d->hi = MAX(d->hi, r->offset + r->size);
			}
		}
		if (!(nr = region_new(da, dst + (r->start - src), r->size, r->prot, d, r->offset))) {
			err = -K_ENOMEM;
			break;
		}
		d->refs++;
		nr->flags = r->flags | (d != c && !c->anon ? K_RGN_PRIVATE : 0);
	}
	vm_unlock();
	tlb_done(&w);
	vm_lock();
	for (c = made; c; c = c->fnext)
		c->flushing = false;
	while ((c = made)) {
		made = c->fnext;
		cache_put(c);
	}
	pages_done();
	vm_unlock();
	if (err < 0)
		rgn_unmap(da, dst, size);
	return err;
}

void
vm_stat(struct actor *a, struct kvmstat *out)
{
	struct list *it, *jt;

	memset(out, 0, sizeof(*out));
	out->pages_total = pmem_total_pages();
	out->pages_free = pmem_free_pages();
	vm_lock();
	list_for_each(it, &vm_caches) {
		struct cache *c = list_entry(it, struct cache, alink);
		out->caches++;
		if (c->anon && c->nkids && !c->nregions)
			out->history++;
	}
	swap_stat(&out->swap_slots, &out->swap_used);
	out->moved = vm_pages_given;
	list_for_each(it, &a->regions) {
		struct region *r = list_entry(it, struct region, link);
		unsigned long depth = 0;
		bool seen = false;
		for (struct cache *c = r->cache->parent; c; c = c->parent)
			depth++;
		out->depth = MAX(out->depth, depth);
		for (jt = a->regions.next; jt != it && !seen; jt = jt->next)
			seen = list_entry(jt, struct region, link)->cache == r->cache;
		if (!seen)
			out->resident += r->cache->npages;
	}
	vm_unlock();
}
