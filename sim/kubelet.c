/*
 * kubelet.c -- a pod's life on its node, as the kubelet runs it.
 *
 *   bound --pull--> container started (Started) --ready_after--> Ready
 *   delete: Killing, out of the endpoints at once, in-flight requests drain
 *           for up to termination_grace, then whatever is left fails and
 *           the pod is deleted (its requests leave the node's CPU).
 *   OOM kill (memory.c finds the moment): OOMKilled, out of the endpoints,
 *           every request in the pod fails, the container stops; the
 *           kubelet restarts it in place (restartPolicy Always; the image
 *           is there, so no pull) once CrashLoopBackOff allows (backoff.h:
 *           at once, then 10 s, 20 s, ... 300 s; BackOff when it waits),
 *           and the pod becomes Ready again ready_after the start.
 *   evict:  Evicted, then a delete with the hard-eviction grace of 1 s;
 *           the Deployment replaces the pod.
 *
 * A pod that is deleted while still pending leaves the scheduling queue
 * and is deleted at once. Every step is one engine event per pod
 * (sp->timer); nothing polls.
 */
#include "sim.h"

#include <assert.h>
#include <math.h>

#include "units.h"

/* immediateEvictionGracePeriodSeconds (pkg/kubelet/eviction/eviction_manager.go). */
#define KUBELET_EVICTION_GRACE 1.0 /* s */

static void on_ready(void *ctx, void *obj, uint64_t arg)
{
	struct sim_pod *sp = obj;
	struct sim *s = sp->sim;
	struct pod *p = sp->p;
	(void)ctx;
	(void)arg;

	sp->timer = 0;
	p->ready = 1;
	if (isnan(p->ready_t))
		p->ready_t = s->eng.now;
	results_event(s->res, s->eng.now, "Ready", p->name, p->node->name,
		      "Pod %s is Ready", p->name);
	service_endpoint_add(s, sp);
}

static void start_container(struct sim *s, struct sim_pod *sp)
{
	struct pod *p = sp->p;
	struct cpu_share sh = service_pod_share(p);

	p->phase = POD_RUNNING;
	if (isnan(p->started_t))
		p->started_t = s->eng.now;
	sp->run_t = s->eng.now;
	serve_init(&sp->srv, &sim_node_of(p->node)->cpu, &sh, (uint32_t)p->wl->concurrency,
		   &s->pool, &service_serve_ops, sp);
	sp->running = 1;
	sp->t_prev = s->eng.now;
	sp->cpu_s_prev = 0.0;
	results_event(s->res, s->eng.now, "Started", p->name, p->node->name,
		      "Started container %s", p->wl->name);
	/* Before the readiness timer: a container above its limit at start
	 * dies before it could become Ready, even with ready_after 0. */
	memory_container_started(s, sp);
	sp->timer = engine_after(&s->eng, p->wl->startup_ready_after, on_ready, sp, 0);
}

static void on_pulled(void *ctx, void *obj, uint64_t arg)
{
	struct sim_pod *sp = obj;
	(void)ctx;
	(void)arg;
	sp->timer = 0;
	start_container(sp->sim, sp);
}

void kubelet_pod_bound(struct sim *s, struct sim_pod *sp)
{
	backoff_init(&sp->backoff, BACKOFF_KUBELET_INITIAL, BACKOFF_KUBELET_MAX);
	sp->timer = engine_after(&s->eng, sp->p->wl->startup_pull, on_pulled, sp, 0);
}

/* The container ends: its memory leaves the node, what is still in the
 * pod fails, its cgroup leaves the CPU. */
static void stop_container(struct sim *s, struct sim_pod *sp)
{
	if (!sp->running)
		return;
	memory_container_stopped(s, sp);
	serve_kill(&sp->srv);
	serve_release(&sp->srv);
	sp->running = 0;
	sp->exit_t = s->eng.now;
}

static void finish_delete(struct sim *s, struct sim_pod *sp)
{
	struct pod *p = sp->p;

	stop_container(s, sp); /* what the grace period did not drain fails */
	cluster_pod_delete(&s->cl, p, s->eng.now);
	sched_cluster_changed(&s->sch, SCHED_EV_POD_DELETE, p, s->eng.now);
	sim_kick_scheduler(s);
}

static void on_grace_over(void *ctx, void *obj, uint64_t arg)
{
	struct sim_pod *sp = obj;
	(void)ctx;
	(void)arg;
	sp->timer = 0;
	finish_delete(sp->sim, sp);
}

