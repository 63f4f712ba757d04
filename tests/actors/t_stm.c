// SPDX-License-Identifier: MIT
/*
 * t_stm: stm, the stream manager, seen from pm's side (the actor plays
 * pm: trusted, protection identifier UNIX_PROTID, and owner of pm's
 * port, where STM_NOTIFY arrives).  Pipes: write and read, end of file,
 * -EPIPE, -EAGAIN, a read and a write that wait and are finished by
 * another thread, STM_CANCEL after and before its call (and of a write
 * that moved part of its bytes), atomic PIPE_BUF writes from two
 * threads, STM_POLL with a cookie and its notice, bad keys and foreign
 * callers.  The console: termios and window size ioctls, a write that
 * reaches the serial line (it prints this suite's stmcons line itself),
 * non-blocking and VMIN/VTIME reads, and job control (TTIN, TTOU,
 * SIGWINCH to the foreground group, TIOCNOTTY).  Needs stm running
 * (`user trusted stm` in the boot configuration); run as user+t.
 */
#include "ktest.h"
/* test actors are built without servers/include on the include path */
#include "../../servers/include/unix/linux.h"
#include "../../servers/include/unix/proto.h"

#define SEC	(1000L * MS)

static struct kui stm, pmport;

struct res {
	long st;
	unsigned long w[8];
	size_t size;			/* reply body size */
};

/* One call to stm: op, words w1..w7, a body; the reply body into out. */
static long
call(unsigned long op, const unsigned long *w, const void *body, size_t size,
     void *out, size_t outmax, struct res *res)
{
	struct kmsg m, r;
	struct kaddr to = { .ui = stm, .mode = K_ADDR_PORT };
	long e;

	memset(&m, 0, sizeof(m));
	memset(&r, 0, sizeof(r));
	m.annex[0] = op;
	for (int i = 1; i < 8; i++)
		m.annex[i] = w ? w[i - 1] : 0;
	m.body = (void *)body;
	m.bodysize = size;
	r.body = out;
	r.bodysize = outmax;
	e = ipcCall(&m, &to, &r, 10 * SEC);
	if (e < 0)
		return e;
	if (res) {
		res->st = (long)r.annex[0];
		memcpy(res->w, r.annex, sizeof(res->w));
		res->size = r.bodysize;
	}
	return (long)r.annex[0];
}

static unsigned long seqno = 1000;

static unsigned long
next_seq(void)
{
	return __atomic_add_fetch(&seqno, 1, __ATOMIC_RELAXED);
}

static long
rd(unsigned long key, void *buf, size_t max, unsigned long flags, int pid,
   unsigned long pg, unsigned long seq)
{
	unsigned long w[7] = { key, max, flags, (unsigned long)pid, pg, seq ? seq : next_seq() };

	return call(STM_READ, w, NULL, 0, buf, max, NULL);
}

static long
wr(unsigned long key, const void *buf, size_t n, unsigned long flags, int pid,
   unsigned long pg, unsigned long seq)
{
	unsigned long w[7] = { key, 0, flags, (unsigned long)pid, pg, seq ? seq : next_seq() };

	return call(STM_WRITE, w, buf, n, NULL, 0, NULL);
}

static long
closekey(unsigned long key)
{
	unsigned long w[7] = { key };

	return call(STM_CLOSE, w, NULL, 0, NULL, 0, NULL);
}

static long
mkpipe(unsigned long *rk, unsigned long *wk)
{
	unsigned long w[7] = { 0, 0 };
	struct res r;
	long st = call(STM_PIPE, w, NULL, 0, NULL, 0, &r);

	*rk = r.w[1];
	*wk = r.w[2];
	return st;
}

static long
poll(unsigned long key, unsigned long events, unsigned long cookie)
{
	unsigned long w[7] = { key, events, cookie };

	return call(STM_POLL, w, NULL, 0, NULL, 0, NULL);
}

static void
cancel(int pid, unsigned long seq)
{
	struct kmsg m;
	struct kaddr to = { .ui = stm, .mode = K_ADDR_PORT };

	memset(&m, 0, sizeof(m));
	m.annex[0] = STM_CANCEL;
	m.annex[1] = (unsigned long)pid;
	m.annex[2] = seq;
	ipcSend(&m, &to);
}

