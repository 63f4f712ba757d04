// SPDX-License-Identifier: MIT
/*
 * t_vmseg: segments through the nucleus page cache, against the test
 * mapper t_mapper (a fresh one per test, so that nothing is cached), run
 * trusted in user mode.  Every test checks the exact mapper messages
 * (tvm.h: EXPECT_LOG) and the data.
 *   vmsegmap  faults on regions of a segment: PULLIN for reading or
 *             writing, GETACCESS for writing a read-only cached page,
 *             none when the mapper gave more; two regions and another
 *             actor share the pages; sgRead and sgWrite see them
 *   vmsgread  PULLIN in chunks of 16 pages, access asked for the rest of
 *             the read with the first; cached pages ask nothing; bad
 *             buffers; the mapper's error; refused forged messages
 *   vmsgwrite one GETACCESS per call, PULLIN only for partly written
 *             pages not cached; the mapper's copy is not written
 *   vmflush   sgFlush clean, downgrade, destroy, in a range; only by the
 *             mapper
 *   vmpullerr a PULLIN error kills the faulting actor, fails sgRead
 *   vmhold    a mapper that does not answer holds the faulting thread
 *             only; answered late, or deleted: the fault fails
 *   vmcopy    vmCopy within us and with a child; rgn* on another actor
 *   vmsgto    sgWriteFrom and sgReadTo with a child's buffer
 *   vmpriv    private (K_RGN_PRIVATE) regions of a segment: reads pull
 *             pages in read-only, writes copy them and tell the mapper
 *             nothing; unwritten pages follow the segment (a shared
 *             region's writes, the mapper's sgFlush); rgnCopy of a shared
 *             segment region gives a private copy
 *   vmsegleak actors and threads back at the end (pages within a margin)
 * Child modes (t_vmseg MODE MAPPER SEG OFF VALUE TEST, untrusted user):
 *   peek      maps the page of SEG at OFF, ends with 0 if the word there
 *             is VALUE, else 1
 *   holdfault a thread reads that word; after 100 ms the main thread says
 *             OP_REPORT {1, the read is done} to TEST, then sleeps 10 s
 *   vmchild   (t_vmseg vmchild TEST AID ADDR) the other side of vmcopy
 */
#include "tvm.h"

#define RD(a)	(*(volatile unsigned long *)(a))

static struct kui tport;
static unsigned char wbuf[32 * PG], rbuf[32 * PG], pbuf[PG];

static int
start(struct mapper *m)
{
	return mapper_start(m, &tport) == K_OK;
}

static long
child(const char *mode, const struct mapper *m, unsigned long s, unsigned long off,
      unsigned long v)
{
	char a[200], p[40], t[40];

	ui_fmt(p, sizeof(p), &m->port);
	ui_fmt(t, sizeof(t), &tport);
	ksnprintf(a, sizeof(a), "%s %s %lx %lx %lx %s", mode, p, s, off, v, t);
	return actorStart("t_vmseg", K_ACTOR_USER, a);
}

static void
t_segmap(void)
{
	unsigned long x = 0x1111222233334444UL, y = 0x5555666677778888UL, z = 0x99990000aaaa0000UL;
	unsigned long a, b, w = 0;
	struct krgn q = { 0 }, bad;
	struct mapper m;
	struct kcap c;

	ktest_begin("vmsegmap");
	if (!start(&m))
		goto out;
	c = seg_cap(&m, 1);
	if (!(a = map_seg(&m, 1, 0, 16 * PG, RW)))
		goto quit;
	CHECK(rgn_at(0, a, &q), "region %#lx not listed", a);
	CHECK(q.addr == a && q.size == 16 * PG && q.prot == RW && q.offset == 0 &&
	      uiEqual(&q.seg.port, &m.port) && q.seg.key[0] == 1,
	      "listed %#lx size %#lx prot %ld offset %#lx key %lu", q.addr, q.size, q.prot, q.offset,
	      q.seg.key[0]);
	EXPECT_NOLOG(&m);
	CHECK_EQ(RD(a + 8), seg_word(1, 8));
	EXPECT_LOG(&m, 0, E(PULLIN, 1, 0, PG, PG, RO));
	CHECK_EQ(RD(a + 4000), seg_word(1, 4000));
	EXPECT_NOLOG(&m);
	RD(a + 16) = x;
	EXPECT_LOG(&m, 0, E(GETACCESS, 1, 0, 0, PG, RW));
	RD(a + PG + 24) = y;
	EXPECT_LOG(&m, 0, E(PULLIN, 1, PG, PG, PG, RW));
	RD(a + 24) = 5;
	RD(a + PG + 32) = 6;
	EXPECT_NOLOG(&m);
	CHECK_EQ(RD(a + 16), x);
	CHECK_EQ(RD(a + PG + 24), y);
	SAME_SEG((void *)(a + 32), 1, 32, PG - 32);
	SAME_SEG((void *)(a + PG + 40), 1, PG + 40, PG - 40);

	mc_set(&m, MC_GRANT, GRANT_RW);		/* more than asked: no GETACCESS */
	CHECK_EQ(RD(a + 2 * PG), seg_word(1, 2 * PG));
	EXPECT_LOG(&m, 0, E(PULLIN, 1, 2 * PG, PG, PG, RO));
	RD(a + 2 * PG + 8) = z;
	EXPECT_NOLOG(&m);
	mc_set(&m, MC_GRANT, GRANT_EXACT);

	if ((b = map_seg(&m, 1, PG, 8 * PG, RW))) {	/* segment pages 1..8 */
		CHECK(rgn_at(0, b, &q) && q.offset == PG, "offset %#lx", q.offset);
		CHECK_EQ(RD(b + 24), y);
		CHECK_EQ(RD(b + PG + 8), z);
		RD(b + PG + 40) = x;
		EXPECT_NOLOG(&m);
		CHECK_EQ(RD(a + 2 * PG + 40), x);
		CHECK_EQ(RD(b + 3 * PG), seg_word(1, 4 * PG));
		EXPECT_LOG(&m, 0, E(PULLIN, 1, 4 * PG, PG, PG, RO));
		CHECK_EQ(RD(a + 4 * PG + 8), seg_word(1, 4 * PG + 8));
		EXPECT_NOLOG(&m);
	}
	CHECK_EQ(sgRead(&c, PG + 24, &w, 8), 8);
	CHECK_EQ(w, y);
	w = 77;
	CHECK_EQ(sgWrite(&c, 16, &w, 8), 8);
	CHECK_EQ(RD(a + 16), 77);
	EXPECT_NOLOG(&m);
	CHECK_EQ(end_of(child("peek", &m, 1, PG + 24, y), 10 * SEC), 0);	/* another actor */
	CHECK_EQ(end_of(child("peek", &m, 1, 16, 77), 10 * SEC), 0);
	EXPECT_NOLOG(&m);

	bad = (struct krgn){ .size = PG, .prot = RW, .seg = c, .offset = 100 };
	CHECK_EQ(rgnMap(0, &bad), -K_EINVAL);
	CHECK_EQ(rgnUnmap(0, (void *)a, 16 * PG), K_OK);
	if (b)
		CHECK_EQ(rgnUnmap(0, (void *)b, 8 * PG), K_OK);
	CHECK_EQ(sgRead(&c, 16, &w, 8), 8);		/* the cache outlives its regions */
	CHECK_EQ(w, 77);
	EXPECT_NOLOG(&m);
quit:
	mapper_end(&m, 0);
out:
	ktest_end();
}

