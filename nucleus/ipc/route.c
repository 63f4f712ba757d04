// SPDX-License-Identifier: MIT
/*
 * Where a message goes: the local port an address names (a port UI, or
 * one member of a port group chosen by the address's mode), or the site
 * it must be sent to; and broadcasts, one copy per reachable member.
 * Entry points: resolve, broadcast.  ipc_lock held throughout.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <ipc/ipc.h>

static struct port *
local_port(const struct kui *ui)
{
	struct uient *e = ui_find(ui, K_UI_PORT);

	return e ? container_of(e, struct port, ent) : NULL;
}

/* One member of g on `site` (0: any, this site first); 1 and *rsite if
 * only members elsewhere qualify. */
static long
pick_member(struct group *g, u32 site, struct port **pp, u32 *rsite)
{
	bool remote = false;

	for (int i = 0; i < g->nmembers; i++) {
		int k = (int)((g->next + (u32)i) % (u32)g->nmembers);
		const struct kui *u = &g->members[k];
		u32 born = K_UI_SITEOF(u);
		struct port *p;
		if ((site == 0 || site == ipc_site) && (p = local_port(u)) != NULL) {
			g->next = (u32)k + 1;
			*pp = p;
			return K_OK;
		}
		if (!remote && born != ipc_site && (site == 0 || born == site)) {
			remote = true;
			*rsite = born;
		}
	}
	return remote ? 1 : -K_ENOMEMBER;
}

/*
 * The local port a message to `to` goes to (K_OK), or 1 and *site when it
 * must go to another site, or an error.  A group that is not on this site
 * would be asked for from every site; with no transport it has no member
 * anyone can reach.  ipc_lock held.
 */
long
resolve(const struct kaddr *to, struct port **pp, u32 *site)
{
	struct uient *e;
	struct group *g;
	u32 where = 0;

	if (to->mode == K_ADDR_PORT) {
		if (!ui_valid(&to->ui, K_UI_PORT))
			return -K_EINVAL;
		switch (ipc_locate(&to->ui, K_UI_PORT, &e, site)) {
		case LOC_LOCAL:
			*pp = container_of(e, struct port, ent);
			return K_OK;
		case LOC_GONE:
			return -K_EUNKNOWN;
		default:
			return 1;
		}
	}
	if (!ui_valid(&to->ui, K_UI_GROUP))
		return -K_EINVAL;
	if (!(g = group_lookup(&to->ui)))
		return -K_ENOMEMBER;
	if (to->mode == K_ADDR_SITE) {
		if (!(where = (u32)to->site) || to->site > 0xffffffffUL)
			return -K_EINVAL;
	} else if (to->mode == K_ADDR_CO) {
		if (!ui_valid(&to->co, K_UI_PORT))
			return -K_EINVAL;
		switch (ipc_locate(&to->co, K_UI_PORT, &e, &where)) {
		case LOC_LOCAL:
			where = ipc_site;
			break;
		case LOC_GONE:
			return -K_EUNKNOWN;
		}
		if (!where)
			return -K_EUNREACH;
	}
	return pick_member(g, where, pp, site);
}

static struct msg *
msg_clone(const struct msg *m)
{
	struct msg *c = kmalloc(sizeof(*c));

	if (!c)
		return NULL;
	*c = *m;
	c->pages = NULL;			/* broadcast bodies are small ones (nc_ipcSend) */
	if (m->k.bodysize && !(c->k.body = kmalloc(m->k.bodysize))) {
		kfree(c);
		return NULL;
	}
	if (m->k.bodysize)
		memcpy(c->k.body, m->k.body, m->k.bodysize);
	return c;
}

/* A copy to every reachable member; frees m.  ipc_lock held. */
long
broadcast(struct msg *m, const struct kaddr *to)
{
	struct group *g = NULL;
	int sent = 0;
	long err = K_OK;

	if (!ui_valid(&to->ui, K_UI_GROUP))
		err = -K_EINVAL;
	else if (!(g = group_lookup(&to->ui)))
		err = -K_ENOMEMBER;
	for (int i = 0; err == K_OK && i < g->nmembers; i++) {
		struct port *p = local_port(&g->members[i]);
		struct thread *r;
		struct msg *c;
		if (!p) {
			if (K_UI_SITEOF(&g->members[i]) != ipc_site &&
			    site_send(K_UI_SITEOF(&g->members[i]), m, to) == K_OK)
				sent++;
			continue;
		}
		if (!(c = msg_clone(m))) {
			err = -K_ENOMEM;
		} else if (deliver(p, c, &r) < 0) {
			p->dropped++;
			msg_free(c);
		} else {
			sent++;
			if (r)
				thread_wake(r, K_OK);
		}
	}
	msg_free(m);
	return err ? err : sent ? K_OK : -K_ENOMEMBER;
}
