// SPDX-License-Identifier: MIT
/*
 * Host stand-in for <kern/klib.h>: the C library provides the string
 * functions and printf, and panic/assert report through cmocka so that a
 * broken invariant fails the running test case instead of the process.
 * kvsnprintf/ksnprintf are declared here and come from lib/fmt.c when a
 * test links it.
 */
#ifndef KERN_KLIB_H
#define KERN_KLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kern/types.h>

#define kprintf printf
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void
kputs_raw(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

/* Reports the message and fails the current test; _fail does not return. */
static inline _Noreturn void __attribute__((format(printf, 3, 4)))
shim_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("panic: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	_fail(file, line);
	abort();
}
#define panic(...) shim_panic(__FILE__, __LINE__, __VA_ARGS__)

#undef assert
#define assert(c) mock_assert((int)(c), #c, __FILE__, __LINE__)

/* glibc 2.36 has no strlcpy; a private name avoids clashing with later ones. */
static inline size_t
shim_strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(d, s, k);
		d[k] = '\0';
	}
	return len;
}
#define strlcpy shim_strlcpy

#endif
