// SPDX-License-Identifier: MIT
/*
 * t_ipcrpc: calls and replies.  A call answered by a thread of ours (what
 * the server sees: K_MSG_CALL and a token), a reply into the request's
 * own struct, bodies of 4096 and K_BODY_MAX bytes both ways, a reply
 * deferred to another thread, stale tokens (a caller that timed out, a
 * second reply, a token that never was) and ipcReplyReceive; then a
 * second actor (t_ipcpeer): its port refused to us and ours to it, calls
 * to it, and its end, deleted or on its own, while our call waits
 * (-K_ENOREPLY).  Runs in user and supervisor mode.
 */
#include "tipc.h"

static unsigned char out[K_BODY_MAX], in[K_BODY_MAX], sbuf[K_BODY_MAX];
static struct kui sport;		/* the echo thread's port */
static volatile unsigned long seen_flags, seen_token;
static ksem_t echo_end, handoff, replied;
static volatile unsigned long token;
static volatile long worker_r;

/* Replies to each call with word 1 + 1 and the same body, until OP_EXIT. */
static void
echo_thread(void *arg)
{
	struct kmsg m, r = { 0 };
	unsigned long tok = 0;

	for (;;) {
		m = (struct kmsg){ .body = sbuf, .bodysize = sizeof(sbuf) };
		if (ipcReplyReceive(tok, &r, &m, &sport, 5 * SEC) < 0)
			break;
		seen_flags = m.flags;
		seen_token = m.reply;
		r = (struct kmsg){ .body = sbuf, .bodysize = m.bodysize };
		r.annex[1] = m.annex[1] + 1;
		tok = m.reply;
		if (m.annex[0] == OP_EXIT) {
			ipcReply(tok, &r);
			break;
		}
	}
	semV(&echo_end);
}

static long
call(struct kmsg *m, struct kmsg *r, unsigned long op, unsigned long w1)
{
	struct kaddr to = to_port(&sport);

	m->annex[0] = op;
	m->annex[1] = w1;
	return ipcCall(m, &to, r, 2 * SEC);
}

static void
calls(void)
{
	struct kmsg m = { 0 }, r = { 0 };

	portCreate(NULL, &sport);
	semInit(&echo_end, 0);
	threadStart(echo_thread, NULL, 0, 0);
	CHECK_EQ(call(&m, &r, OP_ECHO, 41), K_OK);
	CHECK_EQ(r.annex[1], 42);
	CHECK(seen_flags & K_MSG_CALL, "the server saw flags %#lx", seen_flags);
	CHECK(seen_token != 0, "the server saw no token");
	CHECK_EQ(call(&m, &m, OP_ECHO, 1), K_OK);	/* reply into the request */
	CHECK_EQ(m.annex[1], 2);

	for (int k = 0; k < 2; k++) {
		size_t n = k ? K_BODY_MAX : 4096;
		for (size_t i = 0; i < n; i++)
			out[i] = (unsigned char)(i ^ (i >> 8) ^ n);
		m = (struct kmsg){ .body = out, .bodysize = n };
		r = (struct kmsg){ .body = in, .bodysize = sizeof(in) };
		CHECK_EQ(call(&m, &r, OP_ECHO, 0), K_OK);
		CHECK_EQ(r.bodysize, n);
		CHECK(memcmp(in, out, n) == 0, "reply body of %zu bytes changed", n);
		m = (struct kmsg){ .body = out, .bodysize = n };
		CHECK_EQ(call(&m, &m, OP_ECHO, 0), K_OK);	/* into its own buffer */
		CHECK_EQ(m.bodysize, n);
		CHECK_EQ(out[n - 1], (unsigned char)((n - 1) ^ ((n - 1) >> 8) ^ n));
	}
	m = (struct kmsg){ 0 };
	CHECK_EQ(call(&m, &r, OP_EXIT, 0), K_OK);
	CHECK_EQ(semP(&echo_end, 2 * SEC), 0);
	portDelete(&sport);
}