/* A PULLIN forged by us: refused -K_EPERM, counted, not logged. */
static void
forged(struct mapper *m)
{
	struct kmsg q = { .annex = { K_MAP_PULLIN, 1, 0, 0, PG, PG, RO } };
	struct kaddr to = to_port(&m->port);
	unsigned long refused = 0;

	CHECK_EQ(ipcCall(&q, &to, &q, 5 * SEC), K_OK);
	CHECK_EQ(q.annex[0], -K_EPERM);
	CHECK_EQ(mapper_log(m, 0, NULL, 0, &refused, NULL), m->seen);
	CHECK_EQ(refused, 1);
}

static void
t_sgread(void)
{
	struct mapper m;
	struct kcap c, c9;
	unsigned long buf, ro, w;

	ktest_begin("vmsgread");
	if (!start(&m))
		goto out;
	c = seg_cap(&m, 2);
	if (!(buf = map_anon(0, 128 * PG, RW)))		/* untouched: demand paging */
		goto quit;
	CHECK_EQ(sgRead(&c, 0, (void *)buf, 100 * PG), 100 * PG);
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 0, 16 * PG, 100 * PG, RO),
		   E(PULLIN, 2, 16 * PG, 16 * PG, 16 * PG, RO),
		   E(PULLIN, 2, 32 * PG, 16 * PG, 16 * PG, RO),
		   E(PULLIN, 2, 48 * PG, 16 * PG, 16 * PG, RO),
		   E(PULLIN, 2, 64 * PG, 16 * PG, 16 * PG, RO),
		   E(PULLIN, 2, 80 * PG, 16 * PG, 16 * PG, RO),
		   E(PULLIN, 2, 96 * PG, 4 * PG, 4 * PG, RO));
	SAME_SEG((void *)buf, 2, 0, 100 * PG);
	memset((void *)buf, 0, 100 * PG);
	CHECK_EQ(sgRead(&c, 0, (void *)buf, 100 * PG), 100 * PG);
	EXPECT_NOLOG(&m);
	SAME_SEG((void *)buf, 2, 0, 100 * PG);

	CHECK_EQ(sgRead(&c, 98 * PG, rbuf, 4 * PG), 4 * PG);		/* half cached */
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 100 * PG, 2 * PG, 2 * PG, RO));
	SAME_SEG(rbuf, 2, 98 * PG, 4 * PG);
	memset(rbuf, 0xee, 2 * PG);
	CHECK_EQ(sgRead(&c, 200 * PG + 100, rbuf, 5000), 5000);		/* unaligned */
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 200 * PG, 2 * PG, 2 * PG, RO));
	SAME_SEG(rbuf, 2, 200 * PG + 100, 5000);
	CHECK(rbuf[5000] == 0xee, "sgRead wrote past its size");
	CHECK_EQ(sgRead(&c, 210 * PG, &w, 8), 8);
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 210 * PG, PG, PG, RO));
	CHECK_EQ(sgRead(&c, 208 * PG, rbuf, 6 * PG), 6 * PG);		/* a cached page between */
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 208 * PG, 2 * PG, 6 * PG, RO),
		   E(PULLIN, 2, 211 * PG, 3 * PG, 3 * PG, RO));
	SAME_SEG(rbuf, 2, 208 * PG, 6 * PG);

	CHECK_EQ(sgRead(&c, 0, NULL, 8), -K_EFAULT);			/* cached: no message */
	CHECK_EQ(sgRead(&c, 0, NUCLEUS_PTR, 8), -K_EFAULT);
	CHECK_EQ(sgRead(NULL, 0, rbuf, 8), -K_EFAULT);
	c9 = (struct kcap){ .key = { 2, 0 } };				/* a null port */
	CHECK_EQ(sgRead(&c9, 0, rbuf, 8), -K_EINVAL);
	if ((ro = map_anon(0, PG, RO))) {
		CHECK_EQ(sgRead(&c, 0, (void *)ro, 8), -K_EFAULT);
		CHECK(all_zero((void *)ro, PG), "sgRead wrote a read-only page");
	}
	EXPECT_NOLOG(&m);
	c9 = seg_cap(&m, 9);						/* the mapper's error */
	CHECK_EQ(sgRead(&c9, 0, rbuf, 8), -K_EINVAL);
	EXPECT_LOG(&m, 0, E(PULLIN, 9, 0, PG, PG, RO));
	forged(&m);
	CHECK_EQ(rgnUnmap(0, (void *)buf, 128 * PG), K_OK);
	if (ro)
		CHECK_EQ(rgnUnmap(0, (void *)ro, PG), K_OK);
