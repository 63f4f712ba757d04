// SPDX-License-Identifier: MIT
/*
 * t_ipcprot: what only trusted actors may do, run trusted (user+t and
 * super+t).  Ports with built UIs (the same UI for anyone who knows the
 * number; -K_EEXIST while in use; only of type port); protection
 * identifiers: ours by default is our aid, we may change ours and another
 * actor's and receivers see the new value; an untrusted actor
 * (t_ipcpeer) is refused both (a forged protection identifier) and its
 * messages still carry its real one until we change it.
 */
#include "tipc.h"

static void
built_ports(struct kui *b)
{
	struct kui out, g = uiBuild(K_UI_GROUP, 5);
	struct kmsg m;

	*b = uiBuild(K_UI_PORT, 4000 + __kstart->mode);
	CHECK_EQ(portCreate(b, &out), K_OK);
	CHECK(uiEqual(&out, b), "built port %lx.%lx, asked %lx.%lx", out.head, out.stamp,
	      b->head, b->stamp);
	CHECK_EQ(K_UI_SITEOF(&out), 0);
	CHECK_EQ(portCreate(b, &out), -K_EEXIST);
	CHECK_EQ(portCreate(&g, &out), -K_EINVAL);
	out = uiBuild(K_UI_PORT, 4000 + __kstart->mode);	/* named by its number */
	CHECK_EQ(send_words(&out, OP_DATA, 1, 0, 0), K_OK);
	CHECK_EQ(recv_msg(&m, b, 0), K_OK);
	CHECK_EQ(m.annex[1], 1);
	CHECK_EQ(portDelete(b), K_OK);
	CHECK_EQ(portCreate(b, &out), K_OK);		/* free again */
}

static void
own_protid(const struct kui *b)
{
	struct kmsg m;

	CHECK_EQ(send_words(b, OP_DATA, 0, 0, 0), K_OK);
	CHECK_EQ(recv_msg(&m, b, 0), K_OK);
	CHECK_EQ(m.protid, actorSelf());		/* the default */
	CHECK_EQ(actorSetProtId(0, 99), K_OK);
	send_words(b, OP_DATA, 0, 0, 0);
	CHECK_EQ(recv_msg(&m, b, 0), K_OK);
	CHECK_EQ(m.protid, 99);
	CHECK_EQ(actorSetProtId(actorSelf(), 100), K_OK);
	send_words(b, OP_DATA, 0, 0, 0);
	CHECK_EQ(recv_msg(&m, b, 0), K_OK);
	CHECK_EQ(m.protid, 100);
	CHECK_EQ(actorSetProtId(0, (unsigned long)actorSelf()), K_OK);
	CHECK_EQ(actorSetProtId(BAD_AID, 1), -K_EUNKNOWN);
}

static void
peer_protid(const struct kui *b)
{
	struct kmsg m;
	struct kui q;
	long aid = start_peer("prot", b, NULL);

	CHECK(!K_IS_ERR(aid), "start t_ipcpeer: %s", kerrName(aid));
	CHECK_EQ(recv_msg(&m, b, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], OP_HELLO);
	CHECK_EQ(m.annex[3], -K_EPERM);		/* its actorSetProtId */
	CHECK_EQ(m.annex[4], -K_EPERM);		/* its built port */
	CHECK_EQ(m.protid, aid);		/* not the forged 0x1234 */
	q = ui_at(&m.annex[1]);
	CHECK_EQ(actorSetProtId(aid, 4242), K_OK);
	CHECK_EQ(send_words(&q, OP_GO, 0, 0, 0), K_OK);
	CHECK_EQ(recv_msg(&m, b, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], OP_REPORT);
	CHECK_EQ(m.protid, 4242);
	CHECK_EQ(end_of(aid, 5 * SEC), 0);
}

int
main(void)
{
	struct ksysinfo before;
	struct kui b;

	ktest_begin("ipcprot");
	sysInfo(&before);
	built_ports(&b);
	own_protid(&b);
	peer_protid(&b);
	portDelete(&b);
	check_counts(&before, 64);
	ktest_end();
	return 0;
}
