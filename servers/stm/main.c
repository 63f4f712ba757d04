// SPDX-License-Identifier: MIT
/*
 * stm, the stream manager: the console terminal and pipes, served to pm
 * on the built port UNIX_PORT_STM (protocol in unix/proto.h).  One
 * thread runs the server loop; the console's input and timer threads
 * (console.c) finish waiting calls too.  Every handler decodes and checks
 * its request (protection identifier, key), then takes stm_lock and acts
 * through the stream's family: pipes.c, console.c, ioctl.c; keys.c keeps
 * the keys, waiting calls and cancels.
 * Started by the boot configuration as `user trusted stm`.
 */
#include "stm.h"

kmutex_t stm_lock = KMUTEX_INIT;
char stm_dbuf[STM_IO_MAX];
static char reqbuf[STM_IO_MAX];		/* request bodies */
static char rbuf[STM_IO_MAX];		/* bodies of immediate replies */

#define CHECK_PROT(req) do { \
	if ((req)->protid != UNIX_PROTID) \
		return -L_EPERM; } while (0)

/* STM_OPEN: the console; ttys (major 4) are the console too for now. */
static long
do_open(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	unsigned long dev = req->annex[1], key;

	CHECK_PROT(req);
	if (dev != L_MKDEV(5, 1) && dev != L_MKDEV(5, 0) && L_MAJOR(dev) != 4)
		return -L_ENXIO;
	mutexGet(&stm_lock);
	key = keyNew(KEY_TTY, &stm_console.s);
	mutexRel(&stm_lock);
	if (!key)
		return -L_ENFILE;
	reply->annex[1] = key;
	return 0;
}

static long
do_pipe(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	long r;

	CHECK_PROT(req);
	mutexGet(&stm_lock);
	r = pipeOpen(req, reply);
	mutexRel(&stm_lock);
	return r;
}

static long
do_close(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	unsigned long key = req->annex[1];
	struct stream *obj;
	int type;

	CHECK_PROT(req);
	mutexGet(&stm_lock);
	type = keyGet(key, &obj);
	if (type != KEY_FREE) {
		pendCloseKey(key);
		keyFree(key);
		if (type == KEY_PIPE_R || type == KEY_PIPE_W)
			pipeClose((struct spipe *)obj, type);
	}
	mutexRel(&stm_lock);
	return type == KEY_FREE ? -L_EBADF : 0;
}

/* The part of STM_READ and STM_WRITE under the lock. */
static long
io(struct kmsg *req, struct kmsg *reply, int reading)
{
	struct stream *obj;
	int type = keyGet(req->annex[1], &obj);

	if (type == KEY_FREE)
		return -L_EBADF;
	if (cancelTake((int)req->annex[4], req->annex[6]))
		return -L_EINTR;
	switch (type) {
	case KEY_TTY:
		return reading ? ttyDoRead(req, reply, (struct stty *)obj, rbuf)
			       : ttyDoWrite(req, reply, (struct stty *)obj);
	case KEY_PIPE_R:
		return reading ? pipeDoRead(req, reply, (struct spipe *)obj, rbuf) : -L_EBADF;
	case KEY_PIPE_W:
		return reading ? -L_EBADF : pipeDoWrite(req, reply, (struct spipe *)obj);
	}
	return -L_EBADF;
}

static long
do_read(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	long r;

	CHECK_PROT(req);
	mutexGet(&stm_lock);
	r = io(req, reply, 1);
	mutexRel(&stm_lock);
	return r;
}

static long
do_write(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	long r;

	CHECK_PROT(req);
	mutexGet(&stm_lock);
	r = io(req, reply, 0);
	mutexRel(&stm_lock);
	return r;
}

static long
do_ioctl(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	struct stream *obj;
	int type;
	long r;

	CHECK_PROT(req);
	mutexGet(&stm_lock);
	type = keyGet(req->annex[1], &obj);
	if (type == KEY_FREE) {
		r = -L_EBADF;
	} else if (type == KEY_TTY) {
		r = ttyIoctl(req, reply, (struct stty *)obj, rbuf);
	} else if (req->annex[2] == L_FIONREAD) {
		int n = (int)pipeCount(&((struct spipe *)obj)->p);
		memcpy(rbuf, &n, sizeof(n));
		reply->body = rbuf;
		reply->bodysize = sizeof(n);
		r = 0;
	} else {
		r = -L_ENOTTY;
	}
	mutexRel(&stm_lock);
	return r;
}

static long
do_poll(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	unsigned long events = req->annex[2], cookie = req->annex[3];
	struct stream *obj;
	int type;
	long ev;

	CHECK_PROT(req);
	mutexGet(&stm_lock);
	type = keyGet(req->annex[1], &obj);
	if (type == KEY_FREE) {
		mutexRel(&stm_lock);
		return -L_EBADF;
	}
	if (type == KEY_TTY)
		ev = ttyDoPoll((struct stty *)obj);
	else
		ev = pipeDoPoll((struct spipe *)obj, type);
	ev &= (long)events | L_POLLERR | L_POLLHUP;
	if (!ev && cookie)
		streamWatch(obj, cookie);
	mutexRel(&stm_lock);
	return ev;
}

static long
do_cancel(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	CHECK_PROT(req);
	mutexGet(&stm_lock);
	cancelCall((int)req->annex[1], req->annex[2]);
	mutexRel(&stm_lock);
	return 0;
}

static long
do_stat(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	static unsigned long v[2];

	CHECK_PROT(req);
	mutexGet(&stm_lock);
	stmCounts(&v[0], &v[1]);
	mutexRel(&stm_lock);
	reply->body = v;
	reply->bodysize = sizeof(v);
	return 0;
}

static const struct srv_op ops[] = {
	{ STM_STAT, 0, do_stat },
	{ STM_OPEN, 0, do_open },
	{ STM_PIPE, 0, do_pipe },
	{ STM_CLOSE, 0, do_close },
	{ STM_READ, 0, do_read },
	{ STM_WRITE, 0, do_write },
	{ STM_IOCTL, 0, do_ioctl },
	{ STM_POLL, 0, do_poll },
	{ STM_CANCEL, 0, do_cancel },
};

int
main(int argc, char **argv)
{
	struct kui want = unixPort(UNIX_PORT_STM), port;
	long r;

	if ((r = actorSetProtId(0, UNIX_PROTID)) < 0)
		kprintf("stm: actorSetProtId: %s\n", kerrName(r));
	if ((r = portCreate(&want, &port)) < 0) {
		kprintf("stm: portCreate: %s\n", kerrName(r));
		return 1;
	}
	if ((r = consoleStart()) < 0) {
		kprintf("stm: console: %s\n", kerrName(r));
		return 1;
	}
	r = srvLoop(&port, ops, sizeof(ops) / sizeof(ops[0]), NULL, reqbuf, sizeof(reqbuf));
	kprintf("stm: server loop ended: %s\n", kerrName(r));
	return 1;
}
