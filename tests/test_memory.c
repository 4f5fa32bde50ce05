/*
 * test_memory.c -- memory use, OOM kills at the exact crossing,
 * CrashLoopBackOff restarts, the kernel OOM killer's order and the
 * kubelet's memory-pressure eviction, through whole runs.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "memory.h"
#include "results.h"
#include "scenario.h"

#define MI (1024.0 * 1024.0)

/* Times of the events of a kind (and object) in order; returns how many. */
static int event_times(const struct results *res, const char *kind, const char *object,
		       double *t, int max)
{
	int n = 0;
	for (size_t i = 0; i < res->n_events; i++) {
		const struct res_event *e = &res->events[i];
		if (strcmp(e->kind, kind) || (object && strcmp(e->object, object)))
			continue;
		if (n < max)
			t[n] = e->t;
		n++;
	}
	return n;
}

static const struct res_event *nth_event(const struct results *res, const char *kind, int k)
{
	for (size_t i = 0; i < res->n_events; i++)
		if (!strcmp(res->events[i].kind, kind) && k-- == 0)
			return &res->events[i];
	return NULL;
}

static const struct res_pod *pod_row(const struct results *res, const char *name)
{
	for (size_t i = 0; i < res->n_pods; i++)
		if (!strcmp(res->pods[i].pod, name))
			return &res->pods[i];
	fail_msg("no pod %s", name);
	return NULL;
}

/* ---- the model ------------------------------------------------------- */

/* Reference §7.3 table (memoryCapacity 8000000000): 4000000000 -> 500,
 * 1 byte -> 999, 10G -> 3, 800000000 -> 900; BestEffort 1000, Guaranteed
 * and node-critical -997. */
static void oom_score_adj_table(void **state)
{
	(void)state;
	assert_int_equal(memory_oom_score_adj(QOS_BURSTABLE, 0, 4000000000LL, 8000000000LL), 500);
	assert_int_equal(memory_oom_score_adj(QOS_BURSTABLE, 0, 1, 8000000000LL), 999);
	assert_int_equal(memory_oom_score_adj(QOS_BURSTABLE, 0, 10000000000LL, 8000000000LL), 3);
	assert_int_equal(memory_oom_score_adj(QOS_BURSTABLE, 0, 800000000LL, 8000000000LL), 900);
	assert_int_equal(memory_oom_score_adj(QOS_BEST_EFFORT, 0, 0, 8000000000LL), 1000);
	assert_int_equal(memory_oom_score_adj(QOS_GUARANTEED, 0, 1000, 8000000000LL), -997);
	assert_int_equal(memory_oom_score_adj(QOS_BURSTABLE, 1, 1000, 8000000000LL), -997);
}

/*
 * Crossing ages: base 80Mi + 1Mi per request against 100Mi is at the
 * limit with 20 requests (not above) and above with 21; a 50Mi/h leak
 * from 100Mi reaches 200Mi after 100/50 h = 7200 s.
 */
static void crossing_ages(void **state)
{
	struct memory_profile m = { 80 * 1024 * 1024, 1024 * 1024, 0 };
	struct memory_profile leak = { 100 * 1024 * 1024, 0, 50 * 1024 * 1024 };
	(void)state;
	assert_true(isinf(memory_crossing_age(&m, 20, 100 * 1024 * 1024)));
	assert_float_equal(memory_crossing_age(&m, 21, 100 * 1024 * 1024), 0, 0);
	assert_true(isinf(memory_crossing_age(&m, 1000, -1))); /* no limit */
	assert_float_equal(memory_crossing_age(&leak, 0, 200 * 1024 * 1024), 7200, 1e-9);
	assert_float_equal(memory_usage(&leak, 0, 7200), 200 * MI, 1e-3);
}

/*
 * t3.medium: reserved (11 x 17 + 255 + 100) Mi = 542Mi, allocatable
 * 4096 - 542 = 3554Mi (docs/scenario.md). memory.available < 100Mi when
 * the pods use more than 4096 - 442 - 100 = 3554Mi, i.e. allocatable; the
 * node is out of memory above 4096 - 442 = 3654Mi.
 */
