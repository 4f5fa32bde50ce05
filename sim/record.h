/*
 * record.h -- which samples a run writes, per table (scenario record.*).
 *
 * Samples are taken on the ticks of sample_interval (metrics.c). Node and
 * pod samples can be thinned to every k-th tick (record.*_samples_interval,
 * whole multiples of sample_interval, the loader checks), and pod samples
 * can be summed per workload (record.pod_samples: aggregate), so that a run
 * of 20,000 pods over a day writes about 1 M rows instead of 115 M.
 * service_samples are always written on every tick (one row per workload).
 *
 * auto resolves to pod when the scenario can have at most RECORD_AUTO_PODS
 * pods (Deployments at max(replicas, hpa.max), DaemonSets once per node at
 * the node groups' max), else to aggregate: 2,000 pods sampled every 15 s
 * for a day are 11.5 M rows, about 1.2 GB in SQLite (docs/store.md: 103
 * bytes a row), under the 2 GB a results file should stay within.
 *
 * Cost: record_plan_init is O(workloads + node groups); nothing else here
 * loops.
 */
#ifndef CLUSTERSIM_RECORD_H
#define CLUSTERSIM_RECORD_H

#include <stdint.h>

#include "scenario.h"

enum { RECORD_AUTO_PODS = 2000 };

struct record_plan {
	enum pod_samples_mode pod; /* never POD_SAMPLES_AUTO */
	uint64_t node_every;       /* ticks of sample_interval between node samples, >= 1 */
	uint64_t pod_every;        /* the same for pod samples */
};

void record_plan_init(struct record_plan *p, const struct scenario *sc);
/* Whether tick k (1, 2, ...) writes a sample of a table sampled every `every`. */
static inline int record_due(uint64_t every, uint64_t k)
{
	return k % every == 0;
}
/* The most pods the scenario can have at once (the loader's pod bound). */
int64_t record_max_pods(const struct scenario *sc);

#endif
