/* SPDX-License-Identifier: MIT */
/*
 * What the VM test actors share: sizes and protections, the segments of
 * the test mapper t_mapper and their initial data, its control protocol,
 * and the test side of it: start, control calls, its log of mapper
 * protocol messages compared with the expected ones, and data checks.
 *
 * t_mapper's control protocol (calls to its port; annex word 0 the op,
 * words 1.. the arguments; reply word 0 the status, >= 0 or -K_*):
 *   MC_GRANT  {mode}             access granted from now on: GRANT_EXACT
 *                                (what was asked), GRANT_RW (always read
 *                                and write), GRANT_READ (always just read,
 *                                even when more was asked: a broken mapper)
 *   MC_FAIL   {err}              PULLIN answered err (-K_*) from now on;
 *                                0: answered normally again
 *   MC_HOLD   {on}               1: K_MAP_* calls get no answer; 0: the
 *                                held ones are answered now, no more held
 *   MC_LOG    {from, max}        status: messages logged so far (only the
 *                                first MAP_LOG_MAX are kept); word 1:
 *                                K_MAP_* calls refused for their protid;
 *                                word 2: calls held now; body: up to max
 *                                logged struct kmapreq from index `from`
 *   MC_RESET  {}                 empties the log, zeroes the refusals
 *   MC_PEEK   {seg, off, size}   body: the mapper's copy of the data
 *   MC_POKE   {seg, off}, body   the body replaces the mapper's copy
 *   MC_FLUSH  {seg, off, size, mode}  status: the mapper's own
 *                                sgFlush({its port, {seg, 0}}, ...)
 *   MC_QUIT   {}                 replies K_OK, then the mapper ends (0)
 * Segment s (key[0] = s, 0..MAP_NSEG-1, key[1] ignored) has MAP_SEGPAGES
 * pages; its 8-byte word at offset o holds seg_word(s, o) at the start.
 * Another key[0] is answered -K_EINVAL.
 */
#ifndef TVM_H
#define TVM_H

#include "tipc.h"

#define PG		K_PAGE_SIZE
#define RO		K_PROT_READ
#define RW		(K_PROT_READ | K_PROT_WRITE)

#define MAP_NSEG	4
#define MAP_SEGPAGES	256
#define MAP_SEGSIZE	(MAP_SEGPAGES * PG)
#define MAP_LOG_MAX	1024
#define MAP_LOG_CHUNK	(K_BODY_MAX / sizeof(struct kmapreq))


enum {
	MC_GRANT = 100, MC_FAIL, MC_HOLD, MC_LOG, MC_RESET, MC_PEEK, MC_POKE, MC_FLUSH,
	MC_QUIT,
};
enum { GRANT_EXACT, GRANT_RW, GRANT_READ };

static inline unsigned long
seg_word(unsigned long s, unsigned long o)
{
	return s << 56 | o;
}

static inline int
is_user(void)
{
	return __kstart->mode != K_ACTOR_SUPER;
}

/*
 * Compares the n bytes at p with segment s's initial data from offset
 * off (any alignment); reports the first difference.  Returns 1 if equal.
 */
static inline int
same_seg(const void *p, unsigned long s, unsigned long off, size_t n, int line)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		unsigned long o = off + i, w = seg_word(s, o & ~7UL);
		unsigned char want = (unsigned char)(w >> (8 * (o & 7)));
		if (b[i] != want) {
			CHECK(0, "line %d: seg %lu offset %#lx: byte %#x, expected %#x", line, s,
			      o, b[i], want);
			return 0;
		}
	}
	return 1;
}
#define SAME_SEG(p, s, off, n)	same_seg((p), (s), (off), (n), __LINE__)

/* n bytes of a pattern that depends on seed, for data the tests write */
static inline void
pattern(void *p, size_t n, unsigned long seed)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)((i * 131 + seed * 7 + (i >> 12) * 17) ^ (seed >> 3));
}

