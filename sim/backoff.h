/*
 * backoff.h -- client-go's flowcontrol.Backoff for one key, as the kubelet
 * uses it for CrashLoopBackOff (reference §7.1).
 *
 * A value type: one struct per container, no engine, no allocation. The
 * functions are client-go's, with the key implied:
 *
 *   next(eventTime)            no entry, or the entry expired
 *                              (eventTime - lastUpdate > 2 x max):
 *                                  backoff = initial
 *                              else backoff = min(2 x backoff, max);
 *                              lastUpdate = now.
 *   in_backoff_since(eventTime) an entry that has not expired, and
 *                              now - eventTime < backoff.
 *
 * The kubelet calls them with eventTime = the exited container's
 * FinishedAt (kuberuntime_manager.go doBackOff): a container that exits is
 * restarted at once when not in backoff (and next() is called), else once
 * now - FinishedAt reaches the backoff. So with containers that die at
 * once the waits are 0, 10, 20, 40, 80, 160, 300, 300 ... s, and a
 * container that ran more than 2 x max = 600 s since its last restart
 * starts over at 0 then 10 s.
 *
 * The kubelet also garbage-collects entries not updated for more than
 * 2 x max (Backoff.GC, from HandlePodCleanups every 2 s of housekeeping);
 * here an entry counts as collected as soon as now - lastUpdate exceeds
 * 2 x max (continuous GC). This matters only when a container ran long
 * enough (more than 2 x max - backoff) that its wait would end after that:
 * the kubelet then restarts it once the entry is gone, and the next crash
 * starts over at `initial`.
 *
 * Times are compared as absolute instants (event_t > lastUpdate + 2 x max,
 * now < event_t + backoff), so the time backoff_release_time returns
 * satisfies the rules exactly, with no rounding in between.
 *
 * No jitter: the kubelet's backoff has none. Times in seconds. O(1).
 */
#ifndef CLUSTERSIM_BACKOFF_H
#define CLUSTERSIM_BACKOFF_H

/* pkg/kubelet/kubelet.go: backOffPeriod and MaxContainerBackOff. */
#define BACKOFF_KUBELET_INITIAL 10.0 /* s */
#define BACKOFF_KUBELET_MAX 300.0    /* s */

struct backoff {
	double initial;     /* s, first backoff of an entry */
	double max;         /* s, cap */
	double delay;       /* s, the entry's backoff; 0 when there is no entry */
	double last_update; /* s, time of the last backoff_next */
};

void backoff_init(struct backoff *b, double initial, double max);
/* Backoff.Next(key, event_t) at time now (>= last update). */
void backoff_next(struct backoff *b, double event_t, double now);
/* Backoff.IsInBackOffSince(key, event_t) at time now. */
int backoff_in_backoff_since(const struct backoff *b, double event_t, double now);
/* Backoff.Get(key) at time now: the entry's backoff, 0 without one. */
double backoff_get(const struct backoff *b, double now);
/*
 * The earliest time >= event_t at which backoff_in_backoff_since(event_t)
 * is false: event_t without a live entry, else the sooner of
 * event_t + backoff and the entry's collection.
 */
double backoff_release_time(const struct backoff *b, double event_t);

#endif