quit:
	mapper_end(&m, 1);
out:
	ktest_end();
}

static void
t_sgwrite(void)
{
	struct mapper m;
	struct kcap c;
	unsigned long a;

	ktest_begin("vmsgwrite");
	if (!start(&m))
		goto out;
	c = seg_cap(&m, 3);
	pattern(wbuf, sizeof(wbuf), 10);
	CHECK_EQ(sgWrite(&c, 0, wbuf, 3 * PG), 3 * PG);			/* whole pages */
	EXPECT_LOG(&m, 0, E(GETACCESS, 3, 0, 0, 3 * PG, RW));
	CHECK_EQ(sgRead(&c, 0, rbuf, 3 * PG), 3 * PG);
	EXPECT_NOLOG(&m);
	CHECK(memcmp(rbuf, wbuf, 3 * PG) == 0, "sgRead after sgWrite differs");
	CHECK_EQ(mapper_peek(&m, 3, 0, rbuf, PG), PG);			/* not pushed */
	SAME_SEG(rbuf, 3, 0, PG);

	CHECK_EQ(sgWrite(&c, 10 * PG + 100, wbuf, 200), 200);		/* part of a page */
	EXPECT_LOG(&m, 0, E(GETACCESS, 3, 10 * PG, 0, PG, RW), E(PULLIN, 3, 10 * PG, PG, PG, RW));
	CHECK_EQ(sgRead(&c, 10 * PG, rbuf, PG), PG);
	SAME_SEG(rbuf, 3, 10 * PG, 100);
	CHECK(memcmp(rbuf + 100, wbuf, 200) == 0, "partial sgWrite lost");
	SAME_SEG(rbuf + 300, 3, 10 * PG + 300, PG - 300);

	CHECK_EQ(sgWrite(&c, 2 * PG, wbuf, 2 * PG), 2 * PG);		/* page 2 has the right */
	EXPECT_LOG(&m, 0, E(GETACCESS, 3, 2 * PG, 0, 2 * PG, RW));
	CHECK_EQ(sgRead(&c, 20 * PG, rbuf, 8), 8);			/* cached read-only */
	EXPECT_LOG(&m, 0, E(PULLIN, 3, 20 * PG, PG, PG, RO));
	CHECK_EQ(sgWrite(&c, 20 * PG + 8, wbuf, 16), 16);
	EXPECT_LOG(&m, 0, E(GETACCESS, 3, 20 * PG, 0, PG, RW));
	CHECK_EQ(sgWrite(&c, 30 * PG + 2048, wbuf, 2 * PG), 2 * PG);	/* both ends partial */
	EXPECT_LOG(&m, 0, E(GETACCESS, 3, 30 * PG, 0, 3 * PG, RW),
		   E(PULLIN, 3, 30 * PG, PG, PG, RW), E(PULLIN, 3, 32 * PG, PG, PG, RW));
	CHECK_EQ(sgRead(&c, 30 * PG, rbuf, 3 * PG), 3 * PG);
	SAME_SEG(rbuf, 3, 30 * PG, 2048);
	CHECK(memcmp(rbuf + 2048, wbuf, 2 * PG) == 0, "sgWrite across pages lost");
	SAME_SEG(rbuf + 2048 + 2 * PG, 3, 32 * PG + 2048, 2048);

	mc_set(&m, MC_GRANT, GRANT_RW);
	CHECK_EQ(sgRead(&c, 40 * PG, rbuf, 8), 8);
	EXPECT_LOG(&m, 0, E(PULLIN, 3, 40 * PG, PG, PG, RO));
	CHECK_EQ(sgWrite(&c, 40 * PG, wbuf, PG), PG);			/* granted already */
	EXPECT_NOLOG(&m);
	mc_set(&m, MC_GRANT, GRANT_EXACT);

	CHECK_EQ(sgWrite(&c, 0, NULL, 8), -K_EFAULT);
	CHECK_EQ(sgWrite(&c, 0, NUCLEUS_PTR, 8), -K_EFAULT);
	EXPECT_NOLOG(&m);
	if ((a = map_seg(&m, 3, 0, 4 * PG, RO))) {			/* regions see it */
		CHECK(memcmp((void *)a, wbuf, 2 * PG) == 0, "a region does not see sgWrite");
		CHECK(memcmp((void *)(a + 2 * PG), wbuf, 2 * PG) == 0, "a region does not see sgWrite");
		EXPECT_NOLOG(&m);
		CHECK_EQ(rgnUnmap(0, (void *)a, 4 * PG), K_OK);
	}
	mapper_end(&m, 0);
out:
	ktest_end();
}

