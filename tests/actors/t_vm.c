// SPDX-License-Identifier: MIT
/*
 * t_vm: regions of anonymous memory (rgnMap, rgnProtect, rgnUnmap,
 * rgnSplit, rgnList), in user and supervisor mode, not trusted.
 *   vmlazy   (user) pages are given when touched, not when mapped; they
 *            come back at rgnUnmap
 *   vmmap    rgnMap: the nucleus picks a free page-aligned address, the
 *            region is zero-filled and listed; the argument errors; fixed
 *            addresses (user); another actor's regions are refused to us
 *   vmkcopy  nucleus calls copy into and out of untouched memory
 *            (sysInfo, rgnList, threadStat, ipcReceive, ipcSend); a
 *            read-only or unmapped buffer is -K_EFAULT (user)
 *   vmprot   rgnProtect splits regions at the ends of its range, may span
 *            regions, refuses ranges outside them; (user) children killed
 *            by writes to read-only pages and reads of unmapped ones
 *   vmsplit  rgnSplit, strictly inside a region only
 *   vmunmap  rgnUnmap of a middle part; (user) remapped, reads zeros
 *   vmlist   rgnList sorted, cut at max, counted in full
 *   vmleak   actors, threads and pages back at the end
 * Child modes (t_vm MODE, started by ourselves): sleep, and wrro, wrprot,
 * rdunmap (must die of a page fault), protrw (must end with 0).
 */
#include "tvm.h"

#define RD(a)	(*(volatile unsigned long *)(a))
#define MIB	(1024UL * 1024)

static unsigned char ref[8 * PG], big[2 * PG];

static long
run_child(const char *mode)
{
	long aid = actorStart("t_vm", K_ACTOR_USER, mode);

	if (K_IS_ERR(aid))
		return aid;
	return end_of(aid, 10 * SEC);
}

static int
child(const char *mode)
{
	unsigned long a;

	ktest_begin("vmchild");
	if (strcmp(mode, "sleep") == 0) {
		threadSleep(10 * SEC);
		return 0;
	}
	if (!(a = map_anon(0, 2 * PG, strcmp(mode, "wrro") == 0 ? RO : RW)))
		return 5;
	if (strcmp(mode, "wrro") == 0) {
		if (RD(a) != 0)
			return 6;
		RD(a) = 1;
	} else if (strcmp(mode, "wrprot") == 0) {
		RD(a) = 1;
		if (rgnProtect(0, (void *)a, PG, RO) != K_OK)
			return 6;
		RD(a) = 2;
	} else if (strcmp(mode, "rdunmap") == 0) {
		RD(a + PG) = 1;
		if (rgnUnmap(0, (void *)(a + PG), PG) != K_OK)
			return 6;
		(void)RD(a + PG);
	} else if (strcmp(mode, "protrw") == 0) {
		RD(a) = 1;
		if (rgnProtect(0, (void *)a, PG, RO) != K_OK || rgnProtect(0, (void *)a, PG, RW) != K_OK)
			return 6;
		RD(a) = 2;
		return RD(a) == 2 ? 0 : 7;
	}
	return 1;	/* still alive */
}

static long
pages_free(void)
{
	struct ksysinfo si;

	sysInfo(&si);
	return (long)si.pages_free;
}

