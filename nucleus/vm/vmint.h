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
#define PG_GONE		4	/* freed while busy: its holder frees it (page_unbusy) */
#define PG_AGAIN	1	/* page_get: the vm lock was dropped, look again */
#define VM_FORCE	0x10	/* vm_actor_byte: write, whatever the region's rights */
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

/*
 * A local cache.  An anonymous one may have a parent (history.c): the
 * pages it lacks in [lo, hi) are its parent's, looked up toward the root
 * (read: shared read-only; write: copied here).  A cache some copy was
 * made of is frozen: it loses its regions to a new child and keeps its
 * pages for its children only, a history object.
 */
struct cache {
	int refs;			/* regions, children, calls in progress */
	int nregions, nkids;
	bool anon;			/* no mapper: zero-filled, gone with its regions */
	bool flushing;			/* just copied, TLBs not yet flushed: faults wait */
	bool wired;			/* mapped in the supervisor space: never paged out */
	u64 nswaps;			/* pages in the swap segment (pageout.c) */
	struct list swaps;		/* struct swapent.clink */
	struct kcap seg;		/* the segment (not anon) */
	struct list pages;		/* struct vpage.clink */
	struct list regions;		/* struct region.clink: where it is mapped */
	struct list slink;		/* on the segment table (not anon) */
	struct cache *parent;		/* history: where pages not here are */
	u64 lo, hi;			/* the offsets looked up in the parent */
	struct list kids;		/* caches whose parent this is */
	struct list klink;		/* on parent->kids */
	u64 npages;
	u64 stamp;			/* rgn_copy: the copy that last saw it */
	struct cache *twin;		/* rgn_copy: its copy in that copy */
	struct cache *fnext;		/* rgn_copy: the caches it flushes for */
	struct list alink;		/* on vm_caches */
};

/* TLB work owed after translations changed (tlb.c): nothing, one page of
 * one space, one space, or everything everywhere. */
struct pmap;
struct tlbwork {
	int kind;
	struct pmap *pm;
	u64 va;
	struct cache *hold;		/* kept until the flush (its pages may be cached) */
};
#define TLB_NONE	0
#define TLB_PAGE	1
#define TLB_SPACE	2
#define TLB_ALL		3
void tlb_note(struct tlbwork *w, struct pmap *pm, u64 va);	/* translation of va in pm changed */
void tlb_done(struct tlbwork *w);				/* no lock held */
void tlb_finish(struct tlbwork *w);			/* tlb_done, then w->hold goes */

/* One lock for regions, caches and pages: the lock of vm_wq, where
 * threads wait for busy pages. */
extern struct waitq vm_wq;
#define vm_lock()	spin_lock(&vm_wq.lock)
#define vm_unlock()	spin_unlock(&vm_wq.lock)

struct list *seg_bucket(const struct kui *port);

extern u64 vm_pages_given;				/* bodies.c: frames moved by remapping */
extern struct list vm_caches;				/* every cache */
struct cache *cache_new(bool anon);			/* one reference */
struct cache *cache_anon(void);				/* one reference */
struct cache *cache_of_seg(const struct kcap *seg);	/* a reference; vm lock held */
void cache_put(struct cache *c);			/* vm lock held; collects history */
struct vpage *page_of_pa(paddr_t pa);			/* the frame's struct */
struct vpage *page_find(struct cache *c, u64 off);	/* vm lock held */
struct vpage *page_insert(struct cache *c, u64 off, paddr_t pa, int access);
paddr_t page_unlink(struct vpage *pg);			/* its frame, to free */
long page_get(struct cache *c, u64 off, int access, struct vpage **out);
long page_wait(void);					/* vm lock held; held again */
void pages_done(void);					/* wakes page_wait */
void cache_free_range(struct cache *c, u64 off, u64 size);	/* anon; vm lock held */
long mapper_call(struct cache *c, u64 op, u64 off, u64 size, u64 range, int access,
		 void *buf, int *granted);
long mapper_call_seg(const struct kcap *seg, u64 op, u64 off, u64 size, u64 range, int access,
		     void *buf, int *granted);
void page_free(struct vpage *pg);			/* now, or by its busy holder */
bool page_unbusy(struct vpage *pg);			/* false: it was freed (PG_GONE) */

/* pageout.c: memory pressure and the swap segment.  vm lock held. */
long vm_page_alloc(paddr_t *pa);	/* K_OK, PG_AGAIN (reclaimed: look again), -K_ENOMEM */
long vm_page_alloc_raw(paddr_t *pa);	/* the same, not zeroed: to be overwritten whole */
long vm_reclaim(long want);		/* pages freed; the lock dropped meanwhile */
long swap_in(struct cache *c, u64 off);	/* K_OK: not swapped; PG_AGAIN: back; or error */
bool swap_has(struct cache *c, u64 off);
void swap_stat(u64 *slots, u64 *used);
void swap_free_range(struct cache *c, u64 off, u64 size);
void swap_move(struct cache *from, struct cache *to, u64 lo, u64 hi, bool replace);
extern struct spinlock super_lock;	/* region.c: super_next, the shared tables */
long vm_target(long aid, struct actor **out);	/* copy.c: aid 0 or, if trusted, any */
long vm_actor_copy(struct actor *a, u64 va, void *k, size_t n, int access);

/* region.c: the nucleus address of actor a's byte at va for access, the
 * page faulted in; K_OK with the vm lock held (the page stays while it
 * is), or an error. */
long vm_actor_byte(struct actor *a, u64 va, int access, u8 **kva);
/* tlb.c: the translations of c's page at off everywhere it is mapped
 * (its children's regions included) go, or lose write access; w gathers
 * the TLB work.  vm lock held. */
void cache_unmap_page(struct cache *c, u64 off, bool readonly, struct tlbwork *w);
/* tlb.c: whether a translation of c's page at off was used since the
 * last look (accessed bits, cleared now).  vm lock held. */
bool cache_page_used(struct cache *c, u64 off);

/* region.c, for history.c */
struct region *region_new(struct actor *a, u64 va, u64 size, int prot, struct cache *c, u64 offset);
struct region *region_at(struct actor *a, u64 va);
long split_at(struct actor *a, u64 va);
bool overlaps(struct actor *a, u64 start, u64 size);
bool range_ok(struct actor *a, u64 addr, u64 size);
u64 page_pte(struct region *r, struct vpage *pg);
u64 pte_flags(struct actor *a, int prot);

/* history.c: copy-on-write */
struct cache *cache_shadow(struct cache *parent, u64 lo, u64 hi);	/* a child, one reference */
long cache_page(struct cache *c, u64 off, int want, struct vpage **out, struct tlbwork *w);
void history_gc(struct cache *c);			/* c lost a region or a child */
void region_moved(struct region *r, struct cache *to);	/* r now maps `to` */

#endif
