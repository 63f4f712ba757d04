// SPDX-License-Identifier: MIT
/*
 * t_ipc: ports and messages.  Port creation (random UIs; built UIs are
 * refused to an untrusted actor) and the port calls' argument checks;
 * one-way messages and what the receiver sees of them (annex, src,
 * protid, port, reply, flags); the errors of sends and receives (bad
 * mode, size and pointers, a deleted port, a UI that is not a port,
 * another site, a src that is not ours, a timeout); bodies of 0, 1, 4096 and K_BODY_MAX bytes and a
 * cut body; the enabled set and its priorities.  Runs in user and
 * supervisor mode.
 */
#include "tipc.h"

static unsigned char out[K_BODY_MAX + 16], in[K_BODY_MAX + 16];

static void
port_calls(void)
{
	struct kui a, b, c, u, u2, null = { 0, 0 };
	struct kui bad = { (unsigned long)K_UI_PORT << 24, 5 }, built = uiBuild(K_UI_PORT, 77);
	struct kui gbuilt = uiBuild(K_UI_GROUP, 77);
	struct kportstat st;

	CHECK_EQ(siteSelf(), 1);
	CHECK_EQ(portCreate(NULL, &a), K_OK);
	CHECK_EQ(K_UI_TYPEOF(&a), K_UI_PORT);
	CHECK_EQ(K_UI_SITEOF(&a), siteSelf());
	CHECK(!(a.head & K_UI_BUILT), "random UI %lx.%lx marked built", a.head, a.stamp);
	CHECK_EQ(portCreate(&null, &b), K_OK);
	CHECK(!uiEqual(&a, &b), "two ports with one UI");
	CHECK_EQ(portCreate(&bad, &c), -K_EINVAL);
	CHECK_EQ(portCreate(&gbuilt, &c), -K_EINVAL);
	CHECK_EQ(portCreate(&built, &c), -K_EPERM);	/* we are not trusted */
	CHECK_EQ(portCreate(NULL, NULL), -K_EFAULT);
	CHECK_EQ(portCreate(NUCLEUS_PTR, &c), -K_EFAULT);
	CHECK_EQ(portCreate(NULL, NUCLEUS_PTR), -K_EFAULT);

	CHECK_EQ(portStat(&a, &st), K_OK);
	CHECK_EQ(st.queued, 0);
	CHECK_EQ(st.limit, K_PORT_LIMIT_DEFAULT);
	CHECK_EQ(st.enabled, 0);
	CHECK_EQ(st.received, 0);
	CHECK_EQ(st.dropped, 0);
	CHECK_EQ(portStat(&a, NUCLEUS_PTR), -K_EFAULT);
	CHECK_EQ(portStat(NULL, &st), -K_EFAULT);
	CHECK_EQ(portSetLimit(&a, 0), -K_EINVAL);
	CHECK_EQ(portSetLimit(&a, -1), -K_EINVAL);
	CHECK_EQ(portSetLimit(&a, K_PORT_LIMIT_MAX + 1), -K_EINVAL);
	CHECK_EQ(portSetLimit(&a, K_PORT_LIMIT_MAX), K_OK);
	CHECK_EQ(portSetLimit(&a, 1), K_OK);
	portStat(&a, &st);
	CHECK_EQ(st.limit, 1);
	CHECK_EQ(portEnable(&a, -1), -K_EINVAL);
	CHECK_EQ(portEnable(&a, 256), -K_EINVAL);
	CHECK_EQ(portEnable(&a, 255), K_OK);
	portStat(&a, &st);
	CHECK_EQ(st.enabled, 1);
	CHECK_EQ(st.prio, 255);
	CHECK_EQ(portDisable(&a), K_OK);
	portStat(&a, &st);
	CHECK_EQ(st.enabled, 0);

	CHECK_EQ(portDelete(&a), K_OK);
	CHECK_EQ(portDelete(&a), -K_EUNKNOWN);
	CHECK_EQ(portStat(&a, &st), -K_EUNKNOWN);
	CHECK_EQ(portEnable(&a, 1), -K_EUNKNOWN);
	CHECK_EQ(portDisable(&a), -K_EUNKNOWN);
	CHECK_EQ(portSetLimit(&a, 5), -K_EUNKNOWN);
	CHECK_EQ(portDelete(NULL), -K_EFAULT);
	CHECK_EQ(portDelete(&b), K_OK);

	CHECK_EQ(actorUi(0, &u), K_OK);
	CHECK_EQ(K_UI_TYPEOF(&u), K_UI_ACTOR);
	CHECK_EQ(K_UI_SITEOF(&u), siteSelf());
	CHECK_EQ(actorUi(actorSelf(), &u2), K_OK);
	CHECK(uiEqual(&u, &u2), "actorUi(0) and actorUi(self) differ");
	CHECK_EQ(actorUi(0, NULL), -K_EFAULT);
	CHECK_EQ(actorUi(BAD_AID, &u2), -K_EUNKNOWN);
}