static void
t_flush(void)
{
	unsigned long x = 0x0123456789abcdefUL, y = 0xfedcba9876543210UL, z = 42, w = 0, a = 0;
	struct mapper m;
	struct kcap c;

	ktest_begin("vmflush");
	if (!start(&m))
		goto out;
	c = seg_cap(&m, 1);
	pattern(wbuf, sizeof(wbuf), 30);
	CHECK_EQ(sgWrite(&c, 0, wbuf, 20 * PG), 20 * PG);
	CHECK_EQ(sgWrite(&c, 25 * PG, wbuf + 20 * PG, PG), PG);
	EXPECT_LOG(&m, 0, E(GETACCESS, 1, 0, 0, 20 * PG, RW), E(GETACCESS, 1, 25 * PG, 0, PG, RW));
	CHECK_EQ(sgFlush(&c, 0, 64 * PG, K_FLUSH_CLEAN), -K_EPERM);	/* not the mapper */
	CHECK_EQ(mapper_flush(&m, 1, 100, PG, K_FLUSH_CLEAN), -K_EINVAL);
	EXPECT_NOLOG(&m);

	CHECK_EQ(mapper_flush(&m, 1, 0, 64 * PG, K_FLUSH_CLEAN), K_OK);
	EXPECT_LOG(&m, 1, E(PUSHOUT, 1, 0, 16 * PG, 16 * PG, ANY),
		   E(PUSHOUT, 1, 16 * PG, 4 * PG, 4 * PG, ANY),
		   E(PUSHOUT, 1, 25 * PG, PG, PG, ANY));
	CHECK_EQ(mapper_peek(&m, 1, 0, rbuf, 16 * PG), 16 * PG);
	CHECK(memcmp(rbuf, wbuf, 16 * PG) == 0, "pages 0..15 pushed out wrong");
	CHECK_EQ(mapper_peek(&m, 1, 16 * PG, rbuf, 10 * PG), 10 * PG);
	CHECK(memcmp(rbuf, wbuf + 16 * PG, 4 * PG) == 0, "pages 16..19 pushed out wrong");
	SAME_SEG(rbuf + 4 * PG, 1, 20 * PG, 5 * PG);
	CHECK(memcmp(rbuf + 9 * PG, wbuf + 20 * PG, PG) == 0, "page 25 pushed out wrong");

	pattern(pbuf, PG, 31);						/* clean keeps rights */
	CHECK_EQ(sgWrite(&c, 0, pbuf, PG), PG);
	CHECK_EQ(sgRead(&c, 5 * PG, rbuf, PG), PG);
	EXPECT_NOLOG(&m);
	CHECK_EQ(mapper_flush(&m, 1, 0, 64 * PG, K_FLUSH_CLEAN), K_OK);
	EXPECT_LOG(&m, 0, E(PUSHOUT, 1, 0, PG, PG, ANY));
	CHECK_EQ(mapper_peek(&m, 1, 0, rbuf, PG), PG);
	IS_PATTERN(rbuf, PG, 31);
	CHECK_EQ(mapper_flush(&m, 1, 0, 64 * PG, K_FLUSH_CLEAN), K_OK);	/* nothing dirty */
	EXPECT_NOLOG(&m);

	if (!(a = map_seg(&m, 1, 0, 32 * PG, RW)))			/* downgrade */
		goto quit;
	CHECK(memcmp((void *)(a + 5 * PG), wbuf + 5 * PG, PG) == 0, "cached page 5 differs");
	RD(a + PG) = x;
	EXPECT_NOLOG(&m);
	CHECK_EQ(mapper_flush(&m, 1, 0, 64 * PG, K_FLUSH_DOWNGRADE), K_OK);
	EXPECT_LOG(&m, 0, E(PUSHOUT, 1, PG, PG, PG, ANY));
	CHECK_EQ(mapper_peek(&m, 1, PG, &w, 8), 8);
	CHECK_EQ(w, x);
	CHECK_EQ(sgWrite(&c, 2 * PG, &y, 8), 8);
	EXPECT_LOG(&m, 0, E(GETACCESS, 1, 2 * PG, 0, PG, RW));
	RD(a + 5 * PG) = z;
	EXPECT_LOG(&m, 0, E(GETACCESS, 1, 5 * PG, 0, PG, RW));
	CHECK(memcmp((void *)(a + 6 * PG), wbuf + 6 * PG, PG) == 0, "cached page 6 differs");
	EXPECT_NOLOG(&m);

	RD(a + 6 * PG) = x;						/* destroy */
	EXPECT_LOG(&m, 0, E(GETACCESS, 1, 6 * PG, 0, PG, RW));
	pattern(pbuf, PG, 32);
	CHECK_EQ(mapper_poke(&m, 1, 0, pbuf, PG), PG);
	CHECK_EQ(mapper_flush(&m, 1, 0, 64 * PG, K_FLUSH_DESTROY), K_OK);
	EXPECT_NOLOG(&m);						/* 2, 5, 6 dirty: lost */
	CHECK_EQ(RD(a + 6 * PG), *(unsigned long *)(wbuf + 6 * PG));
	EXPECT_LOG(&m, 0, E(PULLIN, 1, 6 * PG, PG, PG, RO));
	CHECK_EQ(sgRead(&c, 0, rbuf, PG), PG);
	EXPECT_LOG(&m, 0, E(PULLIN, 1, 0, PG, PG, RO));
	IS_PATTERN(rbuf, PG, 32);
	CHECK_EQ(mapper_peek(&m, 1, 5 * PG, rbuf, PG), PG);
	CHECK(memcmp(rbuf, wbuf + 5 * PG, PG) == 0, "a destroyed page was pushed out");

	CHECK_EQ(sgWrite(&c, 10 * PG, &x, 8), 8);			/* a flush's range */
	CHECK_EQ(sgWrite(&c, 12 * PG, &y, 8), 8);
	EXPECT_LOG(&m, 0, E(GETACCESS, 1, 10 * PG, 0, PG, RW), E(PULLIN, 1, 10 * PG, PG, PG, RW),
		   E(GETACCESS, 1, 12 * PG, 0, PG, RW), E(PULLIN, 1, 12 * PG, PG, PG, RW));
	CHECK_EQ(mapper_flush(&m, 1, 10 * PG, 2 * PG, K_FLUSH_CLEAN), K_OK);
	EXPECT_LOG(&m, 0, E(PUSHOUT, 1, 10 * PG, PG, PG, ANY));
	CHECK_EQ(mapper_flush(&m, 1, 0, MAP_SEGSIZE, K_FLUSH_CLEAN), K_OK);
	EXPECT_LOG(&m, 0, E(PUSHOUT, 1, 12 * PG, PG, PG, ANY));
	CHECK_EQ(mapper_peek(&m, 1, 12 * PG, &w, 8), 8);
	CHECK_EQ(w, y);
	CHECK_EQ(rgnUnmap(0, (void *)a, 32 * PG), K_OK);
quit:
	mapper_end(&m, 0);
out:
	ktest_end();
}