static inline int
is_pattern(const void *p, size_t n, unsigned long seed, int line)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		unsigned char want = (unsigned char)((i * 131 + seed * 7 + (i >> 12) * 17) ^ (seed >> 3));
		if (b[i] != want) {
			CHECK(0, "line %d: byte %zu of pattern %lu: %#x, expected %#x", line, i, seed,
			      b[i], want);
			return 0;
		}
	}
	return 1;
}
#define IS_PATTERN(p, n, seed)	is_pattern((p), (n), (seed), __LINE__)

static inline int
all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* An anonymous region from rgnMap(0, ...) at addr (0: anywhere); 0 if refused. */
static inline unsigned long
map_anon(unsigned long addr, unsigned long size, long prot)
{
	struct krgn r = { .addr = addr, .size = size, .prot = prot };
	long e = rgnMap(0, &r);

	CHECK(!K_IS_ERR(e) && r.addr, "rgnMap %#lx anonymous at %#lx: %s, addr %#lx", size,
	      addr, kerrName(e), r.addr);
	return K_IS_ERR(e) ? 0 : r.addr;
}

/* rgnList of actor aid into rlist (RL_MAX entries); the count or an error. */
#define RL_MAX		256
static struct krgn rlist[RL_MAX];

static inline long
rgn_count(long aid)
{
	return rgnList(aid, rlist, RL_MAX);
}

/* The region of actor aid holding addr: 1 and *out (may be NULL), or 0. */
static inline int
rgn_at(long aid, unsigned long addr, struct krgn *out)
{
	long n = rgnList(aid, rlist, RL_MAX);

	for (long i = 0; i < n && i < RL_MAX; i++) {
		if (addr - rlist[i].addr < rlist[i].size) {
			if (out)
				*out = rlist[i];
			return 1;
		}
	}
	return 0;
}

/* Region [addr, addr + size) of ours must exist exactly, with prot. */
static inline void
rgn_is(unsigned long addr, unsigned long size, long prot, int line)
{
	struct krgn q = { 0 };

	if (!rgn_at(0, addr, &q)) {
		CHECK(0, "line %d: no region at %#lx", line, addr);
		return;
	}
	CHECK(q.addr == addr && q.size == size && q.prot == prot,
	      "line %d: region %#lx size %#lx prot %ld, expected %#lx size %#lx prot %ld", line,
	      q.addr, q.size, q.prot, addr, size, prot);
}
#define RGN_IS(a, s, p)	rgn_is((a), (s), (p), __LINE__)

/* The protection at addr of ours, or -1 outside every region. */
static inline long
prot_at(unsigned long addr)
{
	struct krgn q;

	return rgn_at(0, addr, &q) ? q.prot : -1;
}

/* The test mapper, as seen from a test. */
struct mapper {
	long aid;
	struct kui port;
	long seen;			/* log entries already checked */
};

static inline struct kcap
seg_cap(const struct mapper *m, unsigned long s)
{
	struct kcap c = { .port = m->port, .key = { s, 0 } };
	return c;
}

/*
 * Starts t_mapper (a user actor, not trusted) and waits for its OP_HELLO
 * {port} on our port `test`.
 */
static inline long
mapper_start(struct mapper *m, const struct kui *test)
{
	char a[40];
	struct kmsg h;
	long r;

	memset(m, 0, sizeof(*m));
	ui_fmt(a, sizeof(a), test);
	m->aid = actorStart("t_mapper", K_ACTOR_USER, a);
	if (K_IS_ERR(m->aid)) {
		CHECK(0, "start t_mapper: %s", kerrName(m->aid));
		return m->aid;
	}
	r = recv_msg(&h, test, 5 * SEC);
	if (r == K_OK && h.annex[0] != OP_HELLO)
		r = -K_ESTATE;
	CHECK(r == K_OK, "t_mapper's hello: %s, op %lu", kerrName(r), h.annex[0]);
	m->port = ui_at(&h.annex[1]);
	return r;
}

/*
 * A control call: op with words a[0..4], body in/insize; the reply body
 * into out (outmax bytes), reply words 1..3 into w (may be NULL).
 * Returns the call's error or the mapper's status.
 */
