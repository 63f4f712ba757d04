// SPDX-License-Identifier: MIT
/*
 * t_ipcfast: calls and receives with no timeout between threads on one
 * processor, the IPC fast path's ground, and the waits it resumes at
 * their continuations:
 *   fastrt   2,000 calls to a server thread looping on ipcReplyReceive;
 *            every tenth carries a body (the general path) between
 *            annex-only ones; stamps, tokens, flags and every answer
 *   fastdel  a caller deleted while its received call waits: the reply
 *            finds a stale token; a receiver deleted while it waits
 *            gets nothing (the call waits for a later receiver)
 *   fastbad  a receive struct unmapped while its thread waits: the
 *            receiver gets -K_EFAULT, the caller -K_ENOREPLY; a reply
 *            struct made read-only while its caller waits: -K_EFAULT
 * Runs in user and supervisor mode.
 */
#include <stdbool.h>
#include "tipc.h"

#define NCALLS	2000

static struct kui sport, me;
static volatile long srv_bad, srv_calls, srv_r;
static ksem_t srv_end;

/* Answers each call with annex[1] + 1 (and its body reversed, if any),
 * checking what the nucleus stamped, until OP_EXIT. */
static void
server(void *arg)
{
	static unsigned char body[256], rbody[256];
	struct kmsg m, r;
	unsigned long tok = 0;

	(void)arg;
	threadSetAffinity(0, 1);
	for (;;) {
		m = (struct kmsg){ .body = body, .bodysize = sizeof(body) };
		if ((srv_r = ipcReplyReceive(tok, &r, &m, &sport, K_NOTIMEOUT)) < 0)
			break;
		if (m.flags != K_MSG_CALL || !m.reply || !uiEqual(&m.src, &me) ||
		    m.protid != (unsigned long)actorSelf() || !uiEqual(&m.port, &sport))
			srv_bad++;
		srv_calls++;
		r = (struct kmsg){ .bodysize = m.bodysize, .body = rbody };
		for (unsigned long i = 0; i < m.bodysize; i++)
			rbody[i] = body[m.bodysize - 1 - i];
		r.annex[1] = m.annex[1] + 1;
		r.annex[7] = m.annex[7];
		tok = m.reply;
		if (m.annex[0] == OP_EXIT) {
			ipcReply(tok, &r);
			break;
		}
	}
	semV(&srv_end);
}

static void
fastrt(void)
{
	static unsigned char out[100], in[100];
	struct kaddr to = to_port(&sport);
	struct kmsg m, r;
	long bad = 0, err = 0;

	ktest_begin("fastrt");
	srv_calls = srv_bad = 0;
	for (long i = 0; i < NCALLS; i++) {
		bool body = i % 10 == 9;
		m = (struct kmsg){ .annex = { OP_ECHO, (unsigned long)i * 3, [7] = ~(unsigned long)i } };
		r = (struct kmsg){ 0 };
		if (body) {
			for (int k = 0; k < 100; k++)
				out[k] = (unsigned char)(i + k);
			m.body = out;
			m.bodysize = sizeof(out);
			r.body = in;
			r.bodysize = sizeof(in);
		}
		if (ipcCall(&m, &to, &r, K_NOTIMEOUT) != K_OK) {
			err++;
			continue;
		}
		if (r.annex[1] != (unsigned long)i * 3 + 1 || r.annex[7] != ~(unsigned long)i ||
		    r.flags != 0 || r.reply != 0 || !uiEqual(&r.src, &me) ||
		    r.bodysize != (body ? sizeof(in) : 0))
			bad++;
		for (int k = 0; body && k < 100; k++)
			if (in[k] != (unsigned char)(i + 99 - k))
				bad++;
	}
	CHECK_EQ(err, 0);
	CHECK_EQ(bad, 0);
	CHECK_EQ(srv_calls, NCALLS);
	CHECK_EQ(srv_bad, 0);
	ktest_end();
}

static struct kmsg bg_m, *bg_reply;
static volatile long bg_r;
static ksem_t bg_end;

static void
caller(void *arg)
{
	struct kaddr to = to_port(arg);

	threadSetAffinity(0, 1);
	bg_r = ipcCall(&bg_m, &to, bg_reply ? bg_reply : &bg_m, K_NOTIMEOUT);
	semV(&bg_end);
}

static struct kmsg *rx_m;

static void
receiver(void *arg)
{
	threadSetAffinity(0, 1);
	bg_r = ipcReceive(rx_m, arg, K_NOTIMEOUT);
	semV(&bg_end);
}

