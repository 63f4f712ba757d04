// SPDX-License-Identifier: MIT
/*
 * The om protocol (servers/include/unix/proto.h): each handler unpacks
 * its request (annex words, credentials, paths from the body), calls the
 * RAM file system (om.lock held: HANDLER) and packs the reply.  Only
 * callers with protection identifier UNIX_PROTID are served.
 * Replies with a body (stat, getdents, readlink, statfs) use the request's
 * body buffer, which srvLoop sends before it receives again.  Cuts of file
 * data that the nucleus may cache go to the worker (mapper.c), which
 * answers the call.
 * Entry points: omOps, omNops.
 */
#include "om.h"

/* A handler of the om protocol: after the protid check, it runs with
 * om.lock held, on this thread or on the worker's (omRun). */
#define HANDLER(name) \
	static long name##_(struct kmsg *req, struct kmsg *reply); \
	static long name(struct kmsg *req, struct kmsg *reply, void *ctx) \
	{ return req->protid == UNIX_PROTID ? omRun(name##_, req, reply) : -L_EPERM; } \
	static long name##_(struct kmsg *req, struct kmsg *reply)

#define W(i)	(req->annex[i])

static struct rcred
cred(unsigned long w)
{
	struct rcred c = { UNIX_CRED_UID(w), UNIX_CRED_GID(w) };
	return c;
}

/* The NUL-terminated string at *at in the body; *at moves past it. */
static long
body_str(const struct kmsg *req, unsigned long *at, const char **s)
{
	const char *b = (const char *)req->body + *at;
	unsigned long left = req->bodysize > *at ? req->bodysize - *at : 0;

	for (unsigned long i = 0; i < left && i < UNIX_PATH_MAX; i++)
		if (!b[i]) {
			*s = b;
			*at += i + 1;
			return 0;
		}
	return left >= UNIX_PATH_MAX ? -L_ENAMETOOLONG : -L_EINVAL;
}

static long
path1(const struct kmsg *req, const char **p)
{
	unsigned long at = 0;

	return body_str(req, &at, p);
}

static long
path2(const struct kmsg *req, const char **a, const char **b)
{
	unsigned long at = 0;
	long r = body_str(req, &at, a);

	return r < 0 ? r : body_str(req, &at, b);
}

/* The reply's body: n bytes of src through the request's buffer. */
static void
reply_body(struct kmsg *req, struct kmsg *reply, const void *src, unsigned long n)
{
	memmove(req->body, src, n);
	reply->body = req->body;
	reply->bodysize = n;
}

HANDLER(do_open)
{
	unsigned long flags = W(2);
	struct rcred c = cred(W(4));
	struct omjob *job = NULL;
	struct ropen o;
	struct kcap cap;
	const char *p;
	long r;

	if ((r = path1(req, &p)) < 0)
		return r;
	if ((flags & L_O_TRUNC) && !(job = omJobNew()))
		return -L_ENOMEM;
	if ((r = rfsOpen(&om.fs, W(1), p, flags, (unsigned)W(3), &c, &o)) >= 0) {
		struct rnode *n = o.node;
		if (o.trunc && !n->mapped) {		/* the nucleus has none of it */
			rfsCut(&om.fs, n, 0, 0);
			o.trunc = 0;
		}
		reply->annex[1] = n->ino;
		reply->annex[2] = n->mode;
		reply->annex[3] = o.trunc ? 0 : n->size;
		reply->annex[4] = n->rdev;
		if (rfsIsReg(n)) {
			n->mapped = 1;
			omCap(&cap, n->ino, n->gen);
			reply->annex[5] = cap.key[0];
			reply->annex[6] = cap.key[1];
		}
		reply->annex[7] = (unsigned long)o.created;
		if (o.trunc) {
			omJobCut(job, n->ino, n->gen, 0, req->reply, reply);
			job = NULL;
			r = SRV_NOREPLY;
		}
	}
	free(job);
	return r;
}

HANDLER(do_close)
{
	long r;

	r = rfsClose(&om.fs, W(1));
	return r;
}

HANDLER(do_stat)
{
	struct linux_stat st;
	long r;

	r = rfsStat(&om.fs, W(1), &st);
	if (r >= 0)
		reply_body(req, reply, &st, sizeof(st));
	return r;
}

HANDLER(do_statat)
{
	struct rcred c = cred(W(4));
	struct linux_stat st;
	const char *p;
	long r;

	if ((r = path1(req, &p)) < 0)
		return r;
	r = rfsStatAt(&om.fs, W(1), p, (W(2) & L_AT_SYMLINK_NOFOLLOW) != 0, &c, &st);
	if (r >= 0)
		reply_body(req, reply, &st, sizeof(st));
	return r;
}

HANDLER(do_getdents)
{
	unsigned long max = W(3) < K_BODY_MAX ? W(3) : K_BODY_MAX, next = W(2);
	long r;

	r = rfsGetdents(&om.fs, W(1), W(2), req->body, max, &next);
	if (r >= 0) {
		reply->body = req->body;
		reply->bodysize = (unsigned long)r;
		reply->annex[1] = next;
	}
	return r;
}

HANDLER(do_mkdir)
{
	struct rcred c = cred(W(4));
	const char *p;
	long r;

	if ((r = path1(req, &p)) < 0)
		return r;
	r = rfsMkdir(&om.fs, W(1), p, (unsigned)W(3), &c);
	return r;
}

HANDLER(do_mknod)
{
	struct rcred c = cred(W(4));
	const char *p;
	long r;

	if ((r = path1(req, &p)) < 0)
		return r;
	r = rfsMknod(&om.fs, W(1), p, (unsigned)W(3), W(5), &c);
	return r;
}

HANDLER(do_unlink)
{
	struct rcred c = cred(W(4));
	const char *p;
	long r;

	if ((r = path1(req, &p)) < 0)
		return r;
	r = rfsUnlink(&om.fs, W(1), p, (W(2) & L_AT_REMOVEDIR) != 0, &c);
	return r;
}

HANDLER(do_rename)
{
	struct rcred c = cred(W(4));
	const char *a, *b;
	long r;

	if ((r = path2(req, &a, &b)) < 0)
		return r;
	r = rfsRename(&om.fs, W(1), a, W(2), b, &c);
	return r;
}

HANDLER(do_link)
{
	struct rcred c = cred(W(4));
	const char *a, *b;
	long r;

	if ((r = path2(req, &a, &b)) < 0)
		return r;
	r = rfsLink(&om.fs, W(1), a, W(2), b, (W(3) & L_AT_SYMLINK_FOLLOW) != 0, &c);
	return r;
}

HANDLER(do_symlink)
{
	struct rcred c = cred(W(4));
	const char *t, *p;
	long r;

	if ((r = path2(req, &t, &p)) < 0)
		return r;
	r = rfsSymlink(&om.fs, W(1), t, p, &c);
	return r;
}

HANDLER(do_readlink)
{
	struct rcred c = cred(W(4));
	const char *p, *t;
	long r;

	if ((r = path1(req, &p)) < 0)
		return r;
	if ((r = rfsReadlink(&om.fs, W(1), p, &c, &t)) >= 0)
		reply_body(req, reply, t, (unsigned long)r);
	return r;
}

HANDLER(do_access)
{
	struct rcred c = cred(W(4));
	const char *p;
	long r;

	if ((r = path1(req, &p)) < 0)
		return r;
	if (W(2) > 7)
		return -L_EINVAL;
	r = rfsAccess(&om.fs, W(1), p, (int)W(2), (W(3) & L_AT_SYMLINK_NOFOLLOW) != 0, &c);
	return r;
}

HANDLER(do_chmod)
{
	struct rcred c = cred(W(4));
	long r;

	r = rfsChmod(&om.fs, W(1), (unsigned)W(3), &c);
	return r;
}

HANDLER(do_chown)
{
	struct rcred c = cred(W(4));
	long r;

	r = rfsChown(&om.fs, W(1), (unsigned)W(2), (unsigned)W(3), &c);
	return r;
}

HANDLER(do_truncate)
{
	struct rcred c = cred(W(4));
	struct omjob *job = omJobNew();
	struct rnode *n;
	long r;

	if (!job)
		return -L_ENOMEM;
	if ((r = rfsTruncateCheck(&om.fs, W(1), W(2), &c, &n)) >= 0) {
		if (n->mapped) {
			omJobCut(job, n->ino, n->gen, W(2), req->reply, reply);
			job = NULL;
			r = SRV_NOREPLY;
		} else {
			rfsCut(&om.fs, n, n->size < W(2) ? n->size : W(2), W(2));
		}
	}
	free(job);
	return r;
}

HANDLER(do_written)
{
	long r;

	r = rfsWritten(&om.fs, W(1), W(2));
	return r;
}

HANDLER(do_utimens)
{
	struct rcred c = cred(W(4));
	long r;

	r = rfsUtimens(&om.fs, W(1), (int64_t)W(2), (int64_t)W(3), &c);
	return r;
}

HANDLER(do_statfs)
{
	struct ksysinfo si;
	unsigned long v[5];

	if (sysInfo(&si) < 0)
		si.pages_free = 0;
	v[0] = pagesUsed() + si.pages_free;
	v[1] = si.pages_free;
	v[2] = RFS_INO_MAX;
	v[3] = RFS_INO_MAX - om.fs.nnodes;
	v[4] = om.fs.nrefs;
	reply_body(req, reply, v, sizeof(v));
	return 0;
}

const struct srv_op omOps[] = {
	{ OM_OPEN, 0, do_open },
	{ OM_CLOSE, 0, do_close },
	{ OM_STAT, 0, do_stat },
	{ OM_STATAT, 0, do_statat },
	{ OM_GETDENTS, 0, do_getdents },
	{ OM_MKDIR, 0, do_mkdir },
	{ OM_MKNOD, 0, do_mknod },
	{ OM_UNLINK, 0, do_unlink },
	{ OM_RENAME, 0, do_rename },
	{ OM_LINK, 0, do_link },
	{ OM_SYMLINK, 0, do_symlink },
	{ OM_READLINK, 0, do_readlink },
	{ OM_ACCESS, 0, do_access },
	{ OM_CHMOD, 0, do_chmod },
	{ OM_CHOWN, 0, do_chown },
	{ OM_TRUNCATE, 0, do_truncate },
	{ OM_WRITTEN, 0, do_written },
	{ OM_UTIMENS, 0, do_utimens },
	{ OM_STATFS, 0, do_statfs },
	{ K_MAP_PULLIN, 0, omMap },
	{ K_MAP_GETACCESS, 0, omMap },
	{ K_MAP_PUSHOUT, 0, omMap },
};
const size_t omNops = sizeof(omOps) / sizeof(omOps[0]);
