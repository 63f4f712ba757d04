/* SPDX-License-Identifier: MIT */
/*
 * SipHash-2-4 (Aumasson and Bernstein), 64- and 128-bit outputs: the keyed
 * hash behind port-group names (the one-way function from a key to a name),
 * random UI stamps in the nucleus, and capability keys in lib/.  The code
 * is lib/siphash.c, linked into the nucleus and into actors.
 */
#ifndef MOTET_SIPHASH_H
#define MOTET_SIPHASH_H

#include <stddef.h>

unsigned long siphash(const unsigned long key[2], const void *data, size_t len);
void siphash128(const unsigned long key[2], const void *data, size_t len,
		unsigned long out[2]);

#endif
