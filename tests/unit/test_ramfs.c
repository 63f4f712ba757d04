// SPDX-License-Identifier: MIT
/*
 * Unit tests of om's RAM file system core (servers/om: ramfs.c, walk.c,
 * names.c, rename.c, attr.c, cpio.c, fdata.c): path walking, symbolic
 * links, permissions, open flags, unlink/rename/link edge cases, nodes
 * that outlive their names, getdents offsets, attributes, file data
 * pages, and newc archives, both made here byte by byte and made by the
 * cpio program from a temporary tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "../../servers/om/ramfs.h"

#define ROOT	1UL
#define DAY	(86400L * 1000000000L)

static struct rfs fs;
static int64_t clock_ns = 1000;
static const struct rcred root = { 0, 0 }, alice = { 1000, 100 }, bob = { 1001, 100 },
			  carol = { 1002, 200 };
static unsigned long freed_ino, freed_count;
static unsigned freed_gen;
static long pages_out;

void *
pageAlloc(void)
{
	void *p = NULL;

	if (posix_memalign(&p, FDATA_PAGE, FDATA_PAGE))
		return NULL;
	pages_out++;
	return p;
}

void
pageFree(void *p)
{
	pages_out--;
	free(p);
}

static int64_t
now(void)
{
	return clock_ns += 1000;
}

static void
on_freed(void *ctx, unsigned long ino, unsigned gen)
{
	freed_ino = ino;
	freed_gen = gen;
	freed_count++;
}

static int
setup(void **state)
{
	assert_int_equal(rfsInit(&fs, now), 0);
	fs.freed = on_freed;
	freed_count = 0;
	return 0;
}

/* Frees every node (the test's leak check). */
static int
teardown(void **state)
{
	for (unsigned long i = 0; i < fs.icap; i++) {
		struct rnode *n = fs.itab[i];
		if (!n)
			continue;
		while (n->ents) {
			struct rdirent *e = n->ents;
			n->ents = e->next;
			free(e);
		}
		fdataFree(&n->data);
		free(n->target);
		free(n);
	}
	free(fs.itab);
	free(fs.igen);
	assert_int_equal(pages_out, 0);
	return 0;
}

/* Helpers: open and close, the ino a path names (or the error). */
static long
opn(const char *path, unsigned long flags, unsigned mode, const struct rcred *c)
{
	struct ropen o;
	long r = rfsOpen(&fs, ROOT, path, flags, mode, c, &o);

	if (r < 0)
		return r;
	assert_int_equal(rfsClose(&fs, o.node->ino), 0);
	return (long)o.node->ino;
}

static long
ino_of(const char *path)
{
	struct linux_stat st;
	long r = rfsStatAt(&fs, ROOT, path, 1, &root, &st);

	return r < 0 ? r : (long)st.st_ino;
}

static struct linux_stat
stat_of(const char *path)
{
	struct linux_stat st;

	assert_int_equal(rfsStatAt(&fs, ROOT, path, 1, &root, &st), 0);
	return st;
}

static void
put_file(const char *path, const char *data, const struct rcred *c)
{
	struct ropen o;

	assert_int_equal(rfsOpen(&fs, ROOT, path, L_O_CREAT | L_O_WRONLY, 0644, c, &o), 0);
	assert_int_equal(fdataWrite(&o.node->data, 0, data, strlen(data)), 0);
	o.node->size = strlen(data);
	rfsClose(&fs, o.node->ino);
}

static void
test_root_and_create(void **state)
{
	struct linux_stat st = stat_of("/");
	struct ropen o;

	assert_int_equal(st.st_ino, 1);
	assert_true(L_S_ISTYPE(st.st_mode, L_S_IFDIR));
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(rfsMkdir(&fs, ROOT, "a", 0755, &root), 0);
	assert_int_equal(stat_of("/").st_nlink, 3);
	assert_int_equal(rfsMkdir(&fs, ROOT, "a", 0755, &root), -L_EEXIST);
	assert_int_equal(rfsMkdir(&fs, ROOT, "a/b/c", 0755, &root), -L_ENOENT);
	assert_int_equal(rfsMkdir(&fs, ROOT, "a/b/", 0700, &root), 0);
	assert_int_equal(rfsOpen(&fs, ROOT, "a/f", L_O_CREAT | L_O_RDWR, 0640, &alice, &o), -L_EACCES);
	assert_int_equal(rfsOpen(&fs, ROOT, "/a/f", L_O_CREAT | L_O_RDWR, 0640, &root, &o), 0);
	assert_int_equal(o.created, 1);
	assert_int_equal(o.node->mode, L_S_IFREG | 0640);
	assert_int_equal(rfsClose(&fs, o.node->ino), 0);
	assert_int_equal(rfsClose(&fs, o.node->ino), -L_EBADF);
	assert_int_equal(rfsOpen(&fs, ROOT, "a/f", L_O_CREAT | L_O_RDWR, 0, &root, &o), 0);
	assert_int_equal(o.created, 0);
	rfsClose(&fs, o.node->ino);
	assert_int_equal(opn("a/f", L_O_CREAT | L_O_EXCL | L_O_RDWR, 0, &root), -L_EEXIST);
	assert_int_equal(opn("a/f/x", L_O_RDONLY, 0, &root), -L_ENOTDIR);
	assert_int_equal(opn("a/f/", L_O_RDONLY, 0, &root), -L_ENOTDIR);
	assert_int_equal(opn("a/g/", L_O_CREAT | L_O_RDWR, 0644, &root), -L_EISDIR);
	assert_int_equal(opn("a", L_O_RDWR, 0, &root), -L_EISDIR);
	assert_int_equal(opn("a", L_O_CREAT | L_O_RDONLY, 0, &root), -L_EISDIR);
	assert_int_equal(opn("a/f", L_O_RDONLY | L_O_DIRECTORY, 0, &root), -L_ENOTDIR);
	assert_true(opn("a/", L_O_RDONLY | L_O_DIRECTORY, 0, &root) > 0);
	assert_int_equal(opn("", L_O_RDONLY, 0, &root), -L_ENOENT);
	/* relative to a directory ino; a file ino as the directory */
	assert_int_equal(rfsOpen(&fs, (unsigned long)ino_of("a"), "f", L_O_RDONLY, 0, &root, &o), 0);
	rfsClose(&fs, o.node->ino);
	assert_int_equal(rfsOpen(&fs, (unsigned long)ino_of("a/f"), "x", 0, 0, &root, &o), -L_ENOTDIR);
	assert_int_equal(rfsOpen(&fs, 999, "x", 0, 0, &root, &o), -L_EBADF);
	assert_int_equal(rfsOpen(&fs, 999, "/a/f", 0, 0, &root, &o), 0);	/* absolute: dir unused */
	rfsClose(&fs, o.node->ino);
	assert_int_equal(ino_of("/a/./b/../f"), ino_of("a/f"));
	assert_int_equal(ino_of("/../../a//f"), ino_of("a/f"));
}

