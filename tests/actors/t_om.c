// SPDX-License-Identifier: MIT
/*
 * t_om: integration tests of om, the object manager (servers/om), run
 * trusted by tinit while om serves the archive om-test.cpio (made by
 * tools/mkcpio-test.sh).  It plays pm's part: sets protection id
 * UNIX_PROTID, calls om's port with the protocol of unix/proto.h, and
 * reads, writes and maps file data through the capabilities OM_OPEN gives
 * (the nucleus page cache, om as the mapper).
 *   omstart    om's port answers (waits for om to be up); statfs
 *   omprotid   a caller without UNIX_PROTID is refused, an unknown op too,
 *              and so is a mapper call that does not come from the nucleus
 *   omtree     the archive's tree: modes, times, sizes, hard link,
 *              symbolic link, the default nodes; getdents in small batches
 *   omread     a file's data through sgRead; a forged key is refused
 *   omwrite    create, sgWrite, OM_WRITTEN, sgRead back, reopen
 *   ommap      rgnMap of an executable, K_RGN_PRIVATE: the data, zeros
 *              past the end, private writes leave the file as it was
 *   omtrunc    OM_TRUNCATE down into a page and up again, O_TRUNC; the
 *              nucleus's cached pages follow
 *   omunlink   a file unlinked while open lives until OM_CLOSE, then its
 *              key names nothing and its ino comes back with a new key
 *   omnames    mkdir, symlink, link, rename, unlink, rmdir and their errors
 *   omperm     credentials: search, read, write, sticky /tmp, chmod,
 *              chown, utimens, access
 *   ombad      bad bodies, bad inode numbers, huge sizes
 *   omthreads  four threads write, read and truncate files at once
 *   ompushout  a sparse file bigger than the memory: the nucleus pushes its
 *              pages out to om (PUSHOUT) and pulls them back (PULLIN)
 */
#include "tipc.h"
#include "../../servers/include/unix/proto.h"	/* tests/actors are built without it on the path */
#include "../../servers/include/unix/linux.h"

#define PG		K_PAGE_SIZE
#define ROOTC		UNIX_CRED(0, 0)
#define USER		UNIX_CRED(1000, 1000)
#define OTHER		UNIX_CRED(1001, 1001)
#define MTIME		1780000000L		/* of every entry of om-test.cpio */
#define PROG_SIZE	12388			/* /bin/prog: lines "0123456789abcdef\n" */
#define IPCERR(e)	(-10000 + (e))		/* an ipcCall error, apart from statuses */

static struct kui omport;
static unsigned char rbody[K_BODY_MAX];

/* One call to om: annex words w[0..7] (w[0] the op), a body; the reply's
 * words in out (if out), its body in rb (size *rn).  The status. */
static long
call(const unsigned long w[8], const void *body, unsigned long n, unsigned long *out,
     void *rb, unsigned long *rn)
{
	struct kmsg m = { 0 }, r = { 0 };
	struct kaddr to = to_port(&omport);
	long e;

	memcpy(m.annex, w, 8 * sizeof(w[0]));
	m.body = (void *)body;
	m.bodysize = n;
	r.body = rb ? rb : rbody;
	r.bodysize = K_BODY_MAX;
	if ((e = ipcCall(&m, &to, &r, 20 * SEC)) < 0)
		return IPCERR(e);
	if (out)
		memcpy(out, r.annex, 8 * sizeof(out[0]));
	if (rn)
		*rn = r.bodysize;
	return (long)r.annex[0];
}

/* A call whose body is one path. */
static long
pcall(unsigned long op, unsigned long w1, unsigned long w2, unsigned long w3,
      unsigned long cred, unsigned long w5, const char *path, unsigned long *out)
{
	const unsigned long w[8] = { op, w1, w2, w3, cred, w5 };

	return call(w, path, strlen(path) + 1, out, NULL, NULL);
}

/* A call whose body is two paths. */
static long
p2call(unsigned long op, unsigned long w1, unsigned long w2, unsigned long w3,
       unsigned long cred, const char *a, const char *b)
{
	const unsigned long w[8] = { op, w1, w2, w3, cred };
	char buf[512];
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;

	memcpy(buf, a, la);
	memcpy(buf + la, b, lb);
	return call(w, buf, la + lb, NULL, NULL, NULL);
}

static long
wcall(unsigned long op, unsigned long w1, unsigned long w2, unsigned long w3, unsigned long cred)
{
	const unsigned long w[8] = { op, w1, w2, w3, cred };

	return call(w, NULL, 0, NULL, NULL, NULL);
}

/* What OM_OPEN answered. */
struct file {
	unsigned long ino, mode, size, rdev, created;
	struct kcap cap;
};

static long
om_open(const char *path, unsigned long flags, unsigned long mode, unsigned long cred,
	struct file *f)
{
	unsigned long o[8];
	long r = pcall(OM_OPEN, OM_ROOT, flags, mode, cred, 0, path, o);

	if (r >= 0) {
		*f = (struct file){ o[1], o[2], o[3], o[4], o[7],
				    { omport, { o[5], o[6] } } };
	}
	return r;
}

static long
om_close(unsigned long ino)
{
	return wcall(OM_CLOSE, ino, 0, 0, 0);
}