static void
t_pullerr(void)
{
	struct mapper m;
	struct kcap c;
	unsigned long w = 0;
	long r;

	ktest_begin("vmpullerr");
	if (!start(&m))
		goto out;
	c = seg_cap(&m, 1);
	mc_set(&m, MC_FAIL, (unsigned long)-K_EIO);
	CHECK_EQ(end_of(child("peek", &m, 1, 3 * PG, seg_word(1, 3 * PG)), 10 * SEC),
		 K_STATUS_EXCEPTION | 14);
	EXPECT_LOG(&m, 0, E(PULLIN, 1, 3 * PG, PG, PG, RO));
	r = sgRead(&c, 0, &w, 8);
	CHECK(r == -K_EIO, "sgRead with a failing mapper: %ld", r);	/* kerrName lacks K_EIO */
	EXPECT_LOG(&m, 0, E(PULLIN, 1, 0, PG, PG, RO));
	mc_set(&m, MC_FAIL, 0);						/* not remembered */
	CHECK_EQ(sgRead(&c, 0, &w, 8), 8);
	CHECK_EQ(w, seg_word(1, 0));
	EXPECT_LOG(&m, 0, E(PULLIN, 1, 0, PG, PG, RO));
	CHECK_EQ(end_of(child("peek", &m, 1, 3 * PG, seg_word(1, 3 * PG)), 10 * SEC), 0);
	EXPECT_LOG(&m, 0, E(PULLIN, 1, 3 * PG, PG, PG, RO));
	mapper_end(&m, 0);
out:
	ktest_end();
}

static void
t_hold(void)
{
	struct mapper m;
	struct kmsg rep;
	struct kcap c;
	long aid;

	ktest_begin("vmhold");
	if (!start(&m))
		goto out;
	c = seg_cap(&m, 2);
	mc_set(&m, MC_HOLD, 1);
	sg_start(&c, 0, rbuf, 2 * PG);
	mapper_wait_log(&m, 1, 2 * SEC);
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 0, 2 * PG, 2 * PG, RO));
	threadSleep(100 * MS);
	CHECK_EQ(semP(&bgr.end, 0), -K_ETIMEOUT);		/* it waits, we run */
	mc_set(&m, MC_HOLD, 0);					/* answered late */
	CHECK_EQ(semP(&bgr.end, 5 * SEC), 0);
	CHECK_EQ(bgr.r, 2 * PG);
	SAME_SEG(rbuf, 2, 0, 2 * PG);
	EXPECT_NOLOG(&m);

	mc_set(&m, MC_HOLD, 1);					/* never answered */
	sg_start(&c, 8 * PG, rbuf, PG);
	aid = child("holdfault", &m, 2, 20 * PG, 0);
	CHECK(!K_IS_ERR(aid), "start holdfault: %s", kerrName(aid));
	CHECK_EQ(recv_msg(&rep, &tport, 5 * SEC), K_OK);
	CHECK(rep.annex[0] == OP_REPORT && rep.annex[1] == 1 && rep.annex[2] == 0,
	      "holdfault reports op %lu, main thread ran %lu, fault done %lu", rep.annex[0],
	      rep.annex[1], rep.annex[2]);
	mapper_wait_log(&m, m.seen + 2, 2 * SEC);
	EXPECT_LOG(&m, 1, E(PULLIN, 2, 8 * PG, PG, PG, RO), E(PULLIN, 2, 20 * PG, PG, PG, RO));
	CHECK_EQ(semP(&bgr.end, 0), -K_ETIMEOUT);
	CHECK_EQ(actorWait(aid, 10 * MS), -K_ETIMEOUT);
	CHECK_EQ(actorDelete(m.aid), K_OK);
	CHECK_EQ(actorWait(m.aid, 5 * SEC), K_STATUS_DELETED);
	CHECK_EQ(semP(&bgr.end, 5 * SEC), 0);
	CHECK_EQ(bgr.r, -K_ENOREPLY);
	CHECK_EQ(end_of(aid, 5 * SEC), K_STATUS_EXCEPTION | 14);
out:
	ktest_end();
}