static void
test_permissions(void **state)
{
	struct ropen o;

	assert_int_equal(rfsMkdir(&fs, ROOT, "home", 0755, &root), 0);
	assert_int_equal(rfsMkdir(&fs, ROOT, "home/alice", 0700, &root), 0);
	assert_int_equal(rfsChown(&fs, (unsigned long)ino_of("home/alice"), 1000, 100, &root), 0);
	put_file("home/alice/note", "hi", &alice);
	assert_int_equal(stat_of("home/alice/note").st_uid, 1000);
	/* search permission on the way */
	assert_int_equal(opn("home/alice/note", L_O_RDONLY, 0, &bob), -L_EACCES);
	assert_int_equal(rfsAccess(&fs, ROOT, "home/alice/note", L_F_OK, 0, &bob), -L_EACCES);
	assert_int_equal(rfsAccess(&fs, ROOT, "home/alice/note", L_R_OK | L_W_OK, 0, &alice), 0);
	assert_int_equal(rfsAccess(&fs, ROOT, "home/alice/note", L_X_OK, 0, &alice), -L_EACCES);
	assert_int_equal(rfsAccess(&fs, ROOT, "home/alice/note", 8, 0, &alice), -L_EINVAL);
	assert_int_equal(rfsChmod(&fs, (unsigned long)ino_of("home/alice"), 0750, &alice), 0);
	/* group bits for bob (gid 100 = alice's group), other bits for carol */
	assert_int_equal(rfsChmod(&fs, (unsigned long)ino_of("home/alice/note"), 0640, &alice), 0);
	assert_true(opn("home/alice/note", L_O_RDONLY, 0, &bob) > 0);
	assert_int_equal(opn("home/alice/note", L_O_WRONLY, 0, &bob), -L_EACCES);
	assert_int_equal(opn("home/alice/note", L_O_RDONLY | L_O_TRUNC, 0, &bob), -L_EACCES);
	assert_int_equal(opn("home/alice/note", L_O_RDONLY, 0, &carol), -L_EACCES);
	assert_true(opn("home/alice/note", L_O_RDWR, 0, &root) > 0);
	/* O_PATH needs no permission on the node itself */
	assert_true(opn("home/alice/note", L_O_PATH, 0, &bob) > 0);
	/* execute: root needs an x bit, directories and devices never run */
	assert_int_equal(opn("home/alice/note", L_O_RDONLY | RFS_OPEN_EXEC, 0, &root), -L_EACCES);
	assert_int_equal(rfsChmod(&fs, (unsigned long)ino_of("home/alice/note"), 0710, &alice), 0);
	assert_true(opn("home/alice/note", L_O_RDONLY | RFS_OPEN_EXEC, 0, &root) > 0);
	assert_int_equal(opn("home/alice/note", L_O_RDONLY | RFS_OPEN_EXEC, 0, &bob), -L_EACCES);
	assert_int_equal(opn("home", L_O_RDONLY | RFS_OPEN_EXEC, 0, &root), -L_EACCES);
	/* chmod, chown: owner or root */
	assert_int_equal(rfsChmod(&fs, (unsigned long)ino_of("home/alice/note"), 0777, &bob), -L_EPERM);
	assert_int_equal(rfsChown(&fs, (unsigned long)ino_of("home/alice/note"), 1001, -1, &alice),
			 -L_EPERM);
	assert_int_equal(rfsChown(&fs, (unsigned long)ino_of("home/alice/note"), -1, 200, &alice),
			 -L_EPERM);
	assert_int_equal(rfsChown(&fs, (unsigned long)ino_of("home/alice/note"), 1000, 100, &alice), 0);
	assert_int_equal(rfsChmod(&fs, (unsigned long)ino_of("home/alice/note"), 06755, &alice), 0);
	assert_int_equal(stat_of("home/alice/note").st_mode, L_S_IFREG | 06755);
	assert_int_equal(rfsChown(&fs, (unsigned long)ino_of("home/alice/note"), 1001, 200, &root), 0);
	assert_int_equal(stat_of("home/alice/note").st_mode, L_S_IFREG | 0755);
	assert_int_equal(stat_of("home/alice/note").st_gid, 200);
	/* create needs write and search on the directory */
	assert_int_equal(opn("home/alice/x", L_O_CREAT | L_O_WRONLY, 0644, &bob), -L_EACCES);
	assert_int_equal(rfsMkdir(&fs, ROOT, "home/alice/d", 0755, &bob), -L_EACCES);
	assert_int_equal(rfsMkdir(&fs, ROOT, "home/alice/d", 0755, &alice), 0);
	/* mknod of devices is root's */
	assert_int_equal(rfsMknod(&fs, ROOT, "home/alice/d/c", L_S_IFCHR | 0600, L_MKDEV(1, 3), &alice),
			 -L_EPERM);
	assert_int_equal(rfsMknod(&fs, ROOT, "home/alice/d/p", L_S_IFIFO | 0600, 0, &alice), 0);
	assert_int_equal(rfsMknod(&fs, ROOT, "home/alice/d/r", 0600, 0, &alice), 0);
	assert_int_equal(stat_of("home/alice/d/r").st_mode, L_S_IFREG | 0600);
	assert_int_equal(rfsMknod(&fs, ROOT, "home/alice/d/q", L_S_IFDIR | 0600, 0, &alice), -L_EPERM);
	assert_int_equal(rfsMknod(&fs, ROOT, "home/alice/d/q", 0170000 | 0600, 0, &alice), -L_EINVAL);
	assert_int_equal(rfsMknod(&fs, ROOT, "/c", L_S_IFBLK | 0600, L_MKDEV(8, 1), &root), 0);
	assert_int_equal(stat_of("c").st_rdev, L_MKDEV(8, 1));
	/* set-group-ID directories pass their group on */
	assert_int_equal(rfsChmod(&fs, (unsigned long)ino_of("home/alice/d"), 02777, &alice), 0);
	assert_int_equal(rfsChmod(&fs, (unsigned long)ino_of("home/alice"), 0755, &alice), 0);
	assert_int_equal(rfsMkdir(&fs, ROOT, "home/alice/d/sub", 0755, &carol), 0);
	assert_int_equal(stat_of("home/alice/d/sub").st_gid, 100);
	assert_true(stat_of("home/alice/d/sub").st_mode & L_S_ISGID);
	(void)o;
}