static long
om_stat(const char *path, int nofollow, struct linux_stat *st)
{
	unsigned long o[8];
	long r = pcall(OM_STATAT, OM_ROOT, nofollow ? L_AT_SYMLINK_NOFOLLOW : 0, 0, ROOTC, 0,
		       path, o);

	if (r >= 0)
		memcpy(st, rbody, sizeof(*st));
	return r;
}

static long
om_fstat(unsigned long ino, struct linux_stat *st)
{
	long r = wcall(OM_STAT, ino, 0, 0, 0);

	if (r >= 0)
		memcpy(st, rbody, sizeof(*st));
	return r;
}

static unsigned char
prog_byte(unsigned long i)
{
	return (unsigned char)"0123456789abcdef\n"[i % 17];
}

static unsigned char
pat(unsigned long i, unsigned seed)
{
	return (unsigned char)(i * 31 + seed * 7 + (i >> 12));
}

static void
t_start(void)
{
	unsigned long w[8] = { OM_STATFS }, v[5];
	unsigned long n = 0;
	long r = IPCERR(K_EUNKNOWN);

	ktest_begin("omstart");
	omport = unixPort(UNIX_PORT_OM);
	for (int i = 0; i < 400; i++) {		/* om may still be unpacking */
		if ((r = call(w, NULL, 0, NULL, NULL, &n)) > -5000)	/* not an ipcCall error */
			break;
		threadSleep(25 * MS);
	}
	CHECK_EQ(r, -L_EPERM);				/* om answers; our protid is not set */
	actorSetProtId(0, UNIX_PROTID);
	CHECK_EQ(call(w, NULL, 0, NULL, NULL, &n), 0);
	CHECK_EQ(n, sizeof(v));
	memcpy(v, rbody, sizeof(v));
	CHECK(v[0] >= v[1] && v[1] > 0 && v[2] > v[3] && v[3] > 0, "statfs %lu %lu %lu %lu",
	      v[0], v[1], v[2], v[3]);
	CHECK_EQ(v[4], 0);				/* no open references yet */
	ktest_end();
}

static void
t_protid(void)
{
	unsigned long w[8] = { OM_STAT, OM_ROOT };
	struct kmapreq rq = { K_MAP_PULLIN, { 1, 2 }, 0, PG, PG, K_PROT_READ };

	ktest_begin("omprotid");
	actorSetProtId(0, 12345);
	CHECK_EQ(call(w, NULL, 0, NULL, NULL, NULL), -L_EPERM);
	actorSetProtId(0, UNIX_PROTID);
	CHECK_EQ(call(w, NULL, 0, NULL, NULL, NULL), 0);
	w[0] = 0x6f6dff;
	CHECK_EQ(call(w, NULL, 0, NULL, NULL, NULL), -K_ENOSYS);
	memcpy(w, &rq, sizeof(rq));
	CHECK_EQ(call(w, NULL, 0, NULL, NULL, NULL), -K_EPERM);
	ktest_end();
}

/* The names getdents gives for dir ino, with at most max bytes a call. */
static int
names_of(unsigned long ino, unsigned long max, char *names, size_t size)
{
	unsigned long off = 0, o[8], n;
	size_t at = 0;
	int count = 0;
	long r;

	names[0] = '\0';
	for (;;) {
		const unsigned long w[8] = { OM_GETDENTS, ino, off, max };
		if ((r = call(w, NULL, 0, o, NULL, &n)) <= 0)
			break;
		CHECK_EQ(n, r);
		for (long p = 0; p < r; ) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(rbody + p);
			size_t l = strlen(d->d_name);
			if (at + l + 2 < size) {
				memcpy(names + at, d->d_name, l);
				at += l;
				names[at++] = ' ';
				names[at] = '\0';
			}
			count++;
			p += d->d_reclen;
		}
		off = o[1];
	}
	CHECK_EQ(r, 0);
	return count;
}