/* What the receiver of a one-way message sees; src as the sender gave it. */
static void
one_way(void)
{
	struct kui p, p2, me, fake = { ((unsigned long)K_UI_PORT << 24) | 1, 99 };
	struct kmsg m = { 0 }, r;
	struct kaddr to;
	struct kportstat st;

	portCreate(NULL, &p);
	portCreate(NULL, &p2);
	actorUi(0, &me);
	CHECK(uiIsLocal(&p) && uiIsLocal(&me), "a port and an actor born here are not local");
	CHECK(!uiIsLocal(&fake), "a UI of no site is local");
	{
		struct kui far = { (7UL << 32) | ((unsigned long)K_UI_PORT << 24) | 5, 1 };
		struct kui built = uiBuild(K_UI_PORT, 42);
		CHECK(!uiIsLocal(&far) && !uiIsLocal(&built), "a UI born elsewhere is local");
	}
	to = to_port(&p);
	for (int i = 0; i < K_ANNEX_SIZE / 8; i++)
		m.annex[i] = 0x0101010101010101UL * (unsigned long)(i + 1);
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	CHECK_EQ(recv_msg(&r, &p, 0), K_OK);
	CHECK(memcmp(r.annex, m.annex, K_ANNEX_SIZE) == 0, "annex changed on the way");
	CHECK(uiEqual(&r.src, &me), "src %lx.%lx is not our actor's UI", r.src.head, r.src.stamp);
	CHECK_EQ(r.protid, actorSelf());
	CHECK(uiEqual(&r.port, &p), "port is not where it arrived");
	CHECK_EQ(r.reply, 0);
	CHECK_EQ(r.flags, 0);
	CHECK_EQ(r.bodysize, 0);

	m.src = p2;			/* one of our ports */
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	CHECK_EQ(recv_msg(&r, &p, 0), K_OK);
	CHECK(uiEqual(&r.src, &p2), "src is not the port we named");
	m.src = fake;			/* not ours */
	CHECK_EQ(ipcSend(&m, &to), -K_EPERM);
	m.src = (struct kui){ 0, 0 };

	for (unsigned long i = 1; i <= 3; i++)
		send_words(&p, OP_DATA, i, 0, 0);
	for (unsigned long i = 1; i <= 3; i++) {
		CHECK_EQ(recv_msg(&r, &p, 0), K_OK);
		CHECK_EQ(r.annex[1], i);	/* in order */
	}
	CHECK_EQ(portStat(&p, &st), K_OK);
	CHECK_EQ(st.received, 5);
	CHECK_EQ(st.queued, 0);
	CHECK_EQ(recv_msg(&r, &p, 0), -K_ETIMEOUT);
	portDelete(&p2);
	CHECK_EQ(send_words(&p2, OP_DATA, 0, 0, 0), -K_EUNKNOWN);
	portDelete(&p);
}

static void
send_errors(void)
{
	struct kui p, gone, remote = { (7UL << 32) | ((unsigned long)K_UI_PORT << 24) | 5, 12345 };
	struct kmsg m = { 0 }, r;
	struct kaddr to, rto = to_port(&remote), gto;
	long t0;

	portCreate(NULL, &p);
	portCreate(NULL, &gone);
	portDelete(&gone);
	to = to_port(&p);
	gto = to_port(&gone);
	to.mode = 99;
	CHECK_EQ(ipcSend(&m, &to), -K_EINVAL);
	to.mode = K_ADDR_BROADCAST;		/* one-way only */
	CHECK_EQ(ipcCall(&m, &to, &m, 10 * MS), -K_EINVAL);
	to.mode = K_ADDR_PORT;
	m.body = out;
	m.bodysize = K_BODY_MAX + 1;
	CHECK_EQ(ipcSend(&m, &to), -K_EINVAL);
	m.body = NUCLEUS_PTR;
	m.bodysize = 16;
	CHECK_EQ(ipcSend(&m, &to), -K_EFAULT);
	m.body = NULL;
	m.bodysize = 0;
	CHECK_EQ(ipcSend(NULL, &to), -K_EFAULT);
	CHECK_EQ(ipcSend(&m, NULL), -K_EFAULT);
	CHECK_EQ(ipcSend(&m, NUCLEUS_PTR), -K_EFAULT);
	CHECK_EQ(ipcCall(&m, &to, NULL, 10 * MS), -K_EFAULT);
	CHECK_EQ(ipcSend(&m, &rto), -K_EUNREACH);
	CHECK_EQ(ipcCall(&m, &rto, &m, 10 * MS), -K_EUNREACH);
	CHECK_EQ(ipcCall(&m, &gto, &m, 10 * MS), -K_EUNKNOWN);
	CHECK_EQ(ipcSend(&m, &gto), -K_EUNKNOWN);
	actorUi(0, &gto.ui);				/* not a port */
	CHECK_EQ(ipcSend(&m, &gto), -K_EINVAL);
	CHECK_EQ(recv_msg(&r, &p, 0), -K_ETIMEOUT);	/* nothing got through */

	CHECK_EQ(ipcReceive(NULL, &p, 0), -K_EFAULT);
	CHECK_EQ(recv_msg(&r, NUCLEUS_PTR, 0), -K_EFAULT);
	CHECK_EQ(recv_msg(&r, &gone, 0), -K_EUNKNOWN);
	CHECK_EQ(recv_msg(&r, &p, -2), -K_EINVAL);
	CHECK_EQ(recv_msg(&r, K_ALLPORTS, 0), -K_ETIMEOUT);	/* nothing enabled */
	t0 = timeNow();
	CHECK_EQ(recv_msg(&r, &p, 20 * MS), -K_ETIMEOUT);
	CHECK(timeNow() - t0 >= 20 * MS, "receive timed out after %ld ns", timeNow() - t0);
	m = (struct kmsg){ .body = out, .bodysize = 16 };	/* a body to a bad buffer */
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	r = (struct kmsg){ .body = NUCLEUS_PTR, .bodysize = 16 };
	CHECK_EQ(ipcReceive(&r, &p, 0), -K_EFAULT);
	drain(&p);
	portDelete(&p);
}

