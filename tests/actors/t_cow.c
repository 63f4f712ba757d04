// SPDX-License-Identifier: MIT
/*
 * t_cow: copy-on-write copies of regions (rgnCopy) and their history
 * objects; trusted (it changes other actors' memory), user mode.
 *   cowiso    a copy into a running child: both sides write with real
 *             faults and neither sees the other's writes, pages neither
 *             wrote are the same, pages untouched before the copy read
 *             zero on both sides; one history object, chains of 1; it
 *             goes when the child does
 *   cowshare  a K_RGN_SHARED region is shared by the copy, the others in
 *             the same rgnCopy are copied; rgnList keeps the attribute
 *   cowchain  copies of copies (parent -> a -> b): each sees the data of
 *             its copy; a middle actor's end leaves b's data whole and the
 *             chain shorter
 *   cowfork   10,000 fork/exit cycles (actorCreate, rgnCopy, writes on
 *             both sides, actorDelete): free memory, history objects and
 *             chain depth stay flat, and every child saw its own snapshot
 *   coverr    rgnCopy's errors: bad ranges, overlap with the destination,
 *             a supervisor actor (-K_ENOSYS), an unknown one; actorCreate's
 * Child mode (t_cow cowchild TESTPORT): says hello with its port, then
 * answers OP_DATA {addr, value}: reads the word at addr, writes value
 * there if it is not 0, replies {word read, word now}.
 */
#include "tvm.h"

#define RD(a)		(*(volatile unsigned long *)(a))
#define AREA		0x300000000000UL	/* where copied regions go in both actors */
#define NPG		16
#define FORKS		10000

static struct kui tport;

static unsigned long
word_of(unsigned long tag, unsigned long page)
{
	return tag << 32 | page << 12 | 0x5a;
}

static long
stat_of(long aid, struct kvmstat *st)
{
	long e = vmStat(aid, st);

	CHECK_EQ(e, K_OK);
	return e;
}

/* The child's side: reads and writes its own memory on request. */
static int
cowchild(void)
{
	struct kmsg m, r;
	struct kui me;
	unsigned long token;

	ktest_begin("cowchild");
	if (portCreate(NULL, &me) != K_OK)
		return 5;
	send_words(&tport, OP_HELLO, me.head, me.stamp, 0);
	for (;;) {
		if (recv_msg(&m, &me, 30 * SEC) < 0)
			return 6;
		token = m.reply;
		memset(&r, 0, sizeof(r));
		if (m.annex[0] == OP_ECHO) {
			ipcReply(token, &r);
			continue;
		}
		if (m.annex[0] != OP_DATA) {
			ipcReply(token, &r);
			return 0;
		}
		r.annex[0] = RD(m.annex[1]);
		if (m.annex[2])
			RD(m.annex[1]) = m.annex[2];
		r.annex[1] = RD(m.annex[1]);
		ipcReply(token, &r);
	}
}

/* Asks the child to read (and write, if v) its word at a (op OP_DATA);
 * *now the word after.  Returns the word read. */
static unsigned long
child_call(const struct kui *cp, unsigned long op, unsigned long a, unsigned long v,
	   unsigned long *now)
{
	struct kmsg q = { .annex = { op, a, v } }, r;
	struct kaddr to = to_port(cp);

	memset(&r, 0, sizeof(r));
	CHECK_EQ(ipcCall(&q, &to, &r, 5 * SEC), K_OK);
	if (now)
		*now = r.annex[1];
	return r.annex[0];
}

static unsigned long
child_rw(const struct kui *cp, unsigned long a, unsigned long v, unsigned long *now)
{
	return child_call(cp, OP_DATA, a, v, now);
}

static void
end_child(const struct kui *cp, long aid)
{
	struct kmsg q = { .annex = { OP_EXIT } }, r;
	struct kaddr to = to_port(cp);

	ipcCall(&q, &to, &r, 5 * SEC);
	CHECK_EQ(end_of(aid, 5 * SEC), 0);
}

