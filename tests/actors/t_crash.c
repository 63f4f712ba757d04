// SPDX-License-Identifier: MIT
/*
 * t_crash: actors that fault, jump to bad addresses, spin forever or pass
 * garbage to every nucleus call must not disturb the nucleus or other
 * actors.  Each child (t_bad) is started, its end status checked, and the
 * nucleus's memory and counts compared before and after.
 */
#include "ktest.h"

#define SEC	(1000L * MS)

static long
child(const char *mode, int m, long timeout)
{
	long aid = actorStart("t_bad", m, mode), st;

	if (K_IS_ERR(aid))
		return aid;
	st = actorWait(aid, timeout);
	if (st == -K_ETIMEOUT) {
		actorDelete(aid);
		actorWait(aid, 5 * SEC);
	}
	return st;
}

static void
faults(int m)
{
	CHECK_EQ(child("div0", m, 10 * SEC), K_STATUS_EXCEPTION | 0);
	CHECK_EQ(child("ud", m, 10 * SEC), K_STATUS_EXCEPTION | 6);
	CHECK_EQ(child("textwrite", m, 10 * SEC), K_STATUS_EXCEPTION | 14);
	CHECK_EQ(child("rodatawrite", m, 10 * SEC), K_STATUS_EXCEPTION | 14);
	CHECK_EQ(child("dataexec", m, 10 * SEC), K_STATUS_EXCEPTION | 14);
	if (m == K_ACTOR_SUPER)
		return;
	CHECK_EQ(child("jump", m, 10 * SEC), K_STATUS_EXCEPTION | 14);
	CHECK_EQ(child("kjump", m, 10 * SEC), K_STATUS_EXCEPTION | 14);
	CHECK_EQ(child("kwrite", m, 10 * SEC), K_STATUS_EXCEPTION | 14);
	CHECK_EQ(child("int80", m, 10 * SEC), K_STATUS_EXCEPTION | 13);
}

/* A spinning actor must not stop us; deleting it must work. */
static void
spinner(void)
{
	long aid = actorStart("t_bad", K_ACTOR_USER, "spin"), t0, loops = 0;

	CHECK(!K_IS_ERR(aid), "start spin: %s", kerrName(aid));
	t0 = timeNow();
	while (timeNow() - t0 < 300 * MS) {
		threadSleep(MS);
		loops++;
	}
	CHECK(loops > 10, "only %ld sleeps in 300 ms beside a spinner", loops);
	CHECK_EQ(actorWait(aid, 10 * MS), -K_ETIMEOUT);
	CHECK_EQ(actorDelete(aid), K_OK);
	CHECK_EQ(actorWait(aid, 5 * SEC), K_STATUS_DELETED);
	CHECK_EQ(actorDelete(aid), -K_EUNKNOWN);
	aid = actorStart("t_bad", K_ACTOR_USER, "sleep");
	threadSleep(20 * MS);
	CHECK_EQ(actorDelete(aid), K_OK);
	CHECK_EQ(actorWait(aid, 5 * SEC), K_STATUS_DELETED);
}

int
main(void)
{
	struct ksysinfo before, after;
	long st;

	ktest_begin("crash");
	sysInfo(&before);
	faults(K_ACTOR_USER);
	faults(K_ACTOR_SUPER);
	spinner();
	/* the fuzzer may end, crash, or hang itself (then it is deleted) */
	st = child("fuzz", K_ACTOR_USER, 5 * SEC);
	CHECK(st >= 0 || st == -K_ETIMEOUT, "fuzz child: %s", kerrName(st));
	threadSleep(50 * MS);		/* let the reaper free the children */
	sysInfo(&after);
	CHECK_EQ(after.nactors, before.nactors);
	CHECK_EQ(after.nthreads, before.nthreads);
	CHECK(after.pages_free + 64 >= before.pages_free,
	      "pages free %lu before, %lu after", before.pages_free, after.pages_free);
	ktest_end();
	return 0;
}