static long
ioctl(unsigned long key, unsigned long req, unsigned long arg, unsigned long pg,
      const struct kui *grp, const void *in, size_t insize, void *out, size_t outmax)
{
	unsigned long w[7] = { key, req, arg, 0, pg, grp ? grp->head : 0,
			       grp ? grp->stamp : 0 };

	w[3] = (unsigned long)UNIX_PG_SID(pg);	/* the pid: the session leader */
	return call(STM_IOCTL, w, in, insize, out, outmax, NULL);
}

/* ---- a call run by a second thread ---- */

struct bg {
	int isread;
	unsigned long key, seq;
	int pid;
	const void *data;
	size_t n;
	char buf[256];
	volatile long result;
	ksem_t done;
};

static void
bg_thread(void *arg)
{
	struct bg *b = arg;

	if (b->isread)
		b->result = rd(b->key, b->buf, sizeof(b->buf), 0, b->pid, 0, b->seq);
	else
		b->result = wr(b->key, b->data, b->n, 0, b->pid, 0, b->seq);
	semV(&b->done);
}

static void
bg_start(struct bg *b, int isread, unsigned long key, int pid, unsigned long seq)
{
	b->isread = isread;
	b->key = key;
	b->pid = pid;
	b->seq = seq;
	b->result = -99999;
	semInit(&b->done, 0);
	threadStart(bg_thread, b, 0, 0);
}

/* 0 once the call ended (result set), -K_ETIMEOUT if still waiting. */
static long
bg_wait(struct bg *b, long ms)
{
	return semP(&b->done, ms ? ms * MS : K_NOWAIT);
}

/* ---- pipes ---- */

static void
test_pipe_rw(void)
{
	unsigned long rk, wk;
	char buf[64];

	ktest_begin("stmpipe");
	CHECK_EQ(mkpipe(&rk, &wk), 0);
	CHECK(rk != wk && rk && wk, "keys %lx %lx", rk, wk);
	CHECK_EQ(wr(wk, "hello", 5, 0, 1, 0, 0), 5);
	CHECK_EQ(wr(wk, " world", 6, 0, 1, 0, 0), 6);
	CHECK_EQ(rd(rk, buf, 3, 0, 1, 0, 0), 3);
	CHECK(memcmp(buf, "hel", 3) == 0, "read %.3s", buf);
	CHECK_EQ(rd(rk, buf, sizeof(buf), 0, 1, 0, 0), 8);
	CHECK(memcmp(buf, "lo world", 8) == 0, "read %.8s", buf);
	CHECK_EQ(rd(rk, buf, sizeof(buf), L_O_NONBLOCK, 1, 0, 0), -L_EAGAIN);
	CHECK_EQ(rd(wk, buf, sizeof(buf), 0, 1, 0, 0), -L_EBADF);
	CHECK_EQ(wr(rk, "x", 1, 0, 1, 0, 0), -L_EBADF);
	CHECK_EQ(closekey(wk), 0);
	CHECK_EQ(rd(rk, buf, sizeof(buf), 0, 1, 0, 0), 0);	/* end of file */
	CHECK_EQ(poll(rk, L_POLLIN, 0), L_POLLIN | L_POLLHUP);
	CHECK_EQ(closekey(rk), 0);
	CHECK_EQ(closekey(rk), -L_EBADF);
	CHECK_EQ(rd(rk, buf, sizeof(buf), 0, 1, 0, 0), -L_EBADF);
	CHECK_EQ(rd(0x12345678, buf, sizeof(buf), 0, 1, 0, 0), -L_EBADF);
	CHECK_EQ(rd(~0UL, buf, sizeof(buf), 0, 1, 0, 0), -L_EBADF);
	ktest_end();
}

static char big[UNIX_PIPE_SIZE];