/* Starts t_cow cowchild; its aid and port. */
static long
start_child(struct kui *cp)
{
	char args[80], t[40];
	struct kmsg m;
	long aid;

	ui_fmt(t, sizeof(t), &tport);
	ksnprintf(args, sizeof(args), "cowchild %s", t);
	aid = actorStart("t_cow", K_ACTOR_USER, args);
	CHECK(!K_IS_ERR(aid), "start cowchild: %s", kerrName(aid));
	if (K_IS_ERR(aid))
		return aid;
	if (recv_msg(&m, &tport, 5 * SEC) != K_OK || m.annex[0] != OP_HELLO) {
		CHECK(0, "no hello from cowchild");
		end_of(aid, 0);
		return -K_ETIMEOUT;
	}
	*cp = ui_at(&m.annex[1]);
	return aid;
}

/* Waits until our chains are at most depth long (the reaper frees dead
 * actors' regions in the background); the stat then. */
static void
settle(struct kvmstat *st, unsigned long depth)
{
	for (int i = 0; i < 200; i++) {
		if (stat_of(0, st) < 0 || st->depth <= depth)
			return;
		threadSleep(5 * MS);
	}
}

static void
t_iso(void)
{
	unsigned long a = map_anon(AREA, NPG * PG, RW), now;
	struct kvmstat s0, s1, s2;
	struct kui cp;
	long aid;

	ktest_begin("cowiso");
	if (!a || K_IS_ERR(aid = start_child(&cp)))
		goto out;
	for (unsigned long p = 0; p < 12; p++)		/* pages 12..15 stay untouched */
		RD(a + p * PG) = word_of(0xa, p);
	child_call(&cp, OP_ECHO, 0, 0, NULL);		/* our stack as deep as it goes */
	stat_of(0, &s0);
	CHECK_EQ(s0.depth, 0);
	CHECK_EQ(rgnCopy(0, (void *)a, aid, (void *)a, NPG * PG), K_OK);
	stat_of(0, &s1);
	CHECK(s0.pages_free - s1.pages_free < 8, "the copy took %lu pages",
	      s0.pages_free - s1.pages_free);
	CHECK_EQ(s1.depth, 1);
	CHECK_EQ(s1.history, s0.history + 1);
	CHECK_EQ(s1.resident, s0.resident - 12);	/* our pages are the history's now */

	RD(a) = word_of(0xb, 0);				/* ours: the child keeps the old */
	CHECK_EQ(child_rw(&cp, a, 0, NULL), word_of(0xa, 0));
	CHECK_EQ(child_rw(&cp, a + PG, word_of(0xc, 1), &now), word_of(0xa, 1));
	CHECK_EQ(now, word_of(0xc, 1));
	CHECK_EQ(RD(a + PG), word_of(0xa, 1));		/* the child's write is not ours */
	RD(a + 2 * PG) = word_of(0xb, 2);			/* both write */
	CHECK_EQ(child_rw(&cp, a + 2 * PG, word_of(0xc, 2), &now), word_of(0xa, 2));
	CHECK_EQ(RD(a + 2 * PG), word_of(0xb, 2));
	CHECK_EQ(child_rw(&cp, a + 2 * PG, 0, NULL), word_of(0xc, 2));
	CHECK_EQ(child_rw(&cp, a + 3 * PG, 0, NULL), word_of(0xa, 3));	/* nobody wrote */
	CHECK_EQ(RD(a + 3 * PG), word_of(0xa, 3));
	RD(a + 12 * PG) = word_of(0xb, 12);		/* untouched before the copy */
	CHECK_EQ(child_rw(&cp, a + 12 * PG, 0, NULL), 0);
	CHECK_EQ(child_rw(&cp, a + 13 * PG, word_of(0xc, 13), NULL), 0);
	CHECK_EQ(RD(a + 13 * PG), 0);
	CHECK_EQ(RD(a + 12 * PG), word_of(0xb, 12));
	CHECK_EQ(child_rw(&cp, a + 12 * PG, 0, NULL), 0);
	stat_of(aid, &s2);
	CHECK_EQ(s2.depth, 1);
	stat_of(0, &s2);
	CHECK_EQ(s2.resident, s1.resident + 4);	/* 0, 2, 12 written, 13 read as zeros */
	CHECK(s1.pages_free - s2.pages_free < 16, "6 writes took %lu pages",
	      s1.pages_free - s2.pages_free);

	end_child(&cp, aid);
	settle(&s2, 0);
	CHECK_EQ(s2.depth, 0);				/* the history merged into ours */
	CHECK_EQ(s2.history, s0.history);
	CHECK_EQ(s2.resident, s0.resident + 2);
	for (unsigned long p = 0; p < NPG; p++) {
		unsigned long want = p == 0 || p == 2 || p == 12 ? word_of(0xb, p) :
				     p < 12 ? word_of(0xa, p) : 0;
		CHECK(RD(a + p * PG) == want, "page %lu: %#lx, expected %#lx", p, RD(a + p * PG),
		      want);
	}
out:
	if (a)
		CHECK_EQ(rgnUnmap(0, (void *)a, NPG * PG), K_OK);
	ktest_end();
}

