// SPDX-License-Identifier: MIT
/*
 * Segments through the page cache: sgRead and sgWrite copy between an
 * actor's buffer and a segment, asking the mapper for what the cache
 * lacks; sgFlush, the mapper's own call, destroys cached pages, takes
 * write access back or only cleans them, sending dirty data back with
 * PUSHOUT.  A large read asks for read access to its whole range with its
 * first chunk, then pulls the rest in chunks (SVR4 paper, 2.1.3); pages
 * being copied are pinned, so no lock is held during the copy.
 * Entry points: nc_sgRead, nc_sgWrite, nc_sgReadTo, nc_sgWriteFrom,
 * nc_sgFlush, vm_segments_gone.
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
#include <ipc/ipc.h>
#include "vmint.h"
#include "x86.h"

/* Pulls in the run of missing pages at off (at most CHUNK_PAGES, up to
 * end), asking read access up to `range_end` (0: for the run only).  vm
 * lock held, dropped during the call. */
static long
pull_run(struct cache *c, u64 off, u64 end, u64 range_end, u8 *buf)
{
	struct vpage *pgs[CHUNK_PAGES];
	int n = 0, granted = 0;
	long err;

	while (n < (int)CHUNK_PAGES && off + n * PAGE_SIZE < end && !page_find(c, off + n * PAGE_SIZE)) {
		paddr_t pa;
		if (n > 0 && (pmem_free_pages() < 2 * CHUNK_PAGES || !(pa = pmem_alloc())))
			break;				/* under pressure: a page at a time */
		if (n == 0 && (err = vm_page_alloc(&pa)) != K_OK)
			return err;			/* PG_AGAIN: reclaimed, look again */
		pgs[n] = page_insert(c, off + n * PAGE_SIZE, pa, 0);
		pgs[n++]->flags |= PG_BUSY;
	}
	c->refs++;
	vm_unlock();
	err = mapper_call(c, K_MAP_PULLIN, off, n * PAGE_SIZE,
			  range_end > off ? MAX(range_end - off, n * PAGE_SIZE) : n * PAGE_SIZE,
			  K_PROT_READ, buf, &granted);
	vm_lock();
	for (int i = 0; i < n; i++) {
		pgs[i]->flags &= ~PG_BUSY;
		if (err == K_OK) {
			memcpy(P2V(pgs[i]->pa), buf + i * PAGE_SIZE, PAGE_SIZE);
			pgs[i]->access = (u8)granted;
		} else {
			pmem_free(page_unlink(pgs[i]));
		}
	}
	pages_done();
	cache_put(c);
	return err;
}

/* Copies between the page at pg (pinned, the vm lock dropped meanwhile)
 * and the buffer at ubuf in actor a, or the caller's (a NULL). */
static long
copy_page(struct vpage *pg, u64 pos, u64 n, struct actor *a, u64 ubuf, bool write)
{
	u8 *k = (u8 *)P2V(pg->pa) + (pos & PAGE_MASK);
	long err;

	pg->pins++;
	vm_unlock();
	if (a)
		err = vm_actor_copy(a, ubuf, k, n, write ? K_PROT_READ : K_PROT_WRITE);
	else
		err = write ? copyin(k, ubuf, n) : copyout(ubuf, k, n);
	vm_lock();
	pg->pins--;
	pages_done();
	return err;
}

static long
get_seg(long useg, struct kcap *seg)
{
	if (copyin(seg, (uaddr_t)useg, sizeof(*seg)) < 0)
		return -K_EFAULT;
	if (seg->port.head == 0 && seg->port.stamp == 0)
		return -K_EINVAL;
	return K_OK;
}

/* sgRead, sgWrite: the segment's cache for a copy of size bytes at offset
 * to or from ubuf (the caller's, or actor a's: checked page by page),
 * referenced, with the vm lock held; or an error. */