static void
test_symlinks(void **state)
{
	const char *t;
	char name[16], prev[16];

	assert_int_equal(rfsMkdir(&fs, ROOT, "d", 0755, &root), 0);
	put_file("d/f", "data", &root);
	assert_int_equal(rfsSymlink(&fs, ROOT, "f", "d/rel", &root), 0);
	assert_int_equal(rfsSymlink(&fs, ROOT, "/d", "abs", &root), 0);
	assert_int_equal(rfsSymlink(&fs, ROOT, "nowhere", "dangle", &root), 0);
	assert_int_equal(rfsSymlink(&fs, ROOT, "loop2", "loop1", &root), 0);
	assert_int_equal(rfsSymlink(&fs, ROOT, "loop1", "loop2", &root), 0);
	assert_int_equal(rfsSymlink(&fs, ROOT, "x", "abs", &root), -L_EEXIST);
	assert_int_equal(rfsSymlink(&fs, ROOT, "", "empty", &root), -L_ENOENT);
	assert_int_equal(opn("d/rel", L_O_RDONLY, 0, &root), ino_of("d/f"));
	assert_int_equal(opn("abs/rel", L_O_RDONLY, 0, &root), ino_of("d/f"));
	assert_int_equal(opn("abs/../abs/f", L_O_RDONLY, 0, &root), ino_of("d/f"));
	assert_int_equal(opn("dangle", L_O_RDONLY, 0, &root), -L_ENOENT);
	assert_int_equal(opn("loop1", L_O_RDONLY, 0, &root), -L_ELOOP);
	assert_int_equal(opn("d/rel", L_O_RDONLY | L_O_NOFOLLOW, 0, &root), -L_ELOOP);
	assert_int_equal(opn("d/rel", L_O_PATH | L_O_NOFOLLOW, 0, &root), ino_of("d/rel"));
	assert_int_equal(opn("abs/f", L_O_RDONLY | L_O_NOFOLLOW, 0, &root), ino_of("d/f"));
	assert_int_equal(ino_of("abs/"), ino_of("d"));		/* a '/' follows the last link */
	assert_int_equal(rfsReadlink(&fs, ROOT, "d/rel", &root, &t), 1);
	assert_memory_equal(t, "f", 1);
	assert_int_equal(rfsReadlink(&fs, ROOT, "d/f", &root, &t), -L_EINVAL);
	assert_int_equal(stat_of("abs").st_size, 2);
	/* O_CREAT through a dangling link makes its target; O_EXCL does not follow */
	assert_int_equal(opn("dangle", L_O_CREAT | L_O_EXCL | L_O_WRONLY, 0644, &root), -L_EEXIST);
	assert_true(opn("dangle", L_O_CREAT | L_O_WRONLY, 0644, &root) > 0);
	assert_true(ino_of("nowhere") > 0);
	/* 40 links in a chain resolve, 41 do not */
	strcpy(prev, "d/f");
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof(name), "/c%d", i);
		assert_int_equal(rfsSymlink(&fs, ROOT, i ? prev + 0 : "/d/f", name, &root), 0);
		strcpy(prev, name);
	}
	assert_int_equal(opn("c39", L_O_RDONLY, 0, &root), ino_of("d/f"));
	assert_int_equal(opn("c40", L_O_RDONLY, 0, &root), -L_ELOOP);
	assert_int_equal(rfsAccess(&fs, ROOT, "loop1", L_F_OK, L_AT_SYMLINK_NOFOLLOW, &root), 0);
	assert_int_equal(rfsAccess(&fs, ROOT, "loop1", L_F_OK, 0, &root), -L_ELOOP);
}

static void
test_name_lengths(void **state)
{
	char n[300];

	memset(n, 'x', sizeof(n));
	n[255] = '\0';
	assert_true(opn(n, L_O_CREAT | L_O_WRONLY, 0644, &root) > 0);
	n[255] = 'x';
	n[256] = '\0';
	assert_int_equal(opn(n, L_O_CREAT | L_O_WRONLY, 0644, &root), -L_ENAMETOOLONG);
	assert_int_equal(rfsMkdir(&fs, ROOT, n, 0755, &root), -L_ENAMETOOLONG);
	assert_int_equal(ino_of(n), -L_ENAMETOOLONG);
}

