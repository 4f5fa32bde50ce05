/*
 * test_engine.c -- the future-event list: order, FIFO ties, cancel,
 * reschedule, run/stop, sequence wrap-around, and a differential test of
 * 200k random operations against a sorted-array model.
 *
 * The expected orders come from the contract in engine.h: events fire by
 * (time, insertion sequence), a reschedule is a new insertion.
 */
#include "testutil.h"

#include "base.h"
#include "engine.h"
#include "rng.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Records what fired: the arg of each event and the clock when it did. */
struct log {
	struct engine *e;
	uint64_t tag[4096];
	double at[4096];
	size_t n;
};

static void record(void *ctx, void *obj, uint64_t arg)
{
	struct log *l = ctx;
	(void)obj;
	assert_true(l->n < ARRAY_LEN(l->tag));
	l->tag[l->n] = arg;
	l->at[l->n] = l->e->now;
	l->n++;
}

static void run_all(struct engine *e, struct log *l)
{
	engine_run(e, INFINITY, l);
	assert_int_equal(engine_check(e), 0);
}

static void test_order_by_time(void **state)
{
	static const double t[] = { 5, 1, 3, 2, 4, 0.5, 10 };
	static const uint64_t want[] = { 5, 1, 3, 2, 4, 0, 6 }; /* index order by time */
	struct engine e;
	struct log l = { .e = &e };
	(void)state;

	engine_init(&e);
	assert_true(isinf(engine_peek_time(&e)));
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		engine_at(&e, t[i], record, NULL, i);
	assert_int_equal(engine_size(&e), ARRAY_LEN(t));
	assert_true(engine_peek_time(&e) == 0.5);
	run_all(&e, &l);
	assert_int_equal(l.n, ARRAY_LEN(t));
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.tag[i], want[i]);
		assert_true(l.at[i] == t[want[i]]); /* now is the event's time */
	}
	assert_true(e.now == 10);
	assert_int_equal(e.fired, ARRAY_LEN(t));
	assert_int_equal(engine_size(&e), 0);
	assert_int_equal(engine_step(&e, &l), 0);
	engine_release(&e);
}

/* Many equal times, interleaved with other times: each time's events fire
 * in the order they were scheduled. */
static void test_fifo_ties(void **state)
{
	struct engine e;
	struct log l = { .e = &e };
	(void)state;

	engine_init(&e);
	/* tag = 1000 * time + rank within that time */
	for (uint64_t i = 0; i < 3000; i++) {
		uint64_t t = (i * 7) % 3; /* times 0, 1, 2 interleaved */
		engine_at(&e, (double)t, record, NULL, 1000 * t + i / 3);
	}
	run_all(&e, &l);
	assert_int_equal(l.n, 3000);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.tag[i], i); /* 0..999 at t=0, then t=1, t=2 */
	engine_release(&e);
}

static void test_ties_with_cancellations(void **state)
{
	struct engine e;
	struct log l = { .e = &e };
	event_id id[300];
	size_t k = 0;
	(void)state;

	engine_init(&e);
	for (uint64_t i = 0; i < 300; i++)
		id[i] = engine_at(&e, 1.0, record, NULL, i);
	for (size_t i = 0; i < 300; i += 3)
		assert_int_equal(engine_cancel(&e, id[i]), 1);
	/* New ties after the cancellations go behind the old ones, even
	 * though they reuse the freed slots. */
	for (uint64_t i = 300; i < 400; i++)
		engine_at(&e, 1.0, record, NULL, i);
	assert_int_equal(engine_check(&e), 0);
	run_all(&e, &l);
	assert_int_equal(l.n, 300);
	for (uint64_t i = 0; i < 400; i++)
		if (i >= 300 || i % 3 != 0)
			assert_int_equal(l.tag[k++], i);
	engine_release(&e);
}

