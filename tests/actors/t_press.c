// SPDX-License-Identifier: MIT
/*
 * t_press: memory pressure, in a machine with little memory (pressure
 * suite); trusted user actor.
 *   pressoom   no swap yet: a child touching more anonymous memory than
 *              there is dies of a page fault; the nucleus lives, the
 *              memory comes back, a smaller child then runs to its end
 *   pressswap  with the swap device t_swap (a supervisor actor) given to
 *              vmSwap: more anonymous memory than is free is written and
 *              read back whole; pages went to swap and came back; a
 *              segment's clean pages were dropped and its dirty ones
 *              pushed out to the test mapper (its copy has our data);
 *              a copy-on-write copy of swapped memory reads right in a
 *              child; unmapping gives the swap slots back
 * Child mode: t_press hog N: touches N pages of a new region, ends 0.
 */
#include "tvm.h"

#define RD(a)		(*(volatile unsigned long *)(a))
#define SWAP_KEY	0x5357

static struct kui tport;

static long
pages_free(void)
{
	struct ksysinfo si;

	sysInfo(&si);
	return (long)si.pages_free;
}

static unsigned long
word_at(unsigned long i)
{
	return (i + 1) * 0x9e3779b97f4a7c15UL;
}

static int
hog(const char *arg)
{
	unsigned long n, a;

	ktest_begin("hog");
	hex_word(arg, &n);
	if (!(a = map_anon(0, n * PG, RW)))
		return 5;
	for (unsigned long i = 0; i < n; i++)
		RD(a + i * PG) = i;
	return 0;
}

static long
run_hog(long pages)
{
	char args[40];
	long aid;

	ksnprintf(args, sizeof(args), "hog %lx", (unsigned long)pages);
	aid = actorStart("t_press", K_ACTOR_USER, args);
	if (K_IS_ERR(aid))
		return aid;
	return end_of(aid, 120 * SEC);
}

static void
t_oom(void)
{
	long f0 = pages_free(), f1, st;

	ktest_begin("pressoom");
	st = run_hog(f0 + 1000);
	CHECK_EQ(st, K_STATUS_EXCEPTION | 14);
	for (int i = 0; i < 100 && (f1 = pages_free()) + 64 < f0; i++)
		threadSleep(10 * MS);
	CHECK(f1 + 64 >= f0, "pages free %ld before, %ld after the hog died", f0, f1);
	CHECK_EQ(run_hog(f0 / 4), 0);
	ktest_end();
}

/* Starts t_swap with `slots` pages; its port. */
static long
start_swap(unsigned long slots, struct kui *sp)
{
	char args[80], t[40];
	struct kmsg m;
	long aid;

	ui_fmt(t, sizeof(t), &tport);
	ksnprintf(args, sizeof(args), "%lx %s", slots, t);
	aid = actorStart("t_swap", K_ACTOR_SUPER, args);
	CHECK(!K_IS_ERR(aid), "start t_swap: %s", kerrName(aid));
	if (K_IS_ERR(aid))
		return aid;
	if (recv_msg(&m, &tport, 10 * SEC) != K_OK || m.annex[0] != OP_HELLO) {
		CHECK(0, "no hello from t_swap");
		return -K_ETIMEOUT;
	}
	*sp = ui_at(&m.annex[1]);
	return aid;
}

static void
swap_counts(const struct kui *sp, unsigned long *in, unsigned long *out)
{
	struct kmsg q = { .annex = { MC_LOG } }, r;
	struct kaddr to = to_port(sp);

	memset(&r, 0, sizeof(r));
	CHECK_EQ(ipcCall(&q, &to, &r, 10 * SEC), K_OK);
	*in = r.annex[1];
	*out = r.annex[2];
	CHECK_EQ(r.annex[3], 0);			/* nothing refused */
}

/* Every page of [a, a + n pages) holds its words; the first bad one. */
static long
check_words(unsigned long a, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (RD(a + i * PG) != word_at(i) || RD(a + i * PG + PG - 8) != ~word_at(i))
			return (long)i;
	return -1;
}

