/*
 * sim.c -- the glue every model of a run shares: nodes joining the cluster
 * with their CPU (and credit) model, and the scheduling pass.
 *
 * The scheduling pass is one engine event at the current time, coalesced:
 * any number of pod creations and cluster changes at one instant cause a
 * single sched_schedule_all, which sees them all (as kube-scheduler's queue
 * would after a burst). After the pass, the same event is moved to the
 * earliest backoff expiry, so a pending pod is retried exactly when kube
 * would retry it, with no polling.
 */
#include "sim.h"

#include <math.h>
#include <string.h>
#include <time.h>

double sim_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void on_credits(void *ctx, struct credits *c, int exhausted)
{
	struct sim_node *sn = ctx;
	struct sim *s = sn->sim;
	(void)c;
	if (exhausted)
		results_event(s->res, s->eng.now, "CreditsExhausted", sn->n->name, sn->n->name,
			      "CPU credit balance exhausted: %s",
			      sn->n->type->burst.mode == CREDIT_STANDARD
				      ? "held to the baseline"
				      : "spending surplus credits");
}

struct node *sim_node_add(struct sim *s, int group, int index, int ready_now)
{
	struct node *n = cluster_add_node(&s->cl, group, index, s->eng.now);
	struct sim_node *sn = arena_alloc_line(&s->arena, sizeof(*sn));

	sn->sim = s;
	sn->n = n;
	sn->rname = results_name(s->res, n->name); /* before any sample walk */
	sn->t_prev = s->eng.now;
	n->model = sn;
	cpu_node_init(&sn->cpu, &s->eng, n->type->vcpu, n->type->cpu_speed);
	cpu_node_warm(&sn->cpu, &sn->mem); /* a request's end updates its sums */
	if (n->type->burst.enabled) {
		sn->burstable = 1;
		credits_init(&sn->credits, &sn->cpu, &n->type->burst, n->type->vcpu, on_credits,
			     sn);
	}
	if (s->cl.nnodes > s->max_nodes)
		s->max_nodes = s->cl.nnodes;
	if (ready_now) {
		results_event(s->res, s->eng.now, "NodeReady", n->name, n->name,
			      "Node %s (%s) is Ready", n->name, n->type->name);
		controller_node_added(s, n);
		sched_cluster_changed(&s->sch, SCHED_EV_NODE_ADD, NULL, s->eng.now);
		sim_kick_scheduler(s);
	} else {
		cluster_node_set_ready(&s->cl, n, 0, s->eng.now);
		n->ready_t = NAN; /* set by sim_node_ready */
	}
	return n;
}

int sim_group_next_index(const struct sim *s, int g)
{
	int last = s->sc->groups[g].count;
	for (int i = 0; i < s->cl.nnode_ids; i++) {
		const struct node *n = s->cl.node_by_id[i];
		if (n->group == g && n->index > last)
			last = n->index;
	}
	return last + 1;
}

void sim_node_ready(struct sim *s, struct node *n)
{
	cluster_node_set_ready(&s->cl, n, 1, s->eng.now);
	results_event(s->res, s->eng.now, "NodeReady", n->name, n->name, "Node %s (%s) is Ready",
		      n->name, n->type->name);
	controller_node_added(s, n);
	sched_cluster_changed(&s->sch, SCHED_EV_NODE_UPDATE, NULL, s->eng.now);
	sim_kick_scheduler(s);
}

void sim_pod_created(struct sim *s, struct pod *p)
{
	s->pending++;
	if (s->pending > s->max_pending)
		s->max_pending = s->pending;
	sched_enqueue(&s->sch, p, s->eng.now);
	sim_kick_scheduler(s);
}

static void on_sched_result(void *ctx, const struct sched_result *r)
{
	struct sim *s = ctx;
	struct sim_pod *sp = sim_pod_of(r->pod);

	if (r->node) {
		s->pending--;
		sp->fail_hash = 0;
		sim_pod_set_unschedulable(sp, 0);
		results_event(s->res, s->eng.now, "Scheduled", r->pod->name, r->node->name, "%s",
			      r->message);
		kubelet_pod_bound(s, sp);
		return;
	}
	/* kube's event recorder folds repeats of the same event; record a
	 * FailedScheduling only when its reason changes. */
	uint64_t h = hash_str64(r->message);
	sim_pod_set_unschedulable(sp, 1);
	if (h != sp->fail_hash) {
		sp->fail_hash = h;
		results_event(s->res, s->eng.now, "FailedScheduling", r->pod->name, NULL, "%s",
			      r->message);
	}
}

static void on_sched_pass(void *ctx, void *obj, uint64_t arg)
{
	struct sim *s = obj;
	double next;
	(void)ctx;
	(void)arg;

	s->sched_ev = 0;
	sched_schedule_all(&s->sch, s->eng.now, on_sched_result, s);
	next = sched_next_backoff_time(&s->sch);
	if (isfinite(next) && next <= s->end)
		s->sched_ev = engine_at(&s->eng, next > s->eng.now ? next : s->eng.now,
					on_sched_pass, s, 0);
}

void sim_kick_scheduler(struct sim *s)
{
	double now = s->eng.now;

	if (s->sched_ev && engine_time_of(&s->eng, s->sched_ev) <= now)
		return;
	if (s->sched_ev)
		s->sched_ev = engine_reschedule(&s->eng, s->sched_ev, now);
	else
		s->sched_ev = engine_at(&s->eng, now, on_sched_pass, s, 0);
}
