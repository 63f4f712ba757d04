// SPDX-License-Identifier: MIT
/*
 * Port groups: named by a one-way function of their key (group_name), so
 * that knowing the name does not let one change the members; members are
 * port UIs, inserted and removed only with the key.  Where a send to a
 * group goes is in route.c.
 * Entry points: the nc_grp* decoders, group_lookup, group_destroy.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <ipc/ipc.h>

#define GROUP_MAX	4096		/* members of one group */

/* The local group named `name`, or NULL.  ipc_lock held. */
struct group *
group_lookup(const struct kui *name)
{
	struct uient *e = ui_find(name, K_UI_GROUP);

	return e ? container_of(e, struct group, ent) : NULL;
}

/* ipc_lock held; frees g. */
void
group_destroy(struct group *g)
{
	ui_remove(&g->ent);
	list_del(&g->alink);
	kfree(g->members);
	kfree(g);
}

long
nc_grpAllocate(long key, long name)
{
	struct actor *a = caller_actor();
	struct kui k, n;
	struct group *g;
	long err = K_OK;

	if (get_ui(key, &k) < 0)
		return -K_EFAULT;
	if (uiIsNull(&k))
		return -K_EINVAL;
	group_name(&k, &n);
	if (!(g = kmalloc(sizeof(*g))))
		return -K_ENOMEM;
	g->ent.ui = n;
	g->owner = a;
	g->members = NULL;
	g->nmembers = g->cap = 0;
	g->next = 0;
	spin_lock(&ipc_lock);
	if (a->ipc.gone || group_lookup(&n)) {
		err = a->ipc.gone ? -K_EABORT : -K_EEXIST;
	} else {
		ui_insert(&g->ent);
		list_add_tail(&a->ipc.groups, &g->alink);
		g = NULL;
	}
	spin_unlock(&ipc_lock);
	kfree(g);
	if (put_ui(name, &n) < 0)
		return -K_EFAULT;
	return err;
}

/* Decodes (key, port) and finds the group under ipc_lock (held on success). */
static struct group *
decode_member(long key, long port, struct kui *member, long *err)
{
	struct kui k, n;
	struct group *g;

	if (get_ui(key, &k) < 0 || (member && get_ui(port, member) < 0)) {
		*err = -K_EFAULT;
		return NULL;
	}
	if (member && !ui_valid(member, K_UI_PORT)) {
		*err = -K_EINVAL;
		return NULL;
	}
	group_name(&k, &n);
	spin_lock(&ipc_lock);
	if (!(g = group_lookup(&n))) {
		spin_unlock(&ipc_lock);
		*err = -K_EUNKNOWN;
	}
	return g;
}

static int
member_index(const struct group *g, const struct kui *ui)
{
	for (int i = 0; i < g->nmembers; i++)
		if (uiEqual(&g->members[i], ui))
			return i;
	return -1;
}

long
nc_grpInsert(long key, long port)
{
	struct kui m;
	struct group *g;
	long err = K_OK;

	if (!(g = decode_member(key, port, &m, &err)))
		return err;
	if (member_index(g, &m) >= 0) {
		err = -K_EEXIST;
	} else if (g->nmembers == g->cap) {
		int cap = g->cap ? g->cap * 2 : 8;
		struct kui *nm = cap > GROUP_MAX ? NULL : kmalloc(cap * sizeof(*nm));
		if (!nm) {
			err = cap > GROUP_MAX ? -K_ELIMIT : -K_ENOMEM;
		} else {
			if (g->nmembers)
				memcpy(nm, g->members, g->nmembers * sizeof(*nm));
			kfree(g->members);
			g->members = nm;
			g->cap = cap;
		}
	}
	if (err == K_OK)
		g->members[g->nmembers++] = m;
	spin_unlock(&ipc_lock);
	return err;
}

long
nc_grpRemove(long key, long port)
{
	struct kui m;
	struct group *g;
	long err = K_OK;
	int i;

	if (!(g = decode_member(key, port, &m, &err)))
		return err;
	if ((i = member_index(g, &m)) < 0)
		err = -K_EUNKNOWN;
	else
		g->members[i] = g->members[--g->nmembers];
	spin_unlock(&ipc_lock);
	return err;
}

long
nc_grpFree(long key)
{
	struct group *g;
	long err = K_OK;

	if (!(g = decode_member(key, 0, NULL, &err)))
		return err;
	group_destroy(g);
	spin_unlock(&ipc_lock);
	return K_OK;
}
