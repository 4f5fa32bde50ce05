/*
 * scenario_impl.h -- what the scenario loader's files share (scenario.c:
 * the key tables, the root hook, loading; scenario_refs.c: references
 * between lists and the scenario-wide limits; scenario_trace.c: rate
 * traces read from CSV files). Not for use outside them.
 */
#ifndef CLUSTERSIM_SCENARIO_IMPL_H
#define CLUSTERSIM_SCENARIO_IMPL_H

#include <stdio.h>

#include "scenario.h"
#include "schema.h"
#include "ydoc.h"

/* Scenario-wide limits (docs/limits.md says why each value). */
#define LIM_DURATION (366 * 86400.0) /* s */
#define LIM_SAMPLES 10000000.0       /* duration / sample_interval */
#define LIM_NODES SCENARIO_MAX_NODES /* sum of node group max */
#define LIM_PODS 150000              /* Deployment max pods + DaemonSets x nodes */
#define LIM_REPLICAS 100000
#define LIM_RPS 1e7
#define LIM_GROUPS 1000
#define LIM_WORKLOADS 10000
#define LIM_TRAFFIC 10000
#define LIM_TYPES 10000
#define LIM_STEPS 100000
#define LIM_TRACE_ROWS 1000000
#define LIM_SMALL_LIST 1000 /* labels-like lists: taints, terms, expressions */
#define LIM_TRACE_LINE 4096
#define LIM_TRACE_BYTES (64L << 20) /* a regular file of at most this size */

/* The loader's state, reachable from the schema context as c->user. */
struct loader {
	struct scenario *sc;
	const struct ydoc *doc;
	const char *models_dir;
	struct ydoc catalog; /* the catalog file, and merged type nodes */
	struct ydoc scratch; /* defaults written as YAML ({...}, [...]) */
	char manifests_sha256[65]; /* of the manifest files, "" when none */
};

/* The i-th item of the list `list` in map, or NULL. */
static inline const struct ynode *nth(const struct ynode *map, const char *list, int i)
{
	const struct ynode *seq = ynode_get(map, list);
	return seq && seq->kind == YN_SEQ && (size_t)i < seq->n ? seq->vals[i] : NULL;
}

/* Pushes list[i] (by its name when it has one) onto the error path;
 * returns what schema_pop takes to undo it. */
static inline size_t push_nth(struct schema_ctx *c, const char *list, const struct ynode *item,
			       int i)
{
	const struct ynode *nm = ynode_get(item, "name");
	size_t old = schema_push_key(c, list);
	char idx[24];
	snprintf(idx, sizeof(idx), "%d", i);
	schema_push_item(c, nm && nm->kind == YN_SCALAR ? nm->str : idx);
	return old;
}

/* Node groups -> instance types, the node and pod limits, traffic ->
 * workloads, faults -> node groups (scenario_refs.c). */
int scenario_resolve(struct schema_ctx *c, const struct ynode *root, struct scenario *sc);
/* rate.shape trace: reads and checks the CSV file into the rate's points
 * (scenario_trace.c); a schema check hook. */
int scenario_check_trace(struct schema_ctx *c, void *obj, const struct ynode *map,
			 const struct ynode *where);

#endif
