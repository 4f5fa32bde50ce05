/*
 * test_units.c -- every quantity form of units.h and its errors.
 *
 * Expected values are computed by hand from the Kubernetes quantity rules
 * (k8s.io/apimachinery/pkg/api/resource: binary suffixes Ki..Ei = 2^10..2^60,
 * decimal k..E = 10^3..10^18, "m" = 10^-3, values rounded UP to the
 * smallest unit: MilliValue of "0.0001" is 1) and Go's time.ParseDuration
 * unit names (plus "d" = 24h).
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "units.h"

static int64_t cpu(const char *s)
{
	int64_t v = -12345;
	const char *why = NULL;
	assert_int_equal(units_cpu(s, &v, &why), 0);
	return v;
}

static int64_t mem(const char *s)
{
	int64_t v = -12345;
	const char *why = NULL;
	assert_int_equal(units_memory(s, &v, &why), 0);
	return v;
}

static double dur(const char *s)
{
	double v = -1;
	const char *why = NULL;
	assert_int_equal(units_duration(s, &v, &why), 0);
	return v;
}

static void test_cpu_forms(void **state)
{
	(void)state;
	assert_int_equal(cpu("250m"), 250);
	assert_int_equal(cpu("0.5"), 500);
	assert_int_equal(cpu("2"), 2000);
	assert_int_equal(cpu("1.5"), 1500);
	assert_int_equal(cpu("1500m"), 1500);
	assert_int_equal(cpu("0"), 0);
	assert_int_equal(cpu("0m"), 0);
	assert_int_equal(cpu(".5"), 500);
	assert_int_equal(cpu("1e3"), 1000000);     /* 1000 cores */
	assert_int_equal(cpu("2.5e-1"), 250);
	/* Exact decimal arithmetic: 0.1 cores is 100m, not 101m. */
	assert_int_equal(cpu("0.1"), 100);
	assert_int_equal(cpu("0.3"), 300);
	/* Rounded up to whole millicores like the API server. */
	assert_int_equal(cpu("0.0001"), 1);
	assert_int_equal(cpu("1.0001"), 1001);
	assert_int_equal(cpu("922337203685477580m"), 922337203685477580LL); /* 18 digits */
	assert_int_equal(cpu("9223372036854775"), 9223372036854775000LL);
}

static void test_cpu_errors(void **state)
{
	static const char *const bad[] = {
		"", "abc", "-1", "-250m", "+1", "1.5.5", "1 ", " 1", "1x", "nan", "NaN", "inf",
		"Infinity", "1mm", "1M", "1Ki", "0x10", "1,5", "m", ".",
		"1e", /* 1 and junk */
		"9223372036854775808m", /* int64 overflow */
		"1e30",                 /* overflow */
		"1.0000000000000000001", /* more digits than kept exactly */
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 7;
		const char *why = NULL;
		assert_int_equal(units_cpu(bad[i], &v, &why), -1);
		assert_string_equal(why, "a CPU quantity like 250m or 0.5");
		assert_int_equal(v, 7); /* untouched on error */
	}
}

static void test_memory_forms(void **state)
{
	(void)state;
	assert_int_equal(mem("100Mi"), 100LL * 1048576);
	assert_int_equal(mem("4Gi"), 4LL << 30);
	assert_int_equal(mem("512M"), 512000000LL);
	assert_int_equal(mem("1e3"), 1000);
	assert_int_equal(mem("1E3"), 1000);          /* exponent, not exa */
	assert_int_equal(mem("1E"), 1000000000000000000LL); /* exa */
	assert_int_equal(mem("1048576"), 1048576);
	assert_int_equal(mem("1.5Gi"), 1610612736LL); /* 1.5 * 2^30 */
	assert_int_equal(mem("100k"), 100000);
	assert_int_equal(mem("1Ki"), 1024);
	assert_int_equal(mem("1Ti"), 1LL << 40);
	assert_int_equal(mem("2Pi"), 1LL << 51);
	assert_int_equal(mem("1Ei"), 1LL << 60);
	assert_int_equal(mem("7Ei"), 7LL << 60);
	assert_int_equal(mem("1T"), 1000000000000LL);
	assert_int_equal(mem("3P"), 3000000000000000LL);
	assert_int_equal(mem("129e6"), 129000000);
	assert_int_equal(mem("0"), 0);
	/* milli-bytes and fractions round up to whole bytes */
	assert_int_equal(mem("1500m"), 2);
	assert_int_equal(mem("1m"), 1);
	assert_int_equal(mem("0.5"), 1);
	assert_int_equal(mem("0.1Ki"), 103); /* 102.4 -> 103 */
}

