/* SPDX-License-Identifier: MIT */
/*
 * Console output, panic, assert and the string functions of the nucleus.
 * kprintf formats into the serial console under one lock so that lines of
 * different processors do not interleave.
 */
#ifndef KERN_KLIB_H
#define KERN_KLIB_H

#include <kern/types.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kputs_raw(const char *s, size_t n);	/* console write, no formatting */
void cons_init(void);			/* console input by interrupt (console.c) */
void cons_rx_intr(void);
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool panic_poweroff;		/* panic=off: power off instead of halting */

#define assert(c) do { if (unlikely(!(c))) \
	panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__); } while (0)

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t n);

#endif