/* Takes calls on sport and hands the token to the worker. */
static void
front_thread(void *arg)
{
	struct kmsg m;

	if (recv_msg(&m, &sport, 2 * SEC) == K_OK)
		token = m.reply;
	semV(&handoff);
}

static void
worker_thread(void *arg)
{
	struct kmsg r = { .annex = { 0, 777 } };

	semP(&handoff, 3 * SEC);
	threadSleep(10 * MS);
	worker_r = ipcReply(token, &r);
	semV(&replied);
}

static void
deferred(void)
{
	struct kmsg m = { 0 }, r = { 0 }, none = { 0 };
	long t0;

	portCreate(NULL, &sport);
	semInit(&handoff, 0);
	semInit(&replied, 0);
	token = 0;
	threadStart(front_thread, NULL, 0, 0);
	threadStart(worker_thread, NULL, 0, 0);
	t0 = timeNow();
	CHECK_EQ(call(&m, &r, OP_ECHO, 1), K_OK);
	CHECK(timeNow() - t0 >= 10 * MS, "reply after %ld ns, before the worker slept", timeNow() - t0);
	CHECK_EQ(r.annex[1], 777);
	CHECK_EQ(semP(&replied, 2 * SEC), 0);
	CHECK_EQ(worker_r, K_OK);
	CHECK_EQ(ipcReply(token, &none), -K_EUNKNOWN);	/* already replied */
	CHECK_EQ(ipcReply(0x5a5a5a5a5aUL, &none), -K_EUNKNOWN);	/* never was */
	portDelete(&sport);
}

static void
stale(void)
{
	static struct bg b;
	struct kmsg m = { 0 }, r = { 0 };
	struct kaddr to;
	long t0;

	portCreate(NULL, &sport);
	to = to_port(&sport);
	t0 = timeNow();				/* nobody receives */
	CHECK_EQ(ipcCall(&m, &to, &r, 20 * MS), -K_ETIMEOUT);
	CHECK(timeNow() - t0 >= 20 * MS, "call timed out after %ld ns", timeNow() - t0);
	CHECK_EQ(ipcCall(&m, &to, &r, K_NOWAIT), -K_ETIMEOUT);
	while (recv_msg(&m, &sport, 0) == K_OK)	/* withdrawn, or their tokens stale */
		CHECK_EQ(ipcReply(m.reply, &r), -K_EUNKNOWN);

	bg_start(&b, 0, &sport, OP_ECHO, 50 * MS);	/* received, then timed out */
	CHECK_EQ(recv_msg(&m, &sport, 2 * SEC), K_OK);
	CHECK_EQ(bg_wait(&b, 2 * SEC), -K_ETIMEOUT);
	CHECK_EQ(ipcReply(m.reply, &r), -K_EUNKNOWN);

	send_words(&sport, OP_DATA, 9, 0, 0);	/* a stale token does not stop the receive */
	CHECK_EQ(ipcReplyReceive(m.reply, &r, &m, &sport, 0), K_OK);
	CHECK_EQ(m.annex[1], 9);
	send_words(&sport, OP_DATA, 10, 0, 0);
	m = (struct kmsg){ 0 };
	CHECK_EQ(ipcReplyReceive(0, &r, &m, &sport, 0), K_OK);
	CHECK_EQ(m.annex[1], 10);
	CHECK_EQ(ipcReplyReceive(0, &r, NULL, &sport, 0), -K_EFAULT);
	CHECK_EQ(ipcReplyReceive(0, &r, &m, NUCLEUS_PTR, 0), -K_EFAULT);
	CHECK_EQ(ipcReplyReceive(0, &r, &m, &sport, 0), -K_ETIMEOUT);
	portDelete(&sport);
}

/* Starts a serving peer; returns its aid and its port in q. */
static long
serving_peer(const struct kui *p, struct kui *q, struct kmsg *hello)
{
	long aid = start_peer("serve", p, NULL);

	CHECK(!K_IS_ERR(aid), "start t_ipcpeer: %s", kerrName(aid));
	CHECK_EQ(recv_msg(hello, p, 5 * SEC), K_OK);
	CHECK_EQ(hello->annex[0], OP_HELLO);
	*q = ui_at(&hello->annex[1]);
	return aid;
}

