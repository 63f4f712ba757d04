// SPDX-License-Identifier: MIT
/*
 * Capabilities as a server makes and checks them: the key of object n on
 * port p is { n, siphash(secret, p.head, p.stamp, n) }.  The nucleus never
 * looks at keys; a client cannot make one for another object or another
 * port without the server's secret.
 * Entry points: capMint, capCheck, capSecretNew.
 */
#include <motet.h>
#include <motet/siphash.h>

static unsigned long
seal(const struct kui *port, const unsigned long secret[2], unsigned long object)
{
	const unsigned long in[3] = { port->head, port->stamp, object };

	return siphash(secret, in, sizeof(in));
}

void
capMint(struct kcap *cap, const struct kui *port, const unsigned long secret[2],
	unsigned long object)
{
	cap->port = *port;
	cap->key[0] = object;
	cap->key[1] = seal(port, secret, object);
}

long
capCheck(const struct kcap *cap, const struct kui *port, const unsigned long secret[2],
	 unsigned long *object)
{
	if (!uiEqual(&cap->port, port) || cap->key[1] != seal(port, secret, cap->key[0]))
		return -K_EPERM;
	if (object)
		*object = cap->key[0];
	return K_OK;
}

/* The nucleus gives random UIs 64 random bits of stamp: two make a secret. */
long
capSecretNew(unsigned long secret[2])
{
	struct kui a, b;
	long r;

	if ((r = portCreate(NULL, &a)) < 0)
		return r;
	r = portCreate(NULL, &b);
	portDelete(&a);
	if (r < 0)
		return r;
	portDelete(&b);
	secret[0] = a.stamp;
	secret[1] = b.stamp;
	return K_OK;
}