static void
t_tree(void)
{
	struct linux_stat st, st2;
	struct file f;
	unsigned long o[8];
	char names[256];

	ktest_begin("omtree");
	CHECK_EQ(om_stat("/etc/motd", 0, &st), 0);
	CHECK_EQ(st.st_mode, L_S_IFREG | 0644);
	CHECK_EQ(st.st_size, 14);
	CHECK_EQ(st.st_uid, 0);
	CHECK_EQ(st.st_mtim.tv_sec, MTIME);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(om_stat("/etc/hard", 0, &st2), 0);
	CHECK_EQ(st2.st_ino, st.st_ino);
	CHECK_EQ(om_stat("/bin/sh", 1, &st), 0);
	CHECK_EQ(st.st_mode, L_S_IFLNK | 0777);
	CHECK_EQ(om_stat("/bin/sh", 0, &st2), 0);
	CHECK_EQ(st2.st_size, PROG_SIZE);
	CHECK_EQ(pcall(OM_READLINK, OM_ROOT, 0, 0, ROOTC, 0, "/bin/sh", NULL), 4);
	CHECK(memcmp(rbody, "prog", 4) == 0, "readlink gave %.4s", (char *)rbody);
	CHECK_EQ(om_stat("/home/user", 0, &st), 0);
	CHECK_EQ(st.st_mode, L_S_IFDIR | 0700);
	CHECK_EQ(om_stat("/dev/null", 0, &st), 0);
	CHECK_EQ(st.st_mode, L_S_IFCHR | 0666);
	CHECK_EQ(st.st_rdev, L_MKDEV(1, 3));
	CHECK_EQ(om_stat("/dev/console", 0, &st), 0);
	CHECK_EQ(st.st_rdev, L_MKDEV(5, 1));
	CHECK_EQ(om_stat("/tmp", 0, &st), 0);
	CHECK_EQ(st.st_mode, L_S_IFDIR | 01777);
	CHECK_EQ(om_stat("/proc", 0, &st), 0);
	CHECK_EQ(om_stat("/", 0, &st), 0);
	CHECK_EQ(st.st_ino, OM_ROOT);
	/* opening a device gives its number and no key */
	CHECK_EQ(om_open("/dev/zero", L_O_RDWR, 0, ROOTC, &f), 0);
	CHECK_EQ(f.rdev, L_MKDEV(1, 5));
	CHECK(f.cap.key[0] == 0 && f.cap.key[1] == 0, "a device has a key");
	CHECK_EQ(om_close(f.ino), 0);
	/* getdents: big and small batches */
	CHECK_EQ(om_open("/etc", L_O_RDONLY | L_O_DIRECTORY, 0, ROOTC, &f), 0);
	CHECK_EQ(names_of(f.ino, 4096, names, sizeof(names)), 6);
	CHECK(strcmp(names, ". .. hard motd passwd shadow ") == 0, "/etc: %s", names);
	CHECK_EQ(names_of(f.ino, 32, names, sizeof(names)), 6);
	CHECK(strcmp(names, ". .. hard motd passwd shadow ") == 0, "/etc by 32: %s", names);
	const unsigned long w[8] = { OM_GETDENTS, f.ino, 0, 16 };
	CHECK_EQ(call(w, NULL, 0, o, NULL, NULL), -L_EINVAL);
	CHECK_EQ(om_close(f.ino), 0);
	ktest_end();
}

static void
t_read(void)
{
	char buf[64];
	struct file f;
	struct kcap bad;

	ktest_begin("omread");
	CHECK_EQ(om_open("/etc/motd", L_O_RDONLY, 0, USER, &f), 0);
	CHECK_EQ(f.size, 14);
	CHECK_EQ(f.created, 0);
	CHECK(uiEqual(&f.cap.port, &omport) && (f.cap.key[0] || f.cap.key[1]), "no key");
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(sgRead(&f.cap, 0, buf, 14), 14);
	CHECK(memcmp(buf, "hello from om\n", 14) == 0, "read %.14s", buf);
	CHECK_EQ(sgRead(&f.cap, 14, buf, 20), 20);	/* past the end: zeros */
	CHECK(buf[0] == 0 && buf[19] == 0, "past the end %d %d", buf[0], buf[19]);
	bad = f.cap;
	bad.key[1] ^= 1;
	CHECK_EQ(sgRead(&bad, 0, buf, 8), -K_EPERM);
	bad = f.cap;
	bad.key[0] += 1;
	CHECK_EQ(sgRead(&bad, 0, buf, 8), -K_EPERM);
	CHECK_EQ(om_close(f.ino), 0);
	ktest_end();
}

static unsigned char big[4 * PG + 100], back[4 * PG + 100];

static void
t_write(void)
{
	struct file f, g;
	struct linux_stat st;
	unsigned long n = sizeof(big);

	ktest_begin("omwrite");
	CHECK_EQ(om_open("/tmp/w", L_O_CREAT | L_O_EXCL | L_O_RDWR, 0640, USER, &f), 0);
	CHECK_EQ(f.created, 1);
	CHECK_EQ(f.mode, L_S_IFREG | 0640);
	CHECK_EQ(f.size, 0);
	for (unsigned long i = 0; i < n; i++)
		big[i] = pat(i, 1);
	CHECK_EQ(sgWrite(&f.cap, 0, big, n), n);
	CHECK_EQ(wcall(OM_WRITTEN, f.ino, n, 0, 0), 0);
	CHECK_EQ(wcall(OM_WRITTEN, f.ino, 10, 0, 0), 0);	/* never below */
	CHECK_EQ(om_fstat(f.ino, &st), 0);
	CHECK_EQ(st.st_size, n);
	CHECK_EQ(st.st_uid, 1000);
	CHECK_EQ(sgRead(&f.cap, 0, back, n), n);
	CHECK(memcmp(big, back, n) == 0, "read back differs");
	CHECK_EQ(om_open("/tmp/w", L_O_RDONLY, 0, USER, &g), 0);
	CHECK(g.ino == f.ino && g.cap.key[0] == f.cap.key[0] && g.cap.key[1] == f.cap.key[1],
	      "reopened: another key");
	CHECK_EQ(g.size, n);
	CHECK_EQ(om_open("/tmp/w", L_O_CREAT | L_O_EXCL | L_O_RDWR, 0640, USER, &g), -L_EEXIST);
	CHECK_EQ(om_close(f.ino), 0);
	CHECK_EQ(om_close(f.ino), 0);
	CHECK_EQ(om_close(f.ino), -L_EBADF);
	ktest_end();
}

