// SPDX-License-Identifier: MIT
/*
 * Pipe data and rules (see pipe.h): the ring, reads (data, end of file
 * or wait), writes (atomic up to UNIX_PIPE_BUF, -EPIPE without readers,
 * or wait) and the poll events of either end.
 * Entry points: pipeInit, pipeCount, pipeRoom, pipePut, pipeGet,
 * pipeRead, pipeWrite, pipePoll.
 */
#ifdef HOST_TEST
#include <string.h>
#else
#include <motet.h>
#endif
#include <unix/linux.h>
#include <unix/proto.h>
#include "pipe.h"

void
pipeInit(struct pipe *p, char *buf, size_t size)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->size = size;
}

size_t pipeCount(const struct pipe *p) { return (size_t)(p->head - p->tail); }
size_t pipeRoom(const struct pipe *p) { return p->size - pipeCount(p); }

/* Copies in up to n bytes, as many as there is room for. */
size_t
pipePut(struct pipe *p, const void *data, size_t n)
{
	const char *s = data;
	size_t room = pipeRoom(p), done = 0;

	if (n > room)
		n = room;
	while (done < n) {
		size_t off = (size_t)(p->head & (p->size - 1));
		size_t k = p->size - off;	/* up to the end of the ring */
		if (k > n - done)
			k = n - done;
		memcpy(p->buf + off, s + done, k);
		p->head += k;
		done += k;
	}
	return done;
}

/* Takes out up to n bytes. */
size_t
pipeGet(struct pipe *p, void *data, size_t n)
{
	char *d = data;
	size_t have = pipeCount(p), done = 0;

	if (n > have)
		n = have;
	while (done < n) {
		size_t off = (size_t)(p->tail & (p->size - 1));
		size_t k = p->size - off;
		if (k > n - done)
			k = n - done;
		memcpy(d + done, p->buf + off, k);
		p->tail += k;
		done += k;
	}
	return done;
}

/* A read of up to max bytes: their count, 0 at end of file, or PIPE_WAIT. */
long
pipeRead(struct pipe *p, void *data, size_t max)
{
	if (max == 0)
		return 0;
	if (pipeCount(p))
		return (long)pipeGet(p, data, max);
	return p->writers ? PIPE_WAIT : 0;
}

/*
 * More of a write of n bytes, *done of which went in already (data
 * points at the whole write).  Returns n once all of it is in, PIPE_WAIT
 * if the rest must wait for room, -L_EPIPE if nobody reads (the caller
 * reports *done instead if it is not 0).
 */
long
pipeWrite(struct pipe *p, const void *data, size_t n, size_t *done)
{
	size_t left = n - *done, room = pipeRoom(p);

	if (!p->readers)
		return -L_EPIPE;
	if (n <= UNIX_PIPE_BUF && room < left)
		return PIPE_WAIT;
	*done += pipePut(p, (const char *)data + *done, left);
	return *done == n ? (long)n : PIPE_WAIT;
}

/* The poll events of the reading or writing end. */
int
pipePoll(const struct pipe *p, int reading)
{
	int ev = 0;

	if (reading) {
		if (pipeCount(p))
			ev |= L_POLLIN | L_POLLRDNORM;
		if (!p->writers)
			ev |= L_POLLIN | L_POLLRDNORM | L_POLLHUP;
	} else {
		if (pipeRoom(p) >= UNIX_PIPE_BUF)
			ev |= L_POLLOUT | L_POLLWRNORM;
		if (!p->readers)
			ev |= L_POLLOUT | L_POLLWRNORM | L_POLLERR;
	}
	return ev;
}
