/*
 * test_backoff.c -- client-go flowcontrol.Backoff as the kubelet uses it
 * for CrashLoopBackOff (reference §7.1).
 */
#include "testutil.h"

#include <math.h>

#include "backoff.h"

/*
 * What the kubelet does at each exit: restart at the release time, calling
 * Next there (doBackOff). Returns the restart time.
 */
static double crash(struct backoff *b, double exit_t)
{
	double t = backoff_release_time(b, exit_t);
	assert_false(backoff_in_backoff_since(b, exit_t, t));
	backoff_next(b, exit_t, t);
	return t;
}

/* A container that dies at once at every start: the waits are the
 * reference §7.1 table, 0, 10, 20, 40, 80, 160, 300, 300 s. */
static void crash_loop_waits(void **state)
{
	static const double want[] = { 0, 10, 20, 40, 80, 160, 300, 300, 300 };
	struct backoff b;
	double t = 0.0;
	(void)state;

	backoff_init(&b, BACKOFF_KUBELET_INITIAL, BACKOFF_KUBELET_MAX);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		double r = crash(&b, t);
		assert_float_equal(r - t, want[i], 0);
		t = r; /* dies at its start */
	}
}

/* While waiting, IsInBackOffSince holds until exit + backoff, and Get
 * reports the entry's backoff (client-go semantics). */
static void in_backoff_until_release(void **state)
{
	struct backoff b;
	(void)state;

	backoff_init(&b, 10, 300);
	assert_false(backoff_in_backoff_since(&b, 0, 0)); /* no entry yet */
	assert_float_equal(backoff_get(&b, 0), 0, 0);
	backoff_next(&b, 0, 0); /* first restart: entry of 10 s */
	assert_float_equal(backoff_get(&b, 0), 10, 0);
	assert_true(backoff_in_backoff_since(&b, 5, 5));
	assert_true(backoff_in_backoff_since(&b, 5, 14.999));
	assert_false(backoff_in_backoff_since(&b, 5, 15));
	assert_float_equal(backoff_release_time(&b, 5), 15, 0);
}

/*
 * hasExpired: eventTime - lastUpdate > 2 x 300 s resets the entry. Build
 * the entry up to 300 s (the restart at 310), then:
 * a run of 600.5 s since the last restart restarts at once with 10 s next;
 * the docs' "executed for 10 minutes without any problems".
 */
static void long_run_resets(void **state)
{
	struct backoff b;
	double t = 0.0, r;
	(void)state;

	backoff_init(&b, 10, 300);
	for (int i = 0; i < 6; i++)
		t = crash(&b, t); /* restarts at 0 10 30 70 150 310 */
	assert_float_equal(t, 310, 0);
	assert_float_equal(backoff_get(&b, t), 300, 0);
	r = crash(&b, t + 600.5);
	assert_float_equal(r, 910.5, 0);           /* at once */
	assert_float_equal(backoff_get(&b, r), 10, 0); /* fresh entry */
	assert_float_equal(crash(&b, r) - r, 10, 0);
}

/*
 * Below 600 s the entry lives, but the kubelet's GC drops it once
 * now - lastUpdate > 600 s: a crash 400 s after a restart with a 300-s
 * backoff would wait until 700 s after the restart; the entry goes at
 * 600 s (just after), the container restarts then, with a fresh 10 s.
 * A crash 200 s after the restart waits the full 300 s (500 < 600).
 */
static void gc_shortens_wait(void **state)
{
	struct backoff b;
	double t = 0.0, r;
	(void)state;

	backoff_init(&b, 10, 300);
	for (int i = 0; i < 6; i++)
		t = crash(&b, t); /* last restart at 310 with 300 s */
	r = crash(&b, t + 200);
	assert_float_equal(r, 310 + 200 + 300, 0);
	assert_float_equal(backoff_get(&b, r), 300, 0);
	t = r;
	r = crash(&b, t + 400);
	assert_true(r > t + 600 && r < t + 600 + 1e-9);
	assert_float_equal(backoff_get(&b, r), 10, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crash_loop_waits),
		cmocka_unit_test(in_backoff_until_release),
		cmocka_unit_test(long_run_resets),
		cmocka_unit_test(gc_shortens_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