static inline long
mc_call(const struct mapper *m, unsigned long op, const unsigned long a[5], const void *in,
	size_t insize, void *out, size_t outmax, unsigned long w[3])
{
	struct kmsg q = { .body = (void *)in, .bodysize = insize, .annex = { op } }, r;
	struct kaddr to = to_port(&m->port);
	long e;

	for (int i = 0; a && i < 5; i++)
		q.annex[i + 1] = a[i];
	memset(&r, 0, sizeof(r));
	r.body = out;
	r.bodysize = outmax;
	e = ipcCall(&q, &to, &r, 5 * SEC);
	if (e < 0)
		return e;
	if (w)
		memcpy(w, &r.annex[1], 3 * sizeof(long));
	return (long)r.annex[0];
}

static inline long
mc_set(const struct mapper *m, unsigned long op, unsigned long v)
{
	unsigned long a[5] = { v };
	long r = mc_call(m, op, a, NULL, 0, NULL, 0, NULL);

	CHECK(r == K_OK, "mapper control %lu %#lx: %s", op, v, kerrName(r));
	return r;
}

static inline long
mapper_flush(const struct mapper *m, unsigned long s, unsigned long off, unsigned long size,
	     long mode)
{
	unsigned long a[5] = { s, off, size, (unsigned long)mode };

	return mc_call(m, MC_FLUSH, a, NULL, 0, NULL, 0, NULL);
}

static inline long
mapper_peek(const struct mapper *m, unsigned long s, unsigned long off, void *buf, size_t n)
{
	unsigned long a[5] = { s, off, n };

	return mc_call(m, MC_PEEK, a, NULL, 0, buf, n, NULL);
}

static inline long
mapper_poke(const struct mapper *m, unsigned long s, unsigned long off, const void *buf,
	    size_t n)
{
	unsigned long a[5] = { s, off };

	return mc_call(m, MC_POKE, a, buf, n, NULL, 0, NULL);
}

/*
 * The log from index `from`: up to max entries into out; returns the
 * total logged (or an error); *refused and *held from words 1 and 2.
 */
static inline long
mapper_log(const struct mapper *m, long from, struct kmapreq *out, long max,
	   unsigned long *refused, unsigned long *held)
{
	size_t n = (size_t)(max < (long)MAP_LOG_CHUNK ? max : (long)MAP_LOG_CHUNK);
	unsigned long a[5] = { (unsigned long)from, n }, w[3] = { 0 };
	long r = mc_call(m, MC_LOG, a, NULL, 0, out, n * sizeof(*out), w);

	if (refused)
		*refused = w[0];
	if (held)
		*held = w[1];
	return r;
}

/* Waits (at most timeout) until the mapper has logged n entries. */
static inline long
mapper_wait_log(const struct mapper *m, long n, long timeout)
{
	long end = timeNow() + timeout, r;

	while ((r = mapper_log(m, 0, NULL, 0, NULL, NULL)) >= 0 && r < n && timeNow() < end)
		threadSleep(2 * MS);
	return r;
}

/* Asks the mapper to end; its end status. */
static inline long
mapper_quit(struct mapper *m)
{
	mc_call(m, MC_QUIT, NULL, NULL, 0, NULL, 0, NULL);
	return end_of(m->aid, 5 * SEC);
}

/* A region of segment s of m from off; its address, 0 if refused. */
static inline unsigned long
map_seg(const struct mapper *m, unsigned long s, unsigned long off, unsigned long size, long prot)
{
	struct krgn r = { .size = size, .prot = prot, .seg = seg_cap(m, s), .offset = off };
	long e = rgnMap(0, &r);

	CHECK(!K_IS_ERR(e) && r.addr, "rgnMap of segment %lu at %#lx: %s", s, off, kerrName(e));
	return K_IS_ERR(e) ? 0 : r.addr;
}

