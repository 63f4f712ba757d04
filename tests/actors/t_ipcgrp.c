// SPDX-License-Identifier: MIT
/*
 * t_ipcgrp: port groups.  The name is a one-way function of the key (same
 * key, same name; the name does not work as a key, so knowing it does not
 * let one change the membership); a group with no member (-K_ENOMEMBER);
 * every address mode: broadcast reaches each member once, functional,
 * site and co-located addressing reach one; a removed member gets
 * nothing, and a group whose members were all deleted has none reachable;
 * a member in another actor (t_ipcpeer), put in by whoever holds the key,
 * becomes unreachable when that actor ends; the groups of an actor that
 * ends are freed.  Runs in user and supervisor mode.
 */
#include "tipc.h"

static struct kui members[3];

static long
send_to(const struct kui *name, long mode, unsigned long w1)
{
	struct kmsg m = { .annex = { OP_DATA, w1 } };
	struct kaddr to = to_group(name, mode);

	return ipcSend(&m, &to);
}

/* Receives what waits on members[i], checking it; returns how many. */
static int
got(int i, unsigned long w1)
{
	struct kmsg m;
	int n = 0;

	while (recv_msg(&m, &members[i], 0) == K_OK) {
		n++;
		CHECK_EQ(m.annex[1], w1);
		CHECK(uiEqual(&m.port, &members[i]), "port is not the member's");
	}
	return n;
}

static int
got_all(unsigned long w1)
{
	return got(0, w1) + got(1, w1) + got(2, w1);
}

static void
naming(void)
{
	struct kui k1 = new_key(), k2 = new_key(), g, g2, h, h2;

	CHECK_EQ(grpAllocate(&k1, &g), K_OK);
	CHECK_EQ(K_UI_TYPEOF(&g), K_UI_GROUP);
	CHECK(!uiEqual(&g, &k1), "the name is the key");
	CHECK_EQ(grpAllocate(&k1, &g2), -K_EEXIST);
	CHECK(uiEqual(&g, &g2), "one key, two names");
	CHECK_EQ(grpAllocate(&k2, &h), K_OK);
	CHECK(!uiEqual(&g, &h), "two keys, one name");
	CHECK_EQ(grpAllocate(NULL, &g2), -K_EFAULT);
	CHECK_EQ(grpAllocate(&k1, NUCLEUS_PTR), -K_EFAULT);
	portCreate(NULL, &members[0]);
	CHECK_EQ(grpInsert(&g, &members[0]), -K_EUNKNOWN);	/* the name is no key */
	CHECK_EQ(grpRemove(&g, &members[0]), -K_EUNKNOWN);
	CHECK_EQ(grpFree(&g), -K_EUNKNOWN);
	CHECK_EQ(grpFree(&k2), K_OK);
	CHECK_EQ(grpFree(&k2), -K_EUNKNOWN);
	CHECK_EQ(grpAllocate(&k2, &h2), K_OK);
	CHECK(uiEqual(&h, &h2), "the name changed after grpFree");
	CHECK_EQ(grpFree(&k2), K_OK);
	CHECK_EQ(grpFree(&k1), K_OK);
	portDelete(&members[0]);
}

static void
empty_group(void)
{
	struct kui k = new_key(), g;
	struct kmsg m = { 0 };
	struct kaddr to;

	CHECK_EQ(grpAllocate(&k, &g), K_OK);
	to = to_group(&g, K_ADDR_FUNC);
	CHECK_EQ(send_to(&g, K_ADDR_FUNC, 0), -K_ENOMEMBER);
	CHECK_EQ(send_to(&g, K_ADDR_BROADCAST, 0), -K_ENOMEMBER);
	CHECK_EQ(send_to(&g, K_ADDR_SITE, 0), -K_ENOMEMBER);
	CHECK_EQ(ipcCall(&m, &to, &m, 10 * MS), -K_ENOMEMBER);
	grpFree(&k);
}

