// SPDX-License-Identifier: MIT
/*
 * t_ipclrpc: lightweight RPC.  A supervisor actor (this program with the
 * argument "server") gives its port a handler with portHandler; the test,
 * in user or supervisor mode, calls it.  Checked: the reply's annex and
 * stamps (src the server actor, no port), what the handler sees (our
 * actor UI and protection id, the port, K_MSG_CALL, and that it acts for
 * its own actor), bodies both ways, a reply cut to our buffer with the
 * bytes after it untouched, a handler's error returned as the call's,
 * bad pointers (-K_EFAULT), and a call after the server ended
 * (-K_EUNKNOWN).
 */
#include "tipc.h"

enum { H_ECHO = 1, H_FAIL, H_SELF, H_SWAP, H_DROP, H_SLEEP };

static unsigned char out[8192], in[8192];
static struct kui sport;		/* the server's port */

static long handler(void *arg, const struct kmsg *req, struct kmsg *rep);

/* The second handler (H_SWAP puts it in place): says 2 in annex word 0;
 * H_SWAP puts the first back, H_DROP takes the handler away. */
static long
handler2(void *arg, const struct kmsg *req, struct kmsg *rep)
{
	(void)arg;
	rep->bodysize = 0;
	rep->annex[0] = 2;
	rep->annex[1] = req->annex[1] + 2;
	if (req->annex[0] == H_SWAP)
		return portHandler(&sport, handler, NULL);
	if (req->annex[0] == H_DROP)
		return portHandler(&sport, NULL, NULL);
	return K_OK;
}

/* The handler: runs on the caller's thread, acting for the server. */
static long
handler(void *arg, const struct kmsg *req, struct kmsg *rep)
{
	unsigned long cap = rep->bodysize;

	(void)arg;
	switch (req->annex[0]) {
	case H_ECHO:
		rep->annex[0] = req->flags;
		rep->annex[1] = req->annex[1] + 1;
		rep->annex[2] = req->protid;
		rep->annex[3] = req->src.head;
		rep->annex[4] = req->src.stamp;
		rep->annex[5] = req->port.head;
		rep->annex[6] = req->port.stamp;
		memcpy(rep->body, req->body, cap < req->bodysize ? cap : req->bodysize);
		rep->bodysize = req->bodysize;
		return K_OK;
	case H_SELF:
		rep->annex[1] = (unsigned long)actorSelf();
		rep->bodysize = 0;
		return K_OK;
	case H_SLEEP:		/* long enough for the test to delete us */
		threadSleep(300 * MS);
		rep->annex[1] = 77;
		rep->bodysize = 0;
		return K_OK;
	case H_SWAP:		/* the handler's own actor changes it */
		rep->bodysize = 0;
		return portHandler(&sport, handler2, NULL);
	default:
		return -K_EINVAL;
	}
}

/* The server: a port with the handler, told to the test, then waits. */
static int
server(const char *to)
{
	struct kui test, port;

	if (ui_parse(to, &test) < 0 || portCreate(NULL, &port) < 0 ||
	    (sport = port, portHandler(&port, handler, NULL)) < 0)
		return 1;
	send_words(&test, OP_HELLO, port.head, port.stamp, 0);
	for (;;)
		threadSleep(10 * SEC);
}

static long
lcall(const struct kui *port, struct kmsg *m, struct kmsg *r, unsigned long op, unsigned long w1)
{
	struct kaddr to = to_port(port);

	m->annex[0] = op;
	m->annex[1] = w1;
	return ipcCall(m, &to, r, 2 * SEC);
}

/* Starts a server that tells its port to `me`; its aid, or <= 0. */
static long
start_server(const struct kui *me, struct kui *port)
{
	char arg[64], args[80];
	struct kmsg m;
	long aid;

	ui_fmt(arg, sizeof(arg), me);
	ksnprintf(args, sizeof(args), "server %s", arg);
	aid = actorStart("t_ipclrpc", K_ACTOR_SUPER, args);
	CHECK(aid > 0, "actorStart: %s", kerrName(aid));
	if (aid <= 0)
		return aid;
	CHECK_EQ(recv_msg(&m, me, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], OP_HELLO);
	*port = ui_at(&m.annex[1]);
	return aid;
}