/* What one actor may not do with another's port. */
static void
not_ours(const struct kui *p, const struct kui *q, const struct kmsg *hello, long aid)
{
	struct kui peer;
	struct kmsg m = { 0 };
	struct kportstat st;
	struct kaddr to = to_port(p);

	CHECK_EQ(actorUi(aid, &peer), K_OK);
	CHECK(uiEqual(&hello->src, &peer), "src is not the peer's actor UI");
	CHECK_EQ(hello->protid, aid);
	for (int i = 3; i < 8; i++)	/* receive, stat, delete, migrate, limit */
		CHECK_EQ(hello->annex[i], -K_EPERM);
	CHECK_EQ(recv_msg(&m, q, 0), -K_EPERM);
	CHECK_EQ(portStat(q, &st), -K_EPERM);
	CHECK_EQ(portDelete(q), -K_EPERM);
	CHECK_EQ(portEnable(q, 1), -K_EPERM);
	CHECK_EQ(portSetLimit(q, 4), -K_EPERM);
	CHECK_EQ(portMigrate(q, actorSelf()), -K_EPERM);
	m.src = *q;
	CHECK_EQ(ipcSend(&m, &to), -K_EPERM);
}

static void
peers(void)
{
	static struct bg b;
	struct kui p, q;
	struct kmsg hello, m, r;
	struct kaddr to;
	long aid;

	portCreate(NULL, &p);
	aid = serving_peer(&p, &q, &hello);
	not_ours(&p, &q, &hello, aid);
	to = to_port(&q);
	for (size_t i = 0; i < 4096; i++)
		out[i] = (unsigned char)(i * 13);
	m = (struct kmsg){ .body = out, .bodysize = 4096, .annex = { OP_ECHO, 5 } };
	r = (struct kmsg){ .body = in, .bodysize = sizeof(in) };
	CHECK_EQ(ipcCall(&m, &to, &r, 2 * SEC), K_OK);
	CHECK_EQ(r.annex[1], 5);
	CHECK_EQ(r.bodysize, 4096);
	CHECK(memcmp(in, out, 4096) == 0, "the peer's reply body differs");

	bg_start(&b, 0, &q, OP_HOLD, 5 * SEC);	/* the server is deleted */
	CHECK_EQ(recv_msg(&m, &p, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], OP_HELD);
	CHECK_EQ(m.annex[1], 1);		/* it was a call */
	CHECK_EQ(actorDelete(aid), K_OK);
	CHECK_EQ(bg_wait(&b, 5 * SEC), -K_ENOREPLY);
	CHECK(b.dt < 4 * SEC, "-K_ENOREPLY after %ld ns", b.dt);
	CHECK_EQ(actorWait(aid, 5 * SEC), K_STATUS_DELETED);
	for (int i = 0; i < 100 && send_words(&q, OP_DATA, 0, 0, 0) != -K_EUNKNOWN; i++)
		threadSleep(10 * MS);
	CHECK_EQ(send_words(&q, OP_DATA, 0, 0, 0), -K_EUNKNOWN);	/* gone with it */

	aid = serving_peer(&p, &q, &hello);	/* the server ends on its own */
	bg_start(&b, 0, &q, OP_EXIT, 5 * SEC);
	CHECK_EQ(recv_msg(&m, &p, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], OP_HELD);
	CHECK_EQ(bg_wait(&b, 5 * SEC), -K_ENOREPLY);
	CHECK_EQ(end_of(aid, 5 * SEC), 0);
	drain(&p);
	portDelete(&p);
}

int
main(void)
{
	struct ksysinfo before;

	ktest_begin("ipcrpc");
	sysInfo(&before);
	calls();
	deferred();
	stale();
	peers();
	check_counts(&before, 128);
	ktest_end();
	return 0;
}