/* The test's side of vmcopy; the child's is vmchild. */
static void
t_copy(void)
{
	struct krgn x = { .size = 4 * PG, .prot = RW }, q = { 0 };
	char args[160], t[40];
	unsigned long h;
	struct kmsg m;
	struct kui cp;
	long aid, r;

	ktest_begin("vmcopy");
	pattern(wbuf, 2 * PG, 20);
	CHECK_EQ(vmCopy(0, wbuf, 0, rbuf, 3000), K_OK);
	CHECK(memcmp(rbuf, wbuf, 3000) == 0, "vmCopy within us: data differ");
	CHECK_EQ(vmCopy(actorSelf(), wbuf + 5, actorSelf(), rbuf + 4000, 300), K_OK);
	CHECK(memcmp(rbuf + 4000, wbuf + 5, 300) == 0, "vmCopy by our aid: data differ");
	CHECK_EQ(vmCopy(0, NUCLEUS_PTR, 0, rbuf, 8), -K_EFAULT);
	CHECK_EQ(vmCopy(0, wbuf, 0, NUCLEUS_PTR, 8), -K_EFAULT);
	if ((h = map_anon(0, PG, RO))) {				/* no write right */
		CHECK_EQ(vmCopy(0, wbuf, 0, (void *)h, 8), -K_EFAULT);
		CHECK(all_zero((void *)h, PG), "vmCopy wrote a read-only page");
		CHECK_EQ(vmCopy(0, (void *)h, 0, rbuf, 8), K_OK);
		CHECK(all_zero(rbuf, 8), "vmCopy from a zero page");
		CHECK_EQ(rgnUnmap(0, (void *)h, PG), K_OK);
	}
	if ((h = map_anon(0, PG, RW))) {
		CHECK_EQ(rgnUnmap(0, (void *)h, PG), K_OK);
		CHECK_EQ(vmCopy(0, (void *)h, 0, rbuf, 8), -K_EFAULT);
		CHECK_EQ(vmCopy(0, wbuf, 0, (void *)(h + 8), 8), -K_EFAULT);
	}
	CHECK_EQ(vmCopy(BAD_AID, wbuf, 0, rbuf, 8), -K_EUNKNOWN);
	CHECK_EQ(vmCopy(0, wbuf, BAD_AID, rbuf, 8), -K_EUNKNOWN);
	CHECK_EQ(rgnMap(BAD_AID, &x), -K_EUNKNOWN);
	CHECK_EQ(rgnList(BAD_AID, rlist, RL_MAX), -K_EUNKNOWN);

	ui_fmt(t, sizeof(t), &tport);
	ksnprintf(args, sizeof(args), "vmchild %s %lx %lx", t, actorSelf(), (unsigned long)wbuf);
	aid = actorStart("t_vmseg", K_ACTOR_USER, args);
	CHECK(!K_IS_ERR(aid), "start vmchild: %s", kerrName(aid));
	if (K_IS_ERR(aid) || recv_msg(&m, &tport, 5 * SEC) != K_OK || m.annex[0] != OP_HELLO) {
		CHECK(0, "no hello from vmchild");
		goto end;
	}
	CHECK_EQ(m.annex[4], -K_EPERM);		/* its vmCopy from us */
	CHECK_EQ(m.annex[5], K_OK);		/* its vmCopy within itself */
	CHECK_EQ(m.annex[6], -K_EPERM);		/* its rgnMap into us */
	h = m.annex[1];
	CHECK_EQ(vmCopy(aid, (void *)h, 0, rbuf, PG), K_OK);
	IS_PATTERN(rbuf, PG, 21);
	pattern(wbuf, PG, 22);
	CHECK_EQ(vmCopy(0, wbuf, aid, (void *)(h + PG), PG), K_OK);
	CHECK_EQ(vmCopy(aid, NUCLEUS_PTR, 0, rbuf, 8), -K_EFAULT);
	CHECK_EQ(vmCopy(0, wbuf, aid, NUCLEUS_PTR, 8), -K_EFAULT);

	r = rgnMap(aid, &x);			/* its regions, changed by us */
	CHECK(!K_IS_ERR(r) && x.addr, "rgnMap into the child: %s", kerrName(r));
	if (!K_IS_ERR(r) && x.addr) {
		CHECK(rgn_at(aid, x.addr, &q) && q.size == 4 * PG, "child's region %#lx size %#lx",
		      q.addr, q.size);
		pattern(wbuf, 100, 23);
		CHECK_EQ(vmCopy(0, wbuf, aid, (void *)(x.addr + PG), 100), K_OK);
		CHECK_EQ(rgnSplit(aid, (void *)(x.addr + PG)), K_OK);
		CHECK_EQ(rgnProtect(aid, (void *)x.addr, PG, RO), K_OK);
		CHECK_EQ(rgnUnmap(aid, (void *)(x.addr + 3 * PG), PG), K_OK);
	}
	cp = ui_at(&m.annex[2]);
	send_words(&cp, OP_GO, x.addr, 0, 0);
	CHECK_EQ(recv_msg(&m, &tport, 5 * SEC), K_OK);
	CHECK(m.annex[0] == OP_REPORT && m.annex[1] == 1 && m.annex[2] == 1 && m.annex[3] == 1,
	      "vmchild reports op %lu: written page %lu, new region data %lu, its list %lu",
	      m.annex[0], m.annex[1], m.annex[2], m.annex[3]);
end:
	if (!K_IS_ERR(aid))
		CHECK_EQ(end_of(aid, 5 * SEC), 0);
	ktest_end();
}

/* sgWriteFrom and sgReadTo move a segment's data to and from a buffer in
 * another actor (an empty child of ours: we are its parent). */