static void
test_unlink(void **state)
{
	assert_int_equal(rfsMkdir(&fs, ROOT, "d", 0755, &root), 0);
	assert_int_equal(rfsMkdir(&fs, ROOT, "d/e", 0755, &root), 0);
	put_file("d/f", "x", &root);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d", 0, &root), -L_EISDIR);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d", 1, &root), -L_ENOTEMPTY);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/f", 1, &root), -L_ENOTDIR);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/f/", 0, &root), -L_ENOTDIR);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/e/.", 1, &root), -L_EINVAL);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/e/..", 1, &root), -L_ENOTEMPTY);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/.", 0, &root), -L_EISDIR);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/nope", 0, &root), -L_ENOENT);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/f", 0, &alice), -L_EACCES);
	assert_int_equal(stat_of("d").st_nlink, 3);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/e/", 1, &root), 0);
	assert_int_equal(stat_of("d").st_nlink, 2);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/f", 0, &root), 0);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d", 1, &root), 0);
	assert_int_equal(ino_of("d"), -L_ENOENT);
	assert_int_equal(stat_of("/").st_nlink, 2);
}

static void
test_sticky_tmp(void **state)
{
	assert_int_equal(rfsDefaults(&fs), 0);
	assert_int_equal(stat_of("tmp").st_mode, L_S_IFDIR | 01777);
	put_file("tmp/a", "a", &alice);
	put_file("tmp/b", "b", &alice);
	put_file("tmp/c", "c", &bob);
	assert_int_equal(rfsUnlink(&fs, ROOT, "tmp/a", 0, &bob), -L_EPERM);
	assert_int_equal(rfsRename(&fs, ROOT, "tmp/a", ROOT, "tmp/z", &bob), -L_EPERM);
	assert_int_equal(rfsRename(&fs, ROOT, "tmp/c", ROOT, "tmp/a", &bob), -L_EPERM);
	assert_int_equal(rfsUnlink(&fs, ROOT, "tmp/a", 0, &alice), 0);
	assert_int_equal(rfsUnlink(&fs, ROOT, "tmp/b", 0, &root), 0);
	assert_int_equal(rfsUnlink(&fs, ROOT, "tmp/c", 0, &bob), 0);
	/* the other default nodes */
	assert_int_equal(stat_of("dev/null").st_rdev, L_MKDEV(1, 3));
	assert_int_equal(stat_of("dev/zero").st_rdev, L_MKDEV(1, 5));
	assert_int_equal(stat_of("dev/tty").st_rdev, L_MKDEV(5, 0));
	assert_int_equal(stat_of("dev/console").st_mode, L_S_IFCHR | 0600);
	assert_int_equal(stat_of("proc").st_mode, L_S_IFDIR | 0555);
	assert_int_equal(rfsDefaults(&fs), 0);		/* once only */
}

