// SPDX-License-Identifier: MIT
/*
 * Message bodies staged in the nucleus between sender and receiver.
 *
 * A small body is copied into a kmalloc'd buffer (msg.k.body).  A large
 * one (BODY_PAGED bytes or more) is copied into page frames (msg.pages)
 * laid out as the sender's buffer lies in its pages: body byte i at
 * offset boff + i of the run, boff being the sender's address modulo the
 * page size.  A user receiver whose buffer has the same offset in its
 * pages gets the body's whole pages by remapping (vm_give_pages): the
 * message is copied once instead of twice, and the frames become the
 * receiver's memory.  Partial pages, and pages of buffers the VM cannot
 * give frames to, are copied as a small body is.
 *
 * Bodies the nucleus sends or that answer it (mapper calls) stay small
 * bodies: their staging must not reclaim memory, which may call a mapper.
 * Entry points: stage (a sender's struct kmsg and body), body_stage,
 * body_out, body_flat, body_release (ipc.h: body_free, body_move).
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include <ipc/ipc.h>

static int
npages(const struct msg *m)
{
	return (int)((m->boff + m->k.bodysize + PAGE_SIZE - 1) / PAGE_SIZE);
}

static long
copy_from(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copyin(dst, (uaddr_t)src, n);
	memcpy(dst, src, n);
	return K_OK;
}

static long
copy_to(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copyout((uaddr_t)dst, src, n);
	memcpy(dst, src, n);
	return K_OK;
}

void
body_release(struct msg *m)
{
	kfree(m->k.body);
	m->k.body = NULL;
	if (m->pages) {
		vm_frames_free(m->pages, npages(m));
		kfree(m->pages);
		m->pages = NULL;
	}
}

/* Whether the call `token` names, pending on a, is the nucleus's own (a
 * mapper call). */
static bool
answers_nucleus(struct actor *a, u64 token)
{
	struct thread *c;
	bool r;

	spin_lock(&ipc_lock);
	c = pending_of(a, token);
	r = c && c->ipc.call.k.protid == K_PROTID_NUCLEUS;
	spin_unlock(&ipc_lock);
	return r;
}

/* Copies the sender's struct kmsg at umsg, and its body (in frames if
 * `paged` allows), into m.  A reply (to the call `token`) to the nucleus
 * is not put in frames: their allocation may reclaim memory, and the
 * pageout may be waiting for this very mapper. */
long
stage(struct msg *m, long umsg, bool paged, u64 token)
{
	m->caller = NULL;
	m->pages = NULL;
	if (copyin(&m->k, (uaddr_t)umsg, sizeof(m->k)) < 0) {
		m->k.body = NULL;
		return -K_EFAULT;
	}
	if (!m->k.bodysize) {
		m->k.body = NULL;
		return K_OK;
	}
	if (paged && token && m->k.bodysize >= BODY_PAGED)
		paged = !answers_nucleus(caller_actor(), token);
	return body_stage(m, m->k.body, true, paged);
}

/*
 * Stages m's body: m->k.bodysize bytes at src, in the calling actor if
 * user, else in nucleus memory; in frames if `paged` allows and it is
 * large.
 */
long
body_stage(struct msg *m, const void *src, bool user, bool paged)
{
	size_t n = m->k.bodysize, done = 0;
	long err;

	m->k.body = NULL;
	m->pages = NULL;
	m->boff = 0;
	if (n > K_BODY_MAX)
		return -K_EINVAL;
	if (!n)
		return K_OK;
	if (!paged || n < BODY_PAGED || curthread()->vm_reserve) {
		if (!(m->k.body = kmalloc(n)))
			return -K_ENOMEM;
		if (copy_from(m->k.body, src, n, user) < 0) {
			body_free(m);
			return -K_EFAULT;
		}
		return K_OK;
	}
	m->boff = (u32)((uaddr_t)src & PAGE_MASK);
	if (!(m->pages = kmalloc((size_t)npages(m) * sizeof(paddr_t))))
		return -K_ENOMEM;
	if ((err = vm_frames_alloc(m->pages, npages(m))) < 0) {
		kfree(m->pages);
		m->pages = NULL;
		return err;
	}
	for (int i = 0; done < n; i++) {
		size_t at = i ? 0 : m->boff, len = MIN(PAGE_SIZE - at, n - done);
		if (copy_from((u8 *)P2V(m->pages[i]) + at, (const u8 *)src + done, len, user) < 0) {
			body_free(m);
			return -K_EFAULT;
		}
		done += len;
	}
	return K_OK;
}

/*
 * The first n bytes of m's body to dst, in the calling actor if user,
 * else in nucleus memory; the body is freed.  A user receiver's whole
 * pages at the body's offset take the body's frames.
 */
long
body_out(struct msg *m, void *dst, size_t n, bool user)
{
	size_t done = 0;
	long err = K_OK;

	if (!m->pages) {
		if (n && copy_to(dst, m->k.body, n, user) < 0)
			err = -K_EFAULT;
		body_free(m);
		return err;
	}
	if (user && ((uaddr_t)dst & PAGE_MASK) == m->boff && caller_range_ok((uaddr_t)dst, n)) {
		/* page i holds body bytes [i * PAGE_SIZE - boff, (i + 1) * PAGE_SIZE - boff) */
		int lo = m->boff ? 1 : 0, hi = (int)((m->boff + n) / PAGE_SIZE);
		if (hi > lo)
			vm_give_pages(caller_actor(), ALIGN_DOWN((uaddr_t)dst, PAGE_SIZE) + (u64)lo * PAGE_SIZE,
				      m->pages + lo, hi - lo);
	}
	for (int i = 0; done < n && err == K_OK; i++) {
		size_t at = i ? 0 : m->boff, len = MIN(PAGE_SIZE - at, n - done);
		if (m->pages[i] && copy_to((u8 *)dst + done, (u8 *)P2V(m->pages[i]) + at, len, user) < 0)
			err = -K_EFAULT;
		done += len;
	}
	body_free(m);
	return err;
}

/* m's body in one kmalloc'd buffer (a handler reads it there). */
long
body_flat(struct msg *m)
{
	void *b;

	if (!m->pages)
		return K_OK;
	if (!(b = kmalloc(m->k.bodysize)))
		return -K_ENOMEM;
	body_out(m, b, m->k.bodysize, false);
	m->k.body = b;
	return K_OK;
}