static void
t_lazy(void)
{
	long p0, p1, p2, p3;
	unsigned long a;

	ktest_begin("vmlazy");
	threadSleep(50 * MS);		/* the previous actor's pages are back */
	p0 = pages_free();
	if (!(a = map_anon(0, 64 * MIB, RW)))
		goto out;
	p1 = pages_free();
	CHECK(p0 - p1 < 16, "mapping 64 MiB took %ld pages", p0 - p1);
	for (unsigned long i = 0; i < 10; i++) {
		CHECK_EQ(RD(a + i * 6 * MIB + i * PG + 8), 0);
		RD(a + i * 6 * MIB + i * PG + 8) = i + 1;
	}
	p2 = pages_free();
	CHECK(p0 - p2 >= 10 && p0 - p2 < 100, "touching 10 pages of 64 MiB took %ld pages",
	      p0 - p2);
	for (unsigned long i = 0; i < 10; i++)
		CHECK_EQ(RD(a + i * 6 * MIB + i * PG + 8), i + 1);
	CHECK(all_zero((void *)(a + 3 * MIB), PG), "an untouched page is not zero");
	RGN_IS(a, 64 * MIB, RW);
	CHECK_EQ(rgnUnmap(0, (void *)a, 64 * MIB), K_OK);
	threadSleep(20 * MS);
	p3 = pages_free();
	/* the 10 pages are back; page tables (one per 2 MiB touched) may stay */
	CHECK(p0 - p3 <= 12, "pages free %ld before, %ld after rgnUnmap", p0, p3);
out:
	ktest_end();
}

static void
map_errors(unsigned long a)
{
	struct krgn r = { .size = 0, .prot = RW };

	CHECK_EQ(rgnMap(0, &r), -K_EINVAL);
	r = (struct krgn){ .size = PG + 100, .prot = RW };
	CHECK_EQ(rgnMap(0, &r), -K_EINVAL);
	CHECK_EQ(rgnMap(0, NULL), -K_EFAULT);
	CHECK_EQ(rgnMap(0, NUCLEUS_PTR), -K_EFAULT);
	if (!is_user()) {		/* segments only in user actors */
		r = (struct krgn){ .size = PG, .prot = RW };
		CHECK_EQ(portCreate(NULL, &r.seg.port), K_OK);
		CHECK_EQ(rgnMap(0, &r), -K_ENOSYS);
		portDelete(&r.seg.port);
		return;
	}
	r = (struct krgn){ .addr = a + PG, .size = PG, .prot = RW };
	CHECK_EQ(rgnMap(0, &r), -K_EEXIST);
	r = (struct krgn){ .addr = a - PG, .size = 2 * PG, .prot = RW };
	CHECK_EQ(rgnMap(0, &r), -K_EEXIST);
	r = (struct krgn){ .addr = a + 15 * PG, .size = 4 * PG, .prot = RW };
	CHECK_EQ(rgnMap(0, &r), -K_EEXIST);
}

/* "others ADDR AID": the regions of actor AID (our parent, not trusted
 * us) at ADDR are not ours to change.  0 if every call was refused. */
static int
others_child(const char *saddr, const char *said)
{
	struct krgn r = { .size = PG, .prot = RW };
	unsigned long aid, a;

	ktest_begin("vmchild");
	hex_word(said, &aid);
	hex_word(saddr, &a);
	if (rgnMap((long)aid, &r) != -K_EPERM || rgnList((long)aid, rlist, RL_MAX) != -K_EPERM ||
	    rgnUnmap((long)aid, (void *)a, PG) != -K_EPERM ||
	    rgnProtect((long)aid, (void *)a, PG, RO) != -K_EPERM ||
	    rgnSplit((long)aid, (void *)(a + PG)) != -K_EPERM ||
	    rgnCopy((long)aid, (void *)a, 0, (void *)a, PG) != -K_EPERM)
		return 3;
	return 0;
}

/* An untrusted actor may change the regions of actors it started, not
 * those of others (its parent here). */
static void
others(unsigned long a)
{
	struct krgn r = { .size = PG, .prot = RW };
	char args[64];
	long aid = actorStart("t_vm", __kstart->mode, "sleep");

	CHECK(!K_IS_ERR(aid), "start t_vm sleep: %s", kerrName(aid));
	if (K_IS_ERR(aid))
		return;
	CHECK_EQ(rgnMap(aid, &r), K_OK);
	CHECK(rgnList(aid, rlist, RL_MAX) >= 2, "our child's regions: %ld", rgnList(aid, rlist, RL_MAX));
	CHECK_EQ(rgnUnmap(aid, (void *)r.addr, PG), K_OK);
	CHECK_EQ(actorDelete(aid), K_OK);
	CHECK_EQ(actorWait(aid, 5 * SEC), K_STATUS_DELETED);
	ksnprintf(args, sizeof(args), "others %lx %lx", a, (unsigned long)actorSelf());
	CHECK_EQ(run_child(args), 0);
	RGN_IS(a, 16 * PG, RW);		/* ours did not change */
}