static void
test_open_unlinked_lives(void **state)
{
	struct ropen o;
	struct linux_stat st;
	unsigned long ino;
	unsigned gen;

	put_file("f", "hello", &root);
	assert_int_equal(rfsOpen(&fs, ROOT, "f", L_O_RDWR, 0, &root, &o), 0);
	ino = o.node->ino;
	gen = o.node->gen;
	o.node->mapped = 1;
	assert_int_equal(rfsUnlink(&fs, ROOT, "f", 0, &root), 0);
	assert_int_equal(rfsStat(&fs, ino, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	assert_int_equal(st.st_size, 5);
	assert_ptr_equal(rfsNodeGen(&fs, ino, gen), o.node);
	assert_int_equal(freed_count, 0);
	assert_int_equal(rfsClose(&fs, ino), 0);
	assert_int_equal(freed_count, 1);
	assert_int_equal(freed_ino, ino);
	assert_int_equal(freed_gen, gen);
	assert_int_equal(rfsStat(&fs, ino, &st), -L_ENOENT);
	assert_null(rfsNodeGen(&fs, ino, gen));
	/* a removed directory held open: nothing can be made in it */
	assert_int_equal(rfsMkdir(&fs, ROOT, "d", 0755, &root), 0);
	assert_int_equal(rfsOpen(&fs, ROOT, "d", L_O_RDONLY, 0, &root, &o), 0);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d", 1, &root), 0);
	assert_int_equal(rfsOpen(&fs, o.node->ino, "x", L_O_CREAT | L_O_RDWR, 0644, &root, &o),
			 -L_ENOENT);
	assert_int_equal(rfsMkdir(&fs, o.node->ino, "x", 0755, &root), -L_ENOENT);
	assert_int_equal(rfsOpen(&fs, o.node->ino, "..", L_O_RDONLY, 0, &root, &o), -L_ENOENT);
	unsigned long buf[64], next;
	assert_int_equal(rfsGetdents(&fs, o.node->ino, 0, buf, sizeof(buf), &next), -L_ENOENT);
	assert_int_equal(rfsClose(&fs, o.node->ino), 0);
	/* a reused ino has a new generation */
	for (int i = 0; i < 200; i++) {
		char n[16];
		snprintf(n, sizeof(n), "n%d", i);
		put_file(n, "", &root);
		struct rnode *x = rfsNode(&fs, (unsigned long)ino_of(n));
		if (x->ino == ino)
			assert_int_not_equal(x->gen, gen);
	}
}

static void
test_rename(void **state)
{
	long a, b;

	assert_int_equal(rfsMkdir(&fs, ROOT, "d1", 0755, &root), 0);
	assert_int_equal(rfsMkdir(&fs, ROOT, "d2", 0755, &root), 0);
	assert_int_equal(rfsMkdir(&fs, ROOT, "d1/sub", 0755, &root), 0);
	assert_int_equal(rfsMkdir(&fs, ROOT, "d1/sub/deep", 0755, &root), 0);
	put_file("d1/a", "a", &root);
	put_file("d1/b", "b", &root);
	a = ino_of("d1/a");
	assert_int_equal(rfsRename(&fs, ROOT, "d1/a", ROOT, "d1/b", &root), 0);
	assert_int_equal(ino_of("d1/b"), a);
	assert_int_equal(ino_of("d1/a"), -L_ENOENT);
	assert_int_equal(rfsRename(&fs, ROOT, "d1/nope", ROOT, "d1/c", &root), -L_ENOENT);
	/* a directory moves: link counts follow, ".." too */
	assert_int_equal(rfsRename(&fs, ROOT, "d1/sub", ROOT, "d2/moved", &root), 0);
	assert_int_equal(stat_of("d1").st_nlink, 2);
	assert_int_equal(stat_of("d2").st_nlink, 3);
	assert_int_equal(stat_of("d2/moved").st_nlink, 3);
	assert_int_equal(ino_of("d2/moved/deep/../.."), ino_of("d2"));
	/* never under itself */
	assert_int_equal(rfsRename(&fs, ROOT, "d2", ROOT, "d2/moved/deep/x", &root), -L_EINVAL);
	assert_int_equal(rfsRename(&fs, ROOT, "d2", ROOT, "d2/x", &root), -L_EINVAL);
	assert_int_equal(rfsRename(&fs, ROOT, "d2/moved/deep", ROOT, "d2", &root), -L_ENOTEMPTY);
	/* kinds */
	assert_int_equal(rfsRename(&fs, ROOT, "d2/moved", ROOT, "d1/b", &root), -L_ENOTDIR);
	assert_int_equal(rfsRename(&fs, ROOT, "d1/b", ROOT, "d2/moved", &root), -L_EISDIR);
	assert_int_equal(rfsRename(&fs, ROOT, "d1/b", ROOT, "d1/c/", &root), -L_ENOTDIR);
	assert_int_equal(rfsRename(&fs, ROOT, "d1/.", ROOT, "d1/c", &root), -L_EBUSY);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d2/moved/deep", 1, &root), 0);
	assert_int_equal(rfsRename(&fs, ROOT, "d1", ROOT, "d2/moved", &root), 0);	/* empty dir replaced */
	assert_int_equal(stat_of("d2").st_nlink, 3);
	assert_int_equal(stat_of("/").st_nlink, 3);
	/* same node: nothing happens */
	assert_int_equal(rfsLink(&fs, ROOT, "d2/moved/b", ROOT, "d2/moved/b2", 0, &root), 0);
	assert_int_equal(rfsRename(&fs, ROOT, "d2/moved/b", ROOT, "d2/moved/b2", &root), 0);
	assert_int_equal(ino_of("d2/moved/b"), a);
	assert_int_equal(stat_of("d2/moved/b").st_nlink, 2);
	/* permissions: write on both directories, and on a directory that changes parent */
	assert_int_equal(rfsRename(&fs, ROOT, "d2/moved/b", ROOT, "d2/moved/z", &alice), -L_EACCES);
	assert_int_equal(rfsMkdir(&fs, ROOT, "pub", 0777, &root), 0);
	assert_int_equal(rfsMkdir(&fs, ROOT, "pub/rootdir", 0755, &root), 0);
	assert_int_equal(rfsMkdir(&fs, ROOT, "pub/sub", 0777, &root), 0);
	assert_int_equal(rfsRename(&fs, ROOT, "pub/rootdir", ROOT, "pub/sub/x", &alice), -L_EACCES);
	assert_int_equal(rfsRename(&fs, ROOT, "pub/rootdir", ROOT, "pub/y", &alice), 0);
	b = ino_of("pub/y");
	assert_true(b > 0);
	/* relative to two directories */
	assert_int_equal(rfsRename(&fs, (unsigned long)ino_of("pub"), "y", (unsigned long)ino_of("d2"),
				   "y2", &root), 0);
	assert_int_equal(ino_of("d2/y2"), b);
}

static void
test_link(void **state)
{
	put_file("f", "x", &root);
	assert_int_equal(rfsMkdir(&fs, ROOT, "d", 0755, &root), 0);
	assert_int_equal(rfsSymlink(&fs, ROOT, "f", "s", &root), 0);
	assert_int_equal(rfsLink(&fs, ROOT, "f", ROOT, "d/g", 0, &root), 0);
	assert_int_equal(stat_of("f").st_nlink, 2);
	assert_int_equal(ino_of("d/g"), ino_of("f"));
	assert_int_equal(rfsLink(&fs, ROOT, "f", ROOT, "d/g", 0, &root), -L_EEXIST);
	assert_int_equal(rfsLink(&fs, ROOT, "d", ROOT, "d2", 0, &root), -L_EPERM);
	assert_int_equal(rfsLink(&fs, ROOT, "nope", ROOT, "x", 0, &root), -L_ENOENT);
	assert_int_equal(rfsLink(&fs, ROOT, "s", ROOT, "s2", 0, &root), 0);	/* the link itself */
	assert_int_equal(ino_of("s2"), ino_of("s"));
	assert_int_equal(rfsLink(&fs, ROOT, "s", ROOT, "f2", L_AT_SYMLINK_FOLLOW, &root), 0);
	assert_int_equal(ino_of("f2"), ino_of("f"));
	assert_int_equal(stat_of("f").st_nlink, 3);
	assert_int_equal(rfsLink(&fs, ROOT, "f", ROOT, "d/h", 0, &alice), -L_EACCES);
	assert_int_equal(rfsUnlink(&fs, ROOT, "f", 0, &root), 0);
	assert_int_equal(stat_of("f2").st_nlink, 2);
}

/* The names of ino's entries through getdents with max-byte batches. */
static int
list(unsigned long ino, unsigned long max, char names[][32], unsigned long *offs)
{
	unsigned char buf[4096];
	unsigned long off = 0, next;
	long r;
	int n = 0;

	while ((r = rfsGetdents(&fs, ino, off, buf, max, &next)) > 0) {
		for (long p = 0; p < r; ) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + p);
			assert_int_equal(d->d_reclen % 8, 0);
			strcpy(names[n], d->d_name);
			offs[n++] = (unsigned long)d->d_off;
			p += d->d_reclen;
		}
		off = next;
	}
	assert_int_equal(r, 0);
	return n;
}

