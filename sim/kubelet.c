/*
 * kubelet.c -- a pod's life on its node, as the kubelet runs it.
 *
 *   bound --pull--> container started (Started) --ready_after--> Ready
 *   delete: Killing, out of the endpoints at once, in-flight requests drain
 *           for up to termination_grace, then whatever is left fails and
 *           the pod is deleted (its requests leave the node's CPU).
 *
 * A pod that is deleted while still pending leaves the scheduling queue
 * and is deleted at once. Every step is one engine event per pod
 * (sp->timer); nothing polls.
 */
#include "sim.h"

#include <math.h>

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
	serve_init(&sp->srv, &sim_node_of(p->node)->cpu, &sh, (uint32_t)p->wl->concurrency,
		   &s->pool, &service_serve_ops, sp);
	sp->running = 1;
	sp->t_prev = s->eng.now;
	sp->cpu_s_prev = 0.0;
	results_event(s->res, s->eng.now, "Started", p->name, p->node->name,
		      "Started container %s", p->wl->name);
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
	sp->timer = engine_after(&s->eng, sp->p->wl->startup_pull, on_pulled, sp, 0);
}

static void finish_delete(struct sim *s, struct sim_pod *sp)
{
	struct pod *p = sp->p;

	if (sp->running) {
		serve_kill(&sp->srv); /* what the grace period did not drain fails */
		serve_release(&sp->srv);
		sp->running = 0;
	}
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

void kubelet_pod_delete(struct sim *s, struct sim_pod *sp, const char *reason)
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
		sp->timer = engine_after(&s->eng, p->wl->termination_grace, on_grace_over, sp, 0);
	else
		finish_delete(s, sp);
}

void kubelet_request_left(struct sim *s, struct sim_pod *sp)
{
	/* The last request of a draining pod left: delete it now, from an
	 * event of its own (a serve callback must not release its pod). */
	if (sp->deleting && sp->timer && sp->srv.inflight == 0)
		sp->timer = engine_reschedule(&s->eng, sp->timer, s->eng.now);
}

double kubelet_pod_memory(const struct sim *s, const struct sim_pod *sp)
{
	const struct memory_profile *m = &sp->p->wl->mem;
	if (!sp->running)
		return 0.0;
	return (double)m->base + (double)m->per_inflight * sp->srv.inflight +
	       (double)m->growth_per_hour * (s->eng.now - sp->p->started_t) / 3600.0;
}
