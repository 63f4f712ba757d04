/* SPDX-License-Identifier: MIT */
/*
 * Virtual memory as actors see it: regions, segments and the mapper
 * protocol (CHORUS generic VM).
 *
 * A segment is data kept by a server, its mapper, and named by a
 * capability: the mapper's port and a key naming the object in it.  A
 * region maps part of a segment into an actor; the nucleus keeps the
 * segment's pages it has in its page cache (one local cache per segment)
 * and asks the mapper for the others.  A region whose capability has a
 * null port maps a new anonymous segment, zero-filled on demand.
 *
 * The mapper protocol.  The nucleus calls (ipcCall) the segment's port
 * with the annex a struct kmapreq, stamped with protection identifier
 * K_PROTID_NUCLEUS (a mapper should refuse the others):
 *   K_MAP_PULLIN     data of [offset, offset + size) wanted with `access`
 *                    held on [offset, offset + range) (range >= size: a
 *                    large read asks for access to the whole range with the
 *                    first chunk).  Reply: the data as body (bytes short of
 *                    size read as zeros).
 *   K_MAP_GETACCESS  write access to [offset, offset + range), whose pages
 *                    the nucleus may hold read-only or not at all.  No body.
 *   K_MAP_PUSHOUT    [offset, offset + size) modified: the body has the
 *                    data (the pages stay cached, clean, unless flushed).
 * The reply's annex is a struct kmaprep: K_OK and the access granted
 * (K_PROT_READ, or K_PROT_READ | K_PROT_WRITE; never less than asked), or
 * a -K_* error: the fault fails (the thread gets an exception) and sgRead
 * or sgWrite return it.  A mapper takes rights back with sgFlush.
 */
#ifndef MOTET_VM_H
#define MOTET_VM_H

#include <motet/ipc.h>

#define K_PAGE_SIZE	4096UL

/* A region (rgnMap's request, rgnList's answer). */
struct krgn {
	unsigned long addr;		/* page-aligned; rgnMap: 0 = the nucleus chooses */
	unsigned long size;		/* bytes, a multiple of K_PAGE_SIZE */
	long prot;			/* K_PROT_* */
	struct kcap seg;		/* the segment; a null port: anonymous memory */
	unsigned long offset;		/* of addr in the segment, page-aligned */
};

/* Region attributes, with the K_PROT_* bits of krgn.prot (rgnMap, rgnList) */
#define K_RGN_SHARED		0x100	/* rgnCopy shares the region instead of copying it */
#define K_RGN_PRIVATE		0x200	/* rgnMap of a segment: a copy-on-write view of it */

/*
 * The state of the page cache (vmStat).  Copies of regions share their
 * pages until one side writes: the pages at the time of the copy are kept
 * in history objects, found by walking from a region's cache toward the
 * root; `depth` counts the steps of the longest such walk in the actor.
 */
struct kvmstat {
	unsigned long pages_total;	/* physical pages of the site */
	unsigned long pages_free;
	unsigned long caches;		/* local caches (segments, anonymous, history) */
	unsigned long history;		/* of which history objects (kept for copies only) */
	unsigned long depth;		/* the actor's longest history chain */
	unsigned long resident;		/* pages of the actor's regions' own caches */
	unsigned long swap_slots;	/* of the swap segment (vmSwap), 0 if none */
	unsigned long swap_used;
	unsigned long moved;		/* message body pages given to receivers by remapping */
};

/* sgFlush modes */
#define K_FLUSH_DESTROY		1	/* drop the pages (dirty ones are not pushed out) */
#define K_FLUSH_DOWNGRADE	2	/* push dirty pages out, keep them read-only */
#define K_FLUSH_CLEAN		3	/* push dirty pages out, keep the rights */

/* Mapper protocol operations (struct kmapreq.op) */
#define K_MAP_PULLIN		0x4d41500000000001UL
#define K_MAP_GETACCESS		0x4d41500000000002UL
#define K_MAP_PUSHOUT		0x4d41500000000003UL

/* The protection identifier of messages the nucleus sends. */
#define K_PROTID_NUCLEUS	(~0UL)

struct kmapreq {
	unsigned long op;
	unsigned long key[2];		/* the segment's key (from its capability) */
	unsigned long offset;		/* page-aligned */
	unsigned long size;		/* PULLIN: data wanted; PUSHOUT: data sent */
	unsigned long range;		/* PULLIN, GETACCESS: the access asked covers this */
	unsigned long access;		/* K_PROT_READ or K_PROT_READ | K_PROT_WRITE */
};
K_ANNEX_CHECK(struct kmapreq);

struct kmaprep {
	long error;			/* K_OK or -K_* */
	unsigned long access;		/* granted on the range asked */
};
K_ANNEX_CHECK(struct kmaprep);

#endif
