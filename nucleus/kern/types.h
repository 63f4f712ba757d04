/* SPDX-License-Identifier: MIT */
/* Basic types and helpers for all nucleus code. */
#ifndef KERN_TYPES_H
#define KERN_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include <motet/error.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u64 paddr_t;		/* physical address */
typedef u64 uaddr_t;		/* address in an actor, not yet validated */

#define PAGE_SIZE	4096UL
#define PAGE_SHIFT	12
#define PAGE_MASK	(PAGE_SIZE - 1)
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((u64)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((u64)(a) - 1))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define container_of(p, T, m) ((T *)((char *)(p) - offsetof(T, m)))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* Doubly linked lists, intrusive. */
struct list {
	struct list *next, *prev;
};
#define LIST_INIT(l)	{ &(l), &(l) }
static inline void list_init(struct list *l) { l->next = l->prev = l; }
static inline bool list_empty(const struct list *l) { return l->next == l; }
static inline void list_add_tail(struct list *l, struct list *e)
{
	e->prev = l->prev; e->next = l;
	l->prev->next = e; l->prev = e;
}
static inline void list_add_head(struct list *l, struct list *e)
{
	e->next = l->next; e->prev = l;
	l->next->prev = e; l->next = e;
}
static inline void list_del(struct list *e)
{
	e->prev->next = e->next; e->next->prev = e->prev;
	e->next = e->prev = e;
}
#define list_entry(p, T, m) container_of(p, T, m)
#define list_for_each(it, l) for ((it) = (l)->next; (it) != (l); (it) = (it)->next)
#define list_for_each_safe(it, n, l) \
	for ((it) = (l)->next, (n) = (it)->next; (it) != (l); (it) = (n), (n) = (it)->next)

#endif
