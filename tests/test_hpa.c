/*
 * test_hpa.c -- the HorizontalPodAutoscaler: the replica calculator on the
 * upstream cases (reference §5.3), groupPods' CPU rules, the behavior
 * defaults (§5.2), and whole runs with a traffic step.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "hpa.h"
#include "results.h"
#include "scenario.h"

/* ---- replica calculator: replica_calculator_test.go (reference §5.3) ----
 * Every upstream test pod has 2 containers with the listed request each
 * and usage `level` per container: a pod requests 2 x request and uses
 * 2 x level. The readiness of the upstream pods is given here as the
 * group groupPods puts them in (unready test pods have never been
 * ready; Pending ones are unready; pods without metric are missing). */

struct calc_case {
	const char *name;
	int current, target;
	int n;
	int64_t request[5];  /* millicores per container */
	int64_t level[5];    /* millicores per container */
	enum hpa_group group[5];
	int want_replicas, want_util;
};

#define R HPA_READY
#define U HPA_UNREADY
#define M HPA_MISSING
#define I HPA_IGNORED

static const struct calc_case calc_cases[] = {
	/* (300+500+700) x 2 x 100 / 6000 = 50 % -> 50/30 x 3 = 5 */
	{"ScaleUp", 3, 30, 3, {1000, 1000, 1000}, {300, 500, 700}, {R, R, R}, 5, 50},
	/* ready 2400/4000 = 60 %; with pod0 at 0: 2400/6000 = 40 % -> ceil(1.33 x 3) = 4 */
	{"ScaleUpUnreadyLessScale", 3, 30, 3, {1000, 1000, 1000}, {300, 500, 700}, {U, R, R}, 4,
	 60},
	/* ready 800/2000 = 40 %; rebalanced 800/6000 = 13 %: direction flips -> 3 */
	{"ScaleUpUnreadyNoScale", 3, 30, 3, {1000, 1000, 1000}, {400, 500, 700}, {R, U, U}, 3, 40},
	/* 2800/10000 = 28 % -> ceil(0.56 x 5) = 3 */
	{"ScaleDown", 5, 50, 5, {1000, 1000, 1000, 1000, 1000}, {100, 300, 500, 250, 250},
	 {R, R, R, R, R}, 3, 28},
	/* 1800/6000 = 30 % -> ceil(0.6 x 3) = 2; unready pods are not rebalanced downwards */
	{"ScaleDownExcludeUnreadyPods", 5, 50, 5, {1000, 1000, 1000, 1000, 1000},
	 {100, 300, 500, 250, 250}, {R, R, R, U, U}, 2, 30},
	/* only pod0 has a metric: 200/2000 = 10 % -> ceil(0.2 x 1) = 1 */
	{"ScaleDownExcludeUnscheduledPods", 5, 50, 5, {1000, 1000, 1000, 1000, 1000},
	 {100, 0, 0, 0, 0}, {R, U, U, U, U}, 1, 10},
	/* 6120/6000 = 102 %: within the 0.1 band -> 3 */
	{"Tolerance", 3, 100, 3, {900, 1000, 1100}, {1010, 1030, 1020}, {R, R, R}, 3, 102},
	/* 990/4000 = 24 %; missing pods at 100 %: 4990/8000 = 62 % -> ceil(0.62 x 4) = 3 */
	{"MissingMetrics", 4, 100, 4, {1000, 1000, 1000, 1000}, {400, 95, 0, 0}, {R, R, M, M}, 3,
	 24},
	/* ready 4000/2000 = 200 %; missing and unready at 0: 4000/6000 = 66 % -> 4 */
	{"MissingMetricsUnreadyScaleUp", 3, 50, 3, {1000, 1000, 1000}, {100, 2000, 0}, {U, R, M},
	 4, 200},
	/* ready 900/2000 = 45 %; missing at 100 %: 2900/4000 = 72 %: flips -> 3 */
	{"MissingMetricsUnreadyChange", 3, 50, 3, {1000, 1000, 1000}, {100, 450, 0}, {U, R, M}, 3,
	 45},
	/* ready 400/6000 = 6 %; missing pod3 at max(100, 300) % of 4000:
	 * 12400/10000 = 124 % -> ceil(0.4133 x 3) = 2 */
	{"MissingMetricsScaleDownTargetOver100", 4, 300, 4, {1000, 1000, 2000, 2000},
	 {200, 100, 100, 0}, {U, R, R, M}, 2, 6},
	/* the 2 Failed pods are ignored: 2400/4000 = 60 % -> ceil(2 x 2) = 4 */
	{"ScaleUpIgnoresFailedPods", 2, 30, 4, {1000, 1000, 1000, 1000}, {500, 700, 0, 0},
	 {R, R, I, I}, 4, 60},
};