static void
t_share(void)
{
	struct krgn r = { .addr = AREA, .size = 2 * PG, .prot = RW | K_RGN_SHARED }, q;
	unsigned long a, b, now;
	struct kui cp;
	long aid;

	ktest_begin("cowshare");
	if (!(b = map_anon(AREA + 4 * PG, 2 * PG, RW)) || rgnMap(0, &r) != K_OK) {
		CHECK(0, "maps");
		goto out;
	}
	a = r.addr;
	CHECK(rgn_at(0, a, &q) && q.prot == (RW | K_RGN_SHARED), "rgnList prot %#lx", q.prot);
	RD(a) = 1;
	RD(b) = 2;
	if (K_IS_ERR(aid = start_child(&cp)))
		goto out;
	CHECK_EQ(rgnCopy(0, (void *)a, aid, (void *)a, 6 * PG), K_OK);
	CHECK(rgn_at(aid, a, &q) && q.prot == (RW | K_RGN_SHARED), "child's prot %#lx", q.prot);
	RD(a) = 3;					/* shared: the child sees it */
	RD(b) = 4;					/* copied: it does not */
	CHECK_EQ(child_rw(&cp, a, 5, &now), 3);
	CHECK_EQ(RD(a), 5);
	CHECK_EQ(child_rw(&cp, b, 6, NULL), 2);
	CHECK_EQ(RD(b), 4);
	CHECK_EQ(child_rw(&cp, a + PG, 7, NULL), 0);	/* untouched, shared too */
	CHECK_EQ(RD(a + PG), 7);
	end_child(&cp, aid);
	CHECK_EQ(RD(a), 5);				/* still ours */
out:
	rgnUnmap(0, (void *)AREA, 6 * PG);
	ktest_end();
}

static void
t_chain(void)
{
	unsigned long a = map_anon(AREA, NPG * PG, RW), v, now;
	struct kui c1, c2;
	struct kvmstat st;
	long a1, a2 = -1;

	ktest_begin("cowchain");
	if (!a || K_IS_ERR(a1 = start_child(&c1)))
		goto out;
	for (unsigned long p = 0; p < NPG; p++)
		RD(a + p * PG) = word_of(1, p);
	CHECK_EQ(rgnCopy(0, (void *)a, a1, (void *)a, NPG * PG), K_OK);
	child_rw(&c1, a + PG, word_of(2, 1), NULL);		/* a1's own */
	if (K_IS_ERR(a2 = start_child(&c2)))
		goto end;
	CHECK_EQ(rgnCopy(a1, (void *)a, a2, (void *)a, NPG * PG), K_OK);	/* a1 -> a2 */
	stat_of(a2, &st);
	CHECK_EQ(st.depth, 2);
	child_rw(&c1, a + 2 * PG, word_of(2, 2), NULL);	/* after a2's copy */
	RD(a + 3 * PG) = word_of(3, 3);				/* ours */
	CHECK_EQ(child_rw(&c2, a, 0, NULL), word_of(1, 0));
	CHECK_EQ(child_rw(&c2, a + PG, 0, NULL), word_of(2, 1));
	CHECK_EQ(child_rw(&c2, a + 2 * PG, 0, NULL), word_of(1, 2));
	CHECK_EQ(child_rw(&c2, a + 3 * PG, 0, NULL), word_of(1, 3));
	CHECK_EQ(child_rw(&c2, a + 4 * PG, word_of(4, 4), NULL), word_of(1, 4));
	end_child(&c1, a1);				/* the middle goes */
	for (int i = 0; i < 200; i++) {
		stat_of(a2, &st);
		if (st.depth <= 1)
			break;
		threadSleep(5 * MS);
	}
	CHECK(st.depth <= 1, "a2's chain is %lu long after a1 ended", st.depth);
	for (unsigned long p = 0; p < NPG; p++) {
		unsigned long want = p == 1 ? word_of(2, 1) : p == 4 ? word_of(4, 4) : word_of(1, p);
		v = child_rw(&c2, a + p * PG, 0, &now);
		CHECK(v == want, "a2's page %lu: %#lx, expected %#lx", p, v, want);
	}
	CHECK_EQ(RD(a + 3 * PG), word_of(3, 3));
	CHECK_EQ(RD(a + PG), word_of(1, 1));
	end_child(&c2, a2);
	settle(&st, 0);
	CHECK_EQ(st.depth, 0);
	goto out;
end:
	end_child(&c1, a1);
out:
	if (a)
		rgnUnmap(0, (void *)a, NPG * PG);
	ktest_end();
}

