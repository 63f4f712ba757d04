// SPDX-License-Identifier: MIT
/*
 * t_ipcsrv: the server loop and capabilities of lib/.  A server thread
 * runs srvLoop over a table (add, echo with a least body size, a deferred
 * reply, a handler error, open and read through capabilities, stop) on
 * all enabled ports; the test checks the status word, unknown ops
 * (-K_ENOSYS), short and cut bodies (-K_EINVAL), one-way requests (run,
 * not answered), a reply from a worker thread, SRV_STOP, and srvLoop
 * ending on a receive error.  capMint/capCheck: a key works for its
 * object and port only; a changed object, key, port or secret is
 * refused.  Runs in user and supervisor mode.
 */
#include "tipc.h"

enum { RQ_ADD = 1, RQ_ECHO, RQ_DEFER, RQ_FAIL, RQ_OPEN, RQ_READ, RQ_QUIT };

struct add_req {
	unsigned long op, a, b;
};
K_ANNEX_CHECK(struct add_req);

struct read_req {
	unsigned long op;
	struct kcap cap;
};
K_ANNEX_CHECK(struct read_req);

struct server {
	struct kui port, port2;
	unsigned long secret[2];
	volatile long oneway;		/* one-way adds seen */
	unsigned long token, arg;	/* the deferred request */
	ksem_t deferred, done;
	long result;			/* what srvLoop returned */
};

static struct server srv;
static unsigned char sbuf[1024], out[2048], in[2048];

static long
do_add(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	const struct add_req *a = (const void *)req->annex;
	struct server *s = ctx;

	if (!req->reply)
		s->oneway++;
	reply->annex[1] = a->a + a->b;
	return K_OK;
}

static long
do_echo(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	reply->body = req->body;
	reply->bodysize = req->bodysize;
	return (long)req->bodysize;
}

static long
do_defer(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	struct server *s = ctx;

	s->token = req->reply;
	s->arg = req->annex[1];
	semV(&s->deferred);
	return SRV_NOREPLY;
}

static long
do_fail(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	return -K_EBUSY;
}

/* A capability for object word 1 on the port the request came to. */
static long
do_open(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	struct server *s = ctx;
	struct read_req *r = (void *)reply->annex;

	capMint(&r->cap, &req->port, s->secret, req->annex[1]);
	return K_OK;
}

static long
do_read(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	const struct read_req *r = (const void *)req->annex;
	struct server *s = ctx;
	unsigned long object;
	long e = capCheck(&r->cap, &req->port, s->secret, &object);

	if (e < 0)
		return e;
	reply->annex[1] = object * 2;
	return K_OK;
}

static long
do_quit(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	return SRV_STOP;
}

static const struct srv_op ops[] = {
	{ RQ_ADD, 0, do_add },
	{ RQ_ECHO, 8, do_echo },
	{ RQ_DEFER, 0, do_defer },
	{ RQ_FAIL, 0, do_fail },
	{ RQ_OPEN, 0, do_open },
	{ RQ_READ, 0, do_read },
	{ RQ_QUIT, 0, do_quit },
};

static void
server_thread(void *arg)
{
	const struct kui *port = arg;

	srv.result = srvLoop(port, ops, sizeof(ops) / sizeof(ops[0]), &srv, sbuf, sizeof(sbuf));
	semV(&srv.done);
}

/* Answers the deferred request from another thread, 10 ms later. */
static void
worker_thread(void *arg)
{
	struct kmsg r = { 0 };

	if (semP(&srv.deferred, 2 * SEC) < 0)
		return;
	threadSleep(10 * MS);
	r.annex[1] = srv.arg + 7;
	CHECK_EQ(srvReply(srv.token, K_OK, &r), K_OK);
}