static void test_cancel(void **state)
{
	struct engine e;
	struct log l = { .e = &e };
	event_id a, b, c, d;
	(void)state;

	engine_init(&e);
	a = engine_at(&e, 1, record, NULL, 1);
	b = engine_at(&e, 2, record, NULL, 2);
	c = engine_at(&e, 3, record, NULL, 3);
	d = engine_at(&e, 4, record, NULL, 4);
	assert_true(a && b && c && d);
	assert_true(a != b && b != c && c != d);
	assert_int_equal(engine_pending(&e, a), 1);
	assert_true(engine_time_of(&e, c) == 3);

	assert_int_equal(engine_cancel(&e, a), 1); /* the head */
	assert_true(engine_peek_time(&e) == 2);
	assert_int_equal(engine_cancel(&e, a), 0); /* double cancel */
	assert_int_equal(engine_pending(&e, a), 0);
	assert_true(engine_time_of(&e, a) == -1);

	/* A new event reuses a's slot (the free list is LIFO): a's id must
	 * stay stale and must not reach the new event. */
	event_id a2 = engine_at(&e, 5, record, NULL, 5);
	assert_true(a2 != a);
	assert_int_equal((uint32_t)a2, (uint32_t)a); /* same slot, new generation */
	assert_int_equal(engine_cancel(&e, a), 0);
	assert_int_equal(engine_pending(&e, a2), 1);

	assert_int_equal(engine_cancel(&e, d), 1); /* the last element */
	assert_int_equal(engine_size(&e), 3);
	assert_int_equal(engine_check(&e), 0);

	assert_int_equal(engine_step(&e, &l), 1); /* fires b */
	assert_int_equal(engine_pending(&e, b), 0); /* stale after firing */
	assert_int_equal(engine_cancel(&e, b), 0);
	assert_int_equal(engine_reschedule(&e, b, 9), 0);

	/* Not ids at all. */
	assert_int_equal(engine_cancel(&e, 0), 0);
	assert_int_equal(engine_pending(&e, 0), 0);
	assert_int_equal(engine_cancel(&e, 12345), 0);
	assert_int_equal(engine_cancel(&e, (uint64_t)7 << 32 | 1), 0);

	run_all(&e, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.tag[0], 2);
	assert_int_equal(l.tag[1], 3);
	assert_int_equal(l.tag[2], 5);
	/* Cancelling the only event empties the list. */
	a = engine_at(&e, 6, record, NULL, 6);
	assert_int_equal(engine_cancel(&e, a), 1);
	assert_int_equal(engine_size(&e), 0);
	assert_true(isinf(engine_peek_time(&e)));
	assert_int_equal(engine_check(&e), 0);
	engine_release(&e);
}

static void test_reschedule(void **state)
{
	struct engine e;
	struct log l = { .e = &e };
	event_id a, b, c;
	(void)state;

	engine_init(&e);
	a = engine_at(&e, 1, record, NULL, 1);
	b = engine_at(&e, 1, record, NULL, 2);
	c = engine_at(&e, 1, record, NULL, 3);
	/* Same time: counts as a new insertion, so a goes behind b and c. */
	assert_int_equal(engine_reschedule(&e, a, 1), a);
	assert_true(engine_time_of(&e, a) == 1);
	run_all(&e, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.tag[0], 2);
	assert_int_equal(l.tag[1], 3);
	assert_int_equal(l.tag[2], 1);

	l.n = 0;
	a = engine_at(&e, 10, record, NULL, 1);
	b = engine_at(&e, 20, record, NULL, 2);
	c = engine_at(&e, 30, record, NULL, 3);
	assert_int_equal(engine_reschedule(&e, c, 5), c);  /* earlier: to the head */
	assert_true(engine_peek_time(&e) == 5);
	assert_int_equal(engine_reschedule(&e, a, 25), a); /* later */
	assert_int_equal(engine_reschedule(&e, b, 25), b); /* tie with a, after it */
	assert_true(engine_time_of(&e, a) == 25);
	assert_int_equal(engine_check(&e), 0);
	run_all(&e, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.tag[0], 3);
	assert_int_equal(l.tag[1], 1);
	assert_int_equal(l.tag[2], 2);
	assert_true(l.at[0] == 5 && l.at[1] == 25 && l.at[2] == 25);
	engine_release(&e);
}

static void test_run_until(void **state)
{
	struct engine e;
	struct log l = { .e = &e };
	(void)state;

	engine_init(&e);
	for (uint64_t i = 1; i <= 3; i++)
		engine_at(&e, (double)i, record, NULL, i);
	assert_int_equal(engine_run(&e, 2.5, &l), 2);
	assert_true(e.now == 2.5);
	assert_int_equal(engine_size(&e), 1);
	/* An event exactly at `until` fires. */
	assert_int_equal(engine_run(&e, 3, &l), 1);
	assert_true(e.now == 3);
	/* Nothing left: the clock still advances to until. */
	assert_int_equal(engine_run(&e, 7, &l), 0);
	assert_true(e.now == 7);
	/* engine_after is relative to the advanced clock. */
	engine_after(&e, 0.5, record, NULL, 9);
	assert_true(engine_peek_time(&e) == 7.5);
	engine_release(&e);
}

static void stop_at_five(void *ctx, void *obj, uint64_t arg)
{
	struct log *l = ctx;
	record(ctx, obj, arg);
	if (arg == 5)
		engine_stop(l->e);
}