static void
test_pipe_epipe_eagain(void)
{
	unsigned long rk, wk;

	ktest_begin("stmpipefull");
	CHECK_EQ(mkpipe(&rk, &wk), 0);
	memset(big, 'z', sizeof(big));
	CHECK_EQ(wr(wk, big, sizeof(big), 0, 1, 0, 0), UNIX_PIPE_SIZE);	/* fills it */
	CHECK_EQ(poll(wk, L_POLLOUT, 0), 0);
	CHECK_EQ(wr(wk, "a", 1, L_O_NONBLOCK, 1, 0, 0), -L_EAGAIN);
	CHECK_EQ(closekey(rk), 0);
	CHECK_EQ(wr(wk, "a", 1, 0, 1, 0, 0), -L_EPIPE);
	CHECK_EQ(poll(wk, L_POLLOUT, 0), L_POLLOUT | L_POLLERR);
	CHECK_EQ(closekey(wk), 0);
	ktest_end();
}

static void
test_pipe_wait(void)
{
	static struct bg b;
	unsigned long rk, wk;
	char buf[UNIX_PIPE_BUF];
	int n;

	ktest_begin("stmpipewait");
	CHECK_EQ(mkpipe(&rk, &wk), 0);
	/* a read waits until a write from this thread */
	bg_start(&b, 1, rk, 7, next_seq());
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	CHECK_EQ(wr(wk, "xyz", 3, 0, 1, 0, 0), 3);
	CHECK_EQ(bg_wait(&b, 5000), 0);
	CHECK_EQ(b.result, 3);
	CHECK(memcmp(b.buf, "xyz", 3) == 0, "got %.3s", b.buf);
	/* a write waits for room, made by a read here */
	CHECK_EQ(wr(wk, big, sizeof(big) - 50, 0, 1, 0, 0), UNIX_PIPE_SIZE - 50);
	b.data = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	b.n = 64;
	bg_start(&b, 0, wk, 7, next_seq());
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	CHECK_EQ(rd(rk, buf, 10, 0, 1, 0, 0), 10);	/* 60 of room: not enough */
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	n = -1;						/* and none of it went in */
	CHECK_EQ(ioctl(rk, L_FIONREAD, 0, 0, NULL, NULL, 0, &n, sizeof(n)), 0);
	CHECK_EQ(n, UNIX_PIPE_SIZE - 60);
	CHECK_EQ(rd(rk, buf, sizeof(buf), 0, 1, 0, 0), UNIX_PIPE_BUF);
	CHECK_EQ(bg_wait(&b, 5000), 0);
	CHECK_EQ(b.result, 64);
	CHECK_EQ(closekey(rk), 0);
	CHECK_EQ(closekey(wk), 0);
	/* the last writer's close ends a waiting read with end of file */
	CHECK_EQ(mkpipe(&rk, &wk), 0);
	bg_start(&b, 1, rk, 7, next_seq());
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	CHECK_EQ(closekey(wk), 0);
	CHECK_EQ(bg_wait(&b, 5000), 0);
	CHECK_EQ(b.result, 0);
	CHECK_EQ(closekey(rk), 0);
	ktest_end();
}

static void
test_pipe_cancel(void)
{
	static struct bg b;
	unsigned long rk, wk, seq;
	char buf[16];

	ktest_begin("stmcancel");
	CHECK_EQ(mkpipe(&rk, &wk), 0);
	/* after the call */
	seq = next_seq();
	bg_start(&b, 1, rk, 42, seq);
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	cancel(41, seq);			/* another pid: not this one */
	cancel(42, seq + 100000);		/* another call */
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	cancel(42, seq);
	CHECK_EQ(bg_wait(&b, 5000), 0);
	CHECK_EQ(b.result, -L_EINTR);
	/* before the call */
	seq = next_seq();
	cancel(42, seq);
	CHECK_EQ(rd(rk, buf, sizeof(buf), 0, 42, 0, seq), -L_EINTR);
	CHECK_EQ(wr(wk, "q", 1, 0, 42, 0, 0), 1);	/* only that call */
	CHECK_EQ(rd(rk, buf, sizeof(buf), 0, 42, 0, 0), 1);
	/* a write that moved part of its bytes reports them */
	CHECK_EQ(wr(wk, big, 100, 0, 1, 0, 0), 100);
	b.data = big;
	b.n = sizeof(big);
	seq = next_seq();
	bg_start(&b, 0, wk, 43, seq);
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	cancel(43, seq);
	CHECK_EQ(bg_wait(&b, 5000), 0);
	CHECK_EQ(b.result, UNIX_PIPE_SIZE - 100);
	CHECK_EQ(closekey(rk), 0);
	CHECK_EQ(closekey(wk), 0);
	ktest_end();
}

