/* SPDX-License-Identifier: MIT */
/*
 * A pipe's data and its rules, apart from who waits: a ring of
 * UNIX_PIPE_SIZE bytes, the counts of reading and writing ends, and what
 * a read or a write may do now.  Writes of up to UNIX_PIPE_BUF bytes go
 * in whole or not at all; bigger ones take what room there is.  No
 * nucleus call: it runs on the host for unit tests.  The caller
 * serializes the calls on one pipe (stm's lock).
 */
#ifndef STM_PIPE_H
#define STM_PIPE_H

#include <stddef.h>
#include <stdint.h>

#define PIPE_WAIT	(-100000L)	/* the call must wait */

struct pipe {
	char *buf;			/* size bytes, a power of two */
	size_t size;
	uint64_t head, tail;		/* data in [tail, head), free-running */
	int readers, writers;		/* open ends (keys) */
};

void pipeInit(struct pipe *p, char *buf, size_t size);
size_t pipeCount(const struct pipe *p);
size_t pipeRoom(const struct pipe *p);
size_t pipePut(struct pipe *p, const void *data, size_t n);
size_t pipeGet(struct pipe *p, void *data, size_t n);
long pipeRead(struct pipe *p, void *data, size_t max);
long pipeWrite(struct pipe *p, const void *data, size_t n, size_t *done);
int pipePoll(const struct pipe *p, int reading);

#endif
