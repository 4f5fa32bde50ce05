/*
 * test_sweep.c -- sweep files: loading, point enumeration (the last
 * parameter varies fastest, sweep.h), JSON of a point, validation of every
 * point (or a covering set beyond SWEEP_VALIDATE_ALL points), and errors.
 * Positions in expected messages are counted by hand in the files.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"

static void test_load_and_points(void **state)
{
	/* Expected value indices (type, count, memory) of each point p:
	 * type = p / 6 % 2, count = p / 2 % 3, memory = p % 2. */
	static const char *const types[] = { "big.custom", "m5.large" };
	static const char *const counts[] = { "2", "3", "4" };
	static const char *const mems[] = { "256Mi", "512Mi" };
	struct sweep s;
	struct err e = { 0 };
	struct override o[3];
	int p;
	char *json;
	(void)state;

	if (sweep_load(&s, "tests/data/sweep.yaml", &e))
		fail_msg("%s", e.msg);
	assert_string_equal(s.scenario_path, "tests/data/full.yaml");
	assert_int_equal(s.replications, 3);
	assert_int_equal(s.nparams, 3);
	assert_int_equal(s.npoints, 12);
	assert_int_equal(sweep_nruns(&s), 36);
	assert_string_equal(s.params[1].path, "node_groups.workers.count");
	/* where each value was written: line 6, "  node_groups.workers.count: [" is 30 chars */
	assert_int_equal(s.params[1].marks[0].line, 6);
	assert_int_equal(s.params[1].marks[0].col, 31);
	assert_int_equal(s.params[1].marks[2].col, 37);
	for (p = 0; p < s.npoints; p++) {
		sweep_point_overrides(&s, p, o);
		assert_string_equal(o[0].path, "node_groups.workers.instance_type");
		assert_string_equal(o[0].value, types[p / 6 % 2]);
		assert_string_equal(o[1].value, counts[p / 2 % 3]);
		assert_string_equal(o[2].value, mems[p % 2]);
	}
	json = sweep_point_json(&s, 7);
	assert_string_equal(json, "{\"node_groups.workers.instance_type\":\"m5.large\","
				  "\"node_groups.workers.count\":2,"
				  "\"workloads.web.limits.memory\":\"512Mi\"}");
	free(json);
	if (sweep_validate(&s, "models", &e))
		fail_msg("%s", e.msg);
	sweep_release(&s);
	sweep_release(&s); /* twice is safe */
}

static void test_overrides_json(void **state)
{
	struct override o[4];
	struct err e = { 0 };
	char *json;
	(void)state;

	assert_int_equal(override_parse("workloads.web.replicas=5", &o[0], &e), 0);
	assert_int_equal(override_parse("name=a \"q\"", &o[1], &e), 0);
	assert_int_equal(override_parse("x.y=-1.5e3", &o[2], &e), 0);
	assert_int_equal(override_parse("flag=true", &o[3], &e), 0);
	json = overrides_json(o, 4);
	assert_string_equal(json, "{\"workloads.web.replicas\":5,\"name\":\"a \\\"q\\\"\","
				  "\"x.y\":-1.5e3,\"flag\":true}");
	free(json);
	json = overrides_json(o, 0);
	assert_string_equal(json, "{}");
	free(json);
	/* JSON has no leading zeros, '+' or bare dots: those stay strings. */
	assert_int_equal(override_parse("a=007", &o[0], &e), 0);
	assert_int_equal(override_parse("b=.5", &o[1], &e), 0);
	json = overrides_json(o, 2);
	assert_string_equal(json, "{\"a\":\"007\",\"b\":\".5\"}");
	free(json);
}