static long
request(const struct kui *port, struct kmsg *m, unsigned long op, unsigned long a,
	unsigned long b)
{
	struct kaddr to = to_port(port);

	m->src = (struct kui){ 0, 0 };		/* a reply into m stamped it */
	m->annex[0] = op;
	m->annex[1] = a;
	m->annex[2] = b;
	return ipcCall(m, &to, m, 2 * SEC);
}

static void
requests(void)
{
	struct kmsg m = { 0 };
	struct kaddr to = to_port(&srv.port);

	CHECK_EQ(request(&srv.port, &m, RQ_ADD, 2, 3), K_OK);
	CHECK_EQ(m.annex[0], K_OK);
	CHECK_EQ(m.annex[1], 5);
	CHECK_EQ(request(&srv.port2, &m, RQ_ADD, 4, 5), K_OK);	/* the other port */
	CHECK_EQ(m.annex[1], 9);
	CHECK_EQ(request(&srv.port, &m, 99, 0, 0), K_OK);
	CHECK_EQ(m.annex[0], -K_ENOSYS);
	CHECK_EQ(request(&srv.port, &m, RQ_FAIL, 0, 0), K_OK);
	CHECK_EQ(m.annex[0], -K_EBUSY);

	m = (struct kmsg){ .annex = { RQ_ADD, 1, 1 } };		/* one-way: no reply */
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	m.annex[0] = 99;
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	m = (struct kmsg){ 0 };
	CHECK_EQ(request(&srv.port, &m, RQ_ADD, 1, 1), K_OK);	/* the loop goes on */
	CHECK_EQ(srv.oneway, 1);
}

static void
bodies(void)
{
	struct kmsg m = { .body = out, .bodysize = 4 }, r = { .body = in, .bodysize = sizeof(in) };
	struct kaddr to = to_port(&srv.port);

	CHECK_EQ(request(&srv.port, &m, RQ_ECHO, 0, 0), K_OK);	/* less than 8 */
	CHECK_EQ(m.annex[0], -K_EINVAL);
	for (int i = 0; i < 100; i++)
		out[i] = (unsigned char)(i + 1);
	m = (struct kmsg){ .body = out, .bodysize = 100, .annex = { RQ_ECHO } };
	CHECK_EQ(ipcCall(&m, &to, &r, 2 * SEC), K_OK);
	CHECK_EQ(r.annex[0], 100);
	CHECK_EQ(r.bodysize, 100);
	CHECK(memcmp(in, out, 100) == 0, "echoed body differs");
	m = (struct kmsg){ .body = out, .bodysize = sizeof(sbuf) + 1 };	/* cut */
	CHECK_EQ(request(&srv.port, &m, RQ_ECHO, 0, 0), K_OK);
	CHECK_EQ(m.annex[0], -K_EINVAL);
}

static void
deferred(void)
{
	struct kmsg m = { 0 };
	long t0 = timeNow();

	threadStart(worker_thread, NULL, 0, 0);
	CHECK_EQ(request(&srv.port, &m, RQ_DEFER, 5, 0), K_OK);
	CHECK(timeNow() - t0 >= 10 * MS, "reply after %ld ns", timeNow() - t0);
	CHECK_EQ(m.annex[0], K_OK);
	CHECK_EQ(m.annex[1], 12);
}

