/*
 * test_fuzz_regressions.c -- replays every input the fuzzers found
 * (tests/data/fuzz/<target>/) and the seed corpus (fuzz/corpus/<target>/)
 * through the fuzz targets themselves (fuzz/targets.c, linked in by
 * CMakeLists.txt), under the test build's sanitizers.
 *
 * A target aborts when the library breaks a promise (fuzz/fuzz.h), so each
 * saved crash fails this test again if its fix is undone. The inputs kept
 * under tests/data/fuzz/ and the bug each one found are listed in
 * docs/robustness.md.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "fuzz.h"

typedef int (*target_fn)(const uint8_t *data, size_t size);

/* Replays every file of dir; returns how many (0 when dir is absent). */
static int replay_dir(const char *dir, target_fn fn)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[1024];
		FILE *f;
		uint8_t *buf;
		long len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		assert_true(len >= 0);
		rewind(f);
		buf = malloc((size_t)len + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		/* On a regression the target aborts: the file name is then the
		 * last line printed. */
		fprintf(stderr, "replaying %s\n", path);
		assert_int_equal(fn(buf, (size_t)len), 0);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

static int replay(const char *target, target_fn fn)
{
	char dir[256];
	int found;

	snprintf(dir, sizeof(dir), "tests/data/fuzz/%s", target);
	found = replay_dir(dir, fn);
	snprintf(dir, sizeof(dir), "fuzz/corpus/%s", target);
	/* The seed corpus is committed: an empty one means a broken tree. */
	assert_true(replay_dir(dir, fn) > 0);
	return found;
}

static void test_units(void **state)
{
	(void)state;
	/* Two findings are kept (docs/robustness.md). */
	assert_true(replay("units", fuzz_units) >= 2);
}

static void test_scenario(void **state)
{
	(void)state;
	replay("scenario", fuzz_scenario);
}

static void test_sweep(void **state)
{
	(void)state;
	replay("sweep", fuzz_sweep);
}

static void test_set(void **state)
{
	(void)state;
	replay("set", fuzz_set);
}

/* The targets must notice what they promise to notice: a duration that
 * formats to text which does not parse back aborted before the fix of
 * units_fmt_duration; here the same check passes on values near it. */
static void test_targets_accept_good_input(void **state)
{
	static const char *const ok[] = { "\x02" "0.0000000005s", "\x02" "1h30m",
					  "\x01" "9223372036854775807", "\x00" "0.0001" };
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		assert_int_equal(fuzz_units((const uint8_t *)ok[i], 1 + strlen(ok[i] + 1)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_scenario),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_targets_accept_good_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
