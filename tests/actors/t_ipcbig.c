// SPDX-License-Identifier: MIT
/*
 * t_ipcbig: large message bodies, staged in page frames and given to a
 * user receiver by remapping when its buffer lies in its pages as the
 * sender's did (vmStat's `moved` counts the pages given).  Runs in user
 * mode (pages move) and supervisor mode (they never do: copies only).
 *   bigmove  page-aligned on both sides: the body arrives whole, every
 *            page moved; the buffer's old contents are gone and nothing
 *            around it changed
 *   bigsnap  the sender writes its buffer after ipcSend: the receiver
 *            gets the body as it was sent
 *   bigoff   both at offset 100 in a page: the whole pages inside move,
 *            the partial ones are copied, the bytes around are kept
 *   bigmis   different offsets: nothing moves, the body is whole
 *   bigcut   a receive buffer of 5 pages and 10 bytes: K_MSG_CUT, 5 pages
 *            moved, nothing written past the buffer
 *   bigro    a read-only receive buffer: -K_EFAULT, its pages unchanged
 *   bigfork  the buffer was copied (rgnCopy) into an empty child first:
 *            the pages move into ours, the child keeps the old data
 *   bigcall  a call with a large request and reply through a thread of
 *            ours: both bodies whole, both moved
 *   bigleak  400 large messages: free memory comes back
 */
#include "tvm.h"

#define NPG		16
#define BIG		(NPG * PG)		/* K_BODY_MAX */
#define RD(a)		(*(volatile unsigned char *)(a))

static struct kui port, sport;
static unsigned char *src, *dst, *sbuf;
static ksem_t echo_end;

static unsigned long
moved(void)
{
	struct kvmstat st;

	CHECK_EQ(vmStat(0, &st), K_OK);
	return st.moved;
}

static unsigned char
pat(size_t i, unsigned tag)
{
	return (unsigned char)(i * 7 + (i >> 12) + tag);
}

static void
fill(unsigned char *p, size_t n, unsigned tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pat(i, tag);
}

/* The first byte of p[0..n) that is not the pattern tag, or n. */
static size_t
differs(const unsigned char *p, size_t n, unsigned tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pat(i, tag))
			return i;
	return n;
}