static void
t_map(void)
{
	struct file f;
	struct krgn r;
	unsigned char buf[16];
	volatile unsigned char *p;
	long e;

	ktest_begin("ommap");
	CHECK_EQ(om_open("/bin/sh", L_O_RDONLY | OM_O_EXEC, 0, USER, &f), 0);
	CHECK_EQ(f.size, PROG_SIZE);
	r = (struct krgn){ .size = 4 * PG, .prot = K_PROT_READ | K_PROT_WRITE | K_RGN_PRIVATE,
			   .seg = f.cap, .offset = 0 };
	e = rgnMap(0, &r);
	CHECK(!K_IS_ERR(e) && r.addr, "rgnMap: %s", kerrName(e));
	if (!K_IS_ERR(e) && r.addr) {
		p = (volatile unsigned char *)r.addr;
		int bad = 0;
		for (unsigned long i = 0; i < 4 * PG; i += 97)
			bad += p[i] != (i < PROG_SIZE ? prog_byte(i) : 0);
		CHECK_EQ(bad, 0);
		CHECK_EQ(p[PROG_SIZE - 1], prog_byte(PROG_SIZE - 1));
		CHECK_EQ(p[PROG_SIZE], 0);
		p[5] = 'X';				/* a private copy */
		p[PG + 5] = 'Y';
		CHECK_EQ(p[5], 'X');
		CHECK_EQ(sgRead(&f.cap, 0, buf, 8), 8);
		CHECK_EQ(buf[5], prog_byte(5));
		CHECK_EQ(rgnUnmap(0, (void *)r.addr, 4 * PG), K_OK);
	}
	CHECK_EQ(om_close(f.ino), 0);
	CHECK_EQ(om_open("/etc/motd", L_O_RDONLY | OM_O_EXEC, 0, ROOTC, &f), -L_EACCES);
	CHECK_EQ(om_open("/bin", L_O_RDONLY | OM_O_EXEC, 0, ROOTC, &f), -L_EACCES);
	ktest_end();
}

/* Checks that the file reads pat(.., seed) up to `data` and zeros on to `end`. */
static void
expect_data(const struct kcap *c, unsigned long data, unsigned long end, unsigned seed)
{
	int bad = -1;

	CHECK_EQ(sgRead(c, 0, back, end), end);
	for (unsigned long i = 0; i < end && bad < 0; i++)
		if (back[i] != (i < data ? pat(i, seed) : 0))
			bad = (int)i;
	CHECK(bad < 0, "byte %d is %#x (data to %lu, zeros to %lu)", bad, bad < 0 ? 0 : back[bad],
	      data, end);
}

static void
t_trunc(void)
{
	struct file f, g;
	struct linux_stat st;
	unsigned long n = 4 * PG;

	ktest_begin("omtrunc");
	CHECK_EQ(om_open("/tmp/t", L_O_CREAT | L_O_RDWR, 0644, USER, &f), 0);
	for (unsigned long i = 0; i < n; i++)
		big[i] = pat(i, 2);
	CHECK_EQ(sgWrite(&f.cap, 0, big, n), n);
	CHECK_EQ(wcall(OM_WRITTEN, f.ino, n, 0, 0), 0);
	expect_data(&f.cap, n, n, 2);
	CHECK_EQ(wcall(OM_TRUNCATE, f.ino, PG + 1000, 0, USER), 0);
	CHECK_EQ(om_fstat(f.ino, &st), 0);
	CHECK_EQ(st.st_size, PG + 1000);
	expect_data(&f.cap, PG + 1000, n, 2);
	CHECK_EQ(wcall(OM_TRUNCATE, f.ino, 3 * PG + 5, 0, USER), 0);	/* up: zeros */
	CHECK_EQ(om_fstat(f.ino, &st), 0);
	CHECK_EQ(st.st_size, 3 * PG + 5);
	expect_data(&f.cap, PG + 1000, n, 2);
	CHECK_EQ(wcall(OM_TRUNCATE, f.ino, 100, 0, OTHER), -L_EACCES);
	CHECK_EQ(wcall(OM_TRUNCATE, OM_ROOT, 100, 0, ROOTC), -L_EISDIR);
	CHECK_EQ(wcall(OM_TRUNCATE, f.ino, 1UL << 50, 0, ROOTC), -L_EFBIG);
	CHECK_EQ(wcall(OM_TRUNCATE, f.ino, -5UL, 0, ROOTC), -L_EINVAL);
	/* O_TRUNC: the data goes before the answer */
	CHECK_EQ(sgWrite(&f.cap, 0, big, n), n);
	CHECK_EQ(wcall(OM_WRITTEN, f.ino, n, 0, 0), 0);
	CHECK_EQ(om_open("/tmp/t", L_O_WRONLY | L_O_TRUNC, 0, USER, &g), 0);
	CHECK_EQ(g.size, 0);
	CHECK_EQ(om_fstat(f.ino, &st), 0);
	CHECK_EQ(st.st_size, 0);
	expect_data(&f.cap, 0, n, 2);
	CHECK_EQ(om_close(g.ino), 0);
	CHECK_EQ(om_close(f.ino), 0);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, 0, 0, USER, 0, "/tmp/t", NULL), 0);
	ktest_end();
}

