/*
 * controller.c -- the workload controllers of kube-controller-manager that
 * matter for capacity: a Deployment's ReplicaSet and the DaemonSet.
 *
 * ReplicaSet: keeps `desired` pods that are not being deleted. A pod that
 * goes away on its own (evicted, its node lost) is replaced at once; a
 * scale-down picks victims in the ReplicaSet's order
 * (pkg/controller/controller_utils.go ActivePods): unscheduled before
 * scheduled, pending before running, not ready before ready, then the
 * newest first.
 *
 * DaemonSet: one pod on every Ready node where sched_daemon_should_run
 * says the DaemonSet controller would put one (taints tolerated with the
 * controller's own tolerations, node selector and required affinity),
 * including nodes that join later. Its pods are
 * pinned to their node (the scheduler honours the pin, as the DaemonSet
 * controller's matchFields affinity does).
 *
 * Cost: creating or replacing a pod O(1); a scale-down of k pods
 * O(k x live pods) (replica counts are small).
 */
#include "sim.h"

#include <math.h>
#include <string.h>

static void live_add(struct sim_workload *w, struct sim_pod *sp)
{
	GROW(w->live, w->nlive, w->cap_live);
	sp->live_pos = w->nlive;
	w->live[w->nlive++] = sp;
}

static void live_remove(struct sim_workload *w, struct sim_pod *sp)
{
	int i = sp->live_pos;
	if (i < 0)
		return;
	sim_pod_set_unschedulable(sp, 0);
	w->live[i] = w->live[--w->nlive];
	w->live[i]->live_pos = i;
	sp->live_pos = -1;
}

static struct sim_pod *pod_model(struct sim *s, struct sim_workload *w, struct pod *p)
{
	struct sim_pod *sp = arena_alloc_line(&s->arena, sizeof(*sp));
	sp->sim = s;
	sp->p = p;
	sp->w = w;
	sp->ep_pos = -1;
	sp->live_pos = -1;
	p->model = sp;
	return sp;
}

static void create_pod(struct sim *s, struct sim_workload *w)
{
	struct pod *p = cluster_add_pod(&s->cl, w->index, s->eng.now);
	struct sim_pod *sp = pod_model(s, w, p);
	live_add(w, sp);
	sim_pod_created(s, p);
}

/* Rank for deletion: larger is deleted first (ActivePods order). */
static int victim_rank(const struct sim_pod *sp)
{
	const struct pod *p = sp->p;
	if (!p->node)
		return 3;
	if (p->phase != POD_RUNNING)
		return 2;
	return p->ready ? 0 : 1;
}

static int deletes_before(const struct sim_pod *a, const struct sim_pod *b)
{
	int ra = victim_rank(a), rb = victim_rank(b);
	if (ra != rb)
		return ra > rb;
	/* Newer first: the later creation (higher id on equal time). */
	if (a->p->created_t != b->p->created_t)
		return a->p->created_t > b->p->created_t;
	return a->p->id > b->p->id;
}

static void scale_down_one(struct sim *s, struct sim_workload *w)
{
	struct sim_pod *victim = w->live[0];
	for (int i = 1; i < w->nlive; i++)
		if (deletes_before(w->live[i], victim))
			victim = w->live[i];
	live_remove(w, victim);
	kubelet_pod_delete(s, victim, "ScaledDown");
}

static void reconcile(struct sim *s, struct sim_workload *w)
{
	while (w->nlive < w->desired)
		create_pod(s, w);
	while (w->nlive > w->desired)
		scale_down_one(s, w);
}

void controller_scale(struct sim *s, struct sim_workload *w, int replicas)
{
	w->desired = replicas;
	reconcile(s, w);
}

int controller_daemon_runs_on(const struct workload *wl, const struct node *n)
{
	return wl->kind == WL_DAEMONSET && sched_daemon_should_run(wl, n);
}

void controller_node_added(struct sim *s, struct node *n)
{
	for (int i = 0; i < s->sc->nworkloads; i++) {
		struct sim_workload *w = &s->wl[i];
		struct pod *p;
		if (!controller_daemon_runs_on(w->spec, n))
			continue;
		p = cluster_add_daemon_pod(&s->cl, i, n, s->eng.now);
		live_add(w, pod_model(s, w, p));
		sim_pod_created(s, p);
	}
}

void controller_pod_gone(struct sim *s, struct sim_pod *sp, int replace)
{
	struct sim_workload *w = sp->w;
	live_remove(w, sp);
	if (replace && w->spec->kind == WL_DEPLOYMENT)
		reconcile(s, w);
}

void controller_start(struct sim *s)
{
	for (int i = 0; i < s->sc->nworkloads; i++) {
		struct sim_workload *w = &s->wl[i];
		const struct workload *wl = w->spec;
		int n = wl->replicas;
		if (wl->kind != WL_DEPLOYMENT)
			continue;
		if (wl->hpa.enabled) {
			if (n < wl->hpa.min)
				n = wl->hpa.min;
			if (n > wl->hpa.max)
				n = wl->hpa.max;
		}
		controller_scale(s, w, n);
	}
}