static void test_memory_errors(void **state)
{
	static const char *const bad[] = {
		"lots", "", "-1Mi", "-1", "1KB", "1K" /* Kubernetes has no K */, "1 Mi", "Mi",
		"1.2.3Mi", "nan", "inf", "1mi", "1MiB", "8Ei" /* 2^63 overflows int64 */,
		"1e400", "99999999999999999999" /* 20 significant digits */,
		"1.0000000000000000001Ki", "0x100", "1_000",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 7;
		const char *why = NULL;
		assert_int_equal(units_memory(bad[i], &v, &why), -1);
		assert_string_equal(why, "a memory quantity like 128Mi");
	}
}

static void test_duration_forms(void **state)
{
	(void)state;
	assert_true(dur("250ms") == 0.25);
	assert_true(dur("15s") == 15);
	assert_true(dur("10m") == 600);
	assert_true(dur("24h") == 86400);
	assert_true(dur("7d") == 604800);
	assert_true(dur("1h30m") == 5400);
	assert_true(dur("30m1h") == 5400); /* Go accepts any order */
	assert_true(dur("1.5h") == 5400);
	assert_true(dur("0") == 0);
	assert_true(dur("0s") == 0);
	assert_true(dur("90") == 90); /* a bare number is seconds */
	assert_true(dur("2.5") == 2.5);
	assert_true(fabs(dur("100us") - 1e-4) < 1e-15);
	assert_true(fabs(dur("100\xc2\xb5s") - 1e-4) < 1e-15);
	assert_true(fabs(dur("5ns") - 5e-9) < 1e-20);
	assert_true(dur("1m30s") == 90);
	assert_true(dur("2h45m30.5s") == 9930.5);
	assert_true(dur("1d12h") == 129600);
	assert_true(dur("366d") == 366 * 86400.0);
}

static void test_duration_errors(void **state)
{
	static const char *const bad[] = {
		"", "-1s", "1x", "s", "1h30", "1.5.5h", "nan", "inf", " 1s", "1s ", "1e3s",
		"99999999999999d" /* beyond 1e12 s */, "1h-30m", "1H", "1 h", "h1", ".s", "1sm",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double v = 7;
		const char *why = NULL;
		assert_int_equal(units_duration(bad[i], &v, &why), -1);
		assert_string_equal(why, "a duration like 15s or 1h30m");
		assert_true(v == 7);
	}
}

static void test_number_int_bool(void **state)
{
	static const char *const badnum[] = { "nan", ".", "1e", "abc", "inf", "-inf", "1e999",
					      "0x10", "", "1.5x", "--1", "1 " };
	static const char *const badint[] = { "-1", "9223372036854775808", "1.0", "", "1e3",
					      " 1", "+1", "0x1" };
	double d = 0;
	int64_t i64 = 0;
	int b = -1;
	const char *why = NULL;
	size_t i;
	(void)state;

	assert_int_equal(units_number("1.5", &d, &why), 0);
	assert_true(d == 1.5);
	assert_int_equal(units_number("-2", &d, &why), 0);
	assert_true(d == -2);
	assert_int_equal(units_number("1e3", &d, &why), 0);
	assert_true(d == 1000);
	assert_int_equal(units_number("+0.05", &d, &why), 0);
	assert_true(d == 0.05);
	for (i = 0; i < sizeof(badnum) / sizeof(badnum[0]); i++) {
		assert_int_equal(units_number(badnum[i], &d, &why), -1);
		assert_string_equal(why, "a number");
	}

	assert_int_equal(units_int("0", &i64, &why), 0);
	assert_int_equal(i64, 0);
	assert_int_equal(units_int("123", &i64, &why), 0);
	assert_int_equal(i64, 123);
	assert_int_equal(units_int("9223372036854775807", &i64, &why), 0);
	assert_int_equal(i64, INT64_MAX);
	for (i = 0; i < sizeof(badint) / sizeof(badint[0]); i++)
		assert_int_equal(units_int(badint[i], &i64, &why), -1);

	assert_int_equal(units_bool("true", &b, &why), 0);
	assert_int_equal(b, 1);
	assert_int_equal(units_bool("False", &b, &why), 0);
	assert_int_equal(b, 0);
	assert_int_equal(units_bool("yes", &b, &why), 0);
	assert_int_equal(b, 1);
	assert_int_equal(units_bool("off", &b, &why), 0);
	assert_int_equal(b, 0);
	assert_int_equal(units_bool("maybe", &b, &why), -1);
	assert_int_equal(units_bool("1", &b, &why), -1);
	assert_string_equal(why, "true or false");
}