static void test_stop(void **state)
{
	struct engine e;
	struct log l = { .e = &e };
	(void)state;

	engine_init(&e);
	for (uint64_t i = 1; i <= 10; i++)
		engine_at(&e, (double)i, stop_at_five, NULL, i);
	assert_int_equal(engine_run(&e, 100, &l), 5);
	assert_true(e.now == 5); /* stopped: the clock stays at the last event */
	assert_int_equal(engine_size(&e), 5);
	assert_int_equal(engine_run(&e, 100, &l), 0); /* the stop is sticky */
	e.stopped = 0;
	assert_int_equal(engine_run(&e, 100, &l), 5);
	assert_true(e.now == 100);
	assert_int_equal(l.n, 10);
	engine_release(&e);
}

/* A callback that schedules at dt = 0 goes behind events already pending
 * at the same time. */
static void chain(void *ctx, void *obj, uint64_t arg)
{
	struct log *l = ctx;
	record(ctx, obj, arg);
	if (arg < 3)
		engine_after(l->e, 0, chain, NULL, arg + 10);
}

static void test_schedule_from_callback(void **state)
{
	struct engine e;
	struct log l = { .e = &e };
	static const uint64_t want[] = { 0, 1, 2, 10, 11, 12 };
	(void)state;

	engine_init(&e);
	for (uint64_t i = 0; i < 3; i++)
		engine_at(&e, 4, chain, NULL, i);
	run_all(&e, &l);
	assert_int_equal(l.n, ARRAY_LEN(want));
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.tag[i], want[i]);
	engine_release(&e);
}

/*
 * An entry has 32 bits for the tie-breaker: when e.seq reaches 2^32 the
 * engine renumbers the pending entries 0 .. n-1 in their order (engine.c).
 * Jumping e.seq forward stands for the events scheduled and gone in
 * between. Without the renumbering, the event after the jump would get
 * sequence 0 again and tie with A, or wrap below it.
 */
static void test_seq_renumbering(void **state)
{
	const uint64_t limit = (uint64_t)1 << 32;
	struct engine e;
	struct log l = { .e = &e };
	uint64_t tag = 0;
	(void)state;

	engine_init(&e);
	engine_at(&e, 5, record, NULL, tag++); /* A, seq 0 */
	engine_at(&e, 9, record, NULL, 1000);  /* a later time, never tied */
	for (int k = 0; k < 3; k++) {
		e.seq = limit - 2;
		engine_at(&e, 5, record, NULL, tag++); /* seq 2^32 - 2 */
		engine_at(&e, 5, record, NULL, tag++); /* seq 2^32 - 1 */
		engine_at(&e, 5, record, NULL, tag++); /* renumbers first */
		assert_true(e.seq == engine_size(&e)); /* 0 .. n-2, then the new n-1 */
		assert_int_equal(engine_check(&e), 0);
	}
	/* A reschedule may renumber too. */
	e.seq = limit;
	assert_int_equal(engine_reschedule(&e, 1, 5), 1); /* id 1: A's slot 0, generation 0 */
	assert_true(e.seq == engine_size(&e) + 1); /* 0 .. n-1, then A's new n */
	run_all(&e, &l);
	assert_int_equal(l.n, tag + 1);
	for (uint64_t i = 1; i < tag; i++)
		assert_int_equal(l.tag[i - 1], i);
	assert_int_equal(l.tag[tag - 1], 0); /* A, rescheduled last */
	assert_int_equal(l.tag[tag], 1000);
	engine_release(&e);
}

/* After warm-up, a hold loop neither allocates nor moves the arrays. */
static void hold(void *ctx, void *obj, uint64_t arg)
{
	struct log *l = ctx;
	(void)obj;
	engine_after(l->e, (double)(arg % 17) * 0.25, hold, NULL, arg * 2654435761u + 1);
}

static void test_no_allocation_in_steady_state(void **state)
{
	struct engine e;
	struct log l = { .e = &e };
	const void *heap, *slots;
	size_t cap;
	(void)state;

	engine_init(&e);
	for (uint64_t i = 0; i < 1000; i++)
		engine_at(&e, (double)(i % 13), hold, NULL, i);
	heap = e.heap;
	slots = e.slots;
	cap = e.cap;
	for (int i = 0; i < 100000; i++)
		assert_int_equal(engine_step(&e, &l), 1);
	assert_ptr_equal(e.heap, heap);
	assert_ptr_equal(e.slots, slots);
	assert_int_equal(e.cap, cap);
	assert_int_equal(e.nslots, 1000);
	assert_int_equal(engine_size(&e), 1000);
	assert_int_equal(engine_check(&e), 0);
	engine_release(&e);
}