static void expect_validate_error(const char *file, const char *msg)
{
	struct sweep s;
	struct err e = { 0 };
	if (sweep_load(&s, file, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(sweep_validate(&s, "models", &e), ERR_INPUT);
	assert_string_equal(e.msg, msg);
	sweep_release(&s);
}

static void test_validate_errors(void **state)
{
	(void)state;
	/* A bad value points into the sweep file. */
	expect_validate_error("tests/data/sweep-bad-value.yaml",
			      "tests/data/sweep-bad-value.yaml:3:40: workloads[web].limits.memory: "
			      "expected a memory quantity like 128Mi, got \"lots\" (sweep point 1: "
			      "{\"workloads.web.limits.memory\":\"lots\"})");
	/* A path to a list item that does not exist. */
	expect_validate_error("tests/data/sweep-bad-item.yaml",
			      "tests/data/sweep-bad-item.yaml:3:30: node_groups: expected the name "
			      "of an item of node_groups (system, workers), got \"wrkers\" (sweep "
			      "point 0: {\"node_groups.wrkers.count\":1})");
	/* Only one combination is invalid: every point is checked. */
	expect_validate_error("tests/data/sweep-combination.yaml",
			      "tests/data/sweep-combination.yaml:5:32: node_groups[workers].min: "
			      "expected an integer of at most count (1), got \"2\" (sweep point 1: "
			      "{\"node_groups.workers.count\":1,\"node_groups.workers.min\":2})");
}

/* Beyond SWEEP_VALIDATE_ALL points, a covering set still loads every value. */
static void test_validate_covering(void **state)
{
	char text[4096], scen[1024], *cwd;
	size_t len = 0;
	int i;
	struct sweep s;
	struct err e = { 0 };
	const char *path;
	(void)state;

	cwd = getcwd(NULL, 0);
	snprintf(scen, sizeof(scen), "%s/scenarios/examples/minimal.yaml", cwd);
	free(cwd);
	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"scenario: %s\nparameters:\n  node_groups.workers.count: [", scen);
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%d", i ? ", " : "", i);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "]\n  seed: [");
	for (i = 0; i < 39; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%d, ", i + 1);
	snprintf(text + len, sizeof(text) - len, "x]\n");
	path = tu_write_file("covering.yaml", text);
	if (sweep_load(&s, path, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(s.npoints, 1600); /* > SWEEP_VALIDATE_ALL: 40 points are loaded */
	assert_int_equal(sweep_validate(&s, "models", &e), ERR_INPUT);
	/* k = 39: count 39, seed "x" = point 39 x 40 + 39 = 1599. */
	assert_non_null(strstr(e.msg, ": seed: expected an integer of at least 0, got \"x\" "
				      "(sweep point 1599: "));
	sweep_release(&s);
}

static void expect_load_error(const char *name, const char *text, const char *suffix)
{
	struct sweep s;
	struct err e = { 0 };
	char want[1024];
	const char *path = tu_write_file(name, text);
	snprintf(want, sizeof(want), "%s%s", path, suffix);
	assert_int_equal(sweep_load(&s, path, &e), ERR_INPUT);
	assert_string_equal(e.msg, want);
	sweep_release(&s);
}

static void test_load_errors(void **state)
{
	char text[2048];
	size_t len = 0;
	int i;
	(void)state;

	expect_load_error("a.yaml", "scenario: x.yaml\nreplications: 0\n",
			  ":2:15: replications: expected an integer from 1 to 10000, got \"0\"");
	expect_load_error("b.yaml", "scenario: x.yaml\nreplication: 2\n",
			  ":2:1: unknown key \"replication\" (did you mean \"replications\"?)");
	expect_load_error("c.yaml", "replications: 2\n", ":1:1: missing required key \"scenario\"");
	expect_load_error("d.yaml", "scenario: x.yaml\nparameters:\n  seed: 3\n",
			  ":3:9: parameters.seed: expected a non-empty list of values like [1, 2], "
			  "got \"3\"");
	expect_load_error("e.yaml", "scenario: x.yaml\nparameters:\n  seed: []\n",
			  ":3:9: parameters.seed: expected a non-empty list of values like [1, 2], "
			  "got an empty list");
	expect_load_error("f.yaml", "scenario: x.yaml\nparameters: [a]\n",
			  ":2:13: parameters: expected a map of paths to lists of values, got a "
			  "list");
	expect_load_error("g.yaml", "- a\n", ":1:1: expected a map with scenario and parameters, "
					     "got a list");
	{
		char want[512];
		snprintf(want, sizeof(want),
			 ":1:11: scenario: expected a readable scenario file, relative to the "
			 "sweep file (%s/nope.yaml: No such file or directory), got \"nope.yaml\"",
			 tu_tmpdir());
		expect_load_error("h.yaml", "scenario: nope.yaml\n", want);
	}
	/* 7 parameters of 10 values: the 7th brings the product to 10^7 > 10^6. */
	len += (size_t)snprintf(text + len, sizeof(text) - len, "scenario: x.yaml\nparameters:\n");
	for (i = 0; i < 7; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"  p%d: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n", i);
	expect_load_error("i.yaml", text,
			  ":9:7: parameters.p6: expected fewer values: at most 1000000 points in a "
			  "sweep (the product of the list lengths reaches 10000000 here), got a "
			  "list");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_points),
		cmocka_unit_test(test_overrides_json),
		cmocka_unit_test(test_validate_errors),
		cmocka_unit_test(test_validate_covering),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