static void calculator_cases(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_LEN(calc_cases); k++) {
		const struct calc_case *c = &calc_cases[k];
		struct hpa_pod pods[5];
		int util = -1, got;
		for (int i = 0; i < c->n; i++) {
			pods[i].request = 2 * c->request[i];
			pods[i].usage = 2 * c->level[i];
			pods[i].group = c->group[i];
		}
		got = hpa_calc_replicas(pods, c->n, c->current, c->target, HPA_TOLERANCE, &util);
		if (got != c->want_replicas || util != c->want_util)
			fail_msg("%s: got %d replicas at %d %%, want %d at %d %%", c->name, got,
				 util, c->want_replicas, c->want_util);
	}
}

/* No ready pod with a metric: the controller does not act (-1). */
static void calculator_no_metrics(void **state)
{
	struct hpa_pod pods[2] = {{1000, 0, HPA_UNREADY}, {1000, 0, HPA_MISSING}};
	int util = -1;
	(void)state;
	assert_int_equal(hpa_calc_replicas(pods, 2, 2, 50, HPA_TOLERANCE, &util), -1);
}

/* The band is closed on both sides (Tolerances.isWithin): 55 % and 45 %
 * of a 50 % target are ratios 1.1 and 0.9, both kept; 56 % is not. */
static void tolerance_band_edges(void **state)
{
	struct hpa_pod p = {1000, 0, HPA_READY};
	int util;
	(void)state;
	p.usage = 550;
	assert_int_equal(hpa_calc_replicas(&p, 1, 10, 50, HPA_TOLERANCE, &util), 10);
	p.usage = 450;
	assert_int_equal(hpa_calc_replicas(&p, 1, 10, 50, HPA_TOLERANCE, &util), 10);
	p.usage = 560; /* ratio 1.12 over 1 ready pod: ceil(1.12) = 2 */
	assert_int_equal(hpa_calc_replicas(&p, 1, 10, 50, HPA_TOLERANCE, &util), 2);
}

/* ---- groupPods for CPU (reference §5.1), defaults 5 min / 30 s ------------ */

