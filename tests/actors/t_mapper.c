// SPDX-License-Identifier: MIT
/*
 * t_mapper TEST: the test mapper of the VM tests (started by t_vmseg as a
 * user actor, not trusted; TEST is the test's port as hex "head.stamp").
 * It creates a port, says OP_HELLO {port} to TEST, and serves the port
 * with NTHREADS threads running srvLoop: the mapper protocol of
 * abi/motet/vm.h for MAP_NSEG segments kept in its own memory, and the
 * control calls of tests/actors/tvm.h (grant mode, failing or held
 * answers, its log, its copy of the data, sgFlush of its own segments).
 *
 * Every K_MAP_* call is checked for the nucleus's protection identifier
 * (others are answered -K_EPERM and counted, not logged) and logged as
 * its struct kmapreq.  PULLIN answers the data of [offset, offset + size)
 * (cut at the segment's end); PUSHOUT stores its body; GETACCESS only
 * grants.  Several threads: sgFlush (MC_FLUSH) waits in one of them while
 * the nucleus pushes pages out to the others.  Ends on MC_QUIT, or by
 * itself after IDLE without a message (a test that lost it).
 */
#include "tvm.h"

#define NTHREADS	4
#define NHELD		32
#define IDLE		(30 * SEC)

static struct kui test, port;
static unsigned char *store;		/* segment s at store + s * MAP_SEGSIZE */
static unsigned char bufs[NTHREADS][K_BODY_MAX];

static kmutex_t lock;			/* the log and the held calls */
static struct kmapreq logv[MAP_LOG_MAX];
static long nlog, refused;
static struct held {
	unsigned long token;
	struct kmapreq rq;
} held[NHELD];
static int nheld;

static volatile long grant = GRANT_EXACT, fail, hold;
static volatile long last;		/* time of the last message */

static void
log_add(const struct kmapreq *rq)
{
	mutexGet(&lock);
	if (nlog < MAP_LOG_MAX)
		logv[nlog] = *rq;
	nlog++;
	mutexRel(&lock);
}

/* The copy of [off, off + *n) of segment s, *n cut at the segment's end; NULL if bad. */
static unsigned char *
data_at(unsigned long s, unsigned long off, unsigned long *n)
{
	if (s >= MAP_NSEG || off > MAP_SEGSIZE || *n > K_BODY_MAX)
		return NULL;
	if (*n > MAP_SEGSIZE - off)
		*n = MAP_SEGSIZE - off;
	return store + s * MAP_SEGSIZE + off;
}

static unsigned long
granted(unsigned long asked)
{
	return grant == GRANT_RW ? RW : grant == GRANT_READ ? RO : asked;
}

/* The answer to a PULLIN or GETACCESS (PUSHOUT data is stored on arrival). */
static long
answer(const struct kmapreq *rq, struct kmsg *reply)
{
	unsigned long n = rq->op == K_MAP_PULLIN ? rq->size : 0;
	unsigned char *d = data_at(rq->key[0], rq->offset, &n);

	if (!d || (rq->offset & (PG - 1)))
		return -K_EINVAL;
	if (rq->op == K_MAP_PUSHOUT)
		return K_OK;
	if (rq->op == K_MAP_PULLIN && fail)
		return fail;
	reply->annex[1] = granted(rq->access);
	reply->body = d;
	reply->bodysize = n;
	return K_OK;
}

static long
do_map(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	struct kmapreq rq;

	memcpy(&rq, req->annex, sizeof(rq));
	last = timeNow();
	if (req->protid != K_PROTID_NUCLEUS) {
		__atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
		return -K_EPERM;
	}
	log_add(&rq);
	if (rq.op == K_MAP_PUSHOUT) {
		unsigned long n = req->bodysize;
		unsigned char *d = data_at(rq.key[0], rq.offset, &n);
		if (!d || n != rq.size || req->bodysize != rq.size)
			return -K_EINVAL;
		memcpy(d, req->body, n);
	}
	mutexGet(&lock);
	if (hold && req->reply && nheld < NHELD) {
		held[nheld].token = req->reply;
		held[nheld++].rq = rq;
		mutexRel(&lock);
		return SRV_NOREPLY;
	}
	mutexRel(&lock);
	return answer(&rq, reply);
}

static long
do_grant(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	last = timeNow();
	if (req->annex[1] > GRANT_READ)
		return -K_EINVAL;
	grant = (long)req->annex[1];
	return K_OK;
}

static long
do_fail(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	last = timeNow();
	fail = (long)req->annex[1];
	return K_OK;
}

