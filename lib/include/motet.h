/* SPDX-License-Identifier: MIT */
/*
 * What an actor includes: the nucleus call stubs (generated here from
 * abi/motet/calls.def), and the small runtime of lib/: console output,
 * mutexes and semaphores, memory helpers.
 *
 * Every stub goes through __ncall (lib/ncall.S), which uses the syscall
 * instruction in a user actor and a direct call in a supervisor actor; the
 * same binary therefore runs in either mode.
 */
#ifndef MOTET_H
#define MOTET_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <motet/nucleus.h>
#include <motet/callnum.h>

long __ncall(long n, long a1, long a2, long a3, long a4, long a5);

#define NCALL0(n, name, rt) \
	static inline rt name(void) { return (rt)__ncall(n, 0, 0, 0, 0, 0); }
#define NCALL1(n, name, rt, t1, a1) \
	static inline rt name(t1 a1) { return (rt)__ncall(n, (long)a1, 0, 0, 0, 0); }
#define NCALL2(n, name, rt, t1, a1, t2, a2) \
	static inline rt name(t1 a1, t2 a2) \
	{ return (rt)__ncall(n, (long)a1, (long)a2, 0, 0, 0); }
#define NCALL3(n, name, rt, t1, a1, t2, a2, t3, a3) \
	static inline rt name(t1 a1, t2 a2, t3 a3) \
	{ return (rt)__ncall(n, (long)a1, (long)a2, (long)a3, 0, 0); }
#define NCALL4(n, name, rt, t1, a1, t2, a2, t3, a3, t4, a4) \
	static inline rt name(t1 a1, t2 a2, t3 a3, t4 a4) \
	{ return (rt)__ncall(n, (long)a1, (long)a2, (long)a3, (long)a4, 0); }
#define NCALL5(n, name, rt, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	static inline rt name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5) \
	{ return (rt)__ncall(n, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5); }
#include <motet/calls.def>
#undef NCALL0
#undef NCALL1
#undef NCALL2
#undef NCALL3
#undef NCALL4
#undef NCALL5

/* Set by crt0 from the start information. */
extern const struct kstartinfo *__kstart;

/* Console output (lib/print.c). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Memory and strings (lib/string.c). */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t n);
long katol(const char *s);

/*
 * Mutexes and semaphores (lib/sync.c).  The uncontended paths are one
 * atomic instruction and never enter the nucleus; contention uses
 * syncWait/syncWake on the word's address.
 */
typedef struct { volatile int state; } kmutex_t;	/* 0 free, 1 held, 2 held+waiters */
typedef struct { volatile int count; volatile int waiters; } ksem_t;
#define KMUTEX_INIT { 0 }
void mutexInit(kmutex_t *m);
void mutexGet(kmutex_t *m);
int mutexTry(kmutex_t *m);
void mutexRel(kmutex_t *m);
void semInit(ksem_t *s, int count);
long semP(ksem_t *s, long timeout);	/* 0 or -K_ETIMEOUT */
void semV(ksem_t *s);

/* Threads with a stack from rgnAllocate (lib/thread.c). */
long threadStart(void (*fn)(void *), void *arg, long prio, size_t stack);

/* A small allocator over rgnAllocate (lib/malloc.c). */
void *malloc(size_t n);
void free(void *p);

#define KSTACK_MIN	(16 * 1024)	/* least stack a thread may have */

/* Was this UI born on this site?  (Built UIs have no site: no.) */
static inline int
uiIsLocal(const struct kui *ui)
{
	return K_UI_SITEOF(ui) == (unsigned long)siteSelf();
}

/*
 * Servers (lib/server.c), in the MINIX 3 shape: a table of handlers, one
 * per request, looked up by annex word 0 (the op) of each message.
 *   size: the least body size the request needs (0 when the whole request
 *         is a typed struct in the annex; check its fit with
 *         K_ANNEX_CHECK).  A shorter body, or one cut to the server's
 *         buffer, is refused with -K_EINVAL.
 *   fn:   handles req and fills reply: annex words 1.. and optionally
 *         body/bodysize (reply starts zeroed).  It returns the status, put
 *         in the reply's annex word 0: >= 0 or a -K_E* error.  Or
 *         SRV_NOREPLY: the handler keeps req->reply (the token) and answers
 *         later with srvReply, from any thread; req itself is reused.  Or
 *         SRV_STOP: srvLoop replies K_OK and returns K_OK.
 * srvLoop receives on port (K_ALLPORTS: every enabled port of the actor)
 * into bodybuf (bodymax bytes; may be NULL and 0), dispatches, and sends
 * the reply together with the next receive (ipcReplyReceive; the reply
 * goes out first, so its body may point into bodybuf).  An unknown op is
 * answered -K_ENOSYS.  One-way messages (req->reply == 0) are handled but
 * get no reply.  Returns K_OK after SRV_STOP, or the error of a receive
 * (K_ETIMEOUT excepted).  Several threads may run srvLoop on one port.
 * srvReply puts status in word 0 of *reply and sends it: ipcReply's result.
 */
#define SRV_NOREPLY	(-4097L)	/* outside the error range of K_IS_ERR */
#define SRV_STOP	(-4098L)

struct srv_op {
	unsigned long op;
	size_t size;
	long (*fn)(struct kmsg *req, struct kmsg *reply, void *ctx);
};

long srvLoop(const struct kui *port, const struct srv_op *ops, size_t nops, void *ctx,
	     void *bodybuf, size_t bodymax);
long srvReply(unsigned long token, long status, struct kmsg *reply);

/*
 * Capabilities (lib/cap.c): a server names its object `object` for a
 * client with the key { object, siphash(secret, port UI, object) }; only
 * the holder of the 128-bit secret can make a key that capCheck accepts,
 * and a key is good only with the port it was made for.
 * capCheck returns K_OK and the object (object may be NULL), or -K_EPERM.
 * capSecretNew fills secret with 128 random bits (the stamps of two fresh
 * random port UIs); K_OK or the error of portCreate.
 */
void capMint(struct kcap *cap, const struct kui *port, const unsigned long secret[2],
	     unsigned long object);
long capCheck(const struct kcap *cap, const struct kui *port, const unsigned long secret[2],
	      unsigned long *object);
long capSecretNew(unsigned long secret[2]);

#endif
