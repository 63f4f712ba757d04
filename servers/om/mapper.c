// SPDX-License-Identifier: MIT
/*
 * om as the mapper of its regular files.  A file's segment is named by
 * the key capMint makes for the object (gen << 32 | ino): a key for a
 * freed node, whose slot may hold a new node with a new generation, names
 * nothing.  The nucleus's calls, served under om.dlock only (om.h):
 *   PULLIN     the file's pages (holes and what lies past the data read
 *              as zeros: the body stops after the last page om has),
 *              granted the access asked;
 *   GETACCESS  granted as asked (the nucleus's copy is the newest while
 *              it holds write access; om's is updated by PUSHOUT);
 *   PUSHOUT    stored (a page of zeros frees om's page); for a file that
 *              is gone, dropped.
 * Keys that capCheck refuses get -K_EPERM, gone files -K_EIO; other
 * callers than the nucleus -K_EPERM.
 * Entry points: omCap, omMap, omDlock.
 */
#include "om.h"

#define PG		K_PAGE_SIZE

void
omCap(struct kcap *cap, unsigned long ino, unsigned gen)
{
	capMint(cap, &om.port, om.secret, (unsigned long)gen << 32 | ino);
}

void
omDlock(void *ctx, int hold)
{
	if (hold)
		mutexGet(&om.dlock);
	else
		mutexRel(&om.dlock);
}

/* The regular file a mapper request's key names, or NULL; om.dlock held. */
static struct rnode *
file_of(const struct kmapreq *rq, long *err)
{
	struct kcap cap = { om.port, { rq->key[0], rq->key[1] } };
	unsigned long obj;
	struct rnode *n;

	if (capCheck(&cap, &om.port, om.secret, &obj) < 0) {
		*err = -K_EPERM;
		return NULL;
	}
	n = rfsNodeGen(&om.fs, obj & 0xffffffffUL, (unsigned)(obj >> 32));
	if (!n || !rfsIsReg(n)) {
		*err = -K_EIO;
		return NULL;
	}
	return n;
}

/* PULLIN's data into buf: its size, up to the end of the last page held. */
static unsigned long
pull(const struct rnode *n, unsigned long off, unsigned long size, unsigned char *buf)
{
	unsigned long end = 0;

	if (off >= FDATA_MAX)
		return 0;
	for (unsigned long d = 0; d < size && off + d < FDATA_MAX; d += PG) {
		const unsigned char *p = fdataGet(&n->data, (off + d) / PG);
		unsigned long k = size - d < PG ? size - d : PG;
		if (p) {
			memcpy(buf + d, p, k);
			end = d + k;
		} else {
			memset(buf + d, 0, k);
		}
	}
	return end;
}

long
omMap(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	struct kmapreq rq;
	struct rnode *n;
	long err = K_OK;

	if (req->protid != K_PROTID_NUCLEUS)
		return -K_EPERM;
	memcpy(&rq, req->annex, sizeof(rq));
	if ((rq.offset & (PG - 1)) || rq.size > K_BODY_MAX ||
	    (rq.op == K_MAP_PUSHOUT && req->bodysize != rq.size))
		return -K_EINVAL;
	if (rq.op == K_MAP_PUSHOUT)
		pagesReserve(rq.size / PG + 3);	/* the data and up to 3 tables */
	mutexGet(&om.dlock);
	n = file_of(&rq, &err);
	if (rq.op == K_MAP_PULLIN && n) {
		reply->body = req->body;	/* the request has none: the buffer is free */
		reply->bodysize = pull(n, rq.offset, rq.size, req->body);
	} else if (rq.op == K_MAP_PUSHOUT) {
		if (n && fdataWrite(&n->data, rq.offset, req->body, rq.size) < 0)
			err = rq.offset > FDATA_MAX - rq.size ? -K_EINVAL : -K_ENOMEM;
		else if (err == -K_EIO)
			err = K_OK;		/* the file went: nobody wants the data */
	}
	mutexRel(&om.dlock);
	reply->annex[1] = rq.access | K_PROT_READ;
	return err;
}
