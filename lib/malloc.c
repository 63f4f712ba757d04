// SPDX-License-Identifier: MIT
/*
 * A small allocator for actors: power-of-two blocks of 32 bytes to 64 KiB
 * from 256 KiB chunks obtained with rgnAllocate, kept on free lists;
 * bigger requests get their own region.  One mutex guards it.
 */
#include <motet.h>

#define CHUNK		(256 * 1024)
#define NCLASS		12		/* 32 << 11 = 64 KiB */
#define HDR		16

struct blk {
	struct blk *next;
};

static kmutex_t lock = KMUTEX_INIT;
static struct blk *freelist[NCLASS];
static char *cur, *end;

static int
class_of(size_t n)
{
	for (int c = 0; c < NCLASS; c++)
		if (n + HDR <= (32UL << c))
			return c;
	return -1;
}

void *
malloc(size_t n)
{
	int c = class_of(n);
	size_t sz;
	char *p;

	if (c < 0) {
		long r = rgnAllocate(0, n + HDR, K_PROT_READ | K_PROT_WRITE);
		if (K_IS_ERR(r))
			return NULL;
		*(size_t *)r = n + HDR;
		*(long *)(r + 8) = -1;
		return (char *)r + HDR;
	}
	sz = 32UL << c;
	mutexGet(&lock);
	if (freelist[c]) {
		p = (char *)freelist[c];
		freelist[c] = freelist[c]->next;
	} else {
		if (!cur || (size_t)(end - cur) < sz) {
			long r = rgnAllocate(0, CHUNK, K_PROT_READ | K_PROT_WRITE);
			if (K_IS_ERR(r)) {
				mutexRel(&lock);
				return NULL;
			}
			cur = (char *)r;
			end = cur + CHUNK;
		}
		p = cur;
		cur += sz;
	}
	mutexRel(&lock);
	*(long *)(p + 8) = c;
	return p + HDR;
}

void
free(void *q)
{
	char *p;
	long c;

	if (!q)
		return;
	p = (char *)q - HDR;
	c = *(long *)(p + 8);
	if (c < 0) {
		rgnFree(p, *(size_t *)p);
		return;
	}
	mutexGet(&lock);
	((struct blk *)p)->next = freelist[c];
	freelist[c] = (struct blk *)p;
	mutexRel(&lock);
}
