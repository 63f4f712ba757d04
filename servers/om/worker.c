// SPDX-License-Identifier: MIT
/*
 * The worker: one thread that runs, in order, what a server thread must
 * not (om.h): the requests that found om.lock taken (omRun queues a copy
 * and the worker answers it), and the calls on om's own segments that make
 * the nucleus call om back:
 *   - the cut of a file (OM_TRUNCATE, OM_OPEN with O_TRUNC):
 *     sgFlush(K_FLUSH_DESTROY) of the pages past the new end, zeros
 *     written with sgWrite over the rest of the last page (its cached copy
 *     may be dirty), then om's own copy is cut, then the call is answered;
 *   - the flush of every cached page of a file that went (rfs's `freed`).
 * Entry points: omRun, omJobNew, omJobCut, omFreed, omWorkerStart.
 */
#include "om.h"

#define PG		K_PAGE_SIZE
#define ALL		(1UL << 62)		/* sgFlush size: to the end */

enum { JOB_CALL, JOB_CUT, JOB_GONE };

struct omjob {
	struct omjob *next;
	int kind;
	/* JOB_CALL */
	om_handler_t fn;
	unsigned long annex[K_ANNEX_SIZE / 8], protid;
	void *body;
	unsigned long bodysize;
	/* JOB_CUT, JOB_GONE: the file; JOB_CUT: its new size */
	unsigned long ino, size;
	unsigned gen;
	/* JOB_CALL, JOB_CUT: the call to answer (0: none) and its reply */
	unsigned long token;
	struct kmsg reply;
};

static kmutex_t qlock = KMUTEX_INIT;	/* the queue */
static struct omjob *qhead, **qtail = &qhead;
static ksem_t qsem;			/* counts the jobs queued */
static const unsigned char zeros[PG];
static unsigned char wbuf[K_BODY_MAX];	/* the body of the call being run */

struct omjob *
omJobNew(void)
{
	struct omjob *j = malloc(sizeof(*j));

	if (j)
		memset(j, 0, sizeof(*j));
	return j;
}

static void
queue(struct omjob *j)
{
	mutexGet(&qlock);
	j->next = NULL;
	*qtail = j;
	qtail = &j->next;
	mutexRel(&qlock);
	semV(&qsem);
}

long
omRun(om_handler_t fn, struct kmsg *req, struct kmsg *reply)
{
	struct omjob *j;
	long r;

	if (mutexTry(&om.lock)) {
		r = fn(req, reply);
		mutexRel(&om.lock);
		return r;
	}
	if (!(j = omJobNew()) || (req->bodysize && !(j->body = malloc(req->bodysize)))) {
		free(j);
		return -L_ENOMEM;
	}
	j->kind = JOB_CALL;
	j->fn = fn;
	memcpy(j->annex, req->annex, sizeof(j->annex));
	j->protid = req->protid;
	j->token = req->reply;
	j->bodysize = req->bodysize;
	if (j->bodysize)
		memcpy(j->body, req->body, j->bodysize);
	queue(j);
	return SRV_NOREPLY;
}

void
omJobCut(struct omjob *j, unsigned long ino, unsigned gen, unsigned long size,
	 unsigned long token, const struct kmsg *reply)
{
	j->kind = JOB_CUT;
	j->ino = ino;
	j->gen = gen;
	j->size = size;
	j->token = token;
	j->reply = *reply;
	queue(j);
}

/* rfs's `freed` hook, om.lock held: the pages of a gone file leave the cache. */
void
omFreed(void *ctx, unsigned long ino, unsigned gen)
{
	struct omjob *j = omJobNew();

	if (!j) {
		kprintf("om: no memory: the cached pages of ino %lu stay\n", ino);
		return;
	}
	j->kind = JOB_GONE;
	j->ino = ino;
	j->gen = gen;
	queue(j);
}

static void
call(struct omjob *j)
{
	struct kmsg req, reply;
	long r;

	memset(&req, 0, sizeof(req));
	memset(&reply, 0, sizeof(reply));
	memcpy(req.annex, j->annex, sizeof(req.annex));
	memcpy(wbuf, j->body, j->bodysize);
	req.body = wbuf;
	req.bodysize = j->bodysize;
	req.protid = j->protid;
	req.reply = j->token;
	mutexGet(&om.lock);
	r = j->fn(&req, &reply);
	mutexRel(&om.lock);
	if (r != SRV_NOREPLY && j->token)
		srvReply(j->token, r, &reply);
	free(j->body);
}

/* Cuts file (ino, gen) to j->size; its status. */
static long
cut(struct omjob *j)
{
	unsigned long at;
	struct kcap cap;
	struct rnode *n;
	long r = 0, k;

	mutexGet(&om.lock);
	n = rfsNodeGen(&om.fs, j->ino, j->gen);
	at = n && n->size < j->size ? n->size : j->size;
	mutexRel(&om.lock);
	if (!n)
		return 0;			/* gone meanwhile */
	omCap(&cap, j->ino, j->gen);
	if ((k = sgFlush(&cap, (at + PG - 1) & ~(PG - 1), ALL, K_FLUSH_DESTROY)) < 0 ||
	    ((at & (PG - 1)) && (k = sgWrite(&cap, at, zeros, PG - (at & (PG - 1)))) < 0)) {
		kprintf("om: cutting ino %lu: %s\n", j->ino, kerrName(k));
		r = -L_EIO;
	}
	mutexGet(&om.lock);
	if ((n = rfsNodeGen(&om.fs, j->ino, j->gen))) {
		if (n->size < at)
			at = n->size;
		rfsCut(&om.fs, n, at, j->size);
	}
	mutexRel(&om.lock);
	return r;
}

static void
worker(void *arg)
{
	omTouchStack();
	memset(wbuf, 0, sizeof(wbuf));
	for (;;) {
		struct omjob *j;
		struct kcap cap;
		long r;

		semP(&qsem, K_NOTIMEOUT);
		mutexGet(&qlock);
		if ((j = qhead) && !(qhead = j->next))
			qtail = &qhead;
		mutexRel(&qlock);
		if (!j)
			continue;
		if (j->kind == JOB_CALL) {
			call(j);
		} else if (j->kind == JOB_CUT) {
			r = cut(j);
			if (j->token)
				srvReply(j->token, r, &j->reply);
		} else {
			omCap(&cap, j->ino, j->gen);
			if ((r = sgFlush(&cap, 0, ALL, K_FLUSH_DESTROY)) < 0)
				kprintf("om: flushing ino %lu: %s\n", j->ino, kerrName(r));
		}
		free(j);
	}
}

long
omWorkerStart(void)
{
	semInit(&qsem, 0);
	return threadStart(worker, NULL, 0, OM_STACK);
}