static void node_levels(void **state)
{
	struct instance_type t;
	(void)state;
	memset(&t, 0, sizeof(t));
	t.name = "t3.medium";
	t.vcpu = 2;
	t.memory = 4096LL * 1024 * 1024;
	t.max_pods = 17;
	t.cpu_speed = -1;
	t.reserved_cpu = -1;
	t.reserved_memory = -1;
	instance_type_defaults(&t);
	assert_int_equal(t.reserved_memory, 542LL * 1024 * 1024);
	assert_int_equal(memory_node_evict_level(&t), t.memory - t.reserved_memory);
	assert_int_equal(memory_node_evict_level(&t), 3554LL * 1024 * 1024);
	assert_int_equal(memory_node_oom_level(&t), 3654LL * 1024 * 1024);
}

/* ---- OOM kills --------------------------------------------------------- */

#define ONE_NODE "node_groups:\n  - {name: w, instance_type: m5.large, count: 1}\n"

/*
 * Limit 100Mi, base 80Mi, 1Mi per request in the pod. Uniform arrivals at
 * 1/s come at t = 1, 2, 3, ... (rate.h: the k-th at k / r); each needs an
 * hour of CPU, so none leaves and the k-th arrival makes k requests in
 * the pod (none times out: the first would at 1 + 30 s). 80 + 20 = 100Mi
 * is not above the limit; 80 + 21 is: OOMKilled at t = 21 exactly, the 21
 * requests fail, and the first restart is at once. service_samples every
 * 15 s: the interval (15, 30] holds the kill and its 21 errors, the one
 * before none.
 */
