// SPDX-License-Identifier: MIT
/*
 * The nucleus heap.  Blocks of 32..2048 bytes come from per-class free
 * lists refilled a page at a time; bigger blocks are whole pages.  Every
 * block has a 16-byte header giving its class (or page count) so kfree
 * needs no size.  Pages come from a struct heap_pages, which lets the host
 * unit tests run this file over malloc.
 * Entry points: heap_setup, kmalloc, kfree, heap_used, heap_pages_held.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/spinlock.h>
#include <kern/heap.h>

#define NCLASSES	7		/* 32 << 0 .. 32 << 6 = 2048 */
#define HDR		16
#define MAGIC		0x6b6d656dU
#define BIG		0xffU

struct hdr {
	u32 magic;
	u32 class;			/* size class, or BIG */
	u64 npages;			/* BIG: pages of the block */
};
_Static_assert(sizeof(struct hdr) == HDR, "heap header");

struct freeblk {
	struct freeblk *next;
};

static struct spinlock heap_lock = SPINLOCK_INIT("heap");
static struct freeblk *freelist[NCLASSES];	/* under heap_lock */
static u64 used;				/* bytes handed out */
static u64 held;				/* pages taken: in use or on the free lists */
static struct heap_pages pages;

void
heap_setup(const struct heap_pages *src)
{
	pages = *src;
	for (int i = 0; i < NCLASSES; i++)
		freelist[i] = NULL;
	used = held = 0;
}

static int
class_of(size_t n)
{
	for (int c = 0; c < NCLASSES; c++)
		if (n <= (32UL << c) - HDR)
			return c;
	return -1;
}

/* Carves a fresh page into blocks of class c; called with heap_lock. */
static bool
refill(int c)
{
	size_t sz = 32UL << c;
	char *page = pages.alloc(1);

	if (!page)
		return false;
	held++;
	for (size_t off = 0; off + sz <= PAGE_SIZE; off += sz) {
		struct freeblk *b = (struct freeblk *)(page + off);
		b->next = freelist[c];
		freelist[c] = b;
	}
	return true;
}

static void *
big_alloc(size_t n)
{
	size_t np = ALIGN_UP(n + HDR, PAGE_SIZE) / PAGE_SIZE;
	struct hdr *h;

	if (n > (1UL << 40) || !(h = pages.alloc(np)))
		return NULL;
	h->magic = MAGIC;
	h->class = BIG;
	h->npages = np;
	spin_lock(&heap_lock);
	used += np * PAGE_SIZE;
	held += np;
	spin_unlock(&heap_lock);
	return (char *)h + HDR;
}

void *
kmalloc(size_t n)
{
	int c = class_of(n);
	struct hdr *h;

	if (c < 0)
		return big_alloc(n);
	spin_lock(&heap_lock);
	if (!freelist[c] && !refill(c)) {
		spin_unlock(&heap_lock);
		return NULL;
	}
	h = (struct hdr *)freelist[c];
	freelist[c] = freelist[c]->next;
	used += 32UL << c;
	spin_unlock(&heap_lock);
	memset(h, 0, 32UL << c);
	h->magic = MAGIC;
	h->class = c;
	return (char *)h + HDR;
}

void
kfree(void *p)
{
	struct hdr *h;
	struct freeblk *b;
	u32 c;

	if (!p)
		return;
	h = (struct hdr *)((char *)p - HDR);
	assert(h->magic == MAGIC);
	h->magic = 0;
	if (h->class == BIG) {
		u64 np = h->npages;
		spin_lock(&heap_lock);
		used -= np * PAGE_SIZE;
		held -= np;
		spin_unlock(&heap_lock);
		pages.free(h, np);
		return;
	}
	c = h->class;
	assert(c < NCLASSES);
	b = (struct freeblk *)h;	/* overwrites the header */
	spin_lock(&heap_lock);
	used -= 32UL << c;
	b->next = freelist[c];
	freelist[c] = b;
	spin_unlock(&heap_lock);
}

u64 heap_used(void) { return READ_ONCE(used); }
u64 heap_pages_held(void) { return READ_ONCE(held); }
