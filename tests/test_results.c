/*
 * test_results.c -- the in-memory results of a run: interning, row arrays,
 * events, and the NAN defaults that the store turns into SQL NULL.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results.h"

static void test_empty(void **state)
{
	struct results r;

	(void)state;
	results_init(&r);
	assert_int_equal(r.n_nodes + r.n_pods + r.n_events + r.n_node_samples +
				 r.n_pod_samples + r.n_service_samples + r.n_scores,
			 0);
	/* A run without --set or sweep parameters has params "{}" (results.h). */
	assert_string_equal(r.run.params, "{}");
	results_release(&r);
}

/*
 * Interning: equal strings give one pointer, different strings different
 * pointers, and the pointers survive the table's growth (20,000 names
 * force many doublings of a table that starts at 64 slots).
 */
static void test_intern(void **state)
{
	enum { N = 20000 };
	static const char *first[N];
	struct results r;
	char buf[32];
	int i;

	(void)state;
	results_init(&r);
	assert_null(results_name(&r, NULL));
	for (i = 0; i < N; i++) {
		snprintf(buf, sizeof(buf), "pod-%d", i);
		first[i] = results_name(&r, buf);
		/* A copy, not the caller's buffer. */
		assert_ptr_not_equal(first[i], buf);
		assert_string_equal(first[i], buf);
	}
	for (i = 0; i < N; i++) {
		snprintf(buf, sizeof(buf), "pod-%d", i);
		assert_ptr_equal(results_name(&r, buf), first[i]);
		assert_string_equal(first[i], buf);
	}
	assert_ptr_not_equal(first[1], first[10]);
	/* Interning an interned pointer is the identity. */
	assert_ptr_equal(results_name(&r, first[42]), first[42]);
	/* The empty string is a name like any other. */
	assert_ptr_equal(results_name(&r, ""), results_name(&r, ""));
	results_release(&r);
}

/* Rows keep their values across the growth of their array. */
static void test_rows_grow(void **state)
{
	enum { N = 5000 };
	struct results r;
	const char *pod, *node, *wl;
	size_t i;

	(void)state;
	results_init(&r);
	pod = results_name(&r, "web-0");
	node = results_name(&r, "node-1");
	wl = results_name(&r, "web");
	for (i = 0; i < N; i++) {
		struct res_pod_sample *s = results_add_pod_sample(&r);

		assert_int_equal(s->inflight, 0);
		s->t = 15.0 * (double)i;
		s->pod = pod;
		s->node = node;
		s->workload = wl;
		s->cpu_used = 0.001 * (double)i;
		s->inflight = (int)i;
	}
	assert_int_equal(r.n_pod_samples, N);
	for (i = 0; i < N; i++) {
		assert_true(r.pod_samples[i].t == 15.0 * (double)i);
		assert_int_equal(r.pod_samples[i].inflight, i);
		assert_ptr_equal(r.pod_samples[i].pod, pod);
	}
	results_release(&r);
}

/* Times that never happened start as NAN, written as NULL (results.h). */
static void test_nan_defaults(void **state)
{
	struct results r;
	struct res_node *n;
	struct res_pod *p;
	struct res_node_sample *ns;
	struct res_service_sample *ss;
	struct res_score *sc;

	(void)state;
	results_init(&r);
	n = results_add_node(&r);
	assert_true(isnan(n->created_t) && isnan(n->ready_t) && isnan(n->deleted_t));
	assert_true(n->cost_usd == 0.0);
	p = results_add_pod(&r);
	assert_true(isnan(p->created_t) && isnan(p->scheduled_t) && isnan(p->ready_t) &&
		    isnan(p->deleted_t));
	assert_null(p->node);
	assert_null(p->end_reason);
	assert_int_equal(p->restarts, 0);
	ns = results_add_node_sample(&r);
	assert_true(isnan(ns->credits));
	assert_true(ns->cpu_used == 0.0);
	ss = results_add_service_sample(&r);
	assert_true(isnan(ss->p50_ms) && isnan(ss->p95_ms) && isnan(ss->p99_ms));
	assert_int_equal(ss->completed, 0);
	sc = results_add_score(&r);
	assert_true(sc->score == 0.0);
	assert_int_equal(r.n_nodes + r.n_pods + r.n_node_samples + r.n_service_samples +
				 r.n_scores,
			 5);
	results_release(&r);
}

/* Events format their message and intern object and node. */
static void test_event(void **state)
{
	struct results r;
	char obj[16] = "user-server-0";
	const struct res_event *ev;

	(void)state;
	results_init(&r);
	results_event(&r, 12.5, "OOMKilled", obj, "node-2", "container %s used %d Mi > limit %d Mi",
		      "app", 130, 100);
	results_event(&r, 20.0, "ScaleUp", "workers", NULL, "%s", "1 -> 2 nodes");
	obj[0] = 'X'; /* the caller's buffer is not kept */
	assert_int_equal(r.n_events, 2);
	ev = &r.events[0];
	assert_true(ev->t == 12.5);
	assert_string_equal(ev->kind, "OOMKilled");
	assert_string_equal(ev->object, "user-server-0");
	assert_ptr_equal(ev->object, results_name(&r, "user-server-0"));
	assert_ptr_equal(ev->node, results_name(&r, "node-2"));
	assert_string_equal(ev->message, "container app used 130 Mi > limit 100 Mi");
	ev = &r.events[1];
	assert_null(ev->node);
	assert_string_equal(ev->message, "1 -> 2 nodes");
	results_release(&r);
}

/* A long message is not truncated (it is sized, then formatted). */
static void test_event_long_message(void **state)
{
	static char big[5001];
	struct results r;

	(void)state;
	memset(big, 'a', 5000);
	results_init(&r);
	results_event(&r, 0, "Killing", "p", NULL, "<%s>", big);
	assert_int_equal(strlen(r.events[0].message), 5002);
	results_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_rows_grow),
		cmocka_unit_test(test_nan_defaults),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_event_long_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
