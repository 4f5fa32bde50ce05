/*
 * results.h -- everything one run produces, collected in memory until the
 * store writes it in one transaction at the run's end.
 *
 * Owns: the row arrays and the strings copied into its arena. Row fields of
 * type `const char *` passed to results_* are copied (arena) unless noted.
 * Names that repeat in millions of sample rows (node, pod, workload) are
 * interned: results_name() returns a stable pointer to pass to the sample
 * functions, which then store the pointer only.
 *
 * Tables and columns mirror shared/SPEC.md "Results database". A time that
 * never happened (pod never scheduled, node not deleted) is NAN and is
 * written as SQL NULL.
 *
 * Cost: appends are amortised O(1). Memory grows with samples and events,
 * never with the number of requests.
 *
 * Streaming (writer.h): the tables a run appends to while it runs (events,
 * samples, scores) may be read by a writer thread as the run goes. The run
 * calls results_publish at points where every row appended so far is
 * complete; the writer copies published rows under the results' lock,
 * which the run also takes to move a streamed table (growing it). Without
 * a writer (results_sync_start not called) none of this costs anything.
 */
#ifndef CLUSTERSIM_RESULTS_H
#define CLUSTERSIM_RESULTS_H

#include <stdint.h>
#include "base.h"

struct res_run {
	const char *scenario;   /* name */
	char scenario_sha256[65];
	uint64_t seed;
	const char *params;     /* JSON of overrides, "{}" when none */
	int point;              /* sweep point, 0 for a single run */
	double sim_seconds;
	double wall_seconds;
	uint64_t events;
	const char *version;
};

struct res_summary {
	double cost_usd, cost_per_month_usd, node_hours;
	int64_t requests, errors;
	double error_rate;
	double latency_mean_ms, latency_p50_ms, latency_p95_ms, latency_p99_ms, latency_max_ms;
	int64_t oom_kills, evictions, restarts;
	int max_nodes, max_pending_pods;
	double pending_pod_seconds, credits_exhausted_seconds;
};

struct res_node {
	const char *node, *node_group, *instance_type, *zone;
	double created_t, ready_t, deleted_t;
	double cost_usd;
};

struct res_pod {
	const char *pod, *workload, *node; /* node NULL if never scheduled */
	double created_t, scheduled_t, ready_t, deleted_t;
	int restarts, oom_kills;
	const char *end_reason; /* NULL while running at the end */
};

struct res_event {
	double t;
	const char *kind;    /* static string: "Scheduled", "OOMKilled", ... */
	const char *object;  /* interned */
	const char *node;    /* interned or NULL */
	const char *message; /* arena copy */
};

struct res_node_sample {
	double t;
	const char *node; /* interned */
	double cpu_used, cpu_requested, cpu_capacity; /* cores */
	double mem_used, mem_requested, mem_capacity; /* bytes */
	int pods;
	double credits; /* NAN for non-burstable */
};

struct res_pod_sample {
	double t;
	const char *pod, *node, *workload; /* interned */
	double cpu_used; /* cores */
	double mem_used; /* bytes */
	int inflight;
	int ready;
};

struct res_service_sample {
	double t;
	const char *workload; /* interned */
	double rps;
	int64_t completed, errors;
	double p50_ms, p95_ms, p99_ms; /* NAN when no request completed */
	int replicas, ready_replicas;
};

struct res_score {
	double t;
	const char *pod, *node, *plugin; /* interned; plugin "total" for the sum */
	double score;
};

#define RESULTS_TABLE(type, name) \
	struct type *name;        \
	size_t n_##name, cap_##name

struct name_table;   /* interning hash set */
struct results_sync; /* results.c: the lock and counts a streaming writer reads */

/* The tables a run appends to while it runs, in the order a writer takes them. */
enum res_stream {
	RES_EVENTS,
	RES_NODE_SAMPLES,
	RES_POD_SAMPLES,
	RES_SERVICE_SAMPLES,
	RES_SCORES,
	RES_NSTREAM
};

struct results {
	struct arena arena;
	struct name_table *names;
	struct res_run run;
	struct res_summary summary;
	RESULTS_TABLE(res_node, nodes);
	RESULTS_TABLE(res_pod, pods);
	RESULTS_TABLE(res_event, events);
	RESULTS_TABLE(res_node_sample, node_samples);
	RESULTS_TABLE(res_pod_sample, pod_samples);
	RESULTS_TABLE(res_service_sample, service_samples);
	RESULTS_TABLE(res_score, scores);
	struct results_sync *sync; /* NULL: no streaming writer */
};

void results_init(struct results *r);
void results_release(struct results *r);

/* Stable interned copy of s (NULL stays NULL). O(1) expected. */
const char *results_name(struct results *r, const char *s);

/* Appends; the returned row may be filled further by the caller until the
 * next append to the same table. Strings in the row must be interned or
 * arena-owned by r. A fresh row is zeroed, except the fields that are NAN
 * when absent (node and pod times, credits, service percentiles): those
 * start as NAN. results_event interns object and node itself. */
struct res_node *results_add_node(struct results *r);
struct res_pod *results_add_pod(struct results *r);
void results_event(struct results *r, double t, const char *kind, const char *object,
		   const char *node, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
struct res_node_sample *results_add_node_sample(struct results *r);
/* n > 0 rows at once, contiguous (two threads may then fill them). */
struct res_node_sample *results_add_node_samples(struct results *r, size_t n);
struct res_pod_sample *results_add_pod_sample(struct results *r);
struct res_service_sample *results_add_service_sample(struct results *r);
struct res_score *results_add_score(struct results *r);

/* ---- streaming (writer.h) ---------------------------------------------- */

/* Bytes of one row of streamed table t. */
size_t results_stream_row_size(enum res_stream t);
/* Lets a writer thread read rows as they are published (until results_release). */
void results_sync_start(struct results *r);
/* Every row appended so far is complete: a writer may read it. O(1); a
 * no-op without results_sync_start. */
void results_publish(struct results *r);
/* Publishes everything and tells the writer nothing more will come. */
void results_sync_end(struct results *r);
/* For the writer: blocks until some table has published rows beyond
 * done[] or the run is over; fills pub[] with the published counts and
 * returns 1 once the run is over (pub[] then final). */
int results_sync_wait(struct results *r, const size_t done[RES_NSTREAM],
		      size_t pub[RES_NSTREAM]);
/* For the writer: copies published rows [from, from + n) of table t into
 * buf (n rows of t's row type), under the lock. Returns the row size. */
size_t results_sync_copy(struct results *r, enum res_stream t, size_t from, size_t n,
			 void *buf);

#endif