/* One fork/exit cycle: an empty child gets a copy of [a, a + NPG pages),
 * both sides write, the child checks its snapshot, the child goes. */
static int
fork_once(unsigned long a, unsigned long i, unsigned long *depth)
{
	struct kvmstat st;
	unsigned long p = i % NPG, q = (i + 5) % NPG, w = word_of(7, i), got = 0;
	long aid = actorCreate(K_ACTOR_USER);
	int ok = 1;

	if (K_IS_ERR(aid)) {
		CHECK(0, "actorCreate: %s", kerrName(aid));
		return 0;
	}
	if (rgnCopy(0, (void *)a, aid, (void *)a, NPG * PG) != K_OK) {
		CHECK(0, "rgnCopy %lu", i);
		ok = 0;
	}
	if (ok && vmStat(0, &st) == K_OK && st.depth > *depth)
		*depth = st.depth;
	RD(a + p * PG) = w + 1;					/* ours, after the copy */
	if (ok && (vmCopy(aid, (void *)(a + p * PG), 0, &got, 8) != K_OK || got != i)) {
		CHECK(0, "cycle %lu: the child's page %lu holds %#lx, expected %#lx", i, p, got, i);
		ok = 0;
	}
	if (ok && vmCopy(0, &w, aid, (void *)(a + q * PG + 8), 8) != K_OK)	/* the child's */
		ok = 0;
	if (actorDelete(aid) != K_OK)
		ok = 0;
	RD(a + p * PG) = i + 1;					/* the next child's snapshot */
	RD(a + ((i + 1) % NPG) * PG) = i + 1;
	return ok && RD(a + q * PG + 8) == 0;
}

static void
t_fork(void)
{
	unsigned long a = map_anon(AREA, NPG * PG, RW), maxdepth = 0;
	struct kvmstat s100, s;
	struct ksysinfo h100, h;
	long t0 = timeNow();

	ktest_begin("cowfork");
	if (!a)
		goto out;
	RD(a) = 0;
	memset(&s100, 0, sizeof(s100));
	for (unsigned long i = 0; i < FORKS; i++) {
		if (!fork_once(a, i, &maxdepth)) {
			CHECK(0, "cycle %lu failed", i);
			break;
		}
		if (i == 99) {
			settle(&s100, 0);
			threadSleep(20 * MS);
			stat_of(0, &s100);
			sysInfo(&h100);
		}
	}
	settle(&s, 0);
	threadSleep(20 * MS);
	stat_of(0, &s);
	sysInfo(&h);
	kprintf("cowfork: %d cycles; after 100: %lu pages free, %lu caches, %lu history, "
		"%lu bytes of heap in %lu pages; after %d: %lu, %lu, %lu, %lu in %lu; "
		"longest chain seen %lu; %ld ms\n",
		FORKS, s100.pages_free, s100.caches, s100.history, h100.heap_used, h100.heap_pages,
		FORKS, s.pages_free, s.caches, s.history, h.heap_used, h.heap_pages, maxdepth,
		(timeNow() - t0) / MS);
	CHECK_EQ(s.depth, 0);
	CHECK_EQ(maxdepth, 1);		/* each child's end took its history away */
	CHECK_EQ(s.history, s100.history);
	CHECK_EQ(s.caches, s100.caches);
	/* the nucleus heap keeps the pages it grew to, more when the reaper
	 * lags behind the cycles: those count as free, its objects apart */
	CHECK(h.pages_free + h.heap_pages + 8 >= h100.pages_free + h100.heap_pages,
	      "pages free %lu + %lu in the heap after 100 cycles, %lu + %lu after %d",
	      h100.pages_free, h100.heap_pages, h.pages_free, h.heap_pages, FORKS);
	CHECK(h.heap_used <= h100.heap_used + 4096, "heap %lu bytes in use after 100 cycles, %lu after",
	      h100.heap_used, h.heap_used);
	CHECK_EQ(s.resident, s100.resident);
out:
	if (a)
		rgnUnmap(0, (void *)a, NPG * PG);
	ktest_end();
}

