// SPDX-License-Identifier: MIT
/*
 * t_ipcq: port queues.  A thousand messages come out in order; a full
 * queue drops one-way messages (-K_ELIMIT, counted in portStat) and makes
 * a call wait for room, until its timeout or until the receiver takes a
 * message; callers waiting for room all come in turn, and when the limit
 * is raised; portDelete drops queued messages, fails a queued call with
 * -K_ENOREPLY and aborts a waiting receive (-K_EABORT); a port migrated
 * to another actor (t_ipcpeer) takes its queued messages along, leaves
 * our enabled set, aborts our receive on it and becomes the other's
 * (messages sent later go to the new owner); K_NOTIMEOUT waits until a
 * message comes, K_NOWAIT polls.  Runs in user and supervisor mode.
 */
#include "tipc.h"

static struct kui slow_port;

static void
slow_sender(void *arg)
{
	threadSleep(20 * MS);
	send_words(&slow_port, OP_DATA, 7, 0, 0);
}

static void
slow_replier(void *arg)
{
	struct kmsg m, r = { .annex = { 0, 8 } };

	threadSleep(20 * MS);
	if (recv_msg(&m, &slow_port, 2 * SEC) == K_OK)
		ipcReply(m.reply, &r);
}

static void
in_order(void)
{
	struct kui p;
	struct kmsg m;
	struct kportstat st;
	long bad = 0;

	portCreate(NULL, &p);
	CHECK_EQ(portSetLimit(&p, 1000), K_OK);
	for (unsigned long i = 0; i < 1000; i++)
		bad += send_words(&p, OP_DATA, i, 0, 0) != K_OK;
	CHECK_EQ(bad, 0);
	CHECK_EQ(portStat(&p, &st), K_OK);
	CHECK_EQ(st.queued, 1000);
	for (unsigned long i = 0; i < 1000; i++)
		bad += recv_msg(&m, &p, 0) != K_OK || m.annex[1] != i;
	CHECK_EQ(bad, 0);
	CHECK_EQ(recv_msg(&m, &p, 0), -K_ETIMEOUT);
	portDelete(&p);
}

static void
full(void)
{
	static struct bg b;
	struct kui p;
	struct kmsg m = { 0 }, r = { .annex = { 0, 100 } };
	struct kaddr to;
	struct kportstat st;
	long t0;

	portCreate(NULL, &p);
	to = to_port(&p);
	CHECK_EQ(portSetLimit(&p, 4), K_OK);
	for (unsigned long i = 0; i < 4; i++)
		CHECK_EQ(send_words(&p, OP_DATA, i, 0, 0), K_OK);
	CHECK_EQ(send_words(&p, OP_DATA, 4, 0, 0), -K_ELIMIT);
	CHECK_EQ(portStat(&p, &st), K_OK);
	CHECK_EQ(st.queued, 4);
	CHECK_EQ(st.dropped, 1);
	t0 = timeNow();
	CHECK_EQ(ipcCall(&m, &to, &m, 30 * MS), -K_ETIMEOUT);	/* no room */
	CHECK(timeNow() - t0 >= 30 * MS, "call gave up after %ld ns", timeNow() - t0);
	portStat(&p, &st);
	CHECK_EQ(st.queued, 4);

	bg_start(&b, 0, &p, OP_ECHO, 5 * SEC);	/* waits for room... */
	threadSleep(20 * MS);
	CHECK_EQ(bg_wait(&b, 0), -K_EBUSY);
	CHECK_EQ(recv_msg(&m, &p, 0), K_OK);	/* ...which this makes */
	CHECK_EQ(m.annex[1], 0);
	for (unsigned long i = 1; i < 4; i++) {
		CHECK_EQ(recv_msg(&m, &p, 0), K_OK);
		CHECK_EQ(m.annex[1], i);
	}
	CHECK_EQ(recv_msg(&m, &p, 2 * SEC), K_OK);
	CHECK_EQ(m.annex[0], OP_ECHO);
	CHECK(m.reply != 0, "the call came without a token");
	CHECK_EQ(ipcReply(m.reply, &r), K_OK);
	CHECK_EQ(bg_wait(&b, 2 * SEC), K_OK);
	CHECK_EQ(b.m.annex[1], 100);
	portStat(&p, &st);
	CHECK_EQ(st.dropped, 1);
	CHECK_EQ(st.queued, 0);
	portDelete(&p);
}

