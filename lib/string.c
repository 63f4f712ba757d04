// SPDX-License-Identifier: MIT
/*
 * Memory and string functions, linked into the nucleus and into actors.
 * No dependencies.  The compiler may emit calls to memcpy/memset itself.
 */
#include <stddef.h>
#include <stdint.h>

void *
memset(void *d, int c, size_t n)
{
	void *r = d;
	unsigned long w = (unsigned char)c * 0x0101010101010101UL;
	size_t q = n / 8, b = n % 8;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(w) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(b) : "a"(w) : "memory");
	return r;
}

void *
memcpy(void *d, const void *s, size_t n)
{
	void *r = d;
	size_t q = n / 8, b = n % 8;

	/* eight bytes at a time: as fast as movsb on current CPUs, and
	 * eight times fewer steps for QEMU and its instruction counts */
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(b) : : "memory");
	return r;
}

void *
memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

int
strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

long
katol(const char *s)
{
	long v = 0;
	int neg = 0;

	while (*s == ' ')
		s++;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (s += 2;; s++) {
			int d = *s >= '0' && *s <= '9' ? *s - '0' :
				*s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
				*s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
			if (d < 0)
				break;
			v = v * 16 + d;
		}
	} else {
		for (; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (*s - '0');
	}
	return neg ? -v : v;
}

size_t
strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;
		memcpy(d, s, c);
		d[c] = '\0';
	}
	return len;
}