static void
t_err(void)
{
	unsigned long a = map_anon(AREA, 4 * PG, RW);
	long aid = actorCreate(K_ACTOR_USER), sup;

	ktest_begin("coverr");
	CHECK(!K_IS_ERR(aid), "actorCreate: %s", kerrName(aid));
	CHECK_EQ(actorCreate(0x77), -K_EINVAL);
	if (!a || K_IS_ERR(aid))
		goto out;
	CHECK_EQ(rgnCopy(0, (void *)(a + 1), aid, (void *)a, PG), -K_EINVAL);
	CHECK_EQ(rgnCopy(0, (void *)a, aid, (void *)a, PG + 1), -K_EINVAL);
	CHECK_EQ(rgnCopy(0, (void *)a, aid, (void *)a, 0), -K_EINVAL);
	CHECK_EQ(rgnCopy(0, NUCLEUS_PTR, aid, (void *)a, PG), -K_EINVAL);
	CHECK_EQ(rgnCopy(0, (void *)a, aid, NUCLEUS_PTR, PG), -K_EINVAL);
	CHECK_EQ(rgnCopy(0, (void *)a, 0, (void *)(a + PG), 2 * PG), -K_EINVAL);	/* overlap */
	CHECK_EQ(rgnCopy(BAD_AID, (void *)a, aid, (void *)a, PG), -K_EUNKNOWN);
	CHECK_EQ(rgnCopy(0, (void *)a, BAD_AID, (void *)a, PG), -K_EUNKNOWN);
	CHECK_EQ(rgnCopy(0, (void *)a, aid, (void *)a, 4 * PG), K_OK);
	CHECK_EQ(rgnCopy(0, (void *)a, aid, (void *)(a + 2 * PG), PG), -K_EEXIST);
	CHECK(rgn_at(aid, a, NULL), "the child has no region at %#lx", a);
	sup = actorCreate(K_ACTOR_SUPER);
	CHECK(!K_IS_ERR(sup), "actorCreate super: %s", kerrName(sup));
	if (!K_IS_ERR(sup)) {
		CHECK_EQ(rgnCopy(0, (void *)a, sup, (void *)a, PG), -K_ENOSYS);
		CHECK_EQ(actorDelete(sup), K_OK);
	}
	CHECK_EQ(actorDelete(aid), K_OK);
	CHECK_EQ(actorWait(aid, 5 * SEC), K_STATUS_DELETED);
out:
	if (a)
		rgnUnmap(0, (void *)a, 4 * PG);
	ktest_end();
}

int
main(int argc, char **argv)
{
	struct ksysinfo before;

	if (argc > 2 && strcmp(argv[1], "cowchild") == 0) {
		if (ui_parse(argv[2], &tport) < 0)
			return 2;
		return cowchild();
	}
	sysInfo(&before);
	portCreate(NULL, &tport);
	t_iso();
	t_share();
	t_chain();
	t_fork();
	t_err();
	ktest_begin("cowleak");
	portDelete(&tport);
	check_counts(&before, 64);
	ktest_end();
	return 0;
}
