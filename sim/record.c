/*
 * record.c -- the record plan of a run. See record.h.
 */
#include "record.h"

#include <math.h>

int64_t record_max_pods(const struct scenario *sc)
{
	int64_t pods = 0, nodes = 0;

	for (int i = 0; i < sc->ngroups; i++)
		nodes += sc->groups[i].max;
	for (int i = 0; i < sc->nworkloads; i++) {
		const struct workload *w = &sc->workloads[i];
		int most = w->hpa.enabled && w->hpa.max > w->replicas ? w->hpa.max : w->replicas;
		pods += w->kind == WL_DAEMONSET ? nodes : most;
	}
	return pods;
}

/* Ticks of sample_interval in an interval (0: every tick). */
static uint64_t every(double interval, double tick)
{
	double k = interval > 0 ? nearbyint(interval / tick) : 1;
	return k >= 1 ? (uint64_t)k : 1;
}

void record_plan_init(struct record_plan *p, const struct scenario *sc)
{
	p->pod = sc->record.pod_samples;
	if (p->pod == POD_SAMPLES_AUTO)
		p->pod = record_max_pods(sc) <= RECORD_AUTO_PODS ? POD_SAMPLES_POD
								 : POD_SAMPLES_AGGREGATE;
	p->node_every = every(sc->record.node_samples_interval, sc->sample_interval);
	p->pod_every = every(sc->record.pod_samples_interval, sc->sample_interval);
}