static void
t_map(void)
{
	struct krgn r = { .size = 16 * PG, .prot = RW }, q = { 0 };
	unsigned long a, b;
	long e;

	ktest_begin("vmmap");
	e = rgnMap(0, &r);
	a = r.addr;
	CHECK(!K_IS_ERR(e) && a && !(a & (PG - 1)), "rgnMap: %s, addr %#lx", kerrName(e), a);
	if (K_IS_ERR(e) || !a)
		goto out;
	CHECK(all_zero((void *)a, 16 * PG), "a new anonymous region is not zero");
	pattern((void *)a, 16 * PG, 1);
	IS_PATTERN((void *)a, 16 * PG, 1);
	CHECK(rgn_at(0, a, &q), "region %#lx not listed", a);
	CHECK_EQ(q.addr, a);
	CHECK_EQ(q.size, 16 * PG);
	CHECK_EQ(q.prot, RW);
	CHECK(uiIsNull(&q.seg.port), "anonymous region listed with port %lx.%lx", q.seg.port.head,
	      q.seg.port.stamp);
	if ((b = map_anon(0, 4 * PG, RO))) {
		CHECK(b + 4 * PG <= a || a + 16 * PG <= b, "regions %#lx and %#lx overlap", a, b);
		CHECK(all_zero((void *)b, 4 * PG), "a read-only anonymous region is not zero");
		RGN_IS(b, 4 * PG, RO);
	}
	map_errors(a);
	if (b && is_user()) {		/* a given free address */
		CHECK_EQ(rgnUnmap(0, (void *)b, 4 * PG), K_OK);
		r = (struct krgn){ .addr = b + 100, .size = PG, .prot = RW };
		CHECK_EQ(rgnMap(0, &r), -K_EINVAL);
		CHECK_EQ(map_anon(b, 4 * PG, RW), b);
		RGN_IS(b, 4 * PG, RW);
	}
	others(a);
	IS_PATTERN((void *)a, 16 * PG, 1);
	CHECK_EQ(rgnUnmap(0, (void *)a, 16 * PG), K_OK);
	CHECK(!rgn_at(0, a, NULL), "region %#lx still listed after rgnUnmap", a);
	if (b)
		CHECK_EQ(rgnUnmap(0, (void *)b, 4 * PG), K_OK);
out:
	ktest_end();
}