/* Holding on, or off: then the held calls are answered, oldest first. */
static long
do_hold(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	struct held h[NHELD];
	int n;

	last = timeNow();
	mutexGet(&lock);
	hold = req->annex[1] != 0;
	n = hold ? 0 : nheld;
	memcpy(h, held, (size_t)n * sizeof(h[0]));
	if (!hold)
		nheld = 0;
	mutexRel(&lock);
	for (int i = 0; i < n; i++) {
		struct kmsg r = { 0 };
		long st = answer(&h[i].rq, &r);
		srvReply(h[i].token, st, &r);
	}
	return K_OK;
}

static long
do_log(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	unsigned long from = req->annex[1], max = req->annex[2];
	long n;

	last = timeNow();
	mutexGet(&lock);
	n = nlog;
	reply->annex[1] = (unsigned long)refused;
	reply->annex[2] = (unsigned long)nheld;
	mutexRel(&lock);
	if (from < (unsigned long)n && from < MAP_LOG_MAX) {
		unsigned long k = (unsigned long)(n < MAP_LOG_MAX ? n : MAP_LOG_MAX) - from;
		if (k > max)
			k = max;
		if (k > MAP_LOG_CHUNK)
			k = MAP_LOG_CHUNK;
		reply->body = &logv[from];	/* entries below nlog no longer change */
		reply->bodysize = k * sizeof(logv[0]);
	}
	return n;
}

static long
do_reset(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	last = timeNow();
	mutexGet(&lock);
	nlog = 0;
	refused = 0;
	mutexRel(&lock);
	return K_OK;
}

static long
do_peek(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	unsigned long n = req->annex[3];
	unsigned char *d = data_at(req->annex[1], req->annex[2], &n);

	last = timeNow();
	if (!d)
		return -K_EINVAL;
	reply->body = d;
	reply->bodysize = n;
	return (long)n;
}

static long
do_poke(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	unsigned long n = req->bodysize;
	unsigned char *d = data_at(req->annex[1], req->annex[2], &n);

	last = timeNow();
	if (!d || n != req->bodysize)
		return -K_EINVAL;
	memcpy(d, req->body, n);
	return (long)n;
}

static long
do_flush(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	struct kcap c = { .port = port, .key = { req->annex[1], 0 } };

	last = timeNow();
	return sgFlush(&c, req->annex[2], req->annex[3], (long)req->annex[4]);
}

static long
do_quit(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	srvReply(req->reply, K_OK, reply);
	actorExit(0);
	return SRV_NOREPLY;
}

static const struct srv_op ops[] = {
	{ K_MAP_PULLIN, 0, do_map },
	{ K_MAP_GETACCESS, 0, do_map },
	{ K_MAP_PUSHOUT, 0, do_map },
	{ MC_GRANT, 0, do_grant },
	{ MC_FAIL, 0, do_fail },
	{ MC_HOLD, 0, do_hold },
	{ MC_LOG, 0, do_log },
	{ MC_RESET, 0, do_reset },
	{ MC_PEEK, 0, do_peek },
	{ MC_POKE, 0, do_poke },
	{ MC_FLUSH, 0, do_flush },
	{ MC_QUIT, 0, do_quit },
};

static void
server(void *arg)
{
	long r = srvLoop(&port, ops, sizeof(ops) / sizeof(ops[0]), NULL, arg, K_BODY_MAX);

	kprintf("t_mapper: srvLoop ended: %s\n", kerrName(r));
	actorExit(4);
}

int
main(int argc, char **argv)
{
	struct kmsg h;
	struct kaddr to;
	long base;

	if (argc < 2 || ui_parse(argv[1], &test) < 0) {
		kprintf("t_mapper: bad arguments\n");
		return 2;
	}
	mutexInit(&lock);
	base = rgnAllocate(0, MAP_NSEG * MAP_SEGSIZE, RW);
	if (K_IS_ERR(base) || portCreate(NULL, &port) < 0) {
		kprintf("t_mapper: no memory or port: %s\n", kerrName(base));
		return 3;
	}
	store = (unsigned char *)base;
	for (unsigned long s = 0; s < MAP_NSEG; s++)
		for (unsigned long o = 0; o < MAP_SEGSIZE; o += 8)
			*(unsigned long *)(store + s * MAP_SEGSIZE + o) = seg_word(s, o);
	for (int i = 0; i < NTHREADS; i++)
		threadStart(server, bufs[i], 0, 0);
	last = timeNow();
	h = (struct kmsg){ .annex = { OP_HELLO, port.head, port.stamp } };
	to = to_port(&test);
	ipcSend(&h, &to);
	while (timeNow() - last < IDLE)
		threadSleep(100 * MS);
	kprintf("t_mapper: no message for %ld s, ending\n", IDLE / SEC);
	return 3;
}
