// SPDX-License-Identifier: MIT
/*
 * Unit tests of the boot configuration parser and the boot module table
 * (nucleus/kern/bootconf.c).  Texts are passed in exact-size buffers with
 * no terminating NUL, so the parser must honour the length it is given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kern/types.h>
#include <kern/boot.h>
#include <motet/nucleus.h>

#define MAXE	8

static struct bootconf_entry e[MAXE];

/* Parses s (without its NUL) into e[], at most max entries. */
static int
parse_max(const char *s, int max)
{
	size_t n = strlen(s);
	char *c = malloc(n ? n : 1);
	int r;

	assert_non_null(c);
	memcpy(c, s, n);
	memset(e, 0x5a, sizeof(e));
	r = bootconf_parse(c, n, e, max);
	free(c);
	return r;
}

static int parse(const char *s) { return parse_max(s, MAXE); }

static void
test_empty_and_comment_only(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("\n\n"), 0);
	assert_int_equal(parse("# nothing here\n   \n\t# indented comment\n#"), 0);
}

static void
test_fields_and_verbatim_args(void **state)
{
	assert_int_equal(parse("user hello\n"
			       "supervisor trusted prio=rt:10 drv  a b\t c  \n"), 2);
	assert_int_equal(e[0].mode, K_ACTOR_USER);
	assert_false(e[0].trusted);
	assert_int_equal(e[0].prio, 0);
	assert_string_equal(e[0].module, "hello");
	assert_string_equal(e[0].args, "");
	assert_int_equal(e[0].line, 1);
	assert_int_equal(e[1].mode, K_ACTOR_SUPER);
	assert_true(e[1].trusted);
	assert_int_equal(e[1].prio, K_PRIO_RT(10));
	assert_string_equal(e[1].module, "drv");
	assert_string_equal(e[1].args, "a b\t c");
	assert_int_equal(e[1].line, 2);
}

static void
test_comment_ends_args(void **state)
{
	assert_int_equal(parse("  user echo one two   # say it twice\n"), 1);
	assert_string_equal(e[0].module, "echo");
	assert_string_equal(e[0].args, "one two");
}

static void
test_crlf_and_line_numbers(void **state)
{
	assert_int_equal(parse("\r\n# boot\r\nuser a one\r\n\r\nsupervisor b\r\n"), 2);
	assert_string_equal(e[0].args, "one");
	assert_int_equal(e[0].line, 3);
	assert_string_equal(e[1].module, "b");
	assert_string_equal(e[1].args, "");
	assert_int_equal(e[1].line, 5);
}

static void
test_last_line_without_newline(void **state)
{
	assert_int_equal(parse("user a\n\tuser\tb\tx"), 2);
	assert_string_equal(e[1].module, "b");
	assert_string_equal(e[1].args, "x");
	assert_int_equal(e[1].line, 2);
}

static void
test_realtime_priorities(void **state)
{
	assert_int_equal(parse("user prio=rt:0 a\nuser prio=rt:63 b\n"), 2);
	assert_int_equal(e[0].prio, K_PRIO_RT(0));
	assert_int_equal(e[1].prio, K_PRIO_RT(63));
	assert_int_equal(parse("user a\nuser prio=rt:64 b\n"), -2);
	assert_int_equal(parse("user prio=rt:-1 a\n"), -1);
	assert_int_equal(parse("user prio=rt: a\n"), -1);
	assert_int_equal(parse("user prio=rt:1x a\n"), -1);
	assert_int_equal(parse("user prio=rt:99999999999999999999999 a\n"), -1);
}