static void
t_swap(void)
{
	struct kcap swap = { .key = { SWAP_KEY, 0 } };
	unsigned long seg0 = 0, seg1 = 0, a = 0, n = 0, in0, out0, in1, out1, w, slots;
	long f, sid = -1, bad, child;
	struct kvmstat st, st2;
	struct mapper m;

	ktest_begin("pressswap");
	if (mapper_start(&m, &tport) != K_OK)
		goto out;
	if (!(seg0 = map_seg(&m, 0, 0, MAP_SEGSIZE, RO)) || !(seg1 = map_seg(&m, 1, 0, 16 * PG, RW)))
		goto quit;
	for (unsigned long o = 0; o < MAP_SEGSIZE; o += PG)
		CHECK_EQ(RD(seg0 + o), seg_word(0, o));
	for (unsigned long i = 0; i < 16; i++)
		RD(seg1 + i * PG + 8) = word_at(i);
	mapper_log(&m, 0, NULL, 0, NULL, NULL);

	slots = (unsigned long)pages_free() / 2;
	if (K_IS_ERR(sid = start_swap(slots, &swap.port)))
		goto quit;
	CHECK_EQ(vmSwap(&swap, (long)slots), K_OK);
	CHECK_EQ(vmSwap(&swap, (long)slots), -K_EEXIST);
	f = pages_free();				/* less t_swap's store */
	n = (unsigned long)f + (unsigned long)f / 2;	/* half again what is free */
	if (!(a = map_anon(0, n * PG, RW)))
		goto quit;
	for (unsigned long i = 0; i < n; i++) {
		RD(a + i * PG) = word_at(i);
		RD(a + i * PG + PG - 8) = ~word_at(i);
	}
	swap_counts(&swap.port, &in0, &out0);
	CHECK(out0 >= (unsigned long)f / 4, "%lu pages pushed to swap for %lu written, %ld free",
	      out0, n, f);
	bad = check_words(a, n);
	CHECK(bad < 0, "page %ld of %lu read back wrong", bad, n);
	swap_counts(&swap.port, &in1, &out1);
	CHECK(in1 > in0 && in1 >= (unsigned long)f / 4, "%lu pages back from swap", in1);
	CHECK_EQ(vmStat(0, &st), K_OK);
	CHECK_EQ(st.swap_slots, slots);
	CHECK(st.swap_used > 0, "swap used %lu", st.swap_used);

	/* the mapper got the dirty pages; the clean ones come back from it */
	CHECK(mapper_log(&m, 0, NULL, 0, NULL, NULL) > 0, "no PUSHOUT or PULLIN under pressure");
	for (unsigned long i = 0; i < 16; i++) {
		w = 0;
		CHECK_EQ(mapper_peek(&m, 1, i * PG + 8, &w, 8), 8);
		CHECK(w == word_at(i), "seg 1 page %lu at the mapper: %#lx", i, w);
		CHECK_EQ(RD(seg1 + i * PG + 8), word_at(i));
	}
	for (unsigned long o = 0; o < MAP_SEGSIZE; o += PG)
		CHECK_EQ(RD(seg0 + o), seg_word(0, o));

	/* a copy of swapped memory */
	child = actorCreate(K_ACTOR_USER);
	CHECK(!K_IS_ERR(child), "actorCreate: %s", kerrName(child));
	if (!K_IS_ERR(child)) {
		CHECK_EQ(rgnCopy(0, (void *)a, child, (void *)a, n * PG), K_OK);
		RD(a) = 1;				/* ours only */
		for (unsigned long i = 0; i < n; i += 97) {
			w = 0;
			CHECK_EQ(vmCopy(child, (void *)(a + i * PG), 0, &w, 8), K_OK);
			if (w != word_at(i)) {
				CHECK(0, "the copy's page %lu: %#lx", i, w);
				break;
			}
		}
		CHECK_EQ(actorDelete(child), K_OK);
		CHECK_EQ(actorWait(child, 10 * SEC), K_STATUS_DELETED);
		RD(a) = word_at(0);
	}
	bad = check_words(a, n);
	CHECK(bad < 0, "after the copy: page %ld of %lu wrong", bad, n);

	CHECK_EQ(vmStat(0, &st), K_OK);
	CHECK_EQ(rgnUnmap(0, (void *)a, n * PG), K_OK);
	a = 0;
	CHECK_EQ(vmStat(0, &st2), K_OK);
	CHECK(st2.swap_used + (unsigned long)f / 4 <= st.swap_used,
	      "swap used %lu before unmapping, %lu after", st.swap_used, st2.swap_used);
quit:
	if (a)
		rgnUnmap(0, (void *)a, n * PG);
	if (seg0)
		rgnUnmap(0, (void *)seg0, MAP_SEGSIZE);
	if (seg1)
		rgnUnmap(0, (void *)seg1, 16 * PG);
	mapper_end(&m, 0);
out:
	ktest_end();
	(void)sid;
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "hog") == 0)
		return hog(argv[2]);
	portCreate(NULL, &tport);
	t_oom();
	t_swap();
	portDelete(&tport);
	return 0;
}