/*
 * Callers waiting for room are woken one at a time, each passing the turn
 * on when it delivered: the first woken here finds this thread (above the
 * callers in priority) waiting to receive and goes straight to it, using
 * no place in the queue, yet the others must still come.  A raised limit
 * wakes a waiting caller too.
 */
static void
room_relay(void)
{
	static struct bg b[4];
	struct kmsg m, r = { 0 };
	struct kui p;

	portCreate(NULL, &p);
	CHECK_EQ(portSetLimit(&p, 1), K_OK);
	CHECK_EQ(send_words(&p, OP_DATA, 0, 0, 0), K_OK);
	for (int i = 0; i < 3; i++)
		bg_start(&b[i], 0, &p, OP_ECHO, 5 * SEC);
	threadSleep(20 * MS);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(bg_wait(&b[i], 0), -K_EBUSY);		/* all wait for room */
	CHECK_EQ(threadSetPrio(threadSelf(), K_PRIO_RT(1)), K_OK);
	CHECK_EQ(recv_msg(&m, &p, 0), K_OK);			/* room for one */
	CHECK_EQ(m.annex[0], OP_DATA);
	for (int i = 0; i < 3; i++) {
		long err = recv_msg(&m, &p, 2 * SEC);
		CHECK(err == K_OK, "call %d of 3: %s", i + 1, kerrName(err));
		if (err != K_OK)
			break;
		CHECK_EQ(m.annex[0], OP_ECHO);
		CHECK_EQ(ipcReply(m.reply, &r), K_OK);
	}
	CHECK_EQ(threadSetPrio(threadSelf(), K_PRIO_TS(0)), K_OK);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(bg_wait(&b[i], 5 * SEC), K_OK);

	CHECK_EQ(send_words(&p, OP_DATA, 0, 0, 0), K_OK);	/* full again */
	bg_start(&b[3], 0, &p, OP_ECHO, 5 * SEC);
	threadSleep(20 * MS);
	CHECK_EQ(bg_wait(&b[3], 0), -K_EBUSY);
	CHECK_EQ(portSetLimit(&p, 2), K_OK);			/* room: it queues */
	CHECK_EQ(wait_queued(&p, 2), 2);
	CHECK_EQ(recv_msg(&m, &p, 0), K_OK);
	CHECK_EQ(recv_msg(&m, &p, 0), K_OK);
	CHECK_EQ(m.annex[0], OP_ECHO);
	CHECK_EQ(ipcReply(m.reply, &r), K_OK);
	CHECK_EQ(bg_wait(&b[3], 5 * SEC), K_OK);
	portDelete(&p);
}

static void
deletion(void)
{
	static struct bg b;
	struct kui p;

	portCreate(NULL, &p);			/* queued one-way messages go */
	send_words(&p, OP_DATA, 1, 0, 0);
	send_words(&p, OP_DATA, 2, 0, 0);
	CHECK_EQ(portDelete(&p), K_OK);

	portCreate(NULL, &p);			/* a queued call fails */
	bg_start(&b, 0, &p, OP_ECHO, 5 * SEC);
	CHECK_EQ(wait_queued(&p, 1), 1);
	CHECK_EQ(portDelete(&p), K_OK);
	CHECK_EQ(bg_wait(&b, 2 * SEC), -K_ENOREPLY);

	portCreate(NULL, &p);			/* a waiting receive is aborted */
	bg_start(&b, 1, &p, 0, 5 * SEC);
	threadSleep(20 * MS);
	CHECK_EQ(portDelete(&p), K_OK);
	CHECK_EQ(bg_wait(&b, 2 * SEC), -K_EABORT);
}