/* Scheduling in the past is a caller bug: asserted (debug builds). */
#ifdef NDEBUG
static void test_past_time_aborts(void **state)
{
	(void)state;
	skip();
}
#else
static void noop(void *ctx, void *obj, uint64_t arg)
{
	(void)ctx;
	(void)obj;
	(void)arg;
}

static void test_past_time_aborts(void **state)
{
	static const double bad[] = { 1.0, NAN, INFINITY };
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		pid_t pid = fork();
		int st;
		assert_true(pid >= 0);
		if (pid == 0) {
			struct engine e;
			signal(SIGABRT, SIG_DFL);
			engine_init(&e);
			e.now = 2;
			/* Silence the assertion message in the test output. */
			if (!freopen("/dev/null", "w", stderr))
				_exit(3);
			engine_at(&e, bad[i], noop, NULL, 0);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	}
}
#endif

/*
 * Differential test: 200k random operations (schedule, cancel, reschedule,
 * step; callbacks that schedule) on the engine and on a reference model,
 * a sorted array, checking the exact firing order. Times are multiples of
 * 0.25 over a short horizon so that ties are frequent.
 */
struct ref_ev {
	double t;
	uint64_t seq; /* the model's own insertion counter */
	uint64_t tag;
	event_id id;
};

struct diff {
	struct engine e;
	struct rng r;
	struct ref_ev *ev; /* sorted by (t, seq) descending: the earliest last */
	size_t n, cap;
	uint64_t seq, next_tag;
	struct ref_ev *issued; /* every event ever scheduled, pending or not */
	size_t nissued, issued_cap;
	uint64_t fired_tag;
	int fired;
};

static int ref_later(const struct ref_ev *a, const struct ref_ev *b)
{
	return a->t > b->t || (a->t == b->t && a->seq > b->seq);
}

static void ref_insert(struct diff *d, struct ref_ev x)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ref_later(&d->ev[mid], &x))
			lo = mid + 1;
		else
			hi = mid;
	}
	GROW(d->ev, d->n, d->cap);
	memmove(&d->ev[lo + 1], &d->ev[lo], (d->n - lo) * sizeof(x));
	d->ev[lo] = x;
	d->n++;
}

/* By tag, not id: a stale id that the engine confused with a live one
 * must show up as a difference. */
static ssize_t ref_find(const struct diff *d, uint64_t tag)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->ev[i].tag == tag)
			return (ssize_t)i;
	return -1;
}

static void ref_remove(struct diff *d, size_t i)
{
	memmove(&d->ev[i], &d->ev[i + 1], (d->n - i - 1) * sizeof(d->ev[0]));
	d->n--;
}

static double random_time(struct diff *d)
{
	if (rng_below(&d->r, 8) == 0)
		return d->e.now + rng_uniform(&d->r) * 10; /* rarely tied */
	return d->e.now + 0.25 * (double)rng_below(&d->r, 40);
}

static void diff_fire(void *ctx, void *obj, uint64_t arg);

static void diff_schedule(struct diff *d, double t)
{
	struct ref_ev x = { t, d->seq++, d->next_tag++, 0 };

	x.id = engine_at(&d->e, t, diff_fire, d, x.tag);
	ref_insert(d, x);
	GROW(d->issued, d->nissued, d->issued_cap);
	d->issued[d->nissued++] = x;
}

static void diff_fire(void *ctx, void *obj, uint64_t arg)
{
	struct diff *d = ctx;

	assert_ptr_equal(obj, d);
	d->fired_tag = arg;
	d->fired++;
	/* Like the simulator, a callback often schedules follow-ups. */
	if (rng_below(&d->r, 3) == 0)
		diff_schedule(d, random_time(d));
}

/* When draining, schedules become steps so that the list shrinks. */
static void diff_op(struct diff *d, int drain)
{
	uint64_t op = rng_below(&d->r, 100);
	const struct ref_ev *pick = d->nissued ? &d->issued[rng_below(&d->r, d->nissued)] : NULL;
	event_id id = pick ? pick->id : 0;
	ssize_t i = pick ? ref_find(d, pick->tag) : -1;

	if (drain && op < 30)
		op = 99;

	if (op < 30) {
		diff_schedule(d, random_time(d));
	} else if (op < 45) {
		assert_int_equal(engine_cancel(&d->e, id), i >= 0);
		if (i >= 0)
			ref_remove(d, (size_t)i);
	} else if (op < 60) {
		double t = random_time(d);
		assert_int_equal(engine_reschedule(&d->e, id, t), i >= 0 ? id : 0);
		if (i >= 0) {
			struct ref_ev x = d->ev[i];
			ref_remove(d, (size_t)i);
			x.t = t;
			x.seq = d->seq++;
			ref_insert(d, x);
		}
	} else if (op < 65) {
		assert_int_equal(engine_pending(&d->e, id), i >= 0);
		assert_true(engine_time_of(&d->e, id) == (i >= 0 ? d->ev[i].t : -1));
	} else {
		/* Step: the model's earliest must be what the engine fires. */
		int fired = d->fired;
		struct ref_ev x;
		if (d->n == 0) {
			assert_int_equal(engine_step(&d->e, d), 0);
			return;
		}
		x = d->ev[--d->n];
		assert_int_equal(engine_step(&d->e, d), 1);
		assert_int_equal(d->fired, fired + 1);
		assert_int_equal(d->fired_tag, x.tag);
		assert_true(d->e.now == x.t);
	}
}