/* Two threads write PIPE_BUF blocks of their own letter; none is split. */
#define NBLOCKS	24
static char blk_a[UNIX_PIPE_BUF], blk_b[UNIX_PIPE_BUF];
static unsigned long atom_wk;
static ksem_t atom_done;

static void
atom_writer(void *arg)
{
	const char *blk = arg;

	for (int i = 0; i < NBLOCKS; i++)
		if (wr(atom_wk, blk, UNIX_PIPE_BUF, 0, blk == blk_a ? 50 : 51, 0, 0) != UNIX_PIPE_BUF)
			break;
	semV(&atom_done);
}

static void
test_pipe_atomic(void)
{
	static char got[2 * NBLOCKS * UNIX_PIPE_BUF];
	unsigned long rk;
	size_t n = 0;
	int bad = 0;

	ktest_begin("stmatomic");
	CHECK_EQ(mkpipe(&rk, &atom_wk), 0);
	memset(blk_a, 'A', sizeof(blk_a));
	memset(blk_b, 'B', sizeof(blk_b));
	semInit(&atom_done, 0);
	threadStart(atom_writer, blk_a, 0, 0);
	threadStart(atom_writer, blk_b, 0, 0);
	while (n < sizeof(got)) {
		long r = rd(rk, got + n, 1000 + n % 3000, 0, 1, 0, 0);
		if (r <= 0) {
			CHECK(0, "read %ld after %zu bytes", r, n);
			break;
		}
		n += (size_t)r;
	}
	for (size_t i = 0; i < n; i++)
		if (got[i] != got[i - i % UNIX_PIPE_BUF])
			bad++;
	CHECK_EQ(bad, 0);
	semP(&atom_done, 5 * SEC);
	semP(&atom_done, 5 * SEC);
	CHECK_EQ(closekey(rk), 0);
	CHECK_EQ(closekey(atom_wk), 0);
	ktest_end();
}