static void
fastdel(void)
{
	struct kui p;
	struct kmsg m = { 0 }, r = { 0 };
	long tid;

	ktest_begin("fastdel");
	portCreate(NULL, &p);
	/* a caller deleted while we hold its call */
	semInit(&bg_end, 0);
	bg_m = (struct kmsg){ .annex = { OP_HOLD } };
	bg_reply = NULL;
	tid = threadStart(caller, &p, 0, 0);
	CHECK_EQ(ipcReceive(&m, &p, K_NOTIMEOUT), K_OK);
	CHECK_EQ(m.annex[0], OP_HOLD);
	CHECK_EQ(threadDelete(tid), K_OK);
	threadSleep(20 * MS);
	CHECK_EQ(ipcReply(m.reply, &r), -K_EUNKNOWN);
	CHECK_EQ(semP(&bg_end, 0), -K_ETIMEOUT);	/* it never returned */

	/* a receiver deleted while it waits */
	static struct kmsg rm;
	rx_m = &rm;
	tid = threadStart(receiver, &p, 0, 0);
	threadSleep(20 * MS);
	CHECK_EQ(threadDelete(tid), K_OK);
	threadSleep(20 * MS);
	bg_m = (struct kmsg){ .annex = { OP_ECHO, 41 } };
	tid = threadStart(caller, &p, 0, 0);
	CHECK_EQ(ipcReceive(&m, &p, 2 * SEC), K_OK);	/* it is ours, not the dead one's */
	CHECK_EQ(m.annex[1], 41);
	r.annex[1] = 42;
	CHECK_EQ(ipcReply(m.reply, &r), K_OK);
	CHECK_EQ(semP(&bg_end, 2 * SEC), 0);
	CHECK_EQ(bg_r, K_OK);
	CHECK_EQ(bg_m.annex[1], 42);
	portDelete(&p);
	ktest_end();
}

static void
fastbad(void)
{
	struct kui p;
	struct kmsg m = { 0 }, r = { 0 };
	struct kaddr to;
	long a, tid;

	ktest_begin("fastbad");
	portCreate(NULL, &p);
	to = to_port(&p);
	/* the receive struct goes away while its thread waits */
	a = rgnAllocate(0, K_PAGE_SIZE, K_PROT_READ | K_PROT_WRITE);
	CHECK(!K_IS_ERR(a), "rgnAllocate: %s", kerrName(a));
	rx_m = (struct kmsg *)a;
	*rx_m = (struct kmsg){ 0 };
	semInit(&bg_end, 0);
	tid = threadStart(receiver, &p, 0, 0);
	threadSleep(20 * MS);
	CHECK_EQ(rgnFree((void *)a, K_PAGE_SIZE), K_OK);
	m.annex[0] = OP_ECHO;
	CHECK_EQ(ipcCall(&m, &to, &m, K_NOTIMEOUT), -K_ENOREPLY);
	CHECK_EQ(semP(&bg_end, 2 * SEC), 0);
	CHECK_EQ(bg_r, -K_EFAULT);

	/* the reply struct turns read-only while its caller waits */
	a = rgnAllocate(0, K_PAGE_SIZE, K_PROT_READ | K_PROT_WRITE);
	CHECK(!K_IS_ERR(a), "rgnAllocate: %s", kerrName(a));
	bg_reply = (struct kmsg *)a;
	*bg_reply = (struct kmsg){ 0 };
	bg_m = (struct kmsg){ .annex = { OP_ECHO, 7 } };
	tid = threadStart(caller, &p, 0, 0);
	CHECK_EQ(ipcReceive(&m, &p, 2 * SEC), K_OK);
	CHECK_EQ(rgnProtect(0, (void *)a, K_PAGE_SIZE, K_PROT_READ), K_OK);
	r.annex[1] = 8;
	CHECK_EQ(ipcReply(m.reply, &r), K_OK);
	CHECK_EQ(semP(&bg_end, 2 * SEC), 0);
	CHECK_EQ(bg_r, -K_EFAULT);
	CHECK_EQ(bg_reply->annex[1], 0);
	rgnFree((void *)a, K_PAGE_SIZE);
	bg_reply = NULL;
	(void)tid;
	portDelete(&p);
	ktest_end();
}

int
main(void)
{
	struct ksysinfo before;
	struct kaddr to;
	struct kmsg m = { .annex = { OP_EXIT } };

	sysInfo(&before);
	threadSetAffinity(0, 1);
	actorUi(0, &me);
	portCreate(NULL, &sport);
	semInit(&srv_end, 0);
	threadStart(server, NULL, 0, 0);
	threadSleep(10 * MS);
	fastrt();
	to = to_port(&sport);
	ipcCall(&m, &to, &m, K_NOTIMEOUT);
	semP(&srv_end, 2 * SEC);
	portDelete(&sport);
	fastdel();
	fastbad();
	ktest_begin("fastend");
	check_counts(&before, 128);
	ktest_end();
	return 0;
}
