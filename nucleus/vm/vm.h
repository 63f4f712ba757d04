/* SPDX-License-Identifier: MIT */
/*
 * Actor memory: regions mapping segments (anonymous or kept by mappers)
 * through the page cache, filled on demand; copies into and out of actors
 * with bad addresses reported as -K_EFAULT; nucleus stacks with guard
 * pages.
 */
#ifndef VM_VM_H
#define VM_VM_H

#include <kern/types.h>

struct actor;

struct cache;
struct krgn;

/* Part of a segment (its local cache) mapped into an actor. */
struct region {
	u64 start, size;
	int prot;			/* K_PROT_* */
	int flags;			/* K_RGN_SHARED, K_RGN_PRIVATE */
	bool dying;			/* being freed: range still taken */
	struct actor *actor;
	struct cache *cache;
	u64 offset;			/* of start in the segment */
	struct list link;		/* on actor->regions, by address */
	struct list clink;		/* on cache->regions */
};

void vm_init(void);
long rgn_alloc(struct actor *a, u64 hint, u64 size, int prot, u64 *out);
long rgn_map(struct actor *a, struct krgn *k);
long rgn_free(struct actor *a, u64 addr, u64 size);
long rgn_unmap(struct actor *a, u64 addr, u64 size);
long rgn_protect(struct actor *a, u64 addr, u64 size, int prot);
long rgn_split(struct actor *a, u64 addr);
long rgn_list(struct actor *a, struct krgn *out, long max);
long rgn_copy(struct actor *sa, u64 src, struct actor *da, u64 dst, u64 size);
struct kvmstat;
void vm_stat(struct actor *a, struct kvmstat *out);
void rgn_free_all(struct actor *a);
long vm_fault(struct actor *a, u64 va, u64 error);	/* a user #PF: K_OK, or an error */
void vm_segments_gone(const struct kui *port);		/* a mapper's port was deleted */

/* Copies to or from the current actor's memory (or a supervisor actor's):
 * the range is checked against the caller's half of the address space. */
bool caller_range_ok(uaddr_t p, size_t n);	/* the calling actor may name it */
long copyin(void *dst, uaddr_t src, size_t n);
long copyout(uaddr_t dst, const void *src, size_t n);
long copyin_str(char *dst, uaddr_t src, size_t max);	/* length or error */
/* Writes into any actor's memory through its page tables (loader). */
long vm_write_actor(struct actor *a, u64 va, const void *src, size_t n);

/* Large message bodies in page frames (bodies.c): n frames, or -K_ENOMEM;
 * freed (zeros skipped); moved into user actor a's writable anonymous
 * memory at va, va + PAGE_SIZE, ... in place of its pages there (pa[i]
 * zeroed for each that went; the others are the caller's to copy):
 * how many went. */
long vm_frames_alloc(paddr_t *pa, int n);
void vm_frames_free(paddr_t *pa, int n);
long vm_give_pages(struct actor *a, u64 va, paddr_t *pa, int n);

u64 kstack_alloc(void);			/* top of a KSTACK_SIZE stack, 0 if none */
void kstack_free(u64 top);

#endif
