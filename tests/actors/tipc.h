/* SPDX-License-Identifier: MIT */
/*
 * What the IPC test actors share (every .c here is an actor, so shared
 * code lives in headers): the ops of their little protocol, addresses,
 * UIs passed in actor arguments as hex "head.stamp", one-way messages of
 * a few annex words, calls and receives run by a background thread, the
 * start of the helper actor t_ipcpeer, the check that the nucleus's counts
 * came back after a test, and the load test's reply values.
 */
#ifndef TIPC_H
#define TIPC_H

#include "ktest.h"

#define SEC		(1000L * MS)
#define NUCLEUS_PTR	((void *)0xffff800000100000UL)
#define BAD_AID		(1L << 40)

/* Annex word 0 of the messages between test actors and t_ipcpeer. */
enum {
	OP_HELLO = 1,	/* peer -> test: its port or group, and results */
	OP_ECHO,	/* call: reply with the same annex and body */
	OP_HOLD,	/* call: the peer says OP_HELD and never replies */
	OP_EXIT,	/* call: the peer says OP_HELD and ends without replying */
	OP_HELD,
	OP_GO,		/* go on */
	OP_REPORT,	/* peer -> test: results */
	OP_DATA,	/* payload in word 1 */
	OP_LOAD,	/* load test call: client, thread, sequence */
	OP_LOAD_DONE,	/* load test, a client's last call: client, good, bad */
};

/* The reply word 1 to OP_LOAD {c, t, s}: one value per call. */
static inline unsigned long
load_answer(unsigned long c, unsigned long t, unsigned long s)
{
	return ((c << 24) | (t << 12) | s) * 0x9e3779b97f4a7c15UL;
}

static inline struct kaddr
to_port(const struct kui *u)
{
	struct kaddr a = { .ui = *u, .mode = K_ADDR_PORT };
	return a;
}

static inline struct kaddr
to_group(const struct kui *name, long mode)
{
	struct kaddr a = { .ui = *name, .mode = mode, .site = (unsigned long)siteSelf() };
	return a;
}

static inline struct kui
ui_at(const unsigned long *w)
{
	struct kui u = { w[0], w[1] };
	return u;
}

/* A one-way message of annex words op, a, b, c to a port. */
static inline long
send_words(const struct kui *to, unsigned long op, unsigned long a, unsigned long b,
	   unsigned long c)
{
	struct kmsg m = { .annex = { op, a, b, c } };
	struct kaddr ad = to_port(to);

	return ipcSend(&m, &ad);
}

/* Receives a message without a body buffer. */
static inline long
recv_msg(struct kmsg *m, const struct kui *port, long timeout)
{
	memset(m, 0, sizeof(*m));
	return ipcReceive(m, port, timeout);
}

/* Receives and drops what is queued on port; returns how many. */
static inline int
drain(const struct kui *port)
{
	struct kmsg m;
	int n = 0;

	while (recv_msg(&m, port, 0) == K_OK)
		n++;
	return n;
}

static inline void
ui_fmt(char *buf, size_t n, const struct kui *u)
{
	ksnprintf(buf, n, "%lx.%lx", u->head, u->stamp);
}

static inline const char *
hex_word(const char *s, unsigned long *v)
{
	*v = 0;
	for (;; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
		if (d < 0)
			return s;
		*v = *v << 4 | (unsigned long)d;
	}
}

/* Parses "head.stamp"; returns 0, or -1 for a malformed string. */
static inline int
ui_parse(const char *s, struct kui *u)
{
	const char *e = hex_word(s, &u->head);

	if (e == s || *e != '.')
		return -1;
	s = e + 1;
	e = hex_word(s, &u->stamp);
	return e == s || *e ? -1 : 0;
}

/*
 * Starts t_ipcpeer ROLE PORT [ARG] in our mode, never trusted; ARG is
 * a UI too when given.
 */