/* A one-way message with a body of n bytes comes back whole. */
static void
body_of(const struct kui *p, size_t n)
{
	struct kmsg m = { .body = n ? out : NULL, .bodysize = n }, r = { .body = in };
	struct kaddr to = to_port(p);

	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(i * 7 + n);
	memset(in, 0xee, sizeof(in));
	r.bodysize = K_BODY_MAX;
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	CHECK_EQ(ipcReceive(&r, p, 0), K_OK);
	CHECK_EQ(r.bodysize, n);
	CHECK_EQ(r.flags & K_MSG_CUT, 0);
	CHECK(memcmp(in, out, n) == 0, "body of %zu bytes changed", n);
	CHECK_EQ(in[n], 0xee);
}

static void
bodies(void)
{
	struct kui p;
	struct kmsg m = { .body = out, .bodysize = 100 }, r = { .body = in, .bodysize = 10 };
	struct kaddr to;

	portCreate(NULL, &p);
	to = to_port(&p);
	body_of(&p, 0);
	body_of(&p, 1);
	body_of(&p, 4096);
	body_of(&p, K_BODY_MAX);

	memset(in, 0xee, sizeof(in));		/* 100 bytes into 10 */
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	CHECK_EQ(ipcReceive(&r, &p, 0), K_OK);
	CHECK_EQ(r.bodysize, 100);
	CHECK(r.flags & K_MSG_CUT, "flags %#lx without K_MSG_CUT", r.flags);
	CHECK(memcmp(in, out, 10) == 0, "the first 10 bytes changed");
	CHECK_EQ(in[10], 0xee);
	m.bodysize = 1;				/* 1 byte, no buffer */
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	CHECK_EQ(recv_msg(&r, &p, 0), K_OK);
	CHECK_EQ(r.bodysize, 1);
	CHECK(r.flags & K_MSG_CUT, "flags %#lx without K_MSG_CUT", r.flags);
	portDelete(&p);
}

/* The enabled set: K_ALLPORTS takes from the higher priority first. */
static void
enabled_set(void)
{
	static const unsigned long order[] = { 2, 1, 3 };
	static struct bg b;
	struct kui p[2], all = { 0, 0 };
	struct kmsg m;

	portCreate(NULL, &p[0]);
	portCreate(NULL, &p[1]);
	CHECK_EQ(portEnable(&p[0], 10), K_OK);
	CHECK_EQ(portEnable(&p[1], 200), K_OK);
	send_words(&p[0], OP_DATA, 1, 0, 0);
	send_words(&p[1], OP_DATA, 2, 0, 0);
	send_words(&p[0], OP_DATA, 3, 0, 0);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(recv_msg(&m, K_ALLPORTS, 0), K_OK);
		CHECK_EQ(m.annex[1], order[i]);
		CHECK(uiEqual(&m.port, &p[order[i] == 2]), "message %lu: wrong port", order[i]);
	}
	CHECK_EQ(recv_msg(&m, K_ALLPORTS, 0), -K_ETIMEOUT);
	CHECK_EQ(portDisable(&p[1]), K_OK);
	send_words(&p[1], OP_DATA, 4, 0, 0);
	CHECK_EQ(recv_msg(&m, K_ALLPORTS, 0), -K_ETIMEOUT);
	CHECK_EQ(recv_msg(&m, &p[1], 0), K_OK);	/* still ours to receive from */

	bg_start(&b, 1, &all, 0, 2 * SEC);		/* a waiting receive wakes */
	threadSleep(10 * MS);
	send_words(&p[0], OP_DATA, 5, 0, 0);
	CHECK_EQ(bg_wait(&b, 2 * SEC), K_OK);
	CHECK_EQ(b.m.annex[1], 5);
	CHECK(uiEqual(&b.m.port, &p[0]), "K_ALLPORTS: wrong port");
	portDelete(&p[0]);
	portDelete(&p[1]);
}

int
main(void)
{
	struct ksysinfo before;

	ktest_begin("ipc");
	sysInfo(&before);
	port_calls();
	one_way();
	send_errors();
	bodies();
	enabled_set();
	check_counts(&before, 128);
	ktest_end();
	return 0;
}