static void group_pods_rules(void **state)
{
	struct hpa_pod_view v;
	(void)state;

	memset(&v, 0, sizeof(v));
	v.deleting = 1;
	assert_int_equal(hpa_group_pod(&v, 100), HPA_IGNORED);
	memset(&v, 0, sizeof(v));
	v.pending = 1;
	assert_int_equal(hpa_group_pod(&v, 100), HPA_UNREADY);
	memset(&v, 0, sizeof(v));
	assert_int_equal(hpa_group_pod(&v, 100), HPA_MISSING);

	/* Within the CPU initialization period (started at 0, now < 300):
	 * Ready at 10, metric window 15 s ending at 25: collected entirely
	 * after the transition -> ready; ending at 24 -> unready. */
	v = (struct hpa_pod_view){0, 0, 1, 1, 0.0, 10.0, 25.0, 15.0};
	assert_int_equal(hpa_group_pod(&v, 25.0), HPA_READY);
	v.metric_t = 24.0;
	assert_int_equal(hpa_group_pod(&v, 24.0), HPA_UNREADY);
	v = (struct hpa_pod_view){0, 0, 1, 0, 0.0, 0.0, 100.0, 15.0};
	assert_int_equal(hpa_group_pod(&v, 100.0), HPA_UNREADY);

	/* After it (now 400): a pod not Ready is left out only when it has
	 * never been Ready (transition within 30 s of its start). */
	v = (struct hpa_pod_view){0, 0, 1, 0, 0.0, 5.0, 400.0, 15.0};
	assert_int_equal(hpa_group_pod(&v, 400.0), HPA_UNREADY);
	v.ready_ltt = 100.0;
	assert_int_equal(hpa_group_pod(&v, 400.0), HPA_READY);
	v.ready = 1;
	v.ready_ltt = 395.0; /* a recent transition no longer matters */
	assert_int_equal(hpa_group_pod(&v, 400.0), HPA_READY);
}

/* ---- behavior defaults (reference §5.2) ---------------------------------- */

/* Scale-up limit max(current + 4, ceil(2 x current)) with no event in the
 * last 15 s: 1 -> 5, 2 -> 6, 3 -> 7, 10 -> 20. */
static void scale_up_policy_limits(void **state)
{
	static const int cur[] = {1, 2, 3, 10}, want[] = {5, 6, 7, 20};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cur); i++) {
		struct hpa_history h;
		hpa_history_init(&h, &hpa_default_up, &hpa_default_down);
		assert_int_equal(hpa_normalize(&h, 15.0, cur[i], 1000, 1, 1000), want[i]);
		hpa_history_release(&h);
	}
}

/* A change within the policy period counts against the next one: 2 -> 6
 * at t = 0; at t = 10 the period started at 2, so the limit is still 6;
 * at t = 15 the event is at the cutoff (not after it) and 6 -> 12. */
static void scale_up_policy_period(void **state)
{
	struct hpa_history h;
	(void)state;
	hpa_history_init(&h, &hpa_default_up, &hpa_default_down);
	assert_int_equal(hpa_normalize(&h, 0.0, 2, 100, 1, 1000), 6);
	hpa_record_scale(&h, 0.0, 2, 6);
	assert_int_equal(hpa_normalize(&h, 10.0, 6, 100, 1, 1000), 6);
	assert_int_equal(hpa_normalize(&h, 15.0, 6, 100, 1, 1000), 12);
	hpa_history_release(&h);
}

/* Scale-down stabilization: the highest recommendation of the last 300 s
 * (strictly after now - 300) wins; the 100 %-per-15 s policy then lets
 * it go all the way down (to min). */
static void scale_down_stabilization(void **state)
{
	struct hpa_history h;
	(void)state;
	hpa_history_init(&h, &hpa_default_up, &hpa_default_down);
	assert_int_equal(hpa_normalize(&h, 0.0, 10, 10, 1, 20), 10);
	for (double t = 15.0; t < 300.0; t += 15.0)
		assert_int_equal(hpa_normalize(&h, t, 10, 3, 1, 20), 10);
	assert_int_equal(hpa_normalize(&h, 300.0, 10, 3, 1, 20), 3);
	hpa_record_scale(&h, 300.0, 10, 3);
	/* The window now holds only 3s: a recommendation of 0 keeps 3. */
	assert_int_equal(hpa_normalize(&h, 315.0, 3, 0, 2, 20), 3);
	hpa_history_release(&h);
	/* With nothing in the window, 10 -> 0 is allowed by the policy
	 * (int(10 x (1 - 100/100)) = 0) and clamped to min 2. */
	hpa_history_init(&h, &hpa_default_up, &hpa_default_down);
	assert_int_equal(hpa_normalize(&h, 0.0, 10, 0, 2, 20), 2);
	hpa_history_release(&h);
}

/* ---- whole runs ------------------------------------------------------------ */