static inline long
start_peer(const char *role, const struct kui *port, const struct kui *arg)
{
	char args[128], p[40], a[40];

	ui_fmt(p, sizeof(p), port);
	if (arg) {
		ui_fmt(a, sizeof(a), arg);
		ksnprintf(args, sizeof(args), "%s %s %s", role, p, a);
	} else {
		ksnprintf(args, sizeof(args), "%s %s", role, p);
	}
	return actorStart("t_ipcpeer", __kstart->mode & 0xff, args);
}

/* The end status of actor aid; deleted if it is still there after timeout. */
static inline long
end_of(long aid, long timeout)
{
	long st = actorWait(aid, timeout);

	if (st == -K_ETIMEOUT) {
		actorDelete(aid);
		actorWait(aid, 5 * SEC);
	}
	return st;
}

/*
 * A call or a receive run by a thread of its own, for tests where it must
 * wait while we act.  Static storage only: the thread may outlive a
 * failed test.  A receive on a null port receives on K_ALLPORTS.
 * bg_wait returns the call's result, or -K_EBUSY while the thread still
 * waits.
 */
struct bg {
	int recv;			/* 1: ipcReceive on port, 0: ipcCall to it */
	struct kui port;
	long timeout;
	struct kmsg m;
	long r, dt;
	volatile int done;
	ksem_t end;
};

static inline void
bg_main(void *p)
{
	struct bg *b = p;
	struct kaddr to = to_port(&b->port);
	long t0 = timeNow();

	b->r = b->recv ? ipcReceive(&b->m, uiIsNull(&b->port) ? K_ALLPORTS : &b->port, b->timeout) :
			 ipcCall(&b->m, &to, &b->m, b->timeout);
	b->dt = timeNow() - t0;
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	semV(&b->end);
}

static inline void
bg_start(struct bg *b, int recv, const struct kui *port, unsigned long op, long timeout)
{
	long r;

	memset(b, 0, sizeof(*b));
	b->recv = recv;
	b->port = *port;
	b->timeout = timeout;
	b->m.annex[0] = op;
	semInit(&b->end, 0);
	r = threadStart(bg_main, b, 0, 0);
	CHECK(!K_IS_ERR(r), "threadStart: %s", kerrName(r));
}

static inline long
bg_wait(struct bg *b, long timeout)
{
	if (semP(&b->end, timeout) < 0)
		return -K_EBUSY;
	return b->r;
}

/* Waits until port has n messages queued (at most a second). */
static inline long
wait_queued(const struct kui *port, long n)
{
	struct kportstat st = { 0 };

	for (int i = 0; i < 200; i++) {
		if (portStat(port, &st) < 0 || st.queued >= n)
			break;
		threadSleep(5 * MS);
	}
	return st.queued;
}

/*
 * After a test: actors and threads back to what they were (the nucleus
 * frees ended ones a little later), pages within margin (stacks from
 * threadStart are never freed).
 */
static inline void
check_counts(const struct ksysinfo *before, unsigned long margin)
{
	struct ksysinfo after;

	for (int i = 0; i < 100; i++) {
		sysInfo(&after);
		if (after.nactors == before->nactors && after.nthreads == before->nthreads)
			break;
		threadSleep(10 * MS);
	}
	CHECK_EQ(after.nactors, before->nactors);
	CHECK_EQ(after.nthreads, before->nthreads);
	/* the heap keeps the pages it carved into blocks: free memory is the
	 * free pages and the heap's; its objects are counted apart */
	CHECK(after.pages_free + after.heap_pages + margin >= before->pages_free + before->heap_pages,
	      "pages free %lu + %lu in the heap before, %lu + %lu after", before->pages_free,
	      before->heap_pages, after.pages_free, after.heap_pages);
	CHECK(after.heap_used <= before->heap_used + margin * 256,
	      "nucleus heap %lu bytes in use before, %lu after", before->heap_used, after.heap_used);
}

#endif