static void
t_unlink(void)
{
	struct file f, g;
	struct linux_stat st;
	char buf[8];
	long r = 0;

	ktest_begin("omunlink");
	CHECK_EQ(om_open("/tmp/u", L_O_CREAT | L_O_RDWR, 0600, USER, &f), 0);
	CHECK_EQ(sgWrite(&f.cap, 0, "data", 4), 4);
	CHECK_EQ(wcall(OM_WRITTEN, f.ino, 4, 0, 0), 0);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, 0, 0, USER, 0, "/tmp/u", NULL), 0);
	CHECK_EQ(om_stat("/tmp/u", 0, &st), -L_ENOENT);
	CHECK_EQ(om_fstat(f.ino, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(st.st_size, 4);
	CHECK_EQ(sgRead(&f.cap, 0, buf, 4), 4);
	CHECK(memcmp(buf, "data", 4) == 0, "data of the unlinked file");
	CHECK_EQ(om_close(f.ino), 0);
	CHECK_EQ(om_fstat(f.ino, &st), -L_ENOENT);
	/* the cached pages go (om's worker), then the key names nothing */
	for (int i = 0; i < 100 && (r = sgRead(&f.cap, 0, buf, 4)) == 4; i++)
		threadSleep(10 * MS);
	CHECK_EQ(r, -K_EIO);
	/* the ino comes back with another key */
	for (int i = 0; i < 200; i++) {
		char name[16];
		ksnprintf(name, sizeof(name), "/tmp/r%d", i);
		if (om_open(name, L_O_CREAT | L_O_RDWR, 0600, USER, &g) < 0)
			break;
		om_close(g.ino);
		pcall(OM_UNLINK, OM_ROOT, 0, 0, USER, 0, name, NULL);
		if (g.ino == f.ino) {
			CHECK(g.cap.key[0] != f.cap.key[0] || g.cap.key[1] != f.cap.key[1],
			      "same key for a new node");
			break;
		}
	}
	ktest_end();
}

static void
t_names(void)
{
	struct linux_stat st, st2;
	char deep[300];

	ktest_begin("omnames");
	CHECK_EQ(pcall(OM_MKDIR, OM_ROOT, 0, 0755, ROOTC, 0, "/d", NULL), 0);
	CHECK_EQ(pcall(OM_MKDIR, OM_ROOT, 0, 0755, ROOTC, 0, "/d", NULL), -L_EEXIST);
	CHECK_EQ(pcall(OM_MKDIR, OM_ROOT, 0, 0755, ROOTC, 0, "/d/sub", NULL), 0);
	CHECK_EQ(pcall(OM_MKDIR, OM_ROOT, 0, 0755, ROOTC, 0, "/nope/x", NULL), -L_ENOENT);
	CHECK_EQ(pcall(OM_MKDIR, OM_ROOT, 0, 0755, ROOTC, 0, "/etc/motd/x", NULL), -L_ENOTDIR);
	CHECK_EQ(pcall(OM_MKNOD, OM_ROOT, 0, L_S_IFIFO | 0644, ROOTC, 0, "/d/fifo", NULL), 0);
	CHECK_EQ(om_stat("/d/fifo", 0, &st), 0);
	CHECK_EQ(st.st_mode, L_S_IFIFO | 0644);
	CHECK_EQ(pcall(OM_MKNOD, OM_ROOT, 0, L_S_IFCHR | 0600, ROOTC, L_MKDEV(4, 1), "/d/tty1",
		       NULL), 0);
	CHECK_EQ(om_stat("/d/tty1", 0, &st), 0);
	CHECK_EQ(st.st_rdev, L_MKDEV(4, 1));
	/* relative to a directory */
	CHECK_EQ(om_stat("/d", 0, &st), 0);
	CHECK_EQ(pcall(OM_MKDIR, st.st_ino, 0, 0700, ROOTC, 0, "rel", NULL), 0);
	CHECK_EQ(om_stat("/d/rel", 0, &st2), 0);
	CHECK_EQ(st2.st_mode, L_S_IFDIR | 0700);
	/* symbolic links */
	CHECK_EQ(p2call(OM_SYMLINK, OM_ROOT, 0, 0, ROOTC, "/d/loop2", "/d/loop1"), 0);
	CHECK_EQ(p2call(OM_SYMLINK, OM_ROOT, 0, 0, ROOTC, "/d/loop1", "/d/loop2"), 0);
	CHECK_EQ(om_stat("/d/loop1", 0, &st), -L_ELOOP);
	CHECK_EQ(om_stat("/d/loop1", 1, &st), 0);
	CHECK_EQ(p2call(OM_SYMLINK, OM_ROOT, 0, 0, ROOTC, "../etc", "/d/etc"), 0);
	CHECK_EQ(om_stat("/d/etc/motd", 0, &st), 0);
	CHECK_EQ(st.st_size, 14);
	/* hard links */
	CHECK_EQ(p2call(OM_LINK, OM_ROOT, OM_ROOT, 0, ROOTC, "/etc/passwd", "/d/pw"), 0);
	CHECK_EQ(om_stat("/etc/passwd", 0, &st), 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(p2call(OM_LINK, OM_ROOT, OM_ROOT, 0, ROOTC, "/d", "/d2"), -L_EPERM);
	CHECK_EQ(p2call(OM_LINK, OM_ROOT, OM_ROOT, L_AT_SYMLINK_FOLLOW, ROOTC, "/d/etc",
			"/d/etc2"), -L_EPERM);
	/* rename */
	CHECK_EQ(p2call(OM_RENAME, OM_ROOT, OM_ROOT, 0, ROOTC, "/d/pw", "/d/sub/pw2"), 0);
	CHECK_EQ(om_stat("/d/sub/pw2", 0, &st2), 0);
	CHECK_EQ(st2.st_ino, st.st_ino);
	CHECK_EQ(p2call(OM_RENAME, OM_ROOT, OM_ROOT, 0, ROOTC, "/d", "/d/sub/in"), -L_EINVAL);
	CHECK_EQ(p2call(OM_RENAME, OM_ROOT, OM_ROOT, 0, ROOTC, "/d/rel", "/d/sub"), -L_ENOTEMPTY);
	CHECK_EQ(p2call(OM_RENAME, OM_ROOT, OM_ROOT, 0, ROOTC, "/d/fifo", "/d/sub"), -L_EISDIR);
	CHECK_EQ(p2call(OM_RENAME, OM_ROOT, OM_ROOT, 0, ROOTC, "/d/sub", "/d/fifo"), -L_ENOTDIR);
	CHECK_EQ(p2call(OM_RENAME, OM_ROOT, OM_ROOT, 0, ROOTC, "/d/nope", "/d/x"), -L_ENOENT);
	CHECK_EQ(p2call(OM_RENAME, OM_ROOT, OM_ROOT, 0, ROOTC, "/d/sub", "/d/rel"), 0);
	CHECK_EQ(om_stat("/d/rel/pw2", 0, &st2), 0);
	/* unlink, rmdir */
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, L_AT_REMOVEDIR, 0, ROOTC, 0, "/d/rel", NULL),
		 -L_ENOTEMPTY);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, 0, 0, ROOTC, 0, "/d/rel", NULL), -L_EISDIR);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, L_AT_REMOVEDIR, 0, ROOTC, 0, "/d/fifo", NULL),
		 -L_ENOTDIR);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, 0, 0, ROOTC, 0, "/d/rel/pw2", NULL), 0);
	CHECK_EQ(om_stat("/etc/passwd", 0, &st), 0);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, L_AT_REMOVEDIR, 0, ROOTC, 0, "/d/rel", NULL), 0);
	/* a component of 256 bytes */
	memset(deep, 'n', sizeof(deep));
	deep[0] = '/';
	deep[257] = '\0';
	CHECK_EQ(pcall(OM_MKDIR, OM_ROOT, 0, 0755, ROOTC, 0, deep, NULL), -L_ENAMETOOLONG);
	deep[256] = '\0';
	CHECK_EQ(pcall(OM_MKDIR, OM_ROOT, 0, 0755, ROOTC, 0, deep, NULL), 0);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, L_AT_REMOVEDIR, 0, ROOTC, 0, deep, NULL), 0);
	ktest_end();
}