static int scale_events(const struct results *r, double *t, int *size, int max)
{
	int n = 0;
	for (size_t i = 0; i < r->n_events && n < max; i++) {
		const struct res_event *e = &r->events[i];
		if (strcmp(e->kind, "HPAScale") != 0)
			continue;
		t[n] = e->t;
		assert_int_equal(sscanf(e->message, "New size: %d", &size[n]), 1);
		n++;
	}
	return n;
}

/* service_samples.replicas of workload at time t (-1 when absent). */
static int replicas_at(const struct results *r, double t)
{
	for (size_t i = 0; i < r->n_service_samples; i++)
		if (r->service_samples[i].t == t)
			return r->service_samples[i].replicas;
	return -1;
}

#define STEP_YAML(arrival, work)                                                              \
	"name: hpa-step\nduration: 1500s\nsample_interval: 15s\n"                             \
	"node_groups:\n  - {name: w, instance_type: m5.4xlarge, count: 1}\n"                   \
	"workloads:\n  - name: api\n    replicas: 2\n"                                        \
	"    requests: {cpu: 1, memory: 256Mi}\n"                                              \
	"    request_cpu: " work "\n    concurrency: 1000\n"                                    \
	"    hpa: {min: 1, max: 20, target_cpu_utilization: 50}\n"                            \
	"traffic:\n  - workload: api\n    arrival: " arrival "\n"                               \
	"    rate: {shape: steps, steps: [{at: 0s, rps: 20}, {at: 300s, rps: 80},"              \
	" {at: 900s, rps: 20}]}\n"

/*
 * The step, mean-field version (uniform arrivals, exactly 50 ms of
 * CPU each, so a 15 s window holds 20 x 15 x 0.05 = 15 CPU-s at 20 rps to
 * within one request): 20 rps on 2 pods is 50 % (in tolerance). The step
 * to 80 rps at 300 s is fully in the window of the sync at 315: 4 cores on
 * 2 pods of 1 core, 200 % (199 % truncated with the first requests of the
 * window still running), desired ceil(3.98 x 2) = 8, capped by the
 * default policy at max(2 + 4, 2 x 2) = 6. At 330 the 6 pods read 66 %:
 * ceil(1.32 x 6) = 8 = ceil(80 x 0.05 / (1 x 0.5)), two syncs after the
 * metric saw the step. Back to 20 rps at 900: every recommendation from
 * 915 on is ceil(0.24 x 8) = 2 (12.5 % truncated to 12), but the 300 s
 * stabilization window keeps the 8 of the sync at 900 until it leaves the
 * window (strictly after now - 300): the scale-down is at 1200.
 */