static void
test_timesharing_priorities(void **state)
{
	assert_int_equal(parse("user prio=ts:-20 a\nuser prio=ts:19 b\nuser prio=ts:0 c\n"), 3);
	assert_int_equal(e[0].prio, K_PRIO_TS(-20));
	assert_int_equal(e[1].prio, K_PRIO_TS(19));
	assert_int_equal(e[2].prio, K_PRIO_TS(0));
	assert_int_equal(parse("user prio=ts:20 a\n"), -1);
	assert_int_equal(parse("user prio=ts:-21 a\n"), -1);
	assert_int_equal(parse("user prio=ts:- a\n"), -1);
	assert_int_equal(parse("user prio=xx:1 a\n"), -1);
	assert_int_equal(parse("user prio= a\n"), -1);
}

static void
test_missing_mode_or_module(void **state)
{
	assert_int_equal(parse("hello\n"), -1);
	assert_int_equal(parse("trusted hello\n"), -1);
	assert_int_equal(parse("user a\n# ok\nuser\n"), -3);
	assert_int_equal(parse("supervisor trusted prio=rt:5   # no module\n"), -1);
	assert_int_equal(parse("user supervisor a\n"), -1);
	assert_int_equal(parse("user user a\n"), -1);
}

static void
test_too_many_entries(void **state)
{
	assert_int_equal(parse_max("user a\nuser b\n\nuser c\n", 2), -4);
	assert_int_equal(parse_max("user a\n", 0), -1);
	assert_int_equal(parse_max("# none\n\n", 0), 0);
}

static void
test_module_name_length(void **state)
{
	char line[300];
	char name[BOOTNAME_MAX + 1];

	memset(name, 'm', BOOTNAME_MAX - 1);
	name[BOOTNAME_MAX - 1] = '\0';
	snprintf(line, sizeof(line), "user %s arg\n", name);
	assert_int_equal(parse(line), 1);
	assert_string_equal(e[0].module, name);
	assert_string_equal(e[0].args, "arg");

	strcat(name, "m");			/* BOOTNAME_MAX characters */
	snprintf(line, sizeof(line), "user %s arg\n", name);
	assert_int_equal(parse(line), -1);

	memset(line, 'x', sizeof(line) - 1);	/* longer than any word buffer */
	memcpy(line, "user ", 5);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(parse(line), -1);
}

static void
test_length_is_honoured(void **state)
{
	const char *s = "user a\nuser b\n";

	memset(e, 0, sizeof(e));
	assert_int_equal(bootconf_parse(s, 7, e, MAXE), 1);
	assert_int_equal(bootconf_parse(s, 6, e, MAXE), 1);
	assert_string_equal(e[0].module, "a");
	assert_int_equal(bootconf_parse(s, 4, e, MAXE), -1);	/* "user" */
	assert_int_equal(bootconf_parse(s, 0, e, MAXE), 0);
}

static void
test_bootmod_find(void **state)
{
	memset(bootmods, 0, sizeof(bootmods));
	strcpy(bootmods[0].name, "init");
	strcpy(bootmods[1].name, "hello");
	strcpy(bootmods[2].name, "ghost");	/* beyond nbootmods */
	bootmods[1].pa = 0x200000;
	nbootmods = 2;
	assert_ptr_equal(bootmod_find("init"), &bootmods[0]);
	assert_ptr_equal(bootmod_find("hello"), &bootmods[1]);
	assert_int_equal(bootmod_find("hello")->pa, 0x200000);
	assert_null(bootmod_find("ghost"));
	assert_null(bootmod_find("hell"));
	assert_null(bootmod_find(""));
	nbootmods = 0;
	assert_null(bootmod_find("init"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_comment_only),
		cmocka_unit_test(test_fields_and_verbatim_args),
		cmocka_unit_test(test_comment_ends_args),
		cmocka_unit_test(test_crlf_and_line_numbers),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_realtime_priorities),
		cmocka_unit_test(test_timesharing_priorities),
		cmocka_unit_test(test_missing_mode_or_module),
		cmocka_unit_test(test_too_many_entries),
		cmocka_unit_test(test_module_name_length),
		cmocka_unit_test(test_length_is_honoured),
		cmocka_unit_test(test_bootmod_find),
	};
	return cmocka_run_group_tests_name("bootconf", tests, NULL, NULL);
}