static void test_differential(void **state)
{
	struct diff d;
	(void)state;

	memset(&d, 0, sizeof(d));
	engine_init(&d.e);
	rng_init(&d.r, 42, "test/engine/differential");
	for (int k = 0; k < 200000; k++) {
		diff_op(&d, 0);
		/* Keep the list short enough for the linear model. */
		if (d.n > 400)
			while (d.n > 200)
				diff_op(&d, 1);
		assert_int_equal(engine_size(&d.e), d.n);
		assert_true(engine_peek_time(&d.e) == (d.n ? d.ev[d.n - 1].t : INFINITY));
		if (k % 1000 == 0)
			assert_int_equal(engine_check(&d.e), 0);
	}
	assert_true(d.fired > 50000); /* the mix really exercised firing */
	assert_int_equal(engine_check(&d.e), 0);
	free(d.ev);
	free(d.issued);
	rng_release(&d.r);
	engine_release(&d.e);
}

/* engine_warm: before each event, the hints of the next two events in
 * firing order, stage 2 for the next, 1 for the one after (engine.h), ties
 * included. */
struct hint_log {
	const struct engine *e;
	int fired_id[256];
	int nfired;
	struct { uint64_t step; int id, stage; } h[1024];
	int nh;
};

struct hinted {
	struct hint_log *log;
	int id;
};

static void hinted_fire(void *ctx, void *obj, uint64_t arg)
{
	struct hint_log *l = ctx;
	const struct hinted *x = obj;
	(void)arg;
	l->fired_id[l->nfired++] = x->id;
}

static void hinted_warm(const void *obj, uint64_t arg, int stage)
{
	const struct hinted *x = obj;
	struct hint_log *l = x->log;

	assert_true(arg == (uint64_t)x->id + 1000); /* the event's own arg */
	assert_true(l->nh < (int)ARRAY_LEN(l->h));
	l->h[l->nh].step = l->e->fired; /* counts the event about to fire */
	l->h[l->nh].id = x->id;
	l->h[l->nh++].stage = stage;
}

static void test_warm_hints(void **state)
{
	static struct hint_log l;
	struct hinted x[200];
	struct engine e;
	struct rng r;
	int seen[3] = { 0 };
	(void)state;

	memset(&l, 0, sizeof(l));
	engine_init(&e);
	l.e = &e;
	rng_init(&r, 7, "test/engine/warm");
	engine_warm(&e, hinted_fire, hinted_warm);
	for (int i = 0; i < 200; i++) {
		x[i] = (struct hinted){ &l, i };
		/* 20 distinct times: many ties, fired FIFO */
		engine_at(&e, (double)rng_below(&r, 20), hinted_fire, &x[i], (uint64_t)i + 1000);
	}
	engine_run(&e, INFINITY, &l);
	assert_int_equal(l.nfired, 200);
	for (int k = 0; k < l.nh; k++) {
		/* fired_id[step - 1] is firing; stage 2 is the next one */
		int at = (int)l.h[k].step - 1 + (3 - l.h[k].stage);
		assert_in_range(at, 1, 199);
		assert_int_equal(l.h[k].id, l.fired_id[at]);
		seen[l.h[k].stage]++;
	}
	/* Every event but the first is hinted once per stage it passes through. */
	assert_int_equal(seen[2], 199);
	assert_int_equal(seen[1], 198);
	rng_release(&r);
	engine_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_by_time),
		cmocka_unit_test(test_fifo_ties),
		cmocka_unit_test(test_ties_with_cancellations),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_reschedule),
		cmocka_unit_test(test_run_until),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_schedule_from_callback),
		cmocka_unit_test(test_seq_renumbering),
		cmocka_unit_test(test_no_allocation_in_steady_state),
		cmocka_unit_test(test_past_time_aborts),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_warm_hints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