static void step_mean_field(void **state)
{
	struct scenario sc;
	struct results res;
	double t[16];
	int size[16], n;
	(void)state;

	tu_simulate("step-mf.yaml", STEP_YAML("uniform", "{dist: constant, value: 50ms}"), &sc,
		    &res);
	n = scale_events(&res, t, size, 16);
	assert_int_equal(n, 3);
	assert_float_equal(t[0], 315.0, 0);
	assert_int_equal(size[0], 6);
	assert_float_equal(t[1], 330.0, 0);
	assert_int_equal(size[1], 8);
	assert_float_equal(t[2], 1200.0, 0);
	assert_int_equal(size[2], 2);
	assert_int_equal(replicas_at(&res, 300.0), 2);
	assert_int_equal(replicas_at(&res, 1185.0), 8);
	assert_int_equal(replicas_at(&res, 1500.0), 2);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * The step with Poisson arrivals and exponential 50 ms of CPU:
 * the CPU of a 15 s window is a compound Poisson sum with variance
 * lambda x 15 x E[X^2] = lambda x 15 x 2 x 0.05^2, a relative standard
 * deviation of 8.2 % at 20 rps and 4.1 % at 80 rps. Both 2 (at 20 rps)
 * and 8 (at 80 rps) sit exactly on a ceiling boundary, so noise above the
 * mean moves the recommendation one up (at 8 pods, util >= 56 % gives 9,
 * 1.7 per mille of syncs; at 6-7 pods the recommendation is 8 or 9 about
 * evenly), and the 300 s max-stabilization then keeps the higher value.
 * What holds whatever the noise, and is asserted:
 *  - every scale-up respects the policy: new <= max(old + 4, 2 x old);
 *  - from two minutes after the step (5+ syncs; staying below 8 that long
 *    needs util < 56 % at 7 pods five times in a row, below 0.3 %) until
 *    900, replicas are 8-10 (10 needs util > 3.4 sd above its mean);
 *  - nothing goes below 8 before 1200: the recommendations of 80 rps stay
 *    in the window until 900 + 300;
 *  - at 1200 it drops to 2 or 3 (ceil(0.24 x 8) = 2 and one more with
 *    noise: 4 would need 17 % on 8 pods, 4 sd), and stays 2-3 to the end.
 */
static void step_exponential(void **state)
{
	struct scenario sc;
	struct results res;
	double t[64];
	int size[64], n, prev = 2;
	(void)state;

	tu_simulate("step-exp.yaml", STEP_YAML("poisson", "{dist: exponential, mean: 50ms}"), &sc,
		    &res);
	n = scale_events(&res, t, size, 64);
	assert_true(n >= 3);
	for (int i = 0; i < n; i++) {
		int lim = prev + 4 > 2 * prev ? prev + 4 : 2 * prev;
		assert_true(size[i] <= lim);
		if (t[i] > 900.0 && t[i] < 1200.0)
			assert_true(size[i] >= 8);
		if (t[i] == 1200.0)
			assert_in_range(size[i], 2, 3);
		prev = size[i];
	}
	for (double s = 420.0; s <= 900.0; s += 15.0)
		assert_in_range(replicas_at(&res, s), 8, 10);
	/* (The sample at 1200 is taken before that sync's change.) */
	for (double s = 915.0; s <= 1200.0; s += 15.0)
		assert_true(replicas_at(&res, s) >= 8);
	for (double s = 1215.0; s <= 1500.0; s += 15.0)
		assert_in_range(replicas_at(&res, s), 2, 3);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * A scale-down deletes pods in the ReplicaSet's order (newest first): the
 * two pods of the start (api-1, api-2) survive the 8 -> 2 of the
 * mean-field run; the six others end with "ScaledDown" at 1200 (plus the
 * at most 50 ms their last requests need to drain).
 */
static void scale_down_victims(void **state)
{
	struct scenario sc;
	struct results res;
	int scaled = 0;
	(void)state;

	tu_simulate("step-victims.yaml", STEP_YAML("uniform", "{dist: constant, value: 50ms}"),
		    &sc, &res);
	for (size_t i = 0; i < res.n_pods; i++) {
		const struct res_pod *p = &res.pods[i];
		if (!strcmp(p->pod, "api-1") || !strcmp(p->pod, "api-2")) {
			assert_null(p->end_reason);
			continue;
		}
		assert_non_null(p->end_reason);
		assert_string_equal(p->end_reason, "ScaledDown");
		assert_in_range((long)(p->deleted_t * 1000), 1200000, 1200050);
		scaled++;
	}
	assert_int_equal(scaled, 6);
	results_release(&res);
	scenario_release(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calculator_cases),
		cmocka_unit_test(calculator_no_metrics),
		cmocka_unit_test(tolerance_band_edges),
		cmocka_unit_test(group_pods_rules),
		cmocka_unit_test(scale_up_policy_limits),
		cmocka_unit_test(scale_up_policy_period),
		cmocka_unit_test(scale_down_stabilization),
		cmocka_unit_test(step_mean_field),
		cmocka_unit_test(step_exponential),
		cmocka_unit_test(scale_down_victims),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
