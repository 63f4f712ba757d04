// SPDX-License-Identifier: MIT
/*
 * SipHash-2-4: two compression rounds per 8-byte word, four finalization
 * rounds; the 128-bit variant xors 0xee into v1 at the start and 0xdd
 * before the second half of the output.  Written from the paper's
 * description.
 */
#include <stdint.h>
#include <stddef.h>
#include <motet/siphash.h>

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

static inline void
round4(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
}

static uint64_t
load64(const uint8_t *p, size_t n)
{
	uint64_t w = 0;

	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

static void
compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	round4(v);
	round4(v);
	v[0] ^= m;
}

static void
absorb(uint64_t v[4], const unsigned long key[2], const void *data, size_t len, int wide)
{
	const uint8_t *p = data;
	size_t full = len & ~(size_t)7;

	v[0] = key[0] ^ 0x736f6d6570736575ULL;
	v[1] = key[1] ^ 0x646f72616e646f6dULL;
	v[2] = key[0] ^ 0x6c7967656e657261ULL;
	v[3] = key[1] ^ 0x7465646279746573ULL;
	if (wide)
		v[1] ^= 0xee;
	for (size_t i = 0; i < full; i += 8)
		compress(v, load64(p + i, 8));
	compress(v, load64(p + full, len - full) | ((uint64_t)(len & 0xff) << 56));
}

static uint64_t
finish(uint64_t v[4], uint64_t mark)
{
	v[2] ^= mark;
	for (int i = 0; i < 4; i++)
		round4(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

unsigned long
siphash(const unsigned long key[2], const void *data, size_t len)
{
	uint64_t v[4];

	absorb(v, key, data, len, 0);
	return finish(v, 0xff);
}

void
siphash128(const unsigned long key[2], const void *data, size_t len, unsigned long out[2])
{
	uint64_t v[4];

	absorb(v, key, data, len, 1);
	out[0] = finish(v, 0xee);
	v[1] ^= 0xdd;
	out[1] = finish(v, 0);
}