static long
open_seg(long useg, long offset, struct actor *a, long ubuf, long size, struct cache **c)
{
	struct kcap seg;
	long err;

	if ((err = get_seg(useg, &seg)) < 0)
		return err;
	if (size < 0 || (u64)offset + (u64)size < (u64)offset)
		return -K_EINVAL;
	if (!a && !caller_range_ok((uaddr_t)ubuf, (size_t)size))
		return -K_EFAULT;
	vm_lock();
	if (!(*c = cache_of_seg(&seg))) {
		vm_unlock();
		return -K_ENOMEM;
	}
	return K_OK;
}

/* sgRead (a NULL: into the caller) and sgReadTo. */
static long
seg_read(long useg, long offset, struct actor *a, long ubuf, long size)
{
	u64 pos = (u64)offset, end = pos + (u64)size, range_end = ALIGN_UP(end, PAGE_SIZE);
	struct cache *c;
	bool asked = false;
	u8 *buf = NULL;
	long err;

	if ((err = open_seg(useg, offset, a, ubuf, size, &c)) < 0)
		return err;
	while (pos < end) {
		u64 page = ALIGN_DOWN(pos, PAGE_SIZE), n = MIN(end, page + PAGE_SIZE) - pos;
		struct vpage *pg = page_find(c, page);
		if (!pg) {
			if (!buf) {
				vm_unlock();
				buf = kmalloc(K_BODY_MAX);
				vm_lock();
				if (!buf) {
					err = -K_ENOMEM;
					break;
				}
				continue;
			}
			if ((err = pull_run(c, page, end, asked ? 0 : range_end, buf)) < 0)
				break;
			asked = asked || err == K_OK;
			continue;
		}
		if (pg->flags & PG_BUSY) {
			if ((err = page_wait()) < 0)
				break;
			continue;
		}
		if ((err = copy_page(pg, pos, n, a, (u64)ubuf + (pos - (u64)offset), false)) < 0)
			break;
		pos += n;
	}
	cache_put(c);
	vm_unlock();
	if (buf)
		kfree(buf);
	return err < 0 ? err : size;
}

/* sgWrite (a NULL: from the caller) and sgWriteFrom. */
static long
seg_write(long useg, long offset, struct actor *a, long ubuf, long size)
{
	u64 pos = (u64)offset, end = pos + (u64)size;
	u64 first = ALIGN_DOWN(pos, PAGE_SIZE), last = ALIGN_UP(end, PAGE_SIZE);
	struct cache *c;
	bool granted = false;
	long err = K_OK;
	int got;

	if ((err = open_seg(useg, offset, a, ubuf, size, &c)) < 0)
		return err;
	/* Write access to the whole range first, in one request. */
	for (u64 p = first; p < last && !granted; p += PAGE_SIZE) {
		struct vpage *pg = page_find(c, p);
		if (pg && (pg->access & K_PROT_WRITE))
			continue;
		vm_unlock();
		err = mapper_call(c, K_MAP_GETACCESS, first, 0, last - first,
				  K_PROT_READ | K_PROT_WRITE, NULL, &got);
		vm_lock();
		granted = true;
		if (err < 0)
			goto out;
		for (u64 q = first; q < last; q += PAGE_SIZE)
			if ((pg = page_find(c, q)) && !(pg->flags & PG_BUSY))
				pg->access |= K_PROT_READ | K_PROT_WRITE;
	}
	while (pos < end) {
		u64 page = ALIGN_DOWN(pos, PAGE_SIZE), n = MIN(end, page + PAGE_SIZE) - pos;
		struct vpage *pg = page_find(c, page);
		bool fresh = false;
		if (!pg && n == PAGE_SIZE) {		/* all of it: nothing to pull in */
			paddr_t pa;
			if ((err = vm_page_alloc(&pa)) == PG_AGAIN)
				continue;		/* reclaimed: look again */
			if (err < 0)
				break;
			pg = page_insert(c, page, pa, K_PROT_READ | K_PROT_WRITE);
			fresh = true;
		} else if (!pg || !(pg->access & K_PROT_WRITE) || (pg->flags & PG_BUSY)) {
			if ((err = page_get(c, page, K_PROT_READ | K_PROT_WRITE, &pg)) < 0)
				break;
			continue;			/* look again: the lock was dropped */
		}
		if ((err = copy_page(pg, pos, n, a, (u64)ubuf + (pos - (u64)offset), true)) < 0) {
			if (fresh && pg->pins == 0)
				pmem_free(page_unlink(pg));
			break;
		}
		pg->flags |= PG_DIRTY;
		pos += n;
	}
out:
	cache_put(c);
	vm_unlock();
	return err < 0 ? err : size;
}

