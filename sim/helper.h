/*
 * helper.h -- a second thread that one run hands half of a walk to.
 *
 * The per-pod walks that happen every few simulated seconds (samples, HPA
 * syncs) read the state of every pod at one instant and write only what
 * belongs to the pod or to the caller's per-part buffers. helper_split
 * runs such a walk as two parts, part 1 on the helper thread and part 0 on
 * the calling one, and returns when both are done: the simulation is
 * stopped meanwhile, so the parts see one consistent state.
 *
 * Determinism: a caller splits its work the same way whether or not a
 * helper exists (h NULL runs part 0 then part 1 on the calling thread) and
 * combines the parts' results in part order, so the results never depend
 * on the thread count. Parts must not allocate from shared arenas or
 * append to shared arrays: the caller reserves room before the split.
 *
 * Owns: its thread, mutex and condition variables. One per run, used by
 * that run's thread only (sweep workers run without one: their cores are
 * already busy).
 *
 * Cost: two condition-variable hand-offs per split (tens of microseconds),
 * against milliseconds of walking 20,000 pods.
 */
#ifndef CLUSTERSIM_HELPER_H
#define CLUSTERSIM_HELPER_H

typedef void (*helper_fn)(void *arg, int part);

struct helper;

/* A started helper thread, or NULL when none could be started (callers
 * then run both parts themselves: same results). */
struct helper *helper_new(void);
/* Stops and joins the thread; NULL is a no-op. */
void helper_free(struct helper *h);
/* fn(arg, 0) here and fn(arg, 1) on the helper, or both here in order when
 * h is NULL; returns when both have returned. */
void helper_split(struct helper *h, helper_fn fn, void *arg);
/* The half-open range [*from, *to) of n items that part (0 or 1) walks. */
static inline void helper_range(int n, int part, int *from, int *to)
{
	int mid = n / 2;
	*from = part ? mid : 0;
	*to = part ? n : mid;
}

#endif
