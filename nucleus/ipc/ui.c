// SPDX-License-Identifier: MIT
/*
 * Unique identifiers and the table of the objects of this site, and where
 * a UI that is not here is looked for (localization).
 *
 * A UI is (head, stamp): head carries the creation site, the type and 23
 * random bits, stamp 64 more.  Random bits come from SipHash of a counter
 * and the time stamp counter under a key drawn at boot (RDRAND when the
 * CPU has it, mixed with the TSC), so a valid UI does not tell anything
 * about another.  The table is a hash of 64 Ki chains, which keeps
 * lookups short with 100,000 live UIs.
 * Entry points: ipc_init, ui_new, ui_insert, ui_remove, ui_find,
 * ui_valid, group_name, ipc_locate, site_send, nc_siteSelf.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <motet/siphash.h>
#include <motet/nucleus.h>
#include <ipc/ipc.h>
#include "x86.h"

#define HASH_BITS	16

struct spinlock ipc_lock = SPINLOCK_INIT("ipc");
u32 ipc_site = 1;

static struct list table[1 << HASH_BITS];	/* under ipc_lock */
static long nentries;
static unsigned long secret[2];
static u64 counter;				/* under ipc_lock or at boot */

/* Group names: a public one-way function of the key, the same on every
 * site (so anyone may compute a name, nobody a key from it). */
static const unsigned long group_salt[2] = { 0x6d6f7465742d6770UL, 0x6f6e652d7761792eUL };

static u64
hw_random(void)
{
	u32 a, b, c, d;
	u64 v = 0;

	cpuid(1, 0, &a, &b, &c, &d);
	if (c & (1u << 30)) {
		for (int i = 0; i < 10; i++) {
			u8 ok;
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
			if (ok)
				break;
		}
	}
	return v ^ rdtsc();
}

void
ipc_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		list_init(&table[i]);
	secret[0] = hw_random();
	secret[1] = hw_random() * 0x9e3779b97f4a7c15UL;
	ipc_kcall_init();
}

static u32
hash(const struct kui *ui)
{
	return (u32)(((ui->head * 0x9e3779b97f4a7c15UL) ^ ui->stamp) * 0xbf58476d1ce4e5b9UL
		     >> (64 - HASH_BITS));
}

struct kui
ui_new(int type)
{
	u64 in[2];
	unsigned long out[2];

	spin_lock(&ipc_lock);
	in[0] = ++counter;
	spin_unlock(&ipc_lock);
	in[1] = rdtsc();
	siphash128(secret, in, sizeof(in), out);
	return (struct kui){ ((u64)ipc_site << 32) | ((u64)(type & 0xff) << 24) |
			     (out[0] & (K_UI_BUILT - 1)), out[1] };
}

void
group_name(const struct kui *key, struct kui *name)
{
	unsigned long out[2];

	siphash128(group_salt, key, sizeof(*key), out);
	name->head = ((u64)K_UI_GROUP << 24) | K_UI_BUILT | (out[0] & (K_UI_BUILT - 1));
	name->stamp = out[1];
}

void
ui_insert(struct uient *e)
{
	assert(spin_held(&ipc_lock));
	list_add_head(&table[hash(&e->ui)], &e->hlink);
	nentries++;
}

void
ui_remove(struct uient *e)
{
	assert(spin_held(&ipc_lock));
	list_del(&e->hlink);
	nentries--;
}

struct uient *
ui_find(const struct kui *ui, int type)
{
	struct list *it, *chain = &table[hash(ui)];

	if (K_UI_TYPEOF(ui) != type)
		return NULL;
	list_for_each(it, chain) {
		struct uient *e = list_entry(it, struct uient, hlink);
		if (e->ui.head == ui->head && e->ui.stamp == ui->stamp)
			return e;
	}
	return NULL;
}

long ui_count(void) { return READ_ONCE(nentries); }

/*
 * Where does ui live?  In order: this site's table; the cache of UIs seen
 * elsewhere (none yet: filled by the network transport); the creation
 * site written in the UI; a built UI (no site) not here would be asked for
 * by broadcast to every site.  ipc_lock held.
 */
int
ipc_locate(const struct kui *ui, int type, struct uient **local, u32 *site)
{
	u32 born = K_UI_SITEOF(ui);

	if ((*local = ui_find(ui, type)) != NULL)
		return LOC_LOCAL;
	/* the location cache comes with the site transport */
	if (born == ipc_site)
		return LOC_GONE;
	*site = born;			/* 0: broadcast to every site */
	return LOC_REMOTE;
}

/* No transport yet: every other site is unreachable. */
static long
none_send(u32 site, const struct msg *m, const struct kaddr *to)
{
	(void)site; (void)m; (void)to;
	return -K_EUNREACH;
}

static const struct site_transport none = { "none", none_send };
const struct site_transport *site_transport = &none;

long
site_send(u32 site, const struct msg *m, const struct kaddr *to)
{
	return site_transport->send(site, m, to);
}

long
nc_siteSelf(void)
{
	return ipc_site;
}