/* Whether p[0..n) are all c. */
static int
all(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* Sends n bytes at s to our port and receives them at d (capacity cap);
 * returns the pages moved meanwhile, or -1. */
static long
round_trip(unsigned char *s, size_t n, unsigned char *d, size_t cap, struct kmsg *r)
{
	struct kmsg m = { .body = s, .bodysize = n };
	struct kaddr to = to_port(&port);
	unsigned long m0 = moved();
	long e;

	*r = (struct kmsg){ .body = d, .bodysize = cap };
	if ((e = ipcSend(&m, &to)) != K_OK || (e = ipcReceive(r, &port, 0)) != K_OK) {
		CHECK(0, "send/receive of %zu bytes: %s", n, kerrName(e));
		return -1;
	}
	return (long)(moved() - m0);
}

static void
t_move(void)
{
	struct kmsg r;
	long mv;

	ktest_begin("bigmove");
	memset(dst - PG, 0xcc, BIG + 2 * PG);		/* old contents, and around */
	fill(src, BIG, 1);
	mv = round_trip(src, BIG, dst, BIG, &r);
	CHECK_EQ(r.bodysize, BIG);
	CHECK_EQ(r.flags & K_MSG_CUT, 0);
	CHECK_EQ(mv, is_user() ? NPG : 0);
	CHECK_EQ(differs(dst, BIG, 1), BIG);
	CHECK(all(dst - PG, PG, 0xcc) && all(dst + BIG, PG, 0xcc), "bytes around the buffer changed");
	dst[5] = 0x77;					/* ours to write, not the sender's */
	CHECK_EQ(src[5], pat(5, 1));
	src[6] = 0x66;
	CHECK_EQ(dst[6], pat(6, 1));
	ktest_end();
}

static void
t_snap(void)
{
	struct kmsg m = { .body = src, .bodysize = BIG }, r = { .body = dst, .bodysize = BIG };
	struct kaddr to = to_port(&port);

	ktest_begin("bigsnap");
	fill(src, BIG, 2);
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	fill(src, BIG, 3);				/* after the send */
	CHECK_EQ(ipcReceive(&r, &port, 0), K_OK);
	CHECK_EQ(differs(dst, BIG, 2), BIG);
	ktest_end();
}

static void
t_off(void)
{
	size_t n = 40000, end = 100 + n;		/* pages 1..8 whole, 9 partial */
	struct kmsg r;
	long mv;

	ktest_begin("bigoff");
	memset(dst, 0xcc, BIG + PG);
	fill(src + 100, n, 4);
	mv = round_trip(src + 100, n, dst + 100, n, &r);
	CHECK_EQ(r.bodysize, n);
	CHECK_EQ(mv, is_user() ? 8 : 0);
	CHECK_EQ(differs(dst + 100, n, 4), n);
	CHECK(all(dst, 100, 0xcc), "the bytes before the buffer changed");
	CHECK(all(dst + end, ((end + PG - 1) & ~(PG - 1)) - end, 0xcc), "the bytes after the buffer changed");

	fill(src + 100, BIG - 100, 5);			/* to the end of the last page */
	mv = round_trip(src + 100, BIG - 100, dst + 100, BIG, &r);
	CHECK_EQ(mv, is_user() ? NPG - 1 : 0);
	CHECK_EQ(differs(dst + 100, BIG - 100, 5), BIG - 100);
	CHECK(all(dst, 100, 0xcc), "the bytes before the buffer changed");
	ktest_end();
}

static void
t_mis(void)
{
	struct kmsg r;
	long mv;

	ktest_begin("bigmis");
	fill(src + 100, BIG - 200, 6);
	mv = round_trip(src + 100, BIG - 200, dst + 200, BIG - 200, &r);
	CHECK_EQ(mv, 0);
	CHECK_EQ(differs(dst + 200, BIG - 200, 6), BIG - 200);
	fill(src, BIG, 7);				/* aligned sender, unaligned receiver */
	mv = round_trip(src, BIG, dst + 8, BIG, &r);
	CHECK_EQ(mv, 0);
	CHECK_EQ(differs(dst + 8, BIG, 7), BIG);
	ktest_end();
}

static void
t_cut(void)
{
	size_t cap = 5 * PG + 10;
	struct kmsg r;
	long mv;

	ktest_begin("bigcut");
	memset(dst, 0xcc, BIG + PG);
	fill(src, BIG, 8);
	mv = round_trip(src, BIG, dst, cap, &r);
	CHECK_EQ(r.bodysize, BIG);
	CHECK(r.flags & K_MSG_CUT, "flags %#lx without K_MSG_CUT", r.flags);
	CHECK_EQ(mv, is_user() ? 5 : 0);
	CHECK_EQ(differs(dst, cap, 8), cap);
	CHECK(all(dst + cap, BIG - cap, 0xcc), "bytes past the buffer changed");
	ktest_end();
}

static void
t_ro(void)
{
	unsigned long ro = map_anon(0, BIG, RO);
	struct kmsg m = { .body = src, .bodysize = BIG }, r = { .body = (void *)ro, .bodysize = BIG };
	struct kaddr to = to_port(&port);
	unsigned long m0 = moved();

	ktest_begin("bigro");
	if (!ro)
		goto out;
	fill(src, BIG, 9);
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	CHECK_EQ(ipcReceive(&r, &port, 0), -K_EFAULT);
	CHECK_EQ(moved(), m0);
	CHECK(all((unsigned char *)ro, BIG, 0), "a read-only buffer changed");
	CHECK_EQ(rgnUnmap(0, (void *)ro, BIG), K_OK);
out:
	ktest_end();
}

static void
t_fork(void)
{
	unsigned char old[NPG];
	struct kmsg r;
	long aid, mv;

	ktest_begin("bigfork");
	if (!is_user())
		goto out;
	for (int p = 0; p < NPG; p++)
		dst[p * PG + 3] = old[p] = (unsigned char)(0x40 + p);
	aid = actorCreate(K_ACTOR_USER);
	CHECK(!K_IS_ERR(aid), "actorCreate: %s", kerrName(aid));
	if (K_IS_ERR(aid) || rgnCopy(0, dst, aid, dst, BIG) != K_OK) {
		CHECK(0, "rgnCopy into the child");
		goto out;
	}
	fill(src, BIG, 10);
	mv = round_trip(src, BIG, dst, BIG, &r);
	CHECK_EQ(mv, NPG);
	CHECK_EQ(differs(dst, BIG, 10), BIG);
	for (int p = 0; p < NPG; p++) {
		unsigned char b = 0;
		CHECK_EQ(vmCopy(aid, dst + p * PG + 3, 0, &b, 1), K_OK);
		CHECK(b == old[p], "the child's page %d changed: %#x, expected %#x", p, b, old[p]);
	}
	CHECK_EQ(actorDelete(aid), K_OK);
	CHECK_EQ(actorWait(aid, 5 * SEC), K_STATUS_DELETED);
out:
	ktest_end();
}

/* Replies to each call with the same body from its own aligned buffer. */
static void
echo_thread(void *arg)
{
	struct kmsg m, r = { 0 };
	unsigned long tok = 0;

	for (;;) {
		m = (struct kmsg){ .body = sbuf, .bodysize = BIG };
		if (ipcReplyReceive(tok, &r, &m, &sport, 5 * SEC) < 0)
			break;
		r = (struct kmsg){ .body = sbuf, .bodysize = m.bodysize };
		tok = m.reply;
		if (m.annex[0] == OP_EXIT) {
			ipcReply(tok, &r);
			break;
		}
	}
	semV(&echo_end);
}

static void
t_call(void)
{
	struct kaddr to;
	struct kmsg m, r;
	unsigned long m0;

	ktest_begin("bigcall");
	portCreate(NULL, &sport);
	to = to_port(&sport);
	semInit(&echo_end, 0);
	threadStart(echo_thread, NULL, 0, 0);
	fill(src, BIG, 11);
	memset(dst, 0, BIG);
	m0 = moved();
	m = (struct kmsg){ .body = src, .bodysize = BIG, .annex = { OP_ECHO } };
	r = (struct kmsg){ .body = dst, .bodysize = BIG };
	CHECK_EQ(ipcCall(&m, &to, &r, 2 * SEC), K_OK);
	CHECK_EQ(r.bodysize, BIG);
	CHECK_EQ(differs(dst, BIG, 11), BIG);
	CHECK_EQ(differs(sbuf, BIG, 11), BIG);
	CHECK_EQ(moved() - m0, is_user() ? 2 * NPG : 0);	/* into sbuf, then into dst */
	m = (struct kmsg){ .annex = { OP_EXIT } };
	r = (struct kmsg){ 0 };
	CHECK_EQ(ipcCall(&m, &to, &r, 2 * SEC), K_OK);
	CHECK_EQ(semP(&echo_end, 2 * SEC), 0);
	portDelete(&sport);
	ktest_end();
}

static void
t_leak(void)
{
	struct kvmstat s0, s1;
	struct kmsg r;
	int bad = 0;

	ktest_begin("bigleak");
	fill(src, BIG, 12);
	round_trip(src, BIG, dst, BIG, &r);		/* the heap's sizes used once */
	round_trip(src + 100, BIG - 100, dst + 100, BIG - 100, &r);
	CHECK_EQ(vmStat(0, &s0), K_OK);
	for (int i = 0; i < 400; i++) {
		if (i & 1)
			bad += round_trip(src + 100, BIG - 100, dst + 100, BIG - 100, &r) < 0;
		else
			bad += round_trip(src, BIG, dst + (i & 2 ? 8 : 0), BIG, &r) < 0;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(vmStat(0, &s1), K_OK);
	CHECK(s1.pages_free + 4 >= s0.pages_free, "pages free %lu before, %lu after 400 messages",
	      s0.pages_free, s1.pages_free);
	CHECK_EQ(s1.resident, s0.resident);
	ktest_end();
}

int
main(void)
{
	unsigned long a = map_anon(0, 3 * BIG + 4 * PG, RW);

	if (!a)
		return 1;
	src = (unsigned char *)a;
	dst = (unsigned char *)(a + BIG + 2 * PG);	/* a page around it on both sides */
	sbuf = (unsigned char *)(a + 2 * BIG + 4 * PG);
	portCreate(NULL, &port);
	t_move();
	t_snap();
	t_off();
	t_mis();
	t_cut();
	t_ro();
	t_fork();
	t_call();
	t_leak();
	portDelete(&port);
	return 0;
}