static void
run(void)
{
	static struct bg b;
	struct kui me, port, self, srv;
	struct kmsg m = { 0 }, r = { 0 };
	struct kaddr to;
	long aid, err;

	ktest_begin("ipclrpc");
	portCreate(NULL, &me);
	actorUi(0, &self);
	if ((aid = start_server(&me, &port)) <= 0)
		return;
	actorUi(aid, &srv);

	/* annex only: the reply, its stamps, what the handler saw */
	memset(&m, 0, sizeof(m));
	err = lcall(&port, &m, &r, H_ECHO, 41);
	CHECK_EQ(err, K_OK);
	CHECK_EQ(r.annex[1], 42);
	CHECK_EQ(r.annex[0], K_MSG_CALL);
	CHECK_EQ(r.annex[2], actorSelf());		/* our protection id: by default our aid */
	CHECK_EQ(r.protid, aid);
	CHECK(r.annex[3] == self.head && r.annex[4] == self.stamp, "request src is not our actor");
	CHECK(r.annex[5] == port.head && r.annex[6] == port.stamp, "request port is not the port");
	CHECK(uiEqual(&r.src, &srv), "reply src is not the server actor");
	CHECK(uiIsNull(&r.port), "reply has a port");
	CHECK_EQ(r.flags, 0);
	CHECK_EQ(r.bodysize, 0);

	/* the handler acts for its own actor */
	CHECK_EQ(lcall(&port, &m, &r, H_SELF, 0), K_OK);
	CHECK_EQ(r.annex[1], aid);

	/* bodies both ways */
	for (int i = 0; i < (int)sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + 3);
	memset(in, 0xee, sizeof(in));
	m = (struct kmsg){ .body = out, .bodysize = 4096 };
	r = (struct kmsg){ .body = in, .bodysize = sizeof(in) };
	CHECK_EQ(lcall(&port, &m, &r, H_ECHO, 1), K_OK);
	CHECK_EQ(r.bodysize, 4096);
	CHECK_EQ(r.flags, 0);
	CHECK(memcmp(in, out, 4096) == 0, "reply body differs");
	CHECK_EQ(in[4096], 0xee);
	m = (struct kmsg){ .body = out, .bodysize = sizeof(out) };	/* staged in frames */
	r = (struct kmsg){ .body = in, .bodysize = sizeof(in) };
	CHECK_EQ(lcall(&port, &m, &r, H_ECHO, 1), K_OK);
	CHECK_EQ(r.bodysize, sizeof(out));
	CHECK(memcmp(in, out, sizeof(out)) == 0, "large reply body differs");
	m.bodysize = 4096;

	/* a reply larger than our buffer is cut, and says so */
	memset(in, 0xee, sizeof(in));
	r = (struct kmsg){ .body = in, .bodysize = 100 };
	CHECK_EQ(lcall(&port, &m, &r, H_ECHO, 1), K_OK);
	CHECK_EQ(r.bodysize, 4096);
	CHECK_EQ(r.flags, K_MSG_CUT);
	CHECK(memcmp(in, out, 100) == 0, "cut reply body differs");
	CHECK_EQ(in[100], 0xee);

	/* the handler's error is the call's */
	m = (struct kmsg){ 0 };
	r = (struct kmsg){ 0 };
	CHECK_EQ(lcall(&port, &m, &r, 99, 0), -K_EINVAL);

	/* bad pointers */
	to = to_port(&port);
	m.annex[0] = H_ECHO;
	CHECK_EQ(ipcCall(&m, &to, NUCLEUS_PTR, 2 * SEC), -K_EFAULT);
	CHECK_EQ(ipcCall(NUCLEUS_PTR, &to, &r, 2 * SEC), -K_EFAULT);
	m = (struct kmsg){ .body = NUCLEUS_PTR, .bodysize = 64, .annex = { H_ECHO } };
	CHECK_EQ(ipcCall(&m, &to, &r, 2 * SEC), -K_EFAULT);
	m = (struct kmsg){ .body = out, .bodysize = 64, .annex = { H_ECHO } };
	r = (struct kmsg){ .body = NUCLEUS_PTR, .bodysize = 64 };
	CHECK_EQ(ipcCall(&m, &to, &r, 2 * SEC), -K_EFAULT);

	/* the handler changes: every call after it finds the one in place,
	 * and none once it is gone (the call then waits on the port's queue
	 * for a receive that never comes) */
	m = (struct kmsg){ 0 };
	r = (struct kmsg){ 0 };
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(lcall(&port, &m, &r, H_ECHO, 10), K_OK);
		CHECK_EQ(r.annex[1], 11);
		CHECK_EQ(lcall(&port, &m, &r, H_SWAP, 0), K_OK);
		CHECK_EQ(lcall(&port, &m, &r, H_ECHO, 10), K_OK);
		CHECK_EQ(r.annex[0], 2);
		CHECK_EQ(r.annex[1], 12);
		CHECK_EQ(lcall(&port, &m, &r, H_SWAP, 0), K_OK);
	}
	CHECK_EQ(lcall(&port, &m, &r, H_SWAP, 0), K_OK);
	CHECK_EQ(lcall(&port, &m, &r, H_DROP, 0), K_OK);
	to = to_port(&port);
	m.annex[0] = H_ECHO;
	CHECK_EQ(ipcCall(&m, &to, &r, 50 * MS), -K_ETIMEOUT);

	actorDelete(aid);
	CHECK(actorWait(aid, 5 * SEC) != -K_ETIMEOUT, "the server did not end");

	/* a server that ends while its handler runs on our thread: the
	 * handler (its code in the server's memory) finishes, the call
	 * returns its reply, and the port is gone after it */
	if ((aid = start_server(&me, &port)) <= 0)
		return;
	CHECK_EQ(lcall(&port, &m, &r, H_ECHO, 5), K_OK);
	if (__kstart->mode == K_ACTOR_SUPER) {
		/* a port of ours with our handler, migrated to the server:
		 * the handler stays behind (it is our code), calls queue */
		struct kui mine;
		CHECK_EQ(portCreate(NULL, &mine), K_OK);
		CHECK_EQ(portHandler(&mine, handler, NULL), K_OK);
		CHECK_EQ(lcall(&mine, &m, &r, H_SELF, 0), K_OK);
		CHECK_EQ(r.annex[1], actorSelf());
		CHECK_EQ(portMigrate(&mine, aid), K_OK);
		to = to_port(&mine);
		CHECK_EQ(ipcCall(&m, &to, &r, 50 * MS), -K_ETIMEOUT);
	} else {
		CHECK_EQ(portHandler(&me, handler, NULL), -K_EPERM);
	}
	bg_start(&b, 0, &port, H_SLEEP, 5 * SEC);
	threadSleep(100 * MS);
	actorDelete(aid);
	CHECK(actorWait(aid, 5 * SEC) != -K_ETIMEOUT, "the server did not end");
	CHECK_EQ(bg_wait(&b, 5 * SEC), K_OK);
	CHECK_EQ(b.m.annex[1], 77);
	CHECK_EQ(b.dt >= 300 * MS, 1);
	to = to_port(&port);
	m = (struct kmsg){ .annex = { H_ECHO } };
	r = (struct kmsg){ 0 };
	CHECK_EQ(ipcCall(&m, &to, &r, 2 * SEC), -K_EUNKNOWN);
	portDelete(&me);
	ktest_end();
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "server") == 0)
		return server(argv[2]);
	run();
	return 0;
}