static void test_formatting(void **state)
{
	char buf[64];
	(void)state;
	units_fmt_cpu(buf, sizeof(buf), 250);
	assert_string_equal(buf, "250m");
	units_fmt_cpu(buf, sizeof(buf), 1500);
	assert_string_equal(buf, "1.5");
	units_fmt_cpu(buf, sizeof(buf), 2000);
	assert_string_equal(buf, "2");
	units_fmt_cpu(buf, sizeof(buf), 1250);
	assert_string_equal(buf, "1250m");
	units_fmt_cpu(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0");

	units_fmt_memory(buf, sizeof(buf), 100LL << 20);
	assert_string_equal(buf, "100Mi");
	units_fmt_memory(buf, sizeof(buf), 1000);
	assert_string_equal(buf, "1k");
	units_fmt_memory(buf, sizeof(buf), 512000000);
	assert_string_equal(buf, "512M");
	units_fmt_memory(buf, sizeof(buf), 1536);
	assert_string_equal(buf, "1536");
	units_fmt_memory(buf, sizeof(buf), 1610612736LL);
	assert_string_equal(buf, "1536Mi");
	units_fmt_memory(buf, sizeof(buf), 4LL << 30);
	assert_string_equal(buf, "4Gi");
	units_fmt_memory(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0");

	units_fmt_duration(buf, sizeof(buf), 5400);
	assert_string_equal(buf, "1h30m");
	units_fmt_duration(buf, sizeof(buf), 0.25);
	assert_string_equal(buf, "250ms");
	units_fmt_duration(buf, sizeof(buf), 604800);
	assert_string_equal(buf, "7d");
	units_fmt_duration(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0s");
	units_fmt_duration(buf, sizeof(buf), 90.5);
	assert_string_equal(buf, "1m30s500ms");
	units_fmt_duration(buf, sizeof(buf), 15);
	assert_string_equal(buf, "15s");
}

/* Formatting then parsing gives the value back. */
static void test_round_trip(void **state)
{
	static const int64_t cpus[] = { 0, 1, 99, 250, 1000, 1500, 1999, 123456789 };
	static const int64_t mems[] = { 0,     1,          1000,          1024,
					1536,  100LL << 20, 512000000,     (1LL << 40) + 1,
					7LL << 60 };
	static const double durs[] = { 0, 0.001, 0.25, 1, 59.5, 90.5, 3600, 5400, 86399.999,
				       604800, 1e-6, 31622400 };
	char buf[64];
	const char *why;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		int64_t v;
		units_fmt_cpu(buf, sizeof(buf), cpus[i]);
		assert_int_equal(units_cpu(buf, &v, &why), 0);
		assert_int_equal(v, cpus[i]);
	}
	for (i = 0; i < sizeof(mems) / sizeof(mems[0]); i++) {
		int64_t v;
		units_fmt_memory(buf, sizeof(buf), mems[i]);
		assert_int_equal(units_memory(buf, &v, &why), 0);
		assert_int_equal(v, mems[i]);
	}
	for (i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		double v;
		units_fmt_duration(buf, sizeof(buf), durs[i]);
		assert_int_equal(units_duration(buf, &v, &why), 0);
		assert_true(fabs(v - durs[i]) <= 1e-9 * (1 + durs[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_forms),      cmocka_unit_test(test_cpu_errors),
		cmocka_unit_test(test_memory_forms),   cmocka_unit_test(test_memory_errors),
		cmocka_unit_test(test_duration_forms), cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_number_int_bool), cmocka_unit_test(test_formatting),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