static void
t_kcopy(void)
{
	struct kui p;
	struct kmsg m, *rm;
	struct kaddr to;
	unsigned long f, z, h, ro;
	long n;

	ktest_begin("vmkcopy");
	if (!(f = map_anon(0, 8 * PG, RW)) || !(z = map_anon(0, 2 * PG, RW)))
		goto out;
	CHECK_EQ(sysInfo((struct ksysinfo *)f), K_OK);
	CHECK(((struct ksysinfo *)f)->ncpus >= 1 && ((struct ksysinfo *)f)->pages_total > 0,
	      "sysInfo into untouched memory: %u processors, %lu pages",
	      ((struct ksysinfo *)f)->ncpus, (unsigned long)((struct ksysinfo *)f)->pages_total);
	n = rgnList(0, (struct krgn *)(f + PG), 32);
	CHECK(n > 0 && ((struct krgn *)(f + PG))->size > 0, "rgnList into untouched memory: %ld", n);
	CHECK_EQ(threadStat(threadSelf(), (struct kthreadstat *)(f + 2 * PG)), K_OK);
	CHECK_EQ(((struct kthreadstat *)(f + 2 * PG))->aid, actorSelf());

	/* a body received into untouched pages (across a page end) */
	CHECK_EQ(portCreate(NULL, &p), K_OK);
	to = to_port(&p);
	pattern(big, 300, 7);
	m = (struct kmsg){ .body = big, .bodysize = 300, .annex = { 1 } };
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	rm = (struct kmsg *)(f + 3 * PG);
	rm->body = (void *)(f + 5 * PG - 100);
	rm->bodysize = 300;
	CHECK_EQ(ipcReceive(rm, &p, SEC), K_OK);
	CHECK_EQ(rm->bodysize, 300);
	IS_PATTERN(rm->body, 300, 7);
	/* a body sent from untouched pages: zeros */
	m = (struct kmsg){ .body = (void *)(z + PG - 50), .bodysize = 100, .annex = { 2 } };
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	memset(big, 0xff, sizeof(big));
	m = (struct kmsg){ .body = big, .bodysize = sizeof(big) };
	CHECK_EQ(ipcReceive(&m, &p, SEC), K_OK);
	CHECK_EQ(m.bodysize, 100);
	CHECK(all_zero(big, 100), "a body from untouched memory is not zero");
	portDelete(&p);

	if (is_user() && (ro = map_anon(0, PG, RO))) {
		CHECK_EQ(sysInfo((struct ksysinfo *)ro), -K_EFAULT);
		CHECK(all_zero((void *)ro, PG), "sysInfo wrote a read-only page");
		CHECK_EQ(rgnUnmap(0, (void *)ro, PG), K_OK);
	}
	if (is_user() && (h = map_anon(0, PG, RW))) {
		CHECK_EQ(rgnUnmap(0, (void *)h, PG), K_OK);
		CHECK_EQ(sysInfo((struct ksysinfo *)h), -K_EFAULT);
		CHECK_EQ(rgnList(0, (struct krgn *)h, 4), -K_EFAULT);
	}
	CHECK_EQ(rgnUnmap(0, (void *)f, 8 * PG), K_OK);
	CHECK_EQ(rgnUnmap(0, (void *)z, 2 * PG), K_OK);
out:
	ktest_end();
}

/* 8 pages at a, with an unmapped hole of 2 pages after them; a, or 0. */
static unsigned long
eight_pages(unsigned long seed)
{
	unsigned long a = map_anon(0, 10 * PG, RW);

	if (!a)
		return 0;
	CHECK_EQ(rgnUnmap(0, (void *)(a + 8 * PG), 2 * PG), K_OK);
	pattern((void *)a, 8 * PG, seed);
	return a;
}

static void
t_prot(void)
{
	unsigned long a;
	long n0;

	ktest_begin("vmprot");
	if (!(a = eight_pages(2)))
		goto out;
	n0 = rgn_count(0);
	CHECK_EQ(rgnProtect(0, (void *)(a + 2 * PG), 2 * PG, RO), K_OK);
	CHECK_EQ(rgn_count(0), n0 + 2);
	RGN_IS(a, 2 * PG, RW);
	RGN_IS(a + 2 * PG, 2 * PG, RO);
	RGN_IS(a + 4 * PG, 4 * PG, RW);
	IS_PATTERN((void *)a, 8 * PG, 2);
	CHECK_EQ(rgnProtect(0, (void *)(a + PG), 5 * PG, RO), K_OK);	/* across three */
	for (int i = 0; i < 8; i++)
		CHECK(prot_at(a + i * PG) == (i >= 1 && i < 6 ? RO : RW), "page %d: prot %ld", i,
		      prot_at(a + i * PG));
	CHECK_EQ(rgnProtect(0, (void *)(a + 6 * PG), 4 * PG, RO), -K_EINVAL);	/* into the hole */
	CHECK_EQ(rgnProtect(0, (void *)(a + 8 * PG), PG, RO), -K_EINVAL);
	CHECK_EQ(prot_at(a + 6 * PG), RW);
	CHECK_EQ(prot_at(a + 7 * PG), RW);
	CHECK_EQ(rgnProtect(0, (void *)a, 8 * PG, RW), K_OK);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(prot_at(a + i * PG), RW);
	IS_PATTERN((void *)a, 8 * PG, 2);
	pattern((void *)a, 8 * PG, 3);		/* writable again */
	IS_PATTERN((void *)a, 8 * PG, 3);
	CHECK_EQ(rgnUnmap(0, (void *)a, 8 * PG), K_OK);
	CHECK(!rgn_at(0, a + 5 * PG, NULL), "a piece of %#lx still listed", a);
	if (is_user()) {
		CHECK_EQ(run_child("wrro"), K_STATUS_EXCEPTION | 14);
		CHECK_EQ(run_child("wrprot"), K_STATUS_EXCEPTION | 14);
		CHECK_EQ(run_child("rdunmap"), K_STATUS_EXCEPTION | 14);
		CHECK_EQ(run_child("protrw"), 0);
	}
out:
	ktest_end();
}