static void
caps_direct(void)
{
	unsigned long s1[2] = { 0, 0 }, s2[2] = { 0, 0 }, o = 0;
	struct kcap c, f;
	struct kui p = srv.port, p2 = srv.port2;

	CHECK_EQ(capSecretNew(s1), K_OK);
	CHECK_EQ(capSecretNew(s2), K_OK);
	CHECK(s1[0] != s2[0] || s1[1] != s2[1], "two secrets alike");
	capMint(&c, &p, s1, 42);
	CHECK(uiEqual(&c.port, &p), "the capability names another port");
	CHECK_EQ(capCheck(&c, &p, s1, &o), K_OK);
	CHECK_EQ(o, 42);
	CHECK_EQ(capCheck(&c, &p, s1, NULL), K_OK);
	capMint(&f, &p, s1, 42);
	CHECK(f.key[0] == c.key[0] && f.key[1] == c.key[1], "capMint is not deterministic");
	f.key[0] = 43;					/* another object */
	CHECK_EQ(capCheck(&f, &p, s1, &o), -K_EPERM);
	f = c;
	f.key[1] ^= 1;					/* a guessed key */
	CHECK_EQ(capCheck(&f, &p, s1, &o), -K_EPERM);
	CHECK_EQ(capCheck(&c, &p2, s1, &o), -K_EPERM);	/* another port */
	f = c;
	f.port = p2;
	CHECK_EQ(capCheck(&f, &p2, s1, &o), -K_EPERM);
	CHECK_EQ(capCheck(&c, &p, s2, &o), -K_EPERM);	/* another server */
	CHECK_EQ(o, 42);				/* untouched when refused */
}

/* Reads through capability c at port; returns the status, object * 2 in *v. */
static long
read_at(const struct kui *port, const struct kcap *c, unsigned long *v)
{
	struct kmsg m = { 0 };
	struct read_req *rq = (void *)m.annex;
	struct kaddr to = to_port(port);
	long r;

	rq->op = RQ_READ;
	rq->cap = *c;
	if ((r = ipcCall(&m, &to, &m, 2 * SEC)) < 0)
		return r;
	*v = m.annex[1];
	return (long)m.annex[0];
}

static void
caps_served(void)
{
	struct kmsg m = { 0 };
	struct kcap c, f;
	unsigned long v = 0;

	CHECK_EQ(request(&srv.port, &m, RQ_OPEN, 21, 0), K_OK);
	c = ((struct read_req *)m.annex)->cap;
	CHECK(uiEqual(&c.port, &srv.port), "opened on another port");
	CHECK_EQ(read_at(&srv.port, &c, &v), K_OK);
	CHECK_EQ(v, 42);
	f = c;
	f.key[0] = 22;					/* forged */
	CHECK_EQ(read_at(&srv.port, &f, &v), -K_EPERM);
	CHECK_EQ(read_at(&srv.port2, &c, &v), -K_EPERM);	/* shown at the other port */
}

static void
stopping(void)
{
	struct kmsg m = { 0 };

	CHECK_EQ(request(&srv.port, &m, RQ_QUIT, 0, 0), K_OK);
	CHECK_EQ(m.annex[0], K_OK);
	CHECK_EQ(semP(&srv.done, 2 * SEC), 0);
	CHECK_EQ(srv.result, K_OK);

	threadStart(server_thread, &srv.port, 0, 0);	/* on one port */
	CHECK_EQ(request(&srv.port, &m, RQ_ADD, 1, 2), K_OK);
	CHECK_EQ(m.annex[1], 3);
	threadSleep(20 * MS);				/* back in its receive */
	portDelete(&srv.port);
	CHECK_EQ(semP(&srv.done, 2 * SEC), 0);
	CHECK_EQ(srv.result, -K_EABORT);
	CHECK_EQ(srvLoop(&srv.port, ops, 1, &srv, NULL, 0), -K_EUNKNOWN);
}

int
main(void)
{
	struct ksysinfo before;

	ktest_begin("ipcsrv");
	sysInfo(&before);
	semInit(&srv.deferred, 0);
	semInit(&srv.done, 0);
	CHECK_EQ(capSecretNew(srv.secret), K_OK);
	portCreate(NULL, &srv.port);
	portCreate(NULL, &srv.port2);
	portEnable(&srv.port, 1);
	portEnable(&srv.port2, 1);
	threadStart(server_thread, NULL, 0, 0);		/* K_ALLPORTS */
	requests();
	bodies();
	deferred();
	caps_direct();
	caps_served();
	stopping();
	portDelete(&srv.port2);
	check_counts(&before, 64);
	ktest_end();
	return 0;
}
