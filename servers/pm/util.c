// SPDX-License-Identifier: MIT
/*
 * Copies between pm and a process's memory, and small helpers.  Every
 * address a process gives is checked by the nucleus's copy (vmCopy): a
 * bad one is EFAULT, never a fault in pm.
 */
#include "pm.h"

#define USER_END	0x800000000000UL

bool
range_ok(unsigned long a, unsigned long n)
{
	return a < USER_END && n <= USER_END - a;
}

long
copyin(struct proc *p, void *dst, unsigned long usrc, unsigned long n)
{
	if (!n)
		return 0;
	if (!range_ok(usrc, n) || vmCopy(p->aid, (void *)usrc, 0, dst, n) < 0)
		return -L_EFAULT;
	return 0;
}

long
copyout(struct proc *p, unsigned long udst, const void *src, unsigned long n)
{
	if (!n)
		return 0;
	if (!range_ok(udst, n) || vmCopy(0, src, p->aid, (void *)udst, n) < 0)
		return -L_EFAULT;
	return 0;
}

/* A NUL-terminated string of at most max bytes with the NUL: its length,
 * -EFAULT, or -ENAMETOOLONG.  Short strings are the rule: the first piece
 * is small (a copy of up to 1 KiB costs the nucleus no buffer), the
 * others go to the ends of pages. */
long
copyinstr(struct proc *p, char *dst, unsigned long usrc, unsigned long max)
{
	unsigned long got = 0;

	while (got < max) {
		unsigned long n = PAGE - ((usrc + got) & (PAGE - 1));
		if (!got && n > 256)
			n = 256;
		if (n > max - got)
			n = max - got;
		if (copyin(p, dst + got, usrc + got, n) < 0)
			return -L_EFAULT;
		for (unsigned long i = 0; i < n; i++)
			if (dst[got + i] == '\0')
				return (long)(got + i);
		got += n;
	}
	return -L_ENAMETOOLONG;
}

/* A nucleus error as an errno. */
long
errno_of(long kerr)
{
	switch (kerr) {
	case -K_ENOMEM:		return -L_ENOMEM;
	case -K_EFAULT:		return -L_EFAULT;
	case -K_EINVAL:		return -L_EINVAL;
	case -K_EEXIST:		return -L_EEXIST;
	case -K_EPERM:		return -L_EPERM;
	case -K_ENOENT:		return -L_ENOENT;
	case -K_ETIMEOUT:	return -L_ETIMEDOUT;
	case -K_EABORT:		return -L_EINTR;
	default:		return -L_EIO;
	}
}

void *
zalloc(unsigned long n)
{
	void *p = malloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

size_t
strlcat_(char *d, const char *s, size_t n)
{
	size_t l = strlen(d);

	if (l < n)
		strlcpy(d + l, s, n - l);
	return l + strlen(s);
}