static void
t_perm(void)
{
	struct file f;
	struct linux_stat st;

	ktest_begin("omperm");
	CHECK_EQ(om_open("/etc/shadow", L_O_RDONLY, 0, USER, &f), -L_EACCES);
	CHECK_EQ(om_open("/etc/shadow", L_O_RDONLY, 0, ROOTC, &f), 0);
	CHECK_EQ(om_close(f.ino), 0);
	CHECK_EQ(om_open("/home/user/x", L_O_CREAT | L_O_RDWR, 0644, USER, &f), -L_EACCES);
	CHECK_EQ(om_open("/etc/new", L_O_CREAT | L_O_RDWR, 0644, USER, &f), -L_EACCES);
	CHECK_EQ(om_open("/etc/motd", L_O_WRONLY, 0, USER, &f), -L_EACCES);
	CHECK_EQ(pcall(OM_ACCESS, OM_ROOT, L_R_OK, 0, USER, 0, "/etc/motd", NULL), 0);
	CHECK_EQ(pcall(OM_ACCESS, OM_ROOT, L_W_OK, 0, USER, 0, "/etc/motd", NULL), -L_EACCES);
	CHECK_EQ(pcall(OM_ACCESS, OM_ROOT, L_X_OK, 0, USER, 0, "/bin/sh", NULL), 0);
	CHECK_EQ(pcall(OM_ACCESS, OM_ROOT, L_F_OK, 0, USER, 0, "/home/user/x", NULL), -L_EACCES);
	/* chown the home to the user: then it is theirs */
	CHECK_EQ(om_stat("/home/user", 0, &st), 0);
	CHECK_EQ(wcall(OM_CHOWN, st.st_ino, 1000, 1000, USER), -L_EPERM);
	CHECK_EQ(wcall(OM_CHOWN, st.st_ino, 1000, 1000, ROOTC), 0);
	CHECK_EQ(om_open("/home/user/x", L_O_CREAT | L_O_RDWR, 0644, USER, &f), 0);
	CHECK_EQ(om_close(f.ino), 0);
	CHECK_EQ(om_open("/home/user/x", L_O_RDONLY, 0, OTHER, &f), -L_EACCES);
	CHECK_EQ(wcall(OM_CHMOD, st.st_ino, 0, 0755, OTHER), -L_EPERM);
	CHECK_EQ(wcall(OM_CHMOD, st.st_ino, 0, 0755, USER), 0);
	CHECK_EQ(om_open("/home/user/x", L_O_RDONLY, 0, OTHER, &f), 0);
	CHECK_EQ(om_close(f.ino), 0);
	/* sticky /tmp */
	CHECK_EQ(om_open("/tmp/mine", L_O_CREAT | L_O_RDWR, 0666, USER, &f), 0);
	CHECK_EQ(om_close(f.ino), 0);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, 0, 0, OTHER, 0, "/tmp/mine", NULL), -L_EPERM);
	CHECK_EQ(p2call(OM_RENAME, OM_ROOT, OM_ROOT, 0, OTHER, "/tmp/mine", "/tmp/his"), -L_EPERM);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, 0, 0, USER, 0, "/tmp/mine", NULL), 0);
	/* utimens */
	CHECK_EQ(om_stat("/etc/motd", 0, &st), 0);
	CHECK_EQ(wcall(OM_UTIMENS, st.st_ino, 5000000000L, -2, USER), -L_EPERM);
	CHECK_EQ(wcall(OM_UTIMENS, st.st_ino, 5000000000L, -2, ROOTC), 0);
	CHECK_EQ(om_stat("/etc/motd", 0, &st), 0);
	CHECK_EQ(st.st_atim.tv_sec, 5);
	CHECK_EQ(st.st_mtim.tv_sec, MTIME);
	CHECK_EQ(wcall(OM_UTIMENS, st.st_ino, -2, -1, ROOTC), 0);	/* now: after the archive */
	CHECK_EQ(om_stat("/etc/motd", 0, &st), 0);
	CHECK(st.st_mtim.tv_sec >= MTIME && st.st_mtim.tv_sec < MTIME + 3600, "now is %ld",
	      (long)st.st_mtim.tv_sec);
	ktest_end();
}

