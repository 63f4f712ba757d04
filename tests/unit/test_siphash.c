// SPDX-License-Identifier: MIT
/*
 * Unit tests of lib/siphash.c against the published SipHash-2-4 test
 * vectors (the reference implementation's vectors.h): key 00 01 .. 0f,
 * message 00 01 .. n-1 for n = 0..63, 64- and 128-bit outputs, the output
 * bytes read as little-endian words.  Also: a message that does not start
 * on an 8-byte boundary hashes the same, and a one-bit change of the key
 * changes the result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <motet/siphash.h>

/* SipHash-2-4, 64-bit output, for message lengths 0..63. */
static const unsigned long want64[64] = {
	0x726fdb47dd0e0e31UL, 0x74f839c593dc67fdUL, 0x0d6c8009d9a94f5aUL,
	0x85676696d7fb7e2dUL, 0xcf2794e0277187b7UL, 0x18765564cd99a68dUL,
	0xcbc9466e58fee3ceUL, 0xab0200f58b01d137UL, 0x93f5f5799a932462UL,
	0x9e0082df0ba9e4b0UL, 0x7a5dbbc594ddb9f3UL, 0xf4b32f46226bada7UL,
	0x751e8fbc860ee5fbUL, 0x14ea5627c0843d90UL, 0xf723ca908e7af2eeUL,
	0xa129ca6149be45e5UL, 0x3f2acc7f57c29bdbUL, 0x699ae9f52cbe4794UL,
	0x4bc1b3f0968dd39cUL, 0xbb6dc91da77961bdUL, 0xbed65cf21aa2ee98UL,
	0xd0f2cbb02e3b67c7UL, 0x93536795e3a33e88UL, 0xa80c038ccd5ccec8UL,
	0xb8ad50c6f649af94UL, 0xbce192de8a85b8eaUL, 0x17d835b85bbb15f3UL,
	0x2f2e6163076bcfadUL, 0xde4daaaca71dc9a5UL, 0xa6a2506687956571UL,
	0xad87a3535c49ef28UL, 0x32d892fad841c342UL, 0x7127512f72f27cceUL,
	0xa7f32346f95978e3UL, 0x12e0b01abb051238UL, 0x15e034d40fa197aeUL,
	0x314dffbe0815a3b4UL, 0x027990f029623981UL, 0xcadcd4e59ef40c4dUL,
	0x9abfd8766a33735cUL, 0x0e3ea96b5304a7d0UL, 0xad0c42d6fc585992UL,
	0x187306c89bc215a9UL, 0xd4a60abcf3792b95UL, 0xf935451de4f21df2UL,
	0xa9538f0419755787UL, 0xdb9acddff56ca510UL, 0xd06c98cd5c0975ebUL,
	0xe612a3cb9ecba951UL, 0xc766e62cfcadaf96UL, 0xee64435a9752fe72UL,
	0xa192d576b245165aUL, 0x0a8787bf8ecb74b2UL, 0x81b3e73d20b49b6fUL,
	0x7fa8220ba3b2eceaUL, 0x245731c13ca42499UL, 0xb78dbfaf3a8d83bdUL,
	0xea1ad565322a1a0bUL, 0x60e61c23a3795013UL, 0x6606d7e446282b93UL,
	0x6ca4ecb15c5f91e1UL, 0x9f626da15c9625f3UL, 0xe51b38608ef25f57UL,
	0x958a324ceb064572UL,
};

/* SipHash-2-4, 128-bit output, for some lengths. */
static const struct {
	size_t len;
	unsigned long out[2];
} want128[] = {
	{ 0, { 0xe6a825ba047f81a3UL, 0x930255c71472f66dUL } },
	{ 1, { 0x44af996bd8c187daUL, 0x45fc229b11597634UL } },
	{ 7, { 0x53c1dbd8beebf1a1UL, 0x3982f01fa64ab8c0UL } },
	{ 8, { 0x61f55862baa9623bUL, 0xb49714f364e2830fUL } },
	{ 15, { 0x11a8b03399e99354UL, 0xd9c3cf970fec087eUL } },
	{ 63, { 0x4a83502f77d15051UL, 0x7cbd3f979a063e50UL } },
};

/* Key bytes 00..0f as two little-endian words. */
static const unsigned long key[2] = { 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL };
static unsigned char msg[64];

static int
setup(void **state)
{
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	return 0;
}

static void
check64(size_t len)
{
	assert_int_equal(siphash(key, msg, len), want64[len]);
}

/* The lengths around the 8-byte word boundary, by name in the output. */
static void test_len0(void **state) { check64(0); }
static void test_len1(void **state) { check64(1); }
static void test_len7(void **state) { check64(7); }
static void test_len8(void **state) { check64(8); }
static void test_len15(void **state) { check64(15); }
static void test_len63(void **state) { check64(63); }

static void
test_all_lengths(void **state)
{
	for (size_t len = 0; len < 64; len++)
		check64(len);
}

static void
test_128(void **state)
{
	unsigned long out[2];

	for (size_t i = 0; i < sizeof(want128) / sizeof(want128[0]); i++) {
		siphash128(key, msg, want128[i].len, out);
		assert_int_equal(out[0], want128[i].out[0]);
		assert_int_equal(out[1], want128[i].out[1]);
	}
}

static void
test_unaligned_message(void **state)
{
	unsigned char buf[64 + 3];

	for (size_t len = 0; len < 61; len++) {
		memcpy(buf + 3, msg, len);
		assert_int_equal(siphash(key, buf + 3, len), want64[len]);
	}
}

static void
test_key_bit_changes_result(void **state)
{
	unsigned long k2[2] = { key[0], key[1] ^ (1UL << 63) };

	assert_int_not_equal(siphash(k2, msg, 15), want64[15]);
	k2[1] = key[1];
	k2[0] ^= 1;
	assert_int_not_equal(siphash(k2, msg, 15), want64[15]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_len0),
		cmocka_unit_test(test_len1),
		cmocka_unit_test(test_len7),
		cmocka_unit_test(test_len8),
		cmocka_unit_test(test_len15),
		cmocka_unit_test(test_len63),
		cmocka_unit_test(test_all_lengths),
		cmocka_unit_test(test_128),
		cmocka_unit_test(test_unaligned_message),
		cmocka_unit_test(test_key_bit_changes_result),
	};
	return cmocka_run_group_tests_name("siphash", tests, setup, NULL);
}