static void pod_delete(struct sim *s, struct sim_pod *sp, const char *reason, double grace)
{
	struct pod *p = sp->p;

	if (sp->deleting)
		return;
	sp->deleting = 1;
	sp->end_reason = reason;
	if (sp->timer)
		engine_cancel(&s->eng, sp->timer);
	sp->timer = 0;
	if (!p->node) {
		sched_dequeue(&s->sch, p);
		s->pending--;
		cluster_pod_delete(&s->cl, p, s->eng.now);
		return;
	}
	results_event(s->res, s->eng.now, "Killing", p->name, p->node->name,
		      "Stopping container %s (%s)", p->wl->name, reason);
	service_endpoint_remove(s, sp);
	p->ready = 0;
	cluster_pod_terminate(&s->cl, p, s->eng.now);
	if (sp->running && sp->srv.inflight > 0)
		sp->timer = engine_after(&s->eng, grace, on_grace_over, sp, 0);
	else
		finish_delete(s, sp);
}

void kubelet_pod_delete(struct sim *s, struct sim_pod *sp, const char *reason)
{
	pod_delete(s, sp, reason, sp->p->wl->termination_grace);
}

void kubelet_pod_evict(struct sim *s, struct sim_pod *sp, const char *message)
{
	struct pod *p = sp->p;

	results_event(s->res, s->eng.now, "Evicted", p->name, p->node->name, "%s", message);
	s->evictions++;
	pod_delete(s, sp, "Evicted", KUBELET_EVICTION_GRACE);
	controller_pod_gone(s, sp, 1);
}

int kubelet_pod_critical(const struct sim_pod *sp)
{
	return sp->p->wl->kind == WL_DAEMONSET;
}

static void on_restart(void *ctx, void *obj, uint64_t arg)
{
	struct sim_pod *sp = obj;
	struct sim *s = sp->sim;
	(void)ctx;
	(void)arg;

	sp->timer = 0;
	backoff_next(&sp->backoff, sp->exit_t, s->eng.now);
	sp->p->restarts++;
	s->restarts++;
	start_container(s, sp);
}

/* doBackOff at the container's exit: restart now, or when the backoff
 * since its FinishedAt is over. */
static void schedule_restart(struct sim *s, struct sim_pod *sp)
{
	struct pod *p = sp->p;
	double now = s->eng.now, t = backoff_release_time(&sp->backoff, sp->exit_t);
	char wait[32];

	if (t > now) {
		units_fmt_duration(wait, sizeof(wait), t - now);
		results_event(s->res, now, "BackOff", p->name, p->node->name,
			      "Back-off %s restarting failed container %s in pod %s", wait,
			      p->wl->name, p->name);
	}
	if (t <= s->end)
		sp->timer = engine_at(&s->eng, t, on_restart, sp, 0);
}

void kubelet_container_oom(struct sim *s, struct sim_pod *sp, const char *message)
{
	struct pod *p = sp->p;

	assert(sp->running);
	p->oom_kills++;
	s->oom_kills++;
	results_event(s->res, s->eng.now, "OOMKilled", p->name, p->node->name, "%s", message);
	service_endpoint_remove(s, sp);
	p->ready = 0;
	if (sp->deleting) {
		/* Nothing is left to drain: the deletion completes now. */
		stop_container(s, sp);
		if (sp->timer)
			sp->timer = engine_reschedule(&s->eng, sp->timer, s->eng.now);
		return;
	}
	if (sp->timer) /* readiness still pending */
		engine_cancel(&s->eng, sp->timer);
	sp->timer = 0;
	stop_container(s, sp);
	schedule_restart(s, sp);
}

void kubelet_node_down(struct sim *s, struct sim_pod *sp)
{
	if (sp->timer)
		engine_cancel(&s->eng, sp->timer);
	sp->timer = 0;
	if (sp->deleting)
		finish_delete(s, sp);
	else
		stop_container(s, sp);
}

void kubelet_pod_lost(struct sim *s, struct sim_pod *sp, const char *reason)
{
	if (!sp->deleting)
		pod_delete(s, sp, reason, 0.0);
	if (sp->timer) { /* draining: the grace is cut short */
		engine_cancel(&s->eng, sp->timer);
		sp->timer = 0;
		finish_delete(s, sp);
	}
}

void kubelet_request_left(struct sim *s, struct sim_pod *sp)
{
	memory_request_left(s, sp);
	/* The last request of a draining pod left: delete it now, from an
	 * event of its own (a serve callback must not release its pod). */
	if (sp->deleting && sp->timer && sp->srv.inflight == 0)
		sp->timer = engine_reschedule(&s->eng, sp->timer, s->eng.now);
}

double kubelet_pod_memory(const struct sim *s, const struct sim_pod *sp)
{
	if (!sp->running)
		return 0.0;
	return memory_usage(&sp->w->spec->mem, sp->srv.inflight, s->eng.now - sp->run_t);
}