static unsigned char junk[5000];

static void
t_bad(void)
{
	unsigned long w[8] = { OM_STATAT, OM_ROOT, 0, 0, ROOTC };
	struct linux_stat st;
	struct kmsg m = { 0 };

	ktest_begin("ombad");
	memset(junk, 'a', sizeof(junk));
	CHECK_EQ(call(w, junk, 10, NULL, NULL, NULL), -L_EINVAL);	/* no NUL */
	CHECK_EQ(call(w, junk, sizeof(junk), NULL, NULL, NULL), -L_ENAMETOOLONG);
	CHECK_EQ(call(w, NULL, 0, NULL, NULL, NULL), -L_EINVAL);
	CHECK_EQ(call(w, "", 1, NULL, NULL, NULL), -L_ENOENT);
	w[0] = OM_RENAME;
	CHECK_EQ(call(w, "/etc/motd", 10, NULL, NULL, NULL), -L_EINVAL);	/* one path of two */
	CHECK_EQ(om_fstat(999999, &st), -L_ENOENT);
	CHECK_EQ(om_fstat(0, &st), -L_ENOENT);
	CHECK_EQ(om_fstat(~0UL, &st), -L_ENOENT);
	CHECK_EQ(om_close(12345678), -L_EBADF);
	CHECK_EQ(pcall(OM_STATAT, 999999, 0, 0, ROOTC, 0, "x", NULL), -L_EBADF);
	CHECK_EQ(pcall(OM_OPEN, OM_ROOT, ~0UL & ~(L_O_PATH | L_O_CREAT), 0, ROOTC, 0,
		       "/etc/motd", NULL), -L_ENOTDIR);			/* all flags */
	CHECK_EQ(wcall(OM_WRITTEN, OM_ROOT, 10, 0, 0), -L_EINVAL);
	CHECK_EQ(wcall(OM_WRITTEN, 999999, 10, 0, 0), -L_ENOENT);
	CHECK_EQ(wcall(OM_CHMOD, 999999, 0, 0, ROOTC), -L_ENOENT);
	CHECK_EQ(wcall(OM_GETDENTS, OM_ROOT, ~0UL, 4096, 0), 0);
	CHECK(wcall(OM_GETDENTS, OM_ROOT, 0, ~0UL, 0) > 0, "getdents with ~0 bytes");
	CHECK_EQ(pcall(OM_ACCESS, OM_ROOT, 8, 0, ROOTC, 0, "/", NULL), -L_EINVAL);
	/* a one-way close: no answer, and om goes on */
	struct file f;
	CHECK_EQ(om_open("/etc/motd", L_O_RDONLY, 0, ROOTC, &f), 0);
	m.annex[0] = OM_CLOSE;
	m.annex[1] = f.ino;
	struct kaddr to = to_port(&omport);
	CHECK_EQ(ipcSend(&m, &to), K_OK);
	CHECK_EQ(om_fstat(f.ino, &st), 0);
	ktest_end();
}