static void
test_getdents(void **state)
{
	char names[64][32];
	unsigned long offs[64], d, next;
	unsigned char buf[64];
	int n;

	assert_int_equal(rfsMkdir(&fs, ROOT, "d", 0755, &root), 0);
	d = (unsigned long)ino_of("d");
	for (int i = 0; i < 20; i++) {
		char p[32];
		snprintf(p, sizeof(p), "d/file%02d", i);
		put_file(p, "", &root);
	}
	assert_int_equal(rfsMkdir(&fs, ROOT, "d/sub", 0755, &root), 0);
	n = list(d, 4096, names, offs);
	assert_int_equal(n, 23);
	assert_string_equal(names[0], ".");
	assert_string_equal(names[1], "..");
	assert_string_equal(names[2], "file00");
	assert_string_equal(names[22], "sub");
	/* small batches give the same list */
	char n2[64][32];
	unsigned long o2[64];
	assert_int_equal(list(d, 40, n2, o2), 23);
	for (int i = 0; i < 23; i++)
		assert_string_equal(names[i], n2[i]);
	/* too small for one record */
	assert_int_equal(rfsGetdents(&fs, d, 0, buf, 16, &next), -L_EINVAL);
	assert_int_equal(rfsGetdents(&fs, ROOT, 0, buf, 0, &next), -L_EINVAL);
	assert_int_equal(rfsGetdents(&fs, (unsigned long)ino_of("d/file00"), 0, buf, 64, &next),
			 -L_ENOTDIR);
	/* offsets stay good across removals: resuming after file05 gives file06 */
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/file05", 0, &root), 0);
	assert_int_equal(rfsUnlink(&fs, ROOT, "d/file06", 0, &root), 0);
	long r = rfsGetdents(&fs, d, offs[6], buf, sizeof(buf), &next);	/* offs[6]: after file04 */
	assert_true(r > 0);
	assert_string_equal(((struct linux_dirent64 *)buf)->d_name, "file07");
	/* a new entry comes at the end, once */
	put_file("d/new", "", &root);
	n = list(d, 64, names, offs);
	assert_int_equal(n, 22);
	assert_string_equal(names[21], "new");
	assert_int_equal(rfsGetdents(&fs, d, offs[21], buf, sizeof(buf), &next), 0);
	assert_int_equal(rfsGetdents(&fs, d, ~0UL >> 1, buf, sizeof(buf), &next), 0);
	/* ".." of the root is the root */
	r = rfsGetdents(&fs, ROOT, 1, buf, sizeof(buf), &next);
	assert_true(r > 0);
	assert_int_equal(((struct linux_dirent64 *)buf)->d_ino, 1);
	assert_int_equal(((struct linux_dirent64 *)buf)->d_type, L_DT_DIR);
}

static void
test_times_and_sizes(void **state)
{
	struct ropen o;
	struct rnode *n;
	struct linux_stat st;

	put_file("f", "0123456789", &root);
	n = rfsNode(&fs, (unsigned long)ino_of("f"));
	assert_int_equal(rfsChown(&fs, n->ino, 1000, 100, &root), 0);
	assert_int_equal(rfsUtimens(&fs, n->ino, 5 * DAY, -2, &alice), 0);
	assert_int_equal(n->atime, 5 * DAY);
	assert_int_equal(rfsUtimens(&fs, n->ino, 5 * DAY, 6 * DAY, &bob), -L_EPERM);
	assert_int_equal(rfsUtimens(&fs, n->ino, -1, -1, &bob), -L_EACCES);	/* 0644: no write */
	assert_int_equal(rfsChmod(&fs, n->ino, 0666, &alice), 0);
	assert_int_equal(rfsUtimens(&fs, n->ino, -1, -1, &bob), 0);
	assert_int_equal(rfsUtimens(&fs, n->ino, -3, -1, &alice), -L_EINVAL);
	assert_int_equal(rfsUtimens(&fs, n->ino, -2, 7 * DAY + 5, &root), 0);
	rfsStat(&fs, n->ino, &st);
	assert_int_equal(st.st_mtim.tv_sec, 7 * 86400);
	assert_int_equal(st.st_mtim.tv_nsec, 5);
	/* truncate's checks and cut; written never shrinks */
	assert_int_equal(rfsChmod(&fs, n->ino, 0664, &alice), 0);
	assert_int_equal(rfsTruncateCheck(&fs, n->ino, 4, &carol, &n), -L_EACCES);
	assert_int_equal(rfsTruncateCheck(&fs, ROOT, 4, &root, &n), -L_EISDIR);
	assert_int_equal(rfsTruncateCheck(&fs, n->ino, FDATA_MAX + 1, &root, &n), -L_EFBIG);
	assert_int_equal(rfsTruncateCheck(&fs, n->ino, -1UL, &root, &n), -L_EINVAL);
	assert_int_equal(rfsTruncateCheck(&fs, n->ino, 4, &bob, &n), 0);
	rfsCut(&fs, n, 4, 4);
	assert_int_equal(n->size, 4);
	assert_int_equal(rfsWritten(&fs, n->ino, 2), 0);
	assert_int_equal(n->size, 4);
	assert_int_equal(rfsWritten(&fs, n->ino, 8), 0);
	char b[10];
	fdataRead(&n->data, 0, b, 10);
	assert_memory_equal(b, "0123\0\0\0\0\0\0", 10);
	assert_int_equal(rfsWritten(&fs, ROOT, 8), -L_EINVAL);
	/* O_TRUNC asks the front end to cut */
	assert_int_equal(rfsOpen(&fs, ROOT, "f", L_O_WRONLY | L_O_TRUNC, 0, &root, &o), 0);
	assert_int_equal(o.trunc, 1);
	rfsClose(&fs, o.node->ino);
	assert_int_equal(rfsOpen(&fs, ROOT, "f", L_O_WRONLY, 0, &root, &o), 0);
	assert_int_equal(o.trunc, 0);
	rfsClose(&fs, o.node->ino);
}