/* Answers one call on any enabled port with the port's index in word 1. */
static void
any_member(void *arg)
{
	struct kmsg m, r = { 0 };

	if (recv_msg(&m, K_ALLPORTS, 2 * SEC) < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (uiEqual(&m.port, &members[i]))
			r.annex[1] = (unsigned long)i + 1;
	ipcReply(m.reply, &r);
}

static void
address_modes(const struct kui *g)
{
	struct kmsg m = { 0 };
	struct kaddr to = to_group(g, K_ADDR_CO);

	CHECK_EQ(send_to(g, K_ADDR_BROADCAST, 1), K_OK);
	CHECK_EQ(got(0, 1), 1);
	CHECK_EQ(got(1, 1), 1);
	CHECK_EQ(got(2, 1), 1);
	CHECK_EQ(send_to(g, K_ADDR_FUNC, 2), K_OK);
	CHECK_EQ(got_all(2), 1);
	CHECK_EQ(send_to(g, K_ADDR_SITE, 3), K_OK);
	CHECK_EQ(got_all(3), 1);
	to.co = members[1];
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	CHECK_EQ(got_all(0), 1);
	to.mode = K_ADDR_SITE;
	to.site = 7;
	CHECK_EQ(ipcSend(&m, &to), -K_ENOMEMBER);
	to.mode = K_ADDR_BROADCAST;
	CHECK_EQ(ipcCall(&m, &to, &m, 10 * MS), -K_EINVAL);

	to.mode = K_ADDR_FUNC;			/* a call to one member */
	for (int i = 0; i < 3; i++)
		portEnable(&members[i], 1);
	threadStart(any_member, NULL, 0, 0);
	CHECK_EQ(ipcCall(&m, &to, &m, 2 * SEC), K_OK);
	CHECK(m.annex[1] >= 1 && m.annex[1] <= 3, "the call reached no member (%lu)", m.annex[1]);
	for (int i = 0; i < 3; i++)
		portDisable(&members[i]);
}

static void
membership(void)
{
	struct kui k = new_key(), g;

	CHECK_EQ(grpAllocate(&k, &g), K_OK);
	for (int i = 0; i < 3; i++) {
		portCreate(NULL, &members[i]);
		CHECK_EQ(grpInsert(&k, &members[i]), K_OK);
	}
	CHECK_EQ(grpInsert(&k, &members[0]), -K_EEXIST);
	CHECK_EQ(grpInsert(&k, NULL), -K_EFAULT);
	CHECK_EQ(grpInsert(NUCLEUS_PTR, &members[0]), -K_EFAULT);
	address_modes(&g);

	CHECK_EQ(grpRemove(&k, &members[0]), K_OK);
	CHECK_EQ(grpRemove(&k, &members[0]), -K_EUNKNOWN);
	CHECK_EQ(send_to(&g, K_ADDR_BROADCAST, 4), K_OK);
	CHECK_EQ(got(0, 4), 0);
	CHECK_EQ(got(1, 4) + got(2, 4), 2);
	portDelete(&members[1]);		/* deleted members leave */
	portDelete(&members[2]);
	CHECK_EQ(send_to(&g, K_ADDR_FUNC, 5), -K_ENOMEMBER);
	CHECK_EQ(send_to(&g, K_ADDR_BROADCAST, 5), -K_ENOMEMBER);
	CHECK_EQ(got(0, 5), 0);
	portDelete(&members[0]);
	CHECK_EQ(grpFree(&k), K_OK);
}

/* A member in another actor; groups of an actor that ends are freed. */
static void
other_actors(void)
{
	struct kui p, k = new_key(), g, name, again;
	struct kmsg m;
	long aid, r;

	portCreate(NULL, &p);
	CHECK_EQ(grpAllocate(&k, &g), K_OK);
	aid = start_peer("member", &p, &k);
	CHECK(!K_IS_ERR(aid), "start t_ipcpeer: %s", kerrName(aid));
	CHECK_EQ(recv_msg(&m, &p, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[3], K_OK);		/* its grpInsert with our key */
	CHECK_EQ(send_to(&g, K_ADDR_BROADCAST, 77), K_OK);
	CHECK_EQ(recv_msg(&m, &p, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], OP_REPORT);
	CHECK_EQ(m.annex[1], 77);
	CHECK_EQ(m.annex[2], 1);		/* it arrived on its member port */
	CHECK_EQ(end_of(aid, 5 * SEC), 0);
	for (int i = 0; i < 100 && send_to(&g, K_ADDR_FUNC, 0) != -K_ENOMEMBER; i++)
		threadSleep(10 * MS);
	CHECK_EQ(send_to(&g, K_ADDR_FUNC, 0), -K_ENOMEMBER);
	grpFree(&k);

	drain(&p);
	k = new_key();
	aid = start_peer("owner", &p, &k);
	CHECK_EQ(recv_msg(&m, &p, 5 * SEC), K_OK);
	name = ui_at(&m.annex[1]);
	CHECK_EQ(m.annex[3], K_OK);		/* its grpAllocate */
	CHECK_EQ(m.annex[4], K_OK);		/* its grpInsert */
	CHECK_EQ(end_of(aid, 5 * SEC), 0);
	for (int i = 0; i < 100 && (r = grpAllocate(&k, &again)) == -K_EEXIST; i++)
		threadSleep(10 * MS);
	CHECK_EQ(r, K_OK);			/* it was freed */
	CHECK(uiEqual(&again, &name), "the name changed");
	grpFree(&k);
	portDelete(&p);
}

int
main(void)
{
	struct ksysinfo before;

	ktest_begin("ipcgrp");
	sysInfo(&before);
	naming();
	empty_group();
	membership();
	other_actors();
	check_counts(&before, 128);
	ktest_end();
	return 0;
}