static void
t_split(void)
{
	unsigned long a;
	long n0;

	ktest_begin("vmsplit");
	if (!(a = eight_pages(4)))
		goto out;
	n0 = rgn_count(0);
	CHECK_EQ(rgnSplit(0, (void *)(a + 3 * PG)), K_OK);
	CHECK_EQ(rgn_count(0), n0 + 1);
	RGN_IS(a, 3 * PG, RW);
	RGN_IS(a + 3 * PG, 5 * PG, RW);
	CHECK_EQ(rgnSplit(0, (void *)a), -K_EINVAL);			/* a start */
	CHECK_EQ(rgnSplit(0, (void *)(a + 3 * PG)), -K_EINVAL);	/* now a start */
	CHECK_EQ(rgnSplit(0, (void *)(a + 5 * PG + 100)), -K_EINVAL);
	CHECK_EQ(rgnSplit(0, (void *)(a + 8 * PG)), -K_EINVAL);	/* the end, a hole */
	CHECK_EQ(rgnSplit(0, (void *)(a + 9 * PG)), -K_EINVAL);
	CHECK_EQ(rgn_count(0), n0 + 1);
	IS_PATTERN((void *)a, 8 * PG, 4);
	CHECK_EQ(rgnProtect(0, (void *)a, 3 * PG, RO), K_OK);	/* one whole piece */
	CHECK_EQ(rgn_count(0), n0 + 1);
	RGN_IS(a, 3 * PG, RO);
	RGN_IS(a + 3 * PG, 5 * PG, RW);
	CHECK_EQ(rgnUnmap(0, (void *)a, 8 * PG), K_OK);
	CHECK_EQ(rgn_count(0), n0 - 1);
out:
	ktest_end();
}

static void
t_unmap(void)
{
	unsigned long a, b;
	long n0;

	ktest_begin("vmunmap");
	if (!(a = map_anon(0, 8 * PG, RW)))
		goto out;
	pattern(ref, sizeof(ref), 5);
	memcpy((void *)a, ref, 8 * PG);
	n0 = rgn_count(0);
	CHECK_EQ(rgnUnmap(0, (void *)(a + 2 * PG), 3 * PG), K_OK);
	CHECK_EQ(rgn_count(0), n0 + 1);
	RGN_IS(a, 2 * PG, RW);
	RGN_IS(a + 5 * PG, 3 * PG, RW);
	CHECK(!rgn_at(0, a + 2 * PG, NULL) && !rgn_at(0, a + 4 * PG, NULL), "the hole is listed");
	CHECK(memcmp((void *)a, ref, 2 * PG) == 0, "the first piece changed");
	CHECK(memcmp((void *)(a + 5 * PG), ref + 5 * PG, 3 * PG) == 0, "the last piece changed");
	CHECK_EQ(rgnUnmap(0, (void *)(a + 2 * PG), PG), K_OK);	/* nothing there */
	CHECK_EQ(rgnUnmap(0, (void *)(a + 100), PG), -K_EINVAL);
	CHECK_EQ(rgn_count(0), n0 + 1);
	if (is_user()) {
		struct krgn r = { .addr = a + 2 * PG, .size = 4 * PG, .prot = RW };
		CHECK_EQ(rgnMap(0, &r), -K_EEXIST);
		if ((b = map_anon(a + 2 * PG, 3 * PG, RW))) {
			CHECK_EQ(b, a + 2 * PG);
			CHECK(all_zero((void *)b, 3 * PG), "mapped again: not zero");
			CHECK_EQ(rgn_count(0), n0 + 2);
		}
		CHECK_EQ(rgnUnmap(0, (void *)a, 8 * PG), K_OK);		/* three regions */
	} else {
		CHECK_EQ(rgnUnmap(0, (void *)a, 2 * PG), K_OK);
		CHECK_EQ(rgnUnmap(0, (void *)(a + 5 * PG), 3 * PG), K_OK);
	}
	CHECK_EQ(rgn_count(0), n0 - 1);
out:
	ktest_end();
}

