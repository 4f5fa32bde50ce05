/*
 * test_budget.c -- the work budgets of a scenario (sim/budget.c) at their
 * exact boundaries, and the diurnal rate fixes they rely on (sim/rate.c:
 * whole periods in O(1)).
 *
 * Expected values by hand: requests = rps x duration for a constant rate and
 * (min + max) / 2 x duration over whole periods of a diurnal one (the cosine
 * integrates to zero over a period); sample rows = duration / sample_interval
 * x (nodes + pods + workloads) with budget.h's limits, 10^10 requests and
 * 2.5 x 10^7 rows.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "budget.h"
#include "rate.h"
#include "scenario.h"
#include "ydoc.h"

#define F "tests/data/budget.yaml"

static int load_text(struct scenario *sc, const char *text, struct err *e)
{
	struct ydoc d;
	int rc = ydoc_load_string(&d, F, text, strlen(text), e);
	if (rc == 0)
		rc = scenario_from_doc(sc, &d, "models", e);
	else
		memset(sc, 0, sizeof(*sc));
	ydoc_release(&d);
	return rc;
}

static void expect_ok(const char *text)
{
	struct scenario sc;
	struct err e = { 0 };
	if (load_text(&sc, text, &e))
		fail_msg("%s", e.msg);
	scenario_release(&sc);
}

static void expect_error(const char *text, const char *msg)
{
	struct scenario sc;
	struct err e = { 0 };
	int rc = load_text(&sc, text, &e);
	if (rc != ERR_INPUT || strcmp(e.msg, msg) != 0)
		fail_msg("\n  got      %s\n  expected %s", rc ? e.msg : "(ok)", msg);
	scenario_release(&sc);
}

#define GROUP "node_groups: [{name: w, instance_type: m5.large, count: 1}]\n"
#define WEB "workloads: [{name: web}]\n"

static void test_requests_boundary(void **state)
{
	(void)state;
	/* 10^7 rps x 1000 s = 10^10 exactly: allowed. */
	expect_ok("name: t\nduration: 1000s\n" GROUP WEB
		  "traffic: [{workload: web, rate: {shape: constant, rps: 1e7}}]\n");
	/* 1 s more is 1.001e10 (marked at the rate map, column 33). */
	expect_error("name: t\nduration: 1001s\n" GROUP WEB
		     "traffic: [{workload: web, rate: {shape: constant, rps: 1e7}}]\n",
		     F ":5:33: traffic[0].rate: expected at most 10000000000 requests per run over "
		       "all traffic streams, got 1.001e+10 in 16m41s (rps x duration, streams "
		       "up to this one; shorten the run or lower the rate)");
	/* Steps integrate piecewise: 0 until 500 s, then 10^7 for 500 s is
	 * 5 x 10^9; a second stream of 5 x 10^6 for 1000 s brings 10^10. */
	expect_ok("name: t\nduration: 1000s\n" GROUP WEB
		  "traffic:\n"
		  "  - {workload: web, rate: {shape: steps, steps: [{at: 500s, rps: 1e7}]}}\n"
		  "  - {workload: web, rate: {shape: constant, rps: 5e6}}\n");
	/* A diurnal from 0 to 10^7 over 20 whole periods of 100 s: mean
	 * 5 x 10^6 x 2000 s = 10^10. */
	expect_ok("name: t\nduration: 2000s\n" GROUP WEB
		  "traffic: [{workload: web, rate: {shape: diurnal, min: 0, max: 1e7, "
		  "period: 100s}}]\n");
}

