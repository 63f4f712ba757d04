/* SPDX-License-Identifier: MIT */
/*
 * Inside the VM: local caches (a segment's pages on this site), their
 * pages, and the lock and wait queue they share.  region.c maps caches
 * into actors; cache.c keeps them and talks to mappers.
 */
#ifndef VM_VMINT_H
#define VM_VMINT_H

#include <kern/types.h>
#include <kern/sched.h>
#include <motet/nucleus.h>

#define PG_BUSY		1	/* being filled or given rights: wait on vm_wq */
#define PG_DIRTY	2	/* changed since the mapper last had it */
#define PG_AGAIN	1	/* page_get: the vm lock was dropped, look again */
#define SEG_BUCKETS	64
#define CHUNK_PAGES	(K_BODY_MAX / PAGE_SIZE)	/* most pages in one message */

struct vpage {
	struct vpage *hnext;		/* hash chain */
	struct cache *cache;
	u64 off;			/* in the segment */
	paddr_t pa;
	u8 access;			/* K_PROT_READ [| K_PROT_WRITE] the mapper granted */
	u8 flags;			/* PG_* */
	u16 pins;			/* sgRead/sgWrite copying: not to be freed */
	struct list clink;		/* on cache->pages */
};

struct cache {
	int refs;			/* regions, calls in progress */
	bool anon;			/* no mapper: zero-filled, gone with its regions */
	struct kcap seg;		/* the segment (not anon) */
	struct list pages;		/* struct vpage.clink */
	struct list regions;		/* struct region.clink: where it is mapped */
	struct list slink;		/* on the segment table (not anon) */
	u64 npages;
};

/* One lock for regions, caches and pages: the lock of vm_wq, where
 * threads wait for busy pages. */
extern struct waitq vm_wq;
#define vm_lock()	spin_lock(&vm_wq.lock)
#define vm_unlock()	spin_unlock(&vm_wq.lock)

struct list *seg_bucket(const struct kui *port);

struct cache *cache_anon(void);				/* one reference */
struct cache *cache_of_seg(const struct kcap *seg);	/* a reference; vm lock held */
void cache_put(struct cache *c);			/* vm lock held */
struct vpage *page_find(struct cache *c, u64 off);	/* vm lock held */
struct vpage *page_insert(struct cache *c, u64 off, paddr_t pa, int access);
paddr_t page_unlink(struct vpage *pg);			/* its frame, to free */
long page_get(struct cache *c, u64 off, int access, struct vpage **out);
long page_wait(void);					/* vm lock held; held again */
void pages_done(void);					/* wakes page_wait */
void cache_free_range(struct cache *c, u64 off, u64 size);	/* anon; vm lock held */
long mapper_call(struct cache *c, u64 op, u64 off, u64 size, u64 range, int access,
		 void *buf, int *granted);
extern struct spinlock super_lock;	/* region.c: super_next, the shared tables */
long vm_target(long aid, struct actor **out);	/* copy.c: aid 0 or, if trusted, any */

/* region.c: the nucleus address of actor a's byte at va for access, the
 * page faulted in; K_OK with the vm lock held (the page stays while it
 * is), or an error. */
long vm_actor_byte(struct actor *a, u64 va, int access, u8 **kva);
/* region.c: the translations of c's page at off everywhere it is mapped
 * go (or lose write access); the caller flushes every TLB.  vm lock held. */
void cache_unmap_page(struct cache *c, u64 off, bool readonly);

#endif