static void
t_list(void)
{
	static struct krgn one[3];
	unsigned long a[3] = { 0 }, f;
	long n, k;

	ktest_begin("vmlist");
	n = rgn_count(0);
	CHECK(n >= 2 && n < RL_MAX, "%ld regions", n);	/* image and stack at least */
	for (long i = 0; i < n && i < RL_MAX; i++) {
		CHECK(rlist[i].size && !(rlist[i].addr & (PG - 1)) && !(rlist[i].size & (PG - 1)),
		      "region %ld: %#lx size %#lx", i, rlist[i].addr, rlist[i].size);
		CHECK(i == 0 || rlist[i - 1].addr + rlist[i - 1].size <= rlist[i].addr,
		      "regions %ld and %ld out of order or overlapping: %#lx and %#lx", i - 1, i,
		      rlist[i - 1].addr, rlist[i].addr);
	}
	memset(one, 0x5a, sizeof(one));
	CHECK_EQ(rgnList(0, one, 1), n);
	CHECK(memcmp(&one[0], &rlist[0], sizeof(one[0])) == 0, "rgnList(max 1) differs");
	CHECK(((unsigned char *)&one[1])[0] == 0x5a, "rgnList wrote past max");
	CHECK_EQ(rgnList(0, NULL, 4), -K_EFAULT);
	CHECK_EQ(rgnList(0, NUCLEUS_PTR, 4), -K_EFAULT);
	for (int i = 0; i < 3; i++)
		a[i] = map_anon(0, (unsigned long)(i + 1) * PG, RW);
	CHECK_EQ(rgn_count(0), n + 3);
	for (int i = 0; i < 3; i++)
		if (a[i])
			RGN_IS(a[i], (unsigned long)(i + 1) * PG, RW);
	if ((f = map_anon(0, 4 * PG, RW))) {
		k = rgnList(0, (struct krgn *)f, 4 * PG / sizeof(struct krgn));
		CHECK_EQ(k, n + 4);
		CHECK_EQ(rgn_count(0), k);
		CHECK(k > 0 && k < RL_MAX && memcmp((void *)f, rlist, (size_t)k * sizeof(rlist[0])) == 0,
		      "rgnList into untouched memory differs");
		CHECK_EQ(rgnUnmap(0, (void *)f, 4 * PG), K_OK);
	}
	for (int i = 0; i < 3; i++)
		if (a[i])
			CHECK_EQ(rgnUnmap(0, (void *)a[i], (unsigned long)(i + 1) * PG), K_OK);
	CHECK_EQ(rgn_count(0), n);
	ktest_end();
}

int
main(int argc, char **argv)
{
	struct ksysinfo before;

	if (argc > 3 && strcmp(argv[1], "others") == 0)
		return others_child(argv[2], argv[3]);
	if (argc > 1)
		return child(argv[1]);
	sysInfo(&before);
	if (is_user())
		t_lazy();
	t_map();
	t_kcopy();
	t_prot();
	t_split();
	t_unmap();
	t_list();
	ktest_begin("vmleak");
	check_counts(&before, 64);
	ktest_end();
	return 0;
}
