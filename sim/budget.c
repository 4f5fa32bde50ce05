/*
 * budget.c -- expected requests and sample rows of a scenario (budget.h).
 */
#include "budget.h"

#include "record.h"

#include <stdio.h>

#include "rate.h"
#include "scenario.h"
#include "schema.h"
#include "units.h"
#include "ydoc.h"

static const struct ynode *traffic_item(const struct ynode *root, int i)
{
	const struct ynode *seq = ynode_get(root, "traffic");
	return seq && seq->kind == YN_SEQ && (size_t)i < seq->n ? seq->vals[i] : NULL;
}

static int requests_error(struct schema_ctx *c, const struct ynode *root, int i, double total,
			  double duration)
{
	const struct ynode *item = traffic_item(root, i);
	const struct ynode *at = ynode_get(item, "rate");
	char idx[24], d[32];
	size_t old = schema_push_key(c, "traffic");
	int rc;

	snprintf(idx, sizeof(idx), "%d", i);
	schema_push_item(c, idx);
	schema_push_key(c, "rate");
	units_fmt_duration(d, sizeof(d), duration);
	rc = schema_fail(c, at ? at : item ? item : root,
			 "expected at most %.0f requests per run over all traffic streams, got "
			 "%.4g in %s (rps x duration, streams up to this one; shorten the run "
			 "or lower the rate)",
			 BUDGET_REQUESTS, total, d);
	schema_pop(c, old);
	return rc;
}

static int check_requests(struct schema_ctx *c, const struct ynode *root,
			  const struct scenario *sc)
{
	double total = 0;
	int i;

	for (i = 0; i < sc->ntraffic; i++) {
		total += rate_integral(&sc->traffic[i].rate, 0, sc->duration);
		if (!(total <= BUDGET_REQUESTS))
			return requests_error(c, root, i, total, sc->duration);
	}
	return 0;
}

/* Rows per tick of sample_interval, as record.h's plan will write them:
 * node samples every node_every ticks, pod samples per pod or per workload
 * every pod_every ticks, one service sample per workload every tick. */
static double rows_per_tick(const struct scenario *sc, double *nodes, double *pods)
{
	struct record_plan plan;

	record_plan_init(&plan, sc);
	*nodes = 0;
	for (int i = 0; i < sc->ngroups; i++)
		*nodes += sc->groups[i].max;
	*pods = plan.pod == POD_SAMPLES_POD		? (double)record_max_pods(sc)
		: plan.pod == POD_SAMPLES_AGGREGATE ? sc->nworkloads
						    : 0;
	return *nodes / (double)plan.node_every + *pods / (double)plan.pod_every +
	       sc->nworkloads;
}

static int check_rows(struct schema_ctx *c, const struct ynode *root, const struct scenario *sc)
{
	double nodes, pods, per_sample, samples = sc->duration / sc->sample_interval;
	char d[32], m[32];

	per_sample = rows_per_tick(sc, &nodes, &pods);
	if (samples * per_sample <= BUDGET_SAMPLE_ROWS)
		return 0;
	units_fmt_duration(d, sizeof(d), sc->duration);
	units_fmt_duration(m, sizeof(m), sc->duration * per_sample / BUDGET_SAMPLE_ROWS);
	return schema_expect_key(c, root, root, "sample_interval",
				 "a duration of at least %s (at most %.0f sample rows in %s: "
				 "%.0f nodes + %.0f pods + %d workloads per sample; or "
				 "record.pod_samples: false)",
				 m, BUDGET_SAMPLE_ROWS, d, nodes, pods, sc->nworkloads);
}

int budget_check(struct schema_ctx *c, const struct ynode *root, const struct scenario *sc)
{
	int rc = check_requests(c, root, sc);
	return rc ? rc : check_rows(c, root, sc);
}