long
nc_sgRead(long useg, long offset, long ubuf, long size)
{
	return seg_read(useg, offset, NULL, ubuf, size);
}

long
nc_sgWrite(long useg, long offset, long ubuf, long size)
{
	return seg_write(useg, offset, NULL, ubuf, size);
}

/* sgReadTo, sgWriteFrom: the same with the buffer in actor aid (a trusted
 * caller, or aid's parent), so that a server moves a client's file data
 * without a copy of its own. */
static long
seg_copy_for(long useg, long offset, long aid, long ubuf, long size, bool write)
{
	struct actor *a;
	long err;

	if ((err = vm_target(aid, &a)) < 0)
		return err;
	err = write ? seg_write(useg, offset, a, ubuf, size) : seg_read(useg, offset, a, ubuf, size);
	actor_put(a);
	return err;
}

long
nc_sgReadTo(long useg, long offset, long aid, long ubuf, long size)
{
	return seg_copy_for(useg, offset, aid, ubuf, size, false);
}

long
nc_sgWriteFrom(long useg, long offset, long aid, long ubuf, long size)
{
	return seg_copy_for(useg, offset, aid, ubuf, size, true);
}

/* c's pages in [off, off + size), sorted by offset, into a new array. */
static struct vpage **
pages_in(struct cache *c, u64 off, u64 size, long *count)
{
	struct vpage **v = kmalloc((c->npages + 1) * sizeof(*v));
	struct list *it;
	long n = 0;

	if (!v)
		return NULL;
	list_for_each(it, &c->pages) {
		struct vpage *pg = list_entry(it, struct vpage, clink);
		if (pg->off >= off && pg->off - off < size)
			v[n++] = pg;
	}
	for (long i = 1; i < n; i++) {			/* insertion sort: runs are mostly in order */
		struct vpage *x = v[i];
		long j = i;
		for (; j > 0 && v[j - 1]->off > x->off; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	*count = n;
	return v;
}

/* Waits until no page of c in the range is busy or pinned; vm lock held.
 * -K_EABORT if the thread is being deleted. */
static long
quiesce(struct cache *c, u64 off, u64 size)
{
	struct list *it;

	for (;;) {
		bool busy = false;
		list_for_each(it, &c->pages) {
			struct vpage *pg = list_entry(it, struct vpage, clink);
			if (pg->off >= off && pg->off - off < size && ((pg->flags & PG_BUSY) || pg->pins))
				busy = true;
		}
		if (!busy)
			return K_OK;
		if (page_wait() < 0)
			return -K_EABORT;
	}
}

/* Drops c's pages in the range everywhere, dirty or not; `wait` for
 * busy or pinned ones, else leave them (a fill that fails frees its
 * page).  vm lock held, dropped meanwhile. */
static long
destroy(struct cache *c, u64 off, u64 size, bool wait)
{
	struct tlbwork w = { TLB_NONE, NULL, 0, NULL };
	struct vpage **v;
	long n, k = 0;

	if (wait && quiesce(c, off, size) < 0)
		return -K_EABORT;
	if (!(v = pages_in(c, off, size, &n)))
		return -K_ENOMEM;
	for (long i = 0; i < n; i++) {
		if ((v[i]->flags & PG_BUSY) || v[i]->pins)
			continue;
		cache_unmap_page(c, v[i]->off, false, &w);
		v[k++] = (struct vpage *)page_unlink(v[i]);	/* now the frame */
	}
	n = k;
	if (n)		/* a region being freed may have cleared a translation, not yet flushed */
		tlb_note(&w, &kernel_pmap, 0);
	vm_unlock();
	tlb_done(&w);
	for (long i = 0; i < n; i++)
		pmem_free((paddr_t)v[i]);
	kfree(v);
	vm_lock();
	return K_OK;
}

/* Pushes c's dirty pages in the range out, in runs; `downgrade` takes
 * write access back.  vm lock held, dropped meanwhile. */
static long
clean(struct cache *c, u64 off, u64 size, bool downgrade, u8 *buf)
{
	struct tlbwork w = { TLB_NONE, NULL, 0, NULL };
	struct vpage **v;
	long n, err = K_OK;
	int got;

	if (quiesce(c, off, size) < 0)
		return -K_EABORT;
	if (!(v = pages_in(c, off, size, &n)))
		return -K_ENOMEM;
	for (long i = 0; i < n; i++) {
		bool dirty = v[i]->flags & PG_DIRTY;
		if (downgrade)
			v[i]->access &= (u8)~K_PROT_WRITE;
		if (dirty || downgrade)
			cache_unmap_page(c, v[i]->off, true, &w);
		v[i]->flags &= (u8)~PG_DIRTY;
		v[i]->pins++;
		if (!dirty)
			v[i]->flags |= PG_BUSY;		/* marks "clean already": not pushed */
	}
	vm_unlock();
	tlb_done(&w);
	for (long i = 0; i < n; ) {
		long j = i, k;
		if (v[i]->flags & PG_BUSY) {
			i++;
			continue;
		}
		while (j < n && j - i < (long)CHUNK_PAGES && !(v[j]->flags & PG_BUSY) &&
		       v[j]->off == v[i]->off + (u64)(j - i) * PAGE_SIZE)
			j++;
		for (k = i; k < j; k++)
			memcpy(buf + (k - i) * PAGE_SIZE, P2V(v[k]->pa), PAGE_SIZE);
		if ((err = mapper_call(c, K_MAP_PUSHOUT, v[i]->off, (u64)(j - i) * PAGE_SIZE,
				       (u64)(j - i) * PAGE_SIZE, 0, buf, &got)) < 0)
			break;
		i = j;
	}
	vm_lock();
	for (long i = 0; i < n; i++) {
		if (err < 0 && !(v[i]->flags & PG_BUSY))
			v[i]->flags |= PG_DIRTY;	/* not (all) taken: still to push */
		v[i]->flags &= (u8)~PG_BUSY;
		v[i]->pins--;
	}
	pages_done();
	kfree(v);
	return err;
}

long
nc_sgFlush(long useg, long offset, long size, long mode)
{
	struct kcap seg;
	struct cache *c;
	u8 *buf = NULL;
	long err;

	if ((err = get_seg(useg, &seg)) < 0)
		return err;
	if (mode < K_FLUSH_DESTROY || mode > K_FLUSH_CLEAN || size < 0 || (offset & PAGE_MASK))
		return -K_EINVAL;
	if (!ipc_port_owned(&seg.port, caller_actor()))
		return -K_EPERM;
	if (mode != K_FLUSH_DESTROY && !(buf = kmalloc(K_BODY_MAX)))
		return -K_ENOMEM;
	vm_lock();
	if (!(c = cache_of_seg(&seg))) {
		err = -K_ENOMEM;
	} else {
		err = mode == K_FLUSH_DESTROY ? destroy(c, (u64)offset, (u64)size, true) :
						clean(c, (u64)offset, (u64)size,
						      mode == K_FLUSH_DOWNGRADE, buf);
		cache_put(c);
	}
	vm_unlock();
	if (buf)
		kfree(buf);
	return err;
}

/* A mapper's port went: its caches lose their pages, dirty ones too
 * (there is nobody to give them to); faults on them fail from now on. */
void
vm_segments_gone(const struct kui *port)
{
	struct list *b = seg_bucket(port), *it;

	vm_lock();
	for (it = b->next; it != b; ) {
		struct cache *c = list_entry(it, struct cache, slink);
		if (c->seg.port.head != port->head || c->seg.port.stamp != port->stamp) {
			it = it->next;
			continue;
		}
		c->refs++;
		destroy(c, 0, ~0UL, false);	/* this thread may be ending */
		it = it->next;
		cache_put(c);			/* may free c, not it */
	}
	vm_unlock();
}