static void oom_at_21_requests(void **state)
{
	struct scenario sc;
	struct results res;
	double t[4];
	(void)state;
	tu_simulate("oom21.yaml",
		    "name: oom21\nduration: 40s\nsample_interval: 15s\n" ONE_NODE
		    "workloads:\n  - name: api\n    limits: {memory: 100Mi}\n"
		    "    memory: {base: 80Mi, per_inflight: 1Mi}\n"
		    "    request_cpu: {dist: constant, value: 1h}\n"
		    "    startup: {pull: 0s, ready_after: 0s}\n"
		    "traffic:\n  - workload: api\n    arrival: uniform\n"
		    "    rate: {shape: constant, rps: 1}\n",
		    &sc, &res);
	assert_int_equal(event_times(&res, "OOMKilled", "api-1", t, 4), 1);
	assert_float_equal(t[0], 21.0, 0);
	assert_int_equal(res.summary.oom_kills, 1);
	assert_int_equal(res.summary.restarts, 1);
	assert_int_equal(res.summary.errors, 21);
	assert_int_equal(pod_row(&res, "api-1")->oom_kills, 1);
	assert_int_equal(pod_row(&res, "api-1")->restarts, 1);
	assert_int_equal(res.n_service_samples, 2);
	assert_float_equal(res.service_samples[0].t, 15.0, 0);
	assert_int_equal(res.service_samples[0].errors, 0);
	assert_float_equal(res.service_samples[1].t, 30.0, 0);
	assert_int_equal(res.service_samples[1].errors, 21);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * Base 128Mi above a 100Mi limit: every container dies at its start. With
 * pull 0 and ready_after 0 the gap between kills is exactly the restart
 * wait, reference §7.1: 0, 10, 20, 40, 80, 160, 300, 300 s, so the kills
 * are at 0, 0, 10, 30, 70, 150, 310, 610, 910 s; the next one would be at
 * 1210 > 20 min. Eight restarts; every wait but the first is a BackOff;
 * the pod never becomes Ready (it dies before its readiness).
 */
#define CRASH_LOOP(limit)                                                         \
	"name: crash\nduration: 20m\n" ONE_NODE                                   \
	"workloads:\n  - name: bad\n    limits: {memory: " limit "}\n"            \
	"    memory: {base: 128Mi}\n    startup: {pull: 0s, ready_after: 0s}\n"

static void crash_loop_gaps(void **state)
{
	static const double want[] = { 0, 0, 10, 30, 70, 150, 310, 610, 910 };
	struct scenario sc;
	struct results res;
	double t[16];
	(void)state;
	tu_simulate("crash.yaml", CRASH_LOOP("100Mi"), &sc, &res);
	assert_int_equal(event_times(&res, "OOMKilled", "bad-1", t, 16), 9);
	for (int i = 0; i < 9; i++)
		assert_float_equal(t[i], want[i], 0);
	assert_int_equal(res.summary.oom_kills, 9);
	assert_int_equal(res.summary.restarts, 8);
	assert_int_equal(pod_row(&res, "bad-1")->restarts, 8);
	assert_int_equal(tu_count_events(&res, "BackOff", "bad-1"), 8);
	assert_int_equal(tu_count_events(&res, "Ready", "bad-1"), 0);
	results_release(&res);
	scenario_release(&sc);
}

/* The same container with a 256Mi limit: 128Mi fits, no kill, Ready at 0. */
static void crash_loop_fixed_by_limit(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("nocrash.yaml", CRASH_LOOP("256Mi"), &sc, &res);
	assert_int_equal(res.summary.oom_kills, 0);
	assert_int_equal(res.summary.restarts, 0);
	assert_int_equal(tu_count_events(&res, "BackOff", NULL), 0);
	assert_float_equal(pod_row(&res, "bad-1")->ready_t, 0.0, 0);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * Backoff built up, then a run of more than 10 minutes resets it.
 * Limit 100Mi, base 89Mi, 20Mi per request, a leak of 60Mi/h (the limit
 * is reached after 11Mi / 60Mi/h = 660 s with no request in), requests of
 * an hour of CPU; ready 0.5 s after each start; one uniform arrival per
 * second (t = 1, 2, ...) until 100 s. One request in the pod is a kill
 * (109Mi): arrivals while the pod is not Ready fail without entering it.
 *   start 0, Ready 0.5, kill 1; restart at once (first), kill 2;
 *   wait 10: restart 12 (the arrival at 12 finds no endpoint), kill 13;
 *   wait 20: restart 33, kill 34; wait 40: restart 74, kill 75;
 *   wait 80: restart 155; no traffic any more: the leak kills it at
 *   155 + 660 = 815. It ran 660 s > 600 s since its last restart
 *   (reference §7.1 hasExpired), so it restarts at once (without the
 *   reset it would wait 160 s), and again 660 s later at 1475.
 */
static void long_run_resets_backoff(void **state)
{
	static const double kills[] = { 1, 2, 13, 34, 75, 815, 1475 };
	static const double starts[] = { 0, 1, 12, 33, 74, 155, 815, 1475 };
	struct scenario sc;
	struct results res;
	double t[16];
	(void)state;
	tu_simulate("reset.yaml",
		    "name: reset\nduration: 25m\n" ONE_NODE
		    "workloads:\n  - name: app\n    limits: {memory: 100Mi}\n"
		    "    memory: {base: 89Mi, per_inflight: 20Mi, growth_per_hour: 60Mi}\n"
		    "    request_cpu: {dist: constant, value: 1h}\n"
		    "    startup: {pull: 0s, ready_after: 500ms}\n"
		    "traffic:\n  - workload: app\n    arrival: uniform\n"
		    "    rate: {shape: steps, steps: [{at: 0s, rps: 1}, {at: 100s, rps: 0}]}\n",
		    &sc, &res);
	assert_int_equal(event_times(&res, "OOMKilled", "app-1", t, 16), 7);
	for (int i = 0; i < 7; i++)
		assert_float_equal(t[i], kills[i], 1e-6);
	assert_int_equal(event_times(&res, "Started", "app-1", t, 16), 8);
	for (int i = 0; i < 8; i++)
		assert_float_equal(t[i], starts[i], 1e-6);
	assert_int_equal(tu_count_events(&res, "BackOff", "app-1"), 4);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * A leak of 50Mi/h from 100Mi against a 200Mi limit: killed 2 h after
 * each container start. Pull 30 s: the first start at 30, kills at
 * 30 + 7200 = 7230, 14430, 21630; each container ran 2 h > 600 s, so each
 * restart is at once and needs no pull (the image is on the node). The
 * sample at 3630 s sees 100 + 50 x 1 h = 150Mi.
 */
static void leak_killed_every_2h(void **state)
{
	static const double want[] = { 7230, 14430, 21630 };
	struct scenario sc;
	struct results res;
	double t[8];
	int seen = 0;
	(void)state;
	tu_simulate("leak.yaml",
		    "name: leak\nduration: 6h10m\n" ONE_NODE
		    "workloads:\n  - name: leaky\n    limits: {memory: 200Mi}\n"
		    "    memory: {base: 100Mi, growth_per_hour: 50Mi}\n"
		    "    startup: {pull: 30s, ready_after: 10s}\n",
		    &sc, &res);
	assert_int_equal(event_times(&res, "OOMKilled", "leaky-1", t, 8), 3);
	for (int i = 0; i < 3; i++)
		assert_float_equal(t[i], want[i], 1e-6);
	assert_int_equal(event_times(&res, "Started", "leaky-1", t, 8), 4);
	assert_float_equal(t[0], 30, 0);
	for (int i = 0; i < 3; i++)
		assert_float_equal(t[i + 1], want[i], 1e-6);
	assert_int_equal(tu_count_events(&res, "BackOff", NULL), 0);
	assert_int_equal(res.summary.restarts, 3);
	for (size_t i = 0; i < res.n_pod_samples; i++)
		if (res.pod_samples[i].t == 3630.0) {
			assert_float_equal(res.pod_samples[i].mem_used, 150 * MI, 1.0);
			seen = 1;
		}
	assert_true(seen);
	results_release(&res);
	scenario_release(&sc);
}

/* ---- the node ---------------------------------------------------------- */

/* A node type of 1Gi with 200Mi reserved: allocatable 824Mi; the system
 * uses 200 - 100 = 100Mi, so memory.available < 100Mi above 824Mi of pod
 * memory and the node is out of memory above 924Mi (memory.h). */
#define TINY                                                                    \
	"instance_types:\n  - {name: tiny, vcpu: 2, memory: 1Gi, price_per_hour: 0.01,\n" \
	"     reserved: {memory: 200Mi}}\n"

/*
 * Eviction. On node a-1: steady (Guaranteed, 400Mi, priority -10) and hog
 * (BestEffort, 100Mi + 600Mi/h, priority 100). Pods use 500Mi +
 * 600Mi x t / 1 h, above 824Mi after 1944 s; the eviction manager
 * synchronizes every 10 s (evictionMonitoringPeriod) from 0, so it sees
 * 823.3Mi at 1940 and 825Mi at 1950 and evicts then. Ranking (reference
 * §7.2): hog exceeds its request (0), steady uses exactly its request,
 * so hog goes first although its priority is higher. Node b-1 joined at
 * 1 min and is empty: the replacement hog-2 is scheduled there
 * (LeastAllocated). The kernel's level, 924Mi, is never reached.
 */
static void eviction_best_effort_first(void **state)
{
	struct scenario sc;
	struct results res;
	double t[4];
	(void)state;
	tu_simulate("evict.yaml",
		    "name: evict\nduration: 1h\n" TINY
		    "node_groups:\n  - {name: a, instance_type: tiny, count: 1}\n"
		    "  - {name: b, instance_type: tiny, count: 1, start_at: 1m}\n"
		    "workloads:\n"
		    "  - name: steady\n    limits: {cpu: 100m, memory: 400Mi}\n    priority: -10\n"
		    "    memory: {base: 400Mi}\n    startup: {pull: 0s, ready_after: 0s}\n"
		    "  - name: hog\n    priority: 100\n"
		    "    memory: {base: 100Mi, growth_per_hour: 600Mi}\n"
		    "    startup: {pull: 0s, ready_after: 0s}\n",
		    &sc, &res);
	assert_int_equal(res.summary.evictions, 1);
	assert_int_equal(res.summary.oom_kills, 0);
	assert_int_equal(event_times(&res, "Evicted", "hog-1", t, 4), 1);
	assert_float_equal(t[0], 1950, 1e-9);
	assert_string_equal(pod_row(&res, "hog-1")->node, "a-1");
	assert_string_equal(pod_row(&res, "hog-1")->end_reason, "Evicted");
	assert_float_equal(pod_row(&res, "hog-1")->deleted_t, 1950, 1e-9);
	assert_null(pod_row(&res, "steady-1")->end_reason);
	assert_string_equal(pod_row(&res, "hog-2")->node, "b-1");
	assert_float_equal(pod_row(&res, "hog-2")->scheduled_t, 1950, 1e-9);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * The kernel OOM killer. On one tiny node: g (Guaranteed 200Mi, adj -997),
 * be (BestEffort 100Mi, adj 1000), leaky (Burstable, request 600Mi, no
 * limit, 300Mi + 100Mi/s; adj 1000 - 1000 x 600/1024 = 415, Go integer
 * division). Pods use 600Mi + 100Mi x t: above 924Mi at t = 3.24 s,
 * before the eviction manager's synchronize at 10 s. oom_badness
 * (usage + adj x 1Gi / 1000): be 100 + 1024 = 1124Mi, leaky
 * 624 + 425 = 1049Mi, g 200 - 1021 < 0: be is killed. Its first restart is
 * at once, at 924Mi again and rising: killed again at 3.24 s (backoff
 * 10 s). Then 824Mi + 100Mi/s crosses 924Mi at 4.24 s with leaky the
 * highest (724 + 425 against g's negative badness): killed, restarted at
 * once at 300Mi, and killed again when 200 + 300 + 100 x (t - 4.24) > 924,
 * at t = 8.48 s. g is never killed. The eviction manager was told of the
 * pressure at 2.24 s (824Mi crossed) and synchronizes at 10 s, when only
 * g runs: no eviction.
 */
static void kernel_oom_order(void **state)
{
	static const double when[] = { 3.24, 3.24, 4.24, 8.48 };
	static const char *const who[] = { "be-1", "be-1", "leaky-1", "leaky-1" };
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("kernel.yaml",
		    "name: kernel\nduration: 12s\n" TINY
		    "node_groups:\n  - {name: a, instance_type: tiny, count: 1}\n"
		    "workloads:\n"
		    "  - name: g\n    limits: {cpu: 100m, memory: 200Mi}\n"
		    "    memory: {base: 200Mi}\n    startup: {pull: 0s, ready_after: 0s}\n"
		    "  - name: be\n    memory: {base: 100Mi}\n"
		    "    startup: {pull: 0s, ready_after: 0s}\n"
		    "  - name: leaky\n    requests: {memory: 600Mi}\n"
		    "    memory: {base: 300Mi, growth_per_hour: 360000Mi}\n"
		    "    startup: {pull: 0s, ready_after: 0s}\n",
		    &sc, &res);
	assert_int_equal(res.summary.oom_kills, 4);
	for (int i = 0; i < 4; i++) {
		const struct res_event *e = nth_event(&res, "OOMKilled", i);
		assert_non_null(e);
		assert_string_equal(e->object, who[i]);
		assert_float_equal(e->t, when[i], 1e-9);
	}
	assert_non_null(strstr(nth_event(&res, "OOMKilled", 0)->message, "oom_score_adj 1000"));
	assert_non_null(strstr(nth_event(&res, "OOMKilled", 2)->message, "oom_score_adj 415"));
	assert_int_equal(tu_count_events(&res, "OOMKilled", "g-1"), 0);
	assert_int_equal(res.summary.evictions, 0);
	results_release(&res);
	scenario_release(&sc);
}

/*
 * Nothing polls: a BestEffort pod (no limit, so the node could come under
 * pressure) that stays far below it for a day costs no eviction-manager
 * event. A kubelet-like loop every 10 s would fire 8640 times; the run
 * has the node, the pod's lifecycle, 24 hourly samples and at most 200
 * progress checks.
 */
static void no_pressure_no_events(void **state)
{
	struct scenario sc;
	struct results res;
	(void)state;
	tu_simulate("quiet.yaml",
		    "name: quiet\nduration: 24h\nsample_interval: 1h\n" ONE_NODE
		    "workloads:\n  - name: be\n    memory: {base: 100Mi, growth_per_hour: 1Mi}\n",
		    &sc, &res);
	assert_int_equal(res.summary.evictions, 0);
	assert_true(res.run.events < 1000);
	results_release(&res);
	scenario_release(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oom_score_adj_table),
		cmocka_unit_test(crossing_ages),
		cmocka_unit_test(node_levels),
		cmocka_unit_test(oom_at_21_requests),
		cmocka_unit_test(crash_loop_gaps),
		cmocka_unit_test(crash_loop_fixed_by_limit),
		cmocka_unit_test(long_run_resets_backoff),
		cmocka_unit_test(leak_killed_every_2h),
		cmocka_unit_test(eviction_best_effort_first),
		cmocka_unit_test(kernel_oom_order),
		cmocka_unit_test(no_pressure_no_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
