/*
 * sweep.h -- sweep files: a scenario, parameters, replications.
 *
 * Owns: the sweep's document and its parameter lists.
 *
 *   scenario: ../scenarios/story/eks.yaml   (relative to the sweep file)
 *   replications: 3                          (seeds seed, seed+1, ...)
 *   parameters:                              (cartesian product, in file order;
 *     node_groups.workers.instance_type: [t3.medium, m5.large]   the last
 *     node_groups.workers.count: [2, 3]                          varies fastest)
 *
 * Point p (0-based) of a sweep picks value index (p / stride_i) % n_i for
 * parameter i, with stride of the last parameter 1. Run r of the sweep is
 * point r / replications, replication r % replications, seed = scenario
 * seed + replication: replication k of every point shares its seed, so two
 * points see the same traffic (common random numbers).
 */
#ifndef CLUSTERSIM_SWEEP_H
#define CLUSTERSIM_SWEEP_H

#include <stdio.h>

#include "base.h"
#include "scenario.h"
#include "ydoc.h"

struct sweep_param {
	const char *path;
	const char **values; /* YAML flow text of each value */
	struct ymark *marks; /* where each value was written */
	int nvalues;
};

struct sweep {
	struct ydoc doc;
	const char *file;
	const char *scenario_path; /* resolved against the sweep file's dir */
	int replications;
	struct sweep_param *params;
	int nparams;
	int npoints; /* product of nvalues; 1 with no parameters */
};

/* Loads and checks a sweep file (not yet the scenario's points: see
 * sweep_validate). s need not be initialised; on error it is released.
 * Limits: at most 1000000 points and 10000000 runs, replications 1..10000. */
int sweep_load(struct sweep *s, const char *path, struct err *e);
void sweep_release(struct sweep *s);
int sweep_nruns(const struct sweep *s);
/* Fills ovr[0..nparams) for a point (strings owned by the sweep). */
void sweep_point_overrides(const struct sweep *s, int point, struct override *ovr);
/* JSON object of a point's overrides, e.g. {"node_groups.workers.count":3};
 * malloc'ed, caller frees. Keys in parameter order: stable across runs. */
char *sweep_point_json(const struct sweep *s, int point);
/* JSON of arbitrary overrides (for `run --set`); malloc'ed. */
char *overrides_json(const struct override *ovr, int n);

/*
 * Validates every point of a sweep: each point's scenario must load (so a
 * typo in one value is caught before hours of runs). ERR_INPUT with the
 * value's mark on the first failure.
 */
int sweep_validate(const struct sweep *s, const char *models_dir, struct err *e);
/*
 * Cost: one scenario load per point checked. Up to SWEEP_VALIDATE_ALL
 * points every point is loaded; beyond, a covering set of max(n_i) points
 * (point k takes value k mod n_i of parameter i), so every value is loaded
 * at least once but not every combination.
 */
#define SWEEP_VALIDATE_ALL 1000

/* The sweep file's keys as markdown (docs/scenario.md). */
void sweep_schema_markdown(FILE *out);

#endif