static void
t_sgto(void)
{
	struct krgn x = { .size = 4 * PG, .prot = RW }, y = { .size = PG, .prot = RO };
	long aid = actorCreate(K_ACTOR_USER);
	struct mapper m;
	struct kcap c;

	ktest_begin("vmsgto");
	CHECK(!K_IS_ERR(aid), "actorCreate: %s", kerrName(aid));
	if (K_IS_ERR(aid) || !start(&m))
		goto out;
	c = seg_cap(&m, 2);
	CHECK_EQ(rgnMap(aid, &x), K_OK);
	CHECK_EQ(rgnMap(aid, &y), K_OK);
	pattern(wbuf, 2 * PG, 40);
	CHECK_EQ(vmCopy(0, wbuf, aid, (void *)(x.addr + 100), 2 * PG), K_OK);
	CHECK_EQ(sgWriteFrom(&c, 5 * PG + 8, aid, (void *)(x.addr + 100), 2 * PG), 2 * PG);
	EXPECT_LOG(&m, 0, E(GETACCESS, 2, 5 * PG, 0, 3 * PG, RW),
		   E(PULLIN, 2, 5 * PG, PG, PG, RW), E(PULLIN, 2, 7 * PG, PG, PG, RW));
	memset(rbuf, 0, 2 * PG);
	CHECK_EQ(sgRead(&c, 5 * PG + 8, rbuf, 2 * PG), 2 * PG);
	CHECK(memcmp(rbuf, wbuf, 2 * PG) == 0, "sgWriteFrom: the segment differs");
	CHECK_EQ(sgReadTo(&c, 5 * PG + 8, aid, (void *)(x.addr + 2 * PG + 5), PG + 7), PG + 7);
	EXPECT_NOLOG(&m);
	memset(rbuf, 0, 2 * PG);
	CHECK_EQ(vmCopy(aid, (void *)(x.addr + 2 * PG + 5), 0, rbuf, PG + 7), K_OK);
	CHECK(memcmp(rbuf, wbuf, PG + 7) == 0, "sgReadTo: the child's buffer differs");
	CHECK_EQ(sgReadTo(&c, 0, aid, (void *)y.addr, 8), -K_EFAULT);	/* read-only */
	CHECK_EQ(vmCopy(aid, (void *)y.addr, 0, rbuf, PG), K_OK);
	CHECK(all_zero(rbuf, PG), "sgReadTo wrote a read-only page");
	CHECK_EQ(sgReadTo(&c, 0, aid, NUCLEUS_PTR, 8), -K_EFAULT);
	CHECK_EQ(sgWriteFrom(&c, 0, aid, (void *)(x.addr + 4 * PG), 8), -K_EFAULT);
	CHECK_EQ(sgReadTo(&c, 0, BAD_AID, rbuf, 8), -K_EUNKNOWN);
	CHECK_EQ(sgWriteFrom(&c, 0, BAD_AID, rbuf, 8), -K_EUNKNOWN);
	mapper_end(&m, 0);
out:
	if (!K_IS_ERR(aid)) {
		actorDelete(aid);
		actorWait(aid, 5 * SEC);
	}
	ktest_end();
}

static void
t_priv(void)
{
	unsigned long a = 0, b = 0, w = 0, v = 0x600df00dUL;
	struct krgn q = { 0 };
	struct mapper m;
	struct kcap c;
	long aid;

	ktest_begin("vmpriv");
	if (!start(&m))
		goto out;
	c = seg_cap(&m, 2);
	if (!(a = map_seg(&m, 2, 4 * PG, 8 * PG, RW | K_RGN_PRIVATE)))
		goto quit;
	CHECK(rgn_at(0, a, &q) && q.prot == (RW | K_RGN_PRIVATE) && q.offset == 4 * PG &&
	      uiEqual(&q.seg.port, &m.port) && q.seg.key[0] == 2,
	      "listed prot %#lx offset %#lx key %lu", q.prot, q.offset, q.seg.key[0]);
	CHECK_EQ(RD(a + 8), seg_word(2, 4 * PG + 8));
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 4 * PG, PG, PG, RO));
	RD(a + 16) = 0x1234;				/* a private copy: no GETACCESS */
	EXPECT_NOLOG(&m);
	CHECK_EQ(RD(a + 16), 0x1234);
	SAME_SEG((void *)(a + 24), 2, 4 * PG + 24, PG - 24);
	RD(a + PG) = 0x5678;				/* never read: pulled in read-only */
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 5 * PG, PG, PG, RO));
	SAME_SEG((void *)(a + PG + 8), 2, 5 * PG + 8, PG - 8);
	CHECK_EQ(sgRead(&c, 4 * PG + 16, &w, 8), 8);	/* the segment did not change */
	CHECK_EQ(w, seg_word(2, 4 * PG + 16));
	EXPECT_NOLOG(&m);

	if (!(b = map_seg(&m, 2, 0, 16 * PG, RW)))	/* shared, over the same pages */
		goto quit;
	CHECK_EQ(RD(a + 2 * PG + 8), seg_word(2, 6 * PG + 8));
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 6 * PG, PG, PG, RO));
	RD(b + 6 * PG + 8) = v;				/* an unwritten private page follows */
	EXPECT_LOG(&m, 0, E(GETACCESS, 2, 6 * PG, 0, PG, RW));
	CHECK_EQ(RD(a + 2 * PG + 8), v);
	CHECK_EQ(RD(b + 4 * PG + 16), seg_word(2, 4 * PG + 16));	/* a private write does not */
	w = 0x4242;
	CHECK_EQ(sgWrite(&c, 4 * PG + 16, &w, 8), 8);
	EXPECT_LOG(&m, 0, E(GETACCESS, 2, 4 * PG, 0, PG, RW));
	CHECK_EQ(RD(a + 16), 0x1234);

	CHECK_EQ(mapper_flush(&m, 2, 0, MAP_SEGSIZE, K_FLUSH_DESTROY), K_OK);
	CHECK_EQ(RD(a + 2 * PG + 8), seg_word(2, 6 * PG + 8));	/* the write was dropped */
	EXPECT_LOG(&m, 0, E(PULLIN, 2, 6 * PG, PG, PG, RO));
	CHECK_EQ(RD(a + 16), 0x1234);			/* private pages stay */
	CHECK_EQ(RD(a + PG), 0x5678);
	EXPECT_NOLOG(&m);

	aid = actorCreate(K_ACTOR_USER);		/* a copy of the shared region */
	CHECK(!K_IS_ERR(aid), "actorCreate: %s", kerrName(aid));
	if (!K_IS_ERR(aid)) {
		CHECK_EQ(rgnCopy(0, (void *)b, aid, (void *)b, 16 * PG), K_OK);
		CHECK(rgn_at(aid, b, &q) && q.prot == (RW | K_RGN_PRIVATE) && q.seg.key[0] == 2,
		      "the copy is listed prot %#lx key %lu", q.prot, q.seg.key[0]);
		CHECK_EQ(vmCopy(aid, (void *)(b + 6 * PG + 8), 0, &w, 8), K_OK);
		CHECK_EQ(w, seg_word(2, 6 * PG + 8));
		CHECK_EQ(vmCopy(0, &v, aid, (void *)(b + 7 * PG), 8), K_OK);	/* its own */
		CHECK_EQ(RD(b + 7 * PG), seg_word(2, 7 * PG));
		CHECK_EQ(vmCopy(aid, (void *)(b + 7 * PG), 0, &w, 8), K_OK);
		CHECK_EQ(w, v);
		EXPECT_LOG(&m, 0, E(PULLIN, 2, 7 * PG, PG, PG, RO));
		CHECK_EQ(actorDelete(aid), K_OK);
		CHECK_EQ(actorWait(aid, 5 * SEC), K_STATUS_DELETED);
	}