static void
test_fdata(void **state)
{
	struct fdata d = { 0 };
	unsigned char buf[3 * FDATA_PAGE], z[FDATA_PAGE];
	unsigned long far = FDATA_MAX - FDATA_PAGE;

	memset(z, 0, sizeof(z));
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	assert_int_equal(fdataWrite(&d, 100, buf, sizeof(buf)), 0);
	assert_int_equal(d.pages, 4);
	unsigned char back[sizeof(buf) + 200];
	fdataRead(&d, 0, back, sizeof(back));
	assert_memory_equal(back, z, 100);
	assert_memory_equal(back + 100, buf, sizeof(buf));
	assert_memory_equal(back + 100 + sizeof(buf), z, 100);
	/* zeros into a hole make nothing; a whole page of zeros frees one */
	assert_int_equal(fdataWrite(&d, 10 * FDATA_PAGE, z, FDATA_PAGE), 0);
	assert_int_equal(d.pages, 4);
	assert_int_equal(fdataWrite(&d, FDATA_PAGE, z, FDATA_PAGE), 0);
	assert_int_equal(d.pages, 3);
	assert_null(fdataGet(&d, 1));
	/* far away, and past the end */
	assert_int_equal(fdataWrite(&d, far, buf, FDATA_PAGE), 0);
	assert_int_equal(fdataWrite(&d, far + 1, buf, FDATA_PAGE), -L_EFBIG);
	assert_int_equal(fdataWrite(&d, ~0UL - 5, buf, 10), -L_EFBIG);
	assert_null(fdataGet(&d, FDATA_MAX / FDATA_PAGE));
	fdataRead(&d, far, back, FDATA_PAGE);
	assert_memory_equal(back, buf, FDATA_PAGE);
	/* cut: the pages past go, the tail of the last is zeroed */
	fdataCut(&d, FDATA_PAGE + FDATA_PAGE / 2);
	assert_null(fdataGet(&d, far / FDATA_PAGE));
	assert_int_equal(d.pages, 1);
	fdataRead(&d, 0, back, FDATA_PAGE);
	assert_memory_equal(back + 100, buf, FDATA_PAGE - 100);
	fdataCut(&d, 50);
	fdataRead(&d, 0, back, FDATA_PAGE);
	assert_memory_equal(back, z, FDATA_PAGE);
	assert_int_equal(d.pages, 1);
	fdataFree(&d);
	assert_int_equal(d.pages, 0);
	assert_null(d.top);
}

/* newc archives made here: one entry at a time. */
struct arch {
	unsigned char *b;
	size_t n;
};

static void
add(struct arch *a, const char *name, unsigned mode, unsigned ino, unsigned nlink,
    const char *data, unsigned rmaj, unsigned rmin)
{
	size_t nl = strlen(name) + 1, dl = data ? strlen(data) : 0;
	char h[111];

	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 1000, 100, nlink, 1700000000 + ino, (unsigned)dl, 0, 1, rmaj, rmin,
		 (unsigned)nl, 0);
	a->b = realloc(a->b, a->n + 110 + nl + dl + 8);
	memcpy(a->b + a->n, h, 110);
	a->n += 110;
	memcpy(a->b + a->n, name, nl);
	a->n += nl;
	while (a->n % 4)
		a->b[a->n++] = 0;
	if (dl)
		memcpy(a->b + a->n, data, dl);
	a->n += dl;
	while (a->n % 4)
		a->b[a->n++] = 0;
}

static void
test_cpio_made_here(void **state)
{
	struct arch a = { NULL, 0 };
	int64_t newest = 0;
	struct linux_stat st;
	const char *t;
	char back[8];

	add(&a, ".", L_S_IFDIR | 0700, 1, 2, NULL, 0, 0);
	add(&a, "./bin", L_S_IFDIR | 0755, 2, 2, NULL, 0, 0);
	add(&a, "bin/sh", L_S_IFREG | 0755, 3, 1, "#!sh\n", 0, 0);
	add(&a, "bin/ash", L_S_IFLNK | 0777, 4, 1, "sh", 0, 0);
	add(&a, "etc/deep/conf", L_S_IFREG | 0600, 5, 1, "k=v", 0, 0);	/* parents missing */
	add(&a, "h1", L_S_IFREG | 0644, 6, 2, NULL, 0, 0);			/* data on the last */
	add(&a, "h2", L_S_IFREG | 0644, 6, 2, "same", 0, 0);
	add(&a, "dev/ttyS0", L_S_IFCHR | 0620, 7, 1, NULL, 4, 64);
	add(&a, "../evil", L_S_IFREG | 0644, 8, 1, "x", 0, 0);			/* refused */
	add(&a, "bin/sh", L_S_IFREG | 0700, 9, 1, "new", 0, 0);			/* replaces */
	add(&a, "TRAILER!!!", 0, 0, 1, NULL, 0, 0);
	assert_int_equal(rfsCpio(&fs, a.b, a.n, &newest), 9);
	assert_int_equal(newest, (1700000000L + 9) * 1000000000L);
	st = stat_of("/");
	assert_int_equal(st.st_mode, L_S_IFDIR | 0700);
	assert_int_equal(st.st_mtim.tv_sec, 1700000001);
	st = stat_of("bin");
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_mtim.tv_sec, 1700000002);	/* kept while its entries came */
	st = stat_of("bin/sh");
	assert_int_equal(st.st_mode, L_S_IFREG | 0700);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(rfsReadlink(&fs, ROOT, "bin/ash", &root, &t), 2);
	assert_int_equal(stat_of("etc/deep").st_mode, L_S_IFDIR | 0755);
	st = stat_of("h2");
	assert_int_equal(st.st_ino, ino_of("h1"));
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(st.st_size, 4);
	fdataRead(&rfsNode(&fs, st.st_ino)->data, 0, back, 4);
	assert_memory_equal(back, "same", 4);
	assert_int_equal(stat_of("dev/ttyS0").st_rdev, L_MKDEV(4, 64));
	assert_int_equal(ino_of("evil"), -L_ENOENT);
	assert_int_equal(rfsDefaults(&fs), 0);
	assert_int_equal(stat_of("dev/null").st_rdev, L_MKDEV(1, 3));
	/* cut short: what came before stays; bad magic */
	teardown(state);
	setup(state);
	assert_int_equal(rfsCpio(&fs, a.b, 400, &newest), -L_EINVAL);
	assert_true(ino_of("bin") > 0);
	memcpy(a.b, "070707", 6);
	assert_int_equal(rfsCpio(&fs, a.b, a.n, &newest), -L_EINVAL);
	assert_int_equal(rfsCpio(&fs, a.b, 0, &newest), -L_EINVAL);
	free(a.b);
}