/* Quits m: it must end with 0 and have refused only the forged calls. */
static inline void
mapper_end(struct mapper *m, unsigned long forged)
{
	unsigned long refused = ~0UL;

	CHECK(mapper_log(m, 0, NULL, 0, &refused, NULL) >= 0 && refused == forged,
	      "the mapper refused %lu calls for their protid, %lu forged", refused, forged);
	CHECK_EQ(mapper_quit(m), 0);
}

/*
 * sgRead by a thread of ours, for a read that must wait while we act
 * (static: the thread may outlive a failed test); r is 1 until it ends.
 */
static struct sgbg {
	struct kcap c;
	unsigned long off, size;
	void *buf;
	long r;
	ksem_t end;
} bgr;

static inline void
sg_bg(void *p)
{
	struct sgbg *b = p;

	b->r = sgRead(&b->c, b->off, b->buf, b->size);
	semV(&b->end);
}

static inline void
sg_start(const struct kcap *c, unsigned long off, void *buf, unsigned long size)
{
	bgr = (struct sgbg){ .c = *c, .off = off, .buf = buf, .size = size, .r = 1 };
	semInit(&bgr.end, 0);
	CHECK(!K_IS_ERR(threadStart(sg_bg, &bgr, 0, 0)), "threadStart");
}

/* An expected log entry; ANY matches every value of a field. */
#define ANY		(~0UL)
#define E(op, s, off, sz, rg, acc) \
	{ K_MAP_##op, { (s), 0 }, (off), (sz), (rg), (acc) }

static inline const char *
map_op_name(unsigned long op)
{
	return op == K_MAP_PULLIN ? "PULLIN" : op == K_MAP_GETACCESS ? "GETACCESS" :
	       op == K_MAP_PUSHOUT ? "PUSHOUT" : "?";
}

static inline void
log_print(const char *what, const struct kmapreq *e, long n)
{
	for (long i = 0; i < n; i++)
		kprintf("    %s %ld: %s key %ld.%ld offset %#lx size %#lx range %#lx access %ld\n",
			what, i, map_op_name(e[i].op), (long)e[i].key[0], (long)e[i].key[1],
			e[i].offset, e[i].size, e[i].range, (long)e[i].access);
}

static inline int
log_match(const struct kmapreq *s, const struct kmapreq *w)
{
	const unsigned long *a = (const void *)s, *b = (const void *)w;

	for (size_t i = 0; i < sizeof(*s) / sizeof(long); i++)
		if (b[i] != ANY && a[i] != b[i])
			return 0;
	return 1;
}

/* By offset, stable: for messages whose order is not part of the protocol. */
static inline void
log_sort(struct kmapreq *e, long n)
{
	for (long i = 1; i < n; i++) {
		struct kmapreq x = e[i];
		long j = i;
		for (; j > 0 && e[j - 1].offset > x.offset; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

/*
 * The messages logged since the last check must be exactly want[0..n)
 * (in this order, or in any order if sorted and want is by offset).
 * Prints both lists when they differ.
 */
static inline void
log_check(struct mapper *m, const struct kmapreq *want, long n, int sorted, int line)
{
	static struct kmapreq seen[64];
	long total = mapper_log(m, m->seen, seen, 64, NULL, NULL), got, k;
	int ok;

	if (total < 0) {
		CHECK(0, "line %d: mapper log: %s", line, kerrName(total));
		return;
	}
	got = total - m->seen;
	m->seen = total;
	k = got < 64 ? got : 64;
	if (sorted)
		log_sort(seen, k);
	ok = got == n;
	for (long i = 0; ok && i < n; i++)
		ok = log_match(&seen[i], &want[i]);
	if (!ok) {
		CHECK(0, "line %d: mapper messages differ: %ld seen, %ld expected", line, got, n);
		log_print("seen", seen, k);
		log_print("want", want, n);
	}
}
#define EXPECT_LOG(m, sorted, ...) do { \
	static const struct kmapreq _w[] = { __VA_ARGS__ }; \
	log_check((m), _w, (long)(sizeof(_w) / sizeof(_w[0])), (sorted), __LINE__); } while (0)
#define EXPECT_NOLOG(m)	log_check((m), NULL, 0, 0, __LINE__)

#endif