static void
migration(void)
{
	static struct bg b;
	struct kui p, mp, mp2;
	struct kmsg m;
	struct kportstat st;
	long aid;

	portCreate(NULL, &p);
	portCreate(NULL, &mp);
	portCreate(NULL, &mp2);
	CHECK_EQ(portEnable(&mp, 3), K_OK);
	for (unsigned long v = 10; v <= 30; v += 10)
		send_words(&mp, OP_DATA, v, 0, 0);
	aid = start_peer("migr", &p, &mp);
	CHECK(!K_IS_ERR(aid), "start t_ipcpeer: %s", kerrName(aid));
	CHECK_EQ(portMigrate(&mp, BAD_AID), -K_EUNKNOWN);
	CHECK_EQ(portMigrate(NUCLEUS_PTR, aid), -K_EFAULT);
	CHECK_EQ(portMigrate(&mp, aid), K_OK);
	CHECK_EQ(portMigrate(&mp, aid), -K_EPERM);	/* no longer ours */
	bg_start(&b, 1, &mp2, 0, 5 * SEC);		/* our receive on it ends */
	threadSleep(20 * MS);
	CHECK_EQ(portMigrate(&mp2, aid), K_OK);
	CHECK_EQ(bg_wait(&b, 2 * SEC), -K_EABORT);
	CHECK_EQ(portStat(&mp, &st), -K_EPERM);
	CHECK_EQ(recv_msg(&m, &mp, 0), -K_EPERM);
	CHECK_EQ(recv_msg(&m, K_ALLPORTS, 0), -K_ETIMEOUT);	/* left our set */
	CHECK_EQ(send_words(&mp, OP_DATA, 40, 0, 0), K_OK);	/* same UI, new owner */
	CHECK_EQ(send_words(&mp, OP_GO, 0, 0, 0), K_OK);
	CHECK_EQ(recv_msg(&m, &p, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], OP_REPORT);
	CHECK_EQ(m.annex[1], 4);		/* messages it got */
	CHECK_EQ(m.annex[2], 100);		/* 10 + 20 + 30 + 40 */
	CHECK_EQ(m.annex[3], 0);		/* not in its enabled set */
	CHECK_EQ(recv_msg(&m, &p, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[1], K_OK);		/* it could delete the port */
	CHECK_EQ(end_of(aid, 5 * SEC), 0);
	CHECK_EQ(send_words(&mp, OP_DATA, 0, 0, 0), -K_EUNKNOWN);
	portDelete(&p);
}

static void
waits(void)
{
	struct kmsg m = { 0 };
	struct kaddr to;
	long t0;

	portCreate(NULL, &slow_port);
	to = to_port(&slow_port);
	t0 = timeNow();
	CHECK_EQ(recv_msg(&m, &slow_port, K_NOWAIT), -K_ETIMEOUT);
	CHECK(timeNow() - t0 < 50 * MS, "a poll took %ld ns", timeNow() - t0);
	threadStart(slow_sender, NULL, 0, 0);
	CHECK_EQ(recv_msg(&m, &slow_port, K_NOTIMEOUT), K_OK);
	CHECK(timeNow() - t0 >= 20 * MS, "message after %ld ns", timeNow() - t0);
	CHECK_EQ(m.annex[1], 7);
	threadStart(slow_replier, NULL, 0, 0);
	m = (struct kmsg){ 0 };
	CHECK_EQ(ipcCall(&m, &to, &m, K_NOTIMEOUT), K_OK);
	CHECK_EQ(m.annex[1], 8);
	portDelete(&slow_port);
}

int
main(void)
{
	struct ksysinfo before;

	ktest_begin("ipcq");
	sysInfo(&before);
	in_order();
	full();
	room_relay();
	deletion();
	migration();
	waits();
	check_counts(&before, 128);
	ktest_end();
	return 0;
}