/* Broken archives (bytes changed at random, cut anywhere) never crash. */
static void
test_cpio_fuzz(void **state)
{
	struct arch a = { NULL, 0 };
	int64_t newest = 0;

	add(&a, "./bin", L_S_IFDIR | 0755, 2, 2, NULL, 0, 0);
	add(&a, "bin/sh", L_S_IFREG | 0755, 3, 1, "#!sh\n", 0, 0);
	add(&a, "bin/ash", L_S_IFLNK | 0777, 4, 1, "sh", 0, 0);
	add(&a, "h1", L_S_IFREG | 0644, 6, 2, NULL, 0, 0);
	add(&a, "h2", L_S_IFREG | 0644, 6, 2, "same", 0, 0);
	add(&a, "TRAILER!!!", 0, 0, 1, NULL, 0, 0);
	unsigned char *b = malloc(a.n);
	teardown(state);			/* a fresh file system each time */
	srand(7);
	for (int i = 0; i < 3000; i++) {
		memcpy(b, a.b, a.n);
		for (int k = rand() % 4; k >= 0; k--)
			b[rand() % a.n] = (unsigned char)"0123456789abcdefF\0/."[rand() % 21];
		assert_int_equal(rfsInit(&fs, now), 0);
		long r = rfsCpio(&fs, b, i % 3 ? a.n : (size_t)rand() % a.n, &newest);
		assert_true(r >= -L_EINVAL);
		assert_int_equal(rfsDefaults(&fs), 0);
		teardown(state);
	}
	setup(state);
	free(b);
	free(a.b);
}

/* The data lock: taken and released in pairs, around changes of the
 * inode table and of file data. */
static int dlock_depth, dlock_count;

static void
dlock(void *ctx, int hold)
{
	dlock_depth += hold ? 1 : -1;
	assert_true(dlock_depth == 0 || dlock_depth == 1);
	dlock_count += hold;
}

static void
test_data_lock(void **state)
{
	struct rnode *n;

	fs.dlock = dlock;
	for (int i = 0; i < 100; i++) {		/* grows the inode table */
		char p[16];
		snprintf(p, sizeof(p), "f%d", i);
		put_file(p, "data", &root);
	}
	assert_true(dlock_count >= 100);
	n = rfsNode(&fs, (unsigned long)ino_of("f1"));
	dlock_count = 0;
	rfsCut(&fs, n, 1, 1);
	assert_int_equal(dlock_count, 1);
	assert_int_equal(rfsUnlink(&fs, ROOT, "f1", 0, &root), 0);
	assert_int_equal(dlock_count, 2);
	assert_int_equal(dlock_depth, 0);
}

static void
test_cpio_from_program(void **state)
{
	char dir[] = "/tmp/ramfs-test-XXXXXX", cmd[512], arch[600];
	unsigned char *buf;
	struct linux_stat st;
	int64_t newest = 0;
	const char *t;
	FILE *f;
	long n;

	if (system("command -v cpio > /dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p t/bin t/etc t/empty && printf 'hello world' > t/etc/motd && "
		 "ln -s ../etc/motd t/bin/link && ln t/etc/motd t/etc/hard && "
		 "chmod 0711 t/bin && head -c 10000 /dev/urandom > t/big && "
		 "cd t && find . | cpio -o -H newc --quiet > ../a.cpio", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(arch, sizeof(arch), "%s/a.cpio", dir);
	assert_non_null(f = fopen(arch, "rb"));
	buf = malloc(1 << 20);
	n = (long)fread(buf, 1, 1 << 20, f);
	fclose(f);
	assert_true(n > 0);
	assert_int_equal(rfsCpio(&fs, buf, (size_t)n, &newest), 8);
	assert_true(newest > 0);
	assert_int_equal(stat_of("bin").st_mode, L_S_IFDIR | 0711);
	assert_int_equal(stat_of("etc/motd").st_size, 11);
	assert_int_equal(ino_of("etc/hard"), ino_of("etc/motd"));
	assert_int_equal(stat_of("etc/motd").st_nlink, 2);
	assert_int_equal(rfsReadlink(&fs, ROOT, "bin/link", &root, &t), 11);
	assert_int_equal(opn("bin/link", L_O_RDONLY, 0, &root), ino_of("etc/motd"));
	assert_int_equal(rfsStatAt(&fs, ROOT, "bin/link", 0, &root, &st), 0);
	assert_int_equal(st.st_size, 11);
	/* the data of big is the file's */
	struct stat hs;
	snprintf(arch, sizeof(arch), "%s/t/big", dir);
	assert_int_equal(stat(arch, &hs), 0);
	assert_non_null(f = fopen(arch, "rb"));
	unsigned char want[10000], got[10000];
	assert_int_equal(fread(want, 1, sizeof(want), f), sizeof(want));
	fclose(f);
	fdataRead(&rfsNode(&fs, (unsigned long)ino_of("big"))->data, 0, got, sizeof(got));
	assert_memory_equal(want, got, sizeof(got));
	assert_int_equal(stat_of("big").st_mtim.tv_sec, hs.st_mtime);
	free(buf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root_and_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sticky_tmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_unlinked_lives, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getdents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_times_and_sizes, setup, teardown),
		cmocka_unit_test(test_fdata),
		cmocka_unit_test_setup_teardown(test_cpio_made_here, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpio_fuzz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpio_from_program, setup, teardown),
	};
	return cmocka_run_group_tests_name("ramfs", tests, NULL, NULL);
}