static void
test_poll_notify(void)
{
	unsigned long rk, wk;
	struct kmsg m;
	char buf[8];

	ktest_begin("stmpoll");
	CHECK_EQ(mkpipe(&rk, &wk), 0);
	CHECK_EQ(poll(rk, L_POLLIN, 0), 0);
	CHECK_EQ(poll(wk, L_POLLOUT, 0), L_POLLOUT);
	CHECK_EQ(poll(rk, L_POLLIN, 0xc00c1e), 0);	/* remembered */
	CHECK_EQ(wr(wk, "!", 1, 0, 1, 0, 0), 1);
	memset(&m, 0, sizeof(m));
	CHECK_EQ(ipcReceive(&m, &pmport, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], STM_NOTIFY);
	CHECK_EQ(m.annex[1], 0xc00c1e);
	CHECK_EQ(poll(rk, L_POLLIN | L_POLLOUT, 0xc00c1e), L_POLLIN);
	CHECK_EQ(rd(rk, buf, sizeof(buf), 0, 1, 0, 0), 1);
	CHECK_EQ(ipcReceive(&m, &pmport, 0), -K_ETIMEOUT);	/* only once */
	/* a close is a change too */
	CHECK_EQ(poll(rk, L_POLLIN, 77), 0);
	CHECK_EQ(closekey(wk), 0);
	CHECK_EQ(ipcReceive(&m, &pmport, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[1], 77);
	CHECK_EQ(closekey(rk), 0);
	ktest_end();
}

static void
test_foreign(void)
{
	unsigned long rk, wk;

	ktest_begin("stmprotid");
	CHECK_EQ(actorSetProtId(0, 12345), K_OK);
	CHECK_EQ(mkpipe(&rk, &wk), -L_EPERM);
	CHECK_EQ(actorSetProtId(0, UNIX_PROTID), K_OK);
	CHECK_EQ(call(0x7374ffff, NULL, NULL, 0, NULL, 0, NULL), -K_ENOSYS);
	CHECK_EQ(mkpipe(&rk, &wk), 0);
	CHECK_EQ(closekey(rk), 0);
	CHECK_EQ(closekey(wk), 0);
	ktest_end();
}

/* ---- the console ---- */

static unsigned long
opentty(void)
{
	unsigned long w[7] = { L_MKDEV(5, 1), L_O_RDWR };
	struct res r;

	if (call(STM_OPEN, w, NULL, 0, NULL, 0, &r) != 0)
		return 0;
	return r.w[1];
}

static void
test_tty_ioctl(void)
{
	struct linux_termios t, t2;
	struct linux_winsize ws;
	unsigned long key, rk, wk, w[7] = { L_MKDEV(1, 3) };
	int n = -1;

	ktest_begin("stmtermios");
	key = opentty();
	CHECK(key != 0, "open the console");
	CHECK_EQ(call(STM_OPEN, w, NULL, 0, NULL, 0, NULL), -L_ENXIO);
	CHECK_EQ(ioctl(key, L_TCGETS, 0, 0, NULL, NULL, 0, &t, sizeof(t)), 0);
	CHECK_EQ(t.c_iflag, L_ICRNL | L_IXON);
	CHECK_EQ(t.c_oflag, L_OPOST | L_ONLCR);
	CHECK_EQ(t.c_lflag, L_ISIG | L_ICANON | L_ECHO | L_ECHOE | L_ECHOK | L_ECHOCTL |
		 L_ECHOKE | L_IEXTEN);
	CHECK_EQ(t.c_cc[L_VINTR], 3);
	CHECK_EQ(t.c_cc[L_VMIN], 1);
	t2 = t;
	t2.c_lflag &= ~(L_ECHO | L_ICANON);
	CHECK_EQ(ioctl(key, L_TCSETS, 0, 0, NULL, &t2, sizeof(t2), NULL, 0), 0);
	memset(&t2, 0, sizeof(t2));
	CHECK_EQ(ioctl(key, L_TCGETS, 0, 0, NULL, NULL, 0, &t2, sizeof(t2)), 0);
	CHECK_EQ(t2.c_lflag, t.c_lflag & ~(L_ECHO | L_ICANON));
	CHECK_EQ(ioctl(key, L_TCSETSF, 0, 0, NULL, &t, sizeof(t), NULL, 0), 0);
	CHECK_EQ(ioctl(key, L_TCSETS, 0, 0, NULL, &t, 10, NULL, 0), -L_EINVAL);
	CHECK_EQ(ioctl(key, L_TIOCGWINSZ, 0, 0, NULL, NULL, 0, &ws, sizeof(ws)), 0);
	CHECK_EQ(ws.ws_row, 24);
	CHECK_EQ(ws.ws_col, 80);
	CHECK_EQ(ioctl(key, L_FIONREAD, 0, 0, NULL, NULL, 0, &n, sizeof(n)), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(ioctl(key, L_TCFLSH, 0, 0, NULL, NULL, 0, NULL, 0), 0);
	CHECK_EQ(ioctl(key, L_TCSBRK, 1, 0, NULL, NULL, 0, NULL, 0), 0);
	CHECK_EQ(ioctl(key, 0x5499, 0, 0, NULL, NULL, 0, NULL, 0), -L_ENOTTY);
	CHECK_EQ(ioctl(key, L_TIOCGPGRP, 0, 0, NULL, NULL, 0, &n, sizeof(n)), -L_ENOTTY);
	CHECK_EQ(mkpipe(&rk, &wk), 0);
	CHECK_EQ(ioctl(rk, L_TCGETS, 0, 0, NULL, NULL, 0, &t2, sizeof(t2)), -L_ENOTTY);
	CHECK_EQ(wr(wk, "abc", 3, 0, 1, 0, 0), 3);
	CHECK_EQ(ioctl(rk, L_FIONREAD, 0, 0, NULL, NULL, 0, &n, sizeof(n)), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(closekey(rk), 0);
	CHECK_EQ(closekey(wk), 0);
	CHECK_EQ(poll(key, L_POLLOUT | L_POLLIN, 0), L_POLLOUT);
	CHECK_EQ(closekey(key), 0);
	ktest_end();
}

static void
test_tty_write(void)
{
	unsigned long key = opentty();
	static const char line[] = "TEST stmcons.u: ok\n";

	/* the serial line shows this suite's result line: the write's proof */
	if (wr(key, line, sizeof(line) - 1, 0, 1, 0, 0) != (long)sizeof(line) - 1)
		kprintf("TEST stmcons.u: FAIL write to the console\n");
	closekey(key);
}

static void
test_tty_read_modes(void)
{
	struct linux_termios t, raw;
	unsigned long key = opentty();
	static struct bg b;
	char buf[16];
	long t0;

	ktest_begin("stmttyread");
	CHECK_EQ(ioctl(key, L_TCGETS, 0, 0, NULL, NULL, 0, &t, sizeof(t)), 0);
	CHECK_EQ(rd(key, buf, sizeof(buf), L_O_NONBLOCK, 1, 0, 0), -L_EAGAIN);
	CHECK_EQ(rd(key, buf, 0, 0, 1, 0, 0), 0);
	raw = t;
	raw.c_lflag &= ~(L_ICANON | L_ECHO);
	raw.c_cc[L_VMIN] = 0;
	raw.c_cc[L_VTIME] = 0;
	CHECK_EQ(ioctl(key, L_TCSETS, 0, 0, NULL, &raw, sizeof(raw), NULL, 0), 0);
	CHECK_EQ(rd(key, buf, sizeof(buf), 0, 1, 0, 0), 0);	/* polling read */
	raw.c_cc[L_VTIME] = 2;					/* 0.2 s */
	CHECK_EQ(ioctl(key, L_TCSETS, 0, 0, NULL, &raw, sizeof(raw), NULL, 0), 0);
	t0 = timeNow();
	CHECK_EQ(rd(key, buf, sizeof(buf), 0, 1, 0, 0), 0);	/* the timer ends it */
	CHECK(timeNow() - t0 >= 150 * MS, "VTIME read took %ld ms", (timeNow() - t0) / MS);
	/* a waiting canonical read is cancelled; a termios change keeps it */
	CHECK_EQ(ioctl(key, L_TCSETS, 0, 0, NULL, &t, sizeof(t), NULL, 0), 0);
	bg_start(&b, 1, key, 60, next_seq());
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	cancel(60, b.seq);
	CHECK_EQ(bg_wait(&b, 5000), 0);
	CHECK_EQ(b.result, -L_EINTR);
	/* VMIN 0 VTIME 0 set while a read waits: it ends with 0 bytes */
	bg_start(&b, 1, key, 61, next_seq());
	CHECK_EQ(bg_wait(&b, 100), -K_ETIMEOUT);
	raw.c_cc[L_VTIME] = 0;
	CHECK_EQ(ioctl(key, L_TCSETS, 0, 0, NULL, &raw, sizeof(raw), NULL, 0), 0);
	CHECK_EQ(bg_wait(&b, 5000), 0);
	CHECK_EQ(b.result, 0);
	CHECK_EQ(ioctl(key, L_TCSETS, 0, 0, NULL, &t, sizeof(t), NULL, 0), 0);
	CHECK_EQ(closekey(key), 0);
	ktest_end();
}

static void
test_tty_jobctl(void)
{
	struct linux_termios t, t2;
	struct linux_winsize ws = { 50, 132, 0, 0 };
	struct kui gkey = new_key(), grp;
	unsigned long key = opentty(), fg = UNIX_PG(100, 100), bgpg = UNIX_PG(101, 100);
	struct kmsg m;
	char buf[8];
	int n = 0, pgid = 101;

	ktest_begin("stmjobctl");
	CHECK_EQ(grpAllocate(&gkey, &grp), K_OK);
	CHECK_EQ(grpInsert(&gkey, &pmport), K_OK);
	CHECK_EQ(ioctl(key, L_TIOCSCTTY, 0, fg, &grp, NULL, 0, NULL, 0), 0);
	CHECK_EQ(ioctl(key, L_TIOCSCTTY, 0, UNIX_PG(200, 200), &grp, NULL, 0, NULL, 0),
		 -L_EPERM);				/* another session's */
	CHECK_EQ(ioctl(key, L_TIOCGSID, 0, fg, NULL, NULL, 0, &n, sizeof(n)), 0);
	CHECK_EQ(n, 100);
	CHECK_EQ(ioctl(key, L_TIOCGPGRP, 0, bgpg, NULL, NULL, 0, &n, sizeof(n)), 0);
	CHECK_EQ(n, 100);
	CHECK_EQ(ioctl(key, L_TIOCGPGRP, 0, UNIX_PG(5, 5), NULL, NULL, 0, &n, sizeof(n)),
		 -L_ENOTTY);
	/* the background group may not read, nor change the terminal */
	CHECK_EQ(rd(key, buf, sizeof(buf), L_O_NONBLOCK, 101, bgpg, 0), UNIX_R_TTIN);
	CHECK_EQ(rd(key, buf, sizeof(buf), L_O_NONBLOCK, 100, fg, 0), -L_EAGAIN);
	CHECK_EQ(rd(key, buf, sizeof(buf), L_O_NONBLOCK, 5, UNIX_PG(5, 5), 0), -L_EAGAIN);
	CHECK_EQ(ioctl(key, L_TCGETS, 0, bgpg, NULL, NULL, 0, &t, sizeof(t)), 0);
	CHECK_EQ(ioctl(key, L_TCSETS, 0, bgpg, NULL, &t, sizeof(t), NULL, 0), UNIX_R_TTOU);
	CHECK_EQ(ioctl(key, L_TCSETS, 0, 0, NULL, &t, sizeof(t), NULL, 0), 0);
	/* writes: TTOU only with TOSTOP */
	CHECK_EQ(wr(key, "", 0, 0, 101, bgpg, 0), 0);
	t2 = t;
	t2.c_lflag |= L_TOSTOP;
	CHECK_EQ(ioctl(key, L_TCSETS, 0, fg, NULL, &t2, sizeof(t2), NULL, 0), 0);
	CHECK_EQ(wr(key, "", 0, 0, 101, bgpg, 0), UNIX_R_TTOU);
	CHECK_EQ(wr(key, "", 0, 0, 100, fg, 0), 0);
	CHECK_EQ(ioctl(key, L_TCSETS, 0, fg, NULL, &t, sizeof(t), NULL, 0), 0);
	/* a new window size: SIGWINCH to the foreground group */
	CHECK_EQ(ioctl(key, L_TIOCSWINSZ, 0, fg, NULL, &ws, sizeof(ws), NULL, 0), 0);
	memset(&m, 0, sizeof(m));
	CHECK_EQ(ipcReceive(&m, &pmport, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[0], UNIX_SIGNAL);
	CHECK_EQ(m.annex[1], L_SIGWINCH);
	ws.ws_row = 24;
	ws.ws_col = 80;
	CHECK_EQ(ioctl(key, L_TIOCSWINSZ, 0, fg, NULL, &ws, sizeof(ws), NULL, 0), 0);
	CHECK_EQ(ipcReceive(&m, &pmport, 5 * SEC), K_OK);
	/* TIOCSPGRP: 101 becomes the foreground */
	CHECK_EQ(ioctl(key, L_TIOCSPGRP, 0, bgpg, &grp, &pgid, sizeof(pgid), NULL, 0),
		 UNIX_R_TTOU);
	CHECK_EQ(ioctl(key, L_TIOCSPGRP, 0, fg, &grp, &pgid, sizeof(pgid), NULL, 0), 0);
	CHECK_EQ(ioctl(key, L_TIOCGPGRP, 0, fg, NULL, NULL, 0, &n, sizeof(n)), 0);
	CHECK_EQ(n, 101);
	CHECK_EQ(rd(key, buf, sizeof(buf), L_O_NONBLOCK, 100, fg, 0), UNIX_R_TTIN);
	CHECK_EQ(rd(key, buf, sizeof(buf), L_O_NONBLOCK, 101, bgpg, 0), -L_EAGAIN);
	/* the leader gives the terminal up: SIGHUP and SIGCONT */
	CHECK_EQ(ioctl(key, L_TIOCNOTTY, 0, fg, NULL, NULL, 0, NULL, 0), 0);
	CHECK_EQ(ipcReceive(&m, &pmport, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[1], L_SIGHUP);
	CHECK_EQ(ipcReceive(&m, &pmport, 5 * SEC), K_OK);
	CHECK_EQ(m.annex[1], L_SIGCONT);
	CHECK_EQ(ioctl(key, L_TIOCGSID, 0, fg, NULL, NULL, 0, &n, sizeof(n)), -L_ENOTTY);
	CHECK_EQ(rd(key, buf, sizeof(buf), L_O_NONBLOCK, 100, fg, 0), -L_EAGAIN);
	CHECK_EQ(closekey(key), 0);
	grpFree(&gkey);
	ktest_end();
}

/*
 * With the argument "input" only: the line discipline end to end, on
 * input typed on the serial line a few seconds after boot (not part of
 * the suite, whose serial input is empty):
 *   (sleep 8; printf 'abx\177c\r'; sleep 2; printf 'zz\003'; sleep 1; printf '\004') | \
 *     MODULES=t_stm tools/qemu.sh batch <a conf with t_stm:user+t:input>
 * An edited line, ^C (SIGINT to the foreground group, the line before it
 * flushed), then ^D on an empty line (end of file).
 */
static void
test_tty_input(void)
{
	struct kui gkey = new_key(), grp;
	unsigned long key = opentty(), fg = UNIX_PG(300, 300);
	struct kmsg m;
	char buf[64];
	long n;

	ktest_begin("stminput");
	CHECK_EQ(grpAllocate(&gkey, &grp), K_OK);
	CHECK_EQ(grpInsert(&gkey, &pmport), K_OK);
	CHECK_EQ(ioctl(key, L_TIOCSCTTY, 0, fg, &grp, NULL, 0, NULL, 0), 0);
	kprintf("t_stm: type abx<DEL>c<CR>zz^C^D\n");
	n = rd(key, buf, sizeof(buf), 0, 300, fg, 0);
	CHECK_EQ(n, 4);
	CHECK(n == 4 && memcmp(buf, "abc\n", 4) == 0, "line %.*s", (int)(n > 0 ? n : 0), buf);
	memset(&m, 0, sizeof(m));
	CHECK_EQ(ipcReceive(&m, &pmport, 30 * SEC), K_OK);
	CHECK_EQ(m.annex[0], UNIX_SIGNAL);
	CHECK_EQ(m.annex[1], L_SIGINT);
	CHECK_EQ(rd(key, buf, sizeof(buf), 0, 300, fg, 0), 0);
	CHECK_EQ(ioctl(key, L_TIOCNOTTY, 0, fg, NULL, NULL, 0, NULL, 0), 0);
	CHECK_EQ(closekey(key), 0);
	grpFree(&gkey);
	ktest_end();
}

int
main(int argc, char **argv)
{
	struct kui want = unixPort(UNIX_PORT_PM);
	long r = -1;

	stm = unixPort(UNIX_PORT_STM);
	if (actorSetProtId(0, UNIX_PROTID) < 0 || portCreate(&want, &pmport) < 0) {
		kprintf("TEST stmsetup.u: FAIL not trusted, or pm's port taken\n");
		return 1;
	}
	/* stm starts with us: wait for its port */
	for (int i = 0; i < 500; i++) {
		r = poll(0, 0, 0);
		if (r == -L_EBADF)
			break;
		threadSleep(10 * MS);
	}
	if (r != -L_EBADF) {
		kprintf("TEST stmsetup.u: FAIL stm does not answer (%ld)\n", r);
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "input") == 0) {
		test_tty_input();
		return 0;
	}
	test_pipe_rw();
	test_pipe_epipe_eagain();
	test_pipe_wait();
	test_pipe_cancel();
	test_pipe_atomic();
	test_poll_notify();
	test_foreign();
	test_tty_ioctl();
	test_tty_write();
	test_tty_read_modes();
	test_tty_jobctl();
	return 0;
}