static void test_rows_boundary(void **state)
{
	(void)state;
	/* 9 nodes + 990 pods + 1 workload = 1000 rows a sample; 1500000 s at
	 * 1 min = 25000 samples: 2.5 x 10^7 rows exactly, allowed. */
	expect_ok("name: t\nduration: 1500000s\nsample_interval: 1m\n"
		  "node_groups: [{name: w, instance_type: m5.large, count: 9}]\n"
		  "workloads: [{name: web, replicas: 990}]\n");
	/* At 59 s it is over; the shortest interval is 1500000 x 1000 / 2.5e7
	 * = 60 s. */
	expect_error("name: t\nduration: 1500000s\nsample_interval: 59s\n"
		     "node_groups: [{name: w, instance_type: m5.large, count: 9}]\n"
		     "workloads: [{name: web, replicas: 990}]\n",
		     F ":3:18: sample_interval: expected a duration of at least 1m (at most "
		       "25000000 sample rows in 17d8h40m: 9 nodes + 990 pods + 1 workloads per "
		       "sample; or record.pod_samples: false), got \"59s\"");
	/* Without pod samples 10 rows a sample: fine. */
	expect_ok("name: t\nduration: 1500000s\nsample_interval: 59s\n"
		  "node_groups: [{name: w, instance_type: m5.large, count: 9}]\n"
		  "workloads: [{name: web, replicas: 990}]\nrecord: {pod_samples: false}\n");
	/* hpa.max counts, not replicas: 9 + 990 + 1 again. */
	expect_error("name: t\nduration: 1500000s\nsample_interval: 59s\n"
		     "node_groups: [{name: w, instance_type: m5.large, count: 9}]\n"
		     "workloads: [{name: web, replicas: 1, requests: {cpu: 10m}, "
		     "hpa: {max: 990}}]\n",
		     F ":3:18: sample_interval: expected a duration of at least 1m (at most "
		       "25000000 sample rows in 17d8h40m: 9 nodes + 990 pods + 1 workloads per "
		       "sample; or record.pod_samples: false), got \"59s\"");
}

/* A diurnal rate that is zero everywhere used to walk half periods forever. */
static void test_diurnal_zero(void **state)
{
	const struct rate zero = { .shape = RATE_DIURNAL, .min = 0, .max = 0, .period = 86400 };
	(void)state;
	assert_true(isinf(rate_advance(&zero, 0, 1.0)));
	assert_true(isinf(rate_advance(&zero, 1e6, 1e-9)));
	assert_true(rate_integral(&zero, 0, 366 * 86400.0) == 0);
}

/* A 1 us period: whole periods are skipped, so a year costs O(1). */
static void test_diurnal_short_period(void **state)
{
	const struct rate r = { .shape = RATE_DIURNAL, .min = 1, .max = 3, .period = 1e-6 };
	const double year = 366 * 86400.0;
	clock_t c0 = clock();
	double tau;
	(void)state;
	/* Mean 2 rps over whole periods. */
	assert_true(fabs(rate_integral(&r, 0, year) - 2 * year) <= 1e-6 * year);
	/* Lambda(0, tau) = 10^6 at tau = 5 x 10^5 s, within one period. */
	tau = rate_advance(&r, 0, 1e6);
	assert_true(fabs(tau - 5e5) <= 2e-6);
	/* Both were 10^13 half periods before the fix: far more than a second. */
	assert_true((double)(clock() - c0) / CLOCKS_PER_SEC < 1.0);
}

/* A tiny rate: the first arrival is after the end of any run, not a hang. */
static void test_diurnal_tiny_rate(void **state)
{
	const struct rate r = { .shape = RATE_DIURNAL, .min = 0, .max = 1e-300, .period = 3600 };
	(void)state;
	/* Lambda per period = 0.5e-300 x 3600 = 1.8e-297; x = 1 needs 5.6e296
	 * periods: about 2e300 s, or INFINITY where the double runs out. */
	assert_true(rate_advance(&r, 0, 1.0) > 1e299);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_boundary),
		cmocka_unit_test(test_rows_boundary),
		cmocka_unit_test(test_diurnal_zero),
		cmocka_unit_test(test_diurnal_short_period),
		cmocka_unit_test(test_diurnal_tiny_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