/* omthreads: each thread works on its own file. */
#define NT	4
#define ROUNDS	30
static volatile long tdone, tbad;

static void
worker(void *arg)
{
	unsigned long k = (unsigned long)arg;
	unsigned char *buf = malloc(3 * PG), *rd = malloc(3 * PG);
	char name[16];
	struct file f;
	long bad = 0;

	ksnprintf(name, sizeof(name), "/tmp/th%lu", k);
	if (!buf || !rd || om_open(name, L_O_CREAT | L_O_RDWR, 0600, USER, &f) < 0) {
		__atomic_add_fetch(&tbad, 1000, __ATOMIC_RELAXED);
		goto out;
	}
	for (int r = 0; r < ROUNDS; r++) {
		unsigned long n = PG + (unsigned long)r * 200 + k;
		for (unsigned long i = 0; i < n; i++)
			buf[i] = pat(i, (unsigned)(k * 100 + (unsigned long)r));
		bad += sgWrite(&f.cap, 0, buf, n) != (long)n;
		bad += wcall(OM_WRITTEN, f.ino, n, 0, 0) != 0;
		bad += sgRead(&f.cap, 0, rd, n) != (long)n || memcmp(buf, rd, n) != 0;
		bad += wcall(OM_TRUNCATE, f.ino, n / 2, 0, USER) != 0;
		bad += sgRead(&f.cap, 0, rd, n) != (long)n;
		for (unsigned long i = n / 2; i < n; i++)
			bad += rd[i] != 0;
	}
	om_close(f.ino);
	pcall(OM_UNLINK, OM_ROOT, 0, 0, USER, 0, name, NULL);
out:
	__atomic_add_fetch(&tbad, bad, __ATOMIC_RELAXED);
	__atomic_add_fetch(&tdone, 1, __ATOMIC_RELEASE);
}

static void
t_threads(void)
{
	ktest_begin("omthreads");
	for (unsigned long k = 0; k < NT; k++)
		CHECK(threadStart(worker, (void *)k, 0, 32 * 1024) >= 0, "threadStart");
	for (int i = 0; i < 3000 && __atomic_load_n(&tdone, __ATOMIC_ACQUIRE) < NT; i++)
		threadSleep(10 * MS);
	CHECK_EQ(tdone, NT);
	CHECK_EQ(tbad, 0);
	ktest_end();
}

/* om's pages of file data (statfs: blocks - free blocks). */
static long
om_pages(void)
{
	const unsigned long w[8] = { OM_STATFS };
	unsigned long v[4];

	if (call(w, NULL, 0, NULL, NULL, NULL) < 0)
		return -1;
	memcpy(v, rbody, sizeof(v));
	return (long)(v[0] - v[1]);
}

static unsigned char chunk[16 * PG];

/* The big file: one page in four has data, the others are zeros (which om
 * keeps as holes), so that it can be bigger than the memory. */
static unsigned long
word_at(unsigned long off)
{
	return (off / PG) % 4 ? 0 : off * 0x9e3779b97f4a7c15UL | 1;
}

static void
t_pushout(void)
{
	struct ksysinfo si;
	struct file f;
	unsigned long size, off;
	long before, after, bad = 0, r = 0;

	ktest_begin("ompushout");
	sysInfo(&si);
	size = si.pages_free * PG / 2 * 3 / sizeof(chunk) * sizeof(chunk);
	before = om_pages();
	CHECK_EQ(om_open("/tmp/big", L_O_CREAT | L_O_RDWR, 0600, USER, &f), 0);
	for (off = 0; off < size && r >= 0; off += sizeof(chunk)) {
		for (unsigned long i = 0; i < sizeof(chunk); i += 8)
			*(unsigned long *)(chunk + i) = word_at(off + i);
		r = sgWrite(&f.cap, off, chunk, sizeof(chunk));
	}
	CHECK(r >= 0, "sgWrite at %#lx: %s", off, kerrName(r));
	CHECK_EQ(wcall(OM_WRITTEN, f.ino, size, 0, 0), 0);
	after = om_pages();
	CHECK(after - before > (long)(size / PG / 16), "om got %ld pages of %lu", after - before,
	      size / PG / 4);
	for (off = 0; off < size && r >= 0; off += sizeof(chunk)) {
		r = sgRead(&f.cap, off, chunk, sizeof(chunk));
		for (unsigned long i = 0; i < sizeof(chunk); i += 8)
			bad += *(unsigned long *)(chunk + i) != word_at(off + i);
	}
	CHECK(r >= 0, "sgRead at %#lx: %s", off, kerrName(r));
	CHECK_EQ(bad, 0);
	CHECK_EQ(pcall(OM_UNLINK, OM_ROOT, 0, 0, USER, 0, "/tmp/big", NULL), 0);
	CHECK_EQ(om_close(f.ino), 0);
	ktest_end();
}

int
main(int argc, char **argv)
{
	t_start();
	t_protid();
	t_tree();
	t_read();
	t_write();
	t_map();
	t_trunc();
	t_unlink();
	t_names();
	t_perm();
	t_bad();
	t_threads();
	t_pushout();
	return 0;
}