quit:
	if (a)
		CHECK_EQ(rgnUnmap(0, (void *)a, 8 * PG), K_OK);
	if (b)
		CHECK_EQ(rgnUnmap(0, (void *)b, 16 * PG), K_OK);
	mapper_end(&m, 0);
out:
	ktest_end();
}

/* vmchild TEST AID ADDR: vmcopy's other side. */
static int
vmchild(char **argv)
{
	struct krgn r = { .size = PG, .prot = RW }, q = { 0 };
	unsigned long taid, taddr, buf, tmp[8], x;
	struct kaddr to = to_port(&tport);
	long e1, e2, e3, ok1, ok2, ok3;
	struct kmsg m;
	struct kui me;

	hex_word(argv[3], &taid);
	hex_word(argv[4], &taddr);
	if (!(buf = map_anon(0, 2 * PG, RW)) || portCreate(NULL, &me) != K_OK)
		return 5;
	pattern((void *)buf, PG, 21);
	e1 = vmCopy((long)taid, (void *)taddr, 0, tmp, 8);
	e2 = vmCopy(0, (void *)buf, 0, tmp, 64);
	if (!K_IS_ERR(e2))
		e2 = memcmp(tmp, (void *)buf, 64) == 0 ? K_OK : -K_ESTATE;
	e3 = rgnMap((long)taid, &r);
	m = (struct kmsg){ .annex = { OP_HELLO, buf, me.head, me.stamp, (unsigned long)e1,
				      (unsigned long)e2, (unsigned long)e3 } };
	ipcSend(&m, &to);
	if (recv_msg(&m, &me, 5 * SEC) != K_OK || m.annex[0] != OP_GO)
		return 6;
	x = m.annex[1];
	pattern(pbuf, PG, 22);
	ok1 = memcmp((void *)(buf + PG), pbuf, PG) == 0;
	pattern(pbuf, 100, 23);
	ok2 = x && all_zero((void *)x, PG) && memcmp((void *)(x + PG), pbuf, 100) == 0 &&
	      all_zero((void *)(x + PG + 100), 2 * PG - 100);
	ok3 = x && rgn_at(0, x, &q) && q.addr == x && q.size == PG && q.prot == RO &&
	      rgn_at(0, x + PG, &q) && q.addr == x + PG && q.size == 2 * PG && q.prot == RW &&
	      !rgn_at(0, x + 3 * PG, NULL);
	send_words(&tport, OP_REPORT, (unsigned long)ok1, (unsigned long)ok2, (unsigned long)ok3);
	return 0;
}

static volatile unsigned long fault_done;

static void
fault_thread(void *p)
{
	(void)RD(p);
	fault_done = 1;
}

/* peek and holdfault: MODE MAPPER SEG OFF VALUE TEST */
static int
segchild(char **argv)
{
	struct mapper m = { 0 };
	unsigned long s, off, v, a;

	if (ui_parse(argv[2], &m.port) < 0)
		return 2;
	hex_word(argv[3], &s);
	hex_word(argv[4], &off);
	hex_word(argv[5], &v);
	if (!(a = map_seg(&m, s, off & ~(PG - 1), PG, RO)))
		return 5;
	a += off & (PG - 1);
	if (strcmp(argv[1], "peek") == 0)
		return RD(a) == v ? 0 : 1;
	if (K_IS_ERR(threadStart(fault_thread, (void *)a, 0, 0)))
		return 6;
	threadSleep(100 * MS);
	send_words(&tport, OP_REPORT, 1, fault_done, 0);
	threadSleep(10 * SEC);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ksysinfo before;

	if (argc > 1) {
		ktest_begin("vmsegchild");
		if (strcmp(argv[1], "vmchild") == 0 && argc > 4 && ui_parse(argv[2], &tport) == 0)
			return vmchild(argv);
		if (argc > 6 && ui_parse(argv[6], &tport) == 0)
			return segchild(argv);
		kprintf("t_vmseg: bad arguments\n");
		return 2;
	}
	sysInfo(&before);
	portCreate(NULL, &tport);
	t_segmap();
	t_sgread();
	t_sgwrite();
	t_flush();
	t_pullerr();
	t_hold();
	t_copy();
	t_sgto();
	t_priv();
	ktest_begin("vmsegleak");
	portDelete(&tport);
	check_counts(&before, 1024);	/* pages: the cache of dead mappers' segments may linger */
	ktest_end();
	return 0;
}
