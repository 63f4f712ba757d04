// SPDX-License-Identifier: MIT
/*
 * The data of a regular file: a sparse tree of 4 KiB pages, three levels
 * of 512 entries (tables are pages too), up to FDATA_MAX bytes.  A hole
 * reads as zeros; writing zeros into a hole allocates nothing, and a whole
 * page of zeros frees its page.  Pages come from pageAlloc (ramfs.h).
 * The caller holds the rfs lock.
 * Entry points: fdataGet, fdataWrite, fdataRead, fdataCut, fdataFree.
 */
#include "ramfs.h"

#define FAN		512
#define I1(pg)		((pg) >> 18)
#define I2(pg)		(((pg) >> 9) & (FAN - 1))
#define I3(pg)		((pg) & (FAN - 1))
#define NPAGES		(FDATA_MAX / FDATA_PAGE)

static void **
table(void)
{
	void **t = pageAlloc();

	if (t)
		memset(t, 0, FDATA_PAGE);
	return t;
}

/* The slot of page pg, making the tables on the way if make; NULL if
 * absent (or no memory). */
static void **
slot(struct fdata *d, unsigned long pg, int make)
{
	void ***m, **l;

	if (!d->top && (!make || !(d->top = table())))
		return NULL;
	m = (void ***)&d->top[I1(pg)];
	if (!*m && (!make || !(*m = table())))
		return NULL;
	l = (void **)&(*m)[I2(pg)];
	if (!*l && (!make || !(*l = table())))
		return NULL;
	return &((void **)*l)[I3(pg)];
}

const void *
fdataGet(const struct fdata *d, unsigned long pg)
{
	void **s;

	if (pg >= NPAGES || !(s = slot((struct fdata *)d, pg, 0)))
		return NULL;
	return *s;
}

static int
zero(const unsigned char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

long
fdataWrite(struct fdata *d, unsigned long off, const void *buf, unsigned long n)
{
	const unsigned char *b = buf;

	if (off > FDATA_MAX || n > FDATA_MAX - off)
		return -L_EFBIG;
	while (n) {
		unsigned long pg = off / FDATA_PAGE, po = off % FDATA_PAGE;
		unsigned long k = n < FDATA_PAGE - po ? n : FDATA_PAGE - po;
		void **s = slot(d, pg, 0);
		int z = zero(b, k);
		if (s && *s && z && k == FDATA_PAGE) {
			pageFree(*s);
			*s = NULL;
			d->pages--;
		} else if (!z || (s && *s)) {
			if (!s && !(s = slot(d, pg, 1)))
				return -L_ENOMEM;
			if (!*s) {
				if (!(*s = pageAlloc()))
					return -L_ENOMEM;
				memset(*s, 0, FDATA_PAGE);
				d->pages++;
			}
			memcpy((unsigned char *)*s + po, b, k);
		}
		off += k;
		b += k;
		n -= k;
	}
	return 0;
}

void
fdataRead(const struct fdata *d, unsigned long off, void *buf, unsigned long n)
{
	unsigned char *b = buf;

	while (n) {
		unsigned long pg = off / FDATA_PAGE, po = off % FDATA_PAGE;
		unsigned long k = n < FDATA_PAGE - po ? n : FDATA_PAGE - po;
		const unsigned char *p = fdataGet(d, pg);
		if (p)
			memcpy(b, p + po, k);
		else
			memset(b, 0, k);
		off += k;
		b += k;
		n -= k;
	}
}

static int
empty(void **t)
{
	for (int i = 0; i < FAN; i++)
		if (t[i])
			return 0;
	return 1;
}

/* Frees the pages from page `first` on, and the tables left empty. */
static void
drop_from(struct fdata *d, unsigned long first)
{
	if (!d->top)
		return;
	for (unsigned long i1 = 0; i1 < FAN; i1++) {
		void **m = d->top[i1];
		if (!m || ((i1 + 1) << 18) <= first)
			continue;
		for (unsigned long i2 = 0; i2 < FAN; i2++) {
			void **l = m[i2];
			unsigned long base = (i1 << 18) | (i2 << 9);
			if (!l || base + FAN <= first)
				continue;
			for (unsigned long i3 = 0; i3 < FAN; i3++)
				if (l[i3] && base + i3 >= first) {
					pageFree(l[i3]);
					l[i3] = NULL;
					d->pages--;
				}
			if (empty(l)) {
				pageFree(l);
				m[i2] = NULL;
			}
		}
		if (empty(m)) {
			pageFree(m);
			d->top[i1] = NULL;
		}
	}
	if (empty(d->top)) {
		pageFree(d->top);
		d->top = NULL;
	}
}

void
fdataCut(struct fdata *d, unsigned long size)
{
	unsigned long po = size % FDATA_PAGE;
	void **s;

	drop_from(d, (size + FDATA_PAGE - 1) / FDATA_PAGE);
	if (po && (s = slot(d, size / FDATA_PAGE, 0)) && *s)
		memset((unsigned char *)*s + po, 0, FDATA_PAGE - po);
}

void
fdataFree(struct fdata *d)
{
	drop_from(d, 0);
}
