// SPDX-License-Identifier: MIT
/*
 * Pipes: STM_PIPE makes one (a 64 KiB ring, pipe.c) named by a read key
 * and a write key.  A read of an empty pipe with a writer, or a write
 * that does not fit, waits in stm_pends and is finished by pipeServe
 * whenever the pipe changes: after a read, a write, a close or a cancel.
 * Waiting writers go in arrival order, so a big write that goes in piece
 * by piece is never overtaken by a later one.  With stm_lock held.
 * Entry points: pipeOpen, pipeDoRead, pipeDoWrite, pipeServe, pipeClose,
 * pipeDoPoll, pipeCancel.
 */
#include "stm.h"

/* STM_PIPE: reply w1 the read key, w2 the write key. */
long
pipeOpen(struct kmsg *req, struct kmsg *reply)
{
	struct spipe *sp = malloc(sizeof(*sp));
	char *buf = malloc(UNIX_PIPE_SIZE);
	unsigned long rk = 0, wk = 0;
	long st = -L_ENOMEM;

	if (!sp || !buf)
		goto fail;
	st = -L_ENFILE;
	memset(sp, 0, sizeof(*sp));
	sp->s.kind = STREAM_PIPE;
	pipeInit(&sp->p, buf, UNIX_PIPE_SIZE);
	if (!(rk = keyNew(KEY_PIPE_R, &sp->s)) || !(wk = keyNew(KEY_PIPE_W, &sp->s)))
		goto fail;
	sp->p.readers = sp->p.writers = 1;
	reply->annex[1] = rk;
	reply->annex[2] = wk;
	return 0;
fail:
	if (rk)
		keyFree(rk);
	free(buf);
	free(sp);
	return st;
}

static int
has_writers_waiting(struct spipe *sp)
{
	for (struct pend *p = stm_pends.next; p != &stm_pends; p = p->next)
		if (p->obj == &sp->s && p->op == STM_WRITE)
			return 1;
	return 0;
}

/* STM_READ on a read key: data into buf, end of file, or wait. */
long
pipeDoRead(struct kmsg *req, struct kmsg *reply, struct spipe *sp, char *buf)
{
	size_t max = req->annex[2] < STM_IO_MAX ? req->annex[2] : STM_IO_MAX;
	struct pend *p;
	long r = pipeRead(&sp->p, buf, max);

	if (r != PIPE_WAIT) {
		if (r > 0) {
			reply->body = buf;
			reply->bodysize = (size_t)r;
			pipeServe(sp);
			streamChanged(&sp->s);
		}
		return r;
	}
	if (req->annex[3] & L_O_NONBLOCK)
		return -L_EAGAIN;
	if (!req->reply)
		return -L_EINVAL;
	if (!(p = pendNew(req, &sp->s)))
		return -L_ENOMEM;
	p->max = max;
	return SRV_NOREPLY;
}

/* STM_WRITE on a write key: all of it, what fits (O_NONBLOCK), or wait. */
long
pipeDoWrite(struct kmsg *req, struct kmsg *reply, struct spipe *sp)
{
	size_t n = req->bodysize, done = 0;
	struct pend *p;
	char *copy;
	long r = PIPE_WAIT;

	if (n == 0)
		return 0;
	if (!sp->p.readers)
		return -L_EPIPE;
	if (!has_writers_waiting(sp))
		r = pipeWrite(&sp->p, req->body, n, &done);
	if (done) {
		pipeServe(sp);
		streamChanged(&sp->s);
	}
	if (r != PIPE_WAIT)
		return r;
	if ((req->annex[3] & L_O_NONBLOCK) || !req->reply)
		return done ? (long)done : -L_EAGAIN;
	if (!(copy = malloc(n)))
		return done ? (long)done : -L_ENOMEM;
	if (!(p = pendNew(req, &sp->s))) {
		free(copy);
		return done ? (long)done : -L_ENOMEM;
	}
	memcpy(copy, req->body, n);
	p->data = copy;
	p->len = n;
	p->done = done;
	return SRV_NOREPLY;
}

/* One pass over the pipe's waiting calls; 1 if one of them moved bytes. */
static int
serve_once(struct spipe *sp)
{
	struct pend *p, *next;
	int moved = 0, writer_blocked = 0;

	for (p = stm_pends.next; p != &stm_pends; p = next) {
		next = p->next;
		if (p->obj != &sp->s)
			continue;
		if (p->op == STM_READ) {
			long r = pipeRead(&sp->p, stm_dbuf, p->max);
			if (r == PIPE_WAIT)
				continue;
			moved |= r > 0;
			pendReply(p, r, stm_dbuf, r > 0 ? (size_t)r : 0);
		} else if (!writer_blocked) {
			size_t before = p->done;
			long r = pipeWrite(&sp->p, p->data, p->len, &p->done);
			moved |= p->done != before;
			if (r == PIPE_WAIT)
				writer_blocked = 1;
			else if (r == -L_EPIPE && p->done)
				pendReply(p, (long)p->done, NULL, 0);
			else
				pendReply(p, r, NULL, 0);
		}
	}
	return moved;
}

/* Finishes what the pipe's state now allows; tells the pollers if it moved. */
void
pipeServe(struct spipe *sp)
{
	int moved = 0;

	while (serve_once(sp))
		moved = 1;
	if (moved)
		streamChanged(&sp->s);
}

/* One end's key was closed (its waiting calls answered already). */
void
pipeClose(struct spipe *sp, int type)
{
	if (type == KEY_PIPE_R)
		sp->p.readers--;
	else
		sp->p.writers--;
	if (sp->p.readers == 0 && sp->p.writers == 0) {
		/* every key is closed, so nothing of it waits */
		streamChanged(&sp->s);
		free(sp->p.buf);
		free(sp);
		return;
	}
	pipeServe(sp);
	streamChanged(&sp->s);
}

long
pipeDoPoll(struct spipe *sp, int type)
{
	return pipePoll(&sp->p, type == KEY_PIPE_R);
}

/* STM_CANCEL of a waiting pipe call: -EINTR, or the bytes a write moved. */
void
pipeCancel(struct pend *p)
{
	struct spipe *sp = (struct spipe *)p->obj;

	if (p->op == STM_WRITE && p->done)
		pendReply(p, (long)p->done, NULL, 0);
	else
		pendReply(p, -L_EINTR, NULL, 0);
	pipeServe(sp);			/* a write behind it may go now */
}
