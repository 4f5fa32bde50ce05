/*
 * engine.h -- the future-event list and the run loop.
 *
 * Owns: pending events, the simulated clock. Does not own the objects the
 * events point at.
 *
 * An event is (time, fn, obj, arg). Events fire in order of (time, insertion
 * sequence): two events at the same time fire in the order they were
 * scheduled (FIFO ties, deterministic). Rescheduling counts as a new
 * insertion. Time never goes backwards (asserted): scheduling before `now`
 * is a bug of the caller.
 *
 * Cost: schedule, cancel and reschedule are O(log n) in an indexed 4-ary
 * heap whose entries carry their keys inline (cache-friendly); peek is
 * O(1). A cancelled or fired event's id goes stale: ids carry a generation
 * so a stale id is recognised and ignored, never confused with a new event.
 *
 * The CPU model reschedules a node's next completion on every change, so
 * engine_reschedule is on the hot path and does not allocate.
 */
#ifndef CLUSTERSIM_ENGINE_H
#define CLUSTERSIM_ENGINE_H

#include <stdint.h>
#include <stddef.h>

typedef void (*engine_fn)(void *ctx, void *obj, uint64_t arg);
/* A cache hint for an event of a given fn that is about to fire, with the
 * event's obj and arg: stage 1 (two events ahead) may only prefetch obj's
 * own lines and what arg names without reading memory; stage 2 (next
 * event, stage 1's lines fetched) may read them and prefetch what they
 * point to. Hints must not change any state. */
typedef void (*engine_warm_fn)(const void *obj, uint64_t arg, int stage);

enum { ENGINE_MAX_WARM = 4 };

/* 0 is never a valid id: use it for "no event". */
typedef uint64_t event_id;

struct engine_slot;
struct engine_entry;

struct engine {
	double now;          /* s, simulated */
	uint64_t seq;        /* insertion counter, the tie-breaker (< 2^32: engine.c renumbers) */
	uint64_t fired;      /* events executed so far */
	int stopped;         /* set by engine_stop; engine_run returns */
	struct engine_entry *heap; /* 4-ary heap of (time, seq, slot) */
	size_t n, cap;
	struct engine_slot *slots; /* event payloads, indexed by slot */
	uint32_t nslots, slots_cap;
	uint32_t free_head;  /* free-slot list, UINT32_MAX when empty */
	engine_fn warm_fn[ENGINE_MAX_WARM]; /* engine_warm's registrations */
	engine_warm_fn warm[ENGINE_MAX_WARM];
	int nwarm;
};

void engine_init(struct engine *e);
void engine_release(struct engine *e);

/* Schedules fn(ctx, obj, arg) at absolute time t >= now. */
event_id engine_at(struct engine *e, double t, engine_fn fn, void *obj, uint64_t arg);
/* Same, at now + dt (dt >= 0). */
event_id engine_after(struct engine *e, double dt, engine_fn fn, void *obj, uint64_t arg);
/* Removes a pending event. Returns 1 if it was pending, 0 if stale or 0. */
int engine_cancel(struct engine *e, event_id id);
/*
 * Moves a pending event to time t (keeping fn, obj, arg; new sequence).
 * Returns its (possibly new) id; if id was stale, returns 0 and does nothing.
 * (This implementation keeps the id: the returned id equals the given one.)
 */
event_id engine_reschedule(struct engine *e, event_id id, double t);
int engine_pending(const struct engine *e, event_id id);
/* Time of a pending event, or -1 if stale. */
double engine_time_of(const struct engine *e, event_id id);
size_t engine_size(const struct engine *e);
/* Earliest pending time, or INFINITY when empty. */
double engine_peek_time(const struct engine *e);
/*
 * Fires events in order while their time <= until and engine_stop was not
 * called; then sets now = until (if not stopped) and returns the number
 * fired by this call. The stop is sticky: engine_run fires nothing until
 * the caller clears e->stopped. until = INFINITY runs until the list is
 * empty and leaves now at the last event's time; until < now fires
 * nothing and leaves now.
 */
uint64_t engine_run(struct engine *e, double until, void *ctx);
/* Fires the single earliest event (ignoring stopped); returns 0 when empty. */
int engine_step(struct engine *e, void *ctx);
void engine_stop(struct engine *e);
/* Registers a cache hint for events of fn (at most ENGINE_MAX_WARM fns;
 * further ones are ignored). Before firing an event, engine_step calls the
 * hints of the next two: when state is scattered over memory the fetches
 * of the coming events overlap the current one's work. */
void engine_warm(struct engine *e, engine_fn fn, engine_warm_fn warm);
/* Checks every invariant (heap order, positions, free list); 0 if sound,
 * -1 if not. O(n): for tests and debugging. */
int engine_check(const struct engine *e);

#endif
