// SPDX-License-Identifier: MIT
/*
 * Unit tests of the system's formatter (lib/fmt.c): each conversion,
 * flags and widths against literal expected strings, agreement with the
 * C library where the two are meant to agree, and truncation to the
 * buffer with NUL termination and the full length returned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...);

static char buf[256];

/* Formats through kvsnprintf and checks text and returned length.  Not
 * marked as printf-like: some formats here are deliberately odd. */
static void
check(const char *want, const char *fmt, ...)
{
	va_list ap;
	int r;

	memset(buf, 0x7f, sizeof(buf));
	va_start(ap, fmt);
	r = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_string_equal(buf, want);
	assert_int_equal(r, strlen(want));
}

static void
test_signed_decimal(void **state)
{
	check("0", "%d", 0);
	check("-42 17", "%d %i", -42, 17);
	check("-2147483648", "%d", INT_MIN);
	check("2147483647", "%d", INT_MAX);
	check("-9223372036854775808", "%ld", (long)INT64_MIN);
	check("-1", "%lld", -1LL);
	check("-5", "%zd", (ssize_t)-5);
}

static void
test_unsigned_and_bases(void **state)
{
	check("4294967295", "%u", UINT_MAX);
	check("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	check("123", "%zu", (size_t)123);
	check("deadbeef DEADBEEF", "%x %X", 0xdeadbeefU, 0xdeadbeefU);
	check("ffff800000000000", "%lx", 0xffff800000000000UL);
	check("0xffff800000000000", "%#lx", 0xffff800000000000UL);
	check("0x2a", "%#x", 42U);
	check("17", "%o", 15U);
	check("ffffffff", "%x", -1);		/* int promoted, printed as unsigned */
}

static void
test_pointer(void **state)
{
	check("0x1234", "%p", (void *)0x1234);
	check("0xffffffff80100000", "%p", (void *)0xffffffff80100000UL);
	check("0x0", "%p", NULL);
}

static void
test_strings_and_chars(void **state)
{
	check("abc", "%s", "abc");
	check("(null)", "%s", (char *)NULL);
	check("abc", "%.*s", 3, "abcdef");
	check("ab", "%.2s", "abcdef");
	check("ab", "%.10s", "ab");
	check("", "%.0s", "abc");
	check("x-y", "%c-%c", 'x', 'y');
	check("100%", "%d%%", 100);
	check("", "%s", "");
}

static void
test_width_and_padding(void **state)
{
	check("   42", "%5d", 42);
	check("42   |", "%-5d|", 42);
	check("-0042", "%05d", -42);
	check("  -42", "%5d", -42);
	check("0000beef", "%08x", 0xbeefU);
	check("     7", "%*d", 6, 7);
	check("12345", "%3d", 12345);
	check("  abc|abc  |", "%5s|%-5s|", "abc", "abc");
	check("   ab", "%5.2s", "abcdef");
	check("0x00ff", "%#06x", 0xffU);
	check("0xff    |", "%-#8x|", 0xffU);
	check("7    |", "%-05d|", 7);		/* '-' wins over '0' */
}

static void
test_alt_form_with_width(void **state)
{
	check("    0xff", "%#8x", 0xffU);		/* as printf: padding first */
}

static void
test_odd_formats(void **state)
{
	check("%q", "%q");
	check("abc", "abc%");
	check("a%", "a%%");
}

static void
test_agrees_with_libc(void **state)
{
	static const char *const fmts[] = { "%d", "%5d", "%-7d|", "%06d", "%u", "%x", "%08X", "%-9x|" };
	static const int vals[] = { 0, 1, -1, 9, 10, -99, 4096, 123456789, INT_MAX, INT_MIN };
	char want[64];

	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			snprintf(want, sizeof(want), fmts[f], vals[v]);
			check(want, fmts[f], vals[v]);
		}
}

static void
test_truncation(void **state)
{
	char small[8];

	memset(small, 0x7f, sizeof(small));
	assert_int_equal(ksnprintf(small, sizeof(small), "%s", "hello world"), 11);
	assert_string_equal(small, "hello w");

	assert_int_equal(ksnprintf(small, 4, "%d", 123456789), 9);
	assert_string_equal(small, "123");

	assert_int_equal(ksnprintf(small, 1, "abc"), 3);
	assert_int_equal(small[0], '\0');

	small[0] = 'Z';
	assert_int_equal(ksnprintf(small, 0, "abc%d", 5), 4);
	assert_int_equal(small[0], 'Z');
	assert_int_equal(ksnprintf(NULL, 0, "%s", "xyz"), 3);

	assert_int_equal(ksnprintf(small, sizeof(small), "%7s", "ab"), 7);
	assert_string_equal(small, "     ab");
	assert_int_equal(ksnprintf(small, sizeof(small), "%8s", "ab"), 8);
	assert_string_equal(small, "      a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_decimal),
		cmocka_unit_test(test_unsigned_and_bases),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_width_and_padding),
		cmocka_unit_test(test_alt_form_with_width),
		cmocka_unit_test(test_odd_formats),
		cmocka_unit_test(test_agrees_with_libc),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
