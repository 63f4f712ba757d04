/* SPDX-License-Identifier: MIT */
/*
 * Error codes shared by the nucleus and every actor.  A nucleus call returns
 * a non-negative value on success and the negation of one of these on
 * failure (K_IS_ERR tells); K_OK is zero.  kerr_t is the one error type of the system.
 */
#ifndef MOTET_ERROR_H
#define MOTET_ERROR_H

typedef enum kerr {
	K_OK = 0,
	K_EINVAL = 1,		/* an argument is out of range */
	K_EFAULT = 2,		/* a pointer does not name accessible memory */
	K_ENOMEM = 3,		/* out of physical memory or nucleus heap */
	K_EUNKNOWN = 4,		/* no object has this identifier */
	K_ENOSYS = 5,		/* no such nucleus call */
	K_EPERM = 6,		/* the caller may not do this */
	K_ETIMEOUT = 7,		/* the time limit passed */
	K_EBUSY = 8,		/* the object is in use */
	K_EEXIST = 9,		/* already there */
	K_EABORT = 10,		/* the wait was aborted (object or thread deleted) */
	K_EAGAIN = 11,		/* the value changed, try again */
	K_ENOENT = 12,		/* no such module or name */
	K_ELIMIT = 13,		/* a table or queue is full */
	K_ESTATE = 14,		/* the object is not in a state that allows this */
	K_ENOEXEC = 15,		/* not a valid executable image */
	K_ENOMEMBER = 16,	/* a port group has no reachable member */
	K_EUNREACH = 17,	/* the destination's site cannot be reached */
	K_ENOREPLY = 18,	/* the server ended or the port went away before replying */
	K_EIO = 19,		/* a mapper could not read or write the data */
	K_NERR
} kerr_t;

/*
 * Calls that return an address (rgnAllocate) may return values that are
 * negative as a long (the supervisor space); errors are -1 .. -4095.
 */
#define K_IS_ERR(r)	((unsigned long)(long)(r) >= (unsigned long)-4095L)

#ifndef __ASSEMBLER__
static inline const char *
kerrName(long e)
{
	static const char *const names[K_NERR] = {
		"K_OK", "K_EINVAL", "K_EFAULT", "K_ENOMEM", "K_EUNKNOWN",
		"K_ENOSYS", "K_EPERM", "K_ETIMEOUT", "K_EBUSY", "K_EEXIST",
		"K_EABORT", "K_EAGAIN", "K_ENOENT", "K_ELIMIT", "K_ESTATE",
		"K_ENOEXEC", "K_ENOMEMBER", "K_EUNREACH", "K_ENOREPLY", "K_EIO",
	};
	if (e < 0)
		e = -e;
	return e < K_NERR ? names[e] : "K_E?";
}
#endif

#endif
