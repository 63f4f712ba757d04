/* SPDX-License-Identifier: MIT */
/*
 * The nucleus heap for small objects: power-of-two size classes from 32 to
 * 2048 bytes carved from pages, larger blocks as whole pages.  kmalloc
 * returns zeroed memory, or NULL when memory is exhausted.
 */
#ifndef KERN_HEAP_H
#define KERN_HEAP_H

#include <kern/types.h>

struct heap_pages {		/* where the heap gets its pages */
	void *(*alloc)(size_t npages);
	void (*free)(void *p, size_t npages);
};

void heap_setup(const struct heap_pages *src);
void *kmalloc(size_t n);
void kfree(void *p);
u64 heap_used(void);
u64 heap_pages_held(void);	/* pages the heap took (size classes keep theirs) */

#endif
